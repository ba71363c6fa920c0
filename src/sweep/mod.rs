//! `failsim sweep`: run a scenario over a grid of overridden values, in parallel and
//! deterministically (cells are computed independently and kept in grid order), and tabulate
//! each cell's availability metrics and whether its expectations held.

use crate::metrics::Metrics;
use crate::scenario::{Scenario, overrides};
use crate::units::Ms;
use rayon::prelude::*;
use serde::Serialize;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};

/// The most values one axis may have.
pub const MAX_AXIS_VALUES: u64 = 10_000;

/// The most cells a sweep may have (the product of its axes' lengths).
pub const MAX_CELLS: u64 = 10_000;

/// One varied path and its values, in order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Axis {
    /// The scenario path varied, in [`apply_overrides`](crate::apply_overrides) syntax
    /// (`heartbeats[*].interval`).
    pub path: String,
    /// Its values, each as a `--set` would give it.
    pub values: Vec<String>,
}

impl Axis {
    /// `PATH=V1,V2,...` or `PATH=FROM..TO/STEP` (integers, or durations like `5s..30s/5s`;
    /// `TO` included).
    pub fn parse(spec: &str) -> Result<Axis, String> {
        let (path, values) = spec.split_once('=').ok_or_else(|| format!("--vary `{spec}`: expected PATH=V1,V2 or PATH=FROM..TO/STEP"))?;
        let values = match values.split_once("..") {
            Some((from, rest)) => {
                let (to, step) = rest.split_once('/').ok_or_else(|| format!("--vary `{spec}`: a range needs a step: FROM..TO/STEP"))?;
                range(from, to, step).map_err(|e| format!("--vary `{spec}`: {e}"))?
            }
            None => values.split(',').map(str::to_string).collect(),
        };
        if values.is_empty() || values.len() as u64 > MAX_AXIS_VALUES {
            return Err(format!("--vary `{spec}`: {} values (1 to {MAX_AXIS_VALUES} allowed)", values.len()));
        }
        Ok(Axis { path: path.to_string(), values })
    }
}

fn range(from: &str, to: &str, step: &str) -> Result<Vec<String>, String> {
    let ints = (from.parse::<u64>(), to.parse::<u64>(), step.parse::<u64>());
    let (a, b, s, unit) = match ints {
        (Ok(a), Ok(b), Ok(s)) => (a, b, s, false),
        _ => {
            let d = |x: &str| x.parse::<Ms>().map(|m| m.0);
            (d(from)?, d(to)?, d(step)?, true)
        }
    };
    if s == 0 || a > b {
        return Err("the range is empty or its step is 0".into());
    }
    // Counted before a single value is built: a huge range is refused, not allocated.
    let count = (b - a) / s + 1;
    if count > MAX_AXIS_VALUES {
        return Err(format!("{count} values; at most {MAX_AXIS_VALUES} per axis"));
    }
    Ok((0..count).map(|i| a + i * s).map(|v| if unit { Ms(v).to_string() } else { v.to_string() }).collect())
}

/// One cell of the grid.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Cell {
    /// This cell's value for each axis, in axis order.
    pub values: Vec<String>,
    /// The world's metrics: its one system's, or every system's together (FS-MULTI).
    pub metrics: Metrics,
    /// Each system's own metrics, by name, in a world of several (empty for one system).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub systems: Vec<SystemMetrics>,
    /// How many of the scenario's expectations held in this cell.
    pub held: usize,
    /// How many expectations the scenario has.
    pub expectations: usize,
}

/// One system's metrics in a cell.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct SystemMetrics {
    /// The system's name in the world.
    pub name: String,
    /// Its metrics in this cell.
    pub metrics: Metrics,
}

impl Cell {
    fn of(values: &[String], o: crate::runner::Outcome) -> Cell {
        let held = o.expectations.iter().filter(|e| e.failure.is_none()).count();
        let expectations = o.expectations.len();
        let (metrics, systems) = match o.total {
            None => (o.metrics, Vec::new()),
            Some(total) => {
                let first = SystemMetrics { name: o.system_name, metrics: o.metrics };
                let others = o.others.into_iter().map(|s| SystemMetrics { name: s.name, metrics: s.metrics });
                (total, std::iter::once(first).chain(others).collect())
            }
        };
        Cell { values: values.to_vec(), metrics, systems, held, expectations }
    }

    /// The cell's rows: the world's, or each system's and then the total, with the system's
    /// name (none for one system).
    fn rows(&self) -> Vec<(Option<&str>, &Metrics)> {
        match self.systems.is_empty() {
            true => vec![(None, &self.metrics)],
            false => self.systems.iter().map(|s| (Some(s.name.as_str()), &s.metrics)).chain([(Some("total"), &self.metrics)]).collect(),
        }
    }
}

/// Whether the sweep's scenario has several systems (its tables get a `system` column).
fn several(cells: &[Cell]) -> bool {
    cells.iter().any(|c| !c.systems.is_empty())
}

/// The cartesian product of the axes, first axis slowest.
fn grid(axes: &[Axis]) -> Vec<Vec<String>> {
    axes.iter()
        .fold(vec![Vec::new()], |acc, axis| acc.iter().flat_map(|prefix| axis.values.iter().map(move |v| [prefix.clone(), vec![v.clone()]].concat())).collect())
}

/// Runs every cell (with `jobs` threads; the result does not depend on it).
///
/// ```
/// use failsim::sweep::{Axis, sweep};
///
/// let text = r#"Scenario(name: "stop", doc: "", seed: 1, system: DataMiner(),
///     script: [(at: "1m", do: Stop(Online))], end: "12m")"#;
/// let scenario = failsim::parse(std::path::Path::new("stop.ron"), text)?;
/// let axes = [Axis::parse("switch_time=2m,6m")?];
/// let cells = sweep(&scenario, &axes, 1)?;
/// let downtime: Vec<(&str, u64)> = cells.iter().map(|c| (c.values[0].as_str(), c.metrics.downtime_ms)).collect();
/// // The backup decides 17.842 s after the stop (heartbeats), then takes the switch time.
/// assert_eq!(downtime, [("2m", 17_842 + 120_000), ("6m", 17_842 + 360_000)]);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn sweep(scenario: &Scenario, axes: &[Axis], jobs: usize) -> Result<Vec<Cell>, String> {
    sweep_with_progress(scenario, axes, jobs, None)
}

/// Told after each cell: cells done, cells in all, and cells whose expectations did not all
/// hold so far (the CLI draws its progress bar from it; the result does not depend on it).
pub type Progress = fn(u64, u64, u64);

/// [`sweep`], telling `progress` how far it is.
pub fn sweep_with_progress(scenario: &Scenario, axes: &[Axis], jobs: usize, progress: Option<Progress>) -> Result<Vec<Cell>, String> {
    let count = axes.iter().try_fold(1u64, |n, a| n.checked_mul(a.values.len() as u64)).filter(|n| *n <= MAX_CELLS);
    if count.is_none() {
        let lengths: Vec<String> = axes.iter().map(|a| a.values.len().to_string()).collect();
        return Err(format!("the grid has {} cells; at most {MAX_CELLS}", lengths.join(" x ")));
    }
    let cells = grid(axes);
    // Every cell is another run than the file's: its pin (FS-PIN) cannot hold, and says nothing
    // of the cell's expectations. The cells are run unpinned.
    let scenario = &Scenario { expect_trace: None, ..scenario.clone() };
    let cell_scenario = |values: &[String]| {
        let sets: Vec<String> = axes.iter().zip(values).map(|(a, v)| format!("{}={v}", a.path)).collect();
        overrides::apply(scenario, &sets)
    };
    // Every cell's values are checked before any runs, so a bad value fails at once; each
    // cell's scenario is then built again in the thread that runs it, so that only `jobs`
    // of them are in memory at a time (a grid of 10,000 copies of a big file would not fit).
    cells.iter().try_for_each(|values| cell_scenario(values).map(drop))?;
    let pool = rayon::ThreadPoolBuilder::new().num_threads(jobs.max(1)).build().map_err(|e| e.to_string())?;
    let tally = Tally { report: progress, total: cells.len() as u64, done: AtomicU64::new(0), failing: AtomicU64::new(0) };
    pool.install(|| {
        cells
            .par_iter()
            .map(|values| {
                let sc = cell_scenario(values)?;
                // A cell reports figures, not records: it runs without a trace (issue 23).
                let o = crate::runner::run_untraced(&sc, None, crate::runner::Limits::default()).map_err(|e| format!("cell {}: {e}", values.join(", ")))?;
                let cell = Cell::of(values, o);
                tally.ran(&cell);
                Ok(cell)
            })
            .collect()
    })
}

/// How far a sweep is, shared by its workers (progress only: no result reads it).
struct Tally {
    report: Option<Progress>,
    total: u64,
    done: AtomicU64,
    failing: AtomicU64,
}

impl Tally {
    fn ran(&self, cell: &Cell) {
        let failed = u64::from(cell.held < cell.expectations);
        let failing = self.failing.fetch_add(failed, Ordering::Relaxed) + failed;
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(report) = self.report {
            report(done, self.total, failing);
        }
    }
}

/// The metrics a table shows, by name (also the names `--metric` accepts).
pub const METRICS: [&str; 12] = [
    "downtime",
    "time_to_detect",
    "time_to_switch",
    "switches",
    "degraded",
    "failed_attempts",
    "acquisition_downtime",
    "database_downtime",
    "split_brain",
    "writes_lost",
    "max_replication_lag",
    "alarms_raised",
];

/// A metric's value in milliseconds or as a count (for tables and heat maps).
pub fn metric(m: &Metrics, name: &str) -> Option<u64> {
    Some(match name {
        "downtime" => m.downtime_ms,
        "time_to_detect" => m.max_time_to_detect_ms()?,
        "time_to_switch" => m.max_time_to_switch_ms()?,
        "switches" => u64::from(m.switches),
        "degraded" => m.degraded_ms,
        "failed_attempts" => m.failed_attempts_per_mille()?,
        "acquisition_downtime" => m.acquisition_downtime_ms?,
        "database_downtime" => m.database_downtime_ms?,
        "split_brain" => m.split_brain_ms,
        "writes_lost" => m.writes_lost,
        "max_replication_lag" => m.max_replication_lag_ms,
        "alarms_raised" => m.alarms_by_severity.values().sum(),
        _ => return None,
    })
}

fn is_time(name: &str) -> bool {
    !matches!(name, "switches" | "writes_lost" | "alarms_raised" | "failed_attempts")
}

/// A metric formatted for people: durations as `6m22s`, counts as numbers, `-` when unset.
pub fn show(m: &Metrics, name: &str) -> String {
    metric(m, name).map_or("-".into(), |v| show_value(v, name))
}

/// A value of the metric `name` as tables show it.
fn show_value(v: u64, name: &str) -> String {
    match name {
        _ if is_time(name) => Ms(v).to_string(),
        "failed_attempts" => crate::metrics::per_mille(v),
        _ => v.to_string(),
    }
}

/// The table as text: a row per cell (in a world of several systems, a row per system and one
/// for the total).
pub fn text(axes: &[Axis], cells: &[Cell]) -> String {
    let mut header: Vec<String> = axes.iter().map(|a| a.path.clone()).collect();
    if several(cells) {
        header.push("system".into());
    }
    header.extend(METRICS.iter().map(|m| m.to_string()));
    header.push("expectations".into());
    let mut rows: Vec<Vec<String>> = Vec::new();
    for c in cells {
        for (system, m) in c.rows() {
            let mut row = c.values.clone();
            row.extend(system.map(str::to_string));
            row.extend(METRICS.iter().map(|name| show(m, name)));
            row.push(format!("{}/{}{}", c.held, c.expectations, if c.held < c.expectations { " FAIL" } else { "" }));
            rows.push(row);
        }
    }
    let widths: Vec<usize> = (0..header.len()).map(|i| rows.iter().map(|r| r[i].len()).chain([header[i].len()]).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        let line: Vec<String> = row.iter().zip(&widths).map(|(v, w)| format!("{v:<w$}")).collect();
        let _ = writeln!(out, "{}", line.join("  ").trim_end());
    }
    out
}

/// The cells as CSV: a header row of the axes' paths, the metrics (with their units) and
/// `held`/`expectations`, then one row per cell (and system, in a world of several).
pub fn csv(axes: &[Axis], cells: &[Cell]) -> String {
    let quote = |s: &str| if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() };
    let mut header: Vec<String> = axes.iter().map(|a| quote(&a.path)).collect();
    if several(cells) {
        header.push("system".into());
    }
    header.extend(METRICS.iter().map(|m| match (is_time(m), *m) {
        (true, _) => format!("{m}_ms"),
        (false, "failed_attempts") => format!("{m}_permille"),
        (false, _) => m.to_string(),
    }));
    header.extend(["held".to_string(), "expectations".to_string()]);
    let mut out = header.join(",") + "\n";
    for c in cells {
        for (system, m) in c.rows() {
            let mut row: Vec<String> = c.values.iter().map(|v| quote(v)).collect();
            row.extend(system.map(quote));
            row.extend(METRICS.iter().map(|name| metric(m, name).map_or(String::new(), |v| v.to_string())));
            row.extend([c.held.to_string(), c.expectations.to_string()]);
            out += &(row.join(",") + "\n");
        }
    }
    out
}

/// A sweep as a JSON document (`failsim sweep --format json`): the header, the axes and every
/// cell.
#[derive(Serialize, schemars::JsonSchema)]
pub struct SweepReport<'a> {
    #[serde(flatten)]
    header: crate::runner::JsonHeader,
    /// The axes, first the slowest.
    axes: &'a [Axis],
    /// Every cell, in the grid's order.
    cells: &'a [Cell],
}

/// The axes and cells as a JSON document (with the [`JsonHeader`](crate::JsonHeader)).
pub fn json(axes: &[Axis], cells: &[Cell]) -> String {
    serde_json::to_string_pretty(&SweepReport { header: crate::runner::JsonHeader::now(), axes, cells }).expect("serializes")
}

/// The JSON Schema of [`json`]'s document.
pub fn json_schema() -> String {
    crate::runner::json_schema::<SweepReport<'static>>()
}

/// Whether a heat map of `name` over `axes` can be drawn (checked before the sweep runs).
pub fn check_heat_map(axes: &[Axis], name: &str) -> Result<(), String> {
    if axes.len() != 2 {
        return Err(format!("--svg needs exactly two --vary axes (got {})", axes.len()));
    }
    if !METRICS.contains(&name) {
        return Err(format!("unknown metric `{name}`; one of: {}", METRICS.join(", ")));
    }
    Ok(())
}

/// A heat map of one metric over two axes (first axis: rows, second: columns), as SVG.
pub fn heat_map(axes: &[Axis], cells: &[Cell], name: &str) -> Result<String, String> {
    check_heat_map(axes, name)?;
    let (rows, cols) = (&axes[0].values, &axes[1].values);
    if cells.len() != rows.len() * cols.len() {
        return Err(format!("{} cells for a {}×{} grid", cells.len(), rows.len(), cols.len()));
    }
    let values: Vec<Option<u64>> = cells.iter().map(|c| metric(&c.metrics, name)).collect();
    let scale = Quantiles::of(&values);
    let labels: Vec<String> = cells.iter().map(|c| show(&c.metrics, name) + if failed(c) { " ✗" } else { "" }).collect();
    // Every cell as wide as the widest label (about 7 px a character at 12 px), at least 90.
    let widest = labels.iter().chain(cols.iter()).map(|l| l.chars().count() as u64).max().unwrap_or(0);
    let cw = (widest * 7 + 16).max(90);
    let row_w = rows.iter().map(|r| r.chars().count() as u64).max().unwrap_or(0) * 7 + 16;
    let (ch, left, top) = (34u64, row_w.max(axes[0].path.chars().count() as u64 * 7 + 16).max(100), 90u64);
    let title = format!("{name} by {} (rows) and {} (columns)", axes[0].path, axes[1].path);
    let grid_bottom = top + ch * rows.len() as u64;
    let legend = legend(&scale, name, values.iter().any(Option::is_none), cells.iter().any(failed));
    // About 8 px per character of the 14 px title.
    let w = (left + cw * cols.len() as u64 + 20).max(8 * title.chars().count() as u64 + 20).max(legend.width + 20);
    let h = grid_bottom + 24 + legend.height;
    let mut s = format!("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{w}\" height=\"{h}\" font-family=\"sans-serif\" font-size=\"12\">\n");
    let _ = writeln!(s, "<rect width=\"{w}\" height=\"{h}\" fill=\"#ffffff\"/>");
    let _ = writeln!(s, "<text x=\"10\" y=\"24\" font-size=\"14\" font-weight=\"bold\">{}</text>", esc(&title));
    // Axis titles: the column axis over its values, the row axis over its column of values.
    let cols_mid = left + cw * cols.len() as u64 / 2;
    let _ = writeln!(s, "<text x=\"{cols_mid}\" y=\"{}\" text-anchor=\"middle\" font-weight=\"bold\">{} →</text>", top - 34, esc(&axes[1].path));
    let _ = writeln!(s, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\" font-weight=\"bold\">{} ↓</text>", left - 8, top - 10, esc(&axes[0].path));
    for (j, col) in cols.iter().enumerate() {
        let _ = writeln!(s, "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\">{}</text>", left + cw * j as u64 + cw / 2, top - 10, esc(col));
    }
    for (i, row) in rows.iter().enumerate() {
        let y = top + ch * i as u64;
        let _ = writeln!(s, "<text x=\"{}\" y=\"{}\" text-anchor=\"end\">{}</text>", left - 8, y + ch / 2 + 4, esc(row));
        for (j, col) in cols.iter().enumerate() {
            let k = i * cols.len() + j;
            let (cell, (fill, ink)) = (&cells[k], scale.color(values[k]));
            let x = left + cw * j as u64;
            let (rp, cp) = (esc(&axes[0].path), esc(&axes[1].path));
            let tip =
                format!("{rp}={}, {cp}={}: {name} = {}; expectations {}/{}", esc(row), esc(col), esc(&show(&cell.metrics, name)), cell.held, cell.expectations);
            let _ = writeln!(s, "<rect x=\"{x}\" y=\"{y}\" width=\"{cw}\" height=\"{ch}\" fill=\"{fill}\" stroke=\"#ffffff\"><title>{tip}</title></rect>");
            let _ = writeln!(
                s,
                "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" fill=\"{ink}\" pointer-events=\"none\">{}</text>",
                x + cw / 2,
                y + ch / 2 + 4,
                esc(&labels[k])
            );
        }
    }
    let _ = writeln!(s, "<g transform=\"translate(10,{})\">{}</g>", grid_bottom + 16, legend.svg);
    s += "</svg>\n";
    Ok(s)
}

/// Whether a cell's expectations did not all hold (its label gets a ✗).
fn failed(c: &Cell) -> bool {
    c.held < c.expectations
}

/// Text escaped for SVG.
fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// The heat map's colors, light to dark, with the ink that reads on each.
const SHADES: [(&str, &str); 7] = [
    ("#fff5f0", "#212121"),
    ("#fee0d2", "#212121"),
    ("#fcbba1", "#212121"),
    ("#fc9272", "#212121"),
    ("#fb6a4a", "#212121"),
    ("#de2d26", "#ffffff"),
    ("#a50f15", "#ffffff"),
];
/// A cell without the metric.
const NO_VALUE: (&str, &str) = ("#dddddd", "#212121");

/// A quantile scale: each distinct value's shade is its rank among the distinct values, so a
/// few small values stay apart beside one large one (a linear scale made them all white).
struct Quantiles {
    distinct: Vec<u64>,
}

impl Quantiles {
    fn of(values: &[Option<u64>]) -> Quantiles {
        let mut distinct: Vec<u64> = values.iter().flatten().copied().collect();
        distinct.sort_unstable();
        distinct.dedup();
        Quantiles { distinct }
    }

    /// The shade of the `rank`-th distinct value.
    fn shade(&self, rank: usize) -> usize {
        match self.distinct.len() {
            0 | 1 => SHADES.len() / 2,
            n => rank * (SHADES.len() - 1) / (n - 1),
        }
    }

    fn color(&self, value: Option<u64>) -> (&'static str, &'static str) {
        let rank = value.and_then(|v| self.distinct.binary_search(&v).ok());
        rank.map_or(NO_VALUE, |r| SHADES[self.shade(r)])
    }
}

/// The legend's markup and size.
struct Legend {
    svg: String,
    width: u64,
    height: u64,
}

/// The legend: each shade used with the lowest value it shows, how the scale is read, the grey
/// of a cell without the value, and what ✗ means.
fn legend(scale: &Quantiles, name: &str, no_value: bool, any_failed: bool) -> Legend {
    let mut svg = String::new();
    let mut x = 0u64;
    let _ = write!(svg, "<text x=\"0\" y=\"12\" font-weight=\"bold\">scale</text>");
    x += 50;
    let mut last = None;
    for (rank, v) in scale.distinct.iter().enumerate() {
        let shade = scale.shade(rank);
        if last == Some(shade) {
            continue;
        }
        last = Some(shade);
        let label = show_value(*v, name);
        let (fill, _) = SHADES[shade];
        let _ = write!(
            svg,
            "<rect x=\"{x}\" y=\"0\" width=\"14\" height=\"14\" fill=\"{fill}\" stroke=\"#90a4ae\"/><text x=\"{}\" y=\"12\">{}</text>",
            x + 18,
            esc(&format!("≥ {label}"))
        );
        x += 18 + label.chars().count() as u64 * 7 + 30;
    }
    let mut notes = vec!["shades by rank among the distinct values (a quantile scale)".to_string()];
    if no_value {
        notes.push("grey: no value in this cell".to_string());
    }
    if any_failed {
        notes.push("✗: the scenario's expectations did not all hold in this cell".to_string());
    }
    let width = x.max(notes.iter().map(|n| n.chars().count() as u64 * 7).max().unwrap_or(0));
    for (i, n) in notes.iter().enumerate() {
        let _ = write!(svg, "<text x=\"0\" y=\"{}\" font-size=\"11\" fill=\"#455a64\">{}</text>", 32 + 16 * i as u64, esc(n));
    }
    Legend { svg, width, height: 24 + 16 * notes.len() as u64 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn axes_from_lists_and_ranges() {
        assert_eq!(Axis::parse("a=1,2,3").unwrap().values, vec!["1", "2", "3"]);
        assert_eq!(Axis::parse("a=2..10/4").unwrap().values, vec!["2", "6", "10"]);
        assert_eq!(Axis::parse("t=5s..20s/5s").unwrap().values, vec!["5s", "10s", "15s", "20s"]);
        assert!(Axis::parse("a").is_err());
        assert!(Axis::parse("a=1..5").is_err());
        assert!(Axis::parse("a=5..1/1").is_err());
    }

    #[test]
    fn the_heat_maps_scale_ranks_values_so_small_ones_stay_apart() {
        let scale = Quantiles::of(&[Some(1), Some(2), Some(1_000_000), None, Some(2)]);
        assert_eq!(scale.distinct, vec![1, 2, 1_000_000]);
        let (small, next, big) = (scale.color(Some(1)), scale.color(Some(2)), scale.color(Some(1_000_000)));
        assert_eq!((small, big), (SHADES[0], SHADES[SHADES.len() - 1]), "the lowest and highest values take the scale's ends");
        assert_eq!(next, SHADES[SHADES.len() / 2], "2 is the middle rank, not lost beside 1,000,000 as a linear scale would lose it");
        assert_eq!(scale.color(None), NO_VALUE);
        assert_eq!(Quantiles::of(&[Some(7)]).color(Some(7)), SHADES[SHADES.len() / 2], "one value: the middle shade");
    }

    /// What the progress callback was told, in order (one test uses it).
    static TOLD: std::sync::Mutex<Vec<(u64, u64, u64)>> = std::sync::Mutex::new(Vec::new());

    fn tell(done: u64, total: u64, failing: u64) {
        TOLD.lock().expect("no test panicked holding it").push((done, total, failing));
    }

    #[test]
    fn the_progress_tally_counts_cells_run_and_cells_whose_expectations_did_not_all_hold() {
        let tally = Tally { report: Some(tell), total: 4, done: AtomicU64::new(0), failing: AtomicU64::new(0) };
        let cell = |held, expectations| Cell { values: Vec::new(), metrics: Metrics::default(), systems: Vec::new(), held, expectations };
        for c in [cell(2, 2), cell(1, 2), cell(0, 0), cell(0, 3)] {
            tally.ran(&c);
        }
        let told = TOLD.lock().expect("no test panicked holding it").clone();
        assert_eq!(told, [(1, 4, 0), (2, 4, 1), (3, 4, 1), (4, 4, 2)], "all held / one failed / none to hold / all failed");
    }

    #[test]
    fn the_grid_is_the_cartesian_product_first_axis_slowest() {
        let axes = [Axis { path: "a".into(), values: vec!["1".into(), "2".into()] }, Axis { path: "b".into(), values: vec!["x".into(), "y".into()] }];
        assert_eq!(grid(&axes), vec![vec!["1", "x"], vec!["1", "y"], vec!["2", "x"], vec!["2", "y"]]);
    }
}
