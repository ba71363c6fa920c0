//! Untrusted input (FS-LIMITS), property-based with proptest: whatever a scenario file, a `--set`
//! value or a command line holds, failsim never panics, aborts or hangs, finishes each input
//! within a time (and, for the command line, a memory) bound, and an error on a file is located.
//! An in-process input runs on a thread of its own: its bound is CPU time (20 s), which a loaded
//! machine does not stretch, and a generous wall time (10 min) past which it counts as a hang.
//! Each mode prints its figures — inputs, refusals, runs, the slowest, panics, hangs, aborts —
//! as counted.
//!
//! Three generators, each from a fixed seed so CI replays the same cases (a failing case is
//! shrunk by proptest and printed):
//! - mutated scenarios: token and byte mutations (several per input) of every file in
//!   `scenarios/`, parsed, and run when they parse;
//! - extreme values: `--set` overrides of timing, count and seed fields with values at and past
//!   every limit, applied to every scenario, then run;
//! - command lines: generated argument lists for every subcommand, run as the real binary under
//!   an address-space limit and a deadline; the exit code must be 0, 1 or 2 (never a signal or
//!   a panic's 101), and 2 always comes with a message.
//!
//! Beside them, every address of every scenario is written with a leading zero in each octet and
//! prefix length in turn, and must be refused at the value (its line and column).
//!
//! `cargo test` runs a few thousand inputs. The long mode runs over a million:
//! `cargo test --release --test fuzz -- --ignored --nocapture`.

use proptest::prelude::*;
use proptest::sample::Index;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseError, TestRng, TestRunner};
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// The bounds of one in-process input.
#[derive(Clone, Copy)]
struct Bounds {
    /// The most CPU time it may take. CPU time, not wall time: a machine shared with other
    /// builds stretches wall time many times over, not the time the input itself computes.
    cpu_ms: u64,
    /// Not done after this much wall time, however loaded the machine, it is a hang: it is
    /// reported and the property fails (its thread is left behind).
    wall: Duration,
}

/// A debug build's slowest input takes a few seconds of CPU time.
const INPUT: Bounds = Bounds { cpu_ms: 20_000, wall: Duration::from_secs(600) };
/// The longest one command line may take, and its address space.
const COMMAND_TIME_MAX: Duration = Duration::from_secs(60);
const COMMAND_ADDRESS_SPACE_KIB: u64 = 4 << 20;

fn originals() -> Vec<(PathBuf, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios");
    failsim::discover(&dir).unwrap().into_iter().map(|p| (p.clone(), std::fs::read_to_string(&p).unwrap())).collect()
}

fn runner(cases: u32, seed: u8) -> TestRunner {
    let config = Config { cases, failure_persistence: None, max_shrink_iters: 500, ..Config::default() };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &[seed; 32]))
}

/// What the inputs did, each figure counted as the inputs run (a failing property's shrinking
/// counts too).
#[derive(Default)]
struct Figures {
    inputs: AtomicU64,
    refused: AtomicU64,
    ran: AtomicU64,
    /// Parsed, but longer than the mode runs (see `end_ms_max`).
    skipped: AtomicU64,
    /// In-process inputs: CPU time; command lines: wall time.
    slowest_ms: AtomicU64,
    panics: AtomicU64,
    /// Inputs that did not end within their bound.
    hangs: AtomicU64,
    /// Command lines killed by a signal (an abort, a crash, the address-space limit).
    aborts: AtomicU64,
}

fn count(a: &AtomicU64) -> u64 {
    a.load(Ordering::Relaxed)
}

fn add(a: &AtomicU64) {
    a.fetch_add(1, Ordering::Relaxed);
}

impl Figures {
    fn print(&self, what: &str, slowest: &str) {
        println!(
            "fuzz {what}: {} inputs, {} refused with an error, {} ran, {} skipped (longer than this mode runs), slowest {} ms {slowest}, {} panics, {} hangs, {} aborts",
            count(&self.inputs),
            count(&self.refused),
            count(&self.ran),
            count(&self.skipped),
            count(&self.slowest_ms),
            count(&self.panics),
            count(&self.hangs),
            count(&self.aborts),
        );
    }

    /// Panics, hangs and aborts: each fails the property where it happens, so a passing run
    /// has none, counted.
    fn failures(&self) -> u64 {
        count(&self.panics) + count(&self.hangs) + count(&self.aborts)
    }

    /// Counts what became of an input.
    fn fate<E>(&self, fate: &Fate<E>) {
        add(match fate {
            Fate::Refused(_) => &self.refused,
            Fate::Ran => &self.ran,
            Fate::Skipped => &self.skipped,
        });
    }

    /// Runs `work` on a thread of its own and counts it: a panic, more CPU time than `bounds`
    /// allows, or no end within its wall time fails the property.
    fn bounded<T: Send + 'static>(&self, bounds: Bounds, what: &str, work: impl FnOnce() -> T + Send + 'static) -> Result<T, TestCaseError> {
        add(&self.inputs);
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let started = thread_cpu_ms();
            let out = catch_unwind(AssertUnwindSafe(work));
            let _ = tx.send((out.map_err(|p| panic_text(&*p)), thread_cpu_ms().saturating_sub(started)));
        });
        let (out, cpu_ms) = rx.recv_timeout(bounds.wall).map_err(|_| {
            add(&self.hangs);
            TestCaseError::fail(format!("{what} did not end within {:?} (a hang)", bounds.wall))
        })?;
        self.slowest_ms.fetch_max(cpu_ms, Ordering::Relaxed);
        let value = out.map_err(|why| {
            add(&self.panics);
            TestCaseError::fail(format!("{what} panicked: {why}"))
        })?;
        if cpu_ms > bounds.cpu_ms {
            add(&self.hangs);
            return Err(TestCaseError::fail(format!("{what} took {cpu_ms} ms of CPU time, more than {}", bounds.cpu_ms)));
        }
        Ok(value)
    }

    /// The property's result, with the figures printed first when it failed.
    fn outcome(self, result: Result<(), proptest::test_runner::TestError<impl std::fmt::Debug>>, what: &str, slowest: &str) -> Self {
        if let Err(e) = result {
            self.print(what, slowest);
            panic!("{e}");
        }
        self
    }
}

/// The CPU time the calling thread has used, in milliseconds.
fn thread_cpu_ms() -> u64 {
    let mut t = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `t` is a valid timespec to write; CLOCK_THREAD_CPUTIME_ID exists on Linux.
    let r = unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut t) };
    assert_eq!(r, 0, "the thread's CPU clock is readable");
    u64::try_from(t.tv_sec).unwrap_or(0) * 1_000 + u64::try_from(t.tv_nsec).unwrap_or(0) / 1_000_000
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    match (payload.downcast_ref::<&str>(), payload.downcast_ref::<String>()) {
        (Some(s), _) => (*s).to_string(),
        (_, Some(s)) => s.clone(),
        _ => "a panic without a message".into(),
    }
}

/// What became of one in-process input.
enum Fate<E> {
    Refused(E),
    Ran,
    Skipped,
}

// ---------------------------------------------------------------------------------------------
// Mutated scenario files.

#[derive(Clone, Debug)]
enum Mutation {
    FlipBit(Index, u8),
    DeleteToken(Index),
    DuplicateToken(Index),
    SwapTokens(Index, Index),
    ExtremeNumber(Index, Index),
    InsertToken(Index, Index),
    Truncate(Index),
}

const EXTREMES: [&str; 10] = ["0", "1", "18446744073709551615", "18446744073709551616", "4294967295", "-1", "744h", "745h", "1ms", "1000000000"];
const TOKENS: [&str; 12] = ["(", ")", "[", "]", ",", ":", "\"", "Write(count: 4294967295)", "end: \"745h\"", "Some(", "\u{fffd}", "\n"];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<Index>(), 0..8u8).prop_map(|(i, b)| Mutation::FlipBit(i, b)),
        any::<Index>().prop_map(Mutation::DeleteToken),
        any::<Index>().prop_map(Mutation::DuplicateToken),
        (any::<Index>(), any::<Index>()).prop_map(|(i, j)| Mutation::SwapTokens(i, j)),
        (any::<Index>(), any::<Index>()).prop_map(|(i, v)| Mutation::ExtremeNumber(i, v)),
        (any::<Index>(), any::<Index>()).prop_map(|(i, t)| Mutation::InsertToken(i, t)),
        any::<Index>().prop_map(Mutation::Truncate),
    ]
}

fn tokens(src: &str) -> Vec<String> {
    src.split_inclusive(|c: char| !c.is_alphanumeric() && c != '_').map(str::to_string).collect()
}

fn apply(src: &str, m: &Mutation) -> String {
    let mut t = tokens(src);
    if t.is_empty() {
        return String::new();
    }
    match m {
        Mutation::FlipBit(i, bit) => {
            // May break UTF-8 on purpose; the lossy form keeps it a string.
            let mut bytes = src.as_bytes().to_vec();
            let at = i.index(bytes.len());
            bytes[at] ^= 1 << bit;
            return String::from_utf8_lossy(&bytes).into_owned();
        }
        Mutation::DeleteToken(i) => {
            t.remove(i.index(t.len()));
        }
        Mutation::DuplicateToken(i) => {
            let at = i.index(t.len());
            t.insert(at, t[at].clone());
        }
        Mutation::SwapTokens(i, j) => {
            let (a, b) = (i.index(t.len()), j.index(t.len()));
            t.swap(a, b);
        }
        Mutation::ExtremeNumber(i, v) => {
            let numbers: Vec<usize> = (0..t.len()).filter(|&k| t[k].starts_with(|c: char| c.is_ascii_digit())).collect();
            if !numbers.is_empty() {
                let k = numbers[i.index(numbers.len())];
                let digits: String = t[k].chars().take_while(|c| c.is_ascii_alphanumeric()).collect();
                t[k] = t[k].replacen(&digits, EXTREMES[v.index(EXTREMES.len())], 1);
            }
        }
        Mutation::InsertToken(i, token) => {
            let at = i.index(t.len());
            t.insert(at, TOKENS[token.index(TOKENS.len())].to_string());
        }
        Mutation::Truncate(i) => {
            let cut = i.index(src.len());
            return src.char_indices().take_while(|(k, _)| *k < cut).map(|(_, c)| c).collect();
        }
    }
    t.concat()
}

/// An error about a file's contents names `file:line:col`.
fn located(message: &str, path: &Path) -> bool {
    let Some(rest) = message.strip_prefix(&format!("{}:", path.display())) else { return false };
    let mut parts = rest.splitn(3, ':');
    let number = |p: Option<&str>| p.is_some_and(|s| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) && s != "0");
    number(parts.next()) && number(parts.next())
}

/// The events one run may handle here: a mutant with a 1 ms heartbeat over an hour is a fair
/// input, but the suite must stay fast; crossing the bound is itself an error the run reports.
const SUITE_EVENTS_MAX: u64 = 300_000;

/// Parses `src` and, when it parses (and is short enough for the suite), runs it.
fn parse_and_run(path: &Path, src: &str, end_ms_max: u64, figures: &Figures) -> Result<(), TestCaseError> {
    let (owned_path, src) = (path.to_path_buf(), src.to_string());
    let fate = figures.bounded(INPUT, "this input", move || run_if_short(failsim::parse(&owned_path, &src), end_ms_max))?;
    figures.fate(&fate);
    if let Fate::Refused(e) = fate {
        prop_assert!(located(&e.to_string(), path), "an error without file:line:col: {e}");
    }
    Ok(())
}

/// A refusal, or a scenario that runs when it is short enough for the suite.
fn run_if_short<E>(input: Result<failsim::Scenario, E>, end_ms_max: u64) -> Fate<E> {
    match input {
        Err(e) => Fate::Refused(e),
        Ok(sc) if sc.end.0 <= end_ms_max => {
            // A run that crosses a limit is an error that says which; either way it ends.
            let _ = failsim::run_with(&sc, None, failsim::Limits { max_events: SUITE_EVENTS_MAX, ..failsim::Limits::default() });
            Fate::Ran
        }
        Ok(_) => Fate::Skipped,
    }
}

fn mutated_scenarios(cases: u32, seed: u8, end_ms_max: u64) -> Figures {
    let files = originals();
    let figures = Figures::default();
    let strategy = (any::<Index>(), prop::collection::vec(mutation(), 1..4));
    let result = runner(cases, seed).run(&strategy, |(file, mutations)| {
        let (path, original) = &files[file.index(files.len())];
        let src = mutations.iter().fold(original.clone(), |src, m| apply(&src, m));
        parse_and_run(path, &src, end_ms_max, &figures)
    });
    figures.outcome(result, "mutated scenarios", "CPU")
}

// ---------------------------------------------------------------------------------------------
// Extreme values through `--set`.

const PATHS: [&str; 10] = [
    "end",
    "seed",
    "switch_time",
    "heartbeats[*].interval",
    "heartbeats[*].max_failures",
    "script[0].at",
    "script[0].do.duration",
    "script[0].do.count",
    "script[*].at",
    "expect[0].when",
];
const VALUES: [&str; 16] = [
    "0",
    "1",
    "0s",
    "1ms",
    "744h",
    "745h",
    "18446744073709551615ms",
    "18446744073709551615",
    "4294967295",
    "1000000000",
    "-1",
    "\"\"",
    "[]",
    "null",
    "{\"At\":\"745h\"}",
    "6m30s",
];

fn extreme_values(cases: u32, seed: u8, end_ms_max: u64) -> Figures {
    let files = originals();
    let figures = Figures::default();
    let set = (any::<Index>(), any::<Index>()).prop_map(|(p, v)| format!("{}={}", PATHS[p.index(PATHS.len())], VALUES[v.index(VALUES.len())]));
    let strategy = (any::<Index>(), prop::collection::vec(set, 1..3));
    let result = runner(cases, seed).run(&strategy, |(file, sets)| {
        let path = files[file.index(files.len())].0.clone();
        let applied = sets.clone();
        let fate = figures.bounded(INPUT, "these overrides", move || {
            let original = failsim::load(&path).expect("every scenario in scenarios/ loads");
            run_if_short(failsim::apply_overrides(&original, &applied), end_ms_max)
        })?;
        figures.fate(&fate);
        if let Fate::Refused(e) = fate {
            prop_assert!(!e.is_empty(), "an empty error for {sets:?}");
        }
        Ok(())
    });
    figures.outcome(result, "extreme values", "CPU")
}

// ---------------------------------------------------------------------------------------------
// Command lines.

const SUBCOMMANDS: [&str; 8] = ["run", "check", "chaos", "sweep", "explore", "graph", "bogus", "--help"];
const ARGS: [&str; 44] = [
    "scenarios/dm-stop-online.ron",
    "scenarios/cp-collision.ron",
    "tests/bad/truncated.ron",
    "tests/bad/huge-write.ron",
    "tests/fixtures",
    "tests/limits",
    "/dev/zero",
    "/dev/null",
    "no/such/file.ron",
    "dataminer",
    "checkpoint",
    "--seeds",
    "0..3",
    "0..18446744073709551615",
    "5..5",
    "-j",
    "0",
    "1",
    "2",
    "65",
    "100000",
    "--max-events",
    "18446744073709551615",
    "--set",
    "switch_time=18446744073709551615ms",
    "heartbeats[*].interval=1ms",
    "--vary",
    "heartbeats[*].interval=1..100000/1",
    "heartbeats[*].max_failures=1..3/1",
    "--depth",
    "4",
    "--step",
    "0s",
    "--until",
    "100m",
    "--at",
    "18446744073709551615ms",
    "--format",
    "json",
    "--shard",
    "0/0",
    "",
    "--",
    "-x",
];
/// Flags whose value is a path to write: they get a path in a scratch folder.
const OUTPUT_FLAGS: [&str; 4] = ["--out", "--svg", "--html", "--junit"];

fn command_line() -> impl Strategy<Value = Vec<String>> {
    let arg = prop_oneof![
        6 => any::<Index>().prop_map(|i| ARGS[i.index(ARGS.len())].to_string()),
        1 => any::<Index>().prop_map(|i| OUTPUT_FLAGS[i.index(OUTPUT_FLAGS.len())].to_string()),
    ];
    (any::<Index>(), prop::collection::vec(arg, 0..7)).prop_map(|(sub, args)| {
        let mut line = vec![SUBCOMMANDS[sub.index(SUBCOMMANDS.len())].to_string()];
        line.extend(args);
        line
    })
}

/// Runs the binary on `args` under the address-space limit; kills it at the deadline.
fn run_command(args: &[String], scratch: &Path) -> Result<(Option<i32>, String), String> {
    let mut line: Vec<String> = Vec::new();
    for (i, a) in args.iter().enumerate() {
        line.push(a.clone());
        if OUTPUT_FLAGS.contains(&a.as_str()) {
            line.push(scratch.join(format!("out-{i}")).display().to_string());
        }
    }
    let script = format!("ulimit -v {COMMAND_ADDRESS_SPACE_KIB} && exec \"$0\" \"$@\"");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_failsim"))
        .args(&line)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            let mut err = String::new();
            std::io::Read::read_to_string(child.stderr.as_mut().expect("piped"), &mut err).map_err(|e| e.to_string())?;
            return Ok((status.code(), err));
        }
        if started.elapsed() > COMMAND_TIME_MAX {
            let _ = child.kill();
            let _ = child.wait();
            return Err(format!("{line:?} did not end within {COMMAND_TIME_MAX:?}"));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
}

fn command_lines(cases: u32, seed: u8) -> Figures {
    let scratch = tempfile::tempdir().unwrap();
    let figures = Figures::default();
    let result = runner(cases, seed).run(&command_line(), |args| {
        add(&figures.inputs);
        let started = Instant::now();
        let (code, err) = run_command(&args, scratch.path()).map_err(|e| {
            add(&figures.hangs);
            TestCaseError::fail(e)
        })?;
        figures.slowest_ms.fetch_max(started.elapsed().as_millis() as u64, Ordering::Relaxed);
        if code.is_none() {
            add(&figures.aborts);
        }
        prop_assert!(code.is_some(), "{args:?} was killed by a signal (an abort or a crash): {err}");
        let code = code.unwrap_or_default();
        if code == 101 {
            add(&figures.panics);
        }
        prop_assert!(matches!(code, 0..=2), "{args:?} exited {code} (0, 1 or 2 expected): {err}");
        if code == 2 {
            add(&figures.refused);
            prop_assert!(!err.trim().is_empty(), "{args:?} exited 2 without a message");
        } else {
            add(&figures.ran);
        }
        // An error about a file's contents (it starts with the file's path) is located.
        for bad in ARGS.iter().filter(|a| a.starts_with("tests/bad/")) {
            if let Some(rest) = err.strip_prefix(&format!("error: {bad}")) {
                prop_assert!(
                    rest.starts_with(':') && rest[1..].starts_with(|c: char| c.is_ascii_digit()),
                    "{args:?}: the error on a broken file is located: {err}"
                );
            }
        }
        Ok(())
    });
    figures.outcome(result, "command lines", "wall")
}

// ---------------------------------------------------------------------------------------------

#[test]
fn mutated_scenarios_never_panic_and_errors_are_located() {
    let f = mutated_scenarios(2_500, 1, 3_600_000);
    f.print("mutated scenarios", "CPU");
    assert!(count(&f.ran) > 100, "mutants must also run, not only fail to parse");
}

#[test]
fn extreme_values_never_panic() {
    let f = extreme_values(1_000, 2, 3_600_000);
    f.print("extreme values", "CPU");
    assert!(count(&f.ran) > 50, "some overrides must run");
}

#[test]
fn command_lines_end_with_0_1_or_2_within_bounds() {
    let f = command_lines(150, 3);
    f.print("command lines", "wall");
    assert!(count(&f.ran) > 5, "some command lines must run");
}

#[test]
#[ignore = "the long mode: cargo test --release --test fuzz -- --ignored --nocapture"]
fn over_a_million_inputs_never_panic() {
    let started = Instant::now();
    let m = mutated_scenarios(1_000_000, 11, 600_000);
    m.print("long mode, mutated scenarios", "CPU");
    let x = extreme_values(100_000, 12, 600_000);
    x.print("long mode, extreme values", "CPU");
    let c = command_lines(5_000, 13);
    c.print("long mode, command lines", "wall");
    let all = [&m, &x, &c];
    let sum = |f: fn(&Figures) -> u64| all.iter().map(|x| f(x)).sum::<u64>();
    let (total, panics, hangs, aborts) = (sum(|f| count(&f.inputs)), sum(|f| count(&f.panics)), sum(|f| count(&f.hangs)), sum(|f| count(&f.aborts)));
    println!("fuzz long mode: {total} inputs in all, {panics} panics, {hangs} hangs, {aborts} aborts, in {:.0?}", started.elapsed());
    assert!(total >= 1_000_000);
    assert_eq!(sum(Figures::failures), 0, "a passing property has no failure");
}

// ---------------------------------------------------------------------------------------------
// The memory cases (issue 23): inputs within the stated limits that once took gigabytes, each run
// as the real binary under an address space of 1 GiB and a deadline. They must end as stated
// (a result, or a limit's error naming the flag that raises it), never by the allocator.

/// Every input within the stated limits runs in this much address space (RLIMIT_AS).
const MEMORY_CASE_ADDRESS_SPACE_KIB: u64 = 1 << 20;
const MEMORY_CASE_TIME_MAX: Duration = Duration::from_secs(300);

/// `failsim ARGS` in `dir` under the memory cases' address space and deadline: its exit code,
/// standard output and standard error.
fn run_bounded(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let script = format!("ulimit -v {MEMORY_CASE_ADDRESS_SPACE_KIB} && exec \"$0\" \"$@\"");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(script)
        .arg(env!("CARGO_BIN_EXE_failsim"))
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("sh starts");
    let (out, err) = (child.stdout.take().expect("piped"), child.stderr.take().expect("piped"));
    let read = |mut r: Box<dyn std::io::Read + Send>| {
        std::thread::spawn(move || {
            let mut s = String::new();
            let _ = r.read_to_string(&mut s);
            s
        })
    };
    let (out, err) = (read(Box::new(out)), read(Box::new(err)));
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("the child can be waited for") {
            break status;
        }
        if started.elapsed() > MEMORY_CASE_TIME_MAX {
            let _ = child.kill();
            let _ = child.wait();
            panic!("failsim {args:?} did not end within {MEMORY_CASE_TIME_MAX:?}");
        }
        std::thread::sleep(Duration::from_millis(10));
    };
    (status.code(), out.join().expect("reader"), err.join().expect("reader"))
}

/// A DataMiner pair whose two 1 ms heartbeats fail from 1 s to `end`: a record an event before
/// records were written at state changes only.
fn failing_heartbeat(end: &str) -> String {
    format!(
        "Scenario(name: \"failing 1 ms heartbeat\", doc: \"memory case\", seed: 1,\n\
         system: DataMiner(heartbeats: [Normal(from: Main, interval: \"1ms\"), Normal(from: Backup, interval: \"1ms\")]),\n\
         script: [(at: \"1s\", do: Pull(cable: Corporate, on: Backup))], end: \"{end}\")\n"
    )
}

/// A DataMiner pair looked up `lookups` times (steps of at most 100,000, the limit a step).
fn many_lookups(lookups: u32) -> String {
    let steps: Vec<String> = (0..lookups.div_ceil(100_000))
        .map(|i| format!("(at: \"{}m\", do: Lookup(name: \"DMA-MAIN\", count: {}))", i + 1, (lookups - i * 100_000).min(100_000)))
        .collect();
    format!("Scenario(name: \"lookups\", doc: \"memory case\", seed: 1, system: DataMiner(),\nscript: [\n{}\n], end: \"12m\")\n", steps.join(",\n"))
}

/// A DataMiner pair whose Sync cable is pulled and plugged in turn, a step a second, for the
/// stated limit of 100,000 steps: each pull raises an alarm on both consoles and each plug clears
/// it (the consoles were once quadratic in the alarms ever raised). Written without spaces, the
/// file fits the 4 MiB limit on a scenario file.
fn pull_plug_steps() -> String {
    let steps: String = (0..100_000u32)
        .map(|i| {
            let action = if i.is_multiple_of(2) { "Pull" } else { "Plug" };
            format!("(at:\"{}s\",do:{action}(cable:Sync,on:Main)),", i + 1)
        })
        .collect();
    format!("Scenario(name:\"pull plug\",doc:\"memory case\",seed:1,system:DataMiner(),script:[{steps}],end:\"28h\")\n")
}

/// The sizes of the memory cases: `cargo test` runs a debug build, so it takes a quarter of the
/// lookups, a tenth of the heartbeat's events and a minute of the 3,000 pairs; the long mode
/// (release) takes them whole, and the pairs for 15 minutes.
struct MemorySizes {
    lookups: u32,
    heartbeat_events: Option<u64>,
    /// A declared world of 3,000 default pairs runs this long, with its full text report.
    pairs_end: &'static str,
}

fn memory_cases(sizes: &MemorySizes) {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(dir.path().join(name), text).unwrap();
    write("heartbeat.ron", &failing_heartbeat("24h"));
    std::fs::create_dir(dir.path().join("eight")).unwrap();
    for i in 0..8 {
        write(&format!("eight/lookups-{i}.ron"), &many_lookups(sizes.lookups));
    }
    write("lookups.ron", &many_lookups(sizes.lookups));
    write("pairs.ron", &failsim::bench::pairs_scenario(3_000, sizes.pairs_end));
    write("pull-plug.ron", &pull_plug_steps());

    // The failing 1 ms heartbeat for a day: it stops at the event limit, having kept a few
    // records, not one an event.
    let limit = sizes.heartbeat_events.map(|n| n.to_string());
    let mut args = vec!["run", "heartbeat.ron"];
    args.extend(limit.iter().flat_map(|n| ["--max-events", n.as_str()]));
    let (code, _, err) = run_bounded(dir.path(), &args);
    assert_eq!(code, Some(2), "the event limit stops it: {err}");
    assert!(err.contains("events in the run") && err.contains("(raise it with --max-events)"), "{err}");

    // Eight big files under `check`: each is printed and dropped when it ends.
    let (code, out, err) = run_bounded(dir.path(), &["check", "eight"]);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(out.contains("8 passed, 0 failed"), "{out}");

    // A sweep at -j 8: eight cells at once, none keeping a trace.
    let (code, out, err) = run_bounded(dir.path(), &["sweep", "lookups.ron", "--vary", "seed=1..8/1", "-j", "8", "--format", "csv"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out.lines().count(), 9, "a header and eight cells: {out}");

    // The full trace of the lookups in JSON, and the same run past a trace bound set low.
    let (code, out, err) = run_bounded(dir.path(), &["run", "lookups.ron", "--format", "json"]);
    assert_eq!(code, Some(0), "{err}");
    assert!(out.len() > 10 * sizes.lookups as usize, "every lookup is in the JSON trace");
    let (code, _, err) = run_bounded(dir.path(), &["run", "lookups.ron", "--max-trace-mib", "1"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("the trace passed 1 MiB") && err.contains("(raise it with --max-trace-mib)"), "{err}");

    // 3,000 pairs on one declared world, with the full text report: linear in the world's size
    // (its DNS table printed once, not under every system).
    let (code, out, err) = run_bounded(dir.path(), &["run", "pairs.ron"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out.matches("DNS table:\n").count(), 2, "the world's table once a section, then 'as above'");

    // 100,000 Pull/Plug steps, the limit, with the full text report: every pull's alarm is on
    // both consoles, and the consoles stay linear in the steps.
    let (code, out, err) = run_bounded(dir.path(), &["run", "pull-plug.ron"]);
    assert_eq!(code, Some(0), "{err}");
    let unplugged = out.matches("NIC Sync unplugged").count();
    assert!(unplugged >= 100_000, "50,000 pulls, each on two consoles: {unplugged} alarms");

    // Explore at depth 3 over 100 instants: refused by its count before any is built.
    let (code, _, err) = run_bounded(dir.path(), &["explore", "lookups.ron", "--depth", "3", "--from", "1s", "--step", "1s", "--until", "100s", "-j", "8"]);
    assert_eq!(code, Some(2), "{err}");
    assert!(err.contains("combinations; at most 1000000"), "{err}");
}

#[test]
fn memory_cases_run_within_1_gib() {
    memory_cases(&MemorySizes { lookups: 250_000, heartbeat_events: Some(5_000_000), pairs_end: "1m" });
}

#[test]
#[ignore = "the long mode: cargo test --release --test fuzz -- --ignored --nocapture"]
fn memory_cases_at_full_size_run_within_1_gib() {
    let started = Instant::now();
    memory_cases(&MemorySizes { lookups: 1_000_000, heartbeat_events: None, pairs_end: "15m" });
    println!("long mode, memory cases: all within {MEMORY_CASE_ADDRESS_SPACE_KIB} KiB, in {:.0?}", started.elapsed());
}

/// Each dotted quad written in a string of `src` (an address, or an address with a prefix): the
/// byte offset of its opening quote and its text.
fn quoted_addresses(src: &str) -> Vec<(usize, &str)> {
    let quad = |t: &str| {
        let addr = t.split_once('/').map_or(t, |(a, len)| if !len.is_empty() && len.bytes().all(|b| b.is_ascii_digit()) { a } else { "" });
        let octets: Vec<&str> = addr.split('.').collect();
        octets.len() == 4 && octets.iter().all(|o| !o.is_empty() && o.len() <= 3 && o.bytes().all(|b| b.is_ascii_digit()))
    };
    let quotes: Vec<usize> = src.match_indices('"').map(|(i, _)| i).collect();
    quotes.windows(2).filter(|w| quad(&src[w[0] + 1..w[1]])).map(|w| (w[0], &src[w[0] + 1..w[1]])).collect()
}

/// Every address of every scenario in `scenarios/`, written with a leading zero in each of its
/// octets in turn (`"10.10.00.1"`), is refused at the value: the error's line and column are the
/// opening quote's. The only strings not read as addresses are a lookup's expected answers,
/// which are compared as text (a name or an address).
#[test]
fn an_address_with_a_leading_zero_is_refused_at_its_value() {
    let (mut refused, mut texts) = (0, 0);
    for (path, src) in originals() {
        for (at, addr) in quoted_addresses(&src) {
            let line = src[..at].matches('\n').count() + 1;
            let col = src[..at].rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            // Before each octet, and before a prefix length.
            let starts: Vec<usize> = std::iter::once(0).chain(addr.match_indices(['.', '/']).map(|(i, _)| i + 1)).collect();
            for start in starts {
                let variant = format!("{}{}0{}{}", &src[..=at], &addr[..start], &addr[start..], &src[at + 1 + addr.len()..]);
                match failsim::parse(&path, &variant) {
                    Err(e) => {
                        assert_eq!((e.line, e.col), (line, col), "{}: {addr} with a leading zero: {e}", path.display());
                        // A fourth digit makes no octet at all.
                        let digits = addr[start..].split(['.', '/']).next().map_or(0, str::len);
                        let why = if digits < 3 { "has a leading zero" } else { "is not an IPv4 address" };
                        assert!(e.message.contains(why), "{e}");
                        refused += 1;
                    }
                    Ok(_) => {
                        let text = src.lines().nth(line - 1).unwrap_or_default();
                        assert!(text.contains("answers:"), "{}:{line}: {addr} with a leading zero was read: {text}", path.display());
                        texts += 1;
                    }
                }
            }
        }
    }
    println!("leading zeros: {refused} refused at the value, {texts} lookup answers (text)");
    assert!(refused > 1_000, "the scenarios hold addresses: {refused}");
}

/// Inputs the fuzz test once found failing, kept as plain cases.
#[test]
fn what_the_fuzz_test_found_stays_fixed() {
    let load = |name: &str| failsim::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join(name)).unwrap();
    // No failures allowed: the first failing heartbeat after a start decided to go online, and
    // the start-up then tried to go online a second time (an assertion failed).
    for file in ["scenarios/dm-startup.ron", "scenarios/dm-seed-node.ron", "scenarios/dm-upgrade-simultaneous.ron"] {
        let sc = failsim::apply_overrides(&load(file), &["heartbeats[*].max_failures=0".into()]).unwrap();
        assert!(failsim::run(&sc, None).is_ok(), "{file}");
    }
    // u32::MAX failures allowed overflowed a counter: now a located limit.
    let err = failsim::apply_overrides(&load("scenarios/dm-stop-online.ron"), &["heartbeats[*].max_failures=4294967295".into()]).unwrap_err();
    assert!(err.contains("at most 1000000"), "{err}");
}

#[test]
fn a_panic_a_slow_input_and_a_hang_are_counted() {
    let f = Figures::default();
    // A generous wall time but for the hang: a loaded machine may take long to start a thread.
    let tight = Bounds { cpu_ms: 50, wall: Duration::from_secs(60) };
    assert_eq!(f.bounded(tight, "a quick input", || 7).ok(), Some(7));
    assert!(f.bounded(tight, "a panic", || panic!("on purpose")).is_err());
    let spin = || {
        let started = thread_cpu_ms();
        while thread_cpu_ms() < started + 100 {}
    };
    assert!(f.bounded(tight, "a slow input", spin).is_err());
    let hang = Bounds { wall: Duration::from_millis(100), ..tight };
    assert!(f.bounded(hang, "a hang", || std::thread::sleep(Duration::from_secs(1))).is_err());
    assert_eq!((count(&f.inputs), count(&f.panics), count(&f.hangs), f.failures()), (4, 1, 2, 3));
    assert!(count(&f.slowest_ms) >= 100, "the slow input's CPU time");
}

#[test]
fn the_located_check_is_strict() {
    let p = Path::new("a/b.ron");
    assert!(located("a/b.ron:3:14: expected `)`", p));
    assert!(!located("a/b.ron: cannot read", p));
    assert!(!located("a/b.ron:0:0: no place", p));
    assert!(!located("c.ron:3:4: elsewhere", p));
}
