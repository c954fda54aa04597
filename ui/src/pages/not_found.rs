use crate::components::{PageTitle, Tr, A};
use crate::i18n::k;
use leptos::prelude::*;

/// The page for any path the app does not know.
#[component]
pub fn NotFound() -> impl IntoView {
    view! {
        <section class="card">
            <PageTitle key=k::NOT_FOUND_TITLE/>
            <p><Tr key=k::NOT_FOUND_BODY/></p>
            <A href="/"><Tr key=k::NOT_FOUND_HOME/></A>
        </section>
    }
}
