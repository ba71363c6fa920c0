//! MRS FlinkServer active/standby HA (SPEC §4), on the shared [`super`] pair rules:
//! ALM-45641 (Major, file sync checked every 60 s, raised on a broken link, a missing sync file
//! or bad permissions, or a full backup directory; it clears at the first good check) and
//! ALM-45640 (Minor, either node has heard no heartbeat from its peer for 30 s). FlinkServer
//! documents no resource alarm, so it switches over by the administrator or by arbitration.

use super::{AlarmDef, AlarmSeverity, HeartbeatWatcher, PairConfig, Profile, Spec, SyncParams};
use crate::action::NodeId;
use crate::units::Ms;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    nodes: [String; 2],
    /// The cluster name (the alarm's `Source` parameter).
    cluster: String,
    initially_active: NodeId,
    /// HA heartbeat period (undocumented; assumption: 1 s).
    heartbeat_interval: Ms,
    /// ALM-45640: no heartbeat from the peer for this long (docs: 30 s).
    heartbeat_loss: Ms,
    /// An active that has not reached the gateway for this long steps down: the HA's gateway
    /// arbitration (an assumption: the documents name the gateway check, not its timing;
    /// default: the heartbeat loss time).
    gateway_loss: Ms,
    /// ALM-45641: the file sync check period (docs: 60 s).
    sync_interval: Ms,
    /// Where the nodes are in the scenario's declared world; `None`: the built-in layout.
    #[serde(skip_serializing_if = "Option::is_none")]
    bind: Option<super::Binding>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            nodes: ["node-flink1".into(), "node-flink2".into()],
            cluster: "mrs-cluster".into(),
            initially_active: NodeId::Main,
            heartbeat_interval: Ms::secs(1),
            heartbeat_loss: Ms::secs(30),
            gateway_loss: Ms::secs(30),
            sync_interval: Ms::secs(60),
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
            system: "FlinkServer",
            service: "Flink",
            role: "FlinkServer",
            source: self.cluster.clone(),
            node_names: self.nodes.clone(),
            ha_names: self.nodes.clone(),
            heartbeat_alarm: AlarmDef {
                id: 45640,
                severity: AlarmSeverity::Minor,
                title: "FlinkServer Heartbeat Interruption Between the Active and Standby Nodes",
            },
            heartbeat_watcher: HeartbeatWatcher::Either,
            sync_what: "file sync",
            sync_alarm: Some(AlarmDef {
                id: 45641,
                severity: AlarmSeverity::Major,
                title: "Data Synchronization Exception Between the Active and Standby FlinkServer Nodes",
            }),
            sync_params: SyncParams::Flink,
            resources: Vec::new(),
            db_sync: None,
            heartbeat_interval: self.heartbeat_interval,
            heartbeat_loss: self.heartbeat_loss,
            gateway_loss: self.gateway_loss,
            sync_interval: self.sync_interval,
            initially_active: self.initially_active,
            stale_switchover_spec: Some("FLINK-45641-4"),
            // The FlinkServer documents give its switchovers no event.
            switchover_time: Ms(0),
            switchover_spec: "MRS-SWITCHOVER",
            switchover_event: None,
            bind: self.bind.clone(),
        }
    }
}

/// The FlinkServer system on the shared pair.
#[derive(Clone, Copy, Debug)]
pub struct Flink;

impl Spec for Flink {
    type Config = Config;
    const LABEL: &'static str = "MRS FlinkServer";
    const TARGET: &'static str = "flinkserver";
}
