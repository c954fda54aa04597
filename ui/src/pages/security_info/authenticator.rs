//! Authenticator app (TOTP): scan a QR code or type the secret, then type a current code.

use super::panel::{Page, Remove, Status};
use crate::client::call;
use crate::components::{form_action, ErrorAlert, SubmitButton, TextField, Tr};
use crate::i18n::k;
use crate::state::use_i18n;
use app::api::{AuthenticatorSetup, ConfirmAuthenticator, StartAuthenticator};
use app::domain::MethodKind;
use leptos::prelude::*;

#[component]
pub fn Authenticator() -> impl IntoView {
    let page = Page::use_page();
    let i18n = use_i18n();
    let setup = RwSignal::new(None::<AuthenticatorSetup>);
    let code = RwSignal::new(String::new());
    let (start, start_error) = form_action(|(): ()| call(StartAuthenticator {}));
    let (confirm, confirm_error) = form_action(|code| call(ConfirmAuthenticator { code }));
    start.on_result(move |result| {
        page.watch(result);
        if let Ok(started) = result {
            let started = started.clone();
            setup.set(Some(started));
        }
    });
    confirm.on_result(move |result| {
        page.watch(result);
        if let Ok(info) = result {
            let info = info.clone();
            page.update(info, k::METHOD_SAVED);
            setup.set(None);
            code.set(String::new());
        }
    });
    let add_label = move || {
        let registered = page
            .method(MethodKind::Authenticator)
            .is_some_and(|m| m.registered);
        i18n.t(if registered {
            k::METHOD_CHANGE
        } else {
            k::METHOD_ADD
        })
    };
    view! {
        <section class="method" aria-labelledby="authenticator-title">
            <h2 id="authenticator-title"><Tr key=k::METHOD_AUTHENTICATOR/></h2>
            <Status kind=MethodKind::Authenticator/>
            <ErrorAlert message=start_error/>
            <Show when=move || setup.get().is_none()>
                <button type="button" id="authenticator-add" disabled=move || start.pending().get()
                    on:click=move |_| { start.dispatch(()); }>{add_label}</button>
            </Show>
            <Remove kind=MethodKind::Authenticator/>
            {move || setup.get().map(|s| view! {
                <form class="panel" novalidate on:submit=move |ev| {
                    ev.prevent_default();
                    confirm.dispatch(code.get_untracked());
                }>
                    <p><Tr key=k::AUTHENTICATOR_SCAN/></p>
                    // The SVG is made on the server from the otpauth URI; it holds no script. The
                    // container names it in the user's language (the SVG's own label is English).
                    <div class="qr" role="img" aria-label=move || i18n.t(k::AUTHENTICATOR_QR) inner_html=s.qr_svg></div>
                    <p><Tr key=k::AUTHENTICATOR_SECRET/></p>
                    <p><code id="authenticator-secret">{s.secret}</code></p>
                    <ErrorAlert message=confirm_error/>
                    <TextField id="authenticator-code" label=k::FIELD_AUTHENTICATOR_CODE value=code
                        autocomplete="one-time-code" required=true/>
                    <SubmitButton label=k::CODE_CONFIRM busy_label=k::CODE_CONFIRMING busy=confirm.pending()/>
                    <button type="button" on:click=move |_| setup.set(None)><Tr key=k::CANCEL/></button>
                </form>
            })}
        </section>
    }
}
