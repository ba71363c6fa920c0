//! The IIS reverse proxy of a shared-hostname pair (DM-PROXY): the DNS record resolves the
//! shared name to both agents' real addresses, and a request that reaches the offline agent is
//! handed to the online one by the offline agent's proxy ("URL Rewrite" with ARR). From 10.2.12 /
//! 10.2.0 CU9 (RN 34606) DataMiner manages it: disabled on the new online agent, enabled on the
//! new offline one, on every switch. A missing or wrong rule sends clients that resolve the
//! offline agent's address to an agent that does not serve them.
//!
//! Each agent's proxy is state (its rule and whether it is enabled); who serves a request is one
//! function, [`DataMiner::serve`], which lookups, the metrics' ways and the claims read.

use super::version::MANAGED_PROXY;
use super::{Addressing, Cx, DataMiner, Dma, Rec, ReverseProxy, Role};
use crate::net::{Ip, PortKind, Topology};

/// Whether IIS has an agent's rewrite rule enabled.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ProxySwitch {
    Enabled,
    Disabled,
}

/// One agent's reverse proxy: where its rule forwards (`None`: no rule) and whether it is on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Proxy {
    rule: Option<Dma>,
    switch: ProxySwitch,
}

impl Proxy {
    /// No rule: the agent answers every request itself.
    pub const NONE: Proxy = Proxy { rule: None, switch: ProxySwitch::Disabled };

    /// Where the agent hands every request it gets now, if anywhere.
    pub fn forwards_to(self) -> Option<Dma> {
        match self.switch {
            ProxySwitch::Enabled => self.rule,
            ProxySwitch::Disabled => None,
        }
    }
}

impl DataMiner {
    /// The proxy the setup gives `dma` in its present state (DM-PROXY): `Managed` on a version
    /// with RN 34606 forwards to the buddy, enabled unless the agent is online; on an older
    /// version, or once the agent left the pair (DM-ENDFAILOVER; failsim's reading: the rule
    /// goes with Failover), DataMiner keeps no rule. A
    /// `Static` rule is the operator's and stays as written; `Missing` is none.
    pub(super) fn proxy_wanted(&self, dma: Dma) -> Proxy {
        let Addressing::SharedHostname(s) = &self.cfg.addressing else { return Proxy::NONE };
        let a = self.agent(dma);
        match s.reverse_proxy {
            ReverseProxy::Missing => Proxy::NONE,
            ReverseProxy::Static(to) if to == dma => Proxy::NONE,
            ReverseProxy::Static(to) => Proxy { rule: Some(to), switch: ProxySwitch::Enabled },
            ReverseProxy::Managed if !MANAGED_PROXY.contains(a.version) || !a.membership.in_failover() => Proxy::NONE,
            ReverseProxy::Managed => {
                let switch = if a.role == Role::Online { ProxySwitch::Disabled } else { ProxySwitch::Enabled };
                Proxy { rule: Some(dma.buddy()), switch }
            }
        }
    }

    /// DataMiner brings the proxy of each agent it runs on in line with that agent's role (RN
    /// 34606: on a switch, disabled on the new online agent and enabled on the new offline one).
    /// A stopped agent's IIS keeps what it had. Called where roles may have changed: once per
    /// changed instant (`settle`), and before a request is served.
    pub(super) fn manage_proxies(&mut self, cx: &mut Cx<'_, '_>) {
        for dma in Dma::BOTH {
            let wanted = self.proxy_wanted(dma);
            if !self.agent(dma).is_running() || self.agent(dma).proxy == wanted {
                continue;
            }
            self.agent_mut(dma).proxy = wanted;
            self.record_proxy(dma, cx);
            assert_eq!(self.agent(dma).proxy, self.proxy_wanted(dma), "a running agent's proxy is what its role asks (DM-PROXY)");
        }
    }

    /// The trace says what the agent's proxy is now.
    pub(super) fn record_proxy(&self, dma: Dma, cx: &mut Cx<'_, '_>) {
        let p = self.agent(dma).proxy;
        let rule = p.rule.map(|to| self.name(to).to_string());
        cx.record(Rec::Proxy { dma: self.name(dma).into(), rule, enabled: p.switch == ProxySwitch::Enabled });
    }

    /// How the report's status line shows the agent's proxy (shared-hostname mode only).
    pub(super) fn proxy_fact(&self, dma: Dma) -> Option<String> {
        let Addressing::SharedHostname(_) = &self.cfg.addressing else { return None };
        let p = self.agent(dma).proxy;
        Some(match (p.rule, p.switch) {
            (None, _) => "no proxy rule".into(),
            (Some(to), ProxySwitch::Enabled) => format!("proxy to {}", self.name(to)),
            (Some(_), ProxySwitch::Disabled) => "proxy disabled".into(),
        })
    }

    /// Which DMA serves a request sent from the client to `ip`, if any: the agent whose server
    /// holds the address answers it (DataMiner must run there: failsim's reading, the proxy is
    /// DataMiner's); in shared-hostname mode its proxy decides where it goes ([`Self::answer`]).
    /// In virtual-IP mode the holder answers whatever its role.
    pub(super) fn serve(&self, net: &Topology, ip: Ip) -> Option<Dma> {
        let port = net.reached_holder(self.site.client, ip)?;
        let PortKind::Nic { host, .. } = net.port(port).kind else { return None };
        let dma = Dma::BOTH.into_iter().find(|d| self.agent(*d).host == host)?;
        if !self.agent(dma).is_running() {
            return None;
        }
        match self.cfg.addressing {
            Addressing::VirtualIp(_) => Some(dma),
            Addressing::SharedHostname(_) => self.answer(net, dma),
        }
    }

    /// Who serves a request that reached `dma` (running) in shared-hostname mode: with its proxy
    /// enabled, the agent its rule forwards to, if that one runs, is reached from `dma`, is
    /// online and does not forward it again (a second hop would send it back: not served); with
    /// no rule on, `dma` itself if it is online (DM-PROXY).
    fn answer(&self, net: &Topology, dma: Dma) -> Option<Dma> {
        let a = self.agent(dma);
        assert!(a.is_running(), "only a running agent answers a request");
        let Some(to) = a.proxy.forwards_to() else { return (a.role == Role::Online).then_some(dma) };
        let b = self.agent(to);
        let serves = to != dma && b.is_running() && b.role == Role::Online && b.proxy.forwards_to().is_none() && self.hosts_connected(net, dma, to);
        serves.then_some(to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_an_enabled_rule_forwards() {
        assert_eq!(Proxy::NONE.forwards_to(), None);
        assert_eq!(Proxy { rule: Some(Dma::Main), switch: ProxySwitch::Enabled }.forwards_to(), Some(Dma::Main));
        assert_eq!(Proxy { rule: Some(Dma::Main), switch: ProxySwitch::Disabled }.forwards_to(), None);
    }
}
