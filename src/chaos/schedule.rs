//! Fault schedules: what can go wrong (the fault alphabet), how a seed draws a schedule from it
//! (swarm testing: each seed also draws which kinds are on and how often they strike), and how a
//! schedule becomes an ordinary scenario script.

use super::{Fault, Letter, Profile};
use crate::action::{Action, Do, Target};
use crate::engine::{Rng, StreamAllocator, Time};
use crate::products::StepAction;
use crate::scenario::Step;
use crate::units::Ms;
use rand::RngExt;

/// A run's faults, and the workload around them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Schedule {
    /// Each system's chaos profile, with its name in the world ("" for a scenario's one
    /// system), in world order: its workload and its recovery procedure.
    pub systems: Vec<(String, Profile)>,
    /// The faults, each at its time and on its target, in the order drawn.
    pub faults: Vec<Fault>,
}

/// The reserved stream block of the chaos draws (apart from every system's streams).
const SWARM_BLOCK: u16 = 0;

impl Schedule {
    /// Swarm testing (as TigerBeetle's VOPR): the seed first draws which fault kinds are on and
    /// how often faults strike, then the faults themselves. Some runs hammer one kind; others mix.
    /// `nodes`: each system's nodes by name (a fault on a node strikes one of them).
    pub fn draw(seed: u64, alphabet: &[Letter], systems: Vec<(String, Profile)>, nodes: &[Vec<String>]) -> Schedule {
        assert!(!alphabet.is_empty(), "a world has at least one fault to draw");
        assert!(!systems.is_empty(), "a schedule is for at least one system");
        let fault_phase_ms = phase_of(&systems);
        let mut rng = StreamAllocator::reserved(seed, SWARM_BLOCK).take();
        let mut enabled: Vec<Letter> = alphabet.iter().filter(|_| rng.random_bool(0.5)).cloned().collect();
        if enabled.is_empty() {
            enabled.push(alphabet[rng.random_range(0..alphabet.len() as u32) as usize].clone());
        }
        let mean_gap_ms = [10_000u64, 30_000, 60_000][rng.random_range(0..3u32) as usize];
        let mut faults = Vec::new();
        let mut t = 0;
        loop {
            t += 1_000 + rng.random_range(0..2 * mean_gap_ms);
            if t >= fault_phase_ms {
                break;
            }
            faults.push(draw_fault(&mut rng, &enabled, nodes, t));
        }
        Schedule { systems, faults }
    }

    /// When every fault is healed: the longest fault phase of the world's systems.
    pub fn fault_phase_ms(&self) -> Time {
        phase_of(&self.systems)
    }

    /// When the run ends: the latest end of the world's systems.
    pub fn end_ms(&self) -> Time {
        self.systems.iter().map(|(_, p)| p.end_ms).max().expect("a schedule is for at least one system")
    }

    /// The scenario script: workload writes, each fault's strike, and its heal at the end of its
    /// duration or when the healing phase starts. Ties keep this order (writes, then faults in
    /// schedule order; at the healing instant, network first), which the engine preserves. In a
    /// world of several systems every step names its system.
    pub fn script(&self) -> Vec<Step> {
        let phase_ms = self.fault_phase_ms();
        let mut steps: Vec<(Time, usize, u16, StepAction)> = Vec::new();
        for (i, (_, p)) in self.systems.iter().enumerate() {
            let system = system_index(i);
            let mut t = p.write_every_ms;
            while p.write_count > 0 && t < phase_ms {
                steps.push((t, 0, system, Do::Shared(Action::Write { count: p.write_count })));
                t += p.write_every_ms;
            }
        }
        let n = self.faults.len();
        for (i, f) in self.faults.iter().enumerate() {
            for a in f.strike() {
                steps.push((f.at_ms, 1 + i, f.system, a));
            }
            if let Some(heal) = f.heal() {
                let at = (f.at_ms + f.duration_ms).min(phase_ms);
                // The healing phase restores the network first, then servers, then the rest, as
                // an operator would: a server started before its switch is back starts isolated.
                let rank = if at < phase_ms { 1 + i } else { (1 + heal_stage(&heal)) * (n + 1) + i };
                steps.push((at, rank, f.system, heal));
            }
        }
        // The product's documented recovery procedure follows every heal.
        for (i, (_, p)) in self.systems.iter().enumerate() {
            for k in 0..p.recover_steps {
                let at = phase_ms.saturating_add(u64::from(k).saturating_mul(p.recover_every_ms));
                steps.push((at, 4 * (n + 1) + k as usize, system_index(i), Do::Shared(Action::Recover)));
            }
        }
        steps.sort_by_key(|(t, rank, _, _)| (*t, *rank));
        steps.into_iter().map(|(at, _, system, action)| Step { at: Ms(at), system: self.name(system), action }).collect()
    }

    /// The name a step gives its system: none for a scenario's one system.
    fn name(&self, system: u16) -> Option<String> {
        let (name, _) = &self.systems[usize::from(system)];
        (!name.is_empty()).then(|| name.clone())
    }
}

fn system_index(i: usize) -> u16 {
    u16::try_from(i).expect("a world holds at most MAX_SYSTEMS systems")
}

/// The longest fault phase of the systems: every fault of the world is healed then.
fn phase_of(systems: &[(String, Profile)]) -> Time {
    systems.iter().map(|(_, p)| p.fault_phase_ms).max().expect("a schedule is for at least one system")
}

/// The order of the healing phase: network, then servers, then services on them — for a part
/// of a declared world named as for one named by role; a product's own heal comes last.
fn heal_stage(a: &StepAction) -> usize {
    use crate::action::NamedFault;
    let Some(a) = a.shared() else { return 2 };
    match a {
        Action::RestoreSwitch | Action::Plug { .. } | Action::EnableNic { .. } => 0,
        Action::World(NamedFault::RestoreSwitch(_) | NamedFault::Plug { .. } | NamedFault::EnableNic { .. }) => 0,
        Action::PowerOn(_) | Action::Start(_) | Action::World(NamedFault::PowerOn(_)) => 1,
        _ => 2,
    }
}

fn draw_fault(rng: &mut Rng, enabled: &[Letter], nodes: &[Vec<String>], at_ms: Time) -> Fault {
    let letter = enabled[rng.random_range(0..enabled.len() as u32) as usize].clone();
    let names = nodes.get(usize::from(letter.system)).map_or(&[][..], Vec::as_slice);
    // A pair draws its node as it always has (one coin), so a pair's campaigns stay as they were;
    // a system of one node strikes it; a system of more nodes draws among all of them.
    let node = match names.len() {
        1 => Target::Main,
        0 | 2 => {
            if rng.random_bool(0.5) {
                Target::Main
            } else {
                Target::Backup
            }
        }
        n => Fault::nodes_of(names).swap_remove(rng.random_range(0..n as u32) as usize),
    };
    let duration_ms = 5_000 + rng.random_range(0..115_000u64);
    Fault { system: letter.system, kind: letter.kind, node, at_ms, duration_ms }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::action::CableRef;
    use crate::chaos::FaultKind;
    use crate::products::{AnyCommand, AnyFault, dataminer};

    const RECOVER: StepAction = Do::Shared(Action::Recover);

    const P: Profile = Profile { fault_phase_ms: 180_000, end_ms: 600_000, write_every_ms: 30_000, write_count: 5, recover_steps: 0, recover_every_ms: 0 };
    const KINDS: [FaultKind; 3] = [FaultKind::PullCable(CableRef::Corporate), FaultKind::Stop, FaultKind::SwitchFailure];

    /// One system's letters.
    fn letters(kinds: &[FaultKind]) -> Vec<Letter> {
        kinds.iter().map(|kind| Letter { system: 0, kind: kind.clone() }).collect()
    }

    fn one(p: Profile) -> Vec<(String, Profile)> {
        vec![(String::new(), p)]
    }

    #[test]
    fn a_seed_draws_the_same_schedule_and_seeds_differ() {
        assert_eq!(Schedule::draw(7, &letters(&KINDS), one(P), &[]), Schedule::draw(7, &letters(&KINDS), one(P), &[]));
        let distinct: std::collections::BTreeSet<String> = (0..20).map(|s| format!("{:?}", Schedule::draw(s, &letters(&KINDS), one(P), &[]).faults)).collect();
        assert!(distinct.len() > 15);
    }

    #[test]
    fn the_recovery_procedure_follows_every_heal() {
        let p = Profile { recover_steps: 3, recover_every_ms: 60_000, ..P };
        // Every heal stage: the network, servers, and services on them (a database's start).
        let kinds = [KINDS[0].clone(), KINDS[1].clone(), KINDS[2].clone(), FaultKind::Own(AnyFault::DataMiner(dataminer::Fault::StopDb))];
        for seed in 0..50 {
            let script = Schedule::draw(seed, &letters(&kinds), one(p), &[]).script();
            let recover: Vec<u64> = script.iter().filter(|st| st.action == RECOVER).map(|st| st.at.0).collect();
            assert_eq!(recover, [180_000, 240_000, 300_000], "seed {seed}");
            let first = script.iter().position(|st| st.action == RECOVER).expect("a step");
            assert!(script[first..].iter().all(|st| st.at.0 > P.fault_phase_ms || st.action == RECOVER), "seed {seed}: every heal comes first");
        }
        assert!(!Schedule::draw(0, &letters(&KINDS), one(P), &[]).script().iter().any(|st| st.action == RECOVER), "none without a procedure");
    }

    #[test]
    fn named_parts_heal_in_the_same_stages_as_parts_named_by_role() {
        use crate::action::NamedFault;
        let stage = |a: Action| heal_stage(&Do::Shared(a));
        assert_eq!(stage(Action::World(NamedFault::Plug { cable: "isl-1".into() })), 0);
        assert_eq!(stage(Action::World(NamedFault::EnableNic { host: "a".into(), nic: "n".into() })), 0);
        assert_eq!(stage(Action::World(NamedFault::RestoreSwitch("core".into()))), 0);
        assert_eq!(stage(Action::World(NamedFault::PowerOn("a".into()))), 1);
        assert_eq!(stage(Action::Start(crate::action::Target::Main)), 1);
        assert_eq!(heal_stage(&Do::Own(AnyCommand::DataMiner(dataminer::Command::StartDb(crate::action::Target::Main)))), 2, "a product's own heal comes last");
    }

    #[test]
    fn every_fault_is_healed_within_the_fault_phase() {
        for seed in 0..50 {
            let s = Schedule::draw(seed, &letters(&KINDS), one(P), &[]);
            let script = s.script();
            assert!(script.iter().all(|st| st.at.0 <= P.fault_phase_ms));
            let strikes = script.iter().filter(|st| matches!(st.action, Do::Shared(Action::Pull { .. } | Action::Stop(_) | Action::FailSwitch))).count();
            let heals = script.iter().filter(|st| matches!(st.action, Do::Shared(Action::Plug { .. } | Action::Start(_) | Action::RestoreSwitch))).count();
            assert_eq!(strikes, heals);
            assert!(script.windows(2).all(|w| w[0].at <= w[1].at));
        }
    }

    #[test]
    fn in_a_world_of_several_systems_each_step_names_its_system() {
        let quiet = Profile { write_count: 0, ..P };
        let systems = vec![("pair-1".to_string(), P), ("pair-2".to_string(), Profile { fault_phase_ms: 240_000, recover_steps: 1, ..quiet })];
        let alphabet = vec![Letter { system: 1, kind: FaultKind::Stop }];
        let s = Schedule::draw(3, &alphabet, systems, &[]);
        assert_eq!((s.fault_phase_ms(), s.end_ms()), (240_000, 600_000), "the longest phase and the latest end");
        assert!(s.faults.iter().all(|f| f.system == 1), "a letter's faults strike its system");
        let script = s.script();
        let named = |name: &str| script.iter().filter(|st| st.system.as_deref() == Some(name)).collect::<Vec<_>>();
        assert!(named("pair-1").iter().all(|st| matches!(st.action, Do::Shared(Action::Write { .. }))), "pair-1 only writes");
        assert_eq!(named("pair-1").len(), 7, "a write every 30 s until the world's fault phase ends");
        assert!(named("pair-2").iter().any(|st| st.action == RECOVER), "pair-2's recovery step");
        assert_eq!(named("pair-1").len() + named("pair-2").len(), script.len(), "every step names its system");
    }
}
