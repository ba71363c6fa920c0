//! From the typed file to the world and systems a scenario declares: the subnets (from the
//! masks), a host per machine with a NIC per configured address, the elements the file implies
//! but does not name (one router joining the subnets, a client on each pair's corporate
//! subnet), and a DataMiner pair per `DMA` tag that names a failover DMA. Everything is kept in
//! file order, so the same file gives the same scenario byte for byte.

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
    /// A Cassandra node no DMA of the file is (an address of `Seeds` no DMA holds).
    Database,
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

/// Where a pair's data lives.
#[derive(Clone, Debug)]
pub enum Storage {
    /// No `DataBase` tag: failsim's default, Cassandra per DMA.
    Default,
    /// `DataBase type="Cassandra"`.
    PerDma(Where),
    /// `DataBase type="MySQL"`.
    Legacy(Where),
    /// `DataBase type="CassandraCluster"`: the hosts holding the seeds.
    Cluster { nodes: Vec<usize>, from: At<()> },
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
    /// A client host per corporate subnet of a pair: the subnet and its address.
    pub clients: Vec<(usize, Ip)>,
    pub pairs: Vec<Pair>,
    /// The `DMA` tags without a failover DMA: standalone agents (hosts, no behaviour yet).
    pub standalone: Vec<usize>,
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
    let mut p = Plan { subnets: Vec::new(), hosts: Vec::new(), clients: Vec::new(), pairs: Vec::new(), standalone: Vec::new() };
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
            None => {
                let message = format!(
                    "`{}` has no failover DMA: a standalone agent, placed as a host without behaviour (failsim has no standalone DataMiner agent yet)",
                    dma.machine_name.value
                );
                warn.push(Problem::at(dma.machine_name.at, message));
                p.standalone.push(i);
            }
        }
    }
    if let Some(d) = dms.dmas.iter().find(|d| d.elastic.is_some() || d.search.is_some()) {
        let at = d.elastic.as_ref().map(|e| e.at).or(d.search.as_ref().map(|s| s.at)).unwrap_or(d.at);
        warn.push(Problem::at(
            at,
            "Elasticsearch settings (`<ElasticClusterSettings>`, `<SearchDataBase>`): failsim does not model a search cluster of its own yet".into(),
        ));
    }
    let standalone = p.standalone.clone();
    for (i, dma) in dms.dmas.iter().enumerate().filter(|(i, _)| !standalone.contains(i)) {
        let storage = storage(dma, &mut p, warn)?;
        let (main, backup) = (p.holder(ip_of(dma, 0)).unwrap_or(0), p.holder(failover_ip(dma)).unwrap_or(0));
        let acquisition = p.hosts[main].nics.len() > 1 && p.hosts[backup].nics.len() > 1;
        let system = system_name(dms, i, &p.pairs);
        p.pairs.push(Pair { system, dma: i, main, backup, acquisition, storage, client: 0 });
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

fn storage(dma: &Dma, p: &mut Plan, warn: &mut Vec<Problem>) -> Result<Storage, Problem> {
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
            let mut nodes = Vec::new();
            for ip in &seeds.value {
                let host = match p.holder(*ip) {
                    Some(h) => h,
                    None => database_host(p, *ip, &seeds),
                };
                if !nodes.contains(&host) {
                    nodes.push(host);
                }
            }
            Storage::Cluster { nodes, from: At { value: (), tag: seeds.tag.clone(), at: seeds.at } }
        }
    })
}

/// `DBServer`'s addresses, when every entry is one (the nodes when `Seeds` is not given).
fn servers(dma: &Dma) -> Option<At<Vec<Ip>>> {
    let s = dma.db_server.as_ref()?;
    let ips = s.value.iter().map(|v| v.parse().ok()).collect::<Option<Vec<Ip>>>()?;
    Some(At { value: ips, tag: s.tag.clone(), at: s.at })
}

/// A seed no machine of the file holds: a database host of its own.
fn database_host(p: &mut Plan, ip: Ip, seeds: &At<Vec<Ip>>) -> usize {
    let addr = At { value: ip, tag: seeds.tag.clone(), at: seeds.at };
    let subnet = subnet_of(p, &addr, None);
    let nic = Nic { name: "nic", addr: ip, subnet, from: At { value: (), tag: seeds.tag.clone(), at: seeds.at }, mask: None };
    p.hosts.push(Host { name: format!("cassandra {ip}"), role: Role::Database, dma: None, nics: vec![nic] });
    p.hosts.len() - 1
}

/// `dma-<ID>`, or `pair-<n>` when the tag has no ID or another pair has that name.
fn system_name(dms: &Dms, i: usize, pairs: &[Pair]) -> String {
    let by_id = dms.dmas[i].id.as_ref().map(|id| format!("dma-{}", id.value));
    match by_id {
        Some(name) if !pairs.iter().any(|p| p.system == name) => name,
        _ => format!("pair-{}", pairs.len() + 1),
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
        let subnet = p.hosts[p.pairs[pair].main].nics[0].subnet;
        let client = match p.clients.iter().position(|(s, _)| *s == subnet) {
            Some(c) => c,
            None => {
                let ip = free_below(&p.subnets[subnet], &used)?;
                used.insert(ip);
                p.clients.push((subnet, ip));
                p.clients.len() - 1
            }
        };
        p.pairs[pair].client = client;
    }
    Ok(())
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
