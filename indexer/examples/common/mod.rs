//! Shared by the indexer benchmarks: real events recorded from a local network, and
//! synthetic pages re-encoded from one of them.
#![allow(dead_code)]

#[path = "../../tests/support/mod.rs"]
mod support;

use stellar_rpc_client::{Event, EventStart, EventType};
use stellar_xdr::{AccountId, Limits, PublicKey, ReadXdr, ScAddress, ScVal, Uint256, WriteXdr};
use tributary_indexer::ingest::Page;
use tributary_scenario::signer;

/// Synthetic account `i`.
pub fn recipient(i: u64) -> ScAddress {
    let mut key = [0u8; 32];
    key[..8].copy_from_slice(&i.to_be_bytes());
    key[8] = 0x5a;
    ScAddress::Account(AccountId(PublicKey::PublicKeyTypeEd25519(Uint256(key))))
}

/// Records real pages from a local network; returns a `stream_created` event and the
/// contract ids.
pub async fn record() -> (Event, tributary_sdk::events::Contracts, usize) {
    let support::Env {
        localnet,
        net,
        setup,
    } = support::start(100, 120_960).await;
    let dir = std::env::temp_dir().join("tributary-bench-indexer");
    tributary_scenario::run(&setup, &net, 100, &dir)
        .await
        .unwrap();
    let sender = signer("bench sender");
    net.fund(&sender).await.unwrap();
    setup
        .stream_batches(&sender, &signer("bench recipient").address(), 20, 50)
        .await
        .unwrap();
    let contracts = setup.deployment.contracts();
    let ids = [
        contracts.stream.clone(),
        contracts.claims.clone(),
        contracts.access.clone(),
        contracts.insurance.clone(),
    ];
    let mut recorded = Vec::new();
    let mut start = EventStart::Ledger(1);
    loop {
        let r = setup
            .client
            .rpc()
            .get_events(start, Some(EventType::Contract), &ids, &[], Some(1000))
            .await
            .unwrap();
        let n = r.events.len();
        recorded.extend(r.events);
        if n < 1000 {
            break;
        }
        start = EventStart::Cursor(r.cursor);
    }
    let template = recorded
        .iter()
        .find(|e| {
            e.topic.first().is_some_and(|t| {
                ScVal::from_xdr_base64(t, Limits::none()).unwrap()
                    == ScVal::Symbol("stream_created".try_into().unwrap())
            })
        })
        .unwrap()
        .clone();
    let _ = localnet.shutdown().await;
    (template, contracts, recorded.len())
}

/// The decoded topics of `template`.
pub fn topics(template: &Event) -> Vec<ScVal> {
    template
        .topic
        .iter()
        .map(|t| ScVal::from_xdr_base64(t, Limits::none()).unwrap())
        .collect()
}

/// Synthetic page `p` of `per_page` stream_created events re-encoded from `template`
/// (`topics` its decoded topics): event `i = p * per_page + k` is stream `i + 1` to
/// recipient `i % recipients`, in ledger `1000 + p`.
pub fn page(template: &Event, topics: &[ScVal], p: u64, per_page: u64, recipients: u64) -> Page {
    let events = (0..per_page)
        .map(|k| {
            let i = p * per_page + k;
            let mut t = topics.to_vec();
            t[1] = ScVal::U64(i + 1);
            t[3] = ScVal::Address(recipient(i % recipients));
            let ledger = 1_000 + p as u32;
            let toid = (u64::from(ledger) << 32) | ((k + 1) << 12) | 1;
            Event {
                id: format!("{toid:019}-{:010}", 0),
                ledger,
                topic: t
                    .iter()
                    .map(|v| v.to_xdr_base64(Limits::none()).unwrap())
                    .collect(),
                ..template.clone()
            }
        })
        .collect();
    Page {
        events,
        cursor: format!("{:019}-{:010}", ((1_000 + p) << 32) | 0xfff_fff, 0),
        latest_ledger: 1_000 + p as u32,
        latest_close_time: 0,
        caught_up: false,
    }
}

/// The `p`th percentile of `sorted` (nearest rank).
pub fn percentile(sorted: &[std::time::Duration], p: f64) -> std::time::Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

/// Exits 1 naming the missed targets (`(missed, name)`), unless
/// `TRIBUTARY_BENCH_INFORMATIONAL=1`.
pub fn exit_on_missed(targets: &[(bool, &str)]) {
    let informational = std::env::var("TRIBUTARY_BENCH_INFORMATIONAL").is_ok_and(|v| v == "1");
    let missed: Vec<&str> = targets
        .iter()
        .filter_map(|(miss, name)| miss.then_some(*name))
        .collect();
    if !missed.is_empty() && !informational {
        eprintln!("missed targets: {missed:?}");
        std::process::exit(1);
    }
}
