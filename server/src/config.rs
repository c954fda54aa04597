//! Configuration: built-in defaults, then `sspr.toml` if present, then `SSPR_...`
//! environment variables (nested keys joined by `__`, e.g. `SSPR_SESSION__IDLE_MINUTES`).
//! Every value is checked at start-up; a bad one stops the server with a message naming
//! the key and the reason.

use crate::accounts::Lockout;
pub use crate::config_error::ConfigError;
use crate::config_error::{bad, in_range};
pub use crate::delivery::settings::{
    DeliveryConfig, DeliveryMode, RawDelivery, RawSms, RawSmtp, SmsConfig, SmtpConfig, SmtpSecurity,
};
use crate::passwords::HashingParams;
use crate::policy::{RegistrationRules, ResetRules};
use crate::secret::ServerSecret;
use crate::verification::CodeRules;
pub use crate::web::client_ip::IpRange;
pub use crate::web::metrics::{MetricsAccess, RawMetrics};
use app::api::RegistrationPolicy;
use app::domain::reset_policy::{ResetPolicy, ResetScope, MAX_CAPTCHA_DIFFICULTY};
use figment::providers::{Env, Format, Serialized, Toml};
use figment::Figment;
use serde::{Deserialize, Serialize};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

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
}

/// Defaults of the reset policy until an admin saves one, and the wizard's address limits.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawReset {
    pub enabled: bool,
    pub methods_required: i64,
    pub questions_to_reset: i64,
    pub unlock_allowed: bool,
    pub notify_user: bool,
    pub notify_admins: bool,
    pub wizard_minutes: i64,
    pub max_gate_failures: i64,
    pub max_resets_per_day: i64,
    pub captcha_difficulty: i64,
    pub contact_admin: String,
    /// Wizard starts and code sends per client address in each window.
    pub ip_limit: i64,
    pub ip_window_seconds: i64,
    /// Every wizard step answers no sooner than this many milliseconds after it began.
    /// Above the slowest step's usual work (measured: 3 ms was not, for choose and
    /// verify on a loaded 2-core machine), so real and decoy answers take the same time.
    pub answer_floor_ms: i64,
}

impl Default for RawReset {
    fn default() -> Self {
        let p = ResetPolicy::default();
        Self {
            enabled: true,
            methods_required: i64::from(p.methods_required),
            questions_to_reset: i64::from(p.questions_to_reset),
            unlock_allowed: p.unlock_allowed,
            notify_user: p.notify_user,
            notify_admins: p.notify_admins,
            wizard_minutes: i64::from(p.wizard_minutes),
            max_gate_failures: i64::from(p.max_gate_failures),
            max_resets_per_day: i64::from(p.max_resets_per_day),
            captcha_difficulty: i64::from(p.captcha_difficulty),
            contact_admin: p.contact_admin,
            ip_limit: 30,
            ip_window_seconds: 300,
            answer_floor_ms: 6,
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawSession {
    pub idle_minutes: i64,
    pub absolute_hours: i64,
    /// Changes to security info need the password typed within this many minutes.
    pub reauth_minutes: i64,
}

/// One-time codes sent by email and SMS.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawVerification {
    pub code_ttl_minutes: i64,
    pub code_max_attempts: i64,
    pub codes_per_hour: i64,
}

impl Default for RawVerification {
    fn default() -> Self {
        let rules = CodeRules::default();
        Self {
            code_ttl_minutes: rules.ttl_secs / 60,
            code_max_attempts: i64::from(rules.max_attempts),
            codes_per_hour: i64::from(rules.sends_per_hour),
        }
    }
}

/// Defaults of the registration policy, until an admin saves one.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawRegistration {
    pub require_at_sign_in: bool,
    pub reconfirm_days: i64,
    pub methods_required: i64,
    pub postpone_limit: i64,
    pub question_count: i64,
}

impl Default for RawRegistration {
    fn default() -> Self {
        let p = RegistrationRules::default().defaults;
        Self {
            require_at_sign_in: p.require_at_sign_in,
            reconfirm_days: i64::from(p.reconfirm_days),
            methods_required: i64::from(p.methods_required),
            postpone_limit: i64::from(p.postpone_limit),
            question_count: i64::from(p.question_count),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawSignIn {
    pub lockout_threshold: i64,
    pub lockout_minutes: i64,
    pub ip_limit: i64,
    pub ip_window_seconds: i64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawHashing {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
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
        }
    }
}

impl Default for RawSession {
    fn default() -> Self {
        Self {
            idle_minutes: 30,
            absolute_hours: 8,
            reauth_minutes: 10,
        }
    }
}

impl Default for RawSignIn {
    fn default() -> Self {
        Self {
            lockout_threshold: 10,
            lockout_minutes: 15,
            ip_limit: 30,
            ip_window_seconds: 60,
        }
    }
}

impl Default for RawHashing {
    fn default() -> Self {
        // OWASP Password Storage Cheat Sheet's argon2id baseline.
        Self {
            memory_kib: 19_456,
            iterations: 2,
            parallelism: 1,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

#[derive(Debug, Clone)]
pub struct SessionConfig {
    pub idle_secs: i64,
    pub absolute_secs: i64,
    pub reauth_secs: i64,
}

#[derive(Debug, Clone)]
pub struct SignInConfig {
    pub lockout: Lockout,
    pub ip_limit: u32,
    pub ip_window_secs: i64,
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
}

#[derive(Debug, Clone)]
pub struct ResetConfig {
    pub rules: ResetRules,
    pub ip_limit: u32,
    pub ip_window_secs: i64,
    pub answer_floor: std::time::Duration,
}

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

impl RawConfig {
    pub fn check(self) -> Result<Config, ConfigError> {
        let bind = self.bind.parse::<SocketAddr>().map_err(|e| {
            bad(
                "bind",
                format!("`{}` is not an address:port ({e})", self.bind),
            )
        })?;
        let (public_origin, secure_cookies) = check_public_url(&self.public_base_url)?;
        if self.database_path.trim().is_empty() {
            return Err(bad("database_path", "must not be empty"));
        }
        tracing_subscriber::EnvFilter::try_new(&self.log_level).map_err(|e| {
            bad(
                "log_level",
                format!("`{}` is not a log filter ({e})", self.log_level),
            )
        })?;
        let log_format = match self.log_format.as_str() {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => {
                return Err(bad(
                    "log_format",
                    format!("must be \"text\" or \"json\", got \"{other}\""),
                ))
            }
        };
        let idle = in_range(
            "session.idle_minutes",
            self.session.idle_minutes,
            1,
            24 * 60,
        )?;
        let absolute = in_range(
            "session.absolute_hours",
            self.session.absolute_hours,
            1,
            24 * 30,
        )?;
        if idle > absolute * 60 {
            return Err(bad(
                "session.idle_minutes",
                "must not be longer than session.absolute_hours",
            ));
        }
        let s = &self.sign_in;
        let lockout = Lockout {
            threshold: in_range("sign_in.lockout_threshold", s.lockout_threshold, 1, 100)? as u32,
            duration_secs: in_range("sign_in.lockout_minutes", s.lockout_minutes, 1, 24 * 60)? * 60,
        };
        let ip_limit = in_range("sign_in.ip_limit", s.ip_limit, 1, 1_000_000)? as u32;
        let ip_window_secs = in_range("sign_in.ip_window_seconds", s.ip_window_seconds, 1, 86_400)?;
        let reauth = in_range(
            "session.reauth_minutes",
            self.session.reauth_minutes,
            1,
            24 * 60,
        )?;
        let v = &self.verification;
        let codes = CodeRules {
            ttl_secs: in_range("verification.code_ttl_minutes", v.code_ttl_minutes, 1, 60)? * 60,
            max_attempts: in_range("verification.code_max_attempts", v.code_max_attempts, 1, 20)?
                as u32,
            sends_per_hour: in_range("verification.codes_per_hour", v.codes_per_hour, 1, 100)?
                as u32,
        };
        let r = &self.registration;
        let registration = RegistrationRules {
            defaults: RegistrationPolicy {
                require_at_sign_in: r.require_at_sign_in,
                reconfirm_days: in_range("registration.reconfirm_days", r.reconfirm_days, 0, 730)?
                    as u16,
                methods_required: in_range(
                    "registration.methods_required",
                    r.methods_required,
                    1,
                    2,
                )? as u8,
                postpone_limit: in_range("registration.postpone_limit", r.postpone_limit, 0, 10)?
                    as u8,
                question_count: in_range("registration.question_count", r.question_count, 1, 5)?
                    as u8,
            },
        };
        let hashing = HashingParams::check(
            self.password_hashing.memory_kib,
            self.password_hashing.iterations,
            self.password_hashing.parallelism,
        )
        .map_err(|reason| bad("password_hashing", reason))?;
        let delivery = self.delivery.check()?;
        let metrics = self.metrics.check()?;
        let reset = self.reset.check(registration.defaults.question_count)?;
        let trusted_proxies = self
            .trusted_proxies
            .iter()
            .map(|text| {
                IpRange::parse(text).ok_or_else(|| {
                    bad(
                        "trusted_proxies",
                        format!("`{text}` is not an address or CIDR range"),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let secret = if self.secret_key.is_empty() {
            let file = if self.secret_file.is_empty() {
                Path::new(&self.database_path).with_file_name("sspr.key")
            } else {
                PathBuf::from(&self.secret_file)
            };
            ServerSecret::load_or_create(&file)
                .map_err(|e| bad("secret_file", format!("{}: {e}", file.display())))?
        } else {
            ServerSecret::from_hex(&self.secret_key)
                .ok_or_else(|| bad("secret_key", "must be 64 hex digits"))?
        };
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
            session: SessionConfig {
                idle_secs: idle * 60,
                absolute_secs: absolute * 3600,
                reauth_secs: reauth * 60,
            },
            sign_in: SignInConfig {
                lockout,
                ip_limit,
                ip_window_secs,
            },
            hashing,
            delivery,
            codes,
            registration,
            reset,
            trusted_proxies,
            metrics,
        })
    }
}

impl RawReset {
    fn check(&self, questions_registered: u8) -> Result<ResetConfig, ConfigError> {
        let small = |key: &str, value: i64, min: i64, max: i64| -> Result<u8, ConfigError> {
            Ok(in_range(&format!("reset.{key}"), value, min, max)? as u8)
        };
        let defaults = ResetPolicy {
            scope: if self.enabled {
                ResetScope::Everyone
            } else {
                ResetScope::Nobody
            },
            methods_required: small("methods_required", self.methods_required, 1, 2)?,
            questions_to_reset: small(
                "questions_to_reset",
                self.questions_to_reset,
                1,
                i64::from(questions_registered),
            )?,
            unlock_allowed: self.unlock_allowed,
            notify_user: self.notify_user,
            notify_admins: self.notify_admins,
            wizard_minutes: in_range("reset.wizard_minutes", self.wizard_minutes, 3, 60)? as u16,
            max_gate_failures: small("max_gate_failures", self.max_gate_failures, 1, 20)?,
            max_resets_per_day: small("max_resets_per_day", self.max_resets_per_day, 1, 50)?,
            captcha_difficulty: small(
                "captcha_difficulty",
                self.captcha_difficulty,
                0,
                i64::from(MAX_CAPTCHA_DIFFICULTY),
            )?,
            contact_admin: self.contact_admin.clone(),
            ..ResetPolicy::default()
        };
        defaults
            .check(questions_registered)
            .map_err(|problem| bad("reset", format!("{problem:?}")))?;
        Ok(ResetConfig {
            rules: ResetRules { defaults },
            ip_limit: in_range("reset.ip_limit", self.ip_limit, 1, 1_000_000)? as u32,
            ip_window_secs: in_range("reset.ip_window_seconds", self.ip_window_seconds, 1, 86_400)?,
            answer_floor: std::time::Duration::from_millis(in_range(
                "reset.answer_floor_ms",
                self.answer_floor_ms,
                0,
                1_000,
            )? as u64),
        })
    }
}

/// The public URL must be absolute http(s) with a host and no path, query or fragment.
fn check_public_url(raw: &str) -> Result<(String, bool), ConfigError> {
    let key = "public_base_url";
    let url = url::Url::parse(raw).map_err(|e| bad(key, format!("`{raw}` is not a URL ({e})")))?;
    let secure = match url.scheme() {
        "https" => true,
        "http" => false,
        other => {
            return Err(bad(
                key,
                format!("scheme must be http or https, got {other}"),
            ))
        }
    };
    if url.host_str().is_none() {
        return Err(bad(key, "must name a host"));
    }
    if url.path() != "/" || url.query().is_some() || url.fragment().is_some() {
        return Err(bad(key, "must not have a path, query or fragment"));
    }
    Ok((url.origin().ascii_serialization(), secure))
}

#[cfg(test)]
mod tests {
    use super::*;
    use figment::Jail;

    fn from_toml(text: &str) -> Result<Config, ConfigError> {
        let figment =
            Figment::from(Serialized::defaults(RawConfig::default())).merge(Toml::string(text));
        extract(figment)?.check()
    }

    #[test]
    fn the_example_file_is_valid_and_matches_the_defaults() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../sspr.example.toml"))
                .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let text = text.replace(
            "data/sspr.db",
            &dir.path().join("sspr.db").display().to_string(),
        );
        let config = from_toml(&text).unwrap();
        let defaults = RawConfig::default().check().unwrap();
        assert_eq!(config.reset.rules.defaults, defaults.reset.rules.defaults);
        assert!(config.trusted_proxies.is_empty());
    }

    #[test]
    fn bad_reset_settings_name_their_key() {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("sspr.db").display().to_string();
        let error = from_toml(&format!(
            "database_path = {db:?}\n[reset]\nmethods_required = 3\n"
        ))
        .unwrap_err();
        assert_eq!(error.key, "reset.methods_required");
        let error = from_toml(&format!(
            "database_path = {db:?}\ntrusted_proxies = [\"10.0.0.0/99\"]\n"
        ))
        .unwrap_err();
        assert_eq!(error.key, "trusted_proxies");
    }

    #[test]
    fn defaults_are_valid_and_safe() {
        let config = RawConfig::default().check().unwrap();
        assert_eq!(config.public_origin, "http://127.0.0.1:3000");
        assert!(!config.secure_cookies);
        assert_eq!(config.sign_in.lockout.threshold, 10);
        assert_eq!(config.sign_in.lockout.duration_secs, 15 * 60);
        assert_eq!(config.hashing, HashingParams::check(19_456, 2, 1).unwrap());
    }

    #[test]
    fn a_file_overrides_defaults_and_https_makes_cookies_secure() {
        let config = from_toml(
            "public_base_url = \"https://reset.example.org\"\n[session]\nidle_minutes = 10\n",
        )
        .unwrap();
        assert_eq!(config.public_origin, "https://reset.example.org");
        assert!(config.secure_cookies);
        assert_eq!(config.session.idle_secs, 600);
    }

    #[test]
    fn a_bad_address_names_the_key() {
        let error = from_toml("bind = \"localhost\"").unwrap_err();
        assert_eq!(error.key, "bind");
    }

    #[test]
    fn a_public_url_with_a_path_or_other_scheme_is_refused() {
        assert_eq!(
            from_toml("public_base_url = \"https://x.org/reset\"")
                .unwrap_err()
                .key,
            "public_base_url"
        );
        assert_eq!(
            from_toml("public_base_url = \"ftp://x.org\"")
                .unwrap_err()
                .key,
            "public_base_url"
        );
        assert_eq!(
            from_toml("public_base_url = \"not a url\"")
                .unwrap_err()
                .key,
            "public_base_url"
        );
    }

    #[test]
    fn out_of_range_numbers_name_the_key_and_the_range() {
        let error = from_toml("[sign_in]\nlockout_threshold = 0").unwrap_err();
        assert_eq!(error.key, "sign_in.lockout_threshold");
        assert!(
            error.reason.contains("between 1 and 100"),
            "{}",
            error.reason
        );
        let error = from_toml("[session]\nidle_minutes = 600\nabsolute_hours = 1").unwrap_err();
        assert_eq!(error.key, "session.idle_minutes");
    }

    #[test]
    fn wrong_types_and_unknown_keys_are_refused_with_the_key() {
        let error = from_toml("[session]\nidle_minutes = \"soon\"").unwrap_err();
        assert_eq!(error.key, "session.idle_minutes");
        assert!(from_toml("colour = \"blue\"").is_err());
    }

    #[test]
    fn weak_hashing_parameters_are_refused() {
        let error = from_toml("[password_hashing]\nmemory_kib = 1024\niterations = 1").unwrap_err();
        assert_eq!(error.key, "password_hashing");
    }

    #[test]
    fn bad_log_settings_are_refused() {
        assert_eq!(
            from_toml("log_level = \"info,[\"").unwrap_err().key,
            "log_level"
        );
        assert_eq!(
            from_toml("log_format = \"xml\"").unwrap_err().key,
            "log_format"
        );
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail fixes the closure's error type
    fn environment_variables_override_the_file() {
        Jail::expect_with(|jail| {
            jail.create_file("sspr.toml", "bind = \"127.0.0.1:4000\"")?;
            jail.set_env("SSPR_BIND", "127.0.0.1:5000");
            jail.set_env("SSPR_SESSION__IDLE_MINUTES", "5");
            let config = load(None).unwrap();
            assert_eq!(config.bind.port(), 5000);
            assert_eq!(config.session.idle_secs, 300);
            Ok(())
        });
    }

    #[test]
    #[allow(clippy::result_large_err)] // figment's Jail fixes the closure's error type
    fn delivery_settings_come_from_nested_environment_variables() {
        Jail::expect_with(|jail| {
            jail.set_env("SSPR_DELIVERY__MODE", "send");
            jail.set_env("SSPR_DELIVERY__SMTP__HOST", "smtp.example.org");
            jail.set_env("SSPR_DELIVERY__SMTP__PORT", "587");
            let config = load(None).unwrap();
            assert_eq!(config.delivery.mode, DeliveryMode::Send);
            assert_eq!(config.delivery.smtp.host, "smtp.example.org");
            assert_eq!(config.delivery.smtp.port, 587);
            Ok(())
        });
    }

    #[test]
    fn a_named_config_file_must_exist() {
        let error = load(Some(Path::new("/nonexistent/sspr.toml"))).unwrap_err();
        assert_eq!(error.key, "--config");
    }
}
