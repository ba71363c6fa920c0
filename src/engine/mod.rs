//! The product-agnostic discrete-event engine.
//!
//! Virtual time is an integer count of milliseconds ([`Time`]). Events wait in a queue ordered by
//! `(time, insertion sequence)`, so two events at the same instant always run in the order they
//! were scheduled. Timers are slots with a generation counter: re-arming or cancelling bumps the
//! generation and the stale queue entry is skipped when it surfaces, so both are O(log n) pushes
//! and never a search through the heap.
//!
//! The engine knows nothing of DataMiner, networks or scenarios: it runs any [`Model`].

mod queue;
mod rng;
mod time;
mod trace;

pub use queue::{EventQueue, TimerId};
pub use rng::{Rng, RngStreams};
pub use time::{Ms, clock};
pub use trace::{Trace, fnv1a64};

/// Virtual time in milliseconds since the start of the run.
pub type Time = u64;

/// Everything a model may touch while it handles one event.
pub struct Ctx<'a, E, R> {
    queue: &'a mut EventQueue<E>,
    trace: &'a mut Trace<R>,
    changed: bool,
}

impl<E, R> Ctx<'_, E, R> {
    /// The current virtual time.
    #[inline]
    pub fn now(&self) -> Time {
        self.queue.now()
    }

    /// Schedules `event` at `delay_ms` from now.
    #[inline]
    pub fn schedule_in(&mut self, delay_ms: Time, event: E) {
        let at = self.now() + delay_ms;
        self.queue.push(at, event);
    }

    /// Allocates a new timer slot (cheap; slots are never freed).
    pub fn new_timer(&mut self) -> TimerId {
        self.queue.new_timer()
    }

    /// Arms `timer` to fire `event` after `delay_ms`, cancelling any earlier arming.
    #[inline]
    pub fn arm(&mut self, timer: TimerId, delay_ms: Time, event: E) {
        let at = self.now() + delay_ms;
        self.queue.arm(timer, at, event);
    }

    /// Cancels `timer` if it is armed.
    #[inline]
    pub fn cancel(&mut self, timer: TimerId) {
        self.queue.cancel(timer);
    }

    /// Records a state change in the trace and marks the timestamp as changed.
    #[inline]
    pub fn record(&mut self, record: R) {
        let now = self.now();
        self.trace.push(now, record);
        self.changed = true;
    }

    /// Marks the state as changed without a trace record (e.g. a counter the trace summarises).
    #[inline]
    pub fn touch(&mut self) {
        self.changed = true;
    }
}

/// A simulated system. The engine calls `handle` for each event, then `settle` once after the
/// last event of a timestamp in which something changed: derived views (alarm consoles, say)
/// are recomputed there, once per instant, so no transient half-state ever shows.
pub trait Model {
    type Event;
    type Record;
    fn handle(&mut self, event: Self::Event, cx: &mut Ctx<'_, Self::Event, Self::Record>);
    fn settle(&mut self, _cx: &mut Ctx<'_, Self::Event, Self::Record>) {}
}

/// A model, its event queue and its trace: one run. Cloning it branches the run.
#[derive(Clone)]
pub struct Sim<M: Model> {
    pub model: M,
    queue: EventQueue<M::Event>,
    trace: Trace<M::Record>,
    events_handled: u64,
    /// Whether the last timestamp changed the model (observers may skip unchanged instants).
    changed: bool,
}

impl<M: Model> Sim<M> {
    pub fn new(model: M, trace_enabled: bool) -> Self {
        Sim { model, queue: EventQueue::new(), trace: Trace::new(trace_enabled), events_handled: 0, changed: true }
    }

    /// Builds the model inside a context at t = 0, so that it can arm its first timers and
    /// record its initial state, then settles it once.
    pub fn build(trace_enabled: bool, build: impl FnOnce(&mut Ctx<'_, M::Event, M::Record>) -> M) -> Self {
        let mut queue = EventQueue::new();
        let mut trace = Trace::new(trace_enabled);
        let mut cx = Ctx { queue: &mut queue, trace: &mut trace, changed: false };
        let mut model = build(&mut cx);
        model.settle(&mut cx);
        Sim { model, queue, trace, events_handled: 0, changed: true }
    }

    pub fn now(&self) -> Time {
        self.queue.now()
    }

    /// Time of the next live event, if any.
    pub fn peek_time(&mut self) -> Option<Time> {
        self.queue.peek_time()
    }

    pub fn trace(&self) -> &Trace<M::Record> {
        &self.trace
    }

    /// Whether the last `step_timestamp` changed the model's state.
    pub fn changed(&self) -> bool {
        self.changed
    }

    pub fn events_handled(&self) -> u64 {
        self.events_handled
    }

    /// Schedules an event from outside the model (the scenario script, say).
    pub fn schedule_at(&mut self, at: Time, event: M::Event) {
        self.queue.push(at, event);
    }

    /// Runs `f` against the model with a context at the current time (initial setup, probes).
    pub fn with_ctx<T>(&mut self, f: impl FnOnce(&mut M, &mut Ctx<'_, M::Event, M::Record>) -> T) -> T {
        let mut cx = Ctx { queue: &mut self.queue, trace: &mut self.trace, changed: false };
        let out = f(&mut self.model, &mut cx);
        if cx.changed {
            self.model.settle(&mut cx);
        }
        out
    }

    /// Handles every event of the next timestamp, then settles the model once if it changed.
    /// Returns that timestamp, or `None` when the queue is empty.
    pub fn step_timestamp(&mut self) -> Option<Time> {
        let at = self.queue.peek_time()?;
        let mut cx = Ctx { queue: &mut self.queue, trace: &mut self.trace, changed: false };
        while cx.queue.peek_time() == Some(at) {
            let (_, event) = cx.queue.pop().expect("peeked");
            self.model.handle(event, &mut cx);
            self.events_handled += 1;
        }
        let changed = cx.changed;
        if changed {
            self.model.settle(&mut cx);
        }
        self.changed = changed;
        Some(at)
    }

    /// Runs every event up to and including `end`.
    pub fn run_until(&mut self, end: Time) {
        while self.queue.peek_time().is_some_and(|t| t <= end) {
            self.step_timestamp();
        }
    }
}
