//! Availability metrics of a run, each with one definition (here and in README.md), computed
//! the same way for every product from what the product says at each instant ([`Sample`]):
//!
//! - **downtime**: time during which no node serves clients: no way clients reach the service
//!   (the virtual IP, each address the shared hostname resolves to, the floating IP, the Active
//!   server) leads to a node that serves.
//! - **outages**: the maximal intervals of downtime. An outage still open at the end of the run
//!   is reported open. For each, **time to detect** is the time from its start to the first
//!   instant a node starts taking over (its role changes towards online/active), and **time to
//!   switch** the time until *another* node serves (empty when the node that served before
//!   serves again, or when the outage is open).
//! - **switches**: how many times the node that serves differs from the node that served last
//!   (an instant hand-over is a switch; a node that restarts and serves again is not).
//! - **degraded**: time during which at least one way clients reach the service fails (a
//!   partial outage; downtime is part of it), and **failed attempts**: the share of client
//!   attempts that fail, where a client tries every way once each millisecond (each address a
//!   lookup can return being equally likely).
//! - **acquisition downtime**, where a product acquires data: time during which some data
//!   source is polled by no serving node.
//! - **database downtime**, where a product stores what it takes in a database: time during
//!   which some serving node cannot write into its database (what it takes waits, or is
//!   refused). While nobody serves, that is downtime, not this.
//! - **split brain**: total time with more than one node online/active.
//! - **writes lost**, and the **maximum replication lag**: the longest a write waited to be in
//!   every store (unfinished ones until the end of the run; lost ones not counted).
//! - **alarms raised**, by severity.
//!
//! A run covers `0..end`: the state at the end instant lasts no time.

use crate::engine::Time;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a product says about one instant (the runner samples it after each changed instant).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sample {
    /// The nodes (bit per node, by index in the system) that clients reach and that serve
    /// them. Where several do (a split brain, a collision), clients stay on the node they
    /// were served by while it still serves, else go to the first.
    pub servers: u32,
    /// How many nodes are online/active.
    pub online: usize,
    /// Which nodes (bit per node) are taking over or serving (online, going online, acquiring
    /// the VIP): a new bit means a node started taking over.
    pub claimers: u32,
    /// The ways clients reach the service at this instant, and how many of them fail.
    pub ways: Ways,
    /// Whether every data source is polled by a serving node; `None`: the product (or this
    /// system) acquires no data.
    pub acquiring: Option<bool>,
    /// Whether every serving node can write into its database; `None`: the product (or this
    /// system) keeps no database of what it takes.
    pub storing: Option<bool>,
}

/// The ways clients reach a service: each address a lookup can return, or the one address
/// (a virtual or floating IP, the Active server) they use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Ways {
    /// How many ways there are.
    pub total: u8,
    /// How many of them fail now.
    pub failed: u8,
}

impl Sample {
    /// A service reached one way, which works exactly while some node serves; no acquisition.
    pub fn one_way(servers: u32, online: usize, claimers: u32) -> Sample {
        let ways = Ways { total: 1, failed: u8::from(servers == 0) };
        Sample { servers, online, claimers, ways, acquiring: None, storing: None }
    }

    /// Whether some node serves.
    pub fn serving(&self) -> bool {
        self.servers != 0
    }

    /// The node clients are served by, given the one they were served by last.
    fn server(&self, last: Option<u8>) -> Option<u8> {
        match last {
            Some(n) if self.servers & 1 << n != 0 => Some(n),
            _ => (self.serving()).then(|| u8::try_from(self.servers.trailing_zeros()).expect("below 32")),
        }
    }

    /// The same, reached `total` ways of which `failed` fail.
    pub fn with_ways(self, total: u8, failed: u8) -> Sample {
        Sample { ways: Ways { total, failed }, ..self }
    }

    /// The same, for a product that acquires data: `polled` when every data source is polled.
    pub fn with_acquisition(self, polled: bool) -> Sample {
        Sample { acquiring: Some(polled), ..self }
    }

    /// The same, for a product that stores what it takes: `stored` when every serving node
    /// can write into its database.
    pub fn with_storage(self, stored: bool) -> Sample {
        Sample { storing: Some(stored), ..self }
    }

    /// What every product's sample must satisfy (asserted when it is recorded).
    fn check(&self) {
        assert!(self.ways.total > 0, "clients reach a service at least one way");
        assert!(self.ways.failed <= self.ways.total, "no more ways fail than there are");
        assert_eq!(!self.serving(), self.ways.failed == self.ways.total, "nobody serves exactly when every way fails");
        assert!(self.servers.count_ones() as usize <= self.online, "a node that serves is online/active");
        assert!(self.storing != Some(false) || self.serving(), "only a node that serves fails to store what it takes");
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, Hash)]
/// One outage: a maximal interval with no node serving clients.
pub struct Outage {
    /// When no node served any more.
    pub from_ms: Time,
    /// When a node started taking over, if one did.
    pub detected_ms: Option<Time>,
    /// When a node served again (`None`: the outage is open at the end of the run).
    pub until_ms: Option<Time>,
    /// Whether the node that served again is another one than the node that served last.
    #[serde(default)]
    pub switched: bool,
}

impl Outage {
    /// Open at the end of the run.
    pub fn is_open(&self) -> bool {
        self.until_ms.is_none()
    }

    /// From its start until another node served; `None` without a switch.
    pub fn time_to_switch_ms(&self) -> Option<Time> {
        self.until_ms.filter(|_| self.switched).map(|u| u - self.from_ms)
    }
}

/// The availability metrics of one system over one run (or every system's together, summed as
/// [`Metrics::total`] says); the definitions are the module's.
///
/// (`Deserialize`: `failsim diff --other-bin` reads another binary's JSON report.)
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema, Hash)]
pub struct Metrics {
    /// Total time no node served clients (the outages' lengths together).
    pub downtime_ms: Time,
    /// Every outage, in time order.
    pub outages: Vec<Outage>,
    /// How many times the node that serves changed (see the module's definition).
    pub switches: u32,
    /// Time during which at least one way clients reach the service failed.
    #[serde(default)]
    pub degraded_ms: Time,
    /// Client attempts (one per way and millisecond), and how many of them failed.
    #[serde(default)]
    pub client_attempts: u64,
    #[serde(default)]
    /// The client attempts that failed.
    pub client_attempts_failed: u64,
    /// `None` where the system acquires no data.
    #[serde(default)]
    pub acquisition_downtime_ms: Option<Time>,
    /// Time during which some serving node could not write into its database; `None`: the
    /// system keeps no database of what it takes.
    #[serde(default)]
    pub database_downtime_ms: Option<Time>,
    /// Total time with more than one node online/active.
    pub split_brain_ms: Time,
    /// Acknowledged writes that no store holds at the end.
    pub writes_lost: u64,
    /// The longest a write waited to be in every store (unfinished ones until the end of the
    /// run; lost ones not counted).
    pub max_replication_lag_ms: Time,
    /// Alarms raised over the run, by severity word.
    pub alarms_by_severity: BTreeMap<String, u64>,
}

impl Metrics {
    /// The longest time to detect over the outages that were detected.
    pub fn max_time_to_detect_ms(&self) -> Option<Time> {
        self.outages.iter().filter_map(|o| o.detected_ms.map(|d| d - o.from_ms)).max()
    }

    /// The longest time to switch over the outages a switch ended.
    pub fn max_time_to_switch_ms(&self) -> Option<Time> {
        self.outages.iter().filter_map(Outage::time_to_switch_ms).max()
    }

    /// How many outages are open at the end of the run.
    pub fn open_outages(&self) -> usize {
        self.outages.iter().filter(|o| o.is_open()).count()
    }

    /// The share of client attempts that failed, in per mille (rounded down); `None` when the
    /// run made none (it lasted no time).
    pub fn failed_attempts_per_mille(&self) -> Option<u64> {
        let failed = u128::from(self.client_attempts_failed) * 1000;
        let share = failed.checked_div(u128::from(self.client_attempts))?;
        Some(u64::try_from(share).expect("at most 1000"))
    }
}

/// A share in per mille for people: `37.5%`.
pub fn per_mille(v: u64) -> String {
    format!("{}.{}%", v / 10, v % 10)
}

impl Metrics {
    /// The metrics of several systems in one world, together (FS-MULTI): times, counts,
    /// attempts, lost writes and alarms add up; outages are all of them, in time order; the
    /// replication lag is the worst; acquisition (database) downtime adds up over the systems that
    /// acquire (store).
    pub fn total(each: &[Metrics]) -> Metrics {
        let mut t = Metrics::default();
        for m in each {
            t.downtime_ms += m.downtime_ms;
            t.outages.extend(m.outages.iter().cloned());
            t.switches += m.switches;
            t.degraded_ms += m.degraded_ms;
            t.client_attempts = t.client_attempts.saturating_add(m.client_attempts);
            t.client_attempts_failed = t.client_attempts_failed.saturating_add(m.client_attempts_failed);
            if let Some(a) = m.acquisition_downtime_ms {
                *t.acquisition_downtime_ms.get_or_insert(0) += a;
            }
            if let Some(d) = m.database_downtime_ms {
                *t.database_downtime_ms.get_or_insert(0) += d;
            }
            t.split_brain_ms += m.split_brain_ms;
            t.writes_lost += m.writes_lost;
            t.max_replication_lag_ms = t.max_replication_lag_ms.max(m.max_replication_lag_ms);
            for (severity, n) in &m.alarms_by_severity {
                *t.alarms_by_severity.entry(severity.clone()).or_default() += n;
            }
        }
        t.outages.sort_by_key(|o| o.from_ms);
        t
    }
}

/// Folds samples over spans of constant state into [`Metrics`].
#[derive(Clone, Debug, Default)]
pub struct Recorder {
    metrics: Metrics,
    last: Option<(Time, Sample)>,
    /// The node that served last: a switch is a change of it.
    served_last: Option<u8>,
}

impl Recorder {
    /// The state is `s` from `at_ms` on (until the next call).
    pub fn observe(&mut self, at_ms: Time, s: Sample) {
        s.check();
        if s.acquiring.is_some() {
            self.metrics.acquisition_downtime_ms.get_or_insert(0);
        }
        if s.storing.is_some() {
            self.metrics.database_downtime_ms.get_or_insert(0);
        }
        let prev = self.last.map(|(_, prev)| prev);
        let was_serving = match self.last {
            Some((from, prev)) => {
                self.account(from, at_ms, prev);
                prev.serving()
            }
            // Before the run, as if a node served: an outage starts at 0 if none does then.
            None => true,
        };
        let server = s.server(self.served_last);
        match (was_serving, server) {
            (true, None) => self.metrics.outages.push(Outage { from_ms: at_ms, detected_ms: None, until_ms: None, switched: false }),
            (false, Some(now)) => {
                let switched = self.served_last.is_some_and(|last| last != now);
                let o = self.metrics.outages.last_mut().expect("nobody served: an outage is open");
                assert!(o.is_open(), "an outage ends once");
                (o.until_ms, o.switched) = (Some(at_ms), switched);
            }
            _ => {}
        }
        if let Some(prev) = prev {
            self.detect(at_ms, prev, s);
        }
        if let Some(now) = server {
            self.metrics.switches += u32::from(self.served_last.is_some_and(|last| last != now));
            self.served_last = Some(now);
        }
        self.last = Some((at_ms, s));
    }

    /// A node that starts taking over during an outage (or at the very instant it began)
    /// detected it.
    fn detect(&mut self, at_ms: Time, prev: Sample, s: Sample) {
        if s.claimers & !prev.claimers != 0
            && let Some(o) = self.metrics.outages.last_mut()
            && o.detected_ms.is_none()
            && o.until_ms.is_none_or(|u| u == at_ms)
        {
            o.detected_ms = Some(at_ms);
        }
    }

    fn account(&mut self, from: Time, to: Time, s: Sample) {
        let span = to.checked_sub(from).expect("samples come in time order");
        let m = &mut self.metrics;
        if !s.serving() {
            m.downtime_ms += span;
        }
        if s.ways.failed > 0 {
            m.degraded_ms += span;
        }
        m.client_attempts = m.client_attempts.saturating_add(span.saturating_mul(u64::from(s.ways.total)));
        m.client_attempts_failed = m.client_attempts_failed.saturating_add(span.saturating_mul(u64::from(s.ways.failed)));
        if s.acquiring == Some(false) {
            *m.acquisition_downtime_ms.get_or_insert(0) += span;
        }
        if s.storing == Some(false) {
            *m.database_downtime_ms.get_or_insert(0) += span;
        }
        if s.online > 1 {
            m.split_brain_ms += span;
        }
    }

    /// Closes the run at `end_ms` (exclusive: the state at `end_ms` lasts no time).
    pub fn finish(mut self, end_ms: Time, writes_lost: u64, max_lag_ms: Time, alarms: BTreeMap<String, u64>) -> Metrics {
        if let Some((from, s)) = self.last {
            self.account(from, end_ms, s);
        }
        self.metrics.writes_lost = writes_lost;
        self.metrics.max_replication_lag_ms = max_lag_ms;
        self.metrics.alarms_by_severity = alarms;
        self.metrics
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(server: Option<u8>, online: usize, claimers: u32) -> Sample {
        Sample::one_way(server.map_or(0, |n| 1 << n), online, claimers)
    }

    #[test]
    fn totals_add_up_and_keep_the_worst_lag() {
        let a = Metrics {
            downtime_ms: 5,
            switches: 1,
            degraded_ms: 6,
            client_attempts: 10,
            client_attempts_failed: 4,
            acquisition_downtime_ms: Some(3),
            database_downtime_ms: Some(4),
            split_brain_ms: 2,
            writes_lost: 3,
            max_replication_lag_ms: 9,
            outages: vec![Outage { from_ms: 7, ..Outage::default() }],
            alarms_by_severity: [("Notice".to_string(), 2)].into(),
        };
        let b = Metrics {
            downtime_ms: 1,
            switches: 2,
            degraded_ms: 1,
            client_attempts: 10,
            client_attempts_failed: 1,
            acquisition_downtime_ms: None,
            database_downtime_ms: Some(1),
            split_brain_ms: 0,
            writes_lost: 1,
            max_replication_lag_ms: 4,
            outages: vec![Outage { from_ms: 3, ..Outage::default() }],
            alarms_by_severity: [("Notice".to_string(), 1), ("Error".to_string(), 1)].into(),
        };
        let t = Metrics::total(&[a, b]);
        assert_eq!((t.downtime_ms, t.switches, t.split_brain_ms, t.writes_lost, t.max_replication_lag_ms), (6, 3, 2, 4, 9));
        assert_eq!((t.degraded_ms, t.client_attempts, t.client_attempts_failed), (7, 20, 5));
        assert_eq!(t.failed_attempts_per_mille(), Some(250));
        assert_eq!(t.acquisition_downtime_ms, Some(3), "over the systems that acquire");
        assert_eq!(t.database_downtime_ms, Some(5), "over the systems that store");
        assert_eq!(t.outages.iter().map(|o| o.from_ms).collect::<Vec<_>>(), vec![3, 7], "in time order");
        assert_eq!(t.alarms_by_severity, [("Error".to_string(), 1), ("Notice".to_string(), 3)].into());
        assert_eq!(Metrics::total(&[Metrics::default()]).acquisition_downtime_ms, None, "nothing acquires: no figure");
        assert_eq!(Metrics::total(&[Metrics::default()]).database_downtime_ms, None, "nothing stores: no figure");
    }

    #[test]
    fn a_failover_gives_downtime_detection_and_switch_times() {
        let mut r = Recorder::default();
        r.observe(0, s(Some(0), 1, 0b01));
        r.observe(60_000, s(None, 0, 0)); // the online node stops
        r.observe(80_000, s(None, 0, 0b10)); // the other starts going online
        r.observe(460_000, s(Some(1), 1, 0b10)); // and is online
        let m = r.finish(600_000, 0, 0, BTreeMap::new());
        assert_eq!(m.downtime_ms, 400_000);
        assert_eq!(m.outages, vec![Outage { from_ms: 60_000, detected_ms: Some(80_000), until_ms: Some(460_000), switched: true }]);
        assert_eq!(m.max_time_to_detect_ms(), Some(20_000));
        assert_eq!(m.max_time_to_switch_ms(), Some(400_000));
        assert_eq!(m.switches, 1);
        assert_eq!((m.split_brain_ms, m.open_outages()), (0, 0));
        assert_eq!((m.degraded_ms, m.client_attempts, m.client_attempts_failed), (400_000, 600_000, 400_000), "one way, failing while down");
        assert_eq!(m.acquisition_downtime_ms, None, "this system acquires nothing");
    }

    #[test]
    fn a_takeover_at_the_instant_the_outage_starts_detects_it_at_once() {
        let mut r = Recorder::default();
        r.observe(0, s(Some(0), 1, 0b01));
        r.observe(60_000, s(None, 0, 0b10)); // a manual switch: one leaves, the other claims
        r.observe(442_000, s(Some(1), 1, 0b10));
        let m = r.finish(600_000, 0, 0, BTreeMap::new());
        assert_eq!(m.max_time_to_detect_ms(), Some(0));
        assert_eq!(m.max_time_to_switch_ms(), Some(382_000));
    }

    #[test]
    fn a_node_that_restarts_and_serves_again_is_no_switch() {
        let mut r = Recorder::default();
        r.observe(0, s(Some(0), 1, 0b01));
        r.observe(60_000, s(None, 0, 0));
        r.observe(70_000, s(None, 0, 0b01)); // starting
        r.observe(100_000, s(Some(0), 1, 0b01));
        let m = r.finish(200_000, 0, 0, BTreeMap::new());
        assert_eq!(m.switches, 0, "the same node serves again");
        assert_eq!(m.downtime_ms, 40_000);
        assert_eq!(m.max_time_to_switch_ms(), None, "no switch, so no time to switch");
        assert_eq!(m.outages[0].until_ms, Some(100_000), "the outage itself ended");
        assert!(!m.outages[0].switched);
    }

    #[test]
    fn an_instant_hand_over_is_a_switch_without_an_outage() {
        let mut r = Recorder::default();
        r.observe(0, s(Some(0), 1, 0b01));
        r.observe(30_000, s(Some(1), 1, 0b10)); // a changeover at one instant
        r.observe(50_000, s(Some(0), 1, 0b01)); // and back
        let m = r.finish(60_000, 0, 0, BTreeMap::new());
        assert_eq!((m.switches, m.downtime_ms), (2, 0));
        assert!(m.outages.is_empty());
    }

    #[test]
    fn clients_stay_on_their_node_while_several_serve() {
        let mut r = Recorder::default();
        r.observe(0, Sample::one_way(0b10, 1, 0b10));
        r.observe(10_000, Sample::one_way(0b11, 2, 0b11)); // a collision: the first comes back Active
        r.observe(20_000, Sample::one_way(0b01, 1, 0b01)); // the one clients were on stops
        r.observe(30_000, Sample::one_way(0b11, 2, 0b11));
        let m = r.finish(40_000, 0, 0, BTreeMap::new());
        assert_eq!(m.switches, 1, "only when the node clients were on stopped serving");
        assert_eq!(m.split_brain_ms, 20_000);
    }

    #[test]
    fn split_brain_time_and_an_outage_open_at_the_end() {
        let mut r = Recorder::default();
        r.observe(0, s(Some(0), 1, 0b01));
        r.observe(10_000, s(Some(0), 2, 0b11));
        r.observe(30_000, s(Some(0), 1, 0b01));
        r.observe(50_000, s(None, 0, 0));
        let m = r.finish(100_000, 3, 7_000, BTreeMap::new());
        assert_eq!(m.split_brain_ms, 20_000);
        assert_eq!(m.downtime_ms, 50_000, "the run ends at 100 s: the end instant lasts no time");
        assert_eq!(m.outages, vec![Outage { from_ms: 50_000, detected_ms: None, until_ms: None, switched: false }]);
        assert_eq!(m.open_outages(), 1);
        assert_eq!(m.max_time_to_switch_ms(), None, "an open outage has no time to switch");
        assert_eq!((m.writes_lost, m.max_replication_lag_ms, m.switches), (3, 7_000, 0));
    }

    #[test]
    fn nobody_serving_at_the_start_is_an_outage_from_zero_and_the_first_server_no_switch() {
        let mut r = Recorder::default();
        r.observe(0, s(None, 0, 0));
        r.observe(5_000, s(Some(1), 1, 0b10));
        let m = r.finish(10_000, 0, 0, BTreeMap::new());
        assert_eq!(m.outages, vec![Outage { from_ms: 0, detected_ms: Some(5_000), until_ms: Some(5_000), switched: false }]);
        assert_eq!((m.downtime_ms, m.switches), (5_000, 0));
    }

    #[test]
    fn a_partial_outage_is_degraded_time_and_failed_attempts_not_downtime() {
        let mut r = Recorder::default();
        r.observe(0, s(Some(0), 1, 0b01).with_ways(2, 0));
        r.observe(10_000, s(Some(0), 1, 0b01).with_ways(2, 1)); // one of two addresses leads nowhere
        r.observe(30_000, s(None, 0, 0).with_ways(2, 2));
        r.observe(35_000, s(Some(0), 1, 0b01).with_ways(2, 0));
        let m = r.finish(40_000, 0, 0, BTreeMap::new());
        assert_eq!(m.downtime_ms, 5_000, "down only while every way fails");
        assert_eq!(m.degraded_ms, 25_000, "while any way fails");
        assert_eq!((m.client_attempts, m.client_attempts_failed), (80_000, 30_000));
        assert_eq!(m.failed_attempts_per_mille(), Some(375));
    }

    #[test]
    fn database_downtime_counts_the_time_a_serving_node_cannot_store() {
        let mut r = Recorder::default();
        r.observe(0, s(Some(0), 1, 0b01).with_storage(true));
        r.observe(10_000, s(Some(0), 1, 0b01).with_storage(false));
        r.observe(25_000, s(None, 0, 0).with_storage(true)); // nobody serves: downtime, not this
        r.observe(30_000, s(Some(1), 1, 0b10).with_storage(false));
        let m = r.finish(40_000, 0, 0, BTreeMap::new());
        assert_eq!(m.database_downtime_ms, Some(25_000));
        assert_eq!(m.downtime_ms, 5_000);
        let mut r = Recorder::default();
        r.observe(0, s(Some(0), 1, 0b01).with_storage(true));
        assert_eq!(r.finish(40_000, 0, 0, BTreeMap::new()).database_downtime_ms, Some(0), "storing, never down: zero, not none");
        let mut r = Recorder::default();
        r.observe(0, s(Some(0), 1, 0b01));
        assert_eq!(r.finish(40_000, 0, 0, BTreeMap::new()).database_downtime_ms, None, "this system stores nothing");
    }

    #[test]
    #[should_panic(expected = "only a node that serves fails to store what it takes")]
    fn nobody_serving_cannot_fail_to_store() {
        Recorder::default().observe(0, s(None, 0, 0).with_storage(false));
    }

    #[test]
    fn acquisition_downtime_counts_the_time_some_source_is_not_polled() {
        let mut r = Recorder::default();
        r.observe(0, s(Some(0), 1, 0b01).with_acquisition(true));
        r.observe(10_000, s(Some(0), 1, 0b01).with_acquisition(false));
        r.observe(25_000, s(Some(0), 1, 0b01).with_acquisition(true));
        let m = r.finish(40_000, 0, 0, BTreeMap::new());
        assert_eq!(m.acquisition_downtime_ms, Some(15_000));
        assert_eq!(m.downtime_ms, 0, "clients were served all along");
        let mut r = Recorder::default();
        r.observe(0, s(Some(0), 1, 0b01).with_acquisition(true));
        assert_eq!(r.finish(40_000, 0, 0, BTreeMap::new()).acquisition_downtime_ms, Some(0), "acquiring, never down: zero, not none");
    }

    #[test]
    fn no_attempts_no_share() {
        assert_eq!(Metrics::default().failed_attempts_per_mille(), None);
    }

    #[test]
    fn a_share_in_per_mille_reads_as_a_percentage() {
        assert_eq!([per_mille(0), per_mille(375), per_mille(1000)], ["0.0%", "37.5%", "100.0%"]);
    }

    #[test]
    #[should_panic(expected = "nobody serves exactly when every way fails")]
    fn a_sample_whose_ways_contradict_its_server_is_refused() {
        Recorder::default().observe(0, s(None, 0, 0).with_ways(2, 1));
    }

    #[test]
    #[should_panic(expected = "a node that serves is online/active")]
    fn a_server_that_is_not_online_is_refused() {
        Recorder::default().observe(0, s(Some(0), 0, 0));
    }
}
