//! `/admin/groups`: groups and their members.

use crate::i18n::k;
use crate::pages::PageTitle;
use leptos::prelude::*;

#[component]
pub fn GroupsPage() -> impl IntoView {
    view! {
        <section class="card wide">
            <PageTitle key=k::ADMIN_SECTION_GROUPS/>
        </section>
    }
}
