//! The known issues of SPEC §9 that change how a start or a switch goes, each switched on by
//! the DMA's version through the table in `version.rs`. The two that change the VIP check and
//! synchronization live beside those rules (`failover.rs`, `records.rs`).

use super::version::{self, Behaviour, KnownIssue};
use super::{Cx, DataMiner, Dma, Event, Rec, Role, Run};

/// How long the blocked request to go offline lasts before the buddy refuses it (the known
/// issue's log: "Notifying buddy agent to go offline" at 14:49:56, "ignored request" at
/// 14:54:56).
const NOTIFY_BLOCKED_MS: u64 = 5 * 60_000;
/// How much one active alarm stretches a switch on an affected Cassandra setup (the page says
/// only "the more alarms are active"; a failsim assumption).
pub(super) const SWITCH_MS_PER_ACTIVE_ALARM: u64 = 100;
/// "Up to 10 minutes" (KI_Failover_switch_Cassandra_Cluster.md).
const SLOW_SWITCH_MAX_MS: u64 = 10 * 60_000;

impl DataMiner {
    /// DM-KI-STARTUP-STUCK: a start that ends while the buddy is starting too gets stuck in
    /// start-up on an affected version; it ends only when `FailoverMaxStartupTime` has passed
    /// since the start began (the guard "against never coming online"; interpretation: the
    /// start then completes as any start does). Returns whether the start is stuck now.
    pub(super) fn start_gets_stuck(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) -> bool {
        assert_eq!(self.agent(dma).run, Run::Starting, "only a start that is under way can get stuck");
        let a = self.agent(dma);
        let Some(issue) = version::affecting(a.version, Behaviour::StartupStuck) else { return false };
        if a.start_stuck || self.agent(dma.buddy()).run != Run::Starting {
            return false;
        }
        let until_ms = a.start_began_ms.saturating_add(self.cfg.failover_max_startup_time.0);
        let wait_ms = until_ms.saturating_sub(cx.now());
        if wait_ms == 0 {
            return false;
        }
        let a = self.agent_mut(dma);
        a.start_stuck = true;
        cx.arm(a.timers.start, wait_ms, Event::StartDone { dma });
        let why = format!("{} is starting too; stuck until FailoverMaxStartupTime has passed", self.name(dma.buddy()));
        cx.record(Rec::Run { dma: self.name(dma).into(), state: "start-up stuck", why });
        self.record_known_issue(dma, issue, cx);
        assert_eq!(self.agent(dma).run, Run::Starting, "a stuck start is still a start");
        true
    }

    /// DM-KI-UPGRADE-OFFLINE: with both agents on an affected version (a starting buddy's
    /// version is the one it is starting with), the start-up request that the buddy go offline
    /// blocks while the buddy's server answers, running offline or starting itself (the
    /// NatsCustodian race: both keep requesting Failover information from each other until
    /// the limit of blocking calls). Returns whether it blocks; the refusal follows five
    /// minutes later (`on_notify_refused`).
    pub(super) fn startup_notify_blocks(&mut self, dma: Dma, why: &str, cx: &mut Cx<'_, '_>) -> bool {
        // Asked at the end of a start (`on_start_done`), by a DMA that came up offline.
        assert!(self.agent(dma).is_running(), "only a DMA whose start completed asks its buddy to go offline at start-up");
        assert_eq!(self.agent(dma).role, Role::Offline, "only an offline DMA asks its buddy to go offline at start-up");
        let buddy = dma.buddy();
        let affected = |d: Dma| {
            let a = self.agent(d);
            version::affecting(a.pending_version.unwrap_or(a.version), Behaviour::StartupNotifyBlocked)
        };
        let answers = matches!(self.agent(buddy).run, Run::Running | Run::Starting) && self.hosts_connected(cx.net(), dma, buddy);
        if !answers || affected(dma).is_none() || affected(buddy).is_none() {
            return false;
        }
        let (me, other) = (self.name(dma).to_string(), self.name(buddy).to_string());
        cx.record(Rec::Role { dma: me.clone(), role: "Preparing to go online", why: why.into() });
        cx.record(Rec::Notify { from: me.clone(), to: other, outcome: format!("no answer yet ({me} wants to go online; the call blocks)") });
        cx.arm(self.agent(dma).timers.phase, NOTIFY_BLOCKED_MS, Event::NotifyRefused { dma });
        true
    }

    /// The blocked request ends: the buddy refuses, and the DMA stays offline.
    pub(super) fn on_notify_refused(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) {
        assert!(self.agent(dma).is_running(), "a stopped DMA's phase timer is cancelled");
        // The refusal waits on the phase timer: going online would have re-armed it for a phase.
        assert_eq!(self.agent(dma).role, Role::Offline, "a DMA whose start-up request blocks stays offline until it is refused");
        let issue = version::affecting(self.agent(dma).version, Behaviour::StartupNotifyBlocked).expect("only an affected version blocks");
        let (me, other) = (self.name(dma).to_string(), self.name(dma.buddy()).to_string());
        let outcome = "ignored request: All heartbeat paths are failing. Preventing ping-pong.".into();
        cx.record(Rec::Notify { from: me.clone(), to: other, outcome });
        cx.record(Rec::Role { dma: me, role: Role::Offline.label(), why: "the buddy refused to go offline".into() });
        self.record_known_issue(dma, issue, cx);
    }

    /// DM-KI-CASSANDRA-SWITCH: how long a switch to `dma` takes. On an affected version with
    /// Cassandra, every active alarm stretches it, up to 10 minutes in all.
    pub(super) fn switch_time_ms(&self, dma: Dma) -> (u64, Option<&'static KnownIssue>) {
        let base_ms = self.cfg.switch_time.0;
        let issue = version::affecting(self.agent(dma).version, Behaviour::CassandraSwitchSlow);
        match issue.filter(|_| self.cfg.storage.is_cassandra() && self.cfg.active_alarms > 0) {
            None => (base_ms, None),
            Some(issue) => {
                let stretched_ms = base_ms.saturating_add(u64::from(self.cfg.active_alarms).saturating_mul(SWITCH_MS_PER_ACTIVE_ALARM));
                let switch_ms = stretched_ms.min(base_ms.max(SLOW_SWITCH_MAX_MS));
                assert!(switch_ms >= base_ms, "the known issue only ever slows a switch down (DM-KI-CASSANDRA-SWITCH)");
                (switch_ms, Some(issue))
            }
        }
    }
}
