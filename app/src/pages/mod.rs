//! The app's routes and the rules that send a user to the right one.

mod account;
mod admin;
mod change_password;
mod not_found;
mod outbox;
mod reset;
mod security_info;
mod sign_in;

use crate::components::{Header, Tr};
use crate::i18n::k;
use crate::state::{use_i18n, I18n, Session};
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::path;

const SECURITY_INFO: &str = "/account/security-info";

/// Paths a signed-out visitor may not see.
fn needs_session(path: &str) -> bool {
    path.starts_with("/account") || path.starts_with("/admin")
}

#[component]
pub fn App() -> impl IntoView {
    I18n::provide();
    Session::provide();
    view! {
        <Router>
            <a class="skip-link" href="#main" on:click=skip_to_main><Tr key=k::SKIP_TO_CONTENT/></a>
            <Header/>
            <Guard/>
            <main id="main" tabindex="-1">
                <Routes fallback=not_found::NotFound>
                    <Route path=path!("/") view=sign_in::SignInPage/>
                    <Route path=path!("/reset") view=reset::ResetPage/>
                    <Route path=path!("/account") view=account::AccountPage/>
                    <Route path=path!("/account/password") view=change_password::ChangePasswordPage/>
                    <Route path=path!("/account/security-info") view=security_info::SecurityInfoPage/>
                    <Route path=path!("/admin") view=admin::AdminPage/>
                    <Route path=path!("/admin/outbox") view=outbox::OutboxPage/>
                </Routes>
            </main>
        </Router>
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
        let path = location.pathname.get();
        match session.me.get() {
            None if needs_session(&path) => navigate("/", Default::default()),
            Some(me) if me.must_change_password && path != "/account/password" => {
                navigate("/account/password", Default::default())
            }
            Some(me)
                if !me.must_change_password
                    && me.registration.must_register_now()
                    && path != SECURITY_INFO =>
            {
                navigate(SECURITY_INFO, Default::default())
            }
            _ => {}
        }
    });
}

/// A page heading that takes focus when the page opens, for screen-reader users.
#[component]
fn PageTitle(key: crate::i18n::Key) -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| {
        let title = format!("{} · sspr", i18n.t(key));
        document().set_title(&title);
    });
    view! { <h1>{move || i18n.t(key)}</h1> }
}

/// Shown while the session is still loading.
#[component]
fn Loading() -> impl IntoView {
    view! {
        <p class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <Tr key=k::LOADING/>
        </p>
    }
}
