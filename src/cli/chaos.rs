//! `failsim chaos`: parse the command's arguments into a campaign, run it with a progress line,
//! print the summary.

use failsim::chaos::{Campaign, Summary, run_campaign};
use failsim::clock;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::time::Instant;

pub(crate) fn campaign(target: &str, seeds: &str, jobs: usize, check_determinism: bool, shard: Option<&str>, out: PathBuf) -> Result<Campaign, String> {
    let (system, systems, world, name) = match failsim::named_system(target) {
        Some(s) => (s, Vec::new(), None, target.to_string()),
        None if std::path::Path::new(target).is_file() => {
            let sc = failsim::load(std::path::Path::new(target)).map_err(|e| e.to_string())?;
            let stem = std::path::Path::new(target).file_stem().map_or("scenario".into(), |s| s.to_string_lossy().into_owned());
            (sc.system, sc.systems, sc.world, stem)
        }
        None => {
            return Err(format!("`{target}` is neither a scenario file nor a system ({})", failsim::target_names().join(", ")));
        }
    };
    let (a, b) = seeds.split_once("..").ok_or_else(|| format!("--seeds `{seeds}`: expected A..B"))?;
    let parse = |s: &str| s.trim().replace('_', "").parse::<u64>().map_err(|_| format!("--seeds `{seeds}`: `{s}` is not a number"));
    let (a, b) = (parse(a)?, parse(b)?);
    if a >= b {
        return Err(format!("--seeds `{seeds}`: the range is empty"));
    }
    let shard = match shard {
        None => None,
        Some(s) => {
            let (k, n) = s.split_once('/').ok_or_else(|| format!("--shard `{s}`: expected K/N"))?;
            let (k, n): (u64, u64) = (k.parse().map_err(|_| format!("--shard `{s}`: bad K"))?, n.parse().map_err(|_| format!("--shard `{s}`: bad N"))?);
            if n == 0 || k == 0 || k > n {
                return Err(format!("--shard `{s}`: need 1 <= K <= N"));
            }
            Some((k, n))
        }
    };
    let progress: Option<fn(u64, u64, u64)> = if std::io::stderr().is_terminal() { Some(progress_line) } else { None };
    Ok(Campaign {
        system,
        systems,
        world,
        target: name,
        invoked_as: target.to_string(),
        seeds: a..b,
        shard,
        jobs,
        check_determinism,
        out_dir: Some(out),
        progress,
    })
}

fn progress_line(done: u64, total: u64, findings: u64) {
    use std::sync::OnceLock;
    static START: OnceLock<Instant> = OnceLock::new();
    let secs = START.get_or_init(Instant::now).elapsed().as_secs_f64().max(1e-3);
    let mut err = std::io::stderr();
    let _ = write!(err, "\r{done}/{total} runs, {findings} findings, {:.0} runs/s   ", done as f64 / secs);
    let _ = err.flush();
}

/// Runs the campaign, prints the summary; exit 1 when a finding is not explained by the docs.
pub(crate) fn run(c: &Campaign, json: bool) -> Result<u8, String> {
    let start = Instant::now();
    // A model assertion is a finding (the campaign catches it); its panic message is noise on
    // the terminal. The binary owns the process, so it sets the hook, once, for this command.
    std::panic::set_hook(Box::new(|_| {}));
    let summary = run_campaign(c)?;
    if c.progress.is_some() {
        eprintln!();
    }
    let secs = start.elapsed().as_secs_f64();
    if json {
        #[derive(serde::Serialize)]
        struct Json<'a> {
            #[serde(flatten)]
            summary: &'a Summary,
            seconds: f64,
            runs_per_second: f64,
        }
        let j = Json { summary: &summary, seconds: secs, runs_per_second: summary.runs as f64 / secs.max(1e-9) };
        println!("{}", serde_json::to_string_pretty(&j).expect("serializes"));
    } else {
        print!("{}", text(&summary, secs));
    }
    Ok(if summary.has_undocumented() { super::FAILED } else { super::HELD })
}

fn text(s: &Summary, secs: f64) -> String {
    let mut out =
        format!("chaos campaign on {}: {} runs, {} events, {:.1} s, {:.0} runs/s\n", s.target, s.runs, s.events, secs, s.runs as f64 / secs.max(1e-9));
    let runs = s.runs.max(1);
    out += &format!(
        "availability: mean downtime {} per run (max {}), split brain {} in all, {:.2} switches per run\n",
        failsim::Ms(s.downtime_ms_total / runs),
        failsim::Ms(s.downtime_ms_max),
        failsim::Ms(s.split_brain_ms_total),
        s.switches_total as f64 / runs as f64
    );
    if s.by_invariant.is_empty() {
        out += "no findings\n";
    }
    for (inv, st) in &s.by_invariant {
        let kind = if st.documented == st.runs {
            "documented"
        } else if st.documented == 0 {
            "UNDOCUMENTED"
        } else {
            "partly documented"
        };
        out += &format!("{inv}: {} run(s), {kind} ({} documented)\n", st.runs, st.documented);
        for (class, n) in &st.classes {
            out += &format!("  {n:>8} × {class}\n");
        }
        if let Some(f) = &st.example {
            let doc = f.violation.documented.map_or(String::new(), |id| format!(" [{id}]"));
            out += &format!("  example: seed {} at {}: {}{doc}\n", f.seed, clock(f.violation.at_ms), f.violation.detail);
            out += &format!("  shrunk from {} to {} fault(s)", f.faults, st.shrunk_faults.unwrap_or(f.faults));
            out += &st.repro.as_ref().map_or("\n".to_string(), |p| format!(": {p}\n"));
        }
    }
    for seed in &s.nondeterministic {
        out += &format!("NONDETERMINISTIC: seed {seed} gave two different trace hashes\n");
    }
    out += &format!("findings (first {} by seed):\n", s.findings.len());
    for f in &s.findings {
        let doc = f.violation.documented.map_or(String::new(), |id| format!(" [{id}]"));
        out += &format!("  seed {:<8} {:<26} {}{doc}\n", f.seed, f.violation.invariant.label(), f.violation.detail);
    }
    out
}
