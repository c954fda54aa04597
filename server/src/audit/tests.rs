use super::*;
use crate::clock::ManualClock;
use crate::secret::ServerSecret;
use sqlx::SqlitePool;
use std::collections::HashSet;
use std::sync::Arc;

const START: i64 = 1_700_000_000;

struct Setup {
    pool: SqlitePool,
    clock: Arc<ManualClock>,
    audit: Arc<Audit>,
    secret: ServerSecret,
    key: ChainKey,
    _dir: tempfile::TempDir,
}

async fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let pool = crate::db::connect(&dir.path().join("t.db")).await.unwrap();
    let clock = ManualClock::new(START);
    let secret = ServerSecret::from_bytes([9; 32]);
    let audit = Arc::new(Audit::new(pool.clone(), clock.clone(), &secret));
    Setup {
        pool,
        clock,
        audit,
        key: ChainKey::new(&secret),
        secret,
        _dir: dir,
    }
}

fn event(kind: AuditKind, n: usize) -> AuditEvent {
    AuditEvent::new(
        kind,
        Outcome::Success,
        "192.0.2.7".parse().unwrap(),
        "Mozilla/5.0 (test)",
    )
    .detail(format!("step {n}"))
}

async fn rows(pool: &SqlitePool) -> Vec<AuditRow> {
    sqlx::query_as("SELECT * FROM audit_events ORDER BY id")
        .fetch_all(pool)
        .await
        .unwrap()
}

/// Records `n` events, one second apart, alternating kinds and accounts.
async fn record_some(s: &Setup, n: usize) {
    for i in 0..n {
        let kind = AuditKind::ALL[i % AuditKind::ALL.len()];
        let mut e = event(kind, i);
        if i % 2 == 0 {
            e = e.account(i as i64 + 100);
        }
        s.audit.record(e).await.unwrap();
        s.clock.advance(1);
    }
}

#[test]
fn names_are_distinct_snake_case_and_parse_back() {
    let names: HashSet<_> = AuditKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(names.len(), AuditKind::ALL.len());
    for kind in AuditKind::ALL {
        let name = kind.as_str();
        assert!(name.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'));
        assert_eq!(AuditKind::parse(name), Some(kind));
    }
    for outcome in Outcome::ALL {
        assert_eq!(Outcome::parse(outcome.as_str()), Some(outcome));
    }
    assert_eq!(AuditKind::parse("reset-started"), None);
}

#[tokio::test]
async fn a_recorded_chain_verifies_and_holds_the_fields() {
    let s = setup().await;
    assert_eq!(
        s.audit.verify().await.unwrap(),
        ChainReport {
            rows: 0,
            first_broken: None,
            head: HeadCheck::Unsealed,
        }
    );
    record_some(&s, 5).await;
    let report = s.audit.verify().await.unwrap();
    assert_eq!(
        report,
        ChainReport {
            rows: 5,
            first_broken: None,
            head: HeadCheck::Matches,
        }
    );
    let rows = rows(&s.pool).await;
    assert_eq!(rows[0].prev_hash, GENESIS_HASH);
    assert_eq!(rows[0].event, "reset_started");
    assert_eq!(rows[0].account_id, Some(100));
    assert_eq!(rows[1].account_id, None);
    assert_eq!(rows[1].event, "captcha_failed");
    assert_eq!(rows[1].at, START + 1);
    assert_eq!(rows[1].ip, "192.0.2.7");
    assert_eq!(rows[1].user_agent, "Mozilla/5.0 (test)");
    assert_eq!(rows[1].outcome, "success");
    assert_eq!(rows[1].detail, "step 1");
    for pair in rows.windows(2) {
        assert_eq!(pair[1].prev_hash, pair[0].hash);
        assert_eq!(pair[1].id, pair[0].id + 1);
    }
}

#[tokio::test]
async fn the_table_refuses_updates_and_deletes() {
    let s = setup().await;
    record_some(&s, 2).await;
    let update = sqlx::query("UPDATE audit_events SET outcome = 'failure' WHERE id = 1")
        .execute(&s.pool)
        .await;
    assert!(update.is_err());
    let delete = sqlx::query("DELETE FROM audit_events WHERE id = 1")
        .execute(&s.pool)
        .await;
    assert!(delete.is_err());
    assert_eq!(rows(&s.pool).await.len(), 2);
    assert_eq!(s.audit.verify().await.unwrap().first_broken, None);
}

#[tokio::test]
async fn an_edited_row_is_reported_where_it_was_edited() {
    let s = setup().await;
    record_some(&s, 6).await;
    sqlx::query("DROP TRIGGER audit_events_no_update")
        .execute(&s.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_events SET outcome = 'failure' WHERE id = 4")
        .execute(&s.pool)
        .await
        .unwrap();
    assert_eq!(
        s.audit.verify().await.unwrap(),
        ChainReport {
            rows: 6,
            first_broken: Some(4),
            head: HeadCheck::Matches,
        }
    );
}

#[tokio::test]
async fn a_changed_or_removed_actor_breaks_the_chain() {
    let s = setup().await;
    record_some(&s, 2).await;
    let mut by_admin = event(AuditKind::UserDisabled, 2).account(100);
    by_admin.actor_id = Some(42);
    s.audit.record(by_admin).await.unwrap();
    record_some(&s, 2).await;
    assert_eq!(rows(&s.pool).await[2].actor_id, Some(42));
    assert_eq!(s.audit.verify().await.unwrap().first_broken, None);
    sqlx::query("DROP TRIGGER audit_events_no_update")
        .execute(&s.pool)
        .await
        .unwrap();
    for actor in [Some(43), None] {
        sqlx::query("UPDATE audit_events SET actor_id = ? WHERE id = 3")
            .bind(actor)
            .execute(&s.pool)
            .await
            .unwrap();
        assert_eq!(s.audit.verify().await.unwrap().first_broken, Some(3));
    }
}

#[tokio::test]
async fn a_rehashed_edit_is_still_found_at_the_next_row() {
    let s = setup().await;
    record_some(&s, 4).await;
    sqlx::query("DROP TRIGGER audit_events_no_update")
        .execute(&s.pool)
        .await
        .unwrap();
    // Edit row 2 and give it a hash that matches its new fields.
    let mut row = rows(&s.pool).await.remove(1);
    row.detail = "nothing happened".into();
    let rehashed = chain::Link {
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
    .keyed_hash(&s.key);
    sqlx::query("UPDATE audit_events SET detail = ?, hash = ? WHERE id = 2")
        .bind(&row.detail)
        .bind(&rehashed)
        .execute(&s.pool)
        .await
        .unwrap();
    assert_eq!(s.audit.verify().await.unwrap().first_broken, Some(3));
}

#[tokio::test]
async fn a_deleted_middle_row_is_reported_at_the_row_after_it() {
    let s = setup().await;
    record_some(&s, 5).await;
    sqlx::query("DROP TRIGGER audit_events_no_delete")
        .execute(&s.pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_events WHERE id = 3")
        .execute(&s.pool)
        .await
        .unwrap();
    assert_eq!(
        s.audit.verify().await.unwrap(),
        ChainReport {
            rows: 4,
            first_broken: Some(4),
            head: HeadCheck::RowsMissing(1),
        }
    );
}

#[tokio::test]
async fn a_deleted_first_row_is_reported() {
    let s = setup().await;
    record_some(&s, 3).await;
    sqlx::query("DROP TRIGGER audit_events_no_delete")
        .execute(&s.pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_events WHERE id = 1")
        .execute(&s.pool)
        .await
        .unwrap();
    assert_eq!(s.audit.verify().await.unwrap().first_broken, Some(2));
}

#[tokio::test]
async fn concurrent_records_form_one_linear_chain() {
    let s = setup().await;
    let tasks: Vec<_> = (0..50)
        .map(|i| {
            let audit = s.audit.clone();
            tokio::spawn(async move {
                audit
                    .record(event(AuditKind::ResetStarted, i).account(i as i64))
                    .await
            })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!(
        s.audit.verify().await.unwrap(),
        ChainReport {
            rows: 50,
            first_broken: None,
            head: HeadCheck::Matches,
        }
    );
    let rows = rows(&s.pool).await;
    let ids: Vec<i64> = rows.iter().map(|r| r.id).collect();
    assert_eq!(ids, (1..=50).collect::<Vec<_>>());
    let accounts: HashSet<_> = rows.iter().filter_map(|r| r.account_id).collect();
    assert_eq!(accounts.len(), 50, "every event was written once");
}

#[tokio::test]
async fn a_new_audit_continues_the_stored_chain() {
    let s = setup().await;
    record_some(&s, 3).await;
    let again = Audit::new(s.pool.clone(), s.clock.clone(), &s.secret);
    again.record(event(AuditKind::GatePassed, 9)).await.unwrap();
    let rows = rows(&s.pool).await;
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[3].id, 4);
    assert_eq!(rows[3].prev_hash, rows[2].hash);
    assert_eq!(s.audit.verify().await.unwrap().first_broken, None);
}

#[tokio::test]
async fn a_stale_head_is_reloaded_without_forking() {
    let s = setup().await;
    record_some(&s, 2).await;
    // Another writer (a second process) moves the stored head behind this Audit's back:
    // the insert collides on the id, and the event is written after the new head.
    Audit::new(s.pool.clone(), s.clock.clone(), &s.secret)
        .record(event(AuditKind::Blocked, 2))
        .await
        .unwrap();
    s.audit
        .record(event(AuditKind::Throttled, 3))
        .await
        .unwrap();
    s.audit
        .record(event(AuditKind::Throttled, 4))
        .await
        .unwrap();
    let rows = rows(&s.pool).await;
    let details: Vec<&str> = rows.iter().map(|r| r.detail.as_str()).collect();
    assert_eq!(details, ["step 0", "step 1", "step 2", "step 3", "step 4"]);
    assert_eq!(
        s.audit.verify().await.unwrap(),
        ChainReport {
            rows: 5,
            first_broken: None,
            head: HeadCheck::Matches,
        }
    );
}

#[tokio::test]
async fn a_failed_insert_is_reported_to_its_caller() {
    let s = setup().await;
    record_some(&s, 1).await;
    sqlx::query("CREATE TRIGGER refuse_blocked BEFORE INSERT ON audit_events WHEN NEW.event = 'blocked' BEGIN SELECT RAISE(ABORT, 'refused'); END")
        .execute(&s.pool)
        .await
        .unwrap();
    assert!(s.audit.record(event(AuditKind::Blocked, 1)).await.is_err());
    s.audit
        .record(event(AuditKind::Throttled, 2))
        .await
        .unwrap();
    let rows = rows(&s.pool).await;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1].detail, "step 2");
    assert_eq!(s.audit.verify().await.unwrap().first_broken, None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_event_in_a_shared_batch_fails_alone() {
    let s = setup().await;
    sqlx::query("CREATE TRIGGER refuse_blocked BEFORE INSERT ON audit_events WHEN NEW.event = 'blocked' BEGIN SELECT RAISE(ABORT, 'refused'); END")
        .execute(&s.pool)
        .await
        .unwrap();
    // Hold the write lock so the events queue up and are written together.
    let mut lock = s.pool.acquire().await.unwrap();
    sqlx::query("BEGIN IMMEDIATE")
        .execute(&mut *lock)
        .await
        .unwrap();
    let tasks: Vec<_> = (0..40)
        .map(|i| {
            let audit = s.audit.clone();
            let kind = if i % 10 == 3 {
                AuditKind::Blocked
            } else {
                AuditKind::GatePassed
            };
            tokio::spawn(async move { (kind, audit.record(event(kind, i)).await) })
        })
        .collect();
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    sqlx::query("COMMIT").execute(&mut *lock).await.unwrap();
    for task in tasks {
        let (kind, result) = task.await.unwrap();
        assert_eq!(result.is_ok(), kind != AuditKind::Blocked, "{kind:?}");
    }
    assert_eq!(
        s.audit.verify().await.unwrap(),
        ChainReport {
            rows: 36,
            first_broken: None,
            head: HeadCheck::Matches,
        }
    );
}

#[tokio::test]
async fn long_user_agents_are_cut_and_the_chain_still_verifies() {
    let s = setup().await;
    let long = "é".repeat(MAX_USER_AGENT_BYTES);
    s.audit
        .record(AuditEvent::new(
            AuditKind::ResetStarted,
            Outcome::Denied,
            "2001:db8::1".parse().unwrap(),
            &long,
        ))
        .await
        .unwrap();
    let row = rows(&s.pool).await.remove(0);
    assert_eq!(row.user_agent.len(), MAX_USER_AGENT_BYTES);
    assert_eq!(row.ip, "2001:db8::1");
    assert_eq!(row.outcome, "denied");
    assert_eq!(s.audit.verify().await.unwrap().first_broken, None);
}

#[tokio::test]
async fn verification_reads_past_a_page() {
    let s = setup().await;
    record_some(&s, 3).await;
    // Fill beyond one page quickly with a valid chain written in one transaction.
    let mut rows_now = rows(&s.pool).await;
    let mut prev = rows_now.pop().unwrap();
    let mut tx = s.pool.begin().await.unwrap();
    for id in prev.id + 1..=10_005 {
        let link = chain::Link {
            prev_hash: &prev.hash,
            id,
            at: START,
            event: "reset_started",
            account_id: None,
            ip: "192.0.2.1",
            user_agent: "",
            outcome: "success",
            detail: "",
            actor_id: None,
        };
        let hash = link.keyed_hash(&s.key);
        sqlx::query(
            "INSERT INTO audit_events (id, at, event, account_id, ip, user_agent, outcome, detail, prev_hash, hash, keyed)
             VALUES (?, ?, 'reset_started', NULL, '192.0.2.1', '', 'success', '', ?, ?, 1)",
        )
        .bind(id)
        .bind(START)
        .bind(&prev.hash)
        .bind(&hash)
        .execute(&mut *tx)
        .await
        .unwrap();
        prev.id = id;
        prev.hash = hash;
    }
    let head = ChainHead {
        rows: prev.id,
        last_id: prev.id,
        last_hash: prev.hash.clone(),
    };
    write_head(&mut tx, &s.key, &head).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        s.audit.verify().await.unwrap(),
        ChainReport {
            rows: 10_005,
            first_broken: None,
            head: HeadCheck::Matches,
        }
    );
    // A break on the second page is found there.
    sqlx::query("DROP TRIGGER audit_events_no_update")
        .execute(&s.pool)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_events SET ip = '198.51.100.1' WHERE id = 10002")
        .execute(&s.pool)
        .await
        .unwrap();
    assert_eq!(s.audit.verify().await.unwrap().first_broken, Some(10_002));
}

mod integrity;
