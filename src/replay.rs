//! Files that replay a run and say so (FS-PIN, FS-REPRO): a scenario's text with the trace its
//! run gives pinned as `expect_trace`, written in place (`failsim run FILE --pin`) or into the
//! files chaos and explore write; and the words of the command that found them, so that it runs
//! as printed.

use crate::pin::ExpectTrace;
use crate::scenario::{Scenario, load, with_expect_trace, write_atomically};
use std::path::Path;

/// `src` with the trace of its own run pinned, and the scenario it reads as. The run is the
/// file's (its seed, no overrides): the pin a replay of the file will be checked against.
pub fn pinned_text(path: &Path, src: &str) -> Result<(String, Scenario), String> {
    let scenario = crate::scenario::parse(path, src).map_err(|e| e.to_string())?;
    let pin = crate::runner::pin(&scenario).map_err(|e| format!("{}: {e}", path.display()))?;
    with_expect_trace(path, src, &pin).map_err(|e| e.to_string())
}

/// Pins a scenario file in place: the file (a symlink's target) is rewritten atomically with its
/// permissions kept. Returns the pin written.
pub fn pin_file(path: &Path) -> Result<ExpectTrace, String> {
    load(path).map_err(|e| e.to_string())?;
    let real = std::fs::canonicalize(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let src = std::fs::read_to_string(&real).map_err(|e| format!("{}: {e}", path.display()))?;
    let permissions = std::fs::metadata(&real).map_err(|e| format!("{}: {e}", path.display()))?.permissions();
    let (text, scenario) = pinned_text(path, &src)?;
    write_atomically(&real, &text)?;
    // The temporary file was made private; the scenario keeps the mode it had.
    std::fs::set_permissions(&real, permissions).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(scenario.expect_trace.expect("a pinned file states its trace"))
}

/// `word` as one word of a POSIX shell command line: as it is when it holds only characters no
/// shell treats specially, otherwise in single quotes.
pub fn shell_word(word: &str) -> String {
    let plain = !word.is_empty() && word.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@%".contains(c));
    match plain {
        true => word.to_string(),
        false => format!("'{}'", word.replace('\'', r"'\''")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_words_are_quoted_only_when_a_shell_would_read_them_otherwise() {
        assert_eq!(shell_word("scenarios/dm-stop-online.ron"), "scenarios/dm-stop-online.ron");
        assert_eq!(shell_word("downtime>7m"), "'downtime>7m'");
        assert_eq!(shell_word("my file.ron"), "'my file.ron'");
        assert_eq!(shell_word("it's.ron"), r"'it'\''s.ron'");
        assert_eq!(shell_word(""), "''");
    }

    #[test]
    fn a_pinned_text_replays_its_pin() {
        use crate::runner::run;
        let src = "Scenario(name: \"t\", doc: \"\", system: CheckPoint(), script: [(at: \"1m\", do: Stop(Secondary))], end: \"5m\")";
        let (text, scenario) = pinned_text(Path::new("t.ron"), src).unwrap();
        assert!(text.starts_with(src.trim_end_matches(')')), "the user's text is kept: {text}");
        let outcome = run(&scenario, None).unwrap();
        let pin = outcome.expectations.last().expect("the pin's expectation");
        assert_eq!((pin.ids.as_slice(), &pin.failure), (&["FS-PIN".to_string()][..], &None), "{pin:?}");
        assert_eq!(scenario.expect_trace, Some(outcome.pin()), "the pin is the run's");
    }
}
