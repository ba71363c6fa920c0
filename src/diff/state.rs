//! What an operator saw on one side at an instant: each node's role (and, for a run here, the
//! facts its status line shows: the VIP holder among them), and the alarms standing then.

use super::{AlarmLine, Side};
use crate::engine::Time;
use crate::ops::View;
use crate::products::{Registered, WithConfig};
use crate::runner::{RunError, Setup, drive, prepare};
use crate::scenario::Scenario;
use serde::Serialize;

/// A system at an instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct SystemState {
    /// The system's name in the world.
    pub system: String,
    /// Its nodes, in order.
    pub nodes: Vec<NodeState>,
    /// The alarms standing then, on every console of the system.
    pub alarms: Vec<AlarmLine>,
    /// Where the tracked writes were then (known for a run here, not from a report).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub writes: Option<Writes>,
}

/// The tracked writes at an instant, as the status report words them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Writes {
    /// What they are called here ("Records", "Configuration changes").
    pub label: String,
    /// Writes acknowledged.
    pub written: u64,
    /// Writes held by every store.
    pub replicated: u64,
    /// Writes not lost and not yet in every store (a buffer, a backlog, one store only).
    pub pending: u64,
    /// Acknowledged writes that no store holds any more.
    pub lost: u64,
}

/// A node at an instant: its role, and the facts of its status line (none from a report).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct NodeState {
    /// The node's name.
    pub name: String,
    /// Its role word, as the status report shows it.
    pub role: String,
    /// The facts its status line lists.
    pub facts: Vec<String>,
}

/// Each system of `side` at `t`, after the records of that instant.
pub(super) fn at(side: &Side, t: Time) -> Result<Vec<SystemState>, RunError> {
    let seen: Vec<(Vec<NodeState>, Option<Writes>)> = match &side.scenario {
        Some(scenario) => views_at(scenario, t)?.into_iter().map(seen_in).collect(),
        None => side.systems.iter().map(|s| (s.nodes.iter().map(|n| from_lane(side, n, t)).collect(), None)).collect(),
    };
    let standing = |alarms: &[AlarmLine]| alarms.iter().filter(|a| a.raised_ms <= t && a.cleared_ms.is_none_or(|c| c > t)).cloned().collect();
    let states = side.systems.iter().zip(seen).map(|(s, (nodes, writes))| SystemState { system: s.name.clone(), nodes, alarms: standing(&s.alarms), writes });
    Ok(states.collect())
}

/// The nodes and the writes of a view.
fn seen_in(view: View) -> (Vec<NodeState>, Option<Writes>) {
    let nodes = view.nodes.into_iter().map(|n| NodeState { name: n.name, role: n.role, facts: n.facts }).collect();
    let w = &view.writes;
    (nodes, Some(Writes { label: view.writes_label, written: w.written, replicated: w.replicated, pending: w.pending, lost: w.lost }))
}

/// A node's role from its lane in a report (the lane's segments cover the run, in order).
fn from_lane(side: &Side, name: &str, t: Time) -> NodeState {
    let lane = side.lanes.iter().find(|l| l.name == name);
    let segment = lane.and_then(|l| l.segments.iter().rev().find(|(from, _, _)| *from <= t));
    NodeState { name: name.to_string(), role: segment.map_or_else(|| "(not in the report)".to_string(), |s| s.2.clone()), facts: Vec::new() }
}

/// Every system's view after the instant `t` of a run of `scenario` (stepped to there again).
fn views_at(scenario: &Scenario, t: Time) -> Result<Vec<View>, RunError> {
    struct At<'a>(&'a Scenario, Time);
    impl WithConfig for At<'_> {
        type Out = Result<Vec<View>, RunError>;
        fn call<P: Registered>(self, _: &P::Config) -> Self::Out {
            let setup = Setup::<P>::of(self.0);
            let mut sim = prepare::<P>(&setup, &self.0.script, self.0.seed, crate::engine::Tracing::Off);
            drive(&mut sim, self.1, |_, _| {})?;
            Ok((0..setup.cfgs.len()).map(|i| sim.model.view(i, self.1)).collect())
        }
    }
    scenario.visit(At(scenario, t))
}
