use super::Time;
use std::fmt::{self, Display, Write};
use std::marker::PhantomData;

/// What a run keeps of its trace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Tracing {
    /// Nothing: what-if, chaos and sweep runs, which report figures, not records.
    Off,
    /// Only the hash, folded record by record (a determinism check compares two runs' hashes
    /// and needs no record).
    Hash,
    /// Every record's text and the hash (`run`, `check`: the report prints the trace).
    Keep,
    /// As `Keep`, and each record's fields as data (its serde form, as JSON), for the JSON
    /// report's structured trace. The data counts against the same bound as the text.
    KeepData,
}

impl Tracing {
    /// Whether records are kept (their text at least).
    pub fn keeps(self) -> bool {
        matches!(self, Tracing::Keep | Tracing::KeepData)
    }
}

/// The default bound on a kept trace: 256 MiB of record text plus [`LINE_BYTES`] a record.
pub const MAX_TRACE_BYTES: u64 = 256 << 20;

/// What the trace counts for each record beside its text: its time, where its text ends and
/// its label (a private `Line`).
pub const LINE_BYTES: u64 = std::mem::size_of::<Line>() as u64;

/// One kept record: its time, the end of its text in the trace's text, and the label the
/// model gave it (`Model::label`: the runner keeps there which system recorded it and whether
/// the text timeline shows it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Line {
    at_ms: Time,
    end: u32,
    label: u32,
}

/// The run's trace: every state change, typed while the model records it and kept as its
/// canonical text (`Display`), which is all any reader of a trace reads — the report, the
/// hash, pins, diffs. One string holds every record's text and one vector a 16-byte line per
/// record, so a record costs its text and 16 bytes, not a value with two or three strings of
/// its own; and the trace is bounded (`max_bytes`, counted as the text plus 16 bytes a record):
/// once a record would cross the bound, the trace keeps nothing more and says so (`full`),
/// and the engine stops the run with an `Overrun` (issue 23).
#[derive(Clone, Debug)]
pub struct Trace<R> {
    tracing: Tracing,
    kept: Records,
    hash: u64,
    max_bytes: u64,
    full: bool,
    label: fn(&R) -> u32,
    /// Writes a record's canonical text (its `Display`), fixed where the type is known, so
    /// that pushing needs no bound.
    text: fn(&R, &mut String),
    /// Writes a record's fields as data (the model's `Model::data`).
    data: fn(&R, &mut String),
    record: PhantomData<fn(R)>,
}

impl<R: Display> Trace<R> {
    /// A trace without labels, whose records have no data beyond their text.
    pub fn new(tracing: Tracing) -> Self {
        Self::labelled(tracing, |_| 0, |_, _| {})
    }

    /// A trace that keeps each record's `label` beside its text, and, with
    /// `Tracing::KeepData`, what `data` writes of it.
    pub fn labelled(tracing: Tracing, label: fn(&R) -> u32, data: fn(&R, &mut String)) -> Self {
        Trace {
            tracing,
            kept: Records::default(),
            hash: FNV_OFFSET,
            max_bytes: MAX_TRACE_BYTES,
            full: false,
            label,
            text: write_text::<R>,
            data,
            record: PhantomData,
        }
    }
}

impl<R> Trace<R> {
    /// Whether a record pushed now is read: hashed, or kept (not under `Tracing::Off`, nor
    /// past the bound).
    #[inline]
    pub fn reads_records(&self) -> bool {
        self.tracing != Tracing::Off && !self.full
    }

    #[inline]
    /// Records `record` at `at`: kept, hashed or dropped as the trace's [`Tracing`] says (and
    /// dropped once the kept trace is past its bound).
    pub fn push(&mut self, at: Time, record: R) {
        if self.reads_records() {
            self.push_text(at, &record);
        }
    }

    /// Writes the record's canonical line `"{time} {record}\n"` into the hash, and keeps its
    /// text unless the trace only hashes or it would cross the bound.
    fn push_text(&mut self, at: Time, record: &R) {
        let start = self.kept.text.len();
        (self.text)(record, &mut self.kept.text);
        let mut h = Fnv(self.hash);
        writeln!(h, "{at} {}", &self.kept.text[start..]).expect("hashing never fails");
        self.hash = h.0;
        if !self.tracing.keeps() {
            self.kept.text.truncate(start);
            return;
        }
        let data_start = self.kept.data.len();
        if self.tracing == Tracing::KeepData {
            (self.data)(record, &mut self.kept.data);
        }
        if self.bytes().saturating_add(LINE_BYTES) > self.max_bytes {
            // Nothing past the bound is kept: the engine ends the run at this instant.
            self.kept.text.truncate(start);
            self.kept.data.truncate(data_start);
            self.full = true;
            return;
        }
        let end = u32::try_from(self.kept.text.len()).expect("the bound keeps the text under 4 GiB");
        self.kept.lines.push(Line { at_ms: at, end, label: (self.label)(record) });
        if self.tracing == Tracing::KeepData {
            let data_end = u32::try_from(self.kept.data.len()).expect("the bound keeps the data under 4 GiB");
            self.kept.data_ends.push(data_end);
        }
    }
}

impl<R> Trace<R> {
    /// Sets the bound on the kept trace's bytes (text plus [`LINE_BYTES`] a record). The text's
    /// offsets are 32-bit, so the bound is below 4 GiB.
    pub fn with_max_bytes(mut self, max_bytes: u64) -> Self {
        assert!(max_bytes > 0, "a bound of 0 bytes would stop every traced run");
        assert!(max_bytes <= u64::from(u32::MAX), "a trace's text offsets are 32-bit");
        self.max_bytes = max_bytes;
        // What was kept before counts: a trace already past the new bound is full.
        self.full |= self.bytes() > max_bytes;
        self
    }

    /// The bytes the bound counts: the text, the data (when kept) and a line per record (and
    /// the data's 4-byte end, when kept).
    fn bytes(&self) -> u64 {
        let k = &self.kept;
        let lines = LINE_BYTES.saturating_mul(k.lines.len() as u64);
        let data = (k.data.len() as u64).saturating_add(4 * k.data_ends.len() as u64);
        (k.text.len() as u64).saturating_add(lines).saturating_add(data)
    }

    /// Whether a record crossed the bound (and the trace stopped keeping records).
    pub fn full(&self) -> bool {
        self.full
    }

    /// The bound on the kept trace's bytes.
    pub fn max_bytes(&self) -> u64 {
        self.max_bytes
    }

    /// The kept records.
    pub fn records(&self) -> &Records {
        &self.kept
    }

    /// The kept records, taken out of the trace (the run is over).
    pub fn into_records(self) -> Records {
        self.kept
    }

    /// How many records are kept (none while only hashing).
    pub fn len(&self) -> usize {
        self.kept.len()
    }

    /// Whether no record is kept.
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty()
    }

    /// A stable hash of the trace: FNV-1a 64 over the canonical text `"{time} {record}\n"` of
    /// every record, folded as each is recorded. It depends only on the records' `Display`
    /// text, never on memory layout or the standard library's hasher, so it is the same on
    /// every machine (FS-DET). With tracing `Off` it is the hash of no record.
    pub fn hash(&self) -> u64 {
        self.hash
    }
}

fn write_text<R: Display>(record: &R, text: &mut String) {
    write!(text, "{record}").expect("writing to a String never fails");
}

/// A kept trace's records without their type, as every reader of a trace reads them: each
/// record's time, text and label, in the order recorded; and, where the run kept them
/// (`Tracing::KeepData`), each record's fields as JSON.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Records {
    text: String,
    lines: Vec<Line>,
    /// Every record's fields as JSON, one after another (empty unless kept).
    data: String,
    /// Where each record's JSON ends in `data` (empty unless kept; else one a line).
    data_ends: Vec<u32>,
}

impl Records {
    /// Records from `(time, text, label)` triples (a test's, or a report's own).
    pub fn from_lines<'a>(lines: impl IntoIterator<Item = (Time, &'a str, u32)>) -> Self {
        let mut records = Records::default();
        for (at_ms, text, label) in lines {
            records.text.push_str(text);
            let end = u32::try_from(records.text.len()).expect("records' text under 4 GiB");
            records.lines.push(Line { at_ms, end, label });
        }
        records
    }

    /// `(time, text, label)` of every record, in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (Time, &str, u32)> + '_ {
        self.lines.iter().enumerate().map(|(i, line)| {
            let start = if i == 0 { 0 } else { self.lines[i - 1].end as usize };
            (line.at_ms, &self.text[start..line.end as usize], line.label)
        })
    }

    /// The `i`-th record's fields as JSON, when the run kept them.
    pub fn data(&self, i: usize) -> Option<&str> {
        let end = *self.data_ends.get(i)? as usize;
        let start = if i == 0 { 0 } else { self.data_ends[i - 1] as usize };
        Some(&self.data[start..end])
    }

    /// Records held.
    pub fn len(&self) -> usize {
        self.lines.len()
    }

    /// Whether no record is held.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty()
    }
}

const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
const FNV_PRIME: u64 = 0x0000_0100_0000_01b3;

struct Fnv(u64);

impl Write for Fnv {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for b in s.bytes() {
            self.0 ^= u64::from(b);
            self.0 = self.0.wrapping_mul(FNV_PRIME);
        }
        Ok(())
    }
}

/// FNV-1a 64 of a byte string (the same function the trace hash uses).
pub fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut h = Fnv(FNV_OFFSET);
    for &b in bytes {
        h.0 ^= u64::from(b);
        h.0 = h.0.wrapping_mul(FNV_PRIME);
    }
    h.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fnv_known_vectors() {
        assert_eq!(fnv1a64(b""), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(b"a"), 0xaf63_dc4c_8601_ec8c);
    }

    #[test]
    fn hash_depends_on_time_and_text() {
        let mut a = Trace::new(Tracing::Keep);
        a.push(1, "x");
        let mut b = Trace::new(Tracing::Keep);
        b.push(2, "x");
        let mut c = Trace::new(Tracing::Keep);
        c.push(1, "x");
        assert_ne!(a.hash(), b.hash());
        assert_eq!(a.hash(), c.hash());
    }

    #[test]
    fn the_hash_is_fnv_over_the_canonical_lines() {
        let mut t = Trace::new(Tracing::Keep);
        t.push(1, "x");
        t.push(20, "yz");
        assert_eq!(t.hash(), fnv1a64(b"1 x\n20 yz\n"));
    }

    #[test]
    fn hashing_only_keeps_no_record_and_hashes_the_same() {
        let (mut kept, mut hashed) = (Trace::new(Tracing::Keep), Trace::new(Tracing::Hash));
        for t in [&mut kept, &mut hashed] {
            t.push(1, "x");
            t.push(2, "y");
        }
        assert_eq!(hashed.len(), 0, "only the hash");
        assert_eq!(kept.hash(), hashed.hash());
    }

    #[test]
    fn disabled_trace_records_nothing() {
        let mut t = Trace::new(Tracing::Off);
        t.push(1, "x");
        assert!(t.is_empty());
        assert_eq!(t.hash(), FNV_OFFSET, "the hash of no record");
    }

    #[test]
    fn records_read_back_in_order_with_their_labels() {
        let mut t: Trace<&str> = Trace::labelled(Tracing::Keep, |r| r.len() as u32, |_, _| {});
        t.push(1, "ab");
        t.push(1, "");
        t.push(5, "cde");
        assert!(!t.is_empty() && !t.records().is_empty(), "records kept");
        assert!(Trace::<&str>::new(Tracing::Keep).is_empty() && Records::default().is_empty(), "none yet");
        let read: Vec<_> = t.records().iter().collect();
        assert_eq!(read, [(1, "ab", 2), (1, "", 0), (5, "cde", 3)]);
    }

    #[test]
    fn records_keep_their_fields_as_data_when_asked_and_the_hash_stays_the_texts() {
        struct Rec {
            dma: &'static str,
            up: bool,
        }
        impl Display for Rec {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{} {}", self.dma, if self.up { "up" } else { "down" })
            }
        }
        fn data(r: &Rec, out: &mut String) {
            write!(out, "{{\"dma\":\"{}\",\"up\":{}}}", r.dma, r.up).unwrap();
        }
        let (mut data, mut text) = (Trace::labelled(Tracing::KeepData, |_| 0, data), Trace::labelled(Tracing::Keep, |_| 0, data));
        for t in [&mut data, &mut text] {
            t.push(1, Rec { dma: "A", up: true });
            t.push(2, Rec { dma: "B", up: false });
        }
        assert_eq!(data.hash(), text.hash(), "the hash is the text's alone");
        assert_eq!(
            (data.records().data(0), data.records().data(1), data.records().data(2)),
            (Some(r#"{"dma":"A","up":true}"#), Some(r#"{"dma":"B","up":false}"#), None)
        );
        assert_eq!(text.records().data(0), None, "text only: no data");
        let (with, without) = (data.bytes(), text.bytes());
        assert_eq!(with - without, (21 + 4) + (22 + 4), "the data and its ends count against the bound");
    }

    #[test]
    fn a_full_trace_keeps_what_fits_and_says_so() {
        // Each record: one byte of text and a line.
        let mut t = Trace::new(Tracing::Keep).with_max_bytes(2 * (1 + LINE_BYTES));
        t.push(1, "a");
        t.push(2, "b");
        assert!(!t.full(), "two records fit exactly");
        t.push(3, "c");
        assert!(t.full(), "the third crosses the bound");
        t.push(4, "d");
        assert_eq!(t.records().iter().map(|(_, text, _)| text).collect::<String>(), "ab");
    }

    #[test]
    fn a_bound_set_below_what_is_kept_makes_the_trace_full() {
        let mut t = Trace::new(Tracing::Keep);
        t.push(1, "a");
        let kept = 1 + LINE_BYTES;
        assert!(!t.clone().with_max_bytes(kept).full(), "exactly what is kept fits");
        assert!(t.clone().with_max_bytes(kept - 1).full(), "one byte less does not");
        let mut full = Trace::new(Tracing::Keep).with_max_bytes(1);
        full.push(1, "a");
        assert!(full.with_max_bytes(1 << 20).full(), "a raised bound does not undo a crossing");
    }

    #[test]
    fn records_from_lines_read_back() {
        let r = Records::from_lines([(1, "a", 7), (2, "bc", 0)]);
        assert_eq!(r.iter().collect::<Vec<_>>(), [(1, "a", 7), (2, "bc", 0)]);
    }

    #[test]
    fn a_line_is_sixteen_bytes() {
        assert_eq!(LINE_BYTES, 16, "the README states the bound's cost per record");
    }
}
