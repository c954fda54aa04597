//! Users: search, the user page, helpdesk actions, and CSV import and export.

/// Implemented by the server; every method checks the caller's role first.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait UserAdmin: Send + Sync {}
