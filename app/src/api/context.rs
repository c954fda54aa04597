//! Server side of the server functions: the service the server provides as context, what
//! the server knows of the request, and how results become statuses and cookies.

use super::{Me, UserPage};
use crate::domain::AppError;
use leptos::prelude::*;
use std::net::IpAddr;
use std::sync::Arc;

/// What the server read from the HTTP request before the server function ran.
#[derive(Debug, Clone)]
pub struct RequestMeta {
    /// The raw session id from the cookie, if any.
    pub session_token: Option<String>,
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
    async fn list_users(
        &self,
        meta: &RequestMeta,
        search: String,
        page: u32,
    ) -> Result<UserPage, AppError>;
}

/// Everything a server function body needs, provided per request.
#[derive(Clone)]
pub struct ApiContext {
    pub accounts: Arc<dyn AccountService>,
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
