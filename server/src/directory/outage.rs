//! What a user meets when the directory cannot be used: "unavailable, try again later",
//! with nothing changed. The operator gets the reason in the log and an audit event, both
//! naming the step that failed.

use super::connected::ConnectedDirectory;
use super::ldap::password::WriteError;
use super::ldap::people::{LockState, Person};
use crate::audit::{Audit, AuditEvent};
use app::api::context::RequestMeta;
use app::domain::audit::{AuditKind, Outcome};
use app::domain::{AppError, FieldProblem};
use std::fmt::Display;

/// Logs and audits a directory failure during `step`, and answers "unavailable".
pub async fn unavailable(
    audit: &Audit,
    meta: &RequestMeta,
    step: &'static str,
    account_id: Option<i64>,
    error: &(dyn Display + Sync),
) -> AppError {
    tracing::warn!(request_id = %meta.request_id, step, %error, "directory unavailable");
    let event = AuditEvent::new(
        AuditKind::DirectoryUnavailable,
        Outcome::Failure,
        meta.ip,
        &meta.user_agent,
    )
    .account_if(account_id)
    .detail(step);
    if let Err(error) = audit.record(event).await {
        tracing::error!(request_id = %meta.request_id, %error, "audit event not recorded");
    }
    AppError::Unavailable
}

/// The mirrored account's directory entry as it is now (`None`: gone, or its DN names
/// someone else); a directory that cannot be asked is an outage.
pub async fn current(
    directory: &ConnectedDirectory,
    audit: &Audit,
    meta: &RequestMeta,
    (step, user_id): (&'static str, i64),
) -> Result<Option<Person>, AppError> {
    match directory.current(user_id).await {
        Ok(person) => Ok(person),
        Err(error) => Err(unavailable(audit, meta, step, Some(user_id), &error).await),
    }
}

/// Clears the directory's lock when there is one; whether there was.
pub async fn unlock_if_locked(
    directory: &ConnectedDirectory,
    audit: &Audit,
    meta: &RequestMeta,
    (step, user_id): (&'static str, i64),
    person: &Person,
) -> Result<bool, AppError> {
    if person.lock != LockState::Locked {
        return Ok(false);
    }
    match directory.unlock(person).await {
        Ok(()) => Ok(true),
        Err(error) => Err(write_failed(audit, meta, (step, "unlock"), Some(user_id), error).await),
    }
}

/// A refused password names its reason under `field`; anything else is an outage.
pub async fn write_failed(
    audit: &Audit,
    meta: &RequestMeta,
    (step, field): (&'static str, &'static str),
    account_id: Option<i64>,
    error: WriteError,
) -> AppError {
    match error {
        WriteError::Refused(reason) => {
            tracing::info!(request_id = %meta.request_id, step, ?reason, "the directory refused the password");
            AppError::invalid(field, FieldProblem::DirectoryRefused(reason))
        }
        WriteError::Directory(reason) => unavailable(audit, meta, step, account_id, &reason).await,
    }
}
