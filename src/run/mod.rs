//! Runs a scenario: builds the system, schedules the script, steps the engine to the end time,
//! and tracks every expectation over the spans of constant state.

use crate::check::{Failure, Tracker};
use crate::dataminer::{DataMiner, Event, Rec, Snapshot};
use crate::engine::{Sim, Time};
use crate::scenario::{Scenario, System};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct ExpectationResult {
    pub ids: Vec<String>,
    pub when: String,
    pub claim: String,
    pub failure: Option<Failure>,
}

/// Everything a run produced.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    pub name: String,
    pub system: &'static str,
    pub seed: u64,
    pub end_ms: Time,
    pub initial: Snapshot,
    /// The full trace (the JSON report writes it as text lines).
    #[serde(skip)]
    pub timeline: Vec<(Time, Rec)>,
    pub revised: Snapshot,
    pub expectations: Vec<ExpectationResult>,
    /// FNV-1a 64 of the trace (the JSON report writes it as 16 hex digits).
    #[serde(skip)]
    pub trace_hash: u64,
    pub events: u64,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.expectations.iter().all(|e| e.failure.is_none())
    }
}

/// Builds the simulation of a scenario with its script scheduled, at t = 0.
pub fn prepare(scenario: &Scenario, seed: u64, trace: bool) -> Sim<DataMiner> {
    let System::DataMiner(cfg) = &scenario.system;
    let mut sim = Sim::build(trace, |cx| DataMiner::new(cfg.clone(), seed, cx));
    for step in &scenario.script {
        sim.schedule_at(step.at.0, Event::Command(step.action.clone()));
    }
    sim
}

/// Runs a scenario with `seed` (its own seed when `None`).
pub fn run(scenario: &Scenario, seed: Option<u64>) -> Outcome {
    let seed = seed.unwrap_or(scenario.seed);
    let end = scenario.end.0;
    let mut sim = prepare(scenario, seed, true);
    let initial = sim.model.snapshot(0);
    let mut trackers: Vec<Tracker> = scenario.expect.iter().map(|e| Tracker::new(e.when)).collect();
    let mut from = 0;
    loop {
        let next = sim.peek_time().filter(|t| *t <= end);
        let to = next.unwrap_or(end + 1);
        if to > from {
            for (tracker, e) in trackers.iter_mut().zip(&scenario.expect) {
                tracker.observe(from, to, || e.that.eval(&sim.model));
            }
        }
        if next.is_none() {
            break;
        }
        sim.step_timestamp();
        from = sim.now();
    }
    let expectations = trackers
        .into_iter()
        .zip(&scenario.expect)
        .map(|(t, e)| ExpectationResult { ids: e.ids.clone(), when: e.when.to_string(), claim: format!("{:?}", e.that), failure: t.finish().err() })
        .collect();
    Outcome {
        name: scenario.name.clone(),
        system: scenario.system.label(),
        seed,
        end_ms: end,
        revised: sim.model.snapshot(end),
        initial,
        trace_hash: sim.trace().hash(),
        timeline: sim.trace().records().to_vec(),
        expectations,
        events: sim.events_handled(),
    }
}
