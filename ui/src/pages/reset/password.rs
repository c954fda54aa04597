//! The new password, with live feedback: length and confirmation at once from the shared
//! rules, then everything the server checks (common, banned words, names, reuse) and a
//! strength estimate once typing pauses. The server decides; the feedback only informs.

use super::wizard::{sleep, Request, Wizard};
use crate::client::call;
use crate::components::{problem_text, SubmitButton, Tr};
use crate::i18n::{fill, k, Key};
use crate::state::use_i18n;
use app::api::{ResetCheckPassword, WizardStep};
use app::domain::password_policy::{check_local, PasswordVerdict};
use app::domain::{AppError, FieldProblem, PasswordProblem};
use leptos::prelude::*;

/// How long typing must pause before the server is asked, in milliseconds.
const PAUSE_MS: i32 = 300;

const STRENGTH: [Key; 5] = [
    k::RESET_STRENGTH_0,
    k::RESET_STRENGTH_1,
    k::RESET_STRENGTH_2,
    k::RESET_STRENGTH_3,
    k::RESET_STRENGTH_4,
];

#[component]
pub fn NewPassword() -> impl IntoView {
    let i18n = use_i18n();
    let wizard = Wizard::use_wizard();
    let Some(WizardStep::NewPassword { rules, can_unlock }) = wizard.step() else {
        return ().into_any();
    };
    let password = RwSignal::new(String::new());
    let confirmation = RwSignal::new(String::new());
    let shown = RwSignal::new(false);
    let verdict = RwSignal::new(None::<PasswordVerdict>);
    // Counts edits, so only the answer for the latest text is shown.
    let asked = StoredValue::new(0u32);

    let on_password = move |ev| {
        let value = event_target_value(&ev);
        password.set(value.clone());
        asked.update_value(|n| *n += 1);
        let this = asked.get_value();
        // The last answer stays until the next arrives, so the list does not flicker.
        if value.is_empty() {
            verdict.set(None);
            return;
        }
        leptos::task::spawn_local(async move {
            sleep(PAUSE_MS).await;
            if asked.try_get_value() != Some(this) {
                return;
            }
            let result = call(ResetCheckPassword { password: value }).await;
            if asked.try_get_value() != Some(this) {
                return;
            }
            match result {
                Ok(answer) => verdict.set(Some(answer)),
                Err(AppError::WizardExpired) => wizard.restart(Some(k::ERROR_WIZARD_EXPIRED)),
                // Feedback only: submitting reports any real failure.
                Err(_) => {}
            }
        });
    };

    // A memo, so the live region changes (and is read out) only when the problems do.
    let problems = Memo::new(move |_| {
        let (typed, confirm) = (password.get(), confirmation.get());
        if typed.is_empty() {
            return Vec::new();
        }
        let mut list = check_local(&rules, &typed, &confirm);
        // A confirmation not yet typed is not a mistake.
        list.retain(|p| *p != PasswordProblem::Mismatch || !confirm.is_empty());
        // The server adds what only it can check. Length is the local check's to say: the
        // verdict may be for what was typed a moment ago.
        verdict.with(|v| {
            for problem in v.iter().flat_map(|v| &v.problems) {
                let local = matches!(
                    problem,
                    PasswordProblem::TooShort { .. }
                        | PasswordProblem::TooLong { .. }
                        | PasswordProblem::Mismatch
                );
                if !local {
                    list.push(*problem);
                }
            }
        });
        list
    });
    let strength = move || verdict.with(|v| v.as_ref().map(|v| v.strength.min(4)));
    let strength_text = Signal::derive(move || {
        let level = strength().map_or("", |s| i18n.t(STRENGTH[usize::from(s)]));
        fill(i18n.t(k::RESET_STRENGTH), &[("level", level)])
    });
    let kind = Signal::derive(move || if shown.get() { "text" } else { "password" });
    let (min, max) = (rules.min_chars.to_string(), rules.max_chars.to_string());
    let lead = Signal::derive(move || {
        fill(
            i18n.t(k::RESET_PASSWORD_LEAD),
            &[("min", &min), ("max", &max)],
        )
    });

    view! {
        <p class="lead">{lead}</p>
        <form novalidate on:submit=move |ev| {
            ev.prevent_default();
            wizard.send(Request::Complete(password.get_untracked(), confirmation.get_untracked()));
        }>
            <div class="field">
                <label for="new-password"><Tr key=k::FIELD_NEW_PASSWORD/></label>
                <input id="new-password" name="new-password" type=kind autocomplete="new-password" required
                    aria-describedby="password-feedback" prop:value=password on:input=on_password/>
            </div>
            <div class="field">
                <label for="confirm-password"><Tr key=k::FIELD_CONFIRM_PASSWORD/></label>
                <input id="confirm-password" name="confirm-password" type=kind autocomplete="new-password" required
                    aria-describedby="password-feedback" bind:value=confirmation/>
            </div>
            <label class="check">
                <input type="checkbox" id="show-passwords" on:change=move |ev| shown.set(event_target_checked(&ev))/>
                <Tr key=k::RESET_SHOW_PASSWORDS/>
            </label>
            <div id="password-feedback" aria-live="polite">
                <ul class="problems">
                    {move || problems.get().into_iter().map(|p| view! {
                        <li>{problem_text(i18n, FieldProblem::Password(p))}</li>
                    }).collect_view()}
                </ul>
                <p class="strength" hidden=Signal::derive(move || strength().is_none())>
                    <meter min="0" max="4" low="2" high="3" optimum="4" aria-labelledby="strength-text"
                        value=Signal::derive(move || strength().unwrap_or(0).to_string())></meter>
                    <span id="strength-text">{strength_text}</span>
                </p>
            </div>
            <SubmitButton label=k::RESET_SUBMIT busy_label=k::RESET_SUBMITTING busy=wizard.pending/>
        </form>
        {can_unlock.then(|| view! {
            <div class="panel">
                <p><Tr key=k::RESET_UNLOCK_LEAD/></p>
                <button type="button" id="reset-unlock" disabled=wizard.pending
                    on:click=move |_| wizard.send(Request::Unlock)>
                    <Tr key=k::RESET_UNLOCK/>
                </button>
            </div>
        })}
    }
    .into_any()
}
