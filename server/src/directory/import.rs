//! `sspr users import file.csv` and the admin page's import: columns
//! `username,display_name,email,phone,groups[,status]` (groups separated by `;`). Good rows
//! are imported; each bad row is reported with its line and the reason, and changes
//! nothing. The admin page's export writes the same columns, so its files import again,
//! cells it defused against spreadsheet formulas included (`csv_cell`).

use crate::accounts::store::{self, InsertError, NewUser};
use crate::error::Result;
use app::api::{AccountStatus, ImportProblem};
use app::domain::{Email, FieldProblem, PhoneNumber, Username};
use serde::Deserialize;
use sqlx::{SqliteConnection, SqlitePool};
use std::io::Read;

/// The CSV columns, in the order export writes them. `status` is optional on import:
/// `disabled` imports a disabled account; empty, `enabled` and `locked` an enabled one.
pub const COLUMNS: [&str; 6] = [
    "username",
    "display_name",
    "email",
    "phone",
    "groups",
    "status",
];

/// Groups inside the `groups` cell are separated by this.
pub const GROUP_SEPARATOR: char = ';';

/// The longest display name and group name, in characters.
pub const MAX_DISPLAY_NAME_CHARS: usize = 128;
pub const MAX_GROUP_CHARS: usize = 64;

#[derive(Debug, Deserialize)]
struct Row {
    username: String,
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    phone: String,
    #[serde(default)]
    groups: String,
    #[serde(default)]
    status: String,
}

impl Row {
    /// The values our exports defused (`csv_cell`), as they were before.
    fn undefused(self) -> Self {
        let value = |cell: String| crate::csv_cell::undefuse(&cell).to_owned();
        Self {
            username: value(self.username),
            display_name: value(self.display_name),
            email: value(self.email),
            phone: value(self.phone),
            groups: value(self.groups),
            status: value(self.status),
        }
    }
}

/// A row that was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub line: u64,
    pub username: String,
    /// For the command line, in English.
    pub reason: String,
    /// For the admin page, which words it in the admin's language.
    pub problem: ImportProblem,
}

#[derive(Debug, Default)]
pub struct ImportReport {
    pub imported: usize,
    pub rejected: Vec<Rejected>,
}

/// What is wrong with one field: the form field and problem for the admin pages, and the
/// English reason for the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invalid {
    pub field: &'static str,
    pub problem: FieldProblem,
    pub reason: String,
}

impl Invalid {
    fn new(field: &'static str, problem: FieldProblem, reason: impl Into<String>) -> Self {
        Self {
            field,
            problem,
            reason: reason.into(),
        }
    }
}

struct Valid {
    user: NewUser,
    groups: Vec<String>,
    disabled: bool,
}

fn no_control(text: &str) -> bool {
    !text.chars().any(char::is_control)
}

pub fn check_username(raw: &str) -> Result<Username, Invalid> {
    Username::parse(raw)
        .map_err(|p| Invalid::new("username", FieldProblem::Username(p), p.to_string()))
}

/// Trimmed, non-empty, at most 128 characters, one line.
pub fn check_display_name(raw: &str) -> Result<String, Invalid> {
    let name = raw.trim();
    let field = "display_name";
    if name.is_empty() {
        return Err(Invalid::new(
            field,
            FieldProblem::Required,
            "display name is empty",
        ));
    }
    if name.chars().nth(MAX_DISPLAY_NAME_CHARS).is_some() {
        return Err(Invalid::new(
            field,
            FieldProblem::TooLong,
            "display name is longer than 128 characters",
        ));
    }
    if !no_control(name) {
        return Err(Invalid::new(
            field,
            FieldProblem::ControlCharacters,
            "display name has control characters",
        ));
    }
    Ok(name.to_owned())
}

/// The same `Email` type security info uses; an empty cell means no address.
pub fn check_email(raw: &str) -> Result<Option<String>, Invalid> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    Email::parse(raw)
        .map(|email| Some(email.to_string()))
        .map_err(|p| {
            Invalid::new(
                "email",
                FieldProblem::Email(p),
                format!("email `{}` is not a valid address ({p:?})", raw.trim()),
            )
        })
}

/// The same `PhoneNumber` type security info uses: E.164, spaces and dashes ignored.
pub fn check_phone(raw: &str) -> Result<Option<String>, Invalid> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    PhoneNumber::parse(raw)
        .map(|phone| Some(phone.to_string()))
        .map_err(|p| {
            Invalid::new(
                "phone",
                FieldProblem::Phone(p),
                format!(
                    "phone `{}` is not in E.164 form such as +302101234567 ({p:?})",
                    raw.trim()
                ),
            )
        })
}

fn check_groups(raw: &str) -> Result<Vec<String>, Invalid> {
    let groups: Vec<String> = raw
        .split(GROUP_SEPARATOR)
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .map(str::to_owned)
        .collect();
    let reason = "a group name is longer than 64 characters or has control characters";
    if groups
        .iter()
        .any(|g| g.chars().nth(MAX_GROUP_CHARS).is_some())
    {
        return Err(Invalid::new("groups", FieldProblem::TooLong, reason));
    }
    if groups.iter().any(|g| !no_control(g)) {
        return Err(Invalid::new(
            "groups",
            FieldProblem::ControlCharacters,
            reason,
        ));
    }
    Ok(groups)
}

/// Whether the `status` cell asks for a disabled account.
fn check_status(raw: &str) -> Result<bool, Invalid> {
    let name = raw.trim().to_ascii_lowercase();
    if name.is_empty() {
        return Ok(false);
    }
    match AccountStatus::parse(&name) {
        Some(status) => Ok(status == AccountStatus::Disabled),
        None => Err(Invalid::new(
            "status",
            FieldProblem::UnknownChoice,
            format!("status `{}` is not enabled or disabled", raw.trim()),
        )),
    }
}

fn check_row(row: Row) -> Result<Valid, Invalid> {
    let username = check_username(&row.username)?;
    let display_name = check_display_name(&row.display_name)?;
    let email = check_email(&row.email)?;
    let phone = check_phone(&row.phone)?;
    let groups = check_groups(&row.groups)?;
    let disabled = check_status(&row.status)?;
    Ok(Valid {
        user: NewUser {
            username,
            display_name,
            email,
            phone,
            must_change_password: false,
        },
        groups,
        disabled,
    })
}

/// Imports the good rows of `input` on `conn`, which the caller has made a transaction:
/// the command line commits it, the admin page's preview rolls it back, so the preview
/// reports exactly what applying would (duplicates included).
pub async fn import_rows(
    conn: &mut SqliteConnection,
    input: impl Read,
    now: i64,
) -> Result<ImportReport> {
    let mut report = ImportReport::default();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::Headers)
        .from_reader(input);
    for (index, record) in reader.deserialize::<Row>().enumerate() {
        // Line 1 is the header.
        let line = index as u64 + 2;
        let row = match record {
            Ok(row) => row.undefused(),
            Err(e) => {
                report.rejected.push(Rejected {
                    line,
                    username: String::new(),
                    reason: format!("unreadable row: {e}"),
                    problem: ImportProblem::Unreadable,
                });
                continue;
            }
        };
        let username = row.username.clone();
        let valid = match check_row(row) {
            Ok(valid) => valid,
            Err(invalid) => {
                report.rejected.push(Rejected {
                    line,
                    username,
                    reason: invalid.reason,
                    problem: ImportProblem::Field {
                        field: invalid.field.to_owned(),
                        problem: invalid.problem,
                    },
                });
                continue;
            }
        };
        // A savepoint per row: a duplicate undoes only its own row.
        let mut row_tx = sqlx::Connection::begin(&mut *conn).await?;
        let id = match store::insert_user(&mut row_tx, &valid.user, now).await {
            Ok(id) => id,
            Err(InsertError::Duplicate) => {
                row_tx.rollback().await?;
                report.rejected.push(Rejected {
                    line,
                    username,
                    reason: "a user with this username already exists".into(),
                    problem: ImportProblem::Duplicate,
                });
                continue;
            }
            Err(InsertError::Other(e)) => return Err(e),
        };
        for group in &valid.groups {
            let group_id = store::ensure_group(&mut row_tx, group, now).await?;
            store::add_member(&mut row_tx, group_id, id).await?;
        }
        if valid.disabled {
            sqlx::query("UPDATE users SET status = 'disabled' WHERE id = ?")
                .bind(id)
                .execute(&mut *row_tx)
                .await?;
        }
        row_tx.commit().await?;
        report.imported += 1;
    }
    Ok(report)
}

/// `sspr users import`: every good row, in one transaction.
pub async fn import_csv(pool: &SqlitePool, input: impl Read, now: i64) -> Result<ImportReport> {
    let mut tx = pool.begin().await?;
    let report = import_rows(&mut tx, input, now).await?;
    tx.commit().await?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn pool() -> (tempfile::TempDir, SqlitePool) {
        let dir = tempfile::tempdir().unwrap();
        let pool = crate::db::connect(&dir.path().join("t.db")).await.unwrap();
        (dir, pool)
    }

    #[tokio::test]
    async fn good_rows_are_imported_and_bad_rows_are_reported_with_their_line() {
        let (_dir, pool) = pool().await;
        let csv = "username,display_name,email,phone,groups\n\
                   maria,Maria P,maria@example.org,+302101234567,Sales;Athens\n\
                   bad name,Space Person,,,\n\
                   MARIA,Maria Again,,,\n\
                   nomail,No Mail,not-an-email,,\n\
                   nophone,No Phone,,12345,\n\
                   ,Nobody,,,\n\
                   ｎｉｋｏｓ,Nikos,,,Sales\n\
                   nikos,Nikos Again,,,\n";
        let report = import_csv(&pool, csv.as_bytes(), 1_000).await.unwrap();
        assert_eq!(report.imported, 2, "{:?}", report.rejected);
        let lines: Vec<u64> = report.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![3, 4, 5, 6, 7, 9]);
        assert!(report.rejected[0].reason.contains("space"));
        assert!(report.rejected[1].reason.contains("already exists"));
        assert!(report.rejected[2].reason.contains("email"));
        assert!(report.rejected[3].reason.contains("E.164"));
        assert!(report.rejected[4].reason.contains("empty"));
        assert!(
            report.rejected[5].reason.contains("already exists"),
            "fullwidth nikos was imported first"
        );
        let (members,): (i64,) = sqlx::query_as(
            "SELECT COUNT(*) FROM group_members gm JOIN groups g ON g.id = gm.group_id WHERE g.name = 'Sales'",
        )
        .fetch_one(&pool)
        .await
        .unwrap();
        assert_eq!(members, 2);
    }

    #[tokio::test]
    async fn a_file_without_the_expected_columns_rejects_every_row() {
        let (_dir, pool) = pool().await;
        let report = import_csv(&pool, "name\nmaria\n".as_bytes(), 1)
            .await
            .unwrap();
        assert_eq!(report.imported, 0);
        assert_eq!(report.rejected.len(), 1);
        assert!(report.rejected[0].reason.contains("unreadable"));
    }

    #[tokio::test]
    async fn the_optional_status_column_imports_disabled_accounts_and_refuses_unknown_ones() {
        let (_dir, pool) = pool().await;
        let csv = "username,display_name,email,phone,groups,status\n\
                   off,Off Person,,,,disabled\n\
                   on,On Person,,,,Locked\n\
                   odd,Odd Person,,,,asleep\n";
        let report = import_csv(&pool, csv.as_bytes(), 1).await.unwrap();
        assert_eq!(report.imported, 2);
        assert_eq!(
            report.rejected[0].problem,
            ImportProblem::Field {
                field: "status".into(),
                problem: FieldProblem::UnknownChoice
            }
        );
        let statuses: Vec<(String, String)> =
            sqlx::query_as("SELECT username, status FROM users ORDER BY username")
                .fetch_all(&pool)
                .await
                .unwrap();
        assert_eq!(
            statuses,
            [
                ("off".to_owned(), "disabled".to_owned()),
                ("on".to_owned(), "enabled".to_owned())
            ]
        );
    }

    #[tokio::test]
    async fn cells_an_export_defused_import_as_they_were() {
        let (_dir, pool) = pool().await;
        let csv = "username,display_name,email,phone,groups\n\
                   '=cmd|'/Ccalc'!A0,'=HYPERLINK(\"http://x\"),,'+302101234567,'@Ops\n\
                   obrien,'O'Brien,,,\n";
        let report = import_csv(&pool, csv.as_bytes(), 1).await.unwrap();
        assert_eq!(report.imported, 2, "{:?}", report.rejected);
        let users: Vec<(String, String, Option<String>)> =
            sqlx::query_as("SELECT username, display_name, phone FROM users ORDER BY id")
                .fetch_all(&pool)
                .await
                .unwrap();
        assert_eq!(
            users,
            [
                (
                    "=cmd|'/Ccalc'!A0".to_owned(),
                    "=HYPERLINK(\"http://x\")".to_owned(),
                    Some("+302101234567".to_owned())
                ),
                ("obrien".to_owned(), "'O'Brien".to_owned(), None)
            ]
        );
        let (group,): (String,) = sqlx::query_as("SELECT name FROM groups")
            .fetch_one(&pool)
            .await
            .unwrap();
        assert_eq!(group, "@Ops");
    }

    #[test]
    fn phone_numbers_must_be_e164() {
        assert_eq!(
            check_phone("+30 210 123 4567").unwrap().as_deref(),
            Some("+302101234567")
        );
        assert!(check_phone("2101234567").is_err());
        assert!(check_phone("+30abc").is_err());
        assert_eq!(check_phone("").unwrap(), None);
    }
}
