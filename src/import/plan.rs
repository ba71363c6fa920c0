//! From the typed file to the world and systems a scenario declares: the subnets (from the
//! masks), a host per machine with a NIC per configured address, the elements the file implies
//! but does not name (one router joining the subnets, a client on each system's corporate
//! subnet), a DataMiner pair per `DMA` tag that names a failover DMA and a standalone agent per
//! `DMA` tag that does not. Everything is kept in file order, so the same file gives the same
//! scenario byte for byte.

use super::xml::{At, DbKind, Dma, Dms};
use super::{Problem, Where};
use crate::net::{Cidr, Ip};
use std::collections::BTreeSet;

/// The prefix length of an address the file gives no mask for and that no masked subnet of
/// the file contains (a failsim default, stated in the README and in each generated file).
pub const DEFAULT_PREFIX_LEN: u8 = 24;

/// The most subnets a file may span: one router joins them, and a host has at most 16 NICs
/// (the world's limit).
const MAX_SUBNETS: usize = 16;

/// Why a subnet is what it is.
#[derive(Clone, Debug)]
pub enum Why {
    /// An address with its mask (`IP1` with `IPMask1`, …).
    Mask { tag: String, at: Where },
    /// No mask and no masked subnet holding the address: [`DEFAULT_PREFIX_LEN`].
    Default { tag: String, at: Where },
}

#[derive(Clone, Debug)]
pub struct Subnet {
    /// The network (host bits zero).
    pub net: Cidr,
    pub why: Why,
    /// The router's address on it (the highest free host address): the corporate NICs'
    /// gateway and the inverted heartbeats' target.
    pub router: Ip,
}

/// What a host of the world is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    /// The DMA a `DMA` tag installs, in a pair (its main) or alone.
    Dma,
    /// The failover DMA a `DMA` tag names (`FailoverMachineName`).
    Failover,
    /// A database node no DMA of the file is (an address of `Seeds` or of `SearchDataBase`'s
    /// `DBServer` that no DMA holds).
    Database(Search),
}

#[derive(Clone, Debug)]
pub struct Host {
    pub name: String,
    pub role: Role,
    /// The `DMA` tag it comes from (`None` for a database node).
    pub dma: Option<usize>,
    pub nics: Vec<Nic>,
}

/// A NIC: `corp` (IP1, or Failover1 on the failover DMA) or `acq` (IP2, Failover2).
#[derive(Clone, Debug)]
pub struct Nic {
    pub name: &'static str,
    pub addr: Ip,
    pub subnet: usize,
    /// The tag that gives the address, and the mask's (`None`: the subnet is inferred).
    pub from: At<()>,
    pub mask: Option<At<()>>,
}

/// Which cluster a database host of its own belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Search {
    /// A Cassandra node.
    No,
    /// An OpenSearch (Elasticsearch) node.
    Yes,
}

/// Where a system's data lives.
#[derive(Clone, Debug)]
pub enum Storage {
    /// No `DataBase` tag: failsim's default, Cassandra per DMA.
    Default,
    /// `DataBase type="Cassandra"`.
    PerDma(Where),
    /// `DataBase type="MySQL"`.
    Legacy(Where),
    /// `DataBase type="CassandraCluster"`: the hosts holding the seeds (the Cassandra cluster),
    /// and the hosts of the search database (the OpenSearch cluster; empty when the tag names
    /// none), each with its own quorum (DM-STORAGE-SEPARATE).
    Cluster { cassandra: Vec<usize>, from: At<()>, opensearch: Vec<usize>, search_from: Option<At<()>> },
}

/// A standalone agent: a `DMA` tag without a failover DMA (DM-STANDALONE).
#[derive(Clone, Debug)]
pub struct Agent {
    pub system: String,
    pub dma: usize,
    pub host: usize,
    /// The host has an `acq` NIC: it is bound as the acquisition NIC.
    pub acquisition: bool,
    pub storage: Storage,
    /// The client host (index into [`Plan::clients`]).
    pub client: usize,
}

#[derive(Clone, Debug)]
pub struct Pair {
    pub system: String,
    pub dma: usize,
    pub main: usize,
    pub backup: usize,
    /// Both DMAs have an `acq` NIC: it is bound as the acquisition NIC.
    pub acquisition: bool,
    pub storage: Storage,
    /// The client host (index into [`Plan::clients`]).
    pub client: usize,
}

#[derive(Clone, Debug)]
pub struct Plan {
    pub subnets: Vec<Subnet>,
    pub hosts: Vec<Host>,
    /// A client host per corporate subnet of a system: the subnet and its address.
    pub clients: Vec<(usize, Ip)>,
    pub pairs: Vec<Pair>,
    /// The `DMA` tags without a failover DMA: standalone agents.
    pub agents: Vec<Agent>,
}

impl Plan {
    /// The host index that holds `ip` on a NIC.
    fn holder(&self, ip: Ip) -> Option<usize> {
        self.hosts.iter().position(|h| h.nics.iter().any(|n| n.addr == ip))
    }
}

pub fn plan(dms: &Dms, warn: &mut Vec<Problem>) -> Result<Plan, Problem> {
    if dms.dmas.is_empty() {
        return Err(Problem::at(Where { line: 1, col: 1 }, "the `<DMS>` has no `<DMA>` tag: nothing to import".into()));
    }
    let mut p = Plan { subnets: Vec::new(), hosts: Vec::new(), clients: Vec::new(), pairs: Vec::new(), agents: Vec::new() };
    let mut standalone = Vec::new();
    masked_subnets(dms, &mut p);
    for (i, dma) in dms.dmas.iter().enumerate() {
        let failover = failover_of(dma)?;
        add_host(&mut p, dma.machine_name.clone(), Role::Dma, i, [&dma.ip[0], &dma.ip[1]], &dma.mask)?;
        match failover {
            Some(name) => {
                if dma.mask[0].is_none() {
                    warn.push(Problem::at(
                        dma.machine_name.at,
                        format!("`{}` is a Failover pair without `<IPMask1>`, which the page requires for one: the subnet is inferred", dma.machine_name.value),
                    ));
                }
                add_host(&mut p, name.clone(), Role::Failover, i, [&dma.failover[0], &dma.failover[1]], &dma.mask)?;
            }
            None => standalone.push(i),
        }
    }
    for (i, dma) in dms.dmas.iter().enumerate() {
        let main = p.holder(ip_of(dma, 0)).unwrap_or(0);
        let own = match standalone.contains(&i) {
            true => vec![main],
            false => vec![main, p.holder(failover_ip(dma)).unwrap_or(0)],
        };
        let storage = storage(dma, &own, &mut p, warn)?;
        let acquisition = own.iter().all(|h| p.hosts[*h].nics.len() > 1);
        let system = system_name(dms, i, &p);
        match own[..] {
            [host] => p.agents.push(Agent { system, dma: i, host, acquisition, storage, client: 0 }),
            _ => p.pairs.push(Pair { system, dma: i, main, backup: own[1], acquisition, storage, client: 0 }),
        }
    }
    routers_and_clients(dms, &mut p)?;
    Ok(p)
}

fn ip_of(dma: &Dma, k: usize) -> Ip {
    dma.ip[k].as_ref().map_or(Ip(0), |a| a.value)
}

fn failover_ip(dma: &Dma) -> Ip {
    dma.failover[0].as_ref().map_or(Ip(0), |a| a.value)
}

/// The failover DMA's name when the tag sets up a pair: `Failover1`, `FailoverMachineName` and
/// `VirtualIP1` are "required in case of a Failover setup"; one without the others is an error.
fn failover_of(dma: &Dma) -> Result<Option<&At<String>>, Problem> {
    let given = [dma.failover[0].is_some(), dma.failover_machine_name.is_some(), dma.vip[0].is_some()];
    if given == [false; 3] {
        return Ok(None);
    }
    let names = ["Failover1", "FailoverMachineName", "VirtualIP1"];
    if let Some(k) = given.iter().position(|g| !g) {
        let have: Vec<&str> = names.iter().zip(given).filter(|(_, g)| *g).map(|(n, _)| *n).collect();
        let why = format!("has {} but no `<{}>`: a Failover pair needs all three ({})", have.join(" and "), names[k], names.join(", "));
        return Err(Problem::at(dma.at, format!("this `<DMA>` ({}) {why}", dma.machine_name.value)));
    }
    Ok(dma.failover_machine_name.as_ref())
}

/// The subnets the masks give, in file order: `IPn`/`Failovern` with `IPMaskn`.
fn masked_subnets(dms: &Dms, p: &mut Plan) {
    for dma in &dms.dmas {
        for k in 0..2 {
            let Some(mask) = &dma.mask[k] else { continue };
            for addr in [&dma.ip[k], &dma.failover[k]].into_iter().flatten() {
                let net = network(addr.value, mask.value.0);
                if !p.subnets.iter().any(|s| s.net == net) {
                    p.subnets.push(Subnet { net, why: Why::Mask { tag: mask.tag.clone(), at: mask.at }, router: Ip(0) });
                }
            }
        }
    }
}

fn network(ip: Ip, prefix_len: u8) -> Cidr {
    let c = Cidr { addr: ip, prefix_len };
    Cidr { addr: Ip(ip.0 & c.mask()), prefix_len }
}

/// The subnet of an address: its mask's, else the first subnet of the file that holds it,
/// else a new one of [`DEFAULT_PREFIX_LEN`].
fn subnet_of(p: &mut Plan, addr: &At<Ip>, mask: Option<&At<super::xml::PrefixLen>>) -> usize {
    let net = mask.map(|m| network(addr.value, m.value.0));
    let found = match net {
        Some(net) => p.subnets.iter().position(|s| s.net == net),
        None => p.subnets.iter().position(|s| s.net.contains(addr.value)),
    };
    found.unwrap_or_else(|| {
        let net = network(addr.value, DEFAULT_PREFIX_LEN);
        p.subnets.push(Subnet { net, why: Why::Default { tag: addr.tag.clone(), at: addr.at }, router: Ip(0) });
        p.subnets.len() - 1
    })
}

fn add_host(
    p: &mut Plan,
    name: At<String>,
    role: Role,
    dma: usize,
    addrs: [&Option<At<Ip>>; 2],
    masks: &[Option<At<super::xml::PrefixLen>>; 2],
) -> Result<(), Problem> {
    if let Some(other) = p.hosts.iter().find(|h| h.name.eq_ignore_ascii_case(&name.value)) {
        let first = other.nics.first().map_or(Where { line: 1, col: 1 }, |n| n.from.at);
        return Err(Problem::at(
            name.at,
            format!("`{}` names a machine that the `<DMA>` around line {} names already: a machine is installed once", name.value, first.line),
        ));
    }
    let mut nics = Vec::new();
    for (k, addr) in addrs.iter().enumerate() {
        let Some(addr) = addr else { continue };
        if let Some(holder) = p.hosts.iter().find(|h| h.nics.iter().any(|n| n.addr == addr.value)) {
            return Err(Problem::at(
                addr.at,
                format!("`{}` in `<{}>` is an address `{}` has already: two machines cannot hold one address", addr.value, addr.tag, holder.name),
            ));
        }
        let subnet = subnet_of(p, addr, masks[k].as_ref());
        let mask = masks[k].as_ref().map(|m| At { value: (), tag: m.tag.clone(), at: m.at });
        nics.push(Nic { name: ["corp", "acq"][k], addr: addr.value, subnet, from: At { value: (), tag: addr.tag.clone(), at: addr.at }, mask });
    }
    p.hosts.push(Host { name: name.value, role, dma: Some(dma), nics });
    Ok(())
}

/// A DMA tag's storage. `own`: the hosts the tag installs (a search database at `localhost` is
/// on each of them).
fn storage(dma: &Dma, own: &[usize], p: &mut Plan, warn: &mut Vec<Problem>) -> Result<Storage, Problem> {
    let Some(db) = &dma.database else { return Ok(Storage::Default) };
    Ok(match db.value {
        DbKind::Cassandra => Storage::PerDma(db.at),
        DbKind::MySql => Storage::Legacy(db.at),
        DbKind::CassandraCluster => {
            let seeds = dma.cassandra.as_ref().and_then(|c| c.seeds.clone()).or_else(|| servers(dma));
            let Some(seeds) = seeds.filter(|s| !s.value.is_empty()) else {
                warn.push(Problem::at(db.at, "a CassandraCluster without `<Seeds>` in `<CassandraClusterSettings>` or addresses in `<DBServer>`: failsim cannot tell its nodes and uses Cassandra per DMA".into()));
                return Ok(Storage::Default);
            };
            let mut cassandra = Vec::new();
            for ip in &seeds.value {
                let host = p.holder(*ip).unwrap_or_else(|| database_host(p, *ip, &At { value: (), tag: seeds.tag.clone(), at: seeds.at }, Search::No));
                if !cassandra.contains(&host) {
                    cassandra.push(host);
                }
            }
            let (opensearch, search_from) = search_nodes(dma, own, p, warn);
            Storage::Cluster { cassandra, from: At { value: (), tag: seeds.tag.clone(), at: seeds.at }, opensearch, search_from }
        }
    })
}

/// The OpenSearch cluster of a `CassandraCluster` tag: the hosts of `SearchDataBase`'s
/// `DBServer` (the search database DataMiner connects to), a loopback address or `localhost`
/// being a standalone agent's own machine; with only `ElasticClusterSettings`, a standalone
/// agent's own machine (the installer installs a node there). On a Failover pair `localhost` is
/// each DMA's own node, which a storage outside the pair does not model: left out, with a
/// warning. Interpretation: `DiscoveryHosts` only helps a node
/// find its cluster ("one is enough"), so it does not list the cluster's nodes.
fn search_nodes(dma: &Dma, own: &[usize], p: &mut Plan, warn: &mut Vec<Problem>) -> (Vec<usize>, Option<At<()>>) {
    let mut nodes = Vec::new();
    let add = |h: usize, nodes: &mut Vec<usize>| {
        if !nodes.contains(&h) {
            nodes.push(h);
        }
    };
    match (&dma.search, &dma.elastic) {
        (Some(s), _) => {
            let from = At { value: (), tag: s.tag.clone(), at: s.at };
            for server in &s.value {
                match local(server).then_some(None).or_else(|| server.parse::<Ip>().ok().map(Some)) {
                    Some(None) if own.len() > 1 => warn.push(Problem::at(
                        s.at,
                        "a search database at `localhost` on a Failover pair is each DMA's own node, not a cluster the pair shares: failsim leaves it out of the OpenSearch cluster".into(),
                    )),
                    Some(None) => own.iter().for_each(|h| add(*h, &mut nodes)),
                    Some(Some(ip)) => {
                        let host = p.holder(ip).unwrap_or_else(|| database_host(p, ip, &from, Search::Yes));
                        add(host, &mut nodes);
                    }
                    None => warn.push(Problem::at(s.at, format!("`{server}` in the search database's `<DBServer>` is not an address: failsim leaves it out of the OpenSearch cluster"))),
                }
            }
            (nodes, Some(from))
        }
        (None, Some(e)) if own.len() == 1 => {
            add(own[0], &mut nodes);
            (nodes, Some(At { value: (), tag: e.tag.clone(), at: e.at }))
        }
        (None, _) => (nodes, None),
    }
}

/// `localhost` or a loopback address: the machine itself.
fn local(server: &str) -> bool {
    server.eq_ignore_ascii_case("localhost") || server.parse::<Ip>().is_ok_and(|ip| ip.0 >> 24 == 127)
}

/// `DBServer`'s addresses, when every entry is one (the nodes when `Seeds` is not given).
fn servers(dma: &Dma) -> Option<At<Vec<Ip>>> {
    let s = dma.db_server.as_ref()?;
    let ips = s.value.iter().map(|v| v.parse().ok()).collect::<Option<Vec<Ip>>>()?;
    Some(At { value: ips, tag: s.tag.clone(), at: s.at })
}

/// A database node no machine of the file holds: a database host of its own.
fn database_host(p: &mut Plan, ip: Ip, from: &At<()>, search: Search) -> usize {
    let addr = At { value: ip, tag: from.tag.clone(), at: from.at };
    let subnet = subnet_of(p, &addr, None);
    let nic = Nic { name: "nic", addr: ip, subnet, from: from.clone(), mask: None };
    let kind = if search == Search::Yes { "opensearch" } else { "cassandra" };
    p.hosts.push(Host { name: format!("{kind} {ip}"), role: Role::Database(search), dma: None, nics: vec![nic] });
    p.hosts.len() - 1
}

/// `dma-<ID>`, or `system-<n>` (its place in the file) when the tag has no ID or another
/// system has that name.
fn system_name(dms: &Dms, i: usize, p: &Plan) -> String {
    let taken = |name: &str| p.pairs.iter().map(|x| &x.system).chain(p.agents.iter().map(|x| &x.system)).any(|s| s == name);
    let by_id = dms.dmas[i].id.as_ref().map(|id| format!("dma-{}", id.value));
    match by_id {
        Some(name) if !taken(&name) => name,
        _ => format!("system-{}", i + 1),
    }
}

/// Every address the file names: the router and clients take others.
fn used(dms: &Dms) -> BTreeSet<Ip> {
    let mut used = BTreeSet::new();
    for d in &dms.dmas {
        used.extend(d.ip.iter().chain(&d.failover).chain(&d.vip).flatten().map(|a| a.value));
        used.extend(d.cassandra.iter().flat_map(|c| c.seeds.iter().flat_map(|s| s.value.iter().copied())));
    }
    used
}

/// The router's address on each subnet and a client on each pair's corporate subnet: the
/// highest free host addresses (an element the file implies and does not name).
fn routers_and_clients(dms: &Dms, p: &mut Plan) -> Result<(), Problem> {
    if let Some(s) = p.subnets.get(MAX_SUBNETS) {
        let message = format!("a {}th subnet, {}: failsim joins the subnets with one router, which has at most {MAX_SUBNETS} NICs", MAX_SUBNETS + 1, s.net);
        return Err(Problem::at(where_of(s), message));
    }
    let mut used = used(dms);
    for s in 0..p.subnets.len() {
        let router = free_below(&p.subnets[s], &used)?;
        used.insert(router);
        p.subnets[s].router = router;
    }
    for pair in 0..p.pairs.len() {
        p.pairs[pair].client = client_of(p, p.pairs[pair].main, &mut used)?;
    }
    for agent in 0..p.agents.len() {
        p.agents[agent].client = client_of(p, p.agents[agent].host, &mut used)?;
    }
    Ok(())
}

/// The client on `host`'s corporate subnet, added when it is the first system there.
fn client_of(p: &mut Plan, host: usize, used: &mut BTreeSet<Ip>) -> Result<usize, Problem> {
    let subnet = p.hosts[host].nics[0].subnet;
    if let Some(c) = p.clients.iter().position(|(s, _)| *s == subnet) {
        return Ok(c);
    }
    let ip = free_below(&p.subnets[subnet], used)?;
    used.insert(ip);
    p.clients.push((subnet, ip));
    Ok(p.clients.len() - 1)
}

fn free_below(s: &Subnet, used: &BTreeSet<Ip>) -> Result<Ip, Problem> {
    let broadcast = s.net.addr.0 | !s.net.mask();
    let free = (s.net.addr.0 + 1..broadcast).rev().map(Ip).find(|ip| !used.contains(ip));
    free.ok_or_else(|| Problem::at(where_of(s), format!("the subnet {} has no free address for failsim's router and client: give a wider mask", s.net)))
}

fn where_of(s: &Subnet) -> Where {
    match &s.why {
        Why::Mask { at, .. } | Why::Default { at, .. } => *at,
    }
}
