//! The client's address. `X-Forwarded-For` is believed only when the connection comes from
//! a configured proxy, and then only up to the first hop that is not one of ours: anything
//! further left was written by the client and could be anything (ASVS 4.1.3, 15.3.4).

use std::net::IpAddr;

pub fn client_ip(peer: IpAddr, forwarded_for: &[&str], trusted: &[IpRange]) -> IpAddr {
    let is_trusted = |ip: IpAddr| trusted.iter().any(|range| range.contains(ip));
    if !is_trusted(peer) {
        return peer;
    }
    let hops = forwarded_for
        .iter()
        .flat_map(|header| header.split(','))
        .map(str::trim)
        .collect::<Vec<_>>();
    let mut client = peer;
    for hop in hops.iter().rev() {
        match hop.parse::<IpAddr>() {
            Ok(ip) => {
                client = ip;
                if !is_trusted(ip) {
                    break;
                }
            }
            // An unreadable hop: stop at the last address we could vouch for.
            Err(_) => break,
        }
    }
    client
}

/// One trusted proxy: an address, or a CIDR range such as `10.0.0.0/8`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IpRange {
    network: std::net::IpAddr,
    prefix: u8,
}

impl IpRange {
    pub fn parse(text: &str) -> Option<Self> {
        let (address, prefix) = match text.trim().split_once('/') {
            Some((a, p)) => (a, Some(p.parse::<u8>().ok()?)),
            None => (text.trim(), None),
        };
        let network: std::net::IpAddr = address.parse().ok()?;
        let max = if network.is_ipv4() { 32 } else { 128 };
        let prefix = prefix.unwrap_or(max);
        (prefix <= max).then_some(Self { network, prefix })
    }

    pub fn contains(&self, ip: std::net::IpAddr) -> bool {
        use std::net::IpAddr::{V4, V6};
        let (a, b, bits) = match (self.network, ip) {
            (V4(n), V4(i)) => (
                u128::from(u32::from(n)) << 96,
                u128::from(u32::from(i)) << 96,
                self.prefix,
            ),
            (V6(n), V6(i)) => (u128::from(n), u128::from(i), self.prefix),
            (V6(n), V4(i)) => (u128::from(n), u128::from(i.to_ipv6_mapped()), self.prefix),
            (V4(n), V6(i)) => match i.to_ipv4_mapped() {
                Some(i) => (
                    u128::from(u32::from(n)) << 96,
                    u128::from(u32::from(i)) << 96,
                    self.prefix,
                ),
                None => return false,
            },
        };
        let mask = if bits == 0 {
            0
        } else {
            u128::MAX << (128 - u32::from(bits))
        };
        a & mask == b & mask
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    fn ranges(list: &[&str]) -> Vec<IpRange> {
        list.iter().map(|t| IpRange::parse(t).unwrap()).collect()
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let got = client_ip(ip("203.0.113.9"), &["198.51.100.1"], &[]);
        assert_eq!(got, ip("203.0.113.9"));
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_spoofed_hops_are_skipped() {
        let trusted = ranges(&["10.0.0.0/8"]);
        // The client wrote "1.2.3.4" itself; the proxy appended the real address.
        let got = client_ip(ip("10.0.0.2"), &["1.2.3.4, 198.51.100.7"], &trusted);
        assert_eq!(got, ip("198.51.100.7"));
        // Two proxies of ours in a row.
        let got = client_ip(ip("10.0.0.2"), &["198.51.100.7", "10.0.0.3"], &trusted);
        assert_eq!(got, ip("198.51.100.7"));
    }

    #[test]
    fn an_untrusted_peer_cannot_claim_another_address() {
        let trusted = ranges(&["10.0.0.1"]);
        let got = client_ip(ip("10.0.0.2"), &["198.51.100.7"], &trusted);
        assert_eq!(got, ip("10.0.0.2"));
    }

    #[test]
    fn garbage_in_the_header_stops_the_walk() {
        let trusted = ranges(&["10.0.0.0/8"]);
        let got = client_ip(ip("10.0.0.2"), &["198.51.100.7, nonsense"], &trusted);
        assert_eq!(got, ip("10.0.0.2"));
    }

    #[test]
    fn ranges_parse_and_match() {
        let range = IpRange::parse("192.168.0.0/16").unwrap();
        assert!(range.contains(ip("192.168.44.1")));
        assert!(!range.contains(ip("192.169.0.1")));
        assert!(IpRange::parse("::1").unwrap().contains(ip("::1")));
        assert!(IpRange::parse("10.0.0.0/33").is_none());
        assert!(IpRange::parse("not-an-ip").is_none());
        assert!(IpRange::parse("0.0.0.0/0").unwrap().contains(ip("8.8.8.8")));
    }
}
