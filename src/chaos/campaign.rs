//! A campaign: one run per seed, in parallel, folded in seed order, so findings never depend on
//! `-j`. Seeds are processed in chunks, and a campaign keeps per-invariant counts and the first
//! findings only, so memory does not grow with the number of seeds.

use super::{Invariant, Schedule, Violation, run_schedule, shrink};
use crate::check::When;
use crate::products::{Registered, System, WithConfig};
use crate::runner::Setup;
use crate::scenario::{Expectation, NamedSystem, Scenario};
use crate::units::Ms;
use crate::world::WorldDecl;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What to run: one system, or every system of a world (as a scenario holds them).
#[derive(Clone, Debug)]
pub struct Campaign {
    /// The first (or only) system.
    pub system: System,
    /// Every system with its name, in a world of several (the first is `system`); empty for
    /// one system. Each one's own faults are in the alphabet and each one's invariants checked.
    pub systems: Vec<NamedSystem>,
    /// The declared world the systems live in (its parts are faults too); `None`: the
    /// system's built-in layout.
    pub world: Option<WorldDecl>,
    /// A name for the target in reports and repro files.
    pub target: String,
    /// The target as the command line named it (a scenario file's path, or a system's name):
    /// a repro's "found by" command names it so, and runs as printed.
    pub invoked_as: String,
    pub seeds: std::ops::Range<u64>,
    /// `(k, n)`: only the seeds with `seed % n == k - 1` (1-based `k`), so that n jobs cover
    /// the campaign exactly.
    pub shard: Option<(u64, u64)>,
    pub jobs: usize,
    pub check_determinism: bool,
    /// Where shrunk repro files are written (none: not written).
    pub out_dir: Option<PathBuf>,
    /// Called after each chunk with (runs done, runs total, findings so far).
    pub progress: Option<fn(u64, u64, u64)>,
}

/// One failing seed.
#[derive(Clone, Debug, Serialize)]
pub struct Finding {
    pub seed: u64,
    pub violation: Violation,
    pub faults: usize,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct InvariantStats {
    pub runs: u64,
    /// How many of those runs the documents explain (documented findings).
    pub documented: u64,
    /// The lowest failing seed that is not documented, else the lowest documented one.
    pub example: Option<Finding>,
    /// The example's schedule, shrunk: how many faults it kept.
    pub shrunk_faults: Option<usize>,
    pub repro: Option<String>,
    /// How often each class of problem appeared (a problem kind or a loss mechanism, with its
    /// SPEC ID when documented), so that every finding can be explained class by class.
    pub classes: BTreeMap<String, u64>,
}

#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub target: String,
    pub runs: u64,
    pub events: u64,
    pub by_invariant: BTreeMap<String, InvariantStats>,
    /// The first findings in seed order (at most [`KEPT_FINDINGS`]).
    pub findings: Vec<Finding>,
    /// Seeds whose two runs gave different trace hashes (`--check-determinism`).
    pub nondeterministic: Vec<u64>,
    /// Availability over the campaign (definitions in `metrics`).
    pub downtime_ms_total: u64,
    pub downtime_ms_max: u64,
    pub split_brain_ms_total: u64,
    pub switches_total: u64,
}

impl Summary {
    /// Whether any finding is not explained by the documents (or a run was nondeterministic).
    pub fn has_undocumented(&self) -> bool {
        !self.nondeterministic.is_empty() || self.by_invariant.values().any(|s| s.runs > s.documented)
    }
}

pub const KEPT_FINDINGS: usize = 50;
const CHUNK: usize = 2048;

/// The most seeds one campaign runs (about two hours at the DataMiner rate on two threads); a
/// larger one is split into shards.
pub const MAX_SEEDS: u64 = 100_000_000;

impl Campaign {
    /// How many seeds this campaign (or its shard) runs, counted without listing them.
    pub fn seed_count(&self) -> u64 {
        let below = |m: u64| match self.shard {
            None => m,
            Some((k, n)) => m / n + u64::from(m % n > k - 1),
        };
        below(self.seeds.end) - below(self.seeds.start)
    }
}

/// Runs a campaign against the campaign's systems.
pub fn run_campaign(c: &Campaign) -> Result<Summary, String> {
    struct For<'a>(&'a Campaign, &'a Scenario);
    impl WithConfig for For<'_> {
        type Out = Result<Summary, String>;
        fn call<P: Registered>(self, _: &P::Config) -> Self::Out {
            campaign_for::<P>(self.0, &Setup::of(self.1))
        }
    }
    let base = c.base();
    base.visit(For(c, &base))
}

impl Campaign {
    /// The campaign's world and systems as a scenario with no script (what a repro file
    /// starts from, and how the systems' product is dispatched).
    pub(super) fn base(&self) -> Scenario {
        Scenario {
            name: self.target.clone(),
            doc: String::new(),
            seed: 0,
            world: self.world.clone(),
            system: self.system.clone(),
            systems: self.systems.clone(),
            script: Vec::new(),
            end: Ms(0),
            expect: Vec::new(),
            expect_trace: None,
        }
    }
}

pub(super) struct SeedResult {
    seed: u64,
    faults: usize,
    events: u64,
    downtime_ms: u64,
    split_brain_ms: u64,
    switches: u32,
    violations: Vec<Violation>,
    nondeterministic: bool,
}

/// Runs a campaign against a world of systems of any product (`run_campaign` picks it).
pub fn campaign_for<P: Registered>(c: &Campaign, setup: &Setup<'_, P>) -> Result<Summary, String> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(c.jobs.max(1)).build().map_err(|e| e.to_string())?;
    let alphabet = setup.letters();
    let profiles = setup.profiles();
    let nodes = setup.nodes();
    let total = c.seed_count();
    if total > MAX_SEEDS {
        return Err(format!("{total} seeds: a campaign runs at most {MAX_SEEDS} (split it with --shard K/N)"));
    }
    let mut seeds = c.seeds.clone().filter(|s| c.shard.is_none_or(|(k, n)| s % n == k - 1));
    let mut summary = Summary { target: c.target.clone(), ..Summary::default() };
    let mut lowest: BTreeMap<Invariant, (Finding, bool)> = BTreeMap::new();
    // Seeds are drawn a chunk at a time, so memory does not grow with the campaign.
    loop {
        let chunk: Vec<u64> = seeds.by_ref().take(CHUNK).collect();
        if chunk.is_empty() {
            break;
        }
        let results: Vec<SeedResult> = pool.install(|| {
            chunk
                .par_iter()
                .map(|&seed| {
                    let schedule = Schedule::draw(seed, &alphabet, profiles.clone(), &nodes);
                    let r = run_schedule::<P>(setup, &schedule, seed, c.check_determinism);
                    let nondeterministic = c.check_determinism && run_schedule::<P>(setup, &schedule, seed, true).trace_hash != r.trace_hash;
                    SeedResult {
                        seed,
                        faults: schedule.faults.len(),
                        events: r.events,
                        downtime_ms: r.downtime_ms,
                        split_brain_ms: r.split_brain_ms,
                        switches: r.switches,
                        violations: r.violations,
                        nondeterministic,
                    }
                })
                .collect()
        });
        for r in results {
            fold(&mut summary, &mut lowest, r);
        }
        if let Some(report) = c.progress {
            report(summary.runs, total, summary.findings_total());
        }
    }
    for (invariant, (finding, _)) in lowest {
        let stats = summary.by_invariant.get_mut(invariant.label()).expect("counted");
        let original = Schedule::draw(finding.seed, &alphabet, profiles.clone(), &nodes);
        let shrunk = shrink::<P>(setup, &original, finding.seed, invariant);
        stats.shrunk_faults = Some(shrunk.faults.len());
        if let Some(dir) = &c.out_dir {
            let path = dir.join(format!("repro-{}-{}-seed{}.ron", c.target, invariant.slug(), finding.seed));
            let text = repro_file::<P>(c, setup, &finding, &shrunk, invariant)?;
            crate::scenario::write_atomically(&path, &text)?;
            stats.repro = Some(path.display().to_string());
        }
        stats.example = Some(finding);
    }
    Ok(summary)
}

#[cfg(test)]
impl SeedResult {
    pub(super) fn for_test(seed: u64, violations: Vec<Violation>) -> Self {
        SeedResult { seed, faults: 0, events: 0, downtime_ms: 0, split_brain_ms: 0, switches: 0, violations, nondeterministic: false }
    }
}

impl Summary {
    fn findings_total(&self) -> u64 {
        self.by_invariant.values().map(|s| s.runs).sum()
    }
}

pub(super) fn fold(summary: &mut Summary, lowest: &mut BTreeMap<Invariant, (Finding, bool)>, r: SeedResult) {
    summary.runs += 1;
    summary.events += r.events;
    summary.downtime_ms_total += r.downtime_ms;
    summary.downtime_ms_max = summary.downtime_ms_max.max(r.downtime_ms);
    summary.split_brain_ms_total += r.split_brain_ms;
    summary.switches_total += u64::from(r.switches);
    if r.nondeterministic {
        summary.nondeterministic.push(r.seed);
    }
    // A run counts once for each invariant it broke (in a world of several systems, several
    // may break it): documented when the documents explain every system's violation.
    let mut broken: BTreeMap<Invariant, bool> = BTreeMap::new();
    for v in &r.violations {
        *broken.entry(v.invariant).or_insert(true) &= v.documented.is_some();
    }
    for (invariant, documented) in broken {
        let stats = summary.by_invariant.entry(invariant.label().to_string()).or_default();
        stats.runs += 1;
        stats.documented += u64::from(documented);
    }
    for v in r.violations {
        let stats = summary.by_invariant.get_mut(v.invariant.label()).expect("counted above");
        for class in &v.classes {
            *stats.classes.entry(class.clone()).or_default() += 1;
        }
        let finding = Finding { seed: r.seed, violation: v.clone(), faults: r.faults };
        if summary.findings.len() < KEPT_FINDINGS {
            summary.findings.push(finding.clone());
        }
        // Keep the lowest seed per invariant, preferring an undocumented one.
        let undocumented = v.documented.is_none();
        match lowest.get(&v.invariant) {
            Some((_, true)) => {}
            Some((_, false)) if !undocumented => {}
            _ => {
                lowest.insert(v.invariant, (finding, undocumented));
            }
        }
    }
}

/// The shrunk schedule as an ordinary scenario: the seed, the world and its systems, the
/// minimal script, and an expectation that holds exactly when the invariant does (about the
/// system it broke in) — so `failsim run` replays the violation (exit 1), and once the
/// behaviour changes the file is a regression test.
fn repro_file<P: Registered>(c: &Campaign, setup: &Setup<'_, P>, finding: &Finding, shrunk: &Schedule, invariant: Invariant) -> Result<String, String> {
    let replay = super::run_schedule::<P>(setup, shrunk, finding.seed, false);
    let v = replay.violations.iter().find(|v| v.invariant == invariant).ok_or("the shrunk schedule no longer fails")?;
    let mut ids = vec!["FS-REPRO".to_string()];
    ids.extend(v.documented.map(str::to_string));
    let when = match invariant {
        Invariant::SplitBrain | Invariant::Dns => When::During(0, shrunk.end_ms()),
        Invariant::Loss | Invariant::Liveness | Invariant::Assertion => When::At(shrunk.end_ms()),
    };
    let documented = match v.documented {
        Some(id) => format!("The documents describe this behaviour ({id}): a documented finding, not a bug."),
        None => "No document describes this behaviour: an undocumented finding.".to_string(),
    };
    let faults: Vec<String> = shrunk.faults.iter().map(|f| f.describe(&setup.names)).collect();
    // The system the violation is about (an assertion names none: the first).
    let index = setup.names.iter().position(|n| *n == v.system).unwrap_or(0);
    let system = (!v.system.is_empty()).then(|| v.system.clone());
    let claim = P::wrap_claim(P::claim_for(setup.cfgs[index], invariant));
    let scenario = Scenario {
        name: format!("chaos repro: {} ({}, seed {})", invariant.label(), c.target, finding.seed),
        doc: format!(
            "Found by `failsim chaos {} --seeds {}..{}` and shrunk from {} to {} fault(s): {}. Violation: {} (first seen at {}). {documented}",
            crate::replay::shell_word(&c.invoked_as),
            finding.seed,
            finding.seed + 1,
            finding.faults,
            shrunk.faults.len(),
            faults.join("; "),
            v.detail,
            crate::engine::clock(v.at_ms)
        ),
        seed: finding.seed,
        script: shrunk.script(),
        end: Ms(shrunk.end_ms()),
        expect: vec![Expectation { ids, when, system, that: claim }],
        ..c.base()
    };
    let text = crate::scenario::to_ron(&scenario)?;
    match invariant {
        // The run stops at the assertion: there is no whole trace to pin.
        Invariant::Assertion => Ok(text),
        _ => crate::replay::pinned_text(std::path::Path::new("repro.ron"), &text).map(|(pinned, _)| pinned),
    }
}
