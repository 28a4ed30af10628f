//! The transaction flow's failure paths and event decoding, against the local network.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::time::Duration;

use tributary_localnet::server::{Config, Localnet};
use tributary_sdk::{client::RetryPolicy, Client, Error};

const PASSPHRASE: &str = "Standalone Network ; February 2017";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_rpc_is_retried_then_reported() {
    // Nothing listens on port 9: connection refused each time, a transient failure.
    let retry = RetryPolicy {
        attempts: 3,
        initial: Duration::from_millis(10),
        max: Duration::from_millis(20),
    };
    let started = std::time::Instant::now();
    match Client::connect_with("http://127.0.0.1:9/rpc", PASSPHRASE, retry).await {
        Err(Error::Unavailable { attempts, .. }) => assert_eq!(attempts, 3),
        Err(e) => panic!("expected Unavailable, got {e}"),
        Ok(_) => panic!("connected to nothing"),
    }
    assert!(
        started.elapsed() >= Duration::from_millis(30),
        "it backed off between attempts"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_network_mismatch_is_refused_before_anything_is_sent() {
    let net = Localnet::start(Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        ledger_interval: None,
        ..Config::default()
    })
    .await
    .unwrap();
    match Client::connect(&net.rpc_url(), "Test SDF Network ; September 2015").await {
        Err(Error::NetworkMismatch { found, .. }) => assert_eq!(found, PASSPHRASE),
        Err(e) => panic!("expected NetworkMismatch, got {e}"),
        Ok(_) => panic!("connected to the wrong network"),
    }
    assert!(net.shared().lock().history().transactions.is_empty());
}
