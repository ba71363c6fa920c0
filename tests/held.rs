//! Held data and the manual Switch's wait for it (DM-HELD, DM-OPT-DBPUSHWAIT), in combinations
//! the scenario files do not spell out: a restart of the DMA that holds the DB Sync Stack, no
//! wait configured, a second Switch while one waits, the online DMA stopping during the wait.

use std::path::Path;

/// The built-in DataMiner pair with `config` (fields of `DataMiner(...)`), the script and the
/// expectations; every expectation must hold.
fn run(config: &str, script: &str, expect: &str) -> failsim::Outcome {
    let src = format!(r#"Scenario(name: "held", doc: "", seed: 1, system: DataMiner({config}), script: [{script}], end: "20m", expect: [{expect}])"#);
    let o = failsim::run(&failsim::parse(Path::new("held.ron"), &src).expect("parses"), None).expect("runs");
    let failures: Vec<String> = o.expectations.iter().filter_map(|e| e.failure.as_ref().map(|f| format!("{} {}: {f:?}", e.when, e.claim))).collect();
    assert_eq!(failures, Vec::<String>::new());
    o
}

fn trace_has(o: &failsim::Outcome, text: &str) -> bool {
    o.timeline.iter().any(|l| l.text.contains(text))
}

#[test]
fn the_db_sync_stack_outlives_a_restart_of_the_dma_that_holds_it() {
    // Main holds 10 records it cannot forward, and restarts: it goes offline and Backup takes
    // over; Main comes back offline with the 10 still in its stack (on disk), and forwards them
    // when the cable returns, although it never was online again.
    let o = run(
        "",
        r#"(at: "1m", do: Pull(cable: Sync, on: Online)), (at: "1m30s", do: Write(count: 10)),
           (at: "2m", do: Restart(node: Main, duration: "2m")), (at: "15m", do: Plug(cable: Sync, on: Main))"#,
        r#"(ids: ["DM-HELD"], when: During("2m", "14m59s"), that: Records(written: 10, replicated: 0, pending: 10, lost: 0)),
           (ids: ["DM-HELD"], when: At("16m"), that: Records(written: 10, replicated: 10, pending: 0, lost: 0)),
           (ids: ["DM-HELD"], when: At("16m"), that: Role(Main, Offline))"#,
    );
    assert!(trace_has(&o, "DMA-MAIN forwarded 10 record(s) #0..#9"), "the offline Main forwards what it held");
}

#[test]
fn without_a_wait_the_switch_goes_at_once_and_the_records_stay_held() {
    let o = run(
        r#"db_push_wait: "0s""#,
        r#"(at: "1m", do: Pull(cable: Sync, on: Online)), (at: "1m30s", do: Write(count: 10)), (at: "2m", do: Switch),
           (at: "3m", do: Plug(cable: Sync, on: Main))"#,
        r#"(ids: ["DM-OPT-DBPUSHWAIT"], when: During("2m", "20m"), that: Role(Main, Offline)),
           (ids: ["DM-HELD"], when: At("2m30s"), that: Records(pending: 10, lost: 0)),
           (ids: ["DM-HELD"], when: At("3m30s"), that: Records(replicated: 10, pending: 0, lost: 0))"#,
    );
    assert!(!trace_has(&o, "waits up to"), "no wait configured: no wait");
}

#[test]
fn a_second_switch_while_one_waits_is_refused() {
    let o = run(
        "",
        r#"(at: "1m", do: Pull(cable: Sync, on: Online)), (at: "1m30s", do: Write(count: 10)), (at: "2m", do: Switch), (at: "2m20s", do: Switch)"#,
        r#"(ids: ["DM-OPT-DBPUSHWAIT"], when: During("2m", "2m59s"), that: Role(Main, Online)),
           (ids: ["DM-OPT-DBPUSHWAIT"], when: At("3m"), that: Role(Main, Offline))"#,
    );
    assert!(trace_has(&o, "refused: Switch: a Switch already waits for the DB push"), "{:?}", o.timeline.iter().map(|l| l.text).collect::<Vec<_>>());
    assert!(trace_has(&o, "Switch goes ahead: the wait for the DB push is over"));
}

#[test]
fn a_waiting_switch_checks_again_when_it_goes_ahead() {
    // The offline Backup stops during the wait: when the wait is over there is nobody to
    // switch to, and the Switch is refused then; Main stays online.
    let o = run(
        "",
        r#"(at: "1m", do: Pull(cable: Sync, on: Online)), (at: "1m30s", do: Write(count: 10)), (at: "2m", do: Switch), (at: "2m20s", do: Stop(Backup))"#,
        r#"(ids: ["DM-OPT-DBPUSHWAIT"], when: During("2m", "20m"), that: Role(Main, Online))"#,
    );
    assert!(trace_has(&o, "refused: Switch: the offline DMA DMA-BACKUP is not running"));
    assert!(!trace_has(&o, "upgrade"), "no upgrade runs, so none is aborted");
}

#[test]
fn an_upgrade_whose_waiting_switch_is_refused_is_aborted() {
    // Backup first: Backup is upgraded and started, then the upgrade switches to it; the Switch
    // waits for Main's DB push (the sync cable is out), and Backup stops during the wait: when
    // the wait is over the Switch is refused, and so the upgrade ends there, Main online on its
    // old version.
    let o = run(
        "",
        r#"(at: "30s", do: Pull(cable: Sync, on: Online)), (at: "40s", do: Write(count: 10)),
           (at: "1m", do: Upgrade(policy: BackupFirst, version: "10.5.0", duration: "5m")),
           (at: "6m30s", do: Stop(Backup))"#,
        r#"(ids: ["DM-OPT-DBPUSHWAIT"], when: During("0s", "20m"), that: Role(Main, Online))"#,
    );
    let texts: Vec<&str> = o.timeline.iter().map(|l| l.text).collect();
    let waits = texts.iter().position(|t| t.starts_with("Switch: DMA-MAIN waits up to 1m for the DB push"));
    let aborted = texts.iter().position(|t| t.ends_with("aborted: the switch was refused"));
    assert!(waits.is_some() && aborted > waits, "{texts:?}");
}
