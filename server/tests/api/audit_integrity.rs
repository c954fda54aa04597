//! The audit log's integrity against someone who can write the database but lacks the
//! server secret: the newest rows deleted behind the server's back, the head record
//! altered, and a completed reset that must never commit without its audit row.

use crate::helpers::*;
use app::domain::Role;
use serde_json::{json, Value};
use server::audit::{AuditEvent, AuditKind, Outcome};

const NEW_PASSWORD: &str = "a brand new passphrase 42";

async fn record_five(app: &TestApp) {
    for i in 0..5 {
        let event = AuditEvent::new(
            AuditKind::ResetStarted,
            Outcome::Success,
            "192.0.2.9".parse().unwrap(),
            "test agent",
        )
        .detail(format!("s{i}"));
        app.state.audit.record(event).await.unwrap();
    }
}

async fn sql(app: &TestApp, statement: &'static str) {
    sqlx::query(statement)
        .execute(&app.state.pool)
        .await
        .unwrap();
}

async fn verify_audit(app: &TestApp, cookie: &str) -> Value {
    let reply = app.call("verify_audit", json!({}), Some(cookie)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body
}

async fn last_verdict(app: &TestApp) -> (String, String) {
    sqlx::query_as(
        "SELECT outcome, detail FROM audit_events WHERE event = 'audit_verified' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.state.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn deleting_the_newest_audit_rows_is_detected_by_verify_integrity() {
    let app = spawn_app().await;
    app.add_user("ga", &[Role::GlobalAdmin]).await;
    let cookie = app.session("ga").await;
    record_five(&app).await;
    assert_eq!(
        verify_audit(&app, &cookie).await,
        json!({ "rows": 5, "first_broken": null })
    );
    // Five events and the check's own: remove the three newest, as someone with the
    // database file could (dropping the trigger that refuses it first).
    sql(&app, "DROP TRIGGER audit_events_no_delete").await;
    sql(&app, "DELETE FROM audit_events WHERE id > 3").await;
    assert_eq!(
        verify_audit(&app, &cookie).await,
        json!({ "rows": 3, "first_broken": 4, "head": { "newest_missing": 3 } })
    );
    let (outcome, detail) = last_verdict(&app).await;
    assert_eq!(outcome, "failure");
    assert!(
        detail.contains("the newest 3 events are missing"),
        "{detail}"
    );
}

#[tokio::test]
async fn a_head_record_moved_back_without_the_secret_is_reported_altered() {
    let app = spawn_app().await;
    app.add_user("ga", &[Role::GlobalAdmin]).await;
    let cookie = app.session("ga").await;
    record_five(&app).await;
    sql(&app, "DROP TRIGGER audit_events_no_delete").await;
    sql(&app, "DELETE FROM audit_events WHERE id > 2").await;
    sql(
        &app,
        "UPDATE audit_head SET rows = 2, last_id = 2,
             last_hash = (SELECT hash FROM audit_events WHERE id = 2)",
    )
    .await;
    let body = verify_audit(&app, &cookie).await;
    assert_eq!(body["head"], "altered", "{body}");
    assert_eq!(body["first_broken"], 3);
    let (outcome, detail) = last_verdict(&app).await;
    assert_eq!(outcome, "failure");
    assert!(detail.contains("the head record was altered"), "{detail}");
}

/// Starts a wizard for `user` and passes its email gate; returns the wizard cookie.
async fn proven_wizard(app: &TestApp, user: &str, address: &str) -> String {
    let (reply, cookie) = crate::reset::begin(app, user).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let cookie = cookie.expect("a wizard cookie");
    let reply = crate::reset::pass_email_gate(app, &cookie, address).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    cookie
}

async fn complete(app: &TestApp, cookie: &str) -> Reply {
    let args = json!({ "password": NEW_PASSWORD, "confirmation": NEW_PASSWORD });
    app.call("reset_complete", args, Some(cookie)).await
}

async fn count(app: &TestApp, event: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE event = ?")
        .bind(event)
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_completed_reset_and_its_audit_row_commit_together() {
    let app = spawn_app_with(|raw| {
        raw.reset.captcha_difficulty = 4;
        raw.reset.ip_limit = 10_000;
    })
    .await;
    let id = app.add_user("rhea", &[]).await;
    sqlx::query(
        "INSERT INTO auth_methods (user_id, kind, value, registered_at) VALUES (?, 'email', 'rhea@example.org', 0)",
    )
    .bind(id)
    .execute(&app.state.pool)
    .await
    .unwrap();
    let cookie = proven_wizard(&app, "rhea", "rhea@example.org").await;

    // The audit row cannot be written: the reset must not happen without it.
    sql(
        &app,
        "CREATE TRIGGER refuse_reset_rows BEFORE INSERT ON audit_events
         WHEN NEW.event = 'password_reset' BEGIN SELECT RAISE(ABORT, 'refused'); END",
    )
    .await;
    let refused = complete(&app, &cookie).await;
    assert_eq!(refused.status, 500, "{}", refused.text);
    assert_eq!(app.sign_in("rhea", PASSWORD).await.status, 200);
    assert_eq!(app.sign_in("rhea", NEW_PASSWORD).await.status, 401);
    assert_eq!(count(&app, "password_reset").await, 0);
    assert_eq!(count(&app, "notification_queued").await, 0);

    // Once it can be written, the same wizard finishes, with its rows already there.
    sql(&app, "DROP TRIGGER refuse_reset_rows").await;
    let done = complete(&app, &cookie).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(count(&app, "password_reset").await, 1);
    assert_eq!(count(&app, "notification_queued").await, 1);
    assert_eq!(app.sign_in("rhea", NEW_PASSWORD).await.status, 200);
    let report = app.state.audit.verify().await.unwrap();
    assert_eq!(report.first_broken, None);
    assert!(report.head.is_intact(), "{:?}", report.head);
}
