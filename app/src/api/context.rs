//! Server side of the server functions: what the server knows of the request, how a body
//! takes its service from context, and how results become statuses and cookies.
//!
//! The server provides each service as its own context value, `Arc<dyn SomeService>`,
//! and the request as `Arc<RequestMeta>`. This module names no service trait, so every
//! API module can use it without it using them back.

use crate::domain::AppError;
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

/// The service `S` (a `dyn` service trait) the server provided for this request.
pub fn service<S: ?Sized + Send + Sync + 'static>() -> Result<Arc<S>, AppError> {
    use_context::<Arc<S>>().ok_or_else(not_provided)
}

/// What the server read from this request.
pub fn request_meta() -> Result<Arc<RequestMeta>, AppError> {
    use_context::<Arc<RequestMeta>>().ok_or_else(not_provided)
}

/// A server wiring bug, not the caller's fault; there is no request id to give yet.
fn not_provided() -> AppError {
    AppError::Internal {
        request_id: "-".into(),
    }
}

/// Sets the response status for an error.
pub fn set_status(error: &AppError) {
    super::response::set_status(error.status());
}

pub fn set_cookie(cookie: SetCookie) {
    if let (Some(options), Ok(value)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&cookie.0),
    ) {
        options.append_header(http::header::SET_COOKIE, value);
    }
}

/// Gives an error result its HTTP status, and passes the result on.
pub fn with_http_status<T>(result: Result<T, AppError>) -> Result<T, AppError> {
    if let Err(error) = &result {
        set_status(error);
    }
    result
}
