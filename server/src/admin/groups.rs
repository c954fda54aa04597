//! Groups and their members.

use super::Admin;
use app::api::admin::groups::GroupAdmin;

#[async_trait::async_trait]
impl GroupAdmin for Admin {}
