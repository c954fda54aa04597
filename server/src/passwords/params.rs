//! The argon2id costs, checked against OWASP's minimums when the configuration is read.

use argon2::{Algorithm, Argon2, Params, Version};

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
pub(super) const OUTPUT_LEN: usize = Params::DEFAULT_OUTPUT_LEN;

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

    pub(super) fn argon2_params(&self) -> Params {
        // `check` keeps the values inside argon2's limits.
        Params::new(
            self.memory_kib,
            self.iterations,
            self.parallelism,
            Some(OUTPUT_LEN),
        )
        .unwrap_or_default()
    }

    pub(super) fn argon2(&self) -> Argon2<'static> {
        Argon2::new(Algorithm::Argon2id, Version::V0x13, self.argon2_params())
    }

    pub(super) fn same_costs(&self, stored: &Params) -> bool {
        (stored.m_cost(), stored.t_cost(), stored.p_cost())
            == (self.memory_kib, self.iterations, self.parallelism)
    }
}
