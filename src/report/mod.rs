//! Reports of a run, in the shape of Pacemaker's crm_simulate: current status, transitions,
//! revised status — then the expectations. Text for people, JSON for tools. Reports only
//! format: every value comes from the run's [`Outcome`].

pub mod check;
pub mod dot;
pub mod html;
pub mod junit;
pub mod svg;

use crate::engine::clock;
use crate::ops::View;
use crate::runner::{JsonHeader, Outcome, Timeline};
use crate::units::Ms;
use std::fmt::Write;

/// What an expectation came to, as the text report words it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The expectation held.
    Held,
    /// The expectation failed.
    Failed,
}

impl Verdict {
    /// The report's word for it: `ok`, `FAIL`.
    pub fn word(self) -> &'static str {
        match self {
            Verdict::Held => "ok",
            Verdict::Failed => "FAIL",
        }
    }
}

/// The text report.
pub fn text(o: &Outcome) -> String {
    text_with(o, |v| v.word().to_string())
}

/// The text report with each expectation's verdict word as `word` writes it (the CLI colours
/// it); the columns stay where the plain words put them.
pub fn text_with(o: &Outcome, word: impl Fn(Verdict) -> String) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "failsim: {}", o.name);
    let _ = writeln!(s, "system: {}   seed: {}   end: {}", o.system, o.seed, Ms(o.end_ms));
    for w in &o.warnings {
        let about = if w.system.is_empty() { String::new() } else { format!("{}: ", w.system) };
        let _ = writeln!(s, "warning: {about}{} ({})", w.warning.message, w.warning.document);
    }
    let named = |name: &str| if name.is_empty() { String::new() } else { format!(" of {name}") };
    let _ = writeln!(s, "\nCurrent status{} (t={})", named(&o.system_name), clock(0));
    let mut shown = Shown::default();
    status(&mut s, &o.initial, false, &mut shown);
    for other in &o.others {
        let _ = writeln!(s, "\nCurrent status{} (t={})", named(&other.name), clock(0));
        status(&mut s, &other.initial, false, &mut shown);
    }
    let _ = writeln!(s, "\nTransitions");
    timeline(&mut s, &o.timeline);
    let _ = writeln!(s, "\nRevised status{} (t={})", named(&o.system_name), clock(o.end_ms));
    let mut shown = Shown::default();
    status(&mut s, &o.revised, true, &mut shown);
    metrics(&mut s, &o.metrics);
    for other in &o.others {
        let _ = writeln!(s, "\nRevised status{} (t={})", named(&other.name), clock(o.end_ms));
        status(&mut s, &other.revised, true, &mut shown);
        metrics(&mut s, &other.metrics);
    }
    if let Some(total) = &o.total {
        let _ = writeln!(s, "\nAll {} systems together:", o.others.len() + 1);
        metrics(&mut s, total);
    }
    let _ = writeln!(s, "\nExpectations");
    for e in &o.expectations {
        let ids = if e.system.is_empty() { e.ids.join(", ") } else { format!("{}] [{}", e.ids.join(", "), e.system) };
        match &e.failure {
            None => {
                let _ = writeln!(s, "  {}    [{ids}] {}: {}", word(Verdict::Held), e.when, e.claim);
            }
            Some(f) => {
                let _ = writeln!(s, "  {}  [{ids}] {}: {}", word(Verdict::Failed), e.when, e.claim);
                let _ = writeln!(s, "          expected: {}\n          actual:   {}\n          at:       {}", f.expected, f.actual, clock(f.at_ms));
            }
        }
    }
    let held = o.expectations.iter().filter(|e| e.failure.is_none()).count();
    let _ = writeln!(
        s,
        "\n{held} of {} expectations held; {} events, trace of {} records, hash {:016x}",
        o.expectations.len(),
        o.events,
        o.timeline.len(),
        o.trace_hash
    );
    s
}

/// The transitions, one instant's records at a time. An instant whose records repeat exactly at
/// a fixed period (a request refused every heartbeat, say) is printed once, followed by how
/// often and until when it repeated; the JSON trace keeps every record.
fn timeline(s: &mut String, records: &Timeline) {
    let mut groups: Vec<(u64, Vec<&str>)> = Vec::new();
    for r in records.iter().filter(|r| r.shown) {
        match groups.last_mut() {
            Some((at, lines)) if *at == r.at_ms => lines.push(r.text),
            _ => groups.push((r.at_ms, vec![r.text])),
        }
    }
    // Groups with the same records, in order, found through one index (not by comparing every
    // pair of instants: a long script would make that quadratic).
    let mut by_content: std::collections::BTreeMap<&[&str], Vec<usize>> = std::collections::BTreeMap::new();
    for (i, (_, lines)) in groups.iter().enumerate() {
        by_content.entry(lines.as_slice()).or_default().push(i);
    }
    let mut rank = vec![0; groups.len()];
    for list in by_content.values() {
        for (k, &i) in list.iter().enumerate() {
            rank[i] = k;
        }
    }
    let mut skip = vec![false; groups.len()];
    let mut note: Vec<Option<String>> = vec![None; groups.len()];
    for i in 0..groups.len() {
        if skip[i] {
            continue;
        }
        let same = &by_content[groups[i].1.as_slice()][rank[i] + 1..];
        let Some(&first) = same.first() else { continue };
        let period = groups[first].0 - groups[i].0;
        let mut run = vec![];
        let mut prev = groups[i].0;
        for &j in same {
            if groups[j].0 - prev != period {
                break;
            }
            run.push(j);
            prev = groups[j].0;
        }
        if run.len() >= 2 {
            run.iter().for_each(|&j| skip[j] = true);
            note[i] = Some(format!("... the same {} more time(s), every {}, until {}", run.len(), Ms(period), clock(prev)));
        }
    }
    for (i, (t, lines)) in groups.iter().enumerate() {
        if skip[i] {
            continue;
        }
        for line in lines {
            let _ = writeln!(s, "  {}  {line}", clock(*t));
        }
        if let Some(n) = &note[i] {
            let _ = writeln!(s, "  {:12}  {n}", "");
        }
    }
}

/// The tables one section of the report printed last (the systems of a world share the world's
/// DNS table): a system whose table is the one printed just before says "as above" instead of
/// printing it again, so a world of N systems prints its table once, not N times (N² lines: 3.6
/// GB of text at 5,000 pairs; issue 23).
#[derive(Default)]
struct Shown {
    last: Option<(String, crate::ops::Rows)>,
}

impl Shown {
    /// Whether `rows` under `title` are the table printed just before; remembers them if not.
    fn again(&mut self, title: &str, rows: &crate::ops::Rows) -> bool {
        let same = self.last.as_ref().is_some_and(|(t, r)| t == title && (std::sync::Arc::ptr_eq(&r.0, &rows.0) || r.0 == rows.0));
        if !same {
            self.last = Some((title.to_string(), rows.clone()));
        }
        same
    }
}

/// The availability metrics (definitions in `metrics` and README.md).
fn metrics(s: &mut String, m: &crate::metrics::Metrics) {
    let opt = |v: Option<u64>| v.map_or("-".to_string(), |v| Ms(v).to_string());
    let _ = writeln!(s, "\nMetrics");
    let open = match m.open_outages() {
        0 => String::new(),
        n => format!(" ({n} open at the end)"),
    };
    let _ = writeln!(
        s,
        "  downtime {}   outages {}{open}   time to detect {}   time to switch {}   switches {}   split brain {}",
        Ms(m.downtime_ms),
        m.outages.len(),
        opt(m.max_time_to_detect_ms()),
        opt(m.max_time_to_switch_ms()),
        m.switches,
        Ms(m.split_brain_ms)
    );
    let failed = m.failed_attempts_per_mille().map_or("-".to_string(), crate::metrics::per_mille);
    let acquisition = m.acquisition_downtime_ms.map_or(String::new(), |a| format!("   acquisition downtime {}", Ms(a)));
    let database = m.database_downtime_ms.map_or(String::new(), |d| format!("   database downtime {}", Ms(d)));
    let _ = writeln!(s, "  degraded {}   failed client attempts {failed}{acquisition}{database}", Ms(m.degraded_ms));
    let alarms: Vec<String> = m.alarms_by_severity.iter().map(|(k, v)| format!("{k} {v}")).collect();
    let _ = writeln!(
        s,
        "  writes lost {}   max replication lag {}   alarms raised: {}",
        m.writes_lost,
        Ms(m.max_replication_lag_ms),
        if alarms.is_empty() { "none".to_string() } else { alarms.join(", ") }
    );
}

fn status(s: &mut String, view: &View, full: bool, shown: &mut Shown) {
    let width = view.nodes.iter().map(|n| n.name.len()).max().unwrap_or(0).max(12);
    for n in &view.nodes {
        let _ = writeln!(s, "  {:<width$} {:<28} {}", n.name, n.role, n.facts.join("   "));
    }
    for (title, rows) in &view.tables {
        if shown.again(title, rows) {
            let _ = writeln!(s, "  {title}: as above");
            continue;
        }
        let _ = writeln!(s, "  {title}:");
        for (k, v) in rows.iter() {
            let _ = writeln!(s, "    {k:<14} {v}");
        }
    }
    if !full {
        return;
    }
    for (name, alarms) in &view.consoles {
        let _ = writeln!(s, "  {name}:{}", if alarms.is_empty() { " (empty)" } else { "" });
        for a in alarms {
            let cleared = a.cleared_ms.map_or("active      ".to_string(), clock);
            let _ = writeln!(s, "    {} -> {}  {:<8}  {}", clock(a.raised_ms), cleared, a.severity.label(), a.text);
        }
    }
    for p in &view.panels {
        let _ = writeln!(s, "  {}:", p.title);
        for line in &p.banner {
            let _ = writeln!(s, "    [{line}]");
        }
        for c in &p.columns {
            let _ = writeln!(s, "    {}", c.node);
            for (item, value, detail) in &c.items {
                let detail = if detail.is_empty() { String::new() } else { format!("  ({detail})") };
                let _ = writeln!(s, "      {item:<19} {value}{detail}");
            }
        }
    }
    let r = &view.writes;
    let _ = writeln!(
        s,
        "  {}: written {}, replicated {}, pending {}, lost {}, not taken {}",
        view.writes_label, r.written, r.replicated, r.pending, r.lost, r.rejected
    );
    for (cause, ids) in &r.losses {
        let _ = writeln!(s, "    lost {}: {}", ids.len(), cause.detail);
    }
    if r.tentative + r.tentative_lost > 0 {
        let _ = writeln!(s, "  not acknowledged (tentative): held {}, lost {}", r.tentative, r.tentative_lost);
    }
    for (cause, ids) in &r.tentative_losses {
        let _ = writeln!(s, "    lost {} ({ids}): {}", ids.len(), cause.detail);
    }
    for note in &view.notes {
        let _ = writeln!(s, "  {note}");
    }
}

/// The JSON report of a run (`failsim run --format json`): the header, whether every
/// expectation held, the trace hash (16 hex digits), the outcome and the full trace.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct RunReport<'a> {
    #[serde(flatten)]
    header: JsonHeader,
    /// Whether every expectation held.
    passed: bool,
    /// FNV-1a 64 of the trace's canonical lines, as 16 hex digits.
    trace_hash: String,
    #[serde(flatten)]
    outcome: &'a Outcome,
    /// Every record of the run, in order.
    trace: JsonTrace<'a>,
}

/// The JSON report (with the trace hash and the full trace).
pub fn json(o: &Outcome) -> String {
    let j = RunReport { header: JsonHeader::now(), passed: o.passed(), trace_hash: format!("{:016x}", o.trace_hash), outcome: o, trace: JsonTrace(o) };
    serde_json::to_string_pretty(&j).expect("reports serialize")
}

/// The JSON Schema of [`json`]'s document.
pub fn json_schema() -> String {
    crate::runner::json_schema::<RunReport<'static>>()
}

/// The JSON report's `trace`, written straight from the run's timeline, not from a copy of it:
/// one object a record, `{"at_ms", "system", "kind", "fields", "text"}`. `kind` and `fields`
/// are the record's own data (its variant and its fields: `"Role"`, `{"dma": "DMA-MAIN",
/// "role": "Online", …}`), present when the run kept them (`run_with_data`, as `failsim run
/// --format json` does); `text` is the canonical text the trace hash is computed over;
/// `system` names the system in a world of several.
struct JsonTrace<'a>(&'a Outcome);

impl serde::Serialize for JsonTrace<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let o = self.0;
        let names: Vec<&str> = std::iter::once(o.system_name.as_str()).chain(o.others.iter().map(|s| s.name.as_str())).collect();
        let several = names.len() > 1;
        serializer.collect_seq(o.timeline.iter().map(|r| {
            let (kind, fields) = r.data.map(kind_and_fields).unzip();
            let fields = fields.map(|f| match f {
                serde_json::Value::Object(map) => map,
                other => unreachable!("kind_and_fields gives an object, not {other}"),
            });
            let system = several.then(|| names.get(usize::from(r.system)).copied().unwrap_or_default());
            JsonRecord { at_ms: r.at_ms, system, kind, fields, text: r.text }
        }))
    }
}

/// The trace's JSON shape: a list of records.
impl schemars::JsonSchema for JsonTrace<'_> {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Trace".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        <Vec<JsonRecord<'static>>>::json_schema(generator)
    }
}

/// One record of the JSON report's trace.
#[derive(serde::Serialize, schemars::JsonSchema)]
struct JsonRecord<'a> {
    /// When it was recorded (virtual milliseconds).
    at_ms: crate::engine::Time,
    /// The system that recorded it, in a world of several.
    #[serde(skip_serializing_if = "Option::is_none")]
    system: Option<&'a str>,
    /// The record's variant, when the run kept its data.
    #[serde(skip_serializing_if = "Option::is_none")]
    kind: Option<String>,
    /// The record's fields, when the run kept its data (an object, its product's).
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<serde_json::Map<String, serde_json::Value>>,
    /// Its canonical text (the trace hash is computed over it).
    text: &'a str,
}

/// A record's kind and fields from its serde form: `{"Variant": {fields}}` gives the variant
/// and its fields; a unit variant (`"Variant"`) has none; a variant of one value (not named
/// fields) has it as `{"value": …}`, so `fields` is always an object.
fn kind_and_fields(data: &str) -> (String, serde_json::Value) {
    use serde_json::Value;
    let value: Value = serde_json::from_str(data).expect("a kept record's data is the JSON its serde form wrote");
    match value {
        Value::Object(map) if map.len() == 1 => {
            let (kind, fields) = map.into_iter().next().expect("one entry");
            let fields = if fields.is_object() { fields } else { serde_json::json!({ "value": fields }) };
            (kind, fields)
        }
        Value::String(kind) => (kind, serde_json::json!({})),
        other => ("Record".to_string(), serde_json::json!({ "value": other })),
    }
}
