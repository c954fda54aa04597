//! `Delivery`: the outbox's sender. It claims due messages one at a time under a lease,
//! hands each to its channel's transport, and records the outcome: sent, retried with
//! exponential backoff, failed after the last attempt, or expired unsent. The transports
//! and the settings they were built from are in `live`; claiming, sending and recording
//! in `send`.

mod live;
mod send;
mod setup;

use super::outbox::{self, Channel, Message, OutboxRow};
use super::settings::{DeliveryConfig, DeliveryMode};
use crate::clock::SharedClock;
use live::Live;
use sqlx::{SqliteConnection, SqlitePool};
use std::sync::{Arc, RwLock};
use tokio::sync::{watch, Notify};
use tokio::task::JoinHandle;

/// How long a claim lasts. A worker that dies mid-send loses the claim after this, and
/// the message is tried again; sends are cut off well before it (see `send::SEND_DEADLINE`).
pub const LEASE_SECS: i64 = 60;
/// How long a failed message keeps its body for an admin's retry, at most: a message
/// carrying a code loses it sooner, when the code expires.
pub const FAILED_KEPT_SECS: i64 = 24 * 3600;
/// Messages handled per `run_once`, so shutdown is never far away.
pub const BATCH: usize = 20;

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

impl Delivery {
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
}
