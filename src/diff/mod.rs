//! `failsim diff` (FS-DIFF): two runs — two files, a file and itself with overrides, or a file on
//! this binary and another — compared record by record. It names the first instant where the
//! traces part (and the system whose record it is, in a world of several), shows the records
//! around it on each side, what an operator saw on each side then, and the metrics of both at
//! the end with their differences.
//!
//! A side is read either from a run here (its scenario is kept, so the operator's view at the
//! parting instant is the full view, re-run to that instant) or from another binary's JSON
//! report (the view at an instant is what the report keeps: each node's lane and the alarm
//! consoles with their raise and clear times).

mod state;
#[cfg(test)]
mod tests;
mod text;

pub use state::{NodeState, SystemState, Writes};
pub use text::text;

use crate::engine::Time;
use crate::metrics::Metrics;
use crate::runner::{Outcome, RunError};
use crate::scenario::{Scenario, ScenarioError};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// One run to compare.
#[derive(Clone, Debug)]
pub struct Side {
    /// What ran, as the command line said it (`scenarios/x.ron --set k=v`).
    pub label: String,
    /// The run's trace hash (the same as its report's `trace_hash`).
    pub hash: u64,
    /// Events the run handled.
    pub events: u64,
    /// The run's trace records, in order.
    pub trace: Vec<Line>,
    /// Each system at the end, in world order.
    pub systems: Vec<SystemEnd>,
    lanes: Vec<Lane>,
    /// The scenario run here (`None`: read from another binary's report).
    scenario: Option<Scenario>,
}

/// A trace record: when, its text, and the system that recorded it (when known: a report's
/// JSON does not say).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Line {
    /// Virtual time of the record.
    pub at_ms: Time,
    /// The record as the trace prints it.
    pub text: String,
    #[serde(skip)]
    /// The system's index in world order.
    pub system: Option<u16>,
}

/// A system at the end of a run: its name, nodes, metrics and every alarm its consoles showed.
#[derive(Clone, Debug)]
pub struct SystemEnd {
    /// The system's name in the world.
    pub name: String,
    /// Its nodes' names, in order.
    pub nodes: Vec<String>,
    /// Its availability metrics at the end.
    pub metrics: Metrics,
    /// Every alarm its consoles showed over the run.
    pub alarms: Vec<AlarmLine>,
}

/// One line of an alarm console, with the console's name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AlarmLine {
    /// (A report lists alarms under their console: it is set from there.)
    #[serde(default)]
    pub console: String,
    /// The alarm's severity word, as the console shows it.
    pub severity: String,
    /// The alarm's text.
    pub text: String,
    /// When it was raised.
    pub raised_ms: Time,
    /// When it was cleared (`None`: still standing at the end).
    pub cleared_ms: Option<Time>,
}

/// A timeline lane as a report keeps it: `(from_ms, to_ms, state word)`.
#[derive(Clone, Debug, Deserialize)]
struct Lane {
    name: String,
    segments: Vec<(Time, Time, String)>,
}

impl Side {
    /// A run of `scenario` here.
    pub fn local(label: String, scenario: &Scenario, outcome: &Outcome) -> Side {
        let trace = outcome.timeline.iter().map(|l| Line { at_ms: l.at_ms, text: l.text.to_string(), system: Some(l.system) }).collect();
        let firsts = std::iter::once((&outcome.system_name, &outcome.revised, &outcome.metrics));
        let all = firsts.chain(outcome.others.iter().map(|o| (&o.name, &o.revised, &o.metrics)));
        let systems = all
            .map(|(name, view, metrics)| SystemEnd {
                name: name.clone(),
                nodes: view.nodes.iter().map(|n| n.name.clone()).collect(),
                metrics: metrics.clone(),
                alarms: view.consoles.iter().flat_map(|(c, alarms)| alarms.iter().map(move |a| alarm_line(c, a))).collect(),
            })
            .collect();
        let lanes =
            outcome.lanes.iter().map(|l| Lane { name: l.name.clone(), segments: l.segments.iter().map(|(a, b, s)| (*a, *b, s.word.clone())).collect() });
        Side { label, hash: outcome.trace_hash, events: outcome.events, trace, systems, lanes: lanes.collect(), scenario: Some(scenario.clone()) }
    }

    /// A run read from a JSON report (`failsim run FILE --format json`, of this or another
    /// failsim binary).
    pub fn from_report(label: String, json: &str) -> Result<Side, String> {
        let r: Report = serde_json::from_str(json).map_err(|e| format!("{label}: not a failsim JSON report: {e}"))?;
        let hash = u64::from_str_radix(&r.trace_hash, 16).map_err(|_| format!("{label}: trace_hash `{}` is not 16 hex digits", r.trace_hash))?;
        let first = ReportSystem { name: r.system_name, revised: r.revised, metrics: r.metrics };
        let systems = std::iter::once(first).chain(r.others).map(ReportSystem::into_end).collect();
        let trace = r.trace.into_iter().map(|entry| entry.into_line()).collect();
        Ok(Side { label, hash, events: r.events, trace, systems, lanes: r.lanes, scenario: None })
    }
}

fn alarm_line(console: &str, a: &crate::ops::Alarm) -> AlarmLine {
    let (severity, text) = (a.severity.label().to_string(), a.text.clone());
    AlarmLine { console: console.to_string(), severity, text, raised_ms: a.raised_ms, cleared_ms: a.cleared_ms }
}

/// A JSON report's trace entry: an object (schema 2 on) or a `[time, text]` pair (schema 1: an
/// older failsim's report, `diff --other-bin`).
#[derive(Deserialize)]
#[serde(untagged)]
enum TraceEntry {
    Record { at_ms: Time, text: String },
    Pair(Time, String),
}

impl TraceEntry {
    fn into_line(self) -> Line {
        let (at_ms, text) = match self {
            TraceEntry::Record { at_ms, text } | TraceEntry::Pair(at_ms, text) => (at_ms, text),
        };
        Line { at_ms, text, system: None }
    }
}

/// The parts of a JSON report a diff reads.
#[derive(Deserialize)]
struct Report {
    trace_hash: String,
    events: u64,
    trace: Vec<TraceEntry>,
    #[serde(default)]
    system_name: String,
    revised: ReportView,
    metrics: Metrics,
    #[serde(default)]
    others: Vec<ReportSystem>,
    #[serde(default)]
    lanes: Vec<Lane>,
}

#[derive(Deserialize)]
struct ReportSystem {
    name: String,
    revised: ReportView,
    metrics: Metrics,
}

#[derive(Deserialize)]
struct ReportView {
    nodes: Vec<ReportNode>,
    consoles: Vec<(String, Vec<AlarmLine>)>,
}

#[derive(Deserialize)]
struct ReportNode {
    name: String,
}

impl ReportSystem {
    fn into_end(self) -> SystemEnd {
        let alarms = self.revised.consoles.into_iter().flat_map(|(c, alarms)| alarms.into_iter().map(move |a| AlarmLine { console: c.clone(), ..a }));
        SystemEnd { name: self.name, nodes: self.revised.nodes.into_iter().map(|n| n.name).collect(), metrics: self.metrics, alarms: alarms.collect() }
    }
}

/// Two runs compared.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Diff {
    /// The first run in brief.
    pub a: Summary,
    /// The second run in brief.
    pub b: Summary,
    /// The same trace, the same events handled and the same metrics.
    pub same: bool,
    /// Where the traces part (`None`: they do not).
    pub parting: Option<Parting>,
    /// Each system's metrics at the end, side by side (with their total in a world of several).
    pub metrics: Vec<SystemMetrics>,
}

/// A side in brief.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Summary {
    /// What ran, as [`Side::label`].
    pub label: String,
    /// The trace hash, 16 hex digits (as a report writes it).
    pub trace_hash: String,
    /// Events handled.
    pub events: u64,
    /// Trace records.
    pub records: usize,
}

/// The first instant where the traces part.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Parting {
    /// The virtual time of the first differing record.
    pub at_ms: Time,
    /// The first differing trace record, 1-based.
    pub record: usize,
    /// The systems whose own records part there, in a world of several (none for one system;
    /// or when a report does not say).
    pub systems: Vec<String>,
    /// The records both runs share just before it.
    pub before: Vec<Line>,
    /// Each side's records from it on (a few).
    pub a: Vec<Line>,
    /// The second run's records from the parting on (a few).
    pub b: Vec<Line>,
    /// What an operator saw on each side at that instant (after its records).
    pub state_a: Vec<SystemState>,
    /// What an operator saw on the second side at that instant.
    pub state_b: Vec<SystemState>,
}

/// One system's metrics on both sides.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct SystemMetrics {
    /// The system's name (or the total, in a world of several).
    pub system: String,
    /// Its metrics, one row each, in the report's order.
    pub rows: Vec<MetricRow>,
}

/// One metric on both sides: milliseconds or a count, `None` where it has no value (no outage
/// to detect).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct MetricRow {
    /// The metric's name, as the report says it.
    pub metric: String,
    /// What its values count.
    pub unit: Unit,
    /// The first run's value.
    pub a: Option<u64>,
    /// The second run's value.
    pub b: Option<u64>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "lowercase")]
/// What a metric's values count, so both sides print alike.
pub enum Unit {
    /// Virtual milliseconds.
    Ms,
    /// Occurrences.
    Count,
    /// A share in per mille (shown as a percentage).
    PerMille,
}

/// How many records either side of the parting a diff shows.
const CONTEXT: usize = 3;

/// Compares two runs. Errors only when a side run here cannot be re-run to the parting instant.
pub fn compare(a: &Side, b: &Side) -> Result<Diff, RunError> {
    let first = a.trace.iter().zip(&b.trace).position(|(x, y)| (x.at_ms, &x.text) != (y.at_ms, &y.text));
    let differs_at = first.or((a.trace.len() != b.trace.len()).then(|| a.trace.len().min(b.trace.len())));
    let parting = differs_at.map(|i| parting(a, b, i)).transpose()?;
    let metrics = metrics(a, b);
    // The same run: the same trace, and the same events handled and metrics (FS-DET says all
    // three follow from the file; a difference in one alone is still a different run).
    let same = parting.is_none() && a.events == b.events && metrics.iter().all(|s| s.rows.iter().all(|r| r.a == r.b));
    Ok(Diff { a: summary(a), b: summary(b), same, parting, metrics })
}

fn summary(s: &Side) -> Summary {
    Summary { label: s.label.clone(), trace_hash: format!("{:016x}", s.hash), events: s.events, records: s.trace.len() }
}

/// The parting at record `i` (0-based): the earlier of the two records there.
fn parting(a: &Side, b: &Side, i: usize) -> Result<Parting, RunError> {
    let (x, y) = (a.trace.get(i), b.trace.get(i));
    let at_ms = x.into_iter().chain(y).map(|l| l.at_ms).min().expect("a side has a record where the traces part");
    let systems = parted(a, b, i, at_ms).into_iter().filter_map(|s| a.systems.get(usize::from(s))).map(|s| s.name.clone());
    let after = |s: &Side| s.trace[i..].iter().take(CONTEXT).cloned().collect();
    Ok(Parting {
        at_ms,
        record: i + 1,
        systems: systems.filter(|n| !n.is_empty()).collect(),
        before: a.trace[i.saturating_sub(CONTEXT)..i].to_vec(),
        a: after(a),
        b: after(b),
        state_a: state::at(a, at_ms)?,
        state_b: state::at(b, at_ms)?,
    })
}

/// The systems whose own records part at `at_ms`: each system's records compared on their own,
/// so a record one system adds is not blamed on another whose records it pushed along. Where a
/// side does not say which system recorded what (another binary's report), the system of the
/// record at `i` that parts first.
fn parted(a: &Side, b: &Side, i: usize, at_ms: Time) -> Vec<u16> {
    let known = |s: &Side| s.trace.iter().all(|l| l.system.is_some());
    if !(known(a) && known(b)) {
        let first = [a.trace.get(i), b.trace.get(i)].into_iter().flatten().filter(|l| l.at_ms == at_ms).find_map(|l| l.system);
        return first.into_iter().collect();
    }
    (0..a.systems.len()).filter_map(|s| u16::try_from(s).ok()).filter(|&s| own_parting(a, b, s) == Some(at_ms)).collect()
}

/// Where system `s`'s own records part (the earlier of the two that differ).
fn own_parting(a: &Side, b: &Side, s: u16) -> Option<Time> {
    let (mut xs, mut ys) = (a.trace.iter().filter(|l| l.system == Some(s)), b.trace.iter().filter(|l| l.system == Some(s)));
    loop {
        match (xs.next(), ys.next()) {
            (None, None) => return None,
            (Some(x), Some(y)) if (x.at_ms, &x.text) == (y.at_ms, &y.text) => {}
            (x, y) => return x.into_iter().chain(y).map(|l| l.at_ms).min(),
        }
    }
}

/// Every system's metrics side by side, matched by position; with their totals when a world
/// has several.
fn metrics(a: &Side, b: &Side) -> Vec<SystemMetrics> {
    let mut out: Vec<SystemMetrics> =
        a.systems.iter().zip(&b.systems).map(|(x, y)| SystemMetrics { system: x.name.clone(), rows: rows(&x.metrics, &y.metrics) }).collect();
    if a.systems.len() > 1 {
        let total = |s: &Side| Metrics::total(&s.systems.iter().map(|x| x.metrics.clone()).collect::<Vec<_>>());
        out.push(SystemMetrics { system: "all".into(), rows: rows(&total(a), &total(b)) });
    }
    out
}

fn rows(a: &Metrics, b: &Metrics) -> Vec<MetricRow> {
    let row = |metric: &str, unit, f: &dyn Fn(&Metrics) -> Option<u64>| MetricRow { metric: metric.into(), unit, a: f(a), b: f(b) };
    let mut out = vec![
        row("downtime", Unit::Ms, &|m| Some(m.downtime_ms)),
        row("outages", Unit::Count, &|m| Some(m.outages.len() as u64)),
        row("time to detect", Unit::Ms, &|m| m.max_time_to_detect_ms()),
        row("time to switch", Unit::Ms, &|m| m.max_time_to_switch_ms()),
        row("switches", Unit::Count, &|m| Some(u64::from(m.switches))),
        row("degraded", Unit::Ms, &|m| Some(m.degraded_ms)),
        row("failed client attempts", Unit::PerMille, &|m| m.failed_attempts_per_mille()),
        row("acquisition downtime", Unit::Ms, &|m| m.acquisition_downtime_ms),
        row("database downtime", Unit::Ms, &|m| m.database_downtime_ms),
        row("split brain", Unit::Ms, &|m| Some(m.split_brain_ms)),
        row("writes lost", Unit::Count, &|m| Some(m.writes_lost)),
        row("max replication lag", Unit::Ms, &|m| Some(m.max_replication_lag_ms)),
    ];
    let severities: std::collections::BTreeSet<&String> = a.alarms_by_severity.keys().chain(b.alarms_by_severity.keys()).collect();
    for severity in severities {
        let n = |m: &Metrics| Some(m.alarms_by_severity.get(severity).copied().unwrap_or(0));
        out.push(MetricRow { metric: format!("alarms {severity}"), unit: Unit::Count, a: n(a), b: n(b) });
    }
    out
}

/// Two scenarios a diff can compare: the same products, system by system. Otherwise an error at
/// B's first system that differs (its `system:` or its entry of `systems:`), naming A's.
pub fn same_systems(a: &Scenario, b_path: &Path, b_src: &str, b: &Scenario) -> Result<(), ScenarioError> {
    let (xs, ys) = (a.all_systems(), b.all_systems());
    let label = |s: &crate::products::System| s.label();
    let mismatch = xs.iter().zip(&ys).position(|((_, x), (_, y))| label(x) != label(y));
    let message = match mismatch {
        Some(i) => format!("this system is {}; the other run's is {}: diff compares runs of the same systems", label(ys[i].1), label(xs[i].1)),
        None if xs.len() != ys.len() => format!("{} system(s) here, {} in the other run: diff compares runs of the same systems", ys.len(), xs.len()),
        None => return Ok(()),
    };
    Err(crate::scenario::at_system(b_path, b_src, mismatch.unwrap_or(0), &message))
}

/// A diff as a JSON document (`failsim diff --format json`): the header and the diff.
#[derive(Serialize, schemars::JsonSchema)]
pub struct DiffReport<'a> {
    #[serde(flatten)]
    header: crate::runner::JsonHeader,
    #[serde(flatten)]
    diff: &'a Diff,
}

/// The JSON form of a diff.
pub fn json(d: &Diff) -> String {
    serde_json::to_string_pretty(&DiffReport { header: crate::runner::JsonHeader::now(), diff: d }).expect("a diff serializes")
}

/// The JSON Schema of [`json`]'s document.
pub fn json_schema() -> String {
    crate::runner::json_schema::<DiffReport<'static>>()
}
