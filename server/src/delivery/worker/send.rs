//! Claiming, sending and recording: each due message is claimed under a lease, sent with
//! a deadline, and its outcome recorded only while the claim is still ours.

use super::{Delivery, FAILED_KEPT_SECS, LEASE_SECS};
use crate::delivery::outbox::Channel;
use crate::delivery::redact::{mask_recipient, scrub_error};
use crate::delivery::transport::{OutgoingMessage, Transport};
use std::time::Duration;

/// A send that has not finished by now is abandoned as failed, so the lease never lapses
/// while the send might still succeed (which could send the message twice).
const SEND_DEADLINE: Duration = Duration::from_secs(45);

const SMS_NOT_CONFIGURED: &str = "SMS is not configured (delivery.sms.url is empty)";

/// Overwrites the bodies: they carry one-time codes.
macro_rules! wipe_bodies {
    () => {
        "body_text = '', body_html = CASE WHEN body_html IS NULL THEN NULL ELSE '' END"
    };
}

impl Delivery {
    /// Held messages keep their status and metadata for the admin page, but not a code
    /// that no longer works: like sent and expired ones, they lose their bodies then.
    pub(super) async fn wipe_expired_held(&self) -> Result<(), sqlx::Error> {
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
    pub(super) async fn expire_stale(&self) -> Result<usize, sqlx::Error> {
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
    pub(super) async fn claim_next(&self) -> Result<Option<Claimed>, sqlx::Error> {
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

    /// Sends one claimed message and records the outcome.
    pub(super) async fn deliver(&self, claimed: Claimed) -> Result<(), sqlx::Error> {
        let message = &claimed.message;
        let live = self.live();
        let transport = match message.channel {
            Channel::Email => Some(&live.email),
            Channel::Sms => live.sms.as_ref(),
        };
        let result = match transport {
            Some(transport) => send_in_time(transport.as_ref(), message).await,
            None => Err(SMS_NOT_CONFIGURED.to_owned()),
        };
        let now = self.clock.now();
        let attempts = claimed.attempts + 1;
        let recorded = match result {
            Ok(()) => self.record_sent(&claimed, now, attempts).await?,
            Err(error) => {
                let error = scrub_error(&error, &live.secrets);
                let give_up =
                    transport.is_none() || attempts >= i64::from(self.config.max_attempts);
                self.record_failure(&claimed, now, attempts, &error, give_up)
                    .await?
            }
        };
        if !recorded {
            // Only possible if the send outlived the lease and another worker took over.
            tracing::warn!(
                id = message.id,
                channel = message.channel.as_str(),
                "the claim on this message lapsed before its outcome was recorded"
            );
        }
        Ok(())
    }

    async fn record_sent(
        &self,
        claimed: &Claimed,
        now: i64,
        attempts: i64,
    ) -> Result<bool, sqlx::Error> {
        let (id, channel) = (claimed.message.id, claimed.message.channel.as_str());
        let to = mask_recipient(&claimed.message.recipient);
        tracing::info!(id, channel, to = %to, attempts, "message sent");
        count(channel, "sent");
        self.record(
            concat!(
                "UPDATE outbox SET status = 'sent', sent_at = ?1, attempts = ?2, ",
                "lease_until = NULL, last_error = ?5, ",
                wipe_bodies!(),
                " WHERE id = ?3 AND status = 'sending' AND lease_until = ?4"
            ),
            claimed,
            now,
            attempts,
            None,
        )
        .await
    }

    /// Failed for good after the last attempt (or with no transport at all), else due
    /// again after the backoff.
    async fn record_failure(
        &self,
        claimed: &Claimed,
        now: i64,
        attempts: i64,
        error: &str,
        give_up: bool,
    ) -> Result<bool, sqlx::Error> {
        let (id, channel) = (claimed.message.id, claimed.message.channel.as_str());
        let to = mask_recipient(&claimed.message.recipient);
        if give_up {
            tracing::warn!(id, channel, to = %to, attempts, %error, "message failed; giving up");
            count(channel, "failed");
            return self
                .record(
                    // The body stays until `expire_stale` wipes it, so an admin who
                    // fixes the settings can still retry the message.
                    "UPDATE outbox SET status = 'failed', last_error = ?5, attempts = ?2, \
                     next_attempt_at = ?1, lease_until = NULL \
                     WHERE id = ?3 AND status = 'sending' AND lease_until = ?4",
                    claimed,
                    now,
                    attempts,
                    Some(error),
                )
                .await;
        }
        // attempts >= 1 here and max_attempts <= 100, so the cast is exact.
        let next = now + self.config.backoff_secs(attempts as u32);
        tracing::warn!(id, channel, to = %to, attempts, %error, retry_at = next, "message failed; will retry");
        count(channel, "retry");
        self.record(
            "UPDATE outbox SET status = 'pending', next_attempt_at = ?1, \
             attempts = ?2, last_error = ?5, lease_until = NULL \
             WHERE id = ?3 AND status = 'sending' AND lease_until = ?4",
            claimed,
            next,
            attempts,
            Some(error),
        )
        .await
    }
}

async fn send_in_time(transport: &dyn Transport, message: &OutgoingMessage) -> Result<(), String> {
    match tokio::time::timeout(SEND_DEADLINE, transport.send(message)).await {
        Ok(result) => result,
        Err(_) => Err("the send did not finish in time".to_owned()),
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

pub(super) struct Claimed {
    message: OutgoingMessage,
    attempts: i64,
    lease_until: i64,
}

fn count(channel: &'static str, outcome: &'static str) {
    metrics::counter!("sspr_delivery_total", "channel" => channel, "outcome" => outcome)
        .increment(1);
}
