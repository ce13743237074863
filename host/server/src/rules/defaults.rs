//! The default rules that ship with Stride (the `rules/` folder), compiled into the binary
//! with their fixtures. Coaches override them per athlete or per team by name.

/// A rule shipped with Stride.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DefaultRule {
    /// Name (what coaches override).
    pub name: &'static str,
    /// rhai source.
    pub source: &'static str,
    /// Fixtures (JSON array of cases).
    pub fixtures: &'static str,
}

/// Every default rule.
pub const DEFAULT_RULES: &[DefaultRule] = &[
    DefaultRule {
        name: "traffic-light",
        source: include_str!("../../../../rules/traffic-light.rhai"),
        fixtures: include_str!("../../../../rules/traffic-light.fixtures.json"),
    },
    DefaultRule {
        name: "load-guard",
        source: include_str!("../../../../rules/load-guard.rhai"),
        fixtures: include_str!("../../../../rules/load-guard.fixtures.json"),
    },
    DefaultRule {
        name: "missed-long-run",
        source: include_str!("../../../../rules/missed-long-run.rhai"),
        fixtures: include_str!("../../../../rules/missed-long-run.fixtures.json"),
    },
];

/// A version label for a default rule: the first bytes of its source's hash.
pub fn version_of(source: &str) -> String {
    use sha2::Digest;
    format!(
        "builtin-{}",
        &hex::encode(sha2::Sha256::digest(source.as_bytes()))[..12]
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{RuleEngine, RuleLimits, check_fixtures, parse_fixtures};

    #[test]
    fn every_default_rule_passes_its_fixtures() {
        let engine = RuleEngine::new(RuleLimits::default());
        for rule in DEFAULT_RULES {
            let fixtures = parse_fixtures(rule.fixtures, &crate::rules::RuleLimits::default())
                .expect(rule.name);
            let report = check_fixtures(&engine, rule.source, &fixtures).expect(rule.name);
            assert!(report.passed(), "{}: {:?}", rule.name, report.failures);
            assert!(report.cases >= 3, "{} has too few fixtures", rule.name);
        }
    }

    #[test]
    fn the_example_rules_pass_their_fixtures() {
        let engine = RuleEngine::new(RuleLimits::default());
        let examples = [(
            "short-sleep",
            include_str!("../../../../rules/examples/short-sleep.rhai"),
            include_str!("../../../../rules/examples/short-sleep.fixtures.json"),
        )];
        for (name, source, fixtures) in examples {
            let fixtures = parse_fixtures(fixtures, &RuleLimits::default()).expect(name);
            let report = check_fixtures(&engine, source, &fixtures).expect(name);
            assert!(report.passed(), "{name}: {:?}", report.failures);
            assert!(report.cases >= 4, "{name} has too few fixtures");
        }
    }
}
