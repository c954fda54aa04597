//! The head record: one row (`audit_head`) with the chain's row count, last id and last
//! hash, and an HMAC over them under the server secret. Every append moves it in the same
//! transaction, so the rows and the head agree at every commit. Removing the newest rows
//! leaves no broken link behind; the head, which cannot be rewritten without the secret,
//! still counts them.
//!
//! A head whose MAC fails, or that is gone, is never sealed again by the writer: it keeps
//! the log reported broken until someone looks. `mac` is NULL only between migration 0012
//! and the first append after it, which seals the head if the log holds no keyed row yet.
//! A database rewritten into that shape (every keyed row turned into an unkeyed one and the
//! head unsealed) cannot be told from one just upgraded; only a copy of the head kept
//! elsewhere would show that.

use super::key::{ChainKey, GENESIS_HASH};
use sqlx::SqliteConnection;
use subtle::ConstantTimeEq;

/// Where the chain ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChainHead {
    pub rows: i64,
    pub last_id: i64,
    pub last_hash: String,
}

impl ChainHead {
    /// The head of an empty log.
    pub fn genesis() -> Self {
        Self {
            rows: 0,
            last_id: 0,
            last_hash: GENESIS_HASH.to_owned(),
        }
    }
}

/// The stored head, as read.
pub(super) enum HeadRecord {
    Sealed(ChainHead),
    /// Written by the migration, not yet sealed.
    Unsealed(ChainHead),
    /// The MAC does not match the fields.
    Altered,
    Missing,
}

/// How the rows compare with the head record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeadCheck {
    /// Sealed, and the chain ends where it says.
    Matches,
    /// Not sealed yet (no event since the upgrade); the log ends where it says.
    Unsealed,
    /// The head counts this many more rows than the log holds: the newest are gone.
    RowsMissing(u64),
    /// The log ends elsewhere than the head says (another last row, or rows past it).
    Mismatch,
    /// The head's MAC does not verify, or it is unsealed although keyed rows exist.
    Altered,
    /// The head record is gone.
    Missing,
}

impl HeadCheck {
    pub fn is_intact(self) -> bool {
        matches!(self, Self::Matches | Self::Unsealed)
    }

    /// For the admin's audit event, in words.
    pub fn describe(self) -> Option<String> {
        match self {
            Self::Matches | Self::Unsealed => None,
            Self::RowsMissing(n) => Some(format!("the newest {n} events are missing")),
            Self::Mismatch => Some("the log does not end where its head record says".into()),
            Self::Altered => Some("the head record was altered".into()),
            Self::Missing => Some("the head record is missing".into()),
        }
    }
}

pub(super) async fn read(
    conn: &mut SqliteConnection,
    key: &ChainKey,
) -> Result<HeadRecord, sqlx::Error> {
    let row: Option<(i64, i64, String, Option<String>)> =
        sqlx::query_as("SELECT rows, last_id, last_hash, mac FROM audit_head WHERE id = 1")
            .fetch_optional(&mut *conn)
            .await?;
    let Some((rows, last_id, last_hash, mac)) = row else {
        return Ok(HeadRecord::Missing);
    };
    let head = ChainHead {
        rows,
        last_id,
        last_hash,
    };
    Ok(match mac {
        None => HeadRecord::Unsealed(head),
        Some(mac)
            if bool::from(
                mac.as_bytes().ct_eq(
                    key.head_mac(head.rows, head.last_id, &head.last_hash)
                        .as_bytes(),
                ),
            ) =>
        {
            HeadRecord::Sealed(head)
        }
        Some(_) => HeadRecord::Altered,
    })
}

/// Seals `head` as the chain's head. Public for bulk loaders (the bench's seeded log).
pub async fn write(
    conn: &mut SqliteConnection,
    key: &ChainKey,
    head: &ChainHead,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_head (id, rows, last_id, last_hash, mac) VALUES (1, ?, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET rows = excluded.rows, last_id = excluded.last_id,
             last_hash = excluded.last_hash, mac = excluded.mac",
    )
    .bind(head.rows)
    .bind(head.last_id)
    .bind(&head.last_hash)
    .bind(key.head_mac(head.rows, head.last_id, &head.last_hash))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// The last row in the table, for appending when the head cannot be trusted. Its `rows`
/// is not counted (it is never sealed).
pub(super) async fn table_end(conn: &mut SqliteConnection) -> Result<ChainHead, sqlx::Error> {
    let last: Option<(i64, String)> =
        sqlx::query_as("SELECT id, hash FROM audit_events ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    Ok(match last {
        Some((last_id, last_hash)) => ChainHead {
            rows: 0,
            last_id,
            last_hash,
        },
        None => ChainHead::genesis(),
    })
}

/// Whether the newest row is keyed (keyed rows only follow unkeyed ones, so this tells
/// whether any is).
pub(super) async fn any_keyed(conn: &mut SqliteConnection) -> Result<bool, sqlx::Error> {
    let last: Option<bool> =
        sqlx::query_scalar("SELECT keyed FROM audit_events ORDER BY id DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    Ok(last.unwrap_or(false))
}

/// Compares the end of the walked chain with the stored head.
pub(super) fn compare(record: &HeadRecord, end: &ChainHead, keyed_seen: bool) -> HeadCheck {
    let (head, sealed) = match record {
        HeadRecord::Missing => return HeadCheck::Missing,
        HeadRecord::Altered => return HeadCheck::Altered,
        HeadRecord::Unsealed(_) if keyed_seen => return HeadCheck::Altered,
        HeadRecord::Sealed(head) => (head, true),
        HeadRecord::Unsealed(head) => (head, false),
    };
    if end.rows < head.rows {
        HeadCheck::RowsMissing((head.rows - end.rows) as u64)
    } else if end != head {
        HeadCheck::Mismatch
    } else if sealed {
        HeadCheck::Matches
    } else {
        HeadCheck::Unsealed
    }
}
