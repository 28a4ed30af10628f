//! What a backend needs beyond calls: a trustline so a new account can hold an issued asset
//! (USDC through its Stellar Asset Contract), and the deployment's events paged with a cursor.
#![allow(clippy::unwrap_used, clippy::panic)]

mod support;

use std::collections::HashSet;

use sha2::{Digest, Sha256};
use support::{deploy, Net};
use tributary_sdk::{
    deployment::Deployment,
    events::Events,
    token::TokenContract,
    xdr::{AlphaNum4, Asset, AssetCode4},
    Client, Error, Signer,
};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_account_holds_usdc_after_change_trust_and_events_page_by_cursor() {
    let net = Net::start("backend").await;
    deploy(&net).await;
    let deployment = Deployment::load(&net.dir.path().join("deployment.json")).unwrap();
    let client = Client::connect(&net.localnet.rpc_url(), &deployment.network_passphrase)
        .await
        .unwrap();
    let issuer = Signer::from_bytes(Sha256::digest(b"issuer").into());
    let usdc = Asset::CreditAlphanum4(AlphaNum4 {
        asset_code: AssetCode4(*b"USDC"),
        issuer: issuer.account_id(),
    });
    let sac = TokenContract::new(deployment.assets[1].parse().unwrap());
    let holder = net.account("usdc holder").await;

    // Without a trustline the asset contract refuses to credit the account.
    let pay = sac.transfer(&issuer.address(), &holder.address(), 25_000_000);
    assert!(
        matches!(
            client.invoke(&issuer, &pay, &[]).await,
            Err(Error::Simulation(_))
        ),
        "a transfer to an account without a trustline fails"
    );
    client.change_trust(&holder, &usdc, None).await.unwrap();
    client.invoke(&issuer, &pay, &[]).await.unwrap();
    let balance = client
        .read(&holder.public_strkey(), &sac.balance(&holder.address()))
        .await
        .unwrap();
    assert_eq!(balance, 25_000_000);
    assert!(matches!(
        client.change_trust(&holder, &Asset::Native, None).await,
        Err(Error::InvalidInput(_))
    ));

    // Five streams (five `stream_created` events), then the deployment's events two at a time
    // from ledger 1: the same set as one large page, none twice, and an empty page at the tip.
    let end = (client.ledger_time().await.unwrap() + 3_600).to_string();
    let recipient = holder.public_strkey();
    for _ in 0..5 {
        net.ok(
            "deployer",
            &[
                "stream",
                "create",
                "--recipient",
                &recipient,
                "--token",
                "native",
                "--deposit",
                "1000",
                "--end",
                &end,
            ],
        )
        .await;
    }
    let mut all = Events::new(&client, deployment.contracts(), 1, 10_000);
    let expected: Vec<String> = all
        .next_page()
        .await
        .unwrap()
        .into_iter()
        .map(|d| d.raw.id)
        .collect();
    assert!(expected.len() >= 5, "the streams' events: {expected:?}");
    let mut pages = Events::new(&client, deployment.contracts(), 1, 2);
    let mut seen = Vec::new();
    for _ in 0..1_000 {
        let page = pages.next_page().await.unwrap();
        if page.is_empty() {
            break;
        }
        assert!(page.len() <= 2);
        seen.extend(page.into_iter().map(|d| d.raw.id));
    }
    assert_eq!(
        seen.len(),
        seen.iter().collect::<HashSet<_>>().len(),
        "no event twice"
    );
    assert_eq!(
        seen[..expected.len()],
        expected[..],
        "the pages add up to the whole"
    );
    assert!(pages.cursor().is_some());
}
