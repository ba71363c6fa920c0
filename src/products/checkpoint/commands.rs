//! Check Point Management HA's own commands and faults: an administrator's session (edit,
//! publish) and the changeover (make Active, make Standby; CP-3, CP-4).

use crate::action::{Count, NodeWords, Target};
use serde::{Deserialize, Serialize};

/// Check Point Management HA's own commands, beside the shared actions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "Action")]
pub enum Command {
    /// An administrator's change on the server, in their session (refused on a Read Only
    /// Standby).
    Edit { on: Target, count: u32 },
    /// Publish the server's session.
    Publish(Target),
    /// Changeover: make the server Active (from a session on it).
    MakeActive(Target),
    /// Make the server Standby.
    MakeStandby(Target),
}

/// Check Point's words for its servers' identities: the Primary is `Main`, the Secondary (the
/// first, in a setup of several) `Backup`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Words;

impl NodeWords for Words {
    const WORDS: &'static [(&'static str, Target)] = &[("Primary", Target::Main), ("Secondary", Target::Backup)];
}

/// The shared actions Check Point Management HA supports besides the world faults.
pub const SHARED: &[&str] = &["Stop", "Start", "Restart"];

/// Its own commands' names, in the order messages list them.
pub const COMMANDS: &[&str] = &["Edit", "Publish", "MakeActive", "MakeStandby"];

impl crate::action::Command for Command {
    fn kind(&self) -> &'static str {
        match self {
            Command::Edit { .. } => "Edit",
            Command::Publish(_) => "Publish",
            Command::MakeActive(_) => "MakeActive",
            Command::MakeStandby(_) => "MakeStandby",
        }
    }

    fn describe(&self) -> String {
        match self {
            Command::Edit { count, .. } => format!("edit {count} object(s) in a session"),
            Command::Publish(_) => "publish the session".into(),
            Command::MakeActive(_) => "make Active".into(),
            Command::MakeStandby(_) => "make Standby".into(),
        }
    }

    fn target(&self) -> Option<&Target> {
        match self {
            Command::Edit { on, .. } => Some(on),
            Command::Publish(t) | Command::MakeActive(t) | Command::MakeStandby(t) => Some(t),
        }
    }

    /// Each edited object is a tracked change.
    fn count(&self) -> Option<Count> {
        match self {
            Command::Edit { count, .. } => Some(Count::Records(*count)),
            _ => None,
        }
    }

    /// Changes made in a session, and publishing them, are the workload.
    fn is_workload(&self) -> bool {
        matches!(self, Command::Edit { .. } | Command::Publish(_))
    }
}

/// Check Point's own faults: an administrator edits and publishes on a server (on a Standby,
/// refused), or makes a server Active (a changeover, or a collision): no undo.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    EditPublish,
    MakeActive,
}

impl crate::fault::OwnFault for Fault {
    type Command = Command;
    fn label(&self) -> String {
        format!("{self:?}")
    }
    fn strike(&self, node: &Target, _duration_ms: u64) -> Vec<Command> {
        match self {
            Fault::EditPublish => vec![Command::Edit { on: node.clone(), count: 2 }, Command::Publish(node.clone())],
            Fault::MakeActive => vec![Command::MakeActive(node.clone())],
        }
    }
    fn heal(&self, _node: &Target) -> Option<Command> {
        None
    }
}
