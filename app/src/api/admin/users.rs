//! Users: search, the user page, helpdesk actions, and CSV import and export.

use crate::api::codec::StrictJson;
#[cfg(feature = "ssr")]
use crate::api::context::RequestMeta;
use crate::api::security_info::MethodView;
use crate::domain::{AdminSection, AppError, FieldProblem, Role};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Users shown per page in the admin list.
pub const USERS_PAGE_SIZE: u32 = 20;

/// Matches are counted up to this many; past it the list says "more than" and pages on,
/// so a broad search over a large directory never counts every row.
pub const USERS_COUNT_CAP: u64 = 1_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Enabled,
    Disabled,
    Locked,
}

impl AccountStatus {
    pub const ALL: [Self; 3] = [Self::Enabled, Self::Disabled, Self::Locked];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enabled => "enabled",
            Self::Disabled => "disabled",
            Self::Locked => "locked",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|status| status.as_str() == name)
    }
}

/// What an admin may do to a user beyond reading. Which roles may read users is
/// `AdminSection::Users`; helpdesk actions are further limited by `may_act_on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UserAction {
    /// Create, edit, disable and enable, import and export: global admins.
    Manage,
    /// Reset the password, unlock, revoke sessions, require re-registration.
    Help,
}

impl UserAction {
    pub fn roles(self) -> &'static [Role] {
        match self {
            Self::Manage => &[Role::GlobalAdmin],
            Self::Help => AdminSection::Users.roles(),
        }
    }

    pub fn allows(self, roles: &[Role]) -> bool {
        roles.iter().any(|role| self.roles().contains(role))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub status: AccountStatus,
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    pub rows: Vec<UserRow>,
    /// Matching users, counted up to `USERS_COUNT_CAP`.
    pub total: u64,
    /// More users match than `total` says.
    #[serde(default)]
    pub more: bool,
    /// Zero-based.
    pub page: u32,
    pub page_size: u32,
    /// Every group's name, for the group filter.
    #[serde(default)]
    pub group_names: Vec<String>,
}

impl UserPage {
    pub fn page_count(&self) -> u32 {
        let size = u64::from(self.page_size.max(1));
        u32::try_from(self.total.div_ceil(size).max(1)).unwrap_or(u32::MAX)
    }

    /// Whether a next page may hold users (past the counted ones too).
    pub fn has_next(&self) -> bool {
        self.page + 1 < self.page_count()
            || (self.more && self.rows.len() == self.page_size as usize)
    }
}

/// One live session, without its id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    pub created_at: i64,
    pub last_seen_at: i64,
}

/// One audit event about the user or by them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserEvent {
    pub at: i64,
    pub event: String,
    pub outcome: String,
    pub detail: String,
    /// The admin who acted, for admin actions.
    pub actor: Option<String>,
}

/// Everything the user page shows, and which actions the caller may take.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDetail {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub status: AccountStatus,
    pub locked_until: Option<i64>,
    pub must_change_password: bool,
    pub groups: Vec<String>,
    pub roles: Vec<Role>,
    /// Registered methods, masked.
    pub methods: Vec<MethodView>,
    pub created_at: i64,
    pub last_sign_in_at: Option<i64>,
    pub last_reset_at: Option<i64>,
    pub sessions: Vec<SessionView>,
    /// The newest events, newest first.
    pub events: Vec<UserEvent>,
    /// The caller may edit, disable and enable this user.
    pub may_manage: bool,
    /// The caller may reset, unlock, revoke and require re-registration.
    pub may_help: bool,
}

/// The editable profile of a user.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserProfile {
    pub display_name: String,
    pub email: String,
    pub phone: String,
}

/// A generated temporary password: shown once, never stored in clear.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TempPassword {
    pub password: String,
}

/// Why one CSV row cannot be imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ImportProblem {
    /// Not CSV, or the columns are missing.
    Unreadable,
    /// The username exists already (or earlier in the file).
    Duplicate,
    Field {
        field: String,
        problem: FieldProblem,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportRowError {
    /// The line in the file; line 1 is the header.
    pub line: u64,
    pub username: String,
    pub problem: ImportProblem,
}

/// What an import did, or would do in a preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportSummary {
    /// Rows imported (or, in a preview, that would be).
    pub imported: u64,
    pub errors: Vec<ImportRowError>,
    /// False for a preview: nothing was written.
    pub applied: bool,
}

/// Users whose name, display name or email contains `search`, optionally in `group` and
/// with `status`, one page at a time.
#[server(endpoint = "list_users", input = StrictJson)]
pub async fn list_users(
    search: String,
    page: u32,
    group: Option<String>,
    status: Option<AccountStatus>,
) -> Result<UserPage, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let users = context::service::<dyn UserAdminService>()?;
    context::with_http_status(users.list_users(&meta, search, page, group, status).await)
}

/// One user, by username.
#[server(endpoint = "get_user", input = StrictJson)]
pub async fn get_user(username: String) -> Result<UserDetail, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let users = context::service::<dyn UserAdminService>()?;
    context::with_http_status(users.get_user(&meta, username).await)
}

/// Creates a user without a password; a reset gives them a temporary one.
#[server(endpoint = "create_user", input = StrictJson)]
pub async fn create_user(username: String, profile: UserProfile) -> Result<String, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let users = context::service::<dyn UserAdminService>()?;
    context::with_http_status(users.create_user(&meta, username, profile).await)
}

#[server(endpoint = "update_user", input = StrictJson)]
pub async fn update_user(username: String, profile: UserProfile) -> Result<UserDetail, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let users = context::service::<dyn UserAdminService>()?;
    context::with_http_status(users.update_user(&meta, username, profile).await)
}

/// Disables (ending every session) or enables a user.
#[server(endpoint = "set_user_enabled", input = StrictJson)]
pub async fn set_user_enabled(username: String, enabled: bool) -> Result<UserDetail, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let users = context::service::<dyn UserAdminService>()?;
    context::with_http_status(users.set_enabled(&meta, username, enabled).await)
}

/// A new temporary password the user must change at their next sign-in; every session ends.
#[server(endpoint = "reset_user_password", input = StrictJson)]
pub async fn reset_user_password(username: String) -> Result<TempPassword, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let users = context::service::<dyn UserAdminService>()?;
    context::with_http_status(users.reset_password(&meta, username).await)
}

#[server(endpoint = "unlock_user", input = StrictJson)]
pub async fn unlock_user(username: String) -> Result<UserDetail, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let users = context::service::<dyn UserAdminService>()?;
    context::with_http_status(users.unlock(&meta, username).await)
}

#[server(endpoint = "revoke_user_sessions", input = StrictJson)]
pub async fn revoke_user_sessions(username: String) -> Result<UserDetail, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let users = context::service::<dyn UserAdminService>()?;
    context::with_http_status(users.revoke_sessions(&meta, username).await)
}

/// Removes the user's registered methods, so they must register again at next sign-in.
#[server(endpoint = "require_reregistration", input = StrictJson)]
pub async fn require_reregistration(username: String) -> Result<UserDetail, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let users = context::service::<dyn UserAdminService>()?;
    context::with_http_status(users.require_reregistration(&meta, username).await)
}

/// The users matching the filters (all of them with empty filters) as CSV:
/// `username,display_name,email,phone,groups,status`.
#[server(endpoint = "export_users", input = StrictJson)]
pub async fn export_users(
    search: String,
    group: Option<String>,
    status: Option<AccountStatus>,
) -> Result<String, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let users = context::service::<dyn UserAdminService>()?;
    context::with_http_status(users.export_users(&meta, search, group, status).await)
}

/// Checks every row of a CSV file; `apply` false writes nothing, true imports every valid
/// row in one transaction.
#[server(endpoint = "import_users", input = StrictJson)]
pub async fn import_users(csv: String, apply: bool) -> Result<ImportSummary, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let users = context::service::<dyn UserAdminService>()?;
    context::with_http_status(users.import_users(&meta, csv, apply).await)
}

/// Implemented by the server; every method checks the caller's role first.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait UserAdminService: Send + Sync {
    async fn list_users(
        &self,
        meta: &RequestMeta,
        search: String,
        page: u32,
        group: Option<String>,
        status: Option<AccountStatus>,
    ) -> Result<UserPage, AppError>;
    async fn get_user(&self, meta: &RequestMeta, username: String) -> Result<UserDetail, AppError>;
    async fn create_user(
        &self,
        meta: &RequestMeta,
        username: String,
        profile: UserProfile,
    ) -> Result<String, AppError>;
    async fn update_user(
        &self,
        meta: &RequestMeta,
        username: String,
        profile: UserProfile,
    ) -> Result<UserDetail, AppError>;
    async fn set_enabled(
        &self,
        meta: &RequestMeta,
        username: String,
        enabled: bool,
    ) -> Result<UserDetail, AppError>;
    async fn reset_password(
        &self,
        meta: &RequestMeta,
        username: String,
    ) -> Result<TempPassword, AppError>;
    async fn unlock(&self, meta: &RequestMeta, username: String) -> Result<UserDetail, AppError>;
    async fn revoke_sessions(
        &self,
        meta: &RequestMeta,
        username: String,
    ) -> Result<UserDetail, AppError>;
    async fn require_reregistration(
        &self,
        meta: &RequestMeta,
        username: String,
    ) -> Result<UserDetail, AppError>;
    async fn export_users(
        &self,
        meta: &RequestMeta,
        search: String,
        group: Option<String>,
        status: Option<AccountStatus>,
    ) -> Result<String, AppError>;
    async fn import_users(
        &self,
        meta: &RequestMeta,
        csv: String,
        apply: bool,
    ) -> Result<ImportSummary, AppError>;
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(total: u64, more: bool, rows: usize) -> UserPage {
        let row = UserRow {
            username: "a".into(),
            display_name: "A".into(),
            email: None,
            status: AccountStatus::Enabled,
            groups: vec![],
        };
        UserPage {
            rows: vec![row; rows],
            total,
            more,
            page: 0,
            page_size: 20,
            group_names: vec![],
        }
    }

    #[test]
    fn page_count_rounds_up_and_is_never_zero() {
        assert_eq!(page(0, false, 0).page_count(), 1);
        assert_eq!(page(20, false, 20).page_count(), 1);
        assert_eq!(page(21, false, 20).page_count(), 2);
    }

    #[test]
    fn a_capped_count_still_pages_on_while_pages_are_full() {
        let mut last = page(20, true, 20);
        assert!(last.has_next());
        last.rows.truncate(3);
        assert!(!last.has_next());
        assert!(!page(20, false, 20).has_next());
    }

    #[test]
    fn only_global_admins_manage_and_helpdesk_helps() {
        assert!(UserAction::Manage.allows(&[Role::GlobalAdmin]));
        assert!(!UserAction::Manage.allows(&[Role::HelpdeskAdmin]));
        assert!(UserAction::Help.allows(&[Role::HelpdeskAdmin]));
        assert!(!UserAction::Help.allows(&[Role::ReportsReader]));
    }

    #[test]
    fn missing_filters_read_as_none_so_old_callers_keep_working() {
        let args: ListUsers = serde_json::from_str(r#"{"search":"x","page":2}"#).unwrap();
        assert_eq!((args.group, args.status), (None, None));
    }
}
