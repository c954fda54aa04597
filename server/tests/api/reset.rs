//! The reset wizard through HTTP: the whole walk for real accounts, decoys for names that
//! cannot reset, single use under parallel requests, limits and the audit trail. Codes
//! are read from the outbox (the default delivery mode holds messages there).

use crate::helpers::*;
pub(crate) use crate::helpers::{begin, code_for, solved, step_name};
use app::domain::proof_of_work;
use app::domain::Role;
use serde_json::{json, Value};
use server::clock::Clock;
use server::verification::totp::{code_at_step, step_of, TotpSecret};

const NEW_PASSWORD: &str = "a brand new passphrase 42";

pub(crate) async fn reset_app() -> TestApp {
    spawn_app_with(|raw| {
        raw.reset.captcha_difficulty = 4;
        raw.reset.ip_limit = 10_000;
    })
    .await
}

async fn step(app: &TestApp, function: &str, args: Value, cookie: &str) -> Reply {
    app.call(function, args, Some(cookie)).await
}

pub(crate) async fn choose(app: &TestApp, cookie: &str, method: &str) -> Reply {
    step(
        app,
        "reset_choose",
        json!({ "method": method, "language": "en" }),
        cookie,
    )
    .await
}

pub(crate) async fn verify(app: &TestApp, cookie: &str, code: &str) -> Reply {
    step(
        app,
        "reset_verify",
        json!({ "answer": { "code": code, "answers": [] } }),
        cookie,
    )
    .await
}

async fn complete(app: &TestApp, cookie: &str, password: &str) -> Reply {
    step(
        app,
        "reset_complete",
        json!({ "password": password, "confirmation": password }),
        cookie,
    )
    .await
}

pub(crate) async fn register_email(app: &TestApp, user_id: i64, address: &str) {
    sqlx::query(
        "INSERT INTO auth_methods (user_id, kind, value, registered_at) VALUES (?, 'email', ?, 0)",
    )
    .bind(user_id)
    .bind(address)
    .execute(&app.state.pool)
    .await
    .unwrap();
}

async fn register_phone(app: &TestApp, user_id: i64, number: &str) {
    sqlx::query(
        "INSERT INTO auth_methods (user_id, kind, value, registered_at) VALUES (?, 'phone', ?, 0)",
    )
    .bind(user_id)
    .bind(number)
    .execute(&app.state.pool)
    .await
    .unwrap();
}

pub(crate) async fn register_authenticator(app: &TestApp, user_id: i64) -> TotpSecret {
    let secret = TotpSecret::generate();
    sqlx::query("INSERT INTO auth_methods (user_id, kind, value, registered_at) VALUES (?, 'authenticator', ?, 0)")
        .bind(user_id)
        .bind(secret.to_base32())
        .execute(&app.state.pool)
        .await
        .unwrap();
    secret
}

/// Answers "answer N" to questions 1..=count.
async fn register_answers(app: &TestApp, user_id: i64, count: i64) {
    for question in 1..=count {
        let answer = server::verification::answers::normalise(&format!("answer {question}"));
        let hash = app.state.hasher.hash(&answer).await.unwrap();
        sqlx::query("INSERT INTO security_answers (user_id, question_id, answer_hash, registered_at) VALUES (?, ?, ?, 0)")
            .bind(user_id)
            .bind(question)
            .bind(hash)
            .execute(&app.state.pool)
            .await
            .unwrap();
    }
}

async fn register_recovery_code(app: &TestApp, user_id: i64, code: &str) {
    sqlx::query("INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, 0)")
        .bind(user_id)
        .bind(server::verification::recovery::hash(code))
        .execute(&app.state.pool)
        .await
        .unwrap();
}

async fn outbox_count(app: &TestApp) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM outbox")
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

fn offered(reply: &Reply) -> Vec<(String, String)> {
    reply.body["step"]["Choose"]["methods"]
        .as_array()
        .unwrap_or_else(|| panic!("not a choose step: {}", reply.text))
        .iter()
        .map(|m| {
            (
                m["kind"].as_str().unwrap().to_owned(),
                m["hint"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

/// Walks an email gate for a user whose address is `address`.
pub(crate) async fn pass_email_gate(app: &TestApp, cookie: &str, address: &str) -> Reply {
    let reply = choose(app, cookie, "email").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(step_name(&reply), "Prove");
    let code = code_for(app, address).await;
    verify(app, cookie, &code).await
}

#[tokio::test]
async fn a_user_resets_with_an_email_code_and_every_old_session_ends() {
    let app = reset_app().await;
    let id = app.add_user("rhea", &[]).await;
    register_email(&app, id, "rhea@example.org").await;
    let old_session = app.session("rhea").await;

    let (reply, cookie) = begin(&app, "Rhea").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let cookie = cookie.expect("a wizard cookie");
    assert_eq!(
        offered(&reply),
        vec![("email".to_owned(), "r***@example.org".to_owned())]
    );
    assert_eq!(reply.body["step"]["Choose"]["number"], 1);

    let reply = pass_email_gate(&app, &cookie, "rhea@example.org").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(step_name(&reply), "NewPassword");
    assert_eq!(reply.body["step"]["NewPassword"]["rules"]["min_chars"], 15);

    // Live feedback, then the server refuses a short password and changes nothing.
    let check = step(
        &app,
        "reset_check_password",
        json!({ "password": "short" }),
        &cookie,
    )
    .await;
    assert_eq!(check.status, 200, "{}", check.text);
    assert!(check.text.contains("TooShort"), "{}", check.text);
    let refused = complete(&app, &cookie, "short").await;
    assert_eq!(refused.status, 422, "{}", refused.text);

    let messages_before = outbox_count(&app).await;
    let done = complete(&app, &cookie, NEW_PASSWORD).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert_eq!(done.body["step"]["Done"]["unlocked"], false);
    assert!(done.session_cookie().is_none() || !done.text.contains("sspr_session"));
    assert!(
        wizard_cookie(&done).is_none(),
        "the wizard cookie is cleared"
    );
    // No automatic sign-in: no session cookie was set.
    let set_cookies: Vec<_> = done
        .headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .collect();
    assert!(set_cookies
        .iter()
        .all(|c| !c.to_str().unwrap().starts_with("sspr_session=")));

    assert_eq!(
        app.current_user(&old_session).await,
        Value::Null,
        "old sessions are signed out"
    );
    assert_eq!(app.sign_in("rhea", PASSWORD).await.status, 401);
    assert_eq!(app.sign_in("rhea", NEW_PASSWORD).await.status, 200);
    // The notification went to the registered address.
    assert_eq!(outbox_count(&app).await, messages_before + 1);
    let subject: String = sqlx::query_scalar("SELECT subject FROM outbox ORDER BY id DESC LIMIT 1")
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(subject, "Your password was reset");

    // The finished wizard cannot be used again.
    let again = complete(&app, &cookie, "yet another passphrase 77").await;
    assert_eq!(again.status, 410, "{}", again.text);
    // Every step is audited and the chain verifies.
    let kinds: Vec<String> = sqlx::query_scalar("SELECT event FROM audit_events ORDER BY id")
        .fetch_all(&app.state.pool)
        .await
        .unwrap();
    for kind in [
        "reset_started",
        "method_chosen",
        "code_sent",
        "gate_passed",
        "password_reset",
        "notification_queued",
    ] {
        assert!(
            kinds.iter().any(|k| k == kind),
            "{kind} missing from {kinds:?}"
        );
    }
    let report = app.state.audit.verify().await.unwrap();
    assert_eq!(report.first_broken, None);
}

#[tokio::test]
async fn an_unknown_name_walks_the_same_screens_and_never_gets_a_working_code() {
    let app = reset_app().await;
    let id = app.add_user("known", &[]).await;
    register_email(&app, id, "known@example.org").await;

    let (known, _) = begin(&app, "known").await;
    let (unknown, cookie) = begin(&app, "nobody-here").await;
    assert_eq!(known.status, unknown.status);
    assert_eq!(step_name(&known), step_name(&unknown));
    let cookie = cookie.expect("decoys get a wizard cookie too");
    let hints = offered(&unknown);
    assert!(!hints.is_empty());
    assert!(
        hints
            .iter()
            .any(|(kind, hint)| kind == "email" && hint.starts_with("n***@example.org")),
        "{hints:?}"
    );

    // The same name shows the same decoy.
    let (again, _) = begin(&app, "Nobody-Here").await;
    assert_eq!(offered(&again), hints);

    let before = outbox_count(&app).await;
    let reply = choose(&app, &cookie, "email").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(step_name(&reply), "Prove");
    assert!(reply.body["step"]["Prove"]["code_expires_at"].is_number());
    assert_eq!(
        outbox_count(&app).await,
        before,
        "nothing is sent for a decoy"
    );
    for code in ["12345678", "00000000"] {
        let reply = verify(&app, &cookie, code).await;
        assert_eq!(reply.status, 401, "{}", reply.text);
        assert!(reply.text.contains("CodeIncorrect"));
    }
    // Nothing behind the gates can be reached.
    let reply = complete(&app, &cookie, NEW_PASSWORD).await;
    assert_eq!(reply.status, 410);
}

#[tokio::test]
async fn disabled_and_out_of_scope_accounts_get_decoys_and_in_scope_ones_without_methods_an_explanation(
) {
    let app = reset_app().await;
    let disabled = app.add_user("gone", &[]).await;
    register_email(&app, disabled, "gone@example.org").await;
    sqlx::query("UPDATE users SET status = 'disabled' WHERE id = ?")
        .bind(disabled)
        .execute(&app.state.pool)
        .await
        .unwrap();
    let bare = app.add_user("bare", &[]).await;

    let before = outbox_count(&app).await;
    let (reply, cookie) = begin(&app, "gone").await;
    assert_eq!(reply.status, 200);
    choose(&app, &cookie.unwrap(), "email").await;
    assert_eq!(
        outbox_count(&app).await,
        before,
        "no code for a disabled account"
    );

    let (reply, _) = begin(&app, "bare").await;
    assert_eq!(reply.status, 200);
    assert_eq!(step_name(&reply), "Choose");
    let (recipient, subject): (String, String) = sqlx::query_as(
        "SELECT recipient, subject FROM outbox WHERE user_id = ? ORDER BY id DESC LIMIT 1",
    )
    .bind(bare)
    .fetch_one(&app.state.pool)
    .await
    .unwrap();
    assert_eq!(
        recipient, "bare@example.org",
        "the profile address hears why"
    );
    assert!(subject.contains("cannot reset"), "{subject}");
}

#[tokio::test]
async fn a_code_works_only_in_the_wizard_it_was_sent_for() {
    let app = reset_app().await;
    let ann = app.add_user("ann", &[]).await;
    register_email(&app, ann, "ann@example.org").await;
    let bob = app.add_user("bob", &[]).await;
    register_email(&app, bob, "bob@example.org").await;

    let (_, ann_cookie) = begin(&app, "ann").await;
    let ann_cookie = ann_cookie.unwrap();
    choose(&app, &ann_cookie, "email").await;
    let ann_code = code_for(&app, "ann@example.org").await;
    let (_, bob_cookie) = begin(&app, "bob").await;
    let bob_cookie = bob_cookie.unwrap();
    choose(&app, &bob_cookie, "email").await;
    let reply = verify(&app, &bob_cookie, &ann_code).await;
    assert_eq!(reply.status, 401, "ann's code does not open bob's wizard");

    // A second wizard for ann has a code of its own and leaves the first one's alone.
    let (_, second) = begin(&app, "ann").await;
    let second = second.unwrap();
    choose(&app, &second, "email").await;
    let newest = code_for(&app, "ann@example.org").await;
    let reply = verify(&app, &second, &ann_code).await;
    assert_eq!(
        reply.status, 401,
        "the first wizard's code does not open the second"
    );
    let reply = verify(&app, &ann_cookie, &ann_code).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let reply = verify(&app, &second, &newest).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}

#[tokio::test]
async fn admins_need_two_gates_and_cannot_use_security_questions() {
    let app = reset_app().await;
    let id = app.add_user("boss", &[Role::GlobalAdmin]).await;
    register_email(&app, id, "boss@example.org").await;
    let secret = register_authenticator(&app, id).await;
    register_answers(&app, id, 3).await;

    let (reply, cookie) = begin(&app, "boss").await;
    let cookie = cookie.unwrap();
    assert_eq!(reply.body["step"]["Choose"]["number"], 1);
    let kinds: Vec<String> = offered(&reply).into_iter().map(|(k, _)| k).collect();
    assert_eq!(kinds, vec!["email", "authenticator"]);
    assert_eq!(choose(&app, &cookie, "questions").await.status, 409);

    let reply = pass_email_gate(&app, &cookie, "boss@example.org").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["step"]["Choose"]["number"], 2);
    let kinds: Vec<String> = offered(&reply).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        kinds,
        vec!["authenticator"],
        "the second gate uses another method"
    );
    // The password step cannot be reached with one gate.
    assert_eq!(complete(&app, &cookie, NEW_PASSWORD).await.status, 410);

    choose(&app, &cookie, "authenticator").await;
    let code = code_at_step(&secret, step_of(app.clock.now()));
    let reply = verify(&app, &cookie, &code).await;
    assert_eq!(step_name(&reply), "NewPassword", "{}", reply.text);
    assert_eq!(complete(&app, &cookie, NEW_PASSWORD).await.status, 200);
}

#[tokio::test]
async fn two_gates_by_policy_with_sms_and_security_questions() {
    let app = reset_app().await;
    let admin = app.add_user("root", &[Role::GlobalAdmin]).await;
    let _ = admin;
    let admin_cookie = app.session("root").await;
    // Registration must ask for at least as many methods as the gates need.
    let saved = app
        .edit_policies(&admin_cookie, |reset, registration| {
            reset["methods_required"] = json!(2);
            registration["methods_required"] = json!(2);
        })
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);

    let id = app.add_user("sia", &[]).await;
    register_phone(&app, id, "+306912345612").await;
    register_answers(&app, id, 3).await;
    let (reply, cookie) = begin(&app, "sia").await;
    let cookie = cookie.unwrap();
    assert_eq!(
        offered(&reply),
        vec![
            ("phone".to_owned(), "+30 *** *** **12".to_owned()),
            ("questions".to_owned(), String::new())
        ]
    );
    let reply = choose(&app, &cookie, "phone").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let code = code_for(&app, "+306912345612").await;
    let reply = verify(&app, &cookie, &code).await;
    assert_eq!(reply.body["step"]["Choose"]["number"], 2, "{}", reply.text);

    let reply = choose(&app, &cookie, "questions").await;
    let questions: Vec<i64> = reply.body["step"]["Prove"]["questions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["id"].as_i64().unwrap())
        .collect();
    assert_eq!(questions.len(), 3);
    let wrong: Vec<Value> = questions
        .iter()
        .map(|id| json!({ "question_id": id, "answer": "not it" }))
        .collect();
    let reply = step(
        &app,
        "reset_verify",
        json!({ "answer": { "code": "", "answers": wrong } }),
        &cookie,
    )
    .await;
    assert_eq!(reply.status, 401, "{}", reply.text);
    let right: Vec<Value> = questions
        .iter()
        .map(|id| json!({ "question_id": id, "answer": format!("  ANSWER {id} ") }))
        .collect();
    let reply = step(
        &app,
        "reset_verify",
        json!({ "answer": { "code": "", "answers": right } }),
        &cookie,
    )
    .await;
    assert_eq!(step_name(&reply), "NewPassword", "{}", reply.text);
}

#[tokio::test]
async fn a_recovery_code_opens_a_gate_once() {
    let app = reset_app().await;
    let id = app.add_user("rita", &[]).await;
    register_recovery_code(&app, id, "abcde-fghjk").await;
    let (reply, cookie) = begin(&app, "rita").await;
    let cookie = cookie.unwrap();
    assert_eq!(
        offered(&reply),
        vec![("recovery_codes".to_owned(), String::new())]
    );
    choose(&app, &cookie, "recovery_codes").await;
    let reply = verify(&app, &cookie, "ABCDE FGHJK").await;
    assert_eq!(step_name(&reply), "NewPassword", "{}", reply.text);
    assert_eq!(complete(&app, &cookie, NEW_PASSWORD).await.status, 200);
    // The code is used up: with none left, rita can no longer pass a gate.
    let (reply, cookie) = begin(&app, "rita").await;
    let cookie = cookie.unwrap();
    let (first, _) = offered(&reply).remove(0);
    let reply = choose(&app, &cookie, &first).await;
    assert_eq!(
        reply.status, 200,
        "a decoy still offers a plausible method: {}",
        reply.text
    );
    let code = match first.as_str() {
        "authenticator" => "123456",
        "recovery_codes" => "abcde-fghjk",
        _ => "12345678",
    };
    assert_eq!(verify(&app, &cookie, code).await.status, 401);
}

#[tokio::test]
async fn wrong_answers_end_the_wizard_at_the_policy_limit() {
    let app = reset_app().await;
    let id = app.add_user("wes", &[]).await;
    register_email(&app, id, "wes@example.org").await;
    let (_, cookie) = begin(&app, "wes").await;
    let cookie = cookie.unwrap();
    choose(&app, &cookie, "email").await;
    let code = code_for(&app, "wes@example.org").await;
    let wrong = if code == "00000000" {
        "11111111"
    } else {
        "00000000"
    };
    for left in (1..5).rev() {
        let reply = verify(&app, &cookie, wrong).await;
        assert_eq!(reply.status, 401);
        assert_eq!(
            reply.body["CodeIncorrect"]["attempts_left"], left,
            "{}",
            reply.text
        );
    }
    let reply = verify(&app, &cookie, wrong).await;
    assert!(reply.text.contains("TooManyWrongAnswers"), "{}", reply.text);
    // Even the right code is too late now.
    assert_eq!(verify(&app, &cookie, &code).await.status, 410);
    let blocked: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE event = 'blocked'")
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
    assert_eq!(blocked, 1);
}

#[tokio::test]
async fn a_days_worth_of_wrong_answers_blocks_known_and_unknown_names_alike() {
    let app = reset_app().await;
    let kim = app.add_user("kim", &[]).await;
    register_email(&app, kim, "kim@example.org").await;
    for name in ["kim", "ghost"] {
        // Starting wizards alone blocks nobody.
        for _ in 0..8 {
            assert_eq!(begin(&app, name).await.0.status, 200);
        }
        // Five wizards' worth of wrong answers (the policy's 5 a day, 5 tries each) do.
        for _ in 0..5 {
            let (_, cookie) = begin(&app, name).await;
            let cookie = cookie.unwrap();
            choose(&app, &cookie, "email").await;
            for _ in 0..5 {
                verify(&app, &cookie, "00000000").await;
            }
        }
        let (reply, cookie) = begin(&app, name).await;
        assert_eq!(reply.status, 429, "{}", reply.text);
        assert!(reply.text.contains("ResetBlocked"));
        assert!(cookie.is_none());
    }
    app.clock.advance(24 * 3600 + 1);
    assert_eq!(begin(&app, "kim").await.0.status, 200);
}

#[tokio::test]
async fn the_captcha_is_checked_on_the_server_and_works_once() {
    let app = reset_app().await;
    app.add_user("cap", &[]).await;
    let (challenge, nonce) = solved(&app).await;
    let args = |challenge: &str, nonce: u64| json!({ "user": "cap", "challenge": challenge, "nonce": nonce, "language": "en" });
    let first = app.call("reset_begin", args(&challenge, nonce), None).await;
    assert_eq!(first.status, 200, "{}", first.text);
    let replay = app.call("reset_begin", args(&challenge, nonce), None).await;
    assert!(replay.text.contains("CaptchaFailed"), "{}", replay.text);
    for bad in ["", "test", "null"] {
        let reply = app.call("reset_begin", args(bad, 0), None).await;
        assert_eq!(reply.status, 400, "{}", reply.text);
    }
    // A nonce that does not solve a fresh challenge.
    let (challenge, nonce) = solved(&app).await;
    let wrong = (0..u64::MAX)
        .find(|n| *n != nonce && !proof_of_work::solves(&challenge, *n, 4))
        .unwrap();
    let reply = app.call("reset_begin", args(&challenge, wrong), None).await;
    assert!(reply.text.contains("CaptchaFailed"), "{}", reply.text);
}

#[tokio::test]
async fn parallel_completions_of_one_wizard_succeed_once() {
    let app = reset_app().await;
    let id = app.add_user("par", &[]).await;
    register_email(&app, id, "par@example.org").await;
    let (_, cookie) = begin(&app, "par").await;
    let cookie = cookie.unwrap();
    pass_email_gate(&app, &cookie, "par@example.org").await;
    let passwords: Vec<String> = (0..8)
        .map(|i| format!("parallel passphrase number {i}"))
        .collect();
    let calls = passwords.iter().map(|p| complete(&app, &cookie, p));
    let replies = futures::future::join_all(calls).await;
    let winners: Vec<usize> = replies
        .iter()
        .enumerate()
        .filter(|(_, r)| r.status == 200)
        .map(|(i, _)| i)
        .collect();
    assert_eq!(
        winners.len(),
        1,
        "{:?}",
        replies.iter().map(|r| r.status).collect::<Vec<_>>()
    );
    let winner = &passwords[winners[0]];
    assert_eq!(app.sign_in("par", winner).await.status, 200);
}

#[tokio::test]
async fn parallel_use_of_one_code_passes_the_gate_once() {
    let app = reset_app().await;
    let id = app.add_user("duo", &[]).await;
    register_email(&app, id, "duo@example.org").await;
    let (_, cookie) = begin(&app, "duo").await;
    let cookie = cookie.unwrap();
    choose(&app, &cookie, "email").await;
    let code = code_for(&app, "duo@example.org").await;
    let replies = futures::future::join_all((0..6).map(|_| verify(&app, &cookie, &code))).await;
    let passed: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE event = 'gate_passed'")
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
    assert_eq!(
        passed,
        1,
        "{:?}",
        replies.iter().map(|r| r.text.clone()).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn the_final_step_ignores_any_user_the_client_names() {
    let app = reset_app().await;
    let id = app.add_user("eve", &[]).await;
    register_email(&app, id, "eve@example.org").await;
    app.add_user("victim", &[]).await;
    let (_, cookie) = begin(&app, "eve").await;
    let cookie = cookie.unwrap();
    pass_email_gate(&app, &cookie, "eve@example.org").await;
    let reply = step(
        &app,
        "reset_complete",
        json!({ "password": NEW_PASSWORD, "confirmation": NEW_PASSWORD, "user": "victim", "user_id": 2 }),
        &cookie,
    )
    .await;
    assert!(reply.status == 200 || reply.status == 400, "{}", reply.text);
    assert_eq!(
        app.sign_in("victim", PASSWORD).await.status,
        200,
        "the victim is untouched"
    );
}

#[tokio::test]
async fn a_locked_user_may_unlock_without_a_new_password() {
    let app = reset_app().await;
    let id = app.add_user("lou", &[]).await;
    register_email(&app, id, "lou@example.org").await;
    sqlx::query("UPDATE users SET status = 'locked', lock_reason = 'too_many_failed_sign_ins', locked_until = ?, failed_sign_ins = 9 WHERE id = ?")
        .bind(app.clock.now() + 3600)
        .bind(id)
        .execute(&app.state.pool)
        .await
        .unwrap();
    let (_, cookie) = begin(&app, "lou").await;
    let cookie = cookie.unwrap();
    let reply = pass_email_gate(&app, &cookie, "lou@example.org").await;
    assert_eq!(
        reply.body["step"]["NewPassword"]["can_unlock"], true,
        "{}",
        reply.text
    );
    let reply = step(&app, "reset_unlock", json!({}), &cookie).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["step"]["Done"]["unlocked"], true);
    assert_eq!(
        app.sign_in("lou", PASSWORD).await.status,
        200,
        "same password, unlocked"
    );
}

#[tokio::test]
async fn refresh_and_back_keep_the_wizard_where_it_is() {
    let app = reset_app().await;
    let id = app.add_user("ria", &[]).await;
    register_email(&app, id, "ria@example.org").await;
    register_recovery_code(&app, id, "aaaaa-bbbbb").await;
    let (_, cookie) = begin(&app, "ria").await;
    let cookie = cookie.unwrap();
    choose(&app, &cookie, "email").await;
    let state = step(&app, "reset_state", json!({}), &cookie).await;
    assert_eq!(step_name(&state), "Prove");
    let back = step(&app, "reset_back", json!({}), &cookie).await;
    assert_eq!(step_name(&back), "Choose");
    // No wizard, or a cancelled one, means start again.
    assert_eq!(app.call("reset_state", json!({}), None).await.status, 410);
    step(&app, "reset_cancel", json!({}), &cookie).await;
    assert_eq!(
        step(&app, "reset_state", json!({}), &cookie).await.status,
        410
    );
}

#[tokio::test]
async fn the_wizard_expires_after_its_lifetime() {
    let app = reset_app().await;
    let id = app.add_user("tim", &[]).await;
    register_email(&app, id, "tim@example.org").await;
    let (_, cookie) = begin(&app, "tim").await;
    let cookie = cookie.unwrap();
    app.clock.advance(15 * 60 + 1);
    assert_eq!(choose(&app, &cookie, "email").await.status, 410);
}

#[tokio::test]
async fn forwarded_addresses_count_only_from_trusted_proxies() {
    for (trusted, expect_separate) in [(vec![], false), (vec!["0.0.0.0".to_owned()], true)] {
        let app = spawn_app_with(|raw| {
            raw.reset.captcha_difficulty = 4;
            raw.reset.ip_limit = 2;
            raw.trusted_proxies = trusted.clone();
        })
        .await;
        let mut statuses = Vec::new();
        for i in 0..3 {
            let (challenge, nonce) = solved(&app).await;
            let request = http::Request::post("/api/reset_begin")
                .header("content-type", "application/json")
                .header("origin", app.origin())
                .header("x-forwarded-for", format!("198.51.100.{i}"))
                .body(axum::body::Body::from(
                    json!({ "user": "x", "challenge": challenge, "nonce": nonce, "language": "en" })
                        .to_string(),
                ))
                .unwrap();
            statuses.push(app.send(request).await.status.as_u16());
        }
        if expect_separate {
            assert_eq!(statuses, vec![200, 200, 200]);
        } else {
            assert_eq!(
                statuses,
                vec![200, 200, 429],
                "a spoofed header does not reset the count"
            );
        }
    }
}

#[tokio::test]
async fn a_registered_address_finds_the_account_and_scope_by_group_decides_who_may_reset() {
    let app = reset_app().await;
    let admin_cookie = {
        app.add_user("chief", &[Role::GlobalAdmin]).await;
        app.session("chief").await
    };
    let inside = app.add_user("ines", &[]).await;
    register_email(&app, inside, "ines.private@example.net").await;
    let outside = app.add_user("otto", &[]).await;
    register_email(&app, outside, "otto@example.org").await;
    let mut conn = app.state.pool.acquire().await.unwrap();
    let group = server::accounts::store::ensure_group(&mut conn, "Pilots", 0)
        .await
        .unwrap();
    server::accounts::store::add_member(&mut conn, group, inside)
        .await
        .unwrap();
    drop(conn);

    let saved = app
        .edit_policies(&admin_cookie, |reset, _| {
            reset["scope"] = json!({ "Groups": ["pilots"] })
        })
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);

    // Typed by the address she proved, not her username.
    let (_, cookie) = begin(&app, "Ines.Private@example.net").await;
    let reply = pass_email_gate(&app, &cookie.unwrap(), "ines.private@example.net").await;
    assert_eq!(step_name(&reply), "NewPassword", "{}", reply.text);

    // Otto is outside the group: a decoy, and no code is sent to him.
    let before = outbox_count(&app).await;
    let (reply, cookie) = begin(&app, "otto").await;
    assert_eq!(reply.status, 200);
    choose(&app, &cookie.unwrap(), "email").await;
    assert_eq!(outbox_count(&app).await, before);
    let reason: String = sqlx::query_scalar(
        "SELECT detail FROM audit_events WHERE event = 'reset_started' AND account_id = ? ORDER BY id DESC LIMIT 1",
    )
    .bind(outside)
    .fetch_one(&app.state.pool)
    .await
    .unwrap();
    assert_eq!(reason, "out_of_scope");
}

#[tokio::test]
async fn the_admins_contact_text_comes_with_the_first_challenge_and_every_step() {
    let app = reset_app().await;
    app.add_user("head", &[Role::GlobalAdmin]).await;
    let cookie = app.session("head").await;
    let saved = app
        .edit_policies(&cookie, |reset, _| {
            reset["contact_admin"] = json!("Call the service desk on 1234.")
        })
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    let challenge = app.call("reset_challenge", json!({}), None).await;
    assert_eq!(
        challenge.body["contact_admin"],
        "Call the service desk on 1234."
    );
    let (reply, _) = begin(&app, "someone").await;
    assert_eq!(
        reply.body["contact_admin"],
        "Call the service desk on 1234."
    );
    // A policy that breaks its own rules is refused and changes nothing.
    let refused = app
        .edit_policies(&cookie, |reset, _| {
            reset["methods_required"] = json!(2);
            reset["methods"] = json!(["email"]);
        })
        .await;
    assert_eq!(refused.status, 422, "{}", refused.text);
    let now = app.policy_editor(&cookie).await;
    assert_eq!(now["reset"]["methods_required"], 1);
    // Only global admins may read or change it.
    app.add_user("plain", &[]).await;
    let plain = app.session("plain").await;
    assert_eq!(
        app.call("admin_reset_policy", json!({}), Some(&plain))
            .await
            .status,
        403
    );
}
