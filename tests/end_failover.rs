//! DM-ENDFAILOVER: the scenario files on other versions and setups — the restart only from
//! 10.3.0 CU18 / 10.4.0 / 10.4.9, ending with the offline server down only from 10.2.0 CU9 /
//! 10.2.12 — and what an ended pair refuses.

use std::path::Path;

const NORMAL: &str = "scenarios/dm-end-failover.ron";
const DOWN: &str = "scenarios/dm-end-failover-offline-down.ron";

/// `file` with each `from` replaced by its `to`, run.
fn with(file: &str, changes: &[(&str, &str)]) -> failsim::Outcome {
    let src = changes.iter().fold(std::fs::read_to_string(file).expect("the scenario exists"), |s, (from, to)| s.replace(from, to));
    failsim::run(&failsim::parse(Path::new(file), &src).expect("parses"), None).expect("runs")
}

fn on_version(version: &str) -> failsim::Outcome {
    let system = format!(r#"system: DataMiner(main: (version: "{version}"), backup: (version: "{version}")),"#);
    with(NORMAL, &[("system: DataMiner(),", &system)])
}

fn lines<'a>(o: &'a failsim::Outcome, needle: &str) -> Vec<&'a str> {
    o.timeline.iter().filter(|l| l.text.contains(needle)).map(|l| l.text).collect()
}

#[test]
fn the_online_dma_restarts_only_from_10_3_0_cu18_10_4_0_and_10_4_9() {
    for (version, restarts) in [("10.3.0 CU17", false), ("10.3.0 CU18", true), ("10.4.0", true), ("10.4.8", false), ("10.4.9", true), ("10.2.0 CU9", false)] {
        let o = on_version(version);
        assert_eq!(lines(&o, "DMA-MAIN DataMiner stopped").len(), usize::from(restarts), "{version}");
        assert_eq!(o.metrics.downtime_ms, if restarts { 90_000 } else { 0 }, "{version}: served at the real IP at once without a restart");
        assert_eq!(lines(&o, "Failover ended: DMA-BACKUP cleaned").len(), 1, "{version}");
    }
}

#[test]
fn ending_with_the_offline_server_down_needs_10_2_0_cu9_or_10_2_12() {
    let system = |v: &str| format!(r#"system: DataMiner(main: (version: "{v}"), backup: (version: "{v}"),"#);
    for (version, works) in [("10.2.0 CU8", false), ("10.2.11", false), ("10.2.0 CU9", true), ("10.2.12", true)] {
        let o = with(DOWN, &[("system: DataMiner(", &system(version))]);
        let refused = lines(&o, "refused: end Failover: the offline DMA's server cannot be reached");
        assert_eq!(refused.is_empty(), works, "{version}: {refused:?}");
        assert_eq!(lines(&o, "Failover ended: dma-b not cleaned").len(), usize::from(works), "{version}");
    }
}

#[test]
fn an_uncleaned_dma_back_online_is_noted_and_a_split_brain_documented_by_the_rule() {
    let o = with(DOWN, &[]);
    assert!(o.passed());
    assert!(
        o.revised.notes.iter().any(|n| n.starts_with("DM-ENDFAILOVER: dma-b came back uncleaned") && n.ends_with("(encoder-1, encoder-2)")),
        "{:?}",
        o.revised.notes
    );
    assert_eq!(o.metrics.split_brain_ms, 15 * 60_000 - 691_500, "from 11m31.5s to the end");
    // The server kept off the network: nothing is polled twice, and the system stays one agent.
    let away = with(DOWN, &[(r#"(at: "10m", do: PowerOn(Backup)),"#, "")]);
    assert!(away.revised.notes.is_empty(), "{:?}", away.revised.notes);
    assert_eq!(away.metrics.split_brain_ms, 0);
}

#[test]
fn an_ended_pair_refuses_a_switch_an_upgrade_and_a_second_end() {
    let steps = r#"(at: "5m", do: Start(Backup)),
        (at: "6m", do: Switch),
        (at: "6m", do: Upgrade(policy: Simultaneously, version: "10.5.3", duration: "2m")),
        (at: "6m", do: EndFailover),"#;
    let o = with(NORMAL, &[(r#"(at: "5m", do: Start(Backup)),"#, steps)]);
    assert_eq!(lines(&o, "refused: Switch: Failover has ended").len(), 1);
    assert_eq!(lines(&o, "refused: upgrade: Failover has ended").len(), 1);
    assert_eq!(lines(&o, "refused: end Failover: Failover has already ended").len(), 1);
    assert!(o.passed(), "the refusals change nothing");
}

#[test]
fn a_shared_hostname_pair_ends_on_the_online_agents_real_address() {
    let o = with(NORMAL, &[("system: DataMiner(),", r#"system: DataMiner(addressing: SharedHostname(name: "DMA-SHARED")),"#)]);
    assert_eq!(lines(&o, "DMA-BACKUP reverse proxy: no rule").len(), 1, "cleaned with its DataMiner");
    assert_eq!(lines(&o, "DMA-MAIN reverse proxy: no rule").len(), 1, "the rule goes with Failover");
    assert_eq!(o.metrics.downtime_ms, 90_000, "the restart only: one way, Main's real address");
}

#[test]
fn an_offline_dma_cut_off_but_running_is_left_uncleaned_and_polls_again_once_reconnected() {
    let steps = r#"(at: "30s", do: Pull(cable: Both, on: Backup)),
        (at: "1m", do: EndFailover),
        (at: "3m", do: Plug(cable: Both, on: Backup)),"#;
    let o = with(NORMAL, &[(r#"(at: "1m", do: EndFailover),"#, steps), (r#"(at: "5m", do: Start(Backup)),"#, ""), (r#"end: "8m""#, r#"end: "12m""#)]);
    assert_eq!(lines(&o, "Failover ended: DMA-BACKUP not cleaned").len(), 1, "powered, but no path to it");
    assert!(lines(&o, "DMA-BACKUP DataMiner stopped").is_empty(), "nobody stopped it");
    let back = o.timeline.iter().find(|l| l.text.starts_with("DMA-BACKUP Failover Status => Online")).map(|l| l.at_ms);
    assert!(back.is_some_and(|t| t > 180_000), "online (after the switch time) once it hears no buddy on the network again: {back:?}");
    assert!(o.revised.notes.iter().any(|n| n.starts_with("DM-ENDFAILOVER: DMA-BACKUP came back uncleaned")), "{:?}", o.revised.notes);
    // Running again but still offline (its switch under way): nothing is polled twice yet.
    let early = with(
        NORMAL,
        &[(r#"(at: "1m", do: EndFailover),"#, steps), (r#"(at: "5m", do: Start(Backup)),"#, ""), (r#""8m""#, r#""5m""#), (r#"At("7m")"#, r#"At("4m")"#)],
    );
    assert!(early.revised.notes.is_empty(), "{:?}", early.revised.notes);
}

#[test]
fn failover_is_not_ended_during_an_upgrade() {
    let steps = r#"(at: "30s", do: Upgrade(policy: BackupFirst, version: "10.5.3", duration: "2m")),
        (at: "1m", do: EndFailover),"#;
    let o = with(NORMAL, &[(r#"(at: "1m", do: EndFailover),"#, steps)]);
    assert_eq!(lines(&o, "refused: end Failover: an upgrade or a Switch is under way").len(), 1);
    assert!(lines(&o, "Failover ended:").is_empty());
}

#[test]
fn a_dma_that_left_the_pair_compares_no_version_with_its_old_buddy() {
    // DM-ENDFAILOVER: Backup (10.4.9) comes back uncleaned beside the standalone Main (another
    // version): neither has a buddy to compare with any more, so no version mismatch is raised
    // after the end, and the one each showed while paired clears once it runs again.
    let o = with(DOWN, &[("system: DataMiner(", r#"system: DataMiner(backup: (version: "10.4.9"),"#)]);
    let mismatch: Vec<(u64, &str)> = o.timeline.iter().filter(|l| l.text.contains("Version mismatch")).map(|l| (l.at_ms, l.text)).collect();
    assert!(mismatch.iter().any(|(at, _)| *at < 120_000), "while paired, the versions differ: {mismatch:?}");
    let raised_after: Vec<_> = mismatch.iter().filter(|(at, text)| *at >= 120_000 && !text.contains("cleared")).collect();
    assert!(raised_after.is_empty(), "no mismatch raised once Failover ended: {raised_after:?}");
    for dma in ["dma-a", "dma-b"] {
        let last = mismatch.iter().rfind(|(_, text)| text.starts_with(dma));
        assert!(last.is_some_and(|(at, text)| *at >= 120_000 && text.contains("cleared")), "{dma}'s mismatch is cleared once it runs after the end: {last:?}");
    }
}
