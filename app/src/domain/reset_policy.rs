//! Who may reset their password, how they prove who they are, and the limits around the
//! wizard. The admin editor (dashboard) and the server's evaluation share these types and
//! the validation below.

use super::security_info::MethodKind;
use serde::{Deserialize, Serialize};

/// Who self-service password reset is enabled for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResetScope {
    Nobody,
    /// Members of any of these groups (by name).
    Groups(Vec<String>),
    Everyone,
}

/// The reset policy for ordinary users. Administrators always get [`ADMIN_POLICY`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetPolicy {
    pub scope: ResetScope,
    /// Methods that may be used as a gate.
    pub methods: Vec<MethodKind>,
    /// Gates to pass: 1 or 2, each with a different method.
    pub methods_required: u8,
    /// Questions asked at a security-questions gate (at most the number registered).
    pub questions_to_reset: u8,
    /// A locked user may unlock without choosing a new password.
    pub unlock_allowed: bool,
    pub notify_user: bool,
    /// Tell every global admin when an admin resets their own password.
    pub notify_admins: bool,
    pub wizard_minutes: u16,
    /// Wrong answers at the gates before the wizard ends.
    pub max_gate_failures: u8,
    /// Wizards started for one account (or one typed name) in 24 hours before reset is
    /// blocked for that name for 24 hours.
    pub max_resets_per_day: u8,
    /// Leading zero bits the proof-of-work CAPTCHA needs.
    pub captcha_difficulty: u8,
    /// Shown to everyone who cannot go on: a sentence, an address or a link.
    pub contact_admin: String,
    /// With a connected directory: its own `mail` and `mobile` may serve as the email and
    /// phone methods of accounts that have not registered their own.
    #[serde(default)]
    pub directory_contacts: bool,
}

impl Default for ResetPolicy {
    fn default() -> Self {
        Self {
            scope: ResetScope::Everyone,
            methods: vec![
                MethodKind::Email,
                MethodKind::Phone,
                MethodKind::Authenticator,
                MethodKind::Questions,
                MethodKind::RecoveryCodes,
            ],
            methods_required: 1,
            questions_to_reset: 3,
            unlock_allowed: true,
            notify_user: true,
            notify_admins: false,
            wizard_minutes: 15,
            max_gate_failures: 5,
            max_resets_per_day: 5,
            captcha_difficulty: 16,
            contact_admin: String::new(),
            directory_contacts: false,
        }
    }
}

/// The stricter policy that always applies to anyone holding an admin role, as in
/// Microsoft Entra: two gates, and no security questions (they are guessable).
pub struct AdminPolicy;

impl AdminPolicy {
    pub const METHODS_REQUIRED: u8 = 2;

    pub fn allows(kind: MethodKind) -> bool {
        kind != MethodKind::Questions
    }
}

/// What is wrong with a reset policy, by setting.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ResetPolicyProblem {
    /// `methods_required` must be 1 or 2.
    MethodsRequired,
    /// Fewer methods allowed than gates required.
    TooFewMethods {
        required: u8,
    },
    /// More questions asked at reset than users register.
    QuestionsToReset {
        registered: u8,
    },
    NoGroups,
    WizardMinutes,
    MaxGateFailures,
    MaxResetsPerDay,
    CaptchaDifficulty,
    ContactTooLong,
}

impl ResetPolicyProblem {
    /// The setting at fault, as the field name the editor shows the problem under.
    pub fn field(self) -> &'static str {
        match self {
            Self::MethodsRequired => "methods_required",
            Self::TooFewMethods { .. } => "methods",
            Self::QuestionsToReset { .. } => "questions_to_reset",
            Self::NoGroups => "scope",
            Self::WizardMinutes => "wizard_minutes",
            Self::MaxGateFailures => "max_gate_failures",
            Self::MaxResetsPerDay => "max_resets_per_day",
            Self::CaptchaDifficulty => "captcha_difficulty",
            Self::ContactTooLong => "contact_admin",
        }
    }
}

pub const MAX_CAPTCHA_DIFFICULTY: u8 = 24;
pub const MAX_CONTACT_CHARS: usize = 500;

impl ResetPolicy {
    /// Checks every setting; `questions_registered` is the registration policy's count.
    pub fn check(&self, questions_registered: u8) -> Result<(), ResetPolicyProblem> {
        use ResetPolicyProblem as P;
        if !(1..=2).contains(&self.methods_required) {
            return Err(P::MethodsRequired);
        }
        let mut allowed = self.methods.clone();
        allowed.sort_by_key(|m| m.as_str());
        allowed.dedup();
        if allowed.len() < usize::from(self.methods_required) {
            return Err(P::TooFewMethods {
                required: self.methods_required,
            });
        }
        if self.methods.contains(&MethodKind::Questions)
            && (self.questions_to_reset == 0 || self.questions_to_reset > questions_registered)
        {
            return Err(P::QuestionsToReset {
                registered: questions_registered,
            });
        }
        if matches!(&self.scope, ResetScope::Groups(g) if g.is_empty()) {
            return Err(P::NoGroups);
        }
        if !(3..=60).contains(&self.wizard_minutes) {
            return Err(P::WizardMinutes);
        }
        if !(1..=20).contains(&self.max_gate_failures) {
            return Err(P::MaxGateFailures);
        }
        if !(1..=50).contains(&self.max_resets_per_day) {
            return Err(P::MaxResetsPerDay);
        }
        if self.captcha_difficulty > MAX_CAPTCHA_DIFFICULTY {
            return Err(P::CaptchaDifficulty);
        }
        if self.contact_admin.chars().count() > MAX_CONTACT_CHARS {
            return Err(P::ContactTooLong);
        }
        Ok(())
    }

    /// The methods and gate count that apply to an account.
    pub fn for_account(&self, is_admin: bool) -> (Vec<MethodKind>, u8) {
        if is_admin {
            let methods = MethodKind::ALL
                .into_iter()
                .filter(|m| AdminPolicy::allows(*m))
                .collect();
            (methods, AdminPolicy::METHODS_REQUIRED)
        } else {
            (self.methods.clone(), self.methods_required)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid() {
        assert_eq!(ResetPolicy::default().check(3), Ok(()));
    }

    #[test]
    fn two_gates_need_two_methods() {
        let policy = ResetPolicy {
            methods: vec![MethodKind::Email],
            methods_required: 2,
            ..ResetPolicy::default()
        };
        assert_eq!(
            policy.check(3),
            Err(ResetPolicyProblem::TooFewMethods { required: 2 })
        );
        let policy = ResetPolicy {
            methods_required: 3,
            ..ResetPolicy::default()
        };
        assert_eq!(policy.check(3), Err(ResetPolicyProblem::MethodsRequired));
    }

    #[test]
    fn reset_cannot_ask_more_questions_than_registered() {
        let policy = ResetPolicy {
            questions_to_reset: 4,
            ..ResetPolicy::default()
        };
        assert_eq!(
            policy.check(3),
            Err(ResetPolicyProblem::QuestionsToReset { registered: 3 })
        );
    }

    #[test]
    fn each_problem_names_the_setting_the_editor_shows_it_under() {
        let policy = ResetPolicy {
            methods: vec![MethodKind::Email],
            methods_required: 2,
            ..ResetPolicy::default()
        };
        assert_eq!(
            policy.check(3).map_err(ResetPolicyProblem::field),
            Err("methods")
        );
        let policy = ResetPolicy {
            contact_admin: "x".repeat(MAX_CONTACT_CHARS + 1),
            ..ResetPolicy::default()
        };
        assert_eq!(
            policy.check(3).map_err(ResetPolicyProblem::field),
            Err("contact_admin")
        );
    }

    #[test]
    fn group_scope_needs_a_group() {
        let policy = ResetPolicy {
            scope: ResetScope::Groups(vec![]),
            ..ResetPolicy::default()
        };
        assert_eq!(policy.check(3), Err(ResetPolicyProblem::NoGroups));
    }

    #[test]
    fn admins_need_two_gates_and_never_questions() {
        let policy = ResetPolicy::default();
        let (methods, required) = policy.for_account(true);
        assert_eq!(required, 2);
        assert!(!methods.contains(&MethodKind::Questions));
        let (methods, required) = policy.for_account(false);
        assert_eq!(required, 1);
        assert!(methods.contains(&MethodKind::Questions));
    }
}
