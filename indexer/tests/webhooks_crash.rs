//! The indexer binary killed (SIGKILL) 30 times at random points while it delivers webhooks
//! to a slow receiver, then left to finish: the receiver's de-duplicated set of deliveries is
//! exactly one per event the filter matches (every stream the sender created), none missing,
//! none invented, every signature valid. At-least-once: duplicates are allowed and carry the
//! same `webhook-id`.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::{
    collections::{BTreeMap, BTreeSet},
    process::{Child, Command, Stdio},
    sync::atomic::Ordering,
    time::{Duration, Instant},
};

use serde_json::json;
use support::{call, free_port, receiver, start, temp_dir, terminate, wait_applied, wait_up, Rng};
use tributary_scenario::signer;

const KILLS: u32 = 30;
const TOKEN: &str = "crash-test-admin-token-0123456789";

struct Paths {
    db: std::path::PathBuf,
    deployment: std::path::PathBuf,
    token: std::path::PathBuf,
}

fn spawn(p: &Paths, rpc: &str, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_indexer"))
        .arg("--db")
        .arg(&p.db)
        .arg("--deployment")
        .arg(&p.deployment)
        .arg("--admin-token-file")
        .arg(&p.token)
        .args(["--rpc-url", rpc, "--listen", &format!("127.0.0.1:{port}")])
        .args([
            "--start-ledger",
            "1",
            "--poll-ms",
            "50",
            "--webhooks-allow-private",
        ])
        .args([
            "--webhooks-retry-schedule",
            "50ms,100ms,200ms,400ms,1s,1s,1s,1s,1s,1s",
        ])
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(p.db.with_extension("log"))
                .unwrap(),
        )
        .spawn()
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn killed_while_delivering_every_event_arrives_and_none_is_invented() {
    let env = start(100, 120_960).await;
    let (rx, raddr) = receiver::start().await;
    let tmp = temp_dir("webhooks-crash");
    let dir = tmp.path();
    let p = Paths {
        db: dir.join("indexer.redb"),
        deployment: dir.join("deployment.json"),
        token: dir.join("admin-token"),
    };
    std::fs::write(
        &p.deployment,
        serde_json::to_string(&env.setup.deployment).unwrap(),
    )
    .unwrap();
    std::fs::write(&p.token, format!("{TOKEN}\n")).unwrap();

    let port = free_port();
    let mut child = spawn(&p, &env.net.rpc_url, port);
    let base = format!("http://127.0.0.1:{port}");
    wait_up(&base).await;
    wait_applied(&base, env.latest_ledger()).await;
    let sender = signer("webhook crash sender");
    env.net.fund(&sender).await.unwrap();
    let (status, ep) = call(
        "POST",
        format!("{base}/webhooks"),
        Some(TOKEN),
        Some(json!({
            "url": format!("http://{raddr}/hook"),
            "kinds": ["stream.stream_created"],
            "party": sender.address().to_string(),
        })),
    )
    .await;
    assert_eq!(status, 201, "{ep}");
    rx.secrets
        .lock()
        .unwrap()
        .insert("hook".into(), ep["secret"].as_str().unwrap().into());
    // Slow enough that the deliveries span the kills.
    rx.delay_ms.store(40, Ordering::Relaxed);
    let recipient = signer("webhook crash recipient").address();
    let expected: BTreeSet<u64> = env
        .setup
        .stream_batches(&sender, &recipient, 5, 50)
        .await
        .unwrap()
        .into_iter()
        .collect();
    assert_eq!(expected.len(), 250);

    let mut rng = Rng::from_clock();
    println!("kill delays seeded with {}", rng.0);
    let mut during = 0;
    for _ in 0..KILLS {
        tokio::time::sleep(Duration::from_millis(100 + rng.next() % 500)).await;
        child.kill().unwrap(); // SIGKILL: no chance to commit
        child.wait().unwrap();
        if rx.ids("hook").len() < expected.len() {
            during += 1;
        }
        child = spawn(&p, &env.net.rpc_url, port);
    }
    println!(
        "{during} of {KILLS} kills came while deliveries were outstanding; {} received so far",
        rx.received.lock().unwrap().len()
    );
    assert!(during >= KILLS / 2, "the kills must hit the deliveries");
    wait_up(&base).await;
    let started = Instant::now();
    while rx.ids("hook").len() < expected.len() {
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "only {} of {} delivered",
            rx.ids("hook").len(),
            expected.len()
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // One stream per webhook-id, the same on every copy, and the streams are exactly the
    // created ones.
    let mut by_id: BTreeMap<String, u64> = BTreeMap::new();
    for r in rx.received.lock().unwrap().iter() {
        let stream = r.body["fields"]["id"].as_u64().unwrap();
        assert_eq!(
            *by_id.entry(r.id.clone()).or_insert(stream),
            stream,
            "{}",
            r.id
        );
    }
    let delivered: BTreeSet<u64> = by_id.values().copied().collect();
    assert_eq!(delivered, expected, "nothing missing, nothing invented");
    assert_eq!(by_id.len(), expected.len(), "one webhook-id per event");
    assert_eq!(rx.bad_signatures.load(Ordering::Relaxed), 0);
    let total = rx.received.lock().unwrap().len();
    println!(
        "{total} deliveries for {} events ({} duplicates after kills)",
        expected.len(),
        total - expected.len()
    );
    let started = Instant::now();
    loop {
        let (_, ep) = call("GET", format!("{base}/webhooks/1"), Some(TOKEN), None).await;
        if ep["pending"] == 0 {
            assert_eq!(ep["dead_letters"], 0, "{ep}");
            break;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "outbox never drained: {ep}"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    terminate(child);
}
