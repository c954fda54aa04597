//! SQL for registered methods, answers, recovery codes and the registration clock.

use app::api::{MethodView, Question};
use app::domain::contact::{mask_email, mask_phone};
use app::domain::MethodKind;
use sqlx::{SqliteConnection, SqlitePool};

/// What is registered for one user, for the page and for the policy.
pub struct Registered {
    pub methods: Vec<MethodView>,
    /// Methods that count towards the policy's required number.
    pub count: u8,
    pub confirmed_at: Option<i64>,
    pub postponements: u32,
}

pub async fn registered(pool: &SqlitePool, user_id: i64) -> Result<Registered, sqlx::Error> {
    let contact: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT kind, value, registered_at FROM auth_methods WHERE user_id = ?")
            .bind(user_id)
            .fetch_all(pool)
            .await?;
    let (answers, answered_at): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*), MAX(registered_at) FROM security_answers WHERE user_id = ?",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await?;
    let (codes_left, codes_at): (i64, Option<i64>) = sqlx::query_as(
        "SELECT COUNT(*) FILTER (WHERE used_at IS NULL), MAX(created_at) FROM recovery_codes WHERE user_id = ?",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await?;
    let (confirmed_at, postponements): (Option<i64>, i64) = sqlx::query_as(
        "SELECT security_info_confirmed_at, registration_postponements FROM users WHERE id = ?",
    )
    .bind(user_id)
    .fetch_one(pool)
    .await?;
    let methods: Vec<MethodView> = MethodKind::ALL
        .into_iter()
        .map(|kind| {
            let (detail, at) = match kind {
                MethodKind::Email | MethodKind::Phone | MethodKind::Authenticator => contact
                    .iter()
                    .find(|(k, _, _)| k == kind.as_str())
                    .map(|(_, value, at)| {
                        let detail = match kind {
                            MethodKind::Email => Some(mask_email(value)),
                            MethodKind::Phone => Some(mask_phone(value)),
                            _ => None,
                        };
                        (detail, Some(*at))
                    })
                    .unwrap_or((None, None)),
                MethodKind::Questions => (None, answered_at.filter(|_| answers > 0)),
                MethodKind::RecoveryCodes => (
                    codes_at.map(|_| codes_left.to_string()),
                    codes_at.filter(|_| codes_left > 0),
                ),
            };
            MethodView {
                kind,
                registered: at.is_some(),
                detail,
                registered_at: at,
            }
        })
        .collect();
    let count = methods
        .iter()
        .filter(|m| m.registered && m.kind.counts_towards_registration())
        .count();
    Ok(Registered {
        methods,
        count: u8::try_from(count).unwrap_or(u8::MAX),
        confirmed_at,
        postponements: u32::try_from(postponements).unwrap_or(0),
    })
}

pub async fn save_contact(
    conn: &mut SqliteConnection,
    user_id: i64,
    kind: MethodKind,
    value: &str,
    last_used_step: Option<i64>,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO auth_methods (user_id, kind, value, last_used_step, registered_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (user_id, kind) DO UPDATE SET value = excluded.value,
             last_used_step = excluded.last_used_step, registered_at = excluded.registered_at",
    )
    .bind(user_id)
    .bind(kind.as_str())
    .bind(value)
    .bind(last_used_step)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    // What a wizard sent or asked before the change proves nothing after it.
    crate::revocation::end_open_wizards(conn, user_id, now).await?;
    Ok(())
}

/// Registering or reconfirming anything restarts the reconfirmation clock.
pub async fn touch_confirmed(
    conn: &mut SqliteConnection,
    user_id: i64,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET security_info_confirmed_at = ?, registration_postponements = 0, updated_at = ? WHERE id = ?")
        .bind(now)
        .bind(now)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn set_language(
    conn: &mut SqliteConnection,
    user_id: i64,
    language: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE users SET language = ? WHERE id = ?")
        .bind(language)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn remove(
    conn: &mut SqliteConnection,
    user_id: i64,
    kind: MethodKind,
) -> Result<u64, sqlx::Error> {
    let query = match kind {
        MethodKind::Email | MethodKind::Phone | MethodKind::Authenticator => {
            sqlx::query("DELETE FROM auth_methods WHERE user_id = ? AND kind = ?")
                .bind(user_id)
                .bind(kind.as_str())
        }
        MethodKind::Questions => {
            sqlx::query("DELETE FROM security_answers WHERE user_id = ?").bind(user_id)
        }
        MethodKind::RecoveryCodes => {
            sqlx::query("DELETE FROM recovery_codes WHERE user_id = ?").bind(user_id)
        }
    };
    Ok(query.execute(&mut *conn).await?.rows_affected())
}

pub async fn start_enrolment(
    pool: &SqlitePool,
    user_id: i64,
    secret: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO authenticator_enrolments (user_id, secret, created_at) VALUES (?, ?, ?)
         ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret, created_at = excluded.created_at",
    )
    .bind(user_id)
    .bind(secret)
    .bind(now)
    .execute(pool)
    .await?;
    Ok(())
}

pub async fn enrolment(
    pool: &SqlitePool,
    user_id: i64,
) -> Result<Option<(String, i64)>, sqlx::Error> {
    sqlx::query_as("SELECT secret, created_at FROM authenticator_enrolments WHERE user_id = ?")
        .bind(user_id)
        .fetch_optional(pool)
        .await
}

pub async fn end_enrolment(conn: &mut SqliteConnection, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM authenticator_enrolments WHERE user_id = ?")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    Ok(())
}

pub async fn question_bank(pool: &SqlitePool) -> Result<Vec<Question>, sqlx::Error> {
    let rows: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT id, text_en, text_el FROM security_questions WHERE active ORDER BY id",
    )
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, text_en, text_el)| Question {
            id,
            text_en,
            text_el,
        })
        .collect())
}

pub async fn replace_answers(
    conn: &mut SqliteConnection,
    user_id: i64,
    hashes: &[(i64, String)],
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM security_answers WHERE user_id = ?")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    for (question_id, hash) in hashes {
        sqlx::query(
            "INSERT INTO security_answers (user_id, question_id, answer_hash, registered_at) VALUES (?, ?, ?, ?)",
        )
        .bind(user_id)
        .bind(question_id)
        .bind(hash)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    // What a wizard sent or asked before the change proves nothing after it.
    crate::revocation::end_open_wizards(conn, user_id, now).await?;
    Ok(())
}

pub async fn replace_recovery_codes(
    conn: &mut SqliteConnection,
    user_id: i64,
    hashes: &[String],
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = ?")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    for hash in hashes {
        sqlx::query("INSERT INTO recovery_codes (user_id, code_hash, created_at) VALUES (?, ?, ?)")
            .bind(user_id)
            .bind(hash)
            .bind(now)
            .execute(&mut *conn)
            .await?;
    }
    // What a wizard sent or asked before the change proves nothing after it.
    crate::revocation::end_open_wizards(conn, user_id, now).await?;
    Ok(())
}

pub async fn count_postponement(pool: &SqlitePool, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE users SET registration_postponements = registration_postponements + 1 WHERE id = ?",
    )
    .bind(user_id)
    .execute(pool)
    .await?;
    Ok(())
}
