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
    cached: RwLock<Option<(Profile, i64)>>,
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

    pub async fn get(&self, pool: &SqlitePool, now: i64) -> Result<Profile, sqlx::Error> {
        if let Ok(guard) = self.cached.read() {
            if let Some((profile, at)) = guard.as_ref() {
                if now - at < REFRESH_SECS {
                    return Ok(profile.clone());
                }
            }
        }
        let mut profile = read_profile(pool).await?;
        if profile.email_domains.is_empty() {
            profile.email_domains = vec![(self.fallback_domain.clone(), 1)];
        }
        if profile.phone_heads.is_empty() {
            profile.phone_heads = vec![("1".into(), 1)];
        }
        if let Ok(mut guard) = self.cached.write() {
            *guard = Some((profile.clone(), now));
        }
        Ok(profile)
    }
}

async fn read_profile(pool: &SqlitePool) -> Result<Profile, sqlx::Error> {
    let email_domains = sqlx::query_as(
        "SELECT lower(substr(value, instr(value, '@') + 1)) AS d, COUNT(*) AS n FROM auth_methods
         WHERE kind = 'email' GROUP BY d ORDER BY n DESC, d LIMIT ?",
    )
    .bind(MOST_COMMON)
    .fetch_all(pool)
    .await?;
    // What `mask_phone` shows of a number: its first two digits.
    let phone_heads = sqlx::query_as(
        "SELECT substr(replace(replace(replace(value, '+', ''), ' ', ''), '-', ''), 1, 2) AS h,
                COUNT(*) AS n
         FROM auth_methods WHERE kind = 'phone' GROUP BY h ORDER BY n DESC, h LIMIT ?",
    )
    .bind(MOST_COMMON)
    .fetch_all(pool)
    .await?;
    let registered = registered_kinds(pool).await?;
    let (all, other): (i64, i64) = sqlx::query_as(
        "SELECT COUNT(*), COALESCE(SUM(lower(substr(a.value, 1, 1)) <> lower(substr(u.username, 1, 1))), 0)
         FROM auth_methods a JOIN users u ON u.id = a.user_id WHERE a.kind = 'email'",
    )
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
async fn registered_kinds(pool: &SqlitePool) -> Result<Vec<(Registered, i64)>, sqlx::Error> {
    let rows: Vec<(bool, bool, bool, bool, i64, bool, i64)> = sqlx::query_as(
        "SELECT EXISTS (SELECT 1 FROM role_assignments r WHERE r.user_id = u.id),
                EXISTS (SELECT 1 FROM auth_methods a WHERE a.user_id = u.id AND a.kind = 'email'),
                EXISTS (SELECT 1 FROM auth_methods a WHERE a.user_id = u.id AND a.kind = 'phone'),
                EXISTS (SELECT 1 FROM auth_methods a WHERE a.user_id = u.id AND a.kind = 'authenticator'),
                MIN((SELECT COUNT(*) FROM security_answers s WHERE s.user_id = u.id), 10),
                EXISTS (SELECT 1 FROM recovery_codes c WHERE c.user_id = u.id AND c.used_at IS NULL),
                COUNT(*)
         FROM users u WHERE u.status <> 'disabled' GROUP BY 1, 2, 3, 4, 5, 6",
    )
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
