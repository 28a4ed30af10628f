//! `indexer`: runs the Tributary indexer (the default), or backs up, restores or verifies
//! its database. Every option also reads from the environment.

use std::{net::SocketAddr, path::PathBuf, process::ExitCode, time::Duration};

use anyhow::{bail, Context};
use clap::{Parser, Subcommand};
use tributary_indexer::{
    http_server::HttpLimits,
    ingest::IngestConfig,
    ops,
    service::{self, ServiceConfig},
    store::Store,
    webhooks::{deliver::DeliveryConfig, WebhooksConfig},
};
use tributary_sdk::events::Contracts;

#[derive(Parser)]
#[command(
    version,
    about = "Tributary indexer: Stellar RPC getEvents → redb projections → HTTP API"
)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// The redb database file.
    #[arg(
        long,
        env = "INDEXER_DB",
        default_value = "data/indexer.redb",
        global = true
    )]
    db: PathBuf,
    #[command(flatten)]
    run: RunArgs,
}

#[derive(clap::Args)]
struct RunArgs {
    /// Stellar RPC endpoint.
    #[arg(
        long,
        env = "INDEXER_RPC_URL",
        default_value = "http://127.0.0.1:8000/rpc"
    )]
    rpc_url: String,
    /// A `deployment.json` written by `tributary deploy` (contract ids).
    #[arg(long, env = "INDEXER_DEPLOYMENT")]
    deployment: Option<PathBuf>,
    /// The stream contract (C…), instead of --deployment.
    #[arg(long, env = "INDEXER_STREAM_ID")]
    stream_id: Option<String>,
    /// The claims contract (C…).
    #[arg(long, env = "INDEXER_CLAIMS_ID")]
    claims_id: Option<String>,
    /// The access contract (C…).
    #[arg(long, env = "INDEXER_ACCESS_ID")]
    access_id: Option<String>,
    /// The insurance contract (C…).
    #[arg(long, env = "INDEXER_INSURANCE_ID")]
    insurance_id: Option<String>,
    /// Where the HTTP API listens.
    #[arg(long, env = "INDEXER_LISTEN", default_value = "127.0.0.1:8080")]
    listen: SocketAddr,
    /// First ledger to index when the database is new (default: the RPC's oldest). Recorded
    /// in the database; on an existing one it must be the recorded ledger.
    #[arg(long, env = "INDEXER_START_LEDGER", value_parser = clap::value_parser!(u32).range(1..))]
    start_ledger: Option<u32>,
    /// Events per getEvents page (1–10,000).
    #[arg(long, env = "INDEXER_PAGE_SIZE", default_value_t = 1000, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    page_size: u32,
    /// Events applied before a backfill commit.
    #[arg(long, env = "INDEXER_BATCH_EVENTS", default_value_t = 10_000)]
    batch_events: usize,
    /// Poll interval once caught up, milliseconds.
    #[arg(long, env = "INDEXER_POLL_MS", default_value_t = 1000)]
    poll_ms: u64,
    /// Timeout of one RPC call, milliseconds.
    #[arg(long, env = "INDEXER_RPC_TIMEOUT_MS", default_value_t = 10_000)]
    rpc_timeout_ms: u64,
    /// Cap on the retry backoff, milliseconds.
    #[arg(long, env = "INDEXER_MAX_BACKOFF_MS", default_value_t = 30_000)]
    max_backoff_ms: u64,
    /// HTTP: time to send a request's headers, and the idle time allowed between requests on
    /// a kept-alive connection, milliseconds.
    #[arg(long, env = "INDEXER_HEADER_TIMEOUT_MS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    header_timeout_ms: u64,
    /// HTTP: time a whole request may take, body included, milliseconds (then 408).
    #[arg(long, env = "INDEXER_REQUEST_TIMEOUT_MS", default_value_t = 30_000, value_parser = clap::value_parser!(u64).range(1..))]
    request_timeout_ms: u64,
    /// HTTP: largest request body, bytes (then 413).
    #[arg(long, env = "INDEXER_MAX_BODY_BYTES", default_value_t = 65_536)]
    max_body_bytes: usize,
    /// Directory `POST /admin/backup` (and `indexer backup` through a running instance) may
    /// write into (default: the database's directory).
    #[arg(long, env = "INDEXER_BACKUP_DIR")]
    backup_dir: Option<PathBuf>,
    /// HTTP: connections served at once; more wait in the listen backlog.
    #[arg(long, env = "INDEXER_MAX_CONNECTIONS", default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..=65_536))]
    max_connections: u64,
    /// File holding the admin bearer token of the webhook routes (trailing newline ignored).
    /// Without it (or INDEXER_ADMIN_TOKEN) the webhook routes are off.
    #[arg(long, env = "INDEXER_ADMIN_TOKEN_FILE")]
    admin_token_file: Option<PathBuf>,
    /// Webhooks: delays before each retry, comma-separated (humantime: 5s, 5m, 2h); after the
    /// last the message is a dead letter.
    #[arg(long, env = "INDEXER_WEBHOOKS_RETRY_SCHEDULE", default_value = "5s,5m,30m,2h,5h,10h", value_parser = parse_schedule)]
    webhooks_retry_schedule: Schedule,
    /// Webhooks: one attempt's time limit, milliseconds.
    #[arg(long, env = "INDEXER_WEBHOOKS_TIMEOUT_MS", default_value_t = 10_000, value_parser = clap::value_parser!(u64).range(1..))]
    webhooks_timeout_ms: u64,
    /// Webhooks: attempts in flight across all endpoints.
    #[arg(long, env = "INDEXER_WEBHOOKS_MAX_IN_FLIGHT", default_value_t = 256, value_parser = clap::value_parser!(u64).range(1..=65_536))]
    webhooks_max_in_flight: u64,
    /// Webhooks: an endpoint failing continuously this long is disabled (humantime).
    #[arg(long, env = "INDEXER_WEBHOOKS_DISABLE_AFTER", default_value = "5days", value_parser = humantime::parse_duration)]
    webhooks_disable_after: Duration,
    /// Webhooks: allow loopback, private and link-local targets (local development only).
    #[arg(long, env = "INDEXER_WEBHOOKS_ALLOW_PRIVATE")]
    webhooks_allow_private: bool,
    /// CORS: origins allowed to read the read-only routes, comma-separated; `*` = any. The
    /// admin routes never answer CORS.
    #[arg(
        long,
        env = "INDEXER_CORS_ORIGINS",
        default_value = "*",
        value_delimiter = ','
    )]
    cors_origins: Vec<String>,
}

/// A retry schedule (a newtype: clap treats a bare `Vec` as a repeated flag).
#[derive(Clone, Debug)]
struct Schedule(Vec<Duration>);

fn parse_schedule(s: &str) -> Result<Schedule, String> {
    tributary_indexer::webhooks::deliver::parse_schedule(s).map(Schedule)
}

/// The admin token: the file's first line, else `INDEXER_ADMIN_TOKEN`; an empty token is
/// refused rather than accepted as "no password".
fn admin_token(a: &RunArgs) -> anyhow::Result<Option<String>> {
    let token = match &a.admin_token_file {
        Some(f) => Some(
            std::fs::read_to_string(f)
                .map_err(|e| anyhow::anyhow!("--admin-token-file {}: {e}", f.display()))?
                .lines()
                .next()
                .unwrap_or_default()
                .to_string(),
        ),
        None => std::env::var("INDEXER_ADMIN_TOKEN").ok(),
    };
    match token {
        Some(t) if t.trim().len() < 16 => anyhow::bail!(
            "the admin token must be at least 16 characters (e.g. `openssl rand -hex 32`)"
        ),
        t => Ok(t.map(|t| t.trim().to_string())),
    }
}

#[derive(Subcommand)]
enum Command {
    /// Follow the RPC and serve the API until SIGINT or SIGTERM (the default).
    Run,
    /// Write a consistent copy of the database and `<file>.sha256`, also while the indexer
    /// runs (then through its API at --listen).
    Backup {
        /// The backup file (must not exist).
        file: PathBuf,
    },
    /// Replace the database with a backup after checking its checksum and schema.
    Restore {
        /// The backup file; `<file>.sha256` must be beside it.
        file: PathBuf,
    },
    /// Rebuild the projections from the stored raw events and compare; exits 1 on a mismatch.
    Verify,
}

fn contracts(a: &RunArgs) -> anyhow::Result<Contracts> {
    if let Some(path) = &a.deployment {
        let text =
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        // The SDK's own type: the file `tributary deploy` writes.
        let d: tributary_sdk::deployment::Deployment = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a deployment.json", path.display()))?;
        return Ok(d.contracts());
    }
    match (&a.stream_id, &a.claims_id, &a.access_id, &a.insurance_id) {
        (Some(s), Some(c), Some(ac), Some(i)) => Ok(Contracts { stream: s.clone(), claims: c.clone(), access: ac.clone(), insurance: i.clone() }),
        _ => bail!("give --deployment <deployment.json>, or all of --stream-id, --claims-id, --access-id and --insurance-id"),
    }
}

fn check_contract_ids(c: &Contracts) -> anyhow::Result<()> {
    for (name, id) in [
        ("stream", &c.stream),
        ("claims", &c.claims),
        ("access", &c.access),
        ("insurance", &c.insurance),
    ] {
        if stellar_strkey::Contract::from_string(id).is_err() {
            bail!("the {name} contract id {id:?} is not a C… strkey");
        }
    }
    Ok(())
}

async fn run(cli: Cli) -> anyhow::Result<bool> {
    match cli.command.unwrap_or(Command::Run) {
        Command::Run => {
            let a = &cli.run;
            let contracts = contracts(a)?;
            check_contract_ids(&contracts)?;
            let cfg = ServiceConfig {
                rpc_url: a.rpc_url.clone(),
                db: cli.db.clone(),
                listen: a.listen,
                ingest: IngestConfig {
                    contracts,
                    start_ledger: a.start_ledger,
                    page_size: a.page_size as usize,
                    batch_events: a.batch_events.max(1),
                    poll: Duration::from_millis(a.poll_ms),
                    rpc_timeout: Duration::from_millis(a.rpc_timeout_ms),
                    initial_backoff: Duration::from_millis(100),
                    max_backoff: Duration::from_millis(a.max_backoff_ms),
                },
                http: HttpLimits {
                    header_read_timeout: Duration::from_millis(a.header_timeout_ms),
                    request_timeout: Duration::from_millis(a.request_timeout_ms),
                    max_body_bytes: a.max_body_bytes,
                    max_connections: a.max_connections as usize,
                },
                backup_dir: a.backup_dir.clone(),
                webhooks: WebhooksConfig {
                    admin_token: admin_token(a)?,
                    delivery: DeliveryConfig {
                        schedule: a.webhooks_retry_schedule.0.clone(),
                        timeout: Duration::from_millis(a.webhooks_timeout_ms),
                        max_in_flight: a.webhooks_max_in_flight as usize,
                        disable_after: a.webhooks_disable_after,
                        allow_private: a.webhooks_allow_private,
                    },
                    cors_origins: a.cors_origins.clone(),
                },
            };
            let running = service::start(cfg).await?;
            service::shutdown_signal().await;
            tracing::info!("shutting down: committing and exiting");
            running.stop().await;
            Ok(true)
        }
        Command::Backup { file } => {
            let file = std::path::absolute(&file)?;
            // Opening creates a missing database: a typo in --db must not back up an empty one.
            if !cli.db.exists() {
                bail!("{}: no such database", cli.db.display());
            }
            match Store::open(&cli.db, None) {
                Ok(store) => {
                    let sum = ops::backup(&store, &file)?;
                    println!("{sum}  {}", file.display());
                }
                Err(tributary_indexer::store::StoreError::Db(redb::Error::DatabaseAlreadyOpen)) => {
                    let url = format!("http://{}/admin/backup", cli.run.listen);
                    // The instance checks that it serves this file (not another instance's).
                    let db = std::fs::canonicalize(&cli.db)?;
                    let body = serde_json::json!({ "path": file, "db": db }).to_string();
                    let out = tokio::task::spawn_blocking(move || post(&url, &body)).await??;
                    println!("{out}");
                }
                Err(e) => return Err(e.into()),
            }
            Ok(true)
        }
        Command::Restore { file } => {
            ops::restore(&file, &cli.db)?;
            println!("restored {} from {}", cli.db.display(), file.display());
            Ok(true)
        }
        Command::Verify => {
            let report = ops::verify_file(&cli.db)?;
            println!("{}", serde_json::to_string_pretty(&report)?);
            Ok(report.ok)
        }
    }
}

/// A blocking JSON POST to the running indexer's loopback admin route.
fn post(url: &str, body: &str) -> anyhow::Result<String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let mut r = agent
        .post(url)
        .header("content-type", "application/json")
        .send(body)
        .with_context(|| format!("the database is in use and no indexer answers at {url}"))?;
    let text = r.body_mut().read_to_string()?;
    if r.status().as_u16() != 200 {
        bail!("backup through the running indexer failed: {text}");
    }
    Ok(text)
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()).await {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
