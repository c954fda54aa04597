//! The Active Directory flavour against a real Samba AD domain controller, one per test run
//! (its LDAP ports are fixed), shared by these tests and stopped when the run ends.

use crate::find;
use app::domain::PasswordRefusal;
use server::directory::ldap::password::{self, WriteError};
use server::directory::ldap::people::LockState;
use server::directory::ldap::{check, Connector};
use server::directory::{DirectoryConfig, RawDirectory};
use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::{Arc, OnceLock};

struct Samba {
    env: HashMap<String, String>,
}

fn samba() -> &'static Samba {
    static SAMBA: OnceLock<Samba> = OnceLock::new();
    SAMBA.get_or_init(|| {
        let dir =
            Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("samba-{}", std::process::id()));
        let owner = std::process::id().to_string();
        let env = crate::start_directory("samba", &[dir.as_os_str(), owner.as_ref()]);
        Samba { env }
    })
}

impl Samba {
    fn connector(&self) -> Connector {
        match self.raw().check().expect("the sample is valid") {
            DirectoryConfig::Ldap(settings) => {
                Connector::new(Arc::new(*settings)).expect("connector")
            }
            DirectoryConfig::Local => panic!("the sample names kind = \"ldap\""),
        }
    }

    /// The `[directory]` section the sample gives, pointed at this domain controller.
    fn raw(&self) -> RawDirectory {
        let sample = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("../config-examples/active-directory.toml"),
        )
        .expect("config-examples/active-directory.toml");
        let sample = sample
            .replace("ldaps://dc1.corp.example.org", &self.env["AD_URL"])
            .replace("/etc/sspr/ad-ca.pem", &self.env["AD_CA_FILE"])
            .replace(
                "CN=svc-sspr,OU=Service Accounts,DC=corp,DC=example,DC=org",
                "svc-sspr@sspr.test",
            )
            .replace("change-me-service-password", "Service-pass-123!")
            .replace(
                "OU=People,DC=corp,DC=example,DC=org",
                "CN=Users,DC=sspr,DC=test",
            )
            .replace(
                "OU=Groups,DC=corp,DC=example,DC=org",
                "CN=Users,DC=sspr,DC=test",
            )
            .replace("CN=SSPR Users,", "CN=staff,");
        use figment::providers::Format;
        figment::Figment::from(figment::providers::Toml::string(&sample))
            .extract_inner::<RawDirectory>("directory")
            .expect("the sample parses")
    }

    /// Whether `user` (a UPN) binds with `password`.
    fn binds(&self, user: &str, password: &str) -> bool {
        Command::new("ldapsearch")
            .env("LDAPTLS_CACERT", &self.env["AD_CA_FILE"])
            .args([
                "-x",
                "-H",
                &self.env["AD_URL"],
                "-D",
                user,
                "-w",
                password,
                "-s",
                "base",
                "-b",
                "",
            ])
            .output()
            .expect("ldapsearch")
            .status
            .success()
    }
}

#[tokio::test]
async fn check_and_find_with_the_active_directory_attributes() {
    let samba = samba();
    let connector = samba.connector();
    let found = check::check(&connector).await.expect("the check passes");
    assert_eq!(found.users, 5, "alice, bob, carol, dave and erin are staff");
    let alice = find(&connector, "alice").await.expect("alice");
    assert_eq!(alice.email.as_deref(), Some("alice@sspr.test"));
    assert_eq!(
        alice.stable_id.len(),
        36,
        "objectGUID as a GUID: {}",
        alice.stable_id
    );
    assert!(alice.groups.iter().any(|g| g.starts_with("CN=staff,")));
    assert_eq!(alice.lock, LockState::Open);
    assert_eq!(
        find(&connector, "dave").await.expect("dave").lock,
        LockState::Disabled
    );
    assert!(
        find(&connector, "svc-sspr").await.is_none(),
        "not staff: out of scope"
    );
    assert!(find(&connector, "*").await.is_none());
    assert!(find(&connector, "alice)(sAMAccountName=*").await.is_none());
}

#[tokio::test]
async fn a_reset_writes_unicode_pwd_and_the_domain_refuses_weak_passwords() {
    let samba = samba();
    let connector = samba.connector();
    let alice = find(&connector, "alice").await.expect("alice");
    let weak = crate::reset(&connector, &alice, "aaaaaaaaaaaa").await;
    assert_eq!(weak, Err(WriteError::Refused(PasswordRefusal::Complexity)));
    let short = crate::reset(&connector, &alice, "Ab1!").await;
    assert_eq!(short, Err(WriteError::Refused(PasswordRefusal::TooShort)));
    assert!(
        samba.binds("alice@sspr.test", "Alice-initial-pass-1!"),
        "nothing changed"
    );
    crate::reset(&connector, &alice, "Alice-brand-new-77!")
        .await
        .expect("reset");
    assert!(samba.binds("alice@sspr.test", "Alice-brand-new-77!"));
    assert!(!samba.binds("alice@sspr.test", "Alice-initial-pass-1!"));
}

#[tokio::test]
async fn a_known_password_change_checks_the_old_one_and_the_history() {
    let samba = samba();
    let connector = samba.connector();
    let bob = find(&connector, "bob").await.expect("bob");
    let changed = password::change(
        &connector,
        &bob,
        "Bob-initial-pass-1!",
        "Bob-changed-pass-9!",
    )
    .await;
    assert_eq!(changed, Ok(true));
    assert!(samba.binds("bob@sspr.test", "Bob-changed-pass-9!"));
    let back = password::change(
        &connector,
        &bob,
        "Bob-changed-pass-9!",
        "Bob-initial-pass-1!",
    )
    .await;
    assert_eq!(back, Err(WriteError::Refused(PasswordRefusal::InHistory)));
}

#[tokio::test]
async fn unlock_clears_lockout_time() {
    let samba = samba();
    let connector = samba.connector();
    for _ in 0..6 {
        assert!(!samba.binds("carol@sspr.test", "not-carols-password"));
    }
    assert_eq!(
        find(&connector, "carol").await.expect("carol").lock,
        LockState::Locked
    );
    assert!(
        !samba.binds("carol@sspr.test", "Carol-initial-pass-1!"),
        "locked out"
    );
    let carol = find(&connector, "carol").await.expect("carol");
    crate::unlock(&connector, &carol).await.expect("unlock");
    assert_eq!(
        find(&connector, "carol").await.expect("carol").lock,
        LockState::Open
    );
    assert!(samba.binds("carol@sspr.test", "Carol-initial-pass-1!"));
}

#[tokio::test]
async fn a_wizard_reset_writes_active_directory_and_its_complexity_is_enforced() {
    let samba = samba();
    let directory = samba.raw();
    let app = crate::product::app_for(directory).await;
    let new = "Copper-kettle-meadow-17";
    let cookie = crate::product::proven(&app, "erin", "erin@sspr.test").await;
    // Long enough for sspr, one kind of character only for the domain's complexity rule.
    let simple = crate::product::complete(&app, &cookie, "copperkettlemeadow").await;
    assert_eq!(simple.status, 422, "{}", simple.text);
    assert_eq!(
        simple.body["Invalid"]["problem"],
        serde_json::json!({ "DirectoryRefused": "complexity" }),
        "{}",
        simple.text
    );
    assert!(
        samba.binds("erin@sspr.test", "Erin-initial-pass-1!"),
        "unchanged"
    );
    // The wizard is still on the new-password step.
    let done = crate::product::complete(&app, &cookie, new).await;
    assert_eq!(done.status, 200, "{}", done.text);
    assert!(samba.binds("erin@sspr.test", new), "the new password binds");
    assert!(!samba.binds("erin@sspr.test", "Erin-initial-pass-1!"));
    let signed_in = app.sign_in("erin", new).await;
    assert_eq!(signed_in.status, 200, "{}", signed_in.text);
}
