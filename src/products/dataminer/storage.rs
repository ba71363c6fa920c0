//! Where the pair's data lives (SPEC §8): in a database on each DMA (Cassandra per DMA, or
//! legacy MySQL/MSSQL), or in one database outside the pair (a dedicated cluster of hosts in
//! the world, or STaaS). The rules that differ by architecture are answered here; the record
//! flow in `records.rs` and the start in `failover.rs` ask.

use super::{DataMiner, Dma, Nic, Storage};
use crate::net::Topology;

impl DataMiner {
    /// How many durable stores the ledger tracks: each DMA's database, or the one shared.
    pub(super) fn stores(storage: &Storage) -> u8 {
        if storage.per_dma() { 2 } else { 1 }
    }

    /// The ledger's store that `dma` writes into.
    pub(super) fn store_of(&self, dma: Dma) -> u8 {
        if self.cfg.storage.per_dma() { dma.idx() as u8 } else { 0 }
    }

    /// Whether `dma` can write into its database now: its own server runs (per DMA); a quorum
    /// of the cluster's nodes answers it (DM-STORAGE-CLUSTER; interpretation: Cassandra's
    /// QUORUM, which the docs' three-node minimum for redundancy implies); STaaS is outside the
    /// modelled world and always answers (interpretation).
    pub(super) fn db_available(&self, net: &Topology, dma: Dma) -> bool {
        match &self.cfg.storage {
            Storage::CassandraPerDma | Storage::Legacy => self.agent(dma).db.running,
            Storage::Cluster(c) => 2 * self.db_nodes_reached(net, dma) > c.nodes.len(),
            Storage::Staas => true,
        }
    }

    fn db_nodes_reached(&self, net: &Topology, dma: Dma) -> usize {
        let from = self.agent(dma).port(Nic::Corporate);
        self.site.db_nodes.iter().filter(|(_, port)| net.reaches_port(from, *port)).count()
    }

    /// The first database node of a dedicated cluster that `dma` cannot reach: DataMiner then
    /// cannot start (DM-STORAGE-CLUSTER: "if a required database node is missing, DataMiner
    /// cannot start").
    pub(super) fn missing_db_node(&self, net: &Topology, dma: Dma) -> Option<&str> {
        let from = self.agent(dma).port(Nic::Corporate);
        self.site.db_nodes.iter().find(|(_, port)| !net.reaches_port(from, *port)).map(|(name, _)| name.as_str())
    }
}
