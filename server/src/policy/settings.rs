//! Where policy documents live: one JSON document per area in `policy_settings`.

use app::domain::AppError;
use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::SqlitePool;

/// Why a policy was not saved: it failed its checks, or the store failed.
#[derive(Debug)]
pub enum SaveError {
    /// The policy breaks a rule; the error names the setting at fault.
    Refused(AppError),
    Store(sqlx::Error),
}

impl From<sqlx::Error> for SaveError {
    fn from(error: sqlx::Error) -> Self {
        Self::Store(error)
    }
}

/// The saved document for `name`, if there is one and it still parses (after an upgrade
/// it may not; callers then fall back to their defaults).
pub async fn load<T: DeserializeOwned>(
    pool: &SqlitePool,
    name: &str,
) -> Result<Option<T>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT value FROM policy_settings WHERE name = ?")
        .bind(name)
        .fetch_optional(pool)
        .await?;
    Ok(row.and_then(|(json,)| serde_json::from_str(&json).ok()))
}

/// Stores the document for `name`, replacing any earlier one.
pub async fn save<T: Serialize>(
    pool: &SqlitePool,
    name: &str,
    value: &T,
    now: i64,
) -> Result<(), sqlx::Error> {
    let json = serde_json::to_string(value).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    sqlx::query(
        "INSERT INTO policy_settings (name, value, updated_at, revision) VALUES (?, ?, ?, 1)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value,
             updated_at = excluded.updated_at, revision = policy_settings.revision + 1",
    )
    .bind(name)
    .bind(json)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

/// The saved document for `name` with its revision: how many times it was saved (0 while
/// the defaults apply). Editors send the revision back with their change.
/// Takes a pool or a transaction, so a check can read what a save in it will replace.
pub async fn load_revised<'e, T: DeserializeOwned>(
    pool: impl sqlx::SqliteExecutor<'e>,
    name: &str,
) -> Result<(Option<T>, i64), sqlx::Error> {
    let row: Option<(String, i64)> =
        sqlx::query_as("SELECT value, revision FROM policy_settings WHERE name = ?")
            .bind(name)
            .fetch_optional(pool)
            .await?;
    Ok(match row {
        Some((json, revision)) => (serde_json::from_str(&json).ok(), revision),
        None => (None, 0),
    })
}

/// Stores the document for `name` only if its revision is still `expected`, in one
/// statement, so of two admins who loaded the same revision only the first save lands.
/// Returns the new revision, or `None` when someone saved meanwhile (nothing changed).
/// Takes a pool or a transaction, so several documents can be saved together.
pub async fn save_if<'e, T: Serialize>(
    pool: impl sqlx::SqliteExecutor<'e>,
    name: &str,
    value: &T,
    expected: i64,
    now: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let json = serde_json::to_string(value).map_err(|e| sqlx::Error::Protocol(e.to_string()))?;
    let next = expected + 1;
    let done = sqlx::query(
        "INSERT INTO policy_settings (name, value, updated_at, revision) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value,
             updated_at = excluded.updated_at, revision = excluded.revision
         WHERE policy_settings.revision = ?",
    )
    .bind(name)
    .bind(json)
    .bind(now)
    .bind(next)
    .bind(expected)
    .execute(pool)
    .await?;
    Ok((done.rows_affected() == 1).then_some(next))
}
