//! The reset wizard's steps. Each reads the wizard from its cookie, checks on the server
//! that the step is allowed now, and answers with the step to show.
//!
//! Unknown names, disabled accounts, accounts outside the policy's scope and accounts with
//! too few methods get a decoy wizard: the same queries, the same answers and hints, and
//! codes that are "sent" but never verify. Only the outcome of a gate can differ, the way
//! a wrong code differs from a right one.
//!
//! This file holds the service's state and its entry points; each step has its own file:
//! `identify` (the first step), `choose` (a method for a gate), `prove` (the answer at a
//! gate), `conclude` (a new password or an unlock) and `view` (the step to show).
//! `wizard` reads the wizard behind a request, `policy` the rules it runs under, `block`
//! the daily block on a name and `audit` what each step records.

use crate::accounts::SqlAccounts;
use crate::audit::Audit;
use crate::captcha::Captcha;
use crate::clock::SharedClock;
use crate::delivery::Delivery;
use crate::directory::connected::ConnectedDirectory;
use crate::password_policy::PasswordPolicies;
use crate::passwords::PasswordHasher;
use crate::policy::{RegistrationRules, ResetRules};
use crate::secret::ServerSecret;
use crate::throttle::Throttle;
use crate::verification::CodeRules;
use app::api::context::{RequestMeta, SetCookie};
use app::api::ResetService;
use app::api::{GateAnswer, PowChallenge, WizardView};
use app::domain::password_policy::PasswordVerdict;
use app::domain::reset_policy::ResetPolicy;
use app::domain::{AppError, MethodKind};
use sqlx::SqlitePool;
use std::sync::Arc;

mod audit;
mod block;
mod choose;
mod conclude;
mod identify;
mod policy;
mod prove;
mod view;
mod wizard;

const HOUR: i64 = 3600;
const DAY: i64 = 24 * HOUR;

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
    pub profiles: super::decoy::Profiles,
    pub cached_policy: std::sync::RwLock<Option<ResetPolicy>>,
    /// Inserts new wizards while their names are not blocked, in group commits.
    pub admissions: super::admission::Admissions,
    /// Every step answers no sooner than this after it began, so the little extra work a
    /// real account costs (a code sent, a code redeemed) cannot be told apart by timing.
    pub answer_floor: std::time::Duration,
    /// Where a reset or unlock is written in `ldap` mode.
    pub directory: Option<Arc<ConnectedDirectory>>,
}

impl SqlReset {
    /// Runs a step and answers no sooner than the floor after it began.
    async fn floored<T>(&self, step: impl std::future::Future<Output = T>) -> T {
        let began = tokio::time::Instant::now();
        let answer = step.await;
        tokio::time::sleep_until(began + self.answer_floor).await;
        answer
    }
}

#[async_trait::async_trait]
impl ResetService for SqlReset {
    async fn challenge(&self, meta: &RequestMeta) -> Result<PowChallenge, AppError> {
        self.challenge_step(meta).await
    }

    async fn begin(
        &self,
        meta: &RequestMeta,
        user: String,
        challenge: String,
        nonce: u64,
        language: String,
    ) -> Result<(WizardView, SetCookie), AppError> {
        self.floored(self.identify(meta, user, challenge, nonce, language))
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
        self.check_password_step(meta, password).await
    }

    async fn complete(
        &self,
        meta: &RequestMeta,
        password: String,
        confirmation: String,
    ) -> Result<(WizardView, SetCookie), AppError> {
        self.complete_step(meta, password, confirmation).await
    }

    async fn unlock(&self, meta: &RequestMeta) -> Result<(WizardView, SetCookie), AppError> {
        self.unlock_step(meta).await
    }

    async fn cancel(&self, meta: &RequestMeta) -> Result<SetCookie, AppError> {
        self.cancel_step(meta).await
    }
}

/// Queueing fails only on storage (SMS is offered only where it can be sent).
fn storage(error: crate::delivery::EnqueueError) -> sqlx::Error {
    match error {
        crate::delivery::EnqueueError::Database(e) => e,
        other => sqlx::Error::Protocol(other.to_string()),
    }
}
