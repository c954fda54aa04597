//! Email and mobile phone: type the address or number, receive a code, type it back.

use super::panel::{Page, Remove, Status};
use crate::client::call;
use crate::components::{form_action, local_time, ErrorAlert, SubmitButton, TextField, Tr};
use crate::i18n::{fill, k};
use crate::state::use_i18n;
use app::api::{CodeSent, ConfirmCode, SendEmailCode, SendPhoneCode};
use app::domain::{AppError, MethodKind};
use leptos::prelude::*;

#[component]
pub fn ContactMethod(kind: MethodKind) -> impl IntoView {
    let page = Page::use_page();
    let i18n = use_i18n();
    let editing = RwSignal::new(false);
    let sent = RwSignal::new(None::<CodeSent>);
    let destination = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let is_email = kind == MethodKind::Email;

    let (send, send_error) = form_action(move |(to, language): (String, String)| async move {
        if is_email {
            call(SendEmailCode {
                address: to,
                language,
            })
            .await
        } else {
            call(SendPhoneCode {
                number: to,
                language,
            })
            .await
        }
    });
    let (confirm, confirm_error) =
        form_action(move |code: String| call(ConfirmCode { kind, code }));
    send.on_result(move |result| {
        page.watch(result);
        if let Ok(done) = result {
            let done = done.clone();
            sent.set(Some(done));
        }
    });
    confirm.on_result(move |result| {
        page.watch(result);
        match result {
            Ok(info) => {
                page.update(info.clone(), k::METHOD_SAVED);
                editing.set(false);
                sent.set(None);
                code.set(String::new());
                destination.set(String::new());
            }
            // The code is dead; the user must ask for a new one.
            Err(AppError::CodeExpired | AppError::CodeAttemptsExceeded) => code.set(String::new()),
            _ => {}
        }
    });

    let prefix = kind.as_str();
    let (title, field_label, input_kind, autocomplete) = if is_email {
        (k::METHOD_EMAIL, k::FIELD_EMAIL, "email", "email")
    } else {
        (k::METHOD_PHONE, k::FIELD_PHONE, "tel", "tel")
    };
    let unavailable = move || !is_email && page.info.get().is_some_and(|i| !i.sms_available);
    let add_label = move || {
        let registered = page.method(kind).is_some_and(|m| m.registered);
        i18n.t(if registered {
            k::METHOD_CHANGE
        } else {
            k::METHOD_ADD
        })
    };
    let sent_text = move || {
        sent.get().map(|s| {
            fill(
                i18n.t(k::CODE_SENT),
                &[("to", &s.masked), ("time", &local_time(i18n, s.expires_at))],
            )
        })
    };

    view! {
        <section class="method" aria-labelledby=format!("{prefix}-title")>
            <h2 id=format!("{prefix}-title")>{move || i18n.t(title)}</h2>
            <Status kind=kind/>
            <Show when=unavailable>
                <p class="muted"><Tr key=k::METHOD_UNAVAILABLE/></p>
            </Show>
            <Show when=move || !editing.get() && !unavailable()>
                <button type="button" id=format!("{prefix}-add") on:click=move |_| editing.set(true)>{add_label}</button>
            </Show>
            <Remove kind=kind/>
            <Show when=move || editing.get()>
                <form class="panel" novalidate on:submit=move |ev| {
                    ev.prevent_default();
                    sent.set(None);
                    send.dispatch((destination.get_untracked(), i18n.locale().tag().to_owned()));
                }>
                    <ErrorAlert message=send_error/>
                    <TextField id=if is_email { "email-address" } else { "phone-number" } label=field_label
                        value=destination kind=input_kind autocomplete=autocomplete required=true/>
                    {(!is_email).then(|| view! { <p class="hint"><Tr key=k::PHONE_HINT/></p> })}
                    <SubmitButton label=k::CODE_SEND busy_label=k::CODE_SENDING busy=send.pending()/>
                    <button type="button" on:click=move |_| { editing.set(false); sent.set(None); }>
                        <Tr key=k::CANCEL/>
                    </button>
                </form>
                <Show when=move || sent.get().is_some()>
                    <form class="panel" novalidate on:submit=move |ev| {
                        ev.prevent_default();
                        confirm.dispatch(code.get_untracked());
                    }>
                        <p role="status">{sent_text}</p>
                        <ErrorAlert message=confirm_error/>
                        <TextField id=if is_email { "email-code" } else { "phone-code" } label=k::FIELD_CODE
                            value=code autocomplete="one-time-code" required=true/>
                        <SubmitButton label=k::CODE_CONFIRM busy_label=k::CODE_CONFIRMING busy=confirm.pending()/>
                    </form>
                </Show>
            </Show>
        </section>
    }
}
