//! When users must register security info: at sign-in, how many methods, how often they
//! reconfirm, and how many times they may postpone.

use app::api::RegistrationPolicy;
use app::domain::{AppError, FieldProblem, RegistrationDue};
use sqlx::SqlitePool;

use super::settings::SaveError;

pub const NAME: &str = "registration";
const DAY: i64 = 86_400;

/// The configured defaults, and the checks any saved policy must pass.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistrationRules {
    pub defaults: RegistrationPolicy,
}

impl Default for RegistrationRules {
    fn default() -> Self {
        Self {
            defaults: RegistrationPolicy {
                require_at_sign_in: true,
                reconfirm_days: 180,
                methods_required: 1,
                postpone_limit: 3,
                question_count: 3,
            },
        }
    }
}

/// Checks a policy; the error names the field and the allowed range.
pub fn check(policy: &RegistrationPolicy) -> Result<(), (&'static str, FieldProblem)> {
    let between = |min, max| FieldProblem::Between { min, max };
    if policy.reconfirm_days > 730 {
        return Err(("reconfirm_days", between(0, 730)));
    }
    if !(1..=2).contains(&policy.methods_required) {
        return Err(("methods_required", between(1, 2)));
    }
    if policy.postpone_limit > 10 {
        return Err(("postpone_limit", between(0, 10)));
    }
    if !(1..=5).contains(&policy.question_count) {
        return Err(("question_count", between(1, 5)));
    }
    Ok(())
}

impl RegistrationRules {
    /// The saved policy, or the defaults. A saved document that no longer parses (after
    /// an upgrade, say) falls back to the defaults rather than locking everyone out.
    pub async fn current(&self, pool: &SqlitePool) -> Result<RegistrationPolicy, sqlx::Error> {
        Ok(super::settings::load::<RegistrationPolicy>(pool, NAME)
            .await?
            .filter(|p| check(p).is_ok())
            .unwrap_or(self.defaults))
    }

    pub async fn save(
        &self,
        pool: &SqlitePool,
        policy: &RegistrationPolicy,
        now: i64,
    ) -> Result<(), SaveError> {
        if let Err((field, _)) = check(policy) {
            return Err(SaveError::Refused(AppError::invalid(
                field,
                FieldProblem::OutOfRange,
            )));
        }
        Ok(super::settings::save(pool, NAME, policy, now).await?)
    }
}

/// Whether a user with `registered` methods, last confirmed at `confirmed_at`, is due.
pub fn due(
    policy: &RegistrationPolicy,
    registered: u8,
    confirmed_at: Option<i64>,
    now: i64,
) -> Option<RegistrationDue> {
    if !policy.require_at_sign_in {
        return None;
    }
    if registered < policy.methods_required {
        return Some(RegistrationDue::Incomplete {
            required: policy.methods_required,
            registered,
        });
    }
    let days = i64::from(policy.reconfirm_days);
    let stale = confirmed_at.is_none_or(|at| now - at > days * DAY);
    (days > 0 && stale).then_some(RegistrationDue::Reconfirm)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RegistrationPolicy {
        RegistrationRules::default().defaults
    }

    #[test]
    fn too_few_methods_are_due_as_incomplete() {
        assert_eq!(
            due(&policy(), 0, None, 0),
            Some(RegistrationDue::Incomplete {
                required: 1,
                registered: 0
            })
        );
        let two = RegistrationPolicy {
            methods_required: 2,
            ..policy()
        };
        assert_eq!(
            due(&two, 1, Some(0), 0),
            Some(RegistrationDue::Incomplete {
                required: 2,
                registered: 1
            })
        );
    }

    #[test]
    fn confirmed_info_is_due_again_after_the_reconfirm_period_unless_that_is_zero() {
        assert_eq!(due(&policy(), 1, Some(0), 180 * DAY), None);
        assert_eq!(
            due(&policy(), 1, Some(0), 180 * DAY + 1),
            Some(RegistrationDue::Reconfirm)
        );
        let never = RegistrationPolicy {
            reconfirm_days: 0,
            ..policy()
        };
        assert_eq!(due(&never, 1, Some(0), 1000 * DAY), None);
    }

    #[test]
    fn nothing_is_due_when_registration_is_not_required() {
        let off = RegistrationPolicy {
            require_at_sign_in: false,
            ..policy()
        };
        assert_eq!(due(&off, 0, None, 0), None);
    }

    #[test]
    fn out_of_range_settings_are_refused() {
        assert!(check(&policy()).is_ok());
        assert_eq!(
            check(&RegistrationPolicy {
                methods_required: 3,
                ..policy()
            })
            .unwrap_err()
            .0,
            "methods_required"
        );
        assert_eq!(
            check(&RegistrationPolicy {
                question_count: 0,
                ..policy()
            })
            .unwrap_err()
            .0,
            "question_count"
        );
        assert_eq!(
            check(&RegistrationPolicy {
                reconfirm_days: 731,
                ..policy()
            })
            .unwrap_err()
            .0,
            "reconfirm_days"
        );
        assert_eq!(
            check(&RegistrationPolicy {
                postpone_limit: 11,
                ..policy()
            })
            .unwrap_err()
            .0,
            "postpone_limit"
        );
    }
}
