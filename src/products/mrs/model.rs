use super::Command;
use super::{HeartbeatWatcher, Profile, ResourceName, SyncParams};
use crate::action::{Action, CableRef, Command as _, Do, NodeId, Target};
use crate::engine::{Time, TimerId, clock};
use crate::finding::{Problem, ProblemKind};
use crate::ledger::{IdSet, Ledger};
use crate::net::{Cidr, HostId, Ip, PortId, Topology};
use crate::ops::{Column, Console, LaneKind, LaneSample, Meaning, NodeLine, Panel, Severity, State, View};
use crate::world::{Applied, World, WorldCx, WorldFault};
use std::fmt;
use std::sync::Arc;

pub type Cx<'a, 'b> = WorldCx<'a, 'b, Event, Rec>;

/// How a hand-over loses what only the other node held: the mechanism and its document.
#[derive(Clone, Copy, Debug)]
pub(super) struct Loss {
    pub(super) mechanism: &'static str,
    pub(super) documented: Option<crate::finding::SpecId>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Role {
    Active,
    Standby,
}

#[derive(Clone, Debug)]
pub struct Node {
    pub(super) host: HostId,
    /// The service NIC: the floating IP and the gateway are there.
    pub(super) port: PortId,
    /// The NICs the HA heartbeat and the sync go over (the service NIC unless bound apart).
    pub(super) heartbeat_port: PortId,
    pub(super) sync_port: PortId,
    pub(super) running: bool,
    pub(super) role: Role,
    /// The configuration changes this node's files hold (record ids).
    pub(super) config: IdSet,
    /// The records this node's replicated database holds (MRS-12039: its OMS database), apart
    /// from its configuration files.
    pub(super) db: IdSet,
    pub(super) sync_file_ok: bool,
    pub(super) backup_disk_full: bool,
    /// The single-active resources down on this node.
    pub(super) resources_down: std::collections::BTreeSet<ResourceName>,
    /// Consecutive failed checks of each resource of the profile (counted on the active).
    pub(super) resource_failures: Vec<u32>,
    /// When this node last heard its peer's heartbeat.
    pub(super) heard_peer_ms: Time,
    /// Since when this node is active (the older active wins a dual-active resolution).
    pub(super) active_since_ms: Time,
    /// Started but not settled yet: it has neither found an active peer nor become active.
    pub(super) joining: bool,
    /// When this node last reached the gateway (checked at each heartbeat).
    pub(super) gateway_ok_ms: Time,
    /// When this node was last active (`None`: never).
    pub(super) last_active_ms: Option<Time>,
    /// Since when this active node is bringing its resources up (`None`: they are up, or it is
    /// standby): it takes the floating IP once `switchover_time` has passed (DBSVC-HA).
    pub(super) raising_since_ms: Option<Time>,
    /// This standby lost the heartbeat while a running active was still there (whose ALM-12010
    /// stands): no failover can be performed until heartbeats resume (MRS-12010).
    pub(super) failover_blocked: bool,
}

#[derive(Clone, Debug)]
pub enum Event {
    Heartbeat,
    SyncCheck,
    /// The active's check of its database's sync status (MRS-12039).
    DbSyncCheck,
    /// The check of the profile's `i`-th resource.
    ResourceCheck(usize),
    /// The node that became active at `since` has its resources up (`switchover_time` later).
    Raised {
        node: NodeId,
        since: Time,
    },
    /// A script action, boxed: the queue stores events inline, and timer events stay small.
    Command(Box<Do<Command>>),
}

/// Typed trace records of the pair.
/// `World`: what the world says of a fault (once per fault, by the runner).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Rec {
    Initial {
        active: String,
    },
    Script {
        text: String,
    },
    Refused {
        what: String,
        why: String,
    },
    World(crate::world::Narration),
    NicEnabled {
        node: String,
        enabled: bool,
    },
    Running {
        node: String,
        running: bool,
    },
    Role {
        node: String,
        role: &'static str,
        why: String,
    },
    /// A sync check's outcome; `what` is the product's word for its sync ("file sync").
    Sync {
        what: &'static str,
        ok: bool,
        detail: String,
    },
    Changes {
        node: String,
        count: usize,
        ids: String,
    },
    Lost {
        count: usize,
        /// What was lost: "configuration change(s)", or the database's records.
        what: &'static str,
        ids: String,
        cause: String,
    },
    /// Records written to the active's database (MRS-12039); `copied`: the standby's database
    /// took them at once (the replication path is up).
    DbWrite {
        node: String,
        what: &'static str,
        count: usize,
        ids: String,
        copied: bool,
    },
    /// A database sync-status check that changed something: the first failure, or a good check
    /// after failures or copying records (MRS-12039).
    DbSync {
        what: &'static str,
        ok: bool,
        detail: String,
    },
    Fault {
        node: String,
        what: String,
    },
    Alarm {
        raised: bool,
        severity: &'static str,
        text: String,
    },
    /// An event logged in the event list (MRS-SWITCHOVER: 12026 "Manager Switchover").
    Event {
        text: String,
    },
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
            Rec::Sync { what, ok: true, detail } => write!(f, "{what} OK ({detail})"),
            Rec::Sync { what, ok: false, detail } => write!(f, "{what} FAILED: {detail}"),
            Rec::Changes { node, count, ids } => write!(f, "{node} takes {count} configuration change(s) {ids}"),
            Rec::Lost { count, what, ids, cause } => write!(f, "LOST {count} {what} {ids}: {cause}"),
            Rec::DbWrite { node, what, count, ids, copied } => {
                write!(f, "{node}'s {what} takes {count} record(s) {ids}{}", if *copied { ", replicated to the standby" } else { ", not replicated" })
            }
            Rec::DbSync { what, ok: true, detail } => write!(f, "{what} sync status normal ({detail})"),
            Rec::DbSync { what, ok: false, detail } => write!(f, "{what} sync status check FAILED: {detail}"),
            Rec::Fault { node, what } => write!(f, "{node}: {what}"),
            Rec::Alarm { raised, severity, text } => write!(f, "alarm list: {} {severity} \"{text}\"", if *raised { "raised" } else { "cleared" }),
            Rec::Event { text } => write!(f, "event list: {text}"),
        }
    }
}

#[derive(Clone, Debug)]
pub struct ActiveStandby {
    pub(super) profile: Arc<Profile>,
    /// The switch an unnamed `FailSwitch` means (the built-in one, or a world's only one).
    switch: Option<PortId>,
    /// Where "serving" is seen from: the client's NIC.
    client: PortId,
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
    /// The event list: each logged event's text, in order (events never clear; the trace has
    /// their times).
    pub(super) events: Vec<String>,
    /// Whether each node had lost its peer's heartbeat at the last tick (to notice when the
    /// passing of time flips it: the alarm and the HA status depend on it).
    heartbeat_alarms: [bool; 2],
    /// Whether each node missed its peer's heartbeat at the last tick (the timeline's heartbeat
    /// lanes: missing before it is lost).
    missed_beat: [bool; 2],
    timers: [TimerId; 2],
    /// Each resource's check timer, in the profile's order.
    resource_timers: Vec<TimerId>,
    /// The resources whose alarm stands: raised when the count is reached, cleared when the
    /// active's next check finds the resource up (MRS-RESOURCES).
    /// Each with the node whose check reached the count.
    pub(super) resource_alarms: std::collections::BTreeMap<ResourceName, NodeId>,
    /// How often each documented rule decided something (FS-COVERAGE).
    pub(super) fired: crate::finding::Fired,
    /// The database sync-status check's timer, where the profile has one (MRS-12039).
    pub(super) db_timer: Option<TimerId>,
    /// Consecutive failed database sync-status checks (MRS-12039: ALM-12039 stands from the
    /// profile's count until a good check).
    pub(super) db_failures: u32,
    /// Why the last database sync check failed, and the standby it could not sync, while they
    /// fail (the alarm's HostName).
    pub(super) db_failure: Option<(String, NodeId)>,
}

/// The documented rules of the pair, as chaos coverage counts them (FS-COVERAGE).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Rule {
    /// While the heartbeat alarm stands on the active, no failover is performed (MRS-12010).
    HeartbeatBlocksFailover,
    /// A single-active resource that keeps failing switches the pair over (MRS-RESOURCES).
    Resources,
    /// A switchover, by an administrator or by the HA when the active fails (MRS-SWITCHOVER).
    Switchover,
    /// A switchover to a stale standby loses the changes it lacked (the product's SPEC ID).
    StaleLoss,
    /// The database's sync-status check raises its alarm after its count of failed checks, and
    /// records not on the standby's database are lost when the active fails (MRS-12039).
    DbUnsynced,
}

impl crate::finding::Rule for Rule {
    const ALL: &'static [Rule] = &[Rule::HeartbeatBlocksFailover, Rule::Resources, Rule::Switchover, Rule::StaleLoss, Rule::DbUnsynced];
    /// The SPEC IDs as MRS Manager's documents give them (FlinkServer's loss has its own:
    /// [`ActiveStandby::rules_fired`] asks the profile).
    fn id(self) -> crate::finding::SpecId {
        match self {
            Rule::HeartbeatBlocksFailover => "MRS-12010",
            Rule::Resources => "MRS-RESOURCES",
            Rule::Switchover => "MRS-SWITCHOVER",
            Rule::StaleLoss => "MRS-12011-3",
            Rule::DbUnsynced => "MRS-12039",
        }
    }
}

/// Where the pair's nodes and addresses are, built-in or bound.
struct Layout {
    switch: Option<PortId>,
    client: PortId,
    gateway: Ip,
    floating_ip: Cidr,
    /// Each node's host and its service, heartbeat and sync NICs.
    places: [(crate::net::HostId, [PortId; 3]); 2],
}

impl ActiveStandby {
    /// The built-in layout: both nodes' one NIC and a client on one switch (the gateway).
    pub(super) fn preset(profile: &Profile) -> crate::world::WorldDecl {
        let [a, b] = &profile.node_names;
        let cidr = |i: u8| crate::net::Cidr::v4([192, 168, 0, i], 24);
        crate::world::WorldDecl::star("switch", Some(cidr(254)), &[(a, cidr(1)), (b, cidr(2)), (super::Binding::PRESET_CLIENT, cidr(200))])
    }

    /// Where the pair is in its region, the preset's or the declared world's (checked by
    /// `Binding::check`): its nodes, its floating IP and gateway, and its client.
    fn layout(profile: &Profile, world: &crate::world::World, region: crate::world::Region) -> Layout {
        let preset = super::Binding::preset();
        let b = profile.bind.as_ref().unwrap_or(&preset);
        let bound = b.footprint(&profile.node_names).resolve(world, region);
        let places = [0, 1].map(|i| {
            let nics = &bound.nodes[i].1;
            let service = nics[0].expect("the service NIC is always bound");
            (bound.nodes[i].0, [service, nics[1].unwrap_or(service), nics[2].unwrap_or(service)])
        });
        Layout { switch: region.only_switch(world), client: bound.peers[0], gateway: b.gateway, floating_ip: b.floating_ip, places }
    }

    /// The pair at t = 0, in the default layout or bound to the declared world, the floating
    /// IP on the initially active node.
    pub fn new(profile: Profile, cx: &mut Cx<'_, '_>) -> Self {
        use rand::RngExt;
        let mut rng = cx.streams().take();
        let Layout { switch, client, gateway, floating_ip, places } = Self::layout(&profile, cx.world(), cx.region());
        let nodes = [0usize, 1].map(|i| {
            let (host, [port, heartbeat_port, sync_port]) = places[i];
            let role = if i == profile.initially_active.idx() { Role::Active } else { Role::Standby };
            Node {
                host,
                port,
                heartbeat_port,
                sync_port,
                running: true,
                role,
                config: IdSet::default(),
                db: IdSet::default(),
                sync_file_ok: true,
                backup_disk_full: false,
                resources_down: Default::default(),
                resource_failures: vec![0; profile.resources.len()],
                heard_peer_ms: 0,
                active_since_ms: 0,
                joining: false,
                gateway_ok_ms: 0,
                last_active_ms: (role == Role::Active).then_some(0),
                raising_since_ms: None,
                failover_blocked: false,
            }
        });
        let active = profile.initially_active.idx();
        assert_eq!(nodes.iter().filter(|n| n.role == Role::Active).count(), 1, "at t = 0 exactly one node is active");
        cx.hold_addr(nodes[active].port, floating_ip);
        let timers = [cx.new_timer(), cx.new_timer()];
        cx.arm(timers[0], profile.heartbeat_interval.0, Event::Heartbeat);
        cx.arm(timers[1], 1 + rng.random_range(0..profile.sync_interval.0), Event::SyncCheck);
        let resource_timers: Vec<TimerId> = profile.resources.iter().map(|_| cx.new_timer()).collect();
        for (i, r) in profile.resources.iter().enumerate() {
            cx.arm(resource_timers[i], 1 + rng.random_range(0..r.interval.0), Event::ResourceCheck(i));
        }
        // Drawn after the others, so that a pair without a replicated database draws as before.
        let db_timer = profile.db_sync.map(|d| {
            let timer = cx.new_timer();
            cx.arm(timer, 1 + rng.random_range(0..d.interval.0), Event::DbSyncCheck);
            timer
        });
        cx.record(Rec::Initial { active: profile.node_names[active].clone() });
        ActiveStandby {
            profile: Arc::new(profile),
            switch,
            client,
            gateway,
            floating_ip,
            nodes,
            ledger: Ledger::new(2),
            console: Console::default(),
            last_good_sync_ms: Some(0),
            sync_failure: None,
            events: Vec::new(),
            heartbeat_alarms: [false; 2],
            missed_beat: [false; 2],
            timers,
            resource_timers,
            resource_alarms: Default::default(),
            fired: crate::finding::Fired::default(),
            db_timer,
            db_failures: 0,
            db_failure: None,
        }
    }

    pub fn name(&self, n: NodeId) -> &str {
        &self.profile.node_names[n.idx()]
    }

    /// Each rule of the pair's catalog with how often it fired (FS-COVERAGE): the resource and
    /// heartbeat-alarm rules only for the Manager (the one with documented resources and a
    /// blocking alarm), the stale loss only where a document describes it, the switchover under
    /// the product's own SPEC ID, the database sync only where the profile has one (MRS-12039:
    /// the Manager's OMS databases).
    pub fn rules_fired(&self) -> Vec<(crate::finding::SpecId, u32)> {
        let p = &self.profile;
        let id = |r: Rule| match r {
            Rule::StaleLoss => p.stale_switchover_spec.unwrap_or("(none)"),
            Rule::Switchover => p.switchover_spec,
            _ => crate::finding::Rule::id(r),
        };
        let applies = |r: &Rule| match r {
            Rule::Resources | Rule::HeartbeatBlocksFailover => !p.resources.is_empty(),
            Rule::StaleLoss => p.stale_switchover_spec.is_some(),
            Rule::Switchover => true,
            Rule::DbUnsynced => p.db_sync.is_some(),
        };
        let all = self.fired.counts(id).into_iter().zip(<Rule as crate::finding::Rule>::ALL);
        all.filter(|(_, r)| applies(r)).map(|(c, _)| c).collect()
    }

    pub fn node(&self, n: NodeId) -> &Node {
        &self.nodes[n.idx()]
    }

    /// The running active nodes (two only after an arbitration mistake; see the invariants).
    pub fn actives(&self) -> impl Iterator<Item = NodeId> + '_ {
        NodeId::BOTH.into_iter().filter(|n| self.node(*n).running && self.node(*n).role == Role::Active)
    }

    /// The nodes' HA heartbeat NICs reach each other and hear back (the HA talks there: the
    /// heartbeat, a joining node finding the active, a switchover's hand-over).
    fn peers_connected(&self, net: &Topology) -> bool {
        net.reaches_port(self.nodes[0].heartbeat_port, self.nodes[1].heartbeat_port)
    }

    /// The nodes' sync NICs reach each other and hear back.
    pub(super) fn sync_connected(&self, net: &Topology) -> bool {
        net.reaches_port(self.nodes[0].sync_port, self.nodes[1].sync_port)
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
        for n in NodeId::BOTH {
            if self.node(n).running && cx.net().reaches_ip(self.node(n).port, self.gateway) {
                self.nodes[n.idx()].gateway_ok_ms = now;
            }
        }
        let isolated = self.actives().find(|n| now - self.node(*n).gateway_ok_ms >= self.profile.gateway_loss.0);
        if let Some(n) = isolated {
            self.step_down(n, cx);
        }
        // After the gateway arbitration: an active that stepped down no longer blocks.
        self.note_blocked_failovers(now);
        if connected && self.actives().count() == 2 {
            self.resolve_dual_active(cx);
        }
        assert!(!connected || self.actives().count() < 2, "two actives that hear each other are resolved at once");
        for n in NodeId::BOTH {
            if self.node(n).joining {
                self.join(n, cx);
            }
        }
        for n in NodeId::BOTH {
            if self.takes_over(n, now, cx.net()) {
                self.take_over(n, cx);
            }
        }
        // The heartbeat alarm depends on time passing: look again when its state flips.
        // (The HA status shows the loss on both nodes, the alarm only where it is watched.)
        let alarms = NodeId::BOTH.map(|n| self.heartbeat_lost(n, now));
        let missed = NodeId::BOTH.map(|n| self.node(n).heard_peer_ms != now);
        if alarms != self.heartbeat_alarms || missed != self.missed_beat {
            self.heartbeat_alarms = alarms;
            self.missed_beat = missed;
            cx.touch();
        }
    }

    /// MRS-12010: a standby that detects the heartbeat loss while a running active is still
    /// there cannot tell a failed active from an unreachable one afterwards; the active raises
    /// ALM-12010, and no failover can be performed until the heartbeats resume.
    fn note_blocked_failovers(&mut self, now: Time) {
        let active_running = self.actives().next().is_some();
        for n in NodeId::BOTH {
            let node = &self.nodes[n.idx()];
            let blocked = match node.heard_peer_ms == now {
                true => false,
                false => node.failover_blocked || (node.role == Role::Standby && active_running && self.heartbeat_lost(n, now)),
            };
            if blocked && !self.nodes[n.idx()].failover_blocked {
                self.fired.fire(Rule::HeartbeatBlocksFailover);
            }
            self.nodes[n.idx()].failover_blocked = blocked;
        }
        assert!(NodeId::BOTH.iter().all(|n| !self.node(*n).failover_blocked || self.node(*n).heard_peer_ms < now), "a node that hears its peer is not blocked");
    }

    /// DBSVC-HA: the node that became active at `since` has brought its resources up and takes
    /// the floating IP, if it is still that active.
    fn on_raised(&mut self, n: NodeId, since: Time, cx: &mut Cx<'_, '_>) {
        if self.node(n).raising_since_ms != Some(since) {
            return;
        }
        assert_eq!(self.node(n).role, Role::Active, "only an active node raises its resources");
        self.nodes[n.idx()].raising_since_ms = None;
        cx.hold_addr(self.node(n).port, self.floating_ip);
        cx.record(Rec::Role { node: self.name(n).into(), role: "active", why: "resources up: the floating IP is enabled".into() });
        assert!(cx.net().holders(self.floating_ip.addr).any(|p| p == self.node(n).port), "a raised active holds the floating IP");
    }

    /// MRS-SWITCHOVER: a running standby takes over when the active failed — it has heard no
    /// heartbeat for `heartbeat_loss` and no node is active — and it reaches the gateway (the HA
    /// arbitration: a standby cut off from the network does not take over).
    fn takes_over(&self, n: NodeId, now: Time, net: &Topology) -> bool {
        let node = self.node(n);
        // A running active the standby no longer hears is cut off, not failed: it raises the
        // heartbeat alarm, and no failover can be performed while it stands (MRS-12010).
        if !node.running || node.failover_blocked || self.actives().next().is_some() || !net.reaches_ip(node.port, self.gateway) {
            return false;
        }
        assert_eq!(node.role, Role::Standby, "with no running active, a running node is standby");
        // `join` ran first at this heartbeat: a joining node that reaches the gateway is active.
        assert!(!node.joining, "a node still joining reaches no gateway");
        if self.heartbeat_lost(n, now) {
            return true;
        }
        // Two standbys that hear each other, and no active (the active stepped down while the
        // network was gone): the one that was active last takes the role, its files being the
        // freshest (an assumption: no document describes a pair with no active), unless it
        // cannot reach the gateway.
        let peer = self.node(n.other());
        peer.running && self.peers_connected(net) && (self.active_last(n) || !net.reaches_ip(peer.port, self.gateway))
    }

    /// Whether `n` stopped being active no earlier than its peer. When both did at once, both
    /// were active last: `on_heartbeat` asks `Main` first, and once it takes the role its peer
    /// no longer takes over (an active runs), so `Main` wins the tie.
    fn active_last(&self, n: NodeId) -> bool {
        self.node(n).last_active_ms >= self.node(n.other()).last_active_ms
    }

    /// The gateway arbitration (an assumption, `gateway_loss`): an active that has not reached
    /// the gateway for `gateway_loss` is cut off from its clients and steps down, so that the
    /// standby may take over (MRS-SWITCHOVER) and an isolated node never stays active beside
    /// a new one.
    fn step_down(&mut self, n: NodeId, cx: &mut Cx<'_, '_>) {
        assert_eq!(self.node(n).role, Role::Active, "only an active steps down");
        let why = format!("the gateway {} unreachable for {}: an isolated active steps down", self.gateway, self.profile.gateway_loss);
        self.set_role(n, Role::Standby, &why, cx);
        assert!(self.actives().all(|m| m != n), "the isolated node is no longer active");
    }

    fn take_over(&mut self, n: NodeId, cx: &mut Cx<'_, '_>) {
        let why = match self.heartbeat_lost(n, cx.now()) {
            true => format!("no heartbeat from {} for {}: the active failed", self.name(n.other()), self.profile.heartbeat_loss),
            false => format!("no active, and {} was active last", self.name(n)),
        };
        self.fired.fire(Rule::Switchover);
        self.switchover(n, &why, true, cx);
        assert_eq!(self.actives().collect::<Vec<_>>(), [n], "the standby that takes over is the one active (MRS-SWITCHOVER)");
    }

    /// Start-up rule (an assumption): a joining node becomes standby as soon as it reaches a
    /// running active, or active when none is reachable and it reaches the gateway; until one
    /// of the two, it keeps trying at every heartbeat. Only joining nodes do this: a standby
    /// that loses the active takes over by the switchover rule ([`Self::takes_over`]).
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
        let loss = Loss { mechanism: "dual-active resolution", documented: None };
        self.hand_over(keep.other(), keep, &why, [loss, loss], cx);
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
                    cx.record(Rec::Sync { what: self.profile.sync_what, ok: false, detail: cause });
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
                    cx.record(Rec::Sync { what: self.profile.sync_what, ok: true, detail });
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
        if !self.node(standby).running || !self.sync_connected(net) {
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

    /// The active's check of resource `i` (MRS-RESOURCES): a failed check counts; at the
    /// resource's count its alarm is raised and the pair switches over (unless the heartbeat
    /// alarm stands: MRS-12010); a good check on the active clears the alarm ("once the new
    /// active Manager has brought the resource up").
    fn on_resource_check(&mut self, i: usize, cx: &mut Cx<'_, '_>) {
        let resource = self.profile.resources[i];
        cx.arm(self.resource_timers[i], resource.interval.0, Event::ResourceCheck(i));
        let Some(active) = self.actives().next() else { return };
        let now = cx.now();
        let up = !self.node(active).resources_down.contains(&resource.name);
        let node = &mut self.nodes[active.idx()];
        let before = node.resource_failures[i];
        node.resource_failures[i] = if up { 0 } else { before + 1 };
        if up && self.resource_alarms.remove(&resource.name).is_some() {
            cx.touch();
        }
        if self.node(active).resource_failures[i] < resource.failures {
            assert!(up || self.node(active).resource_failures[i] > before, "a failed check counts");
            return;
        }
        self.resource_alarms.insert(resource.name, active);
        cx.touch();
        if self.heartbeat_alarm_on(active, now) {
            // MRS-12010: while the heartbeat alarm stands, no failover can be performed.
            self.fired.fire(Rule::HeartbeatBlocksFailover);
            let why = format!("{} stands: no failover can be performed", self.profile.heartbeat_alarm.title);
            cx.record(Rec::Refused { what: format!("automatic switchover after {} failed", resource.name), why });
        } else if self.switch_blocker(cx.net(), active).is_none() {
            let why = format!("{} resource abnormal on {}", resource.name, self.name(active));
            self.fired.fire(Rule::Resources);
            self.switchover(active.other(), &why, true, cx);
            assert_eq!(self.node(active).role, Role::Standby, "a node whose resource failed hands the active role over (MRS-RESOURCES)");
        }
        assert!(self.resource_alarms.contains_key(&resource.name), "a resource at its count raises its alarm, also when a switchover follows");
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
        if self.node(n).role == Role::Active {
            self.nodes[n.idx()].last_active_ms = Some(cx.now());
        }
        self.nodes[n.idx()].role = role;
        self.nodes[n.idx()].active_since_ms = cx.now();
        let port = self.node(n).port;
        let raising = role == Role::Active && self.profile.switchover_time.0 > 0;
        self.nodes[n.idx()].raising_since_ms = raising.then_some(cx.now());
        if raising {
            cx.schedule_in(self.profile.switchover_time.0, Event::Raised { node: n, since: cx.now() });
        } else if role == Role::Active {
            cx.hold_addr(port, self.floating_ip);
        } else {
            cx.release_addr(port, self.floating_ip.addr);
        }
        let holds = cx.net().holders(self.floating_ip.addr).any(|p| p == port);
        assert_eq!(holds, role == Role::Active && !raising, "the floating IP is on a node exactly while it is active with its resources up");
        let label = if role == Role::Active { "active" } else { "standby" };
        cx.record(Rec::Role { node: self.name(n).into(), role: label, why: why.into() });
    }

    /// `to` becomes active with the configuration it holds; changes only the other node held
    /// are lost (MRS-12011-3, FLINK-45641-4), each by id, with the time of the last good sync.
    /// `failed`: the active failed (a takeover, a failed resource), rather than an administrator
    /// switching over: records not yet on the standby's database are lost as MRS-12039 says ("if
    /// the active fails"); no document says what a manual switchover does with them.
    fn switchover(&mut self, to: NodeId, why: &str, failed: bool, cx: &mut Cx<'_, '_>) {
        // Both callers asked `switch_blocker` first.
        assert!(self.node(to).running, "only a running standby takes over (MRS-SWITCHOVER)");
        let loss = Loss { mechanism: "stale switchover", documented: self.profile.stale_switchover_spec };
        let db_loss = match failed {
            true => Loss { mechanism: "failover with the databases not synchronized", documented: self.profile.db_sync.map(|d| d.spec) },
            false => Loss { mechanism: "manual switchover with the databases not synchronized", documented: None },
        };
        self.hand_over(to.other(), to, why, [loss, db_loss], cx);
        if let Some(e) = &self.profile.switchover_event {
            let text = format!("{} {} ({} active)", e.id, e.title, self.name(to));
            self.events.push(text.clone());
            cx.record(Rec::Event { text });
        }
    }

    /// `from` steps down to standby and `to` is (or stays) active with its own configuration.
    /// `loss`: how the configuration changes only `from` held are lost; `db_loss`: how the
    /// records only its database held are (two sets of ids: nothing is counted twice).
    fn hand_over(&mut self, from: NodeId, to: NodeId, why: &str, [loss, db_loss]: [Loss; 2], cx: &mut Cx<'_, '_>) {
        assert_ne!(from, to, "a hand-over is between the two nodes");
        self.lose_stale(from, to, loss, cx);
        self.lose_unsynced(from, to, db_loss, cx);
        self.set_role(from, Role::Standby, why, cx);
        self.set_role(to, Role::Active, why, cx);
        assert_eq!(self.node(from).role, Role::Standby, "the node handing over is standby");
        assert_eq!(self.node(to).role, Role::Active, "the node taking over is active");
        self.nodes[from.idx()].resource_failures.fill(0);
        self.nodes[to.idx()].resource_failures.fill(0);
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
        cx.record(Rec::Lost { count: crate::ledger::count(lost.ranges()), what: "configuration change(s)", ids: lost.to_string(), cause: cause.detail });
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
            Do::Own(Command::WriteOmsData { count }) => self.write_db(count, cx),
            Do::Own(command) => self.apply_own(command, node.expect("each own command names its node"), cx),
        }
    }

    fn apply(&mut self, action: Action, node: Option<NodeId>, cx: &mut Cx<'_, '_>) {
        let n = || node.expect("resolved");
        if matches!(action, Action::Pull { cable: CableRef::Sync, .. } | Action::Plug { cable: CableRef::Sync, .. }) {
            return cx.record(Rec::Refused { what: "Sync cable".into(), why: "each node has one network cable (use Corporate)".into() });
        }
        // World faults: the world says what they mean and applies them; `after_fault` reacts.
        let (host, port) = node.map(|n| (self.node(n).host, self.node(n).port)).unzip();
        if let Some(faults) = cx.world().faults_of(&action, host, port.as_slice(), self.switch) {
            return faults.into_iter().for_each(|fault| cx.request(fault));
        }
        match action {
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
            Command::FailResource(_, name) | Command::RestoreResource(_, name) => {
                let roles = NodeId::BOTH.map(|m| self.node(m).role);
                let down = &mut self.nodes[n.idx()].resources_down;
                let failed = matches!(command, Command::FailResource(..));
                if failed {
                    down.insert(name)
                } else {
                    down.remove(&name)
                };
                fault(self, cx, &format!("{name} resource {}", if failed { "failed" } else { "restored" }));
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
            Command::WriteOmsData { .. } => unreachable!("a database write names no node: `on_command` hands it to `write_db`"),
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
        let node_at =
            |port: PortId| NodeId::BOTH.into_iter().find(|n| [self.node(*n).port, self.node(*n).heartbeat_port, self.node(*n).sync_port].contains(&port));
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
            // A cable or switch fault changes paths, which the pair reads when its timers fire
            // (heartbeats, syncs). The instant is marked changed already, for the views and the
            // observers: the action that asked for the fault recorded its script line.
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
            self.nodes[n.idx()].gateway_ok_ms = cx.now();
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
                self.switchover(active.other(), "manual switchover by an administrator", false, cx);
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
        if let (Some((_, standby)), Some(a)) = (&self.sync_failure, &p.sync_alarm) {
            let (standby, active) = (*standby, standby.other());
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
        out.extend(self.db_condition());
        for r in &p.resources {
            if let Some(on) = self.resource_alarms.get(&r.name) {
                let a = &r.alarm;
                out.push((a.severity.severity(), format!("ALM-{} {} (HostName={})", a.id, a.title, self.name(*on))));
            }
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
                    item("HAAllResOK", if node.resources_down.is_empty() { "normal".into() } else { "abnormal".into() });
                    let phase = match (node.role, node.raising_since_ms) {
                        (Role::Active, Some(_)) => "Raising_active",
                        (Role::Active, None) => "Actived",
                        (Role::Standby, _) => "Deactived",
                    };
                    item("HARunPhase", phase.into());
                    item("Heartbeat", if self.heartbeat_lost(n, now) { "lost".into() } else { "normal".into() });
                }
                Column { node: self.name(n).into(), items }
            })
            .to_vec();
        let sync = match (&self.sync_failure, self.last_good_sync_ms) {
            (Some((cause, _)), last) => format!("{} failing: {cause}; last good sync {}", self.profile.sync_what, last.map_or("never".into(), clock)),
            (None, last) => format!("{} OK; last good sync {}", self.profile.sync_what, last.map_or("never".into(), clock)),
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
            Event::DbSyncCheck => self.on_db_sync_check(cx),
            Event::ResourceCheck(i) => self.on_resource_check(i, cx),
            Event::Raised { node, since } => self.on_raised(node, since, cx),
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
            out.push(Problem::new(ProblemKind::SyncFailing, format!("{} failing: {cause}", self.profile.sync_what)));
        }
        out.extend(self.db_problem());
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
    /// Availability at this instant (metrics): clients are served by a running active that
    /// holds the floating IP where the network reaches it, while its FloatIP resource works
    /// (a failed FloatIP resource is an address clients cannot log in through, MRS-RESOURCES).
    pub fn sample(&self, world: &World) -> crate::metrics::Sample {
        let net = world.net();
        let reached = |n: NodeId| net.reaches_at(self.client, self.floating_ip.addr, self.node(n).port);
        let works = |n: NodeId| !self.node(n).resources_down.contains(&ResourceName::FloatIp);
        let servers = self.actives().filter(|n| reached(*n) && works(*n)).fold(0, |m, n| m | 1 << n.idx());
        let claimers = self.actives().fold(0, |m, n| m | 1 << n.idx());
        crate::metrics::Sample::one_way(servers, self.actives().count(), claimers)
    }

    /// The state of each timeline lane at this instant: nodes, who holds the floating IP, and
    /// the world's cables.
    pub fn lanes(&self, world: &crate::world::World) -> crate::products::Lanes<'_> {
        let nodes: Vec<LaneSample> = NodeId::BOTH
            .iter()
            .map(|n| {
                let node = self.node(*n);
                let (word, meaning) = if node.running { role_word(node.role) } else { ("stopped", Meaning::Down) };
                LaneSample::node(self.name(*n), word, meaning)
            })
            .collect();
        let holders = vec![crate::products::holder_lane(format!("floating IP {}", self.floating_ip.addr), &world.holder_names(self.floating_ip.addr))];
        let mut heartbeats: Vec<LaneSample> = NodeId::BOTH.iter().map(|n| self.heartbeat_lane(*n)).collect();
        heartbeats.push(self.sync_lane());
        crate::products::Lanes { nodes, cables: crate::world::Drawn::ALL, links: Vec::new(), heartbeats, holders, service: None }
    }

    /// What node `n` heard of its peer's HA heartbeat at the last tick: heard, missing (not
    /// lost yet), or interrupted past `heartbeat_loss` (ALM-12010's word, MRS-12010), shown on
    /// both nodes as the HA status shows it.
    fn heartbeat_lane(&self, n: NodeId) -> LaneSample {
        let (word, meaning) = match (self.heartbeat_alarms[n.idx()], self.missed_beat[n.idx()]) {
            (true, _) => ("interrupted", Meaning::Failed),
            (false, true) => ("missing", Meaning::Failing),
            (false, false) => ("heard", Meaning::Up),
        };
        LaneSample { name: format!("heartbeat {} -> {}", self.name(n.other()), self.name(n)), kind: LaneKind::Heartbeat, state: State::new(word, meaning) }
    }

    /// The last sync check (FLINK-45641-2, ALM-12011): ok; failing with the standby holding
    /// everything; or failing while the standby lacks changes the active holds: stale, the
    /// changes a switchover now would lose (MRS-12011-3).
    fn sync_lane(&self) -> LaneSample {
        let behind = |active: NodeId| self.node(active).config.difference(&self.node(active.other()).config).len();
        let state = match (&self.sync_failure, self.actives().next().map(behind)) {
            (None, _) => State::new("ok", Meaning::Up),
            (Some(_), Some(behind @ 1..)) => State::new(format!("stale: {behind} behind"), Meaning::Failed),
            (Some(_), _) => State::new("failing", Meaning::Failing),
        };
        LaneSample { name: self.profile.sync_what.to_string(), kind: LaneKind::Heartbeat, state }
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// A run of MRS Manager (seed 1) on a declared world whose HA heartbeat has a cross cable of
    /// its own, while service and the gateway (10.0.0.254, the switch `core`) are on `nic`
    /// (as scenarios/world-mrs-heartbeat-network.ron), with `script`.
    fn on_heartbeat_network(script: &str) -> crate::runner::Outcome {
        let world = r#"world: (
            hosts: [
                (name: "node-master1", nics: [(name: "nic", addr: "10.0.0.1/24"), (name: "hb", addr: "192.168.1.1/30")]),
                (name: "node-master2", nics: [(name: "nic", addr: "10.0.0.2/24"), (name: "hb", addr: "192.168.1.2/30")]),
                (name: "ops-pc", nics: [(name: "nic", addr: "10.0.0.50/24")]),
            ],
            switches: [(name: "core", addr: "10.0.0.254/24")],
            cables: [
                (name: "m1", ends: (Nic("node-master1", "nic"), Switch("core"))),
                (name: "m2", ends: (Nic("node-master2", "nic"), Switch("core"))),
                (name: "ops", ends: (Nic("ops-pc", "nic"), Switch("core"))),
                (name: "heartbeat", ends: (Nic("node-master1", "hb"), Nic("node-master2", "hb"))),
            ],
        )"#;
        let system = r#"MrsManager(bind: (nic: "nic", heartbeat: "hb", floating_ip: "10.0.0.100/24", gateway: "10.0.0.254", client: "ops-pc"))"#;
        let src = format!(r#"Scenario(name: "m", doc: "", seed: 1, {world}, system: {system}, script: [{script}], end: "6m")"#);
        let scenario = crate::scenario::parse(Path::new("m.ron"), &src).unwrap_or_else(|e| panic!("{e}"));
        crate::runner::run(&scenario, None).expect("runs")
    }

    fn traced(o: &crate::runner::Outcome, text: &str) -> Vec<u64> {
        o.timeline.iter().filter(|l| l.text.contains(text)).map(|l| l.at_ms).collect()
    }

    /// Two standbys that hear each other and no active (the active stepped down while the
    /// gateway was gone, the standby could not take over without it): once both reach the
    /// gateway again, the one that was active last takes the role, also when it is Backup.
    /// Here node-master2 became active by a manual switchover at 1:00 and stepped down at 2:06.
    #[test]
    fn with_no_active_the_node_active_last_takes_the_role() {
        let o = on_heartbeat_network(r#"(at: "1m", do: Switch), (at: "2m", do: FailSwitch), (at: "3m", do: RestoreSwitch)"#);
        assert_eq!(traced(&o, "node-master2 => standby (the gateway 10.0.0.254 unreachable for 7s: an isolated active steps down)"), [126_000]);
        assert_eq!(traced(&o, "node-master2 => active (no active, and node-master2 was active last)"), [180_000]);
        assert!(traced(&o, "node-master1 => active").is_empty(), "node-master1 was active before node-master2, and stays standby");
    }

    /// "Active last" is when a node last stopped being active, not when it became active: after
    /// a dual-active pair is resolved (node-master2, active from 2:30, steps down at 3:00 for
    /// node-master1, active from t = 0), node-master1 is the one active last when it steps down
    /// at 3:36, though it became active long before node-master2.
    #[test]
    fn active_last_counts_from_when_a_node_left_the_active_role() {
        let script = r#"(at: "1m500ms", do: Pull(cable: "heartbeat")), (at: "2m", do: Stop(Master2)), (at: "2m30s", do: Start(Master2)),
            (at: "3m", do: Plug(cable: "heartbeat")), (at: "3m30s", do: FailSwitch), (at: "5m", do: RestoreSwitch)"#;
        let o = on_heartbeat_network(script);
        assert_eq!(traced(&o, "node-master2 => active (started; no active peer reachable)"), [150_000]);
        assert_eq!(traced(&o, "node-master2 => standby (node-master1 was active first: dual-active resolved)"), [180_000]);
        assert_eq!(traced(&o, "node-master1 => standby (the gateway 10.0.0.254 unreachable for 7s"), [216_000]);
        assert_eq!(traced(&o, "node-master1 => active (no active, and node-master1 was active last)"), [300_000]);
    }

    /// Two standbys that stopped being active at the same instant: node-master2, cut off from
    /// the gateway since 1:50, becomes active by a manual switchover at 2:00 and steps down at
    /// once; the switch fails at 2:00 too, so node-master1 cannot take over. When both reach
    /// the gateway again (3:00) both were active last, and node-master1 (Main) takes the role.
    #[test]
    fn with_no_active_a_tie_goes_to_main() {
        let script = r#"(at: "1m50s", do: Pull(cable: "m2")), (at: "2m", do: Switch), (at: "2m", do: FailSwitch),
            (at: "3m", do: RestoreSwitch), (at: "3m", do: Plug(cable: "m2"))"#;
        let o = on_heartbeat_network(script);
        assert_eq!(traced(&o, "node-master1 => standby (manual switchover by an administrator)"), [120_000]);
        assert_eq!(traced(&o, "node-master2 => standby (the gateway 10.0.0.254 unreachable for 7s"), [120_000]);
        assert_eq!(traced(&o, "node-master1 => active (no active, and node-master1 was active last)"), [180_000]);
        assert!(traced(&o, "node-master2 => active (no active").is_empty(), "node-master2 does not take over beside node-master1");
    }

    /// A world fault that changes nothing is not narrated and changes nothing in the pair: a
    /// NIC disabled twice is recorded once, and a power-on of a server that has power does not
    /// start the Manager stopped on it.
    #[test]
    fn a_fault_that_changes_nothing_changes_nothing() {
        let script = r#"(at: "1m", do: DisableNic(cable: Corporate, on: Master2)), (at: "1m30s", do: DisableNic(cable: Corporate, on: Master2)),
            (at: "2m", do: EnableNic(cable: Corporate, on: Master2)), (at: "3m", do: Stop(Master2)), (at: "3m30s", do: PowerOn(Master2))"#;
        let src = format!(r#"Scenario(name: "m", doc: "", seed: 1, system: MrsManager(), script: [{script}], end: "5m")"#);
        let o = crate::runner::run(&crate::scenario::parse(Path::new("m.ron"), &src).expect("parses"), None).expect("runs");
        assert_eq!(traced(&o, "node-master2 NIC disabled"), [60_000]);
        assert_eq!(traced(&o, "node-master2 NIC enabled"), [120_000]);
        assert_eq!(traced(&o, "node-master2 stopped"), [180_000]);
        assert!(traced(&o, "node-master2 running").is_empty(), "the Manager stopped at 3:00 stays stopped");
    }

    /// Changes not yet on both nodes keep the pair from being healthy, alone: written at 1:00,
    /// they reach the standby at the next file sync (1:51.115).
    #[test]
    fn changes_not_on_both_nodes_are_a_health_problem() {
        let expect = r#"(ids: ["MRS-12011-3"], when: At("1m51s115ms"), that: Healthy), (ids: ["MRS-12011-3"], when: At("1m51s114ms"), that: Healthy)"#;
        let src =
            format!(r#"Scenario(name: "m", doc: "", seed: 1, system: MrsManager(), script: [(at: "1m", do: Write(count: 2))], end: "3m", expect: [{expect}])"#);
        let o = crate::runner::run(&crate::scenario::parse(Path::new("m.ron"), &src).unwrap_or_else(|e| panic!("{e}")), None).expect("runs");
        assert_eq!(o.expectations[0].failure, None, "synced at 1:51.115");
        let failure = o.expectations[1].failure.as_ref().map(|f| format!("{f:?}")).unwrap_or_default();
        assert!(failure.contains("2 change(s) not on both nodes"), "{failure}");
    }

    /// The timeline's lanes (SVG/HTML report): each node's role, "stopped" while it does not
    /// run, and each cable plugged or pulled.
    #[test]
    fn the_lanes_follow_each_node_and_cable() {
        let script = r#"(at: "1m", do: Stop(Master2)), (at: "2m", do: Start(Master2)), (at: "2m30s", do: Pull(cable: Corporate, on: Master2)), (at: "2m40s", do: Plug(cable: Corporate, on: Master2))"#;
        let src = format!(r#"Scenario(name: "m", doc: "", seed: 1, system: MrsManager(), script: [{script}], end: "3m")"#);
        let o = crate::runner::run(&crate::scenario::parse(Path::new("m.ron"), &src).expect("parses"), None).expect("runs");
        let lane = |name: &str| {
            let lane = o.lanes.iter().find(|l| l.name == name).unwrap_or_else(|| panic!("no lane {name}"));
            lane.segments.iter().map(|(from, _, s)| (*from, s.word.clone())).collect::<Vec<_>>()
        };
        let words = |w: &[(u64, &str)]| w.iter().map(|(t, s)| (*t, s.to_string())).collect::<Vec<_>>();
        assert_eq!(lane("node-master1"), words(&[(0, "active")]));
        assert_eq!(lane("node-master2"), words(&[(0, "standby"), (60_000, "stopped"), (120_000, "standby")]));
        let cable = o.lanes.iter().find(|l| l.segments.iter().any(|(_, _, s)| s.word == "pulled")).expect("a pulled cable is drawn");
        let states: Vec<(u64, &str)> = cable.segments.iter().map(|(from, _, s)| (*from, s.word.as_str())).collect();
        assert_eq!(states, [(0, "plugged"), (150_000, "pulled"), (160_000, "plugged")], "{}", cable.name);
    }

    /// The heartbeat and sync lanes tell scenarios/mrs-12011-stale-switchover.ron: each cable
    /// pull makes both nodes miss the heartbeat at the next tick (2:00) and lose it 7 s after the
    /// last one heard (2:06), until the replug; the sync check fails at 2:51.115 with the standby
    /// 2 changes behind, is good again at 3:51.115; in the second round the standby is 2, then 3
    /// behind, the switchover at 6:20 leaves nothing behind (the new active is the stale one: its
    /// check still fails), and the next good check (6:51.115) overwrites the changes.
    #[test]
    fn the_heartbeat_and_sync_lanes_tell_the_stale_switchover() {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/mrs-12011-stale-switchover.ron");
        let src = std::fs::read_to_string(&path).expect("the scenario reads");
        let o = crate::runner::run(&crate::scenario::parse(&path, &src).unwrap_or_else(|e| panic!("{e}")), None).expect("runs");
        let lane = |name: &str| {
            let lane = o.lanes.iter().find(|l| l.name == name).unwrap_or_else(|| panic!("no lane {name}"));
            lane.segments.iter().map(|(from, _, s)| (*from, s.word.as_str())).collect::<Vec<_>>()
        };
        let heartbeat = [(0, "heard"), (120_000, "missing"), (126_000, "interrupted"), (180_000, "heard")];
        let again = [(300_000, "missing"), (306_000, "interrupted"), (360_000, "heard")];
        let both: Vec<(u64, &str)> = heartbeat.into_iter().chain(again).collect();
        assert_eq!(lane("heartbeat node-master2 -> node-master1"), both);
        assert_eq!(lane("heartbeat node-master1 -> node-master2"), both);
        let sync = [
            (0, "ok"),
            (171_115, "stale: 2 behind"),
            (231_115, "ok"),
            (351_115, "stale: 2 behind"),
            (370_000, "stale: 3 behind"),
            (380_000, "failing"),
            (411_115, "ok"),
        ];
        assert_eq!(lane("file sync"), sync);
        let meanings: Vec<crate::ops::Meaning> =
            o.lanes.iter().find(|l| l.name == "file sync").expect("a sync lane").segments.iter().map(|s| s.2.meaning).collect();
        use crate::ops::Meaning::{Failed, Failing, Up};
        assert_eq!(meanings, [Up, Failed, Up, Failed, Failed, Failing, Up], "stale is a failure, failing with nothing behind is not yet");
    }

    /// An MRS node has one network cable: a Sync cable fault is refused, and changes nothing.
    #[test]
    fn a_sync_cable_fault_is_refused() {
        let src = r#"Scenario(name: "m", doc: "", seed: 1, system: MrsManager(), script: [(at: "1m", do: Pull(cable: Sync, on: Active)), (at: "2m", do: Plug(cable: Sync, on: Master2))], end: "3m")"#;
        let o = crate::runner::run(&crate::scenario::parse(Path::new("m.ron"), src).expect("parses"), None).expect("runs");
        assert_eq!(traced(&o, "refused: Sync cable: each node has one network cable (use Corporate)"), [60_000, 120_000]);
        assert!(traced(&o, "pulled out").is_empty(), "no cable was pulled");
    }
}
