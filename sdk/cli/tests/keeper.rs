//! `tributary keeper` against the local network and an in-process indexer, with the ledger
//! clock advanced:
//! - 200 subscriptions across 20 creators fall due and are all renewed in one pass, each fan
//!   charged exactly one period's price and granted exactly one period;
//! - two keepers at once renew each subscription exactly once;
//! - a dry run lists and sends nothing; a fee cap below the batch's fee, an indexer that is
//!   down or isn't one: a clear error, and nothing sent;
//! - allowance too low, balance too low, price raised and tier retired each come back as the
//!   contract's `renewal_failed` reason, sent on chain, with no charge;
//! - a running keeper whose indexer is down counts the failed passes, retries, and renews once
//!   the indexer answers; its `/metrics` say so;
//! - `tributary forecast` prints a creator's revenue forecast and writes its chart.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::time::Duration;

use serde_json::Value;
use support::{deploy, Net, XLM};
use tributary_indexer::{ingest::IngestConfig, service::ServiceConfig};
use tributary_sdk::{
    deployment::Deployment, generated::access::AccessContract, token::TokenContract,
    xdr::ScAddress, Client, Signer,
};

const PASSPHRASE: &str = "Standalone Network ; February 2017";
/// A one-hour tier with an hour of grace: the renewal window opens 30 minutes before the end.
const PERIOD: u64 = 3_600;
const GRACE: u64 = 3_600;

struct World {
    net: Net,
    client: Client,
    access: AccessContract,
    xlm: ScAddress,
    indexer: tributary_indexer::service::Running,
}

/// An indexer for `d` on `net`, into the network's directory, on any free port.
fn indexer_config(net: &Net, d: &Deployment) -> ServiceConfig {
    ServiceConfig {
        rpc_url: net.localnet.rpc_url(),
        db: net.dir.path().join("indexer.redb"),
        listen: "127.0.0.1:0".parse().unwrap(),
        ingest: IngestConfig {
            contracts: d.contracts(),
            start_ledger: Some(1),
            page_size: 200,
            batch_events: 1000,
            poll: Duration::from_millis(100),
            rpc_timeout: Duration::from_secs(5),
            initial_backoff: Duration::from_millis(20),
            max_backoff: Duration::from_millis(200),
        },
        http: Default::default(),
        backup_dir: None,
        webhooks: Default::default(),
    }
}

impl World {
    fn indexer_config(&self) -> ServiceConfig {
        let d = Deployment::load(&self.net.dir.path().join("deployment.json")).unwrap();
        indexer_config(&self.net, &d)
    }

    async fn start(name: &str) -> World {
        let net = Net::start(name).await;
        deploy(&net).await;
        let d = Deployment::load(&net.dir.path().join("deployment.json")).unwrap();
        let client = Client::connect(&net.localnet.rpc_url(), PASSPHRASE)
            .await
            .unwrap();
        let indexer = tributary_indexer::service::start(indexer_config(&net, &d))
            .await
            .unwrap();
        World {
            access: AccessContract::new(d.access.parse().unwrap()),
            xlm: d.assets[0].parse().unwrap(),
            net,
            client,
            indexer,
        }
    }

    fn indexer_url(&self) -> String {
        format!("http://{}", self.indexer.addr)
    }

    /// The network's latest ledger.
    async fn latest(&self) -> u32 {
        let latest = self.client.rpc().get_latest_ledger().await.unwrap();
        latest.sequence
    }

    /// Waits until the indexer has applied the network's latest ledger.
    async fn caught_up(&self) {
        let latest = self.latest().await;
        let url = format!("{}/health", self.indexer_url());
        for _ in 0..300 {
            let u = url.clone();
            let applied = tokio::task::spawn_blocking(move || {
                let body = ureq::get(&u)
                    .call()
                    .ok()?
                    .body_mut()
                    .read_to_string()
                    .ok()?;
                serde_json::from_str::<Value>(&body).ok()?["applied_ledger"].as_u64()
            })
            .await
            .unwrap();
            if applied.is_some_and(|a| a >= u64::from(latest)) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("the indexer did not reach ledger {latest}");
    }

    /// `creator`'s tier 1 in XLM at `price` base units per hour.
    async fn tier(&self, creator: &Signer, price: i128) {
        let call = self
            .access
            .set_tier(&creator.address(), 1, &self.xlm, price, PERIOD, GRACE);
        self.client.invoke(creator, &call, &[]).await.unwrap();
    }

    /// `fan` subscribes one period to `creator` and lets the contract pull `allowance`.
    async fn subscribe(&self, fan: &Signer, creator: &ScAddress, allowance: i128) {
        let call = self
            .access
            .subscribe(&fan.address(), creator, 1, 1, i128::MAX);
        self.client.invoke(fan, &call, &[]).await.unwrap();
        let latest = self.latest().await;
        let approve = TokenContract::new(self.xlm.clone()).approve(
            &fan.address(),
            &self.access.address,
            allowance,
            latest + 100_000,
        );
        self.client.invoke(fan, &approve, &[]).await.unwrap();
    }

    /// Each fan's `(expires_at, XLM balance)`, read concurrently.
    async fn positions(&self, subs: &[(Signer, ScAddress)]) -> Vec<(u64, i128)> {
        let mut tasks = tokio::task::JoinSet::new();
        for (i, (fan, creator)) in subs.iter().enumerate() {
            let (client, reader) = (self.client.clone(), fan.public_strkey());
            let sub = self.access.subscription(&fan.address(), creator);
            let balance = TokenContract::new(self.xlm.clone()).balance(&fan.address());
            tasks.spawn(async move {
                let s = client.read(&reader, &sub).await.unwrap().unwrap();
                (
                    i,
                    (s.expires_at, client.read(&reader, &balance).await.unwrap()),
                )
            });
        }
        let mut out = tasks.join_all().await;
        out.sort_by_key(|(i, _)| *i);
        out.into_iter().map(|(_, x)| x).collect()
    }

    /// `tributary keeper <args>` as `signer`, against this world's indexer.
    async fn keeper(&self, signer: &str, args: &[&str]) -> (bool, Value, String) {
        let url = self.indexer_url();
        let mut all = vec!["keeper", "--indexer", url.as_str()];
        all.extend_from_slice(args);
        self.net.run(signer, &all).await
    }
}

/// Renewals, failures and transactions of a keeper report.
fn counts(r: &Value) -> (usize, usize, u64) {
    let len = |k: &str| r[k].as_array().map_or(usize::MAX, Vec::len);
    (
        len("renewed"),
        len("failed"),
        r["transactions"].as_u64().unwrap(),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_subscriptions_fall_due_and_are_renewed_once_each() {
    let w = World::start("keeper-200").await;
    let creators: Vec<String> = (0..20).map(|i| format!("creator {i}")).collect();
    let fans: Vec<String> = (0..200).map(|i| format!("fan {i}")).collect();
    let creators = w.net.accounts(&creators).await;
    let fans = w.net.accounts(&fans).await;
    w.net.account("keeper a").await;
    w.net.account("keeper b").await;
    let price = |c: usize| (c as i128 + 1) * XLM;
    let mut tasks = tokio::task::JoinSet::new();
    for (i, c) in creators.iter().enumerate() {
        let (client, call) = (
            w.client.clone(),
            w.access
                .set_tier(&c.address(), 1, &w.xlm, price(i), PERIOD, GRACE),
        );
        let c = c.clone();
        tasks.spawn(async move { client.invoke(&c, &call, &[]).await.unwrap() });
    }
    tasks.join_all().await;
    let subs: Vec<(Signer, ScAddress)> = fans
        .iter()
        .enumerate()
        .map(|(i, f)| (f.clone(), creators[i % 20].address()))
        .collect();
    let world = std::sync::Arc::new(w);
    let mut tasks = tokio::task::JoinSet::new();
    for (fan, creator) in subs.clone() {
        let w = world.clone();
        tasks.spawn(async move { w.subscribe(&fan, &creator, 10 * XLM * 20).await });
    }
    tasks.join_all().await;
    let w = &*world;
    let before = w.positions(&subs).await;

    // Every window opens (30 minutes before the end); none has lapsed.
    w.net.advance(PERIOD - 600);
    w.caught_up().await;
    let dry = w.keeper("keeper a", &["--dry-run"]).await.1;
    assert_eq!(counts(&dry), (200, 0, 0), "{dry}");
    assert_eq!(w.positions(&subs).await, before, "a dry run sends nothing");

    let started = std::time::Instant::now();
    let (ok, pass, err) = w.keeper("keeper a", &["--once"]).await;
    let seconds = started.elapsed().as_secs_f64();
    assert!(ok, "{err}");
    let (renewed, failed, transactions) = counts(&pass);
    assert_eq!(
        (pass["due"].as_u64(), renewed, failed),
        (Some(200), 200, 0),
        "{pass}"
    );
    assert_eq!(transactions, 25, "8 renewals a transaction");
    let fees = pass["fees"].as_i64().unwrap();
    eprintln!(
        "keeper: 200 renewals in {transactions} transactions, {seconds:.1} s ({:.0}/s), {} stroops a renewal",
        200.0 / seconds,
        fees / 200
    );
    let after = w.positions(&subs).await;
    for (i, ((e0, b0), (e1, b1))) in before.iter().zip(&after).enumerate() {
        assert_eq!(*e1, e0 + PERIOD, "fan {i} granted one period");
        assert_eq!(b0 - b1, price(i % 20), "fan {i} charged one period's price");
    }

    // The next period: two keepers at once. Each subscription is renewed once. Keeper b
    // starts at 64 a transaction, over the limits: it halves the batch until one fits.
    w.net.advance(PERIOD);
    w.caught_up().await;
    let (a, b) = tokio::join!(
        w.keeper("keeper a", &["--once"]),
        w.keeper("keeper b", &["--once", "--batch", "64"])
    );
    assert!(a.0 && b.0, "{} {}", a.2, b.2);
    let (ra, fa, _) = counts(&a.1);
    let (rb, fb, _) = counts(&b.1);
    assert_eq!((ra + rb, fa + fb), (200, 0), "{} {}", a.1, b.1);
    let skipped =
        a.1["already_renewed"].as_u64().unwrap() + b.1["already_renewed"].as_u64().unwrap();
    assert_eq!(skipped, 200, "what one renewed, the other found not due");
    let last = w.positions(&subs).await;
    for (i, ((e1, b1), (e2, b2))) in after.iter().zip(&last).enumerate() {
        assert_eq!(*e2, e1 + PERIOD, "fan {i} granted one more period, once");
        assert_eq!(b1 - b2, price(i % 20), "fan {i} charged once");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_failure_comes_back_with_its_reason_and_charges_nothing() {
    let w = World::start("keeper-failures").await;
    let names = [
        "creator ok",
        "creator raised",
        "creator retired",
        "creator dear",
    ];
    let c = w.net.accounts(&names.map(String::from)).await;
    let names = [
        "fan ok",
        "fan stingy",
        "fan poor",
        "fan raised",
        "fan retired",
    ];
    let f = w.net.accounts(&names.map(String::from)).await;
    w.net.account("keeper").await;
    let dear = 6_000 * XLM;
    for (creator, price) in [(&c[0], XLM), (&c[1], XLM), (&c[2], XLM), (&c[3], dear)] {
        w.tier(creator, price).await;
    }
    w.subscribe(&f[0], &c[0].address(), 10 * XLM).await;
    w.subscribe(&f[1], &c[0].address(), XLM - 1).await;
    // 10,000 XLM from friendbot, 6,000 paid: the next 6,000 can't be.
    w.subscribe(&f[2], &c[3].address(), 10 * dear).await;
    w.subscribe(&f[3], &c[1].address(), 10 * XLM).await;
    w.subscribe(&f[4], &c[2].address(), 10 * XLM).await;
    w.tier(&c[1], 2 * XLM).await;
    let retire = w.access.retire_tier(&c[2].address(), 1);
    w.client.invoke(&c[2], &retire, &[]).await.unwrap();
    let subs: Vec<(Signer, ScAddress)> = [(0, 0), (1, 0), (2, 3), (3, 1), (4, 2)]
        .iter()
        .map(|&(fan, creator)| (f[fan].clone(), c[creator].address()))
        .collect();
    let before = w.positions(&subs).await;
    w.net.advance(PERIOD - 600);
    w.caught_up().await;

    let reasons = |r: &Value| -> Vec<(String, String, bool)> {
        let mut v: Vec<_> = r["failed"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| {
                let fan = x["fan"].as_str().unwrap();
                let who = names[f.iter().position(|k| k.public_strkey() == fan).unwrap()];
                (
                    who.to_string(),
                    x["reason"].as_str().unwrap().to_string(),
                    x["sent"].as_bool().unwrap(),
                )
            })
            .collect();
        v.sort();
        v
    };
    let expected = |sent| {
        vec![
            ("fan poor".to_string(), "BalanceTooLow".to_string(), sent),
            ("fan raised".to_string(), "TermsWorse".to_string(), sent),
            ("fan retired".to_string(), "TierRetired".to_string(), sent),
            (
                "fan stingy".to_string(),
                "AllowanceTooLow".to_string(),
                sent,
            ),
        ]
    };
    let dry = w.keeper("keeper", &["--dry-run"]).await.1;
    assert_eq!(reasons(&dry), expected(false), "{dry}");
    assert_eq!(counts(&dry).0, 1, "{dry}");

    // An indexer that is down, or that isn't an indexer: a clear error, nothing sent.
    let down = w
        .net
        .run(
            "keeper",
            &["keeper", "--once", "--indexer", "http://127.0.0.1:9"],
        )
        .await;
    assert!(
        !down.0
            && down
                .2
                .contains("indexer http://127.0.0.1:9/subscriptions?due_before="),
        "{}",
        down.2
    );
    let rpc_base = w
        .net
        .localnet
        .rpc_url()
        .trim_end_matches("/rpc")
        .to_string();
    let wrong = w
        .net
        .run("keeper", &["keeper", "--once", "--indexer", &rpc_base])
        .await;
    assert!(!wrong.0 && wrong.2.contains("HTTP 404"), "{}", wrong.2);
    assert_eq!(w.positions(&subs).await, before, "nothing sent");

    // A cap below the batch's fee: refused before sending.
    let (ok, _, err) = w.keeper("keeper", &["--once", "--max-fee", "100"]).await;
    assert!(!ok && err.contains("above the cap of 100"), "{err}");
    assert_eq!(w.positions(&subs).await, before, "nothing sent");

    let (ok, pass, err) = w.keeper("keeper", &["--once"]).await;
    assert!(ok, "{err}");
    assert_eq!(reasons(&pass), expected(true), "{pass}");
    assert_eq!(pass["renewed"][0]["fan"], f[0].public_strkey(), "{pass}");
    let after = w.positions(&subs).await;
    assert_eq!(after[0], (before[0].0 + PERIOD, before[0].1 - XLM));
    assert_eq!(
        after[1..],
        before[1..],
        "no failed renewal charged or granted anything"
    );

    // The creator's revenue forecast, through the CLI, with its chart.
    w.caught_up().await;
    let creator = c[0].public_strkey();
    let chart = w.net.dir.path().join("forecast.svg");
    let url = w.indexer_url();
    let f = w
        .net
        .ok(
            "",
            &[
                "forecast",
                "--creator",
                &creator,
                "--indexer",
                &url,
                "--paths",
                "500",
                "--svg",
                chart.to_str().unwrap(),
            ],
        )
        .await;
    assert_eq!(f["horizons"].as_array().unwrap().len(), 3, "{f}");
    assert_eq!(f["subscribers"], 2, "fan ok and fan stingy: {f}");
    let xlm = w.xlm.to_string();
    assert_eq!(f["horizons"][0]["tokens"][0]["token"], xlm.as_str(), "{f}");
    assert!(std::fs::read_to_string(&chart).unwrap().starts_with("<svg"));
    let (ok, _, err) = w
        .net
        .run(
            "",
            &[
                "forecast",
                "--creator",
                &creator,
                "--indexer",
                &url,
                "--horizons",
                "90,30",
            ],
        )
        .await;
    assert!(!ok && err.contains("horizons"), "{err}");
}

/// A free local port (bound, then released).
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `GET url`'s body, if it answers 200.
async fn fetch(url: String) -> Option<String> {
    tokio::task::spawn_blocking(move || {
        ureq::get(&url)
            .call()
            .ok()?
            .body_mut()
            .read_to_string()
            .ok()
    })
    .await
    .unwrap()
}

/// A metric's value in a Prometheus text exposition (0 if absent).
fn metric(text: &str, name: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_running_keeper_retries_until_its_indexer_answers_and_serves_metrics() {
    let w = World::start("keeper-loop").await;
    let creator = w.net.account("creator").await;
    let fan = w.net.account("fan").await;
    w.net.account("keeper").await;
    w.tier(&creator, XLM).await;
    w.subscribe(&fan, &creator.address(), 10 * XLM).await;
    w.net.advance(PERIOD - 600);

    // The keeper starts before its indexer is up.
    let (port, metrics_port) = (free_port(), free_port());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tributary"))
        .args(["--rpc-url", &w.net.localnet.rpc_url(), "--deployment"])
        .arg(w.net.dir.path().join("deployment.json"))
        .arg("--key-file")
        .arg(w.net.key_file("keeper"))
        .args([
            "keeper",
            "--interval",
            "1",
            "--indexer",
            &format!("http://127.0.0.1:{port}"),
        ])
        .args(["--metrics-listen", &format!("127.0.0.1:{metrics_port}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("http://127.0.0.1:{metrics_port}/metrics");
    let mut errors = 0.0;
    for _ in 0..100 {
        errors = fetch(url.clone())
            .await
            .map_or(0.0, |m| metric(&m, "tributary_keeper_errors_total"));
        if errors >= 1.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(errors >= 1.0, "the failed passes are counted");

    // The indexer comes up at that address: the next pass (after a backoff of at most 16 s)
    // renews the fan.
    let mut cfg = w.indexer_config();
    cfg.db = w.net.dir.path().join("second.redb");
    cfg.listen = format!("127.0.0.1:{port}").parse().unwrap();
    let second = tributary_indexer::service::start(cfg).await.unwrap();
    let mut text = String::new();
    for _ in 0..300 {
        text = fetch(url.clone()).await.unwrap_or_default();
        if metric(&text, "tributary_keeper_renewed_total") >= 1.0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    child.kill().unwrap();
    let _ = child.wait();
    second.stop().await;
    assert_eq!(
        metric(&text, "tributary_keeper_renewed_total"),
        1.0,
        "{text}"
    );
    assert_eq!(
        metric(&text, "tributary_keeper_transactions_total"),
        1.0,
        "{text}"
    );
    assert!(
        metric(&text, "tributary_keeper_fees_stroops_total") > 0.0,
        "{text}"
    );
    assert!(
        metric(&text, "tributary_keeper_last_renewal_timestamp_seconds") > 0.0,
        "{text}"
    );
    assert!(
        text.contains("tributary_keeper_lag_seconds_count 1"),
        "{text}"
    );
}
