//! `tributary`: the operator CLI. Every command checks the network passphrase against the RPC
//! and validates its input before anything is sent; failures print one clear line and exit 1
//! (2 for usage errors).

mod args;
mod campaign;
mod context;
mod deploy;
mod forecast;
mod keeper;
mod protocol;
mod stream;

use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};
use context::{CliError, Context, Report};

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.json;
    match run(cli).await {
        Ok(report) => {
            report.print(json);
            ExitCode::SUCCESS
        }
        Err(e) => {
            if json {
                println!("{}", serde_json::json!({ "error": e.to_string() }));
            }
            eprintln!("tributary: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> Result<Report, CliError> {
    if let Command::Forecast(a) = &cli.command {
        // The indexer answers; no RPC needed.
        return forecast::run(a).await;
    }
    if let Command::Campaign(args::CampaignCommand::Build { csv, out }) = &cli.command {
        // Offline: no RPC needed.
        return campaign::build(csv, out, cli.json);
    }
    if let Command::Campaign(args::CampaignCommand::Keys {
        recipients,
        out,
        link_base,
    }) = &cli.command
    {
        // Offline too: the deployment names the claims contract, the key is the funder.
        return campaign::keys_offline(&cli, recipients, out, link_base);
    }
    let ctx = Context::new(&cli).await?;
    match cli.command {
        Command::Deploy(a) => deploy::deploy(&ctx, a).await,
        Command::Stream(c) => stream::run(&ctx, c).await,
        Command::Campaign(c) => campaign::run(&ctx, c).await,
        Command::Tier(args::TierCommand::Set {
            level,
            token,
            price,
            period,
            grace,
        }) => protocol::set_tier(&ctx, level, &token, price, period, grace).await,
        Command::Tier(args::TierCommand::Retire { level }) => {
            protocol::retire_tier(&ctx, level).await
        }
        Command::Subscribe(a) => protocol::subscribe(&ctx, a).await,
        Command::Allowance(a) => protocol::allowance(&ctx, a).await,
        Command::Renew(a) => protocol::renew(&ctx, a).await,
        Command::Keeper(a) => keeper::run(&ctx, a).await,
        Command::Forecast(a) => forecast::run(&a).await,
        Command::Access(args::AccessCommand::Check {
            fan,
            creator,
            min_level,
        }) => protocol::check_access(&ctx, &fan, &creator, min_level).await,
        Command::Insurance(c) => protocol::insurance(&ctx, c).await,
    }
}
