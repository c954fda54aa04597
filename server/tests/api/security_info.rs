//! Security info through HTTP: registering, proving and removing verification methods,
//! re-authentication, postponing registration and the registration policy. In the
//! default delivery mode ("outbox") messages are held in the `outbox` table, so a test
//! reads the code it was sent from there.

use crate::helpers::*;
use app::domain::Role;
use serde_json::{json, Value};
use server::clock::Clock;
use server::verification::totp::{code_at_step, step_of, TotpSecret};
use std::collections::HashSet;

const ADDRESS: &str = "jane@example.com";
const NUMBER: &str = "+30 691 234 5612";

/// The newest outbox row: (channel, recipient, status, language, body_text).
async fn latest_outbox(app: &TestApp) -> Option<(String, String, String, String, String)> {
    sqlx::query_as(
        "SELECT channel, recipient, status, language, body_text FROM outbox ORDER BY id DESC LIMIT 1",
    )
    .fetch_optional(&app.state.pool)
    .await
    .unwrap()
}

/// The eight-digit code in a message body.
fn code_in(body: &str) -> String {
    body.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 8)
        .unwrap_or_else(|| panic!("no eight-digit code in {body:?}"))
        .to_owned()
}

/// The code in the newest outbox message.
async fn latest_code(app: &TestApp) -> String {
    let (.., body) = latest_outbox(app).await.expect("a message in the outbox");
    code_in(&body)
}

/// An eight-digit code that is not `code`.
fn other_than(code: &str) -> &'static str {
    if code == "00000000" {
        "11111111"
    } else {
        "00000000"
    }
}

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

async fn send_email_code(app: &TestApp, cookie: &str, address: &str) -> Reply {
    app.call(
        "send_email_code",
        json!({ "address": address, "language": "en" }),
        Some(cookie),
    )
    .await
}

async fn confirm(app: &TestApp, cookie: &str, kind: &str, code: &str) -> Reply {
    app.call(
        "confirm_code",
        json!({ "kind": kind, "code": code }),
        Some(cookie),
    )
    .await
}

async fn security_info(app: &TestApp, cookie: &str) -> Value {
    let reply = app.call("security_info", json!({}), Some(cookie)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body
}

/// The entry for one method in a `SecurityInfo`.
fn method<'a>(info: &'a Value, kind: &str) -> &'a Value {
    info["methods"]
        .as_array()
        .expect("a list of methods")
        .iter()
        .find(|m| m["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} in {info}"))
}

/// Sends a code to `address` and types it back, failing the test if either step fails.
async fn register_email(app: &TestApp, cookie: &str, address: &str) -> Value {
    let sent = send_email_code(app, cookie, address).await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    let code = latest_code(app).await;
    let reply = confirm(app, cookie, "email", &code).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body
}

fn three_answers(bank: &[Value], answers: [&str; 3]) -> Value {
    let items: Vec<Value> = bank
        .iter()
        .zip(answers)
        .map(|(q, a)| json!({ "question_id": q["id"], "answer": a }))
        .collect();
    json!({ "answers": items })
}

async fn question_bank(app: &TestApp, cookie: &str) -> Vec<Value> {
    let reply = app.call("question_bank", json!({}), Some(cookie)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body.as_array().expect("a list of questions").clone()
}

#[tokio::test]
async fn a_new_user_is_due_to_register_until_they_register_an_email_address() {
    let app = spawn_app().await;
    app.add_user("jane", &[]).await;
    let signed_in = app.sign_in("jane", PASSWORD).await;
    assert_eq!(signed_in.status, 200, "{}", signed_in.text);
    let incomplete = json!({ "Incomplete": { "required": 1, "registered": 0 } });
    assert_eq!(signed_in.body["registration"]["due"], incomplete);
    let cookie = signed_in.session_cookie().unwrap();
    let me = app.current_user(&cookie).await;
    assert_eq!(me["registration"]["due"], incomplete);
    assert_eq!(me["registration"]["postponed"], false);

    let info = register_email(&app, &cookie, ADDRESS).await;
    assert_eq!(info["due"], Value::Null);
    assert_eq!(
        app.current_user(&cookie).await["registration"]["due"],
        Value::Null
    );
}

#[tokio::test]
async fn a_malformed_email_address_is_refused_and_nothing_is_stored() {
    let app = spawn_app().await;
    app.add_user("jane", &[]).await;
    let cookie = app.session("jane").await;
    for (address, problem) in [
        ("jane", "Shape"),
        ("jane@localhost", "Domain"),
        ("ja ne@example.com", "LocalPart"),
        ("  ", "Empty"),
    ] {
        let reply = send_email_code(&app, &cookie, address).await;
        assert_eq!(reply.status, 422, "{address}: {}", reply.text);
        assert_eq!(
            reply.body,
            json!({ "Invalid": { "field": "address", "problem": { "Email": problem } } }),
            "{address}"
        );
    }
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outbox").await, 0);
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM verification_codes").await,
        0
    );
}

#[tokio::test]
async fn an_email_code_is_held_in_the_outbox_and_registers_the_address_once() {
    let app = spawn_app().await;
    app.add_user("jane", &[]).await;
    let cookie = app.session("jane").await;

    let sent = app
        .call(
            "send_email_code",
            json!({ "address": ADDRESS, "language": "el" }),
            Some(&cookie),
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    assert_eq!(sent.body["masked"], "j***@example.com");
    assert_eq!(
        sent.body["expires_at"],
        app.clock.now() + app.state.config.codes.ttl_secs
    );

    let (channel, recipient, status, language, body) = latest_outbox(&app).await.unwrap();
    assert_eq!(channel, "email");
    assert_eq!(recipient, ADDRESS);
    assert_eq!(status, "held");
    assert_eq!(language, "el");
    assert!(
        body.contains("Ισχύει μία φορά"),
        "the body is in Greek: {body}"
    );
    let code = code_in(&body);

    let wrong = confirm(&app, &cookie, "email", other_than(&code)).await;
    assert_eq!(wrong.status, 401, "{}", wrong.text);
    assert_eq!(
        wrong.body,
        json!({ "CodeIncorrect": { "attempts_left": 4 } })
    );
    let info = security_info(&app, &cookie).await;
    assert_eq!(method(&info, "email")["registered"], false);

    let right = confirm(&app, &cookie, "email", &code).await;
    assert_eq!(right.status, 200, "{}", right.text);
    assert_eq!(method(&right.body, "email")["registered"], true);
    let info = security_info(&app, &cookie).await;
    let email = method(&info, "email");
    assert_eq!(email["registered"], true);
    assert_eq!(email["detail"], "j***@example.com");
    assert_eq!(email["registered_at"], app.clock.now());

    let again = confirm(&app, &cookie, "email", &code).await;
    assert_eq!(again.status, 410, "{}", again.text);
    assert_eq!(again.body, json!("CodeExpired"));
}

#[tokio::test]
async fn a_code_typed_with_spaces_is_accepted_and_a_code_of_the_wrong_shape_is_refused() {
    let app = spawn_app().await;
    app.add_user("jane", &[]).await;
    let cookie = app.session("jane").await;
    assert_eq!(send_email_code(&app, &cookie, ADDRESS).await.status, 200);
    let code = latest_code(&app).await;

    let short = confirm(&app, &cookie, "email", "1234567").await;
    assert_eq!(short.status, 422, "{}", short.text);
    assert_eq!(
        short.body,
        json!({ "Invalid": { "field": "code", "problem": { "CodeFormat": { "digits": 8 } } } })
    );
    let spaced = format!("{} {}", &code[..4], &code[4..]);
    let reply = confirm(&app, &cookie, "email", &spaced).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(method(&reply.body, "email")["registered"], true);
}

#[tokio::test]
async fn only_a_salted_hash_of_a_verification_code_is_stored() {
    let app = spawn_app().await;
    app.add_user("jane", &[]).await;
    let cookie = app.session("jane").await;
    assert_eq!(send_email_code(&app, &cookie, ADDRESS).await.status, 200);
    let code = latest_code(&app).await;
    let (stored, destination): (String, String) =
        sqlx::query_as("SELECT code_hash, destination FROM verification_codes")
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
    assert_eq!(destination, ADDRESS);
    assert!(!stored.contains(&code), "{stored} holds the code {code}");
    assert!(stored.contains('$'), "salt$hash: {stored}");
}

#[tokio::test]
async fn an_email_code_stops_working_when_its_lifetime_ends() {
    let app = spawn_app().await;
    app.add_user("jane", &[]).await;
    let cookie = app.session("jane").await;
    assert_eq!(send_email_code(&app, &cookie, ADDRESS).await.status, 200);
    let code = latest_code(&app).await;
    let ttl = app.state.config.codes.ttl_secs;

    app.clock.advance(ttl - 1);
    let just_before = confirm(&app, &cookie, "email", other_than(&code)).await;
    assert_eq!(
        just_before.body,
        json!({ "CodeIncorrect": { "attempts_left": 4 } }),
        "the code is still live a second before it expires"
    );
    app.clock.advance(1);
    // The re-authentication window is as long as the code lifetime: type the password
    // again so the refusal below can only be about the code.
    let reauth = app
        .call(
            "reauthenticate",
            json!({ "password": PASSWORD }),
            Some(&cookie),
        )
        .await;
    assert_eq!(reauth.status, 200, "{}", reauth.text);
    let late = confirm(&app, &cookie, "email", &code).await;
    assert_eq!(late.status, 410, "{}", late.text);
    assert_eq!(late.body, json!("CodeExpired"));
    let info = security_info(&app, &cookie).await;
    assert_eq!(method(&info, "email")["registered"], false);
}

#[tokio::test]
async fn five_wrong_codes_use_the_code_up_so_even_the_right_one_then_fails() {
    let app = spawn_app().await;
    app.add_user("jane", &[]).await;
    let cookie = app.session("jane").await;
    assert_eq!(send_email_code(&app, &cookie, ADDRESS).await.status, 200);
    let code = latest_code(&app).await;
    let wrong = other_than(&code);
    for left in (1..=4).rev() {
        let reply = confirm(&app, &cookie, "email", wrong).await;
        assert_eq!(reply.status, 401, "{}", reply.text);
        assert_eq!(
            reply.body,
            json!({ "CodeIncorrect": { "attempts_left": left } })
        );
    }
    let fifth = confirm(&app, &cookie, "email", wrong).await;
    assert_eq!(fifth.status, 410, "{}", fifth.text);
    assert_eq!(fifth.body, json!("CodeAttemptsExceeded"));
    let right = confirm(&app, &cookie, "email", &code).await;
    assert_eq!(right.status, 410, "{}", right.text);
    assert_eq!(right.body, json!("CodeAttemptsExceeded"));
    let info = security_info(&app, &cookie).await;
    assert_eq!(method(&info, "email")["registered"], false);
}

#[tokio::test]
async fn a_sixth_code_within_an_hour_is_refused_with_a_retry_time() {
    let app = spawn_app().await;
    app.add_user("jane", &[]).await;
    let cookie = app.session("jane").await;
    for _ in 0..5 {
        let reply = send_email_code(&app, &cookie, ADDRESS).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        app.clock.advance(10);
    }
    let sixth = send_email_code(&app, &cookie, ADDRESS).await;
    assert_eq!(sixth.status, 429, "{}", sixth.text);
    let retry = sixth.body["TooManyCodes"]["retry_after_secs"]
        .as_u64()
        .unwrap_or_else(|| panic!("TooManyCodes: {}", sixth.text));
    assert_eq!(retry, 3600 - 50, "until the first send leaves the hour");
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM outbox").await,
        5,
        "no message for the refused code"
    );
    // The cap is per account too, so another address does not get round it.
    let elsewhere = send_email_code(&app, &cookie, "other@example.com").await;
    assert_eq!(elsewhere.status, 429, "{}", elsewhere.text);
}

#[tokio::test]
async fn a_phone_number_is_checked_then_registered_from_a_held_text_message() {
    let app = spawn_app().await;
    app.add_user("jane", &[]).await;
    let cookie = app.session("jane").await;
    let bad = app
        .call(
            "send_phone_code",
            json!({ "number": "6912345612", "language": "en" }),
            Some(&cookie),
        )
        .await;
    assert_eq!(bad.status, 422, "{}", bad.text);
    assert_eq!(
        bad.body,
        json!({ "Invalid": { "field": "number", "problem": { "Phone": "MissingCountryCode" } } })
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outbox").await, 0);

    assert_eq!(security_info(&app, &cookie).await["sms_available"], true);
    let sent = app
        .call(
            "send_phone_code",
            json!({ "number": NUMBER, "language": "en" }),
            Some(&cookie),
        )
        .await;
    assert_eq!(sent.status, 200, "{}", sent.text);
    assert_eq!(sent.body["masked"], "+30 *** *** **12");
    let (channel, recipient, status, _, body) = latest_outbox(&app).await.unwrap();
    assert_eq!(
        (channel.as_str(), recipient.as_str(), status.as_str()),
        ("sms", "+306912345612", "held")
    );
    let reply = confirm(&app, &cookie, "phone", &code_in(&body)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let info = security_info(&app, &cookie).await;
    let phone = method(&info, "phone");
    assert_eq!(phone["registered"], true);
    assert_eq!(phone["detail"], "+30 *** *** **12");
    assert_eq!(
        method(&info, "email")["registered"],
        false,
        "a phone code does not register an email address"
    );
}

#[tokio::test]
async fn an_authenticator_app_is_registered_with_a_code_from_its_secret() {
    let app = spawn_app().await;
    app.add_user("jane", &[]).await;
    let cookie = app.session("jane").await;
    let setup = app
        .call("start_authenticator", json!({}), Some(&cookie))
        .await;
    assert_eq!(setup.status, 200, "{}", setup.text);
    let svg = setup.body["qr_svg"].as_str().unwrap();
    assert!(svg.starts_with("<svg"), "{svg}");
    let shown = setup.body["secret"].as_str().unwrap();
    let secret = TotpSecret::from_base32(shown).expect("a readable secret");
    assert!(setup.body["uri"]
        .as_str()
        .unwrap()
        .contains(&format!("secret={}", secret.to_base32())));

    let malformed = app
        .call(
            "confirm_authenticator",
            json!({ "code": "12ab56" }),
            Some(&cookie),
        )
        .await;
    assert_eq!(malformed.status, 422, "{}", malformed.text);
    assert_eq!(
        malformed.body,
        json!({ "Invalid": { "field": "code", "problem": { "CodeFormat": { "digits": 6 } } } })
    );

    let step = step_of(app.clock.now());
    let live: HashSet<String> = [step - 1, step, step + 1]
        .into_iter()
        .map(|s| code_at_step(&secret, s))
        .collect();
    let wrong = (0..4)
        .map(|n| format!("{n:06}"))
        .find(|c| !live.contains(c))
        .unwrap();
    let reply = app
        .call(
            "confirm_authenticator",
            json!({ "code": wrong }),
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, 401, "{}", reply.text);
    assert_eq!(
        reply.body,
        json!({ "CodeIncorrect": { "attempts_left": null } })
    );
    let info = security_info(&app, &cookie).await;
    assert_eq!(method(&info, "authenticator")["registered"], false);

    let reply = app
        .call(
            "confirm_authenticator",
            json!({ "code": code_at_step(&secret, step) }),
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let authenticator = method(&reply.body, "authenticator");
    assert_eq!(authenticator["registered"], true);
    assert_eq!(
        authenticator["detail"],
        Value::Null,
        "the secret is never shown again"
    );
    assert_eq!(reply.body["due"], Value::Null);
}

#[tokio::test]
async fn the_question_bank_has_at_least_ten_questions_in_english_and_greek() {
    let app = spawn_app().await;
    app.add_user("jane", &[]).await;
    let cookie = app.session("jane").await;
    let bank = question_bank(&app, &cookie).await;
    assert!(bank.len() >= 10, "{bank:?}");
    let greek = |c: char| ('\u{0370}'..='\u{03ff}').contains(&c);
    for question in &bank {
        assert!(!question["text_en"].as_str().unwrap().is_empty());
        assert!(
            question["text_el"].as_str().unwrap().chars().any(greek),
            "{question}"
        );
    }
    assert_eq!(
        app.call("question_bank", json!({}), None).await.status,
        401,
        "signed-out callers get nothing"
    );
}

#[tokio::test]
async fn security_answers_are_checked_and_stored_only_as_argon2id_hashes() {
    let app = spawn_app().await;
    app.add_user("jane", &[]).await;
    let cookie = app.session("jane").await;
    let bank = question_bank(&app, &cookie).await;

    let reply = app
        .call(
            "save_questions",
            three_answers(&bank, ["Athens", "Rex", "Lyceum"]),
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(method(&reply.body, "questions")["registered"], true);
    assert_eq!(reply.body["due"], Value::Null);

    let stored = || async {
        let rows: Vec<(i64, String)> = sqlx::query_as(
            "SELECT question_id, answer_hash FROM security_answers ORDER BY question_id",
        )
        .fetch_all(&app.state.pool)
        .await
        .unwrap();
        rows
    };
    let saved = stored().await;
    assert_eq!(saved.len(), 3);
    for (_, hash) in &saved {
        assert!(hash.starts_with("$argon2id$"), "{hash}");
        for plain in ["athens", "Athens", "rex", "lyceum"] {
            assert!(!hash.contains(plain), "{hash} holds {plain}");
        }
    }

    let duplicate = app
        .call(
            "save_questions",
            three_answers(&bank, ["Paris", "  PARIS ", "Lyceum"]),
            Some(&cookie),
        )
        .await;
    assert_eq!(duplicate.status, 422, "{}", duplicate.text);
    assert_eq!(
        duplicate.body,
        json!({ "Invalid": { "field": "answer_1", "problem": "DuplicateAnswer" } })
    );
    let short = app
        .call(
            "save_questions",
            three_answers(&bank, ["Paris", "ab", "Lyceum"]),
            Some(&cookie),
        )
        .await;
    assert_eq!(short.status, 422, "{}", short.text);
    assert_eq!(
        short.body,
        json!({ "Invalid": { "field": "answer_1", "problem": { "AnswerTooShort": { "min": 3 } } } })
    );
    assert_eq!(
        stored().await,
        saved,
        "refused answers leave the saved ones alone"
    );
}

#[tokio::test]
async fn ten_distinct_recovery_codes_are_stored_hashed_and_replaced_on_regeneration() {
    let app = spawn_app().await;
    app.add_user("jane", &[]).await;
    let cookie = app.session("jane").await;
    let hashes = || async {
        let rows: Vec<String> = sqlx::query_scalar("SELECT code_hash FROM recovery_codes")
            .fetch_all(&app.state.pool)
            .await
            .unwrap();
        rows.into_iter().collect::<HashSet<String>>()
    };

    let reply = app
        .call("new_recovery_codes", json!({}), Some(&cookie))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let codes: HashSet<String> = reply
        .body
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_owned())
        .collect();
    assert_eq!(codes.len(), 10, "ten distinct codes: {}", reply.text);
    let first = hashes().await;
    assert_eq!(first.len(), 10);
    for code in &codes {
        let bare = code.replace('-', "");
        assert!(
            first
                .iter()
                .all(|h| !h.contains(code) && !h.contains(&bare)),
            "{code} is stored in plain"
        );
    }
    let info = security_info(&app, &cookie).await;
    let recovery = method(&info, "recovery_codes");
    assert_eq!(recovery["registered"], true);
    assert_eq!(recovery["detail"], "10");
    assert_eq!(
        info["due"],
        json!({ "Incomplete": { "required": 1, "registered": 0 } }),
        "recovery codes alone do not satisfy the policy"
    );

    let again = app
        .call("new_recovery_codes", json!({}), Some(&cookie))
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
    let second = hashes().await;
    assert_eq!(second.len(), 10);
    assert!(
        first.is_disjoint(&second),
        "the old codes are gone, not kept beside the new"
    );
}

#[tokio::test]
async fn changes_need_the_password_again_once_the_reauthentication_window_passes() {
    let app = spawn_app().await;
    app.add_user("jane", &[]).await;
    let cookie = app.session("jane").await;
    app.clock.advance(app.state.config.session.reauth_secs + 1);

    let stale = send_email_code(&app, &cookie, ADDRESS).await;
    assert_eq!(stale.status, 403, "{}", stale.text);
    assert_eq!(stale.body, json!("ReauthRequired"));
    let bank = question_bank(&app, &cookie).await;
    for (function, args) in [
        (
            "send_phone_code",
            json!({ "number": NUMBER, "language": "en" }),
        ),
        (
            "confirm_code",
            json!({ "kind": "email", "code": "12345678" }),
        ),
        ("start_authenticator", json!({})),
        ("confirm_authenticator", json!({ "code": "123456" })),
        (
            "save_questions",
            three_answers(&bank, ["Athens", "Rex", "Lyceum"]),
        ),
        ("new_recovery_codes", json!({})),
        ("remove_method", json!({ "kind": "email" })),
    ] {
        let reply = app.call(function, args, Some(&cookie)).await;
        assert_eq!(reply.status, 403, "{function}: {}", reply.text);
        assert_eq!(reply.body, json!("ReauthRequired"), "{function}");
    }
    assert_eq!(
        count(&app, "SELECT COUNT(*) FROM security_answers").await,
        0
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM outbox").await, 0);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM recovery_codes").await, 0);
    // Reading needs no fresh password.
    security_info(&app, &cookie).await;

    let wrong = app
        .call(
            "reauthenticate",
            json!({ "password": "not my password" }),
            Some(&cookie),
        )
        .await;
    assert_eq!(wrong.status, 401, "{}", wrong.text);
    assert_eq!(wrong.body, json!("CurrentPasswordIncorrect"));
    assert_eq!(
        send_email_code(&app, &cookie, ADDRESS).await.body,
        json!("ReauthRequired")
    );

    let right = app
        .call(
            "reauthenticate",
            json!({ "password": PASSWORD }),
            Some(&cookie),
        )
        .await;
    assert_eq!(right.status, 200, "{}", right.text);
    let until = app.clock.now() + app.state.config.session.reauth_secs;
    assert_eq!(right.body, json!(until));
    assert_eq!(security_info(&app, &cookie).await["reauth_until"], until);
    let info = register_email(&app, &cookie, ADDRESS).await;
    assert_eq!(method(&info, "email")["registered"], true);
}

#[tokio::test]
async fn a_removed_method_is_gone_and_removing_it_again_is_not_found() {
    let app = spawn_app().await;
    app.add_user("jane", &[]).await;
    let cookie = app.session("jane").await;
    register_email(&app, &cookie, ADDRESS).await;

    let removed = app
        .call("remove_method", json!({ "kind": "email" }), Some(&cookie))
        .await;
    assert_eq!(removed.status, 200, "{}", removed.text);
    assert_eq!(method(&removed.body, "email")["registered"], false);
    assert_eq!(
        removed.body["due"],
        json!({ "Incomplete": { "required": 1, "registered": 0 } })
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM auth_methods").await, 0);

    let again = app
        .call("remove_method", json!({ "kind": "email" }), Some(&cookie))
        .await;
    assert_eq!(again.status, 404, "{}", again.text);
    assert_eq!(again.body, json!("NotFound"));
}

#[tokio::test]
async fn registration_can_be_postponed_once_per_session_up_to_the_policy_limit() {
    let app = spawn_app().await;
    app.add_user("jane", &[]).await;
    let cookie = app.session("jane").await;
    let first = app
        .call("postpone_registration", json!({}), Some(&cookie))
        .await;
    assert_eq!(first.status, 200, "{}", first.text);
    assert_eq!(first.body, json!(2));
    let me = app.current_user(&cookie).await;
    assert_eq!(me["registration"]["postponed"], true);
    assert_eq!(me["registration"]["postpones_left"], 2);
    let repeat = app
        .call("postpone_registration", json!({}), Some(&cookie))
        .await;
    assert_eq!(
        repeat.body,
        json!(2),
        "postponing again in the same session costs nothing"
    );

    for left in [1, 0] {
        let cookie = app.session("jane").await;
        assert_eq!(
            app.current_user(&cookie).await["registration"]["postponed"],
            false,
            "a new session asks again"
        );
        let reply = app
            .call("postpone_registration", json!({}), Some(&cookie))
            .await;
        assert_eq!(reply.body, json!(left), "{}", reply.text);
    }

    let cookie = app.session("jane").await;
    let refused = app
        .call("postpone_registration", json!({}), Some(&cookie))
        .await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert_eq!(refused.body, json!("PostponeLimitReached"));
    assert_eq!(
        app.current_user(&cookie).await["registration"]["postponed"],
        false
    );
}

#[tokio::test]
async fn only_a_global_admin_reads_and_changes_the_registration_policy() {
    let app = spawn_app().await;
    app.add_user("jane", &[]).await;
    app.add_user("helen", &[Role::HelpdeskAdmin]).await;
    app.add_user("root", &[Role::GlobalAdmin]).await;
    let policy = json!({
        "require_at_sign_in": true,
        "reconfirm_days": 90,
        "methods_required": 2,
        "postpone_limit": 1,
        "question_count": 3,
    });
    for user in ["jane", "helen"] {
        let cookie = app.session(user).await;
        let read = app
            .call("admin_reset_policy", json!({}), Some(&cookie))
            .await;
        assert_eq!(read.status, 403, "{user}: {}", read.text);
        assert_eq!(read.body, json!("Forbidden"));
        let args = json!({
            "reset": app::domain::reset_policy::ResetPolicy::default(),
            "registration": policy,
            "revisions": { "reset": 0, "registration": 0 },
        });
        let write = app
            .call("admin_save_reset_policy", args, Some(&cookie))
            .await;
        assert_eq!(write.status, 403, "{user}: {}", write.text);
    }

    let admin = app.session("root").await;
    let defaults = app.policy_editor(&admin).await["registration"].clone();
    assert_eq!(defaults["methods_required"], 1);
    assert_eq!(defaults["postpone_limit"], 3);

    let saved = app
        .edit_policies(&admin, |_, registration| *registration = policy.clone())
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    assert_eq!(saved.body["editor"]["registration"], policy);
    let read = app.policy_editor(&admin).await;
    assert_eq!(read["registration"], policy);

    let mut three = policy.clone();
    three["methods_required"] = json!(3);
    let refused = app
        .edit_policies(&admin, |_, registration| *registration = three)
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    assert_eq!(
        refused.body,
        json!({ "Invalid": {
            "field": "registration.methods_required",
            "problem": { "Between": { "min": 1, "max": 2 } },
        } })
    );
    let read = app.policy_editor(&admin).await;
    assert_eq!(
        read["registration"], policy,
        "the refused policy was not saved"
    );

    // The saved policy is the one users are held to.
    let cookie = app.session("jane").await;
    let info = register_email(&app, &cookie, ADDRESS).await;
    assert_eq!(
        info["due"],
        json!({ "Incomplete": { "required": 2, "registered": 1 } })
    );
}

#[tokio::test]
async fn a_global_admin_reads_held_messages_in_the_outbox_and_others_cannot() {
    let app = spawn_app().await;
    app.add_user("jane", &[]).await;
    app.add_user("root", &[Role::GlobalAdmin]).await;
    let cookie = app.session("jane").await;
    assert_eq!(send_email_code(&app, &cookie, ADDRESS).await.status, 200);
    let code = latest_code(&app).await;

    let refused = app.call("list_outbox", json!({}), Some(&cookie)).await;
    assert_eq!(refused.status, 403, "{}", refused.text);
    assert_eq!(refused.body, json!("Forbidden"));

    let admin = app.session("root").await;
    let listed = app.call("list_outbox", json!({}), Some(&admin)).await;
    assert_eq!(listed.status, 200, "{}", listed.text);
    let entries = listed.body.as_array().unwrap();
    assert_eq!(entries.len(), 1, "{}", listed.text);
    let entry = &entries[0];
    assert_eq!(entry["channel"], "email");
    assert_eq!(entry["recipient"], ADDRESS);
    assert_eq!(entry["status"], "held");
    assert_eq!(entry["sent_at"], Value::Null);
    assert!(entry["body"].as_str().unwrap().contains(&code));
}

#[tokio::test]
async fn a_code_sent_to_one_user_does_not_register_anything_for_another() {
    let app = spawn_app().await;
    app.add_user("jane", &[]).await;
    app.add_user("bob", &[]).await;
    let jane = app.session("jane").await;
    let bob = app.session("bob").await;
    assert_eq!(send_email_code(&app, &jane, ADDRESS).await.status, 200);
    let code = latest_code(&app).await;
    let stolen = confirm(&app, &bob, "email", &code).await;
    assert_eq!(stolen.status, 410, "{}", stolen.text);
    assert_eq!(stolen.body, json!("CodeExpired"));
    let as_phone = confirm(&app, &jane, "phone", &code).await;
    assert_eq!(
        as_phone.body,
        json!("CodeExpired"),
        "an email code does not prove a phone"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM auth_methods").await, 0);
    let reply = confirm(&app, &jane, "email", &code).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

#[tokio::test]
async fn a_newer_code_replaces_the_earlier_one_and_registers_its_own_address() {
    let app = spawn_app().await;
    app.add_user("jane", &[]).await;
    let cookie = app.session("jane").await;
    assert_eq!(send_email_code(&app, &cookie, ADDRESS).await.status, 200);
    let first = latest_code(&app).await;
    assert_eq!(
        send_email_code(&app, &cookie, "Other@Example.org")
            .await
            .status,
        200
    );
    let second = latest_code(&app).await;
    if first != second {
        let old = confirm(&app, &cookie, "email", &first).await;
        assert_eq!(old.body, json!({ "CodeIncorrect": { "attempts_left": 4 } }));
    }
    let reply = confirm(&app, &cookie, "email", &second).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(method(&reply.body, "email")["detail"], "o***@example.org");
    let (value,): (String,) = sqlx::query_as("SELECT value FROM auth_methods WHERE kind = 'email'")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(value, "Other@example.org");
}

#[tokio::test]
async fn codes_are_counted_per_requester_so_nobody_can_use_up_anothers_address() {
    let app = spawn_app().await;
    app.add_user("jane", &[]).await;
    app.add_user("mallory", &[]).await;
    // Mallory asks for five codes to jane's address and is then refused...
    let mallory = app.session("mallory").await;
    for _ in 0..5 {
        assert_eq!(send_email_code(&app, &mallory, ADDRESS).await.status, 200);
    }
    let reply = send_email_code(&app, &mallory, ADDRESS).await;
    assert_eq!(reply.status, 429, "{}", reply.text);
    // ...but jane's own codes to her address are not used up.
    let jane = app.session("jane").await;
    assert_eq!(send_email_code(&app, &jane, ADDRESS).await.status, 200);
    let reply = send_email_code(&app, &mallory, ADDRESS).await;
    assert_eq!(reply.status, 429, "{}", reply.text);
    assert!(
        reply.body["TooManyCodes"]["retry_after_secs"]
            .as_u64()
            .unwrap()
            > 0
    );
    app.clock.advance(3600);
    let mallory = app.session("mallory").await;
    assert_eq!(
        send_email_code(&app, &mallory, ADDRESS).await.status,
        200,
        "an hour later there is room again"
    );
}

#[tokio::test]
async fn an_authenticator_set_up_left_for_over_fifteen_minutes_expires() {
    let app = spawn_app().await;
    app.add_user("jane", &[]).await;
    let cookie = app.session("jane").await;
    let none_started = app
        .call(
            "confirm_authenticator",
            json!({ "code": "123456" }),
            Some(&cookie),
        )
        .await;
    assert_eq!(none_started.status, 410, "{}", none_started.text);
    assert_eq!(none_started.body, json!("SetupExpired"));

    let setup = app
        .call("start_authenticator", json!({}), Some(&cookie))
        .await;
    let secret = TotpSecret::from_base32(setup.body["secret"].as_str().unwrap()).unwrap();
    app.clock.advance(15 * 60 + 1);
    let reauth = app
        .call(
            "reauthenticate",
            json!({ "password": PASSWORD }),
            Some(&cookie),
        )
        .await;
    assert_eq!(reauth.status, 200, "{}", reauth.text);
    let code = code_at_step(&secret, step_of(app.clock.now()));
    let late = app
        .call(
            "confirm_authenticator",
            json!({ "code": code }),
            Some(&cookie),
        )
        .await;
    assert_eq!(late.status, 410, "{}", late.text);
    assert_eq!(late.body, json!("SetupExpired"));
    let info = security_info(&app, &cookie).await;
    assert_eq!(method(&info, "authenticator")["registered"], false);
}

#[tokio::test]
async fn registered_info_is_due_for_reconfirmation_after_the_policy_period() {
    let app = spawn_app().await;
    app.add_user("jane", &[]).await;
    let cookie = app.session("jane").await;
    let early = app
        .call("confirm_security_info", json!({}), Some(&cookie))
        .await;
    assert_eq!(early.status, 403, "{}", early.text);
    assert_eq!(early.body, json!("RegistrationRequired"));
    register_email(&app, &cookie, ADDRESS).await;

    app.clock.advance(181 * 86_400);
    let cookie = app.session("jane").await;
    let me = app.current_user(&cookie).await;
    assert_eq!(me["registration"]["due"], json!("Reconfirm"));
    let reply = app
        .call("confirm_security_info", json!({}), Some(&cookie))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["due"], Value::Null);
    assert_eq!(reply.body["last_confirmed_at"], app.clock.now());
    assert_eq!(
        app.current_user(&cookie).await["registration"]["due"],
        Value::Null
    );
}
