//! The whole bench: the bundle, the users' phase on one server (then `/reset` in
//! Chromium), the admin phase on a second (then `/admin`), then the details and the
//! report. A failed admin phase still fails the bench, but after the figures before it
//! are shown.

use crate::admin_phase::admin_phase;
use crate::args::Args;
use crate::details::{
    print_admin_details, print_details, print_directory_resets, print_interactive,
};
use crate::directory_phase::directory_resets;
use crate::interactive::{self, Interactive, Page};
use crate::measure::{measure, Figures};
use crate::plan::{self, Plan};
use crate::process::{ServerProcess, Workdir};
use crate::progress::progress;
use crate::report::{print_report, Report};
use crate::targets::{judge, judge_admin_figures, judge_interactive};
use crate::units::grouped;
use crate::{bundle, client, seed, statements};
use std::path::{Path, PathBuf};

pub async fn bench(args: Args) -> Result<(), String> {
    let binary = server_binary(&args)?;
    let dist = std::path::absolute(&args.dist)
        .map_err(|e| format!("cannot resolve {}: {e}", args.dist.display()))?;
    if args.admin_only {
        return admin_only(&args, &binary, &dist).await;
    }
    let plan = Plan::new(&args)?;
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let load_before = load_average();

    progress("measuring the bundles (gzip -9)");
    let bundles = bundle::measure_all(&dist)?;

    let http = client::http_client()?;
    let (figures, pid, reset_loads) = users_phase(&args, plan, &binary, &dist, &http).await?;
    let directory = if args.no_directory {
        None
    } else {
        Some(directory_resets(&args, &binary, &dist, &http).await)
    };
    let (admin, admin_loads, admin_failed) = if args.no_admin {
        (None, None, None)
    } else {
        match admin_phase(&args, &binary, &dist, &http).await {
            Ok((admin, loads)) => (Some(admin), loads, None),
            Err(e) => (None, None, Some(format!("the admin phase failed: {e}"))),
        }
    };
    let interactive: Vec<(Page, &Interactive)> =
        [(Page::Reset, &reset_loads), (Page::Admin, &admin_loads)]
            .into_iter()
            .filter_map(|(page, loads)| Some((page, loads.as_ref()?)))
            .collect();

    print_conditions(&args, &binary, pid, cores, load_before);
    print_details(&args, &figures, &bundles);
    let directory_failed = match &directory {
        Some(Ok(directory)) => {
            print_directory_resets(directory, &figures);
            None
        }
        Some(Err(e)) => Some(format!("the directory resets failed: {e}")),
        None => None,
    };
    for (page, loads) in &interactive {
        print_interactive(*page, loads);
    }
    if let Some(admin) = &admin {
        print_admin_details(admin);
    }
    let report = judge(&figures, &bundles, &interactive, admin.as_ref());
    print_report(&report);
    match (admin_failed, directory_failed) {
        (None, None) => Ok(()),
        (Some(e), None) | (None, Some(e)) => Err(e),
        (Some(a), Some(d)) => Err(format!("{a}; {d}")),
    }
}

/// `--server`, or `sspr` beside this program, which must exist.
fn server_binary(args: &Args) -> Result<PathBuf, String> {
    let binary = match &args.server {
        Some(path) => path.clone(),
        None => std::env::current_exe()
            .map_err(|e| format!("cannot find this program's directory: {e}"))?
            .with_file_name("sspr"),
    };
    if !binary.is_file() {
        return Err(format!(
            "no server binary at {}: run `make build` first",
            binary.display()
        ));
    }
    Ok(binary)
}

/// `--admin-only`: the admin phase, its details and its part of the report.
async fn admin_only(args: &Args, binary: &Path, dist: &Path) -> Result<(), String> {
    let http = client::http_client()?;
    let (admin, loads) = admin_phase(args, binary, dist, &http).await?;
    if let Some(loads) = &loads {
        print_interactive(Page::Admin, loads);
    }
    print_admin_details(&admin);
    let mut report = Report::default();
    if let Some(loads) = &loads {
        judge_interactive(&mut report, Page::Admin, loads);
    }
    judge_admin_figures(&mut report, &admin);
    print_report(&report);
    Ok(())
}

/// A fresh database of members, a server on it, the measurements, the server's pid, and
/// then (unless `--no-browser`) `/reset`'s time to interactive, after every other figure
/// of the phase so Chromium weighs on none of them.
async fn users_phase(
    args: &Args,
    plan: Plan,
    binary: &Path,
    dist: &Path,
    http: &reqwest::Client,
) -> Result<(Figures, u32, Option<Interactive>), String> {
    let workdir = Workdir::create()?;
    let database = workdir.path().join("sspr.db");
    progress(&format!(
        "seeding {} members, each with an email address",
        grouped(args.members as u64)
    ));
    seed::seed(&database, plan.names).await?;
    let launch = plan::launch(args, binary, dist, &database, workdir.path());
    progress(&format!("starting {}", binary.display()));
    let mut server = ServerProcess::start(&launch, http).await?;
    let (names, members) = (plan.names, plan.reset_members.clone());
    let measured = measure(args, plan, &mut server, http, &database).await;
    let loads = match (&measured, args.no_browser) {
        (Ok(_), false) => Some(interactive::reset(server.origin(), args.loads).await),
        _ => None,
    };
    let pid = server.pid();
    server.stop().await;
    let mut figures = measured?;
    let paths = (binary, dist, database.as_path());
    figures.statements = Some(statements::per_reset(args, paths, http, names, &members).await?);
    Ok((figures, pid, loads))
}

/// What the figures were measured on, and what may have weighed on them.
fn print_conditions(args: &Args, binary: &Path, pid: u32, cores: usize, load_before: Option<f64>) {
    println!();
    println!(
        "sspr bench: {} (pid {pid}), fresh database, {} members; {cores} CPU cores shared by the server and this load generator",
        binary.display(),
        grouped(args.members as u64),
    );
    for (name, value) in &args.server_env {
        println!("Server started with {name}={value}.");
    }
    if let Some(load) = load_before.filter(|l| *l >= 1.0) {
        println!(
            "Load average {load:.2} when the bench started: other work on this machine lowers every figure."
        );
    }
}

/// The 1-minute load average, to tell a busy machine's figures apart.
fn load_average() -> Option<f64> {
    std::fs::read_to_string("/proc/loadavg")
        .ok()?
        .split_whitespace()
        .next()?
        .parse()
        .ok()
}
