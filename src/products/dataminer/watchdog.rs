//! SLWatchdog's runtime errors (DM-OPT-RTE). A thread that stops sending its watchdog signals
//! becomes a *half-open* runtime error (RTE) after 1.5 × `TimeoutTime` and an *open* one after
//! `Errors` such timeouts (docs: `MaintenanceSettings.WatchDog.TimeoutTime.md`: "if a half-open
//! RTE is reported after 7 minutes and 30 seconds, an open RTE is reported after 15 minutes").
//! What an open RTE does is SLWatchdog's `Actions`: an Error alarm (`Alarm`), a restart of
//! DataMiner (`Restart`), a Failover switch (`Switch`) — in Manual mode too — after which the
//! DMA with the RTE is marked offline and restarted so that it frees the VIP
//! (`MaintenanceSettings.WatchDog.md`). With `restartElementOnProtocolRTE`, an RTE on an
//! element's SLProtocol thread restarts the element first, and no switch happens when that
//! clears it. Threads listed in `SkipRTE` (under `FailoverOnRTE`) never cause a switch.
//!
//! A restart of DataMiner clears every hung thread of the DMA: the processes and their threads
//! start afresh (that is why the docs restart the switching DMA; interpretation).

use super::ClearedBy;
use super::{Cx, DataMiner, Dma, Event, Rec};
use crate::engine::{Time, TimerId};
use crate::place::{Place, Refusal};
use crate::units::Ms;
use serde::{Deserialize, Serialize};

/// `TimeoutTime` is whole minutes from 1 to 959 (docs: "The minimum value is 1, the maximum
/// value is 959 (15 hours and 59 minutes)").
const TIMEOUT_TIME_MAX_MIN: u64 = 959;
const MINUTE_MS: u64 = 60_000;
/// `Errors` has no documented bound; failsim's: 20 timeouts (959 min × 1.5 × 20 still fits the
/// longest run, 31 days).
const ERRORS_MAX: u32 = 20;
/// failsim's bound on an element restart (an hour is far beyond any element's start).
const ELEMENT_RESTART_TIME_MAX_MS: u64 = 3_600_000;
/// failsim's bounds on the `SkipRTE` list and on process, thread and element names.
const SKIP_RTE_MAX: usize = 100;
const NAME_MAX_CHARS: usize = 200;

/// A value of `WatchDog.Actions` (docs: "Possible values: alarm, restart, switch").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum WatchdogAction {
    /// An alarm with severity Error in the Alarm Console.
    Alarm,
    /// Restart the DataMiner Agent.
    Restart,
    /// A Failover switch (DM-OPT-RTE).
    Switch,
}

/// `WatchDog.FailoverOnRTE.SkipRTE`: a thread of a process that never causes a switch.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SkipRte {
    /// `process` (e.g. `SLDataMiner.exe`; matched without case and with or without `.exe`).
    process: String,
    /// `thread` (e.g. `Database Offload Thread [local]`; matched without case).
    thread: String,
}

/// SLWatchdog's settings that decide what a runtime error does (`MaintenanceSettings.xml`
/// `<WatchDog>`; DM-OPT-RTE). Every field defaults to the documented value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Watchdog {
    /// `WatchDog.Actions`. Docs default: `Alarm` alone (Configuration_of_DataMiner_processes.md,
    /// "Overview of the different SLWatchdog settings"), so an RTE switches the pair only when
    /// `Switch` is listed; `Alarm;switch` in the MaintenanceSettings.xml page is an example.
    actions: Vec<WatchdogAction>,
    /// `WatchDog.TimeoutTime`: 5 min (docs), whole minutes from 1 to 959. Threads are tracked at
    /// 1.5 × this: a half-open RTE after 7 min 30 s by default.
    timeout_time: Ms,
    /// `WatchDog.Errors`: 2 (docs). The RTE is open after this many tracked timeouts (15 min by
    /// default). From 1 to 20 (failsim's bound).
    errors: u32,
    /// `WatchDog.Actions@restartElementOnProtocolRTE`: an RTE on an element's SLProtocol thread
    /// restarts the element first. Unset (false) unless given: the docs describe it as an
    /// attribute to add; the example file that sets it is an example.
    restart_element_on_protocol_rte: bool,
    /// `WatchDog.FailoverOnRTE.SkipRTE` entries. Empty by default: the two SLDataMiner threads
    /// in the docs ("Database Offload Thread [local]", "Database cleaning") appear only in the
    /// example file, beside other non-default values (`Alarm;switch`); the SkipRTE page gives
    /// no default.
    skip_rte: Vec<SkipRte>,
    /// How long an element restart takes. No setting and no document gives it: failsim's
    /// assumption, 30 s. At most 1 h.
    element_restart_time: Ms,
}

impl Default for Watchdog {
    fn default() -> Self {
        Watchdog {
            actions: vec![WatchdogAction::Alarm],
            timeout_time: Ms::secs(300),
            errors: 2,
            restart_element_on_protocol_rte: false,
            skip_rte: Vec::new(),
            element_restart_time: Ms::secs(30),
        }
    }
}

impl Watchdog {
    /// Whether every field is the documented default (then a saved file leaves the section out).
    pub fn is_default(&self) -> bool {
        *self == Watchdog::default()
    }

    fn has(&self, action: WatchdogAction) -> bool {
        self.actions.contains(&action)
    }

    /// When a hung thread's RTE is half-open, from the moment it hung: 1.5 × `TimeoutTime`.
    fn half_open_ms(&self) -> u64 {
        self.timeout_time.0.saturating_mul(3) / 2
    }

    /// When it is open: `Errors` tracked timeouts (the docs' 15 min = 2 × 7 min 30 s).
    fn open_ms(&self) -> u64 {
        self.half_open_ms().saturating_mul(u64::from(self.errors))
    }

    /// Whether `SkipRTE` lists this thread of this process.
    fn skips(&self, process: &str, thread: &str) -> bool {
        self.skip_rte.iter().any(|s| same_process(&s.process, process) && s.thread.eq_ignore_ascii_case(thread))
    }

    /// Checks the limits of each field (a broken section is refused before the run).
    pub fn validate(&self) -> Result<(), Refusal> {
        let minutes = self.timeout_time.0 / MINUTE_MS;
        if !self.timeout_time.0.is_multiple_of(MINUTE_MS) || !(1..=TIMEOUT_TIME_MAX_MIN).contains(&minutes) {
            let message = format!("watchdog.timeout_time is {}; TimeoutTime is whole minutes from 1m to {TIMEOUT_TIME_MAX_MIN}m", self.timeout_time);
            return Err(Refusal::at(Place::of("timeout_time"), message));
        }
        if !(1..=ERRORS_MAX).contains(&self.errors) {
            return Err(Refusal::at(Place::of("errors"), format!("watchdog.errors is {}; from 1 to {ERRORS_MAX}", self.errors)));
        }
        if !(1..=ELEMENT_RESTART_TIME_MAX_MS).contains(&self.element_restart_time.0) {
            let message = format!("watchdog.element_restart_time is {}; above 0 and at most {}", self.element_restart_time, Ms(ELEMENT_RESTART_TIME_MAX_MS));
            return Err(Refusal::at(Place::of("element_restart_time"), message));
        }
        if let Some((i, a)) = self.actions.iter().enumerate().find(|(i, a)| self.actions[..*i].contains(a)) {
            return Err(Refusal::at(Place::of("actions").index(i), format!("watchdog.actions lists {a:?} twice (at {i})")));
        }
        if self.skip_rte.len() > SKIP_RTE_MAX {
            let message = format!("watchdog.skip_rte has {} entries; at most {SKIP_RTE_MAX}", self.skip_rte.len());
            return Err(Refusal::at(Place::of("skip_rte").index(SKIP_RTE_MAX), message));
        }
        for (i, s) in self.skip_rte.iter().enumerate() {
            let at = |field: &'static str| move |m: String| Refusal::at(Place::of("skip_rte").index(i).field(field), m);
            name_ok("a SkipRTE process", &s.process).map_err(at("process"))?;
            name_ok("a SkipRTE thread", &s.thread).map_err(at("thread"))?;
        }
        Ok(())
    }
}

/// Checks a `RuntimeError` fault against what it can mean: names within bounds, an element only
/// for an SLProtocol thread (the docs' "element-related SLProtocol thread"), and an element
/// restart that clears it only for a thread of an element.
pub(super) fn check_fault(process: &str, thread: &str, element: Option<&str>, cleared_by: ClearedBy) -> Result<(), String> {
    name_ok("the process", process)?;
    name_ok("the thread", thread)?;
    if let Some(e) = element {
        name_ok("the element", e)?;
        if !same_process(process, "SLProtocol") {
            return Err(format!("`element:` names an element's SLProtocol thread, but the process is `{process}`"));
        }
    }
    if cleared_by == ClearedBy::ElementRestart && element.is_none() {
        return Err("`cleared_by: ElementRestart` needs the element whose SLProtocol thread hangs (`element: \"…\"`)".into());
    }
    Ok(())
}

fn name_ok(what: &str, name: &str) -> Result<(), String> {
    match name.chars().count() {
        0 => Err(format!("{what} needs a name")),
        n if n > NAME_MAX_CHARS => Err(format!("{what}'s name has {n} characters; at most {NAME_MAX_CHARS}")),
        _ => Ok(()),
    }
}

/// Process names as Windows writes them: without case, with or without `.exe`.
fn same_process(a: &str, b: &str) -> bool {
    let base = |s: &str| {
        let s = s.trim().to_ascii_lowercase();
        s.strip_suffix(".exe").map(str::to_string).unwrap_or(s)
    };
    base(a) == base(b)
}

/// Where a hung thread is on its way to an open RTE.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Stage {
    /// No signal since it hung; not yet 1.5 × `TimeoutTime`.
    Tracked,
    HalfOpen,
    Open,
    /// Open, and its element restarting (`restartElementOnProtocolRTE`).
    RestartingElement,
}

/// A thread that stopped signalling the Watchdog (`RuntimeError`).
#[derive(Clone, Debug, Hash)]
struct Hung {
    /// Names the thread in its timer's events (ids are never reused on a DMA).
    id: u32,
    process: String,
    thread: String,
    element: Option<String>,
    cleared_by: ClearedBy,
    stage: Stage,
    timer: TimerId,
}

impl Hung {
    /// An RTE counts once it is open (the Status dialog's "RTE Count: current runtime errors";
    /// interpretation: a half-open RTE is a warning stage, not yet an error).
    fn is_open(&self) -> bool {
        matches!(self.stage, Stage::Open | Stage::RestartingElement)
    }

    fn label(&self) -> String {
        let of = self.element.as_ref().map_or(String::new(), |e| format!(" (element {e})"));
        format!("{} thread \"{}\"{of}", self.process, self.thread)
    }
}

/// One DMA's hung threads, as its SLWatchdog tracks them.
#[derive(Clone, Debug, Default, Hash)]
pub struct Threads {
    hung: Vec<Hung>,
    next_id: u32,
    /// Since when the Watchdog tracked a hung thread on this DMA: the Status dialog shows its RTE
    /// Count from then on (as it shows a NIC only after its first link event; failsim's choice,
    /// so that a run without runtime errors shows the dialog as before).
    tracked_since_ms: Option<Time>,
}

/// How a switch the Watchdog asked for ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Switched {
    Started,
    NotStarted,
}

impl DataMiner {
    /// `RuntimeError`: a thread of a running DMA stops signalling; its RTE is half-open after
    /// 1.5 × `TimeoutTime`. A DMA that does not run has no thread to hang.
    pub(super) fn hang_thread(&mut self, dma: Dma, process: String, thread: String, element: Option<String>, cleared_by: ClearedBy, cx: &mut Cx<'_, '_>) {
        if !self.agent(dma).is_running() {
            cx.record(Rec::Refused { what: format!("runtime error on {}", self.name(dma)), why: "DataMiner is not running there".into() });
            return;
        }
        let (now, half_open_ms, timer) = (cx.now(), self.cfg.watchdog.half_open_ms(), cx.new_timer());
        let threads = &mut self.rte[dma.idx()];
        let id = threads.next_id;
        threads.next_id = id.checked_add(1).expect("fewer than 2^32 runtime errors: script steps are bounded");
        threads.tracked_since_ms.get_or_insert(now);
        let hung = Hung { id, process, thread, element, cleared_by, stage: Stage::Tracked, timer };
        let why = format!("half-open RTE after {}", Ms(half_open_ms));
        cx.record(Rec::Rte { dma: self.name(dma).into(), thread: hung.label(), state: "stops signalling", why });
        self.rte[dma.idx()].hung.push(hung);
        cx.arm(timer, half_open_ms, Event::Watchdog { dma, id });
        assert!(self.rte[dma.idx()].tracked_since_ms.is_some(), "a DMA with a hung thread shows its RTE Count");
    }

    /// A hung thread's timer fired: its RTE becomes half-open or open, or its element restart
    /// ended. A stopped DMA's threads were cleared with their timers.
    pub(super) fn on_watchdog(&mut self, dma: Dma, id: u32, cx: &mut Cx<'_, '_>) {
        let Some(i) = self.rte[dma.idx()].hung.iter().position(|h| h.id == id) else { unreachable!("a cleared thread's timer is cancelled") };
        assert!(self.agent(dma).is_running(), "only a running DMA has hung threads");
        match self.rte[dma.idx()].hung[i].stage {
            Stage::Tracked => self.half_open(dma, i, cx),
            Stage::HalfOpen => self.open(dma, i, cx),
            Stage::RestartingElement => self.element_restarted(dma, i, cx),
            Stage::Open => unreachable!("an open RTE's timer is not armed"),
        }
    }

    fn half_open(&mut self, dma: Dma, i: usize, cx: &mut Cx<'_, '_>) {
        let w = &self.cfg.watchdog;
        let (half_open_ms, open_ms, errors) = (w.half_open_ms(), w.open_ms(), w.errors);
        let hung = &mut self.rte[dma.idx()].hung[i];
        assert_eq!(hung.stage, Stage::Tracked, "only a tracked thread's RTE becomes half-open");
        hung.stage = Stage::HalfOpen;
        let why = format!("no watchdog signal for {}", Ms(half_open_ms));
        let (label, timer, id) = (hung.label(), hung.timer, hung.id);
        cx.record(Rec::Rte { dma: self.name(dma).into(), thread: label, state: "half-open RTE", why });
        if errors <= 1 {
            self.open(dma, i, cx);
        } else {
            cx.arm(timer, open_ms.saturating_sub(half_open_ms), Event::Watchdog { dma, id });
        }
    }

    /// The RTE opens: an element-related SLProtocol thread's element restarts first
    /// (`restartElementOnProtocolRTE`); otherwise the Watchdog's actions follow.
    fn open(&mut self, dma: Dma, i: usize, cx: &mut Cx<'_, '_>) {
        let open_ms = self.cfg.watchdog.open_ms();
        let hung = &mut self.rte[dma.idx()].hung[i];
        assert_eq!(hung.stage, Stage::HalfOpen, "only a half-open RTE opens");
        hung.stage = Stage::Open;
        let label = hung.label();
        cx.record(Rec::Rte { dma: self.name(dma).into(), thread: label, state: "open RTE", why: format!("no watchdog signal for {}", Ms(open_ms)) });
        let element = self.rte[dma.idx()].hung[i].element.clone();
        match element {
            Some(element) if self.cfg.watchdog.restart_element_on_protocol_rte => self.restart_element(dma, i, element, cx),
            _ => self.act_on_open_rte(dma, i, cx),
        }
    }

    fn restart_element(&mut self, dma: Dma, i: usize, element: String, cx: &mut Cx<'_, '_>) {
        let restart_ms = self.cfg.watchdog.element_restart_time.0;
        let hung = &mut self.rte[dma.idx()].hung[i];
        assert_eq!(hung.stage, Stage::Open, "an element restarts for an open RTE");
        hung.stage = Stage::RestartingElement;
        let (timer, id) = (hung.timer, hung.id);
        cx.arm(timer, restart_ms, Event::Watchdog { dma, id });
        let outcome = format!("restarting (restartElementOnProtocolRTE; ready in {})", Ms(restart_ms));
        cx.record(Rec::ElementRestart { dma: self.name(dma).into(), element, outcome });
    }

    /// The element restart ended. It succeeded when restarting the element clears the hang: no
    /// switch then (docs: "No Failover switch will be initiated when the element restart
    /// succeeds"). Otherwise the RTE stays open and the Watchdog's actions follow.
    fn element_restarted(&mut self, dma: Dma, i: usize, cx: &mut Cx<'_, '_>) {
        let name = self.name(dma).to_string();
        let hung = &mut self.rte[dma.idx()].hung[i];
        assert_eq!(hung.stage, Stage::RestartingElement, "only a restarting element finishes its restart");
        let element = hung.element.clone().expect("only an element's thread restarts its element");
        if hung.cleared_by == ClearedBy::ElementRestart {
            let hung = self.rte[dma.idx()].hung.remove(i);
            cx.record(Rec::ElementRestart { dma: name.clone(), element, outcome: "restarted: the thread signals again".into() });
            cx.record(Rec::Rte { dma: name, thread: hung.label(), state: "cleared", why: "the element restart succeeded: no switch".into() });
            return;
        }
        hung.stage = Stage::Open;
        cx.record(Rec::ElementRestart { dma: name, element, outcome: "restarted, but the thread still hangs".into() });
        self.act_on_open_rte(dma, i, cx);
    }

    /// An open RTE that stays open: a switch (`Switch`, unless `SkipRTE` lists the thread), or,
    /// when none started, a restart of DataMiner (`Restart`). `Alarm` is a standing condition
    /// (see [`DataMiner::rte_alarm_ids`]).
    fn act_on_open_rte(&mut self, dma: Dma, i: usize, cx: &mut Cx<'_, '_>) {
        let hung = &self.rte[dma.idx()].hung[i];
        assert!(hung.is_open(), "the Watchdog acts on an open RTE");
        let w = &self.cfg.watchdog;
        let skipped = w.skips(&hung.process, &hung.thread);
        let (switch, restart, label) = (w.has(WatchdogAction::Switch), w.has(WatchdogAction::Restart), hung.label());
        let switched = match (switch, skipped) {
            (false, _) => Switched::NotStarted,
            (true, true) => {
                let outcome = format!("none: {label} is listed in SkipRTE");
                cx.record(Rec::RteSwitch { dma: self.name(dma).into(), to: self.name(dma.buddy()).into(), outcome });
                Switched::NotStarted
            }
            (true, false) => self.rte_switch(dma, &label, cx),
        };
        if switched == Switched::NotStarted && restart {
            self.restart_agent(dma, "restarted by the Watchdog (runtime error)", cx);
        }
    }

    /// DM-OPT-RTE: the switch the Watchdog starts, in Automatic and Manual mode. The buddy goes
    /// online as after a forced Switch (its NIC check, the go-offline notice, the VIP check and
    /// the switch time all apply); the DMA with the RTE, told to go offline, releases the VIP and
    /// is restarted. Interpretation: the switch moves the online role away, so it needs a DMA
    /// with the RTE that claims that role, and a buddy that runs, is offline and can be told —
    /// as the manual Switch needs a running offline DMA (DM-MANUAL). Otherwise the RTE stands
    /// (its count, its alarm) and nothing switches.
    fn rte_switch(&mut self, dma: Dma, label: &str, cx: &mut Cx<'_, '_>) -> Switched {
        let buddy = dma.buddy();
        let (me, other) = (self.name(dma).to_string(), self.name(buddy).to_string());
        let refusal = if !self.agent(dma).role.is_claiming() {
            Some(format!("none: {me} is offline, there is nothing to switch away from"))
        } else if !self.agent(buddy).is_running() {
            Some(format!("refused: the offline DMA {other} is not running"))
        } else if self.agent(buddy).role.is_claiming() {
            Some(format!("refused: {other} is not offline ({})", self.agent(buddy).role.label()))
        } else if !self.can_message(cx.net(), dma, buddy) {
            Some(format!("refused: {me} cannot reach {other}"))
        } else {
            None
        };
        if let Some(outcome) = refusal {
            cx.record(Rec::RteSwitch { dma: me, to: other, outcome });
            return Switched::NotStarted;
        }
        cx.record(Rec::RteSwitch { dma: me.clone(), to: other.clone(), outcome: format!("started ({label})") });
        if !self.try_go_online(buddy, &format!("runtime error switch from {me}"), true, cx) {
            let outcome = format!("{other} does not go online: {me} stays online");
            cx.record(Rec::RteSwitch { dma: me, to: other, outcome });
            return Switched::NotStarted;
        }
        assert!(!self.agent(dma).role.is_claiming(), "the DMA with the RTE was told to go offline and did");
        self.restart_agent(dma, "restarted by the Watchdog after the runtime error switch, to free the VIP", cx);
        assert!(self.rte[dma.idx()].hung.is_empty(), "the restart clears the DMA's hung threads");
        Switched::Started
    }

    /// Every hung thread of the DMA signals again: DataMiner stopped (its threads start afresh
    /// with it) or, `ClearRuntimeError`, what they waited for came back.
    pub(super) fn clear_hung_threads(&mut self, dma: Dma, why: &str, cx: &mut Cx<'_, '_>) {
        let hung = std::mem::take(&mut self.rte[dma.idx()].hung);
        for h in hung {
            cx.cancel(h.timer);
            cx.record(Rec::Rte { dma: self.name(dma).into(), thread: h.label(), state: "cleared", why: why.into() });
        }
        assert!(self.rte[dma.idx()].hung.is_empty(), "a cleared DMA has no hung thread");
    }

    /// `ClearRuntimeError`: refused when the DMA has no hung thread.
    pub(super) fn cmd_clear_runtime_errors(&mut self, dma: Dma, cx: &mut Cx<'_, '_>) {
        if self.rte[dma.idx()].hung.is_empty() {
            cx.record(Rec::Refused { what: format!("clear the runtime errors of {}", self.name(dma)), why: "no thread hangs there".into() });
            return;
        }
        // A DMA that stopped had its threads cleared with it (`stop_agent`).
        assert!(self.agent(dma).is_running(), "only a running DMA has hung threads to clear");
        self.clear_hung_threads(dma, "the thread signals again", cx);
    }

    /// The Status dialog's "RTE Count" (current runtime errors, domain.md §1.6): the DMA's open RTEs.
    pub fn rte_count(&self, dma: Dma) -> u32 {
        let open = self.rte[dma.idx()].hung.iter().filter(|h| h.is_open()).count();
        u32::try_from(open).unwrap_or(u32::MAX)
    }

    /// The RTE Count as the Status dialog shows it: from the Watchdog's first hung thread on.
    pub(super) fn rte_count_shown(&self, dma: Dma) -> Option<u32> {
        self.rte[dma.idx()].tracked_since_ms.map(|_| self.rte_count(dma))
    }

    /// The Alarm Console's runtime-error alarms: with `Alarm` in the actions, one of severity
    /// Error per open RTE (docs, Configuration_of_DataMiner_processes.md: "Create an alarm with
    /// severity 'Error' ... detailed information about the anomaly").
    pub(super) fn rte_alarm_ids(&self, dma: Dma) -> impl Iterator<Item = u32> + '_ {
        let alarm = self.cfg.watchdog.has(WatchdogAction::Alarm);
        self.rte[dma.idx()].hung.iter().filter(move |h| alarm && h.is_open()).map(|h| h.id)
    }

    /// The text of the runtime error alarm of hung thread `id` (one of
    /// [`DataMiner::rte_alarm_ids`]).
    pub(super) fn rte_alarm_text(&self, dma: Dma, id: u32) -> String {
        let hung = self.rte[dma.idx()].hung.iter().find(|h| h.id == id).expect("an open runtime error is a hung thread's");
        format!("Runtime error: {} missed its watchdog signals", hung.label())
    }

    /// Invariants of the Watchdog's state: only a running DMA has hung threads.
    pub(super) fn check_rte_invariants(&self) {
        for d in Dma::BOTH {
            assert!(self.agent(d).is_running() || self.rte[d.idx()].hung.is_empty(), "{d:?} has hung threads but does not run");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_documented_timing_is_half_open_at_7m30s_and_open_at_15m() {
        let w = Watchdog::default();
        assert_eq!((w.half_open_ms(), w.open_ms()), (450_000, 900_000));
        let w = Watchdog { timeout_time: Ms::secs(120), errors: 3, ..Watchdog::default() };
        assert_eq!((w.half_open_ms(), w.open_ms()), (180_000, 540_000));
    }

    #[test]
    fn skip_rte_matches_process_names_as_windows_writes_them() {
        let w = Watchdog { skip_rte: vec![SkipRte { process: "SLDataMiner.exe".into(), thread: "Database cleaning".into() }], ..Watchdog::default() };
        assert!(w.skips("SLDataMiner", "database cleaning"));
        assert!(w.skips("sldataminer.EXE", "Database cleaning"));
        assert!(!w.skips("SLProtocol", "Database cleaning"));
        assert!(!w.skips("SLDataMiner", "Database Offload Thread [local]"));
    }

    #[test]
    fn the_limits_are_located_errors_not_panics() {
        let bad = [
            Watchdog { timeout_time: Ms::secs(90), ..Watchdog::default() },
            Watchdog { timeout_time: Ms(0), ..Watchdog::default() },
            Watchdog { timeout_time: Ms::secs(960 * 60), ..Watchdog::default() },
            Watchdog { errors: 0, ..Watchdog::default() },
            Watchdog { errors: ERRORS_MAX + 1, ..Watchdog::default() },
            Watchdog { element_restart_time: Ms(0), ..Watchdog::default() },
            Watchdog { actions: vec![WatchdogAction::Switch, WatchdogAction::Switch], ..Watchdog::default() },
            Watchdog { skip_rte: vec![SkipRte { process: String::new(), thread: "t".into() }], ..Watchdog::default() },
        ];
        for w in bad {
            assert!(w.validate().is_err(), "{w:?}");
        }
        // The list and name limits, just inside and just past.
        let skip = |n: usize, name_chars: usize| {
            let entry = SkipRte { process: "SLProtocol".into(), thread: "t".repeat(name_chars) };
            Watchdog { skip_rte: vec![entry; n], ..Watchdog::default() }.validate()
        };
        assert!(skip(SKIP_RTE_MAX, NAME_MAX_CHARS).is_ok());
        assert!(skip(SKIP_RTE_MAX + 1, 1).is_err_and(|e| e.message.contains("at most 100")));
        assert!(skip(1, NAME_MAX_CHARS + 1).is_err_and(|e| e.message.contains("at most 200")));
        let longest = Watchdog { timeout_time: Ms::secs(959 * 60), errors: ERRORS_MAX, ..Watchdog::default() };
        assert!(longest.validate().is_ok());
        assert!(longest.open_ms() <= crate::units::MAX_MS, "the longest RTE opens within the longest run");
        assert!(Watchdog::default().validate().is_ok());
    }

    #[test]
    fn a_fault_names_an_element_only_for_an_slprotocol_thread() {
        assert!(check_fault("SLProtocol.exe", "t", Some("Encoder"), ClearedBy::ElementRestart).is_ok());
        assert!(check_fault("SLDataMiner", "t", Some("Encoder"), ClearedBy::SoftwareRestart).is_err());
        assert!(check_fault("SLProtocol", "t", None, ClearedBy::ElementRestart).is_err());
        assert!(check_fault("SLProtocol", "", None, ClearedBy::SoftwareRestart).is_err());
    }
}
