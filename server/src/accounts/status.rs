//! How `users.status` is stored: the contract's `AccountStatus` by name, parsed once as a
//! row is read, so the rest of the server compares enum values, never strings.

use app::api::AccountStatus;

/// The `users.status` column as read, before it is parsed.
#[derive(sqlx::Type)]
#[sqlx(transparent)]
pub struct StoredStatus(String);

impl StoredStatus {
    /// The status, or `Disabled` for a name this build does not know: a listing then
    /// shows the row as unusable instead of failing.
    pub fn or_disabled(self) -> AccountStatus {
        AccountStatus::parse(&self.0).unwrap_or(AccountStatus::Disabled)
    }
}

impl TryFrom<StoredStatus> for AccountStatus {
    type Error = String;

    fn try_from(stored: StoredStatus) -> Result<Self, Self::Error> {
        AccountStatus::parse(&stored.0)
            .ok_or_else(|| format!("unknown account status `{}`", stored.0))
    }
}
