//! The outbox table: what a message is, putting one in, and reading it back for the
//! admin page. The worker's claim-and-record statements live in `worker.rs`.

use super::settings::DeliveryMode;
use sqlx::SqliteConnection;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    Email,
    Sms,
}

impl Channel {
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Sms => "sms",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "email" => Some(Channel::Email),
            "sms" => Some(Channel::Sms),
            _ => None,
        }
    }
}

impl TryFrom<String> for Channel {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        Channel::parse(&text).ok_or_else(|| format!("unknown channel `{text}`"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutboxStatus {
    /// Outbox mode: kept, body and all, for administrators; never sent.
    Held,
    Pending,
    Sending,
    Sent,
    Failed,
    Expired,
}

impl OutboxStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            OutboxStatus::Held => "held",
            OutboxStatus::Pending => "pending",
            OutboxStatus::Sending => "sending",
            OutboxStatus::Sent => "sent",
            OutboxStatus::Failed => "failed",
            OutboxStatus::Expired => "expired",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "held" => OutboxStatus::Held,
            "pending" => OutboxStatus::Pending,
            "sending" => OutboxStatus::Sending,
            "sent" => OutboxStatus::Sent,
            "failed" => OutboxStatus::Failed,
            "expired" => OutboxStatus::Expired,
            _ => return None,
        })
    }
}

impl TryFrom<String> for OutboxStatus {
    type Error = String;

    fn try_from(text: String) -> Result<Self, Self::Error> {
        OutboxStatus::parse(&text).ok_or_else(|| format!("unknown outbox status `{text}`"))
    }
}

/// A message to send, as the workflows write it.
#[derive(Debug, Clone)]
pub struct Message {
    pub channel: Channel,
    pub user_id: Option<i64>,
    /// An email address or an E.164 phone number.
    pub recipient: String,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    /// "en" or "el".
    pub language: String,
    /// When the code inside stops working; the message is not sent after this.
    pub expires_at: Option<i64>,
}

/// One outbox row, for the admin outbox page. Bodies are empty except for held rows.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct OutboxRow {
    pub id: i64,
    #[sqlx(try_from = "String")]
    pub channel: Channel,
    pub user_id: Option<i64>,
    pub recipient: String,
    pub subject: String,
    pub body_text: String,
    pub body_html: Option<String>,
    pub language: String,
    #[sqlx(try_from = "String")]
    pub status: OutboxStatus,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub lease_until: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: i64,
    pub sent_at: Option<i64>,
    pub expires_at: Option<i64>,
}

/// The `OutboxRow` columns, as a macro so statements stay `&'static str` (sqlx 0.9 wants
/// proof that SQL is not built from input).
macro_rules! row_columns {
    () => {
        "id, channel, user_id, recipient, subject, body_text, body_html, language, status, \
         attempts, next_attempt_at, lease_until, last_error, created_at, sent_at, expires_at"
    };
}

/// Inserts in the caller's transaction (same tx as the event that causes it), so a message
/// exists exactly when its cause was committed. Status 'held' in outbox mode, 'pending'
/// (due now) in send mode. Call `Delivery::wake` after the commit to send at once.
pub async fn enqueue(
    conn: &mut SqliteConnection,
    message: &Message,
    mode: DeliveryMode,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let status = match mode {
        DeliveryMode::Outbox => OutboxStatus::Held,
        DeliveryMode::Send => OutboxStatus::Pending,
    };
    sqlx::query_scalar(
        "INSERT INTO outbox (channel, user_id, recipient, subject, body_text, body_html, \
         language, status, attempts, next_attempt_at, created_at, expires_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?) RETURNING id",
    )
    .bind(message.channel.as_str())
    .bind(message.user_id)
    .bind(&message.recipient)
    .bind(&message.subject)
    .bind(&message.text)
    .bind(&message.html)
    .bind(&message.language)
    .bind(status.as_str())
    .bind(now)
    .bind(now)
    .bind(message.expires_at)
    .fetch_one(conn)
    .await
}

/// The newest `limit` rows, newest first.
pub async fn recent(pool: &sqlx::SqlitePool, limit: i64) -> Result<Vec<OutboxRow>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT ",
        row_columns!(),
        " FROM outbox ORDER BY id DESC LIMIT ?"
    ))
    .bind(limit.max(0))
    .fetch_all(pool)
    .await
}

/// Makes a failed or retrying message due at `now`, its attempts counted afresh. Only a
/// message that can still be sent: waiting after a failed attempt, or failed with its body
/// still kept, and its code (if any) not expired. One statement, so it cannot race the
/// worker's claim.
pub async fn retry(pool: &sqlx::SqlitePool, id: i64, now: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = ?2, \
         lease_until = NULL \
         WHERE id = ?1 AND ((status = 'pending' AND attempts > 0) \
             OR (status = 'failed' AND body_text <> '')) \
         AND (expires_at IS NULL OR expires_at > ?2)",
    )
    .bind(id)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(done.rows_affected() == 1)
}

impl OutboxRow {
    /// Whether `retry` would take this message (the same conditions).
    pub fn retryable(&self, now: i64) -> bool {
        let sendable = match self.status {
            OutboxStatus::Pending => self.attempts > 0,
            OutboxStatus::Failed => !self.body_text.is_empty(),
            _ => false,
        };
        sendable && self.expires_at.is_none_or(|at| at > now)
    }
}

/// One row by id.
pub async fn find(pool: &sqlx::SqlitePool, id: i64) -> Result<Option<OutboxRow>, sqlx::Error> {
    sqlx::query_as(concat!(
        "SELECT ",
        row_columns!(),
        " FROM outbox WHERE id = ?"
    ))
    .bind(id)
    .fetch_optional(pool)
    .await
}
