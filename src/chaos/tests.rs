//! The chaos harness's own guarantees: shrinking keeps the failure and never grows, shards
//! cover the campaign exactly, `-j` changes nothing, the determinism check catches a model that
//! is not deterministic, and a repro file replays its violation.

use super::{Campaign, FaultKind, Invariant, Profile, Schedule, Summary, campaign_for, run_campaign};
use crate::action::{Action, Do, Target};
use crate::check::Verdict;
use crate::engine::{Time, Tracing};
use crate::fault::OwnFault;
use crate::finding::{Problem, SpecId};
use crate::ledger::Summary as Writes;
use crate::ops::View;
use crate::products::dataminer::{self, Config, DataMiner};
use crate::products::{AnyClaim, ChaosProfile, Cx, Model, Observation, Registered, System, Vocabulary};
use crate::runner::Setup;
use crate::world::World;
use std::sync::atomic::{AtomicU64, Ordering};

/// The pair without inverted heartbeats (DM-SPLIT), and without the DM-DEADEND assumption that
/// ends two online DMAs once they hear each other: the split brains stay, for the tests that
/// shrink and replay them.
fn no_inverted() -> System {
    let heartbeats: Vec<dataminer::Heartbeat> = Config::default_heartbeats().into_iter().filter(|h| !h.is_inverted()).collect();
    let cfg = with(&Config::default(), "heartbeats", heartbeats);
    System::DataMiner(with(&cfg, "dead_end", serde_json::json!({ "two_online": dataminer::TwoOnline::BothStay })))
}

/// `cfg` with one field set. A product's configuration fields are private to its folder, so
/// this goes through the configuration's JSON form, as `--set` does.
fn with(cfg: &Config, field: &str, value: impl serde::Serialize) -> Config {
    let mut json = serde_json::to_value(cfg).expect("a configuration serializes");
    let same: Config = serde_json::from_value(json.clone()).expect("a configuration reads back");
    assert_eq!(&same, cfg, "the JSON form of a configuration is lossless");
    json[field] = serde_json::to_value(value).expect("the value serializes");
    serde_json::from_value(json).expect("the configuration with the field set reads back")
}

fn campaign(system: System, seeds: std::ops::Range<u64>) -> Campaign {
    Campaign {
        system,
        systems: Vec::new(),
        world: None,
        target: "test".into(),
        invoked_as: "test".into(),
        seeds,
        shard: None,
        jobs: 1,
        check_determinism: false,
        out_dir: None,
        start: super::Start::Fresh,
        hooks: super::Hooks::default(),
    }
}

/// The summary without wall-clock fields, as comparable text.
fn fingerprint(s: &Summary) -> String {
    serde_json::to_string(s).unwrap()
}

#[test]
fn shrinking_keeps_the_failure_and_never_grows() {
    let System::DataMiner(cfg) = no_inverted() else { unreachable!() };
    let setup = Setup::<DataMiner>::one(&cfg, None);
    let mut checked = 0;
    for seed in 0..200 {
        let original = Schedule::draw(seed, &setup.letters(), setup.profiles(), &setup.nodes());
        if !super::run_schedule::<DataMiner>(&setup, &original, seed, Tracing::Off).violates(Invariant::SplitBrain) {
            continue;
        }
        let shrunk = super::shrink::<DataMiner>(&setup, &original, seed, Invariant::SplitBrain);
        assert!(super::run_schedule::<DataMiner>(&setup, &shrunk, seed, Tracing::Off).violates(Invariant::SplitBrain), "seed {seed}");
        assert!(shrunk.faults.len() <= original.faults.len());
        assert!(shrunk.faults.len() <= 3, "seed {seed}: {} faults", shrunk.faults.len());
        checked += 1;
        if checked == 3 {
            break;
        }
    }
    assert_eq!(checked, 3, "the setup without inverted heartbeats shows split brains");
}

#[test]
fn shards_cover_the_campaign_exactly() {
    let whole = run_campaign(&campaign(System::DataMiner(Config::default()), 0..30)).unwrap();
    let shards: Vec<Summary> = (1..=3)
        .map(|k| run_campaign(&Campaign { shard: Some(super::Shard { k, n: 3 }), ..campaign(System::DataMiner(Config::default()), 0..30) }).unwrap())
        .collect();
    assert_eq!(shards.iter().map(|s| s.runs).sum::<u64>(), whole.runs);
    for (inv, stats) in &whole.by_invariant {
        assert_eq!(shards.iter().map(|s| s.by_invariant.get(inv).map_or(0, |x| x.runs)).sum::<u64>(), stats.runs, "{inv}");
    }
    let mut merged: Vec<(u64, String)> = shards.iter().flat_map(|s| s.findings.iter().map(|f| (f.seed, format!("{:?}", f.violation)))).collect();
    merged.sort();
    let mut all: Vec<(u64, String)> = whole.findings.iter().map(|f| (f.seed, format!("{:?}", f.violation))).collect();
    all.sort();
    assert!(whole.findings.len() < super::campaign::KEPT_FINDINGS, "the range is small enough to keep every finding");
    assert_eq!(merged, all);
}

#[test]
fn results_do_not_depend_on_jobs() {
    let one = run_campaign(&campaign(no_inverted(), 0..64)).unwrap();
    let two = run_campaign(&Campaign { jobs: 2, ..campaign(no_inverted(), 0..64) }).unwrap();
    assert_eq!(fingerprint(&one), fingerprint(&two));
}

#[test]
fn every_system_is_deterministic_over_a_seed_range() {
    for system in [
        System::DataMiner(Config::default()),
        no_inverted(),
        crate::products::named_system("mrs-manager").unwrap(),
        crate::products::named_system("flinkserver").unwrap(),
        crate::products::named_system("checkpoint").unwrap(),
    ] {
        let s = run_campaign(&Campaign { check_determinism: true, jobs: 2, ..campaign(system, 0..40) }).unwrap();
        assert!(s.nondeterministic.is_empty(), "{:?}", s.nondeterministic);
        assert_eq!(s.runs, 40);
    }
}

#[test]
fn a_repro_file_replays_its_violation() {
    let dir = std::env::temp_dir().join(format!("failsim-repro-{}", std::process::id()));
    let s = run_campaign(&Campaign { out_dir: Some(dir.clone()), ..campaign(no_inverted(), 0..40) }).unwrap();
    let stats = &s.by_invariant["split brain"];
    let path = dir.join(stats.repro.as_ref().expect("written"));
    let seed = stats.example.as_ref().unwrap().seed;
    assert!(path.ends_with(format!("repro-test-split-brain-seed{seed}.ron")), "named by target, invariant and seed: {}", path.display());
    let sc = crate::scenario::load(&path).expect("the repro is an ordinary scenario file");
    assert_eq!(sc.seed, stats.example.as_ref().unwrap().seed);
    assert!(sc.expect.iter().all(|e| e.ids.contains(&"FS-REPRO".to_string())));
    assert!(sc.doc.contains(" on Main at ") || sc.doc.contains(" on Backup at "), "a fault drawn for a node names it: {}", sc.doc);
    let outcome = crate::runner::run(&sc, None).unwrap();
    assert!(!outcome.passed(), "replaying the repro shows the violation");
    assert_eq!(crate::runner::run(&sc, None).unwrap().trace_hash, outcome.trace_hash, "and replays it exactly");
    assert!(!dir.read_dir().unwrap().any(|e| e.unwrap().path().extension().is_some_and(|x| x == "tmp")), "no half-written files");
    std::fs::remove_dir_all(dir).ok();
}

/// How the test product misbehaves.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
enum Misbehaviour {
    /// Not deterministic: its trace depends on a process-wide counter.
    Flaky,
    /// Once asked to write, it keeps scheduling at the same instant.
    Runaway,
}

/// The commands of a product that has none of its own: only the shared actions apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
enum NoCommand {}

impl crate::action::Command for NoCommand {
    fn kind(&self) -> &'static str {
        match *self {}
    }
    fn describe(&self) -> String {
        match *self {}
    }
    fn target(&self) -> Option<&Target> {
        match *self {}
    }
}

/// The own faults of a product that has none.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum NoFault {}

impl OwnFault for NoFault {
    type Command = NoCommand;
    fn label(&self) -> String {
        match *self {}
    }
    fn strike(&self, _: &Target, _: Time) -> Vec<NoCommand> {
        match *self {}
    }
    fn heal(&self, _: &Target) -> Option<NoCommand> {
        match *self {}
    }
}

/// A product that does nothing but misbehave in one way.
#[derive(Clone, Debug)]
struct Rogue {
    ledger: crate::ledger::Ledger,
    misbehaviour: Misbehaviour,
}

static BUILDS: AtomicU64 = AtomicU64::new(0);

impl Model for Rogue {
    /// Whether the event is a write (the runaway's trigger).
    type Event = bool;

    type Record = String;

    type Config = Misbehaviour;

    type Command = NoCommand;

    const LABEL: &'static str = "rogue";

    /// No hosts at all.
    fn preset(_: &Misbehaviour) -> crate::world::WorldDecl {
        crate::world::WorldDecl::flat()
    }

    fn build(misbehaviour: &Misbehaviour, cx: &mut Cx<'_, '_, Self>) -> Self {
        if *misbehaviour == Misbehaviour::Flaky {
            cx.record(BUILDS.fetch_add(1, Ordering::Relaxed).to_string());
        }
        Rogue { ledger: crate::ledger::Ledger::new(1), misbehaviour: *misbehaviour }
    }

    fn action(&self, action: Do<NoCommand>) -> bool {
        matches!(action, Do::Shared(Action::Write { .. }))
    }

    fn handle(&mut self, write: bool, cx: &mut Cx<'_, '_, Self>) {
        if write && self.misbehaviour == Misbehaviour::Runaway {
            cx.schedule_in(0, true);
        }
    }
}

impl Vocabulary for Rogue {
    type Claim = dataminer::Claim;

    fn validate(_: &Misbehaviour) -> Result<(), crate::place::Refusal> {
        Ok(())
    }

    fn supported_actions(_: &Misbehaviour) -> Vec<&'static str> {
        vec!["Stop", "Write"]
    }

    fn node_names(_: &Misbehaviour) -> Vec<String> {
        vec!["A".into(), "B".into()]
    }
}

impl Observation for Rogue {
    fn view(&self, _: &World, at_ms: Time) -> View {
        View { at_ms, nodes: vec![], tables: vec![], consoles: vec![], panels: vec![], writes_label: String::new(), writes: Writes::default(), notes: vec![] }
    }

    fn eval(&self, _: &World, _: &dataminer::Claim, _: Time) -> Verdict {
        Ok(())
    }

    fn sample(&self, _: &World) -> crate::metrics::Sample {
        crate::metrics::Sample::one_way(1, 1, 1)
    }

    fn ledger(&self) -> &crate::ledger::Ledger {
        &self.ledger
    }

    fn lanes(&self, _: &World) -> crate::products::Lanes<'_> {
        crate::products::Lanes {
            nodes: Vec::new(),
            cables: crate::world::Drawn::Nothing,
            links: Vec::new(),
            heartbeats: Vec::new(),
            holders: Vec::new(),
            service: None,
        }
    }

    fn health(&self, _: &World) -> Vec<Problem> {
        vec![]
    }
}

impl ChaosProfile for Rogue {
    type Fault = NoFault;

    fn alphabet(_: &Misbehaviour) -> Vec<crate::fault::FaultKind<NoFault>> {
        vec![crate::fault::FaultKind::Stop]
    }

    fn chaos_profile(_: &Misbehaviour) -> Profile {
        Profile { fault_phase_ms: 10_000, end_ms: 20_000, write_every_ms: 5_000, write_count: 1, recover_steps: 0, recover_every_ms: 0 }
    }

    fn split_brain_documented(&self) -> Option<SpecId> {
        None
    }

    fn rules_fired(&self) -> Vec<(SpecId, u32)> {
        Vec::new()
    }

    fn claim_for(_: &Self::Config, _: Invariant) -> dataminer::Claim {
        dataminer::Claim::Healthy
    }

    fn presets() -> Vec<(&'static str, Misbehaviour)> {
        vec![]
    }
}

impl Registered for Rogue {
    fn wrap_claim(claim: dataminer::Claim) -> AnyClaim {
        AnyClaim::DataMiner(claim)
    }
    fn unwrap_claim(claim: &AnyClaim) -> Option<&dataminer::Claim> {
        DataMiner::unwrap_claim(claim)
    }
    fn wrap_command(command: NoCommand) -> crate::products::AnyCommand {
        match command {}
    }
    fn unwrap_command(_: crate::products::AnyCommand) -> Option<NoCommand> {
        None
    }
    fn wrap_fault(fault: NoFault) -> crate::products::AnyFault {
        match fault {}
    }
    fn system(_: Misbehaviour) -> System {
        System::DataMiner(Config::default())
    }
    fn unwrap_config(_: &System) -> Option<&Misbehaviour> {
        None
    }
}

#[test]
fn the_determinism_check_catches_a_nondeterministic_model() {
    let c = Campaign { check_determinism: true, ..campaign(System::DataMiner(Config::default()), 0..5) };
    let s = campaign_for::<Rogue>(&c, &Setup::one(&Misbehaviour::Flaky, None)).unwrap();
    assert_eq!(s.nondeterministic, vec![0, 1, 2, 3, 4]);
    assert!(!super::baseline::judge(&s, None).passed(), "a nondeterministic run fails the campaign");
}

/// A campaign's findings by invariant, class and document, with the example of each: what a
/// CI gate and a reader of the summary rely on.
fn classes_of(s: &Summary) -> String {
    let mut out = format!("{} runs\n", s.runs);
    out += &format!(
        "downtime {} ms in all (max {} ms), split brain {} ms, {} switches\n",
        s.downtime_ms_total, s.downtime_ms_max, s.split_brain_ms_total, s.switches_total
    );
    for (invariant, stats) in &s.by_invariant {
        out += &format!("{invariant}: {} run(s), {} documented\n", stats.runs, stats.documented);
        for (class, n) in &stats.classes {
            out += &format!("  {n:>4} x {class}\n");
        }
        if let Some(f) = &stats.example {
            let doc = f.violation.documented.as_deref().unwrap_or("undocumented");
            out += &format!("  example: seed {} [{doc}]: {}\n", f.seed, f.violation.detail);
            out += &format!("  shrunk from {} to {} fault(s)\n", f.faults, stats.shrunk_faults.unwrap_or(f.faults));
        }
    }
    out
}

/// Pinned, reviewed summaries of small campaigns on three products: which findings each
/// product's documents explain (typed at their source) and which they do not.
#[test]
fn campaign_findings_are_typed_and_documented_where_the_documents_say_so() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    for target in ["dataminer", "dataminer-no-inverted", "mrs-manager", "checkpoint"] {
        let system = crate::products::named_system(target).expect("a registered target");
        let summary = run_campaign(&Campaign { jobs: 2, ..campaign(system, 0..200) }).unwrap();
        settings.bind(|| insta::assert_snapshot!(format!("chaos_classes_{target}"), classes_of(&summary)));
    }
}

fn loss(detail: &str, documented: Option<SpecId>) -> (crate::ledger::Cause, crate::ledger::IdSet) {
    (crate::ledger::Cause { detail: detail.into(), mechanism: "m", documented }, crate::ledger::IdSet::from_ids([1]))
}

#[test]
fn lost_writes_are_documented_only_when_every_loss_is() {
    let mut writes = Writes { written: 2, lost: 2, losses: vec![loss("a", Some("CP-5")), loss("b", None)], ..Writes::default() };
    assert_eq!(super::loss_violation(&writes, 10).documented, None, "one undocumented loss makes the finding undocumented");
    writes.losses[1].0.documented = Some("CP-8");
    let v = super::loss_violation(&writes, 10);
    assert_eq!((v.documented.as_deref(), v.at_ms, v.invariant), (Some("CP-5"), 10, Invariant::Loss));
    assert_eq!(v.classes.iter().map(ToString::to_string).collect::<Vec<_>>(), ["m [CP-5]", "m [CP-8]"]);
    assert_eq!(v.detail, "1 lost: a; 1 lost: b");
}

#[test]
fn a_health_problem_with_a_document_explains_the_state_it_leaves() {
    use crate::finding::ProblemKind;
    let root = Problem::new(ProblemKind::StartFailed, "start failed".into()).documented_by(Some("DM-SEED-1"));
    let follow = Problem::new(ProblemKind::AlarmStanding, "alarm".into());
    let v = super::liveness_violation(&[follow.clone(), root], 7);
    assert_eq!((v.documented.as_deref(), v.at_ms), (Some("DM-SEED-1"), 7));
    assert_eq!(v.classes.iter().map(ToString::to_string).collect::<Vec<_>>(), ["an alarm stands", "a start failed [DM-SEED-1]"]);
    assert_eq!(super::liveness_violation(&[follow], 7).documented, None);
}

#[test]
fn the_default_dataminer_campaign_has_fewer_than_one_undocumented_finding_per_hundred_runs() {
    // Issue 10's figure, on a slice of the campaign (the whole one: `failsim chaos dataminer
    // --seeds 0..20000`, 1 undocumented finding).
    let s = run_campaign(&campaign(System::DataMiner(Config::default()), 0..1000)).unwrap();
    let undocumented = s.findings.iter().filter(|f| f.violation.documented.is_none()).count();
    assert!(undocumented * 100 < 1000, "{undocumented} undocumented in 1000 runs: {:?}", s.findings.first());
}

#[test]
fn a_split_brain_that_ends_has_its_duration_and_one_that_does_not_has_none() {
    let system = crate::products::named_system("mrs-manager").unwrap();
    // Seed 193: a node starts while the active's cable is out for a second, joins as active
    // (the start-up assumption), and the dual active is resolved at the next heartbeat
    // (MRS-SWITCHOVER made such runs rare).
    let summary = run_campaign(&campaign(system, 190..200)).unwrap();
    let ended = summary.findings.iter().filter(|f| f.violation.invariant == Invariant::SplitBrain).find_map(|f| f.violation.duration_ms);
    assert!(ended.is_some_and(|d| d > 0 && d < 600_000), "an MRS dual active resolves: {ended:?}");
    // DM-SPLIT: without inverted heartbeats both DMAs end online while isolated; the DM-DEADEND
    // assumption ends it once they hear each other, and with `BothStay` nothing does.
    let split = |s: &Summary| s.findings.iter().filter(|f| f.violation.invariant == Invariant::SplitBrain).map(|f| f.violation.clone()).collect::<Vec<_>>();
    let both_stay_summary = run_campaign(&campaign(no_inverted(), 0..60)).unwrap();
    let both_stay = split(&both_stay_summary);
    let lasting = both_stay.iter().find(|v| v.duration_ms.is_none()).expect("a split brain nothing ends");
    assert!(lasting.detail.ends_with("until the end"), "{}", lasting.detail);
    // ... and the pair is not healthy at the end: two online, which DM-SPLIT documents.
    let unhealthy = both_stay_summary.findings.iter().find(|f| f.violation.invariant == Invariant::Liveness).expect("a liveness finding");
    assert_eq!(unhealthy.violation.documented.as_deref(), Some("DM-SPLIT"), "{}", unhealthy.violation.detail);
    assert!(unhealthy.violation.detail.contains("2 DMA(s) online"), "{}", unhealthy.violation.detail);
    let System::DataMiner(cfg) = no_inverted() else { unreachable!() };
    let assumed = with(&cfg, "dead_end", dataminer::DeadEndConfig::default());
    let resolved = split(&run_campaign(&campaign(System::DataMiner(assumed), 0..60)).unwrap());
    assert!(resolved.iter().all(|v| v.duration_ms.is_some()), "the default assumption ends every one: {resolved:?}");
    assert!(summary.downtime_ms_total > 0 && summary.switches_total > 0, "the campaign's availability is summed");
}

#[test]
fn a_model_that_never_lets_time_pass_is_a_finding_not_a_hang() {
    let schedule = Schedule { systems: vec![(String::new(), Rogue::chaos_profile(&Misbehaviour::Runaway))], faults: vec![] };
    let r = super::run_schedule::<Rogue>(&Setup::one(&Misbehaviour::Runaway, None), &schedule, 0, Tracing::Off);
    let v = r.violations.iter().find(|v| v.invariant == Invariant::Assertion).expect("the overrun is a finding");
    assert_eq!(v.at_ms, 5_000, "at the instant of the first write: {v:?}");
    assert!(v.detail.contains("more than 1000000 events"), "{}", v.detail);
}

#[test]
fn seeds_are_counted_without_listing_them_and_bounded() {
    for (seeds, shard) in [(0..10, None), (3..17, Some((1, 3))), (3..17, Some((3, 3))), (5..6, Some((2, 4))), (0..1, Some((1, 1)))] {
        let shard = shard.map(|(k, n)| super::Shard::new(k, n).unwrap());
        let c = Campaign { shard, ..campaign(crate::products::named_system("dataminer").unwrap(), seeds.clone()) };
        let listed = seeds.filter(|s| shard.is_none_or(|sh| s % sh.n == sh.k - 1)).count() as u64;
        assert_eq!(c.seed_count(), listed, "{:?} shard {shard:?}", c.seeds);
    }
    let huge = campaign(crate::products::named_system("dataminer").unwrap(), 0..u64::MAX);
    let err = run_campaign(&huge).unwrap_err();
    assert!(err.contains("at most 100000000"), "{err}");
}

/// The scenario's world and system, as `failsim chaos FILE` takes them.
fn scenario_campaign(file: &str, seeds: std::ops::Range<u64>) -> Campaign {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(file);
    let sc = crate::scenario::load(&path).unwrap();
    Campaign { world: sc.world.clone(), systems: sc.systems.clone(), ..campaign(sc.system, seeds) }
}

#[test]
fn a_declared_world_gives_every_part_to_the_alphabet() {
    let c = scenario_campaign("world-two-core-switches.ron", 0..1);
    let System::DataMiner(cfg) = &c.system else { unreachable!() };
    let alphabet: Vec<FaultKind> = Setup::<DataMiner>::one(cfg, c.world.as_ref()).letters().into_iter().map(|l| l.kind).collect();
    let labels: Vec<String> = alphabet.iter().map(|k| k.label()).collect();
    for part in ["pull cable isl-1", "pull cable cross", "disable NIC sync of dma-a", "power failure of ops-pc", "fail switch core-2"] {
        assert!(labels.iter().any(|l| l == part), "{part} missing from {labels:?}");
    }
    // The role-named network faults give way to the named parts; the services stay.
    assert!(!alphabet.iter().any(|k| matches!(k, FaultKind::SwitchFailure | FaultKind::PullCable(_))), "{labels:?}");
    assert!(alphabet.contains(&FaultKind::Stop) && alphabet.contains(&FaultKind::Own(crate::products::AnyFault::DataMiner(dataminer::Fault::StopDb))));
    assert_eq!(alphabet.len(), 4 + 5 + 5 + 3 + 2, "the product's own, then cables, NICs, hosts and switches: {labels:?}");
}

#[test]
fn a_campaign_on_two_core_switches_finds_the_partition() {
    let dir = tempfile::tempdir().unwrap();
    let c = Campaign { out_dir: Some(dir.path().to_path_buf()), ..scenario_campaign("world-two-core-switches.ron", 0..40) };
    let summary = run_campaign(&c).unwrap();
    let split = summary.by_invariant.get("split brain").expect("a partition between the switches splits the pair");
    assert_eq!(split.documented, 0, "DM-SPLIT documents the split without inverted heartbeats only");
    let repro = std::fs::read_to_string(dir.path().join(split.repro.as_ref().unwrap())).unwrap();
    assert!(repro.contains(r#"do: Pull(cable: "isl-1")"#), "the shrunk schedule keeps the inter-switch link: {repro}");
    assert!(repro.contains("pull cable isl-1 at "), "a named part needs no node in the doc: {repro}");
    assert!(repro.contains("world: ("), "the repro carries its world");
    // The repro replays the split brain exactly, as a scenario.
    let replay = crate::runner::run(&crate::scenario::parse(std::path::Path::new("repro.ron"), &repro).unwrap(), None).unwrap();
    assert!(!replay.passed(), "the repro fails its OnlineAtMost(1)");
}

/// A campaign on a world of several systems: each system's own faults and every part of the
/// world are in its alphabet, each system's invariants are checked, and a repro names the
/// system it is about and replays.
#[test]
fn a_campaign_runs_on_a_world_of_several_systems_and_its_repros_replay() {
    let three = scenario_campaign("world-dms-three-pairs.ron", 0..1);
    let base = three.base();
    let setup = Setup::<DataMiner>::of(&base);
    let letters = setup.letters();
    for system in 0..3 {
        assert!(letters.iter().any(|l| l.system == system && l.kind == FaultKind::Stop), "pair {system}'s own Stop");
    }
    assert!(letters.iter().any(|l| l.kind.label() == "fail switch core"), "the shared core switch");
    let summary = run_campaign(&Campaign { jobs: 2, ..scenario_campaign("world-dms-three-pairs.ron", 0..200) }).unwrap();
    assert_eq!(summary.runs, 200);
    assert!(summary.downtime_ms_total > 0, "faults on three pairs cost downtime");
    let dir = tempfile::tempdir().unwrap();
    let mixed = Campaign { out_dir: Some(dir.path().to_path_buf()), jobs: 2, ..scenario_campaign("world-dm-beside-cp.ron", 0..200) };
    let summary = run_campaign(&mixed).unwrap();
    let split = summary.by_invariant.get("split brain").expect("Check Point's collisions are split brains");
    let example = split.example.as_ref().expect("an example");
    assert!(["dm", "cp"].contains(&example.violation.system.as_str()), "a finding names its system: {:?}", example.violation);
    assert!(example.violation.detail.starts_with(&format!("{}: ", example.violation.system)), "{}", example.violation.detail);
    let repro = std::fs::read_to_string(dir.path().join(split.repro.as_ref().unwrap())).unwrap();
    assert!(repro.contains("systems: [") && repro.contains(&format!("system: \"{}\"", example.violation.system)), "{repro}");
    let replay = crate::runner::run(&crate::scenario::parse(std::path::Path::new("repro.ron"), &repro).unwrap(), None).unwrap();
    assert!(!replay.passed(), "the repro replays the split brain of its system");
}

/// A run that breaks one invariant in two systems counts once for it.
#[test]
fn a_run_counts_once_for_each_invariant_it_breaks() {
    let v = |system: &str, documented| super::Violation {
        invariant: Invariant::SplitBrain,
        system: system.into(),
        at_ms: 1,
        duration_ms: None,
        classes: vec![crate::finding::Class::new(crate::finding::ClassKind::Online(2), documented)],
        detail: String::new(),
        documented: documented.map(str::to_string),
    };
    let mut summary = Summary::default();
    let r = |violations| super::campaign::SeedResult::for_test(7, violations);
    super::campaign::fold(&mut summary, r(vec![v("a", Some("CP-6")), v("b", None)]));
    let stats = &summary.by_invariant["split brain"];
    assert_eq!((stats.runs, stats.documented), (1, 0), "one run, not documented: one of its systems' split is not");
    let counts: Vec<(String, u64)> = stats.classes.iter().map(|(c, n)| (c.to_string(), *n)).collect();
    assert_eq!(counts, [("2 nodes online/active".to_string(), 1), ("2 nodes online/active [CP-6]".to_string(), 1)], "each system's class counts");
    super::campaign::fold(&mut summary, r(vec![v("a", Some("CP-6")), v("b", Some("CP-6"))]));
    assert_eq!((summary.by_invariant["split brain"].runs, summary.by_invariant["split brain"].documented), (2, 1));
}

/// Every node of a system is struck, not only the first two: a Check Point system's third
/// server (its second Secondary) draws faults too, by name, and its repro replays.
#[test]
fn chaos_strikes_every_node_of_a_system_of_more_than_two() {
    let c = scenario_campaign("cp-two-secondaries.ron", 0..1);
    let base = c.base();
    let setup = Setup::<crate::products::checkpoint::CheckPoint>::of(&base);
    let third = crate::action::Target::Named("SMS-SEC-2".into());
    let struck = (0..100).any(|seed| Schedule::draw(seed, &setup.letters(), setup.profiles(), &setup.nodes()).faults.iter().any(|f| f.node == third));
    assert!(struck, "the third server draws faults");
    let steps = (0..100).flat_map(|seed| Schedule::draw(seed, &setup.letters(), setup.profiles(), &setup.nodes()).script());
    assert!(steps.map(|s| format!("{:?}", s.action)).any(|a| a.contains("\"SMS-SEC-2\"")), "a step names it");
    let summary = run_campaign(&Campaign { jobs: 2, ..scenario_campaign("cp-two-secondaries.ron", 0..200) }).unwrap();
    assert_eq!(summary.runs, 200);
}
