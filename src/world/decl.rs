//! A declared world (FS-WORLD): the `world: (...)` section of a scenario file. Hosts with their
//! NICs (an address in CIDR, an optional default gateway), routers (hosts that forward between
//! their NICs' subnets), switches, and cables between a NIC and a switch, two NICs (a cross
//! cable) or two switches (an inter-switch or WAN link). [`WorldDecl::check`] refuses a broken
//! world at the place of the offending value; [`WorldDecl::build`] lays it out in a [`World`].
//!
//! A product's built-in layout is a `WorldDecl` too (its preset, with flat routing): a scenario
//! without `world:` is laid out from its systems' presets, a world like any other.

use super::{Region, World};
use crate::action::NamedFault;
use crate::net::{Cidr, Ip, Routing};
use crate::place::{Place, Refusal};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The most hosts, switches and cables a declared world may have (port ids are 16-bit).
pub const MAX_HOSTS: usize = 20_000;
pub const MAX_NICS_PER_HOST: usize = 16;
pub const MAX_SWITCHES: usize = 5_000;
pub const MAX_CABLES: usize = 40_000;
/// The most ports (NICs and switches together) a world has: port ids are 16-bit.
pub const MAX_PORTS: usize = u16::MAX as usize;

#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorldDecl {
    pub hosts: Vec<HostDecl>,
    #[serde(default)]
    pub switches: Vec<SwitchDecl>,
    #[serde(default)]
    pub cables: Vec<CableDecl>,
    /// How addresses are reached: `Subnets` (the default: a NIC reaches its subnets, anything
    /// else through its gateway) or `Flat` (every address on a live path, whatever the subnets:
    /// the built-in layouts' one switch/router).
    #[serde(default = "subnets", skip_serializing_if = "is_subnets")]
    pub routing: Routing,
    /// Its hosts by name and its addresses, indexed on first use: every system of a world of
    /// thousands of hosts checks its binding by name and address, in time that does not grow
    /// with the world. Not part of the declaration (not read, written, compared or shown).
    #[serde(skip)]
    indexes: Indexes,
}

/// The declaration alone, as it always showed.
impl std::fmt::Debug for WorldDecl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let WorldDecl { hosts, switches, cables, routing, indexes: _ } = self;
        f.debug_struct("WorldDecl").field("hosts", hosts).field("switches", switches).field("cables", cables).field("routing", routing).finish()
    }
}

/// A declaration's index, built once (the builders below reset it; nothing else changes a
/// declaration after it is read).
#[derive(Clone, Default)]
struct Indexes(std::sync::OnceLock<Index>);

#[derive(Clone)]
struct Index {
    /// Each host's position, by name (the first one: names are checked unique).
    hosts: BTreeMap<String, usize>,
    /// Every address a host's NIC or a switch has.
    addrs: BTreeSet<Ip>,
}

/// An index says nothing of the declaration: two declarations are equal whatever they indexed.
impl PartialEq for Indexes {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Indexes {}

fn subnets() -> Routing {
    Routing::Subnets
}

fn is_subnets(routing: &Routing) -> bool {
    *routing == Routing::Subnets
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HostDecl {
    pub name: String,
    /// A router: forwards between the subnets of its NICs.
    #[serde(default)]
    pub router: bool,
    pub nics: Vec<NicDecl>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NicDecl {
    pub name: String,
    pub addr: Cidr,
    #[serde(default)]
    pub gateway: Option<Ip>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SwitchDecl {
    pub name: String,
    /// A management address (it answers pings there; it routes nothing).
    #[serde(default)]
    pub addr: Option<Cidr>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CableDecl {
    pub name: String,
    pub ends: (End, End),
}

/// One end of a cable: a host's NIC, or a switch.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum End {
    Nic(String, String),
    Switch(String),
}

/// Building a preset (a product's built-in layout) in code.
impl WorldDecl {
    /// An empty world with flat routing: where a product's preset starts.
    pub fn flat() -> Self {
        WorldDecl { hosts: Vec::new(), switches: Vec::new(), cables: Vec::new(), routing: Routing::Flat, indexes: Indexes::default() }
    }

    pub fn with_switch(mut self, name: &str, addr: Option<Cidr>) -> Self {
        self.switches.push(SwitchDecl { name: name.into(), addr });
        self.indexes = Indexes::default();
        self
    }

    /// A host (not a router) with its NICs, each a name and an address.
    pub fn with_host(mut self, name: &str, nics: &[(&str, Cidr)]) -> Self {
        let nics = nics.iter().map(|(nic, addr)| NicDecl { name: (*nic).into(), addr: *addr, gateway: None }).collect();
        self.hosts.push(HostDecl { name: name.into(), router: false, nics });
        self.indexes = Indexes::default();
        self
    }

    pub fn with_cable(mut self, name: &str, a: End, b: End) -> Self {
        self.cables.push(CableDecl { name: name.into(), ends: (a, b) });
        self
    }

    /// One switch, and each host's one NIC (`NIC`) on it by a cable named "<host> cable".
    pub fn star(switch: &str, addr: Option<Cidr>, hosts: &[(&str, Cidr)]) -> Self {
        let with_hosts = hosts.iter().fold(WorldDecl::flat().with_switch(switch, addr), |w, (host, addr)| w.with_host(host, &[("NIC", *addr)]));
        hosts.iter().fold(with_hosts, |w, (host, _)| w.with_cable(&format!("{host} cable"), End::nic(host, "NIC"), End::Switch(switch.into())))
    }
}

impl End {
    pub fn nic(host: &str, nic: &str) -> Self {
        End::Nic(host.into(), nic.into())
    }
}

impl WorldDecl {
    pub fn host(&self, name: &str) -> Option<&HostDecl> {
        self.index().hosts.get(name).map(|&i| &self.hosts[i])
    }

    fn index(&self) -> &Index {
        self.indexes.0.get_or_init(|| {
            let mut hosts = BTreeMap::new();
            for (i, h) in self.hosts.iter().enumerate() {
                hosts.entry(h.name.clone()).or_insert(i);
            }
            let nics = self.hosts.iter().flat_map(|h| &h.nics).map(|n| n.addr.addr);
            Index { hosts, addrs: nics.chain(self.switches.iter().filter_map(|s| s.addr.map(|a| a.addr))).collect() }
        })
    }

    /// How many hosts, ports (NICs and switches) and cables the world lays out.
    pub fn size(&self) -> (usize, usize, usize) {
        let nics: usize = self.hosts.iter().map(|h| h.nics.len()).sum();
        (self.hosts.len(), nics + self.switches.len(), self.cables.len())
    }

    /// Whether the sizes `(hosts, ports, cables)` fit one world (the limits above).
    pub fn fits(size: (usize, usize, usize)) -> Result<(), String> {
        let (hosts, ports, cables) = size;
        let over = [(hosts, MAX_HOSTS, "hosts"), (ports, MAX_PORTS, "ports (NICs and switches)"), (cables, MAX_CABLES, "cables")];
        match over.iter().find(|(n, max, _)| n > max) {
            Some((n, max, what)) => Err(format!("{n} {what}; a world has at most {max}")),
            None => Ok(()),
        }
    }

    /// Whether some host's NIC or some switch has `ip` as its address (something answers there).
    pub fn holds(&self, ip: Ip) -> bool {
        self.index().addrs.contains(&ip)
    }

    /// Whether the named part a fault is about exists.
    pub fn check_fault(&self, f: &NamedFault) -> Result<(), String> {
        let switch = |s: &String| match self.switches.iter().any(|x| &x.name == s) {
            true => Ok(()),
            false => Err(format!("no switch named `{s}` (switches: {})", list(self.switches.iter().map(|x| &x.name)))),
        };
        let host = |h: &String| self.host(h).ok_or_else(|| format!("no host named `{h}` (hosts: {})", list(self.hosts.iter().map(|x| &x.name))));
        match f {
            NamedFault::Pull { cable } | NamedFault::Plug { cable } => match self.cables.iter().any(|c| &c.name == cable) {
                true => Ok(()),
                false => Err(format!("no cable named `{cable}` (cables: {})", list(self.cables.iter().map(|c| &c.name)))),
            },
            NamedFault::DisableNic { host: h, nic } | NamedFault::EnableNic { host: h, nic } => {
                let h = host(h)?;
                match h.nics.iter().any(|n| &n.name == nic) {
                    true => Ok(()),
                    false => Err(format!("host `{}` has no NIC `{nic}` (its NICs: {})", h.name, list(h.nics.iter().map(|n| &n.name)))),
                }
            }
            NamedFault::PowerFail(h) | NamedFault::PowerOn(h) => host(h).map(|_| ()),
            NamedFault::FailSwitch(s) | NamedFault::RestoreSwitch(s) => switch(s),
        }
    }

    /// Refuses what cannot be laid out: repeated names or addresses, unknown ends, a NIC with
    /// two cables, a gateway off its NIC's subnet, sizes past the limits. A refusal's place is
    /// the offending value in the declaration (a repeated one at its second declaration).
    pub fn check(&self) -> Result<(), Refusal> {
        self.check_sizes()?;
        let mut names: BTreeSet<&str> = BTreeSet::new();
        let declared = self.hosts.iter().enumerate().map(|(i, h)| (&h.name, Place::of("hosts").index(i)));
        let declared = declared.chain(self.switches.iter().enumerate().map(|(i, s)| (&s.name, Place::of("switches").index(i))));
        for (name, place) in declared {
            if !names.insert(name) {
                return Err(Refusal::at(place.field("name"), format!("`{name}` is declared twice (hosts and switches share one namespace)")));
            }
        }
        for (i, c) in self.cables.iter().enumerate() {
            if !names.insert(&c.name) {
                return Err(Refusal::at(Place::of("cables").index(i).field("name"), format!("`{}` names a cable and something else", c.name)));
            }
        }
        self.check_nics()?;
        self.check_cables()
    }

    fn check_sizes(&self) -> Result<(), Refusal> {
        // At the first one too many.
        let big = |list: &'static str, n: usize, max: usize| Refusal::at(Place::of(list).index(max), format!("{n} {list}; a world has at most {max}"));
        if self.hosts.len() > MAX_HOSTS {
            return Err(big("hosts", self.hosts.len(), MAX_HOSTS));
        }
        if self.switches.len() > MAX_SWITCHES {
            return Err(big("switches", self.switches.len(), MAX_SWITCHES));
        }
        if self.cables.len() > MAX_CABLES {
            return Err(big("cables", self.cables.len(), MAX_CABLES));
        }
        let ports = self.size().1;
        if ports > MAX_PORTS {
            return Err(Refusal::at(Place::of("hosts"), format!("{ports} ports (NICs and switches); a world has at most {MAX_PORTS}")));
        }
        match self.hosts.iter().enumerate().find(|(_, h)| h.nics.len() > MAX_NICS_PER_HOST || h.nics.is_empty()) {
            Some((i, h)) => {
                let place = Place::of("hosts").index(i).field("nics");
                Err(Refusal::at(place, format!("host `{}` has {} NICs; a host has 1 to {MAX_NICS_PER_HOST}", h.name, h.nics.len())))
            }
            None => Ok(()),
        }
    }

    fn check_nics(&self) -> Result<(), Refusal> {
        let mut addrs: BTreeMap<Ip, String> = BTreeMap::new();
        for (i, h) in self.hosts.iter().enumerate() {
            for (j, n) in h.nics.iter().enumerate() {
                let nic = Place::of("hosts").index(i).field("nics").index(j);
                if h.nics[..j].iter().any(|earlier| earlier.name == n.name) {
                    return Err(Refusal::at(nic.field("name"), format!("host `{}` has two NICs named `{}`", h.name, n.name)));
                }
                if let Some(g) = n.gateway
                    && !n.addr.contains(g)
                {
                    let message = format!("the gateway {g} of {}'s NIC `{}` is not on its subnet {}", h.name, n.name, n.addr);
                    return Err(Refusal::at(nic.field("gateway"), message));
                }
                let owner = format!("{}'s NIC `{}`", h.name, n.name);
                if let Some(first) = addrs.insert(n.addr.addr, owner.clone()) {
                    return Err(Refusal::at(nic.field("addr"), format!("{} is both {first}'s and {owner}'s address", n.addr.addr)));
                }
            }
        }
        for (k, s) in self.switches.iter().enumerate() {
            if let Some(a) = s.addr
                && let Some(first) = addrs.insert(a.addr, format!("switch `{}`", s.name))
            {
                let place = Place::of("switches").index(k).field("addr");
                return Err(Refusal::at(place, format!("{} is both {first}'s address and switch `{}`'s", a.addr, s.name)));
            }
        }
        Ok(())
    }

    fn check_cables(&self) -> Result<(), Refusal> {
        // Each end is looked up by name: indexed once, so a world of thousands of cables checks
        // in time linear in its size (names are unique: checked before).
        let hosts: BTreeMap<&str, &HostDecl> = self.hosts.iter().map(|h| (h.name.as_str(), h)).collect();
        let switches: BTreeSet<&str> = self.switches.iter().map(|s| s.name.as_str()).collect();
        let mut plugged: BTreeMap<&End, &str> = BTreeMap::new();
        for (i, c) in self.cables.iter().enumerate() {
            let at_end = |e: usize, message: String| Refusal::at(Place::of("cables").index(i).field("ends").index(e), format!("cable `{}`: {message}", c.name));
            for (e, end) in [&c.ends.0, &c.ends.1].into_iter().enumerate() {
                self.check_end(end, &hosts, &switches)
                    .map_err(|(part, m)| Refusal::at(Place::of("cables").index(i).field("ends").index(e).index(part), format!("cable `{}`: {m}", c.name)))?;
                if let End::Nic(host, nic) = end
                    && let Some(first) = plugged.insert(end, &c.name)
                {
                    return Err(at_end(e, format!("{host}'s NIC `{nic}` already has cable `{first}`; a NIC has one port")));
                }
            }
            if c.ends.0 == c.ends.1 {
                return Err(at_end(1, "both ends are in one place".into()));
            }
        }
        Ok(())
    }

    /// Whether an end's host and NIC, or switch, exist; else the part of the end that does not
    /// (0: the host or the switch, 1: the NIC) and why.
    fn check_end(&self, end: &End, hosts: &BTreeMap<&str, &HostDecl>, switches: &BTreeSet<&str>) -> Result<(), (usize, String)> {
        match end {
            End::Switch(s) if switches.contains(s.as_str()) => Ok(()),
            End::Switch(s) => Err((0, format!("no switch named `{s}` (switches: {})", list(self.switches.iter().map(|x| &x.name))))),
            End::Nic(h, n) => match hosts.get(h.as_str()) {
                None => Err((0, format!("no host named `{h}` (hosts: {})", list(self.hosts.iter().map(|x| &x.name))))),
                Some(host) if host.nics.iter().any(|x| &x.name == n) => Ok(()),
                Some(host) => Err((1, format!("host `{h}` has no NIC `{n}` (its NICs: {})", list(host.nics.iter().map(|x| &x.name))))),
            },
        }
    }

    /// Lays the world out after what `world` holds: every switch, host with its NICs, and
    /// cable, in declaration order, with the declared routing. Call [`WorldDecl::check`] first
    /// (a product's preset fits by construction). Returns the region it laid out.
    pub(super) fn build(&self, world: &mut World) -> Region {
        let ids = |(hosts, ports, cables): (usize, usize, usize)| {
            let id = |n: usize| u16::try_from(n).expect("a world's ids are 16-bit (MAX_HOSTS, MAX_CABLES)");
            (id(hosts), id(ports), id(cables))
        };
        let before = ids(world.net.counts());
        world.net.set_routing(self.routing);
        world.net.begin_layout();
        let mut switches = BTreeMap::new();
        for s in &self.switches {
            switches.insert(s.name.as_str(), world.net.add_switch(&s.name, s.addr.into_iter().collect()));
        }
        let mut nics = BTreeMap::new();
        for h in &self.hosts {
            let host = world.net.add_host(&h.name);
            world.net.set_forwarding(host, h.router);
            for n in &h.nics {
                let port = world.net.add_nic(host, &n.name, vec![n.addr]);
                world.net.set_gateway(port, n.gateway);
                nics.insert((h.name.as_str(), n.name.as_str()), port);
            }
        }
        let port = |end: &End| match end {
            End::Switch(s) => switches[s.as_str()],
            End::Nic(h, n) => nics[&(h.as_str(), n.as_str())],
        };
        for c in &self.cables {
            world.net.add_cable(&c.name, port(&c.ends.0), port(&c.ends.1));
        }
        world.net.end_layout();
        let after = ids(world.net.counts());
        assert_eq!(usize::from(after.0 - before.0), self.hosts.len(), "every declared host is laid out");
        Region { hosts: (before.0, after.0), ports: (before.1, after.1), cables: (before.2, after.2) }
    }
}

fn list<'a>(names: impl Iterator<Item = &'a String>) -> String {
    let names: Vec<&str> = names.map(String::as_str).collect();
    if names.is_empty() { "none".into() } else { names.join(", ") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_world_fits_its_limits_or_says_which_it_passes() {
        assert_eq!(WorldDecl::fits((MAX_HOSTS, MAX_PORTS, MAX_CABLES)), Ok(()), "the limits themselves fit");
        assert_eq!(WorldDecl::fits((MAX_HOSTS + 1, 0, 0)), Err("20001 hosts; a world has at most 20000".into()));
        assert_eq!(WorldDecl::fits((1, MAX_PORTS + 1, 1)), Err("65536 ports (NICs and switches); a world has at most 65535".into()));
        assert_eq!(WorldDecl::fits((1, 1, MAX_CABLES + 1)), Err("40001 cables; a world has at most 40000".into()));
    }

    /// A NIC as the tests write it: its name, its prefix and its gateway.
    type Nic<'a> = (&'a str, &'a str, Option<&'a str>);

    fn world(hosts: &[(&str, &[Nic])], switches: &[(&str, Option<&str>)], cables: &[(&str, End, End)]) -> WorldDecl {
        let nic = |(name, addr, gateway): &(&str, &str, Option<&str>)| NicDecl {
            name: (*name).into(),
            addr: addr.parse().expect("a prefix"),
            gateway: gateway.map(|g| g.parse().expect("an address")),
        };
        let hosts = hosts.iter().map(|(name, nics)| HostDecl { name: (*name).into(), router: false, nics: nics.iter().map(nic).collect() }).collect();
        let switches = switches.iter().map(|(name, addr)| SwitchDecl { name: (*name).into(), addr: addr.map(|a| a.parse().expect("a prefix")) }).collect();
        let cables = cables.iter().map(|(name, a, b)| CableDecl { name: (*name).into(), ends: (a.clone(), b.clone()) }).collect();
        WorldDecl { hosts, switches, cables, routing: Routing::Subnets, indexes: Indexes::default() }
    }

    /// The index answers what a scan would, is rebuilt when a builder adds a part, and is no
    /// part of the declaration: equality, `Debug` and serde see the declaration alone.
    #[test]
    fn names_and_addresses_answer_as_the_declaration_says_and_the_index_stays_out_of_it() {
        let w = world(&[("a", &[("n", "10.0.0.1/24", None)]), ("b", &[("n", "10.0.0.2/24", None)])], &[("s", Some("10.0.0.254/24"))], &[]);
        let fresh = w.clone();
        assert_eq!(w.host("b").map(|h| h.nics[0].addr.to_string()), Some("10.0.0.2/24".to_string()));
        assert!(w.host("c").is_none(), "no host c");
        let holds = |ip: &str| w.holds(ip.parse().expect("an address"));
        assert_eq!((holds("10.0.0.1"), holds("10.0.0.254"), holds("10.0.0.3")), (true, true, false), "two NICs' and a switch's address, not another");
        assert_eq!(w, fresh, "an indexed declaration equals its unindexed copy");
        assert_eq!(format!("{w:?}"), format!("{fresh:?}"));
        assert_eq!(serde_json::to_string(&w).unwrap(), serde_json::to_string(&fresh).unwrap());
        let grown = w.with_host("c", &[("n", "10.0.0.3/24".parse().expect("a prefix"))]);
        assert!(grown.host("c").is_some(), "a host added by a builder is found: the index was rebuilt");
        assert!(grown.holds("10.0.0.3".parse().expect("an address")));
    }

    /// The place of `world`'s refusal, as `--set` paths write it.
    fn refused_at(world: &WorldDecl) -> String {
        world.check().expect_err("a broken world").place.to_string()
    }

    #[test]
    fn each_refusal_points_at_the_offending_value() {
        let a = ("a", &[("n", "10.0.0.1/24", None)][..]);
        let b = ("b", &[("n", "10.0.0.2/24", None)][..]);
        assert_eq!(world(&[a, b], &[("sw", None)], &[]).check(), Ok(()));
        assert_eq!(refused_at(&world(&[a, b, a], &[], &[])), "hosts[2].name", "the second declaration");
        assert_eq!(refused_at(&world(&[a, b], &[("b", None)], &[])), "switches[0].name");
        assert_eq!(refused_at(&world(&[a, b], &[], &[("a", End::nic("a", "n"), End::nic("b", "n"))])), "cables[0].name");
        assert_eq!(refused_at(&world(&[a, ("b", &[("n", "10.0.0.2/24", None), ("n", "10.0.1.2/24", None)])], &[], &[])), "hosts[1].nics[1].name");
        assert_eq!(refused_at(&world(&[a, ("b", &[("n", "10.0.0.2/24", Some("10.1.0.1"))])], &[], &[])), "hosts[1].nics[0].gateway");
        assert_eq!(refused_at(&world(&[a, ("b", &[("n", "10.0.0.1/24", None)])], &[], &[])), "hosts[1].nics[0].addr");
        assert_eq!(refused_at(&world(&[a, b], &[("sw", Some("10.0.0.2/24"))], &[])), "switches[0].addr");
        assert_eq!(refused_at(&world(&[a, ("b", &[])], &[], &[])), "hosts[1].nics");
    }

    #[test]
    fn a_cable_is_refused_at_its_end_and_the_part_of_it_that_is_wrong() {
        let hosts = [("a", &[("n", "10.0.0.1/24", None)][..]), ("b", &[("n", "10.0.0.2/24", None)][..])];
        let with = |a: End, b: End| world(&hosts, &[("sw", None)], &[("c0", End::nic("a", "n"), End::Switch("sw".into())), ("c1", a, b)]);
        assert_eq!(refused_at(&with(End::Switch("sw".into()), End::nic("x", "n"))), "cables[1].ends[1][0]", "no such host");
        assert_eq!(refused_at(&with(End::Switch("sw".into()), End::nic("b", "x"))), "cables[1].ends[1][1]", "no such NIC");
        assert_eq!(refused_at(&with(End::Switch("x".into()), End::nic("b", "n"))), "cables[1].ends[0][0]", "no such switch");
        assert_eq!(refused_at(&with(End::nic("b", "n"), End::nic("a", "n"))), "cables[1].ends[1]", "a NIC with a cable already");
        assert_eq!(refused_at(&with(End::nic("b", "n"), End::nic("b", "n"))), "cables[1].ends[1]", "both ends in one place");
    }

    #[test]
    fn a_declared_world_with_more_ports_than_ids_is_refused() {
        // 4,100 hosts of 16 NICs: within the host and NIC limits, past the 16-bit port ids.
        let nics: Vec<(String, Cidr)> = (0..16).map(|i| (format!("n{i}"), Cidr::v4([10, i, 0, 1], 24))).collect();
        let nics: Vec<(&str, Cidr)> = nics.iter().map(|(n, a)| (n.as_str(), *a)).collect();
        let world = (0..4_100).fold(WorldDecl::flat(), |w, h| w.with_host(&format!("h{h}"), &nics));
        assert_eq!(world.size(), (4_100, 65_600, 0));
        let err = world.check_sizes().expect_err("too many ports");
        assert_eq!(err, Refusal::at(Place::of("hosts"), "65600 ports (NICs and switches); a world has at most 65535"));
    }
}
