//! A toy active/standby pair, for the tests only: it proves that a product with a command, a
//! fault and a claim of its own is one folder and one line of the registration list, and
//! nothing else (the parser reads its words, `run`, `chaos` and `explore` drive it).
//!
//! Two nodes, each with one NIC on one switch; one node is lit. The rules:
//! - A node can be lit while its software runs, its server has power,
//!   its lamp is not jammed, and its NIC reaches the switch.
//! - Once an instant settles, a lit node that no longer can be goes dark, and the other node
//!   lights if it can.
//! - `Promote(node)` (its own command) lights that node, if it can, and darkens the other.
//! - `Jam(node)` / `Unjam(node)` (its own commands, and its own fault) jam the node's lamp.

use crate::action::{Action, CableRef, Command as _, Do, NodeIn, NodeWords, Target};
use crate::check::{self, Verdict};
use crate::engine::Time;
use crate::fault::{FaultKind, OwnFault, Profile};
use crate::finding::{Invariant, Problem, ProblemKind, SpecId};
use crate::ledger::Ledger;
use crate::metrics::Sample;
use crate::net::{HostId, PortId};
use crate::ops::{LaneSample, Meaning, NodeLine, View};
use crate::products::{ChaosProfile, Cx, Model, Observation, Vocabulary};
use crate::world::World;
use serde::{Deserialize, Serialize};
use std::fmt;

/// The toy's configuration: its nodes' names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    names: [String; 2],
}

impl Default for Config {
    fn default() -> Self {
        Config { names: ["toy-a".into(), "toy-b".into()] }
    }
}

/// The toy's own commands.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename = "Action")]
pub enum Command {
    Promote(Target),
    Jam(Target),
    Unjam(Target),
}

impl crate::action::Command for Command {
    fn kind(&self) -> &'static str {
        match self {
            Command::Promote(_) => "Promote",
            Command::Jam(_) => "Jam",
            Command::Unjam(_) => "Unjam",
        }
    }
    fn describe(&self) -> String {
        match self {
            Command::Promote(_) => "promote",
            Command::Jam(_) => "jam the lamp",
            Command::Unjam(_) => "unjam the lamp",
        }
        .into()
    }
    fn target(&self) -> Option<&Target> {
        match self {
            Command::Promote(t) | Command::Jam(t) | Command::Unjam(t) => Some(t),
        }
    }
}

/// The toy's own fault: a jammed lamp, undone by unjamming it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    Jam,
}

impl OwnFault for Fault {
    type Command = Command;
    fn label(&self) -> String {
        "jam".into()
    }
    fn strike(&self, node: &Target, _duration_ms: Time) -> Vec<Command> {
        vec![Command::Jam(node.clone())]
    }
    fn heal(&self, node: &Target) -> Option<Command> {
        Some(Command::Unjam(node.clone()))
    }
}

/// The toy's word for its first node: `Left` is `Main`, `Right` is `Backup`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Words;

impl NodeWords for Words {
    const WORDS: &'static [(&'static str, Target)] = &[("Left", Target::Main), ("Right", Target::Backup)];
}

/// The toy's own claims.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Claim {
    /// This node is lit.
    Lit(NodeIn<Words>),
    /// At most this many nodes are lit.
    LitAtMost(u32),
    /// One node is lit.
    Healthy,
}

#[derive(Clone, Debug)]
pub enum Event {
    Command(Box<Do<Command>>),
}

/// The toy's trace records.
#[derive(Clone, Debug, serde::Serialize)]
pub enum Rec {
    Script(String),
    Refused { what: String, why: String },
    Lit(Option<String>),
    World(crate::world::Narration),
}

impl fmt::Display for Rec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rec::Script(text) => write!(f, "script: {text}"),
            Rec::Refused { what, why } => write!(f, "refused: {what}: {why}"),
            Rec::Lit(Some(name)) => write!(f, "{name} is lit"),
            Rec::Lit(None) => f.write_str("no node is lit"),
            Rec::World(n) => n.fmt(f),
        }
    }
}

impl From<crate::world::Narration> for Rec {
    fn from(n: crate::world::Narration) -> Rec {
        Rec::World(n)
    }
}

#[derive(Clone, Debug)]
struct Node {
    host: HostId,
    port: PortId,
    running: bool,
    jammed: bool,
}

#[derive(Clone, Debug)]
pub struct Toy {
    cfg: Config,
    switch: PortId,
    nodes: [Node; 2],
    lit: Option<usize>,
    ledger: Ledger,
}

impl Toy {
    fn can_light(&self, n: usize, world: &World) -> bool {
        let node = &self.nodes[n];
        node.running && !node.jammed && world.net().host(node.host).powered && world.net().connected(node.port, self.switch)
    }

    fn resolve(&self, t: &Target) -> Result<usize, String> {
        match t.clone().in_words(Words::WORDS) {
            Target::Main => Ok(0),
            Target::Backup => Ok(1),
            Target::Online => self.lit.ok_or_else(|| "no node is lit".to_string()),
            Target::Offline => self.lit.map(|n| 1 - n).ok_or_else(|| "no node is lit".to_string()),
            Target::Named(name) => self.cfg.names.iter().position(|n| *n == name).ok_or_else(|| format!("no node is named {name}")),
        }
    }

    fn light(&mut self, lit: Option<usize>, cx: &mut Cx<'_, '_, Self>) {
        if self.lit != lit {
            self.lit = lit;
            cx.record(Rec::Lit(lit.map(|n| self.cfg.names[n].clone())));
        }
    }

    fn problems(&self) -> Vec<Problem> {
        match self.lit {
            Some(_) => vec![],
            None => vec![Problem::new(ProblemKind::Serving, "no node is lit".into())],
        }
    }

    fn apply(&mut self, action: Action, n: Option<usize>, cx: &mut Cx<'_, '_, Self>) {
        let node = n.map(|n| (self.nodes[n].host, self.nodes[n].port));
        if let Some(faults) = cx.world().faults_of(&action, node.map(|(h, _)| h), &node.map(|(_, p)| p).into_iter().collect::<Vec<_>>(), Some(self.switch)) {
            return faults.into_iter().for_each(|f| cx.request(f));
        }
        match action {
            Action::Stop(_) => self.nodes[n.expect("resolved")].running = false,
            Action::Start(_) => self.nodes[n.expect("resolved")].running = true,
            other => cx.record(Rec::Refused { what: other.describe(), why: "not a toy action".into() }),
        }
    }

    fn apply_own(&mut self, command: Command, n: usize, cx: &mut Cx<'_, '_, Self>) {
        match command {
            Command::Promote(_) if self.can_light(n, cx.world()) => self.light(Some(n), cx),
            Command::Promote(_) => cx.record(Rec::Refused { what: "promote".into(), why: "the node cannot be lit".into() }),
            Command::Jam(_) => self.nodes[n].jammed = true,
            Command::Unjam(_) => self.nodes[n].jammed = false,
        }
    }
}

impl Model for Toy {
    type Event = Event;

    type Record = Rec;

    type Config = Config;

    type Command = Command;

    const LABEL: &'static str = "Toy pair";

    /// Two lamps on one switch.
    fn preset(cfg: &Config) -> crate::world::WorldDecl {
        let [a, b] = &cfg.names;
        let cidr = |i: u8| crate::net::Cidr::v4([10, 0, 0, i], 24);
        crate::world::WorldDecl::star("toy-switch", None, &[(a, cidr(1)), (b, cidr(2))])
    }

    fn build(cfg: &Config, cx: &mut Cx<'_, '_, Self>) -> Self {
        let region = cx.region();
        use crate::place::Place;
        use crate::world::{Footprint, Named};
        let nodes = cfg.names.iter().enumerate().map(|(i, n)| Named::new(n, Place::of("names").index(i))).collect();
        let bound = Footprint { nodes, nics: vec![Some(Named::new("NIC", Place::root()))], ..Default::default() }.resolve(cx.world(), region);
        let switch = region.only_switch(cx.world()).expect("the preset has one switch");
        let places = [0, 1].map(|i| (bound.nodes[i].0, bound.nodes[i].1[0].expect("the one NIC is bound")));
        let nodes = places.map(|(host, port)| Node { host, port, running: true, jammed: false });
        let mut toy = Toy { cfg: cfg.clone(), switch, nodes, lit: None, ledger: Ledger::new(1) };
        toy.light(Some(0), cx);
        toy
    }

    fn action(&self, action: Do<Command>) -> Event {
        Event::Command(Box::new(action))
    }

    fn handle(&mut self, event: Event, cx: &mut Cx<'_, '_, Self>) {
        let Event::Command(action) = event;
        let n = match action.target().map(|t| self.resolve(t)) {
            Some(Err(why)) => return cx.record(Rec::Refused { what: action.describe(), why }),
            Some(Ok(n)) => Some(n),
            None => None,
        };
        cx.record(Rec::Script(action.describe()));
        match *action {
            Do::Shared(a) => self.apply(a, n, cx),
            Do::Own(c) => self.apply_own(c, n.expect("each toy command names its node"), cx),
        }
    }

    /// A lit node that can no longer be goes dark; the other lights if it can.
    fn settle(&mut self, cx: &mut Cx<'_, '_, Self>) {
        if let Some(n) = self.lit.filter(|n| !self.can_light(*n, cx.world())) {
            let other = Some(1 - n).filter(|o| self.can_light(*o, cx.world()));
            self.light(other, cx);
        }
        if self.lit.is_none()
            && let Some(n) = (0..2).find(|n| self.can_light(*n, cx.world()))
        {
            self.light(Some(n), cx);
        }
        assert!(self.lit.is_none_or(|n| self.can_light(n, cx.world())), "a lit node can be lit");
    }
}

impl Vocabulary for Toy {
    type Claim = Claim;

    const NODE_WORDS: &'static [(&'static str, Target)] = Words::WORDS;

    fn validate(cfg: &Config) -> Result<(), crate::place::Refusal> {
        match cfg.names[0] == cfg.names[1] {
            true => Err(crate::place::Refusal::at(crate::place::Place::of("names").index(1), "the two nodes need different names")),
            false => Ok(()),
        }
    }

    fn supported_actions(_: &Config) -> Vec<&'static str> {
        crate::action::supported(&["Stop", "Start"], &["Promote", "Jam", "Unjam"])
    }

    fn validate_claim(cfg: &Config, claim: &Claim) -> Result<(), String> {
        match claim {
            Claim::Lit(n) => crate::action::check_node(&n.node().target(), &Self::node_names(cfg), Words::WORDS),
            Claim::LitAtMost(_) | Claim::Healthy => Ok(()),
        }
    }

    fn node_names(cfg: &Config) -> Vec<String> {
        cfg.names.to_vec()
    }
}

impl Observation for Toy {
    fn view(&self, _: &World, at_ms: Time) -> View {
        let line = |n: usize| {
            let (role, meaning) = if self.lit == Some(n) { ("lit", Meaning::Serving) } else { ("dark", Meaning::Standby) };
            NodeLine { name: self.cfg.names[n].clone(), role: role.into(), meaning, facts: vec![] }
        };
        let (writes_label, writes) = ("Records".into(), self.ledger.summary());
        View { at_ms, nodes: vec![line(0), line(1)], tables: vec![], consoles: vec![], panels: vec![], writes_label, writes, notes: vec![] }
    }

    fn eval(&self, _: &World, claim: &Claim, _: Time) -> Verdict {
        let lit = self.lit.map(|n| self.cfg.names[n].clone());
        match claim {
            Claim::Lit(n) => check::expect(n.node().among(self.cfg.names.iter().map(|name| (name.clone(), name.clone()))), lit),
            Claim::LitAtMost(max) => check::at_most(*max, usize::from(self.lit.is_some()), "lit"),
            Claim::Healthy => check::healthy(self.problems()),
        }
    }

    fn sample(&self, _: &World) -> Sample {
        let lit = self.lit.map_or(0, |n| 1 << n);
        Sample::one_way(lit, usize::from(self.lit.is_some()), lit)
    }

    fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    fn lanes(&self, _: &World) -> crate::products::Lanes<'_> {
        let nodes = (0..2)
            .map(|n| {
                LaneSample::node(
                    self.cfg.names[n].clone(),
                    if self.lit == Some(n) { "lit" } else { "dark" },
                    if self.lit == Some(n) { Meaning::Serving } else { Meaning::Standby },
                )
            })
            .collect();
        crate::products::Lanes { nodes, cables: crate::world::Drawn::Nothing, links: Vec::new(), heartbeats: Vec::new(), holders: Vec::new(), service: None }
    }

    fn health(&self, _: &World) -> Vec<Problem> {
        self.problems()
    }
}

impl ChaosProfile for Toy {
    type Fault = Fault;

    fn alphabet(_: &Config) -> Vec<FaultKind<Fault>> {
        vec![FaultKind::Stop, FaultKind::PullCable(CableRef::Corporate), FaultKind::Own(Fault::Jam)]
    }

    fn chaos_profile(_: &Config) -> Profile {
        Profile { fault_phase_ms: 60_000, end_ms: 120_000, write_every_ms: 10_000, write_count: 0, recover_steps: 0, recover_every_ms: 0 }
    }

    fn split_brain_documented(&self) -> Option<SpecId> {
        None
    }

    /// The toy models no documented rule.
    fn rules_fired(&self) -> Vec<(SpecId, u32)> {
        Vec::new()
    }

    fn claim_for(_: &Config, invariant: Invariant) -> Claim {
        match invariant {
            Invariant::SplitBrain => Claim::LitAtMost(1),
            Invariant::Loss | Invariant::Dns | Invariant::Liveness | Invariant::Assertion => Claim::Healthy,
        }
    }

    fn presets() -> Vec<(&'static str, Config)> {
        vec![]
    }
}

#[cfg(test)]
mod tests;
