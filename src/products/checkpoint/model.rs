use super::Command;
use super::{Config, banner};
use crate::action::{Action, Command as _, Do, NodeId, NodeRef, Target};
use crate::engine::{Time, TimerId, clock};
use crate::finding::{Problem, ProblemKind, SpecId};
use crate::ledger::{self, Cause, IdSet, Ledger};
use crate::net::{HostId, PortId, Topology};
use crate::ops::{Column, LaneSample, Meaning, NodeLine, Panel, View};
use crate::world::{Applied, World, WorldCx, WorldFault};
use std::fmt;
use std::sync::Arc;

pub type Cx<'a, 'b> = WorldCx<'a, 'b, Event, Rec>;

/// A server by index: 0 is the Primary (installed first), the others are Secondaries.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Sid(usize);

impl From<NodeId> for Sid {
    /// `Primary`/`Main` is server 0, `Secondary`/`Backup` server 1.
    fn from(n: NodeId) -> Sid {
        Sid(n.idx())
    }
}

/// What goes down or comes up: the management services alone, or the whole server (power).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    Services,
    Server,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Mode {
    Active,
    Standby,
}

#[derive(Clone, Debug)]
pub struct Server {
    pub(super) host: HostId,
    pub(super) port: PortId,
    /// The server's management services run (a stopped server still answers on the network).
    pub(super) running: bool,
    pub(super) mode: Mode,
    /// Published changes this server's database holds (ids).
    pub(super) db: IdSet,
    /// Changes in the administrator's session, not yet published (not synced): tentative
    /// records of the ledger, by id (CP-10).
    pub(super) session: IdSet,
    pub(super) last_sync_ms: Option<Time>,
    /// The last sync towards this Standby failed.
    pub(super) sync_failed: bool,
    /// How this server last became Standby after being Active: the document that says its
    /// unsynchronised changes are then overwritten (CP-5 changeover, CP-8 collision ended).
    demoted_by: Option<SpecId>,
}

#[derive(Clone, Debug)]
pub enum Event {
    PeriodicSync,
    /// A script action, boxed: the queue stores events inline, and timer events stay small.
    Command(Box<Do<Command>>),
    /// The start half of a restart, on the server that restarts.
    RestartDone(Sid),
}

/// `World`: what the world says of a fault (once per fault, by the runner).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Rec {
    Initial { active: String },
    Script { text: String },
    Refused { what: String, why: String },
    World(crate::world::Narration),
    NicEnabled { server: String, enabled: bool },
    Running { server: String, running: bool, power: bool },
    Mode { server: String, mode: &'static str, why: String },
    Session { server: String, pending: u32 },
    Published { server: String, count: usize, ids: String },
    Discarded { server: String, count: usize, ids: String, cause: String },
    Synced { from: String, to: String, copied: usize },
    SyncFailed { from: String, to: String, why: String },
    Lost { count: usize, ids: String, cause: String },
    Promoted { server: String, old: String },
}

impl fmt::Display for Rec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rec::Initial { active } => write!(f, "initial state: {active} Active"),
            Rec::Script { text } => write!(f, "script: {text}"),
            Rec::Refused { what, why } => write!(f, "refused: {what}: {why}"),
            Rec::World(n) => n.fmt(f),
            Rec::NicEnabled { server, enabled } => write!(f, "{server} NIC {}", if *enabled { "enabled" } else { "disabled" }),
            Rec::Running { server, running, power } => {
                let what = if *power { "server" } else { "management services" };
                write!(f, "{server} {what} {}", if *running { "up" } else { "down" })
            }
            Rec::Mode { server, mode, why } => write!(f, "{server} => {mode} ({why})"),
            Rec::Session { server, pending } => write!(f, "{server} session: {pending} unpublished change(s)"),
            Rec::Published { server, count, ids } => write!(f, "{server} published {count} change(s) {ids}"),
            Rec::Discarded { server, count, ids, cause } => write!(f, "{server}: LOST {count} unpublished change(s) {ids}: {cause}"),
            Rec::Synced { from, to, copied } => write!(f, "sync {from} -> {to}: Synchronized ({copied} change(s) copied)"),
            Rec::SyncFailed { from, to, why } => write!(f, "sync {from} -> {to} failed: {why}"),
            Rec::Lost { count, ids, cause } => write!(f, "LOST {count} change(s) {ids}: {cause}"),
            Rec::Promoted { server, old } => {
                write!(f, "{server} promoted to Primary, the synchronization master, in place of {old} (promote_util; services restarted)")
            }
        }
    }
}

#[derive(Clone, Debug)]
pub struct CheckPoint {
    pub(super) cfg: Arc<Config>,
    /// The switch an unnamed `FailSwitch` means (the built-in one, or a world's only one).
    switch: Option<PortId>,
    /// The Primary first, then the Secondaries (at least one), as configured.
    pub(super) servers: Vec<Server>,
    /// The Primary now, the synchronization master: the server installed first, until a
    /// Secondary is promoted in its place (CP-9).
    primary: Sid,
    pub(super) ledger: Ledger,
    /// Every refused operation so far, with its time (CP-3 shows in the report and claims).
    pub(super) refusals: Vec<(Time, String)>,
    timer: TimerId,
    /// Set when a Standby was made Active while the Active could not be told (CP-6): the
    /// document that describes the two Actives that follow.
    collision_by: Option<SpecId>,
    /// How often each documented rule decided something (FS-COVERAGE).
    fired: crate::finding::Fired,
}

/// The documented rules of Management HA, as chaos coverage counts them (FS-COVERAGE).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Rule {
    /// The Active syncs a Standby (CP-2).
    Sync,
    /// A Standby refuses changes: Read Only (CP-3).
    ReadOnly,
    /// A changeover that tells the old Active makes it Standby (CP-5).
    Changeover,
    /// A changeover that cannot tell the old Active: Collision Mode (CP-6).
    Collision,
    /// The administrator ends a collision; the demoted server is overwritten (CP-8).
    EndCollision,
    /// A server that goes down loses its unpublished session (CP-10).
    SessionLost,
}

impl crate::finding::Rule for Rule {
    const ALL: &'static [Rule] = &[Rule::Sync, Rule::ReadOnly, Rule::Changeover, Rule::Collision, Rule::EndCollision, Rule::SessionLost];
    fn id(self) -> SpecId {
        match self {
            Rule::Sync => "CP-2",
            Rule::ReadOnly => "CP-3",
            Rule::Changeover => "CP-5",
            Rule::Collision => "CP-6",
            Rule::EndCollision => "CP-8",
            Rule::SessionLost => "CP-10",
        }
    }
}

impl CheckPoint {
    /// The servers on their hosts: the preset's (one NIC each on one switch) or the declared
    /// world's (checked by `Config::check_binding`).
    pub fn new(cfg: Config, cx: &mut Cx<'_, '_>) -> Self {
        assert!((2..=super::MAX_SERVERS).contains(&cfg.servers.len()), "the configuration was validated");
        let stores = u8::try_from(cfg.servers.len()).expect("at most MAX_SERVERS");
        let region = cx.region();
        let (switch, places) = (region.only_switch(cx.world()), cfg.places(cx.world(), region));
        let servers = places.into_iter().enumerate().map(|(i, (host, port))| {
            let mode = if i == cfg.initially_active.idx() { Mode::Active } else { Mode::Standby };
            Server {
                host,
                port,
                running: true,
                mode,
                db: IdSet::default(),
                session: IdSet::default(),
                last_sync_ms: Some(0),
                sync_failed: false,
                demoted_by: None,
            }
        });
        let servers: Vec<Server> = servers.collect();
        assert_eq!(servers.iter().filter(|s| s.mode == Mode::Active).count(), 1, "at t = 0 exactly one server is Active (CP-1)");
        let timer = cx.new_timer();
        cx.arm(timer, cfg.sync_interval.0, Event::PeriodicSync);
        cx.record(Rec::Initial { active: cfg.servers[cfg.initially_active.idx()].clone() });
        CheckPoint {
            cfg: Arc::new(cfg),
            switch,
            servers,
            primary: Sid(0),
            ledger: Ledger::new(stores),
            refusals: Vec::new(),
            timer,
            collision_by: None,
            fired: crate::finding::Fired::default(),
        }
    }

    pub fn name(&self, n: Sid) -> &str {
        &self.cfg.servers[n.0]
    }

    pub fn server(&self, n: Sid) -> &Server {
        &self.servers[n.0]
    }

    fn server_mut(&mut self, n: Sid) -> &mut Server {
        &mut self.servers[n.0]
    }

    /// Every server, the Primary first.
    pub fn ids(&self) -> impl Iterator<Item = Sid> + use<> {
        (0..self.servers.len()).map(Sid)
    }

    /// The servers other than `n`, in order.
    fn others(&self, n: Sid) -> impl Iterator<Item = Sid> + use<> {
        self.ids().filter(move |p| *p != n)
    }

    /// The servers in Active mode, running or not (the configuration: what `ActiveCount` counts).
    pub fn actives(&self) -> impl Iterator<Item = Sid> + '_ {
        self.ids().filter(|n| self.server(*n).mode == Mode::Active)
    }

    /// The Active servers whose management services run. A powered-off or stopped Active keeps
    /// its mode (so it collides once it runs again, CP-6) but serves nothing and collides with
    /// nobody while it is down: Collision Mode, split brain and serving count these.
    pub fn running_actives(&self) -> impl Iterator<Item = Sid> + '_ {
        self.actives().filter(|n| self.server(*n).running)
    }

    /// Each pair of running Actives, in server order: a collision names its two servers (CP-6).
    pub fn colliding_pairs(&self) -> Vec<(Sid, Sid)> {
        let running: Vec<Sid> = self.running_actives().collect();
        running.iter().enumerate().flat_map(|(i, a)| running[i + 1..].iter().map(move |b| (*a, *b))).collect()
    }

    /// The hosts of `a` and `b` can reach each other: `a` reaches `b`'s address and hears back
    /// (on one subnet, a live path; between sites, through the routers).
    fn connected(&self, net: &Topology, a: Sid, b: Sid) -> bool {
        net.reaches_port(self.server(a).port, self.server(b).port)
    }

    /// The management services of `a` and `b` can talk: connected and both running.
    fn communicating(&self, net: &Topology, a: Sid, b: Sid) -> bool {
        self.connected(net, a, b) && self.server(a).running && self.server(b).running
    }

    fn refuse(&mut self, what: String, why: String, cx: &mut Cx<'_, '_>) {
        self.refusals.push((cx.now(), format!("{what}: {why}")));
        cx.record(Rec::Refused { what, why });
    }

    /// The Active `from` overwrites the Standby `to` (CP-2, CP-5, CP-8). Changes only `to` held
    /// are lost, by id. Actives never sync with each other (CP-6).
    fn sync(&mut self, from: Sid, to: Sid, cx: &mut Cx<'_, '_>) {
        assert_ne!(from, to, "a server does not sync with itself");
        // The periodic sync, a publish (only an Active has a session), a changeover, a collision's end.
        assert_eq!(self.server(from).mode, Mode::Active, "only an Active syncs the others (CP-2)");
        let why = if self.server(to).mode == Mode::Active {
            Some("Collision or HA conflict: two Active servers cannot sync".to_string())
        } else if !self.communicating(cx.net(), from, to) {
            Some("not communicating".to_string())
        } else if !self.master_up() {
            Some(format!("the Primary {} (the synchronization master) is down; promote a Secondary", self.name(self.primary)))
        } else {
            None
        };
        if let Some(why) = why {
            // Only a Standby is a sync target that can be behind; between two Actives the
            // failure is the collision itself, reported every time it is tried.
            let target_is_standby = self.server(to).mode == Mode::Standby;
            if !(target_is_standby && self.server(to).sync_failed) {
                cx.record(Rec::SyncFailed { from: self.name(from).into(), to: self.name(to).into(), why });
            }
            self.server_mut(to).sync_failed |= target_is_standby;
            cx.touch();
            return;
        }
        let now = cx.now();
        let copied = self.server(from).db.difference(&self.server(to).db);
        // What the Standby held and the Active lacks is gone from the Standby; it is lost only
        // where no other server holds it (with several servers, in Collision Mode, another
        // Active or a Standby it synced may still have it).
        let dropped = self.server(to).db.difference(&self.server(from).db);
        let mut elsewhere = IdSet::default();
        for other in self.ids().filter(|o| *o != from && *o != to) {
            for range in self.server(other).db.ranges() {
                elsewhere.insert(*range);
            }
        }
        let overwritten = self.ledger.not_lost(&dropped.difference(&elsewhere));
        for range in dropped.ranges() {
            self.ledger.unstore(*range, store(to));
        }
        if !overwritten.is_empty() {
            let detail = format!("published on {} but not on {}; overwritten when {} synced it", self.name(to), self.name(from), self.name(from));
            // Documented only where the server was demoted by the administrator (CP-5, CP-8).
            let cause = Cause { detail, mechanism: "overwritten by the Active's sync", documented: self.server(to).demoted_by };
            for range in overwritten.ranges() {
                self.ledger.lose(*range, now, &cause);
            }
            cx.record(Rec::Lost { count: ledger::count(overwritten.ranges()), ids: overwritten.to_string(), cause: cause.detail });
        }
        for range in copied.ranges() {
            self.ledger.store(*range, store(to), cx.now());
        }
        self.fired.fire(Rule::Sync);
        let db = self.server(from).db.clone();
        self.server_mut(to).db = db;
        for n in [from, to] {
            self.server_mut(n).last_sync_ms = Some(now);
        }
        assert_eq!(self.server(to).db, self.server(from).db, "a sync leaves the Standby with the Active's database");
        let was_failing = std::mem::replace(&mut self.server_mut(to).sync_failed, false);
        if !copied.is_empty() || !dropped.is_empty() || was_failing {
            cx.record(Rec::Synced { from: self.name(from).into(), to: self.name(to).into(), copied: ledger::count(copied.ranges()) });
        }
    }

    /// CP-9 (R80 "Failover Between Active and Standby"): the Primary is the synchronization
    /// master; while it is down, Secondaries cannot sync until one is promoted to Primary: the
    /// Primary's services must run (`primary_is_sync_master: false` drops the rule). A sync the
    /// Primary takes part in needs nothing more, and passes: `sync` asks first that both ends
    /// run.
    fn master_up(&self) -> bool {
        !self.cfg.primary_is_sync_master || self.server(self.primary).running
    }

    /// Every running Active syncs every other server (periodically).
    fn sync_all(&mut self, cx: &mut Cx<'_, '_>) {
        for a in self.actives().collect::<Vec<_>>() {
            if self.server(a).running {
                self.sync_others(a, cx);
            }
        }
    }

    /// `from` syncs each other server in turn (CP-2).
    fn sync_others(&mut self, from: Sid, cx: &mut Cx<'_, '_>) {
        for to in self.others(from) {
            self.sync(from, to, cx);
        }
    }

    /// The server a claim names.
    pub fn server_of(&self, n: &NodeRef) -> Option<Sid> {
        n.among(self.ids().map(|s| (s, self.name(s).to_string())))
    }

    /// Resolves a node reference when the action runs: a role held by no server, or by
    /// several (two Active in Collision Mode, two Standby), is refused with the words why.
    fn resolve(&self, t: &Target) -> Result<Sid, String> {
        let t = &t.clone().in_words(<super::Words as crate::action::NodeWords>::WORDS);
        let holding = |mode: Mode| self.ids().filter(move |n| self.server(*n).mode == mode).map(|n| (n, self.name(n).to_string()));
        match t {
            Target::Online => crate::action::one_holding(t, holding(Mode::Active), "server"),
            Target::Offline => crate::action::one_holding(t, holding(Mode::Standby), "server"),
            fixed => NodeRef::fixed(fixed).and_then(|n| self.server_of(&n)).ok_or_else(|| format!("no server is named {fixed}")),
        }
    }

    fn on_command(&mut self, action: Do<Command>, cx: &mut Cx<'_, '_>) {
        let node = match action.target().map(|t| self.resolve(t)) {
            Some(Err(why)) => return self.refuse(action.describe(), why, cx),
            Some(Ok(n)) => Some(n),
            None => None,
        };
        let on = node.map_or(String::new(), |n| format!(" on {}", self.name(n)));
        cx.record(Rec::Script { text: format!("{}{on}", action.describe()) });
        match action {
            Do::Shared(action) => self.apply(action, node, cx),
            Do::Own(command) => self.apply_own(command, node.expect("each own command names its server"), cx),
        }
    }

    fn apply(&mut self, action: Action, node: Option<Sid>, cx: &mut Cx<'_, '_>) {
        let n = || node.expect("resolved");
        // World faults: the world says what they mean and applies them; `after_fault` reacts.
        let (host, port) = node.map(|n| (self.server(n).host, self.server(n).port)).unzip();
        if let Some(faults) = cx.world().faults_of(&action, host, port.as_slice(), self.switch) {
            return faults.into_iter().for_each(|fault| cx.request(fault));
        }
        match action {
            Action::Stop(_) => self.set_running(n(), false, Scope::Services, cx),
            Action::Start(_) => self.start(n(), cx),
            Action::Restart { duration, .. } => {
                self.set_running(n(), false, Scope::Services, cx);
                cx.schedule_in(duration.0, Event::RestartDone(n()));
            }
            other => self.refuse(other.describe(), "not a Check Point Management HA action".into(), cx),
        }
    }

    fn apply_own(&mut self, command: Command, n: Sid, cx: &mut Cx<'_, '_>) {
        match command {
            Command::Edit { count, .. } => self.edit(n, count, cx),
            Command::Publish(_) => self.publish(n, cx),
            Command::MakeActive(_) => self.make_active(n, cx),
            Command::MakeStandby(_) => self.make_standby(n, cx),
            Command::Promote(_) => self.promote(n, cx),
        }
    }

    /// The management services start; the server needs power for that.
    fn start(&mut self, n: Sid, cx: &mut Cx<'_, '_>) {
        if cx.net().host(self.server(n).host).powered {
            self.set_running(n, true, Scope::Services, cx);
        } else {
            self.refuse(format!("start {}", self.name(n)), "the server has no power".into(), cx);
        }
        assert!(self.server(n).running || !cx.net().host(self.server(n).host).powered, "a start on a powered server brings its services up");
    }

    /// The world applied a fault: the trace says what happened to the servers' cables and NICs;
    /// a server that lost power goes down, one that got it back comes up.
    pub(super) fn after_fault(&mut self, fault: &WorldFault, applied: &Applied, cx: &mut Cx<'_, '_>) {
        match *fault {
            WorldFault::Nic { port, enabled } if applied.changed => {
                if let Some(n) = self.ids().find(|n| self.server(*n).port == port) {
                    cx.record(Rec::NicEnabled { server: self.name(n).into(), enabled });
                }
            }
            WorldFault::Power { host, on } if applied.changed => {
                if let Some(n) = self.ids().find(|n| self.server(*n).host == host) {
                    self.set_running(n, on, Scope::Server, cx);
                    assert_eq!(self.server(n).running, on, "a server's services run exactly while it has power");
                }
            }
            // A cable or switch fault changes paths, which the HA status window reads when it is
            // looked at. The instant is marked changed already, for the views and the observers:
            // the action that asked for the fault recorded its script line.
            WorldFault::Cable { .. } | WorldFault::Nic { .. } | WorldFault::Power { .. } | WorldFault::Switch { .. } => {}
        }
    }

    /// A server that stops or loses power keeps its mode: an Active that comes back still
    /// believes it is Active (which is how two Actives arise, CP-6). Its session is lost.
    fn set_running(&mut self, n: Sid, running: bool, scope: Scope, cx: &mut Cx<'_, '_>) {
        if self.server(n).running != running {
            self.server_mut(n).running = running;
            cx.record(Rec::Running { server: self.name(n).into(), running, power: scope == Scope::Server });
            if !running {
                let why = if scope == Scope::Server { "the server lost power" } else { "its management services stopped" };
                self.discard_session(n, why, cx);
            }
        }
        // CP-10: a session that was never published is lost when its server goes down.
        assert!(running || self.server(n).session.is_empty(), "a server that went down holds no session");
    }

    /// CP-10: the server stopped being Active (`why`): the changes in its session, never
    /// published, are lost, by id.
    fn discard_session(&mut self, n: Sid, why: &str, cx: &mut Cx<'_, '_>) {
        let ids = std::mem::take(&mut self.server_mut(n).session);
        if ids.is_empty() {
            return;
        }
        self.fired.fire(Rule::SessionLost);
        let detail = format!("unpublished in the session on {} when {why}; never synchronized", self.name(n));
        let cause = Cause { detail, mechanism: "unpublished session discarded", documented: Some("CP-10") };
        for range in ids.ranges() {
            self.ledger.lose(*range, cx.now(), &cause);
        }
        cx.record(Rec::Discarded { server: self.name(n).into(), count: ledger::count(ids.ranges()), ids: ids.to_string(), cause: cause.detail });
        assert!(self.server(n).session.is_empty(), "a discarded session is empty");
    }

    /// Each rule of the catalog with how often it fired (FS-COVERAGE).
    pub fn rules_fired(&self) -> Vec<(SpecId, u32)> {
        self.fired.counts(<Rule as crate::finding::Rule>::id)
    }

    /// CP-3: a Standby is Read Only.
    fn edit(&mut self, n: Sid, count: u32, cx: &mut Cx<'_, '_>) {
        let what = format!("edit on {}", self.name(n));
        if !self.server(n).running {
            return self.refuse(what, "the server's management services are down".into(), cx);
        }
        if self.server(n).mode == Mode::Standby {
            self.fired.fire(Rule::ReadOnly);
            return self.refuse(what, "a Standby server opens only in Read Only mode".into(), cx);
        }
        let ids = self.ledger.write_tentative(cx.now(), store(n), count);
        self.server_mut(n).session.insert(ids);
        assert_eq!(self.server(n).mode, Mode::Active, "only an Active takes changes in a session (CP-3)");
        cx.record(Rec::Session { server: self.name(n).into(), pending: self.unpublished(n) });
    }

    /// Publishing makes the session's changes real (tracked from here) and syncs (CP-2).
    fn publish(&mut self, n: Sid, cx: &mut Cx<'_, '_>) {
        if !self.server(n).running || self.server(n).session.is_empty() {
            return self.refuse(format!("publish on {}", self.name(n)), "nothing to publish".into(), cx);
        }
        // A session opens only on an Active (CP-3), and a server made Standby discards it.
        assert_eq!(self.server(n).mode, Mode::Active, "only an Active has a session to publish (CP-2)");
        let now = cx.now();
        // The session's changes keep the ids they got when edited.
        let ids = std::mem::take(&mut self.server_mut(n).session);
        for range in ids.ranges() {
            self.ledger.acknowledge(*range, now);
            self.ledger.store(*range, store(n), now);
            self.server_mut(n).db.insert(*range);
        }
        assert!(self.server(n).session.is_empty(), "a published session is empty");
        cx.record(Rec::Published { server: self.name(n).into(), count: ledger::count(ids.ranges()), ids: ids.to_string() });
        self.sync_others(n, cx);
    }

    /// How many changes wait in the server's session.
    pub fn unpublished(&self, n: Sid) -> u32 {
        u32::try_from(self.server(n).session.len()).expect("a session holds fewer than 2^32 changes")
    }

    /// The Primary now (CP-9).
    pub fn primary(&self) -> Sid {
        self.primary
    }

    /// Promotes the Secondary `n` to Primary (CP-9; R80 "Failover Between Active and Standby":
    /// when the Primary is permanently unavailable, `promote_util`, `cpstop`, the `mgha*` files
    /// removed, the licenses fixed, `cpstart`). It becomes the synchronization master, so the
    /// Secondaries sync again; its services restart, so its session is lost (CP-10); its mode
    /// stays (changeover is `MakeActive`).
    fn promote(&mut self, n: Sid, cx: &mut Cx<'_, '_>) {
        let what = format!("promote {} to Primary", self.name(n));
        if n == self.primary {
            return self.refuse(what, "it is the Primary".into(), cx);
        }
        if !self.server(n).running {
            return self.refuse(what, "the server's management services are down".into(), cx);
        }
        // The guide promotes only when the Primary is permanently unavailable: a Primary whose
        // services run would be a second synchronization master.
        if self.server(self.primary).running {
            let why = format!("the Primary {} is up; promote a Secondary only when the Primary is permanently unavailable", self.name(self.primary));
            return self.refuse(what, why, cx);
        }
        let old = std::mem::replace(&mut self.primary, n);
        cx.record(Rec::Promoted { server: self.name(n).into(), old: self.name(old).into() });
        // cpstop, then cpstart on the promoted server.
        self.set_running(n, false, Scope::Services, cx);
        self.set_running(n, true, Scope::Services, cx);
        assert_eq!(self.primary, n, "the promoted server is the Primary");
        assert!(self.server(n).running, "the promoted server runs again after cpstart");
    }

    /// Changeover (CP-4, CP-5, CP-6).
    fn make_active(&mut self, n: Sid, cx: &mut Cx<'_, '_>) {
        let what = format!("make {} Active", self.name(n));
        if !self.server(n).running {
            return self.refuse(what, "the server's management services are down".into(), cx);
        }
        if self.server(n).mode == Mode::Active {
            return self.refuse(what, "it is already Active".into(), cx);
        }
        assert_eq!(self.server(n).mode, Mode::Standby, "only a Standby is made Active");
        let old_actives: Vec<Sid> = self.actives().collect();
        self.server_mut(n).mode = Mode::Active;
        // An Active is no sync target: what failed towards it no longer matters.
        self.server_mut(n).sync_failed = false;
        let (told, untold): (Vec<Sid>, Vec<Sid>) = old_actives.into_iter().partition(|old| self.communicating(cx.net(), n, *old));
        let why = match untold.first() {
            // CP-6: an Active that cannot be told stays Active: Collision Mode.
            Some(old) => {
                self.fired.fire(Rule::Collision);
                self.collision_by = Some("CP-6");
                format!("{} could not be told: Collision Mode", self.name(*old))
            }
            None => "changeover by the administrator".into(),
        };
        cx.record(Rec::Mode { server: self.name(n).into(), mode: "Active", why });
        // CP-5: an Active that is told becomes Standby, Read Only, and gets the new Active's data.
        for old in told {
            self.fired.fire(Rule::Changeover);
            self.server_mut(old).mode = Mode::Standby;
            self.server_mut(old).demoted_by = Some("CP-5");
            cx.record(Rec::Mode { server: self.name(old).into(), mode: "Standby", why: format!("changeover to {}; now Read Only", self.name(n)) });
            self.discard_session(old, "it was made Standby by a changeover", cx);
            self.sync(n, old, cx);
        }
        // CP-5: every Active that was told is Standby now; only one that could not be told stays Active (CP-6).
        assert!(!untold.is_empty() || self.actives().count() == 1, "a changeover that told every Active leaves one Active (CP-5)");
        assert_eq!(self.server(n).mode, Mode::Active, "the server made Active is Active");
    }

    /// Ends a collision (CP-8): the server becomes Standby and the remaining Active overwrites it.
    fn make_standby(&mut self, n: Sid, cx: &mut Cx<'_, '_>) {
        let what = format!("make {} Standby", self.name(n));
        if self.server(n).mode == Mode::Standby {
            return self.refuse(what, "it is already Standby".into(), cx);
        }
        let Some(remaining) = self.others(n).find(|o| self.server(*o).mode == Mode::Active) else {
            return self.refuse(what, "there would be no Active server".into(), cx);
        };
        self.fired.fire(Rule::EndCollision);
        self.server_mut(n).mode = Mode::Standby;
        self.server_mut(n).demoted_by = Some("CP-8");
        if self.actives().count() == 1 {
            self.collision_by = None;
        }
        assert_eq!(self.server(remaining).mode, Mode::Active, "ending a collision leaves an Active");
        cx.record(Rec::Mode {
            server: self.name(n).into(),
            mode: "Standby",
            why: format!("set by the administrator; {} remains Active", self.name(remaining)),
        });
        self.discard_session(n, "it was set back to Standby", cx);
        self.sync(remaining, n, cx);
        assert_eq!(self.server(n).mode, Mode::Standby, "the server set back to Standby is Standby (CP-8)");
    }

    /// The High Availability Status window as SmartConsole shows it connected to `to` (CP-7).
    pub fn ha_status(&self, net: &Topology, to: Sid) -> Panel {
        let me = self.server(to);
        let peers: Vec<Sid> = self.others(to).collect();
        let msg = if self.running_actives().count() > 1 {
            banner::COLLISION
        } else if peers.iter().any(|p| !self.connected(net, to, *p)) {
            banner::NOT_COMMUNICATING
        } else if peers.iter().any(|p| !self.communicating(net, to, *p)) {
            banner::COMMUNICATION_PROBLEM
        } else if peers.iter().any(|p| self.server(*p).db != me.db) || self.servers.iter().any(|s| s.sync_failed) {
            banner::NOT_SYNCHRONIZED
        } else {
            banner::IDENTICAL
        };
        let last = |s: &Server| s.last_sync_ms.map_or("never".to_string(), clock);
        let mode = |s: &Server| if s.mode == Mode::Active { "Active" } else { "Standby" };
        let mut connected = vec![("Mode".to_string(), mode(me).to_string(), String::new())];
        if me.mode == Mode::Standby {
            connected.push(("Last sync".into(), last(me), String::new()));
        }
        let mut columns = vec![Column { node: format!("Connected to: {}", self.name(to)), items: connected }];
        for p in peers {
            let other = self.server(p);
            let communicating = self.communicating(net, to, p);
            // A peer SmartConsole cannot reach shows no mode, so no collision with it either.
            let peer_status = if !communicating {
                format!("Not communicating, last sync time {}", last(other))
            } else if me.mode == Mode::Active && other.mode == Mode::Active {
                "Collision".to_string()
            } else if me.db == other.db && !other.sync_failed && !me.sync_failed {
                "Synchronized".to_string()
            } else {
                format!("Not synchronized, last sync time {}", last(other))
            };
            let peer_mode = if communicating { mode(other) } else { "Unknown" };
            let items = vec![("Mode".into(), peer_mode.into(), String::new()), ("Status".into(), peer_status, String::new())];
            columns.push(Column { node: format!("Peer: {}", self.name(p)), items });
        }
        Panel { title: format!("High Availability Status (SmartConsole connected to {})", self.name(to)), banner: vec![msg.to_string()], columns }
    }

    pub fn view(&self, world: &World, at_ms: Time) -> View {
        let nodes = self
            .ids()
            .map(|n| {
                let s = self.server(n);
                let facts = vec![
                    if n == self.primary { "Primary".to_string() } else { "Secondary".to_string() },
                    if s.running { "services up".into() } else { "services down".into() },
                    if s.mode == Mode::Standby { "Read Only".into() } else { "Read/Write".into() },
                    format!("{} published change(s) held", s.db.len()),
                ];
                let (role, meaning) = mode_word(s.mode);
                NodeLine { name: self.name(n).into(), role: role.into(), meaning, facts }
            })
            .collect();
        let mut notes: Vec<String> = self
            .ids()
            .filter(|n| !self.server(*n).session.is_empty())
            .map(|n| format!("{}: {} unpublished change(s) in the session (not synchronized)", self.name(n), self.unpublished(n)))
            .collect();
        notes.extend(self.refusals.iter().map(|(t, r)| format!("refused at {}: {r}", clock(*t))));
        View {
            at_ms,
            nodes,
            tables: Vec::new(),
            consoles: Vec::new(),
            panels: self.ids().map(|n| self.ha_status(world.net(), n)).collect(),
            writes_label: "Published changes".into(),
            writes: self.ledger.summary(),
            notes,
        }
    }
}

impl CheckPoint {
    pub(super) fn handle(&mut self, event: Event, cx: &mut Cx<'_, '_>) {
        match event {
            Event::PeriodicSync => {
                cx.arm(self.timer, self.cfg.sync_interval.0, Event::PeriodicSync);
                self.sync_all(cx);
            }
            Event::Command(a) => self.on_command(*a, cx),
            Event::RestartDone(n) => {
                cx.record(Rec::Script { text: format!("{} on {}", Action::Start(Target::Main).describe(), self.name(n)) });
                self.start(n, cx);
            }
        }
    }

    pub(super) fn settle(&mut self, _cx: &mut Cx<'_, '_>) {
        for s in &self.servers {
            assert!(s.mode == Mode::Active || s.session.is_empty(), "a Standby holds no session (it is Read Only)");
        }
    }
}

impl CheckPoint {
    /// What keeps the servers from being healthy now (empty: healthy): exactly one Active
    /// running, every server running and communicating, identical databases (the banner says
    /// so). Each pair of colliding Actives is a problem of its own, naming both.
    pub fn health_problems(&self, net: &Topology) -> Vec<Problem> {
        let mut out = Vec::new();
        if self.running_actives().next().is_none() {
            out.push(Problem::new(ProblemKind::Serving, "no Active server runs".to_string()));
        }
        for (a, b) in self.colliding_pairs() {
            let detail = format!("Collision: {} and {} are both Active", self.name(a), self.name(b));
            out.push(Problem::new(ProblemKind::Serving, detail).documented_by(self.collision_documented()));
        }
        let banner = self.ha_status(net, Sid(0)).banner.first().cloned().unwrap_or_default();
        if banner != banner::IDENTICAL {
            let spec = if banner == banner::COLLISION { self.collision_documented() } else { None };
            out.push(Problem::new(ProblemKind::StatusBanner, format!("banner: {banner}")).documented_by(spec));
        }
        out
    }

    /// The document of a collision, asked while two Active servers run (a colliding pair, the
    /// Collision banner, a split brain): CP-6 when a Standby was made Active without the Active
    /// being told; otherwise no document explains it.
    pub fn collision_documented(&self) -> Option<SpecId> {
        self.collision_by
    }
}

impl CheckPoint {
    /// Availability at this instant (metrics): management is available while an Active server
    /// runs its services.
    pub fn sample(&self) -> crate::metrics::Sample {
        let servers = self.running_actives().fold(0, |m, n| m | 1 << n.0);
        let claimers = self.actives().fold(0, |m, n| m | 1 << n.0);
        // A powered-off or stopped Active is not online: it neither collides nor splits the
        // brain (CP-9), though it keeps its mode.
        crate::metrics::Sample::one_way(servers, self.running_actives().count(), claimers)
    }

    /// The state of each timeline lane at this instant: servers and the world's cables.
    pub fn lanes(&self) -> crate::products::Lanes<'_> {
        let nodes: Vec<LaneSample> = self
            .ids()
            .map(|n| {
                let s = self.server(n);
                let (word, meaning) = if s.running { mode_word(s.mode) } else { ("down", Meaning::Down) };
                LaneSample::node(self.name(n), word, meaning)
            })
            .collect();
        let service = Some(service_word(self.running_actives().count()));
        crate::products::Lanes { nodes, cables: crate::world::Drawn::ALL, links: Vec::new(), heartbeats: Vec::new(), holders: Vec::new(), service }
    }
}

/// The service of a Management HA with `running` Active servers running, in its words: two or
/// more is Collision Mode (CP-6, the HA Status window's banner), whatever scenario led there;
/// one serves, none is an outage (the report's own words for those).
fn service_word(running: usize) -> LaneSample {
    match running {
        0 => LaneSample::service("outage", Meaning::Outage),
        1 => LaneSample::service("serving", Meaning::Serving),
        _ => LaneSample::service("Collision Mode", Meaning::SplitBrain),
    }
}

/// A server's mode in the HA Status window's word, and what it means for the reports.
fn mode_word(mode: Mode) -> (&'static str, Meaning) {
    match mode {
        Mode::Active => ("Active", Meaning::Serving),
        Mode::Standby => ("Standby", Meaning::Standby),
    }
}

/// The ledger store of a server: its index.
fn store(n: Sid) -> u8 {
    u8::try_from(n.0).expect("at most MAX_SERVERS servers")
}

impl From<crate::world::Narration> for Rec {
    fn from(n: crate::world::Narration) -> Rec {
        Rec::World(n)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn two_running_actives_are_collision_mode_one_serves_none_is_an_outage() {
        use crate::ops::Meaning;
        let word = |running| {
            let s = super::service_word(running).state;
            (s.word, s.meaning)
        };
        assert_eq!(word(0), ("outage".to_string(), Meaning::Outage));
        assert_eq!(word(1), ("serving".to_string(), Meaning::Serving));
        assert_eq!(word(2), ("Collision Mode".to_string(), Meaning::SplitBrain), "CP-6");
        assert_eq!(word(3), ("Collision Mode".to_string(), Meaning::SplitBrain), "three servers, two or more Active");
    }

    use super::Rule;
    use crate::finding::Rule as _;

    #[test]
    fn each_rule_is_named_by_the_spec_id_it_implements() {
        let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        assert_eq!(ids, ["CP-2", "CP-3", "CP-5", "CP-6", "CP-8", "CP-10"]);
    }
}
