//! `--set PATH=VALUE`: override any value of a scenario without editing the file.
//!
//! Paths name fields of the system's configuration (`switch_time`, `heartbeats[0].interval`,
//! `addressing.register_in_dns`) or of the scenario itself (`seed`, `end`,
//! `script[2].do.duration`, and in a world of several systems `systems[1].system.sync_interval`
//! or a part of the declared world, `world.hosts[0].nics[0].addr`); `[*]` sets every element of a list; enum layers (`DataMiner`,
//! `Restart`) are passed through. Values are read as JSON when they parse as such (numbers,
//! `true`), else as text (`848s`, `Manual`). The result is written back as a scenario file and
//! parsed again, so every check of the parser applies to the overridden scenario.

use super::{Scenario, parse, to_ron};
use serde_json::Value;

/// Applies `PATH=VALUE` overrides in order.
pub fn apply(scenario: &Scenario, sets: &[String]) -> Result<Scenario, String> {
    if sets.is_empty() {
        return Ok(scenario.clone());
    }
    let mut doc = serde_json::to_value(scenario).map_err(|e| e.to_string())?;
    for set in sets {
        let (path, value) = set.split_once('=').ok_or_else(|| format!("--set `{set}`: expected PATH=VALUE"))?;
        let value = serde_json::from_str(value).unwrap_or_else(|_| Value::String(value.to_string()));
        let segments = segments(path).map_err(|e| format!("--set `{set}`: {e}"))?;
        let root = if is_scenario_field(&segments[0]) { &mut doc } else { system_config(&mut doc)? };
        assign(root, &segments, &value).map_err(|e| format!("--set `{set}`: {e}"))?;
    }
    let overridden: Scenario = super::deserialize_json(doc).map_err(|e| format!("--set: {e}"))?;
    let text = to_ron(&overridden)?;
    parse(std::path::Path::new("<overridden scenario>"), &text).map_err(|e| match &e.help {
        Some(help) => format!("--set: the overridden scenario is invalid: {}; {help}", e.message),
        None => format!("--set: the overridden scenario is invalid: {}", e.message),
    })
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum Segment {
    Field(String),
    Index(usize),
    All,
}

fn is_scenario_field(s: &Segment) -> bool {
    matches!(s, Segment::Field(f) if ["name", "doc", "seed", "world", "systems", "end", "script", "expect"].contains(&f.as_str()))
}

/// `a.b[2].c[*]` → fields and indices.
fn segments(path: &str) -> Result<Vec<Segment>, String> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let (field, rest) = part.split_once('[').map_or((part, ""), |(f, r)| (f, r));
        if !field.is_empty() {
            out.push(Segment::Field(field.to_string()));
        }
        for index in rest.split('[').filter(|s| !s.is_empty()) {
            let index = index.strip_suffix(']').ok_or_else(|| format!("`{part}`: unclosed `[`"))?;
            out.push(if index == "*" { Segment::All } else { Segment::Index(index.parse().map_err(|_| format!("`{index}` is not an index"))?) });
        }
    }
    if out.is_empty() {
        return Err("empty path".into());
    }
    Ok(out)
}

/// The system's configuration object inside `{"system": {"DataMiner": {...}}}`.
fn system_config(doc: &mut Value) -> Result<&mut Value, String> {
    if doc.get("systems").is_some() {
        return Err("the scenario has several systems: name the one to change (`systems[1].system.<field>`)".into());
    }
    doc.get_mut("system").and_then(Value::as_object_mut).and_then(|o| o.values_mut().next()).ok_or_else(|| "the scenario has no system".to_string())
}

fn assign(node: &mut Value, path: &[Segment], value: &Value) -> Result<(), String> {
    let Some((first, rest)) = path.split_first() else {
        *node = value.clone();
        return Ok(());
    };
    let node = through_variant(node, first);
    match (first, node) {
        (Segment::Field(f), Value::Object(map)) => {
            let valid: Vec<String> = map.keys().cloned().collect();
            let child = map.get_mut(f).ok_or_else(|| no_field(f, &valid))?;
            assign(child, rest, value)
        }
        (Segment::Index(i), Value::Array(items)) => {
            let len = items.len();
            let child = items.get_mut(*i).ok_or_else(|| format!("index {i} is out of range (the list has {len} items)"))?;
            assign(child, rest, value)
        }
        (Segment::All, Value::Array(items)) => items.iter_mut().try_for_each(|child| assign(child, rest, value)),
        (seg, other) => Err(format!("cannot apply {seg:?} to {}", kind(other))),
    }
}

/// A path's field that is not there: the field a misspelling most likely meant, and those that are.
fn no_field(f: &str, valid: &[String]) -> String {
    let words: Vec<&str> = valid.iter().map(String::as_str).collect();
    match super::de::closest(f, &words) {
        Some(near) => format!("no field `{f}` here; did you mean `{near}`? (valid: {})", words.join(", ")),
        None => format!("no field `{f}` here; valid: {}", words.join(", ")),
    }
}

/// Steps into an externally tagged enum (`{"Restart": {...}}`) when the path goes on past it.
fn through_variant<'a>(node: &'a mut Value, next: &Segment) -> &'a mut Value {
    let is_variant = match (&*node, next) {
        (Value::Object(map), Segment::Field(f)) => map.len() == 1 && !map.contains_key(f) && map.keys().all(|k| k.starts_with(char::is_uppercase)),
        (Value::Object(map), Segment::Index(_) | Segment::All) => map.len() == 1 && map.keys().all(|k| k.starts_with(char::is_uppercase)),
        _ => false,
    };
    if is_variant { node.as_object_mut().and_then(|m| m.values_mut().next()).expect("one variant") } else { node }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a value",
        Value::Array(_) => "a list",
        Value::Object(_) => "a record",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario() -> Scenario {
        parse(
            std::path::Path::new("t.ron"),
            r#"Scenario(name: "t", doc: "", system: DataMiner(), script: [(at: "1m", do: Restart(node: Main, duration: "10s"))], end: "20m")"#,
        )
        .unwrap()
    }

    fn dm(s: &Scenario) -> &crate::products::dataminer::Config {
        let crate::products::System::DataMiner(c) = &s.system else { panic!() };
        c
    }

    #[test]
    fn config_values_lists_and_script_steps_can_be_set() {
        let s = apply(
            &scenario(),
            &["switch_time=848s".into(), "heartbeats[*].max_failures=6".into(), "mode=Manual".into(), "script[0].do.duration=90s".into(), "seed=9".into()],
        )
        .unwrap();
        // A product's configuration fields are private to its folder: read them in the JSON form
        // the overrides are applied to.
        let cfg = serde_json::to_value(dm(&s)).unwrap();
        assert_eq!(cfg["switch_time"], serde_json::to_value(crate::units::Ms(848_000)).unwrap());
        let heartbeats: Vec<crate::products::dataminer::Heartbeat> = serde_json::from_value(cfg["heartbeats"].clone()).unwrap();
        assert!(heartbeats.iter().all(|h| h.max_failures() == 6));
        assert_eq!(cfg["mode"], serde_json::to_value(crate::products::dataminer::Mode::Manual).unwrap());
        assert_eq!(s.seed, 9);
        assert!(matches!(s.script[0].action, crate::action::Do::Shared(crate::action::Action::Restart { duration, .. }) if duration.0 == 90_000));
    }

    #[test]
    fn unknown_paths_and_bad_values_say_what_is_valid() {
        let e = apply(&scenario(), &["swich_time=1s".into()]).unwrap_err();
        assert!(e.contains("no field `swich_time`") && e.contains("did you mean `switch_time`?"), "{e}");
        let e = apply(&scenario(), &["banana=1s".into()]).unwrap_err();
        assert!(e.contains("no field `banana` here; valid: "), "nothing near: the list only: {e}");
        let e = apply(&scenario(), &["heartbeats[9].interval=1s".into()]).unwrap_err();
        assert!(e.contains("out of range"), "{e}");
        let e = apply(&scenario(), &["switch_time=soon".into()]).unwrap_err();
        assert!(e.contains("soon"), "{e}");
        let e = apply(&scenario(), &["end=1s".into()]).unwrap_err();
        assert!(e.contains("after the scenario's end"), "{e}");
    }

    #[test]
    fn an_address_with_a_leading_zero_is_refused() {
        let e = apply(&scenario(), &["switch_ip=10.10.010.254/24".into()]).unwrap_err();
        assert_eq!(e, "--set: `10.10.010.254/24` has a leading zero, which some tools read as octal: write 10.10.10.254/24");
        let e = apply(&scenario(), &["dns_records=[{\"name\": \"db\", \"addr\": \"10.0.0.07\"}]".into()]).unwrap_err();
        assert!(e.contains("`10.0.0.07` has a leading zero") && e.contains("write 10.0.0.7"), "{e}");
    }
}
