//! The server's own secret: it signs CAPTCHA challenges, derives the decoy hints shown for
//! unknown names, and keys the password-history fingerprints. It lives outside the
//! database (a file next to it, created on first start, or `secret_key` in configuration),
//! so a copy of the database alone reveals none of those.

use sha2::{Digest, Sha256};
use std::fmt;
use std::io::Write;
use std::path::Path;

#[derive(Clone)]
pub struct ServerSecret([u8; 32]);

impl fmt::Debug for ServerSecret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ServerSecret(..)")
    }
}

const BLOCK: usize = 64;

/// HMAC-SHA256 (RFC 2104), written out because the workspace's `hmac` speaks a newer
/// digest API than its `sha2`.
pub fn hmac_sha256(key: &[u8], parts: &[&[u8]]) -> [u8; 32] {
    let mut block = [0u8; BLOCK];
    if key.len() > BLOCK {
        block[..32].copy_from_slice(&Sha256::digest(key));
    } else {
        block[..key.len()].copy_from_slice(key);
    }
    let mut inner = Sha256::new();
    inner.update(block.map(|b| b ^ 0x36));
    for part in parts {
        inner.update(part);
    }
    let mut outer = Sha256::new();
    outer.update(block.map(|b| b ^ 0x5c));
    outer.update(inner.finalize());
    outer.finalize().into()
}

impl ServerSecret {
    pub fn from_bytes(bytes: [u8; 32]) -> Self {
        Self(bytes)
    }

    /// Parses 64 hex digits.
    pub fn from_hex(text: &str) -> Option<Self> {
        hex::FromHex::from_hex(text.trim()).ok().map(Self)
    }

    fn to_hex(&self) -> String {
        hex::encode(self.0)
    }

    /// Reads the key file, or creates it (readable by the owner only) with a new key.
    pub fn load_or_create(path: &Path) -> std::io::Result<Self> {
        match std::fs::read_to_string(path) {
            Ok(text) => Self::from_hex(&text).ok_or_else(|| {
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    "the key file must hold 64 hex digits",
                )
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                    std::fs::create_dir_all(parent)?;
                }
                let mut bytes = [0u8; 32];
                rand::fill(&mut bytes);
                let secret = Self(bytes);
                let mut options = std::fs::OpenOptions::new();
                options.write(true).create_new(true);
                #[cfg(unix)]
                {
                    use std::os::unix::fs::OpenOptionsExt;
                    options.mode(0o600);
                }
                let mut file = options.open(path)?;
                file.write_all(secret.to_hex().as_bytes())?;
                Ok(secret)
            }
            Err(e) => Err(e),
        }
    }

    /// A key for one purpose, so no two uses share a key.
    pub fn derive(&self, purpose: &str) -> [u8; 32] {
        hmac_sha256(&self.0, &[purpose.as_bytes()])
    }

    /// HMAC-SHA256 under the key for `purpose`.
    pub fn mac(&self, purpose: &str, parts: &[&[u8]]) -> [u8; 32] {
        hmac_sha256(&self.derive(purpose), parts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    use hex::encode as hex;

    #[test]
    fn hmac_matches_rfc_4231_test_cases() {
        // Test case 1.
        let mac = hmac_sha256(&[0x0b; 20], &[b"Hi There"]);
        assert_eq!(
            hex(mac),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
        // Test case 2, with the message in two parts.
        let mac = hmac_sha256(b"Jefe", &[b"what do ya want ", b"for nothing?"]);
        assert_eq!(
            hex(mac),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
        // Test case 6: a key longer than the block is hashed first.
        let mac = hmac_sha256(
            &[0xaa; 131],
            &[b"Test Using Larger Than Block-Size Key - Hash Key First"],
        );
        assert_eq!(
            hex(mac),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"
        );
    }

    #[test]
    fn the_key_file_is_created_once_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/sspr.key");
        let first = ServerSecret::load_or_create(&path).unwrap();
        let again = ServerSecret::load_or_create(&path).unwrap();
        assert_eq!(first.0, again.0);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    /// Moved from the hand-written `hex.rs` when the `hex` crate replaced it: keys, hashes
    /// and MACs are stored as lower-case hex, and what is not hex is refused.
    #[test]
    fn hex_round_trips_in_lower_case_and_refuses_what_is_not_hex() {
        use hex::FromHex;
        assert_eq!(hex([0x00, 0x0f, 0xa0, 0xff]), "000fa0ff");
        assert_eq!(
            hex::decode("000FA0ff").ok(),
            Some(vec![0x00, 0x0f, 0xa0, 0xff])
        );
        assert!(hex::decode("abc").is_err());
        assert!(hex::decode("zz").is_err());
        assert_eq!(<[u8; 2]>::from_hex("0102").ok(), Some([1, 2]));
        assert!(<[u8; 2]>::from_hex("010203").is_err());
    }

    #[test]
    fn purposes_get_different_keys() {
        let secret = ServerSecret::from_bytes([7; 32]);
        assert_ne!(secret.derive("captcha"), secret.derive("decoy"));
        assert!(ServerSecret::from_hex("zz").is_none());
        assert!(format!("{secret:?}").contains(".."));
    }
}
