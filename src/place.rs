//! Where a check's refusal points: a path of fields and list (or tuple) indices from the value
//! the check was given — a declared world, a system's configuration — to the offending value.
//! A check knows its value, not the file it was read from; the file's reader follows the path
//! through the file's tree to the value's text and locates the error there (`file:line:col`),
//! so every semantic error points at the value it is about, not at the section around it.

use std::fmt;

/// One step of a [`Place`]: a field by its name in files, or the `i`-th element of a list or a
/// tuple (an enum variant's content counts as a tuple: `Nic("a", "corp")`'s index 1 is `"corp"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Step {
    Field(&'static str),
    /// A field a file may also write under an older name (serde's `alias`): the name, the alias.
    Aliased(&'static str, &'static str),
    Index(usize),
}

/// A path from a value to a part of it; the empty path is the value itself.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Place {
    steps: Vec<Step>,
}

impl Place {
    /// The value itself.
    pub fn root() -> Self {
        Place::default()
    }

    /// The field `name` of the value: the first step of most places.
    pub fn of(name: &'static str) -> Self {
        Place::root().field(name)
    }

    /// This place's field `name`.
    pub fn field(mut self, name: &'static str) -> Self {
        self.steps.push(Step::Field(name));
        self
    }

    /// This place's field `name`, which a file may also write as `alias`.
    pub fn aliased(mut self, name: &'static str, alias: &'static str) -> Self {
        self.steps.push(Step::Aliased(name, alias));
        self
    }

    /// This place's `i`-th element.
    pub fn index(mut self, i: usize) -> Self {
        self.steps.push(Step::Index(i));
        self
    }

    /// This place, as seen from the value `outer` is a place in.
    pub fn within(self, outer: &Place) -> Self {
        Place { steps: outer.steps.iter().copied().chain(self.steps).collect() }
    }

    pub fn steps(&self) -> &[Step] {
        &self.steps
    }
}

/// As `--set` paths write it: `hosts[2].nics[0].addr`.
impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, step) in self.steps.iter().enumerate() {
            match step {
                Step::Field(name) | Step::Aliased(name, _) if i == 0 => write!(f, "{name}")?,
                Step::Field(name) | Step::Aliased(name, _) => write!(f, ".{name}")?,
                Step::Index(k) => write!(f, "[{k}]")?,
            }
        }
        Ok(())
    }
}

/// A value a check refuses: what is wrong, and the place of the offending part.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Refusal {
    pub place: Place,
    pub message: String,
}

impl Refusal {
    pub fn at(place: Place, message: impl Into<String>) -> Self {
        Refusal { place, message: message.into() }
    }

    /// This refusal, as seen from the value `outer` is a place in (a section's check called
    /// from its parent's).
    pub fn within(self, outer: &Place) -> Self {
        Refusal { place: self.place.within(outer), message: self.message }
    }
}

/// A refusal about the value as a whole (its place is the value itself).
impl From<String> for Refusal {
    fn from(message: String) -> Self {
        Refusal { place: Place::root(), message }
    }
}

impl From<&str> for Refusal {
    fn from(message: &str) -> Self {
        Refusal::from(message.to_string())
    }
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_place_is_built_step_by_step_and_nests() {
        let nic = Place::of("nics").index(1).field("addr");
        let whole = nic.clone().within(&Place::of("hosts").index(2));
        assert_eq!(whole.to_string(), "hosts[2].nics[1].addr");
        assert_eq!(whole.steps()[..2], [Step::Field("hosts"), Step::Index(2)]);
        assert_eq!(Place::root().to_string(), "");
        assert_eq!(Place::of("storage").aliased("cassandra", "nodes").index(0).to_string(), "storage.cassandra[0]");
        let refusal = Refusal::at(nic, "two NICs").within(&Place::of("hosts").index(0));
        assert_eq!((refusal.place.to_string(), refusal.to_string()), ("hosts[0].nics[1].addr".into(), "two NICs".into()));
        assert_eq!(Refusal::from("whole"), Refusal::at(Place::root(), "whole"));
    }
}
