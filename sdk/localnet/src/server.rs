//! The HTTP server: JSON-RPC at `/rpc` (jsonrpsee inside axum), friendbot at
//! `/friendbot?addr=`, the paths quickstart uses; a ledger clock; and two development-only
//! routes, `POST /localnet/close` (close a ledger now) and `POST /localnet/advance-time?seconds=`
//! (move the ledger clock forward).

use std::{collections::HashMap, net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};

use axum::{
    extract::{Query, Request, State},
    http::StatusCode,
    response::{IntoResponse, Response},
    routing::{get, post},
    Json, Router,
};
use serde_json::json;
use tokio::{sync::watch, task::JoinHandle};
use tower::Service;

use crate::{
    friendbot,
    node::Node,
    persist::{self, StateFileError},
    rpc::{self, Shared},
    settings::{Settings, PASSPHRASE},
};

/// How to run a local network.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to serve on (default `127.0.0.1:8000`; port 0 picks a free one).
    pub listen: SocketAddr,
    /// Network settings (default: Mainnet's limits, fees and TTLs under the passphrase
    /// `Standalone Network ; February 2017`). Tests may shorten the TTLs to see archival.
    pub settings: Settings,
    /// Ledger close cadence; `None` closes ledgers only on demand (`/localnet/close`,
    /// [`Localnet::close_ledger`], and each friendbot request).
    pub ledger_interval: Option<Duration>,
    /// Ledgers of history served by `getEvents`, `getTransactions` and `getLedgers`
    /// (default 120,960, stellar-rpc's seven days of 5-second ledgers).
    pub retention_ledgers: u32,
    /// File the state is loaded from at start and saved to after ledgers with transactions
    /// and at shutdown.
    pub state_file: Option<PathBuf>,
    /// Largest accepted request body, bytes (default 512 KiB, as stellar-rpc).
    pub max_request_bytes: u32,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8000)),
            settings: Settings::mainnet_like(PASSPHRASE),
            ledger_interval: Some(Duration::from_secs(1)),
            retention_ledgers: 120_960,
            state_file: None,
            max_request_bytes: 512 * 1024,
        }
    }
}

/// Why the network didn't start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The listen address couldn't be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The state file is unusable.
    #[error(transparent)]
    StateFile(#[from] StateFileError),
    /// The RPC methods or the module cache couldn't be set up (a bug).
    #[error("setup: {0}")]
    Rpc(String),
}

/// A running local network.
pub struct Localnet {
    shared: Arc<Shared>,
    addr: SocketAddr,
    manual: bool,
    stop: watch::Sender<bool>,
    server: JoinHandle<()>,
    clock: Option<JoinHandle<()>>,
    rpc_stop: jsonrpsee::server::ServerHandle,
}

impl Localnet {
    /// Loads or creates the ledger, binds, and starts serving and closing ledgers.
    ///
    /// # Errors
    /// [`StartError`]: the address is taken, or the state file is unusable.
    pub async fn start(config: Config) -> Result<Self, StartError> {
        let settings = config.settings.clone();
        let node = match &config.state_file {
            Some(path) if path.exists() => persist::load(settings, path)?,
            _ => Node::genesis(settings, config.retention_ledgers)
                .map_err(|e| StartError::Rpc(format!("{e:?}")))?,
        };
        let listener = tokio::net::TcpListener::bind(config.listen)
            .await
            .map_err(|source| StartError::Bind {
                addr: config.listen,
                source,
            })?;
        let addr = listener.local_addr().map_err(|source| StartError::Bind {
            addr: config.listen,
            source,
        })?;
        let friendbot_url = format!("http://{addr}/friendbot");
        let shared = Arc::new(Shared::new(node, friendbot_url, config.state_file.clone()));
        let module = rpc::module(shared.clone()).map_err(|e| StartError::Rpc(e.to_string()))?;
        let (rpc_stop_handle, rpc_stop) = jsonrpsee::server::stop_channel();
        let rpc_config = jsonrpsee::server::ServerConfig::builder()
            .max_request_body_size(config.max_request_bytes)
            .http_only()
            .build();
        let svc = jsonrpsee::server::Server::builder()
            .set_config(rpc_config)
            .to_service_builder()
            .build(module, rpc_stop_handle);
        let rpc = move |req: Request| {
            let mut svc = svc.clone();
            async move {
                match svc.call(req).await {
                    Ok(resp) => resp.map(axum::body::Body::new).into_response(),
                    Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, e.to_string()).into_response(),
                }
            }
        };
        let manual = config.ledger_interval.is_none();
        let app = Router::new()
            .route("/rpc", post(rpc.clone()))
            .route("/", post(rpc))
            // GET as quickstart documents it, POST as the JS SDK's `fundAddress` sends it.
            .route(
                "/friendbot",
                get(friendbot::friendbot).post(friendbot::friendbot),
            )
            // Any origin may call the RPC and friendbot (CORS), so a dApp page served from another
            // port can use the network; the /localnet controls, added after, stay same-origin.
            .layer(tower_http::cors::CorsLayer::permissive())
            .route("/localnet/close", post(close_now))
            .route("/localnet/advance-time", post(advance_time))
            .with_state(AppState {
                shared: shared.clone(),
                manual,
            });
        let (stop, stop_rx) = watch::channel(false);
        let mut server_stop = stop_rx.clone();
        let server = tokio::spawn(async move {
            let shutdown = async move {
                let _ = server_stop.wait_for(|s| *s).await;
            };
            if let Err(e) = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
            {
                tracing::error!("server stopped: {e}");
            }
        });
        let clock = config.ledger_interval.map(|period| {
            let shared = shared.clone();
            let mut stop_rx = stop_rx;
            tokio::spawn(async move {
                let mut tick = tokio::time::interval(period);
                tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
                tick.tick().await;
                loop {
                    tokio::select! {
                        _ = tick.tick() => {}
                        _ = stop_rx.wait_for(|s| *s) => break,
                    }
                    let s = shared.clone();
                    let _ = tokio::task::spawn_blocking(move || close_and_save(&s)).await;
                }
            })
        });
        tracing::info!(
            "local network on http://{addr}/rpc (passphrase {:?})",
            config.settings.passphrase
        );
        Ok(Self {
            shared,
            addr,
            manual,
            stop,
            server,
            clock,
            rpc_stop,
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The JSON-RPC URL, `http://<addr>/rpc`.
    pub fn rpc_url(&self) -> String {
        format!("http://{}/rpc", self.addr)
    }

    /// The friendbot URL, `http://<addr>/friendbot`.
    pub fn friendbot_url(&self) -> String {
        self.shared.friendbot_url.clone()
    }

    /// The node, for in-process inspection.
    pub fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }

    /// Whether ledgers close only on demand.
    pub fn is_manual(&self) -> bool {
        self.manual
    }

    /// Closes a ledger now with whatever is queued; returns its sequence number.
    pub fn close_ledger(&self) -> u32 {
        close_and_save(&self.shared)
    }

    /// Stops the clock and the server, closes a last ledger if transactions are queued, and
    /// saves the state.
    ///
    /// # Errors
    /// [`StateFileError`] if the state can't be saved.
    pub async fn shutdown(self) -> Result<(), StateFileError> {
        let _ = self.stop.send(true);
        if let Some(clock) = self.clock {
            let _ = clock.await;
        }
        let _ = self.rpc_stop.stop();
        let _ = self.server.await;
        let mut node = self.shared.lock();
        if node.pending_len() > 0 {
            node.close_ledger();
        }
        match &self.shared.state_file {
            Some(path) => persist::save(&node, path),
            None => Ok(()),
        }
    }
}

/// Closes a ledger, saves the state if the ledger had transactions, and wakes waiters.
pub(crate) fn close_and_save(shared: &Shared) -> u32 {
    let seq = {
        let mut node = shared.lock();
        let had_txs = node.pending_len() > 0;
        let seq = node.close_ledger();
        if let (true, Some(path)) = (had_txs, &shared.state_file) {
            if let Err(e) = persist::save(&node, path) {
                tracing::error!("{e}");
            }
        }
        seq
    };
    shared.closed.notify_waiters();
    seq
}

/// What the HTTP handlers share.
#[derive(Clone)]
pub(crate) struct AppState {
    pub(crate) shared: Arc<Shared>,
    /// Whether ledgers close only on demand (friendbot then closes one itself).
    pub(crate) manual: bool,
}

/// An error body in quickstart's shape: `{"status", "detail"}`.
pub(crate) fn detail(status: StatusCode, detail: impl Into<String>) -> Response {
    (
        status,
        Json(json!({ "status": status.as_u16(), "detail": detail.into() })),
    )
        .into_response()
}

async fn close_now(State(app): State<AppState>) -> Response {
    let shared = app.shared.clone();
    match tokio::task::spawn_blocking(move || close_and_save(&shared)).await {
        Ok(seq) => Json(json!({ "sequence": seq })).into_response(),
        Err(e) => detail(StatusCode::INTERNAL_SERVER_ERROR, e.to_string()),
    }
}

async fn advance_time(
    State(app): State<AppState>,
    Query(q): Query<HashMap<String, String>>,
) -> Response {
    let Some(Ok(seconds)) = q.get("seconds").map(|s| s.parse::<u64>()) else {
        return detail(
            StatusCode::BAD_REQUEST,
            "query parameter 'seconds' must be a non-negative integer",
        );
    };
    let mut node = app.shared.lock();
    node.advance_time(seconds);
    // Time bounds are checked against the ledger clock, as in stellar-core: the answer says
    // where that clock now is, so clients can bound their transactions by it.
    Json(json!({
        "timeOffset": node.time_offset(),
        "nextCloseTime": node.next_ledger_info().timestamp,
    }))
    .into_response()
}
