//! The troubleshooter: why a user can or cannot reset right now. The server decides every
//! status with the reset wizard's own rules and sends facts (ids, numbers, names), never
//! sentences, so the page words them in the admin's language.

use crate::api::codec::StrictJson;
#[cfg(feature = "ssr")]
use crate::api::context::RequestMeta;
use crate::domain::{AppError, MethodKind, RegistrationDue};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    Pass,
    Fail,
    Warn,
    NotApplicable,
}

/// Who the reset policy's scope names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ScopeFact {
    Nobody,
    Everyone,
    /// The scope's groups, and those of them the user is a member of.
    Groups {
        scope: Vec<String>,
        member_of: Vec<String>,
    },
}

/// What one check found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Finding {
    Exists {
        exists: bool,
    },
    Enabled {
        enabled: bool,
    },
    /// Administrators are always in scope (under the administrator policy).
    Scope {
        scope: ScopeFact,
        admin: bool,
    },
    /// Whether the stricter administrator policy applies, and the gates it needs.
    AdminPolicy {
        admin: bool,
        gates: u8,
    },
    Methods {
        /// Registered and proven, whatever the reset policy allows.
        registered: Vec<MethodKind>,
        /// The methods the policy that applies allows.
        allowed: Vec<MethodKind>,
        /// Registered and allowed (questions only with enough answers): what counts.
        usable: Vec<MethodKind>,
        gates: u8,
        answers: u32,
        questions_asked: u8,
    },
    /// `until` is unix seconds; `None` with `locked` means no end time.
    Locked {
        locked: bool,
        until: Option<i64>,
        unlock_allowed: bool,
    },
    /// Wizards started for this account in the last 24 hours against the daily cap.
    DailyLimit {
        started: u32,
        cap: u32,
        wrong_answers: u32,
        retry_after_secs: Option<u64>,
    },
    /// The registration policy's view: `None` when nothing is due.
    Registration {
        required_at_sign_in: bool,
        due: Option<RegistrationDue>,
        confirmed_at: Option<i64>,
    },
    /// In `ldap` mode: the account as the directory has it right now.
    Directory {
        account: DirectoryAccount,
    },
}

/// What the directory says of an account, read afresh for the troubleshooter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectoryAccount {
    Open,
    /// Locked after failed sign-ins (ppolicy `pwdAccountLockedTime`, AD `lockoutTime`).
    Locked,
    /// Switched off (ppolicy's permanent lock, AD's ACCOUNTDISABLE).
    Disabled,
    /// AD's `adminCount=1` (AdminSDHolder): the directory may refuse the service account's
    /// writes.
    Protected,
    /// No longer in the directory, or no longer matched by the users' filter.
    Gone,
    /// The directory could not be asked.
    Unreachable,
}

/// Where the fix is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Fix {
    /// The user's admin page: enable, unlock, require re-registration.
    UserPage,
    ResetPolicy,
    Groups,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TroubleCheck {
    pub finding: Finding,
    pub status: CheckStatus,
    /// Where to fix a failing or warning check, most direct first.
    pub fixes: Vec<Fix>,
}

/// Why the wizard would not let the user reset now (a decoy for the first four).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CannotReset {
    NoSuchUser,
    Disabled,
    OutOfScope,
    TooFewMethods,
    Blocked,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// Passing `gates` of `methods` resets the password.
    CanReset {
        gates: u8,
        methods: Vec<MethodKind>,
    },
    Cannot {
        reason: CannotReset,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TroubleReport {
    /// The account's username (the admin may have typed an email address).
    pub username: String,
    /// In the order they are checked; for an unknown name only the first.
    pub checks: Vec<TroubleCheck>,
    pub verdict: Verdict,
}

/// Whether `user` (a username or an address, as typed in the wizard) can reset right now,
/// check by check (global and helpdesk admins).
#[server(endpoint = "troubleshoot_user", input = StrictJson)]
pub async fn troubleshoot_user(user: String) -> Result<TroubleReport, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let troubleshoot = context::service::<dyn TroubleshootService>()?;
    context::with_http_status(troubleshoot.troubleshoot(&meta, user).await)
}

/// Implemented by the server; every method checks the caller's role first.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait TroubleshootService: Send + Sync {
    async fn troubleshoot(
        &self,
        meta: &RequestMeta,
        user: String,
    ) -> Result<TroubleReport, AppError>;
}
