//! Groups and their members.

/// Implemented by the server; every method checks the caller's role first.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait GroupAdmin: Send + Sync {}
