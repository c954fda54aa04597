//! The troubleshooter: why a user can or cannot reset right now.

use super::Admin;
use app::api::admin::troubleshoot::TroubleshootAdmin;

#[async_trait::async_trait]
impl TroubleshootAdmin for Admin {}
