//! The real `stride` binary as separate processes: killed in the middle of ingestion and
//! restarted, and two processes sharing one database and one provider rate budget. Runs on
//! SQLite, or on PostgreSQL when `STRIDE_TEST_DATABASE_URL` names a server.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeDelta, Utc};
use serde_json::{Value, json};
use stride_domain::clock::{SharedClock, SystemClock};
use stride_e2e::fake_strava::{FakeStrava, Faults, Limits};
use stride_e2e::{TestDatabase, wait_for};

const PASSWORD: &str = "owner-password-123";

/// A `stride serve` process.
struct Host {
    child: Child,
    url: String,
}

impl Drop for Host {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

/// Writes a config for one host process; all processes of a test share the database and the
/// data directory (so they share the encryption keys).
#[expect(clippy::too_many_arguments, reason = "one config file's knobs")]
fn write_config(
    dir: &Path,
    name: &str,
    database: &str,
    port: u16,
    fake: &FakeStrava,
    window_s: Option<u64>,
    page_size: u32,
    limits: (u32, u32),
) -> PathBuf {
    let (client_id, client_secret) = fake.client();
    let fake_url = fake.url();
    let windows = match window_s {
        Some(s) => format!(
            "[plugin.strava.rate_window_seconds]\noverall = [{s}, 86400]\nread = [{s}, 86400]\n"
        ),
        None => String::new(),
    };
    let text = format!(
        r#"database_url = "{database}"
listen = "127.0.0.1:{port}"
public_url = "http://127.0.0.1:{port}"
data_dir = "{data}"
log_format = "json"
log_filter = "info,sqlx=warn"

[plugins]
dir = "{plugins}"
allow_private_networks = true
allow_plain_http = true

[jobs]
poll_ms = 50
# One job per claim: with batches, one host's worker can take both athletes' next pages at
# once, every time, and the other host would never run a job.
batch = 1
lease_s = 3
backoff_base_s = 1

# Every client here is 127.0.0.1: the per-address limits would meter the whole test as one.
[http]
per_address_per_s = 1000000
per_address_burst = 1000000
per_session_per_s = 1000000
per_session_burst = 1000000
webhooks_per_address_per_s = 1000000
webhooks_per_address_burst = 1000000

[plugin.strava]
extra_allowed_hosts = ["127.0.0.1"]
oauth_client_id = "{client_id}"
oauth_client_secret = "{client_secret}"
oauth_authorize_url = "{fake_url}/oauth/authorize"
oauth_token_url = "{fake_url}/oauth/token"
oauth_deauthorize_url = "{fake_url}/oauth/deauthorize"

[plugin.strava.settings]
api_base = "{fake_url}"
page_size = "{page_size}"
subscription_id = "{subscription}"

[plugin.strava.secrets]
verify_token = "verify"

[plugin.strava.rate_limits]
overall = [{overall}, 100000]
read = [{read}, 100000]

{windows}"#,
        data = dir.join("data").display(),
        subscription = stride_e2e::fake_strava::SUBSCRIPTION_ID,
        plugins = stride::plugins::BUNDLED_PLUGINS_DIR,
        overall = limits.0,
        read = limits.1,
    );
    let path = dir.join(format!("{name}.toml"));
    std::fs::write(&path, text).expect("config");
    path
}

/// Polls `check` every 100 ms for up to `seconds`; whether it came true.
async fn wait_until<F, Fut>(seconds: u64, mut check: F) -> bool
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = std::time::Instant::now() + Duration::from_secs(seconds);
    while std::time::Instant::now() < deadline {
        if check().await {
            return true;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    false
}

/// The last lines a host logged, for failure messages.
fn log_tail(log: &Path) -> String {
    let text = std::fs::read_to_string(log).unwrap_or_default();
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.contains("finished processing request"))
        .collect();
    lines[lines.len().saturating_sub(30)..].join("\n")
}

fn stride(config: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_stride"));
    command.arg("--config").arg(config).env_remove("RUST_LOG");
    command
}

fn create_owner(config: &Path) {
    let mut child = stride(config)
        .args([
            "admin",
            "create-owner",
            "--email",
            "owner@example.test",
            "--password-stdin",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .expect("stride admin create-owner");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(PASSWORD.as_bytes())
        .expect("password");
    assert!(child.wait().expect("exit").success(), "create-owner failed");
}

async fn start(config: &Path, log: &Path, port: u16) -> Host {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log)
        .expect("log file");
    let child = stride(config)
        .arg("serve")
        .stdout(file.try_clone().expect("log"))
        .stderr(file)
        .spawn()
        .expect("stride serve");
    let url = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    wait_for("the host to be ready", 120, || async {
        match client.get(format!("{url}/readyz")).send().await {
            Ok(r) if r.status() == 200 => Some(()),
            _ => None,
        }
    })
    .await;
    Host { child, url }
}

async fn gql(url: &str, token: Option<&str>, query: &str, variables: Value) -> Value {
    let mut request = reqwest::Client::new()
        .post(format!("{url}/graphql"))
        .json(&json!({ "query": query, "variables": variables }));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    let body: Value = request
        .send()
        .await
        .expect("answer")
        .json()
        .await
        .expect("json");
    assert!(body.get("errors").is_none(), "{body}");
    body["data"].clone()
}

/// Signs an athlete up through `host` and connects them to Strava athlete `strava_id`.
async fn connected_athlete(host: &Host, fake: &FakeStrava, email: &str, strava_id: u64) -> String {
    let login = gql(
        &host.url,
        None,
        "mutation($p: String!) { login(email: \"owner@example.test\", password: $p) { token } }",
        json!({ "p": PASSWORD }),
    )
    .await;
    let owner = login["login"]["token"].as_str().expect("token").to_owned();
    let invite = gql(
        &host.url,
        Some(&owner),
        "mutation { createInvite(role: ATHLETE) { token } }",
        json!({}),
    )
    .await;
    let signed = gql(
        &host.url,
        None,
        "mutation($i: SignUpInput!) { signUp(input: $i) { token } }",
        json!({ "i": { "inviteToken": invite["createInvite"]["token"], "email": email, "password": "athlete-password", "displayName": email } }),
    )
    .await;
    let token = signed["signUp"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    fake.log_in_as(strava_id, None);
    let link = gql(
        &host.url,
        Some(&token),
        "mutation { connectProvider(provider: \"strava\") { authorizeUrl } }",
        json!({}),
    )
    .await;
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("client");
    let redirect = browser
        .get(
            link["connectProvider"]["authorizeUrl"]
                .as_str()
                .expect("url"),
        )
        .send()
        .await
        .expect("authorize");
    let callback = redirect.headers()["location"]
        .to_str()
        .expect("location")
        .to_owned();
    assert_eq!(
        browser
            .get(callback)
            .send()
            .await
            .expect("callback")
            .status(),
        200
    );
    token
}

async fn backfill(url: &str, token: &str) -> Value {
    gql(
        url,
        Some(token),
        "{ backfill(provider: \"strava\") { status pagesDone activitiesDone } }",
        json!({}),
    )
    .await["backfill"]
        .clone()
}

async fn external_ids(url: &str, token: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = gql(url, Some(token), "query($a: String) { activities(first: 200, after: $a) { edges { node { externalId } } pageInfo { hasNextPage endCursor } } }", json!({ "a": after })).await;
        let connection = &page["activities"];
        ids.extend(
            connection["edges"]
                .as_array()
                .expect("edges")
                .iter()
                .filter_map(|e| e["node"]["externalId"].as_str().map(str::to_owned)),
        );
        if connection["pageInfo"]["hasNextPage"] != json!(true) {
            return ids;
        }
        after = connection["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_owned);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn killing_the_host_mid_ingestion_loses_and_doubles_nothing() {
    let (_database, database_url) = TestDatabase::create().await;
    let dir = tempfile::tempdir().expect("dir");
    let clock: SharedClock = Arc::new(SystemClock);
    let fake = FakeStrava::start(clock.clone()).await;
    fake.set_limits(Limits {
        overall: (10_000, 100_000),
        read: (10_000, 100_000),
        window_s: 900,
    });
    // Slow replies stretch the import so the kill lands in the middle of it.
    fake.set_faults(Faults {
        slow: Some(Duration::from_millis(60)),
        ..Faults::default()
    });
    let history = fake.add_history(4242, 500, Utc::now() - TimeDelta::days(1));
    let port = free_port();
    let config = write_config(
        dir.path(),
        "host",
        &database_url,
        port,
        &fake,
        None,
        10,
        (10_000, 10_000),
    );
    let log = dir.path().join("host.log");
    create_owner(&config);
    let host = start(&config, &log, port).await;
    let token = connected_athlete(&host, &fake, "ann@example.test", 4242).await;
    assert_eq!(
        fake.subscribe(&format!("{}/webhooks/strava", host.url), "verify")
            .await
            .status(),
        201
    );

    wait_for("the import to be under way", 60, || async {
        (backfill(&host.url, &token).await["pagesDone"]
            .as_i64()
            .unwrap_or(0)
            >= 8)
            .then_some(())
    })
    .await;
    // New activities arrive by webhook while the import runs; the host dies right after.
    let mut created = Vec::new();
    for i in 0..10 {
        let id = fake.create_activity(
            4242,
            Utc::now() - TimeDelta::hours(2 + i),
            &format!("webhook run {i}"),
        );
        fake.deliver(&fake.activity_event(4242, id, "create", json!({})))
            .await;
        created.push(id);
    }
    let before_kill = backfill(&host.url, &token).await;
    let mut host = host;
    host.child.kill().expect("kill -9");
    host.child.wait().expect("reaped");
    assert_ne!(
        before_kill["status"], "done",
        "the kill landed before the import finished: {before_kill}"
    );

    let host = start(&config, &log, port).await;
    let finished = wait_until(180, || async {
        backfill(&host.url, &token).await["status"] == "done"
    })
    .await;
    assert!(
        finished,
        "the import did not finish after the restart: {}\n{}",
        backfill(&host.url, &token).await,
        log_tail(&log)
    );
    wait_for("the webhook events to be stored", 60, || async {
        let ids = external_ids(&host.url, &token).await;
        (ids.len() >= 510).then_some(())
    })
    .await;
    let ids = external_ids(&host.url, &token).await;
    let unique: BTreeSet<&String> = ids.iter().collect();
    assert_eq!(ids.len(), 510, "every activity exactly once");
    let expected: BTreeSet<String> = history.iter().chain(&created).map(u64::to_string).collect();
    assert_eq!(
        unique.into_iter().cloned().collect::<BTreeSet<_>>(),
        expected
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hosts_share_the_work_and_the_rate_budget() {
    let (_database, database_url) = TestDatabase::create().await;
    let dir = tempfile::tempdir().expect("dir");
    let clock: SharedClock = Arc::new(SystemClock);
    let fake = FakeStrava::start(clock).await;
    // 30 reads per 4-second window for the whole application, shared by both hosts.
    fake.set_limits(Limits {
        overall: (100, 100_000),
        read: (30, 100_000),
        window_s: 4,
    });
    let now = Utc::now();
    let first = fake.add_history(1111, 300, now - TimeDelta::days(1));
    let second = fake.add_history(2222, 300, now - TimeDelta::days(1));
    let (port_a, port_b) = (free_port(), free_port());
    let config_a = write_config(
        dir.path(),
        "a",
        &database_url,
        port_a,
        &fake,
        Some(4),
        10,
        (100, 30),
    );
    let config_b = write_config(
        dir.path(),
        "b",
        &database_url,
        port_b,
        &fake,
        Some(4),
        10,
        (100, 30),
    );
    create_owner(&config_a);
    let a = start(&config_a, &dir.path().join("a.log"), port_a).await;
    let b = start(&config_b, &dir.path().join("b.log"), port_b).await;
    let ann = connected_athlete(&a, &fake, "ann@example.test", 1111).await;
    let bob = connected_athlete(&b, &fake, "bob@example.test", 2222).await;

    for (host, token, log) in [(&a, &ann, "a.log"), (&b, &bob, "b.log")] {
        let finished = wait_until(240, || async {
            backfill(&host.url, token).await["status"] == "done"
        })
        .await;
        assert!(
            finished,
            "an import did not finish: {}\n{}",
            backfill(&host.url, token).await,
            log_tail(&dir.path().join(log))
        );
    }
    let (ann_ids, bob_ids) = (
        external_ids(&a.url, &ann).await,
        external_ids(&b.url, &bob).await,
    );
    assert_eq!(ann_ids.iter().collect::<BTreeSet<_>>().len(), 300);
    assert_eq!(bob_ids.iter().collect::<BTreeSet<_>>().len(), 300);
    assert_eq!(ann_ids.len() + bob_ids.len(), 600, "nothing doubled");
    assert_eq!(
        ann_ids.into_iter().collect::<BTreeSet<_>>(),
        first.iter().map(u64::to_string).collect::<BTreeSet<_>>()
    );
    assert_eq!(
        bob_ids.into_iter().collect::<BTreeSet<_>>(),
        second.iter().map(u64::to_string).collect::<BTreeSet<_>>()
    );
    // 31 pages each (30 full and an empty one), each fetched once, and the shared budget held:
    // Strava never had to refuse a request.
    assert_eq!(fake.served("GET /athlete/activities"), 62);
    assert_eq!(
        fake.rejected_429(),
        0,
        "the hosts together stayed within the application's limit"
    );
    assert!(fake.peak_usage("read", "short") <= 30);
    // Both processes ran jobs.
    for log in ["a.log", "b.log"] {
        let text = std::fs::read_to_string(dir.path().join(log)).expect("log");
        assert!(text.contains("stored its records"), "{log} ran no job");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stride_import_reads_files_and_folders_and_says_what_it_refused() {
    let (_database, database_url) = TestDatabase::create().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let config = dir.path().join("stride.toml");
    std::fs::write(
        &config,
        format!(
            "database_url = \"{database_url}\"\ndata_dir = \"{}\"\nlog_format = \"json\"\n",
            dir.path().join("data").display()
        ),
    )
    .expect("config");
    create_owner(&config);
    // A folder holding a watch's FIT file, a GPX, a truncated FIT and something else.
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures/files");
    let folder = dir.path().join("export");
    std::fs::create_dir_all(folder.join("nested")).expect("folder");
    for (from, to) in [
        ("fitparse_activity-small-fenix2-run.fit", "nested/run.fit"),
        ("georust-gpx_garmin-activity.gpx", "walk.gpx"),
        ("fitparse_activity-unexpected-eof.fit", "broken.fit"),
        ("LICENSES.txt", "notes.txt"),
    ] {
        std::fs::copy(shared.join(from), folder.join(to)).expect("copy a fixture");
    }
    let run = |paths: &[&Path]| {
        let output = stride(&config)
            .args(["import", "--athlete", "owner@example.test"])
            .args(paths)
            .output()
            .expect("stride import");
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        (output.status.success(), stdout)
    };
    let (ok, stdout) = run(&[&folder]);
    assert!(ok, "{stdout}");
    assert!(
        stdout.contains("imported 2 activities from 3 files"),
        "the text file is not read, the broken one is named: {stdout}"
    );
    assert!(
        stdout.contains("broken.fit") && stdout.to_lowercase().contains("trunc"),
        "{stdout}"
    );
    // Again: the same two activities, nothing new.
    let (ok, again) = run(&[&folder.join("nested/run.fit")]);
    assert!(ok, "{again}");
    assert!(
        again.contains("imported 1 activities from 1 files"),
        "{again}"
    );
    let pool = stride_store::Store::connect(&database_url, 2)
        .await
        .expect("database");
    let owner = pool
        .user_by_email("owner@example.test")
        .await
        .expect("owner");
    let stored = pool
        .list_activities(owner.id, stride_store::DateRange::default(), None, 50)
        .await
        .expect("activities");
    assert_eq!(stored.len(), 2, "{stored:?}");
    // An athlete who does not exist is named.
    let output = stride(&config)
        .args(["import", "--athlete", "nobody@example.test"])
        .arg(&folder)
        .output()
        .expect("stride import");
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("nobody@example.test"));
}
