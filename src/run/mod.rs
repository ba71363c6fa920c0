//! Runs a scenario: builds the system, schedules the script, steps the engine to the end time,
//! and tracks every expectation over the spans of constant state. This is the glue between
//! scenarios, checks and products: products know nothing of it.

mod products;

pub use products::Product;

use crate::check::{Failure, Tracker};
use crate::engine::{Sim, Time};
use crate::metrics::{Metrics, Recorder};
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

/// One lane of the timeline (a node, a cable, a link) as intervals of constant state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Lane {
    pub name: String,
    /// `(from_ms, to_ms, state)`, contiguous, covering the run.
    pub segments: Vec<(Time, Time, String)>,
}

/// Builds lanes from samples of every lane's state at the start of each span.
#[derive(Default)]
struct LaneRecorder {
    lanes: Vec<Lane>,
}

impl LaneRecorder {
    fn observe(&mut self, at_ms: Time, states: Vec<(String, String)>) {
        for (i, (name, state)) in states.into_iter().enumerate() {
            if i == self.lanes.len() {
                self.lanes.push(Lane { name: name.clone(), segments: Vec::new() });
            }
            let lane = &mut self.lanes[i];
            match lane.segments.last_mut() {
                Some((_, to, s)) if *s == state => *to = at_ms,
                Some((_, to, _)) => {
                    *to = at_ms;
                    lane.segments.push((at_ms, at_ms, state));
                }
                None => lane.segments.push((at_ms, at_ms, state)),
            }
        }
    }

    fn finish(mut self, end_ms: Time) -> Vec<Lane> {
        for lane in &mut self.lanes {
            if let Some((_, to, _)) = lane.segments.last_mut() {
                *to = end_ms;
            }
        }
        self.lanes
    }
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
    pub metrics: Metrics,
    /// The timeline's lanes (for the SVG/HTML report).
    pub lanes: Vec<Lane>,
    /// The script's actions, with their times (markers on the timeline).
    pub script: Vec<(Time, String)>,
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
    let mut metrics = Recorder::default();
    let mut lanes = LaneRecorder::default();
    let mut verdicts: Vec<Option<crate::check::Verdict>> = vec![None; scenario.expect.len()];
    loop {
        let next = sim.peek_time().filter(|t| *t <= end);
        let to = next.unwrap_or(end + 1);
        if to > from {
            // State only changes at instants that changed something: look again only then.
            if sim.changed() {
                verdicts.iter_mut().for_each(|v| *v = None);
                metrics.observe(from, sim.model.sample());
                lanes.observe(from, sim.model.lanes());
            }
            for ((tracker, e), verdict) in trackers.iter_mut().zip(&scenario.expect).zip(&mut verdicts) {
                tracker.observe(from, to, || verdict.get_or_insert_with(|| sim.model.eval(&e.that, from)).clone());
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
    let revised = sim.model.view(end);
    let mut alarms = std::collections::BTreeMap::new();
    for (_, console) in &revised.consoles {
        for a in console {
            *alarms.entry(a.severity.label().to_string()).or_insert(0) += 1;
        }
    }
    let ledger = sim.model.ledger();
    let metrics = metrics.finish(end + 1, ledger.summary().lost, ledger.max_replication_lag_ms(end), alarms);
    Outcome {
        name: scenario.name.clone(),
        metrics,
        lanes: lanes.finish(end),
        script: scenario.script.iter().map(|st| (st.at.0, st.action.describe())).collect(),
        system: scenario.system.label(),
        seed,
        end_ms: end,
        revised,
        initial,
        trace_hash: sim.trace().hash(),
        timeline: sim.trace().records().iter().map(|(t, r)| TraceLine { at_ms: *t, text: r.to_string(), shown: P::shown(r) }).collect(),
        expectations,
        events: sim.events_handled(),
    }
}

/// The cable graph of a scenario's system at `at_ms` (the script run up to then): for
/// `failsim graph`.
pub fn topology_at(scenario: &Scenario, at_ms: Time) -> crate::net::Topology {
    fn at<P: Product>(cfg: &P::Config, scenario: &Scenario, at_ms: Time) -> crate::net::Topology {
        let mut sim = prepare::<P>(cfg, &scenario.script, scenario.seed, false);
        sim.run_until(at_ms);
        sim.model.topology().clone()
    }
    match &scenario.system {
        System::DataMiner(cfg) => at::<crate::dataminer::DataMiner>(cfg, scenario, at_ms),
        System::MrsManager(cfg) => at::<crate::activestandby::ActiveStandby>(&cfg.profile(), scenario, at_ms),
        System::FlinkServer(cfg) => at::<crate::activestandby::ActiveStandby>(&cfg.profile(), scenario, at_ms),
        System::CheckPoint(cfg) => at::<crate::checkpoint::CheckPoint>(cfg, scenario, at_ms),
    }
}
