//! The admin dashboard's database: a global admin the bench signs in as, a large
//! organisation (realistic names and addresses in ~50 groups, a few disabled or locked
//! accounts, most with an email address registered) and a long audit log over 90 days
//! whose keyed hash chain and head record verify (under the key file the server will
//! read, `sspr.key` beside the database, created here). Written straight into a fresh
//! database (the server's migrations first) with multi-row INSERTs in big transactions,
//! so a million audit rows take seconds, not the hours the one-event-at-a-time writer
//! would.
//!
//! Everything is a pure function of the row number (`noise`), so the bench knows which
//! names, groups and accounts exist without reading them back.

mod accounts;
mod audit_log;
mod events;
mod noise;
mod people;
#[cfg(test)]
mod tests;

pub use accounts::{ADMIN_PASSWORD, ADMIN_USERNAME};
pub use people::{busy_person, probe_group, GROUPS, PARTNER_DOMAIN, RARE_SURNAME};

use server::tools::audit::ChainKey;
use server::tools::{HashingParams, ServerSecret};
use std::path::Path;
use std::time::{Duration, Instant};

/// What to seed: `users` accounts in all (the admin and `users - 1` people) and
/// `audit_rows` events.
#[derive(Debug, Clone, Copy)]
pub struct Sizes {
    pub users: usize,
    pub audit_rows: usize,
}

/// What was seeded, and how long it took.
#[derive(Debug, Clone)]
pub struct Seeded {
    pub sizes: Sizes,
    pub users_took: Duration,
    pub audit_took: Duration,
}

fn now() -> Result<i64, String> {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .map_err(|e| format!("the clock is before 1970: {e}"))
}

/// Creates `database` (with the server's migrations) and seeds it.
pub async fn seed(database: &Path, sizes: Sizes, params: HashingParams) -> Result<Seeded, String> {
    let failed = |e: &dyn std::fmt::Display| format!("seeding {}: {e}", database.display());
    if sizes.users < 2 {
        return Err(failed(
            &"at least 2 users are needed (the admin and one person)",
        ));
    }
    let pool = server::tools::connect(database)
        .await
        .map_err(|e| failed(&e))?;
    let now = now()?;
    let started = Instant::now();
    let mut conn = pool.acquire().await.map_err(|e| failed(&e))?;
    // Only this connection writes; a crash mid-seed just leaves a bench database behind.
    sqlx::query("PRAGMA synchronous = OFF")
        .execute(&mut *conn)
        .await
        .map_err(|e| failed(&e))?;
    sqlx::query("PRAGMA cache_size = -131072")
        .execute(&mut *conn)
        .await
        .map_err(|e| failed(&e))?;
    let admin_id = accounts::seed_admin(&mut conn, params, now)
        .await
        .map_err(|e| failed(&e))?;
    let people = sizes.users - 1;
    accounts::seed_people(&mut conn, admin_id + 1, people, now)
        .await
        .map_err(|e| failed(&e))?;
    let users_took = started.elapsed();
    let started = Instant::now();
    let secret = ServerSecret::load_or_create(&database.with_file_name("sspr.key"))
        .map_err(|e| failed(&e))?;
    let key = ChainKey::new(&secret);
    let accounts = audit_log::Accounts { admin_id, people };
    audit_log::seed_audit(&mut conn, &key, accounts, sizes.audit_rows, now)
        .await
        .map_err(|e| failed(&e))?;
    let audit_took = started.elapsed();
    // No ANALYZE (nor `PRAGMA optimize`): the server never runs one, so its query plans
    // are made without statistics, and so are the bench's.
    drop(conn);
    pool.close().await;
    Ok(Seeded {
        sizes,
        users_took,
        audit_took,
    })
}
