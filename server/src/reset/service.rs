//! The reset wizard's steps. Each reads the wizard from its cookie, checks on the server
//! that the step is allowed now, and answers with the step to show.
//!
//! Unknown names, disabled accounts, accounts outside the policy's scope and accounts with
//! too few methods get a decoy wizard: the same queries, the same answers and hints, and
//! codes that are "sent" but never verify. Only the outcome of a gate can differ, the way
//! a wrong code differs from a right one.

use super::account::{self, DecoyReason, Deliverable, Facts, NO_ACCOUNT};
use super::decoy::{self, Profile, Profiles};
use super::limits::{self, Limits};
use super::messages;
use super::store::{self, NewWizard, Wizard};
use crate::accounts::store::{self as accounts_store, UserRecord};
use crate::accounts::{canonical_text, SqlAccounts};
use crate::audit::{Audit, AuditEvent, AuditKind, Outcome};
use crate::captcha::Captcha;
use crate::clock::SharedClock;
use crate::delivery::{Channel, Delivery, Message};
use crate::error::OrInternal;
use crate::password_policy::PasswordPolicies;
use crate::passwords::PasswordHasher;
use crate::policy::{RegistrationRules, ResetRules};
use crate::secret::ServerSecret;
use crate::security_info::messages::Language;
use crate::throttle::Throttle;
use crate::verification::{codes, recovery, totp, CodeProblem, CodeRules, SendCap};
use app::api::context::{RequestMeta, ResetService, SetCookie};
use app::api::{GateAnswer, MethodHint, PowChallenge, Question, WizardStep, WizardView};
use app::domain::password_policy::PasswordVerdict;
use app::domain::reset_policy::ResetPolicy;
use app::domain::security_info::{parse_code, CODE_DIGITS, MAX_ANSWER_CHARS, TOTP_DIGITS};
use app::domain::{AppError, FieldProblem, MethodKind, Role};
use sqlx::SqlitePool;
use std::sync::Arc;

mod gates;

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;
/// Longest username or email address the first step reads.
const MAX_USER_CHARS: usize = 254;
const MAX_RECOVERY_CODE_CHARS: usize = 64;

pub struct SqlReset {
    pub pool: SqlitePool,
    pub clock: SharedClock,
    pub secret: ServerSecret,
    pub secure_cookies: bool,
    pub rules: ResetRules,
    pub registration: RegistrationRules,
    pub codes: CodeRules,
    pub hasher: Arc<PasswordHasher>,
    pub accounts: Arc<SqlAccounts>,
    pub delivery: Arc<Delivery>,
    pub captcha: Arc<Captcha>,
    pub audit: Arc<Audit>,
    pub password_policy: Arc<PasswordPolicies>,
    /// Wizard starts and code sends per client address.
    pub throttle: Throttle,
    pub profiles: Profiles,
    pub cached_policy: std::sync::RwLock<Option<ResetPolicy>>,
    pub starts: super::starts::Starts,
    /// Every step answers no sooner than this after it began, so the little extra work a
    /// real account costs (a code sent, a code redeemed) cannot be told apart by timing.
    pub answer_floor: std::time::Duration,
}

/// The bytes behind a stored hex key (wizard ids and name keys are SHA-256 and HMAC
/// outputs, so 32 bytes).
fn key_bytes(key: &str) -> [u8; 32] {
    hex::FromHex::from_hex(key).unwrap_or([0; 32])
}

/// Codes for a reset are bound to the account (their row), the method and the wizard.
fn code_purpose(kind: MethodKind, wizard_hash: &str) -> String {
    format!(
        "reset:{}:{}",
        kind.as_str(),
        &wizard_hash[..16.min(wizard_hash.len())]
    )
}

/// A real account behind a wizard.
struct Account {
    user: UserRecord,
    facts: Facts,
}

/// A wizard's facts: a real account's, or the decoy derived from the name.
enum Subject {
    Real(Box<Account>),
    Decoy,
}

/// How a wizard ended, for the answer.
struct Ending {
    unlocked: bool,
    expires_at: i64,
    contact_admin: String,
}

impl SqlReset {
    /// Runs a step and answers no sooner than the floor after it began.
    async fn floored<T>(&self, step: impl std::future::Future<Output = T>) -> T {
        let began = tokio::time::Instant::now();
        let answer = step.await;
        tokio::time::sleep_until(began + self.answer_floor).await;
        answer
    }

    /// The wizard cookie: `__Host-` on https so it is bound to this origin.
    pub fn cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-sspr_reset"
        } else {
            "sspr_reset"
        }
    }

    fn cookie(&self, value: &str, max_age: i64) -> SetCookie {
        let mut cookie = format!(
            "{}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}",
            self.cookie_name()
        );
        if self.secure_cookies {
            cookie.push_str("; Secure");
        }
        SetCookie(cookie)
    }

    fn clear_cookie(&self) -> SetCookie {
        self.cookie("", 0)
    }

    /// The limits on wrong answers and codes under the current policy.
    fn limits(&self, policy: &ResetPolicy) -> Limits {
        Limits::new(policy, self.codes)
    }

    /// Which methods can be delivered now (SMS needs a provider in send mode).
    pub fn deliverable(&self) -> Deliverable {
        Deliverable {
            sms: self.delivery.accepts(Channel::Sms),
        }
    }

    /// How long until this name may be tried again from this client, when the wrong
    /// answers given under it in the last 24 hours reach a limit.
    async fn blocked_for(
        &self,
        name_key: &str,
        client_key: &str,
        limits: &Limits,
        now: i64,
    ) -> Result<Option<u64>, sqlx::Error> {
        let mut conn = self.pool.acquire().await?;
        let (counts, oldest) =
            store::failures_since(&mut conn, name_key, client_key, now - DAY).await?;
        Ok(counts
            .failures_exceed(limits)
            .then(|| u64::try_from((oldest.unwrap_or(now) + DAY - now).max(1)).unwrap_or(1)))
    }

    async fn record(&self, meta: &RequestMeta, event: AuditEvent) {
        if let Err(error) = self.audit.record(event).await {
            tracing::error!(request_id = %meta.request_id, %error, "audit event not recorded");
        }
    }

    /// Records and answers a name blocked for this client by its wrong answers.
    async fn blocked(
        &self,
        meta: &RequestMeta,
        user_id: Option<i64>,
        retry: Option<u64>,
    ) -> AppError {
        let event = self
            .event(meta, AuditKind::Blocked, Outcome::Denied)
            .account_if(user_id)
            .detail("too many wrong answers in 24 hours");
        self.record(meta, event).await;
        AppError::ResetBlocked {
            retry_after_secs: retry.unwrap_or(1),
        }
    }

    fn event(&self, meta: &RequestMeta, kind: AuditKind, outcome: Outcome) -> AuditEvent {
        AuditEvent::new(kind, outcome, meta.ip, &meta.user_agent)
    }

    /// The policy, read once and kept until an admin saves a new one (every first step
    /// needs it; this process is the only writer).
    async fn policy(&self, rid: &str) -> Result<ResetPolicy, AppError> {
        if let Ok(cached) = self.cached_policy.read() {
            if let Some(policy) = cached.as_ref() {
                return Ok(policy.clone());
            }
        }
        let policy = self.rules.current(&self.pool).await.or_internal(rid)?;
        if let Ok(mut cached) = self.cached_policy.write() {
            *cached = Some(policy.clone());
        }
        Ok(policy)
    }

    /// Drops the cached policy, so the next wizard reads the one just saved.
    pub fn forget_policy(&self) {
        if let Ok(mut cached) = self.cached_policy.write() {
            *cached = None;
        }
    }

    /// The live wizard of this request's cookie.
    async fn wizard(&self, meta: &RequestMeta) -> Result<Wizard, AppError> {
        let rid = meta.request_id.as_str();
        let token = meta.reset_token.as_deref().ok_or(AppError::WizardExpired)?;
        let hash = crate::sessions::hash_token(token);
        let wizard = store::find(&self.pool, &hash)
            .await
            .or_internal(rid)?
            .ok_or(AppError::WizardExpired)?;
        if !wizard.live(self.clock.now()) {
            return Err(AppError::WizardExpired);
        }
        Ok(wizard)
    }

    async fn subject(&self, wizard: &Wizard, rid: &str) -> Result<Subject, AppError> {
        // Decoys run the same lookup, for an id no account has.
        let (user, facts) = account::load(&self.pool, wizard.user_id.unwrap_or(NO_ACCOUNT))
            .await
            .or_internal(rid)?;
        if wizard.user_id.is_none() {
            return Ok(Subject::Decoy);
        }
        let user = user
            .filter(|u| u.status != "disabled")
            .ok_or(AppError::WizardExpired)?;
        Ok(Subject::Real(Box::new(Account { user, facts })))
    }

    /// The methods this wizard offers, for real accounts read again now (a method removed
    /// or a policy changed mid-way applies at once; a used-up recovery code is gone).
    fn offered(
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

    /// What real accounts look like, read by every wizard whether real or decoy, so a
    /// refresh costs both the same.
    async fn profile(&self, rid: &str) -> Result<Profile, AppError> {
        self.profiles
            .get(&self.pool, self.clock.now())
            .await
            .or_internal(rid)
    }

    /// The step to show for a live wizard.
    async fn view(
        &self,
        wizard: &Wizard,
        subject: &Subject,
        policy: &ResetPolicy,
        rid: &str,
    ) -> Result<WizardView, AppError> {
        let profile = self.profile(rid).await?;
        let passed = wizard.passed();
        // The gate's number only: the count of gates would tell admins from the rest.
        let number = u8::try_from(passed.len() + 1).unwrap_or(u8::MAX);
        let step = if wizard.all_gates_passed() {
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
            WizardStep::NewPassword {
                rules,
                can_unlock: policy.unlock_allowed && real.user.status == "locked",
            }
        } else if let Some(method) = wizard.method() {
            WizardStep::Prove {
                number,
                method: self.hint(wizard, subject, method, &profile),
                questions: self.questions(&wizard.questions(), rid).await?,
                code_expires_at: wizard.code_expires_at,
            }
        } else {
            let methods = self
                .offered(wizard, subject, policy, &profile)
                .into_iter()
                .filter(|m| !passed.contains(m))
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

    async fn questions(&self, ids: &[i64], rid: &str) -> Result<Vec<Question>, AppError> {
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let row: Option<(String, String)> =
                sqlx::query_as("SELECT text_en, text_el FROM security_questions WHERE id = ?")
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .or_internal(rid)?;
            if let Some((text_en, text_el)) = row {
                out.push(Question {
                    id: *id,
                    text_en,
                    text_el,
                });
            }
        }
        Ok(out)
    }

    async fn current(
        &self,
        meta: &RequestMeta,
    ) -> Result<(Wizard, Subject, ResetPolicy), AppError> {
        let rid = meta.request_id.as_str();
        let wizard = self.wizard(meta).await?;
        let subject = self.subject(&wizard, rid).await?;
        let policy = self.policy(rid).await?;
        Ok((wizard, subject, policy))
    }

    async fn reread(&self, meta: &RequestMeta) -> Result<WizardView, AppError> {
        let (wizard, subject, policy) = self.current(meta).await?;
        self.view(&wizard, &subject, &policy, &meta.request_id)
            .await
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
            .map_err(storage)?;
        Ok(true)
    }

    /// Sends a reset code for a gate, in the caller's transaction.
    async fn send_code(
        &self,
        conn: &mut sqlx::SqliteConnection,
        wizard: &Wizard,
        real: &Account,
        kind: MethodKind,
        language: Language,
        now: i64,
    ) -> Result<Result<i64, AppError>, sqlx::Error> {
        let (user, facts) = (&real.user, &real.facts);
        let Some(destination) = facts.value(kind) else {
            return Ok(Err(AppError::MethodUnavailable));
        };
        // A code belongs to its wizard alone: a new one replaces only this wizard's, so a
        // second wizard neither cancels another's code nor shows that it could.
        let purpose = code_purpose(kind, &wizard.id_hash);
        let caps = (self.codes, SendCap::CountedByCaller);
        let issued = match codes::issue(conn, user.id, &purpose, destination, caps, now).await? {
            Ok(issued) => issued,
            Err(CodeProblem::TooMany { retry_after_secs }) => {
                return Ok(Err(AppError::TooManyCodes { retry_after_secs }))
            }
            Err(_) => return Ok(Err(AppError::MethodUnavailable)),
        };
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
            .map_err(storage)?;
        Ok(Ok(issued.expires_at))
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
                let code = parse_code(&answer.code, CODE_DIGITS).ok_or_else(|| {
                    AppError::invalid(
                        "code",
                        FieldProblem::CodeFormat {
                            digits: CODE_DIGITS as u8,
                        },
                    )
                })?;
                let Subject::Real(real) = subject else {
                    if wizard.code_expires_at.is_none_or(|at| at <= now) {
                        return Err(AppError::CodeExpired);
                    }
                    return Ok(false);
                };
                let mut conn = self.pool.acquire().await.or_internal(rid)?;
                let purpose = code_purpose(method, &wizard.id_hash);
                match codes::redeem(&mut conn, real.user.id, &purpose, &code, self.codes, now)
                    .await
                    .or_internal(rid)?
                {
                    Ok(_) => Ok(true),
                    Err(CodeProblem::Expired) => Err(AppError::CodeExpired),
                    Err(_) => Ok(false),
                }
            }
            MethodKind::Authenticator => {
                let code = parse_code(&answer.code, TOTP_DIGITS).ok_or_else(|| {
                    AppError::invalid(
                        "code",
                        FieldProblem::CodeFormat {
                            digits: TOTP_DIGITS as u8,
                        },
                    )
                })?;
                let Subject::Real(real) = subject else {
                    return Ok(false);
                };
                let row: Option<(String, Option<i64>)> = sqlx::query_as(
                    "SELECT value, last_used_step FROM auth_methods WHERE user_id = ? AND kind = 'authenticator'",
                )
                .bind(real.user.id)
                .fetch_optional(&self.pool)
                .await
                .or_internal(rid)?;
                let Some((secret, last)) = row else {
                    return Ok(false);
                };
                let Some(secret) = totp::TotpSecret::from_base32(&secret) else {
                    return Ok(false);
                };
                let last = last.and_then(|s| u64::try_from(s).ok());
                let Ok(step) = totp::verify(&secret, &code, now, last) else {
                    return Ok(false);
                };
                let step = i64::try_from(step).unwrap_or(i64::MAX);
                // Claims the step only if no parallel request claimed it or a later one.
                let claimed = sqlx::query(
                    "UPDATE auth_methods SET last_used_step = ?
                     WHERE user_id = ? AND kind = 'authenticator' AND (last_used_step IS NULL OR last_used_step < ?)",
                )
                .bind(step)
                .bind(real.user.id)
                .bind(step)
                .execute(&self.pool)
                .await
                .or_internal(rid)?;
                Ok(claimed.rows_affected() == 1)
            }
            MethodKind::RecoveryCodes => {
                let code = answer.code.trim();
                if code.is_empty() {
                    return Err(AppError::invalid("code", FieldProblem::Required));
                }
                if code.chars().count() > MAX_RECOVERY_CODE_CHARS {
                    return Err(AppError::invalid("code", FieldProblem::TooLong));
                }
                let Subject::Real(real) = subject else {
                    return Ok(false);
                };
                let used = sqlx::query(
                    "UPDATE recovery_codes SET used_at = ? WHERE user_id = ? AND code_hash = ? AND used_at IS NULL",
                )
                .bind(now)
                .bind(real.user.id)
                .bind(recovery::hash(code))
                .execute(&self.pool)
                .await
                .or_internal(rid)?;
                Ok(used.rows_affected() == 1)
            }
            MethodKind::Questions => {
                let asked = wizard.questions();
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
                let user_id = match subject {
                    Subject::Real(real) => real.user.id,
                    Subject::Decoy => NO_ACCOUNT,
                };
                // Every answer is checked with argon2, right or wrong, decoy or not.
                let mut all = true;
                for id in &asked {
                    let given = answer
                        .answers
                        .iter()
                        .find(|a| a.question_id == *id)
                        .map(|a| crate::verification::answers::normalise(&a.answer))
                        .unwrap_or_default();
                    let stored: Option<String> = sqlx::query_scalar(
                        "SELECT answer_hash FROM security_answers WHERE user_id = ? AND question_id = ?",
                    )
                    .bind(user_id)
                    .bind(id)
                    .fetch_optional(&self.pool)
                    .await
                    .or_internal(rid)?;
                    match stored {
                        Some(stored) => {
                            let verified =
                                self.hasher.verify(&given, &stored).await.or_internal(rid)?;
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
    }

    /// The account behind a wizard whose gates are all passed, or `WizardExpired`.
    async fn proven(
        &self,
        meta: &RequestMeta,
    ) -> Result<(Wizard, Box<Account>, ResetPolicy), AppError> {
        let (wizard, subject, policy) = self.current(meta).await?;
        match subject {
            Subject::Real(real) if wizard.all_gates_passed() => Ok((wizard, real, policy)),
            _ => Err(AppError::WizardExpired),
        }
    }

    /// Tells the user (and, for admins when policy says so, every global admin) what
    /// happened, in the transaction that did it.
    async fn notify(
        &self,
        conn: &mut sqlx::SqliteConnection,
        real: &Account,
        policy: &ResetPolicy,
        unlocked: bool,
    ) -> Result<u32, sqlx::Error> {
        let (user, facts) = (&real.user, &real.facts);
        let mut queued = 0;
        let language = Language::parse(&user.language);
        let address = facts
            .value(MethodKind::Email)
            .map(str::to_owned)
            .or_else(|| user.email.clone().filter(|e| !e.is_empty()));
        if policy.notify_user && self.delivery.accepts(Channel::Email) {
            if let Some(address) = address {
                let message = messages::changed_email(language, unlocked, &policy.contact_admin)
                    .message(Channel::Email, user.id, address, language);
                self.delivery
                    .enqueue(conn, &message)
                    .await
                    .map_err(storage)?;
                queued += 1;
            }
        }
        if policy.notify_admins && facts.is_admin && !unlocked {
            let admins: Vec<(i64, Option<String>, String, Option<String>)> = sqlx::query_as(
                "SELECT u.id, u.email, u.language,
                        (SELECT value FROM auth_methods a WHERE a.user_id = u.id AND a.kind = 'email')
                 FROM users u JOIN role_assignments r ON r.user_id = u.id
                 WHERE r.role = ? AND u.id <> ? AND u.status <> 'disabled'",
            )
            .bind(Role::GlobalAdmin.as_str())
            .bind(user.id)
            .fetch_all(&self.pool)
            .await?;
            for (id, profile_email, language, registered) in admins {
                let Some(recipient) = registered.or(profile_email).filter(|e| !e.is_empty()) else {
                    continue;
                };
                let language = Language::parse(&language);
                let message = messages::admin_reset_email(language, &user.username).message(
                    Channel::Email,
                    id,
                    recipient,
                    language,
                );
                self.delivery
                    .enqueue(conn, &message)
                    .await
                    .map_err(storage)?;
                queued += 1;
            }
        }
        Ok(queued)
    }

    fn done(&self, ending: Ending) -> (WizardView, SetCookie) {
        let Ending {
            unlocked,
            expires_at,
            contact_admin,
        } = ending;
        self.delivery.wake();
        (
            WizardView {
                step: WizardStep::Done { unlocked },
                expires_at,
                contact_admin,
            },
            self.clear_cookie(),
        )
    }
}

impl SqlReset {
    /// The first step: CAPTCHA, lookup, decoy or not, the wizard row and its cookie.
    async fn start(
        &self,
        meta: &RequestMeta,
        user: String,
        challenge: String,
        nonce: u64,
        language: String,
    ) -> Result<(WizardView, SetCookie), AppError> {
        let rid = meta.request_id.as_str();
        let typed = user.trim();
        if typed.is_empty() {
            return Err(AppError::invalid("user", FieldProblem::Required));
        }
        if typed.len() > MAX_USER_CHARS * 4 || typed.chars().count() > MAX_USER_CHARS {
            return Err(AppError::invalid("user", FieldProblem::TooLong));
        }
        if let Err(retry_after_secs) = self.throttle.hit(meta.ip) {
            self.record(
                meta,
                self.event(meta, AuditKind::Throttled, Outcome::Denied)
                    .detail("start"),
            )
            .await;
            return Err(AppError::Throttled { retry_after_secs });
        }
        let policy = self.policy(rid).await?;
        if let Err(problem) = self
            .captcha
            .verify(&challenge, nonce, policy.captcha_difficulty)
        {
            let event = self
                .event(meta, AuditKind::CaptchaFailed, Outcome::Failure)
                .detail(problem.as_str());
            self.record(meta, event).await;
            return Err(AppError::CaptchaFailed);
        }
        let now = self.clock.now();
        let canonical = canonical_text(typed);
        let (account, facts) = account::find(&self.pool, &canonical, typed)
            .await
            .or_internal(rid)?;
        // Counted as typed, account or not, so no count links a username to its address.
        let name_key = limits::name_key(&self.secret, &canonical);
        let client_key = limits::client_key(&self.secret, meta.ip);
        let decision = account::evaluate(&policy, account.as_ref(), &facts, self.deliverable());
        let (token, id_hash) = crate::sessions::new_token();
        let expires_at = now + i64::from(policy.wizard_minutes) * 60;
        let language = Language::parse(&language);

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
            language: language.tag(),
            now,
            expires_at,
        };
        let limits = self.limits(&policy);
        // One row of a group-committed statement, which inserts only under the limits.
        let started = self
            .starts
            .start(&new, &limits, now - DAY)
            .await
            .or_internal(rid)?;
        if !started {
            let retry = self
                .blocked_for(&name_key, &client_key, &limits, now)
                .await
                .or_internal(rid)?;
            return Err(self
                .blocked(meta, account.as_ref().map(|u| u.id), retry)
                .await);
        }
        // An account in scope with too few methods hears why, with its first wizard of
        // the day.
        if let (Err(DecoyReason::TooFewMethods), Some(user)) = (&decision, &account) {
            let mut conn = self.pool.acquire().await.or_internal(rid)?;
            let today = store::started_since(&mut conn, &name_key, now - DAY)
                .await
                .or_internal(rid)?;
            if today == 1
                && self
                    .explain_no_methods(&mut conn, user, &facts, &policy)
                    .await
                    .or_internal(rid)?
            {
                self.delivery.wake();
            }
        }

        let event = self
            .event(meta, AuditKind::ResetStarted, Outcome::Success)
            .account_if(account.as_ref().map(|u| u.id))
            .detail(match &decision {
                Ok(_) => "eligible",
                Err(reason) => reason.as_str(),
            });
        self.record(meta, event).await;

        let wizard = new.as_wizard();
        let subject = match (user_id, account) {
            (Some(_), Some(user)) => Subject::Real(Box::new(Account { user, facts })),
            _ => Subject::Decoy,
        };
        let view = self.view(&wizard, &subject, &policy, rid).await?;
        Ok((view, self.cookie(&token, expires_at - now)))
    }
}

impl SqlReset {
    /// Ends a proven wizard in one `BEGIN IMMEDIATE` transaction, all or nothing: with a
    /// new password (the password and its history, every session and outstanding code
    /// gone), or without one for an unlock; the lockout cleared and the notifications
    /// queued either way.
    async fn conclude(
        &self,
        meta: &RequestMeta,
        wizard: &Wizard,
        real: &Account,
        policy: ResetPolicy,
        new_password: Option<(&str, &str)>,
    ) -> Result<(WizardView, SetCookie), AppError> {
        let rid = meta.request_id.as_str();
        let user = &real.user;
        let now = self.clock.now();
        let unlocked = new_password.is_none();
        let mut tx = self
            .pool
            .begin_with("BEGIN IMMEDIATE")
            .await
            .or_internal(rid)?;
        let outcome = if unlocked { "unlocked" } else { "reset" };
        if !store::finish(&mut tx, &wizard.id_hash, outcome, now)
            .await
            .or_internal(rid)?
        {
            return Err(AppError::WizardExpired);
        }
        if let Some((password, phc)) = new_password {
            accounts_store::set_password(&mut tx, user.id, phc, self.hasher.params(), now)
                .await
                .or_internal(rid)?;
            self.password_policy
                .remember(&mut tx, user.id, password, now)
                .await
                .or_internal(rid)?;
            accounts_store::set_must_change(&mut tx, user.id, false, now)
                .await
                .or_internal(rid)?;
            sqlx::query("DELETE FROM sessions WHERE user_id = ?")
                .bind(user.id)
                .execute(&mut *tx)
                .await
                .or_internal(rid)?;
            sqlx::query(
                "UPDATE verification_codes SET consumed_at = ? WHERE user_id = ? AND consumed_at IS NULL",
            )
            .bind(now)
            .bind(user.id)
            .execute(&mut *tx)
            .await
            .or_internal(rid)?;
        }
        // Reset or unlocked, the account's other wizards prove nothing any more.
        crate::revocation::end_open_wizards(&mut tx, user.id, now)
            .await
            .or_internal(rid)?;
        clear_lockout(&mut tx, user.id, now)
            .await
            .or_internal(rid)?;
        let queued = self
            .notify(&mut tx, real, &policy, unlocked)
            .await
            .or_internal(rid)?;
        // In the transaction: a reset never commits without its audit rows.
        let kind = if unlocked {
            AuditKind::AccountUnlocked
        } else {
            AuditKind::PasswordReset
        };
        let mut events = vec![self.event(meta, kind, Outcome::Success).account(user.id)];
        if queued > 0 {
            events.push(
                self.event(meta, AuditKind::NotificationQueued, Outcome::Success)
                    .account(user.id)
                    .detail(format!("{queued} message(s)")),
            );
        }
        for event in events {
            self.audit
                .record_in(&mut tx, event)
                .await
                .or_internal(rid)?;
        }
        tx.commit().await.or_internal(rid)?;
        tracing::info!(
            request_id = rid,
            user_id = user.id,
            outcome,
            "reset wizard finished"
        );
        let ending = Ending {
            unlocked,
            expires_at: wizard.expires_at,
            contact_admin: policy.contact_admin,
        };
        Ok(self.done(ending))
    }
}

/// Queueing fails only on storage (SMS is offered only where it can be sent).
fn storage(error: crate::delivery::EnqueueError) -> sqlx::Error {
    match error {
        crate::delivery::EnqueueError::Database(e) => e,
        other => sqlx::Error::Protocol(other.to_string()),
    }
}

#[async_trait::async_trait]
impl ResetService for SqlReset {
    async fn challenge(&self, meta: &RequestMeta) -> Result<PowChallenge, AppError> {
        let policy = self.policy(&meta.request_id).await?;
        Ok(PowChallenge {
            contact_admin: policy.contact_admin,
            ..self.captcha.issue(policy.captcha_difficulty)
        })
    }

    async fn begin(
        &self,
        meta: &RequestMeta,
        user: String,
        challenge: String,
        nonce: u64,
        language: String,
    ) -> Result<(WizardView, SetCookie), AppError> {
        self.floored(self.start(meta, user, challenge, nonce, language))
            .await
    }

    async fn state(&self, meta: &RequestMeta) -> Result<WizardView, AppError> {
        self.floored(self.reread(meta)).await
    }

    async fn choose(
        &self,
        meta: &RequestMeta,
        method: MethodKind,
        language: String,
    ) -> Result<WizardView, AppError> {
        self.floored(self.choose_step(meta, method, language)).await
    }

    async fn back(&self, meta: &RequestMeta) -> Result<WizardView, AppError> {
        self.floored(self.back_step(meta)).await
    }

    async fn verify(&self, meta: &RequestMeta, answer: GateAnswer) -> Result<WizardView, AppError> {
        self.floored(self.verify_step(meta, answer)).await
    }

    async fn check_password(
        &self,
        meta: &RequestMeta,
        password: String,
    ) -> Result<PasswordVerdict, AppError> {
        let (_, real, _) = self.proven(meta).await?;
        self.password_policy
            .evaluate(&real.user, &password, &password)
            .await
            .or_internal(&meta.request_id)
    }

    async fn complete(
        &self,
        meta: &RequestMeta,
        password: String,
        confirmation: String,
    ) -> Result<(WizardView, SetCookie), AppError> {
        let rid = meta.request_id.as_str();
        let (wizard, real, policy) = self.proven(meta).await?;
        let verdict = self
            .password_policy
            .evaluate(&real.user, &password, &confirmation)
            .await
            .or_internal(rid)?;
        if let Some(problem) = verdict.problems.first() {
            return Err(AppError::invalid(
                "password",
                FieldProblem::Password(*problem),
            ));
        }
        // The one expensive step, outside the transaction.
        let phc = self.hasher.hash(&password).await.or_internal(rid)?;
        self.conclude(meta, &wizard, &real, policy, Some((&password, &phc)))
            .await
    }

    async fn unlock(&self, meta: &RequestMeta) -> Result<(WizardView, SetCookie), AppError> {
        let (wizard, real, policy) = self.proven(meta).await?;
        if !policy.unlock_allowed || real.user.status != "locked" {
            return Err(AppError::MethodUnavailable);
        }
        self.conclude(meta, &wizard, &real, policy, None).await
    }

    async fn cancel(&self, meta: &RequestMeta) -> Result<SetCookie, AppError> {
        if let Ok(wizard) = self.wizard(meta).await {
            let mut conn = self.pool.acquire().await.or_internal(&meta.request_id)?;
            store::finish(&mut conn, &wizard.id_hash, "cancelled", self.clock.now())
                .await
                .or_internal(&meta.request_id)?;
        }
        Ok(self.clear_cookie())
    }

    async fn policy(&self, meta: &RequestMeta) -> Result<ResetPolicy, AppError> {
        self.accounts.require(meta, &[Role::GlobalAdmin]).await?;
        self.policy(&meta.request_id).await
    }

    async fn update_policy(
        &self,
        meta: &RequestMeta,
        policy: ResetPolicy,
    ) -> Result<ResetPolicy, AppError> {
        let rid = meta.request_id.as_str();
        let caller = self.accounts.require(meta, &[Role::GlobalAdmin]).await?;
        let registration = self
            .registration
            .current(&self.pool)
            .await
            .or_internal(rid)?;
        policy
            .check(registration.question_count)
            .map_err(|_| AppError::invalid("policy", FieldProblem::OutOfRange))?;
        self.rules
            .save(&self.pool, &policy, self.clock.now())
            .await
            .or_internal(rid)?;
        self.forget_policy();
        let event = AuditEvent::by_admin(
            AuditKind::PolicyChanged,
            Outcome::Success,
            caller.user.id,
            meta,
        )
        .detail("password reset policy saved");
        self.audit.record(event).await.or_internal(rid)?;
        self.policy(rid).await
    }
}

/// A reset or unlock ends any sign-in lock and forgives the failed sign-ins.
async fn clear_lockout(
    conn: &mut sqlx::SqliteConnection,
    user_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET status = CASE WHEN status = 'locked' THEN 'enabled' ELSE status END,
                lock_reason = NULL, locked_until = NULL, failed_sign_ins = 0, updated_at = ?
         WHERE id = ?",
    )
    .bind(now)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(())
}
