//! Protocol 23 transaction-level events (CAP-67; issue 16 item 9): every transaction's fee
//! charge and any refund, emitted by the native asset's contract with topics `["fee", payer]`,
//! in the meta, in `getTransaction`'s `events.transactionEventsXdr`, and in `getEvents` with
//! stellar-rpc's ids (charges at transaction index 0, refunds at 1048575).
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use serde_json::json;
use stellar_xdr::{
    Asset, Limits, ReadXdr, ScVal, TransactionEvent, TransactionEventStage, TransactionMeta,
    WriteXdr,
};
use support::{i128_of, rpc_raw, sym, Net};
use tributary_localnet::node::native_asset_contract;

fn fee_of(e: &TransactionEvent) -> (TransactionEventStage, i128) {
    let stellar_xdr::ContractEventBody::V0(body) = &e.event.body;
    (e.stage, i128_of(&body.data))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fees_charged_and_refunded_are_transaction_events() {
    let net = Net::start().await;
    let url = net.localnet.rpc_url();
    let alice = net.account("alice").await;
    let native = stellar_xdr::ScAddress::Contract(native_asset_contract(net.network_id));
    // A Soroban transaction: charged its declared fee up front, refunded what it didn't use.
    let deployed = net.deploy_sac(&alice, Asset::Native).await;
    assert_eq!(deployed, native, "the native asset's contract id");
    let sent = net
        .invoke(&alice, support::call_fn(&native, "decimals", vec![]), &[])
        .await
        .unwrap();
    let hash = sent.tx_hash.clone().unwrap();
    let v = rpc_raw(&url, "getTransaction", json!({ "hash": hash })).await;
    let xdrs = v["result"]["events"]["transactionEventsXdr"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"));
    let events: Vec<TransactionEvent> = xdrs
        .iter()
        .map(|x| TransactionEvent::from_xdr_base64(x.as_str().unwrap(), Limits::none()).unwrap())
        .collect();
    let fees: Vec<_> = events.iter().map(fee_of).collect();
    let charged = sent.result.as_ref().unwrap().fee_charged;
    assert_eq!(fees.len(), 2, "{fees:?}");
    assert_eq!(fees[0].0, TransactionEventStage::BeforeAllTxs);
    assert_eq!(fees[1].0, TransactionEventStage::AfterAllTxs);
    assert!(fees[0].1 > 0 && fees[1].1 < 0, "{fees:?}");
    assert_eq!(
        fees[0].1 + fees[1].1,
        i128::from(charged),
        "CAP-67: the sum is the fee paid"
    );
    for e in &events {
        assert_eq!(
            e.event.contract_id.as_ref(),
            Some(&native_asset_contract(net.network_id))
        );
        let stellar_xdr::ContractEventBody::V0(body) = &e.event.body;
        assert_eq!(
            body.topics.to_vec(),
            vec![sym("fee"), ScVal::Address(alice.address())]
        );
    }
    // The same events in the meta.
    let Some(TransactionMeta::V4(meta)) = &sent.result_meta else {
        panic!("V4 meta")
    };
    assert_eq!(meta.events.to_vec(), events);

    // A classic payment in the same ledger as a second Soroban call: one charge each, and the
    // refund after both.
    let bob = net.account("bob").await;
    let pay = net.sign_envelope(
        support::transaction(
            &bob,
            net.seq(&bob).await + 1,
            vec![stellar_xdr::OperationBody::Payment(
                stellar_xdr::PaymentOp {
                    destination: stellar_xdr::MuxedAccount::Ed25519(stellar_xdr::Uint256(
                        alice.public(),
                    )),
                    asset: Asset::Native,
                    amount: 1,
                },
            )],
        ),
        &[&bob],
    );
    let call = net
        .prepare(&alice, support::call_fn(&native, "decimals", vec![]), &[])
        .await
        .unwrap();
    let call_hash = hex::encode(net.send(&call).await.unwrap().0);
    let pay_hash = hex::encode(net.send(&pay).await.unwrap().0);
    let ledger = net.localnet.close_ledger();
    let fee_topic = sym("fee").to_xdr_base64(Limits::none()).unwrap();
    let v = rpc_raw(
        &url,
        "getEvents",
        json!({
            "startLedger": ledger,
            "filters": [{ "contractIds": [native.to_string()], "topics": [[fee_topic, "*"]] }],
        }),
    )
    .await;
    let got: Vec<(String, u64, u64, String)> = v["result"]["events"]
        .as_array()
        .unwrap_or_else(|| panic!("{v}"))
        .iter()
        .filter(|e| e["ledger"] == ledger)
        .map(|e| {
            (
                e["id"].as_str().unwrap().to_string(),
                e["transactionIndex"].as_u64().unwrap(),
                e["operationIndex"].as_u64().unwrap(),
                e["txHash"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    let toid = |tx: u64| format!("{:019}", (u64::from(ledger) << 32) | (tx << 12));
    assert_eq!(
        got,
        vec![
            (format!("{}-0000000000", toid(0)), 0, 0, call_hash.clone()),
            (format!("{}-0000000001", toid(0)), 0, 0, pay_hash),
            (
                format!("{}-0000000000", toid(1_048_575)),
                1_048_575,
                0,
                call_hash
            ),
        ],
        "charges in application order, then the refund: {v}"
    );
    assert!(v["result"]["events"]
        .as_array()
        .unwrap()
        .iter()
        .all(|e| e["type"] == "contract" && e["inSuccessfulContractCall"] == true));
}
