//! `/admin/delivery`: SMTP and SMS settings and test messages.

use crate::i18n::k;
use crate::pages::PageTitle;
use leptos::prelude::*;

#[component]
pub fn DeliveryPage() -> impl IntoView {
    view! {
        <section class="card wide">
            <PageTitle key=k::ADMIN_SECTION_DELIVERY/>
        </section>
    }
}
