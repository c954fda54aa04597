//! The reset policy: defaults from configuration until a global admin saves one.

use app::domain::reset_policy::ResetPolicy;
use sqlx::SqlitePool;

pub const NAME: &str = "reset";

#[derive(Debug, Clone)]
pub struct ResetRules {
    pub defaults: ResetPolicy,
}

impl ResetRules {
    /// The saved policy, or the defaults when none was saved or it no longer parses.
    pub async fn current(&self, pool: &SqlitePool) -> Result<ResetPolicy, sqlx::Error> {
        Ok(super::settings::load(pool, NAME)
            .await?
            .unwrap_or_else(|| self.defaults.clone()))
    }

    /// Stores a policy the caller has already checked.
    pub async fn save(
        &self,
        pool: &SqlitePool,
        policy: &ResetPolicy,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        super::settings::save(pool, NAME, policy, now).await
    }
}
