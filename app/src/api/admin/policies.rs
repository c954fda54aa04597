//! The policy editors: the password reset policy (with registration and the question bank) and the password policy, saved with a revision so concurrent edits are detected.

/// Implemented by the server; every method checks the caller's role first.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait PolicyAdmin: Send + Sync {}
