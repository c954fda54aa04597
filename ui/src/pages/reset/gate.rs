//! A verification gate: choose a method by its masked hint, then prove it with a code or
//! the answers to security questions. The server never offers a gate already passed.

use super::wizard::{Request, Wizard};
use crate::components::{local_time, SubmitButton, Tr};
use crate::i18n::{fill, k, Locale};
use crate::state::use_i18n;
use app::api::{GateAnswer, QuestionAnswer, WizardStep};
use app::domain::MethodKind;
use leptos::prelude::*;

#[component]
pub fn Choose() -> impl IntoView {
    let wizard = Wizard::use_wizard();
    let methods = match wizard.step() {
        Some(WizardStep::Choose { methods, .. }) => methods,
        _ => Vec::new(),
    };
    let picked = RwSignal::new(methods.first().map(|m| m.kind));
    let none = methods.is_empty();
    let options = methods
        .into_iter()
        .map(|method| {
            let kind = method.kind;
            let id = format!("method-{}", kind.as_str());
            let name = match kind {
                MethodKind::Email => k::RESET_METHOD_EMAIL,
                MethodKind::Phone => k::RESET_METHOD_PHONE,
                MethodKind::Authenticator => k::RESET_METHOD_AUTHENTICATOR,
                MethodKind::Questions => k::RESET_METHOD_QUESTIONS,
                MethodKind::RecoveryCodes => k::RESET_METHOD_RECOVERY,
            };
            view! {
                <div class="choice">
                    <input type="radio" name="method" id=id.clone() checked=picked.get_untracked() == Some(kind)
                        on:change=move |_| picked.set(Some(kind))/>
                    <label for=id><Tr key=name/>" "{method.hint}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <form novalidate on:submit=move |ev| {
            ev.prevent_default();
            if let Some(method) = picked.get_untracked() {
                wizard.send(Request::Choose(method, wizard.language()));
            }
        }>
            <fieldset>
                <legend><Tr key=k::RESET_CHOOSE_LEGEND/></legend>
                {none.then(|| view! { <p><Tr key=k::RESET_NO_METHODS/></p> })}
                {options}
            </fieldset>
            <SubmitButton label=k::RESET_CONTINUE busy_label=k::RESET_BUSY busy=wizard.pending/>
        </form>
    }
}

#[component]
pub fn Prove() -> impl IntoView {
    let i18n = use_i18n();
    let wizard = Wizard::use_wizard();
    let Some(WizardStep::Prove {
        method, questions, ..
    }) = wizard.step()
    else {
        return ().into_any();
    };
    let kind = method.kind;
    let sends_code = matches!(kind, MethodKind::Email | MethodKind::Phone);
    let code = RwSignal::new(String::new());
    let answers: Vec<(i64, RwSignal<String>)> = questions
        .iter()
        .map(|q| (q.id, RwSignal::new(String::new())))
        .collect();
    let answers = StoredValue::new(answers);
    let resent = RwSignal::new(false);

    // The sent text follows a new code's expiry without rebuilding the step.
    let sent = Signal::derive(move || {
        let expires = wizard.view.with(|v| match v.as_ref().map(|v| &v.step) {
            Some(WizardStep::Prove {
                code_expires_at, ..
            }) => *code_expires_at,
            _ => None,
        });
        let mut text = fill(i18n.t(k::RESET_CODE_SENT), &[("to", &method.hint)]);
        if let Some(at) = expires {
            text.push(' ');
            text.push_str(&fill(
                i18n.t(k::RESET_CODE_UNTIL),
                &[("time", &local_time(i18n, at))],
            ));
        }
        text
    });
    // Said once the new code's request has succeeded.
    let resent_text = Signal::derive(move || {
        let done = resent.get() && !wizard.pending.get() && wizard.error.with(Option::is_none);
        match done {
            true => i18n.t(k::RESET_CODE_RESENT).to_owned(),
            false => String::new(),
        }
    });

    let field = if kind == MethodKind::Questions {
        let inputs = questions
            .into_iter()
            .zip(answers.get_value())
            .enumerate()
            .map(|(i, (question, (_, answer)))| {
                let id = format!("answer-{i}");
                let text = Signal::derive(move || match i18n.locale() {
                    Locale::El => question.text_el.clone(),
                    Locale::En => question.text_en.clone(),
                });
                view! {
                    <div class="field">
                        <label for=id.clone()>{text}</label>
                        <input id=id type="text" autocomplete="off" required bind:value=answer/>
                    </div>
                }
            })
            .collect_view();
        view! {
            <fieldset>
                <legend><Tr key=k::RESET_ANSWERS_LEGEND/></legend>
                {inputs}
            </fieldset>
        }
        .into_any()
    } else {
        let (label, numeric) = match kind {
            MethodKind::Authenticator => (k::FIELD_AUTHENTICATOR_CODE, true),
            MethodKind::RecoveryCodes => (k::RESET_RECOVERY_CODE, false),
            _ => (k::FIELD_CODE, true),
        };
        view! {
            <div class="field">
                <label for="reset-code"><Tr key=label/></label>
                <input id="reset-code" name="code" type="text" required bind:value=code
                    inputmode=if numeric { "numeric" } else { "text" }
                    autocomplete=if numeric { "one-time-code" } else { "off" }
                    spellcheck="false"/>
            </div>
        }
        .into_any()
    };
    let hint = match kind {
        MethodKind::Authenticator => {
            view! { <p><Tr key=k::RESET_AUTHENTICATOR_HINT/></p> }.into_any()
        }
        _ if sends_code => view! {
            <p id="code-sent">{sent}</p>
            <p role="status">{resent_text}</p>
        }
        .into_any(),
        _ => ().into_any(),
    };

    view! {
        {hint}
        <form novalidate on:submit=move |ev| {
            ev.prevent_default();
            resent.set(false);
            let answers = answers.with_value(|answers| {
                answers
                    .iter()
                    .map(|(question_id, answer)| QuestionAnswer {
                        question_id: *question_id,
                        answer: answer.get_untracked(),
                    })
                    .collect()
            });
            let code = code.get_untracked().trim().to_owned();
            wizard.send(Request::Verify(GateAnswer { code, answers }));
        }>
            {field}
            <div class="actions">
                <SubmitButton label=k::RESET_VERIFY busy_label=k::RESET_VERIFYING busy=wizard.pending/>
                <button type="button" hidden=!sends_code disabled=wizard.pending
                    on:click=move |_| { resent.set(true); wizard.send(Request::Choose(kind, wizard.language())); }>
                    <Tr key=k::RESET_RESEND/>
                </button>
                <button type="button" disabled=wizard.pending on:click=move |_| wizard.send(Request::Back)>
                    <Tr key=k::RESET_BACK/>
                </button>
            </div>
        </form>
    }
    .into_any()
}
