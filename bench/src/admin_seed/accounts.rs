//! The accounts: the global admin through the same store functions and hasher the server
//! uses, then the people in multi-row INSERTs, a thousand at a time, with their groups
//! and registered email addresses.

use super::events::AUDIT_SPAN_SECS;
use super::noise::{noise, pick};
use super::people::{group_name, person, registered, Person, Status, GROUPS};
use app::domain::{Role, Username};
use server::tools::accounts::{self as store, canonical_username, NewUser};
use server::tools::{HashingParams, PasswordHasher};
use sqlx::{Connection, QueryBuilder, Sqlite, SqliteConnection, Transaction};

/// The global admin the bench signs in as. A bench fixture, not a secret: the database
/// lives in the bench's temporary directory and is removed with it.
pub const ADMIN_USERNAME: &str = "bench-admin";
pub const ADMIN_PASSWORD: &str = "harbour lantern quietly bench";

/// Rows per INSERT: 14 user columns each, below SQLite's 32,766 bound values.
const USER_BATCH: usize = 1_000;

/// A person about to be written: number, names, and canonical username.
type Row = (usize, Person, String);

/// The admin, through the same store functions and hasher the server uses.
pub async fn seed_admin(
    conn: &mut SqliteConnection,
    params: HashingParams,
    now: i64,
) -> Result<i64, String> {
    let hasher = PasswordHasher::new(params);
    let phc = hasher
        .hash(ADMIN_PASSWORD)
        .await
        .map_err(|e| e.to_string())?;
    let username = Username::parse(ADMIN_USERNAME).map_err(|e| e.to_string())?;
    let mut tx = conn.begin().await.map_err(|e| e.to_string())?;
    let user = NewUser {
        username,
        display_name: "Bench Admin".into(),
        email: Some("bench-admin@example.org".into()),
        phone: None,
        must_change_password: false,
    };
    let id = store::insert_user(&mut tx, &user, now)
        .await
        .map_err(|e| e.to_string())?;
    store::set_password(&mut tx, id, &phc, params, now)
        .await
        .map_err(|e| e.to_string())?;
    store::grant_role(&mut tx, id, Role::GlobalAdmin, now)
        .await
        .map_err(|e| e.to_string())?;
    tx.commit().await.map_err(|e| e.to_string())?;
    Ok(id)
}

/// People `0..count` get ids `first_id..`, a group or two, and (three in four) a
/// registered email address.
pub async fn seed_people(
    conn: &mut SqliteConnection,
    first_id: i64,
    count: usize,
    now: i64,
) -> Result<(), String> {
    let e = |e: sqlx::Error| e.to_string();
    let mut tx = conn.begin().await.map_err(e)?;
    let mut group_ids = Vec::with_capacity(GROUPS);
    for g in 0..GROUPS {
        group_ids.push(
            store::ensure_group(&mut tx, &group_name(g), now)
                .await
                .map_err(|e| e.to_string())?,
        );
    }
    for start in (0..count).step_by(USER_BATCH) {
        let batch: Vec<usize> = (start..count.min(start + USER_BATCH)).collect();
        let mut rows = Vec::with_capacity(batch.len());
        for &i in &batch {
            let p = person(i);
            let canonical = canonical_username(
                &Username::parse(&p.username).map_err(|e| format!("{}: {e}", p.username))?,
            );
            rows.push((i, p, canonical));
        }
        insert_users(&mut tx, first_id, &rows, now)
            .await
            .map_err(e)?;
        insert_members(&mut tx, first_id, &batch, &group_ids)
            .await
            .map_err(e)?;
        insert_emails(&mut tx, first_id, &rows, now)
            .await
            .map_err(e)?;
    }
    tx.commit().await.map_err(e)
}

async fn insert_users(
    tx: &mut Transaction<'_, Sqlite>,
    first_id: i64,
    rows: &[Row],
    now: i64,
) -> Result<(), sqlx::Error> {
    let three_years = 3 * 365 * 86_400;
    let mut insert = QueryBuilder::<Sqlite>::new(
        "INSERT INTO users (id, username, username_canonical, display_name, email, phone, status, lock_reason, locked_until, last_sign_in_at, created_at, updated_at, language, security_info_confirmed_at) ",
    );
    insert.push_values(rows, |mut b, (i, p, canonical)| {
        let i = *i;
        let status = Status::of(i);
        let locked = status == Status::Locked;
        let created = now - (noise(i, 2) % three_years) as i64;
        b.push_bind(first_id + i as i64)
            .push_bind(&p.username)
            .push_bind(canonical)
            .push_bind(&p.display_name)
            .push_bind(&p.email)
            .push_bind((i % 3 == 0).then(|| format!("+30210{:07}", i % 10_000_000)))
            .push_bind(status.as_str())
            .push_bind(locked.then_some(store::LOCK_REASON_SIGN_IN))
            .push_bind(locked.then_some(now + 86_400))
            .push_bind(
                (noise(i, 3) % 100 < 85)
                    .then(|| now - (noise(i, 4) % AUDIT_SPAN_SECS as u64) as i64),
            )
            .push_bind(created)
            .push_bind(created)
            .push_bind(if noise(i, 5) % 10 < 3 { "el" } else { "en" })
            .push_bind(registered(i).then_some(created));
    });
    insert.build().execute(&mut **tx).await.map(drop)
}

/// Each person in one group, and one in eight or so in a second.
async fn insert_members(
    tx: &mut Transaction<'_, Sqlite>,
    first_id: i64,
    batch: &[usize],
    group_ids: &[i64],
) -> Result<(), sqlx::Error> {
    let mut members = Vec::with_capacity(batch.len() * 2);
    for &i in batch {
        let first = pick(i, 6, GROUPS);
        members.push((first_id + i as i64, group_ids[first]));
        if noise(i, 7) % 100 < 12 {
            let second = (first + 1 + pick(i, 8, GROUPS - 1)) % GROUPS;
            members.push((first_id + i as i64, group_ids[second]));
        }
    }
    let mut insert = QueryBuilder::<Sqlite>::new("INSERT INTO group_members (user_id, group_id) ");
    insert.push_values(&members, |mut b, (user, group)| {
        b.push_bind(*user).push_bind(*group);
    });
    insert.build().execute(&mut **tx).await.map(drop)
}

/// The registered email addresses of those who have one.
async fn insert_emails(
    tx: &mut Transaction<'_, Sqlite>,
    first_id: i64,
    rows: &[Row],
    now: i64,
) -> Result<(), sqlx::Error> {
    let registered: Vec<&Row> = rows.iter().filter(|(i, _, _)| registered(*i)).collect();
    if registered.is_empty() {
        return Ok(());
    }
    let mut insert = QueryBuilder::<Sqlite>::new(
        "INSERT INTO auth_methods (user_id, kind, value, registered_at) ",
    );
    insert.push_values(&registered, |mut b, (i, p, _)| {
        b.push_bind(first_id + *i as i64)
            .push_bind("email")
            .push_bind(&p.email)
            .push_bind(now - (noise(*i, 2) % AUDIT_SPAN_SECS as u64) as i64);
    });
    insert.build().execute(&mut **tx).await.map(drop)
}
