//! Every server function checks who calls it on the server, whatever the UI shows.

use crate::helpers::*;
use app::domain::{AdminSection, Role};
use serde_json::{json, Value};

fn list_args() -> Value {
    json!({ "search": "", "page": 0 })
}

#[tokio::test]
async fn the_users_list_needs_a_session() {
    let app = spawn_app().await;
    let reply = app.call("list_users", list_args(), None).await;
    assert_eq!(reply.status, 401);
    assert_eq!(reply.body, json!("NotSignedIn"));
    let forged = app
        .call("list_users", list_args(), Some("sspr_session=made-up"))
        .await;
    assert_eq!(forged.status, 401);
}

#[tokio::test]
async fn the_users_list_is_refused_to_ordinary_users() {
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    let cookie = app.session("maria").await;
    let reply = app.call("list_users", list_args(), Some(&cookie)).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.body, json!("Forbidden"));
}

#[tokio::test]
async fn global_and_helpdesk_admins_read_the_users_list_and_reports_readers_do_not() {
    let app = spawn_app().await;
    for (name, role) in [
        ("ga", Role::GlobalAdmin),
        ("hd", Role::HelpdeskAdmin),
        ("rr", Role::ReportsReader),
    ] {
        app.add_user(name, &[role]).await;
        let cookie = app.session(name).await;
        let reply = app.call("list_users", list_args(), Some(&cookie)).await;
        if AdminSection::Users.allows(&[role]) {
            assert_eq!(reply.status, 200, "{name}: {}", reply.text);
            assert_eq!(reply.body["total"], json!(app_users(&app).await));
        } else {
            assert_eq!(reply.status, 403, "{name}: {}", reply.text);
        }
    }
    assert!(!AdminSection::Users.allows(&[Role::ReportsReader]));
}

async fn app_users(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM users")
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

#[tokio::test]
async fn an_admin_who_must_change_their_password_cannot_use_admin_functions_yet() {
    let app = spawn_app().await;
    app.add_user_with("ga", PASSWORD, &[Role::GlobalAdmin], true)
        .await;
    let cookie = app.sign_in("ga", PASSWORD).await.session_cookie().unwrap();
    let reply = app.call("list_users", list_args(), Some(&cookie)).await;
    assert_eq!(reply.status, 403);
    assert_eq!(reply.body, json!("PasswordChangeRequired"));
}

#[tokio::test]
async fn password_change_needs_a_session() {
    let app = spawn_app().await;
    let args = json!({ "current": "x", "new_password": "a brand new secret", "confirmation": "a brand new secret" });
    assert_eq!(app.call("change_password", args, None).await.status, 401);
}

#[tokio::test]
async fn current_user_without_a_session_is_null_and_sign_out_is_harmless() {
    let app = spawn_app().await;
    let reply = app.call("current_user", json!({}), None).await;
    assert_eq!((reply.status.as_u16(), reply.body), (200, Value::Null));
    assert_eq!(app.call("sign_out", json!({}), None).await.status, 200);
}

#[tokio::test]
async fn search_and_paging_return_the_matching_users_in_order() {
    let app = spawn_app().await;
    app.add_user("admin", &[Role::GlobalAdmin]).await;
    for i in 0..25 {
        app.add_user(&format!("user{i:02}"), &[]).await;
    }
    let cookie = app.session("admin").await;
    let first = app
        .call(
            "list_users",
            json!({ "search": "user", "page": 0 }),
            Some(&cookie),
        )
        .await;
    assert_eq!(first.body["total"], 25);
    assert_eq!(first.body["rows"].as_array().unwrap().len(), 20);
    assert_eq!(first.body["rows"][0]["username"], "user00");
    let second = app
        .call(
            "list_users",
            json!({ "search": "user", "page": 1 }),
            Some(&cookie),
        )
        .await;
    assert_eq!(second.body["rows"].as_array().unwrap().len(), 5);
    assert_eq!(second.body["rows"][4]["username"], "user24");
    let wildcard = app
        .call(
            "list_users",
            json!({ "search": "%", "page": 0 }),
            Some(&cookie),
        )
        .await;
    assert_eq!(wildcard.body["total"], 0, "% is literal");
    let too_long = app
        .call(
            "list_users",
            json!({ "search": "x".repeat(200), "page": 0 }),
            Some(&cookie),
        )
        .await;
    assert_eq!(too_long.status, 422);
}

#[tokio::test]
async fn only_global_admins_read_the_outbox() {
    let app = spawn_app().await;
    let callers = app.role_callers().await;
    app.assert_roles(&callers, "list_outbox", json!({}), &[Role::GlobalAdmin])
        .await;
}
