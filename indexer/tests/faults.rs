//! Fault injection: the indexer reads the RPC through a proxy that refuses connections at
//! first, then answers 500, 429 and 503, delays past the timeout, truncates bodies, sends
//! non-JSON, and answers JSON-RPC errors a provider sends for a good request (-32000 "server
//! busy", a rate limit). Every fault is retried (and counted by kind), also by a new database
//! with no start ledger whose RPC is down at first (issue 15, F2 and F3); the projections end
//! equal to a direct run's: nothing lost, nothing applied twice.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::{
    sync::{
        atomic::{AtomicU64, Ordering},
        Arc,
    },
    time::Duration,
};

use axum::{
    body::Bytes, extract::State, http::StatusCode, response::IntoResponse, routing::post, Router,
};
use support::{get, start, temp_dir, wait_applied};
use tributary_indexer::service;
use tributary_scenario::signer;

#[derive(Clone)]
struct Proxy {
    upstream: String,
    requests: Arc<AtomicU64>,
}

/// Fault kinds the proxy cycles through (0 is a healthy answer).
const FAULTS: u64 = 9;

/// The fault for the n-th request: one healthy answer after each fault.
async fn forward(State(p): State<Proxy>, body: Bytes) -> axum::response::Response {
    let n = p.requests.fetch_add(1, Ordering::SeqCst);
    let fault = if n % 2 == 1 { 0 } else { n / 2 % FAULTS };
    let upstream = p.upstream.clone();
    let request = body.clone();
    let real = move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut r = agent
            .post(&upstream)
            .header("content-type", "application/json")
            .send(&body[..])
            .unwrap();
        r.body_mut().read_to_string().unwrap()
    };
    match fault {
        1 => (StatusCode::INTERNAL_SERVER_ERROR, "upstream exploded").into_response(),
        2 => (StatusCode::TOO_MANY_REQUESTS, "slow down").into_response(),
        3 => (StatusCode::SERVICE_UNAVAILABLE, "maintenance").into_response(),
        4 => {
            tokio::time::sleep(Duration::from_millis(1500)).await;
            tokio::task::spawn_blocking(real)
                .await
                .unwrap()
                .into_response()
        }
        5 => {
            let full = tokio::task::spawn_blocking(real).await.unwrap();
            let cut = full[..full.len() / 2].to_string();
            ([("content-type", "application/json")], cut).into_response()
        }
        6 => (
            [("content-type", "application/json")],
            "<html>bad gateway</html>",
        )
            .into_response(),
        7 | 8 => {
            // A JSON-RPC error for this very request (its id echoed), with HTTP 200.
            let id = serde_json::from_slice::<serde_json::Value>(&request).unwrap()["id"].clone();
            let (code, message) = if fault == 7 {
                (-32000, "server busy")
            } else {
                (429, "Too Many Requests: rate limit exceeded")
            };
            let error = serde_json::json!({
                "jsonrpc": "2.0", "id": id, "error": { "code": code, "message": message }
            });
            ([("content-type", "application/json")], error.to_string()).into_response()
        }
        _ => (
            [("content-type", "application/json")],
            tokio::task::spawn_blocking(real).await.unwrap(),
        )
            .into_response(),
    }
}

fn counter(metrics: &str, line_start: &str) -> u64 {
    metrics
        .lines()
        .find_map(|l| l.strip_prefix(line_start))
        .map_or(0, |v| v.trim().parse().unwrap())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_fault_is_retried_and_nothing_is_lost_or_duplicated() {
    let env = start(100, 120_960).await;
    let tmp = temp_dir("faults");
    let dir = tmp.path();
    let s = &env.setup;
    tributary_scenario::run(s, &env.net, 20, dir).await.unwrap();
    let (sender, recipient) = (signer("fault sender"), signer("fault recipient"));
    env.net.fund(&sender).await.unwrap();
    s.stream_batches(&sender, &recipient.address(), 10, 50)
        .await
        .unwrap();
    let target = env.latest_ledger();

    let direct = service::start(env.service(dir.join("direct.redb"), &env.net.rpc_url))
        .await
        .unwrap();
    wait_applied(&format!("http://{}", direct.addr), target).await;
    let expected = direct.store.projections_hash().unwrap();
    direct.stop().await;

    // The indexer starts while nothing listens on the proxy's port: connection refused.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_addr = listener.local_addr().unwrap();
    drop(listener);
    let mut cfg = env.service(dir.join("faulty.redb"), &format!("http://{proxy_addr}/rpc"));
    cfg.ingest.rpc_timeout = Duration::from_millis(700);
    // A new database without --start-ledger: it first asks for the latest ledger, which
    // must be waited for while nothing listens (F3), then starts at the RPC's oldest ledger.
    cfg.ingest.start_ledger = None;
    let running = service::start(cfg).await.unwrap();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let proxy = Proxy {
        upstream: env.net.rpc_url.clone(),
        requests: Arc::new(AtomicU64::new(0)),
    };
    let app = Router::new()
        .route("/rpc", post(forward))
        .with_state(proxy.clone());
    let listener = tokio::net::TcpListener::bind(proxy_addr).await.unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });

    let base = format!("http://{}", running.addr);
    // Caught-up polls keep going through the proxy until every fault kind was served twice.
    let started = std::time::Instant::now();
    while proxy.requests.load(Ordering::SeqCst) < 4 * FAULTS {
        let (_, health) = get(format!("{base}/health")).await;
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "the indexer stopped asking: {health}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_applied(&base, target).await;
    let (_, metrics) = get(format!("{base}/metrics")).await;
    let metrics = metrics.as_str().unwrap().to_string();
    for kind in ["transport", "timeout", "malformed", "rpc"] {
        let n = counter(
            &metrics,
            &format!("indexer_rpc_errors_total{{kind=\"{kind}\"}} "),
        );
        assert!(n > 0, "{kind} errors counted:\n{metrics}");
    }
    assert_eq!(counter(&metrics, "indexer_dead_letters_total "), 0);
    let hash = running.store.projections_hash().unwrap();
    running.stop().await;
    assert_eq!(hash, expected, "same projections as the direct run");
}
