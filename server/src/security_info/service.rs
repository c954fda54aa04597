//! The security info workflows behind the server functions. Every change needs the
//! password typed recently in this session (sign-in counts), so a session left open on a
//! shared computer cannot be used to add an attacker's phone or authenticator.

use super::messages::{code_email, code_sms, Language};
use super::store;
use crate::accounts::{Caller, SqlAccounts};
use crate::clock::SharedClock;
use crate::delivery::{Channel, Delivery, Message};
use crate::error::{internal, OrInternal};
use crate::passwords::PasswordHasher;
use crate::policy::RegistrationRules;
use crate::sessions::Sessions;
use crate::verification::{answers, recovery, totp, CodeError, CodeProblem, CodeRules};
use app::api::context::RequestMeta;
use app::api::SecurityInfoService;
use app::api::{AuthenticatorSetup, CodeSent, Question, QuestionAnswer, SecurityInfo};
use app::domain::security_info::{parse_code, CODE_DIGITS, TOTP_DIGITS};
use app::domain::{AppError, Email, FieldProblem, MethodKind, PhoneNumber};
use sqlx::SqlitePool;
use std::collections::HashSet;
use std::sync::Arc;

/// An authenticator set-up must be confirmed within this time.
const ENROLMENT_SECS: i64 = 15 * 60;

pub struct SqlSecurityInfo {
    pub pool: SqlitePool,
    pub clock: SharedClock,
    pub hasher: Arc<PasswordHasher>,
    pub sessions: Arc<Sessions>,
    pub accounts: Arc<SqlAccounts>,
    pub delivery: Arc<Delivery>,
    pub codes: CodeRules,
    pub registration: RegistrationRules,
    /// How long after typing the password changes are allowed.
    pub reauth_secs: i64,
    /// Shown in authenticator apps next to the account name.
    pub issuer: String,
    /// Saving the registration policy is an admin action.
    pub audit: Arc<crate::audit::Audit>,
}

fn purpose(kind: MethodKind) -> &'static str {
    match kind {
        MethodKind::Email => "register_email",
        _ => "register_phone",
    }
}

/// Maps a code check to the user's message; the field is the form's code input.
#[track_caller]
fn code_error(request_id: &str, error: CodeError) -> AppError {
    let problem = match error {
        CodeError::Refused(problem) => problem,
        CodeError::Store(error) => return internal(request_id, error),
    };
    match problem {
        CodeProblem::TooMany { retry_after_secs } => AppError::TooManyCodes { retry_after_secs },
        CodeProblem::Incorrect { attempts_left } => AppError::CodeIncorrect {
            attempts_left: Some(attempts_left),
        },
        CodeProblem::Expired => AppError::CodeExpired,
        CodeProblem::AttemptsExceeded => AppError::CodeAttemptsExceeded,
    }
}

impl SqlSecurityInfo {
    /// The caller, if their password was typed recently enough to allow changes.
    async fn fresh_caller(&self, meta: &RequestMeta) -> Result<Caller, AppError> {
        let caller = self.accounts.caller(meta).await?;
        if self.clock.now() - caller.session.authenticated_at > self.reauth_secs {
            return Err(AppError::ReauthRequired);
        }
        Ok(caller)
    }

    async fn info(&self, caller: &Caller, rid: &str) -> Result<SecurityInfo, AppError> {
        let now = self.clock.now();
        let policy = self
            .registration
            .current(&self.pool)
            .await
            .or_internal(rid)?;
        let registered = store::registered(&self.pool, caller.user.id)
            .await
            .or_internal(rid)?;
        let status = super::registration::status(
            &policy,
            &registered,
            caller.session.registration_postponed,
            now,
        );
        Ok(SecurityInfo {
            due: status.due,
            methods: registered.methods,
            methods_required: policy.methods_required,
            question_count: policy.question_count,
            last_confirmed_at: registered.confirmed_at,
            postponed: status.postponed,
            postpones_left: status.postpones_left,
            reauth_until: caller.session.authenticated_at + self.reauth_secs,
            sms_available: self.delivery.accepts(Channel::Sms),
        })
    }

    /// Every registration ends alike: the reconfirmation clock restarts in the same
    /// transaction as the method, and the page gets the new overview.
    async fn registered(
        &self,
        mut tx: sqlx::Transaction<'_, sqlx::Sqlite>,
        meta: &RequestMeta,
        user_id: i64,
        method: &str,
    ) -> Result<SecurityInfo, AppError> {
        let rid = meta.request_id.as_str();
        store::touch_confirmed(&mut tx, user_id, self.clock.now())
            .await
            .or_internal(rid)?;
        tx.commit().await.or_internal(rid)?;
        tracing::info!(request_id = rid, user_id, method, "method registered");
        self.info_after_change(meta).await
    }

    /// Re-reads the caller so the answer shows the state just written.
    async fn info_after_change(&self, meta: &RequestMeta) -> Result<SecurityInfo, AppError> {
        let caller = self.accounts.caller(meta).await?;
        self.info(&caller, &meta.request_id).await
    }
}

#[async_trait::async_trait]
impl SecurityInfoService for SqlSecurityInfo {
    async fn overview(&self, meta: &RequestMeta) -> Result<SecurityInfo, AppError> {
        let caller = self.accounts.caller(meta).await?;
        self.info(&caller, &meta.request_id).await
    }

    async fn reauthenticate(&self, meta: &RequestMeta, password: String) -> Result<i64, AppError> {
        let rid = meta.request_id.as_str();
        let caller = self.accounts.caller(meta).await?;
        if password.is_empty() {
            return Err(AppError::invalid("password", FieldProblem::Required));
        }
        if let Err(retry_after_secs) = self.accounts.sign_in_throttle.hit(meta.ip) {
            return Err(AppError::Throttled { retry_after_secs });
        }
        // Wrong passwords here count towards the lockout, as at sign-in.
        match self
            .accounts
            .check_password(meta, &caller.user, &password)
            .await
        {
            Err(AppError::InvalidCredentials) => return Err(AppError::CurrentPasswordIncorrect),
            other => other.map(|_| ())?,
        }
        let now = self.clock.now();
        self.sessions
            .mark_authenticated(&caller.session.id_hash, now)
            .await
            .or_internal(rid)?;
        Ok(now + self.reauth_secs)
    }

    async fn send_code(
        &self,
        meta: &RequestMeta,
        kind: MethodKind,
        destination: String,
        language: String,
    ) -> Result<CodeSent, AppError> {
        let rid = meta.request_id.as_str();
        let caller = self.fresh_caller(meta).await?;
        let (channel, destination, masked) = match kind {
            MethodKind::Email => {
                let email = Email::parse(&destination)
                    .map_err(|p| AppError::invalid("address", FieldProblem::Email(p)))?;
                (Channel::Email, email.as_str().to_owned(), email.masked())
            }
            MethodKind::Phone => {
                let phone = PhoneNumber::parse(&destination)
                    .map_err(|p| AppError::invalid("number", FieldProblem::Phone(p)))?;
                if !self.delivery.accepts(Channel::Sms) {
                    return Err(AppError::MethodUnavailable);
                }
                (Channel::Sms, phone.as_str().to_owned(), phone.masked())
            }
            _ => return Err(AppError::BadRequest("not a contact method".into())),
        };
        let language = Language::parse(&language);
        let now = self.clock.now();
        let minutes = self.codes.ttl_secs / 60;
        // The code and the message that carries it are stored together or not at all.
        let mut tx = self.pool.begin().await.or_internal(rid)?;
        let issued = crate::verification::codes::issue(
            &mut tx,
            caller.user.id,
            purpose(kind),
            &destination,
            (self.codes, crate::verification::SendCap::Requester),
            now,
        )
        .await
        .map_err(|error| code_error(rid, error))?;
        store::set_language(&mut tx, caller.user.id, language.tag())
            .await
            .or_internal(rid)?;
        let (subject, text, html) = match channel {
            Channel::Email => {
                let email = code_email(language, &issued.code, minutes);
                (email.subject, email.text, Some(email.html))
            }
            Channel::Sms => {
                let text = code_sms(language, &issued.code, minutes);
                ("sspr code".to_owned(), text, None)
            }
        };
        let message = Message {
            channel,
            user_id: Some(caller.user.id),
            recipient: destination,
            subject,
            text,
            html,
            language: language.tag().into(),
            expires_at: Some(issued.expires_at),
        };
        self.delivery
            .enqueue(&mut tx, &message)
            .await
            .or_internal(rid)?;
        tx.commit().await.or_internal(rid)?;
        self.delivery.wake();
        tracing::info!(
            request_id = rid,
            user_id = caller.user.id,
            method = kind.as_str(),
            "verification code queued"
        );
        Ok(CodeSent {
            masked,
            expires_at: issued.expires_at,
        })
    }

    async fn confirm_code(
        &self,
        meta: &RequestMeta,
        kind: MethodKind,
        code: String,
    ) -> Result<SecurityInfo, AppError> {
        let rid = meta.request_id.as_str();
        let caller = self.fresh_caller(meta).await?;
        if !matches!(kind, MethodKind::Email | MethodKind::Phone) {
            return Err(AppError::BadRequest("not a contact method".into()));
        }
        let code = parse_code(&code, CODE_DIGITS).ok_or(AppError::invalid(
            "code",
            FieldProblem::CodeFormat {
                digits: CODE_DIGITS as u8,
            },
        ))?;
        let now = self.clock.now();
        let mut tx = self.pool.begin().await.or_internal(rid)?;
        let redeemed = match crate::verification::codes::redeem(
            &mut tx,
            caller.user.id,
            purpose(kind),
            &code,
            self.codes,
            now,
        )
        .await
        {
            // A store failure rolls the attempt back: only the rules' answer is committed.
            Err(CodeError::Store(error)) => return Err(internal(rid, error)),
            answer => answer,
        };
        if let Ok(destination) = &redeemed {
            store::save_contact(&mut tx, caller.user.id, kind, destination, None, now)
                .await
                .or_internal(rid)?;
            store::touch_confirmed(&mut tx, caller.user.id, now)
                .await
                .or_internal(rid)?;
        }
        // Committed either way: a wrong code must still count as an attempt.
        tx.commit().await.or_internal(rid)?;
        redeemed.map_err(|error| code_error(rid, error))?;
        tracing::info!(
            request_id = rid,
            user_id = caller.user.id,
            method = kind.as_str(),
            "method registered"
        );
        self.info_after_change(meta).await
    }

    async fn start_authenticator(
        &self,
        meta: &RequestMeta,
    ) -> Result<AuthenticatorSetup, AppError> {
        let rid = meta.request_id.as_str();
        let caller = self.fresh_caller(meta).await?;
        let secret = totp::TotpSecret::generate();
        store::start_enrolment(
            &self.pool,
            caller.user.id,
            &secret.to_base32(),
            self.clock.now(),
        )
        .await
        .or_internal(rid)?;
        let uri = totp::provisioning_uri(&secret, &self.issuer, &caller.user.username);
        let qr_svg = totp::qr_svg(&uri, "QR code for your authenticator app").or_internal(rid)?;
        Ok(AuthenticatorSetup {
            qr_svg,
            secret: secret.display(),
            uri,
        })
    }

    async fn confirm_authenticator(
        &self,
        meta: &RequestMeta,
        code: String,
    ) -> Result<SecurityInfo, AppError> {
        let rid = meta.request_id.as_str();
        let caller = self.fresh_caller(meta).await?;
        let format = AppError::invalid(
            "code",
            FieldProblem::CodeFormat {
                digits: TOTP_DIGITS as u8,
            },
        );
        let code = parse_code(&code, TOTP_DIGITS).ok_or(format.clone())?;
        let now = self.clock.now();
        let (stored, started) = store::enrolment(&self.pool, caller.user.id)
            .await
            .or_internal(rid)?
            .ok_or(AppError::SetupExpired)?;
        if now - started > ENROLMENT_SECS {
            return Err(AppError::SetupExpired);
        }
        let secret = totp::TotpSecret::from_base32(&stored).ok_or_else(|| {
            crate::error::internal(rid, "stored authenticator secret is unreadable")
        })?;
        let step = totp::verify(&secret, &code, now, None).map_err(|p| match p {
            totp::TotpProblem::Malformed => format,
            totp::TotpProblem::Incorrect => AppError::CodeIncorrect {
                attempts_left: None,
            },
            totp::TotpProblem::Replayed => AppError::CodeReused,
        })?;
        let step = i64::try_from(step).or_internal(rid)?;
        let mut tx = self.pool.begin().await.or_internal(rid)?;
        store::save_contact(
            &mut tx,
            caller.user.id,
            MethodKind::Authenticator,
            &secret.to_base32(),
            Some(step),
            now,
        )
        .await
        .or_internal(rid)?;
        store::end_enrolment(&mut tx, caller.user.id)
            .await
            .or_internal(rid)?;
        self.registered(tx, meta, caller.user.id, "authenticator")
            .await
    }

    async fn question_bank(&self, meta: &RequestMeta) -> Result<Vec<Question>, AppError> {
        self.accounts.caller(meta).await?;
        store::question_bank(&self.pool)
            .await
            .or_internal(&meta.request_id)
    }

    async fn save_questions(
        &self,
        meta: &RequestMeta,
        answers: Vec<QuestionAnswer>,
    ) -> Result<SecurityInfo, AppError> {
        let rid = meta.request_id.as_str();
        let caller = self.fresh_caller(meta).await?;
        let policy = self
            .registration
            .current(&self.pool)
            .await
            .or_internal(rid)?;
        let bank: HashSet<i64> = store::question_bank(&self.pool)
            .await
            .or_internal(rid)?
            .into_iter()
            .map(|q| q.id)
            .collect();
        let checked = answers::check(&answers, policy.question_count, &bank)?;
        let mut hashes = Vec::with_capacity(checked.len());
        for (question_id, answer) in checked {
            let hash = self.hasher.hash(&answer).await.or_internal(rid)?;
            hashes.push((question_id, hash));
        }
        let now = self.clock.now();
        let mut tx = self.pool.begin().await.or_internal(rid)?;
        store::replace_answers(&mut tx, caller.user.id, &hashes, now)
            .await
            .or_internal(rid)?;
        self.registered(tx, meta, caller.user.id, "questions").await
    }

    async fn new_recovery_codes(&self, meta: &RequestMeta) -> Result<Vec<String>, AppError> {
        let rid = meta.request_id.as_str();
        let caller = self.fresh_caller(meta).await?;
        let codes: Vec<String> = (0..recovery::RECOVERY_CODE_COUNT)
            .map(|_| recovery::generate())
            .collect();
        let hashes: Vec<String> = codes.iter().map(|c| recovery::hash(c)).collect();
        let now = self.clock.now();
        let mut tx = self.pool.begin().await.or_internal(rid)?;
        store::replace_recovery_codes(&mut tx, caller.user.id, &hashes, now)
            .await
            .or_internal(rid)?;
        tx.commit().await.or_internal(rid)?;
        tracing::info!(
            request_id = rid,
            user_id = caller.user.id,
            "recovery codes replaced"
        );
        Ok(codes)
    }

    async fn remove_method(
        &self,
        meta: &RequestMeta,
        kind: MethodKind,
    ) -> Result<SecurityInfo, AppError> {
        let rid = meta.request_id.as_str();
        let caller = self.fresh_caller(meta).await?;
        let mut tx = self.pool.begin().await.or_internal(rid)?;
        let removed = store::remove(&mut tx, caller.user.id, kind)
            .await
            .or_internal(rid)?;
        if removed == 0 {
            return Err(AppError::NotFound);
        }
        // A code already sent through the removed method must not open a gate.
        crate::revocation::end_open_wizards(&mut tx, caller.user.id, self.clock.now())
            .await
            .or_internal(rid)?;
        tx.commit().await.or_internal(rid)?;
        tracing::info!(
            request_id = rid,
            user_id = caller.user.id,
            method = kind.as_str(),
            "method removed"
        );
        self.info_after_change(meta).await
    }

    async fn reconfirm(&self, meta: &RequestMeta) -> Result<SecurityInfo, AppError> {
        let rid = meta.request_id.as_str();
        let caller = self.accounts.caller(meta).await?;
        let policy = self
            .registration
            .current(&self.pool)
            .await
            .or_internal(rid)?;
        let registered = store::registered(&self.pool, caller.user.id)
            .await
            .or_internal(rid)?;
        if registered.count < policy.methods_required {
            return Err(AppError::RegistrationRequired);
        }
        let mut conn = self.pool.acquire().await.or_internal(rid)?;
        store::touch_confirmed(&mut conn, caller.user.id, self.clock.now())
            .await
            .or_internal(rid)?;
        self.info(&caller, rid).await
    }

    async fn postpone(&self, meta: &RequestMeta) -> Result<u32, AppError> {
        let rid = meta.request_id.as_str();
        let caller = self.accounts.caller(meta).await?;
        let info = self.info(&caller, rid).await?;
        if info.due.is_none() || info.postponed {
            return Ok(info.postpones_left);
        }
        if info.postpones_left == 0 {
            return Err(AppError::PostponeLimitReached);
        }
        store::count_postponement(&self.pool, caller.user.id)
            .await
            .or_internal(rid)?;
        self.sessions
            .mark_postponed(&caller.session.id_hash)
            .await
            .or_internal(rid)?;
        tracing::info!(
            request_id = rid,
            user_id = caller.user.id,
            "registration postponed"
        );
        Ok(info.postpones_left - 1)
    }
}
