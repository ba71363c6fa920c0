//! DataMiner Failover as a product: the runner's, the checks' and the chaos harness's view of
//! [`DataMiner`].

use super::commands::{COMMANDS, Command, Fault, SHARED};
use super::{Claim, Config, DataMiner, Dma, Event, Heartbeat, NormalHeartbeat, Rec};
use crate::action::{CableRef, Command as _, Do};
use crate::check::Verdict;
use crate::engine::Time;
use crate::fault::{FaultKind, Profile};
use crate::finding::{Invariant, Problem, SpecId};
use crate::ledger::Ledger;
use crate::metrics::Sample;
use crate::ops::View;
use crate::products::{ChaosProfile, Cx, Model, Observation, Vocabulary};
use crate::world::{Applied, World, WorldFault};

impl Model for DataMiner {
    type Event = Event;

    type Record = Rec;

    type Config = Config;

    type Command = Command;

    const LABEL: &'static str = "DataMiner Failover";

    fn preset(cfg: &Config) -> crate::world::WorldDecl {
        cfg.preset()
    }

    fn build(cfg: &Config, cx: &mut Cx<'_, '_, Self>) -> Self {
        DataMiner::new(cfg.clone(), cx)
    }

    fn action(&self, action: Do<Command>) -> Event {
        Event::Command(Box::new(action))
    }

    #[inline]
    fn handle(&mut self, event: Event, cx: &mut Cx<'_, '_, Self>) {
        DataMiner::handle(self, event, cx);
    }

    fn settle(&mut self, cx: &mut Cx<'_, '_, Self>) {
        DataMiner::settle(self, cx);
    }

    fn before_fault(&mut self, fault: &WorldFault, cx: &mut Cx<'_, '_, Self>) {
        DataMiner::before_fault(self, fault, cx);
    }

    fn after_fault(&mut self, fault: &WorldFault, applied: &Applied, cx: &mut Cx<'_, '_, Self>) {
        DataMiner::after_fault(self, fault, applied, cx);
    }

    fn fingerprint(&self, out: &mut crate::engine::Fingerprint) {
        DataMiner::fingerprint(self, out);
    }

    fn fingerprint_event(event: &Event, out: &mut crate::engine::Fingerprint) {
        std::hash::Hash::hash(event, out);
    }
}

impl Vocabulary for DataMiner {
    type Claim = Claim;

    fn validate(cfg: &Config) -> Result<(), crate::place::Refusal> {
        cfg.validate()
    }

    fn supported_actions(_: &Config) -> Vec<&'static str> {
        crate::action::supported(SHARED, COMMANDS)
    }

    fn validate_claim(cfg: &Config, claim: &Claim) -> Result<(), String> {
        claim.validate(&cfg.node_names())
    }

    fn node_names(cfg: &Config) -> Vec<String> {
        cfg.node_names()
    }

    /// An upgrade names a version as DataMiner writes it (SPEC §9); a runtime error names a
    /// thread it can be (DM-OPT-RTE).
    fn validate_action(cfg: &Config, action: &Do<Command>) -> Result<(), String> {
        match action {
            Do::Own(Command::Upgrade { version, .. }) => super::Version::parse(version).map(|_| ()),
            Do::Own(Command::RuntimeError { process, thread, element, cleared_by, .. }) => {
                super::watchdog::check_fault(process, thread, element.as_deref(), *cleared_by)
            }
            // DM-ENDFAILOVER: before 10.2, "No Failover" only disables Failover.
            Do::Own(Command::EndFailover) => {
                match [cfg.agent(Dma::Main).version, cfg.agent(Dma::Backup).version].into_iter().find(|v| !super::version::END_FAILOVER.contains(*v)) {
                    Some(v) => Err(format!(
                        "`EndFailover`: ending Failover decommissions the offline DMA from 10.2 on; on {v} \"No Failover\" only disables Failover, keeping the backup's configuration (not modelled)"
                    )),
                    None => Ok(()),
                }
            }
            // DM-STORAGE-CLUSTER, DM-STORAGE-STAAS: the database is outside the pair.
            Do::Own(Command::StopDb(_) | Command::StartDb(_)) if !cfg.storage.per_dma() => Err(format!(
                "`{}`: with {} the DMAs have no database server of their own (a dedicated cluster's nodes are hosts: `PowerFail(\"…\")`)",
                action.kind(),
                cfg.storage.label()
            )),
            _ => Ok(()),
        }
    }

    fn check_binding(cfg: &Config, world: Option<&crate::world::WorldDecl>) -> Result<(), crate::place::Refusal> {
        cfg.check_binding(world)
    }

    fn lint(cfg: &Config, world: Option<&crate::world::WorldDecl>) -> Vec<crate::finding::Warning> {
        super::lint::one(cfg, world)
    }

    fn lint_together(cfgs: &[&Config]) -> Vec<crate::finding::Warning> {
        super::lint::together(cfgs)
    }
}

impl Observation for DataMiner {
    fn view(&self, world: &World, at_ms: Time) -> View {
        DataMiner::view(self, world, at_ms)
    }

    fn eval(&self, world: &World, claim: &Claim, _now: Time) -> Verdict {
        claim.eval(self, world)
    }

    fn sample(&self, world: &World) -> Sample {
        DataMiner::sample(self, world)
    }

    fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    fn lanes(&self, world: &World) -> crate::products::Lanes<'_> {
        DataMiner::lanes(self, world)
    }

    /// Intermediate heartbeat counts are left out: the first failure, the crossing of the
    /// tolerance and the recovery tell the story.
    fn shown(record: &Rec) -> bool {
        match record {
            Rec::Heartbeat { failures, max_failures, .. } => *failures <= 1 || *failures == max_failures + 1,
            _ => true,
        }
    }

    fn dns_broken(&self, world: &World) -> Option<String> {
        self.dns_promise_broken(world)
    }

    fn health(&self, world: &World) -> Vec<Problem> {
        self.health_problems(world.net())
    }
}

impl ChaosProfile for DataMiner {
    type Fault = Fault;

    fn alphabet(_: &Config) -> Vec<FaultKind<Fault>> {
        vec![
            FaultKind::PullCable(CableRef::Corporate),
            FaultKind::PullCable(CableRef::Sync),
            FaultKind::PullCable(CableRef::Both),
            FaultKind::DisableNic(CableRef::Corporate),
            FaultKind::Stop,
            FaultKind::PowerFail,
            FaultKind::DisableNic(CableRef::Sync),
            FaultKind::Restart,
            FaultKind::Own(Fault::StopDb),
            FaultKind::SwitchFailure,
            FaultKind::AdminSwitch,
        ]
    }

    /// 3 minutes of faults, then 7 quiet minutes: longer than a switch (382 s) plus detection.
    fn chaos_profile(_: &Config) -> Profile {
        // After healing, the documented recovery procedure (the seed-node DMA first; for both
        // agents offline, the known issue's workaround), with time for a switch (382 s) after it.
        Profile { fault_phase_ms: 180_000, end_ms: 1_200_000, write_every_ms: 20_000, write_count: 5, recover_steps: 4, recover_every_ms: 120_000 }
    }

    fn split_brain_documented(&self) -> Option<SpecId> {
        DataMiner::split_brain_documented(self)
    }

    fn rules_fired(&self) -> Vec<(SpecId, u32)> {
        DataMiner::rules_fired(self)
    }

    fn claim_for(_: &Self::Config, invariant: Invariant) -> Claim {
        match invariant {
            Invariant::SplitBrain => Claim::OnlineAtMost(1),
            Invariant::Loss => Claim::Records(crate::check::Writes { lost: Some(0), ..Default::default() }),
            Invariant::Dns => Claim::DnsUnique { except: Vec::new() },
            Invariant::Liveness | Invariant::Assertion => Claim::Healthy,
        }
    }

    /// The recommended pair, and the same pair without inverted heartbeats (DM-SPLIT).
    fn presets() -> Vec<(&'static str, Config)> {
        let normal_only = Dma::BOTH.iter().map(|&from| Heartbeat::Normal(NormalHeartbeat::default_for(from))).collect();
        vec![("dataminer", Config::default()), ("dataminer-no-inverted", Config { heartbeats: normal_only, ..Config::default() })]
    }
}
