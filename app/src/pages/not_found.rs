use super::PageTitle;
use crate::i18n::k;
use crate::state::use_i18n;
use leptos::prelude::*;
use leptos_router::components::A;

/// The page for any path the app does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section class="card">
            <PageTitle key=k::NOT_FOUND_TITLE/>
            <p>{move || i18n.t(k::NOT_FOUND_BODY)}</p>
            <A href="/">{move || i18n.t(k::NOT_FOUND_HOME)}</A>
        </section>
    }
}
