//! The DataMiner Failover configuration a scenario may set. Every field has a default, so a
//! scenario only writes what differs from the recommended setup.

use super::version::Version;
use crate::net::{Cidr, Ip, Route};
use crate::place::{Place, Refusal};
use crate::units::Ms;
use crate::world::WorldDecl;
use serde::{Deserialize, Serialize};

/// One of the two DMAs as configured (static identity; online/offline is the dynamic role).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Dma {
    Main,
    Backup,
}

impl Dma {
    pub const BOTH: [Dma; 2] = [Dma::Main, Dma::Backup];

    pub fn idx(self) -> usize {
        self as usize
    }

    pub fn buddy(self) -> Dma {
        // (A lookup, not a match: which DMA an event is for follows no pattern a branch
        // predictor could learn.)
        Dma::BOTH[1 - self.idx()]
    }
}

/// A DMA's network cards by role (DM-OPT-ACQUISITION): the corporate NIC (cable to the
/// switch/router), the sync NIC (direct cable to the other DMA) and the acquisition NIC (to the
/// network of the polled data sources). A DMA without a sync or an acquisition NIC uses its
/// corporate one for that role.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Nic {
    Corporate,
    Sync,
    Acquisition,
}

impl Nic {
    pub const ALL: [Nic; 3] = [Nic::Corporate, Nic::Sync, Nic::Acquisition];

    /// The role's place in [`Nic::ALL`].
    pub fn idx(self) -> usize {
        self as usize
    }

    pub fn label(self) -> &'static str {
        match self {
            Nic::Corporate => "Corporate",
            Nic::Sync => "Sync",
            Nic::Acquisition => "Acquisition",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Mode {
    /// The heartbeats decide (DM-HB-*).
    Automatic,
    /// Only the Switch and "bring online" actions switch the pair (DM-MANUAL).
    Manual,
}

/// A heartbeat (DM-HB-NORMAL, DM-HB-INVERTED). Interval and allowed failures are not
/// documented; failsim's defaults are 5 s and 3 (DM-HB-DEFAULT, an assumption).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Heartbeat {
    /// A DataMiner check (TCP 8004) from `from` to its buddy over NIC `via`.
    Normal(NormalHeartbeat),
    /// A ping from `from` over NIC `via` to `to` (the switch, router or domain controller).
    Inverted(InvertedHeartbeat),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NormalHeartbeat {
    pub(super) from: Dma,
    #[serde(default = "corporate")]
    pub(super) via: Nic,
    #[serde(default = "default_interval")]
    interval: Ms,
    #[serde(default = "default_max_failures")]
    max_failures: u32,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InvertedHeartbeat {
    pub(super) from: Dma,
    #[serde(default = "default_switch_ip")]
    pub(super) to: Ip,
    #[serde(default = "corporate")]
    pub(super) via: Nic,
    #[serde(default = "default_interval")]
    pub(super) interval: Ms,
    #[serde(default = "default_max_failures")]
    pub(super) max_failures: u32,
}

impl NormalHeartbeat {
    /// The documented default from `from` to its buddy (DM-HB-DEFAULT).
    pub fn default_for(from: Dma) -> Self {
        NormalHeartbeat { from, via: Nic::Corporate, interval: default_interval(), max_failures: default_max_failures() }
    }
}

impl Heartbeat {
    pub fn from(&self) -> Dma {
        match self {
            Heartbeat::Normal(h) => h.from,
            Heartbeat::Inverted(h) => h.from,
        }
    }
    pub fn interval_ms(&self) -> u64 {
        match self {
            Heartbeat::Normal(h) => h.interval.0,
            Heartbeat::Inverted(h) => h.interval.0,
        }
    }
    pub fn max_failures(&self) -> u32 {
        match self {
            Heartbeat::Normal(h) => h.max_failures,
            Heartbeat::Inverted(h) => h.max_failures,
        }
    }
    pub fn via(&self) -> Nic {
        match self {
            Heartbeat::Normal(h) => h.via,
            Heartbeat::Inverted(h) => h.via,
        }
    }
    pub fn is_inverted(&self) -> bool {
        matches!(self, Heartbeat::Inverted(_))
    }
}

/// How clients find the online DMA (DM-DNS-*).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Addressing {
    /// A virtual IP on the online DMA's corporate NIC. `register_in_dns`: "Register this
    /// connection's addresses in DNS" on that NIC (on by default, as in Windows).
    VirtualIp(VirtualIp),
    /// A shared hostname resolving to both real IPs; the offline DMA's reverse proxy forwards
    /// requests to the online one (DM-DNS-6; DataMiner 10.2.0/10.1.8 onwards).
    SharedHostname(SharedHostname),
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VirtualIp {
    #[serde(default = "default_vip")]
    pub(super) vip: Ip,
    /// The pair's second VIP, on the acquisition NIC; it moves with the first (DM-OPT-ACQUISITION).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) acquisition_vip: Option<Ip>,
    /// Further VIPs, each on the NIC it lives on (the Virtual IP Addresses tab: "virtual IP
    /// addresses for the different network interfaces", Advanced_Failover_options.md). All the
    /// pair's VIPs move together; more than two of them trip DM-KI-VIP-ACQUIRE on an affected
    /// version. At most [`VIPS_MAX`] VIPs in all, none twice.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) more_vips: Vec<MoreVip>,
    #[serde(default = "yes")]
    pub(super) register_in_dns: bool,
}

/// One further VIP of the pair and the NIC it lives on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MoreVip {
    pub(super) nic: Nic,
    pub(super) vip: Ip,
}

/// At most this many VIPs in a pair (a stated limit: failsim's, not DataMiner's).
pub const VIPS_MAX: usize = 16;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SharedHostname {
    #[serde(default = "default_shared_name")]
    pub(super) name: String,
    /// The IIS reverse-proxy rule that hands HTTP sent to the offline agent to the online one
    /// (DM-PROXY). Default `Managed`.
    #[serde(default, skip_serializing_if = "ReverseProxy::is_managed")]
    pub(super) reverse_proxy: ReverseProxy,
}

/// How the agents' IIS reverse proxies are set up in shared-hostname mode (DM-PROXY). A request
/// that reaches an agent whose proxy is enabled goes where its rule forwards; an agent whose
/// proxy is disabled, or that has no rule, answers it itself (served only if it is online).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReverseProxy {
    /// DataMiner manages it (from 10.2.12 / 10.2.0 CU9, RN 34606): each agent's rule forwards to
    /// its buddy; the proxy is enabled on the offline agent and disabled on the online one, and
    /// switched on every change of role. An agent on an older version manages nothing and has no
    /// rule (as `Missing`; failsim's reading: before RN 34606 the proxy is the operator's, so
    /// write the rule they made, `Static(..)`).
    #[default]
    Managed,
    /// No ARR rule is installed on either agent: requests sent to the offline agent are not
    /// forwarded, so they are not served.
    Missing,
    /// A hand-made rule, always enabled, on the agent that is not `Dma`, forwarding to `Dma`
    /// (written while `Dma` was online; `Dma` itself has none: a rule to itself would loop).
    /// DataMiner never switches it: once `Dma` is offline, the other agent, online now, forwards
    /// every request to it, and `Dma` answers none.
    Static(Dma),
}

impl ReverseProxy {
    fn is_managed(&self) -> bool {
        *self == ReverseProxy::Managed
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AgentConfig {
    pub(super) name: String,
    pub(super) corporate: Cidr,
    pub(super) sync: Cidr,
    /// The acquisition NIC's address, taken from a bound host's NIC (the built-in layout has
    /// none); `None`: data sources are polled over the corporate NIC.
    #[serde(skip)]
    pub(super) acquisition: Option<Cidr>,
    /// The DataMiner version, as DataMiner writes it (`10.4.0 CU12`, `10.5.3`); it decides
    /// the version-mismatch alarm and which known issues apply (SPEC §9).
    #[serde(default = "default_version")]
    pub(super) version: Version,
    /// Persistent routes of this DMA's server (DM-ROUTE-*).
    #[serde(default)]
    pub(super) routes: Vec<Route>,
}

/// An agent's fields as a file may give them: any of them, the rest from that agent's default.
mod partial_agent {
    use super::{AgentConfig, Cidr, Config, Route, Version};
    use serde::{Deserialize, Deserializer};

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields, rename = "AgentConfig")]
    struct Partial {
        name: Option<String>,
        corporate: Option<Cidr>,
        sync: Option<Cidr>,
        version: Option<Version>,
        routes: Option<Vec<Route>>,
    }

    fn fill(p: Partial, default: AgentConfig) -> AgentConfig {
        AgentConfig {
            name: p.name.unwrap_or(default.name),
            corporate: p.corporate.unwrap_or(default.corporate),
            sync: p.sync.unwrap_or(default.sync),
            acquisition: default.acquisition,
            version: p.version.unwrap_or(default.version),
            routes: p.routes.unwrap_or(default.routes),
        }
    }

    pub fn main<'de, D: Deserializer<'de>>(d: D) -> Result<AgentConfig, D::Error> {
        Partial::deserialize(d).map(|p| fill(p, Config::default().main))
    }

    pub fn backup<'de, D: Deserializer<'de>>(d: D) -> Result<AgentConfig, D::Error> {
        Partial::deserialize(d).map(|p| fill(p, Config::default().backup))
    }
}

impl AgentConfig {
    /// The address of the NIC that serves `nic`'s role (a missing acquisition NIC: the corporate one).
    pub fn address(&self, nic: Nic) -> Cidr {
        match nic {
            Nic::Corporate => self.corporate,
            Nic::Sync => self.sync,
            Nic::Acquisition => self.acquisition.unwrap_or(self.corporate),
        }
    }
}

/// Where a pair lives in a declared world (FS-WORLD): its two hosts, the NIC of each role
/// (the same name on both hosts), and the client whose view decides "serving". A bound DMA's
/// name is its host's name and its addresses are its NICs'.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Binding {
    main: String,
    backup: String,
    pub(super) corporate: String,
    /// The NIC of the sync cross cable; `None`: sync and DB forwarding run over the corporate
    /// network, the documented default (DM-OPT-SYNCNIC).
    #[serde(default)]
    sync: Option<String>,
    /// The NIC on the data sources' network; `None`: they are polled over the corporate one
    /// (DM-OPT-ACQUISITION).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) acquisition: Option<String>,
    /// The hosts the online DMA polls (each over its first NIC), from its acquisition NIC.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) data_sources: Vec<String>,
    /// The host clients connect from (over its first NIC).
    pub(super) client: String,
}

impl Binding {
    pub fn host(&self, dma: Dma) -> &str {
        match dma {
            Dma::Main => &self.main,
            Dma::Backup => &self.backup,
        }
    }

    /// The name of the NIC bound to `nic`'s role, if the pair has one of its own.
    pub fn nic(&self, nic: Nic) -> Option<&str> {
        match nic {
            Nic::Corporate => Some(&self.corporate),
            Nic::Sync => self.sync.as_deref(),
            Nic::Acquisition => self.acquisition.as_deref(),
        }
    }

    /// The built-in layout's binding ([`Config::preset`]): a corporate and a sync NIC on each
    /// DMA, the `CLIENT` host.
    pub(super) fn preset(cfg: &Config) -> Self {
        Binding {
            main: cfg.main.name.clone(),
            backup: cfg.backup.name.clone(),
            corporate: Nic::Corporate.label().into(),
            sync: Some(Nic::Sync.label().into()),
            acquisition: None,
            data_sources: Vec::new(),
            client: PRESET_CLIENT.into(),
        }
    }

    /// What the pair needs of the world: each DMA's host with the NIC of each role (in
    /// [`Nic::ALL`]'s order), the client, the data sources, a dedicated cluster's database
    /// nodes, and what the inverted heartbeats ping.
    pub(super) fn footprint<'a>(&'a self, cfg: &'a Config) -> crate::world::Footprint<'a> {
        use crate::world::{Footprint, Held, Named};
        let bind = |field: &'static str| Place::of("bind").field(field);
        let held = cfg.heartbeats.iter().enumerate().filter_map(|(i, hb)| match hb {
            Heartbeat::Inverted(h) => Some(Held { what: "an inverted heartbeat's target", ip: h.to, place: Place::of("heartbeats").index(i).field("to") }),
            _ => None,
        });
        let nic_field = |n: Nic| match n {
            Nic::Corporate => "corporate",
            Nic::Sync => "sync",
            Nic::Acquisition => "acquisition",
        };
        Footprint {
            nodes: vec![Named::new(&self.main, bind("main")), Named::new(&self.backup, bind("backup"))],
            nodes_are: "",
            nics: Nic::ALL.map(|n| self.nic(n).map(|name| Named::new(name, bind(nic_field(n))))).to_vec(),
            peers: super::storage::peers(&self.client, &self.data_sources, &cfg.storage),
            held: held.collect(),
        }
    }
}

/// The built-in layout's switch (and router).
const PRESET_SWITCH: &str = "Switch/Router";

/// The host clients connect from in the built-in layout.
const PRESET_CLIENT: &str = "CLIENT";

/// Where the pair's data lives (SPEC §8, `Supported_system_data_storage_architectures/`). It
/// decides how records reach the other side, which Status items exist, the seed-node rule and
/// what DataMiner needs to start.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Storage {
    /// A Cassandra node on each DMA, the two forming one cluster, one of them the master seed
    /// node (DM-STORAGE-CASSANDRA, the FAQ's setup; the default).
    CassandraPerDma,
    /// MySQL or MSSQL on each DMA (unsupported from 10.3): DataMiner forwards DB data to the
    /// offline DMA itself (DM-STORAGE-LEGACY).
    Legacy,
    /// Dedicated clustered storage: database nodes outside the pair, hosts of the declared
    /// world (DM-STORAGE-CLUSTER).
    Cluster(ClusterStorage),
    /// Storage as a Service: the database is in the cloud, outside the modelled world
    /// (DM-STORAGE-STAAS).
    Staas,
}

/// The database hosts of a dedicated clustered storage, each required (docs: "if a required
/// database node is missing, DataMiner cannot start"): a Cassandra cluster and an OpenSearch
/// (Elasticsearch) cluster, each with its own nodes and its own quorum (DM-STORAGE-SEPARATE).
/// A host may be a node of both (the unattended installation's example installs both on each
/// DMA).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClusterStorage {
    /// The Cassandra cluster's hosts (`nodes:` is the older name of this field).
    #[serde(alias = "nodes")]
    pub(super) cassandra: Vec<String>,
    /// The OpenSearch cluster's hosts; none: the search cluster is not modelled (DataMiner then
    /// needs only Cassandra's quorum).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) opensearch: Vec<String>,
}

/// Which of a dedicated storage's clusters a database node belongs to (DM-STORAGE-SEPARATE).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DbCluster {
    Cassandra,
    OpenSearch,
}

impl DbCluster {
    pub const BOTH: [DbCluster; 2] = [DbCluster::Cassandra, DbCluster::OpenSearch];

    pub fn label(self) -> &'static str {
        match self {
            DbCluster::Cassandra => "Cassandra",
            DbCluster::OpenSearch => "OpenSearch",
        }
    }

    /// Where `Cluster(…)` lists the cluster's hosts (Cassandra's under an older name too).
    pub fn place(self) -> Place {
        match self {
            DbCluster::Cassandra => Place::root().aliased("cassandra", "nodes"),
            DbCluster::OpenSearch => Place::of("opensearch"),
        }
    }
}

impl ClusterStorage {
    /// The hosts of one cluster.
    pub fn nodes(&self, cluster: DbCluster) -> &[String] {
        match cluster {
            DbCluster::Cassandra => &self.cassandra,
            DbCluster::OpenSearch => &self.opensearch,
        }
    }

    /// Every node with its cluster, Cassandra's first (the order the world binds them in).
    pub fn all(&self) -> impl Iterator<Item = (DbCluster, &String)> {
        DbCluster::BOTH.into_iter().flat_map(move |c| self.nodes(c).iter().map(move |n| (c, n)))
    }

    /// Checks what no derive can: a Cassandra cluster of 1 to [`CLUSTER_NODES_MAX`] nodes, an
    /// OpenSearch cluster of at most as many, no host twice in one cluster (refused at the
    /// second).
    pub fn validate(&self) -> Result<(), Refusal> {
        if self.cassandra.is_empty() || self.cassandra.len() > CLUSTER_NODES_MAX {
            return Err(Refusal::at(
                DbCluster::Cassandra.place(),
                format!("a dedicated cluster has 1 to {CLUSTER_NODES_MAX} Cassandra nodes, not {}", self.cassandra.len()),
            ));
        }
        if self.opensearch.len() > CLUSTER_NODES_MAX {
            return Err(Refusal::at(
                Place::of("opensearch"),
                format!("a dedicated cluster has at most {CLUSTER_NODES_MAX} OpenSearch nodes, not {}", self.opensearch.len()),
            ));
        }
        for c in DbCluster::BOTH {
            let nodes = self.nodes(c);
            if let Some((i, n)) = nodes.iter().enumerate().find(|(i, n)| nodes[..*i].contains(n)) {
                return Err(Refusal::at(c.place().index(i), format!("{} node `{n}` is listed twice", c.label())));
            }
        }
        Ok(())
    }

    /// Where the `i`-th of [`ClusterStorage::all`]'s nodes is given, in a configuration whose
    /// `storage:` this is.
    pub(super) fn place(&self, i: usize) -> Place {
        let cassandra = self.cassandra.len();
        let (cluster, k) = if i < cassandra { (DbCluster::Cassandra, i) } else { (DbCluster::OpenSearch, i - cassandra) };
        cluster.place().index(k).within(&Place::of("storage"))
    }
}

/// At most this many database nodes in a dedicated cluster (a stated limit; the docs' fully
/// redundant setup has 3 Cassandra and 3 OpenSearch machines).
pub const CLUSTER_NODES_MAX: usize = 32;

/// At most this long to unload a DMA's elements (a stated limit).
pub const UNLOAD_ELEMENTS_TIME_MAX_MS: u64 = 3_600_000;

/// At most this many active alarms (a stated limit).
pub const ACTIVE_ALARMS_MAX: u32 = 10_000_000;

impl Storage {
    /// Each DMA has its own database, and the online DMA's data is carried to the other one
    /// (by Cassandra's replication or DataMiner's DB forwarding): the DB Sync and DB Sync
    /// Stack of the Status dialog ("only displayed in case self-hosted data storage is used").
    pub fn per_dma(&self) -> bool {
        matches!(self, Storage::CassandraPerDma | Storage::Legacy)
    }

    /// One Cassandra node of the pair is the master seed node (DM-SEED-*): Cassandra per DMA
    /// only (the HEAD FAQ limits the rule to it; DM-STORAGE-CLUSTER: none for the pair).
    pub fn has_seed_node(&self) -> bool {
        matches!(self, Storage::CassandraPerDma)
    }

    /// The database is Cassandra (the Cassandra known issues apply; DM-KI-CASSANDRA-SWITCH).
    pub fn is_cassandra(&self) -> bool {
        matches!(self, Storage::CassandraPerDma | Storage::Cluster(_))
    }

    pub fn label(&self) -> &'static str {
        match self {
            Storage::CassandraPerDma => "Cassandra per DMA",
            Storage::Legacy => "MySQL/MSSQL (legacy)",
            Storage::Cluster(_) => "dedicated clustered storage",
            Storage::Staas => "STaaS",
        }
    }
}

/// A fixed record on the DNS server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FixedRecord {
    pub(super) name: String,
    pub(super) addr: Ip,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub(super) mode: Mode,
    /// Each agent's fields default one by one (`main: (version: "10.4.0 CU9")` keeps Main's
    /// built-in name and addresses).
    #[serde(deserialize_with = "partial_agent::main")]
    pub(super) main: AgentConfig,
    #[serde(deserialize_with = "partial_agent::backup")]
    pub(super) backup: AgentConfig,
    /// Which DMA is online at t = 0.
    pub(super) initially_online: Dma,
    pub(super) heartbeats: Vec<Heartbeat>,
    pub(super) addressing: Addressing,
    /// Fixed records on the DNS server (DM-DNS-5).
    pub(super) dns_records: Vec<FixedRecord>,
    /// The switch/router: the inverted heartbeats' default target and the routes' gateway.
    pub(super) switch_ip: Cidr,
    /// Total time from the decision to go online to being online (DM-SWITCH-TIME; docs: 382 s
    /// average with Cassandra, 848 s with MySQL).
    pub(super) switch_time: Ms,
    /// How long a DataMiner start takes (undocumented; assumption).
    pub(super) start_time: Ms,
    /// How long an agent that is starting up may stay so without going online
    /// (`FailoverMaxStartupTime` in MaintenanceSettings.xml; docs: 15 min). It ends a start
    /// stuck by DM-KI-STARTUP-STUCK.
    pub(super) failover_max_startup_time: Ms,
    /// How many alarms are active in the system the pair monitors (its elements' alarms, not
    /// the Failover notices): a switch on Cassandra with DM-KI-CASSANDRA-SWITCH takes longer the
    /// more there are. At most 10,000,000.
    pub(super) active_alarms: u32,
    /// How long an inverted heartbeat's ping waits for its answer before it counts as failed
    /// (`SLNet.FailoverPingTimeoutHeartbeats` in MaintenanceSettings.xml; docs: 5000 ms;
    /// DM-OPT-PINGTIMEOUT).
    pub(super) ping_timeout_heartbeats: Ms,
    /// How often each DMA checks its sync connection (undocumented; assumption).
    pub(super) sync_check_interval: Ms,
    /// How long a manual Switch waits for the online DMA's outstanding DB offload and forward
    /// requests before it switches anyway (`MaxWaitForFailoverDBPushOnManualSwitch` in
    /// MaintenanceSettings.xml; docs: 60 s; DM-OPT-DBPUSHWAIT). `0s`: no wait.
    pub(super) db_push_wait: Ms,
    /// "Auto restart Agent when going offline" (the Advanced Options tab of the Failover
    /// configuration; DM-OPT-AUTORESTART): a DMA made offline restarts its DataMiner. Off
    /// unless ticked.
    pub(super) auto_restart_when_going_offline: bool,
    /// How long a DMA going offline takes to unload its elements; it releases the VIPs when it
    /// is done (DM-AUTORESTART-FAST: "instead of waiting until all elements have been unloaded",
    /// Advanced_Failover_options.md). With `auto_restart_when_going_offline` it releases them at
    /// once and restarts, so the buddy acquires them sooner: its switch time counts from when it
    /// finds them free. No document gives a figure: failsim's default is 0 s (a switch then takes
    /// `switch_time` from the decision, the documented average, whichever way the buddy went
    /// offline); set it to model the unload. Above about 118 s the buddy gives up waiting for
    /// the VIPs (`MaxWaitForFailoverVIP`, 120 s). At most 1 h.
    pub(super) unload_elements_time: Ms,
    /// NICs that must be up for a DMA to go online (`SLNet.NicsToCheckOnFailover` in
    /// MaintenanceSettings.xml; DM-OPT-NICCHECK). Docs default: "1" (the schemadoc: NIC
    /// identifiers, "comma separated and 1-based"). failsim reads NIC 1 as the DMA's first NIC,
    /// the corporate one (an interpretation: the docs do not map the numbers to roles), so the
    /// default is `[Corporate]`; `[]` checks none (the docs: "leave empty when no NICs need to
    /// be checked"). A DMA without a sync or acquisition NIC checks its corporate one for that
    /// role.
    pub(super) nics_to_check: Vec<Nic>,
    /// How long the DMA-to-DMA connection may be down before a timeout alarm (DMS.xml
    /// `errorTime`, 30000 ms (docs)).
    pub(super) connection_timeout: Ms,
    /// The Failover dialog LEDs refresh once a minute (docs).
    pub(super) led_refresh: Ms,
    /// The DMA whose Cassandra is the master seed node (DM-SEED-*; Cassandra per DMA only).
    pub(super) seed: Dma,
    /// Where the pair's data lives (SPEC §8).
    pub(super) storage: Storage,
    /// What ends a dead end that no document resolves (DM-DEADEND; failsim assumptions).
    pub(super) dead_end: super::DeadEndConfig,
    /// Client-side: the remote network that the routes lead to (DM-ROUTE-*).
    pub(super) remote_ip: Cidr,
    /// The pair's hosts and NICs in the scenario's declared world; `None`: the built-in layout.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(super) bind: Option<Box<Binding>>,
    /// SLWatchdog's runtime-error settings (`<WatchDog>` in MaintenanceSettings.xml;
    /// DM-OPT-RTE): see [`super::Watchdog`].
    #[serde(skip_serializing_if = "super::Watchdog::is_default")]
    pub(super) watchdog: super::Watchdog,
}

impl Config {
    /// The DMAs' names, Main first: their hosts' in a declared world (a bound DMA is named
    /// after its host), else their own.
    pub fn node_names(&self) -> Vec<String> {
        match &self.bind {
            Some(b) => vec![b.main.clone(), b.backup.clone()],
            None => Dma::BOTH.iter().map(|d| self.agent(*d).name.clone()).collect(),
        }
    }

    pub fn agent(&self, dma: Dma) -> &AgentConfig {
        match dma {
            Dma::Main => &self.main,
            Dma::Backup => &self.backup,
        }
    }

    /// The corporate VIP, the one clients use (VIP mode only).
    pub fn vip(&self) -> Option<Ip> {
        match &self.addressing {
            Addressing::VirtualIp(v) => Some(v.vip),
            Addressing::SharedHostname(_) => None,
        }
    }

    /// Every VIP of the pair with the NIC it lives on: they move together (DM-OPT-ACQUISITION).
    /// An iterator, not a vector: the model's invariants ask at every changed instant.
    pub fn vips(&self) -> impl Iterator<Item = (Nic, Ip)> + '_ {
        let v = match &self.addressing {
            Addressing::VirtualIp(v) => Some(v),
            Addressing::SharedHostname(_) => None,
        };
        v.into_iter().flat_map(|v| {
            let first_two = std::iter::once((Nic::Corporate, v.vip)).chain(v.acquisition_vip.map(|ip| (Nic::Acquisition, ip)));
            first_two.chain(v.more_vips.iter().map(|m| (m.nic, m.vip)))
        })
    }

    /// DM-HB-DEFAULT: normal Main→Backup and Backup→Main over the corporate NIC, and one
    /// inverted heartbeat from each DMA to the switch/router.
    pub fn default_heartbeats() -> Vec<Heartbeat> {
        Dma::BOTH
            .iter()
            .map(|&from| Heartbeat::Normal(NormalHeartbeat::default_for(from)))
            .chain(Dma::BOTH.iter().map(|&from| {
                Heartbeat::Inverted(InvertedHeartbeat {
                    from,
                    to: default_switch_ip(),
                    via: Nic::Corporate,
                    interval: default_interval(),
                    max_failures: default_max_failures(),
                })
            }))
            .collect()
    }

    /// Checks that no derive can express: a broken configuration is refused before the run,
    /// at the offending value.
    pub fn validate(&self) -> Result<(), Refusal> {
        if self.main.name.eq_ignore_ascii_case(&self.backup.name) {
            return Err(Refusal::at(Place::of("backup").field("name"), format!("main and backup have the same name `{}`", self.main.name)));
        }
        for (i, hb) in self.heartbeats.iter().enumerate() {
            let at = |field: &'static str, message: String| Refusal::at(Place::of("heartbeats").index(i).field(field), message);
            if hb.interval_ms() == 0 {
                return Err(at("interval", "a heartbeat interval must be above 0".into()));
            }
            if hb.max_failures() > crate::products::MAX_ALLOWED_FAILURES {
                let message = format!("a heartbeat's max_failures is {}; at most {}", hb.max_failures(), crate::products::MAX_ALLOWED_FAILURES);
                return Err(at("max_failures", message));
            }
        }
        crate::products::periods_above_zero(&[
            ("sync_check_interval", self.sync_check_interval),
            ("led_refresh", self.led_refresh),
            ("start_time", self.start_time),
        ])?;
        self.validate_vips()?;
        if self.unload_elements_time.0 > UNLOAD_ELEMENTS_TIME_MAX_MS {
            let message = format!("unload_elements_time is {}; at most {}", self.unload_elements_time, Ms(UNLOAD_ELEMENTS_TIME_MAX_MS));
            return Err(Refusal::at(Place::of("unload_elements_time"), message));
        }
        if self.active_alarms > ACTIVE_ALARMS_MAX {
            return Err(Refusal::at(Place::of("active_alarms"), format!("active_alarms is {}; at most {ACTIVE_ALARMS_MAX}", self.active_alarms)));
        }
        if let Storage::Cluster(c) = &self.storage {
            c.validate().map_err(|r| r.within(&Place::of("storage")))?;
        }
        self.watchdog.validate().map_err(|r| r.within(&Place::of("watchdog")))
    }
}

impl Config {
    /// The pair's VIPs: at most [`VIPS_MAX`] (refused at the first past it), none twice
    /// (refused at the second).
    fn validate_vips(&self) -> Result<(), Refusal> {
        let vips: Vec<Ip> = self.vips().map(|(_, vip)| vip).collect();
        if vips.len() > VIPS_MAX {
            return Err(Refusal::at(self.vip_place(VIPS_MAX), format!("the pair has {} virtual IPs; at most {VIPS_MAX}", vips.len())));
        }
        match vips.iter().enumerate().find(|(i, vip)| vips[..*i].contains(vip)) {
            Some((i, vip)) => Err(Refusal::at(self.vip_place(i), format!("the virtual IP {vip} is listed twice"))),
            None => Ok(()),
        }
    }

    /// Where the `k`-th of [`Config::vips`] is given: `vip`, `acquisition_vip` when there is
    /// one, then `more_vips`.
    fn vip_place(&self, k: usize) -> Place {
        let addressing = Place::of("addressing");
        let Addressing::VirtualIp(v) = &self.addressing else { return addressing };
        let acquisition = usize::from(v.acquisition_vip.is_some());
        match k {
            0 => addressing.field("vip"),
            1 if acquisition == 1 => addressing.field("acquisition_vip"),
            _ => addressing.field("more_vips").index(k - 1 - acquisition).field("vip"),
        }
    }

    /// The built-in layout: one switch/router, a corporate and a sync NIC on each DMA (a cross
    /// cable between the sync NICs), a client and a remote host. The client's cable and the
    /// WAN link are scenery ([`Config::SCENERY`]).
    pub(super) fn preset(&self) -> WorldDecl {
        use crate::world::End;
        let switch = || End::Switch(PRESET_SWITCH.into());
        let (main, backup) = (&self.main.name, &self.backup.name);
        let nics = |a: &AgentConfig| [(Nic::Corporate.label(), a.corporate), (Nic::Sync.label(), a.sync)];
        let corporate = |a: &str| End::nic(a, Nic::Corporate.label());
        WorldDecl::flat()
            .with_switch(PRESET_SWITCH, Some(self.switch_ip))
            .with_host(main, &nics(&self.main))
            .with_host(backup, &nics(&self.backup))
            .with_host(PRESET_CLIENT, &[("NIC", crate::net::Cidr::v4([10, 10, 10, 100], 24))])
            .with_host("REMOTE", &[("NIC", self.remote_ip)])
            .with_cable(&format!("{main} corporate cable"), corporate(main), switch())
            .with_cable(&format!("{backup} corporate cable"), corporate(backup), switch())
            .with_cable("sync cable", End::nic(main, Nic::Sync.label()), End::nic(backup, Nic::Sync.label()))
            .with_cable(Self::SCENERY[0], End::nic(PRESET_CLIENT, "NIC"), switch())
            .with_cable(Self::SCENERY[1], End::nic("REMOTE", "NIC"), switch())
    }

    /// The built-in layout's cables that are scenery: never faulted, not drawn.
    pub(super) const SCENERY: [&str; 2] = ["client cable", "WAN link"];

    /// The binding matches the world: both exist or neither; the hosts, NICs and client exist;
    /// every inverted heartbeat pings an address something in the world holds. A VIP or a
    /// heartbeat on a NIC the pair lacks is refused at the VIP or the heartbeat's `via`.
    pub fn check_binding(&self, world: Option<&WorldDecl>) -> Result<(), Refusal> {
        let acquisition_nic = self.bind.as_ref().is_some_and(|b| b.acquisition.is_some());
        if let Some(k) = self.vips().position(|(nic, _)| nic == Nic::Acquisition && !acquisition_nic) {
            let message = "a VIP on the acquisition NIC (`acquisition_vip`, or `more_vips` with `nic: Acquisition`) needs one: bind it (`acquisition:`)";
            return Err(Refusal::at(self.vip_place(k), message));
        }
        let sync_nic = self.bind.as_ref().is_none_or(|b| b.sync.is_some());
        if let Some(k) = self.vips().position(|(nic, _)| nic == Nic::Sync && !sync_nic) {
            return Err(Refusal::at(self.vip_place(k), "a VIP on the Sync NIC needs one, but the pair is bound without one (`sync:`)"));
        }
        if let Some(i) = self.heartbeats.iter().position(|h| h.via() == Nic::Acquisition && !acquisition_nic) {
            return Err(Refusal::at(heartbeat_via(i), "a heartbeat goes via the Acquisition NIC, but the pair has none (`acquisition:`)"));
        }
        if matches!(self.storage, Storage::Cluster(_)) && world.is_none() {
            let message = "a dedicated cluster's database nodes are hosts of a declared world: add a `world:` section and `bind:` the pair";
            return Err(Refusal::at(Place::of("storage"), message));
        }
        let how = "the pair names its hosts: `bind: (main: \"…\", backup: \"…\", corporate: \"…\", client: \"…\")`";
        let Some((b, world)) = crate::products::bound(self.bind.as_deref(), world, how)? else { return Ok(()) };
        b.footprint(self).check(world)?;
        match self.heartbeats.iter().position(|h| h.via() == Nic::Sync && b.sync.is_none()) {
            Some(i) => Err(Refusal::at(heartbeat_via(i), "a heartbeat goes via the Sync NIC, but the pair is bound without one (`sync:`)")),
            None => Ok(()),
        }
    }
}

/// Where the `i`-th heartbeat says which NIC it goes via.
fn heartbeat_via(i: usize) -> Place {
    Place::of("heartbeats").index(i).field("via")
}

impl Default for Config {
    fn default() -> Self {
        Config {
            mode: Mode::Automatic,
            main: AgentConfig {
                name: "DMA-MAIN".into(),
                corporate: cidr("10.10.10.1/24"),
                sync: cidr("192.168.100.1/24"),
                acquisition: None,
                version: default_version(),
                routes: Vec::new(),
            },
            backup: AgentConfig {
                name: "DMA-BACKUP".into(),
                corporate: cidr("10.10.10.2/24"),
                sync: cidr("192.168.100.2/24"),
                acquisition: None,
                version: default_version(),
                routes: Vec::new(),
            },
            initially_online: Dma::Main,
            heartbeats: Config::default_heartbeats(),
            addressing: Addressing::VirtualIp(VirtualIp { vip: default_vip(), acquisition_vip: None, more_vips: Vec::new(), register_in_dns: true }),
            dns_records: Vec::new(),
            switch_ip: cidr("10.10.10.254/24"),
            switch_time: Ms::secs(382),
            start_time: Ms::secs(90),
            failover_max_startup_time: Ms::secs(15 * 60),
            active_alarms: 0,
            ping_timeout_heartbeats: Ms::secs(5),
            sync_check_interval: Ms::secs(5),
            db_push_wait: Ms::secs(60),
            nics_to_check: vec![Nic::Corporate],
            auto_restart_when_going_offline: false,
            unload_elements_time: Ms(0),
            connection_timeout: Ms::secs(30),
            led_refresh: Ms::secs(60),
            seed: Dma::Main,
            storage: Storage::CassandraPerDma,
            dead_end: super::DeadEndConfig::default(),
            remote_ip: cidr("1.2.3.4/24"),
            bind: None,
            watchdog: super::Watchdog::default(),
        }
    }
}

fn cidr(s: &str) -> Cidr {
    s.parse().expect("valid built-in prefix")
}
fn corporate() -> Nic {
    Nic::Corporate
}
fn default_interval() -> Ms {
    Ms::secs(5)
}
fn default_max_failures() -> u32 {
    3
}
fn default_switch_ip() -> Ip {
    "10.10.10.254".parse().expect("valid")
}
fn default_vip() -> Ip {
    "10.10.10.5".parse().expect("valid")
}
fn default_shared_name() -> String {
    "DMA-SHARED".into()
}
/// failsim's default: a version that none of the known issues it models affects (10.4.0
/// itself has the offline-sync issue, DM-KI-OFFLINE-NOSYNC).
fn default_version() -> Version {
    Version::main(10, 4, 12)
}
fn yes() -> bool {
    true
}
