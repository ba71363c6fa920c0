use super::tree::Span;
use std::fmt;
use std::path::Path;

/// A scenario that cannot be run: where, what was expected, and the offending line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    pub file: String,
    /// 1-based line and column (columns count characters); 0 when there is no position.
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub source_line: Option<String>,
}

impl ScenarioError {
    pub fn io(path: &Path, e: &std::io::Error) -> Self {
        ScenarioError { file: path.display().to_string(), line: 0, col: 0, message: format!("cannot read: {e}"), source_line: None }
    }

    /// An error about the file as a whole (no position).
    pub fn plain(path: &Path, message: &str) -> Self {
        ScenarioError { file: path.display().to_string(), line: 0, col: 0, message: message.to_string(), source_line: None }
    }

    /// A byte that is not UTF-8, at `valid_up_to` (located by line and column of the text before it).
    pub fn bad_utf8(path: &Path, bytes: &[u8], valid_up_to: usize) -> Self {
        let before = String::from_utf8_lossy(&bytes[..valid_up_to]);
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let text = String::from_utf8_lossy(bytes).lines().nth(line - 1).map(str::to_string);
        let message = format!("byte {valid_up_to} (0x{:02x}) is not UTF-8: scenario files are UTF-8 text", bytes[valid_up_to]);
        ScenarioError { file: path.display().to_string(), line, col, message, source_line: text }
    }

    /// An error at a byte offset of the file (a node's first byte, say).
    pub(crate) fn at_offset(path: &Path, src: &str, offset: usize, message: &str) -> Self {
        let mut at = offset.min(src.len());
        while !src.is_char_boundary(at) {
            at -= 1;
        }
        let before = &src[..at];
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Self::at(path, src, line, col, message.to_string())
    }

    fn at(path: &Path, src: &str, line: usize, col: usize, message: String) -> Self {
        let source_line = src.lines().nth(line.saturating_sub(1)).map(str::to_string);
        ScenarioError { file: path.display().to_string(), line, col, message, source_line }
    }

    /// An error at a node of the file: at its first byte.
    pub(crate) fn at_span(path: &Path, src: &str, span: Span, message: &str) -> Self {
        Self::at_offset(path, src, span.start, message)
    }

    /// An error at the `n`-th (0-based) occurrence of `needle` within `span` (a section whose
    /// checks name the part they are about), or at the span's start.
    pub(crate) fn at_nth_within(path: &Path, src: &str, span: Span, needle: &str, n: usize, message: &str) -> Self {
        let section = src.get(span.start..span.end).unwrap_or_default();
        let at = section.match_indices(needle).nth(n).map_or(span.start, |(i, _)| span.start + i);
        Self::at_offset(path, src, at, message)
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            return write!(f, "{}: {}", self.file, self.message);
        }
        writeln!(f, "{}:{}:{}: {}", self.file, self.line, self.col, self.message)?;
        if let Some(text) = &self.source_line {
            let gutter = self.line.to_string().len();
            writeln!(f, "{:gutter$} |", "")?;
            writeln!(f, "{} | {}", self.line, text)?;
            write!(f, "{:gutter$} | {}^", "", " ".repeat(self.col.saturating_sub(1)))?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}
