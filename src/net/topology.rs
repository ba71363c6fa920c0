use super::ip::{Cidr, Ip};
use petgraph::graph::{EdgeIndex, NodeIndex, UnGraph};
use petgraph::unionfind::UnionFind;
use std::sync::Arc;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HostId(pub u16);

/// A NIC or a switch: a node of the cable graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PortId(pub u16);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CableId(pub u16);

#[derive(Clone, Debug, Hash)]
pub struct Host {
    pub name: String,
    pub powered: bool,
    pub nics: Vec<PortId>,
    /// A router: forwards packets between its NICs' subnets (and on to its own gateway).
    pub forwards: bool,
}

/// How addresses are reached over live paths.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize, Hash)]
pub enum Routing {
    /// Any port on a live path reaches any address held there, whatever the subnets: the
    /// built-in layouts, where every host shares one switch/router (FS-WORLD: they mean what
    /// they always meant).
    Flat,
    /// A declared world (FS-WORLD): an address in one of the sending NIC's subnets is reached
    /// over the live path; any other goes to the NIC's default gateway, which must be a router
    /// host, and from there on; the answer must find its way back the same way.
    Subnets,
}

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum PortKind {
    Nic { host: HostId, enabled: bool },
    Switch { powered: bool },
}

#[derive(Clone, Debug, Hash)]
pub struct Port {
    pub name: String,
    pub kind: PortKind,
    /// Addresses with their prefix, in the order they were assigned.
    pub addrs: Vec<Cidr>,
    /// The NIC's default gateway (subnet routing only).
    pub gateway: Option<Ip>,
}

#[derive(Clone, Debug, Hash)]
pub struct Cable {
    pub name: String,
    pub ends: (PortId, PortId),
    pub plugged: bool,
    edge: EdgeIndex,
}

impl Cable {
    /// The end that is not `near` (`near` itself for a cable looped back into one port).
    pub fn far_end(&self, near: PortId) -> PortId {
        if self.ends.0 == near { self.ends.1 } else { self.ends.0 }
    }
}

/// The physical network: hosts own NICs; NICs and switches are joined by cables.
///
/// Hosts are not graph nodes: a host does not forward between its NICs, so a path never runs
/// through one. Whether two ports can talk is decided by connected components of the *live*
/// graph (ports that are up, cables that are plugged), recomputed on every change. Changes are
/// rare and the graph is small; queries — one per heartbeat — are then two array reads.
///
/// A topology is cloned for every branch explore runs: its parts are shared between clones
/// (`Arc`) and copied only when a clone changes them (`Arc::make_mut`), so a branch that pulls
/// a cable copies the cables and shares the hosts, ports, names and graph.
#[derive(Clone, Debug)]
pub struct Topology {
    graph: Arc<UnGraph<PortId, CableId>>,
    hosts: Arc<Vec<Host>>,
    /// Each host name's hosts, in id order (names repeat between the regions of systems that
    /// each laid out a preset): a system binding to a world of thousands of hosts finds each
    /// of its own by name, not by a scan.
    host_names: Arc<std::collections::BTreeMap<String, Vec<HostId>>>,
    ports: Arc<Vec<Port>>,
    cables: Arc<Vec<Cable>>,
    /// Component label of each port in the live graph; `DOWN` when the port is down.
    component: Vec<u32>,
    /// The cables plugged into each port, in cable order (media sense looks at these alone).
    port_cables: Arc<Vec<Vec<CableId>>>,
    /// Who holds each address, in port order (a VIP may be held twice in a split brain).
    holders: Arc<std::collections::BTreeMap<Ip, Vec<PortId>>>,
    routing: Routing,
    /// Bumped by every change that can change an answer of [`Topology::reaches_ip`]: callers
    /// may keep an answer while the epoch stays (a quiet world answers each path once).
    epoch: u64,
    /// While a world is laid out, components are relabelled once at the end.
    deferred: bool,
}

/// The most routers a packet crosses before it is dropped (a routing loop ends there).
pub const MAX_HOPS: usize = 16;

const DOWN: u32 = u32::MAX;

/// Every field, the graph as its ports and its cables' ends (a cable can be laid mid-run).
impl std::hash::Hash for Topology {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        let Topology { graph, hosts, host_names, ports, cables, component, port_cables, holders, routing, epoch, deferred } = self;
        graph.raw_nodes().iter().for_each(|n| n.weight.hash(state));
        graph.raw_edges().iter().for_each(|e| (e.source(), e.target(), e.weight).hash(state));
        (hosts, host_names, ports, cables, component, port_cables, holders, routing, epoch, deferred).hash(state);
    }
}

impl Default for Topology {
    fn default() -> Self {
        Self::new()
    }
}

impl Topology {
    pub fn new() -> Self {
        Topology {
            graph: Arc::default(),
            hosts: Arc::default(),
            host_names: Arc::default(),
            ports: Arc::default(),
            cables: Arc::default(),
            component: Vec::new(),
            port_cables: Arc::default(),
            holders: Default::default(),
            routing: Routing::Flat,
            epoch: 0,
            deferred: false,
        }
    }

    /// The reachability epoch (see the field).
    #[inline]
    pub fn epoch(&self) -> u64 {
        self.epoch
    }

    /// Lays out many parts at once: components are relabelled once, by [`Topology::end_layout`].
    pub fn begin_layout(&mut self) {
        self.deferred = true;
    }

    pub fn end_layout(&mut self) {
        self.deferred = false;
        self.recompute();
    }

    pub fn set_routing(&mut self, routing: Routing) {
        self.routing = routing;
        self.epoch += 1;
    }

    pub fn routing(&self) -> Routing {
        self.routing
    }

    /// Makes `host` a router (or not).
    pub fn set_forwarding(&mut self, host: HostId, forwards: bool) {
        Arc::make_mut(&mut self.hosts)[host.0 as usize].forwards = forwards;
        self.epoch += 1;
    }

    /// Sets a NIC's default gateway.
    pub fn set_gateway(&mut self, port: PortId, gateway: Option<Ip>) {
        Arc::make_mut(&mut self.ports)[port.0 as usize].gateway = gateway;
        self.epoch += 1;
    }

    pub fn add_host(&mut self, name: &str) -> HostId {
        let id = HostId(u16::try_from(self.hosts.len()).expect("host count fits u16"));
        Arc::make_mut(&mut self.hosts).push(Host { name: name.to_string(), powered: true, nics: Vec::new(), forwards: false });
        Arc::make_mut(&mut self.host_names).entry(name.to_string()).or_default().push(id);
        id
    }

    /// The hosts named `name`, in id order.
    pub fn hosts_named(&self, name: &str) -> &[HostId] {
        self.host_names.get(name).map_or(&[], Vec::as_slice)
    }

    fn add_port(&mut self, name: String, kind: PortKind, addrs: Vec<Cidr>) -> PortId {
        let id = PortId(u16::try_from(self.ports.len()).expect("port count fits u16"));
        let node = Arc::make_mut(&mut self.graph).add_node(id);
        debug_assert_eq!(node.index(), id.0 as usize);
        for addr in &addrs {
            Arc::make_mut(&mut self.holders).entry(addr.addr).or_default().push(id);
        }
        Arc::make_mut(&mut self.ports).push(Port { name, kind, addrs, gateway: None });
        Arc::make_mut(&mut self.port_cables).push(Vec::new());
        self.recompute();
        id
    }

    pub fn add_nic(&mut self, host: HostId, name: &str, addrs: Vec<Cidr>) -> PortId {
        let id = self.add_port(name.to_string(), PortKind::Nic { host, enabled: true }, addrs);
        Arc::make_mut(&mut self.hosts)[host.0 as usize].nics.push(id);
        id
    }

    pub fn add_switch(&mut self, name: &str, addrs: Vec<Cidr>) -> PortId {
        self.add_port(name.to_string(), PortKind::Switch { powered: true }, addrs)
    }

    pub fn add_cable(&mut self, name: &str, a: PortId, b: PortId) -> CableId {
        let id = CableId(u16::try_from(self.cables.len()).expect("cable count fits u16"));
        let edge = Arc::make_mut(&mut self.graph).add_edge(NodeIndex::new(a.0 as usize), NodeIndex::new(b.0 as usize), id);
        Arc::make_mut(&mut self.cables).push(Cable { name: name.to_string(), ends: (a, b), plugged: true, edge });
        Arc::make_mut(&mut self.port_cables)[a.0 as usize].push(id);
        if b != a {
            Arc::make_mut(&mut self.port_cables)[b.0 as usize].push(id);
        }
        self.recompute();
        id
    }

    pub fn host(&self, id: HostId) -> &Host {
        &self.hosts[id.0 as usize]
    }

    /// How many hosts, ports and cables the network has (the next ids).
    pub fn counts(&self) -> (usize, usize, usize) {
        (self.hosts.len(), self.ports.len(), self.cables.len())
    }

    pub fn hosts(&self) -> impl Iterator<Item = (HostId, &Host)> {
        self.hosts.iter().enumerate().map(|(i, h)| (HostId(i as u16), h))
    }

    pub fn port(&self, id: PortId) -> &Port {
        &self.ports[id.0 as usize]
    }

    pub fn ports(&self) -> impl Iterator<Item = (PortId, &Port)> {
        self.ports.iter().enumerate().map(|(i, p)| (PortId(i as u16), p))
    }

    pub fn cable(&self, id: CableId) -> &Cable {
        &self.cables[id.0 as usize]
    }

    pub fn cables(&self) -> impl Iterator<Item = (CableId, &Cable)> {
        self.cables.iter().enumerate().map(|(i, c)| (CableId(i as u16), c))
    }

    pub fn graph(&self) -> &UnGraph<PortId, CableId> {
        &self.graph
    }

    /// Each cable's state as a timeline lane: `(name, "plugged" | "pulled")`.
    /// Every cable's name and whether it is plugged in, in declaration order, with its id.
    pub fn cable_states(&self) -> impl Iterator<Item = (CableId, &str, bool)> + '_ {
        self.cables.iter().enumerate().map(|(i, c)| (CableId(u16::try_from(i).expect("at most MAX_CABLES cables")), c.name.as_str(), c.plugged))
    }

    /// The cables attached to `port` (plugged or not), in cable order.
    pub fn cables_at(&self, port: PortId) -> &[CableId] {
        &self.port_cables[port.0 as usize]
    }

    /// The cable plugged into `port`, if one is attached to it (plugged or not).
    pub fn cable_of(&self, port: PortId) -> Option<CableId> {
        self.port_cables[port.0 as usize].first().copied()
    }

    pub fn port_is_up(&self, id: PortId) -> bool {
        match self.ports[id.0 as usize].kind {
            PortKind::Nic { host, enabled } => enabled && self.hosts[host.0 as usize].powered,
            PortKind::Switch { powered } => powered,
        }
    }

    /// Media sense: the NIC is up and a plugged cable joins it to a port that is up.
    pub fn has_link(&self, id: PortId) -> bool {
        self.port_is_up(id) && self.port_cables[id.0 as usize].iter().map(|c| &self.cables[c.0 as usize]).any(|c| c.plugged && self.port_is_up(c.far_end(id)))
    }

    /// Whether `a` and `b` can exchange packets over live cables.
    #[inline]
    pub fn connected(&self, a: PortId, b: PortId) -> bool {
        let ca = self.component[a.0 as usize];
        ca != DOWN && ca == self.component[b.0 as usize]
    }

    /// Whether `from` reaches `ip` and hears back (a ping's answer, a TCP handshake): over the
    /// live path, and between subnets through routers when the world routes by subnet.
    pub fn reaches_ip(&self, from: PortId, ip: Ip) -> bool {
        self.reached_holder(from, ip).is_some()
    }

    /// Whether `from` reaches `to` at `to`'s own address (its first) and hears back: what peers
    /// that talk by address need (on one subnet, a live path; between subnets, the routers).
    pub fn reaches_port(&self, from: PortId, to: PortId) -> bool {
        self.ports[to.0 as usize].addrs.first().is_some_and(|own| self.reaches_ip(from, own.addr))
    }

    /// The port that answers `from` at `ip` (the first in port order, when several hold it).
    pub fn reached_holder(&self, from: PortId, ip: Ip) -> Option<PortId> {
        let egress = self.egress(from, ip)?;
        self.holders(ip).find(|h| self.connected(egress, *h) && self.answers(*h, from))
    }

    /// Whether `from` reaches `ip` at `holder` in particular (a VIP held twice: is this copy
    /// of it reachable?).
    pub fn reaches_at(&self, from: PortId, ip: Ip, holder: PortId) -> bool {
        let holds = self.ports[holder.0 as usize].addrs.iter().any(|c| c.addr == ip);
        holds && self.egress(from, ip).is_some_and(|egress| self.connected(egress, holder)) && self.answers(holder, from)
    }

    /// Ports currently holding `ip`, in port order (several in a split brain over a virtual IP).
    pub fn holders(&self, ip: Ip) -> impl Iterator<Item = PortId> + '_ {
        self.holders.get(&ip).into_iter().flatten().copied()
    }

    /// Whether `holder`'s answer finds its way back to `to` (always, in a flat world: the
    /// request came over a live path).
    fn answers(&self, holder: PortId, to: PortId) -> bool {
        match self.routing {
            Routing::Flat => true,
            Routing::Subnets => {
                self.ports[to.0 as usize].addrs.first().is_some_and(|back| self.egress(holder, back.addr).is_some_and(|egress| self.connected(egress, to)))
            }
        }
    }

    /// The port a packet from `from` to `ip` leaves from onto `ip`'s subnet: `from` itself in a
    /// flat world or when `ip` is on its subnet; else the NIC of the last router its gateway
    /// leads to. `None`: no route.
    fn egress(&self, from: PortId, ip: Ip) -> Option<PortId> {
        if !self.port_is_up(from) {
            return None;
        }
        if self.routing == Routing::Flat || self.on_subnet(from, ip) {
            return Some(from);
        }
        // A router sends from whichever of its NICs fits (its own answers too).
        let mut router = self.host_of(from).filter(|h| self.hosts[h.0 as usize].forwards);
        let mut at = from;
        for _ in 0..MAX_HOPS {
            if let Some(host) = router {
                let nics = &self.hosts[host.0 as usize].nics;
                let up = |q: &&PortId| self.port_is_up(**q);
                if let Some(&q) = nics.iter().filter(up).find(|q| self.on_subnet(**q, ip)) {
                    return Some(q);
                }
                at = *nics.iter().filter(up).find(|q| self.ports[q.0 as usize].gateway.is_some())?;
            }
            let gateway = self.ports[at.0 as usize].gateway?;
            if !self.on_subnet(at, gateway) {
                return None;
            }
            let next = self.holders(gateway).find(|h| self.connected(at, *h))?;
            router = Some(self.host_of(next).filter(|h| self.hosts[h.0 as usize].forwards)?);
        }
        None
    }

    /// Whether `ip` is on one of `port`'s subnets.
    fn on_subnet(&self, port: PortId, ip: Ip) -> bool {
        self.ports[port.0 as usize].addrs.iter().any(|c| c.contains(ip))
    }

    pub fn host_of(&self, port: PortId) -> Option<HostId> {
        match self.ports[port.0 as usize].kind {
            PortKind::Nic { host, .. } => Some(host),
            PortKind::Switch { .. } => None,
        }
    }

    // Each setter looks before it changes: a shared list is copied only to change it.

    pub fn set_plugged(&mut self, cable: CableId, plugged: bool) -> bool {
        if self.cables[cable.0 as usize].plugged == plugged {
            return false;
        }
        Arc::make_mut(&mut self.cables)[cable.0 as usize].plugged = plugged;
        self.recompute();
        true
    }

    pub fn set_nic_enabled(&mut self, port: PortId, on: bool) -> bool {
        let up = match self.ports[port.0 as usize].kind {
            PortKind::Nic { enabled, .. } => enabled,
            PortKind::Switch { powered } => powered,
        };
        if up == on {
            return false;
        }
        match &mut Arc::make_mut(&mut self.ports)[port.0 as usize].kind {
            PortKind::Nic { enabled, .. } => *enabled = on,
            PortKind::Switch { powered } => *powered = on,
        }
        self.recompute();
        true
    }

    pub fn set_powered(&mut self, host: HostId, on: bool) -> bool {
        if self.hosts[host.0 as usize].powered == on {
            return false;
        }
        Arc::make_mut(&mut self.hosts)[host.0 as usize].powered = on;
        self.recompute();
        true
    }

    pub fn add_addr(&mut self, port: PortId, addr: Cidr) -> bool {
        if self.ports[port.0 as usize].addrs.contains(&addr) {
            return false;
        }
        Arc::make_mut(&mut self.ports)[port.0 as usize].addrs.push(addr);
        let holders = Arc::make_mut(&mut self.holders).entry(addr.addr).or_default();
        let at = holders.partition_point(|p| *p < port);
        holders.insert(at, port);
        self.epoch += 1;
        true
    }

    pub fn remove_addr(&mut self, port: PortId, ip: Ip) -> bool {
        if !self.ports[port.0 as usize].addrs.iter().any(|c| c.addr == ip) {
            return false;
        }
        Arc::make_mut(&mut self.ports)[port.0 as usize].addrs.retain(|c| c.addr != ip);
        self.epoch += 1;
        let holders = Arc::make_mut(&mut self.holders);
        if let Some(held) = holders.get_mut(&ip) {
            held.retain(|p| *p != port);
            if held.is_empty() {
                holders.remove(&ip);
            }
        }
        true
    }

    /// Relabels the live graph's connected components (union-find over live cables).
    fn recompute(&mut self) {
        self.epoch += 1;
        if self.deferred {
            return;
        }
        let n = self.ports.len();
        let mut uf = UnionFind::<usize>::new(n);
        for c in self.cables.iter() {
            let (a, b) = c.ends;
            if c.plugged && self.port_is_up(a) && self.port_is_up(b) {
                debug_assert_eq!(self.graph.edge_endpoints(c.edge).map(|(x, y)| (x.index(), y.index())), Some((a.0 as usize, b.0 as usize)));
                uf.union(a.0 as usize, b.0 as usize);
            }
        }
        self.component.clear();
        for i in 0..n {
            let up = self.port_is_up(PortId(i as u16));
            self.component.push(if up { uf.find(i) as u32 } else { DOWN });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cidr(s: &str) -> Cidr {
        s.parse().unwrap()
    }

    /// Two hosts on a switch plus a direct cable between their second NICs.
    fn pair() -> (Topology, [PortId; 5], [CableId; 3], [HostId; 2]) {
        let mut t = Topology::new();
        let sw = t.add_switch("switch", vec![cidr("10.0.0.254/24")]);
        let a = t.add_host("A");
        let b = t.add_host("B");
        let a1 = t.add_nic(a, "corp", vec![cidr("10.0.0.1/24")]);
        let a2 = t.add_nic(a, "sync", vec![cidr("192.168.0.1/24")]);
        let b1 = t.add_nic(b, "corp", vec![cidr("10.0.0.2/24")]);
        let b2 = t.add_nic(b, "sync", vec![cidr("192.168.0.2/24")]);
        let ca = t.add_cable("A-corp", a1, sw);
        let cb = t.add_cable("B-corp", b1, sw);
        let cs = t.add_cable("sync", a2, b2);
        (t, [sw, a1, a2, b1, b2], [ca, cb, cs], [a, b])
    }

    /// Clones share their parts until one changes them: a change in a clone (explore's
    /// branch) never shows in the original, nor the reverse.
    #[test]
    fn a_change_in_a_clone_stays_in_the_clone() {
        let (original, [_, a1, _, b1, _], [ca, ..], [a, _]) = pair();
        let vip = cidr("10.0.0.100/24");
        let mut branch = original.clone();
        assert!(branch.set_plugged(ca, false), "the cable was plugged");
        assert!(branch.set_nic_enabled(b1, false), "the NIC was enabled");
        assert!(branch.set_powered(a, false), "the host was powered");
        assert!(branch.add_addr(b1, vip), "the address was not held");
        assert!(!branch.set_plugged(ca, false), "pulling a pulled cable changes nothing");
        assert!(!branch.set_nic_enabled(b1, false), "disabling a disabled NIC changes nothing");
        assert!(!branch.set_powered(a, false), "a host without power loses none");
        assert!(original.cable(ca).plugged, "the original's cable stays plugged");
        assert!(original.port_is_up(b1), "the original's NIC stays enabled");
        assert!(original.host(a).powered, "the original's host stays powered");
        assert_eq!(original.holders(vip.addr).count(), 0, "the original holds no VIP");
        assert!(original.connected(a1, b1), "the original's paths stand");
        let mut again = branch.clone();
        assert!(again.remove_addr(b1, vip.addr), "the clone of the branch holds the VIP");
        assert_eq!(branch.holders(vip.addr).collect::<Vec<_>>(), [b1], "the branch keeps holding it");
        let mut split = original.clone();
        assert!(split.add_addr(a1, vip) && split.add_addr(b1, vip), "two holders of the VIP (a split brain)");
        assert!(branch.add_addr(a1, vip), "the same two, taken the other way round");
        let in_port_order = [a1, b1];
        assert_eq!(split.holders(vip.addr).collect::<Vec<_>>(), in_port_order, "holders in port order");
        assert_eq!(branch.holders(vip.addr).collect::<Vec<_>>(), in_port_order, "whatever the order they took it");
    }

    #[test]
    fn paths_follow_plugged_cables() {
        let (mut t, [sw, a1, a2, b1, b2], [ca, _, cs], _) = pair();
        assert!(t.connected(a1, b1) && t.connected(a2, b2) && t.connected(a1, sw));
        assert!(!t.connected(a1, b2), "a host does not route between its NICs");
        t.set_plugged(ca, false);
        assert!(!t.connected(a1, b1) && !t.connected(a1, sw));
        assert!(t.connected(b1, sw) && t.connected(a2, b2));
        t.set_plugged(cs, false);
        assert!(!t.connected(a2, b2));
        t.set_plugged(ca, true);
        assert!(t.connected(a1, b1));
    }

    #[test]
    fn power_and_nic_state_cut_paths_and_links() {
        let (mut t, [sw, a1, a2, b1, b2], _, [a, _]) = pair();
        t.set_powered(a, false);
        assert!(!t.connected(a1, sw) && !t.port_is_up(a1));
        assert!(!t.has_link(b2), "a direct cable loses carrier when the far end powers off");
        assert!(t.has_link(b1));
        t.set_powered(a, true);
        t.set_nic_enabled(a2, false);
        assert!(!t.connected(a2, b2) && !t.has_link(b2));
        t.set_nic_enabled(sw, false);
        assert!(!t.connected(a1, b1));
    }

    #[test]
    fn address_holders_and_reachability() {
        let (mut t, [_, a1, _, b1, _], [ca, _, _], _) = pair();
        let vip: Ip = "10.0.0.5".parse().unwrap();
        assert!(!t.reaches_ip(b1, vip));
        t.add_addr(a1, cidr("10.0.0.5/24"));
        assert!(t.reaches_ip(b1, vip));
        t.set_plugged(ca, false);
        assert!(!t.reaches_ip(b1, vip));
        assert!(t.remove_addr(a1, vip));
        assert_eq!(t.holders(vip).count(), 0);
    }

    /// A: 10.1.0.11 on switch s1; router R joins 10.1.0.0/24 (s1) and 10.2.0.0/24 (s2); DC:
    /// 10.2.0.10 on s2. Both hosts point their gateway at R.
    fn routed() -> (Topology, [PortId; 3], HostId, CableId) {
        let mut t = Topology::new();
        t.set_routing(Routing::Subnets);
        let (s1, s2) = (t.add_switch("s1", vec![]), t.add_switch("s2", vec![]));
        let (a, r, dc) = (t.add_host("A"), t.add_host("R"), t.add_host("DC"));
        t.set_forwarding(r, true);
        let a_nic = t.add_nic(a, "nic", vec![cidr("10.1.0.11/24")]);
        let r1 = t.add_nic(r, "lan", vec![cidr("10.1.0.1/24")]);
        let r2 = t.add_nic(r, "dc", vec![cidr("10.2.0.1/24")]);
        let dc_nic = t.add_nic(dc, "nic", vec![cidr("10.2.0.10/24")]);
        t.set_gateway(a_nic, Some("10.1.0.1".parse().unwrap()));
        t.set_gateway(dc_nic, Some("10.2.0.1".parse().unwrap()));
        t.add_cable("a", a_nic, s1);
        t.add_cable("r1", r1, s1);
        let r2_cable = t.add_cable("r2", r2, s2);
        t.add_cable("dc", dc_nic, s2);
        (t, [a_nic, r1, dc_nic], r, r2_cable)
    }

    #[test]
    fn subnets_are_crossed_only_through_a_router() {
        let (mut t, [a, r1, dc], r, r2_cable) = routed();
        let dc_ip: Ip = "10.2.0.10".parse().unwrap();
        assert!(t.reaches_ip(a, dc_ip), "A -> gateway R -> DC, and back");
        assert!(t.reaches_ip(a, "10.2.0.1".parse().unwrap()), "the router's far interface answers");
        assert!(t.reaches_ip(dc, "10.1.0.11".parse().unwrap()));
        assert!(t.reaches_ip(r1, "10.1.0.11".parse().unwrap()), "on the same subnet, no router needed");
        t.set_plugged(r2_cable, false);
        assert!(!t.reaches_ip(a, dc_ip), "the router lost its leg to the DC's subnet");
        assert!(t.reaches_ip(a, "10.1.0.1".parse().unwrap()));
        t.set_plugged(r2_cable, true);
        t.set_powered(r, false);
        assert!(!t.reaches_ip(a, dc_ip), "a router without power forwards nothing");
        t.set_powered(r, true);
        t.set_forwarding(r, false);
        assert!(!t.reaches_ip(a, dc_ip), "a host that does not forward is no router");
        t.set_forwarding(r, true);
        t.set_gateway(dc, None);
        assert!(!t.reaches_ip(a, dc_ip), "the DC has no way back to A's subnet: no answer");
        t.set_gateway(dc, Some("10.2.0.1".parse().unwrap()));
        t.set_gateway(a, None);
        assert!(!t.reaches_ip(a, dc_ip), "no gateway: only A's own subnet");
    }

    #[test]
    fn flat_routing_ignores_subnets_and_subnet_routing_does_not() {
        let (mut t, [_, a1, _, b1, _], _, _) = pair();
        t.add_addr(b1, cidr("172.16.0.9/16"));
        assert!(t.reaches_ip(a1, "172.16.0.9".parse().unwrap()), "flat: the live path is enough");
        t.set_routing(Routing::Subnets);
        assert!(!t.reaches_ip(a1, "172.16.0.9".parse().unwrap()), "another subnet and no gateway");
        assert!(t.reaches_ip(a1, "10.0.0.2".parse().unwrap()));
    }

    #[test]
    fn the_address_index_follows_adds_and_removes() {
        let (mut t, [sw, a1, _, b1, _], _, _) = pair();
        let vip: Ip = "10.0.0.5".parse().unwrap();
        t.add_addr(b1, cidr("10.0.0.5/24"));
        t.add_addr(a1, cidr("10.0.0.5/24"));
        assert_eq!(t.holders(vip).collect::<Vec<_>>(), vec![a1, b1], "in port order");
        assert!(!t.add_addr(a1, cidr("10.0.0.5/24")), "held already");
        t.remove_addr(a1, vip);
        assert_eq!(t.holders(vip).collect::<Vec<_>>(), vec![b1]);
        assert_eq!(t.holders("10.0.0.254".parse().unwrap()).collect::<Vec<_>>(), vec![sw]);
    }

    #[test]
    fn routes_cross_several_routers_and_a_loop_ends() {
        // A (10.1/24) -> R (10.1, 10.9) -> R2 (10.9, 10.3) -> C (10.3/24); R's default route
        // is R2 and R2's is R, so a packet to an unknown subnet loops until MAX_HOPS.
        let mut t = Topology::new();
        t.set_routing(Routing::Subnets);
        let sw = t.add_switch("sw", vec![]);
        let ip = |s: &str| -> Ip { s.parse().unwrap() };
        let nic = |t: &mut Topology, host: HostId, addr: &str, gw: Option<&str>| {
            let p = t.add_nic(host, addr, vec![cidr(addr)]);
            t.set_gateway(p, gw.map(ip));
            t.add_cable(addr, p, sw);
            p
        };
        let (a, r, r2, c) = (t.add_host("A"), t.add_host("R"), t.add_host("R2"), t.add_host("C"));
        t.set_forwarding(r, true);
        t.set_forwarding(r2, true);
        let a_nic = nic(&mut t, a, "10.1.0.11/24", Some("10.1.0.1"));
        nic(&mut t, r, "10.1.0.1/24", None);
        nic(&mut t, r, "10.9.0.1/24", Some("10.9.0.2"));
        nic(&mut t, r2, "10.9.0.2/24", Some("10.9.0.1"));
        nic(&mut t, r2, "10.3.0.1/24", None);
        nic(&mut t, c, "10.3.0.7/24", Some("10.3.0.1"));
        assert!(t.reaches_ip(a_nic, ip("10.3.0.7")), "two routers on the way, and back");
        assert!(!t.reaches_ip(a_nic, ip("10.77.0.1")), "a routing loop ends without an answer");
    }

    /// Callers keep `reaches_ip` answers while the epoch stays (the DataMiner heartbeat and
    /// sync paths do): every change that can change an answer must move it.
    #[test]
    fn every_change_of_reachability_moves_the_epoch() {
        let (mut t, [sw, a1, _, b1, _], [ca, _, _], [a, _]) = pair();
        let ip = |s: &str| s.parse::<Ip>().unwrap();
        let mut epoch = t.epoch();
        let mut moved = |t: &Topology, what: &str| {
            assert_ne!(t.epoch(), epoch, "{what}: the epoch stayed at {epoch}");
            epoch = t.epoch();
        };
        let before = t.reaches_ip(a1, ip("10.0.0.2"));
        t.set_plugged(ca, false);
        moved(&t, "a cable pulled");
        assert_ne!(t.reaches_ip(a1, ip("10.0.0.2")), before, "and the answer changed with it");
        t.set_plugged(ca, true);
        moved(&t, "a cable plugged");
        t.set_nic_enabled(b1, false);
        moved(&t, "a NIC disabled");
        t.set_nic_enabled(sw, false);
        moved(&t, "a switch failed");
        t.set_powered(a, false);
        moved(&t, "a host's power lost");
        t.add_addr(a1, "10.0.0.5/24".parse().unwrap());
        moved(&t, "an address held");
        t.remove_addr(a1, ip("10.0.0.5"));
        moved(&t, "an address let go");
        t.set_routing(Routing::Subnets);
        moved(&t, "routing by subnet");
        t.set_gateway(a1, Some(ip("10.0.0.254")));
        moved(&t, "a gateway set");
        t.set_forwarding(a, true);
        moved(&t, "a router made");
        t.add_cable("new", a1, b1);
        moved(&t, "a cable laid");
    }
}
