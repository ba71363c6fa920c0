use super::ip::{Cidr, Ip};
use petgraph::graph::{EdgeIndex, NodeIndex, UnGraph};
use petgraph::unionfind::UnionFind;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HostId(pub u16);

/// A NIC or a switch: a node of the cable graph.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PortId(pub u16);

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CableId(pub u16);

#[derive(Clone, Debug)]
pub struct Host {
    pub name: String,
    pub powered: bool,
    pub nics: Vec<PortId>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortKind {
    Nic { host: HostId, enabled: bool },
    Switch { powered: bool },
}

#[derive(Clone, Debug)]
pub struct Port {
    pub name: String,
    pub kind: PortKind,
    /// Addresses with their prefix, in the order they were assigned.
    pub addrs: Vec<Cidr>,
}

#[derive(Clone, Debug)]
pub struct Cable {
    pub name: String,
    pub ends: (PortId, PortId),
    pub plugged: bool,
    edge: EdgeIndex,
}

/// The physical network: hosts own NICs; NICs and switches are joined by cables.
///
/// Hosts are not graph nodes: a host does not forward between its NICs, so a path never runs
/// through one. Whether two ports can talk is decided by connected components of the *live*
/// graph (ports that are up, cables that are plugged), recomputed on every change. Changes are
/// rare and the graph is small; queries — one per heartbeat — are then two array reads.
#[derive(Clone, Debug)]
pub struct Topology {
    graph: UnGraph<PortId, CableId>,
    hosts: Vec<Host>,
    ports: Vec<Port>,
    cables: Vec<Cable>,
    /// Component label of each port in the live graph; `DOWN` when the port is down.
    component: Vec<u32>,
}

const DOWN: u32 = u32::MAX;

impl Default for Topology {
    fn default() -> Self {
        Self::new()
    }
}

impl Topology {
    pub fn new() -> Self {
        Topology { graph: UnGraph::default(), hosts: Vec::new(), ports: Vec::new(), cables: Vec::new(), component: Vec::new() }
    }

    pub fn add_host(&mut self, name: &str) -> HostId {
        let id = HostId(u16::try_from(self.hosts.len()).expect("host count fits u16"));
        self.hosts.push(Host { name: name.to_string(), powered: true, nics: Vec::new() });
        id
    }

    fn add_port(&mut self, name: String, kind: PortKind, addrs: Vec<Cidr>) -> PortId {
        let id = PortId(u16::try_from(self.ports.len()).expect("port count fits u16"));
        let node = self.graph.add_node(id);
        debug_assert_eq!(node.index(), id.0 as usize);
        self.ports.push(Port { name, kind, addrs });
        self.recompute();
        id
    }

    pub fn add_nic(&mut self, host: HostId, name: &str, addrs: Vec<Cidr>) -> PortId {
        let id = self.add_port(name.to_string(), PortKind::Nic { host, enabled: true }, addrs);
        self.hosts[host.0 as usize].nics.push(id);
        id
    }

    pub fn add_switch(&mut self, name: &str, addrs: Vec<Cidr>) -> PortId {
        self.add_port(name.to_string(), PortKind::Switch { powered: true }, addrs)
    }

    pub fn add_cable(&mut self, name: &str, a: PortId, b: PortId) -> CableId {
        let id = CableId(u16::try_from(self.cables.len()).expect("cable count fits u16"));
        let edge = self.graph.add_edge(NodeIndex::new(a.0 as usize), NodeIndex::new(b.0 as usize), id);
        self.cables.push(Cable { name: name.to_string(), ends: (a, b), plugged: true, edge });
        self.recompute();
        id
    }

    pub fn host(&self, id: HostId) -> &Host {
        &self.hosts[id.0 as usize]
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
    pub fn cable_lanes(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.cables.iter().map(|c| (c.name.clone(), if c.plugged { "plugged" } else { "pulled" }.to_string()))
    }

    /// The cable plugged into `port`, if one is attached to it (plugged or not).
    pub fn cable_of(&self, port: PortId) -> Option<CableId> {
        self.cables.iter().position(|c| c.ends.0 == port || c.ends.1 == port).map(|i| CableId(i as u16))
    }

    pub fn port_is_up(&self, id: PortId) -> bool {
        match self.ports[id.0 as usize].kind {
            PortKind::Nic { host, enabled } => enabled && self.hosts[host.0 as usize].powered,
            PortKind::Switch { powered } => powered,
        }
    }

    /// Media sense: the NIC is up and a plugged cable joins it to a port that is up.
    pub fn has_link(&self, id: PortId) -> bool {
        self.port_is_up(id)
            && self.cables.iter().any(|c| c.plugged && ((c.ends.0 == id && self.port_is_up(c.ends.1)) || (c.ends.1 == id && self.port_is_up(c.ends.0))))
    }

    /// Whether `a` and `b` can exchange packets over live cables.
    #[inline]
    pub fn connected(&self, a: PortId, b: PortId) -> bool {
        let ca = self.component[a.0 as usize];
        ca != DOWN && ca == self.component[b.0 as usize]
    }

    /// Whether any port holding `ip` is reachable from `from`.
    pub fn reaches_ip(&self, from: PortId, ip: Ip) -> bool {
        self.holders(ip).any(|p| self.connected(from, p))
    }

    /// Ports currently holding `ip`, in port order (several in a split brain over a virtual IP).
    pub fn holders(&self, ip: Ip) -> impl Iterator<Item = PortId> + '_ {
        self.ports().filter(move |(_, p)| p.addrs.iter().any(|c| c.addr == ip)).map(|(id, _)| id)
    }

    pub fn host_of(&self, port: PortId) -> Option<HostId> {
        match self.ports[port.0 as usize].kind {
            PortKind::Nic { host, .. } => Some(host),
            PortKind::Switch { .. } => None,
        }
    }

    pub fn set_plugged(&mut self, cable: CableId, plugged: bool) -> bool {
        let c = &mut self.cables[cable.0 as usize];
        let changed = c.plugged != plugged;
        c.plugged = plugged;
        if changed {
            self.recompute();
        }
        changed
    }

    pub fn set_nic_enabled(&mut self, port: PortId, on: bool) -> bool {
        let changed = match &mut self.ports[port.0 as usize].kind {
            PortKind::Nic { enabled, .. } => std::mem::replace(enabled, on) != on,
            PortKind::Switch { powered } => std::mem::replace(powered, on) != on,
        };
        if changed {
            self.recompute();
        }
        changed
    }

    pub fn set_powered(&mut self, host: HostId, on: bool) -> bool {
        let changed = std::mem::replace(&mut self.hosts[host.0 as usize].powered, on) != on;
        if changed {
            self.recompute();
        }
        changed
    }

    pub fn add_addr(&mut self, port: PortId, addr: Cidr) -> bool {
        let addrs = &mut self.ports[port.0 as usize].addrs;
        let added = !addrs.contains(&addr);
        if added {
            addrs.push(addr);
        }
        added
    }

    pub fn remove_addr(&mut self, port: PortId, ip: Ip) -> bool {
        let addrs = &mut self.ports[port.0 as usize].addrs;
        let before = addrs.len();
        addrs.retain(|c| c.addr != ip);
        addrs.len() != before
    }

    /// Relabels the live graph's connected components (union-find over live cables).
    fn recompute(&mut self) {
        let n = self.ports.len();
        let mut uf = UnionFind::<usize>::new(n);
        for c in &self.cables {
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
}
