//! The policy editors: the password reset policy (with registration and the question bank) and the password policy, saved with a revision so concurrent edits are detected.

use crate::api::codec::StrictJson;
#[cfg(feature = "ssr")]
use crate::api::context::RequestMeta;
use crate::api::security_info::RegistrationPolicy;
use crate::domain::password_policy::{PasswordPolicy, PasswordVerdict};
use crate::domain::reset_policy::ResetPolicy;
use crate::domain::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// The revisions of the documents the reset policy page edits (0 while the defaults
/// apply). A save names the revisions it was made from; if either moved, nothing is saved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetRevisions {
    pub reset: i64,
    pub registration: i64,
}

/// A question in the bank as admins see it: custom ones can be added, any retired.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BankQuestion {
    pub id: i64,
    pub text_en: String,
    pub text_el: String,
    pub builtin: bool,
    pub active: bool,
}

/// Everything the reset policy page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetPolicyEditor {
    pub reset: ResetPolicy,
    pub registration: RegistrationPolicy,
    pub revisions: ResetRevisions,
    /// Names of the existing groups, for the scope picker.
    pub groups: Vec<String>,
    pub questions: Vec<BankQuestion>,
}

/// One changed setting: its field name with the old and new value as short text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettingChange {
    pub field: String,
    pub from: String,
    pub to: String,
}

/// How many users a draft reset policy covers, counted by the wizard's own rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScopePreview {
    /// Accounts that are not disabled.
    pub users: u64,
    pub in_scope: u64,
    /// In scope with enough usable methods registered to pass the gates today.
    pub can_reset: u64,
}

/// The saved reset policy page and what the save changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResetPolicySaved {
    pub editor: ResetPolicyEditor,
    pub changes: Vec<SettingChange>,
}

/// The password policy with the lockout settings filled in, and its revision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicyEditor {
    pub policy: PasswordPolicy,
    pub revision: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PasswordPolicySaved {
    pub editor: PasswordPolicyEditor,
    pub changes: Vec<SettingChange>,
}

/// Implemented by the server; every method checks the caller's role first.
#[cfg(feature = "ssr")]
#[async_trait::async_trait]
pub trait PolicyEditorService: Send + Sync {
    async fn reset_policy_editor(&self, meta: &RequestMeta) -> Result<ResetPolicyEditor, AppError>;
    async fn save_reset_policy(
        &self,
        meta: &RequestMeta,
        reset: ResetPolicy,
        registration: RegistrationPolicy,
        revisions: ResetRevisions,
    ) -> Result<ResetPolicySaved, AppError>;
    async fn preview_reset_scope(
        &self,
        meta: &RequestMeta,
        reset: ResetPolicy,
    ) -> Result<ScopePreview, AppError>;
    async fn add_security_question(
        &self,
        meta: &RequestMeta,
        text_en: String,
        text_el: String,
    ) -> Result<Vec<BankQuestion>, AppError>;
    async fn set_security_question_active(
        &self,
        meta: &RequestMeta,
        id: i64,
        active: bool,
    ) -> Result<Vec<BankQuestion>, AppError>;
    async fn password_policy_editor(
        &self,
        meta: &RequestMeta,
    ) -> Result<PasswordPolicyEditor, AppError>;
    async fn save_password_policy(
        &self,
        meta: &RequestMeta,
        policy: PasswordPolicy,
        revision: i64,
    ) -> Result<PasswordPolicySaved, AppError>;
    async fn test_password(
        &self,
        meta: &RequestMeta,
        policy: PasswordPolicy,
        password: String,
    ) -> Result<PasswordVerdict, AppError>;
}

/// The reset policy page: reset and registration policy, groups and the question bank.
#[server(endpoint = "admin_reset_policy", input = StrictJson)]
pub async fn admin_reset_policy() -> Result<ResetPolicyEditor, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let editor = context::service::<dyn PolicyEditorService>()?;
    context::with_http_status(editor.reset_policy_editor(&meta).await)
}

/// Saves the reset and registration policy together, if neither changed since
/// `revisions`; otherwise `EditConflict` and nothing is saved.
#[server(endpoint = "admin_save_reset_policy", input = StrictJson)]
pub async fn admin_save_reset_policy(
    reset: ResetPolicy,
    registration: RegistrationPolicy,
    revisions: ResetRevisions,
) -> Result<ResetPolicySaved, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let editor = context::service::<dyn PolicyEditorService>()?;
    let saved = editor.save_reset_policy(&meta, reset, registration, revisions);
    context::with_http_status(saved.await)
}

/// How many users a draft reset policy would cover and how many could reset today.
#[server(endpoint = "admin_preview_reset_scope", input = StrictJson)]
pub async fn admin_preview_reset_scope(reset: ResetPolicy) -> Result<ScopePreview, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let editor = context::service::<dyn PolicyEditorService>()?;
    context::with_http_status(editor.preview_reset_scope(&meta, reset).await)
}

/// Adds a custom security question, in English and Greek.
#[server(endpoint = "admin_add_security_question", input = StrictJson)]
pub async fn admin_add_security_question(
    text_en: String,
    text_el: String,
) -> Result<Vec<BankQuestion>, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let editor = context::service::<dyn PolicyEditorService>()?;
    let added = editor.add_security_question(&meta, text_en, text_el);
    context::with_http_status(added.await)
}

/// Offers a question for registration again, or retires it (answers already given stay).
#[server(endpoint = "admin_set_security_question_active", input = StrictJson)]
pub async fn admin_set_security_question_active(
    id: i64,
    active: bool,
) -> Result<Vec<BankQuestion>, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let editor = context::service::<dyn PolicyEditorService>()?;
    let changed = editor.set_security_question_active(&meta, id, active);
    context::with_http_status(changed.await)
}

#[server(endpoint = "admin_password_policy", input = StrictJson)]
pub async fn admin_password_policy() -> Result<PasswordPolicyEditor, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let editor = context::service::<dyn PolicyEditorService>()?;
    context::with_http_status(editor.password_policy_editor(&meta).await)
}

/// Saves the password policy if it is still at `revision`; banned words are normalised
/// and de-duplicated first.
#[server(endpoint = "admin_save_password_policy", input = StrictJson)]
pub async fn admin_save_password_policy(
    policy: PasswordPolicy,
    revision: i64,
) -> Result<PasswordPolicySaved, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let editor = context::service::<dyn PolicyEditorService>()?;
    let saved = editor.save_password_policy(&meta, policy, revision);
    context::with_http_status(saved.await)
}

/// Runs the wizard's password checker with a draft policy (no user names, no history).
#[server(endpoint = "admin_test_password", input = StrictJson)]
pub async fn admin_test_password(
    policy: PasswordPolicy,
    password: String,
) -> Result<PasswordVerdict, AppError> {
    use crate::api::context;
    let meta = context::request_meta()?;
    let editor = context::service::<dyn PolicyEditorService>()?;
    let verdict = editor.test_password(&meta, policy, password);
    context::with_http_status(verdict.await)
}
