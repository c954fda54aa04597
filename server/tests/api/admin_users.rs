//! The admin users section: who may call each function, the helpdesk actions and what
//! they do to the account, bad input, and CSV export and import.

use crate::helpers::*;
use app::domain::{AdminSection, Role};
use serde_json::{json, Value};

const NEW_PASSWORD: &str = "a fresh and long passphrase";

async fn count(app: &TestApp, sql: &'static str) -> i64 {
    sqlx::query_scalar(sql)
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

async fn phc_of(app: &TestApp, user_id: i64) -> String {
    sqlx::query_scalar("SELECT phc FROM password_hashes WHERE user_id = ?")
        .bind(user_id)
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

async fn audit_events(app: &TestApp, event: &str, account_id: i64) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE event = ? AND account_id = ?")
        .bind(event)
        .bind(account_id)
        .fetch_one(&app.state.pool)
        .await
        .unwrap()
}

fn target(username: &str) -> Value {
    json!({ "username": username })
}

fn profile(display_name: &str, email: &str, phone: &str) -> Value {
    json!({ "display_name": display_name, "email": email, "phone": phone })
}

/// An app with the role callers, a global admin `boss` with a session, and `pat`, a
/// plain user in group Sales.
async fn setup() -> (TestApp, RoleCallers, String, i64) {
    let app = spawn_app().await;
    let callers = app.role_callers().await;
    app.add_user("boss", &[Role::GlobalAdmin]).await;
    let boss = app.session("boss").await;
    let pat = app.add_user("pat", &[]).await;
    let mut conn = app.state.pool.acquire().await.unwrap();
    let sales = server::accounts::store::ensure_group(&mut conn, "Sales", 1)
        .await
        .unwrap();
    server::accounts::store::add_member(&mut conn, sales, pat)
        .await
        .unwrap();
    (app, callers, boss, pat)
}

#[tokio::test]
async fn every_users_function_checks_the_callers_role() {
    let (app, callers, _, _) = setup().await;
    let users = AdminSection::Users.roles();
    let global = &[Role::GlobalAdmin];
    app.assert_roles(
        &callers,
        "list_users",
        json!({ "search": "", "page": 0 }),
        users,
    )
    .await;
    app.assert_roles(
        &callers,
        "list_users",
        json!({ "search": "", "page": 0, "group": "Sales", "status": "enabled" }),
        users,
    )
    .await;
    app.assert_roles(&callers, "get_user", target("pat"), users)
        .await;
    app.assert_roles(
        &callers,
        "create_user",
        json!({ "username": "newbie", "profile": profile("New Bie", "", "") }),
        global,
    )
    .await;
    app.assert_roles(
        &callers,
        "update_user",
        json!({ "username": "pat", "profile": profile("Pat Renamed", "pat@example.org", "") }),
        global,
    )
    .await;
    app.assert_roles(
        &callers,
        "set_user_enabled",
        json!({ "username": "pat", "enabled": true }),
        global,
    )
    .await;
    for function in [
        "reset_user_password",
        "unlock_user",
        "revoke_user_sessions",
        "require_reregistration",
    ] {
        app.assert_roles(&callers, function, target("pat"), users)
            .await;
    }
    app.assert_roles(
        &callers,
        "export_users",
        json!({ "search": "", "group": null, "status": null }),
        global,
    )
    .await;
    app.assert_roles(
        &callers,
        "import_users",
        json!({ "csv": "username,display_name\nimported,Imported One\n", "apply": false }),
        global,
    )
    .await;
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM users WHERE username = 'imported'"
        )
        .await,
        0,
        "a preview writes nothing"
    );
}

#[tokio::test]
async fn a_helpdesk_admin_cannot_act_on_an_admin_and_the_refusal_is_audited() {
    let app = spawn_app().await;
    app.add_user("hd", &[Role::HelpdeskAdmin]).await;
    let hd = app.session("hd").await;
    let reader = app.add_user("reader", &[Role::ReportsReader]).await;
    let reader_session = app.session("reader").await;
    let before = phc_of(&app, reader).await;
    for function in [
        "reset_user_password",
        "unlock_user",
        "revoke_user_sessions",
        "require_reregistration",
    ] {
        let reply = app.call(function, target("reader"), Some(&hd)).await;
        assert_eq!(reply.status, 403, "{function}: {}", reply.text);
        assert_eq!(reply.body, json!("Forbidden"));
    }
    assert_eq!(phc_of(&app, reader).await, before);
    assert_eq!(
        app.current_user(&reader_session).await["username"],
        "reader"
    );
    assert_eq!(audit_events(&app, "admin_denied", reader).await, 4);
    // The user page tells the UI to offer no helpdesk buttons for this user.
    let page = app.call("get_user", target("reader"), Some(&hd)).await;
    assert_eq!(page.body["may_help"], false);
    assert_eq!(page.body["may_manage"], false);
}

#[tokio::test]
async fn a_temporary_password_works_until_the_user_changes_it_and_forces_the_change() {
    let app = spawn_app().await;
    app.add_user("hd", &[Role::HelpdeskAdmin]).await;
    let hd = app.session("hd").await;
    let pat = app.add_user("pat", &[]).await;
    let old_session = app.session("pat").await;

    let reply = app
        .call("reset_user_password", target("pat"), Some(&hd))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let temporary = reply.body["password"].as_str().unwrap().to_owned();
    assert!(temporary.chars().count() >= 20);
    assert!(phc_of(&app, pat).await.starts_with("$argon2id$"));
    assert_eq!(
        app.current_user(&old_session).await,
        Value::Null,
        "sessions revoked"
    );
    assert_eq!(
        app.sign_in("pat", PASSWORD).await.status,
        401,
        "old password gone"
    );
    assert_eq!(audit_events(&app, "password_set_by_admin", pat).await, 1);
    let detail: String =
        sqlx::query_scalar("SELECT detail FROM audit_events WHERE event = 'password_set_by_admin'")
            .fetch_one(&app.state.pool)
            .await
            .unwrap();
    assert!(
        !detail.contains(&temporary),
        "the audit never holds the password"
    );

    let signed_in = app.sign_in("pat", &temporary).await;
    assert_eq!(signed_in.status, 200, "{}", signed_in.text);
    assert_eq!(signed_in.body["must_change_password"], true);
    let cookie = signed_in.session_cookie().unwrap();
    let changed = app
        .call(
            "change_password",
            json!({ "current": temporary, "new_password": NEW_PASSWORD, "confirmation": NEW_PASSWORD }),
            Some(&cookie),
        )
        .await;
    assert_eq!(changed.status, 200, "{}", changed.text);
    assert_eq!(
        app.sign_in("pat", &temporary).await.status,
        401,
        "works once"
    );
    let again = app.sign_in("pat", NEW_PASSWORD).await;
    assert_eq!(again.body["must_change_password"], false);
}

#[tokio::test]
async fn a_disabled_user_cannot_sign_in_until_enabled_again() {
    let (app, _, boss, pat) = setup().await;
    let session = app.session("pat").await;
    let set = |enabled: bool| json!({ "username": "pat", "enabled": enabled });
    let disabled = app.call("set_user_enabled", set(false), Some(&boss)).await;
    assert_eq!(disabled.status, 200, "{}", disabled.text);
    assert_eq!(disabled.body["status"], "disabled");
    assert_eq!(disabled.body["sessions"], json!([]));
    assert_eq!(app.current_user(&session).await, Value::Null);
    assert_eq!(app.sign_in("pat", PASSWORD).await.status, 401);
    let enabled = app.call("set_user_enabled", set(true), Some(&boss)).await;
    assert_eq!(enabled.body["status"], "enabled");
    assert_eq!(app.sign_in("pat", PASSWORD).await.status, 200);
    assert_eq!(audit_events(&app, "user_disabled", pat).await, 1);
    assert_eq!(audit_events(&app, "user_enabled", pat).await, 1);
    // Nobody disables themselves out of the dashboard.
    let own = json!({ "username": "boss", "enabled": false });
    assert_eq!(
        app.call("set_user_enabled", own, Some(&boss)).await.status,
        403
    );
}

#[tokio::test]
async fn unlocking_ends_a_sign_in_lock() {
    let app = spawn_app().await;
    app.add_user("hd", &[Role::HelpdeskAdmin]).await;
    let hd = app.session("hd").await;
    let pat = app.add_user("pat", &[]).await;
    for _ in 0..10 {
        app.sign_in("pat", "wrong password").await;
    }
    let locked = app.sign_in("pat", PASSWORD).await;
    assert_eq!(locked.status, 401, "{}", locked.text);
    let page = app.call("get_user", target("pat"), Some(&hd)).await;
    assert_eq!(page.body["status"], "locked");
    assert!(page.body["locked_until"].is_i64());

    let unlocked = app.call("unlock_user", target("pat"), Some(&hd)).await;
    assert_eq!(unlocked.status, 200, "{}", unlocked.text);
    assert_eq!(unlocked.body["status"], "enabled");
    assert_eq!(app.sign_in("pat", PASSWORD).await.status, 200);
    assert_eq!(audit_events(&app, "account_unlocked", pat).await, 1);
}

#[tokio::test]
async fn revoking_sessions_signs_the_user_out_everywhere() {
    let app = spawn_app().await;
    app.add_user("hd", &[Role::HelpdeskAdmin]).await;
    let hd = app.session("hd").await;
    let pat = app.add_user("pat", &[]).await;
    let first = app.session("pat").await;
    let second = app.session("pat").await;
    let page = app.call("get_user", target("pat"), Some(&hd)).await;
    assert_eq!(page.body["sessions"].as_array().unwrap().len(), 2);
    assert!(!page.text.contains(first.split('=').nth(1).unwrap()));

    let reply = app
        .call("revoke_user_sessions", target("pat"), Some(&hd))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["sessions"], json!([]));
    assert_eq!(app.current_user(&first).await, Value::Null);
    assert_eq!(app.current_user(&second).await, Value::Null);
    assert_eq!(
        app.sign_in("pat", PASSWORD).await.status,
        200,
        "the password still works"
    );
    let detail: String = sqlx::query_scalar(
        "SELECT detail FROM audit_events WHERE event = 'sessions_revoked' AND account_id = ?",
    )
    .bind(pat)
    .fetch_one(&app.state.pool)
    .await
    .unwrap();
    assert_eq!(detail, "2 sessions ended");
}

#[tokio::test]
async fn requiring_re_registration_sends_the_user_to_register_again() {
    let app = spawn_app().await;
    app.add_user("hd", &[Role::HelpdeskAdmin]).await;
    let hd = app.session("hd").await;
    let pat = app.add_user("pat", &[]).await;
    let now = 1_800_000_000_i64;
    sqlx::query("INSERT INTO auth_methods (user_id, kind, value, registered_at) VALUES (?, 'email', 'pat.private@example.org', ?)")
        .bind(pat)
        .bind(now)
        .execute(&app.state.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE users SET security_info_confirmed_at = ? WHERE id = ?")
        .bind(now)
        .bind(pat)
        .execute(&app.state.pool)
        .await
        .unwrap();
    let session = app.session("pat").await;
    assert_eq!(
        app.current_user(&session).await["registration"]["due"],
        Value::Null
    );
    let page = app.call("get_user", target("pat"), Some(&hd)).await;
    let email = &page.body["methods"][0];
    assert_eq!(
        (email["kind"].clone(), email["registered"].clone()),
        (json!("email"), json!(true))
    );
    assert_eq!(email["detail"], "p***@example.org", "masked");
    assert!(!page.text.contains("pat.private"));

    let reply = app
        .call("require_reregistration", target("pat"), Some(&hd))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert!(reply.body["methods"]
        .as_array()
        .unwrap()
        .iter()
        .all(|m| m["registered"] == false));
    let fresh = app.session("pat").await;
    assert_eq!(
        app.current_user(&fresh).await["registration"]["due"],
        json!({ "Incomplete": { "required": 1, "registered": 0 } })
    );
    assert_eq!(audit_events(&app, "re_registration_required", pat).await, 1);
}

#[tokio::test]
async fn the_user_page_shows_profile_groups_roles_sessions_and_recent_events() {
    let (app, _, boss, pat) = setup().await;
    app.session("pat").await;
    app.call("revoke_user_sessions", target("pat"), Some(&boss))
        .await;
    let page = app.call("get_user", target("pat"), Some(&boss)).await;
    assert_eq!(page.status, 200, "{}", page.text);
    let body = &page.body;
    assert_eq!(body["display_name"], "pat display");
    assert_eq!(body["email"], "pat@example.org");
    assert_eq!(body["groups"], json!(["Sales"]));
    assert_eq!(body["roles"], json!([]));
    assert!(body["last_sign_in_at"].is_i64());
    assert_eq!(body["last_reset_at"], Value::Null);
    assert_eq!(body["events"][0]["event"], "sessions_revoked");
    assert_eq!(body["events"][0]["actor"], "boss");
    assert_eq!(
        (body["may_manage"].clone(), body["may_help"].clone()),
        (json!(true), json!(true))
    );
    let _ = pat;
    // The admin's own page lists what they did to others.
    let own = app.call("get_user", target("boss"), Some(&boss)).await;
    assert_eq!(own.body["events"][0]["event"], "sessions_revoked");
    assert_eq!(own.body["roles"], json!(["global_admin"]));
    let missing = app.call("get_user", target("nobody"), Some(&boss)).await;
    assert_eq!(missing.status, 404);
}

#[tokio::test]
async fn the_list_filters_by_search_group_and_status() {
    let (app, _, boss, _) = setup().await;
    app.add_user("pam", &[]).await;
    sqlx::query("UPDATE users SET status = 'disabled' WHERE username = 'pam'")
        .execute(&app.state.pool)
        .await
        .unwrap();
    let list = |args: Value| {
        let app = &app;
        let boss = boss.clone();
        async move { app.call("list_users", args, Some(&boss)).await }
    };
    let names = |reply: &Reply| -> Vec<String> {
        reply.body["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["username"].as_str().unwrap().to_owned())
            .collect()
    };
    let pa = list(json!({ "search": "pa", "page": 0 })).await;
    assert_eq!(names(&pa), ["pam", "pat"]);
    assert_eq!(pa.body["more"], false);
    assert_eq!(pa.body["group_names"], json!(["Sales"]));
    let sales = list(json!({ "search": "", "page": 0, "group": "sales" })).await;
    assert_eq!(names(&sales), ["pat"]);
    assert_eq!(sales.body["rows"][0]["groups"], json!(["Sales"]));
    let disabled = list(json!({ "search": "", "page": 0, "status": "disabled" })).await;
    assert_eq!(names(&disabled), ["pam"]);
    let both =
        list(json!({ "search": "pa", "page": 0, "group": "Sales", "status": "disabled" })).await;
    assert_eq!(both.body["total"], 0);
    let unknown = list(json!({ "search": "", "page": 0, "group": "Nope" })).await;
    assert_eq!(unknown.status, 422);
    assert_eq!(unknown.body["Invalid"]["field"], "group");
    let bad_status = list(json!({ "search": "", "page": 0, "status": "asleep" })).await;
    assert_eq!(bad_status.status, 400);
}

#[tokio::test]
async fn bad_input_gives_field_errors_and_changes_nothing() {
    let (app, _, boss, pat) = setup().await;
    let users = count(&app, "SELECT COUNT(*) FROM users").await;
    for (profile, field) in [
        (profile("", "", ""), "display_name"),
        (profile(&"x".repeat(129), "", ""), "display_name"),
        (profile("Tab\tName", "", ""), "display_name"),
        (profile("Fine", "not-an-address", ""), "email"),
        (profile("Fine", "", "2101234567"), "phone"),
    ] {
        let created = app
            .call(
                "create_user",
                json!({ "username": "newbie", "profile": profile }),
                Some(&boss),
            )
            .await;
        assert_eq!(created.status, 422, "{}", created.text);
        assert_eq!(created.body["Invalid"]["field"], field);
        let updated = app
            .call(
                "update_user",
                json!({ "username": "pat", "profile": profile }),
                Some(&boss),
            )
            .await;
        assert_eq!(updated.status, 422, "{}", updated.text);
        assert_eq!(updated.body["Invalid"]["field"], field);
    }
    let spaced = app
        .call(
            "create_user",
            json!({ "username": "two words", "profile": profile("A", "", "") }),
            Some(&boss),
        )
        .await;
    assert_eq!(spaced.body["Invalid"]["field"], "username");
    let taken = app
        .call(
            "create_user",
            json!({ "username": "PAT", "profile": profile("A", "", "") }),
            Some(&boss),
        )
        .await;
    assert_eq!(
        taken.body,
        json!({ "Invalid": { "field": "username", "problem": "Taken" } })
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM users").await, users);
    let page = app.call("get_user", target("pat"), Some(&boss)).await;
    assert_eq!(page.body["display_name"], "pat display");
    assert_eq!(audit_events(&app, "user_updated", pat).await, 0);

    // And a good edit and a good creation do what they say.
    let updated = app
        .call(
            "update_user",
            json!({ "username": "pat", "profile": profile("Pat Smith", "pat@example.org", "+30 210 123 4567") }),
            Some(&boss),
        )
        .await;
    assert_eq!(updated.body["display_name"], "Pat Smith");
    assert_eq!(updated.body["phone"], "+302101234567");
    let created = app
        .call(
            "create_user",
            json!({ "username": "newbie", "profile": profile("New Bie", "", "") }),
            Some(&boss),
        )
        .await;
    assert_eq!(created.body, json!("newbie"));
    let newbie = app.call("get_user", target("newbie"), Some(&boss)).await;
    assert_eq!(newbie.body["must_change_password"], true);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE event = 'user_created'"
        )
        .await,
        1
    );
}

fn export_lines(csv: &str) -> Vec<String> {
    csv.lines()
        .filter(|line| !line.starts_with("rc-") && !line.starts_with("boss,"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn an_export_imports_into_another_server_unchanged() {
    let (app, _, boss, _) = setup().await;
    let import = "username,display_name,email,phone,groups,status\n\
                  ann,\"Smith, Ann \"\"A\"\"\",ann@example.org,+302101234567,Sales;Athens,enabled\n\
                  ben,Ben Off,,,,disabled\n\
                  γιάννης,Γιάννης Π,,,Αθήνα,\n";
    let applied = app
        .call(
            "import_users",
            json!({ "csv": import, "apply": true }),
            Some(&boss),
        )
        .await;
    assert_eq!(applied.status, 200, "{}", applied.text);
    assert_eq!(applied.body["imported"], 3, "{}", applied.text);
    assert_eq!(applied.body["applied"], true);
    let all = json!({ "search": "", "group": null, "status": null });
    let exported = app.call("export_users", all.clone(), Some(&boss)).await;
    let csv = exported.body.as_str().unwrap().to_owned();
    assert!(csv.starts_with("username,display_name,email,phone,groups,status\n"));
    assert!(csv.contains(
        // The phone is defused against spreadsheet formulas (see csv_formulas.rs).
        "ann,\"Smith, Ann \"\"A\"\"\",ann@example.org,'+302101234567,Athens;Sales,enabled\n"
    ));
    assert!(csv.contains("ben,Ben Off,,,,disabled\n"));

    let other = spawn_app().await;
    other.add_user("boss", &[Role::GlobalAdmin]).await;
    let other_boss = other.session("boss").await;
    let again = other
        .call(
            "import_users",
            json!({ "csv": csv, "apply": true }),
            Some(&other_boss),
        )
        .await;
    assert_eq!(again.status, 200, "{}", again.text);
    let rejected: Vec<Value> = again.body["errors"].as_array().unwrap().clone();
    // Only the admin who exists on both servers is refused.
    assert_eq!(rejected.len(), 1, "{rejected:?}");
    assert_eq!(rejected[0]["username"], "boss");
    let re_exported = other.call("export_users", all, Some(&other_boss)).await;
    assert_eq!(
        export_lines(re_exported.body.as_str().unwrap()),
        export_lines(&csv)
    );
    // The filtered export holds only the filtered users.
    let sales = app
        .call(
            "export_users",
            json!({ "search": "", "group": "Sales", "status": null }),
            Some(&boss),
        )
        .await;
    let lines: Vec<&str> = sales.body.as_str().unwrap().lines().collect();
    assert_eq!(lines.len(), 3, "header, ann and pat: {lines:?}");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE event = 'users_imported'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn an_import_preview_reports_each_bad_row_and_writes_nothing() {
    let (app, _, boss, _) = setup().await;
    let users = count(&app, "SELECT COUNT(*) FROM users").await;
    let groups = count(&app, "SELECT COUNT(*) FROM groups").await;
    let csv = "username,display_name,email,phone,groups\n\
               good,Good Row,,,NewGroup\n\
               pat,Already There,,,\n\
               bad name,Space,,,\n\
               nomail,No Mail,nope,,\n\
               good,Twice In File,,,\n\
               short\n";
    let preview = app
        .call(
            "import_users",
            json!({ "csv": csv, "apply": false }),
            Some(&boss),
        )
        .await;
    assert_eq!(preview.status, 200, "{}", preview.text);
    assert_eq!(preview.body["imported"], 1);
    assert_eq!(preview.body["applied"], false);
    let errors = preview.body["errors"].as_array().unwrap();
    let lines: Vec<i64> = errors.iter().map(|e| e["line"].as_i64().unwrap()).collect();
    assert_eq!(lines, [3, 4, 5, 6, 7]);
    assert_eq!(errors[0]["problem"], "Duplicate");
    assert_eq!(errors[1]["problem"]["Field"]["field"], "username");
    assert_eq!(errors[2]["problem"]["Field"]["field"], "email");
    assert_eq!(errors[3]["problem"], "Duplicate", "twice in the file");
    assert_eq!(errors[4]["problem"], "Unreadable");
    assert_eq!(count(&app, "SELECT COUNT(*) FROM users").await, users);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM groups").await, groups);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_events WHERE event = 'users_imported'"
        )
        .await,
        0
    );

    let applied = app
        .call(
            "import_users",
            json!({ "csv": csv, "apply": true }),
            Some(&boss),
        )
        .await;
    assert_eq!(applied.body["imported"], 1);
    assert_eq!(applied.body["errors"], preview.body["errors"]);
    assert_eq!(count(&app, "SELECT COUNT(*) FROM users").await, users + 1);
}

#[tokio::test]
async fn a_broad_search_is_counted_only_up_to_the_cap() {
    let (app, _, boss, _) = setup().await;
    let cap = app::api::USERS_COUNT_CAP as i64;
    let bulk = 2_100_i64;
    // Plain rows are enough for the list; no passwords needed. All of them are in a
    // group large enough to be filtered by walking users in name order.
    let mut tx = app.state.pool.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO groups (id, name, name_canonical, created_at) VALUES (900, 'Bulk', 'bulk', 0)",
    )
    .execute(&mut *tx)
    .await
    .unwrap();
    for i in 0..bulk {
        let id: i64 = sqlx::query_scalar("INSERT INTO users (username, username_canonical, display_name, created_at, updated_at) VALUES (?1, ?1, 'Bulk', 0, 0) RETURNING id")
            .bind(format!("bulk{i:05}"))
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        sqlx::query("INSERT INTO group_members (group_id, user_id) VALUES (900, ?)")
            .bind(id)
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let list = |args: Value| {
        let app = &app;
        let boss = boss.clone();
        async move { app.call("list_users", args, Some(&boss)).await.body }
    };
    let everyone = list(json!({ "search": "bulk", "page": 0 })).await;
    assert_eq!(
        (everyone["total"].clone(), everyone["more"].clone()),
        (json!(cap), json!(true))
    );
    assert_eq!(everyone["rows"][0]["username"], "bulk00000");
    let past_cap = list(json!({ "search": "bulk", "page": cap / 20 })).await;
    assert_eq!(past_cap["rows"][0]["username"], format!("bulk{cap:05}"));
    let last = list(json!({ "search": "bulk", "page": bulk / 20 })).await;
    assert_eq!(last["rows"].as_array().unwrap().len(), (bulk % 20) as usize);
    assert_eq!(
        (last["total"].clone(), last["more"].clone()),
        (json!(cap), json!(true))
    );

    let group = list(json!({ "search": "", "page": 0, "group": "Bulk" })).await;
    assert_eq!(
        (group["total"].clone(), group["more"].clone()),
        (json!(cap), json!(true))
    );
    assert_eq!(group["rows"][19]["username"], "bulk00019");
    assert_eq!(group["rows"][0]["groups"], json!(["Bulk"]));
    let narrowed = list(json!({ "search": "bulk0001", "page": 0, "group": "bulk" })).await;
    assert_eq!(narrowed["total"], 10);
    assert_eq!(narrowed["rows"][9]["username"], "bulk00019");
    let none = list(json!({ "search": "pat", "page": 0, "group": "Bulk" })).await;
    assert_eq!(none["total"], 0);
}
