//! `failsim import` (FS-IMPORT, DM-INSTALLCONFIG): the two examples of DataMiner's unattended
//! installation page, typed in from the page (`tests/fixtures/import/`), become scenarios that
//! run; the page's malformed first example and the other bad files get located errors; what the
//! documents warn against is said at the XML line.

use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import").join(name)
}

/// The import of a fixture, named by its file name (so errors and output do not hold a path).
fn import(name: &str) -> Result<failsim::import::Imported, failsim::ScenarioError> {
    let text = std::fs::read_to_string(fixture(name)).expect("fixture");
    failsim::import::import(Path::new(name), &text)
}

fn imported(name: &str) -> failsim::import::Imported {
    import(name).unwrap_or_else(|e| panic!("{e}"))
}

fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s
}

fn parse(text: &str) -> failsim::Scenario {
    failsim::parse(Path::new("imported.ron"), text).unwrap_or_else(|e| panic!("{e}"))
}

/// Runs a generated scenario with `script` in place of its empty one.
fn run_with_script(text: &str, script: &str) -> failsim::Outcome {
    let text = text.replacen("    script: [],", &format!("    script: [{script}],"), 1);
    failsim::run(&parse(&text), None).expect("runs")
}

#[test]
fn the_first_example_corrected_imports_as_two_pairs_and_a_standalone_agent() {
    let i = imported("three-dmas-one-pair-fixed.xml");
    assert_eq!((i.pairs, i.standalone), (2, 1));
    let warnings: Vec<String> = i.warnings.iter().map(ToString::to_string).collect();
    settings().bind(|| {
        insta::assert_snapshot!("import_three_dmas_one_pair_fixed", i.scenario);
        insta::assert_snapshot!("import_three_dmas_one_pair_fixed_warnings", warnings.join("\n"));
    });
}

#[test]
fn the_cassandra_example_with_a_pair_stores_in_the_seed_hosts() {
    let i = imported("cassandra-cluster-with-pair.xml");
    assert_eq!((i.pairs, i.standalone), (1, 2));
    assert!(i.scenario.contains("storage: Cluster(cassandra: [\"SLC-H70-G01\", \"SLC-H70-G02\", \"SLC-H70-G03\"])"), "{}", i.scenario);
    assert!(i.scenario.contains("version: \"10.0.12\""), "DataMinerVersion mapped: {}", i.scenario);
    settings().bind(|| insta::assert_snapshot!("import_cassandra_cluster_with_pair", i.scenario));
}

#[test]
fn each_imported_scenario_runs_and_its_expectations_hold() {
    for name in ["three-dmas-one-pair-fixed.xml", "cassandra-cluster.xml", "cassandra-cluster-with-pair.xml", "lint-warnings.xml"] {
        let i = imported(name);
        let outcome = failsim::run(&parse(&i.scenario), None).expect("runs");
        assert!(outcome.passed(), "{name}:\n{}", failsim::report::text(&outcome));
        assert_eq!(outcome.expectations.len(), i.pairs + i.standalone, "{name}: one expectation per pair and per standalone agent");
    }
}

/// The page's first example as printed: an `<IP2>` opened twice and never closed.
#[test]
fn the_first_example_as_printed_is_a_located_error() {
    let e = import("three-dmas-one-pair.xml").expect_err("not well-formed");
    assert_eq!((e.line, e.col), (34, 7), "{e}");
    settings().bind(|| insta::assert_snapshot!("import_three_dmas_one_pair_as_printed", e.to_string()));
}

/// The page's second example: three standalone agents, each a node of one Cassandra cluster
/// and of its own search database (`localhost`), DM-STANDALONE and DM-STORAGE-SEPARATE.
#[test]
fn the_cassandra_example_as_printed_imports_as_three_standalone_agents() {
    let i = imported("cassandra-cluster.xml");
    assert_eq!((i.pairs, i.standalone), (0, 3));
    assert!(i.scenario.contains("system: DataMinerAgent("), "{}", i.scenario);
    settings().bind(|| insta::assert_snapshot!("import_cassandra_cluster_as_printed", i.scenario));
}

#[test]
fn import_errors_of_malformed_files() {
    settings().bind(|| {
        insta::glob!("fixtures/import", "bad-*.xml", |path| {
            let name = path.file_name().expect("a file").to_string_lossy().into_owned();
            let e = import(&name).expect_err("bad input");
            assert!(e.line > 0, "{name}: located: {e}");
            insta::assert_snapshot!(e.to_string());
        });
    });
}

#[test]
fn lint_points_at_the_xml_lines() {
    let i = imported("lint-warnings.xml");
    let warnings: Vec<String> = i.warnings.iter().map(ToString::to_string).collect();
    for expected in
        ["has 24 characters", "`<IP2>` without `<Failover2>`", "outside 10.20.1.0/24", "not one of the page's subtags", "DataMiner ID 200", "is also `<IP1>`"]
    {
        assert!(warnings.iter().any(|w| w.contains(expected)), "no warning with {expected:?}: {warnings:#?}");
    }
    settings().bind(|| insta::assert_snapshot!("import_lint_warnings", warnings.join("\n")));
}

/// The subnet's switch of the first example fails: every pair loses service (each inverted
/// heartbeat pings the router there, so each online DMA goes offline; DM-HB-INVERTED).
#[test]
fn failing_the_shared_subnet_switch_takes_both_pairs_down() {
    let i = imported("three-dmas-one-pair-fixed.xml");
    let o = run_with_script(&i.scenario, "(at: \"1m\", do: FailSwitch(\"switch 10.11.0.0/16\")), (at: \"3m\", do: RestoreSwitch(\"switch 10.11.0.0/16\"))");
    let systems = [(&o.system_name, &o.metrics), (&o.others[0].name, &o.others[0].metrics)];
    for (name, m) in systems {
        assert!(m.downtime_ms >= 2 * 60_000, "{name} keeps serving: {m:?}");
    }
}

/// In the Cassandra example the pair's subnet is 10.11.1.0/24 and the other seeds sit on their
/// own /24s behind the router: losing one of them leaves a quorum (2 of 3) and the pair serving;
/// losing the pair's own switch takes it down.
#[test]
fn which_switch_takes_the_cassandra_pair_down() {
    let i = imported("cassandra-cluster-with-pair.xml");
    let other = run_with_script(&i.scenario, "(at: \"1m\", do: FailSwitch(\"switch 10.11.2.0/24\"))");
    assert_eq!(other.metrics.downtime_ms, 0, "one seed of three lost: {:?}", other.metrics);
    let own = run_with_script(&i.scenario, "(at: \"1m\", do: FailSwitch(\"switch 10.11.1.0/24\"))");
    assert!(own.metrics.downtime_ms >= 8 * 60_000, "the pair's own switch: {:?}", own.metrics);
}

#[test]
fn set_overrides_work_on_an_imported_file() {
    let i = imported("three-dmas-one-pair-fixed.xml");
    let sc = parse(&i.scenario);
    let sets = ["systems[2].system.heartbeats[*].max_failures=6".to_string(), "systems[0].system.switch_time=848s".to_string()];
    let changed = failsim::apply_overrides(&sc, &sets).expect("overrides apply");
    let text = failsim::to_ron(&changed).expect("writes");
    assert!(text.contains("max_failures: 6"), "{text}");
    assert!(text.contains("switch_time: \"14m8s\""), "{text}");
    assert!(failsim::run(&changed, None).expect("runs").passed());
}

#[test]
fn an_import_is_the_same_bytes_every_time() {
    let a = imported("three-dmas-one-pair-fixed.xml").scenario;
    assert_eq!(a, imported("three-dmas-one-pair-fixed.xml").scenario);
}

#[test]
fn input_beyond_the_limits_is_refused() {
    let big = format!("<DMS>{}</DMS>", " ".repeat(failsim::import::MAX_XML_BYTES));
    let e = failsim::import::import(Path::new("big.xml"), &big).expect_err("too big");
    assert!(e.message.contains("bytes"), "{e}");
    let dma = |i: usize| format!("<DMA><MachineName>M{i}</MachineName><IP>10.{}.{}.1</IP></DMA>", i / 256, i % 256);
    let many = format!("<DMS>{}</DMS>", (0..=failsim::import::MAX_DMAS).map(dma).collect::<String>());
    let e = failsim::import::import(Path::new("many.xml"), &many).expect_err("too many");
    assert!(e.message.contains("more than 1000 `<DMA>` tags"), "{e}");
}

/// A database server's address with a leading zero is refused at its tag, as any address of the
/// file is, not taken for a host name.
#[test]
fn a_database_server_with_a_leading_zero_is_refused() {
    let with = |database: &str| format!("<DMS>\n<DMA><MachineName>M</MachineName><IP>10.0.0.1</IP>\n{database}\n</DMA></DMS>");
    let cases = [
        ("<DataBase type=\"Cassandra\"><DBServer>localhost, 10.0.0.05</DBServer></DataBase>", 3, 28, "`10.0.0.05` in `<DBServer>`"),
        ("<SearchDataBase><DBServer>10.0.00.9</DBServer></SearchDataBase>", 3, 17, "`10.0.00.9` in `<DBServer>`"),
    ];
    for (database, line, col, what) in cases {
        let e = failsim::import::import(Path::new("db.xml"), &with(database)).expect_err(database);
        assert_eq!((e.line, e.col), (line, col), "{e}");
        assert!(e.message.starts_with(what) && e.message.contains("has a leading zero"), "{e}");
    }
    assert!(failsim::import::import(Path::new("db.xml"), &with("<DataBase type=\"Cassandra\"><DBServer>localhost</DBServer></DataBase>")).is_ok());
}

/// The binary: the scenario on stdout (or `--out`), warnings on stderr, exit 2 on bad input.
#[test]
fn the_cli_writes_the_scenario_and_exits_2_on_bad_input() {
    let bin = env!("CARGO_BIN_EXE_failsim");
    let bad = std::process::Command::new(bin).arg("import").arg(fixture("three-dmas-one-pair.xml")).output().expect("runs");
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("three-dmas-one-pair.xml:34:7: not well-formed XML"), "{}", String::from_utf8_lossy(&bad.stderr));
    let dir = tempfile::tempdir().expect("a temporary folder");
    let out = dir.path().join("dms.ron");
    let ok = std::process::Command::new(bin).arg("import").arg(fixture("three-dmas-one-pair-fixed.xml")).arg("--out").arg(&out).output().expect("runs");
    assert_eq!(ok.status.code(), Some(0), "{}", String::from_utf8_lossy(&ok.stderr));
    assert!(String::from_utf8_lossy(&ok.stderr).contains("2 Failover pair(s), 1 standalone agent(s)"), "{}", String::from_utf8_lossy(&ok.stderr));
    let run = std::process::Command::new(bin).arg("run").arg(&out).output().expect("runs");
    assert_eq!(run.status.code(), Some(0), "{}", String::from_utf8_lossy(&run.stdout));
}

/// `scenarios/import-dms-subnet-switch.ron` and `scenarios/import-dms-cassandra-cluster.ron`
/// are these imports with a script and expectations: their world and systems stay what the
/// import makes.
#[test]
fn the_imported_scenarios_in_scenarios_are_what_the_import_makes() {
    for (scenario, xml) in [("import-dms-subnet-switch.ron", "three-dmas-one-pair-fixed.xml"), ("import-dms-cassandra-cluster.ron", "cassandra-cluster.xml")] {
        let kept = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(scenario)).expect("the scenario");
        let made = imported(xml).scenario;
        let part = |s: &str| s[s.find("    world: (").expect("a world")..s.find("    script:").expect("a script")].to_string();
        assert_eq!(part(&kept), part(&made), "regenerate the world and systems of scenarios/{scenario} with failsim import");
    }
}

/// Untrusted input (FS-LIMITS): the corrected first example with bytes cut, repeated or
/// replaced anywhere imports or fails with a located error, and never panics. Seeded, so a
/// failure replays.
#[test]
fn a_damaged_file_never_panics_the_import() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
    let text = std::fs::read_to_string(fixture("three-dmas-one-pair-fixed.xml")).expect("fixture");
    let config = Config { cases: 256, failure_persistence: None, ..Config::default() };
    let mut runner = TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[20; 32]));
    let edit = (0..text.len(), 0usize..40, prop::sample::select(vec!["", "<", ">", "/", "1", ".", "<DMA>", "</IP1>", "&", "\u{0}", "é"]));
    let edits = prop::collection::vec(edit, 1..4);
    runner
        .run(&edits, |edits| {
            let mut damaged = text.clone().into_bytes();
            for (at, cut, with) in edits {
                let at = at.min(damaged.len());
                let end = (at + cut).min(damaged.len());
                damaged.splice(at..end, with.bytes());
            }
            let damaged = String::from_utf8_lossy(&damaged).into_owned();
            if let Err(e) = failsim::import::import(Path::new("damaged.xml"), &damaged) {
                prop_assert!(!e.message.is_empty());
            }
            Ok(())
        })
        .unwrap_or_else(|e| panic!("{e}"));
}
