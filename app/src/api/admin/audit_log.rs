//! The audit log viewer: filters, paging, CSV export and the integrity check.

use crate::api::codec::StrictJson;
#[cfg(feature = "ssr")]
use crate::api::context::RequestMeta;
use crate::domain::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Events per page of the audit log.
pub const AUDIT_PAGE_SIZE: usize = 50;
/// The most events one CSV export holds; the newest are kept.
pub const AUDIT_EXPORT_CAP: usize = 100_000;

/// Which events to show. Every field is optional; the server checks each.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditFilter {
    /// A username; matches events about the account and events the admin did.
    pub user: Option<String>,
    /// An event name (`reset_started`, ...).
    pub event: Option<String>,
    /// `success`, `failure` or `denied`.
    pub outcome: Option<String>,
    /// Unix seconds, inclusive.
    pub from: Option<i64>,
    /// Unix seconds, inclusive.
    pub to: Option<i64>,
}

/// One event as the log shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    pub at: i64,
    pub event: String,
    /// The account concerned, if it still exists.
    pub account: Option<String>,
    /// The admin who acted, for admin actions.
    pub actor: Option<String>,
    pub ip: String,
    pub outcome: String,
    pub detail: String,
}

/// Newest first. `next_before` is the `before` of the next (older) page, if there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub rows: Vec<AuditEntry>,
    pub next_before: Option<i64>,
}

/// The filtered log as CSV text, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditExport {
    pub csv: String,
    pub rows: u64,
    /// More events matched than `AUDIT_EXPORT_CAP`; only the newest are in `csv`.
    pub capped: bool,
}

/// What walking the hash chain found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditCheck {
    pub rows: u64,
    /// The first event whose hash or link does not match, if any; when only the head
    /// record disagrees, the first event after the last one found.
    pub first_broken: Option<i64>,
    /// Why the log's end does not match its head record, if it does not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<AuditHeadProblem>,
}

/// How the log's end disagrees with its head record (its keyed count and last hash).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditHeadProblem {
    /// The head counts this many more events than the log holds: the newest are gone.
    NewestMissing(u64),
    /// The log ends at another event than the head says.
    Mismatch,
    /// The head record's MAC does not verify.
    Altered,
    /// The head record is gone.
    Missing,
}

/// One page of the filtered log, newest first; `before` is the previous page's
/// `next_before` (none for the newest page).
#[server(endpoint = "list_audit", input = StrictJson)]
pub async fn list_audit(filter: AuditFilter, before: Option<i64>) -> Result<AuditPage, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let audit = context::service::<dyn AuditLogService>()?;
    context::with_http_status(audit.list(&meta, filter, before).await)
}

/// The filtered log as CSV (capped at `AUDIT_EXPORT_CAP` events).
#[server(endpoint = "export_audit", input = StrictJson)]
pub async fn export_audit(filter: AuditFilter) -> Result<AuditExport, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let audit = context::service::<dyn AuditLogService>()?;
    context::with_http_status(audit.export(&meta, filter).await)
}

/// Walks the whole hash chain.
#[server(endpoint = "verify_audit", input = StrictJson)]
pub async fn verify_audit() -> Result<AuditCheck, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let audit = context::service::<dyn AuditLogService>()?;
    context::with_http_status(audit.verify(&meta).await)
}

/// Implemented by the server; every method checks the caller's role first.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait AuditLogService: Send + Sync {
    async fn list(
        &self,
        meta: &RequestMeta,
        filter: AuditFilter,
        before: Option<i64>,
    ) -> Result<AuditPage, AppError>;
    async fn export(
        &self,
        meta: &RequestMeta,
        filter: AuditFilter,
    ) -> Result<AuditExport, AppError>;
    async fn verify(&self, meta: &RequestMeta) -> Result<AuditCheck, AppError>;
}
