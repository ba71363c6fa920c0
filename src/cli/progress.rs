//! The progress bar of chaos, explore and sweep: bar, percentage, runs done, elapsed time, ETA,
//! rate and findings so far, on stderr when it is a terminal (and not `--quiet`), cleared at the
//! end. The libraries only call back; what is drawn is the CLI's.

use std::sync::OnceLock;

static BAR: OnceLock<indicatif::ProgressBar> = OnceLock::new();

/// The progress callback, on a terminal only: indicatif would hide the bar elsewhere anyway,
/// and a run then pays nothing for it.
pub(crate) fn shown() -> Option<fn(u64, u64, u64)> {
    use std::io::IsTerminal;
    (std::io::stderr().is_terminal() && !super::style::quiet()).then_some(draw as fn(u64, u64, u64))
}

/// Clears the progress bar, if one was drawn.
pub(crate) fn finish() {
    if let Some(bar) = BAR.get() {
        bar.finish_and_clear();
    }
}

/// The progress bar: bar, percentage, runs done, elapsed time, ETA, rate
/// and findings so far (indicatif: hidden when stderr is not a terminal).
pub(crate) fn draw(done: u64, total: u64, findings: u64) {
    let bar = BAR.get_or_init(|| {
        let bar = indicatif::ProgressBar::new(total);
        let style =
            indicatif::ProgressStyle::with_template("{bar:30} {percent:>3}% {human_pos}/{human_len} runs, {elapsed} elapsed, ETA {eta}, {per_sec}, {msg}")
                .expect("a valid template");
        bar.set_style(style);
        // Elapsed time and ETA move between runs too (a shrink can take a while).
        bar.enable_steady_tick(std::time::Duration::from_millis(500));
        // A resumed campaign starts part-way: its rate counts only this session's runs.
        bar.set_position(done);
        bar.reset_eta();
        bar
    });
    bar.set_position(done);
    bar.set_message(format!("{findings} finding(s)"));
}
