//! How the binary prints for people: whether it colours its verdict words and how much it says
//! (`--color`, `--quiet`). Set once from the command line, before any command runs; read where
//! a verdict word is printed. JSON, CSV and files written with `--out`, `--junit`, `--html` or
//! `--svg` are never coloured.

use std::io::IsTerminal;
use std::sync::OnceLock;

/// `--color`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum When {
    /// On a terminal, unless `NO_COLOR` is set (no-color.org).
    Auto,
    Always,
    Never,
}

/// `--quiet`.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Verbosity {
    Normal,
    Quiet,
}

/// The verdict words the binary colours.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub(crate) enum Word {
    Ok,
    Fail,
    Error,
}

struct Style {
    color: bool,
    /// Colour on standard error (errors): decided as for standard output, for its own terminal.
    color_stderr: bool,
    verbosity: Verbosity,
}

static STYLE: OnceLock<Style> = OnceLock::new();

/// Sets the style from the command line (once; a second call is ignored).
pub(crate) fn set(when: When, verbosity: Verbosity) {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    let (color, color_stderr) = match when {
        When::Always => (true, true),
        When::Never => (false, false),
        When::Auto => (std::io::stdout().is_terminal() && !no_color, std::io::stderr().is_terminal() && !no_color),
    };
    let _ = STYLE.set(Style { color, color_stderr, verbosity });
}

fn style() -> &'static Style {
    STYLE.get_or_init(|| Style { color: false, color_stderr: false, verbosity: Verbosity::Normal })
}

pub(crate) fn quiet() -> bool {
    style().verbosity == Verbosity::Quiet
}

/// A verdict word as printed: `ok` green, `FAIL` red, `ERROR` bold red when colouring.
pub(crate) fn word(w: Word) -> String {
    let (text, code) = match w {
        Word::Ok => ("ok", "32"),
        Word::Fail => ("FAIL", "31"),
        Word::Error => ("ERROR", "1;31"),
    };
    paint(text, code)
}

fn paint(text: &str, code: &str) -> String {
    if style().color { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_string() }
}

/// An expectation's verdict word in the text report, coloured as [`word`] colours it.
pub(crate) fn verdict(v: failsim::report::Verdict) -> String {
    match v {
        failsim::report::Verdict::Held => word(Word::Ok),
        failsim::report::Verdict::Failed => word(Word::Fail),
    }
}

/// How a scenario's error is drawn on standard error: in colour when colouring there.
pub(crate) fn error_paint() -> failsim::Paint {
    if style().color_stderr { failsim::Paint::Colored } else { failsim::Paint::Plain }
}

/// `error:` before an error on standard error: bold red when colouring there.
pub(crate) fn error_prefix() -> String {
    if style().color_stderr { "\x1b[1;31merror\x1b[0m:".to_string() } else { "error:".to_string() }
}

/// `text` without colour escapes (`ESC [ ... m`): an error as JSON and JUnit keep it.
pub(crate) fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("\x1b[") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        // A sequence ends at its final byte, a letter; a cut one is dropped whole.
        rest = after.find(|c: char| c.is_ascii_alphabetic()).map_or("", |end| &after[end + 1..]);
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn plain_drops_colour_escapes_only() {
        assert_eq!(super::plain("\x1b[1;31merror\x1b[0m: a [b] \x1b[0m"), "error: a [b] ");
        assert_eq!(super::plain("no escapes"), "no escapes");
    }
}
