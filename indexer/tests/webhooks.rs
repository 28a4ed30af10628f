//! Webhooks and the live feed against a local network, as a customer's backend and a web
//! page use them: a real HTTP receiver verifies every signature with `standardwebhooks`;
//! a receiver that is down gets everything once it is up, in order; a receiver that always
//! fails gets dead letters, and a replay delivers them; a live-feed client that disconnects
//! and resumes with `Last-Event-ID` sees every event once.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::{
    collections::BTreeSet,
    sync::atomic::Ordering,
    time::{Duration, Instant},
};

use serde_json::{json, Value};
use support::{call, receiver, sse::Feed, start, temp_dir, wait_applied};
use tributary_indexer::{
    service,
    webhooks::{deliver::DeliveryConfig, WebhooksConfig},
};
use tributary_scenario::signer;

const TOKEN: &str = "webhooks-test-token-0123456789";

async fn until(what: &str, limit: Duration, mut done: impl FnMut() -> bool) {
    let started = Instant::now();
    while !done() {
        assert!(started.elapsed() < limit, "timed out waiting for {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The stream ids named by stream_created bodies, in arrival order.
fn stream_ids(bodies: &[Value]) -> Vec<u64> {
    bodies
        .iter()
        .map(|b| b["fields"]["id"].as_u64().unwrap())
        .collect()
}

/// `sdk/localnet/clients/js/webhook_receiver.mjs` (shown in indexer/README.md) on node 22
/// from `scripts/setup-clients`, its output lines collected.
struct JsReceiver {
    child: std::process::Child,
    lines: std::sync::Arc<std::sync::Mutex<Vec<String>>>,
}

impl JsReceiver {
    fn start(port: u16, secret: &str) -> Self {
        use std::io::BufRead;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let readme = std::fs::read_to_string(root.join("indexer/README.md")).unwrap();
        for shown in [
            "sdk/localnet/clients/js/webhook_receiver.mjs",
            "indexer/examples/webhook_receiver.rs",
        ] {
            let code = std::fs::read_to_string(root.join(shown)).unwrap();
            assert!(
                readme.contains(code.trim_end()),
                "indexer/README.md shows {shown} verbatim"
            );
        }
        let dir = root.join("target/clients/js");
        std::fs::copy(
            root.join("sdk/localnet/clients/js/webhook_receiver.mjs"),
            dir.join("webhook_receiver.mjs"),
        )
        .unwrap_or_else(|e| panic!("{}: {e}: run scripts/setup-clients", dir.display()));
        let mut child = std::process::Command::new(dir.join("node_modules/.bin/node"))
            .current_dir(&dir)
            .arg("webhook_receiver.mjs")
            .env("WEBHOOK_SECRET", secret)
            .env("PORT", port.to_string())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let out = std::io::BufReader::new(child.stdout.take().unwrap());
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
        let (tx, ready) = std::sync::mpsc::channel();
        let sink = lines.clone();
        std::thread::spawn(move || {
            for l in out.lines().map_while(Result::ok) {
                if l == "listening" {
                    let _ = tx.send(());
                }
                sink.lock().unwrap().push(l);
            }
        });
        ready
            .recv_timeout(Duration::from_secs(30))
            .expect("the JS receiver listens");
        Self { child, lines }
    }

    /// `(webhook-id, cursor)` of each verified delivery, in arrival order.
    fn verified(&self) -> Vec<(String, String)> {
        self.lines
            .lock()
            .unwrap()
            .iter()
            .filter_map(|l| {
                let mut p = l.strip_prefix("verified ")?.split(' ');
                let (id, kind, cursor) = (p.next()?, p.next()?, p.next()?);
                assert_eq!(kind, "stream.stream_created");
                Some((id.to_string(), cursor.to_string()))
            })
            .collect()
    }

    fn rejected(&self) -> usize {
        let lines = self.lines.lock().unwrap();
        lines.iter().filter(|l| l.starts_with("rejected")).count()
    }
}

impl Drop for JsReceiver {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn deliveries_retry_in_order_dead_letter_replay_and_the_feed_resumes() {
    let env = start(100, 120_960).await;
    let (rx, raddr) = receiver::start().await;
    let tmp = temp_dir("webhooks");
    let mut cfg = env.service(tmp.path().join("webhooks.redb"), &env.net.rpc_url);
    cfg.webhooks = WebhooksConfig {
        admin_token: Some(TOKEN.into()),
        delivery: DeliveryConfig {
            schedule: [200, 400, 800].map(Duration::from_millis).to_vec(),
            timeout: Duration::from_secs(2),
            max_in_flight: 16,
            disable_after: Duration::from_secs(3600),
            allow_private: true,
        },
        cors_origins: vec!["*".into()],
    };
    let svc = service::start(cfg).await.unwrap();
    let base = format!("http://{}", svc.addr);
    wait_applied(&base, env.latest_ledger()).await;

    let s = &env.setup;
    let (sender, doomed) = (signer("webhooks sender"), signer("webhooks doomed sender"));
    let recipient = signer("webhooks recipient").address();
    env.net.fund(&sender).await.unwrap();
    env.net.fund(&doomed).await.unwrap();
    let register = |name: &str, party: String| {
        let body = json!({
            "url": format!("http://{raddr}/{name}"),
            "kinds": ["stream.stream_created"],
            "party": party,
        });
        let base = base.clone();
        async move { call("POST", format!("{base}/webhooks"), Some(TOKEN), Some(body)).await }
    };
    let (status, created) = register("created", sender.address().to_string()).await;
    assert_eq!(status, 201, "{created}");
    let (status, dead) = register("dead", doomed.address().to_string()).await;
    assert_eq!(status, 201, "{dead}");
    for (name, ep) in [("created", &created), ("dead", &dead)] {
        rx.secrets
            .lock()
            .unwrap()
            .insert(name.into(), ep["secret"].as_str().unwrap().into());
    }
    let dead_id = dead["id"].as_u64().unwrap();
    // The README's JavaScript receiver (the `standardwebhooks` npm package), same filter.
    let js_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let (status, js_ep) = call(
        "POST",
        format!("{base}/webhooks"),
        Some(TOKEN),
        Some(json!({
            "url": format!("http://127.0.0.1:{js_port}/"),
            "kinds": ["stream.stream_created"],
            "party": sender.address().to_string(),
        })),
    )
    .await;
    assert_eq!(status, 201, "{js_ep}");
    let js = JsReceiver::start(js_port, js_ep["secret"].as_str().unwrap());

    // The live feed, opened before the events: it starts at the newest event.
    let feed_path = format!(
        "/events/stream?kinds=stream.stream_created&party={}",
        sender.address()
    );
    let mut feed = Feed::open(&base, &feed_path, None).await;

    // The receiver is down while the events are committed.
    rx.set_failing("created", true);
    rx.set_failing("dead", true);
    let mut expected = s.stream_batches(&sender, &recipient, 2, 20).await.unwrap();
    let doomed_ids = s.stream_batches(&doomed, &recipient, 1, 3).await.unwrap();
    until("attempts while down", Duration::from_secs(30), || {
        rx.refused("created") >= 2
    })
    .await;
    rx.set_failing("created", false);
    until("every delivery", Duration::from_secs(60), || {
        rx.ids("created").len() == expected.len()
    })
    .await;
    let got = stream_ids(&rx.bodies("created"));
    assert_eq!(got, expected, "each stream once, in the order created");
    let cursors: Vec<String> = rx
        .bodies("created")
        .iter()
        .map(|b| b["cursor"].as_str().unwrap().to_string())
        .collect();
    assert!(cursors.windows(2).all(|w| w[0] < w[1]), "cursor order");
    let first = &rx.bodies("created")[0];
    assert_eq!(first["type"], "stream.stream_created");
    assert_eq!(first["cursor"], first["id"]);
    assert!(first["ledger"].as_u64().unwrap() > 0);
    assert_eq!(first["tx_hash"].as_str().unwrap().len(), 64);
    assert_eq!(first["fields"]["sender"], sender.address().to_string());

    // Retries ran out: three dead letters, then a replay delivers them.
    until("dead letters", Duration::from_secs(30), || {
        rx.refused("dead") >= 3 * 4
    })
    .await;
    let letters = loop {
        let (_, body) = call(
            "GET",
            format!("{base}/webhooks/{dead_id}/dead-letters"),
            Some(TOKEN),
            None,
        )
        .await;
        if body["items"].as_array().unwrap().len() == doomed_ids.len() {
            break body;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(letters["items"][0]["attempts"], 4, "{letters}");
    assert_eq!(letters["items"][0]["last_error"], "HTTP 503", "{letters}");
    assert!(rx.ids("dead").is_empty());
    rx.set_failing("dead", false);
    let (status, replayed) = call(
        "POST",
        format!("{base}/webhooks/{dead_id}/dead-letters/replay"),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!((status, replayed["replayed"].as_u64()), (200, Some(3)));
    until("replayed deliveries", Duration::from_secs(30), || {
        rx.ids("dead").len() == doomed_ids.len()
    })
    .await;
    assert_eq!(stream_ids(&rx.bodies("dead")), doomed_ids);
    let (_, after) = call(
        "GET",
        format!("{base}/webhooks/{dead_id}"),
        Some(TOKEN),
        None,
    )
    .await;
    assert_eq!(
        (after["pending"].as_u64(), after["dead_letters"].as_u64()),
        (Some(0), Some(0))
    );
    assert_eq!(rx.bad_signatures.load(Ordering::Relaxed), 0);
    // The JS receiver verified the same events.
    until("the JS receiver", Duration::from_secs(30), || {
        js.verified().len() == expected.len()
    })
    .await;
    let js_cursors: Vec<String> = js.verified().into_iter().map(|(_, c)| c).collect();
    assert_eq!(
        js_cursors, cursors,
        "the JS receiver verified every event, in order"
    );
    assert!(js.rejected() == 0);

    // The feed: read part, disconnect, resume with Last-Event-ID.
    let mut seen = Vec::new();
    for _ in 0..7 {
        seen.push(feed.next(Duration::from_secs(30)).await.unwrap());
    }
    drop(feed);
    let mut feed = Feed::open(&base, &feed_path, Some(&seen.last().unwrap().id)).await;
    while seen.len() < expected.len() {
        seen.push(feed.next(Duration::from_secs(30)).await.unwrap());
    }
    assert!(
        feed.next(Duration::from_millis(500)).await.is_none(),
        "nothing more"
    );
    let ids: Vec<&String> = seen.iter().map(|e| &e.id).collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "no duplicate, in order"
    );
    let bodies: Vec<Value> = seen
        .iter()
        .map(|e| {
            assert_eq!(e.event, "stream.stream_created");
            serde_json::from_str(&e.data).unwrap()
        })
        .collect();
    assert_eq!(stream_ids(&bodies), expected, "no gap");
    expected.sort_unstable();

    let (_, metrics) = support::get(format!("{base}/metrics")).await;
    let metrics = metrics.as_str().unwrap().to_string();
    for line in [
        "indexer_webhook_deliveries_total{outcome=\"delivered\"} 83",
        "indexer_webhook_deliveries_total{outcome=\"dead_letter\"} 3",
        "indexer_webhook_queue_depth 0",
        "indexer_sse_clients 1",
    ] {
        assert!(metrics.contains(line), "{line} in\n{metrics}");
    }
    let unique: BTreeSet<u64> = expected.iter().copied().collect();
    assert_eq!(unique.len(), expected.len());
    // Stopping ends the open feed (still connected here) and releases the database.
    svc.stop().await;
    assert!(
        feed.next(Duration::from_secs(5)).await.is_none(),
        "the feed ended"
    );
    let started = Instant::now();
    while let Err(e) =
        tributary_indexer::store::Store::open(&tmp.path().join("webhooks.redb"), None)
    {
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "still held: {e}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
