//! A server call started by submitting a form.

use super::error_text;
use crate::domain::AppError;
use crate::state::use_i18n;
use leptos::prelude::*;
use std::future::Future;

/// A form's server call, whose value is the latest result.
pub type FormAction<I, O> = Action<I, Result<O, AppError>>;

/// The action that runs `call` with the form's input, and its latest error in the user's
/// language (re-translated when the language changes).
pub fn form_action<I, O, F, Fut>(call: F) -> (FormAction<I, O>, Signal<Option<String>>)
where
    I: Clone + Send + Sync + 'static,
    O: Send + Sync + 'static,
    F: Fn(I) -> Fut + 'static,
    Fut: Future<Output = Result<O, AppError>> + 'static,
{
    let i18n = use_i18n();
    let action = Action::new_local(move |input: &I| call(input.clone()));
    let error = Signal::derive(move || {
        action.value().with(|result| {
            result
                .as_ref()
                .and_then(|r| r.as_ref().err())
                .map(|e| error_text(i18n, e))
        })
    });
    (action, error)
}
