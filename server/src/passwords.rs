//! Password hashing with argon2id. Parameters are stored in each PHC string, so they can
//! be raised later: a successful sign-in re-hashes a password stored with weaker ones.
//! Passwords are NFKC-normalised before hashing so the same characters typed on another
//! keyboard still match. Hashing runs off the async threads, a bounded number at a time,
//! each on argon2 working memory kept from earlier hashes: memory stays at permits × m, and
//! no hash pays for faulting in m KiB of fresh pages.

use crate::error::{Error, Result};
use argon2::password_hash::phc::{Output, ParamsString, PasswordHash, Salt};
use argon2::password_hash::{PasswordHasher as _, PasswordVerifier as _};
use argon2::{Algorithm, Argon2, Block, Params, Version, RECOMMENDED_SALT_LEN};
use std::sync::{Arc, Mutex, PoisonError};
use subtle::ConstantTimeEq;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
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

/// Bytes of argon2 output in the hashes we write (argon2's default).
const OUTPUT_LEN: usize = Params::DEFAULT_OUTPUT_LEN;

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

    fn argon2_params(&self) -> Params {
        // `check` keeps the values inside argon2's limits.
        Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(OUTPUT_LEN),
        )
        .unwrap_or_default()
    }

    fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.argon2_params())
    }

    fn same_costs(&self, stored: &Params) -> bool {
        (stored.m_cost(), stored.t_cost(), stored.p_cost())
            == (self.memory_kib, self.iterations, self.parallelism)
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
    memory: Arc<MemoryPool>,
    /// A real hash of a random password, verified against when there is no account, so
    /// unknown users cost the same time as known ones.
    dummy: String,
}

/// argon2 working memory kept between hashes. Allocating it per hash left RSS growing by m
/// per blocking thread (glibc keeps each thread's freed block in its arena) and faulted in
/// m KiB of fresh pages every time. A region is lent only with a hashing permit, so at most
/// `permits` regions ever exist; they are made on first use, which keeps idle RSS low.
struct MemoryPool {
    free: Mutex<Vec<Vec<Block>>>,
    /// Blocks in each region: what today's parameters need.
    blocks: usize,
}

impl MemoryPool {
    fn new(params: &Params) -> Self {
        Self {
            free: Mutex::new(Vec::new()),
            blocks: params.block_count(),
        }
    }

    fn lend(self: &Arc<Self>, permit: OwnedSemaphorePermit) -> Result<Lease> {
        // A panic while a region was out cannot leave the list half-changed.
        let spare = self
            .free
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .pop();
        let region = match spare {
            Some(region) => region,
            None => {
                let mut region = Vec::new();
                region
                    .try_reserve_exact(self.blocks)
                    .map_err(hashing_error)?;
                region.resize(self.blocks, Block::new());
                region
            }
        };
        Ok(Lease {
            pool: Arc::clone(self),
            region,
            _permit: permit,
        })
    }
}

/// A region of the pool, held together with a hashing permit. Both travel into the blocking
/// task, so a request cancelled mid-hash keeps its permit until argon2 is done with the
/// memory. On drop the region goes back before the permit is released.
struct Lease {
    pool: Arc<MemoryPool>,
    region: Vec<Block>,
    _permit: OwnedSemaphorePermit,
}

impl Drop for Lease {
    fn drop(&mut self) {
        let region = std::mem::take(&mut self.region);
        self.pool
            .free
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(region);
    }
}

fn hashing_error(e: impl std::fmt::Display) -> Error {
    Error::Hashing(e.to_string())
}

/// Hashes with today's parameters and a fresh random salt, into a PHC string.
fn hash_into_phc(params: HashingParams, password: &[u8], memory: &mut [Block]) -> Result<String> {
    let argon2_params = params.argon2_params();
    let mut salt = [0u8; RECOMMENDED_SALT_LEN];
    rand::fill(&mut salt);
    let mut output = [0u8; OUTPUT_LEN];
    params
        .argon2()
        .hash_password_into_with_memory(password, &salt, &mut output, memory)
        .map_err(hashing_error)?;
    let phc = PasswordHash {
        algorithm: Algorithm::Argon2id.ident(),
        version: Some(Version::V0x13.into()),
        params: ParamsString::try_from(&argon2_params).map_err(hashing_error)?,
        salt: Some(Salt::new(&salt).map_err(hashing_error)?),
        hash: Some(Output::new(&output).map_err(hashing_error)?),
    };
    Ok(phc.to_string())
}

/// Recomputes a stored hash with its own algorithm, version, parameters, salt and length.
fn stored_hash_matches(password: &[u8], stored: &PasswordHash, memory: &mut [Block]) -> bool {
    let (Some(salt), Some(expected)) = (&stored.salt, &stored.hash) else {
        return false;
    };
    let Ok(params) = Params::try_from(stored) else {
        return false;
    };
    if params.block_count() > memory.len() {
        // Stored with more memory than today's (a lowered setting): rare, so allocate as the
        // crate does rather than grow every region.
        return Argon2::default().verify_password(password, stored).is_ok();
    }
    let Ok(algorithm) = Algorithm::new(stored.algorithm.as_str()) else {
        return false;
    };
    let Ok(version) = stored.version.map(Version::try_from).transpose() else {
        return false;
    };
    let mut computed = [0u8; Output::MAX_LENGTH];
    let Some(computed) = computed.get_mut(..expected.len()) else {
        return false;
    };
    Argon2::new(algorithm, version.unwrap_or_default(), params)
        .hash_password_into_with_memory(password, salt, &mut *computed, memory)
        .is_ok()
        && bool::from(computed.ct_eq(expected.as_bytes()))
}

fn needs_rehash(stored: &PasswordHash, current: HashingParams) -> bool {
    let same_params = Params::try_from(stored).is_ok_and(|p| current.same_costs(&p));
    !same_params
        || stored.algorithm != Algorithm::Argon2id.ident()
        || stored.version != Some(Version::V0x13.into())
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

    /// Runs `work` on a blocking thread with a permit and a pooled memory region.
    async fn with_memory<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut [Block]) -> Result<T> + Send + 'static,
    ) -> Result<T> {
        let permit = Arc::clone(&self.permits)
            .acquire_owned()
            .await
            .map_err(hashing_error)?;
        let pool = Arc::clone(&self.memory);
        tokio::task::spawn_blocking(move || {
            let mut lease = pool.lend(permit)?;
            work(&mut lease.region)
        })
        .await
        .map_err(hashing_error)?
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
}
