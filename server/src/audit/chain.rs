//! The hash chain: each row's hash covers the previous row's hash and every field of the
//! row in a fixed, length-prefixed encoding, so no two different rows hash alike and a
//! change anywhere breaks the chain from that row on.
//!
//! The hash is keyless: it finds edits made by hand or by a careless tool, not someone
//! with write access who recomputes every later hash. Anchoring the head elsewhere (or
//! keying the hash with the server secret) would cover that.

use crate::hex::encode as hex;
use sha2::{Digest, Sha256};
use sqlx::SqlitePool;

/// The `prev_hash` of the first row.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// Rows per query when verifying, so a long log is read in bounded memory.
const PAGE: i64 = 10_000;

/// Bumped if the encoding below changes.
const DOMAIN: &[u8] = b"sspr audit v1";

/// A stored event, as the table holds it.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct AuditRow {
    pub id: i64,
    pub at: i64,
    pub event: String,
    pub account_id: Option<i64>,
    pub ip: String,
    pub user_agent: String,
    pub outcome: String,
    pub detail: String,
    pub prev_hash: String,
    pub hash: String,
    /// The admin who acted, for admin actions.
    pub actor_id: Option<i64>,
}

/// The fields a row's hash covers, borrowed. Public so a bulk loader (the bench's seeded
/// log) can build a valid chain without going through the writer.
pub struct Link<'a> {
    pub prev_hash: &'a str,
    pub id: i64,
    pub at: i64,
    pub event: &'a str,
    pub account_id: Option<i64>,
    pub ip: &'a str,
    pub user_agent: &'a str,
    pub outcome: &'a str,
    pub detail: &'a str,
    pub actor_id: Option<i64>,
}

impl Link<'_> {
    /// Lowercase hex SHA-256.
    pub fn hash(&self) -> String {
        let mut hasher = Sha256::new();
        text(&mut hasher, DOMAIN);
        text(&mut hasher, self.prev_hash.as_bytes());
        hasher.update(self.id.to_be_bytes());
        hasher.update(self.at.to_be_bytes());
        text(&mut hasher, self.event.as_bytes());
        match self.account_id {
            Some(id) => {
                hasher.update([1]);
                hasher.update(id.to_be_bytes());
            }
            None => hasher.update([0]),
        }
        text(&mut hasher, self.ip.as_bytes());
        text(&mut hasher, self.user_agent.as_bytes());
        text(&mut hasher, self.outcome.as_bytes());
        text(&mut hasher, self.detail.as_bytes());
        // Appended only when present, so rows from before the column keep their hashes.
        if let Some(actor) = self.actor_id {
            hasher.update([1]);
            hasher.update(actor.to_be_bytes());
        }
        hex(&hasher.finalize())
    }
}

impl AuditRow {
    fn computed_hash(&self) -> String {
        Link {
            prev_hash: &self.prev_hash,
            id: self.id,
            at: self.at,
            event: &self.event,
            account_id: self.account_id,
            ip: &self.ip,
            user_agent: &self.user_agent,
            outcome: &self.outcome,
            detail: &self.detail,
            actor_id: self.actor_id,
        }
        .hash()
    }
}

fn text(hasher: &mut Sha256, bytes: &[u8]) {
    hasher.update((bytes.len() as u64).to_be_bytes());
    hasher.update(bytes);
}

/// What `verify_chain` found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainReport {
    /// Rows read.
    pub rows: u64,
    /// The id of the first row whose hash does not match its fields, or whose `prev_hash`
    /// is not the hash of the row before it (the first row's must be `GENESIS_HASH`).
    pub first_broken: Option<i64>,
}

/// Reads the whole log in id order, a page at a time, and checks every link. Removing
/// rows from the end cannot be seen here: only the stored head is missing then.
pub async fn verify_chain(pool: &SqlitePool) -> Result<ChainReport, sqlx::Error> {
    let mut report = ChainReport {
        rows: 0,
        first_broken: None,
    };
    let mut expected_prev = GENESIS_HASH.to_owned();
    let mut after = i64::MIN;
    loop {
        let page: Vec<AuditRow> = sqlx::query_as(
            "SELECT id, at, event, account_id, ip, user_agent, outcome, detail, prev_hash, hash, actor_id
             FROM audit_events WHERE id > ? ORDER BY id LIMIT ?",
        )
        .bind(after)
        .bind(PAGE)
        .fetch_all(pool)
        .await?;
        let full = page.len() as i64 == PAGE;
        for row in page {
            report.rows += 1;
            after = row.id;
            if report.first_broken.is_none()
                && (row.prev_hash != expected_prev || row.computed_hash() != row.hash)
            {
                report.first_broken = Some(row.id);
            }
            expected_prev = row.hash;
        }
        if !full {
            return Ok(report);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link<'a>(detail: &'a str, user_agent: &'a str) -> Link<'a> {
        Link {
            prev_hash: GENESIS_HASH,
            id: 1,
            at: 1_700_000_000,
            event: "reset_started",
            account_id: None,
            ip: "192.0.2.1",
            user_agent,
            outcome: "success",
            detail,
            actor_id: None,
        }
    }

    #[test]
    fn moving_text_between_fields_changes_the_hash() {
        // Without length prefixes these two would hash the same bytes.
        let a = link("ab", "c").hash();
        let b = link("b", "ca").hash();
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert!(a
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    }

    #[test]
    fn no_account_and_account_zero_hash_differently() {
        let none = link("", "ua");
        let mut zero = link("", "ua");
        zero.account_id = Some(0);
        assert_ne!(none.hash(), zero.hash());
    }

    #[test]
    fn the_actor_is_hashed_and_a_row_without_one_hashes_as_before_the_column() {
        // The encoding before `actor_id` existed, written out again.
        let legacy = |l: &Link| {
            let mut hasher = Sha256::new();
            text(&mut hasher, DOMAIN);
            text(&mut hasher, l.prev_hash.as_bytes());
            hasher.update(l.id.to_be_bytes());
            hasher.update(l.at.to_be_bytes());
            text(&mut hasher, l.event.as_bytes());
            hasher.update([0]);
            for field in [l.ip, l.user_agent, l.outcome, l.detail] {
                text(&mut hasher, field.as_bytes());
            }
            hex(&hasher.finalize())
        };
        let plain = link("", "ua");
        assert_eq!(plain.hash(), legacy(&plain));
        let mut by_admin = link("", "ua");
        by_admin.actor_id = Some(7);
        let mut by_other = link("", "ua");
        by_other.actor_id = Some(8);
        assert_ne!(by_admin.hash(), plain.hash());
        assert_ne!(by_admin.hash(), by_other.hash());
    }

    #[test]
    fn hex_is_lowercase_and_complete() {
        assert_eq!(hex(&[0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
    }
}
