//! Reports of a run, in the shape of Pacemaker's crm_simulate: current status, transitions,
//! revised status — then the expectations. Text for people, JSON for tools. Reports only
//! format: every value comes from the run's [`Outcome`].

use crate::dataminer::{Rec, Snapshot};
use crate::engine::{Ms, clock};
use crate::run::Outcome;
use std::fmt::Write;

/// The text report.
pub fn text(o: &Outcome) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "failsim: {}", o.name);
    let _ = writeln!(s, "system: {}   seed: {}   end: {}", o.system, o.seed, Ms(o.end_ms));
    let _ = writeln!(s, "\nCurrent status (t={})", clock(0));
    status(&mut s, &o.initial, false);
    let _ = writeln!(s, "\nTransitions");
    timeline(&mut s, &o.timeline);
    let _ = writeln!(s, "\nRevised status (t={})", clock(o.end_ms));
    status(&mut s, &o.revised, true);
    let _ = writeln!(s, "\nExpectations");
    for e in &o.expectations {
        let ids = e.ids.join(", ");
        match &e.failure {
            None => {
                let _ = writeln!(s, "  ok    [{ids}] {}: {}", e.when, e.claim);
            }
            Some(f) => {
                let _ = writeln!(s, "  FAIL  [{ids}] {}: {}", e.when, e.claim);
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
fn timeline(s: &mut String, records: &[(u64, Rec)]) {
    let mut groups: Vec<(u64, Vec<String>)> = Vec::new();
    for (t, rec) in records.iter().filter(|(_, r)| shown(r)) {
        match groups.last_mut() {
            Some((at, lines)) if at == t => lines.push(rec.to_string()),
            _ => groups.push((*t, vec![rec.to_string()])),
        }
    }
    let mut skip = vec![false; groups.len()];
    let mut note: Vec<Option<String>> = vec![None; groups.len()];
    for i in 0..groups.len() {
        if skip[i] {
            continue;
        }
        let same: Vec<usize> = (i + 1..groups.len()).filter(|&j| groups[j].1 == groups[i].1).collect();
        let Some(&first) = same.first() else { continue };
        let period = groups[first].0 - groups[i].0;
        let mut run = vec![];
        let mut prev = groups[i].0;
        for j in same {
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

/// The timeline leaves out intermediate heartbeat counts: the first failure, the crossing of
/// the tolerance and the recovery tell the story; the JSON trace keeps everything.
fn shown(rec: &Rec) -> bool {
    match rec {
        Rec::Heartbeat { failures, max_failures, .. } => *failures <= 1 || *failures == max_failures + 1,
        _ => true,
    }
}

fn status(s: &mut String, snap: &Snapshot, full: bool) {
    for a in &snap.agents {
        let vip = if a.vip { "  holds VIP" } else { "" };
        let _ = writeln!(
            s,
            "  {:<12} {:<28} DataMiner {:<12} version {:<8} LED {:<5} Database {}{vip}",
            a.name,
            a.role,
            a.run,
            a.version,
            format!("{:?}", a.led).to_lowercase(),
            a.database
        );
        if !a.active_routes.is_empty() {
            let _ = writeln!(s, "  {:<12} active routes: {}", "", a.active_routes.join(", "));
        }
    }
    let _ = writeln!(s, "  DNS table:");
    for (name, addrs) in &snap.dns {
        let _ = writeln!(s, "    {:<14} {}", name, addrs.join(", "));
    }
    if !full {
        return;
    }
    for (name, alarms) in &snap.consoles {
        let _ = writeln!(s, "  Alarm Console of {name}:{}", if alarms.is_empty() { " (empty)" } else { "" });
        for a in alarms {
            let cleared = a.cleared_ms.map_or("active      ".to_string(), clock);
            let _ = writeln!(s, "    {} -> {}  {:<7}  {}", clock(a.raised_ms), cleared, a.severity.label(), a.text);
        }
    }
    let _ = writeln!(s, "  Status dialog (Cube connected to {}):", snap.status.viewer);
    for c in &snap.status.columns {
        let _ = writeln!(s, "    {}", c.dma);
        for (item, value, detail) in &c.items {
            let detail = if detail.is_empty() { String::new() } else { format!("  ({detail})") };
            let _ = writeln!(s, "      {item:<19} {value}{detail}");
        }
    }
    let r = &snap.records;
    let _ = writeln!(s, "  Records: written {}, replicated {}, pending {}, lost {}, not gathered {}", r.written, r.replicated, r.pending, r.lost, r.rejected);
    for (cause, ids) in &r.losses {
        let _ = writeln!(s, "    lost {}: {cause}", ids.len());
    }
}

/// The JSON report (with the trace hash and the full trace).
pub fn json(o: &Outcome) -> String {
    #[derive(serde::Serialize)]
    struct Json<'a> {
        passed: bool,
        trace_hash: String,
        #[serde(flatten)]
        outcome: &'a Outcome,
        trace: Vec<(u64, String)>,
    }
    let trace = o.timeline.iter().map(|(t, r)| (*t, r.to_string())).collect();
    let j = Json { passed: o.passed(), trace_hash: format!("{:016x}", o.trace_hash), outcome: o, trace };
    serde_json::to_string_pretty(&j).expect("reports serialize")
}
