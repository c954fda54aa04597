//! Challenges already used, kept until they expire so none is accepted twice.
//!
//! Ids are grouped into buckets by expiry slot. A challenge's expiry is in its signed
//! claims, so its bucket is known; a bucket whose slot has passed holds only expired
//! challenges (which the check refuses before asking here) and is dropped whole. Pruning is
//! therefore a pop of the oldest bucket now and then, never a scan, and the memory goes
//! back when the bucket goes.
//!
//! Per process: several servers behind a balancer would each accept a challenge once, so
//! they would need a shared store (or sticky sessions) instead.

use super::problem::CaptchaProblem;
use super::token::ChallengeId;
use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;

/// Width of a bucket. With the wizard's 5-minute challenges about six buckets are alive.
const SLOT_SECS: i64 = 60;

pub(super) struct SpentSet {
    limit: usize,
    buckets: Mutex<Buckets>,
}

#[derive(Default)]
struct Buckets {
    by_slot: BTreeMap<i64, HashSet<ChallengeId>>,
    len: usize,
}

impl SpentSet {
    pub fn new(limit: usize) -> Self {
        Self {
            limit,
            buckets: Mutex::new(Buckets::default()),
        }
    }

    /// Marks `id` spent until `expires_at`. Refuses an id seen before, and a new one when
    /// the set is full: refusing a solved challenge is safer than forgetting spent ones.
    pub fn spend(&self, id: ChallengeId, expires_at: i64, now: i64) -> Result<(), CaptchaProblem> {
        let mut guard = self
            .buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let buckets = &mut *guard;
        buckets.prune(now);
        let slot = expires_at.div_euclid(SLOT_SECS);
        if buckets.len >= self.limit {
            let seen = buckets
                .by_slot
                .get(&slot)
                .is_some_and(|ids| ids.contains(&id));
            return Err(if seen {
                CaptchaProblem::Replayed
            } else {
                CaptchaProblem::Overloaded
            });
        }
        if !buckets.by_slot.entry(slot).or_default().insert(id) {
            return Err(CaptchaProblem::Replayed);
        }
        buckets.len += 1;
        Ok(())
    }

    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.buckets
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .len
    }
}

impl Buckets {
    /// Drops every bucket whose slot has ended: all its challenges have expired.
    fn prune(&mut self, now: i64) {
        while let Some(oldest) = self.by_slot.first_entry() {
            let slot_end = oldest.key().saturating_add(1).saturating_mul(SLOT_SECS);
            if slot_end > now {
                break;
            }
            self.len -= oldest.remove().len();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_refused_until_its_bucket_has_passed() {
        let set = SpentSet::new(10);
        assert_eq!(set.spend([1; 16], 1_000, 700), Ok(()));
        assert_eq!(
            set.spend([1; 16], 1_000, 900),
            Err(CaptchaProblem::Replayed)
        );
        assert_eq!(set.spend([2; 16], 1_000, 900), Ok(()));
        assert_eq!(set.len(), 2);
        // 1_000 lies in the slot [960, 1020): the ids are kept at least until expiry and
        // are forgotten once the slot is over.
        set.spend([3; 16], 1_100, 1_019).unwrap();
        assert_eq!(set.len(), 3);
        set.spend([4; 16], 1_100, 1_020).unwrap();
        assert_eq!(set.len(), 2, "the expired bucket was dropped");
    }

    #[test]
    fn a_full_set_refuses_new_ids_but_still_names_replays() {
        let set = SpentSet::new(2);
        set.spend([1; 16], 1_000, 0).unwrap();
        set.spend([2; 16], 1_000, 0).unwrap();
        assert_eq!(
            set.spend([3; 16], 1_000, 0),
            Err(CaptchaProblem::Overloaded)
        );
        assert_eq!(set.spend([1; 16], 1_000, 0), Err(CaptchaProblem::Replayed));
        assert_eq!(set.len(), 2);
        // Room comes back when the challenges expire.
        assert_eq!(set.spend([3; 16], 2_000, 1_020), Ok(()));
        assert_eq!(set.len(), 1);
    }
}
