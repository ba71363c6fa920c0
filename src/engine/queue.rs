use super::Time;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A timer slot. Arming it again or cancelling it makes the queued entry stale.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimerId(u32);

const NO_TIMER: u32 = u32::MAX;

#[derive(Clone)]
struct Entry<E> {
    /// `time << 64 | seq`: one integer compare orders by time, then insertion sequence.
    key: u128,
    timer: u32,
    generation: u32,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        self.key == other.key
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    /// Reversed so that `BinaryHeap` (a max-heap) pops the earliest entry first.
    fn cmp(&self, other: &Self) -> Ordering {
        other.key.cmp(&self.key)
    }
}

/// The event queue: a binary heap keyed by `(time, seq)` plus timer generations.
#[derive(Clone)]
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    seq: u64,
    now: Time,
    generations: Vec<u32>,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E> EventQueue<E> {
    pub fn new() -> Self {
        EventQueue { heap: BinaryHeap::new(), seq: 0, now: 0, generations: Vec::new() }
    }

    pub fn now(&self) -> Time {
        self.now
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }

    /// Schedules `event` at `at`. Scheduling in the past is a model bug.
    pub fn push(&mut self, at: Time, event: E) {
        self.push_tagged(at, NO_TIMER, 0, event);
    }

    #[inline]
    fn push_tagged(&mut self, at: Time, timer: u32, generation: u32, event: E) {
        assert!(at >= self.now, "event scheduled in the past: at {at} < now {}", self.now);
        let key = (u128::from(at) << 64) | u128::from(self.seq);
        self.seq += 1;
        self.heap.push(Entry { key, timer, generation, event });
    }

    pub fn new_timer(&mut self) -> TimerId {
        let id = u32::try_from(self.generations.len()).expect("fewer than 2^32 timers");
        assert!(id != NO_TIMER);
        self.generations.push(0);
        TimerId(id)
    }

    /// Arms `timer` at `at`; any earlier arming of the same timer will not fire.
    #[inline]
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

    fn is_stale(&self, entry: &Entry<E>) -> bool {
        entry.timer != NO_TIMER && self.generations[entry.timer as usize] != entry.generation
    }

    /// Time of the next live entry; stale timer entries on top are discarded.
    #[inline]
    pub fn peek_time(&mut self) -> Option<Time> {
        while let Some(top) = self.heap.peek() {
            if self.is_stale(top) {
                self.heap.pop();
                continue;
            }
            return Some((top.key >> 64) as Time);
        }
        None
    }

    /// Pops the next live event and advances `now` to its time.
    #[inline]
    pub fn pop(&mut self) -> Option<(Time, E)> {
        while let Some(entry) = self.heap.pop() {
            if self.is_stale(&entry) {
                continue;
            }
            let at = (entry.key >> 64) as Time;
            debug_assert!(at >= self.now, "time went backwards");
            self.now = at;
            return Some((at, entry.event));
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

    #[test]
    #[should_panic(expected = "in the past")]
    fn scheduling_in_the_past_is_refused() {
        let mut q = EventQueue::new();
        q.push(7, ());
        q.pop();
        q.push(3, ());
    }
}
