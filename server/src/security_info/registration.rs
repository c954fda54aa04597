//! Whether a user must register security info now: the policy against what they have.
//! A leaf, so sign-in can ask without depending on the security info workflows.

use super::store;
use crate::policy::{registration, RegistrationRules};
use app::api::{RegistrationPolicy, RegistrationStatus};
use sqlx::SqlitePool;

/// Whether the user must visit their security info now.
pub async fn registration_status(
    pool: &SqlitePool,
    rules: &RegistrationRules,
    user_id: i64,
    postponed: bool,
    now: i64,
) -> Result<RegistrationStatus, sqlx::Error> {
    let policy = rules.current(pool).await?;
    let registered = store::registered(pool, user_id).await?;
    Ok(status(&policy, &registered, postponed, now))
}

pub(crate) fn status(
    policy: &RegistrationPolicy,
    registered: &store::Registered,
    postponed: bool,
    now: i64,
) -> RegistrationStatus {
    RegistrationStatus {
        due: registration::due(policy, registered.count, registered.confirmed_at, now),
        postponed,
        postpones_left: u32::from(policy.postpone_limit).saturating_sub(registered.postponements),
    }
}
