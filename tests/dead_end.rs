//! DM-DEADEND beyond the scenario files: the documented recovery procedure step by step, on a
//! healthy pair and on every way a chaos run can leave it; the two-online assumption both ways.

use std::path::Path;

fn run(config: &str, script: &str, end: &str) -> failsim::Outcome {
    let src = format!(r#"Scenario(name: "dead end", doc: "", seed: 1, system: DataMiner({config}), script: [{script}], end: "{end}")"#);
    failsim::run(&failsim::parse(Path::new("dead-end.ron"), &src).expect("parses"), None).expect("runs")
}

fn texts(o: &failsim::Outcome) -> Vec<&str> {
    o.timeline.iter().map(|l| l.text).collect()
}

fn role(o: &failsim::Outcome, dma: &str) -> String {
    o.revised.nodes.iter().find(|n| n.name == dma).map(|n| n.role.clone()).expect("a node line")
}

#[test]
fn recovery_on_a_healthy_pair_does_nothing() {
    let o = run("", r#"(at: "1m", do: Recover)"#, "5m");
    assert!(texts(&o).iter().any(|t| t.contains("nothing to recover now")), "{:?}", texts(&o));
    assert_eq!((role(&o, "DMA-MAIN").as_str(), role(&o, "DMA-BACKUP").as_str()), ("Online", "Offline"));
}

#[test]
fn recovery_starts_the_seed_node_dma_first_then_the_other() {
    // Both stop; Backup (not the seed) is started first and fails (DM-SEED-1). The procedure:
    // start Main (the seed), wait while it starts, then start Backup again.
    let script = r#"(at: "1m", do: Stop(Backup)), (at: "1m", do: Stop(Main)), (at: "2m", do: Start(Backup)),
        (at: "4m", do: Recover), (at: "5m", do: Recover), (at: "6m", do: Recover), (at: "8m", do: Recover)"#;
    let o = run("", script, "12m");
    let t = texts(&o);
    let steps: Vec<&&str> = t.iter().filter(|t| t.starts_with("recovery procedure:")).collect();
    assert_eq!(steps, [&"recovery procedure: start DataMiner on DMA-MAIN", &"recovery procedure: start DataMiner on DMA-BACKUP"], "{t:?}");
    assert!(t.iter().any(|t| t.contains("nothing to recover now")), "Main is starting at 5m, and at 8m all is well");
    assert_eq!((role(&o, "DMA-MAIN").as_str(), role(&o, "DMA-BACKUP").as_str()), ("Online", "Offline"));
    // With Backup the seed, its own start at 2m succeeds; the procedure starts Main.
    let seed = run("seed: Backup", script, "12m");
    let steps: Vec<&str> = seed.timeline.iter().filter(|l| l.text.starts_with("recovery procedure:")).map(|l| l.text).collect();
    assert_eq!(steps, ["recovery procedure: start DataMiner on DMA-MAIN"]);
    // A seed whose database is down is started first, before the other DMA's.
    let db = run("", r#"(at: "1m", do: StopDb(Main)), (at: "1m", do: StopDb(Backup)), (at: "2m", do: Recover), (at: "3m", do: Recover)"#, "5m");
    let steps: Vec<&str> = db.timeline.iter().filter(|l| l.text.starts_with("recovery procedure:")).map(|l| l.text).collect();
    assert_eq!(steps, ["recovery procedure: start the database on DMA-MAIN", "recovery procedure: start the database on DMA-BACKUP"]);
}

#[test]
fn two_online_dmas_that_hear_each_other_stay_so_only_with_both_stay() {
    // Without inverted heartbeats an isolated online DMA stays online (DM-SPLIT); the cables
    // come back at 9m, after Backup went online.
    let heartbeats = "heartbeats: [Normal(from: Main), Normal(from: Backup)]";
    let script = r#"(at: "1m", do: Pull(cable: Both, on: Main)), (at: "9m", do: Plug(cable: Both, on: Main))"#;
    let default = run(heartbeats, script, "15m");
    assert_eq!((role(&default, "DMA-MAIN").as_str(), role(&default, "DMA-BACKUP").as_str()), ("Offline", "Online"), "the newer online DMA stays");
    let both = run(&format!("{heartbeats}, dead_end: (two_online: BothStay)"), script, "15m");
    assert_eq!((role(&both, "DMA-MAIN").as_str(), role(&both, "DMA-BACKUP").as_str()), ("Online", "Online"));
    assert!(texts(&both).contains(&"DM-DEADEND: two DMAs online, with every heartbeat and the sync connection working"), "{:?}", texts(&both));
    assert!(both.revised.notes.iter().any(|n| n.starts_with("DM-DEADEND: two DMAs online since ")), "{:?}", both.revised.notes);
    assert!(both.revised.nodes.iter().all(|n| n.facts.contains(&"LED red".to_string())), "never looks healthy: {:?}", both.revised.nodes);
}

#[test]
fn the_two_core_switches_partition_ends_with_the_default_assumption() {
    let sc = failsim::load(Path::new("scenarios/world-two-core-switches.ron")).expect("loads");
    let resolved = failsim::apply_overrides(&sc, &["dead_end.two_online=NewerStaysOnline".into()]).expect("a field of the DataMiner system");
    let o = failsim::run(&resolved, None).expect("runs");
    assert_eq!(role(&o, "dma-a"), "Offline", "with the default assumption Main, online longer, goes offline when the link is back");
    assert_eq!(role(&o, "dma-b"), "Online");
}

#[test]
fn two_dmas_that_claimed_the_role_at_the_same_instant_leave_it_to_main() {
    // Main is cut off; both restart together and both go online at start-up, each unable to
    // reach the other, at the same instant; Main's cables are back before its inverted
    // heartbeat fails past its tolerance (legacy storage: no seed node to wait for). No NIC is
    // checked: with the default (the corporate NIC, DM-OPT-NICCHECK) Main, its cable pulled,
    // would stay offline at start-up, and there would be no tie to break.
    let script = r#"(at: "30s", do: Pull(cable: Both, on: Main)), (at: "1m", do: Restart(node: Main, duration: "30s")),
        (at: "1m", do: Restart(node: Backup, duration: "30s")), (at: "1m50s", do: Plug(cable: Both, on: Main))"#;
    let o = run("storage: Legacy, nics_to_check: []", script, "12m");
    let t = texts(&o);
    assert!(t.contains(&"DMA-BACKUP Failover Status => Offline (DMA-MAIN claims the online role too, and claimed it later (failsim assumption dead_end.two_online: NewerStaysOnline, DM-DEADEND))"), "{t:?}");
    assert_eq!((role(&o, "DMA-MAIN").as_str(), role(&o, "DMA-BACKUP").as_str()), ("Online", "Offline"), "a tie keeps Main");
}

#[test]
fn a_dead_end_is_not_healthy_and_says_why() {
    let src = r#"Scenario(name: "dead end", doc: "", seed: 1, system: DataMiner(),
        script: [(at: "1m", do: FailSwitch), (at: "3m", do: RestoreSwitch)], end: "6m",
        expect: [(ids: ["DM-DEADEND"], when: At("6m"), that: Healthy)])"#;
    let o = failsim::run(&failsim::parse(Path::new("dead-end.ron"), src).expect("parses"), None).expect("runs");
    assert!(!o.passed(), "no DMA online is not healthy");
    let failure = o.expectations[0].failure.as_ref().expect("the Healthy claim failed");
    assert!(failure.actual.contains("0 DMA(s) online"), "{failure:?}");
}
