//! Baselines (FS-BASELINE): the finding classes a team accepts, each with a reason and a
//! reference (a SPEC ID or a ticket), so that a CI gates on chaos: a campaign passes when every
//! finding is documented or accepted, fails on anything new, and says which accepted classes
//! no longer occur (so a fixed bug can leave the baseline).
//!
//! ```ron
//! Baseline(
//!     accept: [
//!         (invariant: SplitBrain, class: Online(2), reason: "a 1 s split brain after …", reference: Ticket("OPS-123")),
//!     ],
//! )
//! ```

use super::campaign::Summary;
use crate::finding::{Class, ClassKind, Invariant};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The classes a campaign accepts.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields, rename = "Baseline")]
pub struct Baseline {
    /// The accepted classes; a class appears at most once (a repeat is refused when read).
    pub accept: Vec<Accepted>,
}

/// One accepted class of finding: undocumented runs of this invariant with this class pass.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Accepted {
    /// The invariant whose findings it accepts.
    pub invariant: Invariant,
    /// The kind of finding within that invariant (a problem kind or a loss mechanism).
    pub class: ClassKind,
    /// Why it is accepted, for the next person who reads the file.
    pub reason: String,
    /// Where the class is explained; never empty.
    pub reference: Reference,
}

/// Where an accepted class is explained.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Reference {
    /// A SPEC ID (`"DM-SPLIT"`).
    Spec(String),
    /// A ticket in the team's tracker (`"OPS-123"`, a URL).
    Ticket(String),
}

impl std::fmt::Display for Reference {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reference::Spec(id) => write!(f, "SPEC {id}"),
            Reference::Ticket(t) => write!(f, "ticket {t}"),
        }
    }
}

/// A class as a baseline names it: an invariant and a kind.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Key {
    /// The invariant broken.
    pub invariant: Invariant,
    /// The class of what broke.
    pub kind: ClassKind,
}

impl std::fmt::Display for Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.invariant.label(), self.kind)
    }
}

impl Baseline {
    /// Reads a baseline file: a syntax error is located (`file:line:col`); an entry without a
    /// reason or a reference, or one repeated, names its place in the list.
    pub fn read(path: &Path) -> Result<Baseline, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        Baseline::parse(path, &text)
    }

    /// Parses a baseline's text; `path` only names the file in errors. The checks are those of
    /// [`Baseline::read`].
    pub fn parse(path: &Path, text: &str) -> Result<Baseline, String> {
        let b: Baseline = ron::Options::default().from_str(text).map_err(|e| {
            format!(
                "{}:{}:{}: not a baseline: {} (expected `Baseline(accept: [(invariant: SplitBrain, class: Online(2), reason: \"…\", reference: Ticket(\"…\")), …])`)",
                path.display(),
                e.span.start.line,
                e.span.start.col,
                e.code
            )
        })?;
        for (i, a) in b.accept.iter().enumerate() {
            let at = format!("{}: accept[{i}] ({})", path.display(), a.key());
            if a.reason.trim().is_empty() {
                return Err(format!("{at}: the reason is empty; say why this class is accepted"));
            }
            if matches!(&a.reference, Reference::Spec(r) | Reference::Ticket(r) if r.trim().is_empty()) {
                return Err(format!("{at}: the reference is empty; name a SPEC ID or a ticket"));
            }
            if b.accept[..i].iter().any(|earlier| earlier.key() == a.key()) {
                return Err(format!("{at}: accepted twice"));
            }
        }
        Ok(b)
    }

    /// The baseline that accepts every class the summary's undocumented runs show (for
    /// `--write-baseline`), each with a reason and a reference to fill in.
    pub fn of(summary: &Summary, found_by: &str) -> Baseline {
        let mut keys: Vec<Key> = unexplained(summary).map(|(key, _)| key).collect();
        keys.dedup();
        let accept = keys
            .into_iter()
            .map(|k| Accepted {
                invariant: k.invariant,
                class: k.kind,
                reason: format!("found by `{found_by}`: say why it is accepted"),
                reference: Reference::Ticket("TODO".into()),
            })
            .collect();
        Baseline { accept }
    }

    /// The baseline as a file, in the form [`Baseline::read`] reads back (`--write-baseline`).
    pub fn to_ron(&self) -> String {
        let pretty = ron::ser::PrettyConfig::new().struct_names(true);
        ron::ser::to_string_pretty(self, pretty).expect("a baseline serializes") + "\n"
    }

    fn accepts(&self, key: &Key) -> bool {
        self.accept.iter().any(|a| a.key() == *key)
    }
}

impl Accepted {
    /// The class this entry accepts, as a campaign's findings are matched against it.
    pub fn key(&self) -> Key {
        Key { invariant: self.invariant, kind: self.class.clone() }
    }
}

/// The undocumented classes of the runs the documents do not explain, in order, each with the
/// runs it appeared in.
fn unexplained(summary: &Summary) -> impl Iterator<Item = (Key, u64)> + '_ {
    summary.by_invariant.iter().flat_map(|(label, stats)| {
        let invariant = Invariant::of_label(label);
        stats.unexplained.iter().filter(|(c, _)| c.documented.is_none()).filter_map(move |(c, n)| invariant.map(|i| (key(i, c), *n)))
    })
}

fn key(invariant: Invariant, class: &Class) -> Key {
    Key { invariant, kind: class.kind.clone() }
}

/// A campaign's verdict against a baseline.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Verdict {
    /// Undocumented classes the baseline does not accept, with their runs: these fail.
    pub new: Vec<(Key, u64)>,
    /// Undocumented classes the baseline accepts, with their runs.
    pub accepted: Vec<(Key, u64)>,
    /// Accepted classes that no longer occur (said only of a complete campaign).
    pub gone: Vec<Accepted>,
    /// Seeds whose two runs differed: never accepted.
    pub nondeterministic: usize,
}

impl Verdict {
    /// A campaign passes when every finding is documented or accepted and every run was
    /// deterministic.
    pub fn passed(&self) -> bool {
        self.new.is_empty() && self.nondeterministic == 0
    }

    /// The verdict's lines for a report: what is new, what was accepted, what no longer occurs.
    pub fn text(&self) -> String {
        let mut out = String::new();
        for (key, runs) in &self.accepted {
            out += &format!("accepted by the baseline: {key} ({runs} run(s))\n");
        }
        for (key, runs) in &self.new {
            out += &format!("NEW (neither documented nor in the baseline): {key} ({runs} run(s))\n");
        }
        if !self.gone.is_empty() {
            let gone: Vec<String> = self.gone.iter().map(|a| format!("{} ({})", a.key(), a.reference)).collect();
            out += &format!("accepted but no longer found (remove from the baseline?): {}\n", gone.join("; "));
        }
        out
    }
}

/// Judges a summary: each undocumented class is accepted by the baseline or new. A run that
/// the documents do not explain passes only when each of its undocumented classes is accepted.
pub fn judge(summary: &Summary, baseline: Option<&Baseline>) -> Verdict {
    let mut verdict = Verdict { nondeterministic: summary.nondeterministic.len(), ..Verdict::default() };
    for (key, runs) in unexplained(summary) {
        match baseline.is_some_and(|b| b.accepts(&key)) {
            true => verdict.accepted.push((key, runs)),
            false => verdict.new.push((key, runs)),
        }
    }
    if let Some(b) = baseline.filter(|_| summary.complete()) {
        let seen: Vec<Key> = unexplained(summary).map(|(key, _)| key).collect();
        verdict.gone = b.accept.iter().filter(|a| !seen.contains(&a.key())).cloned().collect();
    }
    verdict
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chaos::campaign::InvariantStats;
    use crate::finding::ProblemKind;

    /// A complete summary with these classes, each in one undocumented run or not.
    fn summary(classes: &[(Invariant, ClassKind, Option<&str>)]) -> Summary {
        let mut s = Summary::default();
        for (invariant, kind, documented) in classes {
            let stats: &mut InvariantStats = s.by_invariant.entry(invariant.label().to_string()).or_default();
            let class = Class { kind: kind.clone(), documented: documented.map(str::to_string) };
            stats.classes.insert(class.clone(), 1);
            if documented.is_none() {
                stats.unexplained.insert(class, 1);
            }
        }
        s
    }

    fn accept(invariant: Invariant, class: ClassKind) -> Accepted {
        Accepted { invariant, class, reason: "r".into(), reference: Reference::Ticket("T-1".into()) }
    }

    #[test]
    fn a_campaign_passes_when_every_undocumented_class_is_accepted() {
        let s = summary(&[(Invariant::SplitBrain, ClassKind::Online(2), None), (Invariant::Loss, ClassKind::Lost("m".into()), Some("CP-5"))]);
        let none = judge(&s, None);
        assert_eq!(none.new, vec![(Key { invariant: Invariant::SplitBrain, kind: ClassKind::Online(2) }, 1)], "documented classes are never new");
        assert!(!none.passed(), "an undocumented class without a baseline fails");
        let b = Baseline { accept: vec![accept(Invariant::SplitBrain, ClassKind::Online(2))] };
        let v = judge(&s, Some(&b));
        assert!(v.passed() && v.new.is_empty() && v.gone.is_empty(), "{v:?}");
        assert_eq!(v.accepted.len(), 1, "{v:?}");
        let elsewhere = Baseline { accept: vec![accept(Invariant::Liveness, ClassKind::Online(2))] };
        assert!(!judge(&s, Some(&elsewhere)).passed(), "a class is accepted for its own invariant only");
    }

    #[test]
    fn accepted_classes_no_longer_found_are_named_only_for_a_complete_campaign() {
        let mut s = summary(&[(Invariant::Liveness, ClassKind::Problem(ProblemKind::SyncFailing), Some("DM-X"))]);
        let gone = accept(Invariant::Liveness, ClassKind::Problem(ProblemKind::SyncFailing));
        let b = Baseline { accept: vec![gone.clone()] };
        assert_eq!(judge(&s, Some(&b)).gone, vec![gone.clone()], "only documented now: the acceptance is no longer needed");
        s.campaign.seeds = 0..10;
        assert!(judge(&s, Some(&b)).gone.is_empty(), "an unfinished campaign may still find it");
        s.done_until = 10;
        assert_eq!(judge(&s, Some(&b)).gone, vec![gone]);
        s.nondeterministic.push(3);
        assert!(!judge(&s, Some(&b)).passed(), "a nondeterministic run is never accepted");
    }

    #[test]
    fn the_verdict_says_what_is_new_accepted_and_gone() {
        let s = summary(&[(Invariant::SplitBrain, ClassKind::Online(2), None), (Invariant::Dns, ClassKind::TwoNames, None)]);
        let gone = Accepted { reference: Reference::Spec("DM-X".into()), ..accept(Invariant::Loss, ClassKind::Lost("m".into())) };
        let b = Baseline { accept: vec![accept(Invariant::SplitBrain, ClassKind::Online(2)), gone] };
        let text = judge(&s, Some(&b)).text();
        let want = "accepted by the baseline: split brain: 2 nodes online/active (1 run(s))\n\
                    NEW (neither documented nor in the baseline): DNS: address under two names (1 run(s))\n\
                    accepted but no longer found (remove from the baseline?): lost writes: m (SPEC DM-X)\n";
        assert_eq!(text, want);
        assert_eq!(Reference::Ticket("T-9".into()).to_string(), "ticket T-9");
        assert_eq!(judge(&Summary::default(), None).text(), "", "nothing to say of a clean campaign");
    }

    #[test]
    fn a_baseline_file_is_read_from_disk() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b.ron");
        std::fs::write(&path, "Baseline(accept: [(invariant: Dns, class: TwoNames, reason: \"r\", reference: Spec(\"A\"))])").unwrap();
        assert_eq!(
            Baseline::read(&path).unwrap().accept,
            vec![Accepted { reference: Reference::Spec("A".into()), ..accept(Invariant::Dns, ClassKind::TwoNames) }]
        );
        let missing = Baseline::read(&dir.path().join("none.ron")).unwrap_err();
        assert!(missing.contains("none.ron: "), "{missing}");
    }

    #[test]
    fn a_written_baseline_reads_back_and_accepts_what_it_was_written_from() {
        let s = summary(&[(Invariant::SplitBrain, ClassKind::Online(2), None), (Invariant::Dns, ClassKind::TwoNames, None)]);
        let b = Baseline::of(&s, "failsim chaos x");
        let text = b.to_ron();
        let read = Baseline::parse(Path::new("b.ron"), &text).expect("reads back");
        assert_eq!(read, b, "{text}");
        assert_eq!(read.accept.len(), 2, "{text}");
        assert!(judge(&s, Some(&read)).passed());
    }
}
