//! A run against the trace its file pins (FS-PIN): one more expectation, after the file's own,
//! that holds when the replay is the run the file states.

use super::{ExpectationResult, Outcome};

/// The pin's expectation, when the scenario has one.
pub(super) fn verdict(scenario: &crate::scenario::Scenario, outcome: &Outcome) -> Option<ExpectationResult> {
    let pin = scenario.expect_trace.as_ref()?;
    let failure = crate::pin::verdict(pin, &outcome.timeline.pin_records(), outcome.trace_hash, outcome.events).err();
    let claim = match pin.failsim == crate::pin::VERSION {
        true => pin.claim(),
        false => format!("{} (this is failsim {})", pin.claim(), crate::pin::VERSION),
    };
    Some(ExpectationResult {
        ids: vec!["FS-PIN".into()],
        system: String::new(),
        when: "the whole run".into(),
        window: super::Window::run(outcome.end_ms),
        claim,
        failure,
    })
}
