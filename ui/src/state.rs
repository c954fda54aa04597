//! Client state shared by every page: the language and the signed-in user.

use crate::client::call;
use crate::i18n::{Key, Locale};
use app::api::{CurrentUser, Me};
use leptos::prelude::*;

const LANGUAGE_KEY: &str = "sspr.language";

/// The chosen language; `t` reads it reactively.
#[derive(Clone, Copy)]
pub struct I18n(RwSignal<Locale>);

impl I18n {
    pub fn provide() -> Self {
        let stored = storage()
            .and_then(|s| s.get_item(LANGUAGE_KEY).ok().flatten())
            .and_then(|tag| Locale::from_tag(&tag));
        let locale = stored.unwrap_or_else(|| {
            let languages: Vec<String> = window()
                .navigator()
                .languages()
                .iter()
                .filter_map(|v| v.as_string())
                .collect();
            Locale::negotiate(languages.iter().map(String::as_str))
        });
        let i18n = Self(RwSignal::new(locale));
        set_document_language(locale);
        provide_context(i18n);
        i18n
    }

    pub fn t(self, key: Key) -> &'static str {
        self.0.get().text(key)
    }

    pub fn locale(self) -> Locale {
        self.0.get()
    }

    pub fn set(self, locale: Locale) {
        if let Some(storage) = storage() {
            let _ = storage.set_item(LANGUAGE_KEY, locale.tag());
        }
        set_document_language(locale);
        self.0.set(locale);
    }
}

pub fn use_i18n() -> I18n {
    expect_context()
}

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

fn set_document_language(locale: Locale) {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("lang", locale.tag());
    }
}

/// The signed-in user, loaded once at start and updated by sign-in, sign-out and
/// password change.
#[derive(Clone, Copy)]
pub struct Session {
    pub me: RwSignal<Option<Me>>,
    pub loaded: RwSignal<bool>,
}

impl Session {
    pub fn provide() -> Self {
        let session = Self {
            me: RwSignal::new(None),
            loaded: RwSignal::new(false),
        };
        leptos::task::spawn_local(async move {
            // A failure here means "not signed in" as far as the shell is concerned;
            // pages that need data report their own errors.
            let me = call(CurrentUser {}).await.ok().flatten();
            session.me.set(me);
            session.loaded.set(true);
        });
        provide_context(session);
        session
    }
}

pub fn use_session() -> Session {
    expect_context()
}
