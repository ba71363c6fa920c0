//! Every command the README shows runs as shown (issue 22). The commands are read from the
//! README itself: each `$ failsim …` line of a `console` block, run in order in one scratch
//! directory that sees the repository's `scenarios/` and `tests/` (so a file one block writes,
//! `dms.ron`, is there for the next). A command must exit 0 unless its comment says `exit N`;
//! a `$ echo $?` line checks the exit code before it. The lines the README shows under a command
//! must each be a line of what it printed (stdout, then stderr), in order, where `...` stands
//! for lines left out and a line ending in ` ...` for the start of a longer one.
//!
//! A `ron` block whose first line is `// NAME.ron` is that file: it is written to the scratch
//! directory before the commands run. `$EDITOR` lines are a person's step and are not run. The README's
//! `InstallConfiguration.xml` (a user's own file) is the page's first example here,
//! `tests/fixtures/import/three-dmas-one-pair-fixed.xml`.
//!
//! A `rust` block is library code the README shows: it must be, verbatim, part of
//! `examples/scenario_folder.rs`, which `cargo test` compiles and runs.

use std::path::Path;
use std::process::Command;

/// One `$ ` line of a console block and the lines shown under it.
struct Shown {
    line: usize,
    command: String,
    output: Vec<String>,
}

/// The `$ ` lines of every `console` block, in order.
fn shown_commands(readme: &str) -> Vec<Shown> {
    let mut shown: Vec<Shown> = Vec::new();
    let mut in_console = false;
    for (i, text) in readme.lines().enumerate() {
        if text.starts_with("```") {
            in_console = !in_console && text.trim_start_matches('`') == "console";
            continue;
        }
        if !in_console {
            continue;
        }
        match text.strip_prefix("$ ") {
            Some(command) => shown.push(Shown { line: i + 1, command: command.to_string(), output: Vec::new() }),
            None => shown.last_mut().expect("a console block starts with a command").output.push(text.to_string()),
        }
    }
    shown
}

/// The `ron` blocks that name their file in their first line (`// NAME.ron`): name and text.
fn shown_files(readme: &str) -> Vec<(String, String)> {
    let mut files = Vec::new();
    let mut lines = readme.lines();
    while let Some(text) = lines.next() {
        if text != "```ron" {
            continue;
        }
        let block: Vec<&str> = lines.by_ref().take_while(|l| !l.starts_with("```")).collect();
        if let Some(name) = block.first().and_then(|l| l.strip_prefix("// ")).filter(|n| n.ends_with(".ron") && !n.contains(' ')) {
            files.push((name.to_string(), block.join("\n")));
        }
    }
    files
}

/// The command without its trailing `# comment`, and the exit code the comment states (`exit N`;
/// none: 0).
fn command_and_exit(command: &str) -> (String, i32) {
    let (run, comment) = command.split_once("  #").map_or((command, ""), |(r, c)| (r, c));
    let exit = comment.split("exit ").nth(1).and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next()).and_then(|n| n.parse().ok());
    (run.trim().to_string(), exit.unwrap_or(0))
}

/// Whether every shown line is a line of `actual`, in order (`...` skips any number of lines; a
/// line ending in ` ...` is the start of one).
fn shows(expected: &[String], actual: &str) -> Result<(), String> {
    let mut lines = actual.lines().map(str::trim_end);
    for want in expected.iter().map(|l| l.trim_end()).filter(|l| !l.is_empty() && l.trim() != "...") {
        // A shown line cut with ` ...` is the start of the printed one.
        let matches = |got: &str| match want.strip_suffix(" ...") {
            Some(start) => got.starts_with(start.trim_end()),
            None => got == want,
        };
        if !lines.any(matches) {
            return Err(format!("the README shows this line, which is not (or not in this order) in the output:\n{want}"));
        }
    }
    Ok(())
}

#[test]
fn every_command_the_readme_shows_runs_as_shown() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let scratch = tempfile::tempdir().unwrap();
    for dir in ["scenarios", "tests"] {
        std::os::unix::fs::symlink(root.join(dir), scratch.path().join(dir)).unwrap();
    }
    for (name, text) in shown_files(&readme) {
        std::fs::write(scratch.path().join(name), text).unwrap();
    }
    std::fs::copy(root.join("tests/fixtures/import/three-dmas-one-pair-fixed.xml"), scratch.path().join("InstallConfiguration.xml")).unwrap();
    let bin = Path::new(env!("CARGO_BIN_EXE_failsim")).parent().unwrap().to_path_buf();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let mut last_exit = None;
    let mut ran = 0;
    for shown in shown_commands(&readme) {
        let (command, exit) = command_and_exit(&shown.command);
        if command == "echo $?" {
            let want: i32 = shown.output.first().and_then(|l| l.trim().parse().ok()).expect("echo $? shows a code");
            assert_eq!(last_exit, Some(want), "README.md:{}: the exit code shown after the command before", shown.line);
            continue;
        }
        if command.starts_with("$EDITOR") {
            continue;
        }
        assert!(command.starts_with("failsim "), "README.md:{}: a console command is failsim's: {command}", shown.line);
        let out = Command::new("sh").arg("-c").arg(&command).env("PATH", &path).current_dir(scratch.path()).output().expect("sh runs");
        let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        let code = out.status.code().expect("an exit code, not a signal");
        assert_eq!(code, exit, "README.md:{}: `{command}` exits {code}, the README says {exit}\n{stdout}{stderr}", shown.line);
        if let Err(e) = shows(&shown.output, &format!("{stdout}{stderr}")) {
            panic!("README.md:{}: `{command}`: {e}\n--- what it printed:\n{stdout}{stderr}", shown.line);
        }
        last_exit = Some(code);
        ran += 1;
    }
    assert!(ran >= 15, "the README shows commands: {ran} ran");
}

/// The text of every `rust` block, in order.
fn rust_blocks(readme: &str) -> Vec<(usize, String)> {
    let mut blocks = Vec::new();
    let mut lines = readme.lines().enumerate();
    while let Some((i, text)) = lines.next() {
        if text == "```rust" {
            let block: Vec<&str> = lines.by_ref().map(|(_, l)| l).take_while(|l| !l.starts_with("```")).collect();
            blocks.push((i + 1, block.join("\n")));
        }
    }
    blocks
}

#[test]
fn the_readmes_library_code_is_the_example_that_runs() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let example = std::fs::read_to_string(root.join("examples/scenario_folder.rs")).unwrap();
    let blocks = rust_blocks(&readme);
    assert!(!blocks.is_empty(), "the README shows the library in a `rust` block");
    for (line, block) in blocks {
        assert!(example.contains(&block), "README.md:{line}: this `rust` block is not part of examples/scenario_folder.rs:\n{block}");
    }
}

#[test]
fn the_readers_helpers_are_strict() {
    assert_eq!(command_and_exit("failsim run x.ron   # exit 1: it fails"), ("failsim run x.ron".to_string(), 1));
    assert_eq!(command_and_exit("failsim run x.ron"), ("failsim run x.ron".to_string(), 0));
    let shown = ["a".to_string(), "...".to_string(), "c".to_string()];
    assert!(shows(&shown, "a\nb\nc\n").is_ok());
    assert!(shows(&shown, "c\na\n").is_err(), "order matters");
    assert!(shows(&shown, "a\nb\n").is_err(), "a missing line fails");
    assert!(shows(&["ab ...".to_string()], "abc\n").is_ok(), "a cut line is a start");
    assert!(shows(&["ab ...".to_string()], "xabc\n").is_err(), "at the start");
}
