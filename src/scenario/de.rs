//! A serde `Deserializer` over a node of the tree (`tree.rs`): the meaning the `ron` crate gives
//! a file read with the extensions failsim uses — `unwrap_variant_newtypes` (a newtype variant's
//! struct is written inside the variant's own parentheses, `DataMiner(mode: Manual)`) and
//! `implicit_some` (an optional value is written bare) — with ron's error texts, so a file reads
//! and fails as it did when ron read it. Each error carries the place of the innermost node that
//! was being read when it arose, so it is located at its token.

use super::tree::{Field, Kind, Node, Span};
use serde::de::{self, DeserializeOwned, DeserializeSeed, Visitor};
use std::cell::Cell;
use std::fmt;

/// What went wrong reading a node into a type, and where: a byte offset into the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error {
    code: Code,
    at: Option<Span>,
    /// A fix the raiser knows (the action a misspelling meant).
    fix: Option<String>,
}

/// The errors whose text ron completes on the way out (with the struct or enum they are in).
#[derive(Clone, Debug, PartialEq, Eq)]
enum Code {
    Message(String),
    UnknownVariant { found: String, expected: &'static [&'static str], outer: Option<String> },
    UnknownField { found: String, expected: &'static [&'static str], outer: Option<String> },
    MissingField { field: &'static str, outer: Option<String> },
    DuplicateField { field: &'static str, outer: Option<String> },
}

impl Error {
    fn new(message: &str, at: Span) -> Self {
        Error { code: Code::Message(message.to_string()), at: Some(at), fix: None }
    }

    /// An error about `node`, in words.
    pub fn at_node(node: &Node, message: String) -> Self {
        Error { code: Code::Message(message), at: Some(node.span), fix: None }
    }

    /// This error with `help`, a fix its raiser knows.
    pub fn with_help(mut self, help: Option<String>) -> Self {
        self.fix = help;
        self
    }

    /// The bytes of the file the error is about (a field's name, a value).
    pub fn at(&self) -> Option<Span> {
        self.at
    }

    /// What is wrong, without the hint of [`Error::help`].
    pub fn headline(&self) -> String {
        let outer = |o: &Option<String>, before: &str| o.as_ref().map(|o| format!("{before}`{o}`")).unwrap_or_default();
        match &self.code {
            Code::Message(m) => m.clone(),
            Code::UnknownVariant { found, expected, outer: o } => {
                let kind = if o.is_none() { "enum " } else { "" };
                let head = format!("Unexpected {kind}variant named `{found}`{}", outer(o, " in enum "));
                match closest(found, expected) {
                    Some(_) => head,
                    None => format!("{head}, {}", OneOf(expected, "variants")),
                }
            }
            Code::UnknownField { found, expected, outer: o } => {
                let head = format!("Unexpected field named `{found}`{}", outer(o, " in "));
                match closest(found, expected) {
                    Some(_) => head,
                    None => format!("{head}, {}", OneOf(expected, "fields")),
                }
            }
            Code::MissingField { field, outer: o } => format!("Unexpected missing field named `{field}`{}", outer(o, " in ")),
            Code::DuplicateField { field, outer: o } => format!("Unexpected duplicate field named `{field}`{}", outer(o, " in ")),
        }
    }

    /// How to fix it, when there is a likely fix: the word a misspelling most likely meant, the
    /// field to add.
    pub fn help(&self) -> Option<String> {
        if let Some(fix) = &self.fix {
            return Some(fix.clone());
        }
        match &self.code {
            Code::UnknownVariant { found, expected, .. } | Code::UnknownField { found, expected, .. } => {
                closest(found, expected).map(|near| format!("did you mean `{near}`?"))
            }
            Code::MissingField { field, .. } => Some(format!("add `{field}: …`")),
            Code::Message(_) | Code::DuplicateField { .. } => None,
        }
    }

    /// A short word for the marked bytes, when the headline is long enough to want one.
    pub fn label(&self) -> Option<&'static str> {
        match &self.code {
            Code::UnknownVariant { .. } => Some("unknown variant"),
            Code::UnknownField { .. } => Some("unknown field"),
            Code::MissingField { .. } => Some("in this value"),
            Code::DuplicateField { .. } => Some("given again"),
            Code::Message(_) => None,
        }
    }

    /// Places an error that has no place yet: the innermost node decides.
    fn or_at(mut self, at: Span) -> Self {
        self.at.get_or_insert(at);
        self
    }

    /// Names the struct (or variant) a field error is about, unless an inner one already did.
    fn in_struct(mut self, name: &str) -> Self {
        match &mut self.code {
            Code::UnknownField { outer: outer @ None, .. }
            | Code::MissingField { outer: outer @ None, .. }
            | Code::DuplicateField { outer: outer @ None, .. } => {
                *outer = Some(name.to_string());
            }
            _ => {}
        }
        self
    }

    /// Names the enum an unknown variant is of.
    fn in_enum(mut self, name: &str) -> Self {
        if let Code::UnknownVariant { outer: outer @ None, .. } = &mut self.code
            && !name.is_empty()
        {
            *outer = Some(name.to_string());
        }
        self
    }
}

/// Reads `node` as a `T`.
pub fn from_node<T: DeserializeOwned>(node: &Node) -> Result<T, Error> {
    T::deserialize(NodeDe::new(node)).map_err(|e| e.or_at(place(node)))
}

/// Where an error about a node points: its first token (a string's opening quote, a struct's
/// name). An error raised once the node has been read (a conversion or a check of the value,
/// `try_from`) is placed there too, on its way out.
fn place(node: &Node) -> Span {
    node.span
}

/// The place of what `Name(...)` holds: its one value's, if it holds one (`Some("x")`: the
/// string).
fn inner(content: &Node) -> Span {
    match &content.kind {
        Kind::Items(items) if items.len() == 1 => place(&items[0]),
        _ => place(content),
    }
}

/// A node to read, or — `unwrapped` — the content of a newtype variant or of `Some(...)`, read
/// as the value inside (ron's `unwrap_variant_newtypes`: its fields are the inner struct's).
#[derive(Clone, Copy)]
pub struct NodeDe<'a> {
    node: &'a Node,
    unwrapped: bool,
    /// Where the value as a whole starts (a missing field's place): unwrapped content's variant.
    whole: Span,
}

impl<'a> NodeDe<'a> {
    pub fn new(node: &'a Node) -> Self {
        NodeDe { node, unwrapped: false, whole: node.span }
    }

    /// The content of `Name(...)` (`named`), read as the value inside.
    fn unwrapped(named: &'a Node, content: &'a Node) -> Self {
        NodeDe { node: content, unwrapped: true, whole: named.span }
    }

    fn fail(&self, message: &str) -> Error {
        Error::new(message, self.node.span)
    }

    /// The one value inside unwrapped content (`Stop(Main)` → `Main`); unwrapped fields or `()`
    /// are read as written, and fail as the type expects.
    fn plain(self) -> Result<NodeDe<'a>, Error> {
        match (&self.node.kind, self.unwrapped) {
            (Kind::Items(items), true) if items.len() == 1 => Ok(NodeDe::new(&items[0])),
            (Kind::Items(items), true) if items.len() > 1 => Err(Error::new("Expected closing `)`", items[1].span)),
            _ => Ok(NodeDe::new(self.node)),
        }
    }

    /// The start of the first entry of fields or items (the node's own start when empty).
    fn first_entry(&self) -> Span {
        match &self.node.kind {
            Kind::Fields(fields) => fields.first().map_or(self.node.span, |f| f.key_span),
            Kind::Items(items) => items.first().map_or(self.node.span, |i| i.span),
            _ => self.node.span,
        }
    }

    fn integer<T: TryFrom<i128>>(&self) -> Result<T, Error> {
        match &self.node.kind {
            Kind::Int(n) => T::try_from(*n).map_err(|_| self.fail("Integer is out of bounds")),
            Kind::Float(text) => Err(self.fail(&format!("Expected integer but found the floating point number `{text}` instead"))),
            _ => Err(self.fail("Expected integer")),
        }
    }

    /// A struct's fields: `body` is the `(...)` node; an error about the whole struct (a missing
    /// field) is placed at `whole`, its start.
    fn visit_struct<'de, V: Visitor<'de>>(body: &Node, whole: Span, outer: Option<&str>, v: V) -> Result<V::Value, Error> {
        let fields: &[Field] = match &body.kind {
            Kind::Fields(fields) => fields,
            Kind::Items(items) if items.is_empty() => &[],
            Kind::Items(items) => return Err(Error::new("Expected identifier", items[0].span)),
            _ => return Err(Error::new(&expected_struct(outer.unwrap_or_default()), body.span)),
        };
        let last_key = Cell::new(body.span);
        let out = v.visit_map(Fields { fields: fields.iter(), value: None, last_key: &last_key });
        out.map_err(|e| {
            // A field given twice is located at its second key.
            let e = if matches!(e.code, Code::DuplicateField { .. }) { e.or_at(last_key.get()) } else { e };
            match outer {
                Some(name) => e.in_struct(name),
                None => e,
            }
            .or_at(whole)
        })
    }
}

/// ron's text for a struct that is not there.
fn expected_struct(name: &str) -> String {
    match name {
        "" => "Expected only opening `(`, no name, for un-nameable struct".to_string(),
        name => format!("Expected opening `(` for struct `{name}`"),
    }
}

fn different_name(expected: &str, found: &str, at: Span) -> Error {
    Error::new(&format!("Expected struct `{expected}` but found `{found}`"), at)
}

/// An integer to a visitor that takes any value: the smallest form that holds it.
fn visit_int<'de, V: Visitor<'de>>(n: i128, v: V) -> Result<V::Value, Error> {
    if let Ok(u) = u64::try_from(n) {
        v.visit_u64::<Error>(u)
    } else if let Ok(i) = i64::try_from(n) {
        v.visit_i64::<Error>(i)
    } else {
        Err(de::Error::invalid_type(de::Unexpected::Other(&format!("the integer `{n}`")), &v))
    }
}

macro_rules! integers {
    ($($method:ident $ty:ty => $visit:ident,)*) => {$(
        fn $method<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
            let d = self.plain()?;
            let n: $ty = d.integer()?;
            v.$visit::<Error>(n).map_err(|e| e.or_at(place(d.node)))
        }
    )*};
}

impl<'de> de::Deserializer<'de> for NodeDe<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        let node = self.node;
        let out = match (&node.kind, self.unwrapped) {
            (Kind::Items(items), true) if items.len() == 1 => return NodeDe::new(&items[0]).deserialize_any(v),
            (Kind::Bool(b), _) => v.visit_bool::<Error>(*b),
            (Kind::Int(n), _) => visit_int(*n, v),
            (Kind::Float(text), _) => Err(de::Error::invalid_type(de::Unexpected::Other(&format!("the floating point number `{text}`")), &v)),
            (Kind::Str(s), _) => v.visit_str::<Error>(s),
            (Kind::Ident(name), _) if name == "None" => v.visit_none::<Error>(),
            (Kind::Ident(_), _) => v.visit_unit::<Error>(),
            (Kind::Named { name, content }, _) if name == "Some" => v.visit_some(NodeDe::unwrapped(node, content)),
            // `Name()` is an empty tuple, `()` unit.
            (Kind::Named { content, .. }, _) if matches!(&content.kind, Kind::Items(i) if i.is_empty()) => v.visit_seq(Seq { items: [].iter() }),
            (Kind::Named { content, .. }, _) => return NodeDe::new(content).deserialize_any(v),
            (Kind::Fields(fields), _) => v.visit_map(Fields { fields: fields.iter(), value: None, last_key: &Cell::new(node.span) }),
            (Kind::Items(items), _) if items.is_empty() => v.visit_unit::<Error>(),
            (Kind::Items(items) | Kind::List(items), _) => v.visit_seq(Seq { items: items.iter() }),
            (Kind::Map(entries), _) => v.visit_map(Entries { entries: entries.iter(), value: None }),
        };
        out.map_err(|e| e.or_at(place(node)))
    }

    fn deserialize_bool<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        let d = self.plain()?;
        match d.node.kind {
            Kind::Bool(b) => v.visit_bool::<Error>(b).map_err(|e| e.or_at(place(d.node))),
            _ => Err(d.fail("Expected boolean")),
        }
    }

    integers! {
        deserialize_i8 i8 => visit_i8,
        deserialize_i16 i16 => visit_i16,
        deserialize_i32 i32 => visit_i32,
        deserialize_i64 i64 => visit_i64,
        deserialize_u8 u8 => visit_u8,
        deserialize_u16 u16 => visit_u16,
        deserialize_u32 u32 => visit_u32,
        deserialize_u64 u64 => visit_u64,
    }

    // No value of a scenario is a float: a float or anything else is refused by the visitor.
    fn deserialize_f32<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.deserialize_any(v)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.deserialize_any(v)
    }

    fn deserialize_char<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.deserialize_any(v)
    }

    fn deserialize_str<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        let d = self.plain()?;
        match &d.node.kind {
            Kind::Str(s) => v.visit_str::<Error>(s).map_err(|e| e.or_at(place(d.node))),
            _ => Err(d.fail("Expected string")),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.deserialize_str(v)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.deserialize_any(v)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.deserialize_any(v)
    }

    /// `None`, `Some(x)`, or (`implicit_some`) `x`.
    fn deserialize_option<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        let out = match (&self.node.kind, self.unwrapped) {
            (Kind::Items(items), true) if items.len() == 1 => return NodeDe::new(&items[0]).deserialize_option(v),
            (Kind::Ident(name), false) if name == "None" => v.visit_none::<Error>(),
            (Kind::Named { name, content }, false) if name == "Some" => {
                v.visit_some(NodeDe::unwrapped(self.node, content)).map_err(|e| e.or_at(inner(content)))
            }
            _ => v.visit_some(self),
        };
        out.map_err(|e| e.or_at(place(self.node)))
    }

    fn deserialize_unit<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        match &self.node.kind {
            Kind::Items(items) if items.is_empty() => v.visit_unit::<Error>().map_err(|e| e.or_at(place(self.node))),
            _ if self.unwrapped => Err(Error::new("Expected closing `)`", self.first_entry())),
            _ => Err(self.fail("Expected unit")),
        }
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, name: &'static str, v: V) -> Result<V::Value, Error> {
        match &self.node.kind {
            Kind::Ident(found) if !self.unwrapped && found == name => v.visit_unit::<Error>().map_err(|e| e.or_at(place(self.node))),
            Kind::Ident(found) if !self.unwrapped => Err(different_name(name, found, self.node.span)),
            _ => self.deserialize_unit(v),
        }
    }

    /// No value of a scenario is a newtype struct; one would be read as its content.
    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, v: V) -> Result<V::Value, Error> {
        let d = self.plain()?;
        v.visit_newtype_struct(d).map_err(|e| e.or_at(place(d.node)))
    }

    fn deserialize_seq<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        let d = self.plain()?;
        match &d.node.kind {
            Kind::List(items) => v.visit_seq(Seq { items: items.iter() }).map_err(|e| e.or_at(place(d.node))),
            _ => Err(d.fail("Expected opening `[`")),
        }
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, v: V) -> Result<V::Value, Error> {
        match &self.node.kind {
            Kind::Items(items) => v.visit_seq(Seq { items: items.iter() }).map_err(|e| e.or_at(place(self.node))),
            _ if self.unwrapped => Err(Error::new("Expected a value, not a field name (`name: value`)", self.first_entry())),
            _ => Err(self.fail("Expected opening `(`")),
        }
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(self, name: &'static str, len: usize, v: V) -> Result<V::Value, Error> {
        match &self.node.kind {
            Kind::Named { name: found, content } if found == name => NodeDe::new(content).deserialize_tuple(len, v),
            Kind::Named { name: found, .. } => Err(different_name(name, found, self.node.span)),
            Kind::Items(_) => self.deserialize_tuple(len, v),
            _ => Err(self.fail(&expected_struct(name))),
        }
    }

    fn deserialize_map<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        let d = self.plain()?;
        match &d.node.kind {
            Kind::Map(entries) => v.visit_map(Entries { entries: entries.iter(), value: None }).map_err(|e| e.or_at(place(d.node))),
            _ => Err(d.fail("Expected opening `{`")),
        }
    }

    /// `Name(field: ...)` or `(field: ...)`; ron names the struct in its field errors, unless
    /// the struct is a newtype variant's content (the variant names it then).
    fn deserialize_struct<V: Visitor<'de>>(self, name: &'static str, _fields: &'static [&'static str], v: V) -> Result<V::Value, Error> {
        let outer = (!name.is_empty()).then_some(name);
        match (&self.node.kind, self.unwrapped) {
            (Kind::Fields(_) | Kind::Items(_), true) => NodeDe::visit_struct(self.node, self.whole, None, v),
            (Kind::Fields(_) | Kind::Items(_), false) => NodeDe::visit_struct(self.node, self.whole, outer, v),
            (Kind::Named { name: found, content }, false) if found == name => NodeDe::visit_struct(content, self.whole, outer, v),
            (Kind::Named { name: found, .. } | Kind::Ident(found), false) if found != name => Err(different_name(name, found, self.node.span)),
            _ => Err(self.fail(&expected_struct(name))),
        }
    }

    fn deserialize_enum<V: Visitor<'de>>(self, name: &'static str, _variants: &'static [&'static str], v: V) -> Result<V::Value, Error> {
        let d = self.plain()?;
        match &d.node.kind {
            Kind::Ident(_) | Kind::Named { .. } => v.visit_enum(Enum { node: d.node }).map_err(|e| e.in_enum(name).or_at(place(d.node))),
            _ => Err(d.fail("Expected identifier")),
        }
    }

    /// A bare name, or a string where a value reads either (a node: `Online` or `"SMS-SEC-2"`).
    fn deserialize_identifier<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        let d = self.plain()?;
        match &d.node.kind {
            Kind::Ident(name) | Kind::Str(name) => v.visit_str::<Error>(name).map_err(|e| e.or_at(place(d.node))),
            _ => Err(d.fail("Expected identifier")),
        }
    }

    /// The tree is already known to be well-formed: nothing to check.
    fn deserialize_ignored_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        v.visit_unit::<Error>()
    }
}

/// A field's or a variant's name.
struct Name<'a> {
    name: &'a str,
    at: Span,
}

impl<'de> de::Deserializer<'de> for Name<'_> {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        v.visit_str::<Error>(self.name).map_err(|e| e.or_at(self.at))
    }

    fn deserialize_f32<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.deserialize_any(v)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, v: V) -> Result<V::Value, Error> {
        self.deserialize_any(v)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 char str string
        bytes byte_buf option unit unit_struct newtype_struct seq tuple
        tuple_struct map struct enum identifier ignored_any
    }
}

struct Seq<'a> {
    items: std::slice::Iter<'a, Node>,
}

impl<'de> de::SeqAccess<'de> for Seq<'_> {
    type Error = Error;

    fn next_element_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>, Error> {
        match self.items.next() {
            Some(item) => seed.deserialize(NodeDe::new(item)).map(Some).map_err(|e| e.or_at(place(item))),
            None => Ok(None),
        }
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// A struct's fields; `last_key` is where the key last read starts (a repeated field's place).
struct Fields<'a, 'c> {
    fields: std::slice::Iter<'a, Field>,
    value: Option<&'a Node>,
    last_key: &'c Cell<Span>,
}

impl<'de> de::MapAccess<'de> for Fields<'_, '_> {
    type Error = Error;

    fn next_key_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>, Error> {
        let Some(field) = self.fields.next() else { return Ok(None) };
        self.value = Some(&field.value);
        self.last_key.set(field.key_span);
        seed.deserialize(Name { name: &field.key, at: field.key_span }).map(Some)
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Error> {
        let value = self.value.take().ok_or_else(|| de::Error::custom("a field's value was asked for before its name"))?;
        seed.deserialize(NodeDe::new(value)).map_err(|e| e.or_at(place(value)))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.fields.len())
    }
}

/// A map's entries (`{key: value}`).
struct Entries<'a> {
    entries: std::slice::Iter<'a, (Node, Node)>,
    value: Option<&'a Node>,
}

impl<'de> de::MapAccess<'de> for Entries<'_> {
    type Error = Error;

    fn next_key_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<Option<S::Value>, Error> {
        let Some((key, value)) = self.entries.next() else { return Ok(None) };
        self.value = Some(value);
        seed.deserialize(NodeDe::new(key)).map(Some).map_err(|e| e.or_at(place(key)))
    }

    fn next_value_seed<S: DeserializeSeed<'de>>(&mut self, seed: S) -> Result<S::Value, Error> {
        let value = self.value.take().ok_or_else(|| de::Error::custom("a map's value was asked for before its key"))?;
        seed.deserialize(NodeDe::new(value)).map_err(|e| e.or_at(place(value)))
    }
}

/// An enum variant: `Name` or `Name(...)`.
struct Enum<'a> {
    node: &'a Node,
}

impl<'de, 'a> de::EnumAccess<'de> for Enum<'a> {
    type Error = Error;
    type Variant = Variant<'a>;

    fn variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<(S::Value, Variant<'a>), Error> {
        let name = self.node.name().unwrap_or_default();
        let value = seed.deserialize(Name { name, at: Span { start: self.node.span.start, end: self.node.span.start + name.len() } })?;
        let content = match &self.node.kind {
            Kind::Named { content, .. } => Some(&**content),
            _ => None,
        };
        Ok((value, Variant { node: self.node, name, content }))
    }
}

struct Variant<'a> {
    node: &'a Node,
    name: &'a str,
    content: Option<&'a Node>,
}

impl Variant<'_> {
    fn no_content(&self) -> Error {
        Error::new("Expected opening `(`", self.node.span)
    }
}

impl<'de> de::VariantAccess<'de> for Variant<'_> {
    type Error = Error;

    fn unit_variant(self) -> Result<(), Error> {
        match self.content {
            None => Ok(()),
            Some(content) => Err(Error::new(&format!("`{}` takes no value: write it without parentheses", self.name), content.span)),
        }
    }

    fn newtype_variant_seed<S: DeserializeSeed<'de>>(self, seed: S) -> Result<S::Value, Error> {
        let content = self.content.ok_or_else(|| self.no_content())?;
        seed.deserialize(NodeDe::unwrapped(self.node, content)).map_err(|e| e.in_struct(self.name).or_at(inner(content)))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, v: V) -> Result<V::Value, Error> {
        let content = self.content.ok_or_else(|| self.no_content())?;
        match &content.kind {
            Kind::Items(items) => v.visit_seq(Seq { items: items.iter() }).map_err(|e| e.or_at(place(self.node))),
            _ => Err(Error::new("Expected a value, not a field name (`name: value`)", NodeDe::new(content).first_entry())),
        }
    }

    fn struct_variant<V: Visitor<'de>>(self, _fields: &'static [&'static str], v: V) -> Result<V::Value, Error> {
        let content = self.content.ok_or_else(|| self.no_content())?;
        NodeDe::visit_struct(content, self.node.span, Some(self.name), v)
    }
}

/// The headline and the help as one sentence, as ron wrote them.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.code, self.help()) {
            (Code::MissingField { .. }, Some(help)) => write!(f, "{}: {help}", self.headline()),
            (_, Some(help)) => write!(f, "{}, {help}", self.headline()),
            (_, None) => f.write_str(&self.headline()),
        }
    }
}

/// The one expected word a misspelling most likely meant (issue 22): the nearest by edit
/// distance, case ignored, when it is within a third of the word's length (at least 1) and no
/// other word is as near. `None`: no such word, and the error lists them all.
pub(crate) fn closest<'w>(found: &str, expected: &[&'w str]) -> Option<&'w str> {
    let found = found.to_ascii_lowercase();
    let limit = (found.chars().count() / 3).max(1);
    let mut scored: Vec<(usize, &'w str)> =
        expected.iter().map(|e| (edit_distance(&found, &e.to_ascii_lowercase()), *e)).filter(|(d, _)| *d <= limit).collect();
    scored.sort();
    match scored.as_slice() {
        [(best, word), rest @ ..] if rest.first().is_none_or(|(next, _)| next > best) => Some(word),
        _ => None,
    }
}

/// Levenshtein distance over characters (insert, delete, substitute: 1 each).
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substituted = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substituted.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

/// ron's list of what was expected instead.
struct OneOf(&'static [&'static str], &'static str);

impl fmt::Display for OneOf {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            [] => write!(f, "there are no {}", self.1),
            [a] => write!(f, "expected `{a}` instead"),
            [a, b] => write!(f, "expected either `{a}` or `{b}` instead"),
            [first, middle @ .., last] => {
                write!(f, "expected one of `{first}`")?;
                middle.iter().try_for_each(|m| write!(f, ", `{m}`"))?;
                write!(f, ", or `{last}` instead")
            }
        }
    }
}

/// ron's words for what was found instead.
fn found(unexpected: de::Unexpected<'_>) -> String {
    use de::Unexpected as U;
    match unexpected {
        U::Bool(b) => format!("the boolean `{b}`"),
        U::Unsigned(i) => format!("the unsigned integer `{i}`"),
        U::Signed(i) => format!("the signed integer `{i}`"),
        U::Float(n) => format!("the floating point number `{n}`"),
        U::Char(c) => format!("the UTF-8 character `{c}`"),
        U::Str(s) => format!("the string {s:?}"),
        U::Bytes(_) => "a byte string".to_string(),
        U::Unit => "a unit value".to_string(),
        U::Option => "an optional value".to_string(),
        U::NewtypeStruct => "a newtype struct".to_string(),
        U::Seq => "a sequence".to_string(),
        U::Map => "a map".to_string(),
        U::Enum => "an enum".to_string(),
        U::UnitVariant => "a unit variant".to_string(),
        U::NewtypeVariant => "a newtype variant".to_string(),
        U::TupleVariant => "a tuple variant".to_string(),
        U::StructVariant => "a struct variant".to_string(),
        U::Other(other) => other.to_string(),
    }
}

impl de::Error for Error {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        Error { code: Code::Message(msg.to_string()), at: None, fix: None }
    }

    fn invalid_type(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Self::custom(format!("Expected {expected} but found {} instead", found(unexpected)))
    }

    fn invalid_value(unexpected: de::Unexpected<'_>, expected: &dyn de::Expected) -> Self {
        Self::invalid_type(unexpected, expected)
    }

    fn invalid_length(len: usize, expected: &dyn de::Expected) -> Self {
        let found = match len {
            0 => "zero elements".to_string(),
            1 => "one element".to_string(),
            n => format!("{n} elements"),
        };
        Self::custom(format!("Expected {expected} but found {found} instead"))
    }

    fn unknown_variant(variant: &str, expected: &'static [&'static str]) -> Self {
        Error { code: Code::UnknownVariant { found: variant.to_string(), expected, outer: None }, at: None, fix: None }
    }

    fn unknown_field(field: &str, expected: &'static [&'static str]) -> Self {
        Error { code: Code::UnknownField { found: field.to_string(), expected, outer: None }, at: None, fix: None }
    }

    fn missing_field(field: &'static str) -> Self {
        Error { code: Code::MissingField { field, outer: None }, at: None, fix: None }
    }

    fn duplicate_field(field: &'static str) -> Self {
        Error { code: Code::DuplicateField { field, outer: None }, at: None, fix: None }
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::super::tree::read;
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        a: u32,
        #[serde(default)]
        b: Option<String>,
    }

    #[derive(Debug, Deserialize, PartialEq)]
    enum E {
        Unit,
        New(u8),
        Wrap(Inner),
        Pair(u8, String),
        Fields { x: bool },
    }

    #[derive(Debug, Deserialize, PartialEq)]
    #[serde(deny_unknown_fields)]
    struct Outer {
        e: Vec<E>,
        o: Option<Inner>,
        t: (u8, u8),
        #[serde(default)]
        s: Option<Vec<u8>>,
    }

    fn de<T: DeserializeOwned>(src: &str) -> Result<T, (usize, String)> {
        let node = read(src).map_err(|e| (e.at, e.message))?;
        from_node(&node).map_err(|e| (e.at().map_or(usize::MAX, |s| s.start), e.to_string()))
    }

    #[test]
    fn values_read_as_ron_reads_them_with_failsims_extensions() {
        let src =
            r#"Outer(e: [Unit, New(1), Wrap(a: 2), Wrap(a: 3, b: Some("x")), Pair(4, "y"), Fields(x: true)], o: (a: 5, b: "z"), t: (6, 7), s: Some([8]))"#;
        let read: Outer = de(src).unwrap();
        let inner = |a, b: Option<&str>| Inner { a, b: b.map(str::to_string) };
        let e = vec![E::Unit, E::New(1), E::Wrap(inner(2, None)), E::Wrap(inner(3, Some("x"))), E::Pair(4, "y".into()), E::Fields { x: true }];
        assert_eq!(read.e, e, "variants of every shape; a newtype variant's struct unwrapped");
        assert_eq!(read.o, Some(inner(5, Some("z"))), "an optional struct and string written bare");
        assert_eq!(read.t, (6, 7), "a tuple");
        assert_eq!(read.s, Some(vec![8]), "`Some(...)` written out");
        assert_eq!(de::<Option<u8>>("None"), Ok(None), "`None`");
    }

    #[test]
    fn a_misspelling_gets_the_word_it_most_likely_meant() {
        assert_eq!(edit_distance("swich_time", "switch_time"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        let fields = &["switch_time", "start_time", "seed"];
        assert_eq!(closest("swich_time", fields), Some("switch_time"));
        assert_eq!(closest("SWITCH_TIME", fields), Some("switch_time"), "case ignored");
        assert_eq!(closest("banana", fields), None, "nothing near: the list");
        assert_eq!(closest("sed", &["seed", "sea"]), None, "two as near: the list");
        assert_eq!(closest("Pul", &["Pull", "Plug", "PowerFail"]), Some("Pull"));
    }

    #[test]
    fn every_error_is_located_at_its_token_with_rons_text() {
        let cases: &[(&str, usize, &str)] = &[
            ("(a: 1, c: 2)", 7, "Unexpected field named `c` in `Inner`, expected either `a` or `b` instead"),
            ("(b: \"x\")", 0, "Unexpected missing field named `a` in `Inner`: add `a: …`"),
            ("Inner(b: \"x\")", 0, "Unexpected missing field named `a` in `Inner`: add `a: …`"),
            ("(a: 1, a: 2)", 7, "Unexpected duplicate field named `a` in `Inner`"),
            ("(a: -1)", 4, "Integer is out of bounds"),
            ("(a: 1.5)", 4, "Expected integer but found the floating point number `1.5` instead"),
            ("(a: \"1\")", 4, "Expected integer"),
            ("(a: 1, b: 2)", 10, "Expected string"),
            ("Other(a: 1)", 0, "Expected struct `Inner` but found `Other`"),
        ];
        for (src, at, message) in cases {
            assert_eq!(de::<Inner>(src), Err((*at, message.to_string())), "{src}");
        }
        let cases: &[(&str, usize, &str)] = &[
            ("Nope", 0, "Unexpected variant named `Nope` in enum `E`, expected one of `Unit`, `New`, `Wrap`, `Pair`, or `Fields` instead"),
            ("Wrap(a: 1, c: 2)", 11, "Unexpected field named `c` in `Wrap`, expected either `a` or `b` instead"),
            ("Wrap(b: \"x\")", 0, "Unexpected missing field named `a` in `Wrap`: add `a: …`"),
            ("Fields()", 0, "Unexpected missing field named `x` in `Fields`: add `x: …`"),
            ("Pair(1)", 0, "Expected tuple variant E::Pair with 2 elements but found one element instead"),
            ("New", 0, "Expected opening `(`"),
            ("Unit()", 4, "`Unit` takes no value: write it without parentheses"),
            ("New(1, 2)", 7, "Expected closing `)`"),
            ("\"Unit\"", 0, "Expected identifier"),
        ];
        for (src, at, message) in cases {
            assert_eq!(de::<E>(src), Err((*at, message.to_string())), "{src}");
        }
    }
}
