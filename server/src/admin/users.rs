//! Users: search, the user page, helpdesk actions, and CSV import and export.

use super::Admin;
use app::api::admin::users::UserAdmin;

#[async_trait::async_trait]
impl UserAdmin for Admin {}
