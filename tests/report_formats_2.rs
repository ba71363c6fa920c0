//! The graph (Graphviz DOT) and JUnit XML reports: their bytes are snapshots, and the CLI
//! writes them (`failsim graph`, `failsim check --junit`).

use failsim::report::junit::{Case, Checked, junit};
use std::path::Path;
use std::process::Command;

fn snapshot(name: &str, value: &str) {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.bind(|| insta::assert_snapshot!(name, value));
}

fn failsim(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_failsim")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().expect("runs");
    (out.status.code().expect("exit code, not a signal"), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn load(path: &str) -> Result<failsim::Scenario, String> {
    failsim::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).map_err(|e| e.to_string())
}

#[test]
fn dot_of_both_cables_pulled_at_5m() {
    let sc = load("scenarios/dm-cable-both-online.ron").expect("loads");
    let dot = failsim::report::dot::graph(&failsim::topology_at(&sc, 300_000).unwrap());
    assert_eq!(dot, failsim::report::dot::graph(&failsim::topology_at(&sc, 300_000).unwrap()), "deterministic");
    snapshot("dot_dm_cable_both_online_5m", &dot);
}

#[test]
fn junit_of_a_failing_a_passing_and_a_broken_file() {
    let paths = ["tests/fixtures/failing.ron", "scenarios/dm-stop-online.ron", "tests/bad/truncated.ron"];
    let results: Vec<Result<failsim::Outcome, String>> = paths.iter().map(|p| load(p).map(|sc| failsim::run(&sc, None).unwrap())).collect();
    // the loader names files by the path it was given: make the error relative, as `check` prints it
    let root = format!("{}/", env!("CARGO_MANIFEST_DIR"));
    let cases: Vec<Case> = paths
        .iter()
        .zip(&results)
        .map(|(p, r)| Case { path: p.to_string(), result: r.as_ref().map(Checked::of).map_err(|e| e.replace(&root, "")), wall_ms: 0 })
        .collect();
    assert!(matches!(&cases[0].result, Ok(o) if !o.passed()));
    assert!(matches!(&cases[1].result, Ok(o) if o.passed()));
    assert!(cases[2].result.is_err());
    let xml = junit(&cases);
    assert!(xml.contains("tests=\"3\" failures=\"1\" errors=\"1\""), "{xml}");
    snapshot("junit_failing_passing_truncated", &xml);
}

#[test]
fn check_writes_junit_and_exits_1_on_a_failure() {
    let out = std::env::temp_dir().join(format!("failsim-junit-{}.xml", std::process::id()));
    let _ = std::fs::remove_file(&out);
    let (code, stdout, stderr) = failsim(&["check", "--junit", out.to_str().unwrap(), "tests/fixtures"]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    let xml = std::fs::read_to_string(&out).expect("the JUnit file is written");
    let _ = std::fs::remove_file(&out);
    assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites"), "{xml}");
    assert!(xml.contains("name=\"tests/fixtures/failing.ron\""), "{xml}");
    assert!(xml.contains("<failure message=\"1 of 1 expectations failed\" type=\"expectation\">"), "{xml}");
}

#[test]
fn graph_exits_0_and_prints_a_graph() {
    let (code, stdout, stderr) = failsim(&["graph", "scenarios/dm-stop-online.ron", "--at", "2m"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.starts_with("graph failsim {") && stdout.trim_end().ends_with('}'), "{stdout}");
    assert!(stdout.contains("graph") && stdout.contains("subgraph cluster_0") && stdout.contains(" -- "), "{stdout}");
}

/// The JSON report's trace is data (issue 22): every record an object with its kind and its
/// fields beside its canonical text, for every product and a world of several; the run, its
/// text and its hash are the same as without the data.
#[test]
fn the_json_trace_gives_every_records_kind_and_fields() {
    for file in [
        "scenarios/dm-stop-online.ron",
        "scenarios/cp-collision.ron",
        "scenarios/mrs-12011-stale-switchover.ron",
        "scenarios/flink-45641-link.ron",
        "scenarios/world-dm-beside-cp.ron",
        "scenarios/dm-standalone.ron",
    ] {
        let sc = load(file).expect("loads");
        let plain = failsim::run(&sc, None).unwrap();
        let data = failsim::run_with_data(&sc, None, failsim::Limits::default()).unwrap();
        assert_eq!(data.trace_hash, plain.trace_hash, "{file}: the data does not change the hash");
        let texts = |o: &failsim::Outcome| o.timeline.iter().map(|r| r.text.to_string()).collect::<Vec<_>>();
        assert_eq!(texts(&data), texts(&plain), "{file}: the same records");
        assert!(plain.timeline.iter().all(|r| r.data.is_none()), "{file}: data only when asked for");
        let json: serde_json::Value = serde_json::from_str(&failsim::report::json(&data)).unwrap();
        assert_eq!(json["schema_version"], 2, "{file}");
        let trace = json["trace"].as_array().unwrap();
        assert_eq!(trace.len(), plain.timeline.len(), "{file}");
        for (entry, line) in trace.iter().zip(plain.timeline.iter()) {
            assert_eq!(entry["at_ms"], line.at_ms, "{file}: {entry}");
            assert_eq!(entry["text"], line.text, "{file}: {entry}");
            let kind = entry["kind"].as_str().unwrap_or_else(|| panic!("{file}: a kind: {entry}"));
            assert!(!kind.is_empty() && kind.chars().next().unwrap().is_ascii_uppercase(), "{file}: a variant's name: {entry}");
            assert!(entry["fields"].is_object(), "{file}: fields as an object: {entry}");
        }
        let several = !data.others.is_empty();
        assert_eq!(trace.iter().all(|e| e["system"].is_string()), several, "{file}: systems named exactly in a world of several");
    }
}
