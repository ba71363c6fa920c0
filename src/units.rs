//! The value types of the file syntax: durations written `"500ms"`, `"20s"`, `"6m30s"`, `"1h"`
//! or as integer milliseconds. The engine knows none of this: it counts integer milliseconds
//! ([`crate::engine::Time`]); scenario files, product configurations and the CLI speak `Ms`.

use crate::engine::Time;
use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A span of virtual time in milliseconds, written in files either as an integer number of
/// milliseconds or as a string such as `"500ms"`, `"20s"`, `"6m30s"`, `"1h"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Ms(pub Time);

/// The longest duration or instant a file or the CLI may name: 31 days of virtual time. It bounds
/// every run's length and keeps every sum of times far from overflowing.
pub const MAX_MS: Time = 31 * 24 * 3_600_000;

impl Ms {
    /// `ms` if it is within [`MAX_MS`].
    pub fn bounded(ms: Time) -> Result<Ms, String> {
        if ms <= MAX_MS { Ok(Ms(ms)) } else { Err(too_long(Ms(ms))) }
    }
}

impl Ms {
    /// `s` seconds, for constants (not checked against [`MAX_MS`]).
    pub const fn secs(s: u64) -> Ms {
        Ms(s * 1000)
    }
}

fn too_long(what: impl fmt::Display) -> String {
    format!("{what} is longer than the limit of 31 days (744h)")
}

impl std::str::FromStr for Ms {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        let bad = || format!("`{text}` is not a duration (expected e.g. \"500ms\", \"20s\", \"6m30s\", \"1h\")");
        let s = text.trim();
        if s.is_empty() {
            return Err(bad());
        }
        let (mut total, mut rest) = (0u64, s);
        while !rest.is_empty() {
            let digits = rest.find(|c: char| !c.is_ascii_digit()).unwrap_or(rest.len());
            let n: u64 = rest[..digits].parse().map_err(|_| bad())?;
            rest = &rest[digits..];
            let unit_len = rest.find(|c: char| c.is_ascii_digit()).unwrap_or(rest.len());
            let factor = match &rest[..unit_len] {
                "ms" => 1,
                "s" => 1_000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => return Err(bad()),
            };
            total = n.checked_mul(factor).and_then(|v| total.checked_add(v)).ok_or_else(|| too_long(format!("`{text}`")))?;
            rest = &rest[unit_len..];
        }
        Ms::bounded(total)
    }
}

impl fmt::Display for Ms {
    /// The shortest unit string that reads back to the same value.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.0;
        if t == 0 {
            return f.write_str("0s");
        }
        let (h, m, s, ms) = (t / 3_600_000, t / 60_000 % 60, t / 1000 % 60, t % 1000);
        let mut out = String::new();
        for (v, u) in [(h, "h"), (m, "m"), (s, "s"), (ms, "ms")] {
            if v > 0 {
                out += &format!("{v}{u}");
            }
        }
        f.write_str(&out)
    }
}

impl Serialize for Ms {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Ms {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl Visitor<'_> for V {
            type Value = Ms;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a duration: milliseconds as an integer, or a string like \"20s\" or \"6m30s\"")
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Ms, E> {
                Ms::bounded(v).map_err(E::custom)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Ms, E> {
                let v = u64::try_from(v).map_err(|_| E::custom("a duration cannot be negative"))?;
                Ms::bounded(v).map_err(E::custom)
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Ms, E> {
                v.parse().map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_print_durations() {
        for (s, ms) in [("500ms", 500), ("20s", 20_000), ("6m30s", 390_000), ("1h", 3_600_000), ("1m0s5ms", 60_005)] {
            assert_eq!(s.parse::<Ms>(), Ok(Ms(ms)), "{s}");
        }
        for bad in ["", "5", "5x", "s", "1.5s", "-3s"] {
            assert!(bad.parse::<Ms>().is_err(), "{bad}");
        }
        assert_eq!("744h".parse::<Ms>(), Ok(Ms(MAX_MS)));
        for long in ["745h", "18446744073709551615ms", "18446744073709551615h"] {
            let e = long.parse::<Ms>().unwrap_err();
            assert!(e.contains("31 days"), "{long}: {e}");
        }
        assert_eq!(Ms(390_000).to_string(), "6m30s");
    }
}
