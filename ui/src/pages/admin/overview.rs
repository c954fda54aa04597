//! `/admin`: the overview: SSPR's scope at a glance, counts, and what needs attention.
//! Read-only for every role; each "needs attention" item links only where the caller's
//! roles may go.

use super::labels::section_title;
use crate::client::call;
use crate::components::{form_action, ErrorAlert, Loading, PageTitle, Tr};
use crate::i18n::{fill, k, Key};
use crate::state::{use_i18n, use_session};
use app::api::{GetOverview, Overview};
use app::domain::reset_policy::ResetScope;
use app::domain::{AdminSection, Role};
use leptos::prelude::*;

#[component]
pub fn OverviewPage() -> impl IntoView {
    let data = RwSignal::new(None::<Overview>);
    let (load, error) = form_action(|()| call(GetOverview {}));
    load.on_result(move |result| {
        if let Ok(overview) = result {
            data.set(Some(overview.clone()));
        }
    });
    load.dispatch(());
    let roles = use_session()
        .me
        .get_untracked()
        .map(|me| me.roles)
        .unwrap_or_default();
    view! {
        <section class="card wide overview">
            <PageTitle key=k::ADMIN_SECTION_OVERVIEW/>
            <ErrorAlert message=error/>
            {move || match data.get() {
                None if error.get().is_some() => ().into_any(),
                None => view! { <Loading/> }.into_any(),
                Some(o) => view! { <Figures o roles=roles.clone()/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn Figures(o: Overview, roles: Vec<Role>) -> impl IntoView {
    let i18n = use_i18n();
    let scope = o.scope.clone();
    let scope_text = move || match &scope {
        ResetScope::Nobody => i18n.t(k::ADMIN_OVERVIEW_SCOPE_NOBODY).to_owned(),
        ResetScope::Everyone => i18n.t(k::ADMIN_OVERVIEW_SCOPE_EVERYONE).to_owned(),
        ResetScope::Groups(groups) => fill(
            i18n.t(k::ADMIN_OVERVIEW_SCOPE_GROUPS),
            &[("groups", &groups.join(", "))],
        ),
    };
    let count_row = |key: Key, value: u64| {
        view! { <tr><th scope="row"><Tr key/></th><td>{value}</td></tr> }
    };
    let activity_row = |key: Key, [week, month]: [u64; 2]| {
        view! { <tr><th scope="row"><Tr key/></th><td>{week}</td><td>{month}</td></tr> }
    };
    // What needs attention, with a link to each section that can help and the caller may open.
    let attention: Vec<(Key, u64, Vec<AdminSection>)> = vec![
        (
            k::ADMIN_OVERVIEW_NO_METHOD,
            o.by_methods[0],
            vec![AdminSection::Users, AdminSection::Troubleshoot],
        ),
        (
            k::ADMIN_OVERVIEW_LOCKED,
            o.locked,
            vec![AdminSection::Users],
        ),
        (
            k::ADMIN_OVERVIEW_DELIVERY,
            o.delivery_problems,
            vec![AdminSection::Outbox],
        ),
    ];
    let attention: Vec<_> = attention
        .into_iter()
        .filter(|(_, count, _)| *count > 0)
        .collect();
    let nothing = attention.is_empty();
    let items = attention
        .into_iter()
        .map(|(key, count, sections)| {
            let count = count.to_string();
            let links = sections
                .into_iter()
                .filter(|section| section.allows(&roles))
                .map(|section| {
                    view! { " " <a href=section.path()><Tr key=section_title(section)/></a> }
                })
                .collect_view();
            view! { <li>{move || fill(i18n.t(key), &[("count", &count)])}{links}</li> }
        })
        .collect_view();
    view! {
        <h2><Tr key=k::ADMIN_OVERVIEW_SCOPE/></h2>
        <p class="scope">{scope_text}</p>
        <h2><Tr key=k::ADMIN_OVERVIEW_USERS/></h2>
        <table class="figures">
            <caption class="visually-hidden"><Tr key=k::ADMIN_OVERVIEW_USERS/></caption>
            <tbody>
                {count_row(k::ADMIN_OVERVIEW_ALL_USERS, o.users)}
                {count_row(k::ADMIN_OVERVIEW_METHODS_0, o.by_methods[0])}
                {count_row(k::ADMIN_OVERVIEW_METHODS_1, o.by_methods[1])}
                {count_row(k::ADMIN_OVERVIEW_METHODS_2, o.by_methods[2])}
            </tbody>
        </table>
        <h2><Tr key=k::ADMIN_OVERVIEW_ACTIVITY/></h2>
        <table class="figures">
            <caption class="visually-hidden"><Tr key=k::ADMIN_OVERVIEW_ACTIVITY/></caption>
            <thead>
                <tr>
                    <td></td>
                    <th scope="col"><Tr key=k::ADMIN_OVERVIEW_LAST_7/></th>
                    <th scope="col"><Tr key=k::ADMIN_OVERVIEW_LAST_30/></th>
                </tr>
            </thead>
            <tbody>
                {activity_row(k::ADMIN_REPORTS_RESETS, o.resets)}
                {activity_row(k::ADMIN_REPORTS_UNLOCKS, o.unlocks)}
                {activity_row(k::ADMIN_OVERVIEW_BLOCKED, o.blocked)}
            </tbody>
        </table>
        <h2><Tr key=k::ADMIN_OVERVIEW_ATTENTION/></h2>
        {nothing.then(|| view! { <p><Tr key=k::ADMIN_OVERVIEW_NOTHING/></p> })}
        <ul class="attention">{items}</ul>
    }
}
