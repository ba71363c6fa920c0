//! DataMiner versions as DataMiner writes them, and the known issues that depend on them (SPEC
//! §9). Two release tracks: main releases with cumulative updates (`10.4.0 CU12`, also written
//! `10.4.0 [CU12]`; plain `10.4.0` is CU0) and feature releases (`10.4.9`). A known issue's
//! affected versions are intervals on one track each, exactly as its page states them, so that
//! the same scenario on an affected version shows the issue and on a fixed one does not.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A DataMiner version: `major.minor.build`, and on a main release (`build` 0) its cumulative
/// update.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    major: u16,
    minor: u16,
    build: u16,
    cu: u16,
}

/// The release track a version is on: versions compare within a track only.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Track {
    Main,
    Feature,
}

/// The largest number one part of a version may have.
const PART_MAX: u16 = 9_999;

impl Version {
    /// A main release and its cumulative update (`10.4.0 CU12` is `main(10, 4, 12)`).
    pub const fn main(major: u16, minor: u16, cu: u16) -> Version {
        Version { major, minor, build: 0, cu }
    }

    /// A feature release (`10.4.9` is `feature(10, 4, 9)`).
    pub const fn feature(major: u16, minor: u16, build: u16) -> Version {
        assert!(build > 0, "a feature release has a build number above 0");
        Version { major, minor, build, cu: 0 }
    }

    fn track(self) -> Track {
        if self.build == 0 { Track::Main } else { Track::Feature }
    }

    /// Reads `10.4.0`, `10.4.0 CU12`, `10.4.0 [CU12]` or `10.5.3`.
    pub fn parse(text: &str) -> Result<Version, String> {
        let bad = |why: &str| format!("`{text}` is not a DataMiner version ({why}; write it as `10.4.0`, `10.4.0 CU12` or `10.5.3`)");
        let (number, cu) = match text.trim().split_once(char::is_whitespace) {
            None => (text.trim(), None),
            Some((number, rest)) => (number, Some(rest.trim())),
        };
        let parts: Vec<&str> = number.split('.').collect();
        let [major, minor, build] = parts[..] else { return Err(bad("it needs three numbers")) };
        let part = |p: &str| p.parse::<u16>().ok().filter(|n| *n <= PART_MAX).ok_or_else(|| bad(&format!("`{p}` is not a number up to {PART_MAX}")));
        let (major, minor, build) = (part(major)?, part(minor)?, part(build)?);
        let cu = match cu {
            None => 0,
            Some(cu) => {
                let inner = cu.strip_prefix('[').and_then(|c| c.strip_suffix(']')).unwrap_or(cu);
                let n = inner.strip_prefix("CU").ok_or_else(|| bad("a cumulative update is written `CU12`"))?;
                if build != 0 {
                    return Err(bad("only a main release (`x.y.0`) has cumulative updates"));
                }
                part(n)?
            }
        };
        Ok(Version { major, minor, build, cu })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.build)?;
        if self.cu > 0 {
            write!(f, " CU{}", self.cu)?;
        }
        Ok(())
    }
}

/// As a file writes it (`"10.4.0 CU12"`): claims print their values in reports.
impl fmt::Debug for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

impl Serialize for Version {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_string())
    }
}

impl<'de> Deserialize<'de> for Version {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Version::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Versions `from` (included) up to `fixed` (excluded; `None`: no fix on that line). On the
/// main track a range stays within one main release's cumulative updates (`10.4.0 CU8` up to
/// `10.4.0 CU12`: a fix in 10.4.0 says nothing of 10.5.0); feature releases are one sequence.
#[derive(Clone, Copy, Debug)]
pub struct Affected {
    from: Version,
    fixed: Option<Version>,
}

impl Affected {
    pub fn contains(&self, v: Version) -> bool {
        let below_fix = self.fixed.is_none_or(|fixed| v < fixed);
        match self.from.track() {
            Track::Main => v.track() == Track::Main && (v.major, v.minor) == (self.from.major, self.from.minor) && v >= self.from && below_fix,
            Track::Feature => v.track() == Track::Feature && v >= self.from && below_fix,
        }
    }
}

/// The versions that have a change from its release note on: on the main track, each listed
/// main release from its cumulative update and every later main release (a change that reached
/// 10.4.0 is in 10.5.0 too); on the feature track, the listed feature release and every later one.
/// Where `Affected` ranges say when a known issue applies, a `Since` says when a documented
/// behaviour does (DM-PROXY, DM-ENDFAILOVER).
#[derive(Clone, Copy, Debug)]
pub struct Since {
    /// The first cumulative update of each main release line that has the change, oldest line
    /// first (`10.3.0 CU18`, `10.4.0`).
    main: &'static [Version],
    feature: Version,
}

impl Since {
    pub fn contains(&self, v: Version) -> bool {
        match v.track() {
            Track::Feature => v >= self.feature,
            Track::Main => {
                let line = |p: &Version| (p.major, p.minor);
                let in_a_line = self.main.iter().any(|p| line(p) == line(&v) && v.cu >= p.cu);
                let after_the_last = self.main.last().is_some_and(|p| line(&v) > line(p));
                in_a_line || after_the_last
            }
        }
    }
}

/// Ending Failover by "No Failover" decommissions the offline DMA "from 10.2 on"
/// (Ending_a_Failover_configuration.md; DM-ENDFAILOVER): the 10.2.0 main release and the 10.2
/// feature releases (10.2.1 on).
pub const END_FAILOVER: Since = Since { main: &[Version::main(10, 2, 0)], feature: Version::feature(10, 2, 1) };

/// Decommissioning also works with the offline server down from 10.2.0 CU9 / 10.2.12
/// (Ending_a_Failover_configuration.md; DM-ENDFAILOVER).
pub const END_FAILOVER_OFFLINE_DOWN: Since = Since { main: &[Version::main(10, 2, 9)], feature: Version::feature(10, 2, 12) };

/// The online DMA restarts when decommissioning ends from 10.3.0 CU18 / 10.4.0 / 10.4.9
/// (Ending_a_Failover_configuration.md; DM-ENDFAILOVER).
pub const END_FAILOVER_RESTART: Since = Since { main: &[Version::main(10, 3, 18), Version::main(10, 4, 0)], feature: Version::feature(10, 4, 9) };

/// IIS on the offline agent hosts a reverse proxy that DataMiner enables and disables on each
/// switch from 10.2.12 / 10.2.0 CU9 (RN 34606; DM-PROXY).
pub const MANAGED_PROXY: Since = Since { main: &[Version::main(10, 2, 9)], feature: Version::feature(10, 2, 12) };

/// What a known issue does, where failsim models it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    /// The agent going online stays in "Acquiring Virtual IP Address" when the pair has more
    /// than two VIPs or its VIPs are on several NICs.
    VipAcquireStuck,
    /// The offline DMA does not synchronize with the online one.
    OfflineDoesNotSync,
    /// After a start, the agent's request that its offline buddy go offline blocks for five
    /// minutes and is then refused ("Preventing ping-pong"), so it stays offline.
    StartupNotifyBlocked,
    /// A switch to a DMA on Cassandra takes longer the more alarms are active (up to 10 min).
    CassandraSwitchSlow,
    /// Two agents starting at the same time get stuck in start-up.
    StartupStuck,
}

/// A known issue of DataMiner Failover (SPEC §9): its SPEC ID, its page, the versions it
/// affects, the behaviour it switches on.
#[derive(Clone, Copy, Debug)]
pub struct KnownIssue {
    pub(super) id: &'static str,
    pub(super) page: &'static str,
    affected: &'static [Affected],
    behaviour: Behaviour,
}

const fn from(from: Version, fixed: Version) -> Affected {
    Affected { from, fixed: Some(fixed) }
}

/// The known issues failsim models, as their pages state their versions.
pub const KNOWN_ISSUES: [KnownIssue; 5] = [
    // "10.3.0 [CU20]/10.4.0 [CU8] to 10.4.0 [CU11], and 10.4.11 to 10.5.2; fixed in 10.4.0
    // [CU12], 10.5.0 [CU0], 10.5.3" (RN 42280).
    KnownIssue {
        id: "DM-KI-VIP-ACQUIRE",
        page: "dataminer/Troubleshooting/Known_issues/KI_Online_Failover_Agent_unable_to_acquire_VIP.md",
        affected: &[
            Affected { from: Version::main(10, 3, 20), fixed: None },
            from(Version::main(10, 4, 8), Version::main(10, 4, 12)),
            from(Version::feature(10, 4, 11), Version::feature(10, 5, 3)),
        ],
        behaviour: Behaviour::VipAcquireStuck,
    },
    // "10.3.0 [CU11] to 10.4.0 [CU9] and 10.4.2 to 10.4.12; fixed in 10.4.0 [CU10] / 10.5.1"
    // (RN 41527).
    KnownIssue {
        id: "DM-KI-OFFLINE-NOSYNC",
        page: "dataminer/Troubleshooting/Known_issues/KI_offline_DMA_cannot_sync.md",
        affected: &[
            Affected { from: Version::main(10, 3, 11), fixed: None },
            from(Version::main(10, 4, 0), Version::main(10, 4, 10)),
            from(Version::feature(10, 4, 2), Version::feature(10, 5, 1)),
        ],
        behaviour: Behaviour::OfflineDoesNotSync,
    },
    // "From DataMiner 10.3.0 [CU9]/10.3.12 onwards ... Fixed in 10.3.0 [CU11], 10.4.0, 10.4.2"
    // (RN 38349): the 10.4.0 main release already has the fix.
    KnownIssue {
        id: "DM-KI-UPGRADE-OFFLINE",
        page: "dataminer/Troubleshooting/Known_issues/KI_Failover_Agents_offline_after_upgrade.md",
        affected: &[from(Version::main(10, 3, 9), Version::main(10, 3, 11)), from(Version::feature(10, 3, 12), Version::feature(10, 4, 2))],
        behaviour: Behaviour::StartupNotifyBlocked,
    },
    // "10.4.2 to 10.4.8; fixed in 10.3.0 [CU18], 10.4.0 [CU6], 10.4.9". The page states the
    // affected range on the feature track only; of the main track it names fixes. failsim counts
    // 10.4.0 CU0-CU5 as affected (the 10.4.0 line got the fix, so it had the issue) and no
    // 10.3.0 CU (no start is given there; an interpretation).
    KnownIssue {
        id: "DM-KI-CASSANDRA-SWITCH",
        page: "dataminer/Troubleshooting/Known_issues/KI_Failover_switch_Cassandra_Cluster.md",
        affected: &[from(Version::main(10, 4, 0), Version::main(10, 4, 6)), from(Version::feature(10, 4, 2), Version::feature(10, 4, 9))],
        behaviour: Behaviour::CassandraSwitchSlow,
    },
    // RN 44680: "the two Agents in a Failover pair could get stuck during startup", fixed in
    // 10.5.0 [CU13] / 10.6.0 [CU1] / 10.6.4. The note names no first affected version:
    // failsim counts the release lines that got the fix (10.5.0 CU0-CU12, 10.6.0 CU0, feature
    // releases 10.5.1-10.6.3; an interpretation).
    KnownIssue {
        id: "DM-KI-STARTUP-STUCK",
        page: "release-notes/General/General_Feature_Release_10.6/General_Feature_Release_10.6.4.md",
        affected: &[
            from(Version::main(10, 5, 0), Version::main(10, 5, 13)),
            from(Version::main(10, 6, 0), Version::main(10, 6, 1)),
            from(Version::feature(10, 5, 1), Version::feature(10, 6, 4)),
        ],
        behaviour: Behaviour::StartupStuck,
    },
];

/// The known issue with `behaviour` that affects `version`, if one does.
pub fn affecting(version: Version, behaviour: Behaviour) -> Option<&'static KnownIssue> {
    KNOWN_ISSUES.iter().find(|ki| ki.behaviour == behaviour && ki.affected.iter().any(|a| a.contains(version)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(text: &str) -> Version {
        Version::parse(text).unwrap()
    }

    #[test]
    fn versions_read_and_print_as_dataminer_writes_them() {
        assert_eq!(v("10.4.0 CU12"), Version::main(10, 4, 12));
        assert_eq!(v("10.4.0 [CU12]"), Version::main(10, 4, 12));
        assert_eq!(v("10.4.0"), Version::main(10, 4, 0));
        assert_eq!(v("10.5.3"), Version::feature(10, 5, 3));
        assert_eq!(v("10.4.0 [CU12]").to_string(), "10.4.0 CU12");
        assert_eq!(v("10.5.3").to_string(), "10.5.3");
        for bad in ["10.4", "10.4.0.1", "ten.4.0", "10.4.0 SP1", "10.5.3 CU1", "10.4.0 CUx", "10.99999.0", ""] {
            assert!(Version::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn versions_order_within_their_track() {
        assert!(v("10.4.0 CU9") < v("10.4.0 CU10"));
        assert!(v("10.3.0 CU20") < v("10.4.0"));
        assert!(v("10.4.9") < v("10.4.12"));
        let range = from(Version::main(10, 4, 8), Version::main(10, 4, 12));
        assert!(range.contains(v("10.4.0 CU8")) && range.contains(v("10.4.0 CU11")));
        assert!(!range.contains(v("10.4.0 CU12")) && !range.contains(v("10.4.0 CU7")));
        assert!(!range.contains(v("10.4.9")), "a feature release is not on the main track");
    }

    #[test]
    fn a_documented_change_holds_from_its_release_on_both_tracks() {
        let restart = |text: &str| END_FAILOVER_RESTART.contains(v(text));
        assert!(restart("10.3.0 CU18") && restart("10.3.0 CU20") && restart("10.4.0") && restart("10.5.0 CU2") && restart("10.4.9") && restart("10.5.3"));
        assert!(!restart("10.3.0 CU17") && !restart("10.2.0 CU30") && !restart("10.4.8") && !restart("10.3.12"));
        let proxy = |text: &str| MANAGED_PROXY.contains(v(text));
        assert!(proxy("10.2.0 CU9") && proxy("10.2.12") && proxy("10.3.0") && proxy("10.4.0 CU12"));
        assert!(!proxy("10.2.0 CU8") && !proxy("10.2.11") && !proxy("10.1.0 CU20"));
        let end = |text: &str| END_FAILOVER.contains(v(text));
        assert!(end("10.2.0") && end("10.2.1") && end("10.4.0 CU12"));
        assert!(!end("10.1.0 CU12") && !end("10.1.12"));
        let down = |text: &str| END_FAILOVER_OFFLINE_DOWN.contains(v(text));
        assert!(down("10.2.0 CU9") && down("10.2.12") && !down("10.2.0 CU8") && !down("10.2.11"));
    }

    #[test]
    fn each_known_issue_affects_what_its_page_says() {
        let vip = |text: &str| affecting(v(text), Behaviour::VipAcquireStuck).map(|ki| ki.id);
        assert_eq!(vip("10.4.0 CU8"), Some("DM-KI-VIP-ACQUIRE"));
        assert_eq!(vip("10.4.0 CU11"), Some("DM-KI-VIP-ACQUIRE"));
        assert_eq!(vip("10.4.0 CU12"), None);
        assert_eq!(vip("10.4.11"), Some("DM-KI-VIP-ACQUIRE"));
        assert_eq!(vip("10.5.2"), Some("DM-KI-VIP-ACQUIRE"));
        assert_eq!(vip("10.5.3"), None);
        assert_eq!(vip("10.5.0"), None, "fixed in 10.5.0 [CU0]");
        assert_eq!(vip("10.3.0 CU20"), Some("DM-KI-VIP-ACQUIRE"));
        assert_eq!(vip("10.3.0 CU19"), None);
        assert_eq!(vip("10.4.0 CU7"), None, "the 10.3.0 range ends with its own line");
        assert_eq!(vip("10.6.0"), None);
        let sync = |text: &str| affecting(v(text), Behaviour::OfflineDoesNotSync).map(|ki| ki.id);
        assert_eq!(sync("10.3.0 CU11"), Some("DM-KI-OFFLINE-NOSYNC"));
        assert_eq!(sync("10.3.0 CU10"), None);
        assert_eq!(sync("10.4.0 CU9"), Some("DM-KI-OFFLINE-NOSYNC"));
        assert_eq!(sync("10.4.0 CU10"), None);
        assert_eq!(sync("10.4.2"), Some("DM-KI-OFFLINE-NOSYNC"));
        assert_eq!(sync("10.4.12"), Some("DM-KI-OFFLINE-NOSYNC"));
        assert_eq!(sync("10.5.1"), None);
        assert_eq!(sync("10.4.1"), None);
        assert_eq!(sync("10.4.0"), Some("DM-KI-OFFLINE-NOSYNC"));
        assert_eq!(sync("10.5.0 CU3"), None);
        let upgrade = |text: &str| affecting(v(text), Behaviour::StartupNotifyBlocked).map(|ki| ki.id);
        assert_eq!(upgrade("10.3.0 CU9"), Some("DM-KI-UPGRADE-OFFLINE"));
        assert_eq!(upgrade("10.3.0 CU10"), Some("DM-KI-UPGRADE-OFFLINE"));
        assert_eq!(upgrade("10.3.0 CU8"), None);
        assert_eq!(upgrade("10.3.0 CU11"), None);
        assert_eq!(upgrade("10.3.12"), Some("DM-KI-UPGRADE-OFFLINE"));
        assert_eq!(upgrade("10.4.1"), Some("DM-KI-UPGRADE-OFFLINE"));
        assert_eq!(upgrade("10.4.2"), None);
        assert_eq!(upgrade("10.4.0"), None, "fixed in 10.4.0");
        let slow = |text: &str| affecting(v(text), Behaviour::CassandraSwitchSlow).map(|ki| ki.id);
        assert_eq!(slow("10.4.2"), Some("DM-KI-CASSANDRA-SWITCH"));
        assert_eq!(slow("10.4.8"), Some("DM-KI-CASSANDRA-SWITCH"));
        assert_eq!(slow("10.4.9"), None);
        assert_eq!(slow("10.4.1"), None);
        assert_eq!(slow("10.4.0 CU5"), Some("DM-KI-CASSANDRA-SWITCH"));
        assert_eq!(slow("10.4.0 CU6"), None);
        let stuck = |text: &str| affecting(v(text), Behaviour::StartupStuck).map(|ki| ki.id);
        assert_eq!(stuck("10.5.0 CU12"), Some("DM-KI-STARTUP-STUCK"));
        assert_eq!(stuck("10.5.0 CU13"), None);
        assert_eq!(stuck("10.6.0"), Some("DM-KI-STARTUP-STUCK"));
        assert_eq!(stuck("10.6.0 CU1"), None);
        assert_eq!(stuck("10.6.3"), Some("DM-KI-STARTUP-STUCK"));
        assert_eq!(stuck("10.6.4"), None);
        assert_eq!(stuck("10.4.0 CU12"), None, "failsim's default version");
    }
}
