//! The admin dashboard's read paths at size: signed in as the seeded global admin, each
//! query of the user search and of the audit log is sent one at a time (after a few
//! unmeasured ones) and timed. A query whose endpoint or filter the server does not have
//! yet is reported as not available instead of failing the bench.

use crate::admin_seed::{self, Sizes, ADMIN_PASSWORD, ADMIN_USERNAME};
use crate::client::Api;
use crate::stats::Samples;
use serde_json::{json, Value};
use std::time::{Duration, Instant};

/// Unmeasured calls of each query before its samples.
const WARMUP: usize = 20;
/// Most time one query's calls may take: a query slow enough to need more is far past any
/// target, and its few samples show that as well as 300 would.
const QUERY_BUDGET: Duration = Duration::from_secs(20);
/// The users list's page size when the reply does not say.
const FALLBACK_PAGE_SIZE: u64 = 20;

/// One query as the dashboard sends it.
pub struct Query {
    pub label: String,
    function: &'static str,
    body: Value,
    /// A string every returned row must hold in some field (or in a list in a field), or
    /// the filter was ignored.
    every_row_has: Option<String>,
}

/// What a query's first reply showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Shape {
    pub rows: usize,
    /// The users list's count of matches (capped by the server), when the reply has one.
    pub total: Option<u64>,
    pub more: bool,
}

pub enum Outcome {
    Measured {
        samples: Samples,
        shape: Shape,
    },
    /// Why there is no figure: the endpoint or filter is missing, or the call failed.
    Unavailable(String),
}

pub struct Measured {
    pub label: String,
    pub outcome: Outcome,
}

impl Measured {
    pub fn p95(&self) -> Option<std::time::Duration> {
        match &self.outcome {
            Outcome::Measured { samples, .. } => Some(samples.percentile(95.0)),
            Outcome::Unavailable(_) => None,
        }
    }
}

pub struct AdminFigures {
    pub seeded: admin_seed::Seeded,
    pub samples: usize,
    pub search: Vec<Measured>,
    pub audit: Vec<Measured>,
    /// "verify integrity" over the whole seeded log: how long it took and what it said,
    /// or why it could not run.
    pub verify: Result<(Duration, String), String>,
}

/// One `verify_audit` call: the time it took and its verdict in words.
async fn verify(api: &Api, cookie: &str) -> Result<(Duration, String), String> {
    let started = Instant::now();
    let reply = api.call("verify_audit", "{}".into(), Some(cookie)).await?;
    let took = started.elapsed();
    match reply.status {
        200 => {}
        404 => return Err("n/a (endpoint missing)".into()),
        status => return Err(format!("n/a (HTTP {status})")),
    }
    let value: Value = serde_json::from_str(&reply.text)
        .map_err(|e| format!("n/a (the reply is not JSON: {e})"))?;
    let rows = value["rows"].as_u64().unwrap_or(0);
    let verdict = match value["first_broken"].as_i64() {
        None => format!("{} rows intact", crate::units::grouped(rows)),
        Some(id) => format!("BROKEN at id {id} of {}", crate::units::grouped(rows)),
    };
    Ok((took, verdict))
}

/// The reply's rows and count, if it is a page.
fn shape(reply: &Value) -> Shape {
    Shape {
        rows: reply["rows"].as_array().map_or(0, Vec::len),
        total: reply["total"].as_u64(),
        more: reply["more"].as_bool().unwrap_or(false),
    }
}

/// Whether every row of the page has a string field, or a string in a list field, equal to
/// `wanted` (and there is a row).
fn every_row_has(reply: &Value, wanted: &str) -> bool {
    let Some(rows) = reply["rows"].as_array() else {
        return false;
    };
    !rows.is_empty()
        && rows.iter().all(|row| {
            row.as_object()
                .is_some_and(|fields| fields.values().any(|v| holds(v, wanted)))
        })
}

fn holds(value: &Value, wanted: &str) -> bool {
    match value {
        Value::String(text) => text == wanted,
        Value::Array(items) => items.iter().any(|item| item.as_str() == Some(wanted)),
        _ => false,
    }
}

/// The user-search queries: a common prefix, a rare name, an email fragment, everyone, a
/// page in the middle of everyone, and the group and status filters.
pub fn search_queries(sizes: Sizes, page_size: u64) -> Vec<Query> {
    let search = |label: &str, body: Value| Query {
        label: label.to_owned(),
        function: "list_users",
        body,
        every_row_has: None,
    };
    let middle = (sizes.users as u64 / 2 / page_size.max(1)).max(1);
    let group = admin_seed::probe_group();
    vec![
        search(
            "common prefix \"mar\"",
            json!({ "search": "mar", "page": 0 }),
        ),
        search(
            &format!("rare name \"{}\"", admin_seed::RARE_SURNAME.to_lowercase()),
            json!({ "search": admin_seed::RARE_SURNAME.to_lowercase(), "page": 0 }),
        ),
        search(
            &format!("email fragment \"@{}\"", admin_seed::PARTNER_DOMAIN),
            json!({ "search": format!("@{}", admin_seed::PARTNER_DOMAIN), "page": 0 }),
        ),
        search("everyone, first page", json!({ "search": "", "page": 0 })),
        search(
            &format!("everyone, page {middle}"),
            json!({ "search": "", "page": middle }),
        ),
        Query {
            every_row_has: Some(group.clone()),
            ..search(
                &format!("group \"{group}\""),
                json!({ "search": "", "page": 0, "group": group }),
            )
        },
        Query {
            every_row_has: Some("disabled".into()),
            ..search(
                "status disabled",
                json!({ "search": "", "page": 0, "status": "disabled" }),
            )
        },
        Query {
            every_row_has: Some("locked".into()),
            ..search(
                "\"mar\", status locked",
                json!({ "search": "mar", "page": 0, "status": "locked" }),
            )
        },
    ]
}

/// The audit-log queries: the newest page, a page half-way back, and the event, user,
/// outcome and time filters.
pub fn audit_queries(sizes: Sizes, now: i64) -> Vec<Query> {
    let month_ago = now - 30 * 86_400;
    let audit = |label: &str, body: Value, every_row_has: Option<String>| Query {
        label: label.to_owned(),
        function: "list_audit",
        body,
        every_row_has,
    };
    let deep = (sizes.audit_rows / 2).max(1);
    let busy = admin_seed::busy_person().username;
    vec![
        audit("newest page", json!({ "filter": {}, "before": null }), None),
        audit(
            &format!("page before id {deep}"),
            json!({ "filter": {}, "before": deep }),
            None,
        ),
        audit(
            "event password_reset",
            json!({ "filter": { "event": "password_reset" }, "before": null }),
            Some("password_reset".into()),
        ),
        audit(
            &format!("user \"{busy}\""),
            json!({ "filter": { "user": busy }, "before": null }),
            Some(busy.clone()),
        ),
        audit(
            &format!("user \"{busy}\", outcome success"),
            json!({ "filter": { "user": busy, "outcome": "success" }, "before": null }),
            Some(busy),
        ),
        audit(
            "failures on one day a month ago",
            json!({ "filter": { "outcome": "failure", "from": month_ago - 86_400, "to": month_ago }, "before": null }),
            Some("failure".into()),
        ),
    ]
}

/// Signs in as the seeded admin and returns the session cookie.
pub async fn sign_in(api: &Api) -> Result<String, String> {
    let body = json!({ "username": ADMIN_USERNAME, "password": ADMIN_PASSWORD }).to_string();
    let reply = api.call("sign_in", body, None).await?;
    if reply.status != 200 {
        return Err(format!(
            "signing in as {ADMIN_USERNAME} answered {}: {}",
            reply.status,
            reply.text.chars().take(300).collect::<String>()
        ));
    }
    reply
        .session
        .ok_or_else(|| format!("signing in as {ADMIN_USERNAME} set no session cookie"))
}

/// One probing call, parsed; `Err` says why the query has no figure.
async fn probe(api: &Api, cookie: &str, query: &Query) -> Result<Value, String> {
    let reply = api
        .call(query.function, query.body.to_string(), Some(cookie))
        .await?;
    match reply.status {
        200 => {}
        404 => return Err("n/a (endpoint missing)".into()),
        status => {
            return Err(format!(
                "n/a (HTTP {status}: {})",
                reply.text.chars().take(120).collect::<String>()
            ))
        }
    }
    let value: Value = serde_json::from_str(&reply.text)
        .map_err(|e| format!("n/a (the reply is not JSON: {e})"))?;
    let ignored = query
        .every_row_has
        .as_deref()
        .is_some_and(|wanted| !every_row_has(&value, wanted));
    if ignored {
        return Err("n/a (filter missing)".into());
    }
    Ok(value)
}

/// Times `samples` calls of the query, after `WARMUP` unmeasured ones, or fewer when
/// they take longer than `QUERY_BUDGET` (a quarter of it at most for the warm-up).
async fn time(api: &Api, cookie: &str, query: &Query, samples: usize) -> Outcome {
    let value = match probe(api, cookie, query).await {
        Ok(value) => value,
        Err(why) => return Outcome::Unavailable(why),
    };
    let body = query.body.to_string();
    let mut took = Vec::with_capacity(samples);
    let budget = Instant::now();
    let mut warm = 0;
    while took.len() < samples.max(1) {
        let spent = budget.elapsed();
        if spent > QUERY_BUDGET && !took.is_empty() {
            break;
        }
        let warming = warm < WARMUP && spent < QUERY_BUDGET / 4;
        let started = Instant::now();
        let reply = match api.call(query.function, body.clone(), Some(cookie)).await {
            Ok(reply) => reply,
            Err(e) => return Outcome::Unavailable(format!("n/a ({e})")),
        };
        let elapsed = started.elapsed();
        if reply.status != 200 {
            return Outcome::Unavailable(format!("n/a (HTTP {} during the samples)", reply.status));
        }
        if warming {
            warm += 1;
        } else {
            took.push(elapsed);
        }
    }
    match Samples::new(took) {
        Some(samples) => Outcome::Measured {
            samples,
            shape: shape(&value),
        },
        None => Outcome::Unavailable("n/a (no samples)".into()),
    }
}

async fn time_all(api: &Api, cookie: &str, queries: Vec<Query>, samples: usize) -> Vec<Measured> {
    let mut out = Vec::with_capacity(queries.len());
    for query in queries {
        crate::progress::progress(&format!("  {} {}", query.function, query.label));
        let outcome = time(api, cookie, &query, samples).await;
        out.push(Measured {
            label: query.label,
            outcome,
        });
    }
    out
}

/// Signs in and measures every query against a server started on the seeded database.
pub async fn run(
    api: &Api,
    seeded: admin_seed::Seeded,
    samples: usize,
) -> Result<AdminFigures, String> {
    let cookie = sign_in(api).await?;
    // The page size, for a page in the middle of the directory.
    let everyone = Query {
        label: "everyone".into(),
        function: "list_users",
        body: json!({ "search": "", "page": 0 }),
        every_row_has: None,
    };
    let page_size = probe(api, &cookie, &everyone)
        .await
        .ok()
        .and_then(|value| value["page_size"].as_u64())
        .unwrap_or(FALLBACK_PAGE_SIZE);
    let search = time_all(
        api,
        &cookie,
        search_queries(seeded.sizes, page_size),
        samples,
    )
    .await;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    let audit = time_all(api, &cookie, audit_queries(seeded.sizes, now), samples).await;
    crate::progress::progress("  verify_audit over the whole log");
    let verify = verify(api, &cookie).await;
    Ok(AdminFigures {
        seeded,
        samples,
        search,
        audit,
        verify,
    })
}

/// The slowest measured query's p95 and its label, if any query was measured.
pub fn worst(measured: &[Measured]) -> Option<(std::time::Duration, &str)> {
    measured
        .iter()
        .filter_map(|m| m.p95().map(|p| (p, m.label.as_str())))
        .max_by_key(|(p, _)| *p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_filter_counts_only_when_every_row_matches() {
        let page = json!({ "rows": [
            { "event": "password_reset", "account": "maria.smith" },
            { "event": "password_reset", "account": null },
        ] });
        assert!(every_row_has(&page, "password_reset"));
        assert!(!every_row_has(&page, "maria.smith"));
        let users = json!({ "rows": [
            { "username": "a", "groups": ["Sales Athens", "Legal Berlin"] },
            { "username": "b", "groups": ["Sales Athens"] },
        ] });
        assert!(every_row_has(&users, "Sales Athens"));
        assert!(!every_row_has(&users, "Legal Berlin"));
        assert!(
            !every_row_has(&json!({ "rows": [] }), "x"),
            "an empty page proves nothing"
        );
        assert!(!every_row_has(&json!({ "other": 1 }), "x"));
    }

    #[test]
    fn the_shape_reads_rows_and_total() {
        let page = json!({ "rows": [{}, {}], "total": 10000, "more": true });
        assert_eq!(
            shape(&page),
            Shape {
                rows: 2,
                total: Some(10_000),
                more: true
            }
        );
        assert_eq!(shape(&json!({ "rows": [] })).total, None);
    }

    #[test]
    fn the_middle_page_and_the_deep_id_follow_the_sizes() {
        let sizes = Sizes {
            users: 100_000,
            audit_rows: 1_000_000,
        };
        let search = search_queries(sizes, 20);
        assert!(search.iter().any(|q| q.body["page"] == 2_500));
        let audit = audit_queries(sizes, 1_800_000_000);
        assert!(audit.iter().any(|q| q.body["before"] == 500_000));
    }

    #[test]
    fn the_worst_query_is_the_slowest_measured_one() {
        let measured = |label: &str, ms: u64| Measured {
            label: label.into(),
            outcome: Outcome::Measured {
                samples: Samples::new(vec![std::time::Duration::from_millis(ms)]).unwrap(),
                shape: Shape {
                    rows: 0,
                    total: None,
                    more: false,
                },
            },
        };
        let all = [
            measured("a", 3),
            Measured {
                label: "b".into(),
                outcome: Outcome::Unavailable("n/a".into()),
            },
            measured("c", 9),
        ];
        assert_eq!(worst(&all).map(|(_, l)| l), Some("c"));
        assert!(worst(&all[1..2]).is_none());
    }
}
