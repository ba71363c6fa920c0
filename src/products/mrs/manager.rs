//! MRS Manager (OMS) active/standby HA on the two Master nodes (SPEC §3). The pair's rules are
//! the shared [`super`] pair ones; this module is the product's vocabulary and numbers:
//! ALM-12010 (Major, heartbeat lost for 7 s, raised by the active), ALM-12011 (Critical, file
//! sync checked every 60 s, five parameters), ALM-12072 (Major, floating IP checked every 9 s,
//! 3 failures → switchover), ALM-12039 (the OMS databases' sync status checked every 10 s, raised
//! after 30 consecutive failed checks; MRS-12039). Numbers from the MRS alarm reference
//! (domain.md §2.2).

use super::{AlarmDef, AlarmSeverity, DbSync, EventDef, HeartbeatWatcher, PairConfig, Profile, Resource, ResourceName, Spec, SyncParams};
use crate::action::NodeId;
use crate::units::Ms;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Host names of the two Master nodes (`Master1`/`Main` first).
    nodes: [String; 2],
    /// Local and peer Manager HA names, per node (hacom_local.xml).
    ha_names: [String; 2],
    initially_active: NodeId,
    /// HA heartbeat period (undocumented; assumption: 1 s).
    heartbeat_interval: Ms,
    /// ALM-12010: no heartbeat from the standby for this long (docs: 7 s).
    heartbeat_loss: Ms,
    /// An active that has not reached the gateway for this long steps down: the HA's gateway
    /// arbitration (an assumption: the documents name the gateway check, not its timing;
    /// default: the heartbeat loss time).
    gateway_loss: Ms,
    /// ALM-12011: the file sync check period (docs: 60 s).
    sync_interval: Ms,
    /// ALM-12072: the floating IP check period and failures before a switchover (docs: 9 s × 3).
    floatip_interval: Ms,
    floatip_failures: u32,
    /// ALM-12039 (MRS-12039): the OMS databases' sync status check period (docs: 10 s) …
    oms_db_sync_interval: Ms,
    /// … and the consecutive failed checks that raise the alarm (docs: 30 in MRS 3.x; MRS 2.x's
    /// "GaussDB Data Is Not Synchronized" is raised after 6).
    oms_db_sync_failures: u32,
    /// ALM-12039's severity: Critical before MRS 3.3.1 (the default), Major from 3.3.1 (the
    /// alarm reference gives both).
    oms_db_sync_severity: AlarmSeverity,
    /// Where the nodes are in the scenario's declared world; `None`: the built-in layout.
    #[serde(skip_serializing_if = "Option::is_none")]
    bind: Option<super::Binding>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            nodes: ["node-master1".into(), "node-master2".into()],
            ha_names: ["ha-master1".into(), "ha-master2".into()],
            initially_active: NodeId::Main,
            heartbeat_interval: Ms::secs(1),
            heartbeat_loss: Ms::secs(7),
            gateway_loss: Ms::secs(7),
            sync_interval: Ms::secs(60),
            floatip_interval: Ms::secs(9),
            floatip_failures: 3,
            oms_db_sync_interval: Ms::secs(10),
            oms_db_sync_failures: 30,
            oms_db_sync_severity: AlarmSeverity::Critical,
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
            ("floatip_interval", self.floatip_interval),
            ("oms_db_sync_interval", self.oms_db_sync_interval),
        ])?;
        if self.oms_db_sync_failures == 0 {
            let message = "oms_db_sync_failures must be above 0: the alarm is raised after that many failed checks";
            return Err(crate::place::Refusal::at(crate::place::Place::of("oms_db_sync_failures"), message));
        }
        crate::products::tolerances_bounded(&[("floatip_failures", self.floatip_failures), ("oms_db_sync_failures", self.oms_db_sync_failures)])
    }

    fn profile(&self) -> Profile {
        Profile {
            system: "MRS Manager",
            service: "OMS",
            role: "OMS Server",
            source: "mrs-cluster".into(),
            node_names: self.nodes.clone(),
            ha_names: self.ha_names.clone(),
            heartbeat_alarm: AlarmDef {
                id: 12010,
                severity: AlarmSeverity::Major,
                title: "Manager Heartbeat Interruption Between the Active and Standby Nodes",
            },
            heartbeat_watcher: HeartbeatWatcher::ActiveOnly,
            sync_what: "file sync",
            sync_alarm: Some(AlarmDef {
                id: 12011,
                severity: AlarmSeverity::Critical,
                title: "Manager Data Synchronization Exception Between the Active and Standby Nodes",
            }),
            sync_params: SyncParams::Manager,
            resources: self.resources(),
            // MRS-12039: the OMS databases (GaussDB) replicate from the active to the standby.
            db_sync: Some(DbSync {
                what: "OMS database",
                records: "OMS database record(s)",
                alarm: AlarmDef { id: 12039, severity: self.oms_db_sync_severity, title: "Active/Standby OMS Databases Not Synchronized" },
                interval: self.oms_db_sync_interval,
                failures: self.oms_db_sync_failures,
                resource: ResourceName::GaussDb,
                spec: "MRS-12039",
            }),
            heartbeat_interval: self.heartbeat_interval,
            heartbeat_loss: self.heartbeat_loss,
            gateway_loss: self.gateway_loss,
            sync_interval: self.sync_interval,
            initially_active: self.initially_active,
            stale_switchover_spec: Some("MRS-12011-3"),
            // MRS-SWITCHOVER: "Manager Switchover" in the event list (viewing_the_event_list.rst).
            switchover_time: Ms(0),
            switchover_spec: "MRS-SWITCHOVER",
            switchover_event: Some(EventDef { id: 12026, title: "Manager Switchover" }),
            bind: self.bind.clone(),
        }
    }
}

impl Config {
    /// The single-active resources (MRS-RESOURCES), each with its check interval, the
    /// consecutive failures that switch the pair over, and its alarm: the MRS alarm reference
    /// (alm-12067…alm-12076; domain.md §2.2, §7). The floating IP's numbers are settable.
    fn resources(&self) -> Vec<Resource> {
        use ResourceName::*;
        let resource = |name: ResourceName, id: u32, title: &'static str, interval: Ms, failures: u32| Resource {
            name,
            alarm: AlarmDef { id, severity: AlarmSeverity::Major, title },
            interval,
            failures,
        };
        vec![
            resource(FloatIp, 12072, "FloatIP Resource Is Abnormal", self.floatip_interval, self.floatip_failures),
            resource(Tomcat, 12067, "Tomcat Resource Is Abnormal", Ms::secs(85), 2),
            resource(Acs, 12068, "ACS Resource Is Abnormal", Ms::secs(80), 2),
            resource(Aos, 12069, "AOS Resource Is Abnormal", Ms::secs(81), 2),
            resource(Httpd, 12071, "httpd Resource Is Abnormal", Ms::secs(120), 10),
            resource(Cep, 12073, "CEP Resource Is Abnormal", Ms::secs(60), 2),
            resource(Fms, 12074, "FMS Resource Is Abnormal", Ms::secs(60), 2),
            resource(Pms, 12075, "PMS Resource Is Abnormal", Ms::secs(55), 3),
            resource(GaussDb, 12076, "GaussDB Resource Is Abnormal", Ms::secs(10), 3),
        ]
    }
}

/// The MRS Manager system on the shared pair.
#[derive(Clone, Copy, Debug)]
pub struct Manager;

impl Spec for Manager {
    type Config = Config;
    const LABEL: &'static str = "MRS Manager";
    const TARGET: &'static str = "mrs-manager";
}
