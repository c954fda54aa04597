//! Sign-in against OpenLDAP, known against unknown names, each with a wrong password: a
//! known name is searched and bound (slapd's ppolicy then records the failure), an unknown
//! one is searched and bound as a DN nobody has. Interleaved in a random order, one at a
//! time, each name once, so neither the directory's lockout nor sspr's limits trip.

use crate::client::Api;
use crate::seed::Names;
use crate::stats::{self, Samples};
use rand::seq::SliceRandom;
use std::time::{Duration, Instant};

/// A password nobody has.
const WRONG: &str = "Not-the-password-9x";

pub struct SignInTiming {
    pub known: Samples,
    pub unknown: Samples,
}

impl SignInTiming {
    /// How much slower known names are at the median, in percent of unknown ones.
    pub fn gap(&self) -> f64 {
        stats::difference_percent(self.known.median(), self.unknown.median())
    }
}

/// `count` known and `count` unknown wrong sign-ins; every answer must be the same refusal.
pub async fn measure(api: &Api, names: Names, count: usize) -> Result<SignInTiming, String> {
    let mut people: Vec<(String, bool)> = (0..count)
        .flat_map(|i| [(names.member(i), true), (format!("nobody-{i}"), false)])
        .collect();
    people.shuffle(&mut rand::rng());
    let (mut known, mut unknown) = (Vec::new(), Vec::new());
    for (name, is_known) in people {
        let took = wrong_sign_in(api, &name).await?;
        if is_known {
            known.push(took);
        } else {
            unknown.push(took);
        }
    }
    let samples = |d: Vec<Duration>| Samples::new(d).ok_or("no sign-ins were timed");
    Ok(SignInTiming {
        known: samples(known)?,
        unknown: samples(unknown)?,
    })
}

async fn wrong_sign_in(api: &Api, name: &str) -> Result<Duration, String> {
    let body = serde_json::json!({ "username": name, "password": WRONG }).to_string();
    let started = Instant::now();
    let reply = api.call("sign_in", body, None).await?;
    let took = started.elapsed();
    reply.expect_error("sign_in", 401, "InvalidCredentials")?;
    Ok(took)
}
