//! `keeper`: renews subscriptions from the indexer's renewal queue (`tributary_sdk::keeper`),
//! one pass with `--once` or `--dry-run`, else every `--interval` seconds until Ctrl-C, with
//! Prometheus metrics at `--metrics-listen`.

use std::{sync::Arc, time::Duration};

use serde_json::json;
use tributary_sdk::keeper::{Keeper, KeeperConfig, PassReport};

use crate::{
    args::KeeperArgs,
    context::{contract, CliError, Context, Report},
};

pub async fn run(ctx: &Context, a: KeeperArgs) -> Result<Report, CliError> {
    let config = KeeperConfig {
        indexer_url: a.indexer.clone(),
        access: contract(&ctx.deployment()?.access)?,
        batch: a.batch as usize,
        max_fee: a.max_fee,
        lookback: a.lookback,
        dry_run: a.dry_run,
    };
    let source: Arc<dyn tributary_sdk::Sign> = Arc::new(ctx.key()?.clone());
    let keeper = Arc::new(Keeper::new(ctx.client.clone(), source, config)?);
    if a.once || a.dry_run {
        let report = keeper.pass().await?;
        return Ok(Report::new(
            serde_json::to_value(&report).unwrap_or_default(),
        ));
    }
    if let Some(addr) = a.metrics_listen {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| CliError::Input(format!("--metrics-listen {addr}: {e}")))?;
        let k = keeper.clone();
        let app = axum::Router::new().route(
            "/metrics",
            axum::routing::get(move || {
                let k = k.clone();
                async move { k.metrics_text() }
            }),
        );
        tokio::spawn(async move { axum::serve(listener, app).await });
    }
    let json = ctx.json;
    let stop = async {
        // Without a signal handler the keeper runs until killed, which is as safe: every
        // renewal is idempotent on chain.
        let _ = tokio::signal::ctrl_c().await;
    };
    keeper
        .run(Duration::from_secs(a.interval), stop, |r| {
            print_pass(r, json)
        })
        .await;
    Ok(Report::new(json!({ "stopped": true })))
}

/// One line per pass that found something to do.
fn print_pass(r: &PassReport, json: bool) {
    if r.renewed.is_empty() && r.failed.is_empty() && r.already_renewed == 0 {
        return;
    }
    if json {
        println!("{}", serde_json::to_value(r).unwrap_or_default());
    } else {
        println!(
            "at {}: renewed {}, failed {}, already renewed {}, {} transactions, {} stroops",
            r.at,
            r.renewed.len(),
            r.failed.len(),
            r.already_renewed,
            r.transactions,
            r.fees
        );
    }
}
