//! What every page shows at its top: its title, or that it is still loading.

use super::text::Tr;
use crate::i18n::{k, Key};
use crate::state::use_i18n;
use leptos::prelude::*;

/// A page heading that takes focus when the page opens, for screen-reader users.
#[component]
pub fn PageTitle(key: Key) -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| {
        let title = format!("{} · sspr", i18n.t(key));
        document().set_title(&title);
    });
    view! { <h1>{move || i18n.t(key)}</h1> }
}

/// Shown while the session is still loading.
#[component]
pub fn Loading() -> impl IntoView {
    view! {
        <p class="loading" role="status" aria-live="polite">
            <span class="spinner" aria-hidden="true"></span>
            <Tr key=k::LOADING/>
        </p>
    }
}
