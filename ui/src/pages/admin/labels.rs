//! The dashboard's names for the domain's kinds: audit events, outcomes and methods. Each
//! match is exhaustive, so a kind the server learns cannot reach a page without a label,
//! and each is written once for every page that shows it.

use crate::i18n::{k, Key};
use app::domain::audit::{AuditKind, Outcome};
use app::domain::{AdminSection, MethodKind};

pub fn event_label(kind: AuditKind) -> Key {
    match kind {
        AuditKind::ResetStarted => k::ADMIN_AUDIT_EVENT_RESET_STARTED,
        AuditKind::CaptchaFailed => k::ADMIN_AUDIT_EVENT_CAPTCHA_FAILED,
        AuditKind::MethodChosen => k::ADMIN_AUDIT_EVENT_METHOD_CHOSEN,
        AuditKind::CodeSent => k::ADMIN_AUDIT_EVENT_CODE_SENT,
        AuditKind::GatePassed => k::ADMIN_AUDIT_EVENT_GATE_PASSED,
        AuditKind::GateFailed => k::ADMIN_AUDIT_EVENT_GATE_FAILED,
        AuditKind::Throttled => k::ADMIN_AUDIT_EVENT_THROTTLED,
        AuditKind::Blocked => k::ADMIN_AUDIT_EVENT_BLOCKED,
        AuditKind::PasswordReset => k::ADMIN_AUDIT_EVENT_PASSWORD_RESET,
        AuditKind::AccountUnlocked => k::ADMIN_AUDIT_EVENT_ACCOUNT_UNLOCKED,
        AuditKind::NotificationQueued => k::ADMIN_AUDIT_EVENT_NOTIFICATION_QUEUED,
        AuditKind::WizardExpired => k::ADMIN_AUDIT_EVENT_WIZARD_EXPIRED,
        AuditKind::PasswordChanged => k::ADMIN_AUDIT_EVENT_PASSWORD_CHANGED,
        AuditKind::PolicyChanged => k::ADMIN_AUDIT_EVENT_POLICY_CHANGED,
        AuditKind::UserCreated => k::ADMIN_AUDIT_EVENT_USER_CREATED,
        AuditKind::UserUpdated => k::ADMIN_AUDIT_EVENT_USER_UPDATED,
        AuditKind::UserDisabled => k::ADMIN_AUDIT_EVENT_USER_DISABLED,
        AuditKind::UserEnabled => k::ADMIN_AUDIT_EVENT_USER_ENABLED,
        AuditKind::PasswordSetByAdmin => k::ADMIN_AUDIT_EVENT_PASSWORD_SET_BY_ADMIN,
        AuditKind::SessionsRevoked => k::ADMIN_AUDIT_EVENT_SESSIONS_REVOKED,
        AuditKind::ReRegistrationRequired => k::ADMIN_AUDIT_EVENT_RE_REGISTRATION_REQUIRED,
        AuditKind::UsersImported => k::ADMIN_AUDIT_EVENT_USERS_IMPORTED,
        AuditKind::UsersExported => k::ADMIN_AUDIT_EVENT_USERS_EXPORTED,
        AuditKind::GroupCreated => k::ADMIN_AUDIT_EVENT_GROUP_CREATED,
        AuditKind::GroupRenamed => k::ADMIN_AUDIT_EVENT_GROUP_RENAMED,
        AuditKind::GroupDeleted => k::ADMIN_AUDIT_EVENT_GROUP_DELETED,
        AuditKind::GroupMembersChanged => k::ADMIN_AUDIT_EVENT_GROUP_MEMBERS_CHANGED,
        AuditKind::DeliverySettingsChanged => k::ADMIN_AUDIT_EVENT_DELIVERY_SETTINGS_CHANGED,
        AuditKind::TestMessageSent => k::ADMIN_AUDIT_EVENT_TEST_MESSAGE_SENT,
        AuditKind::OutboxRetried => k::ADMIN_AUDIT_EVENT_OUTBOX_RETRIED,
        AuditKind::AuditExported => k::ADMIN_AUDIT_EVENT_AUDIT_EXPORTED,
        AuditKind::AuditVerified => k::ADMIN_AUDIT_EVENT_AUDIT_VERIFIED,
        AuditKind::AdminDenied => k::ADMIN_AUDIT_EVENT_ADMIN_DENIED,
        AuditKind::DirectoryUnavailable => k::ADMIN_AUDIT_EVENT_DIRECTORY_UNAVAILABLE,
        AuditKind::DirectoryRead => k::ADMIN_AUDIT_EVENT_DIRECTORY_READ,
    }
}

pub fn outcome_label(outcome: Outcome) -> Key {
    match outcome {
        Outcome::Success => k::ADMIN_AUDIT_OUTCOME_SUCCESS,
        Outcome::Failure => k::ADMIN_AUDIT_OUTCOME_FAILURE,
        Outcome::Denied => k::ADMIN_AUDIT_OUTCOME_DENIED,
    }
}

pub fn method_label(kind: MethodKind) -> Key {
    match kind {
        MethodKind::Email => k::METHOD_EMAIL,
        MethodKind::Phone => k::METHOD_PHONE,
        MethodKind::Authenticator => k::METHOD_AUTHENTICATOR,
        MethodKind::Questions => k::METHOD_QUESTIONS,
        MethodKind::RecoveryCodes => k::METHOD_RECOVERY_CODES,
    }
}

/// The name each section's link and title use.
pub fn section_title(section: AdminSection) -> Key {
    match section {
        AdminSection::Overview => k::ADMIN_SECTION_OVERVIEW,
        AdminSection::ResetPolicy => k::ADMIN_SECTION_RESET_POLICY,
        AdminSection::PasswordPolicy => k::ADMIN_SECTION_PASSWORD_POLICY,
        AdminSection::Users => k::ADMIN_SECTION_USERS,
        AdminSection::Groups => k::ADMIN_SECTION_GROUPS,
        AdminSection::Audit => k::ADMIN_SECTION_AUDIT,
        AdminSection::Reports => k::ADMIN_SECTION_REPORTS,
        AdminSection::Troubleshoot => k::ADMIN_SECTION_TROUBLESHOOT,
        AdminSection::Delivery => k::ADMIN_SECTION_DELIVERY,
        AdminSection::Outbox => k::ADMIN_SECTION_OUTBOX,
    }
}
