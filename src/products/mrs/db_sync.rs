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
//!   the replication's reconnect time, so the standby catches up at the first write, check or
//!   hand-over after the path returns (the check's period bounds it).
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
    /// lost (MRS-12039 when the active failed, by id; the hand-over gives the mechanism). An
    /// active that hands over over a live replication path lets the standby catch up first.
    pub(super) fn lose_unsynced(&mut self, from: NodeId, to: NodeId, loss: Loss, cx: &mut Cx<'_, '_>) {
        let Some(d) = self.profile.db_sync else { return };
        if self.node(from).role == Role::Active && self.db_blocker(cx.net(), from).is_none() {
            self.replicate(from, cx);
        }
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// A run of `system` (seed 1: the OMS DB checks at hh:mm:s3.770) with `script` and `expect`.
    fn outcome(system: &str, script: &str, expect: &str) -> crate::runner::Outcome {
        let src = format!(r#"Scenario(name: "db", doc: "", seed: 1, system: {system}, script: [{script}], end: "4m", expect: [{expect}])"#);
        let scenario = crate::scenario::parse(Path::new("db.ron"), &src).unwrap_or_else(|e| panic!("{e}"));
        crate::runner::run(&scenario, None).expect("runs")
    }

    fn held(o: &crate::runner::Outcome) -> Vec<bool> {
        o.expectations.iter().map(|e| e.failure.is_none()).collect()
    }

    fn traced(o: &crate::runner::Outcome, text: &str) -> Vec<u64> {
        o.timeline.iter().filter(|l| l.text.contains(text)).map(|l| l.at_ms).collect()
    }

    fn fired(o: &crate::runner::Outcome) -> Option<u32> {
        o.rules_fired.iter().find(|(id, _)| id == "MRS-12039").map(|(_, n)| *n)
    }

    /// MRS 2.x counts 6 failed checks; the severity is Major from MRS 3.3.1: both are settable.
    /// The standby stops at 1:00: checks fail from 1:03.770; the 6th (1:53.770) raises the
    /// alarm; the first after the restart (2:33.770) clears it.
    #[test]
    fn the_count_and_severity_are_parameters_and_a_good_check_clears_the_alarm() {
        let expect = r#"(ids: ["MRS-12039"], when: During("0s", "1m53s769ms"), that: Alarm(text: "ALM-12039", active: false)),
            (ids: ["MRS-12039"], when: During("1m53s770ms", "2m33s769ms"), that: Alarm(text: "ALM-12039 Active/Standby OMS Databases Not Synchronized (Source=mrs-cluster, ServiceName=OMS, RoleName=OMS Server, HostName=node-master2)", severity: Major)),
            (ids: ["MRS-12039"], when: During("2m33s770ms", "4m"), that: Alarm(text: "ALM-12039", active: false)),
            (ids: ["MRS-12039"], when: At("1m3s769ms"), that: Healthy),
            (ids: ["MRS-12039"], when: At("1m3s770ms"), that: Healthy)"#;
        let o = outcome(
            "MrsManager(oms_db_sync_failures: 6, oms_db_sync_severity: Major)",
            r#"(at: "1m", do: Stop(Master2)), (at: "2m30s", do: Start(Master2))"#,
            expect,
        );
        assert_eq!(held(&o), [true, true, true, false, false], "the standby is down from 1:00: not healthy");
        assert_eq!(traced(&o, "OMS database sync status check FAILED: the standby node-master2 is not running"), [63_770]);
        assert_eq!(traced(&o, "OMS database sync status normal (node-master1 -> node-master2, 0 record(s) copied after 9 failed check(s))"), [153_770]);
        assert_eq!(fired(&o), Some(1), "the alarm's count fired the rule once");
        let default = outcome(
            "MrsManager()",
            r#"(at: "1m", do: Stop(Master2))"#,
            r#"(ids: ["MRS-12039"], when: At("4m"), that: Alarm(text: "ALM-12039", active: false))"#,
        );
        assert_eq!(held(&default), [true], "3.x: 30 checks, not reached by 4:00");
        assert_eq!(fired(&default), Some(0));
    }

    /// While the standby's GaussDB is down, records wait on the active; the first good check
    /// after it recovers copies them (three failed checks: 1:03.770, 1:13.770, 1:23.770).
    #[test]
    fn records_wait_on_the_active_until_a_good_check_copies_them() {
        let expect = r#"(ids: ["MRS-12039"], when: At("1m33s769ms"), that: Changes(written: 2, replicated: 0, pending: 2)),
            (ids: ["MRS-12039"], when: At("1m33s770ms"), that: Changes(written: 2, replicated: 2, pending: 0)),
            (ids: ["MRS-12039"], when: At("2m"), that: Changes(written: 5, replicated: 5, pending: 0))"#;
        let script = r#"(at: "1m", do: FailResource(Master2, GaussDB)), (at: "1m10s", do: WriteOmsData(count: 2)),
            (at: "1m30s", do: RestoreResource(Master2, GaussDB)), (at: "1m50s", do: WriteOmsData(count: 3))"#;
        let o = outcome("MrsManager()", script, expect);
        assert_eq!(held(&o), [true, true, true]);
        assert_eq!(traced(&o, "FAILED: the OMS database (GaussDB) on node-master2 is abnormal"), [63_770]);
        assert_eq!(traced(&o, "node-master1's OMS database takes 2 record(s) #0..#1, not replicated"), [70_000]);
        assert_eq!(traced(&o, "(node-master1 -> node-master2, 2 record(s) copied after 3 failed check(s))"), [93_770]);
        assert_eq!(traced(&o, "node-master1's OMS database takes 3 record(s) #2..#4, replicated to the standby"), [110_000]);
        // Down and back between two checks: no check failed, the next one copies and says so.
        let script = r#"(at: "1m5s", do: FailResource(Master2, GaussDB)), (at: "1m6s", do: WriteOmsData(count: 2)), (at: "1m8s", do: RestoreResource(Master2, GaussDB))"#;
        let o = outcome("MrsManager()", script, "");
        assert_eq!(traced(&o, "(node-master1 -> node-master2, 2 record(s) copied after 0 failed check(s))"), [73_770]);
    }

    /// A failing OMS database sync alone keeps the pair from being healthy, from the first
    /// failed check (1:03.770) to the first good one (1:33.770).
    #[test]
    fn a_failing_database_sync_is_a_health_problem() {
        let expect = r#"(ids: ["MRS-12039"], when: At("1m3s769ms"), that: Healthy), (ids: ["MRS-12039"], when: At("1m3s770ms"), that: Healthy),
            (ids: ["MRS-12039"], when: At("1m33s769ms"), that: Healthy), (ids: ["MRS-12039"], when: At("1m33s770ms"), that: Healthy)"#;
        let o = outcome("MrsManager()", r#"(at: "1m", do: FailResource(Master2, GaussDB)), (at: "1m30s", do: RestoreResource(Master2, GaussDB))"#, expect);
        assert_eq!(held(&o), [true, false, false, true]);
        let failure = o.expectations[1].failure.as_ref().map(|f| format!("{f:?}")).unwrap_or_default();
        assert!(failure.contains("OMS database sync failing: the OMS database (GaussDB) on node-master2 is abnormal"), "{failure}");
    }

    /// A write is acknowledged only by a running active whose database is up.
    #[test]
    fn a_write_is_refused_without_an_active_or_with_the_active_database_down() {
        let script = r#"(at: "1m", do: FailResource(Master1, GaussDB)), (at: "1m5s", do: WriteOmsData(count: 4)),
            (at: "2m", do: Stop(Master1)), (at: "2m", do: Stop(Master2)), (at: "2m10s", do: WriteOmsData(count: 1))"#;
        let o = outcome("MrsManager()", script, r#"(ids: ["MRS-12039"], when: At("4m"), that: Changes(written: 0))"#);
        assert_eq!(held(&o), [true]);
        assert_eq!(traced(&o, "refused: 4 record(s) to the OMS database: the OMS database (GaussDB) on node-master1 is down"), [65_000]);
        assert_eq!(traced(&o, "refused: 1 record(s) to the OMS database: no active node"), [130_000]);
        assert_eq!(o.revised.writes.rejected, 5, "refused records are never acknowledged");
    }

    /// The records the new active lacks are lost at a takeover (MRS-12039, documented) and at
    /// a manual switchover (no document says so).
    #[test]
    fn a_failover_loses_unsynced_records_as_documented_and_a_manual_switchover_undocumented() {
        let script = |restore: &str, then: &str| {
            format!(
                r#"(at: "1m", do: FailResource(Master2, GaussDB)), (at: "1m10s", do: WriteOmsData(count: 2)), (at: "1m20s", do: {restore}(Master2, GaussDB)), (at: "1m21s", do: {then})"#
            )
        };
        let expect = r#"(ids: ["MRS-12039"], when: At("2m"), that: LostChanges([0, 1]))"#;
        let failover = outcome("MrsManager()", &script("RestoreResource", "Stop(Master1)"), expect);
        let manual = outcome("MrsManager()", &script("FailResource", "Switch"), expect);
        // A manual switchover over a live path: the standby catches up first, nothing is lost.
        let caught_up = outcome(
            "MrsManager()",
            &script("RestoreResource", "Switch"),
            r#"(ids: ["MRS-12039"], when: At("2m"), that: Changes(written: 2, replicated: 2, lost: 0))"#,
        );
        assert_eq!(held(&caught_up), [true]);
        for (o, documented, mechanism, fired_count) in [
            (&failover, Some("MRS-12039"), "failover with the databases not synchronized", 1),
            (&manual, None, "manual switchover with the databases not synchronized", 0),
        ] {
            assert_eq!(held(o), [true]);
            let [(cause, ids)] = &o.revised.writes.losses[..] else { panic!("one loss: {:?}", o.revised.writes.losses) };
            assert_eq!((cause.documented, cause.mechanism, ids.to_string().as_str()), (documented, mechanism, "#0..#1"));
            assert_eq!(fired(o), Some(fired_count));
        }
        assert_eq!(
            traced(
                &failover,
                "LOST 2 OMS database record(s) #0..#1: written to node-master1's OMS database and not yet on node-master2's (2 failed sync check(s))"
            ),
            [87_000]
        );
    }

    /// A takeover while both the files and the database are behind loses each set once, under
    /// its own cause: the configuration changes as MRS-12011-3, the records as MRS-12039.
    #[test]
    fn a_takeover_loses_stale_files_and_unsynced_records_each_once() {
        let script = r#"(at: "1m", do: BreakSyncFile(Master2)), (at: "1m", do: FailResource(Master2, GaussDB)), (at: "1m10s", do: Write(count: 2)),
            (at: "1m20s", do: WriteOmsData(count: 3)), (at: "1m25s", do: RestoreResource(Master2, GaussDB)), (at: "1m30s", do: Stop(Master1))"#;
        let o = outcome("MrsManager()", script, r#"(ids: ["MRS-12039"], when: At("4m"), that: Changes(written: 5, lost: 5))"#);
        assert_eq!(held(&o), [true]);
        let mut losses: Vec<(Option<&str>, String)> = o.revised.writes.losses.iter().map(|(c, ids)| (c.documented, ids.to_string())).collect();
        losses.sort();
        assert_eq!(losses, [(Some("MRS-12011-3"), "#0..#1".to_string()), (Some("MRS-12039"), "#2..#4".to_string())]);
    }

    /// A node that became active by the start-up rule with a stale database rebuilds the
    /// standby's from its own: the records only the standby held are lost (no document).
    #[test]
    fn a_stale_active_rebuilds_the_standby_database() {
        let script = r#"(at: "1m", do: FailResource(Master2, GaussDB)), (at: "1m10s", do: WriteOmsData(count: 2)),
            (at: "1m20s", do: Stop(Master2)), (at: "1m30s", do: Stop(Master1)), (at: "1m40s", do: RestoreResource(Master2, GaussDB)),
            (at: "1m50s", do: Start(Master2)), (at: "2m", do: Start(Master1))"#;
        let expect = r#"(ids: ["MRS-12039"], when: At("2m3s769ms"), that: Changes(lost: 0, pending: 2)),
            (ids: ["MRS-12039"], when: At("2m3s770ms"), that: LostChanges([0, 1])), (ids: ["MRS-12039"], when: At("2m"), that: Role(Master2, Active))"#;
        let o = outcome("MrsManager()", script, expect);
        assert_eq!(held(&o), [true, true, true]);
        let [(cause, _)] = &o.revised.writes.losses[..] else { panic!("one loss") };
        assert_eq!((cause.documented, cause.mechanism), (None, "standby database rebuilt from a stale active"));
        assert_eq!(fired(&o), Some(0), "an undocumented loss fires no rule");
    }

    /// Only MRS Manager's documents describe the OMS databases.
    #[test]
    fn only_mrs_manager_has_an_oms_database() {
        for system in ["FlinkServer()", "DbService()"] {
            let src = format!(r#"Scenario(name: "db", doc: "", system: {system}, script: [(at: "1m", do: WriteOmsData(count: 1))], end: "2m")"#);
            let e = crate::scenario::parse(Path::new("db.ron"), &src).expect_err("no OMS database");
            assert!(e.message.contains("WriteOmsData"), "{e}");
            let src = format!(r#"Scenario(name: "db", doc: "", system: {system}, end: "2m")"#);
            let o = crate::runner::run(&crate::scenario::parse(Path::new("db.ron"), &src).expect("parses"), None).expect("runs");
            assert_eq!(fired(&o), None, "{system} has no MRS-12039 rule");
            assert!(traced(&o, "OMS database").is_empty(), "{system} checks no OMS database");
        }
        for (field, value) in [("oms_db_sync_failures", "0"), ("oms_db_sync_interval", "0")] {
            let src = format!(r#"Scenario(name: "db", doc: "", system: MrsManager({field}: {value}), end: "2m")"#);
            let e = crate::scenario::parse(Path::new("db.ron"), &src).expect_err("refused");
            assert!(e.message.contains(field), "{e}");
        }
    }
}
