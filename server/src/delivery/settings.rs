//! The `[delivery]` configuration: raw as written, and checked. Lives here rather than in
//! `config.rs` because only delivery uses it; `config.rs` re-exports it.

use crate::config_error::{bad, in_range, ConfigError};
use app::domain::FieldProblem;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
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

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawSmtp {
    pub host: String,
    pub port: i64,
    pub security: String,
    pub username: String,
    pub password: String,
    pub from: String,
    pub timeout_seconds: i64,
}

#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawSms {
    pub url: String,
    pub method: String,
    pub headers: BTreeMap<String, String>,
    pub body_template: String,
    pub timeout_seconds: i64,
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

impl Default for RawSmtp {
    fn default() -> Self {
        Self {
            host: "localhost".into(),
            port: 25,
            security: "starttls".into(),
            username: String::new(),
            password: String::new(),
            from: "sspr <sspr@localhost>".into(),
            timeout_seconds: 10,
        }
    }
}

impl Default for RawSms {
    fn default() -> Self {
        Self {
            url: String::new(),
            method: "POST".into(),
            headers: BTreeMap::new(),
            body_template: r#"{"to": {{to}}, "text": {{text}}}"#.into(),
            timeout_seconds: 10,
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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// Plain connection upgraded with STARTTLS; refused if the server cannot upgrade.
    StartTls,
    /// TLS from the first byte (SMTPS, usually port 465).
    Tls,
    /// No encryption: only for a relay on the same machine or a trusted network.
    None,
}

#[derive(Debug, Clone)]
pub struct SmtpConfig {
    pub host: String,
    pub port: u16,
    pub security: SmtpSecurity,
    /// None when both username and password are empty.
    pub credentials: Option<(String, SecretString)>,
    pub from: lettre::message::Mailbox,
    pub timeout: Duration,
}

#[derive(Clone)]
pub struct SmsConfig {
    pub url: url::Url,
    pub method: http::Method,
    pub headers: Vec<(http::HeaderName, http::HeaderValue)>,
    pub body_template: String,
    pub timeout: Duration,
}

impl fmt::Debug for SmsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("SmsConfig")
            .field("host", &self.url.host_str())
            .field("method", &self.method)
            .field("headers", &names)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
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

fn is_loopback(host: &str) -> bool {
    host == "localhost"
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback())
}

impl RawSmtp {
    /// Checks the SMTP settings, from the configuration or from the admin page.
    pub(crate) fn check(self) -> Result<SmtpConfig, SettingError> {
        let host = self.host.trim().to_owned();
        if host.is_empty() || host.contains(char::is_whitespace) {
            return Err(fail(
                "delivery.smtp.host",
                FieldProblem::HostName,
                "must be a host name or address",
            ));
        }
        let port = range("delivery.smtp.port", self.port, 1, 65_535)? as u16;
        let security = match self.security.as_str() {
            "starttls" => SmtpSecurity::StartTls,
            "tls" => SmtpSecurity::Tls,
            "none" => SmtpSecurity::None,
            other => {
                return Err(fail(
                    "delivery.smtp.security",
                    FieldProblem::UnknownChoice,
                    format!("must be \"starttls\", \"tls\" or \"none\", got \"{other}\""),
                ))
            }
        };
        if security != SmtpSecurity::None {
            // The TLS parameters need a name the certificate can be checked against;
            // building them now turns a bad host into a start-up error, not a send error.
            lettre::transport::smtp::client::TlsParameters::new(host.clone()).map_err(|e| {
                fail(
                    "delivery.smtp.host",
                    FieldProblem::HostName,
                    format!("`{host}` cannot be used for TLS ({e})"),
                )
            })?;
        }
        let credentials = match (self.username.is_empty(), self.password.is_empty()) {
            (true, true) => None,
            (false, false) => Some((self.username, SecretString::from(self.password))),
            _ => {
                return Err(fail(
                    "delivery.smtp.username",
                    FieldProblem::CredentialsHalfSet,
                    "username and password must both be set or both be empty",
                ))
            }
        };
        if credentials.is_some() && security == SmtpSecurity::None && !is_loopback(&host) {
            return Err(fail(
                "delivery.smtp.security",
                FieldProblem::CredentialsInClear,
                "credentials would cross the network in clear: use \"starttls\" or \"tls\"",
            ));
        }
        let from = self.from.parse::<lettre::message::Mailbox>().map_err(|e| {
            fail(
                "delivery.smtp.from",
                FieldProblem::Mailbox,
                format!("`{}` is not a mailbox ({e})", self.from),
            )
        })?;
        let timeout = range("delivery.smtp.timeout_seconds", self.timeout_seconds, 1, 30)?;
        Ok(SmtpConfig {
            host,
            port,
            security,
            credentials,
            from,
            timeout: Duration::from_secs(timeout as u64),
        })
    }

    /// The raw form of checked settings: what the admin page starts from when no settings
    /// were saved there.
    pub fn from_checked(smtp: &SmtpConfig) -> Self {
        let (username, password) = match &smtp.credentials {
            Some((username, password)) => (username.clone(), password.expose_secret().to_owned()),
            None => (String::new(), String::new()),
        };
        Self {
            host: smtp.host.clone(),
            port: i64::from(smtp.port),
            security: match smtp.security {
                SmtpSecurity::StartTls => "starttls",
                SmtpSecurity::Tls => "tls",
                SmtpSecurity::None => "none",
            }
            .into(),
            username,
            password,
            from: smtp.from.to_string(),
            timeout_seconds: smtp.timeout.as_secs() as i64,
        }
    }
}

impl RawSms {
    /// Checks the SMS settings; `None` when no provider URL is set.
    pub(crate) fn check(self) -> Result<Option<SmsConfig>, SettingError> {
        // Everything but the URL is checked even without one, so a mistake shows before
        // it matters.
        check_template(&self.body_template)?;
        let timeout = range("delivery.sms.timeout_seconds", self.timeout_seconds, 1, 30)?;
        let method = match self.method.to_ascii_uppercase().as_str() {
            "POST" => http::Method::POST,
            "PUT" => http::Method::PUT,
            "PATCH" => http::Method::PATCH,
            other => {
                return Err(fail(
                    "delivery.sms.method",
                    FieldProblem::UnknownChoice,
                    format!("must be POST, PUT or PATCH, got \"{other}\""),
                ))
            }
        };
        let mut headers = Vec::with_capacity(self.headers.len());
        for (name, value) in &self.headers {
            let key = format!("delivery.sms.headers.{name}");
            let header_name = http::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| fail(&key, FieldProblem::Header, "is not a valid header name"))?;
            // The value may be a secret: the reason does not quote it.
            let mut header_value = http::HeaderValue::from_str(value).map_err(|_| {
                fail(
                    &key,
                    FieldProblem::Header,
                    "value is not a valid header value",
                )
            })?;
            header_value.set_sensitive(true);
            headers.push((header_name, header_value));
        }
        let raw_url = self.url.trim();
        if raw_url.is_empty() {
            return Ok(None);
        }
        let bad_url = |reason: String| fail("delivery.sms.url", FieldProblem::Url, reason);
        // The URL may carry an API key, so errors do not repeat it.
        let url = url::Url::parse(raw_url).map_err(|e| bad_url(format!("is not a URL ({e})")))?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(bad_url("scheme must be http or https".into()));
        }
        if url.host_str().is_none() {
            return Err(bad_url("must name a host".into()));
        }
        Ok(Some(SmsConfig {
            url,
            method,
            headers,
            body_template: self.body_template,
            timeout: Duration::from_secs(timeout as u64),
        }))
    }

    /// The raw form of checked settings (the defaults when there is no provider).
    pub fn from_checked(sms: Option<&SmsConfig>) -> Self {
        let Some(sms) = sms else {
            return Self::default();
        };
        Self {
            url: sms.url.to_string(),
            method: sms.method.to_string(),
            headers: sms
                .headers
                .iter()
                .map(|(name, value)| {
                    let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                    (name.as_str().to_owned(), value)
                })
                .collect(),
            body_template: sms.body_template.clone(),
            timeout_seconds: sms.timeout.as_secs() as i64,
        }
    }
}

/// The template must use both placeholders and give valid JSON for awkward sample values.
fn check_template(template: &str) -> Result<(), SettingError> {
    let key = "delivery.sms.body_template";
    for placeholder in ["{{to}}", "{{text}}"] {
        if !template.contains(placeholder) {
            return Err(fail(
                key,
                FieldProblem::SmsTemplate,
                format!("must contain {placeholder}"),
            ));
        }
    }
    let sample = crate::delivery::sms::render_body(
        template,
        "+306900000000",
        "Your code is \"123456\".\nIt expires in 10 minutes.",
    );
    serde_json::from_str::<serde_json::Value>(&sample)
        .map(|_| ())
        .map_err(|e| {
            fail(
                key,
                FieldProblem::SmsTemplate,
                format!("does not give valid JSON ({e})"),
            )
        })
}

/// A delivery setting that failed its check: its configuration key, the problem the admin
/// page shows next to the field, and the reason a start-up error gives (never quoting a
/// secret). One set of checks serves the configuration file and the admin page.
#[derive(Debug, Clone)]
pub struct SettingError {
    pub key: String,
    pub problem: FieldProblem,
    pub reason: String,
}

impl From<SettingError> for ConfigError {
    fn from(error: SettingError) -> Self {
        bad(&error.key, error.reason)
    }
}

fn fail(key: &str, problem: FieldProblem, reason: impl Into<String>) -> SettingError {
    SettingError {
        key: key.to_owned(),
        problem,
        reason: reason.into(),
    }
}

fn range(key: &str, value: i64, min: i64, max: i64) -> Result<i64, SettingError> {
    in_range(key, value, min, max).map_err(|error| SettingError {
        key: error.key,
        // The limits here are small positive numbers.
        problem: FieldProblem::Between {
            min: u32::try_from(min).unwrap_or(0),
            max: u32::try_from(max).unwrap_or(u32::MAX),
        },
        reason: error.reason,
    })
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

#[cfg(test)]
mod tests {
    use super::*;
    use figment::providers::{Format, Serialized, Toml};
    use figment::Figment;
    use secrecy::ExposeSecret;

    /// The `[delivery]` section of a configuration file, over the defaults, checked.
    fn from_toml(text: &str) -> Result<DeliveryConfig, ConfigError> {
        let raw: RawDelivery =
            Figment::from(Serialized::default("delivery", RawDelivery::default()))
                .merge(Toml::string(text))
                .extract_inner("delivery")
                .map_err(|e| bad(&e.path.join("."), e.kind.to_string()))?;
        raw.check()
    }

    fn defaults() -> DeliveryConfig {
        RawDelivery::default().check().unwrap()
    }

    fn key_of(text: &str) -> String {
        from_toml(text).unwrap_err().key
    }

    #[test]
    fn the_defaults_hold_messages_in_the_outbox_and_have_no_sms() {
        let delivery = defaults();
        assert_eq!(delivery.mode, DeliveryMode::Outbox);
        assert!(!delivery.sms_configured());
        assert_eq!(delivery.smtp.security, SmtpSecurity::StartTls);
        assert!(delivery.smtp.credentials.is_none());
        assert_eq!(delivery.smtp.from.email.to_string(), "sspr@localhost");
    }

    #[test]
    fn a_full_delivery_section_is_read() {
        let delivery = from_toml(
            r#"
            [delivery]
            mode = "send"
            [delivery.smtp]
            host = "smtp.example.org"
            port = 465
            security = "tls"
            username = "sspr"
            password = "hunter2"
            from = "Password reset <reset@example.org>"
            [delivery.sms]
            url = "https://sms.example.org/send"
            method = "put"
            headers = { Authorization = "Bearer abc" }
            "#,
        )
        .unwrap();
        assert_eq!(delivery.mode, DeliveryMode::Send);
        assert!(delivery.sms_configured());
        let (user, password) = delivery.smtp.credentials.clone().unwrap();
        assert_eq!(
            (user.as_str(), password.expose_secret()),
            ("sspr", "hunter2")
        );
        let sms = delivery.sms.clone().unwrap();
        assert_eq!(sms.method, http::Method::PUT);
        assert_eq!(sms.headers[0].0.as_str(), "authorization");
        let printed = format!("{delivery:?}");
        assert!(!printed.contains("hunter2"), "{printed}");
        assert!(!printed.contains("Bearer abc"), "{printed}");
    }

    #[test]
    fn the_example_file_documents_the_delivery_defaults() {
        let example = include_str!("../../../sspr.example.toml");
        let delivery = from_toml(example).unwrap();
        let defaults = defaults();
        assert_eq!(format!("{delivery:?}"), format!("{defaults:?}"));
    }

    #[test]
    fn backoff_doubles_from_the_base_and_stops_at_the_cap() {
        let delivery = defaults();
        let waits: Vec<i64> = (1..=11).map(|n| delivery.backoff_secs(n)).collect();
        assert_eq!(waits, [2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]);
        assert_eq!(delivery.backoff_secs(1000), 900);
    }

    #[test]
    fn an_unknown_mode_or_security_is_refused() {
        assert_eq!(key_of("[delivery]\nmode = \"smtp\""), "delivery.mode");
        assert_eq!(
            key_of("[delivery.smtp]\nsecurity = \"ssl\""),
            "delivery.smtp.security"
        );
    }

    #[test]
    fn a_from_address_that_is_not_a_mailbox_is_refused() {
        assert_eq!(
            key_of("[delivery.smtp]\nfrom = \"not an address\""),
            "delivery.smtp.from"
        );
    }

    #[test]
    fn half_set_credentials_or_credentials_in_clear_are_refused() {
        assert_eq!(
            key_of("[delivery.smtp]\nusername = \"sspr\""),
            "delivery.smtp.username"
        );
        assert_eq!(
            key_of("[delivery.smtp]\nhost = \"mail.example.org\"\nsecurity = \"none\"\nusername = \"u\"\npassword = \"p\""),
            "delivery.smtp.security"
        );
        assert!(from_toml(
            "[delivery.smtp]\nhost = \"127.0.0.1\"\nsecurity = \"none\"\nusername = \"u\"\npassword = \"p\""
        )
        .is_ok());
    }

    #[test]
    fn an_sms_url_that_is_not_http_is_refused_without_repeating_it() {
        let error =
            from_toml("[delivery.sms]\nurl = \"ftp://sms.example.org/?key=s3cret\"").unwrap_err();
        assert_eq!(error.key, "delivery.sms.url");
        assert!(!error.reason.contains("s3cret"));
        assert_eq!(
            key_of("[delivery.sms]\nurl = \"not a url\""),
            "delivery.sms.url"
        );
    }

    #[test]
    fn a_body_template_that_is_not_json_or_lacks_a_placeholder_is_refused() {
        // Quoting the placeholder double-quotes the JSON string literal.
        assert_eq!(
            key_of("[delivery.sms]\nbody_template = '{\"to\": \"{{to}}\", \"text\": {{text}}}'"),
            "delivery.sms.body_template"
        );
        assert_eq!(
            key_of("[delivery.sms]\nbody_template = '{\"to\": {{to}}}'"),
            "delivery.sms.body_template"
        );
    }

    #[test]
    fn bad_sms_methods_and_headers_are_refused() {
        let with_url = "[delivery.sms]\nurl = \"https://sms.example.org\"\n";
        assert_eq!(
            key_of(&format!("{with_url}method = \"GET\"")),
            "delivery.sms.method"
        );
        assert_eq!(
            key_of(&format!("{with_url}headers = {{ \"Bad Name\" = \"x\" }}")),
            "delivery.sms.headers.Bad Name"
        );
    }

    #[test]
    fn out_of_range_delivery_numbers_are_refused() {
        assert_eq!(
            key_of("[delivery]\nmax_attempts = 0"),
            "delivery.max_attempts"
        );
        assert_eq!(
            key_of("[delivery]\nretry_base_seconds = 10\nretry_max_seconds = 5"),
            "delivery.retry_max_seconds"
        );
        assert_eq!(
            key_of("[delivery.smtp]\nport = 70000"),
            "delivery.smtp.port"
        );
    }
}
