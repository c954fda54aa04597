//! Done: the password was changed or the account unlocked. The user signs in themselves;
//! the wizard never signs anyone in.

use crate::components::Tr;
use crate::i18n::k;
use leptos::prelude::*;

#[component]
pub fn Done(unlocked: bool) -> impl IntoView {
    let note = if unlocked {
        k::RESET_DONE_UNLOCKED_NOTE
    } else {
        k::RESET_DONE_SESSIONS
    };
    view! {
        <p class="alert success"><Tr key=note/></p>
        <a class="button primary" href="/"><Tr key=k::SIGN_IN_SUBMIT/></a>
    }
}
