//! Password hashing with argon2id. Parameters are stored in each PHC string, so they can
//! be raised later: a successful sign-in re-hashes a password stored with weaker ones.
//! Passwords are NFKC-normalised before hashing so the same characters typed on another
//! keyboard still match. Hashing runs off the async threads, on threads of its own (one
//! per core, as many as the permits), each hash on argon2 working memory kept from earlier
//! hashes: memory stays at permits × m, and no hash pays for faulting in m KiB of fresh
//! pages.

mod memory;
mod params;
mod phc;
mod threads;

#[cfg(test)]
mod tests;

pub use params::HashingParams;

use crate::error::Result;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::PasswordHasher as _;
use argon2::Block;
use memory::MemoryPool;
use phc::{hash_into_phc, hashing_error, needs_rehash, stored_hash_matches};
use std::sync::Arc;
use threads::HashThreads;
use tokio::sync::Semaphore;
use unicode_normalization::UnicodeNormalization;

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
    memory: Arc<MemoryPool>,
    threads: HashThreads,
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

/// The form a password is hashed and compared in (NFKC), for every rule that looks at it.
pub fn normalise(password: &str) -> String {
    password.nfkc().collect()
}

impl PasswordHasher {
    pub fn new(params: HashingParams) -> Self {
        let permits = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2);
        let mut random = [0u8; 32];
        rand::fill(&mut random);
        // The crate's allocating hasher, not the pool: its memory is given back at once, so
        // an idle server holds no argon2 region.
        let dummy = params
            .argon2()
            .hash_password(&random)
            .map(|h| h.to_string())
            .unwrap_or_default();
        Self {
            params,
            permits: Arc::new(Semaphore::new(permits)),
            memory: Arc::new(MemoryPool::new(&params.argon2_params())),
            threads: HashThreads::start(permits),
            dummy,
        }
    }

    pub fn params(&self) -> HashingParams {
        self.params
    }

    /// Hashes a password with today's parameters, as a PHC string.
    pub async fn hash(&self, password: &str) -> Result<String> {
        let password = normalise(password);
        let params = self.params;
        self.with_memory(move |memory| hash_into_phc(params, password.as_bytes(), memory))
            .await
    }

    /// Checks a password against a stored PHC string.
    pub async fn verify(&self, password: &str, stored: &str) -> Result<Verified> {
        let password = normalise(password);
        let stored = PasswordHash::new(stored).map_err(hashing_error)?;
        let current = self.params;
        self.with_memory(move |memory| {
            Ok(Verified {
                matches: stored_hash_matches(password.as_bytes(), &stored, memory),
                needs_rehash: needs_rehash(&stored, current),
            })
        })
        .await
    }

    /// Does the work of a verification that cannot succeed.
    pub async fn verify_dummy(&self, password: &str) {
        let _ = self.verify(password, &self.dummy).await;
    }

    /// Runs `work` on a hashing thread with a permit and a pooled memory region.
    async fn with_memory<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut [Block]) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(hashing_error)?;
        let pool = Arc::clone(&self.memory);
        self.threads
            .run(move || {
                let mut lease = pool.lend(permit)?;
                work(&mut lease.region)
            })
            .await
            .ok_or_else(|| hashing_error("no hashing thread took the work"))?
    }
}
