//! `/metrics` is for the monitoring system only: its counters move for real accounts
//! alone. Anyone else gets exactly what an unknown path gets.

use crate::helpers::*;
use axum::body::Body;
use http::Request;

const TOKEN: &str = "prometheus-scrape-token-0123456789abcdef";

fn get(path: &str, headers: &[(&str, &str)]) -> Request<Body> {
    let mut request = Request::get(path);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    request.body(Body::empty()).unwrap()
}

/// Asks for `/metrics` and for a path that does not exist, the same way, and returns both.
async fn metrics_and_unknown(
    app: &TestApp,
    peer: &str,
    headers: &[(&str, &str)],
) -> (Reply, Reply) {
    let metrics = app.send_from(peer, get("/metrics", headers)).await;
    let unknown = app.send_from(peer, get("/no-such-page", headers)).await;
    (metrics, unknown)
}

fn assert_refused(metrics: &Reply, unknown: &Reply) {
    assert!(!metrics.text.contains("sspr_"), "{}", metrics.text);
    assert_eq!(
        (metrics.status, &metrics.text),
        (unknown.status, &unknown.text),
        "a refused /metrics must answer as an unknown path does"
    );
    assert_eq!(
        metrics.headers.get("content-type"),
        unknown.headers.get("content-type")
    );
}

fn assert_served(metrics: &Reply) {
    assert_eq!(metrics.status, 200, "{}", metrics.text);
    assert!(
        metrics.text.contains("sspr_sign_in_total"),
        "{}",
        metrics.text
    );
}

async fn app_with_token() -> TestApp {
    let app = spawn_app_with(|raw| raw.metrics.token = TOKEN.into()).await;
    app.sign_in("nobody", "x").await;
    app
}

#[tokio::test]
async fn metrics_are_served_to_a_direct_request_from_loopback_by_default() {
    let app = spawn_app().await;
    app.sign_in("nobody", "x").await;
    assert_served(&app.send_from("127.0.0.1", get("/metrics", &[])).await);
    assert_served(&app.send_from("::1", get("/metrics", &[])).await);
}

#[tokio::test]
async fn a_request_from_another_address_gets_the_answer_of_an_unknown_path() {
    let app = spawn_app().await;
    app.sign_in("nobody", "x").await;
    let (metrics, unknown) = metrics_and_unknown(&app, "203.0.113.5", &[]).await;
    assert_refused(&metrics, &unknown);
}

#[tokio::test]
async fn a_forwarded_request_from_loopback_gets_the_answer_of_an_unknown_path() {
    let app = spawn_app().await;
    app.sign_in("nobody", "x").await;
    for header in [
        ("x-forwarded-for", "203.0.113.5"),
        ("forwarded", "for=203.0.113.5"),
    ] {
        let (metrics, unknown) = metrics_and_unknown(&app, "127.0.0.1", &[header]).await;
        assert_refused(&metrics, &unknown);
    }
}

#[tokio::test]
async fn the_right_bearer_token_is_served_from_any_address_even_through_a_proxy() {
    let app = app_with_token().await;
    let bearer = format!("Bearer {TOKEN}");
    let direct = get("/metrics", &[("authorization", &bearer)]);
    assert_served(&app.send_from("203.0.113.5", direct).await);
    let proxied = get(
        "/metrics",
        &[
            ("authorization", &bearer),
            ("x-forwarded-for", "203.0.113.5"),
        ],
    );
    assert_served(&app.send_from("127.0.0.1", proxied).await);
}

#[tokio::test]
async fn a_wrong_bearer_token_gets_the_answer_of_an_unknown_path() {
    let app = app_with_token().await;
    for wrong in [
        format!("Bearer {TOKEN}0"),
        "Bearer prometheus-scrape-token-0123456789abcdeX".to_owned(),
        format!("Basic {TOKEN}"),
    ] {
        let headers = [("authorization", wrong.as_str())];
        let (metrics, unknown) = metrics_and_unknown(&app, "203.0.113.5", &headers).await;
        assert_refused(&metrics, &unknown);
    }
}

#[tokio::test]
async fn a_configured_network_replaces_loopback() {
    let app = spawn_app_with(|raw| raw.metrics.allow = vec!["10.20.0.0/16".into()]).await;
    app.sign_in("nobody", "x").await;
    assert_served(&app.send_from("10.20.3.4", get("/metrics", &[])).await);
    let (metrics, unknown) = metrics_and_unknown(&app, "127.0.0.1", &[]).await;
    assert_refused(&metrics, &unknown);
}
