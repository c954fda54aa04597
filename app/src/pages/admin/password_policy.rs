//! `/admin/password-policy`: lengths, banned words, history and sign-in lockout.

use crate::i18n::k;
use crate::pages::PageTitle;
use leptos::prelude::*;

#[component]
pub fn PasswordPolicyPage() -> impl IntoView {
    view! {
        <section class="card wide">
            <PageTitle key=k::ADMIN_SECTION_PASSWORD_POLICY/>
        </section>
    }
}
