//! The event queue: events ordered by `(time, seq)`, each stored inline with its ordering key,
//! so a pop reads one place; timers are generation-counted, so re-arming or cancelling one makes
//! its queued entry stale without searching for it.

use super::Time;
use std::cmp::{Ordering, Reverse};
use std::collections::{BinaryHeap, VecDeque};

/// A timer slot. Arming it again or cancelling it makes the queued entry stale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimerId(u32);

const NO_TIMER: u32 = u32::MAX;

/// A queued event's ordering key and timer tag: 24 bytes. `(time, seq)` is unique, so the
/// derived order is time first, then insertion sequence.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Entry {
    pub time: Time,
    pub seq: u64,
    timer: u32,
    generation: u32,
}

impl Entry {
    /// `time << 64 | seq`: the key as one integer (what the radix heap splits by bits).
    #[inline]
    fn key(&self) -> u128 {
        (u128::from(self.time) << 64) | u128::from(self.seq)
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
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<T> Ord for Queued<T> {
    fn cmp(&self, other: &Self) -> Ordering {
        self.entry.cmp(&other.entry)
    }
}

/// Orders queued events, smallest entry first; entries are unique, and every entry pushed is at
/// least the last one popped (time never runs backwards). The implementations are measured side
/// by side in `benches/sim.rs` (`queue/*`).
pub trait Order<T>: Default {
    fn push(&mut self, item: Queued<T>);
    /// The smallest entry, without removing it.
    fn peek(&mut self) -> Option<Entry>;
    fn pop(&mut self) -> Option<Queued<T>>;
    fn len(&self) -> usize;
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
    fn push(&mut self, item: Queued<T>) {
        self.0.push(Reverse(item));
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
    fn push(&mut self, item: Queued<T>) {
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

/// One millisecond of the timing wheel, in key order: the first two events inline (so the wheel,
/// read slot after slot, is one array the processor can stream), any further ones spilled.
/// No holes: `second` only after `first`, `spill` only after both.
#[derive(Clone)]
struct Slot<T> {
    first: Option<Queued<T>>,
    second: Option<Queued<T>>,
    spill: VecDeque<Queued<T>>,
}

impl<T> Default for Slot<T> {
    fn default() -> Self {
        Slot { first: None, second: None, spill: VecDeque::new() }
    }
}

impl<T> Slot<T> {
    #[inline(always)]
    fn is_empty(&self) -> bool {
        self.first.is_none()
    }

    #[inline(always)]
    fn last_entry(&self) -> Option<Entry> {
        self.spill.back().or(self.second.as_ref()).or(self.first.as_ref()).map(|q| q.entry)
    }

    #[inline(always)]
    fn push_back(&mut self, item: Queued<T>) {
        if self.first.is_none() {
            self.first = Some(item);
        } else if self.second.is_none() {
            self.second = Some(item);
        } else {
            self.spill.push_back(item);
        }
    }

    #[inline(always)]
    fn pop_front(&mut self) -> Option<Queued<T>> {
        let top = self.first.take()?;
        self.first = self.second.take();
        self.second = self.spill.pop_front();
        Some(top)
    }
}

/// A timing wheel: one slot per millisecond over the next [`WHEEL_SLOTS`] ms (each slot in key
/// order), and a binary heap for what lies further ahead, moved into the wheel as the horizon
/// reaches it. Periodic timers a few seconds apart — heartbeats, sync checks — land in the
/// wheel, so a push is an append and a pop takes the next non-empty slot.
#[derive(Clone)]
pub struct WheelOrder<T> {
    /// The earliest time the wheel can hold; every queued entry's time is at least this.
    base: Time,
    slots: Vec<Slot<T>>,
    /// Bit `i`: slot `i` is not empty (so a pop jumps over empty milliseconds).
    occupied: Vec<u64>,
    in_wheel: usize,
    later: BinaryHeap<Reverse<Queued<T>>>,
}

/// How many milliseconds ahead the wheel holds.
pub const WHEEL_SLOTS: u64 = 1 << 13;

impl<T> Default for WheelOrder<T> {
    fn default() -> Self {
        let slots = (0..WHEEL_SLOTS).map(|_| Slot::default()).collect();
        WheelOrder { base: 0, slots, occupied: vec![0; (WHEEL_SLOTS / 64) as usize], in_wheel: 0, later: BinaryHeap::new() }
    }
}

impl<T> WheelOrder<T> {
    /// Puts an entry within the horizon into its slot, keeping the slot in key order.
    #[inline]
    fn place(&mut self, item: Queued<T>) {
        let t = item.entry.time;
        debug_assert!(t >= self.base && t - self.base < WHEEL_SLOTS, "within the horizon");
        let i = (t % WHEEL_SLOTS) as usize;
        self.occupied[i / 64] |= 1 << (i % 64);
        let slot = &mut self.slots[i];
        // A slot's entries arrive in key order: the horizon takes in the heap's entries in key
        // order before any later push can reach the slot directly, and every push has the
        // highest sequence so far (the queue tests compare every order with the heap).
        debug_assert!(slot.last_entry().is_none_or(|last| last < item.entry), "a slot's entries arrive in key order");
        slot.push_back(item);
        self.in_wheel += 1;
    }

    /// Moves what the horizon now reaches from the heap into the wheel.
    fn pull_in(&mut self) {
        while let Some(Reverse(q)) = self.later.peek() {
            if q.entry.time - self.base >= WHEEL_SLOTS {
                break;
            }
            let Reverse(q) = self.later.pop().expect("peeked");
            self.place(q);
        }
    }

    /// Advances `base` to the earliest entry's time; `false` when empty. The common case — the
    /// current millisecond still holds an event — is a test of one slot.
    #[inline]
    fn find_minimum(&mut self) -> bool {
        if !self.slots[(self.base % WHEEL_SLOTS) as usize].is_empty() {
            return true;
        }
        self.advance()
    }

    /// The slow path of [`Self::find_minimum`]: the current millisecond is empty.
    #[inline(never)]
    fn advance(&mut self) -> bool {
        if self.in_wheel == 0 {
            let Some(Reverse(q)) = self.later.peek() else { return false };
            self.base = q.entry.time;
            self.pull_in();
        }
        let start = (self.base % WHEEL_SLOTS) as usize;
        if self.slots[start].is_empty() {
            // The wheel holds something: jump to the next occupied slot, then let the horizon
            // take in what it now reaches (all of it later than that slot).
            let next = self.next_occupied(start);
            self.base += ((next + WHEEL_SLOTS as usize - start) % WHEEL_SLOTS as usize) as u64;
            self.pull_in();
        }
        true
    }

    /// Moves the horizon back to `t`: only after a peek at a later minimum (never inside a
    /// run's step). Rare, and correct for any entry.
    #[cold]
    #[inline(never)]
    fn rewind(&mut self, t: Time) {
        let all: Vec<Queued<T>> = self.slots.iter_mut().flat_map(|s| std::iter::from_fn(|| s.pop_front()).collect::<Vec<_>>()).collect();
        self.occupied.iter_mut().for_each(|w| *w = 0);
        self.in_wheel = 0;
        self.later.extend(all.into_iter().map(Reverse));
        self.base = t;
        self.pull_in();
    }

    /// The first occupied slot at or after `start`, wrapping around (one exists).
    fn next_occupied(&self, start: usize) -> usize {
        let words = self.occupied.len();
        let (first, bit) = (start / 64, start % 64);
        let masked = self.occupied[first] & (!0u64 << bit);
        if masked != 0 {
            return first * 64 + masked.trailing_zeros() as usize;
        }
        for k in 1..=words {
            let w = (first + k) % words;
            let word = if w == first { self.occupied[w] & !(!0u64 << bit) } else { self.occupied[w] };
            if word != 0 {
                return w * 64 + word.trailing_zeros() as usize;
            }
        }
        unreachable!("the wheel holds an entry, so some slot is occupied")
    }
}

impl<T> Order<T> for WheelOrder<T> {
    #[inline(always)]
    fn push(&mut self, item: Queued<T>) {
        let t = item.entry.time;
        if t < self.base {
            self.rewind(t);
        }
        if t - self.base < WHEEL_SLOTS {
            self.place(item);
        } else {
            self.later.push(Reverse(item));
        }
    }

    #[inline(always)]
    fn peek(&mut self) -> Option<Entry> {
        if !self.find_minimum() {
            return None;
        }
        self.slots[(self.base % WHEEL_SLOTS) as usize].first.as_ref().map(|q| q.entry)
    }

    #[inline(always)]
    fn pop(&mut self) -> Option<Queued<T>> {
        if !self.find_minimum() {
            return None;
        }
        self.in_wheel -= 1;
        let i = (self.base % WHEEL_SLOTS) as usize;
        let top = self.slots[i].pop_front();
        if self.slots[i].is_empty() {
            self.occupied[i / 64] &= !(1 << (i % 64));
        }
        top
    }

    fn len(&self) -> usize {
        self.in_wheel + self.later.len()
    }
}

/// The binary heap while few entries wait (one pair: a handful of timers), the timing wheel
/// once many do: each is the faster there (`queue/*` in `benches/sim.rs`). The switch is one
/// way, and both give the same order, so it changes nothing a run shows.
#[derive(Clone)]
pub struct AdaptiveOrder<T> {
    heap: HeapOrder<T>,
    wheel: Option<Box<WheelOrder<T>>>,
}

impl<T> Default for AdaptiveOrder<T> {
    fn default() -> Self {
        AdaptiveOrder { heap: HeapOrder::default(), wheel: None }
    }
}

/// How many waiting entries make the wheel the faster order.
pub const WHEEL_FROM_ENTRIES: usize = 256;

impl<T> Order<T> for AdaptiveOrder<T> {
    #[inline(always)]
    fn push(&mut self, item: Queued<T>) {
        if let Some(w) = &mut self.wheel {
            return w.push(item);
        }
        self.heap.push(item);
        if self.heap.len() > WHEEL_FROM_ENTRIES {
            let mut wheel = Box::<WheelOrder<T>>::default();
            while let Some(q) = self.heap.pop() {
                wheel.push(q);
            }
            self.wheel = Some(wheel);
        }
    }

    #[inline(always)]
    fn peek(&mut self) -> Option<Entry> {
        match &mut self.wheel {
            Some(w) => w.peek(),
            None => self.heap.peek(),
        }
    }

    #[inline(always)]
    fn pop(&mut self) -> Option<Queued<T>> {
        match &mut self.wheel {
            Some(w) => w.pop(),
            None => self.heap.pop(),
        }
    }

    fn len(&self) -> usize {
        self.wheel.as_ref().map_or(self.heap.len(), |w| w.len())
    }
}

/// The event queue: events ordered by `(time, seq)` (the adaptive order by default), each
/// inline with its entry, and timer generations.
#[derive(Clone)]
pub struct EventQueue<E, O: Order<E> = AdaptiveOrder<E>> {
    order: O,
    seq: u64,
    now: Time,
    generations: Vec<u32>,
    _events: std::marker::PhantomData<E>,
}

impl<E, O: Order<E>> Default for EventQueue<E, O> {
    fn default() -> Self {
        EventQueue { order: O::default(), seq: 0, now: 0, generations: Vec::new(), _events: std::marker::PhantomData }
    }
}

impl<E> EventQueue<E, AdaptiveOrder<E>> {
    /// An empty queue with the default order (heap, then wheel).
    pub fn new() -> Self {
        Self::default()
    }
}

impl<E, O: Order<E>> EventQueue<E, O> {
    pub fn now(&self) -> Time {
        self.now
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// Schedules `event` at `at`. Scheduling in the past is a model bug.
    pub fn push(&mut self, at: Time, event: E) {
        self.push_tagged(at, NO_TIMER, 0, event);
    }

    #[inline(always)]
    fn push_tagged(&mut self, at: Time, timer: u32, generation: u32, event: E) {
        assert!(at >= self.now, "event scheduled in the past: at {at} < now {}", self.now);
        let entry = Entry { time: at, seq: self.seq, timer, generation };
        self.seq += 1;
        self.order.push(Queued { entry, event });
    }

    pub fn new_timer(&mut self) -> TimerId {
        let id = u32::try_from(self.generations.len()).expect("fewer than 2^32 timers");
        assert!(id != NO_TIMER);
        self.generations.push(0);
        TimerId(id)
    }

    /// Arms `timer` at `at`; any earlier arming of the same timer will not fire.
    #[inline(always)]
    pub fn arm(&mut self, timer: TimerId, at: Time, event: E) {
        let generation = &mut self.generations[timer.0 as usize];
        *generation = generation.wrapping_add(1);
        let generation = *generation;
        self.push_tagged(at, timer.0, generation, event);
    }

    pub fn cancel(&mut self, timer: TimerId) {
        let generation = &mut self.generations[timer.0 as usize];
        *generation = generation.wrapping_add(1);
    }

    #[inline(always)]
    fn is_stale(&self, e: &Entry) -> bool {
        e.timer != NO_TIMER && self.generations[e.timer as usize] != e.generation
    }

    /// Time of the next live entry; stale timer entries on top are discarded.
    #[inline]
    pub fn peek_time(&mut self) -> Option<Time> {
        while let Some(e) = self.order.peek() {
            if self.is_stale(&e) {
                self.order.pop();
                continue;
            }
            return Some(e.time);
        }
        None
    }

    /// Pops the next live event if it is due at `at` (stale timer entries on top are
    /// discarded): one look at the order per event of an instant.
    #[inline(always)]
    pub fn pop_at(&mut self, at: Time) -> Option<E> {
        while let Some(e) = self.order.peek() {
            if e.time != at && !self.is_stale(&e) {
                return None;
            }
            let q = self.order.pop().expect("peeked");
            if self.is_stale(&q.entry) {
                continue;
            }
            debug_assert!(at >= self.now, "time went backwards");
            self.now = at;
            return Some(q.event);
        }
        None
    }

    /// Pops the next live event and advances `now` to its time.
    #[inline]
    pub fn pop(&mut self) -> Option<(Time, E)> {
        while let Some(q) = self.order.pop() {
            if self.is_stale(&q.entry) {
                continue;
            }
            let at = q.entry.time;
            debug_assert!(at >= self.now, "time went backwards");
            self.now = at;
            return Some((at, q.event));
        }
        None
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

    #[test]
    fn rearming_a_timer_cancels_the_earlier_arming() {
        let mut q = EventQueue::new();
        let t = q.new_timer();
        q.arm(t, 10, "first");
        q.arm(t, 20, "second");
        q.push(15, "plain");
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
    fn now_advances_with_pops() {
        let mut q = EventQueue::new();
        q.push(7, ());
        assert_eq!(q.now(), 0);
        q.pop();
        assert_eq!(q.now(), 7);
    }

    /// Every order pops the same sequence for the same pushes, pops and peeks.
    #[test]
    fn the_radix_heap_and_the_binary_heap_agree() {
        agree::<RadixOrder<u32>>(1000);
    }

    #[test]
    fn the_timing_wheel_and_the_binary_heap_agree() {
        agree::<WheelOrder<u32>>(1000);
        agree::<WheelOrder<u32>>(3 * WHEEL_SLOTS);
    }

    #[test]
    fn the_adaptive_order_agrees_before_and_after_its_switch() {
        agree::<AdaptiveOrder<u32>>(1000);
        agree::<AdaptiveOrder<u32>>(3 * WHEEL_SLOTS);
    }

    fn agree<O: Order<u32>>(spread_ms: u64) {
        let mut heap: EventQueue<u32, HeapOrder<u32>> = EventQueue::default();
        let mut radix: EventQueue<u32, O> = EventQueue::default();
        let mut x = 12345u64;
        let mut next = || {
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            x >> 33
        };
        let timers: Vec<TimerId> = (0..50).map(|_| (heap.new_timer(), radix.new_timer()).0).collect();
        for step in 0..20_000u32 {
            match next() % 5 {
                0 | 1 => {
                    let at = heap.now() + next() % spread_ms;
                    heap.push(at, step);
                    radix.push(at, step);
                }
                2 => {
                    let (t, at) = (timers[(next() % 50) as usize], heap.now() + next() % (spread_ms / 2));
                    heap.arm(t, at, step);
                    radix.arm(t, at, step);
                }
                3 => assert_eq!(heap.peek_time(), radix.peek_time(), "peek at step {step}"),
                _ => assert_eq!(heap.pop(), radix.pop(), "pop at step {step}"),
            }
        }
        while let Some(e) = heap.pop() {
            assert_eq!(Some(e), radix.pop());
        }
        assert_eq!(radix.pop(), None);
    }

    #[test]
    fn a_push_below_a_peeked_minimum_still_pops_in_order() {
        below_a_peek::<RadixOrder<&'static str>>();
        below_a_peek::<WheelOrder<&'static str>>();
        below_a_peek::<AdaptiveOrder<&'static str>>();
    }

    #[test]
    fn an_event_exactly_one_wheel_ahead_waits_its_turn() {
        // The horizon is `WHEEL_SLOTS` ms: an event that far ahead shares the current slot's
        // index, so it must wait beyond the wheel, not in that slot.
        let mut q: EventQueue<&str, WheelOrder<&str>> = EventQueue::default();
        q.push(0, "now");
        q.push(WHEEL_SLOTS, "one wheel ahead");
        q.push(1, "next");
        assert_eq!(q.pop(), Some((0, "now")));
        assert_eq!(q.pop(), Some((1, "next")));
        assert_eq!(q.pop(), Some((WHEEL_SLOTS, "one wheel ahead")));
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
