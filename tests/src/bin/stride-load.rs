//! `stride-load`: seeds a Stride server with athletes and measures it under many virtual
//! users, through its public HTTP API only. See BENCHMARKS.md ("The whole server under load")
//! and `bench/load/run.sh`, which starts a server and runs the standard set.

use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Parser, Subcommand};
use serde_json::json;

use stride_e2e::load::{self, Mix, Population, RunOptions, SeedOptions};

#[derive(Parser)]
#[command(
    name = "stride-load",
    about = "Load-test a Stride server through its HTTP API"
)]
struct Cli {
    /// The server's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8080", global = true)]
    url: String,
    /// Where the seeded athletes (emails, tokens) are kept between runs.
    #[arg(long, default_value = "stride-load.json", global = true)]
    state: PathBuf,
    /// The generator's own threads (default: one per core), each with its own single-threaded
    /// runtime and its share of the users. The generator shares the machine with the server it
    /// measures: with 100 users one thread sends as fast and leaves the server more CPU; with
    /// 1,000 it falls behind (BENCHMARKS.md).
    #[arg(long, global = true)]
    threads: Option<std::num::NonZeroUsize>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create athletes (invite, sign-up, logged activities) with an owner's or admin's login.
    Seed {
        /// The owner's (or an admin's) email.
        #[arg(long)]
        owner_email: String,
        /// Their password.
        #[arg(long, env = "STRIDE_LOAD_OWNER_PASSWORD", hide_env_values = true)]
        owner_password: String,
        /// Athletes to create.
        #[arg(long, default_value_t = 1_000)]
        athletes: usize,
        /// Activities per athlete, one a day back from yesterday.
        #[arg(long, default_value_t = 14)]
        activities: u32,
        /// Requests in flight while seeding.
        #[arg(long, default_value_t = 8)]
        concurrency: usize,
        /// Email domain of the seeded athletes.
        #[arg(long, default_value = "load.stride.test")]
        domain: String,
    },
    /// Run virtual users against the server, one mix after another, and report each.
    Run {
        /// Virtual users (connections).
        #[arg(long, default_value_t = 1_000)]
        users: usize,
        /// Measured seconds per mix.
        #[arg(long, default_value_t = 30)]
        duration: u64,
        /// Unmeasured seconds before each mix.
        #[arg(long, default_value_t = 5)]
        warmup: u64,
        /// What to send: weighted kinds (healthz, home, dashboard, activities, log); repeat
        /// for several runs.
        #[arg(long = "mix", default_value = "dashboard=60,activities=30,log=10")]
        mixes: Vec<Mix>,
        /// Total requests per second (open loop); default as fast as answers come.
        #[arg(long)]
        rate: Option<f64>,
        /// Also write the reports as JSON here.
        #[arg(long)]
        json: Option<PathBuf>,
    },
}

fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let runtime = match cli.threads.map(std::num::NonZeroUsize::get) {
        Some(1) => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?,
        Some(n) => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(n)
            .enable_all()
            .build()?,
        None => tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?,
    };
    runtime.block_on(run(cli))
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let url = cli.url.trim_end_matches('/').to_owned();
    match cli.command {
        Command::Seed {
            owner_email,
            owner_password,
            athletes,
            activities,
            concurrency,
            domain,
        } => {
            let client = load::client(concurrency);
            let login: serde_json::Value = client
                .post(format!("{url}/graphql"))
                .json(&json!({
                    "query": "mutation($e: String!, $p: String!) { login(email: $e, password: $p) { token } }",
                    "variables": { "e": owner_email, "p": owner_password },
                }))
                .send()
                .await
                .with_context(|| format!("reaching {url}"))?
                .json()
                .await?;
            let token = login["data"]["login"]["token"]
                .as_str()
                .with_context(|| format!("the owner's login failed: {}", login["errors"]))?
                .to_owned();
            let started = std::time::Instant::now();
            let options = SeedOptions {
                athletes,
                activities_per_athlete: activities,
                concurrency,
                domain,
                now: chrono::Utc::now(),
            };
            let population = load::seed(&client, &url, &token, &options, move |done| {
                if done % 100 == 0 || done == athletes {
                    eprintln!("seeded {done}/{athletes} athletes");
                }
            })
            .await?;
            std::fs::write(&cli.state, serde_json::to_vec(&population)?)
                .with_context(|| format!("writing {}", cli.state.display()))?;
            println!(
                "seeded {} athletes with {} activities each in {:.1} s; saved to {}",
                population.athletes.len(),
                activities,
                started.elapsed().as_secs_f64(),
                cli.state.display()
            );
        }
        Command::Run {
            users,
            duration,
            warmup,
            mixes,
            rate,
            json,
        } => {
            let population: Population = match std::fs::read(&cli.state) {
                Ok(bytes) => serde_json::from_slice(&bytes)
                    .with_context(|| format!("reading {}", cli.state.display()))?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Population::empty(&url),
                Err(e) => return Err(e).context(format!("reading {}", cli.state.display())),
            };
            let mut reports = Vec::new();
            for mix in mixes {
                let options = RunOptions {
                    users,
                    duration: Duration::from_secs(duration),
                    warmup: Duration::from_secs(warmup),
                    mix,
                    rate,
                    threads: cli
                        .threads
                        .or_else(|| std::thread::available_parallelism().ok())
                        .map_or(1, std::num::NonZeroUsize::get),
                };
                let report = load::run(&url, &population, &options).await?;
                println!("{}", report.table());
                reports.push(report);
            }
            if let Some(path) = json {
                std::fs::write(&path, serde_json::to_vec_pretty(&reports)?)
                    .with_context(|| format!("writing {}", path.display()))?;
            }
        }
    }
    Ok(())
}
