//! The overview and the reports' figures.

use super::Admin;
use app::api::admin::reports::ReportsAdmin;

#[async_trait::async_trait]
impl ReportsAdmin for Admin {}
