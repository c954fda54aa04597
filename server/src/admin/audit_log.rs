//! The audit log viewer: filters, paging, CSV export and the integrity check.

use super::Admin;
use app::api::admin::audit_log::AuditAdmin;

#[async_trait::async_trait]
impl AuditAdmin for Admin {}
