//! `--start-ledger` edges (issue 15): a start ahead of the RPC's latest ledger halts with a
//! clear reason (not a retention gap); on an existing database the flag must be the ledger
//! the database was started from (the same command line restarts), else the start is refused.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::time::Duration;

use tributary_indexer::service;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_future_start_halts_clearly_and_an_existing_database_keeps_its_start() {
    let env = support::start(200, 1_000).await;
    let tmp = support::temp_dir("start-ledger");

    // Ahead of the RPC: halted with the reason, not a retention gap.
    let ahead = env.latest_ledger() + 1_000;
    let mut cfg = env.service(tmp.path().join("ahead.redb"), &env.net.rpc_url);
    cfg.ingest.start_ledger = Some(ahead);
    let running = service::start(cfg).await.unwrap();
    let base = format!("http://{}", running.addr);
    let started = std::time::Instant::now();
    let health = loop {
        let (status, h) = support::get(format!("{base}/health")).await;
        if status == 503 {
            break h;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "{h}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let halted = health["halted"].as_str().unwrap();
    assert!(
        halted.contains(&format!(
            "--start-ledger {ahead} is ahead of the RPC's latest ledger"
        )),
        "{health}"
    );
    assert!(!halted.contains("retention gap"), "{health}");
    let (_, metrics) = support::get(format!("{base}/metrics")).await;
    assert!(
        metrics
            .as_str()
            .unwrap()
            .contains("indexer_ingestion_halted{reason=\"bad_start_ledger\"} 1"),
        "{metrics}"
    );
    running.stop().await;

    // A database started from ledger 1 restarts with the same flag, refuses another.
    let db = tmp.path().join("indexer.redb");
    let running = service::start(env.service(db.clone(), &env.net.rpc_url))
        .await
        .unwrap();
    support::wait_applied(&format!("http://{}", running.addr), env.latest_ledger()).await;
    running.stop().await;
    let mut other = env.service(db.clone(), &env.net.rpc_url);
    other.ingest.start_ledger = Some(5);
    let refused = service::start(other).await.err().expect("refused");
    let message = format!("{refused:#}");
    assert!(
        message.contains("indexed from ledger 1; --start-ledger 5 would not apply"),
        "{message}"
    );
    let again = service::start(env.service(db, &env.net.rpc_url))
        .await
        .unwrap();
    again.stop().await;
}
