//! The chaos harness: randomized fault campaigns over a system, invariants checked while faults
//! strike (safety) and after healing (liveness), failing schedules shrunk to a minimal scenario
//! file that replays the violation exactly (FS-REPRO).
//!
//! A run: the seed draws a schedule (swarm testing), the schedule becomes a script of workload
//! writes, fault strikes and heals; every fault is healed when the fault phase ends; the system
//! then gets quiet time. Results depend on the seed only: never on `-j`, never on the machine.

pub mod campaign;
mod schedule;
mod shrink;
mod target;

pub use campaign::{Campaign, Finding, InvariantStats, Summary, campaign_for, run_campaign};
pub use schedule::{Fault, FaultKind, Profile, Schedule};
pub use shrink::shrink;
pub use target::ChaosTarget;

use crate::engine::{Sim, Time};
use crate::run::prepare;
use serde::Serialize;

/// What a run promises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Invariant {
    /// At most one node online/active (safety, checked at every instant).
    SplitBrain,
    /// No acknowledged write lost (FS-NOLOSS), unless a document describes the loss.
    Loss,
    /// In the DNS modes that promise it, no name resolves to a node that does not hold it.
    Dns,
    /// After healing: exactly one online/active, sync OK, alarms cleared, writes converged.
    Liveness,
    /// The model itself asserted something impossible (a bug in failsim or a rule conflict).
    Assertion,
}

impl Invariant {
    pub fn label(self) -> &'static str {
        match self {
            Invariant::SplitBrain => "split brain",
            Invariant::Loss => "lost writes",
            Invariant::Dns => "DNS",
            Invariant::Liveness => "not healthy after healing",
            Invariant::Assertion => "model assertion",
        }
    }
}

/// One broken invariant in a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Violation {
    pub invariant: Invariant,
    /// When it was first seen.
    pub at_ms: Time,
    /// How long it lasted (split brain), if it ended.
    pub duration_ms: Option<Time>,
    pub detail: String,
    /// The SPEC ID of the document that describes it as the product's behaviour.
    pub documented: Option<&'static str>,
}

/// The outcome of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunResult {
    pub violations: Vec<Violation>,
    /// The trace hash (only when the run kept a trace).
    pub trace_hash: Option<u64>,
    pub events: u64,
    /// Availability metrics of the run (see `metrics`).
    pub downtime_ms: Time,
    pub split_brain_ms: Time,
    pub switches: u32,
}

impl RunResult {
    pub fn violates(&self, invariant: Invariant) -> bool {
        self.violations.iter().any(|v| v.invariant == invariant)
    }
}

/// Runs one schedule against a product and checks its invariants. A model assertion that fails
/// is a finding like any other, not a crash of the campaign.
pub fn run_schedule<P: ChaosTarget>(cfg: &P::Config, schedule: &Schedule, seed: u64, trace: bool) -> RunResult {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_checked::<P>(cfg, schedule, seed, trace))) {
        Ok(r) => r,
        Err(payload) => {
            let msg = payload.downcast_ref::<String>().cloned().or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default();
            let v = Violation { invariant: Invariant::Assertion, at_ms: 0, duration_ms: None, detail: msg, documented: None };
            RunResult { violations: vec![v], trace_hash: None, events: 0, downtime_ms: 0, split_brain_ms: 0, switches: 0 }
        }
    }
}

fn run_checked<P: ChaosTarget>(cfg: &P::Config, schedule: &Schedule, seed: u64, trace: bool) -> RunResult {
    let end = schedule.profile.end_ms;
    let mut sim: Sim<P> = prepare::<P>(cfg, &schedule.script(), seed, trace);
    let mut violations = Vec::new();
    let mut split: Option<(Time, Option<Time>, usize)> = None;
    let mut dns: Option<(Time, String)> = None;
    let mut metrics = crate::metrics::Recorder::default();
    metrics.observe(0, sim.model.sample());
    while sim.peek_time().is_some_and(|t| t <= end) {
        let now = sim.step_timestamp().expect("peeked");
        if !sim.changed() {
            continue;
        }
        let sample = sim.model.sample();
        metrics.observe(now, sample);
        let online = sample.online;
        match &mut split {
            None if online > 1 => split = Some((now, None, online)),
            Some((start, end @ None, _)) if online <= 1 => *end = Some(now - *start),
            _ => {}
        }
        if dns.is_none()
            && let Some(d) = sim.model.dns_broken()
        {
            dns = Some((now, d));
        }
    }
    if let Some((at_ms, duration_ms, count)) = split {
        let detail = match duration_ms {
            Some(d) => format!("{count} online/active from {} for {}", crate::engine::clock(at_ms), crate::engine::Ms(d)),
            None => format!("{count} online/active from {} until the end", crate::engine::clock(at_ms)),
        };
        violations.push(violation::<P>(cfg, Invariant::SplitBrain, at_ms, duration_ms, detail));
    }
    let writes = sim.model.ledger().summary();
    if writes.lost > 0 {
        let detail = writes.losses.iter().map(|(cause, ids)| format!("{} lost: {cause}", ids.len())).collect::<Vec<_>>().join("; ");
        violations.push(violation::<P>(cfg, Invariant::Loss, end, None, detail));
    }
    if let Some((at, d)) = dns {
        violations.push(violation::<P>(cfg, Invariant::Dns, at, None, d));
    }
    let problems = sim.model.health();
    if !problems.is_empty() {
        violations.push(violation::<P>(cfg, Invariant::Liveness, end, None, problems.join("; ")));
    }
    let trace_hash = trace.then(|| sim.trace().hash());
    let metrics = metrics.finish(end + 1, writes.lost, 0, Default::default());
    RunResult {
        violations,
        trace_hash,
        events: sim.events_handled(),
        downtime_ms: metrics.downtime_ms,
        split_brain_ms: metrics.split_brain_ms,
        switches: metrics.switches,
    }
}

fn violation<P: ChaosTarget>(cfg: &P::Config, invariant: Invariant, at_ms: Time, duration_ms: Option<Time>, detail: String) -> Violation {
    let documented = P::documented(cfg, invariant, &detail);
    Violation { invariant, at_ms, duration_ms, detail, documented }
}
