//! The audit log viewer: role checks, filters, keyset paging, CSV export and the
//! integrity check, through the server functions.

use crate::helpers::*;
use app::domain::{AdminSection, Role};
use serde_json::{json, Value};
use server::audit::{AuditEvent, AuditKind, Outcome};
use server::clock::Clock;
use std::collections::HashSet;

fn event(kind: AuditKind, outcome: Outcome) -> AuditEvent {
    AuditEvent::new(kind, outcome, "192.0.2.9".parse().unwrap(), "test agent")
}

async fn record(app: &TestApp, event: AuditEvent) -> i64 {
    app.state.audit.record(event).await.unwrap();
    sqlx::query_scalar("SELECT MAX(id) FROM audit_events")
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

fn ids(body: &Value) -> Vec<i64> {
    body["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["id"].as_i64().unwrap())
        .collect()
}

async fn list(app: &TestApp, cookie: &str, filter: Value, before: Value) -> Value {
    let reply = app
        .call(
            "list_audit",
            json!({ "filter": filter, "before": before }),
            Some(cookie),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body
}

#[tokio::test]
async fn audit_functions_are_for_global_admins_and_reports_readers() {
    let app = spawn_app().await;
    let callers = app.role_callers().await;
    let roles = AdminSection::Audit.roles();
    assert_eq!(roles, &[Role::GlobalAdmin, Role::ReportsReader]);
    app.assert_roles(
        &callers,
        "list_audit",
        json!({ "filter": {}, "before": null }),
        roles,
    )
    .await;
    app.assert_roles(&callers, "export_audit", json!({ "filter": {} }), roles)
        .await;
    app.assert_roles(&callers, "verify_audit", json!({}), roles)
        .await;
}

/// ana (a plain user) and boss (an admin who acts on ana), events 100 seconds apart.
struct Seeded {
    start: i64,
    ana_started: i64,
    boss_updated_ana: i64,
    boss_changed_policy: i64,
    bob_failed: i64,
    blocked: i64,
}

async fn seed(app: &TestApp) -> Seeded {
    let ana = app.add_user("ana", &[]).await;
    let boss = app.add_user("boss", &[Role::GlobalAdmin]).await;
    let bob = app.add_user("bob", &[]).await;
    let start = app.clock.now();
    let ana_started = record(
        app,
        event(AuditKind::ResetStarted, Outcome::Success).account(ana),
    )
    .await;
    app.clock.advance(100);
    let mut updated = event(AuditKind::UserUpdated, Outcome::Success).account(ana);
    updated.actor_id = Some(boss);
    let boss_updated_ana = record(app, updated).await;
    app.clock.advance(100);
    let mut policy = event(AuditKind::PolicyChanged, Outcome::Success).detail("reset");
    policy.actor_id = Some(boss);
    let boss_changed_policy = record(app, policy).await;
    app.clock.advance(100);
    let bob_failed = record(
        app,
        event(AuditKind::GateFailed, Outcome::Failure).account(bob),
    )
    .await;
    app.clock.advance(100);
    let blocked = record(app, event(AuditKind::Blocked, Outcome::Denied)).await;
    app.clock.advance(1_000);
    Seeded {
        start,
        ana_started,
        boss_updated_ana,
        boss_changed_policy,
        bob_failed,
        blocked,
    }
}

#[tokio::test]
async fn filters_match_account_or_actor_event_outcome_and_time() {
    let app = spawn_app().await;
    let s = seed(&app).await;
    app.add_user("reader", &[Role::ReportsReader]).await;
    let cookie = app.session("reader").await;

    let all = list(&app, &cookie, json!({}), Value::Null).await;
    assert_eq!(
        ids(&all),
        [
            s.blocked,
            s.bob_failed,
            s.boss_changed_policy,
            s.boss_updated_ana,
            s.ana_started
        ]
    );
    assert_eq!(all["next_before"], Value::Null);
    let row = &all["rows"][3];
    assert_eq!(row["event"], "user_updated");
    assert_eq!(row["account"], "ana");
    assert_eq!(row["actor"], "boss");
    assert_eq!(row["ip"], "192.0.2.9");
    assert_eq!(row["outcome"], "success");
    assert_eq!(all["rows"][0]["account"], Value::Null);

    // A user matches as the account concerned and as the admin who acted; case-folded.
    let ana = list(&app, &cookie, json!({ "user": "ANA" }), Value::Null).await;
    assert_eq!(ids(&ana), [s.boss_updated_ana, s.ana_started]);
    let boss = list(&app, &cookie, json!({ "user": "boss" }), Value::Null).await;
    assert_eq!(ids(&boss), [s.boss_changed_policy, s.boss_updated_ana]);

    let failed = list(
        &app,
        &cookie,
        json!({ "event": "gate_failed" }),
        Value::Null,
    )
    .await;
    assert_eq!(ids(&failed), [s.bob_failed]);
    let denied = list(&app, &cookie, json!({ "outcome": "denied" }), Value::Null).await;
    assert_eq!(ids(&denied), [s.blocked]);
    let both = list(
        &app,
        &cookie,
        json!({ "user": "boss", "event": "policy_changed", "outcome": "success" }),
        Value::Null,
    )
    .await;
    assert_eq!(ids(&both), [s.boss_changed_policy]);

    // Inclusive at both ends.
    let range = list(
        &app,
        &cookie,
        json!({ "from": s.start + 100, "to": s.start + 300 }),
        Value::Null,
    )
    .await;
    assert_eq!(
        ids(&range),
        [s.bob_failed, s.boss_changed_policy, s.boss_updated_ana]
    );
    let from_only = list(&app, &cookie, json!({ "from": s.start + 301 }), Value::Null).await;
    assert_eq!(ids(&from_only), [s.blocked]);
    let to_only = list(&app, &cookie, json!({ "to": s.start + 99 }), Value::Null).await;
    assert_eq!(ids(&to_only), [s.ana_started]);
    let later = list(
        &app,
        &cookie,
        json!({ "from": s.start + 100_000 }),
        Value::Null,
    )
    .await;
    assert_eq!(ids(&later), Vec::<i64>::new());
    let ana_in_range = list(
        &app,
        &cookie,
        json!({ "user": "ana", "from": s.start + 1 }),
        Value::Null,
    )
    .await;
    assert_eq!(ids(&ana_in_range), [s.boss_updated_ana]);
}

#[tokio::test]
async fn bad_filters_are_field_errors() {
    let app = spawn_app().await;
    app.add_user("reader", &[Role::ReportsReader]).await;
    let cookie = app.session("reader").await;
    for (filter, field) in [
        (json!({ "event": "nothing_happened" }), "event"),
        (json!({ "outcome": "maybe" }), "outcome"),
        (json!({ "user": "nobody-here" }), "user"),
        (json!({ "from": 200, "to": 100 }), "to"),
    ] {
        // Only the list pages; an export takes no `before`.
        for (function, args) in [
            ("list_audit", json!({ "filter": filter, "before": null })),
            ("export_audit", json!({ "filter": filter })),
        ] {
            let reply = app.call(function, args, Some(&cookie)).await;
            assert_eq!(reply.status, 422, "{function} {filter}: {}", reply.text);
            assert_eq!(reply.body["Invalid"]["field"], field, "{}", reply.text);
        }
    }
}

#[tokio::test]
async fn keyset_pages_have_no_gaps_or_duplicates() {
    let app = spawn_app().await;
    let ana = app.add_user("ana", &[Role::GlobalAdmin]).await;
    let other = app.add_user("other", &[]).await;
    app.add_user("reader", &[Role::ReportsReader]).await;
    let cookie = app.session("reader").await;
    let mut ana_ids = Vec::new();
    for i in 0..130 {
        // ana is the account, the actor, or not involved, in turn.
        let mut e = event(AuditKind::GatePassed, Outcome::Success).detail(format!("e{i}"));
        match i % 3 {
            0 => e = e.account(ana),
            1 => {
                e = e.account(other);
                e.actor_id = Some(ana);
            }
            _ => e = e.account(other),
        }
        let id = record(&app, e).await;
        if i % 3 != 2 {
            ana_ids.push(id);
        }
    }
    ana_ids.reverse();
    for (filter, expected) in [(json!({}), None), (json!({ "user": "ana" }), Some(ana_ids))] {
        let mut seen = Vec::new();
        let mut sizes = Vec::new();
        let mut before = Value::Null;
        loop {
            let page = list(&app, &cookie, filter.clone(), before).await;
            let page_ids = ids(&page);
            sizes.push(page_ids.len());
            seen.extend(page_ids);
            before = page["next_before"].clone();
            if before.is_null() {
                break;
            }
            assert_eq!(before.as_i64(), seen.last().copied());
        }
        let unique: HashSet<_> = seen.iter().collect();
        assert_eq!(unique.len(), seen.len(), "no duplicates");
        assert!(seen.windows(2).all(|w| w[0] > w[1]), "newest first");
        match expected {
            None => {
                assert_eq!(seen, (1..=130).rev().collect::<Vec<i64>>());
                assert_eq!(sizes, [50, 50, 30]);
            }
            Some(expected) => {
                assert_eq!(sizes, [50, 37]);
                assert_eq!(seen, expected);
            }
        }
    }
}

#[tokio::test]
async fn export_is_the_filtered_set_as_quoted_csv_and_is_audited() {
    let app = spawn_app().await;
    let ana = app.add_user("ana", &[]).await;
    let reader = app.add_user("reader", &[Role::ReportsReader]).await;
    let cookie = app.session("reader").await;
    for i in 0..3 {
        record(
            &app,
            event(AuditKind::GateFailed, Outcome::Failure)
                .account(ana)
                .detail(format!("wrong \"code\", try {i}")),
        )
        .await;
        record(
            &app,
            event(AuditKind::CodeSent, Outcome::Success).account(ana),
        )
        .await;
    }
    let reply = app
        .call(
            "export_audit",
            json!({ "filter": { "event": "gate_failed" } }),
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["rows"], 3);
    assert_eq!(reply.body["capped"], false);
    let csv = reply.body["csv"].as_str().unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "id,time_utc,unix_time,event,account,actor,ip,outcome,detail"
    );
    assert_eq!(lines.len(), 4, "{csv}");
    assert!(lines[1].starts_with("5,"), "newest first: {csv}");
    assert!(
        lines[1].ends_with(",gate_failed,ana,,192.0.2.9,failure,\"wrong \"\"code\"\", try 2\""),
        "{}",
        lines[1]
    );
    assert!(lines.iter().skip(1).all(|l| l.contains(",gate_failed,")));

    let (event, actor, outcome): (String, Option<i64>, String) = sqlx::query_as(
        "SELECT event, actor_id, outcome FROM audit_events ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.state.pool)
    .await
    .unwrap();
    assert_eq!(
        (event.as_str(), actor, outcome.as_str()),
        ("audit_exported", Some(reader), "success")
    );
}

#[tokio::test]
async fn verify_reports_an_edited_row_and_is_audited() {
    let app = spawn_app().await;
    let admin = app.add_user("ga", &[Role::GlobalAdmin]).await;
    let cookie = app.session("ga").await;
    for i in 0..5 {
        record(
            &app,
            event(AuditKind::ResetStarted, Outcome::Success).detail(format!("s{i}")),
        )
        .await;
    }
    let reply = app.call("verify_audit", json!({}), Some(&cookie)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body, json!({ "rows": 5, "first_broken": null }));

    sqlx::query("DROP TRIGGER audit_events_no_update")
        .execute(&app.state.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_events SET detail = 'nothing to see' WHERE id = 3")
        .execute(&app.state.pool)
        .await
        .unwrap();
    let reply = app.call("verify_audit", json!({}), Some(&cookie)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    // Five seeded rows and the first check's own event.
    assert_eq!(reply.body, json!({ "rows": 6, "first_broken": 3 }));

    let rows: Vec<(String, Option<i64>, String)> = sqlx::query_as(
        "SELECT event, actor_id, outcome FROM audit_events WHERE event = 'audit_verified' ORDER BY id",
    )
    .fetch_all(&app.state.pool)
    .await
    .unwrap();
    assert_eq!(
        rows,
        [
            ("audit_verified".into(), Some(admin), "success".into()),
            ("audit_verified".into(), Some(admin), "failure".into())
        ]
    );
}
