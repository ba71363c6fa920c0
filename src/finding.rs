//! Typed findings: what a product says is wrong, at the point where it knows the cause. A
//! finding has a kind, the SPEC ID of the document that describes it as the product's own
//! behaviour (or none: undocumented), and a detail in words for people. Nothing anywhere
//! classifies a finding by its words: campaigns count kinds and SPEC IDs.

use serde::{Deserialize, Serialize};

/// A SPEC ID (`"DM-SEED-1"`), naming the document that describes a behaviour.
pub type SpecId = &'static str;

/// What a chaos run promises.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, schemars::JsonSchema)]
pub enum Invariant {
    /// At most one node online/active (safety, checked at every instant).
    SplitBrain,
    /// No acknowledged write lost (FS-NOLOSS), unless a document describes the loss.
    Loss,
    /// In the DNS modes that promise it, no name resolves to a node that does not hold it.
    Dns,
    /// After healing: exactly one online/active, sync OK, alarms cleared, writes converged.
    Liveness,
    /// The model itself asserted something impossible (a bug in failsim or a rule conflict).
    Assertion,
}

impl Invariant {
    /// Every invariant, in the order a summary lists them.
    pub const ALL: [Invariant; 5] = [Invariant::SplitBrain, Invariant::Loss, Invariant::Dns, Invariant::Liveness, Invariant::Assertion];

    /// The invariant whose [`label`](Self::label) this is (a summary's key, read back).
    pub fn of_label(label: &str) -> Option<Invariant> {
        Invariant::ALL.into_iter().find(|i| i.label() == label)
    }

    /// The invariant's name in summaries and reports (read back by [`Invariant::of_label`]).
    pub fn label(self) -> &'static str {
        match self {
            Invariant::SplitBrain => "split brain",
            Invariant::Loss => "lost writes",
            Invariant::Dns => "DNS",
            Invariant::Liveness => "not healthy after healing",
            Invariant::Assertion => "model assertion",
        }
    }

    /// A file-name-safe form (repro file names).
    pub fn slug(self) -> &'static str {
        match self {
            Invariant::SplitBrain => "split-brain",
            Invariant::Loss => "loss",
            Invariant::Dns => "dns",
            Invariant::Liveness => "liveness",
            Invariant::Assertion => "assertion",
        }
    }
}

/// Why a system is not healthy, as a kind every product shares.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
pub enum ProblemKind {
    /// Not exactly one node online/active.
    Serving,
    /// A node's software does not run.
    NodeDown,
    /// A node's last start failed.
    StartFailed,
    /// A node's database (or other store) is down.
    StoreDown,
    /// Replication between the nodes fails.
    SyncFailing,
    /// An alarm still stands.
    AlarmStanding,
    /// Tracked writes are not everywhere yet.
    WritesPending,
    /// The product's own status banner says something is wrong.
    StatusBanner,
    /// Two nodes do the work that one should (a source polled twice).
    DuplicateWork,
}

impl ProblemKind {
    /// The kind's words in a finding's detail and a summary's classes.
    pub fn label(self) -> &'static str {
        match self {
            ProblemKind::Serving => "not exactly one node serving",
            ProblemKind::NodeDown => "a node is not running",
            ProblemKind::StartFailed => "a start failed",
            ProblemKind::StoreDown => "a database is down",
            ProblemKind::SyncFailing => "sync failing",
            ProblemKind::AlarmStanding => "an alarm stands",
            ProblemKind::WritesPending => "writes not everywhere",
            ProblemKind::StatusBanner => "status banner not healthy",
            ProblemKind::DuplicateWork => "work done twice",
        }
    }
}

/// What kind of thing broke in a finding, typed where it arises (a campaign counts findings by
/// it, and a baseline accepts it; FS-BASELINE).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
pub enum ClassKind {
    /// This many nodes online/active at once (a split brain).
    Online(u32),
    /// Writes lost by a mechanism, by the stable name the product's ledger `Cause` gives it.
    Lost(String),
    /// A health problem after healing.
    Problem(ProblemKind),
    /// One address under two names in DNS.
    TwoNames,
    /// The model asserted something impossible.
    Assertion,
}

impl std::fmt::Display for ClassKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ClassKind::Online(n) => write!(f, "{n} nodes online/active"),
            ClassKind::Lost(mechanism) => f.write_str(mechanism),
            ClassKind::Problem(kind) => f.write_str(kind.label()),
            ClassKind::TwoNames => f.write_str("address under two names"),
            ClassKind::Assertion => f.write_str("model assertion"),
        }
    }
}

/// A class of finding: its kind and the SPEC ID of the document that describes it, if one does.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Class {
    /// What broke.
    pub kind: ClassKind,
    /// The SPEC ID of the document that describes it as the product's behaviour (`None`:
    /// undocumented, so a baseline must accept it or the campaign fails).
    pub documented: Option<String>,
}

impl Class {
    /// The class of `kind`, documented by `documented` if a document describes it.
    pub fn new(kind: ClassKind, documented: Option<SpecId>) -> Self {
        Class { kind, documented: documented.map(str::to_string) }
    }
}

impl std::fmt::Display for Class {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.documented {
            Some(id) => write!(f, "{} [{id}]", self.kind),
            None => write!(f, "{}", self.kind),
        }
    }
}

/// One reason a system is not healthy now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Problem {
    pub kind: ProblemKind,
    /// The document that describes this state as the product's behaviour, if one does.
    pub documented: Option<SpecId>,
    pub detail: String,
}

impl Problem {
    pub fn new(kind: ProblemKind, detail: String) -> Self {
        Problem { kind, documented: None, detail }
    }

    pub fn documented_by(self, spec: Option<SpecId>) -> Self {
        Problem { documented: spec, ..self }
    }
}

/// A configuration the vendors' documents warn against (FS-LINT): found before a run, it does
/// not stop the run (`failsim check --deny-warnings` makes it a failure).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Warning {
    /// The document that warns, as a path in the vendor's documentation.
    pub document: &'static str,
    /// The configuration in words.
    pub message: String,
}

/// A documented rule a product models, named by its SPEC ID (FS-COVERAGE): a product's rules
/// are an enum of its own, and `ALL` is its catalog, in order.
pub trait Rule: Copy + PartialEq + 'static {
    const ALL: &'static [Self];
    fn id(self) -> SpecId;
}

/// The most rules a product's catalog may hold.
pub const MAX_RULES: usize = 16;

/// How often each rule of a product's catalog fired in a run (FS-COVERAGE): a slot per rule, by
/// its place in the catalog. The model counts where the rule decides; nothing reads a trace's
/// words to find it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Fired([u32; MAX_RULES]);

impl Fired {
    /// Out of line and cold: rules decide rarely, and the hot paths they sit in (a heartbeat's
    /// check) keep their shape (the `chaos` bench measured it).
    #[cold]
    #[inline(never)]
    pub fn fire<R: Rule>(&mut self, rule: R) {
        let slot = R::ALL.iter().position(|r| *r == rule).expect("every rule is in its catalog");
        assert!(slot < MAX_RULES, "a catalog holds at most {MAX_RULES} rules");
        self.0[slot] = self.0[slot].saturating_add(1);
    }

    /// Each rule of the catalog with how often it fired, its SPEC ID given by `id` (a product
    /// folder whose systems name one rule differently asks its system).
    pub fn counts<R: Rule>(&self, id: impl Fn(R) -> SpecId) -> Vec<(SpecId, u32)> {
        R::ALL.iter().enumerate().map(|(slot, r)| (id(*r), self.0[slot])).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, PartialEq, Debug)]
    enum Sample {
        A,
        B,
    }

    impl Rule for Sample {
        const ALL: &'static [Sample] = &[Sample::A, Sample::B];
        fn id(self) -> SpecId {
            match self {
                Sample::A => "T-A",
                Sample::B => "T-B",
            }
        }
    }

    #[test]
    fn each_rule_counts_in_its_own_slot() {
        let mut fired = Fired::default();
        fired.fire(Sample::B);
        fired.fire(Sample::B);
        assert_eq!(fired.counts(Sample::id), vec![("T-A", 0), ("T-B", 2)]);
        assert_eq!(fired.counts::<Sample>(|_| "X"), vec![("X", 0), ("X", 2)], "the ids come from the caller");
    }
}
