//! How the pair decides who is online: heartbeats (DM-HB-NORMAL, DM-HB-INVERTED), the
//! go-offline notice (DM-NOTIFY), the ping-pong refusal (DM-HB-PINGPONG), the start-up rule
//! (DM-STARTUP) and the phases of going online (DM-SWITCH-TIME).

use super::version::{self, Behaviour, KnownIssue};
use super::{Cx, DataMiner, Dma, Event, Heartbeat, Mode, Nic, Rec, Role, Rule, Run};
use crate::db::StartError;
use crate::net::{Cidr, RecordSource, Topology};

/// The VIP counts as free after this many failed pings (`FailoverPingFailuresBeforeVipAvailable`, docs).
const VIP_FREE_PINGS: u32 = 3;
/// Pings of the VIP check are 500 ms apart (docs).
const VIP_PING_INTERVAL_MS: u64 = 500;
/// Give up acquiring the VIP after `MaxWaitForFailoverVIP` = 120 s (docs).
const VIP_MAX_WAIT_MS: u64 = 120_000;

impl DataMiner {
    /// One check of heartbeat `slot` (`inverted`: of that kind; `path_ok`: its kept path
    /// answer, both as the caller read them, so a check reads the state once), as the network
    /// and the buddy are right now.
    #[inline]
    fn heartbeat_ok(&mut self, net: &Topology, dma: Dma, slot: usize, inverted: bool, path_ok: Option<(u64, bool)>) -> bool {
        debug_assert_eq!(inverted, self.agent(dma).heartbeats[slot].inverted, "the caller read the heartbeat's kind");
        debug_assert_eq!(path_ok, self.agent(dma).heartbeats[slot].path_ok, "the caller read the kept path answer");
        // DM-HB-NORMAL: a DataMiner check (TCP 8004): the path must be live and DataMiner must
        // answer at the far end. DM-HB-INVERTED: an ICMP ping to an address (the switch,
        // router or domain controller): the path alone.
        // DM-ENDFAILOVER: a DMA that left the pair answers no Failover heartbeat.
        // (`|`, not `||`: normal and inverted checks come in no order a branch predictor can
        // learn, and the buddy's line is cheap to read.)
        let answers = inverted | self.answers_failover(dma.buddy());
        // The path's answer is kept while the network's reachability epoch stays, so a quiet
        // world computes each path once (with a thousand pairs, most checks are of paths that
        // did not change).
        answers
            && match path_ok {
                Some((epoch, ok)) if epoch == net.epoch() => ok,
                _ => self.heartbeat_path_now(net, dma, slot),
            }
    }

    /// The heartbeat's path as the network is now, kept with the network's epoch.
    #[inline(never)]
    fn heartbeat_path_now(&mut self, net: &Topology, dma: Dma, slot: usize) -> bool {
        let ok = match &self.cfg.heartbeats[self.agent(dma).heartbeats[slot].cfg] {
            Heartbeat::Normal(h) => self.reaches_agent(net, dma, dma.buddy(), h.via),
            Heartbeat::Inverted(h) => net.reaches_ip(self.agent(dma).port(h.via), h.to),
        };
        self.agent_mut(dma).heartbeats[slot].path_ok = Some((net.epoch(), ok));
        ok
    }

    /// The path a heartbeat checks, as the Alarm Console and the trace name it.
    pub fn heartbeat_path(&self, cfg: usize) -> String {
        match &self.cfg.heartbeats[cfg] {
            Heartbeat::Normal(h) => format!("{} -> {} via {}", self.name(h.from), self.name(h.from.buddy()), h.via.label()),
            Heartbeat::Inverted(h) => format!("ping {} -> {} via {}", self.name(h.from), h.to, h.via.label()),
        }
    }

    /// A heartbeat's timer fired. (Inline into the event's dispatch, with the check: see
    /// [`Self::check_heartbeat`].)
    #[inline]
    pub(super) fn on_heartbeat(&mut self, dma: Dma, slot: usize, cx: &mut Cx<'_, '_>) {
        if !self.agent(dma).is_running() {
            return;
        }
        self.check_heartbeat(dma, slot, cx);
    }

    /// One check of heartbeat `slot`, and the timer for what follows it. An answered check
    /// counts now and the next one is an interval later. An inverted heartbeat's ping that gets
    /// no answer fails only when `SLNet.FailoverPingTimeoutHeartbeats` has passed
    /// (DM-OPT-PINGTIMEOUT); the next ping goes out an interval after that (interpretation: one
    /// ping of a heartbeat is out at a time, so a timeout above the interval cannot pile up
    /// pings).
    ///
    /// Inline (always: the hint alone left it a call): it is most of a heartbeat event, and a
    /// call of its own cost a frame of six saved registers an event.
    #[inline(always)]
    pub(super) fn check_heartbeat(&mut self, dma: Dma, slot: usize, cx: &mut Cx<'_, '_>) {
        // (The hot path: one field compare.) Its callers: the timer of a running DMA, the start.
        assert!(self.agents[dma.idx()].run == Run::Running, "only a running DMA checks its heartbeats");
        // The state's fields read once (each read of a DMA's heartbeats is a few branches).
        let state = &self.agents[dma.idx()].heartbeats[slot];
        let (inverted, timer, interval_ms, path_ok) = (state.inverted, state.timer, state.interval_ms, state.path_ok);
        let ok = self.heartbeat_ok(cx.world().net(), dma, slot, inverted, path_ok);
        if !ok & inverted {
            cx.arm(timer, self.cfg.ping_timeout_heartbeats.0, Event::PingTimedOut { dma, slot: slot as u8 });
            return;
        }
        cx.arm(timer, interval_ms, Event::Heartbeat { dma, slot: slot as u8 });
        self.count_heartbeat(dma, slot, ok, cx);
    }

    /// An inverted heartbeat's ping got no answer within the ping timeout: it failed
    /// (DM-OPT-PINGTIMEOUT).
    pub(super) fn on_ping_timed_out(&mut self, dma: Dma, slot: usize, cx: &mut Cx<'_, '_>) {
        assert!(self.agent(dma).is_running(), "a stopped DMA's heartbeat timers are cancelled");
        assert!(self.agent(dma).heartbeats[slot].inverted, "only an inverted heartbeat's ping times out");
        let state = &self.agents[dma.idx()].heartbeats[slot];
        cx.arm(state.timer, state.interval_ms, Event::Heartbeat { dma, slot: slot as u8 });
        self.count_heartbeat(dma, slot, false, cx);
    }

    /// The result of one check of heartbeat `slot`: counts failures, records changes,
    /// re-decides the role. (Inline, the state read once: most checks change no count.)
    #[inline]
    fn count_heartbeat(&mut self, dma: Dma, slot: usize, ok: bool, cx: &mut Cx<'_, '_>) {
        let now = cx.now();
        let state = &mut self.agents[dma.idx()].heartbeats[slot];
        let (before, inverted) = (state.failures, state.inverted);
        if ok {
            state.failures = 0;
            state.last_success_ms = Some(now);
        } else {
            state.failures = state.failures.saturating_add(1);
        }
        let failures = state.failures;
        // (`&`: see `heartbeat_ok`.)
        if ok & !inverted {
            self.settle_two_claiming(dma, cx);
        }
        if failures != before {
            self.failures_changed(dma, slot, failures, ok, cx);
        }
    }

    /// Heartbeat `slot`'s count of failures changed to `failures` with its last check (`ok`):
    /// the news is recorded, and the role re-decided.
    #[inline(never)]
    fn failures_changed(&mut self, dma: Dma, slot: usize, failures: u32, ok: bool, cx: &mut Cx<'_, '_>) {
        let state = &self.agent(dma).heartbeats[slot];
        let (cfg, max_failures, inverted) = (state.cfg, state.max_failures, state.inverted);
        if heartbeat_news(failures, max_failures) {
            cx.record_with(|| Rec::Heartbeat { dma: self.name(dma).into(), path: self.heartbeat_path(cfg), failures, max_failures });
            // A path changed its state: the next refused attempt is news again.
            self.agents[dma.idx()].last_refusal = None;
        }
        // Past the first failure beyond the tolerance, a failure is counted in the state and
        // neither traced nor shown (`heartbeat_news`, `ops::failures_shown`): a path failing
        // every millisecond for a day would otherwise write a record, and make the observers
        // look again, each time (issue 23).
        self.evaluate(dma, inverted, ok, cx);
    }

    /// Whether the DMA has heartbeats of this kind and every one of them is failing — past its
    /// allowed failures (`past_tolerance`), or at its last check.
    fn all_failing(&self, dma: Dma, inverted: bool, past_tolerance: bool) -> bool {
        let mut kind = self.agent(dma).heartbeats.iter().filter(|s| s.inverted == inverted).peekable();
        let limit = |s: &super::HeartbeatState| if past_tolerance { s.max_failures } else { 0 };
        kind.peek().is_some() && kind.all(|s| s.failures > limit(s))
    }

    /// All of the DMA's normal heartbeats fail past their allowed failures (and it has some).
    pub fn all_normal_failed(&self, dma: Dma) -> bool {
        self.all_failing(dma, false, true)
    }

    /// All of the DMA's inverted heartbeats fail past their allowed failures (and it has some).
    pub fn all_inverted_failed(&self, dma: Dma) -> bool {
        self.all_failing(dma, true, true)
    }

    /// Whether this DMA, left offline, would itself decide to go online (automatic mode): all
    /// its normal heartbeats failed past their tolerance, and at least one inverted heartbeat
    /// (if any are configured) still succeeds. The asymmetry is deliberate: a DMA *stays*
    /// offline as soon as all its inverted heartbeats fail (DM-HB-INVERTED), but an online DMA
    /// is only pushed offline once they failed past their tolerance, so one lost ping does not
    /// take the pair down.
    fn would_go_online(&self, dma: Dma) -> bool {
        self.cfg.mode == Mode::Automatic && self.all_normal_failed(dma) && !self.all_failing(dma, true, false)
    }

    /// Re-decides a DMA's role after one of its heartbeats changed. Manual mode: heartbeats
    /// never switch the pair (DM-MANUAL).
    fn evaluate(&mut self, dma: Dma, inverted: bool, ok: bool, cx: &mut Cx<'_, '_>) {
        if self.cfg.mode == Mode::Manual || !self.agent(dma).is_running() || ok {
            return;
        }
        let role = self.agent(dma).role;
        // Only a failed normal check can start a switch: the decision rests on fresh evidence,
        // never on a count left over from before a path healed (DM-NOFAILBACK).
        if !inverted && role == Role::Offline && self.would_go_online(dma) {
            self.try_go_online(dma, "all normal heartbeats failing", false, cx);
        } else if inverted && role.is_claiming() && self.all_inverted_failed(dma) {
            // DM-HB-INVERTED: a DMA goes (or stays) offline when all its inverted heartbeats fail.
            self.fired.fire(Rule::HbInverted);
            self.made_offline(dma, "all inverted heartbeats failing", cx);
        }
        assert!(
            !inverted || !self.all_inverted_failed(dma) || self.agent(dma).role == Role::Offline,
            "a DMA whose inverted heartbeats all fail is offline (DM-HB-INVERTED)"
        );
    }

    /// DM-HB-PINGPONG: a DMA asked to go offline refuses when all its own normal heartbeat
    /// paths are failing (it would want to come straight back online), unless all its inverted
    /// heartbeats fail too (then it must be offline anyway).
    fn refuses_to_go_offline(&self, dma: Dma) -> bool {
        self.cfg.mode == Mode::Automatic && self.all_failing(dma, false, false) && !self.all_failing(dma, true, false)
    }

    /// Preparing to go online: ask the buddy to go offline over any open path (DM-NOTIFY).
    /// The buddy may refuse (DM-HB-PINGPONG); a `forced` request (Switch, bring online) is not
    /// refused. Returns whether it proceeds.
    pub(super) fn try_go_online(&mut self, dma: Dma, why: &str, forced: bool, cx: &mut Cx<'_, '_>) -> bool {
        assert!(self.agent(dma).is_running(), "only a running DMA prepares to go online");
        assert_eq!(self.agent(dma).role, Role::Offline, "only an offline DMA prepares to go online");
        if let Some(refusal) = self.refusal(cx.net(), dma, forced) {
            self.refuse(dma, why, refusal, forced, cx);
            return false;
        }
        self.agents[dma.idx()].last_refusal = None;
        let buddy = dma.buddy();
        let (me, other) = (self.name(dma).to_string(), self.name(buddy).to_string());
        cx.record(Rec::Role { dma: me.clone(), role: "Preparing to go online", why: why.into() });
        if !self.can_message(cx.net(), dma, buddy) {
            cx.record(Rec::Notify { from: me, to: other, outcome: "buddy unreachable, going online without its answer".into() });
        } else if !self.agent(buddy).role.is_claiming() {
            cx.record(Rec::Notify { from: me, to: other, outcome: "buddy already offline".into() });
        } else {
            self.fired.fire(Rule::Notify);
            cx.record(Rec::Notify { from: me.clone(), to: other, outcome: "accepted".into() });
            self.made_offline(buddy, &format!("notified by {me}"), cx);
            assert_eq!(self.agent(buddy).role, Role::Offline, "a buddy that accepted the notice is offline");
        }
        self.begin_phases(dma, false, "going online", cx);
        // DM-NOTIFY: a buddy that can be told has been told, and left the online role; only an
        // unreachable one may still claim it (DM-SPLIT).
        assert!(
            !self.can_message(cx.net(), dma, buddy) || !self.agent(buddy).role.is_claiming(),
            "a DMA goes online only once a buddy it reaches left the online role (DM-NOTIFY)"
        );
        true
    }

    /// Why an attempt to go online stops before it starts, in the order the DMA finds out:
    /// a NIC it must check is down, it is still going offline, or (not for a forced request)
    /// the buddy it reaches refuses to leave the online role (DM-HB-PINGPONG).
    fn refusal(&self, net: &Topology, dma: Dma, forced: bool) -> Option<Refusal> {
        if let Some(nic) = self.nic_down_to_check(net, dma) {
            return Some(Refusal::NicDown(nic));
        }
        if self.agent(dma).unloading {
            return Some(Refusal::Unloading);
        }
        let buddy = dma.buddy();
        let asked = self.can_message(net, dma, buddy) && self.agent(buddy).role.is_claiming();
        (!forced && asked && self.refuses_to_go_offline(buddy)).then_some(Refusal::BuddyRefuses)
    }

    /// Records a refused attempt. An automatic attempt refused for the same reason as the one
    /// before it, with no heartbeat path changing state in between, is the same standing
    /// refusal: it is not recorded again (a heartbeat failing every interval retries at every
    /// check; issue 23 bounds the trace by state changes, not by checks).
    fn refuse(&mut self, dma: Dma, why: &str, refusal: Refusal, forced: bool, cx: &mut Cx<'_, '_>) {
        assert_eq!(self.agent(dma).role, Role::Offline, "only an offline DMA's attempt is refused");
        assert!(!forced || refusal != Refusal::BuddyRefuses, "a forced request is not refused by the buddy (DM-HB-PINGPONG)");
        if refusal == Refusal::BuddyRefuses {
            self.fired.fire(Rule::HbPingPong);
        }
        let repeated = !forced && self.agent(dma).last_refusal == Some(refusal);
        self.agents[dma.idx()].last_refusal = (!forced).then_some(refusal);
        if repeated {
            return;
        }
        let (me, other) = (self.name(dma).to_string(), self.name(dma.buddy()).to_string());
        cx.record(Rec::Role { dma: me.clone(), role: "Preparing to go online", why: why.into() });
        let why = match refusal {
            Refusal::NicDown(nic) => nic_down_why(nic),
            // Interpretation: it goes online only once it has finished going offline.
            Refusal::Unloading => "still going offline: unloading its elements".into(),
            Refusal::BuddyRefuses => {
                let outcome = "ignored request: All heartbeat paths are failing. Preventing ping-pong.".into();
                cx.record(Rec::Notify { from: me.clone(), to: other, outcome });
                "the buddy refused to go offline".into()
            }
        };
        cx.record(Rec::Role { dma: me, role: Role::Offline.label(), why });
        assert_eq!(self.agent(dma).role, Role::Offline, "a refused attempt leaves the DMA offline");
    }

    /// The first NIC listed in `nics_to_check` that has no link (DM-OPT-NICCHECK); `None`:
    /// every listed NIC is up.
    fn nic_down_to_check(&self, net: &Topology, dma: Dma) -> Option<Nic> {
        self.cfg.nics_to_check.iter().copied().find(|nic| !net.has_link(self.agent(dma).port(*nic)))
    }

    /// Why the DMA may not go online now (DM-OPT-NICCHECK), in words; `None`: every listed NIC
    /// is up.
    fn nic_check_failure(&self, net: &Topology, dma: Dma) -> Option<String> {
        self.nic_down_to_check(net, dma).map(nic_down_why)
    }

    /// Starts the going-online phases. From a start-up, DataMiner already loaded its elements
    /// during the start, so only the VIP acquisition remains; a switch takes `switch_time`.
    pub(super) fn begin_phases(&mut self, dma: Dma, from_startup: bool, why: &str, cx: &mut Cx<'_, '_>) {
        assert_eq!(self.agent(dma).role, Role::Offline, "only an offline DMA starts going online");
        assert!(self.agent(dma).is_running(), "only a running DMA starts going online");
        assert!(!self.agent(dma).unloading, "a DMA still unloading its elements does not go online");
        let now = cx.now();
        let vip_mode = self.cfg.vip().is_some();
        let a = self.agent_mut(dma);
        a.phase_started_ms = now;
        a.vip_free_from_ms = now;
        a.phase_from_startup = from_startup;
        a.vip_free_pings = 0;
        if vip_mode {
            a.role = Role::AcquiringVip;
            cx.arm(a.timers.phase, VIP_PING_INTERVAL_MS, Event::Phase { dma });
        } else {
            a.role = Role::GoingOnline;
            let wait = self.going_online_wait(dma, now);
            cx.arm(self.agents[dma.idx()].timers.phase, wait, Event::Phase { dma });
        }
        let role = self.agent(dma).role;
        assert!(matches!(role, Role::AcquiringVip | Role::GoingOnline), "going online starts with the VIP or the going-online wait");
        cx.record(Rec::Role { dma: self.name(dma).into(), role: role.label(), why: why.into() });
        if let (false, (_, Some(issue))) = (from_startup, self.switch_time_ms(dma)) {
            self.record_known_issue(dma, issue, cx);
        }
    }

    /// What is left of the switch time (DM-SWITCH-TIME). It counts from when the VIP check
    /// found every VIP free: time spent waiting for a DMA that still held one (an online DMA
    /// unloading its elements, DM-AUTORESTART-FAST) comes on top.
    fn going_online_wait(&self, dma: Dma, now: u64) -> u64 {
        let a = self.agent(dma);
        assert!(now >= a.vip_free_from_ms, "the VIPs were found free in the past");
        assert!(a.vip_free_from_ms >= a.phase_started_ms, "the VIPs were found free during the going-online phases");
        if a.phase_from_startup { 0 } else { self.switch_time_ms(dma).0.saturating_sub(now - a.vip_free_from_ms) }
    }

    pub(super) fn on_phase(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) {
        match self.agent(dma).role {
            Role::AcquiringVip => self.vip_ping(dma, cx),
            Role::GoingOnline => {
                if !self.agent(dma).phase_from_startup {
                    self.fired.fire(Rule::SwitchTime);
                }
                assert!(self.agent(dma).is_running(), "a stopped DMA's phase timer is cancelled");
                assert!(self.holds_vip(cx.net(), dma) || self.cfg.vip().is_none(), "a DMA going online in VIP mode holds the VIP");
                self.agent_mut(dma).role = Role::Online;
                cx.record(Rec::Role { dma: self.name(dma).into(), role: Role::Online.label(), why: "switch complete".into() });
                self.lose_missed(dma, cx);
                self.pump(dma, cx);
            }
            Role::Offline | Role::Online => unreachable!("phase timer is cancelled outside the going-online phases"),
        }
    }

    /// One ping of the VIP availability check (docs: free after 3 failed pings 500 ms apart;
    /// give up after `MaxWaitForFailoverVIP`).
    fn vip_ping(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) {
        assert_eq!(self.agent(dma).role, Role::AcquiringVip, "only a DMA acquiring the VIP pings it");
        assert!(self.agent(dma).is_running(), "a stopped DMA's phase timer is cancelled");
        // The third failed ping ends the acquisition (`begin_phases` counts afresh).
        assert!(self.agent(dma).vip_free_pings < VIP_FREE_PINGS, "a DMA still acquiring the VIP has not yet found it free");
        let first = self.cfg.vip().expect("VIP phase only in VIP mode");
        let now = cx.now();
        let net = cx.net();
        // Each VIP is pinged from the NIC it belongs on; all must be free (DM-OPT-VIPFREE).
        let taken_vip = self.cfg.vips().find(|&(nic, vip)| {
            let port = self.agent(dma).port(nic);
            net.holders(vip).any(|p| p != port && net.connected(port, p))
        });
        let stuck = self.vip_check_stuck(dma);
        let (taken, vip) = (taken_vip.is_some() || stuck.is_some(), taken_vip.map_or(first, |(_, vip)| vip));
        let a = self.agent_mut(dma);
        a.vip_free_pings = if taken { 0 } else { a.vip_free_pings + 1 };
        if taken {
            a.vip_free_from_ms = now;
        }
        if a.vip_free_pings >= VIP_FREE_PINGS {
            self.claim_vip(dma, cx);
            let a = self.agent_mut(dma);
            a.role = Role::GoingOnline;
            let wait = self.going_online_wait(dma, now);
            cx.arm(self.agents[dma.idx()].timers.phase, wait, Event::Phase { dma });
            cx.record(Rec::Role { dma: self.name(dma).into(), role: Role::GoingOnline.label(), why: "virtual IP acquired".into() });
        } else if now - a.phase_started_ms >= VIP_MAX_WAIT_MS {
            a.role = Role::Offline;
            let why = format!("NOT switching state: Cannot claim DataMiner Failover IP {vip} (still reachable; not local)");
            cx.record(Rec::Role { dma: self.name(dma).into(), role: Role::Offline.label(), why });
            // It never claimed them, so it has none to release (DM-OPT-VIPFREE).
            assert_eq!(self.vips_held(cx.net(), dma), 0, "a DMA that gave up acquiring the VIP holds none");
            if let Some(issue) = stuck {
                self.record_known_issue(dma, issue, cx);
            }
        } else {
            cx.arm(a.timers.phase, VIP_PING_INTERVAL_MS, Event::Phase { dma });
        }
    }

    /// The trace names the known issue of `dma`'s version that decided what happened.
    pub(super) fn record_known_issue(&self, dma: Dma, issue: &KnownIssue, cx: &mut Cx<'_, '_>) {
        cx.record(Rec::KnownIssue { dma: self.name(dma).into(), id: issue.id, page: issue.page, version: self.agent(dma).version.to_string() });
    }

    /// DM-KI-VIP-ACQUIRE: on an affected version, with more than two VIPs or VIPs on several
    /// NICs, the ARP double-check (RN 40516) finds every VIP still in use, so the agent going
    /// online never counts one as free.
    fn vip_check_stuck(&self, dma: Dma) -> Option<&'static KnownIssue> {
        let issue = version::affecting(self.agent(dma).version, Behaviour::VipAcquireStuck)?;
        let nics: std::collections::BTreeSet<Nic> = self.cfg.vips().map(|(nic, _)| nic).collect();
        (nics.len() > 1 || self.cfg.vips().count() > 2).then_some(issue)
    }

    /// Whether the DMA holds every VIP of the pair now, each on its own NIC (none in
    /// shared-hostname mode).
    pub(super) fn holds_vip(&self, net: &Topology, dma: Dma) -> bool {
        let count = self.cfg.vips().count();
        count > 0 && self.vips_held(net, dma) == count
    }

    /// How many of the pair's VIPs the DMA holds, each on its own NIC.
    pub(super) fn vips_held(&self, net: &Topology, dma: Dma) -> usize {
        self.cfg.vips().filter(|&(nic, vip)| self.holds_on(net, dma, nic, vip)).count()
    }

    /// Whether the DMA's NIC for `nic` holds `vip` now.
    pub(super) fn holds_on(&self, net: &Topology, dma: Dma, nic: super::Nic, vip: crate::net::Ip) -> bool {
        net.holders(vip).any(|p| p == self.agent(dma).port(nic))
    }

    /// The VIPs move to this DMA, each to its NIC, together (DM-OPT-ACQUISITION); with
    /// registration on, it registers the corporate one in DNS under its own name (DM-DNS-1,
    /// DM-DNS-2).
    pub(super) fn claim_vip(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) {
        assert!(self.agent(dma).is_running(), "only a running DMA claims the VIPs");
        // At t = 0 it is online already; later it is at the end of "Acquiring Virtual IP Address".
        assert!(self.agent(dma).role.is_claiming(), "only a DMA online or on its way claims the VIPs");
        let super::Addressing::VirtualIp(v) = &self.cfg.addressing else { return };
        let register = v.register_in_dns;
        for (nic, vip) in self.cfg.vips() {
            let port = self.agent(dma).port(nic);
            let prefix_len = self.cfg.agent(dma).address(nic).prefix_len;
            if cx.hold_addr(port, Cidr { addr: vip, prefix_len }) {
                cx.record(Rec::Vip { dma: self.name(dma).into(), addr: vip.to_string(), held: true });
            }
        }
        let vip = v.vip;
        if register && cx.register_name(&self.cfg.agent(dma).name, vip, RecordSource::Dynamic) {
            cx.record(Rec::DnsRegistered { name: self.name(dma).into(), addr: vip.to_string() });
        }
        assert!(self.holds_vip(cx.net(), dma), "a DMA that claimed the VIPs holds every one");
    }

    /// The VIPs leave their NICs. DNS keeps the record (DM-DNS-2); unbound routes through a
    /// NIC that lost its VIP drop from the active routes (DM-ROUTE-1).
    fn release_vip(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) {
        assert_eq!(self.agent(dma).role, Role::Offline, "a DMA releases the VIPs once it left the online role");
        let cfg = std::sync::Arc::clone(&self.cfg);
        for (nic, vip) in cfg.vips() {
            let port = self.agent(dma).port(nic);
            let Some(dropped) = cx.release_addr(port, vip) else { continue };
            cx.record(Rec::Vip { dma: self.name(dma).into(), addr: vip.to_string(), held: false });
            for route in dropped {
                let route = format!("{} via {}", route.dest, route.gateway);
                cx.record(Rec::RouteDropped { dma: self.name(dma).into(), route });
            }
        }
        // The VIPs leave together (DM-OPT-ACQUISITION).
        assert_eq!(self.vips_held(cx.net(), dma), 0, "a DMA that released the VIPs holds none");
    }

    /// Leaves the online role (or the way to it): releases the VIP. The records still in the DB
    /// Sync Stack stay there, on disk, and are forwarded when the sync path returns (DM-HELD).
    pub(super) fn go_offline(&mut self, dma: Dma, why: &str, cx: &mut Cx<'_, '_>) {
        if self.agent(dma).role == Role::Offline {
            // DataMiner stopping cuts an unload short: the VIPs go with it.
            if self.agent(dma).unloading {
                self.end_unload(dma, why, cx);
            }
            return;
        }
        self.leave_online_role(dma, why, cx);
        assert_eq!(self.agent(dma).role, Role::Offline, "a DMA that went offline is offline");
        assert_eq!(self.vips_held(cx.net(), dma), 0, "an offline DMA holds no VIP");
    }

    /// A running DMA is made offline (by its inverted heartbeats, or by its buddy's notice).
    /// With "Auto restart Agent when going offline" its DataMiner then restarts, as an event
    /// of its own at this instant (DM-OPT-AUTORESTART).
    fn made_offline(&mut self, dma: Dma, why: &str, cx: &mut Cx<'_, '_>) {
        // Its own inverted heartbeats (their timers run only while it runs), or a buddy that
        // could message it (DM-NOTIFY needs DataMiner running at the far end).
        assert!(self.agent(dma).is_running(), "only a running DMA is made offline");
        let was_claiming = self.agent(dma).role.is_claiming();
        let unloads = was_claiming && !self.cfg.auto_restart_when_going_offline && self.vips_held(cx.net(), dma) > 0;
        if unloads && self.cfg.unload_elements_time.0 > 0 {
            self.leave_role(dma, why, cx);
            self.begin_unload(dma, cx);
        } else {
            self.go_offline(dma, why, cx);
        }
        if was_claiming && self.cfg.auto_restart_when_going_offline {
            cx.schedule_in(0, Event::AutoRestart { dma });
        }
        assert!(self.agent(dma).is_running(), "a DMA made offline keeps running: its auto restart is an event of its own (DM-OPT-AUTORESTART)");
    }

    /// The restart "Auto restart Agent when going offline" asked for: unless the DMA stopped or
    /// claims the online role again meanwhile.
    pub(super) fn on_auto_restart(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) {
        assert!(self.cfg.auto_restart_when_going_offline, "only \"Auto restart Agent when going offline\" asks for this restart (DM-OPT-AUTORESTART)");
        if self.agent(dma).run != Run::Running || self.agent(dma).role != Role::Offline {
            return;
        }
        self.restart_agent(dma, "Auto restart Agent when going offline", cx);
    }

    /// DataMiner stops on a running DMA and starts again at once, taking the start time (the
    /// auto restart, the Watchdog's restarts, the recovery's "stop and restart one agent").
    pub(super) fn restart_agent(&mut self, dma: Dma, why: &str, cx: &mut Cx<'_, '_>) {
        assert!(self.agent(dma).is_running(), "only a running DMA is restarted");
        self.stop_agent(dma, why, cx);
        self.begin_start(dma, self.cfg.start_time.0, cx);
        assert_eq!(self.agent(dma).run, Run::Starting, "a restarted DMA is starting");
    }

    fn leave_online_role(&mut self, dma: Dma, why: &str, cx: &mut Cx<'_, '_>) {
        self.leave_role(dma, why, cx);
        self.release_vip(dma, cx);
    }

    /// The DMA's Failover Status becomes Offline; the VIPs are released by the caller.
    fn leave_role(&mut self, dma: Dma, why: &str, cx: &mut Cx<'_, '_>) {
        assert!(self.agent(dma).role.is_claiming(), "only a DMA online or on its way leaves that role");
        let a = self.agent_mut(dma);
        a.role = Role::Offline;
        cx.cancel(a.timers.phase);
        cx.record(Rec::Role { dma: self.name(dma).into(), role: Role::Offline.label(), why: why.into() });
    }

    /// DM-AUTORESTART-FAST: going offline without "Auto restart Agent when going offline", the
    /// DMA unloads all its elements and releases the VIPs only when that is done
    /// (Advanced_Failover_options.md: the option restarts the agent "instead of waiting until
    /// all elements have been unloaded"; interpretation: the VIPs are released at the end of the
    /// go-offline routine, as RN 24535 has the option's restart follow the VIP release).
    fn begin_unload(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) {
        assert_eq!(self.agent(dma).role, Role::Offline, "a DMA unloads its elements once it left the online role");
        assert!(!self.agent(dma).unloading, "a DMA unloads its elements once at a time");
        let unload_ms = self.cfg.unload_elements_time.0;
        let a = self.agent_mut(dma);
        a.unloading = true;
        cx.arm(a.timers.unload, unload_ms, Event::Unloaded { dma });
        let why = format!("it holds the virtual IPs until it is done, in {}", crate::units::Ms(unload_ms));
        cx.record(Rec::Unload { dma: self.name(dma).into(), done: false, why });
    }

    /// The elements are unloaded: the VIPs are released.
    pub(super) fn on_unloaded(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) {
        assert!(self.agent(dma).unloading, "only an unloading DMA's unload timer fires");
        assert!(self.agent(dma).is_running(), "a stopped DMA's unload ended when it stopped");
        self.end_unload(dma, "going offline complete", cx);
    }

    fn end_unload(&mut self, dma: Dma, why: &str, cx: &mut Cx<'_, '_>) {
        let a = self.agent_mut(dma);
        a.unloading = false;
        cx.cancel(a.timers.unload);
        cx.record(Rec::Unload { dma: self.name(dma).into(), done: true, why: why.into() });
        self.release_vip(dma, cx);
        assert_eq!(self.vips_held(cx.net(), dma), 0, "a DMA done unloading holds no VIP");
    }

    /// DataMiner stops on a DMA (stop, restart, power loss). Its Cassandra service stops with
    /// it (interpretation: the FAQ's start-up failure (DM-SEED-1) needs the database to start
    /// again with the agent).
    pub(super) fn stop_agent(&mut self, dma: Dma, why: &str, cx: &mut Cx<'_, '_>) {
        assert!(matches!(self.agent(dma).run, Run::Running | Run::Starting), "only a running or starting DMA stops");
        self.go_offline(dma, why, cx);
        self.cancel_agent_timers(dma, cx);
        let a = self.agent_mut(dma);
        cx.cancel(a.timers.start);
        a.run = Run::Stopped;
        assert_eq!(a.role, Role::Offline, "a stopped DMA is offline");
        let db_was_running = a.db.stop();
        assert!(!a.db.running, "a stopped DMA's database server is stopped with it");
        cx.record(Rec::Run { dma: self.name(dma).into(), state: "stopped", why: why.into() });
        if db_was_running {
            cx.record(Rec::Db { dma: self.name(dma).into(), running: false, why: why.into() });
        }
        // DM-OPT-RTE: DataMiner's threads start afresh with it.
        self.clear_hung_threads(dma, "DataMiner stopped", cx);
    }

    /// Begins a start that completes after `duration_ms`.
    pub(super) fn begin_start(&mut self, dma: Dma, duration_ms: u64, cx: &mut Cx<'_, '_>) {
        assert!(matches!(self.agent(dma).run, Run::Stopped | Run::StartFailed), "only a stopped DMA starts");
        assert!(cx.net().host(self.agent(dma).host).powered, "a DMA starts only with power");
        let a = self.agent_mut(dma);
        a.run = Run::Starting;
        a.start_failure = None;
        a.start_began_ms = cx.now();
        a.start_stuck = false;
        cx.arm(a.timers.start, duration_ms, Event::StartDone { dma });
        cx.record(Rec::Run { dma: self.name(dma).into(), state: "starting", why: format!("ready in {}", crate::units::Ms(duration_ms)) });
    }

    /// A start completes: the database first (the seed rule, DM-SEED-1), then DataMiner, then
    /// the start-up rule (DM-STARTUP): a buddy that is online (or going online) keeps this DMA
    /// offline; a buddy that is offline or unreachable lets it go online.
    pub(super) fn on_start_done(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) {
        if self.agent(dma).run != Run::Starting || self.start_gets_stuck(dma, cx) {
            return;
        }
        if let Err(e) = self.start_db(dma, "started with DataMiner", cx) {
            let a = self.agent_mut(dma);
            a.run = Run::StartFailed;
            a.start_failure = Some(e);
            cx.record(Rec::Run { dma: self.name(dma).into(), state: "start failed", why: db_failure(e) });
            return;
        }
        // DM-SEED-1: DataMiner starts on its database (a database outside the pair answered).
        assert!(!self.cfg.storage.per_dma() || self.agent(dma).db.running, "DataMiner starts only once its database runs");
        if let Some(v) = self.agent_mut(dma).pending_version.take() {
            self.agent_mut(dma).version = v;
            cx.record(Rec::Version { dma: self.name(dma).into(), version: v.to_string() });
        }
        assert!(cx.net().host(self.agent(dma).host).powered, "a DMA finishes starting only with power");
        self.agent_mut(dma).run = Run::Running;
        cx.record(Rec::Run { dma: self.name(dma).into(), state: "running", why: "start complete".into() });
        if self.agent(dma).membership == super::Membership::Standalone {
            return self.standalone_started(dma, cx);
        }
        self.arm_agent_timers(dma, false, cx);
        // A starting DMA checks its paths at once: its Alarm Console and Status start from
        // what is true now, not from before it stopped.
        for slot in 0..self.agent(dma).heartbeats.len() {
            self.check_heartbeat(dma, slot, cx);
        }
        self.check_sync(dma, cx);
        let buddy = dma.buddy();
        if self.can_message(cx.net(), dma, buddy) && self.agent(buddy).role.is_claiming() {
            self.fired.fire(Rule::Startup);
            cx.record(Rec::Role { dma: self.name(dma).into(), role: Role::Offline.label(), why: format!("{} is online", self.name(buddy)) });
        } else if self.agent(dma).role == Role::Offline {
            // (Not when the checks above already sent it online: with no failures allowed, the
            // first failing heartbeat decides at once. Found by the fuzz test.)
            let why = if self.can_message(cx.net(), dma, buddy) { "start-up: the buddy is offline" } else { "start-up: cannot reach the buddy" };
            match self.nic_check_failure(cx.net(), dma) {
                Some(down) => cx.record(Rec::Role { dma: self.name(dma).into(), role: Role::Offline.label(), why: format!("{why}, but {down}") }),
                None if self.startup_notify_blocks(dma, why, cx) => {}
                None => {
                    self.fired.fire(Rule::Startup);
                    self.begin_phases(dma, true, why, cx);
                }
            }
        }
        self.pump(dma, cx);
        // Nothing above stops it: a buddy's notice only makes it offline.
        assert!(self.agent(dma).is_running(), "a start that completed leaves DataMiner running");
    }

    /// Starts the DMA's database server unless it runs. A non-seed node needs the master seed
    /// node running and reachable (DM-SEED-1).
    pub(super) fn start_db(&mut self, dma: Dma, why: &str, cx: &mut Cx<'_, '_>) -> Result<(), StartError> {
        if !self.cfg.storage.per_dma() {
            return self.reach_outside_db(dma, cx);
        }
        let seed = self.cfg.seed;
        // DM-ENDFAILOVER: once Failover ended, no DMA waits for the other one's seed node.
        let seed_rule = self.cfg.storage.has_seed_node() && !self.ended();
        let seed_available = !seed_rule || (self.agent(seed).db.running && self.hosts_connected(cx.net(), dma, seed));
        match self.agent_mut(dma).db.start(seed_available) {
            Ok(false) => Ok(()),
            Ok(true) => {
                self.agent_mut(dma).db_start_failure = None;
                cx.record(Rec::Db { dma: self.name(dma).into(), running: true, why: why.into() });
                self.pump(dma, cx);
                Ok(())
            }
            Err(e) => {
                self.fired.fire(Rule::Seed);
                // DM-SEED-1: only a non-seed node needs the master seed node to start.
                assert!(!self.agent(dma).db.is_seed, "the master seed node's database always starts");
                self.agent_mut(dma).db_start_failure = Some(e);
                cx.record(Rec::Db { dma: self.name(dma).into(), running: false, why: db_failure(e) });
                Err(e)
            }
        }
    }
}

impl DataMiner {
    /// A start of DataMiner with its database outside the pair: every required node must
    /// answer (DM-STORAGE-CLUSTER); then buffered records go in.
    fn reach_outside_db(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) -> Result<(), StartError> {
        assert!(!self.cfg.storage.per_dma(), "only a database outside the pair is reached over the network");
        match self.missing_db_node(cx.net(), dma).map(str::to_string) {
            None => {
                self.agent_mut(dma).db_start_failure = None;
                self.pump(dma, cx);
                Ok(())
            }
            Some(node) => {
                let e = StartError::NodeMissing;
                self.agent_mut(dma).db_start_failure = Some(e);
                cx.record(Rec::Db { dma: self.name(dma).into(), running: false, why: format!("{}: {node}", db_failure(e)) });
                Err(e)
            }
        }
    }
}

/// Why a start failed, in the trace's and the health report's words.
pub(super) fn db_failure(e: StartError) -> String {
    format!("database could not start: {e}")
}

/// Why an attempt to go online stopped before it started (see `DataMiner::refusal`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(super) enum Refusal {
    NicDown(Nic),
    Unloading,
    BuddyRefuses,
}

fn nic_down_why(nic: Nic) -> String {
    format!("NIC {} is down (NicsToCheckOnFailover)", nic.label())
}

/// Whether a heartbeat's new failure count is a change of its state worth a record: success,
/// each failure within the tolerance, and the first past it. Later failures only count.
fn heartbeat_news(failures: u32, max_failures: u32) -> bool {
    failures <= max_failures.saturating_add(1)
}
