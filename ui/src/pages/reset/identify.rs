//! Who are you: a username or email address, and a CAPTCHA the browser solves by itself.
//! The solver starts when the step opens, so it has usually finished by the time the
//! name is typed; Continue waits for it otherwise.

use super::wizard::{sleep, Wizard};
use crate::client::call;
use crate::components::{error_text, form_action, problem_text, ErrorAlert, TextField, Tr};
use crate::i18n::{fill, k};
use crate::state::use_i18n;
use app::api::{ResetBegin, ResetChallenge};
use app::domain::proof_of_work::{expected_work, search};
use app::domain::{AppError, FieldProblem};
use leptos::prelude::*;

/// Nonces tried per call to `search`.
const SLICE: u64 = 2_000;
/// How long the solver works before giving the browser a turn, in milliseconds.
const TURN_MS: f64 = 30.0;

/// The form and its solver, shared by the submit handler and the solver task. `begin`
/// starts the wizard with a solved challenge and its nonce.
#[derive(Clone, Copy)]
struct Form<B> {
    /// The challenge and the nonce that solves it.
    solution: RwSignal<Option<(String, u64)>>,
    /// Progress towards the expected work, capped at 99 until a nonce is found.
    percent: RwSignal<u8>,
    /// Continue was pressed before the solver finished.
    waiting: RwSignal<bool>,
    /// The challenge could not be fetched; Continue tries again.
    failed: RwSignal<Option<AppError>>,
    /// Counts solver runs, so a superseded or unmounted run stops.
    run: StoredValue<u32>,
    wizard: Wizard,
    begin: B,
}

impl<B: Fn(String, u64) + Copy + 'static> Form<B> {
    fn submit(self) {
        if let Some((challenge, nonce)) = self.solution.get_untracked() {
            self.waiting.set(false);
            (self.begin)(challenge, nonce);
        } else {
            self.waiting.set(true);
            if self.failed.with_untracked(Option::is_some) {
                leptos::task::spawn_local(self.solve());
            }
        }
    }

    fn is_current(self, run: u32) -> bool {
        self.run.try_get_value() == Some(run)
    }

    /// Fetches a challenge and searches for its nonce in slices, yielding to the browser
    /// between them so typing stays responsive and the progress bar moves.
    async fn solve(self) {
        let Some(run) = self.run.try_update_value(|n| {
            *n += 1;
            *n
        }) else {
            return;
        };
        self.solution.set(None);
        self.failed.set(None);
        self.percent.set(0);
        let challenge = match call(ResetChallenge {}).await {
            Ok(challenge) => {
                self.wizard.set_help(challenge.contact_admin.clone());
                challenge
            }
            Err(error) => {
                if self.is_current(run) {
                    self.waiting.set(false);
                    self.failed.set(Some(error));
                }
                return;
            }
        };
        let expected = expected_work(challenge.difficulty);
        let mut start = 0u64;
        loop {
            if !self.is_current(run) {
                return;
            }
            let turn = js_sys::Date::now();
            while js_sys::Date::now() - turn < TURN_MS {
                if let Some(nonce) =
                    search(&challenge.challenge, challenge.difficulty, start, SLICE)
                {
                    self.percent.set(100);
                    self.solution.set(Some((challenge.challenge, nonce)));
                    if self.waiting.get_untracked() {
                        self.submit();
                    }
                    return;
                }
                start += SLICE;
            }
            self.percent
                .set((start.saturating_mul(100) / expected).min(99) as u8);
            sleep(0).await;
        }
    }
}

#[component]
pub fn Identify() -> impl IntoView {
    let i18n = use_i18n();
    let wizard = Wizard::use_wizard();
    let problem = RwSignal::new(None::<String>);
    let (begin, begin_error) = form_action(
        |(user, challenge, nonce, language): (String, String, u64, String)| {
            call(ResetBegin {
                user,
                challenge,
                nonce,
                language,
            })
        },
    );
    let user = RwSignal::new(String::new());
    let form = Form {
        solution: RwSignal::new(None),
        percent: RwSignal::new(0),
        waiting: RwSignal::new(false),
        failed: RwSignal::new(None),
        run: StoredValue::new(0),
        wizard,
        begin: move |challenge, nonce| {
            let user = user.get_untracked().trim().to_owned();
            begin.dispatch((user, challenge, nonce, wizard.language()));
        },
    };
    begin.on_result(move |result| match result {
        Ok(view) => wizard.show(view.clone()),
        // A challenge is good for one try: solve a fresh one for the next.
        Err(_) => leptos::task::spawn_local(form.solve()),
    });
    leptos::task::spawn_local(form.solve());

    let error = Signal::derive(move || {
        let failed = form
            .failed
            .with(|f| f.as_ref().map(|e| error_text(i18n, e)));
        begin_error.get().or(failed)
    });
    let status = Signal::derive(move || {
        let solved = form.solution.with(Option::is_some);
        i18n.t(match solved {
            true => k::RESET_CAPTCHA_DONE,
            false => k::RESET_CAPTCHA_CHECKING,
        })
        .to_owned()
    });
    let percent = Signal::derive(move || form.percent.get().to_string());
    let busy = Signal::derive(move || form.waiting.get() || begin.pending().get());
    let label = Signal::derive(move || {
        if form.waiting.get() {
            let percent = form.percent.get().to_string();
            fill(i18n.t(k::RESET_WAITING), &[("percent", &percent)])
        } else {
            i18n.t(if begin.pending().get() {
                k::RESET_BUSY
            } else {
                k::RESET_CONTINUE
            })
            .to_owned()
        }
    });

    view! {
        <p class="lead"><Tr key=k::RESET_LEAD/></p>
        <ErrorAlert message=error/>
        <form novalidate on:submit=move |ev| {
            ev.prevent_default();
            if user.get_untracked().trim().is_empty() {
                problem.set(Some(problem_text(i18n, FieldProblem::Required)));
            } else {
                problem.set(None);
                form.submit();
            }
        }>
            <TextField id="reset-user" label=k::RESET_USER value=user autocomplete="username"
                problem=problem required=true/>
            <div class="captcha">
                <progress id="captcha-progress" max="100" aria-labelledby="captcha-status"
                    value=percent aria-valuenow=percent></progress>
                <span id="captcha-status" aria-live="polite">{status}</span>
            </div>
            <button type="submit" class="primary" disabled=busy aria-busy=Signal::derive(move || busy.get().to_string())>
                <span class="spinner" aria-hidden="true" hidden=Signal::derive(move || !busy.get())></span>
                {label}
            </button>
        </form>
    }
}
