//! The vocabulary of what a script (or, later, a chaos campaign) can do to a system: faults and
//! operator actions. It sits below the products: each product says which actions it supports
//! and what they mean for it. Nodes are named by static identity (`Main`, `Backup`) or by the
//! role they hold when the action runs (`Online`, `Offline`).

use crate::engine::Ms;
use crate::net::Ip;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Target {
    Main,
    Backup,
    /// Whichever node is online when the action runs.
    Online,
    /// Whichever node is offline when the action runs.
    Offline,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CableRef {
    /// The cable to the switch or router.
    Corporate,
    /// The direct sync cable between the two nodes.
    Sync,
    /// Both cables of the node.
    Both,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UpgradePolicy {
    /// "Upgrade main and backup Agent simultaneously" (recommended).
    Simultaneously,
    /// "Upgrade backup Agent first, switch over, upgrade main".
    BackupFirst,
    /// "... then switch back again".
    BackupFirstWithSwitchback,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// Pull a cable out of a node's NIC.
    Pull {
        cable: CableRef,
        on: Target,
    },
    /// Plug it back in.
    Plug {
        cable: CableRef,
        on: Target,
    },
    DisableNic {
        cable: CableRef,
        on: Target,
    },
    EnableNic {
        cable: CableRef,
        on: Target,
    },
    /// Stop the software (graceful).
    Stop(Target),
    Start(Target),
    /// Stop now and be running again after `duration`.
    Restart {
        node: Target,
        duration: Ms,
    },
    /// Unexpected shutdown: the server loses power.
    PowerFail(Target),
    /// Power returns; the server boots and the software starts.
    PowerOn(Target),
    StopDb(Target),
    StartDb(Target),
    /// The switch/router fails (all its ports go down).
    FailSwitch,
    RestoreSwitch,
    /// The operator's Switch button in the Failover dialog.
    Switch,
    /// "Bring online" from a Cube session on the node.
    BringOnline(Target),
    Upgrade {
        policy: UpgradePolicy,
        version: String,
        duration: Ms,
    },
    /// The online node gathers `count` records.
    Write {
        count: u32,
    },
    /// `count` forward lookups of `name` from a client; each request goes where the answer leads.
    Lookup {
        name: String,
        count: u32,
    },
    /// `count` reverse lookups of `ip`.
    ReverseLookup {
        ip: Ip,
        count: u32,
    },
    /// Open a connection from a node to `to` through its active routes.
    Connect {
        from: Target,
        to: Ip,
    },
}

impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}
