//! The lifecycle commands of the `tributary` CLI on the local network, each checked by what
//! the contract then allows: a transferred stream pays its new recipient and a renounced one
//! can't be canceled; a campaign with an approver stays closed until approved, a paused one
//! refuses claims until resumed, and an extended expiry holds clawback back.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use support::{deploy, Net, XLM};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn transfer_renounce_approve_pause_resume_and_extend() {
    let net = Net::start("lifecycle").await;
    deploy(&net).await;
    let sender = net.account("sender").await.public_strkey();
    let first = net.account("first recipient").await.public_strkey();
    let second = net.account("second recipient").await.public_strkey();
    let _ = sender;

    // Streams: transfer (by the recipient), then renounce (by the sender).
    let end = (net.now() + 3_600).to_string();
    let created = net
        .ok(
            "sender",
            &[
                "stream",
                "create",
                "--recipient",
                &first,
                "--token",
                "native",
                "--deposit",
                &(100 * XLM).to_string(),
                "--end",
                &end,
                "--cancelable",
                "--transferable",
            ],
        )
        .await;
    let id = created["id"].as_u64().unwrap().to_string();
    let moved = net
        .ok(
            "first recipient",
            &["stream", "transfer", "--id", &id, "--to", &second],
        )
        .await;
    assert_eq!(moved["recipient"], second.as_str());
    assert_eq!(
        net.ok("sender", &["stream", "show", "--id", &id]).await["recipient"],
        second.as_str()
    );
    let (ok, _, err) = net
        .run(
            "first recipient",
            &["stream", "transfer", "--id", &id, "--to", &first],
        )
        .await;
    assert!(!ok, "the old recipient can't move it back: {err}");
    net.ok("sender", &["stream", "renounce", "--id", &id]).await;
    let (ok, _, err) = net.run("sender", &["stream", "cancel", "--id", &id]).await;
    assert!(!ok && err.contains("NotCancelable"), "{err}");
    net.advance(60);
    let paid = net
        .ok("second recipient", &["stream", "withdraw", "--id", &id])
        .await;
    assert_eq!(paid["to"], second.as_str());
    assert!(paid["net"].as_str().unwrap().parse::<i128>().unwrap() > 0);

    // Campaigns: approval, pause and resume, a later expiry.
    net.account("funder").await;
    let approver = net.account("approver").await.public_strkey();
    let csv = net.dir.path().join("small.csv");
    std::fs::write(
        &csv,
        format!("0,{first},{}\n1,{second},{}\n", 2 * XLM, 3 * XLM),
    )
    .unwrap();
    let tree = net.dir.path().join("small.json");
    net.build("funder", &csv, &tree).await;
    let t = tree.to_str().unwrap();
    let expiry = net.now() + 600;
    let cid = net
        .ok(
            "funder",
            &[
                "campaign",
                "create",
                "--tree",
                t,
                "--token",
                "native",
                "--expiry",
                &expiry.to_string(),
                "--approver",
                &approver,
            ],
        )
        .await["id"]
        .as_u64()
        .unwrap()
        .to_string();
    let claim = |who: &'static str, index: &'static str| {
        let (net, t, cid) = (&net, t, cid.clone());
        async move {
            net.run(
                who,
                &[
                    "campaign", "claim", "--tree", t, "--id", &cid, "--index", index,
                ],
            )
            .await
        }
    };
    let (ok, _, err) = claim("first recipient", "0").await;
    assert!(!ok && err.contains("CampaignInDraft"), "{err}");
    let (ok, _, err) = net
        .run("funder", &["campaign", "approve", "--id", &cid])
        .await;
    assert!(!ok, "only the approver approves: {err}");
    net.ok("approver", &["campaign", "approve", "--id", &cid])
        .await;
    net.ok("funder", &["campaign", "pause", "--id", &cid]).await;
    let (ok, _, err) = claim("first recipient", "0").await;
    assert!(!ok && err.contains("CampaignPaused"), "{err}");
    net.ok("funder", &["campaign", "resume", "--id", &cid])
        .await;
    let (ok, out, err) = claim("first recipient", "0").await;
    assert!(ok, "{err}");
    assert_eq!(
        out["claims"][0]["net"],
        (2 * XLM - 2 * XLM / 100).to_string()
    );
    let later = expiry + 3_600;
    let (ok, _, err) = net
        .run(
            "funder",
            &[
                "campaign",
                "extend-expiry",
                "--id",
                &cid,
                "--expiry",
                &(expiry - 1).to_string(),
            ],
        )
        .await;
    assert!(!ok && err.contains("ExpiryNotLater"), "{err}");
    net.ok(
        "funder",
        &[
            "campaign",
            "extend-expiry",
            "--id",
            &cid,
            "--expiry",
            &later.to_string(),
        ],
    )
    .await;
    net.advance(900);
    let (ok, _, err) = net
        .run("funder", &["campaign", "clawback", "--id", &cid])
        .await;
    assert!(
        !ok && err.contains("NotExpired"),
        "past the old expiry, not the new: {err}"
    );
    net.advance(3_600);
    let back = net
        .ok("funder", &["campaign", "clawback", "--id", &cid])
        .await;
    assert_eq!(back["returned"], (3 * XLM).to_string());
}
