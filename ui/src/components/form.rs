//! A server call started by submitting a form or pressing a button.
//!
//! This is a small stand-in for Leptos's `Action`. The bundle has a size budget and pages
//! have many forms, so only the boxed future differs from form to form: the state (busy,
//! latest error) and the task that runs the call are the same code for all of them.

use super::alert::error_text;
use crate::state::use_i18n;
use app::domain::AppError;
use leptos::prelude::*;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;

type Task = Pin<Box<dyn Future<Output = ()>>>;
type Call<I> = Box<dyn Fn(I, Progress, u64) -> Task>;
type Callback<O> = Box<dyn Fn(&Result<O, AppError>)>;

/// Whether a call is running and what the latest one failed with; not generic.
#[derive(Clone, Copy)]
struct Progress {
    pending: RwSignal<bool>,
    error: RwSignal<Option<AppError>>,
    /// Counts dispatches, so only the latest call's result is kept.
    latest: StoredValue<u64>,
}

impl Progress {
    fn start(self) -> u64 {
        self.latest.update_value(|n| *n += 1);
        self.pending.set(true);
        self.latest.get_value()
    }

    fn is_latest(self, call: u64) -> bool {
        self.latest.try_get_value() == Some(call)
    }

    fn finish(self, error: Option<AppError>) {
        self.error.set(error);
        self.pending.set(false);
    }
}

/// A form's server call: whether it is running, and its latest error.
pub struct FormAction<I: 'static, O: 'static> {
    call: StoredValue<Call<I>, LocalStorage>,
    callback: StoredValue<Option<Callback<O>>, LocalStorage>,
    progress: Progress,
    output: PhantomData<fn() -> O>,
}

impl<I, O> Clone for FormAction<I, O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I, O> Copy for FormAction<I, O> {}

impl<I: 'static, O: 'static> FormAction<I, O> {
    /// Starts the call. When calls overlap (a pager clicked twice), only the result of
    /// the latest one is kept, so an older answer never overwrites a newer one.
    pub fn dispatch(&self, input: I) {
        let progress = self.progress;
        let call = progress.start();
        if let Some(task) = self.call.try_with_value(|run| run(input, progress, call)) {
            leptos::task::spawn_local(task);
        }
    }

    pub fn dispatch_local(&self, input: I) {
        self.dispatch(input);
    }

    /// Runs `f` with each result as it arrives (instead of an effect watching the value:
    /// one boxed closure costs the bundle far less than an effect). `f` runs outside any
    /// reactive owner, so it must not create signals or read context: capture what it
    /// needs when the component is made.
    pub fn on_result(self, f: impl Fn(&Result<O, AppError>) + 'static) -> Self {
        self.callback.set_value(Some(Box::new(f)));
        self
    }

    pub fn pending(&self) -> Signal<bool> {
        self.progress.pending.into()
    }
}

/// The call that runs `call` with the form's input, and its latest error in the user's
/// language (re-translated when the language changes).
pub fn form_action<I, O, F, Fut>(call: F) -> (FormAction<I, O>, Signal<Option<String>>)
where
    I: 'static,
    O: 'static,
    F: Fn(I) -> Fut + 'static,
    Fut: Future<Output = Result<O, AppError>> + 'static,
{
    let i18n = use_i18n();
    let callback: StoredValue<Option<Callback<O>>, LocalStorage> = StoredValue::new_local(None);
    let run: Call<I> = Box::new(move |input, progress: Progress, this_call| {
        let future = call(input);
        Box::pin(async move {
            let result = future.await;
            if !progress.is_latest(this_call) {
                return;
            }
            callback.with_value(|cb| cb.as_ref().map(|cb| cb(&result)));
            progress.finish(result.err());
        })
    });
    let progress = Progress {
        pending: RwSignal::new(false),
        error: RwSignal::new(None),
        latest: StoredValue::new(0),
    };
    let action = FormAction {
        call: StoredValue::new_local(run),
        callback,
        progress,
        output: PhantomData,
    };
    let error = progress.error;
    let error = Signal::derive(move || error.with(|e| e.as_ref().map(|e| error_text(i18n, e))));
    (action, error)
}
