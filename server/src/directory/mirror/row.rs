//! One person as a mirrored row stores them: the canonical name, the groups, the sspr
//! roles their groups grant, and whether the directory counts them among its administrators.

use crate::directory::ldap::people::{LockState, Person};
use crate::directory::settings::LdapSettings;
use app::domain::Role;
use std::collections::HashSet;

/// Why a mirrored account is locked or disabled: the directory says so, or the person is no
/// longer in the configured scope. sspr's own sign-in lock has its own reason.
pub const LOCK_REASON_DIRECTORY: &str = "directory";
pub const LOCK_REASON_ABSENT: &str = "directory_absent";

/// One person as a mirrored row stores them.
#[derive(Debug, Clone)]
pub(super) struct Row<'a> {
    pub person: &'a Person,
    pub canonical: String,
    pub display_name: &'a str,
    pub groups: HashSet<String>,
    pub roles: Vec<Role>,
    pub privileged: bool,
}

impl<'a> Row<'a> {
    pub fn new(person: &'a Person, settings: &LdapSettings) -> Self {
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
    pub fn status(&self) -> Option<&'static str> {
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
