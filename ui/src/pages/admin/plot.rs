//! Where a chart's marks go, in whole tenths of an SVG unit. Integers, not `f64`: printing
//! an `f64` pulls Rust's float formatting into the wasm bundle (about 6 KB gzipped), and a
//! tenth of a unit is finer than any screen shows the chart.

use std::fmt;

/// A length or coordinate in tenths of a viewBox unit; shown as `12.3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tenths(pub u64);

impl fmt::Display for Tenths {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0 / 10, self.0 % 10)
    }
}

/// The chart's size in whole units (its viewBox is `0 0 WIDTH HEIGHT`).
pub const WIDTH: u64 = 600;
pub const HEIGHT: u64 = 200;
/// Room for the axis numbers on the left and the first and last label below.
pub const LEFT: u64 = 40;
pub const BOTTOM: u64 = 20;
/// The baseline's height; the largest value reaches 10 units below the top.
pub const BASE: u64 = HEIGHT - BOTTOM;
const HEADROOM: u64 = 10;

/// `num / den` to the nearest integer (`den` > 0).
fn div_round(num: u64, den: u64) -> u64 {
    (num + den / 2) / den
}

/// The plot area for `slots` labels and values up to `top`.
#[derive(Debug, Clone, Copy)]
pub struct Plot {
    slots: u64,
    top: u64,
}

/// One bar: left edge, top edge, width and height.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bar {
    pub x: Tenths,
    pub y: Tenths,
    pub width: Tenths,
    pub height: Tenths,
}

impl Plot {
    pub fn new(slots: usize, top: u64) -> Self {
        Self {
            slots: (slots as u64).max(1),
            top: top.max(1),
        }
    }

    /// The height of a value's mark (values above `top` are clamped to it).
    pub fn y(self, value: u64) -> Tenths {
        let value = value.min(self.top);
        let span = (BASE - HEADROOM) * 10;
        Tenths(BASE * 10 - div_round(value * span, self.top))
    }

    /// A line's point at slot `i`: the middle of the slot.
    pub fn point(self, i: usize, value: u64) -> (Tenths, Tenths) {
        let plot = (WIDTH - LEFT) * 10;
        let x = LEFT * 10 + div_round(plot * (2 * i as u64 + 1), 2 * self.slots);
        (Tenths(x), self.y(value))
    }

    /// Bar `s` of `series` side by side in slot `i`: together they fill the slot's middle
    /// 80 %.
    pub fn bar(self, i: usize, s: usize, series: usize, value: u64) -> Bar {
        let plot = (WIDTH - LEFT) * 10;
        let (i, s, series) = (i as u64, s as u64, (series as u64).max(1));
        // x = LEFT + slot * (i + 0.1) + width * s, over one denominator so it rounds once.
        let den = 10 * self.slots * series;
        let x = LEFT * 10 + div_round(plot * ((10 * i + 1) * series + 8 * s), den);
        let y = self.y(value);
        Bar {
            x: Tenths(x),
            y,
            width: Tenths(div_round(plot * 8, den)),
            height: Tenths(BASE * 10 - y.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tenths_print_with_one_decimal() {
        assert_eq!(Tenths(0).to_string(), "0.0");
        assert_eq!(Tenths(1805).to_string(), "180.5");
    }

    #[test]
    fn marks_land_where_the_float_geometry_put_them() {
        let plot = Plot::new(30, 8);
        // Zero sits on the baseline, the top value 10 units below the top.
        assert_eq!(plot.y(0), Tenths(1800));
        assert_eq!(plot.y(8), Tenths(100));
        // 180 - 3/7 * 170 = 107.14…, as `{:.1}` printed it.
        assert_eq!(Plot::new(30, 7).y(3).to_string(), "107.1");
        // Slot 560/30 wide: the first point at 40 + 9.333.
        assert_eq!(plot.point(0, 0), (Tenths(493), Tenths(1800)));
        let bar = Plot::new(2, 4).bar(1, 1, 2, 2);
        // slot 280: x = 40 + 280 * 1.1 + 112 = 460, width 280 * 0.8 / 2 = 112.
        assert_eq!(
            bar,
            Bar {
                x: Tenths(4600),
                y: Tenths(950),
                width: Tenths(1120),
                height: Tenths(850)
            }
        );
    }

    #[test]
    fn empty_charts_do_not_divide_by_zero() {
        let plot = Plot::new(0, 0);
        assert_eq!(plot.y(0), Tenths(1800));
        assert_eq!(plot.bar(0, 0, 0, 0).height, Tenths(0));
    }
}
