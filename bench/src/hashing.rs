//! Bare argon2id: only the hash function, with the server's parameters, on plain threads.
//! Each thread allocates its argon2 memory once and reuses it, which leaves the pure
//! computation: the best a reset could do, since each reset costs exactly one such hash.
//!
//! Allocating the memory for each hash instead (as argon2's `hash_password` does) measures
//! the allocator and the kernel's page faults more than argon2: in a fresh process every
//! hash faults in 19 MiB anew, while a long-running server's allocator may keep the pages
//! resident. Neither is the hash's cost, and the result swings from run to run.

use argon2::{Algorithm, Argon2, Block, Params, Version};
use server::tools::{HashingParams, RawHashing};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Barrier;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy, Default)]
pub struct HashRun {
    pub hashes: usize,
    pub threads: usize,
    pub elapsed: Duration,
}

impl HashRun {
    /// Two runs on the same threads, as one.
    pub fn and(self, other: HashRun) -> HashRun {
        HashRun {
            hashes: self.hashes + other.hashes,
            threads: self.threads.max(other.threads),
            elapsed: self.elapsed + other.elapsed,
        }
    }
}

/// The parameters the server runs with: the defaults, since it is started with no
/// configuration file and no hashing variables. The stored hashes confirm it afterwards.
pub fn server_params() -> Result<HashingParams, String> {
    let raw = RawHashing::default();
    HashingParams::check(raw.memory_kib, raw.iterations, raw.parallelism)
}

/// `run` on a blocking thread, so the runtime's own threads stay free.
pub async fn run_blocking(
    params: HashingParams,
    count: usize,
    threads: usize,
) -> Result<HashRun, String> {
    tokio::task::spawn_blocking(move || run(params, count, threads))
        .await
        .map_err(|e| format!("the hashing task failed: {e}"))?
}

/// Hashes `count` passwords on `threads` threads, each taking the next one until done.
pub fn run(params: HashingParams, count: usize, threads: usize) -> Result<HashRun, String> {
    let params = Params::new(
        params.memory_kib,
        params.iterations,
        params.parallelism,
        None,
    )
    .map_err(|e| format!("argon2 parameters: {e}"))?;
    let blocks = params.block_count();
    let argon2 = Argon2::new(Algorithm::Argon2id, Version::V0x13, params);
    let threads = threads.max(1);
    let next = AtomicUsize::new(0);
    let ready = Barrier::new(threads + 1);
    let (hashes, elapsed) = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|_| scope.spawn(|| worker(&argon2, blocks, &next, count, &ready)))
            .collect();
        ready.wait();
        let started = Instant::now();
        let made = workers.into_iter().try_fold(0, |sum, t| {
            let made = t
                .join()
                .map_err(|_| "a hashing thread panicked".to_owned())??;
            Ok::<usize, String>(sum + made)
        });
        made.map(|made| (made, started.elapsed()))
    })?;
    Ok(HashRun {
        hashes,
        threads,
        elapsed,
    })
}

/// One thread's share: its own memory, one unmeasured hash, then the next password
/// until `count` are taken. Returns how many it made.
fn worker(
    argon2: &Argon2,
    blocks: usize,
    next: &AtomicUsize,
    count: usize,
    ready: &Barrier,
) -> Result<usize, String> {
    let mut memory = vec![Block::default(); blocks];
    let mut salt = [0u8; 16];
    let mut out = [0u8; 32];
    let mut hash = |i: usize| {
        rand::fill(&mut salt);
        argon2
            .hash_password_into_with_memory(
                format!("bare hash number {i}").as_bytes(),
                &salt,
                &mut out,
                &mut memory,
            )
            .map_err(|e| format!("argon2: {e}"))
    };
    // One unmeasured hash touches the memory before the clock starts.
    let warm = hash(usize::MAX);
    ready.wait();
    warm?;
    let mut made = 0;
    while next.fetch_add(1, Ordering::Relaxed) < count {
        hash(made)?;
        made += 1;
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_hash_asked_for_is_made_once() {
        let params = HashingParams::check(19_456, 2, 1).unwrap();
        let run = run(params, 3, 2).unwrap();
        assert_eq!(run.hashes, 3);
        assert_eq!(run.threads, 2);
        assert!(run.elapsed > Duration::ZERO);
        let both = run.and(HashRun {
            hashes: 2,
            threads: 2,
            elapsed: Duration::from_secs(1),
        });
        assert_eq!(both.hashes, 5);
        assert!(both.elapsed > Duration::from_secs(1));
    }
}
