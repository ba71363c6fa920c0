//! What the script's actions mean for a DataMiner pair: faults, operator actions (Switch, bring
//! online; DM-MANUAL), upgrades with their three policies (DM-UPG-*), lookups and connections.

use super::{Cx, DataMiner, Dma, Event, Nic, Rec, Role, Run, Version};
pub use crate::action::{Action, CableRef, Target as DmaRef};
use crate::action::{Command as _, Count, Do};
use crate::net::{HostId, Ip, PortId, Topology};
use crate::units::Ms;
use crate::world::{Applied, WorldFault};
use serde::{Deserialize, Serialize};

/// DataMiner Failover's own commands, beside the shared actions (the scenario parser reads
/// them in a DataMiner system's vocabulary).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "Action")]
pub enum Command {
    /// Stop the DMA's own database server (DM-DB-*).
    StopDb(DmaRef),
    StartDb(DmaRef),
    /// "Bring online" from a Cube session on the DMA (DM-MANUAL).
    BringOnline(DmaRef),
    /// Upgrade both DMAs with one of the three documented policies (DM-UPG-*).
    Upgrade {
        policy: UpgradePolicy,
        version: String,
        duration: Ms,
    },
    /// `count` forward lookups of `name` from a client; each request goes where the answer leads.
    Lookup {
        name: String,
        count: u32,
    },
    /// `count` reverse lookups of `ip`.
    ReverseLookup {
        ip: Ip,
        count: u32,
    },
    /// Open a connection from a DMA to `to` through its active routes.
    Connect {
        from: DmaRef,
        to: Ip,
    },
    /// A thread of one of the DMA's processes hangs: it stops sending its watchdog signals, so
    /// SLWatchdog reports a runtime error once its timeouts pass (DM-OPT-RTE). `element`: the
    /// element whose protocol thread it is (an element-related `SLProtocol` thread);
    /// `cleared_by`: what ends the hang besides a restart of the software.
    RuntimeError {
        node: DmaRef,
        process: String,
        thread: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        element: Option<String>,
        #[serde(default)]
        cleared_by: ClearedBy,
    },
    /// The DMA's hung threads signal their watchdog again (what they waited for came back).
    ClearRuntimeError(DmaRef),
    /// "No Failover", confirmed with "Yes", in the online DMA's Failover configuration: the
    /// pair is decommissioned (DM-ENDFAILOVER; from 10.2).
    EndFailover,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
pub enum UpgradePolicy {
    /// "Upgrade main and backup Agent simultaneously" (recommended).
    Simultaneously,
    /// "Upgrade backup Agent first, switch over, upgrade main".
    BackupFirst,
    /// "... then switch back again".
    BackupFirstWithSwitchback,
}

/// What ends a hung thread (`RuntimeError`) besides a restart of the software, which starts every
/// thread afresh.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, Hash)]
pub enum ClearedBy {
    /// Only a restart of the software (or the thread resuming by itself, `ClearRuntimeError`).
    #[default]
    SoftwareRestart,
    /// Restarting the element whose protocol thread hangs clears it too.
    ElementRestart,
}

/// The shared actions a DataMiner pair supports besides the world faults.
pub const SHARED: &[&str] = &["Stop", "Start", "Restart", "Switch", "Recover", "Write"];

/// Its own commands' names, in the order messages list them.
pub const COMMANDS: &[&str] =
    &["StopDb", "StartDb", "BringOnline", "Upgrade", "Lookup", "ReverseLookup", "Connect", "RuntimeError", "ClearRuntimeError", "EndFailover"];

impl crate::action::Command for Command {
    fn kind(&self) -> &'static str {
        match self {
            Command::StopDb(_) => "StopDb",
            Command::StartDb(_) => "StartDb",
            Command::BringOnline(_) => "BringOnline",
            Command::Upgrade { .. } => "Upgrade",
            Command::Lookup { .. } => "Lookup",
            Command::ReverseLookup { .. } => "ReverseLookup",
            Command::Connect { .. } => "Connect",
            Command::RuntimeError { .. } => "RuntimeError",
            Command::ClearRuntimeError(_) => "ClearRuntimeError",
            Command::EndFailover => "EndFailover",
        }
    }

    fn describe(&self) -> String {
        match self {
            Command::StopDb(_) => "stop the database server".into(),
            Command::StartDb(_) => "start the database server".into(),
            Command::BringOnline(_) => "bring online".into(),
            Command::Upgrade { policy, version, duration } => format!("upgrade to {version}, policy {policy:?}, {duration} per DMA"),
            Command::Lookup { name, count } => format!("{count} DNS lookup(s) of {name}"),
            Command::ReverseLookup { ip, count } => format!("{count} reverse lookup(s) of {ip}"),
            Command::Connect { to, .. } => format!("connect to {to}"),
            Command::RuntimeError { process, thread, element, .. } => {
                let of = element.as_ref().map_or(String::new(), |e| format!(" of element {e}"));
                format!("runtime error: {process} thread \"{thread}\"{of} hangs")
            }
            Command::ClearRuntimeError(_) => "the hung threads signal again".into(),
            Command::EndFailover => "end Failover (No Failover, confirmed)".into(),
        }
    }

    fn target(&self) -> Option<&DmaRef> {
        match self {
            Command::StopDb(t) | Command::StartDb(t) | Command::BringOnline(t) | Command::ClearRuntimeError(t) => Some(t),
            Command::Connect { from, .. } => Some(from),
            Command::RuntimeError { node, .. } => Some(node),
            Command::Upgrade { .. } | Command::Lookup { .. } | Command::ReverseLookup { .. } | Command::EndFailover => None,
        }
    }

    fn count(&self) -> Option<Count> {
        match self {
            Command::Lookup { count, .. } | Command::ReverseLookup { count, .. } => Some(Count::Lookups(*count)),
            _ => None,
        }
    }

    /// Lookups and connections are traffic.
    fn is_workload(&self) -> bool {
        matches!(self, Command::Lookup { .. } | Command::ReverseLookup { .. } | Command::Connect { .. })
    }
}

/// DataMiner's own fault: its database server stops (DM-DB-*).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    StopDb,
}

impl crate::fault::OwnFault for Fault {
    type Command = Command;
    fn label(&self) -> String {
        format!("{self:?}")
    }
    fn strike(&self, node: &DmaRef, _duration_ms: u64) -> Vec<Command> {
        match self {
            Fault::StopDb => vec![Command::StopDb(node.clone())],
        }
    }
    fn heal(&self, node: &DmaRef) -> Option<Command> {
        match self {
            Fault::StopDb => Some(Command::StartDb(node.clone())),
        }
    }
}

/// The upgrade procedure in progress (the Taskbar Utility / System Center running it).
#[derive(Clone, Debug, Hash)]
pub struct Upgrade {
    policy: UpgradePolicy,
    version: Version,
    duration_ms: u64,
    /// The DMA online when the upgrade began.
    first_online: Dma,
    step: Step,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Step {
    /// Waiting for both DMAs to run again (Simultaneously).
    UpgradingBoth,
    /// Waiting for the DMA being upgraded to run again.
    Upgrading(Dma),
    /// Waiting for the switch to make this DMA online.
    SwitchingTo(Dma),
}

impl DataMiner {
    /// The DMA a claim names: its identity, or its name (the parser checked it is one).
    pub(super) fn dma_of(&self, n: &crate::action::NodeRef) -> Dma {
        n.among(Dma::BOTH.map(|d| (d, self.name(d).to_string()))).expect("the parser checked the claim's DMAs")
    }

    /// Resolves a node reference at the moment the action runs: a role held by no DMA, or by
    /// both (two online in a split brain, both offline), is refused with the words why.
    pub fn resolve(&self, r: &DmaRef) -> Result<Dma, String> {
        let holding = |online: bool| Dma::BOTH.into_iter().filter(move |d| self.agent(*d).role.is_claiming() == online).map(|d| (d, self.name(d).to_string()));
        match r {
            DmaRef::Main => Ok(Dma::Main),
            DmaRef::Backup => Ok(Dma::Backup),
            DmaRef::Online => crate::action::one_holding(r, holding(true), "DMA"),
            DmaRef::Offline => crate::action::one_holding(r, holding(false), "DMA"),
            DmaRef::Named(name) => crate::action::named(name, Dma::BOTH.map(|d| (d, self.name(d).to_string())), "DMA"),
        }
    }

    fn describe(&self, dma: Dma) -> String {
        let a = self.agent(dma);
        let state = if a.is_running() { a.role.label().to_lowercase() } else { format!("{:?}", a.run).to_lowercase() };
        format!("{} ({state})", self.name(dma))
    }

    pub(super) fn on_command(&mut self, command: Do<Command>, cx: &mut Cx<'_, '_>) {
        let mut resolved = None;
        if let Some(t) = command.target() {
            match self.resolve(t) {
                Ok(d) => resolved = Some(d),
                Err(why) => {
                    cx.record(Rec::Refused { what: command.describe(), why });
                    return;
                }
            }
        }
        cx.record_with(|| {
            let text = match resolved {
                Some(d) => format!("{} on {}", command.describe(), self.describe(d)),
                None => command.describe(),
            };
            Rec::Script { text }
        });
        match command {
            Do::Shared(action) => self.apply(action, resolved, cx),
            Do::Own(own) => self.apply_own(own, resolved, cx),
        }
    }

    fn apply(&mut self, action: Action, dma: Option<Dma>, cx: &mut Cx<'_, '_>) {
        let d = || dma.expect("resolved above");
        match action {
            // World faults: the world applies them; the hooks below react (see `after_fault`).
            Action::Pull { cable, .. } | Action::Plug { cable, .. } | Action::DisableNic { cable, .. } | Action::EnableNic { cable, .. } => {
                let ports: Vec<PortId> = self.own_nics(d(), cable, cx).into_iter().map(|nic| self.agent(d()).port(nic)).collect();
                self.request_world(&action, Some(self.agent(d()).host), &ports, cx);
            }
            Action::PowerFail(_) | Action::PowerOn(_) => self.request_world(&action, Some(self.agent(d()).host), &[], cx),
            Action::FailSwitch | Action::RestoreSwitch | Action::World(_) => self.request_world(&action, None, &[], cx),
            Action::Stop(_) => self.cmd_stop(d(), cx),
            Action::Start(_) => self.cmd_start(d(), self.cfg.start_time.0, cx),
            Action::Restart { duration, .. } => {
                self.cmd_stop(d(), cx);
                self.cmd_start(d(), duration.0, cx);
            }
            Action::Switch => {
                self.manual_switch(cx);
            }
            Action::Recover => self.recover_step(cx),
            Action::Write { count } => self.gather(count, cx),
        }
    }

    fn apply_own(&mut self, command: Command, dma: Option<Dma>, cx: &mut Cx<'_, '_>) {
        let d = || dma.expect("resolved above");
        match command {
            Command::StopDb(_) => {
                if self.agent_mut(d()).db.stop() {
                    cx.record(Rec::Db { dma: self.name(d()).into(), running: false, why: "stopped".into() });
                }
                // DataMiner keeps running on a stopped database (DM-DB-ON-1, DM-DB-OFF-1).
                assert!(!self.agent(d()).db.running, "a stopped database server does not run");
            }
            Command::StartDb(_) => {
                let _ = self.start_db(d(), "started", cx);
            }
            Command::BringOnline(_) => self.bring_online(d(), cx),
            Command::Upgrade { policy, version, duration } => {
                let version = Version::parse(&version).expect("the parser checked the upgrade's version");
                self.begin_upgrade(policy, version, duration.0, cx)
            }
            Command::Lookup { name, count } => (0..count).for_each(|_| self.lookup(&name, cx)),
            Command::ReverseLookup { ip, count } => (0..count).for_each(|_| self.reverse_lookup(ip, cx)),
            Command::Connect { to, .. } => self.connect(d(), to, cx),
            Command::RuntimeError { process, thread, element, cleared_by, .. } => self.hang_thread(d(), process, thread, element, cleared_by, cx),
            Command::ClearRuntimeError(_) => self.cmd_clear_runtime_errors(d(), cx),
            Command::EndFailover => self.end_failover(cx),
        }
    }

    /// The DMA's NICs a cable reference names; a Sync NIC it does not have (sync over the
    /// corporate network, DM-OPT-SYNCNIC) is refused, not taken for the corporate one.
    /// Asks the world for the faults a world action means (the world says what it means; the
    /// pair says where its DMA is: `host`, the NICs `ports`, the switch of its site).
    fn request_world(&self, command: &Action, host: Option<HostId>, ports: &[PortId], cx: &mut Cx<'_, '_>) {
        let faults = cx.world().faults_of(command, host, ports, self.site.switch).expect("a world action means world faults");
        faults.into_iter().for_each(|fault| cx.request(fault));
    }

    fn own_nics(&self, dma: Dma, cable: CableRef, cx: &mut Cx<'_, '_>) -> Vec<Nic> {
        let (own, missing): (Vec<Nic>, Vec<Nic>) = nics(cable).into_iter().partition(|n| self.agent(dma).nics().any(|o| o == *n));
        if !missing.is_empty() {
            cx.record(Rec::Refused {
                what: format!("the Sync cable of {}", self.name(dma)),
                why: "it has no Sync NIC: sync runs over the corporate network".into(),
            });
        }
        own
    }

    fn cmd_stop(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) {
        if matches!(self.agent(dma).run, Run::Running | Run::Starting) {
            self.stop_agent(dma, "stopped", cx);
        }
        assert!(!matches!(self.agent(dma).run, Run::Running | Run::Starting), "a stop leaves DataMiner neither running nor starting");
        assert_eq!(self.agent(dma).role, Role::Offline, "a stopped DMA is offline");
    }

    pub(super) fn cmd_start(&mut self, dma: Dma, duration_ms: u64, cx: &mut Cx<'_, '_>) {
        if !cx.net().host(self.agent(dma).host).powered {
            cx.record(Rec::Refused { what: format!("start {}", self.name(dma)), why: "the server has no power".into() });
        } else if self.agent(dma).membership == super::Membership::Removed {
            // DM-ENDFAILOVER: ending Failover removed DataMiner from the offline DMA's server.
            cx.record(Rec::Refused { what: format!("start {}", self.name(dma)), why: "its DataMiner was removed when Failover ended".into() });
        } else if matches!(self.agent(dma).run, Run::Stopped | Run::StartFailed) {
            self.begin_start(dma, duration_ms, cx);
        }
        // A start without power, or without DataMiner, is refused; else DataMiner runs or is on its way.
        assert!(
            !cx.net().host(self.agent(dma).host).powered
                || self.agent(dma).membership == super::Membership::Removed
                || matches!(self.agent(dma).run, Run::Running | Run::Starting),
            "a start on a powered server leaves DataMiner running or starting"
        );
    }

    /// The DMA whose server is `host`, if any.
    fn dma_on(&self, host: HostId) -> Option<Dma> {
        Dma::BOTH.into_iter().find(|d| self.agent(*d).host == host)
    }

    /// The world is about to apply a fault: a server about to lose power goes down with it.
    pub(super) fn before_fault(&mut self, fault: &WorldFault, cx: &mut Cx<'_, '_>) {
        if let WorldFault::Power { host, on: false } = *fault
            && let Some(dma) = self.dma_on(host)
        {
            self.cmd_stop(dma, cx);
            // DM-STOP-POWER: a power failure is a stop.
            assert!(!matches!(self.agent(dma).run, Run::Running | Run::Starting), "a server about to lose power has stopped DataMiner");
        }
    }

    /// The world applied a fault: the DMAs notice their NICs' links (the Status dialog lists a
    /// NIC from its first link event on, docs), the trace says what happened to the pair's
    /// cables, NICs and servers, and a server that got power back boots.
    pub(super) fn after_fault(&mut self, fault: &WorldFault, applied: &Applied, cx: &mut Cx<'_, '_>) {
        for d in Dma::BOTH {
            let own: Vec<Nic> = self.agent(d).nics().collect();
            for nic in own {
                if let Some(up) = applied.link(self.agent(d).port(nic)) {
                    self.agent_mut(d).nic_seen[nic as usize] = true;
                    cx.record(Rec::Link { dma: self.name(d).into(), nic: nic.label(), up });
                }
            }
        }
        match *fault {
            WorldFault::Nic { port, enabled } if applied.changed => {
                let nic = Dma::BOTH.into_iter().flat_map(|d| self.agent(d).nics().map(move |n| (d, n))).find(|(d, n)| self.agent(*d).port(*n) == port);
                if let Some((dma, nic)) = nic {
                    cx.record(Rec::NicEnabled { dma: self.name(dma).into(), nic: nic.label(), enabled });
                }
            }
            WorldFault::Power { host, on } if applied.changed => {
                if let Some(dma) = self.dma_on(host) {
                    // `before_fault` stopped DataMiner before the power went; a boot starts it.
                    assert!(on || !matches!(self.agent(dma).run, Run::Running | Run::Starting), "a server without power runs no DataMiner (DM-STOP-POWER)");
                    cx.record(Rec::Power { dma: self.name(dma).into(), on });
                    if on {
                        // The boot re-applied the server's persistent routes (the world did,
                        // DM-ROUTE-1); DataMiner starts, where it is installed (DM-ENDFAILOVER).
                        self.cmd_start(dma, self.cfg.start_time.0, cx);
                        let installed = self.agent(dma).membership != super::Membership::Removed;
                        assert!(!installed || self.agent(dma).run == Run::Starting, "a server that got power back starts DataMiner");
                    }
                }
            }
            WorldFault::Cable { .. } | WorldFault::Nic { .. } | WorldFault::Power { .. } | WorldFault::Switch { .. } => {}
        }
        self.advance_upgrade(cx);
    }

    /// The Switch button (DM-MANUAL): unavailable while the offline DMA is not running.
    /// A manual Switch first waits, up to `db_push_wait`, for the online DMA to forward what
    /// its DB Sync Stack holds (DM-OPT-DBPUSHWAIT); it is accepted (true) when it starts or waits.
    fn manual_switch(&mut self, cx: &mut Cx<'_, '_>) -> bool {
        if self.switch_waiting {
            cx.record(Rec::Refused { what: "Switch".into(), why: "a Switch already waits for the DB push".into() });
            return false;
        }
        let Some(target) = self.switch_target(cx) else { return false };
        let online = target.buddy();
        let waiting = self.agent(online).forward.len();
        let wait_ms = self.cfg.db_push_wait.0;
        if waiting == 0 || wait_ms == 0 {
            return self.try_go_online(target, "manual Switch", true, cx);
        }
        assert_eq!(self.agent(online).role, Role::Online, "a Switch waits only for an online DMA's DB push (DM-OPT-DBPUSHWAIT)");
        cx.record(Rec::PushWait { dma: self.name(online).into(), count: waiting, wait: crate::units::Ms(wait_ms).to_string() });
        self.switch_waiting = true;
        cx.arm(self.push_timer, wait_ms, Event::PushWaitOver);
        true
    }

    /// The waiting Switch goes ahead: the push finished, or the wait is over. What it found
    /// before it waited is checked again (a DMA may have stopped meanwhile).
    pub(super) fn finish_switch(&mut self, cx: &mut Cx<'_, '_>) {
        assert!(self.switch_waiting, "only a waiting Switch goes ahead");
        self.switch_waiting = false;
        cx.cancel(self.push_timer);
        let pushed = Dma::BOTH.into_iter().filter(|d| self.agent(*d).role == Role::Online).all(|d| self.agent(d).forward.is_empty());
        cx.record(Rec::PushWaitOver { why: if pushed { "the DB push finished" } else { "the wait for the DB push is over" } });
        let started = match self.switch_target(cx) {
            Some(target) => self.try_go_online(target, "manual Switch", true, cx),
            None => false,
        };
        if !started && self.upgrade.is_some() {
            self.abort_upgrade(cx);
        }
        // Only the Switch button or an upgrade's switch makes a Switch wait: neither runs here.
        assert!(!self.switch_waiting, "a Switch that went ahead no longer waits");
    }

    /// The upgrade procedure stops: the switch it needed was refused.
    fn abort_upgrade(&mut self, cx: &mut Cx<'_, '_>) {
        assert!(self.upgrade.is_some(), "only an upgrade in progress is aborted");
        cx.record(Rec::Upgrade { step: "aborted: the switch was refused".into() });
        self.upgrade = None;
    }

    /// The DMA a Switch would bring online: the offline buddy of the online one, running and
    /// offline. `None` (and the refusal in the trace) otherwise.
    fn switch_target(&mut self, cx: &mut Cx<'_, '_>) -> Option<Dma> {
        if self.ended() {
            cx.record(Rec::Refused { what: "Switch".into(), why: "Failover has ended (DM-ENDFAILOVER)".into() });
            return None;
        }
        let online = Dma::BOTH.into_iter().find(|d| self.agent(*d).role == Role::Online);
        let Some(online) = online else {
            cx.record(Rec::Refused { what: "Switch".into(), why: "no DMA is online".into() });
            return None;
        };
        let target = online.buddy();
        if !self.agent(target).is_running() {
            cx.record(Rec::Refused { what: "Switch".into(), why: format!("the offline DMA {} is not running", self.name(target)) });
            return None;
        }
        if self.agent(target).role.is_claiming() {
            cx.record(Rec::Refused { what: "Switch".into(), why: format!("{} is not offline ({})", self.name(target), self.agent(target).role.label()) });
            return None;
        }
        Some(target)
    }

    /// "Bring online" from a Cube session on the offline DMA: works when the online one is
    /// unavailable (DM-MANUAL).
    fn bring_online(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) {
        let buddy = dma.buddy();
        let why = if !self.agent(dma).is_running() {
            Some(format!("{} is not running", self.name(dma)))
        } else if self.agent(dma).role.is_claiming() {
            Some(format!("{} is already online", self.name(dma)))
        } else if self.can_message(cx.net(), dma, buddy) && self.agent(buddy).role.is_claiming() {
            Some(format!("the online DMA {} is available: use Switch", self.name(buddy)))
        } else {
            None
        };
        match why {
            Some(why) => cx.record(Rec::Refused { what: format!("bring {} online", self.name(dma)), why }),
            None => {
                let started = self.try_go_online(dma, "brought online by the operator", true, cx);
                // A DMA that may not go online (DM-OPT-NICCHECK) stays as it was.
                assert!(started || self.agent(dma).role == Role::Offline, "a DMA brought online that did not proceed stays offline");
            }
        }
    }

    fn begin_upgrade(&mut self, policy: UpgradePolicy, version: Version, duration_ms: u64, cx: &mut Cx<'_, '_>) {
        if self.upgrade.is_some() || self.ended() {
            let why = if self.ended() { "Failover has ended: upgrade the standalone DMA" } else { "an upgrade is already running" };
            cx.record(Rec::Refused { what: "upgrade".into(), why: why.into() });
            return;
        }
        let Some(first_online) = Dma::BOTH.into_iter().find(|d| self.agent(*d).role == Role::Online) else {
            cx.record(Rec::Refused { what: "upgrade".into(), why: "no DMA is online".into() });
            return;
        };
        let offline = first_online.buddy();
        let step = match policy {
            UpgradePolicy::Simultaneously => {
                // Both restart at once; the online one is restarted first, so on equal durations it
                // finishes first and comes back online (DM-STARTUP), its buddy offline.
                for d in [first_online, offline] {
                    self.upgrade_dma(d, version, duration_ms, cx);
                }
                Step::UpgradingBoth
            }
            UpgradePolicy::BackupFirst | UpgradePolicy::BackupFirstWithSwitchback => {
                self.upgrade_dma(offline, version, duration_ms, cx);
                Step::Upgrading(offline)
            }
        };
        // Every policy begins by restarting the offline DMA (alone, or with the online one).
        assert!(!self.agent(offline).is_running(), "an upgrade begins with the offline DMA's restart (DM-UPG-1, DM-UPG-2, DM-UPG-3)");
        cx.record(Rec::Upgrade { step: format!("{policy:?} to {version} started") });
        self.upgrade = Some(Upgrade { policy, version, duration_ms, first_online, step });
    }

    fn upgrade_dma(&mut self, dma: Dma, version: Version, duration_ms: u64, cx: &mut Cx<'_, '_>) {
        cx.record(Rec::Upgrade { step: format!("upgrading {} to {version}", self.name(dma)) });
        self.agent_mut(dma).pending_version = Some(version);
        self.cmd_stop(dma, cx);
        self.cmd_start(dma, duration_ms, cx);
        // The new version is taken when the start completes (`on_start_done`), not before.
        assert!(!self.agent(dma).is_running(), "a DMA being upgraded runs only once its start completes");
        assert_eq!(self.agent(dma).pending_version, Some(version), "a DMA being upgraded waits for its new version");
    }

    /// Moves the upgrade procedure on when its current step is done.
    pub(super) fn advance_upgrade(&mut self, cx: &mut Cx<'_, '_>) {
        let Some(up) = &self.upgrade else { return };
        let (policy, step, first) = (up.policy, up.step, up.first_online);
        let second = first.buddy();
        let failed = |dm: &Self, d: Dma| dm.agent(d).run == Run::StartFailed;
        let waiting_on = match step {
            Step::UpgradingBoth => Dma::BOTH.into_iter().find(|d| !self.agent(*d).is_running()),
            Step::Upgrading(d) => (!self.agent(d).is_running()).then_some(d),
            Step::SwitchingTo(d) => (self.agent(d).role != Role::Online).then_some(d),
        };
        if let Some(d) = waiting_on {
            if failed(self, d) {
                cx.record(Rec::Upgrade { step: format!("aborted: {} did not start", self.name(d)) });
                self.upgrade = None;
            }
            return;
        }
        let next = match (policy, step) {
            (_, Step::Upgrading(d)) if d == second => self.upgrade_switch(second, cx),
            (_, Step::SwitchingTo(d)) if d == second => {
                let upgrade = self.upgrade.as_ref().expect("an upgrade in progress");
                let (version, duration_ms) = (upgrade.version, upgrade.duration_ms);
                self.upgrade_dma(first, version, duration_ms, cx);
                Some(Step::Upgrading(first))
            }
            (UpgradePolicy::BackupFirstWithSwitchback, Step::Upgrading(d)) if d == first => self.upgrade_switch(first, cx),
            _ => {
                // Each DMA took the new version when its upgrade's start completed.
                let version = self.upgrade.as_ref().expect("an upgrade in progress").version;
                assert!(
                    Dma::BOTH.iter().all(|d| self.agent(*d).version == version),
                    "a finished upgrade leaves both DMAs on the new version (DM-UPG-1, DM-UPG-2, DM-UPG-3)"
                );
                cx.record(Rec::Upgrade { step: "finished".into() });
                None
            }
        };
        match next {
            Some(step) => self.upgrade.as_mut().expect("upgrade in progress").step = step,
            None => self.upgrade = None,
        }
    }

    fn upgrade_switch(&mut self, to: Dma, cx: &mut Cx<'_, '_>) -> Option<Step> {
        assert!(self.upgrade.is_some(), "only an upgrade in progress switches");
        cx.record(Rec::Upgrade { step: format!("switching {} online", self.name(to)) });
        if self.manual_switch(cx) {
            Some(Step::SwitchingTo(to))
        } else {
            self.abort_upgrade(cx);
            None
        }
    }

    /// A client resolves `name` and sends a request to the answer. In shared-hostname mode the
    /// offline DMA's reverse proxy forwards it to the online one (DM-DNS-6, DM-PROXY).
    fn lookup(&mut self, name: &str, cx: &mut Cx<'_, '_>) {
        self.manage_proxies(cx);
        let answer = cx.world().dns().lookup(name, &mut self.dns_rng);
        let served_by = answer.and_then(|ip| self.serve(cx.net(), ip));
        let served = served_by.map(|d| self.name(d).to_string());
        let answer = answer.map_or("no answer".into(), |ip| ip.to_string());
        cx.record(Rec::Lookup {
            query: name.to_string(),
            answer: answer.clone(),
            served_by: served.as_ref().map_or(String::new(), |s| format!(" (served by {s})")),
        });
        self.seen(name, answer, served);
    }

    /// Keeps what a lookup of `query` got for the expectations (`Lookups`).
    fn seen(&mut self, query: &str, answer: String, served_by: Option<String>) {
        let seen = self.lookups.entry(query.to_string()).or_default();
        seen.answers.insert(answer);
        seen.served_by.extend(served_by);
    }

    /// Which online DMA serves a request sent from the client to `ip`, if any (metrics).
    pub(super) fn served_online(&self, net: &Topology, ip: Ip) -> Option<Dma> {
        self.serve(net, ip).filter(|d| self.agent(*d).role == Role::Online)
    }

    fn reverse_lookup(&mut self, ip: Ip, cx: &mut Cx<'_, '_>) {
        let answer = cx.world().dns().reverse(ip, &mut self.dns_rng);
        let answer = answer.unwrap_or_else(|| "no answer".into());
        cx.record(Rec::Lookup { query: ip.to_string(), answer: answer.clone(), served_by: String::new() });
        self.seen(&ip.to_string(), answer, None);
    }

    /// A connection from a DMA's server through its active routes (DM-ROUTE-*).
    fn connect(&mut self, dma: Dma, to: Ip, cx: &mut Cx<'_, '_>) {
        let result = self.route_to(cx.world(), dma, to);
        let (ok, detail) = match result {
            Ok(d) => (true, d),
            Err(d) => (false, d),
        };
        cx.record(Rec::Connect { from: self.name(dma).into(), to: to.to_string(), ok, detail: detail.clone() });
        self.connections.push(super::Connection { at_ms: cx.now(), from: self.name(dma).into(), to, ok, detail });
    }

    fn route_to(&self, world: &crate::world::World, dma: Dma, to: Ip) -> Result<String, String> {
        let (a, net) = (self.agent(dma), world.net());
        let route = world.routes(a.host).and_then(|t| t.lookup(to)).ok_or_else(|| format!("no active route to {to}"))?;
        let nic = match &route.interface {
            Some(name) => Nic::ALL.into_iter().find(|n| n.label().eq_ignore_ascii_case(name)).ok_or_else(|| format!("no interface {name}"))?,
            None => Nic::ALL
                .into_iter()
                .find(|n| net.port(a.port(*n)).addrs.iter().any(|c| c.contains(route.gateway)))
                .ok_or_else(|| format!("gateway {} not on any interface", route.gateway))?,
        };
        let port = a.port(nic);
        if !net.reaches_ip(port, route.gateway) {
            return Err(format!("gateway {} unreachable via {}", route.gateway, nic.label()));
        }
        let gateway_port = net.holders(route.gateway).next().expect("reached, so held");
        if !net.reaches_ip(gateway_port, to) {
            return Err(format!("{to} unreachable from gateway {}", route.gateway));
        }
        Ok(format!("via {} and gateway {}", nic.label(), route.gateway))
    }
}

/// The NICs a cable reference names.
fn nics(cable: CableRef) -> Vec<Nic> {
    match cable {
        CableRef::Corporate => vec![Nic::Corporate],
        CableRef::Sync => vec![Nic::Sync],
        CableRef::Both => vec![Nic::Corporate, Nic::Sync],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fault::OwnFault;

    #[test]
    fn lookups_are_counted_traffic_and_the_database_fault_is_undone_by_a_start() {
        let ip: Ip = "10.0.0.1".parse().expect("an address");
        assert_eq!(Command::Lookup { name: "n".into(), count: 4 }.count(), Some(Count::Lookups(4)));
        assert_eq!(Command::ReverseLookup { ip, count: 2 }.count(), Some(Count::Lookups(2)));
        assert_eq!(Command::StopDb(DmaRef::Main).count(), None);
        let traffic =
            [Command::Lookup { name: "n".into(), count: 1 }, Command::ReverseLookup { ip, count: 1 }, Command::Connect { from: DmaRef::Main, to: ip }];
        assert!(traffic.iter().all(Command::is_workload), "lookups and connections are workload");
        assert!(!Command::BringOnline(DmaRef::Main).is_workload() && !Command::StopDb(DmaRef::Main).is_workload());
        assert_eq!(Fault::StopDb.label(), "StopDb");
        assert_eq!(Fault::StopDb.strike(&DmaRef::Backup, 0), [Command::StopDb(DmaRef::Backup)]);
        assert_eq!(Fault::StopDb.heal(&DmaRef::Backup), Some(Command::StartDb(DmaRef::Backup)));
    }
}
