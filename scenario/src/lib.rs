//! # tributary-scenario
//!
//! The protocol's demo scenario, through the SDK over HTTP with real signatures, against a
//! network that has a friendbot and the local network's `/localnet/advance-time` route:
//!
//! 1. [`setup`]: fund accounts, deploy the XLM and USDC Stellar Asset Contracts and the four
//!    contracts from their WASM (XLM and USDC insured).
//! 2. [`run`]: streams created, withdrawn, canceled, transferred and renounced; a campaign
//!    built from a generated CSV, approved by a second signer and claimed by both claimant
//!    kinds; tiers and subscriptions with a keeper renewal; skims reaching the insurance fund;
//!    a bailout proposed, approved 5-of-5 and executed after the clock passes the timelock.
//!
//! `scripts/dev` runs it against the local network; the end-to-end test runs it headless.
#![warn(missing_docs)]

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use stellar_xdr::{AlphaNum4, Asset, AssetCode4, ScAddress};
use tributary_sdk::{
    claim_key::sign_claim,
    deployment::{self, Deployment, ProtocolWasm},
    generated::{
        access::AccessContract,
        claims::{Claimant, ClaimsContract},
        insurance::{Action, Bailout, InsuranceContract},
        stream::{StreamContract, StreamParams},
    },
    ids::random_salt,
    insurance::{proposal_hash, TIMELOCK_SECONDS},
    merkle::{CampaignError, CampaignTree},
    token::TokenContract,
    Client, Signer,
};

/// One XLM in stroops.
pub const XLM: i128 = 10_000_000;
/// Seconds in a day.
pub const DAY: u64 = 24 * 60 * 60;

/// What can stop the scenario.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// An SDK call failed.
    #[error(transparent)]
    Sdk(#[from] tributary_sdk::Error),
    /// The friendbot or a local-network route failed.
    #[error("{url}: {message}")]
    Http {
        /// The URL.
        url: String,
        /// What happened.
        message: String,
    },
    /// The campaign CSV was rejected.
    #[error(transparent)]
    Campaign(#[from] CampaignError),
    /// The CSV could not be written or read.
    #[error("{0}")]
    Io(#[from] std::io::Error),
}

/// Where the network answers.
#[derive(Clone, Debug)]
pub struct Network {
    /// Stellar RPC endpoint (`…/rpc`).
    pub rpc_url: String,
    /// Friendbot (`…/friendbot`).
    pub friendbot_url: String,
    /// The local network's base URL, for `/localnet/advance-time` and `/localnet/close`.
    pub localnet_url: String,
    /// Network passphrase.
    pub passphrase: String,
}

/// A deterministic key for `label` (sha256 of the label as the ed25519 seed): the demo's
/// accounts are the same on every run.
pub fn signer(label: &str) -> Signer {
    Signer::from_bytes(Sha256::digest(label.as_bytes()).into())
}

/// A plain HTTP request (`post` or not) whose 200 body is returned.
fn http(post: bool, url: &str) -> Result<String, ScenarioError> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let fail = |message: String| ScenarioError::Http {
        url: url.to_string(),
        message,
    };
    let sent = if post {
        agent.post(url).send_empty()
    } else {
        agent.get(url).call()
    };
    let mut r = sent.map_err(|e| fail(e.to_string()))?;
    let body = r
        .body_mut()
        .read_to_string()
        .map_err(|e| fail(e.to_string()))?;
    if r.status().as_u16() != 200 {
        return Err(fail(body));
    }
    Ok(body)
}

impl Network {
    /// Funds `who` through the friendbot.
    ///
    /// # Errors
    /// [`ScenarioError::Http`].
    pub async fn fund(&self, who: &Signer) -> Result<(), ScenarioError> {
        let url = format!("{}?addr={}", self.friendbot_url, who.public_strkey());
        run_blocking(move || http(false, &url).map(drop)).await
    }

    /// Moves the ledger clock `seconds` forward and closes a ledger, so the next
    /// simulation already sees the new time.
    ///
    /// # Errors
    /// [`ScenarioError::Http`].
    pub async fn advance_time(&self, seconds: u64) -> Result<(), ScenarioError> {
        let base = self.localnet_url.clone();
        run_blocking(move || {
            http(
                true,
                &format!("{base}/localnet/advance-time?seconds={seconds}"),
            )?;
            http(true, &format!("{base}/localnet/close")).map(drop)
        })
        .await
    }
}

/// GETs `url` (plain HTTP) and returns the body of a 200 answer.
///
/// # Errors
/// [`ScenarioError::Http`]: nothing answers, or another status (its body is the message).
pub async fn http_get(url: &str) -> Result<String, ScenarioError> {
    let url = url.to_string();
    run_blocking(move || http(false, &url)).await
}

async fn run_blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ScenarioError> + Send + 'static,
) -> Result<T, ScenarioError> {
    tokio::task::spawn_blocking(f).await.unwrap_or_else(|e| {
        Err(ScenarioError::Http {
            url: String::new(),
            message: e.to_string(),
        })
    })
}

/// A deployed protocol and the keys that deployed it.
pub struct Setup {
    /// Connected client.
    pub client: Client,
    /// Contract ids.
    pub deployment: Deployment,
    /// The native asset's contract.
    pub xlm: ScAddress,
    /// USDC (issued by `issuer`)'s contract.
    pub usdc: ScAddress,
    /// The deployer.
    pub deployer: Signer,
    /// The insurance council (5 members).
    pub council: Vec<Signer>,
}

/// Funds the deployer, the USDC issuer and the council, deploys both asset contracts and
/// the protocol from the WASM in `wasm_dir`.
///
/// # Errors
/// [`ScenarioError`].
pub async fn setup(net: &Network, wasm_dir: &Path) -> Result<Setup, ScenarioError> {
    let client = Client::connect(&net.rpc_url, &net.passphrase).await?;
    let deployer = signer("deployer");
    let issuer = signer("usdc issuer");
    let council: Vec<Signer> = (0..5)
        .map(|i| signer(&format!("council member {i}")))
        .collect();
    for s in [&deployer, &issuer].into_iter().chain(&council) {
        net.fund(s).await?;
    }
    let xlm = client.deploy_asset(&deployer, Asset::Native).await?;
    let usdc = client
        .deploy_asset(
            &deployer,
            Asset::CreditAlphanum4(AlphaNum4 {
                asset_code: AssetCode4(*b"USDC"),
                issuer: issuer.account_id(),
            }),
        )
        .await?;
    let wasm = ProtocolWasm::from_dir(wasm_dir)?;
    let members: Vec<ScAddress> = council.iter().map(Signer::address).collect();
    let deployment = deployment::deploy(
        &client,
        &deployer,
        &wasm,
        &members,
        &[xlm.clone(), usdc.clone()],
    )
    .await?;
    Ok(Setup {
        client,
        deployment,
        xlm,
        usdc,
        deployer,
        council,
    })
}

fn addr(s: &str) -> ScAddress {
    // Deployment ids come from the contracts' own addresses: always valid strkeys.
    s.parse()
        .unwrap_or(ScAddress::Contract(stellar_xdr::ContractId(
            stellar_xdr::Hash([0; 32]),
        )))
}

impl Setup {
    /// The stream contract.
    pub fn stream(&self) -> StreamContract {
        StreamContract::new(addr(&self.deployment.stream))
    }
    /// The claims contract.
    pub fn claims(&self) -> ClaimsContract {
        ClaimsContract::new(addr(&self.deployment.claims))
    }
    /// The access contract.
    pub fn access(&self) -> AccessContract {
        AccessContract::new(addr(&self.deployment.access))
    }
    /// The insurance contract.
    pub fn insurance(&self) -> InsuranceContract {
        InsuranceContract::new(addr(&self.deployment.insurance))
    }

    /// The latest ledger's close time (Unix seconds): the contracts' clock.
    ///
    /// # Errors
    /// [`ScenarioError::Sdk`].
    pub async fn ledger_time(&self) -> Result<u64, ScenarioError> {
        let rpc = self.client.rpc();
        let latest = rpc
            .get_latest_ledger()
            .await
            .map_err(|e| tributary_sdk::Error::Rpc(e.to_string()))?;
        let page = rpc
            .get_ledgers(
                stellar_rpc_client::LedgerStart::Ledger(latest.sequence),
                Some(1),
                None,
            )
            .await
            .map_err(|e| tributary_sdk::Error::Rpc(e.to_string()))?;
        Ok(u64::try_from(page.latest_ledger_close_time).unwrap_or(0))
    }

    /// `batches` `create_streams` transactions of `per_batch` streams each, from `sender` to
    /// `recipient`, 0.01 XLM each vesting over 30 days; returns the ids.
    ///
    /// # Errors
    /// [`ScenarioError::Sdk`].
    pub async fn stream_batches(
        &self,
        sender: &Signer,
        recipient: &ScAddress,
        batches: u32,
        per_batch: u32,
    ) -> Result<Vec<u64>, ScenarioError> {
        let now = self.ledger_time().await?;
        let mut ids = Vec::new();
        for _ in 0..batches {
            // Fresh salts per batch: one salt twice fails with `IdTaken`.
            let params: Vec<StreamParams> = (0..per_batch)
                .map(|_| StreamParams {
                    salt: random_salt(),
                    cancelable: true,
                    cliff: now,
                    deposit: XLM / 100,
                    end: now + 30 * DAY,
                    recipient: recipient.clone(),
                    start: now,
                    token: self.xlm.clone(),
                    transferable: false,
                })
                .collect();
            let call = self.stream().create_streams(&sender.address(), &params);
            ids.extend(self.client.invoke(sender, &call, &[]).await?.value);
        }
        Ok(ids)
    }
}

/// What [`run`] did: the ids and parties to query.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Outcome {
    /// Stream sender.
    pub alice: String,
    /// Stream recipient and address claimant.
    pub bob: String,
    /// Transferee of a stream and bailout recipient.
    pub carol: String,
    /// Paid-to address of the claim-key claim.
    pub dave: String,
    /// Creator with two tiers.
    pub creator: String,
    /// Subscribed fan (renewed by the keeper).
    pub fan: String,
    /// Streams: withdrawn, canceled, transferred, renounced.
    pub streams: Vec<u64>,
    /// The campaign.
    pub campaign: u64,
    /// Its recipient count.
    pub recipients: u32,
    /// The CSV it was built from.
    pub csv: PathBuf,
    /// Claimed indices: by address (bob) and by claim key (to dave).
    pub claimed: Vec<u32>,
    /// The executed bailout proposal.
    pub proposal: u64,
    /// The bailout's amount, stroops.
    pub bailout: i128,
}

/// Runs the whole scenario on a fresh [`setup`]; writes the campaign CSV into `dir`.
///
/// # Errors
/// [`ScenarioError`].
pub async fn run(
    s: &Setup,
    net: &Network,
    recipients: u32,
    dir: &Path,
) -> Result<Outcome, ScenarioError> {
    let c = &s.client;
    let [alice, bob, carol, dave, creator, fan, funder, approver, keeper] = [
        "alice", "bob", "carol", "dave", "creator", "fan", "funder", "approver", "keeper",
    ]
    .map(signer);
    for who in [
        &alice, &bob, &carol, &dave, &creator, &fan, &funder, &approver, &keeper,
    ] {
        net.fund(who).await?;
    }
    let now = s.ledger_time().await?;

    // Streams: half vested now; withdrawn, canceled, transferred, renounced.
    let stream = s.stream();
    let mut streams = Vec::new();
    for _ in 0..4 {
        let create = stream.create_stream(
            &alice.address(),
            random_salt(),
            &bob.address(),
            &s.xlm,
            100 * XLM,
            now - 1800,
            now - 1800,
            now + 1800,
            true,
            true,
        );
        streams.push(c.invoke(&alice, &create, &[]).await?.value);
    }
    c.invoke(&bob, &stream.withdraw_max(streams[0], &bob.address()), &[])
        .await?;
    c.invoke(&alice, &stream.cancel(streams[1]), &[]).await?;
    c.invoke(&bob, &stream.transfer(streams[2], &carol.address()), &[])
        .await?;
    c.invoke(&alice, &stream.renounce(streams[3]), &[]).await?;

    // A campaign from a generated CSV: entry 0 is bob's address, entry 1 a claim key,
    // the rest alternate generated addresses and claim keys; 0.10 to 0.16 XLM each (10,000
    // entries fit a friendbot-funded account).
    let claim_key = signer("claim key 1");
    let mut csv = String::new();
    for i in 0..recipients {
        let claimant = match i {
            0 => bob.public_strkey(),
            1 => hex::encode(claim_key.public_key()),
            i if i % 2 == 0 => signer(&format!("recipient {i}")).public_strkey(),
            i => hex::encode(signer(&format!("recipient {i}")).public_key()),
        };
        csv.push_str(&format!(
            "{i},{claimant},{}\n",
            XLM / 10 + i128::from(i % 7) * XLM / 100
        ));
    }
    std::fs::create_dir_all(dir)?;
    let csv_path = dir.join("campaign.csv");
    std::fs::write(&csv_path, &csv)?;
    let tree = CampaignTree::from_csv(std::fs::File::open(&csv_path)?)?;
    let claims = s.claims();
    let create = claims.create_campaign(
        &funder.address(),
        random_salt(),
        &s.xlm,
        &tree.root(),
        tree.total(),
        tree.count(),
        now - 60,
        now + 90 * DAY,
        &Some(approver.address()),
    );
    let campaign = c.invoke(&funder, &create, &[]).await?.value;
    c.invoke(&approver, &claims.approve(campaign), &[]).await?;
    let entry = |i: u32| tree.entries()[i as usize].clone();
    let proof = |i: u32| tree.proof(i).unwrap_or_default();
    let e0 = entry(0);
    c.invoke(
        &bob,
        &claims.claim(
            campaign,
            0,
            &e0.claimant,
            e0.amount,
            &proof(0),
            &bob.address(),
            &None,
        ),
        &[],
    )
    .await?;
    let e1 = entry(1);
    let sig = sign_claim(&claim_key, &claims.address, campaign, 1, &dave.address());
    c.invoke(
        &dave,
        &claims.claim(
            campaign,
            1,
            &e1.claimant,
            e1.amount,
            &proof(1),
            &dave.address(),
            &Some(sig),
        ),
        &[],
    )
    .await?;
    debug_assert!(matches!(e1.claimant, Claimant::Key(_)));

    // Tiers and a subscription, with an allowance for the keeper's renewal (below).
    let access = s.access();
    c.invoke(
        &creator,
        &access.set_tier(&creator.address(), 1, &s.xlm, 5 * XLM, 14 * DAY, 3 * DAY),
        &[],
    )
    .await?;
    c.invoke(
        &creator,
        &access.set_tier(&creator.address(), 2, &s.xlm, 12 * XLM, 14 * DAY, 3 * DAY),
        &[],
    )
    .await?;
    c.invoke(
        &fan,
        &access.subscribe(&fan.address(), &creator.address(), 1, 1, 5 * XLM),
        &[],
    )
    .await?;
    let latest = c
        .rpc()
        .get_latest_ledger()
        .await
        .map_err(|e| tributary_sdk::Error::Rpc(e.to_string()))?
        .sequence;
    let xlm = TokenContract::new(s.xlm.clone());
    c.invoke(
        &fan,
        &xlm.approve(&fan.address(), &access.address, 50 * XLM, latest + 100_000),
        &[],
    )
    .await?;

    // The skims are in the fund; a bailout of half of it, approved 5-of-5, executed after
    // the timelock.
    let insurance = s.insurance();
    let fund = c
        .read(&keeper.public_strkey(), &insurance.balance(&s.xlm))
        .await?;
    let reason: [u8; 32] = Sha256::digest(b"demo incident report").into();
    let amount = fund / 2;
    let member = |i: usize| &s.council[i];
    let proposal = c
        .invoke(
            member(0),
            &insurance.propose_bailout(
                &member(0).address(),
                &s.xlm,
                amount,
                &carol.address(),
                &reason,
            ),
            &[],
        )
        .await?
        .value;
    let epoch = c.read(&keeper.public_strkey(), &insurance.epoch()).await?;
    let action = Action::Bailout(Bailout {
        amount,
        asset: s.xlm.clone(),
        reason,
        recipient: carol.address(),
    });
    let hash = proposal_hash(&insurance.address, proposal, &action, epoch);
    for i in 0..5 {
        c.invoke(
            member(i),
            &insurance.approve(&member(i).address(), proposal, &hash),
            &[],
        )
        .await?;
    }
    net.advance_time(TIMELOCK_SECONDS + 60).await?;
    c.invoke(&keeper, &insurance.execute(proposal), &[]).await?;

    // The fan's 14-day period ended during the timelock: within its grace a keeper renews it.
    c.invoke(
        &keeper,
        &access.renew(&fan.address(), &creator.address(), 1),
        &[],
    )
    .await?;

    Ok(Outcome {
        alice: alice.public_strkey(),
        bob: bob.public_strkey(),
        carol: carol.public_strkey(),
        dave: dave.public_strkey(),
        creator: creator.public_strkey(),
        fan: fan.public_strkey(),
        streams,
        campaign,
        recipients,
        csv: csv_path,
        claimed: vec![0, 1],
        proposal,
        bailout: amount,
    })
}
