//! The overview and the reports: role checks and the figures for seeded data.

use crate::helpers::*;
use app::domain::{AdminSection, Role};
use serde_json::{json, Value};
use server::audit::{AuditEvent, AuditKind, Outcome};
use server::clock::Clock;

const DAY: i64 = 86_400;

async fn record(app: &TestApp, kind: AuditKind, outcome: Outcome, detail: &str) {
    app.state
        .audit
        .record(
            AuditEvent::new(kind, outcome, "192.0.2.9".parse().unwrap(), "agent").detail(detail),
        )
        .await
        .unwrap();
}

async fn method(app: &TestApp, user: i64, kind: &str, at: i64) {
    sqlx::query(
        "INSERT INTO auth_methods (user_id, kind, value, registered_at) VALUES (?, ?, 'x', ?)",
    )
    .bind(user)
    .bind(kind)
    .bind(at)
    .execute(&app.state.pool)
    .await
    .unwrap();
}

async fn answers(app: &TestApp, user: i64, at: i64) {
    for (question, offset) in [(1, 50), (2, 0)] {
        sqlx::query(
            "INSERT INTO security_answers (user_id, question_id, answer_hash, registered_at) VALUES (?, ?, 'h', ?)",
        )
        .bind(user)
        .bind(question)
        .bind(at + offset)
        .execute(&app.state.pool)
        .await
        .unwrap();
    }
}

fn numbers(body: &Value, name: &str) -> Vec<u64> {
    body[name]
        .as_array()
        .unwrap_or_else(|| panic!("{name} in {body}"))
        .iter()
        .map(|v| v.as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn the_overview_is_for_every_admin_and_reports_for_readers() {
    let app = spawn_app().await;
    let callers = app.role_callers().await;
    assert_eq!(AdminSection::Overview.roles().len(), 3);
    app.assert_roles(
        &callers,
        "get_overview",
        json!({}),
        AdminSection::Overview.roles(),
    )
    .await;
    app.assert_roles(
        &callers,
        "get_reports",
        json!({}),
        AdminSection::Reports.roles(),
    )
    .await;
}

#[tokio::test]
async fn reports_count_seeded_events_per_day_and_coverage() {
    let app = spawn_app().await;
    let t0 = app.clock.now();
    let u1 = app.add_user("u1", &[]).await;
    let u2 = app.add_user("u2", &[]).await;
    let u3 = app.add_user("u3", &[]).await;
    app.add_user("reader", &[Role::ReportsReader]).await;
    // u1: one method long before the period, a second on day A; u2 and u3: one on day B.
    method(&app, u1, "email", t0 - 100 * DAY).await;
    method(&app, u1, "phone", t0).await;
    method(&app, u2, "authenticator", t0 + DAY).await;
    answers(&app, u3, t0 + DAY).await;

    // Day A.
    for _ in 0..2 {
        record(&app, AuditKind::PasswordReset, Outcome::Success, "").await;
        record(&app, AuditKind::GatePassed, Outcome::Success, "email").await;
    }
    record(&app, AuditKind::GatePassed, Outcome::Success, "questions").await;
    record(&app, AuditKind::GateFailed, Outcome::Failure, "email").await;
    record(&app, AuditKind::Blocked, Outcome::Denied, "").await;
    record(&app, AuditKind::ResetStarted, Outcome::Success, "").await;
    // Day B.
    app.clock.advance(DAY);
    record(&app, AuditKind::AccountUnlocked, Outcome::Success, "").await;
    record(&app, AuditKind::PasswordReset, Outcome::Success, "").await;
    record(&app, AuditKind::CaptchaFailed, Outcome::Failure, "").await;
    // Today is the day after B: the last three days are A, B, today.
    app.clock.advance(DAY);

    let cookie = app.session("reader").await;
    let reply = app.call("get_reports", json!({}), Some(&cookie)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let r = &reply.body;
    let days = r["days"].as_array().unwrap();
    assert_eq!(days.len(), 30);
    let day_a = time::OffsetDateTime::from_unix_timestamp(t0)
        .unwrap()
        .date()
        .to_string();
    assert_eq!(days[27], json!(day_a));

    let at = |name: &str| -> (u64, [u64; 3]) {
        let v = numbers(r, name);
        assert_eq!(v.len(), 30, "{name}");
        (v.iter().sum(), [v[27], v[28], v[29]])
    };
    assert_eq!(at("resets"), (3, [2, 1, 0]));
    assert_eq!(at("unlocks"), (1, [0, 1, 0]));
    assert_eq!(at("completed"), (4, [2, 2, 0]));
    assert_eq!(at("failed"), (3, [2, 1, 0]));
    assert_eq!(
        r["methods"],
        json!([
            ["email", 2],
            ["phone", 0],
            ["authenticator", 0],
            ["questions", 1],
            ["recovery_codes", 0]
        ])
    );
    let one = numbers(r, "one_method");
    let two = numbers(r, "two_methods");
    assert_eq!(one[0], 1, "u1 was registered before the period");
    assert_eq!([one[26], one[27], one[28], one[29]], [1, 1, 3, 3]);
    assert_eq!(two[26], 0);
    assert_eq!([two[27], two[28], two[29]], [1, 1, 1]);
}

#[tokio::test]
async fn the_overview_counts_users_methods_activity_and_problems() {
    let app = spawn_app().await;
    let now = app.clock.now();
    let a = app.add_user("a", &[]).await;
    let b = app.add_user("b", &[]).await;
    let c = app.add_user("c", &[]).await;
    app.add_user("helper", &[Role::HelpdeskAdmin]).await;
    method(&app, a, "email", now).await;
    method(&app, b, "email", now).await;
    answers(&app, b, now).await;
    sqlx::query("UPDATE users SET status = 'locked', locked_until = ? WHERE id = ?")
        .bind(now + 100 * DAY)
        .bind(c)
        .execute(&app.state.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO outbox (channel, recipient, subject, body_text, language, status, attempts, next_attempt_at, last_error, created_at)
         VALUES ('email', 'x@example.org', 's', 'b', 'en', 'failed', 5, 0, 'refused', ?),
                ('email', 'y@example.org', 's', 'b', 'en', 'pending', 1, 0, 'timeout', ?),
                ('email', 'z@example.org', 's', 'b', 'en', 'sent', 1, 0, NULL, ?)",
    )
    .bind(now)
    .bind(now)
    .bind(now)
    .execute(&app.state.pool)
    .await
    .unwrap();

    record(&app, AuditKind::PasswordReset, Outcome::Success, "").await;
    app.clock.advance(10 * DAY);
    record(&app, AuditKind::PasswordReset, Outcome::Success, "").await;
    record(&app, AuditKind::AccountUnlocked, Outcome::Success, "").await;
    record(&app, AuditKind::Blocked, Outcome::Denied, "").await;
    record(&app, AuditKind::Blocked, Outcome::Denied, "").await;

    let cookie = app.session("helper").await;
    let reply = app.call("get_overview", json!({}), Some(&cookie)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.body,
        json!({
            "scope": "Everyone",
            "users": 4,
            "by_methods": [2, 1, 1],
            "locked": 1,
            "resets": [1, 2],
            "unlocks": [1, 1],
            "blocked": [2, 2],
            "delivery_problems": 2,
        })
    );
}
