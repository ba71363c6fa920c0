//! Tracked writes: every record (or configuration change) a product acknowledges gets an id,
//! and the ledger knows, at any time, which durable stores hold it and whether it was lost —
//! and why (FS-NOLOSS). Products decide what a "store" is; the ledger only counts.
//!
//! A record is of a [`Kind`]: acknowledged (the writer promised to keep it: the summary's
//! written, replicated, pending and lost) or tentative (held by its writer before it
//! acknowledges it: a change in an editing session not yet made public). A tentative record
//! becomes acknowledged, keeping its id, or is lost; either way the summary counts it apart, so
//! what the counts of acknowledged records mean does not change.

mod ids;

use crate::engine::Time;
use std::collections::VecDeque;

pub use ids::{IdRange, IdSet, count, format};

pub type RecordId = u32;

/// Why records were lost: the mechanism, the document that describes such a loss (if any), and
/// the loss in words. Products give it where the loss happens; nothing reads the words back.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, schemars::JsonSchema, Hash)]
pub struct Cause {
    /// The loss in words, for reports (first: reports list losses in this order).
    pub detail: String,
    /// A stable name of the mechanism ("stale switchover"), for campaign summaries.
    pub mechanism: &'static str,
    /// The SPEC ID of the document that describes this loss; `None`: no document does.
    pub documented: Option<&'static str>,
}

/// What a record is to its writer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Kind {
    /// The writer acknowledged it: it promised to keep it (FS-NOLOSS).
    Acknowledged,
    /// The writer holds it but has not acknowledged it yet (a change in a session that was not
    /// made public); losing it breaks no promise, yet a report still says which were lost.
    Tentative,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Loss {
    pub at_ms: Time,
    pub cause: Cause,
}

/// What happened to a run of records written together (they share their fate until a store, a
/// loss or a drain takes part of them, which splits the run).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Fate {
    pub kind: Kind,
    /// When it was written, or for a record once tentative, when it was acknowledged.
    pub written_at_ms: Time,
    pub origin: u8,
    /// Bit `i` set: durable store `i` holds the records.
    pub stored_in: u8,
    pub lost: Option<Loss>,
    /// When every store first held them.
    pub replicated_at_ms: Option<Time>,
}

#[derive(Clone, Debug, Hash)]
struct Run {
    ids: IdRange,
    fate: Fate,
}

/// Every acknowledged record, as runs of consecutive ids with one fate each: memory grows with
/// the writes, stores and losses that happened, not with how many records they covered.
#[derive(Clone, Debug, Hash)]
pub struct Ledger {
    stores: u8,
    /// Bit `i` set: store `i` was retired (decommissioned); records need only the others.
    retired: u8,
    /// Sorted, contiguous from id 0 to `next`.
    runs: Vec<Run>,
    next: RecordId,
    /// How many records are acknowledged (written directly or tentative first).
    acknowledged: u64,
    rejected: u64,
}

/// Where the records of a run ended up.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
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
    pub losses: Vec<(Cause, IdSet)>,
    /// Tentative records still held (neither acknowledged nor lost); in none of the counts above.
    #[serde(skip_serializing_if = "is_zero")]
    pub tentative: u64,
    /// Tentative records lost; in none of the counts above.
    #[serde(skip_serializing_if = "is_zero")]
    pub tentative_lost: u64,
    /// Lost tentative records grouped by cause, in cause order, with their ids.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tentative_losses: Vec<(Cause, IdSet)>,
    /// When acknowledged records were lost: how many at each instant, by cause, in time order
    /// (the timeline marks them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lost_at: Vec<LostAt>,
}

/// Acknowledged records lost at one instant for one cause.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, schemars::JsonSchema)]
pub struct LostAt {
    pub at_ms: Time,
    pub count: u64,
    /// The cause in words ([`Cause::detail`]).
    pub cause: String,
}

/// A report of a run without tentative records reads as it always did.
fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Ledger {
    /// A ledger over `stores` durable stores (at most 8).
    pub fn new(stores: u8) -> Self {
        assert!((1..=8).contains(&stores), "1..=8 stores");
        Ledger { stores, retired: 0, runs: Vec::new(), next: 0, acknowledged: 0, rejected: 0 }
    }

    /// Acknowledges `count` records written at `at_ms` by `origin`; they get the next ids.
    pub fn write(&mut self, at_ms: Time, origin: u8, count: u32) -> IdRange {
        let ids = self.append(Kind::Acknowledged, at_ms, origin, count);
        self.acknowledged += ids.len();
        ids
    }

    /// Records `count` tentative records held by `origin` at `at_ms`; they get the next ids.
    pub fn write_tentative(&mut self, at_ms: Time, origin: u8, count: u32) -> IdRange {
        self.append(Kind::Tentative, at_ms, origin, count)
    }

    fn append(&mut self, kind: Kind, at_ms: Time, origin: u8, count: u32) -> IdRange {
        let end = self.next.checked_add(count).expect("fewer than 2^32 records (the script's count limit keeps them so)");
        let ids = IdRange::new(self.next, end);
        if !ids.is_empty() {
            self.runs.push(Run { ids, fate: Fate { kind, written_at_ms: at_ms, origin, stored_in: 0, lost: None, replicated_at_ms: None } });
        }
        self.next = end;
        ids
    }

    /// The writer acknowledges the tentative records `ids` at `at_ms`: they keep their ids and
    /// count as written from now on.
    pub fn acknowledge(&mut self, ids: IdRange, at_ms: Time) {
        self.update(ids, |fate| {
            assert_eq!(fate.kind, Kind::Tentative, "only a tentative record is acknowledged");
            assert!(fate.lost.is_none(), "a lost record is never acknowledged");
            fate.kind = Kind::Acknowledged;
            fate.written_at_ms = at_ms;
        });
        self.acknowledged += ids.len();
    }

    pub fn reject(&mut self, count: u64) {
        self.rejected += count;
    }

    /// How many records were acknowledged.
    pub fn written(&self) -> u64 {
        self.acknowledged
    }

    /// The stores a record must be in to be replicated: every store not retired.
    fn required(&self) -> u8 {
        let all = ((1u16 << self.stores) - 1) as u8;
        all & !self.retired
    }

    /// Store `store` now holds `ids`.
    pub fn store(&mut self, ids: IdRange, store: u8, at_ms: Time) {
        assert!(store < self.stores, "store {store} of a ledger over {} stores", self.stores);
        assert_eq!(self.retired & 1 << store, 0, "a retired store takes no records");
        let required = self.required();
        // A lost record can still land in a store (the writer's own database inserting its
        // buffer); it stays lost: it can no longer be everywhere it had to be.
        self.update(ids, |fate| {
            fate.stored_in |= 1 << store;
            if fate.stored_in & required == required && fate.replicated_at_ms.is_none() {
                fate.replicated_at_ms = Some(at_ms);
            }
        });
    }

    /// Store `store` is decommissioned at `at_ms` (its data removed): from now on a record is
    /// replicated once every other store holds it, and those that already are count as
    /// replicated from now. What only the retired store held is the caller's to lose.
    pub fn retire(&mut self, store: u8, at_ms: Time) {
        assert!(store < self.stores, "store {store} of a ledger over {} stores", self.stores);
        assert_ne!(self.retired | 1 << store, ((1u16 << self.stores) - 1) as u8, "one store stays");
        self.retired |= 1 << store;
        let required = self.required();
        for run in &mut self.runs {
            run.fate.stored_in &= !(1 << store);
            if run.fate.stored_in & required == required && run.fate.replicated_at_ms.is_none() {
                run.fate.replicated_at_ms = Some(at_ms);
            }
        }
        assert_eq!(self.retired & 1 << store, 1 << store, "the store is retired");
    }

    /// Store `store` no longer holds `ids` (overwritten there): they are no longer everywhere,
    /// though they were once (`replicated_at_ms` keeps when).
    pub fn unstore(&mut self, ids: IdRange, store: u8) {
        assert!(store < self.stores, "store {store} of a ledger over {} stores", self.stores);
        self.update(ids, |fate| fate.stored_in &= !(1 << store));
    }

    /// Marks `ids` lost with their cause; a record already lost keeps its first cause.
    pub fn lose(&mut self, ids: IdRange, at_ms: Time, cause: &Cause) {
        self.update(ids, |fate| {
            if fate.lost.is_none() {
                fate.lost = Some(Loss { at_ms, cause: cause.clone() });
            }
        });
    }

    /// The ids of `ids` that were not lost.
    pub fn not_lost(&self, ids: &IdSet) -> IdSet {
        let mut out = IdSet::default();
        for &r in ids.ranges() {
            for (part, fate) in self.fates(r) {
                if fate.lost.is_none() {
                    out.insert(part);
                }
            }
        }
        out
    }

    /// The fate of each part of `ids`, in id order.
    pub fn fates(&self, ids: IdRange) -> impl Iterator<Item = (IdRange, &Fate)> + '_ {
        assert!(ids.end <= self.next, "records {} were never written", format(&[ids]));
        let first = self.runs.partition_point(|run| run.ids.end <= ids.start);
        self.runs[first..].iter().map_while(move |run| run.ids.clip(ids).map(|part| (part, &run.fate)))
    }

    /// The longest time a record waited to be in every store: replicated ones until they were,
    /// the others (not lost) until `now`.
    pub fn max_replication_lag_ms(&self, now: Time) -> Time {
        let waits = self.runs.iter().filter(|run| run.fate.lost.is_none() && run.fate.kind == Kind::Acknowledged);
        waits.map(|run| run.fate.replicated_at_ms.unwrap_or(now).saturating_sub(run.fate.written_at_ms)).max().unwrap_or(0)
    }

    pub fn summary(&self) -> Summary {
        let all = self.required();
        let mut s = Summary { written: self.written(), rejected: self.rejected, ..Summary::default() };
        let mut by_cause: std::collections::BTreeMap<&Cause, IdSet> = Default::default();
        let mut tentative_by_cause: std::collections::BTreeMap<&Cause, IdSet> = Default::default();
        let mut lost_at: std::collections::BTreeMap<(Time, &Cause), u64> = Default::default();
        for run in &self.runs {
            match (run.fate.kind, &run.fate.lost) {
                (Kind::Acknowledged, Some(loss)) => {
                    s.lost += run.ids.len();
                    by_cause.entry(&loss.cause).or_default().insert(run.ids);
                    *lost_at.entry((loss.at_ms, &loss.cause)).or_default() += run.ids.len();
                }
                (Kind::Acknowledged, None) if run.fate.stored_in & all == all => s.replicated += run.ids.len(),
                (Kind::Acknowledged, None) => s.pending += run.ids.len(),
                (Kind::Tentative, Some(loss)) => {
                    s.tentative_lost += run.ids.len();
                    tentative_by_cause.entry(&loss.cause).or_default().insert(run.ids);
                }
                (Kind::Tentative, None) => s.tentative += run.ids.len(),
            }
        }
        s.losses = by_cause.into_iter().map(|(c, ids)| (c.clone(), ids)).collect();
        s.tentative_losses = tentative_by_cause.into_iter().map(|(c, ids)| (c.clone(), ids)).collect();
        s.lost_at = lost_at.into_iter().map(|((at_ms, c), count)| LostAt { at_ms, count, cause: c.detail.clone() }).collect();
        assert_eq!(s.lost_at.iter().map(|l| l.count).sum::<u64>(), s.lost, "every lost record is lost at one instant");
        assert_eq!(s.replicated + s.pending + s.lost, s.written, "every acknowledged record has exactly one fate");
        assert_eq!(s.written + s.tentative + s.tentative_lost, u64::from(self.next), "every record is acknowledged or tentative");
        s
    }

    /// Changes the fate of `ids`, splitting the runs at its ends.
    fn update(&mut self, ids: IdRange, mut change: impl FnMut(&mut Fate)) {
        assert!(ids.end <= self.next, "records {} were never written", format(&[ids]));
        if ids.is_empty() {
            return;
        }
        let (first, last) = (self.split_at(ids.start), self.split_at(ids.end));
        for run in &mut self.runs[first..last] {
            change(&mut run.fate);
        }
    }

    /// The index of the run that starts at `id`, splitting the run that holds it if needed.
    fn split_at(&mut self, id: RecordId) -> usize {
        let i = self.runs.partition_point(|run| run.ids.end <= id);
        let Some(run) = self.runs.get_mut(i) else { return i };
        if run.ids.start == id {
            return i;
        }
        let tail = Run { ids: IdRange::new(id, run.ids.end), fate: run.fate.clone() };
        run.ids.end = id;
        self.runs.insert(i + 1, tail);
        i + 1
    }
}

/// A FIFO of record ids waiting for a destination (a DB that is down, a link that is down).
#[derive(Clone, Debug, Default, Hash)]
pub struct Backlog {
    queue: VecDeque<IdRange>,
    len: u64,
}

impl Backlog {
    /// Queues `ids` behind what waits (joined to the last range when they follow it).
    pub fn push(&mut self, ids: IdRange) {
        if ids.is_empty() {
            return;
        }
        self.len += ids.len();
        match self.queue.back_mut() {
            Some(last) if last.end == ids.start => last.end = ids.end,
            _ => self.queue.push_back(ids),
        }
    }

    /// How many ids wait.
    pub fn len(&self) -> u64 {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.queue.is_empty()
    }

    /// Takes everything waiting, oldest first.
    pub fn drain(&mut self) -> Vec<IdRange> {
        self.len = 0;
        self.queue.drain(..).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fates_are_counted_and_losses_attributed() {
        let mut l = Ledger::new(2);
        let a = l.write(0, 0, 1);
        let b = l.write(0, 0, 1);
        let c = l.write(0, 0, 1);
        l.store(a, 0, 1);
        l.store(a, 1, 3);
        l.store(b, 0, 1);
        let cause = Cause { detail: "backlog dropped".into(), mechanism: "test", documented: None };
        l.lose(c, 5, &cause);
        l.reject(4);
        let s = l.summary();
        assert_eq!((s.written, s.replicated, s.pending, s.lost, s.rejected), (3, 1, 1, 1, 4));
        assert_eq!(s.losses, vec![(cause, IdSet::from_ids([c.start]))]);
        assert_eq!(l.max_replication_lag_ms(10), 10, "b waits from 0 until now");
        assert_eq!(l.fates(a).next().map(|(_, f)| f.replicated_at_ms), Some(Some(3)));
    }

    #[test]
    fn parts_of_a_write_keep_their_own_fates() {
        let mut l = Ledger::new(2);
        let all = l.write(0, 0, 1_000_000_000);
        l.store(IdRange::new(10, 20), 0, 1);
        l.store(IdRange::new(15, 30), 1, 2);
        let first = Cause { detail: "first".into(), mechanism: "test", documented: None };
        let second = Cause { detail: "second".into(), mechanism: "test", documented: None };
        l.lose(IdRange::new(0, 12), 3, &first);
        l.lose(IdRange::new(5, 40), 4, &second);
        let s = l.summary();
        assert_eq!((s.written, s.replicated, s.lost), (1_000_000_000, 0, 40));
        assert_eq!(s.losses, vec![(first, IdSet::from_ids(0..12)), (second, IdSet::from_ids(12..40))], "the first cause stays");
        let fates: Vec<(IdRange, u8)> = l.fates(IdRange::new(8, 32)).map(|(r, f)| (r, f.stored_in)).collect();
        let expected = [(8, 10, 0), (10, 12, 1), (12, 15, 1), (15, 20, 3), (20, 30, 2), (30, 32, 0)];
        assert_eq!(fates, expected.map(|(a, b, s)| (IdRange::new(a, b), s)));
        let kept = l.not_lost(&IdSet::from_ids([3, 50, 51]));
        assert_eq!(kept, IdSet::from_ids([50, 51]));
        assert!(l.runs.len() <= 8, "a billion records are a handful of runs, not a billion entries");
        assert_eq!(all.len(), 1_000_000_000);
    }

    #[test]
    fn tentative_records_are_counted_apart_and_keep_their_ids_when_acknowledged() {
        let mut l = Ledger::new(2);
        let a = l.write(0, 0, 2);
        let t = l.write_tentative(5, 1, 3);
        let u = l.write_tentative(6, 1, 1);
        assert_eq!((l.written(), t), (2, IdRange::new(2, 5)), "tentative records take ids but are not written");
        let s = l.summary();
        assert_eq!((s.written, s.pending, s.tentative, s.tentative_lost), (2, 2, 4, 0));
        assert_eq!(l.max_replication_lag_ms(100), 100, "only acknowledged records wait to be replicated");
        l.acknowledge(t, 50);
        assert_eq!(l.written(), 5, "acknowledged, they are written");
        assert_eq!(l.fates(t).next().map(|(_, f)| (f.kind, f.written_at_ms)), Some((Kind::Acknowledged, 50)), "written when acknowledged");
        let cause = Cause { detail: "session discarded".into(), mechanism: "test", documented: Some("X-1") };
        l.lose(u, 60, &cause);
        l.store(a, 0, 1);
        l.store(a, 1, 1);
        let s = l.summary();
        assert_eq!((s.written, s.replicated, s.pending, s.lost), (5, 2, 3, 0), "a lost tentative record is no lost write");
        l.unstore(IdRange::new(1, 2), 1);
        assert_eq!((l.summary().replicated, l.summary().pending), (1, 4), "a record a store no longer holds is pending again");
        assert_eq!(l.fates(IdRange::new(1, 2)).next().map(|(_, f)| (f.stored_in, f.replicated_at_ms)), Some((1, Some(1))));
        l.store(IdRange::new(1, 2), 1, 9);
        assert_eq!(l.fates(IdRange::new(1, 2)).next().map(|(_, f)| f.replicated_at_ms), Some(Some(1)), "first replicated at 1");
        assert_eq!((s.tentative, s.tentative_lost), (0, 1));
        assert_eq!((s.losses, s.tentative_losses), (vec![], vec![(cause, IdSet::from_ids([5]))]));
        assert_eq!(l.max_replication_lag_ms(100), 50, "acknowledged at 50, not yet everywhere at 100");
        let json = serde_json::to_string(&Ledger::new(1).summary()).unwrap();
        assert!(!json.contains("tentative"), "a summary without tentative records serializes as before: {json}");
    }

    #[test]
    #[should_panic(expected = "only a tentative record is acknowledged")]
    fn an_acknowledged_record_is_not_acknowledged_again() {
        let mut l = Ledger::new(1);
        let a = l.write(0, 0, 1);
        l.acknowledge(a, 1);
    }

    #[test]
    fn a_retired_store_is_no_longer_required() {
        let mut l = Ledger::new(2);
        let both = l.write(0, 0, 2);
        l.store(both, 0, 0);
        l.store(both, 1, 5);
        let waiting = l.write(10, 0, 3);
        l.store(waiting, 0, 10);
        assert_eq!((l.summary().replicated, l.summary().pending), (2, 3));
        l.retire(1, 40);
        assert_eq!((l.summary().replicated, l.summary().pending), (5, 0), "store 0 holds all: replicated");
        assert_eq!(l.max_replication_lag_ms(100), 30, "the waiting ones from 10 until the retirement at 40");
        let later = l.write(50, 0, 1);
        assert_eq!(l.summary().pending, 1, "not yet stored anywhere");
        l.store(later, 0, 60);
        assert_eq!((l.summary().replicated, l.summary().pending), (6, 0));
        assert_eq!(l.fates(later).next().map(|(_, f)| f.replicated_at_ms), Some(Some(60)));
    }

    #[test]
    fn what_only_the_retired_store_held_is_nowhere() {
        let mut l = Ledger::new(3);
        let only_retired = l.write(0, 0, 2);
        l.store(only_retired, 1, 0);
        l.retire(1, 10);
        let fate = l.fates(only_retired).next().map(|(_, f)| (f.stored_in, f.replicated_at_ms));
        assert_eq!(fate, Some((0, None)), "its data removed with the store: held nowhere, not replicated");
        assert_eq!((l.summary().replicated, l.summary().pending), (0, 2), "pending until the caller loses them");
    }

    #[test]
    #[should_panic(expected = "a retired store takes no records")]
    fn a_retired_store_takes_nothing() {
        let mut l = Ledger::new(2);
        l.retire(1, 0);
        let ids = l.write(0, 0, 1);
        l.store(ids, 1, 0);
    }

    #[test]
    #[should_panic(expected = "one store stays")]
    fn the_last_store_is_not_retired() {
        Ledger::new(1).retire(0, 0);
    }

    #[test]
    fn a_backlog_joins_ranges_that_follow_each_other() {
        let mut b = Backlog::default();
        b.push(IdRange::new(0, 5));
        b.push(IdRange::new(5, 9));
        b.push(IdRange::new(2, 3));
        b.push(IdRange::new(7, 7));
        assert_eq!(b.len(), 10);
        assert_eq!(b.drain(), vec![IdRange::new(0, 9), IdRange::new(2, 3)]);
        assert!(b.is_empty());
        assert_eq!(b.len(), 0);
    }
}
