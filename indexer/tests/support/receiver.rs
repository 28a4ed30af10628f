//! A webhook receiver for the tests: a real HTTP server that verifies every delivery's
//! Standard Webhooks signature with the `standardwebhooks` crate (as a customer's backend
//! would), records what it accepted, and can be told to fail or to answer slowly.

use std::{
    collections::HashMap,
    net::SocketAddr,
    sync::{
        atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::Duration,
};

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    routing::post,
    Router,
};
use serde_json::Value;

/// One accepted delivery.
#[derive(Clone, Debug)]
pub struct Received {
    /// The path it was posted to (the endpoint's name).
    pub name: String,
    /// `webhook-id`.
    pub id: String,
    /// The body.
    pub body: Value,
}

/// The receiver's shared state.
#[derive(Default)]
pub struct Receiver {
    /// Signing secrets by endpoint name.
    pub secrets: Mutex<HashMap<String, String>>,
    /// Endpoint names that answer 503.
    pub failing: Mutex<Vec<String>>,
    /// Accepted deliveries, in arrival order.
    pub received: Mutex<Vec<Received>>,
    /// Requests whose signature did not verify (must stay 0).
    pub bad_signatures: AtomicUsize,
    /// Requests answered 503, by endpoint name.
    pub refused: Mutex<HashMap<String, usize>>,
    /// Added to every answer, milliseconds.
    pub delay_ms: AtomicU64,
    /// Set to stop accepting anything (connection-level failure is not simulated).
    pub down: AtomicBool,
}

impl Receiver {
    /// The de-duplicated `webhook-id`s accepted for `name`.
    pub fn ids(&self, name: &str) -> std::collections::BTreeSet<String> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.name == name)
            .map(|r| r.id.clone())
            .collect()
    }

    /// The accepted bodies for `name`, in arrival order.
    pub fn bodies(&self, name: &str) -> Vec<Value> {
        self.received
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.name == name)
            .map(|r| r.body.clone())
            .collect()
    }

    /// Requests to `name` answered 503.
    pub fn refused(&self, name: &str) -> usize {
        self.refused.lock().unwrap().get(name).copied().unwrap_or(0)
    }

    /// Marks `name` failing (503) or not.
    pub fn set_failing(&self, name: &str, failing: bool) {
        let mut f = self.failing.lock().unwrap();
        f.retain(|n| n != name);
        if failing {
            f.push(name.to_string());
        }
    }
}

async fn accept(
    State(r): State<Arc<Receiver>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let delay = r.delay_ms.load(Ordering::Relaxed);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    if r.down.load(Ordering::Relaxed) || r.failing.lock().unwrap().contains(&name) {
        *r.refused.lock().unwrap().entry(name).or_default() += 1;
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    let Some(secret) = r.secrets.lock().unwrap().get(&name).cloned() else {
        return StatusCode::NOT_FOUND;
    };
    let wh = standardwebhooks::Webhook::new(&secret).unwrap();
    if wh.verify(&body, &headers).is_err() {
        r.bad_signatures.fetch_add(1, Ordering::Relaxed);
        return StatusCode::BAD_REQUEST;
    }
    let id = headers["webhook-id"].to_str().unwrap().to_string();
    r.received.lock().unwrap().push(Received {
        name,
        id,
        body: serde_json::from_slice(&body).unwrap(),
    });
    StatusCode::NO_CONTENT
}

/// Starts a receiver on loopback; POST `/<name>` is endpoint `name`.
pub async fn start() -> (Arc<Receiver>, SocketAddr) {
    let r = Arc::new(Receiver::default());
    let app = Router::new()
        .route("/{name}", post(accept))
        .with_state(r.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (r, addr)
}
