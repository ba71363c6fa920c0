//! JUnit XML for `failsim check --junit`: one testcase per scenario, failures with expected
//! versus actual.
//!
//! The shape CI tools read (Jenkins, GitLab, GitHub test reporters, Surefire's schema):
//! `<testsuites>` holding one `<testsuite name="failsim">`, one `<testcase>` per file with
//! `classname="failsim.<system>"` and `name="<path>"`; a `<failure>` when an expectation failed,
//! an `<error>` when the file could not be run. A testcase's `time` is the wall-clock seconds its
//! run took (measured by the command around the run, never inside it); the suite's is their sum.

use crate::engine::clock;
use crate::runner::{ExpectationResult, Outcome};
use std::fmt::Write;

/// What JUnit reports of a file that ran: its figures and its failed expectations, not its
/// trace (`check` keeps this of each file and drops the outcome, so its memory does not grow
/// with the runs' traces).
#[derive(Clone, Debug)]
pub struct Checked {
    /// The scenario's name.
    pub name: String,
    /// The products it ran, as [`Outcome::system`].
    pub system: String,
    /// How many expectations it has.
    pub expectations: usize,
    /// The expectations that failed, with what was expected and seen.
    pub failed: Vec<ExpectationResult>,
    /// Events the run handled.
    pub events: u64,
    /// The run's trace hash.
    pub trace_hash: u64,
}

impl Checked {
    /// What JUnit needs of a run's outcome.
    pub fn of(o: &Outcome) -> Self {
        let failed: Vec<ExpectationResult> = o.expectations.iter().filter(|e| e.failure.is_some()).cloned().collect();
        Checked { name: o.name.clone(), system: o.system.clone(), expectations: o.expectations.len(), failed, events: o.events, trace_hash: o.trace_hash }
    }

    /// Whether every expectation held.
    pub fn passed(&self) -> bool {
        self.failed.is_empty()
    }
}

/// One checked file: its path and what it gave, or why it could not run, and the wall-clock
/// time that took (reports only: nothing a run decides reads it).
pub struct Case {
    /// The file as the command line named it (the test case's name).
    pub path: String,
    /// What the run gave, or why the file could not run (a JUnit error).
    pub result: Result<Checked, String>,
    /// Wall-clock time of the run, for the report's `time` attributes.
    pub wall_ms: u64,
}

/// Milliseconds as JUnit's seconds, to the millisecond.
fn seconds(ms: u64) -> String {
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// A JUnit XML report of checked files, as CI servers read it: one test case per file, a
/// failure per failed file (listing its failed expectations), an error per file that could
/// not run.
pub fn junit(cases: &[Case]) -> String {
    let failures = cases.iter().filter(|c| matches!(&c.result, Ok(o) if !o.passed())).count();
    let errors = cases.iter().filter(|c| c.result.is_err()).count();
    let counts = format!("tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\"", cases.len());
    let total = seconds(cases.iter().map(|c| c.wall_ms).fold(0, u64::saturating_add));
    let mut s = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(s, "<testsuites name=\"failsim\" {counts} time=\"{total}\">");
    let _ = writeln!(s, "  <testsuite name=\"failsim\" {counts} skipped=\"0\" time=\"{total}\">");
    for case in cases {
        let name = attr(&case.path);
        match &case.result {
            Ok(o) => {
                let _ = writeln!(s, "    <testcase classname=\"failsim.{}\" name=\"{name}\" time=\"{}\">", attr(&o.system), seconds(case.wall_ms));
                if !o.failed.is_empty() {
                    let _ = write!(s, "      <failure message=\"{} of {} expectations failed\" type=\"expectation\">", o.failed.len(), o.expectations);
                    for e in &o.failed {
                        let f = e.failure.as_ref().expect("a failed expectation has its failure");
                        let item = format!(
                            "[{}] {}: {}\n  expected: {}\n  actual:   {}\n  at:       {}\n",
                            e.ids.join(", "),
                            e.when,
                            e.claim,
                            f.expected,
                            f.actual,
                            clock(f.at_ms)
                        );
                        s.push_str(&text(&item));
                    }
                    s.push_str("</failure>\n");
                }
                let held = o.expectations - o.failed.len();
                let out = format!("{}\n{held} of {} expectations held; {} events, hash {:016x}\n", o.name, o.expectations, o.events, o.trace_hash);
                let _ = writeln!(s, "      <system-out>{}</system-out>", text(&out));
            }
            Err(e) => {
                let _ = writeln!(s, "    <testcase classname=\"failsim\" name=\"{name}\" time=\"{}\">", seconds(case.wall_ms));
                let message = e.lines().next().unwrap_or_default();
                let _ = writeln!(s, "      <error message=\"{}\" type=\"scenario\">{}</error>", attr(message), text(e));
            }
        }
        s.push_str("    </testcase>\n");
    }
    s.push_str("  </testsuite>\n</testsuites>\n");
    s
}

/// Escapes character data: the five XML specials, and characters XML 1.0 forbids (control
/// characters other than tab, line feed and carriage return) as U+FFFD.
fn text(raw: &str) -> String {
    escape(raw, false)
}

/// Escapes an attribute value: as [`text`], plus tab and line breaks as character references
/// (a parser would otherwise normalize them to spaces).
fn attr(raw: &str) -> String {
    escape(raw, true)
}

fn escape(raw: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(raw.len());
    for ch in raw.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\r' if attribute => out.push_str("&#13;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' | '\r' | '\t' => out.push(ch),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        assert_eq!(text("a & b < c > d \"e\" 'f'"), "a &amp; b &lt; c &gt; d &quot;e&quot; &apos;f&apos;");
        assert_eq!(text("x\ny\u{1b}z"), "x\ny\u{FFFD}z");
        assert_eq!(attr("x\ny\tz"), "x&#10;y&#9;z");
    }

    #[test]
    fn errors_are_counted_and_escaped() {
        let cases = [Case { path: "a<b>.ron".into(), result: Err("a.ron:1:1: expected '<'\n  | x".into()), wall_ms: 1_234 }];
        let x = junit(&cases);
        assert!(x.contains("tests=\"1\" failures=\"0\" errors=\"1\" time=\"1.234\""), "{x}");
        assert!(x.contains("name=\"a&lt;b&gt;.ron\" time=\"1.234\""), "{x}");
        assert!(x.contains("name=\"a&lt;b&gt;.ron\""), "{x}");
        assert!(
            x.contains("<error message=\"a.ron:1:1: expected &apos;&lt;&apos;\" type=\"scenario\">a.ron:1:1: expected &apos;&lt;&apos;\n  | x</error>"),
            "{x}"
        );
        assert_eq!(junit(&[]).lines().nth(1), Some("<testsuites name=\"failsim\" tests=\"0\" failures=\"0\" errors=\"0\" time=\"0.000\">"));
    }
}
