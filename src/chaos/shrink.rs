//! Shrinking a failing schedule while the same invariant still fails: drop faults, shorten
//! them, move them earlier. Each step keeps a change only if the run still violates the
//! invariant, so the result fails the same way and is never longer than the original.

use super::{Invariant, Schedule, run_schedule};
use crate::engine::Tracing;
use crate::products::Registered;
use crate::runner::Setup;

/// At most this many runs are spent shrinking one schedule.
const BUDGET: usize = 400;

/// A smaller schedule that still breaks `invariant` with the same seed: faults dropped,
/// shortened and moved earlier while it still fails, within a budget of runs, so a repro
/// shows only what the failure needs.
pub fn shrink<P: Registered>(setup: &Setup<'_, P>, schedule: &Schedule, seed: u64, invariant: Invariant) -> Schedule {
    let mut best = schedule.clone();
    let mut runs = 0;
    let fails = |s: &Schedule, runs: &mut usize| {
        *runs += 1;
        run_schedule::<P>(setup, s, seed, Tracing::Off).violates(invariant)
    };
    loop {
        let before = best.clone();
        // Drop faults, last first (later faults depend on earlier ones more often than not).
        let mut i = best.faults.len();
        while i > 0 && runs < BUDGET {
            i -= 1;
            let mut candidate = best.clone();
            candidate.faults.remove(i);
            if fails(&candidate, &mut runs) {
                best = candidate;
            }
        }
        // Shorten durations and move faults earlier, halving while it still fails.
        for i in 0..best.faults.len() {
            for edit in [Nudge::Shorten, Nudge::Earlier] {
                while runs < BUDGET {
                    let mut candidate = best.clone();
                    if !edit.apply(&mut candidate, i) {
                        break;
                    }
                    if !fails(&candidate, &mut runs) {
                        break;
                    }
                    best = candidate;
                }
            }
        }
        if best == before || runs >= BUDGET {
            return best;
        }
    }
}

#[derive(Clone, Copy)]
enum Nudge {
    Shorten,
    Earlier,
}

impl Nudge {
    /// Applies the edit to fault `i`; false when it cannot go further (whole seconds, order kept).
    fn apply(self, s: &mut Schedule, i: usize) -> bool {
        let prev_at = if i == 0 { 0 } else { s.faults[i - 1].at_ms };
        let f = &mut s.faults[i];
        match self {
            Nudge::Shorten => {
                let shorter = (f.duration_ms / 2 / 1000) * 1000;
                if shorter < 1000 || shorter == f.duration_ms {
                    return false;
                }
                f.duration_ms = shorter;
            }
            Nudge::Earlier => {
                let earlier = ((prev_at + (f.at_ms - prev_at) / 2) / 1000) * 1000;
                if earlier <= prev_at || earlier >= f.at_ms {
                    return false;
                }
                f.at_ms = earlier;
            }
        }
        true
    }
}
