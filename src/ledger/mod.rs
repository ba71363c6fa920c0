//! Tracked writes: every record (or configuration change) a product acknowledges gets an id,
//! and the ledger knows, at any time, which durable stores hold it and whether it was lost —
//! and why (FS-NOLOSS). Products decide what a "store" is; the ledger only counts.

use crate::engine::Time;
use std::collections::VecDeque;

pub type RecordId = u32;

/// Why records were lost: the mechanism, the document that describes such a loss (if any), and
/// the loss in words. Products give it where the loss happens; nothing reads the words back.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub struct Cause {
    /// The loss in words, for reports (first: reports list losses in this order).
    pub detail: String,
    /// A stable name of the mechanism ("stale switchover"), for campaign summaries.
    pub mechanism: &'static str,
    /// The SPEC ID of the document that describes this loss; `None`: no document does.
    pub documented: Option<&'static str>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Loss {
    pub at_ms: Time,
    pub cause: Cause,
}

#[derive(Clone, Debug)]
pub struct Entry {
    pub written_at_ms: Time,
    pub origin: u8,
    /// Bit `i` set: durable store `i` holds the record.
    pub stored_in: u8,
    pub lost: Option<Loss>,
    /// When every store first held it.
    pub replicated_at_ms: Option<Time>,
}

#[derive(Clone, Debug)]
pub struct Ledger {
    stores: u8,
    entries: Vec<Entry>,
    rejected: u64,
}

/// Where the records of a run ended up.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Acknowledged writes.
    pub written: u64,
    /// Held by every store.
    pub replicated: u64,
    /// Not lost, not yet everywhere (in a buffer, a backlog, or one store only).
    pub pending: u64,
    pub lost: u64,
    /// Writes refused because nobody could take them (never acknowledged, so not lost).
    pub rejected: u64,
    /// Lost records grouped by cause, in cause order, with their ids.
    pub losses: Vec<(Cause, Vec<RecordId>)>,
}

impl Ledger {
    /// A ledger over `stores` durable stores (at most 8).
    pub fn new(stores: u8) -> Self {
        assert!((1..=8).contains(&stores), "1..=8 stores");
        Ledger { stores, entries: Vec::new(), rejected: 0 }
    }

    pub fn write(&mut self, at_ms: Time, origin: u8) -> RecordId {
        let id = RecordId::try_from(self.entries.len()).expect("fewer than 2^32 records");
        self.entries.push(Entry { written_at_ms: at_ms, origin, stored_in: 0, lost: None, replicated_at_ms: None });
        id
    }

    pub fn reject(&mut self, count: u64) {
        self.rejected += count;
    }

    pub fn store(&mut self, id: RecordId, store: u8, at_ms: Time) {
        assert!(store < self.stores, "store {store} of a ledger over {} stores", self.stores);
        assert!((id as usize) < self.entries.len(), "record #{id} was never written");
        // A lost record can still land in a store (the writer's own database inserting its
        // buffer); it stays lost: it can no longer be everywhere it had to be.
        self.entries[id as usize].stored_in |= 1 << store;
        if self.is_replicated(id) && self.entries[id as usize].replicated_at_ms.is_none() {
            self.entries[id as usize].replicated_at_ms = Some(at_ms);
        }
    }

    /// The longest time a record waited to be in every store: replicated ones until they were,
    /// the others (not lost) until `now`.
    pub fn max_replication_lag_ms(&self, now: Time) -> Time {
        self.entries.iter().filter(|e| e.lost.is_none()).map(|e| e.replicated_at_ms.unwrap_or(now).saturating_sub(e.written_at_ms)).max().unwrap_or(0)
    }

    /// Marks `id` lost with its cause; a record already lost keeps its first cause.
    pub fn lose(&mut self, id: RecordId, at_ms: Time, cause: &Cause) {
        assert!((id as usize) < self.entries.len(), "record #{id} was never written");
        let e = &mut self.entries[id as usize];
        if e.lost.is_none() {
            e.lost = Some(Loss { at_ms, cause: cause.clone() });
        }
    }

    /// Whether the record was lost.
    pub fn is_lost(&self, id: RecordId) -> bool {
        self.entries[id as usize].lost.is_some()
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    pub fn is_replicated(&self, id: RecordId) -> bool {
        let all = (1u16 << self.stores) - 1;
        u16::from(self.entries[id as usize].stored_in) == all
    }

    pub fn summary(&self) -> Summary {
        let mut s = Summary { written: self.entries.len() as u64, rejected: self.rejected, ..Summary::default() };
        let mut by_cause: std::collections::BTreeMap<&Cause, Vec<RecordId>> = Default::default();
        for (id, e) in self.entries.iter().enumerate() {
            match &e.lost {
                Some(loss) => {
                    s.lost += 1;
                    by_cause.entry(&loss.cause).or_default().push(id as RecordId);
                }
                None if self.is_replicated(id as RecordId) => s.replicated += 1,
                None => s.pending += 1,
            }
        }
        s.losses = by_cause.into_iter().map(|(c, ids)| (c.clone(), ids)).collect();
        s
    }
}

/// A FIFO of record ids waiting for a destination (a DB that is down, a link that is down).
#[derive(Clone, Debug, Default)]
pub struct Backlog {
    queue: VecDeque<RecordId>,
}

impl Backlog {
    pub fn push(&mut self, id: RecordId) {
        self.queue.push_back(id);
    }

    pub fn len(&self) -> usize {
        self.queue.len()
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Takes everything waiting, oldest first.
    pub fn drain(&mut self) -> impl Iterator<Item = RecordId> + '_ {
        self.queue.drain(..)
    }
}

/// `#3..#7` style id ranges for record traces.
pub fn id_ranges(ids: &[RecordId]) -> String {
    let mut out = String::new();
    let mut i = 0;
    while i < ids.len() {
        let start = ids[i];
        let mut end = start;
        while i + 1 < ids.len() && ids[i + 1] == end + 1 {
            i += 1;
            end = ids[i];
        }
        if !out.is_empty() {
            out.push(',');
        }
        if start == end {
            out += &format!("#{start}");
        } else {
            out += &format!("#{start}..#{end}");
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fates_are_counted_and_losses_attributed() {
        let mut l = Ledger::new(2);
        let a = l.write(0, 0);
        let b = l.write(0, 0);
        let c = l.write(0, 0);
        l.store(a, 0, 1);
        l.store(a, 1, 3);
        l.store(b, 0, 1);
        let cause = Cause { detail: "backlog dropped".into(), mechanism: "test", documented: None };
        l.lose(c, 5, &cause);
        l.reject(4);
        let s = l.summary();
        assert_eq!((s.written, s.replicated, s.pending, s.lost, s.rejected), (3, 1, 1, 1, 4));
        assert_eq!(s.losses, vec![(cause, vec![c])]);
        assert_eq!(l.max_replication_lag_ms(10), 10, "b waits from 0 until now");
        assert_eq!(l.entries()[a as usize].replicated_at_ms, Some(3));
    }
}
