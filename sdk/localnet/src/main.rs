//! `localnet`: runs the local Stellar network until Ctrl-C or SIGTERM.

use std::{net::SocketAddr, path::PathBuf, process::ExitCode, time::Duration};

use clap::Parser;
use tributary_localnet::server::{Config, Localnet};

/// A single-node Stellar development network speaking Stellar RPC on the real soroban-env-host.
#[derive(Parser, Debug)]
#[command(version, about)]
struct Args {
    /// Address to serve JSON-RPC (`/rpc`) and friendbot (`/friendbot`) on.
    #[arg(long, env = "LOCALNET_LISTEN", default_value = "127.0.0.1:8000")]
    listen: SocketAddr,
    /// Network passphrase.
    #[arg(long, env = "LOCALNET_PASSPHRASE", default_value = tributary_localnet::settings::PASSPHRASE)]
    network_passphrase: String,
    /// Ledger close cadence in milliseconds; 0 closes ledgers only on demand
    /// (`POST /localnet/close`).
    #[arg(long, env = "LOCALNET_LEDGER_MS", default_value_t = 1000)]
    ledger_ms: u64,
    /// Ledgers of history kept for getEvents, getTransactions and getLedgers.
    #[arg(long, env = "LOCALNET_RETENTION_LEDGERS", default_value_t = 120_960)]
    retention_ledgers: u32,
    /// State file: loaded at start if it exists, saved after ledgers with transactions and at exit.
    #[arg(long, env = "LOCALNET_STATE")]
    state: Option<PathBuf>,
    /// Minimum TTL of new persistent entries and contract code, ledgers (Mainnet's 2,073,600
    /// by default); a small value lets entries archive within seconds, to try restores.
    #[arg(long, env = "LOCALNET_MIN_PERSISTENT_TTL", value_parser = clap::value_parser!(u32).range(1..=3_110_400))]
    min_persistent_ttl: Option<u32>,
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = Args::parse();
    let mut settings =
        tributary_localnet::settings::Settings::mainnet_like(&args.network_passphrase);
    if let Some(ttl) = args.min_persistent_ttl {
        settings.min_persistent_ttl = ttl;
    }
    let config = Config {
        listen: args.listen,
        settings,
        ledger_interval: (args.ledger_ms > 0).then(|| Duration::from_millis(args.ledger_ms)),
        retention_ledgers: args.retention_ledgers,
        state_file: args.state,
        ..Config::default()
    };
    let net = match Localnet::start(config).await {
        Ok(n) => n,
        Err(e) => {
            eprintln!("localnet: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!(
        "localnet ready: rpc {} friendbot {}",
        net.rpc_url(),
        net.friendbot_url()
    );
    wait_for_signal().await;
    match net.shutdown().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("localnet: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn wait_for_signal() {
    let ctrl_c = tokio::signal::ctrl_c();
    #[cfg(unix)]
    {
        let mut term =
            match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
                Ok(s) => s,
                Err(_) => {
                    let _ = ctrl_c.await;
                    return;
                }
            };
        tokio::select! {
            _ = ctrl_c => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = ctrl_c.await;
}
