//! The run a scenario says it expects (FS-PIN, FS-DET): `expect_trace: (hash: "…", events: N,
//! failsim: "0.x.y", fingerprint: (…))` in a file, and the verdict of a replay against it.
//!
//! The hash alone says *whether* a replay is the run the reporter saw; it cannot say *where* it
//! parts, and the receiver does not have the reporter's trace. So a pin may carry a fingerprint:
//! a 16-bit tag of each block of `every` trace records (one record a block while the trace has
//! at most [`MAX_TAGS`] records, so the first differing record is named exactly; longer traces
//! group records so the fingerprint stays at most [`MAX_TAGS`] tags, 4 hex digits each). A
//! minute-by-minute hash would be smaller but could only name a minute.

use crate::check::Failure;
use crate::engine::{Time, clock, fnv1a64};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt::Write;

/// This failsim's version, as a pin records it.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The most tags a fingerprint holds (4 KiB of hex in a file at most).
pub const MAX_TAGS: u64 = 1024;

/// Tags per string in a file: one line of 64 hex digits.
const TAGS_PER_LINE: usize = 16;

/// What a scenario expects of its run's trace.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectTrace {
    /// FNV-1a 64 of the trace, as every report prints it.
    pub hash: TraceHash,
    /// Events the run handled.
    pub events: u64,
    /// The failsim version that pinned it: another version may trace differently.
    pub failsim: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fingerprint: Option<Fingerprint>,
}

/// A trace hash, written as 16 hex digits (as reports print it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceHash(pub u64);

impl Serialize for TraceHash {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&format!("{:016x}", self.0))
    }
}

impl<'de> Deserialize<'de> for TraceHash {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        parse_hash(&text).map(TraceHash).map_err(serde::de::Error::custom)
    }
}

fn parse_hash(text: &str) -> Result<u64, String> {
    let hex = text.len() == 16 && text.bytes().all(|b| b.is_ascii_hexdigit());
    match hex {
        true => u64::from_str_radix(text, 16).map_err(|e| e.to_string()),
        false => Err(format!("`{text}` is not a trace hash: 16 hex digits, as a report prints it (e.g. \"7af7b7647a6fdd6a\")")),
    }
}

/// A 16-bit tag of each block of `every` records of a trace of `records` records.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "FingerprintFile", into = "FingerprintFile")]
pub struct Fingerprint {
    pub records: u64,
    pub every: u64,
    pub tags: Vec<u16>,
}

/// A fingerprint as a file writes it: the tags as lines of hex digits.
#[derive(Serialize, Deserialize)]
#[serde(rename = "Fingerprint", deny_unknown_fields)]
struct FingerprintFile {
    records: u64,
    every: u64,
    tags: Vec<String>,
}

impl TryFrom<FingerprintFile> for Fingerprint {
    type Error = String;
    fn try_from(f: FingerprintFile) -> Result<Self, String> {
        if f.every == 0 {
            return Err("a fingerprint's `every` is at least 1 (records per tag)".into());
        }
        let mut tags = Vec::new();
        for line in &f.tags {
            let bad = || format!("`{line}` is not a line of tags: groups of 4 hex digits");
            if line.len() % 4 != 0 || !line.bytes().all(|b| b.is_ascii_hexdigit()) {
                return Err(bad());
            }
            for i in (0..line.len()).step_by(4) {
                tags.push(u16::from_str_radix(&line[i..i + 4], 16).map_err(|_| bad())?);
            }
        }
        let want = f.records.div_ceil(f.every);
        if tags.len() as u64 != want {
            return Err(format!("{} tags for {} records, one every {}: expected {want}", tags.len(), f.records, f.every));
        }
        Ok(Fingerprint { records: f.records, every: f.every, tags })
    }
}

impl From<Fingerprint> for FingerprintFile {
    fn from(f: Fingerprint) -> Self {
        let lines = f.tags.chunks(TAGS_PER_LINE).map(|c| c.iter().map(|t| format!("{t:04x}")).collect()).collect();
        FingerprintFile { records: f.records, every: f.every, tags: lines }
    }
}

/// One trace record as the hash reads it: its instant and its text.
pub type Record<'a> = (Time, &'a str);

/// The tag of a block of records: FNV-1a 64 of their canonical text (the trace hash's), folded
/// to 16 bits.
fn tag(block: &[Record<'_>]) -> u16 {
    let mut text = String::new();
    for (at, record) in block {
        let _ = writeln!(text, "{at} {record}");
    }
    let h = fnv1a64(text.as_bytes());
    (h ^ (h >> 16) ^ (h >> 32) ^ (h >> 48)) as u16
}

impl Fingerprint {
    /// The fingerprint of a trace: a tag a record, or a tag a block once there are more than
    /// [`MAX_TAGS`] records.
    pub fn of(records: &[Record<'_>]) -> Fingerprint {
        let n = records.len() as u64;
        Self::with_every(records, n.div_ceil(MAX_TAGS).max(1))
    }

    fn with_every(records: &[Record<'_>], every: u64) -> Fingerprint {
        let size = usize::try_from(every).unwrap_or(usize::MAX);
        Fingerprint { records: records.len() as u64, every, tags: records.chunks(size).map(tag).collect() }
    }
}

impl ExpectTrace {
    /// The pin of a run: its trace hash, events, records and this failsim's version.
    pub fn of(records: &[Record<'_>], hash: u64, events: u64) -> ExpectTrace {
        ExpectTrace { hash: TraceHash(hash), events, failsim: VERSION.to_string(), fingerprint: Some(Fingerprint::of(records)) }
    }

    /// As a file writes it, the lines after the first indented by `indent`.
    pub fn to_ron(&self, indent: &str) -> String {
        let mut s = format!("(\n{indent}    hash: \"{:016x}\",\n{indent}    events: {},\n", self.hash.0, self.events);
        let _ = writeln!(s, "{indent}    failsim: {:?},", self.failsim);
        if let Some(f) = &self.fingerprint {
            let _ = writeln!(s, "{indent}    fingerprint: (records: {}, every: {}, tags: [", f.records, f.every);
            for line in FingerprintFile::from(f.clone()).tags {
                let _ = writeln!(s, "{indent}        \"{line}\",");
            }
            let _ = writeln!(s, "{indent}    ]),");
        }
        s + indent + ")"
    }

    /// What the expectation says, as a report lists it.
    pub fn claim(&self) -> String {
        let records = self.fingerprint.as_ref().map_or(String::new(), |f| format!(", records: {}", f.records));
        format!("Trace(hash: {:016x}, events: {}{records}, failsim {})", self.hash.0, self.events, self.failsim)
    }
}

/// A replay against its pin: `Ok` when it is the same run (on this version or another),
/// otherwise where it parts.
pub fn verdict(pin: &ExpectTrace, records: &[Record<'_>], hash: u64, events: u64) -> Result<(), Failure> {
    if pin.hash.0 == hash && pin.events == events {
        return Ok(());
    }
    let version = match pin.failsim == VERSION {
        true => String::new(),
        false => format!(" (pinned with failsim {}; this is {VERSION}, and another version may trace differently)", pin.failsim),
    };
    let ran = format!("trace {hash:016x}, {events} events, {} records", records.len());
    let (at_ms, expected, actual) = match &pin.fingerprint {
        _ if pin.hash.0 == hash => (0, format!("{} events", pin.events), format!("{events} events, with the same trace")),
        None => (0, format!("trace {:016x}", pin.hash.0), format!("{ran} (no fingerprint pinned to find where: `--pin` adds one)")),
        Some(f) => parting(f, records, &ran),
    };
    Err(Failure { at_ms, expected: expected + &version, actual })
}

/// Where a trace parts from a fingerprint: the first block whose tag differs (the first record
/// of it), or where one of them ends.
fn parting(f: &Fingerprint, records: &[Record<'_>], ran: &str) -> (Time, String, String) {
    let ours = Fingerprint::with_every(records, f.every);
    let block = ours.tags.iter().zip(&f.tags).position(|(a, b)| a != b).unwrap_or(ours.tags.len().min(f.tags.len()));
    // Saturating: `every` comes from a file, and a huge one must not overflow (FS-LIMITS).
    let first = f.every.saturating_mul(block as u64);
    let which = match f.every {
        1 => format!("trace record {}", first.saturating_add(1)),
        n => format!("trace records {}..{}", first.saturating_add(1), first.saturating_add(n)),
    };
    match (records.get(usize::try_from(first).unwrap_or(usize::MAX)), first >= f.records) {
        (Some((at, text)), false) => (*at, format!("{which} as pinned ({} records)", f.records), format!("{which} differs: {} {text}; {ran}", clock(*at))),
        (Some((at, text)), true) => (*at, format!("the trace ends after {} records", f.records), format!("{which} is more: {} {text}; {ran}", clock(*at))),
        (None, false) => {
            let at = records.last().map_or(0, |r| r.0);
            (at, format!("{which} and more ({} records)", f.records), format!("the trace ends after {} records; {ran}", records.len()))
        }
        (None, true) => (0, format!("the pinned trace ({} records)", f.records), format!("every record matches the fingerprint, yet the hash differs; {ran}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn trace(texts: &[&'static str]) -> Vec<Record<'static>> {
        texts.iter().enumerate().map(|(i, t)| (i as Time * 1000, *t)).collect()
    }

    fn hash(records: &[Record<'_>]) -> u64 {
        let mut t = crate::engine::Trace::new(crate::engine::Tracing::Keep);
        records.iter().for_each(|(at, r)| t.push(*at, *r));
        t.hash()
    }

    #[test]
    fn the_same_run_holds_and_a_changed_record_is_named() {
        let a = trace(&["start", "switch", "online"]);
        let pin = ExpectTrace::of(&a, hash(&a), 10);
        assert_eq!(verdict(&pin, &a, hash(&a), 10), Ok(()));
        let b = trace(&["start", "stay", "online"]);
        let f = verdict(&pin, &b, hash(&b), 10).expect_err("a different record");
        assert_eq!(f.at_ms, 1000, "at the differing record's instant");
        assert!(f.actual.starts_with("trace record 2 differs: 00:00:01.000 stay;"), "expected record 2 named, got: {}", f.actual);
        assert_eq!(f.expected, "trace record 2 as pinned (3 records)");
    }

    #[test]
    fn a_shorter_or_longer_trace_says_where_it_ends() {
        let a = trace(&["start", "switch"]);
        let pin = ExpectTrace::of(&a, hash(&a), 5);
        let shorter = trace(&["start"]);
        let f = verdict(&pin, &shorter, hash(&shorter), 5).unwrap_err();
        assert!(f.actual.starts_with("the trace ends after 1 records"), "{}", f.actual);
        let longer = trace(&["start", "switch", "again"]);
        let f = verdict(&pin, &longer, hash(&longer), 5).unwrap_err();
        assert!(f.actual.starts_with("trace record 3 is more: 00:00:02.000 again"), "{}", f.actual);
        assert_eq!(f.expected, "the trace ends after 2 records");
    }

    #[test]
    fn events_alone_and_another_version_are_said() {
        let a = trace(&["start"]);
        let mut pin = ExpectTrace::of(&a, hash(&a), 5);
        let f = verdict(&pin, &a, hash(&a), 6).unwrap_err();
        assert_eq!((f.expected.as_str(), f.actual.as_str()), ("5 events", "6 events, with the same trace"));
        pin.failsim = "0.0.1".into();
        assert_eq!(verdict(&pin, &a, hash(&a), 5), Ok(()), "the same run on another version holds");
        let f = verdict(&pin, &a, hash(&a), 6).unwrap_err();
        assert!(f.expected.ends_with(&format!("(pinned with failsim 0.0.1; this is {VERSION}, and another version may trace differently)")), "{}", f.expected);
        pin.fingerprint = None;
        let b = trace(&["other"]);
        let f = verdict(&pin, &b, hash(&b), 5).unwrap_err();
        assert!(f.actual.contains("no fingerprint pinned"), "{}", f.actual);
    }

    #[test]
    fn a_long_trace_is_tagged_by_blocks_and_the_block_named() {
        let texts: Vec<String> = (0..2500).map(|i| format!("r{i}")).collect();
        let a: Vec<Record<'_>> = texts.iter().enumerate().map(|(i, t)| (i as Time, t.as_str())).collect();
        let f = Fingerprint::of(&a);
        assert_eq!((f.every, f.tags.len()), (3, 834), "at most {MAX_TAGS} tags");
        let pin = ExpectTrace::of(&a, hash(&a), 1);
        let mut b = a.clone();
        b[1000].1 = "changed";
        let fail = verdict(&pin, &b, hash(&b), 1).unwrap_err();
        assert!(fail.actual.starts_with("trace records 1000..1002 differs: 00:00:00.999 r999"), "{}", fail.actual);
    }

    /// A pin written by one failsim is read by another (FS-DET): the tag of a block is fixed
    /// (FNV-1a 64 of the records' canonical text, its four 16-bit quarters xor-ed).
    #[test]
    fn tags_are_the_same_on_every_machine_and_version() {
        assert_eq!(tag(&[(0, "x")]), 0x3812, "FNV-1a 64 of \"0 x\\n\" is 0x36b37bf99c17e94f");
        assert_eq!(tag(&[(1000, "switch"), (2000, "online")]), 0xcbc2, "a block is its records' text, in order");
    }

    #[test]
    fn a_huge_block_size_from_a_file_is_no_overflow() {
        let a = trace(&["x", "y"]);
        let pin = ExpectTrace { fingerprint: Some(Fingerprint { records: 2, every: u64::MAX, tags: vec![tag(&a)] }), ..ExpectTrace::of(&a, 1, 1) };
        let f = verdict(&pin, &a, 2, 1).unwrap_err();
        assert_eq!(f.actual, "every record matches the fingerprint, yet the hash differs; trace 0000000000000002, 1 events, 2 records");
    }

    #[test]
    fn a_fingerprint_reads_back_and_bad_ones_say_why() {
        let a = trace(&["x"; 20]);
        let f = Fingerprint::of(&a);
        let file = FingerprintFile::from(f.clone());
        assert_eq!(file.tags.len(), 2, "16 tags a line");
        assert_eq!(Fingerprint::try_from(file), Ok(f));
        let bad = |every, tags: &[&str]| Fingerprint::try_from(FingerprintFile { records: 2, every, tags: tags.iter().map(|t| t.to_string()).collect() });
        assert_eq!(bad(0, &[]).unwrap_err(), "a fingerprint's `every` is at least 1 (records per tag)");
        assert_eq!(bad(1, &["abc"]).unwrap_err(), "`abc` is not a line of tags: groups of 4 hex digits");
        assert_eq!(bad(1, &["abcg"]).unwrap_err(), "`abcg` is not a line of tags: groups of 4 hex digits");
        assert_eq!(bad(1, &["abcd"]).unwrap_err(), "1 tags for 2 records, one every 1: expected 2");
        assert_eq!(bad(2, &["abcd"]).map(|f| f.tags), Ok(vec![0xabcd]));
        assert_eq!(parse_hash("7af7b7647a6fdd6a"), Ok(0x7af7_b764_7a6f_dd6a));
        assert!(parse_hash("7af7b7647a6fdd6").is_err() && parse_hash("7af7b7647a6fdd6z").is_err());
    }

    #[test]
    fn to_ron_writes_every_part() {
        let a = trace(&["x"]);
        let pin = ExpectTrace::of(&a, 0xab, 3);
        let text = pin.to_ron("  ");
        let want = format!(
            "(\n      hash: \"00000000000000ab\",\n      events: 3,\n      failsim: \"{VERSION}\",\n      fingerprint: (records: 1, every: 1, tags: [\n          \"{:04x}\",\n      ]),\n  )",
            pin.fingerprint.as_ref().unwrap().tags[0]
        );
        assert_eq!(text, want);
    }
}
