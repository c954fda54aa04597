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
    // Admin actions: `actor_id` is the admin, `account_id` the account acted on.
    PolicyChanged,
    UserCreated,
    UserUpdated,
    UserDisabled,
    UserEnabled,
    PasswordSetByAdmin,
    SessionsRevoked,
    ReRegistrationRequired,
    UsersImported,
    UsersExported,
    GroupCreated,
    GroupRenamed,
    GroupDeleted,
    GroupMembersChanged,
    DeliverySettingsChanged,
    TestMessageSent,
    OutboxRetried,
    AuditExported,
    AuditVerified,
    AdminDenied,
}

impl AuditKind {
    pub const ALL: [Self; 33] = [
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
        Self::PolicyChanged,
        Self::UserCreated,
        Self::UserUpdated,
        Self::UserDisabled,
        Self::UserEnabled,
        Self::PasswordSetByAdmin,
        Self::SessionsRevoked,
        Self::ReRegistrationRequired,
        Self::UsersImported,
        Self::UsersExported,
        Self::GroupCreated,
        Self::GroupRenamed,
        Self::GroupDeleted,
        Self::GroupMembersChanged,
        Self::DeliverySettingsChanged,
        Self::TestMessageSent,
        Self::OutboxRetried,
        Self::AuditExported,
        Self::AuditVerified,
        Self::AdminDenied,
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
            Self::PolicyChanged => "policy_changed",
            Self::UserCreated => "user_created",
            Self::UserUpdated => "user_updated",
            Self::UserDisabled => "user_disabled",
            Self::UserEnabled => "user_enabled",
            Self::PasswordSetByAdmin => "password_set_by_admin",
            Self::SessionsRevoked => "sessions_revoked",
            Self::ReRegistrationRequired => "re_registration_required",
            Self::UsersImported => "users_imported",
            Self::UsersExported => "users_exported",
            Self::GroupCreated => "group_created",
            Self::GroupRenamed => "group_renamed",
            Self::GroupDeleted => "group_deleted",
            Self::GroupMembersChanged => "group_members_changed",
            Self::DeliverySettingsChanged => "delivery_settings_changed",
            Self::TestMessageSent => "test_message_sent",
            Self::OutboxRetried => "outbox_retried",
            Self::AuditExported => "audit_exported",
            Self::AuditVerified => "audit_verified",
            Self::AdminDenied => "admin_denied",
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
