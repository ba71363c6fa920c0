//! The self-contained HTML report of a run: metrics, the SVG timeline, the final Status dialogs
//! and consoles, the DNS table. No external assets; the same bytes on every run.

use super::svg::{esc, severity_color, state_color};
use crate::engine::{Time, clock};
use crate::ops::{LaneKind, View};
use crate::runner::Outcome;
use crate::units::Ms;
use std::fmt::Write;

const STYLE: &str = "\
:root{color-scheme:light;--ink:#212121;--muted:#546e7a;--line:#cfd8dc;--soft:#f5f7f8}
*{box-sizing:border-box}
body{margin:0;padding:24px;font:14px/1.45 Helvetica,Arial,sans-serif;color:var(--ink);background:#fff}
main{max-width:1260px;margin:0 auto}
h1{font-size:22px;margin:0 0 4px}
h2{font-size:17px;margin:28px 0 10px;padding-bottom:4px;border-bottom:1px solid var(--line)}
h3{font-size:14px;margin:16px 0 6px}
.meta{color:var(--muted);margin:0 0 12px}
.verdict{display:inline-block;padding:3px 10px;border-radius:4px;font-weight:bold;color:#fff}
.verdict.ok,.tag.ok{background:#2e7d32}
.verdict.fail,.tag.fail{background:#c62828}
table{border-collapse:collapse;margin:4px 0 8px}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--soft);font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
.metrics th{width:220px}
.tag{display:inline-block;min-width:40px;text-align:center;padding:1px 6px;border-radius:3px;color:#fff;font-size:12px;font-weight:bold}
.sev{display:inline-block;width:10px;height:10px;border-radius:2px;margin-right:6px;vertical-align:-1px}
.role{display:inline-block;padding:1px 8px;border-radius:3px}
.muted{color:var(--muted)}
tr.fail td{background:#ffebee}
td.nowrap{white-space:nowrap}
.why{margin-top:4px;display:grid;grid-template-columns:max-content auto;gap:0 8px}
.why b{font-weight:600;color:#b71c1c}
.figure{overflow-x:auto;border:1px solid var(--line);border-radius:4px;padding:4px}
.figure svg{display:block;max-width:100%;height:auto}
.panels{display:flex;flex-wrap:wrap;gap:16px;align-items:flex-start}
.panel{border:1px solid var(--line);border-radius:4px;padding:8px 12px;background:var(--soft)}
.panel h3{margin-top:4px}
.banner{margin:4px 0 8px;padding:6px 10px;background:#fff8e1;border-left:4px solid #f9a825}
.columns{display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start}
.columns table{background:#fff}
code,pre{font:12px/1.4 Menlo,Consolas,monospace}
pre{background:var(--soft);padding:8px 12px;overflow-x:auto;border-radius:4px}
details summary{cursor:pointer;color:var(--muted)}
";

/// The report as one HTML document.
pub fn page(o: &Outcome) -> String {
    let mut s = String::new();
    let held = o.expectations.iter().filter(|e| e.failure.is_none()).count();
    let _ = writeln!(s, "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">");
    let _ = writeln!(s, "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    let _ = writeln!(s, "<title>failsim: {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>", esc(&o.name));

    // Title.
    let _ = writeln!(s, "<h1>{}</h1>", esc(&o.name));
    let _ = writeln!(
        s,
        "<p class=\"meta\">system <b>{}</b> · seed <b>{}</b> · end <b>{}</b> · {} events · trace of {} records, hash <code>{:016x}</code></p>",
        esc(&o.system),
        o.seed,
        Ms(o.end_ms),
        o.events,
        o.timeline.len(),
        o.trace_hash
    );
    let (class, word) = if o.passed() { ("ok", "PASSED") } else { ("fail", "FAILED") };
    let _ = writeln!(s, "<p><span class=\"verdict {class}\">{word}</span> {held} of {} expectations held</p>", o.expectations.len());

    metrics(&mut s, o);

    // The timeline.
    let _ = writeln!(s, "<h2>Timeline</h2>\n<div class=\"figure\">");
    s.push_str(&super::svg::timeline(o));
    let _ = writeln!(s, "</div>");

    expectations(&mut s, o);

    let _ = writeln!(s, "<h2>Final status <span class=\"muted\">(t = {})</span></h2>", clock(o.end_ms));
    status(&mut s, &o.revised);

    // The transitions, folded.
    let shown: Vec<_> = o.timeline.iter().filter(|r| r.shown).collect();
    let _ = writeln!(s, "<h2>Transitions</h2>\n<details>\n<summary>{} transitions (the JSON report has the full trace)</summary>\n<pre>", shown.len());
    for r in shown {
        let _ = writeln!(s, "{}  {}", clock(r.at_ms), esc(r.text));
    }
    let _ = writeln!(s, "</pre>\n</details>");

    let _ = writeln!(s, "</main>\n</body>\n</html>");
    s
}

fn opt(v: Option<Time>) -> String {
    v.map_or("–".to_string(), |v| Ms(v).to_string())
}

fn metrics(s: &mut String, o: &Outcome) {
    let m = &o.metrics;
    let _ = writeln!(s, "<h2>Metrics</h2>\n<table class=\"metrics\">");
    let mut row = |name: &str, value: String| {
        let _ = writeln!(s, "<tr><th>{}</th><td>{value}</td></tr>", esc(name));
    };
    row("Downtime", Ms(m.downtime_ms).to_string());
    let outages = if m.outages.is_empty() {
        "none".to_string()
    } else {
        m.outages
            .iter()
            .map(|out| {
                let detected = out.detected_ms.map_or("not detected".to_string(), |d| format!("detected at {} (after {})", Ms(d), Ms(d - out.from_ms)));
                let until = out.until_ms.map_or("open at the end".to_string(), |u| format!("until {} ({})", Ms(u), Ms(u - out.from_ms)));
                let until = if out.switched { format!("{until}, switched") } else { until };
                format!("from {}, {detected}, {until}", Ms(out.from_ms))
            })
            .collect::<Vec<_>>()
            .join("<br>")
    };
    row(&format!("Outages ({})", m.outages.len()), outages);
    row("Max time to detect", opt(m.max_time_to_detect_ms()));
    row("Max time to switch", opt(m.max_time_to_switch_ms()));
    row("Switches", m.switches.to_string());
    row("Degraded (some client attempts fail)", Ms(m.degraded_ms).to_string());
    row("Failed client attempts", m.failed_attempts_per_mille().map_or("–".to_string(), crate::metrics::per_mille));
    if let Some(a) = m.acquisition_downtime_ms {
        row("Acquisition downtime", Ms(a).to_string());
    }
    if let Some(d) = m.database_downtime_ms {
        row("Database downtime", Ms(d).to_string());
    }
    row("Split brain", Ms(m.split_brain_ms).to_string());
    row("Writes lost", m.writes_lost.to_string());
    row("Max replication lag", Ms(m.max_replication_lag_ms).to_string());
    let alarms = if m.alarms_by_severity.is_empty() {
        "none".to_string()
    } else {
        m.alarms_by_severity.iter().map(|(k, v)| format!("{} {v}", esc(k))).collect::<Vec<_>>().join(", ")
    };
    row("Alarms raised", alarms);
    let _ = writeln!(s, "</table>");
}

fn expectations(s: &mut String, o: &Outcome) {
    let _ = writeln!(s, "<h2>Expectations</h2>");
    if o.expectations.is_empty() {
        let _ = writeln!(s, "<p class=\"muted\">none</p>");
        return;
    }
    let _ = writeln!(s, "<table>\n<tr><th></th><th>SPEC IDs</th><th>when</th><th>claim</th></tr>");
    for e in &o.expectations {
        let (class, tag, why) = match &e.failure {
            None => ("", "<span class=\"tag ok\">ok</span>", String::new()),
            Some(f) => (
                " class=\"fail\"",
                "<span class=\"tag fail\">FAIL</span>",
                format!(
                    "<div class=\"why\"><b>expected</b><span>{}</span><b>actual</b><span>{}</span><b>at</b><span>{}</span></div>",
                    esc(&f.expected),
                    esc(&f.actual),
                    Ms(f.at_ms)
                ),
            ),
        };
        let _ = writeln!(
            s,
            "<tr{class}><td>{tag}</td><td class=\"nowrap\">{}</td><td class=\"nowrap\">{}</td><td><code>{}</code>{why}</td></tr>",
            esc(&e.ids.join(", ")),
            esc(&e.when),
            esc(&e.claim)
        );
    }
    let _ = writeln!(s, "</table>");
}

fn status(s: &mut String, v: &View) {
    // Nodes.
    let _ = writeln!(s, "<table>\n<tr><th>node</th><th>role</th><th>facts</th></tr>");
    for n in &v.nodes {
        let (fill, ink) = state_color(LaneKind::Node, n.meaning);
        let _ = writeln!(
            s,
            "<tr><td><b>{}</b></td><td><span class=\"role\" style=\"background:{fill};color:{ink}\">{}</span></td><td>{}</td></tr>",
            esc(&n.name),
            esc(&n.role),
            n.facts.iter().map(|f| esc(f)).collect::<Vec<_>>().join(" · ")
        );
    }
    let _ = writeln!(s, "</table>");

    // Status panels.
    if !v.panels.is_empty() {
        let _ = writeln!(s, "<div class=\"panels\">");
        for p in &v.panels {
            let _ = writeln!(s, "<div class=\"panel\">\n<h3>{}</h3>", esc(&p.title));
            for line in &p.banner {
                let _ = writeln!(s, "<p class=\"banner\">{}</p>", esc(line));
            }
            let _ = writeln!(s, "<div class=\"columns\">");
            for c in &p.columns {
                let details = c.items.iter().any(|(_, _, d)| !d.is_empty());
                let _ = writeln!(s, "<table>\n<tr><th colspan=\"{}\">{}</th></tr>", if details { 3 } else { 2 }, esc(&c.node));
                for (item, value, detail) in &c.items {
                    let detail = if details { format!("<td class=\"muted\">{}</td>", esc(detail)) } else { String::new() };
                    let _ = writeln!(s, "<tr><td>{}</td><td><b>{}</b></td>{detail}</tr>", esc(item), esc(value));
                }
                let _ = writeln!(s, "</table>");
            }
            let _ = writeln!(s, "</div>\n</div>");
        }
        let _ = writeln!(s, "</div>");
    }

    // Tables (the DNS table).
    for (title, rows) in &v.tables {
        let _ = writeln!(s, "<h3>{}</h3>\n<table>", esc(title));
        for (k, val) in rows {
            let _ = writeln!(s, "<tr><th>{}</th><td>{}</td></tr>", esc(k), esc(val));
        }
        let _ = writeln!(s, "</table>");
    }

    // Alarm consoles.
    for (name, alarms) in &v.consoles {
        let _ = writeln!(s, "<h3>{}</h3>", esc(name));
        if alarms.is_empty() {
            let _ = writeln!(s, "<p class=\"muted\">empty</p>");
            continue;
        }
        let _ = writeln!(s, "<table>\n<tr><th>raised</th><th>cleared</th><th>severity</th><th>alarm</th></tr>");
        for a in alarms {
            let cleared = a.cleared_ms.map_or("<b>active</b>".to_string(), clock);
            let _ = writeln!(
                s,
                "<tr><td>{}</td><td>{cleared}</td><td><span class=\"sev\" style=\"background:{}\"></span>{}</td><td>{}</td></tr>",
                clock(a.raised_ms),
                severity_color(a.severity),
                esc(a.severity.label()),
                esc(&a.text)
            );
        }
        let _ = writeln!(s, "</table>");
    }

    // Tracked writes and notes.
    let r = &v.writes;
    let _ =
        writeln!(s, "<h3>{}</h3>\n<table>\n<tr><th>written</th><th>replicated</th><th>pending</th><th>lost</th><th>not taken</th></tr>", esc(&v.writes_label));
    let _ = writeln!(
        s,
        "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>\n</table>",
        r.written, r.replicated, r.pending, r.lost, r.rejected
    );
    if !r.losses.is_empty() {
        let _ = writeln!(s, "<ul>");
        for (cause, ids) in &r.losses {
            let _ = writeln!(s, "<li>lost {} ({ids}): {}</li>", ids.len(), esc(&cause.detail));
        }
        let _ = writeln!(s, "</ul>");
    }
    if r.tentative + r.tentative_lost > 0 {
        let _ = writeln!(s, "<p>not acknowledged (tentative): held {}, lost {}</p>", r.tentative, r.tentative_lost);
    }
    if !r.tentative_losses.is_empty() {
        let _ = writeln!(s, "<ul>");
        for (cause, ids) in &r.tentative_losses {
            let _ = writeln!(s, "<li>lost {} ({ids}): {}</li>", ids.len(), esc(&cause.detail));
        }
        let _ = writeln!(s, "</ul>");
    }
    if !v.notes.is_empty() {
        let _ = writeln!(s, "<ul>");
        for note in &v.notes {
            let _ = writeln!(s, "<li>{}</li>", esc(note));
        }
        let _ = writeln!(s, "</ul>");
    }
}
