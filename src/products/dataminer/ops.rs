//! What an operator sees, derived from the model's state in this one place: the Alarm Console of
//! each DMA, the Status dialog, the Failover dialog LEDs. Nothing else prints operator views.
//! Vocabulary from the FAQ and the docs (SPEC §2, domain.md §1.6–1.7).

use super::{Cx, DataMiner, Dma, Event, Nic, Rec, Role, Run};
use crate::db::StartError;
use crate::engine::{Time, clock};
use crate::finding::{Problem, ProblemKind};
use crate::net::Topology;
use crate::ops::{Column, LaneSample, Level, Meaning, NodeLine, Panel, Rows, Severity, View};
use crate::products::Lanes;
use crate::world::{Drawn, World};

/// The severities of DataMiner's Alarm Console that failover raises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AlarmSeverity {
    Notice,
    Timeout,
    Error,
}

impl AlarmSeverity {
    /// Where DataMiner's word sits on the shared scale.
    pub fn severity(self) -> Severity {
        match self {
            AlarmSeverity::Notice => Severity::new(Level::Warning, "Notice"),
            AlarmSeverity::Timeout => Severity::new(Level::Indeterminate, "Timeout"),
            AlarmSeverity::Error => Severity::new(Level::Major, "Error"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, Hash)]
pub enum Led {
    Green,
    Red,
}

/// A condition standing on a DMA that its Alarm Console shows, before its text
/// ([`DataMiner::alarm`] words it): equal conditions read alike.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(super) enum Condition {
    /// A heartbeat path (by its configuration's index) failed at least once.
    FailingHeartbeat(usize),
    SyncFailing,
    /// DB forwarding fails since then.
    ForwardingFailing(Time),
    ConnectionLost,
    NicUnplugged(Nic),
    DatabaseProblem,
    /// The DMA's version and its buddy's.
    VersionMismatch(super::Version, super::Version),
    /// An open runtime error, by its hung thread's id.
    RuntimeError(u32),
}

/// The conditions a console was last brought in line with, each with its words. A condition
/// that still stands at the next change keeps its words: wording (a heartbeat's path, a clock)
/// was most of what a changed console cost. Words depend on the condition alone (and on the
/// configuration, and a runtime error's hung thread, fixed for its id), so they are left out
/// of the hash.
#[derive(Clone, Debug, Default)]
pub(super) struct Worded {
    conditions: Vec<Condition>,
    words: Vec<(Severity, String)>,
}

impl std::hash::Hash for Worded {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.conditions.hash(state);
    }
}

impl Worded {
    /// No condition (a console brought in line with nothing).
    pub(super) fn clear(&mut self) {
        self.conditions.clear();
        self.words.clear();
    }
}

impl DataMiner {
    /// The alarm conditions standing on a running DMA right now (DM-*-2 outcomes), before
    /// their text, each given to `each` in order. Given, not collected: settle asks at every
    /// changed instant, and a list made each time (to find it mostly unchanged) was an eighth
    /// of an exploration.
    fn each_condition(&self, net: &Topology, dma: Dma, now: Time, mut each: impl FnMut(Condition)) {
        let a = self.agent(dma);
        a.heartbeats.iter().filter(|hb| hb.failures > 0).for_each(|hb| each(Condition::FailingHeartbeat(hb.cfg)));
        if let Some(since) = a.sync_failing_since {
            each(Condition::SyncFailing);
            if self.forwards(dma) {
                each(Condition::ForwardingFailing(since));
                if now - since >= self.cfg.connection_timeout.0 {
                    each(Condition::ConnectionLost);
                }
            }
        }
        // The Failover NIC checks end with Failover (DM-ENDFAILOVER; failsim's reading).
        for nic in a.nics().filter(|_| a.membership.in_failover()) {
            if a.nic_seen[nic as usize] && !net.has_link(a.port(nic)) {
                each(Condition::NicUnplugged(nic));
            }
        }
        if a.role == Role::Online && !self.db_available(net, dma) {
            each(Condition::DatabaseProblem);
        }
        let other = &self.agent(dma.buddy()).version;
        // DM-ENDFAILOVER: a DMA that left the pair has no buddy to compare with.
        let paired = a.membership.in_failover() && self.agent(dma.buddy()).membership.in_failover();
        if paired && *other != a.version {
            each(Condition::VersionMismatch(a.version, *other));
        }
        self.rte_alarm_ids(dma).for_each(|id| each(Condition::RuntimeError(id)));
    }

    /// The conditions standing on `dma` now, when they differ from those its console was
    /// last brought in line with.
    fn changed_conditions(&self, net: &Topology, dma: Dma, now: Time) -> Option<Vec<Condition>> {
        let last = &self.agent(dma).console_conditions.conditions;
        let (mut at, mut same) = (0, true);
        self.each_condition(net, dma, now, |c| {
            same = same && last.get(at) == Some(&c);
            at += 1;
        });
        if same && at == last.len() {
            return None;
        }
        let mut conditions = Vec::with_capacity(at);
        self.each_condition(net, dma, now, |c| conditions.push(c));
        Some(conditions)
    }

    /// A condition of `dma`'s as its Alarm Console words it.
    fn alarm(&self, dma: Dma, condition: &Condition) -> (Severity, String) {
        let buddy = self.name(dma.buddy());
        let (severity, text) = match condition {
            Condition::FailingHeartbeat(cfg) => (AlarmSeverity::Notice, format!("Failing Heartbeat Path: {}", self.heartbeat_path(*cfg))),
            Condition::SyncFailing => (AlarmSeverity::Notice, format!("Sync connection to {buddy} is failing")),
            Condition::ForwardingFailing(since) => (AlarmSeverity::Notice, format!("Failover DB forwarding is failing since {}", clock(*since))),
            Condition::ConnectionLost => (AlarmSeverity::Timeout, format!("Connection to {buddy} lost (timeout)")),
            Condition::NicUnplugged(nic) => (AlarmSeverity::Notice, format!("NIC {} unplugged", nic.label())),
            Condition::DatabaseProblem => (AlarmSeverity::Notice, "Database problem: the database server is not available, data is buffered".into()),
            Condition::VersionMismatch(own, other) => {
                (AlarmSeverity::Error, format!("Version mismatch on failover pair ({own} {} / {buddy} {other})", self.name(dma)))
            }
            Condition::RuntimeError(id) => (AlarmSeverity::Error, self.rte_alarm_text(dma, *id)),
        };
        (severity.severity(), text)
    }

    /// Brings each running DMA's Alarm Console in line with its conditions: new ones are
    /// raised, vanished ones cleared. A stopped DMA's console is frozen until it runs again.
    /// The conditions are worded only when they changed since the console was last brought
    /// in line (settle runs at every changed instant; wording them every time cost a third of
    /// an exploration): the same conditions read alike, and bring an up-to-date console
    /// nothing.
    pub(super) fn refresh_consoles(&mut self, cx: &mut Cx<'_, '_>) {
        let now = cx.now();
        for dma in Dma::BOTH {
            if !self.agent(dma).is_running() {
                continue;
            }
            let Some(conditions) = self.changed_conditions(cx.net(), dma, now) else {
                continue;
            };
            let words = self.words(dma, &conditions);
            let changes = self.agents[dma.idx()].console.reconcile(&words, now);
            self.agent_mut(dma).console_conditions = Worded { conditions, words };
            for c in changes {
                cx.record_with(|| Rec::Alarm { dma: self.name(dma).into(), raised: c.raised, severity: c.severity.label(), text: c.text });
            }
        }
    }

    /// Each condition's words: those it had at the last change if it stood then, else new.
    fn words(&self, dma: Dma, conditions: &[Condition]) -> Vec<(Severity, String)> {
        let last = &self.agent(dma).console_conditions;
        let kept = |c: &Condition| last.conditions.iter().position(|l| l == c).map(|i| last.words[i].clone());
        conditions.iter().map(|c| kept(c).unwrap_or_else(|| self.alarm(dma, c))).collect()
    }

    /// Whether `viewer` can fetch `dma`'s status: over the corporate network (where Cube and the
    /// DataMiner status calls run), and DataMiner running there (docs: "Agent Status:
    /// Unreachable" only when no status can be retrieved).
    fn status_reachable(&self, net: &Topology, viewer: Dma, dma: Dma) -> bool {
        if viewer == dma {
            return self.agent(dma).is_running();
        }
        let (v, d) = (self.agent(viewer), self.agent(dma));
        v.is_running() && d.is_running() && net.connected(v.port(Nic::Corporate), d.port(Nic::Corporate))
    }

    /// The Status dialog seen from `viewer` (default: Cube is connected to the online DMA).
    pub fn status_dialog(&self, net: &Topology, viewer: Option<Dma>) -> Panel {
        let viewer = viewer.or_else(|| self.online().next()).unwrap_or(Dma::Main);
        let columns = Dma::BOTH.map(|d| self.status_column(net, viewer, d)).to_vec();
        Panel { title: format!("Status dialog (Cube connected to {})", self.name(viewer)), banner: Vec::new(), columns }
    }

    fn status_column(&self, net: &Topology, viewer: Dma, dma: Dma) -> Column {
        let mut items = Vec::new();
        let mut item = |i: &str, v: &str, d: String| items.push((i.to_string(), v.to_string(), d));
        if !self.status_reachable(net, viewer, dma) {
            item("Agent Status", "Unreachable", String::new());
            return Column { node: self.name(dma).into(), items };
        }
        let a = self.agent(dma);
        if !a.membership.in_failover() {
            // DM-ENDFAILOVER: a standalone DMA has no Failover status (failsim's reading).
            item("Failover Status", "No Failover", String::new());
            item("Database", if self.db_available(net, dma) { "OK" } else { "Failing" }, String::new());
            return Column { node: self.name(dma).into(), items };
        }
        item("Failover Status", a.role.label(), String::new());
        for (label, inverted) in [("Heartbeat", false), ("Inverted Heartbeat", true)] {
            let hbs: Vec<_> = a.heartbeats.iter().filter(|h| self.cfg.heartbeats[h.cfg].is_inverted() == inverted).collect();
            if hbs.is_empty() {
                continue;
            }
            let failing: Vec<String> = hbs
                .iter()
                .filter(|h| h.failures > 0)
                .map(|h| format!("{} ({})", self.heartbeat_path(h.cfg), failures_shown(h.failures, h.max_failures)))
                .collect();
            if failing.is_empty() { item(label, "Success", String::new()) } else { item(label, "Failing", failing.join("; ")) }
        }
        if a.role == Role::Online {
            let sync_ok = a.sync_failing_since.is_none();
            item("Sync Connection", if sync_ok { "Available" } else { "Not Available" }, String::new());
            // "Only displayed in case self-hosted data storage is used" (DM-STORAGE-STAAS;
            // interpretation: a database on each DMA, the only one DB forwarding serves).
            if self.cfg.storage.per_dma() {
                item("DB Sync", if sync_ok { "Active" } else { "Failing" }, String::new());
            }
        }
        if self.forwards(dma) {
            item("DB Sync Stack", "OK", format!("{} to forward", a.forward.len()));
        }
        if let Some(count) = self.rte_count_shown(dma) {
            item("RTE Count", &count.to_string(), String::new());
        }
        for nic in a.nics() {
            if a.nic_seen[nic as usize] {
                let up = net.has_link(a.port(nic));
                item(&format!("NIC {}", nic.label()), if up { "Available" } else { "Unavailable" }, String::new());
            }
        }
        item("Database", if self.db_available(net, dma) { "OK" } else { "Failing" }, String::new());
        Column { node: self.name(dma).into(), items }
    }

    /// A DMA is healthy for the Failover dialog when nothing in its status is in error (an RTE
    /// Count above 0 included: failsim's reading of "a problem was detected").
    fn healthy(&self, net: &Topology, dma: Dma) -> bool {
        let a = self.agent(dma);
        self.dead_end.is_none()
            && a.is_running()
            && self.db_available(net, dma)
            && a.heartbeats.iter().all(|h| h.failures == 0)
            && a.sync_failing_since.is_none()
            && a.nics().all(|n| !a.nic_seen[n as usize] || net.has_link(a.port(n)))
            // DM-OPT-RTE: an open runtime error is a problem the Status dialog shows (RTE Count).
            && self.rte_count(dma) == 0
    }

    /// The Failover dialog LED of a DMA, as the operator sees it (refreshed once a minute).
    pub fn led(&self, dma: Dma) -> Led {
        self.leds[dma.idx()]
    }

    /// The LEDs are sampled once a minute (docs), so a problem shows at the next refresh.
    pub(super) fn on_led_refresh(&mut self, cx: &mut Cx<'_, '_>) {
        cx.arm(self.led_timer, self.cfg.led_refresh.0, Event::LedRefresh);
        for dma in Dma::BOTH {
            // A DMA whose Failover ended has no Failover dialog: its LED stays as it was
            // (DM-ENDFAILOVER).
            if !self.agent(dma).membership.in_failover() {
                continue;
            }
            let led = if self.healthy(cx.net(), dma) { super::Led::Green } else { super::Led::Red };
            if self.leds[dma.idx()] != led {
                self.leds[dma.idx()] = led;
                let color = if led == super::Led::Green { "green" } else { "red" };
                cx.record(Rec::Led { dma: self.name(dma).into(), color });
            }
        }
        // DM-DEADEND: while a dead end stands, neither DMA is healthy.
        assert!(self.dead_end.is_none() || self.leds == [super::Led::Red; 2], "both LEDs are red while a dead end stands (DM-DEADEND)");
    }

    /// Invariants of the model, checked after every instant that changed something.
    pub(super) fn check_invariants(&self, world: &World) {
        let net = world.net();
        for a in &self.agents {
            assert!(a.is_running() || a.role == Role::Offline, "{:?} is {:?} but not running", a.dma, a.role);
            assert!(a.run != Run::Running || net.host(a.host).powered, "{:?} runs without power", a.dma);
            // The VIPs move together (DM-OPT-ACQUISITION): all of them or none.
            let held = self.vips_held(net, a.dma);
            // An offline DMA still unloading its elements holds them too (DM-AUTORESTART-FAST); a
            // standalone DMA released them (DM-ENDFAILOVER).
            let may_hold = a.membership.in_failover() && (matches!(a.role, Role::GoingOnline | Role::Online) || a.unloading);
            assert!(!a.unloading || a.role == Role::Offline, "{:?} unloads its elements only once offline", a.dma);
            assert_eq!(held, if may_hold { self.cfg.vips().count() } else { 0 }, "{:?} holds {held} VIPs as {:?}", a.dma, a.role);
        }
        let online = self.agents.iter().filter(|a| a.role == Role::Online && a.membership.in_failover()).count();
        for (_, vip) in self.cfg.vips() {
            assert!(net.holders(vip).count() >= online, "every online DMA holds {vip} in VIP mode");
        }
    }
}

impl DataMiner {
    /// The data sources the DMA reaches from its acquisition NIC, by name: what it polls while
    /// online (data sources are polled over the acquisition network, DM-OPT-ACQUISITION).
    pub fn reachable_sources(&self, net: &Topology, dma: Dma) -> Vec<&str> {
        let from = self.agent(dma).port(Nic::Acquisition);
        self.site.data_sources.iter().filter(|(_, port)| net.reaches_port(from, *port)).map(|(name, _)| name.as_str()).collect()
    }

    /// The data sources no online DMA polls now, by name (the `Polling` claim and the
    /// acquisition downtime read this one answer).
    pub fn unpolled(&self, net: &Topology) -> Vec<&str> {
        let polled: Vec<&str> = self.online().flat_map(|d| self.reachable_sources(net, d)).collect();
        self.site.data_sources.iter().map(|(n, _)| n.as_str()).filter(|n| !polled.contains(n)).collect()
    }

    /// The status sections of a report: both DMAs, the DNS table, the Alarm Consoles, the
    /// Status dialog, the records.
    pub fn view(&self, world: &World, at_ms: Time) -> View {
        let nodes = Dma::BOTH.map(|d| self.node_line(world, d)).to_vec();
        View {
            at_ms,
            nodes,
            tables: vec![("DNS table".into(), Rows(world.dns().rows()))],
            consoles: Dma::BOTH.map(|d| (format!("Alarm Console of {}", self.name(d)), self.agent(d).console.alarms().to_vec())).to_vec(),
            panels: vec![self.status_dialog(world.net(), None)],
            writes_label: "Records".into(),
            writes: self.ledger.summary(),
            notes: self.dead_end_note().into_iter().chain(self.polled_twice_note(world.net())).collect(),
        }
    }

    fn node_line(&self, world: &World, d: Dma) -> NodeLine {
        let (a, net) = (self.agent(d), world.net());
        let run = match a.run {
            Run::Running => "running",
            Run::Starting => "starting",
            Run::Stopped => "stopped",
            Run::StartFailed => "start failed",
        };
        let mut facts = vec![format!("DataMiner {run}"), format!("version {}", a.version)];
        // A DMA whose Failover ended has no Failover dialog, so no LED (DM-ENDFAILOVER).
        if a.membership.in_failover() {
            facts.push(format!("LED {}", if self.led(d) == super::Led::Green { "green" } else { "red" }));
        }
        facts.push(format!("Database {}", if self.db_available(net, d) { "OK" } else { "Failing" }));
        let held: Vec<String> = self.cfg.vips().filter(|&(nic, vip)| self.holds_on(net, d, nic, vip)).map(|(_, vip)| vip.to_string()).collect();
        match (self.cfg.vips().count(), held.len()) {
            (_, 0) => {}
            (1, _) => facts.push("holds VIP".into()),
            _ => facts.push(format!("holds VIPs {}", held.join(", "))),
        }
        facts.extend(self.proxy_fact(d));
        if !self.site.data_sources.is_empty() && a.role == Role::Online {
            facts.push(format!("polls {} of {} data sources", self.reachable_sources(net, d).len(), self.site.data_sources.len()));
        }
        let routes: Vec<String> = world
            .routes(a.host)
            .into_iter()
            .flat_map(|t| t.active_routes())
            .map(|r| format!("{} via {}{}", r.dest, r.gateway, r.interface.as_ref().map_or(String::new(), |i| format!(" IF {i}"))))
            .collect();
        if !routes.is_empty() {
            facts.push(format!("active routes: {}", routes.join(", ")));
        }
        if a.membership == super::Membership::Uncleaned {
            facts.push("left the DMS uncleaned".into());
        }
        NodeLine { name: self.name(d).into(), role: self.role_label(d).into(), meaning: role_meaning(a.role), facts }
    }

    /// A DMA's role as the report names it: its Failover Status, or what it is once Failover
    /// ended (DM-ENDFAILOVER).
    fn role_label(&self, d: Dma) -> &'static str {
        let a = self.agent(d);
        match a.membership {
            super::Membership::Standalone if a.role == Role::Online => "Standalone",
            super::Membership::Removed => "Removed",
            _ => a.role.label(),
        }
    }
}

impl DataMiner {
    /// What keeps the pair from being healthy now (empty: healthy): exactly one DMA online, both
    /// running, the sync connection up, no alarm standing, every record in both databases. Once
    /// Failover ended (DM-ENDFAILOVER) the system is the standalone DMA, online, and a DMA left
    /// uncleaned only counts while it runs: online beside the standalone one it polls the same
    /// elements (work done twice). The chaos harness checks this after healing; the `Healthy`
    /// claim checks it in a scenario.
    pub fn health_problems(&self, net: &Topology) -> Vec<Problem> {
        let mut out = Vec::new();
        let online: Vec<&str> = self.online().map(|d| self.name(d)).collect();
        if let Some((back, standalone)) = self.back_uncleaned() {
            // DM-ENDFAILOVER: not a broken pair but a DMA that should be gone, polling again.
            let detail =
                format!("{} came back uncleaned and is online beside the standalone {}: its elements are polled twice", self.name(back), self.name(standalone));
            out.push(Problem::new(ProblemKind::DuplicateWork, detail).documented_by(Some("DM-ENDFAILOVER")));
        } else if online.len() != 1 {
            let detail = format!("{} DMA(s) online{}", online.len(), if online.is_empty() { String::new() } else { format!(": {}", online.join(", ")) });
            let spec = if online.len() > 1 { self.split_brain_documented() } else { None };
            out.push(Problem::new(ProblemKind::Serving, detail).documented_by(spec));
        }
        for d in Dma::BOTH.into_iter().filter(|d| self.in_the_dms(*d)) {
            let a = self.agent(d);
            // DM-SEED-1: a database that cannot start because the master seed node is not
            // available, and the DataMiner start that fails with it; DM-STORAGE-CLUSTER: a
            // start without a required database node.
            let seed_rule = |e: Option<StartError>| match e? {
                StartError::SeedUnavailable => Some("DM-SEED-1"),
                StartError::NodeMissing => Some("DM-STORAGE-CLUSTER"),
            };
            if let Some(e) = a.start_failure {
                let detail = format!("{} start failed: {}", self.name(d), super::failover::db_failure(e));
                out.push(Problem::new(ProblemKind::StartFailed, detail).documented_by(seed_rule(Some(e))));
            } else if !a.is_running() {
                out.push(Problem::new(ProblemKind::NodeDown, format!("{} is not running", self.name(d))));
            } else if !self.db_available(net, d) {
                let why = a.db_start_failure.map_or(String::new(), |e| format!(" ({})", super::failover::db_failure(e)));
                out.push(
                    Problem::new(ProblemKind::StoreDown, format!("{}: database server down{why}", self.name(d))).documented_by(seed_rule(a.db_start_failure)),
                );
            } else if a.sync_failing_since.is_some() {
                out.push(Problem::new(ProblemKind::SyncFailing, format!("{}: sync connection failing", self.name(d))));
            }
            if let Some(alarm) = a.console.active().next() {
                out.push(Problem::new(ProblemKind::AlarmStanding, format!("{}: alarm standing: {}", self.name(d), alarm.text)));
            }
        }
        let s = self.ledger.summary();
        if s.pending > 0 {
            out.push(Problem::new(ProblemKind::WritesPending, format!("{} record(s) not in both databases", s.pending)));
        }
        out
    }

    /// Whether the DMA is a part of the system whose health counts (DM-ENDFAILOVER): a cleaned
    /// DMA is not, nor an uncleaned one that stays away; a standalone DMA is the system.
    fn in_the_dms(&self, d: Dma) -> bool {
        match self.agent(d).membership {
            super::Membership::Paired | super::Membership::Standalone => true,
            super::Membership::Removed => false,
            super::Membership::Uncleaned => self.agent(d).is_running(),
        }
    }

    /// DM-SPLIT: without inverted heartbeats, an isolated online DMA stays online, so two DMAs
    /// can be online at once. DM-ENDFAILOVER: an uncleaned DMA back on the network beside the
    /// standalone one. With inverted heartbeats no other document explains it.
    pub fn split_brain_documented(&self) -> Option<crate::finding::SpecId> {
        if self.back_uncleaned().is_some() {
            return Some("DM-ENDFAILOVER");
        }
        let online_without_inverted = self.online().all(|d| !self.agent(d).heartbeats.iter().any(|h| self.cfg.heartbeats[h.cfg].is_inverted()));
        (self.online().count() > 1 && online_without_inverted).then_some("DM-SPLIT")
    }

    /// In the modes that promise it (registration off with fixed records, or a shared hostname),
    /// no address is registered under two names (DM-DNS-5, DM-DNS-6).
    pub fn dns_promise_broken(&self, world: &World) -> Option<String> {
        let shared = match &self.cfg.addressing {
            super::Addressing::VirtualIp(v) if v.register_in_dns => return None,
            super::Addressing::VirtualIp(_) => None,
            super::Addressing::SharedHostname(s) => Some(s.name.to_ascii_uppercase()),
        };
        world
            .dns()
            .duplicates()
            .into_iter()
            .map(|(ip, names)| (ip, names.into_iter().filter(|n| Some(n) != shared.as_ref()).collect::<Vec<_>>()))
            .find(|(_, names)| names.len() > 1)
            .map(|(ip, names)| format!("{ip} registered under {}", names.join(" and ")))
    }
}

impl DataMiner {
    /// Availability at this instant (metrics), the way clients reach the pair: through the
    /// virtual IP an online DMA holds (one way), or through each address the shared hostname
    /// resolves to, where the DMA that answers serves the request itself when online or hands
    /// it on by its reverse proxy (DM-DNS-6, DM-PROXY), or once Failover ended through the
    /// standalone DMA's real IP (one way, DM-ENDFAILOVER). Acquisition: every data source is
    /// polled by an online DMA (only where the pair has data sources).
    pub fn sample(&self, world: &World) -> crate::metrics::Sample {
        let net = world.net();
        let online = self.online().count();
        let claimers = self.agents.iter().enumerate().filter(|(_, a)| a.role.is_claiming()).fold(0, |m, (i, _)| m | 1 << i);
        let bits = |ds: &mut dyn Iterator<Item = Dma>| ds.fold(0, |m, d| m | 1 << d.idx());
        let sample = match &self.cfg.addressing {
            // DM-ENDFAILOVER: the DMS uses the standalone DMA's real IP (one way), whatever the
            // addressing was.
            _ if self.standalone().is_some() => {
                let real = self.standalone().map(|d| self.cfg.agent(d).corporate.addr).expect("a standalone DMA");
                crate::metrics::Sample::one_way(bits(&mut self.served_online(net, real).into_iter()), online, claimers)
            }
            super::Addressing::VirtualIp(v) => {
                let reached = |d: &Dma| self.agent(*d).is_running() && net.reaches_at(self.site.client, v.vip, self.agent(*d).port(Nic::Corporate));
                crate::metrics::Sample::one_way(bits(&mut self.online().filter(reached)), online, claimers)
            }
            super::Addressing::SharedHostname(s) => {
                let ways: Vec<Option<Dma>> =
                    world.dns().addresses(&s.name).into_iter().take(usize::from(u8::MAX)).map(|ip| self.served_online(net, ip)).collect();
                let servers = bits(&mut ways.iter().flatten().copied());
                let failed = ways.iter().filter(|w| w.is_none()).count();
                let (total, failed) = match ways.len() {
                    0 => (1, 1), // a name that resolves to nothing: the one way fails
                    n => (u8::try_from(n).expect("at most 255 taken"), u8::try_from(failed).expect("at most the ways")),
                };
                crate::metrics::Sample::one_way(servers, online, claimers).with_ways(total, failed)
            }
        };
        // Database downtime: while a DMA that serves cannot write into its database (DM-HELD).
        let stored = Dma::BOTH.iter().filter(|d| sample.servers & 1 << d.idx() != 0).all(|d| self.db_available(net, *d));
        let sample = sample.with_storage(stored);
        match self.site.data_sources.is_empty() {
            true => sample,
            false => sample.with_acquisition(self.unpolled(net).is_empty()),
        }
    }

    /// The state of each timeline lane at this instant: DMAs, the world's cables but the
    /// preset's scenery, NIC links.
    pub fn lanes(&self, world: &World) -> Lanes<'_> {
        let net = world.net();
        let nodes: Vec<LaneSample> = Dma::BOTH
            .iter()
            .map(|d| {
                let a = self.agent(*d);
                match a.is_running() {
                    true => LaneSample::node(self.name(*d), self.role_label(*d), role_meaning(a.role)),
                    false => LaneSample::node(self.name(*d), format!("{:?}", a.run), run_meaning(a.run)),
                }
            })
            .collect();
        let mut links = Vec::new();
        for d in Dma::BOTH {
            for nic in self.agent(d).nics() {
                let up = net.has_link(self.agent(d).port(nic));
                links.push(LaneSample::link(format!("{} NIC {}", self.name(d), nic.label()), up));
            }
        }
        let heartbeats = Dma::BOTH
            .iter()
            .flat_map(|d| self.agent(*d).heartbeats.iter())
            .map(|h| LaneSample::heartbeat(format!("heartbeat {}", self.heartbeat_path(h.cfg)), h.failures, h.max_failures))
            .collect();
        let holders = self.cfg.vips().map(|(_, ip)| crate::products::holder_lane(format!("virtual IP {ip}"), &world.holder_names(ip))).collect();
        Lanes { nodes, cables: Drawn::AllBut(&self.site.scenery), links, heartbeats, holders, service: None }
    }
}

/// What a DMA's Failover Status means for the reports.
fn role_meaning(role: Role) -> Meaning {
    match role {
        Role::Online => Meaning::Serving,
        Role::AcquiringVip | Role::GoingOnline => Meaning::TakingOver,
        Role::Offline => Meaning::Standby,
    }
}

/// What a DMA that is not running means for the reports: starting is on its way.
fn run_meaning(run: Run) -> Meaning {
    match run {
        Run::Starting => Meaning::TakingOver,
        Run::Running | Run::Stopped | Run::StartFailed => Meaning::Down,
    }
}

/// A failing path's count as the Status dialog shows it: each failure within the tolerance,
/// then only that it is past it. What an operator sees changes when the path's state changes,
/// not at every further failed check (those are counted, not shown or traced; issue 23).
fn failures_shown(failures: u32, max_failures: u32) -> String {
    if failures > max_failures { format!("past tolerance: more than {max_failures} failures") } else { format!("{failures} failures") }
}

#[cfg(test)]
mod tests {
    use super::failures_shown;

    #[test]
    fn a_path_shows_each_failure_within_its_tolerance_then_only_that_it_is_past() {
        assert_eq!(failures_shown(1, 3), "1 failures");
        assert_eq!(failures_shown(3, 3), "3 failures", "the last one tolerated is still counted");
        assert_eq!(failures_shown(4, 3), "past tolerance: more than 3 failures");
        assert_eq!(failures_shown(19_001, 3), failures_shown(4, 3), "later failures do not change what is shown");
    }
}
