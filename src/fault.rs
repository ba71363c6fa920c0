//! The fault alphabet: what can go wrong in a system (cables, NICs, power, switches, services,
//! administrator actions), each fault as the script actions that strike and heal it, and the
//! shape of a chaos run for a product. Products pick their alphabet from here; the chaos
//! harness and `explore` draw and combine faults from it.

use crate::action::{Action, CableRef, NodeId, Target};
use crate::engine::Time;
use crate::units::Ms;

/// One kind of fault or administrator action.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    PullCable(CableRef),
    DisableNic(CableRef),
    Stop,
    PowerFail,
    /// A restart; the fault's duration is how long it takes.
    Restart,
    StopDb,
    SwitchFailure,
    FailResource,
    BreakSyncFile,
    FillBackupDisk,
    /// The administrator's switch (DataMiner, MRS): no undo.
    AdminSwitch,
    /// Check Point: edit and publish on the node.
    EditPublish,
    /// Check Point: make the node Active (a changeover, or a collision): no undo.
    MakeActive,
}

impl FaultKind {
    pub fn label(self) -> String {
        match self {
            FaultKind::PullCable(CableRef::Both) => "pull both cables".into(),
            FaultKind::DisableNic(CableRef::Both) => "disable both NICs".into(),
            FaultKind::PullCable(c) => format!("pull {c:?} cable"),
            FaultKind::DisableNic(c) => format!("disable {c:?} NIC"),
            other => format!("{other:?}"),
        }
    }
}

/// One fault of a schedule: struck at `at_ms` on `node`, undone after `duration_ms` (or when the
/// healing phase begins, whichever is first).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fault {
    pub kind: FaultKind,
    pub node: NodeId,
    pub at_ms: Time,
    pub duration_ms: Time,
}

impl Fault {
    fn target(&self) -> Target {
        Target::from(self.node)
    }

    /// The action that strikes the fault.
    pub fn strike(&self) -> Vec<Action> {
        let t = self.target();
        match self.kind {
            FaultKind::PullCable(cable) => vec![Action::Pull { cable, on: t }],
            FaultKind::DisableNic(cable) => vec![Action::DisableNic { cable, on: t }],
            FaultKind::Stop => vec![Action::Stop(t)],
            FaultKind::PowerFail => vec![Action::PowerFail(t)],
            FaultKind::Restart => vec![Action::Restart { node: t, duration: Ms(self.duration_ms) }],
            FaultKind::StopDb => vec![Action::StopDb(t)],
            FaultKind::SwitchFailure => vec![Action::FailSwitch],
            FaultKind::FailResource => vec![Action::FailResource(t)],
            FaultKind::BreakSyncFile => vec![Action::BreakSyncFile(t)],
            FaultKind::FillBackupDisk => vec![Action::FillBackupDisk(t)],
            FaultKind::AdminSwitch => vec![Action::Switch],
            FaultKind::EditPublish => vec![Action::Edit { on: t, count: 2 }, Action::Publish(t)],
            FaultKind::MakeActive => vec![Action::MakeActive(t)],
        }
    }

    /// The action that undoes it, if it is undone (a restart heals itself; an administrator's
    /// action stands).
    pub fn heal(&self) -> Option<Action> {
        let t = self.target();
        match self.kind {
            FaultKind::PullCable(cable) => Some(Action::Plug { cable, on: t }),
            FaultKind::DisableNic(cable) => Some(Action::EnableNic { cable, on: t }),
            FaultKind::Stop => Some(Action::Start(t)),
            FaultKind::PowerFail => Some(Action::PowerOn(t)),
            FaultKind::StopDb => Some(Action::StartDb(t)),
            FaultKind::SwitchFailure => Some(Action::RestoreSwitch),
            FaultKind::FailResource => Some(Action::RestoreResource(t)),
            FaultKind::BreakSyncFile => Some(Action::RepairSyncFile(t)),
            FaultKind::FillBackupDisk => Some(Action::FreeBackupDisk(t)),
            FaultKind::Restart | FaultKind::AdminSwitch | FaultKind::EditPublish | FaultKind::MakeActive => None,
        }
    }
}

/// The shape of a chaos run for a system: how long faults strike, when the run ends (the quiet
/// time after healing is the difference), and the write workload that makes loss observable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Profile {
    pub fault_phase_ms: Time,
    pub end_ms: Time,
    pub write_every_ms: Time,
    pub write_count: u32,
}
