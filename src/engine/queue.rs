//! The event queue: events ordered by `(time, seq)` as one packed integer key, each stored with
//! its entry; timers are generation-counted, so re-arming or cancelling one makes its queued
//! entry stale without searching for it. The orders: a sorted vector for a few entries, a timing
//! wheel of index-linked slab nodes for many (and, for the benches, a binary heap and a radix
//! heap).

use super::Time;
use std::cmp::{Ordering, Reverse};
use std::collections::BinaryHeap;

/// A timer slot. Arming it again or cancelling it makes the queued entry stale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimerId(u32);

/// A queued event's ordering key and timer tag: 24 bytes. `(time, seq)` is unique, and the
/// order compares it as one packed integer, `time << 64 | seq` (a branch-free compare; the
/// derived four-field order cost a chain of branches in every sift).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Entry {
    pub time: Time,
    pub seq: u64,
    timer: u32,
    generation: u32,
}

impl Entry {
    /// `time << 64 | seq`: the key as one integer (the order, and what the radix heap splits).
    #[inline(always)]
    fn key(&self) -> u128 {
        (u128::from(self.time) << 64) | u128::from(self.seq)
    }
}

impl PartialOrd for Entry {
    #[inline(always)]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    #[inline(always)]
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

/// An event with its entry, ordered by the entry alone.
#[derive(Clone, Debug)]
pub struct Queued<T> {
    pub entry: Entry,
    pub event: T,
}

impl<T> PartialEq for Queued<T> {
    fn eq(&self, other: &Self) -> bool {
        self.entry == other.entry
    }
}
impl<T> Eq for Queued<T> {}
impl<T> PartialOrd for Queued<T> {
    #[inline(always)]
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
    #[inline(always)]
    fn lt(&self, other: &Self) -> bool {
        self.entry.key() < other.entry.key()
    }
    #[inline(always)]
    fn le(&self, other: &Self) -> bool {
        self.entry.key() <= other.entry.key()
    }
    #[inline(always)]
    fn gt(&self, other: &Self) -> bool {
        self.entry.key() > other.entry.key()
    }
    #[inline(always)]
    fn ge(&self, other: &Self) -> bool {
        self.entry.key() >= other.entry.key()
    }
}
impl<T> Ord for Queued<T> {
    #[inline(always)]
    fn cmp(&self, other: &Self) -> Ordering {
        self.entry.cmp(&other.entry)
    }
}

/// Orders queued events, smallest entry first; entries are unique, and every entry pushed is at
/// least the last one popped (time never runs backwards). The implementations are measured side
/// by side in `benches/sim.rs` (`queue/*`).
pub trait Order<T>: Default {
    /// Adds an entry; returns where it waits if the order can drop it there later
    /// ([`Order::cancel`]), else `NO_PLACE` (`u32::MAX`).
    fn push(&mut self, item: Queued<T>) -> u32;
    /// The smallest entry, without removing it.
    fn peek(&mut self) -> Option<Entry>;
    /// Removes and returns the smallest entry.
    fn pop(&mut self) -> Option<Queued<T>>;
    /// `timer`'s arming with `generation`, pushed at `place` (what its push returned), will
    /// never fire: the order may drop it now, if `place` still holds it. (The queue skips it
    /// by its generation anyway when it surfaces.)
    fn cancel(&mut self, _place: u32, _timer: u32, _generation: u32) {}
    /// Pops the entry the last [`Order::peek`] returned (nothing pushed since).
    #[inline(always)]
    fn pop_peeked(&mut self) -> Queued<T> {
        self.pop().expect("the peek found an entry")
    }
    /// Entries held, stale ones included.
    fn len(&self) -> usize;
    /// Whether no entry is held.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// A binary heap.
#[derive(Clone)]
pub struct HeapOrder<T>(BinaryHeap<Reverse<Queued<T>>>);

impl<T> Default for HeapOrder<T> {
    fn default() -> Self {
        HeapOrder(BinaryHeap::new())
    }
}

impl<T> Order<T> for HeapOrder<T> {
    #[inline]
    fn push(&mut self, item: Queued<T>) -> u32 {
        self.0.push(Reverse(item));
        NO_PLACE
    }
    #[inline]
    fn peek(&mut self) -> Option<Entry> {
        self.0.peek().map(|r| r.0.entry)
    }
    #[inline]
    fn pop(&mut self) -> Option<Queued<T>> {
        self.0.pop().map(|r| r.0)
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

/// A radix heap (Ahuja, Mehlhorn, Orlin, Tarjan): bucket `i` holds the keys whose highest bit
/// differing from the last minimum is bit `i - 1`, so a push is one `Vec::push` and each entry
/// moves down at most 128 times in its life; made for monotone integer keys like ours.
#[derive(Clone)]
pub struct RadixOrder<T> {
    /// The last minimum taken out (or peeked); every key in the buckets is at least this.
    last: u128,
    buckets: Vec<Vec<Queued<T>>>,
    len: usize,
}

impl<T> Default for RadixOrder<T> {
    fn default() -> Self {
        RadixOrder { last: 0, buckets: (0..129).map(|_| Vec::new()).collect(), len: 0 }
    }
}

impl<T> RadixOrder<T> {
    #[inline]
    fn bucket(&self, key: u128) -> usize {
        128 - (key ^ self.last).leading_zeros() as usize
    }

    /// Makes bucket 0 hold the minimum (if any entry is left).
    fn settle_minimum(&mut self) {
        if !self.buckets[0].is_empty() || self.len == 0 {
            return;
        }
        let i = (1..self.buckets.len()).find(|i| !self.buckets[*i].is_empty()).expect("len > 0, so some bucket is full");
        let moving = std::mem::take(&mut self.buckets[i]);
        self.last = moving.iter().map(|q| q.entry.key()).min().expect("the bucket is not empty");
        for q in moving {
            let b = self.bucket(q.entry.key());
            debug_assert!(b < i, "redistributed entries go to lower buckets");
            self.buckets[b].push(q);
        }
    }
}

impl<T> Order<T> for RadixOrder<T> {
    #[inline]
    fn push(&mut self, item: Queued<T>) -> u32 {
        let key = item.entry.key();
        if key < self.last {
            // Only after a peek at a later minimum (never inside a run's step): start over
            // from this key. Rare, and correct for any key.
            let all: Vec<Queued<T>> = self.buckets.iter_mut().flat_map(std::mem::take).collect();
            self.last = key;
            for q in all {
                let b = self.bucket(q.entry.key());
                self.buckets[b].push(q);
            }
        }
        let b = self.bucket(key);
        self.buckets[b].push(item);
        self.len += 1;
        NO_PLACE
    }

    #[inline]
    fn peek(&mut self) -> Option<Entry> {
        self.settle_minimum();
        self.buckets[0].last().map(|q| q.entry)
    }

    #[inline]
    fn pop(&mut self) -> Option<Queued<T>> {
        self.settle_minimum();
        let top = self.buckets[0].pop()?;
        debug_assert!(self.buckets[0].is_empty(), "keys are unique: bucket 0 holds one entry");
        self.len -= 1;
        Some(top)
    }

    fn len(&self) -> usize {
        self.len
    }
}

/// No node: the end of a slot's list, or of the free list.
const NIL: u32 = u32::MAX;

/// What [`Order::push`] returns for an entry it cannot drop before it surfaces.
pub const NO_PLACE: u32 = NIL;

/// A queued event in the wheel's slab: its entry, the next node of its slot (or of the free
/// list) and the previous one (so a cancelled timer's node is unlinked in place), and the
/// event itself (`None` while the node is free). A cache line each (56 bytes with a world's
/// event, so most nodes straddled two lines: measured, 2 % of a thousand pairs' run).
#[derive(Clone)]
#[repr(align(64))]
struct Node<T> {
    entry: Entry,
    next: u32,
    prev: u32,
    event: Option<T>,
}

/// One millisecond of the timing wheel: a list of slab nodes in key order. A pop unlinks the
/// head and a push links after the tail, so no event moves but into its node and out of it
/// (the slots used to keep two events inline and shuffle them forward at every pop).
#[derive(Clone, Copy)]
struct Slot {
    head: u32,
    tail: u32,
}

const EMPTY_SLOT: Slot = Slot { head: NIL, tail: NIL };

/// A timing wheel: one slot per millisecond over the next `WHEEL_SLOTS` (8,192) ms (each slot a list
/// of slab nodes in key order), and a binary heap for what lies further ahead, moved into the
/// wheel as the horizon reaches it. Periodic timers a few seconds apart — heartbeats, sync
/// checks — land in the wheel, so a push is a link and a pop takes the head of the next
/// non-empty slot, found through a two-level bitmap.
///
/// Invariants (asserted where they are established; `debug_assert` on the per-event path):
/// every entry's time is at least `base`; the wheel holds exactly the entries less than
/// `WHEEL_SLOTS` ms past `base`, each in slot `time % WHEEL_SLOTS`, and `later` the others; a
/// slot's list is in key order; a slot's bit is set iff its list is not empty, and a word's
/// summary bit iff the word is not zero; a node holds an event iff it is linked in a slot;
/// `later_first` is the heap's first time.
#[derive(Clone)]
pub struct WheelOrder<T> {
    /// The earliest time the wheel can hold; every queued entry's time is at least this.
    base: Time,
    slots: Box<[Slot; WHEEL_SLOTS as usize]>,
    nodes: Vec<Node<T>>,
    /// The first free node (freed last, so still in cache), linked through `next`.
    free: u32,
    /// Bit `i % 64` of word `i / 64`: slot `i` is not empty (a pop jumps over empty slots).
    occupied: Box<[u64; WORDS]>,
    /// Bit `w`: word `w` of `occupied` is not zero.
    summary: u128,
    in_wheel: usize,
    /// A time no later than the next occupied slot's: no node's time lies strictly between
    /// the base and this one. A pop that empties the base's slot finds the next occupied one
    /// from here, asks the cache for its first node (which the next event needs at once,
    /// after a model that read megabytes since), and keeps its time here, so the next peek
    /// does not search again. A push before it moves it back: one compare.
    ahead_ms: Time,
    later: BinaryHeap<Reverse<Queued<T>>>,
    /// The time of `later`'s first entry, `Time::MAX` while it is empty (set by every push to
    /// it, found afresh by every pull from it): the horizon's look at the heap is then one
    /// compare when nothing there is near (a world's LED refreshes a minute apart wait in the
    /// heap while nearly every millisecond moves the base).
    later_first: Time,
}

/// How many milliseconds ahead the wheel holds.
pub const WHEEL_SLOTS: u64 = 1 << 13;
const WORDS: usize = (WHEEL_SLOTS / 64) as usize;
const _: () = assert!(WORDS == 128, "the summary is one u128: a bit per word of the bitmap");

impl<T> Default for WheelOrder<T> {
    fn default() -> Self {
        WheelOrder {
            base: 0,
            slots: Box::new([EMPTY_SLOT; WHEEL_SLOTS as usize]),
            nodes: Vec::new(),
            free: NIL,
            occupied: Box::new([0; WORDS]),
            summary: 0,
            in_wheel: 0,
            ahead_ms: 0,
            later: BinaryHeap::new(),
            later_first: Time::MAX,
        }
    }
}

impl<T> WheelOrder<T> {
    #[inline(always)]
    fn slot_of(t: Time) -> usize {
        (t % WHEEL_SLOTS) as usize
    }

    /// How many milliseconds slot `to` lies past slot `from`, going forward (wrapping).
    #[inline(always)]
    fn distance_from(from: usize, to: usize) -> Time {
        ((to + WHEEL_SLOTS as usize - from) % WHEEL_SLOTS as usize) as Time
    }

    /// Moves `ahead_ms` to the next occupied slot, its own included; returns that slot. The
    /// wheel holds an entry, so there is one.
    #[inline(always)]
    fn advance_ahead(&mut self) -> usize {
        let ahead = Self::slot_of(self.ahead_ms);
        let next = self.next_occupied(ahead);
        self.ahead_ms += Self::distance_from(ahead, next);
        debug_assert!(self.slots[next].head != NIL, "ahead_ms is at an occupied slot");
        next
    }

    /// Puts an entry within the horizon at the tail of its slot; returns its node.
    #[inline(always)]
    fn place(&mut self, item: Queued<T>) -> u32 {
        let t = item.entry.time;
        debug_assert!(t >= self.base && t - self.base < WHEEL_SLOTS, "within the horizon");
        let (i, entry) = (Self::slot_of(t), item.entry);
        let node = Node { entry, next: NIL, prev: self.slots[i].tail, event: Some(item.event) };
        let n = if self.free == NIL {
            self.nodes.push(node);
            u32::try_from(self.nodes.len() - 1).ok().filter(|n| *n != NIL).expect("fewer than 2^32 - 1 events in the wheel")
        } else {
            let n = self.free;
            let free = &mut self.nodes[n as usize];
            debug_assert!(free.event.is_none(), "a free node holds no event");
            self.free = free.next;
            // A free node holds no event: nothing to drop (the drop glue's test of the old
            // event cost a branch per push).
            std::mem::forget(std::mem::replace(free, node));
            n
        };
        let slot = &mut self.slots[i];
        if slot.head == NIL {
            slot.head = n;
            self.occupied[i / 64] |= 1 << (i % 64);
            self.summary |= 1 << (i / 64);
        } else {
            // A slot's entries arrive in key order: the horizon takes in the heap's entries in
            // key order before any later push can reach the slot directly, and every push has
            // the highest sequence so far (the queue tests compare every order with the heap).
            let tail = &mut self.nodes[slot.tail as usize];
            debug_assert!(tail.entry < entry, "a slot's entries arrive in key order");
            debug_assert_eq!(tail.next, NIL, "the tail ends its slot");
            tail.next = n;
        }
        slot.tail = n;
        self.in_wheel += 1;
        self.ahead_ms = self.ahead_ms.min(t);
        n
    }

    /// Unlinks node `n`, a cancelled timer's arming, from its slot, and frees it.
    #[inline]
    fn unlink(&mut self, n: u32) {
        let node = &mut self.nodes[n as usize];
        let (prev, next, i) = (node.prev, node.next, Self::slot_of(node.entry.time));
        debug_assert!(node.event.is_some(), "a linked node holds an event");
        node.event = None;
        node.next = self.free;
        self.free = n;
        match prev {
            NIL => self.slots[i].head = next,
            p => self.nodes[p as usize].next = next,
        }
        match next {
            NIL => self.slots[i].tail = prev,
            x => self.nodes[x as usize].prev = prev,
        }
        if self.slots[i].head == NIL {
            self.clear_bit(i);
        }
        self.in_wheel -= 1;
    }

    /// Slot `i` is now empty.
    #[inline(always)]
    fn clear_bit(&mut self, i: usize) {
        debug_assert_eq!(self.slots[i].head, NIL, "only an empty slot's bit is cleared");
        self.slots[i].tail = NIL;
        self.occupied[i / 64] &= !(1 << (i % 64));
        if self.occupied[i / 64] == 0 {
            self.summary &= !(1 << (i / 64));
        }
    }

    /// Moves what the horizon now reaches from the heap into the wheel. The common case —
    /// nothing in the heap within the horizon, by `later_first` — is one compare (`later_first`
    /// is at least the base, so the subtraction cannot wrap; near the end of time it may send
    /// an empty heap to the slow path, which is correct for any state).
    #[inline(always)]
    fn pull_in(&mut self) {
        debug_assert_eq!(self.later_first, self.later.peek().map_or(Time::MAX, |Reverse(q)| q.entry.time), "the heap's first time is kept");
        if self.later_first.wrapping_sub(self.base) >= WHEEL_SLOTS {
            return;
        }
        self.pull_in_from_heap();
    }

    /// What [`Self::pull_in`] filters for: moves the heap's entries within the horizon into
    /// the wheel, and learns the heap's first time afresh.
    #[inline(never)]
    fn pull_in_from_heap(&mut self) {
        while let Some(Reverse(q)) = self.later.peek() {
            debug_assert!(q.entry.time >= self.base, "the heap holds nothing before the wheel's base");
            if q.entry.time - self.base >= WHEEL_SLOTS {
                break;
            }
            let Reverse(q) = self.later.pop().expect("peeked");
            // Its timer does not learn the node: a cancel of it waits for it to surface (the
            // generations skip it then), as it would have in the heap.
            self.place(q);
        }
        self.later_first = self.later.peek().map_or(Time::MAX, |Reverse(q)| q.entry.time);
    }

    /// Advances `base` to the earliest entry's time; `false` when empty. The common case — the
    /// current millisecond still holds an event — is a test of one slot; the next, in a sparse
    /// world, a jump to the next occupied slot (inline: it comes at nearly every instant); a
    /// wheel emptied to the heap is the rare one.
    #[inline(always)]
    fn find_minimum(&mut self) -> bool {
        if self.slots[Self::slot_of(self.base)].head != NIL {
            return true;
        }
        if self.in_wheel == 0 {
            return self.refill();
        }
        // The wheel holds something: jump to the next occupied slot (mostly at `ahead_ms`, where
        // the last pop found it), then let the horizon take in what it now reaches (all of it
        // later than that slot).
        debug_assert!(self.ahead_ms >= self.base && self.ahead_ms - self.base < WHEEL_SLOTS, "ahead is within the horizon");
        if self.slots[Self::slot_of(self.ahead_ms)].head == NIL {
            // (Tested first: only a cancel empties the slot the last pop found, and the test
            // skips the bitmap's search: without it, a thousand pairs' run took 4 % longer.)
            self.advance_ahead();
        }
        self.base = self.ahead_ms;
        self.pull_in();
        debug_assert!(self.slots[Self::slot_of(self.base)].head != NIL, "the base's slot holds the minimum");
        true
    }

    /// The wheel is empty: the base moves to the heap's first entry, which the horizon then
    /// takes in with what else it reaches; `false` when the heap is empty too.
    #[cold]
    #[inline(never)]
    fn refill(&mut self) -> bool {
        let Some(Reverse(q)) = self.later.peek() else { return false };
        assert!(q.entry.time >= self.base, "the heap holds nothing before the wheel's base");
        self.base = q.entry.time;
        self.ahead_ms = self.base;
        self.pull_in_from_heap();
        assert!(self.in_wheel > 0, "the heap's first entry is now in the wheel");
        debug_assert!(self.slots[Self::slot_of(self.base)].head != NIL, "the base's slot holds the minimum");
        true
    }

    /// Moves the horizon back to `t`: only after a peek at a later minimum (never inside a
    /// run's step). Rare, and correct for any entry.
    #[cold]
    #[inline(never)]
    fn rewind(&mut self, t: Time) {
        let len = self.len();
        for slot in self.slots.iter_mut() {
            let mut n = slot.head;
            while n != NIL {
                let node = &mut self.nodes[n as usize];
                let event = node.event.take().expect("a linked node holds an event");
                self.later.push(Reverse(Queued { entry: node.entry, event }));
                n = node.next;
            }
            *slot = EMPTY_SLOT;
        }
        *self.occupied = [0; WORDS];
        self.summary = 0;
        self.nodes.clear();
        self.free = NIL;
        // The timers' places now name other nodes, or none: a cancel checks what a node holds
        // before it unlinks it, so a stale place only misses.
        self.in_wheel = 0;
        self.base = t;
        self.ahead_ms = t;
        self.pull_in_from_heap();
        assert_eq!(self.len(), len, "a rewind keeps every entry");
    }

    /// The first occupied slot at or after `start`, wrapping around (one exists): the start's
    /// own word first, then the summary's next non-empty word, else its first.
    #[inline(always)]
    fn next_occupied(&self, start: usize) -> usize {
        let (w, bit) = (start / 64, start % 64);
        let masked = self.occupied[w] & (!0u64 << bit);
        if masked != 0 {
            return w * 64 + masked.trailing_zeros() as usize;
        }
        let after = if w + 1 < WORDS { self.summary & (!0u128 << (w + 1)) } else { 0 };
        assert!(self.summary != 0, "the wheel holds an entry, so some word is occupied");
        let word = if after != 0 { after.trailing_zeros() } else { self.summary.trailing_zeros() } as usize;
        debug_assert!(self.occupied[word] != 0, "a summary bit marks a non-empty word");
        word * 64 + self.occupied[word].trailing_zeros() as usize
    }
}

impl<T> Order<T> for WheelOrder<T> {
    /// Within the horizon, the entry's place is its node.
    #[inline(always)]
    fn push(&mut self, item: Queued<T>) -> u32 {
        let t = item.entry.time;
        if t < self.base {
            self.rewind(t);
        }
        if t - self.base < WHEEL_SLOTS {
            self.place(item)
        } else {
            self.later_first = self.later_first.min(t);
            self.later.push(Reverse(item));
            NO_PLACE
        }
    }

    /// Unlinks the timer's arming now if it waits in the wheel (the common case: a heartbeat
    /// answered before its timeout), so it is never peeked nor popped. The node at `place` may
    /// have been popped and reused since (or rewound): it is unlinked only if it still holds
    /// this arming, which `(timer, generation)` names alone.
    #[inline(always)]
    fn cancel(&mut self, place: u32, timer: u32, generation: u32) {
        let Some(node) = self.nodes.get(place as usize) else { return };
        if node.event.is_some() && node.entry.timer == timer && node.entry.generation == generation {
            self.unlink(place);
        }
    }

    #[inline(always)]
    fn peek(&mut self) -> Option<Entry> {
        if !self.find_minimum() {
            return None;
        }
        let head = self.slots[Self::slot_of(self.base)].head;
        Some(self.nodes[head as usize].entry)
    }

    #[inline(always)]
    fn pop(&mut self) -> Option<Queued<T>> {
        if !self.find_minimum() {
            return None;
        }
        Some(self.pop_peeked())
    }

    /// The base's slot holds the minimum (the peek found it): unlink its head.
    #[inline(always)]
    fn pop_peeked(&mut self) -> Queued<T> {
        let i = Self::slot_of(self.base);
        let slot = &mut self.slots[i];
        let n = slot.head;
        debug_assert!(n != NIL, "the peek left the minimum at the base's slot");
        let node = &mut self.nodes[n as usize];
        let event = node.event.take().expect("a linked node holds an event");
        let entry = node.entry;
        debug_assert_eq!(entry.time, self.base, "the minimum is at the base");
        slot.head = node.next;
        node.next = self.free;
        self.free = n;
        if slot.head == NIL {
            self.clear_bit(i);
            if self.in_wheel > 1 {
                let next = self.advance_ahead();
                prefetch(&self.nodes[self.slots[next].head as usize]);
            }
        } else {
            // (This write also brings the next event's node into the cache.)
            let head = slot.head;
            self.nodes[head as usize].prev = NIL;
        }
        self.in_wheel -= 1;
        Queued { entry, event }
    }

    fn len(&self) -> usize {
        self.in_wheel + self.later.len()
    }
}

/// Asks the caches for the line at `x` (a hint: it reads and writes nothing).
#[inline(always)]
fn prefetch<X>(x: &X) {
    #[cfg(target_arch = "x86_64")]
    // SAFETY: a prefetch neither reads nor writes the program's memory; `x` is valid anyway.
    unsafe {
        std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>((x as *const X).cast());
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = x;
}

/// A sorted vector, latest entry first, so the minimum is the last: a pop is `Vec::pop`, a
/// push a test against the latest entry, else a binary search, and one move of the entries
/// after its place. For a handful of entries — one pair's timers — that is fewer instructions
/// than a heap's sifts or the wheel's jumps over empty milliseconds. Cancelled timers' entries
/// stay until they surface (a pop of one is cheap here).
#[derive(Clone)]
pub struct SortedOrder<T>(Vec<Queued<T>>);

impl<T> Default for SortedOrder<T> {
    fn default() -> Self {
        SortedOrder(Vec::new())
    }
}

impl<T> Order<T> for SortedOrder<T> {
    #[inline(always)]
    fn push(&mut self, item: Queued<T>) -> u32 {
        let key = item.entry.key();
        // Is it the latest (a periodic timer's re-arming mostly is)? Else a binary search
        // (branch-free). Against the binary search alone: `engine/engine_heartbeats` 21.6 →
        // 19.6 ms, `anchor/engine/1` 11.8 → 11.1 ms. (A scan from the latest ran fewer
        // instructions still, but made `engine/engine_heartbeats` 25.6 ms.)
        let latest = self.0.first().is_none_or(|q| q.entry.key() < key);
        let i = if latest { 0 } else { self.0.partition_point(|q| q.entry.key() > key) };
        debug_assert!(self.0.get(i).is_none_or(|q| q.entry.key() < key), "keys are unique: the next one is smaller");
        self.0.insert(i, item);
        NO_PLACE
    }
    #[inline(always)]
    fn peek(&mut self) -> Option<Entry> {
        self.0.last().map(|q| q.entry)
    }
    #[inline(always)]
    fn pop(&mut self) -> Option<Queued<T>> {
        self.0.pop()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
}

/// The sorted vector while few entries wait (one pair: a handful of timers), the timing wheel
/// once more than `WHEEL_FROM_ENTRIES` (32) do: each is the faster there (`queue/*` and `anchor/*`
/// in `benches/sim.rs`). The switch is one way, and both give the same order, so it changes
/// nothing a run shows. (The entries it moves have no place their timers know: a cancel of
/// one waits for it to surface, as in the vector.)
#[derive(Clone)]
pub struct AdaptiveOrder<T> {
    small: SortedOrder<T>,
    wheel: Option<Box<WheelOrder<T>>>,
}

impl<T> Default for AdaptiveOrder<T> {
    fn default() -> Self {
        AdaptiveOrder { small: SortedOrder::default(), wheel: None }
    }
}

/// How many waiting entries make the wheel the faster order: about where the sorted vector's
/// moves cost what the wheel's jumps do (`queue/*`: 16 periodic timers cost both the same).
pub const WHEEL_FROM_ENTRIES: usize = 32;

impl<T> Order<T> for AdaptiveOrder<T> {
    #[inline(always)]
    fn push(&mut self, item: Queued<T>) -> u32 {
        if let Some(w) = &mut self.wheel {
            return w.push(item);
        }
        let place = self.small.push(item);
        if self.small.len() > WHEEL_FROM_ENTRIES {
            self.switch();
        }
        place
    }

    #[inline(always)]
    fn peek(&mut self) -> Option<Entry> {
        match &mut self.wheel {
            Some(w) => w.peek(),
            None => self.small.peek(),
        }
    }

    #[inline(always)]
    fn pop(&mut self) -> Option<Queued<T>> {
        match &mut self.wheel {
            Some(w) => w.pop(),
            None => self.small.pop(),
        }
    }

    #[inline(always)]
    fn pop_peeked(&mut self) -> Queued<T> {
        match &mut self.wheel {
            Some(w) => w.pop_peeked(),
            None => self.small.pop_peeked(),
        }
    }

    #[inline(always)]
    fn cancel(&mut self, place: u32, timer: u32, generation: u32) {
        if let Some(w) = &mut self.wheel {
            w.cancel(place, timer, generation);
        }
    }

    fn len(&self) -> usize {
        self.wheel.as_ref().map_or(self.small.len(), |w| w.len())
    }
}

impl<T> AdaptiveOrder<T> {
    /// Moves every entry into a new wheel, smallest first (so each slot's list is in order).
    #[cold]
    #[inline(never)]
    fn switch(&mut self) {
        let len = self.small.len();
        let mut wheel = Box::<WheelOrder<T>>::default();
        while let Some(q) = self.small.pop() {
            wheel.push(q);
        }
        assert_eq!(wheel.len(), len, "the switch keeps every entry");
        self.wheel = Some(wheel);
    }
}

/// The order a run's queue uses.
pub type DefaultOrder<E> = AdaptiveOrder<E>;

/// The timer tag of an event no timer owns: slot 0 of the timers, which no [`TimerId`]
/// names and whose generation stays 0, so such an event is never stale and the staleness test
/// is one comparison, without a branch for "no timer".
const NO_TIMER: u32 = 0;

/// A timer's generation and the place its last arming was pushed to ([`Order::push`]), side
/// by side: a world's heartbeat reads both at every event — the peek's staleness test the
/// one, the re-arm's cancel the other — and with thousands of timers two arrays cost two
/// cache misses where one slot costs one.
#[derive(Clone, Copy)]
struct TimerSlot {
    generation: u32,
    place: u32,
}

/// Makes `timer`'s current arming stale (a new generation in its `slot`) and lets `order` drop
/// it where it waits: what arming and cancelling a timer both begin with.
#[inline(always)]
fn retire<E, O: Order<E>>(slot: &mut TimerSlot, order: &mut O, timer: TimerId) {
    let old = slot.generation;
    slot.generation = old.wrapping_add(1);
    order.cancel(slot.place, timer.0, old);
}

/// The event queue: events ordered by `(time, seq)` (the timing wheel by default), each with
/// its entry, and timer generations.
#[derive(Clone)]
pub struct EventQueue<E, O: Order<E> = DefaultOrder<E>> {
    order: O,
    /// The sequence the next push gets: every entry's is unique and grows with pushes.
    seq: u64,
    /// The band reserved for events from outside the model (see
    /// [`EventQueue::reserve_outside`]): the next sequence in it, and its end.
    outside: Option<(u64, u64)>,
    now: Time,
    /// Each timer's generation and place; index 0 is [`NO_TIMER`]'s, and stays generation 0
    /// with no place.
    timers: Vec<TimerSlot>,
    _events: std::marker::PhantomData<E>,
}

impl<E, O: Order<E>> Default for EventQueue<E, O> {
    fn default() -> Self {
        let no_timer = TimerSlot { generation: 0, place: NO_PLACE };
        EventQueue { order: O::default(), seq: 0, outside: None, now: 0, timers: vec![no_timer], _events: std::marker::PhantomData }
    }
}

impl<E> EventQueue<E, DefaultOrder<E>> {
    /// An empty queue with the default order.
    pub fn new() -> Self {
        Self::default()
    }
}

impl<E, O: Order<E>> EventQueue<E, O> {
    /// The time of the last event popped (time never runs backwards from it).
    pub fn now(&self) -> Time {
        self.now
    }

    /// Entries waiting, stale ones included until they surface (or the order drops them).
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// Whether no entry waits (stale ones count until they surface).
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Schedules `event` at `at`. Scheduling in the past is a model bug.
    #[inline(always)]
    pub fn push(&mut self, at: Time, event: E) {
        self.push_untimed(at, event);
    }

    /// Reserves the next `count` sequence numbers for events pushed from outside the model
    /// ([`EventQueue::push_outside`]), whenever they are pushed: each orders after every
    /// event pushed before the reservation and before every event pushed after it, as if it
    /// had been pushed right here. A run may then add outside events mid-way (explore's
    /// branches share a run's beginning) and handle them in the order a run that had them
    /// all from the start handles them.
    pub fn reserve_outside(&mut self, count: u64) {
        assert!(self.outside.is_none(), "one band a queue");
        let end = self.seq.checked_add(count).expect("the band fits the sequence numbers");
        self.outside = Some((self.seq, end));
        self.seq = end;
    }

    /// Schedules `event` from outside the model at `at`, with the next sequence number of the
    /// reserved band (a plain push without one).
    pub fn push_outside(&mut self, at: Time, event: E) {
        let Some((next, end)) = self.outside else {
            return self.push(at, event);
        };
        assert!(at >= self.now, "event scheduled in the past: at {at} < now {}", self.now);
        assert!(next < end, "more outside events than the band reserved ({end} - its start)");
        self.outside = Some((next + 1, end));
        self.order.push(Queued { entry: Entry { time: at, seq: next, timer: NO_TIMER, generation: 0 }, event });
    }

    /// Pushes an entry no timer owns.
    #[inline(always)]
    fn push_untimed(&mut self, at: Time, event: E) {
        assert!(at >= self.now, "event scheduled in the past: at {at} < now {}", self.now);
        let entry = Entry { time: at, seq: self.seq, timer: NO_TIMER, generation: 0 };
        self.seq = self.seq.checked_add(1).expect("fewer than 2^64 events pushed in one run");
        self.order.push(Queued { entry, event });
    }

    /// A new timer, not armed: [`EventQueue::arm`] schedules it, and a later arming or
    /// [`EventQueue::cancel`] makes an earlier one stale.
    pub fn new_timer(&mut self) -> TimerId {
        let id = u32::try_from(self.timers.len()).expect("fewer than 2^32 timers");
        assert!(id != NO_TIMER, "slot 0 is no timer's");
        self.timers.push(TimerSlot { generation: 0, place: NO_PLACE });
        TimerId(id)
    }

    /// Arms `timer` at `at`; any earlier arming of the same timer will not fire. (The bump
    /// and the push written out, so the timer's slot is looked up once: every event of a
    /// world re-arms a timer.)
    #[inline(always)]
    pub fn arm(&mut self, timer: TimerId, at: Time, event: E) {
        debug_assert!(timer.0 != NO_TIMER, "slot 0 is no timer's");
        let slot = &mut self.timers[timer.0 as usize];
        retire(slot, &mut self.order, timer);
        assert!(at >= self.now, "event scheduled in the past: at {at} < now {}", self.now);
        let entry = Entry { time: at, seq: self.seq, timer: timer.0, generation: slot.generation };
        self.seq = self.seq.checked_add(1).expect("fewer than 2^64 events pushed in one run");
        slot.place = self.order.push(Queued { entry, event });
    }

    /// Makes `timer`'s current arming stale, so it never fires (and lets the order drop it).
    pub fn cancel(&mut self, timer: TimerId) {
        debug_assert!(timer.0 != NO_TIMER, "slot 0 is no timer's");
        retire(&mut self.timers[timer.0 as usize], &mut self.order, timer);
    }

    /// Whether a timer moved on since `e` was queued (re-armed or cancelled).
    #[inline(always)]
    fn is_stale(&self, e: &Entry) -> bool {
        self.timers[e.timer as usize].generation != e.generation
    }

    /// Time of the next live entry; stale timer entries on top are discarded. Per event of a
    /// run this is the one look at the order, and `pop_peeked` the one pop.
    #[inline(always)]
    pub fn peek_time(&mut self) -> Option<Time> {
        loop {
            let e = self.order.peek()?;
            if !self.is_stale(&e) {
                debug_assert!(e.time >= self.now, "time never runs backwards");
                return Some(e.time);
            }
            self.order.pop_peeked();
        }
    }

    /// Pops the entry the last [`Self::peek_time`] found live (nothing pushed, armed or
    /// cancelled since) and advances `now` to its time.
    #[inline(always)]
    pub(super) fn pop_peeked(&mut self) -> E {
        let q = self.order.pop_peeked();
        debug_assert!(!self.is_stale(&q.entry), "the peek found it live");
        debug_assert!(q.entry.time >= self.now, "time never runs backwards");
        self.now = q.entry.time;
        q.event
    }

    /// Pops the next live event and advances `now` to its time.
    #[inline]
    pub fn pop(&mut self) -> Option<(Time, E)> {
        let at = self.peek_time()?;
        Some((at, self.pop_peeked()))
    }
}

impl<E: Clone, O: Order<E> + Clone> EventQueue<E, O> {
    /// Every live entry in the order it will pop: its time, its timer (`None`: no timer's) and
    /// its event. What waits is part of a run's state: `explore` fingerprints it. Stale entries
    /// are left out (they never fire), and so are the sequence numbers: only their order
    /// decides anything, and every later push comes after them all.
    pub fn live_entries(&self) -> Vec<(Time, Option<TimerId>, E)> {
        let mut rest = self.clone();
        let mut out = Vec::with_capacity(rest.len());
        while rest.peek_time().is_some() {
            let q = rest.order.pop_peeked();
            out.push((q.entry.time, (q.entry.timer != NO_TIMER).then_some(TimerId(q.entry.timer)), q.event));
        }
        out
    }
}

#[cfg(test)]
impl<T> WheelOrder<T> {
    /// Every invariant of the wheel, checked in full (the tests call it between operations).
    fn check_invariants(&self) {
        let mut linked = 0;
        for (i, slot) in self.slots.iter().enumerate() {
            let bit = self.occupied[i / 64] >> (i % 64) & 1 == 1;
            assert_eq!(bit, slot.head != NIL, "slot {i}'s bit says whether it holds a node");
            if slot.head == NIL {
                assert_eq!(slot.tail, NIL, "an empty slot {i} has no tail");
                continue;
            }
            let (mut n, mut prev, mut last) = (slot.head, NIL, None::<Entry>);
            while n != NIL {
                let node = &self.nodes[n as usize];
                assert!(node.event.is_some(), "a linked node holds an event");
                assert_eq!(node.prev, prev, "node {n}'s back link");
                assert_eq!(Self::slot_of(node.entry.time), i, "node {n} is in its time's slot");
                assert!(node.entry.time >= self.base && node.entry.time - self.base < WHEEL_SLOTS, "node {n} is within the horizon");
                assert!(last.is_none_or(|l| l < node.entry), "slot {i} is in key order");
                (last, prev, n) = (Some(node.entry), n, node.next);
                linked += 1;
            }
            assert_eq!(slot.tail, prev, "slot {i}'s tail is its last node");
        }
        assert!(self.in_wheel == 0 || (self.ahead_ms >= self.base && self.ahead_ms - self.base < WHEEL_SLOTS), "ahead_ms is within the horizon");
        for t in self.base.saturating_add(1)..self.ahead_ms {
            let i = Self::slot_of(t);
            assert_eq!(self.slots[i].head, NIL, "slot {i}, before ahead_ms ({}), is empty", self.ahead_ms);
        }
        for w in 0..WORDS {
            assert_eq!(self.summary >> w & 1 == 1, self.occupied[w] != 0, "word {w}'s summary bit");
        }
        assert_eq!(linked, self.in_wheel, "the count of entries in the wheel");
        let (mut free, mut n) = (0, self.free);
        while n != NIL {
            assert!(self.nodes[n as usize].event.is_none(), "a free node holds no event");
            (free, n) = (free + 1, self.nodes[n as usize].next);
        }
        assert_eq!(free + linked, self.nodes.len(), "every node is linked or free");
        for Reverse(q) in self.later.iter() {
            assert!(q.entry.time - self.base >= WHEEL_SLOTS, "the heap holds only what lies beyond the horizon");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ties_pop_in_insertion_order() {
        let mut q = EventQueue::new();
        q.push(10, "b1");
        q.push(5, "a");
        q.push(10, "b2");
        q.push(10, "b3");
        let order: Vec<_> = std::iter::from_fn(|| q.pop()).collect();
        assert_eq!(order, vec![(5, "a"), (10, "b1"), (10, "b2"), (10, "b3")]);
    }

    /// Outside events pushed late order as if they had been pushed at the reservation: a run
    /// that gets a script step mid-way handles it as one that had it from the start.
    #[test]
    fn an_outside_event_pushed_later_orders_as_if_pushed_at_the_reservation() {
        let drain = |mut q: EventQueue<&'static str>| std::iter::from_fn(move || q.pop()).collect::<Vec<_>>();
        let mut early = EventQueue::new();
        early.push(5, "model, before");
        early.reserve_outside(10);
        early.push_outside(5, "outside at 5");
        early.push_outside(7, "outside at 7");
        early.push(5, "model, after");
        early.push(7, "model at 7, after");
        let mut late = EventQueue::new();
        late.push(5, "model, before");
        late.reserve_outside(10);
        late.push(5, "model, after");
        late.push(7, "model at 7, after");
        late.push_outside(5, "outside at 5");
        late.push_outside(7, "outside at 7");
        let want = [(5, "model, before"), (5, "outside at 5"), (5, "model, after"), (7, "outside at 7"), (7, "model at 7, after")];
        assert_eq!(drain(early), want, "pushed at the reservation");
        assert_eq!(drain(late), want, "pushed after the model's");
        let mut plain = EventQueue::new();
        plain.push(5, "model");
        plain.push_outside(5, "outside, no band");
        assert_eq!(drain(plain), [(5, "model"), (5, "outside, no band")], "without a band, a plain push");
    }

    #[test]
    #[should_panic(expected = "more outside events than the band reserved")]
    fn the_band_holds_what_it_reserved() {
        let mut q = EventQueue::<()>::new();
        q.reserve_outside(1);
        q.push_outside(1, ());
        q.push_outside(2, ());
    }

    #[test]
    fn the_packed_key_orders_by_time_then_sequence() {
        let e = |time, seq| Entry { time, seq, timer: NO_TIMER, generation: 0 };
        assert!(e(1, u64::MAX) < e(2, 0), "time first, whatever the sequence");
        assert!(e(5, 3) < e(5, 4), "then the sequence");
        assert!(e(u64::MAX - 1, u64::MAX) < e(u64::MAX, 0), "at the end of time too");
        assert_eq!(e(7, 7).cmp(&e(7, 7)), Ordering::Equal);
        let q = |time, seq| Queued { entry: e(time, seq), event: () };
        assert!(q(1, 9) < q(2, 0) && q(1, 9) <= q(2, 0) && q(2, 0) > q(1, 9) && q(2, 0) >= q(1, 9));
        let (early, late) = (q(1, 9), q(2, 0));
        assert!(!early.ge(&late) && !late.le(&early), "and not the other way");
        let (same, twin) = (q(3, 3), q(3, 3));
        assert!(same.le(&twin) && same.ge(&twin), "an entry is at most and at least itself");
        assert!(!same.lt(&twin) && !same.gt(&twin), "and not below nor above it");
        assert!(same == twin && q(3, 3) != q(3, 4), "equal by the entry");
        assert_eq!(q(3, 3).partial_cmp(&q(3, 4)), Some(Ordering::Less));
    }

    #[test]
    fn rearming_a_timer_cancels_the_earlier_arming() {
        let mut q: EventQueue<&str, WheelOrder<&str>> = EventQueue::default();
        let t = q.new_timer();
        q.arm(t, 10, "first");
        q.arm(t, 20, "second");
        q.push(15, "plain");
        assert_eq!(q.len(), 2, "the wheel dropped the first arming at once");
        assert_eq!(q.pop(), Some((15, "plain")));
        assert_eq!(q.pop(), Some((20, "second")));
        assert_eq!(q.pop(), None);
    }

    #[test]
    fn cancelled_timer_never_fires_and_peek_skips_it() {
        let mut q = EventQueue::new();
        let t = q.new_timer();
        q.arm(t, 10, 1);
        q.push(30, 2);
        q.cancel(t);
        assert_eq!(q.peek_time(), Some(30));
        assert_eq!(q.pop(), Some((30, 2)));
    }

    #[test]
    fn a_cancelled_arming_beyond_the_horizon_is_skipped_by_its_generation() {
        let mut q = EventQueue::new();
        let t = q.new_timer();
        let far = 10 * WHEEL_SLOTS;
        q.arm(t, far, "far");
        q.push(far + 1, "after");
        q.cancel(t);
        assert_eq!(q.len(), 2, "a heap entry stays until it surfaces");
        assert_eq!(q.pop(), Some((far + 1, "after")));
        assert_eq!(q.pop(), None);
    }

    #[test]
    fn a_cancel_drops_a_timers_node_wherever_it_sits_in_its_slot() {
        // Head, middle and tail of one slot's list: the others keep their order.
        for victim in 0..3 {
            let mut q: EventQueue<u32, WheelOrder<u32>> = EventQueue::default();
            let timers: Vec<TimerId> = (0..3).map(|_| q.new_timer()).collect();
            for (i, t) in timers.iter().enumerate() {
                q.arm(*t, 50, i as u32);
            }
            q.cancel(timers[victim]);
            q.order.check_invariants();
            let left: Vec<u32> = std::iter::from_fn(|| q.pop()).map(|(_, e)| e).collect();
            let expected: Vec<u32> = (0..3).filter(|i| *i != victim as u32).collect();
            assert_eq!(left, expected, "cancelling the arming at {victim}");
            q.order.check_invariants();
        }
    }

    #[test]
    fn a_timers_old_node_reused_by_another_event_is_not_cancelled() {
        let mut q: EventQueue<&str, WheelOrder<&str>> = EventQueue::default();
        let t = q.new_timer();
        q.arm(t, 10, "timer");
        assert_eq!(q.pop(), Some((10, "timer")));
        q.push(20, "reuses the node");
        q.cancel(t);
        assert_eq!(q.pop(), Some((20, "reuses the node")));
        // The same with the node taken back by the timer's own arming pulled in from the heap.
        let far = 3 * WHEEL_SLOTS;
        q.arm(t, far, "far");
        q.cancel(t);
        q.arm(t, far + 1, "live");
        assert_eq!(q.peek_time(), Some(far + 1), "the stale arming surfaced and was skipped");
        q.order.check_invariants();
        q.cancel(t);
        assert_eq!(q.pop(), None, "the live arming, pulled into the wheel, was cancelled");
    }

    /// Each order through the trait alone: pushes in a shuffled order, pops in key order, then
    /// nothing.
    #[test]
    fn every_order_pops_in_key_order_through_the_trait() {
        fn drain<O: Order<u64>>() -> Vec<u64> {
            let mut o = O::default();
            for (seq, time) in [5u64, 1, 9_000, 1, 40, 3 * WHEEL_SLOTS, 0].into_iter().enumerate() {
                let place = o.push(Queued { entry: Entry { time, seq: seq as u64, timer: NO_TIMER, generation: 0 }, event: time });
                assert!(place == NO_PLACE || place < 7, "a place is a node or none");
            }
            assert_eq!(o.len(), 7);
            let popped: Vec<u64> = std::iter::from_fn(|| o.pop()).map(|q| q.event).collect();
            assert!(o.is_empty() && o.peek().is_none(), "drained");
            popped
        }
        let expected = vec![0, 1, 1, 5, 40, 9_000, 3 * WHEEL_SLOTS];
        assert_eq!(drain::<HeapOrder<u64>>(), expected);
        assert_eq!(drain::<RadixOrder<u64>>(), expected);
        assert_eq!(drain::<SortedOrder<u64>>(), expected);
        assert_eq!(drain::<WheelOrder<u64>>(), expected);
        assert_eq!(drain::<AdaptiveOrder<u64>>(), expected);
    }

    #[test]
    fn now_advances_with_pops() {
        let mut q = EventQueue::new();
        assert!(q.is_empty());
        q.push(7, ());
        assert!(!q.is_empty());
        assert_eq!(q.now(), 0);
        q.pop();
        assert_eq!(q.now(), 7);
        assert!(q.is_empty());
    }

    /// Every order pops the same sequence for the same pushes, pops and peeks.
    #[test]
    fn the_radix_heap_and_the_binary_heap_agree() {
        agree::<RadixOrder<u32>>(1000, |_| {});
    }

    #[test]
    fn the_sorted_vector_and_the_binary_heap_agree() {
        agree::<SortedOrder<u32>>(10, |_| {});
        agree::<SortedOrder<u32>>(1000, |_| {});
    }

    #[test]
    fn the_adaptive_order_agrees_before_and_after_its_switch() {
        let check = |q: &EventQueue<u32, AdaptiveOrder<u32>>| {
            if let Some(w) = &q.order.wheel {
                w.check_invariants();
            }
        };
        agree::<AdaptiveOrder<u32>>(1000, check);
        agree::<AdaptiveOrder<u32>>(3 * WHEEL_SLOTS, check);
    }

    #[test]
    fn the_adaptive_order_switches_past_its_bound_and_keeps_its_timers() {
        let mut q: EventQueue<usize, AdaptiveOrder<usize>> = EventQueue::default();
        let timers: Vec<TimerId> = (0..WHEEL_FROM_ENTRIES).map(|_| q.new_timer()).collect();
        for (i, t) in timers.iter().enumerate() {
            q.arm(*t, 1000 - i as u64, i);
        }
        assert!(q.order.wheel.is_none(), "{WHEEL_FROM_ENTRIES} entries stay in the vector");
        q.push(2000, usize::MAX);
        assert!(q.order.wheel.is_some(), "one more switches to the wheel");
        q.cancel(timers[0]);
        q.arm(timers[1], 5, 1);
        let late = q.new_timer();
        q.arm(late, 3, 99);
        let in_wheel = |q: &EventQueue<usize, AdaptiveOrder<usize>>| q.order.wheel.as_ref().expect("switched").len();
        let armed = in_wheel(&q);
        q.arm(late, 3, 99);
        assert_eq!(in_wheel(&q), armed, "re-arming a timer armed after the switch drops its node from the wheel at once");
        let wheel = q.order.wheel.as_ref().expect("switched");
        wheel.check_invariants();
        assert_eq!(wheel.len(), WHEEL_FROM_ENTRIES + 3, "the two entries the switch moved stay until they surface, two added");
        let order: Vec<usize> = std::iter::from_fn(|| q.pop()).map(|(_, e)| e).collect();
        let mut expected = vec![99, 1];
        expected.extend((2..WHEEL_FROM_ENTRIES).rev());
        expected.push(usize::MAX);
        assert_eq!(order, expected);
    }

    #[test]
    fn the_timing_wheel_and_the_binary_heap_agree() {
        let check = |q: &EventQueue<u32, WheelOrder<u32>>| q.order.check_invariants();
        agree::<WheelOrder<u32>>(10, check);
        agree::<WheelOrder<u32>>(1000, check);
        agree::<WheelOrder<u32>>(WHEEL_SLOTS + 1, check);
        agree::<WheelOrder<u32>>(3 * WHEEL_SLOTS, check);
    }

    fn agree<O: Order<u32>>(spread_ms: u64, check: impl Fn(&EventQueue<u32, O>)) {
        let mut heap: EventQueue<u32, HeapOrder<u32>> = EventQueue::default();
        let mut other: EventQueue<u32, O> = EventQueue::default();
        let mut x = 12345u64;
        let mut next = || {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            x >> 33
        };
        let timers: Vec<TimerId> = (0..50).map(|_| (heap.new_timer(), other.new_timer()).0).collect();
        for step in 0..20_000u32 {
            match next() % 7 {
                0 | 1 => {
                    let at = heap.now() + next() % spread_ms;
                    heap.push(at, step);
                    other.push(at, step);
                }
                2 | 3 => {
                    let (t, at) = (timers[(next() % 50) as usize], heap.now() + next() % spread_ms.div_ceil(2));
                    heap.arm(t, at, step);
                    other.arm(t, at, step);
                }
                4 => {
                    let t = timers[(next() % 50) as usize];
                    heap.cancel(t);
                    other.cancel(t);
                }
                5 => assert_eq!(heap.peek_time(), other.peek_time(), "peek at step {step}"),
                _ => assert_eq!(heap.pop(), other.pop(), "pop at step {step}"),
            }
            if step % 97 == 0 {
                check(&other);
            }
        }
        while let Some(e) = heap.pop() {
            assert_eq!(Some(e), other.pop());
        }
        assert_eq!(other.pop(), None);
        check(&other);
    }

    #[test]
    fn a_push_below_a_peeked_minimum_still_pops_in_order() {
        below_a_peek::<RadixOrder<&'static str>>();
        below_a_peek::<WheelOrder<&'static str>>();
        below_a_peek::<SortedOrder<&'static str>>();
        below_a_peek::<AdaptiveOrder<&'static str>>();
    }

    #[test]
    fn a_pop_that_empties_its_slot_looks_ahead_to_the_next_occupied_one() {
        // The look-ahead changes no order, only where the next peek starts: so it is checked
        // here, where a wheel without it would still pop the same events.
        let mut q: EventQueue<&str, WheelOrder<&str>> = EventQueue::default();
        q.push(3, "first");
        q.push(700, "second");
        q.push(900, "third");
        assert_eq!(q.pop(), Some((3, "first")));
        assert_eq!(q.order.ahead_ms, 700, "the emptied slot's pop found the next occupied slot");
        q.order.check_invariants();
        q.push(500, "pushed before the look-ahead");
        assert_eq!(q.order.ahead_ms, 500, "a push before ahead_ms moves it back");
        q.order.check_invariants();
        assert_eq!(q.pop(), Some((500, "pushed before the look-ahead")));
        assert_eq!(q.order.ahead_ms, 700);
        assert_eq!(q.pop(), Some((700, "second")));
        assert_eq!(q.pop(), Some((900, "third")));
        q.order.check_invariants();
    }

    #[test]
    fn an_event_exactly_one_wheel_ahead_waits_its_turn() {
        // The horizon is `WHEEL_SLOTS` ms: an event that far ahead shares the current slot's
        // index, so it must wait beyond the wheel, not in that slot.
        let mut q: EventQueue<&str, WheelOrder<&str>> = EventQueue::default();
        q.push(0, "now");
        q.push(WHEEL_SLOTS, "one wheel ahead");
        q.push(WHEEL_SLOTS - 1, "last slot of the wheel");
        q.push(1, "next");
        q.order.check_invariants();
        assert_eq!(q.order.later.len(), 1, "only the event one wheel ahead waits in the heap");
        assert_eq!(q.pop(), Some((0, "now")));
        assert_eq!(q.pop(), Some((1, "next")));
        assert_eq!(q.pop(), Some((WHEEL_SLOTS - 1, "last slot of the wheel")));
        q.order.check_invariants();
        assert_eq!(q.pop(), Some((WHEEL_SLOTS, "one wheel ahead")));
        q.order.check_invariants();
    }

    #[test]
    fn many_events_in_one_millisecond_keep_their_order() {
        let mut q: EventQueue<u32, WheelOrder<u32>> = EventQueue::default();
        let t = q.new_timer();
        for i in 0..1000 {
            q.push(42, i);
        }
        q.arm(t, 42, 1000);
        q.push(42, 1001);
        q.arm(t, 42, 1002);
        q.order.check_invariants();
        let order: Vec<u32> = std::iter::from_fn(|| q.pop()).map(|(at, e)| (at == 42).then_some(e).expect("all at 42")).collect();
        let expected: Vec<u32> = (0..1000).chain([1001, 1002]).collect();
        assert_eq!(order, expected);
    }

    #[test]
    fn far_future_times_up_to_the_end_of_time_pop_in_order() {
        let mut q: EventQueue<&str, WheelOrder<&str>> = EventQueue::default();
        q.push(u64::MAX, "end of time");
        q.push(u64::MAX - 1, "just before");
        q.push(u64::MAX, "end of time, second");
        q.push(u64::MAX - WHEEL_SLOTS, "one wheel before");
        q.push(3, "soon");
        assert_eq!(q.pop(), Some((3, "soon")));
        assert_eq!(q.pop(), Some((u64::MAX - WHEEL_SLOTS, "one wheel before")));
        q.order.check_invariants();
        q.push(u64::MAX, "end of time, third");
        assert_eq!(q.pop(), Some((u64::MAX - 1, "just before")));
        assert_eq!(q.pop(), Some((u64::MAX, "end of time")));
        assert_eq!(q.pop(), Some((u64::MAX, "end of time, second")));
        assert_eq!(q.pop(), Some((u64::MAX, "end of time, third")));
        assert_eq!(q.now(), u64::MAX);
        assert_eq!(q.pop(), None);
        q.order.check_invariants();
    }

    #[test]
    fn the_wheel_wraps_around_its_slots_many_times() {
        // A periodic timer and a plain event a wheel and a bit ahead, over ten turns.
        let mut q: EventQueue<u64, WheelOrder<u64>> = EventQueue::default();
        let t = q.new_timer();
        q.arm(t, 0, 0);
        q.push(WHEEL_SLOTS + 7, u64::MAX);
        let mut fired = Vec::new();
        while let Some((at, e)) = q.pop() {
            fired.push((at, e));
            if e != u64::MAX && at < 10 * WHEEL_SLOTS {
                q.arm(t, at + 1_000, e + 1);
            }
            q.order.check_invariants();
        }
        let plain = fired.iter().position(|f| f.1 == u64::MAX).expect("the plain event fired");
        assert_eq!(fired[plain].0, WHEEL_SLOTS + 7);
        assert!(fired.windows(2).all(|w| w[0].0 <= w[1].0), "in time order");
        assert_eq!(fired.len(), 84, "83 timer firings (0 to 82 s) and the plain event");
    }

    fn below_a_peek<O: Order<&'static str>>() {
        let mut q: EventQueue<&str, O> = EventQueue::default();
        q.push(100_000, "late");
        assert_eq!(q.peek_time(), Some(100_000));
        q.push(50, "early");
        assert_eq!(q.pop(), Some((50, "early")));
        assert_eq!(q.pop(), Some((100_000, "late")));
    }

    #[test]
    #[should_panic(expected = "in the past")]
    fn scheduling_in_the_past_is_refused() {
        let mut q = EventQueue::new();
        q.push(7, ());
        q.pop();
        q.push(3, ());
    }
}
