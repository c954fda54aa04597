//! Errors and notices shown in place. An error takes focus when it appears so keyboard and
//! screen-reader users meet it at once.

use super::problem::problem_text;
use crate::i18n::{fill, k};
use crate::state::I18n;
use app::domain::AppError;
use leptos::html;
use leptos::prelude::*;

/// The words a user sees for an error, in the chosen language.
pub fn error_text(i18n: I18n, error: &AppError) -> String {
    match error {
        AppError::InvalidCredentials => i18n.t(k::ERROR_INVALID_CREDENTIALS).into(),
        AppError::Throttled { retry_after_secs } => fill(
            i18n.t(k::ERROR_THROTTLED),
            &[("seconds", &retry_after_secs.to_string())],
        ),
        AppError::NotSignedIn => i18n.t(k::ERROR_NOT_SIGNED_IN).into(),
        AppError::Forbidden => i18n.t(k::ERROR_FORBIDDEN).into(),
        AppError::PasswordChangeRequired => i18n.t(k::ERROR_PASSWORD_CHANGE_REQUIRED).into(),
        AppError::CurrentPasswordIncorrect => i18n.t(k::ERROR_CURRENT_PASSWORD_INCORRECT).into(),
        AppError::Invalid { problem, .. } => problem_text(i18n, *problem),
        AppError::BadRequest(_) => i18n.t(k::ERROR_BAD_REQUEST).into(),
        AppError::CrossSite => i18n.t(k::ERROR_CROSS_SITE).into(),
        AppError::NotFound => i18n.t(k::ERROR_NOT_FOUND).into(),
        AppError::Internal { request_id } => fill(i18n.t(k::ERROR_INTERNAL), &[("id", request_id)]),
        AppError::Network => i18n.t(k::ERROR_NETWORK).into(),
        AppError::CodeIncorrect {
            attempts_left: Some(left),
        } => fill(
            i18n.t(k::ERROR_CODE_INCORRECT_LEFT),
            &[("left", &left.to_string())],
        ),
        AppError::CodeIncorrect {
            attempts_left: None,
        } => i18n.t(k::ERROR_CODE_INCORRECT).into(),
        AppError::CodeExpired => i18n.t(k::ERROR_CODE_EXPIRED).into(),
        AppError::CodeAttemptsExceeded => i18n.t(k::ERROR_CODE_ATTEMPTS).into(),
        AppError::TooManyCodes { retry_after_secs } => fill(
            i18n.t(k::ERROR_TOO_MANY_CODES),
            &[("minutes", &retry_after_secs.div_ceil(60).to_string())],
        ),
        AppError::CodeReused => i18n.t(k::ERROR_CODE_REUSED).into(),
        AppError::SetupExpired => i18n.t(k::ERROR_SETUP_EXPIRED).into(),
        AppError::ReauthRequired => i18n.t(k::ERROR_REAUTH_REQUIRED).into(),
        AppError::RegistrationRequired => i18n.t(k::ERROR_REGISTRATION_REQUIRED).into(),
        AppError::PostponeLimitReached => i18n.t(k::ERROR_POSTPONE_LIMIT).into(),
        AppError::MethodUnavailable => i18n.t(k::ERROR_METHOD_UNAVAILABLE).into(),
        AppError::WizardExpired => i18n.t(k::ERROR_WIZARD_EXPIRED).into(),
        AppError::ResetBlocked { retry_after_secs } => fill(
            i18n.t(k::ERROR_RESET_BLOCKED),
            &[("hours", &retry_after_secs.div_ceil(3600).to_string())],
        ),
        AppError::CaptchaFailed => i18n.t(k::ERROR_CAPTCHA_FAILED).into(),
        AppError::TooManyWrongAnswers => i18n.t(k::ERROR_TOO_MANY_WRONG_ANSWERS).into(),
        AppError::EditConflict => i18n.t(k::ERROR_EDIT_CONFLICT).into(),
        AppError::GroupInResetScope => i18n.t(k::ERROR_GROUP_IN_RESET_SCOPE).into(),
        AppError::Unavailable => i18n.t(k::ERROR_UNAVAILABLE).into(),
        AppError::ManagedByDirectory => i18n.t(k::ERROR_MANAGED_BY_DIRECTORY).into(),
    }
}

pub fn local_time(i18n: I18n, unix_secs: i64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix_secs as f64 * 1000.0));
    date.to_locale_string(i18n.locale().tag(), &wasm_bindgen::JsValue::UNDEFINED)
        .as_string()
        .unwrap_or_default()
}

/// An error box that appears when `message` is `Some` and moves focus to itself.
#[component]
pub fn ErrorAlert(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    let node = NodeRef::<html::Div>::new();
    Effect::new(move |_| {
        if message.get().is_some() {
            if let Some(el) = node.get() {
                let _ = el.focus();
            }
        }
    });
    view! {
        <div class="alert error" role="alert" tabindex="-1" node_ref=node hidden=move || message.get().is_none()>
            {move || message.get().unwrap_or_default()}
        </div>
    }
}

/// A polite status message, for success.
#[component]
pub fn Notice(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div class="alert success" role="status" hidden=move || message.get().is_none()>
            {move || message.get().unwrap_or_default()}
        </div>
    }
}
