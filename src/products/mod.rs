//! The products failsim models, each in its own folder behind one trait, and the one list that
//! registers them ([`registry`]).
//!
//! A product is a system the runner can build in a [`World`] from its configuration, feed
//! script actions, tell about world faults, look at through its operator view, ask about claims
//! and availability, and — for chaos and explore — attack with its fault alphabet and check
//! against its invariants. Products know nothing of each other, of scenario files, of the
//! runner or of reports.

#[macro_use]
mod registry;

// The product folders, declared as plain items (not by the macro) so that tools which follow
// `mod` items, cargo-mutants among them, see their code; the list below registers each.
pub(crate) mod checkpoint;
pub(crate) mod dataminer;
pub(crate) mod mrs;
#[cfg(test)]
pub(crate) mod toy;

// The registration list: one line per product folder.
registry! {
    dataminer: [DataMiner => DataMiner, "DataMiner Failover (SPEC §1–2)."; DataMinerAgent => Standalone, "A standalone DataMiner Agent, outside any Failover pair (SPEC §12, DM-STANDALONE).";]
    mrs: [MrsManager => MrsManager, "MRS Manager active/standby (SPEC §3)."; FlinkServer => FlinkServer, "MRS FlinkServer active/standby (SPEC §4)."; DbService => DbService, "MRS DBService active/standby (SPEC §11).";]
    checkpoint: [CheckPoint => CheckPoint, "Check Point Management High Availability (SPEC §5).";]
    toy: [#[cfg(test)] Toy => Toy, "A toy pair with a command, a fault and a claim of its own, for the tests.";]
}

pub use registry::{Registered, WithConfig, WithProduct};

/// A script's action in the vocabulary of whichever system it is for.
pub type StepAction = Do<AnyCommand>;
/// A kind of fault of any system's product (chaos, explore).
pub type AnyFaultKind = crate::fault::FaultKind<AnyFault>;
/// A fault of a schedule, of any system's product.
pub type ScheduledFault = crate::fault::Fault<AnyFault>;
/// A letter of a world's fault alphabet, of any system's product.
pub type AnyLetter = crate::fault::Letter<AnyFault>;

use crate::action::{Command, Do};
use crate::check::Verdict;
use crate::engine::Time;
use crate::fault::{FaultKind, OwnFault, Profile};
use crate::finding::{Invariant, Problem, SpecId};
use crate::ledger::Ledger;
use crate::metrics::Sample;
use crate::ops::View;
use crate::place::{Place, Refusal};
use crate::world::{Applied, Drawn, World, WorldCx, WorldDecl, WorldFault};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::{Debug, Display};

/// A system's binding and the declared world it names: both or neither (`Ok(None)`: the
/// built-in layout). `how` tells, in a declared world, what the binding must say.
pub(crate) fn bound<'a, B>(bind: Option<&'a B>, world: Option<&'a WorldDecl>, how: &str) -> Result<Option<(&'a B, &'a WorldDecl)>, Refusal> {
    match (bind, world) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(Refusal::at(Place::of("bind"), "`bind:` names parts of a declared world: add a `world:` section")),
        (None, Some(_)) => Err(Refusal::from(format!("in a declared world {how}"))),
        (Some(b), Some(w)) => Ok(Some((b, w))),
    }
}

/// The context a product's code runs in: the engine's (time, timers, trace) and the world.
pub type Cx<'a, 'b, P> = WorldCx<'a, 'b, <P as Model>::Event, <P as Model>::Record>;

/// Everything the runner, the checks, the reports and the what-if tools need from a product: the
/// four roles it plays, each a trait of a handful of methods — the [`Model`] that runs, the
/// [`Vocabulary`] its files speak and the checks of what they say, the [`Observation`] of its
/// state, and its [`ChaosProfile`]. A product implements each; `Product` is all four.
pub trait Product: ChaosProfile {}

impl<P: ChaosProfile> Product for P {}

/// The model that runs in a world: built at t = 0, fed script actions and its own events, told
/// of world faults, settled once per instant that changed it.
/// (`Debug`, or [`Model::fingerprint`] where a product narrows it: a state's fingerprint,
/// `explore`'s visited set, prints the model and its waiting events; every field a future
/// reads must show, so two states that print alike have the same future.)
pub trait Model: Clone + Debug {
    /// What can happen to the product: its timers, and commands from the script. Every event
    /// moves from the queue to the handler: an enum whose variants carry several small fields
    /// wants a four-byte tag (`#[repr(u32)]`, see DataMiner's `Event` for why and what it saved).
    type Event: Clone + Debug;
    /// Its typed trace records; their `Display` text is canonical (the trace hash). What the
    /// world says of a fault is one of them.
    type Record: Display + Clone + serde::Serialize + From<crate::world::Narration>;
    /// The scenario-settable configuration (serde, `deny_unknown_fields`, documented defaults).
    type Config: Clone + Debug + PartialEq + Serialize + DeserializeOwned + Send + Sync;
    /// The product's own commands, beside the shared actions ([`crate::action::Action`]); a
    /// file reads them through [`SystemTag::visit`], like claims.
    type Command: Command;

    /// The system's name in reports (the product's full name).
    const LABEL: &'static str;

    /// The product's built-in layout, a world like any declared one (with flat routing): what a
    /// scenario without `world:` lays out for the system, which then binds to it as it would
    /// to a declared world.
    fn preset(cfg: &Self::Config) -> WorldDecl;
    /// The system at t = 0 in its region of the world (bound to its hosts through
    /// [`WorldCx::region`]), its random streams taken from the world, its first timers armed.
    fn build(cfg: &Self::Config, cx: &mut Cx<'_, '_, Self>) -> Self;
    /// The event a script action becomes.
    fn action(&self, action: Do<Self::Command>) -> Self::Event;
    /// Handles one event. World faults the event asks for go through `cx.request`.
    fn handle(&mut self, event: Self::Event, cx: &mut Cx<'_, '_, Self>);
    /// Called once after the last event of an instant that changed something: derived views
    /// (alarm consoles) are brought up to date here, and the model's invariants asserted.
    fn settle(&mut self, _cx: &mut Cx<'_, '_, Self>) {}
    /// The world is about to apply `fault` (a server about to lose power stops with it).
    fn before_fault(&mut self, _fault: &WorldFault, _cx: &mut Cx<'_, '_, Self>) {}
    /// The world applied `fault`: what it changed, for the product to notice and narrate.
    fn after_fault(&mut self, _fault: &WorldFault, _applied: &Applied, _cx: &mut Cx<'_, '_, Self>) {}
    /// The state as `explore`'s visited set fingerprints it: everything its future depends
    /// on (its `Debug` print by default; derived `Hash` is cheaper). A product may leave out what no future reads (its
    /// configuration, the same in every run of one exploration; counters of what happened),
    /// so that more runs meet; never a field a later decision or figure reads.
    fn fingerprint(&self, out: &mut crate::engine::Fingerprint) {
        use std::fmt::Write as _;
        write!(out, "{self:?}").expect("hashing cannot fail");
    }
    /// An event waiting in the queue, as the fingerprint of a state reads it (its `Debug`
    /// print by default).
    fn fingerprint_event(event: &Self::Event, out: &mut crate::engine::Fingerprint) {
        use std::fmt::Write as _;
        write!(out, "{event:?}").expect("hashing cannot fail");
    }
}

/// What a file may say to and about the product, checked before the run: its configuration and
/// binding, its nodes and its words for them, the actions it supports, its claims, and what the
/// vendors' documents warn against (FS-LINT).
pub trait Vocabulary: Model {
    /// The claims an expectation can make about this product, in its own vocabulary. A file
    /// reads them through [`SystemTag::visit`] (so [`Mixed`]'s, of any product, need not read).
    type Claim: Clone + Debug + PartialEq + Serialize + Send + Sync;
    /// The product's own words for its nodes' identities (as its files name `Main` and `Backup`).
    const NODE_WORDS: &'static [(&'static str, crate::action::Target)] = &[];

    /// Checks no derive can express; a broken configuration is refused before the run, at
    /// the place of the offending value in the configuration.
    fn validate(cfg: &Self::Config) -> Result<(), Refusal>;
    /// Checks the system's binding to a declared world (`None`: it lays out its own), refused
    /// at the place of the offending value in the configuration.
    fn check_binding(_cfg: &Self::Config, world: Option<&WorldDecl>) -> Result<(), Refusal> {
        match world {
            None => Ok(()),
            Some(_) => Err(Refusal::from(format!("{} cannot be bound to a declared world yet: leave out `world:`", Self::LABEL))),
        }
    }
    /// The system's nodes by name, in order (the first is `Main`): the names scripts and claims
    /// may use (a host's name in a declared world, else the product's built-in names).
    fn node_names(cfg: &Self::Config) -> Vec<String>;
    /// Checks before the run the node a script names, in the product's words (see
    /// [`crate::action::check_node`]).
    fn check_node(cfg: &Self::Config, target: &crate::action::Target) -> Result<(), String> {
        crate::action::check_node(target, &Self::node_names(cfg), Self::NODE_WORDS)
    }
    /// The script actions this product supports (the parser refuses the others).
    fn supported_actions(cfg: &Self::Config) -> Vec<&'static str>;
    /// Checks a supported action's values before the run (an upgrade's version, say).
    fn validate_action(_cfg: &Self::Config, _action: &Do<Self::Command>) -> Result<(), String> {
        Ok(())
    }
    /// Checks a claim before the run, against its system (a status item it does not show, a
    /// node it does not have, say).
    fn validate_claim(_cfg: &Self::Config, _claim: &Self::Claim) -> Result<(), String> {
        Ok(())
    }
    /// What the vendors' documents warn against in one system's configuration, in its world
    /// (FS-LINT).
    fn lint(_cfg: &Self::Config, _world: Option<&WorldDecl>) -> Vec<crate::finding::Warning> {
        Vec::new()
    }
    /// What they warn against in several systems of this product together.
    fn lint_together(_cfgs: &[&Self::Config]) -> Vec<crate::finding::Warning> {
        Vec::new()
    }
}

/// What can be seen of the product now: what an operator sees, whether a claim holds, the
/// metrics' sample, the tracked writes, the timeline's lanes, and its health.
pub trait Observation: Vocabulary {
    /// What an operator sees now (the report's status sections).
    fn view(&self, world: &World, at_ms: Time) -> View;
    /// Whether a claim holds now: `Err((expected, actual))` when it does not.
    fn eval(&self, world: &World, claim: &Self::Claim, now: Time) -> Verdict;
    /// Availability now, for the metrics.
    fn sample(&self, world: &World) -> Sample;
    /// The tracked writes.
    fn ledger(&self) -> &Ledger;
    /// Each timeline lane's state now, typed (what it follows and what its state means, beside
    /// the product's word for it): the system's own lanes (nodes, links), and which of the
    /// world's cables it draws between them (the runner samples those once for every system).
    fn lanes(&self, world: &World) -> Lanes<'_>;
    /// Whether the text timeline shows this record (the JSON trace keeps all).
    fn shown(_record: &Self::Record) -> bool {
        true
    }
    /// In the modes that promise it, a name resolving to a node that does not hold it.
    fn dns_broken(&self, _world: &World) -> Option<String> {
        None
    }
    /// What keeps the system from being healthy now (checked after healing).
    fn health(&self, world: &World) -> Vec<Problem>;
}

/// A system's timeline lanes now: its own, and which of the world's cables it draws. The
/// cables are the world's: a world of a thousand pairs samples each once, not once a pair.
#[derive(Clone, Debug)]
pub struct Lanes<'a> {
    /// Its nodes' lanes, drawn first.
    pub nodes: Vec<crate::ops::LaneSample>,
    /// The world's cables it draws after its nodes, in the world's order.
    pub cables: Drawn<'a>,
    /// Its NICs' links, drawn after the cables.
    pub links: Vec<crate::ops::LaneSample>,
    /// Its heartbeat paths (success, failing within the tolerance, failed past it), drawn
    /// last: how a failure was detected.
    pub heartbeats: Vec<crate::ops::LaneSample>,
    /// Who holds each of its service addresses (a DMA pair's virtual IPs, an MRS pair's
    /// floating IP), drawn right after its nodes: [`holder_lane`].
    pub holders: Vec<crate::ops::LaneSample>,
    /// The system's service in its own words, for a product that names its states
    /// ([`crate::ops::LaneSample::service`]: Check Point's name for two Active servers). Given
    /// for the whole run or never; recorded after the heartbeats, drawn as the service lane's
    /// words, never as a row of its own.
    pub service: Option<crate::ops::LaneSample>,
}

/// The lane of a service address: the hosts that hold it now ([`World::holder_names`]), by
/// name ("nobody" when none: clients reach nothing; two or more: both answer).
pub fn holder_lane(name: impl Into<String>, hosts: &[&str]) -> crate::ops::LaneSample {
    use crate::ops::{LaneSample, Meaning};
    let meaning = match hosts.len() {
        0 => Meaning::Outage,
        1 => Meaning::Serving,
        _ => Meaning::SplitBrain,
    };
    let word = if hosts.is_empty() { "nobody".to_string() } else { hosts.join(" + ") };
    LaneSample::holder(name, word, meaning)
}

impl Lanes<'_> {
    /// Every lane of the system in order, the cables sampled from `world` now: what the system
    /// shows alone.
    pub fn flatten(self, world: &World) -> Vec<crate::ops::LaneSample> {
        let cables = world.net().cable_states().filter(|(id, _, _)| self.cables.draws(*id));
        let cables = cables.map(|(_, name, plugged)| crate::ops::LaneSample::cable(name, plugged));
        let own = self.nodes.into_iter().chain(self.holders);
        own.chain(cables.collect::<Vec<_>>()).chain(self.links).chain(self.heartbeats).chain(self.service).collect()
    }
}

/// How chaos and explore attack the product and judge the result: its own faults, the shape of
/// a run, whether a split brain is documented, the claim for each invariant, named presets.
pub trait ChaosProfile: Observation {
    /// The product's own faults (chaos, explore), struck and healed with its commands.
    type Fault: OwnFault<Command = Self::Command>;

    /// The faults and administrator actions this product can suffer.
    fn alphabet(cfg: &Self::Config) -> Vec<FaultKind<Self::Fault>>;
    /// The shape of a chaos run: fault phase, quiet time, workload.
    fn chaos_profile(cfg: &Self::Config) -> Profile;
    /// While more than one node is online/active: the document that describes this state as
    /// the product's behaviour, if one does (asked when the split brain begins).
    fn split_brain_documented(&self) -> Option<SpecId>;
    /// Every documented rule this system models, with how often it fired in this run so far
    /// (FS-COVERAGE), in its catalog's order.
    fn rules_fired(&self) -> Vec<(SpecId, u32)>;
    /// The claim that holds exactly when `invariant` does (a repro file's expectation).
    fn claim_for(cfg: &Self::Config, invariant: Invariant) -> Self::Claim;
    /// Named configurations that `failsim chaos NAME` can target.
    fn presets() -> Vec<(&'static str, Self::Config)>;
}

/// The most failures a check may tolerate before it acts (a heartbeat's, a resource's): more
/// than a run could ever count at the shortest interval is a typo, and counts stay far from
/// overflow.
pub(crate) const MAX_ALLOWED_FAILURES: u32 = 1_000_000;

/// Each tolerance, by its field's name, is at most [`MAX_ALLOWED_FAILURES`].
pub(crate) fn tolerances_bounded(tolerances: &[(&'static str, u32)]) -> Result<(), Refusal> {
    match tolerances.iter().find(|(_, n)| *n > MAX_ALLOWED_FAILURES) {
        Some((name, n)) => Err(Refusal::at(Place::of(name), format!("{name} is {n}; at most {MAX_ALLOWED_FAILURES}"))),
        None => Ok(()),
    }
}

/// Each period, by its field's name, is above zero: a zero period would never let time advance.
pub(crate) fn periods_above_zero(periods: &[(&'static str, crate::units::Ms)]) -> Result<(), Refusal> {
    match periods.iter().find(|(_, v)| v.0 == 0) {
        Some((name, _)) => Err(Refusal::at(Place::of(name), format!("{name} must be above 0"))),
        None => Ok(()),
    }
}

#[cfg(test)]
mod holder_tests {
    use super::holder_lane;
    use crate::ops::Meaning;

    #[test]
    fn a_service_address_held_by_nobody_one_host_or_several() {
        let lane = |hosts: &[&str]| {
            let s = holder_lane("virtual IP", hosts).state;
            (s.word, s.meaning)
        };
        assert_eq!(lane(&[]), ("nobody".to_string(), Meaning::Outage), "clients reach nothing");
        assert_eq!(lane(&["dma-a"]), ("dma-a".to_string(), Meaning::Serving));
        assert_eq!(lane(&["dma-a", "dma-b"]), ("dma-a + dma-b".to_string(), Meaning::SplitBrain), "both answer");
    }
}
