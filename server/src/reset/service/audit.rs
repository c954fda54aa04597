//! What the wizard's steps record. A step's answer never waits on the audit log: an
//! event that cannot be written is logged instead (the final step writes its events in
//! its own transaction, see `conclude`).

use super::SqlReset;
use crate::audit::{AuditEvent, AuditKind, Outcome};
use app::api::context::RequestMeta;

impl SqlReset {
    pub(super) fn event(
        &self,
        meta: &RequestMeta,
        kind: AuditKind,
        outcome: Outcome,
    ) -> AuditEvent {
        AuditEvent::new(kind, outcome, meta.ip, &meta.user_agent)
    }

    pub(super) async fn record(&self, meta: &RequestMeta, event: AuditEvent) {
        if let Err(error) = self.audit.record(event).await {
            tracing::error!(request_id = %meta.request_id, %error, "audit event not recorded");
        }
    }
}
