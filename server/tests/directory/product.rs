//! sspr in `ldap` mode in front of a real slapd, through its HTTP API: sign-in binds as the
//! user, the wizard resets and unlocks in the directory, the directory's refusals reach the
//! new-password step, a stopped directory is "unavailable" with nothing changed, and
//! people outside the filter or behind an injected filter find nobody.

use crate::helpers::{begin, code_for, spawn_app_with, Reply, TestApp};
use crate::slapd::Slapd;
use serde_json::{json, Value};

const NEW: &str = "Tangerine-harbour-lamp-42";
const SECOND: &str = "Copper-kettle-meadow-17";

pub async fn ldap_app(slapd: &Slapd) -> TestApp {
    app_for(slapd.raw()).await
}

/// sspr in `ldap` mode in front of `directory`, its users and groups read.
pub async fn app_for(directory: server::directory::RawDirectory) -> TestApp {
    let app = spawn_app_with(|raw| {
        raw.directory = directory;
        raw.reset.captcha_difficulty = 4;
        raw.reset.ip_limit = 10_000;
        // The directory's own mail counts as the email method.
        raw.reset.directory_contacts = true;
    })
    .await;
    let read = app.state.directory.as_ref().expect("ldap mode");
    read.read_all()
        .await
        .expect("the first read of the directory");
    app
}

/// Through the email gate to the new-password step; the wizard's cookie.
pub async fn proven(app: &TestApp, user: &str, address: &str) -> String {
    let (reply, cookie) = begin(app, user).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let cookie = cookie.expect("wizard cookie");
    let chose = app
        .call(
            "reset_choose",
            json!({ "method": "email", "language": "en" }),
            Some(&cookie),
        )
        .await;
    assert_eq!(chose.status, 200, "{}", chose.text);
    let code = code_for(app, address).await;
    let verified = app
        .call(
            "reset_verify",
            json!({ "answer": { "code": code, "answers": [] } }),
            Some(&cookie),
        )
        .await;
    assert_eq!(verified.status, 200, "{}", verified.text);
    cookie
}

pub async fn complete(app: &TestApp, cookie: &str, password: &str) -> Reply {
    app.call(
        "reset_complete",
        json!({ "password": password, "confirmation": password }),
        Some(cookie),
    )
    .await
}

async fn session(app: &TestApp, user: &str, password: &str) -> String {
    let reply = app.sign_in(user, password).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.session_cookie().expect("a session cookie")
}

fn step(reply: &Reply) -> &Value {
    &reply.body["step"]
}

#[tokio::test]
async fn sign_in_binds_as_the_user_with_the_directory_password() {
    let slapd = Slapd::start();
    let app = ldap_app(&slapd).await;
    let ok = app.sign_in("alice", "Alice-initial-pass-1").await;
    assert_eq!(ok.status, 200, "{}", ok.text);
    assert_eq!(ok.body["display_name"], "Alice Papadopoulou", "{}", ok.text);
    let wrong = app.sign_in("alice", "not-her-password").await;
    assert_eq!(wrong.status, 401, "{}", wrong.text);
    let nobody = app.sign_in("zoe", "Alice-initial-pass-1").await;
    assert_eq!(nobody.status, 401);
    assert_eq!(wrong.body, nobody.body, "unknown and wrong answer alike");
    // Roles come from the directory's groups.
    let admin = app.sign_in("root.admin", "Root-admin-pass-1").await;
    assert_eq!(admin.status, 200, "{}", admin.text);
    assert_eq!(
        admin.body["roles"],
        json!(["global_admin"]),
        "{}",
        admin.text
    );
}

#[tokio::test]
async fn a_wizard_reset_writes_the_directory_and_the_old_password_stops_working() {
    let slapd = Slapd::start();
    let app = ldap_app(&slapd).await;
    let alice = "uid=alice,ou=people,dc=example,dc=org";
    let cookie = proven(&app, "alice", "alice@example.org").await;
    let done = complete(&app, &cookie, NEW).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(step(&done), &json!({ "Done": { "unlocked": false } }));
    assert!(slapd.binds(alice, NEW), "the new password binds");
    assert!(
        !slapd.binds(alice, "Alice-initial-pass-1"),
        "the old one no longer"
    );
    // sspr keeps no copy of a directory password.
    let copies: i64 = sqlx::query_scalar(
        "SELECT (SELECT COUNT(*) FROM password_hashes) + (SELECT COUNT(*) FROM password_history)",
    )
    .fetch_one(&app.state.pool)
    .await
    .unwrap();
    assert_eq!(copies, 0);
    let signed_in = app.sign_in("alice", NEW).await;
    assert_eq!(signed_in.status, 200, "{}", signed_in.text);
}

#[tokio::test]
async fn the_directory_refuses_a_password_from_its_history_and_the_wizard_stays() {
    let slapd = Slapd::start();
    let app = ldap_app(&slapd).await;
    let first = proven(&app, "alice", "alice@example.org").await;
    assert_eq!(complete(&app, &first, NEW).await.status, 200);
    // sspr keeps no history of directory passwords: the directory's own refuses it.
    let cookie = proven(&app, "alice", "alice@example.org").await;
    let refused = complete(&app, &cookie, NEW).await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        refused.body["Invalid"]["problem"],
        json!({ "DirectoryRefused": "in_history" }),
        "{}",
        refused.text
    );
    assert!(slapd.binds("uid=alice,ou=people,dc=example,dc=org", NEW));
    // Still on the new-password step: another password goes through.
    let done = complete(&app, &cookie, SECOND).await;
    assert_eq!(done.status, 200, "{}", done.text);
}

#[tokio::test]
async fn a_locked_directory_account_unlocks_through_the_wizard() {
    let slapd = Slapd::start();
    let app = ldap_app(&slapd).await;
    let carol = "uid=carol,ou=people,dc=example,dc=org";
    assert!(
        !slapd.binds(carol, "Carol-initial-pass-1"),
        "carol starts locked"
    );
    let cookie = proven(&app, "carol", "carol@example.org").await;
    let unlocked = app.call("reset_unlock", json!({}), Some(&cookie)).await;
    assert_eq!(unlocked.status, 200, "{}", unlocked.text);
    assert!(
        slapd.binds(carol, "Carol-initial-pass-1"),
        "unlocked, same password"
    );
}

#[tokio::test]
async fn people_outside_the_filter_and_injected_filters_find_nobody() {
    let slapd = Slapd::start();
    let app = ldap_app(&slapd).await;
    // erin is not in the staff group the sample's filter asks for.
    for name in ["erin", "*", "al*", "alice)(uid=*", "*)(|(uid=*"] {
        let (reply, cookie) = begin(&app, name).await;
        assert_eq!(reply.status, 200, "{name}: {}", reply.text);
        let chose = app
            .call(
                "reset_choose",
                json!({ "method": "email", "language": "en" }),
                cookie.as_deref(),
            )
            .await;
        assert_eq!(chose.status, 200, "{name}: {}", chose.text);
    }
    let sent: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(sent, 0, "nobody was found, so no code went anywhere");
}

#[tokio::test]
async fn a_directory_stopped_mid_reset_is_unavailable_and_changes_nothing() {
    let slapd = Slapd::start();
    let app = ldap_app(&slapd).await;
    let cookie = proven(&app, "alice", "alice@example.org").await;
    slapd.stop();
    let down = complete(&app, &cookie, NEW).await;
    assert_eq!(down.status, 503, "{}", down.text);
    assert_eq!(down.body, json!("Unavailable"), "{}", down.text);
    let open: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM reset_wizards WHERE finished_at IS NULL AND user_id IS NOT NULL",
    )
    .fetch_one(&app.state.pool)
    .await
    .unwrap();
    assert_eq!(open, 1, "the wizard did not end");
    let recorded: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_events WHERE event = 'directory_unavailable'",
    )
    .fetch_one(&app.state.pool)
    .await
    .unwrap();
    assert_eq!(recorded, 1);
    let health = app
        .send(
            http::Request::get("/healthz")
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(health.status, 503);
    assert_eq!(health.text, "directory unavailable\n");
}

#[tokio::test]
async fn the_dashboard_shows_the_directory_and_the_helpdesk_unlocks_in_it() {
    let slapd = Slapd::start();
    let app = ldap_app(&slapd).await;
    let admin = session(&app, "root.admin", "Root-admin-pass-1").await;
    let status = app.call("directory_status", json!({}), Some(&admin)).await;
    assert_eq!(status.status, 200, "{}", status.text);
    assert_eq!(status.body["users"], 5, "the staff filter: {}", status.text);
    assert!(status.body["read_at"].is_i64());
    let read = app.call("read_directory", json!({}), Some(&admin)).await;
    assert_eq!(read.status, 200, "{}", read.text);
    // Users and groups are the directory's: edits here are refused, with a reason.
    let create = app
        .call(
            "create_user",
            json!({ "username": "mallory", "profile": { "display_name": "M", "email": "", "phone": "" } }),
            Some(&admin),
        )
        .await;
    assert_eq!(create.status, 409, "{}", create.text);
    assert_eq!(create.body, json!("ManagedByDirectory"));
    // The troubleshooter reads the directory's lock afresh.
    let report = app
        .call(
            "troubleshoot_user",
            json!({ "user": "carol" }),
            Some(&admin),
        )
        .await;
    assert_eq!(report.status, 200, "{}", report.text);
    let checks = report.body["checks"].as_array().unwrap();
    assert!(
        checks
            .iter()
            .any(|c| c["finding"] == json!({ "directory": { "account": "locked" } })),
        "{}",
        report.text
    );
    // The helpdesk (bob, by the directory's helpdesk group) unlocks carol in the directory.
    let helpdesk = session(&app, "bob", "Bob-initial-pass-1").await;
    let unlocked = app
        .call(
            "unlock_user",
            json!({ "username": "carol" }),
            Some(&helpdesk),
        )
        .await;
    assert_eq!(unlocked.status, 200, "{}", unlocked.text);
    assert!(slapd.binds(
        "uid=carol,ou=people,dc=example,dc=org",
        "Carol-initial-pass-1"
    ));
}

#[tokio::test]
async fn a_known_password_changes_in_the_directory_as_the_user() {
    let slapd = Slapd::start();
    let app = ldap_app(&slapd).await;
    let bob = "uid=bob,ou=people,dc=example,dc=org";
    let cookie = session(&app, "bob", "Bob-initial-pass-1").await;
    let change = |current: &'static str, new: &'static str| {
        let cookie = cookie.clone();
        let app = &app;
        async move {
            let args = json!({ "current": current, "new_password": new, "confirmation": new });
            app.call("change_password", args, Some(&cookie)).await
        }
    };
    let wrong = change("not-bobs-password", NEW).await;
    assert_eq!(wrong.status, 401, "{}", wrong.text);
    assert_eq!(wrong.body, json!("CurrentPasswordIncorrect"));
    let changed = change("Bob-initial-pass-1", NEW).await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert!(slapd.binds(bob, NEW));
    assert!(!slapd.binds(bob, "Bob-initial-pass-1"));
}

#[tokio::test]
async fn the_helpdesk_temporary_password_lands_in_the_directory() {
    let slapd = Slapd::start();
    let app = ldap_app(&slapd).await;
    let admin = session(&app, "root.admin", "Root-admin-pass-1").await;
    let reply = app
        .call(
            "reset_user_password",
            json!({ "username": "alice" }),
            Some(&admin),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let temporary = reply.body["password"].as_str().expect("a password");
    assert!(slapd.binds("uid=alice,ou=people,dc=example,dc=org", temporary));
    let signed_in = app.sign_in("alice", temporary).await;
    assert_eq!(signed_in.status, 200, "{}", signed_in.text);
    assert_eq!(signed_in.body["must_change_password"], true);
}

#[tokio::test]
async fn a_renamed_person_keeps_the_security_info_they_registered() {
    let slapd = Slapd::start();
    let app = ldap_app(&slapd).await;
    let id_of = |name: &'static str| {
        let pool = app.state.pool.clone();
        async move {
            sqlx::query_scalar::<_, i64>("SELECT id FROM users WHERE username = ?")
                .bind(name)
                .fetch_optional(&pool)
                .await
                .unwrap()
        }
    };
    let before = id_of("alice").await.expect("alice is mirrored");
    sqlx::query(
        "INSERT INTO auth_methods (user_id, kind, value, registered_at) VALUES (?, 'phone', '+306900000001', 0)",
    )
    .bind(before)
    .execute(&app.state.pool)
    .await
    .unwrap();
    let renamed = std::process::Command::new("ldapmodrdn")
        .args([
            "-x",
            "-H",
            &slapd.env["LDAP_URL"],
            "-D",
            "cn=root,dc=example,dc=org",
        ])
        .args(["-w", "root-secret-only-for-loading", "-r"])
        .args(["uid=alice,ou=people,dc=example,dc=org", "uid=alice.p"])
        .status()
        .expect("ldapmodrdn");
    assert!(renamed.success());
    let read = app.state.directory.as_ref().unwrap().read_all().await;
    assert!(read.is_ok(), "{read:?}");
    assert_eq!(id_of("alice").await, None, "the old name is gone");
    assert_eq!(
        id_of("alice.p").await,
        Some(before),
        "same row, same stable id"
    );
    let phones: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM auth_methods WHERE user_id = ? AND kind = 'phone'",
    )
    .bind(before)
    .fetch_one(&app.state.pool)
    .await
    .unwrap();
    assert_eq!(phones, 1);
}
