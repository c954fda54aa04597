//! `[verification]`: how long one-time codes last, how often they may be tried and sent.

use crate::config_error::{in_range, ConfigError};
use crate::verification::CodeRules;
use serde::{Deserialize, Serialize};

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

impl RawVerification {
    pub(super) fn check(&self) -> Result<CodeRules, ConfigError> {
        let key = |name: &str| format!("verification.{name}");
        Ok(CodeRules {
            ttl_secs: in_range(&key("code_ttl_minutes"), self.code_ttl_minutes, 1, 60)? * 60,
            max_attempts: in_range(&key("code_max_attempts"), self.code_max_attempts, 1, 20)?
                as u32,
            sends_per_hour: in_range(&key("codes_per_hour"), self.codes_per_hour, 1, 100)? as u32,
        })
    }
}
