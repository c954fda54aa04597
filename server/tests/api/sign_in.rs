use crate::helpers::*;
use serde_json::json;
use server::clock::Clock;

#[tokio::test]
async fn a_user_signs_in_with_the_right_password_and_gets_a_strict_http_only_cookie() {
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    let reply = app.sign_in("maria", PASSWORD).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["username"], "maria");
    let cookie = reply.headers["set-cookie"].to_str().unwrap();
    assert!(cookie.starts_with("sspr_session="));
    assert!(
        cookie.contains("HttpOnly")
            && cookie.contains("SameSite=Strict")
            && cookie.contains("Path=/")
    );
    let value = cookie
        .split(';')
        .next()
        .unwrap()
        .trim_start_matches("sspr_session=");
    assert_eq!(value.len(), 43, "256 bits in base64url");
}

#[tokio::test]
async fn unknown_users_wrong_passwords_and_disabled_accounts_get_the_same_answer() {
    let app = spawn_app().await;
    let id = app.add_user("maria", &[]).await;
    app.add_user("olga", &[]).await;
    sqlx::query("UPDATE users SET status = 'disabled' WHERE id = ?")
        .bind(id)
        .execute(&app.state.pool)
        .await
        .unwrap();
    let unknown = app.sign_in("nobody", PASSWORD).await;
    let wrong = app.sign_in("olga", "not the password").await;
    let disabled = app.sign_in("maria", PASSWORD).await;
    for reply in [&unknown, &wrong, &disabled] {
        assert_eq!(reply.status, 401);
        assert_eq!(reply.text, unknown.text);
        assert!(reply.headers.get("set-cookie").is_none());
    }
    assert_eq!(unknown.body, json!("InvalidCredentials"));
}

#[tokio::test]
async fn ten_failures_lock_the_account_for_fifteen_minutes_then_it_opens_again() {
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    for attempt in 1..=9 {
        let reply = app.sign_in("maria", "wrong password").await;
        assert_eq!(reply.status, 401, "attempt {attempt}");
    }
    let tenth = app.sign_in("maria", "wrong password").await;
    assert_eq!(
        tenth.body,
        json!("InvalidCredentials"),
        "the lock is not announced"
    );
    let until: Option<i64> =
        sqlx::query_scalar("SELECT locked_until FROM users WHERE username = 'maria'")
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
    assert_eq!(until, Some(app.clock.now() + 15 * 60));
    let right = app.sign_in("maria", PASSWORD).await;
    assert_eq!(
        right.status, 401,
        "the right password does not open a locked account"
    );
    app.clock.advance(15 * 60);
    assert_eq!(app.sign_in("maria", PASSWORD).await.status, 200);
    let (failures,): (i64,) =
        sqlx::query_as("SELECT failed_sign_ins FROM users WHERE username = 'maria'")
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
    assert_eq!(failures, 0);
}

#[tokio::test]
async fn a_success_resets_the_failure_count() {
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    for _ in 0..9 {
        app.sign_in("maria", "wrong password").await;
    }
    assert_eq!(app.sign_in("maria", PASSWORD).await.status, 200);
    for _ in 0..9 {
        assert_eq!(app.sign_in("maria", "wrong password").await.status, 401);
    }
}

#[tokio::test]
async fn the_per_address_limit_throttles_sign_in_attempts() {
    let app = spawn_app_with(|c| {
        c.sign_in.ip_limit = 3;
        c.sign_in.ip_window_seconds = 60;
    })
    .await;
    app.add_user("maria", &[]).await;
    for _ in 0..3 {
        assert_eq!(app.sign_in("nobody", "x").await.status, 401);
    }
    let throttled = app.sign_in("maria", PASSWORD).await;
    assert_eq!(throttled.status, 429);
    assert_eq!(
        throttled.body,
        json!({ "Throttled": { "retry_after_secs": 60 } })
    );
    app.clock.advance(60);
    assert_eq!(app.sign_in("maria", PASSWORD).await.status, 200);
}

#[tokio::test]
async fn usernames_match_after_nfkc_and_case_folding() {
    let app = spawn_app().await;
    app.add_user("Admin", &[]).await;
    assert_eq!(app.sign_in("ａｄｍｉｎ", PASSWORD).await.status, 200);
    assert_eq!(app.sign_in("ADMIN", PASSWORD).await.status, 200);
}

#[tokio::test]
async fn control_characters_and_overlong_usernames_are_refused_with_the_reason() {
    let app = spawn_app().await;
    let reply = app.sign_in("ad\u{7}min", PASSWORD).await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.body,
        json!({ "Invalid": { "field": "username", "problem": { "Username": "ControlCharacter" } } })
    );
    let reply = app.sign_in(&"a".repeat(65), PASSWORD).await;
    assert_eq!(reply.body["Invalid"]["problem"]["Username"], "TooLong");
}

#[tokio::test]
async fn a_hash_with_old_parameters_is_upgraded_at_sign_in() {
    let app = spawn_app().await;
    let id = app.add_user("maria", &[]).await;
    let weak = server::passwords::PasswordHasher::new(
        server::passwords::HashingParams::check(7_168, 5, 1).unwrap(),
    );
    let phc = weak.hash(PASSWORD).await.unwrap();
    sqlx::query(
        "UPDATE password_hashes SET phc = ?, memory_kib = 7168, iterations = 5 WHERE user_id = ?",
    )
    .bind(&phc)
    .bind(id)
    .execute(&app.state.pool)
    .await
    .unwrap();
    assert_eq!(app.sign_in("maria", PASSWORD).await.status, 200);
    let (stored, memory): (String, i64) =
        sqlx::query_as("SELECT phc, memory_kib FROM password_hashes WHERE user_id = ?")
            .bind(id)
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
    assert!(
        stored.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{stored}"
    );
    assert_eq!(memory, 19_456);
    assert_eq!(
        app.sign_in("maria", PASSWORD).await.status,
        200,
        "the new hash verifies"
    );
}

#[tokio::test]
async fn a_huge_password_is_refused_without_hashing() {
    let app = spawn_app().await;
    app.add_user("maria", &[]).await;
    let reply = app.sign_in("maria", &"x".repeat(5_000)).await;
    assert_eq!(reply.status, 401);
}
