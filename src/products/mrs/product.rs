//! The MRS pair as products: one [`Pair`] model, specialised by a [`Spec`] per system (MRS
//! Manager, FlinkServer) that gives its configuration, its name and its actions.

use super::commands::{COMMANDS, DB_COMMANDS, RESOURCE_COMMANDS, SHARED};
use super::{ActiveStandby, Claim, Command, Event, Fault, Profile, Rec};
use crate::action::{CableRef, Do};
use crate::check::Verdict;
use crate::engine::Time;
use crate::fault::{FaultKind, Profile as RunProfile};
use crate::finding::{Invariant, Problem, SpecId};
use crate::ledger::Ledger;
use crate::metrics::Sample;
use crate::ops::View;
use crate::products::{ChaosProfile, Cx, Model, Observation, Vocabulary};
use crate::world::{Applied, World, WorldFault};
use std::marker::PhantomData;

/// What makes the shared pair one particular MRS system: its configuration and its names.
pub trait Spec: Clone + std::fmt::Debug + Send + Sync + 'static {
    type Config: PairConfig;
    const LABEL: &'static str;
    /// The name `failsim chaos` knows the default configuration by.
    const TARGET: &'static str;
}

/// A system's configuration of the pair: checked, and turned into the pair's [`Profile`].
pub trait PairConfig: Clone + std::fmt::Debug + PartialEq + serde::Serialize + serde::de::DeserializeOwned + Default + Send + Sync {
    fn profile(&self) -> Profile;
    fn validate(&self) -> Result<(), crate::place::Refusal>;
}

/// The shared active/standby model as the product `S`.
#[derive(Clone, Debug)]
pub struct Pair<S> {
    model: ActiveStandby,
    spec: PhantomData<S>,
}

pub type MrsManager = Pair<super::Manager>;
pub type FlinkServer = Pair<super::Flink>;
pub type DbService = Pair<super::DbSvc>;

impl<S: Spec> Model for Pair<S> {
    type Event = Event;

    type Record = Rec;

    type Config = S::Config;

    type Command = Command;

    const LABEL: &'static str = S::LABEL;

    fn preset(cfg: &S::Config) -> crate::world::WorldDecl {
        ActiveStandby::preset(&cfg.profile())
    }

    fn build(cfg: &S::Config, cx: &mut Cx<'_, '_, Self>) -> Self {
        Pair { model: ActiveStandby::new(cfg.profile(), cx), spec: PhantomData }
    }

    fn action(&self, action: Do<Command>) -> Event {
        Event::Command(Box::new(action))
    }

    #[inline]
    fn handle(&mut self, event: Event, cx: &mut Cx<'_, '_, Self>) {
        self.model.handle(event, cx);
    }

    fn settle(&mut self, cx: &mut Cx<'_, '_, Self>) {
        self.model.settle(cx);
    }

    fn after_fault(&mut self, fault: &WorldFault, applied: &Applied, cx: &mut Cx<'_, '_, Self>) {
        self.model.after_fault(fault, applied, cx);
    }
}

impl<S: Spec> Vocabulary for Pair<S> {
    type Claim = Claim;

    const NODE_WORDS: &'static [(&'static str, crate::action::Target)] = <super::Words as crate::action::NodeWords>::WORDS;

    fn validate(cfg: &S::Config) -> Result<(), crate::place::Refusal> {
        cfg.validate()
    }

    /// `FailResource`/`RestoreResource` only where the product has a single-active resource,
    /// the sync file and backup directory faults only where a sync alarm documents them,
    /// `WriteOmsData` only where a replicated database is documented (MRS-12039).
    fn supported_actions(cfg: &S::Config) -> Vec<&'static str> {
        let profile = cfg.profile();
        let resource: &[&str] = if profile.resources.is_empty() { &[] } else { RESOURCE_COMMANDS };
        let sync: &[&str] = if profile.sync_alarm.is_some() { COMMANDS } else { &[] };
        let db: &[&str] = if profile.db_sync.is_some() { DB_COMMANDS } else { &[] };
        crate::action::supported(SHARED, &[sync, resource, db].concat())
    }

    fn validate_claim(cfg: &S::Config, claim: &Claim) -> Result<(), String> {
        claim.validate(&cfg.profile().node_names)
    }

    fn node_names(cfg: &S::Config) -> Vec<String> {
        cfg.profile().node_names.to_vec()
    }

    fn check_binding(cfg: &S::Config, world: Option<&crate::world::WorldDecl>) -> Result<(), crate::place::Refusal> {
        let profile = cfg.profile();
        super::Binding::check(profile.bind.as_ref(), &profile.node_names, world)
    }
}

impl<S: Spec> Observation for Pair<S> {
    fn view(&self, world: &World, at_ms: Time) -> View {
        self.model.view(world, at_ms)
    }

    fn eval(&self, _world: &World, claim: &Claim, now: Time) -> Verdict {
        claim.eval(&self.model, now)
    }

    fn sample(&self, world: &World) -> Sample {
        self.model.sample(world)
    }

    fn ledger(&self) -> &Ledger {
        &self.model.ledger
    }

    fn lanes(&self, world: &World) -> crate::products::Lanes<'_> {
        self.model.lanes(world)
    }

    fn health(&self, _world: &World) -> Vec<Problem> {
        self.model.health_problems()
    }
}

impl<S: Spec> ChaosProfile for Pair<S> {
    type Fault = Fault;

    fn alphabet(cfg: &S::Config) -> Vec<FaultKind<Fault>> {
        let mut kinds = vec![FaultKind::PullCable(CableRef::Corporate), FaultKind::Stop, FaultKind::PowerFail, FaultKind::Restart, FaultKind::SwitchFailure];
        if cfg.profile().sync_alarm.is_some() {
            kinds.extend([FaultKind::Own(Fault::BreakSyncFile), FaultKind::Own(Fault::FillBackupDisk)]);
        }
        kinds.push(FaultKind::AdminSwitch);
        kinds.extend(cfg.profile().resources.iter().map(|r| FaultKind::Own(Fault::FailResource(r.name))));
        kinds
    }

    /// 3 minutes of faults, then 7 quiet minutes: several 60 s sync checks after healing.
    fn chaos_profile(_: &S::Config) -> RunProfile {
        RunProfile { fault_phase_ms: 180_000, end_ms: 600_000, write_every_ms: 20_000, write_count: 2, recover_steps: 0, recover_every_ms: 0 }
    }

    /// No document describes two active nodes (they come from the start-up assumption).
    fn split_brain_documented(&self) -> Option<SpecId> {
        None
    }

    fn rules_fired(&self) -> Vec<(SpecId, u32)> {
        self.model.rules_fired()
    }

    fn claim_for(_: &Self::Config, invariant: Invariant) -> Claim {
        match invariant {
            Invariant::SplitBrain => Claim::ActiveAtMost(1),
            Invariant::Loss => Claim::Changes(crate::check::Writes { lost: Some(0), ..Default::default() }),
            Invariant::Dns | Invariant::Liveness | Invariant::Assertion => Claim::Healthy,
        }
    }

    fn presets() -> Vec<(&'static str, S::Config)> {
        vec![(S::TARGET, S::Config::default())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_pair_with_a_single_active_resource_takes_resource_actions() {
        let manager = super::super::MrsManager::supported_actions(&Default::default());
        let flink = super::super::FlinkServer::supported_actions(&Default::default());
        assert!(RESOURCE_COMMANDS.iter().all(|a| manager.contains(a)), "MRS Manager has the floating IP: {manager:?}");
        assert!(RESOURCE_COMMANDS.iter().all(|a| !flink.contains(a)), "FlinkServer documents no resource: {flink:?}");
        let every = COMMANDS.iter().chain(SHARED).chain(crate::action::WORLD_FAULTS);
        assert!(every.clone().all(|a| manager.contains(a) && flink.contains(a)));
    }
}

#[cfg(test)]
mod words {
    use std::path::Path;

    fn outcome(script: &str, expect: &str) -> crate::runner::Outcome {
        let src = format!(r#"Scenario(name: "w", doc: "", system: MrsManager(), script: [{script}], end: "3m", expect: [{expect}])"#);
        let scenario = crate::scenario::parse(Path::new("w.ron"), &src).unwrap_or_else(|e| panic!("{e}"));
        crate::runner::run(&scenario, None).expect("runs")
    }

    /// The claim a chaos repro of a loss carries fails exactly when changes were lost.
    #[test]
    fn the_loss_claim_of_a_repro_fails_on_a_run_that_lost_changes() {
        let claim = <super::super::MrsManager as crate::products::ChaosProfile>::claim_for(&Default::default(), crate::finding::Invariant::Loss);
        let extensions = ron::extensions::Extensions::UNWRAP_VARIANT_NEWTYPES | ron::extensions::Extensions::IMPLICIT_SOME;
        let that = ron::Options::default().with_default_extension(extensions).to_string(&claim).expect("a claim writes as RON");
        let expect = format!(r#"(ids: ["MRS-12011-3"], when: At("3m"), that: {that})"#);
        // Written after the sync at 1:51.1, lost at the takeover at 2:07.
        let lost = outcome(r#"(at: "1m55s", do: Write(count: 3)), (at: "2m500ms", do: Stop(Active))"#, &expect);
        assert!(lost.expectations[0].failure.is_some(), "three changes were lost: {that} must fail");
        let kept = outcome(r#"(at: "1m55s", do: Write(count: 3))"#, &expect);
        assert!(kept.expectations[0].failure.is_none(), "nothing was lost: {that} must hold");
    }

    #[test]
    fn a_node_is_named_by_its_mrs_word_its_identity_or_its_name() {
        let held = |o: &crate::runner::Outcome| o.expectations.iter().map(|e| e.failure.is_none()).collect::<Vec<_>>();
        let claims = r#"(ids: ["MRS-12010"], when: At("1m"), that: Role(Master1, Active)),
            (ids: ["MRS-12010"], when: At("1m"), that: Role("node-master1", Active)),
            (ids: ["MRS-12010"], when: At("1m"), that: Running(Main, true)),
            (ids: ["MRS-12010"], when: At("2m"), that: Running("node-master2", false))"#;
        assert_eq!(held(&outcome(r#"(at: "90s", do: Stop(Master2))"#, claims)), [true; 4]);
        assert_eq!(held(&outcome(r#"(at: "90s", do: Stop("node-master2"))"#, claims)), [true; 4]);
        assert_eq!(held(&outcome("", claims)), [true, true, true, false], "without the stop the last claim fails");
    }

    /// Each pair lists the rules its documents give, under its own SPEC IDs (FS-COVERAGE).
    #[test]
    fn each_pair_lists_its_own_rules() {
        let cases: [(&str, &[&str]); 3] = [
            ("MrsManager", &["MRS-12010", "MRS-12011-3", "MRS-12039", "MRS-RESOURCES", "MRS-SWITCHOVER"]),
            ("FlinkServer", &["FLINK-45641-4", "MRS-SWITCHOVER"]),
            ("DbService", &["DBSVC-SWITCHOVER"]),
        ];
        for (system, rules) in cases {
            let src = format!(r#"Scenario(name: "w", doc: "", system: {system}(), end: "1m")"#);
            let o = crate::runner::run(&crate::scenario::parse(Path::new("w.ron"), &src).expect("parses"), None).expect("runs");
            let mut ids: Vec<&str> = o.rules_fired.iter().map(|(id, _)| id.as_str()).collect();
            ids.sort();
            assert_eq!(ids, rules, "{system}");
        }
    }

    /// Every pair refuses a period of 0 in its configuration.
    #[test]
    fn each_pair_refuses_a_zero_period() {
        for system in ["MrsManager", "FlinkServer", "DbService"] {
            for field in ["heartbeat_interval", "gateway_loss", "sync_interval"] {
                let src = format!(r#"Scenario(name: "w", doc: "", system: {system}({field}: 0), end: "3m")"#);
                let e = crate::scenario::parse(Path::new("w.ron"), &src).expect_err("a period of 0");
                assert!(e.message.contains(&format!("{field} must be above 0")), "{system}: {e}");
            }
        }
    }

    /// The health a chaos run checks at its end (liveness) is the pair's: a stopped standby is
    /// a problem that names it.
    #[test]
    fn the_health_chaos_checks_is_the_pairs() {
        let src = r#"Scenario(name: "w", doc: "", system: MrsManager(), script: [(at: "1m", do: Stop(Master2))], end: "2m")"#;
        let sc = crate::scenario::parse(Path::new("w.ron"), src).expect("parses");
        let crate::products::System::MrsManager(cfg) = &sc.system else { panic!("an MRS Manager scenario") };
        let mut sim = crate::runner::prepare::<super::MrsManager>(&crate::runner::Setup::one(cfg, None), &sc.script, 1, crate::engine::Tracing::Off);
        sim.run_until(sc.end.0).expect("runs");
        let problems: Vec<String> = sim.model.health(0).iter().map(|p| format!("{p:?}")).collect();
        assert!(problems.iter().any(|p| p.contains("node-master2 is not running")), "{problems:?}");
    }

    #[test]
    fn a_claim_about_a_node_the_pair_does_not_have_is_refused() {
        let src = r#"Scenario(name: "w", doc: "", system: MrsManager(), end: "3m", expect: [(ids: ["MRS-12010"], when: At("1m"), that: Role("node-master3", Active))])"#;
        let e = crate::scenario::parse(Path::new("w.ron"), src).expect_err("no such node");
        assert!(e.message.contains("no node is named `node-master3`; the system's nodes are node-master1, node-master2"), "{e}");
    }
}
