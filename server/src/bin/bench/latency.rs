//! Known and unknown names through the user-ID step one request at a time, in a random
//! interleaved order, so both see the same server, database size and machine noise.

use crate::client::{Api, Ticket};
use crate::stats::Samples;
use rand::seq::SliceRandom;
use std::time::{Duration, Instant};

pub struct Latency {
    pub known: Samples,
    pub unknown: Samples,
}

/// Sends `warmup` tickets unmeasured, then the rest, shuffled together.
pub async fn run(api: &Api, mut tickets: Vec<Ticket>, warmup: usize) -> Result<Latency, String> {
    tickets.shuffle(&mut rand::rng());
    let mut known = Vec::new();
    let mut unknown = Vec::new();
    for (i, ticket) in tickets.into_iter().enumerate() {
        let started = Instant::now();
        let reply = api.call("reset_begin", ticket.body, None).await?;
        let took: Duration = started.elapsed();
        // Every one must reach the same first step, or the two would not be comparable.
        reply.expect_step("reset_begin", "Choose")?;
        if i < warmup {
            continue;
        }
        if ticket.known {
            known.push(took);
        } else {
            unknown.push(took);
        }
    }
    Ok(Latency {
        known: Samples::new(known).ok_or("no known-name samples")?,
        unknown: Samples::new(unknown).ok_or("no unknown-name samples")?,
    })
}
