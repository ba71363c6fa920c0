//! FS-DET: the same scenario and seed give the same trace, byte for byte; the seed matters
//! where randomness does. (That a cloned world continues exactly like the original is a unit
//! test of the runner.)

use failsim::report;
use std::path::Path;

fn scenarios() -> Vec<failsim::Scenario> {
    let files = failsim::discover(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios"))).unwrap();
    assert!(!files.is_empty());
    files.iter().map(|f| failsim::load(f).unwrap()).collect()
}

#[test]
fn same_seed_same_trace_and_report() {
    for sc in scenarios() {
        let (a, b) = (failsim::run(&sc, None).unwrap(), failsim::run(&sc, None).unwrap());
        assert_eq!(a.trace_hash, b.trace_hash, "{}", sc.name);
        assert_eq!(report::text(&a), report::text(&b), "{}", sc.name);
        assert_eq!(report::json(&a), report::json(&b), "{}", sc.name);
    }
}

#[test]
fn different_seeds_give_different_traces() {
    // Heartbeat phases are drawn from the seed, so every scenario with a fault interleaves
    // differently under another seed.
    let sc = failsim::load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/dm-stop-online.ron"))).unwrap();
    let hashes: std::collections::BTreeSet<u64> = (0..8).map(|seed| failsim::run(&sc, Some(seed)).unwrap().trace_hash).collect();
    assert_eq!(hashes.len(), 8);
}

/// The hash of one run, pinned: a change in the model, the trace text or a dependency's random
/// values shows up here (and in every scenario snapshot, which print the hash).
#[test]
fn golden_trace_hash() {
    let sc = failsim::load(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/failing.ron"))).unwrap();
    assert_eq!(format!("{:016x}", failsim::run(&sc, Some(42)).unwrap().trace_hash), GOLDEN);
}
const GOLDEN: &str = "3a4eb42fa2f1626f";
