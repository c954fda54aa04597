//! The policy itself: its saved settings, the verdict on a candidate and the history.

use super::{common, history, strength};
use crate::accounts::store::UserRecord;
use crate::passwords::normalise as nfkc;
use crate::policy::settings::{self, SaveError};
use crate::secret::ServerSecret;
use app::domain::password_policy::{
    check_local, contains_banned, contains_name, PasswordPolicy, PasswordProblem, PasswordRules,
    PasswordVerdict, MAX_HISTORY_DEPTH,
};
use app::domain::{AppError, FieldProblem};
use sqlx::{SqliteConnection, SqlitePool};

/// The `policy_settings` row this policy is saved in.
const NAME: &str = "password";

/// Words no password may contain whatever the admins list: the service's own name.
const CONTEXT_WORDS: [&str; 1] = ["sspr"];

/// Length and confirmation, measured after NFKC. Input longer than four bytes per allowed
/// character is refused as it arrives, before normalising: normalisation can multiply
/// the length, and a megabyte of input must cost nothing.
pub fn shape(rules: &PasswordRules, password: &str, confirmation: &str) -> Vec<PasswordProblem> {
    let max = usize::from(rules.max_chars);
    if password.len() > max * 4 {
        return vec![PasswordProblem::TooLong { max }];
    }
    let password = nfkc(password);
    if confirmation.len() > max * 4 {
        // Not worth normalising: it cannot be the password the user meant to confirm.
        let mut problems = check_local(rules, &password, &password);
        problems.push(PasswordProblem::Mismatch);
        return problems;
    }
    check_local(rules, &password, &nfkc(confirmation))
}

/// Which rules an evaluation applies beyond the policy's.
#[derive(Clone, Copy)]
struct Scope<'a> {
    /// Compare with the history. Off only for a signed-in user's live check, where it
    /// would let a stolen session test guesses at old passwords without the current one.
    history: bool,
    /// The current password, already verified, which a change may not keep.
    current: Option<&'a str>,
}

pub struct PasswordPolicies {
    pool: SqlitePool,
    secret: ServerSecret,
}

impl PasswordPolicies {
    pub fn new(pool: SqlitePool, secret: ServerSecret) -> Self {
        Self { pool, secret }
    }

    /// The saved policy, or the defaults. A saved document that no longer passes the
    /// checks (after an upgrade, say) falls back to the defaults rather than locking
    /// everyone out.
    pub async fn current(&self) -> Result<PasswordPolicy, sqlx::Error> {
        Ok(settings::load::<PasswordPolicy>(&self.pool, NAME)
            .await?
            .filter(|p| p.check().is_ok())
            .unwrap_or_default())
    }

    /// Saves a policy that passes [`PasswordPolicy::check`]; otherwise the refusal
    /// names the setting at fault.
    pub async fn save(&self, policy: &PasswordPolicy, now: i64) -> Result<(), SaveError> {
        if let Err(problem) = policy.check() {
            return Err(SaveError::Refused(AppError::invalid(
                problem.field(),
                FieldProblem::OutOfRange,
            )));
        }
        Ok(settings::save(&self.pool, NAME, policy, now).await?)
    }

    /// The saved policy (or the defaults) with its revision, for the admin editor.
    pub async fn load_revised(&self) -> Result<(PasswordPolicy, i64), sqlx::Error> {
        let (saved, revision) = settings::load_revised::<PasswordPolicy>(&self.pool, NAME).await?;
        let policy = saved.filter(|p| p.check().is_ok()).unwrap_or_default();
        Ok((policy, revision))
    }

    /// Saves a policy the caller has checked, only if it is still at revision `expected`;
    /// `None` when another admin saved meanwhile.
    pub async fn save_if(
        &self,
        policy: &PasswordPolicy,
        expected: i64,
        now: i64,
    ) -> Result<Option<i64>, sqlx::Error> {
        settings::save_if(&self.pool, NAME, policy, expected, now).await
    }

    /// The sign-in lockout in force: the saved policy's, or `configured` where the
    /// policy leaves a setting to configuration.
    pub async fn lockout(
        &self,
        configured: crate::accounts::Lockout,
    ) -> Result<crate::accounts::Lockout, sqlx::Error> {
        let policy = self.current().await?;
        Ok(crate::accounts::Lockout {
            threshold: policy
                .lockout_threshold
                .map_or(configured.threshold, u32::from),
            duration_secs: policy
                .lockout_minutes
                .map_or(configured.duration_secs, |m| i64::from(m) * 60),
        })
    }

    /// Every rule of a draft `policy` but names and history, for the admin's "test a
    /// password" box: the same checker the wizard runs.
    pub async fn preview_draft(
        &self,
        policy: &PasswordPolicy,
        password: &str,
    ) -> Result<PasswordVerdict, sqlx::Error> {
        let scope = Scope {
            history: false,
            current: None,
        };
        self.judge(policy, None, password, password, scope).await
    }

    /// The length limits, for the client's live feedback.
    pub async fn rules(&self) -> Result<PasswordRules, sqlx::Error> {
        Ok(self.current().await?.rules())
    }

    /// Every rule, for a new password chosen by `user` (the reset wizard).
    pub async fn evaluate(
        &self,
        user: &UserRecord,
        password: &str,
        confirmation: &str,
    ) -> Result<PasswordVerdict, sqlx::Error> {
        let scope = Scope {
            history: true,
            current: None,
        };
        self.assess(user, password, confirmation, scope).await
    }

    /// Every rule, for a change from the verified `current` password, which the new one
    /// may not repeat even where the history holds no fingerprint of it yet (accounts
    /// whose password was set before the history existed, or by the demo seed).
    pub async fn evaluate_change(
        &self,
        user: &UserRecord,
        current: &str,
        password: &str,
        confirmation: &str,
    ) -> Result<PasswordVerdict, sqlx::Error> {
        let scope = Scope {
            history: true,
            current: Some(current),
        };
        self.assess(user, password, confirmation, scope).await
    }

    /// Every rule but the history, for a signed-in user's live feedback.
    pub async fn preview(
        &self,
        user: &UserRecord,
        password: &str,
    ) -> Result<PasswordVerdict, sqlx::Error> {
        let scope = Scope {
            history: false,
            current: None,
        };
        self.assess(user, password, password, scope).await
    }

    async fn assess(
        &self,
        user: &UserRecord,
        password: &str,
        confirmation: &str,
        scope: Scope<'_>,
    ) -> Result<PasswordVerdict, sqlx::Error> {
        let policy = self.current().await?;
        self.judge(&policy, Some(user), password, confirmation, scope)
            .await
    }

    /// The verdict under `policy`; without a user there are no names or history to check.
    async fn judge(
        &self,
        policy: &PasswordPolicy,
        user: Option<&UserRecord>,
        password: &str,
        confirmation: &str,
        scope: Scope<'_>,
    ) -> Result<PasswordVerdict, sqlx::Error> {
        let mut problems = shape(&policy.rules(), password, confirmation);
        if problems
            .iter()
            .any(|p| matches!(p, PasswordProblem::TooLong { .. }))
        {
            return Ok(PasswordVerdict {
                problems,
                strength: 0,
            });
        }
        let password = nfkc(password);
        let common = common::is_common(&password);
        if common {
            problems.push(PasswordProblem::Common);
        }
        let banned: Vec<String> = policy
            .banned_words
            .iter()
            .map(String::as_str)
            .chain(CONTEXT_WORDS)
            .map(nfkc)
            .collect();
        if contains_banned(&password, &banned) {
            problems.push(PasswordProblem::BannedWord);
        }
        if let Some(user) = user {
            let local_part = user.email.as_deref().and_then(|e| e.split('@').next());
            let names: Vec<String> = [
                Some(user.username.as_str()),
                Some(&user.display_name),
                local_part,
            ]
            .into_iter()
            .flatten()
            .map(nfkc)
            .collect();
            let names: Vec<&str> = names.iter().map(String::as_str).collect();
            if contains_name(&password, &names) {
                problems.push(PasswordProblem::ContainsName);
            }
            if let Some(depth) = self.reused(user.id, &password, policy, scope).await? {
                problems.push(PasswordProblem::Reused { depth });
            }
        }
        let strength = match strength::estimate(&password) {
            _ if common => 0,
            estimate if problems.is_empty() => estimate,
            estimate => estimate.min(1),
        };
        Ok(PasswordVerdict { problems, strength })
    }

    /// The depth to report when `normalised` repeats a password the rules forbid.
    async fn reused(
        &self,
        user_id: i64,
        normalised: &str,
        policy: &PasswordPolicy,
        scope: Scope<'_>,
    ) -> Result<Option<u8>, sqlx::Error> {
        let depth = policy.history_depth;
        // A change must change the password, even with the history switched off.
        if scope.current.is_some_and(|c| nfkc(c) == normalised) {
            return Ok(Some(depth.max(1)));
        }
        if !scope.history || depth == 0 {
            return Ok(None);
        }
        let fingerprint = history::fingerprint(&self.secret, user_id, normalised);
        let seen = history::seen(&self.pool, user_id, &fingerprint, depth).await?;
        Ok(seen.then_some(depth))
    }

    /// Records a password just set for `user_id` in the history, inside the caller's
    /// transaction, and forgets all but the latest [`MAX_HISTORY_DEPTH`] (so raising the
    /// depth later covers passwords already set). Call it wherever a password is set: reset,
    /// change, the command line; not when the same password is only re-hashed.
    pub async fn remember(
        &self,
        conn: &mut SqliteConnection,
        user_id: i64,
        password: &str,
        now: i64,
    ) -> Result<(), sqlx::Error> {
        let fingerprint = history::fingerprint(&self.secret, user_id, &nfkc(password));
        history::record(conn, user_id, &fingerprint, now, MAX_HISTORY_DEPTH).await
    }
}

#[cfg(test)]
mod tests;
