//! `/admin/users/<username>`: one user, and the actions on them.

use crate::i18n::k;
use crate::pages::PageTitle;
use leptos::prelude::*;

#[component]
pub fn UserPage(username: String) -> impl IntoView {
    let _ = username;
    view! {
        <section class="card wide">
            <PageTitle key=k::ADMIN_SECTION_USERS/>
        </section>
    }
}
