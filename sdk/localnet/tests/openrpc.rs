//! Schema conformance: every method's result, on real traffic (deploys, a stream, payments,
//! failures, both XDR formats), validated against the official OpenRPC document of Stellar RPC
//! (`tests/data/stellar-rpc.openrpc.json`: stellar-docs `static/stellar-rpc.openrpc.json`,
//! version 27.1.1, Apache-2.0, unmodified) with a JSON Schema validator (boon).
//!
//! Where the document contradicts its own examples and stellar-rpc, the test follows
//! stellar-rpc and patches the schema, each listed in [`STELLAR_RPC_OVER_DOCUMENT`].
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::collections::{BTreeSet, HashMap};

use boon::{Compiler, SchemaIndex, Schemas};
use serde_json::{json, Value};
use stellar_xdr::{
    Asset, ConfigSettingId, InvokeHostFunctionOp, LedgerKey, LedgerKeyAccount,
    LedgerKeyConfigSetting, Limits, MuxedAccount, OperationBody, PaymentOp, ScVal,
    TransactionEnvelope, TransactionV1Envelope, Uint256, WriteXdr,
};
use support::{rpc_raw, Key, Net};

const DOCUMENT: &str = "stellar-rpc.openrpc.json";

/// (method, JSON pointer into its result schema, replacement): the document's type is wrong.
const STELLAR_RPC_OVER_DOCUMENT: &[(&str, &str, &str)] = &[
    // Declared a number; the document's own example, stellar-rpc (`json:",string"`) and the
    // JS and Python SDKs have a string.
    (
        "sendTransaction",
        "/properties/latestLedgerCloseTime/type",
        "string",
    ),
];

/// Base64 fields stellar-rpc replaces by `…Json` ones in `xdrFormat: "json"` answers. The
/// document describes base64 answers only, so JSON-mode answers are checked against its schemas
/// without requiring these (every other field, and the types of all, still apply).
const XDR_FIELDS: &[&str] = &[
    "xdr",
    "auth",
    "key",
    "extXdr",
    "topic",
    "value",
    "envelopeXdr",
    "resultXdr",
    "resultMetaXdr",
    "errorResultXdr",
    "headerXdr",
    "metadataXdr",
    "transactionData",
    "events",
    "diagnosticEventsXdr",
];

/// Drops [`XDR_FIELDS`] from every `required` list under `schema`.
fn json_mode(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if let Some(Value::Array(required)) = map.get_mut("required") {
                required.retain(|r| !XDR_FIELDS.contains(&r.as_str().unwrap_or_default()));
            }
            map.values_mut().for_each(json_mode);
        }
        Value::Array(items) => items.iter_mut().for_each(json_mode),
        _ => {}
    }
}

/// The document's result schemas, compiled for base64 and JSON answers, and which
/// (method, status, format) triples were checked.
struct Conformance {
    schemas: Schemas,
    results: HashMap<(String, bool), SchemaIndex>,
    seen: BTreeSet<String>,
}

impl Conformance {
    fn load() -> Self {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data")
            .join(DOCUMENT);
        let mut doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let methods = doc["methods"].as_array_mut().unwrap();
        for (method, pointer, replacement) in STELLAR_RPC_OVER_DOCUMENT {
            let m = methods.iter_mut().find(|m| m["name"] == *method).unwrap();
            let field = m["result"]["schema"].pointer_mut(pointer).unwrap();
            *field = json!(replacement);
        }
        let names: Vec<String> = methods
            .iter()
            .map(|m| m["name"].as_str().unwrap().to_string())
            .collect();
        let mut json_doc = doc.clone();
        json_mode(&mut json_doc);
        const JSON_DOCUMENT: &str = "json-mode.openrpc.json";
        let mut compiler = Compiler::new();
        compiler.add_resource(DOCUMENT, doc).unwrap();
        compiler.add_resource(JSON_DOCUMENT, json_doc).unwrap();
        let mut schemas = Schemas::new();
        let mut results = HashMap::new();
        for (i, name) in names.into_iter().enumerate() {
            for (json, document) in [(false, DOCUMENT), (true, JSON_DOCUMENT)] {
                let at = format!("{document}#/methods/{i}/result/schema");
                let index = compiler.compile(&at, &mut schemas).unwrap();
                results.insert((name.clone(), json), index);
            }
        }
        Self {
            schemas,
            results,
            seen: BTreeSet::new(),
        }
    }

    /// Calls `method` and validates its result; returns it.
    async fn call(&mut self, net: &Net, method: &str, params: Value) -> Value {
        let v = rpc_raw(&net.localnet.rpc_url(), method, params.clone()).await;
        let result = v
            .get("result")
            .unwrap_or_else(|| panic!("{method} {params}: {v}"))
            .clone();
        let json = params["xdrFormat"] == "json";
        let schema = self.results[&(method.to_string(), json)];
        if let Err(e) = self.schemas.validate(&result, schema) {
            panic!("{method} {params}: the result breaks the OpenRPC schema: {e:#}\n{result}");
        }
        let status = match result["status"].as_str() {
            Some(s) => s,
            None if result.get("error").is_some() => "error",
            None => "ok",
        };
        let format = params["xdrFormat"].as_str().unwrap_or("base64");
        self.seen.insert(format!("{method} {status} {format}"));
        result
    }
}

fn b64<T: WriteXdr>(v: &T) -> String {
    v.to_xdr_base64(Limits::none()).unwrap()
}

fn payment(from: &Key, to: &Key, seq: i64, amount: i64) -> stellar_xdr::Transaction {
    support::transaction(
        from,
        seq,
        vec![OperationBody::Payment(PaymentOp {
            destination: MuxedAccount::Ed25519(Uint256(to.public())),
            asset: Asset::Native,
            amount,
        })],
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_method_answers_as_the_openrpc_document_says() {
    let mut c = Conformance::load();
    // The validator refuses what the document forbids (a ledger as a string).
    let health = c.results[&("getHealth".to_string(), false)];
    assert!(c
        .schemas
        .validate(&json!({ "latestLedger": "7" }), health)
        .is_err());
    let net = Net::start().await;
    let deployer = net.account("deployer").await;
    let issuer = net.account("issuer").await;
    let d = support::deploy_all(&net, &deployer, &issuer).await;
    let sender = net.account("sender").await;
    let recipient = net.account("recipient").await;
    let now = net.localnet.shared().lock().header().scp_value.close_time.0;
    let created = net
        .invoke(
            &sender,
            support::call_fn(
                &d.stream,
                "create_streams",
                vec![
                    ScVal::Address(sender.address()),
                    support::vec_val(vec![support::stream_params(
                        1, &recipient, &d.xlm, 1_000_000, now,
                    )]),
                ],
            ),
            &[&sender],
        )
        .await
        .unwrap();
    let ok_hash = created.tx_hash.clone().unwrap();
    let ScVal::Vec(Some(ids)) = created.return_value().unwrap() else {
        panic!("create_streams returns its ids")
    };
    let stream_id = ids[0].clone();
    // A payment of more than the balance: applied, FAILED.
    let seq = net.seq(&sender).await;
    let broke = net.sign_envelope(
        payment(&sender, &recipient, seq + 1, i64::MAX / 2),
        &[&sender],
    );
    let failed_hash = hex::encode(net.send(&broke).await.unwrap().0);
    net.localnet.close_ledger();

    let formats = [json!({}), json!({ "xdrFormat": "json" })];
    let with = |params: Value, format: &Value| {
        let mut p = params;
        if let Some(f) = format.get("xdrFormat") {
            p["xdrFormat"] = f.clone();
        }
        p
    };

    for method in [
        "getHealth",
        "getNetwork",
        "getVersionInfo",
        "getFeeStats",
        "getLatestLedger",
    ] {
        c.call(&net, method, json!({})).await;
    }
    let oldest = c.call(&net, "getHealth", json!({})).await["oldestLedger"].clone();
    for f in &formats {
        for (method, limit) in [("getLedgers", 5), ("getTransactions", 20)] {
            let paged = json!({ "startLedger": oldest, "pagination": { "limit": limit } });
            c.call(&net, method, with(paged, f)).await;
        }
        for hash in [&ok_hash, &failed_hash, &"ab".repeat(32)] {
            c.call(&net, "getTransaction", with(json!({ "hash": hash }), f))
                .await;
        }
        c.call(
            &net,
            "getEvents",
            with(json!({ "startLedger": oldest, "filters": [{ "contractIds": [d.stream.to_string()] }] }), f),
        )
        .await;
        let keys = [
            b64(&LedgerKey::Account(LedgerKeyAccount {
                account_id: sender.account_id(),
            })),
            b64(&LedgerKey::ConfigSetting(LedgerKeyConfigSetting {
                config_setting_id: ConfigSettingId::StateArchival,
            })),
            b64(&LedgerKey::Account(LedgerKeyAccount {
                account_id: Key::from_label("nobody").account_id(),
            })),
        ];
        c.call(&net, "getLedgerEntries", with(json!({ "keys": keys }), f))
            .await;

        // simulateTransaction: a read, and a contract error.
        let seq = net.seq(&sender).await;
        for args in [vec![stream_id.clone()], vec![ScVal::U64(u64::MAX)]] {
            let read = support::transaction(
                &sender,
                seq + 1,
                vec![OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
                    host_function: support::call_fn(&d.stream, "get_stream", args),
                    auth: Default::default(),
                })],
            );
            let unsigned = TransactionEnvelope::Tx(TransactionV1Envelope {
                tx: read,
                signatures: Default::default(),
            });
            c.call(
                &net,
                "simulateTransaction",
                with(json!({ "transaction": b64(&unsigned) }), f),
            )
            .await;
        }

        // sendTransaction: PENDING, DUPLICATE, and ERROR (a stale sequence number).
        let pay = net.sign_envelope(payment(&sender, &recipient, seq + 1, 1), &[&sender]);
        for _ in 0..2 {
            c.call(
                &net,
                "sendTransaction",
                with(json!({ "transaction": b64(&pay) }), f),
            )
            .await;
        }
        let stale = net.sign_envelope(payment(&sender, &recipient, seq, 2), &[&sender]);
        c.call(
            &net,
            "sendTransaction",
            with(json!({ "transaction": b64(&stale) }), f),
        )
        .await;
        net.localnet.close_ledger();
    }

    // Every outcome was seen in both formats.
    for f in ["base64", "json"] {
        for expected in [
            "getTransaction SUCCESS",
            "getTransaction FAILED",
            "getTransaction NOT_FOUND",
            "sendTransaction PENDING",
            "sendTransaction DUPLICATE",
            "sendTransaction ERROR",
            "simulateTransaction ok",
            "simulateTransaction error",
        ] {
            let key = format!("{expected} {f}");
            assert!(c.seen.contains(&key), "{key} not exercised: {:?}", c.seen);
        }
    }
    assert_eq!(
        c.seen
            .iter()
            .map(|s| s.split(' ').next().unwrap())
            .collect::<BTreeSet<_>>()
            .len(),
        c.results.len() / 2,
        "every method of the document: {:?}",
        c.seen
    );
}
