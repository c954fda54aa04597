//! The security question bank: built-in questions from migration 0002 plus the custom ones
//! admins add, each in English and Greek. Questions are retired, never deleted, because
//! users' answers point at them.

use crate::admin::Admin;
use crate::error::OrInternal;
use app::api::BankQuestion;
use app::domain::{AppError, FieldProblem};
use sqlx::SqlitePool;

/// The longest question text, in characters.
const MAX_QUESTION_CHARS: usize = 200;

pub async fn bank(pool: &SqlitePool, rid: &str) -> Result<Vec<BankQuestion>, AppError> {
    let rows: Vec<(i64, String, String, bool, bool)> = sqlx::query_as(
        "SELECT id, text_en, text_el, builtin, active FROM security_questions ORDER BY id",
    )
    .fetch_all(pool)
    .await
    .or_internal(rid)?;
    Ok(rows
        .into_iter()
        .map(|(id, text_en, text_el, builtin, active)| BankQuestion {
            id,
            text_en,
            text_el,
            builtin,
            active,
        })
        .collect())
}

pub async fn active_count(pool: &SqlitePool) -> Result<i64, sqlx::Error> {
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM security_questions WHERE active")
        .fetch_one(pool)
        .await?;
    Ok(count)
}

/// A question's text in one language: trimmed, present and not too long.
fn text(field: &str, raw: &str) -> Result<String, AppError> {
    let text = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return Err(AppError::invalid(field, FieldProblem::Required));
    }
    if text.chars().count() > MAX_QUESTION_CHARS {
        return Err(AppError::invalid(field, FieldProblem::TooLong));
    }
    Ok(text)
}

/// Adds a custom question; the same wording in either language as an existing question
/// is refused, so users are never offered one question twice.
pub async fn add(admin: &Admin, rid: &str, en: &str, el: &str) -> Result<i64, AppError> {
    let (en, el) = (text("text_en", en)?, text("text_el", el)?);
    let existing = bank(&admin.pool, rid).await?;
    let same = |a: &str, b: &str| a.to_lowercase() == b.to_lowercase();
    if existing.iter().any(|q| same(&q.text_en, &en)) {
        return Err(AppError::invalid(
            "text_en",
            FieldProblem::DuplicateQuestion,
        ));
    }
    if existing.iter().any(|q| same(&q.text_el, &el)) {
        return Err(AppError::invalid(
            "text_el",
            FieldProblem::DuplicateQuestion,
        ));
    }
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO security_questions (text_en, text_el, builtin, active, created_at)
         VALUES (?, ?, FALSE, TRUE, ?) RETURNING id",
    )
    .bind(en)
    .bind(el)
    .bind(admin.clock.now())
    .fetch_one(&admin.pool)
    .await
    .or_internal(rid)?;
    Ok(id)
}

/// Offers a question again or retires it. Retiring is refused when fewer active questions
/// would remain than users must answer at registration, in one conditional statement so
/// two admins retiring at once cannot both pass the check.
pub async fn set_active(admin: &Admin, rid: &str, id: i64, active: bool) -> Result<(), AppError> {
    let registration = admin
        .config
        .registration
        .current(&admin.pool)
        .await
        .or_internal(rid)?;
    let done = sqlx::query(
        "UPDATE security_questions SET active = ?1 WHERE id = ?2
           AND (?1 OR (SELECT COUNT(*) FROM security_questions
                       WHERE active AND id <> ?2) >= ?3)",
    )
    .bind(active)
    .bind(id)
    .bind(i64::from(registration.question_count))
    .execute(&admin.pool)
    .await
    .or_internal(rid)?;
    if done.rows_affected() == 1 {
        return Ok(());
    }
    let exists: Option<(i64,)> = sqlx::query_as("SELECT id FROM security_questions WHERE id = ?")
        .bind(id)
        .fetch_optional(&admin.pool)
        .await
        .or_internal(rid)?;
    match exists {
        None => Err(AppError::NotFound),
        Some(_) => Err(AppError::invalid(
            "questions",
            FieldProblem::BankTooSmall {
                required: registration.question_count,
            },
        )),
    }
}
