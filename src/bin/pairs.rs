//! Prints a scenario with N default DataMiner pairs on a two-tier network (a core switch and an
//! access switch per 20 pairs), quiet for a virtual time: the world of the
//! `world/1000_pairs_24h` bench, as a file. With `--simulate`, runs it instead (trace off) and
//! prints the events handled and the time taken. With `--ratio`, runs it and the bench's bare
//! heap loop (as many timers, as many events) in turn, three rounds, and prints each time and
//! their ratio: the `world/` bench's comparison in one quick run.
//!
//! `cargo run --release --features bench-tools --bin pairs -- 1000 24h > /tmp/pairs.ron && failsim run /tmp/pairs.ron`
//! `cargo run --release --features bench-tools --bin pairs -- 1000 24h --simulate [FAULTS]`:
//! FAULTS uplinks are pulled for a minute, one every two minutes (what a topology change costs
//! at that size).
//! `cargo run --release --features bench-tools --bin pairs -- 1000 6h --ratio`
//!
//! A binary, not an example: cargo builds every dev-dependency (criterion, insta, proptest) for
//! an example, since an example may use them, and this needs none. Behind the `bench-tools`
//! feature so that `cargo install` does not put a `pairs` command on anyone's `PATH`.

use std::time::{Duration, Instant};

fn main() {
    let mut args = std::env::args().skip(1);
    let pairs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let end = args.next().unwrap_or_else(|| "1h".into());
    let mode = args.next();
    let faults: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(0);
    match mode.as_deref() {
        Some("--simulate") => {
            let (events, run) = simulate(pairs, &end, faults);
            println!("{pairs} pairs, {end}: {events} events; run {run:?} ({:.1} M events/s)", events as f64 / run.as_secs_f64() / 1e6);
        }
        Some("--ratio") => {
            for round in 1..=3 {
                let (events, run) = simulate(pairs, &end, 0);
                let started = Instant::now();
                std::hint::black_box(failsim::bench::bare_heap_of(7 * pairs as u64, events));
                let bare = started.elapsed();
                println!("round {round}: {events} events; pairs {run:?}, bare heap {bare:?}: {:.3}×", run.as_secs_f64() / bare.as_secs_f64());
            }
        }
        _ => print!("{}", failsim::bench::pairs_scenario(pairs, &end)),
    }
}

/// Parses and runs the world untraced: the events handled and the run's time (parsing apart).
fn simulate(pairs: usize, end: &str, faults: usize) -> (u64, Duration) {
    let text = failsim::bench::pairs_with_faults(pairs, end, faults);
    let scenario = failsim::parse(std::path::Path::new("pairs.ron"), &text).expect("the generated scenario parses");
    let started = Instant::now();
    let events = failsim::bench::simulate_untraced(&scenario, 1).expect("runs");
    (events, started.elapsed())
}
