//! The error a configuration value gives when it cannot be used, and the checks every
//! section shares. A leaf: the configuration and each section's own settings (delivery,
//! metrics) use it, and it uses none of them, so no two of them import each other.

use std::fmt;

/// A configuration value that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub key: String,
    pub reason: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "configuration key `{}`: {}", self.key, self.reason)
    }
}

impl std::error::Error for ConfigError {}

pub(crate) fn bad(key: &str, reason: impl Into<String>) -> ConfigError {
    ConfigError {
        key: key.into(),
        reason: reason.into(),
    }
}

pub(crate) fn in_range(key: &str, value: i64, min: i64, max: i64) -> Result<i64, ConfigError> {
    if (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(bad(
            key,
            format!("must be between {min} and {max}, got {value}"),
        ))
    }
}
