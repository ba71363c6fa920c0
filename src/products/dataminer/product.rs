//! DataMiner Failover as a product: the runner's, the checks' and the chaos harness's view of
//! [`DataMiner`].

use super::{Claim, Config, DataMiner, Dma, Event, Heartbeat, NormalHeartbeat, Rec, SUPPORTED_ACTIONS};
use crate::action::{Action, CableRef};
use crate::check::Verdict;
use crate::engine::{Ctx, Time};
use crate::fault::{FaultKind, Profile};
use crate::finding::{Invariant, Problem, SpecId};
use crate::ledger::Ledger;
use crate::metrics::Sample;
use crate::net::Topology;
use crate::ops::View;
use crate::products::Product;

impl Product for DataMiner {
    type Config = Config;
    type Claim = Claim;
    const LABEL: &'static str = "DataMiner Failover";

    fn validate(cfg: &Config) -> Result<(), String> {
        cfg.validate()
    }

    fn supported_actions(_: &Config) -> Vec<&'static str> {
        SUPPORTED_ACTIONS.to_vec()
    }

    fn validate_claim(claim: &Claim) -> Result<(), String> {
        claim.validate()
    }

    fn build(cfg: &Config, seed: u64, cx: &mut Ctx<'_, Event, Rec>) -> Self {
        DataMiner::new(cfg.clone(), seed, cx)
    }

    fn action(action: Action) -> Event {
        Event::Command(action)
    }

    fn view(&self, at_ms: Time) -> View {
        DataMiner::view(self, at_ms)
    }

    fn eval(&self, claim: &Claim, _now: Time) -> Verdict {
        claim.eval(self)
    }

    fn sample(&self) -> Sample {
        DataMiner::sample(self)
    }

    fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    fn lanes(&self) -> Vec<(String, String)> {
        DataMiner::lanes(self)
    }

    fn topology(&self) -> &Topology {
        &self.net
    }

    /// Intermediate heartbeat counts are left out: the first failure, the crossing of the
    /// tolerance and the recovery tell the story.
    fn shown(record: &Rec) -> bool {
        match record {
            Rec::Heartbeat { failures, max_failures, .. } => *failures <= 1 || *failures == max_failures + 1,
            _ => true,
        }
    }

    fn alphabet(_: &Config) -> Vec<FaultKind> {
        vec![
            FaultKind::PullCable(CableRef::Corporate),
            FaultKind::PullCable(CableRef::Sync),
            FaultKind::PullCable(CableRef::Both),
            FaultKind::DisableNic(CableRef::Corporate),
            FaultKind::Stop,
            FaultKind::PowerFail,
            FaultKind::DisableNic(CableRef::Sync),
            FaultKind::Restart,
            FaultKind::StopDb,
            FaultKind::SwitchFailure,
            FaultKind::AdminSwitch,
        ]
    }

    /// 3 minutes of faults, then 7 quiet minutes: longer than a switch (382 s) plus detection.
    fn chaos_profile(_: &Config) -> Profile {
        Profile { fault_phase_ms: 180_000, end_ms: 600_000, write_every_ms: 20_000, write_count: 5 }
    }

    fn dns_broken(&self) -> Option<String> {
        self.dns_promise_broken()
    }

    fn health(&self) -> Vec<Problem> {
        self.health_problems()
    }

    fn split_brain_documented(&self) -> Option<SpecId> {
        DataMiner::split_brain_documented(self)
    }

    fn claim_for(invariant: Invariant) -> Claim {
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
