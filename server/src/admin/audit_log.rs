//! The audit log viewer: filters, paging, CSV export and the integrity check.
//!
//! Pages are keyset pages on the id, newest first (`id < before ORDER BY id DESC
//! LIMIT n`), so every page costs the same at a million rows: no OFFSET and no COUNT.
//! Each filter has an index that leads with it and ends with the id (migration 0012), so
//! SQLite walks one index backwards and stops after a page.

use super::Admin;
use crate::accounts::canonical_username;
use crate::audit::{AuditEvent, AuditKind, HeadCheck, Outcome};
use crate::error::OrInternal;
use app::api::admin::audit_log::{
    AuditCheck, AuditEntry, AuditExport, AuditFilter, AuditHeadProblem, AuditLogService, AuditPage,
    AUDIT_EXPORT_CAP, AUDIT_PAGE_SIZE,
};
use app::api::context::RequestMeta;
use app::domain::{AdminSection, AppError, FieldProblem, Username};
use sqlx::{QueryBuilder, Sqlite, SqlitePool};

/// Rows per query while exporting, so a large export is read in bounded pieces.
const EXPORT_PAGE: usize = 2_000;

/// A checked filter: names parsed, the user found, the time range turned into ids.
#[derive(Debug, Clone, Default)]
struct Query {
    user: Option<i64>,
    event: Option<AuditKind>,
    outcome: Option<Outcome>,
    from: Option<i64>,
    to: Option<i64>,
    /// Ids of the first and last event in the time range (see `id_bounds`).
    ids: (Option<i64>, Option<i64>),
    /// The time range holds no event at all.
    empty: bool,
}

impl Query {
    async fn parse(pool: &SqlitePool, filter: AuditFilter, rid: &str) -> Result<Self, AppError> {
        let given =
            |value: Option<String>| value.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let mut query = Query::default();
        if let Some(name) = given(filter.event) {
            match AuditKind::parse(&name) {
                Some(kind) => query.event = Some(kind),
                None => return Err(AppError::invalid("event", FieldProblem::UnknownChoice)),
            }
        }
        if let Some(name) = given(filter.outcome) {
            match Outcome::parse(&name) {
                Some(outcome) => query.outcome = Some(outcome),
                None => return Err(AppError::invalid("outcome", FieldProblem::UnknownChoice)),
            }
        }
        if let (Some(from), Some(to)) = (filter.from, filter.to) {
            if from > to {
                return Err(AppError::invalid("to", FieldProblem::OutOfRange));
            }
        }
        query.from = filter.from;
        query.to = filter.to;
        if let Some(name) = given(filter.user) {
            let name = match Username::parse(&name) {
                Ok(name) => name,
                Err(problem) => {
                    return Err(AppError::invalid("user", FieldProblem::Username(problem)))
                }
            };
            let id: Option<i64> =
                sqlx::query_scalar("SELECT id FROM users WHERE username_canonical = ?")
                    .bind(canonical_username(&name))
                    .fetch_optional(pool)
                    .await
                    .or_internal(rid)?;
            match id {
                Some(id) => query.user = Some(id),
                None => return Err(AppError::invalid("user", FieldProblem::UnknownUser)),
            }
        }
        query.id_bounds(pool).await.or_internal(rid)?;
        Ok(query)
    }

    /// Ids grow with time: the writer stamps each batch with the clock as it inserts it,
    /// in id order. So the events of a time range are an id range, found with one step
    /// into the `at` index at each end; the `at` conditions stay as well, so an event
    /// outside the range never shows even if the clock once went backwards.
    async fn id_bounds(&mut self, pool: &SqlitePool) -> Result<(), sqlx::Error> {
        if let Some(from) = self.from {
            let first: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM audit_events WHERE at >= ? ORDER BY at, id LIMIT 1",
            )
            .bind(from)
            .fetch_optional(pool)
            .await?;
            self.empty |= first.is_none();
            self.ids.0 = first;
        }
        if let Some(to) = self.to {
            let last: Option<i64> = sqlx::query_scalar(
                "SELECT id FROM audit_events WHERE at <= ? ORDER BY at DESC, id DESC LIMIT 1",
            )
            .bind(to)
            .fetch_optional(pool)
            .await?;
            self.empty |= last.is_none();
            self.ids.1 = last;
        }
        Ok(())
    }

    /// Up to `limit` matching events older than `before`, newest first. A user filter
    /// matches the account or the admin: one indexed query each, merged here (an OR would
    /// make SQLite sort every match).
    async fn page(
        &self,
        pool: &SqlitePool,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<AuditEntry>, sqlx::Error> {
        if self.empty {
            return Ok(Vec::new());
        }
        let Some(user) = self.user else {
            return self.fetch(pool, None, before, limit).await;
        };
        let mut rows = self
            .fetch(pool, Some(("e.account_id", user)), before, limit)
            .await?;
        rows.extend(
            self.fetch(pool, Some(("e.actor_id", user)), before, limit)
                .await?,
        );
        rows.sort_by_key(|row| std::cmp::Reverse(row.id));
        rows.dedup_by_key(|row| row.id);
        rows.truncate(limit);
        Ok(rows)
    }

    async fn fetch(
        &self,
        pool: &SqlitePool,
        user: Option<(&'static str, i64)>,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<AuditEntry>, sqlx::Error> {
        let mut sql: QueryBuilder<Sqlite> = QueryBuilder::new(
            "SELECT e.id, e.at, e.event, a.username AS account, b.username AS actor, e.ip, e.outcome, e.detail
             FROM audit_events e
             LEFT JOIN users a ON a.id = e.account_id
             LEFT JOIN users b ON b.id = e.actor_id
             WHERE 1 = 1",
        );
        if let Some((column, id)) = user {
            sql.push(format_args!(" AND {column} = ")).push_bind(id);
        }
        if let Some(event) = self.event {
            sql.push(" AND e.event = ").push_bind(event.as_str());
        }
        if let Some(outcome) = self.outcome {
            sql.push(" AND e.outcome = ").push_bind(outcome.as_str());
        }
        if let Some(from) = self.from {
            sql.push(" AND e.at >= ").push_bind(from);
        }
        if let Some(to) = self.to {
            sql.push(" AND e.at <= ").push_bind(to);
        }
        if let Some(first) = self.ids.0 {
            sql.push(" AND e.id >= ").push_bind(first);
        }
        if let Some(last) = self.ids.1 {
            sql.push(" AND e.id <= ").push_bind(last);
        }
        if let Some(before) = before {
            sql.push(" AND e.id < ").push_bind(before);
        }
        sql.push(" ORDER BY e.id DESC LIMIT ")
            .push_bind(limit as i64);
        let rows: Vec<Row> = sql.build_query_as().fetch_all(pool).await?;
        Ok(rows.into_iter().map(Row::entry).collect())
    }

    /// A short description for the export's audit event.
    fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(user) = self.user {
            parts.push(format!("user #{user}"));
        }
        if let Some(event) = self.event {
            parts.push(format!("event {}", event.as_str()));
        }
        if let Some(outcome) = self.outcome {
            parts.push(format!("outcome {}", outcome.as_str()));
        }
        if let Some(from) = self.from {
            parts.push(format!("from {from}"));
        }
        if let Some(to) = self.to {
            parts.push(format!("to {to}"));
        }
        if parts.is_empty() {
            "no filter".into()
        } else {
            parts.join(", ")
        }
    }
}

#[derive(sqlx::FromRow)]
struct Row {
    id: i64,
    at: i64,
    event: String,
    account: Option<String>,
    actor: Option<String>,
    ip: String,
    outcome: String,
    detail: String,
}

impl Row {
    fn entry(self) -> AuditEntry {
        AuditEntry {
            id: self.id,
            at: self.at,
            event: self.event,
            account: self.account,
            actor: self.actor,
            ip: self.ip,
            outcome: self.outcome,
            detail: self.detail,
        }
    }
}

/// The CSV of `rows`, with a header; fields are quoted where they need it (details and
/// user agents are free text) and defused where a spreadsheet would run them (`csv_cell`).
fn csv_text(rows: &[AuditEntry]) -> Result<String, csv::Error> {
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "id",
        "time_utc",
        "unix_time",
        "event",
        "account",
        "actor",
        "ip",
        "outcome",
        "detail",
    ])?;
    for row in rows {
        let (id, time, at) = (row.id.to_string(), utc(row.at), row.at.to_string());
        let cells = [
            id.as_str(),
            &time,
            &at,
            &row.event,
            row.account.as_deref().unwrap_or(""),
            row.actor.as_deref().unwrap_or(""),
            &row.ip,
            &row.outcome,
            &row.detail,
        ];
        crate::csv_cell::write_record(&mut out, cells)?;
    }
    let bytes = out.into_inner().map_err(|e| e.into_error())?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// RFC 3339 in UTC, or the raw number if it is out of range.
fn utc(at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| at.to_string())
}

#[async_trait::async_trait]
impl AuditLogService for Admin {
    async fn list(
        &self,
        meta: &RequestMeta,
        filter: AuditFilter,
        before: Option<i64>,
    ) -> Result<AuditPage, AppError> {
        self.require(meta, AdminSection::Audit).await?;
        let rid = &meta.request_id;
        let query = Query::parse(&self.pool, filter, rid).await?;
        // One more than a page tells whether an older page exists.
        let mut rows = query
            .page(&self.pool, before, AUDIT_PAGE_SIZE + 1)
            .await
            .or_internal(rid)?;
        let more = rows.len() > AUDIT_PAGE_SIZE;
        rows.truncate(AUDIT_PAGE_SIZE);
        let next_before = more.then(|| rows.last().map(|row| row.id)).flatten();
        Ok(AuditPage { rows, next_before })
    }

    async fn export(
        &self,
        meta: &RequestMeta,
        filter: AuditFilter,
    ) -> Result<AuditExport, AppError> {
        let caller = self.require(meta, AdminSection::Audit).await?;
        let rid = &meta.request_id;
        let query = Query::parse(&self.pool, filter, rid).await?;
        let mut rows: Vec<AuditEntry> = Vec::new();
        let mut before = None;
        let mut capped = false;
        loop {
            let want = (AUDIT_EXPORT_CAP + 1 - rows.len()).min(EXPORT_PAGE);
            let page = query
                .page(&self.pool, before, want)
                .await
                .or_internal(rid)?;
            let full = page.len() == want;
            before = page.last().map(|row| row.id);
            rows.extend(page);
            if rows.len() > AUDIT_EXPORT_CAP {
                rows.truncate(AUDIT_EXPORT_CAP);
                capped = true;
                break;
            }
            if !full {
                break;
            }
        }
        let csv = csv_text(&rows).or_internal(rid)?;
        let count = rows.len() as u64;
        self.record(
            meta,
            AuditEvent::by_admin(
                AuditKind::AuditExported,
                Outcome::Success,
                caller.user.id,
                meta,
            )
            .detail(format!("{count} events; {}", query.describe())),
        )
        .await?;
        Ok(AuditExport {
            csv,
            rows: count,
            capped,
        })
    }

    async fn verify(&self, meta: &RequestMeta) -> Result<AuditCheck, AppError> {
        let caller = self.require(meta, AdminSection::Audit).await?;
        let report = self.audit.verify().await.or_internal(&meta.request_id)?;
        let (outcome, detail) = match (report.first_broken, report.head.describe()) {
            (None, _) => (Outcome::Success, format!("{} events intact", report.rows)),
            (Some(id), None) => (
                Outcome::Failure,
                format!("{} events checked; broken at event {id}", report.rows),
            ),
            (Some(id), Some(why)) => (
                Outcome::Failure,
                format!(
                    "{} events checked; broken at event {id}: {why}",
                    report.rows
                ),
            ),
        };
        self.record(
            meta,
            AuditEvent::by_admin(AuditKind::AuditVerified, outcome, caller.user.id, meta)
                .detail(detail),
        )
        .await?;
        Ok(AuditCheck {
            rows: report.rows,
            first_broken: report.first_broken,
            head: head_problem(report.head),
        })
    }
}

fn head_problem(check: HeadCheck) -> Option<AuditHeadProblem> {
    match check {
        HeadCheck::Matches | HeadCheck::Unsealed => None,
        HeadCheck::RowsMissing(n) => Some(AuditHeadProblem::NewestMissing(n)),
        HeadCheck::Mismatch => Some(AuditHeadProblem::Mismatch),
        HeadCheck::Altered => Some(AuditHeadProblem::Altered),
        HeadCheck::Missing => Some(AuditHeadProblem::Missing),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_quotes_commas_quotes_and_line_breaks() {
        let row = AuditEntry {
            id: 7,
            at: 0,
            event: "user_updated".into(),
            account: Some("ana".into()),
            actor: None,
            ip: "192.0.2.1".into(),
            outcome: "success".into(),
            detail: "said \"hi\", then\nleft".into(),
        };
        let text = csv_text(&[row]).unwrap();
        let mut lines = text.lines();
        assert_eq!(
            lines.next(),
            Some("id,time_utc,unix_time,event,account,actor,ip,outcome,detail")
        );
        assert_eq!(
            text.split_once('\n').unwrap().1,
            "7,1970-01-01T00:00:00Z,0,user_updated,ana,,192.0.2.1,success,\"said \"\"hi\"\", then\nleft\"\n"
        );
    }
}
