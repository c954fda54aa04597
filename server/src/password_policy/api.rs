//! The policy as the server functions reach it: the rules for anyone, and a candidate
//! check for the signed-in caller, who must be resolved from the session first.

use super::PasswordPolicies;
use crate::accounts::SqlAccounts;
use crate::error::OrInternal;
use app::api::context::RequestMeta;
use app::api::PasswordPolicyService;
use app::domain::password_policy::{PasswordRules, PasswordVerdict};
use app::domain::AppError;
use std::sync::Arc;

pub struct PasswordPolicyApi {
    pub policies: Arc<PasswordPolicies>,
    pub accounts: Arc<SqlAccounts>,
}

#[async_trait::async_trait]
impl PasswordPolicyService for PasswordPolicyApi {
    async fn rules(&self, meta: &RequestMeta) -> Result<PasswordRules, AppError> {
        self.policies.rules().await.or_internal(&meta.request_id)
    }

    async fn check(
        &self,
        meta: &RequestMeta,
        password: String,
    ) -> Result<PasswordVerdict, AppError> {
        let caller = self.accounts.caller(meta).await?;
        self.policies
            .preview(&caller.user, &password)
            .await
            .or_internal(&meta.request_id)
    }
}
