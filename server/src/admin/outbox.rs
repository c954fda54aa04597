//! The outbox as global admins read it at /admin/outbox. In outbox mode (development and
//! demos) this is where codes arrive instead of leaving the machine.

use crate::accounts::SqlAccounts;
use crate::delivery::Delivery;
use crate::error::OrInternal;
use app::api::context::{OutboxService, RequestMeta};
use app::api::OutboxEntry;
use app::domain::{AppError, Role};
use std::sync::Arc;

/// Rows shown; older ones stay in the table.
const SHOWN: i64 = 100;

pub struct AdminOutbox {
    pub accounts: Arc<SqlAccounts>,
    pub delivery: Arc<Delivery>,
}

#[async_trait::async_trait]
impl OutboxService for AdminOutbox {
    async fn recent(&self, meta: &RequestMeta) -> Result<Vec<OutboxEntry>, AppError> {
        self.accounts.require(meta, &[Role::GlobalAdmin]).await?;
        let rows = self
            .delivery
            .recent(SHOWN)
            .await
            .or_internal(&meta.request_id)?;
        Ok(rows
            .into_iter()
            .map(|row| OutboxEntry {
                id: row.id,
                channel: row.channel.as_str().into(),
                recipient: row.recipient,
                subject: row.subject,
                body: row.body_text,
                status: row.status.as_str().into(),
                attempts: row.attempts,
                last_error: row.last_error,
                created_at: row.created_at,
                sent_at: row.sent_at,
            })
            .collect())
    }
}
