//! Each metric's one definition (README, Metrics; `src/metrics/`), checked on every product:
//! a switch is a change of the node that serves, time to switch runs until another node
//! serves, an outage open at the end is reported open, downtime is measured the way clients
//! reach the service, a partial outage is its own figure, and acquisition (database) downtime
//! exists only where a product acquires data (stores what it takes in a database). The scenarios are the ones in `scenarios/`, so each figure
//! here can be read in that file's report.

use failsim::metrics::{Metrics, Outage};
use std::path::Path;

fn metrics(name: &str) -> Metrics {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(format!("{name}.ron"));
    let scenario = failsim::load(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    failsim::run(&scenario, None).unwrap_or_else(|e| panic!("{name}: {e:?}")).metrics
}

/// On a service reached one way, the partial-outage figures are the downtime's.
fn one_way(m: &Metrics, end_ms: u64) {
    assert_eq!(m.degraded_ms, m.downtime_ms, "one way in: degraded exactly while down");
    assert_eq!((m.client_attempts, m.client_attempts_failed), (end_ms, m.downtime_ms), "an attempt a millisecond, failing while down");
    assert_eq!(m.acquisition_downtime_ms, None, "no data acquisition");
}

/// MRS, FlinkServer, DBService and Check Point keep no database of what clients bring (the
/// MRS OMS database's sync is its own rule, MRS-12039): no database downtime figure.
fn no_database(m: &Metrics) {
    assert_eq!(m.database_downtime_ms, None, "no database of what it takes");
}

const M: u64 = 60_000;

#[test]
fn dataminer_a_switch_ends_the_outage_and_a_restart_is_no_switch() {
    let switched = metrics("dm-switch-time");
    assert_eq!(switched.switches, 1);
    assert_eq!(switched.max_time_to_switch_ms(), Some(399_842), "Backup serves 6m39s842ms after Main stopped");
    let restarted = metrics("dm-restart-online-short");
    assert_eq!(restarted.switches, 0, "Main restarts and serves again");
    assert_eq!(restarted.downtime_ms, 11_500);
    assert_eq!(restarted.max_time_to_switch_ms(), None, "no switch: no time to switch");
    one_way(&restarted, 10 * M);
}

#[test]
fn dataminer_an_outage_open_at_the_end_and_acquisition_downtime() {
    let m = metrics("world-acquisition-network");
    assert_eq!(m.outages, [Outage { from_ms: 10 * M, detected_ms: None, until_ms: None, switched: false }]);
    assert_eq!(m.open_outages(), 1);
    assert_eq!(m.downtime_ms, 15 * M, "from 10m to the end at 25m, the end instant lasting no time");
    assert_eq!(m.max_time_to_switch_ms(), None, "an open outage has no time to switch");
    assert_eq!(m.acquisition_downtime_ms, Some(1_161_586), "the data sources go unpolled before the clients lose the VIP");
}

/// Database downtime: the online DMA keeps serving while its database does not take what it
/// gathers (DM-HELD), whatever the storage architecture.
#[test]
fn dataminer_database_downtime_is_while_a_serving_dma_cannot_write() {
    let separate = metrics("dm-storage-separate");
    assert_eq!(separate.downtime_ms, 0, "Main serves throughout");
    assert_eq!(separate.database_downtime_ms, Some(150_000), "OpenSearch without quorum 1m30s..3m, Cassandra 4m..5m");
    let own = metrics("dm-db-online");
    assert_eq!(own.database_downtime_ms, Some(3 * M), "Main's own database is down from 2m to 5m");
    let quiet = metrics("dm-switch-time");
    assert_eq!(quiet.database_downtime_ms, Some(0), "a database that never fails: zero, not none");
    // While nobody serves, it is downtime, not database downtime: after the failed restart
    // at 9m nobody is online, though Backup's database is down.
    let seed = metrics("dm-seed-node");
    assert_eq!(seed.database_downtime_ms, Some(M), "Backup online with its database stopped, 8m..9m");
}

/// A standalone agent: the router takes every agent's Cassandra quorum, the agents keep serving.
#[test]
fn dataminer_agent_database_downtime_adds_up_over_the_agents() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/import-dms-cassandra-cluster.ron");
    let o = failsim::run(&failsim::load(&path).unwrap(), None).unwrap();
    assert_eq!(o.metrics.database_downtime_ms, Some(2 * M), "dma-101 (the first system): 1m..3m without quorum");
    let total = o.total.expect("a world of three systems has a total");
    assert_eq!(total.database_downtime_ms, Some(6 * M), "three agents, each 1m..3m without quorum");
    let alone = metrics("dm-standalone");
    assert_eq!(alone.database_downtime_ms, Some(0), "down with its server, never serving without its database");
}

#[test]
fn dataminer_a_shared_hostname_with_a_dead_address_is_a_partial_outage() {
    let m = metrics("dm-shared-hostname-partial");
    assert_eq!(m.downtime_ms, 0, "the online DMA serves throughout");
    assert_eq!(m.degraded_ms, 270_000, "Backup's address leads nowhere from 1m until it runs at 5m30s");
    assert_eq!((m.client_attempts, m.client_attempts_failed), (2 * 10 * M, 270_000), "two ways for 10m, one failing for 4m30s");
    assert_eq!(m.failed_attempts_per_mille(), Some(225));
    assert_eq!(m.switches, 0);
}

#[test]
fn mrs_manager_a_takeover_is_a_switch_and_a_failed_floating_ip_is_downtime() {
    let takeover = metrics("mrs-switchover-active-fails");
    assert_eq!(takeover.switches, 2, "the standby takes over twice");
    assert_eq!(takeover.max_time_to_switch_ms(), Some(6_500));
    one_way(&takeover, 6 * M);
    no_database(&takeover);
    let float_ip = metrics("mrs-12010-heartbeat");
    assert_eq!(float_ip.downtime_ms, 103_459, "clients cannot log in through the floating IP from its failure at 2m20s to the switchover at 4m3s459ms");
    assert_eq!(float_ip.switches, 1);
    one_way(&float_ip, 6 * M);
    no_database(&float_ip);
    let back = metrics("mrs-switch-fails");
    assert_eq!(back.switches, 1, "the manual switchover; the node active last taking the role back ends an outage, no switch");
    assert_eq!(back.max_time_to_switch_ms(), None);
}

#[test]
fn flinkserver_instant_switchovers_are_switches_without_downtime() {
    let m = metrics("flink-45641-stale-switchover");
    assert_eq!((m.switches, m.downtime_ms), (2, 0));
    assert!(m.outages.is_empty());
    one_way(&m, 8 * M);
    no_database(&m);
}

#[test]
fn dbservice_a_switchover_is_a_switch_after_its_switchover_time() {
    let m = metrics("dbservice-switchover");
    assert_eq!(m.switches, 1);
    assert_eq!(m.outages.len(), 1);
    assert_eq!(m.max_time_to_switch_ms(), Some(16_500), "heartbeat loss detected after 6.5 s, then the 10 s switchover");
    assert!(m.outages[0].switched);
    one_way(&m, 4 * M);
    no_database(&m);
    let quiet = metrics("dbservice-27003");
    assert_eq!((quiet.switches, quiet.downtime_ms), (0, 0), "a heartbeat interruption alone switches nothing");
}

#[test]
fn check_point_a_changeover_is_a_switch_and_a_restart_is_not() {
    let changeover = metrics("cp-changeover");
    assert_eq!((changeover.switches, changeover.downtime_ms), (1, 0), "an instant hand-over");
    let restart = metrics("cp-session-lost");
    assert_eq!((restart.switches, restart.downtime_ms), (0, M), "the Primary's services stop for a minute and start again");
    assert_eq!(restart.max_time_to_switch_ms(), None);
    one_way(&restart, 5 * M);
    no_database(&restart);
    let collision = metrics("cp-active-fails");
    assert_eq!(collision.switches, 1, "to the Secondary; the Primary's return in Collision Mode moves no client");
    assert_eq!(
        collision.split_brain_ms,
        20 * M,
        "two running Actives from the Primary's power-on at 1h10m to the end at 1h30m: powered off, it was Active but not online (CP-9)"
    );
}
