//! The wizard behind a request: its cookie, its row, and whose it is.

use super::SqlReset;
use crate::accounts::store::UserRecord;
use crate::error::OrInternal;
use crate::reset::account::{self, Facts, NO_ACCOUNT};
use crate::reset::store::{self, Wizard};
use app::api::context::{RequestMeta, SetCookie};
use app::api::{AccountStatus, WizardView};
use app::domain::reset_policy::ResetPolicy;
use app::domain::{AppError, MethodKind};

/// A real account behind a wizard.
pub(super) struct Account {
    pub(super) user: UserRecord,
    pub(super) facts: Facts,
}

/// A wizard's facts: a real account's, or the decoy derived from the name.
pub(super) enum Subject {
    Real(Box<Account>),
    Decoy,
}

/// The bytes behind a stored hex key (wizard ids and name keys are SHA-256 and HMAC
/// outputs, so 32 bytes).
pub(super) fn key_bytes(key: &str) -> [u8; 32] {
    hex::FromHex::from_hex(key).unwrap_or([0; 32])
}

/// Codes for a reset are bound to the account (their row), the method and the wizard.
pub(super) fn code_purpose(kind: MethodKind, wizard_hash: &str) -> String {
    format!(
        "reset:{}:{}",
        kind.as_str(),
        &wizard_hash[..16.min(wizard_hash.len())]
    )
}

impl SqlReset {
    /// The wizard cookie: `__Host-` on https so it is bound to this origin.
    pub fn cookie_name(&self) -> &'static str {
        if self.secure_cookies {
            "__Host-sspr_reset"
        } else {
            "sspr_reset"
        }
    }

    pub(super) fn cookie(&self, value: &str, max_age: i64) -> SetCookie {
        let mut cookie = format!(
            "{}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}",
            self.cookie_name()
        );
        if self.secure_cookies {
            cookie.push_str("; Secure");
        }
        SetCookie(cookie)
    }

    pub(super) fn clear_cookie(&self) -> SetCookie {
        self.cookie("", 0)
    }

    /// The live wizard of this request's cookie.
    pub(super) async fn wizard(&self, meta: &RequestMeta) -> Result<Wizard, AppError> {
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

    async fn subject(
        &self,
        wizard: &Wizard,
        policy: &ResetPolicy,
        rid: &str,
    ) -> Result<Subject, AppError> {
        // Decoys run the same lookup, for an id no account has.
        let id = wizard.user_id.unwrap_or(NO_ACCOUNT);
        let (user, facts) = account::load(&self.pool, id, policy.directory_contacts)
            .await
            .or_internal(rid)?;
        if wizard.user_id.is_none() {
            return Ok(Subject::Decoy);
        }
        let user = user
            .filter(|u| u.status != AccountStatus::Disabled)
            .ok_or(AppError::WizardExpired)?;
        Ok(Subject::Real(Box::new(Account { user, facts })))
    }

    /// The wizard, whose it is, and the policy it runs under.
    pub(super) async fn current(
        &self,
        meta: &RequestMeta,
    ) -> Result<(Wizard, Subject, ResetPolicy), AppError> {
        let rid = meta.request_id.as_str();
        let wizard = self.wizard(meta).await?;
        let policy = self.policy(rid).await?;
        let subject = self.subject(&wizard, &policy, rid).await?;
        Ok((wizard, subject, policy))
    }

    /// The step to show for the wizard as it is stored now.
    pub(super) async fn reread(&self, meta: &RequestMeta) -> Result<WizardView, AppError> {
        let (wizard, subject, policy) = self.current(meta).await?;
        self.view(&wizard, &subject, &policy, &meta.request_id)
            .await
    }

    /// The account behind a wizard whose gates are all passed, or `WizardExpired`.
    pub(super) async fn proven(
        &self,
        meta: &RequestMeta,
    ) -> Result<(Wizard, Box<Account>, ResetPolicy), AppError> {
        let (wizard, subject, policy) = self.current(meta).await?;
        match subject {
            Subject::Real(real) if wizard.all_gates_passed() => Ok((wizard, real, policy)),
            _ => Err(AppError::WizardExpired),
        }
    }

    /// Ends the wizard, if there is a live one, and clears its cookie.
    pub(super) async fn cancel_step(&self, meta: &RequestMeta) -> Result<SetCookie, AppError> {
        if let Ok(wizard) = self.wizard(meta).await {
            let mut conn = self.pool.acquire().await.or_internal(&meta.request_id)?;
            store::finish(&mut conn, &wizard.id_hash, "cancelled", self.clock.now())
                .await
                .or_internal(&meta.request_id)?;
        }
        Ok(self.clear_cookie())
    }
}
