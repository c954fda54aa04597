//! `/admin/outbox`: the newest messages in the delivery outbox. In outbox mode (demos and
//! development) codes wait here instead of leaving the machine.

use crate::api::client::call;
use crate::api::{ListOutbox, OutboxEntry};
use crate::components::{form_action, local_time, ErrorAlert, Tr};
use crate::i18n::k;
use crate::pages::{Loading, PageTitle};
use crate::state::use_i18n;
use leptos::prelude::*;

#[component]
pub fn OutboxPage() -> impl IntoView {
    let messages = RwSignal::new(None::<Vec<OutboxEntry>>);
    let (load, error) = form_action(|(): ()| call(ListOutbox {}));
    load.on_result(move |result| messages.set(result.as_ref().ok().cloned()));
    load.dispatch(());
    view! {
        <section class="card wide">
            <PageTitle key=k::OUTBOX_TITLE/>
            <p class="lead"><Tr key=k::OUTBOX_LEAD/></p>
            <button type="button" on:click=move |_| load.dispatch(())><Tr key=k::OUTBOX_REFRESH/></button>
            <ErrorAlert message=error/>
            {move || match messages.get() {
                None if load.pending().get() => view! { <Loading/> }.into_any(),
                None => ().into_any(),
                Some(rows) if rows.is_empty() => view! { <p><Tr key=k::OUTBOX_EMPTY/></p> }.into_any(),
                Some(rows) => view! { <OutboxTable rows/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn OutboxTable(rows: Vec<OutboxEntry>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="table-scroll">
            <table id="outbox">
                <thead>
                    <tr>
                        <th scope="col"><Tr key=k::OUTBOX_CREATED/></th>
                        <th scope="col"><Tr key=k::OUTBOX_TO/></th>
                        <th scope="col"><Tr key=k::OUTBOX_MESSAGE/></th>
                        <th scope="col"><Tr key=k::ADMIN_STATUS/></th>
                    </tr>
                </thead>
                <tbody>
                    {rows.into_iter().map(|m| view! {
                        <tr>
                            <td>{local_time(i18n, m.created_at)}</td>
                            <td>{format!("{} ({})", m.recipient, m.channel)}</td>
                            <td><strong>{m.subject}</strong><pre class="message-body">{m.body}</pre></td>
                            <td>{format!("{} · {}", m.status, m.attempts)}{m.last_error.map(|e| view! { <br/><small>{e}</small> })}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
    }
}
