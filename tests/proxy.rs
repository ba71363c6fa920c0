//! DM-PROXY: in shared-hostname mode who serves a request follows each agent's reverse proxy.
//! The static-rule scenario, run with each kind of rule and on a version before RN 34606, shows
//! what each rule does to clients that resolve the offline agent's address.

use std::path::Path;

const FILE: &str = "scenarios/dm-proxy-static-rule.ron";

/// The scenario with each `from` replaced by its `to`, run.
fn with(changes: &[(&str, &str)]) -> failsim::Outcome {
    let src = changes.iter().fold(std::fs::read_to_string(FILE).expect("the scenario exists"), |s, (from, to)| s.replace(from, to));
    failsim::run(&failsim::parse(Path::new(FILE), &src).expect("parses"), None).expect("runs")
}

const RULE: &str = "reverse_proxy: Static(Main)";
const SYSTEM: &str = "system: DataMiner(";

/// Who served each lookup of the batch at `at_ms`, by the address it was sent to ("-": nobody).
fn served(o: &failsim::Outcome, at_ms: u64) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = o
        .timeline
        .iter()
        .filter(|l| l.at_ms == at_ms && l.text.starts_with("lookup DMA-SHARED -> "))
        .map(|l| {
            let rest = l.text.trim_start_matches("lookup DMA-SHARED -> ");
            let (ip, by) = rest.split_once(" (served by ").map_or((rest, "-"), |(ip, by)| (ip, by.trim_end_matches(')')));
            (ip.to_string(), by.to_string())
        })
        .collect();
    out.sort();
    out.dedup();
    out
}

fn pairs(p: &[(&str, &str)]) -> Vec<(String, String)> {
    p.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
}

#[test]
fn a_managed_proxy_serves_every_address_from_the_online_agent_after_a_switch() {
    let o = with(&[(RULE, "reverse_proxy: Managed")]);
    assert_eq!(served(&o, 30_000), pairs(&[("10.10.10.1", "DMA-MAIN"), ("10.10.10.2", "DMA-MAIN")]));
    assert_eq!(served(&o, 480_000), pairs(&[("10.10.10.1", "DMA-BACKUP"), ("10.10.10.2", "DMA-BACKUP")]));
    assert_eq!(o.metrics.downtime_ms, 2 * 382_000, "only the two switches");
    assert_eq!(o.metrics.degraded_ms, 2 * 382_000);
}

#[test]
fn a_missing_rule_leaves_the_offline_agents_address_unserved() {
    let o = with(&[(RULE, "reverse_proxy: Missing")]);
    assert_eq!(served(&o, 30_000), pairs(&[("10.10.10.1", "DMA-MAIN"), ("10.10.10.2", "-")]));
    assert_eq!(served(&o, 480_000), pairs(&[("10.10.10.1", "-"), ("10.10.10.2", "DMA-BACKUP")]));
    assert_eq!(o.metrics.downtime_ms, 2 * 382_000, "one way always leads to the online agent, outside the switches");
    assert_eq!(o.metrics.degraded_ms, 17 * 60_000, "the other way never does");
}

#[test]
fn a_managed_proxy_needs_rn_34606_on_the_agent() {
    let old = r#"system: DataMiner(main: (version: "10.2.0 CU8"), backup: (version: "10.2.0 CU8"), "#;
    let o = with(&[(RULE, "reverse_proxy: Managed"), (SYSTEM, old)]);
    assert_eq!(served(&o, 30_000), pairs(&[("10.10.10.1", "DMA-MAIN"), ("10.10.10.2", "-")]), "no rule before 10.2.0 CU9");
    let fixed = r#"system: DataMiner(main: (version: "10.2.0 CU9"), backup: (version: "10.2.0 CU9"), "#;
    let o = with(&[(RULE, "reverse_proxy: Managed"), (SYSTEM, fixed)]);
    assert_eq!(served(&o, 30_000), pairs(&[("10.10.10.1", "DMA-MAIN"), ("10.10.10.2", "DMA-MAIN")]));
}
