//! `InstallConfiguration.xml` read into typed data (roxmltree), each value with the place it was
//! written. The tags are those of the unattended installation's page
//! (`Unattended_DM_installation.md`): the `DMS` tag, the `DMA` tag, `DataBase`,
//! `CassandraClusterSettings`, `ElasticClusterSettings` and `SearchDataBase`. The page's own
//! examples also write the unnumbered `IP`, `Failover`, `VirtualIP` and `IPMask`: they are read
//! as the first of each.

use super::{Problem, Where};
use crate::net::{AddrError, Ip};
use roxmltree::Node;

/// A value as the file gives it: the value, the tag as written and where.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct At<T> {
    pub value: T,
    pub tag: String,
    pub at: Where,
}

/// A subnet mask, kept as its prefix length (`255.255.0.0` is 16).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PrefixLen(pub u8);

/// `type=` of a DMA's `DataBase` tag.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DbKind {
    /// Cassandra on the DMA itself.
    Cassandra,
    /// A Cassandra cluster (`CassandraClusterSettings` gives its nodes).
    CassandraCluster,
    MySql,
}

/// The `DMS` tag.
#[derive(Clone, Debug, Default)]
pub struct Dms {
    pub version: Option<At<String>>,
    pub cluster_name: Option<At<String>>,
    pub timeout_min: Option<At<u32>>,
    pub dmas: Vec<Dma>,
    /// Tags read and not modelled (`CentralDataBase`, `Package`): said in the output.
    pub not_modelled: Vec<At<()>>,
}

/// A `DMA` tag: a standalone agent, or a Failover pair when it names a failover DMA.
#[derive(Clone, Debug)]
pub struct Dma {
    pub at: Where,
    pub id: Option<At<u32>>,
    pub machine_name: At<String>,
    pub location: Option<At<String>>,
    /// `IP1` (or `IP`) and `IP2`.
    pub ip: [Option<At<Ip>>; 2],
    /// `Failover1` (or `Failover`) and `Failover2`: the failover DMA's addresses.
    pub failover: [Option<At<Ip>>; 2],
    pub failover_machine_name: Option<At<String>>,
    /// `VirtualIP1` (or `VirtualIP`) and `VirtualIP2`.
    pub vip: [Option<At<Ip>>; 2],
    /// `IPMask1` (or `IPMask`) and `IPMask2`.
    pub mask: [Option<At<PrefixLen>>; 2],
    pub database: Option<At<DbKind>>,
    /// `DBServer` of the `DataBase` tag: addresses, or a name such as `localhost`.
    pub db_server: Option<At<Vec<String>>>,
    pub cassandra: Option<CassandraSettings>,
    pub elastic: Option<At<()>>,
    pub search: Option<At<Vec<String>>>,
    pub not_modelled: Vec<At<()>>,
}

/// What failsim reads of `CassandraClusterSettings`.
#[derive(Clone, Debug)]
pub struct CassandraSettings {
    pub at: Where,
    pub seeds: Option<At<Vec<Ip>>>,
    pub cluster_size: Option<At<u32>>,
}

/// The most `DMA` tags a file may have (a stated limit: two hosts each, well inside a world's
/// 20,000 hosts).
pub const MAX_DMAS: usize = 1_000;

/// Each tag a parent may hold, and what failsim does with it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Known {
    /// Read into the typed data.
    Read,
    /// Known to the page, not modelled: said in the output.
    Noted,
    /// Known to the page, says nothing failsim models (credentials, paths): skipped quietly.
    Skipped,
}

const DMS_TAGS: &[(&str, Known)] = &[
    ("DataMinerVersion", Known::Read),
    ("ClusterName", Known::Read),
    ("Timeout", Known::Read),
    ("DMA", Known::Read),
    ("CentralDataBase", Known::Noted),
    ("CentralDatabase", Known::Noted),
    ("Package", Known::Noted),
];

const DMA_TAGS: &[(&str, Known)] = &[
    ("ID", Known::Read),
    ("MachineName", Known::Read),
    ("Location", Known::Read),
    ("IP", Known::Read),
    ("IP1", Known::Read),
    ("IP2", Known::Read),
    ("Failover", Known::Read),
    ("Failover1", Known::Read),
    ("Failover2", Known::Read),
    ("FailoverMachineName", Known::Read),
    ("VirtualIP", Known::Read),
    ("VirtualIP1", Known::Read),
    ("VirtualIP2", Known::Read),
    ("IPMask", Known::Read),
    ("IPMask1", Known::Read),
    ("IPMask2", Known::Read),
    ("DataBase", Known::Read),
    ("Database", Known::Read),
    ("CassandraClusterSettings", Known::Read),
    ("ElasticClusterSettings", Known::Read),
    ("SearchDataBase", Known::Read),
    ("Package", Known::Noted),
];

/// The `DataBase` tag's subtags the page names; it also takes "any other tags that can be
/// configured in Db.xml", so another tag there is a warning, not an error.
const DATABASE_TAGS: &[(&str, Known)] = &[
    ("DB", Known::Skipped),
    ("DBServer", Known::Read),
    ("DBDrive", Known::Skipped),
    ("ConnectString", Known::Skipped),
    ("UID", Known::Skipped),
    ("PWD", Known::Skipped),
    ("Maintenance", Known::Skipped),
];

const CASSANDRA_TAGS: &[(&str, Known)] = &[
    ("ListenAddress", Known::Skipped),
    ("Seeds", Known::Read),
    ("ClusterName", Known::Skipped),
    ("ClusterSize", Known::Read),
    ("Port", Known::Skipped),
    ("SystemAuthReplicationFactor", Known::Skipped),
    ("DefaultKeyspaceReplicationFactor", Known::Skipped),
    ("RpcAddress", Known::Skipped),
    ("BroadCastRpcAddress", Known::Skipped),
    ("TargetInstallationDirectory", Known::Skipped),
    ("DataPath", Known::Skipped),
    ("Snitch", Known::Skipped),
    ("IsResponsibleForConfiguration", Known::Skipped),
];

const ELASTIC_TAGS: &[(&str, Known)] = &[
    ("DiscoveryHosts", Known::Skipped),
    ("NetworkHost", Known::Skipped),
    ("NetworkPublishHost", Known::Skipped),
    ("ClusterName", Known::Skipped),
    ("NodeName", Known::Skipped),
    ("MinimumMasterNodes", Known::Skipped),
    ("MasterNode", Known::Skipped),
    ("DataNode", Known::Skipped),
    ("DataPath", Known::Skipped),
    ("TargetInstallationDirectory", Known::Skipped),
];

const SEARCH_TAGS: &[(&str, Known)] = &[("DBServer", Known::Read), ("UID", Known::Skipped), ("PWD", Known::Skipped)];

/// Whether a parent takes tags the page does not list (Db.xml's): those are warnings.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Open {
    Closed,
    DbXml,
}

/// Reads the `DMS` document. `warn` collects what is read but dropped.
pub fn dms(doc: &roxmltree::Document<'_>, lines: &super::Lines<'_>, warn: &mut Vec<Problem>) -> Result<Dms, Problem> {
    let root = doc.root_element();
    let at = lines.of(root.range().start);
    if root.tag_name().name() != "DMS" {
        return Err(Problem::at(at, format!("the root tag is `<{}>`; an InstallConfiguration.xml starts with `<DMS>`", root.tag_name().name())));
    }
    let mut dms = Dms::default();
    for child in children(root, DMS_TAGS, Open::Closed, lines, warn)? {
        let (tag, at) = (child.tag_name().name(), lines.of(child.range().start));
        match tag {
            "DataMinerVersion" => set(&mut dms.version, text(child, lines)?, tag, at)?,
            "ClusterName" => set(&mut dms.cluster_name, text(child, lines)?, tag, at)?,
            "Timeout" => set(&mut dms.timeout_min, number(child, lines)?, tag, at)?,
            "DMA" if dms.dmas.len() == MAX_DMAS => return Err(Problem::at(at, format!("more than {MAX_DMAS} `<DMA>` tags (a stated limit)"))),
            "DMA" => dms.dmas.push(dma(child, lines, warn)?),
            _ => dms.not_modelled.push(At { value: (), tag: tag.into(), at }),
        }
    }
    Ok(dms)
}

fn dma(node: Node<'_, '_>, lines: &super::Lines<'_>, warn: &mut Vec<Problem>) -> Result<Dma, Problem> {
    let at = lines.of(node.range().start);
    let mut d = Partial::default();
    for child in children(node, DMA_TAGS, Open::Closed, lines, warn)? {
        dma_tag(&mut d, child, lines, warn)?;
    }
    let machine_name = d.machine_name.ok_or_else(|| missing(at, "MachineName", "the NetBIOS name of the server (max. 15 characters)"))?;
    if let Some(name) = std::iter::once(&machine_name).chain(&d.failover_machine_name).find(|n| n.value.is_empty()) {
        return Err(Problem::at(name.at, format!("`<{}>` is empty: a machine needs a name", name.tag)));
    }
    if d.ip[0].is_none() {
        let also = if d.ip[1].is_some() { " (an `<IP2>` alone is not enough)" } else { "" };
        return Err(missing(at, "IP1", &format!("the IP address of the server (or `<IP>`){also}")));
    }
    Ok(Dma {
        at,
        id: d.id,
        machine_name,
        location: d.location,
        ip: d.ip,
        failover: d.failover,
        failover_machine_name: d.failover_machine_name,
        vip: d.vip,
        mask: d.mask,
        database: d.database,
        db_server: d.db_server,
        cassandra: d.cassandra,
        elastic: d.elastic,
        search: d.search,
        not_modelled: d.not_modelled,
    })
}

/// A `DMA` tag's fields as they are read, before the required ones are checked.
#[derive(Default)]
struct Partial {
    id: Option<At<u32>>,
    machine_name: Option<At<String>>,
    location: Option<At<String>>,
    ip: [Option<At<Ip>>; 2],
    failover: [Option<At<Ip>>; 2],
    failover_machine_name: Option<At<String>>,
    vip: [Option<At<Ip>>; 2],
    mask: [Option<At<PrefixLen>>; 2],
    database: Option<At<DbKind>>,
    db_server: Option<At<Vec<String>>>,
    cassandra: Option<CassandraSettings>,
    elastic: Option<At<()>>,
    search: Option<At<Vec<String>>>,
    not_modelled: Vec<At<()>>,
}

fn dma_tag(d: &mut Partial, child: Node<'_, '_>, lines: &super::Lines<'_>, warn: &mut Vec<Problem>) -> Result<(), Problem> {
    let (tag, at) = (child.tag_name().name(), lines.of(child.range().start));
    match tag {
        "ID" => set(&mut d.id, number(child, lines)?, tag, at),
        "MachineName" => set(&mut d.machine_name, text(child, lines)?, tag, at),
        "Location" => set(&mut d.location, text(child, lines)?, tag, at),
        "IP" | "IP1" => set(&mut d.ip[0], address(child, lines)?, tag, at),
        "IP2" => set(&mut d.ip[1], address(child, lines)?, tag, at),
        "Failover" | "Failover1" => set(&mut d.failover[0], address(child, lines)?, tag, at),
        "Failover2" => set(&mut d.failover[1], address(child, lines)?, tag, at),
        "FailoverMachineName" => set(&mut d.failover_machine_name, text(child, lines)?, tag, at),
        "VirtualIP" | "VirtualIP1" => set(&mut d.vip[0], address(child, lines)?, tag, at),
        "VirtualIP2" => set(&mut d.vip[1], address(child, lines)?, tag, at),
        "IPMask" | "IPMask1" => set(&mut d.mask[0], mask(child, lines)?, tag, at),
        "IPMask2" => set(&mut d.mask[1], mask(child, lines)?, tag, at),
        "DataBase" | "Database" => database(d, child, lines, warn),
        "CassandraClusterSettings" => once(&d.cassandra.as_ref().map(|c| c.at), tag, at).and_then(|()| {
            d.cassandra = Some(cassandra(child, lines, warn)?);
            Ok(())
        }),
        "ElasticClusterSettings" => {
            children(child, ELASTIC_TAGS, Open::Closed, lines, warn)?;
            set(&mut d.elastic, (), tag, at)
        }
        "SearchDataBase" => {
            let server = children(child, SEARCH_TAGS, Open::Closed, lines, warn)?.into_iter().find(|c| c.tag_name().name() == "DBServer");
            let servers = match server {
                Some(s) => servers(&text(s, lines)?, "DBServer", lines.of(s.range().start))?,
                None => Vec::new(),
            };
            set(&mut d.search, servers, tag, at)
        }
        _ => {
            d.not_modelled.push(At { value: (), tag: tag.into(), at });
            Ok(())
        }
    }
}

fn database(d: &mut Partial, node: Node<'_, '_>, lines: &super::Lines<'_>, warn: &mut Vec<Problem>) -> Result<(), Problem> {
    let (tag, at) = (node.tag_name().name(), lines.of(node.range().start));
    let kind = match node.attribute("type") {
        Some("Cassandra") => DbKind::Cassandra,
        Some("CassandraCluster") => DbKind::CassandraCluster,
        Some("MySQL") => DbKind::MySql,
        Some(other) => {
            let hint = did_you_mean(other, &["Cassandra", "CassandraCluster", "MySQL"]);
            return Err(Problem::at(at, format!("`<{tag} type=\"{other}\">`: the type is Cassandra, CassandraCluster or MySQL{hint}")));
        }
        None => return Err(Problem::at(at, format!("`<{tag}>` has no `type` attribute (Cassandra, CassandraCluster or MySQL)"))),
    };
    set(&mut d.database, kind, tag, at)?;
    let server = children(node, DATABASE_TAGS, Open::DbXml, lines, warn)?.into_iter().find(|c| c.tag_name().name() == "DBServer");
    if let Some(server) = server {
        let at = lines.of(server.range().start);
        set(&mut d.db_server, servers(&text(server, lines)?, "DBServer", at)?, "DBServer", at)?;
    }
    Ok(())
}

fn cassandra(node: Node<'_, '_>, lines: &super::Lines<'_>, warn: &mut Vec<Problem>) -> Result<CassandraSettings, Problem> {
    let mut c = CassandraSettings { at: lines.of(node.range().start), seeds: None, cluster_size: None };
    for child in children(node, CASSANDRA_TAGS, Open::Closed, lines, warn)? {
        let (tag, at) = (child.tag_name().name(), lines.of(child.range().start));
        match tag {
            "Seeds" => {
                let seeds = list(&text(child, lines)?).iter().map(|s| ip(s, tag, at)).collect::<Result<Vec<Ip>, Problem>>()?;
                set(&mut c.seeds, seeds, tag, at)?;
            }
            "ClusterSize" => set(&mut c.cluster_size, number(child, lines)?, tag, at)?,
            _ => {}
        }
    }
    Ok(c)
}

/// The element children of `node`, each checked against `known`: an unknown tag is an error
/// with a suggestion, or a warning where the page lets Db.xml's own tags in. Text between
/// them that is not blank is an error (a value where tags were expected).
fn children<'a, 'i>(
    node: Node<'a, 'i>,
    known: &[(&str, Known)],
    open: Open,
    lines: &super::Lines<'_>,
    warn: &mut Vec<Problem>,
) -> Result<Vec<Node<'a, 'i>>, Problem> {
    let parent = node.tag_name().name();
    let mut out = Vec::new();
    for child in node.children() {
        let at = lines.of(child.range().start);
        if child.is_text() && !child.text().unwrap_or_default().trim().is_empty() {
            return Err(Problem::at(at, format!("text in `<{parent}>`, which holds tags, not a value")));
        }
        if !child.is_element() {
            continue;
        }
        let tag = child.tag_name().name();
        match known.iter().find(|(k, _)| *k == tag) {
            Some((_, Known::Skipped)) => {}
            Some(_) => out.push(child),
            None if open == Open::DbXml => {
                warn.push(Problem::at(at, format!("`<{tag}>` in `<{parent}>` is not one of the page's subtags (a Db.xml setting?): failsim ignores it")))
            }
            None => {
                let names: Vec<&str> = known.iter().map(|(k, _)| *k).collect();
                let hint = did_you_mean(tag, &names);
                return Err(Problem::at(at, format!("unknown tag `<{tag}>` in `<{parent}>`{hint}; a `<{parent}>` holds: {}", names.join(", "))));
            }
        }
    }
    Ok(out)
}

/// A second tag for one value (`IP` and `IP1`, or `IP1` twice) is an error: which one meant it?
fn set<T>(slot: &mut Option<At<T>>, value: T, tag: &str, at: Where) -> Result<(), Problem> {
    once(&slot.as_ref().map(|s| s.at), tag, at)?;
    *slot = Some(At { value, tag: tag.into(), at });
    Ok(())
}

fn once(earlier: &Option<Where>, tag: &str, at: Where) -> Result<(), Problem> {
    match earlier {
        Some(first) => Err(Problem::at(at, format!("`<{tag}>` gives a value given already at line {}, column {}", first.line, first.col))),
        None => Ok(()),
    }
}

/// The element's text, trimmed: the page's first example writes a value on its own line.
fn text(node: Node<'_, '_>, lines: &super::Lines<'_>) -> Result<String, Problem> {
    if let Some(inner) = node.children().find(|c| c.is_element()) {
        let at = lines.of(inner.range().start);
        return Err(Problem::at(at, format!("`<{}>` inside `<{}>`, which holds a value, not tags", inner.tag_name().name(), node.tag_name().name())));
    }
    Ok(node.children().filter_map(|c| c.text()).collect::<String>().trim().to_string())
}

fn number(node: Node<'_, '_>, lines: &super::Lines<'_>) -> Result<u32, Problem> {
    let t = text(node, lines)?;
    t.parse().map_err(|_| Problem::at(lines.of(node.range().start), format!("`{t}` in `<{}>` is not a whole number", node.tag_name().name())))
}

fn address(node: Node<'_, '_>, lines: &super::Lines<'_>) -> Result<Ip, Problem> {
    ip(&text(node, lines)?, node.tag_name().name(), lines.of(node.range().start))
}

fn ip(text: &str, tag: &str, at: Where) -> Result<Ip, Problem> {
    text.parse().map_err(|e| not_an_address(text, tag, at, e))
}

fn not_an_address(text: &str, tag: &str, at: Where, e: AddrError) -> Problem {
    match e {
        AddrError::LeadingZero { decimal, .. } => {
            Problem::at(at, format!("`{text}` in `<{tag}>` has a leading zero, which some tools read as octal: write {decimal}"))
        }
        _ => Problem::at(at, format!("`{text}` in `<{tag}>` is not an IPv4 address (expected a.b.c.d, each part 0 to 255)")),
    }
}

/// `DBServer`'s comma-separated hosts, each an address or a name (`localhost`); an address
/// with a leading zero is refused as anywhere else, not taken for a name.
fn servers(text: &str, tag: &str, at: Where) -> Result<Vec<String>, Problem> {
    let servers = list(text);
    for server in &servers {
        if let Err(e @ AddrError::LeadingZero { .. }) = server.parse::<Ip>() {
            return Err(not_an_address(server, tag, at, e));
        }
    }
    Ok(servers)
}

fn mask(node: Node<'_, '_>, lines: &super::Lines<'_>) -> Result<PrefixLen, Problem> {
    let (tag, at) = (node.tag_name().name(), lines.of(node.range().start));
    let t = text(node, lines)?;
    let bits = ip(&t, tag, at)?.0;
    let ones = bits.leading_ones();
    if bits.checked_shl(ones).unwrap_or(0) != 0 {
        return Err(Problem::at(at, format!("`{t}` in `<{tag}>` is not a subnet mask: its one bits must come first (255.255.0.0, 255.255.255.0, …)")));
    }
    if !(1..=30).contains(&ones) {
        return Err(Problem::at(at, format!("`{t}` in `<{tag}>` leaves no room for the pair's hosts: a mask of /1 to /30 (255.255.255.252) is expected")));
    }
    Ok(PrefixLen(ones as u8))
}

/// A comma-separated list, as `Seeds` and `DBServer` write it.
fn list(text: &str) -> Vec<String> {
    text.split(',').map(str::trim).filter(|s| !s.is_empty()).map(str::to_string).collect()
}

fn missing(at: Where, tag: &str, what: &str) -> Problem {
    Problem::at(at, format!("this `<DMA>` has no `<{tag}>` ({what})"))
}

/// " (did you mean `<X>`?)" when a known name is a small edit away (or differs in case only).
pub fn did_you_mean(word: &str, known: &[&str]) -> String {
    let best = known.iter().map(|k| (crate::scenario::edit_distance(&word.to_ascii_lowercase(), &k.to_ascii_lowercase()), *k)).min();
    match best {
        Some((d, k)) if d <= 2.max(word.len() / 5) => format!(" (did you mean `{k}`?)"),
        _ => String::new(),
    }
}
