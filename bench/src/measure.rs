//! The users' phase against one running server: the user-ID step under load, the wizard
//! walks one at a time, then rounds of whole resets between two halves of bare hashes,
//! with the server's memory read between phases.

use crate::args::Args;
use crate::client::Api;
use crate::hashing::{self, HashRun};
use crate::plan::{Plan, LATENCY_WARMUP, LOAD_WARMUP};
use crate::process::{Memory, ServerProcess};
use crate::progress::progress;
use crate::resets::{self, Resets};
use crate::rounds::{self, Round};
use crate::seed::Names;
use crate::statements::Statements;
use crate::throughput::{self, Throughput};
use crate::units::grouped;
use crate::{cpu, steps};
use server::tools::HashingParams;
use std::path::Path;
use std::time::Duration;

/// Everything measured, before it is judged.
pub struct Figures {
    pub cores: usize,
    pub idle: Memory,
    pub after_load: Memory,
    pub after_latency: Memory,
    pub end: Memory,
    pub load: Throughput,
    /// CPU time of the server and of this process during the timed load.
    pub load_cpu: (Duration, Duration),
    pub walks: steps::Walks,
    /// Every round's resets, and all of them together.
    pub rounds: Vec<Round>,
    pub resets: Resets,
    pub hashes: HashRun,
    pub params: HashingParams,
    /// SQL statements per reset, counted on a second server after the timed phases.
    pub statements: Option<Statements>,
}

/// Whole resets and the bare hashes they are compared with.
struct ResetsAndHashes {
    threads: usize,
    rounds: Vec<Round>,
    params: HashingParams,
}

pub async fn measure(
    args: &Args,
    plan: Plan,
    server: &mut ServerProcess,
    http: &reqwest::Client,
    database: &Path,
) -> Result<Figures, String> {
    // Let start-up work (migrations, the dummy hash) settle before reading idle memory.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let idle = server.memory()?;
    let api = Api::new(http.clone(), server.origin());
    let (load, load_cpu) = timed_load(args, plan.load_people, server, &api).await?;
    server.check_running()?;
    let after_load = server.memory()?;

    progress("each wizard step for known and unknown names, one wizard at a time");
    let tickets = api.tickets(plan.latency_people, args.concurrency).await?;
    let walks = steps::run(&api, tickets, LATENCY_WARMUP).await?;
    server.check_running()?;
    let after_latency = server.memory()?;

    let pid = server.pid().to_string();
    let timed = resets_against_hashes(args, (&api, &pid), database, plan.names, plan.reset_members);
    let ResetsAndHashes {
        threads,
        rounds,
        params,
    } = timed.await?;
    let (resets, hashes) = totals(&rounds);
    server.check_running()?;
    let end = server.memory()?;
    Ok(Figures {
        cores: threads,
        idle,
        after_load,
        after_latency,
        end,
        load,
        load_cpu,
        walks,
        rounds,
        resets,
        hashes,
        params,
        statements: None,
    })
}

/// The user-ID step under load after an unmeasured warm-up, with the CPU time the server
/// and this process spent meanwhile.
async fn timed_load(
    args: &Args,
    people: Vec<(String, bool)>,
    server: &ServerProcess,
    api: &Api,
) -> Result<(Throughput, (Duration, Duration)), String> {
    progress(&format!(
        "fetching and solving {} challenges",
        grouped(people.len() as u64)
    ));
    let mut tickets = api.tickets(people, args.concurrency).await?;
    let timed = tickets.split_off(LOAD_WARMUP.min(tickets.len()));
    progress("warming up the user-ID step");
    throughput::run(api, tickets, args.concurrency, Duration::MAX).await?;
    progress(&format!(
        "user-ID step under load: {} in flight, up to {} s",
        args.concurrency, args.seconds
    ));
    let server_pid = server.pid().to_string();
    let cpu_before = (cpu::CpuTime::of(&server_pid)?, cpu::CpuTime::of("self")?);
    let load = throughput::run(
        api,
        timed,
        args.concurrency,
        Duration::from_secs(args.seconds),
    )
    .await?;
    let load_cpu = (
        cpu::CpuTime::of(&server_pid)?.since(cpu_before.0),
        cpu::CpuTime::of("self")?.since(cpu_before.1),
    );
    if load.succeeded == 0 {
        return Err(format!(
            "no user-ID step succeeded under load; the first failure: {}",
            load.first_failure.as_deref().unwrap_or("(none)")
        ));
    }
    Ok((load, load_cpu))
}

/// `--rounds` rounds of whole resets, each with half its bare hashes just before and half
/// just after (as many hashes as resets in all). The hashes stored by the resets must have
/// used the bare hashes' parameters.
async fn resets_against_hashes(
    args: &Args,
    (api, server_pid): (&Api, &str),
    database: &Path,
    names: Names,
    members: Vec<usize>,
) -> Result<ResetsAndHashes, String> {
    let params = hashing::server_params()?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let reader = resets::open_reader(database).await?;
    let parts = rounds::split(&members, args.rounds);
    let count = parts.len();
    let mut done = Vec::with_capacity(count);
    for (i, part) in parts.into_iter().enumerate() {
        progress(&format!(
            "round {} of {count}: {} whole resets, {} at a time, between {} bare argon2id hashes on {threads} threads",
            i + 1,
            part.len(),
            args.reset_concurrency,
            part.len()
        ));
        let before = part.len() / 2;
        let first = hashing::run_blocking(params, before, threads).await?;
        let cpu_before = (cpu::CpuTime::of(server_pid)?, cpu::CpuTime::of("self")?);
        let resets = resets::run(api, &reader, names, part.clone(), args.reset_concurrency);
        let resets = resets.await?;
        let cpu = (
            cpu::CpuTime::of(server_pid)?.since(cpu_before.0),
            cpu::CpuTime::of("self")?.since(cpu_before.1),
        );
        let second = hashing::run_blocking(params, part.len() - before, threads).await?;
        done.push(Round {
            resets,
            hashes: first.and(second),
            cpu,
        });
    }
    let stored = resets::stored_params(&reader).await?;
    reader.close().await;
    if stored != [params] {
        return Err(format!(
            "the server hashed with {stored:?}, not the {params:?} the bare hashes used"
        ));
    }
    Ok(ResetsAndHashes {
        threads,
        rounds: done,
        params,
    })
}

/// All rounds' resets and hashes together.
fn totals(rounds: &[Round]) -> (Resets, HashRun) {
    rounds
        .iter()
        .fold(Default::default(), |(resets, hashes), round| {
            (resets.and(round.resets), hashes.and(round.hashes))
        })
}
