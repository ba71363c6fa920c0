//! Explore's visited set (stateright's): a run's state is fingerprinted at checkpoints (one grid
//! step after every fault of the grid has healed: see `checkpoints`), and a run that reaches a
//! state another run already continued from — at the same instant — stops there and takes that
//! run's continuation instead of simulating it again.
//!
//! What a state is: everything its future depends on — the model (the world and every system,
//! hashed field by field through derived `Hash` into the engine's 128-bit [`Fingerprint`],
//! random streams by seed, stream and word position) and every live event waiting in the
//! queue, in the order it will be handled, with its time and timer (the faults still to come
//! are among them, so two runs merge only when their futures are the same). Not in it, because
//! no future depends on them: the time of the last instant (the next event sets it), the
//! queue's sequence numbers (only their order matters, and every later push comes after them),
//! stale timer entries (they never fire), and history no decision and no reported figure reads
//! (each product says which: [`crate::products::Model::fingerprint`]; DataMiner's rule
//! counters, the harness's settle counts, an Alarm Console's cleared alarms). The events a run
//! handled are left out too, but a continuation is only taken where the run's total stays within
//! its event bound (else the run goes on by itself, and overruns as it would have).
//!
//! What a continuation is: the samples the metrics are folded from, at each changed instant
//! from the checkpoint to the end (an instant left out where it repeats the one before it:
//! observing the same sample again changes no figure), and the end state's figures (records
//! lost, replication lag, lanes). The metrics depend on the run's own past too (an outage open
//! at the checkpoint), so each run folds the continuation's samples into its own recorders:
//! every figure is the one a full run gives.

use super::Explorer;
use crate::engine::{Fingerprint, Overrun, Sim, Time};
use crate::metrics::{Recorder, Sample};
use crate::products::Registered;
use crate::runner::{Harness, prepare, schedule};
use crate::scenario::Step;
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// The most distinct states one exploration remembers (about 100 MB): past it, the count is
/// "more than" this, and runs that reach a state not remembered simulate on by themselves.
pub const MAX_STATES: u64 = 2_000_000;

/// The most samples kept in continuations over the whole exploration (about 130 MB for a
/// pair); past it, states are still counted but continue no other run.
const MAX_KEPT_SAMPLES: u64 = 4_000_000;

/// The fingerprint of a run's state: the model and every live event waiting (see the module).
pub(super) fn fingerprint<P: Registered>(sim: &Sim<Harness<P>>) -> u128 {
    use std::hash::Hash;
    let mut h = Fingerprint::new();
    sim.model.fingerprint(&mut h);
    for (at, timer, event) in sim.pending() {
        (at, timer, event.system).hash(&mut h);
        P::fingerprint_event(&event.inner, &mut h);
    }
    h.digest()
}

/// A state: the instant it stands at (before that instant's events) and its fingerprint.
type Key = (Time, u128);

/// What a run did from its first checkpoint to the end.
struct Tail {
    /// Each changed instant's samples (one a system), from the first checkpoint on; an
    /// instant that repeats the one before it since the last checkpoint is left out.
    seen: Vec<(Time, Vec<Sample>)>,
    /// At the end: each system's records lost and worst replication lag.
    lost: Vec<u64>,
    lag_ms: Vec<Time>,
    /// At the end: every system's lanes, hashed as the end state's fingerprint reads them.
    lanes: u128,
}

/// How to continue from a state: the tail of the run that continued from it first, where in it
/// the state stands, and the events handled from there to the end.
#[derive(Clone)]
struct Resume {
    tail: Arc<Tail>,
    from: usize,
    events: u64,
}

/// A checkpoint a run passed: the state, where its tail stood then, the events handled by then.
struct Mark {
    key: Key,
    from: usize,
    events: u64,
}

/// The states explored, each with its continuation when it is kept.
pub(super) struct Visited {
    states: Mutex<BTreeMap<Key, Option<Resume>>>,
    kept_samples: AtomicU64,
    /// The most states remembered ([`MAX_STATES`]; 0 in a test that runs every run alone).
    capacity: u64,
}

impl Default for Visited {
    fn default() -> Self {
        Visited { states: Mutex::default(), kept_samples: AtomicU64::new(0), capacity: MAX_STATES }
    }
}

impl Visited {
    /// A set that remembers no state: every run simulates to its end by itself.
    #[cfg(test)]
    pub(super) fn forgetful() -> Self {
        Visited { capacity: 0, ..Visited::default() }
    }

    /// How many distinct states were explored; `None`: more than [`MAX_STATES`].
    pub(super) fn count(&self) -> Option<u64> {
        let n = self.states.lock().expect("no run panics holding the set").len() as u64;
        (n < MAX_STATES).then_some(n)
    }

    fn resume(&self, key: &Key) -> Option<Resume> {
        self.states.lock().expect("no run panics holding the set").get(key).cloned().flatten()
    }

    /// Remembers the states a run passed, each continued by `tail` (the first run to reach a
    /// state keeps it: any run's continuation from it is the same).
    fn remember(&self, marks: Vec<Mark>, tail: Tail, events: u64) {
        let size = tail.seen.len() as u64;
        let keep = self.kept_samples.fetch_add(size, Ordering::Relaxed).saturating_add(size) <= MAX_KEPT_SAMPLES;
        let tail = Arc::new(tail);
        let mut states = self.states.lock().expect("no run panics holding the set");
        for m in marks {
            if states.len() as u64 >= self.capacity && !states.contains_key(&m.key) {
                continue;
            }
            assert!(events >= m.events, "a run handles more events by its end than at a checkpoint");
            let resume = keep.then(|| Resume { tail: tail.clone(), from: m.from, events: events - m.events });
            states.entry(m.key).or_insert(resume);
        }
    }
}

/// Folds a run's samples into each system's metrics, and keeps them (from the first
/// checkpoint on) as the run's tail.
#[derive(Clone)]
struct Observer {
    recorders: Vec<Recorder>,
    seen: Vec<(Time, Vec<Sample>)>,
    /// The instant being shown (one buffer for the run: most instants are not kept).
    now: Vec<Sample>,
    /// The first span, from t = 0, was shown (time began to pass).
    started: bool,
    /// Past the first checkpoint: samples are kept.
    keeping: bool,
    /// A checkpoint was just passed: the next instant is kept even if it repeats the last.
    fresh: bool,
}

impl Observer {
    fn new(systems: usize) -> Self {
        let recorders = (0..systems).map(|_| Recorder::default()).collect();
        Observer { recorders, seen: Vec::new(), now: Vec::new(), started: false, keeping: false, fresh: false }
    }

    /// Folds each system's sample at `at_ms` into its metrics, and keeps the samples when past
    /// a checkpoint (unless they repeat the last kept).
    fn see<P: Registered>(&mut self, at_ms: Time, sim: &Sim<Harness<P>>) {
        self.now.clear();
        self.now.extend((0..sim.model.systems.len()).map(|i| sim.model.sample(i)));
        for (r, s) in self.recorders.iter_mut().zip(&self.now) {
            r.observe(at_ms, *s);
        }
        if self.keeping && (self.fresh || self.seen.last().is_none_or(|(_, last)| *last != self.now)) {
            self.seen.push((at_ms, self.now.clone()));
            self.fresh = false;
        }
    }

    fn mark(&mut self) -> usize {
        (self.keeping, self.fresh) = (true, true);
        self.seen.len()
    }
}

/// What one run left: each system's metrics, and a fingerprint of the end state (every
/// system's lanes and metrics).
pub(super) struct Ran {
    pub(super) metrics: Vec<crate::metrics::Metrics>,
    pub(super) fingerprint: u64,
}

impl Ran {
    /// The run's figures: its recorders closed with the end state's.
    fn of(recorders: Vec<Recorder>, end_ms: Time, tail: &Tail) -> Ran {
        let metrics: Vec<_> = recorders.into_iter().enumerate().map(|(i, r)| r.finish(end_ms, tail.lost[i], tail.lag_ms[i], Default::default())).collect();
        let mut h = Fingerprint::new();
        std::hash::Hash::hash(&(&tail.lanes, &metrics), &mut h);
        Ran { metrics, fingerprint: h.digest() as u64 }
    }
}

/// Steps every instant before `before_ms`, showing each changed one to `obs` (as
/// [`crate::runner::drive`] shows its spans). The first time passes, the span from t = 0 is
/// shown first, as drive shows it: unless an event comes at 0 (every step at 0 is scheduled
/// by then: a branch schedules its faults before it lets time pass them).
fn advance<P: Registered>(sim: &mut Sim<Harness<P>>, before_ms: Time, obs: &mut Observer) -> Result<(), Overrun> {
    if !obs.started && before_ms > 0 {
        obs.started = true;
        if sim.peek_time() != Some(0) {
            obs.see(0, sim);
        }
    }
    while let Some(at) = sim.peek_time().filter(|t| *t < before_ms) {
        sim.step_peeked(at)?;
        if sim.changed() {
            obs.see(at, sim);
        }
    }
    Ok(())
}

/// A run under way, without a trace: its simulation and what it observed so far. Cloning it
/// branches the run (explore simulates a combination's beginning once for all the
/// combinations that share it).
#[derive(Clone)]
pub(super) struct Branch<P: Registered> {
    sim: Sim<Harness<P>>,
    obs: Observer,
}

impl<P: Registered> Branch<P> {
    /// Simulates every instant before `before_ms`.
    pub(super) fn advance(&mut self, before_ms: Time) -> Result<(), String> {
        advance(&mut self.sim, before_ms, &mut self.obs).map_err(|e| e.to_string())
    }

    /// Adds script steps, none before the instant the branch stands before: handled as if
    /// they had been in the script from the start ([`crate::runner::schedule`]).
    pub(super) fn schedule(&mut self, setup: &crate::runner::Setup<'_, P>, steps: &[Step]) {
        let untouched = self.sim.events_handled() == 0;
        for step in steps {
            assert!(untouched || step.at.0 > self.sim.now(), "a step at {} after the run handled {}", step.at.0, self.sim.now());
        }
        schedule(setup, &mut self.sim, steps);
    }
}

impl<P: Registered> Explorer<'_, P> {
    /// A run of `script` at t = 0.
    pub(super) fn branch(&self, script: &[Step]) -> Branch<P> {
        let sim = prepare::<P>(self.setup, script, self.scenario.seed, crate::engine::Tracing::Off);
        Branch { sim, obs: Observer::new(self.setup.cfgs.len()) }
    }

    /// Runs a script without a trace (see [`Explorer::finish`]).
    pub(super) fn run(&self, script: &[Step], checkpoints: &[Time]) -> Result<Ran, String> {
        self.finish(self.branch(script), checkpoints)
    }

    /// Runs a branch to the scenario's end, folding only each system's metrics, and
    /// fingerprints the end state (every system's lanes and metrics). At each of
    /// `checkpoints` (ascending, after the instant the branch stands before) the state is
    /// looked up in the visited set: a state explored before continues as it did then,
    /// without simulating it again.
    pub(super) fn finish(&self, branch: Branch<P>, checkpoints: &[Time]) -> Result<Ran, String> {
        let end = self.scenario.end.0;
        let Branch { mut sim, mut obs } = branch;
        let max_events = crate::engine::MAX_EVENTS_PER_RUN.saturating_mul(self.setup.cfgs.len() as u64);
        let mut marks = Vec::new();
        for &at in checkpoints.iter().filter(|t| **t <= end) {
            advance(&mut sim, at, &mut obs).map_err(|e| e.to_string())?;
            let key = (at, fingerprint(&sim));
            let events = sim.events_handled();
            if let Some(resume) = self.visited.resume(&key).filter(|r| events.saturating_add(r.events) <= max_events) {
                return Ok(self.resumed(obs, marks, &resume, events));
            }
            marks.push(Mark { key, from: obs.mark(), events });
        }
        advance(&mut sim, end.saturating_add(1), &mut obs).map_err(|e| e.to_string())?;
        let n = self.setup.cfgs.len();
        let ledgers = (0..n).map(|i| sim.model.systems[i].ledger());
        let (lost, lag_ms) = ledgers.map(|l| (l.summary().lost, l.max_replication_lag_ms(end))).unzip();
        let mut lanes = Fingerprint::new();
        (0..n).for_each(|i| std::hash::Hash::hash(&sim.model.lanes(i), &mut lanes));
        let tail = Tail { seen: obs.seen, lost, lag_ms, lanes: lanes.digest() };
        let ran = Ran::of(obs.recorders, end, &tail);
        self.visited.remember(marks, tail, sim.events_handled());
        Ok(ran)
    }

    /// A run that reached a state explored before: its own samples so far, then those of the
    /// run that continued from the state; the states it passed on its way are remembered with
    /// that continuation.
    fn resumed(&self, mut obs: Observer, marks: Vec<Mark>, resume: &Resume, events: u64) -> Ran {
        for (at, samples) in &resume.tail.seen[resume.from..] {
            for (r, s) in obs.recorders.iter_mut().zip(samples) {
                r.observe(*at, *s);
            }
        }
        let ran = Ran::of(obs.recorders, self.scenario.end.0, &resume.tail);
        if !marks.is_empty() {
            let mut seen = obs.seen;
            seen.extend_from_slice(&resume.tail.seen[resume.from..]);
            let t = &resume.tail;
            let tail = Tail { seen, lost: t.lost.clone(), lag_ms: t.lag_ms.clone(), lanes: t.lanes };
            self.visited.remember(marks, tail, events + resume.events);
        }
        ran
    }
}
