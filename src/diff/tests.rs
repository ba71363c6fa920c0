//! Diffs of runs read from reports and made by hand: where they part, whose records part, what
//! each side showed then, and the metrics' differences.

use super::*;

/// A report of one system with nodes `n1` and `n2`, the given trace and events.
fn report(trace: &[(Time, &str)], events: u64, lost: u64) -> String {
    let trace: Vec<serde_json::Value> = trace.iter().map(|(t, r)| serde_json::json!([t, r])).collect();
    serde_json::json!({
        "trace_hash": "00000000000000ab", "events": events, "trace": trace,
        "revised": {
            "nodes": [{"name": "n1"}, {"name": "n2"}],
            "consoles": [["Console of n1", [
                {"severity": "Major", "text": "link down", "raised_ms": 1000, "cleared_ms": 3000},
                {"severity": "Minor", "text": "later", "raised_ms": 5000, "cleared_ms": null}
            ]]]
        },
        "metrics": {"downtime_ms": 1000, "outages": [], "switches": 1, "split_brain_ms": 0, "writes_lost": lost,
                    "max_replication_lag_ms": 0, "alarms_by_severity": {"Major": 1}},
        "lanes": [{"name": "n1", "segments": [[0, 2000, "Online"], [2000, 9001, "Offline"]]}]
    })
    .to_string()
}

fn side(label: &str, trace: &[(Time, &str)], events: u64, lost: u64) -> Side {
    Side::from_report(label.into(), &report(trace, events, lost)).unwrap()
}

const TRACE: [(Time, &str); 4] = [(0, "start"), (1000, "link down"), (2000, "n1 offline"), (4000, "n2 online")];

#[test]
fn the_same_reports_are_the_same_run() {
    let d = compare(&side("a", &TRACE, 9, 0), &side("b", &TRACE, 9, 0)).unwrap();
    assert!(d.same && d.parting.is_none(), "{d:?}");
    let want = [
        "The traces are the same.",
        "",
        "Metrics at the end",
        "                                      A              B          B - A",
        "  downtime                           1s             1s",
        "  outages                             0              0",
        "  time to detect                      -              -",
        "  time to switch                      -              -",
        "  switches                            1              1",
        "  degraded                           0s             0s",
        "  failed client attempts              -              -",
        "  acquisition downtime                -              -",
        "  database downtime                   -              -",
        "  split brain                        0s             0s",
        "  writes lost                         0              0",
        "  max replication lag                0s             0s",
        "  alarms Major                        1              1",
        "",
        "The runs are the same.",
    ];
    let t = text(&d);
    assert!(t.ends_with(&format!("\n{}\n", want.join("\n"))), "expected the metrics side by side and no change, got:\n{t}");
}

#[test]
fn events_or_metrics_alone_make_another_run() {
    let d = compare(&side("a", &TRACE, 9, 0), &side("b", &TRACE, 10, 0)).unwrap();
    assert!(!d.same && d.parting.is_none(), "{d:?}");
    assert!(text(&d).contains("The traces are the same, yet the events handled or the metrics differ."), "{}", text(&d));
    let d = compare(&side("a", &TRACE, 9, 0), &side("b", &TRACE, 9, 3)).unwrap();
    assert!(!d.same);
    let lost = d.metrics[0].rows.iter().find(|r| r.metric == "writes lost").unwrap();
    assert_eq!((lost.a, lost.b), (Some(0), Some(3)));
    assert!(text(&d).contains("  writes lost                         0              3             +3\n"), "{}", text(&d));
}

#[test]
fn the_parting_is_the_first_differing_record_with_its_context_and_each_sides_view() {
    let mut other = TRACE;
    other[2] = (2500, "n1 stays");
    let d = compare(&side("a", &TRACE, 9, 0), &side("b", &other, 9, 0)).unwrap();
    let p = d.parting.as_ref().expect("they part");
    assert_eq!((p.record, p.at_ms), (3, 2000), "the earlier of the two records there");
    assert_eq!(p.before.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), ["start", "link down"]);
    assert_eq!(p.a.iter().map(|l| l.text.as_str()).collect::<Vec<_>>(), ["n1 offline", "n2 online"]);
    assert_eq!(p.b[0].text, "n1 stays");
    let n1 = &p.state_a[0].nodes[0];
    assert_eq!((n1.name.as_str(), n1.role.as_str()), ("n1", "Offline"), "its lane at 2000");
    assert_eq!(p.state_a[0].nodes[1].role, "(not in the report)");
    assert_eq!(p.state_a[0].alarms.len(), 1, "the alarm raised at 1000 and cleared at 3000 stands at 2000: {:?}", p.state_a[0].alarms);
    let t = text(&d);
    assert!(
        t.contains(
            "The runs part at 00:00:02.000, trace record 3:\n  A B  00:00:00.000  start\n  A B  00:00:01.000  link down\n  A    00:00:02.000  n1 offline\n"
        ),
        "{t}"
    );
}

#[test]
fn alarms_standing_at_the_parting_are_those_raised_and_not_yet_cleared() {
    for (at, want) in [(999, vec![]), (1000, vec!["link down"]), (2999, vec!["link down"]), (3000, vec![]), (5000, vec!["later"])] {
        let a = side("a", &[(at, "x")], 1, 0);
        let b = side("b", &[(at, "y")], 1, 0);
        let p = compare(&a, &b).unwrap().parting.unwrap();
        let texts: Vec<&str> = p.state_a[0].alarms.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(texts, want, "at {at}");
        assert_eq!(p.state_a[0].alarms.first().map(|a| a.console.as_str()), want.first().map(|_| "Console of n1"));
    }
}

#[test]
fn a_shorter_trace_parts_where_it_ends() {
    let d = compare(&side("a", &TRACE, 9, 0), &side("b", &TRACE[..3], 9, 0)).unwrap();
    let p = d.parting.as_ref().unwrap();
    assert_eq!((p.record, p.at_ms, p.b.len()), (4, 4000, 0));
    assert!(text(&d).contains("  A    00:00:04.000  n2 online\n  B    (the trace ends)\n"), "{}", text(&d));
}

/// Two systems: `s1` adds a record at 2000 that pushes `s0`'s record there along.
fn two_systems(extra: bool) -> Side {
    let mut trace = vec![(1000, 0, "s0 a"), (2000, 0, "s0 b")];
    if extra {
        trace.insert(1, (2000, 1, "s1 new"));
    }
    let end = |name: &str| SystemEnd { name: name.into(), nodes: vec![], metrics: Metrics::default(), alarms: vec![] };
    Side {
        label: "x".into(),
        hash: 0,
        events: 1,
        trace: trace.into_iter().map(|(at_ms, s, t)| Line { at_ms, text: t.into(), system: Some(s) }).collect(),
        systems: vec![end("s0"), end("s1")],
        lanes: vec![],
        scenario: None,
    }
}

#[test]
fn the_system_whose_own_records_part_is_named() {
    let d = compare(&two_systems(false), &two_systems(true)).unwrap();
    let p = d.parting.as_ref().unwrap();
    assert_eq!((p.record, p.systems.as_slice()), (2, &["s1".to_string()][..]), "not s0, whose record moved along");
    assert!(text(&d).contains("trace record 2, in system s1:"), "{}", text(&d));
    assert_eq!(d.metrics.last().map(|m| m.system.as_str()), Some("all"), "a total after the systems");
    let mut unknown = two_systems(true);
    unknown.trace.iter_mut().for_each(|l| l.system = None);
    let p = compare(&two_systems(false), &unknown).unwrap().parting.unwrap();
    assert_eq!(p.systems, ["s0"], "without the other side's systems: the earlier record's at the parting");
}

#[test]
fn a_change_has_its_sign_and_unit() {
    let row = |unit, a, b| MetricRow { metric: "m".into(), unit, a, b };
    assert_eq!(text::change(&row(Unit::Ms, Some(1000), Some(61_500))), "+1m500ms");
    assert_eq!(text::change(&row(Unit::Count, Some(10), Some(4))), "-6");
    assert_eq!(text::change(&row(Unit::Count, Some(3), Some(3))), "");
    assert_eq!(text::change(&row(Unit::PerMille, Some(100), Some(375))), "+27.5%");
    assert_eq!(text::change(&row(Unit::Ms, None, Some(3))), "");
}

#[test]
fn a_report_that_is_not_one_says_so() {
    let e = Side::from_report("other".into(), "{}").unwrap_err();
    assert!(e.starts_with("other: not a failsim JSON report: missing field"), "{e}");
    let bad = report(&TRACE, 1, 0).replace("00000000000000ab", "xyz");
    assert_eq!(Side::from_report("other".into(), &bad).unwrap_err(), "other: trace_hash `xyz` is not 16 hex digits");
}

#[test]
fn a_line_is_marked_where_the_other_side_shows_it_otherwise() {
    let node =
        |name: &str, role: &str, facts: &[&str]| NodeState { name: name.into(), role: role.into(), facts: facts.iter().map(|f| f.to_string()).collect() };
    let alarm = |text: &str| AlarmLine { console: "C".into(), severity: "Major".into(), text: text.into(), raised_ms: 0, cleared_ms: None };
    let writes = |pending| Some(Writes { label: "Records".into(), written: 10, replicated: 10 - pending, pending, lost: 0 });
    let ours = SystemState {
        system: String::new(),
        nodes: vec![node("same", "Online", &["VIP"]), node("facts", "Online", &["VIP"]), node("role", "Online", &[]), node("unknown", "Offline", &["x"])],
        alarms: vec![alarm("kept"), alarm("gone")],
        writes: writes(0),
    };
    let theirs = SystemState {
        system: String::new(),
        nodes: vec![node("same", "Online", &["VIP"]), node("facts", "Online", &[]), node("role", "Offline", &[]), node("unknown", "Offline", &["y"])],
        alarms: vec![alarm("kept")],
        writes: writes(10),
    };
    let mut s = String::new();
    text::states(&mut s, "A", &[ours], &[theirs]);
    let marks: Vec<(char, &str)> = s.lines().skip(1).map(|l| (l.chars().nth(2).unwrap(), l[4..].split_whitespace().next().unwrap())).collect();
    let want = [(' ', "same"), (' ', "facts"), ('*', "role"), ('*', "unknown"), ('*', "Records:"), (' ', "C:"), ('*', "C:")];
    assert_eq!(marks, want, "equal facts, or facts one side does not know, are the same; a role, other facts, the writes or an alarm differ:\n{s}");
}
