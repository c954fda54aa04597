//! Who may read `/metrics`: the `[metrics]` settings as written, and as checked. A leaf, so
//! the configuration can hold them without depending on the web layer.

use crate::config_error::{bad, ConfigError};
use crate::web::client_ip::IpRange;
use http::{header, HeaderMap};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use std::net::IpAddr;
use subtle::ConstantTimeEq;

/// A token shorter than this is too easy to guess.
pub const MIN_TOKEN_CHARS: usize = 32;

/// Headers a reverse proxy adds. Behind a proxy on the same machine every peer is
/// loopback, so a forwarded request must bring the token.
const FORWARDING_HEADERS: [&str; 3] = ["x-forwarded-for", "forwarded", "x-real-ip"];

/// `[metrics]` as written in the file.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RawMetrics {
    /// Addresses or CIDR ranges whose direct requests are served.
    pub allow: Vec<String>,
    /// A bearer token that is served from anywhere; empty means none.
    pub token: String,
}

impl Default for RawMetrics {
    fn default() -> Self {
        Self {
            allow: vec!["127.0.0.0/8".into(), "::1".into()],
            token: String::new(),
        }
    }
}

impl fmt::Debug for RawMetrics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RawMetrics")
            .field("allow", &self.allow)
            .field("token", &if self.token.is_empty() { "" } else { "(set)" })
            .finish()
    }
}

/// Who may read `/metrics`. Keeps only the token's SHA-256.
#[derive(Clone)]
pub struct MetricsAccess {
    allow: Vec<IpRange>,
    token_hash: Option<[u8; 32]>,
}

impl fmt::Debug for MetricsAccess {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MetricsAccess")
            .field("allow", &self.allow)
            .field("token", &self.token_hash.map(|_| "(set)"))
            .finish()
    }
}

impl RawMetrics {
    pub fn check(&self) -> Result<MetricsAccess, ConfigError> {
        let allow = self
            .allow
            .iter()
            .map(|text| {
                IpRange::parse(text).ok_or_else(|| {
                    bad(
                        "metrics.allow",
                        format!("`{text}` is not an address or CIDR range"),
                    )
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let token_hash = match self.token.as_str() {
            "" => None,
            token if !token.chars().all(|c| c.is_ascii_graphic()) => {
                return Err(bad(
                    "metrics.token",
                    "must be printable ASCII without spaces (it is sent in a header)",
                ))
            }
            token if token.len() < MIN_TOKEN_CHARS => {
                return Err(bad(
                    "metrics.token",
                    format!("must be at least {MIN_TOKEN_CHARS} characters long"),
                ))
            }
            token => Some(digest(token)),
        };
        Ok(MetricsAccess { allow, token_hash })
    }
}

fn digest(token: &str) -> [u8; 32] {
    Sha256::digest(token.as_bytes()).into()
}

impl MetricsAccess {
    /// Whether this request may read the metrics. `peer` is the connection's address.
    pub fn permits(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> bool {
        self.token_matches(headers) || self.direct_from_allowed(peer, headers)
    }

    fn token_matches(&self, headers: &HeaderMap) -> bool {
        let Some(expected) = self.token_hash else {
            return false;
        };
        let presented = headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
            .map(|(_, token)| token.trim());
        // Hashes of equal length, compared in constant time: neither the token's length
        // nor its first wrong byte shows in the answer's timing.
        presented.is_some_and(|token| bool::from(digest(token).ct_eq(&expected)))
    }

    fn direct_from_allowed(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> bool {
        let forwarded = FORWARDING_HEADERS
            .iter()
            .any(|name| headers.contains_key(*name));
        !forwarded && peer.is_some_and(|ip| self.allow.iter().any(|range| range.contains(ip)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TOKEN: &str = "0123456789abcdef0123456789abcdef";

    fn access(token: &str) -> MetricsAccess {
        RawMetrics {
            token: token.into(),
            ..RawMetrics::default()
        }
        .check()
        .unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, value.parse().unwrap());
        }
        map
    }

    fn ip(text: &str) -> Option<IpAddr> {
        Some(text.parse().unwrap())
    }

    #[test]
    fn by_default_only_direct_loopback_requests_are_served() {
        let access = access("");
        assert!(access.permits(ip("127.0.0.1"), &HeaderMap::new()));
        assert!(access.permits(ip("::1"), &HeaderMap::new()));
        assert!(access.permits(ip("::ffff:127.0.0.1"), &HeaderMap::new()));
        assert!(!access.permits(ip("192.0.2.7"), &HeaderMap::new()));
        assert!(!access.permits(None, &HeaderMap::new()));
        for name in FORWARDING_HEADERS {
            let forwarded = headers(&[(name, "192.0.2.7")]);
            assert!(!access.permits(ip("127.0.0.1"), &forwarded), "{name}");
        }
    }

    #[test]
    fn the_bearer_token_is_served_from_anywhere_and_nothing_else_is() {
        let access = access(TOKEN);
        let bearer = |value: &str| headers(&[("authorization", value)]);
        let right = format!("Bearer {TOKEN}");
        assert!(access.permits(ip("192.0.2.7"), &bearer(&right)));
        assert!(access.permits(ip("192.0.2.7"), &bearer(&format!("bearer {TOKEN}"))));
        let forwarded = headers(&[("authorization", &right), ("x-forwarded-for", "1.2.3.4")]);
        assert!(access.permits(ip("127.0.0.1"), &forwarded));
        for wrong in [
            format!("Bearer {TOKEN}x"),
            format!("Basic {TOKEN}"),
            TOKEN.to_owned(),
            "Bearer ".to_owned(),
        ] {
            assert!(!access.permits(ip("192.0.2.7"), &bearer(&wrong)), "{wrong}");
        }
    }

    #[test]
    fn bad_settings_name_their_key_and_the_token_is_never_shown() {
        let error = |raw: RawMetrics| raw.check().unwrap_err().key;
        let allow = RawMetrics {
            allow: vec!["10.0.0.0/40".into()],
            ..RawMetrics::default()
        };
        assert_eq!(error(allow), "metrics.allow");
        for token in ["short", "has a space in it and is long enough ok"] {
            let raw = RawMetrics {
                token: token.into(),
                ..RawMetrics::default()
            };
            assert_eq!(error(raw), "metrics.token");
        }
        let raw = RawMetrics {
            token: TOKEN.into(),
            ..RawMetrics::default()
        };
        assert!(!format!("{raw:?}").contains(TOKEN));
        assert!(!format!("{:?}", raw.check().unwrap()).contains(TOKEN));
        assert!(RawMetrics::default().check().is_ok());
    }
}
