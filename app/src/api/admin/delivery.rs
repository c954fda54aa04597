//! Delivery settings (SMTP and SMS), test messages and the outbox.

/// Implemented by the server; every method checks the caller's role first.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait DeliveryAdmin: Send + Sync {}
