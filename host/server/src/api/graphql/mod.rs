//! The GraphQL schema: one module per domain area, merged into one `Query` and `Mutation`.
//!
//! Resolvers hold no business logic: they parse arguments into domain types, call a service
//! with the viewer, and shape the result.

mod account;
mod admin;
mod athletes;
mod audit;
mod digest;
pub mod documents;
mod ingestion;
mod insights;
pub mod live;
pub(crate) mod loaders;
mod plugins;
mod privacy;
mod proposals;
mod rules;
mod training;
mod types;

use async_graphql::connection::{CursorType, OpaqueCursor};
use async_graphql::{Context, ID, MergedObject, MergedSubscription, Schema};
use uuid::Uuid;

use crate::app::AppState;
use crate::auth::Viewer;
use crate::config::GraphqlConfig;
use crate::error::{AppError, AppResult};

/// Every query.
#[derive(MergedObject, Default)]
pub struct Query(
    account::AccountQuery,
    admin::AdminQuery,
    athletes::AthleteQuery,
    proposals::ProposalQuery,
    rules::RuleQuery,
    audit::AuditQuery,
    digest::DigestQuery,
    ingestion::IngestionQuery,
    insights::InsightQuery,
    plugins::PluginQuery,
    privacy::PrivacyQuery,
    training::TrainingQuery,
);

/// Every mutation.
#[derive(MergedObject, Default)]
pub struct Mutation(
    account::AccountMutation,
    admin::AdminMutation,
    athletes::AthleteMutation,
    digest::DigestMutation,
    proposals::ProposalMutation,
    rules::RuleMutation,
    ingestion::IngestionMutation,
    insights::InsightMutation,
    plugins::PluginMutation,
    privacy::PrivacyMutation,
    training::TrainingMutation,
);

/// Every subscription.
#[derive(MergedSubscription, Default)]
pub struct Subscription(
    ingestion::IngestionSubscription,
    privacy::PrivacySubscription,
    proposals::ProposalSubscription,
);

/// The schema type served at `/graphql`.
pub type StrideSchema = Schema<Query, Mutation, Subscription>;

/// What the HTTP layer knows about a request: its client, and the one credential operation
/// (login, sign-up, password change) it may make, however many aliases it sends.
#[derive(Debug)]
pub struct RequestInfo {
    client: crate::auth::Client,
    credential_used: std::sync::atomic::AtomicBool,
}

impl RequestInfo {
    /// For a request from `client`.
    pub fn new(client: crate::auth::Client) -> Self {
        Self {
            client,
            credential_used: std::sync::atomic::AtomicBool::new(false),
        }
    }
}

/// The request's client, spending its one credential operation: a second login (or sign-up,
/// or password change) in the same request is refused before any password is checked.
pub(crate) fn credential_operation(ctx: &Context<'_>) -> AppResult<crate::auth::Client> {
    let Some(info) = ctx.data_opt::<RequestInfo>() else {
        return Ok(crate::auth::Client::default());
    };
    if info
        .credential_used
        .swap(true, std::sync::atomic::Ordering::SeqCst)
    {
        return Err(AppError::RateLimited {
            message: "one login, sign-up or password change per request".to_owned(),
            retry_after_s: 0,
        });
    }
    Ok(info.client.clone())
}

/// Why the request carries no viewer although it sent a token (expired, revoked, unknown).
#[derive(Debug, Clone)]
pub struct AuthFailure(pub String);

/// Builds the schema with its limits. `state` is `None` only when printing the SDL.
pub fn build_schema(state: Option<AppState>, config: &GraphqlConfig) -> StrideSchema {
    build_schema_validating(state, config, async_graphql::ValidationMode::Strict)
}

/// The schema, checking requests in `mode`. [`ValidationMode::Fast`] checks only the depth and
/// complexity limits and fragment cycles: for requests known to pass the rest
/// ([`documents::Documents::validation`]).
///
/// [`ValidationMode::Fast`]: async_graphql::ValidationMode::Fast
pub fn build_schema_validating(
    state: Option<AppState>,
    config: &GraphqlConfig,
    mode: async_graphql::ValidationMode,
) -> StrideSchema {
    let mut builder = Schema::build(
        Query::default(),
        Mutation::default(),
        Subscription::default(),
    )
    .validation_mode(mode)
    .limit_depth(config.max_depth)
    .limit_complexity(config.max_complexity);
    if !config.introspection {
        builder = builder.disable_introspection();
    }
    if let Some(state) = state {
        builder = builder.data(state);
    }
    builder.finish()
}

/// The schema's SDL, as committed in `schema.graphql`.
pub fn sdl() -> String {
    build_schema(None, &GraphqlConfig::default()).sdl()
}

/// The application state from the request context.
pub(crate) fn state<'a>(ctx: &Context<'a>) -> &'a AppState {
    // The schema is always built with the state when serving (see `build_schema`).
    ctx.data_unchecked::<AppState>()
}

/// The authenticated viewer, or `UNAUTHENTICATED` saying why not.
pub(crate) fn viewer<'a>(ctx: &Context<'a>) -> AppResult<&'a Viewer> {
    if let Some(viewer) = ctx.data_opt::<Viewer>() {
        return Ok(viewer);
    }
    let reason = ctx
        .data_opt::<AuthFailure>()
        .map(|f| f.0.clone())
        .unwrap_or_else(|| {
            "log in first: send the header `Authorization: Bearer <token>`".to_owned()
        });
    Err(AppError::Unauthenticated(reason))
}

/// Parses a GraphQL `ID` argument as a Stride id.
pub(crate) fn parse_id(id: &ID, field: &str) -> AppResult<Uuid> {
    Uuid::parse_str(id.as_str())
        .map_err(|_| AppError::bad_input(field, format!("`{}` is not a valid id", id.as_str())))
}

/// Parses an optional `ID` argument.
pub(crate) fn parse_opt_id(id: Option<&ID>, field: &str) -> AppResult<Option<Uuid>> {
    id.map(|id| parse_id(id, field)).transpose()
}

/// Checks a page size: 1..=200, default 20.
pub(crate) fn page_size(first: Option<i32>) -> AppResult<u32> {
    match first {
        None => Ok(20),
        Some(n) if (1..=crate::training::MAX_PAGE as i32).contains(&n) => Ok(n as u32),
        Some(n) => Err(AppError::bad_input(
            "first",
            format!("{n} is not between 1 and {}", crate::training::MAX_PAGE),
        )),
    }
}

/// Decodes an `after` cursor produced by the same list.
pub(crate) fn decode_cursor<T: serde::Serialize + serde::de::DeserializeOwned>(
    after: Option<&str>,
) -> AppResult<Option<T>> {
    after
        .map(|text| {
            OpaqueCursor::<T>::decode_cursor(text)
                .map(|c| c.0)
                .map_err(|_| AppError::bad_input("after", "is not a cursor returned by this list"))
        })
        .transpose()
}
