//! Check Point Management High Availability beyond its scenarios: three servers in Collision
//! Mode, the HA Status window a Standby shows while two Actives differ or after a failed sync,
//! what a sync loses, faults that change nothing, the timeline's lanes, and the rule counts a
//! run reports (cargo-mutants found these decisions exercised by no scenario).

use std::path::Path;

fn run(script: &str, end: &str, expect: &str) -> failsim::Outcome {
    let text = format!(
        r#"Scenario(name: "cp", doc: "", seed: 1, system: CheckPoint(servers: ["P", "S1", "S2"]), script: [{script}], end: "{end}", expect: [{expect}])"#
    );
    let sc = failsim::parse(Path::new("cp.ron"), &text).unwrap_or_else(|e| panic!("{e}"));
    failsim::run(&sc, None).expect("runs")
}

fn trace(o: &failsim::Outcome) -> String {
    failsim::report::text(o)
}

/// P is cut off and S1 made Active (P untold: CP-6); P publishes what S1 never gets. The
/// Standby S2, synced by both Actives in turn, sees one Active as "Not synchronized" though no
/// sync to it failed: the databases differ.
#[test]
fn a_standby_between_two_actives_shows_the_one_it_differs_from_as_not_synchronized() {
    let o = run(
        r#"(at: "1m", do: Pull(cable: Corporate, on: "P")), (at: "2m", do: MakeActive("S1")), (at: "3m", do: Edit(on: "P", count: 2)), (at: "3m10s", do: Publish("P")), (at: "4m", do: Plug(cable: Corporate, on: "P"))"#,
        "11m",
        r#"(ids: ["CP-6"], when: During("2m", "11m"), that: ActiveCount(2)),
           (ids: ["CP-7"], when: At("11m"), that: Status(from: "S2", of: "S2", item: "Mode", is: "Standby")),
           (ids: ["CP-7"], when: At("11m"), that: Status(from: "S2", of: "P", item: "Status", is: "Not synchronized")),
           (ids: ["CP-7"], when: At("11m"), that: Status(from: "S2", of: "S1", item: "Status", is: "Synchronized"))"#,
    );
    assert!(o.passed(), "{}", trace(&o));
}

/// Three Actives (each made Active while cut off from the others, CP-6); one set back to Standby
/// leaves two, still in the Collision Mode CP-6 documents (CP-8 ends it only at one Active).
#[test]
fn a_collision_of_three_stays_documented_until_one_active_is_left() {
    let o = run(
        r#"(at: "1m", do: Pull(cable: Corporate, on: "P")), (at: "2m", do: MakeActive("S1")), (at: "3m", do: Pull(cable: Corporate, on: "S1")), (at: "4m", do: MakeActive("S2")), (at: "5m", do: Plug(cable: Corporate, on: "P")), (at: "5m", do: Plug(cable: Corporate, on: "S1")), (at: "6m", do: MakeStandby("P")), (at: "7m", do: MakeStandby("S1"))"#,
        "8m",
        r#"(ids: ["CP-6"], when: During("4m", "5m59s"), that: ActiveCount(3)),
           (ids: ["CP-8"], when: During("6m", "6m59s"), that: ActiveCount(2)),
           (ids: ["CP-8"], when: During("7m", "8m"), that: ActiveCount(1)),
           (ids: ["CP-6"], when: At("6m30s"), that: Healthy)"#,
    );
    let held: Vec<bool> = o.expectations.iter().map(|e| e.failure.is_none()).collect();
    assert_eq!(held, [true, true, true, false], "{}", trace(&o));
    // Between 6m and 7m the two remaining Actives collide, as CP-6 documents.
    let failure = o.expectations[3].failure.as_ref().map(|f| format!("{f:?}")).unwrap_or_default();
    assert!(failure.contains("Collision: S1 and S2 are both Active (documented: CP-6)"), "{failure}");
}

/// FS-COVERAGE: each Check Point rule under its SPEC ID, counted once per decision.
#[test]
fn a_run_counts_each_rule_it_decided_by() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/cp-collision.ron");
    let o = failsim::run(&failsim::load(&path).unwrap(), None).unwrap();
    let fired: Vec<(&str, u32)> = o.rules_fired.iter().map(|(id, n)| (id.as_str(), *n)).collect();
    assert_eq!(fired, [("CP-2", 2), ("CP-3", 1), ("CP-5", 0), ("CP-6", 1), ("CP-8", 1), ("CP-10", 0)], "{fired:?}");
}

/// A NIC fault that changes nothing is not recorded: S1's NIC disabled twice shows once in the
/// trace, and enabled once.
#[test]
fn a_nic_disabled_twice_is_recorded_once() {
    let o = run(
        r#"(at: "1m", do: DisableNic(cable: Corporate, on: "S1")), (at: "1m30s", do: DisableNic(cable: Corporate, on: "S1")), (at: "2m", do: EnableNic(cable: Corporate, on: "S1"))"#,
        "3m",
        "",
    );
    let at = |text: &str| o.timeline.iter().filter(|l| l.text.contains(text)).map(|l| l.at_ms).collect::<Vec<_>>();
    assert_eq!(at("S1 NIC disabled"), [60_000], "{}", trace(&o));
    assert_eq!(at("S1 NIC enabled"), [120_000], "{}", trace(&o));
}

/// A sync drops from the Standby what the Active lacks, but loses only what no other server
/// holds: in Collision Mode (CP-6), S1 publishes #0..#1 to S2; when P, the other Active, syncs
/// S2 with its own database, #0..#1 are gone from S2 but still on S1: nothing is lost.
#[test]
fn a_change_another_server_holds_is_not_lost_when_a_standby_is_overwritten() {
    let o = run(
        r#"(at: "1m", do: Pull(cable: Corporate, on: "P")), (at: "2m", do: MakeActive("S1")), (at: "3m", do: Edit(on: "S1", count: 2)), (at: "3m10s", do: Publish("S1")),
           (at: "4m", do: Plug(cable: Corporate, on: "P")), (at: "5m", do: Edit(on: "P", count: 1)), (at: "5m10s", do: Publish("P"))"#,
        "7m",
        r#"(ids: ["CP-6"], when: At("7m"), that: Changes(written: 3, lost: 0))"#,
    );
    assert!(o.passed(), "{}", trace(&o));
    let at = |text: &str| o.timeline.iter().filter(|l| l.text.contains(text)).map(|l| l.at_ms).collect::<Vec<_>>();
    assert_eq!(at("sync S1 -> S2: Synchronized (2 change(s) copied)"), [190_000], "{}", trace(&o));
    assert_eq!(at("sync P -> S2: Synchronized (1 change(s) copied)"), [310_000], "{}", trace(&o));
}

/// CP-7: a Standby a sync failed to reach shows as not synchronized until a sync reaches it,
/// though no change was made: S1's NIC is disabled across the periodic sync at 10m; once it is
/// back (11m) the banner says some servers could not be synchronized, the databases being
/// identical; the next periodic sync (20m) clears it.
#[test]
fn a_failed_sync_shows_in_the_banner_though_the_databases_are_identical() {
    let o = run(
        r#"(at: "9m", do: DisableNic(cable: Corporate, on: "S1")), (at: "11m", do: EnableNic(cable: Corporate, on: "S1"))"#,
        "21m",
        r#"(ids: ["CP-7"], when: During("11m", "19m59s"), that: Banner(from: "P", is: "Some servers could not be synchronized")),
           (ids: ["CP-7"], when: At("11m"), that: Status(from: "P", of: "S1", item: "Status", is: "Not synchronized")),
           (ids: ["CP-7"], when: At("20m"), that: Banner(from: "P", is: "The database of the primary Security Management Server is identical with the database of the secondary"))"#,
    );
    assert!(o.passed(), "{}", trace(&o));
}

/// The timeline's lanes (SVG/HTML report): each server's mode, "down" while its services do not
/// run, and each cable plugged or pulled.
#[test]
fn the_lanes_follow_each_server_and_cable() {
    let o = run(r#"(at: "1m", do: Pull(cable: Corporate, on: "S1")), (at: "2m", do: Plug(cable: Corporate, on: "S1")), (at: "3m", do: Stop("S2"))"#, "4m", "");
    let lane = |name: &str| {
        let lane = o.lanes.iter().find(|l| l.name == name).unwrap_or_else(|| panic!("no lane {name}"));
        lane.segments.iter().map(|(from, to, s)| (*from, *to, s.word.as_str())).collect::<Vec<_>>()
    };
    assert_eq!(lane("P"), [(0, 240_000, "Active")]);
    assert_eq!(lane("S2"), [(0, 180_000, "Standby"), (180_000, 240_000, "down")]);
    let names: Vec<&str> = o.lanes.iter().map(|l| l.name.as_str()).collect();
    let cable = o.lanes.iter().find(|l| l.segments.iter().any(|(_, _, s)| s.word == "pulled")).unwrap_or_else(|| panic!("no pulled cable: {names:?}"));
    let words: Vec<(u64, &str)> = cable.segments.iter().map(|(from, _, s)| (*from, s.word.as_str())).collect();
    assert_eq!(words, [(0, "plugged"), (60_000, "pulled"), (120_000, "plugged")], "{}", cable.name);
}
