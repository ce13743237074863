//! Adaptation rules: rhai scripts that read a snapshot of one athlete and return proposals.
//!
//! The sandbox is hard: a bounded number of operations, call depth, expression depth and
//! string/array/map sizes, a wall-clock limit, no modules (`import` does not exist), no
//! `eval`, and no function that touches files, the network or the environment. A script that
//! errors or hits a limit fails alone with a message that says which limit. Scripts compile
//! once; compiled rules are cached by their source.
//!
//! The script contract: read the constants `athlete`, `today`, `readiness`, `metrics`,
//! `stats`, `alerts`, `plan_version`, `today_workouts`, `week`, `recent_activities`, `misses`
//! and `insights` (see [`snapshot::Snapshot`]), and evaluate to an array of proposals built
//! with `change_workout(workout, changes, reason, receipts)`, `rest_instead(workout, reason,
//! receipts)`, `regenerate_plan(adjustment, reason, receipts)` and `receipt(label, value)`.

pub mod defaults;
pub mod jobs;
pub mod service;
pub mod snapshot;

use std::cell::{Cell, RefCell};
use std::sync::Arc;
use std::time::{Duration, Instant};

use rhai::{AST, Array, Dynamic, Engine, EvalAltResult, Map, Scope};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use self::snapshot::Snapshot;
use crate::gate::draft::ProposalDraft;

/// The limits every rule runs under.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RuleLimits {
    /// Operations one run may perform.
    pub max_operations: u64,
    /// Deepest function-call nesting.
    pub max_call_levels: usize,
    /// Longest string, bytes.
    pub max_string_size: usize,
    /// Largest array.
    pub max_array_size: usize,
    /// Largest map.
    pub max_map_size: usize,
    /// Wall-clock limit of one run, ms.
    pub timeout_ms: u64,
    /// Longest rule source accepted, bytes.
    pub max_source_bytes: usize,
    /// Most fixture cases one rule version may bring.
    pub max_fixture_cases: usize,
    /// Largest fixtures document, bytes.
    pub max_fixtures_bytes: usize,
    /// Wall-clock budget of checking one version against all its fixtures, ms.
    pub check_budget_ms: u64,
    /// Rule checks (saves, simulations) running at once on this server; each user runs one
    /// at a time.
    pub checks_at_once: usize,
    /// Memory the cache of compiled rules may hold, bytes (weighed by source size).
    pub cache_bytes: u64,
}

impl Default for RuleLimits {
    fn default() -> Self {
        Self {
            max_operations: 500_000,
            max_call_levels: 32,
            max_string_size: 16 * 1024,
            max_array_size: 2_000,
            max_map_size: 500,
            timeout_ms: 250,
            max_source_bytes: 64 * 1024,
            max_fixture_cases: 50,
            max_fixtures_bytes: 256 * 1024,
            check_budget_ms: 5_000,
            checks_at_once: 2,
            cache_bytes: 16 << 20,
        }
    }
}

/// Why a rule produced no proposals.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    /// The source does not compile.
    #[error("the rule does not compile: {0}")]
    Compile(String),
    /// It stopped at one of the sandbox's limits.
    #[error("the rule was stopped: {0}")]
    Limit(String),
    /// It failed while running.
    #[error("the rule failed: {0}")]
    Runtime(String),
    /// It returned something that is not a list of proposals.
    #[error("the rule returned an invalid result: {0}")]
    Output(String),
}

thread_local! {
    static DEADLINE: Cell<Option<Instant>> = const { Cell::new(None) };
    static PRINTED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
}

/// Lines a rule may print per run (`print`/`debug`); more are dropped.
const MAX_PRINTED: usize = 50;

/// A snapshot converted for rules once (see [`RuleEngine::prepare`]).
pub struct PreparedSnapshot {
    scope: Scope<'static>,
    /// The snapshot's own entries; a rule's variables come after them.
    base: usize,
    /// The snapshot's fields in the scope.
    fields: Fields,
}

/// A set of the snapshot's top-level fields (bit `i` is `Snapshot::FIELDS[i]`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Fields(u32);

impl Fields {
    /// Every field.
    pub const ALL: Fields = Fields((1 << Snapshot::FIELDS.len()) - 1);

    /// The fields a script's source names. A script reads a variable only by writing its
    /// name (there is no `eval` and no module), so a name the source never spells is a field
    /// no run of it can read; a name inside a string or a comment only adds a field.
    pub fn named_in(source: &str) -> Fields {
        let bytes = source.as_bytes();
        let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
        let mut fields = Fields::default();
        for (i, name) in Snapshot::FIELDS.iter().enumerate() {
            let found = source.match_indices(name).any(|(at, _)| {
                let end = at + name.len();
                (at == 0 || !word(bytes[at - 1])) && (end == bytes.len() || !word(bytes[end]))
            });
            if found {
                fields.0 |= 1 << i;
            }
        }
        fields
    }

    /// Both sets.
    pub fn union(self, other: Fields) -> Fields {
        Fields(self.0 | other.0)
    }

    /// Whether every field of `other` is in this set.
    pub fn covers(self, other: Fields) -> bool {
        self.0 & other.0 == other.0
    }

    fn has(self, i: usize) -> bool {
        self.0 & (1 << i) != 0
    }
}

/// A compiled rule and the snapshot fields it reads.
pub struct CompiledRule {
    /// The script.
    pub ast: AST,
    /// What it reads of the snapshot.
    pub reads: Fields,
}

/// The rhai engine with Stride's sandbox and helpers.
pub struct RuleEngine {
    engine: Engine,
    limits: RuleLimits,
    /// Compiled rules by source digest, bounded by the weight of their sources.
    cache: moka::sync::Cache<[u8; 32], (Arc<CompiledRule>, u32)>,
}

impl std::fmt::Debug for RuleEngine {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleEngine")
            .field("limits", &self.limits)
            .finish()
    }
}

fn receipt(label: &str, value: Dynamic) -> Map {
    let mut map = Map::new();
    map.insert("label".into(), label.into());
    map.insert("value".into(), value);
    map
}

fn proposal(kind: &str, reason: &str, receipts: Array) -> Map {
    let mut map = Map::new();
    map.insert("type".into(), kind.into());
    map.insert("reason".into(), reason.into());
    map.insert("receipts".into(), receipts.into());
    map
}

fn change_workout(workout: Map, changes: Map, reason: &str, receipts: Array) -> Map {
    let mut map = proposal("workout_change", reason, receipts);
    map.insert(
        "workout_id".into(),
        workout.get("id").cloned().unwrap_or(Dynamic::UNIT),
    );
    map.insert("changes".into(), changes.into());
    map
}

fn rest_instead(workout: Map, reason: &str, receipts: Array) -> Map {
    let mut changes = Map::new();
    changes.insert("kind".into(), "rest".into());
    changes.insert(
        "description".into(),
        format!("Rest day instead: {reason}").into(),
    );
    change_workout(workout, changes, reason, receipts)
}

fn regenerate_plan(adjustment: Map, reason: &str, receipts: Array) -> Map {
    let mut map = proposal("plan_regenerate", reason, receipts);
    map.insert("adjustment".into(), adjustment.into());
    map
}

/// The snapshot's fields in a scope: read-only constants to run with, plain variables to
/// compile against. Only `fields` are converted: converting is most of a short rule's cost,
/// and the default rules read half of the snapshot.
fn snapshot_scope(
    snapshot: &Snapshot,
    fields: Fields,
    constant: bool,
) -> Result<Scope<'static>, RuleError> {
    let mut scope = Scope::new();
    for (i, name) in Snapshot::FIELDS.iter().enumerate() {
        if !fields.has(i) {
            continue;
        }
        let value = snapshot
            .field_to_dynamic(name)
            .map_err(|e| RuleError::Runtime(format!("snapshot field `{name}`: {e}")))?;
        if constant {
            scope.push_constant_dynamic(*name, value);
        } else {
            scope.push_dynamic(*name, value);
        }
    }
    Ok(scope)
}

/// Translates rhai's errors into what a coach can act on.
fn describe(error: &EvalAltResult, limits: &RuleLimits) -> RuleError {
    match error {
        EvalAltResult::ErrorTooManyOperations(_) => RuleError::Limit(format!(
            "it ran more than {} operations (an endless loop?)",
            limits.max_operations
        )),
        EvalAltResult::ErrorStackOverflow(_) => RuleError::Limit(format!(
            "it nested calls deeper than {} (runaway recursion?)",
            limits.max_call_levels
        )),
        EvalAltResult::ErrorDataTooLarge(what, _) => RuleError::Limit(format!(
            "it built {} over the limit (strings {} bytes, arrays {} items, maps {} keys)",
            data_kind(what),
            limits.max_string_size,
            limits.max_array_size,
            limits.max_map_size
        )),
        EvalAltResult::ErrorTerminated(..) => {
            RuleError::Limit(format!("it ran longer than {} ms", limits.timeout_ms))
        }
        EvalAltResult::ErrorFunctionNotFound(name, position) => RuleError::Runtime(format!(
            "`{}` is not available to rules (at {position})",
            name.split(" (").next().unwrap_or(name)
        )),
        EvalAltResult::ErrorInFunctionCall(_, _, inner, _) => describe(inner, limits),
        other => RuleError::Runtime(other.to_string()),
    }
}

impl RuleEngine {
    /// An engine with the given limits.
    pub fn new(limits: RuleLimits) -> Self {
        let mut engine = Engine::new();
        engine
            .set_max_operations(limits.max_operations)
            .set_max_call_levels(limits.max_call_levels)
            .set_max_expr_depths(64, 32)
            .set_max_string_size(limits.max_string_size)
            .set_max_array_size(limits.max_array_size)
            .set_max_map_size(limits.max_map_size)
            .set_max_variables(500)
            .set_max_functions(100)
            .set_strict_variables(true);
        engine.disable_symbol("eval");
        engine.on_progress(|_| {
            let late = DEADLINE.with(|d| d.get().is_some_and(|deadline| Instant::now() > deadline));
            late.then(|| Dynamic::from("time limit"))
        });
        engine.on_print(|text| {
            PRINTED.with(|p| {
                let mut p = p.borrow_mut();
                if p.len() < MAX_PRINTED {
                    p.push(text.chars().take(500).collect());
                }
            });
        });
        engine.on_debug(|text, _, _| {
            PRINTED.with(|p| {
                let mut p = p.borrow_mut();
                if p.len() < MAX_PRINTED {
                    p.push(text.chars().take(500).collect());
                }
            });
        });
        engine
            .register_fn("receipt", receipt)
            .register_fn("change_workout", change_workout)
            .register_fn("rest_instead", rest_instead)
            .register_fn("regenerate_plan", regenerate_plan);
        Self {
            engine,
            limits,
            cache: moka::sync::Cache::builder()
                // A compiled AST takes a few times its source; sources are capped, so the
                // weight bounds the memory.
                .weigher(|_key, cached: &(Arc<CompiledRule>, u32)| cached.1)
                .max_capacity(limits.cache_bytes)
                .build(),
        }
    }

    /// The limits in force.
    pub fn limits(&self) -> RuleLimits {
        self.limits
    }

    /// Compiles a script, or returns the cached compilation of the same source.
    pub fn compile(&self, source: &str) -> Result<Arc<CompiledRule>, RuleError> {
        if source.len() > self.limits.max_source_bytes {
            return Err(RuleError::Compile(format!(
                "the source is {} bytes, more than the {} a rule may have",
                source.len(),
                self.limits.max_source_bytes
            )));
        }
        let key: [u8; 32] = Sha256::digest(source.as_bytes()).into();
        if let Some((rule, _)) = self.cache.get(&key) {
            return Ok(rule);
        }
        // The snapshot's names are known at compile time, so a misspelt variable is a compile
        // error rather than a surprise on some athlete's data.
        // Declared as variables, not constants: the optimizer must not fold defaults in.
        let scope = snapshot_scope(&Snapshot::default(), Fields::ALL, false)?;
        let ast = self
            .engine
            .compile_with_scope(&scope, source)
            .map_err(|e| RuleError::Compile(e.to_string()))?;
        let rule = Arc::new(CompiledRule {
            ast,
            reads: Fields::named_in(source),
        });
        // A compiled AST takes a few times its source; sources are capped, so this weight
        // bounds the cache's memory.
        let weight = u32::try_from(source.len() * 4 + 1_024).unwrap_or(u32::MAX);
        self.cache.insert(key, (rule.clone(), weight));
        Ok(rule)
    }

    /// Makes the `fields` of `snapshot` ready for rules: once, for every rule that runs
    /// against it and reads no more than those fields.
    pub fn prepare(
        &self,
        snapshot: &Snapshot,
        fields: Fields,
    ) -> Result<PreparedSnapshot, RuleError> {
        let scope = snapshot_scope(snapshot, fields, true)?;
        Ok(PreparedSnapshot {
            base: scope.len(),
            scope,
            fields,
        })
    }

    /// Runs a compiled rule against `snapshot`; returns its proposals and what it printed.
    pub fn run(
        &self,
        rule: &CompiledRule,
        snapshot: &Snapshot,
    ) -> Result<(Vec<ProposalDraft>, Vec<String>), RuleError> {
        let mut prepared = self.prepare(snapshot, rule.reads)?;
        self.run_prepared(rule, &mut prepared)
    }

    /// Runs a compiled rule against a prepared snapshot. The snapshot's fields are constants,
    /// which no rule can change; what a rule declares is dropped when it ends, so the next
    /// rule starts from the same snapshot.
    pub fn run_prepared(
        &self,
        rule: &CompiledRule,
        prepared: &mut PreparedSnapshot,
    ) -> Result<(Vec<ProposalDraft>, Vec<String>), RuleError> {
        if !prepared.fields.covers(rule.reads) {
            return Err(RuleError::Runtime(
                "the snapshot was prepared without fields this rule reads".to_owned(),
            ));
        }
        DEADLINE.with(|d| {
            d.set(Some(
                Instant::now() + Duration::from_millis(self.limits.timeout_ms),
            ))
        });
        PRINTED.with(|p| p.borrow_mut().clear());
        let result = self
            .engine
            .eval_ast_with_scope::<Dynamic>(&mut prepared.scope, &rule.ast);
        prepared.scope.rewind(prepared.base);
        DEADLINE.with(|d| d.set(None));
        let printed = PRINTED.with(|p| std::mem::take(&mut *p.borrow_mut()));
        let value = result.map_err(|e| describe(&e, &self.limits))?;
        if value.is_unit() {
            return Ok((Vec::new(), printed));
        }
        let Some(items) = value.try_cast::<Array>() else {
            return Err(RuleError::Output(
                "a rule must evaluate to an array of proposals".to_owned(),
            ));
        };
        let mut proposals = Vec::with_capacity(items.len());
        for (i, item) in items.into_iter().enumerate() {
            let draft: ProposalDraft = rhai::serde::from_dynamic(&item)
                .map_err(|e| RuleError::Output(format!("proposal {}: {e}", i + 1)))?;
            if draft.reason().trim().is_empty() {
                return Err(RuleError::Output(format!(
                    "proposal {} gives no reason",
                    i + 1
                )));
            }
            proposals.push(draft);
        }
        Ok((proposals, printed))
    }

    /// Compiles and runs a source in one step.
    pub fn evaluate(
        &self,
        source: &str,
        snapshot: &Snapshot,
    ) -> Result<Vec<ProposalDraft>, RuleError> {
        let ast = self.compile(source)?;
        self.run(&ast, snapshot).map(|(proposals, _)| proposals)
    }
}

/// One fixture: a snapshot and the proposals the rule must return for it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Fixture {
    /// What the case is about.
    pub name: String,
    /// The athlete's state.
    pub snapshot: Snapshot,
    /// The proposals expected, in order.
    pub expected: Vec<ProposalDraft>,
}

/// How a rule did on its fixtures.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct FixtureReport {
    /// Cases run.
    pub cases: usize,
    /// Failures: case name and what went wrong.
    pub failures: Vec<(String, String)>,
}

impl FixtureReport {
    /// Whether every case passed (and there was at least one).
    pub fn passed(&self) -> bool {
        self.cases > 0 && self.failures.is_empty()
    }
}

/// Parses fixtures from JSON (an array of cases), within the engine's limits.
pub fn parse_fixtures(json: &str, limits: &RuleLimits) -> Result<Vec<Fixture>, RuleError> {
    if json.len() > limits.max_fixtures_bytes {
        return Err(RuleError::Output(format!(
            "the fixtures are {} bytes, more than the {} allowed",
            json.len(),
            limits.max_fixtures_bytes
        )));
    }
    let cases: Vec<Fixture> = serde_json::from_str(json)
        .map_err(|e| RuleError::Output(format!("the fixtures are not valid: {e}")))?;
    if cases.len() > limits.max_fixture_cases {
        return Err(RuleError::Output(format!(
            "{} fixture cases are more than the {} a rule may have",
            cases.len(),
            limits.max_fixture_cases
        )));
    }
    Ok(cases)
}

/// Runs `source` against each fixture and compares the proposals.
pub fn check_fixtures(
    engine: &RuleEngine,
    source: &str,
    fixtures: &[Fixture],
) -> Result<FixtureReport, RuleError> {
    let ast = engine.compile(source)?;
    let mut report = FixtureReport {
        cases: fixtures.len(),
        failures: Vec::new(),
    };
    let budget = Instant::now() + Duration::from_millis(engine.limits.check_budget_ms);
    for fixture in fixtures {
        if Instant::now() > budget {
            report.failures.push((
                fixture.name.clone(),
                format!(
                    "not run: the fixtures took longer than {} ms together",
                    engine.limits.check_budget_ms
                ),
            ));
            continue;
        }
        match engine.run(&ast, &fixture.snapshot) {
            Ok((actual, _)) if actual == fixture.expected => {}
            Ok((actual, _)) => report.failures.push((
                fixture.name.clone(),
                format!(
                    "expected {}, got {}",
                    serde_json::to_string(&fixture.expected).unwrap_or_default(),
                    serde_json::to_string(&actual).unwrap_or_default()
                ),
            )),
            Err(error) => report
                .failures
                .push((fixture.name.clone(), error.to_string())),
        }
    }
    Ok(report)
}

/// Names the kind of value rhai's `ErrorDataTooLarge` complains about ("Length of string",
/// "Size of array/BLOB", "Size of object map").
fn data_kind(what: &str) -> &'static str {
    let what = what.to_ascii_lowercase();
    if what.contains("string") {
        "a string"
    } else if what.contains("map") {
        "a map"
    } else if what.contains("array") {
        "an array"
    } else {
        "a value"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine() -> RuleEngine {
        RuleEngine::new(RuleLimits::default())
    }

    #[test]
    fn hostile_scripts_are_stopped_with_a_clear_error() {
        let engine = engine();
        let snapshot = Snapshot::default();
        let cases = [
            ("loop { }", "more than 500000 operations"),
            ("let s = \"xx\"; loop { s += s; }", "string over the limit"),
            ("fn down(n) { down(n + 1) } down(0)", "deeper than 32"),
            ("let a = []; loop { a.push(1); }", "array over the limit"),
            ("open(\"/etc/passwd\")", "`open` is not available to rules"),
            ("eval(\"1 + 1\")", "eval"),
        ];
        for (source, expected) in cases {
            let error = engine.evaluate(source, &snapshot).expect_err(source);
            assert!(error.to_string().contains(expected), "{source}: {error}");
        }
        let import = engine
            .evaluate("import \"std\" as s; []", &snapshot)
            .expect_err("no modules");
        assert!(matches!(import, RuleError::Compile(_)), "{import}");
        // The engine still works after each of them.
        assert_eq!(engine.evaluate("[]", &snapshot), Ok(Vec::new()));
    }

    #[test]
    fn output_must_be_proposals() {
        let engine = engine();
        let snapshot = Snapshot::default();
        assert!(matches!(
            engine.evaluate("42", &snapshot),
            Err(RuleError::Output(_))
        ));
        let missing = engine
            .evaluate("[#{ type: \"workout_change\" }]", &snapshot)
            .expect_err("incomplete");
        assert!(missing.to_string().contains("proposal 1"), "{missing}");
        assert_eq!(engine.evaluate("()", &snapshot), Ok(Vec::new()));
    }

    #[test]
    fn rules_sharing_a_prepared_snapshot_cannot_change_it_for_each_other() {
        let engine = engine();
        let mut prepared = engine
            .prepare(&Snapshot::default(), Fields::ALL)
            .expect("prepared");
        let look = engine
            .compile("print(`${today_workouts.len()} ${type_of(today_workouts)}`); []")
            .expect("compiles");
        let seen =
            |prepared: &mut PreparedSnapshot| engine.run_prepared(&look, prepared).expect("runs").1;
        let before = seen(&mut prepared);
        assert_eq!(before, ["0 array"]);
        for attempt in [
            "today_workouts.push(1); []",
            "today_workouts += [1]; []",
            "let today_workouts = [1, 2]; []",
            "let f = || { today_workouts.push(1); }; f.call(); []",
            "let f = |x| { today_workouts.push(x); }; f.call(1); []",
            "let g = 1; loop { }",
        ] {
            let ast = engine.compile(attempt).expect(attempt);
            let _ = engine.run_prepared(&ast, &mut prepared);
            assert_eq!(seen(&mut prepared), before, "after {attempt}");
        }
        // A later rule may declare what an earlier one did.
        let declares = engine.compile("let g = 2; []").expect("compiles");
        assert!(engine.run_prepared(&declares, &mut prepared).is_ok());
        assert!(engine.run_prepared(&declares, &mut prepared).is_ok());
    }

    #[test]
    fn a_rule_sees_the_fields_it_names_and_no_more_are_converted() {
        let source =
            "// alerts are ignored here\nlet w = week; if plan_version == () { [] } else { [] }";
        let reads = Fields::named_in(source);
        let expected = ["alerts", "week", "plan_version"]
            .iter()
            .map(|name| Fields::named_in(name))
            .fold(Fields::default(), Fields::union);
        assert_eq!(reads, expected);
        // Names inside longer identifiers do not count.
        assert_eq!(
            Fields::named_in("let weekly = 1; let todays = 2; []"),
            Fields::default()
        );
        assert_eq!(Fields::named_in("today"), Fields::named_in(" today."));
        assert_ne!(
            Fields::named_in("today"),
            Fields::named_in("today_workouts")
        );

        let engine = engine();
        let rule = engine.compile(source).expect("compiles");
        assert_eq!(rule.reads, reads);
        let mut narrow = engine
            .prepare(&Snapshot::default(), Fields::named_in("plan_version"))
            .expect("prepared");
        let error = engine
            .run_prepared(&rule, &mut narrow)
            .expect_err("week was not prepared");
        assert!(error.to_string().contains("prepared without"), "{error}");
        let mut enough = engine
            .prepare(&Snapshot::default(), reads)
            .expect("prepared");
        assert!(engine.run_prepared(&rule, &mut enough).is_ok());
        // The default rules read only some of the snapshot.
        let defaults = defaults::DEFAULT_RULES
            .iter()
            .map(|rule| Fields::named_in(rule.source))
            .fold(Fields::default(), Fields::union);
        for unread in ["recent_activities", "insights", "metrics"] {
            assert!(!defaults.covers(Fields::named_in(unread)), "{unread}");
        }
    }

    #[test]
    fn snapshot_values_are_read_only() {
        let error = engine()
            .evaluate("today_workouts.push(1); []", &Snapshot::default())
            .expect_err("constant");
        assert!(error.to_string().contains("constant"), "{error}");
    }
}
