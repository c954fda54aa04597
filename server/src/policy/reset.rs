//! The reset policy: defaults from configuration until a global admin saves one.

use app::domain::reset_policy::ResetPolicy;
use sqlx::SqlitePool;

const NAME: &str = "reset";

#[derive(Debug, Clone)]
pub struct ResetRules {
    pub defaults: ResetPolicy,
}

impl ResetRules {
    /// The saved policy, or the defaults when none was saved or it no longer parses.
    pub async fn current(&self, pool: &SqlitePool) -> Result<ResetPolicy, sqlx::Error> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT value FROM policy_settings WHERE name = ?")
                .bind(NAME)
                .fetch_optional(pool)
                .await?;
        Ok(row
            .and_then(|(json,)| serde_json::from_str::<ResetPolicy>(&json).ok())
            .unwrap_or_else(|| self.defaults.clone()))
    }

    /// Stores a policy the caller has already checked.
    pub async fn save(
        &self,
        pool: &SqlitePool,
        policy: &ResetPolicy,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        let json =
            serde_json::to_string(policy).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
        sqlx::query(
            "INSERT INTO policy_settings (name, value, updated_at) VALUES (?, ?, ?)
             ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
        )
        .bind(NAME)
        .bind(json)
        .bind(now)
        .execute(pool)
        .await?;
        Ok(())
    }
}
