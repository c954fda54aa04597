//! The password policy page: lengths, banned words, history and the sign-in lockout.

use super::changes;
use crate::admin::Admin;
use crate::error::OrInternal;
use crate::passwords::normalise as nfkc;
use app::api::{PasswordPolicyEditor, SettingChange};
use app::domain::password_policy::{fold_for_matching, PasswordPolicy};
use app::domain::{AppError, FieldProblem};
use std::collections::HashSet;

/// The stored policy with the lockout settings it leaves to configuration filled in, so
/// the page shows the numbers in force.
pub async fn editor(admin: &Admin, rid: &str) -> Result<PasswordPolicyEditor, AppError> {
    let (mut policy, revision) = admin
        .password_policy
        .load_revised()
        .await
        .or_internal(rid)?;
    let configured = admin.config.sign_in.lockout;
    policy
        .lockout_threshold
        .get_or_insert(u16::try_from(configured.threshold).unwrap_or(u16::MAX));
    policy
        .lockout_minutes
        .get_or_insert(u16::try_from(configured.duration_secs / 60).unwrap_or(u16::MAX));
    Ok(PasswordPolicyEditor { policy, revision })
}

/// Banned words as pasted: one per line or entry, trimmed, NFKC, and once each by the
/// way they are matched (so "Acme" and "4cme" are one word), sorted.
pub fn normalise_words(words: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    let mut kept: Vec<String> = words
        .iter()
        .flat_map(|entry| entry.lines())
        .map(|word| nfkc(word.trim()))
        .filter(|word| !word.is_empty() && seen.insert(fold_for_matching(word)))
        .collect();
    kept.sort_by_key(|word| word.to_lowercase());
    kept
}

/// The policy with its banned words normalised, if every setting is in range.
pub fn validate(mut policy: PasswordPolicy) -> Result<PasswordPolicy, AppError> {
    policy.banned_words = normalise_words(&policy.banned_words);
    policy
        .check()
        .map_err(|p| AppError::invalid(p.field(), FieldProblem::PasswordPolicy(p)))?;
    Ok(policy)
}

/// Saves the policy if it is still at `revision`; the changes against the stored one.
pub async fn save(
    admin: &Admin,
    rid: &str,
    policy: &PasswordPolicy,
    revision: i64,
) -> Result<Vec<SettingChange>, AppError> {
    let before = editor(admin, rid).await?;
    if before.revision != revision {
        return Err(AppError::EditConflict);
    }
    admin
        .password_policy
        .save_if(policy, revision, admin.clock.now())
        .await
        .or_internal(rid)?
        .ok_or(AppError::EditConflict)?;
    Ok(changes::between("", &before.policy, policy))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn banned_words_are_trimmed_split_deduplicated_by_matching_and_sorted() {
        let pasted = vec!["  Winter \n\nacme\r\n4CME".to_owned(), "contoso".to_owned()];
        assert_eq!(normalise_words(&pasted), vec!["acme", "contoso", "Winter"]);
    }
}
