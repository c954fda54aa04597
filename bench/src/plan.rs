//! Which names each phase uses, and the server limits that makes possible: every name
//! starts at most the daily limit of wizards, and no phase sees another's.

use crate::args::Args;
use crate::process::Launch;
use crate::seed::Names;
use std::path::Path;

/// Low, because checking a solution costs the same at any difficulty and the bench solves
/// every challenge itself (before the timed phases, except in whole resets).
pub const CAPTCHA_DIFFICULTY: u8 = 4;
/// The most the configuration allows; each name is started at most this often a day.
pub const MAX_RESETS_PER_DAY: usize = 50;
/// The most the configuration allows; all load comes from 127.0.0.1.
pub const IP_LIMIT: u32 = 1_000_000;
/// Unmeasured user-ID steps before the timed load, and unmeasured wizards before the
/// timed walks.
pub const LOAD_WARMUP: usize = 1_000;
pub const LATENCY_WARMUP: usize = 200;

/// Which members and unknown names each phase uses, so no name is started more often
/// than the daily limit allows and no phase sees another's wizards.
pub struct Plan {
    pub names: Names,
    pub reset_members: Vec<usize>,
    pub load_people: Vec<(String, bool)>,
    pub latency_people: Vec<(String, bool)>,
}

impl Plan {
    pub fn new(args: &Args) -> Result<Self, String> {
        let names = Names {
            members: args.members,
        };
        let latency_known = args.samples + LATENCY_WARMUP / 2;
        let load_first = args.resets + latency_known;
        if args.members <= load_first {
            return Err(format!(
                "--members must be more than --resets + --samples + {} (got {})",
                LATENCY_WARMUP / 2,
                args.members
            ));
        }
        let load_pool = args.members - load_first;
        let load_total = args.requests + LOAD_WARMUP;
        if load_total.div_ceil(2).div_ceil(load_pool) > MAX_RESETS_PER_DAY {
            return Err(format!(
                "{} members are too few for {} requests: a name may start {} wizards a day",
                args.members, args.requests, MAX_RESETS_PER_DAY
            ));
        }
        let mut unknown = 0..;
        let mut next_unknown = || names.unknown(unknown.next().unwrap_or_default());
        let load_people = (0..load_total)
            .map(|k| {
                if k % 2 == 0 {
                    (names.member(load_first + (k / 2) % load_pool), true)
                } else {
                    (next_unknown(), false)
                }
            })
            .collect();
        let latency_people = (0..latency_known)
            .flat_map(|k| {
                [
                    (names.member(args.resets + k), true),
                    (next_unknown(), false),
                ]
            })
            .collect();
        Ok(Self {
            names,
            reset_members: (0..args.resets).collect(),
            load_people,
            latency_people,
        })
    }
}

/// How each of the bench's servers is started: with the limits above, on `database`.
pub fn launch<'a>(
    args: &'a Args,
    binary: &'a Path,
    dist: &'a Path,
    database: &'a Path,
    workdir: &'a Path,
) -> Launch<'a> {
    Launch {
        binary,
        static_dir: dist,
        database,
        workdir,
        captcha_difficulty: CAPTCHA_DIFFICULTY,
        max_resets_per_day: MAX_RESETS_PER_DAY as u8,
        ip_limit: IP_LIMIT,
        extra_env: &args.server_env,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn args(members: usize, requests: usize) -> Args {
        Args::parse_from([
            "sspr-bench",
            "--members",
            &members.to_string(),
            "--requests",
            &requests.to_string(),
            "--samples",
            "10",
            "--resets",
            "4",
        ])
    }

    #[test]
    fn the_plan_keeps_phases_apart_and_names_under_the_daily_limit() {
        let plan = Plan::new(&args(1_000, 2_000)).unwrap();
        let resets: Vec<String> = plan
            .reset_members
            .iter()
            .map(|i| plan.names.member(*i))
            .collect();
        let latency: Vec<&String> = plan.latency_people.iter().map(|(n, _)| n).collect();
        for (name, _) in &plan.load_people {
            assert!(!resets.contains(name) && !latency.contains(&name), "{name}");
        }
        for name in &latency {
            assert!(!resets.contains(name), "{name}");
        }
        assert_eq!(plan.load_people.len(), 2_000 + LOAD_WARMUP);
        let known = plan.latency_people.iter().filter(|(_, k)| *k).count();
        assert_eq!(known, 10 + LATENCY_WARMUP / 2);
        assert_eq!(plan.latency_people.len(), 2 * known);
        // Unknown names are never members and never repeat.
        let mut unknown: Vec<&String> = plan
            .load_people
            .iter()
            .chain(&plan.latency_people)
            .filter(|(_, k)| !k)
            .map(|(n, _)| n)
            .collect();
        assert!(unknown.iter().all(|n| n.as_str() >= "member01000"));
        let count = unknown.len();
        unknown.sort();
        unknown.dedup();
        assert_eq!(unknown.len(), count);
    }

    #[test]
    fn too_few_members_for_the_load_is_refused() {
        // The resets and latency take 4 + 10 + 100 members.
        assert!(Plan::new(&args(114, 10)).is_err(), "none left for the load");
        // 314 members leave 200 for 50,500 known-name starts: 253 a name.
        assert!(Plan::new(&args(314, 100_000)).is_err());
        assert!(Plan::new(&args(314, 10_000)).is_ok(), "28 a name");
    }
}
