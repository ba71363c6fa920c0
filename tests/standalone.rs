//! A standalone DataMiner Agent (DM-STANDALONE) beyond its scenarios: what it refuses while it
//! cannot do it, its data sources (DM-OPT-ACQUISITION's polling, over its own NIC), and what
//! its health says.

use std::path::Path;

fn run(system: &str, script: &str, expect: &str) -> failsim::Outcome {
    let text = format!(r#"Scenario(name: "agent", doc: "", seed: 1, system: DataMinerAgent({system}), script: [{script}], end: "5m", expect: [{expect}])"#);
    let sc = failsim::parse(Path::new("agent.ron"), &text).unwrap_or_else(|e| panic!("{e}"));
    failsim::run(&sc, None).expect("runs")
}

fn trace(o: &failsim::Outcome) -> String {
    failsim::report::text(o)
}

#[test]
fn a_stopped_agent_is_not_online_and_a_server_without_power_does_not_start() {
    let o = run(
        r#"name: "DMA-1""#,
        r#"(at: "1m", do: PowerFail(Main)), (at: "1m30s", do: Stop(Online)), (at: "2m", do: Start(Main)), (at: "2m30s", do: Restart(node: "DMA-1", duration: "10s"))"#,
        r#"(ids: ["DM-STANDALONE"], when: During("1m", "5m"), that: OnlineAtMost(0)), (ids: ["DM-STANDALONE"], when: At("5m"), that: Agent(Stopped))"#,
    );
    let t = trace(&o);
    assert!(t.contains("refused: stop: DMA-1 is not online: DataMiner is stopped"), "{t}");
    assert!(t.matches("the server has no power").count() == 2, "the Start and the Restart: {t}");
    assert!(o.passed(), "{t}");
    // FS-COVERAGE: it went down once (the power failure; the refused steps are no going down).
    let fired: Vec<(&str, u32)> = o.rules_fired.iter().map(|(id, n)| (id.as_str(), *n)).collect();
    assert_eq!(fired, [("DM-STANDALONE", 1), ("DM-STORAGE-CLUSTER", 0)], "{fired:?}");
}

#[test]
fn online_names_the_running_agent() {
    let o = run(
        r#"name: "DMA-1""#,
        r#"(at: "1m", do: Stop(Online)), (at: "2m", do: Start(Main))"#,
        r#"(ids: ["DM-STANDALONE"], when: During("1m", "1m59s"), that: Agent(Stopped)), (ids: ["DM-STANDALONE"], when: During("3m30s", "5m"), that: Agent(Running))"#,
    );
    assert!(o.passed(), "{}", trace(&o));
    // Going down counts once; starting and running again are no going down.
    assert!(o.rules_fired.iter().any(|(id, n)| id == "DM-STANDALONE" && *n == 1), "{:?}", o.rules_fired);
}

const WORLD: &str = r#"world: (
        hosts: [
            (name: "dma", nics: [(name: "corp", addr: "10.0.0.1/24"), (name: "acq", addr: "10.1.0.1/24")]),
            (name: "ops", nics: [(name: "nic", addr: "10.0.0.100/24")]),
            (name: "probe", nics: [(name: "nic", addr: "10.1.0.50/24")]),
        ],
        switches: [(name: "corp-sw"), (name: "acq-sw")],
        cables: [
            (name: "corp-cable", ends: (Nic("dma", "corp"), Switch("corp-sw"))),
            (name: "acq-cable", ends: (Nic("dma", "acq"), Switch("acq-sw"))),
            (name: "ops-cable", ends: (Nic("ops", "nic"), Switch("corp-sw"))),
            (name: "probe-cable", ends: (Nic("probe", "nic"), Switch("acq-sw"))),
        ],
    ),"#;

/// Its data sources are polled over its acquisition NIC while DataMiner runs: a pulled
/// acquisition cable stops the polling but not the serving, and the health says the records wait.
#[test]
fn data_sources_are_polled_over_the_acquisition_nic() {
    let text = format!(
        r#"Scenario(name: "agent", doc: "", seed: 1, {WORLD}
        system: DataMinerAgent(bind: (host: "dma", corporate: "corp", acquisition: "acq", data_sources: ["probe"], client: "ops")),
        script: [(at: "1m", do: Pull(cable: "acq-cable")), (at: "2m", do: Plug(cable: "acq-cable")), (at: "3m", do: Stop(Main))],
        end: "4m",
        expect: [
            (ids: ["DM-STANDALONE"], when: During("0s", "59s"), that: Polling(true)),
            (ids: ["DM-STANDALONE"], when: During("1m", "1m59s"), that: Polling(false)),
            (ids: ["DM-STANDALONE"], when: During("1m", "1m59s"), that: Serving(true)),
            (ids: ["DM-STANDALONE"], when: During("2m", "2m59s"), that: Polling(true)),
            (ids: ["DM-STANDALONE"], when: During("3m", "4m"), that: Polling(false)),
            (ids: ["DM-STANDALONE"], when: During("3m", "4m"), that: Serving(false)),
        ])"#
    );
    let sc = failsim::parse(Path::new("agent.ron"), &text).unwrap_or_else(|e| panic!("{e}"));
    let o = failsim::run(&sc, None).expect("runs");
    assert!(o.passed(), "{}", trace(&o));
    assert_eq!(o.metrics.acquisition_downtime_ms, Some(2 * 60_000), "a minute without the cable, a minute stopped: {:?}", o.metrics);
}

/// A Cassandra node outside the agent that does not answer: the database fails, writes wait in
/// file offloads, and the health names both.
#[test]
fn health_names_a_failing_database_and_waiting_records() {
    let text = r#"Scenario(name: "agent", doc: "", seed: 1, world: (
            hosts: [
                (name: "dma", nics: [(name: "corp", addr: "10.0.0.1/24")]),
                (name: "ops", nics: [(name: "nic", addr: "10.0.0.100/24")]),
                (name: "cass", nics: [(name: "nic", addr: "10.0.0.21/24")]),
            ],
            switches: [(name: "sw")],
            cables: [
                (name: "corp-cable", ends: (Nic("dma", "corp"), Switch("sw"))),
                (name: "ops-cable", ends: (Nic("ops", "nic"), Switch("sw"))),
                (name: "cass-cable", ends: (Nic("cass", "nic"), Switch("sw"))),
            ],
        ),
        system: DataMinerAgent(bind: (host: "dma", corporate: "corp", client: "ops"), storage: Cluster(cassandra: ["cass"])),
        script: [(at: "1m", do: Pull(cable: "cass-cable")), (at: "1m30s", do: Write(count: 3))],
        end: "2m",
        expect: [
            (ids: ["DM-STORAGE-CLUSTER"], when: At("2m"), that: DbRunning(false)),
            (ids: ["DM-HELD"], when: At("2m"), that: Records(written: 3, pending: 3)),
            (ids: ["DM-STANDALONE"], when: At("59s"), that: Healthy),
            (ids: ["DM-STANDALONE"], when: At("2m"), that: Healthy),
        ])"#;
    let sc = failsim::parse(Path::new("agent.ron"), text).unwrap_or_else(|e| panic!("{e}"));
    let o = failsim::run(&sc, None).expect("runs");
    let t = trace(&o);
    assert!(t.contains("3 of 4 expectations held"), "only the last Healthy fails: {t}");
    assert!(o.rules_fired.iter().any(|(id, n)| id == "DM-STANDALONE" && *n == 0), "it never went down: {:?}", o.rules_fired);
    assert!(t.contains("dma: its database does not answer; dma: 3 records wait in file offloads"), "{t}");
}

/// Its own database server stops and starts (DM-DB-ON-1 on an agent without a pair): DataMiner
/// keeps serving, what it gathers waits in file offloads (DM-HELD) and is stored once the
/// database runs again; the database downtime is the time between. A start without power
/// changes nothing.
#[test]
fn its_database_stops_and_what_it_gathers_waits_in_file_offloads() {
    let o = run(
        r#"name: "DMA-1""#,
        r#"(at: "1m", do: StopDb(Main)), (at: "1m30s", do: Write(count: 3)), (at: "3m", do: StartDb(Main)),
           (at: "3m30s", do: StopDb(Main)), (at: "3m40s", do: PowerFail(Main)), (at: "3m50s", do: StartDb(Main))"#,
        r#"(ids: ["DM-HELD"], when: During("1m30s", "2m59s"), that: Records(written: 3, replicated: 0, pending: 3, lost: 0)),
           (ids: ["DM-HELD"], when: At("3m"), that: Records(written: 3, replicated: 3, pending: 0, lost: 0)),
           (ids: ["DM-STANDALONE"], when: During("1m", "3m39s"), that: Serving(true))"#,
    );
    let t = trace(&o);
    assert!(o.passed(), "{t}");
    assert!(t.contains("3 records offloaded to files (the database does not answer) (#0..#2)"), "{t}");
    assert!(t.contains("3 records stored from file offloads (#0..#2)"), "{t}");
    assert_eq!(t.matches("DMA-1: database server running").count(), 1, "the start without power changes nothing: {t}");
    assert_eq!(o.metrics.database_downtime_ms, Some(2 * 60_000 + 10_000), "1m..3m, then 3m30s until the power fails at 3m40s");
}
