//! A project's own scenario folder run through failsim as a library: every `.ron` file below
//! the folder is parsed and run, and each expectation that failed is listed with what was
//! expected and what the run showed (a file that cannot be run is listed with its error at its
//! line and column). README.md ("Use it as a library") shows the same function as a user's
//! `cargo test`; tests/readme.rs checks that each `rust` block of the README is in this file.
//!
//! `cargo run --example scenario_folder -- scenarios/` (exit 0: every expectation held; 1: one
//! failed; 2: the folder cannot be read).

use std::path::Path;

/// Every scenario below `dir`, run with its own seed: one line for each failed expectation
/// (file, SPEC IDs, claim, expected against actual) and for each file that cannot run.
fn failures(dir: &Path) -> Result<Vec<String>, failsim::ScenarioError> {
    let mut failed = Vec::new();
    for path in failsim::discover(dir)? {
        let outcome = match failsim::load(&path) {
            Ok(scenario) => failsim::run(&scenario, None).map_err(|e| format!("{}: cannot run: {e}", path.display())),
            Err(e) => Err(e.to_string()),
        };
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(line) => {
                failed.push(line);
                continue;
            }
        };
        for e in &outcome.expectations {
            if let Some(f) = &e.failure {
                let (file, ids, at) = (path.display(), e.ids.join(", "), failsim::clock(f.at_ms));
                failed.push(format!("{file}: [{ids}] {}: {}: expected {}, actual {} at {at}", e.when, e.claim, f.expected, f.actual));
            }
        }
    }
    Ok(failed)
}

#[test]
fn every_scenario_holds() {
    let failed = failures(Path::new("scenarios")).unwrap_or_else(|e| panic!("{e}"));
    assert!(failed.is_empty(), "{} failed:\n{}", failed.len(), failed.join("\n"));
}

fn main() -> std::process::ExitCode {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "scenarios".into());
    match failures(Path::new(&dir)) {
        Ok(failed) if failed.is_empty() => std::process::ExitCode::SUCCESS,
        Ok(failed) => {
            eprintln!("{} failed:\n{}", failed.len(), failed.join("\n"));
            std::process::ExitCode::from(1)
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::from(2)
        }
    }
}
