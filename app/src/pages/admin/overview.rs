//! `/admin`: the overview: SSPR's scope at a glance, counts, and what needs attention.

use crate::i18n::k;
use crate::pages::PageTitle;
use leptos::prelude::*;

#[component]
pub fn OverviewPage() -> impl IntoView {
    view! {
        <section class="card wide">
            <PageTitle key=k::ADMIN_SECTION_OVERVIEW/>
        </section>
    }
}
