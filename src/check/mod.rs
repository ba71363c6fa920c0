//! Expectations: claims about what an operator sees, checked at an instant or over an interval.
//! Every claim can fail, and a failure says what was expected, what was there, and when.

pub mod activestandby;
pub mod checkpoint;
pub mod dataminer;

use crate::engine::{Ms, Time};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::cell::Cell;

/// `Ok`, or `Err((expected, actual))`.
pub type Verdict = Result<(), (String, String)>;

/// Which product's claims a scenario's expectations speak (set while parsing, from `system`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vocabulary {
    DataMiner,
    /// MRS Manager and FlinkServer.
    ActiveStandby,
    CheckPoint,
}

thread_local! {
    static VOCABULARY: Cell<Vocabulary> = const { Cell::new(Vocabulary::DataMiner) };
}

/// Parses claims in `vocabulary` while `f` runs.
pub fn with_vocabulary<T>(vocabulary: Vocabulary, f: impl FnOnce() -> T) -> T {
    let before = VOCABULARY.with(|v| v.replace(vocabulary));
    let out = f();
    VOCABULARY.with(|v| v.set(before));
    out
}

/// A claim in the vocabulary of the scenario's system. In files it is written bare
/// (`Role(Backup, Online)`): the system says which vocabulary applies, so a DataMiner claim in
/// a Check Point scenario is an error that lists the Check Point claims.
#[derive(Clone, PartialEq, Eq)]
pub enum Claim {
    DataMiner(dataminer::Claim),
    ActiveStandby(activestandby::Claim),
    CheckPoint(checkpoint::Claim),
}

impl Claim {
    pub fn validate(&self) -> Result<(), String> {
        match self {
            Claim::DataMiner(c) => c.validate(),
            Claim::ActiveStandby(c) => c.validate(),
            Claim::CheckPoint(c) => c.validate(),
        }
    }
}

impl std::fmt::Debug for Claim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Claim::DataMiner(c) => c.fmt(f),
            Claim::ActiveStandby(c) => c.fmt(f),
            Claim::CheckPoint(c) => c.fmt(f),
        }
    }
}

impl Serialize for Claim {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            Claim::DataMiner(c) => c.serialize(s),
            Claim::ActiveStandby(c) => c.serialize(s),
            Claim::CheckPoint(c) => c.serialize(s),
        }
    }
}

impl<'de> Deserialize<'de> for Claim {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match VOCABULARY.with(Cell::get) {
            Vocabulary::DataMiner => dataminer::Claim::deserialize(d).map(Claim::DataMiner),
            Vocabulary::ActiveStandby => activestandby::Claim::deserialize(d).map(Claim::ActiveStandby),
            Vocabulary::CheckPoint => checkpoint::Claim::deserialize(d).map(Claim::CheckPoint),
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// The SPEC IDs this expectation checks.
    pub ids: Vec<String>,
    pub when: When,
    pub that: Claim,
}

/// When a claim must hold. The state at an instant is the state after every event of that
/// instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawWhen")]
pub enum When {
    /// At this instant.
    At(Ms),
    /// At every instant from the first to the second, inclusive.
    During(Ms, Ms),
    /// At some instant from the first to the second, inclusive.
    Within(Ms, Ms),
}

#[derive(Deserialize)]
enum RawWhen {
    At(Ms),
    During(Ms, Ms),
    Within(Ms, Ms),
}

impl TryFrom<RawWhen> for When {
    type Error = String;
    fn try_from(raw: RawWhen) -> Result<Self, String> {
        let when = match raw {
            RawWhen::At(t) => When::At(t),
            RawWhen::During(a, b) => When::During(a, b),
            RawWhen::Within(a, b) => When::Within(a, b),
        };
        let (from, to) = when.range();
        if from > to {
            return Err(format!("the interval starts at {} after it ends at {}", Ms(from), Ms(to)));
        }
        crate::scenario::check_time(Ms(to), "this expectation")?;
        Ok(when)
    }
}

impl When {
    pub fn range(&self) -> (Time, Time) {
        match *self {
            When::At(t) => (t.0, t.0),
            When::During(a, b) | When::Within(a, b) => (a.0, b.0),
        }
    }

    pub fn latest_ms(&self) -> Time {
        self.range().1
    }
}

impl std::fmt::Display for When {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            When::At(t) => write!(f, "at {t}"),
            When::During(a, b) => write!(f, "during {a}..{b}"),
            When::Within(a, b) => write!(f, "within {a}..{b}"),
        }
    }
}

impl Expectation {
    pub fn validate(&self) -> Result<(), String> {
        if self.ids.is_empty() {
            return Err("an expectation must name the SPEC IDs it checks (`ids: [...]`)".into());
        }
        self.that.validate()
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
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
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
pub fn healthy(problems: Vec<String>) -> Verdict {
    if problems.is_empty() { Ok(()) } else { Err(("healthy".into(), problems.join("; "))) }
}

/// Exactly the writes `ids` were lost.
pub fn lost_ids(s: &crate::ledger::Summary, ids: &[u32]) -> Verdict {
    let mut lost: Vec<u32> = s.losses.iter().flat_map(|(_, ids)| ids.iter().copied()).collect();
    lost.sort();
    let mut want = ids.to_vec();
    want.sort();
    expect(want, lost)
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
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Failure {
    pub at_ms: Time,
    pub expected: String,
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
            (None, When::At(t)) => Err(Failure { at_ms: t.0, expected: "a state at this instant".into(), actual: "the run ended before it".into() }),
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
        let mut t = Tracker::new(When::At(Ms(10)));
        t.observe(0, 10, no);
        t.observe(10, 20, ok);
        t.observe(20, 30, no);
        assert_eq!(t.finish(), Ok(()));
    }

    #[test]
    fn during_fails_at_the_first_bad_span_with_its_time() {
        let mut t = Tracker::new(When::During(Ms(5), Ms(50)));
        t.observe(0, 4, no);
        t.observe(4, 30, ok);
        t.observe(30, 60, no);
        assert_eq!(t.finish().unwrap_err().at_ms, 30);
    }

    #[test]
    fn within_needs_one_good_span() {
        let mut t = Tracker::new(When::Within(Ms(5), Ms(50)));
        t.observe(0, 40, no);
        assert!(t.clone().finish().is_err());
        t.observe(40, 60, ok);
        assert_eq!(t.finish(), Ok(()));
        let mut late = Tracker::new(When::Within(Ms(5), Ms(50)));
        late.observe(0, 51, no);
        late.observe(51, 60, ok);
        assert!(late.finish().is_err(), "a good span after the interval does not count");
    }
}
