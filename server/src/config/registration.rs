//! `[registration]`: what people must register before an admin saves a policy.

use crate::config_error::{in_range, ConfigError};
use crate::policy::RegistrationRules;
use app::api::RegistrationPolicy;
use serde::{Deserialize, Serialize};

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

impl RawRegistration {
    pub(super) fn check(&self) -> Result<RegistrationRules, ConfigError> {
        let small = |name: &str, value: i64, min: i64, max: i64| -> Result<u8, ConfigError> {
            Ok(in_range(&format!("registration.{name}"), value, min, max)? as u8)
        };
        Ok(RegistrationRules {
            defaults: RegistrationPolicy {
                require_at_sign_in: self.require_at_sign_in,
                reconfirm_days: in_range(
                    "registration.reconfirm_days",
                    self.reconfirm_days,
                    0,
                    730,
                )? as u16,
                methods_required: small("methods_required", self.methods_required, 1, 2)?,
                postpone_limit: small("postpone_limit", self.postpone_limit, 0, 10)?,
                question_count: small("question_count", self.question_count, 1, 5)?,
            },
        })
    }
}
