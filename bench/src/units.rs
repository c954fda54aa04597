//! Quantities as the report prints them. Sizes use decimal units (1 KB = 1,000 bytes,
//! 1 MB = 1,000,000 bytes): against a "250 KB" or "30 MB" target that is the stricter
//! reading.

use std::fmt;
use std::time::Duration;

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Bytes(pub u64);

impl Bytes {
    pub fn kb(self) -> f64 {
        self.0 as f64 / 1_000.0
    }

    pub fn mb(self) -> f64 {
        self.0 as f64 / 1_000_000.0
    }
}

impl std::ops::Add for Bytes {
    type Output = Bytes;

    fn add(self, other: Bytes) -> Bytes {
        Bytes(self.0 + other.0)
    }
}

/// Events per second over a span of time.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Rate(pub f64);

impl Rate {
    pub fn of(count: usize, elapsed: Duration) -> Self {
        Self(count as f64 / elapsed.as_secs_f64().max(f64::EPSILON))
    }
}

impl fmt::Display for Rate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 >= 100.0 {
            f.write_str(&grouped(self.0.round() as u64))
        } else {
            write!(f, "{:.1}", self.0)
        }
    }
}

/// A duration in milliseconds, three decimals.
pub fn ms(duration: Duration) -> String {
    format!("{:.3} ms", duration.as_secs_f64() * 1_000.0)
}

/// 12345 as "12,345".
pub fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_grouped_by_thousands() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(1_234_567), "1,234,567");
    }

    #[test]
    fn rates_are_per_second_and_printed_by_size() {
        let rate = Rate::of(10_000, Duration::from_secs(2));
        assert_eq!(rate, Rate(5_000.0));
        assert_eq!(rate.to_string(), "5,000");
        assert_eq!(Rate::of(45, Duration::from_secs(2)).to_string(), "22.5");
    }

    #[test]
    fn sizes_are_decimal() {
        assert_eq!(Bytes(250_000).kb(), 250.0);
        assert_eq!(Bytes(30_000_000).mb(), 30.0);
        assert_eq!(Bytes(1) + Bytes(2), Bytes(3));
    }
}
