//! Appending to the log, with group commit.
//!
//! `record` hands its event to one writer task per `Audit` and waits until the row is
//! committed. The writer writes whatever events have queued up meanwhile as one multi-row
//! INSERT, in one `BEGIN IMMEDIATE` transaction with the head record: it reads the head
//! there, links the rows after it, and moves it. Under load many requests share one
//! transaction. Once queued, an event is written even if the request that recorded it is
//! abandoned before the reply. `record` must run inside a tokio runtime.
//!
//! `record_in` appends the same way inside a caller's transaction, so an event commits
//! with what it records. The chain's head lives only in the table, read under SQLite's
//! write lock: the writer, `record_in` callers and a second process take turns there and
//! never fork the chain. If a batch fails, each of its events is tried once more on its
//! own, so each caller learns its own result.

use super::chain::{verify_chain, ChainReport, Link};
use super::event::AuditEvent;
use super::head::{self, ChainHead, HeadRecord};
use super::key::ChainKey;
use crate::clock::SharedClock;
use crate::db::WriteGate;
use crate::secret::ServerSecret;
use crate::writer_queue::WriterQueue;
use sqlx::{Connection, QueryBuilder, Sqlite, SqliteConnection, SqlitePool};
use tokio::sync::{mpsc, oneshot};

/// User agents are client-chosen; longer ones are cut (at a character boundary).
pub const MAX_USER_AGENT_BYTES: usize = 512;
/// Detail is written by the server, but bounded all the same.
pub const MAX_DETAIL_BYTES: usize = 1024;

/// Events per INSERT; 12 bound values each, far below SQLite's 32766.
const MAX_BATCH: usize = 256;
/// Events waiting for the writer; `record` waits for room beyond this.
const QUEUE: usize = 4096;

struct Pending {
    event: AuditEvent,
    done: oneshot::Sender<Result<(), sqlx::Error>>,
}

pub struct Audit {
    pool: SqlitePool,
    clock: SharedClock,
    key: ChainKey,
    /// The writer's queue; the writer starts on first use.
    queue: WriterQueue<Pending>,
    gate: WriteGate,
}

impl Audit {
    pub fn new(pool: SqlitePool, clock: SharedClock, secret: &ServerSecret) -> Self {
        Self {
            pool,
            clock,
            key: ChainKey::new(secret),
            queue: WriterQueue::new(QUEUE),
            gate: WriteGate::default(),
        }
    }

    /// Shares the process's write gate, so audit inserts queue with the other hot writers.
    pub fn with_write_gate(mut self, gate: WriteGate) -> Self {
        self.gate = gate;
        self
    }

    /// Appends `event`, linked to the last row; returns once it is committed.
    pub async fn record(&self, event: AuditEvent) -> Result<(), sqlx::Error> {
        let (done, written) = oneshot::channel();
        self.queue
            .sender(|receiver| self.writer().run(receiver))
            .send(Pending { event, done })
            .await
            .map_err(|_| sqlx::Error::WorkerCrashed)?;
        written.await.map_err(|_| sqlx::Error::WorkerCrashed)?
    }

    /// Appends `event` inside the caller's transaction, which must have been begun with
    /// `BEGIN IMMEDIATE` (so the head read here cannot change before the commit): the
    /// event commits, or rolls back, with the caller's writes.
    pub async fn record_in(
        &self,
        conn: &mut SqliteConnection,
        event: AuditEvent,
    ) -> Result<(), sqlx::Error> {
        append(conn, &self.key, &self.clock, &[&event]).await
    }

    /// Walks the whole chain and compares it with the head record (see `verify_chain`).
    pub async fn verify(&self) -> Result<ChainReport, sqlx::Error> {
        verify_chain(&self.pool, &self.key).await
    }

    fn writer(&self) -> Writer {
        Writer {
            pool: self.pool.clone(),
            clock: self.clock.clone(),
            key: self.key.clone(),
            gate: self.gate.clone(),
        }
    }
}

struct Writer {
    pool: SqlitePool,
    clock: SharedClock,
    key: ChainKey,
    gate: WriteGate,
}

/// A row ready to insert.
struct Row {
    id: i64,
    at: i64,
    event: &'static str,
    account_id: Option<i64>,
    ip: String,
    user_agent: String,
    outcome: &'static str,
    detail: String,
    prev_hash: String,
    hash: String,
    actor_id: Option<i64>,
}

impl Writer {
    /// Ends when every `Audit` handle (sender) is gone.
    async fn run(self, mut queue: mpsc::Receiver<Pending>) {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
            self.write(&mut batch).await;
        }
    }

    async fn write(&self, batch: &mut Vec<Pending>) {
        let events: Vec<&AuditEvent> = batch.iter().map(|p| &p.event).collect();
        if self.commit(&events).await.is_ok() {
            for pending in batch.drain(..) {
                let _ = pending.done.send(Ok(()));
            }
            return;
        }
        // Again one at a time: each caller learns its own result.
        for pending in batch.drain(..) {
            let result = self.commit(&[&pending.event]).await;
            let _ = pending.done.send(result);
        }
    }

    /// Appends `events` in a transaction of their own.
    async fn commit(&self, events: &[&AuditEvent]) -> Result<(), sqlx::Error> {
        // The connection before the gate: whoever holds the gate must never wait for a
        // pooled connection, or callers holding connections while they wait for the gate
        // would starve it.
        let mut conn = self.pool.acquire().await?;
        let _turn = self.gate.enter().await;
        let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
        append(&mut tx, &self.key, &self.clock, events).await?;
        tx.commit().await
    }
}

/// Links `events` after the head, inserts them in one statement and moves the head.
/// Runs inside a write transaction.
async fn append(
    conn: &mut SqliteConnection,
    key: &ChainKey,
    clock: &SharedClock,
    events: &[&AuditEvent],
) -> Result<(), sqlx::Error> {
    let (start, seal) = match head::read(conn, key).await? {
        HeadRecord::Sealed(head) => (head, true),
        HeadRecord::Unsealed(head) if !head::any_keyed(conn).await? => (head, true),
        // Never seal over a head that was tampered with: append after the table's last
        // row and leave the head as it is, so the log stays reported broken.
        _ => (head::table_end(conn).await?, false),
    };
    // Read under the write lock, so times never go backwards along the chain.
    let at = clock.now();
    let mut rows = Vec::with_capacity(events.len());
    let mut end = start;
    for event in events {
        let row = link(&end, at, event, key);
        end = ChainHead {
            rows: end.rows + 1,
            last_id: row.id,
            last_hash: row.hash.clone(),
        };
        rows.push(row);
    }
    let mut insert = QueryBuilder::<Sqlite>::new(
        "INSERT INTO audit_events
            (id, at, event, account_id, ip, user_agent, outcome, detail, prev_hash, hash, actor_id, keyed) ",
    );
    insert.push_values(&rows, |mut values, row| {
        values
            .push_bind(row.id)
            .push_bind(row.at)
            .push_bind(row.event)
            .push_bind(row.account_id)
            .push_bind(row.ip.as_str())
            .push_bind(row.user_agent.as_str())
            .push_bind(row.outcome)
            .push_bind(row.detail.as_str())
            .push_bind(row.prev_hash.as_str())
            .push_bind(row.hash.as_str())
            .push_bind(row.actor_id)
            .push_bind(true);
    });
    insert.build().execute(&mut *conn).await?;
    if seal {
        head::write(conn, key, &end).await?;
    }
    Ok(())
}

fn link(prev: &ChainHead, at: i64, event: &AuditEvent, key: &ChainKey) -> Row {
    let id = prev.last_id + 1;
    let ip = event.ip.to_string();
    let user_agent = truncate(&event.user_agent, MAX_USER_AGENT_BYTES).to_owned();
    let detail = truncate(&event.detail, MAX_DETAIL_BYTES).to_owned();
    let hash = Link {
        prev_hash: &prev.last_hash,
        id,
        at,
        event: event.kind.as_str(),
        account_id: event.account_id,
        ip: &ip,
        user_agent: &user_agent,
        outcome: event.outcome.as_str(),
        detail: &detail,
        actor_id: event.actor_id,
    }
    .keyed_hash(key);
    Row {
        id,
        at,
        event: event.kind.as_str(),
        account_id: event.account_id,
        ip,
        user_agent,
        outcome: event.outcome.as_str(),
        detail,
        prev_hash: prev.last_hash.clone(),
        hash,
        actor_id: event.actor_id,
    }
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
