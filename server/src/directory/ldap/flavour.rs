//! The two directory dialects sspr speaks. A flavour presets the attribute names, the
//! filters and the privileged groups; every preset can be overridden in `[directory]`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Flavour {
    /// OpenLDAP (and other RFC directories): passwords through the Password Modify
    /// extended operation, locks through ppolicy's `pwdAccountLockedTime`.
    Openldap,
    /// Active Directory (and Samba AD): passwords through `unicodePwd` over an encrypted
    /// connection, locks through `lockoutTime`.
    ActiveDirectory,
}

/// The attributes sspr reads from a user entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttributeMap {
    pub login: String,
    pub display_name: String,
    pub email: String,
    pub mobile: String,
    /// Survives renames and moves: security info is keyed by it.
    pub stable_id: String,
    pub member_of: String,
}

impl Flavour {
    pub fn attributes(self) -> AttributeMap {
        let (login, stable_id) = match self {
            Flavour::Openldap => ("uid", "entryUUID"),
            Flavour::ActiveDirectory => ("sAMAccountName", "objectGUID"),
        };
        AttributeMap {
            login: login.into(),
            display_name: "displayName".into(),
            email: "mail".into(),
            mobile: "mobile".into(),
            stable_id: stable_id.into(),
            member_of: "memberOf".into(),
        }
    }

    pub fn user_filter(self) -> &'static str {
        match self {
            Flavour::Openldap => "(objectClass=inetOrgPerson)",
            Flavour::ActiveDirectory => "(&(objectCategory=person)(objectClass=user))",
        }
    }

    pub fn group_filter(self) -> &'static str {
        match self {
            Flavour::Openldap => "(|(objectClass=groupOfNames)(objectClass=groupOfUniqueNames))",
            Flavour::ActiveDirectory => "(objectClass=group)",
        }
    }

    /// The directory's own administrators, by group name (the group's `cn`): the stricter
    /// admin reset policy applies to their members.
    pub fn privileged_groups(self) -> &'static [&'static str] {
        match self {
            Flavour::Openldap => &[],
            Flavour::ActiveDirectory => &[
                "Domain Admins",
                "Enterprise Admins",
                "Administrators",
                "Account Operators",
            ],
        }
    }

    /// Whether the directory marks protected accounts with `adminCount=1` (AD's
    /// AdminSDHolder), which sspr then treats as privileged too.
    pub fn marks_protected_accounts(self) -> bool {
        self == Flavour::ActiveDirectory
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openldap_reads_the_rfc_attributes() {
        let map = Flavour::Openldap.attributes();
        assert_eq!(map.login, "uid");
        assert_eq!(map.email, "mail");
        assert_eq!(map.mobile, "mobile");
        assert_eq!(map.stable_id, "entryUUID");
        assert_eq!(map.member_of, "memberOf");
        assert!(Flavour::Openldap.privileged_groups().is_empty());
        assert!(!Flavour::Openldap.marks_protected_accounts());
    }

    #[test]
    fn active_directory_reads_its_own_attributes_and_admin_groups() {
        let map = Flavour::ActiveDirectory.attributes();
        assert_eq!(map.login, "sAMAccountName");
        assert_eq!(map.email, "mail");
        assert_eq!(map.mobile, "mobile");
        assert_eq!(map.stable_id, "objectGUID");
        assert_eq!(map.member_of, "memberOf");
        assert!(Flavour::ActiveDirectory
            .privileged_groups()
            .contains(&"Domain Admins"));
        assert!(Flavour::ActiveDirectory.marks_protected_accounts());
    }

    #[test]
    fn every_preset_filter_parses() {
        for flavour in [Flavour::Openldap, Flavour::ActiveDirectory] {
            assert!(ldap3::parse_filter(flavour.user_filter()).is_ok());
            assert!(ldap3::parse_filter(flavour.group_filter()).is_ok());
        }
    }
}
