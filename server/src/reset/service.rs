//! The reset wizard's steps.

use app::api::context::{RequestMeta, ResetService, SetCookie};
use app::api::{GateAnswer, PowChallenge, WizardView};
use app::domain::password_policy::PasswordVerdict;
use app::domain::{AppError, MethodKind};

pub struct SqlReset {}

#[async_trait::async_trait]
impl ResetService for SqlReset {
    async fn challenge(&self, _meta: &RequestMeta) -> Result<PowChallenge, AppError> {
        Err(AppError::NotFound)
    }
    async fn begin(
        &self,
        _meta: &RequestMeta,
        _user: String,
        _challenge: String,
        _nonce: u64,
        _language: String,
    ) -> Result<(WizardView, SetCookie), AppError> {
        Err(AppError::NotFound)
    }
    async fn state(&self, _meta: &RequestMeta) -> Result<WizardView, AppError> {
        Err(AppError::WizardExpired)
    }
    async fn choose(
        &self,
        _meta: &RequestMeta,
        _method: MethodKind,
        _language: String,
    ) -> Result<WizardView, AppError> {
        Err(AppError::WizardExpired)
    }
    async fn back(&self, _meta: &RequestMeta) -> Result<WizardView, AppError> {
        Err(AppError::WizardExpired)
    }
    async fn verify(
        &self,
        _meta: &RequestMeta,
        _answer: GateAnswer,
    ) -> Result<WizardView, AppError> {
        Err(AppError::WizardExpired)
    }
    async fn check_password(
        &self,
        _meta: &RequestMeta,
        _password: String,
    ) -> Result<PasswordVerdict, AppError> {
        Err(AppError::WizardExpired)
    }
    async fn complete(
        &self,
        _meta: &RequestMeta,
        _password: String,
        _confirmation: String,
    ) -> Result<(WizardView, SetCookie), AppError> {
        Err(AppError::WizardExpired)
    }
    async fn unlock(&self, _meta: &RequestMeta) -> Result<(WizardView, SetCookie), AppError> {
        Err(AppError::WizardExpired)
    }
    async fn cancel(&self, _meta: &RequestMeta) -> Result<SetCookie, AppError> {
        Err(AppError::WizardExpired)
    }
}

impl SqlReset {
    /// The wizard cookie, named like the session cookie (`__Host-` on https).
    pub fn cookie_name(&self) -> &'static str {
        "sspr_reset"
    }
}
