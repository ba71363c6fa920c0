//! The SVG timeline and the HTML report: reviewed snapshots of one DataMiner failover and one
//! Check Point collision, well-formed markup, no external references, the same bytes every run,
//! and every text escaped.

use failsim::Outcome;
use failsim::report::{html, svg};

fn outcome(file: &str) -> Outcome {
    let sc = failsim::load(std::path::Path::new(file)).unwrap_or_else(|e| panic!("{e}"));
    failsim::run(&sc, None).unwrap()
}

fn snapshot(name: &str, text: &str) {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path("../snapshots");
    s.set_prepend_module_to_snapshot(false);
    s.bind(|| insta::assert_snapshot!(name, text));
}

/// Checks that `text` is well-formed XML (one root element, balanced tags, quoted attributes,
/// known entities only, nothing after the root); returns the root element's name.
fn well_formed(text: &str) -> Result<String, String> {
    fn entity_ok(rest: &str) -> bool {
        let Some(end) = rest.find(';') else { return false };
        let name = &rest[1..end];
        matches!(name, "amp" | "lt" | "gt" | "quot" | "apos")
            || name.strip_prefix('#').is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
            || name.strip_prefix("#x").is_some_and(|n| !n.is_empty() && n.chars().all(|c| c.is_ascii_hexdigit()))
    }
    fn text_ok(t: &str, at: usize) -> Result<(), String> {
        for (i, c) in t.char_indices() {
            if c == '&' && !entity_ok(&t[i..]) {
                return Err(format!("bad entity at byte {}", at + i));
            }
            if c == '>' {
                return Err(format!("raw '>' in text at byte {}", at + i));
            }
        }
        Ok(())
    }
    let mut stack: Vec<&str> = Vec::new();
    let mut root: Option<String> = None;
    let mut done = false;
    let mut i = 0;
    while let Some(off) = text[i..].find('<') {
        let lt = i + off;
        let between = &text[i..lt];
        if stack.is_empty() && !between.trim().is_empty() {
            return Err(format!("text outside the root at byte {i}"));
        }
        text_ok(between, i)?;
        let rest = &text[lt..];
        if rest.starts_with("<!--") {
            i = lt + rest.find("-->").ok_or("unclosed comment")? + 3;
            continue;
        }
        if rest.starts_with("<?") {
            i = lt + rest.find("?>").ok_or("unclosed processing instruction")? + 2;
            continue;
        }
        // A tag: find its end outside quoted attribute values.
        let mut quote: Option<char> = None;
        let mut end = None;
        for (j, c) in rest.char_indices().skip(1) {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (Some(_), '<') => return Err(format!("'<' in an attribute value at byte {}", lt + j)),
                (None, '<') => return Err(format!("'<' inside a tag at byte {}", lt + j)),
                (None, '>') => {
                    end = Some(j);
                    break;
                }
                _ => {}
            }
        }
        let end = end.ok_or_else(|| format!("unclosed tag at byte {lt}"))?;
        let tag = &rest[1..end];
        i = lt + end + 1;
        if let Some(name) = tag.strip_prefix('/') {
            let open = stack.pop().ok_or_else(|| format!("</{name}> closes nothing at byte {lt}"))?;
            if open != name.trim() {
                return Err(format!("<{open}> closed by </{name}> at byte {lt}"));
            }
            if stack.is_empty() {
                done = true;
            }
            continue;
        }
        if done && stack.is_empty() {
            return Err(format!("a second root element at byte {lt}"));
        }
        let name = tag.split(|c: char| c.is_whitespace() || c == '/').next().unwrap_or("");
        if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | ':' | '.')) {
            return Err(format!("bad element name {name:?} at byte {lt}"));
        }
        // Attributes: name="value" pairs.
        let attrs = tag[name.len()..].trim_end_matches('/');
        let mut a = attrs.trim_start();
        while !a.is_empty() {
            let eq = a.find('=').ok_or_else(|| format!("attribute without a value in <{name}> at byte {lt}"))?;
            let q = a[eq + 1..].chars().next().filter(|c| *c == '"' || *c == '\'').ok_or_else(|| format!("unquoted attribute in <{name}> at byte {lt}"))?;
            let close = a[eq + 2..].find(q).ok_or("unclosed attribute value")? + eq + 2;
            text_ok(&a[eq + 2..close], lt)?;
            a = a[close + 1..].trim_start();
        }
        root.get_or_insert_with(|| name.to_string());
        if !tag.ends_with('/') {
            stack.push(name);
        } else if stack.is_empty() {
            done = true;
        }
    }
    if !text[i..].trim().is_empty() {
        return Err("text after the root".into());
    }
    match (stack.last(), root) {
        (Some(open), _) => Err(format!("<{open}> never closed")),
        (None, None) => Err("no root element".into()),
        (None, Some(root)) => Ok(root),
    }
}

#[test]
fn the_checker_rejects_malformed_xml() {
    assert_eq!(well_formed("<svg a=\"1\"><g><rect/></g><text>a &amp; b</text></svg>\n").as_deref(), Ok("svg"));
    for bad in ["<svg><g></svg>", "<svg>a & b</svg>", "<svg a=1/>", "<svg></svg><svg/>", "<svg a=\"<\"/>", "<svg>", "</svg>", "x<svg/>"] {
        assert!(well_formed(bad).is_err(), "{bad}");
    }
}

#[test]
fn svg_timeline_of_a_failover() {
    let o = outcome("scenarios/dm-cable-both-online.ron");
    let svg = svg::timeline(&o);
    assert_eq!(well_formed(&svg).as_deref(), Ok("svg"));
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    // Every lane, action and alarm is there: a lane that changes in a row of its own, with a
    // tooltip on every rectangle; the unchanged healthy ones named in one summary row.
    let folded = svg.split("throughout: ").nth(1).and_then(|rest| rest.split("</title>").next()).unwrap_or_default();
    let mut own_rows = 0;
    for lane in &o.lanes {
        let name = lane.name.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;");
        match svg.contains(&format!(">{name}</text>")) {
            true => {
                own_rows += 1;
                assert_eq!(svg.matches(&format!("<title>{name}: ")).count(), lane.segments.len(), "{}", lane.name);
            }
            false => {
                assert_eq!(lane.segments.len(), 1, "{} changes: it has a row of its own", lane.name);
                assert!(folded.split(", ").any(|n| n == name), "{} is in the summary row: {folded}", lane.name);
            }
        }
    }
    assert!(own_rows >= 4 && !folded.is_empty(), "both nodes, the pulled cables and links in rows, the rest folded: {own_rows} rows, folded: {folded}");
    assert!(svg.contains(">pull both cables on DMA-MAIN (online)<title>"));
    assert!(svg.contains("Connection to DMA-MAIN lost (timeout)"));
    // Integer coordinates only.
    for attr in ["x=\"", "y=\"", "width=\"", "height=\"", "x1=\"", "y2=\""] {
        for v in svg.split(&format!(" {attr}")).skip(1) {
            let v = &v[..v.find('"').unwrap()];
            assert!(v.parse::<i64>().is_ok(), "{attr}{v}");
        }
    }
    assert_eq!(svg, svg::timeline(&outcome("scenarios/dm-cable-both-online.ron")), "two renders differ");
    snapshot("report_formats_svg_dm_cable_both_online", &svg);
}

#[test]
fn html_page_of_a_collision() {
    let o = outcome("scenarios/cp-collision.ron");
    let page = html::page(&o);
    assert!(page.starts_with("<!doctype html>\n"));
    // Self-contained: the only URL is the SVG namespace; no scripts, links or sources.
    let xmlns = "xmlns=\"http://www.w3.org/2000/svg\"";
    assert_eq!(page.matches("http://").count(), page.matches(xmlns).count());
    assert_eq!(page.matches(xmlns).count(), 1);
    assert!(!page.contains("https://"));
    for tag in ["<script", "<link", "<img", "<iframe", " src=", " href=", "url("] {
        assert!(!page.contains(tag), "{tag}");
    }
    // The inline timeline is the SVG report, whole.
    assert!(page.contains(&svg::timeline(&o)));
    let (from, to) = (page.find("<svg ").unwrap(), page.rfind("</svg>").unwrap() + "</svg>".len());
    assert_eq!(well_formed(&page[from..to]).as_deref(), Ok("svg"));
    for text in ["Collision or HA conflict", "High Availability Status (SmartConsole connected to SMS-PRIMARY)", "20 of 20 expectations held", "12m"] {
        assert!(page.contains(text), "{text}");
    }
    assert_eq!(page, html::page(&outcome("scenarios/cp-collision.ron")), "two renders differ");
    snapshot("report_formats_html_cp_collision", &page);
}

#[test]
fn every_text_is_escaped() {
    let mut o = outcome("scenarios/dm-cable-both-online.ron");
    let nasty = "<b>\"Tom & Jerry's\"</b>";
    o.name = nasty.to_string();
    o.lanes[0].name = nasty.to_string();
    o.lanes[1].segments[0].2.word = nasty.to_string();
    o.script[0].1 = nasty.to_string();
    o.revised.consoles[0].0 = nasty.to_string();
    o.revised.consoles[0].1[0].text = nasty.to_string();
    o.revised.nodes[0].facts.push(nasty.to_string());
    o.revised.tables[0].1[0].1 = nasty.to_string();
    o.revised.panels[0].columns[0].items[0].1 = nasty.to_string();
    o.expectations[0].claim = nasty.to_string();
    let lines: Vec<_> = o.timeline.iter().map(|r| if r.shown { failsim::TraceLine { text: nasty, ..r } } else { r }).collect();
    o.timeline = failsim::Timeline::from_lines(lines);
    let svg = svg::timeline(&o);
    assert_eq!(well_formed(&svg).as_deref(), Ok("svg"));
    let page = html::page(&o);
    for out in [&svg, &page] {
        assert!(!out.contains(nasty) && !out.contains("<b>\"Tom") && !out.contains("Tom & Jerry"));
        assert!(out.contains("&lt;b&gt;&quot;Tom &amp; Jerry&#39;s&quot;&lt;/b&gt;"));
    }
}

#[test]
fn every_scenario_renders_well_formed() {
    let mut files: Vec<_> = std::fs::read_dir("scenarios").unwrap().map(|e| e.unwrap().path()).filter(|p| p.extension().is_some_and(|e| e == "ron")).collect();
    files.sort();
    for path in files {
        let o = outcome(path.to_str().unwrap());
        let svg = svg::timeline(&o);
        well_formed(&svg).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let page = html::page(&o);
        assert!(page.contains(&svg), "{}", path.display());
    }
}

/// The holder lanes follow the world's addresses (issue 22): a DMA pair's virtual IP moves from
/// Main to Backup (both hold it while Backup acquires it and Main's NIC, unplugged, keeps it),
/// an MRS pair's floating IP moves with each switchover; a heartbeat path's lane counts its
/// failures up to the tolerance, then says failed.
#[test]
fn holder_and_heartbeat_lanes_follow_the_run() {
    let words = |o: &failsim::Outcome, lane: &str| -> Vec<String> {
        let l = o.lanes.iter().find(|l| l.name == lane).unwrap_or_else(|| panic!("a lane {lane}: {:?}", o.lanes.iter().map(|l| &l.name).collect::<Vec<_>>()));
        l.segments.iter().map(|(_, _, s)| s.word.clone()).collect()
    };
    let dm = outcome("scenarios/dm-cable-both-online.ron");
    assert_eq!(words(&dm, "virtual IP 10.10.10.5"), ["DMA-MAIN", "DMA-MAIN + DMA-BACKUP", "DMA-BACKUP"]);
    assert_eq!(
        words(&dm, "heartbeat DMA-BACKUP -> DMA-MAIN via Corporate"),
        ["success", "failing 1/3", "failing 2/3", "failing 3/3", "failed", "success"],
        "until the cables are back"
    );
    let mrs = outcome("scenarios/mrs-12011-stale-switchover.ron");
    let floating = mrs.lanes.iter().find(|l| l.name.starts_with("floating IP ")).expect("a floating IP lane");
    let holders: Vec<&str> = floating.segments.iter().map(|(_, _, s)| s.word.as_str()).collect();
    assert_eq!(holders, ["node-master1", "node-master2", "node-master1"], "two switchovers");
    // Lost writes are marked where they were lost: Check Point's collision ended at 15m
    // overwrites the 3 changes published only on the demoted server (CP-8).
    let cp = outcome("scenarios/cp-collision.ron");
    let lost: Vec<(u64, u64)> = cp.revised.writes.lost_at.iter().map(|l| (l.at_ms, l.count)).collect();
    assert_eq!(lost, [(900_000, 3)]);
    let svg = failsim::report::svg::timeline(&cp);
    assert!(svg.contains(">Published changes lost</text>") && svg.contains(">3 lost</text>"), "the loss on the timeline");
}
