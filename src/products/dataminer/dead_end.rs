//! DM-DEADEND: a pair with no online DMA, or with two, although every heartbeat and the sync
//! connection work (so every fault that touched the pair has healed). The docs describe both
//! agents offline as a product state (RN 44680, RN 38349, DM-KI-UPGRADE-OFFLINE: "the system
//! stays blocked until one agent is stopped"): failsim models no rule that ends it; an operator
//! does (the known issue's workaround; the `Recover` action). For two online DMAs the docs give
//! no rule: what ends it is the assumption `dead_end.two_online`.
//!
//! While a dead end stands, both Failover dialog LEDs are red (interpretation of "Red = a
//! problem was detected"), the trace marks its start and end, and the report says so.

use super::{Cx, DataMiner, Dma, Rec};
use serde::{Deserialize, Serialize};

/// What ends two DMAs that both claim the online role (online, or going online) when they hear
/// each other again (no document says; a failsim assumption, configurable).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TwoOnline {
    /// The DMA that claimed the online role first goes offline; the one that claimed it last
    /// (the one that took over) keeps it (default). The closest document:
    /// Failover_FAQ_cable_pulled_out.md, "the other DMA will stay online" after a reconnection.
    /// A tie keeps Main.
    #[default]
    NewerStaysOnline,
    /// Both stay online until an operator acts.
    BothStay,
}

/// The assumptions that resolve a dead end (DM-DEADEND).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeadEndConfig {
    two_online: TwoOnline,
}

/// Which dead end the pair is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Hash)]
pub enum DeadEnd {
    NoneOnline,
    TwoOnline,
}

impl DeadEnd {
    pub fn label(self) -> &'static str {
        match self {
            DeadEnd::NoneOnline => "no DMA online",
            DeadEnd::TwoOnline => "two DMAs online",
        }
    }
}

impl DataMiner {
    /// The dead end the pair is in now: both DMAs running, every heartbeat and sync check of
    /// both succeeding, and no DMA online or on its way (or two online).
    pub(super) fn dead_end_now(&self) -> Option<DeadEnd> {
        // DM-ENDFAILOVER: a DMS that ended Failover is no pair.
        if self.ended() {
            return None;
        }
        let healed = |d: Dma| {
            let a = self.agent(d);
            a.is_running() && a.sync_failing_since.is_none() && a.heartbeats.iter().all(|h| h.failures == 0)
        };
        if !Dma::BOTH.into_iter().all(healed) {
            return None;
        }
        match (self.agents.iter().filter(|a| a.role.is_claiming()).count(), self.online().count()) {
            (0, _) => Some(DeadEnd::NoneOnline),
            (_, 2) => Some(DeadEnd::TwoOnline),
            _ => None,
        }
    }

    /// Marks the start and the end of a dead end in the trace (once per instant, from `settle`).
    pub(super) fn track_dead_end(&mut self, cx: &mut Cx<'_, '_>) {
        let now = self.dead_end_now();
        if now == self.dead_end.map(|(_, d)| d) {
            return;
        }
        if let Some((_, was)) = self.dead_end {
            cx.record(Rec::DeadEnd { what: was.label(), standing: false });
        }
        self.dead_end = now.map(|d| (cx.now(), d));
        if let Some(d) = now {
            self.fired.fire(super::Rule::DeadEnd);
            cx.record(Rec::DeadEnd { what: d.label(), standing: true });
        }
    }

    /// The report's note on a standing dead end.
    pub(super) fn dead_end_note(&self) -> Option<String> {
        let (since, what) = self.dead_end?;
        Some(format!("DM-DEADEND: {} since {}, with every heartbeat and the sync connection working", what.label(), crate::engine::clock(since)))
    }

    /// `dma` heard its buddy (a normal heartbeat succeeded): with both claiming the online
    /// role (online, or on their way), the assumption decides which one goes offline
    /// (DM-DEADEND). Without it two online DMAs would stay so for good once they hear each
    /// other, since no rule compares roles across the pair.
    #[inline]
    pub(super) fn settle_two_claiming(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) {
        // (Inline, the cheap test: every answered normal heartbeat comes here, and mostly one
        // DMA claims.)
        if Dma::BOTH.iter().all(|d| self.agent(*d).role.is_claiming()) {
            self.settle_both_claiming(dma, cx);
        }
    }

    /// [`Self::settle_two_claiming`] with both DMAs claiming.
    #[inline(never)]
    fn settle_both_claiming(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) {
        if self.cfg.dead_end.two_online != TwoOnline::NewerStaysOnline || !self.can_message(cx.net(), dma, dma.buddy()) {
            return;
        }
        // When each began going online (for the one online at t = 0: 0).
        let since = |d: Dma| self.agent(d).phase_started_ms;
        let older = if since(Dma::Main) < since(Dma::Backup) { Dma::Main } else { Dma::Backup };
        let why = format!(
            "{} claims the online role too, and claimed it later (failsim assumption dead_end.two_online: NewerStaysOnline, DM-DEADEND)",
            self.name(older.buddy())
        );
        self.go_offline(older, &why, cx);
        assert!(self.online().count() <= 1, "at most one DMA stays online");
        assert!(self.agent(older.buddy()).role.is_claiming(), "the newer claimer keeps its claim");
    }
}

/// One step of the documented recovery procedure, as an operator takes it (`Recover`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Step {
    Start(Dma),
    StartDb(Dma),
    /// "Workaround: stop and restart one agent" (DM-KI-UPGRADE-OFFLINE), the non-seed one: the
    /// other's normal heartbeats fail meanwhile and it goes online (DM-HB-NORMAL).
    RestartOne(Dma),
}

impl Step {
    fn dma(self) -> Dma {
        match self {
            Step::Start(d) | Step::StartDb(d) | Step::RestartOne(d) => d,
        }
    }

    fn label(self) -> &'static str {
        match self {
            Step::Start(_) => "start DataMiner",
            Step::StartDb(_) => "start the database",
            Step::RestartOne(_) => "stop and restart one agent",
        }
    }
}

impl DataMiner {
    /// The next step: the master-seed DMA first ("if an agent fails to start, first make sure
    /// the other agent is online", Failover_FAQ_cannot_start.md, DM-SEED-2), then the other;
    /// with both running and none online, the known issue's workaround. `None`: nothing to do
    /// (or wait: a DMA is starting).
    fn recovery_step(&self, net: &crate::net::Topology) -> Option<Step> {
        let first = self.cfg.seed;
        // DM-ENDFAILOVER: a DMA that left the pair is no part of the procedure.
        for d in [first, first.buddy()].into_iter().filter(|d| matches!(self.agent(*d).membership, super::Membership::Paired | super::Membership::Standalone)) {
            let a = self.agent(d);
            match a.run {
                super::Run::Starting => return None,
                super::Run::Stopped | super::Run::StartFailed => return Some(Step::Start(d)),
                super::Run::Running if self.cfg.storage.per_dma() && !a.db.running => return Some(Step::StartDb(d)),
                super::Run::Running => {}
            }
        }
        (self.dead_end_now() == Some(DeadEnd::NoneOnline) && self.agent(first.buddy()).is_running() && net.host(self.agent(first.buddy()).host).powered)
            .then_some(Step::RestartOne(first.buddy()))
    }

    /// `Recover`: takes the next step of the recovery procedure, and says which.
    pub(super) fn recover_step(&mut self, cx: &mut Cx<'_, '_>) {
        let Some(step) = self.recovery_step(cx.net()) else {
            cx.record(Rec::Refused { what: "Recover".into(), why: "nothing to recover now".into() });
            return;
        };
        cx.record(Rec::Recovery { step: step.label(), dma: self.name(step.dma()).into() });
        match step {
            Step::Start(d) => {
                self.cmd_start(d, self.cfg.start_time.0, cx);
                // The step is taken on a stopped DMA: it starts, unless its server has no power.
                assert!(
                    self.agent(d).run == super::Run::Starting || !cx.net().host(self.agent(d).host).powered,
                    "a recovery start on a powered server starts DataMiner"
                );
            }
            Step::StartDb(d) => {
                let _ = self.start_db(d, "started (recovery)", cx);
            }
            Step::RestartOne(d) => self.restart_agent(d, "stopped (recovery: stop and restart one agent)", cx),
        }
    }
}
