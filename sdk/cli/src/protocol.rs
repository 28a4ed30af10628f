//! `tier set|retire`, `subscribe`, `allowance`, `renew`, `access check` and
//! `insurance propose|approve|execute|cancel|expire|propose-asset|propose-council|show`.

use serde_json::json;
use sha2::{Digest, Sha256};
use tributary_sdk::{
    generated::{access::AccessContract, insurance::InsuranceContract},
    insurance::proposal_hash,
    token::TokenContract,
};

use crate::{
    args::{AllowanceArgs, InsuranceCommand, RenewArgs, SubscribeArgs},
    context::{address, contract, CliError, Context, Report},
};

pub async fn set_tier(
    ctx: &Context,
    level: u32,
    token: &str,
    price: i128,
    period: u64,
    grace: u64,
) -> Result<Report, CliError> {
    let access = AccessContract::new(contract(&ctx.deployment()?.access)?);
    let token = ctx.token(token)?;
    let key = ctx.key()?;
    let done = ctx
        .client
        .invoke(
            key,
            &access.set_tier(&key.address(), level, &token, price, period, grace),
            &[],
        )
        .await?;
    Ok(Report::new(
        json!({ "creator": key.public_strkey(), "level": level, "version": done.value, "tx": done.hash }),
    ))
}

pub async fn retire_tier(ctx: &Context, level: u32) -> Result<Report, CliError> {
    let access = AccessContract::new(contract(&ctx.deployment()?.access)?);
    let key = ctx.key()?;
    let done = ctx
        .client
        .invoke(key, &access.retire_tier(&key.address(), level), &[])
        .await?;
    Ok(Report::new(
        json!({ "creator": key.public_strkey(), "level": level, "retired": true, "tx": done.hash }),
    ))
}

/// The fan (the key) lets the access contract pull up to `amount` for renewals.
pub async fn allowance(ctx: &Context, a: AllowanceArgs) -> Result<Report, CliError> {
    let spender = contract(&ctx.deployment()?.access)?;
    let token = TokenContract::new(ctx.token(&a.token)?);
    let key = ctx.key()?;
    let latest = ctx
        .client
        .rpc()
        .get_latest_ledger()
        .await
        .map_err(|e| CliError::Sdk(tributary_sdk::Error::Rpc(e.to_string())))?;
    let until = latest.sequence.saturating_add(a.ledgers);
    let done = ctx
        .client
        .invoke(
            key,
            &token.approve(&key.address(), &spender, a.amount, until),
            &[],
        )
        .await?;
    Ok(Report::new(json!({
        "fan": key.public_strkey(), "spender": spender.to_string(), "token": token.address.to_string(),
        "amount": a.amount.to_string(), "expiration_ledger": until, "tx": done.hash,
    })))
}

/// A keeper (the key pays the fee) renews a fan's subscription; `charged` is false when the
/// contract could not charge (its `renewal_failed` event says why).
pub async fn renew(ctx: &Context, a: RenewArgs) -> Result<Report, CliError> {
    let access = AccessContract::new(contract(&ctx.deployment()?.access)?);
    let (fan, creator) = (address(&a.fan)?, address(&a.creator)?);
    let done = ctx
        .client
        .invoke(ctx.key()?, &access.renew(&fan, &creator, a.periods), &[])
        .await?;
    let sub = ctx
        .client
        .read(&ctx.reader(), &access.subscription(&fan, &creator))
        .await?;
    Ok(Report::new(json!({
        "fan": a.fan, "creator": a.creator, "charged": done.value,
        "expires_at": sub.map(|s| s.expires_at), "tx": done.hash,
    })))
}

pub async fn subscribe(ctx: &Context, a: SubscribeArgs) -> Result<Report, CliError> {
    let access = AccessContract::new(contract(&ctx.deployment()?.access)?);
    let creator = address(&a.creator)?;
    let key = ctx.key()?;
    let max_price = match a.max_price {
        Some(p) => p,
        None => {
            let tier = ctx
                .client
                .read(&ctx.reader(), &access.tier(&creator, a.level))
                .await?;
            tier.ok_or_else(|| CliError::Input(format!("{} has no tier {}", a.creator, a.level)))?
                .price
        }
    };
    let done = ctx
        .client
        .invoke(
            key,
            &access.subscribe(&key.address(), &creator, a.level, a.periods, max_price),
            &[],
        )
        .await?;
    Ok(Report::new(
        json!({ "fan": key.public_strkey(), "creator": a.creator, "level": a.level, "expires_at": done.value, "tx": done.hash }),
    ))
}

pub async fn check_access(
    ctx: &Context,
    fan: &str,
    creator: &str,
    min_level: u32,
) -> Result<Report, CliError> {
    let access = AccessContract::new(contract(&ctx.deployment()?.access)?);
    let (fan_a, creator_a) = (address(fan)?, address(creator)?);
    let ok = ctx
        .client
        .read(
            &ctx.reader(),
            &access.has_access(&fan_a, &creator_a, min_level),
        )
        .await?;
    Ok(Report::new(
        json!({ "fan": fan, "creator": creator, "min_level": min_level, "has_access": ok }),
    ))
}

pub async fn insurance(ctx: &Context, c: InsuranceCommand) -> Result<Report, CliError> {
    let d = ctx.deployment()?;
    let ins = InsuranceContract::new(contract(&d.insurance)?);
    match c {
        InsuranceCommand::Propose {
            asset,
            amount,
            recipient,
            reason,
        } => {
            let (asset, recipient) = (ctx.token(&asset)?, address(&recipient)?);
            let reason: [u8; 32] = match hex::decode(&reason).ok().and_then(|b| b.try_into().ok()) {
                Some(h) => h,
                None => Sha256::digest(reason.as_bytes()).into(),
            };
            let key = ctx.key()?;
            let done = ctx
                .client
                .invoke(
                    key,
                    &ins.propose_bailout(&key.address(), &asset, amount, &recipient, &reason),
                    &[],
                )
                .await?;
            Ok(Report::new(
                json!({ "id": done.value, "reason": hex::encode(reason), "tx": done.hash }),
            ))
        }
        InsuranceCommand::Approve { id } => {
            let key = ctx.key()?;
            let p = ctx.client.read(&ctx.reader(), &ins.proposal(id)).await?;
            let epoch = ctx.client.read(&ctx.reader(), &ins.epoch()).await?;
            let hash = proposal_hash(&ins.address, id, &p.action, epoch);
            ctx.client
                .invoke(key, &ins.approve(&key.address(), id, &hash), &[])
                .await?;
            let p = ctx.client.read(&ctx.reader(), &ins.proposal(id)).await?;
            Ok(Report::new(
                json!({ "id": id, "approvals": p.approvals.count_ones(), "status": format!("{:?}", p.status), "eta": p.eta }),
            ))
        }
        InsuranceCommand::Execute { id } => {
            let done = ctx.client.invoke(ctx.key()?, &ins.execute(id), &[]).await?;
            Ok(Report::new(
                json!({ "id": id, "executed": true, "tx": done.hash }),
            ))
        }
        InsuranceCommand::Cancel { id } => {
            let key = ctx.key()?;
            let done = ctx
                .client
                .invoke(key, &ins.cancel(&key.address(), id), &[])
                .await?;
            Ok(Report::new(
                json!({ "id": id, "status": "Canceled", "tx": done.hash }),
            ))
        }
        InsuranceCommand::Expire { id } => {
            let done = ctx.client.invoke(ctx.key()?, &ins.expire(id), &[]).await?;
            Ok(Report::new(
                json!({ "id": id, "status": "Expired", "tx": done.hash }),
            ))
        }
        InsuranceCommand::ProposeAsset { asset, remove } => {
            let asset = ctx.token(&asset)?;
            let key = ctx.key()?;
            let call = ins.propose_asset_change(&key.address(), &asset, !remove);
            let done = ctx.client.invoke(key, &call, &[]).await?;
            Ok(Report::new(json!({
                "id": done.value, "asset": asset.to_string(), "insured": !remove, "tx": done.hash,
            })))
        }
        InsuranceCommand::ProposeCouncil { old, new } => {
            let (old, new) = (address(&old)?, address(&new)?);
            let key = ctx.key()?;
            let call = ins.propose_council_change(&key.address(), &old, &new);
            let done = ctx.client.invoke(key, &call, &[]).await?;
            Ok(Report::new(json!({
                "id": done.value, "old": old.to_string(), "new": new.to_string(), "tx": done.hash,
            })))
        }
        InsuranceCommand::Show { id } => {
            let reader = ctx.reader();
            let council = ctx.client.read(&reader, &ins.council()).await?;
            let epoch = ctx.client.read(&reader, &ins.epoch()).await?;
            let mut balances = serde_json::Map::new();
            for asset in ctx.client.read(&reader, &ins.assets()).await? {
                let b = ctx.client.read(&reader, &ins.balance(&asset)).await?;
                balances.insert(asset.to_string(), json!(b.to_string()));
            }
            let mut out = json!({
                "council": council.iter().map(ToString::to_string).collect::<Vec<_>>(),
                "epoch": epoch,
                "balances": balances,
            });
            if let Some(id) = id {
                let p = ctx.client.read(&reader, &ins.proposal(id)).await?;
                out["proposal"] = json!({
                    "id": id, "proposer": p.proposer.to_string(), "status": format!("{:?}", p.status),
                    "approvals": p.approvals.count_ones(), "eta": p.eta, "action": format!("{:?}", p.action),
                });
            }
            Ok(Report::new(out))
        }
    }
}
