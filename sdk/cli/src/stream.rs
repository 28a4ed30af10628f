//! `stream create|withdraw|cancel|show`.

use std::path::Path;

use serde_json::json;
use tributary_sdk::{
    generated::stream::{StreamContract, StreamParams},
    ids::random_salt,
    xdr::ScAddress,
};

use crate::{
    args::StreamCommand,
    context::{address, contract, CliError, Context, Report},
};

pub async fn run(ctx: &Context, c: StreamCommand) -> Result<Report, CliError> {
    let d = ctx.deployment()?;
    let streams = StreamContract::new(contract(&d.stream)?);
    match c {
        StreamCommand::Create {
            recipient,
            token,
            deposit,
            start,
            cliff,
            end,
            cancelable,
            transferable,
        } => {
            let (recipient, token) = (address(&recipient)?, ctx.token(&token)?);
            let key = ctx.key()?;
            let start = ctx.time_or_now(start).await?;
            let call = streams.create_stream(
                &key.address(),
                random_salt(),
                &recipient,
                &token,
                deposit,
                start,
                cliff.unwrap_or(start),
                end,
                cancelable,
                transferable,
            );
            let done = ctx.client.invoke(key, &call, &[]).await?;
            Ok(Report::new(
                json!({ "id": done.value, "tx": done.hash, "ledger": done.ledger }),
            ))
        }
        StreamCommand::CreateBatch {
            csv,
            token,
            cancelable,
            transferable,
        } => {
            let token = ctx.token(&token)?;
            let now = ctx.time_or_now(None).await?;
            let params = batch_rows(&csv, &token, now, cancelable, transferable)?;
            let key = ctx.key()?;
            let done = ctx
                .client
                .invoke(key, &streams.create_streams(&key.address(), &params), &[])
                .await?;
            Ok(Report::new(
                json!({ "ids": done.value, "tx": done.hash, "ledger": done.ledger }),
            ))
        }
        StreamCommand::Withdraw { id, to, amount } => {
            let key = ctx.key()?;
            let s = ctx
                .client
                .read(&ctx.reader(), &streams.get_stream(id))
                .await?;
            let to = match to {
                Some(t) => address(&t)?,
                None => s.recipient.clone(),
            };
            let done = match amount {
                Some(a) => {
                    ctx.client
                        .invoke(key, &streams.withdraw(id, &to, a), &[])
                        .await?
                }
                None => {
                    ctx.client
                        .invoke(key, &streams.withdraw_max(id, &to), &[])
                        .await?
                }
            };
            Ok(Report::new(
                json!({ "id": id, "net": done.value.to_string(), "to": to.to_string(), "tx": done.hash }),
            ))
        }
        StreamCommand::Cancel { id } => {
            let done = ctx
                .client
                .invoke(ctx.key()?, &streams.cancel(id), &[])
                .await?;
            Ok(Report::new(
                json!({ "id": id, "refunded": done.value.to_string(), "tx": done.hash }),
            ))
        }
        StreamCommand::Renounce { id } => {
            let done = ctx
                .client
                .invoke(ctx.key()?, &streams.renounce(id), &[])
                .await?;
            Ok(Report::new(
                json!({ "id": id, "cancelable": false, "tx": done.hash }),
            ))
        }
        StreamCommand::Transfer { id, to } => {
            let to = address(&to)?;
            let done = ctx
                .client
                .invoke(ctx.key()?, &streams.transfer(id, &to), &[])
                .await?;
            Ok(Report::new(
                json!({ "id": id, "recipient": to.to_string(), "tx": done.hash }),
            ))
        }
        StreamCommand::Show { id } => {
            // Amounts and status at the ledger's time, as the contract computes them.
            let reader = ctx.reader();
            let s = ctx.client.read(&reader, &streams.get_stream(id)).await?;
            let status = ctx.client.read(&reader, &streams.status(id)).await?;
            let streamed = ctx.client.read(&reader, &streams.streamed(id)).await?;
            let withdrawable = ctx.client.read(&reader, &streams.withdrawable(id)).await?;
            Ok(Report::new(json!({
                "id": id,
                "sender": s.sender.to_string(),
                "recipient": s.recipient.to_string(),
                "token": s.token.to_string(),
                "deposit": s.deposit.to_string(),
                "start": s.start, "cliff": s.cliff, "end": s.end,
                "withdrawn": s.withdrawn.to_string(),
                "status": format!("{status:?}"),
                "streamed": streamed.to_string(),
                "withdrawable": withdrawable.to_string(),
                "cancelable": s.cancelable, "transferable": s.transferable,
            })))
        }
    }
}

/// The streams of a `create-batch` CSV: rows `recipient,deposit,start,cliff,end`, an optional
/// `recipient,…` header, an empty start meaning `now` and an empty cliff the start.
fn batch_rows(
    path: &Path,
    token: &ScAddress,
    now: u64,
    cancelable: bool,
    transferable: bool,
) -> Result<Vec<StreamParams>, CliError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| CliError::Input(format!("{}: {e}", path.display())))?;
    let mut params = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let row = |m: String| CliError::Input(format!("{}:{}: {m}", path.display(), n + 1));
        let fields: Vec<&str> = line.split(',').map(str::trim).collect();
        if line.trim().is_empty() || (n == 0 && fields[0] == "recipient") {
            continue;
        }
        let [recipient, deposit, start, cliff, end] = fields[..] else {
            return Err(row(format!(
                "expected 5 fields (recipient,deposit,start,cliff,end), found {}",
                fields.len()
            )));
        };
        let number = |name: &str, v: &str| {
            v.parse::<u64>()
                .map_err(|_| row(format!("{name} {v:?} is not a Unix time")))
        };
        let start = if start.is_empty() {
            now
        } else {
            number("start", start)?
        };
        let cliff = if cliff.is_empty() {
            start
        } else {
            number("cliff", cliff)?
        };
        params.push(StreamParams {
            cancelable,
            cliff,
            deposit: deposit
                .parse()
                .map_err(|_| row(format!("deposit {deposit:?} is not an integer")))?,
            end: number("end", end)?,
            recipient: address(recipient).map_err(|e| row(e.to_string()))?,
            salt: random_salt(),
            start,
            token: token.clone(),
            transferable,
        });
    }
    if params.is_empty() {
        return Err(CliError::Input(format!("{}: no streams", path.display())));
    }
    Ok(params)
}
