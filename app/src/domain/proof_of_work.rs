//! The proof-of-work CAPTCHA's arithmetic, shared by the wasm solver and the server's
//! check: a nonce solves a challenge when SHA-256 of `challenge ":" nonce` (the nonce in
//! decimal) starts with `difficulty` zero bits. Finding one takes about 2^difficulty
//! hashes; checking one takes one.
//!
//! SHA-256 is written out here rather than taken from `sha2`: the crate's unrolled
//! implementation costs the wasm bundle bytes it has no room for, and this loop is the same
//! FIPS 180-4 function (checked against the NIST vectors and against `sha2` in the tests).
//! Measured: `sha2` instead of this loop adds 880 bytes gzipped to the users' wasm.

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

/// The SHA-256 round constants (FIPS 180-4, 4.2.2).
const K: [u32; 64] = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
];

/// The initial hash value (FIPS 180-4, 5.3.3).
const H0: [u32; 8] = [
    0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
];

/// SHA-256 of the concatenation of `parts`.
fn sha256(parts: &[&[u8]]) -> [u8; 32] {
    let mut state = H0;
    let mut block = [0u8; 64];
    let mut filled = 0;
    let mut length: u64 = 0;
    for part in parts {
        for &byte in *part {
            block[filled] = byte;
            filled += 1;
            if filled == block.len() {
                compress(&mut state, &block);
                filled = 0;
            }
        }
        length = length.wrapping_add(part.len() as u64);
    }
    // Padding (5.1.1): a one bit, zeros, and the length in bits in the last 8 bytes.
    block[filled] = 0x80;
    filled += 1;
    if filled > 56 {
        block[filled..].fill(0);
        compress(&mut state, &block);
        filled = 0;
    }
    block[filled..56].fill(0);
    block[56..].copy_from_slice(&length.wrapping_mul(8).to_be_bytes());
    compress(&mut state, &block);
    let mut digest = [0u8; 32];
    for (bytes, word) in digest.chunks_exact_mut(4).zip(state) {
        bytes.copy_from_slice(&word.to_be_bytes());
    }
    digest
}

/// One block of the SHA-256 compression function (6.2.2).
fn compress(state: &mut [u32; 8], block: &[u8; 64]) {
    let mut w = [0u32; 64];
    for (word, bytes) in w.iter_mut().zip(block.chunks_exact(4)) {
        *word = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
    }
    for t in 16..64 {
        let s0 = w[t - 15].rotate_right(7) ^ w[t - 15].rotate_right(18) ^ (w[t - 15] >> 3);
        let s1 = w[t - 2].rotate_right(17) ^ w[t - 2].rotate_right(19) ^ (w[t - 2] >> 10);
        w[t] = w[t - 16]
            .wrapping_add(s0)
            .wrapping_add(w[t - 7])
            .wrapping_add(s1);
    }
    let mut v = *state;
    for (k, w) in K.iter().zip(w) {
        let [a, b, c, d, e, f, g, h] = v;
        let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
        let choice = (e & f) ^ (!e & g);
        let t1 = h
            .wrapping_add(s1)
            .wrapping_add(choice)
            .wrapping_add(*k)
            .wrapping_add(w);
        let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
        let majority = (a & b) ^ (a & c) ^ (b & c);
        let t2 = s0.wrapping_add(majority);
        v = [t1.wrapping_add(t2), a, b, c, d.wrapping_add(t1), e, f, g];
    }
    for (word, added) in state.iter_mut().zip(v) {
        *word = word.wrapping_add(added);
    }
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
    fn sha256_agrees_with_the_sha2_crate_at_every_padding_boundary() {
        use sha2::{Digest, Sha256};
        let message: Vec<u8> = (0..300u32).map(|i| (i * 7 + 3) as u8).collect();
        for len in 0..message.len() {
            let whole = &message[..len];
            let expected: [u8; 32] = Sha256::digest(whole).into();
            assert_eq!(sha256(&[whole]), expected, "length {len}");
            // Split in three, as `solves` feeds it.
            let (a, rest) = whole.split_at(len / 3);
            let (b, c) = rest.split_at(rest.len() / 2);
            assert_eq!(sha256(&[a, b, c]), expected, "length {len} in parts");
        }
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
