//! Starting wizards, with group commit. The first step is the busiest write in the
//! product: every visitor to `/reset` inserts a wizard row. SQLite takes one write at a
//! time, and a statement's round trip (to sqlx's connection thread, through the write
//! lock, into the WAL) costs far more than the row itself. So `start` hands its row to one
//! writer task, which inserts whatever has queued meanwhile as one statement and tells
//! each caller whether its row went in.
//!
//! The daily cap per name is part of that statement: a row goes in only while fewer than
//! `cap` wizards were started for its name since `since`, counting the rows ahead of it in
//! the same batch. The writer is the only inserter of wizards, so the count cannot be
//! raced.

use super::store::NewWizard;
use crate::db::WriteGate;
use sqlx::{QueryBuilder, Sqlite, SqlitePool};
use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use tokio::sync::{mpsc, oneshot};

/// Rows per statement; 11 bound values each, far below SQLite's 32766.
const MAX_BATCH: usize = 256;
const QUEUE: usize = 4096;

/// A wizard row to insert, owned so it can cross to the writer task.
#[derive(Debug, Clone)]
struct Row {
    id_hash: String,
    user_id: Option<i64>,
    name_key: String,
    decoy_initial: String,
    gates_required: i64,
    language: String,
    now: i64,
    expires_at: i64,
    since: i64,
    cap: i64,
}

struct Pending {
    row: Row,
    done: oneshot::Sender<Result<bool, String>>,
}

pub struct Starts {
    pool: SqlitePool,
    gate: WriteGate,
    queue: Mutex<Option<mpsc::Sender<Pending>>>,
}

impl Starts {
    pub fn new(pool: SqlitePool, gate: WriteGate) -> Self {
        Self {
            pool,
            gate,
            queue: Mutex::new(None),
        }
    }

    /// Inserts the wizard unless `cap` were started for its name since `since`; returns
    /// whether it went in, once it is committed.
    pub async fn start(
        &self,
        new: &NewWizard<'_>,
        cap: i64,
        since: i64,
    ) -> Result<bool, sqlx::Error> {
        let row = Row {
            id_hash: new.id_hash.to_owned(),
            user_id: new.user_id,
            name_key: new.name_key.to_owned(),
            decoy_initial: new.decoy_initial.to_owned(),
            gates_required: i64::from(new.gates_required),
            language: new.language.to_owned(),
            now: new.now,
            expires_at: new.expires_at,
            since,
            cap,
        };
        let (done, inserted) = oneshot::channel();
        self.queue()
            .send(Pending { row, done })
            .await
            .map_err(|_| sqlx::Error::WorkerCrashed)?;
        inserted
            .await
            .map_err(|_| sqlx::Error::WorkerCrashed)?
            .map_err(sqlx::Error::Protocol)
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
                tokio::spawn(run(self.pool.clone(), self.gate.clone(), receiver));
                *queue = Some(sender.clone());
                sender
            }
        }
    }
}

async fn run(pool: SqlitePool, gate: WriteGate, mut queue: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let rows: Vec<&Row> = batch.iter().map(|p| &p.row).collect();
        match insert(&pool, &gate, &rows).await {
            Ok(inserted) => {
                for pending in batch.drain(..) {
                    let went_in = inserted.contains(pending.row.id_hash.as_str());
                    let _ = pending.done.send(Ok(went_in));
                }
            }
            Err(error) => {
                tracing::error!(%error, "starting reset wizards failed");
                for pending in batch.drain(..) {
                    let _ = pending.done.send(Err(error.to_string()));
                }
            }
        }
    }
}

/// One statement for the batch; returns the ids of the rows that went in.
async fn insert(
    pool: &SqlitePool,
    gate: &WriteGate,
    rows: &[&Row],
) -> Result<HashSet<String>, sqlx::Error> {
    // Rows of the same name ahead in the batch count towards its cap.
    let mut ahead: HashMap<&str, i64> = HashMap::new();
    let offsets: Vec<i64> = rows
        .iter()
        .map(|row| {
            let count = ahead.entry(row.name_key.as_str()).or_insert(0);
            let offset = *count;
            *count += 1;
            offset
        })
        .collect();
    let mut statement = QueryBuilder::<Sqlite>::new(
        "INSERT INTO reset_wizards (id_hash, user_id, name_key, decoy_initial, gates_required, language, created_at, expires_at)
         SELECT v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7, v.column8
         FROM (",
    );
    statement.push_values(rows.iter().zip(&offsets), |mut values, (row, offset)| {
        values
            .push_bind(row.id_hash.as_str())
            .push_bind(row.user_id)
            .push_bind(row.name_key.as_str())
            .push_bind(row.decoy_initial.as_str())
            .push_bind(row.gates_required)
            .push_bind(row.language.as_str())
            .push_bind(row.now)
            .push_bind(row.expires_at)
            .push_bind(row.since)
            .push_bind(*offset)
            .push_bind(row.cap);
    });
    statement.push(
        ") AS v
         WHERE (SELECT COUNT(*) FROM reset_wizards w
                WHERE w.name_key = v.column3 AND w.created_at > v.column9) + v.column10 < v.column11
         RETURNING id_hash",
    );
    let mut conn = pool.acquire().await?;
    let _turn = gate.enter().await;
    let inserted: Vec<String> = statement.build_query_scalar().fetch_all(&mut *conn).await?;
    Ok(inserted.into_iter().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn pool() -> (tempfile::TempDir, SqlitePool) {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::db::connect(&dir.path().join("t.db")).await.unwrap();
        (dir, pool)
    }

    fn new<'a>(id: &'a str, name: &'a str, now: i64) -> NewWizard<'a> {
        NewWizard {
            id_hash: id,
            user_id: None,
            name_key: name,
            decoy_initial: "",
            gates_required: 1,
            language: "en",
            now,
            expires_at: now + 900,
        }
    }

    #[tokio::test]
    async fn the_cap_holds_across_batches_and_inside_one() {
        let (_dir, pool) = pool().await;
        let starts = Starts::new(pool.clone(), WriteGate::default());
        assert!(starts.start(&new("a1", "ann", 100), 3, 0).await.unwrap());
        // Five at once for the same name: only two more fit under the cap of three.
        let ids: Vec<String> = (0..5).map(|i| format!("b{i}")).collect();
        let calls = ids.iter().map(|id| {
            let starts = &starts;
            async move { starts.start(&new(id, "ann", 101), 3, 0).await.unwrap() }
        });
        let results = futures::future::join_all(calls).await;
        assert_eq!(results.iter().filter(|ok| **ok).count(), 2, "{results:?}");
        // Another name is not affected, and the window moves on.
        assert!(starts.start(&new("c1", "bob", 102), 3, 0).await.unwrap());
        assert!(!starts.start(&new("d1", "ann", 103), 3, 0).await.unwrap());
        assert!(starts.start(&new("d2", "ann", 200), 3, 150).await.unwrap());
        let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM reset_wizards")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(count, 5);
    }

    #[tokio::test]
    async fn a_duplicate_id_fails_its_batch_without_a_partial_insert() {
        let (_dir, pool) = pool().await;
        let starts = Starts::new(pool.clone(), WriteGate::default());
        assert!(starts.start(&new("same", "ann", 100), 5, 0).await.unwrap());
        assert!(starts.start(&new("same", "bob", 100), 5, 0).await.is_err());
    }
}
