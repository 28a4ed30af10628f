//! The `tributary` CLI against the local network, over HTTP with real signatures: every
//! command, a 10,000-row campaign claimed through both claimant kinds, a 5-of-5 bailout through
//! the timelock, and bad input that exits non-zero with nothing sent.
#![allow(clippy::unwrap_used, clippy::panic)]

use std::path::PathBuf;

use serde_json::Value;
use sha2::{Digest, Sha256};
use tributary_sdk::Signer;

mod support;

use support::{deploy, Net, XLM};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_command_runs_against_the_local_network() {
    let net = Net::start("all").await;
    let (d, _) = deploy(&net).await;
    let sender = net.account("sender").await;
    let recipient = net.account("recipient").await;
    let r = recipient.public_strkey();

    // Streams: create, show, withdraw, cancel.
    let deposit = (1_000 * XLM).to_string();
    let end = (net.now() + 3_600).to_string();
    let created = net
        .ok(
            "sender",
            &[
                "stream",
                "create",
                "--recipient",
                &r,
                "--token",
                "native",
                "--deposit",
                &deposit,
                "--end",
                &end,
                "--cancelable",
            ],
        )
        .await;
    let id = created["id"].as_u64().unwrap().to_string();
    net.advance(360);
    let shown = net.ok("recipient", &["stream", "show", "--id", &id]).await;
    assert_eq!(shown["status"], "Streaming");
    assert_eq!(shown["sender"], sender.public_strkey());
    let keyless = net.ok("", &["stream", "show", "--id", &id]).await;
    for field in [
        "id",
        "sender",
        "recipient",
        "deposit",
        "withdrawn",
        "status",
    ] {
        assert_eq!(keyless[field], shown[field], "reads need no key: {field}");
    }
    let withdrawn = net
        .ok(
            "recipient",
            &[
                "stream",
                "withdraw",
                "--id",
                &id,
                "--amount",
                &(10 * XLM).to_string(),
            ],
        )
        .await;
    assert_eq!(
        withdrawn["net"],
        (10 * XLM - XLM / 10).to_string(),
        "10 XLM gross less the 1% skim"
    );
    let canceled = net.ok("sender", &["stream", "cancel", "--id", &id]).await;
    let refunded: i128 = canceled["refunded"].as_str().unwrap().parse().unwrap();
    assert!(refunded > 0 && refunded < 1_000 * XLM);
    assert_eq!(
        net.ok("recipient", &["stream", "show", "--id", &id]).await["status"],
        "Canceled"
    );

    // Tiers, subscriptions, access.
    net.ok(
        "sender",
        &[
            "tier",
            "set",
            "--level",
            "1",
            "--token",
            "native",
            "--price",
            &XLM.to_string(),
            "--period",
            "86400",
        ],
    )
    .await;
    let creator = sender.public_strkey();
    let check = [
        "access",
        "check",
        "--fan",
        &r,
        "--creator",
        &creator,
        "--min-level",
        "1",
    ];
    assert_eq!(net.ok("recipient", &check).await["has_access"], false);
    net.ok(
        "recipient",
        &[
            "subscribe",
            "--creator",
            &creator,
            "--level",
            "1",
            "--periods",
            "2",
        ],
    )
    .await;
    assert_eq!(net.ok("recipient", &check).await["has_access"], true);

    // A small campaign: build, create, claim, and claw back after expiry.
    let csv = net.dir.path().join("small.csv");
    std::fs::write(&csv, format!("index,claimant,amount\n0,{r},{}\n", 5 * XLM)).unwrap();
    let tree = net.dir.path().join("small.json");
    let built = net.build("sender", &csv, &tree).await;
    assert_eq!(built["count"], 1);
    let expiry = (net.now() + 100_000).to_string();
    let campaign = net
        .ok(
            "sender",
            &[
                "campaign",
                "create",
                "--tree",
                tree.to_str().unwrap(),
                "--token",
                "native",
                "--expiry",
                &expiry,
            ],
        )
        .await;
    let cid = campaign["id"].as_u64().unwrap().to_string();
    let claimed = net
        .ok(
            "recipient",
            &[
                "campaign",
                "claim",
                "--tree",
                tree.to_str().unwrap(),
                "--id",
                &cid,
                "--index",
                "0",
            ],
        )
        .await;
    assert_eq!(
        claimed["claims"][0]["net"],
        (5 * XLM - 5 * XLM / 100).to_string()
    );
    let csv2 = net.dir.path().join("unclaimed.csv");
    std::fs::write(&csv2, format!("0,{r},{}\n", 3 * XLM)).unwrap();
    let tree2 = net.dir.path().join("unclaimed.json");
    net.build("sender", &csv2, &tree2).await;
    let soon = (net.now() + 400 + 10).to_string();
    let c2 = net
        .ok(
            "sender",
            &[
                "campaign",
                "create",
                "--tree",
                tree2.to_str().unwrap(),
                "--token",
                "native",
                "--expiry",
                &soon,
            ],
        )
        .await;
    net.advance(500);
    let back = net
        .ok(
            "sender",
            &[
                "campaign",
                "clawback",
                "--id",
                &c2["id"].as_u64().unwrap().to_string(),
            ],
        )
        .await;
    assert_eq!(back["returned"], (3 * XLM).to_string());

    // The insurance holds the skims.
    let shown = net.ok("sender", &["insurance", "show"]).await;
    let xlm_sac = d["assets"][0].as_str().unwrap();
    let balance: i128 = shown["balances"][xlm_sac]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(
        balance,
        XLM / 10 + 5 * XLM / 100 + XLM * 2 / 100,
        "stream, claim and subscription skims"
    );
    assert_eq!(shown["council"].as_array().unwrap().len(), 5);

    // The stream's events, from getEvents, decode to typed values.
    let contracts = tributary_sdk::events::Contracts {
        stream: d["stream"].as_str().unwrap().into(),
        claims: d["claims"].as_str().unwrap().into(),
        access: d["access"].as_str().unwrap().into(),
        insurance: d["insurance"].as_str().unwrap().into(),
    };
    let rpc = tributary_sdk::rpc::Client::new(&net.localnet.rpc_url()).unwrap();
    let page = rpc
        .get_events(
            tributary_sdk::rpc::EventStart::Ledger(1),
            None,
            std::slice::from_ref(&contracts.stream),
            &[],
            Some(100),
        )
        .await
        .unwrap();
    use tributary_sdk::{events::TributaryEvent as T, generated::stream::StreamEvent as S};
    let decoded: Vec<T> = page
        .events
        .iter()
        .map(|e| {
            tributary_sdk::events::decode(&contracts, e)
                .unwrap()
                .unwrap()
        })
        .collect();
    assert!(
        matches!(&decoded[..], [T::Stream(S::StreamCreated(c)), T::Stream(S::SkimPaid(_)), T::Stream(S::Withdrawn(_)), T::Stream(S::Canceled(_))] if c.deposit == 1_000 * XLM)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ten_thousand_row_campaign_is_claimed_by_address_and_by_claim_key() {
    let net = Net::start("campaign").await;
    deploy(&net).await;
    net.account("funder").await;
    let holders = [net.account("holder a").await, net.account("holder b").await];
    let claim_keys: Vec<Signer> = (0..2)
        .map(|i| Signer::from_bytes([40 + i as u8; 32]))
        .collect();
    for (i, k) in claim_keys.iter().enumerate() {
        std::fs::write(net.key_file(&format!("claim key {i}")), k.secret_strkey()).unwrap();
    }
    let mut csv = String::from("index,claimant,amount\n");
    for i in 0..10_000u32 {
        let claimant = match i {
            0 | 1 => holders[i as usize].public_strkey(),
            2 | 3 => hex::encode(claim_keys[i as usize - 2].public_key()),
            _ => hex::encode(Sha256::digest(i.to_be_bytes())),
        };
        csv.push_str(&format!("{i},{claimant},{}\n", 1_000 + i));
    }
    let (csv_path, tree) = (
        net.dir.path().join("big.csv"),
        net.dir.path().join("big.json"),
    );
    std::fs::write(&csv_path, csv).unwrap();
    let built = net.build("funder", &csv_path, &tree).await;
    assert_eq!(built["count"], 10_000);
    let expiry = (net.now() + 86_400).to_string();
    let t = tree.to_str().unwrap();
    let id = net
        .ok(
            "funder",
            &[
                "campaign", "create", "--tree", t, "--token", "native", "--expiry", &expiry,
            ],
        )
        .await["id"]
        .as_u64()
        .unwrap()
        .to_string();
    for (i, label) in ["holder a", "holder b"].iter().enumerate() {
        let r = net
            .ok(
                label,
                &[
                    "campaign",
                    "claim",
                    "--tree",
                    t,
                    "--id",
                    &id,
                    "--index",
                    &i.to_string(),
                ],
            )
            .await;
        assert_eq!(r["claims"][0]["to"], holders[i].public_strkey());
    }
    // Claim keys pay an address of the claimer's choosing; the fee payer can be anyone.
    let payee = holders[0].public_strkey();
    for i in 0..2 {
        let key_file = net.key_file(&format!("claim key {i}"));
        let r = net
            .ok(
                "holder b",
                &[
                    "campaign",
                    "claim",
                    "--tree",
                    t,
                    "--id",
                    &id,
                    "--index",
                    &(i + 2).to_string(),
                    "--to",
                    &payee,
                    "--claim-key-file",
                    key_file.to_str().unwrap(),
                ],
            )
            .await;
        let amount = 1_000 + i128::from(i as u8) + 2;
        assert_eq!(r["claims"][0]["net"], (amount - amount / 100).to_string());
    }
    // A second claim of the same entry is refused by name.
    let (ok, _, err) = net
        .run(
            "holder a",
            &[
                "campaign", "claim", "--tree", t, "--id", &id, "--index", "0",
            ],
        )
        .await;
    assert!(!ok && err.contains("AlreadySettled"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bailout_needs_all_five_members_and_the_timelock() {
    let net = Net::start("bailout").await;
    let (d, council) = deploy(&net).await;
    // Skims fund the insurance: a 1,000 XLM stream withdrawn in full pays 10 XLM.
    net.account("sender").await;
    let recipient = net.account("recipient").await;
    let (start, end) = (net.now().to_string(), (net.now() + 10).to_string());
    let deposit = (1_000 * XLM).to_string();
    let r = recipient.public_strkey();
    let create = [
        "stream",
        "create",
        "--recipient",
        &r,
        "--token",
        "native",
        "--deposit",
        &deposit,
        "--start",
        &start,
        "--end",
        &end,
    ];
    let id = net.ok("sender", &create).await["id"]
        .as_u64()
        .unwrap()
        .to_string();
    net.advance(60);
    net.ok("recipient", &["stream", "withdraw", "--id", &id])
        .await;
    let xlm_sac = d["assets"][0].as_str().unwrap().to_string();
    let victim = net.account("victim").await.public_strkey();
    let amount = (4 * XLM).to_string();
    let pid = net
        .ok(
            "member 0",
            &[
                "insurance",
                "propose",
                "--asset",
                &xlm_sac,
                "--amount",
                &amount,
                "--recipient",
                &victim,
                "--reason",
                "exploit refund",
            ],
        )
        .await["id"]
        .as_u64()
        .unwrap()
        .to_string();
    for i in 0..4 {
        let r = net
            .ok(
                &format!("member {i}"),
                &["insurance", "approve", "--id", &pid],
            )
            .await;
        assert_eq!(r["approvals"], i + 1);
        assert_eq!(r["status"], "Pending");
    }
    let (ok, _, err) = net
        .run("member 0", &["insurance", "execute", "--id", &pid])
        .await;
    assert!(
        !ok && err.contains("insurance"),
        "4 of 5 can't execute: {err}"
    );
    let queued = net
        .ok("member 4", &["insurance", "approve", "--id", &pid])
        .await;
    assert_eq!(
        (queued["approvals"].as_u64(), queued["status"].as_str()),
        (Some(5), Some("Queued"))
    );
    let (ok, _, err) = net
        .run("member 2", &["insurance", "execute", "--id", &pid])
        .await;
    assert!(!ok && err.contains("TimelockActive"), "{err}");
    net.advance(tributary_sdk::insurance::TIMELOCK_SECONDS + 60);
    net.ok("member 2", &["insurance", "execute", "--id", &pid])
        .await;
    let shown = net
        .ok("member 2", &["insurance", "show", "--id", &pid])
        .await;
    assert_eq!(shown["proposal"]["status"], "Executed");
    assert_eq!(
        shown["balances"][&xlm_sac],
        (10 * XLM - 4 * XLM).to_string()
    );
    assert_eq!(council.len(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_exits_non_zero_and_sends_nothing() {
    let net = Net::start("bad").await;
    deploy(&net).await;
    let before = net.transactions();
    let write = |name: &str, text: &str| {
        let p = net.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p.to_str().unwrap().to_string()
    };
    let out = net
        .dir
        .path()
        .join("out.json")
        .to_str()
        .unwrap()
        .to_string();
    let g = Signer::from_bytes([1; 32]).public_strkey();
    let malformed = write("bad.csv", &format!("0,{g},10\n1,{g},ten\n"));
    let (ok, _, err) = net
        .run(
            "deployer",
            &["campaign", "build", "--csv", &malformed, "--out", &out],
        )
        .await;
    assert!(
        !ok && err.contains("line 2") && err.contains("amount"),
        "{err}"
    );
    let duplicate = write("dup.csv", &format!("0,{g},10\n0,{g},11\n"));
    let (ok, _, err) = net
        .run(
            "deployer",
            &["campaign", "build", "--csv", &duplicate, "--out", &out],
        )
        .await;
    assert!(
        !ok && err.contains("index 0 appears on lines 1 and 2"),
        "{err}"
    );

    std::fs::write(net.key_file("garbage"), "not a seed").unwrap();
    let (ok, _, err) = net.run("garbage", &["stream", "cancel", "--id", "1"]).await;
    assert!(!ok && err.contains("not a secret seed"), "{err}");

    let unknown = Signer::from_bytes([2; 32]);
    let fake = stellar_xdr::ScAddress::Contract(stellar_xdr::ContractId(stellar_xdr::Hash(
        unknown.public_key(),
    )))
    .to_string();
    let deployment: Value = serde_json::from_str(
        &std::fs::read_to_string(net.dir.path().join("deployment.json")).unwrap(),
    )
    .unwrap();
    let mut wrong = deployment.clone();
    wrong["stream"] = Value::String(fake);
    std::fs::write(net.dir.path().join("deployment.json"), wrong.to_string()).unwrap();
    let (ok, _, err) = net.run("deployer", &["stream", "show", "--id", "1"]).await;
    assert!(
        !ok && err.contains("simulation failed"),
        "unknown contract: {err}"
    );
    std::fs::write(
        net.dir.path().join("deployment.json"),
        deployment.to_string(),
    )
    .unwrap();

    let (ok, _, err) = net
        .run(
            "deployer",
            &[
                "--network-passphrase",
                "Test SDF Network ; September 2015",
                "stream",
                "cancel",
                "--id",
                "1",
            ],
        )
        .await;
    assert!(!ok && err.contains("network mismatch"), "{err}");
    let (ok, _, err) = net
        .run("deployer", &["stream", "cancel", "--id", "999"])
        .await;
    assert!(
        !ok && err.contains("StreamNotFound"),
        "contract errors by name: {err}"
    );
    assert_eq!(net.transactions(), before, "nothing was sent");
}

#[test]
fn the_readme_wallet_code_is_the_compiled_example() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../");
    let readme = std::fs::read_to_string(root.join("README.md")).unwrap();
    let example = std::fs::read_to_string(root.join("examples/wallet.rs")).unwrap();
    let block = readme
        .split("```rust\n")
        .nth(1)
        .and_then(|b| b.split("```").next())
        .unwrap();
    let function = &block[block.find("pub async fn stream_and_withdraw").unwrap()..];
    assert!(
        example.contains(function),
        "sdk/README.md's wallet code differs from examples/wallet.rs"
    );
    assert!(block.lines().count() < 30);
}

#[allow(dead_code)]
#[path = "../../examples/wallet.rs"]
mod wallet;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_wallet_code_runs_against_the_local_network() {
    let net = Net::start("wallet").await;
    let (d, _) = deploy(&net).await;
    let sender = net.account("wallet sender").await;
    let recipient = net.account("wallet recipient").await;
    let (stream, token) = (
        d["stream"].as_str().unwrap(),
        d["assets"][0].as_str().unwrap(),
    );
    let id =
        wallet::stream_and_withdraw(&net.localnet.rpc_url(), &sender, &recipient, stream, token)
            .await
            .unwrap();
    let shown = net
        .ok(
            "wallet recipient",
            &["stream", "show", "--id", &id.to_string()],
        )
        .await;
    assert!(
        shown["withdrawn"]
            .as_str()
            .unwrap()
            .parse::<i128>()
            .unwrap()
            > 0,
        "{shown}"
    );
}
