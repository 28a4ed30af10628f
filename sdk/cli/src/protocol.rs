//! `tier set`, `subscribe`, `access check` and `insurance propose|approve|execute|show`.

use serde_json::json;
use sha2::{Digest, Sha256};
use tributary_sdk::{
    generated::{access::AccessContract, insurance::InsuranceContract},
    insurance::proposal_hash,
};

use crate::{
    args::{InsuranceCommand, SubscribeArgs},
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
