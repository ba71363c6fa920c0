//! The fault alphabet: what can go wrong in a system (cables, NICs, power, switches, services,
//! administrator actions), each fault as the script actions that strike and heal it, and the
//! shape of a chaos run for a product. Products pick their alphabet from here; the chaos
//! harness and `explore` draw and combine faults from it.

use crate::action::{Action, CableRef, NamedFault, Target};
use crate::engine::Time;
use crate::units::Ms;
use crate::world::WorldDecl;

/// One kind of fault or administrator action.
#[derive(Clone, Debug, PartialEq, Eq)]
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
    /// A part of the declared world, by name: it needs no node (FS-WORLD).
    Part(Part),
}

/// A part of a declared world that a fault strikes, and how: a cable pulled (an inter-switch or
/// WAN link is a cable too), a NIC disabled, a host's power lost, a switch failed.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Part {
    Cable(String),
    Nic { host: String, nic: String },
    Host(String),
    Switch(String),
}

/// The faults a declared world offers: every cable, NIC, host and switch, in declaration order
/// (FS-WORLD). A partition between switches is one of them wherever two switches are joined.
pub fn world_alphabet(world: &WorldDecl) -> Vec<FaultKind> {
    let cables = world.cables.iter().map(|c| Part::Cable(c.name.clone()));
    let nics = world.hosts.iter().flat_map(|h| h.nics.iter().map(|n| Part::Nic { host: h.name.clone(), nic: n.name.clone() }));
    let hosts = world.hosts.iter().map(|h| Part::Host(h.name.clone()));
    let switches = world.switches.iter().map(|s| Part::Switch(s.name.clone()));
    cables.chain(nics).chain(hosts).chain(switches).map(FaultKind::Part).collect()
}

/// One letter of a world's fault alphabet: a kind of fault and the system (its index in the
/// world) whose script strikes it. A part of the world is struck through the first system and
/// hits every system that uses it, because the world applies it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Letter {
    pub system: u16,
    pub kind: FaultKind,
}

/// The fault alphabet of a world of systems, given each system's own alphabet in world order:
/// in a declared world the world's parts replace each product's network and power faults
/// (named by role), and the rest (services, the administrator's actions) stays, system by
/// system, before the parts. Without a declared world each system keeps its whole alphabet.
pub fn world_letters(alphabets: Vec<Vec<FaultKind>>, world: Option<&WorldDecl>) -> Vec<Letter> {
    let mut out = Vec::new();
    for (i, alphabet) in alphabets.into_iter().enumerate() {
        let system = u16::try_from(i).expect("a world holds at most MAX_SYSTEMS systems");
        let own = alphabet.into_iter().filter(|k| world.is_none() || !k.strikes_the_network());
        out.extend(own.map(|kind| Letter { system, kind }));
    }
    if let Some(world) = world {
        out.extend(world_alphabet(world).into_iter().map(|kind| Letter { system: 0, kind }));
    }
    out
}

impl FaultKind {
    /// A cable, a NIC, a server's power or a switch, named by role.
    fn strikes_the_network(&self) -> bool {
        matches!(self, FaultKind::PullCable(_) | FaultKind::DisableNic(_) | FaultKind::PowerFail | FaultKind::SwitchFailure)
    }

    /// Whether the fault names its own target, so the node it is drawn for does not matter.
    pub fn node_independent(&self) -> bool {
        matches!(self, FaultKind::SwitchFailure | FaultKind::AdminSwitch | FaultKind::Part(_))
    }

    pub fn label(&self) -> String {
        match self {
            FaultKind::Part(Part::Cable(c)) => format!("pull cable {c}"),
            FaultKind::Part(Part::Nic { host, nic }) => format!("disable NIC {nic} of {host}"),
            FaultKind::Part(Part::Host(h)) => format!("power failure of {h}"),
            FaultKind::Part(Part::Switch(s)) => format!("fail switch {s}"),
            FaultKind::PullCable(CableRef::Both) => "pull both cables".into(),
            FaultKind::DisableNic(CableRef::Both) => "disable both NICs".into(),
            FaultKind::PullCable(c) => format!("pull {c:?} cable"),
            FaultKind::DisableNic(c) => format!("disable {c:?} NIC"),
            other => format!("{other:?}"),
        }
    }
}

/// One fault of a schedule: struck at `at_ms` on `node` of `system` (its index in the world),
/// undone after `duration_ms` (or when the healing phase begins, whichever is first). The node
/// is `Main`, `Backup`, or a later node of its system by name (a third Check Point server).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault {
    pub system: u16,
    pub kind: FaultKind,
    pub node: Target,
    pub at_ms: Time,
    pub duration_ms: Time,
}

impl Fault {
    fn target(&self) -> Target {
        self.node.clone()
    }

    /// The nodes a fault of a system with nodes `names` (in order) can strike: `Main`, `Backup`,
    /// and each later one by its name. In a system of more than two, `Backup` (`Secondary`)
    /// could be any of the later nodes, and a file refuses it as ambiguous: there every node
    /// after the first is named, so a repro or an explore file reads back (FS-PIN).
    pub fn nodes_of(names: &[String]) -> Vec<Target> {
        let named = if names.len() > 2 { 1 } else { 2 };
        let first = [Target::Main, Target::Backup].into_iter().take(named);
        first.chain(names.iter().skip(named).map(|n| Target::Named(n.clone()))).collect()
    }

    /// The fault without its time, in words: "pull cable isl-1" (a part of the world is named),
    /// "Stop on Main", "Stop on Main of pair-2" in a world of several systems (`names`, in world
    /// order; "" for a scenario's one system).
    pub fn element(&self, names: &[&str]) -> String {
        let on = match (self.kind.node_independent(), names.get(usize::from(self.system)).copied().unwrap_or_default()) {
            (true, _) if matches!(self.kind, FaultKind::Part(_)) => String::new(),
            (true, "") => String::new(),
            (true, name) => format!(" of {name}"),
            (false, "") => format!(" on {}", self.node),
            (false, name) => format!(" on {} of {name}", self.node),
        };
        format!("{}{on}", self.kind.label())
    }

    /// The fault in words, with when it strikes and how long it lasts.
    pub fn describe(&self, names: &[&str]) -> String {
        format!("{} at {} for {}", self.element(names), Ms(self.at_ms), Ms(self.duration_ms))
    }

    /// The action that strikes the fault.
    pub fn strike(&self) -> Vec<Action> {
        let t = self.target();
        match &self.kind {
            FaultKind::Part(part) => vec![Action::World(part.strike())],
            &FaultKind::PullCable(cable) => vec![Action::Pull { cable, on: t }],
            &FaultKind::DisableNic(cable) => vec![Action::DisableNic { cable, on: t }],
            FaultKind::Stop => vec![Action::Stop(t)],
            FaultKind::PowerFail => vec![Action::PowerFail(t)],
            FaultKind::Restart => vec![Action::Restart { node: t, duration: Ms(self.duration_ms) }],
            FaultKind::StopDb => vec![Action::StopDb(t)],
            FaultKind::SwitchFailure => vec![Action::FailSwitch],
            FaultKind::FailResource => vec![Action::FailResource(t)],
            FaultKind::BreakSyncFile => vec![Action::BreakSyncFile(t)],
            FaultKind::FillBackupDisk => vec![Action::FillBackupDisk(t)],
            FaultKind::AdminSwitch => vec![Action::Switch],
            FaultKind::EditPublish => vec![Action::Edit { on: t.clone(), count: 2 }, Action::Publish(t)],
            FaultKind::MakeActive => vec![Action::MakeActive(t)],
        }
    }

    /// The action that undoes it, if it is undone (a restart heals itself; an administrator's
    /// action stands).
    pub fn heal(&self) -> Option<Action> {
        let t = self.target();
        match &self.kind {
            FaultKind::Part(part) => Some(Action::World(part.heal())),
            &FaultKind::PullCable(cable) => Some(Action::Plug { cable, on: t }),
            &FaultKind::DisableNic(cable) => Some(Action::EnableNic { cable, on: t }),
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

impl Part {
    fn strike(&self) -> NamedFault {
        match self.clone() {
            Part::Cable(cable) => NamedFault::Pull { cable },
            Part::Nic { host, nic } => NamedFault::DisableNic { host, nic },
            Part::Host(h) => NamedFault::PowerFail(h),
            Part::Switch(s) => NamedFault::FailSwitch(s),
        }
    }

    fn heal(&self) -> NamedFault {
        match self.clone() {
            Part::Cable(cable) => NamedFault::Plug { cable },
            Part::Nic { host, nic } => NamedFault::EnableNic { host, nic },
            Part::Host(h) => NamedFault::PowerOn(h),
            Part::Switch(s) => NamedFault::RestoreSwitch(s),
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
    /// After healing, the operator takes this many steps of the product's documented recovery
    /// procedure (`Recover`), `recover_every_ms` apart, the first right after the last heal;
    /// 0 for a product without such a procedure.
    pub recover_steps: u32,
    pub recover_every_ms: Time,
}
