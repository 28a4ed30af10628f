//! # tributary-demo
//!
//! The main job on its embedded defaults, what `scripts/dev` runs:
//!
//! 1. a local network (`tributary-localnet`: Stellar RPC and friendbot over HTTP, on the real
//!    soroban-env-host) at `127.0.0.1:8000`;
//! 2. the XLM and USDC Stellar Asset Contracts and the four contracts deployed from their
//!    WASM (`target/wasm`), through the SDK with real signatures;
//! 3. the indexer following it into `data/indexer.redb`, serving at `127.0.0.1:8080`;
//! 4. the demo scenario ([`tributary_scenario::run`]) with a 10,000-recipient campaign;
//! 5. the indexer's answers checked against the chain ([`verify::verify`]), and every
//!    query the banner prints ([`banner`]) answered;
//! 6. a local webhook receiver ([`receiver`]) registered before the scenario, which must
//!    verify at least one signed delivery, and the live feed answering;
//! 7. a renewal keeper ([`keeper`]) working the indexer's renewal queue, with a 2-minute
//!    subscription to renew; its first renewal is awaited and shown in the banner.
//!
//! Each run starts a fresh network: `data/` is rewritten (the old indexer database would
//! name other contracts). The end-to-end test runs the same [`start`] headless.
#![warn(missing_docs)]

pub mod banner;
pub mod keeper;
pub mod receiver;
pub mod verify;

use std::{
    net::SocketAddr,
    path::{Path, PathBuf},
    time::{Duration, Instant},
};

use tributary_indexer::{
    ingest::IngestConfig,
    service::{self, Running, ServiceConfig},
    webhooks::{deliver::DeliveryConfig, WebhooksConfig},
};
use tributary_localnet::server::{Config, Localnet, StartError};
use tributary_scenario::{http_get, signer, Network, Outcome, ScenarioError, Setup};

/// The campaign entry whose claimant key the demo writes to `data/keys/` for the CLI
/// example: an address claimant (even index ≥ 2 in the scenario's CSV), funded, unclaimed.
pub const CLI_CLAIM_INDEX: u32 = 2;

/// Where and how the demo runs.
#[derive(Clone, Debug)]
pub struct DemoConfig {
    /// Directory for the indexer database, the deployment file, the campaign CSV and keys.
    pub data_dir: PathBuf,
    /// The contracts' WASM (`tributary_{insurance,stream,claims,access}.wasm`).
    pub wasm_dir: PathBuf,
    /// The local network's HTTP address (RPC at `/rpc`, friendbot at `/friendbot`).
    pub rpc_listen: SocketAddr,
    /// The indexer's HTTP address.
    pub indexer_listen: SocketAddr,
    /// Ledger close interval.
    pub ledger_interval: Duration,
    /// Campaign recipients (at least 3: entries 0 and 1 are claimed, entry 2 is the CLI's).
    pub recipients: u32,
}

impl Default for DemoConfig {
    fn default() -> Self {
        Self {
            data_dir: PathBuf::from("data"),
            wasm_dir: PathBuf::from("target/wasm"),
            rpc_listen: SocketAddr::from(([127, 0, 0, 1], 8000)),
            indexer_listen: SocketAddr::from(([127, 0, 0, 1], 8080)),
            ledger_interval: Duration::from_secs(1),
            recipients: 10_000,
        }
    }
}

/// Files the demo writes under [`DemoConfig::data_dir`].
#[derive(Clone, Debug)]
pub struct Files {
    /// The indexer's redb database.
    pub db: PathBuf,
    /// The deployment (contract ids, passphrase), as `tributary deploy` writes it.
    pub deployment: PathBuf,
    /// What the scenario did ([`Outcome`] as JSON).
    pub outcome: PathBuf,
    /// Where the printed `tributary campaign build` writes the campaign's tree (the CSV is
    /// [`Outcome::csv`]).
    pub tree: PathBuf,
    /// Secret seed of the claimant of entry [`CLI_CLAIM_INDEX`].
    pub claimant_key: PathBuf,
    /// The indexer's admin bearer token (the webhook routes), random per run.
    pub admin_token: PathBuf,
}

impl Files {
    fn under(dir: &Path) -> Self {
        Self {
            db: dir.join("indexer.redb"),
            deployment: dir.join("deployment.json"),
            outcome: dir.join("outcome.json"),
            tree: dir.join("campaign-tree.json"),
            claimant_key: dir
                .join("keys")
                .join(format!("recipient-{CLI_CLAIM_INDEX}.key")),
            admin_token: dir.join("admin-token"),
        }
    }
}

/// What stops the demo.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The configuration can't work.
    #[error("{0}")]
    Config(String),
    /// The local network didn't start (e.g. its port is taken).
    #[error("local network: {0}")]
    Localnet(#[from] StartError),
    /// A scenario step failed.
    #[error("scenario: {0}")]
    Scenario(#[from] ScenarioError),
    /// The indexer didn't start, or didn't catch up within the timeout.
    #[error("indexer: {0}")]
    Indexer(String),
    /// The indexer's answers differ from the chain, or a printed query failed.
    #[error(transparent)]
    Verify(#[from] verify::VerifyError),
    /// A file under the data directory.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> DemoError + '_ {
    move |source| DemoError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A running demo: the network, the indexer, and what the scenario did.
pub struct Demo {
    /// The local network.
    pub localnet: Localnet,
    /// The indexer.
    pub indexer: Running,
    /// The network's URLs and passphrase.
    pub net: Network,
    /// The deployed protocol.
    pub setup: Setup,
    /// The scenario's ids and parties.
    pub outcome: Outcome,
    /// Files written.
    pub files: Files,
    /// What the chain check compared.
    pub summary: verify::Summary,
    /// The webhook receiver.
    pub receiver: receiver::Receiver,
    /// The renewal keeper, once started.
    pub keeper: Option<keeper::DemoKeeper>,
}

impl Demo {
    /// The indexer's base URL (`http://host:port`).
    pub fn indexer_url(&self) -> String {
        format!("http://{}", self.indexer.addr)
    }

    /// Stops the keeper, the indexer (committing what it holds), then the network.
    pub async fn stop(self) {
        if let Some(k) = self.keeper {
            k.stop().await;
        }
        self.indexer.stop().await;
        if let Err(e) = self.localnet.shutdown().await {
            tracing::warn!("local network shutdown: {e}");
        }
    }
}

/// The indexer the demo runs for `setup`'s deployment: following `rpc_url` into `db` from
/// ledger 1, serving at `listen`, polling every 200 ms, retrying up to every 5 s.
pub fn service_config(
    setup: &Setup,
    rpc_url: &str,
    db: &Path,
    listen: SocketAddr,
) -> ServiceConfig {
    ServiceConfig {
        rpc_url: rpc_url.to_string(),
        db: db.to_path_buf(),
        listen,
        ingest: IngestConfig {
            contracts: setup.deployment.contracts(),
            start_ledger: Some(1),
            page_size: 1000,
            batch_events: 10_000,
            poll: Duration::from_millis(200),
            rpc_timeout: Duration::from_secs(10),
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_secs(5),
        },
        http: tributary_indexer::http_server::HttpLimits::default(),
        backup_dir: None,
        webhooks: Default::default(),
    }
}

/// Polls the indexer's `/health` at `base` until it has applied `ledger`.
///
/// # Errors
/// [`DemoError::Indexer`] if it halts or hasn't caught up within `timeout`.
pub async fn wait_indexed(base: &str, ledger: u32, timeout: Duration) -> Result<(), DemoError> {
    let started = Instant::now();
    loop {
        let health = http_get(&format!("{base}/health")).await.ok();
        let health: Option<serde_json::Value> = health.and_then(|h| serde_json::from_str(&h).ok());
        if let Some(h) = &health {
            if h["status"] == "halted" {
                return Err(DemoError::Indexer(format!("halted: {}", h["halted"])));
            }
            if h["applied_ledger"].as_u64().unwrap_or(0) >= u64::from(ledger) {
                return Ok(());
            }
        }
        if started.elapsed() > timeout {
            return Err(DemoError::Indexer(format!(
                "ledger {ledger} not applied after {timeout:?}; last /health: {health:?}"
            )));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Starts the network and the indexer, deploys, runs the scenario, waits for the indexer to
/// apply the last ledger, and checks it against the chain and the banner's queries.
///
/// # Errors
/// [`DemoError`]; whatever was started is stopped first.
pub async fn start(cfg: &DemoConfig) -> Result<Demo, DemoError> {
    if cfg.recipients <= CLI_CLAIM_INDEX {
        return Err(DemoError::Config(format!(
            "the campaign needs more than {CLI_CLAIM_INDEX} recipients"
        )));
    }
    let files = Files::under(&cfg.data_dir);
    std::fs::create_dir_all(cfg.data_dir.join("keys")).map_err(io(&cfg.data_dir))?;
    match std::fs::remove_file(&files.db) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(io(&files.db)(e)),
        _ => {}
    }

    tracing::info!("starting the local network on {}", cfg.rpc_listen);
    let localnet = Localnet::start(Config {
        listen: cfg.rpc_listen,
        ledger_interval: Some(cfg.ledger_interval),
        ..Config::default()
    })
    .await?;
    let net = Network {
        rpc_url: localnet.rpc_url(),
        friendbot_url: localnet.friendbot_url(),
        localnet_url: format!("http://{}", localnet.addr()),
        passphrase: tributary_localnet::settings::PASSPHRASE.to_string(),
    };
    match deploy_and_run(cfg, &net, &files).await {
        Ok((setup, indexer, outcome, receiver)) => {
            let latest = localnet.shared().lock().header().ledger_seq;
            let mut demo = Demo {
                localnet,
                indexer,
                net,
                setup,
                outcome,
                files,
                summary: verify::Summary::default(),
                receiver,
                keeper: None,
            };
            let checked = async {
                check(&mut demo, latest).await?;
                let url = demo.indexer_url();
                demo.keeper = Some(keeper::start(&demo.setup, &demo.net, &url).await?);
                Ok::<_, DemoError>(())
            };
            match checked.await {
                Ok(()) => Ok(demo),
                Err(e) => {
                    demo.stop().await;
                    Err(e)
                }
            }
        }
        Err(e) => {
            let _ = localnet.shutdown().await;
            Err(e)
        }
    }
}

async fn deploy_and_run(
    cfg: &DemoConfig,
    net: &Network,
    files: &Files,
) -> Result<(Setup, Running, Outcome, receiver::Receiver), DemoError> {
    tracing::info!(
        "deploying XLM, USDC and the protocol from {}",
        cfg.wasm_dir.display()
    );
    let setup = tributary_scenario::setup(net, &cfg.wasm_dir).await?;
    write_json(&files.deployment, &setup.deployment)?;

    let token = admin_token()?;
    std::fs::write(&files.admin_token, format!("{token}\n")).map_err(io(&files.admin_token))?;
    tracing::info!("starting the indexer on {}", cfg.indexer_listen);
    let mut service_cfg = service_config(&setup, &net.rpc_url, &files.db, cfg.indexer_listen);
    service_cfg.webhooks = WebhooksConfig {
        admin_token: Some(token.clone()),
        // The receiver is on loopback: allowed for the local demo only.
        delivery: DeliveryConfig {
            allow_private: true,
            ..DeliveryConfig::default()
        },
        cors_origins: vec!["*".into()],
    };
    let indexer = service::start(service_cfg)
        .await
        .map_err(|e| DemoError::Indexer(format!("{e:#}")))?;
    let receiver = match register_receiver(&format!("http://{}", indexer.addr), &token).await {
        Ok(r) => r,
        Err(e) => {
            indexer.stop().await;
            return Err(e);
        }
    };

    tracing::info!(
        "running the scenario ({} campaign recipients)",
        cfg.recipients
    );
    let ran = async {
        let outcome = tributary_scenario::run(&setup, net, cfg.recipients, &cfg.data_dir).await?;
        let claimant = signer(&format!("recipient {CLI_CLAIM_INDEX}"));
        net.fund(&claimant).await?;
        std::fs::write(&files.claimant_key, claimant.secret_strkey())
            .map_err(io(&files.claimant_key))?;
        write_json(&files.outcome, &outcome)?;
        Ok::<_, DemoError>(outcome)
    }
    .await;
    match ran {
        Ok(outcome) => Ok((setup, indexer, outcome, receiver)),
        Err(e) => {
            indexer.stop().await;
            Err(e)
        }
    }
}

async fn check(demo: &mut Demo, latest: u32) -> Result<(), DemoError> {
    let base = demo.indexer_url();
    wait_indexed(&base, latest, Duration::from_secs(120)).await?;
    tracing::info!("checking the indexer against the chain");
    demo.summary = verify::verify(&demo.setup, &demo.outcome, &base).await?;
    for q in banner::queries(&demo.outcome, &base) {
        http_get(&q.url).await.map_err(verify::VerifyError::from)?;
    }
    let started = Instant::now();
    while demo.receiver.verified().is_empty() {
        if started.elapsed() > Duration::from_secs(60) {
            return Err(DemoError::Indexer(
                "the webhook receiver verified no delivery within 60 s".into(),
            ));
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    feed_answers(demo.indexer.addr).await
}

/// The events the demo's endpoint receives: one of each family's headline event.
pub const WEBHOOK_KINDS: [&str; 5] = [
    "stream.withdrawn",
    "claims.claimed",
    "access.renewed",
    "access.renewal_failed",
    "insurance.proposal_queued",
];

/// 32 random bytes, hex: the admin token.
fn admin_token() -> Result<String, DemoError> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| DemoError::Config(format!("OS random generator: {e}")))?;
    Ok(hex::encode(b))
}

/// Starts the receiver and registers it with the indexer at `base` (`POST /webhooks`).
async fn register_receiver(base: &str, token: &str) -> Result<receiver::Receiver, DemoError> {
    let r = receiver::Receiver::start()
        .await
        .map_err(|e| DemoError::Indexer(format!("webhook receiver: {e}")))?;
    let body = serde_json::json!({ "url": r.url(), "kinds": WEBHOOK_KINDS }).to_string();
    let (url, auth) = (format!("{base}/webhooks"), format!("Bearer {token}"));
    let answer = tokio::task::spawn_blocking(move || {
        let mut res = ureq::post(&url)
            .header("authorization", &auth)
            .header("content-type", "application/json")
            .send(&body)?;
        res.body_mut().read_to_string()
    })
    .await
    .map_err(|e| DemoError::Indexer(e.to_string()))?
    .map_err(|e| DemoError::Indexer(format!("registering the webhook receiver: {e}")))?;
    let made: serde_json::Value = serde_json::from_str(&answer)
        .map_err(|e| DemoError::Indexer(format!("POST /webhooks answered {answer:?}: {e}")))?;
    r.set_secret(made["secret"].as_str().unwrap_or_default())
        .map_err(|e| DemoError::Indexer(format!("webhook secret: {e}")))?;
    Ok(r)
}

/// `GET /events/stream` answers 200 with `text/event-stream` (the banner's `curl -N`).
async fn feed_answers(addr: SocketAddr) -> Result<(), DemoError> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let fail = |e: String| DemoError::Indexer(format!("live feed: {e}"));
    let mut s = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|e| fail(e.to_string()))?;
    s.write_all(format!("GET /events/stream HTTP/1.1\r\nHost: {addr}\r\n\r\n").as_bytes())
        .await
        .map_err(|e| fail(e.to_string()))?;
    let mut head = vec![0u8; 1024];
    let n = tokio::time::timeout(Duration::from_secs(5), s.read(&mut head))
        .await
        .map_err(|_| fail("no answer within 5 s".into()))?
        .map_err(|e| fail(e.to_string()))?;
    let head = String::from_utf8_lossy(&head[..n]).to_ascii_lowercase();
    if head.starts_with("http/1.1 200") && head.contains("content-type: text/event-stream") {
        Ok(())
    } else {
        Err(fail(format!("answered {head:?}")))
    }
}

fn write_json(path: &Path, value: &impl serde::Serialize) -> Result<(), DemoError> {
    let text = serde_json::to_string_pretty(value).map_err(|e| DemoError::Io {
        path: path.to_path_buf(),
        source: e.into(),
    })?;
    std::fs::write(path, text + "\n").map_err(io(path))
}
