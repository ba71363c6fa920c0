//! The known issues of SPEC §9: each scenario file shows its issue on an affected version; the
//! same file on the fixed version (and on a version just before the range) shows the fix, and
//! an issue that needs both agents affected needs both.

use std::path::Path;

/// `file` with every `from` version replaced by `to`, run.
fn on_version(file: &str, from: &str, to: &str) -> failsim::Outcome {
    let src = std::fs::read_to_string(file).expect("the scenario exists").replace(from, to);
    failsim::run(&failsim::parse(Path::new(file), &src).expect("parses"), None).expect("runs")
}

fn known_issues(o: &failsim::Outcome) -> Vec<&str> {
    o.timeline.iter().filter(|l| l.text.contains(": known issue ")).map(|l| l.text).collect()
}

fn online_at_ms(o: &failsim::Outcome, dma: &str, after_ms: u64) -> Option<u64> {
    let online = format!("{dma} Failover Status => Online");
    o.timeline.iter().find(|l| l.at_ms >= after_ms && l.text.starts_with(&online)).map(|l| l.at_ms)
}

#[test]
fn the_upgrade_known_issue_needs_an_affected_version_on_both_agents() {
    let file = "scenarios/dm-ki-upgrade-offline.ron";
    let affected = on_version(file, "10.3.0 CU10", "10.3.0 CU10");
    assert!(affected.passed());
    assert_eq!(online_at_ms(&affected, "DMA-MAIN", 60_000), Some(1_117_000), "after the workaround only");
    for (from, to) in [("10.3.0 CU10", "10.3.0 CU11"), ("10.3.0 CU10", "10.3.0 CU8"), ("backup: (version: \"10.3.0 CU10\")", "backup: (version: \"10.4.0\")")] {
        let o = on_version(file, from, to);
        assert!(known_issues(&o).is_empty(), "{to}: {:?}", known_issues(&o));
        assert_eq!(online_at_ms(&o, "DMA-MAIN", 60_000), Some(71_500), "{to}: back online at start-up, with the VIP");
    }
}

#[test]
fn the_cassandra_switch_known_issue_is_gone_on_the_fixed_version_and_without_cassandra() {
    let file = "scenarios/dm-ki-cassandra-switch.ron";
    let affected = on_version(file, "10.4.5", "10.4.5");
    assert_eq!(online_at_ms(&affected, "DMA-BACKUP", 0), Some(660_000), "10 minutes in all (capped)");
    let fixed = on_version(file, "10.4.5", "10.4.9");
    assert_eq!(online_at_ms(&fixed, "DMA-BACKUP", 0), Some(60_000 + 382_000), "the switch time");
    let few = on_version(file, "active_alarms: 5000", "active_alarms: 100");
    assert_eq!(online_at_ms(&few, "DMA-BACKUP", 0), Some(60_000 + 382_000 + 10_000), "100 alarms x 100 ms");
    let legacy = on_version(file, "active_alarms: 5000", "active_alarms: 5000, storage: Legacy");
    assert_eq!(online_at_ms(&legacy, "DMA-BACKUP", 0), Some(60_000 + 382_000), "not a Cassandra setup");
}

#[test]
fn the_startup_known_issue_is_gone_on_the_fixed_versions() {
    let file = "scenarios/dm-ki-startup-stuck.ron";
    let affected = on_version(file, "10.5.0 CU12", "10.5.0 CU12");
    assert!(affected.passed());
    for fixed in ["10.5.0 CU13", "10.6.4", "10.4.0 CU12"] {
        let o = on_version(file, "10.5.0 CU12", fixed);
        assert!(known_issues(&o).is_empty(), "{fixed}: {:?}", known_issues(&o));
        assert_eq!(online_at_ms(&o, "DMA-MAIN", 0), Some(210_000 + 1_500), "{fixed}: online at start-up");
    }
    // One agent starting alone is not stuck, whatever its version.
    let alone = on_version(file, r#"(at: "1m", do: PowerFail(Backup)),"#, "");
    let alone_issues = known_issues(&alone);
    assert!(alone_issues.is_empty(), "{alone_issues:?}");
}

#[test]
fn the_simultaneous_upgrade_to_a_fixed_version_has_the_pair_back_at_once() {
    let file = "scenarios/dm-ki-upgrade-outage.ron";
    let affected = on_version(file, "version: \"10.3.0 CU10\"", "version: \"10.3.0 CU10\"");
    assert!(affected.passed());
    assert_eq!(online_at_ms(&affected, "DMA-MAIN", 60_000), Some(1_177_000), "only after the workaround at 13m");
    let fixed = on_version(file, "version: \"10.3.0 CU10\"", "version: \"10.3.0 CU11\"");
    assert!(known_issues(&fixed).is_empty(), "{:?}", known_issues(&fixed));
    assert_eq!(online_at_ms(&fixed, "DMA-MAIN", 60_000), Some(361_500), "online at start-up, 1.5 s of VIP check after the upgrade");
}

#[test]
fn active_alarms_have_a_stated_limit() {
    let parse = |n: u64| {
        let src = format!(r#"Scenario(name: "limit", doc: "", system: DataMiner(active_alarms: {n}), end: "1m")"#);
        failsim::parse(Path::new("limit.ron"), &src).map(|_| ())
    };
    assert!(parse(10_000_000).is_ok());
    let e = parse(10_000_001).expect_err("above the limit");
    assert!(e.to_string().contains("at most 10000000"), "{e}");
}
