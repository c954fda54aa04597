//! The audit log: every reset-wizard step and every admin action leaves an event with
//! its time, account when known, client address, user agent and outcome, never a secret.
//! The table is append-only for the application, and each row carries a hash, keyed with
//! the server secret, over its fields and the hash of the row before it; a head record
//! (row count and last hash, also keyed) moves with every append. So an edited, removed or
//! reordered row, and rows removed from the end, are found by `verify_chain`.

mod chain;
mod head;
mod writer;

#[cfg(test)]
mod tests;

pub use chain::{verify_chain, AuditRow, ChainKey, ChainReport, Link, GENESIS_HASH};
pub use head::{write as write_head, ChainHead, HeadCheck};
pub use writer::{Audit, MAX_DETAIL_BYTES, MAX_USER_AGENT_BYTES};

/// What happened and how it ended: one list for the server, which stores the names,
/// and the dashboard, which labels them.
pub use app::domain::audit::{AuditKind, Outcome};
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
