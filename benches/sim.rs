//! Speed, always as a ratio against a baseline measured in the same run (these machines are
//! noisy). `cargo bench --bench sim -- --noplot`
//!
//! - `engine/*`: a heartbeat-only workload (4 periodic timers, as one pair's default heartbeat
//!   set) through the engine, beside a bare `BinaryHeap` loop doing the same schedule.
//! - `anchor/*`: the anchors' heartbeat model (`anchor/heartbeats.rs`: pairs of nodes sending
//!   each other heartbeats over a lossy link, failure detectors re-armed by each delivery) on the
//!   engine and on a plain `BinaryHeap` + ChaCha8 loop, at 1, 100 and 1,000 pairs.
//! - `model/*`: the full DataMiner model with the trace on, steady state and under faults.
//! - `suite/*`: every file in `scenarios/`, parsed and run, single-threaded.
//! - `explore/*`: `explore` on the quiet pair at depths 2 and 3 (two threads), beside one run
//!   of the same file.
//! - `script/steps/*`, `script/pull_plug/*`: 1k, 10k and 100k script steps (writes; a cable
//!   pulled and plugged in turn, each step an alarm raised or cleared), to keep the cost linear
//!   in them.
//! - `queue/*`: the event orders (binary heap, radix heap, sorted vector, timing wheel, and the
//!   adaptive one the engine uses: sorted vector, then wheel) side by side on the same
//!   workload: N periodic timers 5 s apart with spread phases, as N/6 pairs make.
//! - `world/*`: 10, 100 and 1,000 default DataMiner pairs on a two-tier network for 24 virtual
//!   hours, trace off (`world/1000_pairs_24h`), each beside the bare heap loop of the same run:
//!   as many timers, as many events (`world/1000_bare_heap`); compare per event.
//!   `world/declared_1000_pairs_15m` and `world/declared_5000_pairs_1m`: such a world with
//!   uplinks pulled, as `failsim run` runs it (trace, views, lanes, metrics; the first renders
//!   the text report), each beside its bare heap loop (`world/declared_N_bare_heap`).

#[path = "anchor/heartbeats.rs"]
mod heartbeats;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use failsim::engine::{Ctx, Model, Sim, TimerId, Tracing};
use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::hint::black_box;

const TIMERS: u64 = 4;
const INTERVAL_MS: u64 = 5_000;
const EVENTS: u64 = 1_000_000;

/// The bare loop: pop, count, push the next occurrence.
fn bare_heap(events: u64) -> u64 {
    let mut heap = BinaryHeap::new();
    let mut seq = 0u64;
    for t in 0..TIMERS {
        heap.push(Reverse((t * 1000, seq, t as u8)));
        seq += 1;
    }
    let mut handled = 0;
    while let Some(Reverse((at, _, id))) = heap.pop() {
        handled += 1;
        if handled == events {
            break;
        }
        heap.push(Reverse((at + INTERVAL_MS, seq, black_box(id))));
        seq += 1;
    }
    handled
}

/// The same schedule as engine timers handled by a model.
#[derive(Clone)]
struct Heartbeats {
    timers: Vec<TimerId>,
    checks: u64,
}

impl Model for Heartbeats {
    type Event = u8;
    type Record = &'static str;
    fn handle(&mut self, id: u8, cx: &mut Ctx<'_, u8, &'static str>) {
        self.checks += 1;
        cx.arm(self.timers[id as usize], INTERVAL_MS, black_box(id));
    }
}

fn engine(events: u64) -> u64 {
    let mut sim = Sim::build(Tracing::Keep, |cx| {
        let timers: Vec<TimerId> = (0..TIMERS).map(|_| cx.new_timer()).collect();
        for (i, t) in timers.iter().enumerate() {
            cx.arm(*t, i as u64 * 1000, i as u8);
        }
        Heartbeats { timers, checks: 0 }
    });
    while sim.events_handled() < events {
        sim.step_timestamp().expect("4 timers never overrun an instant");
    }
    sim.events_handled()
}

fn bench_engine(c: &mut Criterion) {
    let mut g = c.benchmark_group("engine");
    g.throughput(Throughput::Elements(EVENTS));
    g.bench_function("bare_binary_heap", |b| b.iter(|| bare_heap(black_box(EVENTS))));
    g.bench_function("engine_heartbeats", |b| b.iter(|| engine(black_box(EVENTS))));
    g.finish();
}

/// The anchors' heartbeat model (`anchor/heartbeats.rs`) on failsim's engine and on the plain
/// `BinaryHeap` + ChaCha8 loop, interleaved per size: 1, 100 and 1,000 pairs, each for as many
/// virtual seconds as make about 400,000 events. Throughput is the events, so the ratio of the
/// two is the engine's speed over the plain loop's.
fn bench_anchor(c: &mut Criterion) {
    let mut g = c.benchmark_group("anchor");
    for pairs in [1u32, 100, 1_000] {
        let end_ms = 100_000_000 / u64::from(pairs);
        let (engine, plain) = (heartbeats::engine(pairs, end_ms, 1), heartbeats::plain(pairs, end_ms, 1));
        assert_eq!(engine, plain, "both loops run the same model");
        g.throughput(Throughput::Elements(engine.events));
        g.bench_with_input(BenchmarkId::new("plain_loop", pairs), &pairs, |b, p| b.iter(|| heartbeats::plain(*p, end_ms, 1)));
        g.bench_with_input(BenchmarkId::new("engine", pairs), &pairs, |b, p| b.iter(|| heartbeats::engine(*p, end_ms, 1)));
    }
    g.finish();
}

fn scenario(src: &str) -> failsim::Scenario {
    failsim::parse(std::path::Path::new("bench.ron"), src).expect("bench scenario parses")
}

/// The full model: 24 virtual hours of the default pair, quiet, then with a flapping cable.
fn bench_model(c: &mut Criterion) {
    let quiet = scenario(r#"Scenario(name: "quiet", doc: "", system: DataMiner(), end: "24h")"#);
    let faults = scenario(
        r#"Scenario(name: "faults", doc: "", system: DataMiner(), end: "24h", script: [
            (at: "1h", do: Pull(cable: Sync, on: Online)), (at: "2h", do: Plug(cable: Sync, on: Online)),
            (at: "3h", do: Pull(cable: Corporate, on: Online)), (at: "5h", do: Plug(cable: Corporate, on: Main)),
            (at: "6h", do: Restart(node: Offline, duration: "3m")), (at: "7h", do: Write(count: 1000)),
            (at: "8h", do: Pull(cable: Both, on: Online)), (at: "9h", do: Plug(cable: Both, on: Main)),
            (at: "9h", do: Plug(cable: Both, on: Backup)), (at: "10h", do: Switch), (at: "12h", do: StopDb(Offline)),
        ])"#,
    );
    let mut g = c.benchmark_group("model");
    for (name, sc) in [("quiet_24h", &quiet), ("faults_24h", &faults)] {
        g.throughput(Throughput::Elements(failsim::bench::simulate(sc, 1).expect("runs")));
        g.bench_with_input(BenchmarkId::new("dataminer_trace_on", name), sc, |b, sc| b.iter(|| failsim::bench::simulate(sc, 1).expect("runs")));
    }
    g.finish();
}

/// Every scenario file, parsed and run, and its report rendered.
fn bench_suite(c: &mut Criterion) {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let files: Vec<(std::path::PathBuf, String)> =
        failsim::discover(&dir).expect("scenarios/").into_iter().map(|f| (f.clone(), std::fs::read_to_string(&f).expect("readable"))).collect();
    let mut g = c.benchmark_group("suite");
    g.throughput(Throughput::Elements(files.len() as u64));
    g.bench_function("all_scenarios", |b| {
        b.iter(|| {
            files
                .iter()
                .map(|(path, src)| {
                    let sc = failsim::parse(path, src).expect("parses");
                    failsim::report::text(&failsim::run(&sc, None).expect("runs")).len()
                })
                .sum::<usize>()
        })
    });
    g.finish();
}

/// Chaos runs of the default DataMiner profile (10 virtual minutes each), one thread and two.
fn bench_chaos(c: &mut Criterion) {
    use rayon::prelude::*;
    let system = failsim::named_system("dataminer").expect("a named target");
    let seeds: Vec<u64> = (0..512).collect();
    let run = |seed: &u64| failsim::bench::chaos_run(&system, *seed);
    let mut g = c.benchmark_group("chaos");
    g.throughput(Throughput::Elements(seeds.len() as u64));
    g.bench_function("dataminer_runs_1_thread", |b| b.iter(|| seeds.iter().map(run).sum::<u64>()));
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("pool");
    g.bench_function("dataminer_runs_2_threads", |b| b.iter(|| pool.install(|| seeds.par_iter().map(run).sum::<u64>())));
    g.finish();
}

/// A sweep of 100 cells (10 × 10) of a FAQ scenario, one thread and two, beside one run.
fn bench_sweep(c: &mut Criterion) {
    use failsim::sweep::{Axis, sweep};
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/dm-stop-online.ron");
    let sc = failsim::load(&path).expect("scenario");
    let axes = [Axis::parse("heartbeats[*].interval=1s..10s/1s").unwrap(), Axis::parse("heartbeats[*].max_failures=1..10/1").unwrap()];
    let mut g = c.benchmark_group("sweep");
    g.bench_function("one_run", |b| b.iter(|| failsim::run(&sc, None).expect("runs").events));
    g.bench_function("100_cells_1_thread", |b| b.iter(|| sweep(&sc, &axes, 1).unwrap().len()));
    g.bench_function("100_cells_2_threads", |b| b.iter(|| sweep(&sc, &axes, 2).unwrap().len()));
    g.finish();
}

/// `explore` on the quiet pair (`tests/explore/quiet.ron`, the default grid: 80 fault atoms)
/// at depths 2 and 3 on two threads, beside one run of the file: the ratio is how many runs an
/// exploration costs (62,200 combinations at depth 3; issue 23 asks for under 2 s).
fn bench_explore(c: &mut Criterion) {
    use failsim::explore::{Grid, Property, explore};
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/explore/quiet.ron");
    let sc = failsim::load(&path).expect("scenario");
    let grid = Grid { from_ms: 60_000, step_ms: 60_000, until_ms: 240_000, duration_ms: 120_000 };
    let property = Property::DowntimeAbove(600_000);
    let mut g = c.benchmark_group("explore");
    g.bench_function("quiet_one_run", |b| b.iter(|| failsim::run(&sc, None).expect("runs").events));
    for depth in [2, 3] {
        let name = format!("quiet_depth_{depth}_2_threads");
        g.bench_function(name, |b| b.iter(|| explore(&sc, "quiet.ron", depth, property, grid, 2).expect("explores").combinations_run));
    }
    g.finish();
}

/// A scenario with 1k, 10k and 100k script steps (a write every 10 ms: `script/steps`; the Sync
/// cable pulled and plugged in turn every 10 ms, so each step raises or clears an alarm on both
/// consoles: `script/pull_plug`), parsed, run and reported: the cost must grow linearly with the
/// steps (issue 11 found writes quadratic, issue 23 the consoles).
fn bench_script_steps(c: &mut Criterion) {
    let mut g = c.benchmark_group("script");
    let write = |_: u64| "Write(count: 1)";
    let pull_plug = |i: u64| if i.is_multiple_of(2) { "Pull(cable: Sync, on: Main)" } else { "Plug(cable: Sync, on: Main)" };
    let cases: [(&str, &dyn Fn(u64) -> &'static str); 2] = [("steps", &write), ("pull_plug", &pull_plug)];
    for (name, action) in cases {
        for n in [1_000u64, 10_000, 100_000] {
            let steps: String = (0..n).map(|i| format!("(at: \"{}ms\", do: {}),\n", i * 10, action(i))).collect();
            let src = format!("Scenario(name: \"steps\", doc: \"\", system: DataMiner(), script: [\n{steps}], end: \"20m\")");
            g.throughput(Throughput::Elements(n));
            g.bench_with_input(BenchmarkId::new(name, n), &src, |b, src| {
                b.iter(|| {
                    let sc = failsim::parse(std::path::Path::new("steps.ron"), src).expect("parses");
                    failsim::report::text(&failsim::run(&sc, None).expect("runs")).len()
                })
            });
        }
    }
    g.finish();
}

/// `timers` periodic timers (5 s, phases spread over the interval), re-armed as they fire, for
/// `events` pops: the queue operations of a quiet world of `timers / 6` pairs.
fn periodic<O: failsim::engine::Order<u32>>(timers: u64, events: u64) -> u64 {
    let mut q: failsim::engine::EventQueue<u32, O> = failsim::engine::EventQueue::default();
    let ids: Vec<TimerId> = (0..timers).map(|_| q.new_timer()).collect();
    for (i, t) in ids.iter().enumerate() {
        q.arm(*t, (i as u64 * 7_919) % INTERVAL_MS, i as u32);
    }
    let mut handled = 0;
    while handled < events {
        let (at, id) = q.pop().expect("timers re-arm forever");
        q.arm(ids[id as usize], at + INTERVAL_MS, black_box(id));
        handled += 1;
    }
    handled
}

fn bench_queue(c: &mut Criterion) {
    use failsim::engine::{AdaptiveOrder, HeapOrder, RadixOrder, SortedOrder, WheelOrder};
    let mut g = c.benchmark_group("queue");
    for timers in [6u64, 600, 6_000] {
        g.throughput(Throughput::Elements(EVENTS));
        g.bench_with_input(BenchmarkId::new("binary_heap", timers), &timers, |b, t| b.iter(|| periodic::<HeapOrder<u32>>(*t, EVENTS)));
        g.bench_with_input(BenchmarkId::new("radix_heap", timers), &timers, |b, t| b.iter(|| periodic::<RadixOrder<u32>>(*t, EVENTS)));
        g.bench_with_input(BenchmarkId::new("sorted_vec", timers), &timers, |b, t| b.iter(|| periodic::<SortedOrder<u32>>(*t, EVENTS)));
        g.bench_with_input(BenchmarkId::new("timing_wheel", timers), &timers, |b, t| b.iter(|| periodic::<WheelOrder<u32>>(*t, EVENTS)));
        g.bench_with_input(BenchmarkId::new("adaptive", timers), &timers, |b, t| b.iter(|| periodic::<AdaptiveOrder<u32>>(*t, EVENTS)));
    }
    g.finish();
}

/// N default pairs on the two-tier network, 24 virtual hours, trace off (`world/N_pairs_24h`),
/// beside the bare heap loop of the same run: as many timers (six a pair, and the LED refresh),
/// as many events (`world/N_bare_heap`). Compare per event: throughput is set to the events.
fn bench_world(c: &mut Criterion) {
    let mut g = c.benchmark_group("world");
    for pairs in [10usize, 100, 1_000] {
        let sc = scenario(&failsim::bench::pairs_scenario(pairs, "24h"));
        let events = failsim::bench::simulate_untraced(&sc, 1).expect("runs");
        let timers = 7 * pairs as u64;
        g.throughput(Throughput::Elements(events));
        g.bench_function(format!("{pairs}_bare_heap"), |b| b.iter(|| failsim::bench::bare_heap_of(black_box(timers), events)));
        g.bench_with_input(format!("{pairs}_pairs_24h"), &sc, |b, sc| b.iter(|| failsim::bench::simulate_untraced(sc, 1).expect("runs")));
    }
    g.finish();
}

criterion_group! { name = benches; config = Criterion::default().sample_size(10); targets = bench_engine, bench_anchor, bench_model, bench_suite, bench_chaos, bench_sweep, bench_explore, bench_script_steps, bench_queue }
/// A declared world of N default pairs (`pairs_scenario`) with an access switch's uplink pulled
/// for a minute every two minutes (`faults` times), as `failsim run` runs it: parsed, run with
/// the trace, every system's views, lanes and metrics — the cost must grow linearly with the
/// world (issue 23 found it quadratic: every system listed every cable at every changed
/// instant). `world/declared_1000_pairs_15m` renders the text report as well (142 MB: each
/// system's status prints the world's DNS table); `world/declared_5000_pairs_1m` stops at the
/// outcome (its text report would be 3.6 GB). Beside each, the bare heap loop of as many timers
/// and events (`world/declared_N_bare_heap`).
fn bench_declared(c: &mut Criterion) {
    let mut g = c.benchmark_group("world");
    for (pairs, end, faults, render) in [(1_000usize, "15m", 7usize, Render::Text), (5_000, "1m", 0, Render::Outcome)] {
        let src = declared_with_faults(pairs, end, faults);
        let events = failsim::bench::simulate_untraced(&scenario(&src), 1).expect("runs");
        g.throughput(Throughput::Elements(events));
        g.bench_function(format!("declared_{pairs}_bare_heap"), |b| b.iter(|| failsim::bench::bare_heap_of(black_box(7 * pairs as u64), events)));
        g.bench_with_input(format!("declared_{pairs}_pairs_{end}"), &src, |b, src| {
            b.iter(|| {
                let sc = failsim::parse(std::path::Path::new("pairs.ron"), src).expect("parses");
                let outcome = failsim::run(&sc, None).expect("runs");
                match render {
                    Render::Text => failsim::report::text(&outcome).len(),
                    Render::Outcome => outcome.timeline.len() + outcome.lanes.len() + outcome.others.len(),
                }
            })
        });
    }
    g.finish();
}

/// How much of `failsim run`'s output a bench produces.
#[derive(Clone, Copy)]
enum Render {
    /// The text report.
    Text,
    /// The outcome the reports are written from.
    Outcome,
}

/// `pairs_scenario` with `faults` uplinks pulled for a minute each, one every two minutes from
/// the first (as `src/bin/pairs.rs --simulate FAULTS`).
fn declared_with_faults(pairs: usize, end: &str, faults: usize) -> String {
    failsim::bench::pairs_with_faults(pairs, end, faults)
}

criterion_group! { name = world; config = Criterion::default().sample_size(10).measurement_time(std::time::Duration::from_secs(60)); targets = bench_world, bench_declared }
criterion_main!(benches, world);
