//! The HTTP surface: server functions under `/api`, health and metrics, the built app, and
//! the layers every response passes through (security headers, request ids, body limit).

mod api;
mod assets;
pub mod client_ip;
mod csp_report;
mod headers;
mod health;
pub mod metrics;
mod request_id;

use crate::AppState;
use axum::routing::{get, post};
use axum::Router;
use http::HeaderName;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::request_id::{
    MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer,
};
use tower_http::trace::TraceLayer;

/// Request bodies larger than this are refused with 413.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

#[derive(Clone, Copy)]
struct NewRequestId;

impl MakeRequestId for NewRequestId {
    fn make_request_id<B>(&mut self, _: &http::Request<B>) -> Option<RequestId> {
        let id = uuid::Uuid::new_v4().simple().to_string();
        http::HeaderValue::from_str(&id[..12])
            .ok()
            .map(RequestId::new)
    }
}

/// Every log line inside a request carries its id, method and path (never its query or
/// body, which may hold secrets).
fn request_span(request: &http::Request<axum::body::Body>) -> tracing::Span {
    let id = request_id::request_id(request.headers());
    tracing::info_span!("request", id, method = %request.method(), path = request.uri().path())
}

pub fn router(state: AppState) -> Router {
    app::api::register_server_functions();
    // Install the recorder before anything counts, or early counts are lost.
    crate::observability::metrics();
    let x_request_id = HeaderName::from_static("x-request-id");
    let assets = assets::Assets::load(&state.config.static_dir);
    Router::new()
        .route("/api/{*fn_name}", post(api::server_fn))
        .route("/healthz", get(health::healthz))
        .route("/csp-report", post(csp_report::receive))
        .merge(assets.router())
        // Innermost, so a refused request falls through to the router like any unknown path.
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            metrics::serve,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            api::refuse_cross_site,
        ))
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            headers::security_headers,
        ))
        .layer(TraceLayer::new_for_http().make_span_with(request_span))
        .layer(PropagateRequestIdLayer::new(x_request_id.clone()))
        .layer(SetRequestIdLayer::new(x_request_id, NewRequestId))
        .with_state(state)
}
