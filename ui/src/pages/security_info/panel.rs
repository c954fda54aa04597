//! What every method panel on the security-info page shares: the page's state, and each
//! method's status line and remove button.

use crate::client::call;
use crate::components::{form_action, local_time, ErrorAlert, Tr};
use crate::i18n::{fill, k, Key};
use crate::state::{use_i18n, I18n, Session};
use app::api::{MethodView, RemoveMethod, SecurityInfo};
use app::domain::{AppError, MethodKind};
use leptos::prelude::*;

/// What every method panel on the page shares.
#[derive(Clone, Copy)]
pub(super) struct Page {
    pub info: RwSignal<Option<SecurityInfo>>,
    /// Set when the server asked for the password again.
    pub reauth: RwSignal<bool>,
    pub notice: RwSignal<Option<String>>,
    pub(super) session: Session,
    pub(super) i18n: I18n,
}

impl Page {
    pub(super) fn use_page() -> Self {
        expect_context()
    }

    /// Takes a fresh overview from the server, and tells the session when registration
    /// is no longer due so the guard stops sending the user here.
    pub fn update(self, info: SecurityInfo, done: Key) {
        self.session.me.update(|me| {
            if let Some(me) = me {
                me.registration.due = info.due;
            }
        });
        self.info.set(Some(info));
        self.notice.set(Some(self.i18n.t(done).to_owned()));
    }

    /// Remembers that the password must be typed again; the panel at the top asks for it.
    pub fn watch<T>(self, result: &Result<T, AppError>) {
        if let Err(AppError::ReauthRequired) = result {
            self.reauth.set(true);
        }
    }

    pub fn method(self, kind: MethodKind) -> Option<MethodView> {
        self.info.with(|info| {
            let methods = &info.as_ref()?.methods;
            methods.iter().find(|m| m.kind == kind).cloned()
        })
    }
}

/// "Registered on …" or "Not registered", under a method's heading.
#[component]
pub(super) fn Status(kind: MethodKind) -> impl IntoView {
    let page = Page::use_page();
    let i18n = use_i18n();
    let status_id = format!("{}-status", kind.as_str());
    view! {
        <p class="method-status" id=status_id>
            {move || match page.method(kind) {
                Some(MethodView { registered: true, detail, registered_at, .. }) => {
                    let when = registered_at.map(|at| local_time(i18n, at)).unwrap_or_default();
                    let detail = match (kind, detail) {
                        (MethodKind::RecoveryCodes, Some(left)) => fill(i18n.t(k::RECOVERY_LEFT), &[("count", &left)]),
                        (_, detail) => detail.unwrap_or_default(),
                    };
                    fill(i18n.t(k::METHOD_REGISTERED), &[("detail", &detail), ("date", &when)])
                }
                _ => i18n.t(k::METHOD_NOT_REGISTERED).to_owned(),
            }}
        </p>
    }
}

/// The remove button of a registered method.
#[component]
pub(super) fn Remove(kind: MethodKind) -> impl IntoView {
    let page = Page::use_page();
    let (action, error) = form_action(|kind| call(RemoveMethod { kind }));
    action.on_result(move |result| {
        page.watch(result);
        if let Ok(info) = result {
            let info = info.clone();
            page.update(info, k::METHOD_REMOVED);
        }
    });
    let registered = move || page.method(kind).is_some_and(|m| m.registered);
    let id = format!("{}-remove", kind.as_str());
    view! {
        <ErrorAlert message=error/>
        <Show when=registered>
            <button type="button" class="danger" id=id.clone() disabled=move || action.pending().get()
                on:click=move |_| { action.dispatch(kind); }>
                <Tr key=k::METHOD_REMOVE/>
            </button>
        </Show>
    }
}
