//! The password policy through the change-password flow and its own server functions.

use crate::helpers::*;
use app::domain::password_policy::PasswordPolicy;
use serde_json::{json, Value};
use server::clock::Clock;

const SECOND: &str = "a brand new secret";
const THIRD: &str = "lighthouse keeper at dawn";

async fn change(app: &TestApp, cookie: &str, current: &str, new_password: &str) -> Reply {
    let args =
        json!({ "current": current, "new_password": new_password, "confirmation": new_password });
    app.call("change_password", args, Some(cookie)).await
}

/// Changes the password, failing the test if that is refused; returns the new session.
async fn change_ok(app: &TestApp, cookie: &str, current: &str, new_password: &str) -> String {
    let reply = change(app, cookie, current, new_password).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.session_cookie().expect("a renewed session")
}

fn refused(problem: Value) -> Value {
    json!({ "Invalid": { "field": "new_password", "problem": { "Password": problem } } })
}

async fn assert_refused(
    app: &TestApp,
    cookie: &str,
    current: &str,
    candidate: &str,
    problem: Value,
) {
    let reply = change(app, cookie, current, candidate).await;
    assert_eq!(reply.status, 422, "{candidate}: {}", reply.text);
    assert_eq!(reply.body, refused(problem), "{candidate}");
    // Nothing changed: the current password still signs in.
    assert_eq!(
        app.sign_in("maria", current).await.status,
        200,
        "{candidate}"
    );
}

#[tokio::test]
async fn the_rules_follow_the_saved_policy() {
    let app = spawn_app().await;
    let reply = app.call("password_rules", json!({}), None).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body, json!({ "min_chars": 15, "max_chars": 256 }));
    let policy = PasswordPolicy {
        min_chars: 12,
        max_chars: 128,
        ..PasswordPolicy::default()
    };
    let now = app.clock.now();
    app.state.password_policy.save(&policy, now).await.unwrap();
    let reply = app.call("password_rules", json!({}), None).await;
    assert_eq!(reply.body, json!({ "min_chars": 12, "max_chars": 128 }));
}

#[tokio::test]
async fn a_change_refuses_a_password_shorter_than_fifteen() {
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    let cookie = app.session("maria").await;
    assert_refused(
        &app,
        &cookie,
        PASSWORD,
        "fourteen chars",
        json!({ "TooShort": { "min": 15 } }),
    )
    .await;
    change_ok(&app, &cookie, PASSWORD, "fifteen chars!!").await;
}

#[tokio::test]
async fn a_change_refuses_common_and_breached_passwords() {
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    let cookie = app.session("maria").await;
    for common in ["passwordpassword", "123456789012345", "P@ssw0rdP@ssw0rd"] {
        assert_refused(&app, &cookie, PASSWORD, common, json!("Common")).await;
    }
}

#[tokio::test]
async fn a_change_refuses_a_banned_word_once_the_policy_lists_it() {
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    let cookie = app.session("maria").await;
    let policy = PasswordPolicy {
        banned_words: vec!["Acme".into()],
        ..PasswordPolicy::default()
    };
    let now = app.clock.now();
    app.state.password_policy.save(&policy, now).await.unwrap();
    for banned in [
        "acme rocks forever",
        "4CM3 R0CKS FOREVER",
        "my a-c-m-e login!",
    ] {
        assert_refused(&app, &cookie, PASSWORD, banned, json!("BannedWord")).await;
    }
}

#[tokio::test]
async fn a_change_refuses_the_users_own_names() {
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    let cookie = app.session("maria").await;
    // The helper names her "maria display", maria@example.org.
    for named in ["MARIA sails the sea", "display of the year!"] {
        assert_refused(&app, &cookie, PASSWORD, named, json!("ContainsName")).await;
    }
}

#[tokio::test]
async fn a_change_refuses_the_current_and_recent_passwords() {
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    let cookie = app.session("maria").await;
    // Not even the password the account started with (set without any history).
    assert_refused(
        &app,
        &cookie,
        PASSWORD,
        PASSWORD,
        json!({ "Reused": { "depth": 5 } }),
    )
    .await;
    let cookie = change_ok(&app, &cookie, PASSWORD, SECOND).await;
    let cookie = change_ok(&app, &cookie, SECOND, THIRD).await;
    let reply = change(&app, &cookie, THIRD, SECOND).await;
    assert_eq!(reply.status, 422, "{}", reply.text);
    assert_eq!(reply.body, refused(json!({ "Reused": { "depth": 5 } })));
    let reply = change(&app, &cookie, THIRD, THIRD).await;
    assert_eq!(reply.body, refused(json!({ "Reused": { "depth": 5 } })));
    assert_eq!(app.sign_in("maria", THIRD).await.status, 200);
}

#[tokio::test]
async fn a_good_password_is_accepted_and_kept_only_as_a_fingerprint() {
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    let cookie = app.session("maria").await;
    change_ok(&app, &cookie, PASSWORD, SECOND).await;
    assert_eq!(app.sign_in("maria", SECOND).await.status, 200);
    assert_eq!(app.sign_in("maria", PASSWORD).await.status, 401);
    let stored: Vec<(String,)> = sqlx::query_as("SELECT fingerprint FROM password_fingerprints")
        .fetch_all(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    assert!(!stored[0].0.contains(SECOND) && !stored[0].0.contains("secret"));
}

#[tokio::test]
async fn the_policy_is_checked_only_after_the_current_password() {
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    let cookie = app.session("maria").await;
    let cookie = change_ok(&app, &cookie, PASSWORD, SECOND).await;
    // With a wrong current password a reused one is not confirmed as reused.
    let reply = change(&app, &cookie, "not the password", PASSWORD).await;
    assert_eq!(reply.status, 401, "{}", reply.text);
    assert_eq!(reply.body, json!("CurrentPasswordIncorrect"));
}

#[tokio::test]
async fn a_signed_in_user_can_check_a_candidate_without_revealing_history() {
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    let args = json!({ "password": "maria by the sea" });
    assert_eq!(
        app.call("check_password", args.clone(), None).await.status,
        401
    );
    let cookie = app.session("maria").await;
    let reply = app.call("check_password", args, Some(&cookie)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["problems"], json!(["ContainsName"]));
    assert!(reply.body["strength"].as_u64().unwrap() <= 1);
    let cookie = change_ok(&app, &cookie, PASSWORD, SECOND).await;
    let reply = app
        .call(
            "check_password",
            json!({ "password": SECOND }),
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.body["problems"], json!([]));
}
