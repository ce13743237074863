//! Calls into the host: HTTP, key–value state, the clock, settings, secrets and plan
//! proposals. Each is checked and limited by the host.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::bindings::stride::plugin::{clock, config, http, kv, plans, secrets};
use crate::{Header, HttpError, HttpRequest, HttpResponse, PlanProposal};

/// Where key–value state lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// Shared by every call of this plugin.
    Plugin,
    /// Belongs to one athlete (Stride id).
    Athlete(String),
}

impl Scope {
    fn raw(&self) -> kv::Scope {
        match self {
            Scope::Plugin => kv::Scope::Plugin,
            Scope::Athlete(id) => kv::Scope::Athlete(id.clone()),
        }
    }
}

/// Reads a value.
pub fn kv_get(scope: &Scope, key: &str) -> Option<Vec<u8>> {
    kv::get(&scope.raw(), key)
}

/// Stores a value (the host caps sizes and counts).
pub fn kv_set(scope: &Scope, key: &str, value: &[u8]) -> Result<(), String> {
    kv::set(&scope.raw(), key, value)
}

/// Removes a value.
pub fn kv_delete(scope: &Scope, key: &str) {
    kv::delete(&scope.raw(), key);
}

/// Reads a JSON value; `None` when absent or unreadable.
pub fn kv_get_json<T: DeserializeOwned>(scope: &Scope, key: &str) -> Option<T> {
    kv_get(scope, key).and_then(|bytes| serde_json::from_slice(&bytes).ok())
}

/// Stores a value as JSON.
pub fn kv_set_json<T: Serialize>(scope: &Scope, key: &str, value: &T) -> Result<(), String> {
    let bytes = serde_json::to_vec(value).map_err(|e| e.to_string())?;
    kv_set(scope, key, &bytes)
}

/// The host's current time, milliseconds since the Unix epoch.
pub fn now_ms() -> i64 {
    clock::now_ms()
}

/// A deployment setting for this plugin (never a secret).
pub fn setting(key: &str) -> Option<String> {
    config::get(key)
}

/// Whether `candidate` equals the host secret `name` (compared in constant time by the host).
pub fn secret_equals(name: &str, candidate: &str) -> bool {
    secrets::equals(name, candidate)
}

/// Sends a plan-change proposal to the athlete's confirmation gate; returns its id.
pub fn propose(proposal: &PlanProposal) -> Result<String, String> {
    plans::propose(proposal)
}

/// An HTTP request to send through the host.
#[derive(Debug, Clone)]
pub struct Request(HttpRequest);

impl Request {
    /// A request with `method` to `url`.
    pub fn new(method: &str, url: impl Into<String>) -> Self {
        Request(HttpRequest {
            method: method.to_owned(),
            url: url.into(),
            headers: Vec::new(),
            body: None,
            on_behalf_of: None,
            timeout_ms: None,
        })
    }

    /// A GET request.
    pub fn get(url: impl Into<String>) -> Self {
        Self::new("GET", url)
    }

    /// A POST request.
    pub fn post(url: impl Into<String>) -> Self {
        Self::new("POST", url)
    }

    /// Adds a header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.0.headers.push(Header {
            name: name.to_owned(),
            value: value.to_owned(),
        });
        self
    }

    /// Sets the body.
    pub fn body(mut self, body: Vec<u8>) -> Self {
        self.0.body = Some(body);
        self
    }

    /// Sends it as the athlete (Stride id): the host attaches their token.
    pub fn on_behalf_of(mut self, athlete_id: &str) -> Self {
        self.0.on_behalf_of = Some(athlete_id.to_owned());
        self
    }

    /// Sets a timeout (the host caps it).
    pub fn timeout_ms(mut self, ms: u32) -> Self {
        self.0.timeout_ms = Some(ms);
        self
    }

    /// Sends it.
    pub fn send(&self) -> Result<Response, HttpError> {
        http::send(&self.0).map(Response)
    }
}

/// A response the host received.
#[derive(Debug, Clone)]
pub struct Response(pub HttpResponse);

impl Response {
    /// HTTP status.
    pub fn status(&self) -> u16 {
        self.0.status
    }

    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.0
            .headers
            .iter()
            .find(|h| h.name.eq_ignore_ascii_case(name))
            .map(|h| h.value.as_str())
    }

    /// The body.
    pub fn body(&self) -> &[u8] {
        &self.0.body
    }

    /// The body parsed as JSON.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, String> {
        serde_json::from_slice(&self.0.body)
            .map_err(|e| format!("response from the provider is not the JSON expected: {e}"))
    }
}
