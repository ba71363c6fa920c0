//! failsim: a deterministic discrete-event simulator and chaos test harness for active/standby
//! failover pairs. See ARCHITECTURE.md for the map.
//!
//! The public API is small: load a [`Scenario`], [`run`] it, render a [`report`].

pub mod action;
pub mod activestandby;
pub mod chaos;
pub mod check;
pub mod checkpoint;
pub mod dataminer;
pub mod db;
pub mod engine;
pub mod explore;
pub mod flinkserver;
pub mod ledger;
pub mod metrics;
pub mod mrs_manager;
pub mod net;
pub mod ops;
pub mod report;
pub mod run;
pub mod scenario;
pub mod sweep;

pub use run::{Outcome, run};
pub use scenario::{Scenario, ScenarioError};
