//! Whole resets against bare argon2id hashes in several rounds, each round hashing half
//! its share just before its resets and half just after, so a change in what else the
//! machine does weighs on both figures alike, and each round's ratio shows how steady the
//! figure is. The median ratio is the one judged.

use crate::hashing::HashRun;
use crate::resets::Resets;
use crate::units::Rate;
use std::time::Duration;

/// One round: its resets and the bare hashes around them.
pub struct Round {
    pub resets: Resets,
    pub hashes: HashRun,
    /// CPU time of the server and of this load generator during the resets: a reset
    /// costs the server one hash and what it spends besides, and the generator's share of
    /// the same cores is not there for the server.
    pub cpu: (Duration, Duration),
}

impl Round {
    pub fn reset_rate(&self) -> Rate {
        Rate::of(self.resets.completed, self.resets.elapsed)
    }

    pub fn hash_rate(&self) -> Rate {
        Rate::of(self.hashes.hashes, self.hashes.elapsed)
    }

    /// CPU per completed reset: (the server's, this generator's).
    pub fn cpu_per_reset(&self) -> (Duration, Duration) {
        let n = u32::try_from(self.resets.completed.max(1)).unwrap_or(u32::MAX);
        (self.cpu.0 / n, self.cpu.1 / n)
    }

    /// Completed resets per second over bare hashes per second.
    pub fn ratio(&self) -> f64 {
        self.reset_rate().0 / self.hash_rate().0.max(f64::EPSILON)
    }
}

/// The middle ratio of the rounds (the mean of the two middle ones for an even count).
pub fn median_ratio(rounds: &[Round]) -> f64 {
    let mut ratios: Vec<f64> = rounds.iter().map(Round::ratio).collect();
    ratios.sort_by(f64::total_cmp);
    match ratios.len() {
        0 => 0.0,
        n if n % 2 == 1 => ratios[n / 2],
        n => (ratios[n / 2 - 1] + ratios[n / 2]) / 2.0,
    }
}

/// `items` cut into `rounds` runs of nearly equal length, in order.
pub fn split<T: Clone>(items: &[T], rounds: usize) -> Vec<Vec<T>> {
    let rounds = rounds.clamp(1, items.len().max(1));
    (0..rounds)
        .map(|r| items[r * items.len() / rounds..(r + 1) * items.len() / rounds].to_vec())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round(resets: usize, hashes: usize) -> Round {
        let second = Duration::from_secs(1);
        Round {
            resets: Resets {
                completed: resets,
                elapsed: second,
            },
            hashes: HashRun {
                hashes,
                threads: 2,
                elapsed: second,
            },
            cpu: (second, second),
        }
    }

    #[test]
    fn the_median_ratio_is_the_middle_rounds() {
        let rounds = [round(90, 100), round(50, 100), round(99, 100)];
        assert!((median_ratio(&rounds) - 0.90).abs() < 1e-9);
        let even = [round(80, 100), round(90, 100)];
        assert!((median_ratio(&even) - 0.85).abs() < 1e-9);
    }

    #[test]
    fn splitting_keeps_every_item_once_in_order() {
        let parts = split(&(0..11).collect::<Vec<_>>(), 5);
        assert_eq!(parts.len(), 5);
        assert_eq!(parts.concat(), (0..11).collect::<Vec<_>>());
        assert!(parts.iter().all(|p| p.len() == 2 || p.len() == 3));
        assert_eq!(split(&[1, 2], 5).len(), 2);
    }
}
