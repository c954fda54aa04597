//! Account lockout after repeated failed sign-ins.

/// After `threshold` failed sign-ins in a row the account is locked for `duration_secs`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Lockout {
    pub threshold: u32,
    pub duration_secs: i64,
}

impl Lockout {
    /// When a failure that brings the count to `failures` should lock the account, the
    /// time the lock ends.
    pub fn lock_until(&self, failures: u32, now: i64) -> Option<i64> {
        (failures >= self.threshold).then_some(now + self.duration_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tenth_failure_locks_for_fifteen_minutes() {
        let lockout = Lockout {
            threshold: 10,
            duration_secs: 900,
        };
        assert_eq!(lockout.lock_until(9, 1_000), None);
        assert_eq!(lockout.lock_until(10, 1_000), Some(1_900));
    }
}
