//! The command line's contract: exit codes 0 (held), 1 (an expectation failed), 2 (cannot run).

use std::process::Command;

fn failsim(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_failsim")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().expect("runs");
    (out.status.code().expect("exit code, not a signal"), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

#[test]
fn run_exits_0_when_every_expectation_holds() {
    let (code, out, _) = failsim(&["run", "scenarios/dm-stop-online.ron"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("Current status") && out.contains("Transitions") && out.contains("Revised status"));
}

#[test]
fn run_exits_1_and_says_expected_actual_and_when() {
    let (code, out, _) = failsim(&["run", "tests/fixtures/failing.ron"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL  [DM-STOP-ON-1]"), "{out}");
    assert!(out.contains("expected: Online") && out.contains("actual:   Offline") && out.contains("at:       00:01:00.000"), "{out}");
}

#[test]
fn run_exits_2_on_a_malformed_file_with_its_location() {
    let (code, _, err) = failsim(&["run", "tests/bad/unknown-field.ron"]);
    assert_eq!(code, 2);
    assert!(err.contains("tests/bad/unknown-field.ron:5:9"), "{err}");
    let (code, _, err) = failsim(&["run", "no/such/file.ron"]);
    assert_eq!(code, 2);
    assert!(err.contains("cannot read"), "{err}");
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(failsim(&["run"]).0, 2);
    assert_eq!(failsim(&["run", "scenarios/dm-stop-online.ron", "--format", "yaml"]).0, 2);
    assert_eq!(failsim(&["--help"]).0, 0);
}

#[test]
fn json_report_carries_the_trace_hash() {
    let (code, out, _) = failsim(&["run", "scenarios/dm-stop-online.ron", "--format", "json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).expect("valid JSON");
    assert_eq!(v["passed"], true);
    assert_eq!(v["trace_hash"].as_str().map(str::len), Some(16));
    assert!(v["trace"].as_array().is_some_and(|t| !t.is_empty()));
}

#[test]
fn check_prints_a_line_per_scenario_and_a_summary() {
    let (code, out, _) = failsim(&["check", "tests/fixtures", "scenarios/dm-stop-online.ron"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("FAIL  tests/fixtures/failing.ron"), "{out}");
    assert!(out.contains("ok    scenarios/dm-stop-online.ron"), "{out}");
    assert!(out.trim_end().ends_with("1 passed, 1 failed"), "{out}");
    let (code, out, _) = failsim(&["check", "tests/bad/truncated.ron"]);
    assert_eq!(code, 2, "{out}");
    assert!(out.trim_end().ends_with("0 passed, 1 failed"), "{out}");
}

#[test]
fn chaos_lists_the_registered_targets_for_an_unknown_one() {
    let (code, _, err) = failsim(&["chaos", "no-such-system", "--seeds", "0..1"]);
    assert_eq!(code, 2, "{err}");
    for name in ["dataminer", "dataminer-no-inverted", "mrs-manager", "flinkserver", "checkpoint"] {
        assert!(err.contains(name), "`{name}` missing from: {err}");
    }
}

#[test]
fn check_on_a_path_without_scenarios_is_an_error_naming_it() {
    let empty = std::env::temp_dir().join(format!("failsim-empty-{}", std::process::id()));
    std::fs::create_dir_all(&empty).unwrap();
    let (code, out, err) = failsim(&["check", empty.to_str().unwrap()]);
    std::fs::remove_dir_all(&empty).ok();
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("no scenario files") && err.contains("failsim-empty-"), "{err}");
}

#[test]
fn bounds_that_make_no_sense_are_refused() {
    for (args, says) in [
        (vec!["sweep", "scenarios/dm-stop-online.ron", "--vary", "seed=1,2", "-j", "0"], "1 to 64"),
        (vec!["chaos", "dataminer", "--seeds", "0..1", "-j", "100000"], "1 to 64"),
        (vec!["explore", "tests/explore/quiet.ron", "--step", "0s"], "--step must be above 0"),
        (vec!["explore", "tests/explore/quiet.ron", "--until", "100m"], "after the scenario's end"),
        (vec!["explore", "scenarios/world-dms-three-pairs.ron", "--depth", "3"], "make 1499992 combinations; at most 1000000"),
        // The most instants a grid may have, at depth 3: 1.33 billion combinations, counted (not
        // listed) and refused before a single one is built or run.
        (
            vec!["explore", "tests/explore/quiet.ron", "--depth", "3", "--from", "1s", "--step", "1s", "--until", "100s"],
            "2000 fault atoms at depth 3 make 1333335000 combinations; at most 1000000",
        ),
        (vec!["graph", "scenarios/dm-stop-online.ron", "--at", "18446744073709551615ms"], "31 days"),
        (vec!["graph", "scenarios/dm-stop-online.ron", "--at", "13m"], "after the scenario's end"),
    ] {
        let (code, out, err) = failsim(&args);
        assert_eq!(code, 2, "{args:?}: {out}{err}");
        assert!(err.contains(says), "{args:?}: {err}");
    }
}

#[test]
fn untrusted_files_get_located_errors_not_crashes() {
    let dir = std::env::temp_dir().join(format!("failsim-untrusted-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad_utf8 = dir.join("latin1.ron");
    std::fs::write(&bad_utf8, b"Scenario(\n    name: \"caf\xe9\",\n)\n").unwrap();
    let (code, _, err) = failsim(&["run", bad_utf8.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("latin1.ron:2:15: byte 24 (0xe9) is not UTF-8"), "{err}");
    #[cfg(unix)]
    {
        let (code, _, err) = failsim(&["run", "/dev/zero"]);
        assert_eq!(code, 2, "{err}");
        assert!(err.contains("not a regular file"), "{err}");
    }
    let (code, _, err) = failsim(&["run", "scenarios/dm-stop-online.ron", "--set", "switch_time=18446744073709551615ms"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("31 days"), "{err}");
    let steps: String = (0..100_001).map(|i| format!("(at: \"{i}ms\", do: Write(count: 1)),\n")).collect();
    let many = dir.join("many.ron");
    std::fs::write(&many, format!("Scenario(name: \"n\", doc: \"\", system: DataMiner(), script: [\n{steps}], end: \"5m\")")).unwrap();
    let (code, _, err) = failsim(&["run", many.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("many.ron:100002:18:") && err.contains("at most 100000"), "located at the first step too many: {err}");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn sweeps_are_bounded_before_anything_is_built() {
    let (code, _, err) = failsim(&["sweep", "scenarios/dm-stop-online.ron", "--vary", "seed=1..18446744073709551615/1"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("at most 10000 per axis"), "{err}");
    let (code, _, err) = failsim(&["sweep", "scenarios/dm-stop-online.ron", "--vary", "seed=1..1000/1", "--vary", "heartbeats[*].max_failures=1..1000/1"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("1000 x 1000 cells; at most 10000"), "{err}");
}

#[test]
fn a_run_past_its_event_budget_exits_2_and_says_how_to_raise_it() {
    let (code, _, err) = failsim(&["run", "scenarios/dm-stop-online.ron", "--max-events", "100"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("more than 100 events in the run") && err.contains("--max-events"), "{err}");
    let (code, out, err) = failsim(&["check", "scenarios/dm-stop-online.ron", "--max-events", "1000000"]);
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(failsim(&["run", "scenarios/dm-stop-online.ron", "--max-events", "0"]).0, 2, "a budget of 0 is refused");
}

/// Tracked records are id ranges (FS-LIMITS): a billion of them run under a 256 MiB address
/// space limit (a vector entry per record needed gigabytes and aborted).
#[test]
fn a_billion_records_run_in_a_small_address_space() {
    let exe = env!("CARGO_BIN_EXE_failsim");
    let script = format!("ulimit -v 262144 && exec '{exe}' run tests/limits/billion-records.ron");
    let out = Command::new("sh").args(["-c", &script]).current_dir(env!("CARGO_MANIFEST_DIR")).output().expect("runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("Records: written 1000000000, replicated 1000000000, pending 0, lost 0"), "{stdout}");
}

/// FS-LINT: a configuration the documents warn against is named (with the document) before the
/// run; `check --deny-warnings` fails it, plain `check` does not.
#[test]
fn warnings_are_shown_and_can_be_denied() {
    let file = "scenarios/dm-lint-inverted-to-buddy.ron";
    let (code, out, _) = failsim(&["check", file]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("warning: DMA-MAIN's inverted heartbeat pings 10.10.10.2") && out.contains("Advanced_Failover_options.md"), "{out}");
    let (code, out, _) = failsim(&["check", file, "--deny-warnings"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("2 warning(s), denied by --deny-warnings"), "{out}");
    let (code, out, _) = failsim(&["check", "scenarios/dm-lint-inverted-to-buddy-sync.ron", "--deny-warnings"]);
    assert_eq!(code, 1, "an inverted heartbeat at the buddy's other address is denied too: {out}");
    assert!(out.contains("warning: DMA-MAIN's inverted heartbeat pings 192.168.100.2, an address of its buddy DMA-BACKUP"), "{out}");
    let (code, out, _) = failsim(&["check", "scenarios/dm-stop-online.ron", "--deny-warnings"]);
    assert_eq!(code, 0, "a configuration without warnings passes: {out}");
}

#[test]
fn chaos_on_a_declared_world_finds_the_partition_between_its_switches() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    let (code, text, err) = failsim(&["chaos", "scenarios/world-two-core-switches.ron", "--seeds", "0..40", "--out", dir]);
    assert_eq!(code, 1, "an undocumented split brain is a finding: {text}{err}");
    assert!(text.contains("split brain: "), "{text}");
    let repro = std::fs::read_dir(out.path()).unwrap().map(|e| e.unwrap().path()).find(|p| p.to_string_lossy().contains("split-brain")).expect("a repro file");
    let repro_text = std::fs::read_to_string(&repro).unwrap();
    assert!(repro_text.contains("pull cable isl-1"), "the doc names the partition: {repro_text}");
    let (code, replay, _) = failsim(&["run", repro.to_str().unwrap()]);
    assert_eq!(code, 1, "the repro replays the split brain: {replay}");
}

#[test]
fn chaos_runs_on_a_world_of_several_products() {
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().to_str().unwrap();
    let (code, text, err) = failsim(&["chaos", "scenarios/world-dm-beside-cp.ron", "--seeds", "0..60", "--out", dir]);
    assert_ne!(code, 2, "a world of several systems is a chaos target: {err}");
    assert!(text.starts_with("chaos campaign on world-dm-beside-cp: 60 runs"), "{text}");
    assert!(text.contains("seed 6 ") && text.contains("cp: 2 online/active"), "each finding names its system: {text}");
}

/// A standard output that cannot be written (a full disk) ends a command with exit code 2 and
/// the reason, never a panic's 101 (issue 22).
#[test]
#[cfg(target_os = "linux")]
fn a_full_stdout_is_exit_2_with_the_reason() {
    for args in
        [&["run", "scenarios/dm-stop-online.ron"][..], &["run", "scenarios/dm-stop-online.ron", "--format", "json"], &["check", "scenarios/dm-stop-online.ron"]]
    {
        let full = std::fs::OpenOptions::new().write(true).open("/dev/full").expect("/dev/full exists on Linux");
        let out = Command::new(env!("CARGO_BIN_EXE_failsim")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).stdout(full).output().expect("runs");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.starts_with("error: cannot write to standard output: No space left on device"), "{args:?}: {err}");
        assert!(!err.contains("panicked"), "{args:?}: {err}");
    }
}

/// A trace past its bound stops the run with exit code 2, naming the bound and the flag that
/// raises it (issue 23).
#[test]
fn a_trace_past_its_bound_is_exit_2_naming_the_flag() {
    let (code, _, err) = failsim(&["run", "scenarios/dm-dns-virtual-ip.ron", "--max-trace-mib", "1"]);
    assert_eq!(code, 0, "this run's trace is far below 1 MiB: {err}");
    let (code, _, err) = failsim(&["run", "scenarios/dm-dns-virtual-ip.ron", "--max-trace-mib", "0"]);
    assert_eq!(code, 2, "0 MiB is refused by the flag's range: {err}");
    let (code, _, err) = failsim(&["run", "scenarios/dm-dns-virtual-ip.ron", "--max-trace-mib", "4096"]);
    assert_eq!(code, 2, "past 4095 MiB is refused: {err}");
}

/// `check --format json`: one document with every scenario's result, the counts, the rules
/// fired and, apart under `timing`, the wall-clock times; the exit code as in text (issue 22).
#[test]
fn check_writes_one_json_document() {
    let (code, out, err) = failsim(&["check", "tests/fixtures/failing.ron", "scenarios/dm-stop-online.ron", "--format", "json"]);
    assert_eq!(code, 1, "a scenario fails: {err}");
    let v: serde_json::Value = serde_json::from_str(&out).expect("stdout is one JSON document");
    assert_eq!(v["schema_version"], 2);
    assert_eq!(v["failsim"], env!("CARGO_PKG_VERSION"));
    assert_eq!((v["passed"].as_u64(), v["failed"].as_u64(), v["errors"].as_u64()), (Some(1), Some(1), Some(0)));
    let failing = &v["scenarios"][0];
    assert_eq!((failing["path"].as_str(), failing["passed"].as_bool()), (Some("tests/fixtures/failing.ron"), Some(false)));
    assert_eq!(failing["failed"][0]["claim"], "Role(Main, Online)");
    assert_eq!(failing["failed"][0]["failure"]["expected"], "Online");
    assert_eq!(v["scenarios"][1]["passed"], true);
    assert_eq!(v["timing"]["scenarios"].as_array().map(Vec::len), Some(2), "a wall-clock time per scenario, apart from the results");
    assert!(v["rules"]["DM-SWITCH-TIME"]["scenarios"].as_u64() >= Some(1), "{}", v["rules"]);
}

/// JUnit's times are the runs' wall-clock seconds, to the millisecond (issue 22).
#[test]
fn junit_times_are_filled() {
    let out = std::env::temp_dir().join(format!("failsim-junit-time-{}.xml", std::process::id()));
    let (code, _, err) = failsim(&["check", "scenarios/dm-stop-online.ron", "--junit", out.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let xml = std::fs::read_to_string(&out).unwrap();
    let _ = std::fs::remove_file(&out);
    let time = xml.split("<testcase ").nth(1).and_then(|t| t.split("time=\"").nth(1)).and_then(|t| t.split('"').next()).expect("a testcase time");
    let (secs, millis) = time.split_once('.').expect("seconds with a fraction");
    assert!(secs.parse::<u64>().is_ok() && millis.len() == 3 && millis.parse::<u64>().is_ok(), "{time}");
}

/// Shell completions and the manual page come from the parser's own command tree (issue 22).
#[test]
fn completions_and_the_manual_page() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let (code, out, err) = failsim(&["completions", shell]);
        assert_eq!(code, 0, "{shell}: {err}");
        assert!(out.contains("failsim") && out.contains("explore") && out.contains("max-trace-mib"), "{shell}: every command and flag: {out}");
    }
    let (code, _, err) = failsim(&["completions", "tcsh"]);
    assert_eq!(code, 2, "an unknown shell: {err}");
    let (code, out, err) = failsim(&["man"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with(".ie") || out.contains(".TH failsim"), "roff: {}", &out[..out.len().min(200)]);
    assert!(out.contains("chaos") && out.contains("chaos test harness"), "the page lists the commands");
}

/// `--quiet` prints only what did not pass and the counts; `--color always` colours the verdict
/// words, `never` (and a pipe, under `auto`) does not (issue 22).
#[test]
fn quiet_and_color() {
    let (code, out, _) = failsim(&["check", "scenarios/dm-stop-online.ron", "tests/fixtures/failing.ron", "--quiet"]);
    assert_eq!(code, 1);
    assert!(!out.contains("ok    scenarios/dm-stop-online.ron") && out.contains("FAIL  tests/fixtures/failing.ron"), "{out}");
    assert!(out.ends_with("1 passed, 1 failed\n"), "{out}");
    let (_, out, _) = failsim(&["check", "scenarios/dm-stop-online.ron", "tests/fixtures/failing.ron", "--color", "always"]);
    assert!(out.contains("\x1b[32mok\x1b[0m    scenarios/dm-stop-online.ron") && out.contains("\x1b[31mFAIL\x1b[0m  tests/fixtures/failing.ron"), "{out}");
    let (_, out, _) = failsim(&["run", "tests/fixtures/failing.ron", "--color", "always"]);
    assert!(out.contains("  \x1b[31mFAIL\x1b[0m  [DM-STOP-ON-1]"), "{out}");
    for args in [&["check", "tests/fixtures/failing.ron", "--color", "never"][..], &["check", "tests/fixtures/failing.ron"]] {
        let (_, out, _) = failsim(args);
        assert!(!out.contains('\x1b'), "{args:?}: {out}");
    }
}

/// A misspelt field, variant or action gets the word it most likely meant; a missing `doc` says
/// to add it (issue 22): on a help line of their own, after the marked line.
#[test]
fn a_misspelling_gets_did_you_mean() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "Scenario(name: \"x\", doc: \"d\", system: DataMiner(swich_time: \"1m\"), end: \"1m\")",
            ": Unexpected field named `swich_time` in `DataMiner`\n",
            "  = help: did you mean `switch_time`?",
        ),
        (
            "Scenario(name: \"x\", doc: \"d\", system: DataMiner(), script: [(at: \"1s\", do: Pul(cable: Sync, on: Main))], end: \"1m\")",
            "has no action `Pul`\n",
            "  = help: did you mean `Pull`?",
        ),
        ("Scenario(name: \"x\", system: DataMiner(), end: \"1m\")", ": Unexpected missing field named `doc` in `Scenario`\n", "  = help: add `doc: …`"),
    ];
    for (i, (src, want, help)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("{i}.ron"));
        std::fs::write(&file, src).unwrap();
        let (code, _, err) = failsim(&["run", file.to_str().unwrap()]);
        assert_eq!(code, 2, "{err}");
        let first = err.lines().next().unwrap_or_default();
        assert!(first.starts_with(&format!("error: {}:1:", file.display())), "file:line:col first, got: {first}");
        assert!(err.contains(want), "expected {want:?} in: {err}");
        assert_eq!(err.trim_end().lines().last(), Some(*help), "the help line last, in: {err}");
    }
}

/// A scenario's error is coloured on standard error with `--color always`; `never`, and `auto`
/// off a terminal, print plain text; the JSON report keeps the plain text.
#[test]
fn a_scenario_error_is_coloured_as_asked() {
    let (code, _, err) = failsim(&["run", "tests/bad/unknown-field.ron", "--color", "always"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.starts_with("\x1b[1;31merror\x1b[0m: "), "a bold red `error:`: {err:?}");
    assert!(err.contains("\x1b["), "the snippet in colour: {err:?}");
    for args in [&["run", "tests/bad/unknown-field.ron", "--color", "never"][..], &["run", "tests/bad/unknown-field.ron"]] {
        let (code, _, err) = failsim(args);
        assert_eq!(code, 2, "{err}");
        assert!(!err.contains('\x1b'), "{args:?}: {err:?}");
    }
    let (_, out, _) = failsim(&["check", "tests/bad/unknown-field.ron", "--color", "always", "--format", "json"]);
    assert!(!out.contains('\x1b'), "JSON is never coloured: {out}");
    assert!(out.contains("did you mean `switch_time`?"), "JSON keeps the help: {out}");
}

/// `script` (util-linux) on PATH: it runs a command under a pseudo-terminal.
fn script_util() -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join("script")).find(|p| p.is_file())
}

/// The progress bar (issue 22) on a terminal: `failsim chaos` under a pseudo-terminal draws a
/// bar with its percentage, runs, elapsed time and ETA, and clears it before the report; with
/// stderr not a terminal nothing of it is drawn. Without `script` the test says it is skipped,
/// except under CI (`CI` set), where that fails it.
#[test]
fn the_progress_bar_is_drawn_on_a_terminal_cleared_at_the_end_and_absent_elsewhere() {
    let Some(script) = script_util() else {
        assert!(std::env::var_os("CI").is_none(), "CI has no `script` (util-linux) to run failsim under a pseudo-terminal");
        eprintln!("skipped: no `script` on PATH (the package util-linux) to run failsim under a pseudo-terminal");
        return;
    };
    let out = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("progress-bar");
    let _ = std::fs::remove_dir_all(&out);
    let args = ["chaos", "mrs-manager", "--seeds", "0..40", "-j1", "--color", "never", "--out", out.to_str().expect("a UTF-8 path")];
    // `script -qec CMD /dev/null`: CMD's stdout and stderr both go to the terminal, which
    // `script` copies to its stdout.
    let command = std::iter::once(env!("CARGO_BIN_EXE_failsim")).chain(args).collect::<Vec<_>>().join(" ");
    let shown = Command::new(script).args(["-qec", &command, "/dev/null"]).current_dir(env!("CARGO_MANIFEST_DIR")).output().expect("script runs");
    let screen = String::from_utf8_lossy(&shown.stdout);
    const BAR: &str = " runs, ";
    let last = screen.rfind("elapsed, ETA").unwrap_or_else(|| panic!("expected a progress bar on the terminal, got:\n{screen}"));
    assert!(screen[..last].contains("% ") && screen[..last].contains(BAR), "expected the bar's percentage and runs, got:\n{screen}");
    let report = screen.find("chaos campaign on mrs-manager").unwrap_or_else(|| panic!("expected the campaign's report, got:\n{screen}"));
    assert!(last < report, "expected the bar before the report, got it at {last} after the report at {report}");
    // indicatif erases the bar's line(s) (ESC [2K) when it is cleared, before the report.
    assert!(screen[last..report].contains("\x1b[2K"), "expected the bar erased before the report, got {:?}", &screen[last..report]);
    let _ = std::fs::remove_dir_all(&out);
    let (code, stdout, stderr) = failsim(&args);
    assert!(code == 0 || code == 1, "expected exit 0 or 1 (findings), got {code}: {stderr}");
    assert!(stdout.contains("chaos campaign on mrs-manager"), "expected the report without a terminal, got:\n{stdout}");
    for drawn in ["elapsed, ETA", "\x1b["] {
        assert!(!stderr.contains(drawn) && !stdout.contains(drawn), "expected no bar without a terminal, found {drawn:?} in:\n{stderr}\n{stdout}");
    }
}
