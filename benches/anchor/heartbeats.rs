//! The anchors' heartbeat model, written twice: on failsim's engine, and as the plain loop a
//! discrete-event simulator is at its core (SimPy's queue, say, is a heap of `(time, priority,
//! id, event)`): a `BinaryHeap` of `(time, seq, event)` and a ChaCha8 stream. Both handle the same events in the same order and
//! draw the same numbers, so they end with the same [`Outcome`]; the ratio of their times is
//! what the engine costs (or saves) over the plain loop.
//!
//! Each pair is two nodes that send each other a heartbeat every second (phases drawn at start);
//! a heartbeat is lost one time in a hundred, else delivered after 1 to 10 ms; each delivery
//! re-arms the receiver's failure detector (3 s), which cancels its earlier arming; a detector
//! that fires counts a suspicion and watches again. Shared by `benches/sim.rs` (`anchor/*`) and
//! `examples/heartbeats.rs` (the same runs for cachegrind).

use failsim::engine::{Ctx, Model, Sim, TimerId, Tracing};
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::cmp::Reverse;
use std::collections::BinaryHeap;

const INTERVAL_MS: u64 = 1_000;
const TIMEOUT_MS: u64 = 3_000;

/// What a run ends with: equal for both loops, or they did not run the same model.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    pub events: u64,
    pub delivered: u64,
    pub suspicions: u64,
}

/// A heartbeat's fate: `None` when lost, else its latency.
#[inline]
fn draw_send(rng: &mut ChaCha8Rng) -> Option<u64> {
    if rng.random_range(0..100u32) == 0 {
        return None;
    }
    Some(rng.random_range(1..=10u64))
}

/// A node's first heartbeat (drawn in node order).
fn draw_phase(rng: &mut ChaCha8Rng) -> u64 {
    rng.random_range(0..INTERVAL_MS)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ev {
    Send(u32),
    Deliver(u32),
    Timeout(u32),
}

/// The model on failsim's engine: sends and deliveries are plain events, the detectors timers.
#[derive(Clone)]
pub struct OnEngine {
    rng: ChaCha8Rng,
    detectors: Vec<TimerId>,
    out: Outcome,
}

impl Model for OnEngine {
    type Event = Ev;
    type Record = &'static str;
    #[inline]
    fn handle(&mut self, ev: Ev, cx: &mut Ctx<'_, Ev, &'static str>) {
        match ev {
            Ev::Send(n) => {
                if let Some(latency_ms) = draw_send(&mut self.rng) {
                    cx.schedule_in(latency_ms, Ev::Deliver(n ^ 1));
                }
                cx.schedule_in(INTERVAL_MS, Ev::Send(n));
            }
            Ev::Deliver(n) => {
                self.out.delivered += 1;
                cx.arm(self.detectors[n as usize], TIMEOUT_MS, Ev::Timeout(n));
            }
            Ev::Timeout(n) => {
                self.out.suspicions += 1;
                cx.arm(self.detectors[n as usize], TIMEOUT_MS, Ev::Timeout(n));
            }
        }
    }
}

pub fn engine(pairs: u32, end_ms: u64, seed: u64) -> Outcome {
    let mut sim = Sim::build(Tracing::Off, |cx| {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut detectors = Vec::new();
        for n in 0..2 * pairs {
            let t = cx.new_timer();
            cx.schedule_in(draw_phase(&mut rng), Ev::Send(n));
            cx.arm(t, TIMEOUT_MS, Ev::Timeout(n));
            detectors.push(t);
        }
        OnEngine { rng, detectors, out: Outcome::default() }
    });
    sim.run_until(end_ms).expect("heartbeats never overrun an instant");
    Outcome { events: sim.events_handled(), ..sim.model.out }
}

/// The plain loop: a binary heap of `(time, seq, event)`; a detector's event carries the
/// generation it was armed with and is skipped (not counted) when the detector moved on.
pub fn plain(pairs: u32, end_ms: u64, seed: u64) -> Outcome {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut heap: BinaryHeap<Reverse<(u64, u64, Ev, u32)>> = BinaryHeap::new();
    let mut generations = vec![0u32; 2 * pairs as usize];
    let mut seq = 0u64;
    let mut push = |heap: &mut BinaryHeap<_>, at: u64, ev: Ev, generation: u32| {
        heap.push(Reverse((at, seq, ev, generation)));
        seq += 1;
    };
    for n in 0..2 * pairs {
        push(&mut heap, draw_phase(&mut rng), Ev::Send(n), 0);
        generations[n as usize] += 1;
        push(&mut heap, TIMEOUT_MS, Ev::Timeout(n), generations[n as usize]);
    }
    let mut out = Outcome::default();
    while let Some(Reverse((now, _, ev, generation))) = heap.pop() {
        if now > end_ms {
            break;
        }
        match ev {
            Ev::Send(n) => {
                if let Some(latency_ms) = draw_send(&mut rng) {
                    push(&mut heap, now + latency_ms, Ev::Deliver(n ^ 1), 0);
                }
                push(&mut heap, now + INTERVAL_MS, Ev::Send(n), 0);
            }
            Ev::Deliver(n) => {
                out.delivered += 1;
                generations[n as usize] += 1;
                push(&mut heap, now + TIMEOUT_MS, Ev::Timeout(n), generations[n as usize]);
            }
            Ev::Timeout(n) => {
                if generations[n as usize] != generation {
                    continue;
                }
                out.suspicions += 1;
                generations[n as usize] += 1;
                push(&mut heap, now + TIMEOUT_MS, Ev::Timeout(n), generations[n as usize]);
            }
        }
        out.events += 1;
    }
    out
}
