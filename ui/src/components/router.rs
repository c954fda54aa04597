//! Client-side navigation between the app's fixed pages.
//!
//! The app has a handful of static paths and no nested or parameterised routes, so it
//! needs no general router: leptos_router's matching and nested-route machinery was a
//! fifth of the wasm bundle, which has a size budget. This keeps the current path in a
//! signal, moves between pages with the History API like leptos_router does (same-origin
//! link clicks and code navigate in place, back and forward show the page they land on)
//! and leaves everything else to the browser.
//!
//! Figure that keeps it (commit 1278b70, not re-measured): dropping leptos_router took
//! about 58 KB gzipped off a 290 KB bundle; the users' bundle is now 222 KB.

use leptos::ev::MouseEvent;
use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

/// The address the app is showing, and which paths this bundle shows: the users' app and
/// each of the admin dashboard's bundles show their own (`AdminBundle::showing`), so moving
/// to another bundle's path is a page load, which the server answers with that bundle. A
/// function, not a value naming the bundle, so each bundle links in only its own rule.
#[derive(Clone, Copy)]
pub struct Location(RwSignal<String>, fn(&str) -> bool);

impl Location {
    /// The current path, e.g. `/account`; reading it tracks changes.
    pub fn path(self) -> String {
        self.0.get()
    }

    /// Reads the current path without cloning it; tracks changes.
    pub fn with_path<T>(self, f: impl FnOnce(&str) -> T) -> T {
        self.0.with(|path| f(path))
    }

    /// Takes the path from the address bar; a change of only the query or fragment does
    /// not count as a change.
    fn update(self) {
        let path = window().location().pathname().unwrap_or_default();
        if self.0.with_untracked(|current| *current != path) {
            self.0.set(path);
        }
    }

    /// Shows `to` (a path with an optional query and fragment) and puts it in the
    /// address bar and the history, then scrolls to the fragment's element, or to the
    /// top when `scroll`.
    fn go(self, to: &str, scroll: bool) {
        let location = window().location();
        let path = to.split(['?', '#']).next().unwrap_or(to);
        if !(self.1)(path) {
            let _ = location.assign(to);
            return;
        }
        let here: String = [location.pathname(), location.search(), location.hash()]
            .into_iter()
            .map(Result::unwrap_or_default)
            .collect();
        if here != to {
            if let Ok(history) = window().history() {
                let _ = history.push_state_with_url(&JsValue::UNDEFINED, "", Some(to));
            }
        }
        self.update();
        scroll_into_place(scroll);
    }
}

/// Starts following the address. The app is never unmounted, so the listeners stay for
/// the life of the page.
pub fn provide_router(owns: fn(&str) -> bool) -> Location {
    let location = Location(RwSignal::new(String::new()), owns);
    location.update();
    provide_context(location);
    let _ = window_event_listener(leptos::ev::click, move |ev| follow_link(location, &ev));
    let _ = window_event_listener(leptos::ev::popstate, move |_| location.update());
    location
}

pub fn use_location() -> Location {
    expect_context()
}

/// Navigation from code (after signing in, say); adds a history entry like a link.
pub fn use_navigate() -> impl Fn(&str) + Clone {
    let location = use_location();
    move |to| location.go(to, true)
}

/// Brings the fragment's element into view, else the top of the page when `scroll`.
fn scroll_into_place(scroll: bool) {
    let hash = window().location().hash().unwrap_or_default();
    if let Some(id) = hash.strip_prefix('#') {
        let id = js_sys::decode_uri(id)
            .ok()
            .and_then(|id| id.as_string())
            .unwrap_or_else(|| id.to_owned());
        if let Some(el) = document().get_element_by_id(&id) {
            el.scroll_into_view();
            return;
        }
    }
    if scroll {
        window().scroll_to_with_x_and_y(0.0, 0.0);
    }
}

/// Follows a plain click on a same-origin link to a page of this app in place. Clicks with a modifier or
/// another button, links with a target, downloads, `rel="external"`, other sites and
/// clicks a handler already took are left to the browser.
fn follow_link(location: Location, ev: &MouseEvent) {
    if ev.default_prevented()
        || ev.button() != 0
        || ev.meta_key()
        || ev.alt_key()
        || ev.ctrl_key()
        || ev.shift_key()
    {
        return;
    }
    let Some(a) = ev
        .target()
        .and_then(|target| target.dyn_into::<web_sys::Element>().ok())
        .and_then(|el| el.closest("a").ok().flatten())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return;
    };
    let external = a
        .get_attribute("rel")
        .is_some_and(|rel| rel.split([' ', '\t']).any(|part| part == "external"));
    if !a.target().is_empty()
        || a.href().is_empty()
        || a.has_attribute("download")
        || external
        || window().location().origin().ok() != Some(a.origin())
        || !(location.1)(&a.pathname())
    {
        return;
    }
    ev.prevent_default();
    let to = a.pathname() + &a.search() + &a.hash();
    let scroll = !a.has_attribute("noscroll") && !a.has_attribute("data-noscroll");
    location.go(&to, scroll);
}

/// Whether a link to `href` leads to the page at `path` or one below it (`/admin` for
/// `/admin/outbox`); `/` only for itself. As leptos_router's `<A>` decides it.
fn is_current(href: &str, path: &str) -> bool {
    path.strip_prefix(href)
        .is_some_and(|rest| rest.is_empty() || href != "/" && rest.starts_with('/'))
}

/// A link that says `aria-current="page"` while its page, or one below it, is shown.
#[component]
pub fn A(href: &'static str, children: Children) -> impl IntoView {
    let location = use_location();
    let current = move || location.with_path(|path| is_current(href, path).then_some("page"));
    view! { <a href=href aria-current=current>{children()}</a> }
}

#[cfg(test)]
mod tests {
    use super::is_current;

    #[test]
    fn a_link_is_current_on_its_page_and_the_pages_below_it() {
        assert!(is_current("/", "/"));
        assert!(!is_current("/", "/account"));
        assert!(is_current("/account", "/account"));
        assert!(is_current("/account", "/account/password"));
        assert!(is_current("/admin", "/admin/"));
        assert!(!is_current("/admin", "/administrator"));
        assert!(!is_current("/admin/outbox", "/admin"));
    }
}
