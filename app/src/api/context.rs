//! Server side of the server functions: the service the server provides as context, what
//! the server knows of the request, and how results become statuses and cookies.

use super::admin::{
    audit_log::AuditAdmin, delivery::DeliveryAdmin, groups::GroupAdmin, policies::PolicyAdmin,
    reports::ReportsAdmin, troubleshoot::TroubleshootAdmin, users::UserAdmin,
};
use super::{
    AuthenticatorSetup, CodeSent, GateAnswer, Me, OutboxEntry, PowChallenge, Question,
    QuestionAnswer, RegistrationPolicy, SecurityInfo, WizardView,
};
use crate::domain::password_policy::{PasswordRules, PasswordVerdict};
use crate::domain::reset_policy::ResetPolicy;
use crate::domain::AppError;
use crate::domain::MethodKind;
use leptos::prelude::*;
use std::net::IpAddr;
use std::sync::Arc;

/// What the server read from the HTTP request before the server function ran.
#[derive(Debug, Clone)]
pub struct RequestMeta {
    /// The raw session id from the cookie, if any.
    pub session_token: Option<String>,
    /// The raw reset-wizard id from its cookie, if any.
    pub reset_token: Option<String>,
    pub ip: IpAddr,
    pub user_agent: String,
    pub request_id: String,
}

/// A complete `Set-Cookie` header value.
#[derive(Debug, Clone)]
pub struct SetCookie(pub String);

/// The account workflows, implemented by the server.
#[async_trait::async_trait]
pub trait AccountService: Send + Sync {
    async fn sign_in(
        &self,
        meta: &RequestMeta,
        username: String,
        password: String,
    ) -> Result<(Me, SetCookie), AppError>;
    async fn sign_out(&self, meta: &RequestMeta) -> Result<SetCookie, AppError>;
    async fn current_user(&self, meta: &RequestMeta) -> Result<Option<Me>, AppError>;
    async fn change_password(
        &self,
        meta: &RequestMeta,
        current: String,
        new_password: String,
        confirmation: String,
    ) -> Result<SetCookie, AppError>;
}

/// Registering, proving and removing verification methods, and the registration policy.
#[async_trait::async_trait]
pub trait SecurityInfoService: Send + Sync {
    async fn overview(&self, meta: &RequestMeta) -> Result<SecurityInfo, AppError>;
    async fn reauthenticate(&self, meta: &RequestMeta, password: String) -> Result<i64, AppError>;
    async fn send_code(
        &self,
        meta: &RequestMeta,
        kind: MethodKind,
        destination: String,
        language: String,
    ) -> Result<CodeSent, AppError>;
    async fn confirm_code(
        &self,
        meta: &RequestMeta,
        kind: MethodKind,
        code: String,
    ) -> Result<SecurityInfo, AppError>;
    async fn start_authenticator(&self, meta: &RequestMeta)
        -> Result<AuthenticatorSetup, AppError>;
    async fn confirm_authenticator(
        &self,
        meta: &RequestMeta,
        code: String,
    ) -> Result<SecurityInfo, AppError>;
    async fn question_bank(&self, meta: &RequestMeta) -> Result<Vec<Question>, AppError>;
    async fn save_questions(
        &self,
        meta: &RequestMeta,
        answers: Vec<QuestionAnswer>,
    ) -> Result<SecurityInfo, AppError>;
    async fn new_recovery_codes(&self, meta: &RequestMeta) -> Result<Vec<String>, AppError>;
    async fn remove_method(
        &self,
        meta: &RequestMeta,
        kind: MethodKind,
    ) -> Result<SecurityInfo, AppError>;
    async fn reconfirm(&self, meta: &RequestMeta) -> Result<SecurityInfo, AppError>;
    async fn postpone(&self, meta: &RequestMeta) -> Result<u32, AppError>;
    async fn registration_policy(&self, meta: &RequestMeta)
        -> Result<RegistrationPolicy, AppError>;
    async fn update_registration_policy(
        &self,
        meta: &RequestMeta,
        policy: RegistrationPolicy,
    ) -> Result<RegistrationPolicy, AppError>;
}

/// The reset wizard. Every step reads the wizard from `meta.reset_token`.
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
    async fn policy(&self, meta: &RequestMeta) -> Result<ResetPolicy, AppError>;
    async fn update_policy(
        &self,
        meta: &RequestMeta,
        policy: ResetPolicy,
    ) -> Result<ResetPolicy, AppError>;
}

/// The admin view of the delivery outbox.
#[async_trait::async_trait]
pub trait OutboxService: Send + Sync {
    async fn recent(&self, meta: &RequestMeta) -> Result<Vec<OutboxEntry>, AppError>;
}

/// The password policy as the client sees it: the length limits for live feedback, and
/// a signed-in user's check of a candidate password.
#[async_trait::async_trait]
pub trait PasswordPolicyService: Send + Sync {
    async fn rules(&self, meta: &RequestMeta) -> Result<PasswordRules, AppError>;
    async fn check(
        &self,
        meta: &RequestMeta,
        password: String,
    ) -> Result<PasswordVerdict, AppError>;
}

/// Everything a server function body needs, provided per request.
#[derive(Clone)]
pub struct ApiContext {
    pub accounts: Arc<dyn AccountService>,
    pub security: Arc<dyn SecurityInfoService>,
    pub outbox: Arc<dyn OutboxService>,
    pub reset: Arc<dyn ResetService>,
    pub password_policy: Arc<dyn PasswordPolicyService>,
    pub policy_admin: Arc<dyn PolicyAdmin>,
    pub user_admin: Arc<dyn UserAdmin>,
    pub group_admin: Arc<dyn GroupAdmin>,
    pub audit_admin: Arc<dyn AuditAdmin>,
    pub reports_admin: Arc<dyn ReportsAdmin>,
    pub troubleshoot_admin: Arc<dyn TroubleshootAdmin>,
    pub delivery_admin: Arc<dyn DeliveryAdmin>,
    pub meta: Arc<RequestMeta>,
}

pub fn api() -> Result<ApiContext, AppError> {
    use_context::<ApiContext>().ok_or_else(|| AppError::Internal {
        request_id: "-".into(),
    })
}

/// Sets the response status for an error.
pub fn set_status(error: &AppError) {
    if let Some(options) = use_context::<leptos_axum::ResponseOptions>() {
        if let Ok(status) = http::StatusCode::from_u16(error.status()) {
            options.set_status(status);
        }
    }
}

pub fn set_cookie(cookie: SetCookie) {
    if let (Some(options), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&cookie.0),
    ) {
        options.append_header(http::header::SET_COOKIE, value);
    }
}

/// Gives an error result its HTTP status.
pub fn finish<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        set_status(error);
    }
    result
}
