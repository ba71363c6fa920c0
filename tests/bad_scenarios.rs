//! Every malformed file in `tests/bad/` must give a located error (`file:line:col`, what was
//! expected, the offending line) — never a panic. The error texts are snapshots.

#[test]
fn bad_scenarios() {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("../snapshots");
    settings.set_prepend_module_to_snapshot(false);
    settings.bind(|| {
        insta::glob!("bad", "*.ron", |path| {
            let name = std::path::Path::new("tests/bad").join(path.file_name().unwrap());
            let src = std::fs::read_to_string(path).unwrap();
            let err = failsim::parse(&name, &src).expect_err("a bad scenario must not parse");
            assert!(err.line > 0 && err.col > 0, "error without a position: {err}");
            insta::assert_snapshot!(err.to_string());
        });
    });
}
