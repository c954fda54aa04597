//! `/admin/reset-policy`: every setting of the password reset policy.

use crate::i18n::k;
use crate::pages::PageTitle;
use leptos::prelude::*;

#[component]
pub fn ResetPolicyPage() -> impl IntoView {
    view! {
        <section class="card wide">
            <PageTitle key=k::ADMIN_SECTION_RESET_POLICY/>
        </section>
    }
}
