//! Check Point Management High Availability (SPEC §5): two Security Management Servers, the
//! Primary (installed first) and a Secondary; one Active, the others Standby (CP-1).
//!
//! The rules, with the SPEC IDs they serve:
//! - Changes are made in an administrator's session on a server; a Standby opens Read Only and
//!   refuses them (CP-3). Only a published session counts; unpublished changes are not synced.
//! - The Active syncs each Standby it can reach at an interval and on every publish (CP-2); a
//!   sync overwrites the Standby's database with the Active's.
//! - Nothing switches by itself (CP-4): changeover is an administrator's `MakeActive` on a
//!   Standby. With the Active reachable, the old Active becomes Standby, gets everything from the
//!   new Active and is Read Only (CP-5). With the Active unreachable, the Standby becomes Active
//!   without telling it: two Actives, Collision Mode, and Actives never sync (CP-6), even once
//!   connected again.
//! - `MakeStandby` on a colliding Active ends the collision; it is overwritten by the remaining
//!   Active and its own changes are lost, listed by id (CP-8).
//! - The High Availability Status window shows a banner and per-peer mode and sync status
//!   (CP-7), derived in [`CheckPoint::ha_status`].
//! - Any number of Secondaries, each synced by the Active, any of them can be made Active
//!   (CP-9). The Primary is the synchronization master: while it is down, Secondaries do not
//!   sync until one is promoted to Primary (`Promote`, R80 `promote_util`).
//! - Changes in a session are tentative records of the ledger; when their server stops being
//!   Active (goes down, is made Standby, is promoted and restarts) they are lost, by id, with
//!   the cause CP-10.

mod claims;
mod commands;
mod model;
mod product;

pub use claims::Claim;
pub use commands::{Command, Fault, Words};
pub use model::{CheckPoint, Event, Mode, Rec};

use crate::action::NodeId;
use crate::place::{Place, Refusal};
use crate::units::Ms;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Names of the servers: the Primary first, then the Secondaries (2 to [`MAX_SERVERS`]).
    servers: Vec<String>,
    /// Which server is Active at t = 0 (the Primary, as installed).
    initially_active: NodeId,
    /// The periodic sync interval. No Check Point guide gives the default; failsim assumes
    /// 10 minutes (a parameter: set it to what your installation uses).
    sync_interval: Ms,
    /// The Primary is the synchronization master: while its services are down, Secondaries do
    /// not sync each other until one is promoted to Primary (`Promote`). The R80 guide says so
    /// ("Failover Between Active and Standby"); later guides neither repeat nor revoke it.
    /// Default `true`; `false`: any Active syncs every Standby it reaches.
    primary_is_sync_master: bool,
    /// Where the servers are in the scenario's declared world; `None`: the built-in layout.
    #[serde(skip_serializing_if = "Option::is_none")]
    bind: Option<Binding>,
}

/// The servers in a declared world (FS-WORLD): each server is the host of its name, and talks
/// to the others over its NIC `nic` — on one subnet, or through routers between sites.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Binding {
    nic: String,
}

impl Binding {
    /// The built-in layout's binding: each server's one NIC.
    fn preset() -> Self {
        Binding { nic: "NIC".into() }
    }

    /// What the servers need of the world: each a host with the NIC.
    fn footprint<'a>(&'a self, cfg: &'a Config) -> crate::world::Footprint<'a> {
        use crate::world::Named;
        let nodes = cfg.servers.iter().enumerate().map(|(i, s)| Named::new(s, Place::of("servers").index(i))).collect();
        let nic = Named::new(&self.nic, Place::of("bind").field("nic"));
        crate::world::Footprint { nodes, nodes_are: " (servers are hosts)", nics: vec![Some(nic)], ..Default::default() }
    }
}

impl Default for Config {
    fn default() -> Self {
        Config {
            servers: vec!["SMS-PRIMARY".into(), "SMS-SECONDARY".into()],
            initially_active: NodeId::Main,
            sync_interval: Ms(600_000),
            primary_is_sync_master: true,
            bind: None,
        }
    }
}

impl Config {
    pub fn validate(&self) -> Result<(), Refusal> {
        let n = self.servers.len();
        if !(2..=MAX_SERVERS).contains(&n) {
            let message = format!("`servers` lists {n} server(s); Management High Availability has a Primary and 1 to {} Secondaries", MAX_SERVERS - 1);
            return Err(Refusal::at(Place::of("servers"), message));
        }
        for (i, name) in self.servers.iter().enumerate() {
            if self.servers[..i].iter().any(|earlier| earlier.eq_ignore_ascii_case(name)) {
                return Err(Refusal::at(Place::of("servers").index(i), format!("two servers are named `{name}`")));
            }
        }
        crate::products::periods_above_zero(&[("sync_interval", self.sync_interval)])
    }

    /// The binding matches the world: both exist or neither, and every server is a host there
    /// with the bound NIC.
    pub fn check_binding(&self, world: Option<&crate::world::WorldDecl>) -> Result<(), Refusal> {
        let how = "each server is the host of its name: `bind: (nic: \"…\")` names their NIC";
        let Some((b, world)) = crate::products::bound(self.bind.as_ref(), world, how)? else { return Ok(()) };
        b.footprint(self).check(world)
    }

    /// The built-in layout: one switch, each server's one NIC on it.
    pub(super) fn preset(&self) -> crate::world::WorldDecl {
        let cidr = |i: u8| crate::net::Cidr::v4([172, 16, 0, i], 24);
        let hosts: Vec<(&str, crate::net::Cidr)> =
            self.servers.iter().enumerate().map(|(i, s)| (s.as_str(), cidr(u8::try_from(i + 1).expect("at most MAX_SERVERS servers")))).collect();
        crate::world::WorldDecl::star("switch", Some(cidr(254)), &hosts)
    }

    /// The servers' hosts and NICs in the system's region of the world.
    pub(super) fn places(&self, world: &crate::world::World, region: crate::world::Region) -> Vec<(crate::net::HostId, crate::net::PortId)> {
        let preset = Binding::preset();
        let bound = self.bind.as_ref().unwrap_or(&preset).footprint(self).resolve(world, region);
        bound.nodes.into_iter().map(|(host, nics)| (host, nics[0].expect("the one NIC is bound"))).collect()
    }
}

/// At most this many servers (a Primary and Secondaries) in one Management HA setup.
pub const MAX_SERVERS: usize = 8;

/// The banner messages of the High Availability Status window (CP-7).
pub mod banner {
    pub const IDENTICAL: &str = "The database of the primary Security Management Server is identical with the database of the secondary";
    pub const NOT_SYNCHRONIZED: &str = "Some servers could not be synchronized";
    pub const NOT_COMMUNICATING: &str = "The active and standby servers are not communicating";
    pub const COMMUNICATION_PROBLEM: &str = "Communication Problem";
    pub const COLLISION: &str = "Collision or HA conflict";
}
