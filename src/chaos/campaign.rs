//! A campaign: one run per seed, in parallel, folded in seed order, so findings never depend on
//! `-j`. Seeds are processed in chunks, and a campaign keeps per-invariant counts and the first
//! findings only, so memory does not grow with the number of seeds.

use super::store;
use super::{Invariant, Schedule, Violation, run_schedule, shrink};
use crate::check::When;
use crate::engine::Tracing;
use crate::finding::Class;
use crate::products::{Registered, System, WithConfig};
use crate::runner::Setup;
use crate::scenario::{Expectation, NamedSystem, Scenario};
use crate::units::Ms;
use crate::world::WorldDecl;
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

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
    /// The seeds to run, one run each (before sharding).
    pub seeds: std::ops::Range<u64>,
    /// Only one shard of the seeds (see [`Shard`]), so that n jobs cover the campaign exactly.
    pub shard: Option<Shard>,
    /// Threads the runs are spread over (0 counts as 1); the summary does not depend on it.
    pub jobs: usize,
    /// Runs each seed twice with the trace hashed and records the seeds whose hashes differ.
    pub check_determinism: bool,
    /// Where shrunk repro files and the summary are written as the campaign goes (none: not
    /// written).
    pub out_dir: Option<PathBuf>,
    /// Whether to continue the campaign whose summary is in `out_dir` (FS-RESUME).
    pub start: Start,
    /// What the command line lends the campaign: progress, its clock, its stop flag.
    pub hooks: Hooks,
}

/// Shard `k` of `n` (1-based `k`): the seeds with `seed % n == k - 1`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Shard {
    /// Which shard this is, from 1.
    pub k: u64,
    /// How many shards the seeds are split into.
    pub n: u64,
}

impl Shard {
    /// Shard `k` of `n`, refused unless 1 <= k <= n.
    pub fn new(k: u64, n: u64) -> Result<Shard, String> {
        if n == 0 || k == 0 || k > n {
            return Err(format!("shard {k}/{n}: need 1 <= K <= N"));
        }
        Ok(Shard { k, n })
    }

    /// Whether this shard runs the seed.
    pub fn holds(self, seed: u64) -> bool {
        seed % self.n == self.k - 1
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

/// Whether a campaign starts afresh or continues the one whose summary is in its folder.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Start {
    /// A new campaign: the folder's summary, if any, is replaced.
    Fresh,
    /// Continue the folder's summary from its `done_until` seed; refused if the summary is of
    /// another campaign (see [`Identity`]).
    Resume,
}

/// What the command line lends a campaign. None of it reaches a run: the clock only fills the
/// summary's `timing`, and the stop flag is read between runs.
#[derive(Clone, Copy, Debug, Default)]
pub struct Hooks {
    /// Called after each chunk with (runs done, runs total, findings so far).
    pub progress: Option<fn(u64, u64, u64)>,
    /// Wall-clock milliseconds since the command started.
    pub wall_ms: Option<fn() -> u64>,
    /// Set (by SIGINT or SIGTERM) when the campaign should stop: it stops before the next run
    /// and keeps what it has folded.
    pub stop: Option<&'static AtomicBool>,
}

impl Hooks {
    fn stopped(&self) -> bool {
        self.stop.is_some_and(|s| s.load(Ordering::Relaxed))
    }
}

/// One failing seed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Finding {
    /// The seed that failed: `failsim chaos` with it replays the run.
    pub seed: u64,
    /// What broke in that run.
    pub violation: Violation,
    /// How many faults the run's schedule drew (before shrinking).
    pub faults: usize,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
/// What a campaign saw of one invariant.
pub struct InvariantStats {
    /// The runs that broke it.
    pub runs: u64,
    /// How many of those runs the documents explain (documented findings).
    pub documented: u64,
    /// The lowest failing seed that is not documented, else the lowest documented one.
    pub example: Option<Finding>,
    /// The example's schedule, shrunk: how many faults it kept.
    pub shrunk_faults: Option<usize>,
    /// The example's repro file, by its name in the campaign's folder.
    pub repro: Option<String>,
    /// How often each class of problem appeared (a problem kind or a loss mechanism, with its
    /// SPEC ID when documented), so that every finding can be explained class by class.
    #[serde(with = "class_counts")]
    #[schemars(with = "Vec<class_counts::Count>")]
    pub classes: BTreeMap<Class, u64>,
    /// The classes of the runs the documents do not explain (what a baseline may accept).
    #[serde(with = "class_counts")]
    #[schemars(with = "Vec<class_counts::Count>")]
    pub unexplained: BTreeMap<Class, u64>,
}

/// What a campaign is: two summaries of the same identity (but for the shard) merge, and a
/// campaign resumes only its own summary (FS-RESUME, FS-MERGE).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Identity {
    /// The campaign's target, as [`Campaign::target`].
    pub target: String,
    /// The campaign's seeds, all shards together.
    pub seeds: std::ops::Range<u64>,
    /// The shard this summary covers, if sharded (summaries of the other shards merge with it).
    pub shard: Option<Shard>,
    /// Whether each seed ran twice to check determinism.
    pub check_determinism: bool,
    /// FNV-1a 64 of the campaign's world and systems as a scenario file writes them: another
    /// configuration is another campaign.
    pub setup: String,
    /// The failsim version that ran it: another version may draw other schedules.
    pub failsim: String,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
/// What a campaign found, so far or in all: the file `summary.json` holds it, and resumed or
/// merged campaigns add up to the same summary as one run straight through.
pub struct Summary {
    /// Which campaign this is.
    pub campaign: Identity,
    /// Every seed of the campaign (or its shard) below this one has run; the campaign is
    /// complete when it is the end of its seeds.
    pub done_until: u64,
    /// Runs done.
    pub runs: u64,
    /// Events handled over all runs.
    pub events: u64,
    /// Per invariant (by its label), the runs that broke it and their classes.
    pub by_invariant: BTreeMap<String, InvariantStats>,
    /// The first findings in seed order (at most [`KEPT_FINDINGS`]).
    pub findings: Vec<Finding>,
    /// Seeds whose two runs gave different trace hashes (`--check-determinism`).
    pub nondeterministic: Vec<u64>,
    /// Availability over the campaign (definitions in `metrics`).
    pub downtime_ms_total: u64,
    /// The longest downtime of any one run.
    pub downtime_ms_max: u64,
    /// Split-brain time summed over every run.
    pub split_brain_ms_total: u64,
    /// Role switches summed over every run.
    pub switches_total: u64,
    /// Every documented rule of the target's systems, by SPEC ID, with the runs it fired in
    /// and its hits (FS-COVERAGE): a rule that never fired was not exercised.
    pub rules: BTreeMap<String, RuleStats>,
}

/// How often one rule fired over a campaign.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RuleStats {
    /// The runs it fired in.
    pub runs: u64,
    /// Times it fired, over every run.
    pub hits: u64,
}

impl Summary {
    /// The rules that never fired (FS-COVERAGE).
    pub fn unexercised(&self) -> Vec<&str> {
        self.rules.iter().filter(|(_, r)| r.hits == 0).map(|(id, _)| id.as_str()).collect()
    }

    /// Whether every seed of the campaign (or its shard) has run.
    pub fn complete(&self) -> bool {
        self.done_until == self.campaign.seeds.end
    }
}

/// The classes of an invariant as a list (`{"class": …, "runs": n}`): a JSON map's keys are
/// strings, and a class is typed.
mod class_counts {
    use crate::finding::Class;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    /// One class of finding and how many runs showed it.
    #[derive(Serialize, Deserialize, schemars::JsonSchema)]
    pub struct Count {
        class: Class,
        runs: u64,
    }

    pub fn serialize<S: Serializer>(map: &BTreeMap<Class, u64>, s: S) -> Result<S::Ok, S::Error> {
        let list: Vec<Count> = map.iter().map(|(class, runs)| Count { class: class.clone(), runs: *runs }).collect();
        list.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<BTreeMap<Class, u64>, D::Error> {
        Ok(Vec::<Count>::deserialize(d)?.into_iter().map(|c| (c.class, c.runs)).collect())
    }
}

/// How many findings a summary lists one by one; the rest only count in `by_invariant`.
pub const KEPT_FINDINGS: usize = 50;
const CHUNK: usize = 2048;

/// The most seeds one campaign runs (about two hours at the DataMiner rate on two threads); a
/// larger one is split into shards.
pub const MAX_SEEDS: u64 = 100_000_000;

impl Campaign {
    /// How many seeds this campaign (or its shard) runs, counted without listing them.
    pub fn seed_count(&self) -> u64 {
        count_below(self.shard, self.seeds.end) - count_below(self.shard, self.seeds.start)
    }

    /// What this campaign is (its summary's `campaign`).
    pub fn identity(&self) -> Result<Identity, String> {
        let text = crate::scenario::to_ron(&self.base())?;
        Ok(Identity {
            target: self.target.clone(),
            seeds: self.seeds.clone(),
            shard: self.shard,
            check_determinism: self.check_determinism,
            setup: format!("{:016x}", crate::engine::fnv1a64(text.as_bytes())),
            failsim: env!("CARGO_PKG_VERSION").to_string(),
        })
    }
}

/// How many seeds of a shard lie below `m`.
fn count_below(shard: Option<Shard>, m: u64) -> u64 {
    match shard {
        None => m,
        Some(Shard { k, n }) => m / n + u64::from(m % n > k - 1),
    }
}

/// Runs a campaign against the campaign's systems.
///
/// ```
/// use failsim::chaos::{Campaign, Hooks, Start, run_campaign};
///
/// let campaign = Campaign {
///     system: failsim::named_system("dataminer").expect("a chaos target"),
///     systems: Vec::new(),
///     world: None,
///     target: "dataminer".into(),
///     invoked_as: "dataminer".into(),
///     seeds: 0..4,
///     shard: None,
///     jobs: 1,
///     check_determinism: false,
///     out_dir: None,
///     start: Start::Fresh,
///     hooks: Hooks::default(),
/// };
/// let summary = run_campaign(&campaign)?;
/// assert_eq!(summary.runs, 4);
/// assert!(summary.complete(), "every seed ran");
/// // Each finding names its seed: `failsim chaos dataminer --seeds SEED..SEED+1` replays it.
/// assert_eq!(summary.findings_total(), 0, "the first seeds of the recommended setup break no invariant: {:?}", summary.findings);
/// # Ok::<(), String>(())
/// ```
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
            downtime_at_most: None,
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
    rules: Vec<(crate::finding::SpecId, u32)>,
}

/// The summary a campaign starts from, with the wall-clock time spent on it before: an empty
/// one (its folder checked and its first summary written before any seed runs), or the one in
/// its folder when it resumes.
fn starting_summary(c: &Campaign) -> Result<(Summary, u64), String> {
    let identity = c.identity()?;
    let fresh = Summary { done_until: c.seeds.start, campaign: identity, ..Summary::default() };
    let Some(dir) = &c.out_dir else {
        return match c.start {
            Start::Fresh => Ok((fresh, 0)),
            Start::Resume => Err("--resume needs the campaign's folder".into()),
        };
    };
    if c.start == Start::Resume && !dir.is_dir() {
        return Err(format!("--resume {}: no such folder, so no chaos summary to continue", dir.display()));
    }
    store::prepare(dir)?;
    match c.start {
        Start::Fresh => {
            store::save(dir, &fresh, c.hooks.wall_ms, 0)?;
            Ok((fresh, 0))
        }
        Start::Resume => store::resume(dir, &fresh.campaign),
    }
}

/// Runs a campaign against a world of systems of any product (`run_campaign` picks it). Each
/// chunk of seeds is folded in seed order; then each invariant's new example is shrunk and its
/// repro written, and the summary in the folder is brought up to date, so a campaign stopped at
/// any point (SIGKILL included) keeps what it found and resumes from there (FS-RESUME).
pub fn campaign_for<P: Registered>(c: &Campaign, setup: &Setup<'_, P>) -> Result<Summary, String> {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(c.jobs.max(1)).build().map_err(|e| e.to_string())?;
    let total = c.seed_count();
    if total > MAX_SEEDS {
        return Err(format!("{total} seeds: a campaign runs at most {MAX_SEEDS} (split it with --shard K/N)"));
    }
    let (mut summary, earlier_wall_ms) = starting_summary(c)?;
    let shard = c.shard;
    let mut seeds = (summary.done_until..c.seeds.end).filter(|s| shard.is_none_or(|sh| sh.holds(*s))).peekable();
    // Seeds are drawn a chunk at a time, so memory does not grow with the campaign.
    while !c.hooks.stopped() {
        let chunk: Vec<u64> = seeds.by_ref().take(CHUNK).collect();
        let Some(&last) = chunk.last() else {
            summary.done_until = c.seeds.end;
            break;
        };
        // A chunk cut short by a stop is dropped whole: the summary only ever covers a prefix.
        let tally = Tally { c, total, done: AtomicU64::new(summary.runs), findings: summary.findings_total() };
        let Some(results) = pool.install(|| run_chunk::<P>(c, setup, &chunk, &tally)) else {
            break;
        };
        let repros_before: BTreeMap<String, Option<String>> = summary.by_invariant.iter().map(|(k, s)| (k.clone(), s.repro.clone())).collect();
        for r in results {
            fold(&mut summary, r);
        }
        // The last chunk completes the campaign, whatever comes next (a stop, say).
        summary.done_until = if seeds.peek().is_none() { c.seeds.end } else { last + 1 };
        shrink_new_examples::<P>(c, setup, &mut summary, &repros_before)?;
        if let Some(dir) = &c.out_dir {
            store::save(dir, &summary, c.hooks.wall_ms, earlier_wall_ms)?;
        }
        if let Some(report) = c.hooks.progress {
            report(summary.runs, total, summary.findings_total());
        }
    }
    if summary.complete()
        && let Some(dir) = &c.out_dir
    {
        store::save(dir, &summary, c.hooks.wall_ms, earlier_wall_ms)?;
    }
    Ok(summary)
}

/// Runs one chunk of seeds in parallel, results in seed order; `None` when a stop came first.
fn run_chunk<P: Registered>(c: &Campaign, setup: &Setup<'_, P>, chunk: &[u64], tally: &Tally<'_>) -> Option<Vec<SeedResult>> {
    let alphabet = setup.letters();
    let profiles = setup.profiles();
    let nodes = setup.nodes();
    chunk
        .par_iter()
        .map(|&seed| {
            if c.hooks.stopped() {
                return None;
            }
            let schedule = Schedule::draw(seed, &alphabet, profiles.clone(), &nodes);
            // A determinism check compares two runs' trace hashes; neither keeps a record.
            let tracing = if c.check_determinism { Tracing::Hash } else { Tracing::Off };
            let r = run_schedule::<P>(setup, &schedule, seed, tracing);
            let nondeterministic = c.check_determinism && run_schedule::<P>(setup, &schedule, seed, Tracing::Hash).trace_hash != r.trace_hash;
            tally.ran();
            Some(SeedResult {
                seed,
                faults: schedule.faults.len(),
                events: r.events,
                downtime_ms: r.downtime_ms,
                split_brain_ms: r.split_brain_ms,
                switches: r.switches,
                violations: r.violations,
                nondeterministic,
                rules: r.rules,
            })
        })
        .collect()
}

/// Progress within a chunk, told run by run (from any worker thread); the findings are those
/// folded before the chunk.
struct Tally<'a> {
    c: &'a Campaign,
    total: u64,
    done: AtomicU64,
    findings: u64,
}

impl Tally<'_> {
    fn ran(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(report) = self.c.hooks.progress {
            report(done, self.total, self.findings);
        }
    }
}

/// Shrinks each example that is new since the last chunk and writes its repro file (replacing
/// the repro of the example it displaced). The shrunk schedule depends only on the example's
/// seed, so when this happens does not change the result.
fn shrink_new_examples<P: Registered>(
    c: &Campaign,
    setup: &Setup<'_, P>,
    summary: &mut Summary,
    repros_before: &BTreeMap<String, Option<String>>,
) -> Result<(), String> {
    for (label, stats) in summary.by_invariant.iter_mut() {
        let Some(finding) = stats.example.as_ref().filter(|_| stats.shrunk_faults.is_none()) else {
            continue;
        };
        let invariant = finding.violation.invariant;
        let original = Schedule::draw(finding.seed, &setup.letters(), setup.profiles(), &setup.nodes());
        let shrunk = shrink::<P>(setup, &original, finding.seed, invariant);
        stats.shrunk_faults = Some(shrunk.faults.len());
        let Some(dir) = &c.out_dir else {
            continue;
        };
        let name = format!("repro-{}-{}-seed{}.ron", c.target, invariant.slug(), finding.seed);
        let text = repro_file::<P>(c, setup, finding, &shrunk, invariant)?;
        crate::scenario::write_atomically(&dir.join(&name), &text)?;
        if let Some(Some(old)) = repros_before.get(label)
            && *old != name
        {
            // The displaced example's repro: a lower or undocumented seed replaced it.
            let _ = std::fs::remove_file(dir.join(old));
        }
        stats.repro = Some(name);
    }
    Ok(())
}

#[cfg(test)]
impl SeedResult {
    pub(super) fn for_test(seed: u64, violations: Vec<Violation>) -> Self {
        SeedResult { seed, faults: 0, events: 0, downtime_ms: 0, split_brain_ms: 0, switches: 0, violations, nondeterministic: false, rules: Vec::new() }
    }
}

impl Summary {
    /// The runs that broke some invariant, counted once per invariant broken.
    pub fn findings_total(&self) -> u64 {
        self.by_invariant.values().map(|s| s.runs).sum()
    }
}

pub(super) fn fold(summary: &mut Summary, r: SeedResult) {
    summary.runs += 1;
    summary.events += r.events;
    summary.downtime_ms_total += r.downtime_ms;
    summary.downtime_ms_max = summary.downtime_ms_max.max(r.downtime_ms);
    summary.split_brain_ms_total += r.split_brain_ms;
    summary.switches_total += u64::from(r.switches);
    if r.nondeterministic {
        summary.nondeterministic.push(r.seed);
    }
    fold_rules(&mut summary.rules, &r.rules);
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
            if v.documented.is_none() {
                *stats.unexplained.entry(class.clone()).or_default() += 1;
            }
        }
        let finding = Finding { seed: r.seed, violation: v, faults: r.faults };
        if summary.findings.len() < KEPT_FINDINGS {
            summary.findings.push(finding.clone());
        }
        // Keep the lowest seed per invariant, preferring an undocumented one.
        if better_example(&finding, stats.example.as_ref()) {
            stats.example = Some(finding);
            stats.shrunk_faults = None;
            stats.repro = None;
        }
    }
}

/// Adds one run's rule hits (several systems of one product add up; a run counts once).
fn fold_rules(rules: &mut BTreeMap<String, RuleStats>, fired: &[(crate::finding::SpecId, u32)]) {
    let mut seen: Vec<&str> = Vec::new();
    for &(id, hits) in fired {
        if !rules.contains_key(id) {
            rules.insert(id.to_string(), RuleStats::default());
        }
        let stats = rules.get_mut(id).expect("inserted above");
        stats.hits += u64::from(hits);
        if hits > 0 && !seen.contains(&id) {
            stats.runs += 1;
            seen.push(id);
        }
    }
}

/// Whether `new` replaces `old` as its invariant's example: the lowest seed, an undocumented
/// one before any documented one. Seeds come in order, so among equals the first stays.
pub(super) fn better_example(new: &Finding, old: Option<&Finding>) -> bool {
    match old {
        None => true,
        Some(old) => old.violation.documented.is_some() && new.violation.documented.is_none(),
    }
}

/// The shrunk schedule as an ordinary scenario: the seed, the world and its systems, the
/// minimal script, and an expectation that holds exactly when the invariant does (about the
/// system it broke in) — so `failsim run` replays the violation (exit 1), and once the
/// behaviour changes the file is a regression test.
fn repro_file<P: Registered>(c: &Campaign, setup: &Setup<'_, P>, finding: &Finding, shrunk: &Schedule, invariant: Invariant) -> Result<String, String> {
    let replay = super::run_schedule::<P>(setup, shrunk, finding.seed, Tracing::Off);
    let v = replay.violations.iter().find(|v| v.invariant == invariant).ok_or("the shrunk schedule no longer fails")?;
    let mut ids = vec!["FS-REPRO".to_string()];
    ids.extend(v.documented.clone());
    let when = match invariant {
        Invariant::SplitBrain | Invariant::Dns => When::During(0, shrunk.end_ms()),
        Invariant::Loss | Invariant::Liveness | Invariant::Assertion => When::At(shrunk.end_ms()),
    };
    let documented = match &v.documented {
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
