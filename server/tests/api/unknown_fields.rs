//! Server-function bodies are read strictly: a field the function does not take, at the
//! top or inside a nested input, is refused with a 400 that names it, and the function
//! does not run. The same body without it still works.

use crate::helpers::*;
use crate::reset::{begin, choose, register_email, reset_app, solved};
use app::domain::Role;
use serde_json::{json, Value};

/// A call and where in its body a stray field is tried.
struct Case {
    function: &'static str,
    body: Value,
    cookie: Option<String>,
    /// JSON pointers of the objects that get `"extra": true`, one try each.
    strays: &'static [&'static str],
    /// The status of the body as it is.
    ok: u16,
}

/// `body` with `"extra": true` added to the object at `pointer`, and that field's path as
/// the error names it.
fn with_stray(body: &Value, pointer: &str) -> (Value, String) {
    let mut body = body.clone();
    body.pointer_mut(pointer)
        .and_then(Value::as_object_mut)
        .unwrap_or_else(|| panic!("no object at {pointer:?}"))
        .insert("extra".to_owned(), json!(true));
    let path = pointer
        .split('/')
        .filter(|part| !part.is_empty())
        .chain(["extra"])
        .collect::<Vec<_>>()
        .join(".");
    (body, path)
}

async fn check(app: &TestApp, case: Case) {
    let cookie = case.cookie.as_deref();
    for pointer in case.strays {
        let (body, path) = with_stray(&case.body, pointer);
        let reply = app.call(case.function, body, cookie).await;
        assert_eq!(
            reply.status, 400,
            "{} {pointer:?}: {}",
            case.function, reply.text
        );
        assert_eq!(
            reply.body,
            json!({ "BadRequest": format!("unknown field `{path}`") }),
            "{}",
            case.function
        );
    }
    // After the refusals, which changed nothing: the challenge is still unused, the code
    // still has its tries.
    let reply = app.call(case.function, case.body, cookie).await;
    assert_eq!(reply.status, case.ok, "{}: {}", case.function, reply.text);
}

#[tokio::test]
async fn unknown_fields_in_any_server_function_body_are_refused_with_400() {
    let app = reset_app().await;
    app.add_user("root", &[Role::GlobalAdmin]).await;
    let admin = app.session("root").await;
    let rhea = app.add_user("rhea", &[]).await;
    register_email(&app, rhea, "rhea@example.org").await;

    let sign_in = json!({ "username": "rhea", "password": PASSWORD });
    let (challenge, nonce) = solved(&app).await;
    let begin_args =
        json!({ "user": "rhea", "challenge": challenge, "nonce": nonce, "language": "en" });
    let (_, wizard) = begin(&app, "rhea").await;
    let wizard = wizard.expect("a wizard cookie");
    assert_eq!(choose(&app, &wizard, "email").await.status, 200);
    let answer = json!({ "answer": { "code": "00000000", "answers": [] } });
    let editor = app.policy_editor(&admin).await;
    let policies = json!({
        "reset": editor["reset"],
        "registration": editor["registration"],
        "revisions": editor["revisions"],
    });

    let cases = [
        Case {
            function: "sign_in",
            body: sign_in,
            cookie: None,
            strays: &[""],
            ok: 200,
        },
        Case {
            function: "reset_challenge",
            body: json!({}),
            cookie: None,
            strays: &[""],
            ok: 200,
        },
        Case {
            function: "reset_begin",
            body: begin_args,
            cookie: None,
            strays: &[""],
            ok: 200,
        },
        // A wrong code: refused for what it is, not for how it was sent.
        Case {
            function: "reset_verify",
            body: answer,
            cookie: Some(wizard.clone()),
            strays: &["", "/answer"],
            ok: 401,
        },
        // The last step names no user, and takes none: gates unpassed, the wizard says so.
        Case {
            function: "reset_complete",
            body: json!({ "password": "a brand new passphrase 42", "confirmation": "a brand new passphrase 42" }),
            cookie: Some(wizard.clone()),
            strays: &[""],
            ok: 410,
        },
        Case {
            function: "admin_save_reset_policy",
            body: policies,
            cookie: Some(admin.clone()),
            strays: &["", "/reset", "/registration", "/revisions"],
            ok: 200,
        },
        // Optional arguments may still be left out.
        Case {
            function: "list_users",
            body: json!({ "search": "", "page": 0 }),
            cookie: Some(admin),
            strays: &[""],
            ok: 200,
        },
    ];
    for case in cases {
        check(&app, case).await;
    }
}
