//! `/admin/audit`: the audit log with filters, export and the integrity check. Everything
//! here reads: a reports reader may use all of it.

use super::labels::{event_label, outcome_label};
use crate::client::call;
use crate::components::{form_action, local_time, ErrorAlert, Loading, Notice, PageTitle, Tr};
use crate::i18n::{fill, k, Key};
use crate::state::use_i18n;
use app::api::{
    AuditCheck, AuditFilter, AuditHeadProblem, AuditPage, ExportAudit, ListAudit, VerifyAudit,
};
use app::domain::audit::{AuditKind, Outcome};
use leptos::prelude::*;

#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    let (user, event, outcome, from, to) = (
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
        RwSignal::new(String::new()),
    );
    let filter = RwSignal::new(AuditFilter::default());
    // The `before` of each page seen so far; the last is the page shown.
    let pages = RwSignal::new(vec![None::<i64>]);
    let page = RwSignal::new(None::<AuditPage>);
    let (load, error) = form_action(|(filter, before)| call(ListAudit { filter, before }));
    load.on_result(move |result| {
        if let Ok(found) = result {
            page.set(Some(found.clone()));
        }
    });
    Effect::new(move |_| {
        let before = pages.with(|p| p.last().copied().flatten());
        load.dispatch((filter.get(), before));
    });
    let on_filter = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let text = |s: RwSignal<String>| Some(s.get_untracked()).filter(|v| !v.is_empty());
        filter.set(AuditFilter {
            user: text(user),
            event: text(event),
            outcome: text(outcome),
            from: date(&from.get_untracked()),
            // The whole of the last day.
            to: date(&to.get_untracked()).map(|t| t + 86_399),
        });
        pages.set(vec![None]);
    };

    let note = RwSignal::new(None::<String>);
    let check = RwSignal::new(None::<AuditCheck>);
    let (export, export_error) = form_action(|filter| call(ExportAudit { filter }));
    export.on_result(move |result| {
        if let Ok(done) = result {
            crate::components::download_csv("audit-log.csv", &done.csv);
            let key = if done.capped {
                k::ADMIN_AUDIT_EXPORT_CAPPED
            } else {
                k::ADMIN_AUDIT_EXPORTED
            };
            check.set(None);
            note.set(Some(fill(
                i18n.t(key),
                &[("count", &done.rows.to_string())],
            )));
        }
    });
    let (verify, verify_error) = form_action(|()| call(VerifyAudit {}));
    verify.on_result(move |result| {
        note.set(None);
        check.set(result.as_ref().ok().cloned());
    });
    let check_text = move |broken: bool| {
        check.with(|c| {
            c.as_ref()
                .filter(|c| c.first_broken.is_some() == broken)
                .map(|c| {
                    let id = c.first_broken.unwrap_or_default().to_string();
                    let rows = c.rows.to_string();
                    // The head's reason says more than "broken after the last event".
                    match (broken, c.head) {
                        (true, Some(AuditHeadProblem::NewestMissing(missing))) => fill(
                            i18n.t(k::ADMIN_AUDIT_NEWEST_MISSING),
                            &[("count", &rows), ("missing", &missing.to_string())],
                        ),
                        (true, Some(_)) => {
                            fill(i18n.t(k::ADMIN_AUDIT_HEAD_ALTERED), &[("count", &rows)])
                        }
                        (true, None) => fill(
                            i18n.t(k::ADMIN_AUDIT_BROKEN),
                            &[("count", &rows), ("id", &id)],
                        ),
                        (false, _) => fill(i18n.t(k::ADMIN_AUDIT_INTACT), &[("count", &rows)]),
                    }
                })
        })
    };

    let events = AuditKind::ALL
        .into_iter()
        .map(|kind| view! { <option value=kind.as_str()><Tr key=event_label(kind)/></option> })
        .collect_view();
    let outcomes = Outcome::ALL
        .into_iter()
        .map(|outcome| view! { <option value=outcome.as_str()><Tr key=outcome_label(outcome)/></option> })
        .collect_view();
    view! {
        <section class="card wide audit">
            <PageTitle key=k::ADMIN_SECTION_AUDIT/>
            <form class="filters" role="search" aria-label=move || i18n.t(k::ADMIN_AUDIT_FILTERS) on:submit=on_filter>
                <div>
                    <label for="audit-user"><Tr key=k::ADMIN_AUDIT_USER/></label>
                    <input id="audit-user" type="search" autocomplete="off" bind:value=user/>
                </div>
                <div>
                    <label for="audit-event"><Tr key=k::ADMIN_AUDIT_EVENT/></label>
                    <select id="audit-event" bind:value=event>
                        <option value=""><Tr key=k::ADMIN_AUDIT_ANY/></option>
                        {events}
                    </select>
                </div>
                <div>
                    <label for="audit-outcome"><Tr key=k::ADMIN_AUDIT_OUTCOME/></label>
                    <select id="audit-outcome" bind:value=outcome>
                        <option value=""><Tr key=k::ADMIN_AUDIT_ANY/></option>
                        {outcomes}
                    </select>
                </div>
                <div>
                    <label for="audit-from"><Tr key=k::ADMIN_AUDIT_FROM/></label>
                    <input id="audit-from" type="date" bind:value=from/>
                </div>
                <div>
                    <label for="audit-to"><Tr key=k::ADMIN_AUDIT_TO/></label>
                    <input id="audit-to" type="date" bind:value=to/>
                </div>
                <button type="submit"><Tr key=k::ADMIN_AUDIT_APPLY/></button>
            </form>
            <div class="actions">
                <button type="button" disabled=export.pending() on:click=move |_| export.dispatch(filter.get_untracked())>
                    <Tr key=k::ADMIN_AUDIT_EXPORT/>
                </button>
                <button type="button" disabled=verify.pending() on:click=move |_| verify.dispatch(())>
                    <Tr key=k::ADMIN_AUDIT_VERIFY/>
                </button>
            </div>
            <ErrorAlert message=Signal::derive(move || error.get().or(export_error.get()).or(verify_error.get()))/>
            <ErrorAlert message=Signal::derive(move || check_text(true))/>
            <Notice message=Signal::derive(move || check_text(false).or(note.get()))/>
            {move || match page.get() {
                None if error.get().is_some() => ().into_any(),
                None => view! { <Loading/> }.into_any(),
                Some(found) => view! { <AuditTable found pages/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn AuditTable(found: AuditPage, pages: RwSignal<Vec<Option<i64>>>) -> impl IntoView {
    let i18n = use_i18n();
    let empty = found.rows.is_empty();
    let next = found.next_before;
    let rows = found
        .rows
        .into_iter()
        .map(|row| {
            let event = AuditKind::parse(&row.event).map(event_label);
            let outcome = Outcome::parse(&row.outcome).map(outcome_label);
            let at = row.at;
            view! {
                <tr>
                    <td>{move || local_time(i18n, at)}</td>
                    <td>{named(event, row.event)}</td>
                    <td>{row.account.unwrap_or_default()}</td>
                    <td>{row.actor.unwrap_or_default()}</td>
                    <td>{row.ip}</td>
                    <td>{named(outcome, row.outcome)}</td>
                    <td>{row.detail}</td>
                </tr>
            }
        })
        .collect_view();
    let newest = move || pages.with(|p| p.len() <= 1);
    view! {
        {empty.then(|| view! { <p><Tr key=k::ADMIN_AUDIT_NONE/></p> })}
        <div class="table-scroll">
            <table class="audit-log">
                <caption class="visually-hidden"><Tr key=k::ADMIN_SECTION_AUDIT/></caption>
                <thead>
                    <tr>
                        <th scope="col"><Tr key=k::ADMIN_AUDIT_TIME/></th>
                        <th scope="col"><Tr key=k::ADMIN_AUDIT_EVENT/></th>
                        <th scope="col"><Tr key=k::ADMIN_AUDIT_ACCOUNT/></th>
                        <th scope="col"><Tr key=k::ADMIN_AUDIT_ACTOR/></th>
                        <th scope="col"><Tr key=k::ADMIN_AUDIT_IP/></th>
                        <th scope="col"><Tr key=k::ADMIN_AUDIT_OUTCOME/></th>
                        <th scope="col"><Tr key=k::ADMIN_AUDIT_DETAIL/></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <nav class="pager" aria-label=move || i18n.t(k::ADMIN_AUDIT_PAGER)>
            <button type="button" disabled=newest on:click=move |_| pages.set(vec![None])>
                <Tr key=k::ADMIN_AUDIT_NEWEST/>
            </button>
            <button type="button" disabled=newest on:click=move |_| pages.update(|p| { p.pop(); })>
                <Tr key=k::ADMIN_PREVIOUS/>
            </button>
            <button type="button" disabled=next.is_none() on:click=move |_| pages.update(|p| p.push(next))>
                <Tr key=k::ADMIN_NEXT/>
            </button>
        </nav>
    }
}

/// The label for a stored name, if the list has one.
/// The translated name, or the stored one for a name this version does not know.
fn named(key: Option<Key>, raw: String) -> AnyView {
    match key {
        Some(key) => view! { <Tr key/> }.into_any(),
        None => raw.into_any(),
    }
}

/// Unix seconds at the start (UTC) of a `YYYY-MM-DD` date from a date input.
fn date(value: &str) -> Option<i64> {
    let ms = js_sys::Date::parse(value);
    (!value.is_empty() && ms.is_finite()).then(|| (ms / 1000.0) as i64)
}
