//! The typed trace records of the DataMiner model. Their `Display` text is canonical: the
//! trace hash (FS-DET) is computed over it, so wording changes are hash changes.

use std::fmt;

/// `World`: what the world says of a fault (once per fault, by the runner). `KnownIssue`: a
/// known issue of the DMA's version decided what happened (SPEC §9). `Rte`: a hung thread on its
/// way to an open runtime error, or cleared; `ElementRestart`: the Watchdog restarts an element
/// for an RTE on its protocol thread; `RteSwitch`: the switch an open RTE asked for (DM-OPT-RTE).
/// `Proxy`: a DMA's IIS reverse proxy changed, its rule's target and whether it is on (DM-PROXY).
/// `EndFailover`: a step of ending Failover on a DMA (DM-ENDFAILOVER).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Rec {
    Initial {
        online: String,
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
        dma: String,
        nic: &'static str,
        enabled: bool,
    },
    Link {
        dma: String,
        nic: &'static str,
        up: bool,
    },
    Power {
        dma: String,
        on: bool,
    },
    Run {
        dma: String,
        state: &'static str,
        why: String,
    },
    Role {
        dma: String,
        role: &'static str,
        why: String,
    },
    Heartbeat {
        dma: String,
        path: String,
        failures: u32,
        max_failures: u32,
    },
    Notify {
        from: String,
        to: String,
        outcome: String,
    },
    Sync {
        dma: String,
        ok: bool,
    },
    Vip {
        dma: String,
        addr: String,
        held: bool,
    },
    DnsRegistered {
        name: String,
        addr: String,
    },
    RouteDropped {
        dma: String,
        route: String,
    },
    Db {
        dma: String,
        running: bool,
        why: String,
    },
    Version {
        dma: String,
        version: String,
    },
    Records {
        dma: String,
        what: &'static str,
        count: usize,
        ids: String,
    },
    Lost {
        count: usize,
        cause: String,
        ids: String,
    },
    PushWait {
        dma: String,
        count: u64,
        wait: String,
    },
    KnownIssue {
        dma: String,
        id: &'static str,
        page: &'static str,
        version: String,
    },
    DeadEnd {
        what: &'static str,
        standing: bool,
    },
    Recovery {
        step: &'static str,
        dma: String,
    },
    PushWaitOver {
        why: &'static str,
    },
    Rejected {
        count: u64,
    },
    Alarm {
        dma: String,
        raised: bool,
        severity: &'static str,
        text: String,
    },
    Led {
        dma: String,
        color: &'static str,
    },
    Lookup {
        query: String,
        answer: String,
        served_by: String,
    },
    Connect {
        from: String,
        to: String,
        ok: bool,
        detail: String,
    },
    Upgrade {
        step: String,
    },
    Rte {
        dma: String,
        thread: String,
        state: &'static str,
        why: String,
    },
    ElementRestart {
        dma: String,
        element: String,
        outcome: String,
    },
    RteSwitch {
        dma: String,
        to: String,
        outcome: String,
    },
    Proxy {
        dma: String,
        rule: Option<String>,
        enabled: bool,
    },
    EndFailover {
        dma: String,
        step: String,
    },
    /// A DMA that went offline unloads its elements, holding the VIPs until it is done
    /// (DM-AUTORESTART-FAST).
    Unload {
        dma: String,
        done: bool,
        why: String,
    },
}

impl fmt::Display for Rec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rec::Initial { online } => write!(f, "initial state: {online} online"),
            Rec::Script { text } => write!(f, "script: {text}"),
            Rec::Refused { what, why } => write!(f, "refused: {what}: {why}"),
            Rec::World(n) => n.fmt(f),
            Rec::NicEnabled { dma, nic, enabled } => write!(f, "{dma} NIC {nic} {}", if *enabled { "enabled" } else { "disabled" }),
            Rec::Link { dma, nic, up } => write!(f, "{dma} NIC {nic} link {}", if *up { "up" } else { "down" }),
            Rec::Power { dma, on } => write!(f, "{dma} power {}", if *on { "on" } else { "lost" }),
            Rec::Run { dma, state, why } => write!(f, "{dma} DataMiner {state} ({why})"),
            Rec::Role { dma, role, why } => write!(f, "{dma} Failover Status => {role} ({why})"),
            Rec::Heartbeat { dma, path, failures: 0, .. } => write!(f, "{dma} heartbeat {path}: Success"),
            Rec::Heartbeat { dma, path, failures, max_failures } => {
                let state = if failures > max_failures { "failed (past tolerance)" } else { "Failing" };
                write!(f, "{dma} heartbeat {path}: {state} ({failures}/{max_failures} allowed failures)")
            }
            Rec::Notify { from, to, outcome } => write!(f, "{from} notifies {to} to go offline: {outcome}"),
            Rec::Sync { dma, ok } => write!(f, "{dma} sync connection {}", if *ok { "Available" } else { "Not Available" }),
            Rec::Vip { dma, addr, held } => write!(f, "{dma} {} virtual IP {addr}", if *held { "acquired" } else { "released" }),
            Rec::DnsRegistered { name, addr } => write!(f, "DNS: {name} registered {addr}"),
            Rec::RouteDropped { dma, route } => write!(f, "{dma} route {route} removed from the active routes"),
            Rec::Db { dma, running, why } => write!(f, "{dma} database server {} ({why})", if *running { "running" } else { "down" }),
            Rec::Version { dma, version } => write!(f, "{dma} now runs version {version}"),
            Rec::Records { dma, what, count, ids } => write!(f, "{dma} {what} {count} record(s) {ids}"),
            Rec::Lost { count, cause, ids } => write!(f, "LOST {count} record(s) {ids}: {cause}"),
            Rec::PushWait { dma, count, wait } => write!(f, "Switch: {dma} waits up to {wait} for the DB push ({count} record(s) to forward)"),
            Rec::PushWaitOver { why } => write!(f, "Switch goes ahead: {why}"),
            Rec::KnownIssue { dma, id, page, version } => write!(f, "{dma}: known issue {id} of version {version} ({page})"),
            Rec::DeadEnd { what, standing: true } => write!(f, "DM-DEADEND: {what}, with every heartbeat and the sync connection working"),
            Rec::DeadEnd { what, standing: false } => write!(f, "DM-DEADEND over ({what})"),
            Rec::Recovery { step, dma } => write!(f, "recovery procedure: {step} on {dma}"),
            Rec::Rejected { count } => write!(f, "{count} record(s) not gathered: no DMA online"),
            Rec::Alarm { dma, raised, severity, text } => {
                write!(f, "{dma} Alarm Console: {} {severity} \"{text}\"", if *raised { "raised" } else { "cleared" })
            }
            Rec::Led { dma, color } => write!(f, "Failover dialog LED of {dma}: {color}"),
            Rec::Lookup { query, answer, served_by } => write!(f, "lookup {query} -> {answer}{served_by}"),
            Rec::Connect { from, to, ok, detail } => write!(f, "{from} connects to {to}: {} ({detail})", if *ok { "ok" } else { "FAILED" }),
            Rec::Upgrade { step } => write!(f, "upgrade: {step}"),
            Rec::Rte { dma, thread, state, why } => write!(f, "{dma} Watchdog: {thread}: {state} ({why})"),
            Rec::ElementRestart { dma, element, outcome } => write!(f, "{dma} Watchdog: element {element} {outcome}"),
            Rec::RteSwitch { dma, to, outcome } => write!(f, "{dma} Watchdog: runtime error switch to {to}: {outcome}"),
            Rec::Unload { dma, done: false, why } => write!(f, "{dma} unloading its elements ({why})"),
            Rec::Unload { dma, done: true, why } => write!(f, "{dma} elements unloaded ({why})"),
            Rec::Proxy { dma, rule: None, .. } => write!(f, "{dma} reverse proxy: no rule"),
            Rec::Proxy { dma, rule: Some(to), enabled: true } => write!(f, "{dma} reverse proxy enabled: forwards to {to}"),
            Rec::Proxy { dma, rule: Some(to), enabled: false } => write!(f, "{dma} reverse proxy disabled (rule to {to})"),
            Rec::EndFailover { dma, step } => write!(f, "Failover ended: {dma} {step}"),
        }
    }
}

impl From<crate::world::Narration> for Rec {
    fn from(n: crate::world::Narration) -> Rec {
        Rec::World(n)
    }
}
