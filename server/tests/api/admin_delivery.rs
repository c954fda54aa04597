//! The delivery section: SMTP and SMS settings with write-only secrets, test messages
//! through the outbox, and retries.

use crate::helpers::*;
use app::domain::{AdminSection, Role};
use serde_json::{json, Value};
use server::delivery::settings::{SavedDelivery, SAVED_SETTINGS};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

const SECRET: &str = "s3cret-smtp-pw";

/// Send mode, SMTP pointed at a port where nothing listens, one attempt per message.
async fn sending_app() -> TestApp {
    spawn_app_with(|raw| {
        raw.delivery.mode = "send".into();
        raw.delivery.max_attempts = 1;
        raw.delivery.smtp.host = "127.0.0.1".into();
        raw.delivery.smtp.port = 1;
        raw.delivery.smtp.security = "none".into();
    })
    .await
}

async fn admin(app: &TestApp) -> String {
    app.add_user("dlv-admin", &[Role::GlobalAdmin]).await;
    app.session("dlv-admin").await
}

async fn settings(app: &TestApp, cookie: &str) -> Value {
    let reply = app
        .call("get_delivery_settings", json!({}), Some(cookie))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body
}

async fn save(app: &TestApp, cookie: &str, settings: &Value) -> Reply {
    app.call(
        "save_delivery_settings",
        json!({ "settings": settings }),
        Some(cookie),
    )
    .await
}

async fn saved(app: &TestApp) -> Option<SavedDelivery> {
    server::policy::settings::load(&app.state.pool, SAVED_SETTINGS)
        .await
        .unwrap()
}

async fn outbox_entry(app: &TestApp, cookie: &str, id: i64) -> Value {
    let reply = app.call("list_outbox", json!({}), Some(cookie)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["id"] == id)
        .cloned()
        .expect("the message in the outbox")
}

async fn audit_details(app: &TestApp, event: &str) -> Vec<String> {
    sqlx::query_scalar("SELECT detail FROM audit_events WHERE event = ? ORDER BY id")
        .bind(event)
        .fetch_all(&app.state.pool)
        .await
        .unwrap()
}

/// An SMTP server on a local port that accepts every message; the raw messages it got.
async fn smtp_sink() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let mails = Arc::new(Mutex::new(Vec::new()));
    let store = mails.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 sink ready\r\n").await;
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    let reply: &[u8] = if let Some(body) = data.as_mut() {
                        if line != "." {
                            body.push_str(&line);
                            body.push('\n');
                            continue;
                        }
                        store.lock().unwrap().push(data.take().unwrap_or_default());
                        b"250 queued\r\n"
                    } else {
                        let upper = line.to_ascii_uppercase();
                        if upper.starts_with("DATA") {
                            data = Some(String::new());
                            b"354 go on\r\n"
                        } else if upper.starts_with("QUIT") {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        } else {
                            b"250 ok\r\n"
                        }
                    };
                    if write.write_all(reply).await.is_err() {
                        break;
                    }
                }
            });
        }
    });
    (port, mails)
}

#[tokio::test]
async fn only_global_admins_use_the_delivery_functions() {
    let app = spawn_app().await;
    let callers = app.role_callers().await;
    let cookie = admin(&app).await;
    let current = settings(&app, &cookie).await;
    let allowed = AdminSection::Delivery.roles();
    app.assert_roles(&callers, "get_delivery_settings", json!({}), allowed)
        .await;
    app.assert_roles(
        &callers,
        "save_delivery_settings",
        json!({ "settings": current }),
        allowed,
    )
    .await;
    app.assert_roles(
        &callers,
        "send_test_message",
        json!({ "channel": "email", "to": "someone@example.org" }),
        allowed,
    )
    .await;
    app.assert_roles(
        &callers,
        "retry_outbox",
        json!({ "id": 1 }),
        AdminSection::Outbox.roles(),
    )
    .await;
}

#[tokio::test]
async fn the_settings_start_from_the_configuration_and_the_password_never_comes_back() {
    let app = sending_app().await;
    let cookie = admin(&app).await;
    let mut current = settings(&app, &cookie).await;
    assert_eq!(current["mode"], "send");
    assert_eq!(current["revision"], 0);
    assert_eq!(current["smtp"]["host"], "127.0.0.1");
    assert_eq!(current["smtp"]["port"], 1);
    assert_eq!(current["smtp"]["has_password"], false);

    current["smtp"]["username"] = json!("sspr");
    current["smtp"]["password"] = json!(SECRET);
    let reply = save(&app, &cookie, &current).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(!reply.text.contains(SECRET));
    assert_eq!(reply.body["smtp"]["password"], "");
    assert_eq!(reply.body["smtp"]["has_password"], true);
    assert_eq!(reply.body["revision"], 1);
    let read = settings(&app, &cookie).await;
    assert_eq!(read, reply.body);
    assert!(!serde_json::to_string(&read).unwrap().contains(SECRET));

    // An empty password field keeps the stored one.
    let mut next = read.clone();
    next["smtp"]["timeout_seconds"] = json!(5);
    let reply = save(&app, &cookie, &next).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["smtp"]["has_password"], true);
    assert_eq!(saved(&app).await.unwrap().smtp.password, SECRET);
    let (smtp, _) = app.state.delivery.current();
    assert_eq!(smtp.timeout.as_secs(), 5);
    assert!(smtp.credentials.is_some());

    // Clearing is explicit.
    let mut clear = reply.body.clone();
    clear["smtp"]["username"] = json!("");
    clear["smtp"]["clear_password"] = json!(true);
    let reply = save(&app, &cookie, &clear).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["smtp"]["has_password"], false);
    assert_eq!(saved(&app).await.unwrap().smtp.password, "");
    assert!(app.state.delivery.current().0.credentials.is_none());

    // The audit trail names the changed fields, never their values.
    let details = audit_details(&app, "delivery_settings_changed").await;
    assert_eq!(
        details,
        [
            "changed: smtp.username, smtp.password",
            "changed: smtp.timeout_seconds",
            "changed: smtp.username, smtp.password",
        ]
    );
}

#[tokio::test]
async fn invalid_settings_name_the_field_and_change_nothing() {
    let app = sending_app().await;
    let cookie = admin(&app).await;
    let current = settings(&app, &cookie).await;
    let cases = [
        ("/smtp/port", json!(0), "smtp.port"),
        ("/smtp/from", json!("not a mailbox"), "smtp.from"),
        ("/smtp/security", json!("ssl"), "smtp.security"),
        ("/smtp/username", json!("half"), "smtp.username"),
        ("/sms/url", json!("ftp://sms.example.org/"), "sms.url"),
        (
            "/sms/body_template",
            json!("{\"to\": {{to}}}"),
            "sms.body_template",
        ),
        ("/sms/headers", json!("Bad Name: x"), "sms.headers"),
    ];
    for (pointer, value, field) in cases {
        let mut bad = current.clone();
        *bad.pointer_mut(pointer).unwrap() = value;
        let reply = save(&app, &cookie, &bad).await;
        assert_eq!(reply.status, 422, "{pointer}: {}", reply.text);
        assert_eq!(reply.body["Invalid"]["field"], field, "{}", reply.text);
    }
    assert_eq!(settings(&app, &cookie).await, current);
    assert!(saved(&app).await.is_none());
    assert_eq!(app.state.delivery.current().0.port, 1);
    assert!(audit_details(&app, "delivery_settings_changed")
        .await
        .is_empty());
}

#[tokio::test]
async fn a_save_over_a_newer_one_is_refused_as_a_conflict() {
    let app = sending_app().await;
    let cookie = admin(&app).await;
    app.add_user("dlv-other", &[Role::GlobalAdmin]).await;
    let other = app.session("dlv-other").await;
    let mine = settings(&app, &cookie).await;
    let mut theirs = settings(&app, &other).await;
    theirs["smtp"]["port"] = json!(2525);
    assert_eq!(save(&app, &other, &theirs).await.status, 200);
    let mut late = mine.clone();
    late["smtp"]["port"] = json!(587);
    let reply = save(&app, &cookie, &late).await;
    assert_eq!(reply.status, 409, "{}", reply.text);
    assert_eq!(reply.body, json!("EditConflict"));
    assert_eq!(saved(&app).await.unwrap().smtp.port, 2525);
    assert_eq!(app.state.delivery.current().0.port, 2525);

    // The saved settings outlive a restart: a new Delivery (as at start-up) applies them.
    let restarted = server::delivery::Delivery::new(
        app.state.pool.clone(),
        app.clock.clone(),
        &app.state.config.delivery,
    );
    assert_eq!(restarted.current().0.port, 1);
    restarted.apply_saved().await.unwrap();
    assert_eq!(restarted.current().0.port, 2525);
}

#[tokio::test]
async fn a_test_message_goes_through_the_outbox_with_the_settings_saved_meanwhile() {
    let app = sending_app().await;
    let cookie = admin(&app).await;
    let reply = app
        .call(
            "send_test_message",
            json!({ "channel": "email", "to": "not an address" }),
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, 422);
    assert_eq!(reply.body["Invalid"]["field"], "to");
    let reply = app
        .call(
            "send_test_message",
            json!({ "channel": "sms", "to": "+306912345678" }),
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, 409, "no SMS provider: {}", reply.text);

    let reply = app
        .call(
            "send_test_message",
            json!({ "channel": "email", "to": "Tester@Example.org" }),
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let id = reply.body.as_i64().unwrap();
    let queued = outbox_entry(&app, &cookie, id).await;
    assert_eq!(queued["status"], "pending");
    assert_eq!(queued["retryable"], false, "due now anyway");

    // Nothing listens on port 1: the only attempt fails.
    app.state.delivery.run_once().await.unwrap();
    let entry = outbox_entry(&app, &cookie, id).await;
    assert_eq!(entry["status"], "failed");
    assert!(entry["last_error"].as_str().unwrap().starts_with("SMTP"));
    assert_eq!(entry["retryable"], true);
    assert_eq!(entry["body"], "", "only held messages show their body");

    // Point SMTP at a working server; the running Delivery takes it without a restart.
    let (port, mails) = smtp_sink().await;
    let mut next = settings(&app, &cookie).await;
    next["smtp"]["port"] = json!(port);
    assert_eq!(save(&app, &cookie, &next).await.status, 200);

    let reply = app
        .call("retry_outbox", json!({ "id": id }), Some(&cookie))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let entry = outbox_entry(&app, &cookie, id).await;
    assert_eq!(
        (&entry["status"], &entry["attempts"]),
        (&json!("pending"), &json!(0))
    );
    app.state.delivery.run_once().await.unwrap();
    let entry = outbox_entry(&app, &cookie, id).await;
    assert_eq!(entry["status"], "sent", "{entry}");
    assert_eq!(entry["retryable"], false);
    let mails = mails.lock().unwrap().clone();
    assert_eq!(mails.len(), 1);
    assert!(mails[0].contains("To: Tester@example.org"), "{}", mails[0]);
    assert!(mails[0].contains("test message"), "{}", mails[0]);

    // A sent message is not retried.
    let reply = app
        .call("retry_outbox", json!({ "id": id }), Some(&cookie))
        .await;
    assert_eq!(reply.status, 404);

    let sent = audit_details(&app, "test_message_sent").await;
    assert_eq!(sent.len(), 1);
    assert!(sent[0].starts_with("email to "), "{}", sent[0]);
    assert!(!sent[0].contains("Tester@"), "masked: {}", sent[0]);
    assert_eq!(
        audit_details(&app, "outbox_retried").await,
        [format!("message {id}")]
    );
}
