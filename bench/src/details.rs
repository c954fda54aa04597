//! The figures in full, printed before the report table: how each was measured and the
//! numbers behind it.

use crate::admin_load::{self, AdminFigures};
use crate::admin_seed;
use crate::args::Args;
use crate::bundle::Measured;
use crate::directory_phase::{DirectoryFigures, DIRECTORY_FLOOR_MS};
use crate::interactive::{Interactive, Page};
use crate::measure::Figures;
use crate::plan::{CAPTCHA_DIFFICULTY, LATENCY_WARMUP};
use crate::process::ANSWER_FLOOR_MS;
use crate::targets::latency_target;
use crate::units::{grouped, ms, Rate};
use std::time::Duration;

pub fn print_details(args: &Args, f: &Figures, bundles: &[Measured]) {
    print_load(args, f);
    print_walks(f);
    print_resets(args, f);
    print_sizes(f, bundles);
}

fn print_load(args: &Args, f: &Figures) {
    let load_rate = Rate::of(f.load.succeeded, f.load.elapsed);
    println!();
    println!(
        "User-ID step (CAPTCHA check, lookup, decoy; reset_begin), {} in flight on keep-alive connections, known and unknown names alternating, CAPTCHA difficulty {CAPTCHA_DIFFICULTY}, solved beforehand:",
        args.concurrency
    );
    println!(
        "  {} answered in {:.2} s = {load_rate} req/s; {} failed{}",
        grouped(f.load.succeeded as u64),
        f.load.elapsed.as_secs_f64(),
        grouped(f.load.failed as u64),
        f.load
            .first_failure
            .as_deref()
            .map(|t| format!(" (first: {})", t.chars().take(200).collect::<String>()))
            .unwrap_or_default()
    );
    let share = |cpu: Duration| {
        100.0 * cpu.as_secs_f64()
            / (f.load.elapsed.as_secs_f64() * f.cores as f64).max(f64::EPSILON)
    };
    println!(
        "  CPU used meanwhile: server {:.0} %, this load generator {:.0} % of the {} cores",
        share(f.load_cpu.0),
        share(f.load_cpu.1),
        f.cores
    );
    print_load_wait(args, load_rate, share(f.load_cpu.0) + share(f.load_cpu.1));
}

/// What the user-ID step waits on. By Little's law an answer spent (in flight / rate) on
/// average; the answer floor is the part slept on purpose, and how busy the cores were
/// says whether the rest is CPU or waiting.
fn print_load_wait(args: &Args, load_rate: Rate, busy_percent: f64) {
    if load_rate.0 <= 0.0 {
        return;
    }
    let mean_ms = 1000.0 * args.concurrency as f64 / load_rate.0;
    let floor_ms = ANSWER_FLOOR_MS as f64;
    println!(
        "  What it waits on: each answer took {mean_ms:.2} ms on average ({} in flight / rate); {floor_ms:.0} ms of it ({:.0} %) is the answer floor (reset.answer_floor_ms), slept on purpose so known and unknown names answer alike; the server and this generator kept {:.0} % of the cores busy, so on a quiet machine the other {:.2} ms are waiting too, not computing, and more in flight (--concurrency) raises the rate",
        args.concurrency,
        100.0 * floor_ms / mean_ms,
        busy_percent,
        (mean_ms - floor_ms).max(0.0)
    );
}

fn print_walks(f: &Figures) {
    println!();
    let walked = f
        .walks
        .steps
        .first()
        .map_or((0, 0), |t| (t.known.len(), t.unknown.len()));
    println!(
        "Each wizard step, one wizard at a time, {} known (with email) and {} unknown names in random order after {LATENCY_WARMUP} unmeasured wizards; median gap = how much slower known names are:",
        grouped(walked.0 as u64),
        grouped(walked.1 as u64)
    );
    print!("{}", f.walks.table(&latency_target()));
}

/// Whole resets against slapd, beside the local figure (slapd hashes with its own scheme).
pub fn print_directory_resets(directory: &DirectoryFigures, local: &Figures) {
    println!();
    let resets = &directory.resets;
    println!(
        "Whole resets against OpenLDAP (slapd, Password Modify, ppolicy on): {} in {:.2} s = {} resets/s, beside {} resets/s against sspr's own accounts",
        resets.completed,
        resets.elapsed.as_secs_f64(),
        Rate::of(resets.completed, resets.elapsed),
        Rate::of(local.resets.completed, local.resets.elapsed)
    );
    let sign_in = &directory.sign_in;
    println!(
        "Wrong sign-ins against OpenLDAP (sign_in.directory_floor_ms = {}), one at a time, interleaved: known names median {} (p99 {}, {} samples), unknown names median {} (p99 {}, {} samples), known {:+.2} % (the wizard's steps are held to 2 %)",
        DIRECTORY_FLOOR_MS,
        ms(sign_in.known.median()),
        ms(sign_in.known.percentile(99.0)),
        sign_in.known.len(),
        ms(sign_in.unknown.median()),
        ms(sign_in.unknown.percentile(99.0)),
        sign_in.unknown.len(),
        sign_in.gap()
    );
}

fn print_resets(args: &Args, f: &Figures) {
    println!();
    let p = &f.params;
    println!(
        "Whole resets (challenge, user ID, email code, new password), {} at a time: {} in {:.2} s = {} resets/s",
        args.reset_concurrency,
        f.resets.completed,
        f.resets.elapsed.as_secs_f64(),
        Rate::of(f.resets.completed, f.resets.elapsed)
    );
    for (i, round) in f.rounds.iter().enumerate() {
        let (server, generator) = round.cpu_per_reset();
        println!(
            "  round {}: {} resets at {} /s, {} bare hashes at {} /s: ratio {:.3}; CPU per reset: server {}, this generator {}",
            i + 1,
            round.resets.completed,
            round.reset_rate(),
            round.hashes.hashes,
            round.hash_rate(),
            round.ratio(),
            ms(server),
            ms(generator)
        );
    }
    println!(
        "Bare argon2id (m={} KiB, t={}, p={}, the server's; memory reused, so the computation alone), {} hashes on {} threads, in each round half before and half after its resets: {:.2} s = {} hashes/s",
        p.memory_kib,
        p.iterations,
        p.parallelism,
        f.hashes.hashes,
        f.hashes.threads,
        f.hashes.elapsed.as_secs_f64(),
        Rate::of(f.hashes.hashes, f.hashes.elapsed)
    );
    if let Some(counted) = &f.statements {
        println!(
            "SQL statements per whole reset: {:.1} (every statement the server ran while {} more resets were walked one at a time, on a second server logging them)",
            counted.per_reset, counted.resets
        );
    }
}

fn print_sizes(f: &Figures, bundles: &[Measured]) {
    println!();
    for measured in bundles {
        let size = &measured.size;
        println!(
            "Bundle of the {}, gzip -9: wasm {:.1} KB + JS {:.1} KB + CSS {:.1} KB = {:.1} KB",
            measured.label(),
            size.wasm.kb(),
            size.js.kb(),
            size.css.kb(),
            size.total().kb()
        );
    }
    println!(
        "Server memory (/proc/<pid>/status): VmRSS {:.1} MB idle, {:.1} MB after the load, {:.1} MB after the wizard walks, {:.1} MB after the resets; VmHWM {:.1} MB",
        f.idle.resident.mb(),
        f.after_load.resident.mb(),
        f.after_latency.resident.mb(),
        f.end.resident.mb(),
        f.end.peak.mb()
    );
}

/// Each cold load of a page, from navigation start to usable.
pub fn print_interactive(page: Page, loads: &Interactive) {
    let Ok(loads) = loads else { return };
    let usable = match page {
        Page::Reset => "the user-ID field enabled",
        Page::Admin => {
            "signed in as a global admin, the section navigation and the overview's figures shown"
        }
    };
    let samples: Vec<String> = loads.samples_ms.iter().map(|s| format!("{s:.0}")).collect();
    println!();
    println!(
        "Time to interactive of {} in headless Chromium, {} cold loads (a new context each, cache disabled), navigation start to {usable}: median {:.0} ms; each in ms: {}",
        page.path(),
        loads.samples_ms.len(),
        loads.median_ms,
        samples.join(" ")
    );
}

pub fn print_admin_details(a: &AdminFigures) {
    let sizes = a.seeded.sizes;
    println!();
    println!(
        "Admin dashboard, a second server on its own database: {} users in {} groups and {} audit events over 90 days (seeded in {:.1} s + {:.1} s), signed in as a global admin; each query {} times one at a time after up to 20 unmeasured (fewer when they take over 20 s):",
        grouped(sizes.users as u64),
        admin_seed::GROUPS,
        grouped(sizes.audit_rows as u64),
        a.seeded.users_took.as_secs_f64(),
        a.seeded.audit_took.as_secs_f64(),
        a.samples
    );
    let width = a
        .search
        .iter()
        .chain(&a.audit)
        .map(|m| m.label.chars().count())
        .max()
        .unwrap_or(0);
    for (function, measured) in [("list_users", &a.search), ("list_audit", &a.audit)] {
        println!(
            "  {function:<width$}  {:>5}  {:>10}  {:>10}  {:>5}  {:>8}",
            "calls", "median", "p95", "rows", "matches"
        );
        for m in measured {
            match &m.outcome {
                admin_load::Outcome::Measured { samples, shape } => println!(
                    "  {:<width$}  {:>5}  {:>10}  {:>10}  {:>5}  {:>8}",
                    m.label,
                    samples.len(),
                    ms(samples.median()),
                    ms(samples.percentile(95.0)),
                    shape.rows,
                    shape.total.map_or(String::new(), |t| format!(
                        "{}{}",
                        grouped(t),
                        if shape.more { "+" } else { "" }
                    )),
                ),
                admin_load::Outcome::Unavailable(why) => {
                    println!("  {:<width$}  {why}", m.label)
                }
            }
        }
    }
}
