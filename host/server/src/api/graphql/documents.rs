//! Parsed queries, remembered by their text. Clients send the same few documents over and
//! over (the console's pages, a script's query), and parsing one costs more than running a
//! cached `home`; a copy of the parsed tree is far cheaper. Only documents that parsed are
//! kept; validation and the depth and complexity limits still run on every request.

use std::sync::Arc;

use async_graphql::parser::types::ExecutableDocument;

/// Longest query text remembered (longer ones are parsed every time).
const MAX_QUERY_BYTES: usize = 16 * 1024;
/// Query text remembered in total, bytes (the parsed trees take a few times more).
const CAPACITY_BYTES: u64 = 4 * 1024 * 1024;

/// Parsed documents by query text. Cheap to clone.
#[derive(Clone)]
pub struct Documents {
    cache: moka::sync::Cache<String, Arc<ExecutableDocument>>,
}

impl Default for Documents {
    fn default() -> Self {
        Self {
            cache: moka::sync::Cache::builder()
                .weigher(|query: &String, _| u32::try_from(query.len()).unwrap_or(u32::MAX))
                .max_capacity(CAPACITY_BYTES)
                .build(),
        }
    }
}

impl Documents {
    /// Hands `request` its parsed document from the cache, or parses it and remembers it.
    /// A query that does not parse is left to the executor, which reports why.
    pub fn prepare(&self, request: &mut async_graphql::Request) {
        if request.query.len() > MAX_QUERY_BYTES {
            return;
        }
        if let Some(document) = self.cache.get(request.query.as_str()) {
            request.set_parsed_query(ExecutableDocument::clone(&document));
            return;
        }
        if let Ok(document) = request.parsed_query() {
            let document = Arc::new(document.clone());
            self.cache.insert(request.query.clone(), document);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_query_is_parsed_once_and_a_broken_one_is_not_kept() {
        let documents = Documents::default();
        let mut first = async_graphql::Request::new("{ me { id } }");
        documents.prepare(&mut first);
        documents.cache.run_pending_tasks();
        assert_eq!(documents.cache.entry_count(), 1);
        let mut again = async_graphql::Request::new("{ me { id } }");
        documents.prepare(&mut again);
        let parsed = again.parsed_query().expect("parsed");
        assert_eq!(
            format!("{parsed:?}"),
            format!("{:?}", first.parsed_query().expect("parsed"))
        );
        let mut broken = async_graphql::Request::new("{ me { id ");
        documents.prepare(&mut broken);
        documents.cache.run_pending_tasks();
        assert_eq!(documents.cache.entry_count(), 1);
        assert!(
            broken.parsed_query().is_err(),
            "still refused, by the executor"
        );
    }
}
