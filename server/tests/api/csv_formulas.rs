//! CSV exports defuse cells a spreadsheet would run as a formula (OWASP: a leading `'`),
//! and imports strip that prefix again, so an export imports back unchanged.

use crate::helpers::*;
use app::domain::Role;
use serde_json::{json, Value};

/// A username, display name, phone and group that a spreadsheet would each run.
const IMPORT: &str = "username,display_name,email,phone,groups,status\n\
                      =cmd|'/Ccalc'!A0,\"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",,+306900000000,@Ops,\n\
                      obrien,'O'Brien,,,-Team,\n";

const ALL: fn() -> Value = || json!({ "search": "", "group": null, "status": null });

async fn admin(app: &TestApp) -> String {
    app.add_user("boss", &[Role::GlobalAdmin]).await;
    app.session("boss").await
}

async fn import(app: &TestApp, cookie: &str, csv: &str, apply: bool) -> Value {
    let reply = app
        .call(
            "import_users",
            json!({ "csv": csv, "apply": apply }),
            Some(cookie),
        )
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body
}

async fn export_users(app: &TestApp, cookie: &str) -> String {
    let reply = app.call("export_users", ALL(), Some(cookie)).await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    reply.body.as_str().unwrap().to_owned()
}

async fn stored(app: &TestApp) -> Vec<(String, String, Option<String>)> {
    sqlx::query_as(
        "SELECT username, display_name, phone FROM users WHERE username <> 'boss' ORDER BY username",
    )
    .fetch_all(&app.state.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_users_export_writes_formula_cells_with_a_leading_quote() {
    let app = spawn_app().await;
    let boss = admin(&app).await;
    assert_eq!(import(&app, &boss, IMPORT, true).await["imported"], 2);
    let csv = export_users(&app, &boss).await;
    assert!(
        csv.contains(
            "'=cmd|'/Ccalc'!A0,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",,'+306900000000,'@Ops,enabled\n"
        ),
        "{csv}"
    );
    // Not a formula: unchanged, even with a quote inside.
    assert!(csv.contains("obrien,'O'Brien,,,'-Team,enabled\n"), "{csv}");
    assert!(csv.starts_with("username,display_name,email,phone,groups,status\n"));
}

#[tokio::test]
async fn an_exported_file_previews_and_imports_back_with_the_same_values() {
    let app = spawn_app().await;
    let boss = admin(&app).await;
    import(&app, &boss, IMPORT, true).await;
    let original = stored(&app).await;
    assert_eq!(original[0].1, "=HYPERLINK(\"http://evil.example\",\"x\")");
    let csv = export_users(&app, &boss).await;

    let other = spawn_app().await;
    let other_boss = admin(&other).await;
    let preview = import(&other, &other_boss, &csv, false).await;
    // Only the admin who exists on both servers is refused; nothing else is wrong.
    assert_eq!(preview["imported"], 2, "{preview}");
    let errors = preview["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1, "{preview}");
    assert_eq!(errors[0]["username"], "boss");
    assert!(stored(&other).await.is_empty(), "a preview writes nothing");

    import(&other, &other_boss, &csv, true).await;
    assert_eq!(stored(&other).await, original);
    assert_eq!(
        export_users(&other, &other_boss).await,
        csv,
        "the second export is the first"
    );
}

#[tokio::test]
async fn the_audit_export_writes_formula_cells_with_a_leading_quote() {
    let app = spawn_app().await;
    let boss = admin(&app).await;
    let name = "=HYPERLINK(\"http://evil.example\",\"x\")";
    let created = app
        .call("create_group", json!({ "name": name }), Some(&boss))
        .await;
    assert_eq!(created.status, 200, "{}", created.text);
    app.add_user("@ana", &[]).await;
    let disabled = app
        .call(
            "set_user_enabled",
            json!({ "username": "@ana", "enabled": false }),
            Some(&boss),
        )
        .await;
    assert_eq!(disabled.status, 200, "{}", disabled.text);

    let reply = app
        .call("export_audit", json!({ "filter": {} }), Some(&boss))
        .await;
    assert_eq!(reply.status, 200, "{}", reply.text);
    let csv = reply.body["csv"].as_str().unwrap();
    assert!(
        csv.contains(",success,\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\"\n"),
        "{csv}"
    );
    assert!(csv.contains(",user_disabled,'@ana,boss,"), "{csv}");
    assert!(
        csv.lines()
            .all(|line| !line.contains(",=") && !line.contains(",@")),
        "{csv}"
    );
}
