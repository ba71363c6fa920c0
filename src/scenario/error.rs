use super::tree::Span;
use std::fmt;
use std::path::Path;

/// A scenario that cannot be run: where, what was expected, and an excerpt of the offending line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file as named (its path, as given).
    pub file: String,
    /// 1-based line and column (columns count characters); 0 when there is no position.
    pub line: usize,
    /// The column, from 1; 0 when there is no position.
    pub col: usize,
    /// What is wrong, and what was expected.
    pub message: String,
    /// The offending line around the column, as shown under the message.
    pub excerpt: Option<Excerpt>,
}

/// The most characters of the offending line an error shows: a line up to this long is shown
/// whole, a longer one as a window of this many characters around the column, so an error in a
/// file of one 4 MiB line prints a few hundred bytes, not the line.
pub const EXCERPT_CHARS_MAX: usize = 200;

/// How many characters of a cut line the window shows before the column.
pub const EXCERPT_CHARS_BEFORE: usize = 80;

/// The longest a quoted value (between backticks) in a message is shown, and the longest a
/// message is: a value the file repeats at length is shown cut, marked `…`.
pub const QUOTED_CHARS_MAX: usize = 80;
pub const MESSAGE_CHARS_MAX: usize = 2_000;

/// A window of the offending line: its text (`…` where the line was cut) and the 1-based
/// column of the caret within it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excerpt {
    pub text: String,
    pub caret: usize,
}

impl Excerpt {
    /// The window of `line` around the 1-based character column `col` (see
    /// [`EXCERPT_CHARS_MAX`]).
    pub fn of(line: &str, col: usize) -> Self {
        let chars = line.chars().count();
        if chars <= EXCERPT_CHARS_MAX {
            return Excerpt { text: line.to_string(), caret: col };
        }
        let at = col.saturating_sub(1).min(chars);
        let start = at.saturating_sub(EXCERPT_CHARS_BEFORE).min(chars - EXCERPT_CHARS_MAX);
        let end = start + EXCERPT_CHARS_MAX;
        let (cut_start, cut_end) = (start > 0, end < chars);
        let mut text = String::with_capacity(EXCERPT_CHARS_MAX * 4 + 6);
        if cut_start {
            text.push('…');
        }
        text.extend(line.chars().skip(start).take(EXCERPT_CHARS_MAX));
        if cut_end {
            text.push('…');
        }
        let excerpt = Excerpt { text, caret: at - start + 1 + usize::from(cut_start) };
        assert!(excerpt.caret <= EXCERPT_CHARS_MAX + 2, "the caret is within the window");
        excerpt
    }
}

/// `message` with each quoted value (between backticks) longer than [`QUOTED_CHARS_MAX`] cut,
/// and the whole at most [`MESSAGE_CHARS_MAX`] characters; `…` marks each cut.
pub fn bounded(message: &str) -> String {
    let mut out = String::new();
    for (i, part) in message.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        // Odd parts are between backticks (an unclosed last one too: it is cut the same way).
        let limit = if i % 2 == 1 { QUOTED_CHARS_MAX } else { MESSAGE_CHARS_MAX };
        push_cut(&mut out, part, limit);
    }
    if out.chars().count() > MESSAGE_CHARS_MAX {
        let whole = std::mem::take(&mut out);
        push_cut(&mut out, &whole, MESSAGE_CHARS_MAX);
    }
    out
}

/// Pushes `text`, cut to its first `limit` characters and `…` when it is longer.
fn push_cut(out: &mut String, text: &str, limit: usize) {
    match text.char_indices().nth(limit) {
        Some((cut, _)) => {
            out.push_str(&text[..cut]);
            out.push('…');
        }
        None => out.push_str(text),
    }
}

impl ScenarioError {
    /// An error at 1-based `line` and `col` of a file whose offending line is `text` (`None`:
    /// the file has no such line). The message and the excerpt are bounded.
    pub fn new(file: String, line: usize, col: usize, message: &str, text: Option<&str>) -> Self {
        let excerpt = text.map(|t| Excerpt::of(t, col));
        ScenarioError { file, line, col, message: bounded(message), excerpt }
    }

    /// `path` could not be read (the whole file's error).
    pub fn io(path: &Path, e: &std::io::Error) -> Self {
        Self::plain(path, &format!("cannot read: {e}"))
    }

    /// An error about the file as a whole (no position).
    pub fn plain(path: &Path, message: &str) -> Self {
        Self::new(path.display().to_string(), 0, 0, message, None)
    }

    /// A byte that is not UTF-8, at `valid_up_to` (located by line and column of the text before it).
    pub fn bad_utf8(path: &Path, bytes: &[u8], valid_up_to: usize) -> Self {
        let before = String::from_utf8_lossy(&bytes[..valid_up_to]);
        let line = before.matches('\n').count() + 1;
        let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        let text = String::from_utf8_lossy(bytes).lines().nth(line - 1).map(str::to_string);
        let message = format!("byte {valid_up_to} (0x{:02x}) is not UTF-8: scenario files are UTF-8 text", bytes[valid_up_to]);
        Self::new(path.display().to_string(), line, col, &message, text.as_deref())
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
        Self::new(path.display().to_string(), line, col, message, src.lines().nth(line - 1))
    }

    /// An error at a node of the file: at its first byte.
    pub(crate) fn at_span(path: &Path, src: &str, span: Span, message: &str) -> Self {
        Self::at_offset(path, src, span.start, message)
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line == 0 {
            return write!(f, "{}: {}", self.file, self.message);
        }
        writeln!(f, "{}:{}:{}: {}", self.file, self.line, self.col, self.message)?;
        if let Some(excerpt) = &self.excerpt {
            let gutter = self.line.to_string().len();
            writeln!(f, "{:gutter$} |", "")?;
            writeln!(f, "{} | {}", self.line, excerpt.text)?;
            write!(f, "{:gutter$} | {}^", "", " ".repeat(excerpt.caret.saturating_sub(1)))?;
        }
        Ok(())
    }
}

impl std::error::Error for ScenarioError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_line_is_shown_whole() {
        let line = "x".repeat(EXCERPT_CHARS_MAX);
        assert_eq!(Excerpt::of(&line, 7), Excerpt { text: line.clone(), caret: 7 });
    }

    #[test]
    fn a_long_line_is_cut_to_a_window_around_the_column() {
        let line: String = (0..1_000).map(|i| char::from(b'a' + (i % 26) as u8)).collect();
        let e = Excerpt::of(&line, 500);
        let shown: String = line.chars().skip(499 - EXCERPT_CHARS_BEFORE).take(EXCERPT_CHARS_MAX).collect();
        assert_eq!(e.text, format!("…{shown}…"), "cut at both ends, marked");
        assert_eq!(e.caret, EXCERPT_CHARS_BEFORE + 2, "after the ellipsis and the characters before the column");
        assert_eq!(e.text.chars().nth(e.caret - 1), line.chars().nth(499), "the caret is under the column's character");
    }

    #[test]
    fn a_window_at_either_end_of_a_long_line_is_cut_at_the_other_only() {
        let line = "é".repeat(EXCERPT_CHARS_MAX + 1);
        let first = Excerpt::of(&line, 1);
        assert_eq!((first.text.chars().count(), first.caret), (EXCERPT_CHARS_MAX + 1, 1), "cut at the end only");
        assert!(first.text.ends_with('…') && !first.text.starts_with('…'));
        let last = Excerpt::of(&line, EXCERPT_CHARS_MAX + 2);
        assert_eq!((last.text.chars().count(), last.caret), (EXCERPT_CHARS_MAX + 1, EXCERPT_CHARS_MAX + 2), "past the line's end: cut at the start only");
        assert!(last.text.starts_with('…') && !last.text.ends_with('…'));
    }

    #[test]
    fn a_long_quoted_value_and_a_long_message_are_cut() {
        let long = "v".repeat(QUOTED_CHARS_MAX + 1);
        let cut = format!("{}…", "v".repeat(QUOTED_CHARS_MAX));
        assert_eq!(bounded(&format!("found `{long}`, expected `a`")), format!("found `{cut}`, expected `a`"));
        assert_eq!(bounded(&format!("`{}`", "v".repeat(QUOTED_CHARS_MAX))), format!("`{}`", "v".repeat(QUOTED_CHARS_MAX)), "at the limit: whole");
        assert_eq!(bounded(&format!("unclosed `{long}")), format!("unclosed `{cut}"));
        let words = "w ".repeat(MESSAGE_CHARS_MAX);
        assert_eq!(bounded(&words).chars().count(), MESSAGE_CHARS_MAX + 1, "the message's characters and the ellipsis");
        let quoted = format!("`{}` ", "q".repeat(QUOTED_CHARS_MAX)).repeat(30);
        assert_eq!(bounded(&quoted).chars().count(), MESSAGE_CHARS_MAX + 1, "many quoted values: the whole is bounded too");
    }

    #[test]
    fn an_error_in_a_file_of_one_long_line_prints_a_bounded_text() {
        let src = format!("Scenario(doc: \"{}\", bad)", "x".repeat(2_000_000));
        let e = ScenarioError::at_offset(Path::new("f.ron"), &src, src.len() - 4, &format!("unknown `{}`", "y".repeat(2_000_000)));
        assert_eq!((e.line, e.col), (1, 2_000_019), "the position is the true one");
        assert!(e.to_string().len() < 1_000, "{} bytes", e.to_string().len());
    }
}
