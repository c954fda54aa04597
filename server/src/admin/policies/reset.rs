//! The password reset policy page: the reset and registration documents, loaded and saved
//! together, each with its revision.

use super::{changes, questions};
use crate::accounts::{canonical_text, store};
use crate::admin::Admin;
use crate::error::OrInternal;
use crate::policy::{registration, reset as reset_doc, settings};
use app::api::{RegistrationPolicy, ResetPolicyEditor, ResetRevisions, SettingChange};
use app::domain::reset_policy::{ResetPolicy, ResetScope};
use app::domain::{AppError, FieldProblem};
use std::collections::HashSet;

/// Both documents as stored (or their configured defaults) with their revisions.
async fn load(
    admin: &Admin,
    rid: &str,
) -> Result<(ResetPolicy, RegistrationPolicy, ResetRevisions), AppError> {
    let (reset, reset_revision) =
        settings::load_revised::<ResetPolicy>(&admin.pool, reset_doc::NAME)
            .await
            .or_internal(rid)?;
    let (registration, registration_revision) =
        settings::load_revised::<RegistrationPolicy>(&admin.pool, registration::NAME)
            .await
            .or_internal(rid)?;
    // The same fallbacks the wizard and sign-in use, so the page shows what is in force.
    let reset = reset.unwrap_or_else(|| admin.config.reset.rules.defaults.clone());
    let registration = registration
        .filter(|p| registration::check(p).is_ok())
        .unwrap_or(admin.config.registration.defaults);
    let revisions = ResetRevisions {
        reset: reset_revision,
        registration: registration_revision,
    };
    Ok((reset, registration, revisions))
}

pub async fn editor(admin: &Admin, rid: &str) -> Result<ResetPolicyEditor, AppError> {
    let (reset, registration, revisions) = load(admin, rid).await?;
    Ok(ResetPolicyEditor {
        reset,
        registration,
        revisions,
        groups: store::group_names(&admin.pool, None)
            .await
            .or_internal(rid)?,
        questions: questions::bank(&admin.pool, rid).await?,
    })
}

/// Tidies what the form sent: methods and groups once each, groups and contact trimmed.
pub fn normalise(mut reset: ResetPolicy) -> ResetPolicy {
    let mut seen = HashSet::new();
    reset.methods.retain(|m| seen.insert(*m));
    if let ResetScope::Groups(names) = &mut reset.scope {
        let mut seen = HashSet::new();
        names.retain_mut(|name| {
            *name = name.trim().to_owned();
            !name.is_empty() && seen.insert(canonical_text(name))
        });
    }
    reset.contact_admin = reset.contact_admin.trim().to_owned();
    reset
}

/// Every rule a saved pair must pass, each refused with the field at fault: the ranges,
/// the contradictions `ResetPolicy::check` knows, and the ones across the two documents
/// and the database (groups that exist, enough questions in the bank, registration that
/// asks for at least as many methods as the gates need).
pub async fn validate(
    admin: &Admin,
    rid: &str,
    reset: ResetPolicy,
    registration: RegistrationPolicy,
) -> Result<(ResetPolicy, RegistrationPolicy), AppError> {
    let reset = normalise(reset);
    if let Err((field, problem)) = registration::check(&registration) {
        return Err(AppError::invalid(&format!("registration.{field}"), problem));
    }
    reset
        .check(registration.question_count)
        .map_err(|p| AppError::invalid(p.field(), FieldProblem::ResetPolicy(p)))?;
    if registration.methods_required < reset.methods_required {
        return Err(AppError::invalid(
            "registration.methods_required",
            FieldProblem::FewerThanGates {
                gates: reset.methods_required,
            },
        ));
    }
    if let ResetScope::Groups(names) = &reset.scope {
        let known: HashSet<String> = store::group_names(&admin.pool, None)
            .await
            .or_internal(rid)?
            .iter()
            .map(|n| canonical_text(n))
            .collect();
        if names.iter().any(|n| !known.contains(&canonical_text(n))) {
            return Err(AppError::invalid("scope", FieldProblem::UnknownGroup));
        }
    }
    let active = questions::active_count(&admin.pool)
        .await
        .or_internal(rid)?;
    if i64::from(registration.question_count) > active {
        return Err(AppError::invalid(
            "registration.question_count",
            FieldProblem::BankTooSmall {
                required: registration.question_count,
            },
        ));
    }
    Ok((reset, registration))
}

/// Saves both documents in one transaction, each only at the revision the admin loaded:
/// if another admin saved either meanwhile, neither is saved.
pub async fn save(
    admin: &Admin,
    rid: &str,
    reset: &ResetPolicy,
    registration: &RegistrationPolicy,
    revisions: ResetRevisions,
) -> Result<Vec<SettingChange>, AppError> {
    let (before_reset, before_registration, stored) = load(admin, rid).await?;
    if stored != revisions {
        return Err(AppError::EditConflict);
    }
    let now = admin.clock.now();
    let mut tx = admin.pool.begin().await.or_internal(rid)?;
    let saved_reset = settings::save_if(&mut *tx, reset_doc::NAME, reset, revisions.reset, now)
        .await
        .or_internal(rid)?;
    let saved_registration = settings::save_if(
        &mut *tx,
        registration::NAME,
        registration,
        revisions.registration,
        now,
    )
    .await
    .or_internal(rid)?;
    if saved_reset.is_none() || saved_registration.is_none() {
        // Dropping the transaction rolls back whichever half was written.
        return Err(AppError::EditConflict);
    }
    tx.commit().await.or_internal(rid)?;
    let mut list = changes::between("", &before_reset, reset);
    list.extend(changes::between(
        "registration.",
        &before_registration,
        registration,
    ));
    Ok(list)
}
