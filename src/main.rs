//! The `failsim` command line.

use clap::{Parser, Subcommand, ValueEnum};
use cli::{CANNOT_RUN, HELD};
use std::path::PathBuf;
use std::process::ExitCode;

#[macro_use]
mod cli;

/// Deterministic simulator and chaos harness for active/standby failover pairs.
#[derive(Parser, Debug)]
#[command(name = "failsim", version, about)]
struct Cli {
    #[command(subcommand)]
    cmd: Cmd,
    /// Print less: no progress bar, and `check` prints only the scenarios that did not pass and
    /// the counts.
    #[arg(long, short = 'q', global = true)]
    quiet: bool,
    /// Colour ok, FAIL and ERROR: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, global = true, default_value_t = cli::style::When::Auto)]
    color: cli::style::When,
}

#[derive(Subcommand, Debug)]
enum Cmd {
    /// Run one scenario and print what an operator would have seen.
    #[command(
        after_help = "Exit codes: 0 every expectation held, 1 one failed, 2 the file could not be run.\n\nExample:\n  failsim run scenarios/dm-stop-online.ron --seed 7 --format json > run.json"
    )]
    Run {
        /// The scenario file (RON).
        file: PathBuf,
        /// Override the scenario's seed.
        #[arg(long)]
        seed: Option<u64>,
        /// text: the report for people; json: the same, for programs (with the full trace).
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
        /// Stop a run after this many events in all, however many systems it has (default 50000000).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        max_events: Option<u64>,
        /// Stop a run whose trace passes this many MiB: its records' text and 16 bytes a
        /// record (default 256, at most 4095).
        #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u64).range(1..=4095))]
        max_trace_mib: Option<u64>,
        /// Write this run's trace into the file as its `expect_trace` (in place, atomically),
        /// so that a replay that differs fails and names where (FS-PIN).
        #[arg(long, conflicts_with_all = ["seed", "sets"])]
        pin: bool,
    },
    /// Compare two runs and say where they part: two files, a file and itself with `--set`,
    /// or a file on this binary and another (`--other-bin`). Exit 0 same, 1 different.
    #[command(
        after_help = "Exit codes: 0 the runs are the same, 1 they differ, 2 a file could not be run.\n\nExample:\n  failsim diff bug.ron --set 'heartbeats[*].interval=10s'"
    )]
    Diff {
        /// A scenario file, and the file to compare it with (or one file with --set or
        /// --other-bin).
        #[arg(required = true, num_args = 1..=2)]
        files: Vec<PathBuf>,
        /// Compare the file with itself with this value overridden (repeatable).
        #[arg(long = "set", value_name = "PATH=VALUE")]
        sets: Vec<String>,
        /// Compare the file's run here with its run on another failsim binary (read from that
        /// binary's JSON report).
        #[arg(long, value_name = "PATH")]
        other_bin: Option<PathBuf>,
        /// text: where the runs part and what differs; json: the same, for programs.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Run every scenario below each path; one line per scenario, then `N passed, N failed`.
    #[command(
        after_help = "Exit codes: 0 every scenario held, 1 one failed (or a warning, with --deny-warnings; or a rule never fired, with --coverage), 2 a path or file could not be read.\n\nExample:\n  failsim check scenarios/ --junit junit.xml"
    )]
    Check {
        /// Files or folders (default: scenarios/).
        paths: Vec<PathBuf>,
        /// Also write JUnit XML: one testcase per scenario.
        #[arg(long, value_name = "OUT")]
        junit: Option<PathBuf>,
        /// Stop each run after this many events in all, however many systems it has (default 50000000).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
        max_events: Option<u64>,
        /// Stop a run whose trace passes this many MiB: its records' text and 16 bytes a
        /// record (default 256, at most 4095).
        #[arg(long, value_name = "MIB", value_parser = clap::value_parser!(u64).range(1..=4095))]
        max_trace_mib: Option<u64>,
        /// Fail a scenario whose configuration the vendors' documents warn against (FS-LINT).
        #[arg(long)]
        deny_warnings: bool,
        /// List every documented rule of the products run with the scenarios it fired in, and
        /// fail (exit 1) when one never fired (FS-COVERAGE).
        #[arg(long)]
        coverage: bool,
        /// text: a line per scenario, then the counts; json: one document at the end (every
        /// scenario's result, the counts, the rules fired, and wall-clock times under `timing`).
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Run a scenario over a grid of overridden values and tabulate each cell's metrics.
    #[command(
        after_help = "Exit codes: 0 every cell's expectations held, 1 a cell failed one, 2 the file or a value could not be run.\n\nExample:\n  failsim sweep scenarios/dm-stop-online.ron --vary 'switch_time=60s..600s/60s' --format csv"
    )]
    Sweep {
        /// The scenario file (RON).
        file: PathBuf,
        /// `PATH=V1,V2,...` or `PATH=FROM..TO/STEP` (repeatable: the grid is their product).
        #[arg(long = "vary", value_name = "PATH=VALUES", required = true)]
        vary: Vec<String>,
        /// text: a table; json: the cells with every metric; csv: a line per cell.
        #[arg(long, value_enum, default_value_t = TableFormat::Text)]
        format: TableFormat,
        /// Write a heat map of `--metric` over the two varied paths.
        #[arg(long, value_name = "OUT")]
        svg: Option<PathBuf>,
        /// The metric of the heat map (a closed set: the table's metrics).
        #[arg(long, default_value = "downtime", value_parser = clap::builder::PossibleValuesParser::new(failsim::sweep::METRICS))]
        metric: String,
        /// Worker threads, 1 to 64 (results do not depend on it).
        #[arg(short = 'j', long, default_value_t = 1, value_parser = jobs)]
        jobs: usize,
    },
    /// Every combination of up to K faults at a grid of instants; the minimal ones that break
    /// a property, each written as a scenario file.
    #[command(
        after_help = "Exit codes: 0 no combination breaks the property, 1 some do (they are written to --out), 2 the file or the grid could not be run.\n\nExample:\n  failsim explore scenarios/world-two-core-switches.ron --depth 2 --property split-brain"
    )]
    Explore {
        /// The scenario file (RON): its world, systems and workload, without its faults.
        file: PathBuf,
        /// The most faults in one combination.
        #[arg(long, default_value_t = 2)]
        depth: usize,
        /// split-brain, loss, or downtime>DURATION.
        #[arg(long, default_value = "downtime>10m")]
        property: String,
        /// The grid of fault instants: from, step, until; each fault lasts `duration`.
        #[arg(long, default_value = "1m")]
        from: String,
        /// The time between two fault instants of the grid.
        #[arg(long, default_value = "1m")]
        step: String,
        /// The last fault instant of the grid.
        #[arg(long, default_value = "4m")]
        until: String,
        /// How long each fault lasts before it is healed.
        #[arg(long, default_value = "2m")]
        duration: String,
        /// Worker threads, 1 to 64 (results do not depend on it).
        #[arg(short = 'j', long, default_value_t = 1, value_parser = jobs)]
        jobs: usize,
        /// Where the scenario files of the combinations found are written.
        #[arg(long, default_value = "explore-found")]
        out: PathBuf,
        /// text: the combinations found, then the resilience table; json: both; csv: the
        /// resilience table, a line per failure and system.
        #[arg(long, value_enum, default_value_t = TableFormat::Text)]
        format: TableFormat,
    },
    /// Turn a DataMiner System's InstallConfiguration.xml (the unattended installation's file)
    /// into a scenario file: a world with a host per machine and a switch per subnet, a
    /// DataMiner pair per Failover pair, every value the file does not give written out as
    /// failsim's default (FS-IMPORT). Warnings go to stderr; bad input exits 2.
    #[command(
        after_help = "Exit codes: 0 the scenario was written, 2 the XML could not be read (located).\n\nExample:\n  failsim import InstallConfiguration.xml --out my-dms.ron"
    )]
    Import {
        /// The InstallConfiguration.xml.
        file: PathBuf,
        /// Write the scenario here (atomically) instead of to stdout.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Print the topology as Graphviz DOT, with cable and NIC states at a time.
    #[command(
        after_help = "Exit codes: 0 the graph was printed, 2 the file could not be read.\n\nExample:\n  failsim graph scenarios/world-two-core-switches.ron --at 2m | dot -Tsvg > net.svg"
    )]
    Graph {
        /// The scenario file (RON).
        file: PathBuf,
        /// The instant (e.g. `2m30s`); default: the start.
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },
    /// Print a completion script for a shell: `failsim completions bash > ~/.local/share/bash-completion/completions/failsim`.
    #[command(after_help = "Exit codes: 0 the script was printed.\n\nExample:\n  failsim completions zsh > ~/.zfunc/_failsim")]
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `failsim man > failsim.1 && man ./failsim.1`.
    #[command(after_help = "Exit codes: 0 the page was printed.\n\nExample:\n  failsim man > failsim.1")]
    Man,
    /// Print the JSON Schema of one kind of JSON document failsim writes (generated from its
    /// types; `docs/schema/` keeps each): `run`, `check`, `sweep`, `explore` and `diff` with
    /// `--format json`, and a chaos campaign's summary.
    #[command(after_help = "Exit codes: 0 the schema was printed.\n\nExample:\n  failsim schema run > run.schema.json")]
    Schema {
        /// Which document.
        kind: SchemaKind,
    },
    /// Randomized fault campaigns: one run per seed, invariants checked, failures shrunk into
    /// scenario files that replay them. `failsim chaos merge FILE...` merges shards' summaries.
    #[command(
        args_conflicts_with_subcommands = true,
        after_help = "Exit codes: 0 no new finding (every one documented or in --baseline) and, with --require-coverage, every rule fired; 1 otherwise; 2 the target could not be run; 3 interrupted (what ran is in --out; --resume continues).\n\nExample:\n  failsim chaos scenarios/world-two-core-switches.ron --seeds 0..1000 -j 4 --baseline baseline.ron"
    )]
    Chaos {
        #[command(subcommand)]
        merge: Option<ChaosCmd>,
        #[command(flatten)]
        args: ChaosArgs,
    },
}

#[derive(clap::Args, Debug)]
struct ChaosArgs {
    /// A scenario file (its system and configuration are used) or a named system (an
    /// unknown name lists them).
    #[arg(default_value = "dataminer")]
    target: String,
    /// The seeds, as A..B (B excluded).
    #[arg(long, default_value = "0..1000")]
    seeds: String,
    /// Worker threads, 1 to 64 (results do not depend on it).
    #[arg(short = 'j', long, default_value_t = 1, value_parser = jobs)]
    jobs: usize,
    /// Run each seed twice and compare trace hashes.
    #[arg(long)]
    check_determinism: bool,
    /// Only shard K of N (1-based), e.g. 2/4: N jobs cover the campaign exactly; `auto`: from
    /// Kubernetes (JOB_COMPLETION_INDEX, JOB_COMPLETIONS), GitLab CI (CI_NODE_INDEX,
    /// CI_NODE_TOTAL) or Slurm (SLURM_ARRAY_TASK_ID, SLURM_ARRAY_TASK_MIN/MAX/COUNT).
    #[arg(long, value_name = "K/N|auto")]
    shard: Option<String>,
    /// Where shrunk repro files and the campaign's summary are written as it goes.
    #[arg(long, default_value = "chaos-repros")]
    out: PathBuf,
    /// Continue the campaign whose summary is in DIR (same target, seeds and options).
    #[arg(long, value_name = "DIR", conflicts_with = "out")]
    resume: Option<PathBuf>,
    /// Accept the finding classes listed in FILE (RON): exit 0 when every finding is
    /// documented or accepted, 1 on anything new.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Write the classes found (undocumented ones) as a baseline to FILE.
    #[arg(long, value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Fail (exit 1) when a documented rule of the target never fired (FS-COVERAGE).
    #[arg(long)]
    require_coverage: bool,
    /// text: the campaign's summary; json: the same, for programs.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Subcommand, Debug)]
enum ChaosCmd {
    /// Merge the summaries of a campaign's shards into the summary of the whole campaign
    /// (overlapping, missing or unfinished shards are errors).
    Merge {
        /// The shards' summary files (each shard's `--out` directory holds one).
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Judge the merged campaign against this baseline.
        #[arg(long, value_name = "FILE")]
        baseline: Option<PathBuf>,
        /// Fail (exit 1) when a documented rule never fired in the merged campaign.
        #[arg(long)]
        require_coverage: bool,
        /// Also write the merged summary to FILE.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
        /// text: the merged summary; json: the same, for programs.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

/// The most worker threads a command takes: more than this only costs memory on any machine
/// failsim runs on (results never depend on it).
const MAX_JOBS: usize = 64;

fn limits(max_events: Option<u64>, max_trace_mib: Option<u64>) -> failsim::Limits {
    let default = failsim::Limits::default();
    failsim::Limits {
        max_events: max_events.unwrap_or(default.max_events),
        // At most 4095 MiB (clap checks), so the shift cannot overflow.
        max_trace_bytes: max_trace_mib.map_or(default.max_trace_bytes, |mib| mib << 20),
    }
}

/// `-j N`: 1 to [`MAX_JOBS`].
fn jobs(text: &str) -> Result<usize, String> {
    let n: usize = text.parse().map_err(|_| format!("`{text}` is not a number of threads"))?;
    if (1..=MAX_JOBS).contains(&n) { Ok(n) } else { Err(format!("{n} threads: 1 to {MAX_JOBS} allowed")) }
}

#[derive(Copy, Clone, Debug, Default, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    #[default]
    Text,
    Json,
}

#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
pub(crate) enum TableFormat {
    Text,
    Json,
    Csv,
}

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
    cli::style::set(cli.color, if cli.quiet { cli::style::Verbosity::Quiet } else { cli::style::Verbosity::Normal });
    let code = match cli.cmd {
        Cmd::Run { file, seed, format, sets, html, svg, max_events, max_trace_mib, pin } => {
            let pinned = if pin { cli::diff::pin(&file) } else { Ok(()) };
            cli::exit(pinned.and_then(|()| cli::run(&file, seed, format, &sets, html, svg, limits(max_events, max_trace_mib))))
        }
        Cmd::Diff { files, sets, other_bin, format } => cli::exit(cli::diff::diff(&files, &sets, other_bin.as_deref(), format)),
        Cmd::Check { paths, junit, max_events, max_trace_mib, deny_warnings, coverage: cover, format } => {
            let warnings = if deny_warnings { cli::Warnings::Deny } else { cli::Warnings::Allow };
            cli::exit(cli::check(paths, junit, limits(max_events, max_trace_mib), warnings, coverage(cover), format))
        }
        Cmd::Import { file, out } => cli::exit(cli::import(&file, out.as_deref())),
        Cmd::Graph { file, at } => cli::exit(cli::graph(&file, at.as_deref())),
        Cmd::Explore { file, depth, property, from, step, until, duration, jobs, out, format } => {
            cli::exit(cli::explore(&file, depth, &property, [&from, &step, &until, &duration], jobs, &out, format))
        }
        Cmd::Sweep { file, vary, format, svg, metric, jobs } => cli::exit(cli::sweep(&file, &vary, format, svg, &metric, jobs)),
        Cmd::Chaos { merge: Some(ChaosCmd::Merge { files, baseline, require_coverage, out, format }), .. } => {
            let gate = cli::chaos::Gate { baseline: baseline.as_deref(), coverage: coverage(require_coverage) };
            cli::exit(cli::chaos::merge_files(&files, format == Format::Json, gate, out.as_deref()))
        }
        Cmd::Chaos { merge: None, args } => cli::exit(chaos(args)),
        Cmd::Completions { shell } => cli::exit(completions(shell)),
        Cmd::Man => cli::exit(man()),
        Cmd::Schema { kind } => {
            out!("{}\n", kind.schema());
            cli::exit(Ok(HELD))
        }
    };
    cli::flush();
    ExitCode::from(code)
}

fn chaos(a: ChaosArgs) -> Result<u8, String> {
    let options = cli::chaos::Options { jobs: a.jobs, check_determinism: a.check_determinism, shard: a.shard, out: a.out, resume: a.resume };
    let c = cli::chaos::campaign(&a.target, &a.seeds, options)?;
    let gate = cli::chaos::Gate { baseline: a.baseline.as_deref(), coverage: coverage(a.require_coverage) };
    cli::chaos::run(&c, a.format == Format::Json, gate, a.write_baseline.as_deref())
}

/// The JSON documents failsim writes, each with its schema.
#[derive(Copy, Clone, Debug, PartialEq, Eq, ValueEnum)]
enum SchemaKind {
    /// `failsim run --format json`.
    Run,
    /// `failsim check --format json`.
    Check,
    /// `failsim sweep --format json`.
    Sweep,
    /// `failsim explore --format json`.
    Explore,
    /// `failsim diff --format json`.
    Diff,
    /// A chaos campaign's summary (`chaos-summary-*.json`, `failsim chaos --format json`).
    Chaos,
}

impl SchemaKind {
    fn schema(self) -> String {
        match self {
            SchemaKind::Run => failsim::report::json_schema(),
            SchemaKind::Check => failsim::report::check::json_schema(),
            SchemaKind::Sweep => failsim::sweep::json_schema(),
            SchemaKind::Explore => failsim::explore::json_schema(),
            SchemaKind::Diff => failsim::diff::json_schema(),
            SchemaKind::Chaos => failsim::chaos::store::SummaryFile::json_schema(),
        }
    }
}

/// The completion script of `shell`, from the same command tree the parser uses.
fn completions(shell: clap_complete::Shell) -> Result<u8, String> {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut <Cli as clap::CommandFactory>::command(), "failsim", &mut script);
    out!("{}", String::from_utf8_lossy(&script));
    Ok(HELD)
}

/// The manual page, from the same command tree the parser uses.
fn man() -> Result<u8, String> {
    let mut page = Vec::new();
    clap_mangen::Man::new(<Cli as clap::CommandFactory>::command()).render(&mut page).map_err(|e| e.to_string())?;
    out!("{}", String::from_utf8_lossy(&page));
    Ok(HELD)
}

fn coverage(require: bool) -> cli::chaos::Coverage {
    if require { cli::chaos::Coverage::Require } else { cli::chaos::Coverage::Report }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    #[test]
    fn cli_is_well_formed() {
        super::Cli::command().debug_assert();
    }

    /// Every argument of every subcommand says what it is, and every subcommand's help gives its
    /// exit codes and an example (issue 22).
    #[test]
    fn every_argument_has_help_and_every_command_its_exit_codes_and_an_example() {
        let cli = super::Cli::command();
        let mut commands: Vec<&clap::Command> = cli.get_subcommands().collect();
        commands.extend(cli.find_subcommand("chaos").expect("chaos").get_subcommands());
        for cmd in commands {
            for arg in cmd.get_arguments().filter(|a| a.get_id() != "help") {
                assert!(arg.get_help().is_some(), "`{}` has no help for `{}`", cmd.get_name(), arg.get_id());
            }
            if cmd.get_name() == "merge" {
                continue;
            }
            let after = cmd.get_after_help().map(ToString::to_string).unwrap_or_default();
            assert!(after.starts_with("Exit codes: 0 "), "`{}` states its exit codes: {after:?}", cmd.get_name());
            assert!(after.contains("\n\nExample:\n  failsim "), "`{}` shows an example: {after:?}", cmd.get_name());
        }
    }
}
