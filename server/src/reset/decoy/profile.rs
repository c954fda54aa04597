//! What real accounts here look like, for decoys to copy: the email domains and phone
//! prefixes registered, and which sets of methods accounts have, with how many of each.
//! Read at most once an hour.

use app::domain::MethodKind;
use sqlx::SqlitePool;
use std::sync::RwLock;

/// What registered accounts have: one kind of account and how many are like it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Registered {
    pub is_admin: bool,
    pub email: bool,
    pub phone: bool,
    pub authenticator: bool,
    pub answers: i64,
    pub recovery_codes: bool,
}

impl Registered {
    pub(super) fn has(&self, kind: MethodKind, questions_needed: u8) -> bool {
        match kind {
            MethodKind::Email => self.email,
            MethodKind::Phone => self.phone,
            MethodKind::Authenticator => self.authenticator,
            MethodKind::Questions => self.answers >= i64::from(questions_needed.max(1)),
            MethodKind::RecoveryCodes => self.recovery_codes,
        }
    }
}

/// What real accounts look like here, refreshed now and then.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Profile {
    /// Email domains of registered addresses and how many have each.
    pub email_domains: Vec<(String, i64)>,
    /// The first two digits of registered numbers (what a mask shows) and how many.
    pub phone_heads: Vec<(String, i64)>,
    /// Kinds of account by what they registered, and how many of each.
    pub registered: Vec<(Registered, i64)>,
    /// Per mille of registered addresses whose first letter is not the username's.
    pub other_initial_permille: i64,
}

pub struct Profiles {
    fallback_domain: String,
    /// The profile, when it was read, and whether directory contacts counted in it.
    cached: RwLock<Option<(Profile, i64, bool)>>,
}

const REFRESH_SECS: i64 = 3600;
/// Domains and country codes kept; rarer ones are left out of decoys.
const MOST_COMMON: i64 = 64;

impl Profiles {
    pub fn new(public_origin: &str) -> Self {
        let host = public_origin
            .split("://")
            .nth(1)
            .unwrap_or(public_origin)
            .split(':')
            .next()
            .unwrap_or("example.com");
        Self {
            fallback_domain: host.to_owned(),
            cached: RwLock::new(None),
        }
    }

    /// Drops the cached profile (after registrations change in bulk, and in tests).
    pub fn forget(&self) {
        if let Ok(mut guard) = self.cached.write() {
            *guard = None;
        }
    }

    /// `directory_contacts`: the reset policy's choice that a mirrored account's own mail
    /// and mobile count as registered; decoys then copy those too, or their hints and
    /// method sets would tell them from real accounts.
    pub async fn get(
        &self,
        pool: &SqlitePool,
        now: i64,
        directory_contacts: bool,
    ) -> Result<Profile, sqlx::Error> {
        if let Ok(guard) = self.cached.read() {
            if let Some((profile, at, contacts)) = guard.as_ref() {
                if now - at < REFRESH_SECS && *contacts == directory_contacts {
                    return Ok(profile.clone());
                }
            }
        }
        let mut profile = read_profile(pool, directory_contacts).await?;
        if profile.email_domains.is_empty() {
            profile.email_domains = vec![(self.fallback_domain.clone(), 1)];
        }
        if profile.phone_heads.is_empty() {
            profile.phone_heads = vec![("1".into(), 1)];
        }
        if let Ok(mut guard) = self.cached.write() {
            *guard = Some((profile.clone(), now, directory_contacts));
        }
        Ok(profile)
    }
}

/// Each account's email and phone as the wizard offers them: the registered method, or,
/// when `?1` (directory contacts) holds, a mirrored account's own non-blank mail and
/// mobile, as `account::split` does.
macro_rules! with_contacts {
    ($query:literal) => {
        concat!(
            "WITH contacts AS (
               SELECT u.id, u.username, u.status, u.directory_privileged,
                 COALESCE(
                   (SELECT value FROM auth_methods a WHERE a.user_id = u.id AND a.kind = 'email'),
                   CASE WHEN ?1 AND u.directory_id IS NOT NULL AND trim(COALESCE(u.email, '')) <> ''
                        THEN u.email END) AS email,
                 COALESCE(
                   (SELECT value FROM auth_methods a WHERE a.user_id = u.id AND a.kind = 'phone'),
                   CASE WHEN ?1 AND u.directory_id IS NOT NULL AND trim(COALESCE(u.phone, '')) <> ''
                        THEN u.phone END) AS phone
               FROM users u) ",
            $query
        )
    };
}

async fn read_profile(pool: &SqlitePool, directory_contacts: bool) -> Result<Profile, sqlx::Error> {
    let email_domains = sqlx::query_as(with_contacts!(
        "SELECT lower(substr(email, instr(email, '@') + 1)) AS d, COUNT(*) AS n FROM contacts
         WHERE email IS NOT NULL GROUP BY d ORDER BY n DESC, d LIMIT ?2"
    ))
    .bind(directory_contacts)
    .bind(MOST_COMMON)
    .fetch_all(pool)
    .await?;
    // What `mask_phone` shows of a number: its first two digits.
    let phone_heads = sqlx::query_as(with_contacts!(
        "SELECT substr(replace(replace(replace(phone, '+', ''), ' ', ''), '-', ''), 1, 2) AS h,
                COUNT(*) AS n
         FROM contacts WHERE phone IS NOT NULL GROUP BY h ORDER BY n DESC, h LIMIT ?2"
    ))
    .bind(directory_contacts)
    .bind(MOST_COMMON)
    .fetch_all(pool)
    .await?;
    let registered = registered_kinds(pool, directory_contacts).await?;
    let (all, other): (i64, i64) = sqlx::query_as(with_contacts!(
        "SELECT COUNT(*), COALESCE(SUM(lower(substr(email, 1, 1)) <> lower(substr(username, 1, 1))), 0)
         FROM contacts WHERE email IS NOT NULL"
    ))
    .bind(directory_contacts)
    .fetch_one(pool)
    .await?;
    Ok(Profile {
        email_domains,
        phone_heads,
        registered,
        other_initial_permille: if all == 0 { 0 } else { other * 1000 / all },
    })
}

/// Kinds of account (not disabled) by what they registered, and how many of each.
async fn registered_kinds(
    pool: &SqlitePool,
    directory_contacts: bool,
) -> Result<Vec<(Registered, i64)>, sqlx::Error> {
    let rows: Vec<(bool, bool, bool, bool, i64, bool, i64)> = sqlx::query_as(with_contacts!(
        "SELECT EXISTS (SELECT 1 FROM role_assignments r WHERE r.user_id = u.id) OR u.directory_privileged,
                u.email IS NOT NULL,
                u.phone IS NOT NULL,
                EXISTS (SELECT 1 FROM auth_methods a WHERE a.user_id = u.id AND a.kind = 'authenticator'),
                MIN((SELECT COUNT(*) FROM security_answers s WHERE s.user_id = u.id), 10),
                EXISTS (SELECT 1 FROM recovery_codes c WHERE c.user_id = u.id AND c.used_at IS NULL),
                COUNT(*)
         FROM contacts u WHERE u.status <> 'disabled' GROUP BY 1, 2, 3, 4, 5, 6"
    ))
    .bind(directory_contacts)
    .fetch_all(pool)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(is_admin, email, phone, authenticator, answers, recovery_codes, n)| {
                let kind = Registered {
                    is_admin,
                    email,
                    phone,
                    authenticator,
                    answers,
                    recovery_codes,
                };
                (kind, n)
            },
        )
        .collect())
}
