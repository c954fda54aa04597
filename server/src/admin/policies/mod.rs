//! The policy editors: the password reset policy (with registration and the question bank) and the password policy, saved with a revision so concurrent edits are detected.

mod changes;
mod password;
mod questions;
mod reset;
mod scope;

use super::Admin;
use crate::audit::{AuditEvent, AuditKind, Outcome};
use app::api::admin::policies::PolicyEditorService;
use app::api::context::RequestMeta;
use app::api::{
    BankQuestion, PasswordPolicyEditor, PasswordPolicySaved, RegistrationPolicy, ResetPolicyEditor,
    ResetPolicySaved, ResetRevisions, ScopePreview,
};
use app::domain::password_policy::{PasswordPolicy, PasswordVerdict};
use app::domain::reset_policy::ResetPolicy;
use app::domain::{AdminSection, AppError};

impl Admin {
    /// Records a policy change by `actor_id` with its summary.
    async fn policy_changed(
        &self,
        meta: &RequestMeta,
        actor_id: i64,
        detail: String,
    ) -> Result<(), AppError> {
        let event =
            AuditEvent::by_admin(AuditKind::PolicyChanged, Outcome::Success, actor_id, meta)
                .detail(detail);
        self.record(meta, event).await
    }
}

#[async_trait::async_trait]
impl PolicyEditorService for Admin {
    async fn reset_policy_editor(&self, meta: &RequestMeta) -> Result<ResetPolicyEditor, AppError> {
        self.require(meta, AdminSection::ResetPolicy).await?;
        reset::editor(self, &meta.request_id).await
    }

    async fn save_reset_policy(
        &self,
        meta: &RequestMeta,
        reset: ResetPolicy,
        registration: RegistrationPolicy,
        revisions: ResetRevisions,
    ) -> Result<ResetPolicySaved, AppError> {
        let caller = self.require(meta, AdminSection::ResetPolicy).await?;
        let rid = meta.request_id.as_str();
        let (reset, registration) = reset::validate(self, rid, reset, registration).await?;
        let changes = reset::save(self, rid, &reset, &registration, revisions).await?;
        self.reset.forget_policy();
        let detail = changes::detail("password reset policy", &changes);
        self.policy_changed(meta, caller.user.id, detail).await?;
        let editor = reset::editor(self, rid).await?;
        Ok(ResetPolicySaved { editor, changes })
    }

    async fn preview_reset_scope(
        &self,
        meta: &RequestMeta,
        reset: ResetPolicy,
    ) -> Result<ScopePreview, AppError> {
        self.require(meta, AdminSection::ResetPolicy).await?;
        scope::preview(
            &self.pool,
            &reset::normalise(reset),
            self.reset.deliverable(),
        )
        .await
        .map_err(|e| crate::error::internal(&meta.request_id, e))
    }

    async fn add_security_question(
        &self,
        meta: &RequestMeta,
        text_en: String,
        text_el: String,
    ) -> Result<Vec<BankQuestion>, AppError> {
        let caller = self.require(meta, AdminSection::ResetPolicy).await?;
        let rid = meta.request_id.as_str();
        let id = questions::add(self, rid, &text_en, &text_el).await?;
        let detail = format!("security question {id} added");
        self.policy_changed(meta, caller.user.id, detail).await?;
        questions::bank(&self.pool, rid).await
    }

    async fn set_security_question_active(
        &self,
        meta: &RequestMeta,
        id: i64,
        active: bool,
    ) -> Result<Vec<BankQuestion>, AppError> {
        let caller = self.require(meta, AdminSection::ResetPolicy).await?;
        let rid = meta.request_id.as_str();
        questions::set_active(self, rid, id, active).await?;
        let what = if active { "offered again" } else { "retired" };
        let detail = format!("security question {id} {what}");
        self.policy_changed(meta, caller.user.id, detail).await?;
        questions::bank(&self.pool, rid).await
    }

    async fn password_policy_editor(
        &self,
        meta: &RequestMeta,
    ) -> Result<PasswordPolicyEditor, AppError> {
        self.require(meta, AdminSection::PasswordPolicy).await?;
        password::editor(self, &meta.request_id).await
    }

    async fn save_password_policy(
        &self,
        meta: &RequestMeta,
        policy: PasswordPolicy,
        revision: i64,
    ) -> Result<PasswordPolicySaved, AppError> {
        let caller = self.require(meta, AdminSection::PasswordPolicy).await?;
        let rid = meta.request_id.as_str();
        let policy = password::validate(policy)?;
        let changes = password::save(self, rid, &policy, revision).await?;
        let detail = changes::detail("password policy", &changes);
        self.policy_changed(meta, caller.user.id, detail).await?;
        let editor = password::editor(self, rid).await?;
        Ok(PasswordPolicySaved { editor, changes })
    }

    async fn test_password(
        &self,
        meta: &RequestMeta,
        policy: PasswordPolicy,
        password: String,
    ) -> Result<PasswordVerdict, AppError> {
        use crate::error::OrInternal;
        self.require(meta, AdminSection::PasswordPolicy).await?;
        let policy = password::validate(policy)?;
        self.password_policy
            .preview_draft(&policy, &password)
            .await
            .or_internal(&meta.request_id)
    }
}
