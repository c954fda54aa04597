//! Password hashing with argon2id. Parameters are stored in each PHC string, so they can
//! be raised later: a successful sign-in re-hashes a password stored with weaker ones.
//! Passwords are NFKC-normalised before hashing so the same characters typed on another
//! keyboard still match. Hashing runs off the async threads, a bounded number at a time,
//! which bounds memory to permits × m.

use crate::error::{Error, Result};
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use tokio::sync::Semaphore;
use unicode_normalization::UnicodeNormalization;

/// argon2id cost parameters that meet an OWASP Password Storage Cheat Sheet row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HashingParams {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

/// OWASP's equivalent argon2id settings (memory KiB, iterations), all with p = 1.
const OWASP_MINIMUMS: [(u32, u32); 5] = [
    (47_104, 1),
    (19_456, 2),
    (12_288, 3),
    (9_216, 4),
    (7_168, 5),
];

impl HashingParams {
    pub fn check(memory_kib: u32, iterations: u32, parallelism: u32) -> Result<Self, String> {
        let strong_enough = OWASP_MINIMUMS
            .iter()
            .any(|&(m, t)| memory_kib >= m && iterations >= t);
        if !strong_enough {
            return Err(format!(
                "argon2id m={memory_kib} KiB, t={iterations} is below the OWASP minimum (for example m=19456, t=2)"
            ));
        }
        if !(1..=16).contains(&parallelism) {
            return Err(format!(
                "parallelism must be between 1 and 16, got {parallelism}"
            ));
        }
        if memory_kib > 4 * 1024 * 1024 {
            return Err("memory_kib above 4 GiB is not supported".into());
        }
        Ok(Self {
            memory_kib,
            iterations,
            parallelism,
        })
    }

    fn argon2(&self) -> Argon2<'static> {
        // `check` keeps the values inside argon2's limits.
        let params = Params::new(self.memory_kib, self.iterations, self.parallelism, None)
            .unwrap_or_default();
        Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
    }
}

/// The result of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verified {
    pub matches: bool,
    /// The stored hash used other parameters than today's; hash the password again.
    pub needs_rehash: bool,
}

pub struct PasswordHasher {
    params: HashingParams,
    permits: Arc<Semaphore>,
    /// A real hash of a random password, verified against when there is no account, so
    /// unknown users cost the same time as known ones.
    dummy: String,
}

/// Letters and digits that cannot be mistaken for each other when read aloud or copied.
const ONE_TIME_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/// A random temporary password (20 characters, about 115 bits) for a new or reset account;
/// shown once, and the account must change it at the next sign-in.
pub fn one_time_password() -> String {
    use rand::Rng;
    let mut rng = rand::rng();
    (0..20)
        .map(|_| char::from(ONE_TIME_ALPHABET[rng.random_range(0..ONE_TIME_ALPHABET.len())]))
        .collect()
}

fn normalise(password: &str) -> String {
    password.nfkc().collect()
}

impl PasswordHasher {
    pub fn new(params: HashingParams) -> Self {
        let permits = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        let mut random = [0u8; 32];
        rand::fill(&mut random);
        let dummy = params
            .argon2()
            .hash_password(&random)
            .map(|h| h.to_string())
            .unwrap_or_default();
        Self {
            params,
            permits: Arc::new(Semaphore::new(permits)),
            dummy,
        }
    }

    pub fn params(&self) -> HashingParams {
        self.params
    }

    /// Hashes a password with today's parameters, as a PHC string.
    pub async fn hash(&self, password: &str) -> Result<String> {
        let password = normalise(password);
        let argon2 = self.params.argon2();
        self.blocking(move || {
            argon2
                .hash_password(password.as_bytes())
                .map(|h| h.to_string())
                .map_err(|e| Error::Hashing(e.to_string()))
        })
        .await
    }

    /// Checks a password against a stored PHC string.
    pub async fn verify(&self, password: &str, stored: &str) -> Result<Verified> {
        let password = normalise(password);
        let stored = stored.to_owned();
        let current = self.params;
        self.blocking(move || {
            let hash = PasswordHash::new(&stored).map_err(|e| Error::Hashing(e.to_string()))?;
            let matches = Argon2::default()
                .verify_password(password.as_bytes(), &hash)
                .is_ok();
            let needs_rehash = Params::try_from(&hash)
                .map(|p| {
                    (p.m_cost(), p.t_cost(), p.p_cost())
                        != (current.memory_kib, current.iterations, current.parallelism)
                })
                .unwrap_or(true)
                || hash.algorithm.as_str() != "argon2id";
            Ok(Verified {
                matches,
                needs_rehash,
            })
        })
        .await
    }

    /// Does the work of a verification that cannot succeed.
    pub async fn verify_dummy(&self, password: &str) {
        let dummy = self.dummy.clone();
        let _ = self.verify(password, &dummy).await;
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|e| Error::Hashing(e.to_string()))?;
        tokio::task::spawn_blocking(work)
            .await
            .map_err(|e| Error::Hashing(e.to_string()))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
