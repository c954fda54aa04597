//! Sign-in, sign-out, the signed-in user and password change.

use crate::api::codec::StrictJson;
#[cfg(feature = "ssr")]
use crate::api::context::{RequestMeta, SetCookie};
use crate::domain::{AppError, Role};
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The signed-in user as the client sees them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub roles: Vec<Role>,
    pub must_change_password: bool,
    pub registration: crate::api::security_info::RegistrationStatus,
}

impl Me {
    pub fn is_admin(&self) -> bool {
        crate::domain::roles::is_admin(&self.roles)
    }
}

/// The account workflows, implemented by the server.
#[cfg(feature = "ssr")]
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

/// Signs in and sets the session cookie.
#[server(endpoint = "sign_in", input = StrictJson)]
pub async fn sign_in(username: String, password: String) -> Result<Me, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let accounts = context::service::<dyn AccountService>()?;
    let result = accounts.sign_in(&meta, username, password).await;
    context::with_http_status(result.map(|(me, cookie)| {
        context::set_cookie(cookie);
        me
    }))
}

/// Deletes the current session and clears the cookie.
#[server(endpoint = "sign_out", input = StrictJson)]
pub async fn sign_out() -> Result<(), AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let accounts = context::service::<dyn AccountService>()?;
    let result = accounts.sign_out(&meta).await;
    context::with_http_status(result.map(context::set_cookie))
}

/// The signed-in user, or `None`.
#[server(endpoint = "current_user", input = StrictJson)]
pub async fn current_user() -> Result<Option<Me>, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let accounts = context::service::<dyn AccountService>()?;
    context::with_http_status(accounts.current_user(&meta).await)
}

/// Changes the signed-in user's password, ends every session and continues this one
/// under a new session id.
#[server(endpoint = "change_password", input = StrictJson)]
pub async fn change_password(
    current: String,
    new_password: String,
    confirmation: String,
) -> Result<(), AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let accounts = context::service::<dyn AccountService>()?;
    let result = accounts
        .change_password(&meta, current, new_password, confirmation)
        .await;
    context::with_http_status(result.map(context::set_cookie))
}
