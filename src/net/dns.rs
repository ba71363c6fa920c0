use super::ip::Ip;
use crate::engine::Rng;
use rand::RngExt;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, Hash)]
pub enum RecordSource {
    /// Added by a host's dynamic registration ("Register this connection's addresses in DNS").
    Dynamic,
    /// Added by hand on the DNS server.
    Fixed,
}

#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, Hash)]
pub struct DnsRecord {
    pub addr: Ip,
    pub source: RecordSource,
}

/// A DNS server's table: hostname → addresses, kept in registration order.
///
/// Names are case-insensitive and stored upper-case. Dynamic registration only ever adds: as
/// the vendor's FAQ describes (DM-DNS-2), a host does not unregister an address it released.
/// When a name has several answers, which one a lookup returns is drawn from the run's seed.
#[derive(Clone, Debug, Default)]
pub struct Dns {
    records: BTreeMap<String, Vec<DnsRecord>>,
    /// The table as rows, made once while the table stays (see [`Dns::rows`]).
    rows: OnceLock<Arc<[(String, String)]>>,
}

/// The table alone: its rows are made from it.
impl std::hash::Hash for Dns {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.records.hash(state);
    }
}

impl Dns {
    pub fn register(&mut self, name: &str, addr: Ip, source: RecordSource) -> bool {
        let entry = self.records.entry(name.to_ascii_uppercase()).or_default();
        if entry.iter().any(|r| r.addr == addr) {
            return false;
        }
        entry.push(DnsRecord { addr, source });
        self.rows.take();
        true
    }

    /// The table as an operator reads it: each name with its addresses joined by ", ", in name
    /// order. Made once while the table stays and shared: every system of a world of a thousand
    /// pairs shows the world's one table, not a copy each.
    pub fn rows(&self) -> Arc<[(String, String)]> {
        let row = |(name, rs): (&String, &Vec<DnsRecord>)| (name.clone(), rs.iter().map(|r| r.addr.to_string()).collect::<Vec<_>>().join(", "));
        Arc::clone(self.rows.get_or_init(|| self.records.iter().map(row).collect()))
    }

    pub fn addresses(&self, name: &str) -> Vec<Ip> {
        self.records.get(&name.to_ascii_uppercase()).map(|v| v.iter().map(|r| r.addr).collect()).unwrap_or_default()
    }

    pub fn table(&self) -> &BTreeMap<String, Vec<DnsRecord>> {
        &self.records
    }

    /// Names that resolve to `addr`, in name order.
    pub fn names_of(&self, addr: Ip) -> Vec<&str> {
        self.records.iter().filter(|(_, rs)| rs.iter().any(|r| r.addr == addr)).map(|(n, _)| n.as_str()).collect()
    }

    /// A forward lookup: one of the name's addresses (round robin, seeded).
    pub fn lookup(&self, name: &str, rng: &mut Rng) -> Option<Ip> {
        let addrs = self.records.get(&name.to_ascii_uppercase())?;
        pick(addrs, rng).map(|r| r.addr)
    }

    /// A reverse lookup: one of the names registered for `addr` (seeded when there are several).
    pub fn reverse(&self, addr: Ip, rng: &mut Rng) -> Option<String> {
        pick(&self.names_of(addr), rng).map(|n| n.to_string())
    }

    /// Addresses registered under more than one name, with those names.
    pub fn duplicates(&self) -> Vec<(Ip, Vec<String>)> {
        let mut by_addr: BTreeMap<Ip, Vec<String>> = BTreeMap::new();
        for (name, rs) in &self.records {
            for r in rs {
                by_addr.entry(r.addr).or_default().push(name.clone());
            }
        }
        by_addr.into_iter().filter(|(_, names)| names.len() > 1).collect()
    }
}

fn pick<'a, T>(items: &'a [T], rng: &mut Rng) -> Option<&'a T> {
    match items.len() {
        0 => None,
        1 => items.first(),
        n => items.get(rng.random_range(0..u32::try_from(n).expect("few answers")) as usize),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::StreamAllocator;

    fn ip(s: &str) -> Ip {
        s.parse().unwrap()
    }

    #[test]
    fn registration_is_idempotent_and_case_insensitive() {
        let mut d = Dns::default();
        assert!(d.register("dma-main", ip("10.10.10.1"), RecordSource::Dynamic));
        assert!(!d.register("DMA-MAIN", ip("10.10.10.1"), RecordSource::Dynamic));
        assert_eq!(d.addresses("Dma-Main"), vec![ip("10.10.10.1")]);
    }

    #[test]
    fn several_answers_are_drawn_from_the_seed() {
        let mut d = Dns::default();
        d.register("A", ip("10.0.0.1"), RecordSource::Dynamic);
        d.register("A", ip("10.0.0.5"), RecordSource::Dynamic);
        d.register("B", ip("10.0.0.5"), RecordSource::Dynamic);
        let mut rng = StreamAllocator::new(7).next_block().take();
        let answers: std::collections::BTreeSet<_> = (0..32).map(|_| d.lookup("A", &mut rng).unwrap()).collect();
        assert_eq!(answers.len(), 2);
        let names: std::collections::BTreeSet<_> = (0..32).map(|_| d.reverse(ip("10.0.0.5"), &mut rng).unwrap()).collect();
        assert_eq!(names.len(), 2);
        assert_eq!(d.duplicates(), vec![(ip("10.0.0.5"), vec!["A".to_string(), "B".to_string()])]);
        let again: Vec<_> = {
            let mut rng = StreamAllocator::new(7).next_block().take();
            (0..32).map(|_| d.lookup("A", &mut rng).unwrap()).collect()
        };
        let mut rng = StreamAllocator::new(7).next_block().take();
        let first: Vec<_> = (0..32).map(|_| d.lookup("A", &mut rng).unwrap()).collect();
        assert_eq!(first, again);
    }
}
