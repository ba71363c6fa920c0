//! `failsim check --format json`: one document for a folder of scenarios, typed so that its
//! JSON Schema comes from these types.

use crate::runner::{ExpectationResult, JsonHeader, Outcome, Warned};
use std::collections::BTreeMap;

/// The document: the header, the counts, each scenario's result, the rules fired and, apart
/// under `timing`, the wall-clock times (the only part two runs may differ in).
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct CheckReport {
    #[serde(flatten)]
    header: JsonHeader,
    /// Scenarios whose expectations all held (and, with `--deny-warnings`, without warnings).
    pub passed: usize,
    /// Scenarios that ran and did not pass.
    pub failed: usize,
    /// Files that could not be run.
    pub errors: usize,
    /// Each file, in the order checked.
    pub scenarios: Vec<CheckedScenario>,
    /// Per documented rule: the scenarios it fired in, and its hits (FS-COVERAGE).
    pub rules: BTreeMap<String, RuleHits>,
    /// Wall-clock times, apart from the results.
    pub timing: CheckTiming,
}

impl CheckReport {
    /// A report of `scenarios` with their counts and rules.
    pub fn new(counts: [usize; 3], scenarios: Vec<CheckedScenario>, rules: BTreeMap<String, RuleHits>, timing: CheckTiming) -> Self {
        let [passed, failed, errors] = counts;
        CheckReport { header: JsonHeader::now(), passed, failed, errors, scenarios, rules, timing }
    }

    /// The document, pretty-printed.
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a check report serializes")
    }
}

/// One file of a check: what its run showed, or why it could not run.
#[derive(Clone, serde::Serialize, schemars::JsonSchema)]
#[serde(untagged)]
pub enum CheckedScenario {
    /// It ran.
    Ran {
        /// The file as named.
        path: String,
        /// The scenario's name.
        name: String,
        /// Its systems' products.
        system: String,
        /// Whether it passed (warnings denied included).
        passed: bool,
        /// How many expectations it checked.
        expectations: usize,
        /// The expectations that failed, each with expected, actual and when.
        failed: Vec<ExpectationResult>,
        /// What the vendors' documents warn against in its configuration (FS-LINT).
        warnings: Vec<Warned>,
        /// Events handled.
        events: u64,
        /// The trace hash, 16 hex digits.
        trace_hash: String,
    },
    /// It could not run.
    Broken {
        /// The file as named.
        path: String,
        /// Why.
        error: String,
    },
}

impl CheckedScenario {
    /// A file that ran, as `outcome` shows it.
    pub fn ran(path: &str, outcome: &Outcome, passed: bool) -> Self {
        let failed = outcome.expectations.iter().filter(|e| e.failure.is_some()).cloned().collect();
        CheckedScenario::Ran {
            path: path.to_string(),
            name: outcome.name.clone(),
            system: outcome.system.clone(),
            passed,
            expectations: outcome.expectations.len(),
            failed,
            warnings: outcome.warnings.clone(),
            events: outcome.events,
            trace_hash: format!("{:016x}", outcome.trace_hash),
        }
    }
}

/// A rule's figures over a check.
#[derive(Clone, Copy, Default, serde::Serialize, schemars::JsonSchema)]
pub struct RuleHits {
    /// The scenarios it fired in.
    pub scenarios: u64,
    /// How often it fired in all.
    pub hits: u64,
}

/// The wall-clock part of a check.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct CheckTiming {
    /// Each file's wall-clock milliseconds.
    pub scenarios: Vec<ScenarioTiming>,
}

/// One file's wall-clock time.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct ScenarioTiming {
    /// The file as named.
    pub path: String,
    /// Wall-clock milliseconds its run took.
    pub wall_ms: u64,
}

/// The JSON Schema of [`CheckReport`].
pub fn json_schema() -> String {
    crate::runner::json_schema::<CheckReport>()
}
