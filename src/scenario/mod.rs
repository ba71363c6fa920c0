//! Scenario files: RON documents that name a system and its configuration, a seed, a script of
//! timed actions, an end time and expectations. Parsing is strict — unknown fields are errors —
//! and every error points at `file:line:col` with the offending line.

mod error;
pub mod overrides;

pub use error::ScenarioError;

use crate::action::Action;
use crate::check::When;
use crate::products::{AnyClaim, Mixed, Registered, System, SystemTag, WithConfig, WithProduct, claim_vocabulary};
use crate::units::Ms;
use crate::world::WorldDecl;
use serde::{Deserialize, Serialize};
use std::cell::Cell;
use std::path::Path;

/// A scenario: a system and its configuration (or several, in one world), a seed, a script of
/// timed actions, an end time and expectations in the system's own claim vocabulary.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    /// What the scenario checks, and where the documented outcome comes from.
    pub doc: String,
    pub seed: u64,
    /// The declared world (FS-WORLD); `None`: the system lays out its built-in one.
    pub world: Option<WorldDecl>,
    /// The first (or only) system.
    pub system: System,
    /// Every system with its name when the file declares `systems:` (FS-MULTI; the first is
    /// `system`); empty for a file with one `system:`.
    pub systems: Vec<NamedSystem>,
    pub script: Vec<Step>,
    pub end: Ms,
    pub expect: Vec<Expectation>,
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
    /// [`Mixed`] for a world of several products (`f` gets the first system's configuration).
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
        let mut st = s.serialize_struct("Scenario", 8)?;
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
        st.end()
    }
}

/// A scenario as the file spells it, with claims of one product's vocabulary `C`: the file's
/// system decides `C` before the file is read (see [`parse`]).
#[derive(Deserialize)]
#[serde(rename = "Scenario", deny_unknown_fields)]
struct TypedScenario<C> {
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
    #[serde(default)]
    script: Vec<Step>,
    end: Ms,
    #[serde(default = "Vec::new")]
    expect: Vec<Expectation<C>>,
}

impl<C> TypedScenario<C> {
    /// The first system; `Err` when the file has neither `system:` nor `systems:`, or both.
    fn first_system(&self) -> Result<&System, &'static str> {
        match (&self.system, self.systems.first()) {
            (Some(s), None) => Ok(s),
            (None, Some(n)) => Ok(&n.system),
            (Some(_), Some(_)) => Err("a scenario has `system:` (one) or `systems:` (several), not both"),
            (None, None) => Err("a scenario names its system: `system: ...` or `systems: [(name: ..., system: ...)]`"),
        }
    }

    fn into_scenario(self, wrap: fn(C) -> AnyClaim) -> Result<Scenario, &'static str> {
        let system = self.first_system()?.clone();
        let expect = self.expect.into_iter().map(|e| Expectation { ids: e.ids, when: e.when, system: e.system, that: wrap(e.that) }).collect();
        let (name, doc, seed, world, systems, script, end) = (self.name, self.doc, self.seed, self.world, self.systems, self.script, self.end);
        Ok(Scenario { name, doc, seed, world, system, systems, script, end, expect })
    }
}

/// An expectation: the SPEC IDs it checks, when, and the claim.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation<C = AnyClaim> {
    /// The SPEC IDs this expectation checks.
    pub ids: Vec<String>,
    #[serde(with = "when_syntax")]
    pub when: When,
    /// The system it speaks of, by name (in a world of several; the first when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    pub that: C,
}

/// `At("11m")`, `During("1m", "5m")`, `Within("1m", "5m")` in files.
mod when_syntax {
    use super::{Ms, When, check_time};
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
        check_time(Ms(to), "this expectation").map_err(serde::de::Error::custom)?;
        Ok(when)
    }
}

/// One timed action of the script.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields, try_from = "RawStep")]
pub struct Step {
    pub at: Ms,
    /// The system the action is for, by name (in a world of several; the first when unset).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    #[serde(rename = "do", serialize_with = "action_syntax::serialize")]
    pub action: Action,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    at: Ms,
    #[serde(default)]
    system: Option<String>,
    #[serde(rename = "do", deserialize_with = "action_syntax::deserialize")]
    action: Action,
}

/// A script action is written in one of two forms: by role (`Pull(cable: Corporate, on:
/// Online)`, `FailSwitch`) or naming a part of the declared world (`Pull(cable: "isl-1")`,
/// `FailSwitch("core-1")`). RON cannot try one form and then the other, so a first pass reads
/// each step's action as raw text and decides its form; the typed pass then reads each action
/// in its own form, with that form's exact, located errors. (JSON, for `--set`, tries both.)
mod action_syntax {
    use crate::action::{Action, NamedFault};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::cell::RefCell;
    use std::collections::VecDeque;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Form {
        Roles,
        Named,
    }

    thread_local! {
        /// The forms of the steps' actions, in file order, during a typed pass.
        static FORMS: RefCell<VecDeque<Form>> = const { RefCell::new(VecDeque::new()) };
    }

    #[derive(Deserialize)]
    #[serde(rename = "Scenario")]
    struct ScriptOnly {
        #[serde(default)]
        script: Vec<RawAction>,
    }

    #[derive(Deserialize)]
    struct RawAction {
        #[serde(rename = "do")]
        action: Box<ron::value::RawValue>,
    }

    /// Names a world part: one of the world faults, with a string inside (the role form of
    /// those actions has none).
    fn form_of(raw: &str) -> Form {
        let name: String = raw.trim_start().chars().take_while(|c| c.is_alphanumeric()).collect();
        let world_fault = ["Pull", "Plug", "DisableNic", "EnableNic", "PowerFail", "PowerOn", "FailSwitch", "RestoreSwitch"].contains(&name.as_str());
        if world_fault && raw.contains('"') { Form::Named } else { Form::Roles }
    }

    /// Runs a typed pass over `src` with each action's form known.
    pub fn with_forms<T>(opts: &ron::Options, src: &str, pass: impl FnOnce() -> T) -> T {
        let forms: VecDeque<Form> =
            opts.from_str::<ScriptOnly>(src).map(|s| s.script.iter().map(|a| form_of(a.action.get_ron())).collect()).unwrap_or_default();
        FORMS.with(|f| *f.borrow_mut() = forms);
        let out = pass();
        FORMS.with(|f| f.borrow_mut().clear());
        out
    }

    /// A world fault is written as its own action (`Pull(cable: "isl-1")`), not as `World(…)`.
    pub fn serialize<S: Serializer>(action: &Action, s: S) -> Result<S::Ok, S::Error> {
        match action {
            Action::World(f) => f.serialize(s),
            other => other.serialize(s),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Action, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Either {
            Roles(Action),
            Named(NamedFault),
        }
        match FORMS.with(|f| f.borrow_mut().pop_front()) {
            Some(Form::Roles) => Action::deserialize(d),
            Some(Form::Named) => NamedFault::deserialize(d).map(Action::World),
            None => Either::deserialize(d).map(|e| match e {
                Either::Roles(a) => a,
                Either::Named(f) => Action::World(f),
            }),
        }
    }
}

impl TryFrom<RawStep> for Step {
    type Error = String;
    fn try_from(raw: RawStep) -> Result<Self, String> {
        check_time(raw.at, "this step")?;
        Ok(Step { at: raw.at, system: raw.system, action: raw.action })
    }
}

thread_local! {
    /// The scenario's end time during a second, locating parse (see [`parse`]). Only this
    /// module's own file types read it.
    static END_MS: Cell<Option<u64>> = const { Cell::new(None) };
}

/// Checks a time against the scenario's end (only during the locating pass).
fn check_time(t: Ms, what: &str) -> Result<(), String> {
    match END_MS.with(Cell::get) {
        Some(end) if t.0 > end => Err(format!("{what} is at {t}, after the scenario's end ({})", Ms(end))),
        _ => Ok(()),
    }
}

#[derive(Deserialize)]
#[serde(rename = "Scenario")]
struct EndOnly {
    end: Ms,
}

/// Only which systems a file is about (their variant names, content skipped), and which system
/// each expectation names: enough to know each claim's vocabulary before the typed pass.
#[derive(Deserialize)]
#[serde(rename = "Scenario")]
struct SystemOnly {
    #[serde(default)]
    system: Option<SystemTag>,
    #[serde(default)]
    systems: Vec<TagOnly>,
    #[serde(default)]
    expect: Vec<ExpectOnly>,
}

#[derive(Deserialize)]
struct TagOnly {
    #[serde(default)]
    name: String,
    system: SystemTag,
}

#[derive(Deserialize)]
struct ExpectOnly {
    #[serde(default)]
    system: Option<String>,
}

impl SystemOnly {
    /// The first system's vocabulary (the first registered product's when the file names none).
    fn first(&self) -> SystemTag {
        self.system.or_else(|| self.systems.first().map(|t| t.system)).unwrap_or_default()
    }

    /// Whether the systems are of more than one product.
    fn mixed(&self) -> bool {
        self.systems.iter().any(|t| t.system != self.first())
    }

    /// Each expectation's claim vocabulary, in file order: its named system's (the first
    /// system's when it names none, or one that does not exist: that is a located error later).
    fn vocabularies(&self) -> Vec<SystemTag> {
        let of = |name: &str| self.systems.iter().find(|t| t.name == name).map(|t| t.system);
        self.expect.iter().map(|e| e.system.as_deref().and_then(of).unwrap_or_else(|| self.first())).collect()
    }
}

fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES | ron::extensions::Extensions::IMPLICIT_SOME)
}

/// Parses and validates a scenario. `path` only names the file in errors.
///
/// The file's system decides the vocabulary of its claims, so the system's variant is read
/// first; a file that does not even say which system it is about is read as the first
/// registered system's, and fails with a located error anyway. Checks that need the whole file (a step after the end)
/// run in a second pass that knows the end time, so that even those errors point at the
/// offending line.
pub fn parse(path: &Path, src: &str) -> Result<Scenario, ScenarioError> {
    match ron_options().from_str::<SystemOnly>(src).ok() {
        Some(only) if only.mixed() => parse_in::<Mixed>(path, src, &only.vocabularies()),
        only => only.map_or_else(SystemTag::default, |o| o.first()).visit(ParseAs { path, src }),
    }
}

struct ParseAs<'a> {
    path: &'a Path,
    src: &'a str,
}

impl WithProduct for ParseAs<'_> {
    type Out = Result<Scenario, ScenarioError>;
    fn call<P: Registered>(self) -> Self::Out {
        parse_in::<P>(self.path, self.src, &[])
    }
}

/// Parses a file whose systems are `P`s; `vocabularies` are its claims' (read as
/// [`AnyClaim`]s when `P` is [`Mixed`]).
fn parse_in<P: Registered>(path: &Path, src: &str, vocabularies: &[SystemTag]) -> Result<Scenario, ScenarioError> {
    let opts = ron_options();
    let typed_pass = || claim_vocabulary::with(vocabularies, || action_syntax::with_forms(&opts, src, || opts.from_str::<TypedScenario<P::Claim>>(src)));
    let typed = typed_pass().map_err(|e| ScenarioError::from_ron(path, src, &e))?;
    let end = opts.from_str::<EndOnly>(src).map(|e| e.end.0).unwrap_or(typed.end.0);
    let late = typed.script.iter().any(|s| s.at.0 > end) || typed.expect.iter().any(|e| e.when.latest_ms() > end);
    if late {
        END_MS.with(|c| c.set(Some(end)));
        let located = typed_pass();
        END_MS.with(|c| c.set(None));
        if let Err(e) = located {
            return Err(ScenarioError::from_ron(path, src, &e));
        }
    }
    if let Some(world) = &typed.world {
        world.check().map_err(|e| ScenarioError::at_nth_after(path, src, "world:", &e.near, e.nth, &e.message))?;
    }
    check_systems::<P, _>(&typed, path, src)?;
    if typed.script.len() > MAX_SCRIPT_STEPS {
        let m = format!("the script has {} steps; at most {MAX_SCRIPT_STEPS}", typed.script.len());
        return Err(ScenarioError::at_nth(path, src, "do:", MAX_SCRIPT_STEPS, &m));
    }
    for (i, step) in typed.script.iter().enumerate() {
        world_parts(&step.action, typed.world.as_ref()).map_err(|m| ScenarioError::at_nth(path, src, "do:", i, &m))?;
    }
    let first = typed.first_system().map_err(|m| ScenarioError::at_word(path, src, "Scenario", m))?;
    let mut totals = Totals::default();
    for (i, step) in typed.script.iter().enumerate() {
        let system = match step.system.as_deref() {
            None => first,
            Some(name) => match typed.systems.iter().find(|s| s.name == name) {
                Some(named) => &named.system,
                None => return Err(ScenarioError::at_nth(path, src, "do:", i, &unknown_system(name, &typed.systems))),
            },
        };
        let supported = system.supported_actions();
        if !supported.contains(&step.action.kind()) {
            let m = format!("{} does not support the action `{}`; it supports: {}", system.label(), step.action.kind(), supported.join(", "));
            return Err(ScenarioError::at_nth(path, src, "do:", i, &m));
        }
        system.validate_action(&step.action).map_err(|m| ScenarioError::at_nth(path, src, "do:", i, &m))?;
        if let Some(count) = step.action.count() {
            totals.add(step.action.kind(), count).map_err(|m| ScenarioError::at_nth(path, src, "do:", i, &m))?;
        }
    }
    for (i, e) in typed.expect.iter().enumerate() {
        if e.ids.is_empty() {
            return Err(ScenarioError::at_nth(path, src, "ids:", i, "an expectation must name the SPEC IDs it checks (`ids: [...]`)"));
        }
        P::validate_claim(&e.that).map_err(|m| ScenarioError::at_nth(path, src, "ids:", i, &m))?;
        if let Some(name) = e.system.as_deref().filter(|n| !typed.systems.iter().any(|s| s.name == *n)) {
            return Err(ScenarioError::at_nth(path, src, "ids:", i, &unknown_system(name, &typed.systems)));
        }
    }
    typed.into_scenario(P::wrap_claim).map_err(|m| ScenarioError::at_word(path, src, "Scenario", m))
}

fn unknown_system(name: &str, systems: &[NamedSystem]) -> String {
    match systems.is_empty() {
        true => format!("system `{name}`: this scenario has one system (name systems in `systems: [...]`)"),
        false => format!("no system named `{name}` (systems: {})", systems.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")),
    }
}

/// Each system is valid and bound to the world; several have distinct names and fit the limit.
fn check_systems<P: Registered, C>(typed: &TypedScenario<C>, path: &Path, src: &str) -> Result<(), ScenarioError> {
    let first = typed.first_system().map_err(|m| ScenarioError::at_word(path, src, "Scenario", m))?;
    let all: Vec<(&str, &System)> = match typed.systems.is_empty() {
        true => vec![("", first)],
        false => typed.systems.iter().map(|s| (s.name.as_str(), &s.system)).collect(),
    };
    if all.len() > crate::world::MAX_SYSTEMS {
        let m = format!("{} systems; a world holds at most {}", all.len(), crate::world::MAX_SYSTEMS);
        return Err(ScenarioError::at_word(path, src, "systems:", &m));
    }
    for (i, (name, system)) in all.iter().enumerate() {
        let at = |m: &str| match typed.systems.is_empty() {
            true => ScenarioError::at_word(path, src, "system", m),
            false => ScenarioError::at_nth_after(path, src, "systems:", "system:", i, m),
        };
        if !typed.systems.is_empty() && name.is_empty() {
            return Err(at("a system of several needs a name"));
        }
        if all[..i].iter().any(|(n, _)| n == name) {
            return Err(at(&format!("two systems are named `{name}`")));
        }
        assert!(P::unwrap_config(system).is_some(), "the parse reads a world of several products as `Mixed`");
        system.validate().map_err(|m| at(&m))?;
        system.check_binding(typed.world.as_ref()).map_err(|m| at(&m))?;
    }
    Ok(())
}

/// An action that names a part of the world must find it; one that means "the switch" needs a
/// world with one switch.
fn world_parts(action: &Action, world: Option<&WorldDecl>) -> Result<(), String> {
    match (action, world) {
        (Action::World(f), None) => Err(format!("`{}` names a part of a declared world, and this scenario declares none (`world:`)", f.describe())),
        (Action::World(f), Some(w)) => w.check_fault(f),
        (Action::FailSwitch | Action::RestoreSwitch, Some(w)) if w.switches.len() != 1 => {
            Err(format!("the world has {} switches: name the one that fails (`FailSwitch(\"…\")`)", w.switches.len()))
        }
        _ => Ok(()),
    }
}

/// A scenario as a file, in the format `parse` reads (it reads back to the same scenario).
pub fn to_ron(scenario: &Scenario) -> Result<String, String> {
    let pretty = ron::ser::PrettyConfig::new().struct_names(false).depth_limit(3);
    ron_options().to_string_pretty(scenario, pretty).map(|s| s + "\n").map_err(|e| e.to_string())
}

/// A scenario from its JSON form, whose systems are `like`'s products (each claim read in the
/// vocabulary of the system it names).
pub(crate) fn deserialize_json(like: &Scenario, value: serde_json::Value) -> Result<Scenario, String> {
    struct FromJson(serde_json::Value);
    impl WithConfig for FromJson {
        type Out = Result<Scenario, String>;
        fn call<P: Registered>(self, _: &P::Config) -> Self::Out {
            let text = serde_json::to_string(&self.0).map_err(|e| e.to_string())?;
            // serde_json's position is in the generated JSON, not in anything the user wrote.
            let without_position = |e: serde_json::Error| e.to_string().split(" at line ").next().unwrap_or_default().to_string();
            let vocabularies = serde_json::from_str::<SystemOnly>(&text).map(|o| o.vocabularies()).unwrap_or_default();
            let typed: TypedScenario<P::Claim> = claim_vocabulary::with(&vocabularies, || serde_json::from_str(&text)).map_err(without_position)?;
            typed.into_scenario(P::wrap_claim).map_err(str::to_string)
        }
    }
    like.visit(FromJson(value))
}

/// Writes a file through a temporary file and a rename, so an interrupted run leaves no half
/// file (repro and explore scenario files).
///
/// The temporary file comes from the `tempfile` crate (a unique name in the target's folder), so
/// two campaigns writing into one folder never collide; it is synced to disk before the rename.
pub fn write_atomically(path: &Path, text: &str) -> Result<(), String> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    // A unique temporary name in the same folder (so the rename cannot cross file systems and
    // two campaigns writing into one folder never share a temporary file).
    let mut tmp = tempfile::Builder::new().prefix(".failsim-").suffix(".tmp").tempfile_in(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let written = tmp.write_all(text.as_bytes()).and_then(|()| tmp.as_file().sync_all());
    written.map_err(|e| format!("{}: {e}", tmp.path().display()))?;
    tmp.persist(path).map_err(|e| format!("{}: {}", path.display(), e.error))?;
    Ok(())
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
    use super::write_atomically;

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
}
