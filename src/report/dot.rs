//! The topology as Graphviz DOT (`failsim graph`): ports and switches as nodes grouped by host,
//! cables as edges drawn by state.
//!
//! - one `cluster_N` per host (label: the host's name, with its role when a system gives it one,
//!   "(no power)" when it is off), holding its
//!   NICs: name and addresses; dashed and grey, with "link down", when the NIC has no carrier
//!   (disabled, host off, cable pulled or far end down);
//! - switches as boxes, red when down;
//! - one edge per cable, labelled with its name: solid green when plugged with both ends up,
//!   dashed red "pulled" when unplugged, grey when an end is down.
//!
//! - in a world of several systems, each system's hosts inside one `cluster_system_N` (label:
//!   the system's name); the world's own hosts (routers, clients, servers) outside them;
//! - a `cluster_legend` that draws each kind of cable and port state once.
//!
//! Everything is written in index order (systems in declaration order, hosts, their NICs,
//! switches, cables), so the same topology gives the same bytes.

use crate::net::{HostId, Port, PortId, PortKind, Topology};
use crate::runner::Role;
use std::fmt::Write;

const GREEN: &str = "darkgreen";
const RED: &str = "red";
const GREY: &str = "grey55";

/// The topology as a DOT `graph`.
pub fn graph(t: &Topology) -> String {
    graph_with_roles(t, &[])
}

/// The topology, each host labelled with the state a system gives it, and grouped with its
/// system's other hosts when the world has several systems.
pub fn graph_with_roles(t: &Topology, roles: &[Role]) -> String {
    let mut s = String::new();
    s.push_str("graph failsim {\n");
    s.push_str("  graph [rankdir=LR, fontname=\"Helvetica\", nodesep=0.4, ranksep=1.2];\n");
    s.push_str("  node [fontname=\"Helvetica\", fontsize=11];\n");
    s.push_str("  edge [fontname=\"Helvetica\", fontsize=10];\n");
    let mut systems: Vec<&str> = Vec::new();
    for r in roles.iter().filter(|r| !r.system.is_empty()) {
        if !systems.contains(&r.system.as_str()) {
            systems.push(&r.system);
        }
    }
    let role_of = |host: &str| roles.iter().find(|r| r.node == host);
    for (k, system) in systems.iter().enumerate() {
        let _ = writeln!(
            s,
            "\n  subgraph cluster_system_{k} {{\n    label={};\n    style=\"rounded,filled\";\n    fillcolor=\"#f5f7fa\";\n    color=\"#90a4ae\";",
            quote(system)
        );
        for (hid, host) in t.hosts().filter(|(_, h)| role_of(&h.name).is_some_and(|r| r.system == *system)) {
            host_cluster(&mut s, t, hid, role_of(&host.name), "    ");
        }
        s.push_str("  }\n");
    }
    for (hid, host) in t.hosts().filter(|(_, h)| role_of(&h.name).is_none_or(|r| r.system.is_empty())) {
        host_cluster(&mut s, t, hid, role_of(&host.name), "  ");
    }
    let switches: Vec<(PortId, &Port)> = t.ports().filter(|(_, p)| matches!(p.kind, PortKind::Switch { .. })).collect();
    if !switches.is_empty() {
        s.push('\n');
    }
    for (id, port) in switches {
        let mut label = lines(port);
        let attrs = if t.port_is_up(id) {
            "shape=box, style=\"rounded,filled\", fillcolor=\"#eeeeee\"".to_string()
        } else {
            label.push_str("\ndown");
            format!("shape=box, style=\"rounded,bold\", color={RED}, fontcolor={RED}")
        };
        let _ = writeln!(s, "  {} [label={}, {attrs}];", node(id), quote(&label));
    }
    let cables: Vec<_> = t.cables().collect();
    if !cables.is_empty() {
        s.push('\n');
    }
    for (_, c) in cables {
        let (a, b) = c.ends;
        let (label, attrs) = if !c.plugged {
            (format!("{}\npulled", c.name), format!("color={RED}, fontcolor={RED}, style=dashed"))
        } else if t.port_is_up(a) && t.port_is_up(b) {
            (c.name.clone(), format!("color={GREEN}, style=solid, penwidth=2"))
        } else {
            (format!("{}\nend down", c.name), format!("color={GREY}, fontcolor={GREY}, style=solid"))
        };
        let _ = writeln!(s, "  {} -- {} [label={}, {attrs}];", node(a), node(b), quote(&label));
    }
    s.push_str(LEGEND);
    s.push_str("}\n");
    s
}

/// One host as a cluster of its NICs, labelled with its role (or "(no power)"), at `indent`.
fn host_cluster(s: &mut String, t: &Topology, id: HostId, role: Option<&Role>, indent: &str) {
    let host = t.host(id);
    let _ = writeln!(s, "\n{indent}subgraph cluster_{} {{", id.0);
    if host.powered {
        let label = role.map_or(host.name.clone(), |r| format!("{}\n({})", host.name, r.state));
        let _ = writeln!(s, "{indent}  label={};", quote(&label));
        let _ = writeln!(s, "{indent}  style=rounded;\n{indent}  color=black;");
    } else {
        let _ = writeln!(s, "{indent}  label={};", quote(&format!("{}\n(no power)", host.name)));
        let _ = writeln!(s, "{indent}  style=\"rounded,dashed\";\n{indent}  color={GREY};\n{indent}  fontcolor={GREY};");
    }
    for &nic in &host.nics {
        let _ = write!(s, "{indent}  ");
        nic_node(s, t, nic);
    }
    let _ = writeln!(s, "{indent}}}");
}

/// The legend: each state of a cable, a NIC and a switch, drawn as the graph draws it.
const LEGEND: &str = r##"
  subgraph cluster_legend {
    label="legend";
    style="rounded,dashed";
    color=grey55;
    fontsize=10;
    legend_nic [label="NIC\naddresses", shape=ellipse, fontsize=9];
    legend_nic_down [label="NIC, link down", shape=ellipse, style=dashed, color=grey55, fontcolor=grey55, fontsize=9];
    legend_switch [label="switch", shape=box, style="rounded,filled", fillcolor="#eeeeee", fontsize=9];
    legend_switch_down [label="switch\ndown", shape=box, style="rounded,bold", color=red, fontcolor=red, fontsize=9];
    legend_nic -- legend_switch [label="plugged in", color=darkgreen, style=solid, penwidth=2, fontsize=9];
    legend_nic_down -- legend_switch_down [label="pulled out", color=red, fontcolor=red, style=dashed, fontsize=9];
    legend_nic -- legend_switch_down [label="end down", color=grey55, fontcolor=grey55, style=solid, fontsize=9];
  }
"##;

/// One NIC's node statement (without indentation).
fn nic_node(s: &mut String, t: &Topology, id: PortId) {
    let port = t.port(id);
    let mut label = lines(port);
    let enabled = matches!(port.kind, PortKind::Nic { enabled: true, .. });
    let attrs = if t.has_link(id) {
        "shape=ellipse".to_string()
    } else {
        label.push_str(if enabled { "\nlink down" } else { "\ndisabled, link down" });
        format!("shape=ellipse, style=dashed, color={GREY}, fontcolor={GREY}")
    };
    let _ = writeln!(s, "{} [label={}, {attrs}];", node(id), quote(&label));
}

/// The port's name and its addresses, one a line.
fn lines(p: &Port) -> String {
    let mut l = p.name.clone();
    for a in &p.addrs {
        let _ = write!(l, "\n{a}");
    }
    l
}

fn node(id: PortId) -> String {
    format!("p{}", id.0)
}

/// A DOT double-quoted string: backslashes and quotes escaped, line breaks as `\n`.
fn quote(text: &str) -> String {
    let mut q = String::with_capacity(text.len() + 2);
    q.push('"');
    for ch in text.chars() {
        match ch {
            '"' => q.push_str("\\\""),
            '\\' => q.push_str("\\\\"),
            '\n' => q.push_str("\\n"),
            '\r' => {}
            c => q.push(c),
        }
    }
    q.push('"');
    q
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pair() -> (Topology, [PortId; 3]) {
        let mut t = Topology::new();
        let sw = t.add_switch("sw", vec!["10.0.0.254/24".parse().unwrap()]);
        let a = t.add_host("A \"one\"");
        let b = t.add_host("B");
        let a1 = t.add_nic(a, "corp", vec!["10.0.0.1/24".parse().unwrap()]);
        let b1 = t.add_nic(b, "corp", vec![]);
        t.add_cable("a cable", a1, sw);
        t.add_cable("b cable", b1, sw);
        (t, [sw, a1, b1])
    }

    #[test]
    fn states_are_drawn() {
        let (mut t, [sw, _, _]) = pair();
        let up = graph(&t);
        assert!(up.starts_with("graph failsim {\n") && up.ends_with("}\n"));
        assert!(up.contains("subgraph cluster_0 {") && up.contains("subgraph cluster_1 {"));
        assert!(up.contains("subgraph cluster_legend {") && !up.contains("cluster_system_"), "a legend; no system groups without systems");
        assert!(up.contains("label=\"A \\\"one\\\"\""), "{up}");
        assert!(up.contains("p1 [label=\"corp\\n10.0.0.1/24\", shape=ellipse];"), "{up}");
        assert!(up.contains("p1 -- p0 [label=\"a cable\", color=darkgreen"), "{up}");
        let drawn = up.split("subgraph cluster_legend").next().unwrap();
        assert!(!drawn.contains("link down") && !drawn.contains("pulled"), "nothing is down outside the legend: {up}");

        t.set_plugged(crate::net::CableId(0), false);
        t.set_powered(crate::net::HostId(1), false);
        let g = graph(&t);
        assert!(g.contains("p1 -- p0 [label=\"a cable\\npulled\", color=red"), "{g}");
        assert!(g.contains("p2 -- p0 [label=\"b cable\\nend down\", color=grey55"), "{g}");
        assert!(g.contains("label=\"B\\n(no power)\""), "{g}");
        assert!(g.contains("p1 [label=\"corp\\n10.0.0.1/24\\nlink down\", shape=ellipse, style=dashed"), "{g}");

        t.set_powered(crate::net::HostId(1), true);
        t.set_nic_enabled(crate::net::PortId(2), false);
        t.set_nic_enabled(sw, false);
        let g = graph(&t);
        assert!(g.contains("disabled, link down"), "{g}");
        assert!(g.contains("p0 [label=\"sw\\n10.0.0.254/24\\ndown\", shape=box, style=\"rounded,bold\", color=red"), "{g}");
        assert_eq!(g, graph(&t.clone()), "deterministic");
    }

    #[test]
    fn each_systems_hosts_are_grouped_and_the_worlds_stay_outside() {
        let (t, _) = pair();
        let role = |node: &str, system: &str| Role { node: node.into(), state: "Online".into(), system: system.into() };
        let g = graph_with_roles(&t, &[role("B", "pair-1")]);
        let group = g.split("subgraph cluster_system_0 {").nth(1).expect("a group for pair-1");
        let group = &group[..group.find("\n  }\n").expect("the group closes")];
        assert!(group.contains("label=\"pair-1\";") && group.contains("label=\"B\\n(Online)\";"), "B in pair-1's group: {g}");
        assert!(!group.contains("A \\\"one\\\""), "A belongs to no system: {g}");
        assert!(g.contains("\n  subgraph cluster_0 {"), "A at the top level: {g}");
        let one = graph_with_roles(&t, &[role("B", "")]);
        assert!(!one.contains("cluster_system_") && one.contains("label=\"B\\n(Online)\";"), "one system: roles, no group: {one}");
    }
}
