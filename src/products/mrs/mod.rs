//! The active/standby pair the MRS systems share (MRS Manager, FlinkServer): two nodes behind a
//! floating IP, an HA heartbeat between them, a periodic file sync from the active to the
//! standby with an alarm that raises and clears itself, tracked configuration changes, and
//! switchovers — manual, or automatic when the active or one of its single-active resources fails.
//!
//! Written once; each product gives its [`Profile`] (names, alarm IDs and texts, numbers, which
//! node raises the heartbeat alarm) and nothing else. The rules, with the SPEC IDs they serve:
//! - HA heartbeat each `heartbeat_interval` both ways over a live path. The heartbeat alarm
//!   stands on a node (the active only, or either, per profile) that has heard nothing from its
//!   peer for `heartbeat_loss` (MRS-12010: 7 s; ALM-45640: 30 s).
//! - Every `sync_interval` (60 s, docs) the active pushes its configuration files to the
//!   standby. The push fails when the link is interrupted, a node's sync file is missing or has
//!   wrong permissions, or a node's backup directory is full (FLINK-45641-2). The sync alarm
//!   stands from a failed check to the next good one (MRS-12011-1/2, FLINK-45641-1/3).
//! - A single-active resource on the active is checked every `resource_interval`; after
//!   `resource_failures` consecutive failures the HA switches over (docs: ALM-12072, 9 s × 3).
//!   While the heartbeat alarm stands on the active, no failover can be performed (MRS-12010).
//! - A switchover makes the standby active with the configuration it last received: every change
//!   made on the old active since the last good sync is lost, and the report says which
//!   (MRS-12011-3, FLINK-45641-4). Each one logs the product's switchover event, if it has one
//!   (MRS-SWITCHOVER: 12026 "Manager Switchover").
//! - Where the profile has a replicated database (MRS Manager's OMS databases), records written
//!   to the active's reach the standby's while the sync path is up; every `interval` (10 s) the
//!   active checks the sync status, the alarm stands from `failures` (30) consecutive failed
//!   checks to the next good one, and a failing active's records the standby lacked are lost
//!   (MRS-12039; `db_sync`).
//! - The standby takes over when the active fails (MRS-SWITCHOVER): it has heard nothing for
//!   `heartbeat_loss`, no node is active (a running active it no longer hears raises the
//!   heartbeat alarm, and no failover can be performed while that stands: MRS-12010), and it
//!   reaches the gateway. Assumptions, each stated where the documents are silent: an active
//!   that has not reached the gateway for `gateway_loss` steps down (the gateway check); two
//!   standbys that hear each other with no active give the role to the one active last; a node
//!   that starts joins as standby once it reaches a running active, or as active when none is
//!   reachable and it reaches the gateway, retrying at every heartbeat. Two actives that hear
//!   each other again keep the one that was active first; the other steps down and the changes
//!   it took as active are lost (no document describes a dual-active pair).

mod claims;
mod commands;
mod db_sync;
mod dbservice;
mod flinkserver;
mod manager;
mod model;
mod product;

pub use claims::Claim;
pub use commands::{Command, Fault, Words};

pub use dbservice::DbSvc;
pub use flinkserver::Flink;
pub use manager::Manager;
pub use model::{ActiveStandby, Event, Rec, Role};
pub use product::{DbService, FlinkServer, MrsManager, PairConfig, Spec};

use crate::ops::{Level, Severity};

/// The severities of the MRS alarm reference.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum AlarmSeverity {
    Minor,
    Major,
    Critical,
}

impl AlarmSeverity {
    /// Where the MRS word sits on the shared scale.
    pub fn severity(self) -> Severity {
        match self {
            AlarmSeverity::Minor => Severity::new(Level::Minor, "Minor"),
            AlarmSeverity::Major => Severity::new(Level::Major, "Major"),
            AlarmSeverity::Critical => Severity::new(Level::Critical, "Critical"),
        }
    }
}
use crate::units::Ms;

/// An alarm of the pair, as the product documents it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AlarmDef {
    id: u32,
    severity: AlarmSeverity,
    title: &'static str,
}

/// An event of the product's event list (events are logged once and never clear).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventDef {
    id: u32,
    title: &'static str,
}

/// Who raises the heartbeat alarm.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HeartbeatWatcher {
    /// The active node, about the standby (MRS ALM-12010).
    ActiveOnly,
    /// Either node, about its peer (FlinkServer ALM-45640).
    Either,
}

/// Which parameters the sync alarm carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SyncParams {
    /// ServiceName, RoleName, HostName, Local Manager HA Name, Peer Manager HA Name (ALM-12011).
    Manager,
    /// Source, ServiceName, RoleName, HostName (ALM-45641).
    Flink,
}

/// Where the pair is in a declared world (FS-WORLD): the nodes are the hosts of their names,
/// on their NIC `nic` (and, where the HA heartbeat or the sync has a network of its own, on
/// their NICs `heartbeat` and `sync`); the floating IP moves between those NICs; `gateway` is the address a
/// joining node must reach; clients connect from `client` (over its first NIC).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Binding {
    nic: String,
    /// The NIC of a separate HA heartbeat network (`None`: heartbeats go over `nic`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    heartbeat: Option<String>,
    /// The NIC of a separate sync network (`None`: syncs go over `nic`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sync: Option<String>,
    floating_ip: crate::net::Cidr,
    gateway: crate::net::Ip,
    client: String,
}

impl Binding {
    /// The binding matches the world: both exist or neither; the nodes are hosts with the NIC;
    /// the client exists; something in the world holds the gateway.
    pub fn check(bind: Option<&Binding>, nodes: &[String; 2], world: Option<&crate::world::WorldDecl>) -> Result<(), crate::place::Refusal> {
        let how = "the nodes are hosts: `bind: (nic: \"…\", floating_ip: \"…\", gateway: \"…\", client: \"…\")`";
        let Some((b, world)) = crate::products::bound(bind, world, how)? else { return Ok(()) };
        b.footprint(nodes).check(world)
    }

    /// The host clients connect from in the built-in layout.
    pub(super) const PRESET_CLIENT: &str = "CLIENT";

    /// The built-in layout's binding: the nodes' one NIC, the floating IP and the gateway on
    /// the switch's subnet, the `CLIENT` host.
    pub(super) fn preset() -> Self {
        Binding {
            nic: "NIC".into(),
            heartbeat: None,
            sync: None,
            floating_ip: crate::net::Cidr::v4([192, 168, 0, 100], 24),
            gateway: crate::net::Cidr::v4([192, 168, 0, 254], 24).addr,
            client: Self::PRESET_CLIENT.into(),
        }
    }

    /// What the pair needs of the world: its nodes' hosts with the NIC, the client, the gateway.
    pub(super) fn footprint<'a>(&'a self, nodes: &'a [String; 2]) -> crate::world::Footprint<'a> {
        use crate::place::Place;
        use crate::world::{Footprint, Held, Named, Peer};
        let bind = |field: &'static str| Place::of("bind").field(field);
        let nic = |name: Option<&'a str>, field: &'static str| name.map(|n| Named::new(n, bind(field)));
        Footprint {
            nodes: nodes.iter().enumerate().map(|(i, n)| Named::new(n, Place::of("nodes").index(i))).collect(),
            nodes_are: " (the nodes are hosts)",
            nics: vec![nic(Some(&self.nic), "nic"), nic(self.heartbeat.as_deref(), "heartbeat"), nic(self.sync.as_deref(), "sync")],
            peers: vec![Peer { field: "bind", what: "client ", name: Named::new(&self.client, bind("client")) }],
            held: vec![Held { what: "bind: the gateway", ip: self.gateway, place: bind("gateway") }],
        }
    }
}

/// Everything product-specific about a pair.
#[derive(Clone, Debug)]
pub struct Profile {
    system: &'static str,
    service: &'static str,
    role: &'static str,
    /// The cluster name (the `Source` parameter).
    source: String,
    node_names: [String; 2],
    ha_names: [String; 2],
    heartbeat_alarm: AlarmDef,
    heartbeat_watcher: HeartbeatWatcher,
    /// What the product's sync is called in the trace ("file sync").
    sync_what: &'static str,
    /// The alarm of a failed sync check, if the product documents one.
    sync_alarm: Option<AlarmDef>,
    sync_params: SyncParams,
    /// The single-active resources whose failure switches the pair over (MRS-RESOURCES; none
    /// for a product that documents none).
    resources: Vec<Resource>,
    /// The replication of the active's database to the standby's and its sync-status check, if
    /// the product documents one (MRS-12039: the OMS databases; `None` for the others).
    db_sync: Option<DbSync>,
    heartbeat_interval: Ms,
    heartbeat_loss: Ms,
    gateway_loss: Ms,
    sync_interval: Ms,
    initially_active: crate::action::NodeId,
    /// The SPEC ID of the documented loss at a switchover to a stale standby.
    /// The SPEC ID of the documented loss at a switchover to a stale standby (`None`: the
    /// product's documents describe none).
    stale_switchover_spec: Option<crate::finding::SpecId>,
    /// The SPEC ID of the product's switchover rule (MRS-SWITCHOVER, DBSVC-SWITCHOVER).
    switchover_spec: crate::finding::SpecId,
    /// The event each switchover logs, if the product documents one (MRS-SWITCHOVER: 12026).
    switchover_event: Option<EventDef>,
    /// How long a node that becomes active takes to bring its resources up (its floating IP
    /// among them): 0 for an instant hand-over (DBSVC-HA: a DBService switchover makes it
    /// unavailable for its duration).
    switchover_time: Ms,
    /// Where the pair is in a declared world; `None`: the built-in layout.
    bind: Option<Binding>,
}

/// A single-active HA resource checked on the active (MRS-RESOURCES): its check interval, the
/// consecutive failures that switch the pair over, and its alarm (ALM-12067…12076).
#[derive(Clone, Copy, Debug)]
pub struct Resource {
    name: ResourceName,
    alarm: AlarmDef,
    interval: Ms,
    failures: u32,
}

/// A database the active replicates to the standby's, and the check of its sync status
/// (MRS-12039: the OMS databases, ALM-12039): every `interval` the active queries the sync
/// status; after `failures` consecutive failed checks the alarm is raised; a good check clears
/// it. Records not yet on the standby's database are lost if the active fails (`spec`).
#[derive(Clone, Copy, Debug)]
pub struct DbSync {
    /// What the database is called in the trace ("OMS database"), and its records.
    what: &'static str,
    records: &'static str,
    alarm: AlarmDef,
    interval: Ms,
    failures: u32,
    /// The single-active resource that is this database (GaussDB): while it is down on a node,
    /// that node's database neither takes nor replicates records.
    resource: ResourceName,
    /// The SPEC ID of the documented loss (and of the rule coverage counts).
    spec: crate::finding::SpecId,
}

/// The single-active resources of MRS Manager, as its alarm reference names them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum ResourceName {
    #[serde(rename = "FloatIP")]
    FloatIp,
    Tomcat,
    #[serde(rename = "ACS")]
    Acs,
    #[serde(rename = "AOS")]
    Aos,
    #[serde(rename = "httpd")]
    Httpd,
    #[serde(rename = "CEP")]
    Cep,
    #[serde(rename = "FMS")]
    Fms,
    #[serde(rename = "PMS")]
    Pms,
    #[serde(rename = "GaussDB")]
    GaussDb,
}

impl ResourceName {
    /// The name the alarm reference and the HA status use.
    pub fn label(self) -> &'static str {
        match self {
            ResourceName::FloatIp => "FloatIP",
            ResourceName::Tomcat => "Tomcat",
            ResourceName::Acs => "ACS",
            ResourceName::Aos => "AOS",
            ResourceName::Httpd => "httpd",
            ResourceName::Cep => "CEP",
            ResourceName::Fms => "FMS",
            ResourceName::Pms => "PMS",
            ResourceName::GaussDb => "GaussDB",
        }
    }
}

impl std::fmt::Display for ResourceName {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}
