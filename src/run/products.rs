//! What the runner needs from a product, and how each product provides it.

use crate::action::Action;
use crate::activestandby::{self, ActiveStandby};
use crate::check::{Claim, Verdict};
use crate::checkpoint::{self, CheckPoint};
use crate::dataminer::{self, DataMiner, Rec};
use crate::engine::{Ctx, Model, Time};
use crate::ledger::Ledger;
use crate::metrics::Sample;
use crate::ops::View;
use std::fmt::Display;

/// A product the runner can drive: built from its configuration, fed script actions, looked at
/// through its operator view, and asked about claims.
pub trait Product: Model<Record: Display + Clone, Event: Clone> + Clone {
    type Config;
    fn build(cfg: &Self::Config, seed: u64, cx: &mut Ctx<'_, Self::Event, Self::Record>) -> Self;
    fn action(action: Action) -> Self::Event;
    fn view(&self, at_ms: Time) -> View;
    fn eval(&self, claim: &Claim, now: Time) -> Verdict;
    /// Availability now, for the metrics.
    fn sample(&self) -> Sample;
    /// The tracked writes.
    fn ledger(&self) -> &Ledger;
    /// Each timeline lane's state now (nodes, cables, links).
    fn lanes(&self) -> Vec<(String, String)>;
    /// The cable graph as it is now.
    fn topology(&self) -> &crate::net::Topology;
    /// Whether the text timeline shows this record (the JSON trace keeps all).
    fn shown(_record: &Self::Record) -> bool {
        true
    }
}

impl Product for DataMiner {
    type Config = dataminer::Config;

    fn build(cfg: &Self::Config, seed: u64, cx: &mut Ctx<'_, Self::Event, Self::Record>) -> Self {
        DataMiner::new(cfg.clone(), seed, cx)
    }

    fn action(action: Action) -> Self::Event {
        dataminer::Event::Command(action)
    }

    fn view(&self, at_ms: Time) -> View {
        DataMiner::view(self, at_ms)
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

    fn topology(&self) -> &crate::net::Topology {
        &self.net
    }

    fn eval(&self, claim: &Claim, _now: Time) -> Verdict {
        match claim {
            Claim::DataMiner(c) => c.eval(self),
            other => unreachable!("the parser only admits DataMiner claims for a DataMiner scenario: {other:?}"),
        }
    }

    /// Intermediate heartbeat counts are left out: the first failure, the crossing of the
    /// tolerance and the recovery tell the story.
    fn shown(record: &Rec) -> bool {
        match record {
            Rec::Heartbeat { failures, max_failures, .. } => *failures <= 1 || *failures == max_failures + 1,
            _ => true,
        }
    }
}

impl Product for ActiveStandby {
    type Config = activestandby::Profile;

    fn build(cfg: &Self::Config, seed: u64, cx: &mut Ctx<'_, Self::Event, Self::Record>) -> Self {
        ActiveStandby::new(cfg.clone(), seed, cx)
    }

    fn action(action: Action) -> Self::Event {
        activestandby::Event::Command(action)
    }

    fn view(&self, at_ms: Time) -> View {
        ActiveStandby::view(self, at_ms)
    }

    fn sample(&self) -> Sample {
        ActiveStandby::sample(self)
    }

    fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    fn lanes(&self) -> Vec<(String, String)> {
        ActiveStandby::lanes(self)
    }

    fn topology(&self) -> &crate::net::Topology {
        &self.net
    }

    fn eval(&self, claim: &Claim, now: Time) -> Verdict {
        match claim {
            Claim::ActiveStandby(c) => c.eval(self, now),
            other => unreachable!("the parser only admits active/standby claims for an MRS scenario: {other:?}"),
        }
    }
}

impl Product for CheckPoint {
    type Config = checkpoint::Config;

    fn build(cfg: &Self::Config, seed: u64, cx: &mut Ctx<'_, Self::Event, Self::Record>) -> Self {
        CheckPoint::new(cfg.clone(), seed, cx)
    }

    fn action(action: Action) -> Self::Event {
        checkpoint::Event::Command(action)
    }

    fn view(&self, at_ms: Time) -> View {
        CheckPoint::view(self, at_ms)
    }

    fn sample(&self) -> Sample {
        CheckPoint::sample(self)
    }

    fn ledger(&self) -> &Ledger {
        &self.ledger
    }

    fn lanes(&self) -> Vec<(String, String)> {
        CheckPoint::lanes(self)
    }

    fn topology(&self) -> &crate::net::Topology {
        &self.net
    }

    fn eval(&self, claim: &Claim, _now: Time) -> Verdict {
        match claim {
            Claim::CheckPoint(c) => c.eval(self),
            other => unreachable!("the parser only admits Check Point claims for a Check Point scenario: {other:?}"),
        }
    }
}
