//! `--shard auto` (FS-MERGE): the shard of this process, read from the variables the engine that
//! runs it sets, as their documents state them:
//! - Kubernetes, an Indexed Job: `JOB_COMPLETION_INDEX` (0-based, set by Kubernetes) and the
//!   count, which Kubernetes does not pass: the Job sets `JOB_COMPLETIONS` to its
//!   `.spec.completions` (see `examples/k8s/chaos-indexed-job.yaml`);
//! - GitLab CI, `parallel: N`: `CI_NODE_INDEX` (1-based) and `CI_NODE_TOTAL`;
//! - Slurm, a job array: `SLURM_ARRAY_TASK_ID` counted from `SLURM_ARRAY_TASK_MIN` (an array
//!   may start anywhere, `--array=1-8`) and `SLURM_ARRAY_TASK_COUNT`; an array with a step or
//!   holes (`--array=0-15:4`, `1,3,7`) does not map onto shards and is refused.

use super::campaign::Shard;

/// The engines `--shard auto` knows, by the variable that names each.
const ENGINES: [(&str, &str); 3] = [("JOB_COMPLETION_INDEX", "Kubernetes"), ("CI_NODE_INDEX", "GitLab CI"), ("SLURM_ARRAY_TASK_ID", "Slurm")];

/// The shard from the environment, read through `var` (the process's: `std::env::var`).
pub fn from_env(var: impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
    let found: Vec<&str> = ENGINES.iter().filter(|(v, _)| var(v).is_some()).map(|(_, engine)| *engine).collect();
    match found[..] {
        [] => Err(format!(
            "--shard auto: none of {} is set; give --shard K/N, or run under a Kubernetes Indexed Job, GitLab CI `parallel:` or a Slurm job array",
            ENGINES.map(|(v, _)| v).join(", ")
        )),
        ["Kubernetes"] => kubernetes(&var),
        ["GitLab CI"] => gitlab(&var),
        ["Slurm"] => slurm(&var),
        _ => Err(format!("--shard auto: variables of several engines are set ({}); give --shard K/N", found.join(", "))),
    }
}

fn number(var: &impl Fn(&str) -> Option<String>, name: &str, hint: &str) -> Result<u64, String> {
    let text = var(name).ok_or_else(|| format!("--shard auto: {name} is not set ({hint})"))?;
    text.trim().parse().map_err(|_| format!("--shard auto: {name}=`{text}` is not a whole number"))
}

/// A 0-based index among `count` as a shard.
fn shard(index0: u64, count: u64, what: &str) -> Result<Shard, String> {
    if index0 >= count {
        return Err(format!("--shard auto: {what}: index {index0} (0-based) is not below the count {count}"));
    }
    Shard::new(index0 + 1, count).map_err(|e| format!("--shard auto: {what}: {e}"))
}

fn kubernetes(var: &impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
    let index = number(var, "JOB_COMPLETION_INDEX", "set by Kubernetes in an Indexed Job")?;
    let count = number(var, "JOB_COMPLETIONS", "Kubernetes does not pass the count: set it in the Job's env to .spec.completions")?;
    shard(index, count, "Kubernetes")
}

fn gitlab(var: &impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
    let index = number(var, "CI_NODE_INDEX", "set by GitLab CI with `parallel:`")?;
    let total = number(var, "CI_NODE_TOTAL", "set by GitLab CI with `parallel:`")?;
    // GitLab counts from 1.
    let index0 = index.checked_sub(1).ok_or("--shard auto: CI_NODE_INDEX=0, but GitLab counts its jobs from 1")?;
    shard(index0, total, "GitLab CI")
}

fn slurm(var: &impl Fn(&str) -> Option<String>) -> Result<Shard, String> {
    let id = number(var, "SLURM_ARRAY_TASK_ID", "set by Slurm in a job array")?;
    let count = number(var, "SLURM_ARRAY_TASK_COUNT", "set by Slurm in a job array")?;
    let min = number(var, "SLURM_ARRAY_TASK_MIN", "set by Slurm in a job array")?;
    let max = number(var, "SLURM_ARRAY_TASK_MAX", "set by Slurm in a job array")?;
    let step = var("SLURM_ARRAY_TASK_STEP").map_or(Ok(1), |_| number(var, "SLURM_ARRAY_TASK_STEP", ""))?;
    if step != 1 || max.checked_sub(min).and_then(|d| d.checked_add(1)) != Some(count) {
        return Err(format!(
            "--shard auto: the Slurm array {min}-{max} (step {step}) has {count} task(s): only a contiguous array (`--array=0-{}`) maps onto shards",
            count.saturating_sub(1)
        ));
    }
    let index0 = id.checked_sub(min).ok_or_else(|| format!("--shard auto: SLURM_ARRAY_TASK_ID {id} is below SLURM_ARRAY_TASK_MIN {min}"))?;
    shard(index0, count, "Slurm")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
        move |name| pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
    }

    #[test]
    fn each_engine_gives_its_shard() {
        let k8s = from_env(env(&[("JOB_COMPLETION_INDEX", "0"), ("JOB_COMPLETIONS", "4")]));
        assert_eq!(k8s, Ok(Shard { k: 1, n: 4 }), "Kubernetes counts from 0");
        let gitlab = from_env(env(&[("CI_NODE_INDEX", "4"), ("CI_NODE_TOTAL", "4")]));
        assert_eq!(gitlab, Ok(Shard { k: 4, n: 4 }), "GitLab counts from 1");
        let slurm = [("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_COUNT", "3"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_MAX", "3")];
        assert_eq!(from_env(env(&slurm)), Ok(Shard { k: 3, n: 3 }), "Slurm counts from its array's minimum");
    }

    #[test]
    fn what_does_not_name_one_shard_is_refused() {
        let cases: [(&[(&str, &str)], &str); 10] = [
            (&[], "none of"),
            (&[("JOB_COMPLETION_INDEX", "0")], "JOB_COMPLETIONS is not set"),
            (&[("JOB_COMPLETION_INDEX", "4"), ("JOB_COMPLETIONS", "4")], "not below the count"),
            (&[("CI_NODE_INDEX", "0"), ("CI_NODE_TOTAL", "4")], "counts its jobs from 1"),
            (&[("CI_NODE_INDEX", "x"), ("CI_NODE_TOTAL", "4")], "not a whole number"),
            (&[("CI_NODE_INDEX", "1"), ("CI_NODE_TOTAL", "2"), ("JOB_COMPLETION_INDEX", "0")], "several engines"),
            (
                &[
                    ("SLURM_ARRAY_TASK_ID", "4"),
                    ("SLURM_ARRAY_TASK_COUNT", "2"),
                    ("SLURM_ARRAY_TASK_MIN", "0"),
                    ("SLURM_ARRAY_TASK_MAX", "4"),
                    ("SLURM_ARRAY_TASK_STEP", "4"),
                ],
                "contiguous",
            ),
            (
                &[("SLURM_ARRAY_TASK_ID", "0"), ("SLURM_ARRAY_TASK_COUNT", "2"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_MAX", "2")],
                "below SLURM_ARRAY_TASK_MIN",
            ),
            // `--array=0-3:2` as if it had four tasks: the step alone is refused.
            (
                &[
                    ("SLURM_ARRAY_TASK_ID", "2"),
                    ("SLURM_ARRAY_TASK_COUNT", "4"),
                    ("SLURM_ARRAY_TASK_MIN", "0"),
                    ("SLURM_ARRAY_TASK_MAX", "3"),
                    ("SLURM_ARRAY_TASK_STEP", "2"),
                ],
                "contiguous",
            ),
            // `--array=1,3,7`: holes alone are refused.
            (&[("SLURM_ARRAY_TASK_ID", "3"), ("SLURM_ARRAY_TASK_COUNT", "3"), ("SLURM_ARRAY_TASK_MIN", "1"), ("SLURM_ARRAY_TASK_MAX", "7")], "contiguous"),
        ];
        for (vars, want) in cases {
            let got = from_env(env(vars));
            assert!(matches!(&got, Err(e) if e.contains(want)), "{vars:?}: expected an error with `{want}`, got {got:?}");
        }
    }
}
