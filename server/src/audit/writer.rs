//! Appending to the log. The chain's head (last id and hash) is kept in memory behind an
//! async mutex, loaded from the table on first use: each record is then one INSERT in
//! autocommit, with no read-then-write transaction to fail with SQLITE_BUSY under load.
//!
//! One server process owns the chain. Rows are inserted with an explicit id (head + 1),
//! so a second writer, or a record whose future was dropped after its row was written,
//! makes the next insert fail on the primary key instead of forking the chain; the head
//! is then reloaded from the table.

use super::chain::{Link, GENESIS_HASH};
use super::AuditEvent;
use crate::clock::SharedClock;
use sqlx::SqlitePool;
use tokio::sync::Mutex;

/// User agents are client-chosen; longer ones are cut (at a character boundary).
pub const MAX_USER_AGENT_BYTES: usize = 512;
/// Detail is written by the server, but bounded all the same.
pub const MAX_DETAIL_BYTES: usize = 1024;

struct Head {
    id: i64,
    hash: String,
}

pub struct Audit {
    pool: SqlitePool,
    clock: SharedClock,
    /// `None` until loaded, and again whenever an insert did not complete.
    head: Mutex<Option<Head>>,
}

impl Audit {
    pub fn new(pool: SqlitePool, clock: SharedClock) -> Self {
        Self {
            pool,
            clock,
            head: Mutex::new(None),
        }
    }

    /// Appends `event`, linked to the last row.
    pub async fn record(&self, event: AuditEvent) -> Result<(), sqlx::Error> {
        let mut head = self.head.lock().await;
        // Taken rather than borrowed: if the insert fails, or this future is dropped while
        // it runs, the head is unknown and the next call reloads it.
        let prev = match head.take() {
            Some(prev) => prev,
            None => load_head(&self.pool).await?,
        };
        // Read under the lock so times never go backwards along the chain.
        let at = self.clock.now();
        let id = prev.id + 1;
        let event_name = event.kind.as_str();
        let ip = event.ip.to_string();
        let user_agent = truncate(&event.user_agent, MAX_USER_AGENT_BYTES);
        let outcome = event.outcome.as_str();
        let detail = truncate(&event.detail, MAX_DETAIL_BYTES);
        let hash = Link {
            prev_hash: &prev.hash,
            id,
            at,
            event: event_name,
            account_id: event.account_id,
            ip: &ip,
            user_agent,
            outcome,
            detail,
        }
        .hash();
        sqlx::query(
            "INSERT INTO audit_events
                (id, at, event, account_id, ip, user_agent, outcome, detail, prev_hash, hash)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(id)
        .bind(at)
        .bind(event_name)
        .bind(event.account_id)
        .bind(&ip)
        .bind(user_agent)
        .bind(outcome)
        .bind(detail)
        .bind(&prev.hash)
        .bind(&hash)
        .execute(&self.pool)
        .await?;
        *head = Some(Head { id, hash });
        Ok(())
    }
}

async fn load_head(pool: &SqlitePool) -> Result<Head, sqlx::Error> {
    let last: Option<(i64, String)> =
        sqlx::query_as("SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1")
            .fetch_optional(pool)
            .await?;
    Ok(match last {
        Some((id, hash)) => Head { id, hash },
        None => Head {
            id: 0,
            hash: GENESIS_HASH.to_owned(),
        },
    })
}

/// The longest prefix of `text` within `max` bytes that ends on a character boundary.
fn truncate(text: &str, max: usize) -> &str {
    if text.len() <= max {
        return text;
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

#[cfg(test)]
mod tests {
    use super::truncate;

    #[test]
    fn truncation_keeps_whole_characters() {
        assert_eq!(truncate("abc", 5), "abc");
        assert_eq!(truncate("abcdef", 3), "abc");
        // "é" is two bytes: cutting inside it drops it.
        assert_eq!(truncate("aé", 2), "a");
        assert_eq!(truncate("aé", 3), "aé");
    }
}
