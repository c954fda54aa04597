//! The outbox as global admins read it at /admin/outbox. In outbox mode (development and
//! demos) this is where codes arrive instead of leaving the machine.

use super::Admin;
use crate::delivery::OutboxStatus;
use crate::error::OrInternal;
use app::api::context::RequestMeta;
use app::api::OutboxEntry;
use app::domain::{AdminSection, AppError};

/// Rows shown; older ones stay in the table.
const SHOWN: i64 = 100;

impl Admin {
    /// `DeliveryService::outbox`: the newest messages, for the outbox page.
    pub(super) async fn recent_outbox(
        &self,
        meta: &RequestMeta,
    ) -> Result<Vec<OutboxEntry>, AppError> {
        self.require(meta, AdminSection::Outbox).await?;
        let rows = self
            .delivery
            .recent(SHOWN)
            .await
            .or_internal(&meta.request_id)?;
        let now = self.delivery.now();
        Ok(rows
            .into_iter()
            .map(|row| OutboxEntry {
                id: row.id,
                retryable: row.retryable(now),
                channel: row.channel.as_str().into(),
                recipient: row.recipient,
                subject: row.subject,
                // Held messages are what outbox mode is for; a failed one keeps its body
                // (with its code) only for a retry, not for reading.
                body: if row.status == OutboxStatus::Held {
                    row.body_text
                } else {
                    String::new()
                },
                status: row.status.as_str().into(),
                attempts: row.attempts,
                last_error: row.last_error,
                created_at: row.created_at,
                sent_at: row.sent_at,
                next_attempt_at: (row.status == OutboxStatus::Pending)
                    .then_some(row.next_attempt_at),
            })
            .collect())
    }
}
