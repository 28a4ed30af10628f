//! The transaction flow against the local network: failure paths (an unreachable RPC, a
//! network mismatch, a stale sequence, a typed rejection), the separate prepare, sign and send
//! steps with a memo, time bounds and the fee policy, and a sponsor's fee bump.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::time::Duration;

use tributary_localnet::server::{Config, Localnet};
use tributary_sdk::{
    client::RetryPolicy,
    xdr::{
        HostFunction, Limits, Memo, Preconditions, ReadXdr, TransactionEnvelope, TransactionExt,
        TransactionResultCode, TransactionResultResult,
    },
    CallOptions, Client, Error, FeePercentile, FeePolicy, Sign, Signer,
};

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

/// A local network closing a ledger every 100 ms, and a funded account on it.
async fn network_and_account() -> (Localnet, Signer) {
    let net = Localnet::start(Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        ledger_interval: Some(Duration::from_millis(100)),
        ..Config::default()
    })
    .await
    .unwrap();
    let key = Signer::random();
    net.shared().lock().fund(key.account_id()).unwrap();
    net.close_ledger();
    (net, key)
}

fn wasm() -> Vec<u8> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../target/wasm/tributary_access.wasm"
    );
    std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}: run scripts/build-wasm"))
}

/// Two clients send from one account; the first one's locally numbered next sequence is then
/// stale, the network answers `txBAD_SEQ`, and the client resyncs and rebuilds.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_sequence_is_resynced_and_the_call_rebuilt() {
    let (net, key) = network_and_account().await;
    let (first, second) = (
        Client::connect(&net.rpc_url(), PASSPHRASE).await.unwrap(),
        Client::connect(&net.rpc_url(), PASSPHRASE).await.unwrap(),
    );
    let wasm = wasm();
    first.upload(&key, &wasm).await.unwrap();
    second.upload(&key, &wasm).await.unwrap();
    let before = first.sequence(&key.public_strkey()).await.unwrap();
    first.upload(&key, &wasm).await.unwrap();
    assert_eq!(
        first.sequence(&key.public_strkey()).await.unwrap(),
        before + 1
    );
}

/// `sendTransaction`'s `ERROR` comes back as the result code, typed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rejected_transaction_carries_its_result_code() {
    let (net, key) = network_and_account().await;
    let client = Client::connect(&net.rpc_url(), PASSPHRASE).await.unwrap();
    let upload = HostFunction::UploadContractWasm(wasm().try_into().unwrap());
    let prepared = client
        .prepare(&key.public_strkey(), upload, &[], &CallOptions::default())
        .await
        .unwrap();
    let mut tx = prepared.transaction;
    tx.seq_num.0 += 5;
    let envelope = client.sign(tx, &[&key]).unwrap();
    match client.send(&envelope).await {
        Err(Error::Rejected {
            code: TransactionResultCode::TxBadSeq,
        }) => {}
        other => panic!("expected Rejected(TxBadSeq), got {other:?}"),
    }
}

/// Build, sign and send as separate steps, with a memo, time bounds from the ledger clock and
/// the fee policy's inclusion fee.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_prepared_transaction_is_signed_apart_then_sent() {
    let (net, key) = network_and_account().await;
    let policy = FeePolicy {
        percentile: FeePercentile::Max,
        max_inclusion: 1_000,
        resource_margin_bps: 2_000,
    };
    let client = Client::connect(&net.rpc_url(), PASSPHRASE)
        .await
        .unwrap()
        .with_fees(policy);
    let options = CallOptions {
        memo: Memo::Text("payroll 2026-11".as_bytes().to_vec().try_into().unwrap()),
        valid_for: Some(Duration::from_secs(120)),
        max_fee: None,
    };
    let upload = HostFunction::UploadContractWasm(wasm().try_into().unwrap());
    // A fee cap below what the upload needs: refused before anything is signed or sent.
    let capped = CallOptions {
        max_fee: Some(100),
        ..options.clone()
    };
    match client
        .prepare(&key.public_strkey(), upload.clone(), &[], &capped)
        .await
    {
        Err(tributary_sdk::Error::FeeAboveCap { fee, cap: 100 }) => assert!(fee > 100),
        other => panic!("expected FeeAboveCap, got {other:?}"),
    }
    let prepared = client
        .prepare(&key.public_strkey(), upload, &[], &options)
        .await
        .unwrap();
    let tx = &prepared.transaction;
    assert_eq!(tx.memo, options.memo);
    let Preconditions::Time(bounds) = &tx.cond else {
        panic!("no time bounds: {:?}", tx.cond)
    };
    let now = client.ledger_time().await.unwrap();
    assert!(
        bounds.max_time.0 >= now + 120 && bounds.max_time.0 <= now + 130,
        "{bounds:?}"
    );
    let TransactionExt::V1(data) = &tx.ext else {
        panic!("no Soroban data")
    };
    assert!(
        tx.fee >= 100 && i64::from(tx.fee) - data.resource_fee <= 1_000,
        "the inclusion fee is capped"
    );
    // The unsigned XDR round-trips, as an offline signer would receive it.
    let unsigned =
        TransactionEnvelope::from_xdr_base64(prepared.to_xdr_base64(), Limits::none()).unwrap();
    let TransactionEnvelope::Tx(v1) = unsigned else {
        panic!()
    };
    let envelope = client.sign(v1.tx, &[&key]).unwrap();
    let applied = client.send_and_confirm(&envelope).await.unwrap();
    assert_eq!(applied.status, "SUCCESS");
}

/// A sponsor pays for another account's transaction through a fee bump (CAP-15): the source's
/// balance doesn't move and the sponsor's drops by the fee charged. Refused: an outer envelope
/// not signed by the fee source, an inner transaction with a wrong sequence number (its own code
/// comes back), and an outer fee below the minimum.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sponsor_pays_the_fee_through_a_fee_bump() {
    let (net, source) = network_and_account().await;
    let sponsor = Signer::random();
    net.shared().lock().fund(sponsor.account_id()).unwrap();
    net.close_ledger();
    let client = Client::connect(&net.rpc_url(), PASSPHRASE).await.unwrap();
    let balance = |key: &Signer| {
        let (rpc, id) = (client.rpc().clone(), key.public_strkey());
        async move { rpc.get_account(&id).await.unwrap().balance }
    };
    let (source_before, sponsor_before) = (balance(&source).await, balance(&sponsor).await);
    let upload = HostFunction::UploadContractWasm(wasm().try_into().unwrap());
    let done = client
        .submit_sponsored(&source, upload.clone(), &[], &sponsor)
        .await
        .unwrap();
    assert!(done.fee_charged > 0);
    assert_eq!(
        balance(&source).await,
        source_before,
        "the source paid nothing"
    );
    assert_eq!(balance(&sponsor).await, sponsor_before - done.fee_charged);
    let hash = tributary_sdk::xdr::Hash(hex::decode(&done.hash).unwrap().try_into().unwrap());
    let applied = client.rpc().get_transaction(&hash).await.unwrap();
    assert!(
        matches!(
            applied.result.map(|r| r.result),
            Some(TransactionResultResult::TxFeeBumpInnerSuccess(_))
        ),
        "the result wraps the inner one"
    );

    let prepared = client
        .prepare(
            &source.public_strkey(),
            upload,
            &[],
            &CallOptions::default(),
        )
        .await
        .unwrap();
    let inner = client.sign(prepared.transaction, &[&source]).unwrap();
    let TransactionEnvelope::TxFeeBump(mut bumped) =
        client.fee_bump(inner, &sponsor).await.unwrap()
    else {
        panic!("not a fee bump")
    };
    // Signed by someone other than the fee source: refused.
    let mut forged = bumped.clone();
    let hash = TransactionEnvelope::TxFeeBump(forged.clone())
        .hash(client.network_id())
        .unwrap();
    forged.signatures = vec![source.decorated(&hash).unwrap()].try_into().unwrap();
    match client.send(&TransactionEnvelope::TxFeeBump(forged)).await {
        Err(Error::Rejected {
            code: TransactionResultCode::TxBadAuth,
        }) => {}
        other => panic!("expected Rejected(TxBadAuth), got {other:?}"),
    }
    // An inner transaction with a wrong sequence number: the inner code comes back.
    let prepared = client
        .prepare(
            &source.public_strkey(),
            HostFunction::UploadContractWasm(wasm().try_into().unwrap()),
            &[],
            &CallOptions::default(),
        )
        .await
        .unwrap();
    let mut late = prepared.transaction.clone();
    late.seq_num.0 += 3;
    let late = client.sign(late, &[&source]).unwrap();
    match client
        .send(&client.fee_bump(late, &sponsor).await.unwrap())
        .await
    {
        Err(Error::Rejected {
            code: TransactionResultCode::TxBadSeq,
        }) => {}
        other => panic!("expected the inner Rejected(TxBadSeq), got {other:?}"),
    }
    // An outer fee below the minimum.
    bumped.tx.fee = 100;
    let hash = TransactionEnvelope::TxFeeBump(bumped.clone())
        .hash(client.network_id())
        .unwrap();
    bumped.signatures = vec![sponsor.decorated(&hash).unwrap()].try_into().unwrap();
    match client.send(&TransactionEnvelope::TxFeeBump(bumped)).await {
        Err(Error::Rejected {
            code: TransactionResultCode::TxInsufficientFee,
        }) => {}
        other => panic!("expected Rejected(TxInsufficientFee), got {other:?}"),
    }
}
