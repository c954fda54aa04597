//! `/admin/users`: the users list with search and paging.

use crate::api::client::call;
use crate::api::{ListUsers, UserPage};
use crate::components::{form_action, ErrorAlert, Tr};
use crate::i18n::{fill, k};
use crate::pages::{Loading, PageTitle};
use crate::state::use_i18n;
use leptos::prelude::*;

#[component]
pub fn UsersPage() -> impl IntoView {
    let typed = RwSignal::new(String::new());
    let search = RwSignal::new(String::new());
    let page = RwSignal::new(0u32);
    let users = RwSignal::new(None::<UserPage>);
    let (load, error) =
        form_action(|(search, page): (String, u32)| call(ListUsers { search, page }));
    load.on_result(move |result| {
        if let Ok(found) = result {
            users.set(Some(found.clone()));
        }
    });
    // Loads again whenever the search or the page changes.
    Effect::new(move |_| load.dispatch((search.get(), page.get())));
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        page.set(0);
        search.set(typed.get_untracked());
    };
    view! {
        <section class="card wide">
            <PageTitle key=k::ADMIN_USERS_TITLE/>
            <form role="search" class="inline" on:submit=on_search>
                <label for="user-search"><Tr key=k::ADMIN_SEARCH_LABEL/></label>
                <input id="user-search" type="search" bind:value=typed/>
                <button type="submit"><Tr key=k::ADMIN_SEARCH_SUBMIT/></button>
            </form>
            <ErrorAlert message=error/>
            {move || match users.get() {
                None if error.get().is_some() => ().into_any(),
                None => view! { <Loading/> }.into_any(),
                Some(result) => view! { <UsersTable result page/> }.into_any(),
            }}
        </section>
    }
}

#[component]
fn UsersTable(result: UserPage, page: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let count = result.page_count();
    let current = result.page;
    let total = result.total.to_string();
    let empty = result.rows.is_empty();
    let rows = result
        .rows
        .into_iter()
        .map(|user| {
            let status = user.status;
            view! {
                <tr>
                    <td>{user.username}</td>
                    <td>{user.display_name}</td>
                    <td>{user.email.unwrap_or_default()}</td>
                    <td>{user.groups.join(", ")}</td>
                    <td>{move || i18n.t(match status {
                        crate::api::AccountStatus::Enabled => k::STATUS_ENABLED,
                        crate::api::AccountStatus::Disabled => k::STATUS_DISABLED,
                        crate::api::AccountStatus::Locked => k::STATUS_LOCKED,
                    })}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p role="status" class="result-count">{move || fill(i18n.t(k::ADMIN_USERS_COUNT), &[("count", &total)])}</p>
        {empty.then(|| view! { <p><Tr key=k::ADMIN_USERS_NONE/></p> })}
        <table class="users">
            <caption class="visually-hidden"><Tr key=k::ADMIN_USERS_TITLE/></caption>
            <thead>
                <tr>
                    <th scope="col"><Tr key=k::FIELD_USERNAME/></th>
                    <th scope="col"><Tr key=k::ACCOUNT_DISPLAY_NAME/></th>
                    <th scope="col"><Tr key=k::ACCOUNT_EMAIL/></th>
                    <th scope="col"><Tr key=k::ADMIN_GROUPS/></th>
                    <th scope="col"><Tr key=k::ADMIN_STATUS/></th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
        <nav class="pager" aria-label=move || i18n.t(k::ADMIN_PAGER_LABEL)>
            <button type="button" disabled={current == 0} on:click=move |_| page.update(|p| *p = p.saturating_sub(1))>
                <Tr key=k::ADMIN_PREVIOUS/>
            </button>
            <span>{move || fill(i18n.t(k::ADMIN_PAGE_OF), &[("page", &(current + 1).to_string()), ("count", &count.to_string())])}</span>
            <button type="button" disabled={current + 1 >= count} on:click=move |_| page.update(|p| *p += 1)>
                <Tr key=k::ADMIN_NEXT/>
            </button>
        </nav>
    }
}
