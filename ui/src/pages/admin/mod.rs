//! `/admin`: the admin dashboard. The shell checks the caller's roles against the
//! section (the server checks again on every call), shows the sections the caller may
//! open, and renders the one at the address.

mod audit;
mod delivery;
mod directory_panel;
mod groups;
mod labels;
mod outbox;
mod overview;
mod password_policy;
mod plot;
mod policy_page;
mod reports;
mod reset_policy;
mod troubleshoot;
mod user;
mod users;

use crate::components::{Loading, PageTitle, Tr};
use crate::i18n::k;
use crate::state::{use_i18n, use_session};
use app::domain::{AdminBundle, AdminSection};
use labels::section_title;
use leptos::prelude::*;

/// Where in the admin area an address leads.
#[derive(Debug, Clone, PartialEq)]
pub enum AdminRoute {
    Section(AdminSection),
    /// `/admin/users/<username>`, the name still percent-encoded as in the address.
    User(String),
}

impl AdminRoute {
    /// The route for a path below `/admin` (without a trailing slash), if there is one.
    pub fn of(path: &str) -> Option<Self> {
        let section = AdminSection::at(path)?;
        // `at` accepted the name (one segment, not empty) when there is one.
        let name = path
            .strip_prefix("/admin/users/")
            .filter(|name| !name.is_empty());
        Some(match name {
            Some(name) => Self::User(name.into()),
            None => Self::Section(section),
        })
    }

    pub fn section(&self) -> AdminSection {
        match self {
            Self::Section(section) => *section,
            Self::User(_) => AdminSection::Users,
        }
    }
}

/// One bundle's pages: the page for each route of that bundle's sections.
pub type Pages = fn(AdminRoute) -> AnyView;

#[component]
pub fn AdminArea(route: AdminRoute, pages: Pages) -> impl IntoView {
    let session = use_session();
    let section = route.section();
    // Decide only once the session is known, so admins never glimpse "no access".
    move || match (session.loaded.get(), session.me.get()) {
        (false, _) => view! { <Loading/> }.into_any(),
        (true, Some(me)) if section.allows(&me.roles) => {
            let roles = me.roles.clone();
            view! {
                <div class="admin">
                    <AdminNav roles current=section/>
                    <div class="admin-body">{pages(route.clone())}</div>
                </div>
            }
            .into_any()
        }
        (true, _) => view! {
            <section class="card">
                <PageTitle key=k::FORBIDDEN_TITLE/>
                <p><Tr key=k::FORBIDDEN_BODY/></p>
            </section>
        }
        .into_any(),
    }
}

/// One admin bundle (`AdminSection::bundle` says which sections are in it) and its pages.
/// A route of another bundle's section never reaches `page` (`pages::admin_app` shows
/// "not found" for it), hence the empty arms.
pub trait Bundle {
    const BUNDLE: AdminBundle;
    fn page(route: AdminRoute) -> AnyView;
}

pub struct Main;
pub struct Policy;
pub struct Records;

impl Bundle for Main {
    const BUNDLE: AdminBundle = AdminBundle::Main;
    fn page(route: AdminRoute) -> AnyView {
        match route {
            AdminRoute::User(name) => view! { <user::UserPage username=name/> }.into_any(),
            AdminRoute::Section(section) => match section {
                AdminSection::Overview => view! { <overview::OverviewPage/> }.into_any(),
                AdminSection::Users => view! { <users::UsersPage/> }.into_any(),
                AdminSection::Troubleshoot => {
                    view! { <troubleshoot::TroubleshootPage/> }.into_any()
                }
                _ => ().into_any(),
            },
        }
    }
}

impl Bundle for Policy {
    const BUNDLE: AdminBundle = AdminBundle::Policy;
    fn page(route: AdminRoute) -> AnyView {
        match route.section() {
            AdminSection::ResetPolicy => view! { <reset_policy::ResetPolicyPage/> }.into_any(),
            AdminSection::PasswordPolicy => {
                view! { <password_policy::PasswordPolicyPage/> }.into_any()
            }
            AdminSection::Groups => view! { <groups::GroupsPage/> }.into_any(),
            _ => ().into_any(),
        }
    }
}

impl Bundle for Records {
    const BUNDLE: AdminBundle = AdminBundle::Records;
    fn page(route: AdminRoute) -> AnyView {
        match route.section() {
            AdminSection::Audit => view! { <audit::AuditPage/> }.into_any(),
            AdminSection::Reports => view! { <reports::ReportsPage/> }.into_any(),
            AdminSection::Delivery => view! { <delivery::DeliveryPage/> }.into_any(),
            AdminSection::Outbox => view! { <outbox::OutboxPage/> }.into_any(),
            _ => ().into_any(),
        }
    }
}

/// The sections this caller may open; the current one is marked for screen readers. Links
/// to another bundle's sections are plain links the router leaves to the browser.
#[component]
fn AdminNav(roles: Vec<app::domain::Role>, current: AdminSection) -> impl IntoView {
    let i18n = use_i18n();
    let links = AdminSection::ALL
        .into_iter()
        .filter(|section| section.allows(&roles))
        .map(|section| {
            let here = (section == current).then_some("page");
            view! {
                <li><a href=section.path() aria-current=here>{move || i18n.t(section_title(section))}</a></li>
            }
        })
        .collect_view();
    view! {
        <nav class="admin-nav" aria-label=move || i18n.t(k::ADMIN_NAV_LABEL)>
            <ul>{links}</ul>
        </nav>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_path_leads_back_to_its_section() {
        for section in AdminSection::ALL {
            assert_eq!(
                AdminRoute::of(section.path()),
                Some(AdminRoute::Section(section))
            );
        }
        assert_eq!(
            AdminRoute::of("/admin/users/ana%20b"),
            Some(AdminRoute::User("ana%20b".into()))
        );
        assert_eq!(AdminRoute::of("/admin/users/a/b"), None);
        assert_eq!(AdminRoute::of("/admin/nothing"), None);
    }
}
