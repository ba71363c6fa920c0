//! A campaign's folder (FS-RESUME): checked before the first seed runs, its summary kept up to
//! date as chunks of seeds are folded (atomically: a kill at any point leaves the last one
//! whole), and read back to resume. The summary file is the JSON that `--format json` prints,
//! named after the campaign, so two campaigns (or two shards) on one folder never collide.

use super::campaign::{Identity, Summary};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// A summary as written: the results, and apart from them the wall-clock fields, which are
/// the only thing two runs of the same campaign may differ in (FS-MERGE).
#[derive(Clone, Debug, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SummaryFile {
    #[serde(flatten)]
    /// The results, as merged and resumed.
    pub summary: Summary,
    /// The wall-clock figures, which only describe this machine's sessions.
    pub timing: Timing,
}

/// Wall-clock figures of a campaign (never read by a run).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Timing {
    /// Wall-clock milliseconds spent on the campaign, over every session that resumed it.
    pub wall_ms: u64,
    /// Runs per wall-clock second over the campaign (integer, rounded down).
    pub runs_per_second: u64,
}

impl Timing {
    /// The figures for `runs` runs in `wall_ms` (a zero time counts as 1 ms).
    pub fn new(runs: u64, wall_ms: u64) -> Timing {
        Timing { wall_ms, runs_per_second: runs.saturating_mul(1000) / wall_ms.max(1) }
    }
}

/// A summary file as written: the header (`schema_version`, `failsim`) and the summary. A file
/// without the header (an older failsim's) reads the same.
#[derive(Serialize, schemars::JsonSchema)]
pub struct SummaryDocument<'a> {
    #[serde(flatten)]
    header: crate::runner::JsonHeader,
    #[serde(flatten)]
    file: &'a SummaryFile,
}

impl SummaryFile {
    /// The summary file's text (pretty JSON, with the header).
    pub fn json(&self) -> String {
        serde_json::to_string_pretty(&SummaryDocument { header: crate::runner::JsonHeader::now(), file: self }).expect("a summary serializes")
    }

    /// The JSON Schema of a summary file ([`SummaryFile::json`]).
    pub fn json_schema() -> String {
        crate::runner::json_schema::<SummaryDocument<'static>>()
    }

    /// Reads a summary file; a malformed one is an error at its line and column.
    pub fn read(path: &Path) -> Result<SummaryFile, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        serde_json::from_str(&text).map_err(|e| format!("{}:{}:{}: not a chaos summary: {e}", path.display(), e.line(), e.column()))
    }
}

/// The summary file's name in the campaign's folder.
pub fn file_name(id: &Identity) -> String {
    let shard = id.shard.map_or(String::new(), |s| format!("-shard-{}-of-{}", s.k, s.n));
    format!("chaos-summary-{}-seeds-{}-{}{shard}.json", id.target, id.seeds.start, id.seeds.end)
}

/// Creates the folder if it is missing and removes the temporary files that killed runs of
/// this tool left there; a folder that cannot be written fails here, before any seed runs.
pub fn prepare(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("--out {}: {e}", dir.display()))?;
    for entry in std::fs::read_dir(dir).map_err(|e| format!("--out {}: {e}", dir.display()))?.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if crate::scenario::stale_temporary(&name) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    Ok(())
}

/// Writes the summary (atomically).
pub fn save(dir: &Path, summary: &Summary, wall_ms: Option<fn() -> u64>, earlier_wall_ms: u64) -> Result<(), String> {
    let wall_ms = earlier_wall_ms.saturating_add(wall_ms.map_or(0, |f| f()));
    let file = SummaryFile { summary: summary.clone(), timing: Timing::new(summary.runs, wall_ms) };
    crate::scenario::write_atomically(&dir.join(file_name(&summary.campaign)), &(file.json() + "\n"))
}

/// The summary of the campaign `id` in `dir`, to continue it, and the wall-clock time spent on
/// it so far. A folder without it, or with another campaign's, is an error that says which.
pub fn resume(dir: &Path, id: &Identity) -> Result<(Summary, u64), String> {
    let path = dir.join(file_name(id));
    if !path.is_file() {
        let others = summaries_in(dir);
        let held = match others.is_empty() {
            true => "no chaos summary".to_string(),
            false => others.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", "),
        };
        return Err(format!(
            "--resume {}: no summary of this campaign ({}, expected {}); the folder holds {held}. Resume with the target, --seeds and --shard the campaign was started with",
            dir.display(),
            describe(id),
            path.display()
        ));
    }
    let file = SummaryFile::read(&path)?;
    let differs = differences(&file.summary.campaign, id);
    if !differs.is_empty() {
        return Err(format!(
            "--resume {}: {} is another campaign: {} (a resumed campaign must be the same one)",
            dir.display(),
            path.display(),
            differs.join("; ")
        ));
    }
    Ok((file.summary, file.timing.wall_ms))
}

/// A campaign in words: its target, seeds and shard.
pub fn describe(id: &Identity) -> String {
    let shard = id.shard.map_or(String::new(), |s| format!(", shard {s}"));
    format!("target {}, seeds {}..{}{shard}", id.target, id.seeds.start, id.seeds.end)
}

/// How two campaigns' identities differ, field by field, in words (empty: the same).
pub fn differences(found: &Identity, wanted: &Identity) -> Vec<String> {
    let mut out = Vec::new();
    let mut field = |name: &str, a: String, b: String| {
        if a != b {
            out.push(format!("{name} {a} there, {b} here"));
        }
    };
    field("target", found.target.clone(), wanted.target.clone());
    field("seeds", format!("{:?}", found.seeds), format!("{:?}", wanted.seeds));
    let shard = |s: Option<super::Shard>| s.map_or("none".to_string(), |s| s.to_string());
    field("shard", shard(found.shard), shard(wanted.shard));
    field("--check-determinism", found.check_determinism.to_string(), wanted.check_determinism.to_string());
    field("configuration (hash)", found.setup.clone(), wanted.setup.clone());
    field("failsim version", found.failsim.clone(), wanted.failsim.clone());
    out
}

fn summaries_in(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with("chaos-summary-")))
        .collect();
    found.sort();
    found
}
