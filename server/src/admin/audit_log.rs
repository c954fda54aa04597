//! The audit log viewer: filters, paging, CSV export and the integrity check.

use super::Admin;
use app::api::admin::AuditAdmin;

#[async_trait::async_trait]
impl AuditAdmin for Admin {}
