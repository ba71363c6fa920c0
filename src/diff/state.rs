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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SystemState {
    pub system: String,
    pub nodes: Vec<NodeState>,
    /// The alarms standing then, on every console of the system.
    pub alarms: Vec<AlarmLine>,
}

/// A node at an instant: its role, and the facts of its status line (none from a report).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeState {
    pub name: String,
    pub role: String,
    pub facts: Vec<String>,
}

/// Each system of `side` at `t`, after the records of that instant.
pub(super) fn at(side: &Side, t: Time) -> Result<Vec<SystemState>, RunError> {
    let nodes: Vec<Vec<NodeState>> = match &side.scenario {
        Some(scenario) => views_at(scenario, t)?
            .into_iter()
            .map(|v| v.nodes.into_iter().map(|n| NodeState { name: n.name, role: n.role, facts: n.facts }).collect())
            .collect(),
        None => side.systems.iter().map(|s| s.nodes.iter().map(|n| from_lane(side, n, t)).collect()).collect(),
    };
    let standing = |alarms: &[AlarmLine]| alarms.iter().filter(|a| a.raised_ms <= t && a.cleared_ms.is_none_or(|c| c > t)).cloned().collect();
    Ok(side.systems.iter().zip(nodes).map(|(s, nodes)| SystemState { system: s.name.clone(), nodes, alarms: standing(&s.alarms) }).collect())
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
            let mut sim = prepare::<P>(&setup, &self.0.script, self.0.seed, false);
            drive(&mut sim, self.1, |_, _| {})?;
            Ok((0..setup.cfgs.len()).map(|i| sim.model.view(i, self.1)).collect())
        }
    }
    scenario.visit(At(scenario, t))
}
