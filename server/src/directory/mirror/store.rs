//! SQL of the mirror. Every write takes the caller's connection, so a whole read lands in one
//! transaction or not at all.

use super::row::{Row, LOCK_REASON_ABSENT, LOCK_REASON_DIRECTORY};
use crate::directory::ldap::listing::Group;
use sqlx::{SqliteConnection, SqlitePool};
use std::collections::HashSet;

/// Upserts every group by name, records its DN, and drops the directory's groups it no
/// longer lists. Returns how many groups the directory has.
pub(super) async fn replace_groups(
    conn: &mut SqliteConnection,
    groups: &[Group],
    now: i64,
) -> Result<usize, sqlx::Error> {
    let mut kept = HashSet::new();
    for group in groups {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO groups (name, name_canonical, created_at, directory_dn) VALUES (?, ?, ?, ?)
             ON CONFLICT (name_canonical) DO UPDATE SET name = excluded.name, directory_dn = excluded.directory_dn
             RETURNING id",
        )
        .bind(&group.name)
        .bind(crate::accounts::canonical::canonical_text(&group.name))
        .bind(now)
        .bind(group.dn.to_lowercase())
        .fetch_one(&mut *conn)
        .await?;
        kept.insert(id);
    }
    let mirrored: Vec<i64> =
        sqlx::query_scalar("SELECT id FROM groups WHERE directory_dn IS NOT NULL")
            .fetch_all(&mut *conn)
            .await?;
    for id in mirrored.into_iter().filter(|id| !kept.contains(id)) {
        sqlx::query("DELETE FROM groups WHERE id = ?")
            .bind(id)
            .execute(&mut *conn)
            .await?;
    }
    Ok(kept.len())
}

/// The row of this stable id, else a local row of the same name never linked to the
/// directory (adopted, with its security info), else a new one.
async fn row_id(conn: &mut SqliteConnection, row: &Row<'_>) -> Result<Option<i64>, sqlx::Error> {
    let linked: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE directory_id = ?")
        .bind(&row.person.stable_id)
        .fetch_optional(&mut *conn)
        .await?;
    if linked.is_some() {
        return Ok(linked);
    }
    sqlx::query_scalar("SELECT id FROM users WHERE username_canonical = ? AND directory_id IS NULL")
        .bind(&row.canonical)
        .fetch_optional(&mut *conn)
        .await
}

/// Writes one person's row, memberships and roles; returns the row's id.
pub(super) async fn upsert(
    conn: &mut SqliteConnection,
    row: &Row<'_>,
    now: i64,
) -> Result<i64, sqlx::Error> {
    let person = row.person;
    let id = match row_id(conn, row).await? {
        Some(id) => id,
        None => {
            // A placeholder name until the update below; the stable id is unique already.
            sqlx::query_scalar(
                "INSERT INTO users (username, username_canonical, display_name, directory_id, created_at, updated_at)
                 VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            )
            .bind(&person.login)
            .bind(format!("\u{1}new:{}", person.stable_id))
            .bind(row.display_name)
            .bind(&person.stable_id)
            .bind(now)
            .bind(now)
            .fetch_one(&mut *conn)
            .await?
        }
    };
    // Someone else's old login (a renamed or departed person): that row gives the name up.
    sqlx::query(
        "UPDATE users SET username_canonical = char(1) || 'gone:' || id || ':' || username_canonical,
                status = 'disabled', lock_reason = ?, updated_at = ?
         WHERE username_canonical = ? AND id <> ?",
    )
    .bind(LOCK_REASON_ABSENT)
    .bind(now)
    .bind(&row.canonical)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    write_row(conn, id, row, now).await?;
    write_memberships(conn, id, row).await?;
    Ok(id)
}

async fn write_row(
    conn: &mut SqliteConnection,
    id: i64,
    row: &Row<'_>,
    now: i64,
) -> Result<(), sqlx::Error> {
    let person = row.person;
    // The directory's lock wins; with none, a lock or disablement of the directory's (or
    // of absence) ends, and sspr's own sign-in lock stays.
    sqlx::query(
        "UPDATE users SET username = ?1, username_canonical = ?2, display_name = ?3, email = ?4,
                phone = ?5, directory_id = ?6, directory_dn = ?7, directory_privileged = ?8,
                status = CASE WHEN ?9 IS NOT NULL THEN ?9
                              WHEN lock_reason IN (?10, ?11) THEN 'enabled' ELSE status END,
                lock_reason = CASE WHEN ?9 IS NOT NULL THEN ?10
                                   WHEN lock_reason IN (?10, ?11) THEN NULL ELSE lock_reason END,
                locked_until = CASE WHEN ?9 IS NOT NULL THEN NULL ELSE locked_until END,
                updated_at = ?12
         WHERE id = ?13",
    )
    .bind(&person.login)
    .bind(&row.canonical)
    .bind(row.display_name)
    .bind(&person.email)
    .bind(&person.mobile)
    .bind(&person.stable_id)
    .bind(&person.dn)
    .bind(row.privileged)
    .bind(row.status())
    .bind(LOCK_REASON_DIRECTORY)
    .bind(LOCK_REASON_ABSENT)
    .bind(now)
    .bind(id)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Memberships of the directory's groups and every role follow the directory.
async fn write_memberships(
    conn: &mut SqliteConnection,
    id: i64,
    row: &Row<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM group_members WHERE user_id = ?
           AND group_id IN (SELECT id FROM groups WHERE directory_dn IS NOT NULL)",
    )
    .bind(id)
    .execute(&mut *conn)
    .await?;
    for dn in &row.groups {
        sqlx::query(
            "INSERT OR IGNORE INTO group_members (group_id, user_id)
             SELECT id, ? FROM groups WHERE directory_dn = ?",
        )
        .bind(id)
        .bind(dn)
        .execute(&mut *conn)
        .await?;
    }
    clear_roles(conn, id).await?;
    for role in &row.roles {
        sqlx::query("INSERT INTO role_assignments (user_id, role, granted_at) VALUES (?, ?, 0)")
            .bind(id)
            .bind(role.as_str())
            .execute(&mut *conn)
            .await?;
    }
    Ok(())
}

/// Roles follow the directory's groups, so each read starts from none.
async fn clear_roles(conn: &mut SqliteConnection, id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM role_assignments WHERE user_id = ?")
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Disables the mirrored people a whole read no longer found (their security info stays,
/// should they come back into scope). Returns how many.
pub(super) async fn retire_absent(
    conn: &mut SqliteConnection,
    seen: &HashSet<&str>,
    now: i64,
) -> Result<usize, sqlx::Error> {
    let linked: Vec<(i64, String)> =
        sqlx::query_as("SELECT id, directory_id FROM users WHERE directory_id IS NOT NULL")
            .fetch_all(&mut *conn)
            .await?;
    let mut retired = 0;
    for (id, _) in linked
        .iter()
        .filter(|(_, sid)| !seen.contains(sid.as_str()))
    {
        let done = sqlx::query(
            "UPDATE users SET status = 'disabled', lock_reason = ?, locked_until = NULL, updated_at = ?
             WHERE id = ? AND lock_reason IS NOT ?",
        )
        .bind(LOCK_REASON_ABSENT)
        .bind(now)
        .bind(id)
        .bind(LOCK_REASON_ABSENT)
        .execute(&mut *conn)
        .await?;
        clear_roles(conn, *id).await?;
        retired += usize::try_from(done.rows_affected()).unwrap_or(0);
    }
    Ok(retired)
}

/// When the directory was last read whole, and what it held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LastRead {
    pub read_at: i64,
    pub users: i64,
    pub groups: i64,
}

pub(super) async fn note_read(
    conn: &mut SqliteConnection,
    users: usize,
    groups: usize,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO directory_reads (id, read_at, users, groups) VALUES (1, ?, ?, ?)
         ON CONFLICT (id) DO UPDATE SET read_at = excluded.read_at, users = excluded.users,
                                        groups = excluded.groups",
    )
    .bind(now)
    .bind(i64::try_from(users).unwrap_or(i64::MAX))
    .bind(i64::try_from(groups).unwrap_or(i64::MAX))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn last_read(pool: &SqlitePool) -> Result<Option<LastRead>, sqlx::Error> {
    let row: Option<(i64, i64, i64)> =
        sqlx::query_as("SELECT read_at, users, groups FROM directory_reads WHERE id = 1")
            .fetch_optional(pool)
            .await?;
    Ok(row.map(|(read_at, users, groups)| LastRead {
        read_at,
        users,
        groups,
    }))
}

pub(super) async fn entry_of(
    pool: &SqlitePool,
    user_id: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT directory_dn, directory_id FROM users
         WHERE id = ? AND directory_dn IS NOT NULL AND directory_id IS NOT NULL",
    )
    .bind(user_id)
    .fetch_optional(pool)
    .await
}
