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

    pub fn from_ron(path: &Path, src: &str, e: &ron::error::SpannedError) -> Self {
        let (mut line, mut col) = (e.span.start.line, e.span.start.col);
        // ron puts some spans on the whitespace before the token: move to the token.
        if let Some(text) = src.lines().nth(line.saturating_sub(1)) {
            let skipped = text.chars().skip(col.saturating_sub(1)).take_while(|c| c.is_whitespace()).count();
            // At the end of a line (a missing comma, say) the end of the line is the place.
            if col.saturating_sub(1) + skipped < text.chars().count() {
                col += skipped;
            } else if text.trim().is_empty()
                && let Some((l, c)) = next_token(src, line)
            {
                (line, col) = (l, c);
            }
        }
        if matches!(e.code, ron::Error::ExpectedComma) {
            (line, col) = before_token(src, line, col);
        }
        Self::at(path, src, line, col, e.code.to_string())
    }

    fn at(path: &Path, src: &str, line: usize, col: usize, message: String) -> Self {
        let source_line = src.lines().nth(line.saturating_sub(1)).map(str::to_string);
        ScenarioError { file: path.display().to_string(), line, col, message, source_line }
    }

    /// An error about a whole section, located at the first line starting with `word`.
    pub fn at_word(path: &Path, src: &str, word: &str, message: &str) -> Self {
        Self::at_nth(path, src, word, 0, message)
    }

    /// An error located at the `n`-th (0-based) occurrence of `needle`.
    pub fn at_nth(path: &Path, src: &str, needle: &str, n: usize, message: &str) -> Self {
        Self::at_nth_after(path, src, "", needle, n, message)
    }

    /// An error located at the `n`-th (0-based) occurrence of `needle` at or after the first
    /// occurrence of `anchor` (a section's keyword).
    pub fn at_nth_after(path: &Path, src: &str, anchor: &str, needle: &str, n: usize, message: &str) -> Self {
        let start = src.find(anchor).unwrap_or(0);
        let hit = src[start..].match_indices(needle).nth(n).map(|(i, _)| start + i);
        let (line, col) = hit.map_or((0, 0), |at| {
            let before = &src[..at];
            (before.matches('\n').count() + 1, before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1)
        });
        Self::at(path, src, line, col, message.to_string())
    }
}

/// A missing comma belongs after the previous token: if (line, col) starts its line, the place
/// is just after the end of the previous non-blank line.
fn before_token(src: &str, line: usize, col: usize) -> (usize, usize) {
    let lines: Vec<&str> = src.lines().collect();
    let starts_line = lines.get(line.wrapping_sub(1)).is_some_and(|l| l.chars().take(col.saturating_sub(1)).all(char::is_whitespace));
    if !starts_line {
        return (line, col);
    }
    (1..line).rev().find(|&l| !lines[l - 1].trim().is_empty()).map_or((line, col), |l| (l, lines[l - 1].trim_end().chars().count() + 1))
}

fn next_token(src: &str, after_line: usize) -> Option<(usize, usize)> {
    src.lines().enumerate().skip(after_line).find_map(|(i, l)| l.chars().position(|c| !c.is_whitespace()).map(|c| (i + 1, c + 1)))
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
