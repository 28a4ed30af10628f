//! The exact requests the official clients send, where the localnet used to differ from
//! stellar-rpc (issue 16): Python's `get_transaction`/`poll_transaction` on an unknown hash,
//! Python's `get_events` with `"topics": null`, the JS SDK's friendbot POST, `getLedgers` /
//! `getTransactions` without a start ledger, and `getHealth`'s close times as strings.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use serde_json::json;
use support::{http_post, rpc_error, rpc_raw, Key, Net};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_transaction_of_an_unknown_hash_echoes_tx_hash() {
    let net = Net::start().await;
    // python stellar-sdk 16: SorobanServer.get_transaction(hash), and poll_transaction.
    let hash = "AB".repeat(32);
    let v = rpc_raw(
        &net.localnet.rpc_url(),
        "getTransaction",
        json!({ "hash": hash }),
    )
    .await;
    assert_eq!(v["result"]["status"], "NOT_FOUND", "{v}");
    assert_eq!(v["result"]["txHash"], hash.to_lowercase(), "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_events_reads_null_filters_contract_ids_and_topics_as_empty() {
    let net = Net::start().await;
    let url = net.localnet.rpc_url();
    let latest = rpc_raw(&url, "getLatestLedger", json!({})).await["result"]["sequence"]
        .as_u64()
        .unwrap();
    // python stellar-sdk 16: get_events(start_ledger, filters=[EventFilter(contract_ids=[…])]),
    // serialized with every unset field as null.
    let contract = "CDLZFC3SYJYDZT7K67VZ75HPJVIEUVNIXF47ZG2FB2RMQQVU2HHGCYSC";
    let with_nulls = json!({
        "startLedger": latest,
        "endLedger": null,
        "filters": [{ "type": "contract", "contractIds": [contract], "topics": null }],
        "pagination": { "cursor": null, "limit": 10 },
        "xdrFormat": null,
    });
    let v = rpc_raw(&url, "getEvents", with_nulls).await;
    assert_eq!(v["result"]["events"], json!([]), "{v}");
    let v = rpc_raw(
        &url,
        "getEvents",
        json!({ "startLedger": latest, "filters": null }),
    )
    .await;
    assert_eq!(v["result"]["events"], json!([]), "{v}");
    let v = rpc_raw(
        &url,
        "getEvents",
        json!({ "startLedger": latest, "filters": [{ "contractIds": null }] }),
    )
    .await;
    assert!(v["result"]["cursor"].is_string(), "{v}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn friendbot_funds_on_post_as_the_js_sdk_sends_it() {
    let net = Net::start().await;
    // @stellar/stellar-sdk 17: rpc.Server.fundAddress / requestAirdrop POST `?addr=`.
    let key = Key::from_label("js airdrop");
    let url = format!("{}?addr={}", net.localnet.friendbot_url(), key.strkey());
    let (status, body) = http_post(url.clone(), "application/json", Vec::new()).await;
    assert_eq!(status, 200, "{body}");
    let funded: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(funded["successful"], true, "{body}");
    let account = net.client.get_account(&key.strkey()).await.unwrap();
    assert_eq!(account.balance, 10_000 * 10_000_000);
    let (again, body) = http_post(url, "application/json", Vec::new()).await;
    assert_eq!(again, 400, "funding twice is refused: {body}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paged_methods_without_a_start_ledger_are_refused_like_stellar_rpc() {
    let net = Net::start().await;
    let url = net.localnet.rpc_url();
    for method in ["getLedgers", "getTransactions"] {
        for params in [json!({}), json!({ "startLedger": 0 })] {
            let v = rpc_raw(&url, method, params.clone()).await;
            let (code, message) = rpc_error(&v);
            assert_eq!(code, -32600, "{method} {params}: {v}");
            assert!(
                message.starts_with("start ledger (0) must be between the oldest ledger: "),
                "{method} {params}: {message}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_health_reports_close_times_as_strings() {
    let net = Net::start().await;
    let v = rpc_raw(&net.localnet.rpc_url(), "getHealth", json!({})).await;
    let r = &v["result"];
    for field in ["latestLedgerCloseTime", "oldestLedgerCloseTime"] {
        let text = r[field].as_str().unwrap_or_else(|| panic!("{field}: {v}"));
        assert!(
            text.parse::<u64>().unwrap() > 1_700_000_000,
            "{field}: {text}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_simulation_carries_the_host_event_log() {
    use stellar_xdr::{InvokeHostFunctionOp, OperationBody, ScVal};
    let net = Net::start().await;
    let deployer = net.account("deployer").await;
    let issuer = net.account("issuer").await;
    let d = support::deploy_all(&net, &deployer, &issuer).await;
    let sender = net.account("sender").await;
    let recipient = net.account("recipient").await;
    let now = net.localnet.shared().lock().header().scp_value.close_time.0;
    let zero_deposit = vec![
        ScVal::Address(sender.address()),
        ScVal::U64(1),
        ScVal::Address(recipient.address()),
        ScVal::Address(d.xlm.clone()),
        support::i128_val(0),
        ScVal::U64(now),
        ScVal::U64(now),
        ScVal::U64(now + 100),
        ScVal::Bool(true),
        ScVal::Bool(false),
    ];
    let op = OperationBody::InvokeHostFunction(InvokeHostFunctionOp {
        host_function: support::call_fn(&d.stream, "create_stream", zero_deposit),
        auth: Default::default(),
    });
    let sim = net
        .simulate(&support::transaction(&sender, 1, vec![op]))
        .await
        .unwrap();
    let error = sim.error.unwrap();
    // stellar-rpc's shape: the error first (what clients match `Error(Contract, #N)` on), then
    // the host's diagnostic events.
    assert!(
        error.starts_with("HostError: Error(Contract, #101)"),
        "{error}"
    );
    assert!(error.contains("Event log (newest first):"), "{error}");
    assert!(error.contains("create_stream"), "{error}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_underpaid_resource_fee_is_soroban_invalid_with_core_s_diagnostic() {
    use stellar_xdr::{
        ContractEventBody, DiagnosticEvent, Limits, ReadXdr, ScVal, TransactionEnvelope,
        TransactionExt, TransactionResult, TransactionResultResult, WriteXdr,
    };
    let net = Net::start().await;
    let deployer = net.account("deployer").await;
    let upload = stellar_xdr::HostFunction::UploadContractWasm(
        tributary_fixture::STREAM_WASM.to_vec().try_into().unwrap(),
    );
    let TransactionEnvelope::Tx(v1) = net.prepare(&deployer, upload, &[]).await.unwrap() else {
        panic!("a V1 envelope")
    };
    let mut tx = v1.tx;
    if let TransactionExt::V1(data) = &mut tx.ext {
        data.resource_fee = 1_000;
    }
    tx.fee = 1_100;
    let envelope = net.sign_envelope(tx, &[&deployer]);
    // @stellar/stellar-sdk 17: rpc.Server.sendTransaction(tx) posts the base64 envelope.
    let v = rpc_raw(
        &net.localnet.rpc_url(),
        "sendTransaction",
        json!({ "transaction": envelope.to_xdr_base64(Limits::none()).unwrap() }),
    )
    .await;
    let r = &v["result"];
    assert_eq!(r["status"], "ERROR", "{v}");
    let result =
        TransactionResult::from_xdr_base64(r["errorResultXdr"].as_str().unwrap(), Limits::none())
            .unwrap();
    assert_eq!(result.result, TransactionResultResult::TxSorobanInvalid);
    assert_eq!(result.fee_charged, 0);
    let events = r["diagnosticEventsXdr"].as_array().expect("diagnostics");
    assert_eq!(events.len(), 1, "{v}");
    let event =
        DiagnosticEvent::from_xdr_base64(events[0].as_str().unwrap(), Limits::none()).unwrap();
    let ContractEventBody::V0(body) = &event.event.body;
    assert_eq!(body.topics[0], support::sym("error"));
    let ScVal::Vec(Some(data)) = &body.data else {
        panic!("[message, declared, due]: {:?}", body.data)
    };
    let ScVal::String(message) = &data[0] else {
        panic!("{data:?}")
    };
    assert_eq!(
        message.to_string(),
        "transaction `sorobanData.resourceFee` is lower than the actual Soroban resource fee"
    );
    assert_eq!(data[1], ScVal::U64(1_000), "the declared resource fee");
    let ScVal::U64(due) = data[2] else {
        panic!("{data:?}")
    };
    assert!(due > 1_000, "the fee the declared resources cost: {due}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_settings_are_ledger_entries_as_stellar_cli_reads_them() {
    use stellar_xdr::{
        ConfigSettingEntry, ConfigSettingId, LedgerEntryData, LedgerKey, LedgerKeyConfigSetting,
        Limits, ReadXdr, WriteXdr,
    };
    let net = Net::start().await;
    let key = |id| {
        LedgerKey::ConfigSetting(LedgerKeyConfigSetting {
            config_setting_id: id,
        })
        .to_xdr_base64(Limits::none())
        .unwrap()
    };
    // stellar-cli 28 `network settings`: one request with every id (0..=20).
    let keys: Vec<String> = ConfigSettingId::variants().into_iter().map(key).collect();
    let v = rpc_raw(
        &net.localnet.rpc_url(),
        "getLedgerEntries",
        json!({ "keys": keys }),
    )
    .await;
    let entries = v["result"]["entries"].as_array().unwrap();
    assert_eq!(entries.len(), ConfigSettingId::variants().len(), "{v}");
    for (e, id) in entries.iter().zip(ConfigSettingId::variants()) {
        assert_eq!(e["key"], key(id));
        assert_eq!(e["lastModifiedLedgerSeq"], 1);
        let data =
            LedgerEntryData::from_xdr_base64(e["xdr"].as_str().unwrap(), Limits::none()).unwrap();
        let LedgerEntryData::ConfigSetting(setting) = data else {
            panic!("{id:?}: {data:?}")
        };
        assert_eq!(setting.discriminant(), id);
    }
    // stellar-cli `contract extend`: the state archival settings, then `max_entry_ttl`.
    let archival = &entries[ConfigSettingId::StateArchival as usize];
    let data = LedgerEntryData::from_xdr_base64(archival["xdr"].as_str().unwrap(), Limits::none())
        .unwrap();
    let LedgerEntryData::ConfigSetting(ConfigSettingEntry::StateArchival(a)) = data else {
        panic!("{data:?}")
    };
    let settings = net.localnet.shared().lock().settings().clone();
    assert_eq!(a.max_entry_ttl, settings.max_entry_ttl);
    assert_eq!(a.min_persistent_ttl, settings.min_persistent_ttl);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn friendbot_funds_a_contract_address_through_the_native_asset() {
    use stellar_xdr::{ContractId, Hash, ScAddress, ScVal};
    let net = Net::start().await;
    let contract = ScAddress::Contract(ContractId(Hash([7; 32])));
    // @stellar/stellar-sdk 17: rpc.Server.fundAddress("C…") POSTs, then reads the transaction
    // once; the native asset's contract isn't deployed yet on a fresh network.
    let url = format!("{}?addr={contract}", net.localnet.friendbot_url());
    let (status, body) = http_post(url.clone(), "application/json", Vec::new()).await;
    assert_eq!(status, 200, "{body}");
    let funded: serde_json::Value = serde_json::from_str(&body).unwrap();
    let v = rpc_raw(
        &net.localnet.rpc_url(),
        "getTransaction",
        json!({ "hash": funded["hash"] }),
    )
    .await;
    assert_eq!(v["result"]["status"], "SUCCESS", "{v}");
    let native = ScAddress::Contract(tributary_localnet::node::native_asset_contract(
        net.network_id,
    ));
    let reader = net.account("reader").await;
    let balance = net
        .read(
            &reader,
            &native,
            "balance",
            vec![ScVal::Address(contract.clone())],
        )
        .await;
    assert_eq!(support::i128_of(&balance), 10_000 * 10_000_000);
    let (again, body) = http_post(url, "application/json", Vec::new()).await;
    assert_eq!(again, 400, "{body}");
    assert!(
        body.contains("account already funded to starting balance"),
        "{body}"
    );
    let (bad, body) = support::http_get(format!(
        "{}?addr=CNOTANADDRESS",
        net.localnet.friendbot_url()
    ))
    .await;
    assert_eq!(bad, 400, "{body}");
}
