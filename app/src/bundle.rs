//! Which browser bundle shows a path. The server serves that bundle's page for it, and
//! each bundle's router moves in place only between its own paths (any other is a page
//! load), so the rule lives here once and the two sides never disagree.
//!
//! The users' app is two bundles: the reset wizard, which people locked out open on a
//! slow phone, and sign-in with the signed-in account pages. Each carries only its own
//! pages, which keeps both inside the users' budget (measured: one bundle of both came to
//! 228.0 KB gzipped, the wizard alone to 177.6 KB and the rest to 190.7 KB). The admin
//! dashboard is bundles of its own (`AdminBundle`).

use crate::domain::path::trim_path;
use crate::domain::AdminBundle;

/// One of the bundles Trunk builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Bundle {
    /// Sign-in and the signed-in account pages; every path no other bundle shows.
    Account,
    /// The reset wizard, at `/reset`.
    Reset,
    /// One of the admin dashboard's, at `/admin` and below.
    Admin(AdminBundle),
}

impl Bundle {
    /// Every bundle, in the order they are built.
    pub const ALL: [Bundle; 5] = [
        Bundle::Account,
        Bundle::Reset,
        Bundle::Admin(AdminBundle::Main),
        Bundle::Admin(AdminBundle::Policy),
        Bundle::Admin(AdminBundle::Records),
    ];

    /// The bundle that shows `path` (without query or fragment).
    pub fn serving(path: &str) -> Self {
        match AdminBundle::showing(path) {
            Some(admin) => Bundle::Admin(admin),
            None if is_reset_path(path) => Bundle::Reset,
            None => Bundle::Account,
        }
    }

    /// Where its files are, below the server's static directory and in URLs (Trunk's
    /// `--dist` and `--public-url`); the account bundle's are at the top.
    pub fn dir(self) -> &'static str {
        match self {
            Bundle::Account => "",
            Bundle::Reset => "reset-app",
            Bundle::Admin(admin) => admin.dir(),
        }
    }
}

/// Whether the reset wizard's bundle shows `path` (one trailing slash ignored); the
/// bundles ask only this and `is_admin_path`, so none carries the others' rules.
pub fn is_reset_path(path: &str) -> bool {
    trim_path(path) == "/reset"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_path_has_one_bundle() {
        assert_eq!(Bundle::serving("/"), Bundle::Account);
        assert_eq!(Bundle::serving("/account/security-info"), Bundle::Account);
        assert_eq!(Bundle::serving("/reset"), Bundle::Reset);
        assert_eq!(Bundle::serving("/reset/"), Bundle::Reset);
        // Not a page of the wizard: the account bundle shows its "not found".
        assert_eq!(Bundle::serving("/reset/x"), Bundle::Account);
        assert_eq!(Bundle::serving("/resets"), Bundle::Account);
        assert_eq!(
            Bundle::serving("/admin/audit"),
            Bundle::Admin(AdminBundle::Records)
        );
        assert_eq!(Bundle::serving("/admin"), Bundle::Admin(AdminBundle::Main));
        assert_eq!(Bundle::serving("/administrator"), Bundle::Account);
    }

    #[test]
    fn every_bundle_is_listed_once_in_a_directory_of_its_own() {
        let dirs: std::collections::BTreeSet<_> = Bundle::ALL.iter().map(|b| b.dir()).collect();
        assert_eq!(dirs.len(), Bundle::ALL.len());
        for admin in AdminBundle::ALL {
            assert!(Bundle::ALL.contains(&Bundle::Admin(admin)));
        }
    }
}
