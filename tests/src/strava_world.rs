//! A Stride server wired to the fake Strava: the setup Strava scenarios and the ingestion
//! benchmark share.

use std::sync::Arc;

use serde_json::{Value, json};
use stride::config::{PluginSettings, Secret};
use stride_domain::clock::{Clock, ManualClock};

use crate::fake_strava::{FakeStrava, Limits};
use crate::{Session, TestApp, test_epoch, wait_for};

/// The token Stride's webhook endpoint expects in Strava's subscription handshake.
pub const VERIFY_TOKEN: &str = "stride-verify-token";

/// A Stride server with the Strava plugin configured against a running fake, and its owner.
pub struct World {
    /// The server.
    pub app: TestApp,
    /// The fake Strava.
    pub fake: FakeStrava,
    /// The clock both read.
    pub clock: Arc<ManualClock>,
    /// The owner account.
    pub owner: Session,
}

/// Starts the fake (pages of `page_size`, `read_limit` reads per 15 minutes) and a server
/// configured for it; `configure` adjusts the server's configuration last.
pub async fn world(
    page_size: u32,
    read_limit: u32,
    configure: impl FnOnce(&mut stride::config::Config),
) -> World {
    let clock = ManualClock::new(test_epoch());
    let fake = FakeStrava::start(clock.clone()).await;
    fake.set_limits(Limits {
        overall: (200, 2_000),
        read: (read_limit, 1_000),
        window_s: 900,
    });
    let (client_id, client_secret) = fake.client();
    let base = fake.url();
    let app = TestApp::spawn_full(clock.clone(), move |c| {
        c.plugins.allow_private_networks = true;
        c.plugins.allow_plain_http = true;
        let mut settings = PluginSettings {
            extra_allowed_hosts: vec!["127.0.0.1".to_owned()],
            oauth_client_id: Some(client_id),
            oauth_client_secret: Some(Secret::new(client_secret)),
            oauth_authorize_url: Some(format!("{base}/oauth/authorize")),
            oauth_token_url: Some(format!("{base}/oauth/token")),
            oauth_deauthorize_url: Some(format!("{base}/oauth/deauthorize")),
            ..PluginSettings::default()
        };
        settings
            .settings
            .insert("api_base".to_owned(), base.clone());
        settings
            .settings
            .insert("page_size".to_owned(), page_size.to_string());
        settings.settings.insert(
            "subscription_id".to_owned(),
            crate::fake_strava::SUBSCRIPTION_ID.to_string(),
        );
        settings
            .secrets
            .insert("verify_token".to_owned(), Secret::new(VERIFY_TOKEN));
        settings
            .rate_limits
            .insert("read".to_owned(), vec![read_limit, 1_000]);
        c.plugin.insert("strava".to_owned(), settings);
        configure(c);
    })
    .await;
    app.install_plugin("strava").await;
    let owner = app.owner().await;
    World {
        app,
        fake,
        clock,
        owner,
    }
}

/// Runs the browser's half of the OAuth dance: asks Stride for a connect link as `athlete`,
/// signs in at the fake Strava as `strava_id` (granting `scope`, or what was asked), and
/// returns the callback URL Strava redirects back to.
pub async fn authorize(
    w: &World,
    athlete: &Session,
    strava_id: u64,
    scope: Option<&str>,
) -> String {
    w.fake.log_in_as(strava_id, scope);
    let link = w
        .app
        .gql(
            Some(&athlete.token),
            "mutation { connectProvider(provider: \"strava\") { authorizeUrl expiresAt } }",
            json!({}),
        )
        .await;
    let authorize = link.ok()["connectProvider"]["authorizeUrl"]
        .as_str()
        .expect("url")
        .to_owned();
    assert!(
        authorize.contains("scope=read%2Cactivity%3Aread_all"),
        "{authorize}"
    );
    let redirect = browser()
        .get(&authorize)
        .send()
        .await
        .expect("authorize page");
    assert_eq!(redirect.status(), 303, "Strava redirects back");
    let callback = redirect.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert!(
        callback.starts_with(&w.app.url("/oauth/strava/callback")),
        "{callback}"
    );
    callback
}

/// Opens `url` the way a browser would (redirects not followed); returns status and page.
pub async fn open(url: &str) -> (u16, String) {
    let response = browser().get(url).send().await.expect("page");
    let status = response.status().as_u16();
    (status, response.text().await.expect("body"))
}

fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client")
}

/// Connects `athlete` to Strava athlete `strava_id` through the real OAuth redirect dance;
/// returns the callback's status.
pub async fn connect(w: &World, athlete: &Session, strava_id: u64, scope: Option<&str>) -> u16 {
    let callback = authorize(w, athlete, strava_id, scope).await;
    open(&callback).await.0
}

/// Every activity of `who`, through GraphQL pagination.
pub async fn athlete_activities(w: &World, who: &Session) -> Vec<Value> {
    let mut all = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = w
            .app
            .gql(Some(&who.token), "query($a: String) { activities(first: 200, after: $a) { edges { node { externalId name source sport averageHeartRate } } pageInfo { hasNextPage endCursor } } }", json!({ "a": after }))
            .await;
        let conn = page.ok()["activities"].clone();
        all.extend(
            conn["edges"]
                .as_array()
                .expect("edges")
                .iter()
                .map(|e| e["node"].clone()),
        );
        if conn["pageInfo"]["hasNextPage"] != json!(true) {
            return all;
        }
        after = conn["pageInfo"]["endCursor"].as_str().map(str::to_owned);
    }
}

/// The athlete's backfill status.
pub async fn backfill(w: &World, who: &Session) -> Value {
    w.app.gql(Some(&who.token), "{ backfill(provider: \"strava\") { status pagesDone activitiesDone deferredUntil note } }", json!({})).await.ok()["backfill"].clone()
}

/// Waits until no job is queued or running for the athlete, advancing the clock to each
/// deferral so waits for the provider's window happen at once.
pub async fn settle(w: &World, who: &Session) {
    let athlete: uuid::Uuid = who.id.parse().expect("uuid");
    wait_for("the jobs to finish", 60, || async {
        if !w
            .app
            .state
            .store
            .has_pending_jobs(Some(athlete))
            .await
            .expect("jobs")
        {
            return Some(());
        }
        if let Some(next) = w.app.state.store.next_job_time().await.expect("next")
            && next > w.clock.now()
        {
            w.clock.set(next);
        }
        None
    })
    .await;
}
