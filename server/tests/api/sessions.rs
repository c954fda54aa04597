use crate::helpers::*;
use serde_json::{json, Value};

#[tokio::test]
async fn a_session_ends_after_thirty_idle_minutes() {
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    let cookie = app.session("maria").await;
    app.clock.advance(29 * 60);
    assert_eq!(app.current_user(&cookie).await["username"], "maria");
    app.clock.advance(29 * 60);
    assert_eq!(
        app.current_user(&cookie).await["username"],
        "maria",
        "use extends the idle time"
    );
    app.clock.advance(31 * 60);
    assert_eq!(app.current_user(&cookie).await, Value::Null);
}

#[tokio::test]
async fn a_session_ends_at_the_absolute_limit_even_when_busy() {
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    let cookie = app.session("maria").await;
    for _ in 0..(8 * 60 / 20 - 1) {
        app.clock.advance(20 * 60);
        assert_eq!(app.current_user(&cookie).await["username"], "maria");
    }
    app.clock.advance(20 * 60);
    assert_eq!(app.current_user(&cookie).await, Value::Null);
}

#[tokio::test]
async fn sign_out_deletes_the_session_and_clears_the_cookie() {
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    let cookie = app.session("maria").await;
    let reply = app.call("sign_out", json!({}), Some(&cookie)).await;
    assert_eq!(reply.status, 200);
    assert!(reply.headers["set-cookie"]
        .to_str()
        .unwrap()
        .contains("Max-Age=0"));
    assert_eq!(
        app.current_user(&cookie).await,
        Value::Null,
        "the old cookie no longer works"
    );
}

#[tokio::test]
async fn only_the_hash_of_a_session_id_is_stored() {
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    let cookie = app.session("maria").await;
    let token = cookie.trim_start_matches("sspr_session=");
    let (stored,): (String,) = sqlx::query_as("SELECT id_hash FROM sessions")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_ne!(stored, token);
    assert_eq!(stored, server::sessions::hash_token(token));
}

#[tokio::test]
async fn changing_the_password_ends_every_session_and_renews_this_one() {
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    let here = app.session("maria").await;
    let elsewhere = app.session("maria").await;
    let reply = app
        .call(
            "change_password",
            json!({ "current": PASSWORD, "new_password": "a brand new secret", "confirmation": "a brand new secret" }),
            Some(&here),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let renewed = reply.session_cookie().expect("a new session cookie");
    assert_ne!(renewed, here);
    assert_eq!(app.current_user(&renewed).await["username"], "maria");
    assert_eq!(
        app.current_user(&here).await,
        Value::Null,
        "the old id is gone"
    );
    assert_eq!(app.current_user(&elsewhere).await, Value::Null);
    assert_eq!(
        app.sign_in("maria", PASSWORD).await.status,
        401,
        "the old password fails"
    );
    assert_eq!(app.sign_in("maria", "a brand new secret").await.status, 200);
}

#[tokio::test]
async fn wrong_current_passwords_count_towards_the_lockout() {
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    let cookie = app.session("maria").await;
    let args = json!({ "current": "guess", "new_password": "a brand new secret", "confirmation": "a brand new secret" });
    for _ in 0..9 {
        assert_eq!(
            app.call("change_password", args.clone(), Some(&cookie))
                .await
                .status,
            401
        );
    }
    let tenth = app.call("change_password", args, Some(&cookie)).await;
    assert_eq!(
        tenth.body,
        json!("CurrentPasswordIncorrect"),
        "{}",
        tenth.text
    );
    // Locked: sign-in answers like a wrong password, and the owner is told by mail.
    let locked = app.sign_in("maria", PASSWORD).await;
    assert_eq!(locked.body, json!("InvalidCredentials"), "{}", locked.text);
    let subject: String = sqlx::query_scalar("SELECT subject FROM outbox")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(subject, "Your account is locked for a while");
}

#[tokio::test]
async fn a_password_change_with_bad_input_changes_nothing() {
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    let cookie = app.session("maria").await;
    let attempts = [
        (
            json!({ "current": "wrong", "new_password": "a brand new secret", "confirmation": "a brand new secret" }),
            401,
            json!("CurrentPasswordIncorrect"),
        ),
        (
            json!({ "current": PASSWORD, "new_password": "short", "confirmation": "short" }),
            422,
            json!({ "Invalid": { "field": "new_password", "problem": { "Password": { "TooShort": { "min": 15 } } } } }),
        ),
        (
            json!({ "current": PASSWORD, "new_password": "a brand new secret", "confirmation": "a brand new secreT" }),
            422,
            json!({ "Invalid": { "field": "new_password", "problem": { "Password": "Mismatch" } } }),
        ),
        (
            json!({ "current": PASSWORD, "new_password": "x".repeat(257), "confirmation": "x".repeat(257) }),
            422,
            json!({ "Invalid": { "field": "new_password", "problem": { "Password": { "TooLong": { "max": 256 } } } } }),
        ),
    ];
    for (args, status, body) in attempts {
        let reply = app.call("change_password", args, Some(&cookie)).await;
        assert_eq!(reply.status, status, "{}", reply.text);
        assert_eq!(reply.body, body);
    }
    assert_eq!(
        app.sign_in("maria", PASSWORD).await.status,
        200,
        "the password is unchanged"
    );
}

#[tokio::test]
async fn must_change_password_is_reported_and_cleared_by_a_change() {
    let app = spawn_app().await;
    app.add_user_with("maria", PASSWORD, &[], true).await;
    let reply = app.sign_in("maria", PASSWORD).await;
    assert_eq!(reply.body["must_change_password"], true);
    let cookie = reply.session_cookie().unwrap();
    let args = json!({ "current": PASSWORD, "new_password": "my own new secret", "confirmation": "my own new secret" });
    let reply = app.call("change_password", args, Some(&cookie)).await;
    assert_eq!(reply.status, 200);
    let renewed = reply.session_cookie().unwrap();
    assert_eq!(
        app.current_user(&renewed).await["must_change_password"],
        false
    );
}
