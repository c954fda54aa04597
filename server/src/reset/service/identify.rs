//! The first step: the name typed, the CAPTCHA, the lookup, decoy or not, the wizard row
//! and its cookie.

use super::wizard::{Account, Subject};
use super::{SqlReset, DAY};
use crate::accounts::canonical_text;
use crate::accounts::store::UserRecord;
use crate::audit::{AuditKind, Outcome};
use crate::delivery::Channel;
use crate::error::OrInternal;
use crate::reset::account::{self, DecoyReason, Facts};
use crate::reset::decoy;
use crate::reset::limits;
use crate::reset::messages;
use crate::reset::store::{self, NewWizard};
use crate::security_info::messages::Language;
use app::api::context::{RequestMeta, SetCookie};
use app::api::WizardView;
use app::domain::reset_policy::ResetPolicy;
use app::domain::{AppError, FieldProblem, MethodKind};

/// Longest username or email address the first step reads.
const MAX_USER_CHARS: usize = 254;

/// The name as typed, trimmed, or why it cannot be read.
fn typed_name(user: &str) -> Result<&str, AppError> {
    let typed = user.trim();
    if typed.is_empty() {
        return Err(AppError::invalid("user", FieldProblem::Required));
    }
    if typed.len() > MAX_USER_CHARS * 4 || typed.chars().count() > MAX_USER_CHARS {
        return Err(AppError::invalid("user", FieldProblem::TooLong));
    }
    Ok(typed)
}

impl SqlReset {
    /// The first step: CAPTCHA, lookup, decoy or not, the wizard row and its cookie.
    pub(super) async fn identify(
        &self,
        meta: &RequestMeta,
        user: String,
        challenge: String,
        nonce: u64,
        language: String,
    ) -> Result<(WizardView, SetCookie), AppError> {
        let rid = meta.request_id.as_str();
        let typed = typed_name(&user)?;
        let policy = self.check_client(meta, &challenge, nonce).await?;
        let now = self.clock.now();
        let canonical = canonical_text(typed);
        let contacts = policy.directory_contacts;
        let (account, facts) = account::find(&self.pool, &canonical, typed, contacts)
            .await
            .or_internal(rid)?;
        // Counted as typed, account or not, so no count links a username to its address.
        let name_key = limits::name_key(&self.secret, &canonical);
        let client_key = limits::client_key(&self.secret, meta.ip);
        let decision = account::evaluate(&policy, account.as_ref(), &facts, self.deliverable());
        let (token, id_hash) = crate::sessions::new_token();
        let expires_at = now + i64::from(policy.wizard_minutes) * 60;
        let (user_id, required, initial) = match (&decision, &account) {
            (Ok(gates), Some(user)) => (Some(user.id), gates.required, String::new()),
            _ => (None, policy.methods_required, decoy::seed(&canonical)),
        };
        let new = NewWizard {
            id_hash: &id_hash,
            user_id,
            name_key: &name_key,
            client_key: &client_key,
            decoy_initial: &initial,
            gates_required: required,
            language: Language::parse(&language).tag(),
            now,
            expires_at,
        };
        let account_id = account.as_ref().map(|u| u.id);
        self.admit_wizard(meta, &new, &policy, account_id).await?;
        // An account in scope with too few methods hears why, with its first wizard of
        // the day.
        if let (Err(DecoyReason::TooFewMethods), Some(user)) = (&decision, &account) {
            self.explain_first_today(&name_key, user, &facts, &policy, rid, now)
                .await?;
        }
        let detail = decision
            .as_ref()
            .map_or_else(|reason| reason.as_str(), |_| "eligible");
        let event = self.event(meta, AuditKind::ResetStarted, Outcome::Success);
        self.record(meta, event.account_if(account_id).detail(detail))
            .await;
        let wizard = new.as_wizard();
        let subject = match (user_id, account) {
            (Some(_), Some(user)) => Subject::Real(Box::new(Account { user, facts })),
            _ => Subject::Decoy,
        };
        let view = self.view(&wizard, &subject, &policy, rid).await?;
        Ok((view, self.cookie(&token, expires_at - now)))
    }

    /// The client's start throttle and its CAPTCHA; the policy they were checked under.
    async fn check_client(
        &self,
        meta: &RequestMeta,
        challenge: &str,
        nonce: u64,
    ) -> Result<ResetPolicy, AppError> {
        if let Err(retry_after_secs) = self.throttle.hit(meta.ip) {
            self.record(
                meta,
                self.event(meta, AuditKind::Throttled, Outcome::Denied)
                    .detail("start"),
            )
            .await;
            return Err(AppError::Throttled { retry_after_secs });
        }
        let policy = self.policy(&meta.request_id).await?;
        if let Err(problem) = self
            .captcha
            .verify(challenge, nonce, policy.captcha_difficulty)
        {
            let event = self
                .event(meta, AuditKind::CaptchaFailed, Outcome::Failure)
                .detail(problem.as_str());
            self.record(meta, event).await;
            return Err(AppError::CaptchaFailed);
        }
        Ok(policy)
    }

    /// Admits the wizard row, or answers that the name is blocked for this client.
    async fn admit_wizard(
        &self,
        meta: &RequestMeta,
        new: &NewWizard<'_>,
        policy: &ResetPolicy,
        account_id: Option<i64>,
    ) -> Result<(), AppError> {
        let rid = meta.request_id.as_str();
        let limits = self.limits(policy);
        // One row of a group-committed statement, which inserts only under the limits.
        let admitted = self
            .admissions
            .admit(new, &limits, new.now - DAY)
            .await
            .or_internal(rid)?;
        if admitted {
            return Ok(());
        }
        let retry = self
            .blocked_for(new.name_key, new.client_key, &limits, new.now)
            .await
            .or_internal(rid)?;
        Err(self.blocked(meta, account_id, retry).await)
    }

    /// Explains why no code can come, when this is the name's first wizard today.
    async fn explain_first_today(
        &self,
        name_key: &str,
        user: &UserRecord,
        facts: &Facts,
        policy: &ResetPolicy,
        rid: &str,
        now: i64,
    ) -> Result<(), AppError> {
        let mut conn = self.pool.acquire().await.or_internal(rid)?;
        let today = store::started_since(&mut conn, name_key, now - DAY)
            .await
            .or_internal(rid)?;
        if today == 1
            && self
                .explain_no_methods(&mut conn, user, facts, policy)
                .await
                .or_internal(rid)?
        {
            self.delivery.wake();
        }
        Ok(())
    }

    /// Tells an account in scope that lacks methods why no code came, through a channel it
    /// has, once a day.
    async fn explain_no_methods(
        &self,
        conn: &mut sqlx::SqliteConnection,
        user: &UserRecord,
        facts: &Facts,
        policy: &ResetPolicy,
    ) -> Result<bool, sqlx::Error> {
        let language = Language::parse(&user.language);
        let (channel, recipient) = if let Some(email) = facts.value(MethodKind::Email) {
            (Channel::Email, email.to_owned())
        } else if let Some(email) = user.email.as_deref().filter(|e| !e.is_empty()) {
            (Channel::Email, email.to_owned())
        } else if let Some(phone) = facts.value(MethodKind::Phone) {
            (Channel::Sms, phone.to_owned())
        } else {
            return Ok(false);
        };
        if !self.delivery.accepts(channel) {
            return Ok(false);
        }
        let message = messages::cannot_reset_email(language, &policy.contact_admin)
            .message(channel, user.id, recipient, language);
        self.delivery
            .enqueue(conn, &message)
            .await
            .map_err(super::storage)?;
        Ok(true)
    }
}
