//! One event to record, built by the workflows and written by the writer.

use app::domain::audit::{AuditKind, Outcome};
use std::net::IpAddr;

/// One event to record. `detail` is short free text for the reader (a method name, a
/// CAPTCHA problem), never a secret: no passwords, codes, answers or tokens.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    pub kind: AuditKind,
    pub account_id: Option<i64>,
    pub ip: IpAddr,
    pub user_agent: String,
    pub outcome: Outcome,
    pub detail: String,
    /// The admin who acted, for admin actions; `account_id` is then the account acted on.
    pub actor_id: Option<i64>,
}

impl AuditEvent {
    /// An event about no particular account yet, without detail.
    pub fn new(kind: AuditKind, outcome: Outcome, ip: IpAddr, user_agent: &str) -> Self {
        Self {
            kind,
            account_id: None,
            ip,
            user_agent: user_agent.to_owned(),
            outcome,
            detail: String::new(),
            actor_id: None,
        }
    }

    /// An admin's action: who acted, from where.
    pub fn by_admin(
        kind: AuditKind,
        outcome: Outcome,
        actor_id: i64,
        meta: &app::api::context::RequestMeta,
    ) -> Self {
        let mut event = Self::new(kind, outcome, meta.ip, &meta.user_agent);
        event.actor_id = Some(actor_id);
        event
    }

    pub fn account(mut self, account_id: i64) -> Self {
        self.account_id = Some(account_id);
        self
    }

    /// The account, when the event concerns one (a decoy wizard has none).
    pub fn account_if(mut self, account_id: Option<i64>) -> Self {
        self.account_id = account_id;
        self
    }

    pub fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}
