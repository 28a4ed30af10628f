//! The retention window's edge (issue 15): a cursor that ends the ledger just before the
//! RPC's oldest ledger misses nothing, so ingestion resumes; one ledger further is a real
//! gap and halts. On a local network closing ledgers on demand, with 5 ledgers of history.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::time::Duration;

use serde_json::Value;
use tributary_indexer::{
    http_server::HttpLimits,
    ingest::{cursor_ends_its_ledger, resume_after_refused_cursor},
    service,
};
use tributary_localnet::server::{Config, Localnet};

const RETENTION: u32 = 5;
fn config(
    rpc_url: &str,
    db: std::path::PathBuf,
    start: u32,
) -> tributary_indexer::service::ServiceConfig {
    support::standalone(rpc_url, db, start, HttpLimits::default())
}

/// `/health` once the indexer has applied `ledger`, or once it halted.
async fn settled(base: &str, ledger: u32) -> Value {
    let started = std::time::Instant::now();
    loop {
        let (_, h) = support::get(format!("{base}/health")).await;
        if !h["halted"].is_null() || h["applied_ledger"].as_u64().unwrap_or(0) >= u64::from(ledger)
        {
            return h;
        }
        assert!(started.elapsed() < Duration::from_secs(30), "{h}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[test]
fn an_end_of_ledger_cursor_just_before_the_window_resumes_at_its_start() {
    // stellar-rpc's end-of-window cursor for ledger 100: TOID (100, 2^20-1, 2^12-1), index 2^32-1.
    let end = format!("{:019}-{}", (100u64 << 32) | 0xFFFF_FFFF, u32::MAX);
    assert!(cursor_ends_its_ledger(&end));
    assert_eq!(resume_after_refused_cursor(&end, 101), Some(101));
    assert_eq!(
        resume_after_refused_cursor(&end, 102),
        None,
        "ledger 101 is gone"
    );
    // A cursor in the middle of ledger 100: its later events are gone with the ledger.
    let mid = format!("{:019}-{:010}", (100u64 << 32) | (3 << 12), 0);
    assert!(!cursor_ends_its_ledger(&mid));
    assert_eq!(resume_after_refused_cursor(&mid, 101), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cursor_at_the_window_edge_resumes_and_one_past_it_halts() {
    let net = Localnet::start(Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        ledger_interval: None,
        retention_ledgers: RETENTION,
        ..Config::default()
    })
    .await
    .unwrap();
    let tmp = support::temp_dir("cursor-edge");
    for _ in 0..3 {
        net.close_ledger();
    }
    for (extra, resumes) in [(0, true), (1, false)] {
        let db = tmp.path().join(format!("edge-{extra}.redb"));
        let oldest = net.shared().lock().history().oldest().unwrap().sequence;
        let running = service::start(config(&net.rpc_url(), db.clone(), oldest))
            .await
            .unwrap();
        let base = format!("http://{}", running.addr);
        let caught = net.shared().lock().header().ledger_seq;
        let h = settled(&base, caught).await;
        assert!(h["halted"].is_null(), "{h}");
        running.stop().await;
        // The stored cursor ends ledger `caught`; close ledgers until the RPC's oldest ledger
        // is `caught + 1` (the edge), or one past it.
        for _ in 0..RETENTION + extra {
            net.close_ledger();
        }
        assert_eq!(
            net.shared().lock().history().oldest().unwrap().sequence,
            caught + 1 + extra
        );
        let running = service::start(config(&net.rpc_url(), db, oldest))
            .await
            .unwrap();
        let base = format!("http://{}", running.addr);
        let latest = net.shared().lock().header().ledger_seq;
        let h = settled(&base, latest).await;
        if resumes {
            assert!(h["halted"].is_null(), "the edge is not a gap: {h}");
            assert_eq!(h["applied_ledger"], latest, "{h}");
        } else {
            assert!(
                h["halted"].as_str().unwrap().starts_with("retention gap"),
                "one ledger past the edge is a gap: {h}"
            );
        }
        running.stop().await;
    }
    net.shutdown().await.unwrap();
}
