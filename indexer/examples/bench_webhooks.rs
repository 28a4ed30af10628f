//! `scripts/bench-indexer`, webhooks: 100 endpoints on a local receiver that verifies every
//! signature, 100,000 events.
//!
//! 1. Ingest 100,000 synthetic `stream_created` events (pages of 1,000, a durable commit every
//!    10,000) with no endpoint: the baseline rate.
//! 2. The same into a fresh database with 100 endpoints, each filtering one of 100 recipients
//!    (so every event is one delivery), the dispatcher running, flagged as catching up as the
//!    writer flags a backfill (deliveries wait for it): the ingest rate with webhooks on, and
//!    the delivery throughput (100,000 deliveries over the time from the first commit to the
//!    last receipt, the backfill included).
//! 3. Live: 10,000 more events at 1,000/s (a commit of 100 every 100 ms), each timed from its
//!    commit to its receipt: p50/p99.
//!
//! Exits non-zero if a target is missed (throughput ≥ 2,000/s, p99 ≤ 50 ms, ingest with
//! webhooks ≥ 80% of without); `TRIBUTARY_BENCH_INFORMATIONAL=1` reports only.
#![allow(clippy::unwrap_used, clippy::panic, clippy::print_stdout)]

mod common;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use axum::{
    body::Bytes,
    extract::{Path, State},
    http::{HeaderMap, StatusCode},
    routing::post,
    Router,
};
use stellar_rpc_client::Event;
use stellar_xdr::ScVal;
use tributary_indexer::{
    apply::Tables,
    ingest::apply_page,
    metrics::Metrics,
    store::Store,
    webhooks::{
        deliver::{self, DeliveryConfig, Signals},
        registry, Filter,
    },
};

const EVENTS: u64 = 100_000;
const ENDPOINTS: u64 = 100;
const PAGE: u64 = 1_000;
const BATCH: u64 = 10_000;
const LIVE_PAGES: u64 = 100;
const LIVE_PAGE: u64 = 100;

#[derive(Default)]
struct Receiver {
    secrets: HashMap<String, standardwebhooks::Webhook>,
    /// `(webhook-id, when)` of every verified delivery.
    got: Mutex<Vec<(String, Instant)>>,
    /// Deliveries whose signature did not verify (must stay 0).
    bad: std::sync::atomic::AtomicUsize,
}

async fn accept(
    State(r): State<Arc<Receiver>>,
    Path(name): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> StatusCode {
    let Some(wh) = r.secrets.get(&name) else {
        return StatusCode::NOT_FOUND;
    };
    if wh.verify(&body, &headers).is_err() {
        r.bad.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        return StatusCode::BAD_REQUEST;
    }
    let id = headers["webhook-id"].to_str().unwrap().to_string();
    r.got.lock().unwrap().push((id, Instant::now()));
    StatusCode::NO_CONTENT
}

/// Applies `pages` in one durable transaction; returns the event ids.
fn commit(
    store: &Store,
    contracts: &tributary_sdk::events::Contracts,
    pages: &[tributary_indexer::ingest::Page],
) -> Vec<String> {
    let txn = store.db.begin_write().unwrap();
    {
        let mut t = Tables::open(&txn).unwrap();
        for pg in pages {
            apply_page(&mut t, contracts, pg).unwrap();
        }
    }
    txn.commit().unwrap();
    pages
        .iter()
        .flat_map(|p| p.events.iter().map(|e| e.id.clone()))
        .collect()
}

/// Ingests the 100,000 events in batches; returns the busy time and each event's commit
/// time.
fn ingest(
    store: &Store,
    contracts: &tributary_sdk::events::Contracts,
    template: &Event,
    topics: &[ScVal],
    signals: Option<&Signals>,
) -> (Duration, HashMap<String, Instant>) {
    let mut busy = Duration::ZERO;
    let mut committed = HashMap::new();
    let pages = EVENTS / PAGE;
    let mut p = 0;
    while p < pages {
        let batch: Vec<_> = (p..(p + BATCH / PAGE).min(pages))
            .map(|q| common::page(template, topics, q, PAGE, ENDPOINTS))
            .collect();
        let started = Instant::now();
        let ids = commit(store, contracts, &batch);
        busy += started.elapsed();
        let at = Instant::now();
        if let Some(s) = signals {
            s.commits.send_modify(|c| *c += 1);
        }
        committed.extend(ids.into_iter().map(|id| (id, at)));
        p += batch.len() as u64;
    }
    (busy, committed)
}

async fn wait_for(rx: &Receiver, n: usize, limit: Duration) {
    let started = Instant::now();
    while rx.got.lock().unwrap().len() < n {
        assert!(
            started.elapsed() < limit,
            "{} of {n} delivered after {limit:?}",
            rx.got.lock().unwrap().len()
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

fn event_id(webhook_id: &str) -> &str {
    // msg_<endpoint>_<event id>
    webhook_id.splitn(3, '_').nth(2).unwrap()
}

#[tokio::main]
async fn main() {
    let (template, contracts, recorded) = common::record().await;
    println!("recorded {recorded} real events; template: {}", template.id);
    let topics = common::topics(&template);
    let dir = std::env::temp_dir().join("tributary-bench-webhooks");
    std::fs::create_dir_all(&dir).unwrap();
    let open = |name: &str| {
        let path = dir.join(name);
        let _ = std::fs::remove_file(&path);
        Arc::new(
            Store::open(
                &path,
                Some(&tributary_indexer::ops::contracts_json(&contracts)),
            )
            .unwrap(),
        )
    };

    // 1. Without endpoints.
    let plain = open("plain.redb");
    let (off, _) = ingest(&plain, &contracts, &template, &topics, None);
    let rate_off = EVENTS as f64 / off.as_secs_f64();
    println!("ingest without webhooks: {EVENTS} events in {off:.2?}: {rate_off:.0} events/s");
    drop(plain);

    // 2. 100 endpoints, one per recipient, on a local receiver.
    let mut rx = Receiver::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let register = |store: &Store, rx: &mut Receiver| {
        for k in 0..ENDPOINTS {
            let secret = registry::new_secret().unwrap();
            rx.secrets.insert(
                k.to_string(),
                standardwebhooks::Webhook::new(&secret).unwrap(),
            );
            let filter = Filter {
                kinds: vec!["stream.stream_created".into()],
                party: Some(common::recipient(k).to_string()),
                contract: None,
            };
            registry::create(store, format!("http://{addr}/{k}"), filter, secret).unwrap();
        }
    };
    // 2a. The outbox alone: endpoints registered, nothing delivering.
    let queued = open("queued.redb");
    register(&queued, &mut rx);
    let (q, _) = ingest(&queued, &contracts, &template, &topics, None);
    let rate_queued = EVENTS as f64 / q.as_secs_f64();
    println!(
        "ingest with 100 endpoints, not delivering (the outbox writes): {EVENTS} events in {q:.2?}: {rate_queued:.0} events/s ({:.0}% of without)",
        100.0 * rate_queued / rate_off
    );
    drop(queued);
    let store = open("webhooks.redb");
    register(&store, &mut rx);
    let rx = Arc::new(rx);
    let app = Router::new()
        .route("/{name}", post(accept))
        .with_state(rx.clone());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    let signals = Signals::new();
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let dispatcher = tokio::spawn(deliver::run(
        store.clone(),
        DeliveryConfig {
            allow_private: true,
            ..DeliveryConfig::default()
        },
        Arc::new(Metrics::new()),
        signals.clone(),
        stop_rx,
    ));
    let first_commit = Instant::now();
    let (on, committed) = {
        let (store, contracts, template, topics, signals) = (
            store.clone(),
            contracts.clone(),
            template.clone(),
            topics.clone(),
            signals.clone(),
        );
        tokio::task::spawn_blocking(move || {
            // As the writer does for pages behind the RPC's latest ledger.
            signals.set_catching_up(true);
            let done = ingest(&store, &contracts, &template, &topics, Some(&signals));
            signals.set_catching_up(false);
            done
        })
        .await
        .unwrap()
    };
    let rate_on = EVENTS as f64 / on.as_secs_f64();
    println!(
        "ingest with 100 endpoints while delivering to the receiver on the same 2 cores: {EVENTS} events in {on:.2?}: {rate_on:.0} events/s ({:.0}% of without; target >= 80%)",
        100.0 * rate_on / rate_off
    );
    wait_for(&rx, EVENTS as usize, Duration::from_secs(600)).await;
    let last = rx
        .got
        .lock()
        .unwrap()
        .iter()
        .map(|(_, t)| *t)
        .max()
        .unwrap();
    let drain = last - first_commit;
    let throughput = EVENTS as f64 / drain.as_secs_f64();
    println!("delivered {EVENTS} to {ENDPOINTS} endpoints in {drain:.2?} from the first commit: {throughput:.0} deliveries/s (target >= 2,000)");
    let unique: std::collections::HashSet<String> = rx
        .got
        .lock()
        .unwrap()
        .iter()
        .map(|(id, _)| id.clone())
        .collect();
    assert_eq!(unique.len(), EVENTS as usize, "one delivery per event");
    assert_eq!(committed.len(), EVENTS as usize);
    assert_eq!(
        rx.bad.load(std::sync::atomic::Ordering::Relaxed),
        0,
        "every signature verifies"
    );

    // 3. Live: 1,000 events/s, each timed from its commit to its receipt.
    let before = rx.got.lock().unwrap().len();
    let mut live = HashMap::new();
    for j in 0..LIVE_PAGES {
        let pg = common::page(&template, &topics, 1_000 + j, LIVE_PAGE, ENDPOINTS);
        let (store, contracts) = (store.clone(), contracts.clone());
        let ids = tokio::task::spawn_blocking(move || commit(&store, &contracts, &[pg]))
            .await
            .unwrap();
        let at = Instant::now();
        signals.commits.send_modify(|c| *c += 1);
        live.extend(ids.into_iter().map(|id| (id, at)));
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let n_live = (LIVE_PAGES * LIVE_PAGE) as usize;
    wait_for(&rx, before + n_live, Duration::from_secs(120)).await;
    let mut lat: Vec<Duration> = rx.got.lock().unwrap()[before..]
        .iter()
        .map(|(id, t)| *t - live[event_id(id)])
        .collect();
    lat.sort();
    let (l50, l99) = (
        common::percentile(&lat, 50.0),
        common::percentile(&lat, 99.0),
    );
    println!("live, {n_live} events at 1,000/s: commit to receipt p50 {l50:.2?}, p99 {l99:.2?} (target <= 50 ms)");
    let _ = stop.send(true);
    let _ = dispatcher.await;

    common::exit_on_missed(&[
        (throughput < 2_000.0, "delivery throughput"),
        (l99 > Duration::from_millis(50), "commit-to-receipt p99"),
        (rate_on < 0.8 * rate_off, "ingest with webhooks"),
    ]);
}
