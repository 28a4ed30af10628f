//! Every route against real contract events on the local network: the demo scenario plus
//! more than 10,000 stream events paged through; the projections checked against the
//! contracts' own views (simulateTransaction); bad input; backup while ingesting, restore
//! and verify.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::collections::BTreeSet;

use serde_json::{json, Value};
use support::{get, start, temp_dir, wait_applied};
use tributary_indexer::{
    ops, query, service,
    store::{self, Store},
};
use tributary_scenario::{signer, XLM};

const BATCHES: u32 = 205; // 205 × 50 = 10,250 stream_created events
const PER_BATCH: u32 = 50;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_route_against_real_events() {
    let env = start(100, 120_960).await;
    let tmp = temp_dir("api");
    let dir = tmp.path();
    let s = &env.setup;
    let outcome = tributary_scenario::run(s, &env.net, 40, dir).await.unwrap();

    // More than 10,000 events. One sender at a time: a stream id comes from the contract's
    // counter, so creations simulated against the same ledger conflict.
    let bulk_recipient = signer("bulk recipient");
    let sender = signer("bulk sender");
    env.net.fund(&bulk_recipient).await.unwrap();
    env.net.fund(&sender).await.unwrap();
    let bulk = s
        .stream_batches(&sender, &bulk_recipient.address(), BATCHES, PER_BATCH)
        .await
        .unwrap();
    assert_eq!(bulk.len(), (BATCHES * PER_BATCH) as usize);

    let running = service::start(env.service(dir.join("indexer.redb"), &env.net.rpc_url))
        .await
        .unwrap();
    let base = format!("http://{}", running.addr);
    let health = wait_applied(&base, env.latest_ledger()).await;
    assert_eq!(health["status"], "ok");
    assert!(health["lag_ledgers"].as_u64().unwrap() <= 5, "{health}");
    assert!(health.get("lag_seconds").is_some());

    // Pagination over every bulk stream by recipient, 500 at a time: all, once, in order.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut url = format!(
            "{base}/streams?recipient={}&limit=500",
            bulk_recipient.public_strkey()
        );
        if let Some(c) = &cursor {
            url.push_str(&format!("&cursor={c}"));
        }
        let (status, page) = get(url).await;
        assert_eq!(status, 200, "{page}");
        seen.extend(
            page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v["id"].as_u64().unwrap()),
        );
        match page["next_cursor"].as_str() {
            Some(c) => cursor = Some(c.to_string()),
            None => break,
        }
    }
    let mut by_id = bulk.clone();
    by_id.sort_unstable();
    assert_eq!(seen, by_id, "every stream once, in id order");

    // Streams: the projection equals the contract's own view at the same time.
    let c = &s.client;
    let reader = outcome.alice.clone();
    let at = s.ledger_time().await.unwrap();
    for id in &outcome.streams {
        let (status, v) = get(format!("{base}/streams/{id}?at={at}")).await;
        assert_eq!(status, 200, "{v}");
        let on_chain = c.read(&reader, &s.stream().get_stream(*id)).await.unwrap();
        assert_eq!(v["recipient"], on_chain.recipient.to_string());
        assert_eq!(v["withdrawn"], on_chain.withdrawn.to_string());
        assert_eq!(v["refunded"], on_chain.refunded.to_string());
        assert_eq!(v["cancelable"], on_chain.cancelable);
        assert_eq!(v["canceled"], on_chain.canceled);
        let status_on_chain = c.read(&reader, &s.stream().status(*id)).await.unwrap();
        assert_eq!(
            v["status"],
            query::stream_status_name(status_on_chain),
            "stream {id}"
        );
    }
    let (_, canceled) = get(format!("{base}/streams?status=canceled")).await;
    let ids: Vec<u64> = canceled["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, vec![outcome.streams[1]]);
    let (_, streaming) = get(format!(
        "{base}/streams?status=streaming&sender={}&limit=10",
        outcome.alice
    ))
    .await;
    assert!(streaming["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|v| v["status"] == "streaming" && v["sender"] == outcome.alice.as_str()));
    let (_, bob) = get(format!("{base}/streams?recipient={}", outcome.bob)).await;
    let bob_ids: BTreeSet<u64> = bob["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["id"].as_u64().unwrap())
        .collect();
    let expected: BTreeSet<u64> = [0, 1, 3].iter().map(|i| outcome.streams[*i]).collect();
    assert_eq!(bob_ids, expected, "stream 2 was transferred to carol");
    let (_, history) = get(format!("{base}/streams/{}/history", outcome.streams[0])).await;
    let names: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["stream_created", "withdrawn"]);
    assert!(
        history["items"][1]["fields"]["amount"]
            .as_str()
            .unwrap()
            .parse::<i128>()
            .unwrap()
            > 0
    );

    // Campaign and claims.
    let (_, campaign) = get(format!("{base}/campaigns/{}", outcome.campaign)).await;
    let on_chain = c
        .read(&reader, &s.claims().get_campaign(outcome.campaign))
        .await
        .unwrap();
    assert_eq!(campaign["remaining"], on_chain.remaining.to_string());
    assert_eq!(campaign["total"], on_chain.total.to_string());
    assert_eq!(campaign["status"], "active");
    assert_eq!(campaign["claims"], 2);
    let (_, claims) = get(format!(
        "{base}/campaigns/{}/claims?limit=1",
        outcome.campaign
    ))
    .await;
    assert_eq!(claims["items"][0]["index"], 0);
    let next = claims["next_cursor"].as_str().unwrap().to_string();
    let (_, claims) = get(format!(
        "{base}/campaigns/{}/claims?limit=1&cursor={next}",
        outcome.campaign
    ))
    .await;
    assert_eq!(claims["items"][0]["index"], 1);
    assert_eq!(
        claims["items"][0]["claimant"]["key"]
            .as_str()
            .unwrap()
            .len(),
        64
    );
    assert_eq!(claims["next_cursor"], Value::Null);
    let (_, dave) = get(format!("{base}/claims?recipient={}", outcome.dave)).await;
    assert_eq!(dave["items"].as_array().unwrap().len(), 1);
    assert_eq!(dave["items"][0]["to"], outcome.dave.as_str());
    let (_, ch) = get(format!("{base}/campaigns/{}/history", outcome.campaign)).await;
    let names: Vec<&str> = ch["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "campaign_created",
            "campaign_approved",
            "claimed",
            "claimed"
        ]
    );

    // Tiers, subscriptions, access.
    let (_, tiers) = get(format!("{base}/creators/{}/tiers", outcome.creator)).await;
    assert_eq!(tiers["items"].as_array().unwrap().len(), 2);
    assert_eq!(tiers["items"][1]["price"], (12 * XLM).to_string());
    let fan: stellar_xdr::ScAddress = outcome.fan.parse().unwrap();
    let creator: stellar_xdr::ScAddress = outcome.creator.parse().unwrap();
    let sub = c
        .read(&reader, &s.access().subscription(&fan, &creator))
        .await
        .unwrap()
        .unwrap();
    for q in [
        format!("fan={}", outcome.fan),
        format!("creator={}", outcome.creator),
    ] {
        let (_, subs) = get(format!("{base}/subscriptions?{q}")).await;
        let v = &subs["items"][0];
        assert_eq!(v["expires_at"], sub.expires_at);
        assert_eq!(v["paid"], sub.paid.to_string());
        assert_eq!(v["price"], sub.price.to_string());
        assert_eq!(v["grace"], sub.grace);
        assert_eq!(v["version"], sub.version);
    }
    for level in [1, 2] {
        let (_, a) = get(format!(
            "{base}/access/{}/{}?min_level={level}&at={at}",
            outcome.fan, outcome.creator
        ))
        .await;
        let on_chain = c
            .read(&reader, &s.access().has_access(&fan, &creator, level))
            .await
            .unwrap();
        assert_eq!(a["has_access"], on_chain, "level {level}");
    }

    // Insurance: balance and the executed proposal.
    let (_, ins) = get(format!("{base}/insurance")).await;
    let fund = c
        .read(&reader, &s.insurance().balance(&s.xlm))
        .await
        .unwrap();
    let xlm = asset_row(&ins, &s.xlm.to_string());
    assert_eq!(xlm["balance"], fund.to_string());
    assert_eq!(xlm["bailouts_out"], outcome.bailout.to_string());
    // The fund's on-chain balance beside the indexed flows: equal, until a direct transfer
    // into the fund (no skim event) makes them diverge.
    let onchain = |want: i128, diverges: bool| {
        let base = base.clone();
        let xlm_id = s.xlm.to_string();
        async move {
            let started = std::time::Instant::now();
            loop {
                let (_, ins) = get(format!("{base}/insurance")).await;
                let a = asset_row(&ins, &xlm_id);
                if a["onchain_balance"] == json!(want.to_string()) && a["diverges"] == diverges {
                    assert!(ins["onchain"]["ledger"].as_u64().unwrap() > 0, "{ins}");
                    return;
                }
                assert!(
                    started.elapsed() < std::time::Duration::from_secs(30),
                    "{ins}"
                );
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    };
    onchain(fund, false).await;
    let donor = signer("fund donor");
    env.net.fund(&donor).await.unwrap();
    let fund_address: stellar_xdr::ScAddress = s.deployment.insurance.parse().unwrap();
    let token = tributary_sdk::token::TokenContract::new(s.xlm.clone());
    c.invoke(
        &donor,
        &token.transfer(&donor.address(), &fund_address, 7),
        &[],
    )
    .await
    .unwrap();
    onchain(fund + 7, true).await;
    let (_, ins) = get(format!("{base}/insurance")).await;
    assert_eq!(
        asset_row(&ins, &s.xlm.to_string())["balance"],
        fund.to_string(),
        "the indexed flows are unchanged"
    );

    let (_, proposals) = get(format!("{base}/insurance/proposals")).await;
    let p = &proposals["items"][0];
    assert_eq!(p["id"], outcome.proposal);
    assert_eq!(p["status"], "executed");
    assert_eq!(p["approvers"].as_array().unwrap().len(), 5);
    let on_chain = c
        .read(&reader, &s.insurance().proposal(outcome.proposal))
        .await
        .unwrap();
    assert_eq!(p["eta"], on_chain.eta);
    let (status, _) = get(format!(
        "{base}/insurance/proposals/{}/history",
        outcome.proposal
    ))
    .await;
    assert_eq!(status, 200);

    // Metrics and the OpenAPI document: every described path answers.
    let (_, metrics) = get(format!("{base}/metrics")).await;
    let metrics = metrics.as_str().unwrap().to_string();
    let ingested: u64 = metrics
        .lines()
        .find_map(|l| l.strip_prefix("indexer_events_ingested_total "))
        .unwrap()
        .parse()
        .unwrap();
    assert!(ingested > 10_000, "{ingested}");
    assert!(metrics.contains("indexer_query_duration_seconds_bucket"));
    let (_, doc) = get(format!("{base}/openapi.json")).await;
    for (path, ops) in doc["paths"].as_object().unwrap() {
        // The live feed never ends; tests/webhooks.rs reads it.
        if ops.get("get").is_none() || path == "/events/stream" {
            continue;
        }
        let url = path
            .replace("{id}", &outcome.streams[0].to_string())
            .replace("{addr}", &outcome.creator)
            .replace("{fan}", &outcome.fan)
            .replace("{creator}", &outcome.creator);
        let url = if path == "/claims" {
            format!("{url}?recipient={}", outcome.dave)
        } else {
            url
        };
        let (status, body) = get(format!("{base}{url}")).await;
        let id_is_other_kind = status == 404
            && body["message"]
                .as_str()
                .is_some_and(|m| !m.contains("route"));
        assert!(status == 200 || id_is_other_kind, "{path}: {status} {body}");
    }

    // Bad input: 400 naming the parameter, 404 for unknown ids.
    for (url, param) in [
        ("/streams?sender=GABC", "sender"),
        ("/streams?status=flowing", "status"),
        ("/streams?limit=0", "limit"),
        ("/streams?limit=501", "limit"),
        ("/streams?cursor=abc", "cursor"),
        ("/streams?colour=red", "colour"),
        ("/streams/abc", "id"),
        ("/streams/1?at=-5", "at"),
        ("/claims", "recipient"),
        ("/claims?recipient=GA&cursor=1", "recipient"),
        ("/access/nobody/nobody", "fan"),
        ("/creators/C123/tiers", "addr"),
        ("/insurance/proposals?cursor=x", "cursor"),
    ] {
        let (status, body) = get(format!("{base}{url}")).await;
        assert_eq!(status, 400, "{url}: {body}");
        assert_eq!(body["error"], "invalid_parameter", "{url}");
        assert_eq!(body["parameter"], param, "{url}: {body}");
    }
    for url in [
        "/streams/999999",
        "/campaigns/77",
        "/insurance/proposals/55",
        "/nowhere",
    ] {
        let (status, body) = get(format!("{base}{url}")).await;
        assert_eq!(status, 404, "{url}: {body}");
        assert_eq!(body["error"], "not_found");
    }

    // Backup while the indexer runs, then verify and restore.
    let backup = dir.join("backup.redb");
    let served = dir.join("indexer.redb");
    // F1: a backup request naming another database is refused, and writes nothing.
    let elsewhere = dir.join("elsewhere.redb");
    let (status, body) = post_json(
        format!("{base}/admin/backup"),
        json!({ "path": backup, "db": elsewhere }),
    )
    .await;
    assert_eq!((status, &body["parameter"]), (400, &json!("db")), "{body}");
    assert!(!backup.exists(), "nothing written");
    let (status, body) = post_json(
        format!("{base}/admin/backup"),
        json!({ "path": "relative.redb", "db": served }),
    )
    .await;
    assert_eq!(
        (status, &body["parameter"]),
        (400, &json!("path")),
        "{body}"
    );
    // Only inside the backup directory (the database's, by default).
    let outside = std::env::temp_dir().join("tributary-outside-backup.redb");
    let (status, body) = post_json(
        format!("{base}/admin/backup"),
        json!({ "path": outside, "db": served }),
    )
    .await;
    assert_eq!(
        (status, &body["parameter"]),
        (400, &json!("path")),
        "{body}"
    );
    assert!(!outside.exists(), "nothing written outside");
    let (status, body) = post_json(
        format!("{base}/admin/backup"),
        json!({ "path": backup, "db": served }),
    )
    .await;
    assert_eq!(status, 200, "{body}");
    let live_hash = running.store.projections_hash().unwrap();
    running.stop().await;
    {
        let copy = redb::ReadOnlyDatabase::open(&backup).unwrap();
        assert_eq!(store::projections_hash(&copy).unwrap(), live_hash);
        let report = ops::verify(&copy).unwrap();
        assert!(report.ok, "{report:?}");
        assert!(report.events > 10_000);
    }
    let damaged = dir.join("damaged.redb");
    let mut bytes = std::fs::read(&backup).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0xff;
    std::fs::write(&damaged, bytes).unwrap();
    std::fs::copy(ops::sidecar(&backup), ops::sidecar(&damaged)).unwrap();
    let target = dir.join("restored.redb");
    std::fs::write(&target, b"keep me").unwrap();
    let err = ops::restore(&damaged, &target).unwrap_err();
    assert!(matches!(err, ops::OpsError::Checksum { .. }), "{err}");
    assert_eq!(
        std::fs::read(&target).unwrap(),
        b"keep me",
        "nothing replaced"
    );
    ops::restore(&backup, &target).unwrap();
    assert_eq!(
        Store::open(&target, None)
            .unwrap()
            .projections_hash()
            .unwrap(),
        live_hash
    );
}

/// The `/insurance` row of `asset`.
fn asset_row(insurance: &Value, asset: &str) -> Value {
    insurance["assets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["asset"] == asset)
        .unwrap_or_else(|| panic!("{asset} in {insurance}"))
        .clone()
}

async fn post_json(url: String, body: Value) -> (u16, Value) {
    tokio::task::spawn_blocking(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        let mut r = agent
            .post(&url)
            .header("content-type", "application/json")
            .send(body.to_string())
            .unwrap();
        let text = r.body_mut().read_to_string().unwrap();
        (
            r.status().as_u16(),
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    })
    .await
    .unwrap()
}
