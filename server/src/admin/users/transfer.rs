//! CSV export and import. Both use `directory::import`'s columns and checks, so an export
//! imports again unchanged, and the admin page and the command line accept the same files.
//! Cells a spreadsheet would run as a formula are written defused (`csv_cell`).

use super::search::{self, Filter};
use crate::csv_cell;
use crate::directory::import::{import_rows, COLUMNS, GROUP_SEPARATOR};
use crate::error::Result;
use app::api::{ImportRowError, ImportSummary};
use sqlx::SqlitePool;

/// The matching users as CSV, one row each, groups joined by `;` in their cell.
pub async fn export(pool: &SqlitePool, filter: &Filter) -> Result<String> {
    let rows = search::all(pool, filter).await?;
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record(COLUMNS).map_err(std::io::Error::from)?;
    for row in rows {
        let groups = row.groups.join(&GROUP_SEPARATOR.to_string());
        let cells = [
            row.username.as_str(),
            row.display_name.as_str(),
            row.email.as_deref().unwrap_or(""),
            row.phone.as_deref().unwrap_or(""),
            groups.as_str(),
            row.status.as_str(),
        ];
        csv_cell::write_record(&mut out, cells).map_err(std::io::Error::from)?;
    }
    let bytes = out.into_inner().map_err(|e| e.into_error())?;
    // Every cell came from a Rust string.
    Ok(String::from_utf8(bytes).map_err(std::io::Error::other)?)
}

/// Checks (and with `apply`, imports) every row in one transaction. A preview runs the
/// very same import and rolls it back, so it finds duplicates exactly as applying would
/// and writes nothing.
pub async fn import(pool: &SqlitePool, csv: &str, apply: bool, now: i64) -> Result<ImportSummary> {
    let mut tx = pool.begin().await?;
    let report = import_rows(&mut tx, csv.as_bytes(), now).await?;
    if apply {
        tx.commit().await?;
    } else {
        tx.rollback().await?;
    }
    Ok(ImportSummary {
        imported: report.imported as u64,
        errors: report
            .rejected
            .into_iter()
            .map(|r| ImportRowError {
                line: r.line,
                username: r.username,
                problem: r.problem,
            })
            .collect(),
        applied: apply,
    })
}
