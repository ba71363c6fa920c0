//! failsim: a deterministic discrete-event simulator and chaos test harness for active/standby
//! failover systems. See ARCHITECTURE.md for the map.
//!
//! The public API is small: load or [`parse`] a [`Scenario`], [`run`] it, render a [`report`];
//! the what-if entry points ([`chaos`], [`sweep`], [`explore`]); and the discrete-event
//! [`engine`] itself. Everything else is the crate's own.
//!
//! # Run a scenario and read its verdict
//!
//! A scenario is RON text, usually a file ([`load`]); [`parse`] reads it from a string. A run
//! is a pure function of the scenario and its seed: the [`Outcome`] says what each expectation
//! came to, with the expected and the actual value of each that failed.
//!
//! ```
//! use std::path::Path;
//!
//! let text = r#"Scenario(
//!     name: "The online DMA is stopped",
//!     doc: "FAQ 'What happens if one of the DMAs is stopped?'",
//!     seed: 1,
//!     system: DataMiner(),
//!     script: [(at: "1m", do: Stop(Online))],
//!     end: "12m",
//!     expect: [
//!         (ids: ["DM-STOP-ON-1"], when: At("11m"), that: Role(Backup, Online)),
//!         (ids: ["WRONG-ON-PURPOSE"], when: At("11m"), that: Role(Main, Online)),
//!     ],
//! )"#;
//! let scenario = failsim::parse(Path::new("stop.ron"), text)?;
//! let outcome = failsim::run(&scenario, None)?;
//!
//! assert!(!outcome.passed(), "one expectation is wrong on purpose");
//! let failed: Vec<&failsim::Failure> = outcome.expectations.iter().filter_map(|e| e.failure.as_ref()).collect();
//! assert_eq!(failed.len(), 1);
//! assert_eq!((failed[0].at_ms, failed[0].expected.as_str(), failed[0].actual.as_str()), (660_000, "Online", "Offline"));
//!
//! // The text report: what `failsim run` prints.
//! let report = failsim::report::text(&outcome);
//! assert!(report.starts_with("failsim: The online DMA is stopped\n"), "{report}");
//! assert!(report.contains("  ok    [DM-STOP-ON-1] At(\"11m\"): Role(Backup, Online)\n"), "{report}");
//! assert!(report.contains("  FAIL  [WRONG-ON-PURPOSE] At(\"11m\"): Role(Main, Online)\n          expected: Online\n          actual:   Offline\n"), "{report}");
//!
//! // Same scenario, same seed: the same trace, byte for byte.
//! let again = failsim::run(&scenario, None)?;
//! assert_eq!(again.trace_hash, outcome.trace_hash);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! A file that cannot be run is an error at its line and column, never a panic:
//!
//! ```
//! let err = failsim::parse(std::path::Path::new("bad.ron"), "Scenario(\n  name: 1,\n)").unwrap_err();
//! assert_eq!((err.line, err.col), (2, 9));
//! assert!(err.to_string().starts_with("bad.ron:2:9: Expected string"), "{err}");
//! ```

#![warn(missing_docs)]

mod action;
pub mod chaos;
mod check;
mod db;
pub mod diff;
pub mod engine;
pub mod explore;
mod fault;
mod finding;
pub mod import;
mod ledger;
pub mod metrics;
mod net;
mod ops;
mod pin;
mod place;
mod products;
mod replay;
pub mod report;
mod runner;
mod scenario;
pub mod sweep;
mod units;
mod world;

pub use check::Failure;
pub use engine::clock;
pub use products::{System, named_system, target_names};
pub use replay::{pin_file, shell_word};
pub use runner::{
    ExpectationResult, JsonHeader, Limits, Outcome, Role, RunError, Timeline, TraceLine, Warned, Window, WindowKind, lint, run, run_untraced, run_with,
    run_with_data, topology_at, world_at,
};
pub use scenario::{
    Excerpt, MAX_FILE_BYTES, Paint, Scenario, ScenarioError, discover, load, overrides::apply as apply_overrides, parse, to_ron, write_all_atomically,
    write_atomically,
};
pub use units::{MAX_MS, Ms};

/// Entry points for the benches in `benches/` (not a stable API).
#[doc(hidden)]
pub mod bench {
    use crate::products::{Registered, WithConfig};
    use crate::{RunError, Scenario, System};

    /// The scenario's model alone: built, scripted and run to the end with the trace on and no
    /// observer. Returns the events handled.
    pub fn simulate(scenario: &Scenario, seed: u64) -> Result<u64, RunError> {
        model_only(scenario, seed, Trace::On)
    }

    /// Like [`simulate`], with the trace off (what large what-if runs do).
    pub fn simulate_untraced(scenario: &Scenario, seed: u64) -> Result<u64, RunError> {
        model_only(scenario, seed, Trace::Off)
    }

    #[derive(Clone, Copy, PartialEq, Eq)]
    enum Trace {
        On,
        Off,
    }

    fn model_only(scenario: &Scenario, seed: u64, trace: Trace) -> Result<u64, RunError> {
        struct Simulate<'a>(&'a Scenario, u64, Trace);
        impl WithConfig for Simulate<'_> {
            type Out = Result<u64, RunError>;
            fn call<P: Registered>(self, _: &P::Config) -> Self::Out {
                // A bench runs a known workload to its end: no bound on its events (a thousand
                // pairs for 24 hours handle about twice a run's default bound).
                let setup = crate::runner::Setup::of(self.0);
                let tracing = if self.2 == Trace::On { crate::engine::Tracing::Keep } else { crate::engine::Tracing::Off };
                let mut sim = crate::runner::prepare::<P>(&setup, &self.0.script, self.1, tracing).with_max_events(u64::MAX);
                sim.run_until(self.0.end.0)?;
                Ok(sim.events_handled())
            }
        }
        scenario.visit(Simulate(scenario, seed, trace))
    }

    /// A scenario file with `pairs` default DataMiner pairs on a two-tier network: a core
    /// switch (10.0.0.254/8, every inverted heartbeat's target) and an access switch per 20
    /// pairs, each with an uplink to the core; every DMA on its access switch, a sync cross
    /// cable per pair, one operator PC on the core. Quiet for `end`.
    pub fn pairs_scenario(pairs: usize, end: &str) -> String {
        use std::fmt::Write;
        let (mut hosts, mut switches, mut cables, mut systems) = (String::new(), String::new(), String::new(), String::new());
        let _ = writeln!(switches, "(name: \"core\", addr: \"10.0.0.254/8\"),");
        let _ = writeln!(hosts, "(name: \"ops-pc\", nics: [(name: \"nic\", addr: \"10.0.0.100/8\")]),");
        let _ = writeln!(cables, "(name: \"ops\", ends: (Nic(\"ops-pc\", \"nic\"), Switch(\"core\"))),");
        for access in 0..pairs.div_ceil(20) {
            let _ = writeln!(switches, "(name: \"access-{access}\"),");
            let _ = writeln!(cables, "(name: \"uplink-{access}\", ends: (Switch(\"access-{access}\"), Switch(\"core\"))),");
        }
        for i in 0..pairs {
            let (net, host) = (1 + i / 200, i % 200);
            let sync = |end: usize| format!("172.{}.{}.{}/30", 16 + i / 16384, i / 64 % 256, i % 64 * 4 + end);
            for (side, last) in [("a", 1), ("b", 2)] {
                let nics = format!("[(name: \"corp\", addr: \"10.{net}.{host}.{last}/8\"), (name: \"sync\", addr: \"{}\")]", sync(last));
                let _ = writeln!(hosts, "(name: \"dma-{i}{side}\", nics: {nics}),");
                let _ = writeln!(cables, "(name: \"{i}{side}\", ends: (Nic(\"dma-{i}{side}\", \"corp\"), Switch(\"access-{}\"))),", i / 20);
            }
            let _ = writeln!(cables, "(name: \"cross-{i}\", ends: (Nic(\"dma-{i}a\", \"sync\"), Nic(\"dma-{i}b\", \"sync\"))),");
            let bind = format!("bind: (main: \"dma-{i}a\", backup: \"dma-{i}b\", corporate: \"corp\", sync: \"sync\", client: \"ops-pc\")");
            let heartbeats =
                "heartbeats: [Normal(from: Main), Normal(from: Backup), Inverted(from: Main, to: \"10.0.0.254\"), Inverted(from: Backup, to: \"10.0.0.254\")]";
            let _ = writeln!(systems, "(name: \"pair-{i}\", system: DataMiner({bind}, addressing: VirtualIp(vip: \"10.{net}.{host}.5\"), {heartbeats})),");
        }
        format!(
            "Scenario(name: \"{pairs} pairs\", doc: \"\", world: (hosts: [\n{hosts}], switches: [\n{switches}], cables: [\n{cables}]), systems: [\n{systems}], end: \"{end}\")\n"
        )
    }

    /// [`pairs_scenario`] with `faults` uplinks pulled for a minute each, one every two minutes
    /// from the first (what a topology change costs at that size).
    pub fn pairs_with_faults(pairs: usize, end: &str, faults: usize) -> String {
        let uplinks = pairs.div_ceil(20);
        let steps: String = (0..faults)
            .map(|i| {
                let (at, cable) = (60 + 120 * i as u64, format!("uplink-{}", i % uplinks));
                format!("(at: \"{at}s\", do: Pull(cable: \"{cable}\")), (at: \"{}s\", do: Plug(cable: \"{cable}\")),", at + 60)
            })
            .collect();
        pairs_scenario(pairs, end).replacen(&format!("end: \"{end}\")"), &format!("script: [{steps}], end: \"{end}\")"), 1)
    }

    /// The bare loop a world is compared with: `timers` periodic timers 5 s apart with spread
    /// phases in a `BinaryHeap` (no model, no timer bookkeeping), popped and pushed until
    /// `events` were handled (what the engine does for a quiet world of that many timers).
    /// The `world/` benches and `pairs --ratio` run it beside the same world's run.
    pub fn bare_heap_of(timers: u64, events: u64) -> u64 {
        use std::cmp::Reverse;
        const INTERVAL_MS: u64 = 5_000;
        let mut heap = std::collections::BinaryHeap::new();
        for t in 0..timers {
            heap.push(Reverse((t * INTERVAL_MS / timers.max(1), t)));
        }
        let mut handled = 0;
        while let Some(Reverse((at, id))) = heap.pop() {
            handled += 1;
            if handled == events {
                break;
            }
            heap.push(Reverse((at + INTERVAL_MS, std::hint::black_box(id))));
        }
        handled
    }

    /// One chaos run of the system's own profile for `seed`. Returns the events handled.
    pub fn chaos_run(system: &System, seed: u64) -> u64 {
        struct Chaos(u64);
        impl WithConfig for Chaos {
            type Out = u64;
            fn call<P: Registered>(self, cfg: &P::Config) -> u64 {
                let setup = crate::runner::Setup::<P>::one(cfg, None);
                let schedule = crate::chaos::Schedule::draw(self.0, &setup.letters(), setup.profiles(), &setup.nodes());
                crate::chaos::run_schedule::<P>(&setup, &schedule, self.0, crate::engine::Tracing::Off).events
            }
        }
        system.visit(Chaos(seed))
    }
}
