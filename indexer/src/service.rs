//! The running indexer: the follower task, the writer thread and the HTTP server, started
//! together and stopped together (the writer commits what it holds before exiting).

use std::{
    net::SocketAddr,
    path::PathBuf,
    sync::{Arc, Mutex},
    thread::JoinHandle,
};

use anyhow::Context;
use tokio::sync::{mpsc, watch};

use crate::{
    api::{router, webhooks::Hooks, AppState},
    ingest::{stored_progress, write_loop, Follower, IngestConfig, SharedProgress},
    metrics::Metrics,
    ops::contracts_json,
    store::Store,
    webhooks::deliver::Signals,
};

/// Everything the service needs.
#[derive(Clone, Debug)]
pub struct ServiceConfig {
    /// Stellar RPC endpoint.
    pub rpc_url: String,
    /// The database file.
    pub db: PathBuf,
    /// Where the HTTP API listens.
    pub listen: SocketAddr,
    /// Ingestion settings.
    pub ingest: IngestConfig,
    /// HTTP timeouts and limits.
    pub http: crate::http_server::HttpLimits,
    /// Where `POST /admin/backup` may write; `None` is the database's directory.
    pub backup_dir: Option<PathBuf>,
    /// Webhooks, the live feed and CORS.
    pub webhooks: crate::webhooks::WebhooksConfig,
}

/// A started indexer.
pub struct Running {
    /// The API's bound address.
    pub addr: SocketAddr,
    /// The database.
    pub store: Arc<Store>,
    /// Ingestion progress.
    pub progress: SharedProgress,
    /// Metrics.
    pub metrics: Arc<Metrics>,
    stop: watch::Sender<bool>,
    follower: tokio::task::JoinHandle<()>,
    writer: JoinHandle<()>,
    server: tokio::task::JoinHandle<()>,
    dispatcher: tokio::task::JoinHandle<()>,
    signals: Signals,
}

fn halt(progress: &SharedProgress, metrics: &Metrics, reason: &str, message: String) {
    tracing::error!("ingestion halted ({reason}): {message}");
    metrics.halted.with_label_values(&[reason]).set(1);
    progress.lock().unwrap_or_else(|e| e.into_inner()).halted = Some(message);
}

/// `--start-ledger` applies to a new database only: it is recorded there, and on an existing
/// database it must be the recorded one (the same command line restarts), else refused.
fn check_start_ledger(store: &Store, indexed: bool, given: Option<u32>) -> anyhow::Result<()> {
    let Some(given) = given else { return Ok(()) };
    let stored = store.meta(crate::store::meta_key::START_LEDGER)?;
    match stored {
        _ if !indexed => store.set_meta(crate::store::meta_key::START_LEDGER, &given.to_string())?,
        Some(s) if s == given.to_string() => {}
        stored => anyhow::bail!(
            "this database was indexed from {}; --start-ledger {given} would not apply to it: drop the flag, or give a new --db to index from ledger {given}",
            stored.map_or_else(|| "the RPC's oldest ledger".to_string(), |s| format!("ledger {s}"))
        ),
    }
    Ok(())
}

/// The configured backup directory (created if missing), canonical.
fn backup_dir(cfg: &ServiceConfig) -> anyhow::Result<PathBuf> {
    let dir = match &cfg.backup_dir {
        Some(d) => d.clone(),
        None => std::path::absolute(&cfg.db)?
            .parent()
            .map(PathBuf::from)
            .unwrap_or_default(),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("backup dir {}", dir.display()))?;
    Ok(std::fs::canonicalize(&dir)?)
}

/// Opens the database, then starts ingestion and the API.
///
/// # Errors
/// The database can't be opened (schema, other contracts, in use) or the address can't be
/// bound.
pub async fn start(cfg: ServiceConfig) -> anyhow::Result<Running> {
    let store = Arc::new(
        Store::open(&cfg.db, Some(&contracts_json(&cfg.ingest.contracts)))
            .with_context(|| format!("opening {}", cfg.db.display()))?,
    );
    let (cursor, stored) = stored_progress(&store)?;
    check_start_ledger(&store, cursor.is_some(), cfg.ingest.start_ledger)
        .with_context(|| format!("{}", cfg.db.display()))?;
    let progress: SharedProgress = Arc::new(Mutex::new(stored));
    let metrics = Arc::new(Metrics::new());
    let rpc = stellar_rpc_client::Client::new(&cfg.rpc_url)
        .with_context(|| format!("RPC URL {}", cfg.rpc_url))?;
    let (stop, stop_rx) = watch::channel(false);
    let (tx, rx) = mpsc::channel(4);
    let signals = Signals::new();

    let writer = {
        let (store, metrics, progress) = (store.clone(), metrics.clone(), progress.clone());
        let (contracts, batch) = (cfg.ingest.contracts.clone(), cfg.ingest.batch_events);
        let signals = signals.clone();
        std::thread::Builder::new()
            .name("indexer-writer".into())
            .spawn(move || {
                // A redb panic on a damaged page halts ingestion with its message instead of
                // ending the thread silently.
                let written = crate::store::catch_panic(|| {
                    write_loop(&store, &contracts, batch, rx, &metrics, &progress, &signals)
                });
                if let Err(e) = written {
                    halt(&progress, &metrics, "database", e.to_string());
                    signals.set_catching_up(false);
                }
            })?
    };
    let follower = {
        let f = Follower {
            rpc,
            config: cfg.ingest.clone(),
            metrics: metrics.clone(),
            progress: progress.clone(),
            store: store.clone(),
        };
        let signals = signals.clone();
        tokio::spawn(async move {
            if let Err(h) = f.run(cursor, tx, stop_rx).await {
                halt(&f.progress, &f.metrics, h.reason(), h.to_string());
                // Nothing more is coming: deliver what was committed.
                signals.set_catching_up(false);
            }
        })
    };
    let listener = tokio::net::TcpListener::bind(cfg.listen)
        .await
        .with_context(|| format!("binding {}", cfg.listen))?;
    let addr = listener.local_addr()?;
    let app = router(AppState {
        store: store.clone(),
        metrics: metrics.clone(),
        progress: progress.clone(),
        db_path: std::fs::canonicalize(&cfg.db).unwrap_or_else(|_| cfg.db.clone()),
        backup_dir: backup_dir(&cfg)?,
        hooks: Hooks {
            admin_token: cfg.webhooks.admin_token.as_deref().map(Arc::from),
            signals: signals.clone(),
            allow_private: cfg.webhooks.delivery.allow_private,
            contracts: cfg.ingest.contracts.clone(),
        },
        cors_origins: cfg.webhooks.cors_origins.clone(),
        forecasts: Default::default(),
    });
    let dispatcher = tokio::spawn(crate::webhooks::deliver::run(
        store.clone(),
        cfg.webhooks.delivery.clone(),
        metrics.clone(),
        signals.clone(),
        stop.subscribe(),
    ));
    let server = tokio::spawn(crate::http_server::serve(
        listener,
        app,
        cfg.http,
        stop.subscribe(),
    ));
    tracing::info!("indexer listening on http://{addr}");
    Ok(Running {
        addr,
        store,
        progress,
        metrics,
        stop,
        follower,
        writer,
        server,
        dispatcher,
        signals,
    })
}

impl Running {
    /// Stops the follower and the server, lets the writer commit, and waits for all three.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        // Live-feed streams end, so their connections close and release the database.
        self.signals.stopping.send_replace(true);
        let _ = self.follower.await;
        let _ = self.server.await;
        let _ = self.dispatcher.await;
        let writer = self.writer;
        let _ = tokio::task::spawn_blocking(move || writer.join()).await;
    }
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM.
pub async fn shutdown_signal() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}
