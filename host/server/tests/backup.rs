//! `stride backup` and `stride restore` as an operator runs them: the real binary, a server
//! process being written to while the backup is taken, and restores into fresh data
//! directories that must then serve the same data and verify the same audit log. The SQLite
//! tests always run; the PostgreSQL round trip runs when `STRIDE_TEST_DATABASE_URL` names a
//! server (and fails, never skips, when that server is unreachable).

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use chrono::{TimeDelta, Utc};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use stride::connections::keys::KeyRing;
use stride_e2e::{TestDatabase, wait_for};
use stride_store::{NewConnection, SealedTokens, Store};

const OWNER: &str = "owner@example.test";
const OWNER_PASSWORD: &str = "owner-password-123";
const ATHLETE: &str = "ann@example.test";
const ATHLETE_PASSWORD: &str = "athlete-password";

/// A `stride serve` process, killed when dropped.
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

/// One deployment's files: its configuration, database (for SQLite) and data directory.
struct Deployment {
    config: PathBuf,
    data_dir: PathBuf,
    database_url: String,
    port: u16,
    log: PathBuf,
}

impl Deployment {
    /// A deployment named `name` under `dir`; on SQLite (`database_url` `None`) its database
    /// is `<dir>/<name>/stride.db`.
    fn new(dir: &Path, name: &str, database_url: Option<&str>) -> Self {
        let home = dir.join(name);
        std::fs::create_dir_all(&home).expect("deployment directory");
        let database_url = database_url.map_or_else(
            || format!("sqlite://{}", home.join("stride.db").display()),
            str::to_owned,
        );
        let port = free_port();
        let data_dir = home.join("data");
        let config = home.join("stride.toml");
        std::fs::write(
            &config,
            format!(
                r#"database_url = "{database_url}"
listen = "127.0.0.1:{port}"
public_url = "http://127.0.0.1:{port}"
data_dir = "{data}"
log_format = "json"
log_filter = "info,sqlx=warn"

[plugins]
cache_dir = "{cache}"

[jobs]
poll_ms = 50

# Every client here is 127.0.0.1: the per-address limits would meter the whole test as one.
[http]
per_address_per_s = 1000000
per_address_burst = 1000000
per_session_per_s = 1000000
per_session_burst = 1000000
"#,
                data = data_dir.display(),
                cache = stride_e2e::plugin_cache_dir().display(),
            ),
        )
        .expect("config");
        Self {
            config,
            data_dir,
            log: home.join("host.log"),
            database_url,
            port,
        }
    }

    fn keys_file(&self) -> PathBuf {
        self.data_dir.join("keys.json")
    }

    /// The SQLite database file.
    fn database_file(&self) -> PathBuf {
        PathBuf::from(
            self.database_url
                .strip_prefix("sqlite://")
                .expect("a SQLite deployment"),
        )
    }

    fn stride(&self) -> Command {
        let mut command = Command::new(env!("CARGO_BIN_EXE_stride"));
        command
            .arg("--config")
            .arg(&self.config)
            .env_remove("RUST_LOG");
        command
    }

    /// Runs `stride <args>` to completion.
    async fn run(&self, args: &[&str]) -> Output {
        let mut command = tokio::process::Command::from(self.stride());
        command.args(args).stdin(Stdio::null());
        command.output().await.expect("stride runs")
    }

    fn create_owner(&self) {
        let mut child = self
            .stride()
            .args([
                "admin",
                "create-owner",
                "--email",
                OWNER,
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
            .write_all(OWNER_PASSWORD.as_bytes())
            .expect("password");
        assert!(child.wait().expect("exit").success(), "create-owner failed");
    }

    async fn start(&self) -> Host {
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .expect("log file");
        let child = self
            .stride()
            .arg("serve")
            .stdout(file.try_clone().expect("log"))
            .stderr(file)
            .spawn()
            .expect("stride serve");
        let url = format!("http://127.0.0.1:{}", self.port);
        let client = reqwest::Client::new();
        let host = Host { child, url };
        wait_for("the host to be ready", 120, || async {
            match client.get(format!("{}/readyz", host.url)).send().await {
                Ok(r) if r.status() == 200 => Some(()),
                _ => None,
            }
        })
        .await;
        host
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

/// Runs a command that must succeed; returns what it printed.
async fn ok(deployment: &Deployment, args: &[&str]) -> String {
    let output = deployment.run(args).await;
    let printed = text(&output);
    assert!(
        output.status.success(),
        "stride {args:?} failed:\n{printed}"
    );
    printed
}

/// Runs a command that must fail; returns what it printed.
async fn refused(deployment: &Deployment, args: &[&str]) -> String {
    let output = deployment.run(args).await;
    let printed = text(&output);
    assert!(
        !output.status.success(),
        "stride {args:?} should have been refused:\n{printed}"
    );
    printed
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

async fn login(url: &str, email: &str, password: &str) -> String {
    let data = gql(
        url,
        None,
        "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
        json!({ "e": email, "p": password }),
    )
    .await;
    data["login"]["token"]
        .as_str()
        .expect("a session token")
        .to_owned()
}

/// The owner invites Ann, who signs up; returns the owner's and Ann's tokens.
async fn owner_and_athlete(url: &str) -> (String, String) {
    let owner = login(url, OWNER, OWNER_PASSWORD).await;
    let invite = gql(
        url,
        Some(&owner),
        "mutation { createInvite(role: ATHLETE) { token } }",
        json!({}),
    )
    .await;
    let signed = gql(
        url,
        None,
        "mutation($i: SignUpInput!) { signUp(input: $i) { token } }",
        json!({ "i": { "inviteToken": invite["createInvite"]["token"], "email": ATHLETE, "password": ATHLETE_PASSWORD, "displayName": "Ann" } }),
    )
    .await;
    let ann = signed["signUp"]["token"]
        .as_str()
        .expect("token")
        .to_owned();
    (owner, ann)
}

async fn log_run(url: &str, token: &str, n: usize) {
    let start = Utc::now() - TimeDelta::days(1) - TimeDelta::minutes(n as i64);
    gql(
        url,
        Some(token),
        "mutation($s: DateTime!, $n: String!) { logActivity(input: { sport: RUN, name: $n, startTime: $s, durationSeconds: 1800 }) { id } }",
        json!({ "s": start.to_rfc3339(), "n": format!("run {n}") }),
    )
    .await;
}

/// The names of the athlete's activities.
async fn activity_names(url: &str, token: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = gql(
            url,
            Some(token),
            "query($a: String) { activities(first: 200, after: $a) { edges { node { name } } pageInfo { hasNextPage endCursor } } }",
            json!({ "a": after }),
        )
        .await;
        let connection = &page["activities"];
        names.extend(
            connection["edges"]
                .as_array()
                .expect("edges")
                .iter()
                .filter_map(|e| e["node"]["name"].as_str().map(str::to_owned)),
        );
        if connection["pageInfo"]["hasNextPage"] != json!(true) {
            return names;
        }
        after = connection["pageInfo"]["endCursor"]
            .as_str()
            .map(str::to_owned);
    }
}

/// Stores a provider connection for `email` whose token is sealed with the deployment's
/// active key, as connecting Strava would.
async fn store_provider_token(deployment: &Deployment, email: &str) {
    let store = Store::connect(&deployment.database_url, 2)
        .await
        .expect("database");
    let keys = KeyRing::from_file(&deployment.keys_file()).expect("keys");
    let (access, key_id) = keys.seal("strava-access-token").expect("seal");
    let user = store.user_by_email(email).await.expect("user");
    let tokens = SealedTokens {
        access,
        refresh: None,
        key_id,
        expires_at: None,
    };
    let mut tx = store.begin().await.expect("transaction");
    store
        .upsert_connection(
            &mut tx,
            &NewConnection {
                user_id: user.id,
                provider: "strava",
                external_athlete_id: "4242",
                scopes: "read,activity:read_all",
                tokens: &tokens,
            },
            Utc::now(),
        )
        .await
        .expect("connection");
    tx.commit().await.expect("commit");
    store.close().await;
}

/// An archive's members, in order.
fn read_members(archive: &Path) -> Vec<(String, Vec<u8>)> {
    let file = std::fs::File::open(archive).expect("archive");
    let mut tar = tar::Archive::new(file);
    tar.entries()
        .expect("entries")
        .map(|entry| {
            let mut entry = entry.expect("entry");
            let name = entry.path().expect("path").to_string_lossy().into_owned();
            let mut bytes = Vec::new();
            entry.read_to_end(&mut bytes).expect("member");
            (name, bytes)
        })
        .collect()
}

fn write_members(archive: &Path, members: &[(String, Vec<u8>)]) {
    let mut builder = tar::Builder::new(std::fs::File::create(archive).expect("archive"));
    for (name, bytes) in members {
        let mut header = tar::Header::new_ustar();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o600);
        builder
            .append_data(&mut header, name, bytes.as_slice())
            .expect("member");
    }
    builder.finish().expect("archive");
}

fn member<'a>(members: &'a mut [(String, Vec<u8>)], name: &str) -> &'a mut Vec<u8> {
    &mut members
        .iter_mut()
        .find(|(n, _)| n == name)
        .unwrap_or_else(|| panic!("the backup holds {name}"))
        .1
}

/// Rewrites the manifest's checksums and sizes to match the members (dropping those no
/// longer there), as someone repacking a backup by hand would; `edit` may change it first.
fn reseal(members: &mut [(String, Vec<u8>)], edit: impl FnOnce(&mut Value)) {
    let sums: Vec<(String, String, usize)> = members
        .iter()
        .map(|(name, bytes)| {
            (
                name.clone(),
                hex::encode(Sha256::digest(bytes)),
                bytes.len(),
            )
        })
        .collect();
    let manifest = member(members, "manifest.json");
    let mut value: Value = serde_json::from_slice(manifest).expect("manifest");
    edit(&mut value);
    let listed: Vec<Value> = value["members"]
        .as_array()
        .expect("members")
        .iter()
        .filter_map(|m| {
            let (name, sha, size) = sums.iter().find(|(n, _, _)| m["name"] == json!(n))?;
            Some(json!({ "name": name, "sha256": sha, "size": size }))
        })
        .collect();
    value["members"] = Value::Array(listed);
    *manifest = serde_json::to_vec_pretty(&value).expect("json");
}

/// Writes a changed copy of the backup at `good` to `<dir>/<name>.tar`.
fn variant(
    good: &Path,
    dir: &Path,
    name: &str,
    change: impl FnOnce(&mut Vec<(String, Vec<u8>)>),
) -> PathBuf {
    let mut members = read_members(good);
    change(&mut members);
    let path = dir.join(format!("{name}.tar"));
    write_members(&path, &members);
    path
}

/// A keys file of another deployment.
fn foreign_keys(dir: &Path) -> Vec<u8> {
    let path = dir.join("foreign").join("keys.json");
    KeyRing::from_file(&path).expect("new keys");
    std::fs::read(path).expect("keys")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_the_server_writes_restores_into_a_fresh_data_dir() {
    let dir = tempfile::tempdir().expect("dir");
    let source = Deployment::new(dir.path(), "source", None);
    source.create_owner();
    let host = source.start().await;
    let (owner, ann) = owner_and_athlete(&host.url).await;
    for n in 0..5 {
        log_run(&host.url, &ann, n).await;
    }

    // Ann logs runs and the owner writes audited invites, without pause, until told to stop.
    let stop = Arc::new(AtomicBool::new(false));
    let written = Arc::new(AtomicUsize::new(5));
    let writer = {
        let (stop, written, url, ann, owner) = (
            stop.clone(),
            written.clone(),
            host.url.clone(),
            ann.clone(),
            owner.clone(),
        );
        tokio::spawn(async move {
            while !stop.load(Ordering::SeqCst) {
                let n = written.load(Ordering::SeqCst);
                log_run(&url, &ann, n).await;
                written.fetch_add(1, Ordering::SeqCst);
                gql(
                    &url,
                    Some(&owner),
                    "mutation { createInvite(role: ATHLETE) { token } }",
                    json!({}),
                )
                .await;
            }
        })
    };
    wait_for("writes to flow", 60, || async {
        (written.load(Ordering::SeqCst) >= 15).then_some(())
    })
    .await;
    let archive = dir.path().join("nightly.tar");
    let before = written.load(Ordering::SeqCst);
    let printed = ok(&source, &["backup", "--out", &archive.to_string_lossy()]).await;
    let after = written.load(Ordering::SeqCst);
    assert!(printed.contains("wrote"), "{printed}");
    // The server keeps writing after the backup; none of that may be in it.
    wait_for("more writes after the backup", 60, || async {
        (written.load(Ordering::SeqCst) >= after + 5).then_some(())
    })
    .await;
    stop.store(true, Ordering::SeqCst);
    writer.await.expect("the writer finished");
    let final_count = written.load(Ordering::SeqCst);
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&archive)
            .expect("archive")
            .permissions()
            .mode();
        assert_eq!(mode & 0o077, 0, "the backup holds keys: owner only");
    }
    let names: Vec<String> = read_members(&archive).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["manifest.json", "database.sqlite", "keys.json"]);

    // A fresh machine: nothing but the configuration.
    let restored = Deployment::new(dir.path(), "restored", None);
    let printed = ok(&restored, &["restore", &archive.to_string_lossy()]).await;
    assert!(printed.contains("audit log intact"), "{printed}");
    assert_eq!(
        std::fs::read(restored.keys_file()).expect("the keys file is restored"),
        std::fs::read(source.keys_file()).expect("keys")
    );
    let printed = ok(&restored, &["audit", "verify"]).await;
    assert!(printed.contains("audit log intact"), "{printed}");

    let host_b = restored.start().await;
    let ann_b = login(&host_b.url, ATHLETE, ATHLETE_PASSWORD).await;
    let runs = activity_names(&host_b.url, &ann_b).await;
    eprintln!(
        "{before} runs logged when the backup started, {after} when it ended, {} in it, {final_count} in all",
        runs.len()
    );
    assert!(
        // One run may be stored but not yet counted when the count is read.
        runs.len() >= before && runs.len() <= after + 1,
        "the backup holds the runs logged by the time it started ({before}) and at most those logged by its end ({after}); it holds {}",
        runs.len()
    );
    assert!(runs.len() < final_count, "later writes are not in it");
    // Runs are logged one after another: a consistent copy holds a prefix of them.
    let mut expected: Vec<String> = (0..runs.len()).map(|n| format!("run {n}")).collect();
    let mut got = runs.clone();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);

    // The restored deployment goes on: it writes and signs with the restored keys.
    let owner_b = login(&host_b.url, OWNER, OWNER_PASSWORD).await;
    gql(
        &host_b.url,
        Some(&owner_b),
        "mutation { createInvite(role: COACH) { token } }",
        json!({}),
    )
    .await;
    log_run(&host_b.url, &ann_b, runs.len()).await;
    let printed = ok(&restored, &["audit", "verify"]).await;
    assert!(printed.contains("audit log intact"), "{printed}");
    drop(host);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn restore_refuses_damaged_keyless_foreign_and_newer_backups_and_existing_data() {
    let dir = tempfile::tempdir().expect("dir");
    let source = Deployment::new(dir.path(), "source", None);
    source.create_owner();
    store_provider_token(&source, OWNER).await;
    let good = dir.path().join("good.tar");
    ok(&source, &["backup", "--out", &good.to_string_lossy()]).await;
    let printed = refused(&source, &["backup", "--out", &good.to_string_lossy()]).await;
    assert!(printed.contains("already exists"), "{printed}");

    let target = Deployment::new(dir.path(), "target", None);
    let restore = |archive: PathBuf| {
        let target = &target;
        async move { refused(target, &["restore", &archive.to_string_lossy()]).await }
    };

    let tampered = variant(&good, dir.path(), "tampered", |members| {
        let database = member(members, "database.sqlite");
        let middle = database.len() / 2;
        database[middle] ^= 0x55;
    });
    let printed = restore(tampered).await;
    assert!(
        printed.contains("damaged") && printed.contains("database.sqlite"),
        "{printed}"
    );

    let keys_removed = variant(&good, dir.path(), "keys-removed", |members| {
        members.retain(|(name, _)| name != "keys.json");
    });
    let printed = restore(keys_removed).await;
    assert!(
        printed.contains("keys.json") && printed.contains("missing"),
        "{printed}"
    );

    let keyless = variant(&good, dir.path(), "keyless", |members| {
        members.retain(|(name, _)| name != "keys.json");
        reseal(members, |_| {});
    });
    let printed = restore(keyless).await;
    assert!(printed.contains("holds no keys file"), "{printed}");

    let foreign = foreign_keys(dir.path());
    let foreign_keys_backup = variant(&good, dir.path(), "foreign-keys", |members| {
        *member(members, "keys.json") = foreign;
        reseal(members, |_| {});
    });
    let printed = restore(foreign_keys_backup).await;
    assert!(
        printed.contains("token key `k1`") && printed.contains("another deployment"),
        "{printed}"
    );

    // The token key's id renamed away: the key the tokens name is missing.
    let renamed = variant(&good, dir.path(), "renamed-key", |members| {
        let keys = member(members, "keys.json");
        let mut value: Value = serde_json::from_slice(keys).expect("keys");
        let key = value["keys"]["k1"].take();
        value["keys"] = json!({ "k9": key });
        value["active"] = json!("k9");
        *keys = serde_json::to_vec(&value).expect("json");
        reseal(members, |_| {});
    });
    let printed = restore(renamed).await;
    assert!(printed.contains("lack token key `k1`"), "{printed}");

    // The right token keys but another audit key: the head's signature does not verify.
    let other_audit = serde_json::from_slice::<Value>(&foreign_keys(&dir.path().join("more")))
        .expect("keys")["audit_key"]
        .clone();
    let audit_swapped = variant(&good, dir.path(), "audit-key", |members| {
        let keys = member(members, "keys.json");
        let mut value: Value = serde_json::from_slice(keys).expect("keys");
        value["audit_key"] = other_audit;
        *keys = serde_json::to_vec(&value).expect("json");
        reseal(members, |_| {});
    });
    let printed = restore(audit_swapped).await;
    assert!(printed.contains("did not sign"), "{printed}");

    let newer_manifest = variant(&good, dir.path(), "newer-manifest", |members| {
        reseal(members, |manifest| manifest["migration"] = json!(99_990));
    });
    let printed = restore(newer_manifest).await;
    assert!(printed.contains("schema version 99990"), "{printed}");

    // The database itself says so, whatever the manifest claims.
    let newer_database = {
        let mut members = read_members(&good);
        let scratch = dir.path().join("scratch.db");
        std::fs::write(&scratch, member(&mut members, "database.sqlite")).expect("scratch");
        let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", scratch.display()))
            .await
            .expect("scratch database");
        sqlx::query(
            "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) \
             VALUES (99991, 'from the future', 1, x'00', 0)",
        )
        .execute(&pool)
        .await
        .expect("a future migration");
        pool.close().await;
        *member(&mut members, "database.sqlite") = std::fs::read(&scratch).expect("scratch");
        reseal(&mut members, |_| {});
        let path = dir.path().join("newer-database.tar");
        write_members(&path, &members);
        path
    };
    let printed = restore(newer_database).await;
    assert!(printed.contains("schema version 99991"), "{printed}");

    // Nothing was written by any refused restore.
    assert!(!target.database_file().exists());
    assert!(!target.keys_file().exists());

    // A webhook inbox left without its database is named, not a database that is not there.
    let stray_inbox = {
        let mut name = target.database_file().into_os_string();
        name.push("-inbox");
        std::path::PathBuf::from(name)
    };
    std::fs::write(&stray_inbox, b"left behind").expect("a stray inbox");
    let printed = refused(&target, &["restore", &good.to_string_lossy()]).await;
    assert!(
        printed.contains(&*stray_inbox.to_string_lossy()) && printed.contains("--force"),
        "{printed}"
    );
    std::fs::remove_file(&stray_inbox).expect("removing the stray inbox");

    // An existing database is kept unless --force, and kept aside with it.
    let printed = refused(&source, &["restore", &good.to_string_lossy()]).await;
    assert!(
        printed.contains("already exists") && printed.contains("--force"),
        "{printed}"
    );
    let printed = ok(&target, &["restore", &good.to_string_lossy()]).await;
    assert!(printed.contains("audit log intact"), "{printed}");
    let printed = refused(&target, &["restore", &good.to_string_lossy()]).await;
    assert!(printed.contains("already exists"), "{printed}");
    let printed = ok(&target, &["restore", "--force", &good.to_string_lossy()]).await;
    assert!(printed.contains("kept the previous file"), "{printed}");
    let home = target.database_file();
    let home = home.parent().expect("directory");
    let kept: Vec<String> = std::fs::read_dir(home)
        .expect("directory")
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .filter(|n| n.starts_with("stride.db.before-restore-"))
        .collect();
    assert_eq!(kept.len(), 1, "{kept:?}");
    // Another deployment's keys file in the way is also replaced only with --force.
    std::fs::write(target.keys_file(), foreign_keys(&dir.path().join("third"))).expect("keys");
    let printed = refused(&target, &["restore", &good.to_string_lossy()]).await;
    assert!(printed.contains("different keys file"), "{printed}");
    let printed = ok(&target, &["restore", "--force", &good.to_string_lossy()]).await;
    assert!(printed.contains("keys.json.before-restore-"), "{printed}");
    assert_eq!(
        std::fs::read(target.keys_file()).expect("keys"),
        std::fs::read(source.keys_file()).expect("keys")
    );
    let printed = ok(&target, &["audit", "verify"]).await;
    assert!(printed.contains("audit log intact"), "{printed}");
    let store = Store::connect(&target.database_url, 1)
        .await
        .expect("database");
    let owner = store.user_by_email(OWNER).await.expect("the owner");
    let connections = store.connections_of(owner.id).await.expect("connections");
    assert_eq!(connections.len(), 1);
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_backup_restores_into_another_database_and_serves_it() {
    let Some(server) = std::env::var("STRIDE_TEST_DATABASE_URL")
        .ok()
        .filter(|url| url.starts_with("postgres"))
    else {
        eprintln!(
            "STRIDE_TEST_DATABASE_URL names no PostgreSQL server: the PostgreSQL round trip runs in the PostgreSQL pass"
        );
        return;
    };
    // Fresh databases, dropped when the test ends; an unreachable server fails the test.
    let (_source_db, source_url) = TestDatabase::create_on(Some(&server)).await;
    let (_target_db, target_url) = TestDatabase::create_on(Some(&server)).await;
    let (_spare_db, spare_url) = TestDatabase::create_on(Some(&server)).await;
    let dir = tempfile::tempdir().expect("dir");
    let source = Deployment::new(dir.path(), "source", Some(&source_url));
    source.create_owner();
    store_provider_token(&source, OWNER).await;
    let host = source.start().await;
    let (_owner, ann) = owner_and_athlete(&host.url).await;
    for n in 0..3 {
        log_run(&host.url, &ann, n).await;
    }
    let archive = dir.path().join("pg.tar");
    ok(&source, &["backup", "--out", &archive.to_string_lossy()]).await;
    let names: Vec<String> = read_members(&archive).into_iter().map(|(n, _)| n).collect();
    assert_eq!(names, ["manifest.json", "database.pgdump", "keys.json"]);
    log_run(&host.url, &ann, 3).await;
    drop(host);

    // Another deployment's keys: refused before the empty database is touched.
    let spare = Deployment::new(dir.path(), "spare", Some(&spare_url));
    let foreign = foreign_keys(dir.path());
    let foreign_keys_backup = variant(&archive, dir.path(), "foreign", |members| {
        *member(members, "keys.json") = foreign;
        reseal(members, |_| {});
    });
    let printed = refused(&spare, &["restore", &foreign_keys_backup.to_string_lossy()]).await;
    assert!(printed.contains("another deployment"), "{printed}");
    let pool = sqlx::PgPool::connect(&spare_url).await.expect("spare");
    let tables: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .fetch_one(&pool)
    .await
    .expect("tables");
    pool.close().await;
    assert_eq!(tables, 0, "a refused restore writes nothing");

    let target = Deployment::new(dir.path(), "target", Some(&target_url));
    let printed = ok(&target, &["restore", &archive.to_string_lossy()]).await;
    assert!(printed.contains("audit log intact"), "{printed}");
    let printed = ok(&target, &["audit", "verify"]).await;
    assert!(printed.contains("audit log intact"), "{printed}");
    {
        let host = target.start().await;
        let ann = login(&host.url, ATHLETE, ATHLETE_PASSWORD).await;
        let mut runs = activity_names(&host.url, &ann).await;
        runs.sort();
        assert_eq!(runs, ["run 0", "run 1", "run 2"]);
        log_run(&host.url, &ann, 10).await;
    }
    let printed = refused(&target, &["restore", &archive.to_string_lossy()]).await;
    assert!(printed.contains("already holds Stride tables"), "{printed}");
    ok(&target, &["restore", "--force", &archive.to_string_lossy()]).await;
    let host = target.start().await;
    let ann = login(&host.url, ATHLETE, ATHLETE_PASSWORD).await;
    assert_eq!(
        activity_names(&host.url, &ann).await.len(),
        3,
        "the forced restore replaced what was written since"
    );
    let store = Store::connect(&target_url, 1).await.expect("database");
    let owner = store.user_by_email(OWNER).await.expect("the owner");
    assert_eq!(
        store
            .connections_of(owner.id)
            .await
            .expect("connections")
            .len(),
        1
    );
    store.close().await;
    drop(host);
}
