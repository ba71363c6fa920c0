//! Sync and DB forwarding over the sync connection, and where every gathered record ends up
//! (FS-NOLOSS). Records go into the gathering DMA's database (or its file-offload buffer while
//! that database is down) and into the forward backlog (the DB Sync Stack), which drains to the
//! buddy whenever the sync connection is up.

use super::{Cx, DataMiner, Dma, Event, Nic, Rec, Role, Run};
use crate::ledger;
use crate::net::Topology;

impl DataMiner {
    /// The sync connection (DataMiner sync and DB forwarding) works right now: the sync NICs are
    /// joined by a live path and DataMiner runs on the buddy. The path's answer is kept while
    /// the network's reachability epoch stays.
    fn sync_path_ok(&mut self, net: &Topology, dma: Dma) -> bool {
        let path = match self.agent(dma).sync_path {
            Some((epoch, ok)) if epoch == net.epoch() => ok,
            _ => {
                let ok = self.reaches_agent(net, dma, dma.buddy(), Nic::Sync);
                self.agent_mut(dma).sync_path = Some((net.epoch(), ok));
                ok
            }
        };
        path && self.answers_failover(dma.buddy())
    }

    /// A sync check's timer fired. (Inline into the event's dispatch: a call of its own cost a
    /// frame of six saved registers an event.)
    #[inline]
    pub(super) fn on_sync_check(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) {
        if !self.agent(dma).is_running() {
            return;
        }
        let interval = self.agent(dma).timers.sync_interval_ms;
        cx.arm(self.agent(dma).timers.sync, interval, Event::SyncCheck { dma });
        self.check_sync(dma, cx);
    }

    /// One check of the sync connection; forwards what waits when it works. (Inline: the
    /// timer's handler is the per-event path.)
    #[inline(always)]
    pub(super) fn check_sync(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) {
        // (The hot path: one field compare.) Its callers: the timer of a running DMA, the start.
        assert!(self.agents[dma.idx()].run == Run::Running, "only a running DMA checks its sync connection");
        let ok = self.sync_path_ok(cx.world().net(), dma);
        let now = cx.now();
        let a = self.agent_mut(dma);
        match (ok, a.sync_failing_since) {
            (true, Some(_)) => {
                a.sync_failing_since = None;
                cx.record(Rec::Sync { dma: self.name(dma).into(), ok });
            }
            (false, None) => {
                a.sync_failing_since = Some(now);
                cx.record(Rec::Sync { dma: self.name(dma).into(), ok });
            }
            // Still failing: the timeout alarm depends on how long, so views must look again.
            (false, Some(_)) => cx.touch(),
            (true, None) => {}
        }
        // Also when it fails: records buffered for a database outside the pair go in as soon
        // as it answers again (DM-STORAGE-CLUSTER), whatever the sync connection does.
        self.pump(dma, cx);
    }

    /// Moves records as far as they can go now: buffered records into this DMA's database, and
    /// (when the sync connection works) the DB Sync Stack to the buddy. The stack is whatever
    /// this DMA still has to forward, in whatever role it is now: it outlives a role change or
    /// a restart (DM-HELD).
    #[inline]
    pub(super) fn pump(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) {
        // (Inline, the cheap test: most checks find nothing waiting, and then the asserts of
        // `move_waiting` hold as they stand.)
        let a = self.agent(dma);
        if !a.db_buffer.is_empty() || !a.forward.is_empty() {
            self.move_waiting(dma, cx);
        }
    }

    /// [`Self::pump`] with something waiting.
    #[inline(never)]
    fn move_waiting(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) {
        if !self.agent(dma).db_buffer.is_empty() && self.db_available(cx.net(), dma) {
            let ids = self.agent_mut(dma).db_buffer.drain();
            let store = self.store_of(dma);
            for range in &ids {
                self.ledger.store(*range, store, cx.now());
            }
            cx.record(Rec::Records { dma: self.name(dma).into(), what: "inserted buffered", count: ledger::count(&ids), ids: ledger::format(&ids) });
        }
        // (The cheap test first: most checks find nothing to forward.)
        let waiting = !self.agent(dma).forward.is_empty();
        let forwarding = waiting && self.agent(dma).is_running() && self.sync_path_ok(cx.world().net(), dma);
        if forwarding {
            let ids = self.agent_mut(dma).forward.drain();
            let buddy = dma.buddy();
            let not_synced = self.offline_not_syncing(buddy);
            if let Some(issue) = not_synced.filter(|_| self.agent(buddy).missed.is_empty()) {
                self.record_known_issue(buddy, issue, cx);
            }
            for range in &ids {
                if not_synced.is_some() {
                    self.agent_mut(buddy).missed.push(*range);
                } else if self.agent(buddy).db.running {
                    self.ledger.store(*range, buddy.idx() as u8, cx.now());
                } else {
                    self.agent_mut(buddy).db_buffer.push(*range);
                }
            }
            cx.record(Rec::Records { dma: self.name(dma).into(), what: "forwarded", count: ledger::count(&ids), ids: ledger::format(&ids) });
            assert!(self.agent(dma).forward.is_empty(), "forwarding drains the whole DB Sync Stack");
            if self.switch_waiting && self.agent(dma).role == Role::Online {
                // The push a manual Switch waits for is done: it goes ahead, as its own event.
                cx.arm(self.push_timer, 0, Event::PushWaitOver);
            }
        }
        assert!(!self.agent(dma).db.running || self.agent(dma).db_buffer.is_empty(), "a running database has taken every buffered record");
        assert!(self.cfg.storage.per_dma() || self.agent(dma).forward.is_empty(), "only a database on each DMA has a DB Sync Stack");
    }

    /// DM-KI-OFFLINE-NOSYNC: whether `dma`, offline on an affected version, does not take
    /// what its online buddy forwards (the online one cannot tell).
    fn offline_not_syncing(&self, dma: Dma) -> Option<&'static super::version::KnownIssue> {
        let a = self.agent(dma);
        (a.role == Role::Offline).then(|| super::version::affecting(a.version, super::version::Behaviour::OfflineDoesNotSync)).flatten()
    }

    /// A DMA is online now: what it never synchronized while offline is lost, since the DMA
    /// that forwarded it no longer forwards it (DM-KI-OFFLINE-NOSYNC: "a switch to it can lose
    /// data").
    pub(super) fn lose_missed(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) {
        assert_eq!(self.agent(dma).role, Role::Online, "only a DMA that is online now loses what it missed (DM-KI-OFFLINE-NOSYNC)");
        let missed = self.agent_mut(dma).missed.drain();
        if missed.is_empty() {
            return;
        }
        let version = self.agent(dma).version;
        let detail = format!("{} never synchronized them while offline on {version}, and is online now", self.name(dma));
        let cause = ledger::Cause { detail, mechanism: "offline DMA did not synchronize", documented: Some("DM-KI-OFFLINE-NOSYNC") };
        for range in &missed {
            self.ledger.lose(*range, cx.now(), &cause);
        }
        cx.record(Rec::Lost { count: ledger::count(&missed), cause: cause.detail, ids: ledger::format(&missed) });
        assert!(self.agent(dma).missed.is_empty(), "an online DMA holds nothing it missed");
    }

    /// Data gathered by every online DMA (both, in a split brain). With none online, nothing is
    /// gathered and nothing is acknowledged.
    pub(super) fn gather(&mut self, count: u32, cx: &mut Cx<'_, '_>) {
        let written_before = self.ledger.written();
        let online: Vec<Dma> = self.online().filter(|d| self.agent(*d).is_running()).collect();
        if online.is_empty() {
            self.ledger.reject(u64::from(count));
            cx.record(Rec::Rejected { count: u64::from(count) });
            assert_eq!(self.ledger.written(), written_before, "with no DMA online, nothing is acknowledged");
            return;
        }
        let now = cx.now();
        for dma in online {
            let ids = self.ledger.write(now, dma.idx() as u8, count);
            if self.db_available(cx.net(), dma) {
                self.ledger.store(ids, self.store_of(dma), now);
            } else {
                self.agent_mut(dma).db_buffer.push(ids);
            }
            // With a database outside the pair, nothing is carried to the other DMA: both use
            // the one database (DM-STORAGE-CLUSTER, DM-STORAGE-STAAS).
            if self.cfg.storage.per_dma() && self.agent(dma).membership.in_failover() {
                self.agent_mut(dma).forward.push(ids);
            }
            cx.record(Rec::Records { dma: self.name(dma).into(), what: "gathered", count: ledger::count(&[ids]), ids: ledger::format(&[ids]) });
            self.pump(dma, cx);
        }
        assert!(self.ledger.written() > written_before || count == 0, "every online DMA acknowledged what it gathered");
    }
}
