//! argon2 working memory, kept between hashes and lent with a hashing permit.

use super::phc::hashing_error;
use crate::error::Result;
use argon2::{Block, Params};
use std::sync::{Arc, Mutex, PoisonError};
use tokio::sync::OwnedSemaphorePermit;

/// argon2 working memory kept between hashes. Allocating it per hash left RSS growing by m
/// per blocking thread (glibc keeps each thread's freed block in its arena) and faulted in
/// m KiB of fresh pages every time. A region is lent only with a hashing permit, so at most
/// `permits` regions ever exist; they are made on first use, which keeps idle RSS low.
pub(super) struct MemoryPool {
    pub(super) free: Mutex<Vec<Vec<Block>>>,
    /// Blocks in each region: what today's parameters need.
    blocks: usize,
}

impl MemoryPool {
    pub(super) fn new(params: &Params) -> Self {
        Self {
            free: Mutex::new(Vec::new()),
            blocks: params.block_count(),
        }
    }

    pub(super) fn lend(self: &Arc<Self>, permit: OwnedSemaphorePermit) -> Result<Lease> {
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
pub(super) struct Lease {
    pool: Arc<MemoryPool>,
    pub(super) region: Vec<Block>,
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
