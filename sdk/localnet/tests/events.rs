//! `getEvents` and `getTransactions` paging over thousands of real contract events, topic
//! wildcards, and the request limits, through stellar-rpc-client and raw JSON-RPC.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use serde_json::json;
use stellar_rpc_client::{EventStart, GetTransactionsRequest, TransactionsPaginationOptions};
use stellar_xdr::{Limits, ReadXdr, ScVal, WriteXdr};
use support::{deploy_all, rpc_error, rpc_raw, stream_params, sym, vec_val, Net, XLM};

const BATCHES: u64 = 50;
const PER_BATCH: u64 = 40;

fn b64(v: &ScVal) -> String {
    v.to_xdr_base64(Limits::none()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_through_thousands_of_stream_events_without_gaps_or_repeats() {
    let net = Net::start().await;
    let deployer = net.account("deployer").await;
    let issuer = net.account("issuer").await;
    let d = deploy_all(&net, &deployer, &issuer).await;
    let sender = net.account("sender").await;
    let recipient = net.account("recipient").await;
    let first_ledger = net.localnet.shared().lock().header().ledger_seq + 1;
    let now = net.localnet.shared().lock().header().scp_value.close_time.0;
    let mut made = Vec::new();
    for batch in 0..BATCHES {
        let params: Vec<ScVal> = (0..PER_BATCH)
            .map(|i| stream_params(batch * PER_BATCH + i, &recipient, &d.xlm, XLM, now))
            .collect();
        let ids = net
            .call(
                &sender,
                &d.stream,
                "create_streams",
                vec![ScVal::Address(sender.address()), vec_val(params)],
                &[],
            )
            .await
            .unwrap();
        let ScVal::Vec(Some(ids)) = ids else {
            panic!("create_streams returns the ids: {ids:?}")
        };
        made.extend(ids.iter().map(|v| match v {
            ScVal::U64(id) => *id,
            v => panic!("an id is a u64: {v:?}"),
        }));
    }
    let total = (BATCHES * PER_BATCH) as usize;

    // Page through the stream contract's events 300 at a time.
    let mut ids = Vec::new();
    let mut stream_ids = Vec::new();
    let mut start = EventStart::Ledger(first_ledger);
    loop {
        let page = net
            .client
            .get_events(start, None, &[d.stream.to_string()], &[], Some(300))
            .await
            .unwrap();
        for e in &page.events {
            ids.push(e.id.clone());
            match ScVal::from_xdr_base64(&e.topic[1], Limits::none()).unwrap() {
                ScVal::U64(id) => stream_ids.push(id),
                v => panic!("topic 1 is the stream id, got {v:?}"),
            }
        }
        if page.events.len() < 300 {
            break;
        }
        start = EventStart::Cursor(page.cursor);
    }
    assert_eq!(ids.len(), total);
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "ids strictly increase: no repeats"
    );
    assert_eq!(stream_ids, made, "every stream, in creation order");

    // All contracts: the SAC's transfer event precedes each batch's stream events.
    let all = net
        .client
        .get_events(
            EventStart::Ledger(first_ledger),
            None,
            &[],
            &[],
            Some(10_000),
        )
        .await
        .unwrap();
    // Every transaction's fee events (CAP-67) come from the native asset's contract too.
    let fee = b64(&sym("fee"));
    let (fees, rest): (Vec<_>, Vec<_>) = all.events.iter().partition(|e| e.topic[0] == fee);
    assert!(
        fees.len() >= BATCHES as usize,
        "a charge per batch at least"
    );
    assert!(fees.iter().all(|e| e.contract_id == d.xlm.to_string()));
    assert_eq!(rest.len(), total + BATCHES as usize);
    assert_eq!(
        rest.iter()
            .filter(|e| e.contract_id == d.xlm.to_string())
            .count(),
        BATCHES as usize
    );

    // Topic wildcards: exact arity with `*`, any tail with `**`.
    let created = b64(&sym("stream_created"));
    let sender_topic = b64(&ScVal::Address(sender.address()));
    let count = |topics: Vec<Vec<String>>| {
        let client = net.client.clone();
        let stream = d.stream.to_string();
        async move {
            client
                .get_events(
                    EventStart::Ledger(first_ledger),
                    None,
                    &[stream],
                    &topics,
                    Some(10_000),
                )
                .await
                .unwrap()
                .events
                .len()
        }
    };
    assert_eq!(
        count(vec![vec![
            created.clone(),
            "*".into(),
            sender_topic.clone(),
            "*".into()
        ]])
        .await,
        total
    );
    assert_eq!(count(vec![vec![created.clone(), "**".into()]]).await, total);
    assert_eq!(
        count(vec![vec![created.clone(), "*".into()]]).await,
        0,
        "a shorter filter doesn't match"
    );
    assert_eq!(
        count(vec![vec![
            created.clone(),
            b64(&ScVal::U64(made[6])),
            "*".into(),
            "*".into()
        ]])
        .await,
        1
    );
    assert_eq!(
        count(vec![vec![b64(&sym("withdrawn")), "**".into()]]).await,
        0
    );

    // getTransactions pages through the batches too.
    let mut seen = 0;
    let mut request = GetTransactionsRequest {
        start_ledger: Some(first_ledger),
        pagination: Some(TransactionsPaginationOptions {
            cursor: None,
            limit: Some(20),
        }),
    };
    loop {
        let page = net.client.get_transactions(request).await.unwrap();
        seen += page.transactions.len();
        assert!(page.transactions.iter().all(|t| t.status == "SUCCESS"));
        if page.transactions.len() < 20 {
            break;
        }
        request = GetTransactionsRequest {
            start_ledger: None,
            pagination: Some(TransactionsPaginationOptions {
                cursor: Some(page.cursor),
                limit: Some(20),
            }),
        };
    }
    assert_eq!(seen, BATCHES as usize);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_events_rejects_bad_requests_with_stellar_rpc_codes_and_messages() {
    let net = Net::start().await;
    for _ in 0..3 {
        net.localnet.close_ledger();
    }
    let url = net.localnet.rpc_url();
    let cases = [
        (json!({"startLedger": 1, "pagination": {"limit": 10_001}}), -32602, "limit must not exceed 10000"),
        (json!({"pagination": {"limit": 10}}), -32602, "startLedger must be positive"),
        (json!({"startLedger": 1, "pagination": {"cursor": "0000000004294967296-0000000000"}}), -32602, "ledger ranges and cursor cannot both be set"),
        (json!({"startLedger": 99}), -32600, "startLedger must be within the ledger range: 1 - 4"),
        (json!({"startLedger": 1, "filters": [{"type": "diagnostic"}]}), -32602, "filter 1 invalid: filter type invalid: if set, type must be either 'system' or 'contract'"),
        (json!({"startLedger": 1, "filters": [{"contractIds": ["nope"]}]}), -32602, "filter 1 invalid: contract ID 1 invalid"),
        (json!({"startLedger": 1, "filters": [{"topics": [["**", "*"]]}]}), -32602, "filter 1 invalid: topic 1 invalid: segment 1 invalid: wildcard '**' is only allowed as the last segment"),
        (json!({"startLedger": 1, "filters": [{"topics": [["*", "*", "*", "*", "*"]]}]}), -32602, "filter 1 invalid: topic 1 invalid: topic cannot have more than 4 segments"),
        (json!({"startLedger": 1, "filters": [{}, {}, {}, {}, {}, {}]}), -32602, "maximum 5 filters per request"),
        (json!({"pagination": {"cursor": "12-x"}}), -32602, "invalid parameters"),
        (json!({"startLedger": 1, "xdrFormat": "yaml"}), -32602, "got 'yaml': expected base64, json for optional 'xdrFormat'"),
    ];
    for (params, code, message) in cases {
        let response = rpc_raw(&url, "getEvents", params.clone()).await;
        assert_eq!(
            rpc_error(&response),
            (code, message.to_string()),
            "{params}"
        );
    }
    // An in-range request with no events answers with the end-of-window cursor.
    let ok = rpc_raw(&url, "getEvents", json!({"startLedger": 1})).await;
    assert_eq!(ok["result"]["events"], json!([]));
    assert_eq!(
        ok["result"]["cursor"],
        json!(format!(
            "{:019}-{:010}",
            (4u64 << 32) | (0xF_FFFF << 12) | 0xFFF,
            u32::MAX
        ))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_retention_window_drops_old_ledgers_and_says_so() {
    let net = Net::start_with(tributary_localnet::server::Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        ledger_interval: None,
        retention_ledgers: 5,
        ..Default::default()
    })
    .await;
    for _ in 0..9 {
        net.localnet.close_ledger();
    }
    let health = net.client.get_health().await.unwrap();
    assert_eq!(
        (
            health.oldest_ledger,
            health.latest_ledger,
            health.ledger_retention_window
        ),
        (6, 10, 5)
    );
    let response = rpc_raw(
        &net.localnet.rpc_url(),
        "getEvents",
        json!({"startLedger": 5}),
    )
    .await;
    assert_eq!(
        rpc_error(&response),
        (
            -32600,
            "startLedger must be within the ledger range: 6 - 10".to_string()
        )
    );
    let ledgers = net
        .client
        .get_ledgers(stellar_rpc_client::LedgerStart::Ledger(6), Some(3), None)
        .await
        .unwrap();
    assert_eq!(
        ledgers
            .ledgers
            .iter()
            .map(|l| l.sequence)
            .collect::<Vec<_>>(),
        vec![6, 7, 8]
    );
    assert_eq!(ledgers.cursor, "8");
}
