//! Runs a scenario: builds the system, schedules the script, steps the engine to the end time,
//! and tracks every expectation over the spans of constant state. [`drive`] is the one loop
//! that steps a run and shows each span of constant state to an observer; `run`, chaos,
//! explore and sweep all go through it. Products know nothing of the runner.

use crate::check::{Failure, Tracker};
use crate::engine::{Ctx, Model, Overrun, Records, Sim, Tagged, Time, Tracing};
use crate::metrics::{Metrics, Recorder};
use crate::ops::{LaneKind, LaneSample, State, View};
use crate::products::{Product, Registered, WithConfig};
use crate::scenario::{Scenario, Step};
use crate::world::{Narration, World, WorldCx, WorldDecl, WorldFault};
use serde::Serialize;

mod lanes;
mod pinned;

#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
/// What one of the scenario's expectations came to in a run: the claim, as the report words
/// it, and why it failed if it did.
pub struct ExpectationResult {
    /// The expectation's SPEC IDs (the documents it checks).
    pub ids: Vec<String>,
    /// The system it speaks of, in a world of several.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub system: String,
    /// When it is checked, as a scenario file writes it (`At("11m")`, `During("1m", "5m")`).
    pub when: String,
    /// The same window as data: the report draws it, and JSON readers need not parse `when`.
    pub window: Window,
    /// What it claims, as a scenario file writes it.
    pub claim: String,
    /// `None`: it held; else when it failed, and what was expected against what was seen.
    pub failure: Option<Failure>,
}

/// When an expectation is checked, as data: its kind and its first and last instants.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Window {
    /// How the window is read.
    pub kind: WindowKind,
    /// Its first instant.
    pub from_ms: Time,
    /// Its last instant (inclusive; `from_ms` for an instant).
    pub to_ms: Time,
}

/// How an expectation's window is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub enum WindowKind {
    /// At one instant (`from_ms == to_ms`).
    At,
    /// At every instant of the window.
    During,
    /// At some instant of the window.
    Within,
    /// Over the whole run (the pin, the downtime bound of a repro).
    Run,
}

impl Window {
    /// A scenario's window.
    pub fn of(when: &crate::check::When) -> Window {
        let (from_ms, to_ms) = when.range();
        let kind = match when {
            crate::check::When::At(_) => WindowKind::At,
            crate::check::When::During(..) => WindowKind::During,
            crate::check::When::Within(..) => WindowKind::Within,
        };
        Window { kind, from_ms, to_ms }
    }

    /// The whole run, up to `end_ms`.
    pub fn run(end_ms: Time) -> Window {
        Window { kind: WindowKind::Run, from_ms: 0, to_ms: end_ms }
    }
}

/// What opens every JSON document failsim prints: the version of its shape (`schema_version`,
/// raised when a field changes meaning or goes) and the failsim that wrote it.
#[derive(serde::Serialize, schemars::JsonSchema)]
pub struct JsonHeader {
    /// The shape's version (1 so far).
    pub schema_version: u32,
    /// The failsim version that wrote the document.
    pub failsim: &'static str,
}

/// The shape of failsim's JSON documents: 1 since `schema_version` was introduced; 2 since the
/// run report's trace entries are objects (`at_ms`, `system`, `kind`, `fields`, `text`), not
/// `[time, text]` pairs, and expectations carry their `window`.
pub const JSON_SCHEMA_VERSION: u32 = 2;

/// The JSON Schema of the document type `T` (draft 2020-12, generated from the types by
/// schemars), pretty-printed: `failsim schema KIND` prints it, and `docs/schema/` keeps each
/// kind's.
pub fn json_schema<T: schemars::JsonSchema>() -> String {
    // The contract of what failsim writes: a field it skips when empty is not required.
    let generator = schemars::generate::SchemaSettings::draft2020_12().for_serialize().into_generator();
    serde_json::to_string_pretty(&generator.into_root_schema_for::<T>()).expect("a schema serializes")
}

impl JsonHeader {
    /// The header of a document this failsim writes.
    pub const fn now() -> Self {
        JsonHeader { schema_version: JSON_SCHEMA_VERSION, failsim: env!("CARGO_PKG_VERSION") }
    }
}

/// One trace record as text, and whether the text timeline shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TraceLine<'a> {
    /// The record's virtual time.
    pub at_ms: Time,
    /// The record's text, as the trace prints it.
    pub text: &'a str,
    /// The index of the system that recorded it, in a world of several (FS-DIFF names it).
    pub system: u16,
    /// Whether the text report's timeline shows it (the JSON trace has every record).
    pub shown: bool,
    /// Its fields as JSON (its record's serde form: `{"Variant": {fields}}`), when the run
    /// kept them ([`run_with_data`]).
    pub data: Option<&'a str>,
}

/// A run's trace as its report reads it: the engine's kept records, moved out of the run (not
/// copied), each labelled with its system and whether the text timeline shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Timeline(Records);

impl Timeline {
    /// Each record's time and text, as a pin reads them (FS-PIN).
    pub(crate) fn pin_records(&self) -> Vec<crate::pin::Record<'_>> {
        self.iter().map(|r| (r.at_ms, r.text)).collect()
    }

    /// The records in order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = TraceLine<'_>> + '_ {
        self.0.iter().enumerate().map(|(i, (at_ms, text, label))| {
            let (system, shown) = unlabel(label);
            TraceLine { at_ms, text, system, shown, data: self.0.data(i) }
        })
    }

    /// Records in the timeline.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether the timeline has no record (a run with its trace off).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A timeline of the given lines (a test's, or one a report rewrites).
    pub fn from_lines<'a>(lines: impl IntoIterator<Item = TraceLine<'a>>) -> Self {
        Timeline(Records::from_lines(lines.into_iter().map(|l| (l.at_ms, l.text, label(l.system, l.shown)))))
    }
}

/// A record's label in the trace: its system's index, and whether the text timeline shows it.
fn label(system: u16, shown: bool) -> u32 {
    u32::from(system) | u32::from(shown) << 16
}

fn unlabel(label: u32) -> (u16, bool) {
    ((label & 0xffff) as u16, label >> 16 == 1)
}

/// One lane of the timeline (a node, a cable, a link) as intervals of constant state.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Lane {
    pub name: String,
    /// What it follows (the JSON report gives each state's word only, as it always has).
    #[serde(skip)]
    pub kind: LaneKind,
    /// The index of the system that shows it (0 for the first, and for a one-system run; a
    /// world's cable is the first system's to draw it), so a report can draw each system apart.
    #[serde(skip)]
    pub system: usize,
    /// `(from_ms, to_ms, state)`, contiguous, covering the run.
    pub segments: Vec<(Time, Time, State)>,
}

/// Everything a run produced.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct Outcome {
    /// The scenario's name.
    pub name: String,
    /// The products of the world's systems ("DataMiner Failover", or several joined by " + ").
    pub system: String,
    /// The seed the run used (the scenario's, or an override).
    pub seed: u64,
    /// When the run ended: the scenario's `end`.
    pub end_ms: Time,
    /// What an operator saw at the start, before anything happened (the first system's).
    pub initial: View,
    /// The full trace (the JSON report writes it as `trace`).
    #[serde(skip)]
    pub timeline: Timeline,
    /// What an operator saw at the end (the first system's; a report's "final status").
    pub revised: View,
    /// The first system's name in a world of several ("" for a one-system scenario).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub system_name: String,
    /// The other systems of the world (FS-MULTI), in declaration order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub others: Vec<SystemOutcome>,
    /// The metrics of all systems together, when there are several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub total: Option<Metrics>,
    /// What the vendors' documents warn against in this configuration (FS-LINT).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<Warned>,
    /// Every expectation of the scenario, in order, with what it came to.
    pub expectations: Vec<ExpectationResult>,
    /// The first system's availability metrics.
    pub metrics: Metrics,
    /// The timeline's lanes (for the SVG/HTML report).
    pub lanes: Vec<Lane>,
    /// The script's actions, with their times (markers on the timeline).
    pub script: Vec<(Time, String)>,
    /// FNV-1a 64 of the trace (the JSON report writes it as 16 hex digits).
    #[serde(skip)]
    pub trace_hash: u64,
    /// Events the run handled.
    pub events: u64,
    /// Each documented rule of the systems with how often it fired (FS-COVERAGE; `check
    /// --coverage`), several systems of one product added up.
    #[serde(skip)]
    pub rules_fired: Vec<(String, u32)>,
}

/// A warning (FS-LINT) and the system it is about ("" for a scenario's one system, "all" for
/// several together).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Warned {
    /// The system it is about.
    pub system: String,
    #[serde(flatten)]
    /// What the documents warn against, and where they say so.
    pub warning: crate::finding::Warning,
}

/// What the vendors' documents warn against in the scenario's configuration (FS-LINT), before
/// it runs.
pub fn lint(scenario: &Scenario) -> Vec<Warned> {
    struct Lint<'a>(&'a Scenario);
    impl WithConfig for Lint<'_> {
        type Out = Vec<Warned>;
        fn call<P: Registered>(self, _: &P::Config) -> Self::Out {
            lint_product::<P>(&Setup::of(self.0))
        }
    }
    scenario.visit(Lint(scenario))
}

fn lint_product<P: Product>(setup: &Setup<'_, P>) -> Vec<Warned> {
    let mut out = Vec::new();
    for (cfg, name) in setup.cfgs.iter().zip(&setup.names) {
        out.extend(P::lint(cfg, setup.world).into_iter().map(|warning| Warned { system: name.to_string(), warning }));
    }
    if setup.cfgs.len() > 1 {
        out.extend(P::lint_together(&setup.cfgs).into_iter().map(|warning| Warned { system: "all".into(), warning }));
    }
    out
}

/// One more system of a world of several: its name, what an operator sees of it, its metrics.
#[derive(Clone, Debug, Serialize, schemars::JsonSchema)]
pub struct SystemOutcome {
    /// The system's name in the world.
    pub name: String,
    /// What an operator saw of it at the start.
    pub initial: View,
    /// What an operator saw of it at the end.
    pub revised: View,
    /// Its availability metrics.
    pub metrics: Metrics,
}

impl Outcome {
    /// The pin of this run's trace (FS-PIN): what `runner::pin` gives its scenario, when the run is
    /// the file's own.
    pub fn pin(&self) -> crate::pin::ExpectTrace {
        pin_of(&self.timeline, self.trace_hash, self.events)
    }

    /// Whether every expectation held (the command line's exit code 0; else 1).
    pub fn passed(&self) -> bool {
        self.expectations.iter().all(|e| e.failure.is_none())
    }
}

/// One run's world and the systems in it, as the engine sees them: the runner owns the world;
/// the systems read it, and a world fault one of them asks for is applied by the world, once,
/// with every system's hooks around it (a shared switch fails for every pair on it, FS-MULTI).
/// Events and records carry the index of their system.
#[derive(Clone, Debug)]
pub struct Harness<P> {
    pub world: World,
    pub systems: Vec<P>,
    /// The systems that handled an event at this instant: only they settle at its end.
    dirty: Vec<bool>,
    /// How often each system settled: one that did not settle since shows what it showed then.
    settles: Vec<u64>,
    /// The faults the event being handled asks for: empty between events, and kept (not made
    /// afresh) so that the per-event path neither builds nor drops a vector.
    requests: Vec<WorldFault>,
}

/// The engine's context for a harness of `P`s.
type HarnessCx<'b, P> = Ctx<'b, Tagged<<P as crate::products::Model>::Event>, Tagged<<P as crate::products::Model>::Record>>;

/// A chain of world faults longer than this (hooks asking for faults that ask for faults) is a
/// bug in a product.
const MAX_FAULTS_PER_EVENT: usize = 10_000;

impl<P: Product> Harness<P> {
    /// The world of `seed` with the systems built in it, in order.
    fn build(setup: &Setup<'_, P>, seed: u64, cx: &mut HarnessCx<'_, P>) -> Self {
        let cfgs = &setup.cfgs;
        assert!((1..=crate::world::MAX_SYSTEMS).contains(&cfgs.len()), "1 to {} systems in a world", crate::world::MAX_SYSTEMS);
        let mut world = World::laid_out(seed, setup.world, &setup.presets, cfgs.len());
        let mut requests = Vec::new();
        let systems: Vec<P> = cfgs.iter().enumerate().map(|(i, cfg)| P::build(cfg, &mut WorldCx::new(cx, i as u16, &mut world, &mut requests))).collect();
        assert!(requests.is_empty(), "a system asks for no fault while it is built");
        let (dirty, settles) = (vec![true; systems.len()], vec![0; systems.len()]);
        Harness { world, systems, dirty, settles, requests }
    }

    /// Applies the faults a system asked for, in order, each between every system's hooks.
    /// (Rare next to timer events: kept out of line so the per-event path stays small.)
    #[inline(never)]
    fn apply(&mut self, mut requests: Vec<WorldFault>, cx: &mut HarnessCx<'_, P>) {
        let mut next = 0;
        while next < requests.len() {
            assert!(next < MAX_FAULTS_PER_EVENT, "more than {MAX_FAULTS_PER_EVENT} world faults from one event");
            let fault = requests[next];
            next += 1;
            let mut more = Vec::new();
            for (i, system) in self.systems.iter_mut().enumerate() {
                system.before_fault(&fault, &mut WorldCx::new(cx, i as u16, &mut self.world, &mut more));
            }
            let applied = self.world.apply(fault);
            for (i, system) in self.systems.iter_mut().enumerate() {
                system.after_fault(&fault, &applied, &mut WorldCx::new(cx, i as u16, &mut self.world, &mut more));
            }
            // The world's own word on the fault, once, however many systems share the part.
            if let Some(narration) = Narration::of(&fault, &applied, self.world.net()) {
                cx.record(Tagged { system: 0, inner: P::Record::from(narration) });
            }
            self.dirty.iter_mut().for_each(|d| *d = true);
            requests.extend(more);
        }
    }

    pub fn view(&self, system: usize, at_ms: Time) -> View {
        self.systems[system].view(&self.world, at_ms)
    }

    pub fn sample(&self, system: usize) -> crate::metrics::Sample {
        self.systems[system].sample(&self.world)
    }

    /// The system's lanes alone, the world's cables it draws among them.
    pub fn lanes(&self, system: usize) -> Vec<LaneSample> {
        self.systems[system].lanes(&self.world).flatten(&self.world)
    }

    /// The state as `explore` fingerprints it: the world, each system's own fingerprint
    /// ([`crate::products::Model::fingerprint`]) and which systems wait to settle. Not the
    /// settle counts (the lanes recorder reads only whether they moved) nor the fault
    /// requests (empty between events).
    pub fn fingerprint(&self, out: &mut crate::engine::Fingerprint) {
        use std::hash::Hash;
        self.world.hash(out);
        for system in &self.systems {
            system.fingerprint(out);
        }
        self.dirty.hash(out);
    }

    /// How many times the system settled (an instant that changed it, or a world fault).
    pub fn settled(&self, system: usize) -> u64 {
        self.settles[system]
    }

    pub fn eval(&self, system: usize, claim: &P::Claim, now: Time) -> crate::check::Verdict {
        self.systems[system].eval(&self.world, claim, now)
    }

    pub fn health(&self, system: usize) -> Vec<crate::finding::Problem> {
        self.systems[system].health(&self.world)
    }

    pub fn dns_broken(&self, system: usize) -> Option<String> {
        self.systems[system].dns_broken(&self.world)
    }
}

impl<P: Product> Model for Harness<P> {
    type Event = Tagged<P::Event>;
    type Record = Tagged<P::Record>;

    fn label(record: &Tagged<P::Record>) -> u32 {
        label(record.system, P::shown(&record.inner))
    }

    /// A record's data is its product record's serde form (the system is its label).
    fn data(record: &Tagged<P::Record>, out: &mut String) {
        out.push_str(&serde_json::to_string(&record.inner).expect("a product's record serializes"));
    }

    #[inline]
    fn handle(&mut self, event: Tagged<P::Event>, cx: &mut HarnessCx<'_, P>) {
        let i = usize::from(event.system);
        debug_assert!(self.requests.is_empty(), "the last event's requests were applied");
        self.systems[i].handle(event.inner, &mut WorldCx::new(cx, event.system, &mut self.world, &mut self.requests));
        self.dirty[i] = true;
        if !self.requests.is_empty() {
            let requests = std::mem::take(&mut self.requests);
            self.apply(requests, cx);
        }
    }

    fn settle(&mut self, cx: &mut HarnessCx<'_, P>) {
        let mut requests = Vec::new();
        for (i, system) in self.systems.iter_mut().enumerate() {
            if std::mem::take(&mut self.dirty[i]) {
                self.settles[i] += 1;
                system.settle(&mut WorldCx::new(cx, i as u16, &mut self.world, &mut requests));
            }
        }
        assert!(requests.is_empty(), "settling derives views; it asks for no fault");
    }
}

/// A span of constant state: `[from_ms, to_ms)`, and whether the instant that began it changed
/// the model (observers may skip spans that did not: the state is the one they last saw).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Span {
    pub from_ms: Time,
    pub to_ms: Time,
    pub changed: bool,
}

/// The one run loop: steps `sim` one instant at a time up to `end_ms` and shows every span of
/// constant state to `observe` — from t = 0 to the first instant, between instants, and from
/// the last instant to `end_ms + 1` (the state at `end_ms` lasts 1 ms). Empty spans are skipped.
pub fn drive<P: Product>(sim: &mut Sim<Harness<P>>, end_ms: Time, mut observe: impl FnMut(&Sim<Harness<P>>, Span)) -> Result<(), Overrun> {
    let mut from_ms = sim.now();
    loop {
        let next = sim.peek_time().filter(|t| *t <= end_ms);
        let to_ms = next.unwrap_or(end_ms + 1);
        if to_ms > from_ms {
            observe(sim, Span { from_ms, to_ms, changed: sim.changed() });
        }
        if next.is_none() {
            return Ok(());
        }
        sim.step_peeked(next.expect("checked above"))?;
        from_ms = sim.now();
    }
}

/// A run that could not finish.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RunError {
    /// The model kept scheduling at one instant.
    Overrun(Overrun),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Overrun(o) => o.fmt(f),
        }
    }
}

impl RunError {
    /// The `run`/`check` flag that raises the bound the run crossed; `None` for one no flag
    /// raises (events at one instant: a model that never lets time pass).
    pub fn flag(&self) -> Option<&'static str> {
        match self {
            RunError::Overrun(o) => match o.limit {
                crate::engine::Limit::EventsPerInstant => None,
                crate::engine::Limit::EventsPerRun => Some("--max-events"),
                crate::engine::Limit::TraceBytes(_) => Some("--max-trace-mib"),
            },
        }
    }
}

impl std::error::Error for RunError {}

impl From<Overrun> for RunError {
    fn from(o: Overrun) -> Self {
        RunError::Overrun(o)
    }
}

/// What a run is built from: the systems' configurations (one product), their names, and the
/// declared world, if any.
pub struct Setup<'a, P: Product> {
    pub cfgs: Vec<&'a P::Config>,
    pub names: Vec<&'a str>,
    pub world: Option<&'a WorldDecl>,
    /// Without a declared world, each system's preset, made once for every run of the setup
    /// (a chaos campaign builds thousands of runs from one setup).
    presets: Vec<WorldDecl>,
}

impl<'a, P: Product> Setup<'a, P> {
    /// One system, unnamed.
    pub fn one(cfg: &'a P::Config, world: Option<&'a WorldDecl>) -> Self {
        Self::new(vec![cfg], vec![""], world)
    }

    fn new(cfgs: Vec<&'a P::Config>, names: Vec<&'a str>, world: Option<&'a WorldDecl>) -> Self {
        let presets = match world {
            Some(_) => Vec::new(),
            None => cfgs.iter().map(|cfg| P::preset(cfg)).collect(),
        };
        Setup { cfgs, names, world, presets }
    }

    /// Every system's nodes by name, in world order (what faults may strike).
    pub fn nodes(&self) -> Vec<Vec<String>> {
        self.cfgs.iter().map(|cfg| P::node_names(cfg)).collect()
    }

    /// Every system's chaos profile, with its name.
    pub fn profiles(&self) -> Vec<(String, crate::fault::Profile)> {
        self.cfgs.iter().zip(&self.names).map(|(cfg, name)| (name.to_string(), P::chaos_profile(cfg))).collect()
    }

    /// The index of the system a step or expectation names (the parser checked the name).
    fn index(&self, name: Option<&str>) -> u16 {
        let i = name.map_or(0, |n| self.names.iter().position(|x| *x == n).expect("the parser checked the system's name"));
        u16::try_from(i).expect("at most MAX_SYSTEMS systems")
    }
}

impl<'a, P: Registered> Setup<'a, P> {
    /// The fault alphabet of the world (chaos, explore): every system's own faults, then every
    /// part of the declared world.
    pub fn letters(&self) -> Vec<crate::products::AnyLetter> {
        let alphabets = self.cfgs.iter().map(|cfg| P::alphabet(cfg).into_iter().map(|k| k.map(P::wrap_fault)).collect()).collect();
        crate::fault::world_letters(alphabets, self.world)
    }

    /// Every system of `scenario` (the parser checked they are all of one product).
    pub fn of(scenario: &'a Scenario) -> Self {
        let all = scenario.all_systems();
        let cfgs = all.iter().map(|(_, s)| P::unwrap_config(s).expect("the parser checked that every system is of one product")).collect();
        Self::new(cfgs, all.iter().map(|(n, _)| *n).collect(), scenario.world.as_ref())
    }
}

/// Builds the simulation of the systems with the script scheduled, at t = 0.
pub fn prepare<P: Registered>(setup: &Setup<'_, P>, script: &[Step], seed: u64, tracing: Tracing) -> Sim<Harness<P>> {
    // The bound counts the whole run, however many systems the world holds: a world's cost
    // is bounded by one figure, not by one that grows with its size.
    let mut sim = Sim::build(tracing, |cx| Harness::<P>::build(setup, seed, cx)).with_max_events(crate::engine::MAX_EVENTS_PER_RUN);
    // Script steps take places of their own, after the model's first timers and before any
    // later one: where a branch of the run schedules more (explore), they are handled as if
    // they had been in the script from the start.
    sim.reserve_outside(MAX_SCHEDULED_STEPS);
    schedule(setup, &mut sim, script);
    sim
}

/// The most script steps one run schedules, however late (a script's, and what explore and
/// chaos add to it).
const MAX_SCHEDULED_STEPS: u64 = 1 << 32;

/// Schedules script steps (in order: each step at its time, steps at one instant in the order
/// given) into a run built by [`prepare`], at any point before the first of them.
pub fn schedule<P: Registered>(setup: &Setup<'_, P>, sim: &mut Sim<Harness<P>>, script: &[Step]) {
    for step in script {
        let system = setup.index(step.system.as_deref());
        let own = step.action.clone().map(|c| P::unwrap_command(c).expect("the parser reads each command in its system's vocabulary"));
        let event = sim.model.systems[usize::from(system)].action(own);
        sim.schedule_at(step.at.0, Tagged { system, inner: event });
    }
}

/// Runs a scenario with `seed` (its own seed when `None`).
pub fn run(scenario: &Scenario, seed: Option<u64>) -> Result<Outcome, RunError> {
    run_with(scenario, seed, Limits::default())
}

/// The bounds of a run a user may raise (`--max-events`, `--max-trace-mib`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Events in the whole run, however many systems its world holds.
    pub max_events: u64,
    /// The kept trace's bytes: its records' text and `engine::LINE_BYTES` a record.
    pub max_trace_bytes: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_events: crate::engine::MAX_EVENTS_PER_RUN, max_trace_bytes: crate::engine::MAX_TRACE_BYTES }
    }
}

/// [`run`] within `limits`.
pub fn run_with(scenario: &Scenario, seed: Option<u64>, limits: Limits) -> Result<Outcome, RunError> {
    scenario.visit(Run(scenario, seed.unwrap_or(scenario.seed), limits, Tracing::Keep))
}

/// [`run_with`], keeping each trace record's fields as data beside its text (the JSON report's
/// structured trace: `TraceLine::data`). The same run and trace hash; the data counts against
/// the same trace bound.
pub fn run_with_data(scenario: &Scenario, seed: Option<u64>, limits: Limits) -> Result<Outcome, RunError> {
    scenario.visit(Run(scenario, seed.unwrap_or(scenario.seed), limits, Tracing::KeepData))
}

/// [`run_with`] without a trace, for runs that report figures (a sweep's cells): the outcome's
/// timeline is empty, its hash is of no record, and a pinned trace (FS-PIN) is not checked.
pub fn run_untraced(scenario: &Scenario, seed: Option<u64>, limits: Limits) -> Result<Outcome, RunError> {
    scenario.visit(Run(scenario, seed.unwrap_or(scenario.seed), limits, Tracing::Off))
}

/// The pin of a scenario's own run (its seed, the default limits): [`run`]'s trace, hash and
/// events, without the figures, views and verdicts a report is made of, which cost as much
/// again (explore pins every file it finds). The same run: its pin is that of [`run`]'s outcome.
pub fn pin(scenario: &Scenario) -> Result<crate::pin::ExpectTrace, RunError> {
    scenario.visit(Pin(scenario))
}

struct Pin<'a>(&'a Scenario);

impl WithConfig for Pin<'_> {
    type Out = Result<crate::pin::ExpectTrace, RunError>;
    fn call<P: Registered>(self, _: &P::Config) -> Self::Out {
        let scenario = self.0;
        let setup = Setup::<P>::of(scenario);
        let mut sim = bounded::<P>(&setup, scenario, scenario.seed, Limits::default(), Tracing::Keep);
        drive(&mut sim, scenario.end.0, |_, _| {})?;
        let hash = sim.trace().hash();
        Ok(pin_of(&Timeline(sim.take_trace().into_records()), hash, sim.events_handled()))
    }
}

/// A run of `scenario` prepared at t = 0 within `limits` (what `run` and `pin` run).
fn bounded<P: Registered>(setup: &Setup<'_, P>, scenario: &Scenario, seed: u64, limits: Limits, tracing: Tracing) -> Sim<Harness<P>> {
    prepare::<P>(setup, &scenario.script, seed, tracing).with_max_events(limits.max_events).with_max_trace_bytes(limits.max_trace_bytes)
}

/// The pin of a run's trace: its records, hash and events.
fn pin_of(timeline: &Timeline, hash: u64, events: u64) -> crate::pin::ExpectTrace {
    crate::pin::ExpectTrace::of(&timeline.pin_records(), hash, events)
}

struct Run<'a>(&'a Scenario, u64, Limits, Tracing);

impl WithConfig for Run<'_> {
    type Out = Result<Outcome, RunError>;
    fn call<P: Registered>(self, _: &P::Config) -> Self::Out {
        run_product::<P>(self.0, self.1, self.2, self.3)
    }
}

fn run_product<P: Registered>(scenario: &Scenario, seed: u64, limits: Limits, tracing: Tracing) -> Result<Outcome, RunError> {
    let end = scenario.end.0;
    let setup = Setup::<P>::of(scenario);
    let n = setup.cfgs.len();
    let mut sim = bounded::<P>(&setup, scenario, seed, limits, tracing);
    let initial: Vec<View> = (0..n).map(|i| sim.model.view(i, 0)).collect();
    let claims: Vec<(usize, &P::Claim)> = scenario
        .expect
        .iter()
        .map(|e| {
            (
                usize::from(setup.index(e.system.as_deref())),
                P::unwrap_claim(&e.that).expect("the parser reads claims in the vocabulary of the scenario's system"),
            )
        })
        .collect();
    let mut trackers: Vec<Tracker> = scenario.expect.iter().map(|e| Tracker::new(e.when)).collect();
    let mut metrics: Vec<Recorder> = (0..n).map(|_| Recorder::default()).collect();
    let mut lanes = lanes::LaneRecorder::default();
    let mut verdicts: Vec<Option<crate::check::Verdict>> = vec![None; scenario.expect.len()];
    drive(&mut sim, end, |sim, span| {
        // State only changes at instants that changed something: look again only then.
        if span.changed {
            verdicts.iter_mut().for_each(|v| *v = None);
            for (i, m) in metrics.iter_mut().enumerate() {
                m.observe(span.from_ms, sim.model.sample(i));
            }
            lanes.observe(span.from_ms, &sim.model);
        }
        for ((tracker, (system, claim)), verdict) in trackers.iter_mut().zip(&claims).zip(&mut verdicts) {
            tracker.observe(span.from_ms, span.to_ms, || verdict.get_or_insert_with(|| sim.model.eval(*system, claim, span.from_ms)).clone());
        }
    })?;
    let expectations = trackers
        .into_iter()
        .zip(&scenario.expect)
        .map(|(t, e)| ExpectationResult {
            ids: e.ids.clone(),
            system: e.system.clone().unwrap_or_default(),
            when: e.when.to_string(),
            window: Window::of(&e.when),
            claim: claim_text(&e.that),
            failure: t.finish().err(),
        })
        .collect();
    let mut systems: Vec<SystemOutcome> = metrics
        .into_iter()
        .zip(initial)
        .enumerate()
        .map(|(i, (m, initial))| {
            let revised = sim.model.view(i, end);
            let ledger = sim.model.systems[i].ledger();
            let metrics = m.finish(end, ledger.summary().lost, ledger.max_replication_lag_ms(end), alarms_raised(&revised));
            SystemOutcome { name: setup.names[i].to_string(), initial, revised, metrics }
        })
        .collect();
    let total = (n > 1).then(|| Metrics::total(&systems.iter().map(|s| s.metrics.clone()).collect::<Vec<_>>()));
    let first = systems.remove(0);
    let mut rules_fired: Vec<(String, u32)> = Vec::new();
    for (id, hits) in sim.model.systems.iter().flat_map(|s| s.rules_fired()) {
        match rules_fired.iter_mut().find(|(known, _)| known == id) {
            Some((_, n)) => *n = n.saturating_add(hits),
            None => rules_fired.push((id.to_string(), hits)),
        }
    }
    let mut outcome = Outcome {
        name: scenario.name.clone(),
        metrics: first.metrics,
        lanes: lanes.finish(end),
        script: scenario.script.iter().map(|st| (st.at.0, crate::action::Command::describe(&st.action))).collect(),
        system: labels(scenario),
        system_name: first.name,
        seed,
        end_ms: end,
        revised: first.revised,
        initial: first.initial,
        others: systems,
        total,
        warnings: lint_product::<P>(&setup),
        trace_hash: sim.trace().hash(),
        timeline: Timeline(sim.take_trace().into_records()),
        expectations,
        events: sim.events_handled(),
        rules_fired,
    };
    outcome.expectations.extend(downtime_verdicts(scenario, &outcome));
    if tracing.keeps() {
        outcome.expectations.extend(pinned::verdict(scenario, &outcome));
    }
    Ok(outcome)
}

/// `downtime_at_most`: for each system, whether its downtime over the run stayed within the
/// limit (FS-REPRO: what an explore file found for `downtime>LIMIT` expects).
fn downtime_verdicts(scenario: &Scenario, outcome: &Outcome) -> Vec<ExpectationResult> {
    let Some(limit) = scenario.downtime_at_most else {
        return Vec::new();
    };
    let first = (outcome.system_name.as_str(), &outcome.metrics);
    let systems = std::iter::once(first).chain(outcome.others.iter().map(|o| (o.name.as_str(), &o.metrics)));
    systems
        .map(|(name, m)| ExpectationResult {
            ids: vec!["FS-REPRO".to_string()],
            system: name.to_string(),
            when: "the whole run".to_string(),
            window: Window::run(outcome.end_ms),
            claim: format!("Downtime(at most {limit})"),
            failure: (m.downtime_ms > limit.0).then(|| Failure {
                at_ms: outcome.end_ms,
                expected: format!("downtime at most {limit}"),
                actual: format!("downtime {}", crate::units::Ms(m.downtime_ms)),
            }),
        })
        .collect()
}

/// The products of a scenario's systems, each once, in order of first appearance.
fn labels(scenario: &Scenario) -> String {
    let mut out: Vec<&str> = Vec::new();
    for (_, system) in scenario.all_systems() {
        if !out.contains(&system.label()) {
            out.push(system.label());
        }
    }
    out.join(" + ")
}

/// The alarms a view's consoles raised, by severity.
fn alarms_raised(view: &View) -> std::collections::BTreeMap<String, u64> {
    let mut alarms = std::collections::BTreeMap::new();
    for (_, console) in &view.consoles {
        for a in console {
            *alarms.entry(a.severity.label().to_string()).or_insert(0) += 1;
        }
    }
    alarms
}

/// The cable graph of a scenario's world at `at_ms` (the script run up to then): for
/// `failsim graph`.
pub fn topology_at(scenario: &Scenario, at_ms: Time) -> Result<crate::net::Topology, RunError> {
    world_at(scenario, at_ms).map(|(t, _)| t)
}

/// A node of a system with its state then: a DMA's Failover Status, an MRS node's role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Role {
    /// The node's (host's) name.
    pub node: String,
    /// Its state, in its product's words.
    pub state: String,
    /// The system it belongs to ("" for a scenario's one system).
    pub system: String,
}

/// The cable graph at `at_ms` and each node's state then (a DMA's Failover Status, an MRS
/// node's role), with the system it belongs to.
pub fn world_at(scenario: &Scenario, at_ms: Time) -> Result<(crate::net::Topology, Vec<Role>), RunError> {
    struct At<'a>(&'a Scenario, Time);
    impl WithConfig for At<'_> {
        type Out = Result<(crate::net::Topology, Vec<Role>), RunError>;
        fn call<P: Registered>(self, _: &P::Config) -> Self::Out {
            let setup = Setup::of(self.0);
            let mut sim = prepare::<P>(&setup, &self.0.script, self.0.seed, Tracing::Off);
            drive(&mut sim, self.1, |_, _| {})?;
            let nodes = lanes::now_by_system(&sim.model).into_iter().filter(|(l, _)| l.kind == LaneKind::Node);
            let roles = nodes.map(|(l, i)| Role { node: l.name, state: l.state.word, system: setup.names[i].to_string() }).collect();
            Ok((sim.model.world.net().clone(), roles))
        }
    }
    scenario.visit(At(scenario, at_ms))
}

/// A claim as a scenario file writes it (`Alarm(on: Backup, text: "…", severity: Notice)`), so a
/// printed claim can be pasted back into `expect:` (issue 22): RON with implicit `Some` and
/// unwrapped newtype variants, as the reader takes them.
fn claim_text(claim: &crate::products::AnyClaim) -> String {
    let options = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_default_extension(ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES);
    let one_line = ron::ser::PrettyConfig::new().compact_structs(true).compact_arrays(true).compact_maps(true);
    options.to_string_pretty(claim, one_line).unwrap_or_else(|e| format!("{claim:?} ({e})"))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// FS-PIN: the pin a file is given without the report's figures is that of the full run,
    /// for every product's scenarios, a world of several systems among them.
    #[test]
    fn a_pin_is_the_full_runs_trace() {
        let dir = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios"));
        let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|x| x == "ron")).collect();
        files.sort();
        assert!(files.len() > 20, "the scenarios folder holds the examples: {}", files.len());
        for path in files {
            let sc = crate::scenario::load(&path).unwrap();
            let outcome = run(&sc, None).unwrap();
            assert_eq!(pin(&sc).unwrap(), outcome.pin(), "{}: the pin differs from the full run's", path.display());
        }
    }

    /// FS-DET: a branch of a run (what-if and chaos branch from a state) continues exactly like
    /// the original.
    #[test]
    fn a_cloned_world_continues_like_the_original() {
        let path = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/dm-stop-online.ron"));
        let sc = crate::scenario::load(path).unwrap();
        let crate::products::System::DataMiner(cfg) = &sc.system else { panic!("a DataMiner scenario") };
        let mut sim = prepare::<crate::products::dataminer::DataMiner>(&Setup::one(cfg, None), &sc.script, 3, Tracing::Keep);
        sim.run_until(90_000).unwrap();
        let mut branch = sim.clone();
        sim.run_until(sc.end.0).unwrap();
        branch.run_until(sc.end.0).unwrap();
        assert_eq!(sim.trace().hash(), branch.trace().hash());
        assert_eq!(sim.trace().len(), branch.trace().len());
    }

    /// Lanes are shown once each, in the order they always were: the first system's nodes, the
    /// world's cables it draws (all but its preset's scenery: the other presets' scenery too)
    /// and its links; then each further system's lanes whose names are not shown yet (its own
    /// scenery, seen by name already, stays out); then the world's switches and routers, once
    /// each by name. A DataMiner system's virtual IP follows its nodes, its heartbeat paths its
    /// links, and a Check Point system's service lane (its words for the service lane) comes
    /// last: each system's own, though the names are the same. A pulled cable's lane changes
    /// once.
    #[test]
    fn lanes_of_several_presets_are_each_shown_once_in_world_order() {
        let sc = crate::scenario::parse(
            std::path::Path::new("t.ron"),
            r#"Scenario(name: "t", doc: "", systems: [(name: "a", system: DataMiner()), (name: "b", system: DataMiner()), (name: "c", system: CheckPoint()), (name: "d", system: CheckPoint())],
                script: [(at: "1m", system: "b", do: Pull(cable: Sync, on: Online))], end: "10m")"#,
        )
        .unwrap();
        let outcome = run(&sc, None).unwrap();
        let names: Vec<&str> = outcome.lanes.iter().map(|l| l.name.as_str()).collect();
        let dm = ["DMA-MAIN corporate cable", "DMA-BACKUP corporate cable", "sync cable"];
        let mut want = vec!["DMA-MAIN", "DMA-BACKUP", "virtual IP 10.10.10.5"];
        let cp = ["SMS-PRIMARY cable", "SMS-SECONDARY cable"];
        want.extend(dm.iter().chain(&dm).chain(&["client cable", "WAN link"]).chain(&cp).chain(&cp));
        want.extend(["DMA-MAIN NIC Corporate", "DMA-MAIN NIC Sync", "DMA-BACKUP NIC Corporate", "DMA-BACKUP NIC Sync"]);
        want.extend(["heartbeat DMA-MAIN -> DMA-BACKUP via Corporate", "heartbeat ping DMA-MAIN -> 10.10.10.254 via Corporate"]);
        want.extend(["heartbeat DMA-BACKUP -> DMA-MAIN via Corporate", "heartbeat ping DMA-BACKUP -> 10.10.10.254 via Corporate"]);
        want.extend(["SMS-PRIMARY", "SMS-SECONDARY", "service", "service", "Switch/Router", "switch"]);
        assert_eq!(names, want);
        let systems: Vec<usize> = outcome.lanes.iter().filter(|l| l.name == "service").map(|l| l.system).collect();
        assert_eq!(systems, [2, 3], "each Check Point system has its own service lane");
        // The second "sync cable" is system b's (its region's cables follow system a's).
        let segments: Vec<Vec<(Time, Time, &str)>> =
            outcome.lanes.iter().filter(|l| l.name == "sync cable").map(|l| l.segments.iter().map(|(a, b, s)| (*a, *b, s.word.as_str())).collect()).collect();
        assert_eq!(segments, [vec![(0, sc.end.0, "plugged")], vec![(0, 60_000, "plugged"), (60_000, sc.end.0, "pulled")]]);
    }

    /// The event bound counts the whole run: three pairs get one bound, not three.
    #[test]
    fn the_event_bound_counts_every_system_of_the_run_together() {
        let path = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/scenarios/world-dms-three-pairs.ron"));
        let sc = crate::scenario::load(path).unwrap();
        let events = run(&sc, None).unwrap().events;
        assert_eq!(run_with(&sc, None, Limits { max_events: events, ..Limits::default() }).map(|o| o.events), Ok(events), "a run within its bound ends");
        let Err(RunError::Overrun(o)) = run_with(&sc, None, Limits { max_events: events - 1, ..Limits::default() }).map(|o| o.events) else {
            panic!("{} events in all against a bound of {}: the run must stop", events, events - 1)
        };
        assert_eq!((o.events, o.limit), (events - 1, crate::engine::Limit::EventsPerRun), "stopped at the run's bound, all systems together");
    }

    #[test]
    fn drive_shows_every_span_once_and_ends_one_past_the_end() {
        let sc = crate::scenario::parse(
            std::path::Path::new("t.ron"),
            r#"Scenario(name: "t", doc: "", system: CheckPoint(), script: [(at: "1m", do: Stop(Secondary))], end: "20m")"#,
        )
        .unwrap();
        let crate::products::System::CheckPoint(cfg) = &sc.system else { panic!("a Check Point scenario") };
        let mut sim = prepare::<crate::products::checkpoint::CheckPoint>(&Setup::one(cfg, None), &sc.script, 0, Tracing::Off);
        let mut spans = Vec::new();
        drive(&mut sim, sc.end.0, |_, span| spans.push(span)).unwrap();
        assert_eq!(spans.first().map(|s| s.from_ms), Some(0));
        assert_eq!(spans.last().map(|s| s.to_ms), Some(sc.end.0 + 1));
        assert!(spans.windows(2).all(|w| w[0].to_ms == w[1].from_ms && w[0].from_ms < w[0].to_ms), "{spans:?}");
        assert!(spans.iter().any(|s| s.from_ms == 60_000 && s.changed), "the stop changed the state: {spans:?}");
    }
}
