//! `failsim chaos merge` (FS-MERGE): the summaries of a campaign's shards, run anywhere, merged
//! into exactly the summary of the unsharded campaign — the same JSON, byte for byte, but for
//! the wall-clock `timing`. Shards of different campaigns, a shard given twice, a missing or an
//! unfinished one are errors: a merged result never looks complete when it is not.

use super::campaign::{Finding, InvariantStats, KEPT_FINDINGS, Summary, better_example};
use super::store::{SummaryFile, Timing, describe, differences};

/// Merges the summaries of every shard of one campaign (`name` says where each came from).
pub fn merge(files: &[(String, SummaryFile)]) -> Result<SummaryFile, String> {
    let Some((_, first)) = files.first() else {
        return Err("chaos merge: no summary given".into());
    };
    check_shards(files)?;
    let mut merged = Summary { campaign: first.summary.campaign.clone(), ..Summary::default() };
    merged.campaign.shard = None;
    merged.done_until = merged.campaign.seeds.end;
    let mut wall_ms = 0u64;
    for (_, f) in files {
        add(&mut merged, &f.summary);
        wall_ms = wall_ms.saturating_add(f.timing.wall_ms);
    }
    // Findings and nondeterministic seeds come in seed order, as one campaign folds them.
    merged.findings.sort_by_key(|f| f.seed);
    merged.findings.truncate(KEPT_FINDINGS);
    merged.nondeterministic.sort_unstable();
    Ok(SummaryFile { timing: Timing::new(merged.runs, wall_ms), summary: merged })
}

/// Every shard of one campaign, once each, each complete.
fn check_shards(files: &[(String, SummaryFile)]) -> Result<(), String> {
    let (first_name, first) = &files[0];
    let id = &first.summary.campaign;
    for (name, f) in files {
        let mut other = f.summary.campaign.clone();
        other.shard = id.shard;
        let differs = differences(&other, id);
        if !differs.is_empty() {
            return Err(format!("chaos merge: {name} and {first_name} are different campaigns: {}", differs.join("; ")));
        }
        if !f.summary.complete() {
            return Err(format!(
                "chaos merge: {name} is unfinished ({}: seeds done up to {}); finish it with `failsim chaos … --resume DIR`",
                describe(&f.summary.campaign),
                f.summary.done_until
            ));
        }
    }
    let Some(n) = id.shard.map(|s| s.n) else {
        return match files.len() {
            1 => Ok(()),
            _ => Err(format!("chaos merge: {first_name} is a whole campaign (no --shard), so it overlaps every other summary")),
        };
    };
    let mut holder: Vec<Option<&str>> = vec![None; usize::try_from(n).map_err(|_| "chaos merge: too many shards")?];
    for (name, f) in files {
        let Some(shard) = f.summary.campaign.shard.filter(|s| s.n == n) else {
            let theirs = f.summary.campaign.shard.map_or("no shard".to_string(), |s| format!("shard {s}"));
            return Err(format!("chaos merge: {name} has {theirs}, {first_name} is one of {n} shards: the shards overlap"));
        };
        let slot = &mut holder[usize::try_from(shard.k - 1).expect("k <= n fits")];
        if let Some(earlier) = slot {
            return Err(format!("chaos merge: shard {shard} is given twice ({earlier} and {name}): the shards overlap"));
        }
        *slot = Some(name);
    }
    let missing: Vec<String> = holder.iter().enumerate().filter(|(_, h)| h.is_none()).map(|(i, _)| format!("{}/{n}", i + 1)).collect();
    if !missing.is_empty() {
        return Err(format!("chaos merge: shard(s) {} missing: the merged campaign would have gaps", missing.join(", ")));
    }
    Ok(())
}

fn add(merged: &mut Summary, s: &Summary) {
    merged.runs += s.runs;
    merged.events += s.events;
    merged.downtime_ms_total += s.downtime_ms_total;
    merged.downtime_ms_max = merged.downtime_ms_max.max(s.downtime_ms_max);
    merged.split_brain_ms_total += s.split_brain_ms_total;
    merged.switches_total += s.switches_total;
    for (id, r) in &s.rules {
        let m = merged.rules.entry(id.clone()).or_default();
        m.runs += r.runs;
        m.hits += r.hits;
    }
    merged.findings.extend(s.findings.iter().cloned());
    merged.nondeterministic.extend(&s.nondeterministic);
    for (label, stats) in &s.by_invariant {
        add_stats(merged.by_invariant.entry(label.clone()).or_default(), stats);
    }
}

fn add_stats(merged: &mut InvariantStats, s: &InvariantStats) {
    merged.runs += s.runs;
    merged.documented += s.documented;
    for (class, n) in &s.classes {
        *merged.classes.entry(class.clone()).or_default() += n;
    }
    for (class, n) in &s.unexplained {
        *merged.unexplained.entry(class.clone()).or_default() += n;
    }
    if let Some(example) = &s.example
        && replaces(example, merged.example.as_ref())
    {
        merged.example = Some(example.clone());
        merged.shrunk_faults = s.shrunk_faults;
        merged.repro = s.repro.clone();
    }
}

/// Whether a shard's example replaces the one so far: shards hold different seeds, so the
/// campaign's choice is the lower seed among equals (undocumented first).
fn replaces(new: &Finding, old: Option<&Finding>) -> bool {
    match old {
        None => true,
        Some(old) if better_example(new, Some(old)) => true,
        Some(old) => old.violation.documented.is_some() == new.violation.documented.is_some() && new.seed < old.seed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chaos::campaign::Shard;
    use crate::chaos::{Invariant, Violation};

    fn finding(seed: u64, documented: Option<&str>) -> Finding {
        let violation = Violation {
            invariant: Invariant::SplitBrain,
            system: String::new(),
            at_ms: 0,
            duration_ms: None,
            classes: Vec::new(),
            detail: String::new(),
            documented: documented.map(str::to_string),
        };
        Finding { seed, violation, faults: 1 }
    }

    /// Shard k of n over 0..10, complete, with these findings (each its invariant's example when
    /// it is the better one).
    fn shard(k: u64, n: u64, findings: &[Finding]) -> (String, SummaryFile) {
        let mut s = Summary { done_until: 10, ..Summary::default() };
        s.campaign.seeds = 0..10;
        s.campaign.shard = Some(Shard::new(k, n).unwrap());
        s.runs = 10 / n;
        (s.events, s.downtime_ms_total, s.downtime_ms_max, s.split_brain_ms_total, s.switches_total) = (100 * k, 10 * k, 5 * k, 3 * k, 2 * k);
        s.rules.insert("R-1".into(), crate::chaos::RuleStats { runs: k, hits: 2 * k });
        s.nondeterministic.push(k);
        for f in findings {
            let stats = s.by_invariant.entry("split brain".into()).or_default();
            stats.runs += 1;
            stats.documented += u64::from(f.violation.documented.is_some());
            let class = crate::chaos::Class::new(crate::chaos::ClassKind::Online(2), None);
            *stats.classes.entry(class.clone()).or_default() += 1;
            *stats.unexplained.entry(class).or_default() += u64::from(f.violation.documented.is_none());
            if better_example(f, stats.example.as_ref()) {
                stats.example = Some(f.clone());
                stats.repro = Some(format!("repro-{}", f.seed));
            }
            s.findings.push(f.clone());
        }
        (format!("s{k}"), SummaryFile { summary: s, timing: Timing { wall_ms: 1000, runs_per_second: 5 } })
    }

    #[test]
    fn the_merged_example_is_the_lowest_undocumented_seed_and_findings_come_in_seed_order() {
        let files = [shard(1, 2, &[finding(2, Some("D")), finding(8, None)]), shard(2, 2, &[finding(1, Some("D")), finding(5, None)])];
        let merged = merge(&files).unwrap();
        let stats = &merged.summary.by_invariant["split brain"];
        assert_eq!(stats.example.as_ref().map(|f| f.seed), Some(5), "the lowest undocumented seed");
        assert_eq!(stats.repro.as_deref(), Some("repro-5"), "with its repro");
        assert_eq!((stats.runs, stats.documented), (4, 2));
        assert_eq!(stats.classes.values().collect::<Vec<_>>(), [&4], "class counts add up");
        assert_eq!(stats.unexplained.values().collect::<Vec<_>>(), [&2]);
        assert_eq!(merged.summary.findings.iter().map(|f| f.seed).collect::<Vec<_>>(), [1, 2, 5, 8]);
        assert_eq!((merged.summary.campaign.shard, merged.summary.done_until, merged.summary.runs), (None, 10, 10));
        assert_eq!(merged.timing, Timing { wall_ms: 2000, runs_per_second: 5 });
        let m = &merged.summary;
        assert_eq!((m.events, m.downtime_ms_total, m.downtime_ms_max, m.split_brain_ms_total, m.switches_total), (300, 30, 10, 9, 6), "sums, and the max");
        assert_eq!(m.rules["R-1"], crate::chaos::RuleStats { runs: 3, hits: 6 });
        assert_eq!(m.nondeterministic, [1, 2]);
        // The example whatever order the shards come in: (first shard's, second's, the merged).
        let cases = [
            (finding(4, Some("D")), finding(3, Some("D")), 3),
            (finding(1, Some("D")), finding(2, Some("D")), 1),
            (finding(1, Some("D")), finding(8, None), 8),
            (finding(8, None), finding(1, Some("D")), 8),
            (finding(3, None), finding(6, None), 3),
        ];
        for (a, b, want) in cases {
            let merged = merge(&[shard(1, 2, std::slice::from_ref(&a)), shard(2, 2, std::slice::from_ref(&b))]).unwrap();
            let got = merged.summary.by_invariant["split brain"].example.as_ref().map(|f| f.seed);
            assert_eq!(got, Some(want), "{a:?} and {b:?}: the lowest undocumented seed, else the lowest documented one");
        }
    }

    #[test]
    fn overlaps_gaps_and_unfinished_shards_are_refused() {
        let err = |files: &[(String, SummaryFile)]| merge(files).unwrap_err();
        assert!(err(&[]).contains("no summary"));
        assert!(err(&[shard(1, 3, &[]), shard(1, 3, &[])]).contains("shard 1/3 is given twice (s1 and s1)"));
        assert!(err(&[shard(1, 3, &[]), shard(3, 3, &[])]).contains("shard(s) 2/3 missing"));
        assert!(err(&[shard(1, 2, &[]), shard(2, 3, &[])]).contains("has shard 2/3, s1 is one of 2 shards"));
        let mut unfinished = shard(2, 2, &[]);
        unfinished.1.summary.done_until = 7;
        assert!(err(&[shard(1, 2, &[]), unfinished]).contains("s2 is unfinished"));
        let mut other = shard(2, 2, &[]);
        other.1.summary.campaign.setup = "x".into();
        assert!(err(&[shard(1, 2, &[]), other]).contains("different campaigns: configuration (hash) x there"));
        let mut whole = shard(1, 1, &[]);
        whole.1.summary.campaign.shard = None;
        assert!(merge(std::slice::from_ref(&whole)).is_ok(), "a whole campaign merges into itself");
        assert!(err(&[whole.clone(), whole]).contains("a whole campaign"));
    }
}
