//! Errors and notices shown in place. An error takes focus when it appears so keyboard and
//! screen-reader users meet it at once.

use crate::i18n::{fill, k};
use crate::state::I18n;
use app::domain::{
    AppError, EmailProblem, FieldProblem, PasswordProblem, PhoneProblem, UsernameProblem,
};
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
    }
}

/// The words for a field problem.
pub fn problem_text(i18n: I18n, problem: FieldProblem) -> String {
    match problem {
        FieldProblem::Required => i18n.t(k::PROBLEM_REQUIRED).into(),
        FieldProblem::TooLong => i18n.t(k::PROBLEM_TOO_LONG).into(),
        FieldProblem::Username(p) => i18n
            .t(match p {
                UsernameProblem::Empty => k::PROBLEM_USERNAME_EMPTY,
                UsernameProblem::TooLong => k::PROBLEM_USERNAME_TOO_LONG,
                UsernameProblem::ControlCharacter => k::PROBLEM_USERNAME_CONTROL,
                UsernameProblem::Whitespace => k::PROBLEM_USERNAME_WHITESPACE,
            })
            .into(),
        FieldProblem::Password(p) => match p {
            PasswordProblem::TooShort { min } => fill(
                i18n.t(k::PROBLEM_PASSWORD_TOO_SHORT),
                &[("min", &min.to_string())],
            ),
            PasswordProblem::TooLong { max } => fill(
                i18n.t(k::PROBLEM_PASSWORD_TOO_LONG),
                &[("max", &max.to_string())],
            ),
            PasswordProblem::Mismatch => i18n.t(k::PROBLEM_PASSWORD_MISMATCH).into(),
            PasswordProblem::Common => i18n.t(k::PROBLEM_PASSWORD_COMMON).into(),
            PasswordProblem::BannedWord => i18n.t(k::PROBLEM_PASSWORD_BANNED).into(),
            PasswordProblem::ContainsName => i18n.t(k::PROBLEM_PASSWORD_NAME).into(),
            PasswordProblem::Reused { depth } => fill(
                i18n.t(k::PROBLEM_PASSWORD_REUSED),
                &[("depth", &depth.to_string())],
            ),
        },
        FieldProblem::Email(p) => i18n
            .t(match p {
                EmailProblem::Empty => k::PROBLEM_EMAIL_EMPTY,
                EmailProblem::TooLong => k::PROBLEM_TOO_LONG,
                EmailProblem::Shape => k::PROBLEM_EMAIL_SHAPE,
                EmailProblem::LocalPart => k::PROBLEM_EMAIL_LOCAL,
                EmailProblem::Domain => k::PROBLEM_EMAIL_DOMAIN,
            })
            .into(),
        FieldProblem::Phone(p) => i18n
            .t(match p {
                PhoneProblem::Empty => k::PROBLEM_PHONE_EMPTY,
                PhoneProblem::MissingCountryCode => k::PROBLEM_PHONE_COUNTRY,
                PhoneProblem::InvalidCharacter => k::PROBLEM_PHONE_CHARACTER,
                PhoneProblem::TooShort => k::PROBLEM_PHONE_SHORT,
                PhoneProblem::TooLong => k::PROBLEM_PHONE_LONG,
            })
            .into(),
        FieldProblem::CodeFormat { digits } => fill(
            i18n.t(k::PROBLEM_CODE_FORMAT),
            &[("digits", &digits.to_string())],
        ),
        FieldProblem::AnswerTooShort { min } => fill(
            i18n.t(k::PROBLEM_ANSWER_SHORT),
            &[("min", &min.to_string())],
        ),
        FieldProblem::DuplicateAnswer => i18n.t(k::PROBLEM_ANSWER_DUPLICATE).into(),
        FieldProblem::DuplicateQuestion => i18n.t(k::PROBLEM_QUESTION_DUPLICATE).into(),
        FieldProblem::QuestionCount { required } => fill(
            i18n.t(k::PROBLEM_QUESTION_COUNT),
            &[("count", &required.to_string())],
        ),
        FieldProblem::UnknownQuestion => i18n.t(k::PROBLEM_QUESTION_UNKNOWN).into(),
        FieldProblem::OutOfRange => i18n.t(k::PROBLEM_OUT_OF_RANGE).into(),
        FieldProblem::ResetPolicy(p) => reset_policy_problem(i18n, p),
        FieldProblem::PasswordPolicy(p) => {
            use app::domain::password_policy::PasswordPolicyProblem as P;
            i18n.t(match p {
                P::MinChars => k::ADMIN_POLICIES_PROBLEM_MIN_CHARS,
                P::MaxChars => k::ADMIN_POLICIES_PROBLEM_MAX_CHARS,
                P::HistoryDepth => k::ADMIN_POLICIES_PROBLEM_HISTORY_DEPTH,
                P::TooManyBannedWords => k::ADMIN_POLICIES_PROBLEM_TOO_MANY_WORDS,
                P::BannedWordLength => k::ADMIN_POLICIES_PROBLEM_WORD_LENGTH,
                P::LockoutThreshold => k::ADMIN_POLICIES_PROBLEM_LOCKOUT_THRESHOLD,
                P::LockoutMinutes => k::ADMIN_POLICIES_PROBLEM_LOCKOUT_MINUTES,
            })
            .into()
        }
        FieldProblem::Between { min, max } => fill(
            i18n.t(k::ADMIN_POLICIES_PROBLEM_BETWEEN),
            &[("min", &min.to_string()), ("max", &max.to_string())],
        ),
        FieldProblem::FewerThanGates { gates } => fill(
            i18n.t(k::ADMIN_POLICIES_PROBLEM_FEWER_THAN_GATES),
            &[("gates", &gates.to_string())],
        ),
        FieldProblem::UnknownGroup => i18n.t(k::ADMIN_POLICIES_PROBLEM_UNKNOWN_GROUP).into(),
        FieldProblem::BankTooSmall { required } => fill(
            i18n.t(k::ADMIN_POLICIES_PROBLEM_BANK_TOO_SMALL),
            &[("count", &required.to_string())],
        ),
        FieldProblem::UnknownChoice => i18n.t(k::ADMIN_AUDIT_PROBLEM_UNKNOWN_CHOICE).into(),
        FieldProblem::UnknownUser => i18n.t(k::ADMIN_AUDIT_PROBLEM_UNKNOWN_USER).into(),
        FieldProblem::HostName => i18n.t(k::ADMIN_DELIVERY_PROBLEM_HOST).into(),
        FieldProblem::Mailbox => i18n.t(k::ADMIN_DELIVERY_PROBLEM_MAILBOX).into(),
        FieldProblem::Url => i18n.t(k::ADMIN_DELIVERY_PROBLEM_URL).into(),
        FieldProblem::CredentialsHalfSet => i18n.t(k::ADMIN_DELIVERY_PROBLEM_CREDENTIALS).into(),
        FieldProblem::CredentialsInClear => i18n.t(k::ADMIN_DELIVERY_PROBLEM_CLEAR).into(),
        FieldProblem::Header => i18n.t(k::ADMIN_DELIVERY_PROBLEM_HEADER).into(),
        FieldProblem::SmsTemplate => i18n.t(k::ADMIN_DELIVERY_PROBLEM_TEMPLATE).into(),
        FieldProblem::NameTaken => i18n.t(k::ADMIN_GROUPS_PROBLEM_TAKEN).into(),
        FieldProblem::ControlCharacters => i18n.t(k::ADMIN_USERS_PROBLEM_CONTROL).into(),
        FieldProblem::Taken => i18n.t(k::ADMIN_USERS_PROBLEM_TAKEN).into(),
    }
}

/// The words for a reset policy that contradicts itself, naming what to change.
fn reset_policy_problem(
    i18n: I18n,
    problem: app::domain::reset_policy::ResetPolicyProblem,
) -> String {
    use app::domain::reset_policy::ResetPolicyProblem as P;
    let (key, count) = match problem {
        P::MethodsRequired => (k::ADMIN_POLICIES_PROBLEM_METHODS_REQUIRED, 0),
        P::TooFewMethods { required } => (k::ADMIN_POLICIES_PROBLEM_TOO_FEW_METHODS, required),
        P::QuestionsToReset { registered } => {
            (k::ADMIN_POLICIES_PROBLEM_QUESTIONS_TO_RESET, registered)
        }
        P::NoGroups => (k::ADMIN_POLICIES_PROBLEM_NO_GROUPS, 0),
        P::WizardMinutes => (k::ADMIN_POLICIES_PROBLEM_WIZARD_MINUTES, 0),
        P::MaxGateFailures => (k::ADMIN_POLICIES_PROBLEM_MAX_GATE_FAILURES, 0),
        P::MaxResetsPerDay => (k::ADMIN_POLICIES_PROBLEM_MAX_RESETS, 0),
        P::CaptchaDifficulty => (k::ADMIN_POLICIES_PROBLEM_CAPTCHA, 0),
        P::ContactTooLong => (k::ADMIN_POLICIES_PROBLEM_CONTACT, 0),
    };
    fill(i18n.t(key), &[("count", &count.to_string())])
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
