//! The toy product through every tool, in its own words: a file's `do:` and `that:` read in its
//! vocabulary, a run, a round trip through a written file, and a chaos campaign that draws its
//! own fault.

use super::{Command, Config, Fault};
use crate::action::Do;
use crate::chaos::{Campaign, run_campaign};
use crate::fault::FaultKind;
use crate::products::{AnyCommand, AnyFault, System};
use crate::runner::Setup;
use std::path::Path;

fn scenario(script: &str, expect: &str) -> crate::scenario::Scenario {
    let src = format!(r#"Scenario(name: "toy", doc: "", system: Toy(), script: [{script}], end: "2m", expect: [{expect}])"#);
    crate::scenario::parse(Path::new("toy.ron"), &src).unwrap_or_else(|e| panic!("{e}"))
}

/// Whether each expectation held, and the failures' texts.
fn held(s: &crate::scenario::Scenario) -> Vec<Result<(), String>> {
    let outcome = crate::runner::run(s, None).expect("runs");
    outcome.expectations.iter().map(|e| e.failure.as_ref().map_or(Ok(()), |f| Err(format!("{f:?}")))).collect()
}

const CLAIMS: &str = r#"(ids: ["TOY"], when: At("30s"), that: Lit(Left)), (ids: ["TOY"], when: At("90s"), that: Lit("toy-b"))"#;

#[test]
fn its_own_command_and_claim_are_read_in_its_words_and_run() {
    let jammed = scenario(r#"(at: "1m", do: Jam(Left))"#, CLAIMS);
    assert_eq!(held(&jammed), [Ok(()), Ok(())]);
    let quiet = held(&scenario("", CLAIMS));
    assert!(quiet[0].is_ok(), "toy-a is lit from the start");
    let failure = quiet[1].as_ref().expect_err("without the jam toy-a stays lit");
    assert!(failure.contains("toy-b") && failure.contains("toy-a"), "expected vs actual: {failure}");
}

#[test]
fn a_shared_action_and_its_own_promote_move_the_light() {
    let s = scenario(
        r#"(at: "20s", do: Stop(Main)), (at: "40s", do: Start(Main)), (at: "70s", do: Promote("toy-a"))"#,
        r#"(ids: ["TOY"], when: At("30s"), that: Lit(Backup)), (ids: ["TOY"], when: At("50s"), that: Lit(Backup)), (ids: ["TOY"], when: At("80s"), that: Lit(Main))"#,
    );
    assert_eq!(held(&s), [Ok(()), Ok(()), Ok(())]);
}

#[test]
fn a_file_with_its_words_round_trips() {
    let s = scenario(r#"(at: "1m", do: Jam(Right)), (at: "70s", do: Unjam("toy-b"))"#, CLAIMS);
    let again = crate::scenario::parse(Path::new("again.ron"), &crate::scenario::to_ron(&s).expect("writes")).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(format!("{:?}", again.script), format!("{:?}", s.script));
    assert_eq!(format!("{:?}", again.expect), format!("{:?}", s.expect));
}

#[test]
fn another_products_command_and_claim_are_refused() {
    let src = r#"Scenario(name: "toy", doc: "", system: Toy(), script: [(at: "1m", do: StopDb(Main))], end: "2m")"#;
    let e = crate::scenario::parse(Path::new("toy.ron"), src).expect_err("not the toy's");
    assert!(e.message.contains("Toy pair does not support the action `StopDb`; it supports: Pull, Plug"), "{e}");
    assert!(e.message.contains("RestoreSwitch, Promote, Jam, Unjam"), "its own commands after the shared ones: {e}");
    let src = r#"Scenario(name: "toy", doc: "", system: Toy(), end: "2m", expect: [(ids: ["TOY"], when: At("1m"), that: Role(Main, Online))])"#;
    assert!(crate::scenario::parse(Path::new("toy.ron"), src).is_err(), "a DataMiner claim is not the toy's");
}

#[test]
fn chaos_draws_its_own_fault_and_checks_it() {
    let cfg = Config::default();
    let letters = Setup::<super::Toy>::one(&cfg, None).letters();
    assert!(letters.iter().any(|l| l.kind == FaultKind::Own(AnyFault::Toy(Fault::Jam))), "its own fault is in the alphabet");
    let setup = Setup::<super::Toy>::one(&cfg, None);
    let jams = (0..20).filter(|seed| {
        let script = crate::chaos::Schedule::draw(*seed, &letters, setup.profiles(), &setup.nodes()).script();
        let jam = |a: &crate::products::StepAction| matches!(a, Do::Own(AnyCommand::Toy(Command::Jam(_))));
        let unjam = |a: &crate::products::StepAction| matches!(a, Do::Own(AnyCommand::Toy(Command::Unjam(_))));
        script.iter().any(|st| jam(&st.action)) && script.iter().any(|st| unjam(&st.action))
    });
    assert!(jams.count() > 5, "schedules strike and heal its own fault with its own commands");
    let c = Campaign {
        system: System::Toy(cfg),
        systems: Vec::new(),
        world: None,
        target: "toy".into(),
        invoked_as: "toy".into(),
        seeds: 0..100,
        shard: None,
        jobs: 1,
        check_determinism: true,
        out_dir: None,
        start: crate::chaos::Start::Fresh,
        hooks: crate::chaos::Hooks::default(),
    };
    let summary = run_campaign(&c).expect("runs");
    assert_eq!((summary.runs, summary.nondeterministic.len()), (100, 0));
    assert!(summary.findings.is_empty(), "every fault heals and a node lights again: {:?}", summary.findings.first().map(|f| &f.violation.detail));
}
