//! The transports in use and the settings they were built from: the configuration's at
//! start-up, swapped whole when an admin saves new ones.

use crate::delivery::email::SmtpTransport;
use crate::delivery::settings::{SmsConfig, SmtpConfig};
use crate::delivery::sms::HttpSmsTransport;
use crate::delivery::transport::{OutgoingMessage, Transport};
use async_trait::async_trait;
use secrecy::ExposeSecret;
use std::sync::Arc;

/// The transports in use and the settings they were built from.
pub(crate) struct Live {
    pub(super) smtp: SmtpConfig,
    pub(super) sms_config: Option<SmsConfig>,
    pub(super) email: Arc<dyn Transport>,
    /// None when no SMS provider is configured: SMS messages then fail at once.
    pub(super) sms: Option<Arc<dyn Transport>>,
    /// Configured secrets that must never reach `last_error` or the log.
    pub(crate) secrets: Vec<String>,
}

/// The SMTP transport and (when a provider is set) the SMS one. Neither connects yet.
pub(super) fn real_transports(
    smtp: &SmtpConfig,
    sms: Option<&SmsConfig>,
) -> (Arc<dyn Transport>, Option<Arc<dyn Transport>>) {
    let email: Arc<dyn Transport> = match SmtpTransport::new(smtp) {
        Ok(transport) => Arc::new(transport),
        Err(error) => {
            tracing::error!(%error, "the SMTP transport cannot be built; emails will fail");
            Arc::new(Unavailable(error))
        }
    };
    let sms = sms.map(|sms| -> Arc<dyn Transport> {
        match HttpSmsTransport::new(sms) {
            Ok(transport) => Arc::new(transport),
            Err(error) => {
                tracing::error!(%error, "the SMS transport cannot be built; SMS will fail");
                Arc::new(Unavailable(error))
            }
        }
    });
    (email, sms)
}

/// Stands in for a transport that could not be built, so the server still starts (and
/// holds messages) while every send reports why.
struct Unavailable(String);

#[async_trait]
impl Transport for Unavailable {
    async fn send(&self, _message: &OutgoingMessage) -> Result<(), String> {
        Err(self.0.clone())
    }
}

pub(super) fn secrets_of(smtp: &SmtpConfig, sms: Option<&SmsConfig>) -> Vec<String> {
    let mut secrets = Vec::new();
    if let Some((_, password)) = &smtp.credentials {
        secrets.push(password.expose_secret().to_owned());
    }
    if let Some(sms) = sms {
        for (_, value) in &sms.headers {
            if let Ok(value) = value.to_str() {
                secrets.push(value.to_owned());
                // "Bearer abc": the token alone may appear too.
                if let Some((_, token)) = value.split_once(' ') {
                    secrets.push(token.to_owned());
                }
            }
        }
        if let Some(query) = sms.url.query() {
            secrets.push(query.to_owned());
        }
        if let Some(password) = sms.url.password() {
            secrets.push(password.to_owned());
        }
    }
    // Longest first, so a secret containing another is replaced whole.
    secrets.retain(|s| s.len() >= 4);
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets
}
