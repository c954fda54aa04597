//! The directory's people and groups, copied into SQLite. The wizard, the troubleshooter and
//! the dashboard then read the copy exactly as they read local accounts: a lookup costs the
//! same for known and unknown names and never waits on the directory. Rows are keyed by the
//! directory's stable id, so a renamed person keeps the security info they registered.

mod store;

use super::ldap::listing::Group;
use super::ldap::people::{LockState, Person};
use super::settings::LdapSettings;
use app::domain::Role;
use sqlx::SqliteConnection;
use std::collections::HashSet;

pub use store::{last_read, LastRead};

/// Why a mirrored account is locked or disabled: the directory says so, or the person is no
/// longer in the configured scope. sspr's own sign-in lock has its own reason.
pub const LOCK_REASON_DIRECTORY: &str = "directory";
pub const LOCK_REASON_ABSENT: &str = "directory_absent";

/// One person as a mirrored row stores them.
#[derive(Debug, Clone)]
struct Row<'a> {
    person: &'a Person,
    canonical: String,
    display_name: &'a str,
    groups: HashSet<String>,
    roles: Vec<Role>,
    privileged: bool,
}

impl<'a> Row<'a> {
    fn new(person: &'a Person, settings: &LdapSettings) -> Self {
        let groups: HashSet<String> = person.groups.iter().map(|dn| dn.to_lowercase()).collect();
        let roles = role_groups(settings)
            .into_iter()
            .filter(|(_, dn)| groups.contains(dn))
            .map(|(role, _)| role)
            .collect();
        let privileged = (person.protected && settings.flavour.marks_protected_accounts())
            || groups.iter().any(|dn| {
                let name = first_rdn_value(dn);
                settings
                    .privileged_groups
                    .iter()
                    .any(|p| p.eq_ignore_ascii_case(name))
            });
        Self {
            person,
            canonical: crate::accounts::canonical::canonical_text(&person.login),
            display_name: person.display_name.as_deref().unwrap_or(&person.login),
            groups,
            roles,
            privileged,
        }
    }

    /// The status column the directory's lock state maps to (`None`: the lock is not the
    /// directory's, so the row keeps its own, such as sspr's sign-in lock).
    fn status(&self) -> Option<&'static str> {
        match self.person.lock {
            LockState::Disabled => Some("disabled"),
            LockState::Locked => Some("locked"),
            LockState::Open => None,
        }
    }
}

/// The sspr roles and the (lower-cased) DN of the group that grants each.
fn role_groups(settings: &LdapSettings) -> Vec<(Role, String)> {
    [
        (Role::GlobalAdmin, &settings.roles.global_admin),
        (Role::HelpdeskAdmin, &settings.roles.helpdesk),
        (Role::ReportsReader, &settings.roles.reports_reader),
    ]
    .into_iter()
    .filter(|(_, dn)| !dn.trim().is_empty())
    .map(|(role, dn)| (role, dn.trim().to_lowercase()))
    .collect()
}

/// `Domain Admins` from `cn=Domain Admins,cn=Users,dc=…`: privileged groups are named by
/// their `cn`.
fn first_rdn_value(dn: &str) -> &str {
    let rdn = dn.split(',').next().unwrap_or(dn);
    rdn.split_once('=').map_or(rdn, |(_, value)| value.trim())
}

/// What a whole read changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Applied {
    pub users: usize,
    pub groups: usize,
    /// Mirrored people the directory no longer lists in scope, now disabled here.
    pub absent: usize,
}

/// Replaces the mirror with a whole read of the directory, in the caller's transaction.
pub async fn apply(
    conn: &mut SqliteConnection,
    people: &[Person],
    groups: &[Group],
    settings: &LdapSettings,
    now: i64,
) -> Result<Applied, sqlx::Error> {
    let kept = store::replace_groups(conn, groups, now).await?;
    let mut seen = HashSet::new();
    for person in people {
        let row = Row::new(person, settings);
        store::upsert(conn, &row, now).await?;
        seen.insert(person.stable_id.as_str());
    }
    let absent = store::retire_absent(conn, &seen, now).await?;
    store::note_read(conn, people.len(), kept, now).await?;
    Ok(Applied {
        users: people.len(),
        groups: kept,
        absent,
    })
}

/// Brings one person's row up to date (at sign-in, before a write), returning its id.
pub async fn refresh(
    conn: &mut SqliteConnection,
    person: &Person,
    settings: &LdapSettings,
    now: i64,
) -> Result<i64, sqlx::Error> {
    store::upsert(conn, &Row::new(person, settings), now).await
}

/// The DN and stable id a mirrored account was read with, if it came from the directory.
pub async fn entry_of(
    pool: &sqlx::SqlitePool,
    user_id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    store::entry_of(pool, user_id).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_privileged_group_is_named_by_its_first_rdn() {
        assert_eq!(
            first_rdn_value("cn=domain admins,cn=users,dc=sspr,dc=test"),
            "domain admins"
        );
        assert_eq!(first_rdn_value("nothing"), "nothing");
    }
}
