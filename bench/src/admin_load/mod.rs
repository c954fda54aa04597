//! The admin dashboard's read paths at size: signed in as the seeded global admin, each
//! query of the user search and of the audit log is sent one at a time (after a few
//! unmeasured ones) and timed. A query whose endpoint or filter the server does not have
//! yet is reported as not available instead of failing the bench.

mod measured;
mod queries;
mod reply;
mod timing;

pub use measured::{worst, Measured, Outcome};

use crate::admin_seed::{self, ADMIN_PASSWORD, ADMIN_USERNAME};
use crate::client::Api;
use crate::progress::progress;
use crate::units::grouped;
use queries::{audit_queries, search_queries};
use serde_json::{json, Value};
use std::time::{Duration, Instant};
use timing::{probe, time_all};

/// The users list's page size when the reply does not say.
const FALLBACK_PAGE_SIZE: u64 = 20;

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
        None => format!("{} rows intact", grouped(rows)),
        Some(id) => format!("BROKEN at id {id} of {}", grouped(rows)),
    };
    Ok((took, verdict))
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

/// Signs in and measures every query against a server started on the seeded database.
pub async fn run(
    api: &Api,
    seeded: admin_seed::Seeded,
    samples: usize,
) -> Result<AdminFigures, String> {
    let cookie = sign_in(api).await?;
    // The page size, for a page in the middle of the directory.
    let page_size = probe(api, &cookie, &queries::everyone())
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
    progress("  verify_audit over the whole log");
    let verify = verify(api, &cookie).await;
    Ok(AdminFigures {
        seeded,
        samples,
        search,
        audit,
        verify,
    })
}
