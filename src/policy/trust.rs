//! The trust boundary for identity headers: which SIP peers may assert who is calling.
//!
//! `P-Asserted-Identity`, `P-Preferred-Identity` and `Remote-Party-ID` are only believed from a trusted peer
//! (RFC 3325 trust domain; Asterisk's `trust_id_inbound`; a Kamailio `permissions` table). The policy lists the
//! trusted peers in `system.trusted_peers`, each by peer id or by IPv4/IPv6 address or CIDR block; a call names
//! its source in the event's `source` (`peer`, `address`). Everything else, and a call without a source, is
//! untrusted. Outbound, carriers (resources, gateways) are trusted by their own `trusted` flag.

use crate::error::Error;
use crate::policy::event::CallEvent;
use crate::policy::reader::{object, Obj};
use crate::policy::{Gateway, Resource};
use crate::trace::{Outcome, Trace};
use serde::Serialize;
use serde_json::Value;
use std::net::IpAddr;

/// An IP network: an address and a prefix length (a single address is a /32 or /128).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    pub addr: IpAddr,
    pub prefix: u8,
}

impl Cidr {
    /// Parses `192.0.2.10`, `192.0.2.0/24`, `2001:db8::1` or `2001:db8::/32`; host bits set under the prefix are
    /// an error (a typo more often than intent).
    pub fn parse(s: &str) -> Result<Cidr, String> {
        let (ip, len) = match s.split_once('/') {
            Some((ip, len)) => (ip, Some(len)),
            None => (s, None),
        };
        let addr: IpAddr =
            ip.trim().parse().map_err(|_| format!("{s:?} is not an IP address or CIDR block"))?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match len {
            None => max,
            Some(l) => match l.parse::<u8>() {
                Ok(p) if p <= max => p,
                _ => return Err(format!("{s:?}: the prefix length must be 0 to {max}")),
            },
        };
        let cidr = Cidr { addr, prefix };
        if bits(addr) & !mask(prefix, max) != 0 {
            return Err(format!("{s:?} has host bits set under /{prefix}"));
        }
        Ok(cidr)
    }

    /// Whether `ip` is inside this network (an IPv4-mapped IPv6 address counts as its IPv4 address).
    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = match ip {
            IpAddr::V6(v6) => v6.to_ipv4_mapped().map(IpAddr::V4).unwrap_or(ip),
            v4 => v4,
        };
        if ip.is_ipv4() != self.addr.is_ipv4() {
            return false;
        }
        let max = if ip.is_ipv4() { 32 } else { 128 };
        let m = mask(self.prefix, max);
        bits(ip) & m == bits(self.addr) & m
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let max = if self.addr.is_ipv4() { 32 } else { 128 };
        if self.prefix == max {
            write!(f, "{}", self.addr)
        } else {
            write!(f, "{}/{}", self.addr, self.prefix)
        }
    }
}

fn bits(ip: IpAddr) -> u128 {
    match ip {
        IpAddr::V4(v4) => u128::from(u32::from(v4)),
        IpAddr::V6(v6) => u128::from(v6),
    }
}

fn mask(prefix: u8, max: u8) -> u128 {
    let width_mask = if max == 128 { u128::MAX } else { (1u128 << max) - 1 };
    if prefix == 0 {
        0
    } else {
        (width_mask >> (max - prefix) << (max - prefix)) & width_mask
    }
}

/// One trusted peer of the policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TrustedPeer {
    /// A peer id the SIP server resolves (a trunk name, a dispatcher set).
    pub peer: Option<String>,
    /// An address or network, written back in its canonical form.
    #[serde(serialize_with = "display")]
    pub address: Option<Cidr>,
    pub label: Option<String>,
}

fn display<S: serde::Serializer>(c: &Option<Cidr>, s: S) -> Result<S::Ok, S::Error> {
    match c {
        Some(c) => s.serialize_str(&c.to_string()),
        None => s.serialize_none(),
    }
}

impl TrustedPeer {
    fn describe(&self) -> String {
        let what = match (&self.peer, &self.address) {
            (Some(p), _) => format!("peer {p:?}"),
            (None, Some(a)) => format!("address {a}"),
            (None, None) => "an empty entry".to_owned(),
        };
        match &self.label {
            Some(l) => format!("{what} ({l})"),
            None => what,
        }
    }
}

const PEER_KEYS: &[&str] = &["peer", "address", "label"];

/// Reads `system.trusted_peers`: each entry names exactly one of `peer` and `address`.
pub(crate) fn read_trusted_peers(o: &Obj<'_>, key: &str, errs: &mut Vec<Error>) -> Vec<TrustedPeer> {
    let Some(items) = o.array(key, errs) else { return Vec::new() };
    let mut out = Vec::with_capacity(items.len());
    for (i, v) in items.iter().enumerate() {
        let path = format!("{}[{i}]", o.path(key));
        let Some(e) = object(v, &path, PEER_KEYS, errs) else { continue };
        let peer = e.str_len("peer", 1, 128, errs).map(str::to_owned);
        let label = e.str_len("label", 0, 256, errs).map(str::to_owned);
        let address = e.str("address", errs).and_then(|s| match Cidr::parse(s) {
            Ok(c) => Some(c),
            Err(m) => {
                errs.push(Error::new(e.path("address"), "invalid_address", m));
                None
            }
        });
        match (e.get("peer").is_some(), e.get("address").is_some()) {
            (true, true) => errs.push(Error::new(
                path.clone(),
                "ambiguous",
                "give either peer or address, not both (use two entries)",
            )),
            (false, false) => errs.push(Error::new(path.clone(), "missing", "give a peer id or an address")),
            _ => {}
        }
        if peer.is_some() || address.is_some() {
            out.push(TrustedPeer { peer, address, label });
        }
    }
    out
}

/// Where a call came from, as the SIP server saw it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Source {
    pub peer: Option<String>,
    pub address: Option<IpAddr>,
}

const SOURCE_KEYS: &[&str] = &["peer", "address"];

/// Reads an event's `source`.
pub(crate) fn read_source(v: &Value, path: &str, errs: &mut Vec<Error>) -> Source {
    let Some(o) = object(v, path, SOURCE_KEYS, errs) else { return Source::default() };
    let peer = o.str_len("peer", 1, 128, errs).map(str::to_owned);
    let address = o.str("address", errs).and_then(|s| match s.trim().parse::<IpAddr>() {
        Ok(ip) => Some(ip),
        Err(_) => {
            errs.push(Error::new(
                o.path("address"),
                "invalid_address",
                format!("{s:?} is not an IP address"),
            ));
            None
        }
    });
    Source { peer, address }
}

/// Whether a call's source is trusted, and by which entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SourceTrust {
    pub trusted: bool,
    /// The trusted-peer entry that matched (null when untrusted).
    pub by: Option<String>,
    /// Why the source is untrusted (null when trusted).
    pub why_not: Option<String>,
}

/// Decides whether `source` is one of `peers`.
pub fn source_trust(peers: &[TrustedPeer], source: Option<&Source>) -> SourceTrust {
    let untrusted = |why: String| SourceTrust { trusted: false, by: None, why_not: Some(why) };
    let Some(src) = source.filter(|s| s.peer.is_some() || s.address.is_some()) else {
        return untrusted("the call names no source".to_owned());
    };
    let hit = peers.iter().find(|p| match (&p.peer, &p.address) {
        (Some(id), _) => src.peer.as_deref() == Some(id.as_str()),
        (None, Some(net)) => src.address.is_some_and(|ip| net.contains(ip)),
        (None, None) => false,
    });
    match hit {
        Some(p) => SourceTrust { trusted: true, by: Some(p.describe()), why_not: None },
        None => {
            let mut what = Vec::new();
            if let Some(p) = &src.peer {
                what.push(format!("peer {p:?}"));
            }
            if let Some(a) = &src.address {
                what.push(format!("address {a}"));
            }
            untrusted(format!("{} is not a trusted peer", what.join(" / ")))
        }
    }
}

/// The caller numbers a call's identity headers name (user parts of P-Asserted-Identity, then
/// P-Preferred-Identity, then Remote-Party-ID), for screening to read after the caller number. The trace
/// says whether the source is trusted (when the call names one or carries such a header); from an untrusted
/// source none is returned, and each one present is traced as ignored, with why.
pub fn asserted_identities<'e>(
    event: &'e CallEvent,
    trust: &SourceTrust,
    trace: &mut Trace,
) -> Vec<(&'static str, &'e str)> {
    let headers = [
        ("p_asserted_identity", "P-Asserted-Identity", event.sip.p_asserted_identity.as_ref()),
        ("p_preferred_identity", "P-Preferred-Identity", event.sip.p_preferred_identity.as_ref()),
        ("remote_party_id", "Remote-Party-ID", event.sip.remote_party_id.as_ref().map(|r| &r.identity)),
    ];
    if event.source.is_some() || headers.iter().any(|(_, _, id)| id.is_some()) {
        match (&trust.by, &trust.why_not) {
            (Some(by), _) => {
                trace.push("trust.source", Outcome::Matched, format_args!("source trusted: {by}"))
            }
            (None, why) => trace.push(
                "trust.source",
                Outcome::NotMatched,
                format_args!("source untrusted: {}", why.as_deref().unwrap_or("")),
            ),
        }
    }
    let mut out = Vec::new();
    for (source, header, identity) in headers {
        let Some(user) = identity.and_then(|i| i.user.as_deref()) else { continue };
        match &trust.why_not {
            None => out.push((source, user)),
            Some(why) => trace.push(
                "trust.identity",
                Outcome::Skipped,
                format_args!("{header} {user} ignored for identity and lists: {why}"),
            ),
        }
    }
    out
}

/// Whether the carrier of an outbound call is trusted with the real caller ID (`P-Asserted-Identity`): the
/// gateway's own `trusted` when set, else its resource's; untrusted by default and without a resource.
pub fn carrier_trusted(resource: Option<&Resource>, gateway: Option<&Gateway>) -> bool {
    gateway.and_then(|g| g.trusted).or(resource.and_then(|r| r.trusted)).unwrap_or(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidr_matching_v4_and_v6() {
        let net = Cidr::parse("192.0.2.0/24").unwrap();
        assert!(net.contains("192.0.2.77".parse().unwrap()));
        assert!(!net.contains("192.0.3.1".parse().unwrap()));
        assert!(net.contains("::ffff:192.0.2.9".parse().unwrap()));
        let one = Cidr::parse("127.0.0.2").unwrap();
        assert!(one.contains("127.0.0.2".parse().unwrap()));
        assert!(!one.contains("127.0.0.3".parse().unwrap()));
        let v6 = Cidr::parse("2001:db8::/32").unwrap();
        assert!(v6.contains("2001:db8:1::5".parse().unwrap()));
        assert!(!v6.contains("2001:db9::1".parse().unwrap()));
        assert!(!v6.contains("192.0.2.1".parse().unwrap()));
        assert!(Cidr::parse("0.0.0.0/0").unwrap().contains("8.8.8.8".parse().unwrap()));
    }

    #[test]
    fn cidr_errors() {
        assert!(Cidr::parse("192.0.2.1/24").unwrap_err().contains("host bits"));
        assert!(Cidr::parse("192.0.2.0/33").unwrap_err().contains("0 to 32"));
        assert!(Cidr::parse("carrier").unwrap_err().contains("not an IP address"));
        assert_eq!(Cidr::parse("2001:db8::/32").unwrap().to_string(), "2001:db8::/32");
    }
}
