//! Verdicts over time: when a claim must hold (`When`), the [`Tracker`] that folds spans of
//! constant state into a verdict with the time of the first violation, and the checks every
//! product's claims share (alarms, panel items, tracked writes, lost ids). Every claim can
//! fail, and a failure says what was expected, what was there, and when. The claims themselves
//! live with their products; their file syntax with the scenario.

use crate::engine::Time;
use crate::finding::Problem;
use crate::units::Ms;
use serde::{Deserialize, Serialize};

/// `Ok`, or `Err((expected, actual))`.
pub type Verdict = Result<(), (String, String)>;

/// When a claim must hold. The state at an instant is the state after every event of that
/// instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum When {
    /// At this instant.
    At(Time),
    /// At every instant from the first to the second, inclusive.
    During(Time, Time),
    /// At some instant from the first to the second, inclusive.
    Within(Time, Time),
}

impl When {
    pub fn range(&self) -> (Time, Time) {
        match *self {
            When::At(t) => (t, t),
            When::During(a, b) | When::Within(a, b) => (a, b),
        }
    }

    pub fn latest_ms(&self) -> Time {
        self.range().1
    }
}

/// As a scenario file writes it (`At("1m10s")`, `During("8m", "12m")`), so a printed window
/// can be pasted back into `expect:` (issue 22).
impl std::fmt::Display for When {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            When::At(t) => write!(f, "At(\"{}\")", Ms(*t)),
            When::During(a, b) => write!(f, "During(\"{}\", \"{}\")", Ms(*a), Ms(*b)),
            When::Within(a, b) => write!(f, "Within(\"{}\", \"{}\")", Ms(*a), Ms(*b)),
        }
    }
}

/// A status item name must be one the product shows (case-insensitive).
pub fn known_item(item: &str, items: &[&str], what: &str) -> Result<(), String> {
    if items.iter().any(|i| i.eq_ignore_ascii_case(item)) { Ok(()) } else { Err(format!("unknown {what} `{item}`; expected one of: {}", items.join(", "))) }
}

/// Equal, or expected vs actual in their debug form.
pub fn expect<T: PartialEq + std::fmt::Debug>(expected: T, actual: T) -> Verdict {
    if expected == actual { Ok(()) } else { Err((format!("{expected:?}"), format!("{actual:?}"))) }
}

/// Where tracked writes are (records, configuration changes): each count that is set must
/// match; unset ones are not checked. Written `Records(written: 10, lost: 0)` in files.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Writes {
    #[serde(default)]
    pub written: Option<u64>,
    #[serde(default)]
    pub replicated: Option<u64>,
    #[serde(default)]
    pub pending: Option<u64>,
    #[serde(default)]
    pub lost: Option<u64>,
}

impl Writes {
    fn fields(&self) -> [(&'static str, Option<u64>); 4] {
        [("written", self.written), ("replicated", self.replicated), ("pending", self.pending), ("lost", self.lost)]
    }

    /// A claim with no count set would hold in every run: refused.
    pub fn validate(&self) -> Result<(), String> {
        if self.fields().iter().all(|(_, v)| v.is_none()) {
            return Err("this claim checks nothing: set at least one of written, replicated, pending, lost".into());
        }
        Ok(())
    }

    pub fn check(&self, s: &crate::ledger::Summary) -> Verdict {
        let got = [s.written, s.replicated, s.pending, s.lost];
        let bad: Vec<(&str, u64, u64)> = self.fields().iter().zip(got).filter_map(|((n, want), g)| want.filter(|w| *w != g).map(|w| (*n, w, g))).collect();
        if bad.is_empty() {
            return Ok(());
        }
        let show = |f: &dyn Fn(&(&str, u64, u64)) -> String| bad.iter().map(f).collect::<Vec<_>>().join(", ");
        Err((show(&|(n, w, _)| format!("{n} {w}")), show(&|(n, _, g)| format!("{n} {g}"))))
    }
}

impl std::fmt::Debug for Writes {
    /// Only the counts that are checked: `written 10, lost 0`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let set: Vec<String> = self.fields().iter().filter_map(|(n, v)| v.map(|v| format!("{n} {v}"))).collect();
        f.write_str(&set.join(", "))
    }
}

/// At most `n` nodes are `what` (no split brain).
pub fn at_most(n: u32, actual: usize, what: &str) -> Verdict {
    if actual as u32 <= n { Ok(()) } else { Err((format!("at most {n} {what}"), format!("{actual} {what}"))) }
}

/// No health problems.
/// Healthy: no problem. A failure lists each problem with the document that describes it, if
/// one does ("… (documented: CP-6)"), so a user sees which states the vendor explains.
pub fn healthy(problems: Vec<Problem>) -> Verdict {
    let described = |p: &Problem| match p.documented {
        Some(id) => format!("{} (documented: {id})", p.detail),
        None => p.detail.clone(),
    };
    if problems.is_empty() { Ok(()) } else { Err(("healthy".into(), problems.iter().map(described).collect::<Vec<_>>().join("; "))) }
}

/// Exactly the writes `ids` were lost.
/// Ids a `LostChanges([...])` claim may name: every id fits below `u32::MAX`.
pub fn valid_ids(ids: &[u32]) -> Result<(), String> {
    match ids.iter().find(|id| **id == u32::MAX) {
        Some(id) => Err(format!("record id {id} cannot exist: ids are below {}", u32::MAX)),
        None => Ok(()),
    }
}

pub fn lost_ids(s: &crate::ledger::Summary, ids: &[u32]) -> Verdict {
    same_ids(&s.losses, ids)
}

/// Exactly the tentative records `ids` were lost (never acknowledged: in none of the write
/// counts).
pub fn lost_tentative_ids(s: &crate::ledger::Summary, ids: &[u32]) -> Verdict {
    same_ids(&s.tentative_losses, ids)
}

fn same_ids(losses: &[(crate::ledger::Cause, crate::ledger::IdSet)], ids: &[u32]) -> Verdict {
    let mut lost = crate::ledger::IdSet::default();
    for range in losses.iter().flat_map(|(_, ids)| ids.ranges()) {
        lost.insert(*range);
    }
    let want = crate::ledger::IdSet::from_ids(ids.iter().copied());
    let shown = |set: &crate::ledger::IdSet| if set.is_empty() { "none lost".to_string() } else { format!("lost {set}") };
    if want == lost { Ok(()) } else { Err((shown(&want), shown(&lost))) }
}

/// An alarm whose text contains `text` is active (or, with `active: false`, is not) in
/// `console`, the console of `owner`.
pub fn alarm(console: &crate::ops::Console, owner: &str, text: &str, active: bool, severity: Option<crate::ops::Severity>) -> Verdict {
    let matching = console.matching(text, severity);
    if matching.is_empty() != active {
        return Ok(());
    }
    let sev = severity.map_or(String::new(), |s| format!("{} ", s.label()));
    let expected = format!("{} {sev}alarm containing \"{text}\" on {owner}", if active { "an active" } else { "no active" });
    let shown: Vec<String> =
        if active { console.active().collect() } else { matching }.iter().map(|a| format!("{} \"{}\"", a.severity.label(), a.text)).collect();
    Err((expected, if shown.is_empty() { "no active alarms".into() } else { format!("active: {}", shown.join("; ")) }))
}

/// An item of `node`'s column in a status panel has the value `is` (`"absent"`: not shown).
pub fn panel_item(panel: &crate::ops::Panel, node: &str, item: &str, is: &str) -> Verdict {
    let column = panel.columns.iter().find(|c| c.node == node);
    let actual = column.and_then(|c| c.get(item)).unwrap_or("absent");
    if actual.eq_ignore_ascii_case(is) { Ok(()) } else { Err((format!("{item} of {node} = {is} ({})", panel.title), format!("{item} = {actual}"))) }
}

/// A claim that did not hold.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Failure {
    /// When the claim was seen not to hold (for a claim at an instant, that instant).
    pub at_ms: Time,
    /// What the claim wanted, in the report's words.
    pub expected: String,
    /// What the run showed instead.
    pub actual: String,
}

/// Tracks one expectation through a run. The runner calls [`Tracker::observe`] once per span
/// of time over which the state is constant; the tracker decides which spans matter.
#[derive(Clone, Debug)]
pub struct Tracker {
    when: When,
    /// `Some(Ok)` decided true, `Some(Err)` decided false; `None` still open.
    verdict: Option<Result<(), Failure>>,
    last_miss: Option<Failure>,
}

impl Tracker {
    pub fn new(when: When) -> Self {
        Tracker { when, verdict: None, last_miss: None }
    }

    /// The state holds over `[from, to)`; `eval` checks the claim against it.
    pub fn observe(&mut self, from: Time, to: Time, eval: impl FnOnce() -> Result<(), (String, String)>) {
        let (a, b) = self.when.range();
        if self.verdict.is_some() || to <= a || from > b {
            return;
        }
        let at = from.max(a);
        let result = eval().map_err(|(expected, actual)| Failure { at_ms: at, expected, actual });
        match (self.when, result) {
            (When::At(_), r) => self.verdict = Some(r),
            (When::During(..), Err(f)) => self.verdict = Some(Err(f)),
            (When::During(..), Ok(())) => {}
            (When::Within(..), Ok(())) => self.verdict = Some(Ok(())),
            (When::Within(..), Err(f)) => self.last_miss = Some(f),
        }
    }

    /// The verdict once the run is over.
    pub fn finish(self) -> Result<(), Failure> {
        match (self.verdict, self.when) {
            (Some(v), _) => v,
            (None, When::During(..)) => Ok(()),
            (None, When::Within(..)) => Err(self.last_miss.unwrap_or(Failure {
                at_ms: self.when.latest_ms(),
                expected: "to hold at some instant".into(),
                actual: "never observed".into(),
            })),
            (None, When::At(t)) => Err(Failure { at_ms: t, expected: "a state at this instant".into(), actual: "the run ended before it".into() }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok() -> Result<(), (String, String)> {
        Ok(())
    }
    fn no() -> Result<(), (String, String)> {
        Err(("x".into(), "y".into()))
    }

    #[test]
    fn at_takes_the_span_containing_the_instant() {
        let mut t = Tracker::new(When::At(10));
        t.observe(0, 10, no);
        t.observe(10, 20, ok);
        t.observe(20, 30, no);
        assert_eq!(t.finish(), Ok(()));
    }

    #[test]
    fn during_fails_at_the_first_bad_span_with_its_time() {
        let mut t = Tracker::new(When::During(5, 50));
        t.observe(0, 4, no);
        t.observe(4, 30, ok);
        t.observe(30, 60, no);
        assert_eq!(t.finish().unwrap_err().at_ms, 30);
    }

    #[test]
    fn within_needs_one_good_span() {
        let mut t = Tracker::new(When::Within(5, 50));
        t.observe(0, 40, no);
        assert!(t.clone().finish().is_err());
        t.observe(40, 60, ok);
        assert_eq!(t.finish(), Ok(()));
        let mut late = Tracker::new(When::Within(5, 50));
        late.observe(0, 51, no);
        late.observe(51, 60, ok);
        assert!(late.finish().is_err(), "a good span after the interval does not count");
    }
}
