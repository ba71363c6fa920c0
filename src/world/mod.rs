//! The world a run happens in: the network (hosts with their power, NICs, switches, cables),
//! the DNS server, and the allocator of random streams. The runner owns it; every system of a
//! run lives in it and reads it.
//!
//! World faults — a cable pulled or plugged, a NIC disabled or enabled, a host losing or
//! regaining power, a switch failing or coming back (an inter-switch link is a cable between
//! two switches) — are applied here, once, with one meaning for every product. Products ask for
//! them ([`WorldCx::request`]) and learn what they did through hooks; they never change the
//! network's state themselves (they may hold addresses — a VIP — and register names in DNS).
//! Product-agnostic: no roles, heartbeats or alarms here.

mod bind;
mod decl;

pub use bind::{Footprint, Held, Named, Peer, Region};
pub use decl::{End, WorldDecl};

use crate::action::{Action, NamedFault};
use crate::engine::{Ctx, StreamAllocator, Streams, Tagged, Time, TimerId};
use crate::net::{CableId, Cidr, Dns, HostId, Ip, PortId, PortKind, Route, RouteTable, Topology};

/// The most systems one world holds (system indices are 16-bit).
pub const MAX_SYSTEMS: usize = 10_000;

/// The network, the DNS server and the random streams of one run.
#[derive(Clone, Debug, Hash)]
pub struct World {
    net: Topology,
    dns: Dns,
    streams: StreamAllocator,
    /// Each host's routing table (the hosts that have persistent routes), by host.
    routes: std::collections::BTreeMap<HostId, RouteTable>,
    /// Each system's region: the declared world, or the preset it brought.
    regions: Vec<Region>,
}

/// A change of the physical world, with the one meaning it has for every product.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorldFault {
    /// A cable (NIC to switch, NIC to NIC, or switch to switch) is pulled out or plugged in.
    Cable { cable: CableId, plugged: bool },
    /// A NIC is disabled or enabled in the operating system.
    Nic { port: PortId, enabled: bool },
    /// A host loses power (an unexpected shutdown) or gets it back.
    Power { host: HostId, on: bool },
    /// A switch or router fails (every port down) or is restored.
    Switch { port: PortId, up: bool },
}

/// What the world says in the trace when a fault changed it: once per fault, whatever systems
/// share the part (each system narrates only what the fault did to its own hosts and NICs).
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub enum Narration {
    /// A cable was pulled out or plugged in.
    Cable { cable: String, plugged: bool },
}

impl Narration {
    /// What the world says of `fault` now that it was applied (`None`: nothing to say).
    pub fn of(fault: &WorldFault, applied: &Applied, net: &Topology) -> Option<Narration> {
        match *fault {
            WorldFault::Cable { cable, plugged } if applied.changed => Some(Narration::Cable { cable: net.cable(cable).name.clone(), plugged }),
            WorldFault::Cable { .. } | WorldFault::Nic { .. } | WorldFault::Power { .. } | WorldFault::Switch { .. } => None,
        }
    }
}

impl std::fmt::Display for Narration {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Narration::Cable { cable, plugged } => write!(f, "{cable} {}", if *plugged { "plugged in" } else { "pulled out" }),
        }
    }
}

impl From<Narration> for String {
    fn from(n: Narration) -> String {
        n.to_string()
    }
}

/// Which of the world's cables a system draws on its timeline.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drawn<'a> {
    /// None (a product without cables of its own).
    Nothing,
    /// Every cable but these (a preset's scenery: the client's cable, the WAN link).
    AllBut(&'a [CableId]),
}

impl Drawn<'_> {
    /// Every cable of the world.
    pub const ALL: Drawn<'static> = Drawn::AllBut(&[]);

    pub fn draws(self, cable: CableId) -> bool {
        match self {
            Drawn::Nothing => false,
            Drawn::AllBut(hidden) => !hidden.contains(&cable),
        }
    }
}

/// What applying a fault did.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Applied {
    /// Whether the fault changed anything (pulling a pulled cable does not).
    pub changed: bool,
    /// NICs whose media sense changed, in port order, with their link now.
    pub links: Vec<(PortId, bool)>,
}

impl Applied {
    /// Whether the NIC's link changed, and to what.
    pub fn link(&self, port: PortId) -> Option<bool> {
        self.links.iter().find(|(p, _)| *p == port).map(|(_, up)| *up)
    }
}

impl World {
    pub fn new(seed: u64) -> Self {
        World { net: Topology::new(), dns: Dns::default(), streams: StreamAllocator::new(seed), routes: std::collections::BTreeMap::new(), regions: Vec::new() }
    }

    /// The world of a run's `systems`: the one the scenario declares, every system's region;
    /// or, without one, each system's preset (its built-in layout) laid out in turn, a region
    /// of its own.
    pub fn laid_out(seed: u64, decl: Option<&WorldDecl>, presets: &[WorldDecl], systems: usize) -> Self {
        let mut world = World::new(seed);
        world.regions = match decl {
            Some(decl) => vec![world.lay_out(decl); systems],
            None => presets.iter().map(|preset| world.lay_out(preset)).collect(),
        };
        assert_eq!(world.regions.len(), systems, "every system has its region");
        world
    }

    /// Lays out `decl` after what the world holds: its region.
    fn lay_out(&mut self, decl: &WorldDecl) -> Region {
        decl.build(self)
    }

    /// The region system `system` lives in.
    pub fn region(&self, system: u16) -> Region {
        self.regions[usize::from(system)]
    }

    pub fn net(&self) -> &Topology {
        &self.net
    }

    /// All of the world as one region (a declared world's names are unique in it).
    fn whole(&self) -> Region {
        let id = |n: usize| u16::try_from(n).expect("a world's ids are 16-bit");
        let (hosts, ports, cables) = self.net.counts();
        Region { hosts: (0, id(hosts)), ports: (0, id(ports)), cables: (0, id(cables)) }
    }

    /// The faults a world action means, with one meaning for every product (`None`: the action
    /// is not a world fault). A role-named one lands where the product says its node is: the
    /// NICs it names (`nics`, the ones its `CableRef` picks), the node's `host`, the world's one
    /// `switch`; a named one on the part it names. A NIC without a cable gives no cable fault.
    pub fn faults_of(&self, action: &Action, host: Option<HostId>, nics: &[PortId], switch: Option<PortId>) -> Option<Vec<WorldFault>> {
        let on_host = |on| host.map(|host| WorldFault::Power { host, on }).into_iter().collect();
        Some(match action {
            Action::Pull { .. } | Action::Plug { .. } => {
                let plugged = matches!(action, Action::Plug { .. });
                nics.iter().filter_map(|nic| self.net.cable_of(*nic)).map(|cable| WorldFault::Cable { cable, plugged }).collect()
            }
            Action::DisableNic { .. } | Action::EnableNic { .. } => {
                let enabled = matches!(action, Action::EnableNic { .. });
                nics.iter().map(|&port| WorldFault::Nic { port, enabled }).collect()
            }
            Action::PowerFail(_) => on_host(false),
            Action::PowerOn(_) => on_host(true),
            // The parser refuses an unnamed switch fault in a world without exactly one switch.
            Action::FailSwitch | Action::RestoreSwitch => {
                switch.map(|port| WorldFault::Switch { port, up: matches!(action, Action::RestoreSwitch) }).into_iter().collect()
            }
            Action::World(f) => self.named_fault(f).into_iter().collect(),
            _ => return None,
        })
    }

    /// The fault a named world action means (`None`: no such part; the parser refuses that,
    /// and refuses a named fault without a declared world).
    pub fn named_fault(&self, f: &NamedFault) -> Option<WorldFault> {
        let all = self.whole();
        Some(match f {
            NamedFault::Pull { cable } => WorldFault::Cable { cable: all.cable(self, cable)?, plugged: false },
            NamedFault::Plug { cable } => WorldFault::Cable { cable: all.cable(self, cable)?, plugged: true },
            NamedFault::DisableNic { host, nic } => WorldFault::Nic { port: all.nic(self, host, nic)?, enabled: false },
            NamedFault::EnableNic { host, nic } => WorldFault::Nic { port: all.nic(self, host, nic)?, enabled: true },
            NamedFault::PowerFail(host) => WorldFault::Power { host: all.host(self, host)?, on: false },
            NamedFault::PowerOn(host) => WorldFault::Power { host: all.host(self, host)?, on: true },
            NamedFault::FailSwitch(s) => WorldFault::Switch { port: all.switch(self, s)?, up: false },
            NamedFault::RestoreSwitch(s) => WorldFault::Switch { port: all.switch(self, s)?, up: true },
        })
    }

    pub fn dns(&self) -> &Dns {
        &self.dns
    }

    /// The names of the hosts that hold `ip` now, in the order they took it (a report's holder
    /// lane: nobody, one host, or several).
    pub fn holder_names(&self, ip: Ip) -> Vec<&str> {
        let net = &self.net;
        net.holders(ip).filter_map(|port| net.host_of(port)).map(|h| net.host(h).name.as_str()).collect()
    }

    /// The DNS server, for a host's registration or a fixed record (through [`WorldCx`]).
    fn dns_mut(&mut self) -> &mut Dns {
        &mut self.dns
    }

    /// The random streams of the next system built in this world (one block each).
    pub fn streams(&mut self) -> Streams {
        self.streams.next_block()
    }

    /// A host takes an address on one of its NICs (a virtual or floating IP).
    pub fn hold_addr(&mut self, port: PortId, addr: Cidr) -> bool {
        self.net.add_addr(port, addr)
    }

    /// A host lets an address go: `None` when it did not hold it, else the persistent routes
    /// without an interface that went through that NIC and dropped from the host's active
    /// routes with it (DM-ROUTE-1; a route bound to an interface stays, DM-ROUTE-2).
    pub fn release_addr(&mut self, port: PortId, ip: Ip) -> Option<Vec<Route>> {
        if !self.net.remove_addr(port, ip) {
            return None;
        }
        // The network and the routing tables are separate fields: the NIC's addresses are read
        // in place, and only for a host that has routes.
        let table = self.net.host_of(port).and_then(|h| self.routes.get_mut(&h));
        Some(table.map_or_else(Vec::new, |t| t.address_removed(&self.net.port(port).addrs)))
    }

    /// The host's persistent routes, as it is laid out.
    fn set_routes(&mut self, host: HostId, routes: Vec<Route>) {
        assert!(self.net.host(host).powered, "routes are set on a host as it is laid out");
        self.routes.insert(host, RouteTable::new(routes));
    }

    /// The host's routing table (empty for a host without persistent routes).
    pub fn routes(&self, host: HostId) -> Option<&RouteTable> {
        self.routes.get(&host)
    }

    /// A host's power goes or comes back; a boot re-applies its persistent routes (DM-ROUTE-1:
    /// a dropped route comes back only when the host boots).
    fn power(&mut self, host: HostId, on: bool) -> bool {
        let changed = self.net.set_powered(host, on);
        if changed
            && on
            && let Some(table) = self.routes.get_mut(&host)
        {
            table.boot();
        }
        changed
    }

    /// Applies a fault; says whether it changed anything and which links it changed.
    pub fn apply(&mut self, fault: WorldFault) -> Applied {
        let near = self.near(fault);
        let before = self.links_of(&near);
        let every_before = cfg!(debug_assertions).then(|| self.links());
        let changed = match fault {
            WorldFault::Cable { cable, plugged } => self.net.set_plugged(cable, plugged),
            WorldFault::Nic { port, enabled } => {
                assert!(matches!(self.net.port(port).kind, PortKind::Nic { .. }), "a NIC fault names a NIC");
                self.net.set_nic_enabled(port, enabled)
            }
            WorldFault::Switch { port, up } => {
                assert!(matches!(self.net.port(port).kind, PortKind::Switch { .. }), "a switch fault names a switch");
                self.net.set_nic_enabled(port, up)
            }
            WorldFault::Power { host, on } => self.power(host, on),
        };
        let links = changed_links(before, self.links_of(&near));
        assert!(changed || links.is_empty(), "a fault that changed nothing changed no link");
        if let Some(every_before) = every_before {
            assert_eq!(links, changed_links(every_before, self.links()), "the links a fault changed are among the NICs near it");
        }
        Applied { changed, links }
    }

    /// The NICs whose media sense a fault can change, in port order: a NIC's link reads only
    /// the NIC, its cables and their far ends, so these are the ports the fault touches and
    /// the far ends of their cables. (Every NIC was looked at before and after each fault: a
    /// world of hundreds of NICs paid for all of them; debug builds still compare with that.)
    fn near(&self, fault: WorldFault) -> Vec<PortId> {
        let touched: Vec<PortId> = match fault {
            WorldFault::Cable { cable, .. } => {
                let (a, b) = self.net.cable(cable).ends;
                vec![a, b]
            }
            WorldFault::Nic { port, .. } | WorldFault::Switch { port, .. } => vec![port],
            WorldFault::Power { host, .. } => self.net.host(host).nics.clone(),
        };
        let far = touched.iter().flat_map(|p| self.net.cables_at(*p).iter().map(move |c| self.net.cable(*c).far_end(*p)));
        let mut near: Vec<PortId> = touched.iter().copied().chain(far).filter(|p| matches!(self.net.port(*p).kind, PortKind::Nic { .. })).collect();
        near.sort_unstable();
        near.dedup();
        near
    }

    /// Media sense of these NICs, in their order.
    fn links_of(&self, nics: &[PortId]) -> Vec<(PortId, bool)> {
        nics.iter().map(|p| (*p, self.net.has_link(*p))).collect()
    }

    /// Media sense of every NIC, in port order.
    fn links(&self) -> Vec<(PortId, bool)> {
        self.net.ports().filter(|(_, p)| matches!(p.kind, PortKind::Nic { .. })).map(|(id, _)| (id, self.net.has_link(id))).collect()
    }
}

/// What a system's code may touch while it handles an event: time, its timers and its trace
/// (through the engine's context, tagged with the system's index), the world to read, the
/// outbox of world faults it asks for, and the typed requests a product may make of the world
/// (hold or release an address, register a name, take its random streams). Only the world
/// changes the network: a product lays out its built-in hosts once, at t = 0 ([`Self::lay_out`]).
pub struct WorldCx<'a, 'b, E, R> {
    engine: Engine<'a, 'b, E, R>,
    system: u16,
    world: &'a mut World,
    requests: &'a mut Vec<WorldFault>,
}

/// The engine as a system sees it: the run's own context (its events are the run's), or a
/// product's context lifted into a world of several products, whose events and records wrap
/// each product's (FS-MULTI). The direct case is the one every one-product run takes; the
/// lifted one costs one indirect call.
enum Engine<'a, 'b, E, R> {
    Direct(&'a mut Ctx<'b, Tagged<E>, Tagged<R>>),
    Lifted(&'a mut dyn Lifted<E, R>),
}

/// A context whose events and records are wrapped into another type's on their way in.
trait Lifted<E, R> {
    fn now(&self) -> Time;
    fn schedule_in(&mut self, delay_ms: Time, event: Tagged<E>);
    fn new_timer(&mut self) -> TimerId;
    fn arm(&mut self, timer: TimerId, delay_ms: Time, event: Tagged<E>);
    fn cancel(&mut self, timer: TimerId);
    fn record(&mut self, record: Tagged<R>);
    fn touch(&mut self);
    fn traced(&self) -> bool;
}

/// A product's events `E2` and records `R2` going into a world whose are `E` and `R`.
struct Lift<'x, 'a, 'b, E, R, E2, R2> {
    outer: &'x mut Engine<'a, 'b, E, R>,
    event: fn(E2) -> E,
    record: fn(R2) -> R,
}

impl<E, R, E2, R2> Lifted<E2, R2> for Lift<'_, '_, '_, E, R, E2, R2> {
    fn now(&self) -> Time {
        self.outer.now()
    }
    fn schedule_in(&mut self, delay_ms: Time, event: Tagged<E2>) {
        self.outer.schedule_in(delay_ms, Tagged { system: event.system, inner: (self.event)(event.inner) });
    }
    fn new_timer(&mut self) -> TimerId {
        self.outer.new_timer()
    }
    fn arm(&mut self, timer: TimerId, delay_ms: Time, event: Tagged<E2>) {
        self.outer.arm(timer, delay_ms, Tagged { system: event.system, inner: (self.event)(event.inner) });
    }
    fn cancel(&mut self, timer: TimerId) {
        self.outer.cancel(timer);
    }
    fn record(&mut self, record: Tagged<R2>) {
        self.outer.record(Tagged { system: record.system, inner: (self.record)(record.inner) });
    }
    fn touch(&mut self) {
        self.outer.touch();
    }
    fn traced(&self) -> bool {
        self.outer.traced()
    }
}

impl<E, R> Engine<'_, '_, E, R> {
    #[inline(always)]
    fn now(&self) -> Time {
        match self {
            Engine::Direct(cx) => cx.now(),
            Engine::Lifted(cx) => cx.now(),
        }
    }
    #[inline(always)]
    fn schedule_in(&mut self, delay_ms: Time, event: Tagged<E>) {
        match self {
            Engine::Direct(cx) => cx.schedule_in(delay_ms, event),
            Engine::Lifted(cx) => lifted(|| cx.schedule_in(delay_ms, event)),
        }
    }
    fn new_timer(&mut self) -> TimerId {
        match self {
            Engine::Direct(cx) => cx.new_timer(),
            Engine::Lifted(cx) => cx.new_timer(),
        }
    }
    #[inline(always)]
    fn arm(&mut self, timer: TimerId, delay_ms: Time, event: Tagged<E>) {
        match self {
            Engine::Direct(cx) => cx.arm(timer, delay_ms, event),
            Engine::Lifted(cx) => lifted(|| cx.arm(timer, delay_ms, event)),
        }
    }
    #[inline(always)]
    fn cancel(&mut self, timer: TimerId) {
        match self {
            Engine::Direct(cx) => cx.cancel(timer),
            Engine::Lifted(cx) => lifted(|| cx.cancel(timer)),
        }
    }
    #[inline(always)]
    fn record(&mut self, record: Tagged<R>) {
        match self {
            Engine::Direct(cx) => cx.record(record),
            Engine::Lifted(cx) => lifted(|| cx.record(record)),
        }
    }
    #[inline(always)]
    fn touch(&mut self) {
        match self {
            Engine::Direct(cx) => cx.touch(),
            Engine::Lifted(cx) => lifted(|| cx.touch()),
        }
    }
    #[inline(always)]
    fn traced(&self) -> bool {
        match self {
            Engine::Direct(cx) => cx.traced(),
            Engine::Lifted(cx) => cx.traced(),
        }
    }
}

/// The lifted path, kept out of line so that the direct one — every one-product run — stays as
/// small as it was before there were two.
#[cold]
#[inline(never)]
fn lifted<T>(f: impl FnOnce() -> T) -> T {
    f()
}

impl<'a, 'b, E, R> WorldCx<'a, 'b, E, R> {
    pub fn new(engine: &'a mut Ctx<'b, Tagged<E>, Tagged<R>>, system: u16, world: &'a mut World, requests: &'a mut Vec<WorldFault>) -> Self {
        WorldCx { engine: Engine::Direct(engine), system, world, requests }
    }

    /// Runs `f` in this context as seen by a product whose events and records are wrapped into
    /// this context's by `event` and `record` (one system of a world of several products).
    pub fn lift<E2, R2, T>(&mut self, event: fn(E2) -> E, record: fn(R2) -> R, f: impl FnOnce(&mut WorldCx<'_, '_, E2, R2>) -> T) -> T {
        let mut lift = Lift { outer: &mut self.engine, event, record };
        let mut cx = WorldCx { engine: Engine::Lifted(&mut lift), system: self.system, world: self.world, requests: self.requests };
        f(&mut cx)
    }

    /// Asks the world to apply a fault once this event is handled (the runner applies it and
    /// calls every system's hooks).
    pub fn request(&mut self, fault: WorldFault) {
        self.requests.push(fault);
    }

    pub fn net(&self) -> &Topology {
        self.world.net()
    }

    /// The world, to read.
    pub fn world(&self) -> &World {
        self.world
    }

    /// The random streams of this system (taken once, when it is built).
    pub fn streams(&mut self) -> Streams {
        self.world.streams()
    }

    /// The region of the world this system lives in (its preset's, or the declared world).
    pub fn region(&self) -> Region {
        self.world.region(self.system)
    }

    /// A host's persistent routes: only while the system is built, at t = 0.
    pub fn set_routes(&mut self, host: HostId, routes: Vec<Route>) {
        assert_eq!(self.now(), 0, "a host's routes are set as it is laid out");
        self.world.set_routes(host, routes);
    }

    /// The host holds an address on one of its NICs (a virtual or floating IP): whether it
    /// took it.
    pub fn hold_addr(&mut self, port: PortId, addr: Cidr) -> bool {
        self.world.hold_addr(port, addr)
    }

    /// The host lets an address go: `None` when it did not hold it, else the routes that
    /// dropped with it (see [`World::release_addr`]).
    pub fn release_addr(&mut self, port: PortId, ip: Ip) -> Option<Vec<Route>> {
        self.world.release_addr(port, ip)
    }

    /// A host registers its name in DNS: whether the table changed.
    pub fn register_name(&mut self, name: &str, ip: Ip, source: crate::net::RecordSource) -> bool {
        self.world.dns_mut().register(name, ip, source)
    }

    /// The current virtual time.
    #[inline]
    pub fn now(&self) -> Time {
        self.engine.now()
    }

    /// Schedules `event` for this system at `delay_ms` from now.
    #[inline]
    pub fn schedule_in(&mut self, delay_ms: Time, event: E) {
        self.engine.schedule_in(delay_ms, Tagged { system: self.system, inner: event });
    }

    pub fn new_timer(&mut self) -> TimerId {
        self.engine.new_timer()
    }

    /// Arms `timer` to fire `event` for this system after `delay_ms`.
    #[inline]
    pub fn arm(&mut self, timer: TimerId, delay_ms: Time, event: E) {
        self.engine.arm(timer, delay_ms, Tagged { system: self.system, inner: event });
    }

    #[inline]
    pub fn cancel(&mut self, timer: TimerId) {
        self.engine.cancel(timer);
    }

    /// Records a change of this system in the trace.
    #[inline]
    pub fn record(&mut self, record: R) {
        self.engine.record(Tagged { system: self.system, inner: record });
    }

    /// Records the change `make` builds, built only when the trace reads records
    /// ([`crate::engine::Ctx::traced`]: a record that formats text costs nothing in a run
    /// without a trace); the state is marked changed either way.
    #[inline]
    pub fn record_with(&mut self, make: impl FnOnce() -> R) {
        match self.engine.traced() {
            true => self.record(make()),
            false => self.engine.touch(),
        }
    }

    #[inline]
    pub fn touch(&mut self) {
        self.engine.touch();
    }
}

/// The links whose media sense differs between `before` and `after` (the same NICs, in the
/// same order), as they are after.
fn changed_links(before: Vec<(PortId, bool)>, after: Vec<(PortId, bool)>) -> Vec<(PortId, bool)> {
    debug_assert!(before.iter().map(|l| l.0).eq(after.iter().map(|l| l.0)), "the same NICs before and after");
    after.into_iter().zip(before).filter(|((_, now), (_, was))| now != was).map(|(now, _)| now).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_owns_its_routes_a_released_address_drops_the_unbound_ones_and_a_boot_restores_them() {
        let mut w = World::new(0);
        let host = w.net.add_host("A");
        let nic = w.net.add_nic(host, "corp", vec!["10.0.0.1/24".parse().unwrap()]);
        let route =
            |iface: Option<&str>| Route { dest: "1.2.3.0/24".parse().unwrap(), gateway: "10.0.0.254".parse().unwrap(), interface: iface.map(str::to_string) };
        w.set_routes(host, vec![route(None), route(Some("corp"))]);
        assert!(w.hold_addr(nic, "10.0.0.5/24".parse().unwrap()));
        assert_eq!(w.release_addr(nic, "10.0.0.9".parse().unwrap()), None, "an address the NIC does not hold");
        assert_eq!(w.release_addr(nic, "10.0.0.5".parse().unwrap()), Some(vec![route(None)]), "the unbound route through the NIC drops (DM-ROUTE-1)");
        assert_eq!(w.routes(host).unwrap().active_routes().collect::<Vec<_>>(), [&route(Some("corp"))], "the bound one stays (DM-ROUTE-2)");
        w.apply(WorldFault::Power { host, on: false });
        assert_eq!(w.routes(host).unwrap().active_routes().count(), 1, "a power loss is no boot");
        w.apply(WorldFault::Power { host, on: true });
        assert_eq!(w.routes(host).unwrap().active_routes().count(), 2, "the boot re-applies every persistent route");
    }

    /// A model that counts the instants that changed it (its settles).
    struct Settles(u32);

    impl crate::engine::Model for Settles {
        type Event = Tagged<()>;
        type Record = Tagged<String>;
        fn handle(&mut self, _: Tagged<()>, _: &mut crate::engine::Ctx<'_, Tagged<()>, Tagged<String>>) {}
        fn settle(&mut self, _: &mut crate::engine::Ctx<'_, Tagged<()>, Tagged<String>>) {
            self.0 += 1;
        }
    }

    #[test]
    fn a_record_is_built_only_when_the_trace_reads_it_and_the_instant_changes_either_way() {
        use crate::engine::{Sim, Tracing};
        for (tracing, read) in [(Tracing::Off, false), (Tracing::Hash, true), (Tracing::Keep, true)] {
            let mut sim = Sim::new(Settles(0), tracing);
            let (mut world, mut requests, built) = (World::new(0), Vec::new(), std::cell::Cell::new(false));
            sim.with_ctx(|_, cx| {
                WorldCx::new(cx, 0, &mut world, &mut requests).record_with(|| {
                    built.set(true);
                    "a change".to_string()
                })
            });
            assert_eq!(built.get(), read, "{tracing:?}: the record is built only when the trace reads it");
            assert_eq!(sim.model.0, 1, "{tracing:?}: the instant changed either way");
        }
    }

    /// Two hosts on a switch, and a cross cable between their second NICs.
    fn world() -> (World, [PortId; 5], [CableId; 3], [HostId; 2]) {
        let mut w = World::new(0);
        let sw = w.net.add_switch("switch", vec![]);
        let (a, b) = (w.net.add_host("A"), w.net.add_host("B"));
        let nics = [w.net.add_nic(a, "corp", vec![]), w.net.add_nic(a, "sync", vec![]), w.net.add_nic(b, "corp", vec![]), w.net.add_nic(b, "sync", vec![])];
        let cables = [w.net.add_cable("A corp", nics[0], sw), w.net.add_cable("B corp", nics[2], sw), w.net.add_cable("cross", nics[1], nics[3])];
        (w, [sw, nics[0], nics[1], nics[2], nics[3]], cables, [a, b])
    }

    #[test]
    fn a_pulled_cross_cable_takes_the_link_down_at_both_ends() {
        let (mut w, [_, _, a_sync, _, b_sync], [_, _, cross], _) = world();
        let applied = w.apply(WorldFault::Cable { cable: cross, plugged: false });
        assert_eq!(applied, Applied { changed: true, links: vec![(a_sync, false), (b_sync, false)] });
        assert_eq!(w.apply(WorldFault::Cable { cable: cross, plugged: false }), Applied::default(), "pulling it again changes nothing");
    }

    #[test]
    fn power_and_switch_faults_have_one_meaning() {
        let (mut w, [sw, a_corp, a_sync, b_corp, b_sync], _, [a, _]) = world();
        let off = w.apply(WorldFault::Power { host: a, on: false });
        assert_eq!(off.links, vec![(a_corp, false), (a_sync, false), (b_sync, false)], "the far end of a cross cable loses carrier");
        assert!(!w.net().connected(a_corp, sw));
        w.apply(WorldFault::Power { host: a, on: true });
        let down = w.apply(WorldFault::Switch { port: sw, up: false });
        assert_eq!(down.links, vec![(a_corp, false), (b_corp, false)]);
        assert!(w.net().connected(a_sync, b_sync), "the cross cable does not go through the switch");
        let nic = w.apply(WorldFault::Nic { port: a_sync, enabled: false });
        assert_eq!(nic.link(b_sync), Some(false));
    }

    #[test]
    fn a_world_action_has_one_meaning_wherever_a_product_says_its_node_is() {
        use crate::action::{CableRef, Target};
        let (mut w, [sw, a_corp, a_sync, _, _], [a_cable, _, cross], [a, _]) = world();
        let pull = Action::Pull { cable: CableRef::Both, on: Target::Main };
        let faults = w.faults_of(&pull, Some(a), &[a_corp, a_sync], Some(sw)).expect("a world action");
        assert_eq!(
            faults,
            [WorldFault::Cable { cable: a_cable, plugged: false }, WorldFault::Cable { cable: cross, plugged: false }],
            "each NIC's cable, in order"
        );
        let loose = w.net.add_nic(a, "spare", vec![]);
        assert_eq!(w.faults_of(&pull, Some(a), &[loose], None), Some(vec![]), "a NIC without a cable has no cable to pull");
        let disable = Action::DisableNic { cable: CableRef::Sync, on: Target::Main };
        assert_eq!(w.faults_of(&disable, Some(a), &[a_sync], None), Some(vec![WorldFault::Nic { port: a_sync, enabled: false }]));
        assert_eq!(w.faults_of(&Action::PowerOn(Target::Main), Some(a), &[], None), Some(vec![WorldFault::Power { host: a, on: true }]));
        assert_eq!(w.faults_of(&Action::FailSwitch, None, &[], Some(sw)), Some(vec![WorldFault::Switch { port: sw, up: false }]));
        assert_eq!(w.faults_of(&Action::FailSwitch, None, &[], None), Some(vec![]), "no switch to fail without the one switch");
        let named = Action::World(NamedFault::Plug { cable: "cross".into() });
        assert_eq!(w.faults_of(&named, None, &[], None), Some(vec![WorldFault::Cable { cable: cross, plugged: true }]));
        assert_eq!(w.faults_of(&Action::Stop(Target::Main), Some(a), &[a_corp], Some(sw)), None, "a stop is the product's, not the world's");
    }
}
