//! The overview and the reports' figures.

/// Implemented by the server; every method checks the caller's role first.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait ReportsAdmin: Send + Sync {}
