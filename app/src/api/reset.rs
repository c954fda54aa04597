//! The reset wizard: who are you (with a proof-of-work CAPTCHA), one or two verification
//! gates, a new password checked against the policy, done. The wizard's state lives on the
//! server, bound to a random id in a cookie; every call answers with the step to show, so
//! back, refresh and a second tab all land on the same step.

use crate::api::codec::StrictJson;
#[cfg(feature = "ssr")]
use crate::api::context::{RequestMeta, SetCookie};
use crate::api::security_info::{Question, QuestionAnswer};
use crate::domain::password_policy::{PasswordRules, PasswordVerdict};
use crate::domain::{AppError, MethodKind};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// A signed proof-of-work challenge: find a nonce so that SHA-256 of
/// `challenge ":" nonce` starts with `difficulty` zero bits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PowChallenge {
    pub challenge: String,
    pub difficulty: u8,
    /// The admin's "contact your administrator" text, so the first step can show it too.
    #[serde(default)]
    pub contact_admin: String,
}

/// A method the user may pick at a gate, by its masked hint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodHint {
    pub kind: MethodKind,
    /// "j***@example.com", "+30 *** *** **12"; empty for methods without a destination.
    pub hint: String,
}

/// The step the wizard is on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum WizardStep {
    /// Pick a method for gate `number` (1, then 2 where a second is needed). How many
    /// gates there are is not said before the first is passed: admins need two, and the
    /// count would tell them apart from users and from names without an account.
    Choose {
        number: u8,
        methods: Vec<MethodHint>,
    },
    /// Answer the chosen method: type the code, the authenticator code, a recovery code,
    /// or the answers to `questions`.
    Prove {
        number: u8,
        method: MethodHint,
        questions: Vec<Question>,
        /// When a code was sent, until when it is valid (unix seconds).
        code_expires_at: Option<i64>,
    },
    /// Choose a new password (or, when allowed and locked, just unlock).
    NewPassword {
        rules: PasswordRules,
        can_unlock: bool,
    },
    /// Finished; `unlocked` says the account was unlocked without a new password.
    Done { unlocked: bool },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WizardView {
    pub step: WizardStep,
    /// When the wizard ends (unix seconds).
    pub expires_at: i64,
    /// The admin's "contact your administrator" text, shown as help on every step.
    pub contact_admin: String,
}

/// What the user typed at a gate: a code, or answers to the questions shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GateAnswer {
    pub code: String,
    pub answers: Vec<QuestionAnswer>,
}

/// The reset wizard. Every step reads the wizard from `meta.reset_token`.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait ResetService: Send + Sync {
    async fn challenge(&self, meta: &RequestMeta) -> Result<PowChallenge, AppError>;
    async fn begin(
        &self,
        meta: &RequestMeta,
        user: String,
        challenge: String,
        nonce: u64,
        language: String,
    ) -> Result<(WizardView, SetCookie), AppError>;
    async fn state(&self, meta: &RequestMeta) -> Result<WizardView, AppError>;
    async fn choose(
        &self,
        meta: &RequestMeta,
        method: MethodKind,
        language: String,
    ) -> Result<WizardView, AppError>;
    async fn back(&self, meta: &RequestMeta) -> Result<WizardView, AppError>;
    async fn verify(&self, meta: &RequestMeta, answer: GateAnswer) -> Result<WizardView, AppError>;
    async fn check_password(
        &self,
        meta: &RequestMeta,
        password: String,
    ) -> Result<PasswordVerdict, AppError>;
    async fn complete(
        &self,
        meta: &RequestMeta,
        password: String,
        confirmation: String,
    ) -> Result<(WizardView, SetCookie), AppError>;
    async fn unlock(&self, meta: &RequestMeta) -> Result<(WizardView, SetCookie), AppError>;
    async fn cancel(&self, meta: &RequestMeta) -> Result<SetCookie, AppError>;
}

/// A fresh CAPTCHA challenge for the first step.
#[server(endpoint = "reset_challenge", input = StrictJson)]
pub async fn reset_challenge() -> Result<PowChallenge, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let reset = context::service::<dyn ResetService>()?;
    context::with_http_status(reset.challenge(&meta).await)
}

/// Starts a wizard for a username or email address. Answers the same way whether or not
/// the account exists.
#[server(endpoint = "reset_begin", input = StrictJson)]
pub async fn reset_begin(
    user: String,
    challenge: String,
    nonce: u64,
    language: String,
) -> Result<WizardView, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let reset = context::service::<dyn ResetService>()?;
    let result = reset.begin(&meta, user, challenge, nonce, language).await;
    context::with_http_status(result.map(|(view, cookie)| {
        context::set_cookie(cookie);
        view
    }))
}

/// The wizard's current step (after a refresh, or in a second tab).
#[server(endpoint = "reset_state", input = StrictJson)]
pub async fn reset_state() -> Result<WizardView, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let reset = context::service::<dyn ResetService>()?;
    context::with_http_status(reset.state(&meta).await)
}

/// Picks the method for the current gate; for email and phone this sends a code.
#[server(endpoint = "reset_choose", input = StrictJson)]
pub async fn reset_choose(method: MethodKind, language: String) -> Result<WizardView, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let reset = context::service::<dyn ResetService>()?;
    context::with_http_status(reset.choose(&meta, method, language).await)
}

/// Goes back from proving a method to choosing one, for the same gate.
#[server(endpoint = "reset_back", input = StrictJson)]
pub async fn reset_back() -> Result<WizardView, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let reset = context::service::<dyn ResetService>()?;
    context::with_http_status(reset.back(&meta).await)
}

#[server(endpoint = "reset_verify", input = StrictJson)]
pub async fn reset_verify(answer: GateAnswer) -> Result<WizardView, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let reset = context::service::<dyn ResetService>()?;
    context::with_http_status(reset.verify(&meta, answer).await)
}

/// Live feedback on a candidate password once the gates are passed.
#[server(endpoint = "reset_check_password", input = StrictJson)]
pub async fn reset_check_password(password: String) -> Result<PasswordVerdict, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let reset = context::service::<dyn ResetService>()?;
    context::with_http_status(reset.check_password(&meta, password).await)
}

/// Sets the new password. The server knows whose wizard this is; no user is sent.
#[server(endpoint = "reset_complete", input = StrictJson)]
pub async fn reset_complete(
    password: String,
    confirmation: String,
) -> Result<WizardView, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let reset = context::service::<dyn ResetService>()?;
    let result = reset.complete(&meta, password, confirmation).await;
    context::with_http_status(result.map(|(view, cookie)| {
        context::set_cookie(cookie);
        view
    }))
}

/// Unlocks the account without a new password, where policy allows.
#[server(endpoint = "reset_unlock", input = StrictJson)]
pub async fn reset_unlock() -> Result<WizardView, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let reset = context::service::<dyn ResetService>()?;
    let result = reset.unlock(&meta).await;
    context::with_http_status(result.map(|(view, cookie)| {
        context::set_cookie(cookie);
        view
    }))
}

/// Abandons the wizard.
#[server(endpoint = "reset_cancel", input = StrictJson)]
pub async fn reset_cancel() -> Result<(), AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let reset = context::service::<dyn ResetService>()?;
    let result = reset.cancel(&meta).await;
    context::with_http_status(result.map(context::set_cookie))
}
