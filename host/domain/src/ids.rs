//! Identifiers that cross the layers. A bare `Uuid` says nothing about what it names; these
//! do, so an athlete's id cannot be passed where a plugin's or an activity's is expected.

use std::fmt;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A Stride user who trains: the owner of activities, metrics and plans.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct AthleteId(pub Uuid);

impl AthleteId {
    /// The underlying id.
    pub fn uuid(self) -> Uuid {
        self.0
    }
}

impl From<Uuid> for AthleteId {
    fn from(id: Uuid) -> Self {
        Self(id)
    }
}

impl From<AthleteId> for Uuid {
    fn from(id: AthleteId) -> Self {
        id.0
    }
}

impl std::str::FromStr for AthleteId {
    type Err = uuid::Error;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.parse().map(Self)
    }
}

impl fmt::Display for AthleteId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A plugin's id as its manifest declares it (`strava`, `garmin`): also the `source` of the
/// records it delivers. Lower-case letters, digits and dashes, 1–40 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PluginId(String);

impl PluginId {
    /// Checks the form of a plugin id.
    pub fn parse(id: &str) -> Result<Self, String> {
        let valid = (1..=40).contains(&id.len())
            && id
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if valid {
            Ok(Self(id.to_owned()))
        } else {
            Err(format!(
                "`{id}` is not a plugin id (1–40 lower-case letters, digits and dashes)"
            ))
        }
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PluginId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for PluginId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plugin_ids_are_checked() {
        assert!(PluginId::parse("strava").is_ok());
        assert!(PluginId::parse("apple-health").is_ok());
        assert!(PluginId::parse("").is_err());
        assert!(PluginId::parse("Strava").is_err());
        assert!(PluginId::parse("../etc").is_err());
        assert!(PluginId::parse(&"a".repeat(41)).is_err());
    }
}
