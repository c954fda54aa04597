//! The troubleshooter: the wizard's own verdict for a user, with the checks behind it and
//! where to fix each.

use crate::admin_groups::scope_groups;
use crate::helpers::*;
use app::domain::{AdminSection, Role};
use serde_json::{json, Value};
use server::clock::Clock;

async fn register_email(app: &TestApp, user_id: i64) {
    sqlx::query(
        "INSERT INTO auth_methods (user_id, kind, value, registered_at) VALUES (?, 'email', 'x@example.net', 0)",
    )
    .bind(user_id)
    .execute(&app.state.pool)
    .await
    .unwrap();
}

async fn troubleshoot(app: &TestApp, cookie: &str, user: &str) -> Value {
    let reply = app
        .call("troubleshoot_user", json!({ "user": user }), Some(cookie))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body
}

/// The check whose finding is `name`: (status, finding, fixes).
fn check(report: &Value, name: &str) -> (Value, Value, Value) {
    let found = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["finding"].get(name).is_some())
        .unwrap_or_else(|| panic!("no {name} check in {report}"));
    (
        found["status"].clone(),
        found["finding"][name].clone(),
        found["fixes"].clone(),
    )
}

async fn helpdesk(app: &TestApp) -> String {
    app.add_user("desk", &[Role::HelpdeskAdmin]).await;
    app.session("desk").await
}

#[tokio::test]
async fn global_and_helpdesk_admins_may_troubleshoot_and_nobody_else() {
    let app = spawn_app().await;
    let callers = app.role_callers().await;
    app.assert_roles(
        &callers,
        "troubleshoot_user",
        json!({ "user": "rc-plain" }),
        AdminSection::Troubleshoot.roles(),
    )
    .await;
}

#[tokio::test]
async fn a_user_who_can_reset_passes_every_check() {
    let app = spawn_app().await;
    let cookie = helpdesk(&app).await;
    let id = app.add_user("maria", &[]).await;
    register_email(&app, id).await;
    // Typed as the wizard would accept it: by any spelling or the profile address.
    for typed in ["maria", "MARIA", "maria@example.org"] {
        let report = troubleshoot(&app, &cookie, typed).await;
        assert_eq!(report["username"], "maria");
        assert_eq!(
            report["verdict"],
            json!({ "can_reset": { "gates": 1, "methods": ["email"] } })
        );
    }
    let report = troubleshoot(&app, &cookie, "maria").await;
    let ids: Vec<String> = report["checks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            c["finding"]
                .as_object()
                .unwrap()
                .keys()
                .next()
                .unwrap()
                .clone()
        })
        .collect();
    assert_eq!(
        ids,
        [
            "exists",
            "enabled",
            "scope",
            "admin_policy",
            "methods",
            "locked",
            "daily_limit",
            "registration"
        ]
    );
    for (_, c) in [
        "exists",
        "enabled",
        "scope",
        "methods",
        "locked",
        "daily_limit",
    ]
    .iter()
    .map(|n| (n, check(&report, n)))
    {
        assert_eq!(c.0, "pass", "{c:?}");
        assert_eq!(c.2, json!([]));
    }
    assert_eq!(check(&report, "admin_policy").0, "not_applicable");
    let (_, methods, _) = check(&report, "methods");
    assert_eq!(methods["registered"], json!(["email"]));
    assert_eq!(methods["usable"], json!(["email"]));
    assert_eq!(methods["gates"], 1);
}

#[tokio::test]
async fn an_unknown_name_is_reported_as_no_such_user() {
    let app = spawn_app().await;
    let cookie = helpdesk(&app).await;
    let report = troubleshoot(&app, &cookie, "ghost").await;
    assert_eq!(
        report["verdict"],
        json!({ "cannot": { "reason": "no_such_user" } })
    );
    assert_eq!(
        report["checks"],
        json!([{ "finding": { "exists": { "exists": false } }, "status": "fail", "fixes": [] }])
    );
    let reply = app
        .call("troubleshoot_user", json!({ "user": "  " }), Some(&cookie))
        .await;
    assert_eq!(
        reply.body,
        json!({ "Invalid": { "field": "user", "problem": "Required" } })
    );
}

#[tokio::test]
async fn a_user_without_methods_is_told_to_register() {
    let app = spawn_app().await;
    let cookie = helpdesk(&app).await;
    app.add_user("bare", &[]).await;
    let report = troubleshoot(&app, &cookie, "bare").await;
    assert_eq!(
        report["verdict"],
        json!({ "cannot": { "reason": "too_few_methods" } })
    );
    let (status, methods, fixes) = check(&report, "methods");
    assert_eq!(status, "fail");
    assert_eq!(methods["registered"], json!([]));
    assert_eq!(methods["usable"], json!([]));
    assert_eq!(fixes, json!(["user_page", "reset_policy"]));
}

#[tokio::test]
async fn a_locked_user_can_still_reset_and_the_lock_is_a_warning_with_its_end() {
    let app = spawn_app().await;
    let cookie = helpdesk(&app).await;
    let id = app.add_user("lou", &[]).await;
    register_email(&app, id).await;
    let until = app.clock.now() + 900;
    sqlx::query("UPDATE users SET status = 'locked', lock_reason = 'too_many_failed_sign_ins', locked_until = ? WHERE id = ?")
        .bind(until)
        .bind(id)
        .execute(&app.state.pool)
        .await
        .unwrap();
    let report = troubleshoot(&app, &cookie, "lou").await;
    assert_eq!(
        report["verdict"],
        json!({ "can_reset": { "gates": 1, "methods": ["email"] } })
    );
    let (status, locked, fixes) = check(&report, "locked");
    assert_eq!(status, "warn");
    assert_eq!(
        locked,
        json!({ "locked": true, "until": until, "unlock_allowed": true })
    );
    assert_eq!(fixes, json!(["user_page"]));

    // A lock whose time is up no longer counts.
    app.clock.advance(901);
    let report = troubleshoot(&app, &cookie, "lou").await;
    assert_eq!(check(&report, "locked").0, "pass");
}

#[tokio::test]
async fn a_disabled_user_cannot_reset_and_is_enabled_on_their_page() {
    let app = spawn_app().await;
    let cookie = helpdesk(&app).await;
    let id = app.add_user("gone", &[]).await;
    register_email(&app, id).await;
    sqlx::query("UPDATE users SET status = 'disabled' WHERE id = ?")
        .bind(id)
        .execute(&app.state.pool)
        .await
        .unwrap();
    let report = troubleshoot(&app, &cookie, "gone").await;
    assert_eq!(
        report["verdict"],
        json!({ "cannot": { "reason": "disabled" } })
    );
    let (status, enabled, fixes) = check(&report, "enabled");
    assert_eq!(
        (status, enabled, fixes),
        (
            json!("fail"),
            json!({ "enabled": false }),
            json!(["user_page"])
        )
    );
}

#[tokio::test]
async fn a_user_outside_the_scope_groups_is_pointed_at_groups_and_the_policy() {
    let app = spawn_app().await;
    let cookie = helpdesk(&app).await;
    let id = app.add_user("otto", &[]).await;
    register_email(&app, id).await;
    let mut conn = app.state.pool.acquire().await.unwrap();
    let other = server::accounts::store::ensure_group(&mut conn, "Ground", 0)
        .await
        .unwrap();
    server::accounts::store::add_member(&mut conn, other, id)
        .await
        .unwrap();
    drop(conn);
    scope_groups(&app, &["Pilots", "Crew"]).await;

    let report = troubleshoot(&app, &cookie, "otto").await;
    assert_eq!(
        report["verdict"],
        json!({ "cannot": { "reason": "out_of_scope" } })
    );
    let (status, scope, fixes) = check(&report, "scope");
    assert_eq!(status, "fail");
    assert_eq!(
        scope,
        json!({ "scope": { "groups": { "scope": ["Pilots", "Crew"], "member_of": [] } }, "admin": false })
    );
    assert_eq!(fixes, json!(["groups", "reset_policy"]));

    // A member of one of the groups is in, and the check says through which.
    let mut conn = app.state.pool.acquire().await.unwrap();
    let crew = server::accounts::store::ensure_group(&mut conn, "crew", 0)
        .await
        .unwrap();
    server::accounts::store::add_member(&mut conn, crew, id)
        .await
        .unwrap();
    drop(conn);
    let report = troubleshoot(&app, &cookie, "otto").await;
    assert_eq!(report["verdict"]["can_reset"]["gates"], 1);
    assert_eq!(
        check(&report, "scope").1["scope"]["groups"]["member_of"],
        json!(["Crew"])
    );
}

#[tokio::test]
async fn an_admin_with_one_method_needs_a_second_under_the_admin_policy() {
    let app = spawn_app().await;
    let cookie = helpdesk(&app).await;
    let id = app.add_user("boss", &[Role::ReportsReader]).await;
    register_email(&app, id).await;
    // Answers do not count for admins.
    for question in 1..=3 {
        sqlx::query("INSERT INTO security_answers (user_id, question_id, answer_hash, registered_at) VALUES (?, ?, 'x', 0)")
            .bind(id)
            .bind(question)
            .execute(&app.state.pool)
            .await
            .unwrap();
    }
    let report = troubleshoot(&app, &cookie, "boss").await;
    assert_eq!(
        report["verdict"],
        json!({ "cannot": { "reason": "too_few_methods" } })
    );
    let (status, policy, _) = check(&report, "admin_policy");
    assert_eq!(status, "pass");
    assert_eq!(policy, json!({ "admin": true, "gates": 2 }));
    let (status, methods, fixes) = check(&report, "methods");
    assert_eq!(status, "fail");
    assert_eq!(methods["registered"], json!(["email", "questions"]));
    assert_eq!(methods["usable"], json!(["email"]));
    assert_eq!(methods["gates"], 2);
    assert!(!methods["allowed"]
        .as_array()
        .unwrap()
        .contains(&json!("questions")));
    assert_eq!(fixes, json!(["user_page"]), "the admin policy is fixed");
}

#[tokio::test]
async fn a_user_whose_wrong_answers_reach_the_ceiling_is_blocked_until_the_oldest_is_a_day_old() {
    let app = spawn_app().await;
    let cookie = helpdesk(&app).await;
    let id = app.add_user("kim", &[]).await;
    register_email(&app, id).await;
    let now = app.clock.now();
    // 5 wizards of 100 wrong answers each, from anywhere: the ceiling for all addresses
    // (500 under the default policy) is reached.
    for n in 0..5 {
        sqlx::query(
            "INSERT INTO reset_wizards (id_hash, user_id, name_key, gates_required, created_at, expires_at, failures)
             VALUES (?, ?, 'some-name', 1, ?, ?, 100)",
        )
        .bind(format!("w{n}"))
        .bind(id)
        .bind(now - 3600 + n)
        .bind(now + 900)
        .execute(&app.state.pool)
        .await
        .unwrap();
    }
    let report = troubleshoot(&app, &cookie, "kim").await;
    assert_eq!(
        report["verdict"],
        json!({ "cannot": { "reason": "blocked" } })
    );
    let (status, limit, _) = check(&report, "daily_limit");
    assert_eq!(status, "fail");
    assert_eq!(
        limit,
        json!({ "started": 5, "cap": 500, "wrong_answers": 500, "retry_after_secs": 23 * 3600 })
    );
    app.clock.advance(23 * 3600 + 1);
    // The admin's session has ended meanwhile.
    let cookie = app.session("desk").await;
    let report = troubleshoot(&app, &cookie, "kim").await;
    assert_eq!(report["verdict"]["can_reset"]["gates"], 1);
}
