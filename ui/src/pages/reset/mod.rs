//! `/reset`: the self-service reset wizard. Who are you (with a proof-of-work CAPTCHA), one
//! or more verification gates, a new password, done. The server keeps the wizard's state
//! and every call answers with the step to show, so this page only renders that step; a
//! refresh, the back button or a second tab land on the same one.
//!
//! The wasm bundle has a size budget, so the steps share one action for their calls and
//! one error box, and reactive text goes through type-erased `Signal`s.

mod done;
mod gate;
mod identify;
mod password;
mod wizard;

use crate::components::{form_action, local_time, ErrorAlert, Loading, PageTitle, Tr};
use crate::i18n::{fill, k, Key};
use crate::state::use_i18n;
use app::api::{WizardStep, WizardView};
use app::domain::MethodKind;
use leptos::html;
use leptos::prelude::*;
use std::cell::Cell;
use wizard::{sleep, Outcome, Request, Wizard};

/// Which step is on screen. A new answer for the same step (a code sent again) updates
/// its text but does not rebuild it, so what the user typed stays.
#[derive(Clone, Copy, PartialEq)]
enum Stage {
    Loading,
    Identify,
    Choose(u8),
    Prove(u8, MethodKind),
    NewPassword,
    Done(bool),
}

fn stage_of(view: &Option<WizardView>) -> Stage {
    match view.as_ref().map(|v| &v.step) {
        None => Stage::Identify,
        Some(WizardStep::Choose { number, .. }) => Stage::Choose(*number),
        Some(WizardStep::Prove { number, method, .. }) => Stage::Prove(*number, method.kind),
        Some(WizardStep::NewPassword { .. }) => Stage::NewPassword,
        Some(WizardStep::Done { unlocked }) => Stage::Done(*unlocked),
    }
}

fn title(stage: Stage) -> Key {
    match stage {
        Stage::Loading | Stage::Identify => k::RESET_IDENTIFY_TITLE,
        Stage::Choose(_) => k::RESET_CHOOSE_TITLE,
        Stage::Prove(_, MethodKind::Email) => k::RESET_PROVE_EMAIL,
        Stage::Prove(_, MethodKind::Phone) => k::RESET_PROVE_PHONE,
        Stage::Prove(_, MethodKind::Authenticator) => k::RESET_PROVE_AUTHENTICATOR,
        Stage::Prove(_, MethodKind::Questions) => k::RESET_PROVE_QUESTIONS,
        Stage::Prove(_, MethodKind::RecoveryCodes) => k::RESET_PROVE_RECOVERY,
        Stage::NewPassword => k::RESET_PASSWORD_TITLE,
        Stage::Done(false) => k::RESET_DONE_CHANGED,
        Stage::Done(true) => k::RESET_DONE_UNLOCKED,
    }
}

#[component]
pub fn ResetPage() -> impl IntoView {
    let i18n = use_i18n();
    let view = RwSignal::new(None::<WizardView>);
    let ended = RwSignal::new(None::<Key>);
    let help = RwSignal::new(String::new());
    let loaded = RwSignal::new(false);
    let (action, error) = form_action(Request::send);
    let send: Box<dyn Fn(Request)> = Box::new(move |request| action.dispatch(request));
    let wizard = Wizard {
        view,
        ended,
        help,
        send: StoredValue::new_local(send),
        pending: action.pending(),
        error,
        i18n,
    };
    provide_context(wizard);
    action.on_result(move |result| {
        match result {
            Ok(Outcome::Show(view)) => wizard.show(view.clone()),
            Ok(Outcome::Start(why)) => wizard.restart(*why),
            Err(_) => {}
        }
        loaded.set(true);
    });
    wizard.send(Request::State);

    let stage = Memo::new(move |_| match loaded.get() {
        false => Stage::Loading,
        true => view.with(stage_of),
    });
    let mid_way = move || {
        matches!(
            stage.get(),
            Stage::Choose(_) | Stage::Prove(..) | Stage::NewPassword
        )
    };
    let heading = NodeRef::<html::H2>::new();
    let heading_text = Signal::derive(move || i18n.t(title(stage.get())).to_owned());
    let step_count = Signal::derive(move || {
        view.with(|v| match v.as_ref().map(|v| &v.step) {
            Some(WizardStep::Choose { number, .. } | WizardStep::Prove { number, .. }) => {
                // The server names the gate, never how many there are; from the second
                // on, the user learns one more check was needed.
                let key = match number {
                    1 => k::RESET_STEP,
                    _ => k::RESET_STEP_ANOTHER,
                };
                fill(i18n.t(key), &[("n", &number.to_string())])
            }
            _ => String::new(),
        })
    });
    let ended_text = Signal::derive(move || {
        ended
            .get()
            .map(|key| i18n.t(key))
            .unwrap_or_default()
            .to_owned()
    });
    let expires = Signal::derive(
        move || match view.with(|v| v.as_ref().map(|v| v.expires_at)) {
            Some(at) if mid_way() => {
                fill(i18n.t(k::RESET_EXPIRES), &[("time", &local_time(i18n, at))])
            }
            _ => String::new(),
        },
    );
    let help_text = Signal::derive(move || {
        let text = help.get();
        match text.is_empty() {
            true => text,
            false => fill(i18n.t(k::RESET_HELP), &[("text", &text)]),
        }
    });

    // Focus follows the step so keyboard and screen-reader users start at its heading.
    // The wait lets the new heading text and content render first.
    let shown = Cell::new(Stage::Loading);
    let step = move || {
        let now = stage.get();
        if shown.replace(now) != Stage::Loading {
            leptos::task::spawn_local(async move {
                sleep(0).await;
                // The page may have closed meanwhile.
                if let Some(h) = heading.try_get_untracked().flatten() {
                    let _ = h.focus();
                }
            });
        }
        match now {
            Stage::Loading => view! { <Loading/> }.into_any(),
            Stage::Identify => view! { <identify::Identify/> }.into_any(),
            Stage::Choose(_) => view! { <gate::Choose/> }.into_any(),
            Stage::Prove(..) => view! { <gate::Prove/> }.into_any(),
            Stage::NewPassword => view! { <password::NewPassword/> }.into_any(),
            Stage::Done(unlocked) => view! { <done::Done unlocked=unlocked/> }.into_any(),
        }
    };

    view! {
        <section class="card narrow reset">
            <PageTitle key=k::RESET_TITLE/>
            <h2 tabindex="-1" node_ref=heading>{heading_text}</h2>
            <p class="step-count">{step_count}</p>
            <p class="alert info" role="alert">{ended_text}</p>
            <ErrorAlert message=error/>
            {step}
            <p class="muted">{expires}</p>
            <button type="button" class="link" id="reset-cancel" disabled=wizard.pending
                hidden=Signal::derive(move || !mid_way()) on:click=move |_| wizard.send(Request::Cancel)>
                <Tr key=k::CANCEL/>
            </button>
            <p class="muted help">{help_text}</p>
        </section>
    }
}
