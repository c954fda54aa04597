//! Where policy documents live: one JSON document per area in `policy_settings`.

use serde::de::DeserializeOwned;
use serde::Serialize;
use sqlx::SqlitePool;

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
        "INSERT INTO policy_settings (name, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
    )
    .bind(name)
    .bind(json)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}
