//! Runs a scenario: builds the system, schedules the script, steps the engine to the end time,
//! and tracks every expectation over the spans of constant state. This is the glue between
//! scenarios, checks and products: products know nothing of it.

mod products;

pub use products::Product;

use crate::check::{Failure, Tracker};
use crate::engine::{Sim, Time};
use crate::ops::View;
use crate::scenario::{Scenario, Step, System};
use serde::Serialize;

#[derive(Clone, Debug, Serialize)]
pub struct ExpectationResult {
    pub ids: Vec<String>,
    pub when: String,
    pub claim: String,
    pub failure: Option<Failure>,
}

/// One trace record as text, and whether the text timeline shows it.
#[derive(Clone, Debug, Serialize)]
pub struct TraceLine {
    pub at_ms: Time,
    pub text: String,
    #[serde(skip)]
    pub shown: bool,
}

/// Everything a run produced.
#[derive(Clone, Debug, Serialize)]
pub struct Outcome {
    pub name: String,
    pub system: &'static str,
    pub seed: u64,
    pub end_ms: Time,
    pub initial: View,
    /// The full trace (the JSON report writes it as `trace`).
    #[serde(skip)]
    pub timeline: Vec<TraceLine>,
    pub revised: View,
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

/// Builds the simulation of a product with its script scheduled, at t = 0.
pub fn prepare<P: Product>(cfg: &P::Config, script: &[Step], seed: u64, trace: bool) -> Sim<P> {
    let mut sim = Sim::build(trace, |cx| P::build(cfg, seed, cx));
    for step in script {
        sim.schedule_at(step.at.0, P::action(step.action.clone()));
    }
    sim
}

/// Runs a scenario with `seed` (its own seed when `None`).
pub fn run(scenario: &Scenario, seed: Option<u64>) -> Outcome {
    let seed = seed.unwrap_or(scenario.seed);
    match &scenario.system {
        System::DataMiner(cfg) => run_product::<crate::dataminer::DataMiner>(cfg, scenario, seed),
        System::MrsManager(cfg) => run_product::<crate::activestandby::ActiveStandby>(&cfg.profile(), scenario, seed),
        System::FlinkServer(cfg) => run_product::<crate::activestandby::ActiveStandby>(&cfg.profile(), scenario, seed),
        System::CheckPoint(cfg) => run_product::<crate::checkpoint::CheckPoint>(cfg, scenario, seed),
    }
}

fn run_product<P: Product>(cfg: &P::Config, scenario: &Scenario, seed: u64) -> Outcome {
    let end = scenario.end.0;
    let mut sim = prepare::<P>(cfg, &scenario.script, seed, true);
    let initial = sim.model.view(0);
    let mut trackers: Vec<Tracker> = scenario.expect.iter().map(|e| Tracker::new(e.when)).collect();
    let mut from = 0;
    loop {
        let next = sim.peek_time().filter(|t| *t <= end);
        let to = next.unwrap_or(end + 1);
        if to > from {
            for (tracker, e) in trackers.iter_mut().zip(&scenario.expect) {
                tracker.observe(from, to, || sim.model.eval(&e.that, from));
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
        revised: sim.model.view(end),
        initial,
        trace_hash: sim.trace().hash(),
        timeline: sim.trace().records().iter().map(|(t, r)| TraceLine { at_ms: *t, text: r.to_string(), shown: P::shown(r) }).collect(),
        expectations,
        events: sim.events_handled(),
    }
}
