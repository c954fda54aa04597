//! `/account/security-info`: register, change and remove the methods that prove who the
//! user is during a reset. Sign-in sends users here first when policy requires it.

mod authenticator;
mod contact;
mod panel;
mod questions;
mod recovery;

use crate::client::call;
use crate::components::{
    error_text, form_action, local_time, use_navigate, ErrorAlert, Loading, Notice, PageTitle,
    SubmitButton, TextField, Tr,
};
use crate::i18n::{fill, k};
use crate::state::{use_i18n, use_session};
use app::api::{ConfirmSecurityInfo, GetSecurityInfo, PostponeRegistration, Reauthenticate};
use app::domain::{AppError, MethodKind, RegistrationDue};
use leptos::prelude::*;
use panel::Page;

#[component]
pub fn SecurityInfoPage() -> impl IntoView {
    let page = Page {
        info: RwSignal::new(None),
        reauth: RwSignal::new(false),
        notice: RwSignal::new(None),
        session: use_session(),
        i18n: use_i18n(),
    };
    provide_context(page);
    let i18n = use_i18n();
    let load_error = RwSignal::new(None::<AppError>);
    leptos::task::spawn_local(async move {
        match call(GetSecurityInfo {}).await {
            Ok(info) => {
                let now = js_sys::Date::now() / 1000.0;
                page.reauth.set((info.reauth_until as f64) < now);
                page.info.set(Some(info));
            }
            Err(error) => load_error.set(Some(error)),
        }
    });
    let load_text = Signal::derive(move || load_error.get().map(|e| error_text(i18n, &e)));
    // Only whether the overview has arrived: the panels below must not be rebuilt (losing
    // open forms and freshly shown recovery codes) each time a change updates it.
    let loaded = Memo::new(move |_| page.info.with(Option::is_some));

    view! {
        <section class="card wide">
            <PageTitle key=k::SECURITY_INFO_TITLE/>
            <p class="lead"><Tr key=k::SECURITY_INFO_LEAD/></p>
            <ErrorAlert message=load_text/>
            <Notice message=page.notice/>
            {move || match loaded.get() {
                false if load_error.get().is_none() => view! { <Loading/> }.into_any(),
                false => ().into_any(),
                true => view! {
                    <Enforcement/>
                    <Show when=move || page.reauth.get()>
                        <Reauthenticate/>
                    </Show>
                    <contact::ContactMethod kind=MethodKind::Email/>
                    <contact::ContactMethod kind=MethodKind::Phone/>
                    <authenticator::Authenticator/>
                    <questions::Questions/>
                    <recovery::RecoveryCodes/>
                }.into_any(),
            }}
        </section>
    }
}

/// The banner that says why the user was sent here, with postpone and reconfirm.
#[component]
fn Enforcement() -> impl IntoView {
    let page = Page::use_page();
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    let (postpone, postpone_error) = form_action(|(): ()| call(PostponeRegistration {}));
    let (reconfirm, reconfirm_error) = form_action(|(): ()| call(ConfirmSecurityInfo {}));
    postpone.on_result(move |result| {
        if result.is_ok() {
            session.me.update(|me| {
                if let Some(me) = me {
                    me.registration.postponed = true;
                }
            });
            navigate("/account");
        }
    });
    reconfirm.on_result(move |result| {
        if let Ok(info) = result {
            let info = info.clone();
            page.update(info, k::SECURITY_INFO_CONFIRMED);
        }
    });
    let error = Signal::derive(move || postpone_error.get().or(reconfirm_error.get()));
    let confirmed = move || {
        page.info.get().and_then(|i| i.last_confirmed_at).map(|at| {
            fill(
                i18n.t(k::SECURITY_INFO_LAST_CONFIRMED),
                &[("date", &local_time(i18n, at))],
            )
        })
    };
    view! {
        <ErrorAlert message=error/>
        {move || page.info.get().and_then(|info| info.due.map(|due| (info, due))).map(|(info, due)| {
            let text = match due {
                RegistrationDue::Incomplete { required, registered } => fill(
                    i18n.t(k::SECURITY_INFO_REQUIRED),
                    &[("required", &required.to_string()), ("registered", &registered.to_string())],
                ),
                RegistrationDue::Reconfirm => i18n.t(k::SECURITY_INFO_RECONFIRM).to_owned(),
            };
            let can_postpone = !info.postponed && info.postpones_left > 0;
            let left = fill(i18n.t(k::SECURITY_INFO_POSTPONES_LEFT), &[("count", &info.postpones_left.to_string())]);
            view! {
                <div class="alert info" id="registration-due">
                    <p>{text}</p>
                    {(due == RegistrationDue::Reconfirm).then(|| view! {
                        <button type="button" class="primary" on:click=move |_| { reconfirm.dispatch(()); }>
                            <Tr key=k::SECURITY_INFO_CONFIRM/>
                        </button>
                    })}
                    {if can_postpone {
                        view! {
                            <p>{left}</p>
                            <button type="button" on:click=move |_| { postpone.dispatch(()); }>
                                <Tr key=k::SECURITY_INFO_POSTPONE/>
                            </button>
                        }.into_any()
                    } else if !info.postponed {
                        view! { <p><Tr key=k::SECURITY_INFO_NO_POSTPONE/></p> }.into_any()
                    } else {
                        ().into_any()
                    }}
                </div>
            }
        })}
        <p class="muted" id="last-confirmed">{confirmed}</p>
    }
}

/// Asks for the password again before changes, when the last one is too old.
#[component]
fn Reauthenticate() -> impl IntoView {
    let page = Page::use_page();
    let i18n = use_i18n();
    let password = RwSignal::new(String::new());
    let (action, error) = form_action(|password| call(Reauthenticate { password }));
    let busy = action.pending();
    action.on_result(move |result| {
        if result.is_ok() {
            password.set(String::new());
            page.reauth.set(false);
            page.notice.set(Some(i18n.t(k::REAUTH_DONE).to_owned()));
        }
    });
    view! {
        <form class="panel reauth" novalidate on:submit=move |ev| {
            ev.prevent_default();
            action.dispatch(password.get_untracked());
        }>
            <h2><Tr key=k::REAUTH_TITLE/></h2>
            <p><Tr key=k::REAUTH_LEAD/></p>
            <ErrorAlert message=error/>
            <TextField id="reauth-password" label=k::FIELD_PASSWORD value=password kind="password"
                autocomplete="current-password" required=true/>
            <SubmitButton label=k::REAUTH_SUBMIT busy_label=k::REAUTH_BUSY busy=busy/>
        </form>
    }
}
