use super::Time;
use std::fmt::{self, Display, Write};

/// The run's trace: every state change, as a typed record with its time.
#[derive(Clone, Debug)]
pub struct Trace<R> {
    enabled: bool,
    records: Vec<(Time, R)>,
}

impl<R> Trace<R> {
    pub fn new(enabled: bool) -> Self {
        Trace { enabled, records: Vec::new() }
    }

    #[inline]
    pub fn push(&mut self, at: Time, record: R) {
        if self.enabled {
            self.records.push((at, record));
        }
    }

    pub fn records(&self) -> &[(Time, R)] {
        &self.records
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }
}

impl<R: Display> Trace<R> {
    /// A stable hash of the trace: FNV-1a 64 over the canonical text `"{time} {record}\n"` of
    /// every record. It depends only on the records' `Display` text, never on memory layout or
    /// the standard library's hasher, so it is the same on every machine (FS-DET).
    pub fn hash(&self) -> u64 {
        let mut h = Fnv(FNV_OFFSET);
        for (at, record) in &self.records {
            writeln!(h, "{at} {record}").expect("hashing never fails");
        }
        h.0
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
        let mut a = Trace::new(true);
        a.push(1, "x");
        let mut b = Trace::new(true);
        b.push(2, "x");
        let mut c = Trace::new(true);
        c.push(1, "x");
        assert_ne!(a.hash(), b.hash());
        assert_eq!(a.hash(), c.hash());
    }

    #[test]
    fn disabled_trace_records_nothing() {
        let mut t = Trace::new(false);
        t.push(1, "x");
        assert!(t.is_empty());
    }
}
