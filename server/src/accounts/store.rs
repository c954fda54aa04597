//! SQL for users, roles, groups and password hashes. Writes take a connection so callers
//! can group them in one transaction.

use super::canonical::{canonical_text, canonical_username};
use crate::error::Result;
use crate::passwords::HashingParams;
use app::api::AccountStatus;
use app::domain::{Role, Username};
// Dynamic SQL here only splices constant column lists and filters, never input.
use sqlx::{AssertSqlSafe, SqliteConnection, SqlitePool};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct UserRecord {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    #[sqlx(try_from = "super::status::StoredStatus")]
    pub status: AccountStatus,
    pub lock_reason: Option<String>,
    pub locked_until: Option<i64>,
    pub failed_sign_ins: i64,
    pub must_change_password: bool,
    /// "en" or "el": the language messages to this user are written in.
    pub language: String,
}

const USER_COLUMNS: &str = "id, username, display_name, email, phone, status, lock_reason, locked_until, failed_sign_ins, must_change_password, language";

/// What a new account starts with.
#[derive(Debug, Clone)]
pub struct NewUser {
    pub username: Username,
    pub display_name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub must_change_password: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum InsertError {
    #[error("a user with this username already exists")]
    Duplicate,
    #[error(transparent)]
    Other(#[from] crate::error::Error),
}

pub async fn find_by_name(pool: &SqlitePool, name: &Username) -> Result<Option<UserRecord>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE username_canonical = ?");
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(canonical_username(name))
        .fetch_optional(pool)
        .await?)
}

pub async fn find_by_id(pool: &SqlitePool, id: i64) -> Result<Option<UserRecord>> {
    let sql = format!("SELECT {USER_COLUMNS} FROM users WHERE id = ?");
    Ok(sqlx::query_as(AssertSqlSafe(sql))
        .bind(id)
        .fetch_optional(pool)
        .await?)
}

pub async fn password_hash(pool: &SqlitePool, user_id: i64) -> Result<Option<String>> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT phc FROM password_hashes WHERE user_id = ?")
            .bind(user_id)
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(phc,)| phc))
}

pub async fn roles(pool: &SqlitePool, user_id: i64) -> Result<Vec<Role>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT role FROM role_assignments WHERE user_id = ? ORDER BY role")
            .bind(user_id)
            .fetch_all(pool)
            .await?;
    Ok(rows
        .iter()
        .filter_map(|(name,)| Role::parse(name))
        .collect())
}

pub async fn insert_user(
    conn: &mut SqliteConnection,
    user: &NewUser,
    now: i64,
) -> Result<i64, InsertError> {
    let inserted = sqlx::query_scalar(
        "INSERT INTO users (username, username_canonical, display_name, email, phone, must_change_password, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(user.username.as_str())
    .bind(canonical_username(&user.username))
    .bind(&user.display_name)
    .bind(&user.email)
    .bind(&user.phone)
    .bind(user.must_change_password)
    .bind(now)
    .bind(now)
    .fetch_one(&mut *conn)
    .await;
    match inserted {
        Ok(id) => Ok(id),
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() => Err(InsertError::Duplicate),
        Err(e) => Err(InsertError::Other(e.into())),
    }
}

/// Stores a new current hash. The history is not kept here: callers that set a new
/// password (not a re-hash of the same one) also call `PasswordPolicies::remember` in the
/// same transaction, which keeps keyed fingerprints instead of old hashes.
pub async fn set_password(
    conn: &mut SqliteConnection,
    user_id: i64,
    phc: &str,
    params: HashingParams,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO password_hashes (user_id, phc, memory_kib, iterations, parallelism, set_at)
         VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET phc = excluded.phc, memory_kib = excluded.memory_kib,
             iterations = excluded.iterations, parallelism = excluded.parallelism, set_at = excluded.set_at",
    )
    .bind(user_id)
    .bind(phc)
    .bind(params.memory_kib)
    .bind(params.iterations)
    .bind(params.parallelism)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

pub async fn set_must_change(
    conn: &mut SqliteConnection,
    user_id: i64,
    value: bool,
    now: i64,
) -> Result<()> {
    sqlx::query("UPDATE users SET must_change_password = ?, updated_at = ? WHERE id = ?")
        .bind(value)
        .bind(now)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn grant_role(
    conn: &mut SqliteConnection,
    user_id: i64,
    role: Role,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO role_assignments (user_id, role, granted_at) VALUES (?, ?, ?)
         ON CONFLICT (user_id, role) DO NOTHING",
    )
    .bind(user_id)
    .bind(role.as_str())
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Group names in name order, at most `limit` of them (None: all).
pub async fn group_names(pool: &SqlitePool, limit: Option<i64>) -> Result<Vec<String>> {
    // Two statements rather than SQLite's `LIMIT -1`, which PostgreSQL refuses.
    let names = match limit {
        Some(limit) => {
            sqlx::query_scalar("SELECT name FROM groups ORDER BY name_canonical LIMIT ?")
                .bind(limit)
                .fetch_all(pool)
                .await?
        }
        None => {
            sqlx::query_scalar("SELECT name FROM groups ORDER BY name_canonical")
                .fetch_all(pool)
                .await?
        }
    };
    Ok(names)
}

/// The group's id, creating it if needed. Names compare case-insensitively.
pub async fn ensure_group(conn: &mut SqliteConnection, name: &str, now: i64) -> Result<i64> {
    let canonical = canonical_text(name);
    sqlx::query("INSERT INTO groups (name, name_canonical, created_at) VALUES (?, ?, ?) ON CONFLICT (name_canonical) DO NOTHING")
        .bind(name)
        .bind(&canonical)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    Ok(
        sqlx::query_scalar("SELECT id FROM groups WHERE name_canonical = ?")
            .bind(&canonical)
            .fetch_one(&mut *conn)
            .await?,
    )
}

pub async fn add_member(conn: &mut SqliteConnection, group_id: i64, user_id: i64) -> Result<()> {
    sqlx::query(
        "INSERT INTO group_members (group_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
    )
    .bind(group_id)
    .bind(user_id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Counts a failed sign-in and returns the new count.
pub async fn record_failure(conn: &mut SqliteConnection, user_id: i64, now: i64) -> Result<u32> {
    let count: i64 = sqlx::query_scalar(
        "UPDATE users SET failed_sign_ins = failed_sign_ins + 1, updated_at = ? WHERE id = ? RETURNING failed_sign_ins",
    )
    .bind(now)
    .bind(user_id)
    .fetch_one(conn)
    .await?;
    Ok(u32::try_from(count).unwrap_or(u32::MAX))
}

pub const LOCK_REASON_SIGN_IN: &str = "too_many_failed_sign_ins";

/// Locks an enabled account until `until`. False when it was not enabled (already
/// locked, or disabled), so a lock begins, and is announced, once.
pub async fn lock(conn: &mut SqliteConnection, user_id: i64, until: i64, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE users SET status = 'locked', lock_reason = ?, locked_until = ?, updated_at = ?
         WHERE id = ? AND status = 'enabled'",
    )
    .bind(LOCK_REASON_SIGN_IN)
    .bind(until)
    .bind(now)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Ends a sign-in lock whose time is up, with a fresh failure count.
pub async fn unlock_if_expired(pool: &SqlitePool, user_id: i64, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE users SET status = 'enabled', lock_reason = NULL, locked_until = NULL, failed_sign_ins = 0, updated_at = ?
         WHERE id = ? AND status = 'locked' AND lock_reason = ? AND locked_until <= ?",
    )
    .bind(now)
    .bind(user_id)
    .bind(LOCK_REASON_SIGN_IN)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn record_success(pool: &SqlitePool, user_id: i64, now: i64) -> Result<()> {
    sqlx::query(
        "UPDATE users SET failed_sign_ins = 0, last_sign_in_at = ?, updated_at = ? WHERE id = ?",
    )
    .bind(now)
    .bind(now)
    .bind(user_id)
    .execute(pool)
    .await?;
    Ok(())
}
