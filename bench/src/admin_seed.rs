//! The admin dashboard's database: a global admin the bench signs in as, a large
//! organisation (realistic names and addresses in ~50 groups, a few disabled or locked
//! accounts, most with an email address registered) and a long audit log over 90 days
//! whose keyed hash chain and head record verify (under the key file the server will
//! read, `sspr.key` beside the database, created here). Written straight into a fresh database (the server's
//! migrations first) with multi-row INSERTs in big transactions, so a million audit rows
//! take seconds, not the hours the one-event-at-a-time writer would.
//!
//! Everything is a pure function of the row number (`noise`), so the bench knows which
//! names, groups and accounts exist without reading them back.

use app::domain::{Role, Username};
use server::tools::accounts::{self as store, canonical_username, NewUser};
use server::tools::audit::{AuditKind, ChainHead, ChainKey, Link, Outcome, GENESIS_HASH};
use server::tools::{HashingParams, PasswordHasher, ServerSecret};
// The only dynamic SQL is the schema's own index statements, read back from SQLite.
use sqlx::{AssertSqlSafe, Connection, QueryBuilder, Sqlite, SqliteConnection};
use std::path::Path;
use std::time::{Duration, Instant};

/// The global admin the bench signs in as. A bench fixture, not a secret: the database
/// lives in the bench's temporary directory and is removed with it.
pub const ADMIN_USERNAME: &str = "bench-admin";
pub const ADMIN_PASSWORD: &str = "harbour lantern quietly bench";

/// How far back the audit log reaches.
const AUDIT_SPAN_SECS: i64 = 90 * 86_400;
/// Rows per INSERT: 14 user columns or 12 audit columns each, below SQLite's 32,766
/// bound values.
const USER_BATCH: usize = 1_000;
const AUDIT_BATCH: usize = 2_000;
/// Audit rows per transaction: big enough to be fast, small enough to keep the WAL short.
const AUDIT_COMMIT: usize = 100_000;
/// One audit row in this many concerns the busy user, so the per-user filter fills pages.
const BUSY_USER_EVERY: usize = 1_000;
/// Person number of the busy user.
const BUSY_PERSON: usize = 7;

#[rustfmt::skip]
const FIRST: [&str; 60] = [
    "Maria", "Mark", "Martin", "Marco", "Anna", "John", "James", "Mary", "Robert", "Patricia",
    "Michael", "Linda", "David", "Elizabeth", "William", "Barbara", "Richard", "Susan",
    "Joseph", "Jessica", "Thomas", "Sarah", "Charles", "Karen", "Daniel", "Nancy", "Matthew",
    "Lisa", "Anthony", "Betty", "Andrew", "Sandra", "Joshua", "Ashley", "Kevin", "Emily",
    "Brian", "Donna", "George", "Michelle", "Eleni", "Nikos", "Giorgos", "Dimitra", "Kostas",
    "Sofia", "Yannis", "Katerina", "Petros", "Ioanna", "Hans", "Ingrid", "Lars", "Astrid",
    "Pierre", "Camille", "Luca", "Giulia", "Carlos", "Lucia",
];

#[rustfmt::skip]
const LAST: [&str; 80] = [
    "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
    "Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor",
    "Moore", "Jackson", "Martin", "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez",
    "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young", "Allen", "King", "Wright",
    "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
    "Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Papadopoulos", "Georgiou",
    "Nikolaou", "Ioannou", "Konstantinou", "Dimitriou", "Pappas", "Vlachos", "Angelopoulos",
    "Oikonomou", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
    "Hoffmann", "Dubois", "Moreau", "Laurent", "Rossi", "Russo", "Ferrari", "Esposito",
    "Bianchi", "Silva", "Santos", "Costa", "Pereira",
];

/// A surname only one person in 25,000 has: the "rare name" search.
pub const RARE_SURNAME: &str = "Thornbury";
const RARE_EVERY: usize = 25_000;
const RARE_AT: usize = 4_321;
/// One person in ten is a partner with an address at this domain: the email search.
pub const PARTNER_DOMAIN: &str = "partners.example.net";

const DEPARTMENTS: [&str; 10] = [
    "Sales",
    "Engineering",
    "Finance",
    "Support",
    "Marketing",
    "Legal",
    "Operations",
    "Research",
    "Human Resources",
    "Logistics",
];
const SITES: [&str; 5] = ["Athens", "Thessaloniki", "London", "Berlin", "Lisbon"];
pub const GROUPS: usize = DEPARTMENTS.len() * SITES.len();

const USER_AGENTS: [&str; 5] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 15; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36",
];

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

/// A deterministic, well-mixed 64-bit value for row `i` and purpose `salt` (splitmix64).
fn noise(i: usize, salt: u64) -> u64 {
    let mut z = (i as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(salt.wrapping_mul(0xD1B5_4A32_D192_ED03));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn pick(i: usize, salt: u64, below: usize) -> usize {
    (noise(i, salt) % below.max(1) as u64) as usize
}

/// Person `i` (0-based; the admin is not a person).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub username: String,
    pub display_name: String,
    pub email: String,
}

/// First name, surname and a number for the namesakes after the first: each `i` gives
/// another combination, so usernames never collide.
pub fn person(i: usize) -> Person {
    let first = FIRST[i % FIRST.len()];
    let last = if i % RARE_EVERY == RARE_AT {
        RARE_SURNAME
    } else {
        LAST[(i / FIRST.len()) % LAST.len()]
    };
    let namesake = i / (FIRST.len() * LAST.len());
    let number = if namesake == 0 {
        String::new()
    } else {
        (namesake + 1).to_string()
    };
    let username = format!("{}.{}{number}", first.to_lowercase(), last.to_lowercase());
    let domain = if i % 10 == 3 {
        PARTNER_DOMAIN
    } else {
        "example.org"
    };
    Person {
        email: format!("{username}@{domain}"),
        display_name: format!("{first} {last}"),
        username,
    }
}

/// The user the audit log's per-user filter looks for: it has one row in 1,000.
pub fn busy_person() -> Person {
    person(BUSY_PERSON)
}

pub fn group_name(g: usize) -> String {
    format!(
        "{} {}",
        DEPARTMENTS[g % DEPARTMENTS.len()],
        SITES[(g / DEPARTMENTS.len()) % SITES.len()]
    )
}

/// A group most people are in, for the group filter.
pub fn probe_group() -> String {
    group_name(0)
}

fn status(i: usize) -> &'static str {
    if i % 97 == 13 {
        "disabled"
    } else if i % 331 == 17 {
        "locked"
    } else {
        "enabled"
    }
}

/// Three people in four have registered (and confirmed) an email address.
fn registered(i: usize) -> bool {
    !noise(i, 9).is_multiple_of(4)
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
    let admin_id = seed_admin(&mut conn, params, now)
        .await
        .map_err(|e| failed(&e))?;
    let people = sizes.users - 1;
    seed_people(&mut conn, admin_id + 1, people, now)
        .await
        .map_err(|e| failed(&e))?;
    let users_took = started.elapsed();
    let started = Instant::now();
    let secret = ServerSecret::load_or_create(&database.with_file_name("sspr.key"))
        .map_err(|e| failed(&e))?;
    let key = ChainKey::new(&secret);
    seed_audit(&mut conn, &key, admin_id, people, sizes.audit_rows, now)
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

/// The admin, through the same store functions and hasher the server uses.
async fn seed_admin(
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
async fn seed_people(
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
    let three_years = 3 * 365 * 86_400;
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
        let mut insert = QueryBuilder::<Sqlite>::new(
            "INSERT INTO users (id, username, username_canonical, display_name, email, phone, status, lock_reason, locked_until, last_sign_in_at, created_at, updated_at, language, security_info_confirmed_at) ",
        );
        insert.push_values(&rows, |mut b, (i, p, canonical)| {
            let i = *i;
            let status = status(i);
            let locked = status == "locked";
            let created = now - (noise(i, 2) % three_years) as i64;
            b.push_bind(first_id + i as i64)
                .push_bind(&p.username)
                .push_bind(canonical)
                .push_bind(&p.display_name)
                .push_bind(&p.email)
                .push_bind((i % 3 == 0).then(|| format!("+30210{:07}", i % 10_000_000)))
                .push_bind(status)
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
        insert.build().execute(&mut *tx).await.map_err(e)?;

        let mut members = Vec::with_capacity(batch.len() * 2);
        for &i in &batch {
            let first = pick(i, 6, GROUPS);
            members.push((first_id + i as i64, group_ids[first]));
            if noise(i, 7) % 100 < 12 {
                let second = (first + 1 + pick(i, 8, GROUPS - 1)) % GROUPS;
                members.push((first_id + i as i64, group_ids[second]));
            }
        }
        let mut insert =
            QueryBuilder::<Sqlite>::new("INSERT INTO group_members (user_id, group_id) ");
        insert.push_values(&members, |mut b, (user, group)| {
            b.push_bind(*user).push_bind(*group);
        });
        insert.build().execute(&mut *tx).await.map_err(e)?;

        let registered: Vec<&(usize, Person, String)> =
            rows.iter().filter(|(i, _, _)| registered(*i)).collect();
        if !registered.is_empty() {
            let mut insert = QueryBuilder::<Sqlite>::new(
                "INSERT INTO auth_methods (user_id, kind, value, registered_at) ",
            );
            insert.push_values(&registered, |mut b, (i, p, _)| {
                b.push_bind(first_id + *i as i64)
                    .push_bind("email")
                    .push_bind(&p.email)
                    .push_bind(now - (noise(*i, 2) % AUDIT_SPAN_SECS as u64) as i64);
            });
            insert.build().execute(&mut *tx).await.map_err(e)?;
        }
    }
    tx.commit().await.map_err(e)
}

/// One audit row before hashing.
struct Event {
    at: i64,
    kind: AuditKind,
    outcome: Outcome,
    account_id: Option<i64>,
    actor_id: Option<i64>,
    ip: String,
    user_agent: &'static str,
    detail: &'static str,
}

/// Kinds by weight (per 1,000): mostly the reset wizard's steps, a few admin actions.
const KINDS: [(AuditKind, Outcome, u64); 19] = [
    (AuditKind::ResetStarted, Outcome::Success, 220),
    (AuditKind::CaptchaFailed, Outcome::Failure, 30),
    (AuditKind::MethodChosen, Outcome::Success, 150),
    (AuditKind::CodeSent, Outcome::Success, 140),
    (AuditKind::GatePassed, Outcome::Success, 110),
    (AuditKind::GateFailed, Outcome::Failure, 60),
    (AuditKind::Throttled, Outcome::Denied, 15),
    (AuditKind::Blocked, Outcome::Denied, 10),
    (AuditKind::PasswordReset, Outcome::Success, 90),
    (AuditKind::AccountUnlocked, Outcome::Success, 15),
    (AuditKind::NotificationQueued, Outcome::Success, 100),
    (AuditKind::WizardExpired, Outcome::Failure, 30),
    (AuditKind::PasswordChanged, Outcome::Success, 20),
    (AuditKind::UserUpdated, Outcome::Success, 3),
    (AuditKind::PasswordSetByAdmin, Outcome::Success, 2),
    (AuditKind::SessionsRevoked, Outcome::Success, 2),
    (AuditKind::UserDisabled, Outcome::Success, 1),
    (AuditKind::AuditExported, Outcome::Success, 1),
    (AuditKind::AdminDenied, Outcome::Denied, 1),
];

fn is_admin_action(kind: AuditKind) -> bool {
    matches!(
        kind,
        AuditKind::UserUpdated
            | AuditKind::PasswordSetByAdmin
            | AuditKind::SessionsRevoked
            | AuditKind::UserDisabled
            | AuditKind::AuditExported
            | AuditKind::AdminDenied
    )
}

/// Row `i` of `rows`: times rise with the id over the last 90 days, as appended rows do.
fn event(i: usize, rows: usize, admin_id: i64, people: usize, now: i64) -> Event {
    let mut roll = noise(i, 10) % 1_000;
    let (kind, outcome) = KINDS
        .iter()
        .find(|(_, _, weight)| {
            let hit = roll < *weight;
            roll = roll.saturating_sub(*weight);
            hit
        })
        .map_or((AuditKind::ResetStarted, Outcome::Success), |(k, o, _)| {
            (*k, *o)
        });
    let someone = || Some(admin_id + 1 + pick(i, 11, people) as i64);
    let admin = is_admin_action(kind);
    let account_id = if i.is_multiple_of(BUSY_USER_EVERY) {
        Some(admin_id + 1 + BUSY_PERSON.min(people - 1) as i64)
    } else {
        match kind {
            AuditKind::CaptchaFailed | AuditKind::AuditExported => None,
            // Starts for names that match no account (decoys) have none.
            AuditKind::ResetStarted if noise(i, 12) % 100 < 15 => None,
            _ => someone(),
        }
    };
    let method = ["email", "phone", "questions", "authenticator"][pick(i, 13, 4)];
    let detail = match kind {
        AuditKind::MethodChosen | AuditKind::CodeSent | AuditKind::GatePassed => method,
        AuditKind::GateFailed => "wrong answer",
        AuditKind::CaptchaFailed => "wrong solution",
        AuditKind::UserUpdated => "display name, email",
        AuditKind::AdminDenied => "policy",
        _ => "",
    };
    let ip = if admin {
        format!("10.0.0.{}", 10 + pick(i, 14, 5))
    } else {
        format!(
            "{}.{}.{}.{}",
            [203, 198, 192, 85][pick(i, 15, 4)],
            pick(i, 16, 256),
            pick(i, 17, 256),
            1 + pick(i, 18, 254)
        )
    };
    let span = AUDIT_SPAN_SECS as u128;
    Event {
        at: now - AUDIT_SPAN_SECS + (i as u128 * span / rows.max(1) as u128) as i64,
        kind,
        outcome,
        account_id,
        actor_id: admin.then_some(admin_id),
        ip,
        user_agent: USER_AGENTS[pick(i, 19, USER_AGENTS.len())],
        detail,
    }
}

/// Rows with ids `1..=rows`, chained from the genesis hash.
async fn seed_audit(
    conn: &mut SqliteConnection,
    key: &ChainKey,
    admin_id: i64,
    people: usize,
    rows: usize,
    now: i64,
) -> Result<(), String> {
    let e = |e: sqlx::Error| e.to_string();
    // Building each index once over the loaded rows is much faster than growing them row
    // by row; whatever indexes the migrations made are made again, the same.
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'audit_events' AND sql IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(e)?;
    for (name, _) in &indexes {
        sqlx::query(AssertSqlSafe(format!("DROP INDEX \"{name}\"")))
            .execute(&mut *conn)
            .await
            .map_err(e)?;
    }
    let mut prev = GENESIS_HASH.to_owned();
    for commit_start in (0..rows).step_by(AUDIT_COMMIT) {
        let mut tx = conn.begin().await.map_err(e)?;
        let commit_end = rows.min(commit_start + AUDIT_COMMIT);
        for start in (commit_start..commit_end).step_by(AUDIT_BATCH) {
            let end = commit_end.min(start + AUDIT_BATCH);
            let mut batch = Vec::with_capacity(end - start);
            for i in start..end {
                let event = event(i, rows, admin_id, people, now);
                let id = i as i64 + 1;
                let hash = Link {
                    prev_hash: &prev,
                    id,
                    at: event.at,
                    event: event.kind.as_str(),
                    account_id: event.account_id,
                    ip: &event.ip,
                    user_agent: event.user_agent,
                    outcome: event.outcome.as_str(),
                    detail: event.detail,
                    actor_id: event.actor_id,
                }
                .keyed_hash(key);
                let prev_hash = std::mem::replace(&mut prev, hash.clone());
                batch.push((id, event, prev_hash, hash));
            }
            let mut insert = QueryBuilder::<Sqlite>::new(
                "INSERT INTO audit_events (id, at, event, account_id, ip, user_agent, outcome, detail, prev_hash, hash, actor_id, keyed) ",
            );
            insert.push_values(&batch, |mut b, (id, event, prev_hash, hash)| {
                b.push_bind(*id)
                    .push_bind(event.at)
                    .push_bind(event.kind.as_str())
                    .push_bind(event.account_id)
                    .push_bind(&event.ip)
                    .push_bind(event.user_agent)
                    .push_bind(event.outcome.as_str())
                    .push_bind(event.detail)
                    .push_bind(prev_hash)
                    .push_bind(hash)
                    .push_bind(event.actor_id)
                    .push_bind(true);
            });
            insert.build().execute(&mut *tx).await.map_err(e)?;
        }
        tx.commit().await.map_err(e)?;
    }
    let head = ChainHead {
        rows: rows as i64,
        last_id: rows as i64,
        last_hash: prev,
    };
    server::tools::audit::write_head(conn, key, &head)
        .await
        .map_err(e)?;
    for (_, sql) in indexes {
        sqlx::query(AssertSqlSafe(sql))
            .execute(&mut *conn)
            .await
            .map_err(e)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn a_hundred_thousand_people_have_distinct_realistic_names() {
        let mut seen = HashSet::new();
        for i in 0..100_000 {
            let p = person(i);
            assert!(Username::parse(&p.username).is_ok(), "{}", p.username);
            assert!(seen.insert(p.username.clone()), "{} twice", p.username);
        }
        assert_eq!(person(0).username, "maria.smith");
        assert_eq!(person(0).display_name, "Maria Smith");
        assert_eq!(person(3).email, "marco.smith@partners.example.net");
        let rare = (0..100_000)
            .filter(|i| person(*i).display_name.ends_with(RARE_SURNAME))
            .count();
        assert_eq!(rare, 4);
    }

    #[test]
    fn the_event_mix_weighs_a_thousand_and_admin_actions_have_an_actor() {
        assert_eq!(KINDS.iter().map(|(_, _, w)| w).sum::<u64>(), 1_000);
        let events: Vec<Event> = (0..5_000)
            .map(|i| event(i, 5_000, 1, 100, 1_000_000_000))
            .collect();
        assert!(events.windows(2).all(|w| w[0].at <= w[1].at), "times rise");
        assert!(events
            .iter()
            .all(|e| e.actor_id.is_some() == is_admin_action(e.kind)));
        let resets = events
            .iter()
            .filter(|e| e.kind == AuditKind::PasswordReset)
            .count();
        assert!((350..550).contains(&resets), "{resets} of 5,000");
        assert!(events
            .iter()
            .all(|e| e.account_id.is_none_or(|id| (2..=101).contains(&id))));
    }

    #[tokio::test]
    async fn the_seeded_log_verifies_and_the_admin_can_sign_in() {
        let dir = tempfile::tempdir().unwrap();
        let database = dir.path().join("admin.db");
        let params = HashingParams::check(7_168, 5, 1).unwrap();
        let sizes = Sizes {
            users: 2_500,
            audit_rows: 4_321,
        };
        seed(&database, sizes, params).await.unwrap();
        let pool = server::tools::connect(&database).await.unwrap();
        let secret = ServerSecret::load_or_create(&dir.path().join("sspr.key")).unwrap();
        let report = server::tools::audit::verify_chain(&pool, &ChainKey::new(&secret))
            .await
            .unwrap();
        assert!(report.head.is_intact(), "{:?}", report.head);
        assert_eq!(report.rows, 4_321);
        assert_eq!(report.first_broken, None);
        // The indexes dropped for the load are all back, as the migrations made them.
        let fresh = server::tools::connect(&dir.path().join("fresh.db"))
            .await
            .unwrap();
        let schema = "SELECT name, sql FROM sqlite_master WHERE type = 'index' ORDER BY name";
        let indexes: Vec<(String, Option<String>)> =
            sqlx::query_as(schema).fetch_all(&pool).await.unwrap();
        let expected: Vec<(String, Option<String>)> =
            sqlx::query_as(schema).fetch_all(&fresh).await.unwrap();
        assert_eq!(indexes, expected);
        assert!(indexes.iter().any(|(name, _)| name == "audit_events_at"));
        let count = |sql: &'static str| {
            let pool = pool.clone();
            async move {
                sqlx::query_scalar::<_, i64>(sql)
                    .fetch_one(&pool)
                    .await
                    .unwrap()
            }
        };
        assert_eq!(count("SELECT COUNT(*) FROM users").await, 2_500);
        assert_eq!(count("SELECT COUNT(*) FROM groups").await, GROUPS as i64);
        assert!(count("SELECT COUNT(*) FROM users WHERE status = 'disabled'").await > 10);
        assert!(count("SELECT COUNT(*) FROM users WHERE status = 'locked'").await > 3);
        assert!(count("SELECT COUNT(*) FROM group_members").await > 2_500);
        let busy = Username::parse(&busy_person().username).unwrap();
        let busy = store::find_by_name(&pool, &busy).await.unwrap().unwrap();
        let rows: i64 =
            sqlx::query_scalar("SELECT COUNT(*) FROM audit_events WHERE account_id = ?")
                .bind(busy.id)
                .fetch_one(&pool)
                .await
                .unwrap();
        assert!(rows >= 5, "{rows}");
        let admin = store::find_by_name(&pool, &Username::parse(ADMIN_USERNAME).unwrap())
            .await
            .unwrap()
            .unwrap();
        assert_eq!(
            store::roles(&pool, admin.id).await.unwrap(),
            vec![Role::GlobalAdmin]
        );
        let phc = store::password_hash(&pool, admin.id)
            .await
            .unwrap()
            .unwrap();
        let verified = PasswordHasher::new(params)
            .verify(ADMIN_PASSWORD, &phc)
            .await
            .unwrap();
        assert!(verified.matches);
    }
}
