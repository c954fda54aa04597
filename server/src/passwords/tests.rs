use super::params::OUTPUT_LEN;
use super::*;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version, RECOMMENDED_SALT_LEN};

fn owasp() -> HashingParams {
    HashingParams::check(19_456, 2, 1).unwrap()
}

#[tokio::test]
async fn a_hash_is_argon2id_with_the_owasp_parameters_and_verifies() {
    let hasher = PasswordHasher::new(owasp());
    let hash = hasher.hash("correct horse battery").await.unwrap();
    assert!(
        hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
        "{hash}"
    );
    let ok = hasher.verify("correct horse battery", &hash).await.unwrap();
    assert_eq!(
        ok,
        Verified {
            matches: true,
            needs_rehash: false
        }
    );
    let wrong = hasher.verify("correct horse batterx", &hash).await.unwrap();
    assert!(!wrong.matches);
}

#[tokio::test]
async fn the_same_password_hashes_differently_each_time() {
    let hasher = PasswordHasher::new(owasp());
    assert_ne!(
        hasher.hash("same").await.unwrap(),
        hasher.hash("same").await.unwrap()
    );
}

#[tokio::test]
async fn composed_and_decomposed_forms_are_the_same_password() {
    let hasher = PasswordHasher::new(owasp());
    let hash = hasher.hash("caf\u{e9} au lait").await.unwrap();
    assert!(
        hasher
            .verify("cafe\u{301} au lait", &hash)
            .await
            .unwrap()
            .matches
    );
}

#[tokio::test]
async fn a_hash_with_older_parameters_verifies_and_asks_for_a_rehash() {
    let old = PasswordHasher::new(HashingParams::check(7_168, 5, 1).unwrap());
    let stored = old.hash("upgrade me please").await.unwrap();
    let current = PasswordHasher::new(owasp());
    let verified = current.verify("upgrade me please", &stored).await.unwrap();
    assert_eq!(
        verified,
        Verified {
            matches: true,
            needs_rehash: true
        }
    );
    let rehashed = current.hash("upgrade me please").await.unwrap();
    assert!(rehashed.contains("m=19456,t=2,p=1"));
}

/// A PHC string made by the argon2 crate itself, with the given algorithm and costs.
fn crate_hash(algorithm: Algorithm, m: u32, t: u32, p: u32, password: &str) -> String {
    let params = Params::new(m, t, p, None).unwrap();
    Argon2::new(algorithm, Version::V0x13, params)
        .hash_password(password.as_bytes())
        .unwrap()
        .to_string()
}

fn regions(hasher: &PasswordHasher) -> Vec<usize> {
    let free = hasher.memory.free.lock().unwrap();
    free.iter().map(Vec::len).collect()
}

#[tokio::test]
async fn the_crates_own_verifier_accepts_our_hashes() {
    let hasher = PasswordHasher::new(owasp());
    let hash = hasher.hash("tr0ub4dor & 3").await.unwrap();
    let parsed = PasswordHash::new(&hash).unwrap();
    assert_eq!(parsed.salt.unwrap().len(), RECOMMENDED_SALT_LEN);
    assert_eq!(parsed.hash.unwrap().len(), OUTPUT_LEN);
    // PHC's B64 has no padding: 16 bytes are 22 characters, 32 are 43.
    let fields: Vec<&str> = hash.split('$').collect();
    assert_eq!(fields[..4], ["", "argon2id", "v=19", "m=19456,t=2,p=1"]);
    assert_eq!((fields[4].len(), fields[5].len()), (22, 43), "{hash}");
    assert!(Argon2::default()
        .verify_password(b"tr0ub4dor & 3", &parsed)
        .is_ok());
    assert!(Argon2::default()
        .verify_password(b"tr0ub4dor & 4", &parsed)
        .is_err());
}

#[tokio::test]
async fn a_hash_made_by_the_crate_with_todays_parameters_verifies_without_rehash() {
    let hasher = PasswordHasher::new(owasp());
    let stored = crate_hash(Algorithm::Argon2id, 19_456, 2, 1, "made elsewhere");
    assert_eq!(
        hasher.verify("made elsewhere", &stored).await.unwrap(),
        Verified {
            matches: true,
            needs_rehash: false
        }
    );
    assert!(
        !hasher
            .verify("made elsewhera", &stored)
            .await
            .unwrap()
            .matches
    );
}

#[tokio::test]
async fn hashes_made_by_the_crate_with_other_settings_verify_and_ask_for_a_rehash() {
    let hasher = PasswordHasher::new(owasp());
    for stored in [
        crate_hash(Algorithm::Argon2id, 7_168, 5, 1, "older settings"),
        crate_hash(Algorithm::Argon2id, 8_192, 1, 4, "older settings"),
        crate_hash(Algorithm::Argon2i, 19_456, 2, 1, "older settings"),
    ] {
        assert_eq!(
            hasher.verify("older settings", &stored).await.unwrap(),
            Verified {
                matches: true,
                needs_rehash: true
            },
            "{stored}"
        );
        assert!(
            !hasher
                .verify("older settingz", &stored)
                .await
                .unwrap()
                .matches
        );
    }
}

#[tokio::test]
async fn a_smaller_stored_hash_is_computed_in_the_pooled_memory() {
    let hasher = PasswordHasher::new(owasp());
    let stored = crate_hash(Algorithm::Argon2id, 7_168, 5, 1, "in the pool");
    assert!(hasher.verify("in the pool", &stored).await.unwrap().matches);
    let free = hasher.memory.free.lock().unwrap();
    let region = &free[0];
    let written = |block: &Block| block.as_ref().iter().any(|&word| word != 0);
    // Only the stored m KiB of today's larger region were used.
    assert!(region[..7_168].iter().all(written));
    assert!(!region[7_168..].iter().any(written));
}

#[tokio::test]
async fn a_hash_with_more_memory_than_todays_still_verifies() {
    let hasher = PasswordHasher::new(HashingParams::check(7_168, 5, 1).unwrap());
    let stored = crate_hash(Algorithm::Argon2id, 9_216, 1, 1, "bigger memory");
    assert_eq!(
        hasher.verify("bigger memory", &stored).await.unwrap(),
        Verified {
            matches: true,
            needs_rehash: true
        }
    );
    assert!(
        !hasher
            .verify("bigger memorx", &stored)
            .await
            .unwrap()
            .matches
    );
    // The pool kept its size; the big hash used memory of its own.
    assert!(regions(&hasher).iter().all(|&len| len == 7_168));
}

#[tokio::test]
async fn a_stored_hash_without_output_never_matches() {
    let hasher = PasswordHasher::new(owasp());
    let full = hasher.hash("anything").await.unwrap();
    let without_output = &full[..full.rfind('$').unwrap()];
    let verified = hasher.verify("anything", without_output).await.unwrap();
    assert!(!verified.matches);
}

#[tokio::test]
async fn verify_dummy_never_creates_more_memory_than_a_real_verification() {
    let hasher = PasswordHasher::new(owasp());
    assert!(
        regions(&hasher).is_empty(),
        "an idle hasher holds no region"
    );
    hasher.verify_dummy("whoever").await;
    assert_eq!(
        regions(&hasher),
        vec![owasp().argon2_params().block_count()]
    );
    let hash = hasher.hash("someone").await.unwrap();
    hasher.verify("someone", &hash).await.unwrap();
    assert_eq!(
        regions(&hasher).len(),
        1,
        "sequential work reuses one region"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn more_concurrent_hashes_than_permits_all_succeed_within_the_pool() {
    let hasher = Arc::new(PasswordHasher::new(owasp()));
    let permits = hasher.permits.available_permits();
    let tasks = (0..permits * 3 + 1).map(|i| {
        let hasher = Arc::clone(&hasher);
        async move {
            let password = format!("password number {i}");
            let hash = hasher.hash(&password).await.unwrap();
            (hasher.verify(&password, &hash).await.unwrap(), hash)
        }
    });
    let results = futures::future::join_all(tasks).await;
    for (verified, _) in &results {
        assert!(verified.matches && !verified.needs_rehash);
    }
    let distinct: std::collections::HashSet<_> = results.iter().map(|(_, h)| h).collect();
    assert_eq!(distinct.len(), results.len());
    let held = regions(&hasher);
    assert!(!held.is_empty() && held.len() <= permits, "{held:?}");
    assert_eq!(hasher.permits.available_permits(), permits);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_hash_keeps_its_permit_until_argon2_is_done() {
    let hasher = Arc::new(PasswordHasher::new(owasp()));
    let permits = hasher.permits.available_permits();
    for i in 0..permits {
        let password = format!("abandoned {i}");
        let cancelled = hasher.hash(&password);
        // Far shorter than one hash: the request goes away while argon2 runs.
        let _ = tokio::time::timeout(std::time::Duration::from_millis(2), cancelled).await;
    }
    let again = (0..permits).map(|i| {
        let hasher = Arc::clone(&hasher);
        async move { hasher.hash(&format!("next {i}")).await.unwrap() }
    });
    futures::future::join_all(again).await;
    let held = regions(&hasher);
    assert!(held.len() <= permits, "{held:?}");
}

#[test]
fn one_time_passwords_are_long_random_and_unambiguous() {
    let first = one_time_password();
    assert_eq!(first.chars().count(), 20);
    assert!(first.bytes().all(|b| ONE_TIME_ALPHABET.contains(&b)));
    assert!(!first.contains(['0', 'O', '1', 'l', 'I']));
    assert_ne!(first, one_time_password());
}

#[test]
fn parameters_below_every_owasp_row_are_refused() {
    assert!(HashingParams::check(19_456, 1, 1).is_err());
    assert!(HashingParams::check(7_168, 4, 1).is_err());
    assert!(HashingParams::check(47_104, 1, 1).is_ok());
    assert!(HashingParams::check(19_456, 2, 0).is_err());
}

#[tokio::test]
async fn a_malformed_stored_hash_is_an_error_not_a_match() {
    let hasher = PasswordHasher::new(owasp());
    assert!(hasher.verify("x", "not a phc string").await.is_err());
}
