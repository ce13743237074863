//! The HTTP edge: GraphQL at `/graphql` (GraphiQL on GET), health probes, and the request
//! tracing that names each span by its route template.

mod error;
pub mod graphql;
mod integrations;

use std::time::Duration;

use async_graphql_axum::{GraphQLRequest, GraphQLResponse};
use axum::extract::{DefaultBodyLimit, MatchedPath, State};
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Span;

use crate::app::AppState;
use graphql::{AuthFailure, StrideSchema};

/// What the HTTP handlers share.
#[derive(Clone)]
pub struct ApiState {
    /// The services.
    pub app: AppState,
    /// The executable schema.
    pub schema: StrideSchema,
}

/// Builds the whole HTTP router, so tests can drive it in process or over a socket.
pub fn router(app: AppState) -> Router {
    let config = app.config.graphql.clone();
    let schema = graphql::build_schema(Some(app.clone()), &config);
    let state = ApiState { app, schema };
    let mut graphql_route = axum::routing::post(graphql_handler);
    if config.graphiql {
        graphql_route = graphql_route.get(graphiql);
    }
    Router::new()
        .route("/graphql", graphql_route)
        .route("/graphql/ws", get(graphql_ws))
        .route(
            "/webhooks/{plugin}",
            get(integrations::webhook).post(integrations::webhook),
        )
        .route(
            "/oauth/{provider}/callback",
            get(integrations::oauth_callback),
        )
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .layer(DefaultBodyLimit::max(config.max_body_bytes))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::GATEWAY_TIMEOUT,
            Duration::from_secs(60),
        ))
        .layer(CatchPanicLayer::new())
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(request_span)
                .on_response(DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .with_state(state)
}

/// One span per request, named by route template (never the raw URI, which can carry
/// OAuth codes and state).
fn request_span<B>(request: &Request<B>) -> Span {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str);
    tracing::info_span!(
        "request",
        method = %request.method(),
        route,
        operation = tracing::field::Empty,
    )
}

/// The bearer token in `Authorization`, if any.
fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

async fn graphql_handler(
    State(state): State<ApiState>,
    headers: HeaderMap,
    request: GraphQLRequest,
) -> GraphQLResponse {
    let mut request = request.into_inner();
    if let Some(name) = &request.operation_name {
        Span::current().record("operation", name.as_str());
    }
    if let Some(token) = bearer(&headers) {
        match state.app.accounts.authenticate(token).await {
            Ok(viewer) => {
                request = request
                    .data(graphql::loaders::for_viewer(&state.app, &viewer))
                    .data(viewer);
            }
            Err(error) => request = request.data(AuthFailure(error.to_string())),
        }
    }
    state.schema.execute(request).await.into()
}

/// GraphQL over WebSocket (subscriptions). Send `{"authorization": "Bearer <token>"}` as the
/// `connection_init` payload.
async fn graphql_ws(
    State(state): State<ApiState>,
    protocol: async_graphql_axum::GraphQLProtocol,
    websocket: axum::extract::WebSocketUpgrade,
) -> Response {
    let schema = state.schema.clone();
    let app = state.app.clone();
    websocket
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |stream| {
            async_graphql_axum::GraphQLWebSocket::new(stream, schema, protocol)
                .on_connection_init(move |payload| async move {
                    let mut data = async_graphql::Data::default();
                    let token = payload
                        .get("authorization")
                        .or_else(|| payload.get("Authorization"))
                        .and_then(|v| v.as_str())
                        .map(|v| v.trim_start_matches("Bearer ").trim().to_owned());
                    if let Some(token) = token {
                        match app.accounts.authenticate(&token).await {
                            Ok(viewer) => {
                                data.insert(graphql::loaders::for_viewer(&app, &viewer));
                                data.insert(viewer);
                            }
                            Err(error) => data.insert(AuthFailure(error.to_string())),
                        }
                    }
                    Ok(data)
                })
                .serve()
        })
}

async fn graphiql() -> Html<String> {
    Html(
        async_graphql::http::GraphiQLSource::build()
            .endpoint("/graphql")
            .title("Stride GraphQL")
            .finish(),
    )
}

async fn healthz() -> &'static str {
    "ok"
}

async fn readyz(State(state): State<ApiState>) -> Response {
    match state.app.store.readiness().await {
        Ok(readiness) => {
            let status = if readiness.is_ready() {
                StatusCode::OK
            } else {
                StatusCode::SERVICE_UNAVAILABLE
            };
            let body = json!({
                "database": "reachable",
                "backend": format!("{:?}", state.app.store.backend()).to_lowercase(),
                "migrations": { "applied": readiness.applied_migrations, "expected": readiness.expected_migrations },
                "ready": readiness.is_ready(),
            });
            (status, Json(body)).into_response()
        }
        Err(error) => {
            tracing::warn!(error = %error, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "database": "unreachable", "ready": false })),
            )
                .into_response()
        }
    }
}
