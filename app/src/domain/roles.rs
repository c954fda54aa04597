//! Administrative roles. A user without any is an ordinary user.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Everything.
    GlobalAdmin,
    /// Resets, unlocks and session revocation for non-admin users.
    HelpdeskAdmin,
    /// Read-only reports and audit.
    ReportsReader,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::GlobalAdmin, Role::HelpdeskAdmin, Role::ReportsReader];

    /// The name stored in the database and used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::GlobalAdmin => "global_admin",
            Role::HelpdeskAdmin => "helpdesk_admin",
            Role::ReportsReader => "reports_reader",
        }
    }

    pub fn parse(name: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|role| role.as_str() == name)
    }
}

/// True when any of the roles opens the admin area.
pub fn is_admin(roles: &[Role]) -> bool {
    !roles.is_empty()
}

/// The admin dashboard's sections. Which roles may open each is decided here once: the
/// client shows only the links a caller may follow, and the server refuses every other
/// caller, whatever the client showed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AdminSection {
    Overview,
    ResetPolicy,
    PasswordPolicy,
    Users,
    Groups,
    Audit,
    Reports,
    Troubleshoot,
    Delivery,
    Outbox,
}

impl AdminSection {
    pub const ALL: [AdminSection; 10] = [
        Self::Overview,
        Self::ResetPolicy,
        Self::PasswordPolicy,
        Self::Users,
        Self::Groups,
        Self::Audit,
        Self::Reports,
        Self::Troubleshoot,
        Self::Delivery,
        Self::Outbox,
    ];

    /// The roles that may read this section. Actions may narrow it further (a helpdesk
    /// admin reads users but acts on non-admin users only; a reports reader only reads).
    pub fn roles(self) -> &'static [Role] {
        use Role::*;
        match self {
            Self::Overview => &[GlobalAdmin, HelpdeskAdmin, ReportsReader],
            Self::ResetPolicy | Self::PasswordPolicy | Self::Groups => &[GlobalAdmin],
            Self::Delivery | Self::Outbox => &[GlobalAdmin],
            Self::Users | Self::Troubleshoot => &[GlobalAdmin, HelpdeskAdmin],
            Self::Audit | Self::Reports => &[GlobalAdmin, ReportsReader],
        }
    }

    pub fn allows(self, roles: &[Role]) -> bool {
        roles.iter().any(|role| self.roles().contains(role))
    }

    /// The section's path under `/admin`.
    pub fn path(self) -> &'static str {
        match self {
            Self::Overview => "/admin",
            Self::ResetPolicy => "/admin/reset-policy",
            Self::PasswordPolicy => "/admin/password-policy",
            Self::Users => "/admin/users",
            Self::Groups => "/admin/groups",
            Self::Audit => "/admin/audit",
            Self::Reports => "/admin/reports",
            Self::Troubleshoot => "/admin/troubleshoot",
            Self::Delivery => "/admin/delivery",
            Self::Outbox => "/admin/outbox",
        }
    }

    /// The section an address shows, one trailing slash ignored: a section's own path, or
    /// `/admin/users/<name>` (one user, part of Users).
    pub fn at(path: &str) -> Option<Self> {
        let path = super::path::trim_path(path);
        if let Some(name) = path.strip_prefix("/admin/users/") {
            return (!name.is_empty() && !name.contains('/')).then_some(Self::Users);
        }
        Self::ALL.into_iter().find(|section| section.path() == path)
    }
}

/// Roles that may act on users (reset, unlock, revoke): global admins on anyone, helpdesk
/// admins on users who hold no admin role.
pub fn may_act_on(actor: &[Role], target: &[Role]) -> bool {
    actor.contains(&Role::GlobalAdmin)
        || (actor.contains(&Role::HelpdeskAdmin) && target.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_round_trips_through_its_stored_name() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(role));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn helpdesk_acts_on_plain_users_only() {
        let helpdesk = [Role::HelpdeskAdmin];
        assert!(may_act_on(&helpdesk, &[]));
        assert!(!may_act_on(&helpdesk, &[Role::ReportsReader]));
        assert!(may_act_on(&[Role::GlobalAdmin], &[Role::GlobalAdmin]));
        assert!(!may_act_on(&[Role::ReportsReader], &[]));
    }

    #[test]
    fn addresses_lead_to_their_sections() {
        for section in AdminSection::ALL {
            assert_eq!(AdminSection::at(section.path()), Some(section));
        }
        assert_eq!(
            AdminSection::at("/admin/outbox/"),
            Some(AdminSection::Outbox)
        );
        assert_eq!(
            AdminSection::at("/admin/users/ana%20b"),
            Some(AdminSection::Users)
        );
        assert_eq!(AdminSection::at("/admin/users/a/b"), None);
        assert_eq!(AdminSection::at("/admin/nothing"), None);
        assert_eq!(AdminSection::at("/admin//"), None);
    }

    #[test]
    fn reports_readers_read_reports_and_audit_only() {
        let reader = [Role::ReportsReader];
        let open: Vec<_> = AdminSection::ALL
            .into_iter()
            .filter(|s| s.allows(&reader))
            .collect();
        assert_eq!(
            open,
            [
                AdminSection::Overview,
                AdminSection::Audit,
                AdminSection::Reports
            ]
        );
        assert!(AdminSection::ALL
            .iter()
            .all(|s| s.allows(&[Role::GlobalAdmin])));
    }
}
