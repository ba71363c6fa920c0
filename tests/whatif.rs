//! What-if tools: overrides, sweeps (text/JSON/CSV/SVG) and the fault-combination search,
//! with their state counts pinned (as stateright pins its state counts).

use failsim::explore::{Grid, Property, explore};

use failsim::sweep::{self, Axis};
use std::path::Path;

fn load(name: &str) -> failsim::Scenario {
    failsim::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap()
}

fn snapshots() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s
}

#[test]
fn a_sweep_over_heartbeat_settings() {
    let sc = load("scenarios/dm-stop-online.ron");
    let axes = [Axis::parse("heartbeats[*].interval=2s,5s,10s").unwrap(), Axis::parse("heartbeats[*].max_failures=1..5/2").unwrap()];
    let cells = sweep::sweep(&sc, &axes, 2).unwrap();
    assert_eq!(cells.len(), 9);
    // Deterministic whatever the number of threads.
    assert_eq!(sweep::json(&axes, &cells), sweep::json(&axes, &sweep::sweep(&sc, &axes, 1).unwrap()));
    snapshots().bind(|| {
        insta::assert_snapshot!("whatif_sweep_text", sweep::text(&axes, &cells));
        insta::assert_snapshot!("whatif_sweep_csv", sweep::csv(&axes, &cells));
        insta::assert_snapshot!("whatif_sweep_svg", sweep::heat_map(&axes, &cells, "time_to_detect").unwrap());
    });
    let json: serde_json::Value = serde_json::from_str(&sweep::json(&axes, &cells)).unwrap();
    assert_eq!(json["cells"].as_array().unwrap().len(), 9);
}

#[test]
fn an_override_changes_the_outcome_and_bad_paths_are_refused() {
    let sc = load("scenarios/dm-restart-online-short.ron");
    let long = failsim::apply_overrides(&sc, &["script[0].do.duration=2m".into()]);
    let long = long.or_else(|_| failsim::apply_overrides(&sc, &["script[1].do.duration=2m".into()])).unwrap();
    assert!(failsim::run(&sc, None).unwrap().passed());
    assert!(!failsim::run(&long, None).unwrap().passed(), "a 2 minute restart switches over: the short-restart claims fail");
    let e = failsim::apply_overrides(&sc, &["heartbeat.interval=1s".into()]).unwrap_err();
    assert!(e.contains("heartbeats"), "lists the valid fields: {e}");
}

#[test]
fn fault_combinations_at_depth_two_with_pinned_counts() {
    let sc = load("tests/explore/quiet.ron");
    let grid = Grid { from_ms: 60_000, step_ms: 60_000, until_ms: 240_000, duration_ms: 120_000 };
    let e = explore(&sc, 2, Property::DowntimeAbove(420_000), grid, 2).unwrap();
    assert_eq!((e.atoms, e.combinations_run, e.distinct_states, e.found.len()), (80, 2816, 97, 351));
    // Minimal: no breaking combination contains another one.
    let sets: Vec<Vec<&String>> = e.found.iter().map(|f| f.faults.iter().collect()).collect();
    for (i, a) in sets.iter().enumerate() {
        for (j, b) in sets.iter().enumerate() {
            assert!(i == j || !a.iter().all(|x| b.contains(x)), "{a:?} is inside {b:?}");
        }
    }
    // Each comes with a scenario file that replays it.
    let first = failsim::parse(Path::new("found.ron"), &e.found[0].scenario).unwrap();
    assert!(failsim::run(&first, None).unwrap().metrics.downtime_ms > 420_000);
}

#[test]
fn the_json_report_of_a_small_scenario() {
    let o = failsim::run(&load("scenarios/cp-roles-and-read-only.ron"), None).unwrap();
    let json = failsim::report::json(&o);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v["metrics"]["downtime_ms"].is_u64() && v["trace"].is_array() && v["initial"]["nodes"].is_array());
    snapshots().bind(|| insta::assert_snapshot!("whatif_json_report_cp_roles", json));
}
