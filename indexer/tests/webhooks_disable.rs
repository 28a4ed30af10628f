//! The dispatcher on a database directly (no network to follow; one stored event and its
//! outbox message): an endpoint failing for longer than the configured period is disabled
//! with the reason, receives nothing new meanwhile, and `enable` resumes it at its oldest
//! waiting message; deliveries wait while ingestion catches up.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::{sync::Arc, time::Duration};

use redb::ReadableDatabase;
use stellar_xdr::{Limits, ScVal, WriteXdr};
use support::{receiver, temp_dir, NO_CONTRACT};
use tributary_indexer::{
    metrics::Metrics,
    store::{self, Store, EVENTS, OUTBOX},
    webhooks::{
        deliver::{self, DeliveryConfig, Signals},
        registry, Filter, Pending,
    },
};

const EVENT_ID: &str = "0000000021474840576-0000000000";

fn event_json() -> Vec<u8> {
    let xdr = |v: ScVal| v.to_xdr_base64(Limits::none()).unwrap();
    serde_json::to_vec(&serde_json::json!({
        "type": "contract",
        "ledger": 5,
        "ledgerClosedAt": "2026-11-27T00:00:00Z",
        "contractId": NO_CONTRACT,
        "id": EVENT_ID,
        "txHash": "ab".repeat(32),
        "inSuccessfulContractCall": true,
        "topic": [xdr(ScVal::Symbol("withdrawn".try_into().unwrap())), xdr(ScVal::U64(7))],
        "value": xdr(ScVal::Void),
    }))
    .unwrap()
}

/// A database with one endpoint on a fresh receiver, and one event waiting in its outbox.
async fn seeded(
    dir: &tempfile::TempDir,
) -> (
    Arc<Store>,
    Arc<receiver::Receiver>,
    tributary_indexer::webhooks::Endpoint,
) {
    let store = Arc::new(Store::open(&dir.path().join("d.redb"), None).unwrap());
    let (rx, addr) = receiver::start().await;
    let secret = registry::new_secret().unwrap();
    rx.secrets
        .lock()
        .unwrap()
        .insert("hook".into(), secret.clone());
    let ep = registry::create(
        &store,
        format!("http://{addr}/hook"),
        Filter::default(),
        secret,
    )
    .unwrap();
    // The event and its message, as ingestion would have committed them.
    let txn = store.db.begin_write().unwrap();
    {
        let mut events = txn.open_table(EVENTS).unwrap();
        events
            .insert(EVENT_ID, store::seal(event_json()).as_slice())
            .unwrap();
        let msg = Pending {
            kind: "stream.withdrawn".into(),
            attempts: 0,
            next_attempt_at_ms: 0,
            enqueued_at_ms: tributary_indexer::webhooks::now_ms(),
            last_error: None,
        };
        let mut outbox = txn.open_table(OUTBOX).unwrap();
        outbox
            .insert((ep.id, EVENT_ID), store::to_bytes(&msg).as_slice())
            .unwrap();
    }
    txn.commit().unwrap();
    (store, rx, ep)
}

fn config(disable_after: Duration) -> DeliveryConfig {
    DeliveryConfig {
        schedule: vec![Duration::from_millis(100); 50],
        timeout: Duration::from_secs(2),
        max_in_flight: 4,
        disable_after,
        allow_private: true,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deliveries_wait_while_ingestion_catches_up() {
    let dir = temp_dir("webhooks-catch-up");
    let (store, rx, ep) = seeded(&dir).await;
    let signals = Signals::new();
    signals.set_catching_up(true);
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let dispatcher = tokio::spawn(deliver::run(
        store.clone(),
        config(Duration::from_secs(3600)),
        Arc::new(Metrics::new()),
        signals.clone(),
        stop_rx,
    ));
    tokio::time::sleep(Duration::from_millis(700)).await;
    assert!(rx.ids("hook").is_empty(), "nothing while catching up");
    assert_eq!(registry::get(&store, ep.id).unwrap().unwrap().pending, 1);
    signals.set_catching_up(false);
    let started = std::time::Instant::now();
    while rx.ids("hook").is_empty() {
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "not delivered at the tip"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let _ = stop.send(true);
    dispatcher.await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failing_too_long_disables_and_enable_resumes() {
    let dir = temp_dir("webhooks-disable");
    let (store, rx, ep) = seeded(&dir).await;
    rx.set_failing("hook", true);
    let signals = Signals::new();
    let metrics = Arc::new(Metrics::new());
    let (stop, stop_rx) = tokio::sync::watch::channel(false);
    let dispatcher = tokio::spawn(deliver::run(
        store.clone(),
        config(Duration::from_millis(600)),
        metrics.clone(),
        signals.clone(),
        stop_rx,
    ));

    let started = std::time::Instant::now();
    let view = loop {
        let v = registry::get(&store, ep.id).unwrap().unwrap();
        if v.disabled.is_some() {
            break v;
        }
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "never disabled"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let reason = view.disabled.clone().unwrap();
    assert!(
        reason.contains("HTTP 503") && reason.contains("disabled after"),
        "{reason}"
    );
    assert_eq!(view.pending, 1, "the message waits, not dead-lettered");
    assert_eq!(view.dead_letters, 0);
    let refused = rx.refused("hook");
    assert!(refused >= 2, "{refused}");
    assert!(metrics
        .render()
        .contains("indexer_webhook_deliveries_total{outcome=\"endpoint_disabled\"} 1"));
    // Disabled: no more attempts, and new events aren't enqueued for it.
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(
        rx.refused("hook"),
        refused,
        "a disabled endpoint is left alone"
    );
    let txn = store.db.begin_read().unwrap();
    assert!(
        tributary_indexer::webhooks::active(&txn.open_table(store::WEBHOOKS).unwrap())
            .unwrap()
            .is_empty()
    );
    drop(txn);

    rx.set_failing("hook", false);
    registry::enable(&store, ep.id).unwrap().unwrap();
    signals.changes.send_modify(|c| *c += 1);
    let started = std::time::Instant::now();
    while rx.ids("hook").is_empty() {
        assert!(started.elapsed() < Duration::from_secs(20), "not resumed");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        rx.ids("hook").into_iter().collect::<Vec<_>>(),
        vec![format!("msg_{}_{EVENT_ID}", ep.id)]
    );
    let body = &rx.bodies("hook")[0];
    assert_eq!(body["type"], "stream.withdrawn");
    assert_eq!(body["cursor"], EVENT_ID);
    assert_eq!(body["tx_hash"], "ab".repeat(32));
    let started = std::time::Instant::now();
    while registry::get(&store, ep.id).unwrap().unwrap().pending > 0 {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "outcome never committed"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = stop.send(true);
    dispatcher.await.unwrap();
}
