//! What the user page shows beyond the account row: groups, last reset, live sessions
//! (never their ids) and the newest audit events about or by the user.

use crate::error::Result;
use app::api::{SessionView, UserEvent};
use sqlx::SqlitePool;

/// Events the user page shows.
pub const RECENT_EVENTS: i64 = 20;

pub async fn groups(pool: &SqlitePool, user_id: i64) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT g.name FROM group_members gm JOIN groups g ON g.id = gm.group_id
         WHERE gm.user_id = ? ORDER BY g.name_canonical",
    )
    .bind(user_id)
    .fetch_all(pool)
    .await?)
}

/// When the account was created and last signed in.
pub async fn times(pool: &SqlitePool, user_id: i64) -> Result<(i64, Option<i64>)> {
    Ok(
        sqlx::query_as("SELECT created_at, last_sign_in_at FROM users WHERE id = ?")
            .bind(user_id)
            .fetch_one(pool)
            .await?,
    )
}

/// The last reset the user finished in the wizard.
pub async fn last_reset(pool: &SqlitePool, user_id: i64) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar(
        "SELECT MAX(finished_at) FROM reset_wizards WHERE user_id = ? AND outcome = 'reset'",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await?)
}

/// Sessions that have not expired, most recently used first.
pub async fn sessions(pool: &SqlitePool, user_id: i64, now: i64) -> Result<Vec<SessionView>> {
    let rows: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT created_at, last_seen_at FROM sessions
         WHERE user_id = ? AND idle_expires_at > ? AND absolute_expires_at > ?
         ORDER BY last_seen_at DESC LIMIT 50",
    )
    .bind(user_id)
    .bind(now)
    .bind(now)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(created_at, last_seen_at)| SessionView {
            created_at,
            last_seen_at,
        })
        .collect())
}

/// The newest events about the user or by them (as an admin). Each half reads its own
/// index, newest first, and stops at the limit, so a long history costs nothing extra.
pub async fn events(pool: &SqlitePool, user_id: i64) -> Result<Vec<UserEvent>> {
    let rows: Vec<(i64, String, String, String, Option<String>)> = sqlx::query_as(
        "SELECT e.at, e.event, e.outcome, e.detail, a.username FROM (
             SELECT * FROM (SELECT id FROM audit_events WHERE account_id = ?1 ORDER BY at DESC, id DESC LIMIT ?2)
             UNION
             SELECT * FROM (SELECT id FROM audit_events WHERE actor_id = ?1 ORDER BY at DESC, id DESC LIMIT ?2)
         ) recent
         JOIN audit_events e ON e.id = recent.id
         LEFT JOIN users a ON a.id = e.actor_id
         ORDER BY e.at DESC, e.id DESC LIMIT ?2",
    )
    .bind(user_id)
    .bind(RECENT_EVENTS)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(at, event, outcome, detail, actor)| UserEvent {
            at,
            event,
            outcome,
            detail,
            actor,
        })
        .collect())
}
