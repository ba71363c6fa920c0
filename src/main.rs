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
    },
    /// Run every scenario below each path; one line per scenario, then `N passed, N failed`.
    Check {
        /// Files or folders (default: scenarios/).
        paths: Vec<PathBuf>,
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

/// Exit codes: 0 every expectation held, 1 one failed, 2 could not run.
const HELD: u8 = 0;
const FAILED: u8 = 1;
const CANNOT_RUN: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.exit_code() == 0 { HELD } else { CANNOT_RUN });
        }
    };
    ExitCode::from(match cli.cmd {
        Cmd::Run { file, seed, format } => cmd_run(&file, seed, format),
        Cmd::Check { paths } => cmd_check(paths),
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

fn cmd_run(file: &std::path::Path, seed: Option<u64>, format: Format) -> u8 {
    let sc = match scenario::load(file) {
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
    if outcome.passed() { HELD } else { FAILED }
}

fn cmd_check(paths: Vec<PathBuf>) -> u8 {
    let paths = if paths.is_empty() { vec![PathBuf::from("scenarios")] } else { paths };
    let (mut passed, mut failed, mut broken) = (0, 0, 0);
    for root in &paths {
        let files = match scenario::discover(root) {
            Ok(f) => f,
            Err(e) => {
                eprintln!("error: {e}");
                broken += 1;
                continue;
            }
        };
        for file in files {
            match scenario::load(&file) {
                Err(e) => {
                    println!("ERROR {}", file.display());
                    eprintln!("error: {e}");
                    broken += 1;
                }
                Ok(sc) => {
                    let o = failsim::run(&sc, None);
                    let held = o.expectations.iter().filter(|e| e.failure.is_none()).count();
                    let total = o.expectations.len();
                    if o.passed() {
                        passed += 1;
                        println!("ok    {}  ({held}/{total} expectations, hash {:016x})", file.display(), o.trace_hash);
                    } else {
                        failed += 1;
                        println!("FAIL  {}  ({held}/{total} expectations held)", file.display());
                        for e in o.expectations.iter() {
                            if let Some(f) = &e.failure {
                                println!(
                                    "        [{}] {}: {}\n          expected {}; actual {}; at {}",
                                    e.ids.join(", "),
                                    e.when,
                                    e.claim,
                                    f.expected,
                                    f.actual,
                                    failsim::engine::clock(f.at_ms)
                                );
                            }
                        }
                    }
                }
            }
        }
    }
    println!("{passed} passed, {} failed", failed + broken);
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
