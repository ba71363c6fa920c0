//! The SVG timeline of a run: one lane per node, cable and NIC, alarms and script actions as
//! markers. Deterministic bytes; no external assets.
//!
//! Layout, top to bottom: a header (name, system, seed, the headline metrics), the script's
//! actions as labels (staggered into rows so they do not overlap) with dashed markers down
//! through every lane, a `service` lane (serving, outage, split brain, from the metrics), the
//! node lanes, the cable lanes, the NIC link lanes, one row of alarms per console (a triangle
//! where an alarm is raised, a thin bar while it stands), the time axis and a legend. Every
//! shape has a `<title>` (a tooltip in browsers). Integer coordinates only.

use crate::engine::Time;
use crate::metrics::Metrics;
use crate::ops::{Alarm, LaneKind, Level, Meaning, Severity, State};
use crate::runner::{Lane, Outcome};
use crate::units::Ms;
use std::fmt::Write;

/// Total width of the picture.
const WIDTH: i64 = 1200;
const PAD: i64 = 12;
/// Font sizes, and a generous estimate of a character's width at each (for layout only).
const FONT: i64 = 12;
const SMALL: i64 = 11;
const TINY: i64 = 10;

/// The fill and the ink (text color) of a state: one fixed mapping for every product, by what
/// the state means (the service lane's serving is lighter than a node's). Causes and impacts
/// are told apart by family: what broke (a pulled cable, a link down; the script's actions are
/// drawn in the same family) is dark slate, what it did to the service (an outage, a node down,
/// a split brain) is red and purple; alarms keep their severities' colors.
pub(crate) fn state_color(kind: LaneKind, meaning: Meaning) -> (&'static str, &'static str) {
    match (kind, meaning) {
        (LaneKind::Service, Meaning::Serving) => ("#a5d6a7", "#1b5e20"),
        (_, Meaning::Serving) => ("#2e7d32", "#ffffff"),
        (_, Meaning::TakingOver) => ("#f9a825", "#212121"),
        (_, Meaning::Standby) => ("#b0bec5", "#212121"),
        (_, Meaning::Down) => ("#7f1d1d", "#ffffff"),
        (_, Meaning::Broken) => (CAUSE, "#ffffff"),
        (_, Meaning::Up) => ("#c8e6c9", "#1b5e20"),
        (_, Meaning::Outage) => ("#c62828", "#ffffff"),
        (_, Meaning::SplitBrain) => ("#6a1b9a", "#ffffff"),
        (_, Meaning::Failing) => ("#ffca28", "#212121"),
        (_, Meaning::Failed) => ("#e53935", "#ffffff"),
    }
}

/// The color of causes: what broke, and the script's actions.
const CAUSE: &str = "#37474f";
/// The ink of the script's markers and labels (the cause family, darker).
const ACTION: &str = "#263238";

/// The color of an alarm severity: by its level on the shared scale.
pub(crate) fn severity_color(s: Severity) -> &'static str {
    match s.level {
        Level::Warning => "#1e88e5",
        Level::Indeterminate => "#8e24aa",
        Level::Minor => "#fbc02d",
        Level::Major => "#ef6c00",
        Level::Critical => "#b71c1c",
    }
}

/// Text escaped for XML (and HTML): `& < > " '`, and the control characters XML 1.0 forbids
/// replaced by spaces.
pub(crate) fn esc(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// An estimate of the width of `text` at font size `size` (wide enough for common sans fonts).
fn text_width(text: &str, size: i64) -> i64 {
    (text.chars().count() as i64 * size * 56 + 99) / 100
}

/// `text` cut to fit `width` at `size` (with an ellipsis), or `None` when too little would show.
fn fit(text: &str, width: i64, size: i64) -> Option<String> {
    if text_width(text, size) <= width {
        return Some(text.to_string());
    }
    let n = (width * 100 / (size * 56)).max(0) as usize;
    if n < 8 {
        return None;
    }
    Some(text.chars().take(n - 1).collect::<String>() + "…")
}

/// A time on the axis: `m:ss`, `h:mm:ss` for runs of an hour or more, with milliseconds when the
/// step is below a second.
fn tick_label(t: Time, end: Time, step: Time) -> String {
    let (h, m, s, ms) = (t / 3_600_000, t / 60_000 % 60, t / 1000 % 60, t % 1000);
    let base = if end >= 3_600_000 { format!("{h}:{m:02}:{s:02}") } else { format!("{}:{s:02}", t / 60_000) };
    if step < 1000 { format!("{base}.{ms:03}") } else { base }
}

/// A round tick step giving at most 12 ticks over `0..=end` (about 6 to 12 for most ends).
fn tick_step(end: Time) -> Time {
    const STEPS: [Time; 27] = [
        1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000, 900_000, 1_800_000, 3_600_000,
        7_200_000, 10_800_000, 21_600_000, 43_200_000, 86_400_000,
    ];
    STEPS.iter().copied().find(|s| end / s < 12).unwrap_or_else(|| end.div_ceil(10).max(1))
}

/// The `service` lane of one system: outages (from its metrics), split brain (when its metrics
/// saw one: where two of its node lanes serve at once) and serving otherwise, each in the
/// product's own word where its service lane (`words`) means the same then.
fn service_lane(end: Time, m: &Metrics, name: String, nodes: &[&Lane], words: Option<&Lane>, system: usize) -> Lane {
    let mut cuts: Vec<Time> = vec![0, end];
    for out in &m.outages {
        cuts.push(out.from_ms.min(end));
        cuts.extend(out.until_ms.map(|u| u.min(end)));
    }
    if m.split_brain_ms > 0 {
        cuts.extend(nodes.iter().flat_map(|l| l.segments.iter().flat_map(|(a, b, _)| [*a, *b])));
    }
    cuts.extend(words.iter().flat_map(|l| l.segments.iter().map(|(a, _, _)| (*a).min(end))));
    cuts.sort_unstable();
    cuts.dedup();
    let derived = |t: Time| {
        if m.outages.iter().any(|out| out.from_ms <= t && out.until_ms.is_none_or(|u| t < u)) {
            return State::new("outage", Meaning::Outage);
        }
        let serving = |l: &&&Lane| l.segments.iter().any(|(a, b, s)| *a <= t && t < *b && s.meaning == Meaning::Serving);
        match m.split_brain_ms > 0 && nodes.iter().filter(serving).count() > 1 {
            true => State::new("split brain", Meaning::SplitBrain),
            false => State::new("serving", Meaning::Serving),
        }
    };
    let state_at = |t: Time| {
        let state = derived(t);
        let own = words.and_then(|l| l.segments.iter().find(|(a, b, _)| *a <= t && t < *b)).map(|(_, _, s)| s);
        match own {
            Some(own) if own.meaning == state.meaning => own.clone(),
            _ => state,
        }
    };
    let mut segments: Vec<(Time, Time, State)> = Vec::new();
    for w in cuts.windows(2) {
        let now = state_at(w[0]);
        match segments.last_mut() {
            Some((_, to, s)) if *s == now => *to = w[1],
            _ => segments.push((w[0], w[1], now)),
        }
    }
    if segments.is_empty() {
        segments.push((0, end, state_at(0)));
    }
    Lane { name, kind: LaneKind::Service, system, segments }
}

/// One system's part of the picture: its service lane, its own lanes and its consoles.
struct Group<'a> {
    metrics: &'a Metrics,
    service: Lane,
    lanes: Vec<&'a Lane>,
    consoles: &'a [(String, Vec<Alarm>)],
    /// Its view at the end: what its tracked writes are called and where they ended up (the
    /// losses are marked).
    view: &'a crate::ops::View,
}

/// The systems of a run, each with its lanes (in the run's order) and its service lane.
fn groups(o: &Outcome) -> Vec<Group<'_>> {
    let first = (o.system_name.as_str(), &o.metrics, &o.revised);
    let others = o.others.iter().map(|s| (s.name.as_str(), &s.metrics, &s.revised));
    std::iter::once(first)
        .chain(others)
        .enumerate()
        .map(|(i, (name, metrics, view))| {
            // The product's service lane gives the service lane its words; it has no row.
            let (words, lanes): (Vec<&Lane>, Vec<&Lane>) = o.lanes.iter().filter(|l| l.system == i).partition(|l| l.kind == LaneKind::Service);
            let nodes: Vec<&Lane> = lanes.iter().copied().filter(|l| l.kind == LaneKind::Node).collect();
            let label = if name.is_empty() { "service".to_string() } else { format!("service of {name}") };
            let service = service_lane(o.end_ms, metrics, label, &nodes, words.first().copied(), i);
            Group { metrics, service, lanes, consoles: view.consoles.as_slice(), view }
        })
        .collect()
}

/// A lane worth its own row: it changed, or it shows something other than a healthy cable or
/// link. The others are folded into one summary row per system.
fn changes(lane: &Lane) -> bool {
    let healthy = |s: &State| s.meaning == Meaning::Up;
    lane.kind == LaneKind::Node || lane.segments.len() > 1 || !lane.segments.iter().all(|(_, _, s)| healthy(s))
}

/// A system's lanes split into those drawn in rows of their own and those folded into one
/// summary row (a single unchanged lane keeps its row: a summary would save nothing).
fn rows_of<'a>(lanes: &[&'a Lane]) -> (Vec<&'a Lane>, Vec<&'a Lane>) {
    let (own, folded): (Vec<&Lane>, Vec<&Lane>) = lanes.iter().partition(|l| changes(l));
    match folded.len() {
        0 | 1 => (lanes.to_vec(), Vec::new()),
        _ => (own, folded),
    }
}

/// The script's actions with their labels: the trace's `script: …` line when it names the same
/// action (it adds the node the action went to), else the action alone. The trace's script
/// lines are gathered by instant in one pass, so a long script with a long trace costs their
/// sum, not their product.
fn actions(o: &Outcome) -> Vec<(Time, String)> {
    let mut lines: std::collections::BTreeMap<Time, Vec<Option<&str>>> = std::collections::BTreeMap::new();
    for r in o.timeline.iter() {
        if let Some(text) = r.text.strip_prefix("script: ") {
            lines.entry(r.at_ms).or_default().push(Some(text));
        }
    }
    o.script
        .iter()
        .map(|(t, what)| {
            let at_instant = lines.get_mut(t).into_iter().flat_map(|l| l.iter_mut());
            // The first line of the instant not taken by an earlier step that names this action.
            match at_instant.into_iter().find(|line| line.is_some_and(|text| text.starts_with(what.as_str()))) {
                Some(line) => (*t, line.take().expect("found unused").to_string()),
                None => (*t, what.clone()),
            }
        })
        .collect()
}

/// What [`pack`] does with an interval that finds no free row when all rows are taken.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Overflow {
    /// Put it in the row that frees first (it may overlap: an alarm's bar, whose text is cut).
    Reuse,
    /// Leave it out (a label: it would overlap another; its marker and tooltip stay).
    Drop,
}

/// Places intervals `[l, r]` into the first row where they overlap nothing (at most `max`
/// rows; past that, as `overflow` says). Returns each one's row and the number of rows.
fn pack(items: &[(i64, i64)], gap: i64, max: usize, overflow: Overflow) -> (Vec<Option<usize>>, usize) {
    let mut rows: Vec<Vec<(i64, i64)>> = Vec::new();
    let mut out = Vec::with_capacity(items.len());
    for &(l, r) in items {
        let free = rows.iter().position(|row| row.iter().all(|&(a, b)| r + gap < a || b + gap < l));
        let row = match free {
            Some(i) => Some(i),
            None if rows.len() < max => {
                rows.push(Vec::new());
                Some(rows.len() - 1)
            }
            None if overflow == Overflow::Drop => None,
            None => Some((0..rows.len()).min_by_key(|&i| rows[i].iter().map(|&(_, b)| b).max().unwrap_or(0)).unwrap_or(0)),
        };
        if let Some(row) = row {
            rows[row].push((l, r));
        }
        out.push(row);
    }
    let n = rows.len();
    (out, n)
}

/// The time scale of the plot.
struct Scale {
    x0: i64,
    x1: i64,
    end: Time,
}

impl Scale {
    fn x(&self, t: Time) -> i64 {
        let t = t.min(self.end) as u128;
        let w = (self.x1 - self.x0) as u128;
        let end = self.end.max(1) as u128;
        self.x0 + ((t * w + end / 2) / end) as i64
    }
}

fn span_text(from: Time, to: Time) -> String {
    format!("from {} to {} ({})", Ms(from), Ms(to), Ms(to - from))
}

/// The timeline as a standalone SVG document.
pub fn timeline(o: &Outcome) -> String {
    timeline_of(o, &groups(o))
}

/// The timeline with each system's group computed (the legend borrows state names from them).
fn timeline_of<'a>(o: &'a Outcome, groups: &'a [Group<'a>]) -> String {
    let end = o.end_ms;
    let actions = actions(o);

    // Horizontal layout: lane names right-aligned in a column on the left.
    let names = groups.iter().flat_map(|g| {
        std::iter::once(g.service.name.as_str()).chain(g.lanes.iter().map(|l| l.name.as_str())).chain(g.consoles.iter().map(|(n, _)| n.as_str()))
    });
    let label_w = names.map(|n| text_width(n, FONT)).max().unwrap_or(0).clamp(90, 300) + 12;
    let sc = Scale { x0: PAD + label_w, x1: WIDTH - 28, end };

    let mut s = String::new();
    let mut body = String::new();

    // Header.
    let m = o.total.as_ref().unwrap_or(&o.metrics);
    let opt = |v: Option<Time>| v.map_or("–".to_string(), |v| Ms(v).to_string());
    let headline = format!(
        "downtime {} · outages {} · time to detect {} · time to switch {} · switches {} · split brain {} · writes lost {} · max replication lag {}",
        Ms(m.downtime_ms),
        m.outages.len(),
        opt(m.max_time_to_detect_ms()),
        opt(m.max_time_to_switch_ms()),
        m.switches,
        Ms(m.split_brain_ms),
        m.writes_lost,
        Ms(m.max_replication_lag_ms)
    );
    let _ = writeln!(body, "<text x=\"{PAD}\" y=\"22\" font-size=\"16\" font-weight=\"bold\">{}</text>", esc(&o.name));
    let _ = writeln!(body, "<text x=\"{PAD}\" y=\"40\" fill=\"#455a64\">{} · seed {} · end {}</text>", esc(&o.system), o.seed, Ms(end));
    let _ = writeln!(body, "<text x=\"{PAD}\" y=\"57\" font-size=\"{SMALL}\" fill=\"#455a64\">{}</text>", esc(&headline));
    let mut y = 70;

    // Action labels, staggered in rows from the top down.
    const ROW: i64 = 15;
    let extents: Vec<(i64, i64)> = actions
        .iter()
        .map(|(t, label)| {
            let (x, w) = (sc.x(*t), text_width(label, SMALL) + 4);
            if x + 4 + w <= WIDTH - 4 { (x, x + 4 + w) } else { (x - 4 - w, x) }
        })
        .collect();
    let (rows, nrows) = pack(&extents, 6, 8, Overflow::Drop);
    let labels_top = y;
    y += nrows as i64 * ROW + 6;

    // Lanes: each system's service lane, its own lanes (the unchanged healthy ones folded into
    // one row) and its consoles; then the expectations.
    let plot_top = y;
    let mut lanes_svg = String::new();
    let mut bands = String::new();
    // The legend: one entry per color, naming the states seen in it (in the product's words).
    let mut legend: Vec<(&str, Vec<&str>)> = Vec::new();
    let mut severities: Vec<Severity> = Vec::new();
    for g in groups {
        let top = y;
        draw_lane(&mut lanes_svg, &sc, y, 20, &g.service, Weight::Bold, &mut legend);
        detections(&mut lanes_svg, &sc, y, g.metrics);
        y += 20 + 2;
        if !g.metrics.outages.is_empty() {
            y += phases(&mut lanes_svg, &sc, y, g.metrics);
        }
        y += 8;
        let (own, folded) = rows_of(&g.lanes);
        let mut prev: Option<LaneKind> = None;
        for l in own {
            let k = l.kind;
            if prev.is_some_and(|p| p != k) {
                y += 8;
            }
            prev = Some(k);
            let h = if k == LaneKind::Node { 26 } else { 18 };
            let weight = if k == LaneKind::Node { Weight::Bold } else { Weight::Normal };
            draw_lane(&mut lanes_svg, &sc, y, h, l, weight, &mut legend);
            y += h + 4;
        }
        if !folded.is_empty() {
            y += 8;
            y += fold(&mut lanes_svg, &sc, y, &folded, &mut legend);
        }
        if !g.consoles.is_empty() {
            y += 8;
        }
        for (name, alarms) in g.consoles {
            y += console(&mut lanes_svg, &sc, y, name, alarms, &mut severities);
        }
        if !g.view.writes.lost_at.is_empty() {
            y += losses(&mut lanes_svg, &sc, y, g.view);
        }
        outage_bands(&mut bands, &sc, (top, y), g.metrics);
        y += 6;
    }
    if !o.expectations.is_empty() {
        y += 4;
        y += expectations(&mut lanes_svg, &sc, y, o);
    }
    let plot_bottom = y;

    // Grid and the time axis.
    let step = tick_step(end);
    let mut grid = String::new();
    let mut axis = String::new();
    let _ = writeln!(axis, "<line x1=\"{}\" y1=\"{plot_bottom}\" x2=\"{}\" y2=\"{plot_bottom}\" stroke=\"#455a64\"/>", sc.x0, sc.x1);
    let mut t = 0;
    loop {
        let x = sc.x(t);
        let _ = writeln!(grid, "<line x1=\"{x}\" y1=\"{plot_top}\" x2=\"{x}\" y2=\"{plot_bottom}\" stroke=\"#eceff1\"/>");
        let _ = writeln!(axis, "<line x1=\"{x}\" y1=\"{plot_bottom}\" x2=\"{x}\" y2=\"{}\" stroke=\"#455a64\"/>", plot_bottom + 5);
        let _ = writeln!(
            axis,
            "<text x=\"{x}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{SMALL}\" fill=\"#37474f\">{}</text>",
            plot_bottom + 18,
            tick_label(t, end, step)
        );
        match t.checked_add(step) {
            Some(next) if next <= end => t = next,
            _ => break,
        }
    }

    // Script markers (dashed, over the lanes) and their labels (over everything, with a halo).
    let mut markers = String::new();
    let mut labels = String::new();
    for (((t, label), (l, _)), row) in actions.iter().zip(&extents).zip(&rows) {
        let x = sc.x(*t);
        let title = format!("<title>at {}: {}</title>", Ms(*t), esc(label));
        let Some(row) = row else {
            // No row is free for its label: the marker alone, with its tooltip.
            let _ = writeln!(
                markers,
                "<line x1=\"{x}\" y1=\"{plot_top}\" x2=\"{x}\" y2=\"{plot_bottom}\" stroke=\"{ACTION}\" stroke-opacity=\"0.75\" stroke-dasharray=\"4 3\">{title}</line>"
            );
            continue;
        };
        let ty = labels_top + *row as i64 * ROW + 11;
        let _ = writeln!(
            markers,
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{plot_bottom}\" stroke=\"{ACTION}\" stroke-opacity=\"0.75\" stroke-dasharray=\"4 3\">{title}</line>",
            ty - 9
        );
        let (anchor, tx) = if *l == x { ("start", x + 4) } else { ("end", x - 4) };
        let _ = writeln!(
            labels,
            "<text x=\"{tx}\" y=\"{ty}\" text-anchor=\"{anchor}\" font-size=\"{SMALL}\" fill=\"{ACTION}\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">{}{title}</text>",
            esc(label)
        );
        let _ = writeln!(labels, "<circle cx=\"{x}\" cy=\"{}\" r=\"2\" fill=\"{ACTION}\"/>", ty - 9);
    }

    // Legend.
    let mut y_leg = plot_bottom + 40;
    let mut x_leg = PAD;
    let mut legend_svg = String::new();
    let item = |w: i64, x: &mut i64, y: &mut i64| {
        if *x + w > WIDTH - PAD {
            *x = PAD;
            *y += 18;
        }
        let at = (*x, *y);
        *x += w + 16;
        at
    };
    for (fill, states) in &legend {
        let state = states.join(" / ");
        let w = 16 + text_width(&state, SMALL);
        let (x, ly) = item(w, &mut x_leg, &mut y_leg);
        let _ = writeln!(legend_svg, "<rect x=\"{x}\" y=\"{}\" width=\"12\" height=\"12\" fill=\"{fill}\" stroke=\"#90a4ae\"/>", ly - 10);
        let _ = writeln!(legend_svg, "<text x=\"{}\" y=\"{ly}\" font-size=\"{SMALL}\">{}</text>", x + 16, esc(&state));
    }
    for sev in &severities {
        let text = format!("{} alarm", sev.label());
        let w = 16 + text_width(&text, SMALL);
        let (x, ly) = item(w, &mut x_leg, &mut y_leg);
        let _ = writeln!(legend_svg, "<path d=\"M{x} {} L{} {} L{} {ly} Z\" fill=\"{}\"/>", ly - 9, x + 10, ly - 9, x + 5, severity_color(*sev));
        let _ = writeln!(legend_svg, "<text x=\"{}\" y=\"{ly}\" font-size=\"{SMALL}\">{}</text>", x + 16, esc(&text));
    }
    if !actions.is_empty() {
        let text = "script action";
        let (x, ly) = item(20 + text_width(text, SMALL), &mut x_leg, &mut y_leg);
        let _ = writeln!(legend_svg, "<line x1=\"{}\" y1=\"{}\" x2=\"{}\" y2=\"{ly}\" stroke=\"{ACTION}\" stroke-dasharray=\"4 3\"/>", x + 5, ly - 11, x + 5);
        let _ = writeln!(legend_svg, "<text x=\"{}\" y=\"{ly}\" font-size=\"{SMALL}\">{text}</text>", x + 16);
    }
    if m.outages.iter().any(|o| o.detected_ms.is_some()) {
        let text = "outage detected";
        let (x, ly) = item(16 + text_width(text, SMALL), &mut x_leg, &mut y_leg);
        let _ = writeln!(
            legend_svg,
            "<path d=\"M{} {} L{} {} L{} {ly} L{x} {} Z\" fill=\"#ffffff\" stroke=\"#212121\"/>",
            x + 5,
            ly - 11,
            x + 10,
            ly - 6,
            x + 5,
            ly - 6
        );
        let _ = writeln!(legend_svg, "<text x=\"{}\" y=\"{ly}\" font-size=\"{SMALL}\">{text}</text>", x + 16);
    }
    for (held, shown) in [(true, !o.expectations.is_empty()), (false, o.expectations.iter().any(|e| e.failure.is_some()))] {
        if !shown {
            continue;
        }
        let (text, color) = if held { ("expectation held (its window)", HELD) } else { ("expectation failed (✗ where)", FAILED) };
        let (x, ly) = item(20 + text_width(text, SMALL), &mut x_leg, &mut y_leg);
        let _ = writeln!(legend_svg, "<rect x=\"{x}\" y=\"{}\" width=\"14\" height=\"5\" rx=\"2\" fill=\"{color}\"/>", ly - 7);
        let _ = writeln!(legend_svg, "<text x=\"{}\" y=\"{ly}\" font-size=\"{SMALL}\">{text}</text>", x + 18);
    }
    let height = y_leg + 12;

    let _ = writeln!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" font-family=\"Helvetica, Arial, sans-serif\" font-size=\"{FONT}\" fill=\"#212121\">"
    );
    let _ = writeln!(s, "<title>failsim timeline: {}</title>", esc(&o.name));
    let _ = writeln!(s, "<rect x=\"0\" y=\"0\" width=\"{WIDTH}\" height=\"{height}\" fill=\"#ffffff\"/>");
    for part in [&body, &grid, &bands, &lanes_svg, &markers, &axis, &labels, &legend_svg] {
        s.push_str(part);
    }
    s.push_str("</svg>\n");
    s
}

/// How a lane's name is set: a node's and a service lane's in bold.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Weight {
    Normal,
    Bold,
}

/// The legend: one entry per color, naming the states seen in it (in the product's words).
type Legend<'a> = Vec<(&'static str, Vec<&'a str>)>;

fn note_state<'a>(legend: &mut Legend<'a>, fill: &'static str, state: &'a str) {
    match legend.iter_mut().find(|(f, _)| *f == fill) {
        Some((_, states)) if !states.contains(&state) => states.push(state),
        Some(_) => {}
        None => legend.push((fill, vec![state])),
    }
}

/// One lane at `y`, `h` high: its name on the left, a rectangle per segment with its state's
/// word inside where it fits.
fn draw_lane<'a>(svg: &mut String, sc: &Scale, y: i64, h: i64, lane: &'a Lane, weight: Weight, legend: &mut Legend<'a>) {
    let bold = if weight == Weight::Bold { " font-weight=\"bold\"" } else { "" };
    let _ = writeln!(svg, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\"{bold}>{}</text>", sc.x0 - 8, y + h / 2 + 4, esc(&lane.name));
    for (from, to, state) in &lane.segments {
        let (fill, ink) = state_color(lane.kind, state.meaning);
        let word = state.word.as_str();
        note_state(legend, fill, word);
        let (xa, xb) = (sc.x(*from), sc.x(*to));
        let w = (xb - xa).max(1);
        let _ = writeln!(
            svg,
            "<rect x=\"{xa}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" fill=\"{fill}\"><title>{}: {} {}</title></rect>",
            esc(&lane.name),
            esc(word),
            span_text(*from, *to)
        );
        let size = if h >= 24 { FONT } else { SMALL };
        if text_width(word, size) + 8 <= w {
            let (x, ty) = (xa + w / 2, y + h / 2 + size / 3 + 1);
            let _ = writeln!(
                svg,
                "<text x=\"{x}\" y=\"{ty}\" text-anchor=\"middle\" font-size=\"{size}\" fill=\"{ink}\" pointer-events=\"none\">{}</text>",
                esc(word)
            );
        }
    }
}

/// A mark on a service lane at `y` where each outage was detected.
fn detections(svg: &mut String, sc: &Scale, y: i64, m: &Metrics) {
    for out in &m.outages {
        let Some(d) = out.detected_ms.filter(|d| *d <= sc.end) else { continue };
        let x = sc.x(d);
        let after = Ms(d - out.from_ms);
        let (top, mid, bottom) = (y + 4, y + 10, y + 16);
        let _ = writeln!(
            svg,
            "<path d=\"M{x} {top} L{} {mid} L{x} {bottom} L{} {mid} Z\" fill=\"#ffffff\" stroke=\"#212121\"><title>outage detected at {} ({after} after it began): a node started taking over</title></path>",
            x + 6,
            x - 6,
            Ms(d)
        );
    }
}

/// The phases of a system's outages, from its metrics: before the first, `detecting` (no node
/// serves, none has started taking over), `taking over` (one has, none serves yet), and
/// `recovered` after each (`open` when the run ends inside one).
fn phase_spans(m: &Metrics, end: Time) -> Vec<(Time, Time, &'static str, &'static str)> {
    let mut spans = Vec::new();
    let mut at = 0;
    for (i, o) in m.outages.iter().enumerate() {
        let (from, until) = (o.from_ms.min(end), o.until_ms.unwrap_or(end).min(end));
        spans.push((at, from, if i == 0 { "steady" } else { "recovered" }, "#eceff1"));
        let detected = o.detected_ms.map_or(until, |d| d.clamp(from, until));
        spans.push((from, detected, "detecting", "#ffe0b2"));
        spans.push((detected, until, "taking over", "#ffcc80"));
        at = until;
    }
    spans.push((at, end, if m.outages.last().is_some_and(|o| o.until_ms.is_none()) { "open" } else { "recovered" }, "#e8f5e9"));
    spans.retain(|(a, b, _, _)| a < b);
    spans
}

/// A thin strip under a service lane naming the phases of its outages ([`phase_spans`]), each
/// word where it fits. Returns its height.
fn phases(svg: &mut String, sc: &Scale, y: i64, m: &Metrics) -> i64 {
    const H: i64 = 12;
    let _ = writeln!(svg, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"{TINY}\" fill=\"#546e7a\">phases</text>", sc.x0 - 8, y + H - 2);
    for (from, to, word, fill) in phase_spans(m, sc.end) {
        let (xa, xb) = (sc.x(from), sc.x(to));
        let w = (xb - xa).max(1);
        let _ = writeln!(svg, "<rect x=\"{xa}\" y=\"{y}\" width=\"{w}\" height=\"{H}\" fill=\"{fill}\"><title>{word} {}</title></rect>", span_text(from, to));
        if text_width(word, TINY) + 6 <= w {
            let _ = writeln!(
                svg,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"{TINY}\" fill=\"#37474f\" pointer-events=\"none\">{word}</text>",
                xa + w / 2,
                y + H - 2
            );
        }
    }
    H + 2
}

/// One row for the lanes that never changed and show a healthy cable or link: how many, their
/// states, their names as far as they fit (all of them in the tooltip). Returns its height.
fn fold<'a>(svg: &mut String, sc: &Scale, y: i64, lanes: &[&'a Lane], legend: &mut Legend<'a>) -> i64 {
    const H: i64 = 18;
    let mut words: Vec<&str> = Vec::new();
    for (_, _, state) in lanes.iter().flat_map(|l| &l.segments) {
        if !words.contains(&state.word.as_str()) {
            words.push(&state.word);
        }
    }
    let (fill, ink) = state_color(LaneKind::Cable, Meaning::Up);
    words.iter().for_each(|w| note_state(legend, fill, w));
    let names: Vec<&str> = lanes.iter().map(|l| l.name.as_str()).collect();
    let label = format!("{} unchanged", lanes.len());
    let _ = writeln!(svg, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" fill=\"#546e7a\">{label}</text>", sc.x0 - 8, y + H / 2 + 4);
    let (w, summary) = (sc.x1 - sc.x0, format!("{} throughout: {}", words.join(" / "), names.join(", ")));
    let _ = writeln!(svg, "<rect x=\"{}\" y=\"{y}\" width=\"{w}\" height=\"{H}\" fill=\"{fill}\"><title>{}</title></rect>", sc.x0, esc(&summary));
    if let Some(text) = fit(&summary, w - 12, SMALL) {
        let _ = writeln!(
            svg,
            "<text x=\"{}\" y=\"{}\" font-size=\"{SMALL}\" fill=\"{ink}\" pointer-events=\"none\">{}</text>",
            sc.x0 + 6,
            y + H / 2 + 4,
            esc(&text)
        );
    }
    H + 4
}

/// Outage bands behind a system's rows, from `rows.0` to `rows.1`.
fn outage_bands(svg: &mut String, sc: &Scale, rows: (i64, i64), m: &Metrics) {
    for out in &m.outages {
        let (xa, xb) = (sc.x(out.from_ms), sc.x(out.until_ms.unwrap_or(sc.end)));
        let (w, h) = ((xb - xa).max(1), rows.1 - rows.0);
        let _ = writeln!(svg, "<rect x=\"{xa}\" y=\"{}\" width=\"{w}\" height=\"{h}\" fill=\"#c62828\" fill-opacity=\"0.07\"/>", rows.0);
    }
}

/// One console's row: alarms in sub-tracks so that standing ones do not overlap, a triangle
/// where each is raised, a thin bar while it stands, its text up to the next alarm on its
/// track. Returns its height.
fn console(svg: &mut String, sc: &Scale, y: i64, name: &str, alarms: &[Alarm], severities: &mut Vec<Severity>) -> i64 {
    let spans: Vec<(i64, i64)> = alarms.iter().map(|a| (sc.x(a.raised_ms) - 5, sc.x(a.cleared_ms.unwrap_or(sc.end)))).collect();
    let (tracks, n) = pack(&spans, 2, 8, Overflow::Reuse);
    let tracks: Vec<usize> = tracks.into_iter().map(|t| t.expect("reused rows place every alarm")).collect();
    const TRACK: i64 = 14;
    let h = (n as i64 * TRACK + 6).max(18);
    let _ = writeln!(svg, "<rect x=\"{}\" y=\"{y}\" width=\"{}\" height=\"{h}\" fill=\"#f5f5f5\"/>", sc.x0, sc.x1 - sc.x0);
    let _ = writeln!(svg, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", sc.x0 - 8, y + h / 2 + 4, esc(name));
    if alarms.is_empty() {
        let _ = writeln!(svg, "<text x=\"{}\" y=\"{}\" font-size=\"{SMALL}\" fill=\"#78909c\">no alarms</text>", sc.x0 + 6, y + h / 2 + 4);
    }
    for (i, (a, track)) in alarms.iter().zip(&tracks).enumerate() {
        if !severities.contains(&a.severity) {
            severities.push(a.severity);
        }
        let color = severity_color(a.severity);
        let top = y + 3 + *track as i64 * TRACK;
        let (xa, xb) = (sc.x(a.raised_ms), sc.x(a.cleared_ms.unwrap_or(sc.end)));
        let until =
            a.cleared_ms.map_or(format!("still active at the end ({})", Ms(sc.end)), |c| format!("cleared at {} (after {})", Ms(c), Ms(c - a.raised_ms)));
        let _ = writeln!(svg, "<g><title>{} {}: raised at {}, {}\n{}</title>", esc(a.severity.label()), esc(name), Ms(a.raised_ms), until, esc(&a.text));
        let _ = writeln!(svg, "<rect x=\"{xa}\" y=\"{}\" width=\"{}\" height=\"2\" fill=\"{color}\" fill-opacity=\"0.6\"/>", top + 10, (xb - xa).max(1));
        if a.cleared_ms.is_some() {
            let _ = writeln!(svg, "<rect x=\"{}\" y=\"{}\" width=\"2\" height=\"6\" fill=\"{color}\"/>", xb - 1, top + 6);
        }
        let _ = writeln!(svg, "<path d=\"M{} {top} L{} {top} L{xa} {} Z\" fill=\"{color}\"/>", xa - 5, xa + 5, top + 8);
        // The alarm's text, up to the next alarm on its track (or the end of the plot).
        let next = (0..alarms.len()).filter(|&j| j != i && tracks[j] == *track && spans[j].0 > spans[i].0).map(|j| spans[j].0).min().unwrap_or(sc.x1);
        if let Some(text) = fit(&a.text, next - xa - 14, TINY) {
            let _ = writeln!(
                svg,
                "<text x=\"{}\" y=\"{}\" font-size=\"{TINY}\" fill=\"#37474f\" stroke=\"#f5f5f5\" stroke-width=\"3\" paint-order=\"stroke\">{}</text>",
                xa + 8,
                top + 8,
                esc(&text)
            );
        }
        let _ = writeln!(svg, "</g>");
    }
    h + 4
}

/// The row of a system's lost writes: a cross at each instant writes were lost, with how many
/// (the cause in its tooltip), labels left out where they would overlap. Returns its height.
fn losses(svg: &mut String, sc: &Scale, y: i64, view: &crate::ops::View) -> i64 {
    const H: i64 = 22;
    let (label, writes) = (view.writes_label.as_str(), &view.writes);
    let _ = writeln!(svg, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{} lost</text>", sc.x0 - 8, y + H / 2 + 4, esc(label));
    let texts: Vec<String> = writes.lost_at.iter().map(|l| format!("{} lost", l.count)).collect();
    let extents: Vec<(i64, i64)> = writes.lost_at.iter().zip(&texts).map(|(l, t)| (sc.x(l.at_ms) - 5, sc.x(l.at_ms) + 8 + text_width(t, SMALL))).collect();
    let (rows, _) = pack(&extents, 4, 1, Overflow::Drop);
    for ((l, text), row) in writes.lost_at.iter().zip(&texts).zip(&rows) {
        let (x, mid) = (sc.x(l.at_ms), y + H / 2);
        let _ = writeln!(svg, "<g><title>{} {} lost at {}: {}</title>", l.count, esc(label), Ms(l.at_ms), esc(&l.cause));
        let _ = writeln!(
            svg,
            "<path d=\"M{} {} L{} {} M{} {} L{} {}\" stroke=\"{LOST}\" stroke-width=\"3\"/>",
            x - 5,
            mid - 5,
            x + 5,
            mid + 5,
            x - 5,
            mid + 5,
            x + 5,
            mid - 5
        );
        if row.is_some() {
            let _ = writeln!(svg, "<text x=\"{}\" y=\"{}\" font-size=\"{SMALL}\" fill=\"{LOST}\">{}</text>", x + 8, mid + 4, esc(text));
        }
        let _ = writeln!(svg, "</g>");
    }
    H + 4
}

/// The color of lost writes (an impact).
const LOST: &str = "#b71c1c";

/// The colors of an expectation's window: held, and failed (neither a cause's nor an impact's).
const HELD: &str = "#43a047";
const FAILED: &str = "#d81b60";

/// The expectations' row: each one's window as a bar (a tick for an instant) in sub-tracks,
/// green where it held, pink with a cross at the failed instant where it did not. Returns its
/// height.
fn expectations(svg: &mut String, sc: &Scale, y: i64, o: &Outcome) -> i64 {
    let spans: Vec<(i64, i64)> = o.expectations.iter().map(|e| (sc.x(e.window.from_ms) - 2, (sc.x(e.window.to_ms) + 2).min(sc.x1 + 1))).collect();
    let (tracks, n) = pack(&spans, 2, 6, Overflow::Reuse);
    let tracks: Vec<usize> = tracks.into_iter().map(|t| t.expect("reused rows place every expectation")).collect();
    const TRACK: i64 = 8;
    let h = (n as i64 * TRACK + 6).max(18);
    let failed = o.expectations.iter().filter(|e| e.failure.is_some()).count();
    let label = if failed == 0 { format!("{} expectations held", o.expectations.len()) } else { format!("{failed} of {} failed", o.expectations.len()) };
    let _ = writeln!(svg, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">expectations</text>", sc.x0 - 8, y + h / 2 - 2);
    let _ = writeln!(svg, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"{TINY}\" fill=\"#546e7a\">{label}</text>", sc.x0 - 8, y + h / 2 + 10);
    for ((e, track), (xa, xb)) in o.expectations.iter().zip(&tracks).zip(&spans) {
        let top = y + 3 + *track as i64 * TRACK;
        let color = if e.failure.is_some() { FAILED } else { HELD };
        let ids = e.ids.join(", ");
        let verdict = e.failure.as_ref().map_or("held".to_string(), |f| format!("FAILED at {}: expected {}, got {}", Ms(f.at_ms), f.expected, f.actual));
        let _ = writeln!(svg, "<g><title>[{}] {} {}: {}</title>", esc(&ids), esc(&e.when), esc(&e.claim), esc(&verdict));
        let _ = writeln!(svg, "<rect x=\"{}\" y=\"{top}\" width=\"{}\" height=\"5\" rx=\"2\" fill=\"{color}\"/>", xa + 1, (xb - xa - 2).max(3));
        if let Some(f) = &e.failure {
            let x = sc.x(f.at_ms);
            let _ = writeln!(
                svg,
                "<path d=\"M{} {} L{} {} M{} {} L{} {}\" stroke=\"{FAILED}\" stroke-width=\"2\"/>",
                x - 4,
                top - 2,
                x + 4,
                top + 7,
                x - 4,
                top + 7,
                x + 4,
                top - 2
            );
        }
        let _ = writeln!(svg, "</g>");
    }
    h + 4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_outage_is_detected_then_taken_over_then_recovered() {
        let outage = |from_ms, detected_ms, until_ms| crate::metrics::Outage { from_ms, detected_ms, until_ms, switched: true };
        let m = Metrics { outages: vec![outage(60, Some(80), Some(200)), outage(300, None, None)], ..Metrics::default() };
        let words: Vec<(Time, Time, &str)> = phase_spans(&m, 400).into_iter().map(|(a, b, w, _)| (a, b, w)).collect();
        assert_eq!(words, [(0, 60, "steady"), (60, 80, "detecting"), (80, 200, "taking over"), (200, 300, "recovered"), (300, 400, "detecting"),]);
        let open_detected = Metrics { outages: vec![outage(60, Some(80), None)], ..Metrics::default() };
        let last = phase_spans(&open_detected, 100).last().map(|s| s.2);
        assert_eq!(last, Some("taking over"), "an open outage ends the run in its phase, with no empty tail");
    }

    #[test]
    fn the_service_lane_takes_the_products_word_where_both_mean_the_same() {
        let lane = |kind, segments: Vec<(Time, Time, State)>| Lane { name: "x".to_string(), kind, system: 0, segments };
        let node = |a: &str, b: &str| {
            let serves = |w: &str| if w == "on" { Meaning::Serving } else { Meaning::Standby };
            lane(LaneKind::Node, vec![(0, 30, State::new(a, serves(a))), (30, 100, State::new(b, serves(b)))])
        };
        let (n1, n2) = (node("on", "on"), node("off", "on"));
        let outage = crate::metrics::Outage { from_ms: 80, detected_ms: None, until_ms: Some(90), switched: false };
        let m = Metrics { split_brain_ms: 50, outages: vec![outage], ..Metrics::default() };
        // The product names two servers serving (from 20, as its model saw it), and calls the
        // outage its way too, but says nothing of its own about serving.
        let words = lane(
            LaneKind::Service,
            vec![
                (0, 20, State::new("fine", Meaning::Standby)),
                (20, 80, State::new("two of us", Meaning::SplitBrain)),
                (80, 100, State::new("nobody", Meaning::Outage)),
            ],
        );
        let drawn = |words: Option<&Lane>| -> Vec<(Time, Time, String)> {
            service_lane(100, &m, "service".to_string(), &[&n1, &n2], words, 0).segments.into_iter().map(|(a, b, s)| (a, b, s.word)).collect()
        };
        let own = |a, b, w: &str| (a, b, w.to_string());
        assert_eq!(
            drawn(None),
            [own(0, 30, "serving"), own(30, 80, "split brain"), own(80, 90, "outage"), own(90, 100, "split brain")],
            "the report's words alone"
        );
        assert_eq!(
            drawn(Some(&words)),
            [own(0, 30, "serving"), own(30, 80, "two of us"), own(80, 90, "nobody"), own(90, 100, "split brain")],
            "the product's word only where its meaning is the report's"
        );
        let unseen = Metrics { split_brain_ms: 0, ..m.clone() };
        let drawn: Vec<(Time, Time, String)> =
            service_lane(100, &unseen, "service".to_string(), &[&n1, &n2], None, 0).segments.into_iter().map(|(a, b, s)| (a, b, s.word)).collect();
        assert_eq!(drawn, [own(0, 80, "serving"), own(80, 90, "outage"), own(90, 100, "serving")], "no split brain where the metrics saw none");
    }

    #[test]
    fn a_lane_has_its_own_row_when_it_is_a_node_changed_or_is_not_healthy_and_one_lone_unchanged_lane_keeps_its_row() {
        let lane = |name: &str, kind, states: &[(&str, Meaning)]| {
            let segments = states.iter().zip(0..).map(|((w, m), i): (&(&str, Meaning), Time)| (i * 10, i * 10 + 10, State::new(*w, *m))).collect();
            Lane { name: name.to_string(), kind, system: 0, segments }
        };
        let plugged = lane("a cable", LaneKind::Cable, &[("plugged", Meaning::Up)]);
        let other = lane("b cable", LaneKind::Cable, &[("plugged", Meaning::Up)]);
        let changed = lane("a link", LaneKind::Link, &[("link up", Meaning::Up), ("link up again", Meaning::Up)]);
        let pulled = lane("c cable", LaneKind::Cable, &[("pulled", Meaning::Broken)]);
        // A node always has its row, whatever its state means.
        let node = lane("node", LaneKind::Node, &[("up", Meaning::Up)]);
        let verdicts: Vec<bool> = [&plugged, &changed, &pulled, &node].iter().map(|l| changes(l)).collect();
        assert_eq!(verdicts, [false, true, true, true], "unchanged healthy / changed though healthy / unhealthy / node");
        let names = |lanes: &[&Lane]| lanes.iter().map(|l| l.name.clone()).collect::<Vec<_>>();
        let (own, folded) = rows_of(&[&node, &plugged]);
        assert_eq!((names(&own), names(&folded)), (names(&[&node, &plugged]), Vec::new()), "one unchanged lane is not folded: a summary would save nothing");
        let (own, folded) = rows_of(&[&node, &plugged, &changed, &other]);
        assert_eq!((names(&own), names(&folded)), (names(&[&node, &changed]), names(&[&plugged, &other])), "two or more are");
    }

    #[test]
    fn labels_share_a_row_only_more_than_the_gap_apart_on_either_side() {
        let rows = |items: &[(i64, i64)]| pack(items, 6, 8, Overflow::Drop).1;
        // Before one placed already: its right end plus the gap must stay left of the other's start.
        assert_eq!(rows(&[(20, 30), (0, 13)]), 1, "13 + 6 < 20");
        assert_eq!(rows(&[(20, 30), (0, 14)]), 2, "14 + 6 = 20 touches");
        // After it: the placed one's end plus the gap must stay left of its start.
        assert_eq!(rows(&[(0, 10), (17, 20)]), 1, "10 + 6 < 17");
        assert_eq!(rows(&[(0, 10), (16, 20)]), 2, "10 + 6 = 16 touches");
    }

    #[test]
    fn ticks_are_round_and_few() {
        for (end, step) in [(900_000, 120_000), (1_020_000, 120_000), (480_000, 60_000), (600_000, 60_000), (7_200_000, 900_000), (500, 50), (0, 1)] {
            assert_eq!(tick_step(end), step, "end {end}");
        }
        assert_eq!(tick_label(90_000, 900_000, 60_000), "1:30");
        assert_eq!(tick_label(3_690_000, 7_200_000, 900_000), "1:01:30");
        assert_eq!(tick_label(250, 500, 50), "0:00.250");
    }

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(esc("a<b>&\"c'\u{1}"), "a&lt;b&gt;&amp;&quot;c&#39; ");
    }

    #[test]
    fn packing_staggers_overlapping_labels() {
        let (rows, n) = pack(&[(0, 100), (50, 150), (120, 200), (210, 300)], 6, 8, Overflow::Drop);
        assert_eq!((rows, n), (vec![Some(0), Some(1), Some(0), Some(0)], 2));
    }

    #[test]
    fn past_the_last_row_a_label_is_dropped_and_an_alarm_reuses_the_row_that_frees_first() {
        let items = [(0, 100), (10, 50), (20, 200)];
        assert_eq!(pack(&items, 6, 2, Overflow::Drop), (vec![Some(0), Some(1), None], 2));
        assert_eq!(pack(&items, 6, 2, Overflow::Reuse), (vec![Some(0), Some(1), Some(1)], 2));
    }
}
