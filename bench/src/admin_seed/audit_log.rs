//! The audit log: rows `1..=rows` chained from the genesis hash under the server's key, in
//! multi-row INSERTs and big transactions, then the head record the server checks.

use super::events::{event, Event};
use server::tools::audit::{self, ChainHead, ChainKey, Link, GENESIS_HASH};
// The only dynamic SQL is the schema's own index statements, read back from SQLite.
use sqlx::{AssertSqlSafe, Connection, QueryBuilder, Sqlite, SqliteConnection, Transaction};

/// Rows per INSERT: 12 audit columns each, below SQLite's 32,766 bound values.
const AUDIT_BATCH: usize = 2_000;
/// Audit rows per transaction: big enough to be fast, small enough to keep the WAL short.
const AUDIT_COMMIT: usize = 100_000;

/// A row ready to insert: its id, the event, the hash before it and its own.
type Chained = (i64, Event, String, String);

/// Who the rows concern: the admin's id and how many people follow it.
#[derive(Clone, Copy)]
pub struct Accounts {
    pub admin_id: i64,
    pub people: usize,
}

/// Rows with ids `1..=rows`, chained from the genesis hash.
pub async fn seed_audit(
    conn: &mut SqliteConnection,
    key: &ChainKey,
    accounts: Accounts,
    rows: usize,
    now: i64,
) -> Result<(), String> {
    let e = |e: sqlx::Error| e.to_string();
    // Building each index once over the loaded rows is much faster than growing them row
    // by row; whatever indexes the migrations made are made again, the same.
    let indexes = drop_indexes(conn).await.map_err(e)?;
    let mut prev = GENESIS_HASH.to_owned();
    for commit_start in (0..rows).step_by(AUDIT_COMMIT) {
        let mut tx = conn.begin().await.map_err(e)?;
        let commit_end = rows.min(commit_start + AUDIT_COMMIT);
        for start in (commit_start..commit_end).step_by(AUDIT_BATCH) {
            let end = commit_end.min(start + AUDIT_BATCH);
            let batch: Vec<Chained> = (start..end)
                .map(|i| chained(i, rows, accounts, now, key, &mut prev))
                .collect();
            insert(&mut tx, &batch).await.map_err(e)?;
        }
        tx.commit().await.map_err(e)?;
    }
    let head = ChainHead {
        rows: rows as i64,
        last_id: rows as i64,
        last_hash: prev,
    };
    audit::write_head(conn, key, &head).await.map_err(e)?;
    for (_, sql) in indexes {
        sqlx::query(AssertSqlSafe(sql))
            .execute(&mut *conn)
            .await
            .map_err(e)?;
    }
    Ok(())
}

/// Drops the audit table's indexes and returns their names and statements.
async fn drop_indexes(conn: &mut SqliteConnection) -> Result<Vec<(String, String)>, sqlx::Error> {
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_events' AND sql IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await?;
    for (name, _) in &indexes {
        sqlx::query(AssertSqlSafe(format!("DROP INDEX \"{name}\"")))
            .execute(&mut *conn)
            .await?;
    }
    Ok(indexes)
}

/// Row `i` linked to the hash before it, which becomes its own hash.
fn chained(
    i: usize,
    rows: usize,
    accounts: Accounts,
    now: i64,
    key: &ChainKey,
    prev: &mut String,
) -> Chained {
    let event = event(i, rows, accounts.admin_id, accounts.people, now);
    let id = i as i64 + 1;
    let hash = Link {
        prev_hash: prev.as_str(),
        id,
        at: event.at,
        event: event.kind.as_str(),
        account_id: event.account_id,
        ip: &event.ip,
        user_agent: event.user_agent,
        outcome: event.outcome.as_str(),
        detail: event.detail,
        actor_id: event.actor_id,
    }
    .keyed_hash(key);
    let prev_hash = std::mem::replace(prev, hash.clone());
    (id, event, prev_hash, hash)
}

async fn insert(tx: &mut Transaction<'_, Sqlite>, batch: &[Chained]) -> Result<(), sqlx::Error> {
    let mut insert = QueryBuilder::<Sqlite>::new(
        "INSERT INTO audit_events (id, at, event, account_id, ip, user_agent, outcome, detail, prev_hash, hash, actor_id, keyed) ",
    );
    insert.push_values(batch, |mut b, (id, event, prev_hash, hash)| {
        b.push_bind(*id)
            .push_bind(event.at)
            .push_bind(event.kind.as_str())
            .push_bind(event.account_id)
            .push_bind(&event.ip)
            .push_bind(event.user_agent)
            .push_bind(event.outcome.as_str())
            .push_bind(event.detail)
            .push_bind(prev_hash)
            .push_bind(hash)
            .push_bind(event.actor_id)
            .push_bind(true);
    });
    insert.build().execute(&mut **tx).await.map(drop)
}
