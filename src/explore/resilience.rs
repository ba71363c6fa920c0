//! The resilience table (FS-RESILIENCE; the question Batfish answers for static reachability,
//! here with time): for every single failure of the world — each cable, NIC, host and switch,
//! and each system's own faults — each system's downtime, switches, split-brain time and
//! records lost, sorted by harm; at depth 2, the pairs of failures that harm although neither
//! does alone.
//!
//! Every row starts from the same world: the scenario's world and systems with the workload
//! of its script (writes, edits, lookups, connections) and without its faults and operator
//! actions, which are one incident, not the world. A failure strikes at each instant of the
//! grid; a row shows its worst instant. A system is harmed when its downtime, split-brain time,
//! lost records, database downtime, acquisition downtime or degraded time exceed the
//! baseline's (the world with no failure): a switch that costs none of these is no harm.

use super::{Combinations, Explorer, Fault, Grid};
use crate::action::Command as _;
use crate::engine::Time;
use crate::metrics::Metrics;
use crate::products::Registered;
use crate::scenario::Scenario;
use crate::units::Ms;
use rayon::prelude::*;
use serde::Serialize;
use std::cmp::Reverse;
use std::collections::BTreeMap;
use std::fmt::Write;

/// What a failure did to one system.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Harm {
    /// Time no node served its clients.
    pub downtime_ms: Time,
    /// Role switches.
    pub switches: u32,
    /// Time with more than one node online/active.
    pub split_brain_ms: Time,
    /// Acknowledged writes lost.
    pub records_lost: u64,
    /// Time some way to the service failed (a partial outage; downtime is part of it).
    pub degraded_ms: Time,
    /// Where the system acquires data: time some data source went unpolled.
    pub acquisition_downtime_ms: Option<Time>,
    /// Where the system stores what it takes: time a serving node could not write into its
    /// database (an agent that keeps serving while the router takes its database quorum).
    pub database_downtime_ms: Option<Time>,
}

impl Harm {
    fn of(m: &Metrics) -> Harm {
        Harm {
            downtime_ms: m.downtime_ms,
            switches: m.switches,
            split_brain_ms: m.split_brain_ms,
            records_lost: m.writes_lost,
            degraded_ms: m.degraded_ms,
            acquisition_downtime_ms: m.acquisition_downtime_ms,
            database_downtime_ms: m.database_downtime_ms,
        }
    }

    /// Worse than `baseline` in what a user of the system feels: downtime, two nodes serving,
    /// records gone, a database that does not take what is gathered, data sources unpolled,
    /// some clients failing.
    fn harms(&self, baseline: &Harm) -> bool {
        self.downtime_ms > baseline.downtime_ms
            || self.split_brain_ms > baseline.split_brain_ms
            || self.records_lost > baseline.records_lost
            || self.database_ms() > baseline.database_ms()
            || self.acquisition_ms() > baseline.acquisition_ms()
            || self.degraded_ms > baseline.degraded_ms
    }

    fn database_ms(&self) -> Time {
        self.database_downtime_ms.unwrap_or(0)
    }

    fn acquisition_ms(&self) -> Time {
        self.acquisition_downtime_ms.unwrap_or(0)
    }
}

/// One failure (or pair) and what it did to each system, at its worst instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Row {
    /// The failures, without their time ("fail switch core", "Stop on Main of pair-2").
    pub failures: Vec<String>,
    /// When each strikes, at the worst instant of the grid.
    pub at_ms: Vec<Time>,
    /// Each system's harm, in world order.
    pub systems: Vec<Harm>,
    /// The systems it harmed, by index.
    pub harmed: Vec<usize>,
}

impl Row {
    /// The order of harm, worst first: how many systems it harms, then records lost,
    /// split-brain time, downtime, database downtime, acquisition downtime, degraded time and
    /// switches over all systems (the blast radius first: a single point of failure of several
    /// systems is the first thing an architect must see).
    fn severity(&self) -> [u64; 8] {
        let sum = |f: fn(&Harm) -> u64| self.systems.iter().map(f).sum::<u64>();
        [
            self.harmed.len() as u64,
            sum(|h| h.records_lost),
            sum(|h| h.split_brain_ms),
            sum(|h| h.downtime_ms),
            sum(Harm::database_ms),
            sum(Harm::acquisition_ms),
            sum(|h| h.degraded_ms),
            sum(|h| u64::from(h.switches)),
        ]
    }
}

/// The table: the baseline and the rows, sorted by harm.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Resilience {
    /// The grid of instants each failure strikes at, and how long it lasts.
    pub grid: Grid,
    /// Each system with no failure (the world with its workload).
    pub baseline: Vec<Harm>,
    /// Every single failure, worst first.
    pub singles: Vec<Row>,
    /// At depth 2: the pairs of failures that harm although neither does alone, worst first.
    pub pairs: Vec<Row>,
    /// How many pairs were run to find them.
    pub pairs_run: u64,
}

impl<P: Registered> Explorer<'_, P> {
    /// The resilience table of the world: every single failure, and at `depth` 2 the pairs
    /// of failures that each do no harm alone.
    pub(super) fn resilience(&self, atoms: &[Fault], depth: usize, grid: Grid) -> Result<Resilience, String> {
        let workload: Vec<_> = self.scenario.script.iter().filter(|s| s.action.is_workload()).cloned().collect();
        let world = Scenario { script: workload, ..self.scenario.clone() };
        let baseline: Vec<Harm> = self.run_with(&world, atoms, &[], grid)?.metrics.iter().map(Harm::of).collect();
        let single_rows = self.rows(&world, atoms, Combinations::par(atoms.len(), 1), &baseline, grid)?.0;
        let (pairs, pairs_run) = match depth {
            1 => (Vec::new(), 0),
            _ => {
                let harmless = harmless_atoms(atoms, &single_rows, &self.setup.names);
                let pairs = Combinations::par(harmless.len(), 2).map(|c| vec![harmless[c[0]], harmless[c[1]]]).filter(|c| distinct(atoms, c));
                let (rows, run) = self.rows(&world, atoms, pairs, &baseline, grid)?;
                (rows.into_iter().filter(|r| !r.harmed.is_empty()).collect(), run)
            }
        };
        Ok(Resilience { grid, baseline, singles: single_rows, pairs, pairs_run })
    }

    /// Runs each combination on the world and keeps, per set of failures (whatever their
    /// instants), the worst, sorted by harm; and how many ran.
    fn rows(
        &self,
        world: &Scenario,
        atoms: &[Fault],
        combinations: impl ParallelIterator<Item = Vec<usize>>,
        baseline: &[Harm],
        grid: Grid,
    ) -> Result<(Vec<Row>, u64), String> {
        let one = |(mut worst, run): (Worst, u64), c: Vec<usize>| -> Result<(Worst, u64), String> {
            let ran = self.run_with(world, atoms, &c, grid)?;
            let systems: Vec<Harm> = ran.metrics.iter().map(Harm::of).collect();
            let harmed = systems.iter().zip(baseline).enumerate().filter(|(_, (h, b))| h.harms(b)).map(|(i, _)| i).collect();
            // A set of failures, whatever order its atoms came in: sorted by name.
            let mut named: Vec<(String, Time)> = c.iter().map(|&i| (atoms[i].element(&self.setup.names), atoms[i].at_ms)).collect();
            named.sort();
            let (failures, at_ms): (Vec<String>, Vec<Time>) = named.into_iter().unzip();
            keep_worst(&mut worst, Row { failures, at_ms, systems, harmed }, c);
            Ok((worst, run + 1))
        };
        let merge = |(mut a, ran_a): (Worst, u64), (b, ran_b): (Worst, u64)| {
            for (row, c) in b.into_values() {
                keep_worst(&mut a, row, c);
            }
            Ok((a, ran_a + ran_b))
        };
        let (worst, run) = self.pool.install(|| combinations.try_fold(|| (Worst::new(), 0), one).try_reduce(|| (Worst::new(), 0), merge))?;
        let mut rows: Vec<Row> = worst.into_values().map(|(row, _)| row).collect();
        rows.sort_by(|a, b| (Reverse(a.severity()), &a.failures).cmp(&(Reverse(b.severity()), &b.failures)));
        Ok((rows, run))
    }
}

/// Per set of failures, the row of its worst instant and the combination (atoms by index) that
/// gave it.
type Worst = BTreeMap<Vec<String>, (Row, Vec<usize>)>;

/// Keeps, for each set of failures, the row of its worst instant; the first instant wins a tie
/// (the grid runs forward, so that is the earliest).
///
/// The combinations run in parallel, so a tie goes to the combination first in order (the
/// atoms run forward in time), whichever thread met it first.
fn keep_worst(worst: &mut Worst, row: Row, c: Vec<usize>) {
    match worst.get(&row.failures) {
        Some((kept, kept_c)) if (kept.severity(), Reverse(kept_c)) >= (row.severity(), Reverse(&c)) => {}
        _ => {
            worst.insert(row.failures.clone(), (row, c));
        }
    }
}

/// The atoms whose failure harms no system at any instant.
fn harmless_atoms(atoms: &[Fault], rows: &[Row], names: &[&str]) -> Vec<usize> {
    let harmful: std::collections::BTreeSet<&Vec<String>> = rows.iter().filter(|r| !r.harmed.is_empty()).map(|r| &r.failures).collect();
    (0..atoms.len()).filter(|&i| !harmful.contains(&vec![atoms[i].element(names)])).collect()
}

/// Two different failures (the same one twice is no pair).
fn distinct(atoms: &[Fault], c: &[usize]) -> bool {
    let (a, b) = (&atoms[c[0]], &atoms[c[1]]);
    (a.system, &a.kind, &a.node) != (b.system, &b.kind, &b.node)
}

/// A system's name in the table ("the system" for a scenario's one system).
fn name(systems: &[String], i: usize) -> &str {
    match systems[i].as_str() {
        "" => "the system",
        n => n,
    }
}

/// What a row did to each system it harmed, in words: "pair-1: down 13m59s, split 2m".
fn harm_words(row: &Row, systems: &[String]) -> String {
    let each = row.harmed.iter().map(|&i| {
        let h = &row.systems[i];
        let mut parts = Vec::new();
        if h.downtime_ms > 0 {
            parts.push(format!("down {}", Ms(h.downtime_ms)));
        }
        if h.split_brain_ms > 0 {
            parts.push(format!("split brain {}", Ms(h.split_brain_ms)));
        }
        if h.records_lost > 0 {
            parts.push(format!("{} lost", h.records_lost));
        }
        if h.database_ms() > 0 {
            parts.push(format!("database down {}", Ms(h.database_ms())));
        }
        if h.acquisition_ms() > 0 {
            parts.push(format!("polling down {}", Ms(h.acquisition_ms())));
        }
        // A partial outage beyond the downtime (some ways fail while others serve).
        if h.degraded_ms > h.downtime_ms {
            parts.push(format!("degraded {}", Ms(h.degraded_ms)));
        }
        format!("{}: {}", name(systems, i), parts.join(", "))
    });
    each.collect::<Vec<_>>().join("; ")
}

/// The table as text: a line per failure, worst first.
pub fn text(r: &Resilience, systems: &[String]) -> String {
    let g = r.grid;
    let mut out = format!(
        "Resilience (FS-RESILIENCE): {} single failure(s), each at {}..{} every {} for {}, in the scenario's world with its workload and without its faults; worst instant shown; sorted by harm (systems harmed, then records lost, split brain, downtime, database downtime, polling downtime, degraded time, switches)\n",
        r.singles.len(),
        Ms(g.from_ms),
        Ms(g.until_ms),
        Ms(g.step_ms),
        Ms(g.duration_ms)
    );
    let base: Vec<String> = r.baseline.iter().enumerate().map(|(i, h)| format!("{} down {}", name(systems, i), Ms(h.downtime_ms))).collect();
    let _ = writeln!(out, "  baseline (no failure): {}", base.join(", "));
    let figures = Figures::of(&r.baseline);
    out += &table(&r.singles, systems, figures);
    if r.pairs_run > 0 {
        let _ = writeln!(out, "Pairs of failures that harm although neither does alone: {} of {} pair(s) run", r.pairs.len(), r.pairs_run);
        out += &table(&r.pairs, systems, figures);
    }
    out
}

/// Which of the optional figures the world's systems have (a column each in the table):
/// database downtime where some system stores what it takes, acquisition downtime where some
/// acquires data.
#[derive(Clone, Copy)]
struct Figures {
    database: bool,
    acquisition: bool,
}

impl Figures {
    fn of(baseline: &[Harm]) -> Figures {
        Figures {
            database: baseline.iter().any(|h| h.database_downtime_ms.is_some()),
            acquisition: baseline.iter().any(|h| h.acquisition_downtime_ms.is_some()),
        }
    }
}

fn table(rows: &[Row], systems: &[String], figures: Figures) -> String {
    let mut header = vec!["#", "harmed", "failure", "at", "downtime", "split brain", "lost"];
    header.extend(figures.database.then_some("db down"));
    header.extend(figures.acquisition.then_some("polling down"));
    header.extend(["degraded", "switches", "systems harmed"]);
    let header: Vec<String> = header.into_iter().map(String::from).collect();
    let lines: Vec<Vec<String>> = rows
        .iter()
        .enumerate()
        .map(|(k, r)| {
            let sum = |f: fn(&Harm) -> u64| r.systems.iter().map(f).sum::<u64>();
            let mut cells = vec![
                (k + 1).to_string(),
                format!("{}/{}", r.harmed.len(), systems.len()),
                r.failures.join(" + "),
                r.at_ms.iter().map(|t| Ms(*t).to_string()).collect::<Vec<_>>().join("+"),
                Ms(sum(|h| h.downtime_ms)).to_string(),
                Ms(sum(|h| h.split_brain_ms)).to_string(),
                sum(|h| h.records_lost).to_string(),
            ];
            cells.extend(figures.database.then(|| Ms(sum(Harm::database_ms)).to_string()));
            cells.extend(figures.acquisition.then(|| Ms(sum(Harm::acquisition_ms)).to_string()));
            cells.extend([Ms(sum(|h| h.degraded_ms)).to_string(), sum(|h| u64::from(h.switches)).to_string(), harm_words(r, systems)]);
            assert_eq!(cells.len(), header.len(), "a cell per column");
            cells
        })
        .collect();
    let widths: Vec<usize> = (0..header.len()).map(|i| lines.iter().map(|l| l[i].chars().count()).chain([header[i].len()]).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for line in std::iter::once(&header).chain(&lines) {
        let cells: Vec<String> = line.iter().zip(&widths).map(|(v, w)| format!("{v:<w$}")).collect();
        let _ = writeln!(out, "  {}", cells.join("  ").trim_end());
    }
    out
}

/// The table as CSV: a line per failure (or pair) and system, in the table's order.
pub fn csv(r: &Resilience, systems: &[String]) -> String {
    let quote = |s: &str| if s.contains([',', '"', '\n']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_string() };
    let mut out = String::from(
        "rank,failures,at_ms,system,harmed,downtime_ms,switches,split_brain_ms,records_lost,degraded_ms,database_downtime_ms,acquisition_downtime_ms\n",
    );
    let opt = |v: Option<Time>| v.map_or(String::new(), |v| v.to_string());
    let rows = r.singles.iter().chain(&r.pairs);
    for (k, row) in rows.enumerate() {
        let at: Vec<String> = row.at_ms.iter().map(u64::to_string).collect();
        for (i, h) in row.systems.iter().enumerate() {
            let cells = [
                (k + 1).to_string(),
                quote(&row.failures.join(" + ")),
                at.join("+"),
                quote(&systems[i]),
                row.harmed.contains(&i).to_string(),
                h.downtime_ms.to_string(),
                h.switches.to_string(),
                h.split_brain_ms.to_string(),
                h.records_lost.to_string(),
                h.degraded_ms.to_string(),
                opt(h.database_downtime_ms),
                opt(h.acquisition_downtime_ms),
            ];
            let _ = writeln!(out, "{}", cells.join(","));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(failure: &str, systems: Vec<Harm>, baseline: &[Harm]) -> Row {
        let harmed = systems.iter().zip(baseline).enumerate().filter(|(_, (h, b))| h.harms(b)).map(|(i, _)| i).collect();
        Row { failures: vec![failure.into()], at_ms: vec![60_000], systems, harmed }
    }

    #[test]
    fn the_blast_radius_comes_first_then_loss_split_and_downtime() {
        let base = [Harm::default(), Harm::default()];
        let down = |ms| Harm { downtime_ms: ms, ..Harm::default() };
        let both_briefly = row("both", vec![down(1), down(1)], &base);
        let one_long = row("one long", vec![down(600_000), Harm::default()], &base);
        let one_lossy = row("one lossy", vec![Harm { records_lost: 1, ..down(1) }, Harm::default()], &base);
        let switch_only = row("a switch", vec![Harm { switches: 1, ..Harm::default() }, Harm::default()], &base);
        assert!(switch_only.harmed.is_empty(), "a switch without downtime harms no one");
        let mut rows = [switch_only, one_long, both_briefly, one_lossy];
        rows.sort_by_key(|r| Reverse(r.severity()));
        let order: Vec<&str> = rows.iter().map(|r| r.failures[0].as_str()).collect();
        assert_eq!(order, ["both", "one lossy", "one long", "a switch"]);
    }

    #[test]
    fn a_failure_shows_its_worst_instant_and_the_first_of_a_tie() {
        let base = [Harm::default()];
        let at = |ms, downtime_ms| Row { at_ms: vec![ms], ..row("pull cable isl-1", vec![Harm { downtime_ms, ..Harm::default() }], &base) };
        let rows = [at(60_000, 5), at(120_000, 9), at(180_000, 9), at(240_000, 1)];
        let mut worst = BTreeMap::new();
        for (i, r) in rows.iter().enumerate() {
            keep_worst(&mut worst, r.clone(), vec![i]);
        }
        let kept = &worst[&vec!["pull cable isl-1".to_string()]].0;
        assert_eq!((kept.at_ms[0], kept.systems[0].downtime_ms), (120_000, 9), "the worst, and of two equally bad the earlier");
        // Threads meet them in any order: the earlier of a tie still wins.
        let mut backwards = BTreeMap::new();
        for (i, r) in rows.iter().enumerate().rev() {
            keep_worst(&mut backwards, r.clone(), vec![i]);
        }
        assert_eq!(backwards[&vec!["pull cable isl-1".to_string()]].0.at_ms, [120_000], "met backwards");
    }

    #[test]
    fn harm_is_measured_against_the_baseline() {
        let base = Harm { downtime_ms: 5, ..Harm::default() };
        assert!(!Harm { downtime_ms: 5, ..Harm::default() }.harms(&base), "the baseline's own downtime is no harm");
        assert!(Harm { downtime_ms: 6, ..Harm::default() }.harms(&base));
        assert!(Harm { split_brain_ms: 1, ..base.clone() }.harms(&base));
        assert!(Harm { records_lost: 1, ..base.clone() }.harms(&base));
        assert!(Harm { degraded_ms: 1, ..base.clone() }.harms(&base), "some clients failing is harm");
        let stores = Harm { database_downtime_ms: Some(0), acquisition_downtime_ms: Some(0), ..base.clone() };
        assert!(!stores.harms(&stores), "the baseline's own figures are no harm");
        assert!(Harm { database_downtime_ms: Some(1), ..stores.clone() }.harms(&stores), "a database that does not take what is gathered");
        assert!(Harm { acquisition_downtime_ms: Some(1), ..stores.clone() }.harms(&stores), "data sources unpolled");
    }

    #[test]
    fn after_downtime_come_the_database_the_polling_and_the_partial_outage() {
        let base = [Harm { database_downtime_ms: Some(0), acquisition_downtime_ms: Some(0), ..Harm::default() }];
        let with = |name: &str, h: Harm| row(name, vec![h], &base);
        let down = with("down", Harm { downtime_ms: 1, degraded_ms: 1, ..base[0].clone() });
        let db = with("db", Harm { database_downtime_ms: Some(600_000), ..base[0].clone() });
        let polling = with("polling", Harm { acquisition_downtime_ms: Some(600_000), ..base[0].clone() });
        let partial = with("partial", Harm { degraded_ms: 600_000, ..base[0].clone() });
        let mut rows = [partial, polling, db, down];
        assert!(rows.iter().all(|r| r.harmed == [0]), "each harms its system");
        rows.sort_by_key(|r| Reverse(r.severity()));
        let order: Vec<&str> = rows.iter().map(|r| r.failures[0].as_str()).collect();
        assert_eq!(order, ["down", "db", "polling", "partial"]);
        assert_eq!(harm_words(&rows[1], &["dma-101".into()]), "dma-101: database down 10m");
        assert_eq!(harm_words(&rows[3], &["".into()]), "the system: degraded 10m");
    }
}
