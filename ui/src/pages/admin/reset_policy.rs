//! `/admin/reset-policy`: every setting of the password reset policy, the registration
//! policy and the security question bank. The server validates and names the field at
//! fault; this page only shows its answer beside that field.

use super::labels::method_label;
use crate::client::call;
use crate::components::{form_action, watch_field_problem, ErrorAlert, Notice, SubmitButton, Tr};
use crate::i18n::{fill, k, Key};
use crate::state::{use_i18n, I18n};
use app::api::{
    AdminAddSecurityQuestion, AdminPreviewResetScope, AdminResetPolicy, AdminSaveResetPolicy,
    AdminSetSecurityQuestionActive, BankQuestion, RegistrationPolicy, ResetPolicyEditor,
    ResetPolicySaved, ResetRevisions, SettingChange,
};
use app::domain::reset_policy::{ResetPolicy, ResetScope};
use app::domain::{AppError, MethodKind};
use leptos::prelude::*;

/// The field a save failed on, for the inputs to show their problem beside themselves.
pub(super) type Failure = RwSignal<Option<AppError>>;

/// A labelled whole-number input; out-of-range values go to the server, which explains.
#[component]
pub(super) fn Number(
    id: &'static str,
    label: Key,
    value: RwSignal<u32>,
    failure: Failure,
) -> impl IntoView {
    let i18n = use_i18n();
    let problem = watch_field_problem(i18n, failure, id);
    let hint = format!("{id}-problem");
    let described = hint.clone();
    view! {
        <div class="field">
            <label for=id>{move || i18n.t(label)}</label>
            <input id=id type="number" inputmode="numeric"
                prop:value=move || value.get().to_string()
                on:input=move |ev| { if let Ok(n) = event_target_value(&ev).trim().parse() { value.set(n) } }
                aria-invalid=move || problem.get().is_some().to_string()
                aria-describedby=move || problem.get().map(|_| described.clone())/>
            <p class="field-problem" id=hint hidden=move || problem.get().is_none()>{move || problem.get()}</p>
        </div>
    }
}

/// A labelled checkbox.
#[component]
pub(super) fn Check(id: &'static str, label: Key, value: RwSignal<bool>) -> impl IntoView {
    view! {
        <div class="check">
            <input id=id type="checkbox" bind:checked=value/>
            <label for=id><Tr key=label/></label>
        </div>
    }
}

/// The problem shown under a group of inputs (a fieldset) rather than one input.
#[component]
pub(super) fn GroupProblem(failure: Failure, field: &'static str) -> impl IntoView {
    let problem = watch_field_problem(use_i18n(), failure, field);
    view! { <p class="field-problem" id=format!("{field}-problem") hidden=move || problem.get().is_none()>{move || problem.get()}</p> }
}

/// "Saved" with the list of changed settings, each named by its label where known.
pub(super) fn saved_text(i18n: I18n, changes: &[SettingChange]) -> String {
    if changes.is_empty() {
        return i18n.t(k::ADMIN_POLICIES_SAVED_NOTHING).into();
    }
    let list: Vec<String> = changes
        .iter()
        .map(|c| {
            let name = FIELDS
                .iter()
                .find(|(field, _)| *field == c.field)
                .map_or(c.field.as_str(), |(_, key)| i18n.t(*key));
            format!("{name}: {} → {}", c.from, c.to)
        })
        .collect();
    fill(
        i18n.t(k::ADMIN_POLICIES_SAVED_CHANGES),
        &[("list", &list.join("; "))],
    )
}

/// Labels of the settings, by the field names the server uses.
const FIELDS: [(&str, Key); 25] = [
    ("scope", k::ADMIN_POLICIES_SCOPE),
    ("methods", k::ADMIN_POLICIES_METHODS),
    ("methods_required", k::ADMIN_POLICIES_METHODS_REQUIRED),
    ("questions_to_reset", k::ADMIN_POLICIES_QUESTIONS_TO_RESET),
    ("unlock_allowed", k::ADMIN_POLICIES_UNLOCK_ALLOWED),
    ("notify_user", k::ADMIN_POLICIES_NOTIFY_USER),
    ("notify_admins", k::ADMIN_POLICIES_NOTIFY_ADMINS),
    ("directory_contacts", k::ADMIN_POLICIES_DIRECTORY_CONTACTS),
    ("wizard_minutes", k::ADMIN_POLICIES_WIZARD_MINUTES),
    ("max_gate_failures", k::ADMIN_POLICIES_MAX_GATE_FAILURES),
    ("max_resets_per_day", k::ADMIN_POLICIES_MAX_RESETS_PER_DAY),
    ("captcha_difficulty", k::ADMIN_POLICIES_CAPTCHA_DIFFICULTY),
    ("contact_admin", k::ADMIN_POLICIES_CONTACT_ADMIN),
    (
        "registration.require_at_sign_in",
        k::ADMIN_POLICIES_REG_REQUIRE,
    ),
    (
        "registration.reconfirm_days",
        k::ADMIN_POLICIES_REG_RECONFIRM,
    ),
    (
        "registration.methods_required",
        k::ADMIN_POLICIES_REG_METHODS,
    ),
    (
        "registration.postpone_limit",
        k::ADMIN_POLICIES_REG_POSTPONE,
    ),
    (
        "registration.question_count",
        k::ADMIN_POLICIES_REG_QUESTIONS,
    ),
    ("min_chars", k::ADMIN_POLICIES_MIN_CHARS),
    ("max_chars", k::ADMIN_POLICIES_MAX_CHARS),
    ("history_depth", k::ADMIN_POLICIES_HISTORY_DEPTH),
    ("banned_words", k::ADMIN_POLICIES_BANNED_WORDS),
    ("lockout_threshold", k::ADMIN_POLICIES_LOCKOUT_THRESHOLD),
    ("lockout_minutes", k::ADMIN_POLICIES_LOCKOUT_MINUTES),
    ("questions", k::ADMIN_POLICIES_QUESTIONS_TITLE),
];

/// The form's state: one signal per setting, all `Copy`.
#[derive(Clone, Copy)]
struct Draft {
    scope: RwSignal<&'static str>,
    groups: RwSignal<Vec<String>>,
    methods: RwSignal<Vec<MethodKind>>,
    methods_required: RwSignal<u32>,
    questions_to_reset: RwSignal<u32>,
    unlock_allowed: RwSignal<bool>,
    notify_user: RwSignal<bool>,
    notify_admins: RwSignal<bool>,
    directory_contacts: RwSignal<bool>,
    wizard_minutes: RwSignal<u32>,
    max_gate_failures: RwSignal<u32>,
    max_resets_per_day: RwSignal<u32>,
    captcha_difficulty: RwSignal<u32>,
    contact_admin: RwSignal<String>,
    require_at_sign_in: RwSignal<bool>,
    reconfirm_days: RwSignal<u32>,
    reg_methods: RwSignal<u32>,
    postpone_limit: RwSignal<u32>,
    question_count: RwSignal<u32>,
    revisions: RwSignal<ResetRevisions>,
}

/// A number too large for its setting becomes the setting's maximum, which the server
/// then refuses with its range.
fn narrow<T: TryFrom<u32> + Bounded>(n: u32) -> T {
    T::try_from(n).unwrap_or(T::MAX)
}

trait Bounded {
    const MAX: Self;
}
impl Bounded for u8 {
    const MAX: u8 = u8::MAX;
}
impl Bounded for u16 {
    const MAX: u16 = u16::MAX;
}

impl Draft {
    fn new(e: &ResetPolicyEditor) -> Self {
        let (r, g) = (&e.reset, &e.registration);
        let (scope, groups) = match &r.scope {
            ResetScope::Nobody => ("nobody", vec![]),
            ResetScope::Groups(names) => ("groups", names.clone()),
            ResetScope::Everyone => ("everyone", vec![]),
        };
        Self {
            scope: RwSignal::new(scope),
            groups: RwSignal::new(groups),
            methods: RwSignal::new(r.methods.clone()),
            methods_required: RwSignal::new(r.methods_required.into()),
            questions_to_reset: RwSignal::new(r.questions_to_reset.into()),
            unlock_allowed: RwSignal::new(r.unlock_allowed),
            notify_user: RwSignal::new(r.notify_user),
            notify_admins: RwSignal::new(r.notify_admins),
            directory_contacts: RwSignal::new(r.directory_contacts),
            wizard_minutes: RwSignal::new(r.wizard_minutes.into()),
            max_gate_failures: RwSignal::new(r.max_gate_failures.into()),
            max_resets_per_day: RwSignal::new(r.max_resets_per_day.into()),
            captcha_difficulty: RwSignal::new(r.captcha_difficulty.into()),
            contact_admin: RwSignal::new(r.contact_admin.clone()),
            require_at_sign_in: RwSignal::new(g.require_at_sign_in),
            reconfirm_days: RwSignal::new(g.reconfirm_days.into()),
            reg_methods: RwSignal::new(g.methods_required.into()),
            postpone_limit: RwSignal::new(g.postpone_limit.into()),
            question_count: RwSignal::new(g.question_count.into()),
            revisions: RwSignal::new(e.revisions),
        }
    }

    fn reset(self) -> ResetPolicy {
        ResetPolicy {
            scope: match self.scope.get_untracked() {
                "nobody" => ResetScope::Nobody,
                "groups" => ResetScope::Groups(self.groups.get_untracked()),
                _ => ResetScope::Everyone,
            },
            methods: self.methods.get_untracked(),
            methods_required: narrow(self.methods_required.get_untracked()),
            questions_to_reset: narrow(self.questions_to_reset.get_untracked()),
            unlock_allowed: self.unlock_allowed.get_untracked(),
            notify_user: self.notify_user.get_untracked(),
            notify_admins: self.notify_admins.get_untracked(),
            wizard_minutes: narrow(self.wizard_minutes.get_untracked()),
            max_gate_failures: narrow(self.max_gate_failures.get_untracked()),
            max_resets_per_day: narrow(self.max_resets_per_day.get_untracked()),
            captcha_difficulty: narrow(self.captcha_difficulty.get_untracked()),
            contact_admin: self.contact_admin.get_untracked(),
            directory_contacts: self.directory_contacts.get_untracked(),
        }
    }

    fn registration(self) -> RegistrationPolicy {
        RegistrationPolicy {
            require_at_sign_in: self.require_at_sign_in.get_untracked(),
            reconfirm_days: narrow(self.reconfirm_days.get_untracked()),
            methods_required: narrow(self.reg_methods.get_untracked()),
            postpone_limit: narrow(self.postpone_limit.get_untracked()),
            question_count: narrow(self.question_count.get_untracked()),
        }
    }
}

#[component]
pub fn ResetPolicyPage() -> impl IntoView {
    super::policy_page::policy_page(
        k::ADMIN_SECTION_RESET_POLICY,
        || call(AdminResetPolicy {}),
        |found, reload| view! { <ResetPolicyForm found reload/> }.into_any(),
    )
}

#[component]
fn ResetPolicyForm(found: ResetPolicyEditor, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let d = Draft::new(&found);
    let failure: Failure = RwSignal::new(None);
    let notice = RwSignal::new(None::<String>);
    let (save, save_error) = form_action(
        |(reset, registration, revisions): (ResetPolicy, RegistrationPolicy, ResetRevisions)| {
            call(AdminSaveResetPolicy {
                reset,
                registration,
                revisions,
            })
        },
    );
    save.on_result(
        move |result: &Result<ResetPolicySaved, AppError>| match result {
            Ok(saved) => {
                failure.set(None);
                d.revisions.set(saved.editor.revisions);
                notice.set(Some(saved_text(i18n, &saved.changes)));
            }
            Err(error) => {
                notice.set(None);
                failure.set(Some(error.clone()));
            }
        },
    );
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        save.dispatch((d.reset(), d.registration(), d.revisions.get_untracked()));
    };
    let preview = RwSignal::new(None::<String>);
    let (look, look_error) =
        form_action(|reset: ResetPolicy| call(AdminPreviewResetScope { reset }));
    look.on_result(move |result| {
        if let Ok(p) = result {
            let text = fill(
                i18n.t(k::ADMIN_POLICIES_PREVIEW_RESULT),
                &[
                    ("in_scope", &p.in_scope.to_string()),
                    ("users", &p.users.to_string()),
                    ("can_reset", &p.can_reset.to_string()),
                ],
            );
            preview.set(Some(text));
        }
    });
    look.dispatch(d.reset());

    let scope_choice = move |value: &'static str, label: Key| {
        let id = format!("scope-{value}");
        view! {
            <div class="choice">
                <input type="radio" name="scope" id=id.clone() value=value
                    prop:checked=move || d.scope.get() == value
                    on:change=move |_| d.scope.set(value)/>
                <label for=id><Tr key=label/></label>
            </div>
        }
    };
    let group_boxes = found
        .groups
        .iter()
        .enumerate()
        .map(|(i, name)| {
            let id = format!("scope-group-{i}");
            let (n1, n2) = (name.clone(), name.clone());
            view! {
                <div class="check">
                    <input type="checkbox" id=id.clone()
                        prop:checked=move || d.groups.with(|g| g.contains(&n1))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            d.groups.update(|g| { g.retain(|x| *x != n2); if on { g.push(n2.clone()) } });
                        }/>
                    <label for=id>{name.clone()}</label>
                </div>
            }
        })
        .collect_view();
    let no_groups = found.groups.is_empty();
    let method_boxes = MethodKind::ALL
        .into_iter()
        .map(|kind| {
            let id = format!("method-{}", kind.as_str());
            view! {
                <div class="check">
                    <input type="checkbox" id=id.clone()
                        prop:checked=move || d.methods.with(|m| m.contains(&kind))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            d.methods.update(|m| { m.retain(|x| *x != kind); if on { m.push(kind) } });
                        }/>
                    <label for=id><Tr key=method_label(kind)/></label>
                </div>
            }
        })
        .collect_view();
    let contact_problem = watch_field_problem(i18n, failure, "contact_admin");
    view! {
        <form class="policy-form" on:submit=on_submit novalidate>
            <fieldset aria-describedby="scope-problem">
                <legend><Tr key=k::ADMIN_POLICIES_SCOPE/></legend>
                {scope_choice("nobody", k::ADMIN_POLICIES_SCOPE_NOBODY)}
                {scope_choice("groups", k::ADMIN_POLICIES_SCOPE_GROUPS)}
                {scope_choice("everyone", k::ADMIN_POLICIES_SCOPE_EVERYONE)}
                <fieldset class="groups" hidden=move || d.scope.get() != "groups">
                    <legend><Tr key=k::ADMIN_POLICIES_GROUPS/></legend>
                    {no_groups.then(|| view! { <p><Tr key=k::ADMIN_POLICIES_NO_GROUPS_YET/></p> })}
                    {group_boxes}
                </fieldset>
                <GroupProblem failure field="scope"/>
            </fieldset>
            <fieldset aria-describedby="methods-problem">
                <legend><Tr key=k::ADMIN_POLICIES_METHODS/></legend>
                {method_boxes}
                <p class="hint"><Tr key=k::ADMIN_POLICIES_ADMIN_NOTE/></p>
                <Check id="directory_contacts" label=k::ADMIN_POLICIES_DIRECTORY_CONTACTS value=d.directory_contacts/>
                <GroupProblem failure field="methods"/>
            </fieldset>
            <fieldset>
                <legend><Tr key=k::ADMIN_POLICIES_GATES/></legend>
                <Number id="methods_required" label=k::ADMIN_POLICIES_METHODS_REQUIRED value=d.methods_required failure/>
                <Number id="questions_to_reset" label=k::ADMIN_POLICIES_QUESTIONS_TO_RESET value=d.questions_to_reset failure/>
                <Check id="unlock_allowed" label=k::ADMIN_POLICIES_UNLOCK_ALLOWED value=d.unlock_allowed/>
                <Check id="notify_user" label=k::ADMIN_POLICIES_NOTIFY_USER value=d.notify_user/>
                <Check id="notify_admins" label=k::ADMIN_POLICIES_NOTIFY_ADMINS value=d.notify_admins/>
            </fieldset>
            <fieldset>
                <legend><Tr key=k::ADMIN_POLICIES_LIMITS/></legend>
                <Number id="wizard_minutes" label=k::ADMIN_POLICIES_WIZARD_MINUTES value=d.wizard_minutes failure/>
                <Number id="max_gate_failures" label=k::ADMIN_POLICIES_MAX_GATE_FAILURES value=d.max_gate_failures failure/>
                <Number id="max_resets_per_day" label=k::ADMIN_POLICIES_MAX_RESETS_PER_DAY value=d.max_resets_per_day failure/>
                <Number id="captcha_difficulty" label=k::ADMIN_POLICIES_CAPTCHA_DIFFICULTY value=d.captcha_difficulty failure/>
                <div class="field">
                    <label for="contact_admin"><Tr key=k::ADMIN_POLICIES_CONTACT_ADMIN/></label>
                    <textarea id="contact_admin" rows="2" bind:value=d.contact_admin aria-describedby="contact_admin-problem"
                        aria-invalid=move || contact_problem.get().is_some().to_string()></textarea>
                    <GroupProblem failure field="contact_admin"/>
                </div>
            </fieldset>
            <fieldset>
                <legend><Tr key=k::ADMIN_POLICIES_REGISTRATION/></legend>
                <Check id="registration.require_at_sign_in" label=k::ADMIN_POLICIES_REG_REQUIRE value=d.require_at_sign_in/>
                <Number id="registration.reconfirm_days" label=k::ADMIN_POLICIES_REG_RECONFIRM value=d.reconfirm_days failure/>
                <Number id="registration.methods_required" label=k::ADMIN_POLICIES_REG_METHODS value=d.reg_methods failure/>
                <Number id="registration.postpone_limit" label=k::ADMIN_POLICIES_REG_POSTPONE value=d.postpone_limit failure/>
                <Number id="registration.question_count" label=k::ADMIN_POLICIES_REG_QUESTIONS value=d.question_count failure/>
            </fieldset>
            <div class="preview">
                <button type="button" on:click=move |_| look.dispatch(d.reset())><Tr key=k::ADMIN_POLICIES_PREVIEW/></button>
                <p role="status" id="scope-preview">{move || preview.get()}</p>
                <ErrorAlert message=look_error/>
            </div>
            <ErrorAlert message=save_error/>
            <Notice message=notice/>
            <div class="actions">
                <SubmitButton label=k::ADMIN_SAVE busy_label=k::ADMIN_POLICIES_SAVING busy=save.pending()/>
                <button type="button" on:click=move |_| reload.run(())><Tr key=k::ADMIN_RELOAD/></button>
            </div>
        </form>
        <QuestionBank questions=found.questions/>
    }
}

#[component]
fn QuestionBank(questions: Vec<BankQuestion>) -> impl IntoView {
    let i18n = use_i18n();
    let bank = RwSignal::new(questions);
    let failure: Failure = RwSignal::new(None);
    let notice = RwSignal::new(None::<String>);
    let (change, error) = form_action(|(id, active): (i64, bool)| {
        call(AdminSetSecurityQuestionActive { id, active })
    });
    let text_en = RwSignal::new(String::new());
    let text_el = RwSignal::new(String::new());
    let (add, add_error) = form_action(|(text_en, text_el): (String, String)| {
        call(AdminAddSecurityQuestion { text_en, text_el })
    });
    let on_bank = move |result: &Result<Vec<BankQuestion>, AppError>| match result {
        Ok(list) => {
            failure.set(None);
            bank.set(list.clone());
        }
        Err(e) => failure.set(Some(e.clone())),
    };
    change.on_result(on_bank);
    add.on_result(move |result| {
        on_bank(result);
        if result.is_ok() {
            text_en.set(String::new());
            text_el.set(String::new());
            notice.set(Some(i18n.t(k::ADMIN_POLICIES_QUESTION_ADDED).into()));
        }
    });
    let rows = move || {
        bank.get()
            .into_iter()
            .map(|q| {
                let id = format!("question-{}", q.id);
                let (qid, active) = (q.id, q.active);
                view! {
                    <tr>
                        <td><input type="checkbox" id=id.clone() prop:checked=active
                            on:change=move |ev| change.dispatch((qid, event_target_checked(&ev)))/></td>
                        <td><label for=id>{q.text_en}</label></td>
                        <td lang="el">{q.text_el}</td>
                        <td><Tr key=if q.builtin { k::ADMIN_POLICIES_QUESTION_BUILTIN } else { k::ADMIN_POLICIES_QUESTION_CUSTOM }/></td>
                    </tr>
                }
            })
            .collect_view()
    };
    let on_add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        notice.set(None);
        add.dispatch((text_en.get_untracked(), text_el.get_untracked()));
    };
    view! {
        <section class="question-bank" aria-labelledby="bank-title">
            <h2 id="bank-title"><Tr key=k::ADMIN_POLICIES_QUESTIONS_TITLE/></h2>
            <ErrorAlert message=error/>
            <GroupProblem failure field="questions"/>
            <div class="table-scroll">
                <table>
                    <thead><tr>
                        <th scope="col"><Tr key=k::ADMIN_POLICIES_QUESTION_OFFERED/></th>
                        <th scope="col"><Tr key=k::ADMIN_POLICIES_TEXT_EN/></th>
                        <th scope="col"><Tr key=k::ADMIN_POLICIES_TEXT_EL/></th>
                        <th scope="col"><Tr key=k::ADMIN_POLICIES_QUESTION_KIND/></th>
                    </tr></thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
            <form on:submit=on_add novalidate>
                <h3><Tr key=k::ADMIN_POLICIES_ADD_QUESTION/></h3>
                <QuestionText id="text_en" label=k::ADMIN_POLICIES_TEXT_EN value=text_en failure/>
                <QuestionText id="text_el" label=k::ADMIN_POLICIES_TEXT_EL value=text_el failure/>
                <ErrorAlert message=add_error/>
                <Notice message=notice/>
                <SubmitButton label=k::ADMIN_POLICIES_ADD_QUESTION busy_label=k::ADMIN_POLICIES_SAVING busy=add.pending()/>
            </form>
        </section>
    }
}

#[component]
fn QuestionText(
    id: &'static str,
    label: Key,
    value: RwSignal<String>,
    failure: Failure,
) -> impl IntoView {
    let problem = watch_field_problem(use_i18n(), failure, id);
    view! {
        <div class="field">
            <label for=id><Tr key=label/></label>
            <input id=id type="text" bind:value=value aria-describedby=format!("{id}-problem")
                aria-invalid=move || problem.get().is_some().to_string()/>
            <GroupProblem failure field=id/>
        </div>
    }
}
