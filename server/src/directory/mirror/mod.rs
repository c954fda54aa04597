//! The directory's people and groups, copied into SQLite. The wizard, the troubleshooter and
//! the dashboard then read the copy exactly as they read local accounts: a lookup costs the
//! same for known and unknown names and never waits on the directory. Rows are keyed by the
//! directory's stable id, so a renamed person keeps the security info they registered.

mod row;
mod store;

use super::ldap::listing::Group;
use super::ldap::people::Person;
use super::settings::LdapSettings;
use row::Row;
use sqlx::SqliteConnection;
use std::collections::HashSet;

pub use row::{LOCK_REASON_ABSENT, LOCK_REASON_DIRECTORY};
pub use store::{last_read, LastRead};

/// What a whole read changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Applied {
    pub users: usize,
    pub groups: usize,
    /// Mirrored people the directory no longer lists in scope, now disabled here.
    pub absent: usize,
}

/// Replaces the mirror with a whole read of the directory, in the caller's transaction.
pub async fn apply(
    conn: &mut SqliteConnection,
    people: &[Person],
    groups: &[Group],
    settings: &LdapSettings,
    now: i64,
) -> Result<Applied, sqlx::Error> {
    let kept = store::replace_groups(conn, groups, now).await?;
    let mut seen = HashSet::new();
    for person in people {
        let row = Row::new(person, settings);
        store::upsert(conn, &row, now).await?;
        seen.insert(person.stable_id.as_str());
    }
    let absent = store::retire_absent(conn, &seen, now).await?;
    store::note_read(conn, people.len(), kept, now).await?;
    Ok(Applied {
        users: people.len(),
        groups: kept,
        absent,
    })
}

/// Brings one person's row up to date (at sign-in, before a write), returning its id.
pub async fn refresh(
    conn: &mut SqliteConnection,
    person: &Person,
    settings: &LdapSettings,
    now: i64,
) -> Result<i64, sqlx::Error> {
    store::upsert(conn, &Row::new(person, settings), now).await
}

/// The DN and stable id a mirrored account was read with, if it came from the directory.
pub async fn entry_of(
    pool: &sqlx::SqlitePool,
    user_id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    store::entry_of(pool, user_id).await
}
