//! The products failsim models, each in its own folder behind one trait, and the one list that
//! registers them ([`registry`]).
//!
//! A product is a [`Model`] the runner can build from its configuration, feed script actions,
//! look at through its operator view, ask about claims and availability, and — for chaos and
//! explore — attack with its fault alphabet and check against its invariants. Products know
//! nothing of each other, of scenario files, of the runner or of reports.

pub(crate) mod checkpoint;
pub(crate) mod dataminer;
pub(crate) mod mrs;
mod registry;

pub use registry::{AnyClaim, Registered, System, SystemTag, WithConfig, WithProduct, named_system, target_names};

use crate::action::Action;
use crate::check::Verdict;
use crate::engine::{Ctx, Model, Time};
use crate::fault::{FaultKind, Profile};
use crate::finding::{Invariant, Problem, SpecId};
use crate::ledger::Ledger;
use crate::metrics::Sample;
use crate::net::Topology;
use crate::ops::View;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt::{Debug, Display};

/// Everything the runner, the checks, the reports and the what-if tools need from a product.
pub trait Product: Model<Record: Display + Clone, Event: Clone> + Clone {
    /// The scenario-settable configuration (serde, `deny_unknown_fields`, documented defaults).
    type Config: Clone + Debug + PartialEq + Serialize + DeserializeOwned + Send + Sync;
    /// The claims an expectation can make about this product, in its own vocabulary.
    type Claim: Clone + Debug + PartialEq + Serialize + DeserializeOwned + Send + Sync;

    /// The system's name in reports ("DataMiner Failover").
    const LABEL: &'static str;

    /// Checks no derive can express; a broken configuration is refused before the run.
    fn validate(cfg: &Self::Config) -> Result<(), String>;
    /// The script actions this product supports (the parser refuses the others).
    fn supported_actions(cfg: &Self::Config) -> Vec<&'static str>;
    /// Checks a claim before the run (a status item it does not show, say).
    fn validate_claim(_claim: &Self::Claim) -> Result<(), String> {
        Ok(())
    }

    /// The system at t = 0, its first timers armed.
    fn build(cfg: &Self::Config, seed: u64, cx: &mut Ctx<'_, Self::Event, Self::Record>) -> Self;
    /// The event a script action becomes.
    fn action(action: Action) -> Self::Event;

    /// What an operator sees now (the report's status sections).
    fn view(&self, at_ms: Time) -> View;
    /// Whether a claim holds now: `Err((expected, actual))` when it does not.
    fn eval(&self, claim: &Self::Claim, now: Time) -> Verdict;
    /// Availability now, for the metrics.
    fn sample(&self) -> Sample;
    /// The tracked writes.
    fn ledger(&self) -> &Ledger;
    /// Each timeline lane's state now (nodes, cables, links).
    fn lanes(&self) -> Vec<(String, String)>;
    /// The cable graph as it is now.
    fn topology(&self) -> &Topology;
    /// Whether the text timeline shows this record (the JSON trace keeps all).
    fn shown(_record: &Self::Record) -> bool {
        true
    }

    /// The faults and administrator actions this product can suffer (chaos, explore).
    fn alphabet(cfg: &Self::Config) -> Vec<FaultKind>;
    /// The shape of a chaos run: fault phase, quiet time, workload.
    fn chaos_profile(cfg: &Self::Config) -> Profile;
    /// In the modes that promise it, a name resolving to a node that does not hold it.
    fn dns_broken(&self) -> Option<String> {
        None
    }
    /// What keeps the system from being healthy now (checked after healing).
    fn health(&self) -> Vec<Problem>;
    /// While more than one node is online/active: the document that describes this state as
    /// the product's behaviour, if one does (asked when the split brain begins).
    fn split_brain_documented(&self) -> Option<SpecId>;
    /// The claim that holds exactly when `invariant` does (a repro file's expectation).
    fn claim_for(invariant: Invariant) -> Self::Claim;
    /// Named configurations that `failsim chaos NAME` can target.
    fn presets() -> Vec<(&'static str, Self::Config)>;
}

/// Periods must be above zero: a zero period would never let time advance.
pub(crate) fn periods_above_zero(periods: &[(&str, crate::units::Ms)]) -> Result<(), String> {
    match periods.iter().find(|(_, v)| v.0 == 0) {
        Some((name, _)) => Err(format!("{name} must be above 0")),
        None => Ok(()),
    }
}
