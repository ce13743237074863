//! The HTTP endpoints providers call: webhooks and the OAuth callback.

use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::{Html, IntoResponse, Response};

use super::ApiState;
use crate::connections::CallbackParams;
use crate::error::AppError;
use stride_sandbox::contract::{Header, WebhookRequest};

/// Headers never handed to a plugin.
const PRIVATE_HEADERS: &[&str] = &["authorization", "cookie", "proxy-authorization"];

/// The only headers a plugin's webhook reply may set.
const REPLY_HEADERS: &[&str] = &["content-type", "cache-control", "retry-after"];

/// Reads a body of at most `limit` bytes; `None` when it is larger. A declared length over the
/// cap is refused before a byte is read; a body without one (chunked) is read up to the cap
/// and refused there.
async fn read_capped(headers: &HeaderMap, body: Body, limit: usize) -> Option<axum::body::Bytes> {
    let declared = headers
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|length| length > limit as u64) {
        return None;
    }
    axum::body::to_bytes(body, limit).await.ok()
}

/// `GET|POST /webhooks/{plugin}`: the plugin verifies and names the event; the host records
/// it once, enqueues its work and answers at once.
pub async fn webhook(
    State(state): State<ApiState>,
    Path(plugin): Path<String>,
    method: Method,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    receive(state, plugin, String::new(), method, query, headers, body).await
}

/// `GET|POST /webhooks/{plugin}/{path…}`: the same, for providers that push each kind of
/// data to its own URL; the plugin sees `/{path…}`.
pub async fn webhook_path(
    State(state): State<ApiState>,
    Path((plugin, path)): Path<(String, String)>,
    method: Method,
    Query(query): Query<Vec<(String, String)>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    receive(
        state,
        plugin,
        format!("/{path}"),
        method,
        query,
        headers,
        body,
    )
    .await
}

async fn receive(
    state: ApiState,
    plugin: String,
    path: String,
    method: Method,
    query: Vec<(String, String)>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    // Read no more than this plugin's cap: a larger body is refused before it is buffered.
    let limit = state.app.config.webhook_body_limit(&plugin);
    let too_large = || {
        (
            StatusCode::PAYLOAD_TOO_LARGE,
            format!("webhook bodies for {plugin} are limited to {limit} bytes"),
        )
            .into_response()
    };
    let Some(body) = read_capped(&headers, body, limit).await else {
        return too_large();
    };
    let request = WebhookRequest {
        method: method.as_str().to_owned(),
        path,
        query,
        headers: headers
            .iter()
            .filter(|(name, _)| !PRIVATE_HEADERS.contains(&name.as_str()))
            .filter_map(|(name, value)| {
                value.to_str().ok().map(|v| Header {
                    name: name.as_str().to_owned(),
                    value: v.to_owned(),
                })
            })
            .collect(),
        body: body.to_vec(),
    };
    let reply = state.app.ingest.webhook(&plugin, request).await;
    let mut response = (
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        reply.body,
    )
        .into_response();
    for (name, value) in reply.headers {
        // A plugin speaks for its provider's endpoint only: it may say what it answers, never
        // set cookies, security policy or redirects on Stride's origin.
        if !REPLY_HEADERS.contains(&name.to_ascii_lowercase().as_str()) {
            tracing::debug!(plugin, header = %name, "dropped a reply header a plugin may not set");
            continue;
        }
        if let (Ok(name), Ok(value)) = (
            axum::http::HeaderName::try_from(name.as_str()),
            axum::http::HeaderValue::try_from(value.as_str()),
        ) {
            response.headers_mut().insert(name, value);
        }
    }
    response
}

fn page(title: &str, message: &str) -> String {
    let escape = |s: &str| {
        s.replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
    };
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{0}</title></head>\
         <body style=\"font-family: sans-serif; max-width: 36em; margin: 4em auto\"><h1>{0}</h1><p>{1}</p></body></html>",
        escape(title),
        escape(message)
    )
}

/// `GET /oauth/{provider}/callback`: finishes connecting an athlete's account.
pub async fn oauth_callback(
    State(state): State<ApiState>,
    Path(provider): Path<String>,
    Query(params): Query<CallbackParams>,
) -> Response {
    match state.app.connections.complete(&provider, params).await {
        Ok(_) => Html(page(
            &format!("Connected to {provider}"),
            "Stride is importing your history now; you can close this window and follow the progress in the app.",
        ))
        .into_response(),
        Err(error) => {
            let status = match &error {
                AppError::BadInput(_) => StatusCode::BAD_REQUEST,
                AppError::Forbidden(_) | AppError::Unauthenticated(_) => StatusCode::FORBIDDEN,
                AppError::Conflict(_) => StatusCode::CONFLICT,
                AppError::NotFound(_) => StatusCode::NOT_FOUND,
                _ => StatusCode::INTERNAL_SERVER_ERROR,
            };
            let message = match &error {
                AppError::Internal(detail) => {
                    tracing::error!(error = ?detail, %provider, "connecting a provider failed");
                    "Something went wrong on our side; please try again.".to_owned()
                }
                other => other.to_string(),
            };
            (status, Html(page("Not connected", &message))).into_response()
        }
    }
}

/// The header a relay app may carry its token in when it cannot set `Authorization`.
const RELAY_TOKEN_HEADER: &str = "x-stride-relay-token";

/// `POST /relay/{plugin}`: a relay app (Health Auto Export on an athlete's iPhone) delivers
/// the athlete's data with their relay token. The plugin reads it; what it finds is stored
/// through the one write path, and the answer says what was stored and what was not used.
pub async fn relay(
    State(state): State<ApiState>,
    Path(plugin): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let reply =
        |status: StatusCode, body: serde_json::Value| (status, axum::Json(body)).into_response();
    let token = headers
        .get(axum::http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .or_else(|| {
            headers
                .get(RELAY_TOKEN_HEADER)
                .and_then(|v| v.to_str().ok())
        })
        .map(str::trim);
    let Some(token) = token else {
        return reply(
            StatusCode::UNAUTHORIZED,
            serde_json::json!({ "error": format!(
                "no relay token: send it as `Authorization: Bearer <token>` or in the `{RELAY_TOKEN_HEADER}` header"
            )}),
        );
    };
    let (athlete, _token) = match state.app.connections.relay_athlete(&plugin, token).await {
        Ok(found) => found,
        Err(AppError::Unauthenticated(message)) => {
            return reply(
                StatusCode::UNAUTHORIZED,
                serde_json::json!({ "error": message }),
            );
        }
        Err(error) => return relay_error(&plugin, error),
    };
    let limit = state.app.config.graphql.max_relay_bytes;
    let too_large = || {
        reply(
            StatusCode::PAYLOAD_TOO_LARGE,
            serde_json::json!({ "error": format!(
                "a delivery is limited to {limit} bytes: export a shorter period, or turn on batching in the app"
            )}),
        )
    };
    let Some(body) = read_capped(&headers, body, limit).await else {
        return too_large();
    };
    let upload = crate::ingest::uploads::Upload {
        kind: stride_sandbox::contract::UploadKind::Relay,
        name: None,
        content_type: headers
            .get(axum::http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned),
        headers: headers
            .iter()
            .filter(|(name, _)| {
                !PRIVATE_HEADERS.contains(&name.as_str()) && name.as_str() != RELAY_TOKEN_HEADER
            })
            .filter_map(|(name, value)| {
                value
                    .to_str()
                    .ok()
                    .map(|v| (name.as_str().to_owned(), v.to_owned()))
            })
            .collect(),
        body: std::sync::Arc::new(body.to_vec()),
    };
    match state
        .app
        .ingest
        .receive_upload(&plugin, &athlete, upload, |_| {})
        .await
    {
        Ok(report) => reply(
            StatusCode::OK,
            serde_json::json!({
                "activities": report.summary.activities,
                "days": report.summary.metrics,
                "duplicates": report.summary.duplicates,
                "refused": report.summary.rejected,
                "items": report.items,
                "problems": report.problems.iter().map(|p| serde_json::json!({
                    "item": p.item, "message": p.message,
                })).collect::<Vec<_>>(),
            }),
        ),
        Err(error) => relay_error(&plugin, error),
    }
}

fn relay_error(plugin: &str, error: AppError) -> Response {
    let status = match &error {
        AppError::BadInput(_) => StatusCode::BAD_REQUEST,
        AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::Conflict(_) => StatusCode::SERVICE_UNAVAILABLE,
        AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let message = match &error {
        AppError::Internal(detail) => {
            tracing::error!(error = ?detail, plugin, "a relay delivery failed");
            "something went wrong on our side; the app will send it again".to_owned()
        }
        other => other.to_string(),
    };
    (status, axum::Json(serde_json::json!({ "error": message }))).into_response()
}
