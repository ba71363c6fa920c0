//! Availability metrics of a run, each with one definition (here and in README.md), computed
//! the same way for every product from what the product says at each instant:
//!
//! - **downtime**: time during which no node serves clients (no online/active node, or one
//!   clients cannot reach through the virtual IP, the shared hostname or the floating IP).
//! - **outages**: the maximal intervals of downtime; for each, **time to detect** is the time
//!   from its start to the first instant a node starts taking over (its role changes towards
//!   online/active), and **time to switch** its length (until a node serves again).
//! - **switches**: how many times a node became online/active after t = 0.
//! - **split brain**: total time with more than one node online/active.
//! - **writes lost**, and the **maximum replication lag**: the longest a write waited to be in
//!   every store (unfinished ones until the end of the run; lost ones not counted).
//! - **alarms raised**, by severity.

use crate::engine::Time;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a product says about one instant (the runner samples it after each timestamp).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Sample {
    /// Some node serves clients.
    pub serving: bool,
    /// How many nodes are online/active.
    pub online: usize,
    /// Which nodes (bit per node) are taking over or serving (online, going online, acquiring
    /// the VIP): a new bit means a node started taking over.
    pub claimers: u32,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outage {
    pub from_ms: Time,
    /// When a node started taking over, if one did.
    pub detected_ms: Option<Time>,
    /// When a node served again (`None`: not before the end).
    pub until_ms: Option<Time>,
}

/// (`Deserialize`: `failsim diff --other-bin` reads another binary's JSON report.)
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Metrics {
    pub downtime_ms: Time,
    pub outages: Vec<Outage>,
    pub switches: u32,
    pub split_brain_ms: Time,
    pub writes_lost: u64,
    pub max_replication_lag_ms: Time,
    pub alarms_by_severity: BTreeMap<String, u64>,
}

impl Metrics {
    /// The longest time to detect over the outages that were detected.
    pub fn max_time_to_detect_ms(&self) -> Option<Time> {
        self.outages.iter().filter_map(|o| o.detected_ms.map(|d| d - o.from_ms)).max()
    }

    /// The longest outage that ended.
    pub fn max_time_to_switch_ms(&self) -> Option<Time> {
        self.outages.iter().filter_map(|o| o.until_ms.map(|u| u - o.from_ms)).max()
    }
}

impl Metrics {
    /// The metrics of several systems in one world, together (FS-MULTI): downtime, switches,
    /// split-brain time, lost writes and alarms add up; outages are all of them, in time order;
    /// the replication lag is the worst.
    pub fn total(each: &[Metrics]) -> Metrics {
        let mut t = Metrics::default();
        for m in each {
            t.downtime_ms += m.downtime_ms;
            t.outages.extend(m.outages.iter().cloned());
            t.switches += m.switches;
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
}

impl Recorder {
    /// The state is `s` from `at_ms` on (until the next call).
    pub fn observe(&mut self, at_ms: Time, s: Sample) {
        if let Some((from, prev)) = self.last {
            self.account(from, at_ms, prev);
            if s.online > prev.online {
                self.metrics.switches += (s.online - prev.online) as u32;
            }
            match (prev.serving, s.serving) {
                (true, false) => self.metrics.outages.push(Outage { from_ms: at_ms, detected_ms: None, until_ms: None }),
                (false, true) => {
                    if let Some(o) = self.metrics.outages.last_mut() {
                        o.until_ms = Some(at_ms);
                    }
                }
                _ => {}
            }
            // A node that starts taking over during an outage (or at the very instant it began)
            // detected it.
            if s.claimers & !prev.claimers != 0
                && let Some(o) = self.metrics.outages.last_mut()
                && o.detected_ms.is_none()
                && o.until_ms.is_none_or(|u| u == at_ms)
            {
                o.detected_ms = Some(at_ms);
            }
        } else if !s.serving {
            self.metrics.outages.push(Outage { from_ms: at_ms, detected_ms: None, until_ms: None });
        }
        self.last = Some((at_ms, s));
    }

    fn account(&mut self, from: Time, to: Time, s: Sample) {
        let span = to.saturating_sub(from);
        if !s.serving {
            self.metrics.downtime_ms += span;
        }
        if s.online > 1 {
            self.metrics.split_brain_ms += span;
        }
    }

    /// Closes the run at `end_ms` (inclusive: the state at `end_ms` lasts 1 ms).
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

    fn s(serving: bool, online: usize, claimers: u32) -> Sample {
        Sample { serving, online, claimers }
    }

    #[test]
    fn totals_add_up_and_keep_the_worst_lag() {
        let a = Metrics {
            downtime_ms: 5,
            switches: 1,
            split_brain_ms: 2,
            writes_lost: 3,
            max_replication_lag_ms: 9,
            outages: vec![Outage { from_ms: 7, ..Outage::default() }],
            alarms_by_severity: [("Notice".to_string(), 2)].into(),
        };
        let b = Metrics {
            downtime_ms: 1,
            switches: 2,
            split_brain_ms: 0,
            writes_lost: 1,
            max_replication_lag_ms: 4,
            outages: vec![Outage { from_ms: 3, ..Outage::default() }],
            alarms_by_severity: [("Notice".to_string(), 1), ("Error".to_string(), 1)].into(),
        };
        let t = Metrics::total(&[a, b]);
        assert_eq!((t.downtime_ms, t.switches, t.split_brain_ms, t.writes_lost, t.max_replication_lag_ms), (6, 3, 2, 4, 9));
        assert_eq!(t.outages.iter().map(|o| o.from_ms).collect::<Vec<_>>(), vec![3, 7], "in time order");
        assert_eq!(t.alarms_by_severity, [("Error".to_string(), 1), ("Notice".to_string(), 3)].into());
    }

    #[test]
    fn a_failover_gives_downtime_detection_and_switch_times() {
        let mut r = Recorder::default();
        r.observe(0, s(true, 1, 0b01));
        r.observe(60_000, s(false, 0, 0)); // the online node stops
        r.observe(80_000, s(false, 0, 0b10)); // the other starts going online
        r.observe(460_000, s(true, 1, 0b10)); // and is online
        let m = r.finish(600_000, 0, 0, BTreeMap::new());
        assert_eq!(m.downtime_ms, 400_000);
        assert_eq!(m.max_time_to_detect_ms(), Some(20_000));
        assert_eq!(m.max_time_to_switch_ms(), Some(400_000));
        assert_eq!(m.switches, 1);
        assert_eq!(m.split_brain_ms, 0);
    }

    #[test]
    fn a_takeover_at_the_instant_the_outage_starts_detects_it_at_once() {
        let mut r = Recorder::default();
        r.observe(0, s(true, 1, 0b01));
        r.observe(60_000, s(false, 0, 0b10)); // a manual switch: one leaves, the other claims
        r.observe(442_000, s(true, 1, 0b10));
        let m = r.finish(600_000, 0, 0, BTreeMap::new());
        assert_eq!(m.max_time_to_detect_ms(), Some(0));
        assert_eq!(m.max_time_to_switch_ms(), Some(382_000));
    }

    #[test]
    fn split_brain_time_and_an_outage_that_never_ends() {
        let mut r = Recorder::default();
        r.observe(0, s(true, 1, 0b01));
        r.observe(10_000, s(true, 2, 0b11));
        r.observe(30_000, s(true, 1, 0b01));
        r.observe(50_000, s(false, 0, 0));
        let m = r.finish(100_000, 3, 7_000, BTreeMap::new());
        assert_eq!(m.split_brain_ms, 20_000);
        assert_eq!(m.downtime_ms, 50_000);
        assert_eq!(m.outages, vec![Outage { from_ms: 50_000, detected_ms: None, until_ms: None }]);
        assert_eq!((m.writes_lost, m.max_replication_lag_ms, m.switches), (3, 7_000, 1));
    }
}
