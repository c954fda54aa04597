//! The audit log: every reset-wizard step (and later, admin actions) leaves an event with
//! its time, account when known, client address, user agent and outcome, never a secret.
//! The table is append-only for the application, and each row carries the hash of the row
//! before it, so an edited, removed or reordered row is found by `verify_chain`.

mod chain;
mod writer;

#[cfg(test)]
mod tests;

pub use chain::{verify_chain, AuditRow, ChainReport, GENESIS_HASH};
pub use writer::{Audit, MAX_DETAIL_BYTES, MAX_USER_AGENT_BYTES};

use std::net::IpAddr;

/// What happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuditKind {
    ResetStarted,
    CaptchaFailed,
    MethodChosen,
    CodeSent,
    GatePassed,
    GateFailed,
    Throttled,
    Blocked,
    PasswordReset,
    AccountUnlocked,
    NotificationQueued,
    WizardExpired,
    PasswordChanged,
}

impl AuditKind {
    pub const ALL: [Self; 13] = [
        Self::ResetStarted,
        Self::CaptchaFailed,
        Self::MethodChosen,
        Self::CodeSent,
        Self::GatePassed,
        Self::GateFailed,
        Self::Throttled,
        Self::Blocked,
        Self::PasswordReset,
        Self::AccountUnlocked,
        Self::NotificationQueued,
        Self::WizardExpired,
        Self::PasswordChanged,
    ];

    /// The stored name. Stored rows are hashed with it, so a name never changes.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ResetStarted => "reset_started",
            Self::CaptchaFailed => "captcha_failed",
            Self::MethodChosen => "method_chosen",
            Self::CodeSent => "code_sent",
            Self::GatePassed => "gate_passed",
            Self::GateFailed => "gate_failed",
            Self::Throttled => "throttled",
            Self::Blocked => "blocked",
            Self::PasswordReset => "password_reset",
            Self::AccountUnlocked => "account_unlocked",
            Self::NotificationQueued => "notification_queued",
            Self::WizardExpired => "wizard_expired",
            Self::PasswordChanged => "password_changed",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|kind| kind.as_str() == name)
    }
}

/// How it ended: done, failed (a wrong answer, a bad CAPTCHA), or refused by a rule
/// (throttled, blocked, not allowed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Outcome {
    Success,
    Failure,
    Denied,
}

impl Outcome {
    pub const ALL: [Self; 3] = [Self::Success, Self::Failure, Self::Denied];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Failure => "failure",
            Self::Denied => "denied",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|outcome| outcome.as_str() == name)
    }
}

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
        }
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
