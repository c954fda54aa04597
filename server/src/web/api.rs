//! The server-function endpoint. It reads what the workflows need from the request
//! (session cookie, client address, user agent, request id), provides the services as
//! context and lets leptos_axum run the function. State-changing calls from another
//! origin are refused before that.

use crate::AppState;
use app::api::context::RequestMeta;
use app::api::{
    AccountService, AuditLogService, DeliveryService, DirectoryService, GroupService,
    PasswordPolicyService, PolicyEditorService, ReportsService, ResetService, SecurityInfoService,
    TroubleshootService, UserAdminService,
};
use app::domain::AppError;
use axum::body::Body;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, Method, StatusCode};
use leptos::prelude::provide_context;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

/// Answers with an `AppError` the client can decode and translate.
pub fn error_response(error: AppError) -> Response {
    let status = StatusCode::from_u16(error.status()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = serde_json::to_string(&error).unwrap_or_else(|_| "\"Network\"".into());
    (status, [(header::CONTENT_TYPE, "application/json")], body).into_response()
}

fn request_meta(state: &AppState, request: &Request) -> RequestMeta {
    let headers = request.headers();
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    };
    let session_token = crate::sessions::cookie_value(text("cookie"), state.sessions.cookie_name())
        .map(str::to_owned);
    let reset_token =
        crate::sessions::cookie_value(text("cookie"), state.reset.cookie_name()).map(str::to_owned);
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip())
        .unwrap_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED));
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .collect();
    let ip = super::client_ip::client_ip(peer, &forwarded, &state.config.trusted_proxies);
    RequestMeta {
        session_token,
        reset_token,
        ip,
        user_agent: text("user-agent").chars().take(256).collect(),
        request_id: super::request_id::request_id(headers).to_owned(),
    }
}

pub async fn server_fn(State(state): State<AppState>, request: Request<Body>) -> Response {
    let path = request.uri().path().to_owned();
    if server_fn::axum::get_server_fn_service(&path, Method::POST).is_none() {
        return error_response(AppError::NotFound);
    }
    let meta = Arc::new(request_meta(&state, &request));
    leptos_axum::handle_server_fns_with_context(move || provide_services(&state, &meta), request)
        .await
        .into_response()
}

/// Provides each service as its own context value, read back by `app::api::context::service`.
fn provide_services(state: &AppState, meta: &Arc<RequestMeta>) {
    provide_context::<Arc<dyn AccountService>>(state.accounts.clone());
    provide_context::<Arc<dyn SecurityInfoService>>(state.security.clone());
    provide_context::<Arc<dyn ResetService>>(state.reset.clone());
    provide_context::<Arc<dyn PasswordPolicyService>>(Arc::new(
        crate::password_policy::PasswordPolicyApi {
            policies: state.password_policy.clone(),
            accounts: state.accounts.clone(),
        },
    ));
    provide_context::<Arc<dyn PolicyEditorService>>(state.admin.clone());
    provide_context::<Arc<dyn UserAdminService>>(state.admin.clone());
    provide_context::<Arc<dyn GroupService>>(state.admin.clone());
    provide_context::<Arc<dyn AuditLogService>>(state.admin.clone());
    provide_context::<Arc<dyn ReportsService>>(state.admin.clone());
    provide_context::<Arc<dyn TroubleshootService>>(state.admin.clone());
    provide_context::<Arc<dyn DeliveryService>>(state.admin.clone());
    provide_context::<Arc<dyn DirectoryService>>(state.admin.clone());
    provide_context(meta.clone());
}

/// Refuses a state-changing request to `/api` unless its Origin is our public origin.
/// Browsers send Origin on every POST, so a missing one is refused too; the SameSite
/// cookie is the second line.
pub async fn refuse_cross_site(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    let guarded = request.uri().path().starts_with("/api/") && request.method() != Method::GET;
    if guarded {
        let origin = request
            .headers()
            .get(header::ORIGIN)
            .and_then(|v| v.to_str().ok());
        if origin != Some(state.config.public_origin.as_str()) {
            tracing::warn!(
                origin = origin.unwrap_or("(none)"),
                "cross-site request refused"
            );
            return error_response(AppError::CrossSite);
        }
    }
    next.run(request).await
}
