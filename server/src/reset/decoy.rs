//! Decoys: what the wizard shows for a name with no account (or one that cannot reset).
//! The hints are derived from a keyed hash of the typed name, so typing the same name again
//! shows the same hints, and they look like the organisation's real ones: the most common
//! email domain and phone country code among registered users.

use super::account::Gates;
use app::api::MethodHint;
use app::domain::contact::{mask_email, mask_phone};
use app::domain::MethodKind;
use sqlx::SqlitePool;
use std::sync::RwLock;

/// What real hints look like here, refreshed now and then.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub email_domain: String,
    pub phone_prefix: String,
}

pub struct Profiles {
    fallback_domain: String,
    cached: RwLock<Option<(Profile, i64)>>,
}

const REFRESH_SECS: i64 = 3600;

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

    pub async fn get(&self, pool: &SqlitePool, now: i64) -> Result<Profile, sqlx::Error> {
        if let Ok(guard) = self.cached.read() {
            if let Some((profile, at)) = guard.as_ref() {
                if now - at < REFRESH_SECS {
                    return Ok(profile.clone());
                }
            }
        }
        let domain: Option<String> = sqlx::query_scalar(
            "SELECT substr(value, instr(value, '@') + 1) AS d FROM auth_methods WHERE kind = 'email'
             GROUP BY d ORDER BY COUNT(*) DESC, d LIMIT 1",
        )
        .fetch_optional(pool)
        .await?;
        let prefix: Option<String> = sqlx::query_scalar(
            "SELECT substr(value, 1, 3) AS p FROM auth_methods WHERE kind = 'phone'
             GROUP BY p ORDER BY COUNT(*) DESC, p LIMIT 1",
        )
        .fetch_optional(pool)
        .await?;
        let profile = Profile {
            email_domain: domain.unwrap_or_else(|| self.fallback_domain.clone()),
            phone_prefix: prefix.unwrap_or_else(|| "+1".into()),
        };
        if let Ok(mut guard) = self.cached.write() {
            *guard = Some((profile.clone(), now));
        }
        Ok(profile)
    }
}

/// The methods a decoy offers: email always (when allowed), others by bits of the key,
/// topped up so there are enough for the gates.
pub fn gates(key: &[u8; 32], allowed: &[MethodKind], required: u8) -> Gates {
    let wanted = |kind: MethodKind, bit: u8| allowed.contains(&kind) && key[0] & bit != 0;
    let mut methods: Vec<MethodKind> = MethodKind::ALL
        .into_iter()
        .filter(|kind| match kind {
            MethodKind::Email => allowed.contains(kind),
            MethodKind::Phone => wanted(*kind, 0b001),
            MethodKind::Authenticator => wanted(*kind, 0b010),
            MethodKind::Questions => wanted(*kind, 0b100),
            MethodKind::RecoveryCodes => wanted(*kind, 0b1000),
        })
        .collect();
    for kind in MethodKind::ALL {
        if methods.len() >= usize::from(required) {
            break;
        }
        if allowed.contains(&kind) && !methods.contains(&kind) {
            methods.push(kind);
        }
    }
    methods.sort_by_key(|m| MethodKind::ALL.iter().position(|k| k == m));
    Gates { methods, required }
}

/// The masked hint a decoy shows for `kind`.
pub fn hint(kind: MethodKind, key: &[u8; 32], initial: &str, profile: &Profile) -> MethodHint {
    let hint = match kind {
        MethodKind::Email => {
            let initial = initial
                .chars()
                .next()
                .filter(|c| c.is_alphanumeric())
                .unwrap_or(char::from(b'a' + key[1] % 26));
            mask_email(&format!("{initial}x@{}", profile.email_domain))
        }
        MethodKind::Phone => {
            let digits: String = key[2..10]
                .iter()
                .map(|b| char::from(b'0' + b % 10))
                .collect();
            mask_phone(&format!("{}{digits}", profile.phone_prefix))
        }
        _ => String::new(),
    };
    MethodHint { kind, hint }
}

/// Question ids a decoy asks, picked from the bank by the key.
pub fn questions(key: &[u8; 32], bank: &[i64], count: u8) -> Vec<i64> {
    let mut pool = bank.to_vec();
    let mut picked = Vec::new();
    for byte in key.iter().take(usize::from(count)) {
        if pool.is_empty() {
            break;
        }
        picked.push(pool.remove(usize::from(*byte) % pool.len()));
    }
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    fn profile() -> Profile {
        Profile {
            email_domain: "example.org".into(),
            phone_prefix: "+30".into(),
        }
    }

    #[test]
    fn the_same_key_gives_the_same_decoy_and_other_keys_vary() {
        let key = [0b101u8; 32];
        let a = gates(&key, &MethodKind::ALL, 1);
        let b = gates(&key, &MethodKind::ALL, 1);
        assert_eq!(a, b);
        assert_eq!(
            hint(MethodKind::Phone, &key, "m", &profile()),
            hint(MethodKind::Phone, &key, "m", &profile())
        );
        let varied: std::collections::HashSet<Vec<MethodKind>> = (0u8..16)
            .map(|b| gates(&[b; 32], &MethodKind::ALL, 1).methods)
            .collect();
        assert!(varied.len() > 4, "decoys should not all look alike");
    }

    #[test]
    fn decoys_offer_enough_allowed_methods_for_the_gates() {
        let allowed = [MethodKind::Email, MethodKind::Authenticator];
        let decoy = gates(&[0u8; 32], &allowed, 2);
        assert_eq!(
            decoy.methods,
            vec![MethodKind::Email, MethodKind::Authenticator]
        );
        let decoy = gates(
            &[0xffu8; 32],
            &[MethodKind::Phone, MethodKind::Questions],
            1,
        );
        assert!(!decoy.methods.contains(&MethodKind::Email));
    }

    #[test]
    fn hints_look_like_real_masks() {
        let key = [3u8; 32];
        let email = hint(MethodKind::Email, &key, "maria", &profile()).hint;
        assert_eq!(email, mask_email("mx@example.org"));
        assert!(email.starts_with('m') && email.ends_with("@example.org"));
        let phone = hint(MethodKind::Phone, &key, "maria", &profile()).hint;
        assert!(phone.starts_with("+30"), "{phone}");
    }

    #[test]
    fn decoy_questions_are_distinct_and_stable() {
        let bank = [1, 2, 3, 4, 5, 6];
        let picked = questions(&[9u8; 32], &bank, 3);
        assert_eq!(picked.len(), 3);
        let mut unique = picked.clone();
        unique.sort();
        unique.dedup();
        assert_eq!(unique.len(), 3);
        assert_eq!(picked, questions(&[9u8; 32], &bank, 3));
    }
}
