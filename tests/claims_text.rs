//! A claim and its window are printed as a scenario file writes them, so they can be pasted back
//! (issue 22): for every expectation of every scenario in `scenarios/`, the window and the claim
//! the report prints, written into the file's `expect:` in place of the file's own, parse, and
//! print the same again.

use std::path::Path;

/// The byte range of the file's `expect: [...]` list, brackets included.
fn expect_list(src: &str) -> Option<(usize, usize)> {
    let start = src.find("\n    expect: [")? + "\n    expect: ".len();
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for (i, c) in src[start..].char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_string => escaped = true,
            '"' => in_string = !in_string,
            '[' | '(' if !in_string => depth += 1,
            ']' | ')' if !in_string => {
                depth -= 1;
                if depth == 0 {
                    return Some((start, start + i + 1));
                }
            }
            _ => {}
        }
    }
    None
}

#[test]
fn every_printed_claim_parses_back_to_itself() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    let mut claims = 0;
    for path in failsim::discover(&dir).unwrap() {
        let src = std::fs::read_to_string(&path).unwrap();
        let outcome = failsim::run(&failsim::load(&path).unwrap(), None).unwrap();
        let (Some((from, to)), false) = (expect_list(&src), outcome.expectations.is_empty()) else { continue };
        // Expectations from the file's own claims only (a pin or a downtime bound adds others).
        let own: Vec<_> = outcome.expectations.iter().filter(|e| !e.ids.iter().any(|id| id == "FS-PIN" || id == "FS-REPRO")).collect();
        let list: Vec<String> = own
            .iter()
            .map(|e| {
                let system = if e.system.is_empty() { String::new() } else { format!("system: {:?}, ", e.system) };
                format!("({system}ids: {:?}, when: {}, that: {})", e.ids, e.when, e.claim)
            })
            .collect();
        let pasted = format!("{}[\n{}\n]{}", &src[..from], list.join(",\n"), &src[to..]);
        let again =
            failsim::parse(&path, &pasted).unwrap_or_else(|e| panic!("{}: a printed claim does not parse back: {e}\n{}", path.display(), list.join("\n")));
        let reprinted = failsim::run(&again, None).unwrap();
        let printed: Vec<(&str, &str)> = own.iter().map(|e| (e.when.as_str(), e.claim.as_str())).collect();
        let back: Vec<(&str, &str)> = reprinted
            .expectations
            .iter()
            .filter(|e| !e.ids.iter().any(|id| id == "FS-PIN" || id == "FS-REPRO"))
            .map(|e| (e.when.as_str(), e.claim.as_str()))
            .collect();
        assert_eq!(printed, back, "{}", path.display());
        claims += printed.len();
    }
    assert!(claims > 500, "the scenarios hold claims: {claims}");
}
