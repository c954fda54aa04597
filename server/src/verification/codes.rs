//! One-time codes sent by email or SMS: 8 digits from a CSPRNG, stored as a salted
//! SHA-256, valid for a few minutes, used once, a handful of wrong tries, and a cap on
//! how many one requester may have sent each hour (against SMS pumping and mail
//! flooding). Caps count the requester's own sends, never a destination's: otherwise
//! anyone could use up someone else's codes by asking for codes to their address.

use app::domain::security_info::CODE_DIGITS;
use sha2::{Digest, Sha256};
use sqlx::SqliteConnection;
use subtle::ConstantTimeEq;

/// Limits for one-time codes, from configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CodeRules {
    pub ttl_secs: i64,
    pub max_attempts: u32,
    /// Codes one requester may have sent in any hour.
    pub sends_per_hour: u32,
}

impl Default for CodeRules {
    fn default() -> Self {
        Self {
            ttl_secs: 600,
            max_attempts: 5,
            sends_per_hour: 5,
        }
    }
}

const HOUR: i64 = 3600;

/// Why a code could not be issued or was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeProblem {
    /// The hourly cap was reached; the next code can be sent after this many seconds.
    TooMany {
        retry_after_secs: u64,
    },
    Incorrect {
        attempts_left: u32,
    },
    /// No live code: never sent, expired, used, or replaced by a newer one.
    Expired,
    AttemptsExceeded,
}

/// Why `issue` or `redeem` gave no code: the rules refused, or the store failed.
#[derive(Debug)]
pub enum CodeError {
    Refused(CodeProblem),
    Store(sqlx::Error),
}

impl From<sqlx::Error> for CodeError {
    fn from(error: sqlx::Error) -> Self {
        Self::Store(error)
    }
}

impl From<CodeProblem> for CodeError {
    fn from(problem: CodeProblem) -> Self {
        Self::Refused(problem)
    }
}

/// A code that was just issued. `code` goes into the message and nowhere else.
pub struct Issued {
    pub code: String,
    pub expires_at: i64,
}

fn new_code() -> String {
    use rand::Rng;
    let n: u32 = rand::rng().random_range(0..100_000_000);
    format!("{n:0width$}", width = CODE_DIGITS)
}

fn hash_code(salt: &[u8], code: &str) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(salt);
    hasher.update(code.as_bytes());
    hasher.finalize().into()
}

use hex::{decode as unhex, encode as hex};

/// `salt$hash`, both hex.
fn stored_form(code: &str) -> String {
    let mut salt = [0u8; 16];
    rand::fill(&mut salt);
    format!("{}${}", hex(salt), hex(hash_code(&salt, code)))
}

fn matches(stored: &str, code: &str) -> bool {
    let Some((salt, hash)) = stored.split_once('$') else {
        return false;
    };
    match (unhex(salt), unhex(hash)) {
        (Ok(salt), Ok(hash)) => hash_code(&salt, code).ct_eq(&hash).into(),
        _ => false,
    }
}

/// Whose sends a new code counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendCap {
    /// A signed-in user's security-info codes, whatever the destination.
    Requester,
    /// The reset wizard's codes, which it counts itself per wizard, name and client
    /// (`reset::limits`), the same way for names with and without an account.
    CountedByCaller,
}

/// Purposes of the reset wizard's codes start with this; they never count against a
/// user's own security-info sends.
pub const RESET_PURPOSE_PREFIX: &str = "reset:";

/// Seconds until the requester's oldest send inside the window leaves it, or `None`
/// under the cap.
async fn wait_for_slot(
    conn: &mut SqliteConnection,
    user_id: i64,
    rules: CodeRules,
    now: i64,
) -> Result<Option<u64>, sqlx::Error> {
    let (count, oldest): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MIN(created_at) FROM verification_codes
         WHERE user_id = ? AND created_at > ? AND substr(purpose, 1, length(?3)) <> ?3",
    )
    .bind(user_id)
    .bind(now - HOUR)
    .bind(RESET_PURPOSE_PREFIX)
    .fetch_one(&mut *conn)
    .await?;
    if count < i64::from(rules.sends_per_hour) {
        return Ok(None);
    }
    let free_at = oldest.unwrap_or(now) + HOUR;
    Ok(Some(u64::try_from(free_at - now).unwrap_or(0).max(1)))
}

/// Issues a code for `purpose` to `destination`, replacing any earlier live code for the
/// same user and purpose. Run it in the transaction that also queues the message.
pub async fn issue(
    conn: &mut SqliteConnection,
    user_id: i64,
    purpose: &str,
    destination: &str,
    (rules, cap): (CodeRules, SendCap),
    now: i64,
) -> Result<Issued, CodeError> {
    if cap == SendCap::Requester {
        if let Some(wait) = wait_for_slot(conn, user_id, rules, now).await? {
            return Err(CodeProblem::TooMany {
                retry_after_secs: wait,
            }
            .into());
        }
    }
    sqlx::query(
        "UPDATE verification_codes SET consumed_at = ?
         WHERE user_id = ? AND purpose = ? AND consumed_at IS NULL",
    )
    .bind(now)
    .bind(user_id)
    .bind(purpose)
    .execute(&mut *conn)
    .await?;
    let code = new_code();
    let expires_at = now + rules.ttl_secs;
    sqlx::query(
        "INSERT INTO verification_codes (user_id, purpose, destination, code_hash, created_at, expires_at)
         VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(user_id)
    .bind(purpose)
    .bind(destination)
    .bind(stored_form(&code))
    .bind(now)
    .bind(expires_at)
    .execute(&mut *conn)
    .await?;
    Ok(Issued { code, expires_at })
}

/// Checks a code typed back. On success the code is used up and the destination it was
/// sent to is returned. A wrong code only increments the attempt counter.
pub async fn redeem(
    conn: &mut SqliteConnection,
    user_id: i64,
    purpose: &str,
    code: &str,
    rules: CodeRules,
    now: i64,
) -> Result<String, CodeError> {
    let row: Option<(i64, String, String, i64, i64)> = sqlx::query_as(
        "SELECT id, destination, code_hash, attempts, expires_at FROM verification_codes
         WHERE user_id = ? AND purpose = ? AND consumed_at IS NULL
         ORDER BY id DESC LIMIT 1",
    )
    .bind(user_id)
    .bind(purpose)
    .fetch_optional(&mut *conn)
    .await?;
    let Some((id, destination, stored, attempts, expires_at)) = row else {
        return Err(CodeProblem::Expired.into());
    };
    if expires_at <= now {
        return Err(CodeProblem::Expired.into());
    }
    let max = i64::from(rules.max_attempts);
    if attempts >= max {
        return Err(CodeProblem::AttemptsExceeded.into());
    }
    if matches(&stored, code) {
        sqlx::query(
            "UPDATE verification_codes SET consumed_at = ? WHERE id = ? AND consumed_at IS NULL",
        )
        .bind(now)
        .bind(id)
        .execute(&mut *conn)
        .await?;
        return Ok(destination);
    }
    sqlx::query("UPDATE verification_codes SET attempts = attempts + 1 WHERE id = ?")
        .bind(id)
        .execute(&mut *conn)
        .await?;
    let left = max - attempts - 1;
    Err(CodeError::Refused(if left <= 0 {
        CodeProblem::AttemptsExceeded
    } else {
        CodeProblem::Incorrect {
            attempts_left: u32::try_from(left).unwrap_or(0),
        }
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use sqlx::SqlitePool;

    /// The rules' answer; a store failure fails the test.
    fn problem(error: CodeError) -> CodeProblem {
        match error {
            CodeError::Refused(problem) => problem,
            CodeError::Store(error) => panic!("store failed: {error}"),
        }
    }

    async fn pool_with_users() -> (tempfile::TempDir, SqlitePool) {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::db::connect(&dir.path().join("t.db")).await.unwrap();
        for name in ["ann", "ben"] {
            sqlx::query("INSERT INTO users (username, username_canonical, display_name, created_at, updated_at) VALUES (?, ?, ?, 0, 0)")
                .bind(name).bind(name).bind(name)
                .execute(&pool).await.unwrap();
        }
        (dir, pool)
    }

    const RULES: CodeRules = CodeRules {
        ttl_secs: 600,
        max_attempts: 5,
        sends_per_hour: 5,
    };

    #[tokio::test]
    async fn a_code_is_eight_digits_stored_only_as_a_salted_hash_and_works_once() {
        let (_dir, pool) = pool_with_users().await;
        let mut conn = pool.acquire().await.unwrap();
        let issued = issue(
            &mut conn,
            1,
            "email",
            "a@example.org",
            (RULES, SendCap::Requester),
            1000,
        )
        .await
        .unwrap();
        assert_eq!(issued.code.len(), 8);
        assert!(issued.code.chars().all(|c| c.is_ascii_digit()));
        assert_eq!(issued.expires_at, 1600);
        let (stored,): (String,) = sqlx::query_as("SELECT code_hash FROM verification_codes")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert!(!stored.contains(&issued.code));
        let got = redeem(&mut conn, 1, "email", &issued.code, RULES, 1001)
            .await
            .map_err(problem);
        assert_eq!(got, Ok("a@example.org".to_owned()));
        let again = redeem(&mut conn, 1, "email", &issued.code, RULES, 1002)
            .await
            .map_err(problem);
        assert_eq!(again, Err(CodeProblem::Expired));
    }

    #[tokio::test]
    async fn codes_expire_after_their_lifetime() {
        let (_dir, pool) = pool_with_users().await;
        let mut conn = pool.acquire().await.unwrap();
        let issued = issue(
            &mut conn,
            1,
            "email",
            "a@example.org",
            (RULES, SendCap::Requester),
            1000,
        )
        .await
        .unwrap();
        let late = redeem(&mut conn, 1, "email", &issued.code, RULES, 1600)
            .await
            .map_err(problem);
        assert_eq!(late, Err(CodeProblem::Expired));
    }

    #[tokio::test]
    async fn five_wrong_tries_use_a_code_up_even_for_the_right_code() {
        let (_dir, pool) = pool_with_users().await;
        let mut conn = pool.acquire().await.unwrap();
        let issued = issue(
            &mut conn,
            1,
            "phone",
            "+306912345612",
            (RULES, SendCap::Requester),
            0,
        )
        .await
        .unwrap();
        let wrong = if issued.code == "00000000" {
            "11111111"
        } else {
            "00000000"
        };
        for left in (1..5).rev() {
            let result = redeem(&mut conn, 1, "phone", wrong, RULES, 1)
                .await
                .map_err(problem);
            assert_eq!(
                result,
                Err(CodeProblem::Incorrect {
                    attempts_left: left
                })
            );
        }
        let fifth = redeem(&mut conn, 1, "phone", wrong, RULES, 1)
            .await
            .map_err(problem);
        assert_eq!(fifth, Err(CodeProblem::AttemptsExceeded));
        let right = redeem(&mut conn, 1, "phone", &issued.code, RULES, 1)
            .await
            .map_err(problem);
        assert_eq!(right, Err(CodeProblem::AttemptsExceeded));
    }

    #[tokio::test]
    async fn a_code_does_not_work_for_another_user_or_purpose_and_a_new_code_replaces_the_old() {
        let (_dir, pool) = pool_with_users().await;
        let mut conn = pool.acquire().await.unwrap();
        let first = issue(
            &mut conn,
            1,
            "email",
            "a@example.org",
            (RULES, SendCap::Requester),
            0,
        )
        .await
        .unwrap();
        assert_eq!(
            redeem(&mut conn, 2, "email", &first.code, RULES, 1)
                .await
                .map_err(problem),
            Err(CodeProblem::Expired)
        );
        assert_eq!(
            redeem(&mut conn, 1, "phone", &first.code, RULES, 1)
                .await
                .map_err(problem),
            Err(CodeProblem::Expired)
        );
        let second = issue(
            &mut conn,
            1,
            "email",
            "b@example.org",
            (RULES, SendCap::Requester),
            2,
        )
        .await
        .unwrap();
        if first.code != second.code {
            let old = redeem(&mut conn, 1, "email", &first.code, RULES, 3)
                .await
                .map_err(problem);
            assert_eq!(old, Err(CodeProblem::Incorrect { attempts_left: 4 }));
        }
        let new = redeem(&mut conn, 1, "email", &second.code, RULES, 3)
            .await
            .map_err(problem);
        assert_eq!(new, Ok("b@example.org".to_owned()));
    }

    #[tokio::test]
    async fn a_requester_gets_five_codes_an_hour_and_cannot_use_up_anyone_elses() {
        let (_dir, pool) = pool_with_users().await;
        let mut conn = pool.acquire().await.unwrap();
        let mine = (RULES, SendCap::Requester);
        for i in 0..5 {
            issue(&mut conn, 1, "email", "b@example.org", mine, 100 + i)
                .await
                .unwrap();
        }
        let sixth = issue(&mut conn, 1, "email", "b@example.org", mine, 200)
            .await
            .map_err(problem);
        assert!(matches!(
            sixth,
            Err(CodeProblem::TooMany {
                retry_after_secs: 3500
            })
        ));
        // Spreading over fresh destinations does not help the requester.
        let fresh = issue(&mut conn, 1, "phone", "+306912345612", mine, 200)
            .await
            .map_err(problem);
        assert!(matches!(fresh, Err(CodeProblem::TooMany { .. })));
        // The owner of the address still gets codes, and reset codes count elsewhere.
        let owner = issue(&mut conn, 2, "email", "b@example.org", mine, 200)
            .await
            .map_err(problem);
        assert!(owner.is_ok());
        for i in 0..8 {
            let reset = issue(
                &mut conn,
                2,
                &format!("reset:email:{i}"),
                "b@example.org",
                (RULES, SendCap::CountedByCaller),
                201,
            )
            .await
            .map_err(problem);
            assert!(reset.is_ok());
        }
        assert!(issue(&mut conn, 2, "email", "b@example.org", mine, 202)
            .await
            .map_err(problem)
            .is_ok());
        // An hour after the first send there is room again.
        assert!(
            issue(&mut conn, 1, "email", "b@example.org", mine, 100 + HOUR)
                .await
                .map_err(problem)
                .is_ok()
        );
    }

    #[test]
    fn a_stored_form_matches_only_its_code() {
        let stored = stored_form("12345678");
        assert!(matches(&stored, "12345678"));
        assert!(!matches(&stored, "12345679"));
        assert!(!matches("garbage", "12345678"));
        assert_ne!(stored, stored_form("12345678"));
    }
}
