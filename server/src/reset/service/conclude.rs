//! The last step: a new password, or an unlock without one, for a wizard whose gates are
//! all passed. Either ends in one `BEGIN IMMEDIATE` transaction, all or nothing.

use super::wizard::Account;
use super::{storage, SqlReset};
use crate::accounts::store as accounts_store;
use crate::audit::{AuditKind, Outcome};
use crate::delivery::Channel;
use crate::directory::connected::ConnectedDirectory;
use crate::directory::ldap::people::{LockState, Person};
use crate::directory::outage;
use crate::error::OrInternal;
use crate::reset::messages;
use crate::reset::store::{self, Wizard};
use crate::security_info::messages::Language;
use app::api::context::{RequestMeta, SetCookie};
use app::api::{AccountStatus, WizardStep, WizardView};
use app::domain::password_policy::PasswordVerdict;
use app::domain::reset_policy::ResetPolicy;
use app::domain::{AppError, FieldProblem, MethodKind, Role};
use sqlx::SqliteConnection;

impl SqlReset {
    /// How a proposed password fares against the policy, for a proven wizard only.
    pub(super) async fn check_password_step(
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

    pub(super) async fn complete_step(
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
        let ending = match &self.directory {
            // The one expensive step, outside the transaction.
            None => Ending::Local {
                password: &password,
                phc: self.hasher.hash(&password).await.or_internal(rid)?,
            },
            Some(directory) => {
                let person = self.current_person(meta, directory, &real).await?;
                if let Err(error) = directory.reset(&person, &password).await {
                    let step = ("reset", "password");
                    let account = Some(real.user.id);
                    return Err(
                        outage::write_failed(&self.audit, meta, step, account, error).await,
                    );
                }
                Ending::Directory
            }
        };
        self.conclude(meta, &wizard, &real, policy, ending).await
    }

    pub(super) async fn unlock_step(
        &self,
        meta: &RequestMeta,
    ) -> Result<(WizardView, SetCookie), AppError> {
        let (wizard, real, policy) = self.proven(meta).await?;
        if !policy.unlock_allowed {
            return Err(AppError::MethodUnavailable);
        }
        let locked_here = real.user.status == AccountStatus::Locked;
        match &self.directory {
            None if !locked_here => return Err(AppError::MethodUnavailable),
            None => {}
            Some(directory) => {
                let person = self.current_person(meta, directory, &real).await?;
                let step = ("unlock", real.user.id);
                let unlocked =
                    outage::unlock_if_locked(directory, &self.audit, meta, step, &person).await?;
                if !unlocked && !locked_here {
                    return Err(AppError::MethodUnavailable);
                }
            }
        }
        self.conclude(meta, &wizard, &real, policy, Ending::Unlock)
            .await
    }

    /// The proven account's directory entry as it is now: gone or disabled since the wizard
    /// began ends the wizard; a directory that cannot be asked is an outage.
    async fn current_person(
        &self,
        meta: &RequestMeta,
        directory: &ConnectedDirectory,
        real: &Account,
    ) -> Result<Person, AppError> {
        match outage::current(directory, &self.audit, meta, ("read", real.user.id)).await? {
            Some(person) if person.lock != LockState::Disabled => Ok(person),
            _ => Err(AppError::WizardExpired),
        }
    }

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
        ending: Ending<'_>,
    ) -> Result<(WizardView, SetCookie), AppError> {
        let rid = meta.request_id.as_str();
        let user_id = real.user.id;
        let now = self.clock.now();
        let unlocked = matches!(ending, Ending::Unlock);
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
        match ending {
            Ending::Unlock => {}
            Ending::Local { password, phc } => {
                self.replace_password(&mut tx, user_id, (password, &phc), now, rid)
                    .await?;
                end_sessions_and_codes(&mut tx, user_id, now)
                    .await
                    .or_internal(rid)?;
            }
            // The directory holds the password; what sspr gave out for the old one ends.
            Ending::Directory => end_sessions_and_codes(&mut tx, user_id, now)
                .await
                .or_internal(rid)?,
        }
        // Reset or unlocked, the account's other wizards prove nothing any more.
        crate::revocation::end_open_wizards(&mut tx, user_id, now)
            .await
            .or_internal(rid)?;
        clear_lockout(&mut tx, user_id, now)
            .await
            .or_internal(rid)?;
        let queued = self
            .notify(&mut tx, real, &policy, unlocked)
            .await
            .or_internal(rid)?;
        self.record_ending(&mut tx, meta, user_id, unlocked, queued)
            .await?;
        tx.commit().await.or_internal(rid)?;
        tracing::info!(request_id = rid, user_id, outcome, "reset wizard finished");
        self.delivery.wake();
        let view = WizardView {
            step: WizardStep::Done { unlocked },
            expires_at: wizard.expires_at,
            contact_admin: policy.contact_admin,
        };
        Ok((view, self.clear_cookie()))
    }

    /// The new password and its history.
    async fn replace_password(
        &self,
        conn: &mut SqliteConnection,
        user_id: i64,
        (password, phc): (&str, &str),
        now: i64,
        rid: &str,
    ) -> Result<(), AppError> {
        accounts_store::set_password(conn, user_id, phc, self.hasher.params(), now)
            .await
            .or_internal(rid)?;
        self.password_policy
            .remember(conn, user_id, password, now)
            .await
            .or_internal(rid)?;
        accounts_store::set_must_change(conn, user_id, false, now)
            .await
            .or_internal(rid)
    }

    /// The ending's audit rows, in its transaction: a reset never commits without them.
    async fn record_ending(
        &self,
        conn: &mut SqliteConnection,
        meta: &RequestMeta,
        user_id: i64,
        unlocked: bool,
        queued: u32,
    ) -> Result<(), AppError> {
        let kind = if unlocked {
            AuditKind::AccountUnlocked
        } else {
            AuditKind::PasswordReset
        };
        let mut events = vec![self.event(meta, kind, Outcome::Success).account(user_id)];
        if queued > 0 {
            events.push(
                self.event(meta, AuditKind::NotificationQueued, Outcome::Success)
                    .account(user_id)
                    .detail(format!("{queued} message(s)")),
            );
        }
        for event in events {
            self.audit
                .record_in(conn, event)
                .await
                .or_internal(&meta.request_id)?;
        }
        Ok(())
    }

    /// Tells the user (and, for admins when policy says so, every global admin) what
    /// happened, in the transaction that did it.
    async fn notify(
        &self,
        conn: &mut SqliteConnection,
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
            queued += self.notify_admins(conn, real).await?;
        }
        Ok(queued)
    }

    /// Tells every other global admin that an admin's password was reset.
    async fn notify_admins(
        &self,
        conn: &mut SqliteConnection,
        real: &Account,
    ) -> Result<u32, sqlx::Error> {
        let user = &real.user;
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
        let mut queued = 0;
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
        Ok(queued)
    }
}

/// How a proven wizard ends.
enum Ending<'a> {
    Unlock,
    /// A new password hashed here: the password (for the history) and its hash.
    Local {
        password: &'a str,
        phc: String,
    },
    /// A new password the directory accepted.
    Directory,
}

/// A new password ends every session and outstanding code.
async fn end_sessions_and_codes(
    conn: &mut SqliteConnection,
    user_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM sessions WHERE user_id = ?")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "UPDATE verification_codes SET consumed_at = ? WHERE user_id = ? AND consumed_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// A reset or unlock ends any sign-in lock and forgives the failed sign-ins.
async fn clear_lockout(
    conn: &mut SqliteConnection,
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
