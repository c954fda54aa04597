//! The command line: the bench's sizes and switches, and the `seed-admin` command.

use clap::Parser;
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "sspr-bench",
    about = "Measure sspr's performance figures against their targets",
    args_conflicts_with_subcommands = true
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// The server binary (default: `sspr` beside this one).
    #[arg(long)]
    pub server: Option<PathBuf>,
    /// The built app, whose bundle is measured and served.
    #[arg(long, default_value = "dist")]
    pub dist: PathBuf,
    /// Members seeded, each with a registered email address.
    #[arg(long, default_value_t = 20_000)]
    pub members: usize,
    /// User-ID steps in flight during the load.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Most user-ID steps in the load (half known, half unknown names).
    #[arg(long, default_value_t = 30_000)]
    pub requests: usize,
    /// Longest time the load runs, in seconds.
    #[arg(long, default_value_t = 6)]
    pub seconds: u64,
    /// Wizards walked for each of known and unknown names, one at a time; every step of
    /// each is timed once (each name walks one wizard).
    #[arg(long, default_value_t = 500)]
    pub samples: usize,
    /// Whole resets, and as many bare hashes to compare them with.
    #[arg(long, default_value_t = 500)]
    pub resets: usize,
    /// Rounds the resets and hashes are interleaved in; each round's ratio is printed and
    /// the median judged.
    #[arg(long, default_value_t = 5)]
    pub rounds: usize,
    /// Resets in progress at once. Each step but the last waits out its answer floor, so
    /// 4 at a time left the cores idle (0.55 of bare hashes with the server at 1.6 of 2
    /// cores); 16 keep the hashing threads busy, which is what the ratio is about.
    #[arg(long, default_value_t = 16)]
    pub reset_concurrency: usize,
    /// An extra environment variable for the server, NAME=VALUE (repeatable), to try a
    /// setting (for example MALLOC_ARENA_MAX=2) without changing the bench.
    #[arg(long = "server-env", value_parser = parse_env)]
    pub server_env: Vec<(String, String)>,
    /// Accounts in the admin phase's database, for the user search.
    #[arg(long, default_value_t = 100_000)]
    pub admin_users: usize,
    /// Audit events in the admin phase's database, for the audit log pages.
    #[arg(long, default_value_t = 1_000_000)]
    pub audit_rows: usize,
    /// Timed calls of each admin query.
    #[arg(long, default_value_t = 300)]
    pub admin_samples: usize,
    /// Skip the whole resets against a throwaway OpenLDAP (slapd).
    #[arg(long)]
    pub no_directory: bool,
    /// Skip the admin phase (its seeding, server and figures).
    #[arg(long, conflicts_with = "admin_only")]
    pub no_admin: bool,
    /// Run only the admin phase, for a quick look at the admin figures.
    #[arg(long)]
    pub admin_only: bool,
    /// Cold loads of `/reset` and of `/admin` in headless Chromium, for time to interactive.
    #[arg(long, default_value_t = 20)]
    pub loads: usize,
    /// Skip time to interactive (Chromium).
    #[arg(long)]
    pub no_browser: bool,
}

#[derive(clap::Subcommand)]
pub enum Command {
    /// Write a new database for the admin dashboard: a global admin (bench-admin), USERS
    /// accounts in all in ~50 groups, and AUDIT_ROWS audit events with a valid hash chain.
    SeedAdmin {
        /// The database file to create; it must not exist yet.
        #[arg(long)]
        database: PathBuf,
        /// Accounts in all, the admin included.
        #[arg(long, default_value_t = 100_000)]
        users: usize,
        /// Audit events, over the last 90 days.
        #[arg(long, default_value_t = 1_000_000)]
        audit_rows: usize,
    },
}

fn parse_env(text: &str) -> Result<(String, String), String> {
    match text.split_once('=') {
        Some((name, value)) if !name.is_empty() => Ok((name.to_owned(), value.to_owned())),
        _ => Err(format!("`{text}` is not NAME=VALUE")),
    }
}
