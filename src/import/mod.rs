//! `failsim import` (FS-IMPORT, DM-INSTALLCONFIG): a DataMiner System described by the
//! unattended installation's `InstallConfiguration.xml` becomes a scenario file — a declared
//! world with a host per machine, a switch per subnet, and a system per Failover pair and per
//! standalone agent — with
//! every value the file does not give written out as failsim's default, and a comment saying
//! where each value came from.
//!
//! The scenario is written as text (comments are the point of it) and read back with
//! [`crate::scenario::parse`] before it is handed out, so the product's own checks judge every
//! generated file: a file that would not run is an error here, never a file the user gets.

mod lint;
mod plan;
mod write;
mod xml;

use crate::scenario::ScenarioError;
use std::path::Path;

/// The largest `InstallConfiguration.xml` read (a stated limit; the page's examples are under
/// 20 KiB, and a file of [`MAX_DMAS`] pairs fits well inside it).
pub const MAX_XML_BYTES: usize = 4 << 20;
pub use xml::MAX_DMAS;

/// A place in the XML file: 1-based line and column (columns count characters).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Where {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub col: usize,
}

/// Something wrong (an error) or worth saying (a warning) at a place of the XML file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// Where in the file.
    pub at: Where,
    /// What is wrong or worth saying there.
    pub message: String,
}

impl Problem {
    fn at(at: Where, message: String) -> Self {
        Problem { at, message }
    }
}

/// A generated scenario and what the import warns about, each warning at its XML place.
#[derive(Clone, Debug)]
pub struct Imported {
    /// The scenario file's text (RON); it parses and runs as it is.
    pub scenario: String,
    /// What the import could not carry over or had to guess, each at its XML place (the file
    /// still imports).
    pub warnings: Vec<ScenarioError>,
    /// How many Failover pairs and standalone agents the file describes.
    pub pairs: usize,
    /// How many standalone agents (DMAs in no pair) it describes.
    pub standalone: usize,
}

/// Imports `text`, the contents of the file at `path` (named in errors and in the output).
/// Bad input is a located error (`file:line:col` in the XML); nothing here panics on it.
pub fn import(path: &Path, text: &str) -> Result<Imported, ScenarioError> {
    let lines = Lines::new(text);
    let located = |p: Problem| lines.error(path, &p);
    if text.len() > MAX_XML_BYTES {
        return Err(ScenarioError::plain(path, &format!("{} bytes: an InstallConfiguration.xml of at most {MAX_XML_BYTES} bytes is read", text.len())));
    }
    let doc = roxmltree::Document::parse(text).map_err(|e| located(well_formed(text, &lines, &e)))?;
    let mut warnings = Vec::new();
    let dms = xml::dms(&doc, &lines, &mut warnings).map_err(located)?;
    let plan = plan::plan(&dms, &mut warnings).map_err(located)?;
    lint::lint(&dms, &mut warnings);
    let name = path.file_name().map_or_else(|| path.display().to_string(), |n| n.to_string_lossy().into_owned());
    let scenario = write::scenario(&name, &dms, &plan);
    let out = Path::new("imported.ron");
    crate::scenario::parse(out, &scenario).map_err(|e| {
        ScenarioError::plain(path, &format!("the scenario made from this file does not pass failsim's checks (if the message names no limit, it is a bug of `failsim import`: please report it with this file):\n{e}"))
    })?;
    warnings.sort_by_key(|w| w.at);
    let warnings = warnings.into_iter().map(|w| lines.error(path, &Problem { message: format!("warning: {}", w.message), ..w })).collect();
    Ok(Imported { scenario, warnings, pairs: plan.pairs.len(), standalone: plan.agents.len() })
}

/// A parse error of the XML itself, located, with what to do where roxmltree says what it
/// expected: a tag closed by another one is an element never closed.
fn well_formed(text: &str, lines: &Lines<'_>, e: &roxmltree::Error) -> Problem {
    let pos = e.pos();
    let at = Where { line: pos.row as usize, col: pos.col as usize };
    let message = match e {
        roxmltree::Error::UnexpectedCloseTag(expected, actual, _) => {
            let offset = lines.offset(at);
            let opened = text[..offset].rfind(&format!("<{expected}>")).map(|o| lines.of(o));
            let place = opened.map_or_else(String::new, |o| format!(" opened at line {}, column {},", o.line, o.col));
            format!("not well-formed XML: `</{actual}>` closes a tag while `<{expected}>`{place} is still open: close it (`<{expected}>value</{expected}>`)")
        }
        _ => format!("not well-formed XML: {e}"),
    };
    Problem::at(at, message)
}

/// The text by lines, to turn a byte offset into a place and a place into an error.
pub struct Lines<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        let starts = std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Lines { text, starts }
    }

    /// The place of a byte offset.
    fn of(&self, offset: usize) -> Where {
        let line = self.starts.partition_point(|s| *s <= offset).max(1);
        let start = self.starts[line - 1];
        let col = self.text.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        Where { line, col }
    }

    /// The byte offset of a place (its line's end when the column is past it).
    fn offset(&self, at: Where) -> usize {
        let start = self.starts.get(at.line.saturating_sub(1)).copied().unwrap_or(self.text.len());
        let line = &self.text[start..];
        start + line.char_indices().nth(at.col.saturating_sub(1)).map_or(line.len(), |(i, _)| i)
    }

    fn error(&self, path: &Path, p: &Problem) -> ScenarioError {
        let text = self.text.lines().nth(p.at.line.saturating_sub(1));
        ScenarioError::new(path.display().to_string(), p.at.line, p.at.col, &p.message, text)
    }
}
