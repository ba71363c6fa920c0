//! A scenario file's syntax (RON) read once into a tree of nodes, each with its byte span.
//!
//! Everything after this reads nodes, not text: the typed reading (`de`), the choice of a claim's
//! vocabulary and of an action's form, and the checks, which locate their errors at the node they
//! are about. The reader knows RON's syntax only — no types: `Name(a: 1)` is a named node with
//! fields whether it becomes a struct or an enum variant. It is bounded: the file is at most
//! `MAX_FILE_BYTES` (checked by `load`) and nodes nest at most [`MAX_DEPTH`] deep, so a
//! pathological file is an error, not a stack overflow.

/// Byte offsets into the file: the node's first byte and one past its last.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Node {
    pub span: Span,
    pub kind: Kind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Kind {
    Bool(bool),
    /// An integer literal (decimal, `0x`, `0o` or `0b`, `_` between digits).
    Int(i128),
    /// A float literal as written: no value of a scenario is a float (they stay out of state),
    /// so it is kept only to say so.
    Float(String),
    Str(String),
    /// A bare name: a unit variant, or `None`.
    Ident(String),
    /// `Name(...)`: an enum variant with content, a named struct, `Some(...)`. The content is a
    /// `Fields` or `Items` node spanning the parentheses.
    Named {
        name: String,
        content: Box<Node>,
    },
    /// `(a: 1, b: 2)`: a struct's fields.
    Fields(Vec<Field>),
    /// `(1, 2)`, `()`: a tuple, or unit.
    Items(Vec<Node>),
    List(Vec<Node>),
    Map(Vec<(Node, Node)>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Field {
    pub key: String,
    pub key_span: Span,
    pub value: Node,
}

/// A syntax error: where (a byte offset) and what.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReadError {
    pub at: usize,
    pub message: String,
}

/// How deep nodes may nest: far beyond any scenario (they nest about 8 deep), far below what
/// the recursive reader and the typed reading over it could overflow the stack with.
pub const MAX_DEPTH: usize = 128;

impl Node {
    /// The value of the field `key` of a struct-like node (`(key: ...)` or `Name(key: ...)`).
    pub fn field(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Fields(fields) => fields.iter().find(|f| f.key == key).map(|f| &f.value),
            Kind::Named { content, .. } => content.field(key),
            _ => None,
        }
    }

    /// The span of the key `key` of a struct-like node.
    pub fn key_span(&self, key: &str) -> Option<Span> {
        match &self.kind {
            Kind::Fields(fields) => fields.iter().find(|f| f.key == key).map(|f| f.key_span),
            Kind::Named { content, .. } => content.key_span(key),
            _ => None,
        }
    }

    /// The elements of a list (none for any other node).
    pub fn items(&self) -> &[Node] {
        match &self.kind {
            Kind::List(items) => items,
            _ => &[],
        }
    }

    /// The name of a variant-like node: `Name` or `Name(...)`.
    pub fn name(&self) -> Option<&str> {
        match &self.kind {
            Kind::Ident(name) | Kind::Named { name, .. } => Some(name),
            _ => None,
        }
    }

    /// Every string in this node, in the order they are written.
    pub fn strings(&self) -> Vec<&str> {
        match &self.kind {
            Kind::Str(s) => vec![s.as_str()],
            Kind::Named { content, .. } => content.strings(),
            Kind::Fields(fields) => fields.iter().flat_map(|f| f.value.strings()).collect(),
            Kind::Items(items) | Kind::List(items) => items.iter().flat_map(Node::strings).collect(),
            Kind::Map(entries) => entries.iter().flat_map(|(k, v)| k.strings().into_iter().chain(v.strings())).collect(),
            Kind::Bool(_) | Kind::Int(_) | Kind::Float(_) | Kind::Ident(_) => Vec::new(),
        }
    }

    /// The node of the value at `place` below this one, or the deepest node on its way that
    /// the file has (a field left to its default is not written: its struct stands in).
    /// `Some(…)` is looked through, and so is a variant's content written in its own
    /// parentheses (`Cluster((cassandra: […]))`).
    pub fn at(&self, place: &crate::place::Place) -> &Node {
        let mut node = self;
        for step in place.steps() {
            match node.step(*step) {
                Some(next) => node = next,
                None => break,
            }
        }
        node
    }

    /// The node one step below this one.
    fn step(&self, step: crate::place::Step) -> Option<&Node> {
        use crate::place::Step;
        let node = self.unwrapped();
        match step {
            Step::Field(key) => node.step_into(key),
            Step::Aliased(key, alias) => node.step_into(key).or_else(|| node.step_into(alias)),
            Step::Index(i) => node.element(i),
        }
    }

    /// The value of the field `key`, in this node or in a variant's content in its own
    /// parentheses.
    fn step_into(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Named { content, .. } => content.field(key).or_else(|| content.only().and_then(|inner| inner.field(key))),
            _ => self.field(key),
        }
    }

    /// The `i`-th element of a list, a tuple or a variant's content.
    fn element(&self, i: usize) -> Option<&Node> {
        match &self.kind {
            Kind::List(items) | Kind::Items(items) => items.get(i),
            Kind::Named { content, .. } => match &content.kind {
                Kind::Items(items) => items.get(i),
                _ => None,
            },
            _ => None,
        }
    }

    /// The value inside `Some(…)`, or this node.
    fn unwrapped(&self) -> &Node {
        match &self.kind {
            Kind::Named { name, content } if name == "Some" => content.only().unwrap_or(self),
            _ => self,
        }
    }

    /// The one value of a tuple of one (`(x)`).
    fn only(&self) -> Option<&Node> {
        match &self.kind {
            Kind::Items(items) if items.len() == 1 => Some(&items[0]),
            _ => None,
        }
    }

    /// Whether a string is anywhere in this node.
    pub fn holds_string(&self) -> bool {
        match &self.kind {
            Kind::Str(_) => true,
            Kind::Named { content, .. } => content.holds_string(),
            Kind::Fields(fields) => fields.iter().any(|f| f.value.holds_string()),
            Kind::Items(items) | Kind::List(items) => items.iter().any(Node::holds_string),
            Kind::Map(entries) => entries.iter().any(|(k, v)| k.holds_string() || v.holds_string()),
            Kind::Bool(_) | Kind::Int(_) | Kind::Float(_) | Kind::Ident(_) => false,
        }
    }
}

/// Reads a whole file: one value, with comments and whitespace around it.
pub fn read(src: &str) -> Result<Node, ReadError> {
    let mut r = Reader { src, pos: 0, depth: 0, last_end: 0 };
    r.skip_ws()?;
    while r.rest().starts_with('#') {
        r.attribute()?;
        r.skip_ws()?;
    }
    let root = r.value()?;
    r.skip_ws()?;
    if r.pos < src.len() {
        return Err(r.error_here("Non-whitespace trailing characters"));
    }
    Ok(root)
}

struct Reader<'a> {
    src: &'a str,
    pos: usize,
    depth: usize,
    /// One past the last token read: where a missing comma or the end of the file is reported.
    last_end: usize,
}

/// RON's whitespace (the `ron` crate's list).
fn is_whitespace(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0B' | '\x0C' | '\u{85}' | '\u{200E}' | '\u{200F}' | '\u{2028}' | '\u{2029}')
}

fn is_ident_start(c: char) -> bool {
    c == '_' || c.is_alphabetic()
}

fn is_ident_char(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

impl Reader<'_> {
    fn rest(&self) -> &str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn bump(&mut self, c: char) {
        self.pos += c.len_utf8();
        self.last_end = self.pos;
    }

    fn error(&self, at: usize, message: &str) -> ReadError {
        ReadError { at, message: message.to_string() }
    }

    fn error_here(&self, message: &str) -> ReadError {
        self.error(self.pos, message)
    }

    /// The end of the file where a value or a closing bracket was still due.
    fn eof(&self) -> ReadError {
        self.error(self.last_end, "Unexpected end of RON")
    }

    /// Whitespace, `// line` and `/* nested */` comments.
    fn skip_ws(&mut self) -> Result<(), ReadError> {
        loop {
            let ws = self.rest().find(|c: char| !is_whitespace(c)).unwrap_or(self.rest().len());
            self.pos += ws;
            if self.rest().starts_with("//") {
                self.pos += self.rest().find('\n').unwrap_or(self.rest().len());
            } else if self.rest().starts_with("/*") {
                self.block_comment()?;
            } else {
                return Ok(());
            }
        }
    }

    fn block_comment(&mut self) -> Result<(), ReadError> {
        let start = self.pos;
        let mut level = 0usize;
        loop {
            let rest = self.rest();
            let next = rest.find(['/', '*']).ok_or_else(|| self.error(start, "Unclosed block comment"))?;
            self.pos += next;
            if self.rest().starts_with("/*") {
                level += 1;
                self.pos += 2;
            } else if self.rest().starts_with("*/") {
                level -= 1;
                self.pos += 2;
                if level == 0 {
                    return Ok(());
                }
            } else {
                self.pos += 1;
            }
        }
    }

    /// `#![enable(...)]`: the two extensions failsim always reads with may be named; another
    /// would change the meaning of the file, so it is refused.
    fn attribute(&mut self) -> Result<(), ReadError> {
        let start = self.pos;
        let bad = |r: &Self| r.error(start, "Expected an `#![enable(...)]` attribute");
        if !self.rest().starts_with("#![") {
            return Err(bad(self));
        }
        self.pos += 3;
        self.skip_ws()?;
        if self.ident().map(|(name, _)| name) != Some("enable".to_string()) {
            return Err(bad(self));
        }
        self.skip_ws()?;
        let Node { kind: Kind::Items(names), .. } = self.parens()? else { return Err(bad(self)) };
        for name in &names {
            match &name.kind {
                Kind::Ident(n) if n == "implicit_some" || n == "unwrap_variant_newtypes" => {}
                _ => {
                    return Err(
                        self.error(name.span.start, "failsim reads scenario files with `implicit_some` and `unwrap_variant_newtypes`; no other RON extension")
                    );
                }
            }
        }
        self.skip_ws()?;
        if self.peek() != Some(']') {
            return Err(self.error_here("Expected closing `)]` after the enable attribute"));
        }
        self.bump(']');
        Ok(())
    }

    fn value(&mut self) -> Result<Node, ReadError> {
        let start = self.pos;
        let c = self.peek().ok_or_else(|| self.eof())?;
        let kind = match c {
            '"' => Kind::Str(self.string()?),
            'r' if self.rest().starts_with("r\"") || self.rest().starts_with("r#\"") || self.rest().starts_with("r##") => Kind::Str(self.raw_string()?),
            '(' | '[' | '{' => return self.nested(c),
            '0'..='9' | '+' | '-' | '.' => self.number()?,
            c if is_ident_start(c) || self.rest().starts_with("r#") => return self.named(),
            c => return Err(self.error_here(&format!("Unexpected char {c:?}"))),
        };
        Ok(Node { span: Span { start, end: self.pos }, kind })
    }

    /// A bracketed value, one level deeper.
    fn nested(&mut self, open: char) -> Result<Node, ReadError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error_here(&format!("the values nest more than {MAX_DEPTH} levels deep")));
        }
        let node = match open {
            '(' => self.parens(),
            '[' => self.list(),
            _ => self.map(),
        };
        self.depth -= 1;
        node
    }

    /// `true`, `false`, a bare name, or `Name(...)`.
    fn named(&mut self) -> Result<Node, ReadError> {
        let start = self.pos;
        let (name, span) = self.ident().ok_or_else(|| self.error_here("Expected identifier"))?;
        match name.as_str() {
            "true" => return Ok(Node { span, kind: Kind::Bool(true) }),
            "false" => return Ok(Node { span, kind: Kind::Bool(false) }),
            _ => {}
        }
        let after_name = self.pos;
        self.skip_ws()?;
        if self.peek() != Some('(') {
            self.pos = after_name;
            return Ok(Node { span, kind: Kind::Ident(name) });
        }
        let content = Box::new(self.nested('(')?);
        Ok(Node { span: Span { start, end: content.span.end }, kind: Kind::Named { name, content } })
    }

    /// An identifier (or a raw one, `r#name`), if one starts here.
    fn ident(&mut self) -> Option<(String, Span)> {
        let start = self.pos;
        let raw = usize::from(self.rest().starts_with("r#")) * 2;
        let first = self.rest()[raw..].chars().next().filter(|&c| is_ident_start(c))?;
        let len = self.rest()[raw + first.len_utf8()..].find(|c: char| !is_ident_char(c)).map_or(self.rest().len(), |n| raw + first.len_utf8() + n);
        let name = self.rest()[raw..len].to_string();
        self.pos += len;
        self.last_end = self.pos;
        Some((name, Span { start, end: self.pos }))
    }

    /// `( ... )`: fields (`a: 1`) or items (`1`), not both.
    fn parens(&mut self) -> Result<Node, ReadError> {
        let start = self.pos;
        let (mut fields, mut items) = (Vec::new(), Vec::new());
        self.separated('(', ')', |r| {
            let before = r.pos;
            match r.field_key()? {
                Some(_) if !items.is_empty() => Err(r.error(before, "Expected a value, not a field name (`name: value`): the other values here have no names")),
                Some((key, key_span)) => {
                    let value = r.value()?;
                    fields.push(Field { key, key_span, value });
                    Ok(())
                }
                None if !fields.is_empty() => Err(r.missing_colon(before)),
                None => {
                    items.push(r.value()?);
                    Ok(())
                }
            }
        })?;
        let kind = if fields.is_empty() { Kind::Items(items) } else { Kind::Fields(fields) };
        Ok(Node { span: Span { start, end: self.pos }, kind })
    }

    /// `name:` if the next entry starts with a field's name (the colon is consumed).
    fn field_key(&mut self) -> Result<Option<(String, Span)>, ReadError> {
        let before = (self.pos, self.last_end);
        if let Some((key, span)) = self.ident() {
            self.skip_ws()?;
            if self.peek() == Some(':') {
                self.bump(':');
                self.skip_ws()?;
                return Ok(Some((key, span)));
            }
        }
        (self.pos, self.last_end) = before;
        Ok(None)
    }

    /// Among fields, an entry that is not `name: value`: a name without its colon, or no name.
    fn missing_colon(&mut self, at: usize) -> ReadError {
        if self.ident().is_none() {
            return self.error(at, "Expected identifier");
        }
        match self.skip_ws() {
            Ok(()) => self.error_here("Expected colon"),
            Err(e) => e,
        }
    }

    fn list(&mut self) -> Result<Node, ReadError> {
        let start = self.pos;
        let mut items = Vec::new();
        self.separated('[', ']', |r| {
            items.push(r.value()?);
            Ok(())
        })?;
        Ok(Node { span: Span { start, end: self.pos }, kind: Kind::List(items) })
    }

    fn map(&mut self) -> Result<Node, ReadError> {
        let start = self.pos;
        let mut entries = Vec::new();
        self.separated('{', '}', |r| {
            let key = r.value()?;
            r.skip_ws()?;
            if r.peek() != Some(':') {
                return Err(r.error_here("Expected colon"));
            }
            r.bump(':');
            r.skip_ws()?;
            entries.push((key, r.value()?));
            Ok(())
        })?;
        Ok(Node { span: Span { start, end: self.pos }, kind: Kind::Map(entries) })
    }

    /// `open entry, entry, ... close`, a trailing comma allowed.
    fn separated(&mut self, open: char, close: char, mut entry: impl FnMut(&mut Self) -> Result<(), ReadError>) -> Result<(), ReadError> {
        self.bump(open);
        loop {
            self.skip_ws()?;
            match self.peek() {
                None => return Err(self.eof()),
                Some(c) if c == close => break,
                Some(_) => entry(self)?,
            }
            self.skip_ws()?;
            match self.peek() {
                None => return Err(self.eof()),
                Some(',') => self.bump(','),
                Some(c) if c == close => {}
                // The comma belongs right after the entry.
                Some(_) => return Err(self.error(self.last_end, "Expected comma")),
            }
        }
        self.bump(close);
        Ok(())
    }

    /// An integer or a float literal.
    fn number(&mut self) -> Result<Kind, ReadError> {
        let start = self.pos;
        let sign = self.peek().filter(|c| matches!(c, '+' | '-'));
        if let Some(c) = sign {
            self.bump(c);
        }
        let radix = match self.rest().get(..2) {
            Some("0x") => 16,
            Some("0o") => 8,
            Some("0b") => 2,
            _ => 10,
        };
        let text = if radix == 10 { self.decimal() } else { self.radix_digits() };
        if let Some(c) = self.peek().filter(|&c| is_ident_char(c) || c == '.') {
            return Err(self.error_here(&format!("Unexpected char {c:?} in a number")));
        }
        self.last_end = self.pos;
        if radix == 10 && text.contains(['.', 'e', 'E']) {
            return Ok(Kind::Float(self.src[start..self.pos].to_string()));
        }
        integer(&text, radix, sign == Some('-')).map(Kind::Int).map_err(|m| self.error(start, m))
    }

    /// Digits, `_`, a fraction and an exponent: `12_000`, `1.5`, `2e-3`.
    fn decimal(&mut self) -> String {
        let mut text = String::new();
        while let Some(c) = self.peek() {
            let exponent_sign = matches!(c, '+' | '-') && text.ends_with(['e', 'E']);
            let fraction = c == '.' && !self.rest().starts_with("..") && !text.contains(['.', 'e', 'E']);
            if !(c.is_ascii_digit() || c == '_' || matches!(c, 'e' | 'E') || exponent_sign || fraction) {
                break;
            }
            text.push(c);
            self.pos += 1;
        }
        text
    }

    /// After `0x`, `0o` or `0b`: its digits.
    fn radix_digits(&mut self) -> String {
        self.pos += 2;
        let len = self.rest().find(|c: char| !(c.is_ascii_hexdigit() || c == '_')).unwrap_or(self.rest().len());
        let text = self.rest()[..len].to_string();
        self.pos += len;
        text
    }

    /// `"..."` with RON's escapes.
    fn string(&mut self) -> Result<String, ReadError> {
        let start = self.pos;
        self.pos += 1;
        let mut bytes = Vec::new();
        loop {
            let rest = self.rest();
            let stop = rest.find(['"', '\\']).ok_or_else(|| self.error(start, "Expected end of string"))?;
            bytes.extend_from_slice(&rest.as_bytes()[..stop]);
            self.pos += stop;
            if self.rest().starts_with('"') {
                self.bump('"');
                break;
            }
            self.escape(&mut bytes)?;
        }
        String::from_utf8(bytes).map_err(|_| self.error(start, "Not a valid byte-escaped Unicode character"))
    }

    /// One escape after a `\` (the `\` not yet consumed); bytes from `\x` may build a character.
    fn escape(&mut self, out: &mut Vec<u8>) -> Result<(), ReadError> {
        let at = self.pos;
        self.pos += 1;
        let c = self.peek().ok_or_else(|| self.error(at, "Expected end of string"))?;
        self.pos += c.len_utf8();
        let simple = match c {
            '\'' => Some(b'\''),
            '"' => Some(b'"'),
            '\\' => Some(b'\\'),
            'n' => Some(b'\n'),
            'r' => Some(b'\r'),
            't' => Some(b'\t'),
            '0' => Some(b'\0'),
            _ => None,
        };
        match (simple, c) {
            (Some(b), _) => out.push(b),
            (None, 'x') => out.push(self.hex_byte(at)?),
            (None, 'u') => out.extend_from_slice(self.unicode(at)?.encode_utf8(&mut [0; 4]).as_bytes()),
            (None, '\n') => self.pos += self.rest().find(|c: char| !matches!(c, ' ' | '\t' | '\n' | '\r')).unwrap_or(self.rest().len()),
            (None, '\r') if self.rest().starts_with('\n') => {
                self.pos += self.rest().find(|c: char| !matches!(c, ' ' | '\t' | '\n' | '\r')).unwrap_or(self.rest().len())
            }
            _ => return Err(self.error(at, "Unknown escape character")),
        }
        Ok(())
    }

    fn hex_byte(&mut self, at: usize) -> Result<u8, ReadError> {
        let digits = self.rest().get(..2).filter(|d| d.bytes().all(|b| b.is_ascii_hexdigit())).ok_or_else(|| self.error(at, "Non-hex digit found"))?;
        let byte = u8::from_str_radix(digits, 16).map_err(|_| self.error(at, "Non-hex digit found"))?;
        self.pos += 2;
        Ok(byte)
    }

    /// `\u{1F600}`: one to six hex digits.
    fn unicode(&mut self, at: usize) -> Result<char, ReadError> {
        if !self.rest().starts_with('{') {
            return Err(self.error(at, "Missing { in Unicode escape"));
        }
        self.pos += 1;
        let len = self.rest().find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(self.rest().len());
        if len == 0 || len > 6 {
            return Err(self.error(at, "Expected 1-6 digits in Unicode escape"));
        }
        let code = u32::from_str_radix(&self.rest()[..len], 16).map_err(|_| self.error(at, "Non-hex digit found"))?;
        self.pos += len;
        if !self.rest().starts_with('}') {
            return Err(self.error(at, "No } at the end of Unicode escape"));
        }
        self.pos += 1;
        char::from_u32(code).ok_or_else(|| self.error(at, "Not a valid Unicode-escaped character"))
    }

    /// `r"..."`, `r#"..."#`: no escapes.
    fn raw_string(&mut self) -> Result<String, ReadError> {
        let start = self.pos;
        self.pos += 1;
        let hashes = self.rest().find(|c: char| c != '#').unwrap_or(self.rest().len());
        self.pos += hashes;
        if !self.rest().starts_with('"') {
            return Err(self.error(start, "Expected string"));
        }
        self.pos += 1;
        let ending = format!("\"{}", "#".repeat(hashes));
        let len = self.rest().find(&ending).ok_or_else(|| self.error(start, "Expected end of string"))?;
        let text = self.rest()[..len].to_string();
        self.pos += len + ending.len();
        self.last_end = self.pos;
        Ok(text)
    }
}

/// An integer's digits (`_` allowed between them) in `radix`, negated if `negative`.
fn integer(digits: &str, radix: u32, negative: bool) -> Result<i128, &'static str> {
    if digits.is_empty() {
        return Err("Expected integer");
    }
    if digits.starts_with('_') {
        return Err("Unexpected leading underscore in a number");
    }
    let mut n: i128 = 0;
    for c in digits.chars().filter(|&c| c != '_') {
        let digit = c.to_digit(radix).ok_or("Invalid digit for the integer's base")?;
        let digit = i128::from(digit);
        n = n
            .checked_mul(i128::from(radix))
            .and_then(|n| if negative { n.checked_sub(digit) } else { n.checked_add(digit) })
            .ok_or("Integer is out of bounds")?;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(src: &str) -> Kind {
        read(src).unwrap_or_else(|e| panic!("{src}: {e:?}")).kind
    }

    fn err(src: &str) -> ReadError {
        read(src).expect_err(src)
    }

    #[test]
    fn a_place_leads_to_its_node_or_as_far_as_the_file_goes() {
        use crate::place::Place;
        let src = r#"(hosts: [(name: "a", nics: [(addr: "1"), (addr: Some("2"))])], ends: (Nic("h", "n"), Switch("s")), s: Some(Cluster((c: ["x"]))), t: (old: [1]))"#;
        let root = read(src).unwrap();
        let text = |place: Place| &src[root.at(&place).span.start..root.at(&place).span.end];
        assert_eq!(text(Place::of("hosts").index(0).field("nics").index(0).field("addr")), r#""1""#);
        assert_eq!(text(Place::of("hosts").index(0).field("nics").index(1).field("addr")), r#"Some("2")"#, "a field's own node");
        assert_eq!(text(Place::of("ends").index(0).index(1)), r#""n""#, "a variant's content is a tuple");
        assert_eq!(text(Place::of("s").field("c").index(0)), r#""x""#, "through Some and a variant's own parentheses");
        assert_eq!(
            text(Place::of("hosts").index(0).field("router")),
            r#"(name: "a", nics: [(addr: "1"), (addr: Some("2"))])"#,
            "a field not written: its struct"
        );
        assert_eq!(text(Place::of("hosts").index(7).field("name")), r#"[(name: "a", nics: [(addr: "1"), (addr: Some("2"))])]"#, "no such element: the list");
        assert_eq!(text(Place::of("ends").field("x")), r#"(Nic("h", "n"), Switch("s"))"#, "no field of a tuple");
        assert_eq!(text(Place::of("t").aliased("new", "old").index(0)), "1", "a field written under its alias");
        assert_eq!(text(Place::of("s").aliased("c", "x").index(0)), r#""x""#, "a field written under its name");
        assert_eq!(root.at(&Place::root()).span, root.span);
    }

    #[test]
    fn values_read_with_their_spans() {
        let root = read(r#"Scenario(name: "a", n: [1, -2, 0x1F], on: true, x: Stop(Main), u: (), o: None, m: {"k": 1})"#).unwrap();
        assert_eq!(root.span, Span { start: 0, end: 91 }, "the root spans the file");
        assert_eq!(root.name(), Some("Scenario"), "a named root");
        let name = root.field("name").unwrap();
        assert_eq!((name.span.start, &name.kind), (15, &Kind::Str("a".into())), "a string and where it starts");
        let n = root.field("n").unwrap().items();
        assert_eq!(n.iter().map(|i| i.kind.clone()).collect::<Vec<_>>(), [Kind::Int(1), Kind::Int(-2), Kind::Int(31)], "integers");
        assert_eq!(root.field("on").map(|n| &n.kind), Some(&Kind::Bool(true)), "a bool");
        assert_eq!(root.field("x").and_then(Node::name), Some("Stop"), "a variant with content");
        assert_eq!(root.field("u").map(|n| &n.kind), Some(&Kind::Items(vec![])), "unit");
        assert_eq!(root.field("o").map(|n| &n.kind), Some(&Kind::Ident("None".into())), "a bare name");
        assert!(matches!(root.field("m").map(|n| &n.kind), Some(Kind::Map(e)) if e.len() == 1), "a map");
    }

    #[test]
    fn strings_comments_and_floats() {
        assert_eq!(kind(r#""a\"b\\c\n\u{e9}\x41""#), Kind::Str("a\"b\\c\né\x41".into()), "escapes");
        assert_eq!(kind("\"a\\\n   b\""), Kind::Str("ab".into()), "a continued line");
        assert_eq!(kind(r##"r#"a "quoted" b"#"##), Kind::Str("a \"quoted\" b".into()), "a raw string");
        assert_eq!(kind("/* a /* nested */ comment */ // and a line\n 5 // after"), Kind::Int(5), "comments");
        assert_eq!(kind("1.5"), Kind::Float("1.5".into()), "a float is kept as written");
        assert_eq!(kind("-2e3"), Kind::Float("-2e3".into()), "an exponent");
        assert_eq!(kind("#![enable(implicit_some)] 1"), Kind::Int(1), "the extensions failsim reads with may be named");
    }

    #[test]
    fn syntax_errors_are_located() {
        let cases = [
            ("(a: 1", 5, "Unexpected end of RON"),
            ("(a: \"x", 4, "Expected end of string"),
            ("/* open /* nested */", 0, "Unclosed block comment"),
            ("(a: 1 b: 2)", 5, "Expected comma"),
            ("(a: 1, 2)", 7, "Expected identifier"),
            ("(a: 1, b 2)", 9, "Expected colon"),
            ("[1, @]", 4, "Unexpected char '@'"),
            ("1 2", 2, "Non-whitespace trailing characters"),
            ("340282366920938463463374607431768211456", 0, "Integer is out of bounds"),
            ("\"\\q\"", 1, "Unknown escape character"),
            ("5u8", 1, "Unexpected char 'u' in a number"),
            (
                "#![enable(explicit_struct_names)] 1",
                10,
                "failsim reads scenario files with `implicit_some` and `unwrap_variant_newtypes`; no other RON extension",
            ),
            ("", 0, "Unexpected end of RON"),
        ];
        for (src, at, message) in cases {
            assert_eq!(err(src), ReadError { at, message: message.into() }, "{src}");
        }
    }

    #[test]
    fn nesting_is_bounded() {
        let ok = format!("{}1{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(read(&ok).is_ok(), "{MAX_DEPTH} levels are read");
        let deep = "(".repeat(1_000_000);
        let e = err(&deep);
        assert_eq!(e.at, MAX_DEPTH, "the first level too deep is the error");
        assert!(e.message.contains("nest more than 128"), "{e:?}");
    }

    #[test]
    fn any_input_is_read_or_refused_without_a_panic() {
        let tokens = ["(", ")", "[", "]", "{", "}", ",", ":", "\"", "\\", "r#", "#", "/*", "*/", "//", "\n", "a", "1", "-", ".", "e", "\u{e9}", "x"];
        let mut seed = 7u64;
        for _ in 0..20_000 {
            let mut src = String::new();
            for _ in 0..(seed % 12) {
                seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                src.push_str(tokens[(seed >> 33) as usize % tokens.len()]);
            }
            if let Err(e) = read(&src) {
                assert!(e.at <= src.len() && src.is_char_boundary(e.at), "{src:?}: {e:?}");
            }
        }
    }
}
