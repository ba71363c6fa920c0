//! failsim: a deterministic discrete-event simulator and chaos test harness for active/standby
//! failover systems. See ARCHITECTURE.md for the map.
//!
//! The public API is small: load or [`parse`] a [`Scenario`], [`run`] it, render a [`report`];
//! the what-if entry points ([`chaos`], [`sweep`], [`explore`]); and the discrete-event
//! [`engine`] itself. Everything else is the crate's own.

mod action;
pub mod chaos;
mod check;
mod db;
pub mod engine;
pub mod explore;
mod fault;
mod finding;
mod ledger;
mod metrics;
mod net;
mod ops;
mod products;
pub mod report;
mod runner;
mod scenario;
pub mod sweep;
mod units;
mod world;

pub use engine::clock;
pub use products::{System, named_system, target_names};
pub use runner::{Limits, Outcome, RunError, run, run_with, topology_at};
pub use scenario::{Scenario, ScenarioError, discover, load, overrides::apply as apply_overrides, parse, to_ron, write_atomically};
pub use units::Ms;

/// Entry points for the benches in `benches/` (not a stable API).
#[doc(hidden)]
pub mod bench {
    use crate::products::{Registered, WithConfig};
    use crate::{RunError, Scenario, System};

    /// The scenario's model alone: built, scripted and run to the end with the trace on and no
    /// observer. Returns the events handled.
    pub fn simulate(scenario: &Scenario, seed: u64) -> Result<u64, RunError> {
        struct Simulate<'a>(&'a Scenario, u64);
        impl WithConfig for Simulate<'_> {
            type Out = Result<u64, RunError>;
            fn call<P: Registered>(self, _: &P::Config) -> Self::Out {
                let mut sim = crate::runner::prepare::<P>(&crate::runner::Setup::of(self.0), &self.0.script, self.1, true);
                sim.run_until(self.0.end.0)?;
                Ok(sim.events_handled())
            }
        }
        scenario.system.visit(Simulate(scenario, seed))
    }

    /// One chaos run of the system's own profile for `seed`. Returns the events handled.
    pub fn chaos_run(system: &System, seed: u64) -> u64 {
        struct Chaos(u64);
        impl WithConfig for Chaos {
            type Out = u64;
            fn call<P: Registered>(self, cfg: &P::Config) -> u64 {
                let schedule = crate::chaos::Schedule::draw(self.0, &P::alphabet(cfg), P::chaos_profile(cfg));
                crate::chaos::run_schedule::<P>(cfg, &schedule, self.0, false).events
            }
        }
        system.visit(Chaos(seed))
    }
}
