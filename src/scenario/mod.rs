//! Scenario files: RON documents that name a system and its configuration, a seed, a script of
//! timed actions, an end time and expectations. Parsing is strict — unknown fields are errors —
//! and every error points at `file:line:col` with the offending line.

mod error;
pub mod overrides;

pub use error::ScenarioError;

use crate::action::Action;
use crate::check::{Expectation, Vocabulary, with_vocabulary};
use crate::dataminer;
use crate::engine::Ms;
use serde::{Deserialize, Serialize};
use std::cell::Cell;
use std::path::Path;

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scenario {
    pub name: String,
    /// What the scenario checks, and where the documented outcome comes from.
    pub doc: String,
    #[serde(default)]
    pub seed: u64,
    pub system: System,
    #[serde(default)]
    pub script: Vec<Step>,
    pub end: Ms,
    #[serde(default)]
    pub expect: Vec<Expectation>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum System {
    /// DataMiner Failover (SPEC §1–2).
    DataMiner(dataminer::Config),
    /// MRS Manager active/standby (SPEC §3).
    MrsManager(crate::mrs_manager::Config),
    /// MRS FlinkServer active/standby (SPEC §4).
    FlinkServer(crate::flinkserver::Config),
    /// Check Point Management High Availability (SPEC §5).
    CheckPoint(crate::checkpoint::Config),
}

impl System {
    pub fn label(&self) -> &'static str {
        match self {
            System::DataMiner(_) => "DataMiner Failover",
            System::MrsManager(_) => "MRS Manager",
            System::FlinkServer(_) => "MRS FlinkServer",
            System::CheckPoint(_) => "Check Point Management HA",
        }
    }

    fn validate(&self) -> Result<(), String> {
        match self {
            System::DataMiner(c) => c.validate(),
            System::MrsManager(c) => c.validate(),
            System::FlinkServer(c) => c.validate(),
            System::CheckPoint(c) => c.validate(),
        }
    }

    /// The script actions this system supports.
    pub fn supported_actions(&self) -> Vec<&'static str> {
        match self {
            System::DataMiner(_) => dataminer::SUPPORTED_ACTIONS.to_vec(),
            System::MrsManager(_) => crate::activestandby::SUPPORTED_ACTIONS.to_vec(),
            System::FlinkServer(_) => crate::activestandby::SUPPORTED_ACTIONS.iter().copied().filter(|a| !a.contains("Resource")).collect(),
            System::CheckPoint(_) => crate::checkpoint::SUPPORTED_ACTIONS.to_vec(),
        }
    }
}

/// One timed action of the script.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, try_from = "RawStep")]
pub struct Step {
    pub at: Ms,
    #[serde(rename = "do")]
    pub action: Action,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    at: Ms,
    #[serde(rename = "do")]
    action: Action,
}

impl TryFrom<RawStep> for Step {
    type Error = String;
    fn try_from(raw: RawStep) -> Result<Self, String> {
        check_time(raw.at, "this step")?;
        Ok(Step { at: raw.at, action: raw.action })
    }
}

thread_local! {
    /// The scenario's end time during a second, locating parse (see [`parse`]).
    static END_MS: Cell<Option<u64>> = const { Cell::new(None) };
}

/// Checks a time against the scenario's end (only during the locating pass).
pub(crate) fn check_time(t: Ms, what: &str) -> Result<(), String> {
    match END_MS.with(Cell::get) {
        Some(end) if t.0 > end => Err(format!("{what} is at {t}, after the scenario's end ({})", Ms(end))),
        _ => Ok(()),
    }
}

#[derive(Deserialize)]
#[serde(rename = "Scenario")]
struct EndOnly {
    end: Ms,
}

/// Only which system a file is about: its variant name, content skipped.
#[derive(Deserialize)]
#[serde(rename = "Scenario")]
struct SystemOnly {
    system: SystemTag,
}

#[derive(Deserialize)]
enum SystemTag {
    DataMiner(serde::de::IgnoredAny),
    MrsManager(serde::de::IgnoredAny),
    FlinkServer(serde::de::IgnoredAny),
    CheckPoint(serde::de::IgnoredAny),
}

impl SystemTag {
    fn vocabulary(&self) -> Vocabulary {
        match self {
            SystemTag::DataMiner(_) => Vocabulary::DataMiner,
            SystemTag::MrsManager(_) | SystemTag::FlinkServer(_) => Vocabulary::ActiveStandby,
            SystemTag::CheckPoint(_) => Vocabulary::CheckPoint,
        }
    }
}

fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES | ron::extensions::Extensions::IMPLICIT_SOME)
}

/// Parses and validates a scenario. `path` only names the file in errors.
///
/// Checks that need the whole file (a step after the end) run in a second pass that knows the
/// end time, so that even those errors point at the offending line.
pub fn parse(path: &Path, src: &str) -> Result<Scenario, ScenarioError> {
    // The system decides the vocabulary of the claims; a file that does not even say which
    // system it is about fails below with a located error anyway.
    let vocabulary = ron_options().from_str::<SystemOnly>(src).map_or(Vocabulary::DataMiner, |s| s.system.vocabulary());
    with_vocabulary(vocabulary, || parse_in(path, src))
}

fn parse_in(path: &Path, src: &str) -> Result<Scenario, ScenarioError> {
    let opts = ron_options();
    let scenario: Scenario = opts.from_str(src).map_err(|e| ScenarioError::from_ron(path, src, &e))?;
    let end = opts.from_str::<EndOnly>(src).map(|e| e.end.0).unwrap_or(scenario.end.0);
    let late = scenario.script.iter().any(|s| s.at.0 > end) || scenario.expect.iter().any(|e| e.when.latest_ms() > end);
    if late {
        END_MS.with(|c| c.set(Some(end)));
        let located = opts.from_str::<Scenario>(src);
        END_MS.with(|c| c.set(None));
        if let Err(e) = located {
            return Err(ScenarioError::from_ron(path, src, &e));
        }
    }
    scenario.system.validate().map_err(|m| ScenarioError::at_word(path, src, "system", &m))?;
    let supported = scenario.system.supported_actions();
    for (i, step) in scenario.script.iter().enumerate() {
        if !supported.contains(&step.action.kind()) {
            let m = format!("{} does not support the action `{}`; it supports: {}", scenario.system.label(), step.action.kind(), supported.join(", "));
            return Err(ScenarioError::at_nth(path, src, "do:", i, &m));
        }
    }
    for (i, e) in scenario.expect.iter().enumerate() {
        e.validate().map_err(|m| ScenarioError::at_nth(path, src, "ids:", i, &m))?;
    }
    Ok(scenario)
}

/// A scenario as a file, in the format `parse` reads (it reads back to the same scenario).
pub fn to_ron(scenario: &Scenario) -> Result<String, String> {
    let pretty = ron::ser::PrettyConfig::new().struct_names(false).depth_limit(3);
    ron_options().to_string_pretty(scenario, pretty).map(|s| s + "\n").map_err(|e| e.to_string())
}

/// A scenario from its JSON form (claims read in the vocabulary of `like`'s system).
pub(crate) fn deserialize_json(like: &Scenario, value: serde_json::Value) -> Result<Scenario, String> {
    let text = serde_json::to_string(&value).map_err(|e| e.to_string())?;
    let vocabulary = ron_options().from_str::<SystemOnly>(&to_ron(like)?).map_or(Vocabulary::DataMiner, |s| s.system.vocabulary());
    // serde_json's position is in the generated JSON, not in anything the user wrote: drop it.
    let without_position = |e: serde_json::Error| e.to_string().split(" at line ").next().unwrap_or_default().to_string();
    with_vocabulary(vocabulary, || serde_json::from_str(&text).map_err(without_position))
}

/// Writes a file through a temporary file and a rename, so an interrupted run leaves no half
/// file (repro and explore scenario files).
pub fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let tmp = path.with_extension("ron.tmp");
    std::fs::write(&tmp, text).map_err(|e| format!("{}: {e}", tmp.display()))?;
    std::fs::rename(&tmp, path).map_err(|e| format!("{}: {e}", path.display()))
}

/// Reads and parses a scenario file.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let src = std::fs::read_to_string(path).map_err(|e| ScenarioError::io(path, &e))?;
    parse(path, &src)
}

/// Every `*.ron` file below `root` (or `root` itself), in sorted order.
pub fn discover(root: &Path) -> Result<Vec<std::path::PathBuf>, ScenarioError> {
    if root.is_file() {
        return Ok(vec![root.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| ScenarioError::io(&dir, &e))?;
        for entry in entries {
            let path = entry.map_err(|e| ScenarioError::io(&dir, &e))?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| x == "ron") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}
