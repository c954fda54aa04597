//! The proof-of-work CAPTCHA's arithmetic, shared by the wasm solver and the server's
//! check: a nonce solves a challenge when SHA-256 of `challenge ":" nonce` (the nonce in
//! decimal) starts with `difficulty` zero bits. Finding one takes about 2^difficulty
//! hashes; checking one takes one.

use sha2::{Digest, Sha256};

/// Leading zero bits of a digest.
pub fn leading_zero_bits(digest: &[u8]) -> u32 {
    let mut bits = 0;
    for byte in digest {
        if *byte == 0 {
            bits += 8;
        } else {
            return bits + byte.leading_zeros();
        }
    }
    bits
}

/// Whether `nonce` solves `challenge` at `difficulty`.
pub fn solves(challenge: &str, nonce: u64, difficulty: u8) -> bool {
    let mut hasher = Sha256::new();
    hasher.update(challenge.as_bytes());
    hasher.update(b":");
    hasher.update(nonce.to_string().as_bytes());
    leading_zero_bits(&hasher.finalize()) >= u32::from(difficulty)
}

/// Tries `count` nonces from `start`; the browser calls this in slices so it can show
/// progress and stay responsive between them.
pub fn search(challenge: &str, difficulty: u8, start: u64, count: u64) -> Option<u64> {
    (start..start.saturating_add(count)).find(|n| solves(challenge, *n, difficulty))
}

/// The expected number of hashes, for a progress bar.
pub fn expected_work(difficulty: u8) -> u64 {
    1u64 << difficulty.min(40)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_bits_are_counted_across_bytes() {
        assert_eq!(leading_zero_bits(&[0, 0, 0x10, 0xff]), 19);
        assert_eq!(leading_zero_bits(&[0x80]), 0);
        assert_eq!(leading_zero_bits(&[0, 0]), 16);
    }

    #[test]
    fn a_found_nonce_solves_and_its_neighbour_usually_does_not() {
        let nonce = search("abc", 8, 0, 1 << 20).expect("a nonce within 2^20 tries");
        assert!(solves("abc", nonce, 8));
        // Another challenge string is a different puzzle.
        let other = (0..64).filter(|n| solves("abd", *n, 8)).count();
        assert!(other < 8, "difficulty 8 should rarely be met by chance");
    }

    #[test]
    fn difficulty_zero_is_solved_by_any_nonce() {
        assert!(solves("x", 12345, 0));
        assert_eq!(search("x", 0, 7, 1), Some(7));
    }
}
