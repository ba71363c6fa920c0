//! The timeline's lanes of a run: every system's own lanes (nodes, links) and the world's
//! cables, each lane once, recorded as intervals of constant state.
//!
//! A world of a thousand pairs has thousands of lanes, and most instants change one pair: the
//! cables are the world's, looked at once for every system and only when the network changed
//! (its epoch); a system's own lanes are looked at again only when it settled since (its lanes
//! follow its state and its NICs' links, which only world faults change, and those settle every
//! system). Debug builds check that a system that did not settle shows the lanes recorded.

use super::{Harness, Lane};
use crate::engine::Time;
use crate::net::{PortId, PortKind};
use crate::ops::{LaneKind, LaneSample};
use crate::products::Product;

/// Where each sample goes: which lane, or none when an earlier lane of the same name took it
/// (a world's cable in the list of every system, shown once).
struct Layout {
    /// Per system, the lane of each of its own samples: its nodes, then its links.
    own: Vec<Vec<Option<usize>>>,
    /// Per cable of the world, in the world's order, its lane (none: no system draws it).
    cables: Vec<Option<usize>>,
    /// Each switch (and router) of the world with its lane: a world element that can fail
    /// (FailSwitch) is drawn with the first system's lanes, as the cables are.
    switches: Vec<(PortId, usize)>,
}

impl Layout {
    /// The order the lanes are shown in: the first system's nodes, the cables it draws and its
    /// links; then each further system's, without a name shown already.
    fn of<P: Product>(h: &Harness<P>) -> (Layout, Vec<(LaneSample, usize)>) {
        let world = &h.world;
        // Each sample with the index of the system that shows it first.
        let mut samples: Vec<(LaneSample, usize)> = Vec::new();
        let mut seen: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
        let mut layout = Layout { own: Vec::new(), cables: vec![None; world.net().cable_states().count()], switches: Vec::new() };
        for (i, system) in h.systems.iter().enumerate() {
            let lanes = system.lanes(world);
            // The first system shows all of its lanes; the others only names not shown yet, and
            // their own service lanes (each system's, under one name).
            let mut take = |sample: LaneSample, samples: &mut Vec<(LaneSample, usize)>| {
                let new = seen.insert(sample.name.clone());
                (i == 0 || new || sample.kind == LaneKind::Service).then(|| {
                    samples.push((sample, i));
                    samples.len() - 1
                })
            };
            let mut own: Vec<Option<usize>> = lanes.nodes.into_iter().chain(lanes.holders).map(|s| take(s, &mut samples)).collect();
            for (id, name, plugged) in world.net().cable_states() {
                let slot = &mut layout.cables[usize::from(id.0)];
                // A cable already shown has its name seen: no later system shows it again.
                if slot.is_none() && lanes.cables.draws(id) {
                    *slot = take(LaneSample::cable(name, plugged), &mut samples);
                }
            }
            own.extend(lanes.links.into_iter().chain(lanes.heartbeats).chain(lanes.service).map(|s| take(s, &mut samples)));
            layout.own.push(own);
        }
        for (id, port) in world.net().ports().filter(|(_, p)| matches!(p.kind, PortKind::Switch { .. })) {
            if seen.insert(port.name.clone()) {
                samples.push((LaneSample::switch(port.name.clone(), world.net().port_is_up(id)), 0));
                layout.switches.push((id, samples.len() - 1));
            }
        }
        (layout, samples)
    }
}

/// Builds the run's lanes from what each system and the world show at each changed instant.
#[derive(Default)]
pub(super) struct LaneRecorder {
    lanes: Vec<Lane>,
    layout: Option<Layout>,
    /// The network's epoch when the cables were last looked at.
    epoch: Option<u64>,
    /// Each cable's state as last recorded: plugged or not.
    plugged: Vec<bool>,
    /// Each system's settle count when its lanes were last looked at.
    settled: Vec<u64>,
}

impl LaneRecorder {
    /// Records the lanes' states of an instant that changed the model, from `at_ms` on.
    pub(super) fn observe<P: Product>(&mut self, at_ms: Time, h: &Harness<P>) {
        let Some(layout) = &self.layout else {
            let (layout, samples) = Layout::of(h);
            self.lanes = samples.into_iter().map(|(s, system)| Lane { name: s.name, kind: s.kind, system, segments: vec![(at_ms, at_ms, s.state)] }).collect();
            self.plugged = h.world.net().cable_states().map(|(_, _, plugged)| plugged).collect();
            self.epoch = Some(h.world.net().epoch());
            self.settled = (0..h.systems.len()).map(|i| h.settled(i)).collect();
            self.layout = Some(layout);
            return;
        };
        let net = h.world.net();
        if self.epoch != Some(net.epoch()) {
            self.epoch = Some(net.epoch());
            for (id, name, plugged) in net.cable_states() {
                let c = usize::from(id.0);
                if self.plugged[c] != plugged {
                    self.plugged[c] = plugged;
                    if let Some(lane) = layout.cables[c] {
                        record(&mut self.lanes[lane], at_ms, LaneSample::cable(name, plugged));
                    }
                }
            }
            for &(port, lane) in &layout.switches {
                let up = net.port_is_up(port);
                let shown = self.lanes[lane].segments.last().map(|(_, _, s)| s.meaning == crate::ops::Meaning::Up);
                if shown != Some(up) {
                    record(&mut self.lanes[lane], at_ms, LaneSample::switch(net.port(port).name.clone(), up));
                }
            }
        }
        for (i, system) in h.systems.iter().enumerate() {
            let settled = h.settled(i);
            let again = self.settled[i] != settled;
            if !again && !cfg!(debug_assertions) {
                continue;
            }
            self.settled[i] = settled;
            let lanes = system.lanes(&h.world);
            let own = lanes.nodes.into_iter().chain(lanes.holders).chain(lanes.links).chain(lanes.heartbeats).chain(lanes.service);
            assert_eq!(own.size_hint().0, layout.own[i].len(), "a system shows the same lanes for the whole run");
            for (sample, lane) in own.zip(&layout.own[i]) {
                let Some(lane) = *lane else { continue };
                let lane = &mut self.lanes[lane];
                match again {
                    true => record(lane, at_ms, sample),
                    false => {
                        let shown = lane.segments.last().map(|(_, _, s)| s);
                        assert_eq!(shown, Some(&sample.state), "{} changed while its system did not settle", lane.name);
                    }
                }
            }
        }
    }

    /// The lanes, each closed at `end_ms`.
    pub(super) fn finish(mut self, end_ms: Time) -> Vec<Lane> {
        for lane in &mut self.lanes {
            if let Some((_, to, _)) = lane.segments.last_mut() {
                *to = end_ms;
            }
        }
        self.lanes
    }
}

/// A lane's state from `at_ms` on: a new segment if it differs from the last.
fn record(lane: &mut Lane, at_ms: Time, sample: LaneSample) {
    assert_eq!(lane.kind, sample.kind, "a lane follows one kind of thing for the whole run");
    match lane.segments.last_mut() {
        Some((_, _, s)) if *s == sample.state => {}
        Some((_, to, _)) => {
            *to = at_ms;
            lane.segments.push((at_ms, at_ms, sample.state));
        }
        None => lane.segments.push((at_ms, at_ms, sample.state)),
    }
}

/// Every lane's state now, in the order a run shows them, with the index of the system that
/// shows it (`failsim graph`'s node states).
pub(super) fn now_by_system<P: Product>(h: &Harness<P>) -> Vec<(LaneSample, usize)> {
    Layout::of(h).1
}
