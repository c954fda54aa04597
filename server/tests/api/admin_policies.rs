//! The policy pages' server functions: roles, validation by field, revisions that catch
//! concurrent edits, the scope preview, and that saved settings reach the wizard and the
//! sign-in lockout.

use crate::helpers::*;
use app::api::RegistrationPolicy;
use app::domain::password_policy::PasswordPolicy;
use app::domain::reset_policy::{ResetPolicy, ResetScope};
use app::domain::{AdminSection, MethodKind, Role};
use serde_json::{json, Value};
use server::accounts::store;
use server::clock::Clock;

fn registration() -> RegistrationPolicy {
    server::policy::RegistrationRules::default().defaults
}

fn reset_args(reset: &ResetPolicy, registration: &RegistrationPolicy, revisions: Value) -> Value {
    json!({ "reset": reset, "registration": registration, "revisions": revisions })
}

fn invalid(field: &str, problem: Value) -> Value {
    json!({ "Invalid": { "field": field, "problem": problem } })
}

/// A global admin's session on a fresh app.
async fn admin(app: &TestApp, name: &str) -> String {
    app.add_user(name, &[Role::GlobalAdmin]).await;
    app.session(name).await
}

async fn editor(app: &TestApp, cookie: &str) -> Value {
    let reply = app
        .call("admin_reset_policy", json!({}), Some(cookie))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body
}

async fn add_to_group(app: &TestApp, user_id: i64, group: &str) {
    let mut conn = app.state.pool.acquire().await.unwrap();
    let id = store::ensure_group(&mut conn, group, 0).await.unwrap();
    store::add_member(&mut conn, id, user_id).await.unwrap();
}

async fn register_email(app: &TestApp, user_id: i64) {
    sqlx::query("INSERT INTO auth_methods (user_id, kind, value, registered_at) VALUES (?, 'email', 'x@example.org', 0)")
        .bind(user_id)
        .execute(&app.state.pool)
        .await
        .unwrap();
}

/// Starts a wizard for `name` and answers how the wizard judged the account (the
/// `reset_started` detail), so a test sees the policy the wizard itself runs under.
async fn reset_started(app: &TestApp, name: &str, user_id: i64) -> String {
    let (reply, _) = crate::reset::begin(app, name).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    sqlx::query_scalar(
        "SELECT detail FROM audit_events WHERE event = 'reset_started' AND account_id = ? ORDER BY id DESC LIMIT 1",
    )
    .bind(user_id)
    .fetch_one(&app.state.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn every_policy_function_is_for_global_admins_only() {
    let app = spawn_app().await;
    let callers = app.role_callers().await;
    let reset_roles = AdminSection::ResetPolicy.roles();
    let password_roles = AdminSection::PasswordPolicy.roles();
    let reset = ResetPolicy::default();
    let zero = json!({ "reset": 0, "registration": 0 });
    let calls: [(&str, Value, &[Role]); 8] = [
        ("admin_reset_policy", json!({}), reset_roles),
        (
            "admin_save_reset_policy",
            reset_args(&reset, &registration(), zero),
            reset_roles,
        ),
        (
            "admin_preview_reset_scope",
            json!({ "reset": reset }),
            reset_roles,
        ),
        (
            "admin_add_security_question",
            json!({ "text_en": "Favourite tree?", "text_el": "Αγαπημένο δέντρο;" }),
            reset_roles,
        ),
        (
            "admin_set_security_question_active",
            json!({ "id": 1, "active": true }),
            reset_roles,
        ),
        ("admin_password_policy", json!({}), password_roles),
        (
            "admin_save_password_policy",
            json!({ "policy": PasswordPolicy::default(), "revision": 0 }),
            password_roles,
        ),
        (
            "admin_test_password",
            json!({ "policy": PasswordPolicy::default(), "password": "x" }),
            password_roles,
        ),
    ];
    for (function, args, allowed) in calls {
        assert_eq!(allowed, [Role::GlobalAdmin], "{function}");
        app.assert_roles(&callers, function, args, allowed).await;
    }
}

#[tokio::test]
async fn each_contradiction_is_refused_with_its_field_and_nothing_is_saved() {
    let app = spawn_app().await;
    let cookie = admin(&app, "ada").await;
    let before = editor(&app, &cookie).await;
    let base = ResetPolicy::default();
    let two_gates = RegistrationPolicy {
        methods_required: 2,
        ..registration()
    };
    let cases: Vec<(ResetPolicy, RegistrationPolicy, &str, Value)> = vec![
        (
            ResetPolicy {
                methods: vec![MethodKind::Email],
                methods_required: 2,
                ..base.clone()
            },
            two_gates,
            "methods",
            json!({ "ResetPolicy": { "TooFewMethods": { "required": 2 } } }),
        ),
        (
            ResetPolicy {
                methods_required: 3,
                ..base.clone()
            },
            registration(),
            "methods_required",
            json!({ "ResetPolicy": "MethodsRequired" }),
        ),
        (
            ResetPolicy {
                questions_to_reset: 4,
                ..base.clone()
            },
            registration(),
            "questions_to_reset",
            json!({ "ResetPolicy": { "QuestionsToReset": { "registered": 3 } } }),
        ),
        (
            ResetPolicy {
                scope: ResetScope::Groups(vec![" ".into()]),
                ..base.clone()
            },
            registration(),
            "scope",
            json!({ "ResetPolicy": "NoGroups" }),
        ),
        (
            ResetPolicy {
                scope: ResetScope::Groups(vec!["no such group".into()]),
                ..base.clone()
            },
            registration(),
            "scope",
            json!("UnknownGroup"),
        ),
        (
            ResetPolicy {
                wizard_minutes: 2,
                ..base.clone()
            },
            registration(),
            "wizard_minutes",
            json!({ "ResetPolicy": "WizardMinutes" }),
        ),
        (
            ResetPolicy {
                captcha_difficulty: 25,
                ..base.clone()
            },
            registration(),
            "captcha_difficulty",
            json!({ "ResetPolicy": "CaptchaDifficulty" }),
        ),
        (
            base.clone(),
            RegistrationPolicy {
                reconfirm_days: 731,
                ..registration()
            },
            "registration.reconfirm_days",
            json!({ "Between": { "min": 0, "max": 730 } }),
        ),
        (
            ResetPolicy {
                methods_required: 2,
                ..base.clone()
            },
            registration(),
            "registration.methods_required",
            json!({ "FewerThanGates": { "gates": 2 } }),
        ),
    ];
    let zero = json!({ "reset": 0, "registration": 0 });
    for (reset, registration, field, problem) in cases {
        let args = reset_args(&reset, &registration, zero.clone());
        let reply = app
            .call("admin_save_reset_policy", args, Some(&cookie))
            .await;
        assert_eq!(reply.status, 422, "{field}: {}", reply.text);
        assert_eq!(reply.body, invalid(field, problem), "{field}");
    }
    assert_eq!(editor(&app, &cookie).await, before, "nothing was saved");
}

#[tokio::test]
async fn the_question_bank_takes_custom_questions_and_keeps_enough_offered() {
    let app = spawn_app().await;
    let cookie = admin(&app, "ada").await;
    let add = |en: &str, el: &str| json!({ "text_en": en, "text_el": el });
    let reply = app
        .call(
            "admin_add_security_question",
            add(
                "  What was your first  job? ",
                "Ποια ήταν η πρώτη σας δουλειά;",
            ),
            Some(&cookie),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let added = reply.body.as_array().unwrap().last().unwrap().clone();
    assert_eq!(added["text_en"], "What was your first job?");
    assert_eq!(added["builtin"], false);
    // Users registering see it, in both languages.
    app.add_user("maria", &[]).await;
    let maria = app.session("maria").await;
    let bank = app
        .call("question_bank", json!({}), Some(&maria))
        .await
        .body;
    assert!(bank
        .as_array()
        .unwrap()
        .iter()
        .any(|q| q["id"] == added["id"] && q["text_el"] == "Ποια ήταν η πρώτη σας δουλειά;"));
    let refused = [
        (
            add("what was your FIRST job?", "Άλλη;"),
            "text_en",
            json!("DuplicateQuestion"),
        ),
        (add("Another one?", " "), "text_el", json!("Required")),
        (add(&"x".repeat(201), "Άλλη;"), "text_en", json!("TooLong")),
    ];
    for (args, field, problem) in refused {
        let reply = app
            .call("admin_add_security_question", args, Some(&cookie))
            .await;
        assert_eq!(reply.body, invalid(field, problem), "{}", reply.text);
    }
    // Eleven active; users answer three, so eight may be retired and the ninth may not.
    for id in 1..=8 {
        let args = json!({ "id": id, "active": false });
        let reply = app
            .call("admin_set_security_question_active", args, Some(&cookie))
            .await;
        assert_eq!(reply.status, 200, "{}", reply.text);
    }
    let args = json!({ "id": 9, "active": false });
    let reply = app
        .call("admin_set_security_question_active", args, Some(&cookie))
        .await;
    assert_eq!(
        reply.body,
        invalid("questions", json!({ "BankTooSmall": { "required": 3 } }))
    );
    // Nor may registration ask for more questions than remain offered.
    let more = RegistrationPolicy {
        question_count: 4,
        ..registration()
    };
    let args = reset_args(
        &ResetPolicy::default(),
        &more,
        json!({ "reset": 0, "registration": 0 }),
    );
    let reply = app
        .call("admin_save_reset_policy", args, Some(&cookie))
        .await;
    assert_eq!(
        reply.body,
        invalid(
            "registration.question_count",
            json!({ "BankTooSmall": { "required": 4 } })
        )
    );
    let args = json!({ "id": 12345, "active": true });
    let reply = app
        .call("admin_set_security_question_active", args, Some(&cookie))
        .await;
    assert_eq!(reply.status, 404);
}

#[tokio::test]
async fn a_concurrent_edit_is_refused_and_the_first_save_stands() {
    let app = spawn_app().await;
    let first = admin(&app, "ada").await;
    let second = admin(&app, "grace").await;
    let loaded = editor(&app, &first).await;
    assert_eq!(
        editor(&app, &second).await["revisions"],
        loaded["revisions"]
    );
    let revisions = loaded["revisions"].clone();
    let with_minutes = |minutes| ResetPolicy {
        wizard_minutes: minutes,
        ..ResetPolicy::default()
    };
    let args = reset_args(&with_minutes(20), &registration(), revisions.clone());
    let reply = app
        .call("admin_save_reset_policy", args, Some(&first))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let args = reset_args(&with_minutes(30), &registration(), revisions);
    let reply = app
        .call("admin_save_reset_policy", args, Some(&second))
        .await;
    assert_eq!(reply.status, 409, "{}", reply.text);
    assert_eq!(reply.body, json!("EditConflict"));
    let stored = editor(&app, &first).await;
    assert_eq!(stored["reset"]["wizard_minutes"], 20);
    assert_eq!(
        stored["revisions"],
        json!({ "reset": 1, "registration": 1 })
    );

    // A registration change made elsewhere meanwhile also refuses the pair, and the
    // reset half is not written on its own.
    let reply = app
        .edit_policies(&second, |_, registration| {
            registration["postpone_limit"] = json!(5)
        })
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let args = reset_args(
        &with_minutes(40),
        &registration(),
        stored["revisions"].clone(),
    );
    let reply = app
        .call("admin_save_reset_policy", args, Some(&first))
        .await;
    assert_eq!(reply.status, 409, "{}", reply.text);
    let after = editor(&app, &first).await;
    assert_eq!(after["reset"]["wizard_minutes"], 20);
    assert_eq!(after["registration"]["postpone_limit"], 5);

    // The password policy is guarded the same way.
    let load = app
        .call("admin_password_policy", json!({}), Some(&first))
        .await;
    let revision = load.body["revision"].clone();
    let policy = |min_chars| PasswordPolicy {
        min_chars,
        ..PasswordPolicy::default()
    };
    let save = |p: PasswordPolicy| json!({ "policy": p, "revision": revision });
    let reply = app
        .call("admin_save_password_policy", save(policy(12)), Some(&first))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let reply = app
        .call(
            "admin_save_password_policy",
            save(policy(20)),
            Some(&second),
        )
        .await;
    assert_eq!(reply.body, json!("EditConflict"));
    let rules = app.call("password_rules", json!({}), None).await.body;
    assert_eq!(rules["min_chars"], 12);
}

#[tokio::test]
async fn a_save_lists_its_changes_audits_them_and_the_wizard_sees_them_at_once() {
    let app = spawn_app().await;
    let cookie = admin(&app, "ada").await;
    // The wizard's cached copy of the policy, read before the save.
    let user = app.add_user("wren", &[]).await;
    register_email(&app, user).await;
    assert_eq!(reset_started(&app, "wren", user).await, "eligible");
    let loaded = editor(&app, &cookie).await;
    let changed = ResetPolicy {
        scope: ResetScope::Nobody,
        wizard_minutes: 20,
        ..serde_json::from_value(loaded["reset"].clone()).unwrap()
    };
    let args = reset_args(&changed, &registration(), loaded["revisions"].clone());
    let reply = app
        .call("admin_save_reset_policy", args, Some(&cookie))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let changes = reply.body["changes"].as_array().unwrap().clone();
    let fields: Vec<&str> = changes
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["scope", "wizard_minutes"]);
    assert_eq!(changes[1]["from"], "15");
    assert_eq!(changes[1]["to"], "20");
    assert_eq!(reset_started(&app, "wren", user).await, "out_of_scope");
    let (detail,): (String,) = sqlx::query_as(
        "SELECT detail FROM audit_events WHERE event = 'policy_changed' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(&app.state.pool)
    .await
    .unwrap();
    assert!(
        detail.contains("scope Everyone → Nobody") && detail.contains("wizard_minutes 15 → 20"),
        "{detail}"
    );
}

#[tokio::test]
async fn the_preview_counts_users_in_scope_and_those_who_could_reset() {
    let app = spawn_app().await;
    let cookie = admin(&app, "ada").await;
    let staff_ready = app.add_user("sam", &[]).await;
    let staff_bare = app.add_user("sue", &[]).await;
    let other_ready = app.add_user("olga", &[]).await;
    let disabled = app.add_user("dan", &[]).await;
    add_to_group(&app, staff_ready, "Staff").await;
    add_to_group(&app, staff_bare, "Staff").await;
    add_to_group(&app, disabled, "Staff").await;
    for id in [staff_ready, other_ready, disabled] {
        register_email(&app, id).await;
    }
    sqlx::query("UPDATE users SET status = 'disabled' WHERE id = ?")
        .bind(disabled)
        .execute(&app.state.pool)
        .await
        .unwrap();
    let preview = |scope| {
        let reset = ResetPolicy {
            scope,
            ..ResetPolicy::default()
        };
        json!({ "reset": reset })
    };
    // The admin is always in scope (under the admin policy) but has no methods.
    let staff = app
        .call(
            "admin_preview_reset_scope",
            preview(ResetScope::Groups(vec!["staff".into()])),
            Some(&cookie),
        )
        .await;
    assert_eq!(staff.status, 200, "{}", staff.text);
    assert_eq!(
        staff.body,
        json!({ "users": 4, "in_scope": 3, "can_reset": 1 })
    );
    let everyone = app
        .call(
            "admin_preview_reset_scope",
            preview(ResetScope::Everyone),
            Some(&cookie),
        )
        .await;
    assert_eq!(
        everyone.body,
        json!({ "users": 4, "in_scope": 4, "can_reset": 2 })
    );
    // The editor lists the groups for the picker.
    assert_eq!(editor(&app, &cookie).await["groups"], json!(["Staff"]));
}

#[tokio::test]
async fn banned_words_are_normalised_and_refused_by_the_wizards_checker() {
    let app = spawn_app().await;
    let cookie = admin(&app, "ada").await;
    let policy = PasswordPolicy {
        banned_words: vec![
            "  Contoso ".into(),
            "c0nt0so".into(),
            "".into(),
            "fabrikam\nwidgets".into(),
        ],
        ..PasswordPolicy::default()
    };
    let args = json!({ "policy": policy, "revision": 0 });
    let reply = app
        .call("admin_save_password_policy", args, Some(&cookie))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.body["editor"]["policy"]["banned_words"],
        json!(["Contoso", "fabrikam", "widgets"])
    );
    assert_eq!(reply.body["changes"][0]["field"], "banned_words");
    // The checker the wizard runs for a new password.
    let maria = app.add_user("maria", &[]).await;
    let user = store::find_by_id(&app.state.pool, maria)
        .await
        .unwrap()
        .unwrap();
    let candidate = "my c-o-n-t-o-s-o lighthouse";
    let verdict = app
        .state
        .password_policy
        .evaluate(&user, candidate, candidate)
        .await
        .unwrap();
    assert_eq!(
        verdict.problems,
        vec![app::domain::PasswordProblem::BannedWord]
    );
    // The test box agrees, and with a draft that drops the word it passes.
    let test = |p: &PasswordPolicy| json!({ "policy": p, "password": candidate });
    let saved: PasswordPolicy =
        serde_json::from_value(reply.body["editor"]["policy"].clone()).unwrap();
    let reply = app
        .call("admin_test_password", test(&saved), Some(&cookie))
        .await;
    assert_eq!(reply.body["problems"], json!(["BannedWord"]));
    let draft = PasswordPolicy {
        banned_words: vec![],
        ..saved
    };
    let reply = app
        .call("admin_test_password", test(&draft), Some(&cookie))
        .await;
    assert_eq!(reply.body["problems"], json!([]));
}

/// A change to a default password policy.
type Change = fn(&mut PasswordPolicy);

#[tokio::test]
async fn password_policy_settings_out_of_range_are_refused_by_field() {
    let app = spawn_app().await;
    let cookie = admin(&app, "ada").await;
    let cases: [(Change, &str, &str); 5] = [
        (|p| p.min_chars = 7, "min_chars", "MinChars"),
        (|p| p.max_chars = 300, "max_chars", "MaxChars"),
        (|p| p.history_depth = 25, "history_depth", "HistoryDepth"),
        (
            |p| p.banned_words = vec!["ab".into()],
            "banned_words",
            "BannedWordLength",
        ),
        (
            |p| p.lockout_threshold = Some(0),
            "lockout_threshold",
            "LockoutThreshold",
        ),
    ];
    for (change, field, problem) in cases {
        let mut policy = PasswordPolicy::default();
        change(&mut policy);
        let args = json!({ "policy": policy, "revision": 0 });
        let reply = app
            .call("admin_save_password_policy", args, Some(&cookie))
            .await;
        assert_eq!(reply.status, 422, "{field}");
        assert_eq!(
            reply.body,
            invalid(field, json!({ "PasswordPolicy": problem }))
        );
    }
    let load = app
        .call("admin_password_policy", json!({}), Some(&cookie))
        .await;
    assert_eq!(load.body["revision"], 0, "nothing was saved");
    // The editor shows the configured lockout while the policy leaves it open.
    assert_eq!(load.body["policy"]["lockout_threshold"], 10);
    assert_eq!(load.body["policy"]["lockout_minutes"], 15);
}

#[tokio::test]
async fn the_sign_in_lockout_follows_the_password_policy() {
    let app = spawn_app().await;
    let cookie = admin(&app, "ada").await;
    app.add_user("maria", &[]).await;
    let policy = PasswordPolicy {
        lockout_threshold: Some(3),
        lockout_minutes: Some(60),
        ..PasswordPolicy::default()
    };
    let args = json!({ "policy": policy, "revision": 0 });
    let reply = app
        .call("admin_save_password_policy", args, Some(&cookie))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    for _ in 0..2 {
        assert_eq!(app.sign_in("maria", "wrong password").await.status, 401);
    }
    let third = app.sign_in("maria", "wrong password").await;
    assert_eq!(third.status, 401, "{}", third.text);
    let until: Option<i64> =
        sqlx::query_scalar("SELECT locked_until FROM users WHERE username = 'maria'")
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
    assert_eq!(until, Some(app.clock.now() + 3600));
    assert_eq!(app.sign_in("maria", PASSWORD).await.status, 401);
}
