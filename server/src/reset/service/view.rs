//! The step to show for a live wizard: a method to choose, a gate to prove, or the new
//! password. Real and decoy wizards are shown through the same code, with hints from
//! their own facts.

use super::wizard::{key_bytes, Subject};
use super::SqlReset;
use crate::error::OrInternal;
use crate::reset::account;
use crate::reset::decoy::{self, Profile};
use crate::reset::store::Wizard;
use crate::verification::answers;
use app::api::{AccountStatus, MethodHint, Question, WizardStep, WizardView};
use app::domain::reset_policy::ResetPolicy;
use app::domain::{AppError, MethodKind};

impl SqlReset {
    /// The step to show for a live wizard.
    pub(super) async fn view(
        &self,
        wizard: &Wizard,
        subject: &Subject,
        policy: &ResetPolicy,
        rid: &str,
    ) -> Result<WizardView, AppError> {
        let profile = self.profile(policy, rid).await?;
        let passed = &wizard.gates_passed;
        // The gate's number only: the count of gates would tell admins from the rest.
        let number = u8::try_from(passed.len() + 1).unwrap_or(u8::MAX);
        let step = if wizard.all_gates_passed() {
            self.new_password_step(subject, policy, rid).await?
        } else if let Some(method) = wizard.method {
            WizardStep::Prove {
                number,
                method: self.hint(wizard, subject, method, &profile),
                questions: self.questions(wizard.question_ids.as_slice(), rid).await?,
                code_expires_at: wizard.code_expires_at,
            }
        } else {
            let methods = self
                .offered(wizard, subject, policy, &profile)
                .into_iter()
                .filter(|m| !passed.contains(*m))
                .map(|kind| self.hint(wizard, subject, kind, &profile))
                .collect();
            WizardStep::Choose { number, methods }
        };
        Ok(WizardView {
            step,
            expires_at: wizard.expires_at,
            contact_admin: policy.contact_admin.clone(),
        })
    }

    /// Every gate passed: the password rules, and whether the account may just unlock.
    async fn new_password_step(
        &self,
        subject: &Subject,
        policy: &ResetPolicy,
        rid: &str,
    ) -> Result<WizardStep, AppError> {
        let Subject::Real(real) = subject else {
            // A decoy never passes a gate.
            return Err(AppError::WizardExpired);
        };
        let rules = self
            .password_policy
            .current()
            .await
            .or_internal(rid)?
            .rules();
        Ok(WizardStep::NewPassword {
            rules,
            can_unlock: policy.unlock_allowed && real.user.status == AccountStatus::Locked,
        })
    }

    /// The methods this wizard offers, for real accounts read again now (a method removed
    /// or a policy changed mid-way applies at once; a used-up recovery code is gone).
    pub(super) fn offered(
        &self,
        wizard: &Wizard,
        subject: &Subject,
        policy: &ResetPolicy,
        profile: &Profile,
    ) -> Vec<MethodKind> {
        match subject {
            Subject::Real(real) => account::usable(policy, &real.facts, self.deliverable()),
            Subject::Decoy => {
                decoy::gates(
                    &key_bytes(&wizard.name_key),
                    policy,
                    self.deliverable(),
                    profile,
                )
                .methods
            }
        }
    }

    fn hint(
        &self,
        wizard: &Wizard,
        subject: &Subject,
        kind: MethodKind,
        profile: &Profile,
    ) -> MethodHint {
        match subject {
            Subject::Real(real) => account::hint(kind, &real.facts),
            Subject::Decoy => decoy::hint(
                kind,
                &key_bytes(&wizard.name_key),
                &wizard.decoy_initial,
                profile,
            ),
        }
    }

    async fn questions(&self, ids: &[i64], rid: &str) -> Result<Vec<Question>, AppError> {
        answers::questions(&self.pool, ids).await.or_internal(rid)
    }
}
