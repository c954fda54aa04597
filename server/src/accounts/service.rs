//! The account workflows behind the server functions: sign-in with lockout and
//! throttling, sign-out, the current user and password change. A locked account answers
//! sign-in exactly like a wrong password (an unknown name cannot lock, so anything else
//! would tell real names from unknown ones); its owner learns of the lock by mail.

use super::store::{self, UserRecord};
use super::{lock_notice, Lockout};
use crate::audit::Audit;
use crate::clock::SharedClock;
use crate::delivery::Delivery;
use crate::directory::connected::{Bind, ConnectedDirectory};
use crate::directory::outage;
use crate::error::OrInternal;
use crate::password_policy::{shape as password_shape, PasswordPolicies};
use crate::passwords::PasswordHasher;
use crate::policy::RegistrationRules;
use crate::sessions::{ActiveSession, Sessions};
use crate::throttle::Throttle;
use app::api::context::{RequestMeta, SetCookie};
use app::api::AccountService;
use app::api::{AccountStatus, Me};
use app::domain::password_policy::MAX_PASSWORD_CHARS;
use app::domain::{AppError, FieldProblem, Role, Username};
use sqlx::SqlitePool;
use std::sync::Arc;

pub struct SqlAccounts {
    pub pool: SqlitePool,
    pub clock: SharedClock,
    pub hasher: Arc<PasswordHasher>,
    pub sessions: Arc<Sessions>,
    pub sign_in_throttle: Throttle,
    /// The configured `[sign_in]` lockout, used where the password policy leaves it open.
    pub lockout: Lockout,
    /// The least time a refused sign-in in `ldap` mode takes (`sign_in.directory_floor_ms`).
    pub directory_floor: std::time::Duration,
    pub registration: RegistrationRules,
    pub password_policy: Arc<PasswordPolicies>,
    /// Carries the mail that tells an owner their account was locked.
    pub delivery: Arc<Delivery>,
    /// The configured public origin, for the reset link in that mail.
    pub public_origin: String,
    /// Where passwords are checked and written in `ldap` mode.
    pub directory: Option<Arc<ConnectedDirectory>>,
    /// Records when the directory could not be used.
    pub audit: Arc<Audit>,
}

/// Who is calling, as established from their session.
pub struct Caller {
    pub session: ActiveSession,
    pub user: UserRecord,
    pub roles: Vec<Role>,
}

fn outcome(name: &'static str) {
    metrics::counter!("sspr_sign_in_total", "outcome" => name).increment(1);
}

impl SqlAccounts {
    /// The signed-in caller, or `NotSignedIn`.
    pub async fn caller(&self, meta: &RequestMeta) -> Result<Caller, AppError> {
        let rid = meta.request_id.as_str();
        let token = meta.session_token.as_deref().ok_or(AppError::NotSignedIn)?;
        let session = self
            .sessions
            .resolve(token)
            .await
            .or_internal(rid)?
            .ok_or(AppError::NotSignedIn)?;
        let user = store::find_by_id(&self.pool, session.user_id)
            .await
            .or_internal(rid)?
            .filter(|u| u.status != AccountStatus::Disabled)
            .ok_or(AppError::NotSignedIn)?;
        let roles = store::roles(&self.pool, user.id).await.or_internal(rid)?;
        Ok(Caller {
            session,
            user,
            roles,
        })
    }

    /// The caller, if they hold one of `allowed` and need not change their password first.
    pub async fn require(&self, meta: &RequestMeta, allowed: &[Role]) -> Result<Caller, AppError> {
        let caller = self.caller(meta).await?;
        if caller.user.must_change_password {
            return Err(AppError::PasswordChangeRequired);
        }
        if !caller.roles.iter().any(|r| allowed.contains(r)) {
            tracing::warn!(request_id = %meta.request_id, user_id = caller.user.id, "role check refused");
            return Err(AppError::Forbidden);
        }
        Ok(caller)
    }

    /// The user as the client sees them, with whether they must register security info.
    async fn me(
        &self,
        rid: &str,
        user: UserRecord,
        roles: Vec<Role>,
        postponed: bool,
    ) -> Result<Me, AppError> {
        let registration = crate::security_info::registration_status(
            &self.pool,
            &self.registration,
            user.id,
            postponed,
            self.clock.now(),
        )
        .await
        .or_internal(rid)?;
        Ok(Me {
            username: user.username,
            display_name: user.display_name,
            email: user.email,
            phone: user.phone,
            roles,
            must_change_password: user.must_change_password,
            registration,
        })
    }

    /// Checks the password for a known account; counts and locks on failure. `Ok(true)`
    /// means it matched but is stored with old parameters and should be hashed again.
    pub(crate) async fn check_password(
        &self,
        meta: &RequestMeta,
        user: &UserRecord,
        password: &str,
    ) -> Result<bool, AppError> {
        let rid = meta.request_id.as_str();
        let now = self.clock.now();
        let Some(stored) = store::password_hash(&self.pool, user.id)
            .await
            .or_internal(rid)?
        else {
            self.hasher.verify_dummy(password).await;
            return Err(AppError::InvalidCredentials);
        };
        let verified = self
            .hasher
            .verify(password, &stored)
            .await
            .or_internal(rid)?;
        if !verified.matches {
            if user.status != AccountStatus::Disabled {
                self.count_failure(rid, user, now).await?;
            }
            return Err(AppError::InvalidCredentials);
        }
        Ok(verified.needs_rehash)
    }

    /// Counts a failed password. The failure that reaches the threshold locks the account
    /// and queues the owner's mail in the same transaction; later failures during that
    /// lock find it locked already and send nothing more.
    async fn count_failure(&self, rid: &str, user: &UserRecord, now: i64) -> Result<(), AppError> {
        // The stored password policy decides; `self.lockout` is the configured default.
        let lockout = self
            .password_policy
            .lockout(self.lockout)
            .await
            .or_internal(rid)?;
        let mut tx = self.pool.begin().await.or_internal(rid)?;
        let failures = store::record_failure(&mut tx, user.id, now)
            .await
            .or_internal(rid)?;
        let Some(until) = lockout.lock_until(failures, now) else {
            return tx.commit().await.or_internal(rid);
        };
        if !store::lock(&mut tx, user.id, until, now)
            .await
            .or_internal(rid)?
        {
            return tx.commit().await.or_internal(rid);
        }
        let lock = (until, lockout.duration_secs);
        let told = lock_notice::queue(&mut tx, &self.delivery, user, lock, &self.public_origin)
            .await
            .or_internal(rid)?;
        tx.commit().await.or_internal(rid)?;
        if told {
            self.delivery.wake();
        }
        tracing::info!(
            request_id = rid,
            user_id = user.id,
            told,
            "account locked after failed sign-ins"
        );
        Ok(())
    }

    async fn sign_in_inner(
        &self,
        meta: &RequestMeta,
        username: String,
        password: String,
    ) -> Result<(Me, SetCookie), AppError> {
        let rid = meta.request_id.as_str();
        if let Err(retry_after_secs) = self.sign_in_throttle.hit(meta.ip) {
            return Err(AppError::Throttled { retry_after_secs });
        }
        let name = Username::parse(&username)
            .map_err(|p| AppError::invalid("username", FieldProblem::Username(p)))?;
        // Over-long input is refused before any hashing, and the same way for everyone.
        if password.len() > MAX_PASSWORD_CHARS * 4 {
            return Err(AppError::InvalidCredentials);
        }
        if let Some(directory) = &self.directory {
            let user = self
                .bind_directory(meta, directory, &name, &password)
                .await?;
            return self.open_session(meta, user).await;
        }
        let now = self.clock.now();
        let Some(mut user) = store::find_by_name(&self.pool, &name)
            .await
            .or_internal(rid)?
        else {
            self.hasher.verify_dummy(&password).await;
            return Err(AppError::InvalidCredentials);
        };
        if user.status == AccountStatus::Locked
            && user.locked_until.is_some_and(|until| until <= now)
        {
            store::unlock_if_expired(&self.pool, user.id, now)
                .await
                .or_internal(rid)?;
            user = store::find_by_id(&self.pool, user.id)
                .await
                .or_internal(rid)?
                .ok_or(AppError::InvalidCredentials)?;
        }
        if user.status == AccountStatus::Locked {
            // The same hashing work and the same answer as a wrong password.
            self.hasher.verify_dummy(&password).await;
            return Err(AppError::InvalidCredentials);
        }
        let needs_rehash = self.check_password(meta, &user, &password).await?;
        if user.status != AccountStatus::Enabled {
            return Err(AppError::InvalidCredentials);
        }
        // Raised hashing parameters reach each password at its owner's next sign-in.
        if needs_rehash {
            let phc = self.hasher.hash(&password).await.or_internal(rid)?;
            let mut conn = self.pool.acquire().await.or_internal(rid)?;
            store::set_password(&mut conn, user.id, &phc, self.hasher.params(), now)
                .await
                .or_internal(rid)?;
        }
        self.open_session(meta, user).await
    }

    /// The signed-in account's session, its record of success and what the UI shows.
    async fn open_session(
        &self,
        meta: &RequestMeta,
        user: UserRecord,
    ) -> Result<(Me, SetCookie), AppError> {
        let rid = meta.request_id.as_str();
        store::record_success(&self.pool, user.id, self.clock.now())
            .await
            .or_internal(rid)?;
        let cookie = self
            .sessions
            .create(user.id, meta.ip, &meta.user_agent)
            .await
            .or_internal(rid)?;
        let roles = store::roles(&self.pool, user.id).await.or_internal(rid)?;
        tracing::info!(request_id = %meta.request_id, user_id = user.id, "signed in");
        let me = self.me(rid, user, roles, false).await?;
        Ok((me, cookie))
    }
}

impl SqlAccounts {
    /// In `ldap` mode the directory checks the password (a bind as its owner) and enforces
    /// its own lockout; the mirrored row is brought up to date for the session.
    async fn bind_directory(
        &self,
        meta: &RequestMeta,
        directory: &ConnectedDirectory,
        name: &Username,
        password: &str,
    ) -> Result<UserRecord, AppError> {
        let rid = meta.request_id.as_str();
        let started = tokio::time::Instant::now();
        let person = match directory.bind(name.as_str(), password).await {
            Ok(Bind::Accepted(person)) => person,
            Ok(Bind::Refused(_) | Bind::Nobody) => {
                // A real name costs slapd a write (the failure recorded), an unknown one
                // nothing: both answer at the floor, or later when the directory is slower.
                tokio::time::sleep_until(started + self.directory_floor).await;
                return Err(AppError::InvalidCredentials);
            }
            Err(error) => {
                let audit = &self.audit;
                return Err(outage::unavailable(audit, meta, "sign_in", None, &error).await);
            }
        };
        let id = directory.refresh(&person).await.or_internal(rid)?;
        let user = store::find_by_id(&self.pool, id)
            .await
            .or_internal(rid)?
            .ok_or(AppError::InvalidCredentials)?;
        // Disabled in the directory, or locked by sspr itself.
        if user.status != AccountStatus::Enabled {
            return Err(AppError::InvalidCredentials);
        }
        Ok(user)
    }

    /// A known password changed in the directory, as its owner.
    async fn change_in_directory(
        &self,
        meta: &RequestMeta,
        directory: &ConnectedDirectory,
        user: &UserRecord,
        (current, new_password): (&str, &str),
    ) -> Result<(), AppError> {
        let audit = &self.audit;
        let account = Some(user.id);
        let person = outage::current(directory, audit, meta, ("change", user.id))
            .await?
            .ok_or(AppError::CurrentPasswordIncorrect)?;
        match directory.change(&person, current, new_password).await {
            Ok(true) => Ok(()),
            Ok(false) => Err(AppError::CurrentPasswordIncorrect),
            Err(error) => {
                let step = ("change", "new_password");
                Err(outage::write_failed(audit, meta, step, account, error).await)
            }
        }
    }
}

#[async_trait::async_trait]
impl AccountService for SqlAccounts {
    async fn sign_in(
        &self,
        meta: &RequestMeta,
        username: String,
        password: String,
    ) -> Result<(Me, SetCookie), AppError> {
        let result = self.sign_in_inner(meta, username, password).await;
        outcome(match &result {
            Ok(_) => "success",
            Err(AppError::Throttled { .. }) => "throttled",
            Err(AppError::Internal { .. }) => "error",
            Err(_) => "failure",
        });
        result
    }

    async fn sign_out(&self, meta: &RequestMeta) -> Result<SetCookie, AppError> {
        if let Some(token) = &meta.session_token {
            self.sessions
                .delete(token)
                .await
                .or_internal(&meta.request_id)?;
        }
        Ok(self.sessions.clear_cookie())
    }

    async fn current_user(&self, meta: &RequestMeta) -> Result<Option<Me>, AppError> {
        match self.caller(meta).await {
            Ok(caller) => {
                let postponed = caller.session.registration_postponed;
                let me = self.me(&meta.request_id, caller.user, caller.roles, postponed);
                Ok(Some(me.await?))
            }
            Err(AppError::NotSignedIn) => Ok(None),
            Err(e) => Err(e),
        }
    }

    async fn change_password(
        &self,
        meta: &RequestMeta,
        current: String,
        new_password: String,
        confirmation: String,
    ) -> Result<SetCookie, AppError> {
        let rid = meta.request_id.as_str();
        let caller = self.caller(meta).await?;
        if current.is_empty() {
            return Err(AppError::invalid(
                "current_password",
                FieldProblem::Required,
            ));
        }
        let refuse = |p| AppError::invalid("new_password", FieldProblem::Password(p));
        // Length and confirmation first: cheap, and refused before any hashing.
        let rules = self.password_policy.rules().await.or_internal(rid)?;
        if let Some(&problem) = password_shape(&rules, &new_password, &confirmation).first() {
            return Err(refuse(problem));
        }
        if let Err(retry_after_secs) = self.sign_in_throttle.hit(meta.ip) {
            return Err(AppError::Throttled { retry_after_secs });
        }
        if let Some(directory) = &self.directory {
            // The directory holds no history sspr could leak; its own rules come after.
            self.check_new(rid, &caller.user, (&current, &new_password, &confirmation))
                .await?;
            let passwords = (current.as_str(), new_password.as_str());
            self.change_in_directory(meta, directory, &caller.user, passwords)
                .await?;
            return self.after_change(meta, caller.user.id, None).await;
        }
        // Wrong current passwords count towards the lockout like failed sign-ins, so a
        // stolen session cannot be used to guess the password.
        match self.check_password(meta, &caller.user, &current).await {
            Err(AppError::InvalidCredentials) => return Err(AppError::CurrentPasswordIncorrect),
            // The new password is hashed with today's parameters just below.
            other => other.map(|_needs_rehash| ())?,
        }
        // The rest of the policy only once the current password is proven: the history
        // would otherwise let a stolen session test guesses at old passwords.
        self.check_new(rid, &caller.user, (&current, &new_password, &confirmation))
            .await?;
        let phc = self.hasher.hash(&new_password).await.or_internal(rid)?;
        self.after_change(meta, caller.user.id, Some((&new_password, &phc)))
            .await
    }
}

impl SqlAccounts {
    /// The whole password policy on a proposed new password.
    async fn check_new(
        &self,
        rid: &str,
        user: &UserRecord,
        (current, new_password, confirmation): (&str, &str, &str),
    ) -> Result<(), AppError> {
        let verdict = self
            .password_policy
            .evaluate_change(user, current, new_password, confirmation)
            .await
            .or_internal(rid)?;
        match verdict.problems.first() {
            Some(&problem) => Err(AppError::invalid(
                "new_password",
                FieldProblem::Password(problem),
            )),
            None => Ok(()),
        }
    }

    /// The new hash (none when the directory holds the password), the flag and the end of
    /// every session and open wizard land together; this browser continues under a new
    /// session id.
    async fn after_change(
        &self,
        meta: &RequestMeta,
        user_id: i64,
        local: Option<(&str, &str)>,
    ) -> Result<SetCookie, AppError> {
        let rid = meta.request_id.as_str();
        let now = self.clock.now();
        let mut tx = self.pool.begin().await.or_internal(rid)?;
        if let Some((password, phc)) = local {
            store::set_password(&mut tx, user_id, phc, self.hasher.params(), now)
                .await
                .or_internal(rid)?;
            self.password_policy
                .remember(&mut tx, user_id, password, now)
                .await
                .or_internal(rid)?;
        }
        store::set_must_change(&mut tx, user_id, false, now)
            .await
            .or_internal(rid)?;
        sqlx::query("DELETE FROM sessions WHERE user_id = ?")
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .or_internal(rid)?;
        crate::revocation::end_open_wizards(&mut tx, user_id, now)
            .await
            .or_internal(rid)?;
        tx.commit().await.or_internal(rid)?;
        tracing::info!(request_id = rid, user_id, "password changed");
        self.sessions
            .create(user_id, meta.ip, &meta.user_agent)
            .await
            .or_internal(rid)
    }
}
