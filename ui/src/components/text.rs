//! Translated text that follows the language switch.

use crate::i18n::Key;
use crate::state::use_i18n;
use leptos::prelude::*;

/// One component for every fixed string keeps the wasm bundle small: each inline
/// `move || i18n.t(..)` closure would be its own generic instantiation of the renderer.
#[component]
pub fn Tr(key: Key) -> impl IntoView {
    let i18n = use_i18n();
    move || i18n.t(key)
}
