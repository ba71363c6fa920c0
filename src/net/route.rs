use super::ip::{Cidr, Ip};
use serde::{Deserialize, Serialize};

/// A persistent route (`route add DEST mask M GATEWAY [IF n] -p`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(deny_unknown_fields)]
pub struct Route {
    pub dest: Cidr,
    pub gateway: Ip,
    /// The NIC the route is bound to (`IF n`), by NIC name. `None`: not bound.
    #[serde(default)]
    pub interface: Option<String>,
}

/// A host's routing table: its persistent routes, and which of them are active now.
///
/// DM-ROUTE-1: a persistent route defined without an interface is dropped from the active
/// routes when an address is removed from the NIC it was resolved through (the virtual IP being
/// released); it comes back only when the host boots. DM-ROUTE-2: a route bound to an interface
/// is not affected.
#[derive(Clone, Debug, Default, Hash)]
pub struct RouteTable {
    persistent: Vec<Route>,
    active: Vec<bool>,
}

impl RouteTable {
    pub fn new(persistent: Vec<Route>) -> Self {
        let active = vec![true; persistent.len()];
        RouteTable { persistent, active }
    }

    /// Re-applies every persistent route, as a boot does.
    pub fn boot(&mut self) {
        self.active.iter_mut().for_each(|a| *a = true);
    }

    /// An address was removed from a NIC whose subnets are `nic_subnets`: unbound routes whose
    /// gateway was reached through that NIC disappear. Returns the routes that did.
    pub fn address_removed(&mut self, nic_subnets: &[Cidr]) -> Vec<Route> {
        let mut dropped = Vec::new();
        for (route, active) in self.persistent.iter().zip(self.active.iter_mut()) {
            let through_nic = match &route.interface {
                Some(_) => false,
                None => nic_subnets.iter().any(|s| s.contains(route.gateway)),
            };
            if *active && through_nic {
                *active = false;
                dropped.push(route.clone());
            }
        }
        dropped
    }

    /// The active route for `dest` with the longest prefix.
    pub fn lookup(&self, dest: Ip) -> Option<&Route> {
        self.persistent.iter().zip(&self.active).filter(|(r, active)| **active && r.dest.contains(dest)).max_by_key(|(r, _)| r.dest.prefix_len).map(|(r, _)| r)
    }

    pub fn active_routes(&self) -> impl Iterator<Item = &Route> {
        self.persistent.iter().zip(&self.active).filter(|(_, a)| **a).map(|(r, _)| r)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn route(iface: Option<&str>) -> Route {
        Route { dest: "1.2.3.0/24".parse().unwrap(), gateway: "10.10.10.254".parse().unwrap(), interface: iface.map(str::to_string) }
    }

    #[test]
    fn unbound_route_drops_on_address_removal_until_boot() {
        let corp: Vec<Cidr> = vec!["10.10.10.1/24".parse().unwrap()];
        let mut t = RouteTable::new(vec![route(None)]);
        assert!(t.lookup("1.2.3.4".parse().unwrap()).is_some());
        assert_eq!(t.address_removed(&corp).len(), 1);
        assert!(t.lookup("1.2.3.4".parse().unwrap()).is_none());
        t.boot();
        assert!(t.lookup("1.2.3.4".parse().unwrap()).is_some());
    }

    #[test]
    fn bound_route_survives_address_removal() {
        let corp: Vec<Cidr> = vec!["10.10.10.1/24".parse().unwrap()];
        let mut t = RouteTable::new(vec![route(Some("Corporate"))]);
        assert!(t.address_removed(&corp).is_empty());
        assert!(t.lookup("1.2.3.4".parse().unwrap()).is_some());
    }
}
