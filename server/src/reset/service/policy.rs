//! The rules a wizard runs under: the reset policy (cached until an admin saves a new
//! one), the limits it sets, what can be delivered here, and what real accounts look like
//! for decoys to copy.

use super::SqlReset;
use crate::delivery::Channel;
use crate::error::OrInternal;
use crate::reset::account::Deliverable;
use crate::reset::decoy::Profile;
use crate::reset::limits::Limits;
use app::api::context::RequestMeta;
use app::api::PowChallenge;
use app::domain::reset_policy::ResetPolicy;
use app::domain::AppError;

impl SqlReset {
    /// The limits on wrong answers and codes under the current policy.
    pub(super) fn limits(&self, policy: &ResetPolicy) -> Limits {
        Limits::new(policy, self.codes)
    }

    /// Which methods can be delivered now (SMS needs a provider in send mode).
    pub fn deliverable(&self) -> Deliverable {
        Deliverable {
            sms: self.delivery.accepts(Channel::Sms),
        }
    }

    /// The policy, read once and kept until an admin saves a new one (every first step
    /// needs it; this process is the only writer).
    pub(super) async fn policy(&self, rid: &str) -> Result<ResetPolicy, AppError> {
        if let Ok(cached) = self.cached_policy.read() {
            if let Some(policy) = cached.as_ref() {
                return Ok(policy.clone());
            }
        }
        let policy = self.rules.current(&self.pool).await.or_internal(rid)?;
        if let Ok(mut cached) = self.cached_policy.write() {
            *cached = Some(policy.clone());
        }
        Ok(policy)
    }

    /// Drops the cached policy, so the next wizard reads the one just saved.
    pub fn forget_policy(&self) {
        if let Ok(mut cached) = self.cached_policy.write() {
            *cached = None;
        }
    }

    /// What real accounts look like, read by every wizard whether real or decoy, so a
    /// refresh costs both the same.
    pub(super) async fn profile(
        &self,
        policy: &ResetPolicy,
        rid: &str,
    ) -> Result<Profile, AppError> {
        self.profiles
            .get(&self.pool, self.clock.now(), policy.directory_contacts)
            .await
            .or_internal(rid)
    }

    /// The proof of work the first step asks for, at the policy's difficulty.
    pub(super) async fn challenge_step(
        &self,
        meta: &RequestMeta,
    ) -> Result<PowChallenge, AppError> {
        let policy = self.policy(&meta.request_id).await?;
        Ok(PowChallenge {
            contact_admin: policy.contact_admin,
            ..self.captcha.issue(policy.captcha_difficulty)
        })
    }
}
