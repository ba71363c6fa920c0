//! One binding mechanism for every product (FS-WORLD). A system says, in its own words, what it
//! needs of the world — its [`Footprint`]: the hosts its nodes run on, the NIC of each role on
//! them, the other hosts it talks to and the addresses something must hold. The world checks a
//! footprint against a declaration ([`Footprint::check`]) and resolves it to ids in the
//! [`Region`] the declaration was laid out in ([`Footprint::resolve`]).
//!
//! A scenario without `world:` lays out each system's preset — its built-in layout, a
//! [`WorldDecl`] like any other — as a region of its own, and the system binds to it the same
//! way: names are unique inside a region, and may repeat between the regions of several systems
//! that each brought their own layout.
//! Product-agnostic: a footprint's words ("servers", "client") come from the product.

use super::{World, WorldDecl};
use crate::net::{CableId, HostId, Ip, PortId, PortKind};
use crate::place::{Place, Refusal};

/// The part of the world one declaration laid out: ids from `start` (inclusive) to `end`
/// (exclusive), for hosts, ports (NICs and switches) and cables.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Region {
    pub(super) hosts: (u16, u16),
    pub(super) ports: (u16, u16),
    pub(super) cables: (u16, u16),
}

impl Region {
    /// The host named `name` in the region.
    pub fn host(&self, world: &World, name: &str) -> Option<HostId> {
        let (start, end) = self.hosts;
        world.net().hosts_named(name).iter().copied().find(|h| (start..end).contains(&h.0))
    }

    /// Host `host`'s NIC named `nic`, in the region.
    pub fn nic(&self, world: &World, host: &str, nic: &str) -> Option<PortId> {
        let host = self.host(world, host)?;
        world.net().host(host).nics.iter().copied().find(|p| world.net().port(*p).name == nic)
    }

    /// The cable named `name` in the region.
    pub fn cable(&self, world: &World, name: &str) -> Option<CableId> {
        let (start, end) = self.cables;
        (start..end).map(CableId).find(|c| world.net().cable(*c).name == name)
    }

    /// The switch named `name` in the region.
    pub fn switch(&self, world: &World, name: &str) -> Option<PortId> {
        self.switches(world).find(|p| world.net().port(*p).name == name)
    }

    /// The region's switches, in id order.
    fn switches<'w>(&self, world: &'w World) -> impl Iterator<Item = PortId> + 'w {
        let (start, end) = self.ports;
        (start..end).map(PortId).filter(|p| matches!(world.net().port(*p).kind, PortKind::Switch { .. }))
    }

    /// The region's switch when it has exactly one (the switch a role-named `FailSwitch` fails).
    pub fn only_switch(&self, world: &World) -> Option<PortId> {
        let mut switches = self.switches(world);
        match (switches.next(), switches.next()) {
            (Some(only), None) => Some(only),
            _ => None,
        }
    }
}

/// What a system needs of the world, named in its own binding's words, each name with the place
/// in the system's configuration that gives it (where a refusal points).
#[derive(Clone, Debug, Default)]
pub struct Footprint<'a> {
    /// The hosts of the system's nodes, in the system's order.
    pub nodes: Vec<Named<'a>>,
    /// Said after "no host named `x` in the world" when a node's host is missing (what the
    /// product calls its nodes: " (servers are hosts)").
    pub nodes_are: &'static str,
    /// The NIC bound to each of the product's roles (`None`: the role has no NIC of its own),
    /// the same name on every node.
    pub nics: Vec<Option<Named<'a>>>,
    /// The other hosts the system talks to, each over its first NIC.
    pub peers: Vec<Peer<'a>>,
    /// Addresses something in the world must hold.
    pub held: Vec<Held>,
}

/// A name a binding gives, and where in the configuration it gives it.
#[derive(Clone, Debug)]
pub struct Named<'a> {
    pub name: &'a str,
    pub place: Place,
}

impl<'a> Named<'a> {
    pub fn new(name: &'a str, place: Place) -> Self {
        Named { name, place }
    }
}

/// A host the system talks to: the field of the file that names it, what it is, and its name.
#[derive(Clone, Debug)]
pub struct Peer<'a> {
    pub field: &'static str,
    /// What the host is, with a trailing space ("client "), or "".
    pub what: &'static str,
    pub name: Named<'a>,
}

/// An address something in the world must hold, what the file calls it, and where it gives it.
#[derive(Clone, Debug)]
pub struct Held {
    pub what: &'static str,
    pub ip: Ip,
    pub place: Place,
}

/// A footprint resolved to the world's ids.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bound {
    /// Each node's host and, per role, its NIC (`None` where the role has none).
    pub nodes: Vec<(HostId, Vec<Option<PortId>>)>,
    /// Each peer's first NIC, in the footprint's order.
    pub peers: Vec<PortId>,
}

impl Footprint<'_> {
    /// The footprint fits the declared world: every node is a host of its own with every bound
    /// NIC, every peer is a host, every held address is some host's or switch's. A refusal is
    /// placed at the name or address that does not fit.
    pub fn check(&self, world: &WorldDecl) -> Result<(), Refusal> {
        for (i, node) in self.nodes.iter().enumerate() {
            let at = |message: String| Refusal::at(node.place.clone(), message);
            let host = world.host(node.name).ok_or_else(|| at(format!("bind: no host named `{}` in the world{}", node.name, self.nodes_are)))?;
            if self.nodes[..i].iter().any(|n| n.name == node.name) {
                return Err(at(format!("bind: two nodes are bound to host `{}` (a host runs one node)", node.name)));
            }
            if let Some(nic) = self.nics.iter().flatten().find(|nic| !host.nics.iter().any(|n| n.name == nic.name)) {
                return Err(Refusal::at(nic.place.clone(), format!("bind: host `{}` has no NIC `{}`", node.name, nic.name)));
            }
        }
        if let Some(p) = self.peers.iter().find(|p| world.host(p.name.name).is_none()) {
            return Err(Refusal::at(p.name.place.clone(), format!("{}: no {}host named `{}` in the world", p.field, p.what, p.name.name)));
        }
        match self.held.iter().find(|h| !world.holds(h.ip)) {
            Some(h) => Err(Refusal::at(h.place.clone(), format!("{} {} is no address of a host or switch in the world", h.what, h.ip))),
            None => Ok(()),
        }
    }

    /// The footprint's ids in `region`. The footprint was checked against the region's
    /// declaration (a preset fits its own product's footprint by construction).
    pub fn resolve(&self, world: &World, region: Region) -> Bound {
        const CHECKED: &str = "the footprint was checked against the world";
        let nodes = self
            .nodes
            .iter()
            .map(|node| {
                let host = region.host(world, node.name).expect(CHECKED);
                let nics = self.nics.iter().map(|nic| nic.as_ref().map(|nic| region.nic(world, node.name, nic.name).expect(CHECKED))).collect();
                (host, nics)
            })
            .collect();
        let peers = self.peers.iter().map(|p| world.net().host(region.host(world, p.name.name).expect(CHECKED)).nics[0]).collect();
        let bound = Bound { nodes, peers };
        assert_eq!(bound.nodes.len(), self.nodes.len(), "every node is bound to a host");
        assert_eq!(bound.peers.len(), self.peers.len(), "every peer is bound to a host");
        bound
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn world() -> WorldDecl {
        ron::from_str(
            r#"(
                hosts: [
                    (name: "a", nics: [(name: "corp", addr: "10.0.0.1/24"), (name: "sync", addr: "10.1.0.1/24")]),
                    (name: "b", nics: [(name: "corp", addr: "10.0.0.2/24")]),
                    (name: "pc", nics: [(name: "nic", addr: "10.0.0.9/24")]),
                ],
                switches: [(name: "sw", addr: Some("10.0.0.254/24"))],
                cables: [
                    (name: "a cable", ends: (Nic("a", "corp"), Switch("sw"))),
                    (name: "b cable", ends: (Nic("b", "corp"), Switch("sw"))),
                    (name: "pc cable", ends: (Nic("pc", "nic"), Switch("sw"))),
                ],
            )"#,
        )
        .expect("a world")
    }

    /// A footprint whose names are placed as `bind.<i>` (nodes), `nics[<i>]` and `client`.
    fn footprint<'a>(nodes: Vec<&'a str>, nics: Vec<Option<&'a str>>) -> Footprint<'a> {
        let nodes = nodes.into_iter().enumerate().map(|(i, n)| Named::new(n, Place::of("bind").index(i))).collect();
        let nics = nics.into_iter().enumerate().map(|(i, n)| n.map(|n| Named::new(n, Place::of("nics").index(i)))).collect();
        let client = Peer { field: "bind", what: "client ", name: Named::new("pc", Place::of("client")) };
        Footprint { nodes, nodes_are: " (nodes are hosts)", nics, peers: vec![client], ..Default::default() }
    }

    #[test]
    fn a_footprint_is_checked_against_the_declaration() {
        let w = world();
        assert_eq!(footprint(vec!["a", "b"], vec![Some("corp"), None]).check(&w), Ok(()));
        let cases = [
            (footprint(vec!["a", "x"], vec![Some("corp")]), "bind[1]", "bind: no host named `x` in the world (nodes are hosts)"),
            (footprint(vec!["a", "a"], vec![Some("corp")]), "bind[1]", "bind: two nodes are bound to host `a` (a host runs one node)"),
            (footprint(vec!["a", "b"], vec![Some("corp"), Some("sync")]), "nics[1]", "bind: host `b` has no NIC `sync`"),
        ];
        for (f, place, expected) in cases {
            let refused = f.check(&w).expect_err(expected);
            assert_eq!((refused.place.to_string(), refused.message), (place.to_string(), expected.to_string()));
        }
        let mut stray = footprint(vec!["a"], vec![]);
        stray.peers[0].name.name = "nobody";
        assert_eq!(stray.check(&w), Err(Refusal::at(Place::of("client"), "bind: no client host named `nobody` in the world")));
        let mut far = footprint(vec!["a"], vec![]);
        far.held.push(Held { what: "bind: the gateway", ip: "10.9.9.9".parse().expect("an address"), place: Place::of("gateway") });
        assert_eq!(far.check(&w), Err(Refusal::at(Place::of("gateway"), "bind: the gateway 10.9.9.9 is no address of a host or switch in the world")));
        far.held[0].ip = "10.0.0.254".parse().expect("an address");
        assert_eq!(far.check(&w), Ok(()), "a switch's management address is held");
    }

    #[test]
    fn a_footprint_resolves_inside_its_region_only() {
        let mut world_ = World::new(0);
        let first = world_.lay_out(&world());
        let second = world_.lay_out(&world());
        let f = footprint(vec!["b", "a"], vec![Some("corp"), None]);
        let (one, two) = (f.resolve(&world_, first), f.resolve(&world_, second));
        assert_eq!(one.nodes[0].0, HostId(1), "b is the first region's second host");
        assert_eq!(two.nodes[0].0, HostId(4), "b is the second region's second host");
        assert_eq!(two.nodes[1].1, vec![Some(PortId(6)), None], "a's corp NIC, after the second region's switch");
        assert_eq!(two.peers, vec![PortId(9)], "the client's first NIC in the second region");
        assert_eq!(first.only_switch(&world_), Some(PortId(0)));
        assert_eq!(second.switch(&world_, "sw"), Some(PortId(5)), "the second region's own switch");
        assert_eq!(second.switch(&world_, "corp"), None, "a NIC is no switch");
        assert_eq!(second.cable(&world_, "pc cable"), Some(CableId(5)));
        assert_eq!(first.cable(&world_, "pc cable"), Some(CableId(2)));
    }
}
