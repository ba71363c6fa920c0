//! Where the pair's data lives (SPEC §8): in a database on each DMA (Cassandra per DMA, or
//! legacy MySQL/MSSQL), or in one database outside the pair (a dedicated cluster of hosts in
//! the world, or STaaS). The rules that differ by architecture are answered here; the record
//! flow in `records.rs` and the start in `failover.rs` ask, and so does a standalone agent.

use super::{DataMiner, DbCluster, Dma, Nic, Storage};
use crate::net::{PortId, Topology};
use crate::place::Place;

/// A database host of a dedicated cluster, bound to its first NIC.
#[derive(Clone, Debug, Hash)]
pub(super) struct DbNode {
    pub(super) name: String,
    pub(super) cluster: DbCluster,
    pub(super) port: PortId,
}

/// Whether an agent at `from` has a quorum of every cluster of a dedicated storage: more than
/// half of the Cassandra nodes, and more than half of the OpenSearch nodes when the storage has
/// any (DM-STORAGE-SEPARATE: each cluster its own quorum; interpretation: Cassandra's QUORUM
/// and OpenSearch's master quorum, which the docs' three-node minimum of each implies). A
/// cluster with no nodes asks for nothing.
pub(super) fn quorum(nodes: &[DbNode], net: &Topology, from: PortId) -> bool {
    DbCluster::BOTH.into_iter().all(|c| {
        let of = || nodes.iter().filter(move |n| n.cluster == c);
        let total = of().count();
        let reached = of().filter(|n| net.reaches_port(from, n.port)).count();
        total == 0 || 2 * reached > total
    })
}

/// Whether an agent can write into its database now, in every architecture: a database on its
/// own server while that runs (per DMA, legacy); a quorum of each cluster's nodes that `from`
/// reaches ([`quorum`]); STaaS is outside the modelled world and always answers
/// (interpretation). The pair and a standalone agent both ask this.
pub(super) fn available(storage: &Storage, own_db_running: bool, nodes: &[DbNode], net: &Topology, from: PortId) -> bool {
    match storage {
        Storage::CassandraPerDma | Storage::Legacy => own_db_running,
        Storage::Cluster(_) => quorum(nodes, net, from),
        Storage::Staas => true,
    }
}

/// The first node of either cluster that an agent at `from` cannot reach: DataMiner then
/// cannot start (DM-STORAGE-CLUSTER: "if a required database node is missing, DataMiner
/// cannot start"; DM-STORAGE-SEPARATE: a node of either cluster).
pub(super) fn missing<'a>(nodes: &'a [DbNode], net: &Topology, from: PortId) -> Option<&'a DbNode> {
    nodes.iter().find(|n| !net.reaches_port(from, n.port))
}

/// The peers a system names, in the order [`split_peers`] reads them back: the client, the data
/// sources, then a dedicated cluster's database nodes (Cassandra's first).
/// Each is placed where the configuration names it (`bind: (client: …, data_sources: […])`,
/// `storage: Cluster(cassandra: […], opensearch: […])`).
pub(super) fn peers<'a>(client: &'a str, data_sources: &'a [String], storage: &'a Storage) -> Vec<crate::world::Peer<'a>> {
    use crate::world::{Named, Peer};
    let bind = Place::of("bind");
    let sources = data_sources.iter().enumerate().map(|(i, name)| Named::new(name, bind.clone().field("data_sources").index(i)));
    let sources = sources.map(|name| Peer { field: "bind", what: "data source ", name });
    let db_nodes = match storage {
        Storage::Cluster(c) => c.all().enumerate().map(|(i, (_, name))| Peer { field: "storage", what: "", name: Named::new(name, c.place(i)) }).collect(),
        _ => Vec::new(),
    };
    let client = Peer { field: "bind", what: "client ", name: Named::new(client, Place::of("bind").field("client")) };
    std::iter::once(client).chain(sources).chain(db_nodes).collect()
}

/// A system's bound peers in the footprint's order — the client, the data sources, then a
/// dedicated cluster's database nodes (Cassandra's first) — split into what each is.
pub(super) fn split_peers(peers: Vec<PortId>, data_sources: &[String], storage: &Storage) -> (PortId, Vec<(String, PortId)>, Vec<DbNode>) {
    let mut peers = peers.into_iter();
    let client = peers.next().expect("the client is bound");
    let sources = data_sources.iter().map(|s| (s.clone(), peers.next().expect("each data source is bound"))).collect();
    let db_nodes = match storage {
        Storage::Cluster(c) => {
            c.all().map(|(cluster, n)| DbNode { name: n.clone(), cluster, port: peers.next().expect("each database node is bound") }).collect()
        }
        _ => Vec::new(),
    };
    assert!(peers.next().is_none(), "every bound peer is the client, a data source or a database node");
    (client, sources, db_nodes)
}

impl DataMiner {
    /// How many durable stores the ledger tracks: each DMA's database, or the one shared.
    pub(super) fn stores(storage: &Storage) -> u8 {
        if storage.per_dma() { 2 } else { 1 }
    }

    /// The ledger's store that `dma` writes into.
    pub(super) fn store_of(&self, dma: Dma) -> u8 {
        if self.cfg.storage.per_dma() { dma.idx() as u8 } else { 0 }
    }

    /// Whether `dma` can write into its database now ([`available`]).
    pub(super) fn db_available(&self, net: &Topology, dma: Dma) -> bool {
        available(&self.cfg.storage, self.agent(dma).db.running, &self.site.db_nodes, net, self.agent(dma).port(Nic::Corporate))
    }

    /// The first database node of a dedicated cluster that `dma` cannot reach ([`missing`]).
    pub(super) fn missing_db_node(&self, net: &Topology, dma: Dma) -> Option<&str> {
        missing(&self.site.db_nodes, net, self.agent(dma).port(Nic::Corporate)).map(|n| n.name.as_str())
    }
}
