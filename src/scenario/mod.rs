//! Scenario files: RON documents that name a system and its configuration, a seed, a script of
//! timed actions, an end time and expectations. Parsing is strict — unknown fields are errors —
//! and every error points at `file:line:col` with the offending line.

mod de;

pub(crate) use de::edit_distance;
mod error;
mod locate;
pub mod overrides;
mod pinned;
mod tree;

pub use error::{Excerpt, Paint, ScenarioError};
pub use locate::at_system;
pub use pinned::with_expect_trace;

use crate::action::{Action, Command as _, Do, NamedFault};
use crate::check::When;
use crate::pin::ExpectTrace;
use crate::place::Refusal;
use crate::products::{AnyClaim, Mixed, Registered, StepAction, System, SystemTag, WithConfig, WithProduct};
use crate::units::Ms;
use crate::world::WorldDecl;
use serde::{Deserialize, Serialize};
use std::path::Path;

/// A scenario: a system and its configuration (or several, in one world), a seed, a script of
/// timed actions, an end time and expectations in the system's own claim vocabulary.
#[derive(Clone, Debug)]
pub struct Scenario {
    /// Its name, in reports and in `check`'s list.
    pub name: String,
    /// What the scenario checks, and where the documented outcome comes from.
    pub doc: String,
    /// The seed of the run's random draws; the same seed gives the same trace.
    pub seed: u64,
    /// The declared world (FS-WORLD); `None`: the system lays out its built-in one.
    pub world: Option<WorldDecl>,
    /// The first (or only) system.
    pub system: System,
    /// Every system with its name when the file declares `systems:` (FS-MULTI; the first is
    /// `system`); empty for a file with one `system:`.
    pub systems: Vec<NamedSystem>,
    /// The timed actions (faults, operator steps, writes), in time order.
    pub script: Vec<Step>,
    /// When the run ends: the time the run covers is `0..end`.
    pub end: Ms,
    /// What must hold, each claim in the vocabulary of the system it is about.
    pub expect: Vec<Expectation>,
    /// The most downtime each system may have over the run (`downtime_at_most: "7m"`): what an
    /// explore file found for `downtime>7m` expects, so its replay fails exactly when the
    /// property breaks (FS-REPRO). Downtime is a metric over the run, not a claim at an instant.
    pub downtime_at_most: Option<Ms>,
    /// The run this file states it replays (FS-PIN), checked by `run` after the expectations.
    pub expect_trace: Option<ExpectTrace>,
}

/// One of several systems in a world, with the name actions and expectations use for it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NamedSystem {
    pub name: String,
    pub system: System,
}

impl Scenario {
    /// Every system of the scenario with its name ("" for the one system of a `system:` file).
    pub fn all_systems(&self) -> Vec<(&str, &System)> {
        if self.systems.is_empty() { vec![("", &self.system)] } else { self.systems.iter().map(|s| (s.name.as_str(), &s.system)).collect() }
    }

    /// Whether the world holds systems of more than one product (FS-MULTI).
    pub fn is_mixed(&self) -> bool {
        self.systems.iter().any(|s| SystemTag::of(&s.system) != SystemTag::of(&self.system))
    }

    /// Runs `f` with the product type of the scenario's systems: their one product, or
    /// `Mixed` (the registry's product of several) for a world of several products (`f` gets the first system's configuration).
    pub fn visit<F: WithConfig>(&self, f: F) -> F::Out {
        match self.is_mixed() {
            true => f.call::<Mixed>(&self.system),
            false => self.system.visit(f),
        }
    }

    /// The index of the system a step or expectation names (the first when it names none).
    pub fn system_index(&self, name: Option<&str>) -> Option<usize> {
        match name {
            None => Some(0),
            Some(n) => self.systems.iter().position(|s| s.name == n),
        }
    }
}

/// As files write it: `system:` for one system, `systems:` for several.
impl Serialize for Scenario {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Scenario", 10)?;
        st.serialize_field("name", &self.name)?;
        st.serialize_field("doc", &self.doc)?;
        st.serialize_field("seed", &self.seed)?;
        match &self.world {
            Some(w) => st.serialize_field("world", w)?,
            None => st.skip_field("world")?,
        }
        if self.systems.is_empty() {
            st.serialize_field("system", &self.system)?;
            st.skip_field("systems")?;
        } else {
            st.skip_field("system")?;
            st.serialize_field("systems", &self.systems)?;
        }
        st.serialize_field("script", &self.script)?;
        st.serialize_field("end", &self.end)?;
        st.serialize_field("expect", &self.expect)?;
        match &self.downtime_at_most {
            Some(limit) => st.serialize_field("downtime_at_most", limit)?,
            None => st.skip_field("downtime_at_most")?,
        }
        match &self.expect_trace {
            Some(pin) => st.serialize_field("expect_trace", pin)?,
            None => st.skip_field("expect_trace")?,
        }
        st.end()
    }
}

/// A scenario's file as it is written: every part read in its type, except the two whose type
/// depends on another part, which are kept as `H` and read next — each step's action (in the
/// form its content shows: by role or naming a part of the world) and each expectation's claim
/// (in the vocabulary of the system it names). `H` is the part's place in a file's tree
/// ([`IgnoredAny`]: the tree is looked up by position) or its JSON value (`--set`).
#[derive(Deserialize)]
#[serde(rename = "Scenario", deny_unknown_fields)]
struct Shell<H> {
    name: String,
    doc: String,
    #[serde(default)]
    seed: u64,
    #[serde(default)]
    world: Option<WorldDecl>,
    #[serde(default)]
    system: Option<System>,
    #[serde(default)]
    systems: Vec<NamedSystem>,
    #[serde(default = "Vec::new")]
    script: Vec<StepShell<H>>,
    end: Ms,
    #[serde(default = "Vec::new")]
    expect: Vec<ExpectShell<H>>,
    #[serde(default)]
    downtime_at_most: Option<Ms>,
    #[serde(default)]
    expect_trace: Option<ExpectTrace>,
}

#[derive(Deserialize)]
#[serde(rename = "Step", deny_unknown_fields)]
struct StepShell<H> {
    at: Ms,
    #[serde(default)]
    system: Option<String>,
    #[serde(rename = "do")]
    action: H,
}

#[derive(Deserialize)]
#[serde(rename = "Expectation", deny_unknown_fields)]
struct ExpectShell<H> {
    ids: Vec<String>,
    #[serde(deserialize_with = "when_syntax::deserialize")]
    when: When,
    #[serde(default)]
    system: Option<String>,
    that: H,
}

impl<H> Shell<H> {
    /// The first system; `Err` when the file has neither `system:` nor `systems:`, or both.
    fn first_system(&self) -> Result<&System, &'static str> {
        match (&self.system, self.systems.first()) {
            (Some(s), None) => Ok(s),
            (None, Some(n)) => Ok(&n.system),
            (Some(_), Some(_)) => Err("a scenario has `system:` (one) or `systems:` (several), not both"),
            (None, None) => Err("a scenario names its system: `system: ...` or `systems: [(name: ..., system: ...)]`"),
        }
    }

    /// The vocabulary of the claim of an expectation about `system`: that system's (the first
    /// system's when it names none, or one that does not exist: that is a located error later).
    fn vocabulary(&self, system: Option<&str>) -> SystemTag {
        self.system_for(system).map_or_else(SystemTag::default, SystemTag::of)
    }

    /// The system a step or an expectation is about (as [`Shell::vocabulary`] finds it).
    fn system_for(&self, system: Option<&str>) -> Option<&System> {
        let named = system.and_then(|name| self.systems.iter().find(|s| s.name == name));
        named.map(|s| &s.system).or_else(|| self.first_system().ok())
    }

    /// Each node name of the `systems:` of a world, with the systems (by index) that have a node
    /// of that name; empty for a file with one `system:`.
    fn node_owners(&self) -> std::collections::BTreeMap<String, Vec<usize>> {
        let mut owners: std::collections::BTreeMap<String, Vec<usize>> = std::collections::BTreeMap::new();
        for (i, s) in self.systems.iter().enumerate() {
            s.system.node_names().into_iter().for_each(|n| owners.entry(n).or_default().push(i));
        }
        owners
    }

    /// The system a step or an expectation that names none is about, by the nodes it names
    /// (FS-MULTI): a node's name is enough where only one system of the world has a node of that
    /// name (a host of the declared world, say) and the first system has none. `Err` when
    /// several other systems have it.
    fn owner(&self, owners: &std::collections::BTreeMap<String, Vec<usize>>, node: &tree::Node) -> Result<Option<String>, String> {
        for s in node.strings() {
            match owners.get(s).map(Vec::as_slice) {
                None => continue,
                Some([0, ..]) => return Ok(None),
                Some([one]) => return Ok(Some(self.systems[*one].name.clone())),
                Some(several) => {
                    let names: Vec<&str> = several.iter().map(|i| self.systems[*i].name.as_str()).collect();
                    return Err(format!("`{s}` is a node of {}: say which system the step is for (`system: \"{}\"`)", names.join(", "), names[0]));
                }
            }
        }
        Ok(None)
    }

    /// The scenario, with each step's action and each expectation's claim as read.
    fn into_scenario(self, actions: Vec<StepAction>, claims: Vec<AnyClaim>) -> Result<Scenario, &'static str> {
        let system = self.first_system()?.clone();
        let script = self.script.into_iter().zip(actions).map(|(s, action)| Step { at: s.at, system: s.system, action }).collect();
        let expect = self.expect.into_iter().zip(claims).map(|(e, that)| Expectation { ids: e.ids, when: e.when, system: e.system, that }).collect();
        let (name, doc, seed, world, systems, end, expect_trace) = (self.name, self.doc, self.seed, self.world, self.systems, self.end, self.expect_trace);
        let downtime_at_most = self.downtime_at_most;
        Ok(Scenario { name, doc, seed, world, system, systems, script, end, expect, downtime_at_most, expect_trace })
    }
}

/// An expectation: the SPEC IDs it checks, when, and the claim.
#[derive(Clone, Debug, Serialize)]
pub struct Expectation {
    /// The SPEC IDs this expectation checks.
    pub ids: Vec<String>,
    #[serde(serialize_with = "when_syntax::serialize")]
    pub when: When,
    /// The system it speaks of, by name (in a world of several; the first when unset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    pub that: AnyClaim,
}

/// `At("11m")`, `During("1m", "5m")`, `Within("1m", "5m")` in files.
mod when_syntax {
    use super::{Ms, When};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(rename = "When")]
    enum FileWhen {
        At(Ms),
        During(Ms, Ms),
        Within(Ms, Ms),
    }

    pub fn serialize<S: Serializer>(when: &When, s: S) -> Result<S::Ok, S::Error> {
        match *when {
            When::At(t) => FileWhen::At(Ms(t)),
            When::During(a, b) => FileWhen::During(Ms(a), Ms(b)),
            When::Within(a, b) => FileWhen::Within(Ms(a), Ms(b)),
        }
        .serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<When, D::Error> {
        let when = match FileWhen::deserialize(d)? {
            FileWhen::At(t) => When::At(t.0),
            FileWhen::During(a, b) => When::During(a.0, b.0),
            FileWhen::Within(a, b) => When::Within(a.0, b.0),
        };
        let (from, to) = when.range();
        if from > to {
            return Err(serde::de::Error::custom(format!("the interval starts at {} after it ends at {}", Ms(from), Ms(to))));
        }
        Ok(when)
    }
}

/// One timed action of the script.
#[derive(Clone, Debug, Serialize)]
pub struct Step {
    pub at: Ms,
    /// The system the action is for, by name (in a world of several; the first when unset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    /// A shared action or one of the system's own commands, written bare (a world fault on a
    /// named part as its own action, `Pull(cable: "isl-1")`, not `World(…)`).
    #[serde(rename = "do")]
    pub action: StepAction,
}

/// A script action is written in one of three forms: a shared action by role (`Pull(cable:
/// Corporate, on: Online)`, `FailSwitch`), a shared world fault naming a part of the declared
/// world (`Pull(cable: "isl-1")`, `FailSwitch("core-1")`), or one of the step's system's own
/// commands, read in that system's vocabulary as a claim is. The node shows
/// which: its name is a shared action's or not, and a world fault with a string in it and no
/// `on:` names a part (the role form's strings are node names, after `on:`:
/// `Pull(cable: Corporate, on: "SMS-SEC-1")`). Each form is read as itself, with its own exact
/// errors; a name the system does not support is refused with the list of those it does.
fn read_action(node: &tree::Node, system: Option<&System>) -> Result<StepAction, de::Error> {
    if names_a_part(node) {
        return de::from_node(node).map(|f| Do::Shared(Action::World(f)));
    }
    match (node.name(), system) {
        (Some(name), Some(system)) if !crate::action::KINDS.contains(&name) => {
            let supported = system.supported_actions();
            match supported.contains(&name) {
                true => SystemTag::of(system).visit(CommandNode(node)),
                false => {
                    let refusal = unsupported(system, name, &supported);
                    Err(de::Error::at_node(node, refusal.message).with_help(refusal.help))
                }
            }
        }
        _ => de::from_node(node).map(Do::Shared),
    }
}

/// Whether an action's node is a world fault naming a part of the declared world: a string in
/// it and no `on:`.
fn names_a_part(node: &tree::Node) -> bool {
    let world_fault = node.name().is_some_and(|name| crate::action::WORLD_FAULTS.contains(&name));
    world_fault && node.holds_string() && node.field("on").is_none()
}

/// The refusal of an action a system does not support, and the one it most likely meant as
/// help; else the message lists those it does.
struct Unsupported {
    message: String,
    help: Option<String>,
}

/// Message and help in one sentence, where an error has no help line of its own.
impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.help {
            Some(help) => write!(f, "{}; {help}", self.message),
            None => f.write_str(&self.message),
        }
    }
}

fn unsupported(system: &System, kind: &str, supported: &[&'static str]) -> Unsupported {
    // A word that extends a supported one (another product's action named after one of these)
    // is not a misspelling: it gets the list.
    match de::closest(kind, supported).filter(|near| !kind.starts_with(near)) {
        Some(near) => Unsupported { message: format!("{} has no action `{kind}`", system.label()), help: Some(format!("did you mean `{near}`?")) },
        None => Unsupported { message: format!("{} does not support the action `{kind}`; it supports: {}", system.label(), supported.join(", ")), help: None },
    }
}

/// In JSON every variant's name is a string, so the form does not show: the role form is tried
/// first, then the named one, then the system's own. (The JSON comes from a scenario already
/// read, not from a user.)
fn json_action(value: &serde_json::Value, system: Option<&System>) -> Result<StepAction, String> {
    let shared = Action::deserialize(value).or_else(|roles| NamedFault::deserialize(value).map(Action::World).map_err(|_| roles.to_string()));
    match (shared, system) {
        (Ok(action), _) => Ok(Do::Shared(action)),
        (Err(why), None) => Err(why),
        (Err(_), Some(system)) => SystemTag::of(system).visit(CommandJson(value.clone())).map_err(|e| e.to_string()),
    }
}

/// A command read from its node in the vocabulary of one product (see [`SystemTag::visit`]).
struct CommandNode<'a>(&'a tree::Node);

impl WithProduct for CommandNode<'_> {
    type Out = Result<StepAction, de::Error>;
    fn call<P: Registered>(self) -> Self::Out
    where
        P::Claim: serde::de::DeserializeOwned,
        P::Command: serde::de::DeserializeOwned,
    {
        de::from_node::<P::Command>(self.0).map(|c| Do::Own(P::wrap_command(c)))
    }
}

/// A command read from its JSON value in the vocabulary of one product.
struct CommandJson(serde_json::Value);

impl WithProduct for CommandJson {
    type Out = Result<StepAction, serde_json::Error>;
    fn call<P: Registered>(self) -> Self::Out
    where
        P::Claim: serde::de::DeserializeOwned,
        P::Command: serde::de::DeserializeOwned,
    {
        P::Command::deserialize(self.0).map(|c| Do::Own(P::wrap_command(c)))
    }
}

/// A claim read from its node in the vocabulary of one product (see [`SystemTag::visit`]).
struct ClaimNode<'a>(&'a tree::Node);

impl WithProduct for ClaimNode<'_> {
    type Out = Result<AnyClaim, de::Error>;
    fn call<P: Registered>(self) -> Self::Out
    where
        P::Claim: serde::de::DeserializeOwned,
        P::Command: serde::de::DeserializeOwned,
    {
        de::from_node::<P::Claim>(self.0).map(P::wrap_claim)
    }
}

/// A claim read from its JSON value in the vocabulary of one product.
struct ClaimJson(serde_json::Value);

impl WithProduct for ClaimJson {
    type Out = Result<AnyClaim, serde_json::Error>;
    fn call<P: Registered>(self) -> Self::Out
    where
        P::Claim: serde::de::DeserializeOwned,
        P::Command: serde::de::DeserializeOwned,
    {
        P::Claim::deserialize(self.0).map(P::wrap_claim)
    }
}

/// A file being read: its text and its tree, so that each error is located at the node it is
/// about.
struct File<'a> {
    path: &'a Path,
    src: &'a str,
    root: &'a tree::Node,
}

impl<'a> File<'a> {
    fn error(&self, node: &tree::Node, message: &str) -> ScenarioError {
        ScenarioError::at_span(self.path, self.src, node.span, message)
    }

    /// A check's refusal of the value read from `node`, located at the offending part of it.
    fn refused(&self, node: &tree::Node, refusal: &Refusal) -> ScenarioError {
        let e = self.error(node.at(&refusal.place), &refusal.message);
        // The label names the marked value by its path, as `--set` writes it.
        match refusal.place.steps().is_empty() {
            true => e,
            false => e.with_label(refusal.place.to_string()),
        }
    }

    /// The `i`-th entry of the `list:` section (`script`, `expect`, `systems`). The scenario was
    /// read from this tree, so the entry is there; the root stands in only to keep this total.
    fn entry(&self, list: &str, i: usize) -> &'a tree::Node {
        self.root.field(list).and_then(|l| l.items().get(i)).unwrap_or(self.root)
    }

    /// The value of the `key:` part of that entry (the entry itself when it has no such part).
    fn part(&self, list: &str, i: usize, key: &str) -> &'a tree::Node {
        let entry = self.entry(list, i);
        entry.field(key).unwrap_or(entry)
    }

    /// The `i`-th system's configuration: `system:`'s value, or the `i`-th of `systems:`'.
    fn system(&self, i: usize) -> &'a tree::Node {
        match self.root.field("system") {
            Some(system) => system,
            None => self.part("systems", i, "system"),
        }
    }
}

/// Parses and validates a scenario. `path` only names the file in errors.
///
/// The file is read once, into a tree of nodes with their spans; then its parts are read from
/// their nodes: first the shell — every part whose type is fixed, the systems and the end among
/// them — then each step's action in the form its node shows and each expectation's claim in
/// the vocabulary of the system it names; then the checks that need the whole file (a step
/// after the end, each system, each step against its system). Every error is located at the
/// node it is about.
pub fn parse(path: &Path, src: &str) -> Result<Scenario, ScenarioError> {
    let root = tree::read(src).map_err(|e| ScenarioError::at_offset(path, src, e.at, &e.message))?;
    let file = File { path, src, root: &root };
    let located = |e: de::Error| located(path, src, &e);
    let mut shell: Shell<serde::de::IgnoredAny> = de::from_node(&root).map_err(located)?;
    shell.first_system().map_err(|m| file.error(&root, m))?;
    route_by_node_names(&mut shell, &file)?;
    let actions = shell.script.iter().enumerate().map(|(i, s)| read_action(file.part("script", i, "do"), shell.system_for(s.system.as_deref())));
    let actions = actions.collect::<Result<Vec<_>, _>>();
    let claims = shell.expect.iter().enumerate().map(|(i, e)| shell.vocabulary(e.system.as_deref()).visit(ClaimNode(file.part("expect", i, "that"))));
    let (actions, claims) = (actions.map_err(located)?, claims.collect::<Result<Vec<_>, _>>().map_err(located)?);
    let end = shell.end;
    let scenario = shell.into_scenario(actions, claims).map_err(|m| file.error(&root, m))?;
    check_end(&scenario, end, &file)?;
    check(&scenario, &file)?;
    Ok(scenario)
}

/// A reading error located at its bytes, with its label and help.
fn located(path: &Path, src: &str, e: &de::Error) -> ScenarioError {
    let mut located = ScenarioError::at_span(path, src, e.at().unwrap_or_default(), &e.headline());
    if let Some(label) = e.label() {
        located = located.with_label(label);
    }
    if let Some(help) = e.help() {
        located = located.with_help(help);
    }
    located
}

/// Gives each step and expectation that names no system the system its node names point to
/// (see [`Shell::owner`]), before its action or claim is read in that system's vocabulary.
fn route_by_node_names(shell: &mut Shell<serde::de::IgnoredAny>, file: &File) -> Result<(), ScenarioError> {
    let owners = shell.node_owners();
    if owners.is_empty() {
        return Ok(());
    }
    for i in 0..shell.script.len() {
        let node = file.part("script", i, "do");
        // A fault on a named part of the world is the world's, whichever system's script says it.
        if shell.script[i].system.is_none() && !names_a_part(node) {
            shell.script[i].system = shell.owner(&owners, node).map_err(|m| file.error(node, &m))?;
        }
    }
    for i in 0..shell.expect.len() {
        if shell.expect[i].system.is_none() {
            let node = file.part("expect", i, "that");
            shell.expect[i].system = shell.owner(&owners, node).map_err(|m| file.error(node, &m))?;
        }
    }
    Ok(())
}

/// Nothing happens after the end: each step and each expectation is within it.
fn check_end(scenario: &Scenario, end: Ms, file: &File) -> Result<(), ScenarioError> {
    let after_end = |what: &str, t: u64| format!("{what} is at {}, after the scenario's end ({end})", Ms(t));
    if let Some(i) = scenario.script.iter().position(|s| s.at.0 > end.0) {
        return Err(file.error(file.part("script", i, "at"), &after_end("this step", scenario.script[i].at.0)));
    }
    if let Some(i) = scenario.expect.iter().position(|e| e.when.latest_ms() > end.0) {
        return Err(file.error(file.part("expect", i, "when"), &after_end("this expectation", scenario.expect[i].when.latest_ms())));
    }
    Ok(())
}

/// The checks of a scenario read: its world, its systems, each step against the system it is
/// for, each expectation.
fn check(scenario: &Scenario, file: &File) -> Result<(), ScenarioError> {
    if let Some(world) = &scenario.world {
        // A refusal's place is the offending value in the world's node.
        let node = file.root.field("world").unwrap_or(file.root);
        world.check().map_err(|r| file.refused(node, &r))?;
    }
    check_systems(scenario, file)?;
    if scenario.script.len() > MAX_SCRIPT_STEPS {
        let m = format!("the script has {} steps; at most {MAX_SCRIPT_STEPS}", scenario.script.len());
        // At the first step too many, its `do:`.
        let step = file.entry("script", MAX_SCRIPT_STEPS);
        return Err(ScenarioError::at_span(file.path, file.src, step.key_span("do").unwrap_or(step.span), &m));
    }
    for (i, step) in scenario.script.iter().enumerate() {
        world_parts(&step.action, scenario.world.as_ref()).map_err(|m| file.error(file.part("script", i, "do"), &m))?;
    }
    let mut totals = Totals::default();
    for (i, step) in scenario.script.iter().enumerate() {
        let system = match step.system.as_deref() {
            None => &scenario.system,
            Some(name) => scenario.named(name).map_err(|m| file.error(file.part("script", i, "system"), &m))?,
        };
        check_step(system, step, &mut totals).map_err(|m| file.error(file.part("script", i, "do"), &m))?;
    }
    for (i, e) in scenario.expect.iter().enumerate() {
        check_expectation(scenario, e).map_err(|(key, m)| file.error(file.part("expect", i, key), &m))?;
    }
    Ok(())
}

/// A step's system supports its action, and the script stays within its totals.
fn check_step(system: &System, step: &Step, totals: &mut Totals) -> Result<(), String> {
    let supported = system.supported_actions();
    if !supported.contains(&step.action.kind()) {
        return Err(unsupported(system, step.action.kind(), &supported).to_string());
    }
    system.validate_action(&step.action)?;
    if let Some(target) = step.action.target() {
        system.check_node(target)?;
    }
    match step.action.count() {
        Some(count) => totals.add(step.action.kind(), count),
        None => Ok(()),
    }
}

/// An expectation names what it checks, makes a valid claim and names a system that exists;
/// an error says which of its parts (`ids`, `that`, `system`) it is about.
fn check_expectation(scenario: &Scenario, e: &Expectation) -> Result<(), (&'static str, String)> {
    if e.ids.is_empty() {
        return Err(("ids", "an expectation must name the SPEC IDs it checks (`ids: [...]`)".into()));
    }
    let system = match e.system.as_deref() {
        Some(name) => scenario.named(name).map_err(|m| ("system", m))?,
        None => &scenario.system,
    };
    system.validate_claim(&e.that).map_err(|m| ("that", m))
}

impl Scenario {
    /// The system named `name` in `systems:`.
    fn named(&self, name: &str) -> Result<&System, String> {
        match self.systems.iter().find(|s| s.name == name) {
            Some(s) => Ok(&s.system),
            None if self.systems.is_empty() => Err(format!("system `{name}`: this scenario has one system (name systems in `systems: [...]`)")),
            None => Err(format!("no system named `{name}` (systems: {})", self.systems.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", "))),
        }
    }
}

/// Each system is valid and bound to the world; several have distinct names and fit the limit.
fn check_systems(scenario: &Scenario, file: &File) -> Result<(), ScenarioError> {
    let all = scenario.all_systems();
    if all.len() > crate::world::MAX_SYSTEMS {
        let m = format!("{} systems; a world holds at most {}", all.len(), crate::world::MAX_SYSTEMS);
        return Err(file.error(file.entry("systems", crate::world::MAX_SYSTEMS), &m));
    }
    for (i, (name, system)) in all.iter().enumerate() {
        if !scenario.systems.is_empty() && name.is_empty() {
            return Err(file.error(file.entry("systems", i), "a system of several needs a name"));
        }
        if all[..i].iter().any(|(n, _)| n == name) {
            return Err(file.error(file.part("systems", i, "name"), &format!("two systems are named `{name}`")));
        }
        let at = |r: Refusal| file.refused(file.system(i), &r);
        system.validate().map_err(at)?;
        system.check_binding(scenario.world.as_ref()).map_err(at)?;
    }
    if scenario.world.is_none() {
        presets_fit(&all, file)?;
    }
    Ok(())
}

/// Without `world:`, the systems' presets together fit one world's limits (a thousand default
/// pairs do; ten thousand would not have port ids).
fn presets_fit(all: &[(&str, &crate::products::System)], file: &File) -> Result<(), ScenarioError> {
    let mut total = (0, 0, 0);
    for (i, (_, system)) in all.iter().enumerate() {
        let (hosts, ports, cables) = system.preset().size();
        total = (total.0 + hosts, total.1 + ports, total.2 + cables);
        if let Err(why) = WorldDecl::fits(total) {
            let m = format!("the built-in layouts of the first {} systems need {why}: declare a `world:`, or split the scenario", i + 1);
            return Err(file.error(file.system(i), &m));
        }
    }
    Ok(())
}

/// An action that names a part of the world must find it; one that means "the switch" needs a
/// world with one switch.
fn world_parts(action: &StepAction, world: Option<&WorldDecl>) -> Result<(), String> {
    let Some(action) = action.shared() else { return Ok(()) };
    match (action, world) {
        (Action::World(f), None) => Err(format!("`{}` names a part of a declared world, and this scenario declares none (`world:`)", f.describe())),
        (Action::World(f), Some(w)) => w.check_fault(f),
        (Action::FailSwitch | Action::RestoreSwitch, Some(w)) if w.switches.len() != 1 => {
            Err(format!("the world has {} switches: name the one that fails (`FailSwitch(\"…\")`)", w.switches.len()))
        }
        _ => Ok(()),
    }
}

fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES | ron::extensions::Extensions::IMPLICIT_SOME)
}

/// A scenario as a file, in the format `parse` reads (it reads back to the same scenario).
pub fn to_ron(scenario: &Scenario) -> Result<String, String> {
    let pretty = ron::ser::PrettyConfig::new().struct_names(false).depth_limit(3);
    ron_options().to_string_pretty(scenario, pretty).map(|s| single_quotes_as_written(&s) + "\n").map_err(|e| e.to_string())
}

/// `text` with ron's `\'` (a single quote in a string) written as `'`, which reads the same: a
/// "found by" command quotes for a shell with `'` and must run as the file prints it (FS-PIN).
/// Every other escape stays (`\\'` is an escaped backslash, then a quote's escape).
fn single_quotes_as_written(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('\'') => out.push('\''),
            Some(next) => out.extend(['\\', next]),
            None => out.push('\\'),
        }
    }
    out
}

/// A scenario from its JSON form (`--set`): the same shell as a file's, each claim read in the
/// vocabulary of the system it names. The caller writes it as a file and parses that, so every
/// check applies.
pub(crate) fn deserialize_json(value: serde_json::Value) -> Result<Scenario, String> {
    let mut shell: Shell<serde_json::Value> = serde_json::from_value(value).map_err(|e| e.to_string())?;
    shell.first_system()?;
    let actions = shell.script.iter().map(|s| json_action(&s.action, shell.system_for(s.system.as_deref()))).collect::<Result<Vec<_>, _>>()?;
    let thats: Vec<serde_json::Value> = shell.expect.iter_mut().map(|e| e.that.take()).collect();
    let claims = shell.expect.iter().zip(thats).map(|(e, that)| shell.vocabulary(e.system.as_deref()).visit(ClaimJson(that)).map_err(|e| e.to_string()));
    let claims = claims.collect::<Result<Vec<_>, _>>()?;
    shell.into_scenario(actions, claims).map_err(str::to_string)
}

/// Writes a file through a temporary file and a rename, so an interrupted run leaves no half
/// file (repro and explore scenario files).
///
/// The temporary file comes from the `tempfile` crate (a unique name in the target's folder), so
/// two campaigns writing into one folder never collide; it is synced to disk before the rename.
pub fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    use std::io::Write;
    let dir = folder_of(path)?;
    let mut tmp = temporary_in(dir)?;
    let written = tmp.write_all(text.as_bytes()).and_then(|()| tmp.as_file().sync_all());
    written.map_err(|e| format!("{}: {e}", tmp.path().display()))?;
    tmp.persist(path).map_err(|e| format!("{}: {}", path.display(), e.error))?;
    Ok(())
}

/// [`write_atomically`] for many files of one folder (the files an exploration found), named
/// in it: each is written to its temporary file and closed, the folder's file system is synced
/// once, and then each is renamed into place — a crash leaves each file whole or absent, as
/// one at a time would. One sync, not one a file: with a sync each, 806 found files took 0.3 s
/// longer on a disk than on a tmpfs, an eighth of the whole exploration. Where there is no
/// `syncfs` (off Linux), each file is synced as [`write_atomically`] does.
pub fn write_all_atomically(dir: &Path, files: &[(String, &str)]) -> Result<(), String> {
    use std::io::Write;
    make_folder(dir)?;
    let mut written = Vec::with_capacity(files.len());
    for (name, text) in files {
        let path = dir.join(name);
        assert!(path.parent() == Some(dir), "a file named in the folder, not under it: {name}");
        let mut tmp = temporary_in(dir)?;
        let done = tmp.write_all(text.as_bytes()).and_then(|()| sync_each(tmp.as_file()));
        done.map_err(|e| format!("{}: {e}", tmp.path().display()))?;
        // Closed now: thousands of files never hold thousands of descriptors.
        written.push((tmp.into_temp_path(), path));
    }
    sync_folder(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (tmp, path) in written {
        tmp.persist(&path).map_err(|e| format!("{}: {}", path.display(), e.error))?;
    }
    Ok(())
}

/// The folder a file is written in (made when missing).
fn folder_of(path: &Path) -> Result<&Path, String> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    make_folder(dir)?;
    Ok(dir)
}

/// Makes `dir` and the folders above it where missing.
fn make_folder(dir: &Path) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

/// A new temporary file in `dir`, to be renamed over its target.
fn temporary_in(dir: &Path) -> Result<tempfile::NamedTempFile, String> {
    // A unique temporary name in the same folder (so the rename cannot cross file systems and
    // two campaigns writing into one folder never share a temporary file), carrying this
    // process's id so that a later run can tell a killed run's leftover from a live one's.
    let prefix = format!("{TEMPORARY_PREFIX}{}-", std::process::id());
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(TEMPORARY_SUFFIX);
    // The user's normal mode for a new file (0666 less the umask), not tempfile's private 0600.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    builder.tempfile_in(dir).map_err(|e| format!("{}: {e}", dir.display()))
}

/// Syncs one of many files written together, where the folder is not synced as a whole.
#[cfg(target_os = "linux")]
fn sync_each(_: &std::fs::File) -> std::io::Result<()> {
    Ok(())
}

#[cfg(not(target_os = "linux"))]
fn sync_each(file: &std::fs::File) -> std::io::Result<()> {
    file.sync_all()
}

/// Syncs the file system holding `dir` (every file written to it so far) in one call.
#[cfg(target_os = "linux")]
fn sync_folder(dir: &Path) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let folder = std::fs::File::open(dir)?;
    // SAFETY: `syncfs` reads only the descriptor, which `folder` keeps open for the call.
    match unsafe { libc::syncfs(folder.as_raw_fd()) } {
        0 => Ok(()),
        _ => Err(std::io::Error::last_os_error()),
    }
}

#[cfg(not(target_os = "linux"))]
fn sync_folder(_: &Path) -> std::io::Result<()> {
    Ok(())
}

const TEMPORARY_PREFIX: &str = ".failsim-";
const TEMPORARY_SUFFIX: &str = ".tmp";

/// Whether a file name is a temporary file of [`write_atomically`] whose process is gone (a
/// run killed while writing): such a file is never renamed into place, so it may be removed.
/// One of a live process is not stale; one without a process id (an older failsim's) is.
pub fn stale_temporary(name: &str) -> bool {
    let Some(rest) = name.strip_prefix(TEMPORARY_PREFIX).and_then(|r| r.strip_suffix(TEMPORARY_SUFFIX)) else {
        return false;
    };
    match rest.split_once('-').and_then(|(pid, _)| pid.parse::<u32>().ok()) {
        Some(pid) => !process_alive(pid),
        None => true,
    }
}

#[cfg(unix)]
fn process_alive(pid: u32) -> bool {
    let Ok(pid) = libc::pid_t::try_from(pid) else {
        return false;
    };
    // SAFETY: signal 0 only checks that the process exists and may be signalled.
    let sent = unsafe { libc::kill(pid, 0) };
    sent == 0 || std::io::Error::last_os_error().raw_os_error() == Some(libc::EPERM)
}

#[cfg(not(unix))]
fn process_alive(_pid: u32) -> bool {
    true
}

/// The most steps a script may have.
pub const MAX_SCRIPT_STEPS: usize = 100_000;

/// The most tracked records or changes one step may ask for (they are id ranges: cheap).
pub const MAX_RECORDS_PER_STEP: u32 = 1_000_000_000;

/// The most tracked records or changes a whole script may ask for: with both DataMiner agents
/// online in a split brain each gathers them, and every id must fit in 32 bits.
pub const MAX_RECORDS_PER_SCRIPT: u64 = 1_000_000_000;

/// The most lookups one step may ask for (each is answered, recorded and traced).
pub const MAX_LOOKUPS_PER_STEP: u32 = 100_000;

/// The most lookups a whole script may ask for.
pub const MAX_LOOKUPS_PER_SCRIPT: u64 = 1_000_000;

/// What a script has asked for so far, against its limits.
#[derive(Default)]
struct Totals {
    records: u64,
    lookups: u64,
}

impl Totals {
    fn add(&mut self, kind: &str, count: crate::action::Count) -> Result<(), String> {
        use crate::action::Count;
        let (n, per_step, total, per_script, what) = match count {
            Count::Records(n) => (n, MAX_RECORDS_PER_STEP, &mut self.records, MAX_RECORDS_PER_SCRIPT, "records or changes"),
            Count::Lookups(n) => (n, MAX_LOOKUPS_PER_STEP, &mut self.lookups, MAX_LOOKUPS_PER_SCRIPT, "lookups"),
        };
        if n > per_step {
            return Err(format!("`{kind}` asks for {n} {what}; at most {per_step} per step"));
        }
        *total += u64::from(n);
        if *total > per_script {
            return Err(format!("the script asks for {total} {what} by this step; at most {per_script} in all"));
        }
        Ok(())
    }
}

/// The largest scenario file failsim reads (a file from a bug report, say): 4 MiB.
pub const MAX_FILE_BYTES: u64 = 4 << 20;

/// Reads and parses a scenario file: a regular file (not a device or a pipe, which could block
/// or never end), at most [`MAX_FILE_BYTES`], in UTF-8 (a bad byte is located).
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let meta = std::fs::metadata(path).map_err(|e| ScenarioError::io(path, &e))?;
    if !meta.is_file() {
        return Err(ScenarioError::plain(path, "not a regular file: failsim reads scenario files only"));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(ScenarioError::plain(path, &format!("{} bytes: scenario files are at most {MAX_FILE_BYTES} bytes", meta.len())));
    }
    let bytes = {
        use std::io::Read;
        let mut bytes = Vec::new();
        let file = std::fs::File::open(path).map_err(|e| ScenarioError::io(path, &e))?;
        // The file may have grown since the check: read no more than the limit allows.
        file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| ScenarioError::io(path, &e))?;
        bytes
    };
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ScenarioError::plain(path, &format!("more than {MAX_FILE_BYTES} bytes: scenario files are at most that")));
    }
    match std::str::from_utf8(&bytes) {
        Ok(src) => parse(path, src),
        Err(e) => Err(ScenarioError::bad_utf8(path, &bytes, e.valid_up_to())),
    }
}

/// Every `*.ron` file below `root` (or `root` itself), in sorted order.
pub fn discover(root: &Path) -> Result<Vec<std::path::PathBuf>, ScenarioError> {
    if root.is_file() {
        return Ok(vec![root.to_path_buf()]);
    }
    let mut out = Vec::new();
    let mut dirs = vec![root.to_path_buf()];
    while let Some(dir) = dirs.pop() {
        let entries = std::fs::read_dir(&dir).map_err(|e| ScenarioError::io(&dir, &e))?;
        for entry in entries {
            let path = entry.map_err(|e| ScenarioError::io(&dir, &e))?.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|x| x == "ron") {
                out.push(path);
            }
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{parse, write_atomically};
    use crate::action::Action;
    use std::path::Path;

    #[test]
    fn deep_unterminated_or_broken_files_are_located_errors() {
        let deep = format!("Scenario(name: {}", "[".repeat(1_000_000));
        let cases = [
            (deep.as_str(), 143, "the values nest more than 128 levels deep"),
            ("Scenario(name: \"open", 16, "Expected end of string"),
            ("Scenario(name: \"n\" /* a /* nested */ comment", 20, "Unclosed block comment"),
            (
                "Scenario(name: \"n\", doc: \"\", system: DataMiner(), end: 5.5)",
                56,
                "Expected a duration: milliseconds as an integer, or a string like \"20s\" or \"6m30s\" but found the floating point number `5.5` instead",
            ),
        ];
        for (src, col, message) in cases {
            let e = parse(Path::new("f.ron"), src).expect_err("a broken file");
            assert_eq!((e.line, e.col, e.message.as_str()), (1, col, message), "{}", &src[..src.len().min(60)]);
        }
    }

    /// Each configuration error points at the offending value: `⟨` marks it in the system's
    /// text (and is taken out before the file is read).
    #[test]
    fn a_configurations_errors_point_at_the_offending_value() {
        let cases = [
            ("DataMiner(main: (name: \"A\"), backup: (name: ⟨\"a\"))", "the same name"),
            ("DataMiner(heartbeats: [Normal(from: Main), Normal(from: Backup, interval: ⟨\"0s\")])", "interval must be above 0"),
            ("DataMiner(heartbeats: [Inverted(from: Main, max_failures: ⟨4000000)])", "max_failures is 4000000"),
            ("DataMiner(led_refresh: ⟨0)", "led_refresh must be above 0"),
            ("DataMiner(active_alarms: ⟨20000000)", "active_alarms is 20000000"),
            (
                "DataMiner(addressing: VirtualIp(vip: \"10.0.0.5\", acquisition_vip: \"10.0.1.5\", more_vips: [(nic: Sync, vip: \"10.0.2.5\"), (nic: Corporate, vip: ⟨\"10.0.1.5\")]))",
                "listed twice",
            ),
            ("DataMiner(storage: Cluster(cassandra: [\"c1\"], opensearch: [\"o1\", ⟨\"o1\"]))", "OpenSearch node `o1` is listed twice"),
            ("DataMiner(storage: Cluster(nodes: ⟨[]))", "1 to 32 Cassandra nodes"),
            ("DataMiner(watchdog: (actions: [Alarm, ⟨Alarm]))", "lists Alarm twice"),
            ("DataMiner(watchdog: (errors: ⟨0))", "watchdog.errors is 0"),
            ("DataMiner(watchdog: (element_restart_time: ⟨0))", "element_restart_time is 0s"),
            ("DataMiner(watchdog: (skip_rte: [(process: \"SLNet\", thread: ⟨\"\")]))", "a SkipRTE thread needs a name"),
            ("DataMinerAgent(start_time: ⟨\"0s\")", "start_time must be above 0"),
            ("CheckPoint(servers: [\"a\", \"b\", ⟨\"A\"])", "two servers are named `A`"),
            ("CheckPoint(sync_interval: ⟨0)", "sync_interval must be above 0"),
            ("MrsManager(heartbeat_interval: ⟨0)", "heartbeat_interval must be above 0"),
            ("MrsManager(oms_db_sync_failures: ⟨0)", "oms_db_sync_failures must be above 0"),
            ("MrsManager(floatip_failures: ⟨2000000)", "floatip_failures is 2000000"),
            ("FlinkServer(sync_interval: ⟨0)", "sync_interval must be above 0"),
            ("DbService(gateway_loss: ⟨0)", "gateway_loss must be above 0"),
            ("DataMiner(bind: ⟨(main: \"a\", backup: \"b\", corporate: \"c\", client: \"d\"))", "`bind:` names parts of a declared world"),
        ];
        for (system, message) in cases {
            let src = format!("Scenario(name: \"n\", doc: \"\", system: {system}, end: \"5m\")");
            let col = src.chars().position(|c| c == '⟨').expect("a marker") + 1;
            let e = parse(Path::new("f.ron"), &src.replace('⟨', "")).expect_err(system);
            assert!(e.message.contains(message), "{system}: {}", e.message);
            assert_eq!((e.line, e.col), (1, col), "{system}: {e}");
        }
    }

    #[test]
    fn single_quotes_are_written_as_they_read() {
        let sc = parse(Path::new("f.ron"), r#"Scenario(name: "it's", doc: "a \\' b \" c", system: CheckPoint(), end: "5m")"#).unwrap();
        assert_eq!(sc.doc, r#"a \' b " c"#);
        let text = super::to_ron(&sc).unwrap();
        assert!(text.contains(r#"name: "it's""#) && text.contains(r#"doc: "a \\' b \" c""#), "{text}");
        let back = parse(Path::new("f.ron"), &text).unwrap();
        assert_eq!((back.name.as_str(), back.doc.as_str()), ("it's", r#"a \' b " c"#), "reads back the same");
    }

    #[test]
    fn an_actions_form_is_read_from_its_node() {
        let src = |action: &str| format!("Scenario(name: \"n\", doc: \"\", system: DataMiner(), script: [(at: \"1m\", do: {action})], end: \"5m\")");
        let roles = parse(Path::new("f.ron"), &src("Pull(cable: Corporate /* not \"named\" */, on: Online)")).expect("the role form");
        assert!(matches!(roles.script[0].action, crate::action::Do::Shared(Action::Pull { .. })), "a quote in a comment does not make the named form");
        let e = parse(Path::new("f.ron"), &src("Pull(cable: \"isl-1\")")).expect_err("no world declared");
        assert!(e.message.contains("names a part of a declared world"), "a string makes the named form: {e}");
    }

    #[test]
    fn concurrent_atomic_writes_leave_one_whole_file_and_no_temporary_ones() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("repro.ron");
        let texts: Vec<String> = (0..4).map(|i| format!("{i}").repeat(100_000)).collect();
        std::thread::scope(|s| {
            for text in &texts {
                let path = &path;
                s.spawn(move || (0..20).for_each(|_| write_atomically(path, text).unwrap()));
            }
        });
        let written = std::fs::read_to_string(&path).unwrap();
        assert!(texts.contains(&written), "the file is one writer's whole text, not a mix");
        let names: Vec<_> = std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["repro.ron"], "no temporary file is left behind");
        write_atomically(&dir.path().join("a/b/c.ron"), "x").unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("a/b/c.ron")).unwrap(), "x", "missing folders are made");
    }

    #[test]
    fn files_written_together_are_each_whole_with_no_temporary_ones_left() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("found");
        std::fs::create_dir(&out).unwrap();
        std::fs::write(out.join("found-001.ron"), "an older exploration's").unwrap();
        let texts: Vec<String> = (0..300).map(|i| format!("{i}").repeat(1_000)).collect();
        let files: Vec<(String, &str)> = texts.iter().enumerate().map(|(i, t)| (format!("found-{:03}.ron", i + 1), t.as_str())).collect();
        super::write_all_atomically(&out, &files).unwrap();
        for (name, text) in &files {
            assert_eq!(std::fs::read_to_string(out.join(name)).unwrap(), *text, "{name} holds its own text, whole");
        }
        let names = std::fs::read_dir(&out).unwrap().count();
        assert_eq!(names, files.len(), "no temporary file is left behind");
        super::write_all_atomically(&dir.path().join("new/folder"), &files[..1]).unwrap();
        assert!(dir.path().join("new/folder/found-001.ron").exists(), "a missing folder is made");
        let blocked = super::write_all_atomically(&out.join("found-002.ron"), &files[..1]).unwrap_err();
        assert!(blocked.contains("found-002.ron"), "a folder that is a file is named: {blocked}");
    }
}
