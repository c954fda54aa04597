//! `/account`: the signed-in user's profile.

use crate::components::{Loading, PageTitle, Tr, A};
use crate::i18n::{k, Key};
use crate::state::{use_i18n, use_session};
use leptos::prelude::*;

#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    view! {
        <section class="card">
            <PageTitle key=k::ACCOUNT_TITLE/>
            {move || match session.me.get() {
                None => view! { <Loading/> }.into_any(),
                Some(me) => {
                    let not_set = i18n.t(k::ACCOUNT_NOT_SET).to_owned();
                    view! {
                        <dl class="profile">
                            <Row label=k::ACCOUNT_DISPLAY_NAME value=me.display_name/>
                            <Row label=k::FIELD_USERNAME value=me.username/>
                            <Row label=k::ACCOUNT_EMAIL value=me.email.unwrap_or_else(|| not_set.clone())/>
                            <Row label=k::ACCOUNT_PHONE value=me.phone.unwrap_or(not_set)/>
                        </dl>
                        <A href="/account/password" attr:class="button"><Tr key=k::ACCOUNT_CHANGE_PASSWORD/></A>
                        " "
                        <A href="/account/security-info" attr:class="button"><Tr key=k::ACCOUNT_SECURITY_INFO/></A>
                    }
                    .into_any()
                }
            }}
        </section>
    }
}

#[component]
fn Row(label: Key, value: String) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="profile-row">
            <dt>{move || i18n.t(label)}</dt>
            <dd>{value}</dd>
        </div>
    }
}
