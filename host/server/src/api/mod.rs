//! The HTTP edge: GraphQL at `/graphql` (GraphiQL on GET), health probes, and the request
//! tracing that names each span by its route template.

pub mod console;
mod digest;
mod error;
pub mod graphql;
mod integrations;
pub mod limits;

use std::sync::Arc;
use std::time::Duration;

use async_graphql_axum::GraphQLRequest;
use axum::extract::{DefaultBodyLimit, MatchedPath, State};
use axum::http::{HeaderMap, Request, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnResponse, TraceLayer};
use tracing::Span;

use crate::app::AppState;
use graphql::{AuthFailure, StrideSchema};

/// What the HTTP handlers share: one `Arc`, since axum clones a handler's state for every
/// request (the schemas and caches inside cost atomic counts each to clone and drop).
#[derive(Clone)]
pub struct ApiState(Arc<ApiShared>);

impl std::ops::Deref for ApiState {
    type Target = ApiShared;

    fn deref(&self) -> &ApiShared {
        &self.0
    }
}

/// What [`ApiState`] holds.
pub struct ApiShared {
    /// The services.
    pub app: AppState,
    /// The executable schema.
    pub schema: StrideSchema,
    /// The same schema, for requests known to pass validation (see
    /// [`graphql::documents::Documents::validation`]).
    pub validated_schema: StrideSchema,
    /// Parsed queries by their text, and the requests known to pass validation.
    pub documents: graphql::documents::Documents,
}

/// Builds the whole HTTP router, so tests can drive it in process or over a socket.
pub fn router(app: AppState) -> Router {
    let config = app.config.graphql.clone();
    let schema = graphql::build_schema(Some(app.clone()), &config);
    let validated_schema = graphql::build_schema_validating(
        Some(app.clone()),
        &config,
        async_graphql::ValidationMode::Fast,
    );
    let state = ApiState(Arc::new(ApiShared {
        app,
        schema,
        validated_schema,
        documents: Default::default(),
    }));
    let mut graphql_route = axum::routing::post(graphql_handler);
    if config.graphiql {
        graphql_route = graphql_route.get(console::graphiql);
    }
    // Every route's body is limited where it is read. The API's limit holds everywhere but on
    // the routes that need more, which read their bodies with their own caps (webhooks: per
    // plugin, `plugin.<id>.max_webhook_bytes`).
    let limits = state.app.limits.clone();
    // GraphQL reads its own body: a file upload (multipart, from a signed-in user) may be
    // as large as `graphql.max_upload_bytes`; everything else is held to `max_body_bytes`.
    let graphql_routes = Router::new()
        .route("/graphql", graphql_route)
        .route("/graphql/ws", get(graphql_ws))
        .layer(axum::middleware::from_fn_with_state(
            limits.clone(),
            limits::api,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            graphql_body_limit,
        ))
        .layer(DefaultBodyLimit::disable());
    let relay = Router::new()
        .route("/relay/{plugin}", axum::routing::post(integrations::relay))
        .layer(axum::middleware::from_fn_with_state(
            limits.clone(),
            limits::webhooks,
        ))
        .layer(DefaultBodyLimit::disable());
    let api = Router::new()
        .route(
            "/oauth/{provider}/callback",
            get(integrations::oauth_callback),
        )
        .route(
            "/console/session",
            axum::routing::post(console::login).delete(console::logout),
        )
        .route("/console/signup", axum::routing::post(console::sign_up))
        .route(
            "/console/impersonation",
            axum::routing::post(console::start_impersonation).delete(console::stop_impersonation),
        )
        .route("/exports/{id}", get(download_export))
        .route(
            "/digest/unsubscribe",
            get(digest::confirm).post(digest::unsubscribe),
        )
        // Each scrape renders every family: a flood of them is held to the address's rate
        // like any other request (a scraper every few seconds is far inside it).
        .route("/metrics", get(crate::metrics::scrape))
        .layer(axum::middleware::from_fn_with_state(
            limits.clone(),
            limits::api,
        ))
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .layer(RequestBodyLimitLayer::new(config.max_body_bytes))
        .layer(DefaultBodyLimit::max(config.max_body_bytes));
    let webhooks = Router::new()
        .route(
            "/webhooks/{plugin}",
            get(integrations::webhook).post(integrations::webhook),
        )
        .route(
            "/webhooks/{plugin}/{*path}",
            get(integrations::webhook_path).post(integrations::webhook_path),
        )
        .layer(axum::middleware::from_fn_with_state(
            limits,
            limits::webhooks,
        ))
        .layer(DefaultBodyLimit::disable());
    api.merge(graphql_routes)
        .merge(webhooks)
        .merge(relay)
        .fallback(get(console::serve))
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
        .layer(axum::middleware::from_fn_with_state(
            state.app.metrics.clone(),
            crate::metrics::track,
        ))
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
pub(crate) fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .strip_prefix("Bearer ")
        .map(str::trim)
}

/// Holds a GraphQL request's body to its cap: `max_upload_bytes` for a multipart upload from
/// a signed-in user, `max_body_bytes` for anything else. A declared length over the cap is
/// refused before a byte is read; a chunked body is cut off at the cap (and answered 413).
async fn graphql_body_limit(
    State(state): State<ApiState>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let config = &state.app.config.graphql;
    let multipart = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("multipart/form-data")
        });
    let mut cap = config.max_body_bytes;
    if multipart {
        let token = bearer(request.headers())
            .map(str::to_owned)
            .or_else(|| console::console_token(request.headers()));
        if let Some(token) = token
            && state.app.accounts.authenticate(&token).await.is_ok()
        {
            cap = config.max_upload_bytes;
        }
    }
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > cap as u64) {
        return body_too_large(cap);
    }
    let request =
        request.map(|body| axum::body::Body::new(http_body_util::Limited::new(body, cap)));
    next.run(request).await
}

fn body_too_large(cap: usize) -> Response {
    (
        StatusCode::PAYLOAD_TOO_LARGE,
        Json(json!({ "errors": [{
            "message": format!("the request body is larger than this server accepts ({cap} bytes)"),
            "extensions": { "code": "PAYLOAD_TOO_LARGE" },
        }]})),
    )
        .into_response()
}

async fn graphql_handler(
    State(state): State<ApiState>,
    client: Option<axum::Extension<crate::auth::Client>>,
    ApiRequest { token, request }: ApiRequest,
) -> Response {
    let mut request = request.data(graphql::RequestInfo::new(
        client.map(|c| c.0).unwrap_or_default(),
    ));
    // A query of the viewer's own home screen alone is answered from the screen's cache
    // without running it, when it was answered before from the same screen.
    let lookup = state.documents.look_up(&request);
    let home_query = state.documents.answered_from_home(&request, &lookup);
    let from_home = home_query.is_some();
    let mut lookup = Some(lookup);
    let operation = match home_query {
        // Labelled as `Metrics::operation` labels it.
        Some(query) => state.app.metrics.operation_named(query.name),
        None => {
            if let Some(lookup) = lookup.take() {
                state.documents.prepare(&mut request, lookup);
            }
            state.app.metrics.operation(&mut request)
        }
    };
    if let Some(name) = &request.operation_name {
        Span::current().record("operation", name.as_str());
    }
    let mut authenticated = false;
    let mut impersonation = None;
    let mut impersonated_user = None;
    let mut own_home = None;
    if let Some(token) = token {
        match state.app.accounts.authenticate(&token).await {
            Ok(viewer) => {
                authenticated = true;
                if let (Some(by), Some(imp)) = (viewer.impersonator_id, &viewer.impersonation) {
                    impersonation = Some((by, imp.clone()));
                    impersonated_user = Some(viewer.id());
                } else if from_home {
                    own_home = state.app.training.cached_home(&viewer);
                    if let Some(answer) = own_home
                        .as_ref()
                        .and_then(|home| home.answers.get(&request.query))
                    {
                        return crate::metrics::Metrics::graphql_bytes(operation, answer);
                    }
                }
                request = request
                    .data(graphql::loaders::for_viewer(&state.app, &viewer))
                    .data(graphql::loaders::fuel(&state.app))
                    .data(viewer);
            }
            Err(error) => request = request.data(AuthFailure(error.to_string())),
        }
    }
    if !authenticated && !state.app.config.graphql.public_introspection {
        if asks_for_introspection(&request.query) {
            let mut error = async_graphql::ServerError::new(
                "the schema is described only to signed-in users (an operator may open it with \
                 graphql.public_introspection = true)",
                None,
            );
            error.extensions = Some({
                let mut extensions = async_graphql::ErrorExtensionValues::default();
                extensions.set("code", "UNAUTHENTICATED");
                extensions
            });
            let refused = async_graphql::Response::from_errors(vec![error]);
            return crate::metrics::Metrics::graphql_response(operation, refused);
        }
        request = request.disable_introspection();
    }
    if let Some(lookup) = lookup {
        state.documents.prepare(&mut request, lookup);
    }
    let mutation = impersonation
        .as_ref()
        .and_then(|_| mutation_fields(&request.query, request.operation_name.as_deref()));
    let validation = state.documents.validation(&request);
    let schema = if validation.passed_before {
        &state.validated_schema
    } else {
        &state.schema
    };
    let query = own_home.is_some().then(|| request.query.clone());
    let mut response = schema.execute(request).await;
    state.documents.answered(validation, &response);
    // Kept with the screen it was read from (grabbed before running: if the screen changed
    // meanwhile, the answer goes with the old one). Only a plain answer: no errors, no
    // headers or cache hints of its own.
    if let (Some(home), Some(query)) = (own_home, query)
        && response.errors.is_empty()
        && response.http_headers.is_empty()
        && response.cache_control.value().is_none()
        && let Ok(answer) = serde_json::to_vec(&response)
    {
        let answer = axum::body::Bytes::from(answer);
        home.answers.keep(&query, answer.clone());
        return crate::metrics::Metrics::graphql_bytes(operation, answer);
    }
    if let Some((by, imp)) = impersonation {
        if let (Some(fields), Some(user)) = (mutation, impersonated_user) {
            audit_impersonated_mutation(&state, user, by, fields, response.is_ok()).await;
        }
        mark_impersonation(&mut response, by, &imp);
    }
    crate::metrics::Metrics::graphql_response(operation, response)
}

/// The top-level fields of the mutation a request runs, if it runs one.
fn mutation_fields(query: &str, operation: Option<&str>) -> Option<Vec<String>> {
    use async_graphql::parser::types::{DocumentOperations, OperationType, Selection};
    let document = async_graphql::parser::parse_query(query).ok()?;
    let chosen = match &document.operations {
        DocumentOperations::Single(op) => Some(&op.node),
        DocumentOperations::Multiple(ops) => match operation {
            Some(name) => ops.get(name).map(|op| &op.node),
            None if ops.len() == 1 => ops.values().next().map(|op| &op.node),
            None => None,
        },
    }?;
    (chosen.ty == OperationType::Mutation).then(|| {
        chosen
            .selection_set
            .node
            .items
            .iter()
            .filter_map(|item| match &item.node {
                Selection::Field(field) => Some(field.node.name.node.to_string()),
                _ => None,
            })
            .collect()
    })
}

/// Under impersonation every change is audited with both identities, including those that
/// are not audited otherwise (a profile edit, a logged session): which mutation, and whether
/// it succeeded; never its arguments.
async fn audit_impersonated_mutation(
    state: &ApiState,
    user: uuid::Uuid,
    by: uuid::Uuid,
    fields: Vec<String>,
    ok: bool,
) {
    let actor = crate::audit::Actor {
        user_id: Some(user),
        real_user_id: Some(by),
    };
    let event = crate::audit::AuditEvent::new(actor, "impersonation.mutation", "user", user)
        .payload(json!({ "fields": fields, "ok": ok }));
    let now = state.app.clock.now();
    let recorded = async {
        let mut tx = state.app.store.begin().await?;
        state.app.audit.chain().record(&mut tx, event, now).await?;
        tx.commit().await
    }
    .await;
    if let Err(error) = recorded {
        tracing::error!(%error, "could not audit a mutation made under impersonation");
    }
}

/// Says in the answer, for the client and anyone reading it, that an admin acts as the user:
/// `extensions.impersonation` and the `Stride-Impersonation` header.
fn mark_impersonation(
    response: &mut async_graphql::Response,
    by: uuid::Uuid,
    imp: &crate::auth::Impersonation,
) {
    let until = imp.until.to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    response.extensions.insert(
        "impersonation".to_owned(),
        async_graphql::Value::from_json(json!({
            "by": by.to_string(),
            "reason": imp.reason,
            "until": until,
        }))
        .unwrap_or_default(),
    );
    if let Ok(value) = header::HeaderValue::from_str(&format!("by={by}; until={until}")) {
        response.http_headers.insert(
            header::HeaderName::from_static("stride-impersonation"),
            value,
        );
    }
}

/// A GraphQL request as `/graphql` receives it, with the session token it brings (a bearer
/// token, or the console's cookie).
///
/// A plain JSON body (`application/json`, what clients send but for uploads) is read whole
/// and parsed straight into one request. async-graphql's reader parses every body as
/// "a request or a batch", through serde's buffering of untagged enums, and builds a reader
/// and a MIME type around it. This reader, with authentication's checking the cached session
/// in place, took about a seventh off the server's CPU per cached `home` answer
/// (BENCHMARKS.md, 7 December). A JSON body that is not one request is refused naming what
/// is wrong with it ([`explain_json_request`]). Everything else (uploads, other or no
/// content types) goes through async-graphql's reader.
struct ApiRequest {
    token: Option<String>,
    request: async_graphql::Request,
}

impl<S: Send + Sync> axum::extract::FromRequest<S> for ApiRequest {
    type Rejection = BadRequest;

    async fn from_request(request: axum::extract::Request, state: &S) -> Result<Self, BadRequest> {
        let headers = request.headers();
        let token = bearer(headers)
            .map(str::to_owned)
            .or_else(|| console::console_token(headers));
        let json = request.method() == axum::http::Method::POST
            && headers
                .get(header::CONTENT_TYPE)
                .and_then(|v| v.to_str().ok())
                .is_some_and(is_plain_json);
        if !json {
            let request = GraphQLRequest::<BadRequest>::from_request(request, state).await?;
            return Ok(Self {
                token,
                request: request.into_inner(),
            });
        }
        use http_body_util::BodyExt;
        let body = request
            .into_body()
            .collect()
            .await
            .map_err(|error| {
                // As async-graphql's reader reports it (the body limit's error among them).
                async_graphql::ParseRequestError::Io(std::io::Error::other(error.to_string()))
            })?
            .to_bytes();
        Ok(Self {
            token,
            request: parse_json_request(&body)?,
        })
    }
}

/// `application/json`, with parameters or without.
fn is_plain_json(content_type: &str) -> bool {
    let essence = content_type.split(';').next().unwrap_or_default().trim();
    essence.eq_ignore_ascii_case("application/json")
}

/// One GraphQL request from a JSON body: an object with a `query`, read in one pass. What is
/// not one is refused by [`explain_json_request`], which names what is wrong.
fn parse_json_request(body: &[u8]) -> Result<async_graphql::Request, BadRequest> {
    let object = body.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{');
    if object
        && let Ok(request) = serde_json::from_slice::<async_graphql::Request>(body)
        && !request.query.is_empty()
    {
        return Ok(request);
    }
    explain_json_request(body)
}

/// Why a JSON body is not one GraphQL request, naming the part at fault: broken JSON (with
/// serde's line and column), a batch, a body that is not an object, a missing or empty
/// `query`, or a field of the wrong type. (async-graphql's own reader reads a body without
/// `query`, and even `[]`, as an empty query, and answers a field of the wrong type with
/// "data did not match any variant of untagged enum BatchRequest".)
fn explain_json_request(body: &[u8]) -> Result<async_graphql::Request, BadRequest> {
    use async_graphql::ParseRequestError;
    use serde_json::Value;
    let invalid =
        |e: serde_json::Error| BadRequest::Read(ParseRequestError::InvalidRequest(e.into()));
    let what = |value: &Value| match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    let fields = match serde_json::from_slice::<Value>(body).map_err(invalid)? {
        Value::Object(fields) => fields,
        Value::Array(_) => return Err(BadRequest::Read(ParseRequestError::UnsupportedBatch)),
        other => {
            return Err(BadRequest::Shape(format!(
                "the body is {}; send a JSON object with a `query` string",
                what(&other)
            )));
        }
    };
    match fields.get("query") {
        None => {
            return Err(BadRequest::Shape(
                "the request has no `query`; send {\"query\": \"{ … }\"}".to_owned(),
            ));
        }
        Some(Value::String(query)) if query.is_empty() => {
            return Err(BadRequest::Shape("`query` is empty".to_owned()));
        }
        Some(Value::String(_)) => {}
        Some(other) => {
            return Err(BadRequest::Shape(format!(
                "`query` must be a string, not {}",
                what(other)
            )));
        }
    }
    for (field, wanted) in [
        ("operationName", "a string"),
        ("variables", "an object"),
        ("extensions", "an object"),
    ] {
        let Some(value) = fields.get(field) else {
            continue;
        };
        if !value.is_null() && what(value) != wanted {
            return Err(BadRequest::Shape(format!(
                "`{field}` must be {wanted} or null, not {}",
                what(value)
            )));
        }
    }
    // The fields are right; serde may still refuse the whole (a field given twice).
    serde_json::from_slice::<async_graphql::Request>(body).map_err(invalid)
}

/// A GraphQL request that could not be read: 413 when it is over the body limit (however it
/// was sent: with a length, chunked, or as a multipart upload), otherwise 400 naming the
/// problem.
pub enum BadRequest {
    /// What the body reader or a parser reported.
    Read(async_graphql::ParseRequestError),
    /// A JSON body that is not one request, in our words.
    Shape(String),
}

impl From<async_graphql::ParseRequestError> for BadRequest {
    fn from(error: async_graphql::ParseRequestError) -> Self {
        BadRequest::Read(error)
    }
}

impl IntoResponse for BadRequest {
    fn into_response(self) -> Response {
        use async_graphql::ParseRequestError as E;
        let error = match self {
            BadRequest::Read(error) => error,
            BadRequest::Shape(problem) => {
                return (
                    StatusCode::BAD_REQUEST,
                    format!("not a GraphQL request: {problem}"),
                )
                    .into_response();
            }
        };
        // The body reader's limit error reaches here wrapped (in an io::Error, whose
        // `source` skips what it wraps, or in the multipart reader's error) and sometimes
        // flattened to its message.
        fn is_limit(error: &(dyn std::error::Error + 'static)) -> bool {
            let mut next = Some(error);
            while let Some(error) = next {
                if error.is::<http_body_util::LengthLimitError>()
                    || error.to_string() == "length limit exceeded"
                {
                    return true;
                }
                next = match error.downcast_ref::<std::io::Error>() {
                    Some(io) => io.get_ref().map(|inner| inner as _),
                    None => error.source(),
                };
            }
            false
        }
        let over_limit = match &error {
            E::PayloadTooLarge => true,
            E::Io(error) => is_limit(error),
            E::InvalidMultipart(error) => is_limit(error),
            _ => false,
        };
        if over_limit {
            return (
                StatusCode::PAYLOAD_TOO_LARGE,
                "the request body is larger than this server accepts (graphql.max_body_bytes)",
            )
                .into_response();
        }
        (
            StatusCode::BAD_REQUEST,
            format!("not a GraphQL request: {error}"),
        )
            .into_response()
    }
}

/// Whether a query selects `__schema` or `__type` anywhere (`__typename` is not introspection
/// of the schema and stays open). A query that does not parse is left to the executor, which
/// names the syntax error.
fn asks_for_introspection(query: &str) -> bool {
    use async_graphql::parser::types::{Selection, SelectionSet};
    fn visit(set: &SelectionSet) -> bool {
        set.items.iter().any(|item| match &item.node {
            Selection::Field(field) => {
                matches!(field.node.name.node.as_str(), "__schema" | "__type")
                    || visit(&field.node.selection_set.node)
            }
            Selection::InlineFragment(fragment) => visit(&fragment.node.selection_set.node),
            Selection::FragmentSpread(_) => false,
        })
    }
    let Ok(document) = async_graphql::parser::parse_query(query) else {
        return false;
    };
    document
        .operations
        .iter()
        .any(|(_, operation)| visit(&operation.node.selection_set.node))
        || document
            .fragments
            .values()
            .any(|fragment| visit(&fragment.node.selection_set.node))
}

/// GraphQL over WebSocket (subscriptions). Send `{"authorization": "Bearer <token>"}` as the
/// `connection_init` payload.
async fn graphql_ws(
    State(state): State<ApiState>,
    headers: HeaderMap,
    protocol: async_graphql_axum::GraphQLProtocol,
    websocket: axum::extract::WebSocketUpgrade,
) -> Response {
    let schema = state.schema.clone();
    let app = state.app.clone();
    // The console's cookie counts only for a connection opened by this server's own pages.
    let cookie = console::same_origin(&state, &headers)
        .then(|| console::cookie_token(&headers))
        .flatten();
    websocket
        .protocols(async_graphql::http::ALL_WEBSOCKET_PROTOCOLS)
        .on_upgrade(move |stream| {
            async_graphql_axum::GraphQLWebSocket::new(stream, schema, protocol)
                .on_connection_init(move |payload| async move {
                    let mut data = async_graphql::Data::default();
                    data.insert(graphql::live::ConnectionSubscriptions::default());
                    let token = payload
                        .get("authorization")
                        .or_else(|| payload.get("Authorization"))
                        .and_then(|v| v.as_str())
                        .map(|v| v.trim_start_matches("Bearer ").trim().to_owned())
                        .or(cookie);
                    if let Some(token) = token {
                        match app.accounts.authenticate(&token).await {
                            Ok(viewer) => {
                                data.insert(graphql::loaders::for_viewer(&app, &viewer));
                                data.insert(graphql::loaders::fuel(&app));
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

/// `GET /exports/{id}`: a ready data export's archive, streamed chunk by chunk as stored, for
/// its athlete and admins with `manage_users` (404 for anyone else: whether it exists is not
/// revealed). Authenticated with the API's session: the bearer token, or the console's cookie
/// alone (it is `SameSite=Strict`, so no other site's page can send it, and a download
/// changes nothing).
async fn download_export(
    State(state): State<ApiState>,
    axum::extract::Path(id): axum::extract::Path<String>,
    headers: HeaderMap,
) -> Response {
    let token = bearer(&headers)
        .map(str::to_owned)
        .or_else(|| console::cookie_token(&headers));
    let Some(token) = token else {
        return (
            StatusCode::UNAUTHORIZED,
            "log in first: send the header `Authorization: Bearer <token>`",
        )
            .into_response();
    };
    let viewer = match state.app.accounts.authenticate(&token).await {
        Ok(viewer) => viewer,
        Err(error) => return (StatusCode::UNAUTHORIZED, error.to_string()).into_response(),
    };
    let Ok(id) = uuid::Uuid::parse_str(&id) else {
        return (StatusCode::NOT_FOUND, "no such data export").into_response();
    };
    let download = match state.app.exports.download(&viewer, id).await {
        Ok(download) => download,
        Err(crate::error::AppError::NotFound(message)) => {
            return (StatusCode::NOT_FOUND, message).into_response();
        }
        Err(crate::error::AppError::Forbidden(message)) => {
            return (StatusCode::FORBIDDEN, message).into_response();
        }
        Err(error) => {
            let reference = uuid::Uuid::new_v4();
            tracing::error!(error = ?error, %reference, "export download failed");
            return (
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("internal error (reference {reference})"),
            )
                .into_response();
        }
    };
    let exports = state.app.exports.clone();
    let chunks = futures::stream::unfold(Some(0), move |seq| {
        let exports = exports.clone();
        async move {
            let seq = seq?;
            match exports.chunk(id, seq).await {
                Ok(Some(bytes)) => Some((Ok(axum::body::Bytes::from(bytes)), Some(seq + 1))),
                Ok(None) => None,
                Err(error) => {
                    tracing::warn!(%error, export = %id, "export download cut short");
                    Some((Err(std::io::Error::other(error.to_string())), None))
                }
            }
        }
    });
    let mut response = axum::body::Body::from_stream(chunks).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        header::HeaderValue::from_static("application/zip"),
    );
    headers.insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    if let Ok(value) =
        header::HeaderValue::from_str(&format!("attachment; filename=\"{}\"", download.file_name))
    {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    if let Some(size) = download.export.size_bytes {
        headers.insert(header::CONTENT_LENGTH, header::HeaderValue::from(size));
    }
    response
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What async-graphql's own reader makes of a JSON body, for comparison.
    fn as_async_graphql_reads(body: &[u8]) -> Result<async_graphql::Request, String> {
        serde_json::from_slice::<async_graphql::BatchRequest>(body)
            .map_err(|e| async_graphql::ParseRequestError::InvalidRequest(Box::new(e)))
            .and_then(async_graphql::BatchRequest::into_single)
            .map_err(|e| e.to_string())
    }

    fn summary(request: &async_graphql::Request) -> String {
        format!(
            "{} | {:?} | {}",
            request.query,
            request.operation_name,
            serde_json::to_string(&request.variables).expect("json")
        )
    }

    #[test]
    fn a_json_body_reads_as_async_graphql_reads_it() {
        let requests: [&[u8]; 6] = [
            br#"{"query":"{ home { date } }"}"#,
            br#"  {"query":"query Q($n: Int) { activities(first: $n) { nodes { id } } }","operationName":"Q","variables":{"n":5,"f":1.5,"s":"x","l":[1,null,true],"o":{"a":{}}}}"#,
            br#"{"query":"{ me { id } }","variables":null,"operationName":null}"#,
            br#"{"query":"{ me { id } }","extensions":{"persistedQuery":{"version":1}}}"#,
            br#"{"query":"{ me { id } }","variables":{"big":18446744073709551615,"neg":-3}}"#,
            br#"{"query":" ","operationName":"","extensions":null}"#,
        ];
        for body in requests {
            let ours = parse_json_request(body).map_err(|e| message(&e));
            let theirs = as_async_graphql_reads(body);
            assert_eq!(
                ours.as_ref().map(summary),
                theirs.as_ref().map(summary),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
        // Refused in async-graphql's words, which name the problem.
        let refused: [&[u8]; 5] = [
            br#"[{"query":"{ me { id } }"},{"query":"{ me { id } }"}]"#,
            br#"{"query":"{ me { id } }""#,
            br#"{"query":"{ me { id } }"} trailing"#,
            b"not json",
            b"",
        ];
        for body in refused {
            let ours = parse_json_request(body)
                .map(|r| summary(&r))
                .map_err(|e| message(&e));
            assert!(ours.is_err(), "{}", String::from_utf8_lossy(body));
            assert_eq!(
                ours,
                as_async_graphql_reads(body).map(|r| summary(&r)),
                "{}",
                String::from_utf8_lossy(body)
            );
        }
    }

    fn message(error: &BadRequest) -> String {
        match error {
            BadRequest::Read(error) => error.to_string(),
            BadRequest::Shape(problem) => problem.clone(),
        }
    }

    #[test]
    fn a_body_that_is_not_one_request_is_refused_naming_what_is_wrong() {
        let cases: [(&[u8], &str); 11] = [
            (br#"{"operationName":"Q"}"#, "the request has no `query`"),
            (br#"{"query":""}"#, "`query` is empty"),
            (br#"{"query":5}"#, "`query` must be a string, not a number"),
            (br#"{"query":null}"#, "`query` must be a string, not null"),
            (
                br#"{"query":"{ me { id } }","variables":"x"}"#,
                "`variables` must be an object or null, not a string",
            ),
            (
                br#"{"query":"{ me { id } }","variables":[1]}"#,
                "`variables` must be an object or null, not an array",
            ),
            (
                br#"{"query":"{ me { id } }","operationName":3}"#,
                "`operationName` must be a string or null, not a number",
            ),
            (
                br#"{"query":"{ me { id } }","extensions":true}"#,
                "`extensions` must be an object or null, not a boolean",
            ),
            (
                br#"{"query":"{ me { id } }","query":"{ me { id } }"}"#,
                "duplicate field `query`",
            ),
            (br#""{ me { id } }""#, "the body is a string"),
            (b"[]", "Batch requests are not supported"),
        ];
        for (body, expected) in cases {
            let refused = parse_json_request(body).map(|r| summary(&r));
            let problem = refused.as_ref().map_err(message).expect_err("refused");
            assert!(
                problem.contains(expected),
                "{}: {problem}",
                String::from_utf8_lossy(body)
            );
        }
    }

    #[test]
    fn only_application_json_is_read_as_plain_json() {
        for json in [
            "application/json",
            "application/json; charset=utf-8",
            "Application/JSON ;charset=UTF-8",
        ] {
            assert!(is_plain_json(json), "{json}");
        }
        for other in [
            "multipart/form-data; boundary=x",
            "application/graphql",
            "text/plain",
            "application/jsonx",
            "",
        ] {
            assert!(!is_plain_json(other), "{other}");
        }
    }
}
