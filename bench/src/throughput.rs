//! The user-ID step under load: pre-solved `reset_begin` calls, `concurrency` in flight on
//! keep-alive connections, until the tickets run out or the time is up.

use crate::client::{Api, Ticket};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub struct Throughput {
    pub succeeded: usize,
    pub failed: usize,
    /// The first failure's status and body, to say what went wrong.
    pub first_failure: Option<String>,
    pub elapsed: Duration,
}

struct Tally {
    succeeded: usize,
    failed: usize,
    first_failure: Option<String>,
}

pub async fn run(
    api: &Api,
    tickets: Vec<Ticket>,
    concurrency: usize,
    limit: Duration,
) -> Result<Throughput, String> {
    let bodies: Arc<Vec<String>> = Arc::new(tickets.into_iter().map(|t| t.body).collect());
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency.max(1) {
        let api = api.clone();
        let bodies = Arc::clone(&bodies);
        let next = Arc::clone(&next);
        workers.push(tokio::spawn(async move {
            let mut tally = Tally {
                succeeded: 0,
                failed: 0,
                first_failure: None,
            };
            while started.elapsed() < limit {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(body) = bodies.get(i) else { break };
                let reply = api.call("reset_begin", body.clone(), None).await?;
                if reply.status == 200 {
                    tally.succeeded += 1;
                } else {
                    tally.failed += 1;
                    tally
                        .first_failure
                        .get_or_insert_with(|| format!("{} {}", reply.status, reply.text));
                }
            }
            Ok::<_, String>(tally)
        }));
    }
    let mut total = Tally {
        succeeded: 0,
        failed: 0,
        first_failure: None,
    };
    for worker in workers {
        let tally = worker
            .await
            .map_err(|e| format!("a load worker failed: {e}"))??;
        total.succeeded += tally.succeeded;
        total.failed += tally.failed;
        if total.first_failure.is_none() {
            total.first_failure = tally.first_failure;
        }
    }
    Ok(Throughput {
        succeeded: total.succeeded,
        failed: total.failed,
        first_failure: total.first_failure,
        elapsed: started.elapsed(),
    })
}
