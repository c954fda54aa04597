//! The admin dashboard's workflows. `Admin` holds the services the sections share; each
//! section implements its trait from `app::api::admin` in its own module. Every method
//! starts with `require`, so the role check happens on the server whatever the UI shows.

pub mod audit_log;
pub mod delivery;
mod directory;
pub mod groups;
pub mod outbox;
pub mod policies;
pub mod reports;
pub mod troubleshoot;
pub mod users;

use crate::accounts::{Caller, SqlAccounts};
use crate::audit::{Audit, AuditEvent};
use crate::clock::SharedClock;
use crate::config::Config;
use crate::delivery::Delivery;
use crate::directory::connected::ConnectedDirectory;
use crate::error::OrInternal;
use crate::password_policy::PasswordPolicies;
use crate::passwords::PasswordHasher;
use crate::reset::SqlReset;
use crate::security_info::SqlSecurityInfo;
use crate::sessions::Sessions;
use app::api::context::RequestMeta;
use app::domain::{AdminSection, AppError};
use sqlx::SqlitePool;
use std::sync::Arc;

pub struct Admin {
    pub config: Arc<Config>,
    pub pool: SqlitePool,
    pub clock: SharedClock,
    pub hasher: Arc<PasswordHasher>,
    pub sessions: Arc<Sessions>,
    pub accounts: Arc<SqlAccounts>,
    pub delivery: Arc<Delivery>,
    pub security: Arc<SqlSecurityInfo>,
    pub reset: Arc<SqlReset>,
    pub audit: Arc<Audit>,
    pub password_policy: Arc<PasswordPolicies>,
    pub directory: Option<Arc<ConnectedDirectory>>,
}

impl Admin {
    /// Refuses changes to users, groups and roles while they come from a directory.
    pub fn local_accounts(&self) -> Result<(), AppError> {
        match self.directory {
            Some(_) => Err(AppError::ManagedByDirectory),
            None => Ok(()),
        }
    }

    /// The caller, if their roles open `section` (see `AdminSection::roles`).
    pub async fn require(
        &self,
        meta: &RequestMeta,
        section: AdminSection,
    ) -> Result<Caller, AppError> {
        self.accounts.require(meta, section.roles()).await
    }

    /// Records an admin action; the action already happened, so a failure to record it is
    /// an internal error the admin sees (and the log keeps).
    pub async fn record(&self, meta: &RequestMeta, event: AuditEvent) -> Result<(), AppError> {
        self.audit.record(event).await.or_internal(&meta.request_id)
    }
}
