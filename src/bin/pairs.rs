//! Prints a scenario with N default DataMiner pairs on a two-tier network (a core switch and an
//! access switch per 20 pairs), quiet for a virtual time: the world of the
//! `world/1000_pairs_24h` bench, as a file. With `--simulate`, runs it instead (trace off) and
//! prints the events handled and the time taken.
//!
//! `cargo run --release --features bench-tools --bin pairs -- 1000 24h > /tmp/pairs.ron && failsim run /tmp/pairs.ron`
//! `cargo run --release --features bench-tools --bin pairs -- 1000 24h --simulate [FAULTS]`:
//! FAULTS uplinks are pulled for a minute, one every two minutes (what a topology change costs
//! at that size).
//!
//! A binary, not an example: cargo builds every dev-dependency (criterion, insta, proptest) for
//! an example, since an example may use them, and this needs none. Behind the `bench-tools`
//! feature so that `cargo install` does not put a `pairs` command on anyone's `PATH`.

fn main() {
    let mut args = std::env::args().skip(1);
    let pairs: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(3);
    let end = args.next().unwrap_or_else(|| "1h".into());
    if args.next().as_deref() != Some("--simulate") {
        print!("{}", failsim::bench::pairs_scenario(pairs, &end));
        return;
    }
    let faults: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(0);
    let text = failsim::bench::pairs_with_faults(pairs, &end, faults);
    let started = std::time::Instant::now();
    let scenario = failsim::parse(std::path::Path::new("pairs.ron"), &text).expect("the generated scenario parses");
    let parsed = started.elapsed();
    let events = failsim::bench::simulate_untraced(&scenario, 1).expect("runs");
    let total = started.elapsed();
    println!(
        "{pairs} pairs, {end}: {events} events; parse {parsed:?}, run {:?} ({:.1} M events/s)",
        total - parsed,
        events as f64 / (total - parsed).as_secs_f64() / 1e6
    );
}
