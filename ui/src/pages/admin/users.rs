//! `/admin/users`: the users list with search, filters and paging; for global admins also
//! creating a user and CSV export and import (checked on the server first, then applied).

use super::directory_panel::DirectoryPanel;
use crate::client::call;
use crate::components::{
    form_action, problem_text, use_navigate, watch_field_problem, ErrorAlert, Loading, PageTitle,
    SubmitButton, TextField, Tr,
};
use crate::i18n::{fill, k, Key};
use crate::state::{use_i18n, use_session, I18n};
use app::api::{
    AccountStatus, CreateUser, ExportUsers, ImportProblem, ImportSummary, ImportUsers, ListUsers,
    UserAction, UserPage, UserProfile,
};
use app::domain::AppError;
use leptos::prelude::*;

/// The list's filters as applied: search, group ("" for all), status ("" for any).
type Filters = (String, String, String);

fn group_arg(group: &str) -> Option<String> {
    (!group.is_empty()).then(|| group.to_owned())
}

/// The address of a user's page; the name is percent-encoded.
pub fn user_path(username: &str) -> String {
    format!(
        "/admin/users/{}",
        String::from(js_sys::encode_uri_component(username))
    )
}

pub fn status_key(status: AccountStatus) -> Key {
    match status {
        AccountStatus::Enabled => k::STATUS_ENABLED,
        AccountStatus::Disabled => k::STATUS_DISABLED,
        AccountStatus::Locked => k::STATUS_LOCKED,
    }
}

#[component]
pub fn UsersPage() -> impl IntoView {
    let session = use_session();
    let manage = Memo::new(move |_| {
        session.me.with(|me| {
            me.as_ref()
                .is_some_and(|me| UserAction::Manage.allows(&me.roles))
        })
    });
    // In `ldap` mode users come from the directory: no creating or importing here.
    let from_directory = RwSignal::new(false);
    let typed = RwSignal::new(String::new());
    let typed_group = RwSignal::new(String::new());
    let typed_status = RwSignal::new(String::new());
    let filters = RwSignal::new(Filters::default());
    let page = RwSignal::new(0u32);
    let users = RwSignal::new(None::<UserPage>);
    let (load, error) = form_action(|((search, group, status), page): (Filters, u32)| {
        call(ListUsers {
            search,
            page,
            group: group_arg(&group),
            status: AccountStatus::parse(&status),
        })
    });
    load.on_result(move |result| {
        if let Ok(found) = result {
            users.set(Some(found.clone()));
        }
    });
    // Loads again whenever the filters or the page change.
    Effect::new(move |_| load.dispatch((filters.get(), page.get())));
    let on_search = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        page.set(0);
        filters.set((
            typed.get_untracked(),
            typed_group.get_untracked(),
            typed_status.get_untracked(),
        ));
    };
    let reload = move || load.dispatch((filters.get_untracked(), page.get_untracked()));
    let i18n = use_i18n();
    let group_options = move || {
        users.with(|found| {
            found
                .iter()
                .flat_map(|found| found.group_names.iter())
                .map(|name| view! { <option value=name.clone()>{name.clone()}</option> })
                .collect_view()
        })
    };
    let status_options = AccountStatus::ALL
        .into_iter()
        .map(|status| {
            view! { <option value=status.as_str()>{move || i18n.t(status_key(status))}</option> }
        })
        .collect_view();
    view! {
        <section class="card wide">
            <PageTitle key=k::ADMIN_USERS_TITLE/>
            <form role="search" class="inline" on:submit=on_search>
                <label for="user-search"><Tr key=k::ADMIN_SEARCH_LABEL/></label>
                <input id="user-search" type="search" bind:value=typed/>
                <label for="user-group"><Tr key=k::ADMIN_USERS_GROUP_LABEL/></label>
                <select id="user-group" bind:value=typed_group>
                    <option value=""><Tr key=k::ADMIN_USERS_ANY_GROUP/></option>
                    {group_options}
                </select>
                <label for="user-status"><Tr key=k::ADMIN_STATUS/></label>
                <select id="user-status" bind:value=typed_status>
                    <option value=""><Tr key=k::ADMIN_USERS_ANY_STATUS/></option>
                    {status_options}
                </select>
                <button type="submit"><Tr key=k::ADMIN_SEARCH_SUBMIT/></button>
            </form>
            <ErrorAlert message=error/>
            {move || match users.get() {
                None if error.get().is_some() => ().into_any(),
                None => view! { <Loading/> }.into_any(),
                Some(result) => view! { <UsersTable result page/> }.into_any(),
            }}
        </section>
        <DirectoryPanel connected=from_directory/>
        <Show when=move || manage.get()>
            <ExportButton filters/>
        </Show>
        <Show when=move || manage.get() && !from_directory.get()>
            <CreateUserForm/>
            <ImportForm on_done=reload/>
        </Show>
    }
}

#[component]
fn UsersTable(result: UserPage, page: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    let count = result.page_count();
    let current = result.page;
    let has_next = result.has_next();
    let total = result.total.to_string();
    let count_key = if result.more {
        k::ADMIN_USERS_COUNT_MORE
    } else {
        k::ADMIN_USERS_COUNT
    };
    let empty = result.rows.is_empty();
    let rows = result
        .rows
        .into_iter()
        .map(|user| {
            let status = user.status;
            let path = user_path(&user.username);
            view! {
                <tr>
                    <td><a href=path>{user.username}</a></td>
                    <td>{user.display_name}</td>
                    <td>{user.email.unwrap_or_default()}</td>
                    <td>{user.groups.join(", ")}</td>
                    <td>{move || i18n.t(status_key(status))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p role="status" class="result-count">{move || fill(i18n.t(count_key), &[("count", &total)])}</p>
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
            <button type="button" disabled={!has_next} on:click=move |_| page.update(|p| *p += 1)>
                <Tr key=k::ADMIN_NEXT/>
            </button>
        </nav>
    }
}

/// Downloads the users the current filters show as `users.csv`.
#[component]
fn ExportButton(filters: RwSignal<Filters>) -> impl IntoView {
    let (export, error) = form_action(|(search, group, status): Filters| {
        call(ExportUsers {
            search,
            group: group_arg(&group),
            status: AccountStatus::parse(&status),
        })
    });
    export.on_result(|result| {
        if let Ok(csv) = result {
            crate::components::download_csv("users.csv", csv);
        }
    });
    view! {
        <section class="card wide users-tools">
            <button type="button" disabled=move || export.pending().get() on:click=move |_| export.dispatch(filters.get_untracked())>
                <Tr key=k::ADMIN_USERS_EXPORT/>
            </button>
            <ErrorAlert message=error/>
        </section>
    }
}

#[component]
fn CreateUserForm() -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let username = RwSignal::new(String::new());
    let display_name = RwSignal::new(String::new());
    let email = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let invalid = RwSignal::new(None::<AppError>);
    let (create, error) = form_action(|(username, profile): (String, UserProfile)| {
        call(CreateUser { username, profile })
    });
    create.on_result(move |result| match result {
        Ok(name) => navigate(&user_path(name)),
        Err(e) => invalid.set(Some(e.clone())),
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        invalid.set(None);
        create.dispatch((
            username.get_untracked(),
            UserProfile {
                display_name: display_name.get_untracked(),
                email: email.get_untracked(),
                phone: phone.get_untracked(),
            },
        ));
    };
    view! {
        <section class="card wide" aria-labelledby="create-user-title">
            <h2 id="create-user-title"><Tr key=k::ADMIN_USERS_CREATE_TITLE/></h2>
            <p><Tr key=k::ADMIN_USERS_CREATE_HINT/></p>
            <form on:submit=on_submit novalidate>
                <ErrorAlert message=error/>
                <TextField id="new-username" label=k::FIELD_USERNAME value=username required=true problem=watch_field_problem(i18n, invalid, "username")/>
                <ProfileFields display_name email phone invalid/>
                <SubmitButton label=k::ADMIN_USERS_CREATE_SUBMIT busy_label=k::ADMIN_USERS_CREATING busy=create.pending()/>
            </form>
        </section>
    }
}

/// Display name, email and phone, shared by the create and edit forms.
#[component]
pub fn ProfileFields(
    display_name: RwSignal<String>,
    email: RwSignal<String>,
    phone: RwSignal<String>,
    invalid: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <TextField id="profile-display-name" label=k::ACCOUNT_DISPLAY_NAME value=display_name required=true problem=watch_field_problem(i18n, invalid, "display_name")/>
        <TextField id="profile-email" label=k::ACCOUNT_EMAIL value=email kind="email" problem=watch_field_problem(i18n, invalid, "email")/>
        <TextField id="profile-phone" label=k::ACCOUNT_PHONE value=phone kind="tel" problem=watch_field_problem(i18n, invalid, "phone")/>
    }
}

/// The words for why a CSV row cannot be imported.
fn import_problem(i18n: I18n, problem: &ImportProblem) -> String {
    match problem {
        ImportProblem::Unreadable => i18n.t(k::ADMIN_USERS_IMPORT_UNREADABLE).into(),
        ImportProblem::Duplicate => i18n.t(k::ADMIN_USERS_IMPORT_DUPLICATE).into(),
        ImportProblem::Field { field, problem } => {
            format!("{field}: {}", problem_text(i18n, *problem))
        }
    }
}

/// Choose a file, check it (nothing written), then import its valid rows.
#[component]
fn ImportForm(on_done: impl Fn() + Copy + 'static) -> impl IntoView {
    let i18n = use_i18n();
    let file = RwSignal::new(None::<String>);
    let summary = RwSignal::new(None::<ImportSummary>);
    let (import, error) =
        form_action(|(csv, apply): (String, bool)| call(ImportUsers { csv, apply }));
    import.on_result(move |result| {
        if let Ok(done) = result {
            if done.applied {
                on_done();
            }
            summary.set(Some(done.clone()));
        }
    });
    let on_file = move |ev: leptos::ev::Event| {
        summary.set(None);
        file.set(None);
        let input: web_sys::HtmlInputElement = event_target(&ev);
        let Some(chosen) = input.files().and_then(|files| files.get(0)) else {
            return;
        };
        leptos::task::spawn_local(async move {
            let text = wasm_bindgen_futures::JsFuture::from(chosen.text()).await;
            file.set(text.ok().and_then(|t| t.as_string()));
        });
    };
    let run = move |apply: bool| {
        if let Some(csv) = file.get_untracked() {
            import.dispatch((csv, apply));
        }
    };
    let busy = move || import.pending().get() || file.with(Option::is_none);
    let result = move || {
        summary.get().map(|done| {
            let key = if done.applied {
                k::ADMIN_USERS_APPLIED_SUMMARY
            } else {
                k::ADMIN_USERS_PREVIEW_SUMMARY
            };
            let imported = done.imported.to_string();
            let errors = done.errors.len().to_string();
            let text = fill(i18n.t(key), &[("count", &imported), ("errors", &errors)]);
            let rows = done
                .errors
                .iter()
                .map(|row| {
                    view! {
                        <tr>
                            <td>{row.line}</td>
                            <td>{row.username.clone()}</td>
                            <td>{import_problem(i18n, &row.problem)}</td>
                        </tr>
                    }
                })
                .collect_view();
            let has_errors = !done.errors.is_empty();
            let can_apply = !done.applied && done.imported > 0;
            view! {
                <p role="status" class="import-summary">{text}</p>
                {has_errors.then(|| view! {
                    <table class="users">
                        <caption><Tr key=k::ADMIN_USERS_IMPORT_ERRORS/></caption>
                        <thead>
                            <tr>
                                <th scope="col"><Tr key=k::ADMIN_USERS_LINE/></th>
                                <th scope="col"><Tr key=k::FIELD_USERNAME/></th>
                                <th scope="col"><Tr key=k::ADMIN_USERS_PROBLEM/></th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                })}
                {can_apply.then(|| view! {
                    <button type="button" class="primary" disabled=busy on:click=move |_| run(true)>
                        <Tr key=k::ADMIN_USERS_IMPORT_APPLY/>
                    </button>
                })}
            }
        })
    };
    view! {
        <section class="card wide" aria-labelledby="import-users-title">
            <h2 id="import-users-title"><Tr key=k::ADMIN_USERS_IMPORT_TITLE/></h2>
            <p id="import-hint"><Tr key=k::ADMIN_USERS_IMPORT_HINT/></p>
            <div class="field">
                <label for="import-file"><Tr key=k::ADMIN_USERS_IMPORT_FILE/></label>
                <input id="import-file" type="file" accept=".csv,text/csv" aria-describedby="import-hint" on:change=on_file/>
            </div>
            <div class="actions">
                <button type="button" disabled=busy on:click=move |_| run(false)>
                    <Tr key=k::ADMIN_USERS_IMPORT_CHECK/>
                </button>
            </div>
            <ErrorAlert message=error/>
            {result}
        </section>
    }
}
