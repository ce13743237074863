//! The web console: its built assets, embedded in the binary and served at `/`, and the
//! browser's session.
//!
//! **Sessions in the browser.** The console never holds a bearer token where a script could
//! read it. It logs in with `POST /console/session`, which sets the session token as an
//! `HttpOnly`, `SameSite=Strict` cookie; `DELETE /console/session` logs out (revoking the
//! session). `/graphql` accepts that cookie only together with the `X-Stride-Console: 1`
//! header, which a cross-site form or image cannot send and a cross-site script could send
//! only after a CORS preflight this server never grants: the cookie alone authorizes nothing.
//! The WebSocket (`/graphql/ws`) accepts it when the `Origin` is this server's own.
//!
//! **Assets.** Files under `web/dist` are compiled into the binary, so `stride serve` needs
//! nothing beside it. Hashed assets (`/assets/…`) are cached for a year; `index.html` is
//! always revalidated. Every page carries a strict Content-Security-Policy: scripts, styles
//! and connections from this origin only, no inline script, no framing.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::json;

use super::ApiState;
use crate::auth::{Client, SignUp};
use crate::error::AppError;

/// The cookie that carries the console's session.
pub const SESSION_COOKIE: &str = "stride_session";

/// While an admin acts as someone in the console: their own session, to return to.
pub const REAL_SESSION_COOKIE: &str = "stride_session_real";

/// The header a console request carries for its cookie to count.
pub const CONSOLE_HEADER: &str = "x-stride-console";

/// The console's built files.
#[derive(rust_embed::RustEmbed)]
#[folder = "../../web/dist"]
struct Assets;

/// The policy every console page is served with.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
     form-action 'self'; frame-ancestors 'none'";

fn secured(mut response: Response) -> Response {
    let headers = response.headers_mut();
    for (name, value) in [
        ("content-security-policy", CSP),
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("x-frame-options", "DENY"),
        ("cross-origin-opener-policy", "same-origin"),
    ] {
        headers.insert(name, HeaderValue::from_static(value));
    }
    response
}

/// For console development: `STRIDE_CONSOLE_DIR` names a built console (`web/dist`) to serve
/// from disk instead of the copy compiled in, so a rebuilt bundle needs no rebuilt server.
fn console_dir() -> Option<&'static std::path::Path> {
    static DIR: std::sync::OnceLock<Option<std::path::PathBuf>> = std::sync::OnceLock::new();
    DIR.get_or_init(|| std::env::var_os("STRIDE_CONSOLE_DIR").map(std::path::PathBuf::from))
        .as_deref()
}

/// A console file: its bytes, media type and content hash.
fn console_file(path: &str) -> Option<(Vec<u8>, String, [u8; 32])> {
    let Some(dir) = console_dir() else {
        let file = Assets::get(path)?;
        let mime = file.metadata.mimetype().to_owned();
        return Some((file.data.into_owned(), mime, file.metadata.sha256_hash()));
    };
    // Only plain relative names: nothing that climbs out of the directory.
    if path
        .split('/')
        .any(|part| part.is_empty() || part == "." || part == "..")
    {
        return None;
    }
    let bytes = std::fs::read(dir.join(path)).ok()?;
    let mime = mime_guess::from_path(path)
        .first_or_octet_stream()
        .essence_str()
        .to_owned();
    let hash = <sha2::Sha256 as sha2::Digest>::digest(&bytes).into();
    Some((bytes, mime, hash))
}

fn asset(path: &str) -> Option<Response> {
    let (data, mime, hash) = console_file(path)?;
    let cache = if path.starts_with("assets/") {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    let mut response = (StatusCode::OK, data).into_response();
    let headers = response.headers_mut();
    if let Ok(value) = HeaderValue::from_str(&mime) {
        headers.insert(header::CONTENT_TYPE, value);
    }
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    if let Ok(value) = HeaderValue::from_str(&format!("\"{}\"", hex::encode(hash))) {
        headers.insert(header::ETAG, value);
    }
    Some(secured(response))
}

/// `GET /{path}`: a console file, or the console itself for the paths it routes in the
/// browser.
pub async fn serve(uri: Uri) -> Response {
    let path = uri.path().trim_start_matches('/');
    if let Some(response) = asset(path) {
        return response;
    }
    // A file that looks like one (an extension) and is missing is missing; anything else is
    // a page of the console, which routes in the browser.
    let last = path.rsplit('/').next().unwrap_or_default();
    if path.starts_with("assets/") || last.contains('.') {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    asset("index.html")
        .unwrap_or_else(|| (StatusCode::NOT_FOUND, "the console is not built").into_response())
}

/// `GET /graphql`: GraphiQL, bundled with the console (nothing loads from a CDN). Until the
/// bundle is built into this tree, async-graphql's page (which loads GraphiQL from a CDN).
pub async fn graphiql() -> Response {
    asset("graphiql/index.html").unwrap_or_else(|| {
        axum::response::Html(
            async_graphql::http::GraphiQLSource::build()
                .endpoint("/graphql")
                .title("Stride GraphQL")
                .finish(),
        )
        .into_response()
    })
}

/// Logging in from the console.
#[derive(Debug, Deserialize)]
pub struct Credentials {
    email: String,
    password: String,
}

/// Signing up from the console with an invite.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Registration {
    invite_token: String,
    email: String,
    password: String,
    display_name: String,
    time_zone: Option<String>,
}

fn error_response(error: AppError) -> Response {
    let status = match &error {
        AppError::Unauthenticated(_) => StatusCode::UNAUTHORIZED,
        AppError::Forbidden(_) => StatusCode::FORBIDDEN,
        AppError::NotFound(_) => StatusCode::NOT_FOUND,
        AppError::BadInput(_) => StatusCode::BAD_REQUEST,
        AppError::Conflict(_) => StatusCode::CONFLICT,
        AppError::RateLimited { .. } => StatusCode::TOO_MANY_REQUESTS,
        AppError::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
    };
    let retry = match &error {
        AppError::RateLimited { retry_after_s, .. } => Some(*retry_after_s),
        _ => None,
    };
    let fields = match &error {
        AppError::BadInput(e) => serde_json::to_value(&e.errors).unwrap_or_default(),
        _ => serde_json::Value::Null,
    };
    let message = match &error {
        AppError::Internal(detail) => {
            tracing::error!(error = ?detail, "a console session request failed");
            "something went wrong on our side".to_owned()
        }
        other => other.to_string(),
    };
    let mut response = (
        status,
        Json(json!({ "error": message, "code": error.code(), "fields": fields })),
    )
        .into_response();
    if let Some(seconds) = retry
        && let Ok(value) = HeaderValue::from_str(&seconds.max(1).to_string())
    {
        response.headers_mut().insert(header::RETRY_AFTER, value);
    }
    response
}

fn session_cookie(state: &ApiState, token: &str, max_age_s: i64) -> HeaderValue {
    let secure = if state.app.config.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age_s}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("stride_session=; Max-Age=0; Path=/"))
}

fn signed_in(state: &ApiState, grant: crate::auth::SessionGrant) -> Response {
    let max_age = (grant.expires_at - state.app.clock.now())
        .num_seconds()
        .max(0);
    let user = &grant.user;
    let mut response = Json(json!({
        "user": {
            "id": user.id,
            "email": user.email,
            "displayName": user.profile.display_name,
            "role": user.role.as_str().to_ascii_uppercase(),
        },
        "expiresAt": grant.expires_at,
    }))
    .into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        session_cookie(state, &grant.token, max_age),
    );
    response
}

fn client(request_client: Option<axum::Extension<Client>>) -> Client {
    request_client.map(|c| c.0).unwrap_or_default()
}

/// `POST /console/session`: logs in and sets the session cookie.
pub async fn login(
    State(state): State<ApiState>,
    request_client: Option<axum::Extension<Client>>,
    Json(credentials): Json<Credentials>,
) -> Response {
    let client = client(request_client);
    match state
        .app
        .accounts
        .login(&credentials.email, &credentials.password, &client)
        .await
    {
        Ok(grant) => signed_in(&state, grant),
        Err(error) => error_response(error),
    }
}

/// `POST /console/signup`: signs up with an invite and sets the session cookie.
pub async fn sign_up(
    State(state): State<ApiState>,
    request_client: Option<axum::Extension<Client>>,
    Json(form): Json<Registration>,
) -> Response {
    let client = client(request_client);
    let input = SignUp {
        invite_token: form.invite_token,
        email: form.email,
        password: form.password,
        display_name: form.display_name,
        time_zone: form.time_zone,
    };
    match state.app.accounts.sign_up(input, &client).await {
        Ok(grant) => signed_in(&state, grant),
        Err(error) => error_response(error),
    }
}

/// `DELETE /console/session`: ends the session and clears the cookie.
pub async fn logout(State(state): State<ApiState>, headers: HeaderMap) -> Response {
    if let Some(token) = cookie_token(&headers)
        && let Ok(viewer) = state.app.accounts.authenticate(&token).await
        && let Err(error) = state.app.accounts.logout(&viewer).await
    {
        return error_response(error);
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_static("stride_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
    );
    response
}

/// The session token in the request's cookie, if any.
pub fn cookie_token(headers: &HeaderMap) -> Option<String> {
    named_cookie(headers, SESSION_COOKIE)
}

fn named_cookie(headers: &HeaderMap, cookie: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == cookie)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|value| !value.is_empty())
}

/// Acting as someone from the console.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ImpersonationForm {
    user_id: uuid::Uuid,
    reason: String,
    minutes: Option<u32>,
}

fn refused(message: &str) -> Response {
    error_response(AppError::Unauthenticated(message.to_owned()))
}

/// `POST /console/impersonation`: the signed-in admin starts acting as a user (see
/// `startImpersonation`); the console's cookie becomes the impersonation session and the
/// admin's own is kept aside (`HttpOnly` too) for `DELETE` to return to.
pub async fn start_impersonation(
    State(state): State<ApiState>,
    request_client: Option<axum::Extension<Client>>,
    headers: HeaderMap,
    Json(form): Json<ImpersonationForm>,
) -> Response {
    let Some(token) = console_token(&headers) else {
        return refused("sign in to the console first");
    };
    let viewer = match state.app.accounts.authenticate(&token).await {
        Ok(viewer) => viewer,
        Err(error) => return error_response(error),
    };
    let grant = match state
        .app
        .accounts
        .start_impersonation(
            &viewer,
            form.user_id,
            &form.reason,
            form.minutes,
            &client(request_client),
        )
        .await
    {
        Ok(grant) => grant,
        Err(error) => return error_response(error),
    };
    let max_age = (grant.expires_at - state.app.clock.now())
        .num_seconds()
        .max(0);
    let mut response = signed_in(&state, grant);
    let secure = if state.app.config.public_url.starts_with("https://") {
        "; Secure"
    } else {
        ""
    };
    if let Ok(value) = HeaderValue::from_str(&format!(
        "{REAL_SESSION_COOKIE}={token}; HttpOnly; SameSite=Strict; Path=/console; Max-Age={}{secure}",
        max_age + 86_400
    )) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// `DELETE /console/impersonation`: ends the impersonation session and returns the console
/// to the admin's own session.
pub async fn stop_impersonation(State(state): State<ApiState>, headers: HeaderMap) -> Response {
    let Some(token) = console_token(&headers) else {
        return refused("sign in to the console first");
    };
    let viewer = match state.app.accounts.authenticate(&token).await {
        Ok(viewer) => viewer,
        Err(error) => return error_response(error),
    };
    if let Err(error) = state.app.accounts.stop_impersonation(&viewer).await {
        return error_response(error);
    }
    let real = named_cookie(&headers, REAL_SESSION_COOKIE);
    let mut response = match real {
        Some(real) => match state.app.accounts.authenticate(&real).await {
            Ok(admin) => {
                // The browser may keep it as long as any session lasts; the server still
                // ends it on its own expiry.
                let max_age = i64::from(state.app.config.auth.session_ttl_hours) * 3_600;
                let mut response = Json(json!({ "user": { "id": admin.user.id } })).into_response();
                response
                    .headers_mut()
                    .insert(header::SET_COOKIE, session_cookie(&state, &real, max_age));
                response
            }
            Err(_) => StatusCode::NO_CONTENT.into_response(),
        },
        None => StatusCode::NO_CONTENT.into_response(),
    };
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static(
            "stride_session_real=; HttpOnly; SameSite=Strict; Path=/console; Max-Age=0",
        ),
    );
    response
}

/// The console's session token for a GraphQL request: its cookie, honoured only with the
/// console's header (see the module docs).
pub fn console_token(headers: &HeaderMap) -> Option<String> {
    let marked = headers
        .get(CONSOLE_HEADER)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim() == "1");
    marked.then(|| cookie_token(headers)).flatten()
}

/// Whether a WebSocket upgrade comes from this server's own pages.
pub fn same_origin(state: &ApiState, headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return false;
    };
    let own = url::Url::parse(&state.app.config.public_url)
        .ok()
        .map(|u| u.origin().ascii_serialization());
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(|h| [format!("http://{h}"), format!("https://{h}")]);
    own.as_deref() == Some(origin) || host.is_some_and(|h| h.iter().any(|o| o == origin))
}
