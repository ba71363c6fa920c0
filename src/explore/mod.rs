//! `failsim explore`: every combination of up to K faults from the system's fault alphabet, at
//! a coarse grid of instants, added to a scenario; the combinations that break a property, each
//! minimal (no subset breaks it), each with a scenario file that replays it.
//!
//! Equivalent combinations are not run twice: a combination that repeats a fault kind on the
//! same node is skipped (the second strike lands on an already-failed part), and a combination
//! that contains a breaking one is not minimal, so it is skipped too. The output counts the
//! combinations run and the distinct end states they reached (a fingerprint of the final
//! lanes and metrics), as stateright pins state counts.

use crate::action::NodeId;
use crate::engine::{Time, fnv1a64};
use crate::fault::{Fault, FaultKind};
use crate::metrics::{Metrics, Recorder};
use crate::products::{Product, Registered, WithConfig};
use crate::runner::{drive, prepare};
use crate::scenario::{Scenario, Step};
use crate::units::Ms;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeSet;

/// What must not happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum Property {
    /// Downtime above this many milliseconds.
    DowntimeAbove(Time),
    SplitBrain,
    Loss,
}

impl std::str::FromStr for Property {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "split-brain" => Ok(Property::SplitBrain),
            "loss" => Ok(Property::Loss),
            _ => match s.strip_prefix("downtime>") {
                Some(d) => Ok(Property::DowntimeAbove(d.parse::<Ms>()?.0)),
                None => Err(format!("unknown property `{s}`: split-brain, loss, or downtime>DURATION (e.g. downtime>10m)")),
            },
        }
    }
}

impl Property {
    fn broken(self, m: &Metrics) -> Option<String> {
        match self {
            Property::DowntimeAbove(limit) if m.downtime_ms > limit => Some(format!("downtime {} > {}", Ms(m.downtime_ms), Ms(limit))),
            Property::SplitBrain if m.split_brain_ms > 0 => Some(format!("split brain for {}", Ms(m.split_brain_ms))),
            Property::Loss if m.writes_lost > 0 => Some(format!("{} write(s) lost", m.writes_lost)),
            _ => None,
        }
    }
}

/// The grid: fault instants from `from` every `step` up to `until`, each fault healed after
/// `duration`.
#[derive(Clone, Copy, Debug, Serialize)]
pub struct Grid {
    pub from_ms: Time,
    pub step_ms: Time,
    pub until_ms: Time,
    pub duration_ms: Time,
}

/// The most fault instants a grid may have (times the alphabet and the nodes, this is the number
/// of fault atoms; combinations of up to three grow with its cube).
pub const MAX_GRID_INSTANTS: u64 = 100;

impl Grid {
    /// A grid that makes sense for a scenario ending at `end_ms`: a step above 0, instants inside
    /// the run, and at most [`MAX_GRID_INSTANTS`] of them.
    fn check(&self, end_ms: Time) -> Result<(), String> {
        if self.step_ms == 0 {
            return Err("--step must be above 0".into());
        }
        if self.from_ms > self.until_ms {
            return Err(format!("--from {} is after --until {}", Ms(self.from_ms), Ms(self.until_ms)));
        }
        if self.until_ms > end_ms {
            return Err(format!("--until {} is after the scenario's end ({})", Ms(self.until_ms), Ms(end_ms)));
        }
        let instants = (self.until_ms - self.from_ms) / self.step_ms + 1;
        if instants > MAX_GRID_INSTANTS {
            return Err(format!("the grid has {instants} instants; at most {MAX_GRID_INSTANTS} (a larger --step or a shorter --from..--until)"));
        }
        Ok(())
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Found {
    pub faults: Vec<String>,
    pub detail: String,
    /// The scenario file that replays it.
    pub scenario: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct Exploration {
    pub atoms: usize,
    pub combinations_run: u64,
    pub distinct_states: u64,
    pub found: Vec<Found>,
}

pub fn explore(scenario: &Scenario, depth: usize, property: Property, grid: Grid, jobs: usize) -> Result<Exploration, String> {
    if !(1..=3).contains(&depth) {
        return Err(format!("--depth {depth}: 1 to 3"));
    }
    grid.check(scenario.end.0)?;
    struct For<'a>(&'a Scenario, usize, Property, Grid, usize);
    impl WithConfig for For<'_> {
        type Out = Result<Exploration, String>;
        fn call<P: Registered>(self, cfg: &P::Config) -> Self::Out {
            explore_for::<P>(cfg, self.0, self.1, self.2, self.3, self.4)
        }
    }
    scenario.system.visit(For(scenario, depth, property, grid, jobs))
}

fn atoms(alphabet: &[FaultKind], grid: Grid) -> Vec<Fault> {
    assert!(grid.step_ms > 0, "the grid was checked");
    let mut out = Vec::new();
    let mut at = grid.from_ms;
    while at <= grid.until_ms {
        for kind in alphabet {
            let nodes: &[NodeId] = if kind.node_independent() { &[NodeId::Main] } else { &NodeId::BOTH };
            out.extend(nodes.iter().map(|&node| Fault { kind: kind.clone(), node, at_ms: at, duration_ms: grid.duration_ms }));
        }
        at += grid.step_ms;
    }
    out
}

/// Index combinations of size `k` out of `n`, in lexicographic order.
fn combinations(n: usize, k: usize) -> Vec<Vec<usize>> {
    let mut out = Vec::new();
    let mut idx: Vec<usize> = (0..k).collect();
    if k > n {
        return out;
    }
    loop {
        out.push(idx.clone());
        let Some(i) = (0..k).rev().find(|&i| idx[i] != i + n - k) else { return out };
        idx[i] += 1;
        for j in i + 1..k {
            idx[j] = idx[j - 1] + 1;
        }
    }
}

fn script_with(scenario: &Scenario, faults: &[Fault]) -> Vec<Step> {
    let mut steps: Vec<(Time, usize, crate::action::Action)> = scenario.script.iter().enumerate().map(|(i, s)| (s.at.0, i, s.action.clone())).collect();
    let base = steps.len();
    for (i, f) in faults.iter().enumerate() {
        steps.extend(f.strike().into_iter().map(|a| (f.at_ms, base + i, a)));
        if let Some(heal) = f.heal() {
            steps.push((f.at_ms + f.duration_ms, base + i, heal));
        }
    }
    steps.retain(|(t, _, _)| *t <= scenario.end.0);
    steps.sort_by_key(|(t, i, _)| (*t, *i));
    steps.into_iter().map(|(at, _, action)| Step { at: Ms(at), system: None, action }).collect()
}

/// Runs a script without a trace, folding only the metrics, and fingerprints the end state.
fn run_metrics<P: Product>(cfg: &P::Config, world: Option<&crate::world::WorldDecl>, script: &[Step], seed: u64, end: Time) -> Result<(Metrics, u64), String> {
    let mut sim = prepare::<P>(&crate::runner::Setup::one(cfg, world), script, seed, false);
    let mut rec = Recorder::default();
    drive(&mut sim, end, |sim, span| {
        if span.changed {
            rec.observe(span.from_ms, sim.model.sample(0));
        }
    })
    .map_err(|e| e.to_string())?;
    let ledger = sim.model.system().ledger();
    let m = rec.finish(end + 1, ledger.summary().lost, ledger.max_replication_lag_ms(end), Default::default());
    let fingerprint = fnv1a64(format!("{:?}{:?}", sim.model.lanes(0), m).as_bytes());
    Ok((m, fingerprint))
}

fn explore_for<P: Product>(cfg: &P::Config, scenario: &Scenario, depth: usize, property: Property, grid: Grid, jobs: usize) -> Result<Exploration, String> {
    let atoms = atoms(&crate::fault::alphabet_in(P::alphabet(cfg), scenario.world.as_ref()), grid);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs.max(1)).build().map_err(|e| e.to_string())?;
    let mut breaking: Vec<Vec<usize>> = Vec::new();
    let mut states = BTreeSet::new();
    let mut runs = 0u64;
    let mut found = Vec::new();
    for k in 1..=depth {
        let candidates: Vec<Vec<usize>> = combinations(atoms.len(), k)
            .into_iter()
            .filter(|c| {
                let kinds: BTreeSet<(String, NodeId)> = c.iter().map(|&i| (format!("{:?}", atoms[i].kind), atoms[i].node)).collect();
                kinds.len() == k && !breaking.iter().any(|b| b.iter().all(|x| c.contains(x)))
            })
            .collect();
        let results: Vec<(Metrics, u64)> = pool.install(|| {
            candidates
                .par_iter()
                .map(|c| {
                    let faults: Vec<Fault> = c.iter().map(|&i| atoms[i].clone()).collect();
                    run_metrics::<P>(cfg, scenario.world.as_ref(), &script_with(scenario, &faults), scenario.seed, scenario.end.0)
                })
                .collect::<Result<_, _>>()
        })?;
        runs += candidates.len() as u64;
        for (c, (m, fp)) in candidates.into_iter().zip(results) {
            states.insert(fp);
            if let Some(detail) = property.broken(&m) {
                let faults: Vec<Fault> = c.iter().map(|&i| atoms[i].clone()).collect();
                found.push(found_for(scenario, &faults, detail)?);
                breaking.push(c);
            }
        }
    }
    Ok(Exploration { atoms: atoms.len(), combinations_run: runs, distinct_states: states.len() as u64, found })
}

fn found_for(scenario: &Scenario, faults: &[Fault], detail: String) -> Result<Found, String> {
    let described: Vec<String> = faults
        .iter()
        .map(|f| {
            let on = if f.kind.node_independent() { String::new() } else { format!(" on {:?}", f.node) };
            format!("{}{on} at {} for {}", f.kind.label(), Ms(f.at_ms), Ms(f.duration_ms))
        })
        .collect();
    let repro = Scenario {
        name: format!("explore: {}", described.join(" + ")),
        doc: format!("Found by `failsim explore` from \"{}\": {}. Breaks the property: {detail}.", scenario.name, described.join("; ")),
        script: script_with(scenario, faults),
        ..scenario.clone()
    };
    Ok(Found { faults: described, detail, scenario: crate::scenario::to_ron(&repro)? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fault_that_names_its_target_is_one_atom_an_instant_and_a_node_fault_two() {
        let cable = FaultKind::Part(crate::fault::Part::Cable("isl-1".into()));
        let grid = Grid { from_ms: 60_000, step_ms: 60_000, until_ms: 120_000, duration_ms: 30_000 };
        let found = atoms(&[cable.clone(), FaultKind::Stop, FaultKind::SwitchFailure], grid);
        let count = |k: &FaultKind| found.iter().filter(|f| &f.kind == k).count();
        assert_eq!(count(&cable), 2, "one a grid instant: the cable is named");
        assert_eq!(count(&FaultKind::SwitchFailure), 2, "the one switch needs no node either");
        assert_eq!(count(&FaultKind::Stop), 4, "a stop strikes Main or Backup at each instant");
    }

    #[test]
    fn combinations_are_all_subsets_of_size_k_in_order() {
        assert_eq!(combinations(4, 2), vec![vec![0, 1], vec![0, 2], vec![0, 3], vec![1, 2], vec![1, 3], vec![2, 3]]);
        assert_eq!(combinations(3, 3), vec![vec![0, 1, 2]]);
        assert!(combinations(2, 3).is_empty());
        assert_eq!(combinations(10, 3).len(), 120);
    }

    #[test]
    fn properties_parse() {
        assert_eq!("downtime>10m".parse::<Property>(), Ok(Property::DowntimeAbove(600_000)));
        assert_eq!("split-brain".parse::<Property>(), Ok(Property::SplitBrain));
        assert!("nonsense".parse::<Property>().is_err());
    }
}
