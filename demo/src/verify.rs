//! What the indexer serves, checked against the contracts' state read back through
//! `simulateTransaction`, and the conservation invariant (docs/PROTOCOL.md invariant 1) on the
//! real token balances.
//!
//! Time-dependent values (a stream's status and withdrawable amount, `has_access`) are asked
//! of the indexer at the latest ledger's close time; simulation runs at the next ledger's.
//! They are compared only where that second can't change them: streams that ended or were
//! canceled, subscriptions not within a minute of their expiry or grace end.

use std::{
    collections::{BTreeMap, BTreeSet},
    fmt::Display,
};

use serde_json::Value;
use stellar_xdr::ScAddress;
use tributary_indexer::query::stream_status_name;
use tributary_scenario::{http_get, Outcome, ScenarioError, Setup};
use tributary_sdk::{
    generated::{claims::CampaignStatus, insurance::ProposalStatus},
    token::TokenContract,
};

/// How much was compared, by kind.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Summary {
    /// Streams (every stream the indexer lists).
    pub streams: usize,
    /// Campaigns (the scenario's one campaign: ids derive from the funder and a salt).
    pub campaigns: usize,
    /// Claimed entries, each `is_claimed` on chain.
    pub claims: usize,
    /// The demo creator's tiers.
    pub tiers: usize,
    /// The demo fan's subscriptions.
    pub subscriptions: usize,
    /// `has_access` answers (levels 0–3 for each subscription).
    pub access_checks: usize,
    /// Insured assets (the chain's allowlist and any the indexer saw move): the fund's
    /// balance by the indexer, the contract's view and the token.
    pub assets: usize,
    /// Council proposals.
    pub proposals: usize,
    /// Token balances of the four contracts checked for conservation.
    pub balances: usize,
}

/// Why the check failed.
#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    /// The indexer and the chain disagree; one line per difference.
    #[error("the indexer and the chain disagree:\n  {}", .0.join("\n  "))]
    Mismatch(Vec<String>),
    /// An indexer query failed.
    #[error("indexer: {0}")]
    Indexer(#[from] ScenarioError),
    /// A chain read failed.
    #[error("chain read: {0}")]
    Chain(#[from] tributary_sdk::Error),
    /// The indexer answered with JSON of another shape.
    #[error("{url}: {message}")]
    Shape {
        /// The query.
        url: String,
        /// What was missing.
        message: String,
    },
}

/// The differences found so far.
#[derive(Default)]
struct Diff(Vec<String>);

impl Diff {
    /// Records a difference unless the indexer's `served` JSON value reads as `chain`.
    fn eq(&mut self, what: impl Display, served: &Value, chain: impl Display) {
        let served = match served {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        let chain = chain.to_string();
        if served != chain {
            self.0
                .push(format!("{what}: indexer {served}, chain {chain}"));
        }
    }
}

/// The indexer at `base`.
struct Indexer<'a> {
    base: &'a str,
}

impl Indexer<'_> {
    async fn get(&self, path: &str) -> Result<Value, VerifyError> {
        let url = format!("{}{path}", self.base);
        let body = http_get(&url).await?;
        serde_json::from_str(&body).map_err(|e| VerifyError::Shape {
            url,
            message: e.to_string(),
        })
    }

    /// Every item of a paginated listing, following `next_cursor`.
    async fn all(&self, path: &str) -> Result<Vec<Value>, VerifyError> {
        let sep = if path.contains('?') { '&' } else { '?' };
        let mut items = Vec::new();
        let mut cursor: Option<String> = None;
        loop {
            let url = match &cursor {
                Some(c) => format!("{path}{sep}limit=500&cursor={c}"),
                None => format!("{path}{sep}limit=500"),
            };
            let page = self.get(&url).await?;
            let Some(batch) = page["items"].as_array() else {
                return Err(shape(&url, "no items array"));
            };
            items.extend(batch.iter().cloned());
            match page["next_cursor"].as_str() {
                Some(c) => cursor = Some(c.to_string()),
                None => return Ok(items),
            }
        }
    }
}

fn shape(url: &str, message: &str) -> VerifyError {
    VerifyError::Shape {
        url: url.to_string(),
        message: message.to_string(),
    }
}

fn number(v: &Value, field: &str, url: &str) -> Result<u64, VerifyError> {
    v[field]
        .as_u64()
        .ok_or_else(|| shape(url, &format!("no numeric {field}")))
}

fn amount(v: &Value, field: &str, url: &str) -> Result<i128, VerifyError> {
    v[field]
        .as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| shape(url, &format!("no decimal-string amount {field}")))
}

fn address(s: &str, url: &str) -> Result<ScAddress, VerifyError> {
    s.parse()
        .map_err(|_| shape(url, &format!("{s:?} is not a strkey address")))
}

/// The names the indexer uses for the campaign and proposal status enums (its OpenAPI
/// document); stream statuses are `tributary_indexer::query::stream_status_name`.
fn campaign_status(s: CampaignStatus) -> &'static str {
    match s {
        CampaignStatus::Draft => "draft",
        CampaignStatus::Active => "active",
        CampaignStatus::Paused => "paused",
        CampaignStatus::ClawedBack => "clawed_back",
    }
}

fn proposal_status(s: ProposalStatus) -> &'static str {
    match s {
        ProposalStatus::Pending => "pending",
        ProposalStatus::Queued => "queued",
        ProposalStatus::Executed => "executed",
        ProposalStatus::Canceled => "canceled",
        ProposalStatus::Expired => "expired",
    }
}

/// Compares the indexer at `base` (e.g. `http://127.0.0.1:8080`) with the chain, for every
/// stream, campaign, claim and proposal it serves, the tiers, subscriptions and access of
/// the scenario's creator and fan, and the insured assets; then checks conservation: each
/// contract's token balance equals its open positions' unpaid escrow (stream: `deposit -
/// withdrawn - refunded`; claims: campaigns' `remaining`; insurance: the fund's balance;
/// access: nothing). The indexer must have applied the latest ledger.
///
/// # Errors
/// [`VerifyError::Mismatch`] listing every difference; [`VerifyError::Indexer`],
/// [`VerifyError::Chain`] or [`VerifyError::Shape`] when a read fails.
pub async fn verify(s: &Setup, outcome: &Outcome, base: &str) -> Result<Summary, VerifyError> {
    let ix = Indexer { base };
    let c = &s.client;
    let reader = outcome.alice.as_str();
    let at = s.ledger_time().await?;
    let mut d = Diff::default();
    let mut sum = Summary::default();
    // Unpaid escrow by (token, contract), from the indexer's projections.
    let mut escrow: BTreeMap<(String, String), i128> = BTreeMap::new();
    let mut add = |contract: &str, token: &str, value: i128| {
        *escrow
            .entry((token.to_string(), contract.to_string()))
            .or_default() += value;
    };

    let stream = s.stream();
    let url = format!("/streams?at={at}");
    for v in ix.all(&url).await? {
        let id = number(&v, "id", &url)?;
        let on = c.read(reader, &stream.get_stream(id)).await?;
        let what = |f: &str| format!("stream {id} {f}");
        d.eq(what("sender"), &v["sender"], &on.sender);
        d.eq(what("recipient"), &v["recipient"], &on.recipient);
        d.eq(what("token"), &v["token"], &on.token);
        d.eq(what("deposit"), &v["deposit"], on.deposit);
        d.eq(what("start"), &v["start"], on.start);
        d.eq(what("cliff"), &v["cliff"], on.cliff);
        d.eq(what("end"), &v["end"], on.end);
        d.eq(what("withdrawn"), &v["withdrawn"], on.withdrawn);
        d.eq(what("refunded"), &v["refunded"], on.refunded);
        d.eq(what("cancelable"), &v["cancelable"], on.cancelable);
        d.eq(what("transferable"), &v["transferable"], on.transferable);
        d.eq(what("canceled"), &v["canceled"], on.canceled);
        if on.canceled || on.end <= at {
            let status = c.read(reader, &stream.status(id)).await?;
            d.eq(what("status"), &v["status"], stream_status_name(status));
            let withdrawable = c.read(reader, &stream.withdrawable(id)).await?;
            d.eq(what("withdrawable"), &v["withdrawable"], withdrawable);
        }
        let unpaid = amount(&v, "deposit", &url)?
            - amount(&v, "withdrawn", &url)?
            - amount(&v, "refunded", &url)?;
        let token = v["token"].as_str().unwrap_or_default();
        add(&s.deployment.stream, token, unpaid);
        sum.streams += 1;
    }

    let claims = s.claims();
    // Campaign ids derive from the funder and a salt: the scenario's one campaign is all there
    // is on this chain (its escrow is the claims contract's whole balance, checked below).
    for id in [outcome.campaign] {
        let path = format!("/campaigns/{id}");
        let v = ix.get(&path).await?;
        let on = c.read(reader, &claims.get_campaign(id)).await?;
        let what = |f: &str| format!("campaign {id} {f}");
        d.eq(what("funder"), &v["funder"], &on.funder);
        d.eq(what("token"), &v["token"], &on.token);
        d.eq(what("root"), &v["root"], hex::encode(on.root));
        d.eq(what("total"), &v["total"], on.total);
        d.eq(what("count"), &v["count"], on.count);
        d.eq(what("remaining"), &v["remaining"], on.remaining);
        d.eq(what("expiry"), &v["expiry"], on.expiry);
        d.eq(what("status"), &v["status"], campaign_status(on.status));
        let listed = ix.all(&format!("{path}/claims")).await?;
        let (mut claimed, mut count, mut revoked) = (0i128, 0usize, 0usize);
        for e in &listed {
            let index = number(e, "index", &path)?;
            let index = u32::try_from(index).map_err(|_| shape(&path, "index above u32"))?;
            let settled = c.read(reader, &claims.is_claimed(id, index)).await?;
            d.eq(
                format!("campaign {id} entry {index} settled"),
                &Value::Bool(true),
                settled,
            );
            if e["status"] == "claimed" {
                claimed += amount(e, "amount", &path)?;
                count += 1;
            } else {
                revoked += 1;
            }
            sum.claims += 1;
        }
        d.eq(what("claimed (sum of claims)"), &v["claimed"], claimed);
        d.eq(what("claims (count)"), &v["claims"], count);
        d.eq(what("revoked (count)"), &v["revoked"], revoked);
        add(&s.deployment.claims, &on.token.to_string(), on.remaining);
        sum.campaigns += 1;
    }

    let access = s.access();
    let creator = address(&outcome.creator, "outcome")?;
    let fan = address(&outcome.fan, "outcome")?;
    let path = format!("/creators/{}/tiers", outcome.creator);
    for v in ix.all(&path).await? {
        let level = u32::try_from(number(&v, "level", &path)?)
            .map_err(|_| shape(&path, "level above u32"))?;
        let what = |f: &str| format!("tier {level} {f}");
        match c.read(reader, &access.tier(&creator, level)).await? {
            Some(on) => {
                d.eq(what("token"), &v["token"], &on.token);
                d.eq(what("price"), &v["price"], on.price);
                d.eq(what("period"), &v["period"], on.period);
                d.eq(what("grace"), &v["grace"], on.grace);
                d.eq(what("version"), &v["version"], on.version);
                d.eq(what("retired"), &v["retired"], on.retired);
            }
            None => d.0.push(format!("tier {level}: indexed, not on chain")),
        }
        sum.tiers += 1;
    }
    let path = format!("/subscriptions?fan={}", outcome.fan);
    for v in ix.all(&path).await? {
        let creator_id = v["creator"].as_str().unwrap_or_default();
        let what = |f: &str| format!("subscription {}→{creator_id} {f}", outcome.fan);
        let creator_addr = address(creator_id, &path)?;
        let Some(on) = c
            .read(reader, &access.subscription(&fan, &creator_addr))
            .await?
        else {
            d.0.push(what("indexed, not on chain"));
            continue;
        };
        d.eq(what("level"), &v["level"], on.level);
        d.eq(what("token"), &v["token"], &on.token);
        d.eq(what("price"), &v["price"], on.price);
        d.eq(what("paid"), &v["paid"], on.paid);
        d.eq(what("expires_at"), &v["expires_at"], on.expires_at);
        d.eq(what("grace"), &v["grace"], on.grace);
        d.eq(what("version"), &v["version"], on.version);
        sum.subscriptions += 1;
        let near = |t: u64| t.abs_diff(at) < 60;
        if near(on.expires_at) || near(on.expires_at.saturating_add(on.grace)) {
            continue;
        }
        for level in 0..=3 {
            let q = format!(
                "/access/{}/{creator_id}?min_level={level}&at={at}",
                outcome.fan
            );
            let served = ix.get(&q).await?;
            let on = c
                .read(reader, &access.has_access(&fan, &creator_addr, level))
                .await?;
            d.eq(
                what(&format!("has_access level {level}")),
                &served["has_access"],
                on,
            );
            sum.access_checks += 1;
        }
    }

    let insurance = s.insurance();
    let fund = ix.get("/insurance").await?;
    let Some(assets) = fund["assets"].as_array() else {
        return Err(shape("/insurance", "no assets array"));
    };
    // The chain's allowlist and every asset the indexer saw move; an insured asset without
    // events (none skimmed yet) is served as absent, a zero balance.
    let mut ids: Vec<String> = c
        .read(reader, &insurance.assets())
        .await?
        .iter()
        .map(ToString::to_string)
        .collect();
    ids.extend(
        assets
            .iter()
            .filter_map(|v| v["asset"].as_str().map(String::from)),
    );
    ids.sort();
    ids.dedup();
    for asset_id in &ids {
        let served = assets
            .iter()
            .find(|v| v["asset"] == asset_id.as_str())
            .map_or(Ok(0), |v| amount(v, "balance", "/insurance"))?;
        let on = c
            .read(
                reader,
                &insurance.balance(&address(asset_id, "/insurance")?),
            )
            .await?;
        d.eq(
            format!("insurance balance of {asset_id}"),
            &Value::String(served.to_string()),
            on,
        );
        add(&s.deployment.insurance, asset_id, served);
        sum.assets += 1;
    }
    for v in ix.all("/insurance/proposals").await? {
        let id = number(&v, "id", "/insurance/proposals")?;
        let on = c.read(reader, &insurance.proposal(id)).await?;
        let what = |f: &str| format!("proposal {id} {f}");
        d.eq(what("status"), &v["status"], proposal_status(on.status));
        d.eq(what("proposer"), &v["proposer"], &on.proposer);
        d.eq(what("epoch"), &v["epoch"], on.epoch);
        d.eq(what("eta"), &v["eta"], on.eta);
        d.eq(what("created_at"), &v["created_at"], on.created_at);
        let approvers = v["approvers"].as_array().map_or(0, Vec::len);
        d.eq(
            what("approvals"),
            &Value::from(approvers),
            on.approvals.count_ones(),
        );
        sum.proposals += 1;
    }

    // Conservation: every contract's balance of every token the positions use (and the
    // access contract, which holds nothing, of the same tokens).
    let tokens: BTreeSet<&String> = escrow.keys().map(|(token, _)| token).collect();
    for token in tokens {
        let sac = TokenContract::new(address(token, "escrow")?);
        for contract in [
            &s.deployment.stream,
            &s.deployment.claims,
            &s.deployment.access,
            &s.deployment.insurance,
        ] {
            let owed = escrow
                .get(&(token.clone(), contract.clone()))
                .copied()
                .unwrap_or(0);
            let held = c
                .read(reader, &sac.balance(&address(contract, "deployment")?))
                .await?;
            d.eq(
                format!("conservation: {contract}'s balance of {token} vs unpaid escrow"),
                &Value::String(owed.to_string()),
                held,
            );
            sum.balances += 1;
        }
    }

    if d.0.is_empty() {
        Ok(sum)
    } else {
        Err(VerifyError::Mismatch(d.0))
    }
}
