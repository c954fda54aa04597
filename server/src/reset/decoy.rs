//! Decoys: what the wizard shows for a name with no account (or one that cannot reset).
//! Everything is derived from a keyed hash of the typed name, so typing the same name
//! again shows the same decoy, and drawn from what real accounts here look like: a decoy
//! offers a set of methods in the proportion real accounts have registered it, and its
//! hints are real-looking addresses put through the very masks real hints use
//! (`app::domain::contact`), with domains and country codes in their real proportions.

//!
//! `profile` reads what real accounts look like; this file draws a decoy from it.

use super::account::{allowed_methods, Deliverable, Gates};
use app::api::MethodHint;
use app::domain::contact::{mask_email, mask_phone};
use app::domain::reset_policy::ResetPolicy;
use app::domain::MethodKind;

mod profile;

pub use profile::{Profile, Profiles, Registered};

/// A number from the key's bytes at `at`, for drawing choices.
fn draw(key: &[u8; 32], at: usize) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&key[at..at + 8]);
    u64::from_le_bytes(bytes)
}

/// One of `items`, in proportion to their counts.
fn weighted<T>(items: &[(T, i64)], pick: u64) -> Option<&T> {
    let total: u64 = items
        .iter()
        .map(|(_, n)| u64::try_from(*n).unwrap_or(0))
        .sum();
    if total == 0 {
        return None;
    }
    let mut at = pick % total;
    for (item, n) in items {
        let n = u64::try_from(*n).unwrap_or(0);
        if at < n {
            return Some(item);
        }
        at -= n;
    }
    None
}

/// The methods a decoy offers: a set real accounts offer, drawn in the proportion they
/// have it (falling back to one from the policy when no account can reset yet).
pub fn gates(
    key: &[u8; 32],
    policy: &ResetPolicy,
    deliverable: Deliverable,
    profile: &Profile,
) -> Gates {
    let required = policy.methods_required;
    let offered: Vec<(Vec<MethodKind>, i64)> = profile
        .registered
        .iter()
        .filter_map(|(kind, n)| {
            let (allowed, needed) = allowed_methods(policy, kind.is_admin, deliverable);
            let methods: Vec<MethodKind> = allowed
                .into_iter()
                .filter(|m| kind.has(*m, policy.questions_to_reset))
                .collect();
            (methods.len() >= usize::from(needed)).then_some((methods, *n))
        })
        .collect();
    if let Some(methods) = weighted(&offered, draw(key, 0)) {
        return Gates {
            methods: methods.clone(),
            required,
        };
    }
    let (allowed, _) = allowed_methods(policy, false, deliverable);
    fallback_gates(key, &allowed, required)
}

/// Email always (when allowed), others by bits of the key, topped up for the gates.
fn fallback_gates(key: &[u8; 32], allowed: &[MethodKind], required: u8) -> Gates {
    let wanted = |kind: MethodKind, bit: u8| allowed.contains(&kind) && key[8] & bit != 0;
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

/// What a decoy keeps of the typed name to build its email hint from: an address typed
/// is masked at once (a real account found by it shows that address's mask), a username
/// keeps only its first letter.
pub fn seed(canonical: &str) -> String {
    if canonical.contains('@') {
        mask_email(canonical)
    } else {
        canonical.chars().take(1).collect()
    }
}

/// The masked hint a decoy shows for `kind`.
pub fn hint(kind: MethodKind, key: &[u8; 32], seed: &str, profile: &Profile) -> MethodHint {
    let hint = match kind {
        MethodKind::Email if seed.contains('@') => seed.to_owned(),
        MethodKind::Email => {
            let typed = seed.chars().next().filter(|c| c.is_alphanumeric());
            let other =
                draw(key, 16) % 1000 < u64::try_from(profile.other_initial_permille).unwrap_or(0);
            let initial = match typed {
                Some(c) if !other => c,
                _ => char::from(b'a' + key[1] % 26),
            };
            let domain = weighted(&profile.email_domains, draw(key, 8))
                .map_or("example.com", String::as_str);
            mask_email(&format!("{initial}x@{domain}"))
        }
        MethodKind::Phone => {
            let head = weighted(&profile.phone_heads, draw(key, 24)).map_or("1", String::as_str);
            let digits: String = key[2..10]
                .iter()
                .map(|b| char::from(b'0' + b % 10))
                .collect();
            mask_phone(&format!("+{head}{digits}"))
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

    const EVERYWHERE: Deliverable = Deliverable { sms: true };

    fn registered(email: bool, phone: bool, authenticator: bool) -> Registered {
        Registered {
            is_admin: false,
            email,
            phone,
            authenticator,
            answers: 0,
            recovery_codes: false,
        }
    }

    fn profile() -> Profile {
        Profile {
            email_domains: vec![("example.org".into(), 9), ("other.example".into(), 1)],
            phone_heads: vec![("30".into(), 1)],
            registered: vec![
                (registered(true, false, false), 80),
                (registered(true, true, false), 20),
                // Nothing usable: never drawn.
                (registered(false, false, false), 500),
            ],
            other_initial_permille: 0,
        }
    }

    fn key(n: u32) -> [u8; 32] {
        let mut key = [0u8; 32];
        for (i, byte) in key.iter_mut().enumerate() {
            let mixed = n.wrapping_mul(2_654_435_761).rotate_left(i as u32 % 31) ^ (i as u32 * 97);
            *byte = (mixed >> 8) as u8;
        }
        key
    }

    #[test]
    fn the_same_key_gives_the_same_decoy() {
        let policy = ResetPolicy::default();
        let a = gates(&key(7), &policy, EVERYWHERE, &profile());
        assert_eq!(a, gates(&key(7), &policy, EVERYWHERE, &profile()));
        assert_eq!(
            hint(MethodKind::Phone, &key(7), "m", &profile()),
            hint(MethodKind::Phone, &key(7), "m", &profile())
        );
    }

    #[test]
    fn decoys_offer_the_sets_real_accounts_offer_in_their_proportions() {
        let policy = ResetPolicy::default();
        let mut email_only = 0;
        for n in 0..2000 {
            let drawn = gates(&key(n), &policy, EVERYWHERE, &profile()).methods;
            assert!(
                drawn == vec![MethodKind::Email]
                    || drawn == vec![MethodKind::Email, MethodKind::Phone],
                "{drawn:?}"
            );
            email_only += usize::from(drawn.len() == 1);
        }
        assert!((1450..1750).contains(&email_only), "{email_only} of 2000");
        // Where SMS cannot be sent, neither real accounts nor decoys offer it.
        for n in 0..200 {
            let drawn = gates(&key(n), &policy, Deliverable { sms: false }, &profile());
            assert_eq!(drawn.methods, vec![MethodKind::Email]);
        }
    }

    #[test]
    fn without_accounts_that_can_reset_decoys_fall_back_to_the_policy() {
        let policy = ResetPolicy {
            methods: vec![MethodKind::Email, MethodKind::Authenticator],
            methods_required: 2,
            ..ResetPolicy::default()
        };
        let drawn = gates(&[0u8; 32], &policy, EVERYWHERE, &Profile::default());
        assert_eq!(
            drawn.methods,
            vec![MethodKind::Email, MethodKind::Authenticator]
        );
    }

    #[test]
    fn hints_are_real_addresses_through_the_real_masks() {
        let profile = profile();
        let typed = seed("maria.k@example.org");
        assert_eq!(
            hint(MethodKind::Email, &key(3), &typed, &profile).hint,
            mask_email("Maria.K@example.org")
        );
        let mut domains = std::collections::HashMap::new();
        for n in 0..1000 {
            let email = hint(MethodKind::Email, &key(n), &seed("maria"), &profile).hint;
            assert!(email.starts_with("m***@"), "{email}");
            *domains.entry(email).or_insert(0) += 1;
        }
        assert!(
            (820..980).contains(&domains["m***@example.org"]),
            "{domains:?}"
        );
        let phone = hint(MethodKind::Phone, &key(3), "m", &profile).hint;
        assert!(phone.starts_with("+30 "), "{phone}");
        assert_eq!(phone.len(), mask_phone("+306912345678").len());
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
