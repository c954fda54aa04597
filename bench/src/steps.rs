//! Known and unknown names through the wizard, one wizard at a time in a random
//! interleaved order, so both see the same server, database size and machine noise.
//! Each wizard walks the same steps and each step is timed on its own: the user ID, a
//! refresh, choosing email (a real account sends a code, a decoy does not), a wrong code
//! (a real account checks it against its code row, a decoy does not), back, and email
//! again. One wrong answer and two codes a wizard, and each name walks one wizard, so
//! the per-name limits never trip.

use crate::client::{Api, Reply, Ticket};
use crate::report::Target;
use crate::stats::{self, Samples};
use crate::units::ms;
use rand::seq::SliceRandom;
use std::fmt;
use std::time::{Duration, Instant};

/// A wrong code of the right shape; a real code equals it once in 10^8 wizards.
const WRONG_CODE: &str = "00000000";

/// One timed call of the walk, in the order they are made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Begin,
    State,
    Choose,
    WrongCode,
    Back,
    ChooseAgain,
}

/// What a step must answer, for known and unknown names alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// A 200 showing this wizard step.
    Step(&'static str),
    /// This status with this error.
    Error(u16, &'static str),
}

impl Step {
    pub const ALL: [Step; 6] = [
        Step::Begin,
        Step::State,
        Step::Choose,
        Step::WrongCode,
        Step::Back,
        Step::ChooseAgain,
    ];

    /// The server function called.
    pub fn function(self) -> &'static str {
        match self {
            Step::Begin => "reset_begin",
            Step::State => "reset_state",
            Step::Choose | Step::ChooseAgain => "reset_choose",
            Step::WrongCode => "reset_verify",
            Step::Back => "reset_back",
        }
    }

    /// How the step reads in the tables.
    pub fn label(self) -> &'static str {
        match self {
            Step::Begin => "reset_begin (user ID)",
            Step::State => "reset_state",
            Step::Choose => "reset_choose email",
            Step::WrongCode => "reset_verify wrong code",
            Step::Back => "reset_back",
            Step::ChooseAgain => "reset_choose email again",
        }
    }

    /// The JSON body after the first step: exactly the declared arguments, since bodies
    /// with unknown fields are refused.
    fn body(self) -> String {
        match self {
            Step::Begin | Step::State | Step::Back => "{}".into(),
            Step::Choose | Step::ChooseAgain => r#"{"method":"email","language":"en"}"#.into(),
            Step::WrongCode => {
                serde_json::json!({ "answer": { "code": WRONG_CODE, "answers": [] } }).to_string()
            }
        }
    }

    fn expect(self) -> Expect {
        match self {
            // The refresh comes straight after the user ID, so it shows the choice again.
            Step::Begin | Step::State | Step::Back => Expect::Step("Choose"),
            Step::Choose | Step::ChooseAgain => Expect::Step("Prove"),
            Step::WrongCode => Expect::Error(401, "CodeIncorrect"),
        }
    }

    fn check(self, reply: &Reply) -> Result<(), String> {
        match self.expect() {
            Expect::Step(step) => reply.expect_step(self.function(), step),
            Expect::Error(status, error) => reply.expect_error(self.function(), status, error),
        }
    }
}

/// One step's samples for each side.
pub struct Timed {
    pub step: Step,
    pub known: Samples,
    pub unknown: Samples,
}

impl Timed {
    /// How much slower known names are at the median, in percent of unknown ones.
    pub fn gap(&self) -> f64 {
        stats::difference_percent(self.known.median(), self.unknown.median())
    }
}

/// Every step's samples, in walking order.
pub struct Walks {
    pub steps: Vec<Timed>,
}

impl Walks {
    /// The table of medians, p99s and the gap against `target`, one row a step.
    pub fn table<'a>(&'a self, target: &'a Target) -> Table<'a> {
        Table {
            walks: self,
            target,
        }
    }
}

/// Walks `warmup` wizards unmeasured, then the rest, shuffled together.
pub async fn run(api: &Api, mut tickets: Vec<Ticket>, warmup: usize) -> Result<Walks, String> {
    tickets.shuffle(&mut rand::rng());
    let mut known: Vec<Vec<Duration>> = vec![Vec::new(); Step::ALL.len()];
    let mut unknown = known.clone();
    for (i, ticket) in tickets.into_iter().enumerate() {
        let side = if ticket.known {
            &mut known
        } else {
            &mut unknown
        };
        let took = walk(api, ticket).await?;
        if i >= warmup {
            for (samples, took) in side.iter_mut().zip(took) {
                samples.push(took);
            }
        }
    }
    let steps = Step::ALL
        .into_iter()
        .zip(known.into_iter().zip(unknown))
        .map(|(step, (known, unknown))| {
            Ok(Timed {
                step,
                known: Samples::new(known).ok_or("no known-name wizards were timed")?,
                unknown: Samples::new(unknown).ok_or("no unknown-name wizards were timed")?,
            })
        })
        .collect::<Result<_, String>>()?;
    Ok(Walks { steps })
}

/// Waits a random fraction of a millisecond before a call. One call at a time, each sent
/// as the last answer arrives, would start every request at the same phase of the
/// server's millisecond timer, so the floor's wake-up lands on the same tick boundary
/// each time: answers then cluster at two values a tick apart and the medians jump
/// between them. A thread sleep is precise to microseconds, unlike an async timer.
fn desynchronise() {
    use rand::Rng;
    let micros = rand::rng().random_range(0..1_000);
    std::thread::sleep(Duration::from_micros(micros));
}

/// One wizard, every step checked: both sides must answer alike, or they would not be
/// comparable (and a difference in what they answer is a leak of its own).
async fn walk(api: &Api, ticket: Ticket) -> Result<[Duration; 6], String> {
    let mut took = [Duration::ZERO; 6];
    desynchronise();
    let started = Instant::now();
    let begun = api.call(Step::Begin.function(), ticket.body, None).await?;
    took[0] = started.elapsed();
    let side = if ticket.known {
        "a known"
    } else {
        "an unknown"
    };
    let failed = |e: String| format!("{e} (for {side} name)");
    Step::Begin.check(&begun).map_err(failed)?;
    let cookie = begun
        .cookie
        .ok_or("reset_begin set no wizard cookie (sspr_reset)")?;
    for (slot, step) in took.iter_mut().zip(Step::ALL).skip(1) {
        desynchronise();
        let started = Instant::now();
        let reply = api
            .call(step.function(), step.body(), Some(&cookie))
            .await?;
        *slot = started.elapsed();
        step.check(&reply).map_err(failed)?;
    }
    Ok(took)
}

pub struct Table<'a> {
    walks: &'a Walks,
    target: &'a Target,
}

impl fmt::Display for Table<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let width = Step::ALL
            .map(|s| s.label().len())
            .into_iter()
            .max()
            .unwrap_or(0);
        writeln!(
            f,
            "  {:<width$}  {:>10}  {:>10}  {:>9}  {:>6}  {:>10}  {:>10}",
            "step", "known", "unknown", "median", "", "known", "unknown"
        )?;
        writeln!(
            f,
            "  {:<width$}  {:>10}  {:>10}  {:>9}  {:>6}  {:>10}  {:>10}",
            "", "median", "median", "gap", "2 %", "p99", "p99"
        )?;
        for timed in &self.walks.steps {
            let gap = timed.gap();
            let verdict = self.target.verdict(gap).to_string();
            writeln!(
                f,
                "  {:<width$}  {:>10}  {:>10}  {:>9}  {:>6}  {:>10}  {:>10}",
                timed.step.label(),
                ms(timed.known.median()),
                ms(timed.unknown.median()),
                format!("{gap:+.2} %"),
                verdict,
                ms(timed.known.percentile(99.0)),
                ms(timed.unknown.percentile(99.0)),
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(status: u16, text: &str) -> Reply {
        Reply {
            status,
            cookie: None,
            session: None,
            text: text.into(),
        }
    }

    #[test]
    fn the_walk_chooses_email_twice_and_answers_wrong_once() {
        let functions = Step::ALL.map(Step::function);
        assert_eq!(
            functions,
            [
                "reset_begin",
                "reset_state",
                "reset_choose",
                "reset_verify",
                "reset_back",
                "reset_choose"
            ]
        );
        // Each wizard stays well inside the per-wizard caps (5 codes, 5 wrong answers).
        assert_eq!(
            Step::ALL.iter().filter(|s| **s == Step::WrongCode).count(),
            1
        );
        let body: serde_json::Value = serde_json::from_str(&Step::WrongCode.body()).unwrap();
        assert_eq!(body["answer"]["code"], WRONG_CODE);
        assert_eq!(Step::State.body(), "{}");
    }

    #[test]
    fn an_unexpected_answer_fails_the_step() {
        let prove = r#"{"step":{"Prove":{"number":1}}}"#;
        assert!(Step::Choose.check(&reply(200, prove)).is_ok());
        assert!(Step::Back.check(&reply(200, prove)).is_err());
        let choose = r#"{"step":{"Choose":{"number":1,"methods":[]}}}"#;
        assert!(Step::State.check(&reply(200, choose)).is_ok());
        assert!(Step::State.check(&reply(200, prove)).is_err());
        let wrong = r#"{"CodeIncorrect":{"attempts_left":4}}"#;
        assert!(Step::WrongCode.check(&reply(401, wrong)).is_ok());
        let blocked = r#"{"TooManyCodes":{"retry_after_secs":60}}"#;
        assert!(Step::ChooseAgain.check(&reply(429, blocked)).is_err());
        assert!(Step::WrongCode.check(&reply(429, blocked)).is_err());
        assert!(Step::WrongCode.check(&reply(200, prove)).is_err());
    }

    #[test]
    fn each_step_passes_or_misses_on_its_own_gap_either_way() {
        let samples = |micros: u64| Samples::new(vec![Duration::from_micros(micros)]).unwrap();
        let timed = |step, known, unknown| Timed {
            step,
            known: samples(known),
            unknown: samples(unknown),
        };
        let walks = Walks {
            steps: vec![
                timed(Step::Begin, 101, 100),
                timed(Step::Choose, 97, 100),
                timed(Step::Back, 102, 100),
            ],
        };
        let text = walks.table(&Target::within(2.0, "within 2 %")).to_string();
        let verdicts: Vec<&str> = text
            .lines()
            .skip(2)
            .map(|l| l.split_whitespace().nth_back(4).unwrap())
            .collect();
        assert_eq!(verdicts, ["PASS", "MISS", "PASS"], "{text}");
    }
}
