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
}
