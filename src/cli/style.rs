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
    verbosity: Verbosity,
}

static STYLE: OnceLock<Style> = OnceLock::new();

/// Sets the style from the command line (once; a second call is ignored).
pub(crate) fn set(when: When, verbosity: Verbosity) {
    let color = match when {
        When::Always => true,
        When::Never => false,
        When::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let _ = STYLE.set(Style { color, verbosity });
}

fn style() -> &'static Style {
    STYLE.get_or_init(|| Style { color: false, verbosity: Verbosity::Normal })
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
