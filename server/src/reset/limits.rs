//! How many wrong answers and codes a name may take. Every count is kept per typed name
//! and client address as well as per name: one person's failures or sends, from their own
//! address, then never stop the owner of the name at theirs. The per-name ceilings only
//! stop brute force and mail flooding. Names are counted as typed (username or address),
//! never by the account behind them, so the counts link no username to its address, and
//! decoys count exactly like real accounts.

use crate::secret::ServerSecret;
use crate::verification::CodeRules;
use app::domain::reset_policy::ResetPolicy;
use std::net::IpAddr;

/// Wrong answers over all addresses, as a multiple of one address's allowance.
const NAME_FAILURES_FACTOR: i64 = 20;
/// Codes per hour over all addresses, as a multiple of one address's allowance.
const NAME_SENDS_FACTOR: i64 = 4;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Wrong answers in 24 hours for one name from one address.
    pub failures_per_client: i64,
    /// Wrong answers in 24 hours for one name, from anywhere.
    pub failures_per_name: i64,
    /// Codes one wizard may send.
    pub sends_per_wizard: i64,
    /// Codes per hour for one name to one address's wizards.
    pub sends_per_client: i64,
    /// Codes per hour for one name, from anywhere.
    pub sends_per_name: i64,
}

impl Limits {
    /// `max_resets_per_day` counts failed wizards: that many wizards' worth of wrong
    /// answers from one address.
    pub fn new(policy: &ResetPolicy, codes: CodeRules) -> Self {
        let failures_per_client =
            i64::from(policy.max_resets_per_day) * i64::from(policy.max_gate_failures.max(1));
        let sends = i64::from(codes.sends_per_hour);
        Self {
            failures_per_client,
            failures_per_name: failures_per_client * NAME_FAILURES_FACTOR,
            sends_per_wizard: sends,
            sends_per_client: sends,
            sends_per_name: sends * NAME_SENDS_FACTOR,
        }
    }
}

/// What the counts say of one name and client.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Counts {
    pub client: i64,
    pub name: i64,
}

impl Counts {
    pub fn failures_exceed(&self, limits: &Limits) -> bool {
        self.client >= limits.failures_per_client || self.name >= limits.failures_per_name
    }

    pub fn sends_exceed(&self, limits: &Limits) -> bool {
        self.client >= limits.sends_per_client || self.name >= limits.sends_per_name
    }
}

/// The key a client address is counted under: keyed, so the table holds no addresses,
/// and an IPv6 client by its /64, which one host can always change within.
pub fn client_key(secret: &ServerSecret, ip: IpAddr) -> String {
    let bytes = match ip {
        IpAddr::V4(v4) => v4.octets().to_vec(),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.octets().to_vec(),
            None => v6.octets()[..8].to_vec(),
        },
    };
    hex::encode(secret.mac("reset-client", &[&bytes]))
}

/// The key a typed name is counted under (canonical text, so case and width do not
/// make a new name).
pub fn name_key(secret: &ServerSecret, canonical: &str) -> String {
    hex::encode(secret.mac("reset-name", &[b"name:", canonical.as_bytes()]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_address_gets_a_days_worth_of_failed_wizards_and_the_name_far_more() {
        let limits = Limits::new(&ResetPolicy::default(), CodeRules::default());
        assert_eq!(limits.failures_per_client, 25);
        assert_eq!(limits.failures_per_name, 500);
        let mine = Counts {
            client: 0,
            name: 499,
        };
        assert!(
            !mine.failures_exceed(&limits),
            "others' failures leave mine alone"
        );
        assert!(Counts {
            client: 25,
            name: 25
        }
        .failures_exceed(&limits));
        assert!(Counts {
            client: 0,
            name: 500
        }
        .failures_exceed(&limits));
    }

    #[test]
    fn an_ipv6_host_is_one_client_across_its_64_and_v4_mapped_is_v4() {
        let secret = ServerSecret::from_bytes([7; 32]);
        let a: IpAddr = "2001:db8:1:2::1".parse().unwrap();
        let b: IpAddr = "2001:db8:1:2:ffff::9".parse().unwrap();
        let c: IpAddr = "2001:db8:1:3::1".parse().unwrap();
        assert_eq!(client_key(&secret, a), client_key(&secret, b));
        assert_ne!(client_key(&secret, a), client_key(&secret, c));
        let v4: IpAddr = "192.0.2.1".parse().unwrap();
        let mapped: IpAddr = "::ffff:192.0.2.1".parse().unwrap();
        assert_eq!(client_key(&secret, v4), client_key(&secret, mapped));
    }
}
