//! `GET /metrics` (Prometheus text), for the monitoring system only. Counters such as
//! deliveries and lockouts move for real accounts alone, so anyone else reading them would
//! learn which names exist. A request is served when it carries the configured bearer
//! token, or comes straight (not through a proxy) from an allowed address; any other
//! request passes on to the router, which has no such route and answers exactly as it does
//! for any unknown path, so nobody outside learns that the endpoint exists.

mod access;

pub use access::{MetricsAccess, RawMetrics};

use crate::state::AppState;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::{header, Method, StatusCode};
use std::net::SocketAddr;

pub const PATH: &str = "/metrics";

/// Answers `GET /metrics` for those `MetricsAccess` permits; passes everything else on.
pub async fn serve(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let asked = request.uri().path() == PATH && request.method() == Method::GET;
    if !asked {
        return next.run(request).await;
    }
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|ConnectInfo(addr)| addr.ip());
    if !state.config.metrics.permits(peer, request.headers()) {
        return next.run(request).await;
    }
    match crate::observability::metrics() {
        Some(handle) => (
            [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
            handle.render(),
        )
            .into_response(),
        None => (StatusCode::SERVICE_UNAVAILABLE, "metrics unavailable\n").into_response(),
    }
}
