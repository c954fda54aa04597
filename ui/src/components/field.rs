//! Labelled inputs and a submit button that shows progress.

use crate::i18n::Key;
use crate::state::use_i18n;
use leptos::prelude::*;

/// A labelled input bound to `value`, with an optional problem shown under it and linked
/// by `aria-describedby`.
#[component]
pub fn TextField(
    id: &'static str,
    label: Key,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
    #[prop(into, optional)] problem: Signal<Option<String>>,
    #[prop(optional)] required: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let hint_id = format!("{id}-problem");
    let described = hint_id.clone();
    view! {
        <div class="field">
            <label for=id>{move || i18n.t(label)}</label>
            <input
                id=id
                name=id
                type=kind
                autocomplete=autocomplete
                required=required
                aria-invalid=move || if problem.get().is_some() { "true" } else { "false" }
                aria-describedby=move || problem.get().map(|_| described.clone())
                bind:value=value
            />
            <p class="field-problem" id=hint_id hidden=move || problem.get().is_none()>
                {move || problem.get().unwrap_or_default()}
            </p>
        </div>
    }
}

/// A submit button that is disabled and says so while `busy`.
#[component]
pub fn SubmitButton(
    label: Key,
    busy_label: Key,
    #[prop(into)] busy: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <button type="submit" class="primary" disabled=move || busy.get() aria-busy=move || busy.get().to_string()>
            <span class="spinner" aria-hidden="true" hidden=move || !busy.get()></span>
            {move || i18n.t(if busy.get() { busy_label } else { label })}
        </button>
    }
}
