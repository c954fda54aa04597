//! Delivery: every outgoing message (verification and reset codes, notifications) is
//! written to a durable outbox in the same transaction as the event that causes it, then
//! sent by a background worker with retries, or, in outbox mode, held for administrators
//! to read at /admin/outbox. Bodies carry one-time codes, so they are wiped once a message
//! is sent, expires or is given up on, and a held one once its code expires.

pub mod email;
pub mod outbox;
pub mod redact;
pub mod settings;
pub mod sms;
pub mod worker;

#[cfg(test)]
mod tests;

pub use outbox::{enqueue, Channel, Message, OutboxRow, OutboxStatus};
pub use settings::{DeliveryConfig, DeliveryMode};
pub use worker::{Delivery, EnqueueError};

use async_trait::async_trait;

/// A claimed message as a transport sees it.
#[derive(Debug, Clone)]
pub struct OutgoingMessage {
    pub id: i64,
    pub channel: Channel,
    pub recipient: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub language: String,
}

/// Sends one message over one channel. The error is short, for the outbox's
/// `last_error` and the log: no secrets and no message body.
#[async_trait]
pub trait Transport: Send + Sync {
    async fn send(&self, message: &OutgoingMessage) -> Result<(), String>;
}
