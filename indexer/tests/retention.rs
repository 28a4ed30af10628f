//! Retention gaps stop ingestion loudly: a start ledger older than the RPC's window, and a
//! cursor that fell out of it while the indexer was down. Health turns 503 with an
//! actionable message, the halt metric is set, and nothing is skipped.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::time::Duration;

use support::{get, start, temp_dir, wait_applied};
use tributary_indexer::service;
use tributary_scenario::signer;

const RETENTION: u32 = 30;

async fn wait_halted(base: &str) -> serde_json::Value {
    for _ in 0..200 {
        let (status, h) = get(format!("{base}/health")).await;
        if status == 503 {
            return h;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("ingestion never halted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_start_or_cursor_outside_the_window_halts_ingestion() {
    let env = start(50, RETENTION).await;
    let tmp = temp_dir("retention");
    let dir = tmp.path();
    let s = &env.setup;
    let (sender, recipient) = (signer("gap sender"), signer("gap recipient"));
    env.net.fund(&sender).await.unwrap();

    // The deployment's first ledgers are already out of the 30-ledger window.
    while env.latest_ledger() < 2 * RETENTION {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let old = service::start(env.service(dir.join("old.redb"), &env.net.rpc_url))
        .await
        .unwrap();
    let base = format!("http://{}", old.addr);
    let h = wait_halted(&base).await;
    assert_eq!(h["status"], "halted");
    assert!(
        h["halted"].as_str().unwrap().contains("retention gap"),
        "{h}"
    );
    let (_, m) = get(format!("{base}/metrics")).await;
    assert!(
        m.as_str()
            .unwrap()
            .contains("indexer_ingestion_halted{reason=\"retention_gap\"} 1"),
        "{m}"
    );
    let (_, streams) = get(format!("{base}/streams")).await;
    assert_eq!(
        streams["items"].as_array().unwrap().len(),
        0,
        "nothing applied past the gap"
    );
    old.stop().await;

    // Caught up from inside the window, then down while a stream is created and the window
    // moves past the cursor.
    let mut cfg = env.service(dir.join("cursor.redb"), &env.net.rpc_url);
    cfg.ingest.start_ledger = Some(env.latest_ledger() - 5);
    let first = service::start(cfg.clone()).await.unwrap();
    wait_applied(&format!("http://{}", first.addr), env.latest_ledger()).await;
    first.stop().await;
    s.stream_batches(&sender, &recipient.address(), 1, 1)
        .await
        .unwrap();
    let resume_from = env.latest_ledger();
    while env.latest_ledger() < resume_from + RETENTION + 5 {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let again = service::start(cfg).await.unwrap();
    let base = format!("http://{}", again.addr);
    let h = wait_halted(&base).await;
    assert!(
        h["halted"].as_str().unwrap().contains("retention gap"),
        "{h}"
    );
    let (_, streams) = get(format!("{base}/streams")).await;
    assert_eq!(
        streams["items"].as_array().unwrap().len(),
        0,
        "the lost stream was not skipped over silently"
    );
    again.stop().await;
}
