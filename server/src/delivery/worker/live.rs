//! The transports in use and the settings they were built from: the configuration's at
//! start-up, swapped whole when an admin saves new ones.

use super::Delivery;
use crate::clock::SharedClock;
use crate::delivery::email::SmtpTransport;
use crate::delivery::settings::{
    DeliveryConfig, SavedDelivery, SmsConfig, SmtpConfig, SAVED_SETTINGS,
};
use crate::delivery::sms::HttpSmsTransport;
use crate::delivery::{OutgoingMessage, Transport};
use async_trait::async_trait;
use secrecy::ExposeSecret;
use sqlx::SqlitePool;
use std::sync::{Arc, RwLock};
use tokio::sync::Notify;

/// The transports in use and the settings they were built from.
pub(in crate::delivery) struct Live {
    pub(super) smtp: SmtpConfig,
    pub(super) sms_config: Option<SmsConfig>,
    pub(super) email: Arc<dyn Transport>,
    /// None when no SMS provider is configured: SMS messages then fail at once.
    pub(super) sms: Option<Arc<dyn Transport>>,
    /// Configured secrets that must never reach `last_error` or the log.
    pub(in crate::delivery) secrets: Vec<String>,
}

/// The SMTP transport and (when a provider is set) the SMS one. Neither connects yet.
fn real_transports(
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

fn secrets_of(smtp: &SmtpConfig, sms: Option<&SmsConfig>) -> Vec<String> {
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

impl Delivery {
    /// Builds the real SMTP and (when configured) SMS transports. Neither connects yet.
    pub fn new(pool: SqlitePool, clock: SharedClock, config: &DeliveryConfig) -> Self {
        let (email, sms) = real_transports(&config.smtp, config.sms.as_ref());
        Self::build(pool, clock, config, email, sms)
    }

    /// With given transports, for tests.
    pub fn with_transports(
        pool: SqlitePool,
        clock: SharedClock,
        config: &DeliveryConfig,
        email: Arc<dyn Transport>,
        sms: Arc<dyn Transport>,
    ) -> Self {
        Self::build(pool, clock, config, email, Some(sms))
    }

    fn build(
        pool: SqlitePool,
        clock: SharedClock,
        config: &DeliveryConfig,
        email: Arc<dyn Transport>,
        sms: Option<Arc<dyn Transport>>,
    ) -> Self {
        let live = Live {
            secrets: secrets_of(&config.smtp, config.sms.as_ref()),
            smtp: config.smtp.clone(),
            sms_config: config.sms.clone(),
            email,
            sms,
        };
        Self {
            pool,
            clock,
            config: config.clone(),
            live: RwLock::new(Arc::new(live)),
            wake: Notify::new(),
        }
    }

    /// The transports in use now.
    pub(in crate::delivery) fn live(&self) -> Arc<Live> {
        // A panic while swapping cannot leave a half-written Arc behind, so a poisoned
        // lock still holds a whole value.
        self.live.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The SMTP and SMS settings in use now (the configuration's, or the admin page's).
    pub fn current(&self) -> (SmtpConfig, Option<SmsConfig>) {
        let live = self.live();
        (live.smtp.clone(), live.sms_config.clone())
    }

    /// Uses new SMTP and SMS settings from now on, without a restart. Messages already
    /// queued use them on their next attempt.
    pub fn apply(&self, smtp: SmtpConfig, sms: Option<SmsConfig>) {
        let (email, sms_transport) = real_transports(&smtp, sms.as_ref());
        let live = Arc::new(Live {
            secrets: secrets_of(&smtp, sms.as_ref()),
            smtp,
            sms_config: sms,
            email,
            sms: sms_transport,
        });
        *self.live.write().unwrap_or_else(|e| e.into_inner()) = live;
        tracing::info!("delivery settings applied");
        // Anything waiting for a retry may go through now.
        self.wake();
    }

    /// Applies the settings saved on the admin page, if any (at start-up: they outlive a
    /// restart). Saved settings that no longer pass the checks are left aside, loudly.
    pub async fn apply_saved(&self) -> Result<(), sqlx::Error> {
        let saved: Option<SavedDelivery> =
            crate::policy::settings::load(&self.pool, SAVED_SETTINGS).await?;
        match saved.map(SavedDelivery::check) {
            Some(Ok((smtp, sms))) => self.apply(smtp, sms),
            Some(Err(error)) => tracing::error!(
                key = %error.key,
                reason = %error.reason,
                "the saved delivery settings are invalid; using the configuration's"
            ),
            None => {}
        }
        Ok(())
    }
}
