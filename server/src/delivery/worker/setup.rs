//! Building the sender and swapping its transports when an admin saves new settings.

use super::live::{real_transports, secrets_of, Live};
use super::Delivery;
use crate::clock::SharedClock;
use crate::delivery::settings::{
    DeliveryConfig, SavedDelivery, SmsConfig, SmtpConfig, SAVED_SETTINGS,
};
use crate::delivery::transport::Transport;
use sqlx::SqlitePool;
use std::sync::{Arc, RwLock};
use tokio::sync::Notify;

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
