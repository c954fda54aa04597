//! Security info: the verification methods a signed-in user registers, proves and
//! removes, and the registration policy that decides when they are asked to.

use crate::api::codec::StrictJson;
#[cfg(feature = "ssr")]
use crate::api::context::RequestMeta;
use crate::domain::{AppError, MethodKind, RegistrationDue};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One method as the owner sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MethodView {
    pub kind: MethodKind,
    pub registered: bool,
    /// The masked address or number, or how many recovery codes are left.
    pub detail: Option<String>,
    pub registered_at: Option<i64>,
}

/// Everything the security info page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityInfo {
    pub methods: Vec<MethodView>,
    pub methods_required: u8,
    pub question_count: u8,
    pub last_confirmed_at: Option<i64>,
    pub due: Option<RegistrationDue>,
    pub postponed: bool,
    pub postpones_left: u32,
    /// Until when (unix seconds) changes need no password typed again.
    pub reauth_until: i64,
    pub sms_available: bool,
}

/// Whether a signed-in user must visit their security info first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct RegistrationStatus {
    pub due: Option<RegistrationDue>,
    /// Postponed for this session.
    pub postponed: bool,
    pub postpones_left: u32,
}

impl RegistrationStatus {
    /// The client sends the user to their security info while this holds.
    pub fn must_register_now(&self) -> bool {
        self.due.is_some() && !self.postponed
    }
}

/// Registration policy. Defaults come from configuration until an admin saves it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationPolicy {
    pub require_at_sign_in: bool,
    /// 0 means never ask to reconfirm.
    pub reconfirm_days: u16,
    pub methods_required: u8,
    pub postpone_limit: u8,
    pub question_count: u8,
}

/// A question from the bank, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub id: i64,
    pub text_en: String,
    pub text_el: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QuestionAnswer {
    pub question_id: i64,
    pub answer: String,
}

/// A code was sent; it is valid until `expires_at`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSent {
    pub masked: String,
    pub expires_at: i64,
}

/// What the page needs to add an authenticator app.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuthenticatorSetup {
    /// A QR code of `uri` as SVG, made on the server.
    pub qr_svg: String,
    /// The secret in groups of four, for typing in by hand.
    pub secret: String,
    pub uri: String,
}

/// Registering, proving and removing verification methods, and the registration policy.
#[cfg(feature = "ssr")]
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
}

#[server(endpoint = "security_info", input = StrictJson)]
pub async fn get_security_info() -> Result<SecurityInfo, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let security = context::service::<dyn SecurityInfoService>()?;
    context::with_http_status(security.overview(&meta).await)
}

/// Confirms the password, so changes are allowed for a few minutes.
#[server(endpoint = "reauthenticate", input = StrictJson)]
pub async fn reauthenticate(password: String) -> Result<i64, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let security = context::service::<dyn SecurityInfoService>()?;
    context::with_http_status(security.reauthenticate(&meta, password).await)
}

/// Sends a one-time code to an email address (`language`: "en" or "el").
#[server(endpoint = "send_email_code", input = StrictJson)]
pub async fn send_email_code(address: String, language: String) -> Result<CodeSent, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let security = context::service::<dyn SecurityInfoService>()?;
    let result = security.send_code(&meta, MethodKind::Email, address, language);
    context::with_http_status(result.await)
}

/// Sends a one-time code by SMS.
#[server(endpoint = "send_phone_code", input = StrictJson)]
pub async fn send_phone_code(number: String, language: String) -> Result<CodeSent, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let security = context::service::<dyn SecurityInfoService>()?;
    let result = security.send_code(&meta, MethodKind::Phone, number, language);
    context::with_http_status(result.await)
}

/// Registers the email address or phone number the code was sent to.
#[server(endpoint = "confirm_code", input = StrictJson)]
pub async fn confirm_code(kind: MethodKind, code: String) -> Result<SecurityInfo, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let security = context::service::<dyn SecurityInfoService>()?;
    context::with_http_status(security.confirm_code(&meta, kind, code).await)
}

#[server(endpoint = "start_authenticator", input = StrictJson)]
pub async fn start_authenticator() -> Result<AuthenticatorSetup, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let security = context::service::<dyn SecurityInfoService>()?;
    context::with_http_status(security.start_authenticator(&meta).await)
}

#[server(endpoint = "confirm_authenticator", input = StrictJson)]
pub async fn confirm_authenticator(code: String) -> Result<SecurityInfo, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let security = context::service::<dyn SecurityInfoService>()?;
    context::with_http_status(security.confirm_authenticator(&meta, code).await)
}

/// The active questions users may choose from.
#[server(endpoint = "question_bank", input = StrictJson)]
pub async fn question_bank() -> Result<Vec<Question>, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let security = context::service::<dyn SecurityInfoService>()?;
    context::with_http_status(security.question_bank(&meta).await)
}

#[server(endpoint = "save_questions", input = StrictJson)]
pub async fn save_questions(answers: Vec<QuestionAnswer>) -> Result<SecurityInfo, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let security = context::service::<dyn SecurityInfoService>()?;
    context::with_http_status(security.save_questions(&meta, answers).await)
}

/// Replaces the recovery codes with ten new ones, returned this once only.
#[server(endpoint = "new_recovery_codes", input = StrictJson)]
pub async fn new_recovery_codes() -> Result<Vec<String>, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let security = context::service::<dyn SecurityInfoService>()?;
    context::with_http_status(security.new_recovery_codes(&meta).await)
}

#[server(endpoint = "remove_method", input = StrictJson)]
pub async fn remove_method(kind: MethodKind) -> Result<SecurityInfo, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let security = context::service::<dyn SecurityInfoService>()?;
    context::with_http_status(security.remove_method(&meta, kind).await)
}

/// "My info is still correct": resets the reconfirmation clock.
#[server(endpoint = "confirm_security_info", input = StrictJson)]
pub async fn confirm_security_info() -> Result<SecurityInfo, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let security = context::service::<dyn SecurityInfoService>()?;
    context::with_http_status(security.reconfirm(&meta).await)
}

/// Skips registration for this session; returns how many postponements are left.
#[server(endpoint = "postpone_registration", input = StrictJson)]
pub async fn postpone_registration() -> Result<u32, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let security = context::service::<dyn SecurityInfoService>()?;
    context::with_http_status(security.postpone(&meta).await)
}
