//! `[reset]`: the reset policy's defaults until an admin saves one, and the wizard's
//! per-address limits and answer floor.

use crate::config_error::{bad, in_range, ConfigError};
use crate::policy::ResetRules;
use app::domain::reset_policy::{ResetPolicy, ResetScope, MAX_CAPTCHA_DIFFICULTY};
use serde::{Deserialize, Serialize};
use std::time::Duration;

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
    pub directory_contacts: bool,
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
            directory_contacts: p.directory_contacts,
            ip_limit: 30,
            ip_window_seconds: 300,
            answer_floor_ms: 6,
        }
    }
}

#[derive(Debug, Clone)]
pub struct ResetConfig {
    pub rules: ResetRules,
    pub ip_limit: u32,
    pub ip_window_secs: i64,
    pub answer_floor: Duration,
}

impl RawReset {
    pub(super) fn check(&self, questions_registered: u8) -> Result<ResetConfig, ConfigError> {
        let defaults = self.policy(questions_registered)?;
        defaults
            .check(questions_registered)
            .map_err(|problem| bad("reset", format!("{problem:?}")))?;
        Ok(ResetConfig {
            rules: ResetRules { defaults },
            ip_limit: in_range("reset.ip_limit", self.ip_limit, 1, 1_000_000)? as u32,
            ip_window_secs: in_range("reset.ip_window_seconds", self.ip_window_seconds, 1, 86_400)?,
            answer_floor: Duration::from_millis(in_range(
                "reset.answer_floor_ms",
                self.answer_floor_ms,
                0,
                1_000,
            )? as u64),
        })
    }

    /// The policy's defaults, each number within its own range.
    fn policy(&self, questions_registered: u8) -> Result<ResetPolicy, ConfigError> {
        let small = |key: &str, value: i64, min: i64, max: i64| -> Result<u8, ConfigError> {
            Ok(in_range(&format!("reset.{key}"), value, min, max)? as u8)
        };
        Ok(ResetPolicy {
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
            directory_contacts: self.directory_contacts,
            ..ResetPolicy::default()
        })
    }
}
