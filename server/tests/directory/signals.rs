//! What must not tell a real name from an unknown one in `ldap` mode. With
//! `reset.directory_contacts` on, a mirrored account's own mail and mobile are its methods,
//! so decoys copy them: the hint's domain and the method sets real accounts have. A refused
//! sign-in answers no sooner than `sign_in.directory_floor_ms`, whoever it names.

use crate::helpers::{begin, spawn_app_with, TestApp};
use crate::product::ldap_app;
use crate::slapd::Slapd;
use serde_json::Value;
use std::collections::BTreeSet;

/// The methods the first step offers `name`: (kinds in order, hints).
async fn offered(app: &TestApp, name: &str) -> (Vec<String>, Vec<String>) {
    let (reply, _) = begin(app, name).await;
    assert_eq!(reply.status, 200, "{name}: {}", reply.text);
    let methods = reply.body["step"]["Choose"]["methods"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    let field = |m: &Value, key: &str| m[key].as_str().unwrap_or_default().to_owned();
    (
        methods.iter().map(|m| field(m, "kind")).collect(),
        methods.iter().map(|m| field(m, "hint")).collect(),
    )
}

#[tokio::test]
async fn decoys_copy_the_mirrored_accounts_own_mail_and_mobile() {
    let slapd = Slapd::start();
    let app = ldap_app(&slapd).await;
    // No one has registered anything: the directory's mail (and alice's mobile) are all.
    let (alice, alice_hints) = offered(&app, "alice").await;
    assert_eq!(alice, ["email", "phone"], "{alice_hints:?}");
    assert_eq!(alice_hints[0], "a***@example.org");
    // carol is locked in the directory; she may still reset (and so unlock).
    let (carol, _) = offered(&app, "carol").await;
    assert_eq!(carol, ["email"]);
    let real: BTreeSet<Vec<String>> = [alice, carol].into_iter().collect();

    let mut with_phone = 0;
    for i in 0..60 {
        let (kinds, hints) = offered(&app, &format!("nobody{i}")).await;
        assert!(
            real.contains(&kinds),
            "a set no real account has: {kinds:?}"
        );
        assert_eq!(hints[0], "n***@example.org", "the directory's domain");
        if kinds.len() == 2 {
            assert_eq!(hints[1].len(), alice_hints[1].len(), "{hints:?}");
            assert!(hints[1].starts_with("+30"), "{hints:?}");
            with_phone += 1;
        }
    }
    // Of the two plain (not admin) accounts that can reset, alice has a mobile and carol
    // does not: about half the decoys offer a phone.
    assert!(
        (15..=45).contains(&with_phone),
        "{with_phone} of 60 offer a phone"
    );
}

#[tokio::test]
async fn refused_sign_ins_answer_no_sooner_than_the_floor_for_real_and_unknown_names() {
    let slapd = Slapd::start();
    let floor = std::time::Duration::from_millis(300);
    let app = spawn_app_with(|raw| {
        raw.directory = slapd.raw();
        raw.sign_in.directory_floor_ms = 300;
    })
    .await;
    let read = app.state.directory.as_ref().expect("ldap mode");
    read.read_all()
        .await
        .expect("the first read of the directory");
    for name in ["alice", "nobody", "carol"] {
        let started = std::time::Instant::now();
        let reply = app.sign_in(name, "Not-the-password-9x").await;
        // A lower bound the server guarantees, not a speed: the answer waited for the floor.
        assert!(
            started.elapsed() >= floor,
            "{name} answered before the floor"
        );
        assert_eq!(reply.status, 401, "{name}: {}", reply.text);
        assert_eq!(reply.body, serde_json::json!("InvalidCredentials"));
    }
    // The right password is not held back.
    let reply = app.sign_in("alice", "Alice-initial-pass-1").await;
    assert_eq!(reply.status, 200, "{}", reply.text);
}
