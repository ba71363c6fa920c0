//! The commands of the `failsim` binary: each reads its inputs, calls the library, prints, and
//! returns the exit code. Exit codes: 0 every expectation held, 1 one failed, 2 could not run.
//! An error that stops a command is printed once, by [`exit`].

/// `print!` to standard output that cannot panic: a write that fails (a full disk, `> /dev/full`)
/// ends the command with exit code 2 and says why ([`emit`]).
macro_rules! out {
    ($($arg:tt)*) => { $crate::cli::emit(format_args!($($arg)*)) };
}

/// `println!` to standard output that cannot panic (see `out!`).
macro_rules! outln {
    () => { $crate::cli::emit(format_args!("\n")) };
    ($($arg:tt)*) => { $crate::cli::emit(format_args!("{}\n", format_args!($($arg)*))) };
}

pub(crate) mod chaos;
pub(crate) mod diff;
pub(crate) mod progress;
pub(crate) mod style;

use crate::{Format, TableFormat};
use failsim::{Outcome, Scenario, report};
use std::path::{Path, PathBuf};

pub(crate) const HELD: u8 = 0;
pub(crate) const FAILED: u8 = 1;
pub(crate) const CANNOT_RUN: u8 = 2;

/// Writes to standard output. A write that fails ends the process with `CANNOT_RUN` and the
/// reason on stderr: the output the command promised is not there. (A reader that goes away
/// ends it by SIGPIPE first, as it does any Unix tool; see `main`.)
pub(crate) fn emit(args: std::fmt::Arguments<'_>) {
    use std::io::Write;
    if let Err(e) = std::io::stdout().lock().write_fmt(args) {
        output_failed(&e);
    }
}

/// Flushes standard output at the end of a command, with the same rule as [`emit`].
pub(crate) fn flush() {
    use std::io::Write;
    if let Err(e) = std::io::stdout().lock().flush() {
        output_failed(&e);
    }
}

fn output_failed(e: &std::io::Error) -> ! {
    eprintln!("error: cannot write to standard output: {e}");
    std::process::exit(i32::from(CANNOT_RUN));
}

/// The exit code of a command: its own, or `CANNOT_RUN` with the error on stderr.
pub(crate) fn exit(result: Result<u8, String>) -> u8 {
    result.unwrap_or_else(|e| {
        eprintln!("{} {e}", style::error_prefix());
        CANNOT_RUN
    })
}

fn held_if(ok: bool) -> u8 {
    if ok { HELD } else { FAILED }
}

fn load(file: &Path) -> Result<Scenario, String> {
    failsim::load(file).map_err(|e| shown(&e))
}

/// A scenario's error as the command prints it: in colour when standard error is coloured
/// (`--color`, `NO_COLOR`). What a report keeps of it is [`style::plain`].
pub(crate) fn shown(e: &failsim::ScenarioError) -> String {
    e.render(style::error_paint())
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
    // The JSON report's trace gives each record's fields as data: kept only when it is asked for.
    let run = if format == Format::Json { failsim::run_with_data } else { failsim::run_with };
    let outcome = run(&sc, seed, limits).map_err(|e| run_error(file, &e))?;
    match format {
        Format::Text => out!("{}", report::text_with(&outcome, style::verdict)),
        Format::Json => outln!("{}", report::json(&outcome)),
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
    let cells = sweep::sweep_with_progress(&sc, &axes, jobs, progress::shown());
    progress::finish();
    let cells = cells?;
    match format {
        TableFormat::Text => out!("{}", sweep::text(&axes, &cells)),
        TableFormat::Json => outln!("{}", sweep::json(&axes, &cells)),
        TableFormat::Csv => out!("{}", sweep::csv(&axes, &cells)),
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
    let e = explore::explore_with_progress(&sc, &file.display().to_string(), depth, property, grid, jobs, progress::shown())?;
    progress::finish();
    let files: Vec<(String, &str)> = e.found.iter().enumerate().map(|(i, f)| (format!("found-{:03}.ron", i + 1), f.scenario.as_str())).collect();
    failsim::write_all_atomically(out, &files)?;
    match format {
        TableFormat::Json => outln!("{}", explore::json(&e)),
        TableFormat::Csv => out!("{}", explore::resilience::csv(&e.resilience, &e.systems)),
        TableFormat::Text => {
            let explored = e.distinct_states_explored.map_or(format!("more than {}", explore::MAX_STATES), |n| n.to_string());
            outln!(
                "{} fault atoms, {} combinations run through {explored} distinct states, {} distinct end states, {} minimal combination(s) break the property",
                e.atoms,
                e.combinations_run,
                e.distinct_states,
                e.found.len()
            );
            for (i, f) in e.found.iter().enumerate() {
                outln!("  found-{:03}.ron  {}  =>  {}", i + 1, f.faults.join(" + "), f.detail);
            }
            outln!();
            out!("{}", explore::resilience::text(&e.resilience, &e.systems));
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
    out!("{}", report::dot::graph_with_roles(&topology, &roles));
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
        shown(&bad)
    })?;
    let imported = failsim::import::import(file, &text).map_err(|e| shown(&e))?;
    for w in &imported.warnings {
        eprintln!("{w}");
    }
    match out {
        Some(path) => {
            failsim::write_atomically(path, &imported.scenario)?;
            eprintln!("wrote {}: {} Failover pair(s), {} standalone agent(s)", path.display(), imported.pairs, imported.standalone);
        }
        None => out!("{}", imported.scenario),
    }
    Ok(HELD)
}

/// One scenario of `check`: its outcome, or why it could not run.
fn check_one(file: &Path, limits: failsim::Limits) -> Result<Outcome, String> {
    failsim::run_with(&load(file)?, None, limits).map_err(|e| run_error(file, &e))
}

/// A run that could not finish, with the flag that raises the bound it crossed.
fn run_error(file: &Path, e: &failsim::RunError) -> String {
    match e.flag() {
        Some(flag) => format!("{}: {e} (raise it with {flag})", file.display()),
        None => format!("{}: {e}", file.display()),
    }
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
        outln!("        warning: {about}{} ({})", w.warning.message, w.warning.document);
    }
}

pub(crate) fn check(
    paths: Vec<PathBuf>,
    junit: Option<PathBuf>,
    limits: failsim::Limits,
    warnings: Warnings,
    coverage: chaos::Coverage,
    format: Format,
) -> Result<u8, String> {
    let paths = if paths.is_empty() { vec![PathBuf::from("scenarios")] } else { paths };
    let mut tally = Tally { format, ..Tally::default() };
    for root in &paths {
        match failsim::discover(root) {
            // A CI pointed at the wrong folder must not go green on zero scenarios.
            Ok(files) if files.is_empty() => tally.broken(root.display().to_string(), format!("{}: no scenario files (*.ron) here", root.display())),
            // Each file is printed as it ends and its outcome dropped: memory does not grow
            // with the number of files or their traces.
            Ok(files) => files.into_iter().for_each(|f| {
                // Wall-clock time for the reports only (JUnit's time, JSON's timing): taken
                // around the run, never read inside it.
                let started = std::time::Instant::now();
                let result = check_one(&f, limits);
                let wall_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
                tally.checked(f.display().to_string(), result, warnings, wall_ms)
            }),
            Err(e) => tally.broken(root.display().to_string(), shown(&e)),
        }
    }
    let covered = match format {
        Format::Text => {
            outln!("{} passed, {} failed", tally.passed, tally.failed + tally.errors);
            coverage == chaos::Coverage::Report || print_coverage(&tally.rules)
        }
        Format::Json => {
            let never_fired = tally.rules.values().any(|r| r.scenarios == 0);
            outln!("{}", tally.json());
            coverage == chaos::Coverage::Report || !never_fired
        }
    };
    if let Some(out) = junit {
        write(&out, &report::junit::junit(&tally.cases))?;
    }
    Ok(if tally.errors > 0 { CANNOT_RUN } else { held_if(tally.failed == 0 && covered) })
}

/// What `check` keeps of the files it ran: counts, the JUnit figures and the rules fired.
#[derive(Default)]
struct Tally {
    format: Format,
    passed: usize,
    failed: usize,
    errors: usize,
    cases: Vec<report::junit::Case>,
    /// Each scenario as `check --format json` writes it.
    json: Vec<report::check::CheckedScenario>,
    /// Per documented rule: the scenarios it fired in, and its hits (FS-COVERAGE).
    rules: std::collections::BTreeMap<String, report::check::RuleHits>,
}

impl Tally {
    fn broken(&mut self, path: String, error: String) {
        self.broken_after(path, error, 0);
    }

    fn broken_after(&mut self, path: String, error: String, wall_ms: u64) {
        if self.format == Format::Text {
            outln!("{} {path}", style::word(style::Word::Error));
        }
        eprintln!("{} {error}", style::error_prefix());
        // The reports keep the text, not the terminal's colours.
        let error = style::plain(&error);
        self.errors += 1;
        self.json.push(report::check::CheckedScenario::Broken { path: path.clone(), error: error.clone() });
        self.cases.push(report::junit::Case { path, result: Err(error), wall_ms });
    }

    fn checked(&mut self, path: String, result: Result<Outcome, String>, warnings: Warnings, wall_ms: u64) {
        let o = match result {
            Ok(o) => o,
            Err(e) => return self.broken_after(path, e, wall_ms),
        };
        if self.format == Format::Text {
            print_checked(&path, &o, warnings);
        }
        let passed = o.passed() && (warnings == Warnings::Allow || o.warnings.is_empty());
        if passed {
            self.passed += 1;
        } else {
            self.failed += 1;
        }
        self.json.push(report::check::CheckedScenario::ran(&path, &o, passed));
        for (id, hits) in &o.rules_fired {
            let rule = self.rules.entry(id.clone()).or_default();
            rule.scenarios += u64::from(*hits > 0);
            rule.hits += u64::from(*hits);
        }
        self.cases.push(report::junit::Case { path, result: Ok(report::junit::Checked::of(&o)), wall_ms });
    }

    /// `check --format json`: every scenario's result, the counts and the rules fired; the
    /// wall-clock times apart, under `timing`.
    fn json(&self) -> String {
        use report::check::{CheckReport, CheckTiming, ScenarioTiming};
        let timing = CheckTiming { scenarios: self.cases.iter().map(|c| ScenarioTiming { path: c.path.clone(), wall_ms: c.wall_ms }).collect() };
        CheckReport::new([self.passed, self.failed, self.errors], self.json.clone(), self.rules.clone(), timing).json()
    }
}

/// A file's lines in `check`: ok, or FAIL with each failed expectation's expected and actual.
fn print_checked(path: &str, o: &Outcome, warnings: Warnings) {
    use style::Word::{Fail, Ok as Held};
    if o.passed() && (warnings == Warnings::Allow || o.warnings.is_empty()) {
        // --quiet: a scenario that passed prints nothing (its warnings neither).
        if !style::quiet() {
            outln!("{}    {path}  ({n}/{n} expectations, hash {:016x})", style::word(Held), o.trace_hash, n = o.expectations.len());
            print_warnings(o);
        }
        return;
    } else if o.passed() {
        outln!("{}  {path}  ({} warning(s), denied by --deny-warnings)", style::word(Fail), o.warnings.len());
    } else {
        let held = o.expectations.iter().filter(|e| e.failure.is_none()).count();
        outln!("{}  {path}  ({held}/{} expectations held)", style::word(Fail), o.expectations.len());
    }
    print_warnings(o);
    for e in &o.expectations {
        if let Some(f) = &e.failure {
            let at = failsim::clock(f.at_ms);
            outln!("        [{}] {}: {}\n          expected {}; actual {}; at {at}", e.ids.join(", "), e.when, e.claim, f.expected, f.actual);
        }
    }
}

/// `check --coverage` (FS-COVERAGE): every documented rule of the products the scenarios run,
/// with the scenarios it fired in and its hits; whether every rule fired.
fn print_coverage(rules: &std::collections::BTreeMap<String, report::check::RuleHits>) -> bool {
    let never: Vec<&str> = rules.iter().filter(|(_, r)| r.hits == 0).map(|(id, _)| id.as_str()).collect();
    outln!("rule coverage: {} of {} documented rule(s) fired", rules.len() - never.len(), rules.len());
    for (id, report::check::RuleHits { scenarios, hits }) in rules {
        match hits {
            0 => outln!("  {id:<16} NEVER FIRED"),
            _ => outln!("  {id:<16} {scenarios:>5} scenario(s) {hits:>8} hit(s)"),
        }
    }
    if !never.is_empty() {
        outln!("FAIL: --coverage: {} rule(s) never fired: {}", never.len(), never.join(", "));
    }
    never.is_empty()
}
