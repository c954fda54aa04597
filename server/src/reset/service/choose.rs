//! Choosing a method for a gate: a code sent for email and phone, questions picked for
//! security questions, nothing yet for an authenticator or a recovery code. Sending is
//! the work that differs most between a real account and a decoy, so the step answers no
//! sooner than the floor.

use super::wizard::{code_purpose, key_bytes, Account, Subject};
use super::{SqlReset, HOUR};
use crate::audit::{AuditKind, Outcome};
use crate::delivery::{Channel, Message};
use crate::error::{internal, OrInternal};
use crate::reset::decoy;
use crate::reset::messages;
use crate::reset::store::{self, QuestionIds, Wizard};
use crate::security_info::messages::Language;
use crate::verification::{answers, codes, CodeError, CodeProblem, SendCap};
use app::api::context::RequestMeta;
use app::api::WizardView;
use app::domain::reset_policy::ResetPolicy;
use app::domain::{AppError, MethodKind};
use sqlx::SqliteConnection;

/// A method being chosen for a wizard's current gate.
struct Choice<'a> {
    meta: &'a RequestMeta,
    wizard: &'a Wizard,
    subject: &'a Subject,
    policy: &'a ResetPolicy,
    method: MethodKind,
    language: Language,
    now: i64,
}

impl SqlReset {
    pub(super) async fn choose_step(
        &self,
        meta: &RequestMeta,
        method: MethodKind,
        language: String,
    ) -> Result<WizardView, AppError> {
        let rid = meta.request_id.as_str();
        let (wizard, subject, policy) = self.current(meta).await?;
        if wizard.all_gates_passed() {
            return self.view(&wizard, &subject, &policy, rid).await;
        }
        let profile = self.profile(&policy, rid).await?;
        let offered = self.offered(&wizard, &subject, &policy, &profile);
        if !offered.contains(&method) || wizard.gates_passed.contains(method) {
            return Err(AppError::MethodUnavailable);
        }
        let choice = Choice {
            meta,
            wizard: &wizard,
            subject: &subject,
            policy: &policy,
            method,
            language: Language::parse(&language),
            now: self.clock.now(),
        };
        let Some((question_ids, code_expires_at)) = self.store_choice(&choice).await? else {
            return self.reread(meta).await;
        };
        // Only a real code was queued; a decoy has nothing for the worker.
        if code_expires_at.is_some() && matches!(subject, Subject::Real(_)) {
            self.delivery.wake();
        }
        let event = self
            .event(meta, AuditKind::MethodChosen, Outcome::Success)
            .account_if(wizard.user_id)
            .detail(method.as_str());
        self.record(meta, event.clone()).await;
        if code_expires_at.is_some() {
            let mut sent = event;
            sent.kind = AuditKind::CodeSent;
            self.record(meta, sent).await;
        }
        // The row as just written, without reading it back.
        let wizard = Wizard {
            method: Some(method),
            question_ids,
            code_expires_at,
            attempts: 0,
            sends: wizard.sends + i64::from(code_expires_at.is_some()),
            ..wizard
        };
        self.view(&wizard, &subject, &policy, rid).await
    }

    /// In one transaction: the code sent or the questions picked, and the choice on the
    /// row. `None` when a parallel request moved the wizard first.
    async fn store_choice(
        &self,
        choice: &Choice<'_>,
    ) -> Result<Option<(QuestionIds, Option<i64>)>, AppError> {
        let (meta, rid) = (choice.meta, choice.meta.request_id.as_str());
        let mut question_ids = QuestionIds::default();
        let mut code_expires_at = None;
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .or_internal(rid)?;
        match choice.method {
            MethodKind::Email | MethodKind::Phone => {
                if let Some((detail, refusal)) = self.send_refusal(&mut tx, choice).await? {
                    // The audit row needs the write lock this transaction holds.
                    drop(tx);
                    let event = self.event(meta, AuditKind::Throttled, Outcome::Denied);
                    self.record(meta, event.detail(detail)).await;
                    return Err(refusal);
                }
                code_expires_at = Some(match choice.subject {
                    Subject::Real(real) => self.send_code(&mut tx, choice, real).await?,
                    Subject::Decoy => choice.now + self.codes.ttl_secs,
                });
            }
            MethodKind::Questions => question_ids = self.pick_questions(&mut tx, choice).await?,
            MethodKind::Authenticator | MethodKind::RecoveryCodes => {}
        }
        let moved = store::choose(
            &mut tx,
            choice.wizard,
            choice.method,
            &question_ids,
            code_expires_at,
        )
        .await
        .or_internal(rid)?;
        if !moved {
            return Ok(None);
        }
        tx.commit().await.or_internal(rid)?;
        Ok(Some((question_ids, code_expires_at)))
    }

    /// Why no code may be sent now, if so: the client's sends throttled, or the codes sent
    /// under this name over the hourly limits. Codes are counted per wizard, and per name
    /// from this client and from anywhere, for decoys and real accounts alike.
    async fn send_refusal(
        &self,
        conn: &mut SqliteConnection,
        choice: &Choice<'_>,
    ) -> Result<Option<(&'static str, AppError)>, AppError> {
        if let Err(retry_after_secs) = self.throttle.hit(choice.meta.ip) {
            return Ok(Some(("send", AppError::Throttled { retry_after_secs })));
        }
        let wizard = choice.wizard;
        let limits = self.limits(choice.policy);
        let since = choice.now - HOUR;
        let sends = store::sends_since(conn, &wizard.name_key, &wizard.client_key, since)
            .await
            .or_internal(&choice.meta.request_id)?;
        if wizard.sends >= limits.sends_per_wizard || sends.sends_exceed(&limits) {
            let refusal = AppError::TooManyCodes {
                retry_after_secs: HOUR as u64,
            };
            return Ok(Some(("codes per hour", refusal)));
        }
        Ok(None)
    }

    /// The questions to ask. A real account is asked among its own
    /// answers, a decoy among the bank's.
    async fn pick_questions(
        &self,
        conn: &mut SqliteConnection,
        choice: &Choice<'_>,
    ) -> Result<QuestionIds, AppError> {
        let (wizard, rid) = (choice.wizard, choice.meta.request_id.as_str());
        let (key, answered) = match (choice.subject, wizard.user_id) {
            (Subject::Real(_), Some(user_id)) => (
                key_bytes(&wizard.id_hash),
                answers::answered(conn, user_id).await.or_internal(rid)?,
            ),
            _ => (
                key_bytes(&wizard.name_key),
                answers::active_questions(conn).await.or_internal(rid)?,
            ),
        };
        // Picked by the wizard's id: going back and choosing again asks the same.
        let picked = decoy::questions(&key, &answered, choice.policy.questions_to_reset);
        Ok(QuestionIds::from(picked))
    }

    /// Sends a reset code for a gate, in the caller's transaction; returns when it
    /// expires.
    async fn send_code(
        &self,
        conn: &mut SqliteConnection,
        choice: &Choice<'_>,
        real: &Account,
    ) -> Result<i64, AppError> {
        let (kind, language, rid) = (choice.method, choice.language, &choice.meta.request_id);
        let (user, facts) = (&real.user, &real.facts);
        let Some(destination) = facts.value(kind) else {
            return Err(AppError::MethodUnavailable);
        };
        // A code belongs to its wizard alone: a new one replaces only this wizard's, so a
        // second wizard neither cancels another's code nor shows that it could.
        let purpose = code_purpose(kind, &choice.wizard.id_hash);
        let caps = (self.codes, SendCap::CountedByCaller);
        let issued = codes::issue(conn, user.id, &purpose, destination, caps, choice.now)
            .await
            .map_err(|error| match error {
                CodeError::Refused(CodeProblem::TooMany { retry_after_secs }) => {
                    AppError::TooManyCodes { retry_after_secs }
                }
                CodeError::Refused(_) => AppError::MethodUnavailable,
                CodeError::Store(error) => internal(rid, error),
            })?;
        let minutes = self.codes.ttl_secs / 60;
        let (channel, subject, text, html) = match kind {
            MethodKind::Email => {
                let mail = messages::code_email(language, &issued.code, minutes);
                (Channel::Email, mail.subject, mail.text, Some(mail.html))
            }
            _ => (
                Channel::Sms,
                "sspr code".to_owned(),
                messages::code_sms(language, &issued.code, minutes),
                None,
            ),
        };
        let message = Message {
            channel,
            user_id: Some(user.id),
            recipient: destination.to_owned(),
            subject,
            text,
            html,
            language: language.tag().into(),
            expires_at: Some(issued.expires_at),
        };
        self.delivery
            .enqueue(conn, &message)
            .await
            .or_internal(rid)?;
        Ok(issued.expires_at)
    }

    pub(super) async fn back_step(&self, meta: &RequestMeta) -> Result<WizardView, AppError> {
        let wizard = self.wizard(meta).await?;
        store::back(&self.pool, &wizard)
            .await
            .or_internal(&meta.request_id)?;
        self.reread(meta).await
    }
}
