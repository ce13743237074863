//! A fake Garmin: a real HTTP server that behaves as Garmin's Health and Activity APIs are
//! documented (second-hand, from open-source receivers; see issue 12).
//!
//! - OAuth 2 with PKCE (S256): `GET /oauth2Confirm` (needs `code_challenge` and
//!   `code_challenge_method=S256`; redirects back with `code` and `state`),
//!   `POST /di-oauth2-service/oauth/token` (form; the exchange needs the `code_verifier` whose
//!   SHA-256 is the challenge; access tokens last 24 h; **every refresh rotates the refresh
//!   token** and the old one stops working; refresh tokens last 90 days).
//! - The REST API under a configurable base path (`/wellness-api/rest` or
//!   `/partner-gateway/rest`), bearer tokens only (an expired or revoked one gets 401):
//!   `GET /user/id`, `GET /user/permissions`, `DELETE /user/registration`,
//!   `GET /backfill/{type}?summaryStartTimeInSeconds&summaryEndTimeInSeconds` (202, then the
//!   summaries of that window are pushed; 400 over 90 days; 409 for a window already asked;
//!   403 without `HISTORICAL_DATA_EXPORT`), pull: `GET /{type}?uploadStartTimeInSeconds&
//!   uploadEndTimeInSeconds` (at most 24 h) and the `callbackURL`s of pings (with a `token`;
//!   they work once and for 24 h).
//! - A rate limit per application and per minute: over it, 429 with `Retry-After`; a storm of
//!   429s on demand.
//! - Push to Stride: bodies keyed by summary type, items carrying `userId`, header
//!   `garmin-client-id`; a reply other than 200 within 30 s is retried (three attempts here).
//!   Pings carry a `callbackURL` instead of the data. Deregistrations and permission changes.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::{Value, json};
use stride_domain::clock::SharedClock;

/// Access tokens last a day.
pub const ACCESS_LIFETIME: i64 = 24 * 3600;
/// Refresh tokens last about 90 days.
pub const REFRESH_LIFETIME: i64 = 90 * 86_400;
/// The longest backfill window Garmin accepts.
pub const MAX_BACKFILL_S: i64 = 90 * 86_400;
/// The longest pull window.
pub const MAX_PULL_S: i64 = 86_400;
/// The base path of the Health API in most sources.
pub const WELLNESS_PATH: &str = "/wellness-api/rest";
/// The base path some sources give instead.
pub const PARTNER_GATEWAY_PATH: &str = "/partner-gateway/rest";

/// Every permission a user can grant.
pub const ALL_PERMISSIONS: &[&str] = &[
    "ACTIVITY_EXPORT",
    "HEALTH_EXPORT",
    "HISTORICAL_DATA_EXPORT",
    "WORKOUT_IMPORT",
    "COURSE_IMPORT",
    "MCT_EXPORT",
];

/// How the fake is set up.
#[derive(Debug, Clone)]
pub struct Options {
    /// `/wellness-api/rest` or `/partner-gateway/rest`.
    pub base_path: String,
    /// The application's client id (sent as `garmin-client-id` on pushes).
    pub client_id: String,
    /// The application's client secret.
    pub client_secret: String,
    /// API requests allowed per minute (per application).
    pub per_minute: u32,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            base_path: WELLNESS_PATH.to_owned(),
            client_id: "fake-garmin-client".to_owned(),
            client_secret: "fake-garmin-secret".to_owned(),
            per_minute: 1_000,
        }
    }
}

#[derive(Debug, Clone)]
struct Grant {
    user: String,
    challenge: String,
    redirect_uri: String,
}

#[derive(Debug, Clone)]
struct Access {
    user: String,
    expires_at: i64,
    revoked: bool,
}

#[derive(Debug, Clone)]
struct Pull {
    user: String,
    items: Vec<Value>,
    used: bool,
    expires_at: i64,
}

#[derive(Debug, Clone, Default)]
struct User {
    permissions: Vec<String>,
    registered: bool,
}

/// One backfill request as the fake saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackfillRequest {
    /// Garmin's user id.
    pub user: String,
    /// The summary type.
    pub kind: String,
    /// Window start and end, seconds.
    pub start: i64,
    /// See `start`.
    pub end: i64,
    /// What the fake answered.
    pub status: u16,
}

#[derive(Debug, Default)]
struct World {
    options: Options,
    current_user: String,
    users: BTreeMap<String, User>,
    codes: BTreeMap<String, Grant>,
    access: BTreeMap<String, Access>,
    refresh: BTreeMap<String, (String, i64)>,
    /// Summaries Garmin holds, by (user, type): served by backfill and pull.
    data: BTreeMap<(String, String), Vec<Value>>,
    backfills: Vec<BackfillRequest>,
    pulls: BTreeMap<String, Pull>,
    files: BTreeMap<String, (String, Vec<u8>, bool, i64)>,
    webhook: Option<String>,
    storm_429: u32,
    rejected_429: u32,
    usage: BTreeMap<i64, u32>,
    served: BTreeMap<String, u32>,
    deliveries: Vec<(u16, Duration)>,
    exchanges: u32,
    refreshes: u32,
}

impl World {
    fn lock(world: &Mutex<World>) -> std::sync::MutexGuard<'_, World> {
        world.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn random_token() -> String {
    uuid::Uuid::new_v4().simple().to_string()
}

/// A running fake Garmin.
#[derive(Clone)]
pub struct FakeGarmin {
    /// Where it listens.
    pub addr: SocketAddr,
    world: Arc<Mutex<World>>,
    clock: SharedClock,
    client: reqwest::Client,
}

#[derive(Clone)]
struct Shared {
    world: Arc<Mutex<World>>,
    clock: SharedClock,
    client: reqwest::Client,
}

fn oauth_error(status: StatusCode, error: &str, description: &str) -> Response {
    (
        status,
        Json(json!({ "error": error, "error_description": description })),
    )
        .into_response()
}

impl FakeGarmin {
    /// Starts a fake on 127.0.0.1 with a random port and the default options.
    pub async fn start(clock: SharedClock) -> Self {
        Self::start_with(
            clock,
            SocketAddr::from(([127, 0, 0, 1], 0)),
            Options::default(),
        )
        .await
    }

    /// Starts a fake on `addr` with `options`.
    pub async fn start_with(clock: SharedClock, addr: SocketAddr, options: Options) -> Self {
        let base_path = format!("/{}", options.base_path.trim_matches('/'));
        let world = Arc::new(Mutex::new(World {
            options: Options {
                base_path: base_path.clone(),
                ..options
            },
            current_user: "garmin-user-1".to_owned(),
            ..World::default()
        }));
        let client = reqwest::Client::new();
        let shared = Shared {
            world: world.clone(),
            clock: clock.clone(),
            client: client.clone(),
        };
        let api = Router::new()
            .route("/user/id", get(user_id))
            .route("/user/permissions", get(user_permissions))
            .route("/user/registration", delete(deregister))
            .route("/backfill/{kind}", get(backfill))
            .route("/{kind}", get(pull))
            .layer(axum::middleware::from_fn_with_state(
                shared.clone(),
                rate_limit,
            ));
        let app = Router::new()
            .route("/oauth2Confirm", get(authorize))
            .route("/di-oauth2-service/oauth/token", post(token))
            .route("/_fake/push", post(control_push))
            .route("/_fake/deregister", post(control_deregister))
            .nest(&base_path, api)
            .with_state(shared);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .expect("binding the fake Garmin");
        let addr = listener.local_addr().expect("address");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            addr,
            world,
            clock,
            client,
        }
    }

    /// Its base URL (`http://127.0.0.1:port`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The REST root (`http://127.0.0.1:port/wellness-api/rest`).
    pub fn api_url(&self) -> String {
        format!("{}{}", self.url(), self.world().options.base_path)
    }

    /// The authorize URL.
    pub fn authorize_url(&self) -> String {
        format!("{}/oauth2Confirm", self.url())
    }

    /// The token URL.
    pub fn token_url(&self) -> String {
        format!("{}/di-oauth2-service/oauth/token", self.url())
    }

    fn world(&self) -> std::sync::MutexGuard<'_, World> {
        World::lock(&self.world)
    }

    /// The app's client id and secret.
    pub fn client(&self) -> (String, String) {
        let w = self.world();
        (w.options.client_id.clone(), w.options.client_secret.clone())
    }

    /// Who authorizes on the next authorize request, and what they grant (None: everything).
    pub fn log_in_as(&self, user: &str, permissions: Option<&[&str]>) {
        let mut w = self.world();
        w.current_user = user.to_owned();
        let granted = permissions.unwrap_or(ALL_PERMISSIONS);
        w.users.insert(
            user.to_owned(),
            User {
                permissions: granted.iter().map(|p| (*p).to_owned()).collect(),
                registered: false,
            },
        );
    }

    /// Where pushes go: Stride's webhook URL for Garmin (`…/webhooks/garmin`).
    pub fn set_webhook(&self, url: &str) {
        self.world().webhook = Some(url.trim_end_matches('/').to_owned());
    }

    /// Sets the per-minute rate limit.
    pub fn set_per_minute(&self, per_minute: u32) {
        self.world().options.per_minute = per_minute;
    }

    /// Answers the next `n` API requests with 429.
    pub fn storm_429(&self, n: u32) {
        self.world().storm_429 = n;
    }

    /// How many requests were refused with 429.
    pub fn rejected_429(&self) -> u32 {
        self.world().rejected_429
    }

    /// API requests served, by `METHOD /route` below the base path (including refused ones).
    pub fn served(&self, route: &str) -> u32 {
        self.world().served.get(route).copied().unwrap_or(0)
    }

    /// Code exchanges and refreshes that succeeded.
    pub fn token_grants(&self) -> (u32, u32) {
        let w = self.world();
        (w.exchanges, w.refreshes)
    }

    /// Every backfill request so far.
    pub fn backfills(&self) -> Vec<BackfillRequest> {
        self.world().backfills.clone()
    }

    /// Status and latency of every push attempt so far.
    pub fn deliveries(&self) -> Vec<(u16, Duration)> {
        self.world().deliveries.clone()
    }

    /// Changes what a user grants (as in Garmin Connect's settings).
    pub fn set_permissions(&self, user: &str, permissions: &[&str]) {
        self.world()
            .users
            .entry(user.to_owned())
            .or_default()
            .permissions = permissions.iter().map(|p| (*p).to_owned()).collect();
    }

    /// Whether the user is registered with the app (connected, not deregistered).
    pub fn registered(&self, user: &str) -> bool {
        self.world().users.get(user).is_some_and(|u| u.registered)
    }

    /// Expires every access token now (as if a day had passed).
    pub fn expire_access_tokens(&self) {
        let now = self.clock.now().timestamp();
        for token in self.world().access.values_mut() {
            token.expires_at = now - 1;
        }
    }

    /// Stores a summary Garmin holds for `user` (served by backfill and pull; not pushed).
    pub fn add_summary(&self, user: &str, kind: &str, item: Value) {
        let item = with_user(item, user);
        self.world()
            .data
            .entry((user.to_owned(), kind.to_owned()))
            .or_default()
            .push(item);
    }

    /// Pushes `items` of `kind` for `user` to Stride, as Garmin does in push mode. Returns the
    /// final status.
    pub async fn push(&self, user: &str, kind: &str, items: Vec<Value>) -> u16 {
        let items: Vec<Value> = items.into_iter().map(|i| with_user(i, user)).collect();
        let body = json!({ kind: items });
        self.push_body(kind, &body).await
    }

    /// POSTs a body as Garmin would (with the client id header), retrying up to three times
    /// while the reply is not a 200 within 30 s. Returns the last status.
    pub async fn push_body(&self, kind: &str, body: &Value) -> u16 {
        let client_id = self.client().0;
        let bytes = body.to_string().into_bytes();
        deliver(&self.world, &self.client, kind, bytes, Some(&client_id)).await
    }

    /// POSTs raw bytes to the webhook with the given `garmin-client-id` (or none), once.
    pub async fn push_raw(&self, kind: &str, bytes: Vec<u8>, client_id: Option<&str>) -> u16 {
        let Some(url) = self.world().webhook.clone() else {
            panic!("no webhook URL: call set_webhook first");
        };
        let mut request = self
            .client
            .post(format!("{url}/{kind}"))
            .header("content-type", "application/json")
            .body(bytes);
        if let Some(id) = client_id {
            request = request.header("garmin-client-id", id);
        }
        request
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0)
    }

    /// Pings Stride (ping mode): the items are kept behind a one-time callback URL, and the
    /// ping carries only `userId` and `callbackURL`. Returns the status and the URL.
    pub async fn ping(&self, user: &str, kind: &str, items: Vec<Value>) -> (u16, String) {
        let url = self.callback_for(user, kind, items);
        let now = self.clock.now().timestamp();
        let body = json!({ kind: [{
            "userId": user,
            "callbackURL": url,
            "uploadStartTimeInSeconds": now - 3600,
            "uploadEndTimeInSeconds": now,
        }] });
        (self.push_body(kind, &body).await, url)
    }

    /// Keeps `items` behind a one-time callback URL and returns it.
    pub fn callback_for(&self, user: &str, kind: &str, items: Vec<Value>) -> String {
        let token = random_token();
        let now = self.clock.now().timestamp();
        let items = items.into_iter().map(|i| with_user(i, user)).collect();
        let api = self.api_url();
        self.world().pulls.insert(
            token.clone(),
            Pull {
                user: user.to_owned(),
                items,
                used: false,
                expires_at: now + 86_400,
            },
        );
        format!(
            "{api}/{kind}?uploadStartTimeInSeconds={}&uploadEndTimeInSeconds={now}&token={token}",
            now - 3600
        )
    }

    /// Pings Stride about an activity file (`FIT`, `TCX` or `GPX`): the file waits behind a
    /// one-time callback URL. Returns the push's status.
    pub async fn ping_file(
        &self,
        user: &str,
        activity_id: i64,
        name: &str,
        file_type: &str,
        bytes: Vec<u8>,
    ) -> u16 {
        let token = random_token();
        let now = self.clock.now().timestamp();
        let url = format!(
            "{}/activityFile?id={activity_id}&token={token}",
            self.api_url()
        );
        self.world()
            .files
            .insert(token, (user.to_owned(), bytes, false, now + 86_400));
        let body = json!({ "activityFiles": [{
            "userId": user,
            "summaryId": format!("{activity_id}-file"),
            "fileType": file_type,
            "callbackURL": url,
            "startTimeInSeconds": now - 3600,
            "activityId": activity_id,
            "activityName": name,
            "manual": false,
        }] });
        self.push_body("activityFiles", &body).await
    }

    /// The user removes the app in Garmin Connect: tokens stop working and Garmin pushes a
    /// deregistration. Returns the push's status.
    pub async fn deregister_in_connect(&self, user: &str) -> u16 {
        revoke_user(&mut self.world(), user);
        self.push(user, "deregistrations", vec![json!({})]).await
    }

    /// The user changes permissions in Garmin Connect: Garmin pushes the change.
    pub async fn change_permissions(&self, user: &str, permissions: &[&str]) -> u16 {
        self.set_permissions(user, permissions);
        self.push(
            user,
            "userPermissionsChange",
            vec![json!({
                "summaryId": format!("perm-{}", random_token()),
                "permissions": permissions,
                "changeTimeInSeconds": self.clock.now().timestamp(),
            })],
        )
        .await
    }
}

fn with_user(mut item: Value, user: &str) -> Value {
    if let Some(map) = item.as_object_mut() {
        map.insert("userId".to_owned(), json!(user));
    }
    item
}

fn revoke_user(w: &mut World, user: &str) {
    for token in w.access.values_mut().filter(|t| t.user == user) {
        token.revoked = true;
    }
    w.refresh.retain(|_, (u, _)| u != user);
    if let Some(u) = w.users.get_mut(user) {
        u.registered = false;
    }
}

async fn deliver(
    world: &Mutex<World>,
    client: &reqwest::Client,
    kind: &str,
    body: Vec<u8>,
    client_id: Option<&str>,
) -> u16 {
    let Some(url) = World::lock(world).webhook.clone() else {
        panic!("no webhook URL: call set_webhook first");
    };
    let mut last = 0;
    for _ in 0..3 {
        let started = std::time::Instant::now();
        let mut request = client
            .post(format!("{url}/{kind}"))
            .header("content-type", "application/json")
            .body(body.clone())
            .timeout(Duration::from_secs(30));
        if let Some(id) = client_id {
            request = request.header("garmin-client-id", id);
        }
        let status = request
            .send()
            .await
            .map(|r| r.status().as_u16())
            .unwrap_or(0);
        let elapsed = started.elapsed();
        World::lock(world).deliveries.push((status, elapsed));
        last = status;
        if status == 200 {
            break;
        }
    }
    last
}

#[derive(Deserialize)]
struct AuthorizeParams {
    client_id: String,
    response_type: String,
    redirect_uri: String,
    state: Option<String>,
    code_challenge: Option<String>,
    code_challenge_method: Option<String>,
}

async fn authorize(State(s): State<Shared>, Query(p): Query<AuthorizeParams>) -> Response {
    let mut w = World::lock(&s.world);
    if p.client_id != w.options.client_id || p.response_type != "code" {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_request", "unknown client");
    }
    let (Some(challenge), Some("S256")) = (p.code_challenge, p.code_challenge_method.as_deref())
    else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "PKCE with code_challenge_method=S256 is required",
        );
    };
    let Ok(mut target) = url::Url::parse(&p.redirect_uri) else {
        return oauth_error(
            StatusCode::BAD_REQUEST,
            "invalid_request",
            "bad redirect_uri",
        );
    };
    let code = random_token();
    let user = w.current_user.clone();
    w.codes.insert(
        code.clone(),
        Grant {
            user,
            challenge,
            redirect_uri: p.redirect_uri.clone(),
        },
    );
    target
        .query_pairs_mut()
        .append_pair("code", &code)
        .append_pair("state", p.state.as_deref().unwrap_or(""));
    Redirect::to(target.as_str()).into_response()
}

fn issue(w: &mut World, user: &str, now: i64) -> Value {
    let access = random_token();
    let refresh = random_token();
    w.access.insert(
        access.clone(),
        Access {
            user: user.to_owned(),
            expires_at: now + ACCESS_LIFETIME,
            revoked: false,
        },
    );
    w.refresh
        .insert(refresh.clone(), (user.to_owned(), now + REFRESH_LIFETIME));
    w.users.entry(user.to_owned()).or_default().registered = true;
    json!({
        "access_token": access,
        "token_type": "bearer",
        "expires_in": ACCESS_LIFETIME,
        "refresh_token": refresh,
        "refresh_token_expires_in": REFRESH_LIFETIME,
        "scope": "PARTNER_WRITE PARTNER_READ CONNECT_READ CONNECT_WRITE",
        "jti": random_token(),
    })
}

async fn token(State(s): State<Shared>, Form(form): Form<BTreeMap<String, String>>) -> Response {
    let now = s.clock.now().timestamp();
    let mut w = World::lock(&s.world);
    if form.get("client_id") != Some(&w.options.client_id)
        || form.get("client_secret") != Some(&w.options.client_secret)
    {
        return oauth_error(
            StatusCode::UNAUTHORIZED,
            "invalid_client",
            "bad client credentials",
        );
    }
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let Some(grant) = form.get("code").and_then(|c| w.codes.remove(c)) else {
                return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant", "unknown code");
            };
            if form
                .get("redirect_uri")
                .is_some_and(|r| *r != grant.redirect_uri)
            {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "redirect_uri differs",
                );
            }
            let verifier = form.get("code_verifier").map(String::as_str).unwrap_or("");
            if !(43..=128).contains(&verifier.len()) || pkce_s256(verifier) != grant.challenge {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "code_verifier does not match the code_challenge",
                );
            }
            w.exchanges += 1;
            Json(issue(&mut w, &grant.user, now)).into_response()
        }
        Some("refresh_token") => {
            let presented = form.get("refresh_token").cloned().unwrap_or_default();
            // Rotation: the presented refresh token is spent whatever happens next.
            let Some((user, expires_at)) = w.refresh.remove(&presented) else {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "unknown refresh token",
                );
            };
            if expires_at <= now {
                return oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_grant",
                    "refresh token expired",
                );
            }
            w.refreshes += 1;
            Json(issue(&mut w, &user, now)).into_response()
        }
        _ => oauth_error(
            StatusCode::BAD_REQUEST,
            "unsupported_grant_type",
            "unknown grant",
        ),
    }
}

/// The 401 Garmin answers for a missing, unknown, expired or revoked token.
fn unauthorized() -> Response {
    (
        StatusCode::UNAUTHORIZED,
        Json(json!({ "errorMessage": "invalid or expired access token" })),
    )
        .into_response()
}

/// The user a live bearer token belongs to.
fn bearer_user(s: &Shared, headers: &HeaderMap) -> Option<String> {
    let now = s.clock.now().timestamp();
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
        .unwrap_or("");
    let w = World::lock(&s.world);
    w.access
        .get(token)
        .filter(|a| !a.revoked && a.expires_at > now)
        .map(|a| a.user.clone())
}

async fn user_id(State(s): State<Shared>, headers: HeaderMap) -> Response {
    match bearer_user(&s, &headers) {
        Some(user) => Json(json!({ "userId": user })).into_response(),
        None => unauthorized(),
    }
}

async fn user_permissions(State(s): State<Shared>, headers: HeaderMap) -> Response {
    match bearer_user(&s, &headers) {
        Some(user) => {
            let w = World::lock(&s.world);
            let permissions = w
                .users
                .get(&user)
                .map(|u| u.permissions.clone())
                .unwrap_or_default();
            Json(json!(permissions)).into_response()
        }
        None => unauthorized(),
    }
}

async fn deregister(State(s): State<Shared>, headers: HeaderMap) -> Response {
    match bearer_user(&s, &headers) {
        Some(user) => {
            revoke_user(&mut World::lock(&s.world), &user);
            StatusCode::NO_CONTENT.into_response()
        }
        None => unauthorized(),
    }
}

fn window_of(item: &Value) -> Option<i64> {
    item.get("startTimeInSeconds")
        .or_else(|| item.get("measurementTimeInSeconds"))
        .and_then(Value::as_i64)
        .or_else(|| {
            item.get("summary")
                .and_then(|s| s.get("startTimeInSeconds"))
                .and_then(Value::as_i64)
        })
}

async fn backfill(
    State(s): State<Shared>,
    Path(kind): Path<String>,
    headers: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let Some(user) = bearer_user(&s, &headers) else {
        return unauthorized();
    };
    let param = |k: &str| q.get(k).and_then(|v| v.parse::<i64>().ok());
    let (start, end) = match (
        param("summaryStartTimeInSeconds"),
        param("summaryEndTimeInSeconds"),
    ) {
        (Some(a), Some(b)) => (a, b),
        _ => {
            return (
                StatusCode::BAD_REQUEST,
                Json(json!({ "errorMessage": "summaryStartTimeInSeconds and summaryEndTimeInSeconds are required" })),
            )
                .into_response();
        }
    };
    let mut w = World::lock(&s.world);
    let granted = w
        .users
        .get(&user)
        .is_some_and(|u| u.permissions.iter().any(|p| p == "HISTORICAL_DATA_EXPORT"));
    let duplicate = w.backfills.iter().any(|b| {
        b.user == user && b.kind == kind && b.start == start && b.end == end && b.status == 202
    });
    let (status, message) = if end <= start || end - start > MAX_BACKFILL_S {
        (
            StatusCode::BAD_REQUEST,
            "the window must be positive and at most 90 days",
        )
    } else if !granted {
        (
            StatusCode::FORBIDDEN,
            "the user has not granted HISTORICAL_DATA_EXPORT",
        )
    } else if duplicate {
        (
            StatusCode::CONFLICT,
            "a backfill of this window was already requested",
        )
    } else {
        (StatusCode::ACCEPTED, "")
    };
    w.backfills.push(BackfillRequest {
        user: user.clone(),
        kind: kind.clone(),
        start,
        end,
        status: status.as_u16(),
    });
    if status != StatusCode::ACCEPTED {
        return (status, Json(json!({ "errorMessage": message }))).into_response();
    }
    // The data comes later, by push.
    let items: Vec<Value> = w
        .data
        .get(&(user.clone(), kind.clone()))
        .map(|items| {
            items
                .iter()
                .filter(|i| window_of(i).is_some_and(|t| t >= start && t < end))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    let has_webhook = w.webhook.is_some();
    let client_id = w.options.client_id.clone();
    drop(w);
    if !items.is_empty() && has_webhook {
        let world = s.world.clone();
        let client = s.client.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(50)).await;
            let body = json!({ kind.clone(): items }).to_string().into_bytes();
            deliver(&world, &client, &kind, body, Some(&client_id)).await;
        });
    }
    StatusCode::ACCEPTED.into_response()
}

async fn pull(
    State(s): State<Shared>,
    Path(kind): Path<String>,
    headers: HeaderMap,
    Query(q): Query<BTreeMap<String, String>>,
) -> Response {
    let Some(user) = bearer_user(&s, &headers) else {
        return unauthorized();
    };
    let now = s.clock.now().timestamp();
    let mut w = World::lock(&s.world);
    if kind == "activityFile" {
        // An activity file's link: once, within 24 hours, for its own user only.
        let token = q.get("token").cloned().unwrap_or_default();
        return match w.files.get_mut(&token) {
            Some((owner, bytes, used, expires)) if *owner == user && !*used && *expires > now => {
                *used = true;
                (
                    [("content-type", "application/octet-stream")],
                    bytes.clone(),
                )
                    .into_response()
            }
            _ => StatusCode::GONE.into_response(),
        };
    }
    if let Some(token) = q.get("token") {
        // A ping's callback URL: once, within 24 hours, for its own user only.
        return match w.pulls.get_mut(token) {
            Some(p) if p.user == user && !p.used && p.expires_at > now => {
                p.used = true;
                Json(Value::Array(p.items.clone())).into_response()
            }
            Some(p) if p.user != user => StatusCode::FORBIDDEN.into_response(),
            _ => (
                StatusCode::GONE,
                Json(json!({ "errorMessage": "this callback URL has expired or was used" })),
            )
                .into_response(),
        };
    }
    let param = |k: &str| q.get(k).and_then(|v| v.parse::<i64>().ok());
    let (Some(start), Some(end)) = (
        param("uploadStartTimeInSeconds"),
        param("uploadEndTimeInSeconds"),
    ) else {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "errorMessage": "uploadStartTimeInSeconds and uploadEndTimeInSeconds are required" })),
        )
            .into_response();
    };
    if end <= start || end - start > MAX_PULL_S {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({ "errorMessage": "a pull covers at most 24 hours" })),
        )
            .into_response();
    }
    let items: Vec<Value> = w
        .data
        .entry((user, kind))
        .or_default()
        .iter()
        .filter(|i| window_of(i).is_some_and(|t| t >= start && t < end))
        .cloned()
        .collect();
    Json(Value::Array(items)).into_response()
}

async fn rate_limit(
    State(s): State<Shared>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let route = format!(
        "{} {}",
        request.method(),
        if path.starts_with("/backfill/") {
            "/backfill/{type}".to_owned()
        } else {
            path
        }
    );
    let now = s.clock.now().timestamp();
    let minute = now - now.rem_euclid(60);
    let refuse = {
        let mut w = World::lock(&s.world);
        *w.served.entry(route).or_default() += 1;
        let count = {
            let n = w.usage.entry(minute).or_default();
            *n += 1;
            *n
        };
        let storm = w.storm_429 > 0;
        if storm {
            w.storm_429 -= 1;
        }
        let refuse = storm || count > w.options.per_minute;
        if refuse {
            w.rejected_429 += 1;
        }
        refuse
    };
    if refuse {
        let mut response = (
            StatusCode::TOO_MANY_REQUESTS,
            Json(json!({ "errorMessage": "rate limit exceeded" })),
        )
            .into_response();
        let wait = (minute + 60 - now).max(1);
        if let Ok(value) = HeaderValue::from_str(&wait.to_string()) {
            response.headers_mut().insert("retry-after", value);
        }
        return response;
    }
    next.run(request).await
}

#[derive(Deserialize)]
struct ControlParams {
    user: String,
    #[serde(default)]
    kind: Option<String>,
}

/// `POST /_fake/push?user=…&kind=dailies`: pushes a synthetic summary of today to Stride.
async fn control_push(State(s): State<Shared>, Query(p): Query<ControlParams>) -> Response {
    let now = s.clock.now();
    let kind = p.kind.unwrap_or_else(|| "dailies".to_owned());
    let date = now.format("%Y-%m-%d").to_string();
    let start = now.timestamp() - now.timestamp().rem_euclid(86_400);
    let item = match kind.as_str() {
        "sleeps" => sleep_summary(&date, start - 7 * 3600, "ENHANCED_FINAL", 62),
        "hrv" => hrv_summary(&date, start - 7 * 3600, 48.0),
        "activities" => activity_summary(now.timestamp() - 3600, now.timestamp() - 3600, 2400),
        _ => daily_summary(&date, start, 52.0, 8_000, 30),
    };
    let (client_id, has_webhook) = {
        let w = World::lock(&s.world);
        (w.options.client_id.clone(), w.webhook.is_some())
    };
    if !has_webhook {
        return (StatusCode::CONFLICT, "no webhook URL set").into_response();
    }
    let body = json!({ kind.clone(): [with_user(item, &p.user)] })
        .to_string()
        .into_bytes();
    let status = deliver(&s.world, &s.client, &kind, body, Some(&client_id)).await;
    Json(json!({ "status": status })).into_response()
}

/// `POST /_fake/deregister?user=…`: the user removes the app in Garmin Connect.
async fn control_deregister(State(s): State<Shared>, Query(p): Query<ControlParams>) -> Response {
    let client_id = {
        let mut w = World::lock(&s.world);
        revoke_user(&mut w, &p.user);
        w.options.client_id.clone()
    };
    let body = json!({ "deregistrations": [{ "userId": p.user }] })
        .to_string()
        .into_bytes();
    let status = deliver(
        &s.world,
        &s.client,
        "deregistrations",
        body,
        Some(&client_id),
    )
    .await;
    Json(json!({ "status": status })).into_response()
}

/// A `dailies` item as Garmin sends it (the user is set when pushed).
pub fn daily_summary(
    date: &str,
    day_start: i64,
    resting_hr: f64,
    steps: i64,
    stress: i32,
) -> Value {
    json!({
        "summaryId": format!("x1-{day_start:x}"),
        "calendarDate": date,
        "activityType": "WALKING",
        "activeKilocalories": steps / 20,
        "bmrKilocalories": 1700,
        "steps": steps,
        "distanceInMeters": steps as f64 * 0.78,
        "durationInSeconds": 86_400,
        "activeTimeInSeconds": 4000,
        "startTimeInSeconds": day_start,
        "startTimeOffsetInSeconds": 3600,
        "restingHeartRateInBeatsPerMinute": resting_hr,
        "averageStressLevel": stress,
        "maxStressLevel": 90,
        "bodyBatteryHighestValue": 88,
        "bodyBatteryLowestValue": 21,
    })
}

/// A `sleeps` item: `validation` is `AUTO_TENTATIVE`, `ENHANCED_FINAL`, …
pub fn sleep_summary(date: &str, start: i64, validation: &str, score: i32) -> Value {
    json!({
        "summaryId": format!("x2-{start:x}"),
        "calendarDate": date,
        "startTimeInSeconds": start,
        "startTimeOffsetInSeconds": 3600,
        "durationInSeconds": 28_800,
        "deepSleepDurationInSeconds": 5_400,
        "lightSleepDurationInSeconds": 14_400,
        "remSleepInSeconds": 7_200,
        "awakeDurationInSeconds": 1_800,
        "validation": validation,
        "overallSleepScore": { "value": score, "qualifierKey": "FAIR" },
    })
}

/// An `hrv` item with the overnight average RMSSD.
pub fn hrv_summary(date: &str, start: i64, last_night_avg: f64) -> Value {
    json!({
        "summaryId": format!("x3-{start:x}"),
        "calendarDate": date,
        "lastNightAvg": last_night_avg,
        "lastNight5MinHigh": last_night_avg * 1.5,
        "startTimeOffsetInSeconds": 3600,
        "durationInSeconds": 28_000,
        "startTimeInSeconds": start,
        "hrvValues": { "300": last_night_avg, "600": last_night_avg + 2.0 },
    })
}

/// An `activities` item: a run.
pub fn activity_summary(id: i64, start: i64, duration: i64) -> Value {
    json!({
        "summaryId": id.to_string(),
        "activityId": id,
        "activityName": "Morning Run",
        "activityType": "RUNNING",
        "startTimeInSeconds": start,
        "startTimeOffsetInSeconds": 3600,
        "durationInSeconds": duration,
        "distanceInMeters": duration as f64 * 2.9,
        "averageHeartRateInBeatsPerMinute": 148,
        "maxHeartRateInBeatsPerMinute": 171,
        "activeKilocalories": duration / 6,
        "deviceName": "Forerunner 965",
    })
}

/// The recorded push bodies of `shared/fixtures/garmin/<file>`, keyed as in the file.
pub fn shared_payloads(file: &str) -> anyhow::Result<BTreeMap<String, Value>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/fixtures/garmin")
        .join(file);
    let text = std::fs::read_to_string(&path)?;
    let all: BTreeMap<String, Value> = serde_json::from_str(&text)?;
    Ok(all
        .into_iter()
        .filter(|(k, _)| !k.starts_with('_'))
        .map(|(k, mut v)| {
            if let Some(map) = v.as_object_mut() {
                map.retain(|key, _| !key.starts_with('_'));
            }
            (k, v)
        })
        .collect())
}

/// The RFC 7636 S256 challenge of a verifier: BASE64URL(SHA-256(verifier)), unpadded.
pub fn pkce_s256(verifier: &str) -> String {
    base64url(&sha256(verifier.as_bytes()))
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

/// SHA-256 (FIPS 180-4), for checking PKCE verifiers without another dependency.
fn sha256(message: &[u8]) -> [u8; 32] {
    const K: [u32; 64] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4,
        0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe,
        0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f,
        0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7,
        0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
        0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
        0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116,
        0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7,
        0xc67178f2,
    ];
    let mut h: [u32; 8] = [
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab,
        0x5be0cd19,
    ];
    let mut data = message.to_vec();
    let bits = (message.len() as u64).wrapping_mul(8);
    data.push(0x80);
    while data.len() % 64 != 56 {
        data.push(0);
    }
    data.extend_from_slice(&bits.to_be_bytes());
    for block in data.chunks(64) {
        let mut w = [0u32; 64];
        for (i, word) in block.chunks(4).enumerate() {
            w[i] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for i in 16..64 {
            let s0 = w[i - 15].rotate_right(7) ^ w[i - 15].rotate_right(18) ^ (w[i - 15] >> 3);
            let s1 = w[i - 2].rotate_right(17) ^ w[i - 2].rotate_right(19) ^ (w[i - 2] >> 10);
            w[i] = w[i - 16]
                .wrapping_add(s0)
                .wrapping_add(w[i - 7])
                .wrapping_add(s1);
        }
        let [mut a, mut b, mut c, mut d, mut e, mut f, mut g, mut hh] = h;
        for i in 0..64 {
            let s1 = e.rotate_right(6) ^ e.rotate_right(11) ^ e.rotate_right(25);
            let ch = (e & f) ^ (!e & g);
            let t1 = hh
                .wrapping_add(s1)
                .wrapping_add(ch)
                .wrapping_add(K[i])
                .wrapping_add(w[i]);
            let s0 = a.rotate_right(2) ^ a.rotate_right(13) ^ a.rotate_right(22);
            let maj = (a & b) ^ (a & c) ^ (b & c);
            let t2 = s0.wrapping_add(maj);
            hh = g;
            g = f;
            f = e;
            e = d.wrapping_add(t1);
            d = c;
            c = b;
            b = a;
            a = t1.wrapping_add(t2);
        }
        for (slot, v) in h.iter_mut().zip([a, b, c, d, e, f, g, hh]) {
            *slot = slot.wrapping_add(v);
        }
    }
    let mut out = [0u8; 32];
    for (i, word) in h.iter().enumerate() {
        out[i * 4..i * 4 + 4].copy_from_slice(&word.to_be_bytes());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_the_fips_vectors() {
        let hex = |b: [u8; 32]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
        assert_eq!(
            hex(sha256(b"abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            hex(sha256(b"")),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            hex(sha256(
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"
            )),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"
        );
    }

    use chrono::{TimeDelta, TimeZone, Utc};
    use stride_domain::clock::{Clock, ManualClock};

    const VERIFIER: &str = "a-verifier-of-enough-length-0123456789-abcdefghijkl";

    async fn connect(fake: &FakeGarmin, verifier: &str) -> reqwest::Response {
        let (id, secret) = fake.client();
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("client");
        let redirect = client
            .get(fake.authorize_url())
            .query(&[
                ("client_id", id.as_str()),
                ("response_type", "code"),
                ("redirect_uri", "http://stride.invalid/callback"),
                ("state", "s1"),
                ("code_challenge", pkce_s256(VERIFIER).as_str()),
                ("code_challenge_method", "S256"),
            ])
            .send()
            .await
            .expect("authorize");
        assert_eq!(redirect.status(), StatusCode::SEE_OTHER);
        let location = redirect.headers()["location"]
            .to_str()
            .expect("ascii")
            .to_owned();
        let code = url::Url::parse(&location)
            .expect("url")
            .query_pairs()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned())
            .expect("a code");
        client
            .post(fake.token_url())
            .form(&[
                ("grant_type", "authorization_code"),
                ("client_id", id.as_str()),
                ("client_secret", secret.as_str()),
                ("code", code.as_str()),
                ("code_verifier", verifier),
                ("redirect_uri", "http://stride.invalid/callback"),
            ])
            .send()
            .await
            .expect("token")
    }

    async fn refresh(fake: &FakeGarmin, token: &str) -> reqwest::Response {
        let (id, secret) = fake.client();
        reqwest::Client::new()
            .post(fake.token_url())
            .form(&[
                ("grant_type", "refresh_token"),
                ("client_id", id.as_str()),
                ("client_secret", secret.as_str()),
                ("refresh_token", token),
            ])
            .send()
            .await
            .expect("refresh")
    }

    fn get(fake: &FakeGarmin, path: &str, token: &str) -> reqwest::RequestBuilder {
        reqwest::Client::new()
            .get(format!("{}{path}", fake.api_url()))
            .bearer_auth(token)
    }

    fn start_clock() -> Arc<ManualClock> {
        ManualClock::new(
            Utc.with_ymd_and_hms(2026, 3, 2, 12, 0, 0)
                .single()
                .expect("date"),
        )
    }

    #[tokio::test]
    async fn pkce_refresh_rotation_and_expiry() {
        let clock = start_clock();
        let fake = FakeGarmin::start(clock.clone()).await;
        fake.log_in_as("u-1", None);
        let wrong = connect(&fake, "another-verifier-of-enough-length-0123456789-xyz").await;
        assert_eq!(wrong.status(), StatusCode::BAD_REQUEST);
        let tokens: Value = connect(&fake, VERIFIER).await.json().await.expect("json");
        let access = tokens["access_token"].as_str().expect("access").to_owned();
        let first_refresh = tokens["refresh_token"]
            .as_str()
            .expect("refresh")
            .to_owned();
        let me: Value = get(&fake, "/user/id", &access)
            .send()
            .await
            .expect("id")
            .json()
            .await
            .expect("json");
        assert_eq!(me["userId"], "u-1");
        // Rotation: the new refresh token works, the old one no longer does.
        let rotated: Value = refresh(&fake, &first_refresh)
            .await
            .json()
            .await
            .expect("json");
        let second_refresh = rotated["refresh_token"]
            .as_str()
            .expect("refresh")
            .to_owned();
        assert_ne!(second_refresh, first_refresh);
        assert_eq!(
            refresh(&fake, &first_refresh).await.status(),
            StatusCode::BAD_REQUEST
        );
        assert_eq!(
            refresh(&fake, &second_refresh).await.status(),
            StatusCode::OK
        );
        // A day later the access token is refused.
        clock.advance(TimeDelta::hours(25));
        let expired = get(&fake, "/user/permissions", &access)
            .send()
            .await
            .expect("perm");
        assert_eq!(expired.status(), StatusCode::UNAUTHORIZED);
    }

    #[tokio::test]
    async fn backfill_windows_duplicates_permissions_and_rate_limit() {
        let clock = start_clock();
        let fake = FakeGarmin::start(clock.clone()).await;
        fake.log_in_as("u-2", None);
        let tokens: Value = connect(&fake, VERIFIER).await.json().await.expect("json");
        let access = tokens["access_token"].as_str().expect("access").to_owned();
        let now = clock.now().timestamp();
        let ask = |from: i64| {
            get(
                &fake,
                &format!(
                    "/backfill/dailies?summaryStartTimeInSeconds={from}&summaryEndTimeInSeconds={now}"
                ),
                &access,
            )
            .send()
        };
        assert_eq!(
            ask(now - 30 * 86_400).await.expect("a").status(),
            StatusCode::ACCEPTED
        );
        assert_eq!(
            ask(now - 30 * 86_400).await.expect("b").status(),
            StatusCode::CONFLICT
        );
        assert_eq!(
            ask(now - 91 * 86_400).await.expect("c").status(),
            StatusCode::BAD_REQUEST
        );
        fake.set_permissions("u-2", &["ACTIVITY_EXPORT", "HEALTH_EXPORT"]);
        assert_eq!(
            ask(now - 10 * 86_400).await.expect("d").status(),
            StatusCode::FORBIDDEN
        );
        fake.storm_429(1);
        let limited = get(&fake, "/user/id", &access).send().await.expect("e");
        assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(limited.headers().contains_key("retry-after"));
        assert_eq!(fake.rejected_429(), 1);
        let statuses: Vec<u16> = fake.backfills().iter().map(|b| b.status).collect();
        assert_eq!(statuses, vec![202, 409, 400, 403]);
    }

    #[tokio::test]
    async fn callback_urls_work_once_and_pulls_cover_a_day() {
        let clock = start_clock();
        let fake = FakeGarmin::start_with(
            clock.clone(),
            SocketAddr::from(([127, 0, 0, 1], 0)),
            Options {
                base_path: PARTNER_GATEWAY_PATH.to_owned(),
                ..Options::default()
            },
        )
        .await;
        assert!(fake.api_url().ends_with(PARTNER_GATEWAY_PATH));
        fake.log_in_as("u-3", None);
        let tokens: Value = connect(&fake, VERIFIER).await.json().await.expect("json");
        let access = tokens["access_token"].as_str().expect("access").to_owned();
        let url = fake.callback_for("u-3", "dailies", vec![json!({ "summaryId": "d1" })]);
        let client = reqwest::Client::new();
        let first: Value = client
            .get(&url)
            .bearer_auth(&access)
            .send()
            .await
            .expect("first")
            .json()
            .await
            .expect("json");
        assert_eq!(first[0]["userId"], "u-3");
        let again = client
            .get(&url)
            .bearer_auth(&access)
            .send()
            .await
            .expect("again");
        assert_eq!(again.status(), StatusCode::GONE);
        let now = clock.now().timestamp();
        let too_long = get(
            &fake,
            &format!(
                "/dailies?uploadStartTimeInSeconds={}&uploadEndTimeInSeconds={now}",
                now - 2 * 86_400
            ),
            &access,
        )
        .send()
        .await
        .expect("pull");
        assert_eq!(too_long.status(), StatusCode::BAD_REQUEST);
        let registration = reqwest::Client::new()
            .delete(format!("{}/user/registration", fake.api_url()))
            .bearer_auth(&access)
            .send()
            .await
            .expect("delete");
        assert_eq!(registration.status(), StatusCode::NO_CONTENT);
        assert!(!fake.registered("u-3"));
        let after = get(&fake, "/user/id", &access).send().await.expect("after");
        assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
    }

    #[test]
    fn pkce_matches_rfc_7636_appendix_b() {
        assert_eq!(
            pkce_s256("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
    }
}
