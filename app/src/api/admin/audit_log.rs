//! The audit log viewer: filters, paging, CSV export and the integrity check.

/// Implemented by the server; every method checks the caller's role first.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait AuditAdmin: Send + Sync {}
