//! The documented DataMiner options of SPEC §7 in combinations the scenario files do not spell
//! out: each option's rule against the same script without it, and on the paths a file does
//! not take (a start-up, a manual switch).

use std::path::Path;

/// The built-in DataMiner pair with `config` (fields of `DataMiner(...)`) and the script;
/// returns the outcome and the trace's texts.
fn run(config: &str, script: &str, end: &str) -> (failsim::Outcome, Vec<String>) {
    let src = format!(r#"Scenario(name: "options", doc: "", seed: 1, system: DataMiner({config}), script: [{script}], end: "{end}")"#);
    let o = failsim::run(&failsim::parse(Path::new("options.ron"), &src).expect("parses"), None).expect("runs");
    let texts = o.timeline.iter().map(|l| l.text.to_string()).collect();
    (o, texts)
}

fn online_at(o: &failsim::Outcome, dma: &str) -> bool {
    o.revised.nodes.iter().any(|n| n.name == dma && n.role == "Online")
}

#[test]
fn a_listed_nic_down_keeps_the_backup_offline_and_an_unlisted_one_does_not() {
    let script = r#"(at: "30s", do: DisableNic(cable: Sync, on: Backup)), (at: "1m", do: Pull(cable: Corporate, on: Online))"#;
    let (listed, _) = run("nics_to_check: [Sync]", script, "12m");
    let (unlisted, _) = run("nics_to_check: [Corporate]", script, "12m");
    let (default, _) = run("", script, "12m");
    assert!(!online_at(&listed, "DMA-BACKUP"), "{:?}", listed.revised.nodes);
    assert!(online_at(&unlisted, "DMA-BACKUP"), "Backup's corporate NIC is up: {:?}", unlisted.revised.nodes);
    assert!(online_at(&default, "DMA-BACKUP"), "only the corporate NIC is checked by default (NIC 1): {:?}", default.revised.nodes);
}

#[test]
fn a_listed_nic_down_keeps_a_starting_dma_offline() {
    // Both stop; Backup starts alone with its Sync NIC disabled: at start-up it would go
    // online (it cannot reach Main; its Cassandra is the master seed node, so it can start),
    // but the listed NIC is down.
    let script =
        r#"(at: "1m", do: Stop(Main)), (at: "1m", do: Stop(Backup)), (at: "2m", do: DisableNic(cable: Sync, on: Backup)), (at: "3m", do: Start(Backup))"#;
    let (o, texts) = run("nics_to_check: [Sync], seed: Backup", script, "12m");
    assert!(!online_at(&o, "DMA-BACKUP"), "{:?}", o.revised.nodes);
    assert!(texts.iter().any(|t| t.contains("but NIC Sync is down (NicsToCheckOnFailover)")), "{texts:?}");
}

#[test]
fn a_manual_switch_to_a_dma_with_a_listed_nic_down_does_not_happen() {
    let script = r#"(at: "30s", do: DisableNic(cable: Corporate, on: Backup)), (at: "1m", do: Switch)"#;
    let (o, texts) = run("nics_to_check: [Corporate]", script, "10m");
    assert!(online_at(&o, "DMA-MAIN"), "Main was never told to go offline: {:?}", o.revised.nodes);
    assert!(texts.iter().any(|t| t == "DMA-BACKUP Failover Status => Offline (NIC Corporate is down (NicsToCheckOnFailover))"), "{texts:?}");
}

#[test]
fn without_auto_restart_the_same_reboot_leaves_both_offline() {
    // The switch is back after Main's restart ends (as in dm-auto-restart.ron). With no NIC
    // checked, the restarted Main goes online at start-up although the switch is still down;
    // with the documented NicsToCheckOnFailover default ("1", the corporate NIC) it does not,
    // as its corporate NIC has no link then (DM-OPT-NICCHECK).
    let script = r#"(at: "1m", do: FailSwitch), (at: "3m30s", do: RestoreSwitch)"#;
    let (with, _) = run("auto_restart_when_going_offline: true, nics_to_check: []", script, "10m");
    let (with_nic_check, checked) = run("auto_restart_when_going_offline: true", script, "10m");
    let (without, texts) = run("nics_to_check: []", script, "10m");
    assert!(online_at(&with, "DMA-MAIN"), "{:?}", with.revised.nodes);
    assert!(!online_at(&with_nic_check, "DMA-MAIN") && !online_at(&with_nic_check, "DMA-BACKUP"), "{:?}", with_nic_check.revised.nodes);
    assert!(checked.iter().any(|t| t.ends_with("but NIC Corporate is down (NicsToCheckOnFailover))")), "{checked:?}");
    assert!(!online_at(&without, "DMA-MAIN") && !online_at(&without, "DMA-BACKUP"), "{:?}", without.revised.nodes);
    assert!(!texts.iter().any(|t| t.contains("Auto restart")), "off by default");
}

#[test]
fn a_dma_told_to_go_offline_restarts_and_comes_back_offline() {
    // A manual Switch: Backup notifies Main, Main goes offline and (with the option) restarts;
    // Backup is claiming the online role by the time Main has started, so Main stays offline.
    let (o, texts) = run("auto_restart_when_going_offline: true", r#"(at: "1m", do: Switch)"#, "12m");
    assert!(texts.iter().any(|t| t == "DMA-MAIN DataMiner stopped (Auto restart Agent when going offline)"), "{texts:?}");
    assert!(online_at(&o, "DMA-BACKUP") && !online_at(&o, "DMA-MAIN"), "{:?}", o.revised.nodes);
    assert!(texts.iter().any(|t| t == "DMA-MAIN Failover Status => Offline (DMA-BACKUP is online)"), "{texts:?}");
}

#[test]
fn a_stopped_dma_is_not_restarted() {
    let (o, texts) = run("auto_restart_when_going_offline: true", r#"(at: "1m", do: Stop(Main))"#, "12m");
    assert!(!texts.iter().any(|t| t.contains("Auto restart")), "a stop is not going offline: {texts:?}");
    assert!(o.revised.nodes.iter().any(|n| n.name == "DMA-MAIN" && n.facts.iter().any(|f| f.contains("stopped"))), "{:?}", o.revised.nodes);
}

/// `scenarios/<file>` with `sets` applied (`--set`), run.
fn run_file(file: &str, sets: &[&str]) -> failsim::Outcome {
    let sc = failsim::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(file)).unwrap();
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    failsim::run(&failsim::apply_overrides(&sc, &sets).unwrap(), None).unwrap()
}

#[test]
fn the_vip_known_issue_is_gone_on_the_fixed_version() {
    let affected = run_file("dm-ki-vip-acquire.ron", &[]);
    assert!(affected.timeline.iter().any(|l| l.text.contains("known issue DM-KI-VIP-ACQUIRE of version 10.4.0 CU10")));
    for fixed in ["10.4.0 CU12", "10.5.0", "10.5.3", "10.4.0 CU7"] {
        let o = run_file("dm-ki-vip-acquire.ron", &[&format!("main.version={fixed}"), &format!("backup.version={fixed}")]);
        assert!(online_at(&o, "dma-b"), "{fixed}: {:?}", o.revised.nodes);
        assert!(!o.timeline.iter().any(|l| l.text.contains("known issue")), "{fixed}");
    }
}

#[test]
fn the_vip_known_issue_needs_vips_on_several_nics() {
    // One VIP on one NIC, on an affected version: the VIP check works.
    let script = r#"(at: "1m", do: Pull(cable: Corporate, on: Online))"#;
    let (o, texts) = run(r#"main: (version: "10.4.0 CU10"), backup: (version: "10.4.0 CU10")"#, script, "10m");
    assert!(online_at(&o, "DMA-BACKUP"), "{:?}", o.revised.nodes);
    assert!(!texts.iter().any(|t| t.contains("known issue")));
}

#[test]
fn the_vip_known_issue_needs_more_than_two_vips_on_one_nic() {
    // Two VIPs on the corporate NIC, on an affected version: not "more than two", so the VIP
    // check works; a third one trips DM-KI-VIP-ACQUIRE (dm-ki-vip-acquire-three-vips.ron).
    let script = r#"(at: "1m", do: Pull(cable: Corporate, on: Online))"#;
    let versions = r#"main: (version: "10.4.0 CU10"), backup: (version: "10.4.0 CU10")"#;
    let two = r#"addressing: VirtualIp(vip: "10.10.10.5", more_vips: [(nic: Corporate, vip: "10.10.10.6")])"#;
    let (o, texts) = run(&format!("{versions}, {two}"), script, "10m");
    assert!(online_at(&o, "DMA-BACKUP"), "{:?}", o.revised.nodes);
    assert!(!texts.iter().any(|t| t.contains("known issue")), "{texts:?}");
    assert!(texts.iter().any(|t| t == "DMA-BACKUP acquired virtual IP 10.10.10.6"), "{texts:?}");
}

#[test]
fn a_malformed_version_is_a_located_error() {
    let src = r#"Scenario(name: "v", doc: "", system: DataMiner(), script: [(at: "1m", do: Upgrade(policy: BackupFirst, version: "10.5", duration: "5m"))], end: "10m")"#;
    let err = failsim::parse(Path::new("v.ron"), src).unwrap_err();
    assert!(err.message.contains("`10.5` is not a DataMiner version"), "{err:?}");
    assert_eq!((err.line, err.col), (1, 75), "at the step's action: {err:?}");
}

#[test]
fn the_offline_sync_known_issue_is_gone_on_the_fixed_version() {
    let affected = run_file("dm-ki-offline-nosync.ron", &[]);
    assert_eq!(affected.metrics.writes_lost, 10, "{:?}", affected.metrics);
    for fixed in ["10.4.0 CU10", "10.5.1", "10.4.1", "10.3.0 CU10"] {
        let o = run_file("dm-ki-offline-nosync.ron", &[&format!("main.version={fixed}"), &format!("backup.version={fixed}")]);
        assert_eq!(o.metrics.writes_lost, 0, "{fixed}: {:?}", o.metrics);
        assert!(!o.timeline.iter().any(|l| l.text.contains("known issue")), "{fixed}");
    }
    // Only the receiving, offline DMA's version matters: a fixed Backup takes what an affected
    // Main forwards.
    let o = run_file("dm-ki-offline-nosync.ron", &["backup.version=10.4.0 CU10"]);
    assert_eq!(o.metrics.writes_lost, 0, "{:?}", o.metrics);
}

#[test]
fn a_dma_stopped_at_the_instant_it_went_offline_is_not_restarted() {
    // The Switch makes Main offline, and the operator stops Main at the same instant: the
    // restart the option asked for finds it stopped, and leaves it so.
    let (o, texts) = run("auto_restart_when_going_offline: true", r#"(at: "1m", do: Switch), (at: "1m", do: Stop(Main))"#, "12m");
    assert!(!texts.iter().any(|t| t.contains("Auto restart")), "{texts:?}");
    assert!(o.revised.nodes.iter().any(|n| n.name == "DMA-MAIN" && n.facts.iter().any(|f| f.contains("stopped"))), "{:?}", o.revised.nodes);
}

#[test]
fn an_agent_given_only_its_version_keeps_its_built_in_name_and_addresses() {
    let (o, _) = run(r#"main: (version: "10.5.3")"#, "", "1m");
    let main = o.revised.nodes.iter().find(|n| n.name == "DMA-MAIN").expect("Main keeps its name");
    assert!(main.facts.iter().any(|f| f == "version 10.5.3"), "{:?}", main.facts);
    let backup = o.revised.nodes.iter().find(|n| n.name == "DMA-BACKUP").expect("Backup keeps its name");
    assert!(backup.facts.iter().any(|f| f == "version 10.4.0 CU12"), "Backup keeps the default version: {:?}", backup.facts);
    let err = failsim::parse(Path::new("v.ron"), r#"Scenario(name: "v", doc: "", system: DataMiner(main: (versoin: "10.5.3")), end: "1m")"#).unwrap_err();
    assert!(err.message.contains("`versoin`"), "{err:?}");
    assert_eq!(err.help.as_deref(), Some("did you mean `version`?"), "{err:?}");
}

#[test]
fn the_ping_timeout_delays_each_failed_inverted_ping() {
    // DM-OPT-PINGTIMEOUT: with the ping target gone, the online DMA goes offline at its 4th
    // failed ping (3 allowed); each counts when the timeout has passed, and the next ping goes
    // out an interval (5 s) after it. Main's first ping after the failure goes out at 1m03.414.
    let offline_at_ms = |config: &str| {
        let (o, _) = run(config, r#"(at: "1m", do: FailSwitch)"#, "5m");
        let line = o.timeline.iter().find(|l| l.text == "DMA-MAIN Failover Status => Offline (all inverted heartbeats failing)");
        line.map(|l| l.at_ms).expect("Main goes offline")
    };
    let first_ping_ms = 63_414;
    for (config, timeout_ms) in [("ping_timeout_heartbeats: \"1s\"", 1_000), ("", 5_000), ("ping_timeout_heartbeats: \"10s\"", 10_000)] {
        assert_eq!(offline_at_ms(config), first_ping_ms + 4 * timeout_ms + 3 * 5_000, "{config:?}");
    }
}

#[test]
fn a_dma_unloading_its_elements_holds_the_vip_until_done_or_stopped() {
    // DM-AUTORESTART-FAST: without the auto restart, Main told to go offline unloads its
    // elements for 100 s and keeps the VIP; Backup waits for it, and its switch time counts
    // from when it found the VIP free. Stopped meanwhile, Main releases the VIP at once.
    let (o, texts) = run(r#"unload_elements_time: "100s""#, r#"(at: "1m", do: Switch)"#, "12m");
    assert!(texts.iter().any(|t| t == "DMA-MAIN unloading its elements (it holds the virtual IPs until it is done, in 1m40s)"), "{texts:?}");
    let online = o.timeline.iter().find(|l| l.text == "DMA-BACKUP Failover Status => Online (switch complete)").expect("Backup goes online");
    assert_eq!(online.at_ms, 159_500 + 382_000, "a switch time after the last ping that found the VIP taken");
    let (o, texts) = run(r#"unload_elements_time: "100s""#, r#"(at: "1m", do: Switch), (at: "1m30s", do: Stop(Main))"#, "12m");
    let released = o.timeline.iter().find(|l| l.text == "DMA-MAIN released virtual IP 10.10.10.5").expect("released");
    assert_eq!(released.at_ms, 90_000, "{texts:?}");
    assert!(texts.iter().any(|t| t == "DMA-MAIN elements unloaded (stopped)"), "{texts:?}");
    let online = o.timeline.iter().find(|l| l.text == "DMA-BACKUP Failover Status => Online (switch complete)").expect("Backup goes online");
    assert_eq!(online.at_ms, 89_500 + 382_000);
}

#[test]
fn a_dma_still_unloading_does_not_go_online() {
    // Main, told to go offline, still unloads when its heartbeat to Backup fails: it does not
    // go online until it is done.
    let (_, texts) = run(r#"unload_elements_time: "100s""#, r#"(at: "1m", do: Switch), (at: "1m5s", do: Pull(cable: Corporate, on: Backup))"#, "12m");
    assert!(texts.iter().any(|t| t == "DMA-MAIN Failover Status => Offline (still going offline: unloading its elements)"), "{texts:?}");
}

#[test]
fn with_a_shared_hostname_no_unload_holds_anything_back() {
    // DM-AUTORESTART-FAST is modelled through the VIPs the unloading DMA holds: with a shared
    // hostname there are none, so Main goes offline at once (failsim's simplification).
    let (o, texts) = run(r#"addressing: SharedHostname(name: "DMA-SHARED"), unload_elements_time: "100s""#, r#"(at: "1m", do: Switch)"#, "12m");
    assert!(!texts.iter().any(|t| t.contains("unloading its elements")), "{texts:?}");
    let online = o.timeline.iter().find(|l| l.text == "DMA-BACKUP Failover Status => Online (switch complete)").expect("Backup goes online");
    assert_eq!(online.at_ms, 60_000 + 382_000);
}

#[test]
fn a_pair_has_at_most_sixteen_vips() {
    let with = |more: usize| {
        let more: Vec<String> = (0..more).map(|i| format!(r#"(nic: Corporate, vip: "10.10.10.{}")"#, 20 + i)).collect();
        let src = format!(
            r#"Scenario(name: "vips", doc: "", system: DataMiner(addressing: VirtualIp(vip: "10.10.10.5", more_vips: [{}])), end: "1m")"#,
            more.join(", ")
        );
        failsim::parse(Path::new("vips.ron"), &src)
    };
    assert!(with(15).is_ok(), "16 VIPs in all");
    let err = with(16).unwrap_err();
    assert!(err.message.contains("the pair has 17 virtual IPs; at most 16"), "{err:?}");
}

/// The ping-pong rule (DM-HB-PINGPONG) fires where a buddy refuses to go offline, never for the
/// other reasons an attempt to go online stops (a NIC to check down): rule coverage counts each
/// refusal by its typed reason.
#[test]
fn only_a_buddys_refusal_fires_the_ping_pong_rule() {
    let hits = |file: &str| {
        let o = failsim::run(&failsim::load(std::path::Path::new(file)).unwrap(), None).unwrap();
        o.rules_fired.iter().find(|(id, _)| id == "DM-HB-PINGPONG").map_or(0, |(_, n)| *n)
    };
    assert!(hits("scenarios/dm-hb-pingpong.ron") > 0, "the buddy refuses there");
    assert_eq!(hits("scenarios/dm-nic-check.ron"), 0, "there every refusal is the NIC check's");
}
