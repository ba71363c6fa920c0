//! What an operator sees, derived from the model's state in this one place: the Alarm Console of
//! each DMA, the Status dialog, the Failover dialog LEDs. Nothing else prints operator views.
//! Vocabulary from the FAQ and the docs (SPEC §2, domain.md §1.6–1.7).

use super::{Cx, DataMiner, Dma, Event, Nic, Rec, Role, Run};
use crate::engine::{Time, clock};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Severity {
    Notice,
    Timeout,
    Error,
}

impl Severity {
    pub fn label(self) -> &'static str {
        match self {
            Severity::Notice => "Notice",
            Severity::Timeout => "Timeout",
            Severity::Error => "Error",
        }
    }
}

/// One line of an Alarm Console: raised at a time, and cleared at a later one (or still active).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Alarm {
    pub severity: Severity,
    pub text: String,
    pub raised_ms: Time,
    pub cleared_ms: Option<Time>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum Led {
    Green,
    Red,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StatusColumn {
    pub dma: String,
    /// `(item, value, detail)`, in the dialog's order. Items the docs show only in some
    /// situations (Sync Connection, DB Sync, NIC X, Agent Status) are absent otherwise.
    pub items: Vec<(String, String, String)>,
}

impl StatusColumn {
    pub fn get(&self, item: &str) -> Option<&str> {
        self.items.iter().find(|(i, _, _)| i.eq_ignore_ascii_case(item)).map(|(_, v, _)| v.as_str())
    }
}

/// The Status dialog as Cube shows it when connected to `viewer`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct StatusDialog {
    pub viewer: String,
    pub columns: Vec<StatusColumn>,
}

impl DataMiner {
    /// The alarm conditions standing on a running DMA right now (DM-*-2 outcomes).
    fn conditions(&self, dma: Dma, now: Time) -> Vec<(Severity, String)> {
        let a = self.agent(dma);
        let buddy = self.name(dma.buddy());
        let mut out = Vec::new();
        for hb in &a.heartbeats {
            if hb.failures > 0 {
                out.push((Severity::Notice, format!("Failing Heartbeat Path: {}", self.heartbeat_path(hb.cfg))));
            }
        }
        if let Some(since) = a.sync_failing_since {
            out.push((Severity::Notice, format!("Sync connection to {buddy} is failing")));
            if a.role == Role::Online {
                out.push((Severity::Notice, format!("Failover DB forwarding is failing since {}", clock(since))));
                if now - since >= self.cfg.connection_timeout.0 {
                    out.push((Severity::Timeout, format!("Connection to {buddy} lost (timeout)")));
                }
            }
        }
        for nic in Nic::BOTH {
            if a.nic_seen[nic as usize] && !self.net.has_link(a.port(nic)) {
                out.push((Severity::Notice, format!("NIC {} unplugged", nic.label())));
            }
        }
        if a.role == Role::Online && !a.db.running {
            out.push((Severity::Notice, "Database problem: the database server is not available; data is buffered".into()));
        }
        let other = &self.agent(dma.buddy()).version;
        if *other != a.version {
            out.push((Severity::Error, format!("Version mismatch on failover pair ({} {} / {buddy} {other})", a.version, self.name(dma))));
        }
        out
    }

    /// Brings each running DMA's Alarm Console in line with its conditions: new ones are
    /// raised, vanished ones cleared. A stopped DMA's console is frozen until it runs again.
    pub(super) fn refresh_consoles(&mut self, cx: &mut Cx<'_>) {
        let now = cx.now();
        for dma in Dma::BOTH {
            if !self.agent(dma).is_running() {
                continue;
            }
            let want = self.conditions(dma, now);
            let name = self.name(dma).to_string();
            let console = &mut self.agents[dma.idx()].console;
            for alarm in console.iter_mut().filter(|a| a.cleared_ms.is_none()) {
                if !want.iter().any(|(s, t)| *s == alarm.severity && *t == alarm.text) {
                    alarm.cleared_ms = Some(now);
                    cx.record(Rec::Alarm { dma: name.clone(), raised: false, severity: alarm.severity.label(), text: alarm.text.clone() });
                }
            }
            for (severity, text) in want {
                if !console.iter().any(|a| a.cleared_ms.is_none() && a.severity == severity && a.text == text) {
                    cx.record(Rec::Alarm { dma: name.clone(), raised: true, severity: severity.label(), text: text.clone() });
                    console.push(Alarm { severity, text, raised_ms: now, cleared_ms: None });
                }
            }
        }
    }

    /// The active alarms of a DMA's console.
    pub fn active_alarms(&self, dma: Dma) -> impl Iterator<Item = &super::Alarm> {
        self.agent(dma).console.iter().filter(|a| a.cleared_ms.is_none())
    }

    /// Whether `viewer` can fetch `dma`'s status: over the corporate network (where Cube and the
    /// DataMiner status calls run), and DataMiner running there (docs: "Agent Status:
    /// Unreachable" only when no status can be retrieved).
    fn status_reachable(&self, viewer: Dma, dma: Dma) -> bool {
        if viewer == dma {
            return self.agent(dma).is_running();
        }
        let (v, d) = (self.agent(viewer), self.agent(dma));
        v.is_running() && d.is_running() && self.net.connected(v.port(Nic::Corporate), d.port(Nic::Corporate))
    }

    /// The Status dialog seen from `viewer` (default: Cube is connected to the online DMA).
    pub fn status_dialog(&self, viewer: Option<Dma>) -> StatusDialog {
        let viewer = viewer.or_else(|| self.online().next()).unwrap_or(Dma::Main);
        let columns = Dma::BOTH.map(|d| self.status_column(viewer, d)).to_vec();
        StatusDialog { viewer: self.name(viewer).into(), columns }
    }

    fn status_column(&self, viewer: Dma, dma: Dma) -> StatusColumn {
        let mut items = Vec::new();
        let mut item = |i: &str, v: &str, d: String| items.push((i.to_string(), v.to_string(), d));
        if !self.status_reachable(viewer, dma) {
            item("Agent Status", "Unreachable", String::new());
            return StatusColumn { dma: self.name(dma).into(), items };
        }
        let a = self.agent(dma);
        item("Failover Status", a.role.label(), String::new());
        for (label, inverted) in [("Heartbeat", false), ("Inverted Heartbeat", true)] {
            let hbs: Vec<_> = a.heartbeats.iter().filter(|h| self.cfg.heartbeats[h.cfg].is_inverted() == inverted).collect();
            if hbs.is_empty() {
                continue;
            }
            let failing: Vec<String> =
                hbs.iter().filter(|h| h.failures > 0).map(|h| format!("{} ({} failures)", self.heartbeat_path(h.cfg), h.failures)).collect();
            if failing.is_empty() { item(label, "Success", String::new()) } else { item(label, "Failing", failing.join("; ")) }
        }
        if a.role == Role::Online {
            let sync_ok = a.sync_failing_since.is_none();
            item("Sync Connection", if sync_ok { "Available" } else { "Not Available" }, String::new());
            item("DB Sync", if sync_ok { "Active" } else { "Failing" }, String::new());
            item("DB Sync Stack", "OK", format!("{} to forward", a.forward.len()));
        }
        for nic in Nic::BOTH {
            if a.nic_seen[nic as usize] {
                let up = self.net.has_link(a.port(nic));
                item(&format!("NIC {}", nic.label()), if up { "Available" } else { "Unavailable" }, String::new());
            }
        }
        item("Database", if a.db.running { "OK" } else { "Failing" }, String::new());
        StatusColumn { dma: self.name(dma).into(), items }
    }

    /// A DMA is healthy for the Failover dialog when nothing in its status is in error.
    fn healthy(&self, dma: Dma) -> bool {
        let a = self.agent(dma);
        a.is_running()
            && a.db.running
            && a.heartbeats.iter().all(|h| h.failures == 0)
            && a.sync_failing_since.is_none()
            && Nic::BOTH.iter().all(|n| !a.nic_seen[*n as usize] || self.net.has_link(a.port(*n)))
    }

    /// The LEDs are sampled once a minute (docs), so a problem shows at the next refresh.
    pub(super) fn on_led_refresh(&mut self, cx: &mut Cx<'_>) {
        cx.arm(self.led_timer, self.cfg.led_refresh.0, Event::LedRefresh);
        for dma in Dma::BOTH {
            let led = if self.healthy(dma) { super::Led::Green } else { super::Led::Red };
            if self.leds[dma.idx()] != led {
                self.leds[dma.idx()] = led;
                let color = if led == super::Led::Green { "green" } else { "red" };
                cx.record(Rec::Led { dma: self.name(dma).into(), color });
            }
        }
    }

    /// Invariants of the model, checked after every instant that changed something.
    pub(super) fn check_invariants(&self) {
        for a in &self.agents {
            assert!(a.is_running() || a.role == Role::Offline, "{:?} is {:?} but not running", a.dma, a.role);
            assert!(a.run != Run::Running || self.net.host(a.host).powered, "{:?} runs without power", a.dma);
            if let Some(vip) = self.cfg.vip() {
                let holds = self.net.holders(vip).any(|p| p == a.port(Nic::Corporate));
                let may_hold = matches!(a.role, Role::GoingOnline | Role::Online);
                assert!(holds == may_hold, "{:?} holds the VIP: {holds}, role {:?}", a.dma, a.role);
            }
        }
        let online = self.agents.iter().filter(|a| a.role == Role::Online).count();
        let held = self.cfg.vip().map_or(0, |vip| self.net.holders(vip).count());
        assert!(self.cfg.vip().is_none() || held >= online, "every online DMA holds the VIP in VIP mode");
    }
}

/// Everything an operator could look at, at one instant: the report's "status" sections.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Snapshot {
    pub at_ms: Time,
    pub agents: Vec<AgentLine>,
    pub consoles: Vec<(String, Vec<Alarm>)>,
    pub status: StatusDialog,
    pub dns: Vec<(String, Vec<String>)>,
    pub records: crate::ledger::Summary,
    pub lookups: Vec<super::Lookup>,
    pub connections: Vec<super::Connection>,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct AgentLine {
    pub name: String,
    pub role: &'static str,
    pub run: &'static str,
    pub version: String,
    pub led: Led,
    pub database: &'static str,
    pub vip: bool,
    pub active_routes: Vec<String>,
}

impl DataMiner {
    pub fn snapshot(&self, at_ms: Time) -> Snapshot {
        let agents = Dma::BOTH
            .map(|d| {
                let a = self.agent(d);
                AgentLine {
                    name: self.name(d).into(),
                    role: a.role.label(),
                    run: match a.run {
                        Run::Running => "running",
                        Run::Starting => "starting",
                        Run::Stopped => "stopped",
                        Run::StartFailed => "start failed",
                    },
                    version: a.version.clone(),
                    led: self.leds[d.idx()],
                    database: if a.db.running { "OK" } else { "Failing" },
                    vip: self.cfg.vip().is_some_and(|vip| self.net.holders(vip).any(|p| p == a.port(Nic::Corporate))),
                    active_routes: a
                        .routes
                        .active_routes()
                        .map(|r| format!("{} via {}{}", r.dest, r.gateway, r.interface.as_ref().map_or(String::new(), |i| format!(" IF {i}"))))
                        .collect(),
                }
            })
            .to_vec();
        Snapshot {
            at_ms,
            agents,
            consoles: Dma::BOTH.map(|d| (self.name(d).to_string(), self.agent(d).console.clone())).to_vec(),
            status: self.status_dialog(None),
            dns: self.dns.table().iter().map(|(n, rs)| (n.clone(), rs.iter().map(|r| r.addr.to_string()).collect())).collect(),
            records: self.ledger.summary(),
            lookups: self.lookups.clone(),
            connections: self.connections.clone(),
        }
    }
}
