//! `failsim chaos`: parse the command's arguments into a campaign, run it with a progress bar,
//! print the summary and the verdict against a baseline; `failsim chaos merge` merges shards.
//! SIGINT and SIGTERM stop a campaign cleanly (exit [`INTERRUPTED`]); `--resume` continues it.

use failsim::chaos::{Baseline, Campaign, Hooks, Shard, Start, Summary, SummaryFile, baseline, merge, shard, store};
use failsim::clock;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// A campaign stopped by SIGINT or SIGTERM: what ran is summarised in its folder, and
/// `--resume` continues it.
pub(crate) const INTERRUPTED: u8 = 3;

/// What the command line says of a campaign, beside its target and seeds.
pub(crate) struct Options {
    pub jobs: usize,
    pub check_determinism: bool,
    pub shard: Option<String>,
    pub out: PathBuf,
    pub resume: Option<PathBuf>,
}

pub(crate) fn campaign(target: &str, seeds: &str, o: Options) -> Result<Campaign, String> {
    let (system, systems, world, name) = match failsim::named_system(target) {
        Some(s) => (s, Vec::new(), None, target.to_string()),
        None if Path::new(target).is_file() => {
            let sc = failsim::load(Path::new(target)).map_err(|e| super::shown(&e))?;
            let stem = Path::new(target).file_stem().map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
            (sc.system, sc.systems, sc.world, stem)
        }
        None => {
            return Err(format!("`{target}` is neither a scenario file nor a system ({})", failsim::target_names().join(", ")));
        }
    };
    let (start, out) = match o.resume {
        Some(dir) => (Start::Resume, dir),
        None => (Start::Fresh, o.out),
    };
    Ok(Campaign {
        system,
        systems,
        world,
        target: name,
        invoked_as: target.to_string(),
        seeds: seed_range(seeds)?,
        shard: o.shard.as_deref().map(parse_shard).transpose()?,
        jobs: o.jobs,
        check_determinism: o.check_determinism,
        out_dir: Some(out),
        start,
        hooks: Hooks { progress: super::progress::shown(), wall_ms: Some(wall_ms), stop: Some(&STOP) },
    })
}

fn seed_range(seeds: &str) -> Result<std::ops::Range<u64>, String> {
    let (a, b) = seeds.split_once("..").ok_or_else(|| format!("--seeds `{seeds}`: expected A..B"))?;
    let parse = |s: &str| s.trim().replace('_', "").parse::<u64>().map_err(|_| format!("--seeds `{seeds}`: `{s}` is not a number"));
    let (a, b) = (parse(a)?, parse(b)?);
    if a >= b {
        return Err(format!("--seeds `{seeds}`: the range is empty"));
    }
    Ok(a..b)
}

/// `K/N`, or `auto`: from the variables of the engine that runs this process.
fn parse_shard(s: &str) -> Result<Shard, String> {
    if s == "auto" {
        return shard::from_env(|name| std::env::var(name).ok());
    }
    let (k, n) = s.split_once('/').ok_or_else(|| format!("--shard `{s}`: expected K/N or auto"))?;
    let (k, n): (u64, u64) = (k.parse().map_err(|_| format!("--shard `{s}`: bad K"))?, n.parse().map_err(|_| format!("--shard `{s}`: bad N"))?);
    Shard::new(k, n).map_err(|e| format!("--shard `{s}`: {e}"))
}

static STOP: AtomicBool = AtomicBool::new(false);
static STARTED: OnceLock<Instant> = OnceLock::new();

fn wall_ms() -> u64 {
    u64::try_from(STARTED.get_or_init(Instant::now).elapsed().as_millis()).unwrap_or(u64::MAX)
}

/// The first SIGINT or SIGTERM asks the campaign to stop after the runs under way; the action
/// goes back to the default, so a second one ends the process at once.
#[cfg(unix)]
extern "C" fn on_signal(signal: libc::c_int) {
    STOP.store(true, Ordering::Relaxed);
    // SAFETY: signal() is async-signal-safe; SIG_DFL is a valid action.
    unsafe {
        libc::signal(signal, libc::SIG_DFL);
    }
}

fn catch_signals() {
    #[cfg(unix)]
    // SAFETY: the handler only stores to an atomic and calls signal(), both async-signal-safe.
    unsafe {
        let handler = on_signal as extern "C" fn(libc::c_int) as libc::sighandler_t;
        libc::signal(libc::SIGINT, handler);
        libc::signal(libc::SIGTERM, handler);
    }
}

/// Runs the campaign, prints the summary and the verdict; exit 1 when a finding is neither
/// documented nor accepted by the baseline, [`INTERRUPTED`] when a signal stopped it.
pub(crate) fn run(c: &Campaign, json: bool, gate: Gate<'_>, write_baseline: Option<&Path>) -> Result<u8, String> {
    STARTED.get_or_init(Instant::now);
    let accepted = gate.baseline.map(Baseline::read).transpose()?;
    // A model assertion is a finding (the campaign catches it); its panic message is noise on
    // the terminal. The binary owns the process, so it sets the hook, once, for this command.
    std::panic::set_hook(Box::new(|_| {}));
    catch_signals();
    let summary = failsim::chaos::run_campaign(c)?;
    super::progress::finish();
    let dir = c.out_dir.as_deref().unwrap_or(Path::new("."));
    // The folder's summary holds the time of every session a resumed campaign took.
    let saved = SummaryFile::read(&dir.join(store::file_name(&summary.campaign))).ok().filter(|f| f.summary == summary);
    let timing = saved.map_or_else(|| failsim::chaos::Timing::new(summary.runs, wall_ms()), |f| f.timing);
    let file = SummaryFile { timing, summary };
    let passed = judged(&file, dir, json, accepted.as_ref(), gate.coverage);
    if let Some(path) = write_baseline {
        let found_by = format!("failsim chaos {} --seeds {}..{}", failsim::shell_word(&c.invoked_as), c.seeds.start, c.seeds.end);
        failsim::write_atomically(path, &Baseline::of(&file.summary, &found_by).to_ron())?;
        eprintln!("baseline written: {} (fill in each reason and reference)", path.display());
    }
    if !file.summary.complete() {
        eprintln!(
            "interrupted: {} run(s) done, seeds below {} of {}..{}; the summary is {}; continue with the same command and --resume {}",
            file.summary.runs,
            file.summary.done_until,
            c.seeds.start,
            c.seeds.end,
            dir.join(store::file_name(&file.summary.campaign)).display(),
            dir.display()
        );
        return Ok(INTERRUPTED);
    }
    Ok(if passed { super::HELD } else { super::FAILED })
}

/// What a campaign must meet to pass: the baseline of accepted classes, and whether every
/// rule must have fired.
#[derive(Clone, Copy)]
pub(crate) struct Gate<'a> {
    pub baseline: Option<&'a Path>,
    pub coverage: Coverage,
}

/// Whether a campaign that leaves a documented rule unexercised fails (FS-COVERAGE).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Coverage {
    Report,
    Require,
}

/// Prints the summary and its verdict; whether the campaign passed.
fn judged(file: &SummaryFile, dir: &Path, json: bool, accepted: Option<&Baseline>, coverage: Coverage) -> bool {
    let verdict = baseline::judge(&file.summary, accepted);
    let unexercised = file.summary.unexercised();
    match json {
        true => outln!("{}", file.json()),
        false => out!("{}{}", text(file, dir), verdict.text()),
    }
    let covered = coverage == Coverage::Report || unexercised.is_empty();
    if !covered {
        outln!("FAIL: --require-coverage: {} rule(s) never fired: {}", unexercised.len(), unexercised.join(", "));
    }
    verdict.passed() && covered
}

/// `failsim chaos merge FILE...`: the shards' summaries merged, judged like a campaign.
pub(crate) fn merge_files(files: &[PathBuf], json: bool, gate: Gate<'_>, out: Option<&Path>) -> Result<u8, String> {
    let accepted = gate.baseline.map(Baseline::read).transpose()?;
    let read = files.iter().map(|f| SummaryFile::read(f).map(|s| (f.display().to_string(), s))).collect::<Result<Vec<_>, _>>()?;
    let merged = merge::merge(&read)?;
    if let Some(path) = out {
        failsim::write_atomically(path, &(merged.json() + "\n"))?;
    }
    let passed = judged(&merged, Path::new("."), json, accepted.as_ref(), gate.coverage);
    Ok(if passed { super::HELD } else { super::FAILED })
}

fn text(file: &SummaryFile, dir: &Path) -> String {
    let s: &Summary = &file.summary;
    let secs = file.timing.wall_ms / 1000;
    let tenths = file.timing.wall_ms % 1000 / 100;
    let mut out =
        format!("chaos campaign on {}: {} runs, {} events, {secs}.{tenths} s, {} runs/s\n", s.campaign.target, s.runs, s.events, file.timing.runs_per_second);
    let runs = s.runs.max(1);
    let switches_centi = s.switches_total * 100 / runs;
    out += &format!(
        "availability: mean downtime {} per run (max {}), split brain {} in all, {}.{:02} switches per run\n",
        failsim::Ms(s.downtime_ms_total / runs),
        failsim::Ms(s.downtime_ms_max),
        failsim::Ms(s.split_brain_ms_total),
        switches_centi / 100,
        switches_centi % 100
    );
    if s.by_invariant.is_empty() {
        out += "no findings\n";
    }
    for (inv, st) in &s.by_invariant {
        out += &invariant_text(inv, st, dir);
    }
    for seed in &s.nondeterministic {
        out += &format!("NONDETERMINISTIC: seed {seed} gave two different trace hashes\n");
    }
    out += &coverage_text(s);
    out += &format!("findings (first {} by seed):\n", s.findings.len());
    for f in &s.findings {
        let doc = f.violation.documented.as_ref().map_or(String::new(), |id| format!(" [{id}]"));
        out += &format!("  seed {:<8} {:<26} {}{doc}\n", f.seed, f.violation.invariant.label(), f.violation.detail);
    }
    out
}

/// Each rule of the target with the runs it fired in and its hits (FS-COVERAGE).
fn coverage_text(s: &Summary) -> String {
    let fired = s.rules.values().filter(|r| r.hits > 0).count();
    let mut out = format!("rule coverage: {fired} of {} documented rule(s) fired\n", s.rules.len());
    for (id, r) in &s.rules {
        out += &match r.hits {
            0 => format!("  {id:<16} NEVER FIRED\n"),
            _ => format!("  {id:<16} {:>9} run(s) {:>10} hit(s)\n", r.runs, r.hits),
        };
    }
    out
}

fn invariant_text(inv: &str, st: &failsim::chaos::InvariantStats, dir: &Path) -> String {
    let kind = if st.documented == st.runs {
        "documented"
    } else if st.documented == 0 {
        "UNDOCUMENTED"
    } else {
        "partly documented"
    };
    let mut out = format!("{inv}: {} run(s), {kind} ({} documented)\n", st.runs, st.documented);
    for (class, n) in &st.classes {
        out += &format!("  {n:>8} × {class}\n");
    }
    if let Some(f) = &st.example {
        let doc = f.violation.documented.as_ref().map_or(String::new(), |id| format!(" [{id}]"));
        out += &format!("  example: seed {} at {}: {}{doc}\n", f.seed, clock(f.violation.at_ms), f.violation.detail);
        out += &format!("  shrunk from {} to {} fault(s)", f.faults, st.shrunk_faults.unwrap_or(f.faults));
        out += &st.repro.as_ref().map_or("\n".to_string(), |p| format!(": {}\n", dir.join(p).display()));
    }
    out
}
