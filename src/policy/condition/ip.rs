//! `IpAddress` / `NotIpAddress`: IPv4/IPv6 CIDR blocks or bare addresses.

use std::net::IpAddr;

/// An address range.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cidr {
    addr: IpAddr,
    prefix: u8,
}

impl Cidr {
    /// Parses `a.b.c.d/n`, `x::y/n` or a bare address (a single-host range).
    pub fn parse(s: &str) -> Option<Cidr> {
        let s = s.trim();
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let addr: IpAddr = addr.parse().ok()?;
        let max = if addr.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => p.parse().ok()?,
            Some(_) => return None,
            None => max,
        };
        (prefix <= max).then_some(Cidr { addr, prefix })
    }

    /// True when `ip` lies inside this range (families must agree).
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.addr, ip) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                let mask = u32::MAX.checked_shl(32 - u32::from(self.prefix)).unwrap_or(0);
                u32::from(net) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                let mask = u128::MAX.checked_shl(128 - u32::from(self.prefix)).unwrap_or(0);
                u128::from(net) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

/// Parses every value; `None` if any is not an address or CIDR block.
pub fn compile(raw: &[String]) -> Option<Vec<Cidr>> {
    raw.iter().map(|r| Cidr::parse(r)).collect()
}

/// True when the context address lies in any range; non-addresses never match.
pub fn matches(policy: &[Cidr], value: &str) -> bool {
    let Ok(ip) = value.trim().parse::<IpAddr>() else {
        return false;
    };
    policy.iter().any(|c| c.contains(ip))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges() {
        let p = compile(&["203.0.113.0/24".into(), "2001:db8::/32".into(), "10.1.2.3".into()]).unwrap();
        assert!(matches(&p, "203.0.113.77"));
        assert!(!matches(&p, "203.0.114.1"));
        assert!(matches(&p, "2001:db8:1::5"));
        assert!(!matches(&p, "2001:db9::1"));
        assert!(matches(&p, "10.1.2.3"));
        assert!(!matches(&p, "10.1.2.4"));
        assert!(!matches(&p, "not-ip"));
        assert!(matches(&compile(&["0.0.0.0/0".into()]).unwrap(), "1.2.3.4"));
        assert!(compile(&["1.2.3.4/33".into()]).is_none());
        assert!(compile(&["1.2.3.4/".into()]).is_none());
    }
}
