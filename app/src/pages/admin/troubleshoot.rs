//! `/admin/troubleshoot`: why a user can or cannot reset right now, and the fix.

use crate::i18n::k;
use crate::pages::PageTitle;
use leptos::prelude::*;

#[component]
pub fn TroubleshootPage() -> impl IntoView {
    view! {
        <section class="card wide">
            <PageTitle key=k::ADMIN_SECTION_TROUBLESHOOT/>
        </section>
    }
}
