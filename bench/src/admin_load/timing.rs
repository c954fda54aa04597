//! Each query timed one call at a time, after a probing call that shows the server has
//! its endpoint and filter.

use super::measured::{Measured, Outcome};
use super::queries::Query;
use super::reply::{every_row_has, shape};
use crate::client::Api;
use crate::progress::progress;
use crate::stats::Samples;
use serde_json::Value;
use std::time::{Duration, Instant};

/// Unmeasured calls of each query before its samples.
const WARMUP: usize = 20;
/// Most time one query's calls may take: a query slow enough to need more is far past any
/// target, and its few samples show that as well as 300 would.
const QUERY_BUDGET: Duration = Duration::from_secs(20);

/// One probing call, parsed; `Err` says why the query has no figure.
pub async fn probe(api: &Api, cookie: &str, query: &Query) -> Result<Value, String> {
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

pub async fn time_all(
    api: &Api,
    cookie: &str,
    queries: Vec<Query>,
    samples: usize,
) -> Vec<Measured> {
    let mut out = Vec::with_capacity(queries.len());
    for query in queries {
        progress(&format!("  {} {}", query.function, query.label));
        let outcome = time(api, cookie, &query, samples).await;
        out.push(Measured {
            label: query.label,
            outcome,
        });
    }
    out
}
