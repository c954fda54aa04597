//! Everything seeded is a pure function of the row number, so the bench knows which names,
//! groups and events exist without reading them back.

/// A deterministic, well-mixed 64-bit value for row `i` and purpose `salt` (splitmix64).
pub fn noise(i: usize, salt: u64) -> u64 {
    let mut z = (i as u64)
        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
        .wrapping_add(salt.wrapping_mul(0xD1B5_4A32_D192_ED03));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

pub fn pick(i: usize, salt: u64, below: usize) -> usize {
    (noise(i, salt) % below.max(1) as u64) as usize
}
