//! The dashboard's view of the connected directory: when it was read, and reading it now.

use super::Admin;
use crate::audit::AuditEvent;
use crate::directory::connected::ReadError;
use crate::directory::mirror;
use crate::directory::outage;
use crate::error::OrInternal;
use app::api::admin::directory::{DirectoryService, DirectoryState};
use app::api::admin::UserAction;
use app::api::context::RequestMeta;
use app::domain::audit::{AuditKind, Outcome};
use app::domain::{AdminSection, AppError};

impl Admin {
    async fn directory_status(
        &self,
        meta: &RequestMeta,
    ) -> Result<Option<DirectoryState>, AppError> {
        let Some(directory) = &self.directory else {
            return Ok(None);
        };
        let last = mirror::last_read(&self.pool)
            .await
            .or_internal(&meta.request_id)?;
        let count = |n: i64| u64::try_from(n).unwrap_or(0);
        Ok(Some(DirectoryState {
            url: directory.settings().url.clone(),
            read_at: last.map(|l| l.read_at),
            users: last.map_or(0, |l| count(l.users)),
            groups: last.map_or(0, |l| count(l.groups)),
        }))
    }
}

#[async_trait::async_trait]
impl DirectoryService for Admin {
    async fn status(&self, meta: &RequestMeta) -> Result<Option<DirectoryState>, AppError> {
        self.require(meta, AdminSection::Users).await?;
        self.directory_status(meta).await
    }

    async fn read_now(&self, meta: &RequestMeta) -> Result<Option<DirectoryState>, AppError> {
        let caller = self.require(meta, AdminSection::Users).await?;
        // Reading changes nothing in the directory; helpdesk may ask for it too.
        if !UserAction::Help.allows(&caller.roles) {
            return Err(AppError::Forbidden);
        }
        let Some(directory) = &self.directory else {
            return Ok(None);
        };
        match directory.read_all().await {
            Ok(applied) => {
                let event = AuditEvent::by_admin(
                    AuditKind::DirectoryRead,
                    Outcome::Success,
                    caller.user.id,
                    meta,
                )
                .detail(format!(
                    "{} users, {} groups, {} no longer in scope",
                    applied.users, applied.groups, applied.absent
                ));
                self.record(meta, event).await?;
            }
            Err(ReadError::Directory(error)) => {
                let audit = &self.audit;
                let step = "read_now";
                return Err(outage::unavailable(audit, meta, step, None, &error).await);
            }
            Err(ReadError::Store(error)) => {
                return Err(crate::error::internal(&meta.request_id, error))
            }
        }
        self.directory_status(meta).await
    }
}
