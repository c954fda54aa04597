//! What every transport (SMTP, HTTP SMS) is given and promises: a leaf, so the
//! transports and the worker name it without going through `delivery` itself.

use super::outbox::Channel;
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
