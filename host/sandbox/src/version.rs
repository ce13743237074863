//! The plugin API version a component was built for, read before it is compiled.

use std::fmt;

/// A plugin API version, as embedded by the SDK in the `stride:api-version` custom section.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct ApiVersion {
    /// Breaking changes.
    pub major: u16,
    /// Additions.
    pub minor: u16,
    /// Fixes.
    pub patch: u16,
}

impl fmt::Display for ApiVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
    }
}

/// The custom section that carries the version.
pub const SECTION: &str = "stride:api-version";

/// The versions this host runs: every 1.x up to 1.1 (a plugin built for a newer minor may use
/// imports this host lacks). Each has its bindings in `bindings.rs`.
pub const SUPPORTED: &[ApiVersion] = &[ApiVersion {
    major: 1,
    minor: 1,
    patch: 0,
}];

/// Why a component cannot be run.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VersionError {
    /// Not a WebAssembly component at all, or malformed.
    #[error("not a valid WebAssembly component: {0}")]
    Malformed(String),
    /// Built without the SDK's version marker.
    #[error("it carries no `{SECTION}` section; build it with the stride-plugin-sdk crate")]
    Missing,
    /// Built for a version this host does not run.
    #[error(
        "it was built for Stride plugin API {found}; this host supports {}",
        supported_list()
    )]
    Unsupported {
        /// The version the plugin was built for.
        found: ApiVersion,
    },
}

fn supported_list() -> String {
    let versions: Vec<String> = SUPPORTED
        .iter()
        .flat_map(|v| (0..=v.minor).map(move |minor| format!("{}.{minor}.x", v.major)))
        .collect();
    match versions.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => versions.join(""),
    }
}

/// Reads the API version embedded in `wasm` (looking inside nested modules too) and checks
/// this host supports it.
pub fn check(wasm: &[u8]) -> Result<ApiVersion, VersionError> {
    let mut found = None;
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        let payload = payload.map_err(|e| VersionError::Malformed(e.to_string()))?;
        if let wasmparser::Payload::CustomSection(section) = payload
            && section.name() == SECTION
        {
            let data = section.data();
            if data.len() != 6 {
                return Err(VersionError::Malformed(format!(
                    "the `{SECTION}` section has {} bytes, not 6",
                    data.len()
                )));
            }
            let field = |i: usize| u16::from_be_bytes([data[i], data[i + 1]]);
            found = Some(ApiVersion {
                major: field(0),
                minor: field(2),
                patch: field(4),
            });
        }
    }
    let found = found.ok_or(VersionError::Missing)?;
    if SUPPORTED
        .iter()
        .any(|s| s.major == found.major && found.minor <= s.minor)
    {
        Ok(found)
    } else {
        Err(VersionError::Unsupported { found })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn garbage_is_malformed_not_a_panic() {
        assert!(matches!(
            check(b"definitely not wasm"),
            Err(VersionError::Malformed(_))
        ));
    }

    #[test]
    fn the_message_names_both_versions() {
        let err = VersionError::Unsupported {
            found: ApiVersion {
                major: 2,
                minor: 1,
                patch: 0,
            },
        };
        assert_eq!(
            err.to_string(),
            "it was built for Stride plugin API 2.1.0; this host supports 1.0.x and 1.1.x"
        );
    }
}
