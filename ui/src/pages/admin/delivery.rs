//! `/admin/delivery`: SMTP and SMS settings and test messages.
//!
//! The server never sends secrets back: the password field starts empty (the page says
//! whether one is set) and SMS headers come as names alone. Checks run on the server,
//! which names the field that failed.

use super::outbox::status_line;
use crate::client::call;
use crate::components::{
    form_action, problem_text, ErrorAlert, Loading, Notice, PageTitle, SubmitButton, TextField, Tr,
};
use crate::i18n::{fill, k, Key};
use crate::state::use_i18n;
use app::api::{
    DeliverySettings, GetDeliverySettings, ListOutbox, OutboxEntry, SaveDeliverySettings,
    SendTestMessage, SmsSettings, SmtpSettings, TestChannel,
};
use app::domain::{AppError, FieldProblem};
use leptos::prelude::*;
use std::time::Duration;

/// How often the page asks for a test message's outcome.
const POLL: Duration = Duration::from_millis(1500);

/// The form's text, one signal per field.
#[derive(Clone, Copy)]
struct Form {
    host: RwSignal<String>,
    port: RwSignal<String>,
    security: RwSignal<String>,
    username: RwSignal<String>,
    password: RwSignal<String>,
    clear_password: RwSignal<bool>,
    from: RwSignal<String>,
    smtp_timeout: RwSignal<String>,
    url: RwSignal<String>,
    method: RwSignal<String>,
    headers: RwSignal<String>,
    template: RwSignal<String>,
    sms_timeout: RwSignal<String>,
}

impl Form {
    fn new() -> Self {
        let text = || RwSignal::new(String::new());
        Self {
            host: text(),
            port: text(),
            security: text(),
            username: text(),
            password: text(),
            clear_password: RwSignal::new(false),
            from: text(),
            smtp_timeout: text(),
            url: text(),
            method: text(),
            headers: text(),
            template: text(),
            sms_timeout: text(),
        }
    }

    fn fill(self, s: &DeliverySettings) {
        self.host.set(s.smtp.host.clone());
        self.port.set(s.smtp.port.to_string());
        self.security.set(s.smtp.security.clone());
        self.username.set(s.smtp.username.clone());
        self.password.set(String::new());
        self.clear_password.set(false);
        self.from.set(s.smtp.from.clone());
        self.smtp_timeout.set(s.smtp.timeout_seconds.to_string());
        self.url.set(s.sms.url.clone());
        self.method.set(s.sms.method.clone());
        self.headers.set(s.sms.headers.clone());
        self.template.set(s.sms.body_template.clone());
        self.sms_timeout.set(s.sms.timeout_seconds.to_string());
    }

    /// What to save; a number that does not parse goes as 0, which the server refuses
    /// with the field's range.
    fn read(self, loaded: &DeliverySettings) -> DeliverySettings {
        let number = |s: RwSignal<String>| s.get_untracked().trim().parse().unwrap_or(0);
        DeliverySettings {
            mode: loaded.mode.clone(),
            smtp: SmtpSettings {
                host: self.host.get_untracked(),
                port: number(self.port),
                security: self.security.get_untracked(),
                username: self.username.get_untracked(),
                password: self.password.get_untracked(),
                has_password: loaded.smtp.has_password,
                clear_password: self.clear_password.get_untracked(),
                from: self.from.get_untracked(),
                timeout_seconds: number(self.smtp_timeout),
            },
            sms: SmsSettings {
                url: self.url.get_untracked(),
                url_hidden: loaded.sms.url_hidden,
                method: self.method.get_untracked(),
                headers: self.headers.get_untracked(),
                body_template: self.template.get_untracked(),
                timeout_seconds: number(self.sms_timeout),
            },
            revision: loaded.revision,
        }
    }
}

#[component]
pub fn DeliveryPage() -> impl IntoView {
    let i18n = use_i18n();
    let loaded = RwSignal::new(None::<DeliverySettings>);
    let form = Form::new();
    let done = RwSignal::new(None::<String>);
    // The field the server refused, and why.
    let refused = RwSignal::new(None::<(String, FieldProblem)>);

    let (load, load_error) = form_action(|(): ()| call(GetDeliverySettings {}));
    load.on_result(move |result| {
        if let Ok(settings) = result {
            form.fill(settings);
            loaded.set(Some(settings.clone()));
        }
    });
    load.dispatch(());
    let (save, save_error) =
        form_action(|settings: DeliverySettings| call(SaveDeliverySettings { settings }));
    save.on_result(move |result| match result {
        Ok(settings) => {
            form.fill(settings);
            loaded.set(Some(settings.clone()));
            done.set(Some(i18n.t(k::ADMIN_SAVED).into()));
        }
        Err(AppError::Invalid { field, problem }) => refused.set(Some((field.clone(), *problem))),
        Err(_) => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        done.set(None);
        refused.set(None);
        if let Some(settings) = loaded.get_untracked() {
            save.dispatch(form.read(&settings));
        }
    };
    let problem = move |field: &'static str| {
        Signal::derive(move || {
            refused.with(|r| match r {
                Some((f, p)) if f == field => Some(problem_text(i18n, *p)),
                _ => None,
            })
        })
    };
    let mode_key = move || match loaded.with(|s| s.as_ref().map(|s| s.mode == "send")) {
        Some(true) => k::ADMIN_DELIVERY_MODE_SEND,
        _ => k::ADMIN_DELIVERY_MODE_OUTBOX,
    };
    let has_password = move || loaded.with(|s| s.as_ref().is_some_and(|s| s.smtp.has_password));
    let url_hidden = move || loaded.with(|s| s.as_ref().is_some_and(|s| s.sms.url_hidden));

    view! {
        <section class="card wide delivery">
            <PageTitle key=k::ADMIN_SECTION_DELIVERY/>
            <ErrorAlert message=load_error/>
            <Show when=move || loaded.with(Option::is_some) fallback=move || view! { <Loading/> }>
                <p id="delivery-mode" class="alert info">{move || i18n.t(mode_key())}</p>
                <form novalidate on:submit=on_submit>
                    <fieldset>
                        <legend><Tr key=k::ADMIN_DELIVERY_SMTP/></legend>
                        <TextField id="smtp-host" label=k::ADMIN_DELIVERY_HOST value=form.host problem=problem("smtp.host")/>
                        <TextField id="smtp-port" label=k::ADMIN_DELIVERY_PORT value=form.port kind="number" problem=problem("smtp.port")/>
                        <Choice id="smtp-security" label=k::ADMIN_DELIVERY_SECURITY value=form.security problem=problem("smtp.security")
                            options=&[("starttls", k::ADMIN_DELIVERY_SECURITY_STARTTLS), ("tls", k::ADMIN_DELIVERY_SECURITY_TLS), ("none", k::ADMIN_DELIVERY_SECURITY_NONE)]/>
                        <TextField id="smtp-username" label=k::ADMIN_DELIVERY_USERNAME value=form.username problem=problem("smtp.username")/>
                        <TextField id="smtp-password" label=k::ADMIN_DELIVERY_PASSWORD value=form.password kind="password" autocomplete="new-password"/>
                        <p id="smtp-password-state" class="hint">
                            {move || i18n.t(if has_password() { k::ADMIN_DELIVERY_PASSWORD_SET } else { k::ADMIN_DELIVERY_PASSWORD_NOT_SET })}
                        </p>
                        <Show when=has_password>
                            <div class="field checkbox">
                                <input id="smtp-clear-password" type="checkbox" bind:checked=form.clear_password/>
                                <label for="smtp-clear-password"><Tr key=k::ADMIN_DELIVERY_CLEAR_PASSWORD/></label>
                            </div>
                        </Show>
                        <TextField id="smtp-from" label=k::ADMIN_DELIVERY_FROM value=form.from problem=problem("smtp.from")/>
                        <TextField id="smtp-timeout" label=k::ADMIN_DELIVERY_TIMEOUT value=form.smtp_timeout kind="number" problem=problem("smtp.timeout_seconds")/>
                    </fieldset>
                    <fieldset>
                        <legend><Tr key=k::ADMIN_DELIVERY_SMS/></legend>
                        <TextField id="sms-url" label=k::ADMIN_DELIVERY_URL value=form.url kind="url" problem=problem("sms.url")/>
                        <Show when=url_hidden>
                            <p class="hint"><Tr key=k::ADMIN_DELIVERY_URL_HIDDEN/></p>
                        </Show>
                        <Choice id="sms-method" label=k::ADMIN_DELIVERY_METHOD value=form.method problem=problem("sms.method")
                            options=&[("POST", k::ADMIN_DELIVERY_POST), ("PUT", k::ADMIN_DELIVERY_PUT), ("PATCH", k::ADMIN_DELIVERY_PATCH)]/>
                        <Area id="sms-headers" label=k::ADMIN_DELIVERY_HEADERS hint=k::ADMIN_DELIVERY_HEADERS_HINT value=form.headers problem=problem("sms.headers")/>
                        <Area id="sms-template" label=k::ADMIN_DELIVERY_TEMPLATE hint=k::ADMIN_DELIVERY_TEMPLATE_HINT value=form.template problem=problem("sms.body_template")/>
                        <TextField id="sms-timeout" label=k::ADMIN_DELIVERY_TIMEOUT value=form.sms_timeout kind="number" problem=problem("sms.timeout_seconds")/>
                    </fieldset>
                    <ErrorAlert message=save_error/>
                    <Notice message=done/>
                    <SubmitButton label=k::ADMIN_SAVE busy_label=k::ADMIN_DELIVERY_SAVING busy=save.pending()/>
                </form>
                <TestMessage/>
            </Show>
        </section>
    }
}

/// A labelled select of fixed options.
#[component]
fn Choice(
    id: &'static str,
    label: Key,
    value: RwSignal<String>,
    options: &'static [(&'static str, Key)],
    problem: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field">
            <label for=id>{move || i18n.t(label)}</label>
            <select id=id bind:value=value aria-invalid=move || problem.get().is_some().to_string()>
                {options.iter().map(|&(name, text)| view! {
                    <option value=name>{move || i18n.t(text)}</option>
                }).collect_view()}
            </select>
            <p class="field-problem" hidden=move || problem.get().is_none()>{move || problem.get().unwrap_or_default()}</p>
        </div>
    }
}

/// A labelled text area with a hint.
#[component]
fn Area(
    id: &'static str,
    label: Key,
    hint: Key,
    value: RwSignal<String>,
    problem: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field">
            <label for=id>{move || i18n.t(label)}</label>
            <textarea id=id rows="3" spellcheck="false" aria-describedby=hint_id.clone()
                aria-invalid=move || problem.get().is_some().to_string() bind:value=value></textarea>
            <p class="hint" id=hint_id>{move || i18n.t(hint)}</p>
            <p class="field-problem" hidden=move || problem.get().is_none()>{move || problem.get().unwrap_or_default()}</p>
        </div>
    }
}

/// Queues a test message and follows it through the outbox until it is sent or fails.
#[component]
fn TestMessage() -> impl IntoView {
    let i18n = use_i18n();
    let channel = RwSignal::new("email".to_owned());
    let to = RwSignal::new(String::new());
    let sent_id = RwSignal::new(None::<i64>);
    let entry = RwSignal::new(None::<OutboxEntry>);
    let refused = RwSignal::new(None::<FieldProblem>);

    let (poll, _) = form_action(|(): ()| call(ListOutbox {}));
    poll.on_result(move |result| {
        let Some(id) = sent_id.get_untracked() else {
            return;
        };
        let found = result
            .as_ref()
            .ok()
            .and_then(|rows| rows.iter().find(|m| m.id == id).cloned());
        let waiting = found
            .as_ref()
            .is_some_and(|m| matches!(m.status.as_str(), "pending" | "sending"));
        entry.set(found);
        if waiting {
            set_timeout(move || poll.dispatch(()), POLL);
        }
    });
    let (send, error) =
        form_action(|(channel, to): (TestChannel, String)| call(SendTestMessage { channel, to }));
    send.on_result(move |result| match result {
        Ok(id) => {
            sent_id.set(Some(*id));
            entry.set(None);
            poll.dispatch(());
        }
        Err(AppError::Invalid { problem, .. }) => refused.set(Some(*problem)),
        Err(_) => {}
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        refused.set(None);
        sent_id.set(None);
        let channel = if channel.get_untracked() == "sms" {
            TestChannel::Sms
        } else {
            TestChannel::Email
        };
        send.dispatch((channel, to.get_untracked()));
    };
    let problem = Signal::derive(move || refused.get().map(|p| problem_text(i18n, p)));
    let state = move || {
        let id = sent_id.get()?;
        let id_text = id.to_string();
        Some(match entry.get() {
            Some(m) => {
                fill(
                    i18n.t(k::ADMIN_DELIVERY_TEST_STATE),
                    &[("id", &id_text), ("state", &status_line(i18n, &m))],
                ) + &m.last_error.map(|e| format!(" ({e})")).unwrap_or_default()
            }
            None => fill(i18n.t(k::ADMIN_DELIVERY_TEST_QUEUED), &[("id", &id_text)]),
        })
    };
    view! {
        <form class="test-message" novalidate on:submit=on_submit>
            <h2><Tr key=k::ADMIN_DELIVERY_TEST_TITLE/></h2>
            <Choice id="test-channel" label=k::ADMIN_DELIVERY_TEST_CHANNEL value=channel problem=Signal::derive(|| None)
                options=&[("email", k::ADMIN_DELIVERY_TEST_EMAIL), ("sms", k::ADMIN_DELIVERY_TEST_SMS)]/>
            <TextField id="test-to" label=k::ADMIN_DELIVERY_TEST_TO value=to problem=problem required=true/>
            <ErrorAlert message=error/>
            <SubmitButton label=k::ADMIN_DELIVERY_TEST_SUBMIT busy_label=k::ADMIN_DELIVERY_TEST_BUSY busy=send.pending()/>
            <p id="test-state" role="status">{state}</p>
            <p><a href="/admin/outbox"><Tr key=k::ADMIN_DELIVERY_OUTBOX_LINK/></a></p>
        </form>
    }
}
