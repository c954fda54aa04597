//! A delivery setting that failed its check, and the two checks every setting uses: a
//! leaf, so each channel's settings use it without importing `settings` back.

use crate::config_error::{bad, in_range, ConfigError};
use app::domain::FieldProblem;

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

pub(super) fn fail(key: &str, problem: FieldProblem, reason: impl Into<String>) -> SettingError {
    SettingError {
        key: key.to_owned(),
        problem,
        reason: reason.into(),
    }
}

pub(super) fn range(key: &str, value: i64, min: i64, max: i64) -> Result<i64, SettingError> {
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
