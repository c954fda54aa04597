//! Appending to the log, with group commit.
//!
//! `record` hands its event to one writer task per `Audit` and waits until the row is
//! committed. The writer owns the chain's head (last id and hash), loaded from the table on
//! first use, and writes whatever events have queued up meanwhile as one multi-row INSERT
//! in autocommit: under load many requests share one statement, and there is no
//! read-then-write transaction to fail with SQLITE_BUSY. The head moves only after the
//! insert succeeded. Once queued, an event is written even if the request that recorded
//! it is abandoned before the reply. `record` must run inside a tokio runtime.
//!
//! One server process owns the chain. Rows are inserted with explicit ids (head + 1, ...),
//! so a second writer makes the next insert fail on the primary key instead of forking the
//! chain; the head is then reloaded from the table and each event of the failed batch is
//! tried once more on its own.

use super::chain::{Link, GENESIS_HASH};
use super::AuditEvent;
use crate::clock::SharedClock;
use crate::db::WriteGate;
use sqlx::{QueryBuilder, Sqlite, SqlitePool};
use std::sync::Mutex;
use tokio::sync::{mpsc, oneshot};

/// User agents are client-chosen; longer ones are cut (at a character boundary).
pub const MAX_USER_AGENT_BYTES: usize = 512;
/// Detail is written by the server, but bounded all the same.
pub const MAX_DETAIL_BYTES: usize = 1024;

/// Events per INSERT; 11 bound values each, far below SQLite's 32766.
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
    /// The writer's queue, started on first use (it needs a running runtime), and started
    /// again if the runtime that ran it has gone.
    queue: Mutex<Option<mpsc::Sender<Pending>>>,
    gate: WriteGate,
}

impl Audit {
    pub fn new(pool: SqlitePool, clock: SharedClock) -> Self {
        Self {
            pool,
            clock,
            queue: Mutex::new(None),
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
        self.queue()
            .send(Pending { event, done })
            .await
            .map_err(|_| sqlx::Error::WorkerCrashed)?;
        written.await.map_err(|_| sqlx::Error::WorkerCrashed)?
    }

    fn queue(&self) -> mpsc::Sender<Pending> {
        let mut queue = self
            .queue
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        match &*queue {
            Some(sender) if !sender.is_closed() => sender.clone(),
            _ => {
                let (sender, receiver) = mpsc::channel(QUEUE);
                let writer = Writer {
                    pool: self.pool.clone(),
                    clock: self.clock.clone(),
                    gate: self.gate.clone(),
                    head: None,
                };
                tokio::spawn(writer.run(receiver));
                *queue = Some(sender.clone());
                sender
            }
        }
    }
}

struct Head {
    id: i64,
    hash: String,
}

struct Writer {
    pool: SqlitePool,
    clock: SharedClock,
    gate: WriteGate,
    /// `None` until loaded, and again whenever an insert failed.
    head: Option<Head>,
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
    async fn run(mut self, mut queue: mpsc::Receiver<Pending>) {
        let mut batch = Vec::with_capacity(MAX_BATCH);
        while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
            self.write(&mut batch).await;
        }
    }

    async fn write(&mut self, batch: &mut Vec<Pending>) {
        let events: Vec<&AuditEvent> = batch.iter().map(|p| &p.event).collect();
        if self.append(&events).await.is_ok() {
            for pending in batch.drain(..) {
                let _ = pending.done.send(Ok(()));
            }
            return;
        }
        // Again one at a time from a reloaded head: rows another writer added no longer
        // collide, and each caller learns its own result.
        for pending in batch.drain(..) {
            let result = self.append(&[&pending.event]).await;
            let _ = pending.done.send(result);
        }
    }

    /// Links `events` after the head and inserts them in one statement.
    async fn append(&mut self, events: &[&AuditEvent]) -> Result<(), sqlx::Error> {
        let head = match self.head.take() {
            Some(head) => head,
            None => load_head(&self.pool).await?,
        };
        // Read by the one writer, so times never go backwards along the chain.
        let at = self.clock.now();
        let mut rows = Vec::with_capacity(events.len());
        let mut prev = head;
        for event in events {
            let row = link(&prev, at, event);
            prev = Head {
                id: row.id,
                hash: row.hash.clone(),
            };
            rows.push(row);
        }
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO audit_events
                (id, at, event, account_id, ip, user_agent, outcome, detail, prev_hash, hash, actor_id) ",
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
                .push_bind(row.actor_id);
        });
        // The connection before the gate: whoever holds the gate must never wait for a
        // pooled connection, or callers holding connections while they wait for the gate
        // would starve it.
        let mut conn = self.pool.acquire().await?;
        let gate = self.gate.clone();
        let _turn = gate.enter().await;
        insert.build().execute(&mut *conn).await?;
        self.head = Some(prev);
        Ok(())
    }
}

fn link(prev: &Head, at: i64, event: &AuditEvent) -> Row {
    let id = prev.id + 1;
    let ip = event.ip.to_string();
    let user_agent = truncate(&event.user_agent, MAX_USER_AGENT_BYTES).to_owned();
    let detail = truncate(&event.detail, MAX_DETAIL_BYTES).to_owned();
    let hash = Link {
        prev_hash: &prev.hash,
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
    .hash();
    Row {
        id,
        at,
        event: event.kind.as_str(),
        account_id: event.account_id,
        ip,
        user_agent,
        outcome: event.outcome.as_str(),
        detail,
        prev_hash: prev.hash.clone(),
        hash,
        actor_id: event.actor_id,
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
