//! `sspr users import file.csv`: columns `username,display_name,email,phone,groups`
//! (groups separated by `;`). Good rows are imported; each bad row is reported with its
//! line and the reason, and changes nothing.

use crate::accounts::store::{self, InsertError, NewUser};
use crate::error::Result;
use app::domain::{Email, PhoneNumber, Username};
use serde::Deserialize;
use sqlx::SqlitePool;
use std::io::Read;

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
}

/// A row that was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    pub line: u64,
    pub username: String,
    pub reason: String,
}

#[derive(Debug, Default)]
pub struct ImportReport {
    pub imported: usize,
    pub rejected: Vec<Rejected>,
}

struct Valid {
    user: NewUser,
    groups: Vec<String>,
}

fn no_control(text: &str) -> bool {
    !text.chars().any(char::is_control)
}

/// The same `Email` type security info uses; an empty cell means no address.
fn check_email(raw: &str) -> Result<Option<String>, String> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    Email::parse(raw)
        .map(|email| Some(email.to_string()))
        .map_err(|p| format!("email `{}` is not a valid address ({p:?})", raw.trim()))
}

/// The same `PhoneNumber` type security info uses: E.164, spaces and dashes ignored.
fn check_phone(raw: &str) -> Result<Option<String>, String> {
    if raw.trim().is_empty() {
        return Ok(None);
    }
    PhoneNumber::parse(raw)
        .map(|phone| Some(phone.to_string()))
        .map_err(|p| {
            format!(
                "phone `{}` is not in E.164 form such as +302101234567 ({p:?})",
                raw.trim()
            )
        })
}

fn check_row(row: Row) -> Result<Valid, String> {
    let username = Username::parse(&row.username).map_err(|p| p.to_string())?;
    let display_name = row.display_name.trim().to_owned();
    if display_name.is_empty() {
        return Err("display name is empty".into());
    }
    if display_name.chars().count() > 128 || !no_control(&display_name) {
        return Err("display name is longer than 128 characters or has control characters".into());
    }
    let email = check_email(&row.email)?;
    let phone = check_phone(&row.phone)?;
    let groups: Vec<String> = row
        .groups
        .split(';')
        .map(str::trim)
        .filter(|g| !g.is_empty())
        .map(str::to_owned)
        .collect();
    if groups
        .iter()
        .any(|g| g.chars().count() > 64 || !no_control(g))
    {
        return Err("a group name is longer than 64 characters or has control characters".into());
    }
    Ok(Valid {
        user: NewUser {
            username,
            display_name,
            email,
            phone,
            must_change_password: false,
        },
        groups,
    })
}

pub async fn import_csv(pool: &SqlitePool, input: impl Read, now: i64) -> Result<ImportReport> {
    let mut report = ImportReport::default();
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::Headers)
        .from_reader(input);
    let mut tx = pool.begin().await?;
    for (index, record) in reader.deserialize::<Row>().enumerate() {
        // Line 1 is the header.
        let line = index as u64 + 2;
        let row = match record {
            Ok(row) => row,
            Err(e) => {
                report.rejected.push(Rejected {
                    line,
                    username: String::new(),
                    reason: format!("unreadable row: {e}"),
                });
                continue;
            }
        };
        let username = row.username.clone();
        let valid = match check_row(row) {
            Ok(valid) => valid,
            Err(reason) => {
                report.rejected.push(Rejected {
                    line,
                    username,
                    reason,
                });
                continue;
            }
        };
        // A savepoint per row: a duplicate undoes only its own row.
        let mut row_tx = sqlx::Connection::begin(&mut *tx).await?;
        let id = match store::insert_user(&mut row_tx, &valid.user, now).await {
            Ok(id) => id,
            Err(InsertError::Duplicate) => {
                row_tx.rollback().await?;
                report.rejected.push(Rejected {
                    line,
                    username,
                    reason: "a user with this username already exists".into(),
                });
                continue;
            }
            Err(InsertError::Other(e)) => return Err(e),
        };
        for group in &valid.groups {
            let group_id = store::ensure_group(&mut row_tx, group, now).await?;
            store::add_member(&mut row_tx, group_id, id).await?;
        }
        row_tx.commit().await?;
        report.imported += 1;
    }
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
