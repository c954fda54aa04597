//! `GET /healthz`: checks the database and, in `ldap` mode, that the service account can
//! bind; the answer names the dependency that failed. (`/metrics` is in `metrics.rs`,
//! behind its access rule.)

use crate::AppState;
use axum::extract::State;
use axum::response::{IntoResponse, Response};
use http::StatusCode;

pub async fn healthz(State(state): State<AppState>) -> Response {
    if let Err(error) = sqlx::query_scalar::<_, i64>("SELECT 1")
        .fetch_one(&state.pool)
        .await
    {
        tracing::error!(%error, "health check failed: database");
        return (StatusCode::SERVICE_UNAVAILABLE, "database unavailable\n").into_response();
    }
    if let Some(directory) = &state.directory {
        if let Err(error) = directory.reachable().await {
            tracing::error!(%error, "health check failed: directory");
            return (StatusCode::SERVICE_UNAVAILABLE, "directory unavailable\n").into_response();
        }
    }
    (StatusCode::OK, "ok\n").into_response()
}
