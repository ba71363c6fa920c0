//! Tests that build a whole run (the runner's `prepare`) to look at DataMiner's own state.

use super::{DataMiner, Role, Rule};
use crate::engine::{Fingerprint, Sim};
use crate::runner::{Harness, Setup, prepare};

/// The default pair at t = 0, built afresh.
fn quiet_pair() -> Sim<Harness<DataMiner>> {
    let sc = crate::scenario::load(std::path::Path::new("tests/explore/quiet.ron")).expect("the quiet pair loads");
    prepare::<DataMiner>(&Setup::of(&sc), &sc.script, sc.seed, crate::engine::Tracing::Off)
}

fn fingerprint(sim: &Sim<Harness<DataMiner>>) -> u128 {
    let mut h = Fingerprint::new();
    sim.model.fingerprint(&mut h);
    h.digest()
}

/// Explore merges runs whose fingerprints agree, so a field a future reads must move the
/// fingerprint, and the rules' counters (which no decision reads) must not.
#[test]
fn the_fingerprint_reads_the_agents_state_but_not_the_rule_counters() {
    let (sim, same) = (quiet_pair(), quiet_pair());
    assert_eq!(fingerprint(&sim), fingerprint(&same), "two builds of one scenario are one state");
    let mut failing = quiet_pair();
    failing.model.systems[0].agents[0].heartbeats[0].failures += 1;
    assert_ne!(fingerprint(&sim), fingerprint(&failing), "a heartbeat failure counts");
    let mut swapped = quiet_pair();
    swapped.model.systems[0].agents[1].role = Role::Online;
    assert_ne!(fingerprint(&sim), fingerprint(&swapped), "a role counts");
    let mut counted = quiet_pair();
    counted.model.systems[0].fired.fire(Rule::Notify);
    assert_eq!(fingerprint(&sim), fingerprint(&counted), "a rule's counter does not");
}

/// An active alarm is state (the lanes show it, the console clears it later); an alarm
/// cleared is history only a report's console listing reads.
#[test]
fn the_fingerprint_reads_active_alarms_but_not_cleared_ones() {
    let sim = quiet_pair();
    let alarm = [(super::AlarmSeverity::Notice.severity(), "Sync connection to DMA-BACKUP is failing".to_string())];
    let mut raised = quiet_pair();
    raised.model.systems[0].agents[0].console.reconcile(&alarm, 10);
    assert_ne!(fingerprint(&sim), fingerprint(&raised), "an active alarm counts");
    raised.model.systems[0].agents[0].console.reconcile(&[], 20);
    assert_eq!(raised.model.systems[0].agents[0].console.alarms().len(), 1, "the cleared alarm stays in the history");
    assert_eq!(fingerprint(&sim), fingerprint(&raised), "a cleared one does not");
}
