//! End to end, headless: the demo `scripts/dev` runs (local network, deploy from WASM, the
//! indexer on redb, the scenario with a 10,000-recipient campaign), then what the indexer
//! serves against the chain read through simulateTransaction, and conservation on the real
//! token balances. A stale indexer is caught; restarted, it catches up and matches again.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::{path::PathBuf, time::Duration};

use serde_json::Value;
use tributary_demo::{
    banner, service_config, start, verify::verify, verify::Summary, verify::VerifyError,
    wait_indexed, Demo, DemoConfig, DemoError,
};
use tributary_indexer::service;
use tributary_scenario::{http_get, signer};

/// A demo configuration on fresh ports, with its data directory removed when the guard drops.
fn config(name: &str) -> (tempfile::TempDir, DemoConfig) {
    let dir = tempfile::Builder::new()
        .prefix(&format!("tributary-demo-{name}-"))
        .tempdir()
        .unwrap();
    let cfg = DemoConfig {
        data_dir: dir.path().to_path_buf(),
        wasm_dir: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/wasm"),
        rpc_listen: "127.0.0.1:0".parse().unwrap(),
        indexer_listen: "127.0.0.1:0".parse().unwrap(),
        ledger_interval: Duration::from_millis(100),
        recipients: 10_000,
    };
    (dir, cfg)
}

async fn json(url: &str) -> Value {
    serde_json::from_str(&http_get(url).await.unwrap()).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_demo_indexer_matches_the_chain_and_conserves_balances() {
    let (_dir, cfg) = config("e2e");
    let demo = start(&cfg).await.unwrap();
    // Everything the scenario made was compared: 4 streams, 1 campaign with 2 claims, 2
    // tiers, 1 subscription (levels 0–3), XLM and USDC insured, 1 proposal, and the four
    // contracts' balances of both tokens.
    assert_eq!(
        demo.summary,
        Summary {
            streams: 4,
            campaigns: 1,
            claims: 2,
            tiers: 2,
            subscriptions: 1,
            access_checks: 4,
            assets: 2,
            proposals: 1,
            balances: 8,
        }
    );

    // The banner's queries return the demo's data.
    let base = demo.indexer_url();
    let o = &demo.outcome;
    let queries = banner::queries(o, &base);
    assert_eq!(queries.len(), 12);
    let campaign = json(&format!("{base}/campaigns/{}", o.campaign)).await;
    assert_eq!(campaign["count"], 10_000);
    assert_eq!(campaign["claims"], 2);
    let streams = json(&format!("{base}/streams?sender={}", o.alice)).await;
    assert_eq!(streams["items"].as_array().unwrap().len(), 4);
    let proposal = json(&format!("{base}/insurance/proposals/{}", o.proposal)).await;
    assert_eq!(proposal["status"], "executed");
    let fund = json(&format!("{base}/insurance")).await;
    assert!(fund["assets"]
        .as_array()
        .unwrap()
        .iter()
        .any(|a| a["skims_in"].as_str().unwrap().parse::<i128>().unwrap() > 0));
    let access = json(&format!(
        "{base}/access/{}/{}?min_level=1",
        o.fan, o.creator
    ))
    .await;
    assert_eq!(access["has_access"], true);
    // The local webhook receiver verified the signed deliveries of the scenario's headline
    // events (some may still be in flight when the demo is ready).
    let started = std::time::Instant::now();
    let want = [
        ("stream.withdrawn", 1),
        ("claims.claimed", 2),
        ("access.renewed", 1),
        ("insurance.proposal_queued", 1),
    ];
    loop {
        let verified = demo.receiver.verified();
        let count = |k: &str| verified.iter().filter(|v| v.kind == k).count();
        if want.iter().all(|(k, n)| count(k) >= *n) {
            assert_eq!(count("claims.claimed"), 2, "{verified:?}");
            break;
        }
        assert!(started.elapsed() < Duration::from_secs(60), "{verified:?}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    // The keeper renewed the demo fan's 2-minute subscription, and the banner says so.
    let keeper = demo.keeper.as_ref().unwrap();
    let last = keeper.last_renewal().unwrap();
    assert_eq!(last.renewed.fan, keeper.fan);
    assert_eq!(last.renewed.creator, o.creator);
    // The renewal landed just before start() returned: let the indexer catch up.
    let latest = demo.localnet.shared().lock().header().ledger_seq;
    tributary_demo::wait_indexed(&base, latest, Duration::from_secs(60))
        .await
        .unwrap();
    let sub = json(&format!(
        "{base}/subscriptions?fan={}&creator={}",
        keeper.fan, o.creator
    ))
    .await;
    let renewed_to = last.renewed.expires_at + tributary_demo::keeper::PERIOD;
    assert!(
        sub["items"][0]["expires_at"].as_u64().unwrap() >= renewed_to,
        "{sub}"
    );
    assert!(
        keeper
            .metrics_text()
            .contains("tributary_keeper_renewed_total"),
        "{}",
        keeper.metrics_text()
    );
    // The creator's forecast is served; its stream part is the schedule's, exactly: what
    // the demo stream vests between the forecast's origin and each horizon, less the 1% skim
    // on the position's cumulative gross.
    let stream = json(&format!("{base}/streams/{}", keeper.stream_id)).await;
    let (start, end) = (
        stream["start"].as_u64().unwrap(),
        stream["end"].as_u64().unwrap(),
    );
    let deposit = tributary_demo::keeper::STREAM_DEPOSIT;
    let vested = |t: u64| -> i128 {
        let t = t.clamp(start, end);
        deposit * i128::from(t - start) / i128::from(end - start)
    };
    let f = json(&format!(
        "{base}/creators/{}/forecast?horizons=30,60,90&paths=1000&seed=7",
        o.creator
    ))
    .await;
    let now = f["now"].as_u64().unwrap();
    let xlm = demo.setup.xlm.to_string();
    for (i, days) in [30u64, 60, 90].iter().enumerate() {
        let h = &f["horizons"][i];
        assert_eq!(h["days"], *days, "{f}");
        let t = h["tokens"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["token"] == xlm.as_str())
            .unwrap_or_else(|| panic!("{f}"));
        let (v0, v1) = (vested(now), vested(now + days * 86_400));
        let net = (v1 - v0) - (v1 / 100 - v0 / 100);
        assert_eq!(
            t["streams"].as_f64().unwrap(),
            net as f64,
            "{days} days: {t}"
        );
        let mean = t["mean"].as_f64().unwrap();
        assert!(
            t["p2_5"].as_f64().unwrap() <= mean && mean <= t["p97_5"].as_f64().unwrap(),
            "{t}"
        );
    }
    let svg = http_get(&format!(
        "{base}/creators/{}/forecast.svg?paths=1000",
        o.creator
    ))
    .await
    .unwrap();
    assert!(
        svg.starts_with("<svg") && svg.contains("median"),
        "{svg:.200}"
    );
    let printed = banner::render(&demo, "tributary");
    assert!(printed.contains("last renewal: "), "{printed}");
    assert!(printed.contains("/forecast.svg"), "{printed}");
    assert!(
        printed.contains(&format!("curl -N '{base}/events/stream'")),
        "{printed}"
    );
    assert!(printed.contains("webhook-id msg_1_"), "{printed}");
    // The printed CLI commands that talk to the network name this one (its port is random).
    let commands = banner::cli_commands(o, "tributary", &demo.net.rpc_url, &demo.files);
    assert_eq!(commands.len(), 5);
    for (_, command) in commands
        .iter()
        .filter(|(_, c)| !c.contains("campaign build"))
    {
        assert!(
            command.contains(&format!("--rpc-url {} ", demo.net.rpc_url)),
            "{command}"
        );
    }
    let deployment: Value =
        serde_json::from_str(&std::fs::read_to_string(&demo.files.deployment).unwrap()).unwrap();
    assert_eq!(deployment["stream"], demo.setup.deployment.stream.as_str());
    assert!(std::fs::read_to_string(&demo.files.claimant_key)
        .unwrap()
        .starts_with('S'));

    // A stale indexer is caught: stop it, withdraw on chain, serve the old database without
    // an RPC to follow.
    let Demo {
        localnet,
        indexer,
        net,
        setup,
        outcome,
        files,
        summary,
        receiver: _,
        keeper,
    } = demo;
    if let Some(k) = keeper {
        k.stop().await;
    }
    indexer.stop().await;
    let bob = signer("bob");
    let stream = outcome.streams[0];
    setup
        .client
        .invoke(
            &bob,
            &setup.stream().withdraw_max(stream, &bob.address()),
            &[],
        )
        .await
        .unwrap();
    let serve =
        |rpc_url: &str| service_config(&setup, rpc_url, &files.db, "127.0.0.1:0".parse().unwrap());
    let stale = service::start(serve("http://127.0.0.1:9/rpc"))
        .await
        .unwrap();
    let err = verify(&setup, &outcome, &format!("http://{}", stale.addr))
        .await
        .unwrap_err();
    let VerifyError::Mismatch(lines) = err else {
        panic!("expected a mismatch, got {err}");
    };
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&format!("stream {stream} withdrawn"))),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("conservation: ") && l.contains(&setup.deployment.stream)),
        "{lines:?}"
    );
    stale.stop().await;

    // Restarted against the network, it catches up and matches again.
    let resumed = service::start(serve(&net.rpc_url)).await.unwrap();
    let url = format!("http://{}", resumed.addr);
    let latest = localnet.shared().lock().header().ledger_seq;
    wait_indexed(&url, latest, Duration::from_secs(60))
        .await
        .unwrap();
    // The keeper's 2-minute tier and the stream to the creator came after the first check.
    let with_keeper_tier = tributary_demo::verify::Summary {
        tiers: summary.tiers + 1,
        streams: summary.streams + 1,
        ..summary
    };
    assert_eq!(
        verify(&setup, &outcome, &url).await.unwrap(),
        with_keeper_tier
    );
    resumed.stop().await;
    localnet.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_configurations_are_refused_before_anything_runs() {
    let (_few, mut cfg) = config("few");
    cfg.recipients = 2;
    let err = start(&cfg).await.err().unwrap();
    assert!(matches!(err, DemoError::Config(_)), "{err}");

    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let (_taken, mut cfg) = config("taken");
    cfg.rpc_listen = taken.local_addr().unwrap();
    let err = start(&cfg).await.err().unwrap();
    assert!(matches!(err, DemoError::Localnet(_)), "{err}");
    assert!(
        err.to_string().contains(&cfg.rpc_listen.to_string()),
        "{err}"
    );
}
