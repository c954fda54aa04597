//! Latency samples and their order statistics.

use std::time::Duration;

/// At least one measured duration, sorted.
#[derive(Debug, Clone)]
pub struct Samples(Vec<Duration>);

impl Samples {
    pub fn new(mut durations: Vec<Duration>) -> Option<Self> {
        if durations.is_empty() {
            return None;
        }
        durations.sort_unstable();
        Some(Self(durations))
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// The middle value (the mean of the two middle ones for an even count).
    pub fn median(&self) -> Duration {
        let n = self.0.len();
        if n % 2 == 1 {
            self.0[n / 2]
        } else {
            (self.0[n / 2 - 1] + self.0[n / 2]) / 2
        }
    }

    /// The nearest-rank percentile: the smallest sample with at least `p` % at or below it.
    pub fn percentile(&self, p: f64) -> Duration {
        let n = self.0.len();
        let rank = ((p / 100.0) * n as f64).ceil() as usize;
        self.0[rank.clamp(1, n) - 1]
    }
}

/// How much larger `a` is than `b`, in percent of `b`.
pub fn difference_percent(a: Duration, b: Duration) -> f64 {
    (a.as_secs_f64() - b.as_secs_f64()) / b.as_secs_f64().max(f64::EPSILON) * 100.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn micros(values: &[u64]) -> Samples {
        Samples::new(values.iter().map(|v| Duration::from_micros(*v)).collect()).unwrap()
    }

    #[test]
    fn the_median_is_the_middle_of_the_sorted_samples() {
        assert_eq!(micros(&[5, 1, 3]).median(), Duration::from_micros(3));
        assert_eq!(micros(&[4, 1, 3, 2]).median(), Duration::from_nanos(2_500));
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let samples = micros(&(1..=100).collect::<Vec<_>>());
        assert_eq!(samples.percentile(99.0), Duration::from_micros(99));
        assert_eq!(samples.percentile(100.0), Duration::from_micros(100));
        assert_eq!(samples.percentile(0.0), Duration::from_micros(1));
        assert_eq!(micros(&[7]).percentile(99.0), Duration::from_micros(7));
    }

    #[test]
    fn no_samples_are_refused() {
        assert!(Samples::new(Vec::new()).is_none());
    }

    #[test]
    fn differences_are_relative_to_the_second() {
        let d = difference_percent(Duration::from_micros(102), Duration::from_micros(100));
        assert!((d - 2.0).abs() < 1e-9, "{d}");
        assert!(difference_percent(Duration::from_micros(99), Duration::from_micros(100)) < 0.0);
    }
}
