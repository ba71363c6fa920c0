//! `failsim diff` (FS-DIFF) and `failsim run FILE --pin` (FS-PIN): the command-line side —
//! which runs to make, and another binary's report to read; the library compares.

use crate::Format;
use failsim::diff::{self, Side};
use failsim::{Scenario, shell_word};
use std::path::Path;

/// `run FILE --pin`: the file's run written into it as its `expect_trace` (the run's report
/// follows, from the file as written).
pub(crate) fn pin(file: &Path) -> Result<(), String> {
    let p = failsim::pin_file(file)?;
    let records = p.fingerprint.as_ref().map_or(String::new(), |f| format!(", {} records", f.records));
    eprintln!("pinned {}: trace {:016x}, {} events{records} (failsim {})", file.display(), p.hash.0, p.events, p.failsim);
    Ok(())
}

/// The two runs the arguments name: two files; a file and itself with `--set`; a file here and
/// on `--other-bin`.
pub(crate) fn diff(files: &[std::path::PathBuf], sets: &[String], other_bin: Option<&Path>, format: Format) -> Result<u8, String> {
    let (a, b) = match (files, sets.is_empty(), other_bin) {
        ([a, b], true, None) => two_files(a, b)?,
        ([file], false, None) => with_sets(file, sets)?,
        ([file], true, Some(bin)) => other_binary(file, bin)?,
        _ => return Err("diff takes two files, or one file with --set PATH=VALUE..., or one file with --other-bin PATH".into()),
    };
    let d = diff::compare(&a, &b).map_err(|e| e.to_string())?;
    match format {
        Format::Text => out!("{}", diff::text(&d)),
        Format::Json => outln!("{}", diff::json(&d)),
    }
    Ok(if d.same { super::HELD } else { super::FAILED })
}

fn local(label: String, scenario: &Scenario) -> Result<Side, String> {
    let outcome = failsim::run(scenario, None).map_err(|e| format!("{label}: {e}"))?;
    Ok(Side::local(label, scenario, &outcome))
}

fn two_files(a: &Path, b: &Path) -> Result<(Side, Side), String> {
    let (sa, sb) = (super::load(a)?, super::load(b)?);
    let src = std::fs::read_to_string(b).map_err(|e| format!("{}: {e}", b.display()))?;
    diff::same_systems(&sa, b, &src, &sb).map_err(|e| super::shown(&e))?;
    Ok((local(a.display().to_string(), &sa)?, local(b.display().to_string(), &sb)?))
}

fn with_sets(file: &Path, sets: &[String]) -> Result<(Side, Side), String> {
    let sc = super::load(file)?;
    let changed = failsim::apply_overrides(&sc, sets)?;
    let label = sets.iter().fold(file.display().to_string(), |l, s| format!("{l} --set {}", shell_word(s)));
    Ok((local(file.display().to_string(), &sc)?, local(label, &changed)?))
}

/// The file here, and on `bin` (its JSON report: `bin run FILE --format json`, which exits 0 or
/// 1 by the file's expectations; 2 or a signal means it could not run).
fn other_binary(file: &Path, bin: &Path) -> Result<(Side, Side), String> {
    let sc = super::load(file)?;
    let out = std::process::Command::new(bin).arg("run").arg(file).args(["--format", "json"]).output().map_err(|e| format!("{}: {e}", bin.display()))?;
    if !matches!(out.status.code(), Some(0 | 1)) {
        return Err(format!("{} could not run {} ({}): {}", bin.display(), file.display(), out.status, String::from_utf8_lossy(&out.stderr).trim()));
    }
    let json = String::from_utf8(out.stdout).map_err(|_| format!("{}: its report is not UTF-8", bin.display()))?;
    let other = Side::from_report(format!("{} on {}", file.display(), bin.display()), &json)?;
    Ok((local(format!("{} on this failsim ({})", file.display(), env!("CARGO_PKG_VERSION")), &sc)?, other))
}
