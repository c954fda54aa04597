//! The challenge string. It carries everything the check needs, signed, so issuing stores
//! nothing: base64url (no padding) of the claims, ".", base64url of their HMAC-SHA256.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// Bumped if the claims' layout changes; older strings are then refused as malformed.
const VERSION: u8 = 1;
/// version (1) + expires_at (8, big-endian) + difficulty (1) + id (16).
pub(super) const CLAIMS_LEN: usize = 26;
pub(super) const MAC_LEN: usize = 32;
const CLAIMS_CHARS: usize = (CLAIMS_LEN * 4).div_ceil(3);
const MAC_CHARS: usize = (MAC_LEN * 4).div_ceil(3);
/// The length of every challenge this server issues; anything longer is refused before
/// any work is done on it.
pub const CHALLENGE_LEN: usize = CLAIMS_CHARS + 1 + MAC_CHARS;

/// A challenge's random id: what the spent set remembers.
pub(super) type ChallengeId = [u8; 16];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Claims {
    pub expires_at: i64,
    pub difficulty: u8,
    pub id: ChallengeId,
}

impl Claims {
    pub fn to_bytes(self) -> [u8; CLAIMS_LEN] {
        let mut bytes = [0u8; CLAIMS_LEN];
        bytes[0] = VERSION;
        bytes[1..9].copy_from_slice(&self.expires_at.to_be_bytes());
        bytes[9] = self.difficulty;
        bytes[10..].copy_from_slice(&self.id);
        bytes
    }

    /// Reads claims whose signature has already been checked.
    pub fn from_bytes(bytes: &[u8; CLAIMS_LEN]) -> Option<Self> {
        if bytes[0] != VERSION {
            return None;
        }
        let mut expires = [0u8; 8];
        expires.copy_from_slice(&bytes[1..9]);
        let mut id = [0u8; 16];
        id.copy_from_slice(&bytes[10..]);
        Some(Self {
            expires_at: i64::from_be_bytes(expires),
            difficulty: bytes[9],
            id,
        })
    }
}

/// A challenge split into its claims and MAC, neither checked yet.
pub(super) struct Signed {
    pub claims: [u8; CLAIMS_LEN],
    pub mac: [u8; MAC_LEN],
}

impl Signed {
    pub fn encode(claims: &[u8; CLAIMS_LEN], mac: &[u8; MAC_LEN]) -> String {
        let mut text = String::with_capacity(CHALLENGE_LEN);
        URL_SAFE_NO_PAD.encode_string(claims, &mut text);
        text.push('.');
        URL_SAFE_NO_PAD.encode_string(mac, &mut text);
        text
    }

    /// Exact lengths only; base64 decoding refuses non-canonical trailing bits, so each
    /// byte string has one spelling.
    pub fn parse(text: &str) -> Option<Self> {
        if text.len() != CHALLENGE_LEN {
            return None;
        }
        let (claims_text, mac_text) = text.split_once('.')?;
        if claims_text.len() != CLAIMS_CHARS {
            return None;
        }
        let mut claims = [0u8; CLAIMS_LEN];
        let mut mac = [0u8; MAC_LEN];
        decode_exact(claims_text, &mut claims)?;
        decode_exact(mac_text, &mut mac)?;
        Some(Self { claims, mac })
    }
}

fn decode_exact(text: &str, out: &mut [u8]) -> Option<()> {
    // The slice is sized for the decoded length with room to spare, so decoding never
    // needs to allocate.
    let mut buffer = [0u8; MAC_LEN + 3];
    let n = URL_SAFE_NO_PAD
        .decode_slice(text.as_bytes(), &mut buffer)
        .ok()?;
    if n != out.len() {
        return None;
    }
    out.copy_from_slice(&buffer[..n]);
    Some(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn claims_round_trip_and_the_string_has_the_advertised_length() {
        let claims = Claims {
            expires_at: 1_700_000_300,
            difficulty: 18,
            id: [9; 16],
        };
        let bytes = claims.to_bytes();
        assert_eq!(Claims::from_bytes(&bytes), Some(claims));
        let text = Signed::encode(&bytes, &[1; MAC_LEN]);
        assert_eq!(text.len(), CHALLENGE_LEN);
        let parsed = Signed::parse(&text).unwrap();
        assert_eq!(parsed.claims, bytes);
        assert_eq!(parsed.mac, [1; MAC_LEN]);
    }

    #[test]
    fn another_version_is_not_read() {
        let mut bytes = Claims {
            expires_at: 1,
            difficulty: 1,
            id: [0; 16],
        }
        .to_bytes();
        bytes[0] = 2;
        assert_eq!(Claims::from_bytes(&bytes), None);
    }
}
