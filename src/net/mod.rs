//! The network world: cables and NICs as a graph, a DNS server, routing tables.
//!
//! Product-agnostic: this layer knows hosts, ports, cables, addresses, names and routes, and
//! answers "can A reach B now?". It knows nothing of heartbeats, roles or alarms.

mod dns;
mod ip;
mod route;
mod topology;

pub use dns::{Dns, RecordSource};
pub use ip::{AddrError, Cidr, Ip};
pub use route::{Route, RouteTable};
pub use topology::{CableId, HostId, Port, PortId, PortKind, Routing, Topology};
