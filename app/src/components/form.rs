//! A server call started by submitting a form or pressing a button.
//!
//! This is a small stand-in for Leptos's `Action`: the call's future is boxed, so each
//! form adds one closure to the wasm bundle rather than a whole generic action machine
//! (the bundle has a size budget, and pages have many forms).

use super::error_text;
use crate::domain::AppError;
use crate::state::use_i18n;
use leptos::prelude::*;
use std::future::Future;
use std::pin::Pin;

type Call<I, O> = Box<dyn Fn(I) -> Pin<Box<dyn Future<Output = Result<O, AppError>>>>>;
type Callback<O> = Box<dyn Fn(&Result<O, AppError>)>;

/// A form's server call: whether it is running, and its latest result.
pub struct FormAction<I: 'static, O: Send + Sync + 'static> {
    call: StoredValue<Call<I, O>, LocalStorage>,
    callback: StoredValue<Option<Callback<O>>, LocalStorage>,
    pending: RwSignal<bool>,
    value: RwSignal<Option<Result<O, AppError>>>,
    /// Counts dispatches, so only the latest call's result is kept.
    latest: StoredValue<u64>,
}

impl<I, O: Send + Sync> Clone for FormAction<I, O> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<I, O: Send + Sync> Copy for FormAction<I, O> {}

impl<I: 'static, O: Send + Sync + 'static> FormAction<I, O> {
    /// Starts the call. When calls overlap (a pager clicked twice), only the result of
    /// the latest one is kept, so an older answer never overwrites a newer one.
    pub fn dispatch(&self, input: I) {
        let Some(future) = self.call.try_with_value(|call| call(input)) else {
            return;
        };
        let (pending, value, callback, latest) =
            (self.pending, self.value, self.callback, self.latest);
        latest.update_value(|n| *n += 1);
        let this_call = latest.get_value();
        pending.set(true);
        leptos::task::spawn_local(async move {
            let result = future.await;
            if latest.try_get_value() != Some(this_call) {
                return;
            }
            callback.with_value(|cb| cb.as_ref().map(|cb| cb(&result)));
            value.set(Some(result));
            pending.set(false);
        });
    }

    /// Runs `f` with each result as it arrives (instead of an effect watching the value:
    /// one boxed closure costs the bundle far less than an effect). `f` runs outside any
    /// reactive owner, so it must not create signals or read context: capture what it
    /// needs when the component is made.
    pub fn on_result(self, f: impl Fn(&Result<O, AppError>) + 'static) -> Self {
        self.callback.set_value(Some(Box::new(f)));
        self
    }

    pub fn dispatch_local(&self, input: I) {
        self.dispatch(input);
    }

    pub fn pending(&self) -> Signal<bool> {
        self.pending.into()
    }
}

/// The call that runs `call` with the form's input, and its latest error in the user's
/// language (re-translated when the language changes).
pub fn form_action<I, O, F, Fut>(call: F) -> (FormAction<I, O>, Signal<Option<String>>)
where
    I: 'static,
    O: Send + Sync + 'static,
    F: Fn(I) -> Fut + 'static,
    Fut: Future<Output = Result<O, AppError>> + 'static,
{
    let i18n = use_i18n();
    let boxed: Call<I, O> = Box::new(move |input| Box::pin(call(input)));
    let action = FormAction {
        call: StoredValue::new_local(boxed),
        callback: StoredValue::new_local(None),
        pending: RwSignal::new(false),
        value: RwSignal::new(None),
        latest: StoredValue::new(0),
    };
    let value = action.value;
    let error = Signal::derive(move || {
        value.with(|result| {
            result
                .as_ref()
                .and_then(|r| r.as_ref().err())
                .map(|e| error_text(i18n, e))
        })
    });
    (action, error)
}
