//! Calls into the host: HTTP, key–value state, the clock, settings, secrets and plan
//! proposals. Each is checked and limited by the host.

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::bindings::stride::plugin::{clock, config, http, kv, plans, secrets, upload};
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

/// The body of the upload being handled (in `receive_upload`), read in pieces: it implements
/// [`std::io::Read`] and [`std::io::Seek`], so archive and file parsers can use it directly,
/// and a large archive never has to fit in the plugin's memory.
#[derive(Debug)]
pub struct Upload {
    size: u64,
    position: u64,
}

/// The upload of this call.
pub fn upload() -> Upload {
    Upload {
        size: upload::size(),
        position: 0,
    }
}

impl Upload {
    /// Its size in bytes.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The whole body (for small uploads, e.g. a relay's JSON).
    pub fn read_all(&mut self) -> std::io::Result<Vec<u8>> {
        let mut all = Vec::with_capacity(usize::try_from(self.size).unwrap_or(0));
        std::io::Read::read_to_end(self, &mut all)?;
        Ok(all)
    }
}

impl std::io::Read for Upload {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() || self.position >= self.size {
            return Ok(0);
        }
        let want = u32::try_from(buf.len().min(1 << 20)).unwrap_or(1 << 20);
        let piece = upload::read(self.position, want).map_err(std::io::Error::other)?;
        let n = piece.len().min(buf.len());
        buf[..n].copy_from_slice(&piece[..n]);
        self.position += n as u64;
        Ok(n)
    }
}

impl std::io::Seek for Upload {
    fn seek(&mut self, from: std::io::SeekFrom) -> std::io::Result<u64> {
        let target = match from {
            std::io::SeekFrom::Start(n) => i128::from(n),
            std::io::SeekFrom::End(n) => i128::from(self.size) + i128::from(n),
            std::io::SeekFrom::Current(n) => i128::from(self.position) + i128::from(n),
        };
        if target < 0 {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "seek before the start of the upload",
            ));
        }
        self.position = u64::try_from(target).unwrap_or(u64::MAX);
        Ok(self.position)
    }
}
