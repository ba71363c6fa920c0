//! What the page and the Failover documents warn against, said at the XML line (FS-LINT) as
//! the file is imported: a virtual IP or a failover address outside its mask's subnet, a
//! virtual IP another address of the file is, a machine name over NetBIOS's 15 characters, the
//! second network given on one side of a pair only, and one DataMiner ID on two `DMA` tags.
//! (Two machines with one address cannot be a world at all: that is an error, in `plan`.)

use super::xml::{At, Dma, Dms};
use super::{Problem, Where};
use crate::net::{Cidr, Ip};

/// NetBIOS names have at most 15 characters (the page: "max. 15 characters").
const NETBIOS_MAX_CHARS: usize = 15;

pub fn lint(dms: &Dms, warn: &mut Vec<Problem>) {
    for dma in &dms.dmas {
        outside_subnet(dma, warn);
        names(dma, warn);
        second_network(dma, warn);
    }
    vips_taken(dms, warn);
    ids(dms, warn);
}

fn outside_subnet(dma: &Dma, warn: &mut Vec<Problem>) {
    for k in 0..2 {
        let (Some(ip), Some(mask)) = (&dma.ip[k], &dma.mask[k]) else { continue };
        let c = Cidr { addr: ip.value, prefix_len: mask.value.0 };
        let net = Cidr { addr: Ip(ip.value.0 & c.mask()), prefix_len: c.prefix_len };
        for other in [&dma.vip[k], &dma.failover[k]].into_iter().flatten().filter(|o| !net.contains(o.value)) {
            let what = if other.tag.starts_with("Virtual") {
                "the virtual IP cannot be claimed on that NIC"
            } else {
                "the failover DMA is on another subnet than its buddy"
            };
            let message = format!("`<{}>` {} is outside {net}, the subnet of `<{}>` with `<{}>`: {what}", other.tag, other.value, ip.tag, mask.tag);
            warn.push(Problem::at(other.at, message));
        }
    }
}

fn names(dma: &Dma, warn: &mut Vec<Problem>) {
    for name in std::iter::once(&dma.machine_name).chain(&dma.failover_machine_name) {
        let n = name.value.chars().count();
        if n > NETBIOS_MAX_CHARS {
            warn.push(Problem::at(name.at, format!("`<{}>` `{}` has {n} characters: a NetBIOS name has at most {NETBIOS_MAX_CHARS}", name.tag, name.value)));
        }
    }
}

/// The page: `Failover2` "in case IP2 is specified for the other DMA"; `VirtualIP2` and
/// `IPMask2` "in case IP2 is specified". A pair that serves a second network needs a VIP on it.
fn second_network(dma: &Dma, warn: &mut Vec<Problem>) {
    let pair = dma.failover[0].is_some();
    let has = |x: &Option<At<Ip>>| x.is_some();
    let [ip2, failover2, vip2] = [&dma.ip[1], &dma.failover[1], &dma.vip[1]];
    let mut say = |at: &Where, message: String| warn.push(Problem::at(*at, message));
    match (ip2, failover2) {
        (Some(ip2), None) if pair => {
            say(&ip2.at, format!("`<{}>` without `<Failover2>`: the failover DMA has no second NIC, so the pair's acquisition network is not bound", ip2.tag))
        }
        (None, Some(f2)) => say(&f2.at, "`<Failover2>` without `<IP2>`: the failover DMA has a NIC its buddy lacks".into()),
        _ => {}
    }
    if let (Some(v2), false) = (vip2, has(ip2) && has(failover2)) {
        say(&v2.at, "`<VirtualIP2>` without `<IP2>` and `<Failover2>` on both DMAs: there is no second NIC to hold it, so it is left out".into());
    }
    if let (Some(m2), false) = (&dma.mask[1], has(ip2)) {
        say(&m2.at, "`<IPMask2>` without `<IP2>`: it masks nothing".into());
    }
    if let (Some(ip2), Some(_), None) = (ip2, failover2, vip2) {
        say(&ip2.at, "a pair with a second network (`<IP2>`, `<Failover2>`) and no `<VirtualIP2>`: clients on that network reach no virtual IP (DM-OPT-ACQUISITION: one VIP per network served)".into());
    }
}

/// A virtual IP that is any other address of the file: the agent going online cannot claim it.
fn vips_taken(dms: &Dms, warn: &mut Vec<Problem>) {
    let all: Vec<&At<Ip>> = dms.dmas.iter().flat_map(|d| d.ip.iter().chain(&d.failover).chain(&d.vip).flatten()).collect();
    for vip in dms.dmas.iter().flat_map(|d| d.vip.iter().flatten()) {
        if let Some(other) = all.iter().find(|a| a.value == vip.value && a.at != vip.at) {
            let message = format!(
                "`<{}>` {} is also `<{}>` at line {}: a virtual IP must be free for the online agent to claim it",
                vip.tag, vip.value, other.tag, other.at.line
            );
            warn.push(Problem::at(vip.at, message));
        }
    }
}

/// A pair shares one DataMiner ID (one `DMA` tag); two tags with one ID are two agents with it.
fn ids(dms: &Dms, warn: &mut Vec<Problem>) {
    for (i, dma) in dms.dmas.iter().enumerate() {
        let Some(id) = &dma.id else { continue };
        if let Some(first) = dms.dmas[..i].iter().filter_map(|d| d.id.as_ref()).find(|f| f.value == id.value) {
            warn.push(Problem::at(
                id.at,
                format!("DataMiner ID {} is given to the `<DMA>` at line {} too: each agent of a DMS has its own ID", id.value, first.at.line),
            ));
        }
    }
}
