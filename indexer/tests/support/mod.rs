//! Shared by the indexer's tests: a local network with the protocol deployed, an indexer
//! configuration for it, and HTTP helpers.
#![allow(dead_code, clippy::unwrap_used, clippy::panic)]

pub mod receiver;
pub mod sse;

use std::{path::PathBuf, time::Duration};

use serde_json::Value;
use tributary_indexer::{http_server::HttpLimits, ingest::IngestConfig, service::ServiceConfig};
use tributary_localnet::server::{Config, Localnet};
use tributary_scenario::{Network, Setup};

/// A syntactically valid contract id that nothing deployed: for services that never see an
/// event of it.
pub const NO_CONTRACT: &str = "CDLZFC3SYJYDZT7K67VZ75HPJVIEUVNIXF47ZG2FB2RMQQVU2HHGCYSC";

/// A service following [`NO_CONTRACT`] through `rpc_url` from `start_ledger`, with fast
/// polling and retries, into `db`.
pub fn standalone(
    rpc_url: &str,
    db: PathBuf,
    start_ledger: u32,
    http: HttpLimits,
) -> ServiceConfig {
    let c = NO_CONTRACT.to_string();
    ServiceConfig {
        rpc_url: rpc_url.to_string(),
        db,
        listen: "127.0.0.1:0".parse().unwrap(),
        ingest: IngestConfig {
            contracts: tributary_sdk::events::Contracts {
                stream: c.clone(),
                claims: c.clone(),
                access: c.clone(),
                insurance: c,
            },
            start_ledger: Some(start_ledger),
            page_size: 100,
            batch_events: 100,
            poll: Duration::from_millis(50),
            rpc_timeout: Duration::from_millis(500),
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(100),
        },
        http,
        backup_dir: None,
        webhooks: Default::default(),
    }
}

/// An indexer with nothing to follow (its RPC address answers nothing) on `dir`'s database:
/// for the API's own behaviour.
pub async fn start_idle(dir: &std::path::Path) -> tributary_indexer::service::Running {
    tributary_indexer::service::start(standalone(
        "http://127.0.0.1:9/rpc",
        dir.join("indexer.redb"),
        1,
        HttpLimits::default(),
    ))
    .await
    .unwrap()
}

/// A running local network with the protocol deployed.
pub struct Env {
    pub localnet: Localnet,
    pub net: Network,
    pub setup: Setup,
}

/// A fresh directory under the system temp dir, removed when dropped (also on a failed assertion).
pub fn temp_dir(name: &str) -> tempfile::TempDir {
    tempfile::Builder::new()
        .prefix(&format!("tributary-indexer-{name}-"))
        .tempdir()
        .unwrap()
}

pub fn wasm_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/wasm")
}

/// Starts a local network (`ledger_ms` per ledger, `retention` ledgers of history) and
/// deploys the protocol.
pub async fn start(ledger_ms: u64, retention: u32) -> Env {
    let localnet = Localnet::start(Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        ledger_interval: Some(Duration::from_millis(ledger_ms)),
        retention_ledgers: retention,
        ..Config::default()
    })
    .await
    .unwrap();
    let net = Network {
        rpc_url: localnet.rpc_url(),
        friendbot_url: localnet.friendbot_url(),
        localnet_url: format!("http://{}", localnet.addr()),
        passphrase: tributary_localnet::settings::PASSPHRASE.to_string(),
    };
    let setup = tributary_scenario::setup(&net, &wasm_dir()).await.unwrap();
    Env {
        localnet,
        net,
        setup,
    }
}

impl Env {
    /// Ingestion settings for this network: small pages and batches so tests cross many
    /// commits, fast polling and retries.
    pub fn ingest(&self, start_ledger: Option<u32>) -> IngestConfig {
        IngestConfig {
            contracts: self.setup.deployment.contracts(),
            start_ledger,
            page_size: 200,
            batch_events: 1000,
            poll: Duration::from_millis(100),
            rpc_timeout: Duration::from_secs(5),
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(200),
        }
    }

    pub fn service(&self, db: PathBuf, rpc_url: &str) -> ServiceConfig {
        ServiceConfig {
            rpc_url: rpc_url.to_string(),
            db,
            listen: "127.0.0.1:0".parse().unwrap(),
            ingest: self.ingest(Some(1)),
            http: tributary_indexer::http_server::HttpLimits::default(),
            backup_dir: None,
            webhooks: Default::default(),
        }
    }

    pub fn latest_ledger(&self) -> u32 {
        self.localnet.shared().lock().header().ledger_seq
    }
}

/// GET `url`; the status and the body as JSON (or a JSON string of a non-JSON body), or
/// `None` if nothing answers.
pub async fn try_get(url: String) -> Option<(u16, Value)> {
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut r = agent.get(&url).call().ok()?;
        let body = r.body_mut().read_to_string().unwrap();
        let json = serde_json::from_str(&body).unwrap_or(Value::String(body));
        Some((r.status().as_u16(), json))
    })
    .await
    .unwrap()
}

/// [`try_get`] of a server that must answer.
pub async fn get(url: String) -> (u16, Value) {
    let what = url.clone();
    try_get(url)
        .await
        .unwrap_or_else(|| panic!("nothing answers at {what}"))
}

/// Polls `/health` at `base` until the indexer has applied `ledger`.
pub async fn wait_applied(base: &str, ledger: u32) -> Value {
    let started = std::time::Instant::now();
    loop {
        let (_, h) = get(format!("{base}/health")).await;
        if h["applied_ledger"].as_u64().unwrap_or(0) >= u64::from(ledger) {
            return h;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "indexer stuck: {h}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// `method` `url` with an optional bearer `token` and JSON `body`; the status and the JSON
/// body (`null` if empty).
pub async fn call(
    method: &str,
    url: String,
    token: Option<&str>,
    body: Option<Value>,
) -> (u16, Value) {
    let (method, token) = (method.to_string(), token.map(String::from));
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut req = ureq::http::Request::builder()
            .method(method.as_str())
            .uri(&url);
        if let Some(t) = token {
            req = req.header("authorization", format!("Bearer {t}"));
        }
        let mut res = match body {
            Some(b) => agent
                .run(
                    req.header("content-type", "application/json")
                        .body(b.to_string())
                        .unwrap(),
                )
                .unwrap(),
            None => agent.run(req.body(()).unwrap()).unwrap(),
        };
        let text = res.body_mut().read_to_string().unwrap_or_default();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        (res.status().as_u16(), json)
    })
    .await
    .unwrap()
}

/// xorshift64*: a seeded sequence (kill delays), printed so a failure can be replayed.
pub struct Rng(pub u64);

impl Rng {
    /// The next value.
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// Seeded from the clock (never 0).
    pub fn from_clock() -> Self {
        Self(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1,
        )
    }
}

/// A free loopback port.
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits until `base` answers `/health` with 200 (60 s at most).
pub async fn wait_up(base: &str) {
    let started = std::time::Instant::now();
    while try_get(format!("{base}/health"))
        .await
        .is_none_or(|(status, _)| status != 200)
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "{base} never answered"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Stops `child` with SIGTERM and checks it exits cleanly.
pub fn terminate(mut child: std::process::Child) {
    let status = std::process::Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    assert!(child.wait().unwrap().success(), "SIGTERM exits cleanly");
}
