//! SQL for wizard rows. Every change of step is a conditional UPDATE on the step the
//! caller saw, so two tabs or two parallel requests cannot both move the same wizard on.

use super::limits::Counts;
use app::domain::MethodKind;
use sqlx::{SqliteConnection, SqlitePool};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Wizard {
    pub id_hash: String,
    pub user_id: Option<i64>,
    pub name_key: String,
    pub client_key: String,
    pub decoy_initial: String,
    pub gates_required: i64,
    pub gates_passed: String,
    pub method: Option<String>,
    pub question_ids: String,
    pub code_expires_at: Option<i64>,
    pub attempts: i64,
    pub failures: i64,
    pub sends: i64,
    pub language: String,
    pub expires_at: i64,
    pub finished_at: Option<i64>,
}

pub fn parse_method(text: &str) -> Option<MethodKind> {
    MethodKind::ALL.into_iter().find(|m| m.as_str() == text)
}

impl Wizard {
    pub fn passed(&self) -> Vec<MethodKind> {
        self.gates_passed
            .split(',')
            .filter_map(parse_method)
            .collect()
    }

    pub fn method(&self) -> Option<MethodKind> {
        self.method.as_deref().and_then(parse_method)
    }

    pub fn all_gates_passed(&self) -> bool {
        self.passed().len() as i64 >= self.gates_required
    }

    pub fn questions(&self) -> Vec<i64> {
        self.question_ids
            .split(',')
            .filter_map(|id| id.parse().ok())
            .collect()
    }

    /// A wizard that can still move: not finished, not expired.
    pub fn live(&self, now: i64) -> bool {
        self.finished_at.is_none() && self.expires_at > now
    }
}

pub struct NewWizard<'a> {
    pub id_hash: &'a str,
    pub user_id: Option<i64>,
    pub name_key: &'a str,
    pub client_key: &'a str,
    pub decoy_initial: &'a str,
    pub gates_required: u8,
    pub language: &'a str,
    pub now: i64,
    pub expires_at: i64,
}

impl NewWizard<'_> {
    /// The row as it was just inserted.
    pub fn as_wizard(&self) -> Wizard {
        Wizard {
            id_hash: self.id_hash.to_owned(),
            user_id: self.user_id,
            name_key: self.name_key.to_owned(),
            client_key: self.client_key.to_owned(),
            decoy_initial: self.decoy_initial.to_owned(),
            gates_required: i64::from(self.gates_required),
            gates_passed: String::new(),
            method: None,
            question_ids: String::new(),
            code_expires_at: None,
            attempts: 0,
            failures: 0,
            sends: 0,
            language: self.language.to_owned(),
            expires_at: self.expires_at,
            finished_at: None,
        }
    }
}

pub async fn find(pool: &SqlitePool, id_hash: &str) -> Result<Option<Wizard>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id_hash, user_id, name_key, client_key, decoy_initial, gates_required, gates_passed, method,
                question_ids, code_expires_at, attempts, failures, sends, language, expires_at, finished_at
         FROM reset_wizards WHERE id_hash = ?",
    )
    .bind(id_hash)
    .fetch_optional(pool)
    .await
}

/// Wizards started under this name since `since`.
pub async fn started_since(
    conn: &mut SqliteConnection,
    name_key: &str,
    since: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar("SELECT COUNT(*) FROM reset_wizards WHERE name_key = ? AND created_at > ?")
        .bind(name_key)
        .bind(since)
        .fetch_one(conn)
        .await
}

/// Wrong answers given under this name since `since`: from this client and from
/// anywhere, and when the oldest wizard with any leaves the window.
pub async fn failures_since(
    conn: &mut SqliteConnection,
    name_key: &str,
    client_key: &str,
    since: i64,
) -> Result<(Counts, Option<i64>), sqlx::Error> {
    let (client, name, oldest): (i64, i64, Option<i64>) = sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN client_key = ?2 THEN failures END), 0),
                COALESCE(SUM(failures), 0), MIN(CASE WHEN failures > 0 THEN created_at END)
         FROM reset_wizards WHERE name_key = ?1 AND created_at > ?3",
    )
    .bind(name_key)
    .bind(client_key)
    .bind(since)
    .fetch_one(conn)
    .await?;
    Ok((Counts { client, name }, oldest))
}

/// Codes sent under this name since `since`: to this client's wizards and to all.
pub async fn sends_since(
    conn: &mut SqliteConnection,
    name_key: &str,
    client_key: &str,
    since: i64,
) -> Result<Counts, sqlx::Error> {
    let (client, name): (i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN client_key = ?2 THEN sends END), 0), COALESCE(SUM(sends), 0)
         FROM reset_wizards WHERE name_key = ?1 AND created_at > ?3",
    )
    .bind(name_key)
    .bind(client_key)
    .bind(since)
    .fetch_one(conn)
    .await?;
    Ok(Counts { client, name })
}

/// Records the method chosen for the current gate. Only moves a wizard still at the gate
/// the caller saw.
pub async fn choose(
    conn: &mut SqliteConnection,
    wizard: &Wizard,
    method: MethodKind,
    question_ids: &str,
    code_expires_at: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let sent = i64::from(code_expires_at.is_some());
    let done = sqlx::query(
        "UPDATE reset_wizards SET method = ?, question_ids = ?, code_expires_at = ?, attempts = 0,
                sends = sends + ?
         WHERE id_hash = ? AND gates_passed = ? AND finished_at IS NULL",
    )
    .bind(method.as_str())
    .bind(question_ids)
    .bind(code_expires_at)
    .bind(sent)
    .bind(&wizard.id_hash)
    .bind(&wizard.gates_passed)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Back to choosing a method for the same gate.
pub async fn back(pool: &SqlitePool, wizard: &Wizard) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE reset_wizards SET method = NULL, question_ids = '', code_expires_at = NULL, attempts = 0
         WHERE id_hash = ? AND gates_passed = ? AND finished_at IS NULL",
    )
    .bind(&wizard.id_hash)
    .bind(&wizard.gates_passed)
    .execute(pool)
    .await?;
    Ok(())
}

/// Marks the current gate passed. False when another request moved the wizard first.
pub async fn pass_gate(conn: &mut SqliteConnection, wizard: &Wizard) -> Result<bool, sqlx::Error> {
    let Some(method) = wizard.method() else {
        return Ok(false);
    };
    let passed = if wizard.gates_passed.is_empty() {
        method.as_str().to_owned()
    } else {
        format!("{},{}", wizard.gates_passed, method.as_str())
    };
    let done = sqlx::query(
        "UPDATE reset_wizards SET gates_passed = ?, method = NULL, question_ids = '',
                code_expires_at = NULL, attempts = 0
         WHERE id_hash = ? AND gates_passed = ? AND method = ? AND finished_at IS NULL",
    )
    .bind(passed)
    .bind(&wizard.id_hash)
    .bind(&wizard.gates_passed)
    .bind(method.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Counts a wrong answer; returns (attempts on this challenge, failures in the wizard).
pub async fn fail(pool: &SqlitePool, id_hash: &str) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "UPDATE reset_wizards SET attempts = attempts + 1, failures = failures + 1
         WHERE id_hash = ? RETURNING attempts, failures",
    )
    .bind(id_hash)
    .fetch_one(pool)
    .await
}

/// Ends a wizard once. False when it had already ended (another request won).
pub async fn finish(
    conn: &mut SqliteConnection,
    id_hash: &str,
    outcome: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE reset_wizards SET finished_at = ?, outcome = ?
         WHERE id_hash = ? AND finished_at IS NULL AND expires_at > ?",
    )
    .bind(now)
    .bind(outcome)
    .bind(id_hash)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
