//! The app's routes and the rules that send a user to the right one.

mod account;
mod admin;
mod change_password;
mod not_found;
mod reset;
mod security_info;
mod sign_in;

use crate::components::{provide_router, use_location, use_navigate, Header, Location, Tr};
use crate::i18n::k;
use crate::state::{I18n, Session};
use admin::Bundle;
use app::bundle::is_reset_path;
use app::domain::path::trim_path;
use app::domain::{is_admin_path, AdminBundle};
use leptos::prelude::*;

const SECURITY_INFO: &str = "/account/security-info";

/// Paths a signed-out visitor may not see.
fn needs_session(path: &str) -> bool {
    path.starts_with("/account") || path.starts_with("/admin")
}

/// The app users meet when they know their password: sign-in and their account. The
/// reset wizard (`ResetApp`) and the dashboard are bundles of their own
/// (`app::bundle`), so each downloads only its own pages.
#[component]
pub fn App() -> impl IntoView {
    let location = start(|path| !is_admin_path(path) && !is_reset_path(path));
    // Rebuilt when the page changes, not for every change of the address.
    let page = Memo::new(move |_| location.with_path(Page::of));
    let content = move || match page.get() {
        Page::SignIn => view! { <sign_in::SignInPage/> }.into_any(),
        Page::Account => view! { <account::AccountPage/> }.into_any(),
        Page::ChangePassword => view! { <change_password::ChangePasswordPage/> }.into_any(),
        Page::SecurityInfo => view! { <security_info::SecurityInfoPage/> }.into_any(),
        Page::NotFound => view! { <not_found::NotFound/> }.into_any(),
    };
    frame(content)
}

/// The reset wizard, built as a bundle of its own (`src/reset_main.rs`) for people locked
/// out, often on a slow phone.
#[component]
pub fn ResetApp() -> impl IntoView {
    start(is_reset_path);
    frame(view! { <reset::ResetPage/> })
}

// The admin dashboard's bundles, one wasm entry point each (`src/admin_*.rs`). Each names
// its own pages only, so the others' code is not linked into it.

/// Overview, users, troubleshooting, and "not found" for unknown admin paths.
pub fn admin_main() -> impl IntoView {
    admin_app::<admin::Main>()
}

/// Reset policy, password policy, groups.
pub fn admin_policy() -> impl IntoView {
    admin_app::<admin::Policy>()
}

/// Audit, reports, delivery, outbox.
pub fn admin_records() -> impl IntoView {
    admin_app::<admin::Records>()
}

/// One admin bundle: its sections' pages, anything else not found (the server sends
/// another bundle's paths to that bundle, and links there load it).
fn admin_app<B: Bundle>() -> impl IntoView {
    let location = start(|path| AdminBundle::showing(path) == Some(B::BUNDLE));
    let route = Memo::new(move |_| {
        location.with_path(|path| {
            admin::AdminRoute::of(trim_path(path))
                .filter(|route| route.section().bundle() == B::BUNDLE)
        })
    });
    let content = move || match route.get() {
        Some(route) => view! { <admin::AdminArea route pages=B::page/> }.into_any(),
        None => view! { <not_found::NotFound/> }.into_any(),
    };
    frame(content)
}

/// What every app sets up first: language, session, and the router for the paths it owns.
fn start(owns: fn(&str) -> bool) -> Location {
    I18n::provide();
    Session::provide();
    provide_router(owns)
}

/// What every page sits in.
fn frame(content: impl IntoView + 'static) -> impl IntoView {
    view! {
        <a class="skip-link" href="#main" on:click=skip_to_main><Tr key=k::SKIP_TO_CONTENT/></a>
        <Header/>
        <Guard/>
        <main id="main" tabindex="-1">{content}</main>
    }
}

/// The app's pages.
#[derive(Clone, Copy, PartialEq)]
enum Page {
    SignIn,
    Account,
    ChangePassword,
    SecurityInfo,
    NotFound,
}

impl Page {
    /// The page at `path`.
    fn of(path: &str) -> Self {
        match trim_path(path) {
            "/" => Page::SignIn,
            "/account" => Page::Account,
            "/account/password" => Page::ChangePassword,
            SECURITY_INFO => Page::SecurityInfo,
            _ => Page::NotFound,
        }
    }
}

/// The router would only scroll to `#main`; keyboard users need focus moved there.
fn skip_to_main(ev: leptos::ev::MouseEvent) {
    use wasm_bindgen::JsCast;
    ev.prevent_default();
    if let Some(main) = document()
        .get_element_by_id("main")
        .and_then(|el| el.dyn_into::<web_sys::HtmlElement>().ok())
    {
        let _ = main.focus();
    }
}

/// Sends signed-out visitors to sign-in, users who must change their password to the
/// change-password page before anything else (the server enforces both as well), and
/// users whom policy asks to register security info to that page until they register or
/// postpone.
#[component]
fn Guard() -> impl IntoView {
    let session = crate::state::use_session();
    let location = use_location();
    let navigate = use_navigate();
    Effect::new(move |_| {
        if !session.loaded.get() {
            return;
        }
        let path = location.path();
        match session.me.get() {
            None if needs_session(&path) => navigate("/"),
            Some(me) if me.must_change_password && path != "/account/password" => {
                navigate("/account/password")
            }
            Some(me)
                if !me.must_change_password
                    && me.registration.must_register_now()
                    && path != SECURITY_INFO =>
            {
                navigate(SECURITY_INFO)
            }
            _ => {}
        }
    });
}

#[cfg(test)]
mod tests {
    use super::{trim_path, Page};

    #[test]
    fn paths_lead_to_their_pages_with_or_without_a_trailing_slash() {
        assert!(Page::of("/") == Page::SignIn);
        assert!(Page::of("/account/security-info") == Page::SecurityInfo);
        // The wizard's and the dashboard's bundles show these; this one never does.
        assert!(Page::of("/reset") == Page::NotFound);
        assert!(Page::of("/admin") == Page::NotFound);
        assert_eq!(trim_path("/admin/outbox/"), "/admin/outbox");
        assert_eq!(trim_path("/"), "/");
        assert!(Page::of("/account//") == Page::NotFound);
        assert!(Page::of("/Account") == Page::NotFound);
        assert!(Page::of("/reset/x") == Page::NotFound);
    }
}
