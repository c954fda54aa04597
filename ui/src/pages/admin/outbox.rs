//! `/admin/outbox`: the newest messages in the delivery outbox, with "retry now" for
//! failed and waiting ones. In outbox mode (demos and development) codes wait here
//! instead of leaving the machine.

use crate::client::call;
use crate::components::{form_action, local_time, ErrorAlert, Loading, Notice, PageTitle, Tr};
use crate::i18n::{fill, k, Key};
use crate::state::{use_i18n, I18n};
use app::api::{ListOutbox, OutboxEntry, RetryOutbox};
use leptos::prelude::*;

/// The words for an outbox status; a waiting message that was tried is "retrying".
fn status_key(status: &str, attempts: i64) -> Key {
    match status {
        "held" => k::ADMIN_OUTBOX_STATUS_HELD,
        "pending" if attempts > 0 => k::ADMIN_OUTBOX_STATUS_RETRYING,
        "pending" => k::ADMIN_OUTBOX_STATUS_PENDING,
        "sending" => k::ADMIN_OUTBOX_STATUS_SENDING,
        "sent" => k::ADMIN_OUTBOX_STATUS_SENT,
        "failed" => k::ADMIN_OUTBOX_STATUS_FAILED,
        _ => k::ADMIN_OUTBOX_STATUS_EXPIRED,
    }
}

/// "retrying · attempts: 2", and when the next one is due.
pub(super) fn status_line(i18n: I18n, m: &OutboxEntry) -> String {
    let mut line = fill(
        i18n.t(k::ADMIN_OUTBOX_STATE),
        &[
            ("status", i18n.t(status_key(&m.status, m.attempts))),
            ("attempts", &m.attempts.to_string()),
        ],
    );
    if let (Some(at), true) = (m.next_attempt_at, m.attempts > 0) {
        line.push_str(" · ");
        line.push_str(&fill(
            i18n.t(k::ADMIN_OUTBOX_NEXT),
            &[("time", &local_time(i18n, at))],
        ));
    }
    line
}

#[component]
pub fn OutboxPage() -> impl IntoView {
    let i18n = use_i18n();
    let messages = RwSignal::new(None::<Vec<OutboxEntry>>);
    let done = RwSignal::new(None::<String>);
    let (load, error) = form_action(|(): ()| call(ListOutbox {}));
    load.on_result(move |result| messages.set(result.as_ref().ok().cloned()));
    let (retry, retry_error) = form_action(|id: i64| call(RetryOutbox { id }));
    retry.on_result(move |result| {
        if result.is_ok() {
            done.set(Some(i18n.t(k::ADMIN_OUTBOX_RETRIED).into()));
            load.dispatch(());
        }
    });
    load.dispatch(());
    let on_retry = Callback::new(move |id: i64| {
        done.set(None);
        retry.dispatch(id);
    });
    view! {
        <section class="card wide">
            <PageTitle key=k::OUTBOX_TITLE/>
            <p class="lead"><Tr key=k::OUTBOX_LEAD/></p>
            <button type="button" on:click=move |_| load.dispatch(())><Tr key=k::OUTBOX_REFRESH/></button>
            <ErrorAlert message=error/>
            <ErrorAlert message=retry_error/>
            <Notice message=done/>
            {move || match messages.get() {
                None if load.pending().get() => view! { <Loading/> }.into_any(),
                None => ().into_any(),
                Some(rows) if rows.is_empty() => view! { <p><Tr key=k::OUTBOX_EMPTY/></p> }.into_any(),
                Some(rows) => view! { <OutboxTable rows on_retry/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn OutboxTable(rows: Vec<OutboxEntry>, on_retry: Callback<i64>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-scroll">
            <table id="outbox">
                <caption class="visually-hidden"><Tr key=k::OUTBOX_TITLE/></caption>
                <thead>
                    <tr>
                        <th scope="col"><Tr key=k::OUTBOX_CREATED/></th>
                        <th scope="col"><Tr key=k::OUTBOX_TO/></th>
                        <th scope="col"><Tr key=k::OUTBOX_MESSAGE/></th>
                        <th scope="col"><Tr key=k::ADMIN_STATUS/></th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|m| {
                        let id = m.id;
                        let status = status_line(i18n, &m);
                        view! {
                            <tr data-id=id data-status=m.status.clone()>
                                <td>{local_time(i18n, m.created_at)}</td>
                                <td>{format!("{} ({})", m.recipient, m.channel)}</td>
                                <td>
                                    <strong>{m.subject}</strong>
                                    {(!m.body.is_empty()).then(|| view! { <pre class="message-body">{m.body}</pre> })}
                                </td>
                                <td>
                                    {status}
                                    {m.last_error.map(|e| view! { <br/><small class="outbox-error">{e}</small> })}
                                    {m.retryable.then(|| view! {
                                        <br/><button type="button" on:click=move |_| on_retry.run(id)>
                                            <Tr key=k::ADMIN_OUTBOX_RETRY/>
                                        </button>
                                    })}
                                </td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
