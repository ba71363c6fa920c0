//! Claims about a DataMiner Failover pair, evaluated against the operator views of the model.

use super::{AlarmSeverity, DataMiner, Dma, Led, Role, Run};
use crate::action::{NodeIn, NodeWords, Target};
use crate::check::{self, Verdict};
use crate::net::Ip;
use crate::world::World;
use serde::{Deserialize, Serialize};

/// DataMiner names its agents `Main` and `Backup` (or by their names): no words of its own.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Words;

impl NodeWords for Words {
    const WORDS: &'static [(&'static str, Target)] = &[];
}

/// A DMA a claim names: `Main`, `Backup`, or its name (its host's, in a declared world).
type Node = NodeIn<Words>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoleIs {
    Online,
    Offline,
    AcquiringVip,
    GoingOnline,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum AgentIs {
    Running,
    Starting,
    Stopped,
    StartFailed,
}

/// Status dialog items (docs: Viewing the current Failover DMA status).
const STATUS_ITEMS: [&str; 11] = [
    "Failover Status",
    "Heartbeat",
    "Inverted Heartbeat",
    "Sync Connection",
    "DB Sync",
    "DB Sync Stack",
    "NIC Corporate",
    "NIC Sync",
    "NIC Acquisition",
    "Database",
    "Agent Status",
];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Claim {
    /// The DMA's Failover Status.
    Role(Node, RoleIs),
    /// How many DMAs are online (2: split brain).
    OnlineCount(u32),
    /// Whether DataMiner runs on the DMA.
    Agent(Node, AgentIs),
    /// An alarm whose text contains `text` (case-insensitive) is active (`active: true`) or
    /// not (`active: false`) in the DMA's Alarm Console.
    Alarm {
        on: Node,
        text: String,
        #[serde(default = "yes")]
        active: bool,
        #[serde(default)]
        severity: Option<AlarmSeverity>,
    },
    /// A Status dialog item of `of`, as Cube shows it when connected to `from` (default: the
    /// online DMA). `is: "absent"` claims the item is not shown.
    Status {
        of: Node,
        item: String,
        is: String,
        #[serde(default)]
        from: Option<Node>,
    },
    /// The Failover dialog LED of the DMA.
    Led(Node, Led),
    /// The DNS table's addresses for `name`, in registration order.
    Dns { name: String, is: Vec<Ip> },
    /// No address is registered under two names, leaving out the names in `except` (a shared
    /// hostname resolves to both real IPs by design, DM-DNS-6).
    DnsUnique {
        #[serde(default)]
        except: Vec<String>,
    },
    /// The distinct answers to every lookup of `query` so far (sorted), and optionally the
    /// distinct DMAs that served the requests sent to them.
    Lookups {
        query: String,
        answers: Vec<String>,
        #[serde(default)]
        served_by: Option<Vec<Node>>,
    },
    /// The last connection attempt from the DMA succeeded (or not).
    Connection { from: Node, ok: bool },
    /// Where the gathered records are (FS-NOLOSS). Unset fields are not checked.
    Records(check::Writes),
    /// The DataMiner version the DMA runs.
    Version(Node, super::Version),
    /// Whether the DMA's database server runs.
    DbRunning(Node, bool),
    /// At most this many DMAs are online (1: no split brain).
    OnlineAtMost(u32),
    /// The pair is healthy: one DMA online, both running, sync up, no alarm, records in both DBs.
    Healthy,
    /// The DMA holds every VIP of the pair (`true`) or none (`false`): they move together
    /// (DM-OPT-ACQUISITION).
    HoldsVips(Node, bool),
    /// Every data source of the pair is polled by an online DMA over its acquisition network
    /// (`true`), or some data source is not (`false`) (DM-OPT-ACQUISITION).
    Polling(bool),
    /// The DMA's current runtime errors, the Status dialog's "RTE Count" (open RTEs; DM-OPT-RTE).
    RteCount(Node, u32),
    /// Which DMA serves a request the client sends to `ip` now (`None`: none does): the one
    /// answer that lookups and the metrics' ways read (in shared-hostname mode the agent that
    /// holds `ip` answers itself or hands the request on by its reverse proxy; DM-PROXY).
    Serves { ip: Ip, by: Option<Node> },
    /// Whether the DMA is still in the Failover pair, or what ending Failover made it
    /// (`Paired`, `Standalone`, `Removed`, `Uncleaned`; DM-ENDFAILOVER).
    Membership(Node, super::Membership),
    /// Some data source is polled by two online DMAs now (`true`), or none is (`false`): an
    /// uncleaned DMA back beside the standalone one (DM-ENDFAILOVER), or a split brain.
    PolledTwice(bool),
}

fn yes() -> bool {
    true
}

use check::expect;

impl Claim {
    /// Checks the claim against the pair's DMAs (`names`, `Main` first).
    pub fn validate(&self, names: &[String]) -> Result<(), String> {
        self.nodes().into_iter().try_for_each(|n| crate::action::check_node(&n.node().target(), names, Words::WORDS))?;
        match self {
            Claim::Records(w) => w.validate(),
            Claim::Status { item, .. } => check::known_item(item, &STATUS_ITEMS, "Status dialog item"),
            _ => Ok(()),
        }
    }

    /// The DMAs the claim names.
    fn nodes(&self) -> Vec<&Node> {
        match self {
            Claim::Role(n, _)
            | Claim::Agent(n, _)
            | Claim::Led(n, _)
            | Claim::Version(n, _)
            | Claim::DbRunning(n, _)
            | Claim::HoldsVips(n, _)
            | Claim::RteCount(n, _)
            | Claim::Membership(n, _) => vec![n],
            Claim::Alarm { on, .. } => vec![on],
            Claim::Status { of, from, .. } => std::iter::once(of).chain(from).collect(),
            Claim::Lookups { served_by, .. } => served_by.iter().flatten().collect(),
            Claim::Connection { from, .. } => vec![from],
            Claim::Serves { by, .. } => by.iter().collect(),
            Claim::OnlineCount(_)
            | Claim::Dns { .. }
            | Claim::DnsUnique { .. }
            | Claim::Records(_)
            | Claim::OnlineAtMost(_)
            | Claim::Healthy
            | Claim::Polling(_)
            | Claim::PolledTwice(_) => Vec::new(),
        }
    }

    pub fn eval(&self, dm: &DataMiner, world: &World) -> Verdict {
        let dma = |n: &Node| dm.dma_of(n.node());
        match self {
            Claim::Role(d, r) => expect(*r, role_is(dm.agent(dma(d)).role)),
            Claim::OnlineCount(n) => expect(*n, dm.online().count() as u32),
            Claim::Agent(d, s) => expect(*s, agent_is(dm.agent(dma(d)).run)),
            Claim::Alarm { on, text, active, severity } => {
                check::alarm(&dm.agent(dma(on)).console, dm.name(dma(on)), text, *active, severity.map(AlarmSeverity::severity))
            }
            Claim::Status { of, item, is, from } => check::panel_item(&dm.status_dialog(world.net(), from.as_ref().map(dma)), dm.name(dma(of)), item, is),
            Claim::Led(d, l) => expect(*l, dm.led(dma(d))),
            Claim::Dns { name, is } => expect(is.clone(), world.dns().addresses(name)),
            Claim::DnsUnique { except } => {
                let dups = world.dns().duplicates();
                let dup = dups
                    .iter()
                    .map(|(ip, names)| (ip, names.iter().filter(|n| !except.iter().any(|e| e.eq_ignore_ascii_case(n))).collect::<Vec<_>>()))
                    .find(|(_, names)| names.len() > 1);
                match dup {
                    None => Ok(()),
                    Some((ip, names)) => {
                        Err(("no address under two names".into(), format!("{ip} under {}", names.iter().map(|n| n.as_str()).collect::<Vec<_>>().join(" and "))))
                    }
                }
            }
            Claim::Lookups { query, answers, served_by } => {
                lookups(dm, query, answers, served_by.as_ref().map(|s| s.iter().map(dma).collect::<Vec<_>>()).as_deref())
            }
            Claim::Connection { from, ok } => {
                let from = dma(from);
                let last = dm.connections.iter().rev().find(|c| c.from == dm.name(from));
                match last {
                    None => Err((
                        format!("a connection from {} that {}", dm.name(from), if *ok { "succeeds" } else { "fails" }),
                        "no connection attempted yet".into(),
                    )),
                    Some(c) => expect(*ok, c.ok).map_err(|(e, a)| (format!("ok = {e}"), format!("ok = {a} ({})", c.detail))),
                }
            }
            Claim::Records(w) => w.check(&dm.ledger.summary()),
            Claim::Version(d, v) => expect(*v, dm.agent(dma(d)).version),
            Claim::DbRunning(d, r) => expect(*r, dm.db_available(world.net(), dma(d))),
            Claim::OnlineAtMost(n) => check::at_most(*n, dm.online().count(), "online"),
            Claim::Healthy => check::healthy(dm.health_problems(world.net())),
            Claim::HoldsVips(d, all) => holds_vips(dm, world, dma(d), *all),
            Claim::Polling(ok) => polling(dm, world, *ok),
            Claim::RteCount(d, n) => expect(*n, dm.rte_count(dma(d))),
            Claim::Membership(d, m) => expect(*m, dm.agent(dma(d)).membership),
            Claim::PolledTwice(twice) => polled_twice(dm, world, *twice),
            Claim::Serves { ip, by } => {
                let name = |d: Option<Dma>| d.map_or_else(|| "none".to_string(), |d| dm.name(d).to_string());
                let served = dm.serve(world.net(), *ip);
                expect(name(by.as_ref().map(dma)), name(served)).map_err(|(e, a)| (format!("{ip} served by {e}"), format!("served by {a}")))
            }
        }
    }
}

fn holds_vips(dm: &DataMiner, world: &World, dma: Dma, all: bool) -> Verdict {
    let (held, of) = (dm.vips_held(world.net(), dma), dm.cfg.vips().count());
    if of == 0 {
        return Err(("a pair in virtual-IP mode".into(), "a shared-hostname pair holds no VIP".into()));
    }
    let want = if all { of } else { 0 };
    expect(want, held).map_err(|(e, a)| (format!("{} holds {e} of {of} VIPs", dm.name(dma)), format!("it holds {a}")))
}

fn polling(dm: &DataMiner, world: &World, ok: bool) -> Verdict {
    if dm.site.data_sources.is_empty() {
        return Err(("data sources to poll".into(), "the pair has none (`bind: (data_sources: [...])`)".into()));
    }
    let missed = dm.unpolled(world.net());
    let detail = if missed.is_empty() { "every data source polled".to_string() } else { format!("not polled: {}", missed.join(", ")) };
    expect(ok, missed.is_empty()).map_err(|(e, _)| (format!("polling all = {e}"), detail))
}

fn polled_twice(dm: &DataMiner, world: &World, twice: bool) -> Verdict {
    if dm.site.data_sources.is_empty() {
        return Err(("data sources to poll".into(), "the pair has none (`bind: (data_sources: [...])`)".into()));
    }
    let sources = dm.polled_twice(world.net());
    let detail = if sources.is_empty() { "no data source polled twice".to_string() } else { format!("polled twice: {}", sources.join(", ")) };
    expect(twice, !sources.is_empty()).map_err(|(e, _)| (format!("polled twice = {e}"), detail))
}

fn role_is(r: Role) -> RoleIs {
    match r {
        Role::Offline => RoleIs::Offline,
        Role::AcquiringVip => RoleIs::AcquiringVip,
        Role::GoingOnline => RoleIs::GoingOnline,
        Role::Online => RoleIs::Online,
    }
}

pub(super) fn agent_is(r: Run) -> AgentIs {
    match r {
        Run::Running => AgentIs::Running,
        Run::Starting => AgentIs::Starting,
        Run::Stopped => AgentIs::Stopped,
        Run::StartFailed => AgentIs::StartFailed,
    }
}

fn lookups(dm: &DataMiner, query: &str, answers: &[String], served_by: Option<&[Dma]>) -> Verdict {
    let seen: Vec<_> = dm.lookups.iter().filter(|(q, _)| q.eq_ignore_ascii_case(query)).map(|(_, seen)| seen).collect();
    let mut got: Vec<String> = seen.iter().flat_map(|l| l.answers.iter().cloned()).collect();
    got.sort();
    got.dedup();
    let mut want = answers.to_vec();
    want.sort();
    expect(want, got).map_err(|(e, a)| (format!("answers {e}"), format!("answers {a}")))?;
    if let Some(served) = served_by {
        let mut got: Vec<String> = seen.iter().flat_map(|l| l.served_by.iter().cloned()).collect();
        got.sort();
        got.dedup();
        let mut want: Vec<String> = served.iter().map(|d| dm.name(*d).to_string()).collect();
        want.sort();
        expect(want, got).map_err(|(e, a)| (format!("served by {e}"), format!("served by {a}")))?;
    }
    Ok(())
}
