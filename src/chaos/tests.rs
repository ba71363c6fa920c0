//! The chaos harness's own guarantees: shrinking keeps the failure and never grows, shards
//! cover the campaign exactly, `-j` changes nothing, the determinism check catches a model that
//! is not deterministic, and a repro file replays its violation.

use super::{Campaign, FaultKind, Invariant, Profile, Schedule, Summary, campaign_for, run_campaign};
use crate::action::Action;
use crate::check::Verdict;
use crate::engine::Time;
use crate::finding::{Problem, SpecId};
use crate::ledger::Summary as Writes;
use crate::ops::View;
use crate::products::dataminer::{self, Config, DataMiner};
use crate::products::{AnyClaim, Cx, Product, Registered, System};
use crate::world::World;
use std::sync::atomic::{AtomicU64, Ordering};

fn no_inverted() -> System {
    let heartbeats = Config::default_heartbeats().into_iter().filter(|h| !h.is_inverted()).collect();
    System::DataMiner(Config { heartbeats, ..Config::default() })
}

fn campaign(system: System, seeds: std::ops::Range<u64>) -> Campaign {
    Campaign { system, target: "test".into(), seeds, shard: None, jobs: 1, check_determinism: false, out_dir: None, progress: None }
}

/// The summary without wall-clock fields, as comparable text.
fn fingerprint(s: &Summary) -> String {
    serde_json::to_string(s).unwrap()
}

#[test]
fn shrinking_keeps_the_failure_and_never_grows() {
    let System::DataMiner(cfg) = no_inverted() else { unreachable!() };
    let alphabet = DataMiner::alphabet(&cfg);
    let profile = DataMiner::chaos_profile(&cfg);
    let mut checked = 0;
    for seed in 0..200 {
        let original = Schedule::draw(seed, &alphabet, profile);
        if !super::run_schedule::<DataMiner>(&cfg, &original, seed, false).violates(Invariant::SplitBrain) {
            continue;
        }
        let shrunk = super::shrink::<DataMiner>(&cfg, &original, seed, Invariant::SplitBrain);
        assert!(super::run_schedule::<DataMiner>(&cfg, &shrunk, seed, false).violates(Invariant::SplitBrain), "seed {seed}");
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
    let shards: Vec<Summary> =
        (1..=3).map(|k| run_campaign(&Campaign { shard: Some((k, 3)), ..campaign(System::DataMiner(Config::default()), 0..30) }).unwrap()).collect();
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
    let path = std::path::PathBuf::from(stats.repro.as_ref().expect("written"));
    let sc = crate::scenario::load(&path).expect("the repro is an ordinary scenario file");
    assert_eq!(sc.seed, stats.example.as_ref().unwrap().seed);
    assert!(sc.expect.iter().all(|e| e.ids.contains(&"FS-REPRO".to_string())));
    let outcome = crate::runner::run(&sc, None).unwrap();
    assert!(!outcome.passed(), "replaying the repro shows the violation");
    assert_eq!(crate::runner::run(&sc, None).unwrap().trace_hash, outcome.trace_hash, "and replays it exactly");
    assert!(!dir.read_dir().unwrap().any(|e| e.unwrap().path().extension().is_some_and(|x| x == "tmp")), "no half-written files");
    std::fs::remove_dir_all(dir).ok();
}

/// A model that is deliberately not deterministic: its trace depends on a process-wide counter.
#[derive(Clone)]
struct Flaky(crate::ledger::Ledger);

static BUILDS: AtomicU64 = AtomicU64::new(0);

impl Product for Flaky {
    type Event = ();
    type Record = u64;
    type Config = ();
    type Claim = dataminer::Claim;
    const LABEL: &'static str = "flaky";
    fn validate(_: &()) -> Result<(), String> {
        Ok(())
    }
    fn supported_actions(_: &()) -> Vec<&'static str> {
        vec!["Stop"]
    }
    fn build(_: &(), cx: &mut Cx<'_, '_, Self>) -> Self {
        cx.record(BUILDS.fetch_add(1, Ordering::Relaxed));
        Flaky(crate::ledger::Ledger::new(1))
    }
    fn action(_: Action) {}
    fn handle(&mut self, _: (), _: &mut Cx<'_, '_, Self>) {}
    fn view(&self, _: &World, at_ms: Time) -> View {
        View { at_ms, nodes: vec![], tables: vec![], consoles: vec![], panels: vec![], writes_label: String::new(), writes: Writes::default(), notes: vec![] }
    }
    fn eval(&self, _: &World, _: &dataminer::Claim, _: Time) -> Verdict {
        Ok(())
    }
    fn sample(&self, _: &World) -> crate::metrics::Sample {
        crate::metrics::Sample { serving: true, online: 1, claimers: 1 }
    }
    fn ledger(&self) -> &crate::ledger::Ledger {
        &self.0
    }
    fn lanes(&self, _: &World) -> Vec<(String, String)> {
        Vec::new()
    }
    fn alphabet(_: &()) -> Vec<FaultKind> {
        vec![FaultKind::Stop]
    }
    fn chaos_profile(_: &()) -> Profile {
        Profile { fault_phase_ms: 10_000, end_ms: 20_000, write_every_ms: 5_000, write_count: 1 }
    }
    fn health(&self, _: &World) -> Vec<Problem> {
        vec![]
    }
    fn split_brain_documented(&self) -> Option<SpecId> {
        None
    }
    fn claim_for(_: Invariant) -> dataminer::Claim {
        unreachable!("no findings")
    }
    fn presets() -> Vec<(&'static str, ())> {
        vec![]
    }
}

impl Registered for Flaky {
    fn wrap_claim(claim: dataminer::Claim) -> AnyClaim {
        AnyClaim::DataMiner(claim)
    }
    fn unwrap_claim(claim: &AnyClaim) -> Option<&dataminer::Claim> {
        DataMiner::unwrap_claim(claim)
    }
    fn system(_: ()) -> System {
        System::DataMiner(Config::default())
    }
}

#[test]
fn the_determinism_check_catches_a_nondeterministic_model() {
    let c = Campaign { check_determinism: true, ..campaign(System::DataMiner(Config::default()), 0..5) };
    let s = campaign_for::<Flaky>(&c, &()).unwrap();
    assert_eq!(s.nondeterministic, vec![0, 1, 2, 3, 4]);
    assert!(s.has_undocumented());
}
