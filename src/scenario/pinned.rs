//! `failsim run FILE --pin` (FS-PIN): a file's text with its `expect_trace` written in place —
//! the value replaced where the file has one, else added after the last field — and every other
//! byte (comments, layout, the order of fields) as the user wrote it.

use super::tree::{self, Kind};
use super::{Scenario, ScenarioError, parse};
use crate::pin::ExpectTrace;
use std::path::Path;

/// `src` with `pin` as its `expect_trace`, and the scenario it reads as (so a pin is never
/// written into a file that would not read back).
pub fn with_expect_trace(path: &Path, src: &str, pin: &ExpectTrace) -> Result<(String, Scenario), ScenarioError> {
    let root = tree::read(src).map_err(|e| ScenarioError::at_offset(path, src, e.at, &e.message))?;
    let body = match &root.kind {
        Kind::Named { content, .. } => content.as_ref(),
        _ => &root,
    };
    let Kind::Fields(fields) = &body.kind else {
        return Err(ScenarioError::at_span(path, src, root.span, "a scenario is `Scenario(name: ..., ...)`"));
    };
    let text = match (fields.iter().find(|f| f.key == "expect_trace"), fields.last()) {
        (Some(old), _) => splice(src, old.value.span, &pin.to_ron(indent_of(src, old.key_span.start))),
        (None, Some(last)) => {
            let indent = indent_of(src, last.key_span.start);
            let at = tree::Span { start: last.value.span.end, end: last.value.span.end };
            splice(src, at, &format!(",\n{indent}expect_trace: {}", pin.to_ron(indent)))
        }
        (None, None) => return Err(ScenarioError::at_span(path, src, root.span, "a scenario has fields: `name:`, `doc:`, `system:`, `end:`")),
    };
    let scenario = parse(path, &text)?;
    Ok((text, scenario))
}

fn splice(src: &str, span: tree::Span, with: &str) -> String {
    format!("{}{with}{}", &src[..span.start], &src[span.end..])
}

/// The whitespace that starts the line holding byte `at`.
fn indent_of(src: &str, at: usize) -> &str {
    let line_start = src[..at].rfind('\n').map_or(0, |i| i + 1);
    let line = &src[line_start..];
    &line[..line.len() - line.trim_start_matches([' ', '\t']).len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pin::{ExpectTrace, Fingerprint, TraceHash};

    fn pin(hash: u64) -> ExpectTrace {
        ExpectTrace {
            hash: TraceHash(hash),
            events: 7,
            failsim: "0.1.0".into(),
            fingerprint: Some(Fingerprint { records: 2, every: 1, tags: vec![1, 0xbeef] }),
        }
    }

    const FILE: &str = "Scenario(\n    name: \"n\", // a comment stays\n    doc: \"\",\n    system: CheckPoint(),\n    end: \"5m\"\n)\n";

    #[test]
    fn a_pin_is_added_after_the_last_field_and_replaced_in_place() {
        let (added, sc) = with_expect_trace(Path::new("f.ron"), FILE, &pin(1)).unwrap();
        let want = "    end: \"5m\",\n    expect_trace: (\n        hash: \"0000000000000001\",\n        events: 7,\n        failsim: \"0.1.0\",\n        fingerprint: (records: 2, every: 1, tags: [\n            \"0001beef\",\n        ]),\n    )\n)\n";
        assert!(added.ends_with(want), "expected the pin after `end`, got:\n{added}");
        assert!(added.contains("// a comment stays"));
        assert_eq!(sc.expect_trace, Some(pin(1)));
        let (replaced, sc) = with_expect_trace(Path::new("f.ron"), &added, &pin(2)).unwrap();
        assert_eq!(replaced, added.replace("0000000000000001", "0000000000000002"), "only the value changes");
        assert_eq!(sc.expect_trace.map(|p| p.hash), Some(TraceHash(2)));
        let (trailing, _) = with_expect_trace(Path::new("f.ron"), &FILE.replace("\"5m\"\n", "\"5m\",\n"), &pin(1)).unwrap();
        assert!(trailing.ends_with("    ),\n)\n"), "a trailing comma stays after the pin:\n{trailing}");
    }

    #[test]
    fn a_file_that_is_not_a_scenario_is_a_located_error() {
        let e = with_expect_trace(Path::new("f.ron"), "[1, 2]", &pin(1)).unwrap_err();
        assert_eq!((e.line, e.col), (1, 1), "{e}");
        let e = with_expect_trace(Path::new("f.ron"), "Scenario()", &pin(1)).unwrap_err();
        assert_eq!((e.line, e.col), (1, 1), "{e}");
    }
}
