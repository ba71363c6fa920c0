//! FS-PIN and FS-DIFF through the command line: a pinned file replays (exit 0) or names the first
//! record where it parts (exit 1); `run --pin` writes the pin in place; chaos repros and
//! explore's files are pinned and name a command that runs as printed; `diff` says where two
//! runs part (exit 0 same, 1 different, 2 could not compare).

use std::path::{Path, PathBuf};
use std::process::Command;

fn failsim_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_failsim")).args(args).current_dir(dir).output().expect("runs");
    (out.status.code().expect("exit code, not a signal"), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn failsim(args: &[&str]) -> (i32, String, String) {
    failsim_in(Path::new(env!("CARGO_MANIFEST_DIR")), args)
}

/// A copy of a scenario of `scenarios/` in a fresh folder, at `scenarios/<name>` below it.
fn copy(name: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("scenarios")).unwrap();
    let path = dir.path().join("scenarios").join(name);
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(name), &path).unwrap();
    (dir, path)
}

const NOSYNC: &str = "dm-ki-offline-nosync.ron";

#[test]
fn a_pinned_file_replays_and_one_changed_setting_names_the_first_differing_record() {
    let (_dir, path) = copy(NOSYNC);
    let file = path.to_str().unwrap();
    let (code, out, err) = failsim(&["run", file, "--pin"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("pinned") && err.contains("trace 7af7b7647a6fdd6a, 810 events, 22 records"), "{err}");
    let text = std::fs::read_to_string(&path).unwrap();
    assert_eq!(text.matches("expect_trace:").count(), 1, "{text}");
    assert!(text.contains("hash: \"7af7b7647a6fdd6a\",\n        events: 810,"), "{text}");

    let (code, out, _) = failsim(&["run", file]);
    assert_eq!(code, 0, "the replay is the pinned run:\n{out}");
    assert!(out.contains("  ok    [FS-PIN] the whole run: Trace(hash: 7af7b7647a6fdd6a, events: 810, records: 22, failsim "), "{out}");

    // One setting changed in the file: Main runs the fixed version.
    std::fs::write(&path, text.replace("main: (version: \"10.4.0 CU9\")", "main: (version: \"10.4.0 CU12\")")).unwrap();
    let (code, out, _) = failsim(&["run", file]);
    assert_eq!(code, 1, "{out}");
    let version_mismatch = "trace record 4 differs: 00:00:00.000 DMA-MAIN Alarm Console: raised Error \"Version mismatch on failover pair";
    assert!(out.contains("  FAIL  [FS-PIN] the whole run"), "{out}");
    assert!(out.contains(&format!("          actual:   {version_mismatch}")), "expected the first differing record named, got:\n{out}");
    assert!(out.contains("          expected: trace record 4 as pinned (22 records)\n"), "{out}");
    assert!(out.contains("          at:       00:00:00.000\n"), "{out}");
}

#[test]
fn a_set_on_a_pinned_file_fails_the_pin_and_a_second_pin_rewrites_it_in_place() {
    let (_dir, path) = copy(NOSYNC);
    let file = path.to_str().unwrap();
    assert_eq!(failsim(&["run", file, "--pin"]).0, 0);
    let (code, out, _) = failsim(&["run", file, "--set", "switch_time=100s"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("actual:   trace record 17 differs: 00:03:40.000 DMA-BACKUP Failover Status => Online (switch complete)"), "{out}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    let once = std::fs::read_to_string(&path).unwrap();
    assert_eq!(failsim(&["run", file, "--pin"]).0, 0);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), once, "pinning a pinned file that replays changes nothing");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640, "the file keeps its mode");
    }
    let names: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(names, [NOSYNC], "no temporary file is left");
}

#[test]
fn another_version_is_said_plainly() {
    let (_dir, path) = copy(NOSYNC);
    let file = path.to_str().unwrap();
    assert_eq!(failsim(&["run", file, "--pin"]).0, 0);
    let this = env!("CARGO_PKG_VERSION");
    let text = std::fs::read_to_string(&path).unwrap().replace(&format!("failsim: \"{this}\""), "failsim: \"0.0.1\"");
    std::fs::write(&path, &text).unwrap();
    let (code, out, _) = failsim(&["run", file]);
    assert_eq!(code, 0, "the same trace on another version holds:\n{out}");
    assert!(
        out.contains(&format!(
            "  ok    [FS-PIN] the whole run: Trace(hash: 7af7b7647a6fdd6a, events: 810, records: 22, failsim 0.0.1) (this is failsim {this})"
        )),
        "{out}"
    );
    let (code, out, _) = failsim(&["run", file, "--set", "switch_time=100s"]);
    assert_eq!(code, 1, "another switch time is another run:\n{out}");
    assert!(out.contains(&format!("(pinned with failsim 0.0.1; this is {this}, and another version may trace differently)")), "{out}");
}

#[test]
fn pin_refuses_what_the_file_would_not_replay() {
    let (_dir, path) = copy(NOSYNC);
    for extra in [["--seed", "3"], ["--set", "seed=3"]] {
        let (code, _, err) = failsim(&["run", path.to_str().unwrap(), "--pin", extra[0], extra[1]]);
        assert_eq!(code, 2, "{extra:?}: {err}");
        assert!(err.contains("cannot be used with"), "{err}");
    }
    assert!(!std::fs::read_to_string(&path).unwrap().contains("expect_trace"), "nothing written");
}

#[test]
fn a_malformed_expect_trace_is_a_located_error() {
    let (code, _, err) = failsim(&["run", "tests/bad/pin-short-hash.ron"]);
    assert_eq!(code, 2);
    assert!(err.contains("tests/bad/pin-short-hash.ron:6:26: `7af7b7647a6fdd6` is not a trace hash"), "{err}");
}

/// The "found by" command of a file's doc, as the file prints it.
fn found_by(text: &str) -> String {
    let start = text.find("Found by `").expect("a found-by command") + "Found by `".len();
    text[start..].split('`').next().unwrap().to_string()
}

/// Runs a command line as a POSIX shell would, with this failsim first on the PATH.
fn shell(dir: &Path, command: &str) -> (i32, String) {
    let bin = Path::new(env!("CARGO_BIN_EXE_failsim")).parent().unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let out = Command::new("sh").args(["-c", command]).env("PATH", path).current_dir(dir).output().expect("sh runs");
    (out.status.code().expect("an exit code"), String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr))
}

/// Every file a what-if tool wrote in `dir`: each pinned, replaying its pin, and naming a
/// command that runs as printed.
fn each_written_file_is_pinned_and_its_command_runs(dir: &Path, out: &str, want_in_output: &str) {
    // The scenario files (a chaos campaign's folder holds its summary too).
    let files: Vec<PathBuf> =
        std::fs::read_dir(dir.join(out)).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "ron")).collect();
    assert!(!files.is_empty(), "files were written");
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        assert!(text.contains("    expect_trace: (\n        hash: \""), "{}: not pinned:\n{text}", file.display());
        let (_, report, _) = failsim_in(dir, &["run", file.to_str().unwrap()]);
        assert!(report.contains("  ok    [FS-PIN] the whole run"), "{}: the replay is not the pinned run:\n{report}", file.display());
    }
    let command = found_by(&std::fs::read_to_string(&files[0]).unwrap());
    let (code, output) = shell(dir, &command);
    assert!(code == 0 || code == 1, "`{command}` exits {code}:\n{output}");
    assert!(output.contains(want_in_output), "`{command}` did not find it again:\n{output}");
}

#[test]
fn chaos_repros_are_pinned_and_their_found_by_command_runs_as_printed() {
    let (dir, _) = copy("world-two-core-switches.ron");
    let (code, out, err) = failsim_in(dir.path(), &["chaos", "scenarios/world-two-core-switches.ron", "--seeds", "20..21", "--out", "repros"]);
    assert_eq!(code, 1, "an undocumented finding:\n{out}{err}");
    let repro = std::fs::read_to_string(dir.path().join("repros/repro-world-two-core-switches-split-brain-seed20.ron")).unwrap();
    assert_eq!(found_by(&repro), "failsim chaos scenarios/world-two-core-switches.ron --seeds 20..21");
    each_written_file_is_pinned_and_its_command_runs(dir.path(), "repros", "seed 20 ");
}

#[test]
fn explore_files_are_pinned_and_their_found_by_command_runs_as_printed() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("quiet.ron"), "Scenario(name: \"quiet\", doc: \"\", system: DataMiner(), end: \"15m\")\n").unwrap();
    let (code, out, err) = failsim_in(dir.path(), &["explore", "quiet.ron", "--depth", "1", "--property", "downtime>7m", "--out", "found"]);
    assert_eq!(code, 1, "combinations break the property:\n{out}{err}");
    let first = std::fs::read_to_string(dir.path().join("found/found-001.ron")).unwrap();
    let want = "failsim explore quiet.ron --depth 1 --property 'downtime>7m' --from 1m --step 1m --until 4m --duration 2m";
    assert_eq!(found_by(&first), want, "the file prints the command as a shell reads it:\n{first}");
    each_written_file_is_pinned_and_its_command_runs(dir.path(), "found", "found-001.ron  SwitchFailure at 1m for 2m");
}

#[test]
fn diff_shows_where_the_known_issue_and_the_fixed_version_part_and_the_records_lost() {
    let sets = ["--set", "main.version=10.4.0 CU12", "--set", "backup.version=10.4.0 CU12"];
    let (code, out, err) = failsim(&[&["diff", "scenarios/dm-ki-offline-nosync.ron"][..], &sets].concat());
    assert_eq!(code, 1, "the runs differ:\n{out}{err}");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| insta::assert_snapshot!("diff_ki_offline_nosync", out));
    let (code, json, _) = failsim(&[&["diff", "scenarios/dm-ki-offline-nosync.ron", "--format", "json"][..], &sets].concat());
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!((v["same"].as_bool(), v["parting"]["record"].as_u64(), v["parting"]["at_ms"].as_u64()), (Some(false), Some(6), Some(60_000)));
    let lost = v["metrics"][0]["rows"].as_array().unwrap().iter().find(|r| r["metric"] == "writes lost").unwrap();
    assert_eq!((lost["a"].as_u64(), lost["b"].as_u64()), (Some(10), Some(0)), "{lost}");
}

#[test]
fn diff_of_a_run_and_itself_is_the_same_and_exits_0() {
    let (code, out, _) = failsim(&["diff", "scenarios/dm-stop-online.ron", "scenarios/dm-stop-online.ron"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("The traces are the same.") && out.trim_end().ends_with("The runs are the same."), "{out}");
    let lost = out.lines().find(|l| l.trim_start().starts_with("writes lost")).expect("a writes-lost row");
    assert_eq!(lost.split_whitespace().collect::<Vec<_>>(), ["writes", "lost", "0", "0"], "no change to show: {lost}");
}

#[test]
fn diff_names_the_system_whose_own_records_part_in_a_world_of_several() {
    let (code, out, _) = failsim(&["diff", "scenarios/world-dm-beside-cp.ron", "--set", "systems[1].system.sync_interval=2m"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("The runs part at 00:04:00.000, trace record 47, in system cp:"), "{out}");
    assert!(out.contains("  B    00:04:00.000  sync sms-1 -> sms-2: Synchronized (3 change(s) copied)"), "{out}");
    assert!(out.contains("\n  A, system cp\n") && out.contains("\n  B, system dm\n") && out.contains("\nMetrics of all at the end\n"), "{out}");
}

#[test]
fn diff_of_files_of_different_systems_is_a_located_error() {
    let (code, _, err) = failsim(&["diff", "scenarios/dm-stop-online.ron", "scenarios/cp-collision.ron"]);
    assert_eq!(code, 2);
    assert!(err.contains("scenarios/cp-collision.ron:5:13: this system is Check Point Management HA; the other run's is DataMiner Failover"), "{err}");
    let (code, _, err) = failsim(&["diff", "scenarios/world-dm-beside-cp.ron", "scenarios/dm-stop-online.ron"]);
    assert_eq!(code, 2);
    assert!(err.contains("scenarios/dm-stop-online.ron:5:13: 1 system(s) here, 2 in the other run"), "{err}");
}

#[test]
fn diff_takes_two_files_or_one_with_set_or_other_bin() {
    for args in [
        &["diff", "scenarios/dm-stop-online.ron"][..],
        &["diff", "scenarios/dm-stop-online.ron", "scenarios/dm-stop-online.ron", "--set", "seed=2"],
        &["diff", "scenarios/dm-stop-online.ron", "--set", "seed=2", "--other-bin", "x"],
        &["diff", "a.ron", "b.ron", "c.ron"],
    ] {
        let (code, _, err) = failsim(args);
        assert_eq!(code, 2, "{args:?}: {err}");
    }
}

#[cfg(unix)]
#[test]
fn diff_with_another_binary_reads_its_json_report() {
    use std::os::unix::fs::PermissionsExt;
    let (code, out, err) = failsim(&["diff", "scenarios/world-dm-beside-cp.ron", "--other-bin", env!("CARGO_BIN_EXE_failsim")]);
    assert_eq!(code, 0, "the same binary gives the same run:\n{out}{err}");
    assert!(out.trim_end().ends_with("The runs are the same."), "{out}");
    // A "regressed" binary: this one with one record's text changed in its report.
    let dir = tempfile::tempdir().unwrap();
    let other = dir.path().join("failsim-old");
    let script = format!("#!/bin/sh\n'{}' \"$@\" | sed 's/sync sms-1 -> sms-2: Synchronized/sync sms-1 -> sms-2: Copied/'\n", env!("CARGO_BIN_EXE_failsim"));
    std::fs::write(&other, script).unwrap();
    std::fs::set_permissions(&other, std::fs::Permissions::from_mode(0o755)).unwrap();
    let (code, out, err) = failsim(&["diff", "scenarios/world-dm-beside-cp.ron", "--other-bin", other.to_str().unwrap()]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(out.contains("  B    00:01:00.000  sync sms-1 -> sms-2: Copied (2 change(s) copied)"), "{out}");
    assert!(out.contains(", in system cp:"), "the system is named from this side's run:\n{out}");
    assert!(out.contains("  B, system cp\n"), "{out}");
    let (code, _, err) = failsim(&["diff", "scenarios/dm-stop-online.ron", "--other-bin", "/bin/false"]);
    assert_eq!(code, 2);
    assert!(err.contains("scenarios/dm-stop-online.ron on /bin/false: not a failsim JSON report"), "{err}");
    std::fs::write(&other, "#!/bin/sh\necho 'error: no such file' >&2\nexit 2\n").unwrap();
    let (code, _, err) = failsim(&["diff", "scenarios/dm-stop-online.ron", "--other-bin", other.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("could not run scenarios/dm-stop-online.ron (exit status: 2): error: no such file"), "{err}");
}
