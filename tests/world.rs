//! Declared worlds and several systems (FS-WORLD, FS-MULTI), in combinations the scenario files
//! do not spell out: a fault on a shared part reaches every system, systems never share a random
//! stream, and a one-system world runs the same as before it had a name.

use std::path::Path;

fn parse(src: &str) -> failsim::Scenario {
    failsim::parse(Path::new("world.ron"), src).expect("parses")
}

/// Two default pairs on the two-tier network of `src/bin/pairs.rs`, the core switch failing.
fn two_pairs_core_fails() -> failsim::Outcome {
    let src = failsim::bench::pairs_scenario(2, "10m");
    let src = src.replacen("end: \"10m\")", "end: \"10m\", script: [(at: \"1m\", do: FailSwitch(\"core\")), (at: \"3m\", do: RestoreSwitch(\"core\"))])", 1);
    failsim::run(&parse(&src), None).expect("runs")
}

#[test]
fn a_fault_on_a_shared_switch_reaches_every_system() {
    let o = two_pairs_core_fails();
    assert_eq!(o.others.len(), 1);
    // Every inverted heartbeat pings the core: both pairs lose their online DMA.
    for (name, m) in [(&o.system_name, &o.metrics), (&o.others[0].name, &o.others[0].metrics)] {
        assert_eq!(m.outages.len(), 1, "{name}: {m:?}");
        assert!(m.downtime_ms > 8 * 60_000, "{name}: no rule brings a DMA back: {m:?}");
    }
    let total = o.total.as_ref().expect("several systems have a total");
    assert_eq!(total.downtime_ms, o.metrics.downtime_ms + o.others[0].metrics.downtime_ms);
}

#[test]
fn systems_in_one_world_draw_from_their_own_streams() {
    let o = two_pairs_core_fails();
    let first_failure = |dma: &str| {
        let prefix = format!("{dma} heartbeat ping");
        o.timeline.iter().find(|l| l.text.starts_with(&prefix)).map(|l| l.at_ms % 5_000).expect("the ping fails")
    };
    // The same configuration, the same seed: only distinct streams give distinct phases.
    assert_ne!(first_failure("dma-0a"), first_failure("dma-1a"), "two pairs checked in lockstep: a shared stream");
    assert_eq!(two_pairs_core_fails().trace_hash, o.trace_hash, "and the world is deterministic");
}

#[test]
fn a_declared_copy_of_the_built_in_layout_behaves_like_it() {
    // The built-in DataMiner layout, declared: same names, addresses and cables; an unnamed
    // `FailSwitch` means the world's one switch.
    let declared = r#"Scenario(name: "declared", doc: "", seed: 1,
        world: (
            hosts: [
                (name: "DMA-MAIN", nics: [(name: "Corporate", addr: "10.10.10.1/24"), (name: "Sync", addr: "192.168.100.1/24")]),
                (name: "DMA-BACKUP", nics: [(name: "Corporate", addr: "10.10.10.2/24"), (name: "Sync", addr: "192.168.100.2/24")]),
                (name: "CLIENT", nics: [(name: "NIC", addr: "10.10.10.100/24")]),
            ],
            switches: [(name: "Switch/Router", addr: "10.10.10.254/24")],
            cables: [
                (name: "DMA-MAIN corporate cable", ends: (Nic("DMA-MAIN", "Corporate"), Switch("Switch/Router"))),
                (name: "DMA-BACKUP corporate cable", ends: (Nic("DMA-BACKUP", "Corporate"), Switch("Switch/Router"))),
                (name: "sync cable", ends: (Nic("DMA-MAIN", "Sync"), Nic("DMA-BACKUP", "Sync"))),
                (name: "client cable", ends: (Nic("CLIENT", "NIC"), Switch("Switch/Router"))),
            ],
        ),
        system: DataMiner(bind: (main: "DMA-MAIN", backup: "DMA-BACKUP", corporate: "Corporate", sync: "Sync", client: "CLIENT")),
        script: [(at: "1m", do: Pull(cable: Corporate, on: Online)), (at: "10m", do: Plug(cable: Corporate, on: Main)), (at: "11m", do: FailSwitch), (at: "12m", do: RestoreSwitch)],
        end: "15m")"#;
    let built_in = declared.split("world: (").next().unwrap().to_string()
        + r#"system: DataMiner(),
        script: [(at: "1m", do: Pull(cable: Corporate, on: Online)), (at: "10m", do: Plug(cable: Corporate, on: Main)), (at: "11m", do: FailSwitch), (at: "12m", do: RestoreSwitch)],
        end: "15m")"#;
    let (a, b) = (failsim::run(&parse(declared), None).unwrap(), failsim::run(&parse(&built_in), None).unwrap());
    let roles =
        |o: &failsim::Outcome| o.timeline.iter().filter(|l| l.text.contains("Failover Status")).map(|l| (l.at_ms, l.text.to_string())).collect::<Vec<_>>();
    assert_eq!(roles(&a), roles(&b), "the same role changes at the same instants");
    assert_eq!(a.metrics, b.metrics);
}

#[test]
fn the_graph_of_a_world_shows_each_systems_roles() {
    let sc = failsim::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/world-two-core-switches.ron")).unwrap();
    let (topology, roles) = failsim::world_at(&sc, 20 * 60_000).unwrap();
    let dot = failsim::report::dot::graph_with_roles(&topology, &roles);
    assert!(dot.contains(r#"label="dma-a\n(Online)""#) && dot.contains(r#"label="dma-b\n(Online)""#), "the split brain at 20m: {dot}");
    assert!(dot.contains(r#"label="ops-pc";"#), "a host no system speaks of has no role");
}

#[test]
fn the_graph_of_a_world_of_several_systems_groups_each_systems_hosts() {
    let sc = failsim::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/world-dms-three-pairs.ron")).unwrap();
    let (topology, roles) = failsim::world_at(&sc, 0).unwrap();
    let dot = failsim::report::dot::graph_with_roles(&topology, &roles);
    for (k, (pair, hosts)) in [("pair-1", ["dma-1a", "dma-1b"]), ("pair-2", ["dma-2a", "dma-2b"]), ("pair-3", ["dma-3a", "dma-3b"])].iter().enumerate() {
        let group = dot.split(&format!("subgraph cluster_system_{k} {{")).nth(1).unwrap_or_else(|| panic!("{pair} has a group: {dot}"));
        let group = &group[..group.find("\n  }\n").expect("the group closes")];
        assert!(group.contains(&format!("label=\"{pair}\";")), "group {k} is {pair}: {group}");
        for host in hosts {
            assert!(group.contains(&format!("label=\"{host}\\n(")), "{host} is in {pair}'s group: {group}");
        }
    }
    assert!(!dot.contains("cluster_system_3") && dot.contains("subgraph cluster_legend {"), "three groups and a legend: {dot}");
}

/// The world and system of `scenarios/<file>`, with `patch` applied to its text, run with
/// another script and other expectations.
fn scenario_with(file: &str, patch: (&str, &str), script_and_expect: &str) -> failsim::Outcome {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(file);
    let src = std::fs::read_to_string(&path).unwrap();
    assert!(src.contains(patch.0), "the patch applies");
    let src = src.replacen(patch.0, patch.1, 1);
    let head = src.split("    script: [").next().unwrap();
    failsim::run(&parse(&format!("{head}{script_and_expect})")), None).expect("runs")
}

fn acquisition_world(patch: (&str, &str), script_and_expect: &str) -> failsim::Outcome {
    scenario_with("world-acquisition-network.ron", patch, script_and_expect)
}

fn failures(o: &failsim::Outcome) -> Vec<String> {
    o.expectations.iter().filter_map(|e| e.failure.as_ref().map(|f| format!("{:?} {:?}: {f:?}", e.when, e.claim))).collect()
}

#[test]
fn both_vips_move_to_the_buddy_on_a_switch() {
    // Main's corporate cable is pulled: its inverted heartbeat fails, it goes offline, and Backup
    // takes over, with both VIPs, and polls the encoders over its own acquisition NIC.
    let o = acquisition_world(
        ("", ""),
        r#"script: [(at: "1m", do: Pull(cable: "a-corp"))], end: "12m",
        expect: [
            (ids: ["DM-OPT-ACQUISITION"], when: At("11m"), that: HoldsVips(Backup, true)),
            (ids: ["DM-OPT-ACQUISITION"], when: At("11m"), that: HoldsVips(Main, false)),
            (ids: ["DM-OPT-ACQUISITION"], when: At("11m"), that: Polling(true)),
            (ids: ["DM-OPT-ACQUISITION"], when: At("1m30s"), that: Polling(false)),
        ]"#,
    );
    assert_eq!(failures(&o), Vec::<String>::new());
    assert_eq!(o.metrics.switches, 1, "{:?}", o.metrics);
}

#[test]
fn an_acquisition_vip_held_elsewhere_blocks_the_claim() {
    // An encoder has the acquisition VIP as its own address: the DMA going online finds it
    // answering on the acquisition network and stays in "Acquiring Virtual IP Address" until it
    // gives up after 120 s, and tries again at its next heartbeat (DM-OPT-VIPFREE); the free
    // corporate VIP is not taken alone either.
    let o = acquisition_world(
        ("10.20.20.52/24", "10.20.20.10/24"),
        r#"script: [(at: "1m", do: Pull(cable: "a-corp"))], end: "6m",
        expect: [
            (ids: ["DM-OPT-VIPFREE"], when: At("1m45s"), that: Role(Backup, AcquiringVip)),
            (ids: ["DM-OPT-VIPFREE"], when: At("3m20s"), that: Role(Backup, Offline)),
            (ids: ["DM-OPT-VIPFREE"], when: During("1m20s", "6m"), that: HoldsVips(Backup, false)),
            (ids: ["DM-OPT-VIPFREE"], when: During("1m20s", "6m"), that: OnlineCount(0)),
        ]"#,
    );
    assert_eq!(failures(&o), Vec::<String>::new());
    assert!(o.timeline.iter().any(|l| l.text.contains("Cannot claim DataMiner Failover IP 10.20.20.10")), "the trace names the taken VIP");
}

#[test]
fn check_point_servers_on_two_sites_talk_through_their_routers() {
    // The world of `scenarios/world-cp-two-sites.ron`; site B's router loses power instead of
    // the WAN link being cut: the servers cannot reach each other while it is down (the
    // Secondary's window says so), and the periodic sync after it returns reaches the Standby.
    let o = scenario_with(
        "world-cp-two-sites.ron",
        ("", ""),
        r#"script: [(at: "1m", do: PowerFail("rtr-b")), (at: "2m", do: Edit(on: Primary, count: 2)), (at: "2m10s", do: Publish(Primary)), (at: "4m", do: PowerOn("rtr-b"))], end: "12m",
        expect: [
            (ids: ["CP-7"], when: At("3m"), that: Banner(from: Secondary, is: "The active and standby servers are not communicating")),
            (ids: ["CP-2"], when: At("3m"), that: Changes(written: 2, replicated: 0, pending: 2, lost: 0)),
            (ids: ["CP-2"], when: At("11m"), that: Changes(written: 2, replicated: 2, pending: 0, lost: 0)),
            (ids: ["CP-4"], when: During("0s", "12m"), that: ActiveCount(1)),
        ]"#,
    );
    assert_eq!(failures(&o), Vec::<String>::new());
}

#[test]
fn an_mrs_client_behind_the_cut_uplink_is_not_served() {
    // `scenarios/world-mrs-two-racks.ron` with the operators' PC moved to rack 2: the same cut
    // leaves the active (on rack 1) holding the floating IP, but the client cannot reach it.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/world-mrs-two-racks.ron");
    let src = std::fs::read_to_string(&path).unwrap().replacen(r#"(Nic("ops-pc", "nic"), Switch("rack-1"))"#, r#"(Nic("ops-pc", "nic"), Switch("rack-2"))"#, 1);
    assert!(src.contains(r#"(Nic("ops-pc", "nic"), Switch("rack-2"))"#), "the patch applies");
    let o = failsim::run(&parse(&src), None).expect("runs");
    assert_eq!(o.metrics.outages.len(), 1, "{:?}", o.metrics);
    assert_eq!(o.metrics.downtime_ms, 5 * 60_000 - 120_500, "from the cut at 2m500ms to the plug at 5m: {:?}", o.metrics);
    assert_eq!(o.metrics.switches, 0, "nothing switches (MRS-12010)");
}

#[test]
fn a_stretched_pair_with_a_shared_hostname_serves_from_either_site() {
    // `scenarios/world-stretched-pair.ron` with a shared hostname instead of the VIP: after the
    // switch the client in site A reaches Backup at its own address in site B, through the
    // routers (DM-DNS-6), so the outage ends when Backup is online.
    let o = scenario_with(
        "world-stretched-pair.ron",
        (
            r#"addressing: VirtualIp(vip: "10.1.0.10", register_in_dns: false),
        dns_records: [(name: "DMA-VIRTUAL", addr: "10.1.0.10")],"#,
            r#"addressing: SharedHostname(name: "DMA-SHARED"),"#,
        ),
        r#"script: [(at: "1m", do: PowerFail("dma-a")), (at: "10m", do: Lookup(name: "DMA-SHARED", count: 4))], end: "12m",
        expect: [(ids: ["DM-DNS-6"], when: At("11m"), that: Lookups(query: "DMA-SHARED", answers: ["10.1.0.11", "10.2.0.11"], served_by: [Backup]))]"#,
    );
    assert_eq!(failures(&o), Vec::<String>::new());
    assert_eq!(o.metrics.outages.len(), 1, "{:?}", o.metrics);
    let outage = &o.metrics.outages[0];
    assert!(outage.until_ms.is_some_and(|t| t < 8 * 60_000), "served again once Backup is online: {outage:?}");
}

/// The DataMiner pair beside the Check Point pair of `scenarios/world-dm-beside-cp.ron`, with
/// another script and other expectations.
fn dm_beside_cp(script_and_expect: &str) -> failsim::Outcome {
    scenario_with("world-dm-beside-cp.ron", ("", ""), script_and_expect)
}

#[test]
fn each_products_own_actions_reach_only_its_system() {
    // A role-named pull is about the DataMiner pair (the step names it): its online DMA's
    // corporate cable, nobody else's. Stopping the Check Point Primary changes nothing over
    // (CP-4), and making the Secondary Active while it cannot tell the stopped Primary is
    // Collision Mode (CP-6). Each system acts on its own rules; the other does not notice.
    let o = dm_beside_cp(
        r#"script: [
            (at: "1m", system: "dm", do: Pull(cable: Corporate, on: Online)),
            (at: "2m", system: "cp", do: Stop(Primary)),
            (at: "3m", system: "cp", do: MakeActive(Secondary)),
        ], end: "12m",
        expect: [
            (ids: ["DM-HB-NORMAL"], when: At("11m"), system: "dm", that: Role(Backup, Online)),
            (ids: ["DM-HB-NORMAL"], when: During("1m18s", "12m"), system: "dm", that: Role(Main, Offline)),
            (ids: ["CP-4"], when: During("0s", "2m59s"), system: "cp", that: Mode(Primary, Active)),
            (ids: ["CP-4"], when: During("0s", "2m59s"), system: "cp", that: ActiveCount(1)),
            (ids: ["CP-6"], when: During("3m", "12m"), system: "cp", that: ActiveCount(2)),
            (ids: ["CP-7"], when: During("0s", "1m59s"), system: "cp", that: Banner(from: Primary, is: "The database of the primary Security Management Server is identical with the database of the secondary")),
        ]"#,
    );
    assert_eq!(failures(&o), Vec::<String>::new());
    assert_eq!(o.metrics.switches, 1, "the DataMiner pair switched once: {:?}", o.metrics);
    assert_eq!(o.others[0].metrics.downtime_ms, 60_000, "Check Point served nobody only while no Active ran: {:?}", o.others[0].metrics);
    assert_eq!(o.timeline.iter().filter(|l| l.text == "dma-a-corp pulled out").count(), 1, "the world says it once");
}

#[test]
fn a_system_beside_another_product_runs_as_it_does_alone() {
    // The Check Point pair alone in the same world, with the same script, ends exactly as it
    // does beside the DataMiner pair: the other product shares the switch, not its rules.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/world-dm-beside-cp.ron");
    let mixed = failsim::run(&failsim::load(&path).unwrap(), None).unwrap();
    let src = std::fs::read_to_string(&path).unwrap();
    let (head, rest) = src.split_once("    systems: [").unwrap();
    let cp = rest.lines().find(|l| l.contains("(name: \"cp\"")).unwrap().trim().trim_start_matches("(name: \"cp\", system: ").trim_end_matches("),");
    let script = rest.split_once("    script: [").unwrap().1.split("    expect: [").next().unwrap();
    let script: String = script.lines().map(|l| l.replace(r#"system: "cp", "#, "")).collect::<Vec<_>>().join("\n");
    let alone = failsim::run(&parse(&format!("{head}    system: {cp},\n    script: [{script})")), None).unwrap();
    assert_eq!(alone.system, "Check Point Management HA");
    assert_eq!(mixed.system, "DataMiner Failover + Check Point Management HA");
    assert_eq!(format!("{:?}", alone.revised), format!("{:?}", mixed.others[0].revised));
    assert_eq!(format!("{:?}", alone.metrics), format!("{:?}", mixed.others[0].metrics));
    let cp_lines = |o: &failsim::Outcome| o.timeline.iter().filter(|l| l.text.contains("sms-")).map(|l| (l.at_ms, l.text.to_string())).collect::<Vec<_>>();
    assert_eq!(cp_lines(&alone), cp_lines(&mixed));
}

#[test]
fn overrides_reach_one_system_of_several() {
    let sc = failsim::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/world-dm-beside-cp.ron")).unwrap();
    // A shorter sync interval brings the three waiting changes over at 5m, not 10m.
    let faster = failsim::apply_overrides(&sc, &["systems[1].system.sync_interval=5m".into()]).unwrap();
    let o = failsim::run(&faster, None).unwrap();
    assert!(o.timeline.iter().any(|l| l.at_ms == 300_000 && l.text == "sync sms-1 -> sms-2: Synchronized (3 change(s) copied)"), "{:?}", failures(&o));
    assert_eq!(failsim::to_ron(&faster).unwrap().matches("DataMiner(").count(), 1, "the other system is unchanged");
    let err = failsim::apply_overrides(&sc, &["sync_interval=5m".into()]).unwrap_err();
    assert!(err.contains("several systems: name the one to change"), "{err}");
}

#[test]
fn a_world_of_two_products_reads_back_from_its_file() {
    let sc = failsim::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/world-dm-beside-cp.ron")).unwrap();
    let again = parse(&failsim::to_ron(&sc).unwrap());
    assert_eq!(failsim::to_ron(&again).unwrap(), failsim::to_ron(&sc).unwrap());
    assert_eq!(failsim::run(&again, None).unwrap().trace_hash, failsim::run(&sc, None).unwrap().trace_hash);
}

#[test]
fn a_fault_that_changes_nothing_says_nothing() {
    // Pulling a pulled cable and disabling a disabled NIC change nothing: neither the world nor
    // a product narrates them again. Both products' own timers keep working in a world of
    // several products: Check Point's restart ends on time, and DataMiner's timeout alarm,
    // which depends on time passing, is raised 30 s after its sync connection fails.
    let o = dm_beside_cp(
        r#"script: [
            (at: "1m", do: Pull(cable: "sms-2-mgmt")),
            (at: "1m10s", do: Pull(cable: "sms-2-mgmt")),
            (at: "2m", do: DisableNic(host: "sms-1", nic: "mgmt")),
            (at: "2m10s", do: DisableNic(host: "sms-1", nic: "mgmt")),
            (at: "3m", do: DisableNic(host: "dma-b", nic: "sync")),
            (at: "3m10s", do: DisableNic(host: "dma-b", nic: "sync")),
            (at: "4m", system: "cp", do: Restart(node: Secondary, duration: "1m")),
        ], end: "8m",
        expect: [
            (ids: ["DM-SYNC-OFF-2"], when: At("3m40s"), system: "dm", that: Alarm(on: Main, text: "Connection to dma-b lost (timeout)", active: true)),
        ]"#,
    );
    assert_eq!(failures(&o), Vec::<String>::new());
    let count = |text: &str| o.timeline.iter().filter(|l| l.text == text).count();
    assert_eq!(count("sms-2-mgmt pulled out"), 1);
    assert_eq!(count("sms-1 NIC disabled"), 1);
    assert_eq!(count("dma-b NIC Sync disabled"), 1);
    assert!(o.timeline.iter().any(|l| l.at_ms == 300_000 && l.text == "sms-2 management services up"), "the restart ends after 1m");
}

#[test]
fn lint_in_a_world_of_several_products_sees_each_products_systems_together() {
    // Two DataMiner pairs of one DMS, one in VIP mode and one with a shared hostname, beside a
    // Check Point pair: the DataMiner warning about mixing them is still given.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/world-dm-beside-cp.ron");
    let src = std::fs::read_to_string(&path).unwrap();
    let hosts = r#"(name: "dma-c", nics: [(name: "corp", addr: "10.10.10.13/24")]),
            (name: "dma-d", nics: [(name: "corp", addr: "10.10.10.14/24")]),
            (name: "ops-pc","#;
    let cables = r#"(name: "dma-c-corp", ends: (Nic("dma-c", "corp"), Switch("core"))),
            (name: "ops","#;
    let pair = r#"(name: "dm2", system: DataMiner(bind: (main: "dma-c", backup: "dma-d", corporate: "corp", client: "ops-pc"), addressing: SharedHostname(name: "DMA-SHARED"))),
        (name: "cp","#;
    let src = src.replacen(r#"(name: "ops-pc","#, hosts, 1).replacen(r#"(name: "ops","#, cables, 1).replacen(r#"(name: "cp","#, pair, 1);
    let warnings = failsim::lint(&parse(&src));
    let mixed: Vec<_> = warnings.iter().filter(|w| w.system == "all").collect();
    assert_eq!(mixed.len(), 1, "{warnings:?}");
    assert!(mixed[0].warning.message.contains("1 pair(s) use a virtual IP and 1 a shared hostname"), "{mixed:?}");
}

/// FS-LINT: an inverted heartbeat aimed at any address of the buddy's host — here its
/// acquisition NIC, which no normal heartbeat uses — is warned about, naming the document.
#[test]
fn lint_warns_of_an_inverted_heartbeat_at_any_address_of_the_bound_buddy() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/world-acquisition-network.ron");
    let src = std::fs::read_to_string(&path).unwrap();
    let heartbeats = r#"system: DataMiner(heartbeats: [Normal(from: Main), Normal(from: Backup), Inverted(from: Main, to: "10.20.20.12", via: Acquisition), Inverted(from: Backup, to: "10.10.10.254")],"#;
    assert!(src.contains("system: DataMiner("), "the patch applies");
    let warnings = failsim::lint(&parse(&src.replacen("system: DataMiner(", heartbeats, 1)));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    let w = &warnings[0].warning;
    assert!(w.message.starts_with("dma-a's inverted heartbeat pings 10.20.20.12, an address of its buddy dma-b"), "{w:?}");
    assert!(w.document.ends_with("Advanced_Failover_options.md"), "{w:?}");
    assert!(failsim::lint(&parse(&src)).is_empty(), "the file's own heartbeats ping the switch");
}

#[test]
fn an_mrs_node_says_once_that_its_nic_is_disabled() {
    let o = scenario_with(
        "world-mrs-two-racks.ron",
        ("", ""),
        r#"script: [(at: "1m", do: DisableNic(host: "node-master2", nic: "nic")), (at: "1m10s", do: DisableNic(host: "node-master2", nic: "nic"))], end: "3m""#,
    );
    let disabled: Vec<_> = o.timeline.iter().filter(|l| l.text.contains("node-master2") && l.text.contains("NIC") && l.text.contains("disabled")).collect();
    assert_eq!(disabled.len(), 1, "{:?}", o.timeline.iter().map(|l| l.text).collect::<Vec<_>>());
}

#[test]
fn a_lifted_product_cancels_its_own_timers() {
    // In a world of two products, Backup is going online when it is stopped: its going-online
    // timer is cancelled with it (were it not, the phase would end on a stopped DMA).
    let o = dm_beside_cp(
        r#"script: [(at: "1m", system: "dm", do: Pull(cable: Corporate, on: Online)), (at: "3m", system: "dm", do: Stop(Backup))], end: "12m",
        expect: [
            (ids: ["DM-SWITCH-TIME"], when: At("2m"), system: "dm", that: Role(Backup, GoingOnline)),
            (ids: ["DM-STOP-OFF-1"], when: During("3m", "12m"), system: "dm", that: OnlineCount(0)),
        ]"#,
    );
    assert_eq!(failures(&o), Vec::<String>::new());
    assert!(!o.timeline.iter().any(|l| l.text.contains("switch complete")), "the cancelled phase never ends");
}

/// The built-in layout's scenery (the client's cable, the WAN link) is not drawn; in a declared
/// world every cable is the user's and is drawn, whatever its name (it was hidden when its
/// name began with "client" or "WAN").
#[test]
fn every_cable_of_a_declared_world_is_drawn_whatever_its_name() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/world-stretched-pair.ron");
    let text = std::fs::read_to_string(path)
        .unwrap()
        .replace("(name: \"wan\", ends", "(name: \"client-wan\", ends")
        .replace("cable: \"wan\"", "cable: \"client-wan\"");
    let o = failsim::run(&parse(&text), None).unwrap();
    let lane = o.lanes.iter().find(|l| l.name == "client-wan").expect("the user's cable is drawn");
    assert_eq!(format!("{:?}", lane.kind), "Cable");
    let builtin =
        failsim::run(&failsim::load(std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/dm-stop-online.ron"))).unwrap(), None).unwrap();
    let names: Vec<&str> = builtin.lanes.iter().map(|l| l.name.as_str()).collect();
    assert!(!names.contains(&"client cable") && !names.contains(&"WAN link"), "scenery is not drawn: {names:?}");
    let kinds: Vec<String> = builtin.lanes.iter().map(|l| format!("{:?}", l.kind)).collect();
    assert_eq!(kinds.iter().filter(|k| *k == "Node").count(), 2, "{names:?}: {kinds:?}");
    assert!(kinds.contains(&"Cable".to_string()) && kinds.contains(&"Link".to_string()), "{kinds:?}");
}

/// Every node has a name: a step names a DMA by its host, and a role that two DMAs hold at once
/// is refused when the step runs, saying which hold it (never the first by position).
#[test]
fn a_step_names_a_dma_by_its_host_and_a_role_held_twice_is_refused() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/world-dms-three-pairs.ron");
    let steps = r#"(at: "5m", system: "pair-3", do: Stop("dma-3a")),
        (at: "5m", system: "pair-1", do: Stop(Offline)),"#;
    let text = std::fs::read_to_string(path).unwrap().replace("script: [", &format!("script: [\n        {steps}"));
    let o = failsim::run(&parse(&text), None).unwrap();
    let lines: Vec<&str> = o.timeline.iter().filter(|r| r.at_ms == 300_000).map(|r| r.text).collect();
    assert!(lines.iter().any(|l| l.starts_with("script: stop on dma-3a")), "{lines:#?}");
    let refused = lines.iter().find(|l| l.starts_with("refused: stop")).expect("the ambiguous role is refused");
    assert!(refused.contains("Offline is ambiguous now: dma-1a, dma-1b are all Offline"), "{refused}");
}

/// Every node has a name (issue 18): in a world of several systems a step or an expectation
/// that names no system is about the one system that has a node of the name it uses (a host of
/// the declared world), and a name several other systems share is refused with them listed.
#[test]
fn a_node_name_alone_says_which_system_a_step_is_for() {
    let file = std::fs::read_to_string("scenarios/world-dms-three-pairs.ron").expect("the file");
    let src = file.replacen(
        "script: [",
        "script: [(at: \"30s\", do: Stop(\"dma-2b\")), (at: \"40s\", do: Pull(cable: Corporate, on: \"dma-3a\")), (at: \"50s\", do: Stop(\"dma-1b\")),",
        1,
    );
    let src = src.replacen("expect: [", "expect: [(ids: [\"FS-MULTI\"], when: At(\"45s\"), that: Agent(\"dma-2b\", Stopped)),", 1);
    let s = parse(&src);
    assert_eq!(s.expect[0].system.as_deref(), Some("pair-2"), "a claim by a DMA's host name is that pair's");
    let systems: Vec<Option<&str>> = s.script.iter().take(3).map(|st| st.system.as_deref()).collect();
    assert_eq!(systems, [Some("pair-2"), Some("pair-3"), None], "the first system keeps what names its own node");
    let o = failsim::run(&s, None).expect("runs");
    assert!(o.timeline.iter().any(|l| l.text.contains("stop on dma-2b")), "pair-2's trace runs the stop");
    assert!(o.timeline.iter().any(|l| l.text.contains("pull the Corporate cable on dma-3a")), "pair-3's trace runs the pull");
    assert_eq!(o.expectations[0].failure, None, "dma-2b is stopped");
    let running = failsim::run(&parse(&src.replacen("Agent(\"dma-2b\", Stopped)", "Agent(\"dma-2b\", Running)", 1)), None).expect("runs");
    assert!(running.expectations[0].failure.is_some(), "the claim can fail");
    let e = failsim::parse(
        Path::new("w.ron"),
        &src.replacen("system: \"pair-2\", that: OnlineCount(0)", "system: \"pair-2\", that: Agent(\"dma-1a\", Running)", 1),
    )
    .expect_err("not pair-2's DMA");
    assert!(e.message.contains("no node is named `dma-1a`; the system's nodes are dma-2a, dma-2b"), "{e}");

    let two_default = "Scenario(name: \"n\", doc: \"\", systems: [(name: \"p1\", system: DataMiner(main: (name: \"P1A\"), backup: (name: \"P1B\"))), (name: \"p2\", system: DataMiner()), (name: \"p3\", system: DataMiner())], script: [(at: \"1m\", do: Stop(\"DMA-MAIN\"))], end: \"2m\")";
    let e = failsim::parse(Path::new("n.ron"), two_default).expect_err("two pairs have a DMA-MAIN");
    assert!(e.to_string().contains("`DMA-MAIN` is a node of p2, p3: say which system the step is for (`system: \"p2\"`)"), "{e}");
}

/// In a world of two products, a step and a claim that name only a Check Point server are read
/// in Check Point's vocabulary (its own command, its own claim) and run there; a claim that
/// names no node stays the first system's.
#[test]
fn a_node_name_alone_picks_the_vocabulary_of_its_system() {
    let file = std::fs::read_to_string("scenarios/world-dm-beside-cp.ron").expect("the file");
    let src = file.replacen("script: [", "script: [(at: \"30s\", do: MakeActive(\"sms-2\")),", 1);
    let with = |claim: &str| src.replacen("expect: [", &format!("expect: [(ids: [\"FS-MULTI\"], when: At(\"35s\"), that: {claim}),"), 1);
    let s = parse(&with("Mode(\"sms-2\", Active)"));
    assert_eq!((s.script[0].system.as_deref(), s.expect[0].system.as_deref()), (Some("cp"), Some("cp")));
    let o = failsim::run(&s, None).expect("runs");
    assert!(o.timeline.iter().any(|l| l.text.contains("make Active on sms-2")), "cp's trace runs it");
    assert_eq!(o.expectations[0].failure, None);
    let e = failsim::parse(Path::new("w.ron"), &with("ActiveCount(2)")).expect_err("read as the first system's claim");
    assert!(e.message.contains("Unexpected variant named `ActiveCount`"), "{e}");
}

/// The built-in layouts are worlds like any declared one (each product's preset): the graph of
/// a scenario without `world:` shows every preset host with its addresses and cables.
#[test]
fn a_scenario_without_a_world_lives_in_its_products_preset() {
    let graph = |system: &str| {
        let sc = parse(&format!(r#"Scenario(name: "preset", doc: "", seed: 1, system: {system}, end: "1m")"#));
        let (topology, roles) = failsim::world_at(&sc, 0).expect("runs");
        failsim::report::dot::graph_with_roles(&topology, &roles)
    };
    let cp = graph(r#"CheckPoint(servers: ["sms-a", "sms-b", "sms-c"])"#);
    for part in ["sms-a\\n(Active)", "sms-c\\n(Standby)", "172.16.0.1/24", "172.16.0.2/24", "172.16.0.3/24", "switch\\n172.16.0.254/24", "sms-c cable"] {
        assert!(cp.contains(part), "the Check Point preset has {part}: {cp}");
    }
    let mrs = graph("MrsManager()");
    for part in ["192.168.0.1/24\\n192.168.0.100/24", "192.168.0.2/24", "label=\"CLIENT\"", "192.168.0.200/24", "switch\\n192.168.0.254/24"] {
        assert!(mrs.contains(part), "the MRS preset has {part}: {mrs}");
    }
    let dm = graph("DataMiner()");
    for part in ["label=\"CLIENT\"", "10.10.10.100/24", "label=\"REMOTE\"", "Switch/Router", "sync cable"] {
        assert!(dm.contains(part), "the DataMiner preset has {part}: {dm}");
    }
}

/// Systems without a world bring their presets, which together must fit one world's limits
/// (20,000 hosts; port ids are 16-bit): past them the file is refused before the run, at the
/// system that overflows (with 9,363 default pairs it was a panic).
#[test]
fn presets_past_a_worlds_limits_are_refused_not_a_panic() {
    let systems: Vec<String> = (0..5_100).map(|i| format!("(name: \"p{i}\", system: DataMiner())")).collect();
    let src = format!("Scenario(name: \"many\", doc: \"\", seed: 1, systems: [{}], end: \"1m\")", systems.join(", "));
    let err = failsim::parse(Path::new("many.ron"), &src).expect_err("too many hosts");
    let text = err.to_string();
    let first_line = text.lines().next().unwrap_or_default();
    let expected = "the built-in layouts of the first 5001 systems need 20004 hosts; a world has at most 20000: declare a `world:`, or split the scenario";
    assert!(first_line.ends_with(expected), "expected …{expected}, got {}", &first_line[..first_line.len().min(400)]);
    let short = format!("Scenario(name: \"fits\", doc: \"\", seed: 1, systems: [{}], end: \"1m\")", systems[..5_000].join(", "));
    assert!(failsim::parse(Path::new("fits.ron"), &short).is_ok(), "5,000 default pairs fit");
}

/// The heartbeat paths a DMA keeps while the network's epoch stays are asked again after a
/// change: a pair whose access switch loses its uplink sees its pings to the core fail, and
/// succeed again once the uplink is plugged back (a kept answer would fail for good).
#[test]
fn a_kept_heartbeat_answer_is_asked_again_after_the_network_changes() {
    let o = failsim::run(&parse(&failsim::bench::pairs_with_faults(1, "5m", 1)), None).expect("runs");
    let ping =
        |state: &str, from_ms: u64| o.timeline.iter().find(|l| l.at_ms >= from_ms && l.text.starts_with("dma-0a heartbeat ping") && l.text.contains(state));
    let failing = ping("Failing", 60_000).expect("the uplink pulled at 1m: the ping to the core fails");
    assert!(failing.at_ms < 120_000, "it fails before the uplink is plugged back at 2m: {}", failing.at_ms);
    let success = ping("Success", 120_000).expect("the uplink plugged back at 2m: the ping succeeds again");
    assert!(success.at_ms <= 120_000 + 10_000, "within a check or two of the plug: {}", success.at_ms);
}
