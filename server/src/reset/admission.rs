//! Admitting new wizards: a row goes in only while its name is not blocked, and rows go in
//! with group commit. The first step is the busiest write in the product: every visitor
//! to `/reset` inserts a wizard row. SQLite takes one write at a
//! time, and a statement's round trip (to sqlx's connection thread, through the write
//! lock, into the WAL) costs far more than the row itself. So `admit` hands its row to one
//! writer task, which inserts whatever has queued meanwhile as one statement and tells
//! each caller whether its row went in.
//!
//! The daily block is part of that statement: a row goes in only while the wrong answers
//! given under its name since `since` stay below the limits, from its client and from
//! anywhere (`super::limits`). Starting a wizard proves nothing and fails nothing, so
//! starts alone never block anyone.

use super::limits::Limits;
use super::store::NewWizard;
use crate::db::WriteGate;
use crate::writer_queue::WriterQueue;
use sqlx::{QueryBuilder, Sqlite, SqlitePool};
use std::collections::HashSet;
use tokio::sync::{mpsc, oneshot};

/// Rows per statement; 12 bound values each, far below SQLite's 32766.
const MAX_BATCH: usize = 256;
const QUEUE: usize = 4096;

/// A wizard row to insert, owned so it can cross to the writer task.
#[derive(Debug, Clone)]
struct Row {
    id_hash: String,
    user_id: Option<i64>,
    name_key: String,
    client_key: String,
    decoy_initial: String,
    gates_required: i64,
    language: String,
    now: i64,
    expires_at: i64,
    since: i64,
    per_client: i64,
    per_name: i64,
}

struct Pending {
    row: Row,
    done: oneshot::Sender<Result<bool, String>>,
}

pub struct Admissions {
    pool: SqlitePool,
    gate: WriteGate,
    queue: WriterQueue<Pending>,
}

impl Admissions {
    pub fn new(pool: SqlitePool, gate: WriteGate) -> Self {
        Self {
            pool,
            gate,
            queue: WriterQueue::new(QUEUE),
        }
    }

    /// Inserts the wizard unless the wrong answers given under its name since `since`
    /// reach the limits; returns whether it went in, once it is committed.
    pub async fn admit(
        &self,
        new: &NewWizard<'_>,
        limits: &Limits,
        since: i64,
    ) -> Result<bool, sqlx::Error> {
        let row = Row {
            id_hash: new.id_hash.to_owned(),
            user_id: new.user_id,
            name_key: new.name_key.to_owned(),
            client_key: new.client_key.to_owned(),
            decoy_initial: new.decoy_initial.to_owned(),
            gates_required: i64::from(new.gates_required),
            language: new.language.to_owned(),
            now: new.now,
            expires_at: new.expires_at,
            since,
            per_client: limits.failures_per_client,
            per_name: limits.failures_per_name,
        };
        let (done, inserted) = oneshot::channel();
        self.queue
            .sender(|receiver| run(self.pool.clone(), self.gate.clone(), receiver))
            .send(Pending { row, done })
            .await
            .map_err(|_| sqlx::Error::WorkerCrashed)?;
        inserted
            .await
            .map_err(|_| sqlx::Error::WorkerCrashed)?
            .map_err(sqlx::Error::Protocol)
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
                tracing::error!(%error, "admitting reset wizards failed");
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
    let mut statement = QueryBuilder::<Sqlite>::new(
        "INSERT INTO reset_wizards (id_hash, user_id, name_key, client_key, decoy_initial, gates_required, language, created_at, expires_at)
         SELECT v.column1, v.column2, v.column3, v.column4, v.column5, v.column6, v.column7, v.column8, v.column9
         FROM (",
    );
    statement.push_values(rows, |mut values, row| {
        values
            .push_bind(row.id_hash.as_str())
            .push_bind(row.user_id)
            .push_bind(row.name_key.as_str())
            .push_bind(row.client_key.as_str())
            .push_bind(row.decoy_initial.as_str())
            .push_bind(row.gates_required)
            .push_bind(row.language.as_str())
            .push_bind(row.now)
            .push_bind(row.expires_at)
            .push_bind(row.since)
            .push_bind(row.per_client)
            .push_bind(row.per_name);
    });
    // One pass over the name's recent wizards answers both limits.
    statement.push(
        ") AS v
         WHERE (SELECT COALESCE(SUM(CASE WHEN w.client_key = v.column4 THEN w.failures END), 0) < v.column11
                   AND COALESCE(SUM(w.failures), 0) < v.column12
                FROM reset_wizards w WHERE w.name_key = v.column3 AND w.created_at > v.column10)
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

    fn new<'a>(id: &'a str, name: &'a str, client: &'a str, now: i64) -> NewWizard<'a> {
        NewWizard {
            id_hash: id,
            user_id: None,
            name_key: name,
            client_key: client,
            decoy_initial: "",
            gates_required: 1,
            language: "en",
            now,
            expires_at: now + 900,
        }
    }

    const LIMITS: Limits = Limits {
        failures_per_client: 3,
        failures_per_name: 5,
        sends_per_wizard: 5,
        sends_per_client: 5,
        sends_per_name: 20,
    };

    async fn fail(pool: &SqlitePool, id: &str, failures: i64) {
        sqlx::query("UPDATE reset_wizards SET failures = ? WHERE id_hash = ?")
            .bind(failures)
            .bind(id)
            .execute(pool)
            .await
            .unwrap();
    }

    #[tokio::test]
    async fn starts_alone_never_block_and_failures_block_only_their_client_until_the_ceiling() {
        let (_dir, pool) = pool().await;
        let admissions = Admissions::new(pool.clone(), WriteGate::default());
        // Twenty starts at once from one client go in: starting proves nothing.
        let ids: Vec<String> = (0..20).map(|i| format!("a{i}")).collect();
        let calls = ids.iter().map(|id| {
            let admissions = &admissions;
            async move {
                admissions
                    .admit(&new(id, "ann", "attacker", 100), &LIMITS, 0)
                    .await
            }
        });
        let results = futures::future::join_all(calls).await;
        assert!(results.into_iter().all(|r| r.unwrap()));
        // Three wrong answers from the attacker block the attacker, not the owner.
        fail(&pool, "a0", 3).await;
        assert!(!admissions
            .admit(&new("b1", "ann", "attacker", 101), &LIMITS, 0)
            .await
            .unwrap());
        assert!(admissions
            .admit(&new("b2", "ann", "owner", 101), &LIMITS, 0)
            .await
            .unwrap());
        // The per-name ceiling stops everyone; other names are not affected.
        fail(&pool, "a1", 2).await;
        assert!(!admissions
            .admit(&new("b3", "ann", "owner", 102), &LIMITS, 0)
            .await
            .unwrap());
        assert!(admissions
            .admit(&new("b4", "bob", "attacker", 102), &LIMITS, 0)
            .await
            .unwrap());
        // Failures older than the window no longer count.
        assert!(admissions
            .admit(&new("b5", "ann", "owner", 200), &LIMITS, 150)
            .await
            .unwrap());
    }

    #[tokio::test]
    async fn a_duplicate_id_fails_its_batch_without_a_partial_insert() {
        let (_dir, pool) = pool().await;
        let admissions = Admissions::new(pool.clone(), WriteGate::default());
        assert!(admissions
            .admit(&new("same", "ann", "c", 100), &LIMITS, 0)
            .await
            .unwrap());
        assert!(admissions
            .admit(&new("same", "bob", "c", 100), &LIMITS, 0)
            .await
            .is_err());
    }
}
