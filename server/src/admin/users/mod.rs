//! Users: search, the user page, helpdesk actions, and CSV import and export.
//!
//! Global admins manage accounts (create, edit, disable, import, export); global and
//! helpdesk admins help them (temporary password, unlock, revoke sessions, require
//! re-registration), helpdesk admins only for users without an admin role.

mod actions;
mod detail;
mod search;
mod transfer;

use super::Admin;
use crate::accounts::store::{self, UserRecord};
use crate::accounts::Caller;
use crate::audit::{AuditEvent, AuditKind, Outcome};
use crate::error::OrInternal;
use app::api::admin::users::UserAdminService;
use app::api::context::RequestMeta;
use app::api::{
    AccountStatus, ImportSummary, TempPassword, UserAction, UserDetail, UserPage, UserProfile,
    USERS_PAGE_SIZE,
};
use app::domain::{may_act_on, AdminSection, AppError, Role, Username};
use search::Filter;

/// The furthest page the list serves; past it, narrow the search.
const MAX_PAGE: u32 = 1_000_000;

/// Group names sent with each page, for the group filter.
const GROUP_NAMES_SHOWN: i64 = 1000;

/// A user acted on, with their roles.
pub(super) struct Target {
    pub user: UserRecord,
    pub roles: Vec<Role>,
}

impl Admin {
    /// The caller, if they may take `action` at all.
    async fn require_action(
        &self,
        meta: &RequestMeta,
        action: UserAction,
    ) -> Result<Caller, AppError> {
        let caller = self.require(meta, AdminSection::Users).await?;
        if !action.allows(&caller.roles) {
            tracing::warn!(request_id = %meta.request_id, user_id = caller.user.id, "user action refused");
            return Err(AppError::Forbidden);
        }
        Ok(caller)
    }

    /// The user named `username`, or `NotFound` (an unusable name cannot exist either).
    async fn target(&self, meta: &RequestMeta, username: &str) -> Result<Target, AppError> {
        let rid = meta.request_id.as_str();
        let name = Username::parse(username).map_err(|_| AppError::NotFound)?;
        let user = store::find_by_name(&self.pool, &name)
            .await
            .or_internal(rid)?
            .ok_or(AppError::NotFound)?;
        let roles = store::roles(&self.pool, user.id).await.or_internal(rid)?;
        Ok(Target { user, roles })
    }

    /// The caller and the user, if the caller may help this user; a helpdesk admin's try
    /// on an admin is refused and audited.
    async fn help_target(
        &self,
        meta: &RequestMeta,
        username: &str,
        kind: AuditKind,
    ) -> Result<(Caller, Target), AppError> {
        let caller = self.require_action(meta, UserAction::Help).await?;
        let target = self.target(meta, username).await?;
        if !may_act_on(&caller.roles, &target.roles) {
            let event = AuditEvent::by_admin(
                AuditKind::AdminDenied,
                Outcome::Denied,
                caller.user.id,
                meta,
            )
            .account(target.user.id)
            .detail(format!(
                "{} refused: the user holds an admin role",
                kind.as_str()
            ));
            self.record(meta, event).await?;
            return Err(AppError::Forbidden);
        }
        Ok((caller, target))
    }

    /// Records a successful action on `target`.
    async fn acted(
        &self,
        meta: &RequestMeta,
        caller: &Caller,
        kind: AuditKind,
        target_id: i64,
        detail: impl Into<String>,
    ) -> Result<(), AppError> {
        let event = AuditEvent::by_admin(kind, Outcome::Success, caller.user.id, meta)
            .account(target_id)
            .detail(detail);
        self.record(meta, event).await
    }

    /// The user page for `username` as `caller` sees it (after an action, its result).
    async fn detail(
        &self,
        meta: &RequestMeta,
        caller: &Caller,
        username: &str,
    ) -> Result<UserDetail, AppError> {
        let rid = meta.request_id.as_str();
        let Target { user, roles } = self.target(meta, username).await?;
        let pool = &self.pool;
        let now = self.clock.now();
        let (created_at, last_sign_in_at) = detail::times(pool, user.id).await.or_internal(rid)?;
        let methods = crate::security_info::store::registered(pool, user.id)
            .await
            .or_internal(rid)?
            .methods;
        Ok(UserDetail {
            groups: detail::groups(pool, user.id).await.or_internal(rid)?,
            methods,
            created_at,
            last_sign_in_at,
            last_reset_at: detail::last_reset(pool, user.id).await.or_internal(rid)?,
            sessions: detail::sessions(pool, user.id, now)
                .await
                .or_internal(rid)?,
            events: detail::events(pool, user.id).await.or_internal(rid)?,
            may_manage: UserAction::Manage.allows(&caller.roles),
            may_help: may_act_on(&caller.roles, &roles),
            status: user.status,
            locked_until: user
                .locked_until
                .filter(|_| user.status == AccountStatus::Locked),
            must_change_password: user.must_change_password,
            username: user.username,
            display_name: user.display_name,
            email: user.email,
            phone: user.phone,
            roles,
        })
    }

    async fn filter(
        &self,
        meta: &RequestMeta,
        search: &str,
        group: Option<&str>,
        status: Option<AccountStatus>,
    ) -> Result<Filter, AppError> {
        Filter::parse(&self.pool, search, group, status)
            .await
            .or_internal(&meta.request_id)?
    }
}

#[async_trait::async_trait]
impl UserAdminService for Admin {
    async fn list_users(
        &self,
        meta: &RequestMeta,
        search: String,
        page: u32,
        group: Option<String>,
        status: Option<AccountStatus>,
    ) -> Result<UserPage, AppError> {
        self.require(meta, AdminSection::Users).await?;
        let rid = meta.request_id.as_str();
        let filter = self.filter(meta, &search, group.as_deref(), status).await?;
        let page = page.min(MAX_PAGE);
        let rows = search::page(&self.pool, &filter, page, USERS_PAGE_SIZE)
            .await
            .or_internal(rid)?;
        // A short page is the last, so it tells the total without counting: a rare
        // search scans the table once, not twice.
        let (total, more) = match search::total_from_last_page(page, USERS_PAGE_SIZE, rows.len()) {
            Some(total) => total,
            None => search::count(&self.pool, &filter).await.or_internal(rid)?,
        };
        Ok(UserPage {
            rows,
            total,
            more,
            page,
            page_size: USERS_PAGE_SIZE,
            group_names: store::group_names(&self.pool, Some(GROUP_NAMES_SHOWN))
                .await
                .or_internal(rid)?,
        })
    }

    async fn get_user(&self, meta: &RequestMeta, username: String) -> Result<UserDetail, AppError> {
        let caller = self.require(meta, AdminSection::Users).await?;
        self.detail(meta, &caller, &username).await
    }

    async fn create_user(
        &self,
        meta: &RequestMeta,
        username: String,
        profile: UserProfile,
    ) -> Result<String, AppError> {
        let caller = self.require_action(meta, UserAction::Manage).await?;
        self.local_accounts()?;
        let id = actions::create(self, meta, &username, &profile).await?;
        self.acted(
            meta,
            &caller,
            AuditKind::UserCreated,
            id,
            "created in the admin dashboard",
        )
        .await?;
        Ok(username.trim().to_owned())
    }

    async fn update_user(
        &self,
        meta: &RequestMeta,
        username: String,
        profile: UserProfile,
    ) -> Result<UserDetail, AppError> {
        let caller = self.require_action(meta, UserAction::Manage).await?;
        self.local_accounts()?;
        let target = self.target(meta, &username).await?;
        let changed = actions::update(self, meta, &target.user, &profile).await?;
        if !changed.is_empty() {
            let detail = format!("changed {}", changed.join(", "));
            self.acted(
                meta,
                &caller,
                AuditKind::UserUpdated,
                target.user.id,
                detail,
            )
            .await?;
        }
        self.detail(meta, &caller, &username).await
    }

    async fn set_enabled(
        &self,
        meta: &RequestMeta,
        username: String,
        enabled: bool,
    ) -> Result<UserDetail, AppError> {
        let caller = self.require_action(meta, UserAction::Manage).await?;
        self.local_accounts()?;
        let target = self.target(meta, &username).await?;
        // An admin who disables themselves cannot undo it from here.
        if !enabled && target.user.id == caller.user.id {
            return Err(AppError::Forbidden);
        }
        actions::set_enabled(self, meta, target.user.id, enabled).await?;
        let kind = if enabled {
            AuditKind::UserEnabled
        } else {
            AuditKind::UserDisabled
        };
        self.acted(meta, &caller, kind, target.user.id, "").await?;
        self.detail(meta, &caller, &username).await
    }

    async fn reset_password(
        &self,
        meta: &RequestMeta,
        username: String,
    ) -> Result<TempPassword, AppError> {
        let kind = AuditKind::PasswordSetByAdmin;
        let (caller, target) = self.help_target(meta, &username, kind).await?;
        let password = actions::temporary_password(self, meta, target.user.id).await?;
        let detail = "temporary password set, to be changed at next sign-in; sessions revoked";
        self.acted(meta, &caller, kind, target.user.id, detail)
            .await?;
        Ok(TempPassword { password })
    }

    async fn unlock(&self, meta: &RequestMeta, username: String) -> Result<UserDetail, AppError> {
        let kind = AuditKind::AccountUnlocked;
        let (caller, target) = self.help_target(meta, &username, kind).await?;
        let unlocked = actions::unlock(self, meta, target.user.id).await?;
        let detail = if unlocked {
            "unlocked by an admin"
        } else {
            "was not locked"
        };
        self.acted(meta, &caller, kind, target.user.id, detail)
            .await?;
        self.detail(meta, &caller, &username).await
    }

    async fn revoke_sessions(
        &self,
        meta: &RequestMeta,
        username: String,
    ) -> Result<UserDetail, AppError> {
        let kind = AuditKind::SessionsRevoked;
        let (caller, target) = self.help_target(meta, &username, kind).await?;
        let ended = actions::revoke_sessions(self, meta, target.user.id).await?;
        let detail = format!("{ended} sessions ended");
        self.acted(meta, &caller, kind, target.user.id, detail)
            .await?;
        self.detail(meta, &caller, &username).await
    }

    async fn require_reregistration(
        &self,
        meta: &RequestMeta,
        username: String,
    ) -> Result<UserDetail, AppError> {
        let kind = AuditKind::ReRegistrationRequired;
        let (caller, target) = self.help_target(meta, &username, kind).await?;
        actions::require_reregistration(self, meta, target.user.id).await?;
        let detail = "registered methods removed; the user registers again";
        self.acted(meta, &caller, kind, target.user.id, detail)
            .await?;
        self.detail(meta, &caller, &username).await
    }

    async fn export_users(
        &self,
        meta: &RequestMeta,
        search: String,
        group: Option<String>,
        status: Option<AccountStatus>,
    ) -> Result<String, AppError> {
        let caller = self.require_action(meta, UserAction::Manage).await?;
        let filter = self.filter(meta, &search, group.as_deref(), status).await?;
        let csv = transfer::export(&self.pool, &filter)
            .await
            .or_internal(&meta.request_id)?;
        // Who took a copy of the directory, and how much of it.
        let rows = csv.lines().count().saturating_sub(1);
        let event = AuditEvent::by_admin(
            AuditKind::UsersExported,
            Outcome::Success,
            caller.user.id,
            meta,
        )
        .detail(format!("{rows} users"));
        self.record(meta, event).await?;
        Ok(csv)
    }

    async fn import_users(
        &self,
        meta: &RequestMeta,
        csv: String,
        apply: bool,
    ) -> Result<ImportSummary, AppError> {
        let caller = self.require_action(meta, UserAction::Manage).await?;
        self.local_accounts()?;
        let now = self.clock.now();
        let summary = transfer::import(&self.pool, &csv, apply, now)
            .await
            .or_internal(&meta.request_id)?;
        if apply {
            let detail = format!(
                "{} imported, {} rows rejected",
                summary.imported,
                summary.errors.len()
            );
            let event = AuditEvent::by_admin(
                AuditKind::UsersImported,
                Outcome::Success,
                caller.user.id,
                meta,
            )
            .detail(detail);
            self.record(meta, event).await?;
        }
        Ok(summary)
    }
}
