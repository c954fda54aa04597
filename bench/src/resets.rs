//! Whole resets, as a person does them: challenge, user ID, choose email, type the code
//! (read from the outbox table, where the default delivery mode holds messages), new
//! password. `concurrency` people at a time; the clock runs from the first challenge to
//! the last "Done".

use crate::client::Api;
use crate::seed::Names;
use server::tools::HashingParams;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::SqlitePool;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, Default)]
pub struct Resets {
    pub completed: usize,
    pub elapsed: Duration,
}

impl Resets {
    /// Two runs, as one.
    pub fn and(self, other: Resets) -> Resets {
        Resets {
            completed: self.completed + other.completed,
            elapsed: self.elapsed + other.elapsed,
        }
    }
}

/// Reads the server's database beside it (WAL lets a reader in while the server writes).
pub async fn open_reader(database: &Path) -> Result<SqlitePool, String> {
    let options = SqliteConnectOptions::new()
        .filename(database)
        .read_only(true);
    SqlitePool::connect_with(options)
        .await
        .map_err(|e| format!("cannot read {}: {e}", database.display()))
}

pub async fn run(
    api: &Api,
    outbox: &SqlitePool,
    names: Names,
    members: Vec<usize>,
    concurrency: usize,
) -> Result<Resets, String> {
    let members = Arc::new(members);
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency.max(1) {
        let api = api.clone();
        let outbox = outbox.clone();
        let members = Arc::clone(&members);
        let next = Arc::clone(&next);
        workers.push(tokio::spawn(async move {
            let mut done = 0;
            while let Some(&i) = members.get(next.fetch_add(1, Ordering::Relaxed)) {
                walk(&api, &outbox, &names.member(i), &names.member_email(i)).await?;
                done += 1;
            }
            Ok::<usize, String>(done)
        }));
    }
    let mut completed = 0;
    for worker in workers {
        completed += worker
            .await
            .map_err(|e| format!("a reset worker failed: {e}"))??;
    }
    Ok(Resets {
        completed,
        elapsed: started.elapsed(),
    })
}

/// One person's reset, every step checked.
async fn walk(api: &Api, outbox: &SqlitePool, name: &str, email: &str) -> Result<(), String> {
    let ticket = api.ticket(name, true).await?;
    let begun = api.call("reset_begin", ticket.body, None).await?;
    begun.expect_step("reset_begin", "Choose")?;
    let cookie = begun
        .cookie
        .ok_or_else(|| format!("reset_begin set no wizard cookie for {name}"))?;
    let cookie = Some(cookie.as_str());
    let chosen = api
        .call(
            "reset_choose",
            r#"{"method":"email","language":"en"}"#.into(),
            cookie,
        )
        .await?;
    chosen.expect_step("reset_choose", "Prove")?;
    let code = code_for(outbox, email).await?;
    let verified = api
        .call(
            "reset_verify",
            serde_json::json!({ "answer": { "code": code, "answers": [] } }).to_string(),
            cookie,
        )
        .await?;
    verified.expect_step("reset_verify", "NewPassword")?;
    let password = passphrase();
    let completed = api
        .call(
            "reset_complete",
            serde_json::json!({ "password": password, "confirmation": password }).to_string(),
            cookie,
        )
        .await?;
    completed.expect_step("reset_complete", "Done")
}

/// The eight-digit code in the newest message to `recipient`.
async fn code_for(outbox: &SqlitePool, recipient: &str) -> Result<String, String> {
    let body: Option<String> = sqlx::query_scalar(
        "SELECT body_text FROM outbox WHERE recipient = ? ORDER BY id DESC LIMIT 1",
    )
    .bind(recipient)
    .fetch_optional(outbox)
    .await
    .map_err(|e| format!("reading the outbox: {e}"))?;
    let body = body.ok_or_else(|| format!("no message to {recipient} in the outbox"))?;
    eight_digits(&body).ok_or_else(|| format!("no code in the message to {recipient}"))
}

fn eight_digits(text: &str) -> Option<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .find(|run| run.len() == 8)
        .map(str::to_owned)
}

/// A new password the policy accepts: long, not common, and (letters only) free of the
/// member's name and number.
fn passphrase() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    let tail: String = (0..12)
        .map(|_| char::from(b'a' + rng.random_range(0..26u8)))
        .collect();
    format!("quiet harbour lantern {tail}")
}

/// The argon2id parameters the server stored with the passwords it just set; all must be
/// the ones the bare hashes were measured with, or the ratio compares different work.
pub async fn stored_params(reader: &SqlitePool) -> Result<Vec<HashingParams>, String> {
    let rows: Vec<(i64, i64, i64)> =
        sqlx::query_as("SELECT DISTINCT memory_kib, iterations, parallelism FROM password_hashes")
            .fetch_all(reader)
            .await
            .map_err(|e| format!("reading the stored hash parameters: {e}"))?;
    rows.into_iter()
        .map(|(m, t, p)| {
            let number = |v: i64| u32::try_from(v).map_err(|e| e.to_string());
            HashingParams::check(number(m)?, number(t)?, number(p)?)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_is_the_first_run_of_eight_digits() {
        assert_eq!(
            eight_digits("Your code is 12345678. It expires in 10 minutes."),
            Some("12345678".into())
        );
        assert_eq!(eight_digits("valid for 15 minutes, 2026"), None);
    }

    #[test]
    fn passphrases_are_long_letters_and_differ() {
        let (a, b) = (passphrase(), passphrase());
        assert!(a.chars().count() >= 15);
        assert!(!a.chars().any(|c| c.is_ascii_digit()));
        assert_ne!(a, b);
    }
}
