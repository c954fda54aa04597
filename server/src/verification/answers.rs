//! Security answers: normalised so "  Athens" and "ATHENS" are one answer (NFKC, case,
//! inner whitespace), checked for length and duplicates, then hashed like passwords; and
//! the SQL that reads the questions asked and the answers stored.

use app::api::{Question, QuestionAnswer};
use app::domain::security_info::{MAX_ANSWER_CHARS, MIN_ANSWER_CHARS};
use app::domain::{AppError, FieldProblem};
use sqlx::{SqliteConnection, SqlitePool};
use std::collections::HashSet;
use unicode_normalization::UnicodeNormalization;

/// The form an answer is hashed and compared in.
pub fn normalise(answer: &str) -> String {
    let folded = answer.nfkc().collect::<String>().to_lowercase();
    let folded: String = folded.nfkc().collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Checks a set of answers against the policy's question count and the bank; returns
/// the (question id, normalised answer) pairs. The field names the offending row.
pub fn check(
    answers: &[QuestionAnswer],
    required: u8,
    bank: &HashSet<i64>,
) -> Result<Vec<(i64, String)>, AppError> {
    if answers.len() != usize::from(required) {
        return Err(AppError::invalid(
            "questions",
            FieldProblem::QuestionCount { required },
        ));
    }
    let mut questions = HashSet::new();
    let mut seen = HashSet::new();
    let mut checked = Vec::with_capacity(answers.len());
    for (i, item) in answers.iter().enumerate() {
        let field = |name: &str| format!("{name}_{i}");
        if !bank.contains(&item.question_id) {
            return Err(AppError::invalid(
                &field("question"),
                FieldProblem::UnknownQuestion,
            ));
        }
        if !questions.insert(item.question_id) {
            return Err(AppError::invalid(
                &field("question"),
                FieldProblem::DuplicateQuestion,
            ));
        }
        // Refuse enormous input before normalising it.
        if item.answer.len() > MAX_ANSWER_CHARS * 4 {
            return Err(AppError::invalid(&field("answer"), FieldProblem::TooLong));
        }
        let answer = normalise(&item.answer);
        let length = answer.chars().count();
        if length < MIN_ANSWER_CHARS {
            return Err(AppError::invalid(
                &field("answer"),
                FieldProblem::AnswerTooShort {
                    min: MIN_ANSWER_CHARS as u8,
                },
            ));
        }
        if length > MAX_ANSWER_CHARS {
            return Err(AppError::invalid(&field("answer"), FieldProblem::TooLong));
        }
        if !seen.insert(answer.clone()) {
            return Err(AppError::invalid(
                &field("answer"),
                FieldProblem::DuplicateAnswer,
            ));
        }
        checked.push((item.question_id, answer));
    }
    Ok(checked)
}

/// The questions the account has answered, in id order.
pub async fn answered(conn: &mut SqliteConnection, user_id: i64) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT question_id FROM security_answers WHERE user_id = ? ORDER BY question_id",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await
}

/// The questions of the bank that can be asked now, in id order.
pub async fn active_questions(conn: &mut SqliteConnection) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT id FROM security_questions WHERE active ORDER BY id")
        .fetch_all(conn)
        .await
}

/// The questions with these ids, in the order given; ids not in the bank are left out.
pub async fn questions(pool: &SqlitePool, ids: &[i64]) -> Result<Vec<Question>, sqlx::Error> {
    let mut out = Vec::with_capacity(ids.len());
    for id in ids {
        let row: Option<(String, String)> =
            sqlx::query_as("SELECT text_en, text_el FROM security_questions WHERE id = ?")
                .bind(id)
                .fetch_optional(pool)
                .await?;
        if let Some((text_en, text_el)) = row {
            out.push(Question {
                id: *id,
                text_en,
                text_el,
            });
        }
    }
    Ok(out)
}

/// The stored hash of the account's answer to a question, if it gave one.
pub async fn stored_hash(
    pool: &SqlitePool,
    user_id: i64,
    question_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT answer_hash FROM security_answers WHERE user_id = ? AND question_id = ?",
    )
    .bind(user_id)
    .bind(question_id)
    .fetch_optional(pool)
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn qa(question_id: i64, answer: &str) -> QuestionAnswer {
        QuestionAnswer {
            question_id,
            answer: answer.into(),
        }
    }

    fn bank() -> HashSet<i64> {
        (1..=10).collect()
    }

    #[test]
    fn case_width_and_spacing_do_not_change_an_answer() {
        assert_eq!(normalise("  New   York "), "new york");
        assert_eq!(normalise("ＡＴＨＥＮＳ"), "athens");
        assert_eq!(normalise("ΑΘΗΝΑ"), normalise("αθηνα"));
        // Composed and decomposed accents are one answer.
        assert_eq!(normalise("Ηρα\u{0301}"), normalise("Ηρά"));
    }

    #[test]
    fn a_valid_set_is_returned_normalised() {
        let got = check(
            &[qa(1, "Athens"), qa(2, " Rex "), qa(3, "Lyceum")],
            3,
            &bank(),
        )
        .unwrap();
        assert_eq!(
            got,
            vec![
                (1, "athens".into()),
                (2, "rex".into()),
                (3, "lyceum".into())
            ]
        );
    }

    #[test]
    fn short_duplicate_and_unknown_answers_are_refused_with_the_row() {
        let err = check(&[qa(1, "ab"), qa(2, "rex"), qa(3, "zed")], 3, &bank()).unwrap_err();
        assert_eq!(
            err,
            AppError::invalid("answer_0", FieldProblem::AnswerTooShort { min: 3 })
        );
        let err = check(&[qa(1, "rex"), qa(2, " REX"), qa(3, "zed")], 3, &bank()).unwrap_err();
        assert_eq!(
            err,
            AppError::invalid("answer_1", FieldProblem::DuplicateAnswer)
        );
        let err = check(&[qa(1, "rex"), qa(1, "max"), qa(3, "zed")], 3, &bank()).unwrap_err();
        assert_eq!(
            err,
            AppError::invalid("question_1", FieldProblem::DuplicateQuestion)
        );
        let err = check(&[qa(1, "rex"), qa(99, "max"), qa(3, "zed")], 3, &bank()).unwrap_err();
        assert_eq!(
            err,
            AppError::invalid("question_1", FieldProblem::UnknownQuestion)
        );
        let err = check(&[qa(1, "rex")], 3, &bank()).unwrap_err();
        assert_eq!(
            err,
            AppError::invalid("questions", FieldProblem::QuestionCount { required: 3 })
        );
        let long = "x".repeat(129);
        let err = check(&[qa(1, &long), qa(2, "a b c"), qa(3, "zed")], 3, &bank()).unwrap_err();
        assert_eq!(err, AppError::invalid("answer_0", FieldProblem::TooLong));
    }
}
