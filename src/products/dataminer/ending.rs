//! Ending (decommissioning) Failover, DM-ENDFAILOVER (Ending_a_Failover_configuration.md;
//! domain.md §1.13). From 10.2 on, "No Failover" confirmed with "Yes" stops the offline DMA and
//! removes its ID and data (a clean install); the online DMA releases the VIP and tells the DMS
//! to use its real IP; from 10.3.0 CU18 / 10.4.0 / 10.4.9 the online DMA restarts when
//! decommissioning ends. From 10.2.0 CU9 / 10.2.12 it also works with the offline server down,
//! but that server must never come back on the network, or its elements are polled twice.
//!
//! Modelled as state: each DMA's [`Membership`]. The former online DMA is a standalone DMA,
//! reached at its real IP (the DMS's clients use it: failsim's reading of "the DMS uses its real
//! IP", also for a client that used the VIP); it runs no heartbeat or sync and answers no
//! Failover message. The cleaned DMA runs no DataMiner again. A DMA that could not be cleaned
//! keeps its old Failover configuration: when it starts, it acts as a member of the pair, finds
//! no buddy that answers, goes online and polls the same data sources.

use super::version::{END_FAILOVER, END_FAILOVER_OFFLINE_DOWN, END_FAILOVER_RESTART};
use super::{Cx, DataMiner, Dma, Rec, Role, Run};
use crate::net::Topology;

/// Whether a DMA is still a member of the Failover pair (DM-ENDFAILOVER).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, Hash)]
pub enum Membership {
    /// A member of the Failover pair (before Failover is ended).
    Paired,
    /// The DMA that was online when Failover ended: a standalone DMA of the DMS now.
    Standalone,
    /// The DMA that was offline when Failover ended, stopped and cleaned: its DataMiner ID and
    /// data are gone, and no DataMiner runs on its server again.
    Removed,
    /// The DMA that was offline when Failover ended while its server could not be reached:
    /// nobody cleaned it, so its DataMiner still holds the old Failover configuration.
    Uncleaned,
}

impl Membership {
    /// Whether DataMiner on the DMA runs the Failover logic (it believes it is in the pair).
    pub fn in_failover(self) -> bool {
        matches!(self, Membership::Paired | Membership::Uncleaned)
    }
}

impl DataMiner {
    /// Whether Failover was ended on this pair.
    pub fn ended(&self) -> bool {
        self.agents.iter().any(|a| a.membership != Membership::Paired)
    }

    /// The standalone DMA Failover left, once it has ended.
    pub fn standalone(&self) -> Option<Dma> {
        Dma::BOTH.into_iter().find(|d| self.agent(*d).membership == Membership::Standalone)
    }

    /// Whether `from` can reach `to`'s server: it has power and a path joins them (the
    /// decommissioning stops and cleans DataMiner there).
    fn server_reachable(&self, net: &Topology, from: Dma, to: Dma) -> bool {
        net.host(self.agent(to).host).powered && self.hosts_connected(net, from, to)
    }

    /// Why Failover cannot be ended now, or the online DMA that ends it: it is run from the
    /// online DMA's Failover configuration, on 10.2 or later, and before 10.2.0 CU9 / 10.2.12
    /// only with the offline server reachable.
    fn end_refusal(&self, net: &Topology) -> Result<Dma, String> {
        if self.ended() {
            return Err("Failover has already ended".into());
        }
        if self.upgrade.is_some() || self.switch_waiting {
            return Err("an upgrade or a Switch is under way".into());
        }
        let online: Vec<Dma> = self.online().collect();
        let [online] = online[..] else { return Err(format!("it is run from the one online DMA, and {} are online", online.len())) };
        let version = self.agent(online).version;
        if !END_FAILOVER.contains(version) {
            return Err(format!("{} runs {version}: before 10.2, \"No Failover\" only disables Failover (failsim does not model it)", self.name(online)));
        }
        if !self.server_reachable(net, online, online.buddy()) && !END_FAILOVER_OFFLINE_DOWN.contains(version) {
            let why = format!("the offline DMA's server cannot be reached, and {} runs {version}: that needs 10.2.0 CU9 / 10.2.12", self.name(online));
            return Err(why);
        }
        Ok(online)
    }

    /// "No Failover", confirmed (DM-ENDFAILOVER): the offline DMA is cleaned (or left uncleaned
    /// when its server is down), the online one becomes a standalone DMA on its real IP, and
    /// from 10.3.0 CU18 / 10.4.0 / 10.4.9 it restarts.
    pub(super) fn end_failover(&mut self, cx: &mut Cx<'_, '_>) {
        let online = match self.end_refusal(cx.net()) {
            Ok(online) => online,
            Err(why) => return cx.record(Rec::Refused { what: "end Failover".into(), why }),
        };
        let offline = online.buddy();
        if self.server_reachable(cx.net(), online, offline) {
            self.clean(offline, cx);
        } else {
            self.agent_mut(offline).membership = Membership::Uncleaned;
            let step = "not cleaned: its server cannot be reached; it must never come back on the network".into();
            cx.record(Rec::EndFailover { dma: self.name(offline).into(), step });
        }
        self.make_standalone(online, cx);
        if END_FAILOVER_RESTART.contains(self.agent(online).version) {
            self.restart_agent(online, "decommissioning ended: restart (from 10.3.0 CU18 / 10.4.0 / 10.4.9)", cx);
        }
        assert!(self.ended(), "Failover has ended");
        assert!(!self.agent(offline).is_running() || self.agent(offline).membership == Membership::Uncleaned, "a cleaned DMA runs no DataMiner");
        assert_eq!(self.vips_held(cx.net(), online), 0, "the standalone DMA released the VIPs (DM-ENDFAILOVER)");
    }

    /// The offline DMA is stopped, and its DataMiner ID and data removed: what only it held is
    /// gone (its DB Sync Stack: records it gathered while online that its buddy never took).
    fn clean(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) {
        if matches!(self.agent(dma).run, Run::Running | Run::Starting) {
            self.stop_agent(dma, "Failover ended: stopped", cx);
        }
        let now = cx.now();
        let a = self.agent_mut(dma);
        a.membership = Membership::Removed;
        let had_proxy = std::mem::replace(&mut a.proxy, super::proxy::Proxy::NONE) != super::proxy::Proxy::NONE;
        let held = a.forward.drain();
        let cleared = a.console.reconcile(&[], now);
        a.console_conditions.clear();
        for c in cleared {
            cx.record(Rec::Alarm { dma: self.name(dma).into(), raised: c.raised, severity: c.severity.label(), text: c.text });
        }
        if !held.is_empty() {
            let detail = format!("only {} held them, and its data was removed when Failover ended", self.name(dma));
            let cause = crate::ledger::Cause { detail, mechanism: "decommissioned DMA's data removed", documented: Some("DM-ENDFAILOVER") };
            for range in &held {
                self.ledger.lose(*range, now, &cause);
            }
            cx.record(Rec::Lost { count: crate::ledger::count(&held), cause: cause.detail, ids: crate::ledger::format(&held) });
        }
        // Its database is gone with its data: a record is replicated once the remaining DMA's
        // database holds it (one store left; a shared storage has only the one anyway).
        if self.cfg.storage.per_dma() {
            let store = self.store_of(dma);
            self.ledger.retire(store, now);
        }
        cx.record(Rec::EndFailover { dma: self.name(dma).into(), step: "cleaned: its DataMiner ID and data removed".into() });
        if had_proxy {
            self.record_proxy(dma, cx);
        }
        assert!(!self.agent(dma).is_running(), "a cleaned DMA runs no DataMiner");
    }

    /// The online DMA leaves the pair: its heartbeats and sync checks stop, it releases the VIPs
    /// (the world's typed request) and the DMS uses its real IP. What waited in its DB Sync
    /// Stack has no buddy to go to.
    fn make_standalone(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) {
        assert_eq!(self.agent(dma).role, Role::Online, "the online DMA ends Failover");
        let a = self.agent_mut(dma);
        a.membership = Membership::Standalone;
        for hb in a.heartbeats.iter_mut() {
            hb.failures = 0;
            cx.cancel(hb.timer);
        }
        a.sync_failing_since = None;
        cx.cancel(a.timers.sync);
        let _ = a.forward.drain();
        let cfg = std::sync::Arc::clone(&self.cfg);
        for (nic, vip) in cfg.vips() {
            let Some(dropped) = cx.release_addr(self.agent(dma).port(nic), vip) else { continue };
            cx.record(Rec::Vip { dma: self.name(dma).into(), addr: vip.to_string(), held: false });
            for route in dropped {
                cx.record(Rec::RouteDropped { dma: self.name(dma).into(), route: format!("{} via {}", route.dest, route.gateway) });
            }
        }
        let real = self.cfg.agent(dma).corporate.addr;
        cx.record(Rec::EndFailover { dma: self.name(dma).into(), step: format!("standalone: the DMS uses its real IP {real}") });
        assert_eq!(self.vips_held(cx.net(), dma), 0, "a standalone DMA holds no VIP");
    }

    /// A standalone DMA's start completed: with no Failover it is online at once.
    pub(super) fn standalone_started(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) {
        assert_eq!(self.agent(dma).membership, Membership::Standalone, "only a standalone DMA starts without Failover");
        assert!(self.agent(dma).is_running(), "a standalone DMA is online once it runs");
        self.agent_mut(dma).role = Role::Online;
        cx.record(Rec::Role { dma: self.name(dma).into(), role: Role::Online.label(), why: "standalone DMA started (Failover ended)".into() });
        self.pump(dma, cx);
    }

    /// The data sources that two running online DMAs poll now, by name (DM-ENDFAILOVER: an
    /// uncleaned DMA back on the network beside the standalone one; in a split brain too).
    pub fn polled_twice(&self, net: &Topology) -> Vec<&str> {
        let mut polled: Vec<&str> = self.online().filter(|d| self.agent(*d).is_running()).flat_map(|d| self.reachable_sources(net, d)).collect();
        polled.sort_unstable();
        let mut twice: Vec<&str> = polled.windows(2).filter(|w| w[0] == w[1]).map(|w| w[0]).collect();
        twice.dedup();
        twice
    }

    /// The DMA that came back uncleaned and is online beside the standalone one, if any: its
    /// elements are polled twice (DM-ENDFAILOVER).
    pub fn back_uncleaned(&self) -> Option<(Dma, Dma)> {
        let standalone = self.standalone().filter(|d| self.agent(*d).role == Role::Online)?;
        let back = standalone.buddy();
        let a = self.agent(back);
        (a.membership == Membership::Uncleaned && a.is_running() && a.role == Role::Online).then_some((back, standalone))
    }

    /// The report's note when an uncleaned DMA polls beside the standalone one.
    pub(super) fn polled_twice_note(&self, net: &Topology) -> Option<String> {
        let (back, standalone) = self.back_uncleaned()?;
        let sources = self.polled_twice(net);
        let which = if sources.is_empty() { String::new() } else { format!(" ({})", sources.join(", ")) };
        Some(format!(
            "DM-ENDFAILOVER: {} came back uncleaned and is online beside the standalone {}: its elements are polled twice{which}",
            self.name(back),
            self.name(standalone)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::Membership;

    #[test]
    fn only_pair_members_and_uncleaned_dmas_run_failover() {
        assert!(Membership::Paired.in_failover() && Membership::Uncleaned.in_failover());
        assert!(!Membership::Standalone.in_failover() && !Membership::Removed.in_failover());
    }
}
