//! Configuration: built-in defaults, then `sspr.toml` if present, then `SSPR_...`
//! environment variables (nested keys joined by `__`, e.g. `SSPR_SESSION__IDLE_MINUTES`).
//! Every value is checked at start-up; a bad one stops the server with a message naming
//! the key and the reason. One file per section; `[delivery]`, `[directory]` and `[metrics]` live with
//! the code that uses them.

mod hashing;
mod registration;
mod reset;
mod server;
mod session;
mod verification;

#[cfg(test)]
mod tests;

pub use crate::config_error::ConfigError;
pub use crate::delivery::settings::{
    DeliveryConfig, DeliveryMode, RawDelivery, RawSms, RawSmtp, SmsConfig, SmtpConfig, SmtpSecurity,
};
pub use crate::directory::{DirectoryConfig, RawDirectory};
pub use crate::web::client_ip::IpRange;
pub use crate::web::metrics::{MetricsAccess, RawMetrics};
pub use hashing::RawHashing;
pub use registration::RawRegistration;
pub use reset::{RawReset, ResetConfig};
pub use server::LogFormat;
pub use session::{RawSession, RawSignIn, SessionConfig, SignInConfig};
pub use verification::RawVerification;

use crate::config_error::bad;
use crate::passwords::HashingParams;
use crate::policy::RegistrationRules;
use crate::secret::ServerSecret;
use crate::verification::CodeRules;
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::Path;
use std::path::PathBuf;

/// The file as written by people, before checking.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawConfig {
    pub bind: String,
    pub public_base_url: String,
    pub database_path: String,
    pub static_dir: String,
    pub log_level: String,
    pub log_format: String,
    pub seed_demo: bool,
    /// 64 hex digits; empty means the key file `secret_file`.
    pub secret_key: String,
    /// Where the server keeps its secret; empty means `sspr.key` beside the database.
    pub secret_file: String,
    pub session: RawSession,
    pub sign_in: RawSignIn,
    pub password_hashing: RawHashing,
    pub verification: RawVerification,
    pub registration: RawRegistration,
    pub reset: RawReset,
    /// Addresses (or CIDR ranges) of reverse proxies whose `X-Forwarded-For` is believed.
    /// Empty: the connection's address is the client's, whatever the headers say.
    pub trusted_proxies: Vec<String>,
    pub delivery: RawDelivery,
    /// Who may read `/metrics`.
    pub metrics: RawMetrics,
    /// Where accounts and their passwords live.
    pub directory: RawDirectory,
}

impl Default for RawConfig {
    fn default() -> Self {
        Self {
            bind: "127.0.0.1:3000".into(),
            public_base_url: "http://127.0.0.1:3000".into(),
            database_path: "data/sspr.db".into(),
            static_dir: "dist".into(),
            log_level: "info".into(),
            log_format: "text".into(),
            seed_demo: false,
            secret_key: String::new(),
            secret_file: String::new(),
            session: RawSession::default(),
            sign_in: RawSignIn::default(),
            password_hashing: RawHashing::default(),
            verification: RawVerification::default(),
            registration: RawRegistration::default(),
            reset: RawReset::default(),
            trusted_proxies: Vec::new(),
            delivery: RawDelivery::default(),
            metrics: RawMetrics::default(),
            directory: RawDirectory::default(),
        }
    }
}

/// Checked configuration. Only `load` and `RawConfig::check` make one.
#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    /// Scheme, host and port, without a trailing slash: every link and the Origin check
    /// use this; the Host header is never trusted.
    pub public_origin: String,
    pub secure_cookies: bool,
    pub database_path: PathBuf,
    pub static_dir: PathBuf,
    pub log_level: String,
    pub log_format: LogFormat,
    pub seed_demo: bool,
    pub secret: ServerSecret,
    pub session: SessionConfig,
    pub sign_in: SignInConfig,
    pub hashing: HashingParams,
    pub codes: CodeRules,
    pub registration: RegistrationRules,
    pub reset: ResetConfig,
    pub trusted_proxies: Vec<IpRange>,
    pub delivery: DeliveryConfig,
    pub metrics: MetricsAccess,
    pub directory: DirectoryConfig,
}

impl RawConfig {
    /// Checks every section; the first bad value found is the error.
    pub fn check(self) -> Result<Config, ConfigError> {
        let bind = server::check_bind(&self.bind)?;
        let (public_origin, secure_cookies) = server::check_public_url(&self.public_base_url)?;
        if self.database_path.trim().is_empty() {
            return Err(bad("database_path", "must not be empty"));
        }
        let log_format = server::check_log(&self.log_level, &self.log_format)?;
        let session = self.session.check()?;
        let sign_in = self.sign_in.check()?;
        let codes = self.verification.check()?;
        let registration = self.registration.check()?;
        let hashing = self.password_hashing.check()?;
        let delivery = self.delivery.check()?;
        let metrics = self.metrics.check()?;
        let directory = self.directory.check()?;
        let reset = self.reset.check(registration.defaults.question_count)?;
        let trusted_proxies = server::check_proxies(&self.trusted_proxies)?;
        let secret = server::load_secret(&self.secret_key, &self.secret_file, &self.database_path)?;
        Ok(Config {
            bind,
            public_origin,
            secure_cookies,
            database_path: PathBuf::from(self.database_path),
            static_dir: PathBuf::from(self.static_dir),
            log_level: self.log_level,
            log_format,
            seed_demo: self.seed_demo,
            secret,
            session,
            sign_in,
            hashing,
            delivery,
            codes,
            registration,
            reset,
            trusted_proxies,
            metrics,
            directory,
        })
    }
}

// Where the configuration comes from: built-in defaults, then the file, then `SSPR_...`
// environment variables.

/// Reads defaults, the optional file and the environment. `file` must exist when it was
/// named explicitly; the default `sspr.toml` may be absent.
pub fn load(file: Option<&Path>) -> Result<Config, ConfigError> {
    let mut figment = Figment::from(Serialized::defaults(RawConfig::default()));
    match file {
        Some(path) if !path.exists() => {
            return Err(bad(
                "--config",
                format!("file {} does not exist", path.display()),
            ))
        }
        Some(path) => figment = figment.merge(Toml::file(path)),
        None => figment = figment.merge(Toml::file("sspr.toml")),
    }
    figment = figment.merge(Env::prefixed("SSPR_").split("__"));
    extract(figment)?.check()
}

/// The raw configuration, or the first value of a wrong type or an unknown key, named.
fn extract(figment: Figment) -> Result<RawConfig, ConfigError> {
    figment.extract().map_err(|e| {
        let key = if e.path.is_empty() {
            "(file)".to_owned()
        } else {
            e.path.join(".")
        };
        bad(&key, e.kind.to_string())
    })
}
