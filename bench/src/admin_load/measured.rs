//! Each query's outcome: its timed samples and reply shape, or why it has no figure.

use super::reply::Shape;
use crate::stats::Samples;

pub enum Outcome {
    Measured {
        samples: Samples,
        shape: Shape,
    },
    /// Why there is no figure: the endpoint or filter is missing, or the call failed.
    Unavailable(String),
}

pub struct Measured {
    pub label: String,
    pub outcome: Outcome,
}

impl Measured {
    pub fn p95(&self) -> Option<std::time::Duration> {
        match &self.outcome {
            Outcome::Measured { samples, .. } => Some(samples.percentile(95.0)),
            Outcome::Unavailable(_) => None,
        }
    }
}

/// The slowest measured query's p95 and its label, if any query was measured.
pub fn worst(measured: &[Measured]) -> Option<(std::time::Duration, &str)> {
    measured
        .iter()
        .filter_map(|m| m.p95().map(|p| (p, m.label.as_str())))
        .max_by_key(|(p, _)| *p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worst_query_is_the_slowest_measured_one() {
        let measured = |label: &str, ms: u64| Measured {
            label: label.into(),
            outcome: Outcome::Measured {
                samples: Samples::new(vec![std::time::Duration::from_millis(ms)]).unwrap(),
                shape: Shape {
                    rows: 0,
                    total: None,
                    more: false,
                },
            },
        };
        let all = [
            measured("a", 3),
            Measured {
                label: "b".into(),
                outcome: Outcome::Unavailable("n/a".into()),
            },
            measured("c", 9),
        ];
        assert_eq!(worst(&all).map(|(_, l)| l), Some("c"));
        assert!(worst(&all[1..2]).is_none());
    }
}
