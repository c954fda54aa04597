//! `/account/password`: change a known password. Also where `must_change_password` sends
//! a user before anything else.

use crate::client::call;
use crate::components::{
    form_action, problem_text, ErrorAlert, Notice, PageTitle, SubmitButton, TextField, Tr,
};
use crate::i18n::{fill, k};
use crate::state::{use_i18n, use_session};
use app::api::{ChangePassword, GetPasswordRules};
use app::domain::password_policy::{check_local, PasswordRules};
use app::domain::{FieldProblem, PasswordProblem};
use leptos::prelude::*;

#[component]
pub fn ChangePasswordPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let current = RwSignal::new(String::new());
    let new_password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let done = RwSignal::new(None::<String>);

    // The limits in force; the defaults stand in until they arrive, and the server
    // decides either way.
    let rules = RwSignal::new(PasswordRules::default());
    leptos::task::spawn_local(async move {
        if let Ok(loaded) = call(GetPasswordRules {}).await {
            rules.set(loaded);
        }
    });
    let rules_text = move || {
        let PasswordRules {
            min_chars,
            max_chars,
        } = rules.get();
        let (min, max) = (min_chars.to_string(), max_chars.to_string());
        fill(
            i18n.t(k::CHANGE_PASSWORD_RULES),
            &[("min", &min), ("max", &max)],
        )
    };

    // Live feedback from the same length rule the server runs; a mismatch is only
    // reported once the confirmation has been typed. The server adds the checks that
    // need its data (common passwords, banned words, names, history) on submit.
    let new_problem = Signal::derive(move || {
        let password = new_password.get();
        if password.is_empty() {
            return None;
        }
        let problems = rules.with(|r| check_local(r, &password, &password));
        problems
            .first()
            .map(|&p| problem_text(i18n, FieldProblem::Password(p)))
    });
    let confirm_problem = Signal::derive(move || {
        let (password, confirm) = (new_password.get(), confirmation.get());
        (!confirm.is_empty() && password != confirm)
            .then(|| problem_text(i18n, FieldProblem::Password(PasswordProblem::Mismatch)))
    });

    let (action, error) = form_action(
        |(current, new_password, confirmation): (String, String, String)| {
            call(ChangePassword {
                current,
                new_password,
                confirmation,
            })
        },
    );
    let busy = action.pending();
    action.on_result(move |result| {
        if result.is_ok() {
            for field in [current, new_password, confirmation] {
                field.set(String::new());
            }
            session.me.update(|me| {
                if let Some(me) = me {
                    me.must_change_password = false;
                }
            });
            done.set(Some(i18n.t(k::CHANGE_PASSWORD_DONE).to_owned()));
        }
    });
    let must_change = move || session.me.get().is_some_and(|me| me.must_change_password);

    view! {
        <section class="card narrow">
            <PageTitle key=k::CHANGE_PASSWORD_TITLE/>
            <Show when=must_change>
                <p class="alert info"><Tr key=k::CHANGE_PASSWORD_REQUIRED/></p>
            </Show>
            <ErrorAlert message=error/>
            <Notice message=done/>
            <p class="hint">{rules_text}</p>
            <form novalidate on:submit=move |ev| {
                ev.prevent_default();
                done.set(None);
                action.dispatch((current.get_untracked(), new_password.get_untracked(), confirmation.get_untracked()));
            }>
                <TextField id="current-password" label=k::FIELD_CURRENT_PASSWORD value=current kind="password"
                    autocomplete="current-password" required=true/>
                <TextField id="new-password" label=k::FIELD_NEW_PASSWORD value=new_password kind="password"
                    autocomplete="new-password" problem=new_problem required=true/>
                <TextField id="confirm-password" label=k::FIELD_CONFIRM_PASSWORD value=confirmation kind="password"
                    autocomplete="new-password" problem=confirm_problem required=true/>
                <SubmitButton label=k::CHANGE_PASSWORD_SUBMIT busy_label=k::CHANGE_PASSWORD_BUSY busy=busy/>
            </form>
        </section>
    }
}
