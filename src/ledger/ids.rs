//! Record ids as ranges (FS-LIMITS): a write step of a million records is one range, so what a
//! run tracks grows with the number of steps and events, never with a write's count.

use super::RecordId;
use std::fmt;

/// The ids `start..end` (half-open).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IdRange {
    pub start: RecordId,
    pub end: RecordId,
}

impl IdRange {
    pub fn new(start: RecordId, end: RecordId) -> Self {
        assert!(start <= end, "a range starts before it ends: {start}..{end}");
        IdRange { start, end }
    }

    pub fn len(self) -> u64 {
        u64::from(self.end - self.start)
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The part of `self` inside `other`, if any.
    pub fn clip(self, other: IdRange) -> Option<IdRange> {
        let (start, end) = (self.start.max(other.start), self.end.min(other.end));
        (start < end).then_some(IdRange { start, end })
    }
}

/// How many ids a sequence of ranges holds.
pub fn count(ranges: &[IdRange]) -> usize {
    let total: u64 = ranges.iter().map(|r| r.len()).sum();
    usize::try_from(total).expect("fewer than 2^32 ids fit in usize")
}

/// `#3..#7,#9` for a sequence of ranges, in their order (touching neighbours run together).
pub fn format(ranges: &[IdRange]) -> String {
    let mut out = String::new();
    let mut pending: Option<IdRange> = None;
    let flush = |r: IdRange, out: &mut String| {
        if !out.is_empty() {
            out.push(',');
        }
        if r.len() == 1 {
            out.push_str(&format!("#{}", r.start));
        } else {
            out.push_str(&format!("#{}..#{}", r.start, r.end - 1));
        }
    };
    for &r in ranges.iter().filter(|r| !r.is_empty()) {
        pending = match pending {
            Some(p) if p.end == r.start => Some(IdRange { start: p.start, end: r.end }),
            Some(p) => {
                flush(p, &mut out);
                Some(r)
            }
            None => Some(r),
        };
    }
    if let Some(p) = pending {
        flush(p, &mut out);
    }
    out
}

/// A set of ids: sorted, disjoint ranges that never touch (so two equal sets are equal values).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IdSet {
    ranges: Vec<IdRange>,
}

impl IdSet {
    pub fn from_ids(ids: impl IntoIterator<Item = RecordId>) -> Self {
        let mut sorted: Vec<RecordId> = ids.into_iter().collect();
        sorted.sort_unstable();
        let mut set = IdSet::default();
        for id in sorted {
            set.insert(IdRange::new(id, id.checked_add(1).expect("an id below u32::MAX")));
        }
        set
    }

    pub fn ranges(&self) -> &[IdRange] {
        &self.ranges
    }

    pub fn len(&self) -> u64 {
        self.ranges.iter().map(|r| r.len()).sum()
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    /// Adds `r`; cheap when `r` lies at or past the end (ids are handed out in order).
    pub fn insert(&mut self, r: IdRange) {
        if r.is_empty() {
            return;
        }
        match self.ranges.last_mut() {
            None => self.ranges.push(r),
            Some(last) if last.end < r.start => self.ranges.push(r),
            Some(last) if last.start <= r.start => last.end = last.end.max(r.end),
            Some(_) => self.insert_anywhere(r),
        }
        debug_assert!(self.is_canonical(), "an id set stays sorted, disjoint and untouching");
    }

    fn insert_anywhere(&mut self, r: IdRange) {
        let first = self.ranges.partition_point(|x| x.end < r.start);
        let last = self.ranges.partition_point(|x| x.start <= r.end);
        let merged = self.ranges[first..last].iter().fold(r, |m, x| IdRange { start: m.start.min(x.start), end: m.end.max(x.end) });
        self.ranges.splice(first..last, [merged]);
    }

    /// The ids of `self` that are not in `other`.
    pub fn difference(&self, other: &IdSet) -> IdSet {
        let mut out = IdSet::default();
        let mut j = 0;
        for &r in &self.ranges {
            let mut start = r.start;
            while j < other.ranges.len() && other.ranges[j].end <= start {
                j += 1;
            }
            let mut k = j;
            while start < r.end {
                match other.ranges.get(k) {
                    Some(o) if o.start < r.end => {
                        if o.start > start {
                            out.insert(IdRange::new(start, o.start));
                        }
                        start = start.max(o.end);
                        k += 1;
                    }
                    _ => {
                        out.insert(IdRange::new(start, r.end));
                        start = r.end;
                    }
                }
            }
        }
        out
    }

    fn is_canonical(&self) -> bool {
        self.ranges.iter().all(|r| !r.is_empty()) && self.ranges.windows(2).all(|w| w[0].end < w[1].start)
    }
}

impl fmt::Display for IdSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format(&self.ranges))
    }
}

/// As a list of inclusive `[first, last]` pairs (a million lost ids stay one pair in a report).
impl serde::Serialize for IdSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut seq = s.serialize_seq(Some(self.ranges.len()))?;
        for r in &self.ranges {
            seq.serialize_element(&[r.start, r.end - 1])?;
        }
        seq.end()
    }
}

/// Its JSON shape: a list of inclusive `[first, last]` id pairs.
impl schemars::JsonSchema for IdSet {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "IdSet".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <Vec<[RecordId; 2]>>::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(s: &IdSet) -> Vec<RecordId> {
        s.ranges().iter().flat_map(|r| r.start..r.end).collect()
    }

    fn set(ranges: &[(u32, u32)]) -> IdSet {
        let mut s = IdSet::default();
        for &(a, b) in ranges {
            s.insert(IdRange::new(a, b));
        }
        s
    }

    #[test]
    fn inserts_merge_touching_and_overlapping_ranges() {
        assert_eq!(set(&[(0, 2), (2, 4)]).ranges(), &[IdRange::new(0, 4)]);
        assert_eq!(set(&[(5, 7), (0, 2), (1, 6)]).ranges(), &[IdRange::new(0, 7)]);
        assert_eq!(set(&[(5, 7), (0, 2), (3, 4)]).ranges(), &[IdRange::new(0, 2), IdRange::new(3, 4), IdRange::new(5, 7)]);
        assert_eq!(set(&[(0, 9), (3, 4)]).ranges(), &[IdRange::new(0, 9)]);
        assert_eq!(set(&[(3, 3)]), IdSet::default(), "an empty range adds nothing");
        assert_eq!(set(&[(0, 2), (5, 7), (2, 4)]).ranges(), &[IdRange::new(0, 4), IdRange::new(5, 7)], "touching the range before it");
        assert_eq!(set(&[(0, 2), (5, 7), (3, 5)]).ranges(), &[IdRange::new(0, 2), IdRange::new(3, 7)], "touching the range after it");
        assert_eq!(IdSet::from_ids([4, 2, 3, 9]), set(&[(2, 5), (9, 10)]));
    }

    #[test]
    fn difference_matches_the_id_by_id_difference() {
        let a = set(&[(0, 10), (20, 30), (40, 41)]);
        let b = set(&[(2, 4), (9, 21), (25, 26), (29, 45)]);
        let expected: Vec<u32> = ids(&a).into_iter().filter(|id| !ids(&b).contains(id)).collect();
        assert_eq!(expected.len(), 14, "the id-by-id difference itself");
        assert_eq!(ids(&a.difference(&b)), expected);
        assert_eq!(a.difference(&b), set(&[(0, 2), (4, 9), (21, 25), (26, 29)]));
        assert_eq!(a.difference(&IdSet::default()), a);
        assert_eq!(set(&[(0, 5), (10, 15)]).difference(&set(&[(7, 8)])), set(&[(0, 5), (10, 15)]), "a range of `other` past the end of one of ours");
        assert!(a.difference(&a).is_empty());
        assert_eq!(a.len(), 21);
    }

    #[test]
    fn the_canonical_form_is_checked() {
        let raw = |r: &[(u32, u32)]| IdSet { ranges: r.iter().map(|&(a, b)| IdRange { start: a, end: b }).collect() };
        assert!(raw(&[(0, 2), (3, 4)]).is_canonical());
        assert!(!raw(&[(0, 2), (2, 4)]).is_canonical(), "touching ranges must be one");
        assert!(!raw(&[(0, 3), (2, 4)]).is_canonical(), "overlapping ones too");
        assert!(!raw(&[(3, 4), (0, 2)]).is_canonical(), "out of order");
        assert!(!raw(&[(1, 1)]).is_canonical(), "an empty range");
    }

    #[test]
    fn ranges_that_only_touch_share_nothing() {
        assert_eq!(IdRange::new(0, 5).clip(IdRange::new(5, 9)), None);
        assert_eq!(IdRange::new(0, 5).clip(IdRange::new(4, 9)), Some(IdRange::new(4, 5)));
        assert_eq!(IdRange::new(3, 3).clip(IdRange::new(0, 9)), None, "an empty range clips to nothing");
    }

    #[test]
    fn ranges_print_like_the_trace_always_did() {
        assert_eq!(format(&[IdRange::new(3, 8), IdRange::new(8, 9), IdRange::new(11, 12)]), "#3..#8,#11");
        assert_eq!(format(&[IdRange::new(5, 7), IdRange::new(2, 4)]), "#5..#6,#2..#3", "in the sequence's order");
        assert_eq!(format(&[]), "");
        assert_eq!(count(&[IdRange::new(5, 7), IdRange::new(2, 4)]), 4);
        assert_eq!(serde_json::to_string(&set(&[(0, 3), (7, 8)])).unwrap(), "[[0,2],[7,7]]");
        assert_eq!(set(&[(0, 3), (7, 8)]).to_string(), "#0..#2,#7", "a set shows as the trace writes ids");
    }
}
