//! The admin dashboard's server functions, one module per section.

pub mod audit_log;
pub mod delivery;
pub mod groups;
pub mod policies;
pub mod reports;
pub mod troubleshoot;
pub mod users;

use crate::domain::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};
use server_fn::codec::Json;

/// Users shown per page in the admin list.
pub const USERS_PAGE_SIZE: u32 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AccountStatus {
    Enabled,
    Disabled,
    Locked,
}

impl AccountStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Enabled => "enabled",
            Self::Disabled => "disabled",
            Self::Locked => "locked",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        [Self::Enabled, Self::Disabled, Self::Locked]
            .into_iter()
            .find(|status| status.as_str() == name)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub status: AccountStatus,
    pub groups: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPage {
    pub rows: Vec<UserRow>,
    pub total: u64,
    /// Zero-based.
    pub page: u32,
    pub page_size: u32,
}

impl UserPage {
    pub fn page_count(&self) -> u32 {
        let size = u64::from(self.page_size.max(1));
        u32::try_from(self.total.div_ceil(size).max(1)).unwrap_or(u32::MAX)
    }
}

/// Users whose name, display name or email contains `search`, one page at a time.
#[server(endpoint = "list_users", input = Json)]
pub async fn list_users(search: String, page: u32) -> Result<UserPage, AppError> {
    use crate::api::context;
    let api = context::api()?;
    context::finish(api.accounts.list_users(&api.meta, search, page).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_count_rounds_up_and_is_never_zero() {
        let page = |total| UserPage {
            rows: vec![],
            total,
            page: 0,
            page_size: 20,
        };
        assert_eq!(page(0).page_count(), 1);
        assert_eq!(page(20).page_count(), 1);
        assert_eq!(page(21).page_count(), 2);
    }
}

/// One message in the delivery outbox, as the admin outbox page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub id: i64,
    /// "email" or "sms".
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    /// Kept only while a message is held in outbox mode; wiped once sent or expired.
    pub body: String,
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
}

/// The newest messages in the delivery outbox (global admins). In outbox mode this is
/// where codes go instead of leaving the machine.
#[server(endpoint = "list_outbox", input = Json)]
pub async fn list_outbox() -> Result<Vec<OutboxEntry>, AppError> {
    use crate::api::context;
    let api = context::api()?;
    context::finish(api.outbox.recent(&api.meta).await)
}
