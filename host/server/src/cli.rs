//! The `stride` command line.

use std::io::Read;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};

use crate::app::Application;
use crate::config::{Config, DatabaseUrl, LogFormat};
use stride_store::Store;

/// Stride: a self-hostable coaching platform for endurance athletes and coaches.
#[derive(Debug, Parser)]
#[command(name = "stride", version, about, long_about = None)]
pub struct Cli {
    /// TOML configuration file (values there override defaults; `STRIDE_*` variables override it).
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Database to use: `sqlite://stride.db` (default) or `postgres://user@host/db`.
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,

    /// Log format: `pretty` for a terminal, `json` for collectors.
    #[arg(long, global = true, value_enum)]
    pub log_format: Option<LogFormat>,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run the server (GraphQL and GraphiQL at /graphql). Migrates the database on start and,
    /// on the very first start, creates an owner account and prints its password once.
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080.
        #[arg(long, value_name = "ADDR")]
        listen: Option<SocketAddr>,
        /// Email of the owner account created on the first start.
        #[arg(long, default_value = "owner@stride.local")]
        owner_email: String,
    },
    /// Print the GraphQL schema (SDL), as committed in schema.graphql.
    Schema,
    /// Apply database migrations and exit.
    Migrate,
    /// Administration.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// The audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Plugins.
    #[command(subcommand)]
    Plugin(PluginCommand),
    /// Encryption keys for provider tokens.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Adaptation rules.
    #[command(subcommand)]
    Rule(RuleCommand),
    /// Import activity files for an athlete: FIT, GPX and TCX files (gzipped or not), folders
    /// of them, and zip archives such as a Garmin or Strava bulk export. Re-importing a file
    /// changes nothing; a workout another source already delivered is kept as its duplicate.
    Import {
        /// The athlete's email.
        #[arg(long, value_name = "EMAIL")]
        athlete: String,
        /// Files, folders (read recursively) and zip archives.
        #[arg(required = true, value_name = "PATH")]
        paths: Vec<std::path::PathBuf>,
    },
    /// Write a backup: one tar file holding the database (a consistent copy, taken while the
    /// server runs), the keys file and a manifest with checksums. It holds the keys: keep it
    /// as safe as the keys file.
    Backup {
        /// Where to write it (default: `stride-backup-<time>.tar` in the current directory).
        #[arg(long, value_name = "PATH")]
        out: Option<PathBuf>,
    },
    /// Restore a backup into the configured database and data directory, after checking its
    /// checksums, its schema version and that its keys open its data. Stop the server first.
    Restore {
        /// The backup file.
        #[arg(value_name = "PATH")]
        path: PathBuf,
        /// Replace an existing database (and a different keys file); existing files are kept
        /// beside as `<name>.before-restore-<time>`.
        #[arg(long)]
        force: bool,
    },
}

/// Rule subcommands.
#[derive(Debug, Subcommand)]
pub enum RuleCommand {
    /// Run a rule script against its fixtures (a JSON array of {name, snapshot, expected}) and
    /// report each case; the same check a rule must pass before it is put in force.
    Test {
        /// The rhai script.
        script: PathBuf,
        /// The fixtures file.
        fixtures: PathBuf,
        /// Write what the rule proposes as each case's `expected` instead of comparing.
        #[arg(long)]
        update: bool,
    },
}

/// Key subcommands.
#[derive(Debug, Subcommand)]
pub enum KeysCommand {
    /// Add a new token-encryption key, make it active and re-encrypt every stored token with
    /// it. Old keys stay in the key file so nothing becomes unreadable.
    Rotate,
}

/// Plugin subcommands.
#[derive(Debug, Subcommand)]
pub enum PluginCommand {
    /// Run a plugin against recorded fixtures (one folder per case) and compare its output
    /// with each case's expected.json; reports time and peak memory per call.
    Test {
        /// The plugin component (.wasm).
        wasm: PathBuf,
        /// The fixtures directory.
        fixtures: PathBuf,
        /// Write the actual output as each case's expected.json instead of comparing.
        #[arg(long)]
        update: bool,
    },
}

/// Administration subcommands.
#[derive(Debug, Subcommand)]
pub enum AdminCommand {
    /// Create an owner account. The password is read from standard input with
    /// `--password-stdin`, otherwise generated and printed once.
    CreateOwner {
        /// Login email.
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long, default_value = "Owner")]
        name: String,
        /// Read the password from standard input instead of generating one.
        #[arg(long)]
        password_stdin: bool,
    },
}

/// Audit subcommands.
#[derive(Debug, Subcommand)]
pub enum AuditCommand {
    /// Recompute the hash chain, check its signed head and checkpoints, and name the first
    /// thing that does not match.
    Verify {
        /// Also check the chain against a checkpoint exported earlier (`audit checkpoint`):
        /// detects a chain rolled back or rewritten since, even with a re-signed head.
        #[arg(long)]
        checkpoint: Option<PathBuf>,
    },
    /// Sign the chain as it stands and print the checkpoint (JSON): keep it outside the
    /// database, and verify against it later.
    Checkpoint,
}

/// Parses the command line and runs it.
pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut config = Config::load(cli.config.as_deref())?;
    if let Some(url) = cli.database_url {
        config.database_url = DatabaseUrl(url);
    }
    if let Some(format) = cli.log_format {
        config.log_format = format;
    }
    match cli.command {
        Command::Schema => {
            print!("{}", crate::api::graphql::sdl());
            Ok(())
        }
        Command::Serve {
            listen,
            owner_email,
        } => {
            if let Some(listen) = listen {
                config.listen = listen;
            }
            crate::telemetry::init(config.log_format, &config.log_filter);
            serve(config, &owner_email).await
        }
        Command::Migrate => {
            crate::telemetry::init(config.log_format, &config.log_filter);
            let store = connect(&config).await?;
            store.migrate().await?;
            println!(
                "database at {} is up to date",
                config.database_url.redacted()
            );
            Ok(())
        }
        Command::Admin(AdminCommand::CreateOwner {
            email,
            name,
            password_stdin,
        }) => {
            crate::telemetry::init(config.log_format, &config.log_filter);
            let app = Application::build(Config {
                listen: SocketAddr::from(([127, 0, 0, 1], 0)),
                ..config
            })
            .await?;
            let (password, generated) = if password_stdin {
                let mut text = String::new();
                std::io::stdin()
                    .read_to_string(&mut text)
                    .context("reading the password from standard input")?;
                (text.trim_end_matches(['\n', '\r']).to_owned(), false)
            } else {
                (crate::auth::secrets::generate_password(), true)
            };
            let user = app
                .state()
                .accounts
                .create_owner(&email, &password, &name)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("created owner {} ({})", user.email, user.id);
            if generated {
                println!("password (shown once): {password}");
            }
            Ok(())
        }
        Command::Plugin(PluginCommand::Test {
            wasm,
            fixtures,
            update,
        }) => {
            crate::telemetry::init(config.log_format, "warn");
            let results = stride_sandbox::harness::run(&wasm, &fixtures, update).await?;
            let failed = results.iter().filter(|r| !r.passed).count();
            for case in &results {
                let verdict = if update {
                    "saved"
                } else if case.passed {
                    "ok"
                } else {
                    "FAIL"
                };
                println!(
                    "{verdict:<6}{:<40}{:>8.1} ms{:>8.1} MiB peak",
                    case.name,
                    case.elapsed.as_secs_f64() * 1000.0,
                    case.peak_memory as f64 / (1024.0 * 1024.0)
                );
                if let Some(problem) = &case.problem {
                    println!("{problem}");
                }
            }
            println!("{} passed, {failed} failed", results.len() - failed);
            if failed > 0 {
                bail!("{failed} fixture case(s) failed");
            }
            Ok(())
        }
        Command::Keys(KeysCommand::Rotate) => {
            crate::telemetry::init(config.log_format, &config.log_filter);
            if !config.secrets.token_keys.is_empty() {
                bail!(
                    "the keys come from the configuration: add a new key under [secrets.token_keys], set secrets.active_token_key, restart, then run `stride keys rotate` is not needed — new tokens use it and old ones stay readable"
                );
            }
            let store = connect(&config).await?;
            store.migrate().await?;
            let mut keys =
                crate::connections::keys::KeyRing::from_file(&config.data_dir.join("keys.json"))?;
            let id = keys.rotate()?;
            let clock: stride_domain::clock::SharedClock =
                std::sync::Arc::new(stride_domain::clock::SystemClock);
            let count = crate::connections::reencrypt_all(&store, &keys, &clock)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("new active key {id}; re-encrypted the tokens of {count} connection(s)");
            Ok(())
        }
        Command::Rule(RuleCommand::Test {
            script,
            fixtures,
            update,
        }) => {
            let engine = crate::rules::RuleEngine::new(config.rules);
            let source = std::fs::read_to_string(&script)
                .with_context(|| format!("reading {}", script.display()))?;
            let text = std::fs::read_to_string(&fixtures)
                .with_context(|| format!("reading {}", fixtures.display()))?;
            let mut cases = crate::rules::parse_fixtures(&text, &config.rules)?;
            if update {
                for case in &mut cases {
                    case.expected = engine.evaluate(&source, &case.snapshot)?;
                }
                std::fs::write(&fixtures, serde_json::to_string_pretty(&cases)? + "\n")?;
                println!("recorded {} case(s) in {}", cases.len(), fixtures.display());
                return Ok(());
            }
            let report = crate::rules::check_fixtures(&engine, &source, &cases)?;
            for case in &cases {
                let failure = report.failures.iter().find(|(name, _)| *name == case.name);
                match failure {
                    None => println!("ok    {}", case.name),
                    Some((_, why)) => println!("FAIL  {}\n      {why}", case.name),
                }
            }
            println!(
                "{} passed, {} failed",
                report.cases - report.failures.len(),
                report.failures.len()
            );
            if !report.passed() {
                bail!("the rule does not pass its fixtures");
            }
            Ok(())
        }
        Command::Audit(AuditCommand::Verify { checkpoint }) => {
            crate::telemetry::init(config.log_format, &config.log_filter);
            let store = connect(&config).await?;
            let keys = crate::connections::keys::KeyRing::load(&config)?;
            let audit = crate::audit::Audit::new(store, keys.audit_keys());
            let external = match &checkpoint {
                Some(path) => {
                    let text = std::fs::read_to_string(path)
                        .with_context(|| format!("reading {}", path.display()))?;
                    Some(
                        serde_json::from_str::<stride_store::AuditCheckpoint>(&text).with_context(
                            || format!("{} is not an audit checkpoint", path.display()),
                        )?,
                    )
                }
                None => None,
            };
            let result = audit.verify(external.as_ref()).await?;
            match result.first_broken {
                None => {
                    println!("audit log intact: {} entries verified", result.checked);
                    if let Some(external) = &external {
                        println!(
                            "it matches the checkpoint of entry {} signed {}",
                            external.seq, external.at
                        );
                    }
                    Ok(())
                }
                Some((seq, reason)) => {
                    println!("audit log BROKEN at entry {seq}: {reason}");
                    println!("{} entries before it verified", result.checked);
                    bail!("the audit log does not verify")
                }
            }
        }
        Command::Backup { out } => {
            crate::telemetry::init(config.log_format, "warn");
            let report = crate::ops::backup::backup(&config, out.as_deref()).await?;
            crate::ops::backup::print_backup(&report);
            Ok(())
        }
        Command::Restore { path, force } => {
            crate::telemetry::init(config.log_format, "warn");
            let report = crate::ops::backup::restore(&config, &path, force).await?;
            crate::ops::backup::print_restore(&report);
            Ok(())
        }
        Command::Import { athlete, paths } => {
            crate::telemetry::init(config.log_format, "warn");
            import_files(config, &athlete, &paths).await
        }
        Command::Audit(AuditCommand::Checkpoint) => {
            crate::telemetry::init(config.log_format, &config.log_filter);
            let store = connect(&config).await?;
            let keys = crate::connections::keys::KeyRing::load(&config)?;
            let audit = crate::audit::Audit::new(store, keys.audit_keys());
            let checkpoint = audit.checkpoint(chrono::Utc::now()).await?;
            println!("{}", serde_json::to_string_pretty(&checkpoint)?);
            Ok(())
        }
    }
}

/// The files under `paths` that an import reads, in a stable order.
fn importable_files(paths: &[std::path::PathBuf]) -> anyhow::Result<Vec<std::path::PathBuf>> {
    const KINDS: [&str; 5] = ["fit", "gpx", "tcx", "gz", "zip"];
    let mut files = Vec::new();
    let mut pending: Vec<std::path::PathBuf> = paths.to_vec();
    while let Some(path) = pending.pop() {
        let meta = std::fs::metadata(&path).with_context(|| format!("{}", path.display()))?;
        if meta.is_dir() {
            for entry in std::fs::read_dir(&path).with_context(|| format!("{}", path.display()))? {
                pending.push(entry?.path());
            }
        } else if paths.contains(&path)
            || path
                .extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| KINDS.contains(&e.to_ascii_lowercase().as_str()))
        {
            files.push(path);
        }
    }
    files.sort();
    Ok(files)
}

async fn import_files(
    config: Config,
    email: &str,
    paths: &[std::path::PathBuf],
) -> anyhow::Result<()> {
    use std::io::Write as _;
    let files = importable_files(paths)?;
    if files.is_empty() {
        bail!("no FIT, GPX, TCX or zip files under the given paths");
    }
    let app = Application::build(Config {
        listen: SocketAddr::from(([127, 0, 0, 1], 0)),
        ..config
    })
    .await?;
    let state = app.state();
    let athlete = state
        .store
        .user_by_email(email)
        .await
        .with_context(|| format!("no athlete with the email {email}"))?;
    let started = std::time::Instant::now();
    let (mut activities, mut duplicates, mut refused, mut read) = (0u32, 0u32, 0u32, 0u32);
    let mut problems: Vec<(String, String)> = Vec::new();
    let total = files.len();
    for (index, path) in files.iter().enumerate() {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        eprint!("\r\x1b[2K[{}/{total}] {name}", index + 1);
        let _ = std::io::stderr().flush();
        let file = std::fs::File::open(path).with_context(|| format!("{}", path.display()))?;
        let upload = crate::ingest::uploads::Upload {
            kind: stride_sandbox::contract::UploadKind::Files,
            name: Some(name.clone()),
            content_type: None,
            headers: Vec::new(),
            body: std::sync::Arc::new(crate::ingest::uploads::FileBody::new(file)?),
        };
        let progress = |report: &crate::ingest::uploads::UploadReport| {
            if report.items > 1 {
                eprint!(
                    "\r\x1b[2K[{}/{total}] {name}: {} files read, {} activities",
                    index + 1,
                    report.items,
                    report.summary.activities
                );
                let _ = std::io::stderr().flush();
            }
        };
        match state
            .ingest
            .receive_upload(
                crate::ingest::uploads::FILES_PLUGIN,
                &athlete,
                upload,
                progress,
            )
            .await
        {
            Ok(report) => {
                activities += report.summary.activities;
                duplicates += report.summary.duplicates;
                refused += report.summary.rejected;
                read += report.items;
                problems.extend(report.problems.into_iter().map(|p| {
                    let item = if p.item == name {
                        p.item
                    } else {
                        format!("{name}: {}", p.item)
                    };
                    (item, p.message)
                }));
            }
            Err(error) => problems.push((path.display().to_string(), error.to_string())),
        }
    }
    eprintln!();
    println!(
        "imported {activities} activities from {read} files in {:.1} s ({duplicates} duplicates of workouts already stored, {refused} refused, {} problems)",
        started.elapsed().as_secs_f64(),
        problems.len()
    );
    for (item, message) in &problems {
        println!("  {item}: {message}");
    }
    Ok(())
}

async fn connect(config: &Config) -> anyhow::Result<Store> {
    Store::connect(
        config.database_url.expose(),
        config.database_max_connections,
    )
    .await
    .with_context(|| format!("connecting to {}", config.database_url.redacted()))
}

async fn serve(config: Config, owner_email: &str) -> anyhow::Result<()> {
    let app = Application::build(config).await?;
    let state = app.state().clone();
    if state.store.count_users().await? == 0 {
        let password = crate::auth::secrets::generate_password();
        let owner = state
            .accounts
            .create_owner(owner_email, &password, "Owner")
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        // Printed, not logged: it must reach the person starting Stride and no log pipeline.
        eprintln!();
        eprintln!("  First start: an owner account was created. Log in with");
        eprintln!("    email:    {}", owner.email);
        eprintln!("    password: {password}");
        eprintln!(
            "  This password is shown only once; change it with the changePassword mutation."
        );
        eprintln!();
    }
    let addr = app.local_addr();
    tracing::info!(%addr, backend = ?state.store.backend(), "Stride is serving GraphQL at http://{addr}/graphql");
    app.run_until(shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}
