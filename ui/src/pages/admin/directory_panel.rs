//! On the users page in `ldap` mode: where the users and groups come from, when they were
//! last read, and "Read now" for after a change in the directory.

use crate::client::call;
use crate::components::{form_action, local_time, ErrorAlert, SubmitButton, Tr};
use crate::i18n::{fill, k};
use crate::state::{use_i18n, use_session};
use app::api::{DirectoryState, DirectoryStatus, ReadDirectory, UserAction};
use leptos::prelude::*;

/// Shows the connected directory; `connected` turns true once the server names one.
#[component]
pub fn DirectoryPanel(connected: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let may_read = Memo::new(move |_| {
        session.me.with(|me| {
            me.as_ref()
                .is_some_and(|me| UserAction::Help.allows(&me.roles))
        })
    });
    let state = RwSignal::new(None::<DirectoryState>);
    let (load, load_error) = form_action(|()| call(DirectoryStatus {}));
    let (read, read_error) = form_action(|()| call(ReadDirectory {}));
    let show = move |result: &Result<Option<DirectoryState>, _>| {
        if let Ok(found) = result {
            connected.set(found.is_some());
            state.set(found.clone());
        }
    };
    load.on_result(show);
    read.on_result(show);
    load.dispatch(());
    let summary = move || {
        state.get().map(|s| {
            let read_at = s
                .read_at
                .map(|at| local_time(i18n, at))
                .unwrap_or_else(|| i18n.t(k::ADMIN_DIRECTORY_NEVER_READ).to_owned());
            fill(
                i18n.t(k::ADMIN_DIRECTORY_SUMMARY),
                &[
                    ("url", &s.url),
                    ("read_at", &read_at),
                    ("users", &s.users.to_string()),
                    ("groups", &s.groups.to_string()),
                ],
            )
        })
    };
    let on_read = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        read.dispatch(());
    };
    view! {
        <ErrorAlert message=load_error/>
        <Show when=move || state.with(Option::is_some)>
            <section class="card wide" aria-labelledby="directory-title">
                <h2 id="directory-title"><Tr key=k::ADMIN_DIRECTORY_TITLE/></h2>
                <p aria-live="polite">{summary}</p>
                <Show when=move || may_read.get()>
                    <form on:submit=on_read>
                        <ErrorAlert message=read_error/>
                        <SubmitButton label=k::ADMIN_DIRECTORY_READ_NOW busy_label=k::ADMIN_DIRECTORY_READING busy=read.pending()/>
                    </form>
                </Show>
            </section>
        </Show>
    }
}
