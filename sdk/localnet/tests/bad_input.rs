//! Bad input gets the standard error and changes nothing: malformed JSON, unknown methods,
//! bad parameters, bad base64 and XDR, the wrong network, bad signatures, stale sequence
//! numbers, insufficient fees and oversized requests.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use serde_json::json;
use stellar_xdr::{
    Asset, Limits, Memo, MuxedAccount, Operation, OperationBody, PaymentOp, Preconditions, ReadXdr,
    SequenceNumber, Transaction, TransactionEnvelope, TransactionExt, TransactionResult,
    TransactionResultResult as R, TransactionV1Envelope, Uint256, WriteXdr,
};
use support::{http_post, http_post_streaming, rpc_error, rpc_raw, Key, Net};
use tributary_localnet::state::StoredEntry;

/// Everything a rejected request must leave alone: every entry, the queue, the ledger.
fn snapshot(net: &Net) -> (Vec<StoredEntry>, usize, u32) {
    let node = net.localnet.shared().lock();
    (
        node.state().iter().map(|(_, e)| e.clone()).collect(),
        node.pending_len(),
        node.header().ledger_seq,
    )
}

fn payment(from: &Key, to: &Key, seq: i64, fee: u32) -> Transaction {
    Transaction {
        source_account: MuxedAccount::Ed25519(Uint256(from.public())),
        fee,
        seq_num: SequenceNumber(seq),
        cond: Preconditions::None,
        memo: Memo::None,
        operations: vec![Operation {
            source_account: None,
            body: OperationBody::Payment(PaymentOp {
                destination: MuxedAccount::Ed25519(Uint256(to.public())),
                asset: Asset::Native,
                amount: 10_000_000,
            }),
        }]
        .try_into()
        .unwrap(),
        ext: TransactionExt::V0,
    }
}

async fn send_raw(net: &Net, envelope: &TransactionEnvelope) -> serde_json::Value {
    let b64 = envelope.to_xdr_base64(Limits::none()).unwrap();
    rpc_raw(
        &net.localnet.rpc_url(),
        "sendTransaction",
        json!({ "transaction": b64 }),
    )
    .await
}

fn rejection(v: &serde_json::Value) -> R {
    assert_eq!(v["result"]["status"], "ERROR", "{v}");
    let xdr = v["result"]["errorResultXdr"].as_str().unwrap();
    TransactionResult::from_xdr_base64(xdr, Limits::none())
        .unwrap()
        .result
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_get_json_rpc_errors_and_change_nothing() {
    let net = Net::start().await;
    let alice = net.account("alice").await;
    let before = snapshot(&net);
    let url = net.localnet.rpc_url();

    let (status, body) =
        http_post(url.clone(), "application/json", b"{\"jsonrpc\":".to_vec()).await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (status, rpc_error(&v)),
        (200, (-32700, "Parse error".into()))
    );

    let v = rpc_raw(&url, "getBalance", json!({})).await;
    assert_eq!(rpc_error(&v), (-32601, "Method not found".into()));

    let v = rpc_raw(&url, "getLedgerEntries", json!(["positional"])).await;
    assert_eq!(rpc_error(&v), (-32602, "invalid parameters".into()));
    let v = rpc_raw(&url, "getLedgerEntries", json!({ "keys": 7 })).await;
    assert_eq!(rpc_error(&v), (-32602, "invalid parameters".into()));
    let v = rpc_raw(&url, "getLedgerEntries", json!({ "keys": ["AAAA"] })).await;
    assert_eq!(
        rpc_error(&v),
        (-32602, "cannot unmarshal key value AAAA at index 0".into())
    );
    let ttl_key = stellar_xdr::LedgerKey::Ttl(stellar_xdr::LedgerKeyTtl {
        key_hash: stellar_xdr::Hash([1; 32]),
    });
    let v = rpc_raw(
        &url,
        "getLedgerEntries",
        json!({ "keys": [ttl_key.to_xdr_base64(Limits::none()).unwrap()] }),
    )
    .await;
    assert_eq!(
        rpc_error(&v),
        (
            -32602,
            "ledger ttl entries cannot be queried directly".into()
        )
    );
    let many: Vec<String> = (0..201)
        .map(|_| ttl_key.to_xdr_base64(Limits::none()).unwrap())
        .collect();
    let v = rpc_raw(&url, "getLedgerEntries", json!({ "keys": many })).await;
    assert_eq!(
        rpc_error(&v),
        (
            -32602,
            "key count (201) exceeds maximum supported (200)".into()
        )
    );

    let v = rpc_raw(&url, "getTransaction", json!({ "hash": "abc" })).await;
    assert_eq!(rpc_error(&v), (-32602, "unexpected hash length (3)".into()));
    let v = rpc_raw(
        &url,
        "getTransactions",
        json!({ "startLedger": 1, "pagination": { "limit": 201 } }),
    )
    .await;
    assert_eq!(rpc_error(&v), (-32600, "limit must not exceed 200".into()));

    for garbage in ["!!!not base64!!!", "AAAAAAAA", ""] {
        let v = rpc_raw(&url, "sendTransaction", json!({ "transaction": garbage })).await;
        assert_eq!(rpc_error(&v), (-32602, "invalid_xdr".into()), "{garbage:?}");
    }
    let v = rpc_raw(
        &url,
        "simulateTransaction",
        json!({ "transaction": "AAAA" }),
    )
    .await;
    assert_eq!(v["result"]["error"], "Could not unmarshal transaction");

    // Oversized: over stellar-rpc's 512 KiB body limit.
    let big = json!({ "jsonrpc": "2.0", "id": 1, "method": "sendTransaction", "params": { "transaction": "A".repeat(600 * 1024) } });
    let (status, body) =
        http_post_streaming(net.localnet.addr(), "/rpc", big.to_string().into_bytes()).await;
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(
        (status, rpc_error(&v)),
        (413, (-32007, "Request is too big".into()))
    );

    let _ = alice;
    assert_eq!(snapshot(&net), before);
    net.localnet.close_ledger();
    assert_eq!(snapshot(&net).0, before.0, "nothing was queued either");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_transactions_are_rejected_with_their_result_codes_and_change_nothing() {
    let net = Net::start().await;
    let alice = net.account("alice").await;
    let bob = net.account("bob").await;
    let seq = net.seq(&alice).await;
    let before = snapshot(&net);

    // Signed for another network: the signature doesn't cover this network's hash.
    let other = stellar_xdr::TransactionEnvelope::Tx(TransactionV1Envelope {
        tx: payment(&alice, &bob, seq + 1, 100),
        signatures: Default::default(),
    });
    let other_hash = other
        .hash(
            tributary_localnet::settings::Settings::mainnet_like(
                "Test SDF Network ; September 2015",
            )
            .network_id,
        )
        .unwrap();
    let TransactionEnvelope::Tx(mut v1) = other else {
        panic!()
    };
    v1.signatures = vec![alice.sign_decorated(&other_hash)].try_into().unwrap();
    assert_eq!(
        rejection(&send_raw(&net, &TransactionEnvelope::Tx(v1)).await),
        R::TxBadAuth,
        "wrong network"
    );

    let mallory = Key::from_label("mallory");
    let forged = net.sign_envelope(payment(&alice, &bob, seq + 1, 100), &[&mallory]);
    assert_eq!(
        rejection(&send_raw(&net, &forged).await),
        R::TxBadAuth,
        "signed by a key that isn't alice's"
    );
    let extra = net.sign_envelope(payment(&alice, &bob, seq + 1, 100), &[&alice, &mallory]);
    assert_eq!(
        rejection(&send_raw(&net, &extra).await),
        R::TxBadAuthExtra,
        "an extra, unused signature"
    );
    let unsigned = TransactionEnvelope::Tx(TransactionV1Envelope {
        tx: payment(&alice, &bob, seq + 1, 100),
        signatures: Default::default(),
    });
    assert_eq!(
        rejection(&send_raw(&net, &unsigned).await),
        R::TxBadAuth,
        "no signature"
    );

    let stale = net.sign_envelope(payment(&alice, &bob, seq, 100), &[&alice]);
    assert_eq!(
        rejection(&send_raw(&net, &stale).await),
        R::TxBadSeq,
        "stale sequence number"
    );
    let ahead = net.sign_envelope(payment(&alice, &bob, seq + 2, 100), &[&alice]);
    assert_eq!(
        rejection(&send_raw(&net, &ahead).await),
        R::TxBadSeq,
        "a gap in sequence numbers"
    );

    let cheap = net.sign_envelope(payment(&alice, &bob, seq + 1, 99), &[&alice]);
    assert_eq!(
        rejection(&send_raw(&net, &cheap).await),
        R::TxInsufficientFee,
        "below the base fee"
    );

    let mut late = payment(&alice, &bob, seq + 1, 100);
    late.cond = Preconditions::Time(stellar_xdr::TimeBounds {
        min_time: stellar_xdr::TimePoint(0),
        max_time: stellar_xdr::TimePoint(1),
    });
    let late = net.sign_envelope(late, &[&alice]);
    assert_eq!(
        rejection(&send_raw(&net, &late).await),
        R::TxTooLate,
        "expired time bounds"
    );

    let ghost = Key::from_label("never funded");
    let orphan = net.sign_envelope(payment(&ghost, &bob, 1, 100), &[&ghost]);
    assert_eq!(rejection(&send_raw(&net, &orphan).await), R::TxNoAccount);

    // A Soroban transaction whose resource fee can't pay for its declared resources.
    let deployer = net.account("deployer").await;
    let before_soroban = snapshot(&net);
    let upload = stellar_xdr::HostFunction::UploadContractWasm(
        tributary_fixture::STREAM_WASM.to_vec().try_into().unwrap(),
    );
    let TransactionEnvelope::Tx(v1) = net.prepare(&deployer, upload, &[]).await.unwrap() else {
        panic!()
    };
    let mut tx = v1.tx;
    if let TransactionExt::V1(data) = &mut tx.ext {
        data.resource_fee = 1_000;
    }
    tx.fee = 1_100;
    let underfunded = net.sign_envelope(tx, &[&deployer]);
    assert_eq!(
        rejection(&send_raw(&net, &underfunded).await),
        R::TxSorobanInvalid,
        "resource fee too low (stellar-core's code since protocol 20)"
    );
    assert_eq!(snapshot(&net), before_soroban);

    net.localnet.close_ledger();
    let after = snapshot(&net);
    let alice_key = tributary_localnet::classic::account_key(&alice.account_id());
    let find = |s: &(Vec<StoredEntry>, usize, u32)| {
        s.0.iter().find(|e| e.entry.to_key() == alice_key).cloned()
    };
    assert_eq!(
        find(&after),
        find(&before),
        "alice's balance and sequence number are untouched"
    );

    // The same payment, properly signed, goes through.
    let good = net.sign_envelope(payment(&alice, &bob, seq + 1, 100), &[&alice]);
    net.submit(&good).await.unwrap();
}
