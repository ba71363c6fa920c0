//! Claims about Check Point Management High Availability.

use super::{CheckPoint, Mode, Words};
use crate::action::{NodeIn, NodeWords};

/// A server a claim names: `Main` (`Primary`), `Backup` (`Secondary`) or its name.
type Server = NodeIn<Words>;
use crate::check::{self, Verdict};
use crate::world::World;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ModeIs {
    Active,
    Standby,
}

const PEER_ITEMS: [&str; 3] = ["Mode", "Status", "Last sync"];

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Claim {
    /// The server's mode (`Primary`/`Main`, `Secondary`/`Backup`, or its name: `"SMS-SEC-2"`).
    Mode(Server, ModeIs),
    /// How many servers are Active (2: Collision Mode).
    ActiveCount(u32),
    /// The banner of the High Availability Status window, SmartConsole connected to `from`.
    Banner { from: Server, is: String },
    /// An item of the HA Status window connected to `from`: `of: from` is the "Connected to"
    /// area (Mode, Last sync), the other server its peer (Mode, Status). Status matches when it
    /// starts with `is` ("Not communicating" matches "Not communicating, last sync time …").
    Status { from: Server, of: Server, item: String, is: String },
    /// A refused operation whose text contains this was recorded so far.
    Refused(String),
    /// Unpublished changes in the server's session.
    Unpublished(Server, u32),
    /// Where the published changes are. Unset fields are not checked.
    Changes(check::Writes),
    /// Exactly these published changes (by id) were lost.
    LostChanges(Vec<u32>),
    /// Exactly these unpublished session changes (by id) were lost when their server stopped
    /// being Active (CP-10); never published, they are in none of the `Changes` counts.
    LostUnpublished(Vec<u32>),
    /// The server is the Primary now, the synchronization master (the one installed first
    /// until a Secondary is promoted, CP-9).
    Primary(Server),
    /// At most this many Active servers running (1: no Collision Mode; a powered-off or stopped
    /// Active collides with nobody until it runs).
    ActiveAtMost(u32),
    /// One Active, both communicating, identical databases.
    Healthy,
}

impl Claim {
    /// Checks the claim against the servers (`names`, the Primary first).
    pub fn validate(&self, names: &[String]) -> Result<(), String> {
        let node = |n: &Server| crate::action::check_node(&n.node().target(), names, Words::WORDS);
        match self {
            Claim::Mode(n, _) | Claim::Banner { from: n, .. } | Claim::Unpublished(n, _) | Claim::Primary(n) => node(n),
            Claim::Status { from, of, item, .. } => {
                node(from)?;
                node(of)?;
                check::known_item(item, &PEER_ITEMS, "HA Status item")
            }
            Claim::Changes(w) => w.validate(),
            Claim::LostChanges(ids) | Claim::LostUnpublished(ids) => check::valid_ids(ids),
            Claim::ActiveCount(_) | Claim::Refused(_) | Claim::ActiveAtMost(_) | Claim::Healthy => Ok(()),
        }
    }

    pub fn eval(&self, cp: &CheckPoint, world: &World) -> Verdict {
        // The parser checked every server the claim names.
        let sid = |n: &Server| cp.server_of(n.node()).expect("the parser checked the claim's servers");
        match self {
            Claim::Mode(n, m) => {
                let actual = if cp.server(sid(n)).mode == Mode::Active { ModeIs::Active } else { ModeIs::Standby };
                check::expect(*m, actual)
            }
            Claim::ActiveCount(c) => check::expect(*c, cp.actives().count() as u32),
            Claim::Banner { from, is } => {
                let panel = cp.ha_status(world.net(), sid(from));
                let actual = panel.banner.first().cloned().unwrap_or_default();
                if actual == *is { Ok(()) } else { Err((format!("banner \"{is}\""), format!("banner \"{actual}\""))) }
            }
            Claim::Status { from, of, item, is } => {
                let panel = cp.ha_status(world.net(), sid(from));
                let of_name = cp.name(sid(of));
                let area = if of == from { format!("Connected to: {of_name}") } else { format!("Peer: {of_name}") };
                let actual = panel.columns.iter().find(|c| c.node == area).and_then(|c| c.get(item)).unwrap_or("absent");
                if actual.to_lowercase().starts_with(&is.to_lowercase()) {
                    Ok(())
                } else {
                    Err((format!("{item} of {area} = {is}…"), format!("{item} = {actual}")))
                }
            }
            Claim::Refused(text) => {
                let needle = text.to_lowercase();
                if cp.refusals.iter().any(|(_, r)| r.to_lowercase().contains(&needle)) {
                    Ok(())
                } else {
                    Err((format!("a refusal containing \"{text}\""), format!("refusals: {:?}", cp.refusals.iter().map(|(_, r)| r).collect::<Vec<_>>())))
                }
            }
            Claim::Unpublished(n, c) => check::expect(*c, cp.unpublished(sid(n))),
            Claim::Changes(w) => w.check(&cp.ledger.summary()),
            Claim::LostChanges(ids) => check::lost_ids(&cp.ledger.summary(), ids),
            Claim::LostUnpublished(ids) => check::lost_tentative_ids(&cp.ledger.summary(), ids),
            Claim::Primary(n) => check::expect(cp.name(sid(n)), cp.name(cp.primary())),
            Claim::ActiveAtMost(n) => check::at_most(*n, cp.running_actives().count(), "running Active"),
            Claim::Healthy => check::healthy(cp.health_problems(world.net())),
        }
    }
}
