//! The storage architectures of SPEC §8 in combinations the scenario files do not spell out:
//! the cluster's quorum at other sizes, the legacy database against Cassandra per DMA on the
//! same script, and STaaS under faults that lose data with a database on each DMA.

use std::path::Path;

fn run(src: &str) -> failsim::Outcome {
    let sc = failsim::parse(Path::new("storage.ron"), src).expect("parses");
    failsim::run(&sc, None).expect("runs")
}

/// The pair on one switch with `nodes` Cassandra hosts of its dedicated cluster.
fn cluster(nodes: usize, script: &str) -> failsim::Outcome {
    let names: Vec<String> = (1..=nodes).map(|i| format!("\"cass-{i}\"")).collect();
    run(&cluster_src(nodes, &names.join(", "), script))
}

/// The scenario text: `host_count` Cassandra hosts in the world, the cluster naming `nodes`.
fn cluster_src(host_count: usize, nodes: &str, script: &str) -> String {
    let hosts: String = (1..=host_count).map(|i| format!(r#"(name: "cass-{i}", nics: [(name: "nic", addr: "10.10.10.{}/24")]),"#, 20 + i)).collect();
    let cables: String = (1..=host_count).map(|i| format!(r#"(name: "c{i}", ends: (Nic("cass-{i}", "nic"), Switch("core"))),"#)).collect();
    format!(
        r#"Scenario(name: "cluster", doc: "", seed: 1,
        world: (
            hosts: [
                (name: "dma-a", nics: [(name: "corp", addr: "10.10.10.11/24")]),
                (name: "dma-b", nics: [(name: "corp", addr: "10.10.10.12/24")]),
                (name: "ops-pc", nics: [(name: "nic", addr: "10.10.10.100/24")]),
                {hosts}
            ],
            switches: [(name: "core", addr: "10.10.10.254/24")],
            cables: [
                (name: "a-corp", ends: (Nic("dma-a", "corp"), Switch("core"))),
                (name: "b-corp", ends: (Nic("dma-b", "corp"), Switch("core"))),
                (name: "ops", ends: (Nic("ops-pc", "nic"), Switch("core"))),
                {cables}
            ],
        ),
        system: DataMiner(
            bind: (main: "dma-a", backup: "dma-b", corporate: "corp", client: "ops-pc"),
            addressing: VirtualIp(vip: "10.10.10.10"),
            storage: Cluster(nodes: [{nodes}]),
        ),
        script: [{script}], end: "5m")"#
    )
}

#[test]
fn a_cluster_has_1_to_32_distinct_nodes() {
    let parse = |hosts: usize, nodes: &str| failsim::parse(Path::new("cluster.ron"), &cluster_src(hosts, nodes, "")).map(|_| ()).map_err(|e| e.to_string());
    let names = |n: usize| (1..=n).map(|i| format!("\"cass-{i}\"")).collect::<Vec<_>>().join(", ");
    assert!(parse(1, &names(1)).is_ok());
    assert!(parse(32, &names(32)).is_ok());
    for (hosts, nodes) in [(1, String::new()), (33, names(33))] {
        let e = parse(hosts, &nodes).expect_err("outside 1..=32");
        assert!(e.contains("a dedicated cluster has 1 to 32 Cassandra nodes"), "{e}");
    }
    let e = parse(2, r#""cass-1", "cass-2", "cass-1""#).expect_err("listed twice");
    assert!(e.contains("Cassandra node `cass-1` is listed twice"), "{e}");
    // DM-STORAGE-SEPARATE: the OpenSearch cluster has its own checks; one host may be in both.
    assert!(parse(2, r#""cass-1", "cass-2"], opensearch: ["cass-2""#).is_ok());
    let e = parse(2, r#""cass-1"], opensearch: ["cass-2", "cass-2""#).expect_err("listed twice");
    assert!(e.contains("OpenSearch node `cass-2` is listed twice"), "{e}");
    let e = parse(33, &format!("\"cass-1\"], opensearch: [{}", names(33))).expect_err("too many");
    assert!(e.contains("at most 32 OpenSearch nodes, not 33"), "{e}");
}

#[test]
fn a_cluster_takes_writes_while_a_quorum_of_its_nodes_answers() {
    for nodes in 1..=5usize {
        for down in 0..=nodes {
            let fails: String = (1..=down).map(|i| format!(r#"(at: "1m", do: PowerFail("cass-{i}")),"#)).collect();
            let o = cluster(nodes, &format!(r#"{fails} (at: "2m", do: Write(count: 10))"#));
            let w = &o.revised.writes;
            let quorum = 2 * (nodes - down) > nodes;
            assert_eq!(w.written, 10, "{nodes} nodes, {down} down: the online DMA acknowledges");
            assert_eq!(w.replicated, if quorum { 10 } else { 0 }, "{nodes} nodes, {down} down");
            assert_eq!(w.pending, if quorum { 0 } else { 10 }, "{nodes} nodes, {down} down: file offloads wait");
            assert_eq!(w.lost, 0, "{nodes} nodes, {down} down");
        }
    }
}

#[test]
fn a_cluster_dma_restarts_only_with_every_node_up_even_with_a_quorum() {
    let o = cluster(3, r#"(at: "1m", do: PowerFail("cass-3")), (at: "2m", do: Restart(node: Backup, duration: "30s"))"#);
    let backup = o.revised.nodes.iter().find(|n| n.name == "dma-b").expect("a node line");
    assert!(backup.facts.iter().any(|f| f == "DataMiner start failed"), "{:?}", backup.facts);
    let o = cluster(3, r#"(at: "1m", do: PowerFail("cass-3")), (at: "1m30s", do: PowerOn("cass-3")), (at: "2m", do: Restart(node: Backup, duration: "30s"))"#);
    let backup = o.revised.nodes.iter().find(|n| n.name == "dma-b").expect("a node line");
    assert!(backup.facts.iter().any(|f| f == "DataMiner running"), "{:?}", backup.facts);
}

fn pair(storage: &str, versions: &str, script: &str) -> failsim::Outcome {
    run(&format!(r#"Scenario(name: "pair", doc: "", seed: 3, system: DataMiner(storage: {storage}{versions}), script: [{script}], end: "30m")"#))
}

/// Sync cable out, records, a restart of the holder, a switch, the cable back.
const HELD: &str = r#"(at: "1m", do: Pull(cable: Sync, on: Main)), (at: "2m", do: Write(count: 7)), (at: "3m", do: Restart(node: Main, duration: "1m")),
    (at: "6m", do: Switch), (at: "15m", do: Write(count: 5)), (at: "20m", do: Plug(cable: Sync, on: Main))"#;

#[test]
fn legacy_and_cassandra_per_dma_carry_records_the_same_way() {
    let (cassandra, legacy) = (pair("CassandraPerDma", "", HELD), pair("Legacy", "", HELD));
    assert_eq!(cassandra.revised.writes, legacy.revised.writes, "both forward to the other DMA's own database");
    assert_eq!(cassandra.revised.writes.lost, 0, "DM-HELD: nothing documented loses them");
    assert_eq!(cassandra.revised.writes.replicated, 12, "the cable is back: every record is in both databases");
}

#[test]
fn with_staas_nothing_waits_and_nothing_is_lost_where_a_database_per_dma_loses_records() {
    let affected = r#", main: (version: "10.4.0 CU9"), backup: (version: "10.4.0 CU9")"#;
    let script = r#"(at: "1m", do: Write(count: 10)), (at: "2m", do: Switch), (at: "12m", do: Write(count: 4)), (at: "13m", do: Switch)"#;
    let per_dma = pair("CassandraPerDma", affected, script);
    assert!(per_dma.revised.writes.lost > 0, "DM-KI-OFFLINE-NOSYNC loses what the offline DMA never took: {:?}", per_dma.revised.writes);
    for script in [script, HELD] {
        let staas = pair("Staas", affected, script);
        let w = &staas.revised.writes;
        assert_eq!((w.lost, w.pending), (0, 0), "DM-STORAGE-STAAS: {w:?}");
        assert_eq!(w.replicated, w.written, "every acknowledged record is in the one database");
    }
}
