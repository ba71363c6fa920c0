//! The commands of the `failsim` binary: each reads its inputs, calls the library, prints, and
//! returns the exit code. Exit codes: 0 every expectation held, 1 one failed, 2 could not run.
//! An error that stops a command is printed once, by [`exit`].

pub(crate) mod chaos;
pub(crate) mod diff;

use crate::{Format, TableFormat};
use failsim::{Outcome, Scenario, report};
use std::path::{Path, PathBuf};

pub(crate) const HELD: u8 = 0;
pub(crate) const FAILED: u8 = 1;
pub(crate) const CANNOT_RUN: u8 = 2;

/// The exit code of a command: its own, or `CANNOT_RUN` with the error on stderr.
pub(crate) fn exit(result: Result<u8, String>) -> u8 {
    result.unwrap_or_else(|e| {
        eprintln!("error: {e}");
        CANNOT_RUN
    })
}

fn held_if(ok: bool) -> u8 {
    if ok { HELD } else { FAILED }
}

fn load(file: &Path) -> Result<Scenario, String> {
    failsim::load(file).map_err(|e| e.to_string())
}

fn write(path: &Path, text: &str) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("{}: {e}", path.display()))
}

pub(crate) fn run(
    file: &Path,
    seed: Option<u64>,
    format: Format,
    sets: &[String],
    html: Option<PathBuf>,
    svg: Option<PathBuf>,
    limits: failsim::Limits,
) -> Result<u8, String> {
    let sc = failsim::apply_overrides(&load(file)?, sets)?;
    let outcome = failsim::run_with(&sc, seed, limits).map_err(|e| format!("{}: {e} (raise it with --max-events)", file.display()))?;
    match format {
        Format::Text => print!("{}", report::text(&outcome)),
        Format::Json => println!("{}", report::json(&outcome)),
    }
    if let Some(path) = html {
        write(&path, &report::html::page(&outcome))?;
    }
    if let Some(path) = svg {
        write(&path, &report::svg::timeline(&outcome))?;
    }
    Ok(held_if(outcome.passed()))
}

pub(crate) fn sweep(file: &Path, vary: &[String], format: TableFormat, svg: Option<PathBuf>, metric: &str, jobs: usize) -> Result<u8, String> {
    use failsim::sweep;
    let sc = load(file)?;
    let axes = vary.iter().map(|v| sweep::Axis::parse(v)).collect::<Result<Vec<_>, _>>()?;
    if svg.is_some() {
        sweep::check_heat_map(&axes, metric)?;
    }
    let cells = sweep::sweep(&sc, &axes, jobs)?;
    match format {
        TableFormat::Text => print!("{}", sweep::text(&axes, &cells)),
        TableFormat::Json => println!("{}", sweep::json(&axes, &cells)),
        TableFormat::Csv => print!("{}", sweep::csv(&axes, &cells)),
    }
    if let Some(out) = svg {
        write(&out, &sweep::heat_map(&axes, &cells, metric)?)?;
    }
    Ok(held_if(cells.iter().all(|c| c.held == c.expectations)))
}

pub(crate) fn explore(file: &Path, depth: usize, property: &str, grid: [&str; 4], jobs: usize, out: &Path, format: TableFormat) -> Result<u8, String> {
    use failsim::explore;
    let sc = load(file)?;
    let property: explore::Property = property.parse()?;
    let [from, step, until, duration] = grid.map(|g| g.parse::<failsim::Ms>().map(|m| m.0));
    let grid = explore::Grid { from_ms: from?, step_ms: step?, until_ms: until?, duration_ms: duration? };
    clear_found(out)?;
    let e = explore::explore_with_progress(&sc, &file.display().to_string(), depth, property, grid, jobs, chaos::progress_shown())?;
    chaos::finish_progress();
    for (i, f) in e.found.iter().enumerate() {
        failsim::write_atomically(&out.join(format!("found-{:03}.ron", i + 1)), &f.scenario)?;
    }
    match format {
        TableFormat::Json => println!("{}", serde_json::to_string_pretty(&e).expect("serializes")),
        TableFormat::Csv => print!("{}", explore::resilience::csv(&e.resilience, &e.systems)),
        TableFormat::Text => {
            let explored = e.distinct_states_explored.map_or(format!("more than {}", explore::MAX_STATES), |n| n.to_string());
            println!(
                "{} fault atoms, {} combinations run through {explored} distinct states, {} distinct end states, {} minimal combination(s) break the property",
                e.atoms,
                e.combinations_run,
                e.distinct_states,
                e.found.len()
            );
            for (i, f) in e.found.iter().enumerate() {
                println!("  found-{:03}.ron  {}  =>  {}", i + 1, f.faults.join(" + "), f.detail);
            }
            println!();
            print!("{}", explore::resilience::text(&e.resilience, &e.systems));
        }
    }
    Ok(held_if(e.found.is_empty()))
}

/// Makes `out` ready before the exploration runs: created, and without the `found-NNN.ron`
/// files of an earlier exploration (which this one's numbering would mix with). Nothing else
/// in it is touched.
fn clear_found(out: &Path) -> Result<(), String> {
    std::fs::create_dir_all(out).map_err(|e| format!("--out {}: {e}", out.display()))?;
    let entries = std::fs::read_dir(out).map_err(|e| format!("--out {}: {e}", out.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let numbered = name.strip_prefix("found-").and_then(|n| n.strip_suffix(".ron")).is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
        if numbered {
            std::fs::remove_file(entry.path()).map_err(|e| format!("{}: {e}", entry.path().display()))?;
        }
    }
    Ok(())
}

pub(crate) fn graph(file: &Path, at: Option<&str>) -> Result<u8, String> {
    let sc = load(file)?;
    let at_ms = at.map(str::parse::<failsim::Ms>).transpose().map_err(|e| format!("--at: {e}"))?.map_or(0, |t| t.0);
    if at_ms > sc.end.0 {
        return Err(format!("--at {}: after the scenario's end ({})", failsim::Ms(at_ms), sc.end));
    }
    let (topology, roles) = failsim::world_at(&sc, at_ms).map_err(|e| e.to_string())?;
    print!("{}", report::dot::graph_with_roles(&topology, &roles));
    Ok(HELD)
}

/// `failsim import FILE [--out FILE]` (FS-IMPORT): the scenario to stdout or `out`, each
/// warning on stderr at its XML place.
pub(crate) fn import(file: &Path, out: Option<&Path>) -> Result<u8, String> {
    let limit = failsim::import::MAX_XML_BYTES;
    let size = std::fs::metadata(file).map_err(|e| format!("{}: cannot read: {e}", file.display()))?.len();
    if size > limit as u64 {
        return Err(format!("{}: {size} bytes: an InstallConfiguration.xml of at most {limit} bytes is read", file.display()));
    }
    let bytes = std::fs::read(file).map_err(|e| format!("{}: cannot read: {e}", file.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let mut bad = failsim::ScenarioError::bad_utf8(file, e.as_bytes(), e.utf8_error().valid_up_to());
        bad.message = bad.message.replace("scenario files are UTF-8 text", "failsim reads an InstallConfiguration.xml saved as UTF-8");
        bad.to_string()
    })?;
    let imported = failsim::import::import(file, &text).map_err(|e| e.to_string())?;
    for w in &imported.warnings {
        eprintln!("{w}");
    }
    match out {
        Some(path) => {
            failsim::write_atomically(path, &imported.scenario)?;
            eprintln!("wrote {}: {} Failover pair(s), {} standalone agent(s)", path.display(), imported.pairs, imported.standalone);
        }
        None => print!("{}", imported.scenario),
    }
    Ok(HELD)
}

/// One scenario of `check`: its outcome, or why it could not run.
fn check_one(file: &Path, limits: failsim::Limits) -> Result<Outcome, String> {
    failsim::run_with(&load(file)?, None, limits).map_err(|e| format!("{}: {e} (raise it with --max-events)", file.display()))
}

/// Whether `check` fails a scenario whose configuration the documents warn against (FS-LINT).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Warnings {
    Allow,
    Deny,
}

fn print_warnings(o: &Outcome) {
    for w in &o.warnings {
        let about = if w.system.is_empty() { String::new() } else { format!("{}: ", w.system) };
        println!("        warning: {about}{} ({})", w.warning.message, w.warning.document);
    }
}

pub(crate) fn check(paths: Vec<PathBuf>, junit: Option<PathBuf>, limits: failsim::Limits, warnings: Warnings, coverage: chaos::Coverage) -> Result<u8, String> {
    let paths = if paths.is_empty() { vec![PathBuf::from("scenarios")] } else { paths };
    let mut tally = Tally::default();
    for root in &paths {
        match failsim::discover(root) {
            // A CI pointed at the wrong folder must not go green on zero scenarios.
            Ok(files) if files.is_empty() => tally.broken(root.display().to_string(), format!("{}: no scenario files (*.ron) here", root.display())),
            // Each file is printed as it ends and its outcome dropped: memory does not grow
            // with the number of files or their traces.
            Ok(files) => files.into_iter().for_each(|f| tally.checked(f.display().to_string(), check_one(&f, limits), warnings)),
            Err(e) => tally.broken(root.display().to_string(), e.to_string()),
        }
    }
    println!("{} passed, {} failed", tally.passed, tally.failed + tally.errors);
    let covered = coverage == chaos::Coverage::Report || print_coverage(&tally.rules);
    if let Some(out) = junit {
        write(&out, &report::junit::junit(&tally.cases))?;
    }
    Ok(if tally.errors > 0 { CANNOT_RUN } else { held_if(tally.failed == 0 && covered) })
}

/// What `check` keeps of the files it ran: counts, the JUnit figures and the rules fired.
#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    errors: usize,
    cases: Vec<report::junit::Case>,
    /// Per documented rule: the scenarios it fired in, and its hits (FS-COVERAGE).
    rules: std::collections::BTreeMap<String, (u64, u64)>,
}

impl Tally {
    fn broken(&mut self, path: String, error: String) {
        println!("ERROR {path}");
        eprintln!("error: {error}");
        self.errors += 1;
        self.cases.push(report::junit::Case { path, result: Err(error) });
    }

    fn checked(&mut self, path: String, result: Result<Outcome, String>, warnings: Warnings) {
        let o = match result {
            Ok(o) => o,
            Err(e) => return self.broken(path, e),
        };
        print_checked(&path, &o, warnings);
        if o.passed() && (warnings == Warnings::Allow || o.warnings.is_empty()) {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
        for (id, hits) in &o.rules_fired {
            let (scenarios, total) = self.rules.entry(id.clone()).or_default();
            *scenarios += u64::from(*hits > 0);
            *total += u64::from(*hits);
        }
        self.cases.push(report::junit::Case { path, result: Ok(report::junit::Checked::of(&o)) });
    }
}

/// A file's lines in `check`: ok, or FAIL with each failed expectation's expected and actual.
fn print_checked(path: &str, o: &Outcome, warnings: Warnings) {
    if o.passed() && (warnings == Warnings::Allow || o.warnings.is_empty()) {
        println!("ok    {path}  ({n}/{n} expectations, hash {:016x})", o.trace_hash, n = o.expectations.len());
    } else if o.passed() {
        println!("FAIL  {path}  ({} warning(s), denied by --deny-warnings)", o.warnings.len());
    } else {
        let held = o.expectations.iter().filter(|e| e.failure.is_none()).count();
        println!("FAIL  {path}  ({held}/{} expectations held)", o.expectations.len());
    }
    print_warnings(o);
    for e in &o.expectations {
        if let Some(f) = &e.failure {
            let at = failsim::clock(f.at_ms);
            println!("        [{}] {}: {}\n          expected {}; actual {}; at {at}", e.ids.join(", "), e.when, e.claim, f.expected, f.actual);
        }
    }
}

/// `check --coverage` (FS-COVERAGE): every documented rule of the products the scenarios run,
/// with the scenarios it fired in and its hits; whether every rule fired.
fn print_coverage(rules: &std::collections::BTreeMap<String, (u64, u64)>) -> bool {
    let never: Vec<&str> = rules.iter().filter(|(_, (_, hits))| *hits == 0).map(|(id, _)| id.as_str()).collect();
    println!("rule coverage: {} of {} documented rule(s) fired", rules.len() - never.len(), rules.len());
    for (id, (scenarios, hits)) in rules {
        match hits {
            0 => println!("  {id:<16} NEVER FIRED"),
            _ => println!("  {id:<16} {scenarios:>5} scenario(s) {hits:>8} hit(s)"),
        }
    }
    if !never.is_empty() {
        println!("FAIL: --coverage: {} rule(s) never fired: {}", never.len(), never.join(", "));
    }
    never.is_empty()
}
