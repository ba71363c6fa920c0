//! The scenario file's text: the plan's world and systems in the syntax of `scenarios/*.ron`,
//! every value the file does not give written out as failsim's default, and a comment on each
//! value saying where it came from ("line N" of the XML, "failsim default", or "failsim" for an
//! element the file implies but does not name). Written as text rather than serialised: the
//! comments are what makes it a file a user can keep and edit.

use super::plan::{Agent, Host, Pair, Plan, Role, Search, Storage, Why};
use super::xml::{At, Dms};
use crate::net::{Cidr, Ip};
use std::fmt::Write;

/// A comment's opening (spelled so that no string of this file holds the two slashes).
const C: &str = concat!('/', '/');

/// How long the generated quiet run lasts (failsim's choice for an imported system).
const END: &str = "10m";

/// The version failsim runs a DMA on when the file gives none it can map (the product's
/// default, written as DataMiner writes it).
const DEFAULT_VERSION: &str = "10.4.0 CU12";

pub fn scenario(file: &str, dms: &Dms, p: &Plan) -> String {
    let mut out = String::new();
    header(&mut out, file, dms, p);
    let cluster = dms.cluster_name.as_ref();
    let name = format!("{}, imported", cluster.map_or("DMS", |c| c.value.as_str()));
    let from = cluster.map_or_else(|| "no ClusterName: the page's default name, DMS".to_string(), |c| format!("ClusterName, line {}", c.at.line));
    let _ = writeln!(out, "Scenario(\n    name: {},   {C} {from}", quoted(&name));
    let _ = writeln!(out, "    doc: {},", quoted(&doc(file, dms, p)));
    let _ = writeln!(out, "    seed: 1,   {C} failsim default");
    world(&mut out, dms, p);
    let _ = writeln!(out, "    systems: [");
    // In the file's order: each DMA tag is a pair or a standalone agent.
    for i in 0..dms.dmas.len() {
        if let Some(pair) = p.pairs.iter().find(|x| x.dma == i) {
            system(&mut out, dms, p, pair);
        }
        if let Some(agent) = p.agents.iter().find(|x| x.dma == i) {
            standalone(&mut out, dms, p, agent);
        }
    }
    let _ = writeln!(out, "    ],");
    tail(&mut out, p);
    out
}

fn header(out: &mut String, file: &str, dms: &Dms, p: &Plan) {
    let lines = [
        format!("Imported by `failsim import` from {file} (an InstallConfiguration.xml: DataMiner's unattended installation)."),
        "An ordinary scenario file: edit it, and keep it beside the configuration it came from.".into(),
        "Where each value comes from: \"line N\" is a line of that file; \"failsim default\" is failsim's".into(),
        "documented default, written out so that you see it and can change it; \"failsim\" is an element".into(),
        format!(
            "the file implies but does not name. An address without a mask that no masked subnet holds is in a /{} (failsim default).",
            super::plan::DEFAULT_PREFIX_LEN
        ),
    ];
    for l in lines {
        let _ = writeln!(out, "{C} {l}");
    }
    let noted: Vec<String> = dms.not_modelled.iter().chain(dms.dmas.iter().flat_map(|d| d.not_modelled.iter())).map(place).collect();
    let timeout = dms.timeout_min.as_ref().map(|t| format!("Timeout {} min (line {}, the installer's)", t.value, t.at.line));
    // A search database is modelled beside a Cassandra cluster (DM-STORAGE-SEPARATE); beside
    // a database on the DMA itself it is part of that machine.
    let clustered = |i: usize| storage_of(p, i).is_some_and(|s| matches!(s, Storage::Cluster { .. }));
    let search = dms.dmas.iter().enumerate().any(|(i, d)| (d.elastic.is_some() || d.search.is_some()) && !clustered(i));
    let mut not = timeout.into_iter().chain(noted).collect::<Vec<_>>();
    if search {
        not.push("ElasticClusterSettings and SearchDataBase beside a database on the DMA itself (part of that machine)".into());
    }
    if !not.is_empty() {
        let _ = writeln!(out, "{C} Read, not modelled: {}.", clean(&not.join(", ")));
    }
}

/// The storage of the system the DMA tag `i` makes.
fn storage_of(p: &Plan, i: usize) -> Option<&Storage> {
    p.pairs.iter().find(|x| x.dma == i).map(|x| &x.storage).or_else(|| p.agents.iter().find(|x| x.dma == i).map(|x| &x.storage))
}

fn place(a: &At<()>) -> String {
    format!("{} (line {})", a.tag, a.at.line)
}

fn doc(file: &str, dms: &Dms, p: &Plan) -> String {
    let pairs: Vec<String> = p.pairs.iter().map(|pair| format!("{}: {} + {}", pair.system, p.hosts[pair.main].name, p.hosts[pair.backup].name)).collect();
    let alone: Vec<String> = p.agents.iter().map(|a| format!("{}: {}", a.system, p.hosts[a.host].name)).collect();
    let mut doc = format!("Imported from {file} (FS-IMPORT, DM-INSTALLCONFIG): {} DMA tag(s): {} Failover pair(s)", dms.dmas.len(), pairs.len());
    if !pairs.is_empty() {
        let _ = write!(doc, " ({})", pairs.join("; "));
    }
    let _ = write!(doc, " and {} standalone agent(s) (DM-STANDALONE)", alone.len());
    if !alone.is_empty() {
        let _ = write!(doc, " ({})", alone.join("; "));
    }
    doc.push_str(". A quiet run: each pair keeps one online DMA and each standalone agent serves. Add faults to the script (fail a subnet's switch, pull a cable), or run `failsim explore` on this file for the resilience table.");
    doc
}

fn world(out: &mut String, dms: &Dms, p: &Plan) {
    let _ = writeln!(out, "    world: (\n        hosts: [");
    for h in &p.hosts {
        host(out, dms, p, h);
    }
    router(out, p);
    for (subnet, ip) in &p.clients {
        let s = &p.subnets[*subnet];
        let _ = writeln!(out, "            {C} failsim: the host clients connect from, on a system's corporate subnet (\"serving\" is measured from it)");
        let nic = format!("(name: \"nic\", addr: \"{}\", gateway: \"{}\")", with_len(*ip, s.net), s.router);
        let _ = writeln!(out, "            (name: {}, nics: [{nic}]),", quoted(&client_name(s.net)));
    }
    let _ = writeln!(out, "        ],\n        switches: [");
    for s in &p.subnets {
        let why = match &s.why {
            Why::Mask { tag, at } => format!("the subnet of {tag}, line {}", at.line),
            Why::Default { tag, at } => format!("{tag}, line {}, has no mask: failsim default /{}", at.line, s.net.prefix_len),
        };
        let _ = writeln!(out, "            (name: {}),   {C} {}", quoted(&switch_name(s.net)), clean(&why));
    }
    let _ = writeln!(out, "        ],\n        cables: [");
    cables(out, p);
    let _ = writeln!(out, "        ],\n    ),");
}

fn host(out: &mut String, dms: &Dms, p: &Plan, h: &Host) {
    let dma = h.dma.map(|i| &dms.dmas[i]);
    let location =
        dma.and_then(|d| d.location.as_ref()).map_or_else(String::new, |l| format!("; Location {} (line {}, not modelled)", clean(&l.value), l.at.line));
    let what = match h.role {
        Role::Dma => format!("MachineName, line {}{location}", dma.map_or(0, |d| d.machine_name.at.line)),
        Role::Failover => {
            format!("FailoverMachineName, line {}: the failover DMA", dma.and_then(|d| d.failover_machine_name.as_ref()).map_or(0, |n| n.at.line))
        }
        Role::Database(Search::No) => "a Cassandra node of Seeds that no DMA of the file is".into(),
        Role::Database(Search::Yes) => "an OpenSearch node of the search database's DBServer that no DMA of the file is".into(),
    };
    let _ = writeln!(out, "            (name: {}, nics: [   {C} {}", quoted(&h.name), what);
    for n in &h.nics {
        let s = &p.subnets[n.subnet];
        let gateway = if n.name == "acq" { String::new() } else { format!(", gateway: \"{}\"", s.router) };
        let mask = n.mask.as_ref().map_or_else(|| format!("subnet {}", s.net), |m| format!("{}, line {}", m.tag, m.at.line));
        let role = match n.name {
            "acq" => "acquisition",
            "corp" => "corporate",
            _ => "database",
        };
        let gw = if gateway.is_empty() { "" } else { "; gateway: failsim's router" };
        let _ = writeln!(
            out,
            "                (name: \"{}\", addr: \"{}\"{gateway}),   {C} {role}: {}, line {}; {}{gw}",
            n.name,
            with_len(n.addr, s.net),
            n.from.tag,
            n.from.at.line,
            mask
        );
    }
    let _ = writeln!(out, "            ]),");
}

fn router(out: &mut String, p: &Plan) {
    let _ = writeln!(out, "            {C} failsim: one router joins the subnets (the DMAs of one DMS reach each other; the file names no gateway).");
    let _ = writeln!(out, "            {C} Its address on each subnet is the highest free one; the inverted heartbeats ping it.");
    let _ = writeln!(out, "            (name: \"{ROUTER}\", router: true, nics: [");
    for (i, s) in p.subnets.iter().enumerate() {
        let _ = writeln!(out, "                (name: \"net-{}\", addr: \"{}\"),   {C} on {}", i + 1, with_len(s.router, s.net), s.net);
    }
    let _ = writeln!(out, "            ]),");
}

const ROUTER: &str = "failsim router";

fn cables(out: &mut String, p: &Plan) {
    let cable = |out: &mut String, host: &str, nic: &str, net: Cidr| {
        let name = quoted(&format!("{host} {nic}"));
        let _ = writeln!(out, "            (name: {name}, ends: (Nic({}, \"{nic}\"), Switch({}))),", quoted(host), quoted(&switch_name(net)));
    };
    for h in &p.hosts {
        for n in &h.nics {
            cable(out, &h.name, n.name, p.subnets[n.subnet].net);
        }
    }
    for (i, s) in p.subnets.iter().enumerate() {
        cable(out, ROUTER, &format!("net-{}", i + 1), s.net);
    }
    for (subnet, _) in &p.clients {
        cable(out, &client_name(p.subnets[*subnet].net), "nic", p.subnets[*subnet].net);
    }
}

fn system(out: &mut String, dms: &Dms, p: &Plan, pair: &Pair) {
    let d = &dms.dmas[pair.dma];
    let (main, backup) = (&p.hosts[pair.main], &p.hosts[pair.backup]);
    let id = d.id.as_ref().map_or_else(String::new, |id| format!("DataMiner ID {} (line {}), ", id.value, id.at.line));
    let _ = writeln!(
        out,
        "        {C} {id}the DMA tag at line {}: {} (main, online at the start) and its failover DMA {}",
        d.at.line,
        clean(&main.name),
        clean(&backup.name)
    );
    let _ = writeln!(out, "        (name: \"{}\", system: DataMiner(", pair.system);
    let client = quoted(&client_name(p.subnets[p.clients[pair.client].0].net));
    let acq = if pair.acquisition { ", acquisition: \"acq\"" } else { "" };
    let _ = writeln!(out, "            bind: (main: {}, backup: {}, corporate: \"corp\"{acq}, client: {client}),", quoted(&main.name), quoted(&backup.name));
    let _ = writeln!(
        out,
        "            {C} no sync NIC in the file: sync and DB forwarding run over the corporate network (DM-OPT-SYNCNIC, the documented default)"
    );
    addressing(out, d, pair);
    let (v, from) = version(dms);
    let _ = writeln!(out, "            main: (version: \"{v}\"),   {C} {from}");
    let _ = writeln!(out, "            backup: (version: \"{v}\"),   {C} the same: a pair runs exactly one version (Preparing_the_two_DataMiner_Agents.md)");
    storage(out, p, &pair.storage);
    if matches!(pair.storage, Storage::Default | Storage::PerDma(_)) {
        let _ = writeln!(out, "            seed: Main,   {C} failsim default: the master seed node is the main DMA's Cassandra (DM-SEED-*)");
    }
    defaults(out, p, pair);
    let _ = writeln!(out, "        )),");
}

/// A standalone agent (DM-STANDALONE): its host, version, storage and start time.
fn standalone(out: &mut String, dms: &Dms, p: &Plan, agent: &Agent) {
    let d = &dms.dmas[agent.dma];
    let host = &p.hosts[agent.host];
    let id = d.id.as_ref().map_or_else(String::new, |id| format!("DataMiner ID {} (line {}), ", id.value, id.at.line));
    let _ = writeln!(out, "        {C} {id}the DMA tag at line {}: {}, a standalone agent (the tag names no failover DMA)", d.at.line, clean(&host.name));
    let _ = writeln!(out, "        (name: \"{}\", system: DataMinerAgent(", agent.system);
    let client = quoted(&client_name(p.subnets[p.clients[agent.client].0].net));
    let acq = if agent.acquisition { ", acquisition: \"acq\"" } else { "" };
    let _ = writeln!(out, "            bind: (host: {}, corporate: \"corp\"{acq}, client: {client}),", quoted(&host.name));
    let (v, from) = version(dms);
    let _ = writeln!(out, "            version: \"{v}\",   {C} {from}");
    storage(out, p, &agent.storage);
    let _ = writeln!(out, "            start_time: \"90s\",   {C} failsim default (an assumption: undocumented)");
    let _ = writeln!(out, "        )),");
}

fn addressing(out: &mut String, d: &super::xml::Dma, pair: &Pair) {
    let vip = d.vip[0].as_ref().map_or(Ip(0), |v| v.value);
    let mut from = d.vip[0].as_ref().map_or_else(String::new, |v| format!("{}, line {}", v.tag, v.at.line));
    let acq = match (&d.vip[1], pair.acquisition) {
        (Some(v2), true) => {
            let _ = write!(from, "; {}, line {}", v2.tag, v2.at.line);
            format!(", acquisition_vip: \"{}\"", v2.value)
        }
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "            addressing: VirtualIp(vip: \"{vip}\"{acq}, register_in_dns: true),   {C} {from}; register_in_dns: failsim default (Windows')"
    );
}

/// The version every DMA runs, and where it comes from.
fn version(dms: &Dms) -> (String, String) {
    match dms.version.as_ref() {
        None => (DEFAULT_VERSION.to_string(), "failsim default: the file has no DataMinerVersion".to_string()),
        Some(given) => match mapped(&given.value) {
            Some(v) => (v, format!("DataMinerVersion, line {}: {}", given.at.line, clean(&given.value))),
            None => (
                DEFAULT_VERSION.to_string(),
                format!("failsim default: DataMinerVersion, line {}, `{}`, names no version failsim reads", given.at.line, clean(&given.value)),
            ),
        },
    }
}

/// `DataMiner 10.0.12.0-9536 Full …` → `10.0.12`: the first `a.b.c.d[-build]` of the text, its
/// first three numbers (a feature release, or a main release's CU0 when `c` is 0). A fourth
/// number other than 0 has no documented meaning failsim can map: `None`.
pub fn mapped(text: &str) -> Option<String> {
    let token = text.split_whitespace().find(|t| t.chars().next().is_some_and(|c| c.is_ascii_digit()))?;
    let number = token.split('-').next()?;
    let parts: Vec<u16> = number.split('.').map(|p| p.parse().ok()).collect::<Option<Vec<u16>>>()?;
    match parts[..] {
        [a, b, c] | [a, b, c, 0] => Some(format!("{a}.{b}.{c}")),
        _ => None,
    }
}

fn storage(out: &mut String, p: &Plan, storage: &Storage) {
    let (value, from) = match storage {
        Storage::Default => ("CassandraPerDma".to_string(), "failsim default: the DMA tag has no DataBase".to_string()),
        Storage::PerDma(at) => ("CassandraPerDma".into(), format!("DataBase type=\"Cassandra\", line {}", at.line)),
        Storage::Legacy(at) => ("Legacy".into(), format!("DataBase type=\"MySQL\", line {}: DataMiner forwards DB data itself", at.line)),
        Storage::Cluster { cassandra, from, opensearch, search_from } => {
            let names = |hosts: &[usize]| hosts.iter().map(|&n| quoted(&p.hosts[n].name)).collect::<Vec<_>>().join(", ");
            let mut why = format!("DataBase type=\"CassandraCluster\"; cassandra: {}, line {}: the hosts holding the seeds", from.tag, from.at.line);
            let search = match search_from.as_ref().filter(|_| !opensearch.is_empty()) {
                Some(s) => {
                    let _ = write!(why, "; opensearch: {}, line {}: the search database's hosts (localhost: the DMA's own machine)", s.tag, s.at.line);
                    format!(", opensearch: [{}]", names(opensearch))
                }
                None => {
                    why.push_str("; no search database outside the DMAs in the file: the OpenSearch cluster is not modelled");
                    String::new()
                }
            };
            (format!("Cluster(cassandra: [{}]{search})", names(cassandra)), why)
        }
    };
    let _ = writeln!(out, "            storage: {value},   {C} {}", clean(&from));
}

fn defaults(out: &mut String, p: &Plan, pair: &Pair) {
    let router = |h: usize| p.subnets[p.hosts[h].nics[0].subnet].router;
    let (to_main, to_backup) = (router(pair.main), router(pair.backup));
    let switch_time = match pair.storage {
        Storage::Legacy(_) => format!("848s\",   {C} the documented average with MySQL (failover_benchmarks.md)"),
        _ => format!("382s\",   {C} failsim default: the documented average with Cassandra (failover_benchmarks.md)"),
    };
    let lines = [
        format!("mode: Automatic,   {C} failsim default: the file gives no Failover options"),
        format!("initially_online: Main,   {C} failsim default"),
        format!(
            "heartbeats: [   {C} failsim default (DM-HB-DEFAULT): normal both ways over the corporate NIC, an inverted one from each DMA to its router; 5 s x 3 is failsim's assumption (undocumented)"
        ),
        "    Normal(from: Main, via: Corporate, interval: \"5s\", max_failures: 3),".into(),
        "    Normal(from: Backup, via: Corporate, interval: \"5s\", max_failures: 3),".into(),
        format!("    Inverted(from: Main, to: \"{to_main}\", via: Corporate, interval: \"5s\", max_failures: 3),"),
        format!("    Inverted(from: Backup, to: \"{to_backup}\", via: Corporate, interval: \"5s\", max_failures: 3),"),
        "],".into(),
        format!("switch_time: \"{switch_time}"),
        format!("start_time: \"90s\",   {C} failsim default (an assumption: undocumented)"),
        format!("failover_max_startup_time: \"15m\",   {C} failsim default (FailoverMaxStartupTime, documented)"),
        format!("ping_timeout_heartbeats: \"5s\",   {C} failsim default (SLNet.FailoverPingTimeoutHeartbeats, documented 5000 ms)"),
        format!("sync_check_interval: \"5s\",   {C} failsim default (an assumption: undocumented)"),
        format!("db_push_wait: \"60s\",   {C} failsim default (MaxWaitForFailoverDBPushOnManualSwitch, documented)"),
        format!("auto_restart_when_going_offline: false,   {C} failsim default (unticked)"),
        format!("unload_elements_time: \"0s\",   {C} failsim default (an assumption: the docs give no figure for unloading the elements when going offline)"),
        format!("nics_to_check: [Corporate],   {C} failsim default (SLNet.NicsToCheckOnFailover, documented \"1\": the first NIC, the corporate one)"),
        format!("connection_timeout: \"30s\",   {C} failsim default (DMS.xml errorTime, documented 30000 ms)"),
        format!("led_refresh: \"60s\",   {C} failsim default (documented: once a minute)"),
        format!("active_alarms: 0,   {C} failsim default"),
        format!("dead_end: (two_online: NewerStaysOnline),   {C} failsim default (an assumption, DM-DEADEND)"),
    ];
    for l in lines {
        let _ = writeln!(out, "            {l}");
    }
}

fn tail(out: &mut String, p: &Plan) {
    let example = p.subnets.first().map_or_else(String::new, |s| format!(", e.g. (at: \"1m\", do: FailSwitch({}))", quoted(&switch_name(s.net))));
    let _ = writeln!(out, "    script: [],   {C} none: a quiet run; add faults here{example}");
    let _ = writeln!(out, "    end: \"{END}\",   {C} failsim's choice for an imported system");
    let _ = writeln!(out, "    expect: [   {C} each pair keeps one online DMA and each standalone agent serves while nothing fails");
    for pair in &p.pairs {
        let _ = writeln!(out, "        (ids: [\"FS-IMPORT\"], when: During(\"0s\", \"{END}\"), system: \"{}\", that: OnlineCount(1)),", pair.system);
    }
    for agent in &p.agents {
        let _ = writeln!(
            out,
            "        (ids: [\"FS-IMPORT\", \"DM-STANDALONE\"], when: During(\"0s\", \"{END}\"), system: \"{}\", that: Serving(true)),",
            agent.system
        );
    }
    let _ = writeln!(out, "    ],\n)");
}

fn with_len(ip: Ip, net: Cidr) -> String {
    format!("{ip}/{}", net.prefix_len)
}

fn switch_name(net: Cidr) -> String {
    format!("switch {net}")
}

fn client_name(net: Cidr) -> String {
    format!("client {net}")
}

/// A RON string: quotes and backslashes escaped, control characters as spaces.
fn quoted(s: &str) -> String {
    let body: String = s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect();
    format!("\"{}\"", body.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Text for a comment: one line.
fn clean(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
