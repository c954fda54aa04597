//! The groups section: create, rename, delete and members, all for global admins only, and
//! the reset scope protected from losing a group it names.

use crate::helpers::*;
use app::domain::reset_policy::{ResetPolicy, ResetScope};
use app::domain::{AdminSection, Role};
use serde_json::{json, Value};
use server::clock::Clock;

async fn admin(app: &TestApp) -> String {
    app.add_user("chief", &[Role::GlobalAdmin]).await;
    app.session("chief").await
}

/// Saves a reset policy whose scope is these groups, as the policy editor would.
pub async fn scope_groups(app: &TestApp, groups: &[&str]) {
    let policy = ResetPolicy {
        scope: ResetScope::Groups(groups.iter().map(|g| g.to_string()).collect()),
        ..ResetPolicy::default()
    };
    server::policy::settings::save(
        &app.state.pool,
        server::policy::reset::NAME,
        &policy,
        app.clock.now(),
    )
    .await
    .unwrap();
    app.state.reset.forget_policy();
}

async fn saved_scope(app: &TestApp) -> ResetScope {
    server::policy::settings::load::<ResetPolicy>(&app.state.pool, server::policy::reset::NAME)
        .await
        .unwrap()
        .unwrap()
        .scope
}

async fn group_names(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar("SELECT name FROM groups ORDER BY name_canonical")
        .fetch_all(&app.state.pool)
        .await
        .unwrap()
}

async fn audit_details(app: &TestApp, event: &str) -> Vec<(String, String)> {
    sqlx::query_as(
        "SELECT outcome, detail FROM audit_events WHERE event = ? AND actor_id IS NOT NULL ORDER BY id",
    )
    .bind(event)
    .fetch_all(&app.state.pool)
    .await
    .unwrap()
}

async fn call(app: &TestApp, cookie: &str, function: &str, args: Value) -> Reply {
    app.call(function, args, Some(cookie)).await
}

#[tokio::test]
async fn only_global_admins_reach_every_group_function() {
    let app = spawn_app().await;
    let callers = app.role_callers().await;
    let allowed = AdminSection::Groups.roles();
    app.assert_roles(&callers, "list_groups", json!({}), allowed)
        .await;
    app.assert_roles(
        &callers,
        "create_group",
        json!({ "name": "Sales" }),
        allowed,
    )
    .await;
    app.assert_roles(
        &callers,
        "rename_group",
        json!({ "name": "Sales", "new_name": "Sales" }),
        allowed,
    )
    .await;
    app.assert_roles(
        &callers,
        "group_members",
        json!({ "name": "Sales" }),
        allowed,
    )
    .await;
    app.assert_roles(
        &callers,
        "add_group_member",
        json!({ "name": "Sales", "username": "rc-plain" }),
        allowed,
    )
    .await;
    app.assert_roles(
        &callers,
        "remove_group_member",
        json!({ "name": "Sales", "username": "rc-plain" }),
        allowed,
    )
    .await;
    app.assert_roles(
        &callers,
        "delete_group",
        json!({ "name": "Sales" }),
        allowed,
    )
    .await;
    assert!(
        group_names(&app).await.is_empty(),
        "the global admin's delete ran"
    );
}

#[tokio::test]
async fn groups_are_created_listed_with_counts_renamed_and_deleted() {
    let app = spawn_app().await;
    let cookie = admin(&app).await;
    let maria = app.add_user("maria", &[]).await;

    let reply = call(&app, &cookie, "create_group", json!({ "name": "  Sales " })).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(
        reply.body,
        json!({ "name": "Sales", "members": 0, "in_reset_scope": false })
    );
    call(&app, &cookie, "create_group", json!({ "name": "Support" })).await;

    let reply = call(
        &app,
        &cookie,
        "add_group_member",
        json!({ "name": "sales", "username": "MARIA" }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["total"], 1);
    assert_eq!(reply.body["members"][0]["username"], "maria");
    // Adding twice changes nothing.
    let reply = call(
        &app,
        &cookie,
        "add_group_member",
        json!({ "name": "Sales", "username": "maria" }),
    )
    .await;
    assert_eq!(reply.body["total"], 1);

    let list = call(&app, &cookie, "list_groups", json!({})).await;
    assert_eq!(
        list.body,
        json!([
            { "name": "Sales", "members": 1, "in_reset_scope": false },
            { "name": "Support", "members": 0, "in_reset_scope": false }
        ])
    );

    let reply = call(
        &app,
        &cookie,
        "rename_group",
        json!({ "name": "Sales", "new_name": "Sales EMEA" }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["name"], "Sales EMEA");
    assert_eq!(reply.body["members"], 1, "members stay with the group");

    let reply = call(
        &app,
        &cookie,
        "remove_group_member",
        json!({ "name": "Sales EMEA", "username": "maria" }),
    )
    .await;
    assert_eq!(reply.body["total"], 0);
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM group_members WHERE user_id = ?")
        .bind(maria)
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(left, 0);

    let reply = call(
        &app,
        &cookie,
        "delete_group",
        json!({ "name": "sales emea" }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(group_names(&app).await, ["Support"]);
    let reply = call(
        &app,
        &cookie,
        "delete_group",
        json!({ "name": "Sales EMEA" }),
    )
    .await;
    assert_eq!(reply.status, 404);

    for event in [
        "group_created",
        "group_renamed",
        "group_deleted",
        "group_members_changed",
    ] {
        assert!(
            !audit_details(&app, event).await.is_empty(),
            "{event} audited"
        );
    }
    assert_eq!(
        audit_details(&app, "group_renamed").await,
        [("success".to_owned(), "Sales -> Sales EMEA".to_owned())]
    );
    assert_eq!(
        audit_details(&app, "group_members_changed").await.len(),
        2,
        "the add that changed nothing is not recorded"
    );
}

#[tokio::test]
async fn duplicate_and_malformed_names_are_field_errors_and_change_nothing() {
    let app = spawn_app().await;
    let cookie = admin(&app).await;
    call(&app, &cookie, "create_group", json!({ "name": "Sales" })).await;
    call(&app, &cookie, "create_group", json!({ "name": "Support" })).await;

    let reply = call(&app, &cookie, "create_group", json!({ "name": "SALES" })).await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.body,
        json!({ "Invalid": { "field": "name", "problem": "NameTaken" } })
    );
    let reply = call(
        &app,
        &cookie,
        "rename_group",
        json!({ "name": "Support", "new_name": "sales" }),
    )
    .await;
    assert_eq!(reply.status, 422);
    assert_eq!(
        reply.body,
        json!({ "Invalid": { "field": "new_name", "problem": "NameTaken" } })
    );
    for (name, problem) in [
        ("   ", json!("Required")),
        ("x".repeat(65).as_str(), json!("TooLong")),
        ("Sales\nEMEA", json!("ControlCharacters")),
    ] {
        let reply = call(&app, &cookie, "create_group", json!({ "name": name })).await;
        assert_eq!(reply.status, 422, "{name:?}");
        assert_eq!(reply.body["Invalid"]["problem"], problem);
    }
    assert_eq!(group_names(&app).await, ["Sales", "Support"]);

    // A change of case only is allowed: it is the same group.
    let reply = call(
        &app,
        &cookie,
        "rename_group",
        json!({ "name": "sales", "new_name": "SALES" }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(group_names(&app).await, ["SALES", "Support"]);

    let reply = call(
        &app,
        &cookie,
        "add_group_member",
        json!({ "name": "Support", "username": "nobody-here" }),
    )
    .await;
    assert_eq!(
        reply.body,
        json!({ "Invalid": { "field": "username", "problem": "UnknownUser" } })
    );
    let reply = call(&app, &cookie, "group_members", json!({ "name": "Nope" })).await;
    assert_eq!(reply.status, 404);
}

#[tokio::test]
async fn a_group_in_the_reset_scope_is_not_deleted_and_a_rename_follows_into_the_scope() {
    let app = spawn_app().await;
    let cookie = admin(&app).await;
    let pilot = app.add_user("pia", &[]).await;
    call(&app, &cookie, "create_group", json!({ "name": "Pilots" })).await;
    call(&app, &cookie, "create_group", json!({ "name": "Crew" })).await;
    call(
        &app,
        &cookie,
        "add_group_member",
        json!({ "name": "Pilots", "username": "pia" }),
    )
    .await;
    scope_groups(&app, &["pilots", "Crew"]).await;

    let list = call(&app, &cookie, "list_groups", json!({})).await;
    assert_eq!(list.body[1]["name"], "Pilots");
    assert_eq!(list.body[1]["in_reset_scope"], true);

    let reply = call(&app, &cookie, "delete_group", json!({ "name": "Pilots" })).await;
    assert_eq!(reply.status, 409, "{}", reply.text);
    assert_eq!(reply.body, json!("GroupInResetScope"));
    assert_eq!(
        group_names(&app).await,
        ["Crew", "Pilots"],
        "nothing deleted"
    );
    let members: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM group_members WHERE user_id = ?")
        .bind(pilot)
        .fetch_one(&app.state.pool)
        .await
        .unwrap();
    assert_eq!(members, 1, "memberships kept");
    assert_eq!(
        audit_details(&app, "group_deleted").await,
        [("denied".to_owned(), "Pilots: in the reset scope".to_owned())]
    );

    let reply = call(
        &app,
        &cookie,
        "rename_group",
        json!({ "name": "Pilots", "new_name": "Flight crew" }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(reply.body["in_reset_scope"], true);
    assert_eq!(
        saved_scope(&app).await,
        ResetScope::Groups(vec!["Flight crew".into(), "Crew".into()])
    );
    // The wizard sees the renamed scope at once: the member is still in it.
    let (_, facts) = server::reset::account::load(&app.state.pool, pilot, false)
        .await
        .unwrap();
    let policy = app
        .state
        .reset
        .rules
        .current(&app.state.pool)
        .await
        .unwrap();
    assert!(server::reset::account::in_scope(&policy, &facts));

    // Once out of the scope, it can go.
    scope_groups(&app, &["Crew"]).await;
    let reply = call(
        &app,
        &cookie,
        "delete_group",
        json!({ "name": "Flight crew" }),
    )
    .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(group_names(&app).await, ["Crew"]);
}
