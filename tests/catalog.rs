//! The outcome catalog as a test. `docs/outcomes/` is the repository's catalog of the outcome IDs
//! that scenarios, the README and the code cite: one table row per ID — the outcome in our own
//! words, its source document, the files that check it. This test keeps the pages, the scenario
//! files and the code from drifting apart:
//!
//! - every ID named anywhere is defined by one row of one page: the strings of every `ids: [...]`
//!   list in a `.ron` file under `scenarios/` or `tests/`, and every SPEC-style token (`DM-…`,
//!   `MRS-…`, `CP-…`, `FS-…`, `FLINK-…`, `DBSVC-…`) in README.md, ARCHITECTURE.md and under
//!   `docs/`, `src/`, `scenarios/`, `tests/`, `examples/` and `benches/`; a family written with a
//!   star (`DM-SEED-` then `*`) must match at least one defined ID;
//! - each row's "Checked by" cell lists exactly the scenario files whose expectations name its ID
//!   (read with failsim's own parser), then any other file it links, which must exist and name
//!   the ID; every ID is checked by something;
//! - every row has a source; every link of a page (reference-style or relative, anchors
//!   included) and every relative link of README.md resolves; the index links every page.
//!
//! After adding a scenario or changing its `ids:`, `FAILSIM_UPDATE_CATALOG=1 cargo test --test
//! catalog` rewrites the scenario part of each "Checked by" cell; read the diff before committing.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

/// The first segment of every SPEC-style ID the scan looks for in prose and code. (`ALM-…` is not
/// one: it is an alarm's number; an `ids:` list may still name one, and then the catalog defines it.)
const PREFIXES: &[&str] = &["DM", "MRS", "CP", "FS", "FLINK", "DBSVC"];
const CATALOG: &str = "docs/outcomes";
const INDEX: &str = "README.md";
const HEADER: &str = "| ID | Outcome | Source | Checked by |";
const UPDATE_VAR: &str = "FAILSIM_UPDATE_CATALOG";
/// The folders and files scanned for IDs; `snapshots/` is output, and this file names IDs only
/// as examples.
const SCANNED: &[&str] = &["README.md", "ARCHITECTURE.md", "docs", "src", "scenarios", "tests", "examples", "benches"];
const THIS_FILE: &str = "tests/catalog.rs";
/// Made-up references that tests write on purpose (a baseline entry whose class no longer
/// occurs), with the one file each may appear in.
const PLACEHOLDERS: &[(&str, &str)] = &[("src/chaos/baseline.rs", "DM-X"), ("tests/chaos_ci.rs", "FS-X")];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Where a text names something: a file relative to the repository's root, and its line.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Place {
    file: String,
    line: usize,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.file, self.line)
    }
}

/// An ID as a text names it: one ID, or a family (`DM-SEED-` and a star: its prefix, kept
/// without the `-*`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Mention {
    Id(String),
    Family(String),
}

// ---------------------------------------------------------------------------------------------
// Reading IDs out of text.

fn is_id_char(c: u8) -> bool {
    c.is_ascii_uppercase() || c.is_ascii_digit()
}

/// The end of the ID that starts at `i` of `line`, if one does: a prefix of [`PREFIXES`], then
/// `-` and upper-case letters or digits, one or more times, not glued to a word before or after.
fn id_end(line: &[u8], i: usize) -> Option<usize> {
    let glued_before = i > 0 && (line[i - 1].is_ascii_alphanumeric() || line[i - 1] == b'_' || line[i - 1] == b'-');
    if glued_before {
        return None;
    }
    let prefix = PREFIXES.iter().find(|p| line[i..].starts_with(p.as_bytes()))?;
    let mut end = i + prefix.len();
    while end + 1 < line.len() && line[end] == b'-' && is_id_char(line[end + 1]) {
        end += 1;
        while end < line.len() && is_id_char(line[end]) {
            end += 1;
        }
    }
    let has_segment = end > i + prefix.len();
    let glued_after = end < line.len() && (line[end].is_ascii_lowercase() || line[end] == b'_');
    (has_segment && !glued_after).then_some(end)
}

/// The siblings a text writes as `MRS-12011-1/2` (`/2` is `MRS-12011-2`), and where they end.
fn siblings(line: &str, id: &str, mut end: usize) -> (Vec<String>, usize) {
    let bytes = line.as_bytes();
    let stem = &id[..=id.rfind('-').expect("an ID has a dash")];
    let mut out = Vec::new();
    while end < bytes.len() && bytes[end] == b'/' {
        let digits = bytes[end + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
        let after = end + 1 + digits;
        let glued = after < bytes.len() && (bytes[after].is_ascii_alphanumeric() || bytes[after] == b'-');
        if digits == 0 || glued {
            break;
        }
        out.push(format!("{stem}{}", &line[end + 1..after]));
        end = after;
    }
    (out, end)
}

/// Every ID and family a text names, with its line (1-based).
fn mentions(text: &str) -> Vec<(usize, Mention)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let bytes = line.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            let Some(end) = id_end(bytes, i) else {
                i += 1;
                continue;
            };
            let id = &line[i..end];
            if line[end..].starts_with("-*") {
                out.push((n + 1, Mention::Family(id.to_string())));
                i = end + 2;
                continue;
            }
            out.push((n + 1, Mention::Id(id.to_string())));
            let (more, after) = siblings(line, id, end);
            out.extend(more.into_iter().map(|s| (n + 1, Mention::Id(s))));
            i = after;
        }
    }
    out
}

/// The strings of every `ids: [...]` list of a scenario file's text, with their lines.
fn listed_ids(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut rest = 0;
    while let Some(found) = text[rest..].find("ids:") {
        let at = rest + found;
        rest = at + 4;
        let glued = at > 0 && (text.as_bytes()[at - 1].is_ascii_alphanumeric() || text.as_bytes()[at - 1] == b'_');
        let after = text[rest..].trim_start();
        if glued || !after.starts_with('[') {
            continue;
        }
        let open = text.len() - after.len();
        let close = text[open..].find(']').map_or(text.len(), |c| open + c);
        let mut offset = open + 1;
        for (k, piece) in text[open + 1..close].split('"').enumerate() {
            // Inside the brackets, the odd pieces of a split on quotes are the strings.
            if k % 2 == 1 {
                out.push((1 + text[..offset].matches('\n').count(), piece.to_string()));
            }
            offset += piece.len() + 1;
        }
        rest = close;
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The files.

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The text files under `rel` (or `rel` itself), relative to the root, sorted; files that are
/// not UTF-8 are left out.
fn text_files(rel: &str, out: &mut Vec<(String, String)>) {
    let path = root().join(rel);
    if path.is_file() {
        if let Ok(text) = std::fs::read_to_string(&path) {
            out.push((rel.to_string(), text));
        }
        return;
    }
    let mut entries: Vec<PathBuf> = std::fs::read_dir(&path).unwrap_or_else(|e| panic!("{rel}: {e}")).map(|e| e.expect("a directory entry").path()).collect();
    entries.sort();
    for entry in entries {
        let name = entry.file_name().expect("a name").to_string_lossy().into_owned();
        text_files(&format!("{rel}/{name}"), out);
    }
}

fn scanned_files() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for rel in SCANNED {
        text_files(rel, &mut out);
    }
    out.retain(|(rel, _)| rel != THIS_FILE);
    out
}

/// The catalog's pages (not the index), relative to the root, sorted.
fn pages() -> Vec<String> {
    let mut out: Vec<String> = std::fs::read_dir(root().join(CATALOG))
        .expect("docs/outcomes/ exists")
        .map(|e| e.expect("a directory entry").file_name().to_string_lossy().into_owned())
        .filter(|name| name.ends_with(".md") && name != INDEX)
        .map(|name| format!("{CATALOG}/{name}"))
        .collect();
    out.sort();
    out
}

/// Each scenario file's name (relative to `scenarios/`) for each ID its expectations name, read
/// with failsim's own parser.
fn scenario_ids() -> BTreeMap<String, BTreeSet<String>> {
    let dir = root().join("scenarios");
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for path in failsim::discover(&dir).unwrap_or_else(|e| panic!("{e}")) {
        let scenario = failsim::load(&path).unwrap_or_else(|e| panic!("{e}"));
        let name = path.strip_prefix(&dir).expect("below scenarios/").to_string_lossy().into_owned();
        for id in scenario.expect.iter().flat_map(|e| &e.ids) {
            out.entry(id.clone()).or_default().insert(name.clone());
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// The pages.

/// One row of a page's tables: `| `ID` | outcome | source | checked by |`.
#[derive(Debug)]
struct Row {
    id: String,
    at: Place,
    cells: Vec<String>,
}

/// The cells of a table row: split on `|` not escaped as `\|`, trimmed, without the empty
/// cells outside the first and last bar.
fn cells(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut escaped = false;
    for c in line.trim().chars() {
        if c == '|' && !escaped {
            out.push(cell.trim().to_string());
            cell.clear();
        } else {
            cell.push(c);
        }
        escaped = c == '\\';
    }
    out.push(cell.trim().to_string());
    out.remove(0);
    out.pop();
    out
}

fn is_catalog_id(s: &str) -> bool {
    let mut segments = s.split('-');
    let first_is_word = segments.next().is_some_and(|f| !f.is_empty() && f.bytes().all(|c| c.is_ascii_uppercase()));
    let rest: Vec<&str> = segments.collect();
    first_is_word && !rest.is_empty() && rest.iter().all(|r| !r.is_empty() && r.bytes().all(is_id_char))
}

/// The rows of a page, or what is wrong with its lines.
fn rows(page: &str, text: &str) -> (Vec<Row>, Vec<String>) {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let at = Place { file: page.to_string(), line: n + 1 };
        if !line.starts_with("| `") {
            continue;
        }
        if !line.trim_end().ends_with('|') {
            problems.push(format!("{at}: a catalog row must end with `|`"));
            continue;
        }
        let cells = cells(line);
        let id = cells[0].trim_matches('`').to_string();
        if cells.len() != 4 {
            problems.push(format!("{at}: the row of `{id}` has {} cells; a row is `{HEADER}`", cells.len()));
        } else if !is_catalog_id(&id) || cells[0] != format!("`{id}`") {
            problems.push(format!("{at}: `{}` is not an ID (upper-case words and numbers joined by `-`, in backquotes)", cells[0]));
        } else if cells[2].is_empty() || cells[2] == "—" {
            problems.push(format!("{at}: `{id}` names no source document"));
        } else {
            out.push(Row { id, at, cells });
        }
    }
    if !text.contains(HEADER) {
        problems.push(format!("{page}: no table with the header `{HEADER}`"));
    }
    (out, problems)
}

fn catalog() -> (Vec<Row>, Vec<String>) {
    let mut all = Vec::new();
    let mut problems = Vec::new();
    for page in pages() {
        let (rows, mut wrong) = rows(&page, &read(&page));
        all.extend(rows);
        problems.append(&mut wrong);
    }
    (all, problems)
}

/// The targets of a text's inline links, `[text](target)`.
fn link_targets(text: &str) -> Vec<String> {
    text.split("](").skip(1).filter_map(|after| after.find(')').map(|end| after[..end].to_string())).collect()
}

/// The files other than scenarios that a "Checked by" cell links, relative to the root.
fn other_checks(cell: &str) -> Vec<String> {
    link_targets(cell).iter().filter_map(|t| t.strip_prefix("../../")).filter(|t| !t.starts_with("scenarios/")).map(str::to_string).collect()
}

/// A "Checked by" cell: a link to each scenario file, then a link to each other file; `—` for
/// none.
fn checked_by_cell(scenarios: &BTreeSet<String>, others: &[String]) -> String {
    let mut parts: Vec<String> = scenarios.iter().map(|f| format!("[{}](../../scenarios/{f})", f.trim_end_matches(".ron"))).collect();
    parts.extend(others.iter().map(|p| format!("[`{p}`](../../{p})")));
    if parts.is_empty() { "—".to_string() } else { parts.join(", ") }
}

fn expected_cell(row: &Row, named_by: &BTreeMap<String, BTreeSet<String>>) -> String {
    checked_by_cell(named_by.get(&row.id).unwrap_or(&BTreeSet::new()), &other_checks(&row.cells[3]))
}

// ---------------------------------------------------------------------------------------------
// The checks.

/// Each defined ID with the rows that define it.
fn definitions(rows: &[Row]) -> BTreeMap<&str, Vec<&Place>> {
    let mut out: BTreeMap<&str, Vec<&Place>> = BTreeMap::new();
    for row in rows {
        out.entry(row.id.as_str()).or_default().push(&row.at);
    }
    out
}

fn defined_once(rows: &[Row]) -> Vec<String> {
    definitions(rows)
        .into_iter()
        .filter(|(_, places)| places.len() > 1)
        .map(|(id, places)| format!("`{id}` is defined {} times: {}", places.len(), places.iter().map(|p| p.to_string()).collect::<Vec<_>>().join(", ")))
        .collect()
}

/// Every ID and family the repository names, with where.
fn named_everywhere() -> Vec<(Place, Mention)> {
    let mut out = Vec::new();
    for (file, text) in scanned_files() {
        for (line, mention) in mentions(&text) {
            let placeholder = matches!(&mention, Mention::Id(id) if PLACEHOLDERS.contains(&(file.as_str(), id.as_str())));
            if !placeholder {
                out.push((Place { file: file.clone(), line }, mention));
            }
        }
        let is_scenario = file.ends_with(".ron") && (file.starts_with("scenarios/") || file.starts_with("tests/"));
        if is_scenario {
            out.extend(listed_ids(&text).into_iter().map(|(line, id)| (Place { file: file.clone(), line }, Mention::Id(id))));
        }
    }
    out
}

/// Places shown per message; the rest are counted.
const PLACES_SHOWN: usize = 8;

fn places_text(places: &BTreeSet<&Place>) -> String {
    let shown: Vec<String> = places.iter().take(PLACES_SHOWN).map(|p| p.to_string()).collect();
    let more = places.len().saturating_sub(PLACES_SHOWN);
    if more == 0 { shown.join(", ") } else { format!("{} and {more} more", shown.join(", ")) }
}

/// One message per ID or family named but not defined, with the places that name it.
fn undefined(named: &[(Place, Mention)], rows: &[Row]) -> Vec<String> {
    let defined = definitions(rows);
    let mut missing: BTreeMap<&Mention, BTreeSet<&Place>> = BTreeMap::new();
    for (at, mention) in named {
        let known = match mention {
            Mention::Id(id) => defined.contains_key(id.as_str()),
            Mention::Family(prefix) => defined.keys().any(|id| id.starts_with(&format!("{prefix}-"))),
        };
        if !known {
            missing.entry(mention).or_default().insert(at);
        }
    }
    missing
        .into_iter()
        .map(|(mention, places)| match mention {
            Mention::Id(id) => {
                format!("`{id}` is defined on no page of {CATALOG}/ (add a row `| `{id}` | … |` to the page of its system); named at {}", places_text(&places))
            }
            Mention::Family(prefix) => format!("the family `{prefix}-*` matches no ID defined in {CATALOG}/; named at {}", places_text(&places)),
        })
        .collect()
}

/// The scenario files a Checked by cell links.
fn linked_scenarios(cell: &str) -> BTreeSet<String> {
    link_targets(cell).iter().filter_map(|t| t.strip_prefix("../../scenarios/")).map(str::to_string).collect()
}

/// What differs between the scenarios a cell links and those that name its ID.
fn difference(cell: &str, naming: &BTreeSet<String>) -> String {
    let linked = linked_scenarios(cell);
    let missing: Vec<&str> = naming.difference(&linked).map(String::as_str).collect();
    let extra: Vec<&str> = linked.difference(naming).map(String::as_str).collect();
    format!("not listed although they name it: [{}]; listed although they do not: [{}]", missing.join(", "), extra.join(", "))
}

fn checked_by(rows: &[Row], named_by: &BTreeMap<String, BTreeSet<String>>) -> Vec<String> {
    let mut out = Vec::new();
    for row in rows {
        let expected = expected_cell(row, named_by);
        if row.cells[3] != expected {
            let naming = named_by.get(&row.id).cloned().unwrap_or_default();
            out.push(format!(
                "{}: the Checked by cell of `{}` is not what the scenario files say ({}); it should be\n    {expected}\n  (`{UPDATE_VAR}=1 cargo test --test catalog` rewrites it)",
                row.at,
                row.id,
                difference(&row.cells[3], &naming)
            ));
        }
        if expected == "—" {
            out.push(format!("{}: `{}` is checked by no scenario and no test: name it in an expectation, or link the test that checks it", row.at, row.id));
        }
        for other in other_checks(&row.cells[3]) {
            let names_it = std::fs::read_to_string(root().join(&other)).is_ok_and(|t| t.contains(&row.id));
            if !names_it {
                out.push(format!("{}: `{}` links `{other}` as checking it, but that file does not exist or does not name `{}`", row.at, row.id, row.id));
            }
        }
    }
    out
}

/// GitHub's anchor for a heading: lower case, spaces as `-`, and only letters, digits, `-`
/// and `_` kept.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| if c == ' ' { Some('-') } else { (c.is_alphanumeric() || c == '-' || c == '_').then_some(c) })
        .collect()
}

fn anchors(text: &str) -> BTreeSet<String> {
    text.lines().filter(|l| l.starts_with('#')).map(|l| slug(l.trim_start_matches('#'))).collect()
}

/// A relative path with its `..` resolved (`docs/outcomes/../../README.md` is `README.md`).
fn normal(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in path.components() {
        match part {
            std::path::Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

/// What is wrong with the relative links of the file `rel`, inline or reference definitions (web
/// and mail links are not followed).
fn broken_links(rel: &str, text: &str) -> Vec<String> {
    let dir = Path::new(rel).parent().unwrap_or(Path::new(""));
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let definition = line.strip_prefix('[').and_then(|l| l.split_once("]: ")).map(|(_, target)| target.trim().to_string());
        for target in link_targets(line).into_iter().chain(definition) {
            if target.contains("://") || target.starts_with("mailto:") {
                continue;
            }
            let (file, anchor) = target.split_once('#').map_or((target.as_str(), None), |(f, a)| (f, Some(a)));
            let path = if file.is_empty() { PathBuf::from(rel) } else { dir.join(file) };
            let at = format!("{rel}:{}", n + 1);
            let Ok(linked) = std::fs::read_to_string(root().join(&path)) else {
                if !root().join(&path).exists() {
                    out.push(format!("{at}: the link `{target}` leads to no file ({} does not exist)", normal(&path).display()));
                }
                continue;
            };
            if let Some(anchor) = anchor.filter(|_| path.extension().is_some_and(|x| x == "md"))
                && !anchors(&linked).contains(anchor)
            {
                out.push(format!("{at}: the link `{target}` names no heading of {}", normal(&path).display()));
            }
        }
    }
    out
}

/// What is wrong with a page's reference-style links, `[text][name]`: each needs `[name]: url`.
fn unresolved_references(rel: &str, text: &str) -> Vec<String> {
    let defined: BTreeSet<&str> = text.lines().filter_map(|l| l.strip_prefix('[')?.split_once("]: ").map(|(name, _)| name)).collect();
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        for after in line.split("][").skip(1) {
            let name = after.split(']').next().unwrap_or("");
            if !defined.contains(name) {
                out.push(format!("{rel}:{}: the reference `[{name}]` is not defined on the page (`[{name}]: url`)", n + 1));
            }
        }
    }
    out
}

fn links() -> Vec<String> {
    let mut out = Vec::new();
    let index = format!("{CATALOG}/{INDEX}");
    let mut files = pages();
    files.push(index.clone());
    for rel in &files {
        let text = read(rel);
        out.extend(broken_links(rel, &text));
        out.extend(unresolved_references(rel, &text));
    }
    out.extend(broken_links("README.md", &read("README.md")));
    let index_text = read(&index);
    for page in pages() {
        let name = page.rsplit('/').next().expect("a file name");
        if !index_text.contains(&format!("]({name}")) {
            out.push(format!("{index}: the index does not link the page `{name}`"));
        }
    }
    out
}

/// Rewrites the Checked by cells that differ from the scenario files (the update mode).
fn update(rows: &[Row], named_by: &BTreeMap<String, BTreeSet<String>>) {
    let mut by_page: BTreeMap<&str, Vec<&Row>> = BTreeMap::new();
    for row in rows {
        by_page.entry(row.at.file.as_str()).or_default().push(row);
    }
    for (page, rows) in by_page {
        let text = read(page);
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        for row in rows {
            let c = &row.cells;
            lines[row.at.line - 1] = format!("| {} | {} | {} | {} |", c[0], c[1], c[2], expected_cell(row, named_by));
        }
        let mut new = lines.join("\n");
        new.push('\n');
        if new != text {
            std::fs::write(root().join(page), new).unwrap_or_else(|e| panic!("{page}: {e}"));
            eprintln!("{UPDATE_VAR}: rewrote the Checked by cells of {page}");
        }
    }
}

fn fail_on(what: &str, problems: Vec<String>) {
    assert!(problems.is_empty(), "{what} ({} problems):\n{}", problems.len(), problems.join("\n"));
}

#[test]
fn the_pages_are_well_formed_and_define_each_id_once() {
    let (rows, problems) = catalog();
    fail_on("the catalog's pages", problems);
    fail_on("the catalog defines an ID more than once", defined_once(&rows));
}

#[test]
fn every_id_the_repository_names_is_in_the_catalog() {
    let (rows, _) = catalog();
    fail_on("IDs named but not in the catalog", undefined(&named_everywhere(), &rows));
}

#[test]
fn each_checked_by_cell_is_what_the_scenarios_name() {
    let (rows, _) = catalog();
    let named_by = scenario_ids();
    if std::env::var_os(UPDATE_VAR).is_some() {
        update(&rows, &named_by);
        let (rows, _) = catalog();
        fail_on("the catalog's Checked by cells after the update", checked_by(&rows, &named_by));
    } else {
        fail_on("the catalog's Checked by cells", checked_by(&rows, &named_by));
    }
}

#[test]
fn every_link_of_the_catalog_resolves() {
    fail_on("the catalog's links", links());
}

// ---------------------------------------------------------------------------------------------
// The readers, on planted text.

fn ids(text: &str) -> Vec<Mention> {
    mentions(text).into_iter().map(|(_, m)| m).collect()
}

fn id(s: &str) -> Mention {
    Mention::Id(s.to_string())
}

#[test]
fn the_scan_reads_ids_families_and_siblings() {
    assert_eq!(ids("(DM-STOP-ON-1, CP-10.)"), vec![id("DM-STOP-ON-1"), id("CP-10")], "IDs end at punctuation");
    assert_eq!(ids("see DM-SEED-* and DBSVC-HA"), vec![Mention::Family("DM-SEED".into()), id("DBSVC-HA")], "a star makes a family");
    assert_eq!(
        ids("MRS-12011-1/2, FLINK-45641-1/3"),
        vec![id("MRS-12011-1"), id("MRS-12011-2"), id("FLINK-45641-1"), id("FLINK-45641-3")],
        "`/N` names a sibling"
    );
    assert_eq!(ids("CP-5/CP-8"), vec![id("CP-5"), id("CP-8")], "a slash before a whole ID is two IDs");
    assert_eq!(ids("DMA-MAIN SMS-CP-1 ALM-12010 XFS-DET FS-Xyz DM- FS-{}"), Vec::<Mention>::new(), "names glued to other words are not IDs");
    assert_eq!(mentions("a\n  FS-DET")[0].0, 2, "lines count from 1");
}

#[test]
fn the_scan_reads_ids_lists() {
    let text = "(ids: [\"ALM-45640\", \"FS-NOLOSS\"], when: At(\"1m\")),\n(ids: [\n  \"CP-2\"]),\n// no ids: here\nwide_ids: [\"X\"]";
    let found: Vec<(usize, String)> = listed_ids(text);
    assert_eq!(found, vec![(1, "ALM-45640".into()), (1, "FS-NOLOSS".into()), (3, "CP-2".into())], "each string of each list, on its line");
}

#[test]
fn a_row_is_read_cell_by_cell() {
    let page = "| ID | Outcome | Source | Checked by |\n|---|---|---|---|\n| `CP-3` | a \\| b | [R80][r80] | [cp-x](../../scenarios/cp-x.ron), [`tests/a.rs`](../../tests/a.rs) |\n| `cp-3` | x | y | z |\n| `CP-4` | x | — | z |\n";
    let (rows, problems) = rows("p.md", page);
    assert_eq!(rows.len(), 1, "one good row: {problems:?}");
    assert_eq!(rows[0].cells[1], "a \\| b", "an escaped bar stays in its cell");
    assert_eq!(other_checks(&rows[0].cells[3]), vec!["tests/a.rs".to_string()], "the files other than scenarios");
    assert_eq!(problems.len(), 2, "a lower-case ID and a missing source: {problems:?}");
    let scenarios: BTreeSet<String> = ["cp-x.ron".to_string()].into();
    assert_eq!(checked_by_cell(&scenarios, &other_checks(&rows[0].cells[3])), rows[0].cells[3], "the cell renders back as it was read");
    assert_eq!(checked_by_cell(&BTreeSet::new(), &[]), "—", "no checks is a dash");
}

#[test]
fn anchors_are_githubs() {
    assert_eq!(slug(" How the pair decides (§1)"), "how-the-pair-decides-1", "punctuation dropped, spaces as dashes");
    assert_eq!(slug("`DM-OPT-RTE` and SLWatchdog"), "dm-opt-rte-and-slwatchdog", "backquotes dropped");
}

fn row(id: &str, file: &str, line: usize, checked_by: &str) -> Row {
    let cells = vec![format!("`{id}`"), "o".into(), "s".into(), checked_by.into()];
    Row { id: id.into(), at: Place { file: file.into(), line }, cells }
}

#[test]
fn the_checks_name_the_id_and_where() {
    let rows = vec![row("CP-1", "a.md", 3, "—"), row("CP-1", "b.md", 7, "—"), row("DM-SEED-1", "a.md", 4, "—")];
    assert_eq!(defined_once(&rows), vec!["`CP-1` is defined 2 times: a.md:3, b.md:7".to_string()], "a twice-defined ID names both rows");
    let at = |line| Place { file: "src/x.rs".into(), line };
    let named = vec![
        (at(1), id("CP-2")),
        (at(9), id("CP-2")),
        (at(2), Mention::Family("DM-SEED".into())),
        (at(3), Mention::Family("DM-DB".into())),
        (at(4), id("CP-1")),
    ];
    let problems = undefined(&named, &rows);
    assert_eq!(problems.len(), 2, "one message per unknown ID or family: {problems:?}");
    assert!(problems[0].starts_with("`CP-2` is defined on no page") && problems[0].ends_with("named at src/x.rs:1, src/x.rs:9"), "{}", problems[0]);
    assert!(problems[1].starts_with("the family `DM-DB-*` matches no ID") && problems[1].ends_with("src/x.rs:3"), "{}", problems[1]);
    let naming: BTreeMap<String, BTreeSet<String>> = [("CP-1".to_string(), ["cp-a.ron".to_string()].into())].into();
    let stale = vec![row("CP-1", "a.md", 3, "[cp-b](../../scenarios/cp-b.ron)")];
    let problems = checked_by(&stale, &naming);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("not listed although they name it: [cp-a.ron]; listed although they do not: [cp-b.ron]"), "{}", problems[0]);
    let unchecked = checked_by(&[row("CP-9", "a.md", 5, "—")], &naming);
    assert!(unchecked[0].starts_with("a.md:5: `CP-9` is checked by no scenario and no test"), "{unchecked:?}");
}
