//! The text form of a diff: the two runs, where they part with the records around it, each
//! side's operator view then, and the metrics at the end side by side.

use super::{Diff, Line, MetricRow, Parting, Summary, SystemState, Unit};
use crate::engine::clock;
use crate::units::Ms;
use std::fmt::Write;

/// The text report of a diff.
pub fn text(d: &Diff) -> String {
    let mut s = String::new();
    for (side, run) in [("A", &d.a), ("B", &d.b)] {
        summary(&mut s, side, run);
    }
    match &d.parting {
        Some(p) => parting(&mut s, p),
        None if d.same => s.push_str("\nThe traces are the same.\n"),
        None => s.push_str("\nThe traces are the same, yet the events handled or the metrics differ.\n"),
    }
    metrics(&mut s, d);
    let verdict = match d.same {
        true => "The runs are the same.",
        false => "The runs differ.",
    };
    let _ = writeln!(s, "\n{verdict}");
    s
}

fn summary(s: &mut String, side: &str, run: &Summary) {
    let _ = writeln!(s, "{side}: {}\n   trace {}, {} events, {} records", run.label, run.trace_hash, run.events, run.records);
}

fn parting(s: &mut String, p: &Parting) {
    let system = match p.systems.as_slice() {
        [] => String::new(),
        [one] => format!(", in system {one}"),
        several => format!(", in systems {}", several.join(", ")),
    };
    let _ = writeln!(s, "\nThe runs part at {}, trace record {}{system}:", clock(p.at_ms), p.record);
    let line = |s: &mut String, side: &str, l: &Line| {
        let _ = writeln!(s, "  {side:<4} {}  {}", clock(l.at_ms), l.text);
    };
    p.before.iter().for_each(|l| line(s, "A B", l));
    p.a.iter().for_each(|l| line(s, "A", l));
    if p.a.is_empty() {
        let _ = writeln!(s, "  A    (the trace ends)");
    }
    p.b.iter().for_each(|l| line(s, "B", l));
    if p.b.is_empty() {
        let _ = writeln!(s, "  B    (the trace ends)");
    }
    let _ = writeln!(s, "\nWhat an operator saw at {} (after its records; * differs from the other side):", clock(p.at_ms));
    states(s, "A", &p.state_a, &p.state_b);
    states(s, "B", &p.state_b, &p.state_a);
}

/// One side's systems at the parting instant, each line marked when the other side's differs.
pub(super) fn states(s: &mut String, side: &str, ours: &[SystemState], theirs: &[SystemState]) {
    for (i, st) in ours.iter().enumerate() {
        let other = theirs.get(i);
        let named = if st.system.is_empty() { String::new() } else { format!(", system {}", st.system) };
        let _ = writeln!(s, "  {side}{named}");
        let width = st.nodes.iter().map(|n| n.name.len()).max().unwrap_or(0).max(12);
        for n in &st.nodes {
            let same = other.is_some_and(|o| {
                o.nodes.iter().any(|m| m.name == n.name && m.role == n.role && (m.facts == n.facts || m.facts.is_empty() || n.facts.is_empty()))
            });
            let _ = writeln!(s, "  {} {:<width$} {:<28} {}", mark(same), n.name, n.role, n.facts.join("   "));
        }
        if let Some(w) = &st.writes {
            let same = other.is_none_or(|o| o.writes.as_ref().is_none_or(|x| x == w));
            let _ = writeln!(s, "  {} {}: written {}, replicated {}, pending {}, lost {}", mark(same), w.label, w.written, w.replicated, w.pending, w.lost);
        }
        if st.alarms.is_empty() {
            let _ = writeln!(s, "    no alarms standing");
        }
        for a in &st.alarms {
            let same = other.is_some_and(|o| o.alarms.iter().any(|b| (&b.console, &b.severity, &b.text) == (&a.console, &a.severity, &a.text)));
            let _ = writeln!(s, "  {} {}: {} {} (since {})", mark(same), a.console, a.severity, a.text, clock(a.raised_ms));
        }
    }
}

fn mark(same: bool) -> &'static str {
    if same { " " } else { "*" }
}

fn metrics(s: &mut String, d: &Diff) {
    for m in &d.metrics {
        let named = if m.system.is_empty() { String::new() } else { format!(" of {}", m.system) };
        let _ = writeln!(s, "\nMetrics{named} at the end");
        let _ = writeln!(s, "  {:<22} {:>14} {:>14} {:>14}", "", "A", "B", "B - A");
        for r in &m.rows {
            let row = format!("  {:<22} {:>14} {:>14} {:>14}", r.metric, value(r.unit, r.a), value(r.unit, r.b), change(r));
            let _ = writeln!(s, "{}", row.trim_end());
        }
    }
}

fn value(unit: Unit, v: Option<u64>) -> String {
    match (unit, v) {
        (_, None) => "-".into(),
        (Unit::Ms, Some(ms)) => Ms(ms).to_string(),
        (Unit::Count, Some(n)) => n.to_string(),
        (Unit::PerMille, Some(n)) => crate::metrics::per_mille(n),
    }
}

/// B - A with its sign; empty when they are equal or one has no value.
pub(super) fn change(r: &MetricRow) -> String {
    let (Some(a), Some(b)) = (r.a, r.b) else { return String::new() };
    let (sign, by) = match b.cmp(&a) {
        std::cmp::Ordering::Equal => return String::new(),
        std::cmp::Ordering::Greater => ("+", b - a),
        std::cmp::Ordering::Less => ("-", a - b),
    };
    format!("{sign}{}", value(r.unit, Some(by)))
}
