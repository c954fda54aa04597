//! `/admin/password-policy`: lengths, banned words, history and sign-in lockout, and a box
//! that runs the wizard's own checker against the settings as they stand in the form.

use super::reset_policy::{saved_text, Failure, GroupProblem, Number};
use crate::client::call;
use crate::components::{
    form_action, problem_text, watch_field_problem, ErrorAlert, Notice, SubmitButton, Tr,
};
use crate::i18n::{fill, k};
use crate::state::use_i18n;
use app::api::{
    AdminPasswordPolicy, AdminSavePasswordPolicy, AdminTestPassword, PasswordPolicyEditor,
    PasswordPolicySaved,
};
use app::domain::password_policy::{PasswordPolicy, PasswordVerdict};
use app::domain::{AppError, FieldProblem};
use leptos::prelude::*;

#[component]
pub fn PasswordPolicyPage() -> impl IntoView {
    super::policy_page::policy_page(
        k::ADMIN_SECTION_PASSWORD_POLICY,
        || call(AdminPasswordPolicy {}),
        |found, reload| view! { <PasswordPolicyForm found reload/> }.into_any(),
    )
}

/// Banned words as typed, one per line; the server trims, normalises and de-duplicates.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

#[component]
fn PasswordPolicyForm(found: PasswordPolicyEditor, reload: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let p = found.policy;
    let min_chars = RwSignal::new(u32::from(p.min_chars));
    let max_chars = RwSignal::new(u32::from(p.max_chars));
    let history_depth = RwSignal::new(u32::from(p.history_depth));
    let lockout_threshold = RwSignal::new(u32::from(p.lockout_threshold.unwrap_or(10)));
    let lockout_minutes = RwSignal::new(u32::from(p.lockout_minutes.unwrap_or(15)));
    let words = RwSignal::new(p.banned_words.join("\n"));
    let revision = RwSignal::new(found.revision);
    let draft = move || PasswordPolicy {
        min_chars: u16::try_from(min_chars.get_untracked()).unwrap_or(u16::MAX),
        max_chars: u16::try_from(max_chars.get_untracked()).unwrap_or(u16::MAX),
        history_depth: u8::try_from(history_depth.get_untracked()).unwrap_or(u8::MAX),
        banned_words: lines(&words.get_untracked()),
        lockout_threshold: u16::try_from(lockout_threshold.get_untracked()).ok(),
        lockout_minutes: u16::try_from(lockout_minutes.get_untracked()).ok(),
    };
    let failure: Failure = RwSignal::new(None);
    let notice = RwSignal::new(None::<String>);
    let (save, save_error) = form_action(|(policy, revision): (PasswordPolicy, i64)| {
        call(AdminSavePasswordPolicy { policy, revision })
    });
    save.on_result(
        move |result: &Result<PasswordPolicySaved, AppError>| match result {
            Ok(saved) => {
                failure.set(None);
                revision.set(saved.editor.revision);
                // Show the list as the server normalised it.
                words.set(saved.editor.policy.banned_words.join("\n"));
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
        save.dispatch((draft(), revision.get_untracked()));
    };
    let count = move || {
        let n = words.with(|w| lines(w).len());
        fill(
            i18n.t(k::ADMIN_POLICIES_BANNED_COUNT),
            &[("count", &n.to_string())],
        )
    };
    let words_problem = watch_field_problem(i18n, failure, "banned_words");
    view! {
        <form class="policy-form" on:submit=on_submit novalidate>
            <Number id="min_chars" label=k::ADMIN_POLICIES_MIN_CHARS value=min_chars failure/>
            <Number id="max_chars" label=k::ADMIN_POLICIES_MAX_CHARS value=max_chars failure/>
            <Number id="history_depth" label=k::ADMIN_POLICIES_HISTORY_DEPTH value=history_depth failure/>
            <div class="field">
                <label for="banned_words"><Tr key=k::ADMIN_POLICIES_BANNED_WORDS/></label>
                <textarea id="banned_words" rows="6" bind:value=words
                    aria-describedby="banned_words-count banned_words-problem"
                    aria-invalid=move || words_problem.get().is_some().to_string()></textarea>
                <p id="banned_words-count" class="hint" aria-live="polite">{count}</p>
                <GroupProblem failure field="banned_words"/>
            </div>
            <fieldset>
                <legend><Tr key=k::ADMIN_POLICIES_LOCKOUT/></legend>
                <Number id="lockout_threshold" label=k::ADMIN_POLICIES_LOCKOUT_THRESHOLD value=lockout_threshold failure/>
                <Number id="lockout_minutes" label=k::ADMIN_POLICIES_LOCKOUT_MINUTES value=lockout_minutes failure/>
            </fieldset>
            <ErrorAlert message=save_error/>
            <Notice message=notice/>
            <div class="actions">
                <SubmitButton label=k::ADMIN_SAVE busy_label=k::ADMIN_POLICIES_SAVING busy=save.pending()/>
                <button type="button" on:click=move |_| reload.run(())><Tr key=k::ADMIN_RELOAD/></button>
            </div>
        </form>
        <TestPassword draft=Callback::new(move |()| draft())/>
    }
}

/// The "test a password" box: the wizard's checker with the form's settings.
#[component]
fn TestPassword(draft: Callback<(), PasswordPolicy>) -> impl IntoView {
    let i18n = use_i18n();
    let password = RwSignal::new(String::new());
    let verdict = RwSignal::new(None::<PasswordVerdict>);
    let (test, error) = form_action(|(policy, password): (PasswordPolicy, String)| {
        call(AdminTestPassword { policy, password })
    });
    test.on_result(move |result| verdict.set(result.as_ref().ok().cloned()));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        test.dispatch((draft.run(()), password.get_untracked()));
    };
    let result = move || {
        verdict.get().map(|v| {
            let level = i18n.t(STRENGTH[usize::from(v.strength.min(4))]);
            let strength = fill(i18n.t(k::RESET_STRENGTH), &[("level", level)]);
            let verdict_text = if v.is_acceptable() {
                i18n.t(k::ADMIN_POLICIES_TEST_ACCEPTED)
            } else {
                i18n.t(k::ADMIN_POLICIES_TEST_REFUSED)
            };
            let problems = v
                .problems
                .iter()
                .map(|p| view! { <li>{problem_text(i18n, FieldProblem::Password(*p))}</li> })
                .collect_view();
            view! {
                <p>{verdict_text}</p>
                <ul class="problems">{problems}</ul>
                <p>{strength}</p>
            }
        })
    };
    view! {
        <section class="password-test" aria-labelledby="test-title">
            <h2 id="test-title"><Tr key=k::ADMIN_POLICIES_TEST_TITLE/></h2>
            <form class="inline" on:submit=on_submit>
                <label for="test-password"><Tr key=k::ADMIN_POLICIES_TEST_LABEL/></label>
                <input id="test-password" type="text" autocomplete="off" spellcheck="false" bind:value=password/>
                <SubmitButton label=k::ADMIN_POLICIES_TEST busy_label=k::ADMIN_POLICIES_TEST busy=test.pending()/>
            </form>
            <ErrorAlert message=error/>
            <div role="status" id="test-result">{result}</div>
        </section>
    }
}

const STRENGTH: [crate::i18n::Key; 5] = [
    k::RESET_STRENGTH_0,
    k::RESET_STRENGTH_1,
    k::RESET_STRENGTH_2,
    k::RESET_STRENGTH_3,
    k::RESET_STRENGTH_4,
];
