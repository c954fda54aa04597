//! The one error type that crosses the wire. Each variant maps to an HTTP status and to a
//! translated message in the client; none carries a secret or says whether an account exists.

use super::contact::{EmailProblem, PhoneProblem};
use super::password_policy::PasswordProblem;
use super::username::UsernameProblem;
use serde::{Deserialize, Serialize};
use server_fn::codec::JsonEncoding;
use server_fn::error::{FromServerFnError, ServerFnErrorErr};

/// What is wrong with one form field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum FieldProblem {
    Username(UsernameProblem),
    Password(PasswordProblem),
    Required,
    TooLong,
    Email(EmailProblem),
    Phone(PhoneProblem),
    /// A one-time or authenticator code that is not the right number of digits.
    CodeFormat {
        digits: u8,
    },
    AnswerTooShort {
        min: u8,
    },
    /// The same answer was given to two questions.
    DuplicateAnswer,
    /// The same question was chosen twice.
    DuplicateQuestion,
    /// Not the number of questions policy asks for.
    QuestionCount {
        required: u8,
    },
    /// A question that is not (or no longer) in the bank.
    UnknownQuestion,
    /// A setting outside its allowed range.
    OutOfRange,
    /// A password reset policy setting that contradicts itself or is out of range.
    ResetPolicy(super::reset_policy::ResetPolicyProblem),
    /// A password policy setting out of its range.
    PasswordPolicy(super::password_policy::PasswordPolicyProblem),
    /// A number outside `min..=max`.
    Between {
        min: u32,
        max: u32,
    },
    /// Users would register fewer methods than the reset policy asks them to prove.
    FewerThanGates {
        gates: u8,
    },
    /// A group that does not exist.
    UnknownGroup,
    /// The question bank would hold fewer active questions than users must answer.
    BankTooSmall {
        required: u8,
    },
    /// A name that is not one of the allowed choices (an audit event or outcome filter).
    UnknownChoice,
    /// No user has this name.
    UnknownUser,
    /// Not a host name or address (usable for TLS when TLS is on).
    HostName,
    /// Not a mailbox such as `sspr <sspr@example.org>`.
    Mailbox,
    /// Not an http or https URL naming a host.
    Url,
    /// An SMTP username without a password, or the other way round.
    CredentialsHalfSet,
    /// SMTP credentials over an unencrypted connection to another machine.
    CredentialsInClear,
    /// An HTTP header with an invalid name or value.
    Header,
    /// An SMS body template without both placeholders, or that does not give JSON.
    SmsTemplate,
    /// Another record already has this name (compared case-insensitively).
    NameTaken,
    /// Text with control characters (a tab, a line break) where one line is expected.
    ControlCharacters,
    /// Another user already has this username.
    Taken,
    /// The connected directory refused this new password under its own policy; nothing
    /// was changed.
    DirectoryRefused(super::directory::PasswordRefusal),
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub enum AppError {
    /// Same for unknown users, wrong passwords, and disabled and locked accounts (the
    /// owner of a locked account is told by mail).
    #[error("username or password is incorrect")]
    InvalidCredentials,
    /// Too many attempts from this address; try again after this many seconds.
    #[error("too many attempts")]
    Throttled { retry_after_secs: u64 },
    #[error("not signed in")]
    NotSignedIn,
    #[error("forbidden")]
    Forbidden,
    /// The user must change their password before anything else.
    #[error("password change required")]
    PasswordChangeRequired,
    #[error("current password is incorrect")]
    CurrentPasswordIncorrect,
    /// The code does not match; where tries are counted, it stays valid for
    /// `attempts_left` more.
    #[error("code incorrect")]
    CodeIncorrect { attempts_left: Option<u32> },
    /// The code expired, was used or was replaced by a newer one; ask for a new one.
    #[error("code expired")]
    CodeExpired,
    /// Too many wrong tries; the code no longer works.
    #[error("too many wrong codes")]
    CodeAttemptsExceeded,
    /// Too many codes were sent to this destination or account in the last hour.
    #[error("too many codes sent")]
    TooManyCodes { retry_after_secs: u64 },
    /// An authenticator code that was already used once.
    #[error("authenticator code already used")]
    CodeReused,
    /// The authenticator set-up was not started or has expired.
    #[error("set-up expired")]
    SetupExpired,
    /// Changing security info needs the password typed again.
    #[error("re-authentication required")]
    ReauthRequired,
    /// Policy requires registering security info before anything else.
    #[error("registration required")]
    RegistrationRequired,
    /// Registration was already postponed as often as policy allows.
    #[error("postpone limit reached")]
    PostponeLimitReached,
    /// The method is not available here (for example no SMS provider is configured).
    #[error("method unavailable")]
    MethodUnavailable,
    /// The reset wizard ended (expired, finished, too many wrong answers) or never began;
    /// start again.
    #[error("reset wizard expired")]
    WizardExpired,
    /// Too many resets were started for this name in 24 hours; it is blocked until then.
    #[error("reset blocked")]
    ResetBlocked { retry_after_secs: u64 },
    /// Too many wrong answers at the gates; this wizard has ended.
    #[error("too many wrong answers")]
    TooManyWrongAnswers,
    /// The CAPTCHA answer was missing, wrong, expired or already used.
    #[error("captcha failed")]
    CaptchaFailed,
    /// A field failed validation; `field` names the form field.
    #[error("invalid {field}")]
    Invalid {
        field: String,
        problem: FieldProblem,
    },
    /// The request could not be read (malformed payload, wrong origin, unknown function).
    #[error("bad request: {0}")]
    BadRequest(String),
    /// A request from another site was refused.
    #[error("cross-site request refused")]
    CrossSite,
    #[error("not found")]
    NotFound,
    /// Something failed on the server; the id finds it in the logs.
    #[error("internal error {request_id}")]
    Internal { request_id: String },
    /// The client could not reach the server or read its answer.
    #[error("network error")]
    Network,
    /// Someone else saved this (a policy, a user) after the caller loaded it; nothing was
    /// changed. Reload, then edit again.
    #[error("edited meanwhile")]
    EditConflict,
    /// The group cannot be deleted while the password reset policy's scope names it.
    #[error("group used by the reset scope")]
    GroupInResetScope,
    /// A service sspr depends on (the directory) is down or refused it; nothing was
    /// changed. Try again later.
    #[error("service unavailable")]
    Unavailable,
    /// Users, groups and roles come from the connected directory; change them there.
    #[error("managed by the directory")]
    ManagedByDirectory,
}

impl AppError {
    pub fn invalid(field: &str, problem: FieldProblem) -> Self {
        Self::Invalid {
            field: field.to_owned(),
            problem,
        }
    }

    /// The HTTP status this error is answered with.
    pub fn status(&self) -> u16 {
        match self {
            Self::InvalidCredentials | Self::NotSignedIn | Self::CurrentPasswordIncorrect => 401,
            Self::Throttled { .. } => 429,
            Self::Forbidden
            | Self::PasswordChangeRequired
            | Self::CrossSite
            | Self::ReauthRequired
            | Self::RegistrationRequired
            | Self::PostponeLimitReached => 403,
            Self::CodeIncorrect { .. } | Self::CodeReused => 401,
            Self::CodeExpired | Self::CodeAttemptsExceeded | Self::SetupExpired => 410,
            Self::TooManyCodes { .. } | Self::ResetBlocked { .. } => 429,
            Self::WizardExpired | Self::TooManyWrongAnswers => 410,
            Self::CaptchaFailed => 400,
            Self::MethodUnavailable => 409,
            Self::Invalid { .. } => 422,
            Self::BadRequest(_) => 400,
            Self::NotFound => 404,
            Self::Internal { .. } => 500,
            Self::Network => 502,
            Self::EditConflict | Self::GroupInResetScope | Self::ManagedByDirectory => 409,
            Self::Unavailable => 503,
        }
    }
}

impl AppError {
    /// An unreadable request; on the server the response gets its 400 at once.
    fn bad_request(message: String) -> Self {
        let error = Self::BadRequest(message);
        #[cfg(feature = "ssr")]
        crate::api::response::set_status(error.status());
        error
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(message) | ServerFnErrorErr::MissingArg(message) => {
                Self::bad_request(message)
            }
            // On the server these mean the incoming request could not be read.
            #[cfg(feature = "ssr")]
            ServerFnErrorErr::Request(message) | ServerFnErrorErr::Deserialization(message) => {
                Self::bad_request(message)
            }
            // In the browser they mean the server's answer never arrived or was unreadable.
            #[cfg(not(feature = "ssr"))]
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Deserialization(_) => Self::Network,
            other => Self::BadRequest(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_round_trip_as_json() {
        let error = AppError::Throttled {
            retry_after_secs: 60,
        };
        let json = serde_json::to_string(&error).unwrap();
        assert_eq!(serde_json::from_str::<AppError>(&json).unwrap(), error);
    }

    #[test]
    fn sign_in_failures_share_one_status() {
        assert_eq!(AppError::InvalidCredentials.status(), 401);
        assert_eq!(AppError::Forbidden.status(), 403);
        assert_eq!(AppError::BadRequest("x".into()).status(), 400);
    }
}
