//! Delivery settings (SMTP and SMS), test messages and the outbox.
//!
//! Secrets are write-only: the SMTP password and SMS header values never come back from
//! the server (`has_password`, header names alone), and an empty field on save keeps what
//! is stored.

use crate::api::codec::StrictJson;
#[cfg(feature = "ssr")]
use crate::api::context::RequestMeta;
use crate::domain::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmtpSettings {
    pub host: String,
    pub port: i64,
    /// "none", "starttls" or "tls".
    pub security: String,
    pub username: String,
    /// Write-only: always empty from the server. On save, empty keeps the stored one.
    pub password: String,
    /// From the server: whether a password is stored.
    pub has_password: bool,
    /// On save: remove the stored password (when `password` is empty).
    pub clear_password: bool,
    /// A mailbox such as `sspr <sspr@example.org>`.
    pub from: String,
    pub timeout_seconds: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmsSettings {
    /// Empty when no provider is set up. From the server, without any query or password
    /// (they may carry a key); sent back unchanged, the stored address is kept.
    pub url: String,
    /// From the server: a query or password was left out of `url`.
    pub url_hidden: bool,
    /// "POST", "PUT" or "PATCH".
    pub method: String,
    /// One `Name: value` a line. Values are write-only: the server sends `Name:` alone,
    /// and a line without a value keeps the stored value of that header.
    pub headers: String,
    /// JSON with `{{to}}` and `{{text}}`.
    pub body_template: String,
    pub timeout_seconds: i64,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliverySettings {
    /// "outbox" or "send", from the configuration; not changed here.
    pub mode: String,
    pub smtp: SmtpSettings,
    pub sms: SmsSettings,
    /// Sent back on save: a save over someone else's newer one is refused.
    pub revision: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TestChannel {
    Email,
    Sms,
}

/// One message in the delivery outbox, as the admin outbox page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutboxEntry {
    pub id: i64,
    /// "email" or "sms".
    pub channel: String,
    pub recipient: String,
    pub subject: String,
    /// Only while a message is held in outbox mode (where codes wait for administrators);
    /// empty otherwise, and wiped once a message is sent or expires.
    pub body: String,
    /// held, pending, sending, sent, failed or expired.
    pub status: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    /// When a waiting message is tried next.
    pub next_attempt_at: Option<i64>,
    /// Whether "retry now" can send it (failed or waiting, and not expired).
    pub retryable: bool,
}

/// The newest messages in the delivery outbox (global admins). In outbox mode this is
/// where codes go instead of leaving the machine.
#[server(endpoint = "list_outbox", input = StrictJson)]
pub async fn list_outbox() -> Result<Vec<OutboxEntry>, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let delivery = context::service::<dyn DeliveryService>()?;
    context::with_http_status(delivery.outbox(&meta).await)
}

/// The SMTP and SMS settings in use, without their secrets.
#[server(endpoint = "get_delivery_settings", input = StrictJson)]
pub async fn get_delivery_settings() -> Result<DeliverySettings, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let delivery = context::service::<dyn DeliveryService>()?;
    context::with_http_status(delivery.settings(&meta).await)
}

/// Checks, saves and applies new settings at once; answers the saved settings.
#[server(endpoint = "save_delivery_settings", input = StrictJson)]
pub async fn save_delivery_settings(
    settings: DeliverySettings,
) -> Result<DeliverySettings, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let delivery = context::service::<dyn DeliveryService>()?;
    context::with_http_status(delivery.save_settings(&meta, settings).await)
}

/// Queues a test message through the outbox; answers its outbox id.
#[server(endpoint = "send_test_message", input = StrictJson)]
pub async fn send_test_message(channel: TestChannel, to: String) -> Result<i64, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let delivery = context::service::<dyn DeliveryService>()?;
    context::with_http_status(delivery.send_test(&meta, channel, to).await)
}

/// Makes a failed or waiting message due now.
#[server(endpoint = "retry_outbox", input = StrictJson)]
pub async fn retry_outbox(id: i64) -> Result<(), AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let delivery = context::service::<dyn DeliveryService>()?;
    context::with_http_status(delivery.retry(&meta, id).await)
}

/// Implemented by the server; every method checks the caller's role first.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait DeliveryService: Send + Sync {
    /// The newest messages in the outbox.
    async fn outbox(&self, meta: &RequestMeta) -> Result<Vec<OutboxEntry>, AppError>;
    async fn settings(&self, meta: &RequestMeta) -> Result<DeliverySettings, AppError>;
    async fn save_settings(
        &self,
        meta: &RequestMeta,
        settings: DeliverySettings,
    ) -> Result<DeliverySettings, AppError>;
    async fn send_test(
        &self,
        meta: &RequestMeta,
        channel: TestChannel,
        to: String,
    ) -> Result<i64, AppError>;
    async fn retry(&self, meta: &RequestMeta, id: i64) -> Result<(), AppError>;
}
