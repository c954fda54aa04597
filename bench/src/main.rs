//! `sspr-bench` (run by `make bench`): measures the charter's performance figures against
//! the release server and prints them with their targets. It starts `sspr` as a child on a
//! free port with a fresh database of seeded members, then measures: the reset wizard's
//! user-ID step under load; known against unknown names at each wizard step, one wizard at
//! a time; whole resets against
//! bare argon2id hashes; the server's memory; the browser bundle's gzipped size; and the
//! time to interactive of `/reset` in headless Chromium.
//! Then the admin dashboard's read paths: a second server on its own database (so the
//! figures above keep their conditions) seeded with a large organisation and audit log,
//! measured for user search and audit page latency, and `/admin`'s time to interactive. `sspr-bench seed-admin` writes such a
//! database on its own.
//!
//! It reports and does not gate: a missed target still exits 0. It exits 1 when the bench
//! itself cannot run (no server binary, the server does not start, a step fails).

mod admin_load;
mod admin_phase;
mod admin_seed;
mod args;
mod bundle;
mod client;
mod cpu;
mod details;
mod directory_phase;
mod directory_sign_in;
mod hashing;
mod interactive;
mod measure;
mod plan;
mod process;
mod progress;
mod report;
mod resets;
mod rounds;
mod run;
mod seed;
mod statements;
mod stats;
mod steps;
mod targets;
mod throughput;
mod units;

use args::{Args, Command};
use clap::Parser;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let result = match &args.command {
        Some(Command::SeedAdmin {
            database,
            users,
            audit_rows,
        }) => {
            let sizes = admin_seed::Sizes {
                users: *users,
                audit_rows: *audit_rows,
            };
            admin_phase::seed_admin_command(database, sizes).await
        }
        None => run::bench(args).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("sspr-bench: {message}");
            ExitCode::FAILURE
        }
    }
}
