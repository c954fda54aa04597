//! Sign-in lockout without an existence signal: a locked account answers every attempt,
//! the right password included, exactly as a wrong password or an unknown name does, and
//! its owner learns of the lock by mail, once per lock.

use crate::helpers::*;
use serde_json::json;
use server::clock::Clock;

const WRONG: &str = "wrong password";

async fn outbox(app: &TestApp) -> Vec<(String, String, String, String)> {
    sqlx::query_as("SELECT recipient, subject, body_text, language FROM outbox ORDER BY id")
        .fetch_all(&app.state.pool)
        .await
        .unwrap()
}

/// What an attacker compares: status, body and the names of the headers.
fn shape(reply: &Reply) -> (u16, String, Vec<String>) {
    let mut names: Vec<String> = reply.headers.keys().map(|k| k.to_string()).collect();
    names.sort();
    (reply.status.as_u16(), reply.text.clone(), names)
}

/// Ten wrong passwords, then one more and the right one: the answers to the last three.
async fn lock_then_try(app: &TestApp, name: &str) -> Vec<Reply> {
    for _ in 0..9 {
        app.sign_in(name, WRONG).await;
    }
    vec![
        app.sign_in(name, WRONG).await,
        app.sign_in(name, WRONG).await,
        app.sign_in(name, PASSWORD).await,
    ]
}

#[tokio::test]
async fn after_ten_failures_a_real_account_answers_like_an_unknown_name() {
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    let held = app.add_user("olga", &[]).await;
    // Locked by an administrator, with no end time.
    sqlx::query("UPDATE users SET status = 'locked', lock_reason = 'admin' WHERE id = ?")
        .bind(held)
        .execute(&app.state.pool)
        .await
        .unwrap();
    let baseline = shape(&app.sign_in("nobody-else", WRONG).await);
    assert_eq!(baseline.0, 401);
    assert_eq!(baseline.1, json!("InvalidCredentials").to_string());
    let mut replies = lock_then_try(&app, "maria").await;
    replies.extend(lock_then_try(&app, "nobody").await);
    replies.push(app.sign_in("olga", PASSWORD).await);
    for (i, reply) in replies.iter().enumerate() {
        assert_eq!(shape(reply), baseline, "reply {i}: {}", reply.text);
    }
    let locked: Option<i64> =
        sqlx::query_scalar("SELECT locked_until FROM users WHERE username = 'maria'")
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
    assert_eq!(locked, Some(app.clock.now() + 15 * 60), "maria is locked");
}

#[tokio::test]
async fn the_real_user_is_told_of_the_lock_by_mail_once() {
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    for _ in 0..9 {
        app.sign_in("maria", WRONG).await;
    }
    assert!(outbox(&app).await.is_empty(), "no mail before the lock");
    app.sign_in("maria", WRONG).await;
    for _ in 0..5 {
        app.sign_in("maria", WRONG).await;
    }
    app.sign_in("maria", PASSWORD).await;
    let mail = outbox(&app).await;
    assert_eq!(mail.len(), 1, "one mail per lock: {mail:?}");
    let (recipient, subject, text, language) = &mail[0];
    assert_eq!(recipient, "maria@example.org", "the profile address");
    assert_eq!(subject, "Your account is locked for a while");
    assert_eq!(language, "en");
    // The clock starts at 2027-01-15 08:00 UTC; the lock lasts 15 minutes.
    assert!(
        text.contains("15 minutes, until 2027-01-15 08:15 UTC"),
        "{text}"
    );
    assert!(text.contains("password is still safe"), "{text}");
    assert!(text.contains(&format!("{}/reset", app.origin())), "{text}");
    // An unknown name locks nothing and mails nobody.
    for _ in 0..10 {
        app.sign_in("nobody", WRONG).await;
    }
    assert_eq!(outbox(&app).await.len(), 1);
    // A new lock after the first ended is told again.
    app.clock.advance(15 * 60);
    for _ in 0..10 {
        app.sign_in("maria", WRONG).await;
    }
    assert_eq!(outbox(&app).await.len(), 2);
}

#[tokio::test]
async fn the_lock_mail_goes_to_the_registered_address_in_the_users_language() {
    let app = spawn_app().await;
    let id = app.add_user("eleni", &[]).await;
    sqlx::query("UPDATE users SET language = 'el' WHERE id = ?")
        .bind(id)
        .execute(&app.state.pool)
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO auth_methods (user_id, kind, value, registered_at) VALUES (?, 'email', 'eleni.home@example.net', 0)",
    )
    .bind(id)
    .execute(&app.state.pool)
    .await
    .unwrap();
    for _ in 0..10 {
        app.sign_in("eleni", WRONG).await;
    }
    let mail = outbox(&app).await;
    assert_eq!(mail.len(), 1);
    let (recipient, subject, text, language) = &mail[0];
    assert_eq!(recipient, "eleni.home@example.net");
    assert_eq!(subject, "Ο λογαριασμός σας κλειδώθηκε προσωρινά");
    assert_eq!(language, "el");
    assert!(text.contains("2027-01-15 08:15 UTC"), "{text}");
}

#[tokio::test]
async fn the_lock_stops_the_right_password_until_it_ends() {
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    for _ in 0..10 {
        app.sign_in("maria", WRONG).await;
    }
    app.clock.advance(15 * 60 - 1);
    let early = app.sign_in("maria", PASSWORD).await;
    assert_eq!(early.status, 401, "{}", early.text);
    assert!(early.session_cookie().is_none());
    app.clock.advance(1);
    let after = app.sign_in("maria", PASSWORD).await;
    assert_eq!(after.status, 200, "{}", after.text);
    assert!(after.session_cookie().is_some());
}
