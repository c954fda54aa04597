//! What the key and the head record add: a chain recomputed without the secret, the newest
//! rows removed, the head altered or removed, rows from before the key, and events
//! appended inside callers' transactions between the writer's batches.

use super::*;
use sqlx::Connection;

async fn drop_triggers(pool: &SqlitePool) {
    for trigger in [
        "audit_events_no_update",
        "audit_events_no_delete",
        "audit_head_no_delete",
    ] {
        sqlx::query(sqlx::AssertSqlSafe(format!("DROP TRIGGER {trigger}")))
            .execute(pool)
            .await
            .unwrap();
    }
}

fn link_of(row: &AuditRow) -> chain::Link<'_> {
    chain::Link {
        prev_hash: &row.prev_hash,
        id: row.id,
        at: row.at,
        event: &row.event,
        account_id: row.account_id,
        ip: &row.ip,
        user_agent: &row.user_agent,
        outcome: &row.outcome,
        detail: &row.detail,
        actor_id: row.actor_id,
    }
}

/// Rewrites rows `from..` with `detail` changed in the first, relinked with `hash`.
async fn rewrite_from(
    pool: &SqlitePool,
    from: i64,
    keyed: bool,
    hash: impl Fn(&chain::Link) -> String,
) {
    let mut prev: Option<String> = None;
    for mut row in rows(pool).await.into_iter().filter(|r| r.id >= from) {
        if row.id == from {
            row.detail = "nothing happened".into();
        }
        if let Some(prev) = prev {
            row.prev_hash = prev;
        }
        row.hash = hash(&link_of(&row));
        sqlx::query(
            "UPDATE audit_events SET detail = ?, prev_hash = ?, hash = ?, keyed = ? WHERE id = ?",
        )
        .bind(&row.detail)
        .bind(&row.prev_hash)
        .bind(&row.hash)
        .bind(keyed)
        .bind(row.id)
        .execute(pool)
        .await
        .unwrap();
        prev = Some(row.hash);
    }
}

#[tokio::test]
async fn a_chain_recomputed_without_the_secret_is_broken_where_it_was_edited() {
    let s = setup().await;
    record_some(&s, 5).await;
    drop_triggers(&s.pool).await;
    // The old keyless rule, as someone without the secret can still compute it.
    rewrite_from(&s.pool, 3, true, |l| l.plain_hash()).await;
    assert_eq!(s.audit.verify().await.unwrap().first_broken, Some(3));
    // Marking the rewritten rows as written before the key does not help either.
    rewrite_from(&s.pool, 3, false, |l| l.plain_hash()).await;
    assert_eq!(s.audit.verify().await.unwrap().first_broken, Some(3));
    // Nor does a key of one's own.
    let other = ChainKey::new(&ServerSecret::from_bytes([1; 32]));
    rewrite_from(&s.pool, 3, true, |l| l.keyed_hash(&other)).await;
    assert_eq!(s.audit.verify().await.unwrap().first_broken, Some(3));
    // With the secret, the same rewrite links again, but the head still knows the end.
    rewrite_from(&s.pool, 3, true, |l| l.keyed_hash(&s.key)).await;
    let report = s.audit.verify().await.unwrap();
    assert_eq!(report.head, HeadCheck::Mismatch);
    assert_eq!(report.first_broken, Some(6));
}

#[tokio::test]
async fn deleting_the_newest_rows_is_found_through_the_head() {
    let s = setup().await;
    record_some(&s, 5).await;
    drop_triggers(&s.pool).await;
    sqlx::query("DELETE FROM audit_events WHERE id > 2")
        .execute(&s.pool)
        .await
        .unwrap();
    assert_eq!(
        s.audit.verify().await.unwrap(),
        ChainReport {
            rows: 2,
            first_broken: Some(3),
            head: HeadCheck::RowsMissing(3),
        }
    );
    // New events link after the head, not after what is left: the gap stays visible.
    record_some(&s, 2).await;
    let ids: Vec<i64> = rows(&s.pool).await.iter().map(|r| r.id).collect();
    assert_eq!(ids, [1, 2, 6, 7]);
    assert_eq!(
        s.audit.verify().await.unwrap(),
        ChainReport {
            rows: 4,
            first_broken: Some(6),
            head: HeadCheck::RowsMissing(3),
        }
    );
}

#[tokio::test]
async fn an_altered_or_removed_head_is_reported_and_never_sealed_again() {
    let s = setup().await;
    record_some(&s, 5).await;
    drop_triggers(&s.pool).await;
    // Deleting the newest rows and moving the head back to match, without the secret.
    let second = rows(&s.pool).await.remove(1);
    sqlx::query("DELETE FROM audit_events WHERE id > 2")
        .execute(&s.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_head SET rows = 2, last_id = 2, last_hash = ?")
        .bind(&second.hash)
        .execute(&s.pool)
        .await
        .unwrap();
    let report = s.audit.verify().await.unwrap();
    assert_eq!(
        (report.head, report.first_broken),
        (HeadCheck::Altered, Some(3))
    );
    // The writer appends after the last row but leaves the head as it found it.
    record_some(&s, 1).await;
    let report = s.audit.verify().await.unwrap();
    assert_eq!((report.rows, report.head), (3, HeadCheck::Altered));
    assert_eq!(report.first_broken, Some(4));

    sqlx::query("DELETE FROM audit_head")
        .execute(&s.pool)
        .await
        .unwrap();
    record_some(&s, 1).await;
    let report = s.audit.verify().await.unwrap();
    assert_eq!((report.rows, report.head), (4, HeadCheck::Missing));
    assert_eq!(report.first_broken, Some(5));
}

#[tokio::test]
async fn rows_from_before_the_key_still_verify_and_the_first_keyed_row_links_to_them() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("old.db");
    // The database as it was before migration 0012, with three rows of the old rule.
    let options = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(&path)
        .create_if_missing(true);
    let old = SqlitePool::connect_with(options).await.unwrap();
    sqlx::migrate!("./migrations")
        .run_to(11, &old)
        .await
        .unwrap();
    let mut prev = GENESIS_HASH.to_owned();
    for id in 1..=3 {
        let link = chain::Link {
            prev_hash: &prev,
            id,
            at: START + id,
            event: "reset_started",
            account_id: Some(id),
            ip: "192.0.2.1",
            user_agent: "old",
            outcome: "success",
            detail: "",
            actor_id: None,
        };
        let hash = link.plain_hash();
        sqlx::query(
            "INSERT INTO audit_events (id, at, event, account_id, ip, user_agent, outcome, detail, prev_hash, hash)
             VALUES (?, ?, 'reset_started', ?, '192.0.2.1', 'old', 'success', '', ?, ?)",
        )
        .bind(id)
        .bind(START + id)
        .bind(id)
        .bind(&prev)
        .bind(&hash)
        .execute(&old)
        .await
        .unwrap();
        prev = hash;
    }
    old.close().await;

    let pool = crate::db::connect(&path).await.unwrap();
    let secret = ServerSecret::from_bytes([9; 32]);
    let audit = Audit::new(pool.clone(), ManualClock::new(START + 10), &secret);
    assert_eq!(
        audit.verify().await.unwrap(),
        ChainReport {
            rows: 3,
            first_broken: None,
            head: HeadCheck::Unsealed,
        }
    );
    audit.record(event(AuditKind::GatePassed, 4)).await.unwrap();
    let rows = rows(&pool).await;
    assert_eq!(
        rows.iter().map(|r| r.keyed).collect::<Vec<_>>(),
        [false, false, false, true]
    );
    assert_eq!(rows[3].prev_hash, prev);
    assert_eq!(
        audit.verify().await.unwrap(),
        ChainReport {
            rows: 4,
            first_broken: None,
            head: HeadCheck::Matches,
        }
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_in_callers_transactions_and_the_writers_batches_form_one_chain() {
    let s = setup().await;
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let audit = s.audit.clone();
            let pool = s.pool.clone();
            tokio::spawn(async move {
                let e = event(AuditKind::PasswordReset, i).account(i as i64);
                if i % 2 == 0 {
                    return audit.record(e).await.map(|()| true);
                }
                let mut conn = pool.acquire().await?;
                let mut tx = conn.begin_with("BEGIN IMMEDIATE").await?;
                audit.record_in(&mut tx, e).await?;
                // Every fourth caller's transaction fails: its event goes with it.
                if i % 4 == 3 {
                    tx.rollback().await?;
                    return Ok(false);
                }
                tx.commit().await?;
                Ok::<_, sqlx::Error>(true)
            })
        })
        .collect();
    let mut kept = HashSet::new();
    for (i, task) in tasks.into_iter().enumerate() {
        if task.await.unwrap().unwrap() {
            kept.insert(i as i64);
        }
    }
    assert_eq!(kept.len(), 30);
    assert_eq!(
        s.audit.verify().await.unwrap(),
        ChainReport {
            rows: 30,
            first_broken: None,
            head: HeadCheck::Matches,
        }
    );
    let accounts: HashSet<i64> = rows(&s.pool)
        .await
        .iter()
        .filter_map(|r| r.account_id)
        .collect();
    assert_eq!(accounts, kept);
}
