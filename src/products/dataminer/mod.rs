//! DataMiner Failover: two DMAs, Main and Backup, one online and one offline.
//!
//! The rules of SPEC §1 live here as code — heartbeats and their tolerances, inverted
//! heartbeats, the go-offline notice, the ping-pong refusal, start-up, the switch phases,
//! sync and DB forwarding — and the FAQ outcomes of SPEC §2 follow from them. Nothing here
//! recognises a scenario. What an operator sees is derived from this state in [`ops`].

mod claims;
mod commands;
mod config;
mod dead_end;
mod ending;
mod failover;
mod known_issues;
mod lint;
mod ops;
mod product;
mod proxy;
mod records;
mod standalone;
mod storage;
#[cfg(test)]
mod tests;
mod trace;
mod version;
mod watchdog;

pub use claims::Claim;
#[cfg(test)]
pub use commands::Fault;
pub use commands::{ClearedBy, Command};
pub use config::{Addressing, Binding, Config, DbCluster, Dma, Heartbeat, Mode, Nic, NormalHeartbeat, ReverseProxy, Storage};
#[cfg(test)]
pub use dead_end::TwoOnline;
pub use dead_end::{DeadEnd, DeadEndConfig};
pub use ending::Membership;
pub use ops::{AlarmSeverity, Led};
pub use standalone::Standalone;
use storage::DbNode;
pub use trace::Rec;
pub use version::Version;
pub use watchdog::Watchdog;

use crate::db::DbServer;
use crate::engine::{Rng, Time, TimerId};
use crate::ledger::{Backlog, Ledger};
use crate::net::{CableId, HostId, Ip, PortId, RecordSource, Topology};
use crate::world::{World, WorldCx};
use std::sync::Arc;

pub type Cx<'a, 'b> = WorldCx<'a, 'b, Event, Rec>;

/// Whether DataMiner itself runs on a DMA.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, Hash)]
pub enum Run {
    Running,
    Starting,
    Stopped,
    /// The last start failed (its database could not start).
    StartFailed,
}

/// The Failover Status of a DMA (the Status dialog's words; DM-SWITCH-TIME).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, Hash)]
pub enum Role {
    Offline,
    /// Acquiring the virtual IP (it counts as free after 3 failed pings 500 ms apart).
    AcquiringVip,
    GoingOnline,
    Online,
}

impl Role {
    pub fn label(self) -> &'static str {
        match self {
            Role::Offline => "Offline",
            Role::AcquiringVip => "Acquiring Virtual IP Address",
            Role::GoingOnline => "Going Online",
            Role::Online => "Online",
        }
    }

    /// Online, or on its way there: a buddy in this state is not to be contested.
    pub fn is_claiming(self) -> bool {
        self != Role::Offline
    }
}

/// One heartbeat's state: 64 bytes, in the order laid out (`repr(C)`): what every check reads
/// first, `cfg` (read only when the count changes) last, so that within [`Agent`]'s layout
/// each heartbeat's checked fields sit in one cache line.
#[derive(Clone, Debug, Hash)]
#[repr(C)]
pub struct HeartbeatState {
    /// The configuration's interval, tolerance and kind, copied beside the state: a check
    /// then reads one place (with a thousand pairs, each extra place is a cache miss).
    interval_ms: u64,
    last_success_ms: Option<Time>,
    /// The path's last answer and the reachability epoch it was computed at.
    path_ok: Option<(u64, bool)>,
    max_failures: u32,
    failures: u32,
    timer: TimerId,
    inverted: bool,
    /// Index into `Config::heartbeats`.
    cfg: usize,
}

const _: () = assert!(std::mem::size_of::<HeartbeatState>() == 64, "a heartbeat's state is one cache line");

/// A short list kept inline while it has at most `N` items (on the heap beyond): a DMA's
/// heartbeat states. A world of a thousand pairs checks them a hundred million times a virtual
/// day; inline, a check reads the agent's own cache lines, not one more behind a pointer.
#[derive(Clone, Debug, Hash)]
#[repr(C)]
pub struct Few<T, const N: usize> {
    /// First, beside the first item (`repr(C)`): a check reads both.
    len: usize,
    /// `Some` while the items fit: the first `len` are the list (the rest repeat the last item,
    /// unread, so no placeholder value is needed).
    inline: Option<[T; N]>,
    spilled: Vec<T>,
}

impl<T: Clone, const N: usize> FromIterator<T> for Few<T, N> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> Self {
        let items: Vec<T> = items.into_iter().collect();
        let len = items.len();
        match items.last() {
            Some(last) if len <= N => {
                let inline = std::array::from_fn(|i| items.get(i).unwrap_or(last).clone());
                Few { len, inline: Some(inline), spilled: Vec::new() }
            }
            _ => Few { len, inline: None, spilled: items },
        }
    }
}

impl<T, const N: usize> std::ops::Deref for Few<T, N> {
    type Target = [T];
    #[inline]
    fn deref(&self) -> &[T] {
        match &self.inline {
            Some(items) => &items[..self.len],
            None => &self.spilled,
        }
    }
}

impl<T, const N: usize> std::ops::DerefMut for Few<T, N> {
    #[inline]
    fn deref_mut(&mut self) -> &mut [T] {
        match &mut self.inline {
            Some(items) => &mut items[..self.len],
            None => &mut self.spilled,
        }
    }
}

/// A DMA as the pair's rules see it. Laid out in the order written (`repr(C)`), on cache-line
/// boundaries: a world of a thousand pairs handles a hundred million heartbeat and sync checks
/// a virtual day, each on a pair that has left the cache since its last one, so each line a
/// check reads is a miss. Line 0 holds what every check of the DMA reads (its own, and its
/// buddy's: run, role, membership) and the whole sync check but its backlogs; line 1 the
/// heartbeat count and the first heartbeat's state; line 2 the second heartbeat's; then the
/// backlogs; the rest (read when something changes) after them.
#[derive(Clone, Debug, Hash)]
#[repr(C, align(64))]
pub struct Agent {
    // Line 0.
    run: Run,
    role: Role,
    /// Whether it is still a member of the Failover pair (DM-ENDFAILOVER).
    membership: ending::Membership,
    /// Offline, still unloading its elements and holding the VIPs (DM-AUTORESTART-FAST).
    unloading: bool,
    db: DbServer,
    /// Why the last DataMiner start failed (its database could not start), until it starts.
    start_failure: Option<crate::db::StartError>,
    /// Why the database server last failed to start (DM-SEED-1), until it starts.
    db_start_failure: Option<crate::db::StartError>,
    timers: AgentTimers,
    /// The sync path's last answer and the reachability epoch it was computed at.
    sync_path: Option<(u64, bool)>,
    /// The sync connection's last check failed since this time.
    sync_failing_since: Option<Time>,
    // Lines 1 to 3.
    heartbeats: Few<HeartbeatState, 2>,
    /// Since when the VIP check has found every VIP free: the going-online work counts from
    /// then, not while another DMA still held one (DM-OPT-VIPFREE, DM-AUTORESTART-FAST).
    /// (Here, a cold field, it moves the backlogs 8 bytes on, so that the two lengths a sync
    /// check reads, in their deques, share line 4: measured, one miss a sync check less.)
    vip_free_from_ms: Time,
    /// Records waiting for this DMA's own database (file offloads; DM-DB-ON-4, DM-DB-OFF-4).
    db_buffer: Backlog,
    /// Records waiting to be forwarded to the buddy (the DB Sync Stack).
    forward: Backlog,
    // What changes rarely.
    dma: Dma,
    host: HostId,
    /// The port of each role's NIC; without a sync or acquisition NIC that role uses the
    /// corporate one.
    ports: [PortId; 3],
    version: Version,
    pending_version: Option<Version>,
    /// Records forwarded to this DMA while it was offline on a version whose offline DMA does
    /// not synchronize (DM-KI-OFFLINE-NOSYNC): it never took them.
    missed: Backlog,
    /// NICs that saw a link event: the Status dialog lists only those (docs).
    nic_seen: [bool; 3],
    vip_free_pings: u32,
    phase_started_ms: Time,
    phase_from_startup: bool,
    /// When the DMA's current (or last) start began.
    start_began_ms: Time,
    /// The current start got stuck once already (DM-KI-STARTUP-STUCK).
    start_stuck: bool,
    /// Why its last automatic attempt to go online was refused, while that refusal stands
    /// (no heartbeat path changed state since, and no attempt went ahead).
    last_refusal: Option<failover::Refusal>,
    console: crate::ops::Console,
    /// The conditions its console was last brought in line with, and their words.
    console_conditions: ops::Worded,
    /// Its IIS reverse proxy in shared-hostname mode (DM-PROXY).
    proxy: proxy::Proxy,
}

const _: () = {
    use std::mem::offset_of;
    assert!(offset_of!(Agent, sync_failing_since) + 16 <= 64, "every check's fields and the sync check's are in line 0");
    assert!(offset_of!(Agent, heartbeats) == 64, "the heartbeat count starts line 1");
    assert!(offset_of!(Agent, db_buffer) == 232, "the backlogs' lengths share line 4 (see vip_free_from_ms)");
};

#[derive(Clone, Debug, Hash)]
#[repr(C)]
struct AgentTimers {
    /// The configuration's sync check interval, kept beside its timer (one place to read).
    sync_interval_ms: u64,
    sync: TimerId,
    phase: TimerId,
    start: TimerId,
    /// The end of unloading the elements (DM-AUTORESTART-FAST).
    unload: TimerId,
}

impl Agent {
    pub fn port(&self, nic: Nic) -> PortId {
        self.ports[nic as usize]
    }

    /// The DMA's own NICs (a Sync or Acquisition NIC only when it has one: DM-OPT-SYNCNIC,
    /// DM-OPT-ACQUISITION).
    pub fn nics(&self) -> impl Iterator<Item = Nic> + '_ {
        Nic::ALL.into_iter().filter(|n| *n == Nic::Corporate || self.port(*n) != self.port(Nic::Corporate))
    }

    pub fn is_running(&self) -> bool {
        self.run == Run::Running
    }
}

/// What the lookups of one query got, for expectations: the distinct answers ("no answer"
/// among them) and the DMAs that served a request sent to the answer (forward lookups only).
/// Distinct values, not one entry a lookup: a million lookups cost what their few answers do
/// (the trace has each one).
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Lookups {
    answers: std::collections::BTreeSet<String>,
    served_by: std::collections::BTreeSet<String>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, Hash)]
pub struct Connection {
    at_ms: Time,
    from: String,
    to: Ip,
    ok: bool,
    detail: String,
}

/// Ports of the machines around the pair.
#[derive(Clone, Debug, Hash)]
pub struct Site {
    /// The switch that `FailSwitch` without a name means (the world's only one).
    switch: Option<PortId>,
    client: PortId,
    /// The hosts the online DMA polls, each by its first NIC (DM-OPT-ACQUISITION).
    data_sources: Vec<(String, PortId)>,
    /// The database hosts of a dedicated cluster, each by its first NIC (DM-STORAGE-CLUSTER,
    /// DM-STORAGE-SEPARATE).
    db_nodes: Vec<DbNode>,
    /// The cables the built-in layout adds as scenery (the client's cable, the WAN link):
    /// never faulted, not drawn. A declared world has none: every cable there is the user's.
    scenery: Vec<CableId>,
}

/// Laid out in the order written (`repr(C)`): what every event reads first (`upgrade`, asked
/// after each one), then the agents, each on cache-line boundaries (see [`Agent`]).
#[derive(Clone, Debug)]
#[repr(C)]
pub struct DataMiner {
    upgrade: Option<commands::Upgrade>,
    /// A manual Switch waiting for the online DMA's DB push (DM-OPT-DBPUSHWAIT): its timer,
    /// and whether it waits.
    switch_waiting: bool,
    push_timer: TimerId,
    /// The Failover dialog LEDs as last sampled (read through [`DataMiner::led`]).
    leds: [Led; 2],
    led_timer: TimerId,
    cfg: Arc<Config>,
    /// The dead end standing now and since when (DM-DEADEND).
    dead_end: Option<(Time, DeadEnd)>,
    agents: [Agent; 2],
    /// Where the pair and the machines around it are in the world.
    site: Site,
    ledger: Ledger,
    /// By query, as the script wrote it.
    lookups: std::collections::BTreeMap<String, Lookups>,
    connections: Vec<Connection>,
    dns_rng: Rng,
    phase_rng: [Rng; 2],
    /// Each DMA's hung threads, as its SLWatchdog tracks them (DM-OPT-RTE).
    rte: [watchdog::Threads; 2],
    /// How often each documented rule decided something (FS-COVERAGE).
    fired: crate::finding::Fired,
}

/// The rules of SPEC §1 that decide who is online, as chaos coverage counts them (FS-COVERAGE).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Rule {
    /// A DMA whose inverted heartbeats all fail goes offline.
    HbInverted,
    /// A DMA going online tells its buddy, which goes offline.
    Notify,
    /// A buddy whose own normal heartbeats all fail refuses to go offline.
    HbPingPong,
    /// A DMA that finished starting stays offline beside an online buddy, or goes online.
    Startup,
    /// Going online after a switch takes the switch time.
    SwitchTime,
    /// A non-seed node's database does not start without the master seed node.
    Seed,
    /// A dead end stands: no DMA online, or two, with every path working.
    DeadEnd,
}

impl DataMiner {
    /// The state as explore's visited set fingerprints it: every field but the configuration
    /// (one exploration runs one) and the rules' counters (coverage reads them, no decision
    /// does). Taken apart field by field, so that a new field is a compile error here until
    /// it is placed on one side or the other.
    pub(crate) fn fingerprint(&self, out: &mut crate::engine::Fingerprint) {
        use std::hash::Hash;
        let DataMiner {
            cfg: _,
            fired: _,
            site,
            agents,
            ledger,
            lookups,
            connections,
            leds,
            led_timer,
            push_timer,
            switch_waiting,
            upgrade,
            dead_end,
            dns_rng,
            phase_rng,
            rte,
        } = self;
        (site, agents, ledger, lookups, connections, leds, led_timer, push_timer).hash(out);
        (switch_waiting, upgrade, dead_end, dns_rng, phase_rng, rte).hash(out);
    }

    /// Each rule of the catalog with how often it fired (FS-COVERAGE).
    pub fn rules_fired(&self) -> Vec<(crate::finding::SpecId, u32)> {
        self.fired.counts(<Rule as crate::finding::Rule>::id)
    }
}

impl crate::finding::Rule for Rule {
    const ALL: &'static [Rule] = &[Rule::HbInverted, Rule::Notify, Rule::HbPingPong, Rule::Startup, Rule::SwitchTime, Rule::Seed, Rule::DeadEnd];
    fn id(self) -> crate::finding::SpecId {
        match self {
            Rule::HbInverted => "DM-HB-INVERTED",
            Rule::Notify => "DM-NOTIFY",
            Rule::HbPingPong => "DM-HB-PINGPONG",
            Rule::Startup => "DM-STARTUP",
            Rule::SwitchTime => "DM-SWITCH-TIME",
            Rule::Seed => "DM-SEED-1",
            Rule::DeadEnd => "DM-DEADEND",
        }
    }
}

/// What can happen: timers firing and commands from the script.
///
/// A four-byte tag (`repr(u32)`): with the default one-byte tag, the DMA, slot and id after it
/// fill seven bytes, which the compiler moves as two overlapping four-byte halves; reading the
/// second half back from a copy on the stack waits for both stores (no store forwarding), at
/// every move of an event from the queue to its handler. Measured: 10 % of a thousand pairs'
/// run (1,000 pairs × 6 h, 1.69–1.75 s against 1.53–1.57 s).
#[derive(Clone, Debug, Hash)]
#[repr(u32)]
pub enum Event {
    Heartbeat {
        dma: Dma,
        slot: u8,
    },
    /// An inverted heartbeat's ping got no answer in time (DM-OPT-PINGTIMEOUT).
    PingTimedOut {
        dma: Dma,
        slot: u8,
    },
    SyncCheck {
        dma: Dma,
    },
    /// The current phase of going online ended (a VIP ping, or the going-online wait).
    Phase {
        dma: Dma,
    },
    /// A start (or the start half of a restart) finished.
    StartDone {
        dma: Dma,
    },
    LedRefresh,
    /// A blocked start-up request to go offline is refused (DM-KI-UPGRADE-OFFLINE).
    NotifyRefused {
        dma: Dma,
    },
    /// "Auto restart Agent when going offline" restarts the DMA (DM-OPT-AUTORESTART).
    AutoRestart {
        dma: Dma,
    },
    /// A DMA that went offline finished unloading its elements (DM-AUTORESTART-FAST).
    Unloaded {
        dma: Dma,
    },
    /// A manual Switch waiting for the DB push goes ahead: the push finished, or the wait is
    /// over (DM-OPT-DBPUSHWAIT).
    PushWaitOver,
    /// SLWatchdog's next step for hung thread `id` of the DMA is due (DM-OPT-RTE).
    Watchdog {
        dma: Dma,
        id: u32,
    },
    /// Boxed: script commands are rare, and timer events stay small in the queue.
    Command(Box<crate::action::Do<Command>>),
}

impl DataMiner {
    /// Builds the pair at t = 0, in the default layout (one switch/router, a corporate and a
    /// sync NIC per DMA, a client, a remote host) or bound to the declared world's hosts: in
    /// steady state, the initially-online DMA online.
    pub fn new(cfg: Config, cx: &mut Cx<'_, '_>) -> Self {
        // One stream per random component, taken in this fixed order: DNS answers, then each
        // DMA's heartbeat phases.
        let mut streams = cx.streams();
        let dns_rng = streams.take();
        let phase_rng = [streams.take(), streams.take()];
        let (cfg, site, agent_ports) = Self::bind(cfg, cx.world(), cx.region());
        let cfg = Arc::new(cfg);
        // Each DMA's server keeps its persistent routes; the world owns them (DM-ROUTE-*).
        for d in Dma::BOTH {
            cx.set_routes(agent_ports[d.idx()].0, cfg.agent(d).routes.clone());
        }
        let agents = Dma::BOTH.map(|d| Self::new_agent(&cfg, d, agent_ports[d.idx()], cx));
        let mut dm = DataMiner {
            site,
            agents,
            ledger: Ledger::new(Self::stores(&cfg.storage)),
            lookups: std::collections::BTreeMap::new(),
            connections: Vec::new(),
            leds: [Led::Green; 2],
            led_timer: cx.new_timer(),
            push_timer: cx.new_timer(),
            switch_waiting: false,
            upgrade: None,
            dead_end: None,
            dns_rng,
            phase_rng,
            rte: Default::default(),
            fired: crate::finding::Fired::default(),
            cfg,
        };
        let online = dm.cfg.initially_online;
        cx.record(Rec::Initial { online: dm.name(online).to_string() });
        dm.initial_dns(cx);
        dm.agents[online.idx()].role = Role::Online;
        dm.claim_vip(online, cx);
        dm.manage_proxies(cx);
        for d in Dma::BOTH {
            dm.arm_agent_timers(d, true, cx);
        }
        let refresh = dm.cfg.led_refresh.0;
        cx.arm(dm.led_timer, refresh, Event::LedRefresh);
        // In steady state at t = 0 the initially-online DMA, and it alone, is online.
        assert!(dm.online().eq([online]), "at t = 0 exactly the initially-online DMA is online");
        dm
    }

    /// The pair on its hosts in its region: the preset's ([`Config::preset`]) or the declared
    /// world's (checked by `Config::check_binding`). Each DMA takes its host's name and its
    /// NICs' addresses; a role without a NIC of its own goes over the corporate one.
    fn bind(mut cfg: Config, world: &World, region: crate::world::Region) -> (Config, Site, [(HostId, [PortId; 3]); 2]) {
        let b = cfg.bind.as_deref().cloned().unwrap_or_else(|| Binding::preset(&cfg));
        let bound = b.footprint(&cfg).resolve(world, region);
        let agent_ports = Dma::BOTH.map(|d| {
            let (host, nics) = &bound.nodes[d.idx()];
            let corporate = nics[Nic::Corporate.idx()].expect("the corporate NIC is always bound");
            (*host, Nic::ALL.map(|role| nics[role.idx()].unwrap_or(corporate)))
        });
        for d in Dma::BOTH {
            let [corporate, sync, acquisition] = agent_ports[d.idx()].1.map(|p| world.net().port(p).addrs[0]);
            let a = match d {
                Dma::Main => &mut cfg.main,
                Dma::Backup => &mut cfg.backup,
            };
            (a.name, a.corporate, a.sync) = (b.host(d).to_string(), corporate, sync);
            a.acquisition = b.acquisition.is_some().then_some(acquisition);
        }
        let (client, data_sources, db_nodes) = storage::split_peers(bound.peers, &b.data_sources, &cfg.storage);
        let scenery = match cfg.bind {
            Some(_) => Vec::new(),
            None => Config::SCENERY.iter().map(|name| region.cable(world, name).expect("the preset lays out its scenery")).collect(),
        };
        (cfg, Site { switch: region.only_switch(world), client, data_sources, db_nodes, scenery }, agent_ports)
    }

    fn new_agent(cfg: &Config, dma: Dma, (host, ports): (HostId, [PortId; 3]), cx: &mut Cx<'_, '_>) -> Agent {
        let a = cfg.agent(dma);
        let heartbeats = cfg
            .heartbeats
            .iter()
            .enumerate()
            .filter(|(_, h)| h.from() == dma)
            .map(|(i, h)| HeartbeatState {
                cfg: i,
                interval_ms: h.interval_ms(),
                max_failures: h.max_failures(),
                inverted: h.is_inverted(),
                failures: 0,
                last_success_ms: Some(0),
                timer: cx.new_timer(),
                path_ok: None,
            })
            .collect();
        Agent {
            dma,
            host,
            ports,
            run: Run::Running,
            role: Role::Offline,
            version: a.version,
            pending_version: None,
            start_failure: None,
            db_start_failure: None,
            heartbeats,
            sync_failing_since: None,
            sync_path: None,
            db: Self::own_db_server(cfg, dma),
            db_buffer: Backlog::default(),
            forward: Backlog::default(),
            missed: Backlog::default(),
            nic_seen: [false; 3],
            vip_free_pings: 0,
            vip_free_from_ms: 0,
            unloading: false,
            phase_started_ms: 0,
            phase_from_startup: false,
            start_began_ms: 0,
            start_stuck: false,
            last_refusal: None,
            timers: AgentTimers {
                sync: cx.new_timer(),
                sync_interval_ms: cfg.sync_check_interval.0,
                phase: cx.new_timer(),
                start: cx.new_timer(),
                unload: cx.new_timer(),
            },
            console: crate::ops::Console::default(),
            console_conditions: ops::Worded::default(),
            proxy: proxy::Proxy::NONE,
            membership: ending::Membership::Paired,
        }
    }

    /// The DMA's own database server; with the database outside the pair (a dedicated
    /// cluster, STaaS) it has none, which reads as one that never runs.
    fn own_db_server(cfg: &Config, dma: Dma) -> DbServer {
        let mut db = DbServer::new(cfg.seed == dma);
        if !cfg.storage.per_dma() {
            db.stop();
        }
        assert!(cfg.storage.per_dma() || !db.running, "with the database outside the pair, a DMA's own server never runs");
        db
    }

    /// Whether this DMA forwards DB data now (a database on each DMA only): the online one
    /// does, and an offline one still holding its DB Sync Stack has something to forward too
    /// (DM-HELD). Its Status dialog shows the stack and its console the DB-forwarding notice
    /// exactly then.
    pub(super) fn forwards(&self, dma: Dma) -> bool {
        let a = self.agent(dma);
        self.cfg.storage.per_dma() && (a.role == Role::Online || !a.forward.is_empty())
    }

    /// Both DMAs register their corporate addresses; fixed records are added by hand.
    fn initial_dns(&self, cx: &mut Cx<'_, '_>) {
        let register = match &self.cfg.addressing {
            Addressing::VirtualIp(v) => v.register_in_dns,
            Addressing::SharedHostname(_) => true,
        };
        for d in Dma::BOTH {
            if register {
                let a = self.cfg.agent(d);
                cx.register_name(&a.name, a.corporate.addr, RecordSource::Dynamic);
            }
        }
        if let Addressing::SharedHostname(s) = &self.cfg.addressing {
            // DM-DNS-6: a record must resolve the shared name to both real IPs (docs).
            for d in Dma::BOTH {
                cx.register_name(&s.name, self.cfg.agent(d).corporate.addr, RecordSource::Fixed);
            }
        }
        for r in &self.cfg.dns_records {
            cx.register_name(&r.name, r.addr, RecordSource::Fixed);
        }
    }

    pub fn name(&self, dma: Dma) -> &str {
        &self.cfg.agent(dma).name
    }

    pub fn agent(&self, dma: Dma) -> &Agent {
        &self.agents[dma.idx()]
    }

    fn agent_mut(&mut self, dma: Dma) -> &mut Agent {
        &mut self.agents[dma.idx()]
    }

    /// DMAs whose role is Online, Main first.
    pub fn online(&self) -> impl Iterator<Item = Dma> + '_ {
        Dma::BOTH.into_iter().filter(|d| self.agent(*d).role == Role::Online)
    }

    /// Whether `from` can exchange DataMiner Failover messages with `to` over any path
    /// (DM-NOTIFY, DM-HB-PINGPONG, DM-STARTUP): a live path between any of their NICs, and
    /// DataMiner running at the far end as a member of the pair (DM-ENDFAILOVER: a DMA whose
    /// Failover ended answers no Failover message).
    pub fn can_message(&self, net: &Topology, from: Dma, to: Dma) -> bool {
        self.answers_failover(to) && self.hosts_connected(net, from, to)
    }

    /// Whether DataMiner runs on the DMA as a member of the Failover pair, so that it answers
    /// heartbeats, the sync connection and notices (DM-ENDFAILOVER).
    pub fn answers_failover(&self, dma: Dma) -> bool {
        let a = self.agent(dma);
        a.is_running() & a.membership.in_failover()
    }

    pub fn hosts_connected(&self, net: &Topology, a: Dma, b: Dma) -> bool {
        Nic::ALL.iter().any(|n| self.reaches_agent(net, a, b, *n))
    }

    /// Whether `from` reaches `to`'s address on `nic` from its own `nic` (and hears back).
    pub fn reaches_agent(&self, net: &Topology, from: Dma, to: Dma, nic: Nic) -> bool {
        net.reaches_ip(self.agent(from).port(nic), self.cfg.agent(to).address(nic).addr)
    }

    /// Arms heartbeats and the sync check of a DMA. At t = 0 (`phased`) each starts at a random
    /// phase within its interval, so runs with different seeds interleave differently; a DMA
    /// that starts later checks at once (see `on_start_done`) and then every interval.
    fn arm_agent_timers(&mut self, dma: Dma, phased: bool, cx: &mut Cx<'_, '_>) {
        use rand::RngExt;
        // At t = 0 both DMAs run; later only a start that completed arms them (`on_start_done`).
        assert!(self.agents[dma.idx()].is_running(), "only a running DMA checks its heartbeats and sync");
        let rng = &mut self.phase_rng[dma.idx()];
        let mut first = |interval: u64| if phased { 1 + rng.random_range(0..interval) } else { interval };
        let agent = &mut self.agents[dma.idx()];
        for (slot, hb) in agent.heartbeats.iter_mut().enumerate() {
            hb.failures = 0;
            cx.arm(hb.timer, first(hb.interval_ms), Event::Heartbeat { dma, slot: slot as u8 });
        }
        cx.arm(agent.timers.sync, first(agent.timers.sync_interval_ms), Event::SyncCheck { dma });
        // A (re)started DMA counts heartbeat failures afresh: none carried over from before it stopped.
        assert!(self.agents[dma.idx()].heartbeats.iter().all(|hb| hb.failures == 0), "a DMA that arms its heartbeats counts no failure yet");
    }

    fn cancel_agent_timers(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) {
        let agent = &self.agents[dma.idx()];
        // The phase timer goes too: a DMA stops only once it left the online role (`stop_agent`).
        assert_eq!(agent.role, Role::Offline, "a DMA's timers stop only once it is offline");
        for hb in agent.heartbeats.iter() {
            cx.cancel(hb.timer);
        }
        cx.cancel(agent.timers.sync);
        cx.cancel(agent.timers.phase);
    }
}

impl DataMiner {
    #[inline]
    pub(super) fn handle(&mut self, event: Event, cx: &mut Cx<'_, '_>) {
        match event {
            Event::Heartbeat { dma, slot } => self.on_heartbeat(dma, slot as usize, cx),
            Event::PingTimedOut { dma, slot } => self.on_ping_timed_out(dma, slot as usize, cx),
            Event::SyncCheck { dma } => self.on_sync_check(dma, cx),
            Event::Phase { dma } => self.on_phase(dma, cx),
            Event::StartDone { dma } => self.on_start_done(dma, cx),
            Event::LedRefresh => self.on_led_refresh(cx),
            Event::PushWaitOver => self.finish_switch(cx),
            Event::AutoRestart { dma } => self.on_auto_restart(dma, cx),
            Event::Unloaded { dma } => self.on_unloaded(dma, cx),
            Event::NotifyRefused { dma } => self.on_notify_refused(dma, cx),
            Event::Watchdog { dma, id } => self.on_watchdog(dma, id, cx),
            Event::Command(c) => self.on_command(*c, cx),
        }
        if self.upgrade.is_some() {
            self.advance_upgrade(cx);
        }
    }

    pub(super) fn settle(&mut self, cx: &mut Cx<'_, '_>) {
        self.check_invariants(cx.world());
        self.check_rte_invariants();
        self.track_dead_end(cx);
        self.manage_proxies(cx);
        self.refresh_consoles(cx);
    }
}

#[cfg(test)]
mod few_tests {
    use super::Few;

    #[test]
    fn a_few_items_are_the_list_inline_or_not() {
        for len in 0..5 {
            let mut few: Few<usize, 2> = (0..len).collect();
            assert_eq!(few.len(), len, "{len} items");
            assert_eq!(few.inline.is_some(), (1..=2).contains(&len), "{len} items: inline only while they fit");
            few.iter_mut().for_each(|x| *x += 10);
            assert_eq!(few.to_vec(), (10..10 + len).collect::<Vec<_>>());
        }
    }
}
