use super::Command;
use super::{HeartbeatWatcher, Profile, SyncParams};
use crate::action::{Action, CableRef, Command as _, Do, NodeId, Target};
use crate::engine::{Time, TimerId, clock};
use crate::finding::{Problem, ProblemKind};
use crate::ledger::{IdSet, Ledger};
use crate::net::{Cidr, HostId, Ip, PortId, Topology};
use crate::ops::{Column, Console, LaneSample, Meaning, NodeLine, Panel, Severity, View};
use crate::world::{Applied, World, WorldCx, WorldFault};
use std::fmt;
use std::sync::Arc;

pub type Cx<'a, 'b> = WorldCx<'a, 'b, Event, Rec>;

/// How a hand-over loses what only the other node held: the mechanism and its document.
#[derive(Clone, Copy, Debug)]
struct Loss {
    mechanism: &'static str,
    documented: Option<crate::finding::SpecId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Role {
    Active,
    Standby,
}

#[derive(Clone, Debug)]
pub struct Node {
    pub(super) host: HostId,
    pub(super) port: PortId,
    pub(super) running: bool,
    pub(super) role: Role,
    /// The configuration changes this node's files hold (record ids).
    pub(super) config: IdSet,
    pub(super) sync_file_ok: bool,
    pub(super) backup_disk_full: bool,
    pub(super) resource_ok: bool,
    pub(super) resource_failures: u32,
    /// When this node last heard its peer's heartbeat.
    pub(super) heard_peer_ms: Time,
    /// Since when this node is active (the older active wins a dual-active resolution).
    pub(super) active_since_ms: Time,
    /// Started but not settled yet: it has neither found an active peer nor become active.
    pub(super) joining: bool,
}

#[derive(Clone, Debug)]
pub enum Event {
    Heartbeat,
    SyncCheck,
    ResourceCheck,
    /// A script action, boxed: the queue stores events inline, and timer events stay small.
    Command(Box<Do<Command>>),
}

/// Typed trace records of the pair.
/// `World`: what the world says of a fault (once per fault, by the runner).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Rec {
    Initial { active: String },
    Script { text: String },
    Refused { what: String, why: String },
    World(crate::world::Narration),
    NicEnabled { node: String, enabled: bool },
    Running { node: String, running: bool },
    Role { node: String, role: &'static str, why: String },
    Sync { ok: bool, detail: String },
    Changes { node: String, count: usize, ids: String },
    Lost { count: usize, ids: String, cause: String },
    Fault { node: String, what: String },
    Alarm { raised: bool, severity: &'static str, text: String },
}

impl fmt::Display for Rec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rec::Initial { active } => write!(f, "initial state: {active} active"),
            Rec::Script { text } => write!(f, "script: {text}"),
            Rec::Refused { what, why } => write!(f, "refused: {what}: {why}"),
            Rec::World(n) => n.fmt(f),
            Rec::NicEnabled { node, enabled } => write!(f, "{node} NIC {}", if *enabled { "enabled" } else { "disabled" }),
            Rec::Running { node, running } => write!(f, "{node} {}", if *running { "running" } else { "stopped" }),
            Rec::Role { node, role, why } => write!(f, "{node} => {role} ({why})"),
            Rec::Sync { ok: true, detail } => write!(f, "file sync OK ({detail})"),
            Rec::Sync { ok: false, detail } => write!(f, "file sync FAILED: {detail}"),
            Rec::Changes { node, count, ids } => write!(f, "{node} takes {count} configuration change(s) {ids}"),
            Rec::Lost { count, ids, cause } => write!(f, "LOST {count} configuration change(s) {ids}: {cause}"),
            Rec::Fault { node, what } => write!(f, "{node}: {what}"),
            Rec::Alarm { raised, severity, text } => write!(f, "alarm list: {} {severity} \"{text}\"", if *raised { "raised" } else { "cleared" }),
        }
    }
}

#[derive(Clone, Debug)]
pub struct ActiveStandby {
    pub(super) profile: Arc<Profile>,
    /// The switch an unnamed `FailSwitch` means (the built-in one, or a world's only one).
    switch: Option<PortId>,
    /// Where "serving" is seen from: the built-in switch, or the bound client's NIC.
    vantage: Vantage,
    gateway: Ip,
    floating_ip: Cidr,
    pub(super) nodes: [Node; 2],
    pub(super) ledger: Ledger,
    /// The cluster's alarm list (MRS Manager shows one for the whole cluster).
    pub(super) console: Console,
    pub(super) last_good_sync_ms: Option<Time>,
    /// Why the last sync check failed, and which standby failed to sync, while it fails. The
    /// alarm's parameters are those of the failed check until a check says otherwise.
    pub(super) sync_failure: Option<(String, NodeId)>,
    pub(super) switchovers: u32,
    /// Whether each node had lost its peer's heartbeat at the last tick (to notice when the
    /// passing of time flips it: the alarm and the HA status depend on it).
    heartbeat_alarms: [bool; 2],
    timers: [TimerId; 3],
    /// How often each documented rule decided something (FS-COVERAGE).
    fired: crate::finding::Fired,
}

/// The documented rules of the pair, as chaos coverage counts them (FS-COVERAGE).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    /// While the heartbeat alarm stands on the active, no failover is performed (MRS-12010).
    HeartbeatBlocksFailover,
    /// A single-active resource that keeps failing switches the pair over (MRS-RESOURCES).
    Resources,
    /// An administrator's switchover (MRS-SWITCHOVER).
    Switchover,
    /// A switchover to a stale standby loses the changes it lacked (the product's SPEC ID).
    StaleLoss,
}

impl crate::finding::Rule for Rule {
    const ALL: &'static [Rule] = &[Rule::HeartbeatBlocksFailover, Rule::Resources, Rule::Switchover, Rule::StaleLoss];
    /// The SPEC IDs as MRS Manager's documents give them (FlinkServer's loss has its own:
    /// [`ActiveStandby::rules_fired`] asks the profile).
    fn id(self) -> crate::finding::SpecId {
        match self {
            Rule::HeartbeatBlocksFailover => "MRS-12010",
            Rule::Resources => "MRS-RESOURCES",
            Rule::Switchover => "MRS-SWITCHOVER",
            Rule::StaleLoss => "MRS-12011-3",
        }
    }
}

/// Where clients see the pair from.
#[derive(Clone, Copy, Debug)]
enum Vantage {
    /// The built-in layout: a node serves when its port shares a live path with the switch.
    Switch(PortId),
    /// A declared world: when the client reaches the floating IP at the node's NIC.
    Client(PortId),
}

/// Where the pair's nodes and addresses are, built-in or bound.
struct Layout {
    switch: Option<PortId>,
    vantage: Vantage,
    gateway: Ip,
    floating_ip: Cidr,
    places: [(crate::net::HostId, PortId); 2],
}

impl ActiveStandby {
    /// The built-in layout: both nodes' one NIC on one switch (the gateway).
    fn lay_out(profile: &Profile, net: &mut crate::world::World) -> Layout {
        let gateway_cidr: Cidr = "192.168.0.254/24".parse().expect("valid");
        let switch = net.add_switch("switch", vec![gateway_cidr]);
        let places = [0usize, 1].map(|i| {
            let host = net.add_host(&profile.node_names[i]);
            let port = net.add_nic(host, "NIC", vec![format!("192.168.0.{}/24", i + 1).parse().expect("valid")]);
            net.add_cable(&format!("{} cable", profile.node_names[i]), port, switch);
            (host, port)
        });
        let floating_ip = "192.168.0.100/24".parse().expect("valid");
        Layout { switch: Some(switch), vantage: Vantage::Switch(switch), gateway: gateway_cidr.addr, floating_ip, places }
    }

    /// The declared world's hosts (checked by `Binding::check`).
    fn bind(profile: &Profile, b: &super::Binding, net: &crate::world::World) -> Layout {
        let checked = "the binding was checked against the world";
        let places = [0usize, 1].map(|i| {
            let name = &profile.node_names[i];
            (net.host_named(name).expect(checked), net.nic_named(name, &b.nic).expect(checked))
        });
        let client = net.net().host(net.host_named(&b.client).expect(checked)).nics[0];
        Layout { switch: net.only_switch(), vantage: Vantage::Client(client), gateway: b.gateway, floating_ip: b.floating_ip, places }
    }

    /// The pair at t = 0, in the default layout or bound to the declared world, the floating
    /// IP on the initially active node.
    pub fn new(profile: Profile, cx: &mut Cx<'_, '_>) -> Self {
        use rand::RngExt;
        let mut rng = cx.streams().take();
        let Layout { switch, vantage, gateway, floating_ip, places } = cx.lay_out(|net| match &profile.bind {
            None => Self::lay_out(&profile, net),
            Some(b) => Self::bind(&profile, b, net),
        });
        let nodes = [0usize, 1].map(|i| {
            let (host, port) = places[i];
            let role = if i == profile.initially_active.idx() { Role::Active } else { Role::Standby };
            Node {
                host,
                port,
                running: true,
                role,
                config: IdSet::default(),
                sync_file_ok: true,
                backup_disk_full: false,
                resource_ok: true,
                resource_failures: 0,
                heard_peer_ms: 0,
                active_since_ms: 0,
                joining: false,
            }
        });
        let active = profile.initially_active.idx();
        assert_eq!(nodes.iter().filter(|n| n.role == Role::Active).count(), 1, "at t = 0 exactly one node is active");
        cx.hold_addr(nodes[active].port, floating_ip);
        let timers = [cx.new_timer(), cx.new_timer(), cx.new_timer()];
        cx.arm(timers[0], profile.heartbeat_interval.0, Event::Heartbeat);
        cx.arm(timers[1], 1 + rng.random_range(0..profile.sync_interval.0), Event::SyncCheck);
        if let Some(r) = &profile.resource {
            cx.arm(timers[2], 1 + rng.random_range(0..r.interval.0), Event::ResourceCheck);
        }
        cx.record(Rec::Initial { active: profile.node_names[active].clone() });
        ActiveStandby {
            profile: Arc::new(profile),
            switch,
            vantage,
            gateway,
            floating_ip,
            nodes,
            ledger: Ledger::new(2),
            console: Console::default(),
            last_good_sync_ms: Some(0),
            sync_failure: None,
            switchovers: 0,
            heartbeat_alarms: [false; 2],
            timers,
            fired: crate::finding::Fired::default(),
        }
    }

    pub fn name(&self, n: NodeId) -> &str {
        &self.profile.node_names[n.idx()]
    }

    /// Each rule of the pair's catalog with how often it fired (FS-COVERAGE); the resource
    /// rules only for a product that has the resource.
    pub fn rules_fired(&self) -> Vec<(crate::finding::SpecId, u32)> {
        let has_resource = self.profile.resource.is_some();
        let id = |r: Rule| match r {
            Rule::StaleLoss => self.profile.stale_switchover_spec,
            _ => crate::finding::Rule::id(r),
        };
        let all = self.fired.counts(id).into_iter().zip(<Rule as crate::finding::Rule>::ALL);
        all.filter(|(_, r)| has_resource || !matches!(r, Rule::HeartbeatBlocksFailover | Rule::Resources)).map(|(c, _)| c).collect()
    }

    pub fn node(&self, n: NodeId) -> &Node {
        &self.nodes[n.idx()]
    }

    /// The running active nodes (two only after an arbitration mistake; see the invariants).
    pub fn actives(&self) -> impl Iterator<Item = NodeId> + '_ {
        NodeId::BOTH.into_iter().filter(|n| self.node(*n).running && self.node(*n).role == Role::Active)
    }

    /// The nodes reach each other's own address and hear back (in the built-in layout: a live
    /// path between them).
    fn peers_connected(&self, net: &Topology) -> bool {
        net.reaches_port(self.nodes[0].port, self.nodes[1].port)
    }

    /// The node's heartbeat from its peer is lost (nothing heard for `heartbeat_loss`).
    pub fn heartbeat_lost(&self, n: NodeId, now: Time) -> bool {
        now - self.node(n).heard_peer_ms >= self.profile.heartbeat_loss.0
    }

    /// Whether the heartbeat alarm stands on node `n` now.
    pub fn heartbeat_alarm_on(&self, n: NodeId, now: Time) -> bool {
        let node = self.node(n);
        let watches = match self.profile.heartbeat_watcher {
            HeartbeatWatcher::ActiveOnly => node.role == Role::Active,
            HeartbeatWatcher::Either => true,
        };
        node.running && watches && self.heartbeat_lost(n, now)
    }

    fn on_heartbeat(&mut self, cx: &mut Cx<'_, '_>) {
        let now = cx.now();
        cx.arm(self.timers[0], self.profile.heartbeat_interval.0, Event::Heartbeat);
        let connected = self.peers_connected(cx.net());
        for n in NodeId::BOTH {
            let peer_up = self.node(n.other()).running && connected;
            let node = &mut self.nodes[n.idx()];
            if peer_up && node.running {
                node.heard_peer_ms = now;
            }
        }
        if connected && self.actives().count() == 2 {
            self.resolve_dual_active(cx);
        }
        assert!(!connected || self.actives().count() < 2, "two actives that hear each other are resolved at once");
        for n in NodeId::BOTH {
            if self.node(n).joining {
                self.join(n, cx);
            }
        }
        // The heartbeat alarm depends on time passing: look again when its state flips.
        // (The HA status shows the loss on both nodes, the alarm only where it is watched.)
        let alarms = NodeId::BOTH.map(|n| self.heartbeat_lost(n, now));
        if alarms != self.heartbeat_alarms {
            self.heartbeat_alarms = alarms;
            cx.touch();
        }
    }

    /// Start-up rule (an assumption): a joining node becomes standby as soon as it reaches a
    /// running active, or active when none is reachable and it reaches the gateway; until one
    /// of the two, it keeps trying at every heartbeat. Only joining nodes do this: a standby
    /// that loses a running active never takes over by itself (MRS-12010).
    fn join(&mut self, n: NodeId, cx: &mut Cx<'_, '_>) {
        assert!(self.node(n).joining, "only a node that started and has not settled joins");
        // A node that stops stops joining (`set_running`).
        assert!(self.node(n).running, "only a running node joins");
        let peer = self.node(n.other());
        if peer.running && peer.role == Role::Active && self.peers_connected(cx.net()) {
            self.nodes[n.idx()].joining = false;
        } else if cx.net().reaches_ip(self.node(n).port, self.gateway) {
            self.nodes[n.idx()].joining = false;
            self.set_role(n, Role::Active, "started; no active peer reachable", cx);
        }
    }

    /// Two actives that hear each other again (one started while it could not reach the other):
    /// the one active longer keeps the role; the other steps down, and the changes it took as
    /// an active are lost (an assumption: no document describes a dual-active pair).
    fn resolve_dual_active(&mut self, cx: &mut Cx<'_, '_>) {
        assert_eq!(self.actives().count(), 2, "only two running actives are resolved");
        let [a, b] = NodeId::BOTH.map(|n| self.node(n).active_since_ms);
        let keep = if a <= b { NodeId::Main } else { NodeId::Backup };
        let why = format!("{} was active first: dual-active resolved", self.name(keep));
        // No document describes a dual-active pair: what the loser loses is undocumented.
        self.hand_over(keep.other(), keep, &why, Loss { mechanism: "dual-active resolution", documented: None }, cx);
        assert_eq!(self.actives().count(), 1, "a resolved dual-active pair has one active");
    }

    fn on_sync_check(&mut self, cx: &mut Cx<'_, '_>) {
        cx.arm(self.timers[1], self.profile.sync_interval.0, Event::SyncCheck);
        let Some(active) = self.actives().next() else { return };
        let standby = active.other();
        match self.sync_blocker(cx.net(), active) {
            Some(cause) => {
                let failure = Some((cause.clone(), standby));
                if self.sync_failure != failure {
                    cx.record(Rec::Sync { ok: false, detail: cause });
                }
                self.sync_failure = failure;
                cx.touch();
            }
            None => {
                // FLINK-45641-2: the files go from the active to a standby, never to another active.
                assert_eq!(self.node(standby).role, Role::Standby, "the active syncs its files only to a standby");
                // Changes only the standby holds are overwritten by the active's files. A standby
                // ahead of the active means the active became active stale without a switchover
                // (the start-up rule, an assumption): no document describes this loss.
                self.lose_stale(standby, active, Loss { mechanism: "overwritten by a stale active's sync", documented: None }, cx);
                let fresh = self.node(active).config.difference(&self.node(standby).config);
                for range in fresh.ranges() {
                    self.ledger.store(*range, standby.idx() as u8, cx.now());
                }
                self.nodes[standby.idx()].config = self.node(active).config.clone();
                assert_eq!(self.node(standby).config, self.node(active).config, "a good sync leaves the standby with the active's files");
                let detail = format!("{} -> {}, {} change(s) copied", self.name(active), self.name(standby), fresh.len());
                if self.sync_failure.is_some() || !fresh.is_empty() {
                    cx.record(Rec::Sync { ok: true, detail });
                }
                self.sync_failure = None;
                self.last_good_sync_ms = Some(cx.now());
            }
        }
    }

    /// Why the active cannot sync its files to the standby right now (FLINK-45641-2).
    fn sync_blocker(&self, net: &Topology, active: NodeId) -> Option<String> {
        let standby = active.other();
        if self.node(standby).role == Role::Active {
            return Some(format!("{} is active too: nothing to sync to", self.name(standby)));
        }
        if !self.node(standby).running || !self.peers_connected(net) {
            return Some(format!("the link between {} and {} is interrupted", self.name(active), self.name(standby)));
        }
        for n in [active, standby] {
            if !self.node(n).sync_file_ok {
                return Some(format!("the synchronization file on {} does not exist or has wrong permissions", self.name(n)));
            }
            if self.node(n).backup_disk_full {
                return Some(format!("the backup directory /srv/BigData/LocalBackup on {} is full", self.name(n)));
            }
        }
        None
    }

    fn on_resource_check(&mut self, cx: &mut Cx<'_, '_>) {
        let Some(resource) = self.profile.resource.clone() else { return };
        cx.arm(self.timers[2], resource.interval.0, Event::ResourceCheck);
        let Some(active) = self.actives().next() else { return };
        let now = cx.now();
        let node = &mut self.nodes[active.idx()];
        let before = node.resource_failures;
        node.resource_failures = if node.resource_ok { 0 } else { node.resource_failures + 1 };
        if node.resource_failures != before {
            cx.touch();
        }
        if node.resource_failures >= resource.failures {
            if self.heartbeat_alarm_on(active, now) {
                // MRS-12010: while the heartbeat alarm stands, no failover can be performed.
                self.fired.fire(Rule::HeartbeatBlocksFailover);
                let why = format!("{} stands: no failover can be performed", self.profile.heartbeat_alarm.title);
                cx.record(Rec::Refused { what: format!("automatic switchover after {} failed", resource.name), why });
            } else if self.switch_blocker(cx.net(), active).is_none() {
                let why = format!("{} resource abnormal on {}", resource.name, self.name(active));
                self.fired.fire(Rule::Resources);
                self.switchover(active.other(), &why, cx);
                assert_eq!(self.node(active).role, Role::Standby, "a node whose resource failed hands the active role over (MRS-RESOURCES)");
            }
        }
    }

    /// Why a switchover away from `active` cannot happen now.
    fn switch_blocker(&self, net: &Topology, active: NodeId) -> Option<String> {
        let standby = active.other();
        if !self.node(standby).running {
            Some(format!("the standby {} is not running", self.name(standby)))
        } else if !self.peers_connected(net) {
            Some(format!("{} cannot reach {}", self.name(active), self.name(standby)))
        } else {
            None
        }
    }

    fn set_role(&mut self, n: NodeId, role: Role, why: &str, cx: &mut Cx<'_, '_>) {
        if self.node(n).role == role {
            return;
        }
        // A joining node that started, a standby that takes over, the elder of two actives.
        assert!(role == Role::Standby || self.node(n).running, "only a running node becomes active");
        self.nodes[n.idx()].role = role;
        self.nodes[n.idx()].active_since_ms = cx.now();
        let port = self.node(n).port;
        if role == Role::Active {
            cx.hold_addr(port, self.floating_ip);
        } else {
            cx.release_addr(port, self.floating_ip.addr);
        }
        let holds = cx.net().holders(self.floating_ip.addr).any(|p| p == port);
        assert_eq!(holds, role == Role::Active, "the floating IP is on a node exactly while it is active");
        let label = if role == Role::Active { "active" } else { "standby" };
        cx.record(Rec::Role { node: self.name(n).into(), role: label, why: why.into() });
    }

    /// `to` becomes active with the configuration it holds; changes only the other node held
    /// are lost (MRS-12011-3, FLINK-45641-4), each by id, with the time of the last good sync.
    fn switchover(&mut self, to: NodeId, why: &str, cx: &mut Cx<'_, '_>) {
        // Both callers asked `switch_blocker` first.
        assert!(self.node(to).running, "only a running standby takes over (MRS-SWITCHOVER)");
        let loss = Loss { mechanism: "stale switchover", documented: Some(self.profile.stale_switchover_spec) };
        self.hand_over(to.other(), to, why, loss, cx);
        self.switchovers += 1;
    }

    /// `from` steps down to standby and `to` is (or stays) active with its own configuration.
    fn hand_over(&mut self, from: NodeId, to: NodeId, why: &str, loss: Loss, cx: &mut Cx<'_, '_>) {
        assert_ne!(from, to, "a hand-over is between the two nodes");
        self.lose_stale(from, to, loss, cx);
        self.set_role(from, Role::Standby, why, cx);
        self.set_role(to, Role::Active, why, cx);
        assert_eq!(self.node(from).role, Role::Standby, "the node handing over is standby");
        assert_eq!(self.node(to).role, Role::Active, "the node taking over is active");
        self.nodes[from.idx()].resource_failures = 0;
        self.nodes[to.idx()].resource_failures = 0;
        self.nodes[to.idx()].heard_peer_ms = cx.now();
    }

    /// Changes `from` holds that the active `to` lacks can never be synced: `to` became active
    /// stale, and its files will overwrite `from`'s (MRS-12011-3, FLINK-45641-4).
    fn lose_stale(&mut self, from: NodeId, to: NodeId, loss: Loss, cx: &mut Cx<'_, '_>) {
        let lost = self.ledger.not_lost(&self.node(from).config.difference(&self.node(to).config));
        if lost.is_empty() {
            return;
        }
        if loss.documented.is_some() {
            self.fired.fire(Rule::StaleLoss);
        }
        let since = self.last_good_sync_ms.map_or("never".to_string(), clock);
        let detail = format!("made on {} after the last good sync ({since}); {} was stale when it became active", self.name(from), self.name(to));
        let cause = crate::ledger::Cause { detail, mechanism: loss.mechanism, documented: loss.documented };
        for range in lost.ranges() {
            self.ledger.lose(*range, cx.now(), &cause);
        }
        assert!(self.ledger.not_lost(&lost).is_empty(), "every change only the stepping-down node held is lost, by id (MRS-12011-3, FLINK-45641-4)");
        cx.record(Rec::Lost { count: crate::ledger::count(lost.ranges()), ids: lost.to_string(), cause: cause.detail });
    }

    /// Resolves a node reference when the action runs: a role held by no node, or by both, is
    /// refused with the words why.
    /// The node a claim names: its identity, or its name.
    pub fn id_of(&self, n: &crate::action::NodeRef) -> Option<NodeId> {
        n.among(NodeId::BOTH.map(|m| (m, self.name(m).to_string())))
    }

    fn resolve(&self, t: &Target) -> Result<NodeId, String> {
        let t = &t.clone().in_words(<super::Words as crate::action::NodeWords>::WORDS);
        let holding = |role: Role| NodeId::BOTH.into_iter().filter(move |n| self.node(*n).role == role).map(|n| (n, self.name(n).to_string()));
        match t {
            Target::Main => Ok(NodeId::Main),
            Target::Backup => Ok(NodeId::Backup),
            Target::Online => crate::action::one_holding(t, holding(Role::Active), "node"),
            Target::Offline => crate::action::one_holding(t, holding(Role::Standby), "node"),
            Target::Named(name) => crate::action::named(name, NodeId::BOTH.map(|n| (n, self.name(n).to_string())), "node"),
        }
    }

    fn on_command(&mut self, action: Do<Command>, cx: &mut Cx<'_, '_>) {
        let node = match action.target().map(|t| self.resolve(t)) {
            Some(Err(why)) => {
                cx.record(Rec::Refused { what: action.kind().into(), why });
                return;
            }
            Some(Ok(n)) => Some(n),
            None => None,
        };
        let on = node.map_or(String::new(), |n| format!(" on {}", self.name(n)));
        cx.record(Rec::Script { text: format!("{}{on}", action.describe()) });
        match action {
            Do::Shared(action) => self.apply(action, node, cx),
            Do::Own(command) => self.apply_own(command, node.expect("each own command names its node"), cx),
        }
    }

    fn apply(&mut self, action: Action, node: Option<NodeId>, cx: &mut Cx<'_, '_>) {
        let n = || node.expect("resolved");
        // World faults: the world says what they mean and applies them; `after_fault` reacts.
        let (host, port) = node.map(|n| (self.node(n).host, self.node(n).port)).unzip();
        let sync = matches!(action, Action::Pull { cable: CableRef::Sync, .. } | Action::Plug { cable: CableRef::Sync, .. });
        if !sync && let Some(faults) = cx.world().faults_of(&action, host, port.as_slice(), self.switch) {
            return faults.into_iter().for_each(|fault| cx.request(fault));
        }
        match action {
            Action::Pull { cable, .. } | Action::Plug { cable, .. } if cable == CableRef::Sync => {
                cx.record(Rec::Refused { what: "Sync cable".into(), why: "each node has one network cable (use Corporate)".into() });
            }
            Action::Stop(_) => self.set_running(n(), false, cx),
            Action::Start(_) => self.start(n(), cx),
            Action::Restart { duration, .. } => {
                self.set_running(n(), false, cx);
                cx.schedule_in(duration.0, Event::Command(Box::new(Do::Shared(Action::Start(Target::from(n()))))));
            }
            Action::Switch => self.manual_switch(cx),
            Action::Write { count } => self.change_config(count, cx),
            other => cx.record(Rec::Refused { what: other.kind().into(), why: format!("not a {} action", self.profile.system) }),
        }
    }

    fn apply_own(&mut self, command: Command, n: NodeId, cx: &mut Cx<'_, '_>) {
        let fault = |dm: &mut Self, cx: &mut Cx<'_, '_>, what: &str| cx.record(Rec::Fault { node: dm.name(n).into(), what: what.into() });
        match command {
            Command::FailResource(_) | Command::RestoreResource(_) => {
                let roles = NodeId::BOTH.map(|m| self.node(m).role);
                self.nodes[n.idx()].resource_ok = matches!(command, Command::RestoreResource(_));
                let name = self.profile.resource.as_ref().map_or("HA", |r| r.name);
                fault(self, cx, &format!("{name} resource {}", if self.node(n).resource_ok { "restored" } else { "failed" }));
                // The resource check counts it, every interval (ALM-12072: 9 s × 3; MRS-RESOURCES).
                assert_eq!(NodeId::BOTH.map(|m| self.node(m).role), roles, "a resource fault switches nothing at once");
            }
            Command::BreakSyncFile(_) | Command::RepairSyncFile(_) => {
                let failing = self.sync_failure.is_some();
                self.nodes[n.idx()].sync_file_ok = matches!(command, Command::RepairSyncFile(_));
                fault(self, cx, if self.node(n).sync_file_ok { "synchronization file repaired" } else { "synchronization file missing / wrong permissions" });
                // The sync is checked every 60 s (FLINK-45641-1, FLINK-45641-3).
                assert_eq!(self.sync_failure.is_some(), failing, "a sync file fault shows at the next sync check, not at once");
            }
            Command::FillBackupDisk(_) | Command::FreeBackupDisk(_) => {
                let failing = self.sync_failure.is_some();
                self.nodes[n.idx()].backup_disk_full = matches!(command, Command::FillBackupDisk(_));
                fault(self, cx, if self.node(n).backup_disk_full { "/srv/BigData/LocalBackup full" } else { "/srv/BigData/LocalBackup cleaned" });
                assert_eq!(self.sync_failure.is_some(), failing, "a backup disk fault shows at the next sync check, not at once (FLINK-45641-2)");
            }
        }
    }

    /// A start needs the server to have power.
    fn start(&mut self, n: NodeId, cx: &mut Cx<'_, '_>) {
        if cx.net().host(self.node(n).host).powered {
            self.set_running(n, true, cx);
        } else {
            cx.record(Rec::Refused { what: format!("start {}", self.name(n)), why: "the server has no power".into() });
        }
        assert!(self.node(n).running || !cx.net().host(self.node(n).host).powered, "a start on a powered server leaves the node running");
    }

    /// The world applied a fault: the trace says what happened to the pair's cables and NICs; a
    /// node whose server lost power stops, one that got power back starts.
    pub(super) fn after_fault(&mut self, fault: &WorldFault, applied: &Applied, cx: &mut Cx<'_, '_>) {
        let node_at = |port: PortId| NodeId::BOTH.into_iter().find(|n| self.node(*n).port == port);
        match *fault {
            WorldFault::Nic { port, enabled } if applied.changed => {
                if let Some(n) = node_at(port) {
                    cx.record(Rec::NicEnabled { node: self.name(n).into(), enabled });
                }
            }
            WorldFault::Power { host, on } if applied.changed => {
                if let Some(n) = NodeId::BOTH.into_iter().find(|n| self.node(*n).host == host) {
                    self.set_running(n, on, cx);
                    assert_eq!(self.node(n).running, on, "a node runs exactly while its server has power");
                }
            }
            // The paths changed: whatever depends on them (heartbeats, sync) must look again.
            WorldFault::Switch { .. } if applied.changed => cx.touch(),
            WorldFault::Cable { .. } | WorldFault::Nic { .. } | WorldFault::Power { .. } | WorldFault::Switch { .. } => {}
        }
    }

    fn set_running(&mut self, n: NodeId, running: bool, cx: &mut Cx<'_, '_>) {
        if self.node(n).running == running {
            return;
        }
        self.nodes[n.idx()].running = running;
        cx.record(Rec::Running { node: self.name(n).into(), running });
        if running {
            self.set_role(n, Role::Standby, "started", cx);
            self.nodes[n.idx()].heard_peer_ms = cx.now();
            self.nodes[n.idx()].joining = true;
            self.join(n, cx);
        } else {
            self.nodes[n.idx()].joining = false;
            self.set_role(n, Role::Standby, "stopped", cx);
        }
        // A stopped node keeps no role: it joins again when it starts.
        assert!(running || self.node(n).role == Role::Standby, "a stopped node is standby");
        assert!(running || !self.node(n).joining, "a stopped node does not join");
    }

    fn manual_switch(&mut self, cx: &mut Cx<'_, '_>) {
        let now = cx.now();
        let Some(active) = self.actives().next() else {
            cx.record(Rec::Refused { what: "Switch".into(), why: "no active node".into() });
            return;
        };
        let blocker = if self.heartbeat_alarm_on(active, now) {
            Some(format!("{} stands: no failover can be performed", self.profile.heartbeat_alarm.title))
        } else {
            self.switch_blocker(cx.net(), active)
        };
        match blocker {
            Some(why) => cx.record(Rec::Refused { what: "Switch".into(), why }),
            None => {
                self.fired.fire(Rule::Switchover);
                self.switchover(active.other(), "manual switchover by an administrator", cx);
                assert_eq!(self.node(active).role, Role::Standby, "a manual switchover leaves the old active standby (MRS-SWITCHOVER)");
            }
        }
    }

    /// Configuration changes made on the active (acknowledged there, tracked until synced).
    fn change_config(&mut self, count: u32, cx: &mut Cx<'_, '_>) {
        let Some(active) = self.actives().next() else {
            self.ledger.reject(u64::from(count));
            cx.record(Rec::Refused { what: "configuration change".into(), why: "no active node".into() });
            return;
        };
        let written_before = self.ledger.written();
        let ids = self.ledger.write(cx.now(), active.idx() as u8, count);
        assert_eq!(self.ledger.written(), written_before + u64::from(count), "the active acknowledges every change made on it");
        self.ledger.store(ids, active.idx() as u8, cx.now());
        self.nodes[active.idx()].config.insert(ids);
        cx.record(Rec::Changes { node: self.name(active).into(), count: crate::ledger::count(&[ids]), ids: crate::ledger::format(&[ids]) });
    }

    /// The alarm conditions standing now, with the documented IDs, severities and parameters.
    fn conditions(&self, now: Time) -> Vec<(Severity, String)> {
        let p = &self.profile;
        let mut out = Vec::new();
        for n in NodeId::BOTH {
            if self.heartbeat_alarm_on(n, now) {
                let a = &p.heartbeat_alarm;
                out.push((a.severity.severity(), format!("ALM-{} {} (HostName={}, Peer={})", a.id, a.title, self.name(n), self.name(n.other()))));
            }
        }
        if let Some((_, standby)) = &self.sync_failure {
            let (standby, active) = (*standby, standby.other());
            let a = &p.sync_alarm;
            let params = match p.sync_params {
                SyncParams::Manager => format!(
                    "ServiceName={}, RoleName={}, HostName={}, Local Manager HA Name={}, Peer Manager HA Name={}",
                    p.service,
                    p.role,
                    self.name(standby),
                    p.ha_names[active.idx()],
                    p.ha_names[standby.idx()]
                ),
                SyncParams::Flink => format!("Source={}, ServiceName={}, RoleName={}, HostName={}", p.source, p.service, p.role, self.name(standby)),
            };
            out.push((a.severity.severity(), format!("ALM-{} {} ({params})", a.id, a.title)));
        }
        if let (Some(active), Some(r)) = (self.actives().next(), &p.resource)
            && self.node(active).resource_failures >= r.failures
        {
            let a = &r.alarm;
            out.push((a.severity.severity(), format!("ALM-{} {} (HostName={})", a.id, a.title, self.name(active))));
        }
        out
    }

    pub fn view(&self, world: &World, at_ms: Time) -> View {
        let nodes = NodeId::BOTH
            .map(|n| {
                let node = self.node(n);
                let mut facts = vec![
                    if node.running { "running".to_string() } else { "stopped".to_string() },
                    format!("{} configuration change(s) held", node.config.len()),
                ];
                if world.net().holders(self.floating_ip.addr).any(|p| p == node.port) {
                    facts.push("holds the floating IP".into());
                }
                let (role, meaning) = role_word(node.role);
                NodeLine { name: self.name(n).into(), role: role.into(), meaning, facts }
            })
            .to_vec();
        View {
            at_ms,
            nodes,
            tables: Vec::new(),
            consoles: vec![(format!("{} alarm list", self.profile.system), self.console.alarms().to_vec())],
            panels: vec![self.ha_status(at_ms)],
            writes_label: "Configuration changes".into(),
            writes: self.ledger.summary(),
            notes: Vec::new(),
        }
    }

    /// The HA status of each node, in the words of `status-oms.sh` (docs: HAActive, HAAllResOK,
    /// HARunPhase), plus the pair's sync state.
    pub fn ha_status(&self, now: Time) -> Panel {
        let columns = NodeId::BOTH
            .map(|n| {
                let node = self.node(n);
                let mut items = vec![];
                let mut item = |i: &str, v: String| items.push((i.to_string(), v, String::new()));
                if !node.running {
                    item("HARunPhase", "Deactived".into());
                    item("HAAllResOK", "Unknown".into());
                } else {
                    item("HAActive", if node.role == Role::Active { "active".into() } else { "standby".into() });
                    item("HAAllResOK", if node.resource_ok { "normal".into() } else { "abnormal".into() });
                    item("HARunPhase", if node.role == Role::Active { "Actived".into() } else { "Deactived".into() });
                    item("Heartbeat", if self.heartbeat_lost(n, now) { "lost".into() } else { "normal".into() });
                }
                Column { node: self.name(n).into(), items }
            })
            .to_vec();
        let sync = match (&self.sync_failure, self.last_good_sync_ms) {
            (Some((cause, _)), last) => format!("file sync failing: {cause}; last good sync {}", last.map_or("never".into(), clock)),
            (None, last) => format!("file sync OK; last good sync {}", last.map_or("never".into(), clock)),
        };
        Panel { title: format!("{} HA status", self.profile.system), banner: vec![sync], columns }
    }

    fn check_invariants(&self, world: &World) {
        for node in &self.nodes {
            let holds = world.net().holders(self.floating_ip.addr).any(|p| p == node.port);
            assert!(!holds || node.running, "only a running node holds the floating IP");
            assert!(!holds || node.role == Role::Active, "only the active holds the floating IP");
        }
    }
}

impl ActiveStandby {
    pub(super) fn handle(&mut self, event: Event, cx: &mut Cx<'_, '_>) {
        match event {
            Event::Heartbeat => self.on_heartbeat(cx),
            Event::SyncCheck => self.on_sync_check(cx),
            Event::ResourceCheck => self.on_resource_check(cx),
            Event::Command(a) => self.on_command(*a, cx),
        }
    }

    pub(super) fn settle(&mut self, cx: &mut Cx<'_, '_>) {
        self.check_invariants(cx.world());
        let now = cx.now();
        let standing = self.conditions(now);
        for c in self.console.reconcile(&standing, now) {
            cx.record(Rec::Alarm { raised: c.raised, severity: c.severity.label(), text: c.text });
        }
    }
}

impl ActiveStandby {
    /// What keeps the pair from being healthy now (empty: healthy): exactly one active, both
    /// running, the last file sync good, no alarm standing, every change on both nodes.
    pub fn health_problems(&self) -> Vec<Problem> {
        let mut out = Vec::new();
        let actives = self.actives().count();
        if actives != 1 {
            out.push(Problem::new(ProblemKind::Serving, format!("{actives} active node(s)")));
        }
        for n in NodeId::BOTH {
            if !self.node(n).running {
                out.push(Problem::new(ProblemKind::NodeDown, format!("{} is not running", self.name(n))));
            }
        }
        if let Some((cause, _)) = &self.sync_failure {
            out.push(Problem::new(ProblemKind::SyncFailing, format!("file sync failing: {cause}")));
        }
        if let Some(alarm) = self.console.active().next() {
            out.push(Problem::new(ProblemKind::AlarmStanding, format!("alarm standing: {}", alarm.text)));
        }
        let s = self.ledger.summary();
        if s.pending > 0 {
            out.push(Problem::new(ProblemKind::WritesPending, format!("{} change(s) not on both nodes", s.pending)));
        }
        out
    }
}

impl ActiveStandby {
    /// Availability at this instant (metrics): someone serves when a running active holds the
    /// floating IP and the network reaches it.
    pub fn sample(&self, world: &World) -> crate::metrics::Sample {
        let net = world.net();
        let reached = |port: PortId| match self.vantage {
            Vantage::Switch(switch) => net.holders(self.floating_ip.addr).any(|p| p == port) && net.connected(switch, port),
            Vantage::Client(client) => net.reaches_at(client, self.floating_ip.addr, port),
        };
        let serving = self.actives().any(|n| reached(self.node(n).port));
        let claimers = self.actives().fold(0, |m, n| m | 1 << n.idx());
        crate::metrics::Sample { serving, online: self.actives().count(), claimers }
    }

    /// The state of each timeline lane at this instant: nodes and cables.
    pub fn lanes(&self, world: &World) -> Vec<LaneSample> {
        let mut out: Vec<LaneSample> = NodeId::BOTH
            .iter()
            .map(|n| {
                let node = self.node(*n);
                let (word, meaning) = if node.running { role_word(node.role) } else { ("stopped", Meaning::Down) };
                LaneSample::node(self.name(*n), word, meaning)
            })
            .collect();
        out.extend(world.net().cable_states().map(|(_, name, plugged)| LaneSample::cable(name, plugged)));
        out
    }
}

/// A node's role in MRS's word, and what it means for the reports.
fn role_word(role: Role) -> (&'static str, Meaning) {
    match role {
        Role::Active => ("active", Meaning::Serving),
        Role::Standby => ("standby", Meaning::Standby),
    }
}

impl From<crate::world::Narration> for Rec {
    fn from(n: crate::world::Narration) -> Rec {
        Rec::World(n)
    }
}
