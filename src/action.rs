//! The vocabulary of what a script (or, later, a chaos campaign) can do to a system: faults and
//! operator actions. It sits below the products: each product says which actions it supports
//! and what they mean for it. Nodes are named by static identity (`Main`, `Backup`) or by the
//! role they hold when the action runs (`Online`, `Offline`).

use crate::units::Ms;
use serde::{Deserialize, Serialize};

/// A node named by identity, by its role when the action runs, or by its name; `Active` and
/// `Standby` are accepted for the roles. Files write the identities and roles bare
/// (`Stop(Online)`) and a name as a string (`Stop("SMS-SEC-2")`, a host of the declared world or
/// a product's built-in node name). A product's own words for its identities are names here,
/// until the product reads them ([`Target::in_words`]).
#[derive(Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Target {
    Main,
    Backup,
    /// Whichever node is online (active) when the action runs.
    Online,
    /// Whichever node is offline (standby) when the action runs.
    Offline,
    /// The node of this name.
    Named(String),
}

/// The words that stand for an identity or a role, as files may write them.
const TARGET_WORDS: &[(&str, Target)] = &[
    ("Main", Target::Main),
    ("Backup", Target::Backup),
    ("Online", Target::Online),
    ("Active", Target::Online),
    ("Offline", Target::Offline),
    ("Standby", Target::Offline),
];

impl Target {
    /// An identity or a role by its word (`Backup`, `Standby`), or else a node by name.
    pub fn from_word(word: &str) -> Target {
        TARGET_WORDS.iter().find(|(w, _)| *w == word).map_or_else(|| Target::Named(word.to_string()), |(_, t)| t.clone())
    }

    /// The reference in a product's own words: a name that is one of `words` stands for the
    /// identity it names (a product's word for `Backup`, say); anything else stays as it is.
    pub fn in_words(self, words: &[(&str, Target)]) -> Target {
        match self {
            Target::Named(name) => words.iter().find(|(w, _)| *w == name).map_or(Target::Named(name), |(_, t)| t.clone()),
            other => other,
        }
    }
}

/// A product's own words for its nodes' identities, as its files may write them (its word for
/// `Main`, say): each product declares them in its folder, and its claims read nodes through
/// [`NodeIn`].
pub trait NodeWords: Clone + std::fmt::Debug + PartialEq + Eq + Send + Sync + 'static {
    const WORDS: &'static [(&'static str, Target)];
}

/// A claim's node (an identity or a name, never a role) read in a product's words `W`: a word
/// becomes the identity it stands for as the file is read, so a claim prints as `Main`.
#[derive(Clone, PartialEq, Eq)]
pub struct NodeIn<W> {
    node: NodeRef,
    words: std::marker::PhantomData<W>,
}

impl<W> NodeIn<W> {
    pub fn node(&self) -> &NodeRef {
        &self.node
    }
}

impl<W: NodeWords> From<NodeRef> for NodeIn<W> {
    fn from(node: NodeRef) -> Self {
        let node = NodeRef::fixed(&node.target().in_words(W::WORDS)).expect("a word stands for an identity, never a role");
        NodeIn { node, words: std::marker::PhantomData }
    }
}

impl<W> Serialize for NodeIn<W> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.node.serialize(s)
    }
}

impl<'de, W: NodeWords> Deserialize<'de> for NodeIn<W> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        NodeRef::deserialize(d).map(NodeIn::from)
    }
}

impl<W> std::fmt::Debug for NodeIn<W> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.node.fmt(f)
    }
}

/// The one node a role stands for now, of the nodes that hold it (`(node, name)`): `Err` with
/// the words of the refusal when none does, or when several do — a role never picks one of
/// several by position.
pub fn one_holding<N>(role: &Target, holders: impl IntoIterator<Item = (N, String)>, noun: &str) -> Result<N, String> {
    let mut holders: Vec<(N, String)> = holders.into_iter().collect();
    match holders.len() {
        0 => Err(format!("no {noun} is {role} now")),
        1 => Ok(holders.remove(0).0),
        _ => {
            let names: Vec<String> = holders.into_iter().map(|(_, name)| name).collect();
            Err(format!("{role} is ambiguous now: {} are all {role}; name one", names.join(", ")))
        }
    }
}

/// The node of `name` among `(node, name)`: `Err` with the words of the refusal when none is.
pub fn named<N>(name: &str, nodes: impl IntoIterator<Item = (N, String)>, noun: &str) -> Result<N, String> {
    nodes.into_iter().find(|(_, n)| n == name).map(|(node, _)| node).ok_or_else(|| format!("no {noun} is named {name}"))
}

impl Serialize for Target {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Target::Main => s.serialize_unit_variant("Target", 0, "Main"),
            Target::Backup => s.serialize_unit_variant("Target", 1, "Backup"),
            Target::Online => s.serialize_unit_variant("Target", 2, "Online"),
            Target::Offline => s.serialize_unit_variant("Target", 3, "Offline"),
            Target::Named(name) => s.serialize_str(name),
        }
    }
}

impl<'de> Deserialize<'de> for Target {
    /// A bare word or a string: the scenario reader gives either as an identifier, and JSON (for
    /// `--set`) writes both as strings.
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Word;
        impl serde::de::Visitor<'_> for Word {
            type Value = Target;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a node: Main, Backup, a role (Online, Offline, Active, Standby) or a node's name as a string")
            }
            fn visit_str<E: serde::de::Error>(self, word: &str) -> Result<Target, E> {
                Ok(Target::from_word(word))
            }
        }
        d.deserialize_identifier(Word)
    }
}

/// A node by identity or by name, for claims (a claim speaks of a fixed node, never of a role):
/// `Main`/`Backup`, or a node's name as a string.
#[derive(Clone, PartialEq, Eq)]
pub enum NodeRef {
    Main,
    Backup,
    Named(String),
}

impl NodeRef {
    /// The fixed node a script's reference names: its identity or its name (`None`: a role,
    /// whose node depends on the time).
    pub fn fixed(t: &Target) -> Option<NodeRef> {
        match t {
            Target::Main => Some(NodeRef::Main),
            Target::Backup => Some(NodeRef::Backup),
            Target::Named(name) => Some(NodeRef::Named(name.clone())),
            Target::Online | Target::Offline => None,
        }
    }

    /// The node this reference names among a system's `nodes` (in order, with their names):
    /// `Main` the first, `Backup` the second, a name the node of that name.
    pub fn among<N>(&self, nodes: impl IntoIterator<Item = (N, String)>) -> Option<N> {
        let mut nodes = nodes.into_iter();
        match self {
            NodeRef::Main => nodes.next().map(|(n, _)| n),
            NodeRef::Backup => nodes.nth(1).map(|(n, _)| n),
            NodeRef::Named(name) => nodes.find(|(_, n)| n == name).map(|(node, _)| node),
        }
    }

    /// The node as a script would name it.
    pub fn target(&self) -> Target {
        match self {
            NodeRef::Main => Target::Main,
            NodeRef::Backup => Target::Backup,
            NodeRef::Named(name) => Target::Named(name.clone()),
        }
    }
}

impl Serialize for NodeRef {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.target().serialize(s)
    }
}

impl<'de> Deserialize<'de> for NodeRef {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        NodeRef::fixed(&Target::deserialize(d)?).ok_or_else(|| {
            serde::de::Error::custom(
                "a claim names a node by identity (`Main`, `Backup`, …) or by name (\"SMS-SEC-2\"), not by a role: `Online`/`Active` and `Offline`/`Standby` change hands",
            )
        })
    }
}

impl std::fmt::Display for NodeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.target().fmt(f)
    }
}

/// The node a reference stands for statically, among a system's nodes (`names`, in order),
/// where a script or a claim names it, in the product's `words`: a name must be one of them, and
/// in a system of more than two nodes the second node's identity (`Backup`) and the standby
/// role stand for several, so they are refused with the candidates (no silent first by
/// position).
pub fn check_node(target: &Target, names: &[String], words: &[(&str, Target)]) -> Result<(), String> {
    let several = || names.get(1..).unwrap_or_default().join(", ");
    let also = |t: &Target| words.iter().filter(|(_, w)| w == t).map(|(w, _)| format!(" (`{w}`)")).collect::<String>();
    match target.clone().in_words(words) {
        Target::Named(name) if names.contains(&name) => Ok(()),
        Target::Named(name) => Err(format!("no node is named `{name}`; the system's nodes are {}", names.join(", "))),
        Target::Backup if names.len() > 2 => Err(format!(
            "`Backup`{} is ambiguous in a system of {} nodes: it may be any of {}; name one (\"{}\")",
            also(&Target::Backup),
            names.len(),
            several(),
            names[names.len() - 1]
        )),
        Target::Offline if names.len() > 2 => Err(format!(
            "`Offline` (`Standby`) is ambiguous in a system of {} nodes: several are at once ({}); name one (\"{}\")",
            names.len(),
            several(),
            names[names.len() - 1]
        )),
        Target::Main | Target::Backup | Target::Online | Target::Offline => Ok(()),
    }
}

/// A node of a pair by identity only.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub enum NodeId {
    Main,
    Backup,
}

impl NodeId {
    pub const BOTH: [NodeId; 2] = [NodeId::Main, NodeId::Backup];

    pub fn idx(self) -> usize {
        self as usize
    }

    pub fn other(self) -> NodeId {
        match self {
            NodeId::Main => NodeId::Backup,
            NodeId::Backup => NodeId::Main,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum CableRef {
    /// The cable to the switch or router.
    Corporate,
    /// The direct sync cable between the two nodes.
    Sync,
    /// Both cables of the node.
    Both,
}

/// What the parser, the runner and the what-if tools ask of any script action, shared or a
/// product's own (a product's commands are its own type, in its own folder).
pub trait Command: Clone + std::fmt::Debug + PartialEq + Serialize + Send + Sync {
    /// The action's name, as files write it and products list the actions they support.
    fn kind(&self) -> &'static str;
    /// The action in words, for trace lines ("pull the Corporate cable").
    fn describe(&self) -> String;
    /// The node the action is about, if it names one.
    fn target(&self) -> Option<&Target>;
    /// How many tracked records or changes, or how many lookups, the action asks for.
    fn count(&self) -> Option<Count> {
        None
    }
    /// Whether the action is workload — traffic and changes made in a session — and not a
    /// fault or an operator's action on the system: the resilience table keeps a scenario's
    /// workload and leaves out the rest.
    fn is_workload(&self) -> bool {
        false
    }
}

/// A step's action: one every product shares, or one of the product's own commands (`C`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Do<C> {
    Shared(Action),
    Own(C),
}

/// A step waiting in a run's queue is part of its state (explore's fingerprint): hashed as it
/// prints, which equality agrees with (a step is scripted, rare next to timers, and its
/// actions hold no `Hash` of their own).
impl<C: std::fmt::Debug> std::hash::Hash for Do<C> {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        struct Text<'h, H>(&'h mut H);
        impl<H: std::hash::Hasher> std::fmt::Write for Text<'_, H> {
            fn write_str(&mut self, s: &str) -> std::fmt::Result {
                self.0.write(s.as_bytes());
                Ok(())
            }
        }
        use std::fmt::Write as _;
        write!(Text(state), "{self:?}").expect("hashing cannot fail");
    }
}

impl<C: Command> Command for Do<C> {
    fn kind(&self) -> &'static str {
        match self {
            Do::Shared(a) => a.kind(),
            Do::Own(c) => c.kind(),
        }
    }
    fn describe(&self) -> String {
        match self {
            Do::Shared(a) => a.describe(),
            Do::Own(c) => c.describe(),
        }
    }
    fn target(&self) -> Option<&Target> {
        match self {
            Do::Shared(a) => a.target(),
            Do::Own(c) => c.target(),
        }
    }
    fn count(&self) -> Option<Count> {
        match self {
            Do::Shared(a) => a.count(),
            Do::Own(c) => c.count(),
        }
    }
    fn is_workload(&self) -> bool {
        match self {
            Do::Shared(a) => a.is_workload(),
            Do::Own(c) => c.is_workload(),
        }
    }
}

impl<C> Do<C> {
    /// The same action with the product's command mapped (into or out of a registry's enum).
    pub fn map<D>(self, f: impl FnOnce(C) -> D) -> Do<D> {
        match self {
            Do::Shared(a) => Do::Shared(a),
            Do::Own(c) => Do::Own(f(c)),
        }
    }

    /// The shared action, if it is one.
    pub fn shared(&self) -> Option<&Action> {
        match self {
            Do::Shared(a) => Some(a),
            Do::Own(_) => None,
        }
    }
}

/// As files write it: bare, in the form the parser reads (a world fault on a named part as its
/// own action, `Pull(cable: "isl-1")`, not `World(…)`).
impl<C: Serialize> Serialize for Do<C> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Do::Shared(Action::World(f)) => f.serialize(s),
            Do::Shared(a) => a.serialize(s),
            Do::Own(c) => c.serialize(s),
        }
    }
}

/// The actions every product shares: faults on the network and the power, named by role (the
/// world applies them), and the operator's actions that mean the same for every product.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub enum Action {
    /// Pull a cable out of a node's NIC.
    Pull {
        cable: CableRef,
        on: Target,
    },
    /// Plug it back in.
    Plug {
        cable: CableRef,
        on: Target,
    },
    DisableNic {
        cable: CableRef,
        on: Target,
    },
    EnableNic {
        cable: CableRef,
        on: Target,
    },
    /// Stop the software (graceful).
    Stop(Target),
    Start(Target),
    /// Stop now and be running again after `duration`.
    Restart {
        node: Target,
        duration: Ms,
    },
    /// Unexpected shutdown: the server loses power.
    PowerFail(Target),
    /// Power returns; the server boots and the software starts.
    PowerOn(Target),
    /// The switch/router fails (all its ports go down).
    FailSwitch,
    RestoreSwitch,
    /// The administrator's manual switchover: the active node hands over to the standby.
    Switch,
    /// The operator takes the next step of the product's documented recovery procedure.
    Recover,
    /// The serving node takes `count` tracked writes (the product's workload: records,
    /// configuration changes).
    Write {
        count: u32,
    },
    /// A fault on a part of the declared world, named (FS-WORLD): written as the part's own
    /// action (`Pull(cable: "isl-1")`, `FailSwitch("core-1")`); the scenario format reads and
    /// writes it (a step's action), so serde skips it here.
    #[serde(skip)]
    World(NamedFault),
}

/// A world fault on a named part of the declared world.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "Action", deny_unknown_fields)]
pub enum NamedFault {
    Pull { cable: String },
    Plug { cable: String },
    DisableNic { host: String, nic: String },
    EnableNic { host: String, nic: String },
    PowerFail(String),
    PowerOn(String),
    FailSwitch(String),
    RestoreSwitch(String),
}

impl NamedFault {
    pub fn kind(&self) -> &'static str {
        match self {
            NamedFault::Pull { .. } => "Pull",
            NamedFault::Plug { .. } => "Plug",
            NamedFault::DisableNic { .. } => "DisableNic",
            NamedFault::EnableNic { .. } => "EnableNic",
            NamedFault::PowerFail(_) => "PowerFail",
            NamedFault::PowerOn(_) => "PowerOn",
            NamedFault::FailSwitch(_) => "FailSwitch",
            NamedFault::RestoreSwitch(_) => "RestoreSwitch",
        }
    }

    pub fn describe(&self) -> String {
        match self {
            NamedFault::Pull { cable } => format!("pull cable {cable}"),
            NamedFault::Plug { cable } => format!("plug in cable {cable}"),
            NamedFault::DisableNic { host, nic } => format!("disable NIC {nic} of {host}"),
            NamedFault::EnableNic { host, nic } => format!("enable NIC {nic} of {host}"),
            NamedFault::PowerFail(host) => format!("power failure of {host}"),
            NamedFault::PowerOn(host) => format!("power on {host}"),
            NamedFault::FailSwitch(switch) => format!("switch {switch} fails"),
            NamedFault::RestoreSwitch(switch) => format!("switch {switch} is restored"),
        }
    }
}

/// Every shared action's name, in declaration order (the order in which messages list them).
pub const KINDS: &[&str] = &[
    "Pull",
    "Plug",
    "DisableNic",
    "EnableNic",
    "Stop",
    "Start",
    "Restart",
    "PowerFail",
    "PowerOn",
    "FailSwitch",
    "RestoreSwitch",
    "Switch",
    "Recover",
    "Write",
];

/// The actions that are world faults (cables, NICs, power, switches): the world applies them,
/// so every product supports them.
pub const WORLD_FAULTS: &[&str] = &["Pull", "Plug", "DisableNic", "EnableNic", "PowerFail", "PowerOn", "FailSwitch", "RestoreSwitch"];

/// The actions a product supports: the world faults and the `shared` operator actions it
/// supports, in [`KINDS`] order, then its `own` commands in its order.
pub fn supported(shared: &[&str], own: &[&'static str]) -> Vec<&'static str> {
    assert!(shared.iter().all(|c| KINDS.contains(c)), "a product lists only shared actions that exist: {shared:?}");
    assert!(own.iter().all(|c| !KINDS.contains(c)), "a product's own command does not reuse a shared name: {own:?}");
    let shared = KINDS.iter().copied().filter(|k| WORLD_FAULTS.contains(k) || shared.contains(k));
    shared.chain(own.iter().copied()).collect()
}

/// What a step asks for in bulk: tracked records and changes (stored as id ranges, so cheap in
/// any number) or lookups (each one is work and a trace line).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Count {
    Records(u32),
    Lookups(u32),
}

impl Command for Action {
    fn kind(&self) -> &'static str {
        match self {
            Action::Pull { .. } => "Pull",
            Action::Plug { .. } => "Plug",
            Action::DisableNic { .. } => "DisableNic",
            Action::EnableNic { .. } => "EnableNic",
            Action::Stop(_) => "Stop",
            Action::Start(_) => "Start",
            Action::Restart { .. } => "Restart",
            Action::PowerFail(_) => "PowerFail",
            Action::PowerOn(_) => "PowerOn",
            Action::FailSwitch => "FailSwitch",
            Action::RestoreSwitch => "RestoreSwitch",
            Action::Switch => "Switch",
            Action::Recover => "Recover",
            Action::Write { .. } => "Write",
            Action::World(f) => f.kind(),
        }
    }

    fn describe(&self) -> String {
        match self {
            Action::Pull { cable, .. } => format!("pull {}", cables(*cable, "cable")),
            Action::Plug { cable, .. } => format!("plug in {}", cables(*cable, "cable")),
            Action::DisableNic { cable, .. } => format!("disable {}", cables(*cable, "NIC")),
            Action::EnableNic { cable, .. } => format!("enable {}", cables(*cable, "NIC")),
            Action::Stop(_) => "stop".into(),
            Action::Start(_) => "start".into(),
            Action::Restart { duration, .. } => format!("restart (takes {duration})"),
            Action::PowerFail(_) => "power failure".into(),
            Action::PowerOn(_) => "power on".into(),
            Action::FailSwitch => "the switch/router fails".into(),
            Action::RestoreSwitch => "the switch/router is restored".into(),
            Action::Switch => "Switch (manual switchover)".into(),
            Action::Recover => "the next step of the documented recovery procedure".into(),
            Action::Write { count } => format!("write {count} record(s)"),
            Action::World(f) => f.describe(),
        }
    }

    fn target(&self) -> Option<&Target> {
        match self {
            Action::Pull { on, .. } | Action::Plug { on, .. } | Action::DisableNic { on, .. } | Action::EnableNic { on, .. } => Some(on),
            Action::Stop(t) | Action::Start(t) | Action::PowerFail(t) | Action::PowerOn(t) => Some(t),
            Action::Restart { node, .. } => Some(node),
            Action::FailSwitch | Action::RestoreSwitch | Action::World(_) | Action::Switch | Action::Recover | Action::Write { .. } => None,
        }
    }

    fn count(&self) -> Option<Count> {
        match self {
            Action::Write { count } => Some(Count::Records(*count)),
            _ => None,
        }
    }

    fn is_workload(&self) -> bool {
        matches!(self, Action::Write { .. })
    }
}

impl From<NodeId> for Target {
    fn from(n: NodeId) -> Target {
        match n {
            NodeId::Main => Target::Main,
            NodeId::Backup => Target::Backup,
        }
    }
}

/// As a file writes it: `Online`, `"SMS-SEC-2"` (claims and expectations print this way).
impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Main => f.write_str("Main"),
            Target::Backup => f.write_str("Backup"),
            Target::Online => f.write_str("Online"),
            Target::Offline => f.write_str("Offline"),
            Target::Named(name) => write!(f, "{name:?}"),
        }
    }
}

/// In words: `Online`, `SMS-SEC-2` (refusals and trace lines).
impl std::fmt::Display for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Target::Named(name) => f.write_str(name),
            other => std::fmt::Debug::fmt(other, f),
        }
    }
}

impl std::fmt::Debug for NodeRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.target().fmt(f)
    }
}

fn cables(c: CableRef, what: &str) -> String {
    match c {
        CableRef::Both => format!("both {what}s"),
        one => format!("the {one:?} {what}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_role_stands_for_the_one_node_that_holds_it_and_never_one_of_several() {
        let role = Target::Online;
        let none: [(u8, String); 0] = [];
        assert_eq!(one_holding(&role, none, "DMA"), Err("no DMA is Online now".to_string()));
        assert_eq!(one_holding(&role, [(7u8, "a".to_string())], "DMA"), Ok(7));
        let both = [(1u8, "a".to_string()), (2, "b".to_string())];
        assert_eq!(one_holding(&role, both, "DMA"), Err("Online is ambiguous now: a, b are all Online; name one".to_string()));
        assert_eq!(named("b", [(1u8, "a".to_string()), (2, "b".to_string())], "server"), Ok(2));
        assert_eq!(named("c", [(1u8, "a".to_string())], "server"), Err("no server is named c".to_string()));
    }

    #[test]
    fn workload_is_traffic_not_faults_or_operator_actions() {
        let t = Target::Main;
        assert!(Action::Write { count: 1 }.is_workload());
        assert!(!Action::Switch.is_workload());
        assert!(!Action::Stop(t.clone()).is_workload());
        assert!(!Action::Pull { cable: CableRef::Sync, on: t }.is_workload());
        assert_eq!(Action::Write { count: 3 }.count(), Some(Count::Records(3)));
        assert_eq!(Action::Switch.count(), None);
    }

    #[test]
    fn a_claims_node_is_found_among_the_systems_nodes_by_identity_or_name() {
        let nodes = || [(7u8, "a".to_string()), (8, "b".to_string()), (9, "c".to_string())];
        assert_eq!((NodeRef::Main.among(nodes()), NodeRef::Backup.among(nodes())), (Some(7), Some(8)));
        assert_eq!(NodeRef::Named("c".into()).among(nodes()), Some(9));
        assert_eq!(NodeRef::Named("d".into()).among(nodes()), None);
        assert_eq!(NodeRef::Backup.among([(7u8, "a".to_string())]), None, "a system of one node has no Backup");
    }

    #[test]
    fn a_node_is_a_word_or_a_name() {
        assert_eq!(Target::from_word("Backup"), Target::Backup);
        assert_eq!(Target::from_word("Secondary"), Target::Named("Secondary".into()), "a product's word is its own");
        assert_eq!(Target::from_word("Secondary").in_words(&[("Secondary", Target::Backup)]), Target::Backup);
        assert_eq!(Target::from_word("S1").in_words(&[("Secondary", Target::Backup)]), Target::Named("S1".into()));
        assert_eq!(Target::from_word("Standby"), Target::Offline);
        assert_eq!(Target::from_word("SMS-SEC-2"), Target::Named("SMS-SEC-2".into()));
        let names = ["P".to_string(), "S1".to_string(), "S2".to_string()];
        let words = [("Secondary", Target::Backup)];
        let check = |t: Target, names: &[String]| check_node(&t, names, &words);
        assert!(check(Target::Main, &names).is_ok() && check(Target::Online, &names).is_ok());
        assert!(check(Target::Backup, &names).unwrap_err().contains("`Backup` (`Secondary`) is ambiguous in a system of 3 nodes: it may be any of S1, S2"));
        assert!(check(Target::Named("Secondary".into()), &names).unwrap_err().contains("any of S1, S2"), "a word is its identity");
        assert!(check(Target::Offline, &names).unwrap_err().contains("several are at once (S1, S2)"));
        assert!(check(Target::Named("S3".into()), &names).unwrap_err().contains("the system's nodes are P, S1, S2"));
        assert!(check(Target::Backup, &names[..2]).is_ok() && check(Target::Offline, &names[..2]).is_ok(), "two nodes: one each");
    }

    /// A product's own command, as a product declares one.
    #[derive(Clone, Debug, PartialEq, Serialize)]
    struct Ping(Target, u32);

    impl Command for Ping {
        fn kind(&self) -> &'static str {
            "Ping"
        }
        fn describe(&self) -> String {
            format!("ping {} times", self.1)
        }
        fn target(&self) -> Option<&Target> {
            Some(&self.0)
        }
        fn count(&self) -> Option<Count> {
            Some(Count::Lookups(self.1))
        }
        fn is_workload(&self) -> bool {
            true
        }
    }

    #[test]
    fn a_step_answers_for_its_shared_action_or_its_products_command() {
        let own: Do<Ping> = Do::Own(Ping(Target::Backup, 3));
        assert_eq!(
            (own.kind(), own.describe(), own.target(), own.count(), own.is_workload()),
            ("Ping", "ping 3 times".into(), Some(&Target::Backup), Some(Count::Lookups(3)), true)
        );
        let shared: Do<Ping> = Do::Shared(Action::Restart { node: Target::Online, duration: Ms(90_000) });
        assert_eq!(
            (shared.kind(), shared.describe(), shared.target(), shared.count(), shared.is_workload()),
            ("Restart", "restart (takes 1m30s)".into(), Some(&Target::Online), None, false)
        );
        assert_eq!(shared.shared(), Some(&Action::Restart { node: Target::Online, duration: Ms(90_000) }));
        assert_eq!(own.clone().shared(), None);
        assert_eq!(own.map(|p| p.1), Do::Own(3));
        let world: Do<Ping> = Do::Shared(Action::World(NamedFault::Pull { cable: "isl-1".into() }));
        assert_eq!((world.kind(), world.describe(), world.target()), ("Pull", "pull cable isl-1".into(), None));
        assert_eq!(ron::to_string(&world).unwrap(), "Pull(cable:\"isl-1\")", "a named part is written as its own action, not World(…)");
    }

    #[test]
    fn every_shared_action_names_its_node_and_says_what_it_does() {
        let t = || Target::Named("n".into());
        let c = CableRef::Both;
        let cases = [
            (Action::Pull { cable: c, on: t() }, "pull both cables", true),
            (Action::Plug { cable: CableRef::Sync, on: t() }, "plug in the Sync cable", true),
            (Action::DisableNic { cable: c, on: t() }, "disable both NICs", true),
            (Action::EnableNic { cable: CableRef::Corporate, on: t() }, "enable the Corporate NIC", true),
            (Action::Stop(t()), "stop", true),
            (Action::Start(t()), "start", true),
            (Action::PowerFail(t()), "power failure", true),
            (Action::PowerOn(t()), "power on", true),
            (Action::FailSwitch, "the switch/router fails", false),
            (Action::RestoreSwitch, "the switch/router is restored", false),
            (Action::Switch, "Switch (manual switchover)", false),
            (Action::Recover, "the next step of the documented recovery procedure", false),
            (Action::Write { count: 2 }, "write 2 record(s)", false),
        ];
        for (action, words, named) in cases {
            assert_eq!(action.describe(), words);
            assert_eq!(action.target(), named.then(t).as_ref(), "{words}");
        }
    }

    #[test]
    fn kinds_name_every_action_in_declaration_order() {
        let t = || Target::Main;
        let (c, d) = (CableRef::Corporate, Ms(1));
        let every = [
            Action::Pull { cable: c, on: t() },
            Action::Plug { cable: c, on: t() },
            Action::DisableNic { cable: c, on: t() },
            Action::EnableNic { cable: c, on: t() },
            Action::Stop(t()),
            Action::Start(t()),
            Action::Restart { node: t(), duration: d },
            Action::PowerFail(t()),
            Action::PowerOn(t()),
            Action::FailSwitch,
            Action::RestoreSwitch,
            Action::Switch,
            Action::Recover,
            Action::Write { count: 1 },
        ];
        assert_eq!(every.iter().map(Action::kind).collect::<Vec<_>>(), KINDS);
        assert_eq!(
            supported(&["Switch", "Stop"], &["Own"]),
            ["Pull", "Plug", "DisableNic", "EnableNic", "Stop", "PowerFail", "PowerOn", "FailSwitch", "RestoreSwitch", "Switch", "Own"]
        );
    }
}
