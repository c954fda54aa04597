//! The LDAP account source against a real, throwaway OpenLDAP (slapd with ppolicy), started
//! per test by `directories/openldap/start` on free loopback ports. Where slapd cannot start,
//! these tests fail and say why. The Active Directory flavour runs against a real Samba AD DC.

#[allow(dead_code)]
#[path = "../api/helpers.rs"]
mod helpers;
mod openldap;
mod product;
mod samba;
mod signals;
mod slapd;

use server::directory::ldap::password::{self, WriteError};
use server::directory::ldap::people::{self, Person};
use server::directory::ldap::Connector;

/// The person with this login, found with the service account.
pub async fn find(connector: &Connector, login: &str) -> Option<Person> {
    let mut ldap = connector.service().await.expect("service bind");
    people::find(connector, &mut ldap, login)
        .await
        .expect("search")
}

/// Resets `person`'s password over a new service connection.
pub async fn reset(connector: &Connector, person: &Person, new: &str) -> Result<(), WriteError> {
    let mut ldap = connector.service().await?;
    password::reset(connector, &mut ldap, person, new).await
}

/// Clears `person`'s lock over a new service connection.
pub async fn unlock(connector: &Connector, person: &Person) -> Result<(), WriteError> {
    let mut ldap = connector.service().await?;
    password::unlock(connector, &mut ldap, person).await
}

/// Runs `directories/<which>/start` with `args` and returns the `KEY=value` lines it printed;
/// a directory that cannot start fails the test with the script's own words.
pub fn start_directory(
    which: &str,
    args: &[&std::ffi::OsStr],
) -> std::collections::HashMap<String, String> {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../directories")
        .join(which)
        .join("start");
    let output = std::process::Command::new(&script)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("running {}: {e}", script.display()));
    assert!(
        output.status.success(),
        "the test directory ({which}) did not start: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| line.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}
