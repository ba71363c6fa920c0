//! Check Point Management HA as a product: the runner's, the checks' and the chaos harness's
//! view of [`CheckPoint`].

use super::commands::{COMMANDS, SHARED};
use super::{CheckPoint, Claim, Command, Config, Event, Fault, Rec};
use crate::action::{CableRef, Do};
use crate::check::Verdict;
use crate::engine::Time;
use crate::fault::{FaultKind, Profile};
use crate::finding::{Invariant, Problem, SpecId};
use crate::ledger::Ledger;
use crate::metrics::Sample;
use crate::ops::View;
use crate::products::{ChaosProfile, Cx, Model, Observation, Vocabulary};
use crate::world::{Applied, World, WorldFault};

impl Model for CheckPoint {
    type Event = Event;

    type Record = Rec;

    type Config = Config;

    type Command = Command;

    const LABEL: &'static str = "Check Point Management HA";

    fn preset(cfg: &Config) -> crate::world::WorldDecl {
        cfg.preset()
    }

    fn build(cfg: &Config, cx: &mut Cx<'_, '_, Self>) -> Self {
        CheckPoint::new(cfg.clone(), cx)
    }

    fn action(&self, action: Do<Command>) -> Event {
        Event::Command(Box::new(action))
    }

    #[inline]
    fn handle(&mut self, event: Event, cx: &mut Cx<'_, '_, Self>) {
        CheckPoint::handle(self, event, cx);
    }

    fn settle(&mut self, cx: &mut Cx<'_, '_, Self>) {
        CheckPoint::settle(self, cx);
    }

    fn after_fault(&mut self, fault: &WorldFault, applied: &Applied, cx: &mut Cx<'_, '_, Self>) {
        CheckPoint::after_fault(self, fault, applied, cx);
    }
}

impl Vocabulary for CheckPoint {
    type Claim = Claim;

    const NODE_WORDS: &'static [(&'static str, crate::action::Target)] = <super::Words as crate::action::NodeWords>::WORDS;

    fn validate(cfg: &Config) -> Result<(), crate::place::Refusal> {
        cfg.validate()
    }

    fn supported_actions(_: &Config) -> Vec<&'static str> {
        crate::action::supported(SHARED, COMMANDS)
    }

    fn validate_claim(cfg: &Config, claim: &Claim) -> Result<(), String> {
        claim.validate(&Self::node_names(cfg))
    }

    /// The servers, the Primary first.
    fn node_names(cfg: &Config) -> Vec<String> {
        cfg.servers.clone()
    }

    fn check_binding(cfg: &Config, world: Option<&crate::world::WorldDecl>) -> Result<(), crate::place::Refusal> {
        cfg.check_binding(world)
    }
}

impl Observation for CheckPoint {
    fn view(&self, world: &World, at_ms: Time) -> View {
        CheckPoint::view(self, world, at_ms)
    }

    fn eval(&self, world: &World, claim: &Claim, _now: Time) -> Verdict {
        claim.eval(self, world)
    }

    fn sample(&self, _world: &World) -> Sample {
        CheckPoint::sample(self)
    }

    fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    fn lanes(&self, _world: &World) -> crate::products::Lanes<'_> {
        CheckPoint::lanes(self)
    }

    fn health(&self, world: &World) -> Vec<Problem> {
        self.health_problems(world.net())
    }
}

impl ChaosProfile for CheckPoint {
    type Fault = Fault;

    fn alphabet(_: &Config) -> Vec<FaultKind<Fault>> {
        vec![
            FaultKind::PullCable(CableRef::Corporate),
            FaultKind::Stop,
            FaultKind::PowerFail,
            FaultKind::SwitchFailure,
            FaultKind::Own(Fault::EditPublish),
            FaultKind::Own(Fault::MakeActive),
            FaultKind::Own(Fault::Session),
            FaultKind::Own(Fault::MakeStandby),
            FaultKind::Own(Fault::Promote),
        ]
    }

    /// 3 minutes of faults; the run ends just after the second periodic sync.
    fn chaos_profile(cfg: &Config) -> Profile {
        Profile {
            fault_phase_ms: 180_000,
            end_ms: 2 * cfg.sync_interval.0 + 1_000,
            write_every_ms: 1_000_000,
            write_count: 0,
            recover_steps: 0,
            recover_every_ms: 0,
        }
    }

    fn split_brain_documented(&self) -> Option<SpecId> {
        self.collision_documented()
    }

    fn rules_fired(&self) -> Vec<(SpecId, u32)> {
        CheckPoint::rules_fired(self)
    }

    fn claim_for(_: &Self::Config, invariant: Invariant) -> Claim {
        match invariant {
            Invariant::SplitBrain => Claim::ActiveAtMost(1),
            Invariant::Loss => Claim::Changes(crate::check::Writes { lost: Some(0), ..Default::default() }),
            Invariant::Dns | Invariant::Liveness | Invariant::Assertion => Claim::Healthy,
        }
    }

    fn presets() -> Vec<(&'static str, Config)> {
        vec![("checkpoint", Config::default())]
    }
}
