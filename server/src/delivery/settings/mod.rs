//! The `[delivery]` configuration: raw as written, and checked. Lives here rather than in
//! `config/` because only delivery uses it; `config` re-exports it. The SMTP and SMS
//! settings have a file each: the admin page checks and saves those two alone.

mod problem;
mod sms;
mod smtp;

#[cfg(test)]
mod tests;

pub use problem::SettingError;
pub use sms::{RawSms, SmsConfig};
pub use smtp::{RawSmtp, SmtpConfig, SmtpSecurity};

use crate::config_error::{bad, in_range, ConfigError};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::time::Duration;

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawDelivery {
    pub mode: String,
    pub max_attempts: i64,
    pub retry_base_seconds: i64,
    pub retry_max_seconds: i64,
    pub poll_interval_ms: i64,
    pub smtp: RawSmtp,
    pub sms: RawSms,
}

impl Default for RawDelivery {
    fn default() -> Self {
        Self {
            mode: "outbox".into(),
            max_attempts: 10,
            retry_base_seconds: 2,
            retry_max_seconds: 900,
            poll_interval_ms: 1000,
            smtp: RawSmtp::default(),
            sms: RawSms::default(),
        }
    }
}

// Hand-written so that printing the configuration never prints the SMTP password, SMS
// header values (API keys) or the SMS URL (which may carry a key in its query).
impl fmt::Debug for RawDelivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawDelivery")
            .field("mode", &self.mode)
            .field("max_attempts", &self.max_attempts)
            .field("retry_base_seconds", &self.retry_base_seconds)
            .field("retry_max_seconds", &self.retry_max_seconds)
            .field("poll_interval_ms", &self.poll_interval_ms)
            .field("smtp.host", &self.smtp.host)
            .field("smtp.port", &self.smtp.port)
            .field("smtp.security", &self.smtp.security)
            .field("smtp.username", &self.smtp.username)
            .field("smtp.from", &self.smtp.from)
            .field("sms.configured", &!self.sms.url.trim().is_empty())
            .finish_non_exhaustive()
    }
}

/// "outbox": nothing leaves the machine, messages wait as 'held' for administrators to
/// read; "send": the worker sends them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeliveryMode {
    Outbox,
    Send,
}

#[derive(Debug, Clone)]
pub struct DeliveryConfig {
    pub mode: DeliveryMode,
    pub max_attempts: u32,
    pub retry_base_secs: i64,
    pub retry_max_secs: i64,
    pub poll_interval: Duration,
    pub smtp: SmtpConfig,
    /// None when `delivery.sms.url` is empty.
    pub sms: Option<SmsConfig>,
}

impl DeliveryConfig {
    /// Whether an SMS provider is set up. Callers should not offer SMS when it is not.
    pub fn sms_configured(&self) -> bool {
        self.sms.is_some()
    }

    /// Seconds to wait after the `attempts`-th failed attempt: base * 2^(attempts-1),
    /// capped at the maximum.
    pub fn backoff_secs(&self, attempts: u32) -> i64 {
        let exponent = attempts.saturating_sub(1).min(32);
        self.retry_base_secs
            .saturating_mul(1_i64 << exponent)
            .min(self.retry_max_secs)
    }
}

impl RawDelivery {
    pub fn check(self) -> Result<DeliveryConfig, ConfigError> {
        let mode = match self.mode.as_str() {
            "outbox" => DeliveryMode::Outbox,
            "send" => DeliveryMode::Send,
            other => {
                return Err(bad(
                    "delivery.mode",
                    format!("must be \"outbox\" or \"send\", got \"{other}\""),
                ))
            }
        };
        let max_attempts = in_range("delivery.max_attempts", self.max_attempts, 1, 100)? as u32;
        let retry_base_secs = in_range(
            "delivery.retry_base_seconds",
            self.retry_base_seconds,
            1,
            3600,
        )?;
        let retry_max_secs = in_range(
            "delivery.retry_max_seconds",
            self.retry_max_seconds,
            retry_base_secs,
            86_400,
        )?;
        let poll_ms = in_range(
            "delivery.poll_interval_ms",
            self.poll_interval_ms,
            50,
            600_000,
        )?;
        Ok(DeliveryConfig {
            mode,
            max_attempts,
            retry_base_secs,
            retry_max_secs,
            poll_interval: Duration::from_millis(poll_ms as u64),
            smtp: self.smtp.check()?,
            sms: self.sms.check()?,
        })
    }
}

/// Where the admin page keeps the SMTP and SMS settings (a `policy_settings` document).
pub const SAVED_SETTINGS: &str = "delivery";

/// The SMTP and SMS settings saved on the admin page. They replace the configuration's
/// `[delivery.smtp]` and `[delivery.sms]` whole; the mode, retries and polling stay as
/// configured. Holds secrets, so it has no `Debug`.
#[derive(Clone, Serialize, Deserialize)]
pub struct SavedDelivery {
    pub smtp: RawSmtp,
    pub sms: RawSms,
}

impl SavedDelivery {
    /// What applies before anything was saved: the configuration's settings.
    pub fn from_config(config: &DeliveryConfig) -> Self {
        Self {
            smtp: RawSmtp::from_checked(&config.smtp),
            sms: RawSms::from_checked(config.sms.as_ref()),
        }
    }

    pub fn check(self) -> Result<(SmtpConfig, Option<SmsConfig>), SettingError> {
        Ok((self.smtp.check()?, self.sms.check()?))
    }
}
