//! The header on every page: product name, navigation, language, the signed-in user.

use super::router::{use_navigate, A};
use super::text::Tr;
use crate::client::call;
use crate::i18n::{k, Locale};
use crate::state::{use_i18n, use_session};
use app::api::SignOut;
use leptos::prelude::*;

#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let signing_out = RwSignal::new(false);
    let on_sign_out = move |_| {
        let navigate = navigate.clone();
        signing_out.set(true);
        leptos::task::spawn_local(async move {
            // Even if the server call fails the user expects to be signed out here.
            let _ = call(SignOut {}).await;
            session.me.set(None);
            signing_out.set(false);
            navigate("/");
        });
    };
    let on_language = move |ev| {
        let tag = event_target_value(&ev);
        if let Some(locale) = Locale::from_tag(&tag) {
            i18n.set(locale);
        }
    };
    view! {
        <header class="site-header">
            <A href="/" attr:class="brand">"sspr"</A>
            <nav aria-label=move || i18n.t(k::NAV_LABEL)>
                <Show when=move || session.me.get().is_some()>
                    <A href="/account"><Tr key=k::NAV_ACCOUNT/></A>
                </Show>
                <Show when=move || session.me.get().is_some_and(|me| me.is_admin())>
                    <A href="/admin"><Tr key=k::NAV_ADMIN/></A>
                </Show>
            </nav>
            <div class="header-tools">
                <label for="language" class="visually-hidden"><Tr key=k::LANGUAGE_LABEL/></label>
                <select id="language" on:change=on_language>
                    {Locale::ALL
                        .into_iter()
                        .map(|locale| view! {
                            <option value=locale.tag() selected=move || i18n.locale() == locale>
                                {locale.native_name()}
                            </option>
                        })
                        .collect_view()}
                </select>
                <Show when=move || session.me.get().is_some()>
                    <span class="signed-in-as">
                        {move || session.me.get().map(|me| me.display_name).unwrap_or_default()}
                    </span>
                    <button type="button" class="link" on:click=on_sign_out.clone() disabled=move || signing_out.get()>
                        {move || i18n.t(if signing_out.get() { k::SIGN_OUT_BUSY } else { k::SIGN_OUT })}
                    </button>
                </Show>
            </div>
        </header>
    }
}
