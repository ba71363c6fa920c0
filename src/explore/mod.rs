//! `failsim explore`: every combination of up to K faults from the system's fault alphabet, at
//! a coarse grid of instants, added to a scenario; the combinations that break a property, each
//! minimal (no subset breaks it), each with a scenario file that replays it.
//!
//! Equivalent combinations are not run twice: a combination that repeats a fault kind on the
//! same node is skipped (the second strike lands on an already-failed part), and a combination
//! that contains a breaking one is not minimal, so it is skipped too. The output counts the
//! combinations run and the distinct end states they reached (a fingerprint of the final
//! lanes and metrics), as stateright pins state counts.
//!
//! On any scenario it also answers the architect's first question (FS-RESILIENCE, see
//! [`resilience`]): which single failure of the world — each cable, NIC, host, switch and each
//! system's own faults — harms which system, and at depth 2 which pairs harm although neither
//! failure does alone.

pub mod resilience;
mod visited;

pub use resilience::{Harm, Resilience, Row};
pub use visited::MAX_STATES;

use crate::action::Target;
use crate::check::When;
use crate::engine::Time;
use crate::finding::Invariant;
use crate::metrics::Metrics;
use crate::products::{AnyLetter as Letter, ScheduledFault as Fault};
use crate::products::{Registered, WithConfig};
use crate::runner::Setup;
use crate::scenario::{Expectation, Scenario, Step};
use crate::units::Ms;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicU64, Ordering};

/// What must not happen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub enum Property {
    /// Downtime above this many milliseconds.
    DowntimeAbove(Time),
    /// More than one node online/active at once, for any time.
    SplitBrain,
    /// Any acknowledged write lost.
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
    /// As `--property` takes it.
    fn arg(self) -> String {
        match self {
            Property::DowntimeAbove(limit) => format!("downtime>{}", Ms(limit)),
            Property::SplitBrain => "split-brain".into(),
            Property::Loss => "loss".into(),
        }
    }

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
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Grid {
    /// The first fault instant.
    pub from_ms: Time,
    /// The time between fault instants.
    pub step_ms: Time,
    /// The last fault instant (inclusive).
    pub until_ms: Time,
    /// How long each fault lasts before it heals.
    pub duration_ms: Time,
}

/// The most combinations one exploration may run (counted before any is built): about three
/// minutes of a DataMiner pair on two threads, and the memory of their metrics stays in the
/// hundreds of megabytes. The resilience table runs at most as many again.
pub const MAX_COMBINATIONS: u64 = 1_000_000;

/// How many combinations of up to `depth` of `atoms` there are (`None`: more than `u64` holds).
fn combination_count(atoms: usize, depth: usize) -> Option<u64> {
    (1..=depth).try_fold(0u64, |total, k| {
        // C(n, k) = C(n, k-1) * (n - k + 1) / k, exact at every step.
        let c = (1..=k as u64).try_fold(1u64, |c, i| c.checked_mul((atoms as u64).checked_add(1)?.checked_sub(i)?).map(|c| c / i))?;
        total.checked_add(c)
    })
}

/// The most fault instants a grid may have (times the alphabet and the nodes, this is the number
/// of fault atoms; combinations of up to three grow with its cube).
pub const MAX_GRID_INSTANTS: u64 = 100;

impl Grid {
    /// How many instants the grid has (a checked grid: its step is above 0).
    fn instants(&self) -> u64 {
        (self.until_ms - self.from_ms) / self.step_ms + 1
    }

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
        let instants = self.instants();
        if instants > MAX_GRID_INSTANTS {
            return Err(format!("the grid has {instants} instants; at most {MAX_GRID_INSTANTS} (a larger --step or a shorter --from..--until)"));
        }
        Ok(())
    }
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
/// One combination of faults that breaks the property, minimal: no subset of it breaks it.
pub struct Found {
    /// Each fault, described as the scenario's script words it.
    pub faults: Vec<String>,
    /// How the property broke.
    pub detail: String,
    /// The scenario file that replays it.
    pub scenario: String,
}

/// An exploration as a JSON document (`failsim explore --format json`): the header and what it
/// ran and found.
#[derive(Serialize, schemars::JsonSchema)]
pub struct ExploreReport<'a> {
    #[serde(flatten)]
    header: crate::runner::JsonHeader,
    #[serde(flatten)]
    explore: &'a Exploration,
}

/// The exploration as a JSON document.
pub fn json(e: &Exploration) -> String {
    serde_json::to_string_pretty(&ExploreReport { header: crate::runner::JsonHeader::now(), explore: e }).expect("an exploration serializes")
}

/// The JSON Schema of [`json`]'s document.
pub fn json_schema() -> String {
    crate::runner::json_schema::<ExploreReport<'static>>()
}

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
/// What an exploration ran and found.
pub struct Exploration {
    /// The world's systems by name ("" for a scenario's one system).
    pub systems: Vec<String>,
    /// Single faults tried: every fault of the alphabet at every instant of the grid.
    pub atoms: usize,
    /// Combinations of up to the depth's faults actually run (those that repeat a fault kind
    /// on a node, or contain a breaking one, are skipped).
    pub combinations_run: u64,
    /// The distinct end states of the combinations run (their lanes and metrics).
    pub distinct_states: u64,
    /// The distinct states the runs passed through (the visited set: at each grid step after a
    /// run's first fault); `None`: more than [`visited::MAX_STATES`].
    pub distinct_states_explored: Option<u64>,
    /// The minimal breaking combinations.
    pub found: Vec<Found>,
    /// Which single failure (and, at depth 2, which pair) harms which system (FS-RESILIENCE).
    pub resilience: Resilience,
    /// The distinct end states' fingerprints, in order (what `distinct_states` counts): a
    /// test compares them between two ways of exploring.
    #[cfg(test)]
    #[serde(skip)]
    ends: Vec<u64>,
}

/// Explores `scenario`, read from `file` (its path as the command line names it: each found
/// file's "found by" command names it so, and runs as printed).
pub fn explore(scenario: &Scenario, file: &str, depth: usize, property: Property, grid: Grid, jobs: usize) -> Result<Exploration, String> {
    explore_with_progress(scenario, file, depth, property, grid, jobs, None)
}

/// Called as combinations finish with (combinations done or skipped, all combinations of up
/// to the depth, minimal combinations found so far).
pub type Progress = fn(u64, u64, u64);

/// [`explore`], telling `progress` how far it is.
pub fn explore_with_progress(
    scenario: &Scenario,
    file: &str,
    depth: usize,
    property: Property,
    grid: Grid,
    jobs: usize,
    progress: Option<Progress>,
) -> Result<Exploration, String> {
    explore_remembering(scenario, file, depth, property, grid, jobs, progress, visited::Visited::default(), Runs::Branched)
}

/// How the combinations of a level are run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Runs {
    /// As a tree: combinations that share their first faults share one run up to the next.
    Branched,
    /// Each from t = 0 with all its faults in its script: what a test compares the tree with.
    #[cfg(test)]
    Alone,
}

/// [`explore_with_progress`] with the visited set `visited`.
#[allow(clippy::too_many_arguments)]
fn explore_remembering(
    scenario: &Scenario,
    file: &str,
    depth: usize,
    property: Property,
    grid: Grid,
    jobs: usize,
    progress: Option<Progress>,
    visited: visited::Visited,
    runs: Runs,
) -> Result<Exploration, String> {
    if !(1..=3).contains(&depth) {
        return Err(format!("--depth {depth}: 1 to 3"));
    }
    grid.check(scenario.end.0)?;
    struct For<'a>(&'a Scenario, usize, Property, Grid, usize, String, Option<Progress>, visited::Visited, Runs);
    impl WithConfig for For<'_> {
        type Out = Result<Exploration, String>;
        fn call<P: Registered>(self, _: &P::Config) -> Self::Out {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(self.4.max(1)).build().map_err(|e| e.to_string())?;
            let setup = Setup::<P>::of(self.0);
            let ex = Explorer { setup: &setup, scenario: self.0, pool: &pool, found_by: self.5, progress: Tally::new(self.6), visited: self.7, runs: self.8 };
            ex.explore(self.1, self.2, self.3)
        }
    }
    let found_by = found_by(file, depth, property, grid);
    scenario.visit(For(scenario, depth, property, grid, jobs, found_by, progress, visited, runs))
}

/// The command that runs this exploration again, as a shell reads it.
fn found_by(file: &str, depth: usize, property: Property, grid: Grid) -> String {
    let word = crate::replay::shell_word;
    let [from, step, until, duration] = [grid.from_ms, grid.step_ms, grid.until_ms, grid.duration_ms].map(|t| word(&Ms(t).to_string()));
    format!(
        "failsim explore {} --depth {depth} --property {} --from {from} --step {step} --until {until} --duration {duration}",
        word(file),
        word(&property.arg())
    )
}

/// Every fault of the world's alphabet at every instant of the grid: a fault that names its
/// target (a part of the world, the one switch, the administrator's switch) once, a fault on a
/// node once for each node.
fn atoms(alphabet: &[Letter], nodes: &[Vec<String>], grid: Grid) -> Vec<Fault> {
    assert!(grid.step_ms > 0, "the grid was checked");
    let mut out = Vec::new();
    let mut at = grid.from_ms;
    while at <= grid.until_ms {
        for letter in alphabet {
            let fault = |node| Fault { system: letter.system, kind: letter.kind.clone(), node, at_ms: at, duration_ms: grid.duration_ms };
            out.extend(nodes_struck(letter, nodes).into_iter().map(fault));
        }
        at += grid.step_ms;
    }
    out
}

/// The nodes a letter's fault strikes, one atom each: none to choose for a fault that names its
/// target (`Main` stands in), else every node of its system.
fn nodes_struck(letter: &Letter, nodes: &[Vec<String>]) -> Vec<Target> {
    match letter.kind.node_independent() {
        true => vec![Target::Main],
        false => Fault::nodes_of(nodes.get(usize::from(letter.system)).map_or(&[][..], Vec::as_slice)),
    }
}

/// Index combinations of size `k` out of `n`, in lexicographic order, one at a time (nothing is
/// listed: memory does not grow with their number).
#[derive(Clone, Debug)]
struct Combinations {
    n: usize,
    next: Option<Vec<usize>>,
    /// Only those that start with the first one's first index (a share of the work).
    one_first: bool,
}

impl Combinations {
    /// Every combination of size `k` out of `n`.
    #[cfg(test)]
    fn new(n: usize, k: usize) -> Self {
        Combinations { n, next: (k <= n).then(|| (0..k).collect()), one_first: false }
    }

    /// The combinations of size `k` (at least 1) out of `n` whose first index is `first`.
    fn starting_with(n: usize, k: usize, first: usize) -> Self {
        assert!(k >= 1, "a combination that starts somewhere has an index");
        let fits = first.checked_add(k).is_some_and(|last| last <= n);
        Combinations { n, next: fits.then(|| (first..first + k).collect()), one_first: true }
    }

    /// Every combination of size `k` out of `n`, in order, split by first index so that rayon
    /// shares them out between threads.
    fn par(n: usize, k: usize) -> impl ParallelIterator<Item = Vec<usize>> {
        assert!(k >= 1, "the empty combination is run on its own");
        (0..n).into_par_iter().flat_map_iter(move |first| Combinations::starting_with(n, k, first))
    }
}

impl Iterator for Combinations {
    type Item = Vec<usize>;

    fn next(&mut self) -> Option<Vec<usize>> {
        let current = self.next.take()?;
        let (n, k) = (self.n, current.len());
        let last_to_move = (0..k).rev().find(|&i| current[i] != i + n - k).filter(|&i| !(self.one_first && i == 0));
        if let Some(i) = last_to_move {
            let mut next = current.clone();
            next[i] += 1;
            for j in i + 1..k {
                next[j] = next[j - 1] + 1;
            }
            self.next = Some(next);
        }
        Some(current)
    }
}

/// The scenario's script with the faults added (each step naming its system in a world of
/// several), in time order; steps after the end are dropped.
fn script_with(scenario: &Scenario, names: &[&str], faults: &[Fault]) -> Vec<Step> {
    let mut steps: Vec<(Time, usize, Step)> = scenario.script.iter().enumerate().map(|(i, s)| (s.at.0, i, s.clone())).collect();
    let base = steps.len();
    for (i, f) in faults.iter().enumerate() {
        steps.extend(fault_steps(names, f, Time::MAX).into_iter().map(|s| (s.at.0, base + i, s)));
    }
    steps.retain(|(t, _, _)| *t <= scenario.end.0);
    steps.sort_by_key(|(t, i, _)| (*t, *i));
    steps.into_iter().map(|(_, _, step)| step).collect()
}

/// A fault's steps in order, none after `end_ms`: its strike, then its heal `duration_ms`
/// later (each naming its system in a world of several).
fn fault_steps(names: &[&str], f: &Fault, end_ms: Time) -> Vec<Step> {
    let name = names[usize::from(f.system)];
    let step = |at: Time, action| Step { at: Ms(at), system: (!name.is_empty()).then(|| name.to_string()), action };
    let mut steps: Vec<Step> = f.strike().into_iter().map(|a| step(f.at_ms, a)).collect();
    steps.extend(f.heal().map(|heal| step(f.at_ms.saturating_add(f.duration_ms), heal)));
    steps.retain(|s| s.at.0 <= end_ms);
    steps
}

/// Where a run of `faults` looks its state up in the visited set, after its last fault struck
/// and within the end: one grid step after its own faults healed, where runs whose faults left
/// the same state merge soonest (a tenth of the states there are new at depth 3), and one grid
/// step after every fault of the grid has healed, where the runs that still differed then
/// merge (on `tests/explore/quiet.ron` at depth 3, 62,200 runs reach 9,237 states at the two).
/// The first saved 5 % of an exploration's instructions once a fingerprint cost 13,000
/// instructions (it cost more than it saved at 45,000). Looks at the grid's instants while a
/// fault stands merged few runs for their fingerprints; later looks found next to nothing (a
/// state that differs once the faults healed keeps differing).
fn checkpoints<'a>(grid: Grid, faults: impl IntoIterator<Item = &'a Fault>, end_ms: Time) -> Vec<Time> {
    let mut span: Option<(Time, Time)> = None;
    for f in faults {
        let (last_ms, healed_ms) = span.unwrap_or((f.at_ms, 0));
        span = Some((last_ms.max(f.at_ms), healed_ms.max(f.at_ms.saturating_add(f.duration_ms))));
    }
    let Some((last_ms, healed_ms)) = span else {
        return Vec::new();
    };
    let own = healed_ms.checked_add(grid.step_ms);
    let every = grid.until_ms.checked_add(grid.duration_ms).and_then(|t| t.checked_add(grid.step_ms));
    let mut at: Vec<Time> = [own, every].into_iter().flatten().filter(|t| *t > last_ms && *t <= end_ms).collect();
    at.sort_unstable();
    at.dedup();
    at
}

/// Whether a combination strikes one fault twice (the same kind on the same node of the same
/// system, at two instants): the second strike lands on an already-failed part.
fn repeats_a_fault(atoms: &[Fault], c: &[usize]) -> bool {
    let same = |a: &Fault, b: &Fault| (a.system, &a.kind, &a.node) == (b.system, &b.kind, &b.node);
    c.iter().enumerate().any(|(i, &x)| c[i + 1..].iter().any(|&y| same(&atoms[x], &atoms[y])))
}

/// Whether a combination holds a breaking one (then it is not minimal): each of its proper
/// subsets looked up (at most 6 at depth 3).
fn holds_one_of(c: &[usize], breaking: &BTreeSet<Vec<usize>>) -> bool {
    assert!(c.len() < 32, "a combination of at most three faults");
    let subsets = 1u32..(1 << c.len()) - 1;
    !breaking.is_empty() && subsets.into_iter().any(|bits| breaking.contains(&(0..c.len()).filter(|i| bits >> i & 1 == 1).map(|i| c[i]).collect::<Vec<_>>()))
}

/// What a level of the search (the combinations of one size) leaves: how many ran, the
/// distinct end states, and the breaking combinations with how each breaks the property.
#[derive(Default)]
struct Level {
    runs: u64,
    ends: BTreeSet<u64>,
    breaking: Vec<(Vec<usize>, String)>,
}

impl Level {
    fn merge(mut self, other: Level) -> Level {
        self.runs += other.runs;
        self.ends.extend(other.ends);
        self.breaking.extend(other.breaking);
        self
    }
}

/// One level of the search: combinations of `k` of the atoms, the breaking ones of the levels
/// below, and what is searched for on which grid.
struct Search<'a> {
    atoms: &'a [Fault],
    k: usize,
    breaking: &'a BTreeSet<Vec<usize>>,
    property: Property,
    grid: Grid,
}

/// How many combinations of `more` atoms more extend one whose last atom is `last`, of `n`
/// (1 when none is to be added).
fn extensions(n: usize, last: usize, more: usize) -> u64 {
    let after = n.saturating_sub(last + 1) as u64;
    (1..=more as u64).fold(1u64, |c, i| c.saturating_mul(after.saturating_sub(i - 1)) / i)
}

/// A search over one scenario's world: its systems, its script, the threads to run on.
struct Explorer<'a, P: Registered> {
    setup: &'a Setup<'a, P>,
    scenario: &'a Scenario,
    pool: &'a rayon::ThreadPool,
    /// The command that found what it finds.
    found_by: String,
    progress: Tally,
    /// The states runs reached, and how they went on from there.
    visited: visited::Visited,
    runs: Runs,
}

/// How far the search is, told to a progress callback (from any worker thread).
struct Tally {
    report: Option<Progress>,
    done: AtomicU64,
    total: AtomicU64,
    found: AtomicU64,
}

impl Tally {
    fn new(report: Option<Progress>) -> Tally {
        Tally { report, done: AtomicU64::new(0), total: AtomicU64::new(0), found: AtomicU64::new(0) }
    }

    fn add(&self, done: u64) {
        let now = self.done.fetch_add(done, Ordering::Relaxed) + done;
        if let Some(report) = self.report {
            report(now, self.total.load(Ordering::Relaxed), self.found.load(Ordering::Relaxed));
        }
    }
}

impl<P: Registered> Explorer<'_, P> {
    /// Runs `faults` (atoms by index) added to `scenario`'s script, checking the visited set
    /// at every grid step after the first fault strikes.
    fn run_with(&self, scenario: &Scenario, atoms: &[Fault], faults: &[usize], grid: Grid) -> Result<visited::Ran, String> {
        let faults: Vec<Fault> = faults.iter().map(|&i| atoms[i].clone()).collect();
        let checkpoints = checkpoints(grid, &faults, scenario.end.0);
        self.run(&script_with(scenario, &self.setup.names, &faults), &checkpoints)
    }

    fn explore(&self, depth: usize, property: Property, grid: Grid) -> Result<Exploration, String> {
        let letters = self.setup.letters();
        // Counted before a single atom is built: a world of thousands of parts on a long grid
        // is refused, not allocated.
        let nodes = self.setup.nodes();
        let per_instant: u64 = letters.iter().map(|l| nodes_struck(l, &nodes).len() as u64).sum();
        let atom_count = per_instant.saturating_mul(grid.instants());
        match usize::try_from(atom_count).ok().and_then(|n| combination_count(n, depth)) {
            Some(n) if n <= MAX_COMBINATIONS => {}
            n => {
                let n = n.map_or("more than 2^64".to_string(), |n| n.to_string());
                return Err(format!(
                    "{atom_count} fault atoms at depth {depth} make {n} combinations; at most {MAX_COMBINATIONS} (a larger --step, a shorter --from..--until or a smaller --depth)"
                ));
            }
        }
        let atoms = atoms(&letters, &nodes, grid);
        assert_eq!(atoms.len() as u64, atom_count, "the atoms were counted before they were built");
        self.progress.total.store(combination_count(atoms.len(), depth).unwrap_or(u64::MAX), Ordering::Relaxed);
        let mut breaking: BTreeSet<Vec<usize>> = BTreeSet::new();
        let mut level = Level::default();
        let mut found = Vec::new();
        for k in 1..=depth {
            let this = self.level(&atoms, k, &breaking, property, grid)?;
            let faults = |c: &Vec<usize>| c.iter().map(|&i| atoms[i].clone()).collect::<Vec<Fault>>();
            let files: Vec<Found> = self
                .pool
                .install(|| this.breaking.par_iter().map(|(c, detail)| self.found_for(&faults(c), detail.clone(), property)).collect::<Result<_, _>>())?;
            self.progress.found.fetch_add(files.len() as u64, Ordering::Relaxed);
            found.extend(files);
            breaking.extend(this.breaking.iter().map(|(c, _)| c.clone()));
            level = level.merge(Level { breaking: Vec::new(), ..this });
        }
        let distinct_states_explored = self.visited.count();
        let resilience = self.resilience(&atoms, depth.min(2), grid)?;
        let systems = self.setup.names.iter().map(|n| n.to_string()).collect();
        Ok(Exploration {
            systems,
            atoms: atoms.len(),
            combinations_run: level.runs,
            distinct_states: level.ends.len() as u64,
            distinct_states_explored,
            found,
            resilience,
            #[cfg(test)]
            ends: level.ends.into_iter().collect(),
        })
    }

    /// Runs every combination of `k` atoms that repeats no fault and holds no breaking one,
    /// in parallel by first atom, lazily: only the figures are kept (the end states'
    /// fingerprints, the breaking combinations in order). Combinations that share their
    /// first faults share the run up to the next one: it is simulated once and branched there
    /// (the atoms are in time order, so a combination's faults strike in its order).
    fn level(&self, atoms: &[Fault], k: usize, breaking: &BTreeSet<Vec<usize>>, property: Property, grid: Grid) -> Result<Level, String> {
        assert!(k >= 1, "the empty combination is the baseline, run on its own");
        assert!(atoms.windows(2).all(|w| w[0].at_ms <= w[1].at_ms), "atoms in time order");
        let search = Search { atoms, k, breaking, property, grid };
        match self.runs {
            Runs::Branched => {}
            #[cfg(test)]
            Runs::Alone => return self.level_alone(&search),
        }
        let script = script_with(self.scenario, &self.setup.names, &[]);
        // Each thread builds its own run of the script (a run is not shared between threads).
        let first = |first: usize| -> Result<Level, String> {
            let mut level = Level::default();
            self.grow(&search, &mut self.branch(&script), &mut vec![first], &mut level)?;
            Ok(level)
        };
        let mut level = self.pool.install(|| (0..atoms.len()).into_par_iter().map(first).try_reduce(Level::default, |a, b| Ok(a.merge(b))))?;
        level.breaking.sort();
        Ok(level)
    }

    /// [`Explorer::level`] with every combination run alone from t = 0 (the reference).
    #[cfg(test)]
    fn level_alone(&self, search: &Search<'_>) -> Result<Level, String> {
        let one = |mut level: Level, c: Vec<usize>| -> Result<Level, String> {
            if repeats_a_fault(search.atoms, &c) || holds_one_of(&c, search.breaking) {
                return Ok(level);
            }
            let ran = self.run_with(self.scenario, search.atoms, &c, search.grid)?;
            level.runs += 1;
            level.ends.insert(ran.fingerprint);
            if let Some(detail) = self.broken(search.property, &ran.metrics) {
                level.breaking.push((c, detail));
            }
            Ok(level)
        };
        let combinations = Combinations::par(search.atoms.len(), search.k);
        let mut level = self.pool.install(|| combinations.try_fold(Level::default, one).try_reduce(Level::default, |a, b| Ok(a.merge(b))))?;
        level.breaking.sort();
        Ok(level)
    }

    /// Runs the combinations of `search.k` atoms that begin with `chosen` (its last atom just
    /// added), from `parent`: the run of `chosen` without its last atom, standing at or before
    /// that atom's instant. Depth first, in order; a combination skipped (a repeated fault, a
    /// breaking subset) is skipped with all that extend it, and counted done.
    fn grow(&self, search: &Search<'_>, parent: &mut visited::Branch<P>, chosen: &mut Vec<usize>, level: &mut Level) -> Result<(), String> {
        let (atoms, k) = (search.atoms, search.k);
        let last = *chosen.last().expect("a combination grows from its first atom");
        assert!(chosen.len() <= k, "no combination above the level's size");
        let whole = chosen.len() == k;
        let skipped = repeats_a_fault(atoms, chosen) || holds_one_of(chosen, search.breaking) || (!whole && search.breaking.contains(chosen));
        if skipped {
            self.progress.add(extensions(atoms.len(), last, k - chosen.len()));
            return Ok(());
        }
        let fault = &atoms[last];
        parent.advance(fault.at_ms)?;
        let mut branch = parent.clone();
        branch.schedule(self.setup, &fault_steps(&self.setup.names, fault, self.scenario.end.0));
        if whole {
            let checkpoints = checkpoints(search.grid, chosen.iter().map(|&i| &atoms[i]), self.scenario.end.0);
            let ran = self.finish(branch, &checkpoints)?;
            self.progress.add(1);
            level.runs += 1;
            level.ends.insert(ran.fingerprint);
            if let Some(detail) = self.broken(search.property, &ran.metrics) {
                level.breaking.push((chosen.clone(), detail));
            }
            return Ok(());
        }
        for next in last + 1..atoms.len() {
            chosen.push(next);
            self.grow(search, &mut branch, chosen, level)?;
            chosen.pop();
        }
        Ok(())
    }

    /// Whether some system breaks the property, and how (each such system named in a world of
    /// several).
    fn broken(&self, property: Property, metrics: &[Metrics]) -> Option<String> {
        let each: Vec<String> = metrics
            .iter()
            .zip(&self.setup.names)
            .filter_map(|(m, name)| property.broken(m).map(|d| if name.is_empty() { d } else { format!("{name}: {d}") }))
            .collect();
        (!each.is_empty()).then(|| each.join("; "))
    }

    fn found_for(&self, faults: &[Fault], detail: String, property: Property) -> Result<Found, String> {
        let described: Vec<String> = faults.iter().map(|f| f.describe(&self.setup.names)).collect();
        let scenario = self.scenario;
        let mut expect = scenario.expect.clone();
        expect.extend(self.property_expectations(property));
        let downtime_at_most = match property {
            Property::DowntimeAbove(limit) => Some(Ms(limit)),
            Property::SplitBrain | Property::Loss => scenario.downtime_at_most,
        };
        let repro = Scenario {
            name: format!("explore: {}", described.join(" + ")),
            doc: format!("Found by `{}` from \"{}\": {}. Breaks the property: {detail}.", self.found_by, scenario.name, described.join("; ")),
            script: script_with(scenario, &self.setup.names, faults),
            expect,
            downtime_at_most,
            expect_trace: None,
            ..scenario.clone()
        };
        let (text, _) = crate::replay::pinned_text(std::path::Path::new("found.ron"), &crate::scenario::to_ron(&repro)?)?;
        Ok(Found { faults: described, detail, scenario: text })
    }
}

impl<P: Registered> Explorer<'_, P> {
    /// For each system, an expectation that fails exactly when the system breaks the property
    /// (the claim chaos checks the same invariant with), so a found file replays to exit 1 and,
    /// once the behaviour changes, is a regression test (FS-REPRO). Downtime is a metric, not
    /// a claim: a file found for it sets `downtime_at_most` instead.
    fn property_expectations(&self, property: Property) -> Vec<Expectation> {
        let (invariant, when) = match property {
            Property::SplitBrain => (Invariant::SplitBrain, When::During(0, self.scenario.end.0)),
            Property::Loss => (Invariant::Loss, When::At(self.scenario.end.0)),
            Property::DowntimeAbove(_) => return Vec::new(),
        };
        let systems = self.setup.names.iter().zip(&self.setup.cfgs);
        systems
            .map(|(name, cfg)| Expectation {
                ids: vec!["FS-REPRO".to_string()],
                when,
                system: (!name.is_empty()).then(|| name.to_string()),
                that: P::wrap_claim(P::claim_for(cfg, invariant)),
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::products::AnyFaultKind as FaultKind;

    #[test]
    fn a_fault_that_names_its_target_is_one_atom_an_instant_and_a_node_fault_two() {
        let cable = FaultKind::Part(crate::fault::Part::Cable("isl-1".into()));
        let grid = Grid { from_ms: 60_000, step_ms: 60_000, until_ms: 120_000, duration_ms: 30_000 };
        let letters: Vec<Letter> = [cable.clone(), FaultKind::Stop, FaultKind::SwitchFailure].into_iter().map(|kind| Letter { system: 0, kind }).collect();
        let found = atoms(&letters, &[], grid);
        let count = |k: &FaultKind| found.iter().filter(|f| &f.kind == k).count();
        assert_eq!(count(&cable), 2, "one a grid instant: the cable is named");
        assert_eq!(count(&FaultKind::SwitchFailure), 2, "the one switch needs no node either");
        assert_eq!(count(&FaultKind::Stop), 4, "a stop strikes Main or Backup at each instant");
    }

    fn combinations(n: usize, k: usize) -> Vec<Vec<usize>> {
        Combinations::new(n, k).collect()
    }

    #[test]
    fn the_threads_share_out_every_combination_in_order() {
        for (n, k) in [(0, 1), (1, 1), (4, 2), (10, 3), (3, 3), (2, 3)] {
            let by_first: Vec<Vec<usize>> = (0..n).flat_map(|first| Combinations::starting_with(n, k, first)).collect();
            assert_eq!(by_first, combinations(n, k), "{n} choose {k}: split by first index, in order");
            let shared: Vec<Vec<usize>> = Combinations::par(n, k).collect();
            assert_eq!(shared, combinations(n, k), "{n} choose {k}: rayon keeps the order");
        }
        assert_eq!(combinations(5, 0), vec![Vec::<usize>::new()], "one empty combination");
        assert_eq!(Combinations::starting_with(4, 3, 2).count(), 0, "no room after the first index");
    }

    #[test]
    fn a_combination_holding_a_breaking_one_or_repeating_a_fault_is_skipped() {
        let breaking: BTreeSet<Vec<usize>> = [vec![1, 4], vec![7]].into();
        assert!(holds_one_of(&[1, 2, 4], &breaking), "holds 1 + 4");
        assert!(holds_one_of(&[3, 7], &breaking), "holds 7");
        assert!(!holds_one_of(&[1, 2, 3], &breaking));
        assert!(!holds_one_of(&[1, 4], &breaking), "a combination is no proper subset of itself");
        let grid = Grid { from_ms: 60_000, step_ms: 60_000, until_ms: 120_000, duration_ms: 30_000 };
        let letters: Vec<Letter> = [FaultKind::Stop, FaultKind::SwitchFailure].into_iter().map(|kind| Letter { system: 0, kind }).collect();
        let found = atoms(&letters, &[], grid);
        let at = |kind: &FaultKind, at_ms: Time| found.iter().position(|f| &f.kind == kind && f.at_ms == at_ms).unwrap();
        let (switch_1m, switch_2m) = (at(&FaultKind::SwitchFailure, 60_000), at(&FaultKind::SwitchFailure, 120_000));
        assert!(repeats_a_fault(&found, &[switch_1m, switch_2m]), "the switch fails twice");
        assert!(!repeats_a_fault(&found, &[at(&FaultKind::Stop, 60_000), switch_2m]));
    }

    #[test]
    fn a_run_looks_its_state_up_once_its_faults_and_then_every_fault_have_healed() {
        let grid = Grid { from_ms: 60_000, step_ms: 60_000, until_ms: 240_000, duration_ms: 120_000 };
        let fault = |at_ms: Time| Fault { system: 0, kind: FaultKind::SwitchFailure, node: Target::Main, at_ms, duration_ms: 120_000 };
        let [at_1m, at_2m, at_4m] = [fault(60_000), fault(120_000), fault(240_000)];
        assert_eq!(checkpoints(grid, [&at_1m], 900_000), [240_000, 420_000], "a step after its heal (1m + 2m), and after the grid's (4m + 2m)");
        assert_eq!(checkpoints(grid, [&at_2m, &at_1m], 900_000), [300_000, 420_000], "its last heal, whatever the order");
        assert_eq!(checkpoints(grid, [&at_1m, &at_4m], 900_000), [420_000], "one look where the two are one instant");
        assert_eq!(checkpoints(grid, [&at_1m], 400_000), [240_000], "none after the end");
        assert_eq!(checkpoints(grid, [], 900_000), Vec::<Time>::new(), "no fault, no look");
        let late = Fault { duration_ms: 0, ..fault(420_000) };
        assert_eq!(checkpoints(grid, [&late], 900_000), [480_000], "none before its last fault strikes");
        let wide = Grid { from_ms: 0, step_ms: u64::MAX / 2, until_ms: 0, duration_ms: u64::MAX };
        let never = Fault { duration_ms: u64::MAX, ..fault(0) };
        assert_eq!(checkpoints(wide, [&never], u64::MAX), Vec::<Time>::new(), "no overflow: never healed");
    }

    #[test]
    fn combinations_are_counted_without_listing_them() {
        for (n, depth) in [(0, 1), (4, 2), (10, 3), (80, 2), (3, 3)] {
            let listed: usize = (1..=depth).map(|k| combinations(n, k).len()).sum();
            assert_eq!(combination_count(n, depth), Some(listed as u64), "{n} atoms, depth {depth}");
        }
        assert_eq!(combination_count(100_000, 3), Some(100_000 + 4_999_950_000 + 166_661_666_700_000));
        assert_eq!(combination_count(usize::MAX, 3), None, "too many to count is refused, not wrapped");
    }

    #[test]
    fn combinations_are_all_subsets_of_size_k_in_order() {
        assert_eq!(combinations(4, 2), vec![vec![0, 1], vec![0, 2], vec![0, 3], vec![1, 2], vec![1, 3], vec![2, 3]]);
        assert_eq!(combinations(3, 3), vec![vec![0, 1, 2]]);
        assert!(combinations(2, 3).is_empty());
        assert_eq!(combinations(10, 3).len(), 120);
    }

    /// Branching runs and remembering states are sound: an exploration whose combinations share
    /// their beginnings, and one that also takes remembered states' continuations, report
    /// exactly what one that runs every combination alone from t = 0 to its end reports, but
    /// the count of states remembered.
    #[test]
    fn branching_and_remembering_change_nothing_an_exploration_reports() {
        let path = std::path::Path::new("tests/explore/quiet.ron");
        let sc = crate::scenario::load(path).unwrap();
        let grid = Grid { from_ms: 60_000, step_ms: 60_000, until_ms: 180_000, duration_ms: 60_000 };
        let run = |visited, runs| explore_remembering(&sc, "q.ron", 2, Property::DowntimeAbove(60_000), grid, 2, None, visited, runs).unwrap();
        let alone = run(visited::Visited::forgetful(), Runs::Alone);
        let branched = run(visited::Visited::forgetful(), Runs::Branched);
        let remembering = run(visited::Visited::default(), Runs::Branched);
        assert_eq!(alone.distinct_states_explored, Some(0), "the forgetful set remembers nothing");
        assert!(remembering.distinct_states_explored.unwrap() < remembering.combinations_run, "runs merged");
        assert!(alone.found.len() > 1 && alone.distinct_states > 10, "a reference worth comparing with: {:?}", (alone.found.len(), alone.distinct_states));
        let report = |e: &Exploration| serde_json::to_string_pretty(&Exploration { distinct_states_explored: None, ..e.clone() }).unwrap();
        for (how, e) in [("branched", &branched), ("branched and remembering", &remembering)] {
            assert_eq!(e.ends, alone.ends, "{how}: each end state (lanes and metrics) as a run alone reaches it");
            assert_eq!(report(e), report(&alone), "{how}");
        }
    }

    /// Progress counts every combination once, run or skipped with the subtree it heads (a
    /// breaking single fault skips every pair that holds it).
    #[test]
    fn progress_counts_every_combination_once_run_or_skipped() {
        static DONE: AtomicU64 = AtomicU64::new(0);
        static TOTAL: AtomicU64 = AtomicU64::new(0);
        fn tell(done: u64, total: u64, _found: u64) {
            DONE.fetch_max(done, Ordering::Relaxed);
            TOTAL.store(total, Ordering::Relaxed);
        }
        let sc = crate::scenario::load(std::path::Path::new("tests/explore/quiet.ron")).unwrap();
        let grid = Grid { from_ms: 60_000, step_ms: 60_000, until_ms: 120_000, duration_ms: 60_000 };
        let e = explore_with_progress(&sc, "q.ron", 2, Property::DowntimeAbove(60_000), grid, 2, Some(tell)).unwrap();
        let total = combination_count(e.atoms, 2).unwrap();
        assert_eq!(TOTAL.load(Ordering::Relaxed), total, "every combination of up to two atoms");
        assert_eq!(DONE.load(Ordering::Relaxed), total, "each counted once, none twice");
        assert!(e.combinations_run < total - e.atoms as u64, "pairs were skipped: {} run", e.combinations_run);
    }

    #[test]
    fn the_combinations_that_extend_one_are_counted() {
        for (n, k) in [(10, 3), (5, 2), (7, 1), (4, 4)] {
            let by_first: u64 = (0..n).map(|first| extensions(n, first, k - 1)).sum();
            assert_eq!(by_first, combinations(n, k).len() as u64, "{n} choose {k}, by first atom");
        }
        assert_eq!(extensions(10, 3, 2), 15, "6 atoms after the 4th: 6 choose 2");
        assert_eq!(extensions(10, 9, 1), 0, "none after the last");
        assert_eq!(extensions(10, 9, 0), 1, "the combination itself");
    }

    #[test]
    fn properties_parse() {
        assert_eq!("downtime>10m".parse::<Property>(), Ok(Property::DowntimeAbove(600_000)));
        assert_eq!("split-brain".parse::<Property>(), Ok(Property::SplitBrain));
        assert!("nonsense".parse::<Property>().is_err());
    }

    #[test]
    fn the_found_by_command_gives_back_every_argument() {
        for p in [Property::DowntimeAbove(450_500), Property::SplitBrain, Property::Loss] {
            assert_eq!(p.arg().parse::<Property>(), Ok(p), "{}", p.arg());
        }
        let grid = Grid { from_ms: 60_000, step_ms: 30_000, until_ms: 240_000, duration_ms: 90_500 };
        let want = "failsim explore 'my dir/q.ron' --depth 2 --property 'downtime>7m' --from 1m --step 30s --until 4m --duration 1m30s500ms";
        assert_eq!(found_by("my dir/q.ron", 2, Property::DowntimeAbove(420_000), grid), want);
    }
}
