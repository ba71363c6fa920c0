//! Untrusted input (FS-LIMITS): mutated scenario files must never crash failsim. Every file in
//! `scenarios/` is mutated by bytes and by tokens (deleted, duplicated, swapped, numbers made
//! huge), deterministically from a seed; each mutant is parsed, and run when it parses, under
//! `catch_unwind`. Nothing may panic, and a run must finish within its limits. A few thousand
//! mutants run in `cargo test`; `cargo test --release --test fuzz -- --ignored` runs a million.

use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::path::Path;

fn originals() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    failsim::discover(&dir).unwrap().into_iter().map(|p| (p.display().to_string(), std::fs::read_to_string(&p).unwrap())).collect()
}

/// One mutation of `src`, drawn from `rng`.
fn mutate(src: &str, rng: &mut ChaCha8Rng) -> String {
    if src.is_empty() {
        return String::new();
    }
    let tokens: Vec<&str> = src.split_inclusive(|c: char| !c.is_alphanumeric() && c != '_').collect();
    let pick = |rng: &mut ChaCha8Rng, n: usize| rng.random_range(0..n.max(1) as u32) as usize;
    match rng.random_range(0..6u32) {
        0 => {
            // Flip a byte (may break UTF-8 on purpose; the lossy form keeps it a string).
            let mut bytes = src.as_bytes().to_vec();
            let i = pick(rng, bytes.len());
            bytes[i] ^= 1 << rng.random_range(0..8u32);
            String::from_utf8_lossy(&bytes).into_owned()
        }
        1 => {
            let i = pick(rng, tokens.len());
            tokens.iter().enumerate().filter(|(j, _)| *j != i).map(|(_, t)| *t).collect()
        }
        2 => {
            let i = pick(rng, tokens.len());
            tokens.iter().enumerate().flat_map(|(j, t)| if j == i { vec![*t, *t] } else { vec![*t] }).collect()
        }
        3 => {
            let (i, j) = (pick(rng, tokens.len()), pick(rng, tokens.len()));
            let mut t = tokens.clone();
            t.swap(i, j);
            t.concat()
        }
        4 => {
            // A number made extreme.
            let huge = ["0", "18446744073709551615", "4294967295", "99999999999999999999", "744h", "745h", "1ms"];
            let numbers: Vec<usize> = tokens.iter().enumerate().filter(|(_, t)| t.starts_with(|c: char| c.is_ascii_digit())).map(|(i, _)| i).collect();
            let mut t: Vec<String> = tokens.iter().map(|s| s.to_string()).collect();
            if let Some(&i) = numbers.get(pick(rng, numbers.len())) {
                let digits: String = t[i].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
                t[i] = t[i].replacen(&digits, huge[pick(rng, huge.len())], 1);
            }
            t.concat()
        }
        _ => {
            // Truncate.
            let cut = pick(rng, src.len());
            src.char_indices().take_while(|(i, _)| *i < cut).map(|(_, c)| c).collect()
        }
    }
}

#[derive(Default, Debug)]
struct Figures {
    inputs: u64,
    parsed: u64,
    ran: u64,
    panics: Vec<String>,
}

/// Runs `mutants_per_file` mutants of every scenario (mutating a mutant half the time).
fn fuzz(seed: u64, mutants_per_file: usize, run_limit_ms: u64) -> Figures {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut f = Figures::default();
    for (name, original) in originals() {
        let mut src = original.clone();
        for _ in 0..mutants_per_file {
            src = mutate(if rng.random_bool(0.5) { &src } else { &original }, &mut rng);
            f.inputs += 1;
            let path = Path::new(&name);
            let outcome = std::panic::catch_unwind(|| {
                let Ok(sc) = failsim::parse(path, &src) else { return (false, false) };
                // Keep the suite's time bounded: long virtual runs are parsed, not run.
                if sc.end.0 > run_limit_ms {
                    return (true, false);
                }
                let _ = failsim::run(&sc, None);
                (true, true)
            });
            match outcome {
                Ok((parsed, ran)) => {
                    f.parsed += u64::from(parsed);
                    f.ran += u64::from(ran);
                }
                Err(e) => {
                    let msg = e.downcast_ref::<String>().cloned().or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string())).unwrap_or_default();
                    f.panics.push(format!("{name}: {msg}\n--- input ---\n{src}"));
                }
            }
        }
    }
    f
}

#[test]
fn mutated_scenarios_never_panic() {
    let f = fuzz(1, 60, 3_600_000);
    println!("fuzz: {} inputs, {} parsed, {} ran, {} panics", f.inputs, f.parsed, f.ran, f.panics.len());
    assert!(f.inputs >= 2_000, "{f:?}");
    assert!(f.ran > 100, "mutants must also run, not only fail to parse: {f:?}");
    assert!(f.panics.is_empty(), "{} panic(s); the first:\n{}", f.panics.len(), f.panics[0]);
}

#[test]
#[ignore = "the long mode: cargo test --release --test fuzz -- --ignored --nocapture"]
fn a_million_mutated_scenarios_never_panic() {
    let per_file = 1_000_000 / originals().len() + 1;
    let f = fuzz(2, per_file, 600_000);
    println!("fuzz long mode: {} inputs, {} parsed, {} ran, {} panics", f.inputs, f.parsed, f.ran, f.panics.len());
    assert!(f.inputs >= 1_000_000);
    assert!(f.panics.is_empty(), "{} panic(s); the first:\n{}", f.panics.len(), f.panics[0]);
}
