//! The frame both policy pages share: load the editor, show progress until it arrives (or
//! the error, if it does not), then the page's form, which can ask for a fresh load after a
//! save.

use crate::components::{form_action, ErrorAlert, Loading, PageTitle};
use crate::i18n::Key;
use app::domain::AppError;
use leptos::prelude::*;
use std::future::Future;

pub fn policy_page<T, F, Fut, V>(title: Key, load: F, form: V) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    F: Fn() -> Fut + 'static,
    Fut: Future<Output = Result<T, AppError>> + 'static,
    V: Fn(T, Callback<()>) -> AnyView + Send + Sync + 'static,
{
    let editor = RwSignal::new(None::<T>);
    let (action, load_error) = form_action(move |()| load());
    action.on_result(move |result| {
        if let Ok(found) = result {
            editor.set(Some(found.clone()));
        }
    });
    action.dispatch(());
    let reload = Callback::new(move |()| {
        editor.set(None);
        action.dispatch(());
    });
    view! {
        <section class="card wide policy">
            <PageTitle key=title/>
            <ErrorAlert message=load_error/>
            {move || match editor.get() {
                None if load_error.get().is_some() => ().into_any(),
                None => view! { <Loading/> }.into_any(),
                Some(found) => form(found, reload),
            }}
        </section>
    }
}
