//! Typed server functions. The client calls them over HTTP; on the server each body only
//! takes the service from context and delegates, so the workflows live in `server/`.

pub mod account;
pub mod admin;
#[cfg(feature = "csr")]
pub mod client;
#[cfg(feature = "ssr")]
pub mod context;
pub mod password;
pub mod reset;
pub mod security_info;

pub use account::*;
pub use admin::*;
pub use password::*;
pub use reset::*;
pub use security_info::*;

/// Registers every server function with the server's router. The server binary must call
/// this, or the linker drops the registrations and calls fail with "Could not find".
#[cfg(feature = "ssr")]
pub fn register_server_functions() {
    use server_fn::axum::register_explicit;
    register_explicit::<SignIn>();
    register_explicit::<SignOut>();
    register_explicit::<CurrentUser>();
    register_explicit::<ChangePassword>();
    register_explicit::<ListUsers>();
    register_explicit::<ListOutbox>();
    register_explicit::<GetSecurityInfo>();
    register_explicit::<Reauthenticate>();
    register_explicit::<SendEmailCode>();
    register_explicit::<SendPhoneCode>();
    register_explicit::<ConfirmCode>();
    register_explicit::<StartAuthenticator>();
    register_explicit::<ConfirmAuthenticator>();
    register_explicit::<QuestionBank>();
    register_explicit::<SaveQuestions>();
    register_explicit::<NewRecoveryCodes>();
    register_explicit::<RemoveMethod>();
    register_explicit::<ConfirmSecurityInfo>();
    register_explicit::<PostponeRegistration>();
    register_explicit::<GetRegistrationPolicy>();
    register_explicit::<UpdateRegistrationPolicy>();
    register_explicit::<ResetChallenge>();
    register_explicit::<ResetBegin>();
    register_explicit::<ResetState>();
    register_explicit::<ResetChoose>();
    register_explicit::<ResetBack>();
    register_explicit::<ResetVerify>();
    register_explicit::<ResetCheckPassword>();
    register_explicit::<ResetComplete>();
    register_explicit::<ResetUnlock>();
    register_explicit::<ResetCancel>();
    register_explicit::<GetPasswordRules>();
    register_explicit::<CheckPassword>();
    register_explicit::<GetResetPolicy>();
    register_explicit::<UpdateResetPolicy>();
}
