//! SQL statements per whole reset, so the figure is watched: a second server on the users'
//! database, started with sqlx's statement log on (JSON lines, one per statement), walks
//! `COUNTED` resets one at a time, and the lines written meanwhile are counted. A server of
//! its own, because logging every statement would slow the timed phases.
//! `SSPR_BENCH_STATEMENT_LOG=<file>` keeps that server's log, to see which ran.

use crate::args::Args;
use crate::client::Api;
use crate::plan;
use crate::process::{ServerProcess, Workdir};
use crate::progress::progress;
use crate::resets;
use crate::seed::Names;
use std::path::Path;
use std::time::Duration;

/// Resets walked for the count; their statements are nearly the same each time.
const COUNTED: usize = 20;

/// Average statements per reset, and the resets counted.
pub struct Statements {
    pub per_reset: f64,
    pub resets: usize,
}

pub async fn per_reset(
    args: &Args,
    (binary, dist, database): (&Path, &Path, &Path),
    http: &reqwest::Client,
    names: Names,
    members: &[usize],
) -> Result<Statements, String> {
    let workdir = Workdir::create()?;
    let mut env = args.server_env.clone();
    env.push(("SSPR_LOG_FORMAT".into(), "json".into()));
    env.push(("SSPR_LOG_LEVEL".into(), "warn,sqlx::query=debug".into()));
    let mut launch = plan::launch(args, binary, dist, database, workdir.path());
    launch.extra_env = &env;
    progress(&format!(
        "{COUNTED} more resets, one at a time, on a server logging its SQL statements"
    ));
    let server = ServerProcess::start(&launch, http).await?;
    let api = Api::new(http.clone(), server.origin());
    let log = workdir.path().join("server.log");
    // Start-up work (migrations, the first reads) settles before the count starts.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let before = statements(&log)?;
    let reader = resets::open_reader(database).await?;
    let chosen: Vec<usize> = members.iter().copied().take(COUNTED).collect();
    let walked = resets::run(&api, &reader, names, chosen, 1).await;
    reader.close().await;
    // Audit events are written in batches just after the answers.
    tokio::time::sleep(Duration::from_millis(500)).await;
    let after = statements(&log);
    server.stop().await;
    // For a look at which statements ran: `SSPR_BENCH_STATEMENT_LOG=path make bench`.
    if let Some(keep) = std::env::var_os("SSPR_BENCH_STATEMENT_LOG") {
        if let Err(e) = std::fs::copy(&log, &keep) {
            eprintln!("cannot keep the statement log: {e}");
        }
    }
    let walked = walked?;
    let counted = after?.saturating_sub(before);
    Ok(Statements {
        per_reset: counted as f64 / walked.completed.max(1) as f64,
        resets: walked.completed,
    })
}

/// Statement lines in the server's log so far.
fn statements(log: &Path) -> Result<usize, String> {
    let text =
        std::fs::read_to_string(log).map_err(|e| format!("reading {}: {e}", log.display()))?;
    Ok(text
        .lines()
        .filter(|l| l.contains("\"db.statement\""))
        .count())
}
