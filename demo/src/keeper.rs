//! The demo's renewal keeper (`tributary_sdk::keeper`), running beside the indexer. So that
//! it has work, the scenario's creator offers a 2-minute tier (level 3) and a demo fan
//! subscribes with an allowance (and streams 900 XLM to the creator over 90 days, for the
//! creator's revenue forecast): the window opens a minute before each end and the keeper
//! renews it, about every 2 minutes at 1-second ledgers. The first renewal is awaited before
//! the banner, which shows it.

use std::{
    sync::{Arc, Mutex},
    time::{Duration, Instant},
};

use tokio::sync::oneshot;
use tributary_scenario::{signer, Network, Setup, XLM};
use tributary_sdk::{
    keeper::{Keeper, KeeperConfig, Renewed},
    token::TokenContract,
    Sign,
};

use crate::DemoError;

/// The demo stream to the creator: deposit (base units) and length (days).
pub const STREAM_DEPOSIT: i128 = 900 * XLM;
/// Its length, days.
pub const STREAM_DAYS: u64 = 90;

/// The demo tier's period and grace, seconds.
pub const PERIOD: u64 = 120;
const GRACE: u64 = 60;
const LEVEL: u32 = 3;

/// A renewal the keeper charged, and the ledger time of its pass.
#[derive(Clone, Debug)]
pub struct LastRenewal {
    /// What was renewed.
    pub renewed: Renewed,
    /// Ledger time of the pass, Unix seconds.
    pub at: u64,
}

/// The running keeper.
pub struct DemoKeeper {
    /// The keeper's account (G…), which pays the fees.
    pub account: String,
    /// The demo fan (G…) whose 2-minute subscription it renews.
    pub fan: String,
    /// The demo fan's 90-day stream to the creator.
    pub stream_id: u64,
    keeper: Arc<Keeper>,
    last: Arc<Mutex<Option<LastRenewal>>>,
    stop: Option<oneshot::Sender<()>>,
    task: tokio::task::JoinHandle<()>,
}

impl DemoKeeper {
    /// The last renewal charged, if any.
    pub fn last_renewal(&self) -> Option<LastRenewal> {
        self.last.lock().ok().and_then(|l| l.clone())
    }

    /// The keeper's Prometheus metrics.
    pub fn metrics_text(&self) -> String {
        self.keeper.metrics_text()
    }

    /// Stops the keeper after its current pass.
    pub async fn stop(mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let _ = self.task.await;
    }
}

/// Sets up the 2-minute subscription, starts the keeper on the indexer at `indexer_url`, moves
/// the ledger clock to the window's opening and waits (up to 60 s) for the first renewal.
///
/// # Errors
/// [`DemoError::Scenario`] for a failed setup call; [`DemoError::Indexer`] if no renewal came.
pub async fn start(
    setup: &Setup,
    net: &Network,
    indexer_url: &str,
) -> Result<DemoKeeper, DemoError> {
    let c = &setup.client;
    let [creator, fan, account] = ["creator", "demo fan", "demo keeper"].map(signer);
    net.fund(&fan).await?;
    net.fund(&account).await?;
    let access = setup.access();
    let tier = access.set_tier(&creator.address(), LEVEL, &setup.xlm, XLM, PERIOD, GRACE);
    c.invoke(&creator, &tier, &[]).await.map_err(sdk)?;
    let subscribe = access.subscribe(&fan.address(), &creator.address(), LEVEL, 1, XLM);
    c.invoke(&fan, &subscribe, &[]).await.map_err(sdk)?;
    let latest = c.rpc().get_latest_ledger().await.map_err(|e| rpc(&e))?;
    let approve = TokenContract::new(setup.xlm.clone()).approve(
        &fan.address(),
        &access.address,
        1_000 * XLM,
        latest.sequence + 3_000_000,
    );
    c.invoke(&fan, &approve, &[]).await.map_err(sdk)?;
    // And a 90-day stream to the creator: the exact part of the creator's revenue forecast.
    let start = setup.ledger_time().await?;
    let create = setup.stream().create_stream(
        &fan.address(),
        tributary_sdk::ids::random_salt(),
        &creator.address(),
        &setup.xlm,
        STREAM_DEPOSIT,
        start,
        start,
        start + STREAM_DAYS * 86_400,
        true,
        false,
    );
    let stream_id = c.invoke(&fan, &create, &[]).await.map_err(sdk)?.value;

    let config = KeeperConfig {
        indexer_url: indexer_url.to_string(),
        access: access.address.clone(),
        batch: 8,
        max_fee: Some(10_000_000),
        lookback: 86_400,
        dry_run: false,
    };
    let source: Arc<dyn Sign> = Arc::new(account.clone());
    let keeper = Arc::new(
        Keeper::new(c.clone(), source, config).map_err(|e| DemoError::Config(e.to_string()))?,
    );
    let last: Arc<Mutex<Option<LastRenewal>>> = Arc::default();
    let (stop_tx, stop_rx) = oneshot::channel();
    let task = {
        let (keeper, last) = (keeper.clone(), last.clone());
        tokio::spawn(async move {
            let stop = async {
                let _ = stop_rx.await;
            };
            keeper
                .run(Duration::from_secs(2), stop, |r| {
                    if let Some(x) = r.renewed.last() {
                        tracing::info!(fan = %x.fan, at = r.at, "keeper renewed a subscription");
                        if let Ok(mut l) = last.lock() {
                            *l = Some(LastRenewal {
                                renewed: x.clone(),
                                at: r.at,
                            });
                        }
                    }
                })
                .await;
        })
    };
    let demo = DemoKeeper {
        account: account.public_strkey(),
        fan: fan.public_strkey(),
        stream_id,
        keeper,
        last,
        stop: Some(stop_tx),
        task,
    };
    // The window opens a minute before the end: move there rather than wait.
    net.advance_time(PERIOD - 60).await?;
    let started = Instant::now();
    while demo.last_renewal().is_none() {
        if started.elapsed() > Duration::from_secs(60) {
            demo.stop().await;
            return Err(DemoError::Indexer(
                "the demo keeper renewed nothing within 60 s".into(),
            ));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    Ok(demo)
}

fn sdk(e: tributary_sdk::Error) -> DemoError {
    DemoError::Scenario(e.into())
}

fn rpc(e: &dyn std::fmt::Display) -> DemoError {
    DemoError::Scenario(tributary_sdk::Error::Rpc(e.to_string()).into())
}
