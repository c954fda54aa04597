//! The words for a field's problem, and which field an error names, so a form can show
//! the server's answer under the input it is about.

use crate::i18n::{fill, k};
use crate::state::I18n;
use app::domain::{
    AppError, EmailProblem, FieldProblem, PasswordProblem, PasswordRefusal, PhoneProblem,
    UsernameProblem,
};
use leptos::prelude::*;

/// The problem `error` names for `field`, in the user's language; `None` for another
/// field or another kind of error.
pub fn field_problem(i18n: I18n, error: Option<&AppError>, field: &str) -> Option<String> {
    match error {
        Some(AppError::Invalid { field: f, problem }) if f == field => {
            Some(problem_text(i18n, *problem))
        }
        _ => None,
    }
}

/// [`field_problem`] of the error a form keeps, following it as it changes.
pub fn watch_field_problem(
    i18n: I18n,
    error: RwSignal<Option<AppError>>,
    field: &'static str,
) -> Signal<Option<String>> {
    Signal::derive(move || error.with(|e| field_problem(i18n, e.as_ref(), field)))
}

/// The alert's text, unless the problem is already shown under its field.
pub fn unless_field(
    error: Signal<Option<String>>,
    problem: RwSignal<Option<String>>,
) -> Signal<Option<String>> {
    Signal::derive(move || {
        if problem.get().is_some() {
            None
        } else {
            error.get()
        }
    })
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
        FieldProblem::DirectoryRefused(refusal) => i18n.t(directory_refusal(refusal)).into(),
    }
}

/// Why the directory refused a new password, in plain words.
fn directory_refusal(refusal: PasswordRefusal) -> crate::i18n::Key {
    match refusal {
        PasswordRefusal::TooShort => k::PROBLEM_DIRECTORY_TOO_SHORT,
        PasswordRefusal::TooLong => k::PROBLEM_DIRECTORY_TOO_LONG,
        PasswordRefusal::InHistory => k::PROBLEM_DIRECTORY_IN_HISTORY,
        PasswordRefusal::TooYoung => k::PROBLEM_DIRECTORY_TOO_YOUNG,
        PasswordRefusal::Quality => k::PROBLEM_DIRECTORY_QUALITY,
        PasswordRefusal::Complexity => k::PROBLEM_DIRECTORY_COMPLEXITY,
        PasswordRefusal::Protected => k::PROBLEM_DIRECTORY_PROTECTED,
        PasswordRefusal::NotAllowed => k::PROBLEM_DIRECTORY_NOT_ALLOWED,
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
