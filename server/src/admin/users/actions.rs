//! The writes behind each action. Each is one statement or one transaction, so a refused
//! or failed action changes nothing.

use crate::accounts::store::{self, InsertError, NewUser, UserRecord};
use crate::admin::Admin;
use crate::directory::connected::ConnectedDirectory;
use crate::directory::import::{
    check_display_name, check_email, check_phone, check_username, Invalid,
};
use crate::directory::ldap::people::Person;
use crate::directory::outage;
use crate::error::OrInternal;
use crate::passwords::one_time_password;
use crate::revocation::end_open_wizards;
use app::api::context::RequestMeta;
use app::api::{AccountStatus, UserProfile};
use app::domain::{AppError, FieldProblem};

fn field(invalid: Invalid) -> AppError {
    AppError::invalid(invalid.field, invalid.problem)
}

/// A checked profile: display name, email, phone.
struct Profile {
    display_name: String,
    email: Option<String>,
    phone: Option<String>,
}

fn profile(raw: &UserProfile) -> Result<Profile, AppError> {
    Ok(Profile {
        display_name: check_display_name(&raw.display_name).map_err(field)?,
        email: check_email(&raw.email).map_err(field)?,
        phone: check_phone(&raw.phone).map_err(field)?,
    })
}

/// A new account without a password (a reset gives it a temporary one); its id.
pub async fn create(
    admin: &Admin,
    meta: &RequestMeta,
    username: &str,
    raw: &UserProfile,
) -> Result<i64, AppError> {
    let rid = meta.request_id.as_str();
    let username = check_username(username).map_err(field)?;
    let checked = profile(raw)?;
    let user = NewUser {
        username,
        display_name: checked.display_name,
        email: checked.email,
        phone: checked.phone,
        must_change_password: true,
    };
    let mut conn = admin.pool.acquire().await.or_internal(rid)?;
    match store::insert_user(&mut conn, &user, admin.clock.now()).await {
        Ok(id) => Ok(id),
        Err(InsertError::Duplicate) => Err(AppError::invalid("username", FieldProblem::Taken)),
        Err(InsertError::Other(e)) => Err(crate::error::internal(rid, e)),
    }
}

/// Saves the profile; the names of the fields that changed (no values: the audit detail).
pub async fn update(
    admin: &Admin,
    meta: &RequestMeta,
    user: &UserRecord,
    raw: &UserProfile,
) -> Result<Vec<&'static str>, AppError> {
    let checked = profile(raw)?;
    let mut changed = Vec::new();
    if checked.display_name != user.display_name {
        changed.push("display_name");
    }
    if checked.email != user.email {
        changed.push("email");
    }
    if checked.phone != user.phone {
        changed.push("phone");
    }
    sqlx::query(
        "UPDATE users SET display_name = ?, email = ?, phone = ?, updated_at = ? WHERE id = ?",
    )
    .bind(&checked.display_name)
    .bind(&checked.email)
    .bind(&checked.phone)
    .bind(admin.clock.now())
    .bind(user.id)
    .execute(&admin.pool)
    .await
    .or_internal(&meta.request_id)?;
    Ok(changed)
}

/// Disabling also ends every session and open reset wizard; enabling clears any lock and
/// failure count.
pub async fn set_enabled(
    admin: &Admin,
    meta: &RequestMeta,
    user_id: i64,
    enabled: bool,
) -> Result<(), AppError> {
    let rid = meta.request_id.as_str();
    let status = if enabled {
        AccountStatus::Enabled
    } else {
        AccountStatus::Disabled
    };
    let now = admin.clock.now();
    let mut tx = admin.pool.begin().await.or_internal(rid)?;
    sqlx::query(
        "UPDATE users SET status = ?, lock_reason = NULL, locked_until = NULL, failed_sign_ins = 0, updated_at = ?
         WHERE id = ?",
    )
    .bind(status.as_str())
    .bind(now)
    .bind(user_id)
    .execute(&mut *tx)
    .await
    .or_internal(rid)?;
    if !enabled {
        sqlx::query("DELETE FROM sessions WHERE user_id = ?")
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .or_internal(rid)?;
        // Enabling again must not bring back a wizard begun before.
        end_open_wizards(&mut tx, user_id, now)
            .await
            .or_internal(rid)?;
    }
    tx.commit().await.or_internal(rid)
}

/// A generated password, stored only as its hash, that must be changed at the next
/// sign-in; every session and open reset wizard ends with it. The password is returned
/// to be shown once.
pub async fn temporary_password(
    admin: &Admin,
    meta: &RequestMeta,
    user_id: i64,
) -> Result<String, AppError> {
    let rid = meta.request_id.as_str();
    let password = one_time_password();
    // In `ldap` mode the directory takes the password and sspr keeps no copy of it.
    let phc = match &admin.directory {
        None => Some(admin.hasher.hash(&password).await.or_internal(rid)?),
        Some(directory) => {
            let person = current_person(admin, meta, directory, user_id).await?;
            if let Err(error) = directory.reset(&person, &password).await {
                let step = ("helpdesk_reset", "password");
                let audit = &admin.audit;
                return Err(outage::write_failed(audit, meta, step, Some(user_id), error).await);
            }
            None
        }
    };
    let now = admin.clock.now();
    let mut tx = admin.pool.begin().await.or_internal(rid)?;
    if let Some(phc) = phc {
        store::set_password(&mut tx, user_id, &phc, admin.hasher.params(), now)
            .await
            .or_internal(rid)?;
    }
    store::set_must_change(&mut tx, user_id, true, now)
        .await
        .or_internal(rid)?;
    sqlx::query("DELETE FROM sessions WHERE user_id = ?")
        .bind(user_id)
        .execute(&mut *tx)
        .await
        .or_internal(rid)?;
    end_open_wizards(&mut tx, user_id, now)
        .await
        .or_internal(rid)?;
    tx.commit().await.or_internal(rid)?;
    Ok(password)
}

/// The directory entry of a mirrored account, as it is now.
async fn current_person(
    admin: &Admin,
    meta: &RequestMeta,
    directory: &ConnectedDirectory,
    user_id: i64,
) -> Result<Person, AppError> {
    outage::current(directory, &admin.audit, meta, ("read", user_id))
        .await?
        .ok_or(AppError::NotFound)
}

/// Ends a lock (of any kind, the directory's too) with a fresh failure count; whether the
/// user was locked.
pub async fn unlock(admin: &Admin, meta: &RequestMeta, user_id: i64) -> Result<bool, AppError> {
    let mut in_directory = false;
    if let Some(directory) = &admin.directory {
        let person = current_person(admin, meta, directory, user_id).await?;
        let step = ("helpdesk_unlock", user_id);
        in_directory =
            outage::unlock_if_locked(directory, &admin.audit, meta, step, &person).await?;
    }
    let done = sqlx::query(
        "UPDATE users SET status = 'enabled', lock_reason = NULL, locked_until = NULL, failed_sign_ins = 0, updated_at = ?
         WHERE id = ? AND status = 'locked'",
    )
    .bind(admin.clock.now())
    .bind(user_id)
    .execute(&admin.pool)
    .await
    .or_internal(&meta.request_id)?;
    Ok(in_directory || done.rows_affected() > 0)
}

/// Signs the user out everywhere; how many sessions ended.
pub async fn revoke_sessions(
    admin: &Admin,
    meta: &RequestMeta,
    user_id: i64,
) -> Result<u64, AppError> {
    let done = sqlx::query("DELETE FROM sessions WHERE user_id = ?")
        .bind(user_id)
        .execute(&admin.pool)
        .await
        .or_internal(&meta.request_id)?;
    Ok(done.rows_affected())
}

/// Removes every registered method and the confirmation time, so the registration
/// check (`security_info::registration_status`) finds too few methods and sends the user
/// to register at their next sign-in; postponements start over. Open reset wizards end,
/// so no code sent before can still open a gate.
pub async fn require_reregistration(
    admin: &Admin,
    meta: &RequestMeta,
    user_id: i64,
) -> Result<(), AppError> {
    let rid = meta.request_id.as_str();
    let now = admin.clock.now();
    let mut tx = admin.pool.begin().await.or_internal(rid)?;
    for table in [
        "DELETE FROM auth_methods WHERE user_id = ?",
        "DELETE FROM authenticator_enrolments WHERE user_id = ?",
        "DELETE FROM security_answers WHERE user_id = ?",
        "DELETE FROM recovery_codes WHERE user_id = ?",
    ] {
        sqlx::query(table)
            .bind(user_id)
            .execute(&mut *tx)
            .await
            .or_internal(rid)?;
    }
    sqlx::query(
        "UPDATE users SET security_info_confirmed_at = NULL, registration_postponements = 0, updated_at = ?
         WHERE id = ?",
    )
    .bind(now)
    .bind(user_id)
    .execute(&mut *tx)
    .await
    .or_internal(rid)?;
    end_open_wizards(&mut tx, user_id, now)
        .await
        .or_internal(rid)?;
    tx.commit().await.or_internal(rid)
}
