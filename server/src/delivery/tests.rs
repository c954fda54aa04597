//! The outbox and worker against a real (temporary) database and a manual clock.

use super::settings::RawDelivery;
use super::*;
use crate::clock::{Clock, ManualClock};
use async_trait::async_trait;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

const START: i64 = 1_800_000_000;

/// Fails the first `failures` sends, then succeeds; remembers what it sent.
struct Flaky {
    failures: usize,
    calls: AtomicUsize,
    sent: Mutex<Vec<OutgoingMessage>>,
    error: String,
}

impl Flaky {
    fn new(failures: usize) -> Arc<Self> {
        Self::failing_with(failures, "connection refused")
    }

    fn failing_with(failures: usize, error: &str) -> Arc<Self> {
        Arc::new(Self {
            failures,
            calls: AtomicUsize::new(0),
            sent: Mutex::new(Vec::new()),
            error: error.to_owned(),
        })
    }

    fn sent(&self) -> Vec<OutgoingMessage> {
        self.sent.lock().unwrap().clone()
    }
}

#[async_trait]
impl Transport for Flaky {
    async fn send(&self, message: &OutgoingMessage) -> Result<(), String> {
        let call = self.calls.fetch_add(1, Ordering::SeqCst) + 1;
        if call <= self.failures {
            return Err(format!("{} (try {call})", self.error));
        }
        self.sent.lock().unwrap().push(message.clone());
        Ok(())
    }
}

struct Setup {
    delivery: Arc<Delivery>,
    clock: Arc<ManualClock>,
    email: Arc<Flaky>,
    sms: Arc<Flaky>,
    _dir: tempfile::TempDir,
}

async fn setup_with(adjust: impl FnOnce(&mut RawDelivery), email: Arc<Flaky>) -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let pool = crate::db::connect(&dir.path().join("t.db")).await.unwrap();
    let mut raw = RawDelivery {
        mode: "send".into(),
        ..RawDelivery::default()
    };
    adjust(&mut raw);
    let config = raw.check().unwrap();
    let clock = ManualClock::new(START);
    let sms = Flaky::new(0);
    let delivery = Arc::new(Delivery::with_transports(
        pool,
        clock.clone(),
        &config,
        email.clone(),
        sms.clone(),
    ));
    Setup {
        delivery,
        clock,
        email,
        sms,
        _dir: dir,
    }
}

async fn setup(email: Arc<Flaky>) -> Setup {
    setup_with(|_| {}, email).await
}

fn code_email(expires_at: Option<i64>) -> Message {
    Message {
        channel: Channel::Email,
        user_id: None,
        recipient: "ada@example.org".into(),
        subject: "Your verification code".into(),
        text: "Your code is 123456".into(),
        html: Some("<p>Your code is <b>123456</b></p>".into()),
        language: "en".into(),
        expires_at,
    }
}

impl Setup {
    async fn enqueue(&self, message: &Message) -> i64 {
        let mut tx = self.delivery.pool.begin().await.unwrap();
        let id = self.delivery.enqueue(&mut tx, message).await.unwrap();
        tx.commit().await.unwrap();
        id
    }

    async fn row(&self, id: i64) -> OutboxRow {
        outbox::find(&self.delivery.pool, id)
            .await
            .unwrap()
            .unwrap()
    }

    async fn run(&self) -> usize {
        self.delivery.run_once().await.unwrap()
    }
}

#[tokio::test]
async fn a_failing_send_is_retried_with_exponential_backoff_and_sent_exactly_once() {
    let s = setup(Flaky::new(3)).await;
    let id = s.enqueue(&code_email(None)).await;
    assert_eq!(s.row(id).await.status, OutboxStatus::Pending);

    // First try fails: retry after base (2 s).
    assert_eq!(s.run().await, 1);
    let row = s.row(id).await;
    assert_eq!(row.status, OutboxStatus::Pending);
    assert_eq!(row.attempts, 1);
    assert_eq!(row.next_attempt_at, START + 2);
    assert_eq!(
        row.last_error.as_deref(),
        Some("connection refused (try 1)")
    );
    assert_eq!(row.lease_until, None);
    assert_eq!(row.body_text, "Your code is 123456", "kept for the retry");

    // Not due yet.
    s.clock.advance(1);
    assert_eq!(s.run().await, 0);
    s.clock.advance(1);
    assert_eq!(s.run().await, 1);
    let row = s.row(id).await;
    assert_eq!((row.attempts, row.next_attempt_at), (2, START + 2 + 4));

    s.clock.advance(3);
    assert_eq!(s.run().await, 0);
    s.clock.advance(1);
    assert_eq!(s.run().await, 1);
    let row = s.row(id).await;
    assert_eq!((row.attempts, row.next_attempt_at), (3, START + 6 + 8));
    assert_eq!(
        row.last_error.as_deref(),
        Some("connection refused (try 3)")
    );

    s.clock.advance(8);
    assert_eq!(s.run().await, 1);
    let row = s.row(id).await;
    assert_eq!(row.status, OutboxStatus::Sent);
    assert_eq!(row.sent_at, Some(START + 14));
    assert_eq!(row.attempts, 4);
    assert_eq!(row.last_error, None);
    assert_eq!(row.body_text, "", "the code is wiped once sent");
    assert_eq!(row.body_html.as_deref(), Some(""));
    assert_eq!(row.subject, "Your verification code");

    // Exactly once, with the body it had when claimed.
    s.clock.advance(10_000);
    assert_eq!(s.run().await, 0);
    let sent = s.email.sent();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].id, id);
    assert_eq!(sent[0].text, "Your code is 123456");
    assert_eq!(sent[0].language, "en");
    assert!(s.sms.sent().is_empty());
}

#[tokio::test]
async fn a_message_is_given_up_as_failed_after_max_attempts_and_its_body_wiped_a_day_later() {
    let s = setup_with(|raw| raw.max_attempts = 3, Flaky::new(usize::MAX)).await;
    let id = s.enqueue(&code_email(None)).await;
    for _ in 0..3 {
        assert_eq!(s.run().await, 1);
        s.clock.advance(3600);
    }
    let row = s.row(id).await;
    assert_eq!(row.status, OutboxStatus::Failed);
    assert_eq!(row.attempts, 3);
    assert_eq!(
        row.last_error.as_deref(),
        Some("connection refused (try 3)")
    );
    // Kept for an admin's retry...
    assert_eq!(s.run().await, 0);
    assert_eq!(s.row(id).await.body_text, "Your code is 123456");
    assert!(s.row(id).await.retryable(s.clock.now()));
    // ...for a day at most.
    s.clock.advance(worker::FAILED_KEPT_SECS);
    assert_eq!(s.run().await, 0);
    let row = s.row(id).await;
    assert_eq!(row.body_text, "");
    assert_eq!(row.body_html.as_deref(), Some(""));
    assert!(!row.retryable(s.clock.now()));
    assert!(!s.delivery.retry(id).await.unwrap());
    assert_eq!(s.email.calls.load(Ordering::SeqCst), 3);
}

#[tokio::test]
async fn an_expired_message_is_never_sent_even_while_waiting_for_a_retry() {
    let s = setup(Flaky::new(1)).await;
    let soon = s.enqueue(&code_email(Some(START + 2))).await;
    let already = s.enqueue(&code_email(Some(START))).await;

    // `already` expires at once; `soon` fails its first try and would retry at START + 2.
    assert_eq!(s.run().await, 2);
    assert_eq!(s.row(already).await.status, OutboxStatus::Expired);
    assert_eq!(s.row(soon).await.status, OutboxStatus::Pending);

    s.clock.advance(2);
    assert_eq!(s.run().await, 1);
    let row = s.row(soon).await;
    assert_eq!(row.status, OutboxStatus::Expired);
    assert_eq!(row.body_text, "");
    assert!(s.email.sent().is_empty());
    assert_eq!(s.email.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn in_outbox_mode_messages_stay_held_with_their_body_and_are_never_sent() {
    let s = setup_with(|raw| raw.mode = "outbox".into(), Flaky::new(0)).await;
    let sms = Message {
        channel: Channel::Sms,
        recipient: "+306912345678".into(),
        html: None,
        ..code_email(Some(START + 600))
    };
    let email = s.enqueue(&code_email(None)).await;
    let text = s.enqueue(&sms).await;
    s.delivery.wake();
    s.clock.advance(100);
    assert_eq!(s.run().await, 0);
    let (_, stop) = tokio::sync::watch::channel(false);
    s.delivery.clone().spawn_worker(stop).await.unwrap();

    let recent = s.delivery.recent(10).await.unwrap();
    assert_eq!(
        recent.iter().map(|r| r.id).collect::<Vec<_>>(),
        [text, email],
        "newest first"
    );
    for row in &recent {
        assert_eq!(row.status, OutboxStatus::Held);
        assert_eq!(row.body_text, "Your code is 123456");
        assert_eq!(row.attempts, 0);
    }
    assert_eq!(recent[0].channel, Channel::Sms);
    assert!(s.email.sent().is_empty() && s.sms.sent().is_empty());
}

#[tokio::test]
async fn in_outbox_mode_a_held_body_is_wiped_when_its_code_expires_and_the_row_stays() {
    let s = setup_with(|raw| raw.mode = "outbox".into(), Flaky::new(0)).await;
    let code = s.enqueue(&code_email(Some(START + 600))).await;
    let notice = s.enqueue(&code_email(None)).await;

    s.clock.advance(599);
    s.run().await;
    let row = s.row(code).await;
    assert_eq!(
        row.body_text, "Your code is 123456",
        "kept while the code works"
    );
    assert_eq!(
        row.body_html.as_deref(),
        Some("<p>Your code is <b>123456</b></p>")
    );

    s.clock.advance(1);
    let (_, stop) = tokio::sync::watch::channel(false);
    s.delivery.clone().spawn_worker(stop).await.unwrap();
    let row = s.row(code).await;
    assert_eq!(row.body_text, "");
    assert_eq!(row.body_html.as_deref(), Some(""));
    assert_eq!(row.status, OutboxStatus::Held);
    assert_eq!(
        (row.recipient.as_str(), row.subject.as_str()),
        ("ada@example.org", "Your verification code")
    );
    // A message without a code keeps its body until it is deleted.
    assert_eq!(s.row(notice).await.body_text, "Your code is 123456");
    assert!(s.email.sent().is_empty());
}

#[tokio::test]
async fn a_claimed_message_is_not_taken_again_until_its_lease_lapses() {
    let s = setup(Flaky::new(0)).await;
    let id = s.enqueue(&code_email(None)).await;
    // As if another worker had claimed it and was still sending.
    sqlx::query("UPDATE outbox SET status = 'sending', lease_until = ? WHERE id = ?")
        .bind(START + worker::LEASE_SECS)
        .bind(id)
        .execute(&s.delivery.pool)
        .await
        .unwrap();
    assert_eq!(s.run().await, 0);
    s.clock.advance(worker::LEASE_SECS);
    assert_eq!(s.run().await, 1);
    assert_eq!(s.row(id).await.status, OutboxStatus::Sent);
}

#[tokio::test]
async fn two_workers_running_together_send_each_message_once() {
    let s = setup(Flaky::new(0)).await;
    for _ in 0..30 {
        s.enqueue(&code_email(None)).await;
    }
    let other = Delivery::with_transports(
        s.delivery.pool.clone(),
        s.clock.clone(),
        &s.delivery.config,
        s.email.clone(),
        s.sms.clone(),
    );
    let (a, b) = tokio::join!(
        async {
            let mut n = 0;
            while let Ok(k @ 1..) = s.delivery.run_once().await {
                n += k;
            }
            n
        },
        async {
            let mut n = 0;
            while let Ok(k @ 1..) = other.run_once().await {
                n += k;
            }
            n
        }
    );
    assert_eq!(a + b, 30);
    let mut ids: Vec<i64> = s.email.sent().iter().map(|m| m.id).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), 30);
    assert_eq!(s.email.sent().len(), 30);
}

#[tokio::test]
async fn stored_errors_never_contain_the_smtp_password_or_sms_keys() {
    let noisy = Flaky::failing_with(
        1,
        &format!("535 auth failed for s3cretpw {}", "x".repeat(900)),
    );
    let s = setup_with(
        |raw| {
            raw.smtp.username = "sspr".into();
            raw.smtp.password = "s3cretpw".into();
            raw.sms.url = "https://sms.example.org/send".into();
            raw.sms
                .headers
                .insert("Authorization".into(), "Bearer tok3n-abc".into());
        },
        noisy,
    )
    .await;
    assert!(!s.delivery.live().secrets.is_empty());
    let id = s.enqueue(&code_email(None)).await;
    s.run().await;
    let error = s.row(id).await.last_error.unwrap();
    assert!(!error.contains("s3cretpw"), "{error}");
    assert!(
        error.starts_with("535 auth failed for [redacted]"),
        "{error}"
    );
    assert_eq!(error.chars().count(), redact::MAX_ERROR_CHARS);
}

#[tokio::test]
async fn sms_without_a_provider_is_refused_at_enqueue_and_fails_at_once_if_queued_anyway() {
    let dir = tempfile::tempdir().unwrap();
    let pool = crate::db::connect(&dir.path().join("t.db")).await.unwrap();
    let config = RawDelivery {
        mode: "send".into(),
        ..RawDelivery::default()
    }
    .check()
    .unwrap();
    let delivery = Delivery::new(pool.clone(), ManualClock::new(START), &config);
    assert!(delivery.accepts(Channel::Email));
    assert!(!delivery.accepts(Channel::Sms));
    let sms = Message {
        channel: Channel::Sms,
        recipient: "+306912345678".into(),
        html: None,
        ..code_email(None)
    };
    let mut conn = pool.acquire().await.unwrap();
    assert!(matches!(
        delivery.enqueue(&mut conn, &sms).await,
        Err(EnqueueError::SmsNotConfigured)
    ));
    let id = enqueue(&mut conn, &sms, DeliveryMode::Send, START)
        .await
        .unwrap();
    drop(conn);
    assert_eq!(delivery.run_once().await.unwrap(), 1);
    let row = outbox::find(&pool, id).await.unwrap().unwrap();
    assert_eq!(row.status, OutboxStatus::Failed);
    assert_eq!(row.attempts, 1);
    assert!(row.last_error.unwrap().contains("SMS is not configured"));
}

#[tokio::test]
async fn the_worker_sends_as_soon_as_it_is_woken_and_stops_on_shutdown() {
    // A poll interval of ten minutes: only wake() can explain a prompt send.
    let s = setup_with(|raw| raw.poll_interval_ms = 600_000, Flaky::new(0)).await;
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let worker = s.delivery.clone().spawn_worker(stopped);
    // Let the worker finish its first (empty) run and start waiting.
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    s.enqueue(&code_email(None)).await;
    s.delivery.wake();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while s.email.sent().is_empty() {
        assert!(
            std::time::Instant::now() < deadline,
            "not sent after wake()"
        );
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    stop.send(true).unwrap();
    tokio::time::timeout(std::time::Duration::from_secs(5), worker)
        .await
        .expect("the worker stops on shutdown")
        .unwrap();
}

#[tokio::test]
async fn deleting_the_user_keeps_the_delivery_record_without_the_link() {
    let s = setup(Flaky::new(0)).await;
    let user: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, username_canonical, display_name, created_at, updated_at) \
         VALUES ('ada', 'ada', 'Ada', 0, 0) RETURNING id",
    )
    .fetch_one(&s.delivery.pool)
    .await
    .unwrap();
    let id = s
        .enqueue(&Message {
            user_id: Some(user),
            ..code_email(None)
        })
        .await;
    sqlx::query("DELETE FROM users WHERE id = ?")
        .bind(user)
        .execute(&s.delivery.pool)
        .await
        .unwrap();
    assert_eq!(s.row(id).await.user_id, None);
}

#[tokio::test]
async fn a_failed_message_retried_is_sent_with_its_attempts_counted_afresh() {
    let s = setup_with(|raw| raw.max_attempts = 1, Flaky::new(1)).await;
    let id = s.enqueue(&code_email(Some(START + 600))).await;
    assert_eq!(s.run().await, 1);
    assert_eq!(s.row(id).await.status, OutboxStatus::Failed);
    assert!(s.delivery.retry(id).await.unwrap());
    let row = s.row(id).await;
    assert_eq!((row.status, row.attempts), (OutboxStatus::Pending, 0));
    assert_eq!(row.next_attempt_at, START);
    assert_eq!(s.run().await, 1);
    let row = s.row(id).await;
    assert_eq!(row.status, OutboxStatus::Sent);
    assert_eq!(row.body_text, "");
    assert_eq!(s.email.sent()[0].text, "Your code is 123456");
    // Sent messages and messages whose code expired are not retried.
    assert!(!s.delivery.retry(id).await.unwrap());
    let late = s.enqueue(&code_email(Some(START + 10))).await;
    s.clock.advance(10);
    assert!(!s.delivery.retry(late).await.unwrap());
}

#[tokio::test]
async fn applied_settings_take_over_from_the_next_attempt() {
    let s = setup(Flaky::new(0)).await;
    let before = s.delivery.current().0;
    let mut raw = super::settings::RawSmtp::from_checked(&before);
    raw.host = "127.0.0.1".into();
    raw.port = 1;
    raw.security = "none".into();
    let smtp = raw.check().unwrap();
    s.delivery.apply(smtp, None);
    assert_eq!(s.delivery.current().0.port, 1);
    assert!(s.delivery.current().1.is_none());
    // The real transport now: nothing listens on port 1, and SMS is gone.
    let id = s.enqueue(&code_email(None)).await;
    assert_eq!(s.run().await, 1);
    let row = s.row(id).await;
    assert_eq!(row.status, OutboxStatus::Pending);
    assert!(row.last_error.unwrap().starts_with("SMTP"));
    assert!(s.email.sent().is_empty());
    assert!(!s.delivery.accepts(Channel::Sms));
}
