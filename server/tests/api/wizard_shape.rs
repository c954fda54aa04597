//! The wizard's steps name the gate, never how many there are: an admin needs two gates,
//! everyone else (and every name without an account) one, so a count on the first step
//! would tell admins from users and real names from decoys.

use crate::helpers::*;
use crate::reset::{begin, choose, pass_email_gate, register_authenticator, register_email};
use crate::reset::{reset_app, step_name};
use app::domain::Role;
use serde_json::Value;
use std::collections::BTreeSet;

/// The keys of a JSON object, or a panic naming what it was.
fn keys(value: &Value) -> BTreeSet<String> {
    value
        .as_object()
        .unwrap_or_else(|| panic!("not an object: {value}"))
        .keys()
        .cloned()
        .collect()
}

/// The shape of a gate step: (top-level keys, the step's keys, its gate number).
fn gate_shape(reply: &Reply, step: &str) -> (BTreeSet<String>, BTreeSet<String>, Value) {
    assert_eq!(reply.status, 200, "{}", reply.text);
    assert_eq!(step_name(reply), step, "{}", reply.text);
    let inner = &reply.body["step"][step];
    assert!(inner.get("of").is_none(), "a gate count: {}", reply.text);
    (keys(&reply.body), keys(inner), inner["number"].clone())
}

#[tokio::test]
async fn the_first_step_does_not_tell_admins_from_users_or_decoys() {
    let app = reset_app().await;
    let boss = app.add_user("boss", &[Role::GlobalAdmin]).await;
    register_email(&app, boss, "boss@example.org").await;
    register_authenticator(&app, boss).await;
    let rhea = app.add_user("rhea", &[]).await;
    register_email(&app, rhea, "rhea@example.org").await;

    let mut choose_shapes = Vec::new();
    let mut prove_shapes = Vec::new();
    for name in ["boss", "rhea", "nobody-by-this-name"] {
        let (reply, cookie) = begin(&app, name).await;
        choose_shapes.push(gate_shape(&reply, "Choose"));
        let cookie = cookie.expect("a wizard cookie");
        prove_shapes.push(gate_shape(&choose(&app, &cookie, "email").await, "Prove"));
    }
    for shapes in [choose_shapes, prove_shapes] {
        assert_eq!(shapes[0].2, 1, "the first gate is number 1");
        assert!(
            shapes.iter().all(|shape| shape == &shapes[0]),
            "admin, user and decoy differ: {shapes:?}"
        );
    }
}

#[tokio::test]
async fn after_an_admin_passes_the_first_gate_the_next_says_it_is_gate_2() {
    let app = reset_app().await;
    let boss = app.add_user("boss", &[Role::GlobalAdmin]).await;
    register_email(&app, boss, "boss@example.org").await;
    register_authenticator(&app, boss).await;

    let (_, cookie) = begin(&app, "boss").await;
    let cookie = cookie.expect("a wizard cookie");
    let reply = pass_email_gate(&app, &cookie, "boss@example.org").await;
    let (_, _, number) = gate_shape(&reply, "Choose");
    assert_eq!(number, 2);
    let reply = choose(&app, &cookie, "authenticator").await;
    let (_, _, number) = gate_shape(&reply, "Prove");
    assert_eq!(number, 2);
}
