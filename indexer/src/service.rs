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
    api::{router, AppState},
    ingest::{stored_progress, write_loop, Follower, IngestConfig, SharedProgress},
    metrics::Metrics,
    ops::contracts_json,
    store::Store,
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
}

fn halt(progress: &SharedProgress, metrics: &Metrics, reason: &str, message: String) {
    tracing::error!("ingestion halted ({reason}): {message}");
    metrics.halted.with_label_values(&[reason]).set(1);
    progress.lock().unwrap_or_else(|e| e.into_inner()).halted = Some(message);
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
    let progress: SharedProgress = Arc::new(Mutex::new(stored));
    let metrics = Arc::new(Metrics::new());
    let rpc = stellar_rpc_client::Client::new(&cfg.rpc_url)
        .with_context(|| format!("RPC URL {}", cfg.rpc_url))?;
    let (stop, stop_rx) = watch::channel(false);
    let (tx, rx) = mpsc::channel(4);

    let writer = {
        let (store, metrics, progress) = (store.clone(), metrics.clone(), progress.clone());
        let (contracts, batch) = (cfg.ingest.contracts.clone(), cfg.ingest.batch_events);
        std::thread::Builder::new()
            .name("indexer-writer".into())
            .spawn(move || {
                if let Err(e) = write_loop(&store, &contracts, batch, rx, &metrics, &progress) {
                    halt(&progress, &metrics, "database", e.to_string());
                }
            })?
    };
    let follower = {
        let f = Follower {
            rpc,
            config: cfg.ingest.clone(),
            metrics: metrics.clone(),
            progress: progress.clone(),
        };
        tokio::spawn(async move {
            if let Err(h) = f.run(cursor, tx, stop_rx).await {
                halt(&f.progress, &f.metrics, h.reason(), h.to_string());
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
    });
    let mut server_stop = stop.subscribe();
    let server = tokio::spawn(async move {
        let serve = axum::serve(
            listener,
            app.into_make_service_with_connect_info::<SocketAddr>(),
        )
        .with_graceful_shutdown(async move {
            let _ = server_stop.wait_for(|s| *s).await;
        });
        if let Err(e) = serve.await {
            tracing::error!("HTTP server: {e}");
        }
    });
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
    })
}

impl Running {
    /// Stops the follower and the server, lets the writer commit, and waits for all three.
    pub async fn stop(self) {
        let _ = self.stop.send(true);
        let _ = self.follower.await;
        let _ = self.server.await;
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
