//! MRS DBService active/standby HA (SPEC §11), on the shared [`super`] pair rules: two DBServer
//! instances with HA, Database and FloatIP modules, the float IP enabled only on the active
//! (DBSVC-HA); ALM-27003 (either instance has heard no heartbeat from its peer for 7 s,
//! DBSVC-27003); the standby takes over when the active fails (DBSVC-SWITCHOVER, the Manager's
//! pattern). Sources: the MRS DBService principles page, `high-risk_operations.rst` and the
//! ALM-27003 page (domain.md §2.1, §7). The documents give DBService no sync alarm, no
//! resource alarm and no switchover event, so it has none; what they leave open is a named
//! parameter with its default.

use super::{AlarmDef, AlarmSeverity, HeartbeatWatcher, PairConfig, Profile, Spec, SyncParams};
use crate::action::NodeId;
use crate::units::Ms;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Host names of the two DBServer instances.
    nodes: [String; 2],
    /// The cluster name (the alarm's `Source` parameter).
    cluster: String,
    initially_active: NodeId,
    /// HA heartbeat period (undocumented; assumption: 1 s).
    heartbeat_interval: Ms,
    /// ALM-27003: no heartbeat from the peer for this long (docs: 7 s).
    heartbeat_loss: Ms,
    /// An active that has not reached the gateway for this long steps down (an assumption, as
    /// for the Manager; default: the heartbeat loss time).
    gateway_loss: Ms,
    /// How often the active's database changes reach the standby (undocumented; assumption:
    /// 10 s). Changes not there yet are lost when the active fails.
    sync_interval: Ms,
    /// How long a DBServer that becomes active takes to bring its modules and float IP up,
    /// DBService unavailable meanwhile (DBSVC-HA; the duration is undocumented: assumption
    /// 10 s).
    switchover_time: Ms,
    /// Where the nodes are in the scenario's declared world; `None`: the built-in layout.
    #[serde(skip_serializing_if = "Option::is_none")]
    bind: Option<super::Binding>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            nodes: ["node-dbserver1".into(), "node-dbserver2".into()],
            cluster: "mrs-cluster".into(),
            initially_active: NodeId::Main,
            heartbeat_interval: Ms::secs(1),
            heartbeat_loss: Ms::secs(7),
            gateway_loss: Ms::secs(7),
            sync_interval: Ms::secs(10),
            switchover_time: Ms::secs(10),
            bind: None,
        }
    }
}

impl PairConfig for Config {
    fn validate(&self) -> Result<(), crate::place::Refusal> {
        crate::products::periods_above_zero(&[
            ("heartbeat_interval", self.heartbeat_interval),
            ("gateway_loss", self.gateway_loss),
            ("sync_interval", self.sync_interval),
        ])
    }

    fn profile(&self) -> Profile {
        Profile {
            system: "DBService",
            service: "DBService",
            role: "DBServer",
            source: self.cluster.clone(),
            node_names: self.nodes.clone(),
            ha_names: self.nodes.clone(),
            heartbeat_alarm: AlarmDef {
                id: 27003,
                severity: AlarmSeverity::Major,
                title: "DBService Heartbeat Interruption Between the Active and Standby Nodes",
            },
            heartbeat_watcher: HeartbeatWatcher::Either,
            sync_what: "database sync",
            sync_alarm: None,
            sync_params: SyncParams::Flink,
            resources: Vec::new(),
            db_sync: None,
            heartbeat_interval: self.heartbeat_interval,
            heartbeat_loss: self.heartbeat_loss,
            gateway_loss: self.gateway_loss,
            sync_interval: self.sync_interval,
            initially_active: self.initially_active,
            // No DBService document says what a switchover to a stale standby loses.
            stale_switchover_spec: None,
            switchover_time: self.switchover_time,
            switchover_spec: "DBSVC-SWITCHOVER",
            switchover_event: None,
            bind: self.bind.clone(),
        }
    }
}

/// The DBService system on the shared pair.
#[derive(Clone, Copy, Debug)]
pub struct DbSvc;

impl Spec for DbSvc {
    type Config = Config;
    const LABEL: &'static str = "MRS DBService";
    const TARGET: &'static str = "dbservice";
}
