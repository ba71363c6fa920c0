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
    type Err = AddrError;
    /// Four decimal octets 0 to 255, each without a leading zero: `010` is 8 to the C library's
    /// `inet_aton` (octal) and 10 to others, so it is refused, as Rust's `Ipv4Addr` and most
    /// parsers refuse it, with the decimal reading as the suggestion.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match read_octets(s)? {
            (ip, Zeros::None) => Ok(ip),
            (ip, Zeros::Leading) => Err(AddrError::LeadingZero { text: s.to_string(), decimal: ip.to_string() }),
        }
    }
}

/// Whether a number was written with a leading zero.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Zeros {
    None,
    Leading,
}

impl Zeros {
    fn of(number: &str) -> Self {
        if number.len() > 1 && number.starts_with('0') { Zeros::Leading } else { Zeros::None }
    }

    fn or(self, other: Zeros) -> Zeros {
        if self == Zeros::Leading { self } else { other }
    }
}

/// Four decimal octets 0 to 255 joined by dots, read as decimal, and whether one has a leading
/// zero.
fn read_octets(s: &str) -> Result<(Ip, Zeros), AddrError> {
    let bad = || AddrError::NotAnAddress { text: s.to_string() };
    let mut octets = [0u8; 4];
    let mut zeros = Zeros::None;
    let mut parts = s.split('.');
    for octet in &mut octets {
        let part = parts.next().ok_or_else(bad)?;
        *octet = decimal(part, 3).and_then(|n| u8::try_from(n).ok()).ok_or_else(bad)?;
        zeros = zeros.or(Zeros::of(part));
    }
    match parts.next() {
        Some(_) => Err(bad()),
        None => Ok((Ip(u32::from_be_bytes(octets)), zeros)),
    }
}

/// The value of 1 to `digits_max` ASCII decimal digits (no sign, no space).
fn decimal(text: &str, digits_max: usize) -> Option<u32> {
    let digits = (1..=digits_max).contains(&text.len()) && text.bytes().all(|b| b.is_ascii_digit());
    digits.then(|| text.parse().ok()).flatten()
}

/// Why a text is not an address or a prefix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AddrError {
    /// Not four decimal numbers 0 to 255 joined by dots.
    NotAnAddress { text: String },
    /// A number written with a leading zero (`10.10.00.1`, `10.0.0.1/024`): octal to some
    /// tools, decimal to others; `decimal` is the text read as decimal, written without them.
    LeadingZero { text: String, decimal: String },
    /// No `/` in a prefix.
    NotAPrefix { text: String },
    /// A prefix length that is not a number 0 to 32.
    PrefixLength { len: String },
}

impl fmt::Display for AddrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AddrError::NotAnAddress { text } => write!(f, "`{text}` is not an IPv4 address (expected a.b.c.d)"),
            AddrError::LeadingZero { text, decimal } => {
                write!(f, "`{text}` has a leading zero, which some tools read as octal: write {decimal}")
            }
            AddrError::NotAPrefix { text } => write!(f, "`{text}` is not a prefix (expected a.b.c.d/len)"),
            AddrError::PrefixLength { len } => write!(f, "`{len}` is not a prefix length 0..=32"),
        }
    }
}

impl std::error::Error for AddrError {}

/// A network prefix such as `1.2.3.0/24`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
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
    type Err = AddrError;
    /// An address and a prefix length 0 to 32, each without a leading zero (see [`Ip`]'s).
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (addr, len) = s.split_once('/').ok_or_else(|| AddrError::NotAPrefix { text: s.to_string() })?;
        let prefix_len = decimal(len, 3).and_then(|l| u8::try_from(l).ok()).filter(|l| *l <= 32);
        let prefix_len = prefix_len.ok_or_else(|| AddrError::PrefixLength { len: len.to_string() })?;
        let (addr, zeros) = read_octets(addr)?;
        let cidr = Cidr { addr, prefix_len };
        match zeros.or(Zeros::of(len)) {
            Zeros::None => Ok(cidr),
            Zeros::Leading => Err(AddrError::LeadingZero { text: s.to_string(), decimal: cidr.to_string() }),
        }
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

    #[test]
    fn only_plain_decimal_octets_are_addresses() {
        let not = |s: &str| AddrError::NotAnAddress { text: s.into() };
        for s in ["", "1.2.3", "1.2.3.4.5", "1.2.3.256", "1.2.3.+4", "1.2.3. 4", "1.2.3.0x4", "1.2.3.0004", "1..3.4", "١.2.3.4"] {
            assert_eq!(s.parse::<Ip>(), Err(not(s)), "{s:?}");
        }
        assert_eq!("0.0.0.0".parse::<Ip>(), Ok(Ip(0)), "a lone zero is no leading zero");
        assert_eq!("255.255.255.255".parse::<Ip>(), Ok(Ip(u32::MAX)));
    }

    #[test]
    fn a_leading_zero_is_refused_with_the_decimal_reading() {
        let zero = |s: &str, decimal: &str| AddrError::LeadingZero { text: s.into(), decimal: decimal.into() };
        assert_eq!("10.10.00.1".parse::<Ip>().unwrap_err(), zero("10.10.00.1", "10.10.0.1"));
        assert_eq!("010.1.2.3".parse::<Ip>().unwrap_err(), zero("010.1.2.3", "10.1.2.3"));
        assert_eq!("1.2.3.09".parse::<Ip>().unwrap_err(), zero("1.2.3.09", "1.2.3.9"), "not octal: read as decimal still");
        assert_eq!("10.10.00.1/24".parse::<Cidr>().unwrap_err(), zero("10.10.00.1/24", "10.10.0.1/24"));
        assert_eq!("10.10.0.1/024".parse::<Cidr>().unwrap_err(), zero("10.10.0.1/024", "10.10.0.1/24"));
        assert_eq!("10.10.0.1/0".parse::<Cidr>().map(|c| c.prefix_len), Ok(0));
        let message = "10.10.00.1".parse::<Ip>().unwrap_err().to_string();
        assert_eq!(message, "`10.10.00.1` has a leading zero, which some tools read as octal: write 10.10.0.1");
    }

    #[test]
    fn a_prefix_is_an_address_a_slash_and_a_length() {
        assert_eq!("1.2.3.4".parse::<Cidr>(), Err(AddrError::NotAPrefix { text: "1.2.3.4".into() }));
        for len in ["33", "", "+8", "0032", "x"] {
            assert_eq!(format!("1.2.3.4/{len}").parse::<Cidr>(), Err(AddrError::PrefixLength { len: len.into() }), "{len:?}");
        }
        assert_eq!("1.2.3/8".parse::<Cidr>(), Err(AddrError::NotAnAddress { text: "1.2.3".into() }));
        assert_eq!("1.2.3.4/32".parse::<Cidr>().map(|c| c.to_string()), Ok("1.2.3.4/32".into()));
    }
}
