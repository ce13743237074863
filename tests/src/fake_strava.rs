//! A fake Strava: a real HTTP server that behaves as Strava's API is documented.
//!
//! - OAuth: `GET /oauth/authorize` (redirects back with `code`, the granted `scope` and
//!   `state`, or `error=access_denied`), `POST /oauth/token` (authorization code and refresh
//!   grants; access tokens last 6 hours; a refresh with more than an hour left returns the
//!   same token; a new refresh token invalidates the old one at once), `POST /oauth/deauthorize`.
//! - API under `/api/v3`: `GET /athlete/activities` (newest first, `before`, `after`, `page`,
//!   `per_page` ≤ 200; pages are short where activities are hidden from the listing),
//!   `GET /activities/{id}`, `GET /activities/{id}/streams?keys=…&key_by_type=true`, and push
//!   subscriptions (`POST` validates the callback with a `hub.challenge` GET first).
//! - Rate limits per application, 15-minute windows aligned to :00/:15/:30/:45 and a UTC day,
//!   overall and read budgets, reported in `X-RateLimit-*` and `X-ReadRateLimit-*` headers;
//!   over the limit: `429` with Strava's JSON.
//! - Webhook delivery: events POSTed to the subscription's callback; a non-200 or a reply
//!   slower than 2 s is retried, three attempts in all.
//! - Faults on demand: 429 storms, 5xx, slow replies, truncated bodies, expired and revoked
//!   tokens, duplicate and out-of-order events.

use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use chrono::{DateTime, TimeDelta, Utc};
use serde::Deserialize;
use serde_json::{Value, json};
use stride_domain::clock::SharedClock;

/// Access tokens last this long.
const TOKEN_LIFETIME: i64 = 6 * 3600;

/// Switchable misbehaviour.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Answer the next N API requests with 429.
    pub storm_429: u32,
    /// Answer the next N API requests with 500.
    pub server_errors: u32,
    /// Delay every API reply by this long.
    pub slow: Option<Duration>,
    /// Cut the JSON body of the next N API replies short.
    pub truncate: u32,
}

/// Rate limits per application: (15-minute, daily) for all requests and for reads.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Overall (15-min, day).
    pub overall: (u32, u32),
    /// Reads (15-min, day).
    pub read: (u32, u32),
    /// Length of the short window, seconds (900 as on Strava; tests may shorten it).
    pub window_s: i64,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            overall: (200, 2_000),
            read: (100, 1_000),
            window_s: 900,
        }
    }
}

/// A webhook event as Strava sends it.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// `activity` or `athlete`.
    pub object_type: String,
    /// The activity's or athlete's id.
    pub object_id: u64,
    /// `create`, `update` or `delete`.
    pub aspect_type: String,
    /// For updates: title, type, private; deauthorization is `{"authorized": "false"}`.
    pub updates: Value,
    /// The athlete.
    pub owner_id: u64,
    /// Seconds since the epoch.
    pub event_time: i64,
}

impl Event {
    /// The body Strava POSTs for this event.
    pub fn json(&self, subscription_id: u64) -> Value {
        json!({
            "object_type": self.object_type,
            "object_id": self.object_id,
            "aspect_type": self.aspect_type,
            "updates": self.updates,
            "owner_id": self.owner_id,
            "subscription_id": subscription_id,
            "event_time": self.event_time,
        })
    }
}

#[derive(Debug, Clone)]
struct Token {
    athlete: u64,
    expires_at: i64,
    revoked: bool,
    scope: String,
}

#[derive(Debug, Clone)]
struct Subscription {
    id: u64,
    callback_url: String,
}

/// Everything the fake knows.
#[derive(Debug, Default)]
struct World {
    client_id: String,
    client_secret: String,
    /// Who "logs in" on the authorize page.
    current_athlete: u64,
    /// Scopes the athlete grants (None: what was asked).
    granted_scope: Option<String>,
    deny: bool,
    activities: BTreeMap<u64, BTreeMap<u64, Value>>,
    hidden_from_list: BTreeSet<u64>,
    codes: BTreeMap<String, (u64, String)>,
    access: BTreeMap<String, Token>,
    refresh: BTreeMap<String, (u64, String)>,
    subscription: Option<Subscription>,
    limits: Limits,
    usage: BTreeMap<(String, i64), u32>,
    faults: Faults,
    served: BTreeMap<String, u32>,
    rejected_429: u32,
    next_id: u64,
    deliveries: Vec<(u16, Duration)>,
}

/// A running fake Strava.
#[derive(Clone)]
pub struct FakeStrava {
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
}

fn error(status: StatusCode, message: &str, resource: &str, field: &str, code: &str) -> Response {
    (status, Json(json!({ "message": message, "errors": [{ "resource": resource, "field": field, "code": code }] }))).into_response()
}

impl World {
    fn lock(world: &Mutex<World>) -> std::sync::MutexGuard<'_, World> {
        world.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn token(&self) -> String {
        format!("{:032x}", rand_u128())
    }
}

fn rand_u128() -> u128 {
    let id = uuid::Uuid::new_v4();
    u128::from_be_bytes(*id.as_bytes())
}

/// The sport types the fake hands out, in turn.
const SPORTS: &[(&str, &str)] = &[
    ("Run", "Run"),
    ("Run", "TrailRun"),
    ("Ride", "Ride"),
    ("Run", "Run"),
    ("Swim", "Swim"),
    ("Walk", "Walk"),
    ("Workout", "WeightTraining"),
];

impl FakeStrava {
    /// Starts a fake on 127.0.0.1 with a random port, reading time from `clock`.
    pub async fn start(clock: SharedClock) -> Self {
        Self::start_on(clock, SocketAddr::from(([127, 0, 0, 1], 0))).await
    }

    /// Starts a fake on `addr`.
    pub async fn start_on(clock: SharedClock, addr: SocketAddr) -> Self {
        let world = Arc::new(Mutex::new(World {
            client_id: "12345".to_owned(),
            client_secret: "fake-client-secret".to_owned(),
            current_athlete: 1001,
            next_id: 10_000_000_000,
            ..World::default()
        }));
        let shared = Shared {
            world: world.clone(),
            clock: clock.clone(),
        };
        let api = Router::new()
            .route("/athlete/activities", get(list_activities))
            .route("/activities/{id}", get(get_activity))
            .route("/activities/{id}/streams", get(get_streams))
            .route(
                "/push_subscriptions",
                post(create_subscription).get(list_subscriptions),
            )
            .route("/push_subscriptions/{id}", delete(delete_subscription))
            .layer(axum::middleware::from_fn_with_state(
                shared.clone(),
                rate_limit,
            ));
        let app = Router::new()
            .route("/oauth/authorize", get(authorize))
            .route("/oauth/token", post(token))
            .route("/oauth/deauthorize", post(deauthorize))
            .route("/_fake/new-activity", post(control_new_activity))
            .route("/_fake/deauthorize", post(control_deauthorize))
            .nest("/api/v3", api)
            .with_state(shared);
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .expect("binding the fake Strava");
        let addr = listener.local_addr().expect("address");
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self {
            addr,
            world,
            clock,
            client: reqwest::Client::new(),
        }
    }

    /// Its base URL (`http://127.0.0.1:port`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    fn world(&self) -> std::sync::MutexGuard<'_, World> {
        World::lock(&self.world)
    }

    /// The app's client id and secret.
    pub fn client(&self) -> (String, String) {
        let w = self.world();
        (w.client_id.clone(), w.client_secret.clone())
    }

    /// Who authorizes on the next authorize request, and which scopes they grant (None: all
    /// asked for).
    pub fn log_in_as(&self, athlete: u64, granted_scope: Option<&str>) {
        let mut w = self.world();
        w.current_athlete = athlete;
        w.granted_scope = granted_scope.map(str::to_owned);
        w.activities.entry(athlete).or_default();
    }

    /// Whether the athlete declines on the authorize page.
    pub fn deny_next_authorization(&self, deny: bool) {
        self.world().deny = deny;
    }

    /// Sets the rate limits.
    pub fn set_limits(&self, limits: Limits) {
        self.world().limits = limits;
    }

    /// Sets the faults.
    pub fn set_faults(&self, faults: Faults) {
        self.world().faults = faults;
    }

    /// Gives an athlete `count` activities, one a day ending at `last_day` (newest), with
    /// deterministic ids, sports and numbers; returns their ids, newest first.
    pub fn add_history(&self, athlete: u64, count: u64, last_day: DateTime<Utc>) -> Vec<u64> {
        let mut w = self.world();
        let mut ids = Vec::new();
        for i in 0..count {
            w.next_id += 1;
            let id = w.next_id;
            let start = last_day - TimeDelta::days(i as i64) + TimeDelta::hours(6);
            let activity = synthetic_activity(athlete, id, i, start);
            w.activities
                .entry(athlete)
                .or_default()
                .insert(id, activity);
            ids.push(id);
        }
        ids
    }

    /// Adds one activity now-ish and returns its id (for create events).
    pub fn create_activity(&self, athlete: u64, start: DateTime<Utc>, name: &str) -> u64 {
        let mut w = self.world();
        w.next_id += 1;
        let id = w.next_id;
        let mut activity = synthetic_activity(athlete, id, 0, start);
        activity["name"] = json!(name);
        w.activities
            .entry(athlete)
            .or_default()
            .insert(id, activity);
        id
    }

    /// Changes an activity's fields (as an athlete editing it on Strava).
    pub fn update_activity(&self, athlete: u64, id: u64, changes: Value) {
        let mut w = self.world();
        if let (Some(activity), Some(changes)) = (
            w.activities.get_mut(&athlete).and_then(|a| a.get_mut(&id)),
            changes.as_object(),
        ) {
            for (k, v) in changes {
                activity[k] = v.clone();
            }
        }
    }

    /// Deletes an activity on Strava.
    pub fn delete_activity(&self, athlete: u64, id: u64) {
        if let Some(activities) = self.world().activities.get_mut(&athlete) {
            activities.remove(&id);
        }
    }

    /// Hides an activity from the listing (as Strava does for private activities without
    /// `activity:read_all`), making that page short.
    pub fn hide_from_listing(&self, id: u64) {
        self.world().hidden_from_list.insert(id);
    }

    /// Expires every access token now (as if six hours had passed).
    pub fn expire_tokens(&self) {
        let now = self.clock.now().timestamp();
        for token in self.world().access.values_mut() {
            token.expires_at = now - 1;
        }
    }

    /// Whether any access token of `athlete` still works (false after they, or the app,
    /// deauthorized).
    pub fn authorized(&self, athlete: u64) -> bool {
        self.world()
            .access
            .values()
            .any(|t| t.athlete == athlete && !t.revoked)
    }

    /// Revokes every token of an athlete (as if they removed the app on Strava).
    pub fn revoke_athlete(&self, athlete: u64) {
        let mut w = self.world();
        for token in w.access.values_mut().filter(|t| t.athlete == athlete) {
            token.revoked = true;
        }
        w.refresh.retain(|_, (a, _)| *a != athlete);
    }

    /// API requests served, by route below `/api/v3` (`GET /athlete/activities`,
    /// `GET /activities/{id}` …), including refused ones.
    pub fn served(&self, route: &str) -> u32 {
        self.world().served.get(route).copied().unwrap_or(0)
    }

    /// How many requests were refused with 429.
    pub fn rejected_429(&self) -> u32 {
        self.world().rejected_429
    }

    /// The most requests counted in any window of `budget` (`overall`, `read`) and kind
    /// (`short`, `day`).
    pub fn peak_usage(&self, budget: &str, kind: &str) -> u32 {
        let key = format!("{budget}:{kind}");
        self.world()
            .usage
            .iter()
            .filter(|((k, _), _)| *k == key)
            .map(|(_, n)| *n)
            .max()
            .unwrap_or(0)
    }

    /// The athlete's activity ids on Strava.
    pub fn activity_ids(&self, athlete: u64) -> Vec<u64> {
        self.world()
            .activities
            .get(&athlete)
            .map(|a| a.keys().copied().collect())
            .unwrap_or_default()
    }

    /// Status and latency of every delivery attempt so far.
    pub fn deliveries(&self) -> Vec<(u16, Duration)> {
        self.world().deliveries.clone()
    }

    /// Delivers `event` to the subscription's callback the way Strava does: up to three
    /// attempts while the reply is not a 200 within two seconds. Returns the attempts made.
    pub async fn deliver(&self, event: &Event) -> u32 {
        deliver(&self.world, &self.client, event).await
    }

    /// Delivers each event the given number of times, in the order given (tests shuffle and
    /// repeat to imitate Strava's retries and reordering).
    pub async fn deliver_all(&self, events: &[Event]) {
        for event in events {
            self.deliver(event).await;
        }
    }

    /// An activity event.
    pub fn activity_event(&self, athlete: u64, id: u64, aspect: &str, updates: Value) -> Event {
        Event {
            object_type: "activity".into(),
            object_id: id,
            aspect_type: aspect.into(),
            updates,
            owner_id: athlete,
            event_time: self.clock.now().timestamp(),
        }
    }

    /// A deauthorization event.
    pub fn deauthorization_event(&self, athlete: u64) -> Event {
        Event {
            object_type: "athlete".into(),
            object_id: athlete,
            aspect_type: "update".into(),
            updates: json!({ "authorized": "false" }),
            owner_id: athlete,
            event_time: self.clock.now().timestamp(),
        }
    }

    /// Creates the app's push subscription (Strava validates the callback first).
    pub async fn subscribe(&self, callback_url: &str, verify_token: &str) -> reqwest::Response {
        let (id, secret) = self.client();
        self.client
            .post(format!("{}/api/v3/push_subscriptions", self.url()))
            .form(&[
                ("client_id", id.as_str()),
                ("client_secret", secret.as_str()),
                ("callback_url", callback_url),
                ("verify_token", verify_token),
            ])
            .send()
            .await
            .expect("the fake answers")
    }
}

async fn deliver(world: &Mutex<World>, client: &reqwest::Client, event: &Event) -> u32 {
    let Some((callback, subscription)) = World::lock(world)
        .subscription
        .as_ref()
        .map(|s| (s.callback_url.clone(), s.id))
    else {
        panic!("no push subscription: create one first");
    };
    let body = event.json(subscription);
    for attempt in 1..=3 {
        let started = std::time::Instant::now();
        let result = client
            .post(&callback)
            .json(&body)
            .timeout(Duration::from_secs(2))
            .send()
            .await;
        let elapsed = started.elapsed();
        let status = result.as_ref().map(|r| r.status().as_u16()).unwrap_or(0);
        World::lock(world).deliveries.push((status, elapsed));
        if status == 200 && elapsed < Duration::from_secs(2) {
            return attempt;
        }
    }
    3
}

#[derive(Deserialize)]
struct ControlParams {
    athlete: u64,
    name: Option<String>,
}

/// `POST /_fake/new-activity?athlete=…&name=…`: the athlete records an activity; Strava
/// announces it to the subscription.
async fn control_new_activity(State(s): State<Shared>, Query(p): Query<ControlParams>) -> Response {
    let start = s.clock.now() - TimeDelta::hours(1);
    let id = {
        let mut w = World::lock(&s.world);
        if w.subscription.is_none() {
            return error(
                StatusCode::CONFLICT,
                "No subscription",
                "PushSubscription",
                "",
                "missing",
            );
        }
        w.next_id += 1;
        let id = w.next_id;
        let mut activity = synthetic_activity(p.athlete, id, 0, start);
        activity["name"] = json!(p.name.unwrap_or_else(|| "Run from the fake".to_owned()));
        w.activities
            .entry(p.athlete)
            .or_default()
            .insert(id, activity);
        id
    };
    let event = Event {
        object_type: "activity".into(),
        object_id: id,
        aspect_type: "create".into(),
        updates: json!({}),
        owner_id: p.athlete,
        event_time: s.clock.now().timestamp(),
    };
    let attempts = deliver(&s.world, &reqwest::Client::new(), &event).await;
    Json(json!({ "activity_id": id, "delivery_attempts": attempts })).into_response()
}

/// The id Strava gives the application's push subscription (one per application).
pub const SUBSCRIPTION_ID: u64 = 120_475;

/// `POST /_fake/deauthorize?athlete=…`: the athlete removes the app on Strava.
async fn control_deauthorize(State(s): State<Shared>, Query(p): Query<ControlParams>) -> Response {
    {
        let mut w = World::lock(&s.world);
        for token in w.access.values_mut().filter(|t| t.athlete == p.athlete) {
            token.revoked = true;
        }
        w.refresh.retain(|_, (a, _)| *a != p.athlete);
    }
    let event = Event {
        object_type: "athlete".into(),
        object_id: p.athlete,
        aspect_type: "update".into(),
        updates: json!({ "authorized": "false" }),
        owner_id: p.athlete,
        event_time: s.clock.now().timestamp(),
    };
    let attempts = deliver(&s.world, &reqwest::Client::new(), &event).await;
    Json(json!({ "delivery_attempts": attempts })).into_response()
}

fn synthetic_activity(athlete: u64, id: u64, i: u64, start: DateTime<Utc>) -> Value {
    let (kind, sport_type) = SPORTS[(id % SPORTS.len() as u64) as usize];
    let moving = 1_800 + (i % 7) as i64 * 300;
    let speed = match kind {
        "Ride" => 7.5,
        "Swim" => 0.9,
        "Walk" => 1.4,
        "Workout" => 0.0,
        _ => 2.9,
    };
    let distance = (moving as f64 * speed * 10.0).round() / 10.0;
    json!({
        "resource_state": 2,
        "athlete": { "id": athlete, "resource_state": 1 },
        "id": id,
        "name": format!("{sport_type} {}", i + 1),
        "distance": distance,
        "moving_time": moving,
        "elapsed_time": moving + 120,
        "total_elevation_gain": (i % 5) as f64 * 12.5,
        "type": kind,
        "sport_type": sport_type,
        "start_date": start.format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        // Local time with a Z, as Strava really sends it.
        "start_date_local": (start + TimeDelta::hours(1)).format("%Y-%m-%dT%H:%M:%SZ").to_string(),
        "timezone": "(GMT+01:00) Europe/Oslo",
        "utc_offset": 3600.0,
        "private": false,
        "visibility": "everyone",
        "has_heartrate": kind != "Swim",
        // Strava reports averages to a tenth of a beat (137.3 … 156.3).
        "average_heartrate": if kind == "Swim" { Value::Null } else { json!(137.3 + (i % 20) as f64) },
        "max_heartrate": if kind == "Swim" { Value::Null } else { json!(165.0 + (i % 15) as f64) },
        "kudos_count": i % 9,
    })
}

#[derive(Deserialize)]
struct AuthorizeParams {
    client_id: String,
    redirect_uri: String,
    response_type: String,
    scope: Option<String>,
    state: Option<String>,
}

async fn authorize(State(s): State<Shared>, Query(p): Query<AuthorizeParams>) -> Response {
    let mut w = World::lock(&s.world);
    if p.client_id != w.client_id || p.response_type != "code" {
        return error(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            "Application",
            "client_id",
            "invalid",
        );
    }
    let mut target = match url::Url::parse(&p.redirect_uri) {
        Ok(url) => url,
        Err(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "Bad Request",
                "Application",
                "redirect_uri",
                "invalid",
            );
        }
    };
    if w.deny {
        w.deny = false;
        target
            .query_pairs_mut()
            .append_pair("state", p.state.as_deref().unwrap_or(""))
            .append_pair("error", "access_denied");
        return Redirect::to(target.as_str()).into_response();
    }
    let scope = w
        .granted_scope
        .clone()
        .or(p.scope)
        .unwrap_or_else(|| "read".to_owned());
    let code = w.token();
    let athlete = w.current_athlete;
    w.codes.insert(code.clone(), (athlete, scope.clone()));
    target
        .query_pairs_mut()
        .append_pair("state", p.state.as_deref().unwrap_or(""))
        .append_pair("code", &code)
        .append_pair("scope", &scope);
    Redirect::to(target.as_str()).into_response()
}

async fn token(State(s): State<Shared>, Form(form): Form<BTreeMap<String, String>>) -> Response {
    let now = s.clock.now().timestamp();
    let mut w = World::lock(&s.world);
    if form.get("client_id") != Some(&w.client_id)
        || form.get("client_secret") != Some(&w.client_secret)
    {
        return error(
            StatusCode::UNAUTHORIZED,
            "Authorization Error",
            "Application",
            "client_secret",
            "invalid",
        );
    }
    let issue = |w: &mut World, athlete: u64, scope: String| {
        let access = w.token();
        let refresh = w.token();
        w.access.insert(
            access.clone(),
            Token {
                athlete,
                expires_at: now + TOKEN_LIFETIME,
                revoked: false,
                scope,
            },
        );
        w.refresh.insert(refresh.clone(), (athlete, access.clone()));
        (access, refresh)
    };
    match form.get("grant_type").map(String::as_str) {
        Some("authorization_code") => {
            let Some((athlete, scope)) = form.get("code").and_then(|c| w.codes.remove(c)) else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "Bad Request",
                    "RequestToken",
                    "code",
                    "invalid",
                );
            };
            let (access, refresh) = issue(&mut w, athlete, scope);
            Json(json!({
                "token_type": "Bearer",
                "expires_at": now + TOKEN_LIFETIME,
                "expires_in": TOKEN_LIFETIME,
                "refresh_token": refresh,
                "access_token": access,
                "athlete": { "id": athlete, "username": format!("athlete{athlete}"), "resource_state": 2 },
            }))
            .into_response()
        }
        Some("refresh_token") => {
            let Some((athlete, current)) = form
                .get("refresh_token")
                .and_then(|r| w.refresh.get(r).cloned())
            else {
                return error(
                    StatusCode::BAD_REQUEST,
                    "Bad Request",
                    "RefreshToken",
                    "refresh_token",
                    "invalid",
                );
            };
            let current_token = w.access.get(&current).cloned();
            if let Some(token) = current_token
                .as_ref()
                .filter(|t| !t.revoked && t.expires_at - now > 3600)
            {
                // More than an hour left: Strava returns the same token.
                let refresh = form.get("refresh_token").cloned().unwrap_or_default();
                return Json(json!({ "token_type": "Bearer", "access_token": current, "expires_at": token.expires_at, "expires_in": token.expires_at - now, "refresh_token": refresh })).into_response();
            }
            // A new refresh token invalidates the old one at once.
            if let Some(old) = form.get("refresh_token") {
                w.refresh.remove(old);
            }
            let scope = current_token
                .map(|t| t.scope)
                .unwrap_or_else(|| "read".to_owned());
            let (access, refresh) = issue(&mut w, athlete, scope);
            Json(json!({ "token_type": "Bearer", "access_token": access, "expires_at": now + TOKEN_LIFETIME, "expires_in": TOKEN_LIFETIME, "refresh_token": refresh })).into_response()
        }
        _ => error(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            "RequestToken",
            "grant_type",
            "invalid",
        ),
    }
}

async fn deauthorize(
    State(s): State<Shared>,
    headers: HeaderMap,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let bearer = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned);
    let Some(token) = form.get("access_token").cloned().or(bearer) else {
        return error(
            StatusCode::UNAUTHORIZED,
            "Authorization Error",
            "Athlete",
            "access_token",
            "invalid",
        );
    };
    let mut w = World::lock(&s.world);
    let Some(athlete) = w.access.get(&token).map(|t| t.athlete) else {
        return error(
            StatusCode::UNAUTHORIZED,
            "Authorization Error",
            "Athlete",
            "access_token",
            "invalid",
        );
    };
    for t in w.access.values_mut().filter(|t| t.athlete == athlete) {
        t.revoked = true;
    }
    w.refresh.retain(|_, (a, _)| *a != athlete);
    Json(json!({ "access_token": token })).into_response()
}

/// Counts, limits and faults every API request, and adds the rate headers.
async fn rate_limit(
    State(s): State<Shared>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let read = request.method() == axum::http::Method::GET;
    let route = format!(
        "{} {}",
        request.method(),
        request
            .uri()
            .path()
            .split('/')
            .map(
                |seg| if seg.chars().all(|c| c.is_ascii_digit()) && !seg.is_empty() {
                    "{id}"
                } else {
                    seg
                }
            )
            .collect::<Vec<_>>()
            .join("/")
    );
    let now = s.clock.now().timestamp();
    let (limits, usage, slow, fault) = {
        let mut w = World::lock(&s.world);
        *w.served.entry(route).or_default() += 1;
        let limits = w.limits;
        let short = now - now.rem_euclid(limits.window_s.max(1));
        let day = now - now.rem_euclid(86_400);
        let bump = |w: &mut World, key: &str, start: i64| {
            let n = w.usage.entry((key.to_owned(), start)).or_default();
            *n += 1;
            *n
        };
        let overall = (
            bump(&mut w, "overall:short", short),
            bump(&mut w, "overall:day", day),
        );
        let reads = if read {
            (
                bump(&mut w, "read:short", short),
                bump(&mut w, "read:day", day),
            )
        } else {
            (
                w.usage
                    .get(&("read:short".to_owned(), short))
                    .copied()
                    .unwrap_or(0),
                w.usage
                    .get(&("read:day".to_owned(), day))
                    .copied()
                    .unwrap_or(0),
            )
        };
        let over = overall.0 > limits.overall.0
            || overall.1 > limits.overall.1
            || (read && (reads.0 > limits.read.0 || reads.1 > limits.read.1));
        let fault = if w.faults.storm_429 > 0 {
            w.faults.storm_429 -= 1;
            Some(429)
        } else if over {
            Some(429)
        } else if w.faults.server_errors > 0 {
            w.faults.server_errors -= 1;
            Some(500)
        } else if w.faults.truncate > 0 {
            w.faults.truncate -= 1;
            Some(0)
        } else {
            None
        };
        if fault == Some(429) {
            w.rejected_429 += 1;
        }
        (limits, (overall, reads), w.faults.slow, fault)
    };
    if let Some(delay) = slow {
        tokio::time::sleep(delay).await;
    }
    let mut response = match fault {
        Some(429) => error(
            StatusCode::TOO_MANY_REQUESTS,
            "Rate Limit Exceeded",
            "Application",
            "rate limit",
            "exceeded",
        ),
        Some(500) => (
            StatusCode::INTERNAL_SERVER_ERROR,
            Json(json!({ "message": "Internal Server Error" })),
        )
            .into_response(),
        Some(_) => {
            let full = next.run(request).await;
            let status = full.status();
            let bytes = axum::body::to_bytes(full.into_body(), 16 << 20)
                .await
                .unwrap_or_default();
            (
                status,
                [("content-type", "application/json")],
                bytes.slice(..bytes.len() / 2),
            )
                .into_response()
        }
        None => next.run(request).await,
    };
    let headers = response.headers_mut();
    let put = |headers: &mut HeaderMap, name: &'static str, a: u32, b: u32| {
        if let Ok(value) = HeaderValue::from_str(&format!("{a},{b}")) {
            headers.insert(name, value);
        }
    };
    put(
        headers,
        "x-ratelimit-limit",
        limits.overall.0,
        limits.overall.1,
    );
    put(headers, "x-ratelimit-usage", usage.0.0, usage.0.1);
    put(
        headers,
        "x-readratelimit-limit",
        limits.read.0,
        limits.read.1,
    );
    put(headers, "x-readratelimit-usage", usage.1.0, usage.1.1);
    response
}

/// The athlete and scopes of the request's bearer token, if it is live.
fn authenticate(s: &Shared, headers: &HeaderMap) -> Option<(u64, String)> {
    let token = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    let w = World::lock(&s.world);
    match w.access.get(token) {
        Some(t) if !t.revoked && t.expires_at > s.clock.now().timestamp() => {
            Some((t.athlete, t.scope.clone()))
        }
        _ => None,
    }
}

#[derive(Deserialize)]
struct ListParams {
    before: Option<i64>,
    after: Option<i64>,
    page: Option<usize>,
    per_page: Option<usize>,
}

fn start_of(activity: &Value) -> i64 {
    activity["start_date"]
        .as_str()
        .and_then(|s| DateTime::parse_from_rfc3339(s).ok())
        .map_or(0, |d| d.timestamp())
}

async fn list_activities(
    State(s): State<Shared>,
    headers: HeaderMap,
    Query(p): Query<ListParams>,
) -> Response {
    let (athlete, scope) = match authenticate(&s, &headers) {
        Some(who) => who,
        None => {
            return error(
                StatusCode::UNAUTHORIZED,
                "Authorization Error",
                "Athlete",
                "access_token",
                "invalid",
            );
        }
    };
    if !scope.contains("activity:read") {
        return error(
            StatusCode::UNAUTHORIZED,
            "Authorization Error",
            "AccessToken",
            "activity:read_permission",
            "missing",
        );
    }
    let w = World::lock(&s.world);
    let mut all: Vec<&Value> = w
        .activities
        .get(&athlete)
        .map(|a| a.values().collect())
        .unwrap_or_default();
    all.retain(|a| {
        p.before.is_none_or(|b| start_of(a) < b) && p.after.is_none_or(|after| start_of(a) > after)
    });
    if p.after.is_some() {
        all.sort_by_key(|a| (start_of(a), a["id"].as_u64()));
    } else {
        all.sort_by_key(|a| std::cmp::Reverse((start_of(a), a["id"].as_u64())));
    }
    let per_page = p.per_page.unwrap_or(30).clamp(1, 200);
    let page = p.page.unwrap_or(1).max(1);
    // Pages are cut from the whole list, then hidden activities are dropped: a page can be
    // short before the end, so callers must page until an empty page.
    let items: Vec<Value> = all
        .into_iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .filter(|a| {
            a["id"]
                .as_u64()
                .is_none_or(|id| !w.hidden_from_list.contains(&id))
        })
        .cloned()
        .collect();
    Json(Value::Array(items)).into_response()
}

async fn get_activity(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<u64>,
) -> Response {
    let (athlete, _) = match authenticate(&s, &headers) {
        Some(who) => who,
        None => {
            return error(
                StatusCode::UNAUTHORIZED,
                "Authorization Error",
                "Athlete",
                "access_token",
                "invalid",
            );
        }
    };
    let w = World::lock(&s.world);
    match w.activities.get(&athlete).and_then(|a| a.get(&id)) {
        Some(activity) => {
            let mut detail = activity.clone();
            detail["resource_state"] = json!(3);
            detail["description"] = json!("");
            detail["calories"] = json!(412.0);
            Json(detail).into_response()
        }
        None => error(
            StatusCode::NOT_FOUND,
            "Record Not Found",
            "Activity",
            "id",
            "invalid",
        ),
    }
}

#[derive(Deserialize)]
struct StreamParams {
    keys: Option<String>,
    key_by_type: Option<bool>,
}

async fn get_streams(
    State(s): State<Shared>,
    headers: HeaderMap,
    Path(id): Path<u64>,
    Query(p): Query<StreamParams>,
) -> Response {
    let (athlete, _) = match authenticate(&s, &headers) {
        Some(who) => who,
        None => {
            return error(
                StatusCode::UNAUTHORIZED,
                "Authorization Error",
                "Athlete",
                "access_token",
                "invalid",
            );
        }
    };
    let w = World::lock(&s.world);
    let Some(activity) = w.activities.get(&athlete).and_then(|a| a.get(&id)) else {
        return error(
            StatusCode::NOT_FOUND,
            "Record Not Found",
            "Activity",
            "id",
            "invalid",
        );
    };
    let moving = activity["moving_time"].as_i64().unwrap_or(0);
    let speed = activity["distance"].as_f64().unwrap_or(0.0) / moving.max(1) as f64;
    let n = (moving / 10).max(2) as usize;
    let time: Vec<Value> = (0..n).map(|k| json!(k as i64 * 10)).collect();
    let mut streams = serde_json::Map::new();
    let series = |data: Vec<Value>| json!({ "data": data, "series_type": "time", "original_size": n, "resolution": "high" });
    streams.insert("time".into(), series(time));
    let wanted = p.keys.unwrap_or_default();
    if wanted.contains("distance") {
        streams.insert(
            "distance".into(),
            series(
                (0..n)
                    .map(|k| json!((k as f64 * 10.0 * speed * 10.0).round() / 10.0))
                    .collect(),
            ),
        );
    }
    if wanted.contains("velocity_smooth") {
        streams.insert(
            "velocity_smooth".into(),
            series((0..n).map(|_| json!(speed)).collect()),
        );
    }
    if wanted.contains("heartrate") && activity["has_heartrate"] == json!(true) {
        let avg = activity["average_heartrate"].as_f64().unwrap_or(140.0);
        streams.insert(
            "heartrate".into(),
            series((0..n).map(|k| json!(avg - 5.0 + (k % 10) as f64)).collect()),
        );
    }
    if p.key_by_type == Some(true) {
        Json(Value::Object(streams)).into_response()
    } else {
        Json(Value::Array(
            streams
                .into_iter()
                .map(|(k, mut v)| {
                    v["type"] = json!(k);
                    v
                })
                .collect(),
        ))
        .into_response()
    }
}

async fn create_subscription(
    State(s): State<Shared>,
    Form(form): Form<BTreeMap<String, String>>,
) -> Response {
    let (client_id, client_secret) = {
        let w = World::lock(&s.world);
        (w.client_id.clone(), w.client_secret.clone())
    };
    if form.get("client_id") != Some(&client_id)
        || form.get("client_secret") != Some(&client_secret)
    {
        return error(
            StatusCode::UNAUTHORIZED,
            "Authorization Error",
            "Application",
            "client_secret",
            "invalid",
        );
    }
    if World::lock(&s.world).subscription.is_some() {
        return error(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            "PushSubscription",
            "",
            "already exists",
        );
    }
    let (Some(callback), Some(verify)) = (form.get("callback_url"), form.get("verify_token"))
    else {
        return error(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            "PushSubscription",
            "callback url",
            "missing",
        );
    };
    // Strava validates the callback before creating the subscription.
    let challenge = format!("{:016x}", rand_u128() as u64);
    let mut url = match url::Url::parse(callback) {
        Ok(url) => url,
        Err(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "Bad Request",
                "PushSubscription",
                "callback url",
                "invalid",
            );
        }
    };
    url.query_pairs_mut()
        .append_pair("hub.mode", "subscribe")
        .append_pair("hub.challenge", &challenge)
        .append_pair("hub.verify_token", verify);
    let answer = reqwest::Client::new()
        .get(url)
        .timeout(Duration::from_secs(2))
        .send()
        .await;
    let echoed = match answer {
        Ok(r) if r.status() == 200 => r
            .json::<Value>()
            .await
            .ok()
            .and_then(|v| v["hub.challenge"].as_str().map(str::to_owned)),
        _ => None,
    };
    if echoed.as_deref() != Some(challenge.as_str()) {
        return error(
            StatusCode::BAD_REQUEST,
            "Bad Request",
            "PushSubscription",
            "callback url",
            "GET to callback URL does not return 200",
        );
    }
    let mut w = World::lock(&s.world);
    let id = SUBSCRIPTION_ID;
    w.subscription = Some(Subscription {
        id,
        callback_url: callback.clone(),
    });
    (StatusCode::CREATED, Json(json!({ "id": id }))).into_response()
}

async fn list_subscriptions(State(s): State<Shared>) -> Response {
    let w = World::lock(&s.world);
    let list: Vec<Value> = w
        .subscription
        .iter()
        .map(|sub| json!({ "id": sub.id, "resource_state": 2, "application_id": w.client_id, "callback_url": sub.callback_url }))
        .collect();
    Json(Value::Array(list)).into_response()
}

async fn delete_subscription(State(s): State<Shared>, Path(id): Path<u64>) -> Response {
    let mut w = World::lock(&s.world);
    match &w.subscription {
        Some(sub) if sub.id == id => {
            w.subscription = None;
            StatusCode::NO_CONTENT.into_response()
        }
        _ => error(
            StatusCode::NOT_FOUND,
            "Resource Not Found",
            "PushSubscription",
            "id",
            "not found",
        ),
    }
}
