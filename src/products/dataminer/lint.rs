//! What DataMiner's documents warn against in a configuration (FS-LINT), found before a run.

use super::{Addressing, Config, Dma, Heartbeat, Nic};
use crate::finding::Warning;
use crate::net::{Cidr, Ip};
use crate::world::WorldDecl;

const HEARTBEATS: &str = "dataminer/Configuring_Failover/Advanced_Failover_options.md";
const ABOUT: &str = "dataminer/Configuring_Failover/About_DMA_Failover.md";

/// The address of `dma`'s NIC for `nic` (bound pairs: the world's; else the configuration's).
fn address(cfg: &Config, world: Option<&WorldDecl>, dma: Dma, nic: Nic) -> Option<Cidr> {
    let Some(b) = cfg.bind.as_deref() else {
        return Some(cfg.agent(dma).address(nic));
    };
    let name = b.nic(nic).unwrap_or(&b.corporate);
    let host = world?.host(b.host(dma))?;
    host.nics.iter().find(|n| n.name == name).map(|n| n.addr)
}

/// Every address of `dma`'s server: each NIC of its host in a declared world (bound or not to a
/// role), else the built-in layout's corporate and sync addresses.
fn addresses(cfg: &Config, world: Option<&WorldDecl>, dma: Dma) -> Vec<Ip> {
    match cfg.bind.as_deref() {
        Some(b) => world.and_then(|w| w.host(b.host(dma))).map_or_else(Vec::new, |h| h.nics.iter().map(|n| n.addr.addr).collect()),
        None => Nic::ALL.iter().map(|n| cfg.agent(dma).address(*n).addr).collect(),
    }
}

/// The DataMiner's display name of `dma` (its host's in a declared world).
fn name_of(cfg: &Config, dma: Dma) -> &str {
    cfg.bind.as_deref().map_or(cfg.agent(dma).name.as_str(), |b| b.host(dma))
}

pub fn one(cfg: &Config, world: Option<&WorldDecl>) -> Vec<Warning> {
    let mut out = Vec::new();
    for dma in Dma::BOTH {
        let name = name_of(cfg, dma);
        let mine = |h: &&Heartbeat| h.from() == dma;
        if !cfg.heartbeats.iter().filter(mine).any(|h| !h.is_inverted()) {
            let message = format!(
                "{name} has no normal heartbeat: they should always be configured (they decide, among other things, whether an agent may go online after a restart)"
            );
            out.push(Warning { document: HEARTBEATS, message });
        }
        inverted_warnings(cfg, world, dma, &mut out);
    }
    for (nic, vip) in cfg.vips() {
        vip_warnings(cfg, world, nic, vip, &mut out);
    }
    out
}

/// FS-LINT on `dma`'s inverted heartbeats. One that pings the address a normal heartbeat checks
/// is the logical conflict the docs name. One that pings any other address of the buddy's
/// server is warned about too: an inverted heartbeat pings a third party (the switch, router or
/// domain controller, Advanced_Failover_options.md) so that an agent cut off from the network
/// sees it; aimed at the buddy over a path that outlives the cut (the sync cross cable), it
/// keeps an isolated online agent online, and its buddy, refused (DM-HB-PINGPONG), offline.
fn inverted_warnings(cfg: &Config, world: Option<&WorldDecl>, dma: Dma, out: &mut Vec<Warning>) {
    let (name, buddy) = (name_of(cfg, dma), name_of(cfg, dma.buddy()));
    let mine = |h: &&Heartbeat| h.from() == dma;
    // A normal heartbeat checks the buddy at its address on the heartbeat's NIC.
    let normal: Vec<Ip> =
        cfg.heartbeats.iter().filter(mine).filter(|h| !h.is_inverted()).filter_map(|h| address(cfg, world, dma.buddy(), h.via()).map(|c| c.addr)).collect();
    let buddy_addrs = addresses(cfg, world, dma.buddy());
    for h in cfg.heartbeats.iter().filter(mine) {
        let Heartbeat::Inverted(i) = h else { continue };
        let message = if normal.contains(&i.to) {
            format!("{name}'s inverted heartbeat pings {}, which a normal heartbeat also uses: a logical conflict that stops both agents going online", i.to)
        } else if buddy_addrs.contains(&i.to) {
            format!(
                "{name}'s inverted heartbeat pings {}, an address of its buddy {buddy}: an inverted heartbeat should ping a third party (the switch, router or domain controller); pinging the buddy, {name} cut off from the network does not see it, stays online and keeps {buddy} from taking over",
                i.to
            )
        } else {
            continue;
        };
        out.push(Warning { document: HEARTBEATS, message });
    }
}

fn vip_warnings(cfg: &Config, world: Option<&WorldDecl>, nic: Nic, vip: Ip, out: &mut Vec<Warning>) {
    for dma in Dma::BOTH {
        if let Some(subnet) = address(cfg, world, dma, nic)
            && !subnet.contains(vip)
        {
            let name = name_of(cfg, dma);
            let role = nic.label().to_lowercase();
            let message = format!("the virtual IP {vip} is outside {name}'s {role} subnet {subnet}: the agent that goes online cannot take it");
            out.push(Warning { document: ABOUT, message });
        }
    }
    let holder = world.and_then(|w| w.hosts.iter().find(|h| h.nics.iter().any(|n| n.addr.addr == vip)).map(|h| h.name.clone()));
    if let Some(host) = holder {
        let message = format!("the virtual IP {vip} is also {host}'s own address: the agent going online finds it taken");
        out.push(Warning { document: ABOUT, message });
    }
}

pub fn together(cfgs: &[&Config]) -> Vec<Warning> {
    let vip = cfgs.iter().filter(|c| matches!(c.addressing, Addressing::VirtualIp(_))).count();
    if vip == 0 || vip == cfgs.len() {
        return Vec::new();
    }
    let message = format!(
        "{vip} pair(s) use a virtual IP and {} a shared hostname in one DataMiner System: mixing them is not supported (blocked from 10.2.0 CU21, 10.3.0 CU9 and 10.3.12)",
        cfgs.len() - vip
    );
    vec![Warning { document: ABOUT, message }]
}

#[cfg(test)]
mod tests {
    use super::super::config::{InvertedHeartbeat, NormalHeartbeat, SharedHostname, VirtualIp};
    use super::*;

    fn inverted(from: Dma, to: &str) -> Heartbeat {
        Heartbeat::Inverted(InvertedHeartbeat { from, to: to.parse().unwrap(), via: Nic::Corporate, interval: crate::units::Ms::secs(5), max_failures: 3 })
    }

    #[test]
    fn the_recommended_setup_draws_no_warning() {
        assert_eq!(one(&Config::default(), None), vec![]);
        assert_eq!(together(&[&Config::default(), &Config::default()]), vec![]);
    }

    #[test]
    fn each_documented_caution_is_found() {
        let heartbeats =
            vec![Heartbeat::Normal(NormalHeartbeat::default_for(Dma::Main)), inverted(Dma::Main, "10.10.10.2"), inverted(Dma::Backup, "10.10.10.254")];
        let c = Config { heartbeats, ..Config::default() };
        let found = one(&c, None);
        assert_eq!(found.len(), 2, "{found:?}");
        assert!(found[0].message.contains("DMA-MAIN's inverted heartbeat pings 10.10.10.2, which a normal heartbeat also uses"), "{found:?}");
        assert!(found[1].message.contains("DMA-BACKUP has no normal heartbeat"), "{found:?}");
        assert!(found.iter().all(|w| w.document == HEARTBEATS));

        let c = Config {
            addressing: Addressing::VirtualIp(VirtualIp {
                vip: "10.20.0.5".parse().unwrap(),
                acquisition_vip: None,
                more_vips: Vec::new(),
                register_in_dns: true,
            }),
            ..Config::default()
        };
        let found = one(&c, None);
        assert_eq!(found.len(), 2, "outside both DMAs' subnets: {found:?}");
        assert!(found.iter().all(|w| w.message.contains("outside") && w.document == ABOUT));

        // A further VIP is linted for its own NIC's subnet like the first.
        let more = vec![super::super::config::MoreVip { nic: Nic::Sync, vip: "10.10.10.6".parse().unwrap() }];
        let c = Config {
            addressing: Addressing::VirtualIp(VirtualIp { vip: "10.10.10.5".parse().unwrap(), acquisition_vip: None, more_vips: more, register_in_dns: true }),
            ..Config::default()
        };
        let found = one(&c, None);
        assert_eq!(found.len(), 2, "outside both DMAs' sync subnets: {found:?}");
        assert!(found.iter().all(|w| w.message.contains("the virtual IP 10.10.10.6 is outside") && w.message.contains("sync subnet")), "{found:?}");

        // Any other address of the buddy's server: its sync NIC here.
        let heartbeats = vec![
            Heartbeat::Normal(NormalHeartbeat::default_for(Dma::Main)),
            Heartbeat::Normal(NormalHeartbeat::default_for(Dma::Backup)),
            inverted(Dma::Main, "192.168.100.2"),
            inverted(Dma::Backup, "10.10.10.254"),
        ];
        let found = one(&Config { heartbeats, ..Config::default() }, None);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].message.starts_with("DMA-MAIN's inverted heartbeat pings 192.168.100.2, an address of its buddy DMA-BACKUP"), "{found:?}");
        assert_eq!(found[0].document, HEARTBEATS);

        let shared =
            Config { addressing: Addressing::SharedHostname(SharedHostname { name: "DMA".into(), reverse_proxy: Default::default() }), ..Config::default() };
        let mixed = together(&[&Config::default(), &shared]);
        assert_eq!(mixed.len(), 1);
        assert!(mixed[0].message.contains("1 pair(s) use a virtual IP and 1 a shared hostname"), "{mixed:?}");
    }
}
