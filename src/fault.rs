//! The fault alphabet: what can go wrong in a system (cables, NICs, power, switches, the
//! software, the administrator's switchover, and each product's own faults), each fault as the
//! script actions that strike and heal it, and the shape of a chaos run for a product.
//! Products pick their alphabet from here and add their own faults ([`OwnFault`]); the chaos
//! harness and `explore` draw and combine faults from it.

use crate::action::{Action, CableRef, Do, NamedFault, Target};
use crate::engine::Time;
use crate::units::Ms;
use crate::world::WorldDecl;

/// A fault of a product's own (a service that fails, a file that breaks), struck and healed
/// with the product's own commands (`Command`).
pub trait OwnFault: Clone + std::fmt::Debug + PartialEq + Eq {
    type Command;
    /// The fault in words, without its node.
    fn label(&self) -> String;
    /// The commands that strike it on `node`; `duration_ms` is how long it lasts.
    fn strike(&self, node: &Target, duration_ms: Time) -> Vec<Self::Command>;
    /// The command that undoes it, if one does (an administrator's action stands).
    fn heal(&self, node: &Target) -> Option<Self::Command>;
    /// Whether the fault names its own target, so the node it is drawn for does not matter.
    fn node_independent(&self) -> bool {
        false
    }
}

/// One kind of fault or administrator action: one every product can suffer, or one of the
/// product's own (`F`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FaultKind<F> {
    PullCable(CableRef),
    DisableNic(CableRef),
    Stop,
    PowerFail,
    /// A restart; the fault's duration is how long it takes.
    Restart,
    SwitchFailure,
    /// The administrator's switchover: no undo.
    AdminSwitch,
    /// A part of the declared world, by name: it needs no node (FS-WORLD).
    Part(Part),
    /// A fault of the product's own.
    Own(F),
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
pub fn world_alphabet<F>(world: &WorldDecl) -> Vec<FaultKind<F>> {
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
pub struct Letter<F> {
    pub system: u16,
    pub kind: FaultKind<F>,
}

/// The fault alphabet of a world of systems, given each system's own alphabet in world order:
/// in a declared world the world's parts replace each product's network and power faults
/// (named by role), and the rest (services, the administrator's actions) stays, system by
/// system, before the parts. Without a declared world each system keeps its whole alphabet.
pub fn world_letters<F: OwnFault>(alphabets: Vec<Vec<FaultKind<F>>>, world: Option<&WorldDecl>) -> Vec<Letter<F>> {
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

impl<F: OwnFault> FaultKind<F> {
    /// The same kind with its own fault mapped (into a registry's enum).
    pub fn map<G>(self, f: impl FnOnce(F) -> G) -> FaultKind<G> {
        match self {
            FaultKind::PullCable(c) => FaultKind::PullCable(c),
            FaultKind::DisableNic(c) => FaultKind::DisableNic(c),
            FaultKind::Stop => FaultKind::Stop,
            FaultKind::PowerFail => FaultKind::PowerFail,
            FaultKind::Restart => FaultKind::Restart,
            FaultKind::SwitchFailure => FaultKind::SwitchFailure,
            FaultKind::AdminSwitch => FaultKind::AdminSwitch,
            FaultKind::Part(p) => FaultKind::Part(p),
            FaultKind::Own(own) => FaultKind::Own(f(own)),
        }
    }

    /// A cable, a NIC, a server's power or a switch, named by role.
    fn strikes_the_network(&self) -> bool {
        matches!(self, FaultKind::PullCable(_) | FaultKind::DisableNic(_) | FaultKind::PowerFail | FaultKind::SwitchFailure)
    }

    /// Whether the fault names its own target, so the node it is drawn for does not matter.
    pub fn node_independent(&self) -> bool {
        match self {
            FaultKind::SwitchFailure | FaultKind::AdminSwitch | FaultKind::Part(_) => true,
            FaultKind::Own(own) => own.node_independent(),
            FaultKind::PullCable(_) | FaultKind::DisableNic(_) | FaultKind::Stop | FaultKind::PowerFail | FaultKind::Restart => false,
        }
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
            FaultKind::Own(own) => own.label(),
            FaultKind::Stop => "Stop".into(),
            FaultKind::PowerFail => "PowerFail".into(),
            FaultKind::Restart => "Restart".into(),
            FaultKind::SwitchFailure => "SwitchFailure".into(),
            FaultKind::AdminSwitch => "AdminSwitch".into(),
        }
    }
}

/// One fault of a schedule: struck at `at_ms` on `node` of `system` (its index in the world),
/// undone after `duration_ms` (or when the healing phase begins, whichever is first). The node
/// is `Main`, `Backup`, or a later node of its system by name (a third Check Point server).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Fault<F> {
    pub system: u16,
    pub kind: FaultKind<F>,
    pub node: Target,
    pub at_ms: Time,
    pub duration_ms: Time,
}

impl<F: OwnFault> Fault<F> {
    fn target(&self) -> Target {
        self.node.clone()
    }

    /// The nodes a fault of a system with nodes `names` (in order) can strike: `Main`, `Backup`,
    /// and each later one by its name. In a system of more than two, `Backup`
    /// could be any of the later nodes, and a file refuses it as ambiguous: there every node
    /// after the first is named, so a repro or an explore file reads back (FS-PIN). A system of
    /// one node (a standalone agent) has only `Main`.
    pub fn nodes_of(names: &[String]) -> Vec<Target> {
        let named = if names.len() == 2 || names.is_empty() { 2 } else { 1 };
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
    pub fn strike(&self) -> Vec<Do<F::Command>> {
        let t = self.target();
        let shared = match &self.kind {
            FaultKind::Own(own) => return own.strike(&t, self.duration_ms).into_iter().map(Do::Own).collect(),
            FaultKind::Part(part) => Action::World(part.strike()),
            &FaultKind::PullCable(cable) => Action::Pull { cable, on: t },
            &FaultKind::DisableNic(cable) => Action::DisableNic { cable, on: t },
            FaultKind::Stop => Action::Stop(t),
            FaultKind::PowerFail => Action::PowerFail(t),
            FaultKind::Restart => Action::Restart { node: t, duration: Ms(self.duration_ms) },
            FaultKind::SwitchFailure => Action::FailSwitch,
            FaultKind::AdminSwitch => Action::Switch,
        };
        vec![Do::Shared(shared)]
    }

    /// The action that undoes it, if it is undone (a restart heals itself; an administrator's
    /// action stands).
    pub fn heal(&self) -> Option<Do<F::Command>> {
        let t = self.target();
        let shared = match &self.kind {
            FaultKind::Own(own) => return own.heal(&t).map(Do::Own),
            FaultKind::Part(part) => Action::World(part.heal()),
            &FaultKind::PullCable(cable) => Action::Plug { cable, on: t },
            &FaultKind::DisableNic(cable) => Action::EnableNic { cable, on: t },
            FaultKind::Stop => Action::Start(t),
            FaultKind::PowerFail => Action::PowerOn(t),
            FaultKind::SwitchFailure => Action::RestoreSwitch,
            FaultKind::Restart | FaultKind::AdminSwitch => return None,
        };
        Some(Do::Shared(shared))
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
    /// Faults strike within `0..fault_phase_ms`; every fault is healed by its end.
    pub fault_phase_ms: Time,
    /// When the run ends; the time after the fault phase is for recovery, checked by liveness.
    pub end_ms: Time,
    /// The time between two writes of the workload.
    pub write_every_ms: Time,
    /// How many writes the workload makes.
    pub write_count: u32,
    /// After healing, the operator takes this many steps of the product's documented recovery
    /// procedure (`Recover`), `recover_every_ms` apart, the first right after the last heal;
    /// 0 for a product without such a procedure.
    pub recover_steps: u32,
    /// The time between two recovery steps.
    pub recover_every_ms: Time,
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A product's own fault, as a product declares one: named `Wedge`, struck and healed by
    /// its own commands (here, words).
    #[derive(Clone, Debug, PartialEq, Eq)]
    struct Wedge;

    impl OwnFault for Wedge {
        type Command = &'static str;
        fn label(&self) -> String {
            "wedge".into()
        }
        fn strike(&self, _: &Target, _: Time) -> Vec<&'static str> {
            vec!["wedge", "and lock"]
        }
        fn heal(&self, _: &Target) -> Option<&'static str> {
            Some("unwedge")
        }
    }

    fn fault(kind: FaultKind<Wedge>, system: u16) -> Fault<Wedge> {
        Fault { system, kind, node: Target::Main, at_ms: 60_000, duration_ms: 5_000 }
    }

    #[test]
    fn an_own_fault_is_struck_and_healed_with_its_products_commands_on_its_node() {
        let own = fault(FaultKind::Own(Wedge), 0);
        assert_eq!(own.strike(), [Do::Own("wedge"), Do::Own("and lock")]);
        assert_eq!(own.heal(), Some(Do::Own("unwedge")));
        assert_eq!(own.element(&[""]), "wedge on Main", "an own fault strikes a node unless it says otherwise");
        assert_eq!(own.describe(&["a", "b"]), "wedge on Main of a at 1m for 5s");
    }

    #[test]
    fn shared_faults_strike_and_heal_with_shared_actions() {
        let restart = fault(FaultKind::Restart, 0);
        assert_eq!(restart.strike(), [Do::Shared(Action::Restart { node: Target::Main, duration: Ms(5_000) })]);
        assert_eq!(restart.heal(), None, "a restart heals itself");
        let switch = fault(FaultKind::AdminSwitch, 1);
        assert_eq!((switch.strike(), switch.heal()), (vec![Do::Shared(Action::Switch)], None), "the administrator's switch stands");
        assert_eq!(switch.element(&["a", "b"]), "AdminSwitch of b", "it names no node");
        let stop = fault(FaultKind::Stop, 0);
        assert_eq!((stop.strike(), stop.heal()), (vec![Do::Shared(Action::Stop(Target::Main))], Some(Do::Shared(Action::Start(Target::Main)))));
        let part = fault(FaultKind::Part(Part::Cable("isl-1".into())), 1);
        assert_eq!(part.element(&["a", "b"]), "pull cable isl-1", "a part of the world names itself, not its system");
    }

    #[test]
    fn a_kind_maps_its_own_fault_and_keeps_every_shared_one() {
        let shared = [
            FaultKind::PullCable(CableRef::Sync),
            FaultKind::DisableNic(CableRef::Both),
            FaultKind::Stop,
            FaultKind::PowerFail,
            FaultKind::Restart,
            FaultKind::SwitchFailure,
            FaultKind::AdminSwitch,
            FaultKind::Part(Part::Host("h".into())),
        ];
        for kind in shared.clone() {
            assert_eq!(kind.clone().map(|_| 7u8), kind.map(|_| 7u8));
        }
        let mapped: Vec<String> = shared.into_iter().map(|k| format!("{:?}", k.map(|_: Wedge| 7u8))).collect();
        assert_eq!(mapped[0], "PullCable(Sync)");
        assert_eq!(FaultKind::Own(Wedge).map(|_| 7u8), FaultKind::Own(7u8));
    }

    #[test]
    fn a_declared_world_replaces_the_network_faults_by_role_with_its_parts() {
        let own = vec![FaultKind::PullCable(CableRef::Corporate), FaultKind::Stop, FaultKind::Own(Wedge), FaultKind::SwitchFailure, FaultKind::PowerFail];
        let bare = world_letters(vec![own.clone()], None);
        assert_eq!(bare.len(), 5, "without a world every fault stays");
        let src = r#"(hosts: [(name: "h", nics: [(name: "n", addr: "10.0.0.1/24")])], switches: [(name: "s")], cables: [(name: "c", ends: (Nic("h", "n"), Switch("s")))])"#;
        let world: WorldDecl = ron::from_str(src).expect("a world");
        let letters = world_letters(vec![own.clone(), vec![FaultKind::Own(Wedge)]], Some(&world));
        let kinds: Vec<(u16, String)> = letters.iter().map(|l| (l.system, l.kind.label())).collect();
        assert_eq!(
            kinds,
            [
                (0, "Stop".to_string()),
                (0, "wedge".to_string()),
                (1, "wedge".to_string()),
                (0, "pull cable c".to_string()),
                (0, "disable NIC n of h".to_string()),
                (0, "power failure of h".to_string()),
                (0, "fail switch s".to_string())
            ]
        );
    }
}
