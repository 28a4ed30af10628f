//! Claim links for wallet-less recipients through the `tributary` CLI on the local network:
//! 10,000 recipients (half addresses, half contact handles) → `campaign keys` → build →
//! create with the keys' salt (the links name its id) → 100 link claims, each to a fresh
//! address; a claimed link can't be replayed to another address; a leaked link's entry is
//! revoked (refunded to the funder) and then can't be claimed. Value: what the funder put in
//! equals what was claimed plus what was revoked plus what clawback returned.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use sha2::{Digest, Sha256};
use support::{deploy, Net, XLM};
use tributary_sdk::Signer;

const ROWS: u32 = 10_000;
const CLAIMS: u32 = 100;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn links_claim_once_to_any_address_and_revoke_refunds() {
    let net = Net::start("links").await;
    deploy(&net).await;
    net.account("funder").await;
    net.account("relayer").await;
    let mut csv = String::from("recipient,amount\n");
    for i in 0..ROWS {
        let amount = XLM / 100 + i128::from(i);
        if i % 2 == 0 {
            let holder = Signer::from_bytes(Sha256::digest(i.to_be_bytes()).into());
            csv.push_str(&format!("{},{amount}\n", holder.public_strkey()));
        } else {
            csv.push_str(&format!("user{i}@example.org,{amount}\n"));
        }
    }
    let dir = net.dir.path();
    let recipients = dir.join("recipients.csv");
    std::fs::write(&recipients, csv).unwrap();
    let out = dir.join("keys");
    let keys = net
        .ok(
            "funder",
            &[
                "campaign",
                "keys",
                "--recipients",
                recipients.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
                "--link-base",
                "https://claim.example/",
            ],
        )
        .await;
    assert_eq!(
        (keys["rows"].as_u64(), keys["keys"].as_u64()),
        (Some(10_000), Some(5_000))
    );
    let links_csv = std::fs::read_to_string(out.join("links.csv")).unwrap();
    let tree_csv = std::fs::read_to_string(out.join("tree.csv")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(out.join("links.csv"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "the links are secrets");
    }
    // (handle, index, amount, link) of every wallet-less row.
    let links: Vec<(String, u32, i128, String)> = links_csv
        .lines()
        .skip(1)
        .map(|l| {
            let mut p = l.splitn(4, ',');
            let (h, i, a, link) = (
                p.next().unwrap(),
                p.next().unwrap(),
                p.next().unwrap(),
                p.next().unwrap(),
            );
            (
                h.to_string(),
                i.parse().unwrap(),
                a.parse().unwrap(),
                link.to_string(),
            )
        })
        .collect();
    assert_eq!(links.len(), 5_000);
    for (_, _, _, link) in links.iter().take(50) {
        let secret = link.split("#k=").nth(1).unwrap().split('&').next().unwrap();
        assert!(!tree_csv.contains(secret), "no secret in the tree");
    }
    let tree = dir.join("tree.json");
    assert_eq!(
        net.build("funder", &out.join("tree.csv"), &tree).await["count"],
        10_000
    );
    let t = tree.to_str().unwrap();
    let expiry = net.now() + 86_400;
    let total: i128 = (0..ROWS).map(|i| XLM / 100 + i128::from(i)).sum();
    let created = net
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
                "--salt",
                &keys["salt"].as_u64().unwrap().to_string(),
            ],
        )
        .await;
    let id = created["id"].as_u64().unwrap();
    assert_eq!(
        id,
        keys["id"].as_u64().unwrap(),
        "the links name the created campaign"
    );

    // 100 links, spread over the file, each claimed to a fresh address by a relayer.
    let mut claimed = 0i128;
    for k in 0..CLAIMS {
        let (handle, index, amount, link) = &links[(k * 47 % 5_000) as usize];
        let to = net.account(&format!("fresh {k}")).await.public_strkey();
        let r = net
            .ok(
                "relayer",
                &[
                    "campaign", "claim", "--tree", t, "--link", link, "--to", &to,
                ],
            )
            .await;
        let c = &r["claims"][0];
        assert_eq!(
            (c["id"].as_u64(), c["index"].as_u64()),
            (Some(id), Some(u64::from(*index))),
            "{handle}"
        );
        assert_eq!(c["to"], to.as_str());
        assert_eq!(c["net"], (amount - amount / 100).to_string());
        claimed += amount;
    }
    // A claimed link can't pay anyone else.
    let (_, _, _, first) = &links[0];
    let other = net.account("thief").await.public_strkey();
    let (ok, _, err) = net
        .run(
            "relayer",
            &[
                "campaign", "claim", "--tree", t, "--link", first, "--to", &other,
            ],
        )
        .await;
    assert!(!ok && err.contains("AlreadySettled"), "{err}");
    // A leaked link: the funder revokes its entry, which refunds it; the link then fails.
    let (_, leaked_index, leaked_amount, leaked) = &links[1];
    let revoked = net
        .ok(
            "funder",
            &[
                "campaign",
                "revoke",
                "--tree",
                t,
                "--id",
                &id.to_string(),
                "--index",
                &leaked_index.to_string(),
            ],
        )
        .await;
    assert_eq!(revoked["refunded"], leaked_amount.to_string());
    let (ok, _, err) = net
        .run(
            "relayer",
            &[
                "campaign", "claim", "--tree", t, "--link", leaked, "--to", &other,
            ],
        )
        .await;
    assert!(!ok && err.contains("AlreadySettled"), "{err}");
    // A link for another deployment's contract is refused before anything is sent.
    let foreign = first.replace(
        first
            .split("&c=")
            .nth(1)
            .unwrap()
            .split('&')
            .next()
            .unwrap(),
        "CDLZFC3SYJYDZT7K67VZ75HPJVIEUVNIXF47ZG2FB2RMQQVU2HHGCYSC",
    );
    let (ok, _, err) = net
        .run(
            "relayer",
            &[
                "campaign", "claim", "--tree", t, "--link", &foreign, "--to", &other,
            ],
        )
        .await;
    assert!(!ok && err.contains("not this deployment"), "{err}");

    // Conservation for the funder: in = claimed + revoked + returned by clawback.
    net.advance(86_400 + 60);
    let back = net
        .ok("funder", &["campaign", "clawback", "--id", &id.to_string()])
        .await;
    let returned: i128 = back["returned"].as_str().unwrap().parse().unwrap();
    assert_eq!(claimed + leaked_amount + returned, total);
}
