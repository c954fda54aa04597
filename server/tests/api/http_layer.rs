//! What every response carries, and how malformed or foreign requests are answered.

use crate::helpers::*;
use axum::body::Body;
use http::Request;
use serde_json::json;

fn post(path: &str, origin: Option<&str>, body: impl Into<Body>) -> Request<Body> {
    let mut request = Request::post(path).header("content-type", "application/json");
    if let Some(origin) = origin {
        request = request.header("origin", origin);
    }
    request.body(body.into()).unwrap()
}

#[tokio::test]
async fn every_response_has_the_security_headers_and_api_answers_are_not_cached() {
    let app = spawn_app().await;
    let api = app.call("current_user", json!({}), None).await;
    let page = app
        .send(Request::get("/account").body(Body::empty()).unwrap())
        .await;
    for reply in [&api, &page] {
        let csp = reply.headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("script-src 'self' 'wasm-unsafe-eval'"),
            "{csp}"
        );
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline") && !csp.contains("'unsafe-eval'"));
        assert_eq!(reply.headers["x-content-type-options"], "nosniff");
        assert_eq!(reply.headers["referrer-policy"], "no-referrer");
        assert!(
            reply.headers.get("strict-transport-security").is_none(),
            "no HSTS on http"
        );
        assert!(reply.headers.get("x-request-id").is_some());
    }
    assert_eq!(api.headers["cache-control"], "no-store");
}

#[tokio::test]
async fn https_deployments_get_hsts_and_secure_host_cookies() {
    let app = spawn_app_with(|c| c.public_base_url = "https://reset.example.org".into()).await;
    app.add_user("maria", &[]).await;
    let reply = app.sign_in("maria", PASSWORD).await;
    assert!(reply.headers["strict-transport-security"]
        .to_str()
        .unwrap()
        .contains("max-age=31536000"));
    let cookie = reply.headers["set-cookie"].to_str().unwrap();
    assert!(
        cookie.starts_with("__Host-sspr_session=") && cookie.contains("Secure"),
        "{cookie}"
    );
}

#[tokio::test]
async fn a_post_from_another_origin_or_without_one_is_refused() {
    let app = spawn_app().await;
    let args = json!({ "username": "x", "password": "y" }).to_string();
    let foreign = app
        .send(post(
            "/api/sign_in",
            Some("https://evil.example"),
            args.clone(),
        ))
        .await;
    assert_eq!(foreign.status, 403);
    assert_eq!(foreign.body, json!("CrossSite"));
    let missing = app.send(post("/api/sign_in", None, args)).await;
    assert_eq!(missing.status, 403);
}

#[tokio::test]
async fn malformed_payloads_are_a_400_with_a_message() {
    let app = spawn_app().await;
    let origin = app.origin();
    let reply = app
        .send(post("/api/sign_in", Some(&origin), "{not json"))
        .await;
    assert_eq!(reply.status, 400, "{}", reply.text);
    assert!(reply.body["BadRequest"].is_string(), "{}", reply.text);
    let missing_field = app
        .send(post("/api/sign_in", Some(&origin), r#"{"username":"x"}"#))
        .await;
    assert_eq!(missing_field.status, 400, "{}", missing_field.text);
}

#[tokio::test]
async fn an_oversized_body_is_a_413() {
    let app = spawn_app().await;
    let origin = app.origin();
    let body = json!({ "username": "x", "password": "y".repeat(100_000) }).to_string();
    let request = Request::post("/api/sign_in")
        .header("content-type", "application/json")
        .header("content-length", body.len())
        .header("origin", origin)
        .body(Body::from(body))
        .unwrap();
    assert_eq!(app.send(request).await.status, 413);
}

#[tokio::test]
async fn an_unknown_server_function_is_a_404() {
    let app = spawn_app().await;
    let origin = app.origin();
    let reply = app
        .send(post("/api/drop_tables", Some(&origin), "{}"))
        .await;
    assert_eq!(reply.status, 404);
    assert_eq!(reply.body, json!("NotFound"));
}

#[tokio::test]
async fn health_checks_the_database_and_metrics_count_sign_ins() {
    let app = spawn_app().await;
    let health = app
        .send(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(
        (health.status.as_u16(), health.text.as_str()),
        (200, "ok\n")
    );
    app.sign_in("nobody", "x").await;
    let metrics = app
        .send_from(
            "127.0.0.1",
            Request::get("/metrics").body(Body::empty()).unwrap(),
        )
        .await;
    assert_eq!(metrics.status, 200);
    assert!(
        metrics.text.contains("sspr_sign_in_total"),
        "{}",
        metrics.text
    );
    assert!(metrics.text.contains("outcome=\"failure\""));
    app.state.pool.close().await;
    let down = app
        .send(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(down.status, 503);
}

#[tokio::test]
async fn without_a_built_app_pages_say_how_to_build_it() {
    let app = spawn_app().await;
    let reply = app
        .send(Request::get("/").body(Body::empty()).unwrap())
        .await;
    assert_eq!(reply.status, 503);
    assert!(reply.text.contains("make run"));
}

#[tokio::test]
async fn no_log_line_or_table_holds_the_password() {
    // The password is hashed before storage: no column anywhere holds it in clear text.
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    app.session("maria").await;
    let dump: Vec<(String,)> = sqlx::query_as(
        "SELECT phc FROM password_hashes UNION ALL SELECT phc FROM password_history UNION ALL SELECT id_hash FROM sessions",
    )
    .fetch_all(&app.state.pool)
    .await
    .unwrap();
    assert!(!dump.is_empty());
    assert!(dump.iter().all(|(value,)| !value.contains(PASSWORD)));
}

#[tokio::test]
async fn a_database_failure_is_a_generic_500_that_shows_the_request_id() {
    let app = spawn_app().await;
    app.state.pool.close().await;
    let reply = app.sign_in("maria", PASSWORD).await;
    assert_eq!(reply.status, 500, "{}", reply.text);
    let request_id = reply.headers["x-request-id"].to_str().unwrap();
    assert_eq!(
        reply.body,
        json!({ "Internal": { "request_id": request_id } })
    );
    assert!(!reply.text.to_lowercase().contains("sqlite") && !reply.text.contains("pool"));
}

#[tokio::test]
async fn browsers_can_report_csp_violations_and_they_are_counted() {
    let app = spawn_app().await;
    let page = app
        .send(Request::get("/").body(Body::empty()).unwrap())
        .await;
    assert!(page.headers["content-security-policy"]
        .to_str()
        .unwrap()
        .contains("report-uri /csp-report"));
    let report = json!({ "csp-report": { "effective-directive": "script-src-elem", "blocked-uri": "inline" } });
    let request = Request::post("/csp-report")
        .header("content-type", "application/csp-report")
        .body(Body::from(report.to_string()))
        .unwrap();
    assert_eq!(app.send(request).await.status, 204);
    let garbage = Request::post("/csp-report")
        .body(Body::from("nonsense"))
        .unwrap();
    assert_eq!(app.send(garbage).await.status, 400);
    let metrics = app
        .send_from(
            "127.0.0.1",
            Request::get("/metrics").body(Body::empty()).unwrap(),
        )
        .await;
    assert!(
        metrics
            .text
            .contains("sspr_csp_violations_total{directive=\"script-src-elem\"}"),
        "{}",
        metrics.text
    );
}
