//! Counting attempts per client address in fixed windows, in memory. Enough for one
//! server process; the counts are not worth persisting across restarts.

use crate::clock::SharedClock;
use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;

pub struct Throttle {
    clock: SharedClock,
    limit: u32,
    window_secs: i64,
    /// Address → (window start, attempts in it).
    counts: Mutex<HashMap<IpAddr, (i64, u32)>>,
}

/// Forget finished windows once the map holds this many addresses.
const SWEEP_AT: usize = 10_000;

impl Throttle {
    pub fn new(clock: SharedClock, limit: u32, window_secs: i64) -> Self {
        Self {
            clock,
            limit,
            window_secs,
            counts: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one attempt; `Err(seconds)` says how long until the address may try again.
    pub fn hit(&self, ip: IpAddr) -> Result<(), u64> {
        let now = self.clock.now();
        let mut counts = self
            .counts
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if counts.len() >= SWEEP_AT {
            let window = self.window_secs;
            counts.retain(|_, (start, _)| now - *start < window);
        }
        let entry = counts.entry(ip).or_insert((now, 0));
        if now - entry.0 >= self.window_secs {
            *entry = (now, 0);
        }
        if entry.1 >= self.limit {
            let wait = entry.0 + self.window_secs - now;
            return Err(wait.max(1) as u64);
        }
        entry.1 += 1;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    #[test]
    fn the_limit_applies_per_address_and_resets_with_the_window() {
        let clock = ManualClock::new(1_000);
        let throttle = Throttle::new(clock.clone(), 3, 60);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        for _ in 0..3 {
            assert!(throttle.hit(a).is_ok());
        }
        assert_eq!(throttle.hit(a), Err(60));
        assert!(throttle.hit(b).is_ok(), "another address has its own count");
        clock.advance(59);
        assert_eq!(throttle.hit(a), Err(1));
        clock.advance(1);
        assert!(throttle.hit(a).is_ok());
    }
}
