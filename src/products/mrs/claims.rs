//! Claims about an MRS active/standby pair (MRS Manager, FlinkServer).

use super::AlarmSeverity;
use super::{ActiveStandby, Role, Words};
use crate::action::{NodeIn, NodeWords};

/// A node a claim names: `Main` (`Master1`), `Backup` (`Master2`) or its name.
type Node = NodeIn<Words>;
use crate::check::{self, Verdict};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoleIs {
    Active,
    Standby,
}

const STATUS_ITEMS: [&str; 4] = ["HAActive", "HAAllResOK", "HARunPhase", "Heartbeat"];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Claim {
    /// The node's HA role (`Master1`/`Main`, `Master2`/`Backup`, or its name).
    Role(Node, RoleIs),
    /// How many running nodes are active.
    ActiveCount(u32),
    /// Whether the node runs.
    Running(Node, bool),
    /// An alarm whose text contains `text` is active (or not) in the cluster's alarm list.
    Alarm {
        text: String,
        #[serde(default = "yes")]
        active: bool,
        #[serde(default)]
        severity: Option<AlarmSeverity>,
    },
    /// Events whose text contains `text` are in the event list: at least one, or exactly
    /// `count` (MRS-SWITCHOVER: `Event(text: "12026")`).
    Event {
        text: String,
        #[serde(default)]
        count: Option<u32>,
    },
    /// An HA status item of a node (HAActive, HAAllResOK, HARunPhase, Heartbeat).
    Status { of: Node, item: String, is: String },
    /// Whether the last file sync check succeeded.
    SyncOk(bool),
    /// Where the configuration changes are. Unset fields are not checked.
    Changes(check::Writes),
    /// Exactly these configuration changes (by id) were lost.
    LostChanges(Vec<u32>),
    /// At most this many active nodes (1: no split brain).
    ActiveAtMost(u32),
    /// The pair is healthy: one active, both running, file sync good, no alarm, changes on both.
    Healthy,
}

fn yes() -> bool {
    true
}

impl Claim {
    /// Checks the claim against the pair's nodes (`names`, `Main` first).
    pub fn validate(&self, names: &[String]) -> Result<(), String> {
        let node = |n: &Node| crate::action::check_node(&n.node().target(), names, Words::WORDS);
        match self {
            Claim::Changes(w) => w.validate(),
            Claim::LostChanges(ids) => check::valid_ids(ids),
            Claim::Status { of, item, .. } => node(of).and_then(|()| check::known_item(item, &STATUS_ITEMS, "HA status item")),
            Claim::Role(n, _) | Claim::Running(n, _) => node(n),
            Claim::ActiveCount(_) | Claim::Alarm { .. } | Claim::Event { .. } | Claim::SyncOk(_) | Claim::ActiveAtMost(_) | Claim::Healthy => Ok(()),
        }
    }

    pub fn eval(&self, p: &ActiveStandby, now: u64) -> Verdict {
        let id = |n: &Node| p.id_of(n.node()).expect("the parser checked the claim's nodes");
        match self {
            Claim::Role(n, r) => {
                let actual = if p.node(id(n)).role == Role::Active { RoleIs::Active } else { RoleIs::Standby };
                check::expect(*r, actual)
            }
            Claim::ActiveCount(c) => check::expect(*c, p.actives().count() as u32),
            Claim::Running(n, r) => check::expect(*r, p.node(id(n)).running),
            Claim::Alarm { text, active, severity } => {
                check::alarm(&p.console, &format!("the {} alarm list", p.profile.system), text, *active, severity.map(AlarmSeverity::severity))
            }
            Claim::Event { text, count } => {
                let logged = p.events.iter().filter(|e| e.contains(text.as_str())).count();
                let logged = u32::try_from(logged).unwrap_or(u32::MAX);
                match count {
                    Some(c) => check::expect(*c, logged).map_err(|(e, a)| (format!("{e} event(s) \"{text}\""), format!("{a} logged"))),
                    None if logged > 0 => Ok(()),
                    None => Err((format!("an event \"{text}\""), "none logged".into())),
                }
            }
            Claim::Status { of, item, is } => check::panel_item(&p.ha_status(now), p.name(id(of)), item, is),
            Claim::SyncOk(ok) => check::expect(*ok, p.sync_failure.is_none())
                .map_err(|(e, a)| (format!("sync ok = {e}"), format!("sync ok = {a} ({})", p.sync_failure.as_ref().map_or("no failure", |(c, _)| c.as_str())))),
            Claim::Changes(w) => w.check(&p.ledger.summary()),
            Claim::LostChanges(ids) => check::lost_ids(&p.ledger.summary(), ids),
            Claim::ActiveAtMost(n) => check::at_most(*n, p.actives().count(), "active"),
            Claim::Healthy => check::healthy(p.health_problems()),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// `Event(text)` without a count holds once such an event is logged, and fails before.
    #[test]
    fn an_event_claim_without_a_count_needs_one_logged() {
        let expect =
            r#"(ids: ["MRS-SWITCHOVER"], when: At("59s"), that: Event(text: "12026")), (ids: ["MRS-SWITCHOVER"], when: At("1m"), that: Event(text: "12026"))"#;
        let src = format!(r#"Scenario(name: "e", doc: "", seed: 1, system: MrsManager(), script: [(at: "1m", do: Switch)], end: "2m", expect: [{expect}])"#);
        let o = crate::runner::run(&crate::scenario::parse(Path::new("e.ron"), &src).unwrap_or_else(|e| panic!("{e}")), None).expect("runs");
        let failures: Vec<Option<String>> = o.expectations.iter().map(|e| e.failure.as_ref().map(|f| format!("{f:?}"))).collect();
        assert!(failures[0].as_ref().is_some_and(|f| f.contains("none logged")), "{failures:?}");
        assert_eq!(failures[1], None, "the switchover at 1:00 logged 12026");
    }
}
