//! The architecture as a test (rust-analyzer's tidy tests are the model): reads ARCHITECTURE.md
//! and `src/`, and fails when a module uses one it may not (a layer importing one above it, or
//! one product importing another), when code outside a product's folder names that product, or
//! when a product's model fields are visible outside its folder.
//!
//! The layer table is not kept here: it is the code map of ARCHITECTURE.md, whose module headings
//! end with `— may use: a, b, c` (or `nothing`, or `everything`). The page is the rule, so the two
//! cannot drift apart.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

// ---------------------------------------------------------------------------------------------
// The layer table, read from ARCHITECTURE.md.

/// What a module may use, as its code-map heading says.
#[derive(Clone, Debug, PartialEq)]
enum MayUse {
    /// `— may use: everything`: the crate root (the facade) and the binary, which is another
    /// crate and sees only the library's public API.
    Everything,
    /// The modules listed (none for `nothing`); `products/<name>` stands for every product folder.
    Only(Vec<String>),
}

/// The layer table: each module's key (`engine`, `units`, `products`, `products/<name>`, `lib`)
/// and what it may use, and each heading path (`src/engine/`, `src/units.rs`) with its key.
#[derive(Debug)]
struct Table {
    layers: BTreeMap<String, MayUse>,
    paths: BTreeMap<String, String>,
}

const MAY_USE: &str = " — may use: ";

/// Reads the layer table from the code map of an ARCHITECTURE.md. A heading there that names a
/// `src/` path is one or more clauses joined by `; `, each `PATHS — may use: DEPS`: PATHS are
/// backquoted `src/x/` or `src/x.rs` (`src/products/<name>/` for every product folder) joined by
/// `, `; DEPS are `nothing`, `everything`, or module keys joined by `, ` (`engine`, `products`,
/// `products/<name>`). Headings that name no `src/` path (`scenarios/`, …) are prose.
fn layer_table(md: &str) -> Result<Table, Vec<String>> {
    let mut problems = Vec::new();
    let mut table = Table { layers: BTreeMap::new(), paths: BTreeMap::new() };
    let mut lines = md.lines().skip_while(|l| *l != "## Code map").peekable();
    if lines.peek().is_none() {
        return Err(vec!["ARCHITECTURE.md: no `## Code map` section".into()]);
    }
    let map = lines.skip(1).take_while(|l| !l.starts_with("## "));
    for heading in map.filter_map(|l| l.strip_prefix("### ")) {
        if !heading.contains("`src/") {
            continue;
        }
        for clause in heading.split("; ") {
            let Some((paths, deps)) = clause.split_once(MAY_USE) else {
                problems.push(format!("ARCHITECTURE.md: heading `### {heading}`: `{clause}` does not end with `— may use: a, b` (or `nothing`, `everything`)"));
                continue;
            };
            let may_use = match deps.trim() {
                "nothing" => MayUse::Only(Vec::new()),
                "everything" => MayUse::Everything,
                list => MayUse::Only(list.split(", ").map(|d| d.trim().to_string()).collect()),
            };
            for path in paths.split(", ") {
                let path = path.trim();
                let Some(key) = path.strip_prefix('`').and_then(|p| p.strip_suffix('`')).and_then(key_of_heading_path) else {
                    problems.push(format!("ARCHITECTURE.md: heading `### {heading}`: `{path}` is not a backquoted `src/x/` or `src/x.rs`"));
                    continue;
                };
                if table.layers.insert(key.clone(), may_use.clone()).is_some() {
                    problems.push(format!("ARCHITECTURE.md: `{path}` has two headings"));
                }
                table.paths.insert(path.trim_matches('`').to_string(), key);
            }
        }
    }
    for (key, may_use) in &table.layers {
        let MayUse::Only(deps) = may_use else { continue };
        for dep in deps.iter().filter(|d| !table.layers.contains_key(*d)) {
            problems.push(format!("ARCHITECTURE.md: `{key}` may use `{dep}`, which no heading of the code map names"));
        }
    }
    if problems.is_empty() { Ok(table) } else { Err(problems) }
}

/// `src/engine/` → `engine`, `src/units.rs` → `units`, `src/products/<name>/` → `products/<name>`.
fn key_of_heading_path(path: &str) -> Option<String> {
    let rest = path.strip_prefix("src/")?;
    let key = rest.strip_suffix('/').or_else(|| rest.strip_suffix(".rs"))?;
    (!key.is_empty()).then(|| key.to_string())
}

/// The heading paths the source tree has: `src/x/` for each folder, `src/x.rs` for each file at
/// the top of `src/`, and `src/products/<name>/` when there is a product folder. `files` are
/// paths relative to `src/`.
fn heading_paths_present(files: &[PathBuf]) -> BTreeSet<String> {
    let mut present = BTreeSet::new();
    for rel in files {
        let parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
        match parts.as_slice() {
            [file] => {
                present.insert(format!("src/{file}"));
            }
            [top, rest @ ..] => {
                present.insert(format!("src/{top}/"));
                if top == "products" && rest.len() > 1 {
                    present.insert("src/products/<name>/".into());
                }
            }
            [] => {}
        }
    }
    present
}

/// Every module of `src/` has a heading and every heading names a module of `src/`.
fn table_covers(table: &Table, files: &[PathBuf]) -> Vec<String> {
    let present = heading_paths_present(files);
    let headed: BTreeSet<String> = table.paths.keys().cloned().collect();
    let missing =
        present.difference(&headed).map(|p| format!("ARCHITECTURE.md: `{p}` has no heading in the code map (add one that ends with \"— may use: …\")"));
    let unknown = headed.difference(&present).map(|p| format!("ARCHITECTURE.md: the code map has a heading for `{p}`, which does not exist"));
    missing.chain(unknown).collect()
}

/// The table key whose rule a file's code follows: `products/<name>` for a file in a product
/// folder, `lib` for the crate root, `main` for `main.rs`, otherwise the top of its path.
fn key_of_file(rel: &Path) -> String {
    let parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string()).collect();
    match parts.as_slice() {
        [top, _, _, ..] if top == "products" => "products/<name>".into(),
        [top, ..] => top.clone(),
        [] => String::new(),
    }
}

/// The layer a file belongs to: like [`key_of_file`] but naming its product (`products/mrs`).
fn layer_of_file(rel: &Path) -> String {
    let parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string()).collect();
    match parts.as_slice() {
        [top, folder, _, ..] if top == "products" => format!("products/{folder}"),
        _ => key_of_file(rel),
    }
}

// ---------------------------------------------------------------------------------------------
// Tokens: enough of Rust's lexer that comments, strings, characters and lifetimes never look like
// paths, and `#[cfg(test)]` items (tests may use anything) are gone.

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    /// An identifier, keyword or number.
    Word(String),
    /// `::`
    Sep,
    Punct(char),
}

#[derive(Clone, Debug)]
struct Token {
    tok: Tok,
    line: usize,
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn tokens(text: &str) -> Vec<Token> {
    let cs: Vec<char> = text.chars().collect();
    let at = |i: usize| cs.get(i).copied().unwrap_or('\0');
    let (mut i, mut line, mut out) = (0, 1, Vec::new());
    // Skips a quoted string whose opening quote is at `i - 1`; returns the index after its end.
    let string_end = |mut i: usize, line: &mut usize| {
        while i < cs.len() && cs[i] != '"' {
            *line += usize::from(cs[i] == '\n');
            i += if cs[i] == '\\' { 2 } else { 1 };
        }
        i + 1
    };
    while i < cs.len() {
        let c = cs[i];
        match c {
            '\n' => {
                line += 1;
                i += 1;
            }
            c if c.is_whitespace() => i += 1,
            '/' if at(i + 1) == '/' => {
                while i < cs.len() && cs[i] != '\n' {
                    i += 1;
                }
            }
            '/' if at(i + 1) == '*' => {
                let mut depth = 0usize;
                loop {
                    if i >= cs.len() {
                        break;
                    } else if cs[i] == '/' && at(i + 1) == '*' {
                        depth += 1;
                        i += 2;
                    } else if cs[i] == '*' && at(i + 1) == '/' {
                        depth -= 1;
                        i += 2;
                        if depth == 0 {
                            break;
                        }
                    } else {
                        line += usize::from(cs[i] == '\n');
                        i += 1;
                    }
                }
            }
            '"' => i = string_end(i + 1, &mut line),
            '\'' if at(i + 1) == '\\' => {
                // An escaped character: '\n', '\'', '\u{1F600}'.
                i += 3;
                while i < cs.len() && cs[i] != '\'' {
                    i += 1;
                }
                i += 1;
            }
            '\'' if at(i + 2) == '\'' => i += 3,
            '\'' => {
                // A lifetime or a label: not a path.
                i += 1;
                while i < cs.len() && is_word_char(cs[i]) {
                    i += 1;
                }
            }
            c if is_word_char(c) => {
                let start = i;
                while i < cs.len() && is_word_char(cs[i]) {
                    i += 1;
                }
                let word: String = cs[start..i].iter().collect();
                let hashes = cs[i..].iter().take_while(|c| **c == '#').count();
                match word.as_str() {
                    "r" | "br" | "cr" if at(i + hashes) == '"' => {
                        // A raw string: ends at a quote followed by as many `#`.
                        i += hashes + 1;
                        while i < cs.len() && !(cs[i] == '"' && cs[i + 1..].iter().take(hashes).filter(|c| **c == '#').count() == hashes) {
                            line += usize::from(cs[i] == '\n');
                            i += 1;
                        }
                        i += 1 + hashes;
                    }
                    "r" if hashes == 1 && is_word_char(at(i + 1)) => {} // a raw identifier: `r#type` reads as `type` next
                    "b" | "c" if at(i) == '"' => i = string_end(i + 1, &mut line),
                    "b" if at(i) == '\'' => {
                        i += if at(i + 1) == '\\' { 3 } else { 2 };
                        while i < cs.len() && cs[i] != '\'' {
                            i += 1;
                        }
                        i += 1;
                    }
                    _ => out.push(Token { tok: Tok::Word(word), line }),
                }
            }
            ':' if at(i + 1) == ':' => {
                out.push(Token { tok: Tok::Sep, line });
                i += 2;
            }
            // The `#` of a raw identifier (`r#type`; the `r` was dropped above).
            '#' if i > 0 && cs[i - 1] == 'r' && is_word_char(at(i + 1)) => i += 1,
            c => {
                out.push(Token { tok: Tok::Punct(c), line });
                i += 1;
            }
        }
    }
    out
}

fn is_punct(t: Option<&Token>, c: char) -> bool {
    t.is_some_and(|t| t.tok == Tok::Punct(c))
}

fn word(t: Option<&Token>) -> Option<&str> {
    match t.map(|t| &t.tok) {
        Some(Tok::Word(w)) => Some(w),
        _ => None,
    }
}

/// The index just past a bracketed group that opens at `open` (`(`, `[` or `{`).
fn group_end(toks: &[Token], open: usize) -> usize {
    let mut depth = 0usize;
    for (i, t) in toks.iter().enumerate().skip(open) {
        match t.tok {
            Tok::Punct('(' | '[' | '{') => depth += 1,
            Tok::Punct(')' | ']' | '}') => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
    }
    toks.len()
}

/// The tokens without the items under `#[cfg(test)]`: each such item ends at its first `;` or
/// `{…}` outside brackets.
fn without_tests(toks: Vec<Token>) -> Vec<Token> {
    let cfg_test = [Tok::Punct('#'), Tok::Punct('['), Tok::Word("cfg".into()), Tok::Punct('('), Tok::Word("test".into()), Tok::Punct(')'), Tok::Punct(']')];
    let mut out = Vec::with_capacity(toks.len());
    let mut i = 0;
    while i < toks.len() {
        if !toks[i..].iter().map(|t| &t.tok).take(cfg_test.len()).eq(cfg_test.iter()) {
            out.push(toks[i].clone());
            i += 1;
            continue;
        }
        i += cfg_test.len();
        // Further attributes on the same item.
        while is_punct(toks.get(i), '#') && is_punct(toks.get(i + 1), '[') {
            i = group_end(&toks, i + 1);
        }
        while i < toks.len() {
            match toks[i].tok {
                Tok::Punct(';') => {
                    i += 1;
                    break;
                }
                Tok::Punct('{') => {
                    i = group_end(&toks, i);
                    break;
                }
                Tok::Punct('(' | '[') => i = group_end(&toks, i),
                _ => i += 1,
            }
        }
    }
    out
}

/// For each token, the inline modules (`mod name { … }`) it is inside, outermost first.
fn inline_modules(toks: &[Token]) -> Vec<Vec<String>> {
    let (mut depth, mut open, mut out): (usize, Vec<(usize, String)>, Vec<Vec<String>>) = (0, Vec::new(), Vec::with_capacity(toks.len()));
    for (i, t) in toks.iter().enumerate() {
        match &t.tok {
            Tok::Punct('{') => {
                depth += 1;
                if i >= 2 && word(toks.get(i - 2)) == Some("mod") {
                    open.push((depth, word(toks.get(i - 1)).unwrap_or_default().to_string()));
                }
            }
            Tok::Punct('}') => {
                if open.last().is_some_and(|(d, _)| *d == depth) {
                    open.pop();
                }
                depth = depth.saturating_sub(1);
            }
            _ => {}
        }
        out.push(open.iter().map(|(_, name)| name.clone()).collect());
    }
    out
}

/// The module a file is: `[]` for `lib.rs`, `["products", "dataminer"]` for
/// `products/dataminer/mod.rs`, `["net", "dns"]` for `net/dns.rs`.
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string()).collect();
    if parts.last().is_some_and(|p| p == "mod" || (p == "lib" && parts.len() == 1)) {
        parts.pop();
    }
    parts
}

// ---------------------------------------------------------------------------------------------
// The module graph and the path follower.
//
// What is followed: every path in the library's code — in `use` trees nested to any depth
// (`use crate::{a::{b, c}, d}`, `{self, …}`, `as` renames, globs) and in code (`crate::a::f()`,
// `super::super::b::X`, `self::c::Y`, and `alias::Z` where `alias` is a `use` binding, a child
// module or an item of the module it is written in). A path is walked module by module from where
// it starts (`crate`: the root; `self`: the module it is written in, inline `mod x { }` included;
// each `super`: one up; otherwise the name as the module it is written in knows it); at each step
// a child module is entered, and a name a module binds with `use` (`pub` or not: a child may reach
// its parent's private imports through `super::`) is replaced by what it binds, resolved from
// that module — so a re-export chain (`a` re-exports `b::X`, `b` re-exports `c::X`) charges the
// user with `a`, `b` and `c`. A glob import is followed for the names its source knows.
//
// What is not: macro expansion (a macro's body is read as the code of the module that defines it:
// `$crate::x` there counts for that module, not for the module invoking it), method calls and
// field accesses (`value.method()` uses the type's module only through the names written), names
// from other crates and the prelude, `#[path]` and `include!` (neither is used), and shadowing: a
// `use` inside a function body counts for its whole module, and a local variable named like an
// import is read as the import (which the `use` already charged). Items under `#[cfg(test)]` and
// `tests.rs` files are not read: tests may use anything.

/// What one module (a file, or an inline `mod x { }`) declares and imports.
#[derive(Debug, Default)]
struct Module {
    /// `mod x;` and `mod x { }`.
    children: BTreeSet<String>,
    /// Names of the items it defines (functions, types, traits, constants, macros).
    items: BTreeSet<String>,
    /// `use` bindings: the name each binds and the path as written (resolved from this module).
    bindings: BTreeMap<String, Vec<String>>,
    /// `use path::*` sources, as written.
    globs: Vec<Vec<String>>,
}

/// A path written in the code: where, in which module, and its segments.
#[derive(Debug)]
struct Written {
    file: PathBuf,
    line: usize,
    module: Vec<String>,
    path: Vec<String>,
}

#[derive(Debug, Default)]
struct Crate {
    modules: BTreeMap<Vec<String>, Module>,
    written: Vec<Written>,
    /// The product folders (`src/products/<folder>/`).
    folders: BTreeSet<String>,
}

const ITEM_KEYWORDS: &[&str] = &["fn", "struct", "enum", "union", "trait", "type", "const", "static"];

/// One leaf of a `use` tree: the full path and the name it binds (`None` for a glob).
#[derive(Debug, PartialEq)]
struct Leaf {
    path: Vec<String>,
    name: Option<String>,
}

/// Reads the `use` tree starting at `*i` with `prefix` before it, up to (not past) the `,`, `}` or
/// `;` that ends it.
fn use_tree(toks: &[Token], i: &mut usize, prefix: Vec<String>, out: &mut Vec<Leaf>) {
    let mut path = prefix;
    while let Some(t) = toks.get(*i) {
        match &t.tok {
            Tok::Sep if path.is_empty() => {
                // `use ::x`: another crate.
                path.push("::".into());
                *i += 1;
            }
            Tok::Sep => *i += 1,
            Tok::Punct('*') => {
                *i += 1;
                out.push(Leaf { path, name: None });
                return;
            }
            Tok::Punct('{') => {
                *i += 1;
                while toks.get(*i).is_some_and(|t| t.tok != Tok::Punct('}')) {
                    use_tree(toks, i, path.clone(), out);
                    if is_punct(toks.get(*i), ',') {
                        *i += 1;
                    }
                }
                *i += 1;
                return;
            }
            Tok::Word(w) => {
                path.push(w.clone());
                *i += 1;
                if toks.get(*i).is_some_and(|t| t.tok == Tok::Sep) {
                    continue;
                }
                if path.last().is_some_and(|s| s == "self") && path.len() > 1 {
                    path.pop();
                }
                let mut name = path.last().cloned();
                if word(toks.get(*i)) == Some("as") {
                    name = word(toks.get(*i + 1)).map(str::to_string);
                    *i += 2;
                }
                out.push(Leaf { path, name });
                return;
            }
            // `,`, `}` or `;`: the tree ended (an empty group).
            _ => return,
        }
    }
}

impl Crate {
    /// Reads the library's files (paths relative to `src/`); the binaries (`main.rs`, `cli/`,
    /// `bin/`) are other crates and stay out.
    fn read(files: &[(PathBuf, String)]) -> Crate {
        let mut krate = Crate::default();
        for (rel, text) in files {
            let parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
            if parts.first().is_some_and(|p| p == "main.rs" || p == "cli" || p == "bin") {
                continue;
            }
            if let [top, folder, _, ..] = parts.as_slice()
                && top == "products"
            {
                krate.folders.insert(folder.clone());
            }
            krate.read_file(rel, text);
        }
        krate
    }

    fn read_file(&mut self, rel: &Path, text: &str) {
        let toks = without_tests(tokens(text));
        let inline = inline_modules(&toks);
        let base = module_path(rel);
        let here = |i: usize| [base.clone(), inline[i].clone()].concat();
        self.modules.entry(base.clone()).or_default();
        let mut i = 0;
        while i < toks.len() {
            let prev = i.checked_sub(1).and_then(|p| toks.get(p));
            let next = word(toks.get(i + 1)).map(str::to_string);
            match word(toks.get(i)) {
                Some("mod") if next.is_some() => {
                    let name = next.unwrap_or_default();
                    self.modules.entry(here(i)).or_default().children.insert(name.clone());
                    self.modules.entry([here(i), vec![name]].concat()).or_default();
                }
                Some("use") if !is_punct(toks.get(i + 1), '<') => {
                    // `use` trees; `impl Trait + use<'a>` is no import.
                    let (line, module) = (toks[i].line, here(i));
                    let mut leaves = Vec::new();
                    i += 1;
                    while toks.get(i).is_some_and(|t| t.tok != Tok::Punct(';')) {
                        use_tree(&toks, &mut i, Vec::new(), &mut leaves);
                        if !is_punct(toks.get(i), ';') {
                            i += 1;
                        }
                    }
                    let entry = self.modules.entry(module.clone()).or_default();
                    for leaf in &leaves {
                        match &leaf.name {
                            Some(name) => entry.bindings.insert(name.clone(), leaf.path.clone()),
                            None => {
                                entry.globs.push(leaf.path.clone());
                                None
                            }
                        };
                    }
                    for leaf in leaves {
                        self.written.push(Written { file: rel.to_path_buf(), line, module: module.clone(), path: leaf.path });
                    }
                    i += 1;
                    continue;
                }
                Some(kw) if ITEM_KEYWORDS.contains(&kw) && next.is_some() => {
                    self.modules.entry(here(i)).or_default().items.insert(next.unwrap_or_default());
                }
                Some("macro_rules") if is_punct(toks.get(i + 1), '!') => {
                    let name = word(toks.get(i + 2)).unwrap_or_default().to_string();
                    self.modules.entry(here(i)).or_default().items.insert(name);
                }
                _ => {}
            }
            // A path starts at a word that follows no `::` (it would be a later segment), `.` (a
            // field or method) or `$` (a macro variable; `$crate` is the crate), and is not the
            // path of a visibility (`pub(super)`, `pub(in crate::products)`: no use).
            let dollar_crate = is_punct(prev, '$') && word(toks.get(i)) == Some("crate");
            let back = |n: usize| i.checked_sub(n).and_then(|p| toks.get(p));
            let in_visibility = (is_punct(back(1), '(') && word(back(2)) == Some("pub"))
                || (word(back(1)) == Some("in") && is_punct(back(2), '(') && word(back(3)) == Some("pub"));
            let starts = word(toks.get(i)).is_some_and(|w| !w.starts_with(|c: char| c.is_ascii_digit()))
                && !in_visibility
                && !prev.is_some_and(|p| p.tok == Tok::Sep || p.tok == Tok::Punct('.') || (p.tok == Tok::Punct('$') && !dollar_crate));
            if starts {
                let mut path = vec![word(toks.get(i)).unwrap_or_default().to_string()];
                let mut j = i + 1;
                while toks.get(j).is_some_and(|t| t.tok == Tok::Sep)
                    && let Some(w) = word(toks.get(j + 1))
                {
                    path.push(w.to_string());
                    j += 2;
                }
                self.written.push(Written { file: rel.to_path_buf(), line: toks[i].line, module: here(i), path });
            }
            i += 1;
        }
    }

    /// The layer a module is in: `products/<folder>` inside a product folder, otherwise its top
    /// module; the crate root is in none.
    fn layer(&self, module: &[String]) -> Option<String> {
        match module {
            [] => None,
            [top, folder, ..] if top == "products" && self.folders.contains(folder) => Some(format!("products/{folder}")),
            [top, ..] => Some(top.clone()),
        }
    }

    /// The modules a path written in module `at` passes through, in order.
    fn route(&self, at: &[String], path: &[String]) -> Vec<Vec<String>> {
        let mut seen = Vec::new();
        self.start(at, path, &mut seen, 0);
        seen
    }

    /// Follows `path` as written in module `at`; returns the module it names if every segment is
    /// one. Depth bounds a cycle of bindings (which the compiler would refuse anyway).
    fn start(&self, at: &[String], path: &[String], seen: &mut Vec<Vec<String>>, depth: usize) -> Option<Vec<String>> {
        let (first, rest) = path.split_first()?;
        if depth > 16 {
            return None;
        }
        match first.as_str() {
            "crate" => self.walk(Vec::new(), rest, seen, depth),
            "self" => self.walk(at.to_vec(), rest, seen, depth),
            "super" => {
                let (mut module, mut rest) = (at.to_vec(), path);
                while let Some((s, tail)) = rest.split_first()
                    && s == "super"
                {
                    module.pop()?;
                    rest = tail;
                }
                self.walk(module, rest, seen, depth)
            }
            _ if self.knows(at, first, depth) => self.walk(at.to_vec(), path, seen, depth),
            // Another crate (`std`, `serde`), a prelude name, a local variable, a generic.
            _ => None,
        }
    }

    fn walk(&self, at: Vec<String>, rest: &[String], seen: &mut Vec<Vec<String>>, depth: usize) -> Option<Vec<String>> {
        seen.push(at.clone());
        let Some((name, tail)) = rest.split_first() else { return Some(at) };
        let module = self.modules.get(&at)?;
        if module.children.contains(name) {
            return self.walk([at.clone(), vec![name.clone()]].concat(), tail, seen, depth);
        }
        if let Some(target) = module.bindings.get(name) {
            return self.start(&at, &[target.clone(), tail.to_vec()].concat(), seen, depth + 1);
        }
        if module.items.contains(name) {
            return None;
        }
        for glob in &module.globs {
            let mut via = Vec::new();
            if let Some(source) = self.start(&at, glob, &mut via, depth + 1)
                && self.knows(&source, name, depth + 1)
            {
                seen.extend(via);
                return self.walk(source, rest, seen, depth + 1);
            }
        }
        None
    }

    /// Whether module `at` has something called `name`: a child, an item, a binding, or a name a
    /// glob import brings.
    fn knows(&self, at: &[String], name: &str, depth: usize) -> bool {
        let Some(module) = self.modules.get(at) else { return false };
        depth <= 16
            && (module.children.contains(name)
                || module.items.contains(name)
                || module.bindings.contains_key(name)
                || module.globs.iter().any(|g| self.start(at, g, &mut Vec::new(), depth + 1).is_some_and(|source| self.knows(&source, name, depth + 1))))
    }
}

fn shown(module: &[String]) -> String {
    if module.is_empty() { "crate".into() } else { format!("crate::{}", module.join("::")) }
}

/// Each place where code uses a module its heading does not allow, once per file and module
/// used: `src/report/mod.rs:3: module `report` uses `scenario` (…); it may use only: …`.
fn crossings(files: &[(PathBuf, String)], table: &Table) -> Vec<String> {
    let krate = Crate::read(files);
    let mut found: BTreeMap<(PathBuf, String), String> = BTreeMap::new();
    for w in &krate.written {
        let Some(MayUse::Only(deps)) = table.layers.get(&key_of_file(&w.file)) else { continue };
        let own = layer_of_file(&w.file);
        let route = krate.route(&w.module, &w.path);
        for used in route.iter().filter_map(|m| krate.layer(m)) {
            // `products/<name>` in a list allows every product folder (the registry's rule).
            let any_product = used.starts_with("products/") && deps.iter().any(|d| d == "products/<name>");
            if used == own || deps.contains(&used) || any_product || found.contains_key(&(w.file.clone(), used.clone())) {
                continue;
            }
            let mut through: Vec<String> = route.iter().map(|m| shown(m)).collect();
            through.dedup();
            let only = if deps.is_empty() { "nothing".to_string() } else { deps.join(", ") };
            let message = format!(
                "src/{}:{}: module `{own}` uses `{used}` (`{}` goes through {}); it may use only: {only}",
                w.file.display(),
                w.line,
                w.path.join("::"),
                through.join(" → ")
            );
            found.insert((w.file.clone(), used), message);
        }
    }
    found.into_values().collect()
}

// ---------------------------------------------------------------------------------------------
// Field privacy.

/// A struct field declaration and how far its visibility reaches.
#[derive(Debug)]
struct Field {
    line: usize,
    /// `Agent::dma`, `Pair::0`.
    name: String,
    /// `pub`, `pub(super)`, … as written; empty when private.
    vis: String,
    /// The module its visibility reaches (with its descendants); `None` for `pub`.
    reach: Option<Vec<String>>,
}

/// The struct fields a file declares (outside `#[cfg(test)]` items), named and tuple.
fn fields(rel: &Path, text: &str) -> Vec<Field> {
    let toks = without_tests(tokens(text));
    let inline = inline_modules(&toks);
    let base = module_path(rel);
    let mut out = Vec::new();
    for (i, scope) in inline.iter().enumerate() {
        let (Some("struct"), Some(owner)) = (word(toks.get(i)), word(toks.get(i + 1))) else { continue };
        let module = [base.clone(), scope.clone()].concat();
        // Past the generics and a `where` clause to the body.
        let mut j = i + 2;
        while j < toks.len() && !matches!(toks[j].tok, Tok::Punct('{' | '(' | ';')) {
            j += 1;
        }
        let (Some(open), close) = (toks.get(j), if is_punct(toks.get(j), '{') { '}' } else { ')' }) else { continue };
        if open.tok == Tok::Punct(';') {
            continue;
        }
        let end = group_end(&toks, j);
        let (mut k, mut index, mut depth, mut angle) = (j + 1, 0usize, 0usize, 0usize);
        let mut at_start = true;
        while k < end - 1 {
            if at_start {
                at_start = false;
                while is_punct(toks.get(k), '#') && is_punct(toks.get(k + 1), '[') {
                    k = group_end(&toks, k + 1);
                }
                let (vis, reach, after) = visibility(&toks, k, &module);
                let name = if close == '}' { word(toks.get(after)).unwrap_or_default().to_string() } else { index.to_string() };
                out.push(Field { line: toks[k.min(toks.len() - 1)].line, name: format!("{owner}::{name}"), vis, reach });
                index += 1;
                k = after;
                continue;
            }
            match toks[k].tok {
                Tok::Punct('(' | '[' | '{') => depth += 1,
                Tok::Punct(')' | ']' | '}') => depth = depth.saturating_sub(1),
                Tok::Punct('<') => angle += 1,
                // `->` in a function pointer type is no closing angle bracket.
                Tok::Punct('>') if !is_punct(toks.get(k - 1), '-') => angle = angle.saturating_sub(1),
                Tok::Punct(',') if depth == 0 && angle == 0 => at_start = !is_punct(toks.get(k + 1), close) && k + 1 < end - 1,
                _ => {}
            }
            k += 1;
        }
    }
    out
}

/// The visibility written at `k` in module `module`: its text, the module it reaches (`None`:
/// everywhere) and the index after it.
fn visibility(toks: &[Token], k: usize, module: &[String]) -> (String, Option<Vec<String>>, usize) {
    if word(toks.get(k)) != Some("pub") {
        return (String::new(), Some(module.to_vec()), k);
    }
    let restricted = is_punct(toks.get(k + 1), '(') && matches!(word(toks.get(k + 2)), Some("crate" | "self" | "super" | "in"));
    if !restricted {
        return ("pub".into(), None, k + 1);
    }
    let end = group_end(toks, k + 1);
    let inner: Vec<String> = toks[k + 2..end - 1]
        .iter()
        .filter_map(|t| match &t.tok {
            Tok::Word(w) => Some(w.clone()),
            _ => None,
        })
        .collect();
    let text = format!("pub({})", if inner.first().is_some_and(|w| w == "in") { format!("in {}", inner[1..].join("::")) } else { inner.join("::") });
    let path = if inner.first().is_some_and(|w| w == "in") { &inner[1..] } else { &inner[..] };
    let mut reach = module.to_vec();
    for (n, segment) in path.iter().enumerate() {
        match segment.as_str() {
            "crate" if n == 0 => reach.clear(),
            "self" => {}
            "super" => {
                reach.pop();
            }
            other => reach.push(other.to_string()),
        }
    }
    (text, Some(reach), end)
}

/// The product folder a file is in (`src/products/<folder>/…`), if any.
fn product_folder(rel: &Path) -> Option<String> {
    let parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    match parts.as_slice() {
        [top, folder, _, ..] if top == "products" => Some(folder.clone()),
        _ => None,
    }
}

/// The fields of product files whose visibility reaches outside the product's folder.
fn exposed_fields(files: &[(PathBuf, String)]) -> Vec<String> {
    let mut out = Vec::new();
    for (rel, text) in files {
        let Some(folder) = product_folder(rel) else { continue };
        let inside = ["products".to_string(), folder.clone()];
        for f in fields(rel, text) {
            let confined = f.reach.as_ref().is_some_and(|r| r.starts_with(&inside));
            if !confined {
                let reach = f.reach.as_ref().map_or("every crate".to_string(), |r| format!("all of `{}`", shown(r)));
                out.push(format!("src/{}:{}: field `{}` is `{}`: visible to {reach}, outside `src/products/{folder}/`", rel.display(), f.line, f.name, f.vis));
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The source tree.

/// Each product folder on the registration list (`products/mod.rs`) with the words that name
/// it in code: `folder::`, and its variants' and types' names. Read from the list itself, so a
/// new product is covered by this test without editing it.
fn product_words() -> Vec<(String, Vec<String>)> {
    let list = std::fs::read_to_string(src().join("products/mod.rs")).expect("products/mod.rs");
    let block = list.split("registry! {").nth(1).and_then(|b| b.split("\n}").next()).expect("the registration list");
    block
        .lines()
        .filter_map(|line| {
            let (folder, entries) = line.trim().split_once(": [")?;
            let mut words = vec![format!("{folder}::")];
            for entry in entries.split(';') {
                if let Some((variant, rest)) = entry.split_once("=>") {
                    // Past the system's attributes (`#[cfg(test)]`).
                    words.push(variant.rsplit(']').next().unwrap_or_default().trim().to_string());
                    words.push(rest.split(',').next().unwrap_or_default().trim().to_string());
                }
            }
            words.sort();
            words.dedup();
            Some((folder.to_string(), words))
        })
        .collect()
}

fn src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

fn architecture() -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("ARCHITECTURE.md")).expect("ARCHITECTURE.md is readable")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
}

/// The module a file belongs to: `engine`, `products`, `products/dataminer`; `None` for the
/// crate root and for the binaries (`main.rs`, `cli/`, `bin/`), which may use everything public.
fn module_of(rel: &Path) -> Option<String> {
    match key_of_file(rel).as_str() {
        "lib" | "main" | "cli" | "bin" | "" => None,
        _ => Some(layer_of_file(rel)),
    }
}

/// The code of a file without comments and without its test modules (tests may use anything;
/// a file that is a test module, `tests.rs`, is skipped by [`files`]).
fn code(text: &str) -> String {
    let text: String = text.lines().map(|l| l.find("//").map_or(l, |i| &l[..i])).collect::<Vec<_>>().join("\n");
    let mut out = String::new();
    let mut rest = text.as_str();
    while let Some(at) = rest.find("#[cfg(test)]") {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        // Skip the item the attribute is on: up to its matching closing brace.
        let Some(open) = rest.find('{') else { return out };
        let mut depth = 0usize;
        let close = rest[open..].char_indices().find_map(|(i, c)| {
            match c {
                '{' => depth += 1,
                '}' => depth -= 1,
                _ => {}
            }
            (depth == 0).then_some(open + i + 1)
        });
        rest = close.map_or("", |end| &rest[end..]);
    }
    out.push_str(rest);
    out
}

/// The files of `src/` (paths relative to it) with their text, test-module files (`tests.rs`)
/// left out.
fn files() -> Vec<(PathBuf, String)> {
    let mut paths = Vec::new();
    rust_files(&src(), &mut paths);
    paths.sort();
    paths.retain(|p| p.file_name().is_none_or(|n| n != "tests.rs"));
    paths.into_iter().map(|p| (p.strip_prefix(src()).expect("below src/").to_path_buf(), std::fs::read_to_string(&p).expect("readable"))).collect()
}

fn product_folders() -> BTreeSet<String> {
    std::fs::read_dir(src().join("products"))
        .expect("src/products/")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect()
}

fn real_table() -> Table {
    layer_table(&architecture()).unwrap_or_else(|problems| panic!("the layer table of ARCHITECTURE.md cannot be read:\n{}", problems.join("\n")))
}

// ---------------------------------------------------------------------------------------------
// The rules.

#[test]
fn every_module_has_a_heading_and_every_heading_a_module() {
    let table = real_table();
    let rels: Vec<PathBuf> = files().into_iter().map(|(rel, _)| rel).collect();
    let problems = table_covers(&table, &rels);
    assert!(problems.is_empty(), "the code map of ARCHITECTURE.md and src/ differ:\n{}", problems.join("\n"));
}

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let problems = crossings(&files(), &real_table());
    assert!(problems.is_empty(), "layering broken (the rules are the `— may use:` headings of ARCHITECTURE.md's code map):\n{}", problems.join("\n"));
}

#[test]
fn model_fields_are_private_to_their_product() {
    let problems = exposed_fields(&files());
    assert!(
        problems.is_empty(),
        "fields visible outside their product's folder (make them private, or `pub(super)` in a submodule of the folder, and read them through accessors):\n{}",
        problems.join("\n")
    );
}

#[test]
fn only_a_products_folder_and_the_registry_name_it() {
    let mut problems = Vec::new();
    for (rel, text) in files() {
        let module = module_of(&rel);
        let is_registry = rel == Path::new("products/mod.rs");
        for (folder, words) in product_words() {
            if is_registry || module.as_deref() == Some(&format!("products/{folder}")) {
                continue;
            }
            let code = code(&text);
            // Strings and docs may speak of a product; code may not refer to it.
            let code: String = code.split('"').step_by(2).collect::<Vec<_>>().join("\"\"");
            for word in &words {
                if code.contains(word.as_str()) {
                    problems.push(format!("src/{} names the product `{folder}` (`{word}`) outside its folder and the registry", rel.display()));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn no_wall_clock_hash_order_or_floats_outside_the_cli() {
    let mut problems = Vec::new();
    for (rel, text) in files() {
        if module_of(&rel).is_none() {
            continue;
        }
        for word in ["Instant", "SystemTime", "HashMap", "HashSet", "f32", "f64", "thread_rng", "rand::rng"] {
            if code(&text).split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':')).any(|t| t == word) {
                problems.push(format!("src/{}: `{word}` (wall clock, hash order, floats and unseeded randomness stay out of runs)", rel.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_product_folder_is_on_the_registration_list() {
    let listed: BTreeSet<String> = product_words().into_iter().map(|(folder, _)| folder).collect();
    assert_eq!(listed, product_folders(), "src/products/<name>/ folders and the list in src/products/mod.rs differ");
}

#[test]
fn the_engine_knows_no_file_syntax() {
    for (rel, text) in files() {
        if module_of(&rel).as_deref() == Some("engine") {
            assert!(!code(&text).contains("serde"), "src/{}: the engine parses no file syntax (serde belongs to the scenario layer)", rel.display());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The tidy test itself: a rule it claims to check must catch a violation.

/// The code map the planted crates below are checked against: `low` may use `mid` (a facade that
/// re-exports `high`), `mid` may use `high`, and `high` may use both; a registry (`products`) may
/// use its product folders, which may use it but not each other.
const PLANTED_MAP: &str = "
### `src/lib.rs` — may use: everything
### `src/low/` — may use: mid; `src/mid/` — may use: high
### `src/high.rs` — may use: low, mid
### `src/products/` — may use: products/<name>
### `src/products/<name>/` — may use: products
";

/// The base of every planted crate; each case adds or replaces files.
const PLANTED_BASE: &[(&str, &str)] = &[
    ("lib.rs", "mod low; mod mid; mod high; mod products;"),
    ("mid/mod.rs", "mod shim;\npub use self::shim::Key;\npub use crate::high::Other;"),
    ("mid/shim.rs", "pub use super::super::high::Key;"),
    ("high.rs", "pub struct Key;\npub struct Other;\npub fn make() {}"),
    ("low/mod.rs", "mod inner;"),
    ("low/inner.rs", ""),
    ("products/mod.rs", "mod a; mod b;\npub use self::b::Thing;"),
    ("products/a/mod.rs", "use crate::products::Product;"),
    ("products/b/mod.rs", "pub struct Thing;"),
];

/// The problems the checker finds in the planted crate with `changes` applied.
fn planted(changes: &[(&str, &str)]) -> Vec<String> {
    let mut files: BTreeMap<PathBuf, String> = PLANTED_BASE.iter().map(|(p, t)| (PathBuf::from(p), t.to_string())).collect();
    files.extend(changes.iter().map(|(p, t)| (PathBuf::from(p), t.to_string())));
    let files: Vec<(PathBuf, String)> = files.into_iter().collect();
    let table = layer_table(&format!("# A\n\n## Code map\n{PLANTED_MAP}\n## Next\n")).expect("the planted code map reads");
    let rels: Vec<PathBuf> = files.iter().map(|(rel, _)| rel.clone()).collect();
    let mut problems = table_covers(&table, &rels);
    problems.extend(crossings(&files, &table));
    problems
}

#[test]
fn the_checker_sees_grouped_and_nested_uses() {
    assert_eq!(planted(&[]), Vec::<String>::new(), "the planted crate keeps its rules before anything is planted");
    let low_uses_high = |case: &str, changes: &[(&str, &str)]| {
        let problems = planted(changes);
        assert_eq!(problems.len(), 1, "{case}: one crossing expected, found {problems:#?}");
        assert!(problems[0].contains("module `low` uses `high`"), "{case}: {problems:#?}");
        assert!(problems[0].contains("it may use only: mid"), "{case}: the message says what is allowed: {problems:#?}");
    };
    low_uses_high("a `crate::` path in code", &[("low/mod.rs", "mod inner;\nfn f() { crate::high::make() }")]);
    low_uses_high("a group", &[("low/mod.rs", "mod inner;\nuse crate::{mid, high::Key};")]);
    low_uses_high("groups nested three deep", &[("low/mod.rs", "mod inner;\nuse crate::{low::{inner}, mid::{self, shim::{self as s, Key as _}}};")]);
    low_uses_high("`super::super::` in a `use`", &[("low/inner.rs", "use super::super::high::Key;")]);
    low_uses_high("`super::super::` in code", &[("low/inner.rs", "fn f() { super::super::high::make(); }")]);
    low_uses_high(
        "`super::` to a `use` of the parent",
        &[("low/mod.rs", "mod inner;\nuse crate::mid;"), ("low/inner.rs", "fn f() -> super::mid::Key { todo!() }")],
    );
    low_uses_high("a re-export through `self::` and `super::super::`", &[("low/mod.rs", "mod inner;\nfn f() -> crate::mid::Key { todo!() }")]);
    low_uses_high(
        "`self::` to an inline module's re-export",
        &[("low/mod.rs", "mod inner;\nmod facade { pub use crate::mid; }\nfn f() -> self::facade::mid::Key { todo!() }")],
    );
    low_uses_high(
        "a re-export by the crate root (`pub use high::Other` in lib.rs)",
        &[("lib.rs", "mod low; mod mid; mod high; mod products;\npub use high::Other;"), ("low/mod.rs", "mod inner;\nuse crate::Other;")],
    );
    low_uses_high("an alias used in code", &[("low/mod.rs", "mod inner;\nuse crate::mid as m;\nfn f() { let _ = m::Other; }")]);
    low_uses_high("a glob import", &[("low/mod.rs", "mod inner;\nuse crate::mid::*;\nfn f() -> Other { Other }")]);
    low_uses_high("`$crate` in a macro", &[("low/mod.rs", "mod inner;\nmacro_rules! m { () => { $crate::high::make() }; }")]);

    // Comments, strings, characters, lifetimes and test items are not code that uses anything.
    let quiet = "mod inner;\n// crate::high::Key\n/* crate::high /* nested */ crate::high */\nfn f<'a>(_: &'a str) -> &'static str { \"crate::high::Key\" }\nconst R: &str = r#\"crate::high\"#;\nconst C: char = '\\'';\nconst Q: char = '\"';\nuse crate::mid;\n#[cfg(test)]\nmod tests { use crate::high::Key; }";
    assert_eq!(planted(&[("low/mod.rs", quiet)]), Vec::<String>::new(), "comments, strings, characters and test modules are skipped");

    // One product may not reach another, not even through the registry's re-export.
    for (case, code) in [("through the registry's re-export", "use crate::products::Thing;"), ("through `super::`", "use super::b::Thing;")] {
        let problems = planted(&[("products/a/mod.rs", code)]);
        assert_eq!(problems.len(), 1, "{case}: {problems:#?}");
        assert!(problems[0].contains("module `products/a` uses `products/b`"), "{case}: {problems:#?}");
    }

    // The headings and the tree must name the same modules.
    let problems = planted(&[("extra.rs", "")]);
    assert!(problems.iter().any(|p| p.contains("`src/extra.rs` has no heading")), "a module without a heading: {problems:#?}");
    let table = layer_table("## Code map\n### `src/a/` — may use: b\n### `src/b.rs` — a layer\n## End").expect_err("a broken table is refused");
    assert!(table.iter().any(|p| p.contains("does not end with `— may use:")), "a heading without a list: {table:#?}");
    assert!(table.iter().any(|p| p.contains("`a` may use `b`, which no heading")), "a list naming no module: {table:#?}");
    let table = layer_table("## Code map\n### `src/gone/` — may use: nothing\n## End").expect("the table reads");
    let problems = table_covers(&table, &[PathBuf::from("lib.rs")]);
    assert!(problems.iter().any(|p| p.contains("heading for `src/gone/`, which does not exist")), "{problems:#?}");

    // Files and their modules.
    assert_eq!(module_path(Path::new("products/dataminer/mod.rs")), ["products", "dataminer"]);
    assert_eq!(module_path(Path::new("net/dns.rs")), ["net", "dns"]);
    assert!(module_path(Path::new("lib.rs")).is_empty(), "lib.rs is the crate root");
    assert_eq!(key_of_file(Path::new("products/dataminer/ops.rs")), "products/<name>");
    assert_eq!(layer_of_file(Path::new("products/dataminer/ops.rs")), "products/dataminer");
    assert_eq!(layer_of_file(Path::new("products/registry.rs")), "products");
    assert_eq!(module_of(Path::new("cli/chaos.rs")), None);
    let stripped = code("use crate::a;\n#[cfg(test)]\nmod tests { fn f() { crate::b::g(); } }\nfn h() { crate::c::i(); } // crate::d");
    assert!(stripped.contains("crate::a") && stripped.contains("crate::c"), "code after a test module is kept: {stripped}");
    assert!(!stripped.contains("crate::b") && !stripped.contains("crate::d"), "test modules and comments are skipped: {stripped}");

    // The real table and list are read.
    assert_eq!(real_table().layers.get("engine"), Some(&MayUse::Only(Vec::new())), "the engine uses nothing of the crate");
    let words = product_words();
    let mrs = words.iter().find(|(f, _)| f == "mrs").map(|(_, w)| w).expect("the registration list is read");
    assert!(mrs.contains(&"FlinkServer".to_string()), "{words:?}");
    assert!(mrs.contains(&"mrs::".to_string()), "{words:?}");
}

#[test]
fn the_field_rule_sees_every_visibility() {
    let root = "use std::collections::BTreeMap;\n\
        pub struct A {\n\
            pub(super) x: u32,\n\
            y: Vec<(u8, u8)>,\n\
            pub(crate) z: BTreeMap<u8, fn(u8) -> u8>,\n\
            #[serde(default)]\n\
            pub w: u32,\n\
            pub(in crate::products) v: u8,\n\
            pub(in crate::products::p) u: u8,\n\
            pub(self) t: u8,\n\
        }\n\
        mod inner { pub struct C { pub(super) c: u8 } }\n\
        #[cfg(test)]\n\
        struct T { pub t: u8 }";
    let sub = "pub struct B(pub(super) u32, pub u32);\npub(super) struct D<T: Clone>\nwhere\n    T: Copy,\n{\n    pub(super) d: T,\n}\nstruct E;";
    let files = [
        (PathBuf::from("products/p/mod.rs"), root.to_string()),
        (PathBuf::from("products/p/sub.rs"), sub.to_string()),
        (PathBuf::from("net/x.rs"), "pub struct N { pub n: u8 }".to_string()),
    ];
    let exposed = exposed_fields(&files);
    let named: Vec<&str> = exposed.iter().filter_map(|p| p.split('`').nth(1)).collect();
    assert_eq!(named, ["A::x", "A::z", "A::w", "A::v", "B::1"], "{exposed:#?}");
    assert!(exposed[0].starts_with("src/products/p/mod.rs:3: field `A::x` is `pub(super)`: visible to all of `crate::products`"), "{exposed:#?}");
    assert!(exposed[1].contains("is `pub(crate)`: visible to all of `crate`"), "{exposed:#?}");
    assert!(exposed[2].contains("is `pub`: visible to every crate"), "{exposed:#?}");
    assert!(exposed[3].contains("is `pub(in crate::products)`"), "{exposed:#?}");
}

/// The reports read lanes and node lines by what their states mean (`Meaning`, `LaneKind`),
/// never by a product's words: a new product's "Primary"/"up" must color and count like the
/// others' without a line of the reports changing.
#[test]
fn the_reports_never_read_a_products_state_words() {
    let words = [
        "Online",
        "Offline",
        "online",
        "offline",
        "active",
        "Active",
        "standby",
        "Standby",
        "Going Online",
        "stopped",
        "Stopped",
        "down",
        "plugged",
        "pulled",
        "link up",
        "link down",
    ];
    let mut problems = Vec::new();
    for (rel, text) in files() {
        if module_of(&rel).as_deref() != Some("report") {
            continue;
        }
        for word in words {
            if code(&text).contains(&format!("\"{word}\"")) {
                problems.push(format!("src/{}: the string \"{word}\" (a product's state word; read the state's `meaning` instead)", rel.display()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Issue 18's measure of "one folder and one line": the tests' toy product, which has a command,
/// a fault, node words and claims of its own, is named nowhere outside its folder but in its
/// `mod` item and its line of the registration list.
#[test]
fn the_toy_product_takes_one_folder_and_one_line_of_the_list() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    for dir in ["src", "tests", "benches", "examples"] {
        if root.join(dir).is_dir() {
            rust_files(&root.join(dir), &mut paths);
        }
    }
    // The product's type and variant, its module path, its `mod` item and its list entry.
    let named = |text: &str| text.split(|c: char| !is_word_char(c)).any(|w| w == "Toy") || ["toy::", "mod toy", "toy: ["].iter().any(|w| text.contains(w));
    let mut outside = Vec::new();
    let this = root.join("tests/tidy.rs");
    for path in paths.iter().filter(|p| !p.starts_with(src().join("products/toy")) && **p != this) {
        let text = std::fs::read_to_string(path).expect("readable");
        let lines: Vec<String> = text.lines().filter(|l| named(l)).map(str::to_string).collect();
        if !lines.is_empty() {
            outside.push((path.strip_prefix(root).expect("below the crate").display().to_string(), lines));
        }
    }
    let expected = vec![(
        "src/products/mod.rs".to_string(),
        vec![
            "pub(crate) mod toy;".to_string(),
            "    toy: [#[cfg(test)] Toy => Toy, \"A toy pair with a command, a fault and a claim of its own, for the tests.\";]".to_string(),
        ],
    )];
    assert_eq!(outside, expected, "the toy product is named outside its folder");
}

/// The lines (1-based, inclusive) of the items under `#[cfg(test)]`, as [`without_tests`] finds
/// them: their comments are test code too.
fn test_lines(text: &str) -> Vec<(usize, usize)> {
    let toks = tokens(text);
    let cfg_test = [Tok::Punct('#'), Tok::Punct('['), Tok::Word("cfg".into()), Tok::Punct('('), Tok::Word("test".into()), Tok::Punct(')'), Tok::Punct(']')];
    let mut out = Vec::new();
    let mut i = 0;
    while i < toks.len() {
        if !toks[i..].iter().map(|t| &t.tok).take(cfg_test.len()).eq(cfg_test.iter()) {
            i += 1;
            continue;
        }
        let first = toks[i].line;
        let kept: Vec<Token> = without_tests(toks[i..].to_vec());
        // The item ends where the kept tokens resume.
        let skipped = toks.len() - i - kept.len();
        i += skipped.max(1);
        out.push((first, toks.get(i.saturating_sub(1)).map_or(usize::MAX, |t| t.line)));
    }
    out
}

/// Each product folder's own vocabulary, read from its code: the names of its commands and its
/// faults (the variants of its `enum Command` and `enum Fault`) and its words for its nodes
/// (its `NodeWords`' `WORDS`). Read from the folder itself, so a new product is covered.
fn product_vocabulary() -> Vec<(String, BTreeSet<String>)> {
    let mut out = Vec::new();
    for folder in product_folders() {
        let mut words = BTreeSet::new();
        let mut paths = Vec::new();
        rust_files(&src().join("products").join(&folder), &mut paths);
        for path in paths.iter().filter(|p| p.file_name().is_none_or(|n| n != "tests.rs")) {
            let text = std::fs::read_to_string(path).expect("readable");
            let toks = tokens(&text);
            for i in 0..toks.len() {
                let own = word(toks.get(i)) == Some("enum") && matches!(word(toks.get(i + 1)), Some("Command" | "Fault"));
                if own && is_punct(toks.get(i + 2), '{') {
                    words.extend(variants(&toks[i + 2..group_end(&toks, i + 2)]));
                }
            }
            if let Some(list) = text.split("const WORDS").nth(1).and_then(|rest| rest.split("];").next()) {
                words.extend(list.split('"').skip(1).step_by(2).map(str::to_string));
            }
        }
        out.push((folder, words));
    }
    out
}

/// The variant names of an enum body (`{ … }`): the first word of each entry at depth 1, past
/// its attributes.
fn variants(body: &[Token]) -> Vec<String> {
    let (mut out, mut depth, mut at_start) = (Vec::new(), 0usize, false);
    let mut i = 0;
    while i < body.len() {
        match &body[i].tok {
            Tok::Punct('{' | '(' | '[') if depth == 1 && is_punct(body.get(i.wrapping_sub(1)), '#') => {
                i = group_end(body, i);
                continue;
            }
            Tok::Punct('{' | '(' | '[') => {
                depth += 1;
                at_start = depth == 1;
            }
            Tok::Punct('}' | ')' | ']') => depth = depth.saturating_sub(1),
            Tok::Punct(',') if depth == 1 => at_start = true,
            Tok::Word(w) if depth == 1 && at_start => {
                out.push(w.clone());
                at_start = false;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[test]
fn the_vocabulary_reader_sees_every_variant_past_attributes_and_fields() {
    let toks = tokens("enum Command { #[serde(rename = \"x\")] A(Target), /// doc, with a comma\n B { on: Target, count: u32 }, C }");
    let open = toks.iter().position(|t| t.tok == Tok::Punct('{')).expect("a body");
    assert_eq!(variants(&toks[open..group_end(&toks, open)]), ["A", "B", "C"]);
    let text = "mod a {\n#[cfg(test)]\nmod tests {\n    // Secondary\n}\n}\nfn b() {}\n";
    assert_eq!(test_lines(text), [(2, 5)], "a test module's comments are test code");
}

/// A dependency's own names that are also a product's word (annotate-snippets' `Primary`
/// annotation, the marked bytes of an error): not the product's vocabulary, so not counted.
const FOREIGN_NAMES: &[&str] = &["AnnotationKind::Primary"];

/// Issue 18: no shared file holds a product's words. Outside its folder, no code, comment or
/// string outside the tests says a product's command or fault names or its words for its nodes
/// (`StopDb`, `MakeActive`, `Master1`, `Secondary`): the shared layers speak of what every
/// product shares. The layers below the products do not name a product either.
#[test]
fn no_shared_file_holds_a_products_words() {
    let vocabulary = product_vocabulary();
    let all: BTreeSet<&String> = vocabulary.iter().flat_map(|(_, w)| w).collect();
    for expected in ["StopDb", "FailResource", "MakeActive", "Master1", "Secondary", "Jam", "Left"] {
        assert!(all.iter().any(|w| *w == expected), "the vocabulary is read from the products: `{expected}` missing from {all:?}");
    }
    // The layers below the products (what a product may use) do not even name one.
    let below = match real_table().layers.get("products/<name>") {
        Some(MayUse::Only(list)) => list.iter().filter(|m| *m != "products").cloned().collect::<BTreeSet<String>>(),
        other => panic!("ARCHITECTURE.md gives `src/products/<name>/` a list of layers: {other:?}"),
    };
    let names: Vec<(String, BTreeSet<String>)> =
        product_words().into_iter().map(|(folder, words)| (folder, words.into_iter().filter(|w| !w.ends_with("::")).collect())).collect();
    let mut problems = Vec::new();
    for (rel, text) in files() {
        if product_folder(&rel).is_some() {
            continue;
        }
        let lower = module_of(&rel).is_some_and(|m| below.contains(&m));
        let vocabulary: Vec<&(String, BTreeSet<String>)> = vocabulary.iter().chain(names.iter().filter(|_| lower)).collect();
        let tests = test_lines(&text);
        for (n, whole) in text.lines().enumerate().map(|(i, l)| (i + 1, l)) {
            if tests.iter().any(|(a, b)| (*a..=*b).contains(&n)) {
                continue;
            }
            let line = FOREIGN_NAMES.iter().fold(whole.to_string(), |l, name| l.replace(name, ""));
            for &(folder, words) in &vocabulary {
                if let Some(w) = line.split(|c: char| !is_word_char(c)).find(|w| words.contains(*w)) {
                    problems.push(format!("src/{}:{n}: `{w}` is {folder}'s word: {}", rel.display(), whole.trim()));
                }
            }
        }
    }
    assert!(problems.is_empty(), "a shared file holds a product's words (say it in the product's folder):\n{}", problems.join("\n"));
}
