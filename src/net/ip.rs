use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// An IPv4 address, kept as an integer so that ordering and prefix matching are exact.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Ip(pub u32);

impl fmt::Debug for Ip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl fmt::Display for Ip {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let [a, b, c, d] = self.0.to_be_bytes();
        write!(f, "{a}.{b}.{c}.{d}")
    }
}

impl FromStr for Ip {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{s}` is not an IPv4 address (expected a.b.c.d)");
        let mut octets = [0u8; 4];
        let mut parts = s.split('.');
        for octet in &mut octets {
            *octet = parts.next().and_then(|p| p.parse().ok()).ok_or_else(bad)?;
        }
        if parts.next().is_some() {
            return Err(bad());
        }
        Ok(Ip(u32::from_be_bytes(octets)))
    }
}

/// A network prefix such as `1.2.3.0/24`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Cidr {
    pub addr: Ip,
    pub prefix_len: u8,
}

impl Cidr {
    /// `a.b.c.d/prefix_len`, written in code (a preset's addresses).
    pub const fn v4([a, b, c, d]: [u8; 4], prefix_len: u8) -> Self {
        Cidr { addr: Ip(u32::from_be_bytes([a, b, c, d])), prefix_len }
    }

    pub fn mask(&self) -> u32 {
        if self.prefix_len == 0 { 0 } else { u32::MAX << (32 - u32::from(self.prefix_len)) }
    }

    pub fn contains(&self, ip: Ip) -> bool {
        ip.0 & self.mask() == self.addr.0 & self.mask()
    }
}

impl fmt::Display for Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.prefix_len)
    }
}

impl FromStr for Cidr {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (addr, len) = s.split_once('/').ok_or_else(|| format!("`{s}` is not a prefix (expected a.b.c.d/len)"))?;
        let prefix_len: u8 = len.parse().ok().filter(|l| *l <= 32).ok_or_else(|| format!("`{len}` is not a prefix length 0..=32"))?;
        Ok(Cidr { addr: addr.parse()?, prefix_len })
    }
}

macro_rules! serde_via_str {
    ($t:ty) => {
        impl Serialize for $t {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }
        impl<'de> Deserialize<'de> for $t {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}
serde_via_str!(Ip);
serde_via_str!(Cidr);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_print() {
        let ip: Ip = "10.10.10.5".parse().unwrap();
        assert_eq!(ip.to_string(), "10.10.10.5");
        assert!("10.10.10".parse::<Ip>().is_err());
        assert!("10.10.10.300".parse::<Ip>().is_err());
        let net: Cidr = "1.2.3.0/24".parse().unwrap();
        assert!(net.contains("1.2.3.4".parse().unwrap()));
        assert!(!net.contains("1.2.4.4".parse().unwrap()));
        assert!("1.2.3.0/33".parse::<Cidr>().is_err());
    }
}
