//! `Delivery`: the outbox's sender. It claims due messages one at a time under a lease,
//! hands each to its channel's transport, and records the outcome: sent, retried with
//! exponential backoff, failed after the last attempt, or expired unsent.

use super::email::SmtpTransport;
use super::outbox::{self, Channel, Message, OutboxRow};
use super::redact::{mask_recipient, scrub_error};
use super::settings::{DeliveryConfig, DeliveryMode, SmsConfig, SmtpConfig};
use super::settings::{SavedDelivery, SAVED_SETTINGS};
use super::sms::HttpSmsTransport;
use super::{OutgoingMessage, Transport};
use crate::clock::SharedClock;
use async_trait::async_trait;
use secrecy::ExposeSecret;
use sqlx::{SqliteConnection, SqlitePool};
use std::sync::{Arc, RwLock};
use std::time::Duration;
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

/// How long a claim lasts. A worker that dies mid-send loses the claim after this, and
/// the message is tried again; sends are cut off well before it (see `SEND_DEADLINE`).
pub const LEASE_SECS: i64 = 60;
/// A send that has not finished by now is abandoned as failed, so the lease never lapses
/// while the send might still succeed (which could send the message twice).
const SEND_DEADLINE: Duration = Duration::from_secs(45);
/// How long a failed message keeps its body for an admin's retry, at most: a message
/// carrying a code loses it sooner, when the code expires.
pub const FAILED_KEPT_SECS: i64 = 24 * 3600;
/// Messages handled per `run_once`, so shutdown is never far away.
pub const BATCH: usize = 20;

const SMS_NOT_CONFIGURED: &str = "SMS is not configured (delivery.sms.url is empty)";

/// Overwrites the bodies: they carry one-time codes.
macro_rules! wipe_bodies {
    () => {
        "body_text = '', body_html = CASE WHEN body_html IS NULL THEN NULL ELSE '' END"
    };
}

#[derive(Debug, thiserror::Error)]
pub enum EnqueueError {
    /// Send mode without an SMS provider: the caller should not have offered SMS.
    #[error("SMS is not configured")]
    SmsNotConfigured,
    #[error("database: {0}")]
    Database(#[from] sqlx::Error),
}

pub struct Delivery {
    pub(super) pool: SqlitePool,
    clock: SharedClock,
    /// As configured at start-up. The SMTP and SMS parts may since have been replaced
    /// from the admin page: `current` has the ones in use.
    pub(super) config: DeliveryConfig,
    /// Swapped whole when an admin saves new settings; each send takes the current one,
    /// so queued messages use the new settings on their next attempt and a send already
    /// under way finishes with the transport it started with.
    live: RwLock<Arc<Live>>,
    wake: Notify,
}

/// The transports in use and the settings they were built from.
pub(super) struct Live {
    pub smtp: SmtpConfig,
    pub sms_config: Option<SmsConfig>,
    email: Arc<dyn Transport>,
    /// None when no SMS provider is configured: SMS messages then fail at once.
    sms: Option<Arc<dyn Transport>>,
    /// Configured secrets that must never reach `last_error` or the log.
    pub secrets: Vec<String>,
}

/// The SMTP transport and (when a provider is set) the SMS one. Neither connects yet.
fn real_transports(
    smtp: &SmtpConfig,
    sms: Option<&SmsConfig>,
) -> (Arc<dyn Transport>, Option<Arc<dyn Transport>>) {
    let email: Arc<dyn Transport> = match SmtpTransport::new(smtp) {
        Ok(transport) => Arc::new(transport),
        Err(error) => {
            tracing::error!(%error, "the SMTP transport cannot be built; emails will fail");
            Arc::new(Unavailable(error))
        }
    };
    let sms = sms.map(|sms| -> Arc<dyn Transport> {
        match HttpSmsTransport::new(sms) {
            Ok(transport) => Arc::new(transport),
            Err(error) => {
                tracing::error!(%error, "the SMS transport cannot be built; SMS will fail");
                Arc::new(Unavailable(error))
            }
        }
    });
    (email, sms)
}

/// Stands in for a transport that could not be built, so the server still starts (and
/// holds messages) while every send reports why.
struct Unavailable(String);

#[async_trait]
impl Transport for Unavailable {
    async fn send(&self, _message: &OutgoingMessage) -> Result<(), String> {
        Err(self.0.clone())
    }
}

fn secrets_of(smtp: &SmtpConfig, sms: Option<&SmsConfig>) -> Vec<String> {
    let mut secrets = Vec::new();
    if let Some((_, password)) = &smtp.credentials {
        secrets.push(password.expose_secret().to_owned());
    }
    if let Some(sms) = sms {
        for (_, value) in &sms.headers {
            if let Ok(value) = value.to_str() {
                secrets.push(value.to_owned());
                // "Bearer abc": the token alone may appear too.
                if let Some((_, token)) = value.split_once(' ') {
                    secrets.push(token.to_owned());
                }
            }
        }
        if let Some(query) = sms.url.query() {
            secrets.push(query.to_owned());
        }
        if let Some(password) = sms.url.password() {
            secrets.push(password.to_owned());
        }
    }
    // Longest first, so a secret containing another is replaced whole.
    secrets.retain(|s| s.len() >= 4);
    secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
    secrets
}

impl Delivery {
    /// Builds the real SMTP and (when configured) SMS transports. Neither connects yet.
    pub fn new(pool: SqlitePool, clock: SharedClock, config: &DeliveryConfig) -> Self {
        let (email, sms) = real_transports(&config.smtp, config.sms.as_ref());
        Self::build(pool, clock, config, email, sms)
    }

    /// With given transports, for tests.
    pub fn with_transports(
        pool: SqlitePool,
        clock: SharedClock,
        config: &DeliveryConfig,
        email: Arc<dyn Transport>,
        sms: Arc<dyn Transport>,
    ) -> Self {
        Self::build(pool, clock, config, email, Some(sms))
    }

    fn build(
        pool: SqlitePool,
        clock: SharedClock,
        config: &DeliveryConfig,
        email: Arc<dyn Transport>,
        sms: Option<Arc<dyn Transport>>,
    ) -> Self {
        let live = Live {
            secrets: secrets_of(&config.smtp, config.sms.as_ref()),
            smtp: config.smtp.clone(),
            sms_config: config.sms.clone(),
            email,
            sms,
        };
        Self {
            pool,
            clock,
            config: config.clone(),
            live: RwLock::new(Arc::new(live)),
            wake: Notify::new(),
        }
    }

    /// The transports in use now.
    pub(super) fn live(&self) -> Arc<Live> {
        // A panic while swapping cannot leave a half-written Arc behind, so a poisoned
        // lock still holds a whole value.
        self.live.read().unwrap_or_else(|e| e.into_inner()).clone()
    }

    /// The SMTP and SMS settings in use now (the configuration's, or the admin page's).
    pub fn current(&self) -> (SmtpConfig, Option<SmsConfig>) {
        let live = self.live();
        (live.smtp.clone(), live.sms_config.clone())
    }

    /// Uses new SMTP and SMS settings from now on, without a restart. Messages already
    /// queued use them on their next attempt.
    pub fn apply(&self, smtp: SmtpConfig, sms: Option<SmsConfig>) {
        let (email, sms_transport) = real_transports(&smtp, sms.as_ref());
        let live = Arc::new(Live {
            secrets: secrets_of(&smtp, sms.as_ref()),
            smtp,
            sms_config: sms,
            email,
            sms: sms_transport,
        });
        *self.live.write().unwrap_or_else(|e| e.into_inner()) = live;
        tracing::info!("delivery settings applied");
        // Anything waiting for a retry may go through now.
        self.wake();
    }

    /// Applies the settings saved on the admin page, if any (at start-up: they outlive a
    /// restart). Saved settings that no longer pass the checks are left aside, loudly.
    pub async fn apply_saved(&self) -> Result<(), sqlx::Error> {
        let saved: Option<SavedDelivery> =
            crate::policy::settings::load(&self.pool, SAVED_SETTINGS).await?;
        match saved.map(SavedDelivery::check) {
            Some(Ok((smtp, sms))) => self.apply(smtp, sms),
            Some(Err(error)) => tracing::error!(
                key = %error.key,
                reason = %error.reason,
                "the saved delivery settings are invalid; using the configuration's"
            ),
            None => {}
        }
        Ok(())
    }

    pub fn mode(&self) -> DeliveryMode {
        self.config.mode
    }

    /// As configured at start-up; `current` has the SMTP and SMS settings in use.
    pub fn config(&self) -> &DeliveryConfig {
        &self.config
    }

    /// Whether a message on `channel` can be delivered: always in outbox mode (nothing is
    /// sent), and for SMS in send mode only with a provider.
    pub fn accepts(&self, channel: Channel) -> bool {
        match (self.config.mode, channel) {
            (DeliveryMode::Outbox, _) | (_, Channel::Email) => true,
            (DeliveryMode::Send, Channel::Sms) => self.live().sms.is_some(),
        }
    }

    /// `outbox::enqueue` with this server's mode and clock, refusing SMS that could not be
    /// delivered. Runs in the caller's transaction; call `wake` after the commit.
    pub async fn enqueue(
        &self,
        conn: &mut SqliteConnection,
        message: &Message,
    ) -> Result<i64, EnqueueError> {
        if !self.accepts(message.channel) {
            return Err(EnqueueError::SmsNotConfigured);
        }
        Ok(outbox::enqueue(conn, message, self.config.mode, self.clock.now()).await?)
    }

    /// Tells the worker there is something to send. Call after the enqueueing transaction
    /// commits; before it, the worker could not see the row yet.
    pub fn wake(&self) {
        // In outbox mode nothing is sent, so nothing is woken: the worker's only work then
        // (wiping expired bodies) runs on its own interval, not beside the request that
        // queued a message, where it would show in that request's timing.
        if self.config.mode == DeliveryMode::Outbox {
            return;
        }
        // notify_one keeps a permit when the worker is busy, so no wake-up is lost.
        self.wake.notify_one();
    }

    /// Makes a failed or waiting message due now with its attempts counted afresh, and
    /// wakes the worker. False when the message cannot be sent any more (see
    /// `outbox::retry`).
    pub async fn retry(&self, id: i64) -> Result<bool, sqlx::Error> {
        let done = outbox::retry(&self.pool, id, self.clock.now()).await?;
        if done {
            self.wake();
        }
        Ok(done)
    }

    pub fn now(&self) -> i64 {
        self.clock.now()
    }

    /// Newest first, for the admin outbox page.
    pub async fn recent(&self, limit: i64) -> Result<Vec<OutboxRow>, sqlx::Error> {
        outbox::recent(&self.pool, limit).await
    }

    /// Wipes held bodies whose code has expired, expires stale messages, then claims and
    /// sends up to `BATCH` due ones. Returns how many messages it handled (sent, retried,
    /// failed or expired). Sends nothing in outbox mode: nothing leaves the machine then,
    /// not even rows left over from send mode.
    pub async fn run_once(&self) -> Result<usize, sqlx::Error> {
        self.wipe_expired_held().await?;
        if self.config.mode == DeliveryMode::Outbox {
            return Ok(0);
        }
        let mut handled = self.expire_stale().await?;
        for _ in 0..BATCH {
            let Some(claimed) = self.claim_next().await? else {
                break;
            };
            self.deliver(claimed).await?;
            handled += 1;
        }
        Ok(handled)
    }

    /// Runs `run_once` until `shutdown` turns true (or its sender is dropped), waiting for
    /// `wake` or the poll interval in between. In outbox mode it only wipes held bodies
    /// whose code has expired.
    pub fn spawn_worker(self: Arc<Self>, mut shutdown: watch::Receiver<bool>) -> JoinHandle<()> {
        tokio::spawn(async move {
            if let Err(error) = self.apply_saved().await {
                tracing::error!(%error, "cannot read the saved delivery settings; using the configuration's");
            }
            if self.config.mode == DeliveryMode::Outbox {
                tracing::info!("delivery mode is outbox: messages are held for /admin/outbox");
            }
            tracing::info!("delivery worker started");
            loop {
                if *shutdown.borrow() {
                    break;
                }
                let busy = match self.run_once().await {
                    Ok(handled) => handled >= BATCH,
                    Err(error) => {
                        tracing::warn!(%error, "delivery run failed; retrying after the poll interval");
                        false
                    }
                };
                if busy {
                    // A full batch: more may be due, so go again without waiting.
                    continue;
                }
                tokio::select! {
                    _ = self.wake.notified() => {}
                    _ = tokio::time::sleep(self.config.poll_interval) => {}
                    changed = shutdown.changed() => {
                        if changed.is_err() {
                            break;
                        }
                    }
                }
            }
            tracing::info!("delivery worker stopped");
        })
    }

    /// Held messages keep their status and metadata for the admin page, but not a code
    /// that no longer works: like sent and expired ones, they lose their bodies then.
    async fn wipe_expired_held(&self) -> Result<(), sqlx::Error> {
        let wiped = sqlx::query(concat!(
            "UPDATE outbox SET ",
            wipe_bodies!(),
            " WHERE status = 'held' AND body_text <> '' \
             AND expires_at IS NOT NULL AND expires_at <= ?1"
        ))
        .bind(self.clock.now())
        .execute(&self.pool)
        .await?;
        if wiped.rows_affected() > 0 {
            tracing::info!(
                count = wiped.rows_affected(),
                "held messages' codes expired; bodies wiped"
            );
        }
        Ok(())
    }

    /// Pending messages (and lapsed claims) whose code has expired become 'expired'
    /// without being sent.
    async fn expire_stale(&self) -> Result<usize, sqlx::Error> {
        let now = self.clock.now();
        let expired: Vec<(i64, String)> = sqlx::query_as(concat!(
            "UPDATE outbox SET status = 'expired', lease_until = NULL, ",
            wipe_bodies!(),
            " WHERE (status = 'pending' OR (status = 'sending' AND lease_until <= ?1)) \
             AND expires_at IS NOT NULL AND expires_at <= ?1 RETURNING id, channel"
        ))
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        for (id, channel) in &expired {
            tracing::info!(id, channel = %channel, "message expired before it could be sent");
            let channel = Channel::parse(channel).map_or("unknown", Channel::as_str);
            count(channel, "expired");
        }
        // Failed messages were kept for a retry; not beyond their code or a day.
        sqlx::query(concat!(
            "UPDATE outbox SET ",
            wipe_bodies!(),
            " WHERE status = 'failed' AND body_text <> '' \
             AND (expires_at <= ?1 OR next_attempt_at <= ?2)"
        ))
        .bind(now)
        .bind(now - FAILED_KEPT_SECS)
        .execute(&self.pool)
        .await?;
        Ok(expired.len())
    }

    /// Takes the next due message: one statement, so two workers can never both claim it
    /// (SQLite runs it under the write lock; PostgreSQL would need FOR UPDATE SKIP LOCKED).
    async fn claim_next(&self) -> Result<Option<Claimed>, sqlx::Error> {
        let now = self.clock.now();
        let lease_until = now + LEASE_SECS;
        let row: Option<ClaimRow> = sqlx::query_as(
            "UPDATE outbox SET status = 'sending', lease_until = ?1 \
             WHERE id = (SELECT id FROM outbox \
                 WHERE ((status = 'pending' AND next_attempt_at <= ?2) \
                        OR (status = 'sending' AND lease_until <= ?2)) \
                   AND (expires_at IS NULL OR expires_at > ?2) \
                 ORDER BY next_attempt_at, id LIMIT 1) \
             RETURNING id, channel, recipient, subject, body_text, body_html, language, attempts",
        )
        .bind(lease_until)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some((id, channel, recipient, subject, text, html, language, attempts)) = row else {
            return Ok(None);
        };
        let channel = Channel::parse(&channel)
            .ok_or_else(|| sqlx::Error::Decode(format!("unknown channel `{channel}`").into()))?;
        Ok(Some(Claimed {
            message: OutgoingMessage {
                id,
                channel,
                recipient,
                subject,
                text,
                html,
                language,
            },
            attempts,
            lease_until,
        }))
    }

    async fn deliver(&self, claimed: Claimed) -> Result<(), sqlx::Error> {
        let message = &claimed.message;
        let channel = message.channel.as_str();
        let to = mask_recipient(&message.recipient);
        let live = self.live();
        let transport = match message.channel {
            Channel::Email => Some(&live.email),
            Channel::Sms => live.sms.as_ref(),
        };
        let result = match transport {
            Some(transport) => {
                match tokio::time::timeout(SEND_DEADLINE, transport.send(message)).await {
                    Ok(result) => result,
                    Err(_) => Err("the send did not finish in time".to_owned()),
                }
            }
            None => Err(SMS_NOT_CONFIGURED.to_owned()),
        };
        let now = self.clock.now();
        let attempts = claimed.attempts + 1;
        let id = message.id;
        let recorded = match result {
            Ok(()) => {
                tracing::info!(id, channel, to = %to, attempts, "message sent");
                count(channel, "sent");
                self.record(
                    concat!(
                        "UPDATE outbox SET status = 'sent', sent_at = ?1, attempts = ?2, ",
                        "lease_until = NULL, last_error = ?5, ",
                        wipe_bodies!(),
                        " WHERE id = ?3 AND status = 'sending' AND lease_until = ?4"
                    ),
                    &claimed,
                    now,
                    attempts,
                    None,
                )
                .await?
            }
            Err(error) => {
                let error = scrub_error(&error, &live.secrets);
                let give_up =
                    transport.is_none() || attempts >= i64::from(self.config.max_attempts);
                if give_up {
                    tracing::warn!(id, channel, to = %to, attempts, %error, "message failed; giving up");
                    count(channel, "failed");
                    self.record(
                        // The body stays until `expire_stale` wipes it, so an admin who
                        // fixes the settings can still retry the message.
                        "UPDATE outbox SET status = 'failed', last_error = ?5, attempts = ?2, \
                         next_attempt_at = ?1, lease_until = NULL \
                         WHERE id = ?3 AND status = 'sending' AND lease_until = ?4",
                        &claimed,
                        now,
                        attempts,
                        Some(&error),
                    )
                    .await?
                } else {
                    // attempts >= 1 here and max_attempts <= 100, so the cast is exact.
                    let next = now + self.config.backoff_secs(attempts as u32);
                    tracing::warn!(id, channel, to = %to, attempts, %error, retry_at = next, "message failed; will retry");
                    count(channel, "retry");
                    self.record(
                        "UPDATE outbox SET status = 'pending', next_attempt_at = ?1, \
                         attempts = ?2, last_error = ?5, lease_until = NULL \
                         WHERE id = ?3 AND status = 'sending' AND lease_until = ?4",
                        &claimed,
                        next,
                        attempts,
                        Some(&error),
                    )
                    .await?
                }
            }
        };
        if !recorded {
            // Only possible if the send outlived the lease and another worker took over.
            tracing::warn!(
                id,
                channel,
                "the claim on this message lapsed before its outcome was recorded"
            );
        }
        Ok(())
    }

    /// Runs one outcome statement, only while the claim is still ours. Every statement
    /// uses all five binds: ?1 a time, ?2 attempts, ?3 id, ?4 our lease, ?5 the error.
    async fn record(
        &self,
        sql: &'static str,
        claimed: &Claimed,
        time: i64,
        attempts: i64,
        error: Option<&str>,
    ) -> Result<bool, sqlx::Error> {
        let result = sqlx::query(sql)
            .bind(time)
            .bind(attempts)
            .bind(claimed.message.id)
            .bind(claimed.lease_until)
            .bind(error)
            .execute(&self.pool)
            .await?;
        Ok(result.rows_affected() == 1)
    }
}

type ClaimRow = (
    i64,
    String,
    String,
    String,
    String,
    Option<String>,
    String,
    i64,
);

struct Claimed {
    message: OutgoingMessage,
    attempts: i64,
    lease_until: i64,
}

fn count(channel: &'static str, outcome: &'static str) {
    metrics::counter!("sspr_delivery_total", "channel" => channel, "outcome" => outcome)
        .increment(1);
}
