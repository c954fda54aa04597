//! The daily block: a name stops from a client once the wrong answers given under it in
//! the last 24 hours reach a limit (`crate::reset::limits`).

use super::{SqlReset, DAY};
use crate::audit::{AuditKind, Outcome};
use crate::reset::limits::Limits;
use crate::reset::store;
use app::api::context::RequestMeta;
use app::domain::AppError;

impl SqlReset {
    /// How long until this name may be tried again from this client, when the wrong
    /// answers given under it in the last 24 hours reach a limit.
    pub(super) async fn blocked_for(
        &self,
        name_key: &str,
        client_key: &str,
        limits: &Limits,
        now: i64,
    ) -> Result<Option<u64>, sqlx::Error> {
        let mut conn = self.pool.acquire().await?;
        let (counts, oldest) =
            store::failures_since(&mut conn, name_key, client_key, now - DAY).await?;
        Ok(counts
            .failures_exceed(limits)
            .then(|| u64::try_from((oldest.unwrap_or(now) + DAY - now).max(1)).unwrap_or(1)))
    }

    /// Records and answers a name blocked for this client by its wrong answers.
    pub(super) async fn blocked(
        &self,
        meta: &RequestMeta,
        user_id: Option<i64>,
        retry: Option<u64>,
    ) -> AppError {
        let event = self
            .event(meta, AuditKind::Blocked, Outcome::Denied)
            .account_if(user_id)
            .detail("too many wrong answers in 24 hours");
        self.record(meta, event).await;
        AppError::ResetBlocked {
            retry_after_secs: retry.unwrap_or(1),
        }
    }
}
