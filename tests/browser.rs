//! The reports in a real browser (issue 22): each report kind (the run's HTML page, the SVG
//! timeline, the sweep's heat map) is loaded in headless Chromium, which runs a small script
//! beside it that records console errors and measures every label's rendered box. The test
//! fails on any console error and on any two labels whose boxes overlap, naming both with their
//! boxes. Screenshots of each report are written to `target/tmp/browser/` to look at.
//!
//! Chromium comes from the distribution (`.ci/run` installs it). Without it the test says it is
//! skipped, except under CI (`CI` set), where a missing browser fails it: CI must prove the
//! pictures.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Where Chromium is: `FAILSIM_CHROMIUM`, else the distribution's names on PATH.
fn chromium() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("FAILSIM_CHROMIUM") {
        return Some(PathBuf::from(path));
    }
    let path = std::env::var_os("PATH")?;
    let names = ["chromium", "chromium-browser", "google-chrome"];
    std::env::split_paths(&path).flat_map(|dir| names.map(|n| dir.join(n))).find(|p| p.is_file())
}

/// The flags of a headless Chromium on a closed network, with its own empty profile.
fn headless(browser: &Path, profile: &Path) -> Command {
    let mut c = Command::new(browser);
    c.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--virtual-time-budget=5000",
    ]);
    c.arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// The probe: installed first in the page so it sees every error; on load it lists the
/// visible labels (SVG `text` and the HTML page's headings, cells and paragraphs) whose
/// rendered boxes overlap, and writes its verdict as JSON into `#failsim-probe`.
const PROBE: &str = r#"<script>
window.__errors = [];
window.addEventListener('error', e => window.__errors.push('error: ' + e.message));
const __consoleError = console.error;
console.error = function(...a) { window.__errors.push('console.error: ' + a.join(' ')); __consoleError.apply(console, a); };
window.addEventListener('load', () => {
  const boxes = [];
  for (const el of document.querySelectorAll('svg text')) {
    const r = el.getBoundingClientRect();
    if (r.width > 0 && r.height > 0) boxes.push({text: el.textContent.trim(), l: r.left, t: r.top, r: r.right, b: r.bottom});
  }
  const overlaps = [];
  const slack = 1;
  for (let i = 0; i < boxes.length; i++) for (let j = i + 1; j < boxes.length; j++) {
    const a = boxes[i], b = boxes[j];
    if (a.l + slack < b.r && b.l + slack < a.r && a.t + slack < b.b && b.t + slack < a.b) overlaps.push([a, b]);
  }
  const svgs = [...document.querySelectorAll('svg')].map(s => { const r = s.getBoundingClientRect(); return [Math.round(r.width), Math.round(r.height)]; });
  const out = document.createElement('pre');
  out.id = 'failsim-probe';
  out.textContent = JSON.stringify({errors: window.__errors, labels: boxes.length, overlaps, svgs});
  document.body.appendChild(out);
});
</script>"#;

/// What the probe found on one page.
#[derive(serde::Deserialize, Debug)]
struct Probe {
    errors: Vec<String>,
    labels: usize,
    overlaps: Vec<[Label; 2]>,
    svgs: Vec<[i64; 2]>,
}

#[derive(serde::Deserialize, Debug)]
struct Label {
    text: String,
    l: f64,
    t: f64,
    r: f64,
    b: f64,
}

impl std::fmt::Display for Label {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?} at ({:.0},{:.0})-({:.0},{:.0})", self.text, self.l, self.t, self.r, self.b)
    }
}

/// A report as a page the probe can read: an HTML document gets the probe at the top of its
/// head; an SVG document is put inline in a page of its own.
fn page_of(report: &str) -> String {
    match report.find("<head>") {
        Some(at) => format!("{}<head>{PROBE}{}", &report[..at], &report[at + "<head>".len()..]),
        None => format!("<!DOCTYPE html><html><head><meta charset=\"utf-8\">{PROBE}</head><body style=\"margin:0\">{report}</body></html>"),
    }
}

/// Loads `report` (named `name`) in Chromium: the probe's verdict, and a screenshot beside it.
fn load(browser: &Path, dir: &Path, name: &str, report: &str, size: (i64, i64)) -> Probe {
    let page = dir.join(format!("{name}.html"));
    std::fs::write(&page, page_of(report)).unwrap();
    let url = format!("file://{}", page.display());
    let out = headless(browser, &dir.join("profile")).arg("--dump-dom").arg(&url).output().expect("chromium starts");
    let dom = String::from_utf8_lossy(&out.stdout);
    let probe = dom.split("<pre id=\"failsim-probe\">").nth(1).and_then(|rest| rest.split("</pre>").next());
    let Some(json) = probe else {
        panic!("{name}: the probe wrote no verdict (exit {:?}); stderr:\n{}", out.status, String::from_utf8_lossy(&out.stderr));
    };
    let json = json.replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
    let shot = dir.join(format!("{name}.png"));
    let status = headless(browser, &dir.join("profile"))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("--window-size={},{}", size.0, size.1))
        .arg(&url)
        .output()
        .expect("chromium starts");
    assert!(shot.is_file(), "{name}: no screenshot ({:?})", status.status);
    serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: the probe's verdict does not read: {e}\n{json}"))
}

/// The size an SVG document declares (the screenshot's window).
fn svg_size(svg: &str) -> (i64, i64) {
    let attr = |name: &str| -> i64 {
        let at = svg.find(&format!(" {name}=\"")).expect("the svg declares its size") + name.len() + 3;
        svg[at..].split('"').next().unwrap().parse().unwrap()
    };
    (attr("width"), attr("height"))
}

fn run(name: &str) -> failsim::Outcome {
    let sc = failsim::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios").join(format!("{name}.ron"))).unwrap();
    failsim::run(&sc, None).unwrap()
}

/// The reports the test loads: the run page and the timeline of one pair, of three pairs on a
/// shared switch, of Check Point's collision and of MRS's stale switchover, and a heat map.
fn reports() -> Vec<(String, String, (i64, i64))> {
    let mut out = Vec::new();
    for name in ["dm-cable-sync-online", "world-dms-three-pairs", "cp-collision", "mrs-12011-stale-switchover"] {
        let o = run(name);
        let svg = failsim::report::svg::timeline(&o);
        let size = svg_size(&svg);
        out.push((format!("{name}.timeline"), svg, size));
        out.push((format!("{name}.page"), failsim::report::html::page(&o), (1280, 2000)));
    }
    let sc = failsim::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/dm-stop-online.ron")).unwrap();
    let axes = [
        failsim::sweep::Axis::parse("heartbeats[*].interval=2s,5s,10s,30s").unwrap(),
        failsim::sweep::Axis::parse("heartbeats[*].max_failures=1..5/2").unwrap(),
    ];
    let cells = failsim::sweep::sweep(&sc, &axes, 2).unwrap();
    let heat = failsim::sweep::heat_map(&axes, &cells, "time_to_detect").unwrap();
    let size = svg_size(&heat);
    out.push(("heat-map".to_string(), heat, size));
    out
}

#[test]
fn every_report_renders_without_errors_and_without_overlapping_labels() {
    let Some(browser) = chromium() else {
        assert!(std::env::var_os("CI").is_none(), "CI has no Chromium: .ci/run installs the distribution's package `chromium`");
        eprintln!("skipped: no Chromium on PATH (set FAILSIM_CHROMIUM, or install the package `chromium`)");
        return;
    };
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("browser");
    std::fs::create_dir_all(&dir).unwrap();
    // The probe itself can fail: a page with two labels on top of each other and a script
    // error must be caught, or the checks below prove nothing.
    let canary = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"200\" height=\"50\"><text x=\"10\" y=\"20\">overlapping</text><text x=\"20\" y=\"22\">labels</text></svg><script>console.error('canary')</script>";
    let probe = load(&browser, &dir, "canary", canary, (200, 50));
    assert_eq!((probe.overlaps.len(), probe.errors.len(), probe.labels), (1, 1, 2), "the probe must see the canary's overlap and error: {probe:?}");
    let mut problems = Vec::new();
    for (name, report, size) in reports() {
        let probe = load(&browser, &dir, &name, &report, size);
        problems.extend(probe.errors.iter().map(|e| format!("{name}: {e}")));
        problems.extend(probe.overlaps.iter().map(|[a, b]| format!("{name}: label {a} overlaps label {b}")));
        if probe.labels == 0 || probe.svgs.iter().any(|&[w, h]| w == 0 || h == 0) {
            problems.push(format!("{name}: nothing rendered ({} labels, svg sizes {:?})", probe.labels, probe.svgs));
        }
        eprintln!("{name}: {} labels, {} overlapping pair(s), {} error(s)", probe.labels, probe.overlaps.len(), probe.errors.len());
    }
    assert!(problems.is_empty(), "{} problem(s) in the rendered reports (screenshots in {}):\n{}", problems.len(), dir.display(), problems.join("\n"));
}
