//! Provider connections, generic over OAuth 2 providers: a signed, expiring, single-use state
//! bound to the athlete; the code exchanged in the host; tokens encrypted at rest and refreshed ahead
//! of expiry; deauthorization (by the athlete here, or announced by the provider) that erases
//! them. Plugins never see a token: the host attaches it to their requests.

pub mod keys;
pub mod rate;
pub mod relay;

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeDelta, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use uuid::Uuid;

use self::keys::KeyRing;
use crate::audit::{Actor, AuditEvent};
use crate::auth::Viewer;
use crate::config::{PluginSettings, Secret};
use crate::error::{AppError, AppResult};
use crate::jobs::Jobs;
use stride_domain::clock::SharedClock;
use stride_sandbox::PluginHost;
use stride_sandbox::contract::{HttpError, OauthConfig};
use stride_sandbox::net::{Outbound, OutboundRequest};
use stride_sandbox::services::{BoxFuture, TokenSource};
use stride_store::{
    Backend, Connection, ConnectionStatus, NewConnection, SealedTokens, Store, StoreError,
};

/// How long a connect link stays valid.
const STATE_TTL: TimeDelta = TimeDelta::minutes(15);

/// Refresh a token when it has less than this left.
const REFRESH_AHEAD: TimeDelta = TimeDelta::minutes(10);

/// How long an opened access token is used again without reading its connection: one job's
/// requests (an activity and its streams) and a batch's jobs for one athlete then read it
/// once. Every change to a connection made on this replica drops it once committed. A
/// revocation on another replica is not told here: a plugin call already running may send
/// the old token for up to this long, while every new batch reads the connection's status
/// first and stops.
const TOKEN_REUSE: Duration = Duration::from_secs(5);

/// Most opened tokens kept; past it the oldest half is dropped.
const TOKENS_KEPT: usize = 10_000;

/// An access token opened recently (see [`TOKEN_REUSE`]).
struct Opened {
    token: Secret,
    expires_at: Option<DateTime<Utc>>,
    at: std::time::Instant,
}

/// Opened access tokens by provider and athlete. Memory only: never written anywhere, and
/// without a `Debug` of its own.
#[derive(Default)]
struct OpenedTokens {
    entries: std::collections::HashMap<(String, Uuid), Opened>,
    /// Moves on with every change to a connection: a token opened from a row read before the
    /// change is not kept (the change may have committed after the read).
    generation: u64,
}

/// What the signed OAuth state carries.
#[derive(Debug, Serialize, Deserialize)]
struct StateClaims {
    /// The athlete who started the flow.
    u: Uuid,
    /// The provider.
    p: String,
    /// Expiry, seconds since the epoch.
    x: i64,
    /// A random value so every link differs; recorded when the link is used, so it works once.
    n: String,
}

/// A connect link for the athlete to open.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectLink {
    /// The provider's authorize URL with our parameters.
    pub authorize_url: String,
    /// When the link stops working.
    pub expires_at: DateTime<Utc>,
}

/// The provider's answer on the callback URL.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct CallbackParams {
    /// The authorization code.
    pub code: Option<String>,
    /// Our signed state, returned.
    pub state: Option<String>,
    /// The scopes the athlete actually granted (they may untick some).
    pub scope: Option<String>,
    /// Set when the athlete declined (`access_denied`).
    pub error: Option<String>,
}

/// The provider's OAuth settings for this deployment: the manifest's, with overrides.
#[derive(Debug, Clone)]
struct OauthClient {
    config: OauthConfig,
    client_id: String,
    client_secret: Secret,
}

/// Connections and their tokens.
#[derive(Clone)]
pub struct Connections {
    store: Store,
    clock: SharedClock,
    keys: Arc<KeyRing>,
    plugins: Arc<PluginHost>,
    outbound: Outbound,
    settings: Arc<BTreeMap<String, PluginSettings>>,
    public_url: String,
    jobs: Jobs,
    refresh_locks: Arc<tokio::sync::Mutex<()>>,
    audit: crate::audit::Audit,
    opened: Arc<std::sync::Mutex<OpenedTokens>>,
}

impl std::fmt::Debug for Connections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connections")
            .field("keys", &self.keys)
            .finish()
    }
}

/// The token endpoint's answer (RFC 6749 §5.1, plus the provider's extra fields).
#[derive(Debug, Deserialize)]
struct TokenResponse {
    access_token: String,
    refresh_token: Option<String>,
    expires_at: Option<i64>,
    expires_in: Option<i64>,
    scope: Option<String>,
    #[serde(flatten)]
    extra: BTreeMap<String, Value>,
}

impl Connections {
    /// The connection service.
    #[expect(
        clippy::too_many_arguments,
        reason = "the service's collaborators, wired once at start"
    )]
    pub fn new(
        store: Store,
        clock: SharedClock,
        keys: Arc<KeyRing>,
        plugins: Arc<PluginHost>,
        outbound: Outbound,
        settings: BTreeMap<String, PluginSettings>,
        public_url: String,
        jobs: Jobs,
        audit: crate::audit::Audit,
    ) -> Self {
        Self {
            store,
            clock,
            keys,
            plugins,
            outbound,
            settings: Arc::new(settings),
            public_url: public_url.trim_end_matches('/').to_owned(),
            jobs,
            audit,
            refresh_locks: Arc::new(tokio::sync::Mutex::new(())),
            opened: Arc::default(),
        }
    }

    fn opened(&self) -> std::sync::MutexGuard<'_, OpenedTokens> {
        self.opened
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The access token opened for `athlete` at `provider` within [`TOKEN_REUSE`], if it is
    /// still fresh by the clock; or the generation to give [`Connections::keep_token`].
    fn reuse_token(&self, provider: &str, athlete: Uuid) -> Result<Secret, u64> {
        let mut opened = self.opened();
        let key = (provider.to_owned(), athlete);
        if let Some(found) = opened.entries.get(&key) {
            let fresh = found.at.elapsed() < TOKEN_REUSE
                && found
                    .expires_at
                    .is_none_or(|at| at - self.clock.now() > REFRESH_AHEAD);
            if fresh {
                return Ok(found.token.clone());
            }
            opened.entries.remove(&key);
        }
        Err(opened.generation)
    }

    /// Keeps an access token opened from a row read at `generation`, unless a connection
    /// changed since.
    fn keep_token(&self, connection: &Connection, token: &Secret, generation: u64) {
        let mut opened = self.opened();
        if opened.generation != generation {
            return;
        }
        if opened.entries.len() >= TOKENS_KEPT {
            opened.entries.retain(|_, o| o.at.elapsed() < TOKEN_REUSE);
            if opened.entries.len() >= TOKENS_KEPT / 2 {
                let mut ages: Vec<std::time::Instant> =
                    opened.entries.values().map(|o| o.at).collect();
                ages.sort_unstable();
                let cut = ages[ages.len() / 2];
                opened.entries.retain(|_, o| o.at > cut);
            }
        }
        opened.entries.insert(
            (connection.provider.clone(), connection.user_id),
            Opened {
                token: token.clone(),
                expires_at: connection.expires_at,
                at: std::time::Instant::now(),
            },
        );
    }

    /// Drops the opened token of `athlete` at `provider`: its connection changed (called once
    /// the change has committed).
    fn forget_token(&self, provider: &str, athlete: Uuid) {
        let mut opened = self.opened();
        opened.generation += 1;
        opened.entries.remove(&(provider.to_owned(), athlete));
    }

    fn client(&self, provider: &str) -> AppResult<OauthClient> {
        let plugin = self
            .plugins
            .get(provider)
            .ok_or_else(|| AppError::NotFound(format!("no provider `{provider}` is installed")))?;
        let mut config = plugin.manifest.oauth.clone().ok_or_else(|| {
            AppError::bad_input(
                "provider",
                format!("`{provider}` does not connect accounts"),
            )
        })?;
        let settings = self.settings.get(provider).cloned().unwrap_or_default();
        if let Some(url) = settings.oauth_authorize_url {
            config.authorize_url = url;
        }
        if let Some(url) = settings.oauth_token_url {
            config.token_url = url;
        }
        if let Some(url) = settings.oauth_deauthorize_url {
            config.deauthorize_url = Some(url);
        }
        if let Some(url) = settings.oauth_athlete_id_url {
            config.athlete_id_url = Some(url);
        }
        match (settings.oauth_client_id, settings.oauth_client_secret) {
            (Some(client_id), Some(client_secret)) => Ok(OauthClient {
                config,
                client_id,
                client_secret,
            }),
            _ => Err(AppError::Conflict(format!(
                "`{provider}` is not set up on this Stride: an admin must configure plugin.{provider}.oauth_client_id and oauth_client_secret"
            ))),
        }
    }

    fn redirect_uri(&self, provider: &str) -> String {
        format!("{}/oauth/{provider}/callback", self.public_url)
    }

    /// A link that asks the provider to authorize Stride for the viewer.
    pub fn connect_link(&self, viewer: &Viewer, provider: &str) -> AppResult<ConnectLink> {
        let client = self.client(provider)?;
        let expires_at = self.clock.now() + STATE_TTL;
        let mut nonce = [0u8; 12];
        rand::RngCore::fill_bytes(&mut rand::thread_rng(), &mut nonce);
        let nonce = hex::encode(nonce);
        let state = self.keys.sign(&StateClaims {
            u: viewer.id(),
            p: provider.to_owned(),
            x: expires_at.timestamp(),
            n: nonce.clone(),
        })?;
        let mut url = url::Url::parse(&client.config.authorize_url).map_err(|e| {
            AppError::Internal(anyhow::anyhow!("the authorize URL is invalid: {e}"))
        })?;
        url.query_pairs_mut()
            .append_pair("client_id", &client.client_id)
            .append_pair("redirect_uri", &self.redirect_uri(provider))
            .append_pair("response_type", "code")
            .append_pair("approval_prompt", "auto")
            .append_pair(
                "scope",
                &client.config.scopes.join(&client.config.scope_separator),
            )
            .append_pair("state", &state);
        if client.config.pkce {
            let verifier = self.keys.pkce_verifier(&nonce)?;
            let challenge = base64::Engine::encode(
                &base64::engine::general_purpose::URL_SAFE_NO_PAD,
                <sha2::Sha256 as sha2::Digest>::digest(verifier.as_bytes()),
            );
            url.query_pairs_mut()
                .append_pair("code_challenge", &challenge)
                .append_pair("code_challenge_method", "S256");
        }
        Ok(ConnectLink {
            authorize_url: url.to_string(),
            expires_at,
        })
    }

    async fn token_request(
        &self,
        client: &OauthClient,
        form: &[(&str, &str)],
    ) -> Result<TokenResponse, AppError> {
        let url = url::Url::parse(&client.config.token_url)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("token URL: {e}")))?;
        let host = url.host_str().unwrap_or_default().to_owned();
        let body = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form)
            .finish();
        let request = OutboundRequest {
            method: reqwest::Method::POST,
            url,
            headers: vec![
                (
                    "Content-Type".to_owned(),
                    "application/x-www-form-urlencoded".to_owned(),
                ),
                ("Accept".to_owned(), "application/json".to_owned()),
            ],
            body: Some(body.into_bytes()),
            timeout: Duration::from_secs(15),
        };
        let response = self.outbound.send(request, &[host]).await.map_err(|e| {
            AppError::Internal(anyhow::anyhow!("the provider's token endpoint failed: {e}"))
        })?;
        if response.status == 400 || response.status == 401 {
            return Err(AppError::Unauthenticated(format!(
                "the provider refused the authorization ({}); connect again",
                String::from_utf8_lossy(&response.body)
                    .chars()
                    .take(200)
                    .collect::<String>()
            )));
        }
        if response.status != 200 {
            return Err(AppError::Internal(anyhow::anyhow!(
                "the provider's token endpoint answered {}",
                response.status
            )));
        }
        serde_json::from_slice(&response.body)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("unreadable token response: {e}")))
    }

    fn seal(
        &self,
        tokens: &TokenResponse,
        fallback_refresh: Option<&str>,
    ) -> AppResult<SealedTokens> {
        let (access, key_id) = self.keys.seal(&tokens.access_token)?;
        let refresh = match tokens.refresh_token.as_deref().or(fallback_refresh) {
            Some(refresh) => Some(self.keys.seal(refresh)?.0),
            None => None,
        };
        let now = self.clock.now();
        let expires_at = tokens
            .expires_at
            .and_then(|s| DateTime::from_timestamp(s, 0))
            .or_else(|| tokens.expires_in.map(|s| now + TimeDelta::seconds(s)));
        Ok(SealedTokens {
            access,
            refresh,
            key_id,
            expires_at,
        })
    }

    /// Completes the flow on the callback URL: checks the state, exchanges the code, stores
    /// the encrypted tokens, audits, and queues the history backfill. Returns the athlete and
    /// what was granted.
    pub async fn complete(&self, provider: &str, params: CallbackParams) -> AppResult<Connection> {
        if let Some(error) = params.error {
            return Err(AppError::Forbidden(match error.as_str() {
                "access_denied" => "you declined access, so nothing was connected".to_owned(),
                other => format!("the provider reported `{other}`"),
            }));
        }
        let state = params
            .state
            .ok_or_else(|| AppError::bad_input("state", "is missing"))?;
        let claims: StateClaims = self
            .keys
            .verify(&state)
            .map_err(|e| AppError::bad_input("state", e.to_string()))?;
        if claims.p != provider {
            return Err(AppError::bad_input(
                "state",
                "was issued for another provider",
            ));
        }
        if claims.x < self.clock.now().timestamp() {
            return Err(AppError::bad_input(
                "state",
                "this link has expired; start connecting again",
            ));
        }
        let code = params
            .code
            .ok_or_else(|| AppError::bad_input("code", "is missing"))?;
        let client = self.client(provider)?;
        // Single use: a replayed callback URL (from a browser history, a proxy log or a
        // shared screen) is refused before its code reaches the provider.
        let expires_at = DateTime::from_timestamp(claims.x, 0).unwrap_or_else(|| self.clock.now());
        let mut tx = self.store.begin().await?;
        let first_use = self
            .store
            .consume_oauth_state(&mut tx, &claims.n, claims.u, expires_at, self.clock.now())
            .await?;
        tx.commit().await?;
        if !first_use {
            return Err(AppError::bad_input(
                "state",
                "this link was already used; start connecting again",
            ));
        }
        let redirect_uri = self.redirect_uri(provider);
        let verifier = match client.config.pkce {
            true => Some(self.keys.pkce_verifier(&claims.n)?),
            false => None,
        };
        let mut form = vec![
            ("client_id", client.client_id.as_str()),
            ("client_secret", client.client_secret.expose()),
            ("code", code.as_str()),
            ("grant_type", "authorization_code"),
            ("redirect_uri", redirect_uri.as_str()),
        ];
        if let Some(verifier) = &verifier {
            form.push(("code_verifier", verifier));
        }
        let tokens = self.token_request(&client, &form).await?;
        let named_by = match client.config.athlete_id_url.as_deref() {
            Some(url) => self.athlete_id_document(url, &tokens.access_token).await?,
            None => Value::Object(tokens.extra.clone().into_iter().collect()),
        };
        let external_id = client
            .config
            .athlete_id_pointer
            .as_deref()
            .and_then(|pointer| {
                named_by.pointer(pointer).map(|v| {
                    v.as_str()
                        .map(str::to_owned)
                        .unwrap_or_else(|| v.to_string())
                })
            })
            .filter(|id| !id.is_empty() && id != "null")
            .ok_or_else(|| {
                AppError::Internal(anyhow::anyhow!(
                    "the provider's answer does not name the athlete (looked for {:?})",
                    client.config.athlete_id_pointer
                ))
            })?;
        let scopes = params
            .scope
            .or_else(|| tokens.scope.clone())
            .unwrap_or_default();
        let sealed = self.seal(&tokens, None)?;
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        let connection = match self
            .store
            .upsert_connection(
                &mut tx,
                &NewConnection {
                    user_id: claims.u,
                    provider,
                    external_athlete_id: &external_id,
                    scopes: &scopes,
                    tokens: &sealed,
                },
                now,
            )
            .await
        {
            Ok(connection) => connection,
            Err(StoreError::Conflict(_)) => {
                return Err(AppError::Conflict(format!(
                    "this {provider} account is already connected to another Stride athlete"
                )));
            }
            Err(e) => return Err(e.into()),
        };
        let event = AuditEvent::new(
            Actor::user(claims.u),
            "connection.create",
            "connection",
            connection.id,
        )
        .payload(json!({ "provider": provider, "scopes": scopes, "key_id": sealed.key_id }));
        self.audit.record(&mut tx, event, now).await?;
        if self
            .plugins
            .get(provider)
            .is_some_and(|plugin| plugin.manifest.history_import)
        {
            crate::ingest::Ingest::start_history(
                &self.jobs,
                &self.store,
                &mut tx,
                claims.u,
                provider,
                now,
            )
            .await?;
        }
        tx.commit().await?;
        self.forget_token(provider, claims.u);
        self.jobs.wake();
        Ok(connection)
    }

    /// The provider's description of the athlete a fresh token belongs to (for providers
    /// whose token response does not name them).
    async fn athlete_id_document(&self, url: &str, access_token: &str) -> AppResult<Value> {
        let url = url::Url::parse(url)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("athlete-id URL: {e}")))?;
        let host = url.host_str().unwrap_or_default().to_owned();
        let request = OutboundRequest {
            method: reqwest::Method::GET,
            url,
            headers: vec![
                ("Authorization".to_owned(), format!("Bearer {access_token}")),
                ("Accept".to_owned(), "application/json".to_owned()),
            ],
            body: None,
            timeout: Duration::from_secs(15),
        };
        let response = self.outbound.send(request, &[host]).await.map_err(|e| {
            AppError::Internal(anyhow::anyhow!(
                "the provider's user-id endpoint failed: {e}"
            ))
        })?;
        if response.status != 200 {
            return Err(AppError::Internal(anyhow::anyhow!(
                "the provider's user-id endpoint answered {}",
                response.status
            )));
        }
        serde_json::from_slice(&response.body)
            .map_err(|e| AppError::Internal(anyhow::anyhow!("unreadable user-id response: {e}")))
    }

    /// The viewer's connections.
    pub async fn list(&self, viewer: &Viewer) -> AppResult<Vec<Connection>> {
        Ok(self.store.connections_of(viewer.id()).await?)
    }

    /// The viewer's history import from `provider`, if there was one.
    pub async fn backfill(
        &self,
        viewer: &Viewer,
        provider: &str,
    ) -> AppResult<Option<stride_store::BackfillRow>> {
        Ok(self.store.backfill(viewer.id(), provider).await?)
    }

    /// Disconnects the viewer from a provider: asks the provider to deauthorize (best
    /// effort), then erases the tokens. Audited.
    pub async fn disconnect(&self, viewer: &Viewer, provider: &str) -> AppResult<()> {
        self.disconnect_user(
            &viewer.user,
            viewer.actor(),
            provider,
            "disconnected by the athlete",
        )
        .await
    }

    /// Disconnects `user` from `provider` on `actor`'s behalf (the athlete, or an erasure of
    /// their account): tells the provider while the token still works, then revokes the
    /// connection here. A provider that cannot be reached does not stop it.
    pub async fn disconnect_user(
        &self,
        user: &stride_store::User,
        actor: Actor,
        provider: &str,
        reason: &str,
    ) -> AppResult<()> {
        let connection = self
            .store
            .connection(user.id, provider)
            .await?
            .filter(|c| c.status != ConnectionStatus::Revoked)
            .ok_or_else(|| AppError::NotFound(format!("you are not connected to {provider}")))?;
        // A plugin that runs a `deauthorize` job tells its provider itself (Garmin's is a
        // DELETE with the athlete's token), while the token still works.
        if self
            .plugins
            .get(provider)
            .is_some_and(|p| p.manifest.job_kinds.iter().any(|k| k == "deauthorize"))
        {
            let athlete = stride_sandbox::services::CallAthlete {
                id: stride_domain::ids::AthleteId(user.id),
                external_id: connection.external_athlete_id.clone(),
                time_zone: user.profile.time_zone.name().to_owned(),
            };
            let job = stride_sandbox::contract::JobRequest {
                kind: "deauthorize".to_owned(),
                payload: "{}".to_owned(),
                athlete: Some(stride_sandbox::contract::AthleteRef {
                    id: user.id.to_string(),
                    external_id: athlete.external_id.clone(),
                    time_zone: athlete.time_zone.clone(),
                }),
                attempt: 1,
            };
            let report = self.plugins.run_job(provider, job, Some(athlete)).await;
            if let Err(error) = report.result {
                tracing::warn!(provider, %error, "the provider's deauthorize call failed; revoking locally anyway");
            }
        } else if let Ok(client) = self.client(provider)
            && let Some(url) = client.config.deauthorize_url.as_deref()
            && let (Some(sealed), Some(key_id)) = (&connection.access_token_enc, &connection.key_id)
            && let Ok(token) = self.keys.open(key_id, sealed)
        {
            let deauthorized = self.deauthorize_at_provider(url, token.expose()).await;
            if let Err(error) = deauthorized {
                tracing::warn!(provider, %error, "the provider's deauthorize call failed; revoking locally anyway");
            }
        }
        self.revoke(connection, actor, reason).await
    }

    async fn deauthorize_at_provider(&self, url: &str, access_token: &str) -> anyhow::Result<()> {
        let url = url::Url::parse(url)?;
        let host = url.host_str().unwrap_or_default().to_owned();
        let body = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("access_token", access_token)
            .finish();
        let request = OutboundRequest {
            method: reqwest::Method::POST,
            url,
            headers: vec![
                (
                    "Content-Type".to_owned(),
                    "application/x-www-form-urlencoded".to_owned(),
                ),
                ("Authorization".to_owned(), format!("Bearer {access_token}")),
            ],
            body: Some(body.into_bytes()),
            timeout: Duration::from_secs(10),
        };
        let response = self.outbound.send(request, &[host]).await?;
        anyhow::ensure!(response.status < 500, "answered {}", response.status);
        Ok(())
    }

    /// The provider's word (an unsigned webhook, relayed by its plugin) that `athlete`
    /// revoked access. Nothing is erased on that word alone: the host asks the provider with a
    /// token refresh. Only when the provider refuses it is the connection revoked and the tokens
    /// erased (audited); when the refresh succeeds the claim was false, the new tokens are
    /// kept and the refutation is audited. Returns whether the connection was revoked.
    pub async fn revoked_by_provider(
        &self,
        athlete_id: Uuid,
        provider: &str,
        reason: &str,
    ) -> AppResult<bool> {
        let Some(connection) = self
            .store
            .connection(athlete_id, provider)
            .await?
            .filter(|c| c.status == ConnectionStatus::Active)
        else {
            return Ok(false);
        };
        match self.refresh(&connection, true).await {
            Err(Refresh::Refused(why)) => {
                tracing::info!(provider, athlete = %athlete_id, %why, "the provider confirmed a revocation");
                self.revoke(
                    connection,
                    Actor::SYSTEM,
                    &format!("{reason} (confirmed: the provider refused a token refresh)"),
                )
                .await?;
                Ok(true)
            }
            Ok(_) => {
                tracing::warn!(provider, athlete = %athlete_id, "a revocation the provider did not confirm was ignored");
                let now = self.clock.now();
                let mut tx = self.store.begin().await?;
                let event = AuditEvent::new(
                    Actor::SYSTEM,
                    "connection.revocation_refuted",
                    "connection",
                    connection.id,
                )
                .reason(reason)
                .payload(json!({ "provider": provider, "athlete": athlete_id }));
                self.audit.record(&mut tx, event, now).await?;
                tx.commit().await?;
                Ok(false)
            }
            Err(Refresh::Failed(error)) => Err(error),
        }
    }

    async fn revoke(&self, connection: Connection, actor: Actor, reason: &str) -> AppResult<()> {
        let now = self.clock.now();
        let mut tx = self.store.begin().await?;
        if self
            .store
            .revoke_connection(&mut tx, connection.id, now)
            .await?
        {
            let event = AuditEvent::new(actor, "connection.revoke", "connection", connection.id)
                .reason(reason)
                .payload(json!({ "provider": connection.provider, "athlete": connection.user_id }));
            self.audit.record(&mut tx, event, now).await?;
        }
        tx.commit().await?;
        self.forget_token(&connection.provider, connection.user_id);
        Ok(())
    }

    /// A valid access token for `athlete` at `provider`, refreshed first when it expires within
    /// ten minutes.
    async fn access_token(&self, provider: &str, athlete: Uuid) -> Result<Secret, HttpError> {
        let not_connected =
            || HttpError::NotConnected(format!("the athlete is not connected to {provider}"));
        let generation = match self.reuse_token(provider, athlete) {
            Ok(token) => return Ok(token),
            Err(generation) => generation,
        };
        let connection = self
            .store
            .connection(athlete, provider)
            .await
            .map_err(|e| HttpError::Connection(e.to_string()))?
            .filter(|c| c.status == ConnectionStatus::Active)
            .ok_or_else(not_connected)?;
        let fresh = |c: &Connection| {
            c.expires_at
                .is_none_or(|at| at - self.clock.now() > REFRESH_AHEAD)
        };
        if fresh(&connection) {
            let token = self.open_access(&connection).ok_or_else(not_connected)?;
            self.keep_token(&connection, &token, generation);
            return Ok(token);
        }
        match self.refresh(&connection, false).await {
            Ok(current) => {
                let token = self.open_access(&current).ok_or_else(not_connected)?;
                self.keep_token(&current, &token, generation);
                Ok(token)
            }
            Err(Refresh::Refused(why)) => {
                // The provider refused a refresh: the athlete revoked access there. That is the
                // provider's own answer, so the connection ends here too.
                let reason = format!("the provider refused a token refresh: {why}");
                if let Err(error) = self.revoke(connection, Actor::SYSTEM, &reason).await {
                    tracing::warn!(%error, "could not record a refused refresh");
                }
                Err(HttpError::NotConnected(reason))
            }
            Err(Refresh::Failed(AppError::Unauthenticated(why))) => {
                Err(HttpError::NotConnected(why))
            }
            Err(Refresh::Failed(error)) => Err(HttpError::Connection(format!(
                "refreshing the token failed: {error}"
            ))),
        }
    }

    /// Refreshes a connection's tokens (when they expire within ten minutes, or always with
    /// `force`), one refresh at a time: providers invalidate the old refresh token at once.
    async fn refresh(&self, connection: &Connection, force: bool) -> Result<Connection, Refresh> {
        let provider = connection.provider.as_str();
        let fresh = |c: &Connection| {
            !force
                && c.expires_at
                    .is_none_or(|at| at - self.clock.now() > REFRESH_AHEAD)
        };
        let _one_at_a_time = self.refresh_locks.lock().await;
        // On PostgreSQL the row lock serializes refreshes across replicas. SQLite has one host
        // process (the mutex above serializes) and its lock covers the whole database, so it
        // is not held while the provider answers.
        let mut locked = match self.store.backend() {
            Backend::Postgres => Some(self.store.begin().await.map_err(failed)?),
            Backend::Sqlite => None,
        };
        // Another replica may have refreshed it while we waited for the row.
        let current = match locked.as_mut() {
            Some(tx) => self
                .store
                .lock_connection(tx, connection.id)
                .await
                .map_err(failed)?,
            None => self
                .store
                .connection(connection.user_id, provider)
                .await
                .map_err(failed)?
                .ok_or_else(|| {
                    Refresh::Failed(AppError::Unauthenticated(
                        "the connection was removed".to_owned(),
                    ))
                })?,
        };
        if current.status != ConnectionStatus::Active {
            return Err(Refresh::Failed(AppError::Unauthenticated(
                "the connection was revoked".to_owned(),
            )));
        }
        if fresh(&current) {
            return Ok(current);
        }
        let client = self.client(provider).map_err(Refresh::Failed)?;
        let (Some(refresh_enc), Some(key_id)) = (&current.refresh_token_enc, &current.key_id)
        else {
            return Err(Refresh::Failed(AppError::Unauthenticated(
                "no refresh token is stored".to_owned(),
            )));
        };
        let refresh_token = self
            .keys
            .open(key_id, refresh_enc)
            .map_err(|e| Refresh::Failed(e.into()))?;
        let tokens = match self
            .token_request(
                &client,
                &[
                    ("client_id", client.client_id.as_str()),
                    ("client_secret", client.client_secret.expose()),
                    ("grant_type", "refresh_token"),
                    ("refresh_token", refresh_token.expose()),
                ],
            )
            .await
        {
            Ok(tokens) => tokens,
            Err(AppError::Unauthenticated(why)) => return Err(Refresh::Refused(why)),
            Err(error) => return Err(Refresh::Failed(error)),
        };
        let sealed = self
            .seal(&tokens, Some(refresh_token.expose()))
            .map_err(Refresh::Failed)?;
        let mut tx = match locked {
            Some(tx) => tx,
            None => self.store.begin().await.map_err(failed)?,
        };
        if !self
            .store
            .set_connection_tokens(&mut tx, current.id, &sealed, self.clock.now())
            .await
            .map_err(failed)?
        {
            return Err(Refresh::Failed(AppError::Unauthenticated(
                "the connection was revoked".to_owned(),
            )));
        }
        tx.commit().await.map_err(failed)?;
        self.forget_token(provider, current.user_id);
        Ok(Connection {
            access_token_enc: Some(sealed.access),
            refresh_token_enc: sealed.refresh,
            key_id: Some(sealed.key_id),
            expires_at: sealed.expires_at,
            ..current
        })
    }

    fn open_access(&self, connection: &Connection) -> Option<Secret> {
        let (sealed, key_id) = (
            connection.access_token_enc.as_ref()?,
            connection.key_id.as_ref()?,
        );
        match self.keys.open(key_id, sealed) {
            Ok(token) => Some(token),
            Err(error) => {
                tracing::error!(%error, connection = %connection.id, "a stored token cannot be decrypted");
                None
            }
        }
    }

    /// Marks an athlete's token as needing a refresh before its next use (after the provider
    /// refused it).
    pub async fn expire_token(&self, athlete: Uuid, provider: &str) -> AppResult<()> {
        if let Some(connection) = self.store.connection(athlete, provider).await? {
            let mut tx = self.store.begin().await?;
            let current = self.store.lock_connection(&mut tx, connection.id).await?;
            if let (Some(access), Some(key_id)) =
                (current.access_token_enc.clone(), current.key_id.clone())
            {
                let sealed = SealedTokens {
                    access,
                    refresh: current.refresh_token_enc.clone(),
                    key_id,
                    expires_at: Some(self.clock.now()),
                };
                self.store
                    .set_connection_tokens(&mut tx, current.id, &sealed, self.clock.now())
                    .await?;
            }
            tx.commit().await?;
        }
        self.forget_token(provider, athlete);
        Ok(())
    }
}

/// Re-encrypts every stored token with the active key (after a rotation); returns how many
/// connections were rewritten. Each is rewritten under its row lock.
pub async fn reencrypt_all(store: &Store, keys: &KeyRing, clock: &SharedClock) -> AppResult<usize> {
    let mut count = 0;
    for connection in store.connections_with_tokens().await? {
        if connection.key_id.as_deref() == Some(keys.active_key()) {
            continue;
        }
        let mut tx = store.begin().await?;
        let current = store.lock_connection(&mut tx, connection.id).await?;
        let (Some(access), Some(key_id)) = (&current.access_token_enc, &current.key_id) else {
            continue;
        };
        let access = keys.open(key_id, access)?;
        let refresh = current
            .refresh_token_enc
            .as_ref()
            .map(|r| keys.open(key_id, r))
            .transpose()?;
        let (access_enc, new_key) = keys.seal(access.expose())?;
        let refresh_enc = refresh
            .map(|r| keys.seal(r.expose()).map(|sealed| sealed.0))
            .transpose()?;
        let sealed = SealedTokens {
            access: access_enc,
            refresh: refresh_enc,
            key_id: new_key,
            expires_at: current.expires_at,
        };
        store
            .set_connection_tokens(&mut tx, current.id, &sealed, clock.now())
            .await?;
        tx.commit().await?;
        count += 1;
    }
    Ok(count)
}

impl TokenSource for Connections {
    fn authorization<'a>(
        &'a self,
        provider: &'a str,
        athlete: stride_domain::ids::AthleteId,
    ) -> BoxFuture<'a, Result<String, HttpError>> {
        Box::pin(async move {
            self.access_token(provider, athlete.uuid())
                .await
                .map(|token| format!("Bearer {}", token.expose()))
        })
    }
}

/// How a token refresh ended, when it did not give fresh tokens.
enum Refresh {
    /// The provider refused it (400/401 from the token endpoint): access is gone.
    Refused(String),
    /// Anything else (the provider unreachable, the database): nothing is known.
    Failed(AppError),
}

fn failed(error: stride_store::StoreError) -> Refresh {
    Refresh::Failed(error.into())
}
