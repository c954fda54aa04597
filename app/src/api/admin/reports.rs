//! The overview and the reports' figures.

use crate::api::codec::StrictJson;
#[cfg(feature = "ssr")]
use crate::api::context::RequestMeta;
use crate::domain::reset_policy::ResetScope;
use crate::domain::{AppError, MethodKind};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// Days the reports cover.
pub const REPORT_DAYS: usize = 30;

/// The dashboard's first page: who may reset, how many are ready to, recent activity and
/// what needs attention.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Overview {
    pub scope: ResetScope,
    pub users: u64,
    /// Users with no, one, and two or more methods that count towards registration.
    pub by_methods: [u64; 3],
    pub locked: u64,
    /// Each for the last 7 and the last 30 days.
    pub resets: [u64; 2],
    pub unlocks: [u64; 2],
    pub blocked: [u64; 2],
    /// Messages that failed or are being retried.
    pub delivery_problems: u64,
}

/// The reports' figures, one value a day for the last `REPORT_DAYS` days (UTC), oldest
/// first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reports {
    /// `YYYY-MM-DD` of each day.
    pub days: Vec<String>,
    pub resets: Vec<u64>,
    pub unlocks: Vec<u64>,
    /// Resets and unlocks completed.
    pub completed: Vec<u64>,
    /// Wrong answers, failed CAPTCHAs, throttled and blocked attempts.
    pub failed: Vec<u64>,
    /// Gates passed with each method over the whole period.
    pub methods: Vec<(MethodKind, u64)>,
    /// Users with at least one / two methods registered at the end of each day, derived
    /// from when their current methods were registered.
    pub one_method: Vec<u64>,
    pub two_methods: Vec<u64>,
}

#[server(endpoint = "get_overview", input = StrictJson)]
pub async fn get_overview() -> Result<Overview, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let reports = context::service::<dyn ReportsService>()?;
    context::with_http_status(reports.overview(&meta).await)
}

#[server(endpoint = "get_reports", input = StrictJson)]
pub async fn get_reports() -> Result<Reports, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let reports = context::service::<dyn ReportsService>()?;
    context::with_http_status(reports.reports(&meta).await)
}

/// Implemented by the server; every method checks the caller's role first.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait ReportsService: Send + Sync {
    async fn overview(&self, meta: &RequestMeta) -> Result<Overview, AppError>;
    async fn reports(&self, meta: &RequestMeta) -> Result<Reports, AppError>;
}
