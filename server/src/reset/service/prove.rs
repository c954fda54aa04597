//! Proving the current gate: a code sent, an authenticator's code, a recovery code or the
//! answers to security questions. A decoy's answer is read and checked as far as a real
//! one's (every answer goes through argon2), and never proves anything.

use super::wizard::{code_purpose, Subject};
use super::SqlReset;
use crate::audit::{AuditKind, Outcome};
use crate::error::{internal, OrInternal};
use crate::reset::account::NO_ACCOUNT;
use crate::reset::store::{self, QuestionIds, Wizard};
use crate::verification::{answers, codes, recovery, totp, CodeError, CodeProblem};
use app::api::context::RequestMeta;
use app::api::{GateAnswer, WizardView};
use app::domain::reset_policy::ResetPolicy;
use app::domain::security_info::{parse_code, CODE_DIGITS, MAX_ANSWER_CHARS, TOTP_DIGITS};
use app::domain::{AppError, FieldProblem, MethodKind};

const MAX_RECOVERY_CODE_CHARS: usize = 64;

/// The digits typed for a code of `digits` digits, or why they are not one.
fn typed_code(typed: &str, digits: usize) -> Result<String, AppError> {
    parse_code(typed, digits).ok_or_else(|| {
        AppError::invalid(
            "code",
            FieldProblem::CodeFormat {
                digits: digits as u8,
            },
        )
    })
}

impl SqlReset {
    pub(super) async fn verify_step(
        &self,
        meta: &RequestMeta,
        answer: GateAnswer,
    ) -> Result<WizardView, AppError> {
        let rid = meta.request_id.as_str();
        let (wizard, subject, policy) = self.current(meta).await?;
        let Some(method) = wizard.method else {
            return Err(AppError::BadRequest("no method chosen".into()));
        };
        // Wrong answers from this client (or, far more, from anywhere) stop the name here
        // too, or wizards opened in parallel could each spend a full allowance.
        let limits = self.limits(&policy);
        if let Some(retry) = self
            .blocked_for(
                &wizard.name_key,
                &wizard.client_key,
                &limits,
                self.clock.now(),
            )
            .await
            .or_internal(rid)?
        {
            return Err(self.blocked(meta, wizard.user_id, Some(retry)).await);
        }
        if !self.prove(&wizard, &subject, method, &answer, rid).await? {
            return Err(self.wrong(meta, &wizard, &policy, method).await);
        }
        let mut conn = self.pool.acquire().await.or_internal(rid)?;
        if !store::pass_gate(&mut conn, &wizard)
            .await
            .or_internal(rid)?
        {
            // A parallel request moved the wizard first; show where it is now.
            return self.reread(meta).await;
        }
        drop(conn);
        let event = self
            .event(meta, AuditKind::GatePassed, Outcome::Success)
            .account_if(wizard.user_id)
            .detail(method.as_str());
        self.record(meta, event).await;
        // The row as just written, without reading it back.
        let mut subject = subject;
        if let (Subject::Real(real), MethodKind::RecoveryCodes) = (&mut subject, method) {
            real.facts.recovery_codes_left -= 1;
        }
        let wizard = passed(wizard, method);
        self.view(&wizard, &subject, &policy, rid).await
    }

    /// Counts a wrong answer; at the policy's limit the wizard ends.
    async fn wrong(
        &self,
        meta: &RequestMeta,
        wizard: &Wizard,
        policy: &ResetPolicy,
        method: MethodKind,
    ) -> AppError {
        let rid = meta.request_id.as_str();
        let failures = match store::fail(&self.pool, &wizard.id_hash)
            .await
            .or_internal(rid)
        {
            Ok((_, failures)) => failures,
            Err(error) => return error,
        };
        let event = self
            .event(meta, AuditKind::GateFailed, Outcome::Failure)
            .account_if(wizard.user_id)
            .detail(method.as_str());
        self.record(meta, event).await;
        let left = i64::from(policy.max_gate_failures) - failures;
        if left > 0 {
            return AppError::CodeIncorrect {
                attempts_left: Some(u32::try_from(left).unwrap_or(0)),
            };
        }
        if let Ok(mut conn) = self.pool.acquire().await {
            let _ = store::finish(&mut conn, &wizard.id_hash, "failed", self.clock.now()).await;
        }
        let event = self
            .event(meta, AuditKind::Blocked, Outcome::Denied)
            .account_if(wizard.user_id)
            .detail("too many wrong answers");
        self.record(meta, event).await;
        AppError::TooManyWrongAnswers
    }

    /// Checks what was typed at the current gate. `Ok(true)` means proven.
    async fn prove(
        &self,
        wizard: &Wizard,
        subject: &Subject,
        method: MethodKind,
        answer: &GateAnswer,
        rid: &str,
    ) -> Result<bool, AppError> {
        let now = self.clock.now();
        match method {
            MethodKind::Email | MethodKind::Phone => {
                let code = typed_code(&answer.code, CODE_DIGITS)?;
                self.prove_sent_code(wizard, subject, method, &code, rid, now)
                    .await
            }
            MethodKind::Authenticator => {
                let code = typed_code(&answer.code, TOTP_DIGITS)?;
                self.prove_authenticator(subject, &code, rid, now).await
            }
            MethodKind::RecoveryCodes => {
                self.prove_recovery_code(subject, &answer.code, rid, now)
                    .await
            }
            MethodKind::Questions => self.prove_answers(wizard, subject, answer, rid).await,
        }
    }

    /// A code sent by email or SMS for this wizard. A decoy's "sent" code expires like a
    /// real one and is otherwise just wrong.
    async fn prove_sent_code(
        &self,
        wizard: &Wizard,
        subject: &Subject,
        method: MethodKind,
        code: &str,
        rid: &str,
        now: i64,
    ) -> Result<bool, AppError> {
        let Subject::Real(real) = subject else {
            if wizard.code_expires_at.is_none_or(|at| at <= now) {
                return Err(AppError::CodeExpired);
            }
            return Ok(false);
        };
        let mut conn = self.pool.acquire().await.or_internal(rid)?;
        let purpose = code_purpose(method, &wizard.id_hash);
        match codes::redeem(&mut conn, real.user.id, &purpose, code, self.codes, now).await {
            Ok(_) => Ok(true),
            Err(CodeError::Refused(CodeProblem::Expired)) => Err(AppError::CodeExpired),
            Err(CodeError::Refused(_)) => Ok(false),
            Err(CodeError::Store(error)) => Err(internal(rid, error)),
        }
    }

    /// An authenticator's code, each time step usable once.
    async fn prove_authenticator(
        &self,
        subject: &Subject,
        code: &str,
        rid: &str,
        now: i64,
    ) -> Result<bool, AppError> {
        let Subject::Real(real) = subject else {
            return Ok(false);
        };
        let mut conn = self.pool.acquire().await.or_internal(rid)?;
        totp::redeem(&mut conn, real.user.id, code, now)
            .await
            .or_internal(rid)
    }

    /// One of the account's unused recovery codes, used up by proving.
    async fn prove_recovery_code(
        &self,
        subject: &Subject,
        typed: &str,
        rid: &str,
        now: i64,
    ) -> Result<bool, AppError> {
        let code = typed.trim();
        if code.is_empty() {
            return Err(AppError::invalid("code", FieldProblem::Required));
        }
        if code.chars().count() > MAX_RECOVERY_CODE_CHARS {
            return Err(AppError::invalid("code", FieldProblem::TooLong));
        }
        let Subject::Real(real) = subject else {
            return Ok(false);
        };
        let mut conn = self.pool.acquire().await.or_internal(rid)?;
        recovery::redeem(&mut conn, real.user.id, code, now)
            .await
            .or_internal(rid)
    }

    /// The answers to the questions the wizard asked, every one checked with argon2,
    /// right or wrong, decoy or not.
    async fn prove_answers(
        &self,
        wizard: &Wizard,
        subject: &Subject,
        answer: &GateAnswer,
        rid: &str,
    ) -> Result<bool, AppError> {
        let asked = wizard.question_ids.as_slice();
        check_answers(asked, answer)?;
        let user_id = match subject {
            Subject::Real(real) => real.user.id,
            Subject::Decoy => NO_ACCOUNT,
        };
        let mut all = true;
        for id in asked {
            let given = answer
                .answers
                .iter()
                .find(|a| a.question_id == *id)
                .map(|a| answers::normalise(&a.answer))
                .unwrap_or_default();
            let stored = answers::stored_hash(&self.pool, user_id, *id)
                .await
                .or_internal(rid)?;
            match stored {
                Some(stored) => {
                    let verified = self.hasher.verify(&given, &stored).await.or_internal(rid)?;
                    all &= verified.matches;
                }
                None => {
                    self.hasher.verify_dummy(&given).await;
                    all = false;
                }
            }
        }
        Ok(all)
    }
}

/// One answer, not blank and not too long, for each question asked.
fn check_answers(asked: &[i64], answer: &GateAnswer) -> Result<(), AppError> {
    if answer.answers.len() != asked.len() {
        return Err(AppError::invalid(
            "answers",
            FieldProblem::QuestionCount {
                required: u8::try_from(asked.len()).unwrap_or(u8::MAX),
            },
        ));
    }
    for (i, id) in asked.iter().enumerate() {
        let given = answer.answers.iter().find(|a| a.question_id == *id);
        let field = format!("answer_{i}");
        let Some(given) = given else {
            return Err(AppError::invalid(&field, FieldProblem::UnknownQuestion));
        };
        if given.answer.trim().is_empty() {
            return Err(AppError::invalid(&field, FieldProblem::Required));
        }
        if given.answer.chars().count() > MAX_ANSWER_CHARS {
            return Err(AppError::invalid(&field, FieldProblem::TooLong));
        }
    }
    Ok(())
}

/// The wizard as `store::pass_gate` leaves it: `method` passed, nothing chosen.
fn passed(wizard: Wizard, method: MethodKind) -> Wizard {
    Wizard {
        gates_passed: wizard.gates_passed.and(method),
        method: None,
        question_ids: QuestionIds::default(),
        code_expires_at: None,
        attempts: 0,
        ..wizard
    }
}
