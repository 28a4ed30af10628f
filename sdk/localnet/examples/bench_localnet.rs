//! `scripts/bench-localnet`: end-to-end throughput and `getEvents` latency of the localnet
//! over HTTP.
//!
//! 1. Throughput: `BENCH_TRANSACTIONS` (2,000) signed `create_stream` transactions (the sender's
//!    authorization is a signed address entry; relayers are the transaction sources) are
//!    simulated and signed ahead, then sent over HTTP in order with 1-second ledgers; the
//!    figure is transactions applied per second from the first send to the last confirmation.
//!    Stream ids derive from the sender and a salt, so each simulation names the id its
//!    transaction gets, whatever the order they apply in.
//! 2. `getEvents`: with `BENCH_EVENTS` (100,000) events stored, pages of 1,000 (unfiltered and filtered by the
//!    stream contract) are fetched over HTTP; p50/p99 latency per page.
#![allow(clippy::unwrap_used, clippy::panic, clippy::print_stdout)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::time::{Duration, Instant};

use stellar_rpc_client::EventStart;
use stellar_xdr::{ScVal, TransactionEnvelope};
use support::{deploy_all, i128_val, vec_val, Key, Net, XLM};
use tributary_localnet::server::Config;

const RELAYERS: usize = 20;
const EVENT_BATCH: usize = 40;

/// `name` from the environment, else `default` (to try the bench at a smaller size).
fn size(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

/// The simulated transaction from `relayer` at the next of its sequence numbers, with the
/// sender's auth entry and the envelope signed.
async fn prepared(
    net: &Net,
    relayer: &Key,
    seq: &mut i64,
    f: stellar_xdr::HostFunction,
    sender: &Key,
) -> TransactionEnvelope {
    *seq += 1;
    net.prepare_at(relayer, *seq, f, &[sender]).await.unwrap()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let transactions = size("BENCH_TRANSACTIONS", 2_000);
    let events = size("BENCH_EVENTS", 100_000);
    let net = Net::start_with(Config {
        listen: "127.0.0.1:0".parse().unwrap(),
        ledger_interval: Some(Duration::from_secs(1)),
        ..Config::default()
    })
    .await;
    let deployer = net.account("deployer").await;
    let issuer = net.account("issuer").await;
    let d = deploy_all(&net, &deployer, &issuer).await;
    let recipient = net.account("recipient").await;
    let mut senders = Vec::new();
    let mut relayers = Vec::new();
    let mut funding = tokio::task::JoinSet::new();
    for i in 0..RELAYERS {
        for key in [
            Key::from_label(&format!("sender {i}")),
            Key::from_label(&format!("relayer {i}")),
        ] {
            funding.spawn(support::http_get(format!(
                "{}?addr={}",
                net.localnet.friendbot_url(),
                key.strkey()
            )));
        }
        senders.push(Key::from_label(&format!("sender {i}")));
        relayers.push(Key::from_label(&format!("relayer {i}")));
    }
    while let Some(r) = funding.join_next().await {
        assert_eq!(r.unwrap().0, 200);
    }

    // Prepare: simulate and sign every transaction against the same state.
    let now = net.localnet.shared().lock().header().scp_value.close_time.0;
    let mut envelopes = Vec::with_capacity(transactions);
    let mut seqs: Vec<i64> = Vec::new();
    for r in &relayers {
        seqs.push(net.client.get_account(&r.strkey()).await.unwrap().seq_num.0);
    }
    let prep = Instant::now();
    for i in 0..transactions {
        let (s, r) = (&senders[i % RELAYERS], &relayers[i % RELAYERS]);
        let f = support::call_fn(
            &d.stream,
            "create_stream",
            vec![
                ScVal::Address(s.address()),
                ScVal::U64(i as u64),
                ScVal::Address(recipient.address()),
                ScVal::Address(d.xlm.clone()),
                i128_val(XLM),
                ScVal::U64(now),
                ScVal::U64(now),
                ScVal::U64(now + 10_000),
                ScVal::Bool(true),
                ScVal::Bool(false),
            ],
        );
        envelopes.push(prepared(&net, r, &mut seqs[i % RELAYERS], f, s).await);
    }
    let prep = prep.elapsed();

    // Timed: send in order over HTTP, then wait for the last one.
    let start = Instant::now();
    let mut hashes = Vec::with_capacity(transactions);
    for e in &envelopes {
        hashes.push(net.send(e).await.unwrap());
    }
    let sent = start.elapsed();
    for h in &hashes {
        net.confirm(h).await.unwrap_or_else(|e| panic!("{e:?}"));
    }
    let elapsed = start.elapsed();
    let tps = transactions as f64 / elapsed.as_secs_f64();

    // Fill the event store to `events` with batched creates (40 streams, 41 events per tx),
    // 50 transactions per round, each stream with a salt of its own.
    let mut stored = net
        .client
        .get_events(EventStart::Ledger(1), None, &[], &[], Some(10_000))
        .await
        .unwrap()
        .events
        .len();
    let batch = EVENT_BATCH as u64;
    let mut created = transactions as u64;
    let mut i = 0;
    while stored < events {
        let mut round = Vec::new();
        for j in 0..50u64 {
            if stored >= events {
                break;
            }
            let (s, r) = (&senders[i % RELAYERS], &relayers[i % RELAYERS]);
            let params: Vec<ScVal> = (0..batch)
                .map(|k| {
                    let salt = created + j * batch + k + transactions as u64;
                    support::stream_params(salt, &recipient, &d.xlm, 1000, now)
                })
                .collect();
            let f = support::call_fn(
                &d.stream,
                "create_streams",
                vec![ScVal::Address(s.address()), vec_val(params)],
            );
            round.push(prepared(&net, r, &mut seqs[i % RELAYERS], f, s).await);
            stored += EVENT_BATCH + 1;
            i += 1;
        }
        created += round.len() as u64 * batch;
        let mut hashes = Vec::new();
        for e in &round {
            hashes.push(net.send(e).await.unwrap());
        }
        for h in &hashes {
            net.confirm(h).await.unwrap_or_else(|e| panic!("{e:?}"));
        }
    }

    let mut all = Vec::new();
    let mut filtered = Vec::new();
    for (filter, samples) in [
        (vec![], &mut all),
        (vec![d.stream.to_string()], &mut filtered),
    ] {
        for _ in 0..3 {
            let mut start = EventStart::Ledger(1);
            loop {
                let t = Instant::now();
                let page = net
                    .client
                    .get_events(start, None, &filter, &[], Some(1_000))
                    .await
                    .unwrap();
                samples.push(t.elapsed());
                if page.events.len() < 1_000 {
                    break;
                }
                start = EventStart::Cursor(page.cursor);
            }
        }
        samples.sort();
    }
    let total_events = net.localnet.shared().lock().history().events.len();

    println!(
        "localnet benchmark (release build, {} cores)",
        std::thread::available_parallelism().map_or(1, |n| n.get())
    );
    println!("sendTransaction throughput: {transactions} create_stream txs with signed address auth, 1 s ledgers");
    println!(
        "  prepared (simulate + sign) in {:.2} s; sent in {:.2} s; all applied after {:.2} s",
        prep.as_secs_f64(),
        sent.as_secs_f64(),
        elapsed.as_secs_f64()
    );
    println!("  throughput: {tps:.0} transactions/s (target >= 200)");
    println!("getEvents over {total_events} stored events, pages of 1,000 over HTTP:");
    for (name, s) in [("unfiltered", &all), ("contract filter", &filtered)] {
        println!(
            "  {name}: {} pages, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms (target p99 <= 20 ms)",
            s.len(),
            percentile(s, 50.0).as_secs_f64() * 1e3,
            percentile(s, 99.0).as_secs_f64() * 1e3,
            s.last().unwrap().as_secs_f64() * 1e3
        );
    }
    let ok = tps >= 200.0
        && percentile(&all, 99.0) <= Duration::from_millis(20)
        && percentile(&filtered, 99.0) <= Duration::from_millis(20);
    net.localnet.shutdown().await.unwrap();
    if !ok && std::env::var_os("TRIBUTARY_BENCH_INFORMATIONAL").is_none() {
        eprintln!("bench-localnet: a target was missed");
        std::process::exit(1);
    }
}
