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
    let e = explore(&sc, "tests/explore/quiet.ron", 2, Property::DowntimeAbove(420_000), grid, 2).unwrap();
    assert_eq!((e.atoms, e.combinations_run, e.distinct_states, e.found.len()), (80, 2816, 101, 351));
    // The visited set: the 2,816 runs reach 1,259 distinct states one grid step after their
    // own faults healed and once every fault has healed (at 7m); the others continue as a run
    // that reached the state before them did.
    assert_eq!(e.distinct_states_explored, Some(1259), "pinned, as stateright pins its state counts");
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
    let o = failsim::run_with_data(&load("scenarios/cp-roles-and-read-only.ron"), None, failsim::Limits::default()).unwrap();
    let json = failsim::report::json(&o);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v["metrics"]["downtime_ms"].is_u64() && v["trace"].is_array() && v["initial"]["nodes"].is_array());
    snapshots().bind(|| insta::assert_snapshot!("whatif_json_report_cp_roles", json));
}

/// The visited set changes nothing a run shows: each combination's figures are those of the
/// combination run alone (its found file replays it from scratch, and breaks the property as
/// found), and the counts do not depend on which thread reached a state first.
#[test]
fn runs_that_merge_in_the_visited_set_give_the_figures_of_a_run_alone() {
    let sc = load("tests/explore/quiet.ron");
    let grid = Grid { from_ms: 60_000, step_ms: 60_000, until_ms: 120_000, duration_ms: 60_000 };
    let e = explore(&sc, "tests/explore/quiet.ron", 2, Property::DowntimeAbove(60_000), grid, 2).unwrap();
    let one = explore(&sc, "tests/explore/quiet.ron", 2, Property::DowntimeAbove(60_000), grid, 1).unwrap();
    let counts = |e: &failsim::explore::Exploration| (e.combinations_run, e.distinct_states, e.distinct_states_explored, e.found.len());
    assert_eq!(counts(&e), counts(&one), "one thread or two");
    assert!(e.distinct_states_explored.unwrap() < e.combinations_run, "runs merged: {:?}", counts(&e));
    let files = |e: &failsim::explore::Exploration| e.found.iter().map(|f| f.scenario.clone()).collect::<Vec<_>>();
    assert_eq!(files(&e), files(&one));
    assert!(!e.found.is_empty(), "{:?}", counts(&e));
    for f in &e.found {
        let found = failsim::parse(Path::new("found.ron"), &f.scenario).unwrap();
        let alone = failsim::run(&found, None).unwrap();
        assert!(alone.metrics.downtime_ms > 60_000, "{}: {} alone", f.faults.join(" + "), alone.metrics.downtime_ms);
    }
}

/// The grid `explore` uses by default: 1m, 2m, 3m, 4m, each fault for 2m.
const DEFAULT_GRID: Grid = Grid { from_ms: 60_000, step_ms: 60_000, until_ms: 240_000, duration_ms: 120_000 };

/// FS-RESILIENCE: on three pairs hanging off one core switch, the core switch is the single
/// failure that harms most: every pair, two of them for good (DM-DEADEND's state). The table
/// starts from the world without the scenario's own reboot.
#[test]
fn the_resilience_table_of_three_pairs_puts_the_core_switch_first() {
    let sc = load("scenarios/world-dms-three-pairs.ron");
    let e = explore(&sc, "scenarios/world-dms-three-pairs.ron", 1, Property::DowntimeAbove(600_000), DEFAULT_GRID, 2).unwrap();
    let r = &e.resilience;
    assert_eq!(e.systems, ["pair-1", "pair-2", "pair-3"]);
    assert!(r.baseline.iter().all(|h| h.downtime_ms == 0), "the baseline leaves out the script's reboot: {:?}", r.baseline);
    assert_eq!(r.singles[0].failures, ["fail switch core"]);
    assert_eq!(r.singles[0].harmed, [0, 1, 2], "every pair");
    // 31 parts of the world (10 cables, 13 NICs, 7 hosts, 1 switch) and 7 faults of each pair's
    // own (Stop, Restart and StopDb on either DMA, the administrator's switch), at 4 instants.
    assert_eq!((e.atoms, r.singles.len(), r.pairs_run, r.pairs.len()), (208, 52, 0, 0));
    let harmed: Vec<usize> = r.singles.iter().map(|row| row.harmed.len()).collect();
    assert!(harmed.windows(2).all(|w| w[0] >= w[1]), "sorted by blast radius first: {harmed:?}");
    let csv = failsim::explore::resilience::csv(r, &e.systems);
    assert_eq!(csv.lines().count(), 1 + 52 * 3, "a line per failure and system");
    assert!(csv.lines().nth(1).unwrap().starts_with("1,fail switch core,60000,pair-1,true,840000,"), "{csv}");
    snapshots().bind(|| insta::assert_snapshot!("whatif_resilience_three_pairs", failsim::explore::resilience::text(r, &e.systems)));
}

/// At depth 2 the table adds the pairs that harm although neither failure does alone: on two
/// core switches, the inter-switch link and the sync cross cable together split the pair.
#[test]
fn pairs_of_failures_that_harm_only_together() {
    let sc = load("scenarios/world-two-core-switches.ron");
    let e = explore(&sc, "scenarios/world-two-core-switches.ron", 2, Property::SplitBrain, DEFAULT_GRID, 2).unwrap();
    let r = &e.resilience;
    let partition = r.pairs.iter().find(|p| p.failures == ["pull cable cross", "pull cable isl-1"]).expect("the partition");
    assert!(partition.systems[0].split_brain_ms > 0, "{partition:?}");
    for pair in &r.pairs {
        for failure in &pair.failures {
            let alone = r.singles.iter().find(|s| s.failures == [failure.clone()]).expect("every failure has its row");
            assert!(alone.harmed.is_empty(), "{failure} harms alone, so {:?} is no pair of harmless failures", pair.failures);
        }
    }
    assert_eq!((r.singles.len(), r.pairs_run, r.pairs.len()), (22, 880, 3), "pinned, as stateright pins its counts");
    let text = failsim::explore::resilience::text(r, &e.systems);
    assert!(text.contains("Pairs of failures that harm although neither does alone: 3 of 880 pair(s) run\n"), "{text}");
    assert!(text.contains("  the system: split brain 17m20s158ms\n"), "a split brain without downtime says only that: {text}");
}

/// FS-MULTI: a sweep of a world of several systems gives each system's metrics and the total.
#[test]
fn a_sweep_of_several_systems_gives_each_and_the_total() {
    let sc = load("scenarios/world-dms-three-pairs.ron");
    let axes = [Axis::parse("systems[2].system.switch_time=1m,6m22s").unwrap()];
    let cells = sweep::sweep(&sc, &axes, 2).unwrap();
    let run = failsim::run(&sc, None).unwrap();
    for c in &cells {
        let names: Vec<&str> = c.systems.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(names, ["pair-1", "pair-2", "pair-3"]);
        let sum: u64 = c.systems.iter().map(|s| s.metrics.downtime_ms).sum();
        assert_eq!(c.metrics.downtime_ms, sum, "the cell's metrics are the total");
        assert_eq!(Some(c.metrics.downtime_ms), run.total.as_ref().map(|t| t.downtime_ms), "as `run` totals them");
    }
    let text = sweep::text(&axes, &cells);
    assert_eq!(text.lines().count(), 1 + 2 * 4, "a row per system and one for the total, per cell:\n{text}");
    assert!(text.lines().next().unwrap().contains("  system  "), "{text}");
    assert!(text.lines().nth(4).unwrap().contains("total"), "{text}");
    assert_eq!(sweep::csv(&axes, &cells).lines().count(), 1 + 2 * 4);
}

/// The table's world keeps the script's workload (its writes) and leaves out its faults and
/// operator actions (its Switch): on 10.4.0 CU9 a failure of Main then loses the records the
/// offline DMA never synchronized (DM-KI-OFFLINE-NOSYNC), and the baseline loses none.
#[test]
fn the_table_keeps_the_scripts_workload_and_leaves_out_its_operator_actions() {
    let sc = load("scenarios/dm-ki-offline-nosync.ron");
    let e = explore(&sc, "scenarios/dm-ki-offline-nosync.ron", 1, Property::Loss, DEFAULT_GRID, 2).unwrap();
    let r = &e.resilience;
    assert_eq!((r.baseline[0].switches, r.baseline[0].records_lost), (0, 0), "the script's Switch is left out: {:?}", r.baseline);
    let top = &r.singles[0];
    assert_eq!(top.systems[0].records_lost, 10, "the script's 10 records are written, and lost when Main fails: {top:?}");
    let text = failsim::explore::resilience::text(r, &e.systems);
    assert!(text.contains("the system: down 6m39s842ms, 10 lost\n"), "{text}");
    assert!(!text.contains("Pairs of failures"), "depth 1 runs no pairs: {text}");
}

/// The resilience table strikes every server of a Check Point system of three, each Secondary
/// by its name (`Backup` could be either: a found file naming it would not read back).
#[test]
fn the_table_strikes_every_node_of_a_system_of_more_than_two() {
    let sc = load("scenarios/cp-two-secondaries.ron");
    let e = explore(&sc, "scenarios/cp-two-secondaries.ron", 1, Property::SplitBrain, DEFAULT_GRID, 2).unwrap();
    let failures: Vec<&str> = e.resilience.singles.iter().map(|r| r.failures[0].as_str()).collect();
    for f in ["Stop on Main", "Stop on SMS-SEC-1", "Stop on SMS-SEC-2", "MakeActive on SMS-SEC-2"] {
        assert!(failures.contains(&f), "{f} missing from {failures:?}");
    }
    assert!(!e.found.is_empty(), "split brains are found");
    for f in &e.found {
        let sc = failsim::parse(std::path::Path::new("found.ron"), &f.scenario).expect("every found file reads back");
        assert!(failsim::run(&sc, None).unwrap().expectations.iter().any(|x| x.ids == ["FS-PIN"] && x.failure.is_none()), "{}", f.scenario);
    }
}

/// A failure that leaves every system serving but takes their databases is harm, in words:
/// on the Cassandra-cluster import the router cuts every agent off from two of its three
/// Cassandra nodes (DM-STORAGE-SEPARATE), so each writes to file offloads (DM-HELD) while it
/// keeps serving: no downtime, 2m of database downtime each.
#[test]
fn the_resilience_table_names_database_downtime() {
    let path = "scenarios/import-dms-cassandra-cluster.ron";
    let sc = load(path);
    let e = explore(&sc, path, 1, Property::DowntimeAbove(600_000), DEFAULT_GRID, 2).unwrap();
    let first = &e.resilience.singles[0];
    assert_eq!(first.failures, ["power failure of failsim router"]);
    assert_eq!(first.harmed, [0, 1, 2], "every agent");
    let text = failsim::explore::resilience::text(&e.resilience, &e.systems);
    assert!(text.contains("dma-101: database down 2m; dma-102: database down 2m; dma-103: database down 2m"), "{text}");
    let header = text.lines().find(|l| l.trim_start().starts_with("#  ")).expect("the table has a header");
    assert!(header.contains("db down"), "the column appears where some system has the figure: {header}");
    assert!(!header.contains("polling"), "no agent polls data sources here, so no polling column: {header}");
}

/// The calls a sweep's progress callback received: (done, total, failing) each time.
static SWEEP_PROGRESS: std::sync::Mutex<Vec<(u64, u64, u64)>> = std::sync::Mutex::new(Vec::new());

fn record_sweep_progress(done: u64, total: u64, failing: u64) {
    SWEEP_PROGRESS.lock().unwrap().push((done, total, failing));
}

#[test]
fn a_sweep_tells_its_progress_cell_by_cell_with_the_failing_cells_so_far() {
    let sc = load("scenarios/dm-stop-online.ron");
    // A 30 s heartbeat detects the stop too late for the file's 1m40s window: one cell fails.
    let axes = [Axis::parse("heartbeats[*].interval=5s,10s,30s").unwrap()];
    let cells = sweep::sweep_with_progress(&sc, &axes, 2, Some(record_sweep_progress)).unwrap();
    let mut calls = SWEEP_PROGRESS.lock().unwrap().clone();
    calls.sort();
    let failing = cells.iter().filter(|c| c.held < c.expectations).count() as u64;
    assert_eq!(calls.iter().map(|c| c.0).collect::<Vec<_>>(), vec![1, 2, 3], "one call a cell, counting up");
    assert!(calls.iter().all(|c| c.1 == 3), "every call gives the grid's size: {calls:?}");
    assert_eq!(calls.last().unwrap().2, failing, "the last call counts every failing cell");
    assert_eq!(failing, 1, "one cell of this sweep fails its expectations, so the count is tested: {cells:?}");
}
