//! `[delivery.smtp]`: the mail relay, how the connection is secured, and who mail is from.

use super::problem::{fail, range, SettingError};
use app::domain::FieldProblem;
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};
use std::time::Duration;

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
        let host = check_host(&self.host)?;
        let port = range("delivery.smtp.port", self.port, 1, 65_535)? as u16;
        let security = SmtpSecurity::parse(&self.security)?;
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
        let credentials = check_credentials(self.username, self.password, security, &host)?;
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

fn check_host(raw: &str) -> Result<String, SettingError> {
    let host = raw.trim();
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(fail(
            "delivery.smtp.host",
            FieldProblem::HostName,
            "must be a host name or address",
        ));
    }
    Ok(host.to_owned())
}

impl SmtpSecurity {
    fn parse(raw: &str) -> Result<Self, SettingError> {
        match raw {
            "starttls" => Ok(Self::StartTls),
            "tls" => Ok(Self::Tls),
            "none" => Ok(Self::None),
            other => Err(fail(
                "delivery.smtp.security",
                FieldProblem::UnknownChoice,
                format!("must be \"starttls\", \"tls\" or \"none\", got \"{other}\""),
            )),
        }
    }
}

/// Both or neither, and never in clear across the network.
fn check_credentials(
    username: String,
    password: String,
    security: SmtpSecurity,
    host: &str,
) -> Result<Option<(String, SecretString)>, SettingError> {
    let credentials = match (username.is_empty(), password.is_empty()) {
        (true, true) => return Ok(None),
        (false, false) => (username, SecretString::from(password)),
        _ => {
            return Err(fail(
                "delivery.smtp.username",
                FieldProblem::CredentialsHalfSet,
                "username and password must both be set or both be empty",
            ))
        }
    };
    if security == SmtpSecurity::None && !is_loopback(host) {
        return Err(fail(
            "delivery.smtp.security",
            FieldProblem::CredentialsInClear,
            "credentials would cross the network in clear: use \"starttls\" or \"tls\"",
        ));
    }
    Ok(Some(credentials))
}
