use super::tree::Span;
use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};
use std::fmt;
use std::ops::Range;
use std::path::Path;

/// A scenario that cannot be run: where, what was expected, and an excerpt of the offending line
/// with the offending bytes marked.
///
/// Its `Display` is plain text (no colour): `file:line:col: message` first, then the line with
/// the value marked and labelled, then a `help:` line when there is a likely fix.
/// [`ScenarioError::render`] gives the same text in colour, for a terminal.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ScenarioError {
    /// The file as named (its path, as given).
    pub file: String,
    /// 1-based line and column (columns count characters); 0 when there is no position.
    pub line: usize,
    /// The column, from 1; 0 when there is no position.
    pub col: usize,
    /// The offending bytes of the file (byte offsets, end exclusive), when the reader knows
    /// them: a value, a field's name, a token. It starts at `line:col`.
    pub span: Option<Range<usize>>,
    /// What is wrong, and what was expected.
    pub message: String,
    /// How to fix it, when there is a likely fix (``did you mean `switch_time`?``).
    pub help: Option<String>,
    /// The offending line around the column, as shown under the message, with its marked
    /// characters and their label. (Boxed: an error stays small for the `Result`s that carry it.)
    pub excerpt: Option<Box<Excerpt>>,
}

/// How [`ScenarioError::render`] draws: plain text, or with the terminal's colour escapes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Paint {
    /// No escapes: files, pipes, `NO_COLOR`.
    Plain,
    /// ANSI colour escapes, as rustc colours its errors.
    Colored,
}

/// The most characters of the offending line an error shows: a line up to this long is shown
/// whole, a longer one as a window of this many characters around the column, so an error in a
/// file of one 4 MiB line prints a few hundred bytes, not the line.
pub const EXCERPT_CHARS_MAX: usize = 200;

/// How many characters of a cut line the window shows before the column.
pub const EXCERPT_CHARS_BEFORE: usize = 80;

/// The longest a quoted value (between backticks) in a message is shown: a value the file
/// repeats at length is shown cut, marked `…`.
pub const QUOTED_CHARS_MAX: usize = 80;
/// The longest a message (or a label, or a help line) is, cut and marked `…` past it.
pub const MESSAGE_CHARS_MAX: usize = 2_000;

/// A window of the offending line: its text (`…` where the line was cut), the 1-based column of
/// the first marked character within it, and how many characters are marked (at least 1; the
/// marked bytes are cut at the line's end and at the window's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excerpt {
    /// The window's text.
    pub text: String,
    /// The column of the first marked character, from 1 (the line's end: one past its last).
    pub caret: usize,
    /// How many characters are marked, from the caret on.
    pub width: usize,
    /// A short word or two shown at the marked characters (`unknown field`, the value's path).
    pub label: Option<String>,
}

impl Excerpt {
    /// The window of `line` around the 1-based character column `col` (at most 200
    /// characters), marking one character.
    pub fn of(line: &str, col: usize) -> Self {
        Self::marking(line, col, 1)
    }

    /// The window of `line` around the 1-based character column `col`, marking `width`
    /// characters from it (as many as the window shows).
    pub fn marking(line: &str, col: usize, width: usize) -> Self {
        let chars = line.chars().count();
        let width = width.max(1);
        if chars <= EXCERPT_CHARS_MAX {
            let shown = width.min((chars + 1).saturating_sub(col).max(1));
            return Excerpt { text: line.to_string(), caret: col, width: shown, label: None };
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
        let shown = width.min(end.saturating_sub(at)).max(1);
        let excerpt = Excerpt { text, caret: at - start + 1 + usize::from(cut_start), width: shown, label: None };
        assert!(excerpt.caret <= EXCERPT_CHARS_MAX + 2, "the caret is within the window");
        assert!(excerpt.width <= EXCERPT_CHARS_MAX, "the marked characters are within the window");
        excerpt
    }

    /// The marked bytes of [`Excerpt::text`].
    fn marked_bytes(&self) -> Range<usize> {
        let byte = |chars: usize| self.text.char_indices().nth(chars).map_or(self.text.len(), |(b, _)| b);
        let start = byte(self.caret.saturating_sub(1));
        let end = byte(self.caret.saturating_sub(1) + self.width);
        start..end
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
    /// the file has no such line), marking one character. The message and the excerpt are
    /// bounded.
    pub fn new(file: String, line: usize, col: usize, message: &str, text: Option<&str>) -> Self {
        let excerpt = text.map(|t| Box::new(Excerpt::of(t, col)));
        ScenarioError { file, line, col, span: None, message: bounded(message), help: None, excerpt }
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
        let mut e = Self::new(path.display().to_string(), line, col, &message, text.as_deref());
        e.span = Some(valid_up_to..valid_up_to + 1);
        e
    }

    /// An error at a byte offset of the file (where a token was due), marking one character.
    pub(crate) fn at_offset(path: &Path, src: &str, offset: usize, message: &str) -> Self {
        Self::at_span(path, src, Span { start: offset, end: offset }, message)
    }

    /// An error about the bytes `span` of the file (a value, a field's name): located at their
    /// first, and marked up to their last on that line.
    pub(crate) fn at_span(path: &Path, src: &str, span: Span, message: &str) -> Self {
        let floor = |mut at: usize| {
            at = at.min(src.len());
            while !src.is_char_boundary(at) {
                at -= 1;
            }
            at
        };
        let (start, end) = (floor(span.start), floor(span.end.max(span.start)));
        let before = &src[..start];
        let line_start = before.rfind('\n').map_or(0, |n| n + 1);
        let line_end = src[start..].find('\n').map_or(src.len(), |n| start + n);
        let line = before.matches('\n').count() + 1;
        let col = src[line_start..start].chars().count() + 1;
        let width = src[start..end.min(line_end)].chars().count();
        let text = src[line_start..line_end].trim_end_matches('\r');
        let excerpt = Some(Box::new(Excerpt::marking(text, col, width)));
        let message = bounded(message);
        ScenarioError { file: path.display().to_string(), line, col, span: Some(start..end), message, help: None, excerpt }
    }

    /// This error with a short `label` at the marked characters (bounded as the message is;
    /// an error with no excerpt marks none, and shows no label).
    pub fn with_label(mut self, label: impl AsRef<str>) -> Self {
        if let Some(excerpt) = &mut self.excerpt {
            excerpt.label = Some(bounded(label.as_ref()));
        }
        self
    }

    /// This error with a `help` line: how to fix it (bounded as the message is).
    pub fn with_help(mut self, help: impl AsRef<str>) -> Self {
        self.help = Some(bounded(help.as_ref()));
        self
    }

    /// The error as text, `paint`ed: the same text as `Display` when [`Paint::Plain`].
    pub fn render(&self, paint: Paint) -> String {
        let title = match self.line {
            0 => format!("{}: {}", self.file, self.message),
            _ => format!("{}:{}:{}: {}", self.file, self.line, self.col, self.message),
        };
        let mut group = Group::with_title(Level::ERROR.no_name().primary_title(title));
        if let (Some(excerpt), true) = (&self.excerpt, self.line > 0) {
            let mark = AnnotationKind::Primary.span(excerpt.marked_bytes()).label(excerpt.label.as_deref());
            group = group.element(Snippet::source(&excerpt.text).line_start(self.line).annotation(mark));
        }
        if let Some(help) = &self.help {
            group = group.element(Level::HELP.message(help));
        }
        let renderer = match paint {
            Paint::Plain => Renderer::plain(),
            Paint::Colored => Renderer::styled(),
        };
        renderer.render(&[group])
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Paint::Plain))
    }
}

impl std::error::Error for ScenarioError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_line_is_shown_whole() {
        let line = "x".repeat(EXCERPT_CHARS_MAX);
        assert_eq!(Excerpt::of(&line, 7), Excerpt { text: line.clone(), caret: 7, width: 1, label: None });
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
    fn a_span_is_marked_whole_on_its_first_line_and_within_the_window() {
        let src = "a: (\n\tkey: \"value\",\n)";
        let at = src.find('"').unwrap();
        let e = ScenarioError::at_span(Path::new("f.ron"), src, Span { start: at, end: at + 7 }, "bad value");
        assert_eq!((e.line, e.col, e.span.clone()), (2, 7, Some(at..at + 7)), "located at the value's first byte");
        assert_eq!(e.excerpt.as_ref().map(|x| (x.caret, x.width)), Some((7, 7)), "the value's 7 characters marked");
        let across = ScenarioError::at_span(Path::new("f.ron"), src, Span { start: 3, end: src.len() }, "whole");
        assert_eq!(across.excerpt.map(|x| (x.caret, x.width)), Some((4, 1)), "a span over lines is marked on its first");
        let long = "x".repeat(10 * EXCERPT_CHARS_MAX);
        let wide = Excerpt::marking(&long, 100, 5 * EXCERPT_CHARS_MAX);
        assert_eq!(wide.width, EXCERPT_CHARS_MAX - EXCERPT_CHARS_BEFORE, "cut at the window's end");
    }

    #[test]
    fn a_tab_indented_line_is_marked_under_its_value_and_display_has_no_colour() {
        let src = "S(\n\t\tk: 10x,\n)";
        let at = src.find("10x").unwrap();
        let e = ScenarioError::at_span(Path::new("f.ron"), src, Span { start: at, end: at + 3 }, "not a number").with_label("here").with_help("write 10");
        let text = e.to_string();
        assert!(text.starts_with("f.ron:2:6: not a number\n"), "file:line:col first: {text}");
        let lines: Vec<&str> = text.lines().collect();
        let (source, marks) = (lines[2], lines[3]);
        let value = source.find("10x").unwrap();
        assert_eq!(marks.find('^'), Some(value), "the marker under the value, tabs expanded alike:\n{text}");
        assert!(marks.ends_with("^^^ here"), "three characters marked and labelled: {marks}");
        assert!(text.ends_with("= help: write 10"), "the help line last: {text}");
        assert!(!text.contains('\x1b'), "Display is plain");
        assert!(e.render(Paint::Colored).contains('\x1b'), "render in colour has escapes");
    }

    proptest::proptest! {
        /// Bad input never panics (standards): any text (tabs, wide and combining characters,
        /// control characters, `\r`), any span in or past it, renders in both paints, and the
        /// first line starts with `file:line:col`.
        #[test]
        fn any_span_of_any_text_renders(src in "(\\PC|[\t\r\n\u{7}\u{301}\u{4e00}])*", a in 0..400usize, b in 0..400usize) {
            let e = ScenarioError::at_span(Path::new("f.ron"), &src, Span { start: a.min(b), end: a.max(b) }, "m").with_label("l").with_help("h");
            let text = e.to_string();
            let first = format!("f.ron:{}:{}: m", e.line, e.col);
            proptest::prop_assert!(text.starts_with(&first), "{:?}", text);
            let _ = e.render(Paint::Colored);
        }
    }

    #[test]
    fn an_error_in_a_file_of_one_long_line_prints_a_bounded_text() {
        let src = format!("Scenario(doc: \"{}\", bad)", "x".repeat(2_000_000));
        let e = ScenarioError::at_offset(Path::new("f.ron"), &src, src.len() - 4, &format!("unknown `{}`", "y".repeat(2_000_000)));
        assert_eq!((e.line, e.col), (1, 2_000_019), "the position is the true one");
        assert!(e.to_string().len() < 1_000, "{} bytes", e.to_string().len());
    }
}
