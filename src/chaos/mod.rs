//! The chaos harness: randomized fault campaigns over a system, invariants checked while faults
//! strike (safety) and after healing (liveness), failing schedules shrunk to a minimal scenario
//! file that replays the violation exactly (FS-REPRO).
//!
//! A run: the seed draws a schedule (swarm testing), the schedule becomes a script of workload
//! writes, fault strikes and heals; every fault is healed when the fault phase ends; the system
//! then gets quiet time. Results depend on the seed only: never on `-j`, never on the machine.

pub mod baseline;
pub mod campaign;
pub mod merge;
mod schedule;
pub mod shard;
mod shrink;
pub mod store;
#[cfg(test)]
mod tests;

pub use crate::fault::Profile;
pub use crate::finding::{Class, ClassKind, Invariant, ProblemKind};
pub use crate::products::{AnyFaultKind as FaultKind, AnyLetter as Letter, ScheduledFault as Fault};
pub use baseline::{Baseline, Verdict};
pub use campaign::{Campaign, Finding, Hooks, Identity, InvariantStats, RuleStats, Shard, Start, Summary, campaign_for, run_campaign};
pub use schedule::Schedule;
pub use shrink::shrink;
pub use store::{SummaryFile, Timing};

use crate::engine::{Sim, Time, Tracing};
use crate::finding::SpecId;
use crate::products::{Product, Registered};
use crate::runner::{Harness, Setup, drive, prepare};
use serde::{Deserialize, Serialize};

/// One broken invariant in a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Violation {
    /// The invariant broken.
    pub invariant: Invariant,
    /// The system it broke in, by name, in a world of several ("" for a scenario's one system).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub system: String,
    /// When it was first seen.
    pub at_ms: Time,
    /// How long it lasted (split brain), if it ended.
    pub duration_ms: Option<Time>,
    /// The classes of what broke (a problem kind, a loss mechanism), typed at the source.
    pub classes: Vec<Class>,
    /// What was seen, for a person (names the nodes and times involved).
    pub detail: String,
    /// The SPEC ID of the document that describes it as the product's behaviour.
    pub documented: Option<String>,
}

/// The outcome of one run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunResult {
    /// The invariants the run broke (empty: it passed every check).
    pub violations: Vec<Violation>,
    /// The trace hash (only when the run kept a trace).
    pub trace_hash: Option<u64>,
    /// Events the run handled.
    pub events: u64,
    /// Availability metrics of the run, every system's together (see `metrics`).
    pub downtime_ms: Time,
    /// Time with more than one node online/active (every system's together).
    pub split_brain_ms: Time,
    /// Role switches.
    pub switches: u32,
    /// Each documented rule of the systems with how often it fired (FS-COVERAGE).
    pub rules: Vec<(SpecId, u32)>,
}

impl RunResult {
    /// Whether the run broke `invariant`.
    pub fn violates(&self, invariant: Invariant) -> bool {
        self.violations.iter().any(|v| v.invariant == invariant)
    }
}

/// Runs one schedule against a world of systems and checks every system's invariants. A model
/// assertion that fails is a finding like any other, not a crash of the campaign. (The CLI
/// keeps the panic message of such an assertion quiet; the library leaves the process's panic
/// hook alone.)
pub fn run_schedule<P: Registered>(setup: &Setup<'_, P>, schedule: &Schedule, seed: u64, tracing: Tracing) -> RunResult {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| run_checked::<P>(setup, schedule, seed, tracing))) {
        Ok(r) => r,
        Err(payload) => {
            let msg = payload.downcast_ref::<String>().cloned().or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default();
            RunResult { violations: vec![assertion(msg)], trace_hash: None, events: 0, downtime_ms: 0, split_brain_ms: 0, switches: 0, rules: Vec::new() }
        }
    }
}

fn assertion(detail: String) -> Violation {
    Violation {
        invariant: Invariant::Assertion,
        system: String::new(),
        at_ms: 0,
        duration_ms: None,
        classes: vec![Class::new(ClassKind::Assertion, None)],
        detail,
        documented: None,
    }
}

/// A split brain as it is seen: since when, until when, how many, and the document (if any)
/// that the product says describes it, asked when it began.
struct Split {
    at_ms: Time,
    duration_ms: Option<Time>,
    count: usize,
    documented: Option<SpecId>,
}

/// What one system's safety checks saw while the run went on.
#[derive(Default)]
struct Watch {
    metrics: crate::metrics::Recorder,
    split: Option<Split>,
    dns: Option<(Time, String)>,
}

impl Watch {
    fn observe<P: Product>(&mut self, harness: &Harness<P>, system: usize, now: Time) {
        let sample = harness.sample(system);
        self.metrics.observe(now, sample);
        let online = sample.online;
        match &mut self.split {
            None if online > 1 => {
                let documented = harness.systems[system].split_brain_documented();
                self.split = Some(Split { at_ms: now, duration_ms: None, count: online, documented });
            }
            Some(Split { at_ms, duration_ms: d @ None, .. }) if online <= 1 => *d = Some(now - *at_ms),
            _ => {}
        }
        if self.dns.is_none()
            && let Some(d) = harness.dns_broken(system)
        {
            self.dns = Some((now, d));
        }
    }
}

fn run_checked<P: Registered>(setup: &Setup<'_, P>, schedule: &Schedule, seed: u64, tracing: Tracing) -> RunResult {
    let end = schedule.end_ms();
    let mut sim: Sim<Harness<P>> = prepare::<P>(setup, &schedule.script(), seed, tracing);
    let mut watches: Vec<Watch> = setup.cfgs.iter().map(|_| Watch::default()).collect();
    let driven = drive(&mut sim, end, |sim, span| {
        if span.changed {
            watches.iter_mut().enumerate().for_each(|(i, w)| w.observe(&sim.model, i, span.from_ms));
        }
    });
    let mut violations = Vec::new();
    if let Err(overrun) = driven {
        violations.push(Violation { at_ms: overrun.at_ms, ..assertion(overrun.to_string()) });
    }
    let mut each = Vec::new();
    let rules = sim.model.systems.iter().flat_map(|s| s.rules_fired()).collect();
    for (i, watch) in watches.into_iter().enumerate() {
        let writes = sim.model.systems[i].ledger().summary();
        let problems = sim.model.health(i);
        let found = system_violations(watch.split, watch.dns, &writes, &problems, end);
        violations.extend(found.into_iter().map(|v| named(v, setup.names[i])));
        each.push(watch.metrics.finish(end, writes.lost, 0, Default::default()));
    }
    let metrics = crate::metrics::Metrics::total(&each);
    RunResult {
        violations,
        trace_hash: (tracing != Tracing::Off).then(|| sim.trace().hash()),
        events: sim.events_handled(),
        downtime_ms: metrics.downtime_ms,
        split_brain_ms: metrics.split_brain_ms,
        switches: metrics.switches,
        rules,
    }
}

/// A violation of the system named `name` (in a world of several, its detail says which).
fn named(v: Violation, name: &str) -> Violation {
    match name.is_empty() {
        true => v,
        false => Violation { system: name.to_string(), detail: format!("{name}: {}", v.detail), ..v },
    }
}

/// One system's violations: its split brain, its lost writes, its DNS promise, its health.
fn system_violations(
    split: Option<Split>,
    dns: Option<(Time, String)>,
    writes: &crate::ledger::Summary,
    problems: &[crate::finding::Problem],
    end: Time,
) -> Vec<Violation> {
    let mut violations = Vec::new();
    if let Some(s) = split {
        let detail = match s.duration_ms {
            Some(d) => format!("{} online/active from {} for {}", s.count, crate::engine::clock(s.at_ms), crate::units::Ms(d)),
            None => format!("{} online/active from {} until the end", s.count, crate::engine::clock(s.at_ms)),
        };
        let nodes = u32::try_from(s.count).unwrap_or(u32::MAX);
        // The class names the count only (the violation carries the document), as summaries
        // have always shown it.
        let classes = vec![Class::new(ClassKind::Online(nodes), None)];
        violations.push(Violation {
            invariant: Invariant::SplitBrain,
            system: String::new(),
            at_ms: s.at_ms,
            duration_ms: s.duration_ms,
            classes,
            detail,
            documented: s.documented.map(str::to_string),
        });
    }
    if writes.lost > 0 {
        violations.push(loss_violation(writes, end));
    }
    if let Some((at_ms, detail)) = dns {
        let classes = vec![Class::new(ClassKind::TwoNames, None)];
        violations.push(Violation { invariant: Invariant::Dns, system: String::new(), at_ms, duration_ms: None, classes, detail, documented: None });
    }
    if !problems.is_empty() {
        violations.push(liveness_violation(problems, end));
    }
    violations
}

/// Lost writes are documented only when every loss has a documented cause.
fn loss_violation(writes: &crate::ledger::Summary, end: Time) -> Violation {
    let detail = writes.losses.iter().map(|(cause, ids)| format!("{} lost: {}", ids.len(), cause.detail)).collect::<Vec<_>>().join("; ");
    let classes = writes.losses.iter().map(|(cause, _)| Class::new(ClassKind::Lost(cause.mechanism.to_string()), cause.documented)).collect();
    let all_documented = writes.losses.iter().all(|(cause, _)| cause.documented.is_some());
    let documented = if all_documented { writes.losses.first().and_then(|(cause, _)| cause.documented).map(str::to_string) } else { None };
    Violation { invariant: Invariant::Loss, system: String::new(), at_ms: end, duration_ms: None, classes, detail, documented }
}

/// Not healthy after healing: documented when a problem carries the document that describes the
/// state it leaves the system in (the root cause; the others follow from it).
fn liveness_violation(problems: &[crate::finding::Problem], end: Time) -> Violation {
    let detail = problems.iter().map(|p| p.detail.as_str()).collect::<Vec<_>>().join("; ");
    let classes = problems.iter().map(|p| Class::new(ClassKind::Problem(p.kind), p.documented)).collect();
    let documented = problems.iter().find_map(|p| p.documented).map(str::to_string);
    Violation { invariant: Invariant::Liveness, system: String::new(), at_ms: end, duration_ms: None, classes, detail, documented }
}
