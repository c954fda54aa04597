//! Recovery codes: ten single-use codes, shown once, to print or download.

use super::panel::{Page, Remove, Status};
use crate::client::call;
use crate::components::{form_action, ErrorAlert, Tr};
use crate::i18n::k;
use crate::state::use_i18n;
use app::api::{GetSecurityInfo, NewRecoveryCodes};
use app::domain::MethodKind;
use leptos::prelude::*;

#[component]
pub fn RecoveryCodes() -> impl IntoView {
    let page = Page::use_page();
    let i18n = use_i18n();
    let codes = RwSignal::new(Vec::<String>::new());
    let (generate, error) = form_action(|(): ()| call(NewRecoveryCodes {}));
    generate.on_result(move |result| {
        page.watch(result);
        if let Ok(fresh) = result {
            let fresh = fresh.clone();
            codes.set(fresh);
            // Reload the overview so the status line shows the new set.
            leptos::task::spawn_local(async move {
                if let Ok(info) = call(GetSecurityInfo {}).await {
                    page.update(info, k::RECOVERY_CREATED);
                }
            });
        }
    });
    let download = move || {
        let text = codes.get().join("\n") + "\n";
        format!(
            "data:text/plain;charset=utf-8,{}",
            js_sys::encode_uri_component(&text)
        )
    };
    let label = move || {
        let registered = page
            .method(MethodKind::RecoveryCodes)
            .is_some_and(|m| m.registered);
        i18n.t(if registered {
            k::RECOVERY_REGENERATE
        } else {
            k::RECOVERY_GENERATE
        })
    };
    view! {
        <section class="method" aria-labelledby="recovery-title">
            <h2 id="recovery-title"><Tr key=k::METHOD_RECOVERY_CODES/></h2>
            <Status kind=MethodKind::RecoveryCodes/>
            <ErrorAlert message=error/>
            <button type="button" id="recovery-generate" disabled=move || generate.pending().get()
                on:click=move |_| { generate.dispatch(()); }>{label}</button>
            <Remove kind=MethodKind::RecoveryCodes/>
            <Show when=move || !codes.with(Vec::is_empty)>
                <div class="panel">
                    <p class="alert info"><Tr key=k::RECOVERY_SHOWN_ONCE/></p>
                    <ol class="codes" id="recovery-codes">
                        {move || codes.get().into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}
                    </ol>
                    <a class="button" id="recovery-download" href=download download="sspr-recovery-codes.txt">
                        <Tr key=k::RECOVERY_DOWNLOAD/>
                    </a>
                    <button type="button" on:click=move |_| codes.set(Vec::new())><Tr key=k::RECOVERY_DONE/></button>
                </div>
            </Show>
        </section>
    }
}
