//! SQL for wizard rows. Every change of step is a conditional UPDATE on the step the
//! caller saw, so two tabs or two parallel requests cannot both move the same wizard on.

use super::limits::Counts;
use app::domain::MethodKind;
use sqlx::error::BoxDynError;
use sqlx::sqlite::{SqliteTypeInfo, SqliteValueRef};
use sqlx::{Decode, Sqlite, SqliteConnection, SqlitePool, Type};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Wizard {
    pub id_hash: String,
    pub user_id: Option<i64>,
    pub name_key: String,
    pub client_key: String,
    pub decoy_initial: String,
    pub gates_required: i64,
    #[sqlx(try_from = "String")]
    pub gates_passed: PassedGates,
    /// The method chosen for the current gate; a name this build does not know reads
    /// as none chosen.
    #[sqlx(try_from = "MethodColumn")]
    pub method: Option<MethodKind>,
    #[sqlx(try_from = "String")]
    pub question_ids: QuestionIds,
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

/// The `method` column as read: its name (or NULL) parsed once, here. Written back with
/// `MethodKind::as_str`.
pub struct MethodColumn(Option<MethodKind>);

impl Type<Sqlite> for MethodColumn {
    fn type_info() -> SqliteTypeInfo {
        <String as Type<Sqlite>>::type_info()
    }

    fn compatible(ty: &SqliteTypeInfo) -> bool {
        <String as Type<Sqlite>>::compatible(ty)
    }
}

impl<'r> Decode<'r, Sqlite> for MethodColumn {
    fn decode(value: SqliteValueRef<'r>) -> Result<Self, BoxDynError> {
        let name = <Option<String> as Decode<'r, Sqlite>>::decode(value)?;
        Ok(Self(name.as_deref().and_then(parse_method)))
    }
}

impl From<MethodColumn> for Option<MethodKind> {
    fn from(column: MethodColumn) -> Self {
        column.0
    }
}

/// The gates a wizard has passed, in the order it passed them. The row keeps them
/// comma-joined; this is the one place that reads and writes that form.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassedGates(Vec<MethodKind>);

impl PassedGates {
    pub fn contains(&self, method: MethodKind) -> bool {
        self.0.contains(&method)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// These gates and then `method`.
    pub fn and(&self, method: MethodKind) -> Self {
        let mut passed = self.0.clone();
        passed.push(method);
        Self(passed)
    }

    /// The stored form, which conditional updates also compare against.
    fn stored(&self) -> String {
        let names: Vec<&str> = self.0.iter().map(|m| m.as_str()).collect();
        names.join(",")
    }
}

impl From<String> for PassedGates {
    fn from(stored: String) -> Self {
        Self(stored.split(',').filter_map(parse_method).collect())
    }
}

/// The questions asked at the current gate, in the order asked; stored comma-joined.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct QuestionIds(Vec<i64>);

impl QuestionIds {
    pub fn as_slice(&self) -> &[i64] {
        &self.0
    }

    fn stored(&self) -> String {
        let ids: Vec<String> = self.0.iter().map(i64::to_string).collect();
        ids.join(",")
    }
}

impl From<Vec<i64>> for QuestionIds {
    fn from(ids: Vec<i64>) -> Self {
        Self(ids)
    }
}

impl From<String> for QuestionIds {
    fn from(stored: String) -> Self {
        Self(stored.split(',').filter_map(|id| id.parse().ok()).collect())
    }
}

impl Wizard {
    pub fn all_gates_passed(&self) -> bool {
        self.gates_passed.len() as i64 >= self.gates_required
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
            gates_passed: PassedGates::default(),
            method: None,
            question_ids: QuestionIds::default(),
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
    question_ids: &QuestionIds,
    code_expires_at: Option<i64>,
) -> Result<bool, sqlx::Error> {
    let sent = i64::from(code_expires_at.is_some());
    let done = sqlx::query(
        "UPDATE reset_wizards SET method = ?, question_ids = ?, code_expires_at = ?, attempts = 0,
                sends = sends + ?
         WHERE id_hash = ? AND gates_passed = ? AND finished_at IS NULL",
    )
    .bind(method.as_str())
    .bind(question_ids.stored())
    .bind(code_expires_at)
    .bind(sent)
    .bind(&wizard.id_hash)
    .bind(wizard.gates_passed.stored())
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
    .bind(wizard.gates_passed.stored())
    .execute(pool)
    .await?;
    Ok(())
}

/// Marks the current gate passed. False when another request moved the wizard first.
pub async fn pass_gate(conn: &mut SqliteConnection, wizard: &Wizard) -> Result<bool, sqlx::Error> {
    let Some(method) = wizard.method else {
        return Ok(false);
    };
    let done = sqlx::query(
        "UPDATE reset_wizards SET gates_passed = ?, method = NULL, question_ids = '',
                code_expires_at = NULL, attempts = 0
         WHERE id_hash = ? AND gates_passed = ? AND method = ? AND finished_at IS NULL",
    )
    .bind(wizard.gates_passed.and(method).stored())
    .bind(&wizard.id_hash)
    .bind(wizard.gates_passed.stored())
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passed_gates_and_question_ids_read_back_what_they_stored() {
        let none = PassedGates::from(String::new());
        assert!(none.is_empty());
        assert_eq!(none.stored(), "");
        let two = none.and(MethodKind::Email).and(MethodKind::Questions);
        assert_eq!(two.stored(), "email,questions");
        assert_eq!(PassedGates::from(two.stored()), two);
        assert!(two.contains(MethodKind::Questions) && !two.contains(MethodKind::Phone));

        let asked = QuestionIds::from(vec![4, 1, 9]);
        assert_eq!(asked.stored(), "4,1,9");
        assert_eq!(QuestionIds::from(asked.stored()), asked);
        assert_eq!(QuestionIds::from(String::new()).as_slice(), &[] as &[i64]);
    }
}
