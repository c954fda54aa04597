//! The wizard every step shares: the calls a step makes, the server's latest answer, and
//! a pause that lets the browser paint.

use crate::client::call;
use crate::i18n::{k, Key};
use crate::state::I18n;
use app::api::{
    GateAnswer, ResetBack, ResetCancel, ResetChoose, ResetComplete, ResetState, ResetUnlock,
    ResetVerify, WizardStep, WizardView,
};
use app::domain::{AppError, MethodKind};
use leptos::prelude::*;

/// A call a step makes, answered with the step to show.
pub(super) enum Request {
    State,
    Choose(MethodKind, String),
    Back,
    Verify(GateAnswer),
    Complete(String, String),
    Unlock,
    Cancel,
}

/// Where a call leads.
pub(super) enum Outcome {
    Show(WizardView),
    /// Back to the first step, saying why when the user did not ask for it.
    Start(Option<Key>),
}

impl Request {
    pub(super) async fn send(self) -> Result<Outcome, AppError> {
        // Opening the page or cancelling without a wizard is not news.
        let quiet = matches!(self, Request::State | Request::Cancel);
        let result = match self {
            Request::State => call(ResetState {}).await,
            Request::Choose(method, language) => call(ResetChoose { method, language }).await,
            Request::Back => call(ResetBack {}).await,
            Request::Verify(answer) => call(ResetVerify { answer }).await,
            Request::Complete(password, confirmation) => {
                call(ResetComplete {
                    password,
                    confirmation,
                })
                .await
            }
            Request::Unlock => call(ResetUnlock {}).await,
            // A cancelled wizard is gone just like an expired one.
            Request::Cancel => call(ResetCancel {}).await.and(Err(AppError::WizardExpired)),
        };
        match result {
            Ok(view) => Ok(Outcome::Show(view)),
            Err(AppError::WizardExpired) if quiet => Ok(Outcome::Start(None)),
            Err(AppError::WizardExpired) => Ok(Outcome::Start(Some(k::ERROR_WIZARD_EXPIRED))),
            Err(AppError::TooManyWrongAnswers) => {
                Ok(Outcome::Start(Some(k::ERROR_TOO_MANY_WRONG_ANSWERS)))
            }
            Err(error) => Err(error),
        }
    }
}

/// What every step shares: the server's latest answer, the one action that makes the
/// steps' calls, and the help text.
#[derive(Clone, Copy)]
pub(super) struct Wizard {
    /// `None` on the first step (no wizard yet, or it ended).
    pub view: RwSignal<Option<WizardView>>,
    /// Why the wizard ended mid-way, said on the first step the user is back at.
    pub(super) ended: RwSignal<Option<Key>>,
    /// The admin's "contact us" text, kept after the wizard ends so the first step can
    /// still show it.
    pub(super) help: RwSignal<String>,
    pub(super) send: StoredValue<Box<dyn Fn(Request)>, LocalStorage>,
    /// A call is running; its buttons are disabled.
    pub pending: Signal<bool>,
    pub error: Signal<Option<String>>,
    pub(super) i18n: I18n,
}

impl Wizard {
    pub fn use_wizard() -> Self {
        expect_context()
    }

    pub fn send(self, request: Request) {
        self.send.with_value(|send| send(request));
    }

    pub fn show(self, view: WizardView) {
        self.help.set(view.contact_admin.clone());
        self.ended.set(None);
        self.view.set(Some(view));
    }

    /// The help text, before any wizard exists (it comes with the CAPTCHA challenge).
    pub fn set_help(self, text: String) {
        self.help.set(text);
    }

    /// Back to the first step; `ended` says why, when the user did not ask for it.
    pub fn restart(self, ended: Option<Key>) {
        self.ended.set(ended);
        self.view.set(None);
    }

    /// The language codes and messages are sent in.
    pub fn language(self) -> String {
        self.i18n.locale().tag().to_owned()
    }

    /// The current step, read once by a step's component when it is made.
    pub fn step(self) -> Option<WizardStep> {
        self.view
            .with_untracked(|v| v.as_ref().map(|v| v.step.clone()))
    }
}

/// Resolves after `ms` milliseconds. With 0 it only hands the browser a turn to paint and
/// handle input, which the CAPTCHA solver needs between slices of work.
pub(super) async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        if let Some(window) = web_sys::window() {
            let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}
