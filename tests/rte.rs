//! SLWatchdog's runtime errors (DM-OPT-RTE) in combinations the scenario files do not spell out:
//! an RTE on the offline DMA, one cleared before it opens, a switch that cannot proceed (the
//! buddy stopped, unreachable, or with a listed NIC down), the timing against `timeout_time` and
//! `errors`, the element restart that does not help, the `Restart` action, and the parser's
//! refusals.

use std::path::Path;

/// The built-in DataMiner pair with `config` (fields of `DataMiner(...)`), the script and the
/// expectations; returns the outcome and the trace's lines (time, text).
fn run_expecting(config: &str, script: &str, end: &str, expect: &str) -> (failsim::Outcome, Vec<(u64, String)>) {
    let src = format!(r#"Scenario(name: "rte", doc: "", seed: 1, system: DataMiner({config}), script: [{script}], end: "{end}", expect: [{expect}])"#);
    let o = failsim::run(&failsim::parse(Path::new("rte.ron"), &src).unwrap_or_else(|e| panic!("{e}")), None).expect("runs");
    let lines = o.timeline.iter().map(|l| (l.at_ms, l.text.to_string())).collect();
    (o, lines)
}

fn run(config: &str, script: &str, end: &str) -> (failsim::Outcome, Vec<(u64, String)>) {
    run_expecting(config, script, end, "")
}

fn role(o: &failsim::Outcome, dma: &str) -> String {
    o.revised.nodes.iter().find(|n| n.name == dma).map(|n| n.role.clone()).expect("a DMA of the pair")
}

fn has(lines: &[(u64, String)], text: &str) -> bool {
    lines.iter().any(|(_, t)| t.contains(text))
}

/// When the first line containing `text` was recorded.
fn when(lines: &[(u64, String)], text: &str) -> u64 {
    lines.iter().find(|(_, t)| t.contains(text)).unwrap_or_else(|| panic!("no line with {text:?} in {lines:#?}")).0
}

const SWITCH: &str = "watchdog: (actions: [Alarm, Switch])";
const HANG_ONLINE: &str = r#"(at: "1m", do: RuntimeError(node: Online, process: "SLDataMiner", thread: "Element Manager Thread"))"#;

#[test]
fn an_rte_on_the_offline_dma_counts_but_switches_nothing() {
    // The switching DMA is the one with the RTE: an offline DMA has no online role to hand over.
    let script = r#"(at: "1m", do: RuntimeError(node: Offline, process: "SLDataMiner", thread: "Element Manager Thread"))"#;
    let expect = r#"(ids: ["DM-OPT-RTE"], when: During("16m", "20m"), that: RteCount(Backup, 1)), (ids: ["DM-OPT-RTE"], when: During("0s", "20m"), that: Agent(Backup, Running))"#;
    let (o, lines) = run_expecting(&format!("mode: Manual, {SWITCH}"), script, "20m", expect);
    assert!(o.passed(), "{:?}", o.expectations);
    assert!(
        has(&lines, "DMA-BACKUP Watchdog: runtime error switch to DMA-MAIN: none: DMA-BACKUP is offline, there is nothing to switch away from"),
        "{lines:#?}"
    );
    assert_eq!((role(&o, "DMA-MAIN"), role(&o, "DMA-BACKUP")), ("Online".into(), "Offline".into()));
}

#[test]
fn a_restart_before_the_rte_opens_clears_it() {
    // Manual mode: the restart itself switches nothing; Main finds Backup offline at start-up and
    // goes online again (DM-STARTUP).
    let script = format!(r#"{HANG_ONLINE}, (at: "10m", do: Restart(node: Main, duration: "90s"))"#);
    let (o, lines) = run(&format!("mode: Manual, {SWITCH}"), &script, "25m");
    assert!(has(&lines, "DMA-MAIN Watchdog: SLDataMiner thread \"Element Manager Thread\": cleared (DataMiner stopped)"), "{lines:#?}");
    assert!(!has(&lines, ": open RTE") && !has(&lines, "runtime error switch"), "{lines:#?}");
    assert_eq!(role(&o, "DMA-MAIN"), "Online");
    // The thread resuming by itself clears it too.
    let script = format!(r#"{HANG_ONLINE}, (at: "10m", do: ClearRuntimeError(Online))"#);
    let (o, lines) = run(&format!("mode: Manual, {SWITCH}"), &script, "25m");
    assert!(has(&lines, "cleared (the thread signals again)") && !has(&lines, ": open RTE"), "{lines:#?}");
    assert_eq!(role(&o, "DMA-MAIN"), "Online");
}

#[test]
fn an_rte_while_the_buddy_is_stopped_does_not_switch_and_the_rte_stands() {
    let script = format!(r#"(at: "30s", do: Stop(Backup)), {HANG_ONLINE}"#);
    let expect = r#"(ids: ["DM-OPT-RTE"], when: During("16m", "20m"), that: RteCount(Main, 1)), (ids: ["DM-OPT-RTE"], when: During("16m", "20m"), that: Alarm(on: Main, text: "Runtime error", severity: Error))"#;
    let (o, lines) = run_expecting(&format!("mode: Manual, {SWITCH}"), &script, "20m", expect);
    assert!(o.passed(), "{:?}", o.expectations);
    assert!(has(&lines, "runtime error switch to DMA-BACKUP: refused: the offline DMA DMA-BACKUP is not running"), "{lines:#?}");
    assert_eq!(role(&o, "DMA-MAIN"), "Online");
    assert!(!has(&lines, "DMA-MAIN DataMiner stopped"), "no switch, so no restart: {lines:#?}");
}

#[test]
fn with_restart_too_a_dma_whose_buddy_is_stopped_restarts_and_comes_back_online() {
    // `Restart` acts when no switch started: Main restarts alone, cannot reach a running buddy
    // at start-up and goes online again (DM-STARTUP), which clears the thread.
    let script = format!(r#"(at: "30s", do: Stop(Backup)), {HANG_ONLINE}"#);
    let (o, lines) = run("mode: Manual, watchdog: (actions: [Alarm, Switch, Restart])", &script, "20m");
    assert!(has(&lines, "refused: the offline DMA DMA-BACKUP is not running"), "{lines:#?}");
    assert_eq!(when(&lines, "DMA-MAIN DataMiner stopped (restarted by the Watchdog (runtime error))"), 960_000);
    assert_eq!(role(&o, "DMA-MAIN"), "Online");
    assert!(has(&lines, "DMA-MAIN Failover Status => Acquiring Virtual IP Address (start-up: cannot reach the buddy)"), "{lines:#?}");
}

#[test]
fn the_restart_action_alone_restarts_the_dma_and_nothing_switches() {
    let (o, lines) = run("mode: Manual, watchdog: (actions: [Restart])", HANG_ONLINE, "20m");
    assert_eq!(when(&lines, "DMA-MAIN DataMiner stopped (restarted by the Watchdog (runtime error))"), 960_000);
    assert!(!has(&lines, "runtime error switch"), "{lines:#?}");
    assert!(!o.revised.consoles.iter().any(|(_, alarms)| alarms.iter().any(|a| a.text.contains("Runtime error"))), "no Alarm action, no alarm");
    assert_eq!((role(&o, "DMA-MAIN"), role(&o, "DMA-BACKUP")), ("Online".into(), "Offline".into()), "Main finds Backup offline at start-up");
}

#[test]
fn an_unreachable_buddy_cannot_be_told_and_the_dma_stays_online() {
    // Manual mode, so Backup's failing heartbeats switch nothing either.
    let script = format!(r#"(at: "30s", do: Pull(cable: Both, on: Backup)), {HANG_ONLINE}"#);
    let (o, lines) = run(&format!("mode: Manual, {SWITCH}"), &script, "20m");
    assert!(has(&lines, "runtime error switch to DMA-BACKUP: refused: DMA-MAIN cannot reach DMA-BACKUP"), "{lines:#?}");
    assert_eq!(role(&o, "DMA-MAIN"), "Online");
}

#[test]
fn a_buddy_with_a_listed_nic_down_does_not_go_online_and_the_dma_is_not_restarted() {
    let script = format!(r#"(at: "30s", do: DisableNic(cable: Sync, on: Backup)), {HANG_ONLINE}"#);
    let (o, lines) = run(&format!("mode: Manual, nics_to_check: [Sync], {SWITCH}"), &script, "20m");
    assert!(has(&lines, "DMA-BACKUP Failover Status => Offline (NIC Sync is down (NicsToCheckOnFailover))"), "{lines:#?}");
    assert!(has(&lines, "DMA-BACKUP does not go online: DMA-MAIN stays online"), "{lines:#?}");
    assert!(!has(&lines, "DMA-MAIN DataMiner stopped"), "{lines:#?}");
    assert_eq!(role(&o, "DMA-MAIN"), "Online");
}

#[test]
fn the_timing_scales_with_timeout_time_and_errors() {
    let (_, lines) = run("watchdog: (timeout_time: \"2m\", errors: 3)", HANG_ONLINE, "15m");
    assert_eq!(when(&lines, "half-open RTE (no watchdog signal for 3m)"), 60_000 + 180_000);
    assert_eq!(when(&lines, "open RTE (no watchdog signal for 9m)"), 60_000 + 540_000);
    let (_, lines) = run("watchdog: (timeout_time: \"10m\", errors: 1)", HANG_ONLINE, "20m");
    assert_eq!(when(&lines, ": half-open RTE (no watchdog signal for 15m)"), 60_000 + 900_000);
    assert_eq!(when(&lines, ": open RTE (no watchdog signal for 15m)"), 60_000 + 900_000, "one error: open as soon as half-open");
}

#[test]
fn automatic_mode_switches_too() {
    let expect = r#"(ids: ["DM-OPT-RTE", "DM-SWITCH-TIME"], when: Within("22m20s", "22m25s"), that: Role(Backup, Online)), (ids: ["DM-OPT-RTE"], when: Within("15m59s", "16m1s"), that: Role(Main, Offline))"#;
    let (o, lines) = run_expecting(SWITCH, HANG_ONLINE, "25m", expect);
    assert!(o.passed(), "{:?}", o.expectations);
    assert_eq!(when(&lines, "runtime error switch to DMA-BACKUP: started"), 960_000);
    assert_eq!(role(&o, "DMA-MAIN"), "Offline");
}

#[test]
fn an_element_restart_that_does_not_clear_the_thread_switches_after_it() {
    // The docs: no switch when the element restart succeeds; here it does not (the hang is not
    // in the element), so the switch follows the restart (30 s).
    let script = r#"(at: "1m", do: RuntimeError(node: Online, process: "SLProtocol", thread: "Protocol thread", element: "Encoder 1"))"#;
    let (o, lines) = run("watchdog: (actions: [Alarm, Switch], restart_element_on_protocol_rte: true)", script, "25m");
    assert_eq!(when(&lines, "element Encoder 1 restarted, but the thread still hangs"), 990_000);
    assert_eq!(when(&lines, "runtime error switch to DMA-BACKUP: started"), 990_000);
    assert_eq!(when(&lines, "DMA-BACKUP Failover Status => Online"), 990_000 + 382_000);
    assert_eq!(role(&o, "DMA-MAIN"), "Offline");
}

#[test]
fn without_restart_element_on_protocol_rte_an_element_thread_switches_at_once() {
    let script =
        r#"(at: "1m", do: RuntimeError(node: Online, process: "SLProtocol", thread: "Protocol thread", element: "Encoder 1", cleared_by: ElementRestart))"#;
    let (_, lines) = run(SWITCH, script, "20m");
    assert!(!has(&lines, "restarting (restartElementOnProtocolRTE"), "{lines:#?}");
    assert_eq!(when(&lines, "runtime error switch to DMA-BACKUP: started"), 960_000);
}

#[test]
fn a_thread_of_the_process_itself_is_not_an_element_restart() {
    // restartElementOnProtocolRTE is for an element-related SLProtocol thread only.
    let script = r#"(at: "1m", do: RuntimeError(node: Online, process: "SLProtocol", thread: "Main thread"))"#;
    let (_, lines) = run("watchdog: (actions: [Alarm, Switch], restart_element_on_protocol_rte: true)", script, "20m");
    assert!(!has(&lines, "element "), "{lines:#?}");
    assert_eq!(when(&lines, "runtime error switch to DMA-BACKUP: started"), 960_000);
}

#[test]
fn a_switch_restarts_the_dma_once_with_auto_restart_too() {
    // The notice makes Main offline, which asks for an auto restart (DM-OPT-AUTORESTART); the
    // Watchdog's restart has already begun, so Main restarts once.
    let (o, lines) = run(&format!("auto_restart_when_going_offline: true, {SWITCH}"), HANG_ONLINE, "25m");
    assert_eq!(lines.iter().filter(|(_, t)| t.starts_with("DMA-MAIN DataMiner stopped")).count(), 1, "{lines:#?}");
    assert_eq!((role(&o, "DMA-MAIN"), role(&o, "DMA-BACKUP")), ("Offline".into(), "Online".into()));
}

#[test]
fn two_hung_threads_count_two_and_one_switch_clears_both() {
    let script = format!(r#"{HANG_ONLINE}, (at: "2m", do: RuntimeError(node: Main, process: "SLDataMiner", thread: "Database cleaning"))"#);
    let expect = r#"(ids: ["DM-OPT-RTE"], when: During("17m", "20m"), that: RteCount(Main, 2))"#;
    let (o, _) = run_expecting("", &script, "20m", expect);
    assert!(o.passed(), "{:?}", o.expectations);
    let (_, lines) = run(SWITCH, &script, "20m");
    assert_eq!(lines.iter().filter(|(_, t)| t.contains(": cleared (DataMiner stopped)")).count(), 2, "{lines:#?}");
    assert_eq!(lines.iter().filter(|(_, t)| t.contains(": open RTE (")).count(), 1, "the second never opens: {lines:#?}");
}

#[test]
fn a_runtime_error_on_a_dma_that_does_not_run_is_refused() {
    let (_, lines) = run(SWITCH, r#"(at: "30s", do: Stop(Backup)), (at: "1m", do: RuntimeError(node: Backup, process: "SLDataMiner", thread: "t"))"#, "5m");
    assert!(has(&lines, "refused: runtime error on DMA-BACKUP: DataMiner is not running there"), "{lines:#?}");
    let (_, lines) = run("", r#"(at: "1m", do: ClearRuntimeError(Main))"#, "5m");
    assert!(has(&lines, "refused: clear the runtime errors of DMA-MAIN: no thread hangs there"), "{lines:#?}");
}

#[test]
fn other_products_refuse_a_runtime_error_with_a_located_error() {
    for system in ["CheckPoint()", "MrsManager()", "FlinkServer()"] {
        let src = format!(
            "Scenario(name: \"r\", doc: \"\", system: {system},\n  script: [(at: \"1m\", do: RuntimeError(node: Main, process: \"p\", thread: \"t\"))], end: \"5m\")"
        );
        let err = failsim::parse(Path::new("r.ron"), &src).unwrap_err();
        assert!(err.message.contains("does not support the action `RuntimeError`"), "{system}: {err:?}");
        assert_eq!((err.line, err.col), (2, 27), "{system}: at the step's action: {err:?}");
    }
}

#[test]
fn a_fault_or_a_watchdog_out_of_its_limits_is_a_located_error() {
    let parse = |config: &str, script: &str| {
        let src = format!(r#"Scenario(name: "r", doc: "", system: DataMiner({config}), script: [{script}], end: "5m")"#);
        failsim::parse(Path::new("r.ron"), &src).map(|_| ()).map_err(|e| e.message)
    };
    let element_of_dataminer = r#"(at: "1m", do: RuntimeError(node: Main, process: "SLDataMiner", thread: "t", element: "Encoder 1"))"#;
    assert!(parse("", element_of_dataminer).unwrap_err().contains("names an element's SLProtocol thread"));
    assert!(parse("", r#"(at: "1m", do: RuntimeError(node: Main, process: "", thread: "t"))"#).unwrap_err().contains("the process needs a name"));
    for (watchdog, says) in [
        ("errors: 0", "watchdog.errors is 0"),
        ("errors: 21", "watchdog.errors is 21"),
        ("timeout_time: \"960m\"", "watchdog.timeout_time is 16h"),
        ("element_restart_time: \"2h\"", "watchdog.element_restart_time is 2h"),
        ("actions: [Switch, Switch]", "lists Switch twice"),
        ("swich: true", "`swich`"),
    ] {
        let err = parse(&format!("watchdog: ({watchdog})"), "").unwrap_err();
        assert!(err.contains(says), "{watchdog}: {err}");
    }
    assert!(parse("watchdog: (timeout_time: \"959m\", errors: 20)", "").is_ok());
}

#[test]
fn a_default_watchdog_is_left_out_of_a_saved_file_and_a_set_one_reads_back() {
    let parse = |config: &str| {
        let src = format!(r#"Scenario(name: "r", doc: "", system: DataMiner({config}), end: "5m")"#);
        failsim::parse(Path::new("r.ron"), &src).unwrap()
    };
    assert!(!failsim::to_ron(&parse("")).unwrap().contains("watchdog"));
    let set = parse(r#"watchdog: (actions: [Alarm, Switch], skip_rte: [(process: "SLDataMiner.exe", thread: "Database cleaning")])"#);
    let saved = failsim::to_ron(&set).unwrap();
    assert!(saved.contains("Database cleaning"), "{saved}");
    assert_eq!(failsim::to_ron(&failsim::parse(Path::new("saved.ron"), &saved).unwrap()).unwrap(), saved);
}
