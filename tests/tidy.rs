//! The architecture as a test (rust-analyzer's tidy tests are the model): reads `src/` and fails
//! when a module uses one it may not — a layer importing one above it, or one product importing
//! another — or when code outside a product's folder names that product. ARCHITECTURE.md states
//! each rule beside the module it constrains; this file is where they cannot drift.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each module of the library and the modules it may use, lowest layers first. `products/*`
/// stands for every product folder; a product may use `products` (its trait, its context) but
/// no other product.
const LAYERS: &[(&str, &[&str])] = &[
    ("engine", &[]),
    ("units", &["engine"]),
    ("db", &[]),
    ("finding", &[]),
    ("ledger", &["engine"]),
    ("metrics", &["engine"]),
    ("net", &["engine"]),
    ("ops", &["engine", "ledger"]),
    ("action", &["net", "units"]),
    ("fault", &["action", "engine", "units", "world"]),
    ("world", &["action", "engine", "net"]),
    ("check", &["engine", "finding", "ledger", "ops", "units"]),
    ("products/*", &["action", "check", "db", "engine", "fault", "finding", "ledger", "metrics", "net", "ops", "products", "units", "world"]),
    ("products", &["action", "check", "engine", "fault", "finding", "ledger", "metrics", "ops", "units", "world", "products/*"]),
    ("scenario", &["action", "check", "engine", "products", "units", "world"]),
    ("runner", &["check", "engine", "fault", "finding", "metrics", "net", "ops", "products", "scenario", "world"]),
    ("report", &["engine", "metrics", "net", "ops", "runner", "units"]),
    ("chaos", &["action", "check", "engine", "fault", "finding", "ledger", "metrics", "products", "runner", "scenario", "units", "world"]),
    ("explore", &["action", "engine", "fault", "metrics", "products", "runner", "scenario", "units", "world"]),
    ("sweep", &["engine", "metrics", "runner", "scenario", "units"]),
];

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
                    words.push(variant.trim().to_string());
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
/// crate root and for the binary (`main.rs`, `cli/`), which may use everything public.
fn module_of(rel: &Path) -> Option<String> {
    let parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().trim_end_matches(".rs").to_string()).collect();
    match parts.as_slice() {
        [root] if root == "lib" || root == "main" => None,
        [top, ..] if top == "cli" => None,
        [top, folder, _, ..] if top == "products" => Some(format!("products/{folder}")),
        [top, ..] => Some(top.clone()),
        [] => None,
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

fn ident_at(s: &str) -> String {
    s.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect()
}

/// The modules a file's code uses through `crate::` paths (including `use crate::{a, b::c}`).
fn uses(code: &str, product_folders: &BTreeSet<String>) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut add = |path: &str| {
        let first = ident_at(path);
        if first == "products" {
            let next = ident_at(path.trim_start_matches("products").trim_start_matches("::"));
            out.insert(if product_folders.contains(&next) { format!("products/{next}") } else { "products".to_string() });
        } else if !first.is_empty() {
            out.insert(first);
        }
    };
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            group[..end].split(',').map(str::trim).for_each(&mut add);
        } else {
            add(rest);
        }
    }
    out
}

fn allowed(module: &str) -> Option<&'static [&'static str]> {
    let key = if module.starts_with("products/") { "products/*" } else { module };
    LAYERS.iter().find(|(m, _)| *m == key).map(|(_, deps)| *deps)
}

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

#[test]
fn every_module_uses_only_the_layers_below_it() {
    let folders = product_folders();
    let mut problems = Vec::new();
    for (rel, text) in files() {
        let Some(module) = module_of(&rel) else { continue };
        let Some(deps) = allowed(&module) else {
            problems.push(format!("src/{}: module `{module}` is not in the layer table of tests/tidy.rs (and ARCHITECTURE.md)", rel.display()));
            continue;
        };
        for used in uses(&code(&text), &folders) {
            // The registry (`products`) may use every product folder; a product folder none.
            let any_product = used.starts_with("products/") && deps.contains(&"products/*");
            let ok = used == module || deps.contains(&used.as_str()) || any_product;
            if !ok {
                problems.push(format!("src/{}: `{module}` uses `{used}`; it may use only: {}", rel.display(), deps.join(", ")));
            }
        }
    }
    assert!(problems.is_empty(), "layering broken:\n{}", problems.join("\n"));
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

/// The tidy test itself: a rule it claims to check must catch a violation.
#[test]
fn the_checker_sees_grouped_and_nested_uses() {
    let folders: BTreeSet<String> = ["dataminer".to_string(), "mrs".to_string()].into();
    let used = uses("use crate::{engine::Time, net::Topology};\nlet x = crate::products::mrs::Pair;\nuse crate::products::Product;", &folders);
    let want: BTreeSet<String> = ["engine", "net", "products/mrs", "products"].iter().map(|s| s.to_string()).collect();
    assert_eq!(used, want);
    assert_eq!(module_of(Path::new("products/dataminer/ops.rs")).as_deref(), Some("products/dataminer"));
    assert_eq!(module_of(Path::new("products/registry.rs")).as_deref(), Some("products"));
    assert_eq!(module_of(Path::new("cli/chaos.rs")), None);
    let stripped = code("use crate::a;\n#[cfg(test)]\nmod tests { fn f() { crate::b::g(); } }\nfn h() { crate::c::i(); } // crate::d");
    assert_eq!(uses(&stripped, &folders), ["a", "c"].iter().map(|s| s.to_string()).collect(), "test modules and comments are skipped, code after them is not");
    let counts: BTreeMap<&str, usize> = LAYERS.iter().map(|(m, d)| (*m, d.len())).collect();
    assert_eq!(counts["engine"], 0, "the engine uses nothing of the crate");
    let words = product_words();
    let mrs = words.iter().find(|(f, _)| f == "mrs").map(|(_, w)| w).expect("the registration list is read");
    assert!(mrs.contains(&"FlinkServer".to_string()) && mrs.contains(&"mrs::".to_string()), "{words:?}");
}
