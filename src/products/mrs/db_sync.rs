//! The database a pair replicates from the active to the standby, and the active's check of its
//! sync status (MRS-12039: MRS Manager's OMS databases, ALM-12039 "Active/Standby OMS Databases
//! Not Synchronized"). Only a profile with a [`DbSync`] has one; the others never arm its timer.
//!
//! - A record written to the active's database reaches the standby's while the replication
//!   path is up: the nodes' sync NICs reach each other, the standby runs, and both databases
//!   (the profile's resource, GaussDB) are up. Otherwise it waits on the active only.
//! - Every `interval` (10 s) the active queries the sync status; a check fails while the path is
//!   down, and the alarm stands from the `failures`-th consecutive failed check (30 in MRS 3.x)
//!   until a good one. A good check finds the standby caught up: assumption, no document gives
//!   the replication's reconnect time, so the standby catches up at the first write or check
//!   after the path returns (the check's period bounds it).
//! - When the active fails and the standby takes over, the records its database lacked are lost,
//!   by id (MRS-12039: "data not yet synchronized is lost if the active fails").

use super::DbSync;
use super::model::{ActiveStandby, Cx, Event, Loss, Rec, Role, Rule};
use crate::action::NodeId;
use crate::finding::{Problem, ProblemKind};
use crate::ledger::{Cause, IdSet};
use crate::net::Topology;
use crate::ops::Severity;

impl ActiveStandby {
    fn db_spec(&self) -> DbSync {
        self.profile.db_sync.expect("only a pair with a replicated database checks or writes one")
    }

    /// The node's database serves: the node runs and the database's resource is up on it.
    fn db_up(&self, n: NodeId, d: DbSync) -> bool {
        let node = self.node(n);
        node.running && !node.resources_down.contains(&d.resource)
    }

    /// Why the active's database cannot replicate to the standby's now (the causes ALM-12039
    /// names: the network between the nodes, the standby database abnormal); `None`: it can.
    fn db_blocker(&self, net: &Topology, active: NodeId) -> Option<String> {
        let d = self.db_spec();
        let standby = active.other();
        let (a, b) = (self.name(active), self.name(standby));
        if self.node(standby).role == Role::Active {
            return Some(format!("{b} is active too: nothing to replicate to"));
        }
        if !self.node(standby).running {
            return Some(format!("the standby {b} is not running"));
        }
        if !self.sync_connected(net) {
            return Some(format!("the network between {a} and {b} is interrupted"));
        }
        let down = [standby, active].into_iter().find(|n| !self.db_up(*n, d));
        down.map(|n| format!("the {} ({}) on {} is abnormal", d.what, d.resource, self.name(n)))
    }

    /// `count` records written to the active's database (MRS-12039), copied to the standby's at
    /// once while the replication path is up; refused when no node is active or the active's
    /// database is down (never acknowledged, so never lost).
    pub(super) fn write_db(&mut self, count: u32, cx: &mut Cx<'_, '_>) {
        let Some(d) = self.profile.db_sync else {
            return cx.record(Rec::Refused { what: "WriteOmsData".into(), why: format!("{} has no replicated database", self.profile.system) });
        };
        let refusal = match self.actives().next() {
            None => Err("no active node".to_string()),
            Some(a) if !self.db_up(a, d) => Err(format!("the {} ({}) on {} is down", d.what, d.resource, self.name(a))),
            Some(a) => Ok(a),
        };
        let active = match refusal {
            Ok(a) => a,
            Err(why) => {
                self.ledger.reject(u64::from(count));
                return cx.record(Rec::Refused { what: format!("{count} record(s) to the {}", d.what), why });
            }
        };
        let written_before = self.ledger.written();
        let ids = self.ledger.write(cx.now(), active.idx() as u8, count);
        assert_eq!(self.ledger.written(), written_before + u64::from(count), "the active's database acknowledges every record written to it");
        self.ledger.store(ids, active.idx() as u8, cx.now());
        self.nodes[active.idx()].db.insert(ids);
        let copied = self.db_blocker(cx.net(), active).is_none();
        let (count, ids) = (crate::ledger::count(&[ids]), crate::ledger::format(&[ids]));
        cx.record(Rec::DbWrite { node: self.name(active).into(), what: d.what, count, ids, copied });
        if copied {
            self.replicate(active, cx);
        }
    }

    /// The active's sync-status check (MRS-12039, every `interval`): a failed check counts, and
    /// the alarm stands from the profile's count of consecutive failures; a good one finds the
    /// standby caught up and clears it. With no active, nobody checks.
    pub(super) fn on_db_sync_check(&mut self, cx: &mut Cx<'_, '_>) {
        let d = self.db_spec();
        cx.arm(self.db_timer.expect("a pair with a replicated database has its check timer"), d.interval.0, Event::DbSyncCheck);
        let Some(active) = self.actives().next() else { return };
        match self.db_blocker(cx.net(), active) {
            Some(cause) => self.db_check_failed(active, cause, d, cx),
            None => self.db_check_ok(active, d, cx),
        }
    }

    fn db_check_failed(&mut self, active: NodeId, cause: String, d: DbSync, cx: &mut Cx<'_, '_>) {
        let before = self.db_failures;
        if before == 0 {
            cx.record(Rec::DbSync { what: d.what, ok: false, detail: cause.clone() });
        }
        self.db_failures = before.saturating_add(1);
        self.db_failure = Some((cause, active.other()));
        if self.db_failures == d.failures {
            // MRS-12039: raised at the count of consecutive failed checks (`db_condition`).
            self.fired.fire(Rule::DbUnsynced);
        }
        cx.touch();
        assert!(self.db_failures > before || before == u32::MAX, "a failed check counts");
    }

    fn db_check_ok(&mut self, active: NodeId, d: DbSync, cx: &mut Cx<'_, '_>) {
        let copied = self.replicate(active, cx);
        let failed = self.db_failures;
        if failed > 0 || copied > 0 {
            let (a, b) = (self.name(active), self.name(active.other()));
            let detail = format!("{a} -> {b}, {copied} record(s) copied after {failed} failed check(s)");
            cx.record(Rec::DbSync { what: d.what, ok: true, detail });
            cx.touch();
        }
        self.db_failures = 0;
        self.db_failure = None;
        assert!(self.db_condition().is_none(), "a good check clears the alarm (MRS-12039)");
    }

    /// The replication path is up: the standby's database becomes the active's. Records only
    /// the standby held are dropped as it is rebuilt from the active (a stale active: it became
    /// active by the start-up rule, an assumption; no document describes this loss); the
    /// records it lacked are copied. Returns how many were copied.
    fn replicate(&mut self, active: NodeId, cx: &mut Cx<'_, '_>) -> u64 {
        let standby = active.other();
        assert!(self.db_blocker(cx.net(), active).is_none(), "only a live replication path copies records");
        let dropped = self.node(standby).db.difference(&self.node(active).db);
        let loss = Loss { mechanism: "standby database rebuilt from a stale active", documented: None };
        let detail = format!("held only by {}'s {}, rebuilt from {}'s", self.name(standby), self.db_spec().what, self.name(active));
        self.lose_db(&dropped, loss, detail, cx);
        let fresh = self.node(active).db.difference(&self.node(standby).db);
        for range in fresh.ranges() {
            self.ledger.store(*range, standby.idx() as u8, cx.now());
        }
        self.nodes[standby.idx()].db = self.node(active).db.clone();
        assert_eq!(self.node(standby).db, self.node(active).db, "a live replication leaves the standby with the active's records");
        fresh.len()
    }

    /// `to` becomes active with the records its database holds: those only `from`'s held are
    /// lost (MRS-12039 when the active failed, by id; the hand-over gives the mechanism).
    pub(super) fn lose_unsynced(&mut self, from: NodeId, to: NodeId, loss: Loss, cx: &mut Cx<'_, '_>) {
        let Some(d) = self.profile.db_sync else { return };
        let unsynced = self.node(from).db.difference(&self.node(to).db);
        let failures = self.db_failures;
        let detail = format!("written to {}'s {} and not yet on {}'s ({failures} failed sync check(s))", self.name(from), d.what, self.name(to));
        self.lose_db(&unsynced, loss, detail, cx);
        assert!(self.ledger.not_lost(&self.node(from).db.difference(&self.node(to).db)).is_empty(), "every unsynced record is lost, by id (MRS-12039)");
    }

    /// Marks the ids not lost yet of `ids` lost, with their cause, and says so.
    fn lose_db(&mut self, ids: &IdSet, loss: Loss, detail: String, cx: &mut Cx<'_, '_>) {
        let lost = self.ledger.not_lost(ids);
        if lost.is_empty() {
            return;
        }
        if loss.documented.is_some() {
            self.fired.fire(Rule::DbUnsynced);
        }
        let cause = Cause { detail, mechanism: loss.mechanism, documented: loss.documented };
        for range in lost.ranges() {
            self.ledger.lose(*range, cx.now(), &cause);
        }
        let what = self.db_spec().records;
        cx.record(Rec::Lost { count: crate::ledger::count(lost.ranges()), what, ids: lost.to_string(), cause: cause.detail });
    }

    /// ALM-12039 while it stands: from the profile's count of consecutive failed checks until a
    /// good one, with the documented parameters (Source, ServiceName, RoleName, HostName: the
    /// standby whose database is behind).
    pub(super) fn db_condition(&self) -> Option<(Severity, String)> {
        let (d, (_, standby)) = (self.profile.db_sync?, self.db_failure.as_ref()?);
        if self.db_failures < d.failures {
            return None;
        }
        let p = &self.profile;
        let params = format!("Source={}, ServiceName={}, RoleName={}, HostName={}", p.source, p.service, p.role, self.name(*standby));
        Some((d.alarm.severity.severity(), format!("ALM-{} {} ({params})", d.alarm.id, d.alarm.title)))
    }

    /// The database sync failing keeps the pair from being healthy.
    pub(super) fn db_problem(&self) -> Option<Problem> {
        let ((cause, _), d) = (self.db_failure.as_ref()?, self.profile.db_sync?);
        Some(Problem::new(ProblemKind::SyncFailing, format!("{} sync failing: {cause}", d.what)))
    }
}
