//! The MRS pairs' own commands and faults: a single-active resource that fails (MRS Manager's
//! floating IP, Tomcat, … MRS-RESOURCES), the two causes of a failed file sync (FLINK-45641-2),
//! and data written to the active's database where the pair replicates one (MRS-12039).

use super::ResourceName;
use crate::action::{Count, NodeWords, Target};
use serde::{Deserialize, Serialize};

/// An MRS pair's own commands, beside the shared actions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "Action")]
pub enum Command {
    /// A single-active HA resource (MRS-RESOURCES: `FloatIP`, `Tomcat`, `GaussDB`, …) fails on
    /// the node, or recovers.
    FailResource(Target, ResourceName),
    RestoreResource(Target, ResourceName),
    /// The synchronization file on the node goes missing or gets wrong permissions, or is fixed.
    BreakSyncFile(Target),
    RepairSyncFile(Target),
    /// The node's backup directory (`/srv/BigData/LocalBackup`) fills up, or is cleaned.
    FillBackupDisk(Target),
    FreeBackupDisk(Target),
    /// `count` records written to the active's database (MRS Manager: the OMS database, apart
    /// from the configuration files that `Write` changes and ALM-12011 syncs; MRS-12039).
    WriteOmsData {
        count: u32,
    },
}

/// The MRS words for the pair's nodes: `Master1` is `Main`, `Master2` `Backup`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Words;

impl NodeWords for Words {
    const WORDS: &'static [(&'static str, Target)] = &[("Master1", Target::Main), ("Master2", Target::Backup)];
}

/// The shared actions every MRS pair supports besides the world faults.
pub const SHARED: &[&str] = &["Stop", "Start", "Restart", "Switch", "Write"];

/// Every pair's own commands (with [`RESOURCE_COMMANDS`] where it has a resource).
pub const COMMANDS: &[&str] = &["BreakSyncFile", "RepairSyncFile", "FillBackupDisk", "FreeBackupDisk"];

/// The commands on a single-active resource, for a pair that has one ([`super::Resource`]).
pub const RESOURCE_COMMANDS: &[&str] = &["FailResource", "RestoreResource"];

/// The commands on a replicated database, for a pair that has one ([`super::DbSync`]).
pub const DB_COMMANDS: &[&str] = &["WriteOmsData"];

impl crate::action::Command for Command {
    fn kind(&self) -> &'static str {
        match self {
            Command::FailResource(..) => "FailResource",
            Command::RestoreResource(..) => "RestoreResource",
            Command::BreakSyncFile(_) => "BreakSyncFile",
            Command::RepairSyncFile(_) => "RepairSyncFile",
            Command::FillBackupDisk(_) => "FillBackupDisk",
            Command::FreeBackupDisk(_) => "FreeBackupDisk",
            Command::WriteOmsData { .. } => "WriteOmsData",
        }
    }

    fn describe(&self) -> String {
        match self {
            Command::FailResource(_, r) => return format!("the {r} resource fails"),
            Command::RestoreResource(_, r) => return format!("the {r} resource recovers"),
            Command::BreakSyncFile(_) => "the synchronization file goes missing",
            Command::RepairSyncFile(_) => "the synchronization file is restored",
            Command::FillBackupDisk(_) => "the backup directory fills up",
            Command::FreeBackupDisk(_) => "the backup directory is cleaned",
            Command::WriteOmsData { count } => return format!("write {count} record(s) to the OMS database"),
        }
        .into()
    }

    fn target(&self) -> Option<&Target> {
        match self {
            Command::FailResource(t, _)
            | Command::RestoreResource(t, _)
            | Command::BreakSyncFile(t)
            | Command::RepairSyncFile(t)
            | Command::FillBackupDisk(t)
            | Command::FreeBackupDisk(t) => Some(t),
            // Made on the active, whichever node it is (as `Write`).
            Command::WriteOmsData { .. } => None,
        }
    }

    fn count(&self) -> Option<Count> {
        match self {
            Command::WriteOmsData { count } => Some(Count::Records(*count)),
            _ => None,
        }
    }

    /// Data written to the OMS database is workload.
    fn is_workload(&self) -> bool {
        matches!(self, Command::WriteOmsData { .. })
    }
}

/// An MRS pair's own faults, each undone by its command's counterpart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    FailResource(ResourceName),
    BreakSyncFile,
    FillBackupDisk,
}

impl crate::fault::OwnFault for Fault {
    type Command = Command;
    fn label(&self) -> String {
        match self {
            Fault::FailResource(r) => format!("FailResource({r})"),
            Fault::BreakSyncFile | Fault::FillBackupDisk => format!("{self:?}"),
        }
    }
    fn strike(&self, node: &Target, _duration_ms: u64) -> Vec<Command> {
        let t = node.clone();
        vec![match self {
            Fault::FailResource(r) => Command::FailResource(t, *r),
            Fault::BreakSyncFile => Command::BreakSyncFile(t),
            Fault::FillBackupDisk => Command::FillBackupDisk(t),
        }]
    }
    fn heal(&self, node: &Target) -> Option<Command> {
        let t = node.clone();
        Some(match self {
            Fault::FailResource(r) => Command::RestoreResource(t, *r),
            Fault::BreakSyncFile => Command::RepairSyncFile(t),
            Fault::FillBackupDisk => Command::FreeBackupDisk(t),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::Command as _;
    use crate::fault::OwnFault;

    /// Records written to the OMS database are workload, counted in the script's totals; the
    /// pair's faults are neither.
    #[test]
    fn a_database_write_is_workload_and_its_records_are_counted() {
        let write = Command::WriteOmsData { count: 3 };
        assert_eq!(write.count(), Some(Count::Records(3)), "the script's totals count each record");
        assert!(write.is_workload(), "a database write is workload");
        for fault in [Command::FailResource(Target::Main, ResourceName::Tomcat), Command::BreakSyncFile(Target::Main), Command::FillBackupDisk(Target::Main)] {
            assert_eq!(fault.count(), None, "{fault:?}");
            assert!(!fault.is_workload(), "{fault:?} is a fault, not workload");
        }
    }

    #[test]
    fn each_fault_is_named_struck_and_healed_by_its_commands() {
        let t = Target::Backup;
        let cases = [
            (
                Fault::FailResource(ResourceName::Tomcat),
                "FailResource(Tomcat)",
                Command::FailResource(t.clone(), ResourceName::Tomcat),
                Command::RestoreResource(t.clone(), ResourceName::Tomcat),
            ),
            (Fault::BreakSyncFile, "BreakSyncFile", Command::BreakSyncFile(t.clone()), Command::RepairSyncFile(t.clone())),
            (Fault::FillBackupDisk, "FillBackupDisk", Command::FillBackupDisk(t.clone()), Command::FreeBackupDisk(t.clone())),
        ];
        for (fault, label, strike, heal) in cases {
            assert_eq!(fault.label(), label);
            assert_eq!(fault.strike(&t, 0), [strike]);
            assert_eq!(fault.heal(&t), Some(heal));
        }
    }
}
