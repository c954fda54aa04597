//! The admin dashboard's figures, from a second server on a database of their own (so the
//! million audit rows weigh on nothing else), and `sspr-bench seed-admin`, which writes
//! such a database on its own.

use crate::admin_load::{self, AdminFigures};
use crate::admin_seed::{self, Seeded, Sizes};
use crate::args::Args;
use crate::client::Api;
use crate::hashing;
use crate::interactive::{self, Interactive};
use crate::plan;
use crate::process::{ServerProcess, Workdir};
use crate::progress::progress;
use crate::units::grouped;
use std::path::Path;

/// Seeds the admin database, starts a server on it and times the admin queries, then
/// (unless `--no-browser`) the dashboard's time to interactive.
pub async fn admin_phase(
    args: &Args,
    binary: &Path,
    dist: &Path,
    http: &reqwest::Client,
) -> Result<(AdminFigures, Option<Interactive>), String> {
    let workdir = Workdir::create()?;
    let database = workdir.path().join("admin.db");
    let sizes = Sizes {
        users: args.admin_users,
        audit_rows: args.audit_rows,
    };
    let seeded = seed_admin_database(&database, sizes).await?;
    let launch = plan::launch(args, binary, dist, &database, workdir.path());
    progress(&format!(
        "starting a second {} on the admin database",
        binary.display()
    ));
    let mut server = ServerProcess::start(&launch, http).await?;
    let api = Api::new(http.clone(), server.origin());
    progress(&format!(
        "admin queries, {} timed calls each, one at a time",
        args.admin_samples
    ));
    let measured = admin_load::run(&api, seeded, args.admin_samples).await;
    let loads = match (&measured, args.no_browser) {
        (Ok(_), false) => Some(interactive::admin(&api, server.origin(), args.loads).await),
        _ => None,
    };
    let running = server.check_running();
    server.stop().await;
    running?;
    Ok((measured?, loads))
}

/// `sspr-bench seed-admin`: the admin phase's database, on its own.
pub async fn seed_admin_command(database: &Path, sizes: Sizes) -> Result<(), String> {
    if database.exists() {
        return Err(format!(
            "{} exists; seed-admin writes a new database",
            database.display()
        ));
    }
    let seeded = seed_admin_database(database, sizes).await?;
    println!(
        "Seeded {}: {} users in {} groups in {:.1} s, {} audit events in {:.1} s. Sign in as {} with the password \"{}\".",
        database.display(),
        grouped(sizes.users as u64),
        admin_seed::GROUPS,
        seeded.users_took.as_secs_f64(),
        grouped(sizes.audit_rows as u64),
        seeded.audit_took.as_secs_f64(),
        admin_seed::ADMIN_USERNAME,
        admin_seed::ADMIN_PASSWORD,
    );
    Ok(())
}

async fn seed_admin_database(database: &Path, sizes: Sizes) -> Result<Seeded, String> {
    progress(&format!(
        "seeding {} users and {} audit events for the admin dashboard",
        grouped(sizes.users as u64),
        grouped(sizes.audit_rows as u64)
    ));
    let seeded = admin_seed::seed(database, sizes, hashing::server_params()?).await?;
    progress(&format!(
        "seeded in {:.1} s (users) + {:.1} s (audit events)",
        seeded.users_took.as_secs_f64(),
        seeded.audit_took.as_secs_f64()
    ));
    Ok(seeded)
}
