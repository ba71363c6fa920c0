//! Chaos a CI can gate on (issue 21): baselines (FS-BASELINE), a campaign's folder that keeps
//! everything through SIGINT, SIGTERM and SIGKILL and resumes to the uninterrupted result
//! (FS-RESUME), shard summaries that merge into exactly the unsharded one (FS-MERGE).

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

fn failsim_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_failsim"));
    cmd.args(args).current_dir(dir);
    for var in ["JOB_COMPLETION_INDEX", "CI_NODE_INDEX", "SLURM_ARRAY_TASK_ID"] {
        cmd.env_remove(var);
    }
    let out = cmd.envs(env.iter().copied()).output().expect("runs");
    (out.status.code().expect("an exit code, not a signal"), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn failsim(args: &[&str]) -> (i32, String, String) {
    failsim_in(Path::new(env!("CARGO_MANIFEST_DIR")), args, &[])
}

fn spawn(dir: &Path, args: &[&str]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_failsim")).args(args).current_dir(dir).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().expect("starts")
}

/// A summary's JSON with its wall-clock `timing` (the last field) set aside.
fn without_timing(json: &str) -> String {
    let cut = json.find(",\n  \"timing\": {").unwrap_or_else(|| panic!("a summary ends with its timing:\n{json}"));
    json[..cut].to_string()
}

fn summary_file(dir: &Path) -> PathBuf {
    let found: Vec<PathBuf> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.to_string_lossy().contains("chaos-summary-")).collect();
    assert_eq!(found.len(), 1, "one summary in {}: {found:?}", dir.display());
    found[0].clone()
}

const WORLD: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/world-two-core-switches.ron");

#[test]
fn a_campaign_with_its_own_baseline_exits_0_and_a_new_class_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let campaign = ["chaos", WORLD, "--seeds", "20..21", "--out", "out"];
    let (code, out, err) = failsim_in(d, &[&campaign[..], &["--write-baseline", "base.ron"]].concat(), &[]);
    assert_eq!(code, 1, "an undocumented split brain, no baseline yet:\n{out}{err}");
    assert!(out.contains("NEW (neither documented nor in the baseline): split brain: 2 nodes online/active (1 run(s))"), "{out}");
    let baseline = std::fs::read_to_string(d.join("base.ron")).unwrap();
    assert!(baseline.contains("invariant: SplitBrain") && baseline.contains("class: Online(2)"), "{baseline}");
    let (code, out, err) = failsim_in(d, &[&campaign[..], &["--baseline", "base.ron"]].concat(), &[]);
    assert_eq!(code, 0, "its own baseline accepts every class:\n{out}{err}");
    assert!(out.contains("accepted by the baseline: split brain: 2 nodes online/active (1 run(s))"), "{out}");
    // A class accepted but no longer found is named; one never accepted fails.
    let stale = baseline.replace("accept: [", "accept: [(invariant: Loss, class: Lost(\"gone\"), reason: \"fixed\", reference: Spec(\"FS-X\")),");
    std::fs::write(d.join("stale.ron"), stale).unwrap();
    let (code, out, _) = failsim_in(d, &[&campaign[..], &["--baseline", "stale.ron"]].concat(), &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("accepted but no longer found (remove from the baseline?): lost writes: gone (SPEC FS-X)"), "{out}");
    std::fs::write(d.join("other.ron"), "Baseline(accept: [(invariant: SplitBrain, class: Online(3), reason: \"r\", reference: Ticket(\"T-1\"))])").unwrap();
    let (code, out, _) = failsim_in(d, &[&campaign[..], &["--baseline", "other.ron"]].concat(), &[]);
    assert_eq!(code, 1, "2 nodes online is not 3 nodes online:\n{out}");
}

#[test]
fn a_malformed_baseline_is_refused_with_its_place() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("Baseline(accept: [(invariant: SplitBrian, class: Online(2), reason: \"r\", reference: Ticket(\"T\"))])", "bad.ron:1:"),
        (
            "Baseline(accept: [(invariant: SplitBrain, class: Online(2), reason: \" \", reference: Ticket(\"T\"))])",
            "accept[0] (split brain: 2 nodes online/active): the reason is empty",
        ),
        ("Baseline(accept: [(invariant: SplitBrain, class: Online(2), reason: \"r\", reference: Spec(\"\"))])", "the reference is empty"),
        (
            "Baseline(accept: [(invariant: Dns, class: TwoNames, reason: \"r\", reference: Spec(\"A\")), (invariant: Dns, class: TwoNames, reason: \"r\", reference: Spec(\"A\"))])",
            "accept[1] (DNS: address under two names): accepted twice",
        ),
    ];
    for (text, want) in cases {
        std::fs::write(dir.path().join("bad.ron"), text).unwrap();
        let (code, _, err) = failsim_in(dir.path(), &["chaos", "dataminer", "--seeds", "0..1", "--baseline", "bad.ron", "--out", "o"], &[]);
        assert_eq!(code, 2, "{text}: {err}");
        assert!(err.contains(want), "{text}: expected `{want}` in: {err}");
    }
}

#[test]
fn an_unusable_out_folder_fails_before_the_first_seed() {
    let start = Instant::now();
    let (code, out, err) = failsim(&["chaos", "dataminer", "--seeds", "0..50000000", "--out", "/dev/null/x"]);
    assert_eq!(code, 2, "{out}{err}");
    assert!(err.contains("--out /dev/null/x"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(20), "refused at once, not after the campaign: {:?}", start.elapsed());
}

#[test]
fn stale_temporary_files_are_cleaned_and_files_get_the_normal_mode() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let live = format!(".failsim-{}-live01.tmp", std::process::id());
    for name in [".failsim-2147483646-abcdef.tmp", ".failsim-XyZ123.tmp", live.as_str(), "mine.tmp"] {
        std::fs::write(out.join(name), "x").unwrap();
    }
    let (code, text, err) = failsim_in(dir.path(), &["chaos", WORLD, "--seeds", "20..21", "--out", "out"], &[]);
    assert_eq!(code, 1, "{text}{err}");
    let mut names: Vec<String> = std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let want = [
        live.as_str(),
        "chaos-summary-world-two-core-switches-seeds-20-21.json",
        "mine.tmp",
        "repro-world-two-core-switches-liveness-seed20.ron",
        "repro-world-two-core-switches-split-brain-seed20.ron",
    ];
    assert_eq!(names, want, "the dead processes' temporary files are gone; a live one's and the user's stay");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        // SAFETY: umask is read and put back at once; no file is created in between.
        let umask = unsafe {
            let m = libc::umask(0);
            libc::umask(m);
            m
        };
        let mode = std::fs::metadata(out.join(want[4])).unwrap().permissions().mode() & 0o777;
        #[allow(clippy::useless_conversion)] // mode_t is u32 on Linux, u16 on macOS
        let umask = u32::from(umask);
        assert_eq!(mode, 0o666 & !umask, "a repro gets the user's normal mode, not 0600");
    }
}

/// Three and four shards, run as separate processes, merge into exactly the unsharded summary;
/// overlapping, missing, unfinished shards and another campaign's are errors.
#[test]
fn shards_merge_into_exactly_the_unsharded_summary() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let seeds = ["--seeds", "0..3000"];
    let (code, whole, err) = failsim_in(d, &[&["chaos", "mrs-manager", "--out", "whole", "--format", "json", "-j", "2"][..], &seeds].concat(), &[]);
    assert_eq!(code, 1, "mrs-manager has undocumented findings: {err}");
    for n in [3, 4] {
        let shards: Vec<Child> = (1..=n)
            .map(|k| {
                let (shard, out) = (format!("{k}/{n}"), format!("of{n}/shard-{k}"));
                spawn(d, &[&["chaos", "mrs-manager", "--shard", &shard, "--out", &out][..], &seeds].concat())
            })
            .collect();
        for child in shards {
            let out = child.wait_with_output().unwrap();
            assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        }
        let files: Vec<String> = (1..=n).map(|k| summary_file(&d.join(format!("of{n}/shard-{k}"))).display().to_string()).collect();
        let args: Vec<&str> = ["chaos", "merge", "--format", "json"].into_iter().chain(files.iter().map(String::as_str)).collect();
        let (code, merged, err) = failsim_in(d, &args, &[]);
        assert_eq!(code, 1, "the merged campaign fails as the whole one does: {err}");
        assert_eq!(without_timing(&merged), without_timing(&whole), "{n} merged shards are the unsharded campaign, byte for byte");
        if n == 4 {
            merge_errors(d, &files);
        }
    }
}

fn merge_errors(d: &Path, files: &[String]) {
    let cases: [(Vec<&str>, &str); 3] = [
        (vec![&files[0], &files[1], &files[2], &files[0]], "given twice"),
        (vec![&files[0], &files[1], &files[3]], "shard(s) 3/4 missing"),
        (vec![&files[0], "whole/chaos-summary-mrs-manager-seeds-0-3000.json"], "overlap"),
    ];
    for (given, want) in cases {
        let (code, _, err) = failsim_in(d, &[&["chaos", "merge"][..], &given].concat(), &[]);
        assert_eq!(code, 2, "{given:?}: {err}");
        assert!(err.contains(want), "{given:?}: expected `{want}` in: {err}");
    }
    let (code, _, _) = failsim_in(d, &["chaos", "dataminer", "--seeds", "0..3000", "--shard", "2/4", "--out", "dm"], &[]);
    assert_eq!(code, 0);
    let other = summary_file(&d.join("dm")).display().to_string();
    let (code, _, err) = failsim_in(d, &["chaos", "merge", &files[0], &other, &files[2], &files[3]], &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("are different campaigns: target dataminer there, mrs-manager here"), "{err}");
    std::fs::write(d.join("broken.json"), "{\n  \"campaign\": 3\n}").unwrap();
    let (code, _, err) = failsim_in(d, &["chaos", "merge", "broken.json"], &[]);
    assert_eq!((code, err.contains("broken.json:3:1: not a chaos summary")), (2, true), "a malformed summary is located: {err}");
}

#[test]
fn shard_auto_reads_the_engines_variables() {
    let dir = tempfile::tempdir().unwrap();
    let cases: [(&[(&str, &str)], &str); 3] = [
        (&[("JOB_COMPLETION_INDEX", "0"), ("JOB_COMPLETIONS", "4")], "shard-1-of-4"),
        (&[("CI_NODE_INDEX", "2"), ("CI_NODE_TOTAL", "4")], "shard-2-of-4"),
        (&[("SLURM_ARRAY_TASK_ID", "5"), ("SLURM_ARRAY_TASK_MIN", "3"), ("SLURM_ARRAY_TASK_MAX", "6"), ("SLURM_ARRAY_TASK_COUNT", "4")], "shard-3-of-4"),
    ];
    for (i, (env, want)) in cases.into_iter().enumerate() {
        let out = format!("o{i}");
        let (code, _, err) = failsim_in(dir.path(), &["chaos", "dataminer", "--seeds", "0..8", "--shard", "auto", "--out", &out], env);
        assert_eq!(code, 0, "{env:?}: {err}");
        let file = summary_file(&dir.path().join(&out));
        assert!(file.to_string_lossy().ends_with(&format!("-seeds-0-8-{want}.json")), "{env:?}: {}", file.display());
    }
    let (code, _, err) = failsim_in(dir.path(), &["chaos", "dataminer", "--seeds", "0..8", "--shard", "auto"], &[]);
    assert_eq!(code, 2, "no engine's variables: {err}");
}

/// Waits until the campaign's summary in `dir` covers some seeds.
fn wait_for_progress(dir: &Path, child: &mut Child) {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let done = std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_name().to_string_lossy().starts_with("chaos-summary-"))
            .any(|e| std::fs::read_to_string(e.path()).is_ok_and(|t| !t.contains("\"done_until\": 0,")));
        if done {
            return;
        }
        assert!(child.try_wait().unwrap().is_none(), "the campaign ended before it was interrupted");
        assert!(Instant::now() < deadline, "no progress in {}", dir.display());
        std::thread::sleep(Duration::from_millis(50));
    }
}

#[cfg(unix)]
#[test]
fn an_interrupted_campaign_keeps_its_findings_and_resumes_to_the_uninterrupted_result() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let campaign = ["chaos", "mrs-manager", "--seeds", "0..8192", "-j", "2", "--format", "json"];
    let (code, whole, err) = failsim_in(d, &[&campaign[..], &["--out", "whole"]].concat(), &[]);
    assert_eq!(code, 1, "{err}");
    for (signal, name) in [(libc::SIGINT, "int"), (libc::SIGTERM, "term"), (libc::SIGKILL, "kill")] {
        let mut child = spawn(d, &[&campaign[..], &["--out", name]].concat());
        wait_for_progress(&d.join(name), &mut child);
        // SAFETY: the child is ours and still running (wait_for_progress checked).
        assert_eq!(unsafe { libc::kill(libc::pid_t::try_from(child.id()).unwrap(), signal) }, 0);
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        if signal == libc::SIGKILL {
            assert_eq!(out.status.code(), None, "killed");
        } else {
            assert_eq!(out.status.code(), Some(3), "SIGINT and SIGTERM exit 3, interrupted: {stderr}");
            assert!(stderr.contains("interrupted: ") && stderr.contains(&format!("--resume {name}")), "{stderr}");
        }
        let kept = std::fs::read_to_string(summary_file(&d.join(name))).unwrap();
        assert!(!kept.contains("\"done_until\": 8192,"), "{name}: stopped part-way:\n{kept}");
        assert!(kept.contains("\"repro\": \"repro-mrs-manager-"), "{name}: the findings so far are kept with their repros");
        let (code, resumed, err) = failsim_in(d, &[&campaign[..], &["--resume", name]].concat(), &[]);
        assert_eq!(code, 1, "{name}: {err}");
        assert_eq!(without_timing(&resumed), without_timing(&whole), "{name}: resumed, the campaign is the uninterrupted one");
        let leftovers: Vec<String> =
            std::fs::read_dir(d.join(name)).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).filter(|n| n.ends_with(".tmp")).collect();
        assert!(leftovers.is_empty(), "{name}: {leftovers:?}");
    }
}

#[test]
fn resuming_another_campaign_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = failsim_in(dir.path(), &["chaos", "dataminer", "--seeds", "0..10", "--out", "c"], &[]);
    assert_eq!(code, 0, "{err}");
    let cases: [(&[&str], &str); 4] = [
        (&["chaos", "dataminer", "--seeds", "0..11", "--resume", "c"], "no summary of this campaign (target dataminer, seeds 0..11"),
        (&["chaos", "checkpoint", "--seeds", "0..10", "--resume", "c"], "chaos-summary-dataminer-seeds-0-10.json"),
        (&["chaos", "dataminer", "--seeds", "0..10", "--resume", "c", "--check-determinism"], "another campaign: --check-determinism false there, true here"),
        (&["chaos", "dataminer", "--seeds", "0..10", "--resume", "nowhere"], "no chaos summary"),
    ];
    for (args, want) in cases {
        let (code, _, err) = failsim_in(dir.path(), args, &[]);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(want), "{args:?}: expected `{want}` in: {err}");
    }
}

/// FS-COVERAGE: a campaign lists every rule of its target with its hits; `--require-coverage`
/// fails one that leaves a rule unexercised; `check --coverage` does the same over files.
#[test]
fn rule_coverage_is_listed_and_can_be_required() {
    let dir = tempfile::tempdir().unwrap();
    let (code, out, err) = failsim_in(dir.path(), &["chaos", "dataminer", "--seeds", "0..3", "--out", "few", "--require-coverage"], &[]);
    assert_eq!(code, 1, "three runs leave rules unexercised:\n{out}{err}");
    assert!(out.contains("DM-HB-PINGPONG   NEVER FIRED"), "{out}");
    assert!(out.contains("FAIL: --require-coverage: ") && out.contains("never fired: "), "{out}");
    let (code, out, err) = failsim_in(dir.path(), &["chaos", "dataminer", "--seeds", "0..2000", "-j", "2", "--out", "many", "--require-coverage"], &[]);
    assert_eq!(code, 0, "2000 runs exercise every rule of the pair:\n{out}{err}");
    assert!(out.contains("rule coverage: 7 of 7 documented rule(s) fired"), "{out}");
    let json = std::fs::read_to_string(summary_file(&dir.path().join("many"))).unwrap();
    assert!(json.contains("\"DM-NOTIFY\": {\n      \"runs\": "), "the summary carries the rules:\n{json}");
    let (code, out, _) = failsim(&["check", "scenarios/dm-stop-online.ron", "--coverage"]);
    assert_eq!(code, 1, "one scenario does not exercise every rule:\n{out}");
    assert!(out.contains("DM-NOTIFY ") && out.contains("FAIL: --coverage: "), "{out}");
}

/// Explore's found files assert the property: replaying one exits 1, and after one edit (the
/// limit the behaviour now meets) it is a regression test that passes. A second exploration
/// into the same folder replaces the first one's numbered files and nothing else.
#[test]
fn explore_files_fail_exactly_when_the_property_breaks() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::create_dir(d.join("found")).unwrap();
    std::fs::write(d.join("found/found-042.ron"), "stale").unwrap();
    std::fs::write(d.join("found/notes.txt"), "mine").unwrap();
    let quiet = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/explore/quiet.ron");
    let (code, out, err) = failsim_in(d, &["explore", quiet, "--depth", "1", "--property", "downtime>7m", "--out", "found", "-j", "2"], &[]);
    assert_eq!(code, 1, "{out}{err}");
    let mut names: Vec<String> = std::fs::read_dir(d.join("found")).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    assert_eq!(names, ["found-001.ron", "found-002.ron", "found-003.ron", "found-004.ron", "notes.txt"], "the earlier run's numbered file is gone");
    let found = d.join("found/found-001.ron");
    let text = std::fs::read_to_string(&found).unwrap();
    assert!(text.contains("    downtime_at_most: \"7m\",\n"), "{text}");
    let (code, replay, _) = failsim_in(d, &["run", found.to_str().unwrap()], &[]);
    assert_eq!(code, 1, "the replay breaks the property:\n{replay}");
    assert!(replay.contains("FAIL  [FS-REPRO] the whole run: Downtime(at most 7m)") && replay.contains("actual:   downtime 14m\n"), "{replay}");
    std::fs::write(&found, text.replace("downtime_at_most: \"7m\"", "downtime_at_most: \"15m\"")).unwrap();
    let (code, replay, _) = failsim_in(d, &["run", found.to_str().unwrap()], &[]);
    assert_eq!(code, 0, "with the limit it meets, the file holds:\n{replay}");
    let cp = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/cp-two-secondaries.ron");
    let (code, out, err) = failsim_in(d, &["explore", cp, "--depth", "1", "--property", "split-brain", "--out", "split", "-j", "2"], &[]);
    assert_eq!(code, 1, "{out}{err}");
    let first = d.join("split/found-001.ron");
    let (code, replay, _) = failsim_in(d, &["run", first.to_str().unwrap()], &[]);
    assert_eq!(code, 1, "a split brain found replays as a failing claim:\n{replay}");
    assert!(replay.contains("FAIL  [FS-REPRO] During(\"0s\", \"13m\"): ActiveAtMost(1)"), "{replay}");
}
