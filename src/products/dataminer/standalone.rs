//! A standalone DataMiner Agent (DM-STANDALONE): a DMA outside a Failover pair. It serves its
//! own elements while DataMiner runs on it, and goes down with its host; no other agent takes
//! over its elements, so its outage lasts until it runs again.
//!
//! What it shares with a pair's DMA is read from the same places: its storage (SPEC §8, a
//! database on its own machine, a dedicated cluster of Cassandra and OpenSearch nodes each with
//! its own quorum, or STaaS; `storage.rs`), its version, the start time, the claims' words for
//! a DataMiner's run state. It has no heartbeats, no VIP and no buddy: `Switch` and `Recover`
//! are refused before they could mean anything.

use super::claims::{AgentIs, agent_is};
use super::storage::{self, DbNode};
use super::{Run, Storage, Version};
use crate::action::{Action, CableRef, Command as _, Do, NodeWords, Target};
use crate::check::{self, Verdict};
use crate::db::DbServer;
use crate::engine::{Time, TimerId};
use crate::fault::{FaultKind, OwnFault, Profile};
use crate::finding::{Fired, Invariant, Problem, ProblemKind, SpecId};
use crate::ledger::{self, Backlog, Ledger};
use crate::metrics::Sample;
use crate::net::{Cidr, HostId, PortId, Topology};
use crate::ops::{LaneSample, Meaning, NodeLine, View};
use crate::place::{Place, Refusal};
use crate::products::{ChaosProfile, Cx, Model, Observation, Vocabulary};
use crate::units::Ms;
use crate::world::{Applied, Footprint, Named, World, WorldDecl, WorldFault};
use serde::{Deserialize, Serialize};
use std::fmt;

/// A standalone agent's configuration. Every field has a default.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// The agent's name in the built-in layout (bound: its host's name).
    name: String,
    /// Its corporate address in the built-in layout.
    corporate: Cidr,
    /// The DataMiner version it runs, as DataMiner writes it.
    version: Version,
    /// How long a DataMiner start takes (undocumented; the pair's assumption, 90 s).
    start_time: Ms,
    /// Where its data lives (SPEC §8): `CassandraPerDma` is a database on its own machine.
    storage: Storage,
    /// Its host and NICs in the scenario's declared world; `None`: the built-in layout.
    #[serde(skip_serializing_if = "Option::is_none")]
    bind: Option<Box<Binding>>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            name: "DMA".into(),
            corporate: Cidr::v4([10, 10, 10, 1], 24),
            version: Version::main(10, 4, 12),
            start_time: Ms::secs(90),
            storage: Storage::CassandraPerDma,
            bind: None,
        }
    }
}

/// Where a standalone agent lives in a declared world: its host, its corporate NIC, an
/// acquisition NIC (its data sources are polled over it; none: over the corporate one), the
/// data sources it polls and the host clients connect from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Binding {
    host: String,
    corporate: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    acquisition: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    data_sources: Vec<String>,
    client: String,
}

/// The built-in layout's switch and client.
const PRESET_SWITCH: &str = "Switch";
const PRESET_CLIENT: &str = "CLIENT";

impl Config {
    fn binding(&self) -> Binding {
        match &self.bind {
            Some(b) => (**b).clone(),
            None => Binding { host: self.name.clone(), corporate: "NIC".into(), acquisition: None, data_sources: Vec::new(), client: PRESET_CLIENT.into() },
        }
    }

    fn footprint<'a>(&'a self, b: &'a Binding) -> Footprint<'a> {
        let bind = |field: &'static str| Place::of("bind").field(field);
        Footprint {
            nodes: vec![Named::new(&b.host, bind("host"))],
            nodes_are: "",
            nics: vec![Some(Named::new(&b.corporate, bind("corporate"))), b.acquisition.as_deref().map(|a| Named::new(a, bind("acquisition")))],
            peers: storage::peers(&b.client, &b.data_sources, &self.storage),
            held: Vec::new(),
        }
    }
}

/// A standalone agent's own commands beside the shared actions: its own database server stops
/// and starts, as a pair's DMA's does (DM-DB-ON-1: DataMiner keeps running and what it gathers
/// waits in file offloads, DM-HELD).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "Action")]
pub enum Command {
    StopDb(Target),
    StartDb(Target),
}

impl crate::action::Command for Command {
    fn kind(&self) -> &'static str {
        match self {
            Command::StopDb(_) => "StopDb",
            Command::StartDb(_) => "StartDb",
        }
    }
    fn describe(&self) -> String {
        match self {
            Command::StopDb(_) => "stop the database server".into(),
            Command::StartDb(_) => "start the database server".into(),
        }
    }
    fn target(&self) -> Option<&Target> {
        match self {
            Command::StopDb(t) | Command::StartDb(t) => Some(t),
        }
    }
}

/// Its own fault: its database server stops (DM-DB-ON-1), and starts again when healed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    StopDb,
}

impl OwnFault for Fault {
    type Command = Command;
    fn label(&self) -> String {
        format!("{self:?}")
    }
    fn strike(&self, node: &Target, _: Time) -> Vec<Command> {
        match self {
            Fault::StopDb => vec![Command::StopDb(node.clone())],
        }
    }
    fn heal(&self, node: &Target) -> Option<Command> {
        match self {
            Fault::StopDb => Some(Command::StartDb(node.clone())),
        }
    }
}

/// The agent is named `Main` or by its name: no words of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Words;

impl NodeWords for Words {
    const WORDS: &'static [(&'static str, Target)] = &[];
}

/// What a scenario may claim about a standalone agent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Claim {
    /// Whether DataMiner runs on it.
    Agent(AgentIs),
    /// It serves its clients: DataMiner runs and the client reaches it.
    Serving(bool),
    /// It can write into its database (its own server runs; a quorum of each cluster answers).
    DbRunning(bool),
    /// Every data source it polls is reached over its acquisition network (`true`), or some is
    /// not (`false`).
    Polling(bool),
    /// Where the records it gathered are (FS-NOLOSS). Unset fields are not checked.
    Records(check::Writes),
    /// At most this many agents are online (a standalone agent is one, or none).
    OnlineAtMost(u32),
    /// It runs, its database answers, its records are stored.
    Healthy,
}

#[derive(Clone, Debug)]
pub enum Event {
    Command(Box<Do<Command>>),
    /// A start of DataMiner ends.
    Started,
}

/// The rules a standalone agent decides by (FS-COVERAGE).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rule {
    /// Its elements go down with it: no agent takes them over.
    DownAlone,
    /// A start refused: a required database node is missing.
    NodeMissing,
}

impl crate::finding::Rule for Rule {
    const ALL: &'static [Rule] = &[Rule::DownAlone, Rule::NodeMissing];
    fn id(self) -> SpecId {
        match self {
            Rule::DownAlone => "DM-STANDALONE",
            Rule::NodeMissing => "DM-STORAGE-CLUSTER",
        }
    }
}

/// A standalone agent's trace records.
#[derive(Clone, Debug, serde::Serialize)]
pub enum Rec {
    Script(String),
    Refused {
        what: String,
        why: String,
    },
    /// DataMiner's run state changed, and why.
    Run {
        agent: String,
        run: Run,
        why: &'static str,
    },
    /// A start failed: a required database node is missing.
    StartFailed {
        agent: String,
        node: String,
    },
    Records {
        agent: String,
        what: &'static str,
        count: usize,
        ids: String,
    },
    Rejected {
        count: u64,
    },
    /// Its own database server stopped or started.
    Db {
        agent: String,
        running: bool,
    },
    World(crate::world::Narration),
}

impl fmt::Display for Rec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rec::Script(text) => write!(f, "script: {text}"),
            Rec::Refused { what, why } => write!(f, "refused: {what}: {why}"),
            Rec::Run { agent, run, why } => write!(f, "{agent}: DataMiner {} ({why})", run_word(*run)),
            Rec::StartFailed { agent, node } => write!(f, "{agent}: DataMiner could not start: database node {node} is missing"),
            Rec::Records { agent, what, count, ids } => write!(f, "{agent}: {count} records {what} ({ids})"),
            Rec::Rejected { count } => write!(f, "{count} records not taken: DataMiner does not run"),
            Rec::Db { agent, running: true } => write!(f, "{agent}: database server running"),
            Rec::Db { agent, running: false } => write!(f, "{agent}: database server down"),
            Rec::World(n) => n.fmt(f),
        }
    }
}

impl From<crate::world::Narration> for Rec {
    fn from(n: crate::world::Narration) -> Rec {
        Rec::World(n)
    }
}

fn run_word(run: Run) -> &'static str {
    match run {
        Run::Running => "running",
        Run::Starting => "starting",
        Run::Stopped => "stopped",
        Run::StartFailed => "start failed",
    }
}

fn run_meaning(run: Run) -> Meaning {
    match run {
        Run::Running => Meaning::Serving,
        Run::Starting => Meaning::TakingOver,
        Run::Stopped | Run::StartFailed => Meaning::Down,
    }
}

/// A standalone DataMiner Agent in its world.
#[derive(Clone, Debug)]
pub struct Standalone {
    cfg: Config,
    name: String,
    host: HostId,
    corporate: PortId,
    /// The NIC it polls its data sources from (its corporate one when it has none).
    acquisition: PortId,
    client: PortId,
    data_sources: Vec<(String, PortId)>,
    db_nodes: Vec<DbNode>,
    run: Run,
    /// The database on its own machine (per-DMA storage only; it is its own seed).
    db: DbServer,
    start: TimerId,
    /// Records gathered while the database did not answer, kept on disk (DM-HELD) until it does.
    buffer: Backlog,
    ledger: Ledger,
    fired: Fired,
}

impl Standalone {
    fn db_available(&self, net: &Topology) -> bool {
        storage::available(&self.cfg.storage, self.db.running, &self.db_nodes, net, self.corporate)
    }

    fn serving(&self, net: &Topology) -> bool {
        self.run == Run::Running && net.reaches_port(self.client, self.corporate)
    }

    /// The data sources it does not poll now (all of them while DataMiner does not run).
    fn unpolled(&self, net: &Topology) -> Vec<&str> {
        let polling = self.run == Run::Running;
        self.data_sources.iter().filter(|(_, port)| !polling || !net.reaches_port(self.acquisition, *port)).map(|(n, _)| n.as_str()).collect()
    }

    fn set_run(&mut self, run: Run, why: &'static str, cx: &mut Cx<'_, '_, Self>) {
        let was_up = self.run == Run::Running;
        self.run = run;
        cx.record(Rec::Run { agent: self.name.clone(), run, why });
        if was_up && run != Run::Running {
            // DM-STANDALONE: nothing takes its elements over; they are down with it.
            self.fired.fire(Rule::DownAlone);
        }
    }

    fn stop(&mut self, why: &'static str, cx: &mut Cx<'_, '_, Self>) {
        cx.cancel(self.start);
        if matches!(self.run, Run::Running | Run::Starting) {
            self.set_run(Run::Stopped, why, cx);
        }
        assert!(!matches!(self.run, Run::Running | Run::Starting), "a stopped agent neither runs nor starts");
    }

    /// DataMiner starts, done after `delay_ms` (refused without power: the boot starts it).
    fn start(&mut self, delay_ms: Time, why: &'static str, cx: &mut Cx<'_, '_, Self>) {
        if !cx.net().host(self.host).powered {
            return cx.record(Rec::Refused { what: "start DataMiner".into(), why: "the server has no power".into() });
        }
        if matches!(self.run, Run::Stopped | Run::StartFailed) {
            self.set_run(Run::Starting, why, cx);
            cx.arm(self.start, delay_ms, Event::Started);
        }
        assert!(matches!(self.run, Run::Running | Run::Starting), "a powered agent asked to start runs or starts");
    }

    /// A start ends: DataMiner runs if every required database node answers
    /// (DM-STORAGE-CLUSTER, DM-STORAGE-SEPARATE).
    fn on_started(&mut self, cx: &mut Cx<'_, '_, Self>) {
        assert_eq!(self.run, Run::Starting, "only a starting agent finishes a start");
        let missing = storage::missing(&self.db_nodes, cx.net(), self.corporate).map(|n| n.name.clone());
        match missing {
            Some(node) => {
                self.fired.fire(Rule::NodeMissing);
                self.run = Run::StartFailed;
                cx.record(Rec::StartFailed { agent: self.name.clone(), node });
            }
            None => self.set_run(Run::Running, "start done", cx),
        }
    }

    /// The agent gathers `count` records: acknowledged while DataMiner runs, stored when its
    /// database answers, else kept in file offloads until it does.
    fn gather(&mut self, count: u32, cx: &mut Cx<'_, '_, Self>) {
        if self.run != Run::Running {
            self.ledger.reject(u64::from(count));
            return cx.record(Rec::Rejected { count: u64::from(count) });
        }
        let written_before = self.ledger.written();
        let ids = self.ledger.write(cx.now(), 0, count);
        let what = match self.db_available(cx.net()) {
            true => {
                self.ledger.store(ids, 0, cx.now());
                "stored"
            }
            false => {
                self.buffer.push(ids);
                "offloaded to files (the database does not answer)"
            }
        };
        cx.record(Rec::Records { agent: self.name.clone(), what, count: ledger::count(&[ids]), ids: ledger::format(&[ids]) });
        assert!(self.ledger.written() > written_before || count == 0, "a running agent acknowledges what it gathers");
    }

    fn apply(&mut self, action: Action, cx: &mut Cx<'_, '_, Self>) {
        let nics: Vec<PortId> = match &action {
            Action::Pull { cable, .. } | Action::Plug { cable, .. } | Action::DisableNic { cable, .. } | Action::EnableNic { cable, .. } => match cable {
                CableRef::Corporate | CableRef::Both => vec![self.corporate],
                CableRef::Sync => Vec::new(),
            },
            _ => Vec::new(),
        };
        if let Some(faults) = cx.world().faults_of(&action, Some(self.host), &nics, None) {
            return faults.into_iter().for_each(|f| cx.request(f));
        }
        match action {
            Action::Stop(_) => self.stop("stopped", cx),
            Action::Start(_) => self.start(self.cfg.start_time.0, "started", cx),
            Action::Restart { duration, .. } => {
                self.stop("restart", cx);
                self.start(duration.0, "restart", cx);
            }
            Action::Write { count } => self.gather(count, cx),
            other => cx.record(Rec::Refused { what: other.describe(), why: "a standalone agent has no Failover buddy (DM-STANDALONE)".into() }),
        }
    }

    /// Its own database server (a database on its own machine; with a cluster or STaaS its data
    /// is elsewhere, so this changes nothing it writes to). A start on a server without power,
    /// or of a database that runs, changes nothing.
    fn apply_own(&mut self, command: Command, cx: &mut Cx<'_, '_, Self>) {
        let changed = match command {
            Command::StopDb(_) => self.db.stop(),
            Command::StartDb(_) if cx.net().host(self.host).powered => self.db.start(true).expect("a database that is its own seed always starts"),
            Command::StartDb(_) => false,
        };
        if changed {
            cx.record(Rec::Db { agent: self.name.clone(), running: self.db.running });
        }
        assert!(self.db.running == matches!(command, Command::StartDb(_)) || !changed, "a changed database server is as commanded");
    }

    /// Why `target` is not this agent now (`None`: it is). The parser refuses `Backup` and
    /// `Offline`; `Online` names it only while DataMiner runs.
    fn not_me(&self, target: &Target) -> Option<String> {
        match target {
            Target::Main => None,
            Target::Named(name) if *name == self.name => None,
            Target::Online if self.run == Run::Running => None,
            Target::Online => Some(format!("{} is not online: DataMiner is {}", self.name, run_word(self.run))),
            other => Some(format!("a standalone agent has no {other:?} (DM-STANDALONE)")),
        }
    }

    fn problems(&self, net: &Topology) -> Vec<Problem> {
        let mut out = Vec::new();
        match self.run {
            Run::Running => {}
            Run::StartFailed => out.push(Problem::new(ProblemKind::StartFailed, format!("{}: its last start failed", self.name))),
            Run::Stopped | Run::Starting => out.push(Problem::new(ProblemKind::NodeDown, format!("{}: DataMiner is {}", self.name, run_word(self.run)))),
        }
        if !self.db_available(net) {
            out.push(Problem::new(ProblemKind::StoreDown, format!("{}: its database does not answer", self.name)));
        }
        if !self.buffer.is_empty() {
            out.push(Problem::new(ProblemKind::WritesPending, format!("{}: {} records wait in file offloads", self.name, self.buffer.len())));
        }
        out
    }
}

impl Model for Standalone {
    type Event = Event;
    type Record = Rec;
    type Config = Config;
    type Command = Command;

    const LABEL: &'static str = "DataMiner Agent (standalone)";

    /// The agent and a client on one switch.
    fn preset(cfg: &Config) -> WorldDecl {
        WorldDecl::star(PRESET_SWITCH, None, &[(&cfg.name, cfg.corporate), (PRESET_CLIENT, Cidr::v4([10, 10, 10, 100], 24))])
    }

    fn build(cfg: &Config, cx: &mut Cx<'_, '_, Self>) -> Self {
        let b = cfg.binding();
        let bound = cfg.footprint(&b).resolve(cx.world(), cx.region());
        let (host, nics) = bound.nodes[0].clone();
        let corporate = nics[0].expect("the corporate NIC is bound");
        let (client, data_sources, db_nodes) = storage::split_peers(bound.peers, &b.data_sources, &cfg.storage);
        let start = cx.new_timer();
        let stores = 1;
        Standalone {
            cfg: cfg.clone(),
            name: b.host.clone(),
            host,
            corporate,
            acquisition: nics[1].unwrap_or(corporate),
            client,
            data_sources,
            db_nodes,
            run: Run::Running,
            db: DbServer::new(true),
            start,
            buffer: Backlog::default(),
            ledger: Ledger::new(stores),
            fired: Fired::default(),
        }
    }

    fn action(&self, action: Do<Command>) -> Event {
        Event::Command(Box::new(action))
    }

    fn handle(&mut self, event: Event, cx: &mut Cx<'_, '_, Self>) {
        match event {
            Event::Started => self.on_started(cx),
            Event::Command(action) => {
                if let Some(why) = action.target().and_then(|t| self.not_me(t)) {
                    return cx.record(Rec::Refused { what: action.describe(), why });
                }
                cx.record(Rec::Script(action.describe()));
                match *action {
                    Do::Shared(a) => self.apply(a, cx),
                    Do::Own(c) => self.apply_own(c, cx),
                }
            }
        }
    }

    /// What waits in file offloads goes in once the database answers.
    fn settle(&mut self, cx: &mut Cx<'_, '_, Self>) {
        if !self.buffer.is_empty() && self.db_available(cx.net()) {
            let now = cx.now();
            let ids = self.buffer.drain();
            for range in &ids {
                self.ledger.store(*range, 0, now);
            }
            cx.record(Rec::Records { agent: self.name.clone(), what: "stored from file offloads", count: ledger::count(&ids), ids: ledger::format(&ids) });
        }
        assert!(self.run != Run::Running || cx.net().host(self.host).powered, "a running agent's server has power");
        assert!(self.buffer.is_empty() || !self.db_available(cx.net()), "nothing waits in file offloads while the database answers");
    }

    /// A server about to lose power stops DataMiner and its own database with it.
    fn before_fault(&mut self, fault: &WorldFault, cx: &mut Cx<'_, '_, Self>) {
        if let WorldFault::Power { host, on: false } = *fault
            && host == self.host
        {
            self.stop("the server lost power", cx);
            self.db.stop();
        }
    }

    /// A server that got power back boots: its database and DataMiner start.
    fn after_fault(&mut self, fault: &WorldFault, applied: &Applied, cx: &mut Cx<'_, '_, Self>) {
        if let WorldFault::Power { host, on: true } = *fault
            && host == self.host
            && applied.changed
        {
            let started = self.db.start(true);
            assert!(started.is_ok(), "a database that is its own seed always starts");
            self.start(self.cfg.start_time.0, "the server booted", cx);
        }
    }
}

impl Vocabulary for Standalone {
    type Claim = Claim;

    fn validate(cfg: &Config) -> Result<(), Refusal> {
        crate::products::periods_above_zero(&[("start_time", cfg.start_time)])?;
        match &cfg.storage {
            Storage::Cluster(c) => c.validate().map_err(|r| r.within(&Place::of("storage"))),
            _ => Ok(()),
        }
    }

    fn check_binding(cfg: &Config, world: Option<&WorldDecl>) -> Result<(), Refusal> {
        if matches!(cfg.storage, Storage::Cluster(_)) && world.is_none() {
            let message = "a dedicated cluster's database nodes are hosts of a declared world: add a `world:` section and `bind:` the agent";
            return Err(Refusal::at(Place::of("storage"), message));
        }
        let how = "the agent names its host: `bind: (host: \"…\", corporate: \"…\", client: \"…\")`";
        let Some((b, world)) = crate::products::bound(cfg.bind.as_deref(), world, how)? else { return Ok(()) };
        cfg.footprint(b).check(world)
    }

    fn node_names(cfg: &Config) -> Vec<String> {
        vec![cfg.binding().host]
    }

    /// One agent: `Main`, `Online` or its name; it has no `Backup` (DM-STANDALONE).
    fn check_node(cfg: &Config, target: &Target) -> Result<(), String> {
        match target {
            Target::Backup | Target::Offline => Err(format!("a standalone agent has no `{target:?}`: name it (`Main` or \"{}\")", cfg.binding().host)),
            _ => crate::action::check_node(target, &Self::node_names(cfg), Words::WORDS),
        }
    }

    fn supported_actions(_: &Config) -> Vec<&'static str> {
        crate::action::supported(&["Stop", "Start", "Restart", "Write"], &["StopDb", "StartDb"])
    }

    fn validate_claim(_: &Config, claim: &Claim) -> Result<(), String> {
        match claim {
            Claim::Records(w) => w.validate(),
            _ => Ok(()),
        }
    }
}

impl Observation for Standalone {
    fn view(&self, world: &World, at_ms: Time) -> View {
        let net = world.net();
        let database = if self.db_available(net) { "Database OK" } else { "Database Failing" };
        let facts = vec![format!("{} ({})", database, self.cfg.storage.label()), format!("DataMiner {}", self.cfg.version)];
        let node = NodeLine { name: self.name.clone(), role: format!("standalone, {}", run_word(self.run)), meaning: run_meaning(self.run), facts };
        View {
            at_ms,
            nodes: vec![node],
            tables: vec![],
            consoles: vec![],
            panels: vec![],
            writes_label: "Records".into(),
            writes: self.ledger.summary(),
            notes: vec![],
        }
    }

    fn eval(&self, world: &World, claim: &Claim, _: Time) -> Verdict {
        let net = world.net();
        match claim {
            Claim::Agent(is) => check::expect(*is, agent_is(self.run)),
            Claim::Serving(s) => check::expect(*s, self.serving(net)),
            Claim::DbRunning(r) => check::expect(*r, self.db_available(net)),
            Claim::Polling(p) => check::expect(*p, self.unpolled(net).is_empty()),
            Claim::Records(w) => w.check(&self.ledger.summary()),
            Claim::OnlineAtMost(n) => check::at_most(*n, usize::from(self.run == Run::Running), "online"),
            Claim::Healthy => check::healthy(self.problems(net)),
        }
    }

    /// One way in: the client reaches the agent while DataMiner runs. Acquisition: every data
    /// source is polled (only where the agent has data sources).
    fn sample(&self, world: &World) -> Sample {
        let net = world.net();
        let serving = u32::from(self.serving(net));
        // Database downtime: while it serves and its database does not answer (DM-HELD).
        let stored = serving == 0 || self.db_available(net);
        let sample = Sample::one_way(serving, usize::from(self.run == Run::Running), serving).with_storage(stored);
        match self.data_sources.is_empty() {
            true => sample,
            false => sample.with_acquisition(self.unpolled(net).is_empty()),
        }
    }

    fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    fn lanes(&self, world: &World) -> crate::products::Lanes<'_> {
        let net = world.net();
        let nodes = vec![LaneSample::node(self.name.clone(), run_word(self.run), run_meaning(self.run))];
        let mut links = vec![LaneSample::link(format!("{} NIC Corporate", self.name), net.has_link(self.corporate))];
        if self.acquisition != self.corporate {
            links.push(LaneSample::link(format!("{} NIC Acquisition", self.name), net.has_link(self.acquisition)));
        }
        crate::products::Lanes { nodes, cables: crate::world::Drawn::Nothing, links, heartbeats: Vec::new(), holders: Vec::new(), service: None }
    }

    fn health(&self, world: &World) -> Vec<Problem> {
        self.problems(world.net())
    }
}

impl ChaosProfile for Standalone {
    type Fault = Fault;

    fn alphabet(_: &Config) -> Vec<FaultKind<Fault>> {
        vec![
            FaultKind::PullCable(CableRef::Corporate),
            FaultKind::DisableNic(CableRef::Corporate),
            FaultKind::Stop,
            FaultKind::PowerFail,
            FaultKind::Restart,
            FaultKind::Own(Fault::StopDb),
        ]
    }

    fn chaos_profile(_: &Config) -> Profile {
        Profile { fault_phase_ms: 180_000, end_ms: 600_000, write_every_ms: 20_000, write_count: 5, recover_steps: 0, recover_every_ms: 0 }
    }

    /// One agent is never two.
    fn split_brain_documented(&self) -> Option<SpecId> {
        None
    }

    fn rules_fired(&self) -> Vec<(SpecId, u32)> {
        self.fired.counts(<Rule as crate::finding::Rule>::id)
    }

    fn claim_for(_: &Config, invariant: Invariant) -> Claim {
        match invariant {
            Invariant::SplitBrain => Claim::OnlineAtMost(1),
            Invariant::Loss | Invariant::Dns | Invariant::Liveness | Invariant::Assertion => Claim::Healthy,
        }
    }

    fn presets() -> Vec<(&'static str, Config)> {
        vec![("dataminer-agent", Config::default())]
    }
}
