//! The self-contained HTML report of a run: metrics, the SVG timeline, the final Status dialogs
//! and consoles, the DNS table. No external assets; the same bytes on every run.

use crate::run::Outcome;

pub fn page(o: &Outcome) -> String {
    let _ = o;
    String::from("<!doctype html>\n")
}
