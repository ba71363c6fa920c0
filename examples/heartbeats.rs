//! The anchors' heartbeat model (`benches/anchor/heartbeats.rs`) on failsim's engine or on the
//! plain `BinaryHeap` + ChaCha8 loop, once: what cachegrind counts, deterministically, where the
//! `anchor/*` bench times the two side by side.
//!
//! `cargo build --release --example heartbeats && valgrind --tool=cachegrind --cache-sim=no
//! target/release/examples/heartbeats engine 100 600` (or `plain`; pairs; virtual seconds).

#[path = "../benches/anchor/heartbeats.rs"]
mod heartbeats;

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "engine".into());
    let pairs: u32 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1);
    let seconds: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(600);
    let out = match which.as_str() {
        "engine" => heartbeats::engine(pairs, seconds * 1000, 1),
        "plain" => heartbeats::plain(pairs, seconds * 1000, 1),
        other => panic!("`{other}`: engine or plain"),
    };
    println!("{which} {pairs} pairs, {seconds} s: {out:?}");
}
