use crate::find;
use crate::slapd::Slapd;
use app::domain::PasswordRefusal;
use server::directory::ldap::password::{self, WriteError};
use server::directory::ldap::people::LockState;
use server::directory::ldap::{check, DirectoryError};

const ALICE: &str = "uid=alice,ou=people,dc=example,dc=org";

#[tokio::test]
async fn check_binds_over_verified_tls_and_counts_people_and_groups() {
    let slapd = Slapd::start();
    let found = check::check(&slapd.connector())
        .await
        .expect("the check passes");
    // Six people, of whom erin is outside the sample's staff-only filter.
    assert_eq!(found.users, 5);
    assert_eq!(found.groups, 3);
}

#[tokio::test]
async fn a_person_is_found_with_the_openldap_attributes() {
    let slapd = Slapd::start();
    let connector = slapd.connector();
    let alice = find(&connector, "alice").await.expect("alice");
    assert_eq!(alice.dn, ALICE);
    assert_eq!(alice.email.as_deref(), Some("alice@example.org"));
    assert_eq!(alice.mobile.as_deref(), Some("+30 690 000 0001"));
    assert_eq!(alice.display_name.as_deref(), Some("Alice Papadopoulou"));
    assert_eq!(alice.stable_id.len(), 36, "entryUUID: {}", alice.stable_id);
    assert!(alice.groups.iter().any(|g| g.starts_with("cn=staff,")));
    assert_eq!(alice.lock, LockState::Open);
    assert_eq!(
        find(&connector, "carol").await.expect("carol").lock,
        LockState::Locked
    );
    assert_eq!(
        find(&connector, "dave").await.expect("dave").lock,
        LockState::Disabled
    );
    assert!(find(&connector, "nobody").await.is_none());
    assert!(
        find(&connector, "erin").await.is_none(),
        "erin is outside the configured group filter"
    );
}

#[tokio::test]
async fn filter_injection_in_a_name_finds_nobody() {
    let slapd = Slapd::start();
    let connector = slapd.connector();
    for name in [
        "*",
        "a*",
        "alice)(uid=*",
        "*)(|(uid=*",
        "alice\0",
        "\\2a",
        "alice)",
    ] {
        assert!(
            find(&connector, name).await.is_none(),
            "{name:?} found someone"
        );
    }
}

#[tokio::test]
async fn a_reset_writes_the_directory_password() {
    let slapd = Slapd::start();
    let connector = slapd.connector();
    let alice = find(&connector, "alice").await.expect("alice");
    crate::reset(&connector, &alice, "Alice-brand-new-77")
        .await
        .expect("reset");
    assert!(slapd.binds(ALICE, "Alice-brand-new-77"));
    assert!(!slapd.binds(ALICE, "Alice-initial-pass-1"));
}

#[tokio::test]
async fn the_directory_policy_refuses_with_a_reason_and_changes_nothing() {
    let slapd = Slapd::start();
    let connector = slapd.connector();
    let alice = find(&connector, "alice").await.expect("alice");
    let short = crate::reset(&connector, &alice, "short").await;
    assert_eq!(short, Err(WriteError::Refused(PasswordRefusal::TooShort)));
    crate::reset(&connector, &alice, "Alice-second-pass-22")
        .await
        .expect("reset");
    let again = crate::reset(&connector, &alice, "Alice-initial-pass-1").await;
    assert_eq!(again, Err(WriteError::Refused(PasswordRefusal::InHistory)));
    assert!(slapd.binds(ALICE, "Alice-second-pass-22"));
}

#[tokio::test]
async fn unlock_clears_the_ppolicy_lock() {
    let slapd = Slapd::start();
    let connector = slapd.connector();
    let carol = find(&connector, "carol").await.expect("carol");
    let dn = carol.dn.clone();
    assert!(!slapd.binds(&dn, "Carol-initial-pass-1"), "locked at first");
    crate::unlock(&connector, &carol).await.expect("unlock");
    assert_eq!(
        find(&connector, "carol").await.expect("carol").lock,
        LockState::Open
    );
    assert!(slapd.binds(&dn, "Carol-initial-pass-1"));
}

#[tokio::test]
async fn a_known_password_is_changed_as_the_user() {
    let slapd = Slapd::start();
    let connector = slapd.connector();
    let bob = find(&connector, "bob").await.expect("bob");
    let wrong = password::change(&connector, &bob, "not-bobs", "Bob-changed-pass-9").await;
    assert_eq!(wrong, Ok(false));
    let changed =
        password::change(&connector, &bob, "Bob-initial-pass-1", "Bob-changed-pass-9").await;
    assert_eq!(changed, Ok(true));
    assert!(slapd.binds(&bob.dn, "Bob-changed-pass-9"));
}

#[tokio::test]
async fn a_stopped_directory_is_unavailable_and_nothing_is_half_done() {
    let slapd = Slapd::start();
    let connector = slapd.connector();
    let alice = find(&connector, "alice").await.expect("alice");
    slapd.stop();
    let result = crate::reset(&connector, &alice, "Alice-brand-new-77").await;
    assert!(
        matches!(
            result,
            Err(WriteError::Directory(DirectoryError::Unreachable(_)))
        ),
        "{result:?}"
    );
}
