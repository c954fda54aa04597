//! The hash chain: each row's hash covers the previous row's hash and every field of the
//! row in a fixed, length-prefixed encoding, so no two different rows hash alike and a
//! change anywhere breaks the chain from that row on.
//!
//! Rows are keyed (`keyed = 1`): their hash is an HMAC under a key derived from the server
//! secret, which lives outside the database, so someone who can write the database but
//! lacks the secret cannot recompute a valid chain after an edit. Rows written before the
//! key (migration 0012) keep their plain SHA-256 and are checked by that rule; they may
//! only come before the keyed ones. Rows removed from the end leave every link intact:
//! the head record (`head.rs`) is what shows them missing.

use super::head::{self, ChainHead, HeadCheck};
use super::key::ChainKey;
use hex::encode as hex;
use sha2::{Digest, Sha256};
use sqlx::SqlitePool;

/// Rows per query when verifying, so a long log is read in bounded memory.
const PAGE: i64 = 10_000;

/// Bumped if the encoding below changes.
const DOMAIN: &[u8] = b"sspr audit v1";
/// The keyed rows' encoding: the same fields under another name.
const KEYED_DOMAIN: &[u8] = b"sspr audit v2 keyed";

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
    /// Hashed with the server's key (every row since migration 0012).
    pub keyed: bool,
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
    /// The keyed hash every new row gets: lowercase hex HMAC-SHA256.
    pub fn keyed_hash(&self, key: &ChainKey) -> String {
        let mut inner = key.inner.clone();
        self.encode(&mut inner, KEYED_DOMAIN);
        let mut outer = key.outer.clone();
        outer.update(inner.finalize());
        hex(outer.finalize())
    }

    /// The plain SHA-256 of rows from before the key, in lowercase hex.
    pub fn plain_hash(&self) -> String {
        let mut hasher = Sha256::new();
        self.encode(&mut hasher, DOMAIN);
        hex(hasher.finalize())
    }

    fn encode(&self, hasher: &mut Sha256, domain: &[u8]) {
        text(hasher, domain);
        text(hasher, self.prev_hash.as_bytes());
        hasher.update(self.id.to_be_bytes());
        hasher.update(self.at.to_be_bytes());
        text(hasher, self.event.as_bytes());
        match self.account_id {
            Some(id) => {
                hasher.update([1]);
                hasher.update(id.to_be_bytes());
            }
            None => hasher.update([0]),
        }
        text(hasher, self.ip.as_bytes());
        text(hasher, self.user_agent.as_bytes());
        text(hasher, self.outcome.as_bytes());
        text(hasher, self.detail.as_bytes());
        // Appended only when present, so rows from before the column keep their hashes.
        if let Some(actor) = self.actor_id {
            hasher.update([1]);
            hasher.update(actor.to_be_bytes());
        }
    }
}

impl AuditRow {
    fn computed_hash(&self, key: &ChainKey) -> String {
        let link = Link {
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
        };
        if self.keyed {
            link.keyed_hash(key)
        } else {
            link.plain_hash()
        }
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
    /// The id of the first row whose hash does not match its fields, whose `prev_hash` is
    /// not the hash of the row before it (the first row's must be `GENESIS_HASH`), or
    /// that is unkeyed after a keyed one. When every row links but the head disagrees,
    /// the id after the last row read: from there on the log is missing or unvouched for.
    pub first_broken: Option<i64>,
    /// How the rows compare with the head record.
    pub head: HeadCheck,
}

/// Reads the whole log in id order, a page at a time, checks every link, then compares
/// the end of the chain with the head record. One read transaction, so rows appended
/// meanwhile are neither half seen nor mistaken for a disagreement with the head.
pub async fn verify_chain(pool: &SqlitePool, key: &ChainKey) -> Result<ChainReport, sqlx::Error> {
    let mut tx = pool.begin().await?;
    let record = head::read(&mut tx, key).await?;
    let mut rows = 0;
    let mut first_broken = None;
    let mut keyed_seen = false;
    let mut end = ChainHead::genesis();
    loop {
        let page: Vec<AuditRow> = sqlx::query_as(
            "SELECT id, at, event, account_id, ip, user_agent, outcome, detail, prev_hash, hash, actor_id, keyed
             FROM audit_events WHERE id > ? ORDER BY id LIMIT ?",
        )
        .bind(end.last_id)
        .bind(PAGE)
        .fetch_all(&mut *tx)
        .await?;
        let full = page.len() as i64 == PAGE;
        for row in page {
            rows += 1;
            let demoted = keyed_seen && !row.keyed;
            keyed_seen |= row.keyed;
            if first_broken.is_none()
                && (demoted || row.prev_hash != end.last_hash || row.computed_hash(key) != row.hash)
            {
                first_broken = Some(row.id);
            }
            end = ChainHead {
                rows,
                last_id: row.id,
                last_hash: row.hash,
            };
        }
        if !full {
            break;
        }
    }
    tx.rollback().await?;
    let head = head::compare(&record, &end, keyed_seen);
    if !head.is_intact() && first_broken.is_none() {
        first_broken = Some(end.last_id + 1);
    }
    Ok(ChainReport {
        rows: rows as u64,
        first_broken,
        head,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::key::GENESIS_HASH;
    use crate::secret::ServerSecret;

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
        let a = link("ab", "c").plain_hash();
        let b = link("b", "ca").plain_hash();
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
        assert_ne!(none.plain_hash(), zero.plain_hash());
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
            hex(hasher.finalize())
        };
        let plain = link("", "ua");
        assert_eq!(plain.plain_hash(), legacy(&plain));
        let mut by_admin = link("", "ua");
        by_admin.actor_id = Some(7);
        let mut by_other = link("", "ua");
        by_other.actor_id = Some(8);
        assert_ne!(by_admin.plain_hash(), plain.plain_hash());
        assert_ne!(by_admin.plain_hash(), by_other.plain_hash());
    }

    #[test]
    fn the_keyed_hash_is_hmac_under_the_derived_key_and_depends_on_the_secret() {
        let secret = ServerSecret::from_bytes([3; 32]);
        let key = ChainKey::new(&secret);
        let row = link("d", "ua");
        // The encoding written out by hand, fed to the plain HMAC.
        let mut bytes = Vec::new();
        for part in [KEYED_DOMAIN, row.prev_hash.as_bytes()] {
            bytes.extend((part.len() as u64).to_be_bytes());
            bytes.extend(part);
        }
        bytes.extend(row.id.to_be_bytes());
        bytes.extend(row.at.to_be_bytes());
        bytes.extend((row.event.len() as u64).to_be_bytes());
        bytes.extend(row.event.as_bytes());
        bytes.push(0);
        for field in [row.ip, row.user_agent, row.outcome, row.detail] {
            bytes.extend((field.len() as u64).to_be_bytes());
            bytes.extend(field.as_bytes());
        }
        let expected = hex(secret.mac("audit chain", &[&bytes]));
        assert_eq!(row.keyed_hash(&key), expected);
        let other = ChainKey::new(&ServerSecret::from_bytes([4; 32]));
        assert_ne!(row.keyed_hash(&other), expected);
        assert_ne!(row.plain_hash(), expected);
        assert!(format!("{key:?}").contains(".."));
    }

    #[test]
    fn hex_is_lowercase_and_complete() {
        assert_eq!(hex([0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
    }
}
