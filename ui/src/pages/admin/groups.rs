//! `/admin/groups`: groups with their member counts; create, rename, delete, members.

use crate::client::call;
use crate::components::{
    field_problem, form_action, unless_field, ErrorAlert, Loading, Notice, PageTitle, SubmitButton,
    TextField, Tr,
};
use crate::i18n::{fill, k};
use crate::state::{use_i18n, I18n};
use app::api::{
    AddGroupMember, CreateGroup, DeleteGroup, GroupMembers, GroupSummary, ListGroups, MemberList,
    RemoveGroupMember, RenameGroup,
};
use leptos::prelude::*;

#[component]
pub fn GroupsPage() -> impl IntoView {
    let i18n = use_i18n();
    let groups = RwSignal::new(None::<Vec<GroupSummary>>);
    let selected = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    let (load, load_error) = form_action(|()| call(ListGroups {}));
    load.on_result(move |result| {
        if let Ok(list) = result {
            groups.set(Some(list.clone()));
        }
    });
    load.dispatch(());
    let reload = move || load.dispatch(());

    let new_name = RwSignal::new(String::new());
    let name_problem = RwSignal::new(None::<String>);
    let (create, create_error) = form_action(|name: String| call(CreateGroup { name }));
    create.on_result(move |result| {
        name_problem.set(field_problem(i18n, result.as_ref().err(), "name"));
        if let Ok(group) = result {
            new_name.set(String::new());
            done.set(Some(fill(
                i18n.t(k::ADMIN_GROUPS_CREATED),
                &[("name", &group.name)],
            )));
            selected.set(Some(group.name.clone()));
            reload();
        }
    });

    view! {
        <section class="card wide groups">
            <PageTitle key=k::ADMIN_SECTION_GROUPS/>
            <ErrorAlert message=load_error/>
            <Notice message=done/>
            <form class="inline" novalidate on:submit=move |ev| {
                ev.prevent_default();
                done.set(None);
                create.dispatch(new_name.get_untracked());
            }>
                <TextField id="group-name" label=k::ADMIN_GROUPS_CREATE_LABEL value=new_name
                    problem=name_problem required=true/>
                <SubmitButton label=k::ADMIN_GROUPS_CREATE_SUBMIT busy_label=k::ADMIN_GROUPS_BUSY
                    busy=create.pending()/>
            </form>
            <ErrorAlert message=unless_field(create_error, name_problem)/>
            {move || match groups.get() {
                None if load_error.get().is_some() => ().into_any(),
                None => view! { <Loading/> }.into_any(),
                Some(list) => groups_table(i18n, list, selected).into_any(),
            }}
            {move || selected.get().map(|name| group_panel(i18n, name, groups, selected, done, reload))}
        </section>
    }
}

fn groups_table(
    i18n: I18n,
    list: Vec<GroupSummary>,
    selected: RwSignal<Option<String>>,
) -> impl IntoView {
    if list.is_empty() {
        return view! { <p><Tr key=k::ADMIN_GROUPS_NONE/></p> }.into_any();
    }
    let rows = list
        .into_iter()
        .map(|group| {
            let name = group.name.clone();
            let label = fill(i18n.t(k::ADMIN_GROUPS_MANAGE_LABEL), &[("name", &group.name)]);
            view! {
                <tr>
                    <th scope="row">{group.name}</th>
                    <td>{group.members.to_string()}</td>
                    <td>{group.in_reset_scope.then(|| view! { <Tr key=k::ADMIN_GROUPS_IN_SCOPE/> })}</td>
                    <td>
                        <button type="button" aria-label=label
                            on:click=move |_| selected.set(Some(name.clone()))>
                            <Tr key=k::ADMIN_GROUPS_MANAGE/>
                        </button>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="groups">
            <caption class="visually-hidden"><Tr key=k::ADMIN_SECTION_GROUPS/></caption>
            <thead>
                <tr>
                    <th scope="col"><Tr key=k::ADMIN_GROUPS_COL_NAME/></th>
                    <th scope="col"><Tr key=k::ADMIN_GROUPS_COL_MEMBERS/></th>
                    <th scope="col"><Tr key=k::ADMIN_GROUPS_COL_SCOPE/></th>
                    <th scope="col"><Tr key=k::ADMIN_GROUPS_MANAGE/></th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
    .into_any()
}

/// What to do with a group's members.
enum MemberOp {
    List,
    Add(String),
    Remove(String),
}

/// The selected group: rename, delete, and its members.
fn group_panel(
    i18n: I18n,
    name: String,
    groups: RwSignal<Option<Vec<GroupSummary>>>,
    selected: RwSignal<Option<String>>,
    done: RwSignal<Option<String>>,
    reload: impl Fn() + Copy + 'static,
) -> impl IntoView {
    let group = StoredValue::new(name.clone());
    let in_scope = move || {
        groups.with(|list| {
            list.iter()
                .flatten()
                .any(|g| g.in_reset_scope && group.with_value(|n| *n == g.name))
        })
    };

    let new_name = RwSignal::new(name.clone());
    let rename_problem = RwSignal::new(None::<String>);
    let (rename, rename_error) =
        form_action(|(name, new_name): (String, String)| call(RenameGroup { name, new_name }));
    rename.on_result(move |result| {
        rename_problem.set(field_problem(i18n, result.as_ref().err(), "new_name"));
        if let Ok(renamed) = result {
            done.set(Some(fill(
                i18n.t(k::ADMIN_GROUPS_RENAMED),
                &[("name", &renamed.name)],
            )));
            selected.set(Some(renamed.name.clone()));
            reload();
        }
    });

    let confirming = RwSignal::new(false);
    let (delete, delete_error) = form_action(|name: String| call(DeleteGroup { name }));
    delete.on_result(move |result| {
        confirming.set(false);
        if result.is_ok() {
            let name = group.get_value();
            done.set(Some(fill(
                i18n.t(k::ADMIN_GROUPS_DELETED),
                &[("name", &name)],
            )));
            selected.set(None);
            reload();
        }
    });

    let members = RwSignal::new(None::<MemberList>);
    let member = RwSignal::new(String::new());
    let member_problem = RwSignal::new(None::<String>);
    let (change, member_error) = form_action(|(name, op): (String, MemberOp)| async move {
        match op {
            MemberOp::List => call(GroupMembers { name }).await,
            MemberOp::Add(username) => call(AddGroupMember { name, username }).await,
            MemberOp::Remove(username) => call(RemoveGroupMember { name, username }).await,
        }
    });
    change.on_result(move |result| {
        member_problem.set(field_problem(i18n, result.as_ref().err(), "username"));
        if let Ok(list) = result {
            // The counts in the table change with the members.
            if members.with_untracked(|m| m.as_ref().is_some_and(|m| m.total != list.total)) {
                member.set(String::new());
                done.set(Some(fill(
                    i18n.t(k::ADMIN_GROUPS_MEMBERS_CHANGED),
                    &[("name", &list.group)],
                )));
                reload();
            }
            members.set(Some(list.clone()));
        }
    });
    change.dispatch((name.clone(), MemberOp::List));
    let remove = move |username| change.dispatch((group.get_value(), MemberOp::Remove(username)));

    let heading = name.clone();
    view! {
        <section class="group-panel" aria-labelledby="group-panel-title">
            <h2 id="group-panel-title">{heading}</h2>
            <Show when=in_scope>
                <p class="alert info"><Tr key=k::ADMIN_GROUPS_SCOPE_NOTE/></p>
            </Show>
            <form class="inline" novalidate on:submit=move |ev| {
                ev.prevent_default();
                done.set(None);
                rename.dispatch((group.get_value(), new_name.get_untracked()));
            }>
                <TextField id="group-new-name" label=k::ADMIN_GROUPS_RENAME_LABEL value=new_name
                    problem=rename_problem required=true/>
                <SubmitButton label=k::ADMIN_GROUPS_RENAME_SUBMIT busy_label=k::ADMIN_GROUPS_BUSY
                    busy=rename.pending()/>
            </form>
            <ErrorAlert message=unless_field(rename_error, rename_problem)/>

            <h3>{move || {
                let total = members.with(|m| m.as_ref().map_or(0, |m| m.total)).to_string();
                fill(i18n.t(k::ADMIN_GROUPS_MEMBERS_TITLE), &[("count", &total)])
            }}</h3>
            {move || members.get().map(|list| member_list(i18n, list, group, remove))}
            <form class="inline" novalidate on:submit=move |ev| {
                ev.prevent_default();
                done.set(None);
                change.dispatch((group.get_value(), MemberOp::Add(member.get_untracked())));
            }>
                <TextField id="group-member" label=k::ADMIN_GROUPS_MEMBER_LABEL value=member
                    problem=member_problem required=true/>
                <SubmitButton label=k::ADMIN_GROUPS_MEMBER_ADD busy_label=k::ADMIN_GROUPS_BUSY
                    busy=change.pending()/>
            </form>
            <ErrorAlert message=unless_field(member_error, member_problem)/>

            <div class="group-actions">
                <Show when=move || confirming.get() fallback=move || view! {
                    <button type="button" class="danger" on:click=move |_| {
                        done.set(None);
                        confirming.set(true);
                    }><Tr key=k::ADMIN_GROUPS_DELETE/></button>
                    <button type="button" on:click=move |_| selected.set(None)>
                        <Tr key=k::ADMIN_GROUPS_CLOSE/>
                    </button>
                }>
                    <p>{move || group.with_value(|n| fill(i18n.t(k::ADMIN_GROUPS_DELETE_CONFIRM), &[("name", n)]))}</p>
                    <button type="button" class="danger" disabled=delete.pending()
                        on:click=move |_| delete.dispatch(group.get_value())>
                        <Tr key=k::ADMIN_GROUPS_DELETE_YES/>
                    </button>
                    <button type="button" on:click=move |_| confirming.set(false)>
                        <Tr key=k::ADMIN_CANCEL/>
                    </button>
                </Show>
            </div>
            <ErrorAlert message=delete_error/>
        </section>
    }
}

fn member_list(
    i18n: I18n,
    list: MemberList,
    group: StoredValue<String>,
    remove: impl Fn(String) + Copy + 'static,
) -> impl IntoView {
    if list.members.is_empty() {
        return view! { <p><Tr key=k::ADMIN_GROUPS_MEMBERS_NONE/></p> }.into_any();
    }
    let shown = list.members.len();
    let more = (list.total > shown as u64).then(|| {
        fill(
            i18n.t(k::ADMIN_GROUPS_MEMBERS_MORE),
            &[
                ("shown", &shown.to_string()),
                ("count", &list.total.to_string()),
            ],
        )
    });
    let items = list
        .members
        .into_iter()
        .map(|m| {
            let label = group.with_value(|g| {
                fill(
                    i18n.t(k::ADMIN_GROUPS_MEMBER_REMOVE_LABEL),
                    &[("user", &m.username), ("group", g)],
                )
            });
            let username = m.username.clone();
            view! {
                <li>
                    <span>{m.username}" · "{m.display_name}</span>
                    <button type="button" aria-label=label on:click=move |_| remove(username.clone())>
                        <Tr key=k::ADMIN_GROUPS_MEMBER_REMOVE/>
                    </button>
                </li>
            }
        })
        .collect_view();
    view! {
        <ul class="group-members">{items}</ul>
        {more.map(|text| view! { <p class="hint">{text}</p> })}
    }
    .into_any()
}
