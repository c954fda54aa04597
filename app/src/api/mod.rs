//! Typed server functions. The client calls them over HTTP; on the server each body only
//! takes the service from context and delegates, so the workflows live in `server/`.

pub mod account;
pub mod admin;
pub mod codec;
#[cfg(feature = "ssr")]
pub mod context;
pub mod password;
pub mod reset;
#[cfg(feature = "ssr")]
pub mod response;
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
    register_explicit::<GetUser>();
    register_explicit::<CreateUser>();
    register_explicit::<UpdateUser>();
    register_explicit::<SetUserEnabled>();
    register_explicit::<ResetUserPassword>();
    register_explicit::<UnlockUser>();
    register_explicit::<RevokeUserSessions>();
    register_explicit::<RequireReregistration>();
    register_explicit::<ExportUsers>();
    register_explicit::<ImportUsers>();
    register_explicit::<ListOutbox>();
    register_explicit::<GetDeliverySettings>();
    register_explicit::<SaveDeliverySettings>();
    register_explicit::<SendTestMessage>();
    register_explicit::<RetryOutbox>();
    register_explicit::<ListAudit>();
    register_explicit::<ExportAudit>();
    register_explicit::<VerifyAudit>();
    register_explicit::<GetOverview>();
    register_explicit::<GetReports>();
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
    register_explicit::<ListGroups>();
    register_explicit::<CreateGroup>();
    register_explicit::<RenameGroup>();
    register_explicit::<DeleteGroup>();
    register_explicit::<GroupMembers>();
    register_explicit::<AddGroupMember>();
    register_explicit::<RemoveGroupMember>();
    register_explicit::<TroubleshootUser>();
    register_explicit::<AdminResetPolicy>();
    register_explicit::<AdminSaveResetPolicy>();
    register_explicit::<AdminPreviewResetScope>();
    register_explicit::<AdminAddSecurityQuestion>();
    register_explicit::<AdminSetSecurityQuestionActive>();
    register_explicit::<AdminPasswordPolicy>();
    register_explicit::<AdminSavePasswordPolicy>();
    register_explicit::<AdminTestPassword>();
}
