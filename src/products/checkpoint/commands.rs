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
    /// Promote the Secondary to Primary, the synchronization master, when the Primary is
    /// permanently unavailable (`promote_util`, then `cpstop`/`cpstart` on it; CP-9).
    Promote(Target),
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
pub const COMMANDS: &[&str] = &["Edit", "Publish", "MakeActive", "MakeStandby", "Promote"];

impl crate::action::Command for Command {
    fn kind(&self) -> &'static str {
        match self {
            Command::Edit { .. } => "Edit",
            Command::Publish(_) => "Publish",
            Command::MakeActive(_) => "MakeActive",
            Command::MakeStandby(_) => "MakeStandby",
            Command::Promote(_) => "Promote",
        }
    }

    fn describe(&self) -> String {
        match self {
            Command::Edit { count, .. } => format!("edit {count} object(s) in a session"),
            Command::Publish(_) => "publish the session".into(),
            Command::MakeActive(_) => "make Active".into(),
            Command::MakeStandby(_) => "make Standby".into(),
            Command::Promote(_) => "promote to Primary (promote_util)".into(),
        }
    }

    fn target(&self) -> Option<&Target> {
        match self {
            Command::Edit { on, .. } => Some(on),
            Command::Publish(t) | Command::MakeActive(t) | Command::MakeStandby(t) | Command::Promote(t) => Some(t),
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

/// Check Point's own faults: an administrator's actions. No undo, but for a session left open.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Edits and publishes at once on a server (on a Standby, refused: CP-3).
    EditPublish,
    /// Makes a server Active: a changeover, or a collision (CP-5, CP-6).
    MakeActive,
    /// Edits and leaves the session unpublished for the fault's duration, then publishes: a
    /// server that stops being Active meanwhile loses the changes (CP-10).
    Session,
    /// Sets a server back to Standby: ends a collision (CP-8); refused with one Active.
    MakeStandby,
    /// Promotes a Secondary to Primary: refused while the Primary runs (CP-9).
    Promote,
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
            Fault::Session => vec![Command::Edit { on: node.clone(), count: 2 }],
            Fault::MakeStandby => vec![Command::MakeStandby(node.clone())],
            Fault::Promote => vec![Command::Promote(node.clone())],
        }
    }
    fn heal(&self, node: &Target) -> Option<Command> {
        match self {
            Fault::Session => Some(Command::Publish(node.clone())),
            Fault::EditPublish | Fault::MakeActive | Fault::MakeStandby | Fault::Promote => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Command as _;
    use crate::fault::OwnFault;

    #[test]
    fn a_session_is_workload_and_its_edits_are_counted_changes() {
        let t = || Target::Named("SMS-SEC-2".into());
        assert_eq!(Command::Edit { on: t(), count: 3 }.count(), Some(Count::Records(3)), "the script's totals count each edit");
        assert_eq!(Command::Publish(t()).count(), None);
        assert!(Command::Edit { on: t(), count: 1 }.is_workload() && Command::Publish(t()).is_workload(), "a session is workload");
        assert!(!Command::MakeActive(t()).is_workload() && !Command::MakeStandby(t()).is_workload(), "a changeover is not");
        assert!(!Command::Promote(t()).is_workload(), "nor a promotion");
    }

    #[test]
    fn its_faults_are_named_and_struck_with_its_commands() {
        let t = Target::Main;
        assert_eq!((Fault::EditPublish.label(), Fault::MakeActive.label()), ("EditPublish".into(), "MakeActive".into()));
        assert_eq!(Fault::EditPublish.strike(&t, 0), [Command::Edit { on: t.clone(), count: 2 }, Command::Publish(t.clone())]);
        assert_eq!(Fault::MakeActive.strike(&t, 0), [Command::MakeActive(t.clone())]);
        assert_eq!((Fault::EditPublish.heal(&t), Fault::MakeActive.heal(&t)), (None, None), "an administrator's action stands");
        assert_eq!(Fault::Session.label(), "Session");
        assert_eq!(Fault::Session.strike(&t, 0), [Command::Edit { on: t.clone(), count: 2 }], "a session left open");
        assert_eq!(Fault::Session.heal(&t), Some(Command::Publish(t.clone())), "published when the fault heals");
        assert_eq!(Fault::MakeStandby.strike(&t, 0), [Command::MakeStandby(t.clone())]);
        assert_eq!(Fault::Promote.strike(&t, 0), [Command::Promote(t.clone())]);
        assert_eq!((Fault::MakeStandby.heal(&t), Fault::Promote.heal(&t)), (None, None));
    }
}
