//! What the audit log records: the kind of event and how it ended. The server stores
//! these names (they are hashed into the chain, so a name never changes) and the
//! dashboard labels them; both read this one list.

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
    /// The directory could not be used (down, slow, the service account refused).
    DirectoryUnavailable,
    /// The directory's users and groups were read again on request.
    DirectoryRead,
}

impl AuditKind {
    pub const ALL: [Self; 35] = [
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
        Self::DirectoryUnavailable,
        Self::DirectoryRead,
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
            Self::DirectoryUnavailable => "directory_unavailable",
            Self::DirectoryRead => "directory_read",
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back_to_its_kind_and_names_are_unique() {
        for kind in AuditKind::ALL {
            assert_eq!(AuditKind::parse(kind.as_str()), Some(kind));
        }
        for outcome in Outcome::ALL {
            assert_eq!(Outcome::parse(outcome.as_str()), Some(outcome));
        }
        let mut names: Vec<_> = AuditKind::ALL.iter().map(|k| k.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), AuditKind::ALL.len());
        assert_eq!(AuditKind::parse("reset_begun"), None);
    }
}
