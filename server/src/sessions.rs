//! Server-side sessions. The browser holds a 256-bit random id in an HttpOnly,
//! SameSite=Strict cookie; the database holds only its SHA-256, so a leaked database
//! cannot be replayed as cookies. Sessions end when idle too long, at an absolute limit,
//! on sign-out, and when the password changes.

use crate::clock::SharedClock;
use crate::config::Config;
use crate::error::Result;
use app::api::context::SetCookie;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use sha2::{Digest, Sha256};
use sqlx::SqlitePool;
use std::net::IpAddr;

/// Touching a session rewrites its row at most this often.
const TOUCH_EVERY_SECS: i64 = 60;

/// A session that is valid right now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActiveSession {
    pub id_hash: String,
    pub user_id: i64,
    /// When the password was last typed in this session.
    pub authenticated_at: i64,
    pub registration_postponed: bool,
}

pub struct Sessions {
    pool: SqlitePool,
    clock: SharedClock,
    idle_secs: i64,
    absolute_secs: i64,
    secure: bool,
}

/// A fresh random token (what the cookie holds) and its hash (what the database holds).
pub fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::fill(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let hash = hash_token(&token);
    (token, hash)
}

pub fn hash_token(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

impl Sessions {
    pub fn new(pool: SqlitePool, clock: SharedClock, config: &Config) -> Self {
        Self {
            pool,
            clock,
            idle_secs: config.session.idle_secs,
            absolute_secs: config.session.absolute_secs,
            secure: config.secure_cookies,
        }
    }

    /// `__Host-` binds the cookie to this exact origin, but browsers only accept it on
    /// https; plain-http development uses a plain name.
    pub fn cookie_name(&self) -> &'static str {
        if self.secure {
            "__Host-sspr_session"
        } else {
            "sspr_session"
        }
    }

    fn cookie(&self, value: &str, max_age: Option<i64>) -> SetCookie {
        let mut cookie = format!(
            "{}={value}; Path=/; HttpOnly; SameSite=Strict",
            self.cookie_name()
        );
        if self.secure {
            cookie.push_str("; Secure");
        }
        if let Some(age) = max_age {
            cookie.push_str(&format!("; Max-Age={age}"));
        }
        SetCookie(cookie)
    }

    pub fn clear_cookie(&self) -> SetCookie {
        self.cookie("", Some(0))
    }

    /// Starts a session and returns the cookie that carries it.
    pub async fn create(&self, user_id: i64, ip: IpAddr, user_agent: &str) -> Result<SetCookie> {
        let (token, hash) = new_token();
        let now = self.clock.now();
        let user_agent: String = user_agent.chars().take(256).collect();
        sqlx::query(
            "INSERT INTO sessions (id_hash, user_id, created_at, last_seen_at, idle_expires_at, absolute_expires_at, ip, user_agent, authenticated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        )
        .bind(&hash)
        .bind(user_id)
        .bind(now)
        .bind(now)
        .bind(now + self.idle_secs)
        .bind(now + self.absolute_secs)
        .bind(ip.to_string())
        .bind(user_agent)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(self.cookie(&token, None))
    }

    /// The session a cookie token names, if it is still valid; extends its idle expiry.
    pub async fn resolve(&self, token: &str) -> Result<Option<ActiveSession>> {
        let hash = hash_token(token);
        let now = self.clock.now();
        let row: Option<(i64, i64, i64, i64, bool)> = sqlx::query_as(
            "SELECT user_id, last_seen_at, absolute_expires_at, authenticated_at, registration_postponed FROM sessions
             WHERE id_hash = ? AND idle_expires_at > ? AND absolute_expires_at > ?",
        )
        .bind(&hash)
        .bind(now)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some((user_id, last_seen, absolute, authenticated_at, registration_postponed)) = row
        else {
            return Ok(None);
        };
        if now - last_seen >= TOUCH_EVERY_SECS {
            sqlx::query(
                "UPDATE sessions SET last_seen_at = ?, idle_expires_at = ? WHERE id_hash = ?",
            )
            .bind(now)
            .bind((now + self.idle_secs).min(absolute))
            .bind(&hash)
            .execute(&self.pool)
            .await?;
        }
        Ok(Some(ActiveSession {
            id_hash: hash,
            user_id,
            authenticated_at,
            registration_postponed,
        }))
    }

    /// Records that the password was typed again in this session.
    pub async fn mark_authenticated(&self, id_hash: &str, now: i64) -> Result<()> {
        sqlx::query("UPDATE sessions SET authenticated_at = ? WHERE id_hash = ?")
            .bind(now)
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn mark_postponed(&self, id_hash: &str) -> Result<()> {
        sqlx::query("UPDATE sessions SET registration_postponed = TRUE WHERE id_hash = ?")
            .bind(id_hash)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    pub async fn delete(&self, token: &str) -> Result<()> {
        sqlx::query("DELETE FROM sessions WHERE id_hash = ?")
            .bind(hash_token(token))
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    /// Removes expired rows; called now and then so the table does not grow forever.
    pub async fn purge_expired(&self) -> Result<u64> {
        let now = self.clock.now();
        let done = sqlx::query(
            "DELETE FROM sessions WHERE idle_expires_at <= ? OR absolute_expires_at <= ?",
        )
        .bind(now)
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(done.rows_affected())
    }
}

/// Reads one cookie's value from a Cookie header.
pub fn cookie_value<'a>(header: &'a str, name: &str) -> Option<&'a str> {
    header.split(';').find_map(|pair| {
        let (key, value) = pair.trim().split_once('=')?;
        (key == name && !value.is_empty()).then_some(value)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_256_bits_and_only_the_hash_is_kept() {
        let (token, hash) = new_token();
        assert_eq!(URL_SAFE_NO_PAD.decode(&token).unwrap().len(), 32);
        assert_eq!(hash.len(), 64);
        assert!(!hash.contains(&token));
        assert_eq!(hash_token(&token), hash);
        assert_ne!(new_token().0, token);
    }

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let header = "theme=dark; sspr_session=abc; other=1";
        assert_eq!(cookie_value(header, "sspr_session"), Some("abc"));
        assert_eq!(cookie_value(header, "missing"), None);
        assert_eq!(cookie_value("sspr_session=", "sspr_session"), None);
    }
}
