//! Changes that make an open reset wizard stale end it: a code sent before the change no
//! longer opens the gate. Each trigger starts a wizard for a user with email registered,
//! sends the code, makes the change, then types the code.

use crate::helpers::*;
use crate::reset::{code_for, reset_app, verify};
use app::domain::Role;
use serde_json::json;

const ADDRESS: &str = "rhea@example.org";
const NEW_PASSWORD: &str = "a brand new passphrase 42";

async fn begin(app: &TestApp, user: &str) -> String {
    let (reply, cookie) = crate::reset::begin(app, user).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    cookie.expect("a wizard cookie")
}

/// Chooses email and returns the code that was sent.
async fn send_code(app: &TestApp, cookie: &str) -> String {
    let args = json!({ "method": "email", "language": "en" });
    let reply = app.call("reset_choose", args, Some(cookie)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    code_for(app, ADDRESS).await
}

/// `rhea` with email registered and a wizard whose code was sent: (id, cookie, code).
async fn open_wizard(app: &TestApp) -> (i64, String, String) {
    let id = app.add_user("rhea", &[]).await;
    sqlx::query(
        "INSERT INTO auth_methods (user_id, kind, value, registered_at) VALUES (?, 'email', ?, 0)",
    )
    .bind(id)
    .bind(ADDRESS)
    .execute(&app.state.pool)
    .await
    .unwrap();
    let cookie = begin(app, "rhea").await;
    let code = send_code(app, &cookie).await;
    (id, cookie, code)
}

async fn live_reset_codes(app: &TestApp, user_id: i64) -> i64 {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM verification_codes
         WHERE user_id = ? AND purpose LIKE 'reset:%' AND consumed_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(&app.state.pool)
    .await
    .unwrap()
}

/// The code no longer opens the gate: the wizard is over and its code used up.
async fn assert_ended(app: &TestApp, user_id: i64, cookie: &str, code: &str) {
    let reply = verify(app, cookie, code).await;
    assert_eq!(reply.status, 410, "{}", reply.text);
    assert_eq!(reply.body, json!("WizardExpired"));
    assert_eq!(
        live_reset_codes(app, user_id).await,
        0,
        "the code is used up"
    );
}

async fn admin(app: &TestApp) -> String {
    app.add_user("boss", &[Role::GlobalAdmin]).await;
    app.session("boss").await
}

#[tokio::test]
async fn without_a_change_the_sent_code_opens_the_gate() {
    let app = reset_app().await;
    let (id, cookie, code) = open_wizard(&app).await;
    assert_eq!(live_reset_codes(&app, id).await, 1);
    let reply = verify(&app, &cookie, &code).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(
        reply.body["step"].get("NewPassword").is_some(),
        "{}",
        reply.text
    );
}

#[tokio::test]
async fn removing_a_method_ends_the_open_wizards_and_their_codes() {
    let app = reset_app().await;
    let (id, cookie, code) = open_wizard(&app).await;
    let session = app.session("rhea").await;
    let args = json!({ "kind": "email" });
    let removed = app.call("remove_method", args, Some(&session)).await;
    assert_eq!(removed.status, 200, "{}", removed.text);
    assert_ended(&app, id, &cookie, &code).await;
}

#[tokio::test]
async fn removing_a_method_that_is_not_there_changes_nothing() {
    let app = reset_app().await;
    let (id, cookie, code) = open_wizard(&app).await;
    let session = app.session("rhea").await;
    let args = json!({ "kind": "phone" });
    let removed = app.call("remove_method", args, Some(&session)).await;
    assert_eq!(removed.status, 404, "{}", removed.text);
    assert_eq!(live_reset_codes(&app, id).await, 1);
    assert_eq!(verify(&app, &cookie, &code).await.status, 200);
}

#[tokio::test]
async fn requiring_re_registration_ends_the_open_wizards_and_their_codes() {
    let app = reset_app().await;
    let boss = admin(&app).await;
    let (id, cookie, code) = open_wizard(&app).await;
    let reply = app
        .call(
            "require_reregistration",
            json!({ "username": "rhea" }),
            Some(&boss),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_ended(&app, id, &cookie, &code).await;
}

#[tokio::test]
async fn an_admins_temporary_password_ends_the_open_wizards_and_their_codes() {
    let app = reset_app().await;
    let boss = admin(&app).await;
    let (id, cookie, code) = open_wizard(&app).await;
    let reply = app
        .call(
            "reset_user_password",
            json!({ "username": "rhea" }),
            Some(&boss),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_ended(&app, id, &cookie, &code).await;
}

#[tokio::test]
async fn disabling_the_account_ends_the_open_wizards_even_once_it_is_enabled_again() {
    let app = reset_app().await;
    let boss = admin(&app).await;
    let (id, cookie, code) = open_wizard(&app).await;
    for enabled in [false, true] {
        let args = json!({ "username": "rhea", "enabled": enabled });
        let reply = app.call("set_user_enabled", args, Some(&boss)).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }
    assert_ended(&app, id, &cookie, &code).await;
}

#[tokio::test]
async fn changing_the_password_ends_the_open_wizards_and_their_codes() {
    let app = reset_app().await;
    let (id, cookie, code) = open_wizard(&app).await;
    let session = app.session("rhea").await;
    let args =
        json!({ "current": PASSWORD, "new_password": NEW_PASSWORD, "confirmation": NEW_PASSWORD });
    let reply = app.call("change_password", args, Some(&session)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_ended(&app, id, &cookie, &code).await;
}

#[tokio::test]
async fn a_completed_reset_ends_the_accounts_other_wizards() {
    let app = reset_app().await;
    let (id, first, code) = open_wizard(&app).await;
    let second = begin(&app, "rhea").await;
    let second_code = send_code(&app, &second).await;
    let proven = verify(&app, &second, &second_code).await;
    assert_eq!(proven.status, 200, "{}", proven.text);
    let args = json!({ "password": NEW_PASSWORD, "confirmation": NEW_PASSWORD });
    let done = app.call("reset_complete", args, Some(&second)).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_ended(&app, id, &first, &code).await;
}

/// `sspr users set-password` runs as a real process against the test's database file.
#[tokio::test]
async fn the_command_lines_set_password_ends_the_open_wizards_and_their_codes() {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sspr.db");
    let pool = server::db::connect(&db).await.unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let user = server::accounts::store::NewUser {
        username: app::domain::Username::parse("pat").unwrap(),
        display_name: "Pat".into(),
        email: None,
        phone: None,
        must_change_password: false,
    };
    let mut conn = pool.acquire().await.unwrap();
    let id = server::accounts::store::insert_user(&mut conn, &user, now)
        .await
        .unwrap();
    // A wizard in progress with its code sent, as `reset_choose` leaves them.
    sqlx::query(
        "INSERT INTO reset_wizards (id_hash, user_id, name_key, gates_required, method, code_expires_at, created_at, expires_at)
         VALUES ('w1', ?, 'k', 1, 'email', ?, ?, ?)",
    )
    .bind(id)
    .bind(now + 600)
    .bind(now)
    .bind(now + 3600)
    .execute(&mut *conn)
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO verification_codes (user_id, purpose, destination, code_hash, created_at, expires_at)
         VALUES (?, 'reset:email:w1', 'pat@example.org', 'x$y', ?, ?)",
    )
    .bind(id)
    .bind(now)
    .bind(now + 600)
    .execute(&mut *conn)
    .await
    .unwrap();
    drop(conn);

    let mut child = Command::new(env!("CARGO_BIN_EXE_sspr"))
        .env("SSPR_DATABASE_PATH", &db)
        .env("SSPR_LOG_LEVEL", "warn")
        .current_dir(dir.path())
        .args(["users", "set-password", "--username", "pat"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    writeln!(child.stdin.take().unwrap(), "{NEW_PASSWORD}").unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let (finished, outcome): (Option<i64>, Option<String>) =
        sqlx::query_as("SELECT finished_at, outcome FROM reset_wizards WHERE id_hash = 'w1'")
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(finished.is_some());
    assert_eq!(outcome.as_deref(), Some("revoked"));
    let consumed: Option<i64> =
        sqlx::query_scalar("SELECT consumed_at FROM verification_codes WHERE user_id = ?")
            .bind(id)
            .fetch_one(&pool)
            .await
            .unwrap();
    assert!(consumed.is_some(), "the code is used up");
}

#[tokio::test]
async fn replacing_the_registered_address_ends_the_open_wizards_and_their_codes() {
    let app = reset_app().await;
    let (id, cookie, code) = open_wizard(&app).await;
    let session = app.session("rhea").await;
    let new_address = "rhea.new@example.org";
    let args = json!({ "address": new_address, "language": "en" });
    let sent = app.call("send_email_code", args, Some(&session)).await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    let confirmation = code_for(&app, new_address).await;
    let args = json!({ "kind": "email", "code": confirmation });
    let confirmed = app.call("confirm_code", args, Some(&session)).await;
    assert_eq!(confirmed.status, 200, "{}", confirmed.text);
    assert_ended(&app, id, &cookie, &code).await;
}
