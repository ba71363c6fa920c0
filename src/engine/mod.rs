//! The product-agnostic discrete-event engine.
//!
//! Virtual time is an integer count of milliseconds ([`Time`]). Events wait in a queue ordered by
//! `(time, insertion sequence)`, so two events at the same instant always run in the order they
//! were scheduled. Timers are slots with a generation counter: re-arming or cancelling bumps the
//! generation and the stale queue entry is skipped when it surfaces (or unlinked at once, where
//! the order knows its place), so neither ever searches the queue.
//!
//! The engine knows nothing of products, networks or files: it runs any [`Model`]. Durations
//! are plain integers here; the file syntax for them lives in `crate::units` (beside [`Ms`](crate::Ms)).

mod fingerprint;
mod queue;
mod rng;
mod trace;

pub use fingerprint::Fingerprint;
pub use queue::{AdaptiveOrder, EventQueue, HeapOrder, Order, RadixOrder, SortedOrder, TimerId, WheelOrder};
pub use rng::{Rng, StreamAllocator, StreamId, Streams};
pub use trace::{LINE_BYTES, MAX_TRACE_BYTES, Records, Trace, Tracing, fnv1a64};

/// Virtual time in milliseconds since the start of the run.
pub type Time = u64;

/// `HH:MM:SS.mmm`: how reports and views print an instant.
pub fn clock(t: Time) -> String {
    format!("{:02}:{:02}:{:02}.{:03}", t / 3_600_000, t / 60_000 % 60, t / 1000 % 60, t % 1000)
}

/// The default bound on events handled at one instant: a model that keeps scheduling at the
/// same instant is a bug, and the run stops with [`Overrun`] instead of hanging.
pub const MAX_EVENTS_PER_INSTANT: u64 = 1_000_000;

/// The default bound on events handled in one run: a month of the busiest documented setup is
/// a few million; a run past this (a 1 ms heartbeat for a day, say) stops with an error.
pub const MAX_EVENTS_PER_RUN: u64 = 50_000_000;

/// Which bound a run crossed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// More events at one instant than [`MAX_EVENTS_PER_INSTANT`] (or the run's own bound): a
    /// model that keeps scheduling without time passing.
    EventsPerInstant,
    /// More events in the run than [`MAX_EVENTS_PER_RUN`] (or the run's own bound).
    EventsPerRun,
    /// The kept trace's bytes (its records' text plus [`LINE_BYTES`] a record), with the bound.
    TraceBytes(u64),
}

/// A run handled more events than a bound allows: at one instant, or in all.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Overrun {
    /// The instant the bound was crossed at.
    pub at_ms: Time,
    /// The events handled when it was: at that instant for [`Limit::EventsPerInstant`], in the
    /// run otherwise.
    pub events: u64,
    /// The bound crossed.
    pub limit: Limit,
}

impl std::fmt::Display for Overrun {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.limit {
            Limit::EventsPerInstant => {
                write!(f, "more than {} events at the instant {}: the model keeps scheduling without time passing", self.events, clock(self.at_ms))
            }
            Limit::EventsPerRun => {
                write!(f, "more than {} events in the run (reached at {}): the run is too busy for its length", self.events, clock(self.at_ms))
            }
            Limit::TraceBytes(max_bytes) => write!(
                f,
                "the trace passed {} MiB (its records' text and {LINE_BYTES} bytes a record) at {}, after {} events: the run records too much for its length",
                max_bytes >> 20,
                clock(self.at_ms),
                self.events
            ),
        }
    }
}

impl std::error::Error for Overrun {}

impl Overrun {
    /// Out of the step loop's way: a run overruns at most once.
    #[cold]
    fn at(at_ms: Time, events: u64, limit: Limit) -> Self {
        Overrun { at_ms, events, limit }
    }
}

/// An event or record of one of several components of a model (the systems of one world),
/// with the component's index. It shows as the inner value alone, so a one-component model's
/// trace (and its hash) is what the component's own would be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tagged<T> {
    /// The component's index (a system's, in world order).
    pub system: u16,
    /// The component's own event or record.
    pub inner: T,
}

impl<T: std::fmt::Display> std::fmt::Display for Tagged<T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.inner.fmt(f)
    }
}

/// Everything a model may touch while it handles one event.
pub struct Ctx<'a, E, R> {
    queue: &'a mut EventQueue<E>,
    trace: &'a mut Trace<R>,
    changed: bool,
}

impl<E, R> Ctx<'_, E, R> {
    /// Records a state change in the trace and marks the timestamp as changed.
    #[inline]
    pub fn record(&mut self, record: R) {
        let now = self.now();
        self.trace.push(now, record);
        self.changed = true;
    }

    /// The current virtual time.
    #[inline]
    pub fn now(&self) -> Time {
        self.queue.now()
    }

    /// Schedules `event` at `delay_ms` from now.
    #[inline]
    pub fn schedule_in(&mut self, delay_ms: Time, event: E) {
        // Saturating: an event beyond the end of time never happens; it never wraps into the past.
        let at = self.now().saturating_add(delay_ms);
        self.queue.push(at, event);
    }

    /// Allocates a new timer slot (cheap; slots are never freed).
    pub fn new_timer(&mut self) -> TimerId {
        self.queue.new_timer()
    }

    /// Arms `timer` to fire `event` after `delay_ms`, cancelling any earlier arming.
    #[inline]
    pub fn arm(&mut self, timer: TimerId, delay_ms: Time, event: E) {
        let at = self.now().saturating_add(delay_ms);
        self.queue.arm(timer, at, event);
    }

    /// Cancels `timer` if it is armed.
    #[inline]
    pub fn cancel(&mut self, timer: TimerId) {
        self.queue.cancel(timer);
    }

    /// Marks the state as changed without a trace record (e.g. a counter the trace summarises).
    #[inline]
    pub fn touch(&mut self) {
        self.changed = true;
    }

    /// Whether records are read (hashed or kept): a run without a trace (explore's, chaos's)
    /// need not build them (a product's `WorldCx::record_with` asks).
    #[inline]
    pub fn traced(&self) -> bool {
        self.trace.reads_records()
    }
}

/// A simulated system. The engine calls `handle` for each event, then `settle` once after the
/// last event of a timestamp in which something changed: derived views (alarm consoles, say)
/// are recomputed there, once per instant, so no transient half-state ever shows.
pub trait Model {
    /// What the model's queue holds: the model schedules its own events.
    type Event;
    /// A state change, as the trace keeps it: its `Display` text is canonical (hashed, FS-DET).
    type Record: std::fmt::Display;
    /// Handles one event at the current time: changes state, records what changed, schedules
    /// what follows.
    fn handle(&mut self, event: Self::Event, cx: &mut Ctx<'_, Self::Event, Self::Record>);
    /// Called once after the last event of an instant in which something changed; by default,
    /// nothing to derive.
    fn settle(&mut self, _cx: &mut Ctx<'_, Self::Event, Self::Record>) {}
    /// Writes a record's fields as data (the runner: its serde form as JSON), kept beside its
    /// text when the run asks (`Tracing::KeepData`); the engine only stores what it writes.
    fn data(_record: &Self::Record, _out: &mut String) {}
    /// What the trace keeps beside a record's text (the runner: which system recorded it and
    /// whether the text timeline shows it); the engine only stores it.
    fn label(_record: &Self::Record) -> u32 {
        0
    }
}

/// A model, its event queue and its trace: one run. Cloning it branches the run.
#[derive(Clone)]
pub struct Sim<M: Model> {
    /// The model: public so a run's owner can read its state between steps.
    pub model: M,
    queue: EventQueue<M::Event>,
    trace: Trace<M::Record>,
    events_handled: u64,
    /// The next live event's time as the last step peeked it, while nothing has touched the
    /// queue since (`None`: ask the queue): so the run loop's look at the next instant is not
    /// a second peek.
    peeked: Option<Option<Time>>,
    /// Whether the last timestamp changed the model (observers may skip unchanged instants).
    changed: bool,
    max_events_per_instant: u64,
    max_events: u64,
}

impl<M: Model> Sim<M> {
    /// A run of an already built `model` with an empty queue at t = 0 (see [`Sim::build`] for a
    /// model that schedules its first events).
    pub fn new(model: M, tracing: Tracing) -> Self {
        Sim {
            model,
            queue: EventQueue::new(),
            trace: Trace::labelled(tracing, M::label, M::data),
            events_handled: 0,
            peeked: None,
            changed: true,
            max_events_per_instant: MAX_EVENTS_PER_INSTANT,
            max_events: MAX_EVENTS_PER_RUN,
        }
    }

    /// Builds the model inside a context at t = 0, so that it can arm its first timers and
    /// record its initial state, then settles it once.
    pub fn build(tracing: Tracing, build: impl FnOnce(&mut Ctx<'_, M::Event, M::Record>) -> M) -> Self {
        let mut queue = EventQueue::new();
        let mut trace = Trace::labelled(tracing, M::label, M::data);
        let mut cx = Ctx { queue: &mut queue, trace: &mut trace, changed: false };
        let mut model = build(&mut cx);
        model.settle(&mut cx);
        Sim {
            model,
            queue,
            trace,
            events_handled: 0,
            peeked: None,
            changed: true,
            max_events_per_instant: MAX_EVENTS_PER_INSTANT,
            max_events: MAX_EVENTS_PER_RUN,
        }
    }

    /// Sets the bound on events handled in the whole run.
    pub fn with_max_events(mut self, max: u64) -> Self {
        assert!(max > 0, "a bound of 0 events would stop every run");
        self.max_events = max;
        self
    }

    /// Sets the bound on the kept trace's bytes (what the model recorded as it was built counts).
    pub fn with_max_trace_bytes(mut self, max_bytes: u64) -> Self {
        self.trace = self.trace.with_max_bytes(max_bytes);
        self
    }

    /// Sets the bound on events handled at one instant.
    pub fn with_max_events_per_instant(mut self, max: u64) -> Self {
        assert!(max > 0, "a bound of 0 events would stop every run");
        self.max_events_per_instant = max;
        self
    }

    /// The current virtual time: that of the last event handled.
    pub fn now(&self) -> Time {
        self.queue.now()
    }

    /// Time of the next live event, if any.
    #[inline]
    pub fn peek_time(&mut self) -> Option<Time> {
        if let Some(peeked) = self.peeked {
            debug_assert_eq!(peeked, self.queue.peek_time(), "nothing touched the queue since the step's peek");
            return peeked;
        }
        let peeked = self.queue.peek_time();
        self.peeked = Some(peeked);
        peeked
    }

    /// The trace so far (kept, hashed or off, as the run's [`Tracing`] says).
    pub fn trace(&self) -> &Trace<M::Record> {
        &self.trace
    }

    /// The trace, taken out of the run (the report keeps it; the run is over).
    pub fn take_trace(&mut self) -> Trace<M::Record> {
        let empty = Trace::labelled(Tracing::Off, M::label, M::data);
        std::mem::replace(&mut self.trace, empty)
    }

    /// Whether the last `step_timestamp` changed the model's state.
    pub fn changed(&self) -> bool {
        self.changed
    }

    /// Events handled so far; what the run's bound counts.
    pub fn events_handled(&self) -> u64 {
        self.events_handled
    }

    /// Every live event waiting, in the order it will be handled, with its time and timer:
    /// with the model, all a run's future depends on (see [`EventQueue::live_entries`]).
    pub fn pending(&self) -> Vec<(Time, Option<TimerId>, M::Event)>
    where
        M::Event: Clone,
    {
        self.queue.live_entries()
    }

    /// Schedules an event from outside the model (the scenario script, say): in the band
    /// [`Sim::reserve_outside`] reserved, if one was.
    pub fn schedule_at(&mut self, at: Time, event: M::Event) {
        self.peeked = None;
        self.queue.push_outside(at, event);
    }

    /// Reserves `count` places, after the events the model scheduled so far, for events
    /// scheduled from outside ([`Sim::schedule_at`]) at any later point: each is handled as if
    /// it had been scheduled now, so a branch of the run may add its own (see
    /// [`EventQueue::reserve_outside`]).
    pub fn reserve_outside(&mut self, count: u64) {
        self.queue.reserve_outside(count);
    }

    /// Runs `f` against the model with a context at the current time (initial setup, probes).
    pub fn with_ctx<T>(&mut self, f: impl FnOnce(&mut M, &mut Ctx<'_, M::Event, M::Record>) -> T) -> T {
        self.peeked = None;
        let mut cx = Ctx { queue: &mut self.queue, trace: &mut self.trace, changed: false };
        let out = f(&mut self.model, &mut cx);
        if cx.changed {
            self.model.settle(&mut cx);
        }
        out
    }

    /// Handles every event of the next timestamp, then settles the model once if it changed.
    /// Returns that timestamp, or `None` when the queue is empty; an [`Overrun`] when the model
    /// handled more events at that instant than the bound allows.
    pub fn step_timestamp(&mut self) -> Result<Option<Time>, Overrun> {
        let Some(at) = self.peek_time() else { return Ok(None) };
        self.step_peeked(at)?;
        Ok(Some(at))
    }

    /// Handles every event of `at`, the next timestamp, which the caller has just peeked (and
    /// changed nothing since), then settles the model once if it changed. Per event: one pop,
    /// one peek (which also finds where the instant ends, and is kept for the caller's next
    /// look), one comparison with the instant's budget (the events both bounds still allow,
    /// taken once per instant).
    #[inline(always)]
    pub(crate) fn step_peeked(&mut self, at: Time) -> Result<(), Overrun> {
        self.step_to_next(at).map(|_| ())
    }

    /// [`Self::step_peeked`], returning the next timestamp it peeked (kept for the next look
    /// too): the run loop takes it from here, not back from `peeked`.
    #[inline(always)]
    fn step_to_next(&mut self, at: Time) -> Result<Option<Time>, Overrun> {
        debug_assert_eq!(self.peek_time(), Some(at), "`at` is the next timestamp");
        assert!(self.events_handled <= self.max_events, "a run stops at its bound");
        let budget = self.max_events_per_instant.min(self.max_events - self.events_handled);
        self.peeked = None;
        let mut cx = Ctx { queue: &mut self.queue, trace: &mut self.trace, changed: false };
        let mut handled = 0u64;
        let mut next = Some(at);
        while next == Some(at) {
            if handled == budget {
                // The event that would cross a bound stays queued, so a stopped run stays stopped.
                self.events_handled += handled;
                self.peeked = Some(next);
                return Err(self.overrun(at, handled));
            }
            let event = cx.queue.pop_peeked();
            debug_assert_eq!(cx.queue.now(), at, "the peeked event is the one popped");
            self.model.handle(event, &mut cx);
            handled += 1;
            next = cx.queue.peek_time();
        }
        self.events_handled += handled;
        let changed = cx.changed;
        if changed {
            self.model.settle(&mut cx);
            next = cx.queue.peek_time();
        }
        self.changed = changed;
        assert_eq!(self.queue.now(), at, "time stays at the instant being settled");
        self.peeked = Some(next);
        if self.trace.full() {
            // The trace kept nothing past its bound; the run ends with the instant that crossed it.
            return Err(Overrun::at(at, self.events_handled, Limit::TraceBytes(self.trace.max_bytes())));
        }
        Ok(next)
    }

    /// Which bound `handled` events at `at` crossed: the instant's first, else the run's.
    #[cold]
    fn overrun(&self, at: Time, handled: u64) -> Overrun {
        if handled == self.max_events_per_instant {
            Overrun::at(at, handled, Limit::EventsPerInstant)
        } else {
            assert_eq!(self.events_handled, self.max_events, "the budget was the run's");
            Overrun::at(at, self.events_handled, Limit::EventsPerRun)
        }
    }

    /// Runs every event up to and including `end`.
    pub fn run_until(&mut self, end: Time) -> Result<(), Overrun> {
        let mut next = self.peek_time();
        while let Some(at) = next.filter(|t| *t <= end) {
            next = self.step_to_next(at)?;
            debug_assert_eq!(self.peeked, Some(next), "the step kept what it returned");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A model that schedules another event at the same instant, forever.
    struct Runaway;
    impl Model for Runaway {
        type Event = ();
        type Record = &'static str;
        fn handle(&mut self, _: (), cx: &mut Ctx<'_, (), &'static str>) {
            cx.schedule_in(0, ());
        }
    }

    #[test]
    fn a_model_that_never_lets_time_pass_is_stopped_with_an_error() {
        let mut sim = Sim::build(Tracing::Off, |cx| {
            cx.schedule_in(5, ());
            Runaway
        })
        .with_max_events_per_instant(100);
        assert_eq!(sim.step_timestamp(), Err(Overrun { at_ms: 5, events: 100, limit: Limit::EventsPerInstant }));
        assert_eq!(sim.events_handled(), 100);
    }

    /// A model that schedules one event a millisecond, forever.
    struct Ticker;
    impl Model for Ticker {
        type Event = ();
        type Record = &'static str;
        fn handle(&mut self, _: (), cx: &mut Ctx<'_, (), &'static str>) {
            cx.schedule_in(1, ());
        }
    }

    #[test]
    fn a_run_past_its_event_budget_is_stopped_with_an_error() {
        let mut sim = Sim::build(Tracing::Off, |cx| {
            cx.schedule_in(1, ());
            Ticker
        })
        .with_max_events(1_000);
        assert_eq!(sim.run_until(1_000_000), Err(Overrun { at_ms: 1_001, events: 1_000, limit: Limit::EventsPerRun }));
        assert!(sim.run_until(2_000_000).is_err(), "and stays stopped");
    }

    /// Records a line at every tick, 1 ms apart.
    struct Chatty;
    impl Model for Chatty {
        type Event = ();
        type Record = &'static str;
        fn handle(&mut self, _: (), cx: &mut Ctx<'_, (), &'static str>) {
            cx.record("tick");
            cx.schedule_in(1, ());
        }
    }

    #[test]
    fn a_kept_trace_past_its_bound_stops_the_run_at_that_instant() {
        // Each record: 4 bytes of text and a line; the bound fits ten.
        let mut sim = Sim::build(Tracing::Keep, |cx| {
            cx.schedule_in(1, ());
            Chatty
        })
        .with_max_trace_bytes(10 * (4 + LINE_BYTES));
        let bound = Limit::TraceBytes(10 * (4 + LINE_BYTES));
        assert_eq!(sim.run_until(1_000), Err(Overrun { at_ms: 11, events: 11, limit: bound }), "the eleventh record crosses it");
        assert_eq!(sim.trace().len(), 10, "what fits is kept");
        let mut hashed = Sim::build(Tracing::Hash, |cx| {
            cx.schedule_in(1, ());
            Chatty
        })
        .with_max_trace_bytes(10 * (4 + LINE_BYTES));
        assert_eq!(hashed.run_until(1_000), Ok(()), "a hash alone keeps nothing, so it has no bound to cross");
    }

    #[test]
    fn a_run_budget_reached_inside_an_instant_stops_there() {
        let mut sim = Sim::build(Tracing::Off, |cx| {
            cx.schedule_in(5, ());
            Runaway
        })
        .with_max_events_per_instant(100)
        .with_max_events(50);
        assert_eq!(sim.step_timestamp(), Err(Overrun { at_ms: 5, events: 50, limit: Limit::EventsPerRun }));
        assert_eq!(sim.peek_time(), Some(5), "the event that would cross the bound stays queued");
        assert_eq!(sim.step_timestamp(), Err(Overrun { at_ms: 5, events: 50, limit: Limit::EventsPerRun }), "and stays stopped");
    }

    /// Counts events and settles; with `echo`, its settle schedules one more event at the
    /// same instant the first time it runs after t = 0.
    struct Counter {
        handled: Vec<Time>,
        settles: Vec<Time>,
        echo: bool,
    }
    impl Model for Counter {
        type Event = ();
        type Record = &'static str;
        fn handle(&mut self, _: (), cx: &mut Ctx<'_, (), &'static str>) {
            self.handled.push(cx.now());
            cx.touch();
        }
        fn settle(&mut self, cx: &mut Ctx<'_, (), &'static str>) {
            self.settles.push(cx.now());
            if self.echo && self.settles.len() == 2 {
                cx.schedule_in(0, ());
            }
        }
    }

    #[test]
    fn settle_runs_once_per_changed_instant_and_may_schedule_at_it() {
        let mut sim = Sim::build(Tracing::Off, |cx| {
            for at in [10, 10, 10, 20] {
                cx.schedule_in(at, ());
            }
            Counter { handled: Vec::new(), settles: Vec::new(), echo: true }
        });
        sim.run_until(100).unwrap();
        assert_eq!(sim.model.handled, vec![10, 10, 10, 10, 20], "the settle's event ran at 10, after the first three");
        assert_eq!(sim.model.settles, vec![0, 10, 10, 20], "once at build, once per step of a changed instant");
        assert_eq!(sim.events_handled(), 5);
    }

    #[test]
    fn an_event_scheduled_from_outside_is_seen_by_the_next_peek() {
        let mut sim = Sim::build(Tracing::Off, |cx| {
            cx.schedule_in(50, ());
            Counter { handled: Vec::new(), settles: Vec::new(), echo: false }
        });
        assert_eq!(sim.peek_time(), Some(50));
        sim.schedule_at(20, ());
        assert_eq!(sim.peek_time(), Some(20), "the kept peek is dropped by a push");
        assert_eq!(sim.step_timestamp(), Ok(Some(20)));
        assert!(sim.changed(), "the model touched its state at 20");
        sim.with_ctx(|_, cx| cx.schedule_in(10, ()));
        assert_eq!(sim.peek_time(), Some(30), "and by a push through a context");
        sim.run_until(100).unwrap();
        assert_eq!(sim.model.handled, vec![20, 30, 50]);
    }

    /// A model that changes nothing.
    struct Idle;
    impl Model for Idle {
        type Event = ();
        type Record = &'static str;
        fn handle(&mut self, _: (), _: &mut Ctx<'_, (), &'static str>) {}
    }

    #[test]
    fn an_instant_that_changes_nothing_is_marked_unchanged() {
        let mut sim = Sim::build(Tracing::Off, |cx| {
            cx.schedule_in(5, ());
            Idle
        });
        assert!(sim.changed(), "a new run shows its first state");
        sim.step_timestamp().unwrap();
        assert!(!sim.changed());
    }

    #[test]
    fn a_delay_past_the_end_of_time_saturates_and_still_runs() {
        let mut sim = Sim::build(Tracing::Off, |cx| {
            cx.schedule_in(5, ());
            cx.schedule_in(u64::MAX, ());
            Counter { handled: Vec::new(), settles: Vec::new(), echo: false }
        });
        sim.run_until(Time::MAX).unwrap();
        assert_eq!(sim.model.handled, vec![5, Time::MAX], "u64::MAX + 5 saturates at the end of time");
        assert_eq!(sim.now(), Time::MAX);
        assert_eq!(sim.peek_time(), None);
    }

    #[test]
    fn clock_prints_hours_minutes_seconds_and_millis() {
        assert_eq!(clock(3_723_004), "01:02:03.004");
        assert_eq!(clock(0), "00:00:00.000");
    }
}
