//! The `failsim` command line.

use clap::{Parser, Subcommand, ValueEnum};
use failsim::{report, scenario};
use std::path::PathBuf;
use std::process::ExitCode;

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
