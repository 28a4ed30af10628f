//! The CLI's keeper, tier-retirement, council and batch commands against the local network:
//! `allowance` and `renew` (a keeper charges through the fan's allowance; after `tier retire`
//! it can't), `insurance propose-asset`, `cancel` (a veto), `propose-council` and `expire`, and
//! `stream create-batch` from CSV with a malformed row refused by line.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use sha2::{Digest, Sha256};
use support::{deploy, Net};
use tributary_sdk::Signer;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn keepers_renew_through_allowances_and_the_council_vetoes_and_expires() {
    let net = Net::start("keepers").await;
    deploy(&net).await;
    let creator = net.account("creator").await.public_strkey();
    let fan = net.account("fan").await.public_strkey();
    net.account("keeper").await;

    // A 60-second tier, one period paid, an allowance for three more.
    let tier = [
        "tier", "set", "--level", "1", "--token", "native", "--price", "10000000", "--period", "60",
    ];
    net.ok("creator", &tier).await;
    let sub = net
        .ok("fan", &["subscribe", "--creator", &creator, "--level", "1"])
        .await;
    let first_expiry = sub["expires_at"].as_u64().unwrap();
    let allow = net
        .ok(
            "fan",
            &["allowance", "--token", "native", "--amount", "30000000"],
        )
        .await;
    assert_eq!(allow["amount"], "30000000", "{allow}");

    // Due: the keeper renews one period through the allowance.
    net.advance(61);
    let renew = [
        "renew",
        "--fan",
        fan.as_str(),
        "--creator",
        creator.as_str(),
    ];
    let renewed = net.ok("keeper", &renew).await;
    assert_eq!(renewed["charged"], true, "{renewed}");
    assert_eq!(renewed["expires_at"].as_u64().unwrap(), first_expiry + 60);

    // Retired: the next renewal charges nothing.
    let retired = net.ok("creator", &["tier", "retire", "--level", "1"]).await;
    assert_eq!(retired["retired"], true);
    net.advance(61);
    let refused = net.ok("keeper", &renew).await;
    assert_eq!(refused["charged"], false, "{refused}");
    assert_eq!(refused["expires_at"].as_u64().unwrap(), first_expiry + 60);

    // The council: an asset change vetoed by another member.
    let insured = net.ok("", &["insurance", "show"]).await["balances"]
        .as_object()
        .unwrap()
        .keys()
        .next()
        .unwrap()
        .clone();
    let proposal = net
        .ok(
            "member 0",
            &[
                "insurance",
                "propose-asset",
                "--asset",
                &insured,
                "--remove",
            ],
        )
        .await;
    assert_eq!(proposal["insured"], false);
    let id = proposal["id"].to_string();
    net.ok("member 1", &["insurance", "cancel", "--id", &id])
        .await;
    let shown = net.ok("", &["insurance", "show", "--id", &id]).await;
    assert_eq!(shown["proposal"]["status"], "Canceled", "{shown}");

    // A council change left without approvals expires after its 30-day lifetime.
    let member4 = Signer::from_bytes(Sha256::digest(b"member 4").into()).public_strkey();
    let fresh = net.account("new member").await.public_strkey();
    let change = net
        .ok(
            "member 0",
            &[
                "insurance",
                "propose-council",
                "--old",
                &member4,
                "--new",
                &fresh,
            ],
        )
        .await;
    let id = change["id"].to_string();
    let (early, _, err) = net
        .run("keeper", &["insurance", "expire", "--id", &id])
        .await;
    assert!(!early && err.contains("NotExpired"), "{err}");
    // (An hour more: this network's 100 ms ledgers each move its clock a second.)
    net.advance(30 * 24 * 60 * 60 + 3_600);
    net.ok("keeper", &["insurance", "expire", "--id", &id])
        .await;
    let shown = net.ok("", &["insurance", "show", "--id", &id]).await;
    assert_eq!(shown["proposal"]["status"], "Expired", "{shown}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn streams_are_created_in_one_batch_from_csv() {
    let net = Net::start("batch").await;
    deploy(&net).await;
    let keys = net
        .accounts(&["r0".to_string(), "r1".to_string(), "r2".to_string()])
        .await;
    let end = net.now() + 3_600;
    let csv = net.dir.path().join("payroll.csv");
    let rows: Vec<String> = keys
        .iter()
        .map(|k| format!("{},1000000,,,{end}", k.public_strkey()))
        .collect();
    std::fs::write(
        &csv,
        format!("recipient,deposit,start,cliff,end\n{}\n", rows.join("\n")),
    )
    .unwrap();
    let args = [
        "stream",
        "create-batch",
        "--csv",
        csv.to_str().unwrap(),
        "--token",
        "native",
        "--cancelable",
    ];
    let done = net.ok("deployer", &args).await;
    let ids = done["ids"].as_array().unwrap();
    assert_eq!(ids.len(), 3, "{done}");
    let shown = net
        .ok("", &["stream", "show", "--id", &ids[2].to_string()])
        .await;
    assert_eq!(shown["recipient"], keys[2].public_strkey());
    assert_eq!(shown["cancelable"], true);

    std::fs::write(
        &csv,
        format!(
            "{},1000000,,,{end}\n{},lots,,,{end}\n",
            keys[0].public_strkey(),
            keys[1].public_strkey()
        ),
    )
    .unwrap();
    let before = net.transactions();
    let (ok, _, err) = net.run("deployer", &args).await;
    assert!(
        !ok && err.contains("payroll.csv:2: deposit \"lots\" is not an integer"),
        "{err}"
    );
    assert_eq!(net.transactions(), before, "nothing was sent");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_of_claims_lands_in_one_transaction_or_not_at_all() {
    let net = Net::start("claim many").await;
    deploy(&net).await;
    net.account("funder").await;
    let holder = net.account("holder").await.public_strkey();
    let csv = net.dir.path().join("three.csv");
    std::fs::write(
        &csv,
        format!("0,{holder},1000\n1,{holder},2000\n2,{holder},3000\n"),
    )
    .unwrap();
    let tree = net.dir.path().join("three.json");
    net.build("funder", &csv, &tree).await;
    let (t, expiry) = (tree.to_str().unwrap(), (net.now() + 86_400).to_string());
    let create = [
        "campaign", "create", "--tree", t, "--token", "native", "--expiry", &expiry,
    ];
    let id = net.ok("funder", &create).await["id"].to_string();

    // Entry 1 alone first, then a batch that repeats it: refused whole, nothing paid.
    let one = [
        "campaign", "claim", "--tree", t, "--id", &id, "--index", "1",
    ];
    net.ok("holder", &one).await;
    let all = [
        "campaign",
        "claim",
        "--tree",
        t,
        "--id",
        &id,
        "--index",
        "0",
        "--index",
        "1",
        "--index",
        "2",
        "--one-transaction",
    ];
    let (ok, _, err) = net.run("holder", &all).await;
    assert!(!ok && err.contains("AlreadySettled"), "{err}");
    let rest = [
        "campaign",
        "claim",
        "--tree",
        t,
        "--id",
        &id,
        "--index",
        "0",
        "--index",
        "2",
        "--one-transaction",
    ];
    let done = net.ok("holder", &rest).await;
    assert_eq!(done["claims"].as_array().unwrap().len(), 2, "{done}");
    // 1,000 and 3,000 gross, each skimmed 1% on its own position.
    assert_eq!(done["net"], (990 + 2_970).to_string(), "{done}");
    assert!(done["tx"].is_string());
}
