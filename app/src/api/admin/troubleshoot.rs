//! The troubleshooter: why a user can or cannot reset right now.

/// Implemented by the server; every method checks the caller's role first.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait TroubleshootAdmin: Send + Sync {}
