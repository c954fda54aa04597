//! The password policy: its length limits for live feedback in any password form, and a
//! signed-in user's check of a candidate against every rule but the history.

use crate::api::codec::StrictJson;
#[cfg(feature = "ssr")]
use crate::api::context::RequestMeta;
use crate::domain::password_policy::{PasswordRules, PasswordVerdict};
use crate::domain::AppError;
use leptos::prelude::*;

/// The password policy as the client sees it: the length limits for live feedback, and
/// a signed-in user's check of a candidate password.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait PasswordPolicyService: Send + Sync {
    async fn rules(&self, meta: &RequestMeta) -> Result<PasswordRules, AppError>;
    async fn check(
        &self,
        meta: &RequestMeta,
        password: String,
    ) -> Result<PasswordVerdict, AppError>;
}

/// The length limits in force. Not secret: the sign-in page may show them as well.
#[server(endpoint = "password_rules", input = StrictJson)]
pub async fn get_password_rules() -> Result<PasswordRules, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let policy = context::service::<dyn PasswordPolicyService>()?;
    context::with_http_status(policy.rules(&meta).await)
}

/// The signed-in user's candidate password against the policy: length, the common list,
/// banned words and their own names. The history is left to the change itself, which
/// needs the current password first.
#[server(endpoint = "check_password", input = StrictJson)]
pub async fn check_password(password: String) -> Result<PasswordVerdict, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let policy = context::service::<dyn PasswordPolicyService>()?;
    context::with_http_status(policy.check(&meta, password).await)
}
