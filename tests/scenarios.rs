//! The data-driven suite: every file in `scenarios/` is run, must hold all its expectations, and
//! its text report must match the reviewed snapshot in `snapshots/`.
//! (One `glob!` per test file: see crates.md on insta's glob bookkeeping.)

use failsim::report;

#[test]
fn scenarios() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::glob!("../scenarios", "*.ron", |path| {
            let sc = failsim::load(path).unwrap_or_else(|e| panic!("{e}"));
            let outcome = failsim::run(&sc, None).unwrap();
            let text = report::text(&outcome);
            assert!(outcome.passed(), "expectations failed in {}:\n{text}", path.display());
            insta::assert_snapshot!(text);
        });
    });
}
