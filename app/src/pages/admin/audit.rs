//! `/admin/audit`: the audit log with filters, export and the integrity check.

use crate::i18n::k;
use crate::pages::PageTitle;
use leptos::prelude::*;

#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <section class="card wide">
            <PageTitle key=k::ADMIN_SECTION_AUDIT/>
        </section>
    }
}
