//! The table `make bench` prints: each figure, what was measured, the charter's target and
//! whether it was met. Figures without a target are shown for information.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Bound {
    AtLeast,
    Below,
    AtMost,
    /// The absolute value at most the limit.
    Within,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    bound: Bound,
    limit: f64,
    text: String,
}

impl Target {
    pub fn at_least(limit: f64, text: impl Into<String>) -> Self {
        Self {
            bound: Bound::AtLeast,
            limit,
            text: text.into(),
        }
    }

    pub fn below(limit: f64, text: impl Into<String>) -> Self {
        Self {
            bound: Bound::Below,
            limit,
            text: text.into(),
        }
    }

    pub fn at_most(limit: f64, text: impl Into<String>) -> Self {
        Self {
            bound: Bound::AtMost,
            limit,
            text: text.into(),
        }
    }

    pub fn within(limit: f64, text: impl Into<String>) -> Self {
        Self {
            bound: Bound::Within,
            limit,
            text: text.into(),
        }
    }

    /// Pass or miss, for a figure shown outside the report too.
    pub fn verdict(&self, value: f64) -> Verdict {
        if self.met_by(value) {
            Verdict::Pass
        } else {
            Verdict::Miss
        }
    }

    fn met_by(&self, value: f64) -> bool {
        match self.bound {
            Bound::AtLeast => value >= self.limit,
            Bound::Below => value < self.limit,
            Bound::AtMost => value <= self.limit,
            Bound::Within => value.abs() <= self.limit,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Pass,
    Miss,
    Shown,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Pass => "PASS",
            Self::Miss => "MISS",
            Self::Shown => "-",
        })
    }
}

struct Row {
    figure: String,
    measured: String,
    target: String,
    verdict: Verdict,
}

#[derive(Default)]
pub struct Report {
    rows: Vec<Row>,
}

impl Report {
    /// A figure with a target: `value` is compared, `measured` is printed.
    pub fn checked(
        &mut self,
        figure: impl Into<String>,
        measured: impl Into<String>,
        value: f64,
        target: Target,
    ) -> Verdict {
        let verdict = target.verdict(value);
        self.rows.push(Row {
            figure: figure.into(),
            measured: measured.into(),
            target: target.text,
            verdict,
        });
        verdict
    }

    /// A figure shown for information.
    pub fn shown(&mut self, figure: impl Into<String>, measured: impl Into<String>) {
        self.rows.push(Row {
            figure: figure.into(),
            measured: measured.into(),
            target: String::new(),
            verdict: Verdict::Shown,
        });
    }

    pub fn misses(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.verdict == Verdict::Miss)
            .count()
    }

    pub fn checks(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.verdict != Verdict::Shown)
            .count()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let header = ["Figure", "Measured", "Target", "Result"];
        let cells: Vec<[String; 4]> = self
            .rows
            .iter()
            .map(|r| {
                [
                    r.figure.clone(),
                    r.measured.clone(),
                    r.target.clone(),
                    r.verdict.to_string(),
                ]
            })
            .collect();
        let mut widths = header.map(|h| h.chars().count());
        for row in &cells {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.chars().count());
            }
        }
        let line = |f: &mut fmt::Formatter<'_>, row: [&str; 4]| -> fmt::Result {
            for (i, (cell, width)) in row.iter().zip(widths).enumerate() {
                let pad = width - cell.chars().count();
                // Numbers read best right-aligned; the last column needs no padding.
                match i {
                    1 => write!(f, "{}{cell}  ", " ".repeat(pad))?,
                    3 => write!(f, "{cell}")?,
                    _ => write!(f, "{cell}{}  ", " ".repeat(pad))?,
                }
            }
            writeln!(f)
        };
        line(f, header)?;
        let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
        line(f, [&rule[0], &rule[1], &rule[2], &rule[3]])?;
        for row in &cells {
            line(f, [&row[0], &row[1], &row[2], &row[3]])?;
        }
        Ok(())
    }
}

/// The table, with how many targets were met and the units it uses.
pub fn print_report(report: &Report) {
    println!();
    print!("{report}");
    println!();
    println!(
        "{} of {} targets met. Sizes in decimal units (1 KB = 1,000 bytes, 1 MB = 1,000,000 bytes).",
        report.checks() - report.misses(),
        report.checks()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_decide_pass_or_miss() {
        let mut report = Report::default();
        assert_eq!(
            report.checked(
                "rate",
                "6,000",
                6_000.0,
                Target::at_least(5_000.0, ">= 5,000")
            ),
            Verdict::Pass
        );
        assert_eq!(
            report.checked("rss", "30.0 MB", 30.0, Target::below(30.0, "< 30 MB")),
            Verdict::Miss
        );
        assert_eq!(
            report.checked("diff", "-1.9 %", -1.9, Target::within(2.0, "within 2 %")),
            Verdict::Pass
        );
        assert_eq!(
            report.checked("diff", "+2.1 %", 2.1, Target::within(2.0, "within 2 %")),
            Verdict::Miss
        );
        assert_eq!(
            report.checked("tti", "300 ms", 300.0, Target::at_most(300.0, "<= 300 ms")),
            Verdict::Pass
        );
        report.shown("peak", "40 MB");
        assert_eq!(report.misses(), 2);
        assert_eq!(report.checks(), 5);
    }

    #[test]
    fn the_table_lines_up_and_says_pass_or_miss() {
        let mut report = Report::default();
        report.checked("a", "1", 1.0, Target::at_least(0.0, ">= 0"));
        report.shown("longer figure", "12,345 req/s");
        let text = report.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 4);
        assert!(lines[2].ends_with("PASS"), "{text}");
        assert!(lines[3].ends_with('-'), "{text}");
        // The measured column is right-aligned: both values end at the same column.
        let end = |line: &str, value: &str| line.find(value).unwrap() + value.len();
        assert_eq!(end(lines[2], "1  "), end(lines[3], "12,345 req/s  "));
    }
}
