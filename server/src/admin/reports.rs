//! The overview and the reports' figures, each a few GROUP BY queries over the audit log
//! and the registration tables; the client only draws them.

use super::Admin;
use crate::error::OrInternal;
use app::api::admin::reports::{Overview, Reports, ReportsService, REPORT_DAYS};
use app::api::context::RequestMeta;
use app::domain::{AdminSection, AppError, MethodKind};
use sqlx::SqlitePool;

const DAY: i64 = 86_400;

/// The start (UTC midnight) of the first day the reports cover, `REPORT_DAYS` days ending
/// today.
fn first_day(now: i64) -> i64 {
    now - now.rem_euclid(DAY) - (REPORT_DAYS as i64 - 1) * DAY
}

/// Users with no, one, and two or more methods that count towards registration (recovery
/// codes do not), all users, and the accounts locked now.
async fn users(pool: &SqlitePool, now: i64) -> Result<([u64; 3], u64, u64), sqlx::Error> {
    let (none, one, more, all, locked): (i64, i64, i64, i64, i64) = sqlx::query_as(
        "SELECT COALESCE(SUM(CASE WHEN n = 0 THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN n = 1 THEN 1 ELSE 0 END), 0),
                COALESCE(SUM(CASE WHEN n >= 2 THEN 1 ELSE 0 END), 0),
                COUNT(*),
                COALESCE(SUM(locked), 0)
         FROM (SELECT (SELECT COUNT(*) FROM auth_methods a WHERE a.user_id = u.id)
                      + CASE WHEN EXISTS (SELECT 1 FROM security_answers s WHERE s.user_id = u.id)
                        THEN 1 ELSE 0 END AS n,
                      CASE WHEN u.status = 'locked' AND (u.locked_until IS NULL OR u.locked_until > ?)
                        THEN 1 ELSE 0 END AS locked
               FROM users u) AS counted",
    )
    .bind(now)
    .fetch_one(pool)
    .await?;
    let n = |v: i64| v.max(0) as u64;
    Ok(([n(none), n(one), n(more)], n(all), n(locked)))
}

/// Resets, unlocks and blocked attempts in the last 7 and 30 days.
async fn activity(pool: &SqlitePool, now: i64) -> Result<[[u64; 2]; 3], sqlx::Error> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT event, COALESCE(SUM(CASE WHEN at >= ? THEN 1 ELSE 0 END), 0), COUNT(*)
         FROM audit_events
         WHERE event IN ('password_reset', 'account_unlocked', 'blocked') AND at >= ?
         GROUP BY event",
    )
    .bind(now - 7 * DAY)
    .bind(now - 30 * DAY)
    .fetch_all(pool)
    .await?;
    let mut out = [[0; 2]; 3];
    for (event, week, month) in rows {
        let slot = match event.as_str() {
            "password_reset" => 0,
            "account_unlocked" => 1,
            _ => 2,
        };
        out[slot] = [week.max(0) as u64, month.max(0) as u64];
    }
    Ok(out)
}

/// Counts per day of each event of interest, and what it adds to: (resets, unlocks,
/// completed, failed).
async fn per_day(pool: &SqlitePool, first: i64) -> Result<[Vec<u64>; 4], sqlx::Error> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT (at - ?) / 86400 AS day, event, COUNT(*) FROM audit_events
         WHERE event IN ('password_reset', 'account_unlocked', 'gate_failed', 'captcha_failed',
                         'throttled', 'blocked')
           AND at >= ? AND at < ?
         GROUP BY day, event",
    )
    .bind(first)
    .bind(first)
    .bind(first + REPORT_DAYS as i64 * DAY)
    .fetch_all(pool)
    .await?;
    let mut out: [Vec<u64>; 4] = std::array::from_fn(|_| vec![0; REPORT_DAYS]);
    for (day, event, count) in rows {
        let (Ok(day), Ok(count)) = (usize::try_from(day), u64::try_from(count)) else {
            continue;
        };
        if day >= REPORT_DAYS {
            continue;
        }
        let series: &[usize] = match event.as_str() {
            "password_reset" => &[0, 2],
            "account_unlocked" => &[1, 2],
            _ => &[3],
        };
        for &s in series {
            out[s][day] += count;
        }
    }
    Ok(out)
}

/// Gates passed with each method since `first` (the event's detail names the method).
async fn methods(pool: &SqlitePool, first: i64) -> Result<Vec<(MethodKind, u64)>, sqlx::Error> {
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT detail, COUNT(*) FROM audit_events
         WHERE event = 'gate_passed' AND outcome = 'success' AND at >= ?
         GROUP BY detail",
    )
    .bind(first)
    .fetch_all(pool)
    .await?;
    Ok(MethodKind::ALL
        .into_iter()
        .map(|kind| {
            let count = rows
                .iter()
                .find(|(detail, _)| detail == kind.as_str())
                .map_or(0, |(_, count)| (*count).max(0) as u64);
            (kind, count)
        })
        .collect())
}

/// Users with at least one and at least two methods at the end of each day. No history
/// of registrations is kept, so this is derived from when each user's current methods
/// were registered (security questions count once, from the first answer): methods
/// removed since are not seen.
async fn coverage(pool: &SqlitePool, first: i64) -> Result<[Vec<u64>; 2], sqlx::Error> {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT n, CASE WHEN at < ? THEN -1 ELSE (at - ?) / 86400 END AS day, COUNT(*)
         FROM (SELECT at, ROW_NUMBER() OVER (PARTITION BY user_id ORDER BY at) AS n
               FROM (SELECT user_id, registered_at AS at FROM auth_methods
                     UNION ALL
                     SELECT user_id, MIN(registered_at) FROM security_answers GROUP BY user_id
                    ) AS methods
              ) AS ranked
         WHERE n <= 2
         GROUP BY n, day",
    )
    .bind(first)
    .bind(first)
    .fetch_all(pool)
    .await?;
    let mut out: [Vec<u64>; 2] = std::array::from_fn(|_| vec![0; REPORT_DAYS]);
    for (n, day, count) in rows {
        let (Some(series), Ok(count)) =
            (out.get_mut((n - 1).max(0) as usize), u64::try_from(count))
        else {
            continue;
        };
        // Registered before the period: counted from its first day.
        let from = usize::try_from(day).unwrap_or(0);
        for value in series.iter_mut().skip(from) {
            *value += count;
        }
    }
    Ok(out)
}

#[async_trait::async_trait]
impl ReportsService for Admin {
    async fn overview(&self, meta: &RequestMeta) -> Result<Overview, AppError> {
        self.require(meta, AdminSection::Overview).await?;
        let rid = &meta.request_id;
        let now = self.clock.now();
        let policy = self
            .reset
            .rules
            .current(&self.pool)
            .await
            .or_internal(rid)?;
        let (by_methods, users, locked) = users(&self.pool, now).await.or_internal(rid)?;
        let [resets, unlocks, blocked] = activity(&self.pool, now).await.or_internal(rid)?;
        let delivery_problems: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM outbox
             WHERE status = 'failed' OR (status IN ('pending', 'sending') AND last_error IS NOT NULL)",
        )
        .fetch_one(&self.pool)
        .await
        .or_internal(rid)?;
        Ok(Overview {
            scope: policy.scope,
            users,
            by_methods,
            locked,
            resets,
            unlocks,
            blocked,
            delivery_problems: delivery_problems.max(0) as u64,
        })
    }

    async fn reports(&self, meta: &RequestMeta) -> Result<Reports, AppError> {
        self.require(meta, AdminSection::Reports).await?;
        let rid = &meta.request_id;
        let first = first_day(self.clock.now());
        let [resets, unlocks, completed, failed] =
            per_day(&self.pool, first).await.or_internal(rid)?;
        let methods = methods(&self.pool, first).await.or_internal(rid)?;
        let [one_method, two_methods] = coverage(&self.pool, first).await.or_internal(rid)?;
        let days = (0..REPORT_DAYS as i64)
            .map(|i| {
                time::OffsetDateTime::from_unix_timestamp(first + i * DAY)
                    .map(|t| t.date().to_string())
                    .unwrap_or_default()
            })
            .collect();
        Ok(Reports {
            days,
            resets,
            unlocks,
            completed,
            failed,
            methods,
            one_method,
            two_methods,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_period_ends_today_and_starts_at_midnight() {
        let now = 1_800_000_000 + 3_600;
        let first = first_day(now);
        assert_eq!(first % DAY, 0);
        assert!(first + (REPORT_DAYS as i64 - 1) * DAY <= now);
        assert!(now < first + REPORT_DAYS as i64 * DAY);
    }
}
