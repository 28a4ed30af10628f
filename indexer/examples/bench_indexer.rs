//! `scripts/bench-indexer`: the indexer's throughput, latency and footprint at 1,000,000
//! streams.
//!
//! 1. Pages are recorded from a local network: the demo scenario plus 1,000 streams, read
//!    back through `getEvents`. The recorded `stream_created` event is the template of
//!    `BENCH_STREAMS` (1,000,000) events, each re-encoded with its own id and one of 10,000
//!    recipients, in pages of 1,000.
//! 2. Ingest: every page decoded and applied to the projections, committed durably every
//!    10,000 events (the backfill batch), into a database on disk. Only apply and commit
//!    are timed; building the synthetic pages is not.
//! 3. Query, in process: the first page of 50 streams by a random recipient, p50/p99.
//! 4. HTTP: wrk with 64 connections (closed loop) for 10 s, `GET /streams?recipient=…&limit=50`
//!    over 10,000 recipients, p50/p99; then `GET /streams/{id}` for reference.
//! 5. RSS (VmRSS and VmHWM) and the database file size.
#![allow(clippy::unwrap_used, clippy::panic, clippy::print_stdout)]

mod common;

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use tributary_indexer::{
    api::{router, AppState},
    apply::Tables,
    ingest::{apply_page, Page, Progress},
    metrics::Metrics,
    query::{PageRequest, Reader, StreamFilter},
    store::Store,
};

const RECIPIENTS: u64 = 10_000;
const PAGE: u64 = 1_000;
const BATCH: u64 = 10_000;
const CLIENTS: usize = 64;
const WRK_SECONDS: u64 = 10;

fn size(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn status_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches(" kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Parses a wrk duration (`812.00us`, `8.80ms`, `1.02s`).
fn wrk_duration(v: &str) -> Duration {
    let (n, unit) = v.split_at(v.find(|c: char| c.is_ascii_alphabetic()).unwrap());
    let n: f64 = n.parse().unwrap();
    Duration::from_secs_f64(match unit {
        "us" => n / 1e6,
        "ms" => n / 1e3,
        "s" => n,
        "m" => n * 60.0,
        _ => panic!("wrk duration {v:?}"),
    })
}

/// Runs wrk (closed loop, `CLIENTS` connections, one wrk thread so the server keeps most of
/// the two cores) for `WRK_SECONDS`, cycling through `paths`; returns req/s, p50 and p99 from
/// `--latency`. Fails on any socket error or non-2xx response.
fn wrk(
    dir: &std::path::Path,
    addr: std::net::SocketAddr,
    paths: &[String],
) -> (f64, Duration, Duration) {
    let paths: Vec<String> = paths.iter().map(|p| format!("{p:?}")).collect();
    let script = dir.join("bench.lua");
    std::fs::write(
        &script,
        format!(
            "local paths = {{{}}}\nlocal i = 0\nrequest = function()\n  i = i + 1\n  return wrk.format(\"GET\", paths[(i % #paths) + 1])\nend\n",
            paths.join(",")
        ),
    )
    .unwrap();
    let out = std::process::Command::new("wrk")
        .args([
            "-t1",
            &format!("-c{CLIENTS}"),
            &format!("-d{WRK_SECONDS}s"),
            "--latency",
            "-s",
        ])
        .arg(&script)
        .arg(format!("http://{addr}"))
        .output()
        .expect("wrk is installed by scripts/bench-indexer");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "wrk failed: {text}");
    assert!(
        !text.contains("Non-2xx") && !text.contains("Socket errors"),
        "wrk saw failures: {text}"
    );
    let field = |prefix: &str| -> &str {
        text.lines()
            .find_map(|l| l.trim().strip_prefix(prefix))
            .unwrap_or_else(|| panic!("no {prefix:?} in wrk output: {text}"))
            .trim()
    };
    (
        field("Requests/sec:").parse().unwrap(),
        wrk_duration(field("50%")),
        wrk_duration(field("99%")),
    )
}

#[tokio::main]
async fn main() {
    let streams = size("BENCH_STREAMS", 1_000_000);
    let (template, contracts, recorded) = common::record().await;
    println!("recorded {recorded} real events; template: {}", template.id);
    let topics = common::topics(&template);

    let dir = std::env::temp_dir().join("tributary-bench-indexer");
    let path = dir.join("bench.redb");
    let _ = std::fs::remove_file(&path);
    let store = Arc::new(
        Store::open(
            &path,
            Some(&tributary_indexer::ops::contracts_json(&contracts)),
        )
        .unwrap(),
    );

    // Ingest.
    let pages = streams / PAGE;
    let mut busy = Duration::ZERO;
    let mut p = 0;
    while p < pages {
        let batch: Vec<Page> = (p..(p + BATCH / PAGE).min(pages))
            .map(|q| common::page(&template, &topics, q, PAGE, RECIPIENTS))
            .collect();
        let started = Instant::now();
        let txn = store.db.begin_write().unwrap();
        {
            let mut t = Tables::open(&txn).unwrap();
            for pg in &batch {
                let a = apply_page(&mut t, &contracts, pg).unwrap();
                assert_eq!(a.applied, PAGE as usize);
            }
        }
        txn.commit().unwrap();
        busy += started.elapsed();
        p += batch.len() as u64;
    }
    let rate = streams as f64 / busy.as_secs_f64();
    println!("ingest: {streams} events in {busy:.2?} (apply + durable commit every {BATCH}): {rate:.0} events/s (target >= 20,000)");

    // Query in process: first page of 50 by a random recipient.
    let mut lat = Vec::new();
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for _ in 0..10_000 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let filter = StreamFilter {
            recipient: Some(common::recipient(x % RECIPIENTS).to_string()),
            ..Default::default()
        };
        let started = Instant::now();
        let r = Reader::new(&store).unwrap();
        let page = r
            .streams(
                &filter,
                &PageRequest {
                    limit: 50,
                    cursor: None,
                },
                1_800_000_000,
            )
            .unwrap();
        lat.push(started.elapsed());
        assert_eq!(page.items.len() as u64, (streams / RECIPIENTS).min(50));
    }
    lat.sort();
    let (q50, q99) = (
        common::percentile(&lat, 50.0),
        common::percentile(&lat, 99.0),
    );
    println!("query (in process, page of 50 by recipient, {streams} streams): p50 {q50:.2?}, p99 {q99:.2?} (target <= 1 ms)");

    // HTTP with 64 concurrent clients.
    let app = router(AppState {
        store: store.clone(),
        metrics: Arc::new(Metrics::new()),
        progress: Arc::new(Mutex::new(Progress::default())),
        db_path: path.clone(),
        backup_dir: std::env::temp_dir(),
        hooks: tributary_indexer::api::webhooks::Hooks::disabled(contracts.clone()),
        cors_origins: vec!["*".into()],
        forecasts: Default::default(),
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    // The production server: its limits and layers are part of what is measured.
    let (_stop, stop_rx) = tokio::sync::watch::channel(false);
    tokio::spawn(tributary_indexer::http_server::serve(
        listener,
        app,
        tributary_indexer::http_server::HttpLimits::default(),
        stop_rx,
    ));
    // 10,000 recipients (and stream ids) in a scattered order.
    let order: Vec<u64> = (0..RECIPIENTS).map(|k| (k * 7919) % RECIPIENTS).collect();
    let by_recipient: Vec<String> = order
        .iter()
        .map(|&x| format!("/streams?recipient={}&limit=50", common::recipient(x)))
        .collect();
    let by_id: Vec<String> = order
        .iter()
        .map(|&x| format!("/streams/{}", x * streams / RECIPIENTS + 1))
        .collect();
    let (rate_http, h50, h99) = wrk(&dir, addr, &by_recipient);
    println!(
        "HTTP GET /streams?recipient=…&limit=50 (wrk, {CLIENTS} connections, {WRK_SECONDS} s): {rate_http:.0} req/s, p50 {h50:.2?}, p99 {h99:.2?} (target <= 10 ms)"
    );
    let (rate_one, o50, o99) = wrk(&dir, addr, &by_id);
    println!(
        "HTTP GET /streams/{{id}} (same load, for reference): {rate_one:.0} req/s, p50 {o50:.2?}, p99 {o99:.2?}"
    );

    let (rss, hwm) = (status_kib("VmRSS:"), status_kib("VmHWM:"));
    let file = std::fs::metadata(&path).unwrap().len();
    println!(
        "RSS at {streams} streams: {} MiB now, {} MiB peak (target <= 300 MiB)",
        rss / 1024,
        hwm / 1024
    );
    println!(
        "database file: {:.1} MiB ({} bytes per stream)",
        file as f64 / 1048576.0,
        file / streams
    );

    common::exit_on_missed(&[
        (rate < 20_000.0, "ingest"),
        (q99 > Duration::from_millis(1), "query p99"),
        (h99 > Duration::from_millis(10), "HTTP p99"),
        (hwm / 1024 > 300, "RSS"),
    ]);
}
