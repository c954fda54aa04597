//! The proof-of-work CAPTCHA's arithmetic, shared by the wasm solver and the server's
//! check: a nonce solves a challenge when SHA-256 of `challenge ":" nonce` (the nonce in
//! decimal) starts with `difficulty` zero bits. Finding one takes about 2^difficulty
//! hashes; checking one takes one.
//!
//! SHA-256 comes from `sha2`, the crate the server uses too: an own loop saved only 880
//! bytes gzipped of the users' wasm (measured), too little to keep hand-written crypto.

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
    let mut digits = [0u8; 20];
    let digest = sha256(&[challenge.as_bytes(), b":", decimal(nonce, &mut digits)]);
    leading_zero_bits(&digest) >= u32::from(difficulty)
}

/// `n` in decimal ASCII, written into `buffer` (u64::MAX has 20 digits); the solver calls
/// this for every nonce, so it does not allocate.
fn decimal(mut n: u64, buffer: &mut [u8; 20]) -> &[u8] {
    let mut start = buffer.len();
    loop {
        start -= 1;
        buffer[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            return &buffer[start..];
        }
    }
}

/// SHA-256 of the concatenation of `parts`.
fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    for part in parts {
        hasher.update(part);
    }
    hasher.finalize().into()
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

    fn hex(digest: [u8; 32]) -> String {
        digest.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn sha256_matches_the_nist_vectors() {
        assert_eq!(
            hex(sha256(&[b"abc"])),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(sha256(&[])),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex(sha256(&[
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            ])),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }

    #[test]
    fn nonces_are_hashed_in_decimal() {
        let mut buffer = [0u8; 20];
        assert_eq!(decimal(0, &mut buffer), b"0");
        assert_eq!(decimal(1234567890, &mut buffer), b"1234567890");
        assert_eq!(
            decimal(u64::MAX, &mut buffer),
            u64::MAX.to_string().as_bytes()
        );
        use sha2::{Digest, Sha256};
        for nonce in [0, 9, 10, 4_294_967_296, u64::MAX] {
            let expected = Sha256::digest(format!("challenge:{nonce}"));
            let digest = sha256(&[b"challenge", b":", decimal(nonce, &mut buffer)]);
            assert_eq!(digest.as_slice(), expected.as_slice());
        }
    }

    #[test]
    fn difficulty_zero_is_solved_by_any_nonce() {
        assert!(solves("x", 12345, 0));
        assert_eq!(search("x", 0, 7, 1), Some(7));
    }
}
