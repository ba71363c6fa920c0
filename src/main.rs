//! The `failsim` command line.

use clap::{Parser, Subcommand, ValueEnum};
use failsim::{report, scenario};
use std::path::PathBuf;
use std::process::ExitCode;

mod cli_chaos;
use cli_chaos as chaos;

/// Deterministic simulator and chaos harness for active/standby failover pairs.
#[derive(Parser, Debug)]
#[command(name = "failsim", version, about)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Run one scenario and print what an operator would have seen.
    Run {
        /// The scenario file (RON).
        file: PathBuf,
        /// Override the scenario's seed.
        #[arg(long)]
        seed: Option<u64>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Override a value of the scenario, e.g. `switch_time=848s`,
        /// `heartbeats[*].interval=10s`, `script[2].do.duration=90s` (repeatable).
        #[arg(long = "set", value_name = "PATH=VALUE")]
        sets: Vec<String>,
        /// Write a self-contained HTML report (metrics, SVG timeline, final status).
        #[arg(long, value_name = "OUT")]
        html: Option<PathBuf>,
        /// Write the SVG timeline alone.
        #[arg(long, value_name = "OUT")]
        svg: Option<PathBuf>,
    },
    /// Run every scenario below each path; one line per scenario, then `N passed, N failed`.
    Check {
        /// Files or folders (default: scenarios/).
        paths: Vec<PathBuf>,
        /// Also write JUnit XML: one testcase per scenario.
        #[arg(long, value_name = "OUT")]
        junit: Option<PathBuf>,
    },
    /// Run a scenario over a grid of overridden values and tabulate each cell's metrics.
    Sweep {
        file: PathBuf,
        /// `PATH=V1,V2,...` or `PATH=FROM..TO/STEP` (repeatable: the grid is their product).
        #[arg(long = "vary", value_name = "PATH=VALUES", required = true)]
        vary: Vec<String>,
        #[arg(long, value_enum, default_value_t = TableFormat::Text)]
        format: TableFormat,
        /// Write a heat map of `--metric` over the two varied paths.
        #[arg(long, value_name = "OUT")]
        svg: Option<PathBuf>,
        /// The metric of the heat map: downtime, time_to_detect, time_to_switch, switches,
        /// split_brain, writes_lost, max_lag, alarms.
        #[arg(long, default_value = "downtime")]
        metric: String,
        #[arg(short = 'j', long, default_value_t = 1)]
        jobs: usize,
    },
    /// Every combination of up to K faults at a grid of instants; the minimal ones that break
    /// a property, each written as a scenario file.
    Explore {
        file: PathBuf,
        #[arg(long, default_value_t = 2)]
        depth: usize,
        /// split-brain, loss, or downtime>DURATION.
        #[arg(long, default_value = "downtime>10m")]
        property: String,
        /// The grid of fault instants: from, step, until; each fault lasts `duration`.
        #[arg(long, default_value = "1m")]
        from: String,
        #[arg(long, default_value = "1m")]
        step: String,
        #[arg(long, default_value = "4m")]
        until: String,
        #[arg(long, default_value = "2m")]
        duration: String,
        #[arg(short = 'j', long, default_value_t = 1)]
        jobs: usize,
        /// Where the scenario files of the combinations found are written.
        #[arg(long, default_value = "explore-found")]
        out: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Print the topology as Graphviz DOT, with cable and NIC states at a time.
    Graph {
        file: PathBuf,
        /// The instant (e.g. `2m30s`); default: the start.
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },
    /// Randomized fault campaigns: one run per seed, invariants checked, failures shrunk into
    /// scenario files that replay them.
    Chaos {
        /// A scenario file (its system and configuration are used) or a system: dataminer,
        /// dataminer-no-inverted, mrs-manager, flinkserver, checkpoint.
        #[arg(default_value = "dataminer")]
        target: String,
        /// The seeds, as A..B (B excluded).
        #[arg(long, default_value = "0..1000")]
        seeds: String,
        /// Worker threads (results do not depend on it).
        #[arg(short = 'j', long, default_value_t = 1)]
        jobs: usize,
        /// Run each seed twice and compare trace hashes.
        #[arg(long)]
        check_determinism: bool,
        /// Only shard K of N (1-based), e.g. 2/4: N jobs cover the campaign exactly.
        #[arg(long)]
        shard: Option<String>,
        /// Where shrunk repro files are written.
        #[arg(long, default_value = "chaos-repros")]
        out: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum TableFormat {
    Text,
    Json,
    Csv,
}

/// Exit codes: 0 every expectation held, 1 one failed, 2 could not run.
const HELD: u8 = 0;
const FAILED: u8 = 1;
const CANNOT_RUN: u8 = 2;

fn main() -> ExitCode {
    // `failsim ... | head` must end quietly when the reader goes away, as Unix tools do, not
    // panic on a closed pipe: restore the default SIGPIPE action that Rust's runtime ignores.
    #[cfg(unix)]
    // SAFETY: called first thing in main, before any other thread exists; SIG_DFL is valid.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.exit_code() == 0 { HELD } else { CANNOT_RUN });
        }
    };
    ExitCode::from(match cli.cmd {
        Cmd::Run { file, seed, format, sets, html, svg } => cmd_run(&file, seed, format, &sets, html, svg),
        Cmd::Check { paths, junit } => cmd_check(paths, junit),
        Cmd::Graph { file, at } => cmd_graph(&file, at.as_deref()),
        Cmd::Explore { file, depth, property, from, step, until, duration, jobs, out, format } => {
            cmd_explore(&file, depth, &property, [&from, &step, &until, &duration], jobs, &out, format)
        }
        Cmd::Sweep { file, vary, format, svg, metric, jobs } => cmd_sweep(&file, &vary, format, svg, &metric, jobs),
        Cmd::Chaos { target, seeds, jobs, check_determinism, shard, out, format } => {
            match chaos::campaign(&target, &seeds, jobs, check_determinism, shard.as_deref(), out) {
                Ok(c) => chaos::run(&c, format == Format::Json),
                Err(e) => {
                    eprintln!("error: {e}");
                    CANNOT_RUN
                }
            }
        }
    })
}

fn cmd_run(file: &std::path::Path, seed: Option<u64>, format: Format, sets: &[String], html: Option<PathBuf>, svg: Option<PathBuf>) -> u8 {
    let sc = match scenario::load(file).map_err(|e| e.to_string()).and_then(|sc| scenario::overrides::apply(&sc, sets)) {
        Ok(sc) => sc,
        Err(e) => {
            eprintln!("error: {e}");
            return CANNOT_RUN;
        }
    };
    let outcome = failsim::run(&sc, seed);
    match format {
        Format::Text => print!("{}", report::text(&outcome)),
        Format::Json => println!("{}", report::json(&outcome)),
    }
    for (path, text) in [(html, report::html::page(&outcome)), (svg, report::svg::timeline(&outcome))] {
        if let Some(path) = path
            && let Err(e) = std::fs::write(&path, text)
        {
            eprintln!("error: {}: {e}", path.display());
            return CANNOT_RUN;
        }
    }
    if outcome.passed() { HELD } else { FAILED }
}

fn cmd_sweep(file: &std::path::Path, vary: &[String], format: TableFormat, svg: Option<PathBuf>, metric: &str, jobs: usize) -> u8 {
    use failsim::sweep;
    let run = || -> Result<(Vec<sweep::Axis>, Vec<sweep::Cell>), String> {
        let sc = scenario::load(file).map_err(|e| e.to_string())?;
        let axes = vary.iter().map(|v| sweep::Axis::parse(v)).collect::<Result<Vec<_>, _>>()?;
        if svg.is_some() {
            sweep::check_heat_map(&axes, metric)?;
        }
        Ok((axes.clone(), sweep::sweep(&sc, &axes, jobs)?))
    };
    let (axes, cells) = match run() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: {e}");
            return CANNOT_RUN;
        }
    };
    match format {
        TableFormat::Text => print!("{}", sweep::text(&axes, &cells)),
        TableFormat::Json => println!("{}", sweep::json(&axes, &cells)),
        TableFormat::Csv => print!("{}", sweep::csv(&axes, &cells)),
    }
    if let Some(out) = svg {
        let written = sweep::heat_map(&axes, &cells, metric).and_then(|s| std::fs::write(&out, s).map_err(|e| format!("{}: {e}", out.display())));
        if let Err(e) = written {
            eprintln!("error: {e}");
            return CANNOT_RUN;
        }
    }
    if cells.iter().all(|c| c.held == c.expectations) { HELD } else { FAILED }
}

fn cmd_explore(file: &std::path::Path, depth: usize, property: &str, grid: [&str; 4], jobs: usize, out: &std::path::Path, format: Format) -> u8 {
    use failsim::explore;
    let run = || -> Result<explore::Exploration, String> {
        let sc = scenario::load(file).map_err(|e| e.to_string())?;
        let property: explore::Property = property.parse()?;
        let [from, step, until, duration] = grid.map(|g| g.parse::<failsim::engine::Ms>().map(|m| m.0));
        let grid = explore::Grid { from_ms: from?, step_ms: step?, until_ms: until?, duration_ms: duration? };
        let e = explore::explore(&sc, depth, property, grid, jobs)?;
        for (i, f) in e.found.iter().enumerate() {
            scenario::write_atomically(&out.join(format!("found-{:03}.ron", i + 1)), &f.scenario)?;
        }
        Ok(e)
    };
    let e = match run() {
        Ok(e) => e,
        Err(err) => {
            eprintln!("error: {err}");
            return CANNOT_RUN;
        }
    };
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&e).expect("serializes")),
        Format::Text => {
            println!(
                "{} fault atoms, {} combinations run, {} distinct end states, {} minimal combination(s) break the property",
                e.atoms,
                e.combinations_run,
                e.distinct_states,
                e.found.len()
            );
            for (i, f) in e.found.iter().enumerate() {
                println!("  found-{:03}.ron  {}  =>  {}", i + 1, f.faults.join(" + "), f.detail);
            }
        }
    }
    if e.found.is_empty() { HELD } else { FAILED }
}

fn cmd_graph(file: &std::path::Path, at: Option<&str>) -> u8 {
    let sc = match scenario::load(file) {
        Ok(sc) => sc,
        Err(e) => {
            eprintln!("error: {e}");
            return CANNOT_RUN;
        }
    };
    let at_ms = match at.map(str::parse::<failsim::engine::Ms>).transpose() {
        Ok(t) => t.map_or(0, |t| t.0),
        Err(e) => {
            eprintln!("error: --at: {e}");
            return CANNOT_RUN;
        }
    };
    print!("{}", report::dot::graph(&failsim::run::topology_at(&sc, at_ms)));
    HELD
}

fn cmd_check(paths: Vec<PathBuf>, junit: Option<PathBuf>) -> u8 {
    let paths = if paths.is_empty() { vec![PathBuf::from("scenarios")] } else { paths };
    let mut results: Vec<(String, Result<failsim::Outcome, String>)> = Vec::new();
    for root in &paths {
        match scenario::discover(root) {
            Ok(files) => results
                .extend(files.into_iter().map(|f| (f.display().to_string(), scenario::load(&f).map(|sc| failsim::run(&sc, None)).map_err(|e| e.to_string())))),
            Err(e) => results.push((root.display().to_string(), Err(e.to_string()))),
        }
    }
    let (mut passed, mut failed, mut broken) = (0, 0, 0);
    for (path, result) in &results {
        match result {
            Err(e) => {
                println!("ERROR {path}");
                eprintln!("error: {e}");
                broken += 1;
            }
            Ok(o) if o.passed() => {
                passed += 1;
                println!("ok    {path}  ({n}/{n} expectations, hash {:016x})", o.trace_hash, n = o.expectations.len());
            }
            Ok(o) => {
                failed += 1;
                let held = o.expectations.iter().filter(|e| e.failure.is_none()).count();
                println!("FAIL  {path}  ({held}/{} expectations held)", o.expectations.len());
                for e in &o.expectations {
                    if let Some(f) = &e.failure {
                        let at = failsim::engine::clock(f.at_ms);
                        println!("        [{}] {}: {}\n          expected {}; actual {}; at {at}", e.ids.join(", "), e.when, e.claim, f.expected, f.actual);
                    }
                }
            }
        }
    }
    println!("{passed} passed, {} failed", failed + broken);
    if let Some(out) = junit {
        let cases: Vec<report::junit::Case<'_>> =
            results.iter().map(|(path, r)| report::junit::Case { path: path.clone(), result: r.as_ref().map_err(Clone::clone) }).collect();
        if let Err(e) = std::fs::write(&out, report::junit::junit(&cases)) {
            eprintln!("error: {}: {e}", out.display());
            return CANNOT_RUN;
        }
    }
    if broken > 0 {
        CANNOT_RUN
    } else if failed > 0 {
        FAILED
    } else {
        HELD
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        super::Cli::command().debug_assert();
    }
}
