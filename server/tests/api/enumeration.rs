//! Nothing tells a name with an account from one without, and nobody can block someone
//! else's reset: the probes of issue 12, each run for real accounts and for the names that
//! get decoys (unknown, disabled, outside the scope, without methods).

use crate::helpers::{spawn_app_with, Reply, TestApp, PASSWORD};
use crate::reset::{
    begin, choose, code_for, register_authenticator, register_email, reset_app, solved, step_name,
    verify,
};
use app::domain::Role;
use serde_json::{json, Value};

/// What an outsider sees of a reply: status, body and the names of the headers.
#[derive(Debug, PartialEq)]
struct Seen {
    label: &'static str,
    status: u16,
    body: Value,
    headers: Vec<String>,
}

fn seen(label: &'static str, reply: &Reply) -> Seen {
    let mut headers: Vec<String> = reply.headers.keys().map(|k| k.to_string()).collect();
    headers.sort();
    headers.dedup();
    Seen {
        label,
        status: reply.status.as_u16(),
        body: reply.body.clone(),
        headers,
    }
}

/// One of each kind of name, all starting with the same letter so that the decoys'
/// hints (the typed initial and the usual domain) can match the real one exactly.
const REAL: &str = "kim";
const NAMES: [&str; 5] = [REAL, "kate", "kurt", "karl", "ken"];

/// kim can reset; kate does not exist; kurt is disabled; karl is outside the scope;
/// ken is in scope without methods.
async fn five_kinds_of_name() -> TestApp {
    let app = reset_app().await;
    let chief = app.add_user("chief", &[Role::GlobalAdmin]).await;
    let kim = app.add_user(REAL, &[]).await;
    register_email(&app, kim, "kim@example.org").await;
    let kurt = app.add_user("kurt", &[]).await;
    register_email(&app, kurt, "kurt@example.org").await;
    sqlx::query("UPDATE users SET status = 'disabled' WHERE id = ?")
        .bind(kurt)
        .execute(&app.state.pool)
        .await
        .unwrap();
    let karl = app.add_user("karl", &[]).await;
    register_email(&app, karl, "karl@example.org").await;
    let ken = app.add_user("ken", &[]).await;
    let mut conn = app.state.pool.acquire().await.unwrap();
    let staff = server::accounts::store::ensure_group(&mut conn, "Staff", 0)
        .await
        .unwrap();
    for member in [kim, kurt, ken, chief] {
        server::accounts::store::add_member(&mut conn, staff, member)
            .await
            .unwrap();
    }
    drop(conn);
    let admin = app.session("chief").await;
    let saved = app
        .edit_policies(&admin, |reset, _| {
            reset["scope"] = json!({ "Groups": ["staff"] })
        })
        .await;
    assert_eq!(saved.status, 200, "{}", saved.text);
    app
}

/// Items 1-5 and the reset caps of item 6 for one name: the first step, a code sent, a
/// wrong code, a second wizard's send and the first wizard's next wrong code, choosing
/// again until the hourly cap, and ten wrong passwords then the right one.
async fn probe(app: &TestApp, name: &str) -> Vec<Seen> {
    let mut out = Vec::new();
    let (reply, first) = begin(app, name).await;
    out.push(seen("begin", &reply));
    let first = first.expect("a wizard cookie for every name");
    out.push(seen(
        "state",
        &app.call("reset_state", json!({}), Some(&first)).await,
    ));
    out.push(seen("choose", &choose(app, &first, "email").await));
    out.push(seen("wrong code", &verify(app, &first, "00000000").await));
    let (_, second) = begin(app, name).await;
    let second = second.expect("a second wizard");
    out.push(seen("second choose", &choose(app, &second, "email").await));
    out.push(seen(
        "first after second",
        &verify(app, &first, "00000001").await,
    ));
    for _ in 0..4 {
        out.push(seen(
            "back",
            &app.call("reset_back", json!({}), Some(&first)).await,
        ));
        out.push(seen("choose again", &choose(app, &first, "email").await));
    }
    for _ in 0..10 {
        out.push(seen(
            "wrong password",
            &app.sign_in(name, "not the password at all").await,
        ));
    }
    out.push(seen("right password", &app.sign_in(name, PASSWORD).await));
    out
}

#[tokio::test]
async fn every_kind_of_name_answers_the_same_statuses_bodies_and_headers_at_every_step() {
    let app = five_kinds_of_name().await;
    let real = probe(&app, REAL).await;
    // The probe itself must reach what it means to compare.
    let labels: Vec<(&str, u16)> = real.iter().map(|s| (s.label, s.status)).collect();
    assert_eq!(labels[0], ("begin", 200));
    assert_eq!(
        real[0].body["step"]["Choose"]["methods"][0]["hint"],
        "k***@example.org"
    );
    assert_eq!(
        real[3].body,
        json!({ "CodeIncorrect": { "attempts_left": 4 } })
    );
    assert_eq!(
        real[5].body,
        json!({ "CodeIncorrect": { "attempts_left": 3 } })
    );
    assert!(
        real[13].body.get("TooManyCodes").is_some(),
        "{:?}",
        real[13]
    );
    assert_eq!(real.last().unwrap().status, 401);
    for name in &NAMES[1..] {
        let other = probe(&app, name).await;
        for (mine, theirs) in real.iter().zip(&other) {
            assert_eq!(mine, theirs, "{name} differs from a real account");
        }
        assert_eq!(real.len(), other.len());
    }
}

#[tokio::test]
async fn a_second_wizard_does_not_change_how_the_first_answers_for_real_and_unknown_names() {
    let app = five_kinds_of_name().await;
    for name in [REAL, "kate"] {
        let (_, first) = begin(&app, name).await;
        let first = first.unwrap();
        choose(&app, &first, "email").await;
        let (_, second) = begin(&app, name).await;
        choose(&app, &second.unwrap(), "email").await;
        let reply = verify(&app, &first, "00000000").await;
        assert_eq!(reply.status, 401, "{name}: {}", reply.text);
        assert_eq!(
            reply.body,
            json!({ "CodeIncorrect": { "attempts_left": 4 } })
        );
    }
    // And the real first wizard's own code still opens its gate.
    let (_, first) = begin(&app, REAL).await;
    let first = first.unwrap();
    choose(&app, &first, "email").await;
    let code = code_for(&app, "kim@example.org").await;
    let (_, second) = begin(&app, REAL).await;
    choose(&app, &second.unwrap(), "email").await;
    let reply = verify(&app, &first, &code).await;
    assert_eq!(step_name(&reply), "NewPassword", "{}", reply.text);
}

/// Starts a wizard as a client at `ip` (behind a trusted proxy).
async fn begin_from(app: &TestApp, name: &str, ip: &str) -> (Reply, Option<String>) {
    let (challenge, nonce) = solved(app).await;
    let request = http::Request::post("/api/reset_begin")
        .header("content-type", "application/json")
        .header("origin", app.origin())
        .header("x-forwarded-for", ip)
        .body(axum::body::Body::from(
            json!({ "user": name, "challenge": challenge, "nonce": nonce, "language": "en" })
                .to_string(),
        ))
        .unwrap();
    let reply = app.send(request).await;
    let cookie = reply
        .headers
        .get_all(http::header::SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("sspr_reset=") && !v.starts_with("sspr_reset=;"))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned);
    (reply, cookie)
}

async fn proxied_app() -> TestApp {
    let app = spawn_app_with(|raw| {
        raw.reset.captcha_difficulty = 4;
        raw.reset.ip_limit = 10_000;
        raw.trusted_proxies = vec!["0.0.0.0".to_owned()];
    })
    .await;
    let kim = app.add_user(REAL, &[]).await;
    register_email(&app, kim, "kim@example.org").await;
    app
}

const ATTACKER: &str = "198.51.100.7";
const OWNER: &str = "203.0.113.5";

/// Five wizards' worth of wrong answers for `name` from `ip`: the default allowance.
async fn fail_a_day(app: &TestApp, name: &str, ip: &str) {
    for _ in 0..5 {
        let (reply, cookie) = begin_from(app, name, ip).await;
        assert_eq!(reply.status, 200, "{}", reply.text);
        let cookie = cookie.unwrap();
        choose(app, &cookie, "email").await;
        for _ in 0..5 {
            verify(app, &cookie, "00000000").await;
        }
    }
}

#[tokio::test]
async fn starting_wizards_blocks_nobody_and_failures_from_one_address_do_not_block_the_owner() {
    let app = proxied_app().await;
    for _ in 0..20 {
        assert_eq!(begin_from(&app, REAL, ATTACKER).await.0.status, 200);
    }
    for name in [REAL, "kate"] {
        fail_a_day(&app, name, ATTACKER).await;
        let (reply, _) = begin_from(&app, name, ATTACKER).await;
        assert_eq!(reply.status, 429, "{name}: {}", reply.text);
        assert!(reply.body.get("ResetBlocked").is_some());
        let (reply, _) = begin_from(&app, name, OWNER).await;
        assert_eq!(
            reply.status, 200,
            "{name} from the owner's address: {}",
            reply.text
        );
    }
    // The owner still resets, and a wizard the attacker opened before is stopped too.
    let (_, cookie) = begin_from(&app, REAL, OWNER).await;
    let cookie = cookie.unwrap();
    choose(&app, &cookie, "email").await;
    let code = code_for(&app, "kim@example.org").await;
    let reply = verify(&app, &cookie, &code).await;
    assert_eq!(step_name(&reply), "NewPassword", "{}", reply.text);
}

#[tokio::test]
async fn a_wizard_opened_before_the_block_cannot_spend_another_allowance() {
    let app = proxied_app().await;
    let kim: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = ?")
        .bind(REAL)
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    register_authenticator(&app, kim).await;
    // Opened early, at a gate that sends nothing, so the day's sends stay for the rest.
    let (_, early) = begin_from(&app, REAL, ATTACKER).await;
    let early = early.unwrap();
    choose(&app, &early, "authenticator").await;
    fail_a_day(&app, REAL, ATTACKER).await;
    let reply = verify(&app, &early, "000000").await;
    assert_eq!(reply.status, 429, "{}", reply.text);
    assert!(reply.body.get("ResetBlocked").is_some());
}

#[tokio::test]
async fn a_block_on_a_username_does_not_reach_its_address_so_it_links_nothing() {
    let app = proxied_app().await;
    fail_a_day(&app, REAL, ATTACKER).await;
    fail_a_day(&app, "kate", ATTACKER).await;
    for typed in ["kim@example.org", "kate@example.org"] {
        let (reply, _) = begin_from(&app, typed, ATTACKER).await;
        assert_eq!(reply.status, 200, "{typed}: {}", reply.text);
    }
}

#[tokio::test]
async fn security_info_codes_to_someones_address_do_not_stop_their_reset() {
    let app = reset_app().await;
    let kim = app.add_user(REAL, &[]).await;
    register_email(&app, kim, "kim@example.org").await;
    app.add_user("mallory", &[]).await;
    let mallory = app.session("mallory").await;
    let mut refused = false;
    for _ in 0..8 {
        let reply = app
            .call(
                "send_email_code",
                json!({ "address": "kim@example.org", "language": "en" }),
                Some(&mallory),
            )
            .await;
        refused |= reply.status == 429;
    }
    assert!(refused, "mallory's own cap stops mallory");
    let (_, cookie) = begin(&app, REAL).await;
    let reply = choose(&app, &cookie.unwrap(), "email").await;
    assert_eq!(step_name(&reply), "Prove", "{}", reply.text);
}

#[tokio::test]
async fn a_phone_is_offered_only_where_sms_can_be_sent_for_real_and_unknown_names() {
    let app = spawn_app_with(|raw| {
        raw.reset.captcha_difficulty = 4;
        raw.reset.ip_limit = 10_000;
        raw.delivery.mode = "send".into();
        raw.delivery.smtp.host = "127.0.0.1".into();
        raw.delivery.smtp.port = 1;
        raw.delivery.smtp.security = "none".into();
    })
    .await;
    let kim = app.add_user(REAL, &[]).await;
    register_email(&app, kim, "kim@example.org").await;
    sqlx::query(
        "INSERT INTO auth_methods (user_id, kind, value, registered_at) VALUES (?, 'phone', '+306912345678', 0)",
    )
    .bind(kim)
    .execute(&app.state.pool)
    .await
    .unwrap();
    let mut answers = Vec::new();
    for name in [REAL, "kate"] {
        let (reply, cookie) = begin(&app, name).await;
        let methods = &reply.body["step"]["Choose"]["methods"];
        assert_eq!(
            methods.as_array().map(Vec::len),
            Some(1),
            "{name}: {methods}"
        );
        assert_eq!(methods[0]["kind"], "email");
        let phone = choose(&app, &cookie.unwrap(), "phone").await;
        answers.push((phone.status, phone.body));
    }
    assert_eq!(answers[0], answers[1]);
    assert_ne!(answers[0].0, 500);
}

#[tokio::test]
async fn decoys_offer_method_sets_and_hints_in_the_proportions_real_accounts_have() {
    let app = reset_app().await;
    for i in 0..10 {
        let name = format!("member{i}");
        let id = app.add_user(&name, &[]).await;
        register_email(&app, id, &format!("Member{i}@Example.org")).await;
        if i < 2 {
            sqlx::query(
                "INSERT INTO auth_methods (user_id, kind, value, registered_at) VALUES (?, 'phone', '+306912345678', 0)",
            )
            .bind(id)
            .execute(&app.state.pool)
            .await
            .unwrap();
        }
    }
    // A real hint is masked in lower case, as decoys are.
    let (reply, _) = begin(&app, "member0").await;
    assert_eq!(
        reply.body["step"]["Choose"]["methods"][0]["hint"],
        "m***@example.org"
    );
    let mut with_phone = 0;
    let decoys = 200;
    for i in 0..decoys {
        let (reply, _) = begin(&app, &format!("nobody{i}")).await;
        let methods = reply.body["step"]["Choose"]["methods"]
            .as_array()
            .unwrap()
            .clone();
        assert_eq!(
            methods[0],
            json!({ "kind": "email", "hint": "n***@example.org" })
        );
        match methods.len() {
            1 => {}
            2 => {
                assert_eq!(methods[1]["kind"], "phone");
                assert_eq!(
                    methods[1]["hint"].as_str().unwrap().len(),
                    "+30 *** *** **78".len()
                );
                with_phone += 1;
            }
            _ => panic!("a set no real account has: {methods:?}"),
        }
    }
    // 2 of 10 real accounts have a phone: about 40 of 200 decoys.
    assert!(
        (20..=65).contains(&with_phone),
        "{with_phone} of {decoys} decoys offer a phone"
    );
}
