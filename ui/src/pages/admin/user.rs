//! `/admin/users/<username>`: one user, and the actions on them. The server says which
//! actions this caller may take on this user, so only those buttons are shown (and the
//! server checks again on every call).

use super::labels::method_label;
use super::users::{status_key, ProfileFields};
use crate::client::call;
use crate::components::{form_action, local_time, ErrorAlert, Loading, Notice, SubmitButton, Tr};
use crate::i18n::{fill, k, Key};
use crate::state::{use_i18n, I18n};
use app::api::{
    GetUser, RequireReregistration, ResetUserPassword, RevokeUserSessions, SetUserEnabled,
    UnlockUser, UpdateUser, UserDetail, UserProfile,
};
use app::domain::{AppError, Role};
use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;

/// An action whose answer is the user page again.
#[derive(Clone)]
enum Act {
    Unlock,
    Revoke,
    Reregister,
    Enable(bool),
    Save(UserProfile),
}

impl Act {
    fn done(&self) -> Key {
        match self {
            Self::Unlock => k::ADMIN_USERS_DONE_UNLOCK,
            Self::Revoke => k::ADMIN_USERS_DONE_REVOKE,
            Self::Reregister => k::ADMIN_USERS_DONE_REREGISTER,
            Self::Enable(true) => k::ADMIN_USERS_DONE_ENABLE,
            Self::Enable(false) => k::ADMIN_USERS_DONE_DISABLE,
            Self::Save(_) => k::ADMIN_SAVED,
        }
    }
}

type Answer = Pin<Box<dyn Future<Output = Result<UserDetail, AppError>>>>;

/// One boxed future for every action, so the page carries one form action for all.
fn run(act: Act, username: String) -> Answer {
    match act {
        Act::Unlock => Box::pin(call(UnlockUser { username })),
        Act::Revoke => Box::pin(call(RevokeUserSessions { username })),
        Act::Reregister => Box::pin(call(RequireReregistration { username })),
        Act::Enable(enabled) => Box::pin(call(SetUserEnabled { username, enabled })),
        Act::Save(profile) => Box::pin(call(UpdateUser { username, profile })),
    }
}

/// What the page keeps across reloads of the user.
#[derive(Clone, Copy)]
struct State {
    detail: RwSignal<Option<UserDetail>>,
    notice: RwSignal<Option<String>>,
    /// Shown once, right after a reset; gone when the page is left.
    temporary: RwSignal<Option<String>>,
    editing: RwSignal<bool>,
    invalid: RwSignal<Option<AppError>>,
}

#[component]
pub fn UserPage(username: String) -> impl IntoView {
    let name = js_sys::decode_uri_component(&username)
        .ok()
        .and_then(|decoded| decoded.as_string())
        .unwrap_or(username);
    let state = State {
        detail: RwSignal::new(None),
        notice: RwSignal::new(None),
        temporary: RwSignal::new(None),
        editing: RwSignal::new(false),
        invalid: RwSignal::new(None),
    };
    let (load, load_error) = form_action(|username: String| call(GetUser { username }));
    load.on_result(move |result| {
        if let Ok(found) = result {
            state.detail.set(Some(found.clone()));
        }
    });
    load.dispatch(name);
    view! {
        <section class="card wide user-page">
            <p><a href="/admin/users"><Tr key=k::ADMIN_USERS_BACK/></a></p>
            <ErrorAlert message=load_error/>
            {move || match state.detail.get() {
                None if load_error.get().is_some() => ().into_any(),
                None => view! { <Loading/> }.into_any(),
                Some(detail) => view! { <UserView detail state/> }.into_any(),
            }}
        </section>
    }
}

fn time_or_never(i18n: I18n, at: Option<i64>) -> String {
    match at {
        Some(at) => local_time(i18n, at),
        None => i18n.t(k::ADMIN_USERS_NEVER).into(),
    }
}

fn role_key(role: Role) -> Key {
    match role {
        Role::GlobalAdmin => k::ADMIN_USERS_ROLE_GLOBAL_ADMIN,
        Role::HelpdeskAdmin => k::ADMIN_USERS_ROLE_HELPDESK_ADMIN,
        Role::ReportsReader => k::ADMIN_USERS_ROLE_REPORTS_READER,
    }
}

/// A label and its value in the profile list.
fn row(label: Key, value: impl IntoView + 'static) -> impl IntoView {
    view! { <div class="profile-row"><dt><Tr key=label/></dt><dd>{value}</dd></div> }
}

#[component]
fn UserView(detail: UserDetail, state: State) -> impl IntoView {
    let i18n = use_i18n();
    let title = detail.display_name.clone();
    Effect::new(move |_| document().set_title(&format!("{title} · sspr")));
    let status = detail.status;
    let status_text = move || {
        let text = i18n.t(status_key(status)).to_owned();
        match detail.locked_until {
            Some(until) => format!(
                "{text} ({})",
                fill(
                    i18n.t(k::ADMIN_USERS_LOCKED_UNTIL),
                    &[("time", &local_time(i18n, until))]
                )
            ),
            None => text,
        }
    };
    let not_set = move || i18n.t(k::ACCOUNT_NOT_SET);
    let email = detail.email.clone();
    let phone = detail.phone.clone();
    let (created, last_sign_in, last_reset) = (
        detail.created_at,
        detail.last_sign_in_at,
        detail.last_reset_at,
    );
    let groups = if detail.groups.is_empty() {
        i18n.t(k::ADMIN_USERS_NO_ROLES).to_owned()
    } else {
        detail.groups.join(", ")
    };
    let roles = detail.roles.clone();
    let roles_text = move || {
        if roles.is_empty() {
            return i18n.t(k::ADMIN_USERS_NO_ROLES).to_owned();
        }
        let names: Vec<&str> = roles.iter().map(|r| i18n.t(role_key(*r))).collect();
        names.join(", ")
    };
    let methods = detail
        .methods
        .iter()
        .map(|method| {
            let kind = method.kind;
            let shown = method.detail.clone().unwrap_or_default();
            let at = method.registered_at;
            let registered = method.registered;
            view! {
                <li>
                    <Tr key=method_label(kind)/>": "
                    {move || if registered {
                        fill(i18n.t(k::METHOD_REGISTERED), &[("detail", &shown), ("date", &time_or_never(i18n, at))])
                    } else {
                        i18n.t(k::METHOD_NOT_REGISTERED).to_owned()
                    }}
                </li>
            }
        })
        .collect_view();
    let session_count = detail.sessions.len().to_string();
    let sessions = detail
        .sessions
        .iter()
        .map(|s| {
            let (started, seen) = (s.created_at, s.last_seen_at);
            view! {
                <tr>
                    <td>{move || local_time(i18n, started)}</td>
                    <td>{move || local_time(i18n, seen)}</td>
                </tr>
            }
        })
        .collect_view();
    let no_events = detail.events.is_empty();
    let events = detail
        .events
        .iter()
        .map(|e| {
            let at = e.at;
            view! {
                <tr>
                    <td>{move || local_time(i18n, at)}</td>
                    <td>{e.event.clone()}</td>
                    <td>{e.outcome.clone()}</td>
                    <td>{e.detail.clone()}</td>
                    <td>{e.actor.clone().unwrap_or_default()}</td>
                </tr>
            }
        })
        .collect_view();
    let has_sessions = !detail.sessions.is_empty();
    view! {
        <h1>{detail.display_name.clone()}</h1>
        <Actions detail=detail.clone() state/>
        <h2><Tr key=k::ADMIN_USERS_PROFILE/></h2>
        {detail.must_change_password.then(|| view! { <p class="must-change"><Tr key=k::ADMIN_USERS_MUST_CHANGE/></p> })}
        <dl class="profile">
            {row(k::FIELD_USERNAME, detail.username.clone())}
            {row(k::ACCOUNT_EMAIL, move || email.clone().unwrap_or_else(|| not_set().into()))}
            {row(k::ACCOUNT_PHONE, move || phone.clone().unwrap_or_else(|| not_set().into()))}
            {row(k::ADMIN_STATUS, status_text)}
            {row(k::ADMIN_GROUPS, groups)}
            {row(k::ADMIN_USERS_ROLES, roles_text)}
            {row(k::ADMIN_USERS_CREATED, move || local_time(i18n, created))}
            {row(k::ADMIN_USERS_LAST_SIGN_IN, move || time_or_never(i18n, last_sign_in))}
            {row(k::ADMIN_USERS_LAST_RESET, move || time_or_never(i18n, last_reset))}
        </dl>
        <h2><Tr key=k::ADMIN_USERS_METHODS/></h2>
        <ul class="methods">{methods}</ul>
        <h2><Tr key=k::ADMIN_USERS_SESSIONS/></h2>
        <p class="session-count">{move || fill(i18n.t(k::ADMIN_USERS_SESSION_COUNT), &[("count", &session_count)])}</p>
        {has_sessions.then(|| view! {
            <table class="users">
                <caption class="visually-hidden"><Tr key=k::ADMIN_USERS_SESSIONS/></caption>
                <thead><tr>
                    <th scope="col"><Tr key=k::ADMIN_USERS_SESSION_STARTED/></th>
                    <th scope="col"><Tr key=k::ADMIN_USERS_SESSION_SEEN/></th>
                </tr></thead>
                <tbody>{sessions}</tbody>
            </table>
        })}
        <h2><Tr key=k::ADMIN_USERS_EVENTS/></h2>
        {no_events.then(|| view! { <p><Tr key=k::ADMIN_USERS_NO_EVENTS/></p> })}
        <table class="users" hidden=no_events>
            <caption class="visually-hidden"><Tr key=k::ADMIN_USERS_EVENTS/></caption>
            <thead><tr>
                <th scope="col"><Tr key=k::ADMIN_USERS_EVENT_TIME/></th>
                <th scope="col"><Tr key=k::ADMIN_USERS_EVENT/></th>
                <th scope="col"><Tr key=k::ADMIN_USERS_OUTCOME/></th>
                <th scope="col"><Tr key=k::ADMIN_USERS_DETAIL/></th>
                <th scope="col"><Tr key=k::ADMIN_USERS_BY/></th>
            </tr></thead>
            <tbody>{events}</tbody>
        </table>
    }
}

/// The buttons this caller may use on this user, their results, and the edit form.
#[component]
fn Actions(detail: UserDetail, state: State) -> impl IntoView {
    let i18n = use_i18n();
    let username = StoredValue::new(detail.username.clone());
    let done = StoredValue::new(k::ADMIN_SAVED);
    let (act, error) = form_action(|(act, username): (Act, String)| run(act, username));
    act.on_result(move |result| match result {
        Ok(fresh) => {
            state.invalid.set(None);
            state.editing.set(false);
            state.notice.set(Some(i18n.t(done.get_value()).to_owned()));
            state.detail.set(Some(fresh.clone()));
        }
        Err(e) => state.invalid.set(Some(e.clone())),
    });
    let (reset, reset_error) = form_action(|username: String| call(ResetUserPassword { username }));
    reset.on_result(move |result| {
        if let Ok(temporary) = result {
            state.notice.set(None);
            state.temporary.set(Some(temporary.password.clone()));
        }
    });
    let busy = Signal::derive(move || act.pending().get() || reset.pending().get());
    let start = move |what: Act| {
        state.temporary.set(None);
        state.notice.set(None);
        done.set_value(what.done());
        act.dispatch((what, username.get_value()));
    };
    let button = move |label: Key, what: Act| {
        view! {
            <button type="button" disabled=busy on:click=move |_| start(what.clone())><Tr key=label/></button>
        }
    };
    let enabled = detail.status != app::api::AccountStatus::Disabled;
    let locked = detail.status == app::api::AccountStatus::Locked;
    let help = detail.may_help.then(|| {
        view! {
            <button type="button" disabled=busy on:click=move |_| {
                state.notice.set(None);
                reset.dispatch(username.get_value());
            }><Tr key=k::ADMIN_USERS_RESET_PASSWORD/></button>
            {locked.then(|| button(k::ADMIN_USERS_UNLOCK, Act::Unlock))}
            {button(k::ADMIN_USERS_REVOKE, Act::Revoke)}
            {button(k::ADMIN_USERS_REREGISTER, Act::Reregister)}
        }
    });
    let manage = detail.may_manage.then(|| {
        view! {
            {button(if enabled { k::ADMIN_USERS_DISABLE } else { k::ADMIN_USERS_ENABLE }, Act::Enable(!enabled))}
            <button type="button" aria-expanded=move || state.editing.get().to_string() on:click=move |_| state.editing.update(|open| *open = !*open)>
                <Tr key=k::ADMIN_USERS_EDIT/>
            </button>
        }
    });
    let any = detail.may_help || detail.may_manage;
    let profile = UserProfile {
        display_name: detail.display_name.clone(),
        email: detail.email.clone().unwrap_or_default(),
        phone: detail.phone.clone().unwrap_or_default(),
    };
    view! {
        <Notice message=state.notice/>
        <ErrorAlert message=error/>
        <ErrorAlert message=reset_error/>
        {move || state.temporary.get().map(|password| view! {
            <div class="alert success temp-password" role="status">
                <p><Tr key=k::ADMIN_USERS_TEMP_PASSWORD/></p>
                <code>{password}</code>
            </div>
        })}
        {any.then(|| view! {
            <h2><Tr key=k::ADMIN_USERS_ACTIONS/></h2>
            <div class="actions">{help}{manage}</div>
        })}
        <Show when=move || state.editing.get()>
            <EditForm profile=profile.clone() busy on_save=move |p| start(Act::Save(p)) invalid=state.invalid/>
        </Show>
    }
}

#[component]
fn EditForm(
    profile: UserProfile,
    busy: Signal<bool>,
    on_save: impl Fn(UserProfile) + 'static,
    invalid: RwSignal<Option<AppError>>,
) -> impl IntoView {
    let display_name = RwSignal::new(profile.display_name);
    let email = RwSignal::new(profile.email);
    let phone = RwSignal::new(profile.phone);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        on_save(UserProfile {
            display_name: display_name.get_untracked(),
            email: email.get_untracked(),
            phone: phone.get_untracked(),
        });
    };
    view! {
        <form class="edit-user" on:submit=on_submit novalidate>
            <ProfileFields display_name email phone invalid/>
            <SubmitButton label=k::ADMIN_SAVE busy_label=k::ADMIN_USERS_WORKING busy/>
        </form>
    }
}
