//! `[password_hashing]`: the argon2id parameters passwords are stored with.

use crate::config_error::{bad, ConfigError};
use crate::passwords::HashingParams;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawHashing {
    pub memory_kib: u32,
    pub iterations: u32,
    pub parallelism: u32,
}

impl Default for RawHashing {
    fn default() -> Self {
        // OWASP Password Storage Cheat Sheet's argon2id baseline.
        Self {
            memory_kib: 19_456,
            iterations: 2,
            parallelism: 1,
        }
    }
}

impl RawHashing {
    pub(super) fn check(&self) -> Result<HashingParams, ConfigError> {
        HashingParams::check(self.memory_kib, self.iterations, self.parallelism)
            .map_err(|reason| bad("password_hashing", reason))
    }
}
