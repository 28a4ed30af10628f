//! `xdrFormat: "json"` on every method that returns XDR (issue 16 item 5): the fields
//! stellar-rpc 28 names `…Json`, holding stellar-xdr's serde JSON, with the base64 fields left
//! out; and stellar-rpc's answer to an unknown format, which differs by method.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use serde_json::{json, Value};
use stellar_xdr::{
    Asset, InvokeHostFunctionOp, LedgerKey, LedgerKeyAccount, Limits, OperationBody,
    TransactionEnvelope, TransactionV1Envelope, WriteXdr,
};
use support::{i128_val, rpc_error, rpc_raw, Net};

const JSON: &str = "json";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_xdr_field_has_its_json_form() {
    let net = Net::start().await;
    let url = net.localnet.rpc_url();
    let alice = net.account("alice").await;
    let bob = net.account("bob").await;
    let xlm = net.deploy_sac(&alice, Asset::Native).await;
    let transfer = support::call_fn(
        &xlm,
        "transfer",
        vec![
            stellar_xdr::ScVal::Address(alice.address()),
            stellar_xdr::ScVal::Address(bob.address()),
            i128_val(5),
        ],
    );
    let sent = net
        .invoke(&alice, transfer.clone(), &[&alice])
        .await
        .unwrap();
    let hash = sent.tx_hash.clone().unwrap();
    let ledger = sent.ledger.unwrap();

    // getTransaction
    let v = rpc_raw(
        &url,
        "getTransaction",
        json!({ "hash": hash, "xdrFormat": JSON }),
    )
    .await;
    let t = &v["result"];
    assert_eq!(t["status"], "SUCCESS", "{v}");
    for gone in ["envelopeXdr", "resultXdr", "resultMetaXdr"] {
        assert!(t.get(gone).is_none(), "{gone} in json mode: {v}");
    }
    assert_eq!(
        t["envelopeJson"]["tx"]["tx"]["source_account"],
        alice.strkey(),
        "{v}"
    );
    assert_eq!(
        t["resultJson"]["result"]["tx_success"][0]["op_inner"]["invoke_host_function"]["success"]
            .as_str()
            .map(str::len),
        Some(64),
        "{v}"
    );
    assert!(t["resultMetaJson"]["v4"]["operations"].is_array(), "{v}");
    let event = &t["events"]["contractEventsJson"][0][0];
    assert_eq!(
        event["body"]["v0"]["topics"][0],
        json!({ "symbol": "transfer" }),
        "{v}"
    );
    assert_eq!(event["body"]["v0"]["data"], json!({ "i128": "5" }), "{v}");

    // getTransactions: the same fields, per transaction.
    let v = rpc_raw(
        &url,
        "getTransactions",
        json!({ "startLedger": ledger, "xdrFormat": JSON }),
    )
    .await;
    let first = &v["result"]["transactions"][0];
    assert_eq!(first["txHash"], hash, "{v}");
    assert!(
        first["envelopeJson"].is_object() && first.get("envelopeXdr").is_none(),
        "{v}"
    );

    // getLedgers: headerXdr and metadataXdr stay, empty.
    let v = rpc_raw(
        &url,
        "getLedgers",
        json!({ "startLedger": ledger, "pagination": { "limit": 1 }, "xdrFormat": JSON }),
    )
    .await;
    let l = &v["result"]["ledgers"][0];
    assert_eq!(
        (l["headerXdr"].as_str(), l["metadataXdr"].as_str()),
        (Some(""), Some("")),
        "{v}"
    );
    assert_eq!(l["headerJson"]["header"]["ledger_seq"], ledger, "{v}");
    assert_eq!(l["headerJson"]["hash"], l["hash"], "{v}");
    assert!(l["metadataJson"]["v2"]["tx_processing"].is_array(), "{v}");

    // getLedgerEntries: keyJson, dataJson, extJson.
    let key = LedgerKey::Account(LedgerKeyAccount {
        account_id: alice.account_id(),
    })
    .to_xdr_base64(Limits::none())
    .unwrap();
    let v = rpc_raw(
        &url,
        "getLedgerEntries",
        json!({ "keys": [key], "xdrFormat": JSON }),
    )
    .await;
    let e = &v["result"]["entries"][0];
    assert_eq!(e["keyJson"]["account"]["account_id"], alice.strkey(), "{v}");
    assert_eq!(
        e["dataJson"]["account"]["account_id"],
        alice.strkey(),
        "{v}"
    );
    assert!(
        e["dataJson"]["account"]["balance"].is_string(),
        "i64 as a string: {v}"
    );
    assert_eq!(e["extJson"], "v0", "{v}");
    assert!(e.get("xdr").is_none() && e.get("key").is_none(), "{v}");

    // getEvents: topicJson and valueJson (the transfer, not the fee events; topic filters
    // stay base64).
    let transfer_topic = support::sym("transfer")
        .to_xdr_base64(Limits::none())
        .unwrap();
    let v = rpc_raw(
        &url,
        "getEvents",
        json!({
            "startLedger": ledger,
            "filters": [{ "contractIds": [xlm.to_string()], "topics": [[transfer_topic, "**"]] }],
            "xdrFormat": JSON,
        }),
    )
    .await;
    let ev = &v["result"]["events"][0];
    assert_eq!(ev["topicJson"][0], json!({ "symbol": "transfer" }), "{v}");
    assert_eq!(ev["valueJson"], json!({ "i128": "5" }), "{v}");
    assert!(
        ev.get("topic").is_none() && ev.get("value").is_none(),
        "{v}"
    );

    // simulateTransaction: transactionDataJson, results[].authJson / returnValueJson,
    // stateChanges[].keyJson / beforeJson / afterJson.
    let seq = net.seq(&alice).await + 1;
    let tx = support::transaction(
        &alice,
        seq,
        vec![OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
            host_function: transfer,
            auth: Default::default(),
        })],
    );
    let unsigned = TransactionEnvelope::Tx(TransactionV1Envelope {
        tx,
        signatures: Default::default(),
    })
    .to_xdr_base64(Limits::none())
    .unwrap();
    let v = rpc_raw(
        &url,
        "simulateTransaction",
        json!({ "transaction": unsigned, "xdrFormat": JSON }),
    )
    .await;
    let s = &v["result"];
    assert!(
        s["transactionDataJson"]["resources"]["footprint"]["read_write"].is_array(),
        "{v}"
    );
    assert_eq!(s["results"][0]["returnValueJson"], "void", "{v}");
    assert_eq!(
        s["results"][0]["authJson"][0]["credentials"], "source_account",
        "{v}"
    );
    assert!(
        s.get("transactionData").is_none() && s["results"][0].get("xdr").is_none(),
        "{v}"
    );
    let change = &s["stateChanges"][0];
    assert!(change["keyJson"].is_object(), "{v}");
    assert!(
        change["beforeJson"].is_object() && change["afterJson"].is_object(),
        "{v}"
    );
    assert_eq!(
        (&change["before"], &change["after"]),
        (&Value::Null, &Value::Null),
        "{v}"
    );

    // sendTransaction: errorResultJson on ERROR.
    let v = rpc_raw(
        &url,
        "sendTransaction",
        json!({ "transaction": unsigned, "xdrFormat": JSON }),
    )
    .await;
    let r = &v["result"];
    assert_eq!(r["status"], "ERROR", "{v}");
    assert!(r.get("errorResultXdr").is_none(), "{v}");
    // An invocation sent without its simulated Soroban data is malformed.
    assert_eq!(r["errorResultJson"]["result"], "tx_malformed", "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unknown_format_is_refused_as_stellar_rpc_refuses_it() {
    let net = Net::start().await;
    let url = net.localnet.rpc_url();
    let message = "got 'xml': expected base64, json for optional 'xdrFormat'";
    let latest = net.latest();
    // -32602 where stellar-rpc validates the format alone.
    for (method, params) in [
        (
            "getTransaction",
            json!({ "hash": "ab".repeat(32), "xdrFormat": "xml" }),
        ),
        (
            "getLedgerEntries",
            json!({ "keys": [], "xdrFormat": "xml" }),
        ),
        (
            "getEvents",
            json!({ "startLedger": latest, "xdrFormat": "xml" }),
        ),
        (
            "sendTransaction",
            json!({ "transaction": "", "xdrFormat": "xml" }),
        ),
    ] {
        let v = rpc_raw(&url, method, params).await;
        assert_eq!(
            rpc_error(&v),
            (-32602, message.to_string()),
            "{method}: {v}"
        );
    }
    // -32600 where it joins the format error to the paging ones.
    for method in ["getLedgers", "getTransactions"] {
        let v = rpc_raw(
            &url,
            method,
            json!({ "startLedger": latest, "xdrFormat": "xml" }),
        )
        .await;
        assert_eq!(
            rpc_error(&v),
            (-32600, message.to_string()),
            "{method}: {v}"
        );
    }
    // simulateTransaction answers in the result's `error`.
    let v = rpc_raw(
        &url,
        "simulateTransaction",
        json!({ "transaction": "", "xdrFormat": "xml" }),
    )
    .await;
    assert_eq!(
        v["result"],
        json!({ "error": message, "latestLedger": 0 }),
        "{v}"
    );
}
