//! The password history: one fingerprint for each password an account was given.
//!
//! A fingerprint is HMAC-SHA256, under the server secret's "password-history" key, of the
//! user id and the NFKC password; it is not argon2. Checking a candidate against the last
//! N argon2 hashes would cost N slow hashes per check, and keeping argon2 history entries
//! would add one more per reset, while a completed reset may afford just one (resets per
//! second must stay at 90% of bare argon2id hashes per second). The key lives outside the
//! database (see `secret.rs`), so a copy of the database alone gives nothing to guess
//! against offline; the user id in the MAC keeps two accounts with the same password from
//! sharing a fingerprint.

use crate::secret::ServerSecret;
use sqlx::{SqliteConnection, SqlitePool};
use subtle::ConstantTimeEq;

const PURPOSE: &str = "password-history";

/// The hex fingerprint of an already NFKC-normalised password.
pub fn fingerprint(secret: &ServerSecret, user_id: i64, normalised: &str) -> String {
    hex::encode(secret.mac(PURPOSE, &[&user_id.to_be_bytes(), normalised.as_bytes()]))
}

/// Adds a fingerprint and forgets all but the latest `keep` of this user's.
pub async fn record(
    conn: &mut SqliteConnection,
    user_id: i64,
    fingerprint: &str,
    now: i64,
    keep: u8,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO password_fingerprints (user_id, fingerprint, set_at) VALUES (?, ?, ?)",
    )
    .bind(user_id)
    .bind(fingerprint)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    // Ordered by id, not time: two passwords set in the same second keep their order.
    sqlx::query(
        "DELETE FROM password_fingerprints WHERE user_id = ? AND id NOT IN
             (SELECT id FROM password_fingerprints WHERE user_id = ? ORDER BY id DESC LIMIT ?)",
    )
    .bind(user_id)
    .bind(user_id)
    .bind(i64::from(keep))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Whether `fingerprint` is among the user's latest `depth`.
pub async fn seen(
    pool: &SqlitePool,
    user_id: i64,
    fingerprint: &str,
    depth: u8,
) -> Result<bool, sqlx::Error> {
    let latest: Vec<(String,)> = sqlx::query_as(
        "SELECT fingerprint FROM password_fingerprints WHERE user_id = ? ORDER BY id DESC LIMIT ?",
    )
    .bind(user_id)
    .bind(i64::from(depth))
    .fetch_all(pool)
    .await?;
    // Every row is compared in full, so timing says nothing about which one matched.
    Ok(latest.iter().fold(false, |found, (stored,)| {
        found | bool::from(stored.as_bytes().ct_eq(fingerprint.as_bytes()))
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprints_depend_on_the_key_the_user_and_the_password() {
        let secret = ServerSecret::from_bytes([1; 32]);
        let other = ServerSecret::from_bytes([2; 32]);
        let base = fingerprint(&secret, 7, "correct horse battery");
        assert_eq!(base.len(), 64);
        assert_eq!(base, fingerprint(&secret, 7, "correct horse battery"));
        assert_ne!(base, fingerprint(&secret, 8, "correct horse battery"));
        assert_ne!(base, fingerprint(&secret, 7, "correct horse batterY"));
        assert_ne!(base, fingerprint(&other, 7, "correct horse battery"));
        assert!(!base.contains("horse"));
    }
}
