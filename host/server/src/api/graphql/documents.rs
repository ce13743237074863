//! Parsed queries, remembered by their text. Clients send the same few documents over and
//! over (the console's pages, a script's query), and parsing one costs more than running a
//! cached `home`; a copy of the parsed tree is far cheaper. Only documents that parsed are
//! kept.
//!
//! Requests that passed GraphQL's validation are remembered too, by their whole input: the
//! query text, the operation name and the variables' values. Validation depends on nothing
//! else (the schema is fixed for the life of the server, with no extensions and no fields
//! hidden per request), so the same request passes again. It then runs on a schema in
//! async-graphql's fast validation mode, which still checks the depth and complexity limits
//! and fragment cycles. Validation took a fifth of the server's time on a cached `home`
//! (BENCHMARKS.md).
//!
//! Each document is also marked when its answer is made from the viewer's home screen alone
//! (see [`answered_from_home`]): such an answer is kept with the cached screen, as bytes.

use std::sync::Arc;

use async_graphql::parser::types::{
    DocumentOperations, ExecutableDocument, OperationType, Selection,
};

/// Longest query text remembered (longer ones are parsed every time).
const MAX_QUERY_BYTES: usize = 16 * 1024;
/// Query text remembered in total, bytes (the parsed trees take a few times more).
const CAPACITY_BYTES: u64 = 4 * 1024 * 1024;

/// Requests remembered as validated in total, bytes of their keys.
const VALIDATED_BYTES: u64 = 8 * 1024 * 1024;

/// A parsed document, and whether its answer is made from the home screen alone.
struct Known {
    document: ExecutableDocument,
    from_home: Option<HomeQuery>,
}

/// A document whose answer is made from the viewer's own home screen alone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HomeQuery {
    /// The name of its one operation, if it has one.
    pub name: Option<String>,
}

/// Parsed documents by query text, and the requests that passed validation. Cheap to clone.
///
/// Both are read on every request, so they are `quick_cache`'s caches: a look-up is a
/// sharded read lock and a flag, where moka's also queued the read for its bookkeeping
/// (moka's three look-ups were 12–14% of the server's time on a cached `home`,
/// BENCHMARKS.md, 7 December). Its eviction (S3-FIFO) keeps what is asked again over a
/// flood of queries seen once.
#[derive(Clone)]
pub struct Documents {
    cache: Arc<ByText<Arc<Known>>>,
    validated: Arc<ByText<()>>,
}

/// A cache by text, weighed by [`ByKeyBytes`].
type ByText<V> = quick_cache::sync::Cache<String, V, ByKeyBytes>;

/// An entry's weight: its key's bytes, and about what the cache keeps beside each entry.
#[derive(Clone)]
struct ByKeyBytes;

impl<V> quick_cache::Weighter<String, V> for ByKeyBytes {
    fn weight(&self, key: &String, _: &V) -> u64 {
        key.len() as u64 + 64
    }
}

/// A cache holding `bytes` of keys, for keys of about half a kilobyte.
fn by_text<V: Clone>(bytes: u64) -> Arc<ByText<V>> {
    let items = usize::try_from(bytes / 512).unwrap_or(usize::MAX);
    Arc::new(ByText::with_weighter(items, bytes, ByKeyBytes))
}

impl Default for Documents {
    fn default() -> Self {
        Self {
            cache: by_text(CAPACITY_BYTES),
            validated: by_text(VALIDATED_BYTES),
        }
    }
}

/// A request's document as remembered, if it is.
pub struct Lookup(Option<Arc<Known>>);

/// What validating a request depends on, and whether it is known to pass.
pub struct Validation {
    key: Option<String>,
    /// The same request passed validation before.
    pub passed_before: bool,
}

impl Documents {
    /// What is remembered of `request`'s document: one look-up serves
    /// [`Self::answered_from_home`] and [`Self::prepare`].
    pub fn look_up(&self, request: &async_graphql::Request) -> Lookup {
        Lookup(
            (request.query.len() <= MAX_QUERY_BYTES)
                .then(|| self.cache.get(request.query.as_str()))
                .flatten(),
        )
    }

    /// Hands `request` its parsed document from the cache, or parses it and remembers it.
    /// A query that does not parse is left to the executor, which reports why.
    pub fn prepare(&self, request: &mut async_graphql::Request, lookup: Lookup) {
        if let Some(known) = lookup.0 {
            request.set_parsed_query(ExecutableDocument::clone(&known.document));
            return;
        }
        if request.query.len() > MAX_QUERY_BYTES {
            return;
        }
        if let Ok(document) = request.parsed_query() {
            let known = Arc::new(Known {
                from_home: answered_from_home(document),
                document: document.clone(),
            });
            self.cache.insert(request.query.clone(), known);
        }
    }

    /// Whether `request`'s answer is made from the viewer's own home screen alone: its
    /// document (parsed before) is one (see [`answered_from_home`]), the request names no
    /// operation or the document's one, and it brings no variables and no uploads.
    pub fn answered_from_home(
        &self,
        request: &async_graphql::Request,
        lookup: &Lookup,
    ) -> Option<HomeQuery> {
        let query = lookup.0.as_ref()?.from_home.as_ref()?;
        let named_right = request.operation_name.is_none()
            || request.operation_name.as_deref() == query.name.as_deref();
        (named_right && request.variables.is_empty() && request.uploads.is_empty())
            .then(|| query.clone())
    }

    /// Whether `request` (query, operation name and variables alike) passed validation
    /// before. Requests with uploads, and long ones, are always validated.
    pub fn validation(&self, request: &async_graphql::Request) -> Validation {
        let key = (request.query.len() <= MAX_QUERY_BYTES && request.uploads.is_empty())
            .then(|| serde_json::to_string(&request.variables).ok())
            .flatten()
            .map(|variables| {
                // `None` and `Some("")` are different requests to the executor.
                let operation = match request.operation_name.as_deref() {
                    None => "-".to_owned(),
                    Some(name) => format!("+{name}"),
                };
                format!("{operation}\0{variables}\0{}", request.query)
            });
        let passed_before = key
            .as_ref()
            .is_some_and(|key| self.validated.contains_key(key));
        Validation { key, passed_before }
    }

    /// Remembers that the request passed validation when its answer says so: every error
    /// (if any) came from running a field, and so has a path. Validation's errors have none.
    pub fn answered(&self, validation: Validation, response: &async_graphql::Response) {
        if validation.passed_before || response.errors.iter().any(|e| e.path.is_empty()) {
            return;
        }
        if let Some(key) = validation.key {
            self.validated.insert(key, ());
        }
    }
}

/// Whether a document's answer is made from the viewer's own home screen and nothing else:
/// it is one query (named or not) without variables or directives, and its top-level fields
/// are `home` without arguments (at least once) and `__typename`. Everything under `home` is
/// read from the cached screen (`HomeScreen`'s fields and the plain objects under them).
fn answered_from_home(document: &ExecutableDocument) -> Option<HomeQuery> {
    // The parser keeps a named operation among `Multiple`, even when it is the only one.
    let (name, operation) = match &document.operations {
        DocumentOperations::Single(operation) => (None, operation),
        DocumentOperations::Multiple(operations) if operations.len() == 1 => {
            let (name, operation) = operations.iter().next()?;
            (Some(name.to_string()), operation)
        }
        DocumentOperations::Multiple(_) => return None,
    };
    let operation = &operation.node;
    let fields = &operation.selection_set.node.items;
    let from_home = operation.ty == OperationType::Query
        && operation.variable_definitions.is_empty()
        && operation.directives.is_empty()
        && fields.iter().all(|item| match &item.node {
            Selection::Field(field) => {
                let field = &field.node;
                field.directives.is_empty()
                    && (field.name.node.as_str() == "__typename"
                        || (field.name.node.as_str() == "home" && field.arguments.is_empty()))
            }
            Selection::FragmentSpread(_) | Selection::InlineFragment(_) => false,
        })
        && fields.iter().any(|item| {
            matches!(&item.node, Selection::Field(field) if field.node.name.node.as_str() == "home")
        });
    from_home.then_some(HomeQuery { name })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prepare(documents: &Documents, request: &mut async_graphql::Request) {
        let lookup = documents.look_up(request);
        documents.prepare(request, lookup);
    }

    #[test]
    fn a_request_is_known_valid_only_with_the_same_text_operation_and_variables() {
        let documents = Documents::default();
        let request = |variables: serde_json::Value| {
            async_graphql::Request::new(
                "query Q($n: Int) { activities(first: $n) { nodes { id } } }",
            )
            .variables(async_graphql::Variables::from_json(variables))
        };
        let first = documents.validation(&request(serde_json::json!({ "n": 5 })));
        assert!(!first.passed_before);
        // Refused by validation: not remembered.
        documents.answered(
            first,
            &async_graphql::Response::from_errors(vec![async_graphql::ServerError::new(
                "Invalid value for argument",
                None,
            )]),
        );
        assert!(
            !documents
                .validation(&request(serde_json::json!({ "n": 5 })))
                .passed_before
        );
        // Ran, with a field's error: validation passed.
        let mut ran = async_graphql::Response::new(async_graphql::Value::Null);
        let mut error = async_graphql::ServerError::new("forbidden", None);
        error.path = vec![async_graphql::PathSegment::Field("activities".to_owned())];
        ran.errors.push(error);
        documents.answered(
            documents.validation(&request(serde_json::json!({ "n": 5 }))),
            &ran,
        );
        assert!(
            documents
                .validation(&request(serde_json::json!({ "n": 5 })))
                .passed_before
        );
        assert!(
            !documents
                .validation(&request(serde_json::json!({ "n": "five" })))
                .passed_before
        );
        assert!(
            !documents
                .validation(&request(serde_json::json!({ "n": 5 })).operation_name("Other"))
                .passed_before
        );
    }

    #[test]
    fn only_a_query_of_the_viewers_own_home_alone_is_answered_from_it() {
        let documents = Documents::default();
        let from_home = |query: &str, variables: serde_json::Value| {
            let mut request = async_graphql::Request::new(query)
                .variables(async_graphql::Variables::from_json(variables));
            prepare(&documents, &mut request);
            documents
                .answered_from_home(&request, &documents.look_up(&request))
                .is_some()
        };
        let none = serde_json::json!({});
        assert!(from_home("{ home { date load { acwr } } }", none.clone()));
        assert!(from_home(
            "query Today { __typename today: home { date ...R } } fragment R on HomeScreen { readiness { light } }",
            none.clone()
        ));
        for other in [
            "{ home(athleteId: \"x\") { date } }",
            "{ home { date } me { id } }",
            "{ __typename }",
            "{ ... on Query { home { date } } }",
            "{ home @include(if: true) { date } }",
            "query($a: ID) { home(athleteId: $a) { date } }",
            "mutation { home { date } }",
            "query A { home { date } } query B { home { date } }",
        ] {
            assert!(!from_home(other, none.clone()), "{other}");
        }
        // Variables or an operation's name make it another request.
        assert!(!from_home(
            "{ home { date } }",
            serde_json::json!({ "a": 1 })
        ));
        let mut named = async_graphql::Request::new("{ home { date } }").operation_name("X");
        prepare(&documents, &mut named);
        assert_eq!(
            documents.answered_from_home(&named, &documents.look_up(&named)),
            None
        );
        // A named operation: asked by its name or without one, not by another.
        let named = |name: Option<&str>| {
            let mut request = async_graphql::Request::new("query Today { home { date } }");
            if let Some(name) = name {
                request = request.operation_name(name);
            }
            prepare(&documents, &mut request);
            documents.answered_from_home(&request, &documents.look_up(&request))
        };
        let today = Some(HomeQuery {
            name: Some("Today".to_owned()),
        });
        assert_eq!(named(None), today);
        assert_eq!(named(Some("Today")), today);
        assert_eq!(named(Some("Other")), None);
        // Not parsed before: not known.
        let fresh = Documents::default();
        let request = async_graphql::Request::new("{ home { date } }");
        assert_eq!(
            fresh.answered_from_home(&request, &fresh.look_up(&request)),
            None
        );
    }

    #[test]
    fn a_repeated_query_is_parsed_once_and_a_broken_one_is_not_kept() {
        let documents = Documents::default();
        let mut first = async_graphql::Request::new("{ me { id } }");
        prepare(&documents, &mut first);
        assert_eq!(documents.cache.len(), 1);
        let mut again = async_graphql::Request::new("{ me { id } }");
        prepare(&documents, &mut again);
        let parsed = again.parsed_query().expect("parsed");
        assert_eq!(
            format!("{parsed:?}"),
            format!("{:?}", first.parsed_query().expect("parsed"))
        );
        let mut broken = async_graphql::Request::new("{ me { id ");
        prepare(&documents, &mut broken);
        assert_eq!(documents.cache.len(), 1);
        assert!(
            broken.parsed_query().is_err(),
            "still refused, by the executor"
        );
    }
}
