//! Operator views shared by every product: alarms and the console that raises and clears them,
//! and the shape of a status snapshot (nodes, consoles, status panels, tables, tracked writes)
//! that reports print. Products fill these from their state; reports only format them.
//! Product-agnostic: no product names or rules here.

use crate::engine::Time;
use crate::ledger::Summary;
use serde::Serialize;
use std::sync::Arc;

/// How serious an alarm is, on one scale for every product (the perceived severities of ITU-T
/// X.733). Products map their own words onto it; views and reports see only the scale and the
/// word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema, Hash)]
pub enum Level {
    Indeterminate,
    Warning,
    Minor,
    Major,
    Critical,
}

/// A product's severity word and where it sits on the shared scale.
#[derive(Clone, Copy, Debug, Eq, PartialOrd, Ord)]
pub struct Severity {
    pub level: Level,
    label: &'static str,
}

impl PartialEq for Severity {
    /// Consoles compare severities at every reconcile: the words are static, so the same word
    /// is usually the same pointer and the text is compared only when it is not.
    fn eq(&self, other: &Self) -> bool {
        self.level == other.level && (std::ptr::eq(self.label, other.label) || self.label == other.label)
    }
}

/// As equality reads it: the level and the word's text.
impl std::hash::Hash for Severity {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        (self.level, self.label).hash(state);
    }
}

impl Severity {
    pub const fn new(level: Level, label: &'static str) -> Self {
        Severity { level, label }
    }

    /// The product's own word for it ("Notice", "Major").
    pub fn label(self) -> &'static str {
        self.label
    }
}

impl Serialize for Severity {
    /// As the product's word: reports and JSON show what the operator sees.
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.label)
    }
}

/// A severity's JSON shape: the product's word.
impl schemars::JsonSchema for Severity {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Severity".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(generator)
    }
}

/// One line of an alarm console: raised at a time, and cleared at a later one (or still active).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema, Hash)]
pub struct Alarm {
    pub severity: Severity,
    pub text: String,
    pub raised_ms: Time,
    pub cleared_ms: Option<Time>,
}

/// A change the console made, for the trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AlarmChange {
    pub raised: bool,
    pub severity: Severity,
    pub text: String,
}

/// An alarm console whose active alarms always equal the conditions standing now: products
/// say which conditions stand, the console raises what is new and clears what has gone — so an
/// alarm that "clears by itself" needs no extra code, and nothing raises an alarm ad hoc.
///
/// Cleared alarms stay in the console's history (reports list every alarm raised) but leave the
/// set a reconcile scans: its cost follows the active alarms, not every alarm ever raised (a
/// script pulling and plugging a cable a hundred thousand times stays linear).
#[derive(Clone, Debug, Default)]
pub struct Console {
    /// Every alarm raised, in the order raised, cleared ones included.
    history: Vec<Alarm>,
    /// The positions in `history` of the active alarms, ascending (the order they were raised).
    active: Vec<usize>,
}

/// The active alarms alone: a state's fingerprint (explore) leaves out the cleared ones, which
/// only a report's console listing reads; no decision and no figure does.
impl std::hash::Hash for Console {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        state.write_usize(self.active.len());
        self.active().for_each(|alarm| alarm.hash(state));
    }
}

impl Console {
    /// Every alarm raised, in the order raised, cleared ones included.
    pub fn alarms(&self) -> &[Alarm] {
        &self.history
    }

    /// The active alarms, in the order raised.
    pub fn active(&self) -> impl Iterator<Item = &Alarm> {
        self.active.iter().map(|&i| &self.history[i])
    }

    /// Brings the console in line with `standing` at `now`; returns what changed (clears first).
    pub fn reconcile(&mut self, standing: &[(Severity, String)], now: Time) -> Vec<AlarmChange> {
        let mut changes = Vec::new();
        let history = &mut self.history;
        self.active.retain(|&i| {
            let alarm = &mut history[i];
            assert!(alarm.cleared_ms.is_none(), "an active alarm is not cleared: {alarm:?}");
            let stands = standing.iter().any(|(s, t)| *s == alarm.severity && *t == alarm.text);
            if !stands {
                alarm.cleared_ms = Some(now);
                changes.push(AlarmChange { raised: false, severity: alarm.severity, text: alarm.text.clone() });
            }
            stands
        });
        for (severity, text) in standing {
            if !self.active.iter().any(|&i| self.history[i].severity == *severity && self.history[i].text == *text) {
                changes.push(AlarmChange { raised: true, severity: *severity, text: text.clone() });
                self.active.push(self.history.len());
                self.history.push(Alarm { severity: *severity, text: text.clone(), raised_ms: now, cleared_ms: None });
            }
        }
        assert!(self.active.len() <= standing.len(), "at most the standing conditions are active: {} > {}", self.active.len(), standing.len());
        changes
    }

    /// Active alarms whose text contains `needle` (case-insensitive), of `severity` if given.
    pub fn matching<'a>(&'a self, needle: &str, severity: Option<Severity>) -> Vec<&'a Alarm> {
        let needle = needle.to_lowercase();
        self.active().filter(|a| a.text.to_lowercase().contains(&needle) && severity.is_none_or(|s| s == a.severity)).collect()
    }
}

/// A column of a status panel: one node's items as `(item, value, detail)`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Column {
    pub node: String,
    pub items: Vec<(String, String, String)>,
}

impl Column {
    pub fn get(&self, item: &str) -> Option<&str> {
        self.items.iter().find(|(i, _, _)| i.eq_ignore_ascii_case(item)).map(|(_, v, _)| v.as_str())
    }
}

/// A status window of a product (a status dialog, a high availability status window).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Panel {
    pub title: String,
    /// Lines shown above the columns (a banner, say).
    pub banner: Vec<String>,
    pub columns: Vec<Column>,
}

/// What a state means, whatever a product calls it ("Online", "active", "Active"; "pulled",
/// "link down"): the reports color lanes and node lines and find the serving nodes by this,
/// never by the word.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Meaning {
    /// Online or active: it serves clients (two at once is a split brain).
    Serving,
    /// On its way to serving: starting, going online, acquiring an address.
    TakingOver,
    /// Running and not serving: offline, standby.
    Standby,
    /// Not running: stopped, failed to start.
    Down,
    /// A cable plugged in, a NIC with its link.
    Up,
    /// A cable pulled out, a NIC without its link.
    Broken,
    /// No node serves (the report's service lane).
    Outage,
    /// More than one node serves (the report's service lane).
    SplitBrain,
    /// A check failing, still within its tolerance (a heartbeat path's first failures).
    Failing,
    /// A check failed past its tolerance: the node has given up on what it checks.
    Failed,
}

/// A state as a product shows it: its own word, and what it means.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct State {
    pub word: String,
    pub meaning: Meaning,
}

impl State {
    pub fn new(word: impl Into<String>, meaning: Meaning) -> Self {
        State { word: word.into(), meaning }
    }
}

/// Files and JSON reports show the word.
impl Serialize for State {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.word)
    }
}

/// A state's JSON shape: its word.
impl schemars::JsonSchema for State {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "State".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(generator)
    }
}

/// What a timeline lane follows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LaneKind {
    /// A node's role or run state.
    Node,
    /// A cable, plugged or pulled.
    Cable,
    /// A NIC's media sense.
    Link,
    /// Whether clients are served: the reports derive it from the metrics; a product may name
    /// its states in its own words ([`LaneSample::service`]).
    Service,
    /// A switch or router of the world, up or failed.
    Switch,
    /// A heartbeat path: success, failing within its tolerance, failed past it.
    Heartbeat,
    /// Who holds a service address (a virtual or floating IP): a host, nobody, or several.
    Holder,
}

/// One timeline lane's state now, as a product gives it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct LaneSample {
    pub name: String,
    pub kind: LaneKind,
    pub state: State,
}

impl LaneSample {
    pub fn node(name: impl Into<String>, word: impl Into<String>, meaning: Meaning) -> Self {
        LaneSample { name: name.into(), kind: LaneKind::Node, state: State::new(word, meaning) }
    }

    pub fn cable(name: impl Into<String>, plugged: bool) -> Self {
        let state = if plugged { State::new("plugged", Meaning::Up) } else { State::new("pulled", Meaning::Broken) };
        LaneSample { name: name.into(), kind: LaneKind::Cable, state }
    }

    pub fn switch(name: impl Into<String>, up: bool) -> Self {
        let state = if up { State::new("up", Meaning::Up) } else { State::new("failed", Meaning::Broken) };
        LaneSample { name: name.into(), kind: LaneKind::Switch, state }
    }

    /// A heartbeat path's state: success, each failure within the tolerance counted
    /// ("failing 2/3"), then only that it failed past it (later failures change nothing shown).
    pub fn heartbeat(name: impl Into<String>, failures: u32, max_failures: u32) -> Self {
        let state = match failures {
            0 => State::new("success", Meaning::Up),
            n if n <= max_failures => State::new(format!("failing {n}/{max_failures}"), Meaning::Failing),
            _ => State::new("failed", Meaning::Failed),
        };
        LaneSample { name: name.into(), kind: LaneKind::Heartbeat, state }
    }

    /// Who holds a service address now, in a word (the holder's name), and what that means.
    pub fn holder(name: impl Into<String>, word: impl Into<String>, meaning: Meaning) -> Self {
        LaneSample { name: name.into(), kind: LaneKind::Holder, state: State::new(word, meaning) }
    }

    /// A system's service now in the product's own words, and what that means: the report's
    /// service lane (derived from the metrics) takes the word wherever both mean the same.
    pub fn service(word: impl Into<String>, meaning: Meaning) -> Self {
        LaneSample { name: "service".to_string(), kind: LaneKind::Service, state: State::new(word, meaning) }
    }

    pub fn link(name: impl Into<String>, up: bool) -> Self {
        let state = if up { State::new("link up", Meaning::Up) } else { State::new("link down", Meaning::Broken) };
        LaneSample { name: name.into(), kind: LaneKind::Link, state }
    }
}

/// One node at a glance: its name, its role (in the product's word, with what it means), and
/// short facts (the software runs, the database runs).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct NodeLine {
    pub name: String,
    pub role: String,
    #[serde(skip)]
    pub meaning: Meaning,
    pub facts: Vec<String>,
}

/// A table's `(key, value)` rows, shared: every system of a world shows the world's one DNS
/// table, and a thousand views of it hold one copy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rows(pub Arc<[(String, String)]>);

impl std::ops::Deref for Rows {
    type Target = [(String, String)];
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

/// A change to one view's rows copies them first: the others keep the table they showed.
impl std::ops::DerefMut for Rows {
    fn deref_mut(&mut self) -> &mut Self::Target {
        Arc::make_mut(&mut self.0)
    }
}

impl<'a> IntoIterator for &'a Rows {
    type Item = &'a (String, String);
    type IntoIter = std::slice::Iter<'a, (String, String)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// As the rows themselves: reports and JSON show a list of `[key, value]`.
impl Serialize for Rows {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.as_ref().serialize(s)
    }
}

/// Rows' JSON shape: a list of `[key, value]`.
impl schemars::JsonSchema for Rows {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Rows".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <Vec<(String, String)>>::json_schema(generator)
    }
}

/// Everything an operator could look at, at one instant: the status sections of a report.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct View {
    pub at_ms: Time,
    pub nodes: Vec<NodeLine>,
    /// Named tables of `(key, value)` rows (the DNS table).
    pub tables: Vec<(String, Rows)>,
    /// Alarm consoles by name (one per node, or one for the cluster).
    pub consoles: Vec<(String, Vec<Alarm>)>,
    pub panels: Vec<Panel>,
    /// What the tracked writes are called here ("Records", "Configuration changes").
    pub writes_label: String,
    pub writes: Summary,
    /// Further lines (unpublished sessions, say).
    pub notes: Vec<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_heartbeat_lane_counts_failures_within_its_tolerance_then_says_failed() {
        let word = |failures| LaneSample::heartbeat("hb", failures, 3).state;
        assert_eq!(word(0), State::new("success", Meaning::Up));
        assert_eq!(word(1), State::new("failing 1/3", Meaning::Failing));
        assert_eq!(word(3), State::new("failing 3/3", Meaning::Failing), "the last tolerated failure is still counted");
        assert_eq!(word(4), State::new("failed", Meaning::Failed));
        assert_eq!(word(40_000), word(4), "later failures change nothing drawn");
    }

    #[test]
    fn console_raises_new_and_clears_gone_conditions() {
        let mut c = Console::default();
        let (notice, major) = (Severity::new(Level::Warning, "Notice"), Severity::new(Level::Major, "Major"));
        let a = (notice, "a".to_string());
        let b = (major, "b".to_string());
        assert_eq!(c.reconcile(&[a.clone(), b.clone()], 10).len(), 2);
        assert!(c.reconcile(&[a.clone(), b.clone()], 20).is_empty(), "standing alarms are not raised twice");
        let changes = c.reconcile(std::slice::from_ref(&b), 30);
        assert_eq!(changes, vec![AlarmChange { raised: false, severity: notice, text: "a".into() }]);
        c.reconcile(&[a.clone(), b], 40);
        assert_eq!(c.alarms().len(), 3, "a raised again is a new line");
        let lines: Vec<(&str, Option<Time>)> = c.alarms().iter().map(|a| (a.text.as_str(), a.cleared_ms)).collect();
        assert_eq!(lines, [("a", Some(30)), ("b", None), ("a", None)], "the history keeps every alarm in the order raised");
        let active: Vec<&str> = c.active().map(|a| a.text.as_str()).collect();
        assert_eq!(active, ["b", "a"], "the active alarms in the order raised");
        assert_eq!(c.matching("A", None).len(), 1);
        assert_eq!(c.matching("a", Some(major)).len(), 0);
    }
}
