//! The JSON contract (issue 22): every kind of JSON document failsim writes has a JSON Schema
//! generated from its types (`failsim schema KIND`), kept in `docs/schema/`, and each document
//! the commands print validates against it.

use std::path::Path;
use std::process::Command;

const KINDS: [&str; 6] = ["run", "check", "sweep", "explore", "diff", "chaos"];

fn failsim(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_failsim")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().expect("runs");
    (out.status.code().expect("exit code, not a signal"), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn schema(kind: &str) -> serde_json::Value {
    let (code, out, err) = failsim(&["schema", kind]);
    assert_eq!(code, 0, "failsim schema {kind}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("the {kind} schema is JSON: {e}"))
}

/// Validates `document` (the stdout of `args`) against the schema of `kind`; every error is
/// named with its place in the document.
fn validate(kind: &str, document: &str, what: &str) {
    let instance: serde_json::Value = serde_json::from_str(document).unwrap_or_else(|e| panic!("{what}: not JSON: {e}\n{document}"));
    let schema = schema(kind);
    let validator = jsonschema::validator_for(&schema).unwrap_or_else(|e| panic!("the {kind} schema is a valid schema: {e}"));
    let errors: Vec<String> = validator.iter_errors(&instance).map(|e| format!("  at {}: {e}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{what} does not match `failsim schema {kind}`:\n{}", errors.join("\n"));
    assert_eq!(instance["schema_version"], 2, "{what}: the header");
    assert_eq!(instance["failsim"], env!("CARGO_PKG_VERSION"), "{what}: the header");
}

#[test]
fn every_schema_is_kept_current_in_docs() {
    for kind in KINDS {
        let (_, printed, _) = failsim(&["schema", kind]);
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("docs/schema/{kind}.schema.json"));
        let kept = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            kept == printed,
            "{} is not what `failsim schema {kind}` prints: regenerate it with\n  failsim schema {kind} > docs/schema/{kind}.schema.json",
            path.display()
        );
    }
}

#[test]
fn a_schema_can_fail() {
    let document = r#"{"schema_version": 2, "failsim": "x", "passed": "yes"}"#;
    let instance: serde_json::Value = serde_json::from_str(document).unwrap();
    let validator = jsonschema::validator_for(&schema("run")).unwrap();
    assert!(!validator.is_valid(&instance), "a run report without its fields, with `passed` a string, is refused");
}

#[test]
fn run_reports_match_their_schema() {
    for file in ["scenarios/dm-stop-online.ron", "scenarios/cp-collision.ron", "scenarios/world-dm-beside-cp.ron", "scenarios/mrs-12011-stale-switchover.ron"] {
        let (code, out, err) = failsim(&["run", file, "--format", "json"]);
        assert_eq!(code, 0, "{file}: {err}");
        validate("run", &out, file);
    }
}

#[test]
fn check_sweep_explore_and_diff_documents_match_their_schemas() {
    let (code, out, err) = failsim(&["check", "tests/fixtures/failing.ron", "scenarios/dm-stop-online.ron", "tests/bad/bad-ip.ron", "--format", "json"]);
    assert_eq!(code, 2, "a file cannot run: {err}");
    validate("check", &out, "check");
    let (_, out, err) = failsim(&["sweep", "scenarios/dm-stop-online.ron", "--vary", "heartbeats[*].interval=5s,30s", "--format", "json"]);
    assert!(!out.is_empty(), "sweep: {err}");
    validate("sweep", &out, "sweep");
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().to_str().unwrap();
    let (_, out, err) = failsim(&["explore", "tests/explore/quiet.ron", "--depth", "1", "--out", out_dir, "--format", "json"]);
    assert!(!out.is_empty(), "explore: {err}");
    validate("explore", &out, "explore");
    let (_, out, err) = failsim(&[
        "diff",
        "scenarios/dm-ki-offline-nosync.ron",
        "--set",
        "main.version=10.4.0 CU12",
        "--set",
        "backup.version=10.4.0 CU12",
        "--format",
        "json",
    ]);
    assert!(!out.is_empty(), "diff: {err}");
    validate("diff", &out, "diff");
}

#[test]
fn a_chaos_summary_matches_its_schema() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().to_str().unwrap();
    let (code, out, err) = failsim(&["chaos", "dataminer", "--seeds", "0..3", "--out", out_dir, "--format", "json"]);
    assert!(code == 0 || code == 1, "chaos: {err}");
    validate("chaos", &out, "chaos --format json");
    let summary =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().path()).find(|p| p.extension().is_some_and(|x| x == "json")).expect("a summary file");
    validate("chaos", &std::fs::read_to_string(&summary).unwrap(), "the summary file");
}
