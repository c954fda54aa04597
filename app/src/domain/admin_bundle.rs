//! The admin dashboard is built as several wasm bundles, each showing some of the
//! sections, so no admin downloads the whole dashboard to open one page. The rule of which
//! bundle shows an address lives here once: the server serves that bundle's page for it,
//! and each bundle moves in place only between its own addresses (any other is a page load).

use super::roles::AdminSection;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AdminBundle {
    /// What every admin role opens daily: the overview, users, troubleshooting. Also
    /// shows unknown addresses under `/admin` (its "not found").
    Main,
    /// The settings a global admin changes now and then: reset and password policy, groups.
    Policy,
    /// Reading what happened and how messages go out: audit, reports, delivery, outbox.
    Records,
}

impl AdminBundle {
    pub const ALL: [AdminBundle; 3] = [Self::Main, Self::Policy, Self::Records];

    /// Its directory below the built files, which is also its URL prefix (`/admin-app/…`).
    pub fn dir(self) -> &'static str {
        match self {
            Self::Main => "admin-app",
            Self::Policy => "admin-policy",
            Self::Records => "admin-records",
        }
    }

    /// The bundle that shows `path`, or `None` outside the admin area (the users' app
    /// shows those).
    pub fn showing(path: &str) -> Option<Self> {
        is_admin_path(path).then(|| AdminSection::at(path).map_or(Self::Main, AdminSection::bundle))
    }
}

/// Whether one of the admin bundles shows `path` (`AdminBundle::showing` is `Some`); the
/// users' app asks only this, so it carries none of the sections' paths.
pub fn is_admin_path(path: &str) -> bool {
    path == "/admin" || path.starts_with("/admin/")
}

impl AdminSection {
    /// The bundle that shows this section.
    pub fn bundle(self) -> AdminBundle {
        match self {
            Self::Overview | Self::Users | Self::Troubleshoot => AdminBundle::Main,
            Self::ResetPolicy | Self::PasswordPolicy | Self::Groups => AdminBundle::Policy,
            Self::Audit | Self::Reports | Self::Delivery | Self::Outbox => AdminBundle::Records,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_address_goes_to_the_bundle_of_its_section() {
        for section in AdminSection::ALL {
            assert_eq!(AdminBundle::showing(section.path()), Some(section.bundle()));
        }
        let at = AdminBundle::showing;
        assert_eq!(at("/admin/audit/"), Some(AdminBundle::Records));
        assert_eq!(at("/admin/reset-policy"), Some(AdminBundle::Policy));
        assert_eq!(at("/admin/users/ana%20b"), Some(AdminBundle::Main));
        // Unknown admin addresses get the main bundle's "not found".
        assert_eq!(at("/admin/nothing"), Some(AdminBundle::Main));
        assert_eq!(at("/admin/audit/x"), Some(AdminBundle::Main));
        assert_eq!(at("/administrator"), None);
        assert_eq!(at("/account"), None);
        for path in [
            "/admin",
            "/admin/nothing",
            "/administrator",
            "/account",
            "/",
        ] {
            assert_eq!(is_admin_path(path), at(path).is_some());
        }
    }

    #[test]
    fn bundles_have_distinct_directories() {
        let dirs: std::collections::HashSet<_> = AdminBundle::ALL.iter().map(|b| b.dir()).collect();
        assert_eq!(dirs.len(), AdminBundle::ALL.len());
    }
}
