//! The chain's keys and its first link: a leaf, shared by the chain's rows and its head
//! record without either importing the other.

use crate::secret::ServerSecret;
use hex::encode as hex;
use sha2::{Digest, Sha256};
use std::fmt;

/// The `prev_hash` of the first row.
pub const GENESIS_HASH: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The chain's keys, derived once from the server secret. HMAC's padded-key states are
/// kept hashed, so a row costs one SHA-256 of its fields and one of a digest: verifying a
/// million rows stays close to what the plain hash took.
#[derive(Clone)]
pub struct ChainKey {
    pub(super) inner: Sha256,
    pub(super) outer: Sha256,
    head: [u8; 32],
}

impl fmt::Debug for ChainKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ChainKey(..)")
    }
}

impl ChainKey {
    pub fn new(secret: &ServerSecret) -> Self {
        let key = secret.derive("audit chain");
        let mut block = [0u8; 64];
        block[..key.len()].copy_from_slice(&key);
        let mut inner = Sha256::new();
        inner.update(block.map(|b| b ^ 0x36));
        let mut outer = Sha256::new();
        outer.update(block.map(|b| b ^ 0x5c));
        Self {
            inner,
            outer,
            head: secret.derive("audit head"),
        }
    }

    /// The head record's MAC over its row count, last id and last hash.
    pub(super) fn head_mac(&self, rows: i64, last_id: i64, last_hash: &str) -> String {
        hex(crate::secret::hmac_sha256(
            &self.head,
            &[
                b"sspr audit head v1",
                &rows.to_be_bytes(),
                &last_id.to_be_bytes(),
                last_hash.as_bytes(),
            ],
        ))
    }
}
