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

/// An error in a scenario file of one 2 MB line prints a window of the line, not the line.
#[test]
fn an_error_on_a_long_line_prints_a_window_of_it() {
    let src = format!("Scenario(name: \"n\", doc: \"{}\", system: DataMiner(), end: \"5m\", bogus: 1)", "x".repeat(2_000_000));
    let err = failsim::parse(std::path::Path::new("long.ron"), &src).expect_err("an unknown field");
    let text = err.to_string();
    assert!(text.starts_with("long.ron:1:2000062: Unexpected field named `bogus`"), "{}", &text[..200.min(text.len())]);
    assert!(text.len() < 1_000, "{} bytes", text.len());
}
