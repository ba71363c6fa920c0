//! What each product promises, for the chaos harness: its fault alphabet, the shape of a run,
//! and its invariants — and which violations its documents describe (documented findings).

use super::Invariant;
use super::schedule::{FaultKind, Profile};
use crate::action::CableRef;
use crate::activestandby::{ActiveStandby, Profile as PairProfile};
use crate::check::Claim;
use crate::checkpoint::CheckPoint;
use crate::dataminer::{DataMiner, Heartbeat};
use crate::run::Product;

pub trait ChaosTarget: Product<Config: Sync> {
    /// The faults and administrator actions this product can suffer.
    fn alphabet(cfg: &Self::Config) -> Vec<FaultKind>;
    fn profile(cfg: &Self::Config) -> Profile;
    /// In the modes that promise it, a name resolving to a node that does not hold it.
    fn dns_broken(&self) -> Option<String> {
        None
    }
    /// What keeps the system from being healthy now (checked after healing).
    fn health(&self) -> Vec<String>;
    /// The SPEC ID of the document that describes this violation as the product's behaviour.
    fn documented(cfg: &Self::Config, invariant: Invariant, detail: &str) -> Option<&'static str>;
    /// The claim that holds exactly when the invariant holds (a repro's expectation).
    fn claim(invariant: Invariant) -> Claim;
}

const CABLES: [FaultKind; 6] = [
    FaultKind::PullCable(CableRef::Corporate),
    FaultKind::PullCable(CableRef::Sync),
    FaultKind::PullCable(CableRef::Both),
    FaultKind::DisableNic(CableRef::Corporate),
    FaultKind::Stop,
    FaultKind::PowerFail,
];

impl ChaosTarget for DataMiner {
    fn alphabet(_: &Self::Config) -> Vec<FaultKind> {
        let mut kinds = CABLES.to_vec();
        kinds.extend([FaultKind::DisableNic(CableRef::Sync), FaultKind::Restart, FaultKind::StopDb, FaultKind::SwitchFailure, FaultKind::AdminSwitch]);
        kinds
    }

    /// 3 minutes of faults, then 7 quiet minutes: longer than a switch (382 s) plus detection.
    fn profile(_: &Self::Config) -> Profile {
        Profile { fault_phase_ms: 180_000, end_ms: 600_000, write_every_ms: 20_000, write_count: 5 }
    }

    fn dns_broken(&self) -> Option<String> {
        self.dns_promise_broken()
    }

    fn health(&self) -> Vec<String> {
        self.health_problems()
    }

    fn documented(cfg: &Self::Config, invariant: Invariant, detail: &str) -> Option<&'static str> {
        let no_inverted = !cfg.heartbeats.iter().any(Heartbeat::is_inverted);
        match invariant {
            // DM-SPLIT: without inverted heartbeats an isolated online DMA stays online.
            Invariant::SplitBrain if no_inverted => Some("DM-SPLIT"),
            Invariant::Liveness if no_inverted && detail.starts_with("2 DMA(s) online") => Some("DM-SPLIT"),
            // DM-SEED-1: a DMA (or its database) healed while the master seed node was not yet
            // available cannot start; the FAQ's advice is to bring the other DMA online first.
            Invariant::Liveness if detail.contains("master seed node") => Some("DM-SEED-1"),
            _ => None,
        }
    }

    fn claim(invariant: Invariant) -> Claim {
        use crate::check::dataminer::Claim as C;
        Claim::DataMiner(match invariant {
            Invariant::SplitBrain => C::OnlineAtMost(1),
            Invariant::Loss => C::Records(crate::check::Writes { lost: Some(0), ..Default::default() }),
            Invariant::Dns => C::DnsUnique { except: Vec::new() },
            Invariant::Liveness | Invariant::Assertion => C::Healthy,
        })
    }
}

impl ChaosTarget for ActiveStandby {
    fn alphabet(cfg: &Self::Config) -> Vec<FaultKind> {
        let mut kinds = vec![FaultKind::PullCable(CableRef::Corporate), FaultKind::Stop, FaultKind::PowerFail, FaultKind::Restart, FaultKind::SwitchFailure];
        kinds.extend([FaultKind::BreakSyncFile, FaultKind::FillBackupDisk, FaultKind::AdminSwitch]);
        if cfg.resource.is_some() {
            kinds.push(FaultKind::FailResource);
        }
        kinds
    }

    /// 3 minutes of faults, then 7 quiet minutes: several 60 s sync checks after healing.
    fn profile(_: &Self::Config) -> Profile {
        Profile { fault_phase_ms: 180_000, end_ms: 600_000, write_every_ms: 20_000, write_count: 2 }
    }

    fn health(&self) -> Vec<String> {
        self.health_problems()
    }

    fn documented(cfg: &PairProfile, invariant: Invariant, detail: &str) -> Option<&'static str> {
        match invariant {
            // MRS-12011-3 / FLINK-45641-4: a switchover while the standby is stale loses changes.
            Invariant::Loss if detail.contains("was stale") => Some(if cfg.sync_alarm.id == 12011 { "MRS-12011-3" } else { "FLINK-45641-4" }),
            _ => None,
        }
    }

    fn claim(invariant: Invariant) -> Claim {
        use crate::check::activestandby::Claim as C;
        Claim::ActiveStandby(match invariant {
            Invariant::SplitBrain => C::ActiveAtMost(1),
            Invariant::Loss => C::Changes(crate::check::Writes { lost: Some(0), ..Default::default() }),
            Invariant::Dns | Invariant::Liveness | Invariant::Assertion => C::Healthy,
        })
    }
}

impl ChaosTarget for CheckPoint {
    fn alphabet(_: &Self::Config) -> Vec<FaultKind> {
        vec![
            FaultKind::PullCable(CableRef::Corporate),
            FaultKind::Stop,
            FaultKind::PowerFail,
            FaultKind::SwitchFailure,
            FaultKind::EditPublish,
            FaultKind::MakeActive,
        ]
    }

    /// 3 minutes of faults; the run ends just after the second periodic sync (10 min interval).
    fn profile(cfg: &Self::Config) -> Profile {
        Profile { fault_phase_ms: 180_000, end_ms: 2 * cfg.sync_interval.0 + 1_000, write_every_ms: 1_000_000, write_count: 0 }
    }

    fn health(&self) -> Vec<String> {
        self.health_problems()
    }

    fn documented(_: &Self::Config, invariant: Invariant, detail: &str) -> Option<&'static str> {
        match invariant {
            // CP-6: a Standby made Active while the Active is unreachable: Collision Mode.
            Invariant::SplitBrain => Some("CP-6"),
            Invariant::Liveness if detail.contains("2 Active") || detail.contains("Collision") => Some("CP-6"),
            // CP-5 / CP-8: a server set to Standby is overwritten by the Active.
            Invariant::Loss => Some("CP-5"),
            _ => None,
        }
    }

    fn claim(invariant: Invariant) -> Claim {
        use crate::check::checkpoint::Claim as C;
        Claim::CheckPoint(match invariant {
            Invariant::SplitBrain => C::ActiveAtMost(1),
            Invariant::Loss => C::Changes(crate::check::Writes { lost: Some(0), ..Default::default() }),
            Invariant::Dns | Invariant::Liveness | Invariant::Assertion => C::Healthy,
        })
    }
}
